/* cmd-check.c -- `stacklab check [LAB] [--seed N]`: grades a lab (the current one by
 * default) and every earlier lab with the hidden tests, in the sandbox. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "grader.h"
#include "util.h"
#include "workspace.h"

extern const struct cmd_entry cmd_check_entry;

static int cmd_check_exec(int argc, char **argv)
{
    struct grader_opts o = { 0 };
    const char *arg = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc) {
            if (util_parse_seed(argv[++i], &o.seed) < 0) {
                fprintf(stderr, "stacklab check: --seed takes a number from 0 to %llu, not "
                        "'%s'\n", (unsigned long long)UTIL_SEED_MAX, argv[i]);
                return EXIT_USAGE;
            }
            o.seed_set = 1;
        } else if (strcmp(argv[i], "--only") == 0) {
            o.only = 1;
        } else if (strcmp(argv[i], "--format=tap") == 0) {
            o.tap = 1;
        } else if (strcmp(argv[i], "--format=text") == 0) {
            o.tap = 0;
        } else if (argv[i][0] != '-' && arg == NULL) {
            arg = argv[i];
        } else {
            return cmd_usage(&cmd_check_entry);
        }
    }
    char *cause = NULL;
    int code = EXIT_INTERNAL;
    struct workspace *ws = workspace_open(&cause, &code);
    if (ws == NULL) {
        fprintf(stderr, "stacklab: %s\n", cause);
        free(cause);
        return code;
    }
    const struct lab *lab = grader_pick_lab(ws, arg, &cause);
    if (lab == NULL) {
        fprintf(stderr, "stacklab: %s\n", cause);
        free(cause);
        workspace_close(ws);
        return EXIT_USAGE;
    }
    code = grader_command(ws, lab, &o, stdout);
    workspace_close(ws);
    return code;
}

const struct cmd_entry cmd_check_entry = {
    "check", "[LAB] [--seed N] [--only] [--format=text|tap]",
    "grade a lab and the labs before it with the hidden tests (tap: one TAP stream)",
    cmd_check_exec
};
