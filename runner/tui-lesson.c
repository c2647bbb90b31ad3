/* tui-lesson.c -- the lesson reader: a lesson's Markdown in a pager, with a title line.
 * Knows when the learner has seen the lesson's end, so the main loop can mark it read. */
#include <stdlib.h>
#include <string.h>

#include "tui.h"

int tui_lesson_open(struct tui_lesson *l, struct lesson *lesson, char **cause)
{
    memset(l, 0, sizeof *l);
    l->pager.match = -1;
    l->lesson = lesson;
    char *body = course_read_body(lesson->path, cause);
    if (body == NULL) {
        tui_pager_set_plain(&l->pager, xasprintf("%s: %s", lesson->path,
                                                 *cause != NULL ? *cause : "unreadable"));
        return -1;
    }
    tui_pager_set(&l->pager, body, strlen(body));
    return 0;
}

void tui_lesson_free(struct tui_lesson *l)
{
    tui_pager_free(&l->pager);
    memset(l, 0, sizeof *l);
}

void tui_lesson_key(struct tui_lesson *l, enum tui_action a)
{
    tui_pager_key(&l->pager, a);
}

int tui_lesson_finished(struct tui_lesson *l)
{
    if (l->reached_end || l->pager.doc == NULL || l->pager.plain)
        return 0;
    if (!tui_pager_at_end(&l->pager))
        return 0;
    l->reached_end = 1;
    return 1;
}

/* The title line: the lesson's title, its length, and where in it the reader is. */
static void tui_lesson_title(const struct tui_lesson *l, struct tui_rect r)
{
    char where[64];
    size_t n = tui_pager_lines(&l->pager);
    size_t last = l->pager.top + (size_t)(r.h > 1 ? r.h - 1 : 1);
    int pct = n == 0 || last >= n ? 100 : (int)(100 * last / n);
    snprintf(where, sizeof where, " %d min  %3d%% ", l->lesson->minutes, pct);
    tui_draw_fill(r.y, r.x, r.w, tui_attr(TUI_R_TITLE));
    char *title = xasprintf("Lesson %s: %s", l->lesson->id, l->lesson->title);
    int ww = (int)strlen(where);
    tui_draw_text(r.y, r.x, r.w - ww, title, strlen(title), tui_attr(TUI_R_TITLE));
    if (r.w > ww)
        tui_draw_text(r.y, r.x + r.w - ww, ww, where, strlen(where), tui_attr(TUI_R_DIM));
    free(title);
}

void tui_lesson_draw(const struct tui_lesson *l, struct tui_rect r)
{
    tui_lesson_title(l, r);
    struct tui_rect body = { r.y + 1, r.x, r.h - 1, r.w };
    tui_pager_draw(&l->pager, body);
}
