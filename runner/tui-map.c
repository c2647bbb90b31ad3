/* tui-map.c -- the course map: every lesson, lab and exam in course order under track
 * headings, each with its status mark, plus the course's progress. State here, drawing
 * at the end; the state functions need no terminal. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "exam.h"
#include "progress.h"
#include "term.h"
#include "track.h"
#include "tui.h"


static void tui_map_item(struct tui_map_entry *e, const struct course_item *it)
{
    memset(e, 0, sizeof *e);
    e->citem = it;
    e->kind = it->kind;
    if (it->kind == COURSE_LESSON) {
        e->id = it->u.lesson->id;
        e->title = it->u.lesson->title;
        e->track = it->u.lesson->track;
        e->item = it->u.lesson;
    } else if (it->kind == COURSE_LAB) {
        e->id = it->u.lab->id;
        e->title = it->u.lab->title;
        e->track = it->u.lab->track;
        e->item = it->u.lab;
    } else {
        e->id = exam_id(it->u.exam);
        e->title = exam_title(it->u.exam);
        e->track = exam_track(it->u.exam);
        e->item = it->u.exam;
    }
}

/* 1 when track was already given a heading among the first n entries. */
static int tui_map_seen(const struct tui_map *m, const char *track)
{
    for (size_t i = 0; i < m->n; i++)
        if (m->entries[i].header && strcmp(m->entries[i].track, track) == 0)
            return 1;
    return 0;
}

void tui_map_init(struct tui_map *m, const struct course *c)
{
    memset(m, 0, sizeof *m);
    m->entries = xcalloc(c->norder * 2 + 1, sizeof *m->entries);
    const char *cur = NULL;
    for (size_t i = 0; i < c->norder; i++) {
        struct tui_map_entry e;
        tui_map_item(&e, &c->order[i]);
        if (e.track != NULL && (cur == NULL || strcmp(cur, e.track) != 0)
            && !tui_map_seen(m, e.track)) {
            struct tui_map_entry *h = &m->entries[m->n++];
            h->header = 1;
            h->track = e.track;
            h->title = track_title(c, e.track, 0);
            cur = e.track;
        }
        m->entries[m->n++] = e;
    }
    m->total = (int)c->norder;
    while (m->sel < m->n && m->entries[m->sel].header)
        m->sel++;
    if (m->sel >= m->n)
        m->sel = 0;
}

void tui_map_free(struct tui_map *m)
{
    free(m->entries);
    memset(m, 0, sizeof *m);
}

/* The map's marks are the progress module's, so the map and `stacklab list` agree. */
_Static_assert((int)TUI_MARK_NEW == (int)PROGRESS_NEW && (int)TUI_MARK_READ == (int)PROGRESS_READ
               && (int)TUI_MARK_ATTEMPTED == (int)PROGRESS_ATTEMPTED
               && (int)TUI_MARK_PASSED == (int)PROGRESS_PASSED
               && (int)TUI_MARK_LOCKED == (int)PROGRESS_LOCKED, "marks follow progress.h");

void tui_map_select(struct tui_map *m, const void *item, int rows)
{
    for (size_t i = 0; i < m->n; i++) {
        if (!m->entries[i].header && m->entries[i].item == item) {
            m->sel = i;
            tui_map_key(m, TUI_NONE, rows);
            return;
        }
    }
}

/* 1 when entry e answers query: its title, or "KIND ID" ("lab 05"), holds it, any case. */
static int tui_map_matches(const struct tui_map_entry *e, const char *query)
{
    static const char *const kinds[] = { [COURSE_LESSON] = "lesson", [COURSE_LAB] = "lab",
                                         [COURSE_EXAM] = "exam" };
    char name[64];
    snprintf(name, sizeof name, "%s %s", kinds[e->kind], e->id ? e->id : "");
    return strcasestr(e->title ? e->title : "", query) != NULL
           || strcasestr(name, query) != NULL;
}

int tui_map_find(struct tui_map *m, const char *query, int dir, int rows)
{
    if (query != NULL)
        snprintf(m->query, sizeof m->query, "%s", query);
    if (m->n == 0 || m->query[0] == '\0')
        return 0;
    for (size_t k = 1; k <= m->n; k++) {
        size_t i = dir >= 0 ? (m->sel + k) % m->n : (m->sel + m->n - k % m->n) % m->n;
        if (!m->entries[i].header && tui_map_matches(&m->entries[i], m->query)) {
            m->sel = i;
            tui_map_key(m, TUI_NONE, rows);
            return 1;
        }
    }
    return 0;
}

void tui_map_refresh(struct tui_map *m, struct workspace *ws)
{
    m->done = 0;
    for (size_t i = 0; i < m->n; i++) {
        struct tui_map_entry *e = &m->entries[i];
        if (e->header)
            continue;
        e->mark = (enum tui_mark)progress_of(ws, e->citem);
        if (e->mark == TUI_MARK_READ || e->mark == TUI_MARK_PASSED)
            m->done++;
    }
}

