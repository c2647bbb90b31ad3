/* cmd-login.c -- `stacklab login` (docs/server.md). Being built: says so and fails. */
#include <stdio.h>

#include "cmd.h"

static int cmd_login_exec(struct cmd_ctx *ctx)
{
    (void)ctx;
    fprintf(stderr, "stacklab: login is not available yet\n");
    return EXIT_INTERNAL;
}

const struct cmd_entry cmd_login_entry = {
    .name = "login", .usage = "(docs/server.md)", .summary = "class server: being built",
    .parse = cmd_parse_own, .exec = cmd_login_exec,
};
