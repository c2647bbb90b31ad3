/* tui-exam.c -- the ncurses exam screen. State changes go through tui_exam_key (keys in
 * one table, plus option letters and typed text), so they are testable without a
 * terminal; tui_exam_draw and the loop are the only parts that talk to curses. */
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <curses.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "course.h"
#include "exitcode.h"
#include "term.h"
#include "tui-exam.h"
#include "tui.h"
#include "workspace.h"

enum tui_exam_act {
    TEX_NONE, TEX_NEXT, TEX_PREV, TEX_MARK, TEX_JUMP, TEX_LIST, TEX_SUBMIT, TEX_CLEAR,
    TEX_ENTER, TEX_BACK, TEX_LEAVE, TEX_HELP, TEX_UP, TEX_DOWN, TEX_PGUP, TEX_PGDN
};

/* Views a binding applies in (bits). */
enum { TEX_Q = 1, TEX_L = 2, TEX_R = 4 };

struct tui_exam_binding {
    int key;
    unsigned views;
    enum tui_exam_act act;
    const char *name;       /* shown in the help; NULL lists the binding once */
    const char *help;
};

/* Option letters a-h pick answers, so no command uses them. */
static const struct tui_exam_binding tui_exam_keys[] = {
    { 'n', TEX_Q, TEX_NEXT, "n, Right", "next question" },
    { KEY_RIGHT, TEX_Q, TEX_NEXT, NULL, NULL },
    { 'p', TEX_Q, TEX_PREV, "p, Left", "previous question" },
    { KEY_LEFT, TEX_Q, TEX_PREV, NULL, NULL },
    { 'm', TEX_Q | TEX_L, TEX_MARK, "m", "mark (or unmark) for review" },
    { 'j', TEX_Q, TEX_JUMP, "j", "jump to a question by number" },
    { 'u', TEX_Q | TEX_L, TEX_LIST, "u", "list the questions: unanswered and marked" },
    { 'x', TEX_Q, TEX_CLEAR, "x", "clear the answer" },
    { '\n', TEX_Q | TEX_L, TEX_ENTER, "Enter", "type a short answer; in the list, open" },
    { '\r', TEX_Q | TEX_L, TEX_ENTER, NULL, NULL },
    { KEY_ENTER, TEX_Q | TEX_L, TEX_ENTER, NULL, NULL },
    { 's', TEX_Q | TEX_L, TEX_SUBMIT, "s", "submit the sitting (asks first)" },
    { 'k', TEX_L | TEX_R, TEX_UP, "Up, Down", "move in the list or the review" },
    { KEY_UP, TEX_L | TEX_R, TEX_UP, NULL, NULL },
    { KEY_DOWN, TEX_L | TEX_R, TEX_DOWN, NULL, NULL },
    { KEY_PPAGE, TEX_R, TEX_PGUP, NULL, NULL },
    { KEY_NPAGE, TEX_R, TEX_PGDN, NULL, NULL },
    { ' ', TEX_R, TEX_PGDN, NULL, NULL },
    { 27, TEX_L, TEX_BACK, "Esc", "back to the question" },
    { '?', TEX_Q | TEX_L | TEX_R, TEX_HELP, "?", "this help" },
    { 'q', TEX_Q | TEX_L | TEX_R, TEX_LEAVE, "q", "leave (asks first: an open sitting "
      "stays open and its clock keeps running)" },
};

static unsigned tui_exam_ctx(enum tui_exam_view v)
{
    return v == TUI_EXAM_LIST ? TEX_L : v == TUI_EXAM_RESULT ? TEX_R : TEX_Q;
}

static enum tui_exam_act tui_exam_action(enum tui_exam_view v, int key)
{
    unsigned ctx = tui_exam_ctx(v);
    for (size_t i = 0; i < sizeof tui_exam_keys / sizeof tui_exam_keys[0]; i++)
        if (tui_exam_keys[i].key == key && (tui_exam_keys[i].views & ctx))
            return tui_exam_keys[i].act;
    return TEX_NONE;
}

/* ---- state ------------------------------------------------------------------------ */

