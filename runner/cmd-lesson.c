/* cmd-lesson.c -- `stacklab lesson N`: a lesson rendered from Markdown to readable text,
 * through `less -R` on a terminal; marks it read. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "mdrender.h"
#include "term.h"
#include "util.h"
#include "workspace.h"

static int cmd_lesson_parse(struct cmd_ctx *ctx);
static int cmd_lesson_exec(struct cmd_ctx *ctx);

const struct cmd_entry cmd_lesson_entry = {
    .name = "lesson", .usage = "N", .summary = "read lesson N (marks it read)",
    .needs = CMD_WORKSPACE, .parse = cmd_lesson_parse, .exec = cmd_lesson_exec,
};

/* Prints the lesson's heading line and body to f. Returns 0 or -1 with *cause. */
static int cmd_lesson_print(FILE *f, const struct lesson *l, int width, char **cause)
{
    char *body = course_read_body(l->path, cause);
    if (body == NULL)
        return -1;
    struct md_doc *doc = md_render(body, strlen(body), width, cause);
    free(body);
    if (doc == NULL)
        return -1;
    char *title;
    fprintf(f, "%sLesson %s %s %s%s  %s(%d min)%s\n\n", term_sgr(f, "bold"), l->id,
            term_utf8() ? "\u00b7" : "-", term_text(l->title, &title), term_sgr(f, "reset"),
            term_sgr(f, "dim"), l->minutes, term_sgr(f, "reset"));
    free(title);
    md_fprint(f, doc);
    md_doc_free(doc);
    return 0;
}

/* On a terminal, a pager; otherwise stdout. *pager tells which to close. */
static FILE *cmd_lesson_out(int *pager)
{
    *pager = 0;
    if (!isatty(STDOUT_FILENO) || getenv("STACKLAB_NO_PAGER") != NULL)
        return stdout;
    const char *p = getenv("PAGER");
    if (p == NULL || *p == '\0')
        p = "less -R";
    FILE *f = popen(p, "w");
    if (f == NULL)
        return stdout;
    *pager = 1;
    return f;
}

/* N: the lesson's id, kept in lab_arg's place. */
static int cmd_lesson_parse(struct cmd_ctx *ctx)
{
    if (ctx->argc != 2)
        return -1;
    ctx->lab_arg = ctx->argv[1];
    return 0;
}

static int cmd_lesson_exec(struct cmd_ctx *ctx)
{
    struct workspace *ws = ctx->ws;
    char *cause = NULL;
    struct lesson *l = course_lesson(ws->course, ctx->lab_arg);
    if (l == NULL) {
        fprintf(stderr, "stacklab lesson: no lesson '%s' (stacklab list shows them)\n",
                ctx->lab_arg);
        return EXIT_USAGE;
    }
    int pager;
    int width = term_width(STDOUT_FILENO);
    if (width > 100)
        width = 100;
    FILE *out = cmd_lesson_out(&pager);
    /* With a pager, colour decisions follow the terminal, not the pipe. */
    if (pager)
        setenv("STACKLAB_FORCE_COLOR", "1", 1);
    signal(SIGPIPE, SIG_IGN);
    int rc = cmd_lesson_print(out, l, width, &cause);
    if (pager)
        pclose(out);
    else
        fflush(stdout);
    if (rc < 0) {
        fprintf(stderr, "stacklab lesson: %s\n", cause);
        free(cause);
            return EXIT_INTERNAL;
    }
    if (store_mark_read(ws->store, l->id) < 0)
        fprintf(stderr, "stacklab lesson: could not record progress: %s\n",
                store_errmsg(ws->store));
    return EXIT_OK;
}
