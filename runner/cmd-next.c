/* cmd-next.c -- placeholder until the command lands. */
#include <stdio.h>
#include "cmd.h"
static int cmd_next_exec(int argc, char **argv)
{
    (void)argc; (void)argv;
    fprintf(stderr, "stacklab: 'next' is not available yet\n");
    return EXIT_INTERNAL;
}
const struct cmd_entry cmd_next_entry = { "next", "", "(not yet available)", cmd_next_exec };
