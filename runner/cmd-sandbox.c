/* cmd-sandbox.c -- placeholder until the command lands. */
#include <stdio.h>
#include "cmd.h"
static int cmd_sandbox_exec(int argc, char **argv)
{
    (void)argc; (void)argv;
    fprintf(stderr, "stacklab: 'sandbox' is not available yet\n");
    return EXIT_INTERNAL;
}
const struct cmd_entry cmd_sandbox_entry = { "sandbox", "", "(not yet available)", cmd_sandbox_exec };