/* Moves the selection by delta selectable entries' worth of rows, skipping headings. */
static void tui_map_move(struct tui_map *m, long delta)
{
    long i = (long)m->sel, step = delta < 0 ? -1 : 1, left = delta < 0 ? -delta : delta;
    long best = i;
    while (left > 0) {
        i += step;
        if (i < 0 || i >= (long)m->n)
            break;
        if (!m->entries[i].header) {
            best = i;
            left--;
        }
    }
    m->sel = (size_t)best;
}

/* Keeps the selection visible; shows a heading right above the selection when at top. */
static void tui_map_scroll(struct tui_map *m, int rows)
{
    if (rows < 1)
        rows = 1;
    if (m->sel < m->top)
        m->top = m->sel;
    if (m->top > 0 && m->top == m->sel && m->entries[m->top - 1].header)
        m->top--;
    if (m->sel >= m->top + (size_t)rows)
        m->top = m->sel - (size_t)rows + 1;
}

int tui_map_key(struct tui_map *m, enum tui_action a, int rows)
{
    if (m->n == 0)
        return 0;
    switch (a) {
    case TUI_UP: tui_map_move(m, -1); break;
    case TUI_DOWN: tui_map_move(m, 1); break;
    case TUI_PGUP: tui_map_move(m, -(rows > 1 ? rows - 1 : 1)); break;
    case TUI_PGDN: tui_map_move(m, rows > 1 ? rows - 1 : 1); break;
    case TUI_TOP: tui_map_move(m, -(long)m->n); m->top = 0; break;
    case TUI_BOTTOM: tui_map_move(m, (long)m->n); break;
    case TUI_OPEN: return !m->entries[m->sel].header;
    case TUI_NONE: break;
    default: return 0;
    }
    tui_map_scroll(m, rows);
    return 0;
}

static const struct { const char *utf8, *ascii, *word; enum tui_role role; } tui_marks[] = {
    [TUI_MARK_NEW] = { " ", " ", "new", TUI_R_TEXT },
    [TUI_MARK_READ] = { "\u2713", "+", "read", TUI_R_PASS },
    [TUI_MARK_ATTEMPTED] = { "\u2717", "x", "attempted", TUI_R_FAIL },
    [TUI_MARK_PASSED] = { "\u2713", "+", "passed", TUI_R_PASS },
    [TUI_MARK_LOCKED] = { "\u00b7", ".", "locked", TUI_R_DIM },
};

const char *tui_mark_glyph(enum tui_mark mk)
{
    return term_utf8() ? tui_marks[mk].utf8 : tui_marks[mk].ascii;
}

const char *tui_mark_word(enum tui_mark mk)
{
    return tui_marks[mk].word;
}

/* ---- drawing ------------------------------------------------------------------------- */

static void tui_map_draw_row(const struct tui_map_entry *e, int y, struct tui_rect r,
                             int selected)
{
    char label[24];
    attr_t base = selected ? tui_attr(TUI_R_SEL) : A_NORMAL;
    tui_draw_fill(y, r.x, r.w, base);
    if (e->header) {
        tui_draw_text_cut(y, r.x + 1, r.w - 1, e->title, strlen(e->title), tui_attr(TUI_R_TITLE));
        return;
    }
    const char *g = tui_mark_glyph(e->mark);
    tui_draw_text(y, r.x + 1, 1, g, strlen(g), base | tui_attr(tui_marks[e->mark].role));
    if (e->kind == COURSE_LESSON)
        snprintf(label, sizeof label, "%s", e->id);
    else if (e->kind == COURSE_LAB)
        snprintf(label, sizeof label, "lab %s", e->id);
    else
        snprintf(label, sizeof label, "exam");
    int x = r.x + 3;
    attr_t la = e->mark == TUI_MARK_LOCKED ? tui_attr(TUI_R_DIM) : A_NORMAL;
    x += tui_draw_text(y, x, r.x + r.w - x, label, strlen(label), base | la | A_BOLD);
    x++;
    if (x < r.x + r.w)
        tui_draw_text_cut(y, x, r.x + r.w - x, e->title, strlen(e->title), base | la);
}

void tui_map_draw(const struct tui_map *m, struct tui_rect r, int focused)
{
    for (int row = 0; row < r.h; row++) {
        size_t i = m->top + (size_t)row;
        if (i >= m->n) {
            tui_draw_fill(r.y + row, r.x, r.w, A_NORMAL);
            continue;
        }
        tui_map_draw_row(&m->entries[i], r.y + row, r, focused && i == m->sel);
        if (!focused && i == m->sel)        /* where the map stands while the pane reads */
            mvaddch(r.y + row, r.x, '>' | A_BOLD);
    }
}
