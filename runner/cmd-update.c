/* cmd-update.c -- `stacklab update`: brings the workspace up to date with the course:
 * adds the files that appeared, replaces the given files the learner never edited with
 * the course's current version, keeps (and names) the ones they did, and writes
 * .stacklab/course.mk again. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "given.h"
#include "grader.h"
#include "workspace.h"

extern const struct cmd_entry cmd_update_entry;

/* Prints what the update did. */
static void cmd_update_report(const struct given_report *rep)
{
    if (rep->added == 0 && rep->replaced == 0)
        printf("The workspace is up to date.\n");
    if (rep->added > 0)
        printf("Added %d new file%s.\n", rep->added, rep->added == 1 ? "" : "s");
    if (rep->replaced > 0)
        printf("Replaced %d file%s you had not edited with the course's new version.\n",
               rep->replaced, rep->replaced == 1 ? "" : "s");
    if (rep->kept > 0) {
        printf("Kept %d file%s that differ%s from the course's (your edits stay):\n",
               rep->kept, rep->kept == 1 ? "" : "s", rep->kept == 1 ? "s" : "");
        for (const char *p = rep->kept_list.buf; p != NULL && *p != '\0';) {
            const char *nl = strchr(p, '\n');
            int n = nl ? (int)(nl - p) : (int)strlen(p);
            printf("  %.*s\n", n, p);
            p += n + (nl != NULL);
        }
        printf("(stacklab reset LAB puts a lab's files back as the course gives them.)\n");
    }
}

static int cmd_update_exec(struct cmd_ctx *ctx)
{
    struct workspace *ws = ctx->ws;
    const struct lab *lab = ctx->lab;
    int code;
    char *cause = NULL;
    struct given_report rep;
    if (given_install(ws->course, ws->root, grader_lab_number(lab), GIVEN_UPDATE, &rep,
                      &cause) < 0) {
        fprintf(stderr, "stacklab: update failed: %s\n", cause);
        free(cause);
        code = EXIT_INTERNAL;
    } else {
        cmd_update_report(&rep);
        given_report_free(&rep);
        code = EXIT_OK;
    }
    return code;
}

const struct cmd_entry cmd_update_entry = {
    .name = "update", .usage = "",
    .summary = "bring the workspace up to date with the course (edited files are kept)",
    .needs = CMD_LAB, .parse = cmd_parse_none, .exec = cmd_update_exec,
};
