/* cmd-list.c -- `stacklab list`: the course map, each lesson, lab and exam with its
 * status from the progress store. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "cmd.h"
#include "exam.h"
#include "progress.h"
#include "track.h"
#include "term.h"
#include "workspace.h"

static int cmd_list_exec(struct cmd_ctx *ctx);

const struct cmd_entry cmd_list_entry = {
    .name = "list", .usage = "", .summary = "the course map with your progress",
    .needs = CMD_WORKSPACE, .exec = cmd_list_exec,
};

static const char *cmd_list_colour(enum progress_mark m)
{
    static const char *const c[] = { "bold", "dim", "yellow", "green", "dim" };
    return c[m];
}

#define LIST_TITLE_MAX 60      /* widest title column; longer titles are cut with "..." */

/* Columns a UTF-8 string takes (one per code point: the course's titles are text). */
static size_t cmd_list_cols(const char *s)
{
    size_t c = 0;
    for (; *s; s++)
        c += ((unsigned char)*s & 0xC0) != 0x80;
    return c;
}

/* The title column: the widest title of the course, at most LIST_TITLE_MAX. */
static int cmd_list_width(const struct course *c)
{
    size_t w = 20;
    for (size_t i = 0; i < c->norder; i++) {
        const struct course_item *it = &c->order[i];
        const char *t = it->kind == COURSE_LESSON ? it->u.lesson->title
                        : it->kind == COURSE_LAB  ? it->u.lab->title : exam_title(it->u.exam);
        size_t n = cmd_list_cols(t);
        if (n > w)
            w = n;
    }
    return (int)(w > LIST_TITLE_MAX ? LIST_TITLE_MAX : w);
}

/* Prints title in exactly w columns: padded, or cut on a character boundary with "...". */
static void cmd_list_title(const char *utf8_title, int w)
{
    char *owned;
    const char *title = term_text(utf8_title, &owned);
    size_t cols = cmd_list_cols(title);
    if (cols <= (size_t)w) {
        printf("%s%*s", title, w - (int)cols, "");
        free(owned);
        return;
    }
    size_t keep = (size_t)w - 3, n = 0, at = 0;
    while (title[at] != '\0' && (n < keep || ((unsigned char)title[at] & 0xC0) == 0x80)) {
        n += ((unsigned char)title[at] & 0xC0) != 0x80;
        at++;
    }
    printf("%.*s...", (int)at, title);
    free(owned);
}

static int cmd_list_exec(struct cmd_ctx *ctx)
{
    struct workspace *ws = ctx->ws;
    struct lab *current = workspace_current_lab(ws);
    const char *track = "";
    int w = cmd_list_width(ws->course);
    FILE *f = stdout;
    printf("%sstacklab course map%s  %s(workspace %s)%s\n", term_sgr(f, "bold"),
           term_sgr(f, "reset"), term_sgr(f, "dim"), ws->root, term_sgr(f, "reset"));
    for (size_t i = 0; i < ws->course->norder; i++) {
        const struct course_item *it = &ws->course->order[i];
        const char *t = it->kind == COURSE_LESSON ? it->u.lesson->track
                        : it->kind == COURSE_LAB  ? it->u.lab->track : exam_track(it->u.exam);
        if (strcmp(t, track) != 0) {
            const char *name = track_title(ws->course, t, 0);
            printf("\n%s%s%s\n", term_sgr(f, "bold"), name, term_sgr(f, "reset"));
            track = t;
        }
        enum progress_mark m = progress_of(ws, it);
        if (it->kind == COURSE_LESSON) {
            const struct lesson *l = it->u.lesson;
            printf("  lesson %s  ", l->id);
            cmd_list_title(l->title, w);
            printf(" %3d min   %s%s%s\n", l->minutes, term_sgr(f, cmd_list_colour(m)),
                   progress_name(m), term_sgr(f, "reset"));
        } else if (it->kind == COURSE_LAB) {
            const struct lab *l = it->u.lab;
            printf("  lab    %s  ", l->id);
            cmd_list_title(l->title, w);
            printf(" %3d pts   %s%s%s%s\n", l->points, term_sgr(f, cmd_list_colour(m)),
                   progress_name(m), term_sgr(f, "reset"), l == current ? "  <- current" : "");
        } else {
            const struct exam *e = it->u.exam;
            printf("  exam       ");
            cmd_list_title(exam_title(e), w);
            printf(" %3d min   %s%s%s\n", e->minutes, term_sgr(f, cmd_list_colour(m)),
                   progress_name(m), term_sgr(f, "reset"));
            printf("         %sstacklab exam %s%s\n", term_sgr(f, "dim"), exam_id(e),
                   term_sgr(f, "reset"));
        }
    }
    printf("\n%sread a lesson: stacklab lesson N   grade a lab: stacklab %s [N]%s\n",
           term_sgr(f, "dim"), bundle_grade_verb(ws->course), term_sgr(f, "reset"));
    return EXIT_OK;
}
