/* cmd-reset.c -- `stacklab reset LAB`: puts the starter blocks of a lab back into the
 * files the lab asks the learner to edit, keeping each old file as FILE.bak-TIMESTAMP. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "grader.h"
#include "given.h"
#include "util.h"
#include "workspace.h"

extern const struct cmd_entry cmd_reset_entry;

/* Resets one file (rel to the workspace) to starter(n). Returns 0 or -1 with *cause. */
static int cmd_reset_file(struct workspace *ws, const char *rel, int n, const char *stamp,
                          char **cause)
{
    char *fresh = given_render(ws->course, rel, n, cause);
    if (fresh == NULL)
        return -1;
    char *dst = workspace_path(ws, rel);
    char *bak = xasprintf("%s.bak-%s", dst, stamp);
    int rc = -1;
    if (util_is_file(dst) && rename(dst, bak) < 0)
        *cause = xasprintf("%s: %s", bak, strerror(errno));
    else if (util_write_file(dst, fresh, strlen(fresh), 0644) < 0)
        *cause = xasprintf("%s: %s", dst, strerror(errno));
    else
        rc = 0;
    if (rc == 0 && util_is_file(bak))
        printf("%s reset (your version is in %s.bak-%s)\n", rel, rel, stamp);
    else if (rc == 0)
        printf("%s restored\n", rel);
    free(bak), free(fresh), free(dst);
    return rc;
}

static int cmd_reset_exec(struct cmd_ctx *ctx)
{
    struct workspace *ws = ctx->ws;
    const struct lab *lab = ctx->lab;
    int code;
    if (!workspace_lab_unlocked(ws, lab)) {
        fprintf(stderr, "stacklab: lab %s is locked: pass lab %s first\n", lab->id,
                lab->requires);
        return EXIT_USAGE;
    }
    char stamp[32];
    time_t now = time(NULL);
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", localtime(&now));
    code = EXIT_OK;
    for (char **f = lab->files; f != NULL && *f != NULL && code == EXIT_OK; f++) {
        char *cause = NULL;
        if (cmd_reset_file(ws, *f, grader_lab_number(lab), stamp, &cause) < 0) {
            fprintf(stderr, "stacklab: %s\n", cause);
            free(cause);
            code = EXIT_INTERNAL;
        }
    }
    return code;
}

const struct cmd_entry cmd_reset_entry = {
    .name = "reset", .usage = "LAB",
    .summary = "put a lab's starter code back (your files are kept as .bak)",
    .needs = CMD_LAB, .parse = cmd_parse_one_lab, .exec = cmd_reset_exec,
};
