/* cmd-serve.c -- `stacklab serve` (docs/server.md). Being built: says so and fails. */
#include <stdio.h>

#include "cmd.h"

static int cmd_serve_exec(struct cmd_ctx *ctx)
{
    (void)ctx;
    fprintf(stderr, "stacklab: serve is not available yet\n");
    return EXIT_INTERNAL;
}

const struct cmd_entry cmd_serve_entry = {
    .name = "serve", .usage = "(docs/server.md)", .summary = "class server: being built",
    .parse = cmd_parse_own, .exec = cmd_serve_exec,
};