static void tui_exam_show_result(struct tui_exam *t)
{
    struct sb text;
    sb_init(&text);
    examrun_format_result(t->run, &text);
    free(t->result);
    t->result = sb_steal(&text);
    t->top = 0;
    t->view = TUI_EXAM_RESULT;
}

void tui_exam_init(struct tui_exam *t, struct examrun *run)
{
    memset(t, 0, sizeof *t);
    t->run = run;
    if (run->submitted)
        tui_exam_show_result(t);
    else if (run->practice)
        snprintf(t->msg, sizeof t->msg, "PRACTICE sitting: not recorded, not counted");
    else if (run->resumed)
        snprintf(t->msg, sizeof t->msg, "resumed your open sitting: its clock kept running");
}

void tui_exam_free(struct tui_exam *t)
{
    free(t->result);
    t->result = NULL;
}

int tui_exam_tick(struct tui_exam *t)
{
    if (t->view == TUI_EXAM_RESULT)
        return 0;
    int rc = examrun_tick(t->run);
    if (rc == 0)
        return 0;
    t->store_error |= rc < 0;
    tui_exam_show_result(t);
    return 1;
}

/* Records input as the current answer; reports refusals in msg. */
static void tui_exam_answer(struct tui_exam *t, const char *input)
{
    char *cause = NULL;
    int rc = examrun_answer(t->run, t->cur, input, &cause);
    if (rc == -1) {
        snprintf(t->msg, sizeof t->msg, "%s", cause);
        free(cause);
    } else if (rc == -2) {
        t->store_error = 1;
        snprintf(t->msg, sizeof t->msg, "could not store the answer: %s",
                 examrun_errmsg(t->run));
    } else if (rc == 1)
        tui_exam_show_result(t);
}

/* An option letter: single choice selects it, multiple choice toggles it. */
static void tui_exam_pick(struct tui_exam *t, char letter)
{
    const struct examrun_item *it = &t->run->items[t->cur];
    char shown[EXAM_MAX_OPTIONS + 2];
    examrun_shown(it, it->answer, shown, sizeof shown);
    if (it->q->type == EXAM_SINGLE) {
        shown[0] = letter;
        shown[1] = '\0';
    } else {
        char *at = strchr(shown, letter);
        if (at != NULL)
            memmove(at, at + 1, strlen(at));
        else {
            size_t n = strlen(shown);
            shown[n] = letter;
            shown[n + 1] = '\0';
        }
    }
    tui_exam_answer(t, shown);
}

static void tui_exam_go(struct tui_exam *t, size_t i)
{
    if (i < t->run->nitems)
        t->cur = i;
}

static void tui_exam_mark(struct tui_exam *t, size_t i)
{
    if (examrun_flag(t->run, i, !t->run->items[i].flagged) < 0)
        t->store_error = 1;
}

static void tui_exam_submit(struct tui_exam *t)
{
    if (examrun_submit(t->run) < 0)
        t->store_error = 1;
    tui_exam_show_result(t);
}

/* Typing in the answer line or the jump line. */
static void tui_exam_type(struct tui_exam *t, int key)
{
    if (key == 27) {
        t->view = TUI_EXAM_QUESTION;
        return;
    }
    if (key == '\n' || key == '\r' || key == KEY_ENTER) {
        t->input[t->ilen] = '\0';
        enum tui_exam_view v = t->view;
        t->view = TUI_EXAM_QUESTION;
        if (v == TUI_EXAM_INPUT)
            tui_exam_answer(t, t->input);
        else {
            char *end;
            long n = strtol(t->input, &end, 10);
            if (end == t->input || *end != '\0' || n < 1 || (size_t)n > t->run->nitems)
                snprintf(t->msg, sizeof t->msg, "no question %.20s", t->input);
            else
                tui_exam_go(t, (size_t)n - 1);
        }
        return;
    }
    if ((key == KEY_BACKSPACE || key == 127 || key == 8) && t->ilen > 0) {
        t->ilen--;
        while (t->ilen > 0 && ((unsigned char)t->input[t->ilen] & 0xC0) == 0x80)
            t->ilen--;
    } else if (key >= ' ' && key < 256 && key != 127 && t->ilen < EXAMRUN_ANSWER_MAX
               && (t->view == TUI_EXAM_INPUT || (key >= '0' && key <= '9')))
        t->input[t->ilen++] = (char)key;
    t->input[t->ilen] = '\0';
}

