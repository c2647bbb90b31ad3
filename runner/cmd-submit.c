/* cmd-submit.c -- `stacklab submit` (docs/server.md). Being built: says so and fails. */
#include <stdio.h>

#include "cmd.h"

static int cmd_submit_exec(struct cmd_ctx *ctx)
{
    (void)ctx;
    fprintf(stderr, "stacklab: submit is not available yet\n");
    return EXIT_INTERNAL;
}

const struct cmd_entry cmd_submit_entry = {
    .name = "submit", .usage = "(docs/server.md)", .summary = "class server: being built",
    .parse = cmd_parse_own, .exec = cmd_submit_exec,
};
