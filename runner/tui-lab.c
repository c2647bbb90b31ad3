/* tui-lab.c -- the lab screen: the instructions (with the hints revealed so far), the
 * results of the last check as a list of tests, and a failed test's details. The check
 * itself runs in tui-check.c; the main loop starts it when this screen asks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tui.h"

char *tui_lab_text(const char *body, int shown, int *nhints)
{
    char *md = course_lab_markdown(body, shown, nhints);
    if (*nhints <= shown)
        return md;
    char *out = xasprintf("%s\n*Press h for a hint (%d left).*\n", md,
                          *nhints - (shown > 0 ? shown : 0));
    free(md);
    return out;
}

int tui_lab_open(struct tui_lab *l, struct lab *lab, int hints_shown, char **cause)
{
    memset(l, 0, sizeof *l);
    l->text.match = l->detail.match = -1;
    l->check.fd = -1;
    l->lab = lab;
    l->body = course_read_body(lab->path, cause);
    if (l->body == NULL) {
        tui_pager_set_plain(&l->text, xasprintf("%s: %s", lab->path,
                                                *cause != NULL ? *cause : "unreadable"));
        return -1;
    }
    tui_lab_set_hints(l, hints_shown);
    return 0;
}

void tui_lab_free(struct tui_lab *l)
{
    tui_check_free(&l->check);
    tui_pager_free(&l->text);
    tui_pager_free(&l->detail);
    free(l->body);
    memset(l, 0, sizeof *l);
}

void tui_lab_set_hints(struct tui_lab *l, int shown)
{
    if (l->body == NULL)
        return;
    int w = l->text.width, rows = l->text.rows;
    size_t top = l->text.top;
    char *md = tui_lab_text(l->body, shown, &l->nhints);
    l->hints_shown = shown;
    tui_pager_set(&l->text, md, strlen(md));
    if (w > 0) {
        tui_pager_layout(&l->text, w, rows);
        l->text.top = top;
        if (shown > 0)
            tui_pager_key(&l->text, TUI_BOTTOM);   /* the new hint is at the end */
    }
}

void tui_lab_layout(struct tui_lab *l, int width, int rows)
{
    l->rows = rows - 2 > 1 ? rows - 2 : 1;
    tui_pager_layout(&l->text, width, rows - 1);
    tui_pager_layout(&l->detail, width, rows - 1);
}

/* Builds the details of result i (or the whole log) into the detail pager. */
static void tui_lab_show_detail(struct tui_lab *l, size_t i)
{
    struct sb sb;
    sb_init(&sb);
    if (i < l->check.nresults) {
        const struct tui_result *t = &l->check.results[i];
        sb_printf(&sb, "%s %s\n\n", t->ok ? "passed:" : "failed:", t->name);
        sb_puts(&sb, t->detail != NULL ? t->detail : "(no details)\n");
    } else {
        sb_puts(&sb, l->check.log != NULL ? l->check.log : "(no output)\n");
    }
    int w = l->detail.width, rows = l->detail.rows;
    tui_pager_set_plain(&l->detail, sb_steal(&sb));
    tui_pager_layout(&l->detail, w > 0 ? w : 80, rows);
    l->view = TUI_LAB_DETAIL;
}

void tui_lab_check_done(struct tui_lab *l)
{
    l->view = TUI_LAB_RESULTS;
    l->sel = l->top = 0;
    for (size_t i = 0; i < l->check.nresults; i++) {
        if (!l->check.results[i].ok) {      /* start on the first failure */
            l->sel = i;
            break;
        }
    }
    if (l->sel >= (size_t)l->rows)
        l->top = l->sel - (size_t)l->rows + 1;
}

/* Moves in the results list. */
static void tui_lab_list_key(struct tui_lab *l, enum tui_action a)
{
    size_t n = l->check.nresults, page = l->rows > 1 ? (size_t)l->rows - 1 : 1;
    if (n == 0)
        return;
    switch (a) {
    case TUI_UP: if (l->sel > 0) l->sel--; break;
    case TUI_DOWN: if (l->sel + 1 < n) l->sel++; break;
    case TUI_PGUP: l->sel = l->sel > page ? l->sel - page : 0; break;
    case TUI_PGDN: l->sel = l->sel + page < n ? l->sel + page : n - 1; break;
    case TUI_TOP: l->sel = 0; break;
    case TUI_BOTTOM: l->sel = n - 1; break;
    default: break;
    }
    if (l->sel < l->top)
        l->top = l->sel;
    if (l->sel >= l->top + (size_t)l->rows)
        l->top = l->sel - (size_t)l->rows + 1;
}

static enum tui_lab_req tui_lab_view_key(struct tui_lab *l, enum tui_action a)
{
    if (l->view == TUI_LAB_TEXT) {
        if (a == TUI_BACK)
            return TUI_LAB_REQ_BACK;
        if (a == TUI_OPEN)
            tui_pager_key(&l->text, TUI_PGDN);
        tui_pager_key(&l->text, a);
    } else if (l->view == TUI_LAB_DETAIL) {
        if (a == TUI_BACK)
            l->view = TUI_LAB_RESULTS;
        tui_pager_key(&l->detail, a);
    } else {
        if (a == TUI_BACK)
            l->view = TUI_LAB_TEXT;
        else if (a == TUI_OPEN)
            tui_lab_show_detail(l, l->check.nresults > 0 ? l->sel : (size_t)-1);
        else
            tui_lab_list_key(l, a);
    }
    return TUI_LAB_REQ_NONE;
}