static void tui_exam_start_typing(struct tui_exam *t, enum tui_exam_view v)
{
    const char *a = t->run->items[t->cur].answer;
    t->ilen = 0;
    if (v == TUI_EXAM_INPUT && a != NULL) {
        t->ilen = strlen(a);
        memcpy(t->input, a, t->ilen);
    }
    t->input[t->ilen] = '\0';
    t->view = v;
}

static void tui_exam_question_act(struct tui_exam *t, enum tui_exam_act a)
{
    const struct examrun_item *it = &t->run->items[t->cur];
    switch (a) {
    case TEX_NEXT: tui_exam_go(t, t->cur + 1); break;
    case TEX_PREV: if (t->cur > 0) tui_exam_go(t, t->cur - 1); break;
    case TEX_MARK: tui_exam_mark(t, t->cur); break;
    case TEX_JUMP: tui_exam_start_typing(t, TUI_EXAM_JUMP); break;
    case TEX_LIST: t->sel = t->cur; t->view = TUI_EXAM_LIST; break;
    case TEX_CLEAR: tui_exam_answer(t, ""); break;
    case TEX_SUBMIT: t->view = TUI_EXAM_CONFIRM; break;
    case TEX_ENTER:
        if (it->q->noptions == 0)
            tui_exam_start_typing(t, TUI_EXAM_INPUT);
        else
            tui_exam_go(t, t->cur + 1);
        break;
    default: break;
    }
}

static void tui_exam_list_act(struct tui_exam *t, enum tui_exam_act a)
{
    switch (a) {
    case TEX_UP: if (t->sel > 0) t->sel--; break;
    case TEX_DOWN: if (t->sel + 1 < t->run->nitems) t->sel++; break;
    case TEX_MARK: tui_exam_mark(t, t->sel); break;
    case TEX_ENTER: t->cur = t->sel; t->view = TUI_EXAM_QUESTION; break;
    case TEX_LIST: case TEX_BACK: t->view = TUI_EXAM_QUESTION; break;
    case TEX_SUBMIT: t->view = TUI_EXAM_CONFIRM; break;
    default: break;
    }
}

static void tui_exam_result_act(struct tui_exam *t, enum tui_exam_act a)
{
    size_t page = (size_t)(LINES > 6 ? LINES - 4 : 10), lines = 0;
    for (const char *c = t->result; *c; c++)
        lines += *c == '\n';
    switch (a) {
    case TEX_UP: if (t->top > 0) t->top--; break;
    case TEX_DOWN: t->top++; break;
    case TEX_PGUP: t->top = t->top > page ? t->top - page : 0; break;
    case TEX_PGDN: t->top += page; break;
    default: break;
    }
    if (t->top + page / 2 > lines)     /* wrapping adds lines; keep the end reachable */
        t->top = lines > page / 2 ? lines - page / 2 : 0;
}

