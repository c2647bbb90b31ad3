/* cmd-validate.c -- placeholder until the command lands. */
#include <stdio.h>
#include "cmd.h"
static int cmd_validate_exec(int argc, char **argv)
{
    (void)argc; (void)argv;
    fprintf(stderr, "stacklab: 'validate' is not available yet\n");
    return EXIT_INTERNAL;
}
const struct cmd_entry cmd_validate_entry = { "validate", "", "(not yet available)", cmd_validate_exec };
