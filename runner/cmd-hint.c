/* cmd-hint.c -- `stacklab hint [LAB]`: reveals the next `### Hint N` section of a lab's
 * instructions, remembering how many were shown, and shows all revealed so far. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "grader.h"
#include "mdrender.h"
#include "term.h"
#include "util.h"
#include "workspace.h"

extern const struct cmd_entry cmd_hint_entry;

/* A hint is Markdown like the instructions: rendered the same way (`code` without its
 * backticks), or printed as written when the renderer gives up on it. */
static void cmd_hint_print(const char *markdown)
{
    int width = isatty(STDOUT_FILENO) ? term_width(STDOUT_FILENO) : 80;
    char *cause = NULL;
    struct md_doc *doc = md_render(markdown, strlen(markdown), width > 100 ? 100 : width,
                                   &cause);
    if (doc == NULL) {
        printf("%s\n", markdown);
        free(cause);
        return;
    }
    md_fprint(stdout, doc);
    md_doc_free(doc);
}

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
        {
            printf("Hint %d of %d:\n", i + 1, lab->nhints);
            cmd_hint_print(text.hints[i]);
            printf("\n");
        }
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