int tui_exam_key(struct tui_exam *t, int key)
{
    if (t->view == TUI_EXAM_INPUT || t->view == TUI_EXAM_JUMP) {
        tui_exam_type(t, key);
        return t->done;
    }
    if (t->view == TUI_EXAM_LEAVE) {
        if (key == 'q' || key == 'y' || key == 'Y')
            t->done = 1;
        else
            t->view = t->back;
        return t->done;
    }
    if (t->view == TUI_EXAM_CONFIRM) {
        if (key == 'y' || key == 'Y')
            tui_exam_submit(t);
        else
            t->view = TUI_EXAM_QUESTION;
        return t->done;
    }
    t->msg[0] = '\0';
    if (t->help) {
        t->help = 0;
        return t->done;
    }
    const struct examrun_item *it = &t->run->items[t->cur];
    if (t->view == TUI_EXAM_QUESTION && key >= 'a' && key < 'a' + (int)it->q->noptions) {
        tui_exam_pick(t, (char)key);
        return t->done;
    }
    enum tui_exam_act a = tui_exam_action(t->view, key);
    if (a == TEX_LEAVE && (t->view == TUI_EXAM_RESULT || t->run->submitted)) {
        t->done = 1;
    } else if (a == TEX_LEAVE) {    /* the clock does not stop: say so before leaving */
        t->back = t->view;
        t->view = TUI_EXAM_LEAVE;
    }
    else if (a == TEX_HELP)
        t->help = 1;
    else if (t->view == TUI_EXAM_QUESTION)
        tui_exam_question_act(t, a);
    else if (t->view == TUI_EXAM_LIST)
        tui_exam_list_act(t, a);
    else
        tui_exam_result_act(t, a);
    return t->done;
}

/* ---- drawing ------------------------------------------------------------------------ */

/* Draws text from row *y on, wrapped at width w from column x, stopping before row
 * `last`. Skips the first *skip wrapped lines (decremented). */
static void tui_exam_text(int *y, int x, int w, int last, const char *text, attr_t a,
                          size_t *skip)
{
    const char *s = text;
    while (*s && *y < last) {
        size_t n = strcspn(s, "\n"), cut = n, cols = 0, fit = 0;
        for (size_t i = 0; i < n; i++)
            if (((unsigned char)s[i] & 0xC0) != 0x80 && ++cols > (size_t)w) {
                fit = i;
                break;
            }
        if (fit > 0) {
            cut = fit;
            for (size_t i = fit; i > 0; i--)
                if (s[i] == ' ') {
                    cut = i;
                    break;
                }
        }
        if (skip != NULL && *skip > 0)
            (*skip)--;
        else
            tui_draw_text((*y)++, x, w, s, cut, a);     /* ASCII look-alikes under LANG=C */
        s += cut;
        if (*s == ' ' && fit > 0)
            s++;
        else if (*s == '\n')
            s++;
    }
}

static void tui_exam_bar(const struct tui_exam *t)
{
    const struct examrun *r = t->run;
    char left[32], line[256];
    examrun_format_clock(left, sizeof left, examrun_remaining(r));
    size_t marked = 0;
    for (size_t i = 0; i < r->nitems; i++)
        marked += r->items[i].flagged != 0;
    const char *practice = r->practice ? " PRACTICE (not recorded) --" : "";
    if (t->view == TUI_EXAM_RESULT)
        snprintf(line, sizeof line, "%s %s -- result", practice, r->ex->title);
    else
        snprintf(line, sizeof line, "%s %s -- question %zu of %zu -- %zu answered, %zu marked"
                 " -- %s left", practice, r->ex->title, t->cur + 1, r->nitems,
                 r->nitems - examrun_unanswered(r), marked, left);
    long rem = examrun_remaining(r);
    attr_t a = A_REVERSE;
    if (t->view != TUI_EXAM_RESULT && rem < 60)
        a |= tui_attr(TUI_R_FAIL);
    else if (t->view != TUI_EXAM_RESULT && rem < 300)
        a |= tui_attr(TUI_R_WARN);
    attron(a);
    mvhline(0, 0, ' ', COLS);
    attroff(a);
    tui_draw_text(0, 0, COLS, line, strlen(line), a);
}

