/* cmd-hint.c -- placeholder until the command lands. */
#include <stdio.h>
#include "cmd.h"
static int cmd_hint_exec(int argc, char **argv)
{
    (void)argc; (void)argv;
    fprintf(stderr, "stacklab: 'hint' is not available yet\n");
    return EXIT_INTERNAL;
}
const struct cmd_entry cmd_hint_entry = { "hint", "", "(not yet available)", cmd_hint_exec };
