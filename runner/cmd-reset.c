/* cmd-reset.c -- placeholder until the command lands. */
#include <stdio.h>
#include "cmd.h"
static int cmd_reset_exec(int argc, char **argv)
{
    (void)argc; (void)argv;
    fprintf(stderr, "stacklab: 'reset' is not available yet\n");
    return EXIT_INTERNAL;
}
const struct cmd_entry cmd_reset_entry = { "reset", "", "(not yet available)", cmd_reset_exec };
