/* cmd-check.c -- placeholder until the command lands. */
#include <stdio.h>
#include "cmd.h"
static int cmd_check_exec(int argc, char **argv)
{
    (void)argc; (void)argv;
    fprintf(stderr, "stacklab: 'check' is not available yet\n");
    return EXIT_INTERNAL;
}
const struct cmd_entry cmd_check_entry = { "check", "", "(not yet available)", cmd_check_exec };
