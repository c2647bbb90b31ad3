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

static int cmd_test_exec(struct cmd_ctx *ctx)
{
    char *cause = NULL;
    struct grader_public res;
    if (grader_public(ctx->ws, ctx->lab, &res, &cause) < 0) {
        char *safe = term_escape_controls(cause);   /* it may name a learner's file */
        fprintf(stderr, "stacklab: %s\n", safe);
        free(safe);
        free(cause);
        return EXIT_INTERNAL;
    }
    report_public(stdout, ctx->lab, &res);
    int code = res.verdict == GRADER_PASS ? EXIT_OK : EXIT_FAILED;
    grader_public_free(&res);
    return code;
}

const struct cmd_entry cmd_test_entry = {
    .name = "test", .usage = "[LAB]",
    .summary = "run a lab's public tests (sandboxed; they prove nothing to the grader)",
    .needs = CMD_LAB, .exec = cmd_test_exec,
};
