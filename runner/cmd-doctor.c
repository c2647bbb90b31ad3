/* cmd-doctor.c -- placeholder until the command lands. */
#include <stdio.h>
#include "cmd.h"
static int cmd_doctor_exec(int argc, char **argv)
{
    (void)argc; (void)argv;
    fprintf(stderr, "stacklab: 'doctor' is not available yet\n");
    return EXIT_INTERNAL;
}
const struct cmd_entry cmd_doctor_entry = { "doctor", "", "(not yet available)", cmd_doctor_exec };
