/* cmd-init.c -- placeholder until the command lands. */
#include <stdio.h>
#include "cmd.h"
static int cmd_init_exec(int argc, char **argv)
{
    (void)argc; (void)argv;
    fprintf(stderr, "stacklab: 'init' is not available yet\n");
    return EXIT_INTERNAL;
}
const struct cmd_entry cmd_init_entry = { "init", "", "(not yet available)", cmd_init_exec };
