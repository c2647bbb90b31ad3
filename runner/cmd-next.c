/* cmd-next.c -- `stacklab next`: announces the lab to work on now (the first one not
 * passed), what to read and edit, and adds its files to the workspace when missing. */
#include <stdio.h>
#include <stdlib.h>

#include "bundle.h"
#include "cmd.h"
#include "grader.h"
#include "given.h"
#include "workspace.h"

extern const struct cmd_entry cmd_next_entry;

static int cmd_next_exec(struct cmd_ctx *ctx)
{
    struct workspace *ws = ctx->ws;
    const struct lab *lab = ctx->lab;
    if (workspace_current_lab(ws) == NULL) {
        printf("Every lab of the course has passed. Well done.\n");
        return EXIT_OK;
    }
    char *cause = NULL;
    struct given_report rep;
    int added = 0;
    if (given_install(ws->course, ws->root, grader_lab_number(lab), GIVEN_ADD, &rep,
                      &cause) < 0) {
        fprintf(stderr, "stacklab: %s\n", cause);
        free(cause);
    } else {
        added = rep.added;
        given_report_free(&rep);
    }
    store_set(ws->store, "current_lab", lab->id);
    printf("next: lab %s -- %s\n", lab->id, lab->title);
    printf("  read first:   stacklab lesson %s\n", lab->lesson);
    printf("  files to edit:");
    for (char **f = lab->files; f != NULL && *f != NULL; f++)
        printf(" %s", *f);
    printf("\n  public tests: make test (natively) or stacklab test %s\n", lab->id);
    printf("  when ready:   stacklab %s   (stacklab hint if stuck)\n",
           bundle_grade_verb(ws->course));
    if (added > 0)
        printf("(%d new file%s added to the workspace)\n", added, added == 1 ? "" : "s");
    return EXIT_OK;
}

const struct cmd_entry cmd_next_entry = {
    .name = "next", .usage = "", .summary = "show the lab to work on now and what to do",
    .needs = CMD_LAB, .parse = cmd_parse_none, .exec = cmd_next_exec,
};
