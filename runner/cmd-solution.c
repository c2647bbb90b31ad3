/* cmd-solution.c -- `stacklab solution LAB`: once a lab has passed, writes the reference
 * of each file the lab edits as FILE.solution beside the learner's file. Blocks of later
 * labs stay stubbed, so no solution of a lab not yet passed is shown. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "cmd.h"
#include "grader.h"
#include "given.h"
#include "util.h"
#include "workspace.h"

extern const struct cmd_entry cmd_solution_entry;

/* Writes rel.solution rendered as starter(n + 1). Returns 0 or -1 with *cause. */
static int cmd_solution_file(struct workspace *ws, const char *rel, int n, char **cause)
{
    char *ref = given_render(ws->course, rel, n + 1, cause);
    if (ref == NULL)
        return -1;
    char *dst = xasprintf("%s/%s.solution", ws->root, rel);
    int rc = -1;
    if (util_write_file(dst, ref, strlen(ref), 0644) < 0)
        *cause = xasprintf("%s: %s", dst, strerror(errno));
    else
        rc = 0, printf("wrote %s.solution\n", rel);
    free(ref), free(dst);
    return rc;
}

static int cmd_solution_exec(struct cmd_ctx *ctx)
{
    struct workspace *ws = ctx->ws;
    const struct lab *lab = ctx->lab;
    int code;
    struct store_lab_status st;
    if ((code = bundle_refuse(ws->course, "solution", "the references stay on the class "
                              "server")) != 0)
        return code;
    if (store_lab_status(ws->store, lab->id, &st) < 0 || !st.passed) {
        fprintf(stderr, "stacklab: the solution of lab %s opens once you pass it "
                "(stacklab check %s)\n", lab->id, lab->id);
        return EXIT_FAILED;
    }
    code = EXIT_OK;
    for (char **f = lab->files; f != NULL && *f != NULL && code == EXIT_OK; f++) {
        char *cause = NULL;
        if (cmd_solution_file(ws, *f, grader_lab_number(lab), &cause) < 0) {
            fprintf(stderr, "stacklab: %s\n", cause);
            free(cause);
            code = EXIT_INTERNAL;
        }
    }
    return code;
}

const struct cmd_entry cmd_solution_entry = {
    .name = "solution", .usage = "LAB",
    .summary = "after passing a lab, write its reference as FILE.solution",
    .needs = CMD_LAB, .parse = cmd_parse_one_lab, .exec = cmd_solution_exec,
};
