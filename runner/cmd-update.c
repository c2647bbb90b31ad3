/* cmd-update.c -- `stacklab update`: adds the framework files, public tests and
 * Makefile that appeared in the course since the workspace was made, never touching a
 * file that already exists (the learner may have edited it). */
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"
#include "grader.h"
#include "starter.h"
#include "workspace.h"

extern const struct cmd_entry cmd_update_entry;

static int cmd_update_exec(int argc, char **argv)
{
    (void)argv;
    if (argc != 1)
        return cmd_usage(&cmd_update_entry);
    const struct lab *lab = NULL;
    int code;
    struct workspace *ws = grader_open(NULL, &lab, &code);
    if (ws == NULL)
        return code;
    char *cause = NULL;
    int added = starter_install(ws->course, ws->root, grader_lab_number(lab), 0, &cause);
    if (added < 0) {
        fprintf(stderr, "stacklab: update failed: %s\n", cause);
        free(cause);
        code = EXIT_INTERNAL;
    } else if (added == 0) {
        printf("The workspace is up to date.\n");
        code = EXIT_OK;
    } else {
        printf("Added %d new file%s; files you already had were left alone.\n", added,
               added == 1 ? "" : "s");
        code = EXIT_OK;
    }
    workspace_close(ws);
    return code;
}

const struct cmd_entry cmd_update_entry = {
    "update", "", "add new labs' files to the workspace (edited files are kept)",
    cmd_update_exec
};
