/* cmd-update.c -- placeholder until the command lands. */
#include <stdio.h>
#include "cmd.h"
static int cmd_update_exec(int argc, char **argv)
{
    (void)argc; (void)argv;
    fprintf(stderr, "stacklab: 'update' is not available yet\n");
    return EXIT_INTERNAL;
}
const struct cmd_entry cmd_update_entry = { "update", "", "(not yet available)", cmd_update_exec };
