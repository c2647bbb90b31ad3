/* cmd-test.c -- `stacklab test [LAB]`: builds and runs a lab's public tests (the ones in
 * the workspace's tests/ folder) with the learner's framework, inside the sandbox. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "grader.h"
#include "report.h"
#include "term.h"
#include "workspace.h"

extern const struct cmd_entry cmd_test_entry;

static int cmd_test_exec(int argc, char **argv)
{
    if (argc > 2 || (argc == 2 && argv[1][0] == '-'))
        return cmd_usage(&cmd_test_entry);
    char *cause = NULL;
    int code = EXIT_INTERNAL;
    struct workspace *ws = workspace_open(&cause, &code);
    if (ws == NULL) {
        fprintf(stderr, "stacklab: %s\n", cause);
        free(cause);
        return code;
    }
    const struct lab *lab = grader_pick_lab(ws, argc == 2 ? argv[1] : NULL, &cause);
    struct grader_public res;
    if (lab == NULL || grader_public(ws, lab, &res, &cause) < 0) {
        char *safe = term_escape_controls(cause);   /* it may name a learner's file */
        fprintf(stderr, "stacklab: %s\n", safe);
        free(safe);
        free(cause);
        workspace_close(ws);
        return lab == NULL ? EXIT_USAGE : EXIT_INTERNAL;
    }
    report_public(stdout, lab, &res);
    code = res.verdict == GRADER_PASS ? EXIT_OK : EXIT_FAILED;
    grader_public_free(&res);
    workspace_close(ws);
    return code;
}

const struct cmd_entry cmd_test_entry = {
    "test", "[LAB]", "run a lab's public tests (sandboxed; they prove nothing to the grader)",
    cmd_test_exec
};
