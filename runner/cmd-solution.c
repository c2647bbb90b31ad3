/* cmd-solution.c -- placeholder until the command lands. */
#include <stdio.h>
#include "cmd.h"
static int cmd_solution_exec(int argc, char **argv)
{
    (void)argc; (void)argv;
    fprintf(stderr, "stacklab: 'solution' is not available yet\n");
    return EXIT_INTERNAL;
}
const struct cmd_entry cmd_solution_entry = { "solution", "", "(not yet available)", cmd_solution_exec };