static void tui_exam_draw_question(const struct tui_exam *t)
{
    const struct examrun_item *it = &t->run->items[t->cur];
    int y = 2, w = COLS - 4, last = LINES - 3;
    char head[160];
    snprintf(head, sizeof head, "Question %zu of %zu [%s] -- %s%s", t->cur + 1,
             t->run->nitems, it->q->topic ? it->q->topic : "general",
             examrun_how(it->q->type), it->flagged ? "  (marked for review)" : "");
    tui_exam_text(&y, 2, w, last, head, tui_attr(TUI_R_TITLE), NULL);
    y++;
    tui_exam_text(&y, 2, w, last, it->q->text, A_NORMAL, NULL);
    y++;
    char shown[EXAM_MAX_OPTIONS + 1];
    examrun_shown(it, it->answer, shown, sizeof shown);
    for (size_t k = 0; k < it->q->noptions && y < last; k++) {
        int on = strchr(shown, (int)('a' + k)) != NULL;
        char label[16];
        snprintf(label, sizeof label, it->q->type == EXAM_SINGLE ? "(%c) %c) " : "[%c] %c) ",
                 on ? '*' : ' ', (int)('a' + k));
        mvaddstr(y, 2, label);
        tui_exam_text(&y, 9, w - 7, last, it->q->options[it->order[k]],
                      on ? tui_attr(TUI_R_ACCENT) : A_NORMAL, NULL);
    }
    if (it->q->noptions == 0) {
        const char *a = t->view == TUI_EXAM_INPUT ? t->input : it->answer;
        mvprintw(y, 2, "Your answer: ");
        tui_exam_text(&y, 15, w - 13, last, a && *a ? a : (t->view == TUI_EXAM_INPUT ? " "
                      : "(none: press Enter to type one)"), A_BOLD, NULL);
    }
}

static void tui_exam_draw_list(const struct tui_exam *t)
{
    const struct examrun *r = t->run;
    int rows = LINES - 5;
    size_t top = t->sel >= (size_t)rows ? t->sel - (size_t)rows + 1 : 0;
    mvaddstr(2, 2, "Questions (Enter opens, m marks, Esc goes back):");
    for (size_t i = top; i < r->nitems && (int)(i - top) < rows - 1; i++) {
        const struct examrun_item *it = &r->items[i];
        char line[256];
        size_t n = strcspn(it->q->text, "\n");
        snprintf(line, sizeof line, "%3zu. %-10s %-8s %.*s", i + 1,
                 it->answer ? "answered" : "UNANSWERED", it->flagged ? "marked" : "",
                 (int)(n > 150 ? 150 : n), it->q->text);
        attr_t a = i == t->sel ? A_REVERSE
                 : it->answer ? A_NORMAL : tui_attr(TUI_R_WARN);
        tui_draw_text(3 + (int)(i - top), 2, COLS - 4, line, strlen(line), a);
    }
}

static void tui_exam_draw_help(void)
{
    int y = 2;
    mvaddstr(y++, 2, "Keys:");
    mvaddstr(y++, 4, "a-h        pick an option (multiple choice: toggle)");
    for (size_t i = 0; i < sizeof tui_exam_keys / sizeof tui_exam_keys[0]; i++)
        if (tui_exam_keys[i].name != NULL && y < LINES - 2)
            mvprintw(y++, 4, "%-10s %s", tui_exam_keys[i].name, tui_exam_keys[i].help);
    mvaddstr(y + 1, 2, "Press any key to go on.");
}

/* The colour of one line of the result text: the verdict, each question's mark, the
 * right answers and the headings; everything else plain. */
static attr_t tui_exam_line_attr(const char *line, size_t n)
{
    static const struct { const char *prefix; enum tui_role role; } heads[] = {
        { "By topic:", TUI_R_TITLE }, { "Review:", TUI_R_TITLE },
        { "    right answer:", TUI_R_PASS },
    };
    if (strncmp(line, "Result:", 7) == 0)
        return tui_attr(memmem(line, n, "NOT PASSED", 10) ? TUI_R_FAIL : TUI_R_PASS) | A_BOLD;
    for (size_t i = 0; i < sizeof heads / sizeof heads[0]; i++)
        if (strncmp(line, heads[i].prefix, strlen(heads[i].prefix)) == 0)
            return tui_attr(heads[i].role);
    const char *p = line;
    while (*p == ' ')
        p++;
    if (*p < '0' || *p > '9')
        return A_NORMAL;
    while (*p >= '0' && *p <= '9')
        p++;
    if (strncmp(p, ". right", 7) == 0)
        return tui_attr(TUI_R_PASS);
    if (strncmp(p, ". partly", 8) == 0)
        return tui_attr(TUI_R_WARN);
    if (strncmp(p, ". wrong", 7) == 0 || strncmp(p, ". unanswered", 12) == 0)
        return tui_attr(TUI_R_FAIL);
    return A_NORMAL;
}

