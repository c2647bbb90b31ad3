/* cmd-worker.c -- `stacklab worker` (docs/server.md). Being built: says so and fails. */
#include <stdio.h>

#include "cmd.h"

static int cmd_worker_exec(struct cmd_ctx *ctx)
{
    (void)ctx;
    fprintf(stderr, "stacklab: worker is not available yet\n");
    return EXIT_INTERNAL;
}

const struct cmd_entry cmd_worker_entry = {
    .name = "worker", .usage = "(docs/server.md)", .summary = "class server: being built",
    .parse = cmd_parse_own, .exec = cmd_worker_exec,
};