enum tui_lab_req tui_lab_key(struct tui_lab *l, enum tui_action a)
{
    switch (a) {
    case TUI_CHECK: return l->check.running ? TUI_LAB_REQ_NONE : TUI_LAB_REQ_CHECK;
    case TUI_HINT: return TUI_LAB_REQ_HINT;
    case TUI_EDIT: return TUI_LAB_REQ_EDIT;
    case TUI_RESULTS:
        l->view = l->view == TUI_LAB_TEXT && (l->check.running || l->check.finished > 0)
                      ? TUI_LAB_RESULTS : TUI_LAB_TEXT;
        return TUI_LAB_REQ_NONE;
    default: return tui_lab_view_key(l, a);
    }
}

struct tui_pager *tui_lab_pager(struct tui_lab *l)
{
    if (l->view == TUI_LAB_TEXT)
        return &l->text;
    return l->view == TUI_LAB_DETAIL ? &l->detail : NULL;
}

/* ---- drawing ------------------------------------------------------------------------- */

static const char *tui_lab_spinner[] = { "|", "/", "-", "\\" };

/* The status of the check: running with a spinner, or its outcome. */
static void tui_lab_status(const struct tui_lab *l, char *buf, size_t size, enum tui_role *role)
{
    const struct tui_check *c = &l->check;
    *role = TUI_R_DIM;
    if (c->running) {
        double t = util_mono() - c->started;
        snprintf(buf, size, "%s checking lab %s ... %.0fs",
                 tui_lab_spinner[(int)(t * 8) % 4], l->lab->id, t);
        *role = TUI_R_WARN;
        return;
    }
    if (c->finished <= 0) {
        snprintf(buf, size, "press c to check lab %s", l->lab->id);
        return;
    }
    int pass = 0;
    for (size_t i = 0; i < c->nresults; i++)
        pass += c->results[i].ok;
    int ok = c->exit_code == 0;
    int say = c->nresults == 0 && c->summary != NULL;     /* it could not run: why */
    snprintf(buf, size, "%s  %d/%zu tests passed in %.1fs%s%s", ok ? "PASS" : "FAIL", pass,
             c->nresults, c->finished - c->started, say ? "  -- " : "", say ? c->summary : "");
    *role = ok ? TUI_R_PASS : TUI_R_FAIL;
}

static void tui_lab_draw_title(const struct tui_lab *l, struct tui_rect r)
{
    static const char *views[] = { "instructions", "results", "details" };
    char *title = xasprintf("Lab %s: %s", l->lab->id, l->lab->title);
    char right[48];
    snprintf(right, sizeof right, " %s  %d pts ", views[l->view], l->lab->points);
    int rw = (int)strlen(right);
    tui_draw_fill(r.y, r.x, r.w, tui_attr(TUI_R_TITLE));
    tui_draw_text(r.y, r.x, r.w - rw, title, strlen(title), tui_attr(TUI_R_TITLE));
    if (r.w > rw)
        tui_draw_text(r.y, r.x + r.w - rw, rw, right, (size_t)rw, tui_attr(TUI_R_DIM));
    free(title);
}

static void tui_lab_draw_results(const struct tui_lab *l, struct tui_rect r)
{
    const struct tui_check *c = &l->check;
    int row = 0;
    for (size_t i = l->top; i < c->nresults && row < r.h; i++, row++) {
        const struct tui_result *t = &c->results[i];
        attr_t base = i == l->sel ? tui_attr(TUI_R_SEL) : A_NORMAL;
        tui_draw_fill(r.y + row, r.x, r.w, base);
        const char *g = t->ok ? tui_mark_glyph(TUI_MARK_PASSED) : tui_mark_glyph(TUI_MARK_ATTEMPTED);
        tui_draw_text(r.y + row, r.x + 1, 1, g, strlen(g),
                      base | tui_attr(t->ok ? TUI_R_PASS : TUI_R_FAIL));
        tui_draw_text(r.y + row, r.x + 3, 5, t->ok ? "ok" : "FAIL", t->ok ? 2 : 4, base);
        tui_draw_text(r.y + row, r.x + 9, r.w - 9, t->name, strlen(t->name), base);
    }
    const char *log = c->log != NULL ? c->log : "";
    while (row < r.h) {           /* the rest of the output below the list */
        size_t n = strcspn(log, "\n");
        tui_draw_fill(r.y + row, r.x, r.w, A_NORMAL);
        if (n > 0 || *log != '\0')
            tui_draw_text(r.y + row, r.x + 1, r.w - 1, log, n, tui_attr(TUI_R_DIM));
        log += n + (log[n] == '\n');
        row++;
    }
}

void tui_lab_draw(const struct tui_lab *l, struct tui_rect r)
{
    char status[512];
    enum tui_role role;
    tui_lab_draw_title(l, r);
    struct tui_rect body = { r.y + 1, r.x, r.h - 1, r.w };
    if (l->view == TUI_LAB_TEXT) {
        tui_pager_draw(&l->text, body);
        return;
    }
    if (l->view == TUI_LAB_DETAIL) {
        tui_pager_draw(&l->detail, body);
        return;
    }
    tui_lab_status(l, status, sizeof status, &role);
    tui_draw_fill(body.y, body.x, body.w, A_NORMAL);
    tui_draw_text(body.y, body.x + 1, body.w - 1, status, strlen(status), tui_attr(role) | A_BOLD);
    struct tui_rect list = { body.y + 1, body.x, body.h - 1, body.w };
    tui_lab_draw_results(l, list);
}
