/* cmd-status.c -- placeholder until the command lands. */
#include <stdio.h>
#include "cmd.h"
static int cmd_status_exec(int argc, char **argv)
{
    (void)argc; (void)argv;
    fprintf(stderr, "stacklab: 'status' is not available yet\n");
    return EXIT_INTERNAL;
}
const struct cmd_entry cmd_status_entry = { "status", "", "(not yet available)", cmd_status_exec };
