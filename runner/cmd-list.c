/* cmd-list.c -- placeholder until the command lands. */
#include <stdio.h>
#include "cmd.h"
static int cmd_list_exec(int argc, char **argv)
{
    (void)argc; (void)argv;
    fprintf(stderr, "stacklab: 'list' is not available yet\n");
    return EXIT_INTERNAL;
}
const struct cmd_entry cmd_list_entry = { "list", "", "(not yet available)", cmd_list_exec };
