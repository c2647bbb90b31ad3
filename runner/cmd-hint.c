/* cmd-hint.c -- `stacklab hint [LAB]`: reveals the next `### Hint N` section of a lab's
 * instructions, remembering how many were shown, and shows all revealed so far. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "grader.h"
#include "util.h"
#include "workspace.h"

extern const struct cmd_entry cmd_hint_entry;

static int cmd_hint_exec(struct cmd_ctx *ctx)
{
    struct workspace *ws = ctx->ws;
    const struct lab *lab = ctx->lab;
    char *cause = NULL;
    int code;
    char *body = course_read_body(lab->path, &cause);
    if (body == NULL) {
        fprintf(stderr, "stacklab: %s\n", cause);
        free(cause);
        return EXIT_INTERNAL;
    }
    int before = store_hints_shown(ws->store, lab->id);
    int shown = before < lab->nhints ? store_hint_reveal(ws->store, lab->id, lab->nhints)
                                     : before;
    code = EXIT_OK;
    if (shown < 0) {
        fprintf(stderr, "stacklab: hints could not be stored: %s\n", store_errmsg(ws->store));
        code = EXIT_INTERNAL;
    } else {
        struct lab_text text;
        course_lab_text(body, &text);
        printf("lab %s: %s\n\n", lab->id, lab->title);
        for (int i = 0; i < shown && i < text.nhints; i++)
            printf("Hint %d of %d:\n%s\n\n", i + 1, lab->nhints, text.hints[i]);
        course_lab_text_free(&text);
        if (shown >= lab->nhints && before >= lab->nhints)
            printf("That was the last hint of lab %s.\n", lab->id);
        else if (shown < lab->nhints)
            printf("(%d of %d hints shown; stacklab hint shows the next)\n", shown,
                   lab->nhints);
    }
    free(body);
    return code;
}

const struct cmd_entry cmd_hint_entry = {
    .name = "hint", .usage = "[LAB]", .summary = "show the next hint for a lab (remembered)",
    .needs = CMD_LAB, .exec = cmd_hint_exec,
};
