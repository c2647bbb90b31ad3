/* cmd-update.c -- `stacklab update`: brings the workspace up to date with the course:
 * adds the files that appeared, replaces the given files the learner never edited with
 * the course's current version, keeps (and names) the ones they did, and writes
 * .stacklab/course.mk again. A learner logged in to a class first fetches a fresh bundle
 * of the class's course (their passes on the server may have opened labs); offline, the
 * course they have serves. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "cmd.h"
#include "given.h"
#include "grader.h"
#include "util.h"
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

/* When logged in to a class, fetches a fresh bundle of its course over the old one.
 * Returns the course's path (caller frees), or NULL: not logged in, or it failed, which
 * is said as a warning (the workspace updates from the course it has). */
static char *cmd_update_fetch(void)
{
    struct client_server s;
    char *cause = NULL, *path = NULL;
    int upto = 0, user_fault = 0;
    int rc = client_server_load(&s, &cause);
    if (rc == 0 && client_course_fetch(&s, &path, &upto, &cause, &user_fault) == 0)
        printf("Fetched the class's course (labs up to lab %02d).\n", upto);
    else if (rc != 1) {         /* 1: not logged in to a class */
        char *clean = client_clean(cause, 600);
        fprintf(stderr, "stacklab update: warning: the class's course could not be fetched "
                "(%s); updating from the course you have\n", clean);
        free(clean);
    }
    client_server_free(&s);
    free(cause);
    return path;
}

/* The lab the course's files are rendered for: the workspace's current lab, or a class
 * bundle's lab when it is further (the server saw passes this workspace did not). */
static int cmd_update_lab(const struct workspace *ws, const struct lab *lab)
{
    int n = grader_lab_number(lab);
    return ws->course->bundle_upto > n ? ws->course->bundle_upto : n;
}

static int cmd_update_exec(struct cmd_ctx *ctx)
{
    char *fetched = cmd_update_fetch();
    /* The workspace is opened after the fetch (so not by cmd_run, whose CMD_LAB would
     * load the course before it): the same steps as cmd.c's. */
    char *cause = NULL;
    int user_fault = 0, code = EXIT_OK;
    struct workspace *ws = workspace_open(&cause, &user_fault);
    const struct lab *lab = ws != NULL ? grader_pick_lab(ws, ctx->lab_arg, &cause) : NULL;
    if (lab == NULL) {
        fprintf(stderr, "stacklab: %s\n", cause);
        code = exit_for_fault(ws == NULL ? user_fault : 1);
    }
    char *real = fetched != NULL ? util_realpath(fetched) : NULL;
    if (lab != NULL && real != NULL && strcmp(real, ws->course->root) != 0)
        printf("(This workspace uses the course at %s, not the class's: `stacklab init "
               "DIR` makes one on the class's course.)\n", ws->course->root);
    struct given_report rep;
    if (lab == NULL) {
        /* said above */
    } else if (given_install(ws->course, ws->root, cmd_update_lab(ws, lab), GIVEN_UPDATE,
                             &rep, &cause) < 0) {
        fprintf(stderr, "stacklab: update failed: %s\n", cause);
        code = EXIT_INTERNAL;
    } else {
        cmd_update_report(&rep);
        given_report_free(&rep);
    }
    free(cause);
    free(real);
    free(fetched);
    workspace_close(ws);
    return code;
}

const struct cmd_entry cmd_update_entry = {
    .name = "update", .usage = "",
    .summary = "bring the workspace up to date with the course (a class's: fetched anew)",
    .parse = cmd_parse_none, .exec = cmd_update_exec,
};
