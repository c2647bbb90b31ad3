/* cmd-lab.c -- `stacklab lab [LAB]`: a lab's instructions (Goal, Background, Steps) and
 * the hints revealed so far, rendered from Markdown as lessons are; the current lab when
 * none is named. Revealing a hint stays `stacklab hint`'s. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "mdrender.h"
#include "store.h"
#include "term.h"
#include "util.h"
#include "workspace.h"

static int cmd_lab_exec(struct cmd_ctx *ctx)
{
    const struct lab *lab = ctx->lab;
    char *cause = NULL;
    char *body = course_read_body(lab->path, &cause);
    int shown = store_hints_shown(ctx->ws->store, lab->id), n = 0;
    char *text = body ? course_lab_markdown(body, shown > 0 ? shown : 0, &n) : NULL;
    int width = isatty(STDOUT_FILENO) ? term_width(STDOUT_FILENO) : 80;
    struct md_doc *doc = text ? md_render(text, strlen(text), width > 100 ? 100 : width,
                                          &cause) : NULL;
    free(body);
    free(text);
    if (doc == NULL) {
        fprintf(stderr, "stacklab: %s: %s\n", lab->path, cause ? cause : "unreadable");
        free(cause);
        return EXIT_INTERNAL;
    }
    char *title;
    printf("%sLab %s %s %s%s  %s(edit: ", term_sgr(stdout, "bold"), lab->id,
           term_utf8() ? "\u00b7" : "-", term_text(lab->title, &title),
           term_sgr(stdout, "reset"), term_sgr(stdout, "dim"));
    free(title);
    for (char **f = lab->files; f != NULL && *f != NULL; f++)
        printf("%s%s", f == lab->files ? "" : ", ", *f);
    printf(")%s\n\n", term_sgr(stdout, "reset"));
    md_fprint(stdout, doc);
    md_doc_free(doc);
    if (n > shown)
        printf("\n(stacklab hint %s reveals the next of %d hints)\n", lab->id, n);
    return EXIT_OK;
}

const struct cmd_entry cmd_lab_entry = {
    .name = "lab", .usage = "[LAB]",
    .summary = "print a lab's instructions and the hints revealed so far",
    .needs = CMD_LAB, .exec = cmd_lab_exec,
};
