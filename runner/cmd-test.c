/* cmd-test.c -- placeholder until the command lands. */
#include <stdio.h>
#include "cmd.h"
static int cmd_test_exec(int argc, char **argv)
{
    (void)argc; (void)argv;
    fprintf(stderr, "stacklab: 'test' is not available yet\n");
    return EXIT_INTERNAL;
}
const struct cmd_entry cmd_test_entry = { "test", "", "(not yet available)", cmd_test_exec };
