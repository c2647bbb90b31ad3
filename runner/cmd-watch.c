/* cmd-watch.c -- placeholder until the command lands. */
#include <stdio.h>
#include "cmd.h"
static int cmd_watch_exec(int argc, char **argv)
{
    (void)argc; (void)argv;
    fprintf(stderr, "stacklab: 'watch' is not available yet\n");
    return EXIT_INTERNAL;
}
const struct cmd_entry cmd_watch_entry = { "watch", "", "(not yet available)", cmd_watch_exec };
