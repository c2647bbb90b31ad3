/* tui-pager.c -- a Markdown page rendered to the pane's width: scrolling, search and
 * re-layout on resize. Used by the lesson reader and the lab screen. The state needs no
 * terminal; tui_pager_draw does. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"

void tui_pager_set(struct tui_pager *p, char *markdown, size_t len)
{
    tui_pager_free(p);
    p->markdown = markdown;
    p->len = markdown != NULL ? len : 0;
    p->match = -1;
}

void tui_pager_free(struct tui_pager *p)
{
    free(p->markdown);
    if (p->plain && p->doc != NULL) {
        for (size_t i = 0; i < p->doc->nlines; i++)
            free(p->doc->lines[i].text);
        free(p->doc->lines);
        free(p->doc);
    } else {
        md_doc_free(p->doc);
    }
    free(p->error);
    memset(p, 0, sizeof *p);
    p->match = -1;
}

void tui_pager_set_plain(struct tui_pager *p, char *text)
{
    tui_pager_free(p);
    p->plain = 1;
    p->doc = xcalloc(1, sizeof *p->doc);
    const char *s = text != NULL ? text : "";
    while (*s != '\0') {
        size_t n = strcspn(s, "\n");
        p->doc->lines = xrealloc(p->doc->lines, (p->doc->nlines + 1) * sizeof *p->doc->lines);
        struct md_line *ln = &p->doc->lines[p->doc->nlines++];
        memset(ln, 0, sizeof *ln);
        ln->text = xstrndup(s, n);
        s += n + (s[n] == '\n');
    }
    free(text);
}

size_t tui_pager_lines(const struct tui_pager *p)
{
    return p->doc != NULL ? p->doc->nlines : 0;
}

/* The largest top that still fills the view. */
static size_t tui_pager_max_top(const struct tui_pager *p)
{
    size_t n = tui_pager_lines(p), rows = p->rows > 0 ? (size_t)p->rows : 1;
    return n > rows ? n - rows : 0;
}

void tui_pager_layout(struct tui_pager *p, int width, int rows)
{
    if (width < 20)
        width = 20;
    p->rows = rows;
    if (p->doc != NULL && (p->width == width || p->plain)) {
        if (p->top > tui_pager_max_top(p))
            p->top = tui_pager_max_top(p);
        return;
    }
    size_t old_n = tui_pager_lines(p);
    double share = old_n > 0 ? (double)p->top / (double)old_n : 0.0;
    md_doc_free(p->doc);
    p->doc = NULL;
    free(p->error);
    p->error = NULL;
    p->width = width;
    const char *text = p->markdown != NULL ? p->markdown : "";
    p->doc = md_render(text, p->markdown != NULL ? p->len : 0, width, &p->error);
    p->top = (size_t)(share * (double)tui_pager_lines(p));
    if (p->top > tui_pager_max_top(p))
        p->top = tui_pager_max_top(p);
    if (p->match >= 0 && p->query[0] != '\0') {
        p->match = -1;      /* line numbers changed: find the match again from here */
        if (tui_pager_search(p, NULL, 1) == 0)
            p->match = -1;
    }
}

int tui_pager_key(struct tui_pager *p, enum tui_action a)
{
    size_t old = p->top, max = tui_pager_max_top(p);
    size_t page = p->rows > 2 ? (size_t)p->rows - 1 : 1;
    switch (a) {
    case TUI_UP: if (p->top > 0) p->top--; break;
    case TUI_DOWN: if (p->top < max) p->top++; break;
    case TUI_PGUP: p->top = p->top > page ? p->top - page : 0; break;
    case TUI_PGDN: p->top = p->top + page < max ? p->top + page : max; break;
    case TUI_TOP: p->top = 0; break;
    case TUI_BOTTOM: p->top = max; break;
    default: break;
    }
    return p->top != old;
}

int tui_pager_at_end(const struct tui_pager *p)
{
    return p->top >= tui_pager_max_top(p);
}

static int tui_pager_line_has(const struct tui_pager *p, size_t i)
{
    return strcasestr(p->doc->lines[i].text, p->query) != NULL;
}

int tui_pager_search(struct tui_pager *p, const char *query, int dir)
{
    if (query != NULL) {
        snprintf(p->query, sizeof p->query, "%s", query);
        p->match = -1;
    }
    size_t n = tui_pager_lines(p);
    if (p->query[0] == '\0' || n == 0)
        return 0;
    /* A fresh search starts at the top line itself; a repeat moves past the match. */
    long start = p->match >= 0 ? p->match + dir : (long)p->top;
    for (size_t k = 0; k < n; k++) {
        long i = ((start + dir * (long)k) % (long)n + (long)n) % (long)n;
        if (tui_pager_line_has(p, (size_t)i)) {
            p->match = i;
            size_t want = (size_t)i > 2 ? (size_t)i - 2 : 0;   /* a little context above */
            if ((size_t)i < p->top || (size_t)i >= p->top + (size_t)(p->rows > 0 ? p->rows : 1))
                p->top = want;
            if (p->top > tui_pager_max_top(p))
                p->top = tui_pager_max_top(p);
            return 1;
        }
    }
    return 0;
}

/* ---- drawing ------------------------------------------------------------------------- */

/* Highlights every occurrence of the query on a drawn line. */
static void tui_pager_mark(const struct tui_pager *p, const struct md_line *ln, int y, int x,
                           int w)
{
    size_t qn = strlen(p->query);
    const char *s = ln->text;
    while ((s = strcasestr(s, p->query)) != NULL) {
        int col = tui_text_width(ln->text, (size_t)(s - ln->text));
        if (col >= w)
            break;
        tui_draw_text(y, x + col, w - col, s, qn, tui_attr(TUI_R_MATCH));
        s += qn;
    }
}

static void tui_pager_draw_line(const struct tui_pager *p, size_t i, int y, struct tui_rect r)
{
    const struct md_line *ln = &p->doc->lines[i];
    int col = 0;
    tui_draw_fill(y, r.x, r.w, A_NORMAL);
    if (ln->nspans == 0)
        tui_draw_text(y, r.x, r.w, ln->text, strlen(ln->text), A_NORMAL);
    for (size_t k = 0; k < ln->nspans && col < r.w; k++) {
        const struct md_span *sp = &ln->spans[k];
        col += tui_draw_text(y, r.x + col, r.w - col, ln->text + sp->start, sp->len,
                             tui_md_attr(sp->style));
    }
    if (p->query[0] != '\0' && p->match >= 0)
        tui_pager_mark(p, ln, y, r.x, r.w);
}

void tui_pager_draw(const struct tui_pager *p, struct tui_rect r)
{
    for (int row = 0; row < r.h; row++) {
        size_t i = p->top + (size_t)row;
        if (p->error != NULL && row == 0) {
            tui_draw_fill(r.y, r.x, r.w, A_NORMAL);
            tui_draw_text(r.y, r.x, r.w, p->error, strlen(p->error), tui_attr(TUI_R_FAIL));
        } else if (p->doc != NULL && i < p->doc->nlines) {
            tui_pager_draw_line(p, i, r.y + row, r);
        } else {
            tui_draw_fill(r.y + row, r.x, r.w, A_NORMAL);
        }
    }
}