static void tui_exam_draw_result(const struct tui_exam *t)
{
    int y = 2;
    size_t skip = t->top;
    const char *s = t->result ? t->result : "";
    char line[1024];
    while (*s && y < LINES - 2) {
        size_t n = strcspn(s, "\n");
        snprintf(line, sizeof line, "%.*s", (int)(n < sizeof line ? n : sizeof line - 1), s);
        if (n == 0) {           /* a blank line still takes a row */
            if (skip > 0)
                skip--;
            else
                y++;
        } else {
            tui_exam_text(&y, 2, COLS - 4, LINES - 2, line, tui_exam_line_attr(line, strlen(line)),
                          &skip);
        }
        s += n;
        if (*s == '\n')
            s++;
    }
}

static void tui_exam_footer(const struct tui_exam *t)
{
    const char *keys;
    char prompt[EXAMRUN_ANSWER_MAX + 64], left[32];
    switch (t->view) {
    case TUI_EXAM_INPUT: keys = "type your answer, Enter to keep it, Esc to cancel"; break;
    case TUI_EXAM_JUMP:
        snprintf(prompt, sizeof prompt, "go to question (1-%zu): %s", t->run->nitems, t->input);
        keys = prompt;
        break;
    case TUI_EXAM_CONFIRM:
        snprintf(prompt, sizeof prompt, "Submit now? %zu unanswered. y submits, any other key "
                 "goes back.", examrun_unanswered(t->run));
        keys = prompt;
        break;
    case TUI_EXAM_LEAVE:
        examrun_format_clock(left, sizeof left, examrun_remaining(t->run));
        if (t->run->practice)
            snprintf(prompt, sizeof prompt, "Leave? A practice sitting is not kept: its "
                     "answers are lost. q leaves, any other key stays.");
        else
            snprintf(prompt, sizeof prompt, "Leave? The sitting stays open and its clock "
                     "keeps running (%s left). q leaves, any other key stays.", left);
        keys = prompt;
        break;
    case TUI_EXAM_RESULT: keys = "Up/Down/Space scroll  q leave  ? help"; break;
    default: keys = "a-h pick  n/p next/prev  m mark  j jump  u list  s submit  q leave  ? help";
    }
    if (t->msg[0])
        tui_draw_text(LINES - 2, 1, COLS - 2, t->msg, strlen(t->msg), A_NORMAL);
    attron(A_REVERSE);
    mvhline(LINES - 1, 0, ' ', COLS);
    attroff(A_REVERSE);
    tui_draw_text(LINES - 1, 1, COLS - 2, keys, strlen(keys), A_REVERSE);
}

void tui_exam_draw(const struct tui_exam *t)
{
    erase();
    tui_exam_bar(t);
    if (t->help)
        tui_exam_draw_help();
    else if (t->view == TUI_EXAM_RESULT)
        tui_exam_draw_result(t);
    else if (t->view == TUI_EXAM_LIST || (t->view == TUI_EXAM_LEAVE && t->back == TUI_EXAM_LIST))
        tui_exam_draw_list(t);
    else
        tui_exam_draw_question(t);
    tui_exam_footer(t);
    refresh();
}

/* ---- running on the terminal -------------------------------------------------------- */

static void tui_exam_loop(struct tui_exam *t)
{
    timeout(500);
    while (!t->done && !tui_must_stop()) {   /* stopped: an open sitting stays open */
        tui_exam_tick(t);
        tui_exam_draw(t);
        int key = getch();
        if (key != ERR && key != KEY_RESIZE)
            tui_exam_key(t, key);
    }
}

/* Shows a message until a key is pressed (curses running). */
static void tui_exam_notice(const char *text)
{
    erase();
    int y = 2;
    tui_exam_text(&y, 2, COLS - 4, LINES - 2, text, A_NORMAL, NULL);
    mvaddstr(y + 1, 2, "Press any key.");
    refresh();
    timeout(-1);
    getch();
}

