/* cmd-lesson.c -- placeholder until the command lands. */
#include <stdio.h>
#include "cmd.h"
static int cmd_lesson_exec(int argc, char **argv)
{
    (void)argc; (void)argv;
    fprintf(stderr, "stacklab: 'lesson' is not available yet\n");
    return EXIT_INTERNAL;
}
const struct cmd_entry cmd_lesson_entry = { "lesson", "", "(not yet available)", cmd_lesson_exec };
