/* cmd-class.c -- `stacklab class` (docs/server.md). Being built: says so and fails. */
#include <stdio.h>

#include "cmd.h"

static int cmd_class_exec(struct cmd_ctx *ctx)
{
    (void)ctx;
    fprintf(stderr, "stacklab: class is not available yet\n");
    return EXIT_INTERNAL;
}

const struct cmd_entry cmd_class_entry = {
    .name = "class", .usage = "(docs/server.md)", .summary = "class server: being built",
    .parse = cmd_parse_own, .exec = cmd_class_exec,
};