/* The screen for run r (NULL: cause says why there is none, code is the exit). */
static int tui_exam_screen(const struct exam *ex, struct examrun *r, const char *cause,
                           int code)
{
    int own = stdscr == NULL || isendwin();
    SCREEN *scr = NULL;
    if (own) {
        setlocale(LC_ALL, "");
        scr = newterm(NULL, stdout, stdin);
        if (scr == NULL) {
            fprintf(stderr, "stacklab exam: cannot start the screen; pipe the answers in\n");
            return EXIT_INTERNAL;
        }
    }
    if (own)
        tui_draw_colors();
    cbreak();
    noecho();
    keypad(stdscr, TRUE);
    curs_set(0);
    set_escdelay(25);
    struct tui_exam t;
    memset(&t, 0, sizeof t);
    if (r == NULL)
        tui_exam_notice(cause);
    else {
        tui_exam_init(&t, r);
        tui_exam_loop(&t);
        code = t.store_error ? EXIT_INTERNAL : !r->submitted ? (r->practice ? EXIT_FAILED
             : EXIT_OPEN) : r->passed ? EXIT_OK : EXIT_FAILED;
    }
    if (own) {
        endwin();
        delscreen(scr);
        if (r == NULL)
            fprintf(stderr, "stacklab exam: %s\n", cause);
        else if (r->submitted)
            printf("%s: %d%% -- %s%s\n", ex->id, r->percent, r->passed ? "passed" : "not passed",
                   r->practice ? " (practice: not recorded)" : "");
        else if (r->practice)
            printf("%s: practice sitting left; nothing was recorded\n", ex->id);
        else {
            char left[32];
            examrun_format_clock(left, sizeof left, examrun_remaining(r));
            printf("%s: the sitting stays open and its clock keeps running: %s left "
                   "(stacklab exam %s resumes it)\n", ex->id, left, ex->id);
        }
    }
    tui_exam_free(&t);
    return code;
}

int tui_exam_sit(struct workspace *ws, const struct exam *ex, const struct examrun_opts *opts)
{
    char *cause = NULL;
    int user_fault = 0;
    struct examrun *r = examrun_begin(ex, ws->store, opts, &cause, &user_fault);
    int code = tui_exam_screen(ex, r, cause, exit_for_fault(user_fault));
    free(cause);
    examrun_free(r);
    return code;
}

int tui_exam_sit_run(struct examrun *r)
{
    return tui_exam_screen(r->ex, r, NULL, EXIT_INTERNAL);
}

/* A sitting of exam ex (a class course's: settings only) kept on the class server. */
static int tui_exam_remote(const struct exam *ex, int practice)
{
    struct client_server s = { 0 };
    struct client_exam *ce = NULL;
    char *cause = NULL;
    int user_fault = 1, code;
    if (practice)
        cause = xstrdup("a class's exams are sat on the class server, where every sitting "
                        "counts: no practice sitting");
    else if (client_server_load(&s, &cause) == 0)
        client_exam_begin(&s, ex->id, &ce, &cause, &user_fault);
    if (ce == NULL) {
        char *shown = term_escape_controls(cause);
        code = tui_exam_screen(ex, NULL, shown, exit_for_fault(user_fault));
        free(shown);
    } else
        code = tui_exam_sit_run(client_exam_run(ce));
    free(cause);
    client_exam_free(ce);
    client_server_free(&s);
    return code;
}

int tui_exam_run(struct workspace *ws, const char *id, int practice)
{
    const struct course *c = ws->course;
    for (size_t i = 0; c->bundle_upto > 0 && i < c->nexams; i++)
        if (strcmp(exam_id(c->exams[i]), id) == 0)
            return tui_exam_remote(c->exams[i], practice);
    struct examrun_opts o = { .practice = practice };
    for (size_t i = 0; i < c->nexams; i++)
        if (strcmp(exam_id(c->exams[i]), id) == 0)
            return tui_exam_sit(ws, c->exams[i], &o);
    return EXIT_USAGE;
}
