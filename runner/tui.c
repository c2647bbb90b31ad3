/* tui.c -- the interface's main loop: terminal set-up and restore (quit, signals, exit,
 * crashes), layout (map left and pane right, or one of them on narrow terminals), key
 * dispatch to the screens, the search prompt, the help overlay, $EDITOR and the checks. */
#include <errno.h>
#include <limits.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include "exam.h"
#include "examrun.h"
#include "exitcode.h"
#include "tui-exam.h"
#include "tui.h"

#define TUI_MIN_W 80
#define TUI_MIN_H 24
#define TUI_SPLIT_W 100     /* from this width the map and the pane sit side by side */
#define TUI_KEY_WIDE (-2)   /* a non-ASCII character (only the search prompt takes it) */

enum tui_screen { TUI_SCR_NONE, TUI_SCR_LESSON, TUI_SCR_LAB };

struct tui {
    struct workspace *ws;
    struct tui_map map;
    enum tui_screen screen;
    struct tui_lesson lesson;
    struct tui_lab lab;
    int focus_pane;         /* 1: keys go to the open screen, 0: to the map */
    int help, prompt, quit;
    wchar_t query[64];
    size_t qlen;
    char msg[256];
    char ask_exam[EXAM_ID_MAX + 1]; /* an exam waiting for y (or p) before its clock
                                     * starts, "" when none */
    int ask_practice;               /* 1: no attempt is left, p sits a practice one */
    int split, small;
    struct tui_rect map_r, pane_r;
    char exe[PATH_MAX];
};

/* ---- the terminal: start, restore on every way out ----------------------------------- */

static volatile sig_atomic_t tui_signalled;
static volatile sig_atomic_t tui_active;

static void tui_term_end(void)
{
    if (tui_active) {
        tui_active = 0;
        endwin();
    }
}

static void tui_on_signal(int sig)
{
    tui_signalled = sig;
}

/* A crash: give the terminal back, then die of the same signal. */
static void tui_on_crash(int sig)
{
    tui_term_end();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void tui_term_signals(void)
{
    static const int quit_sigs[] = { SIGINT, SIGTERM, SIGHUP };
    static const int crash_sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = tui_on_signal;
    for (size_t i = 0; i < sizeof quit_sigs / sizeof quit_sigs[0]; i++)
        sigaction(quit_sigs[i], &sa, NULL);
    sa.sa_handler = tui_on_crash;
    sa.sa_flags = SA_RESETHAND;
    for (size_t i = 0; i < sizeof crash_sigs / sizeof crash_sigs[0]; i++)
        sigaction(crash_sigs[i], &sa, NULL);
}

/* Input modes; set again after anything else (the exam screen, $EDITOR) used curses. */
static void tui_term_modes(void)
{
    cbreak();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    curs_set(0);
    set_escdelay(25);
}

static int tui_term_begin(void)
{
    setlocale(LC_ALL, "");
    if (newterm(NULL, stdout, stdin) == NULL)     /* initscr would exit on failure */
        return -1;
    tui_active = 1;
    atexit(tui_term_end);
    tui_term_signals();     /* after newterm, which installs its own when none are set */
    tui_term_modes();
    tui_draw_colors();
    return 0;
}

/* ---- layout and drawing ------------------------------------------------------------- */

static void tui_layout(struct tui *t)
{
    int H, W;
    getmaxyx(stdscr, H, W);
    t->small = W < TUI_MIN_W || H < TUI_MIN_H;
    if (t->small)
        return;
    t->split = W >= TUI_SPLIT_W;
    int body = H - 2, mapw = W / 3 < 30 ? 30 : (W / 3 > 44 ? 44 : W / 3);
    if (t->split) {
        t->map_r = (struct tui_rect){ 1, 0, body, mapw };
        t->pane_r = (struct tui_rect){ 1, mapw + 1, body, W - mapw - 1 };
    } else {
        t->map_r = (struct tui_rect){ 1, 0, body, W };
        t->pane_r = (struct tui_rect){ 1, 0, body, W };
    }
    int tw = t->pane_r.w - 2;   /* one blank column each side of the text */
    if (t->screen == TUI_SCR_LESSON)
        tui_pager_layout(&t->lesson.pager, tw, t->pane_r.h - 1);
    else if (t->screen == TUI_SCR_LAB)
        tui_lab_layout(&t->lab, tw, t->pane_r.h - 1);
    tui_map_key(&t->map, TUI_NONE, t->map_r.h);
}

/* Draws s (our own ASCII text) from row y on, wrapped at spaces to w columns (a word
 * longer than w is split), when draw is set. Returns the rows it takes. */
static int tui_small_text(const char *s, int y, int w, attr_t a, int draw)
{
    int rows = 0;
    while (*s != '\0' && w > 0) {
        size_t n = strlen(s), cut = n;
        if (n > (size_t)w) {
            cut = (size_t)w;
            while (cut > 0 && s[cut] != ' ')
                cut--;
            if (cut == 0)
                cut = (size_t)w;
        }
        if (draw)
            tui_draw_text(y + rows, 0, w, s, cut, a);
        rows++;
        s += cut;
        while (*s == ' ')
            s++;
    }
    return rows;
}

/* The screen is too small for the layout: says so, wrapped to whatever width there is. */
static void tui_draw_small(void)
{
    int H, W;
    char need[128], have[128];
    getmaxyx(stdscr, H, W);
    erase();
    snprintf(need, sizeof need, "stacklab needs a terminal of at least %dx%d", TUI_MIN_W,
             TUI_MIN_H);
    snprintf(have, sizeof have, "this one is %dx%d: make it bigger (q quits)", W, H);
    int rows = tui_small_text(need, 0, W, A_BOLD, 0) + tui_small_text(have, 0, W, A_NORMAL, 0);
    int y = rows >= H ? 0 : (H - rows) / 2;
    y += tui_small_text(need, y, W, A_BOLD, 1);
    tui_small_text(have, y, W, A_NORMAL, 1);
}

/* Top line: the program, the workspace and a progress bar of the whole course. */
static void tui_draw_header(const struct tui *t, int W)
{
    char right[64];
    tui_draw_fill(0, 0, W, tui_attr(TUI_R_SEL));
    const char *ws = strrchr(t->ws->root, '/');
    char *left = xasprintf(" stacklab  %s", ws != NULL ? ws + 1 : t->ws->root);
    tui_draw_text(0, 0, W, left, strlen(left), tui_attr(TUI_R_SEL) | A_BOLD);
    free(left);
    int total = t->map.total > 0 ? t->map.total : 1, barw = 20;
    snprintf(right, sizeof right, " %d/%d done ", t->map.done, t->map.total);
    int rw = (int)strlen(right), x = W - rw - barw - 2;
    int fill = t->map.done * barw / total;
    mvaddch(0, x, '[' | tui_attr(TUI_R_SEL));
    tui_draw_fill(0, x + 1, fill, tui_attr(TUI_R_BAR) ^ A_REVERSE);
    for (int i = 0; i < barw; i++)
        mvaddch(0, x + 1 + i, (i < fill ? '#' : '-') | tui_attr(TUI_R_SEL));
    mvaddch(0, x + 1 + barw, ']' | tui_attr(TUI_R_SEL));
    tui_draw_text(0, W - rw, rw, right, (size_t)rw, tui_attr(TUI_R_SEL));
}

static const char *tui_hints[] = {
    [TUI_SCR_NONE] = "Enter open  j/k move  / find  Tab pane  ? keys  q quit",
    [TUI_SCR_LESSON] = "PgUp/PgDn scroll  / search  n/N next  Esc back  ? keys  q quit",
    [TUI_SCR_LAB] = "c check  h hint  e edit  r results  Enter details  Esc back  ? keys  q quit",
};

static void tui_draw_footer(const struct tui *t, int H, int W)
{
    tui_draw_fill(H - 1, 0, W, A_NORMAL);
    if (t->prompt) {
        char q[256];
        size_t n = wcstombs(q, t->query, sizeof q - 1);
        if (n == (size_t)-1)
            n = 0;
        q[n] = '\0';
        mvaddch(H - 1, 0, '/');
        tui_draw_text(H - 1, 1, W - 2, q, n, A_BOLD);
        curs_set(1);
        return;
    }
    curs_set(0);
    const char *s = t->msg[0] != '\0' ? t->msg
                    : tui_hints[t->focus_pane ? t->screen : TUI_SCR_NONE];
    tui_draw_text(H - 1, 1, W - 1, s, strlen(s), t->msg[0] ? A_BOLD : tui_attr(TUI_R_DIM));
}

/* The pane when nothing is open: where the learner stands and how to start. */
static void tui_draw_welcome(const struct tui *t, struct tui_rect r)
{
    struct lab *cur = workspace_current_lab(t->ws);
    char *lines[4];
    lines[0] = xasprintf("Welcome to stacklab.");
    lines[1] = xasprintf("%d of %d items done.", t->map.done, t->map.total);
    lines[2] = cur != NULL ? xasprintf("Current lab: %s %s", cur->id, cur->title)
                           : xasprintf("Every lab has passed.");
    lines[3] = xasprintf("Pick a lesson, lab or exam on the left and press Enter.");
    for (int i = 0; i < r.h; i++)
        tui_draw_fill(r.y + i, r.x, r.w, A_NORMAL);
    for (int i = 0; i < 4 && 1 + 2 * i < r.h; i++) {
        tui_draw_text(r.y + 1 + 2 * i, r.x + 2, r.w - 2, lines[i], strlen(lines[i]),
                      i == 0 ? tui_attr(TUI_R_TITLE) : A_NORMAL);
        free(lines[i]);
    }
}

static void tui_draw_pane(const struct tui *t)
{
    struct tui_rect r = t->pane_r;
    struct tui_rect in = { r.y, r.x + 1, r.h, r.w - 2 };
    tui_draw_fill(r.y, r.x, r.w, A_NORMAL);
    if (t->screen == TUI_SCR_LESSON) {
        tui_lesson_draw(&t->lesson, in);
    } else if (t->screen == TUI_SCR_LAB) {
        tui_lab_draw(&t->lab, in);
    } else {
        tui_draw_welcome(t, r);
        return;
    }
    for (int i = 0; i < r.h; i++) {     /* the margins */
        mvaddch(r.y + i, r.x, ' ' | (i == 0 ? tui_attr(TUI_R_TITLE) : A_NORMAL));
        mvaddch(r.y + i, r.x + r.w - 1, ' ');
    }
}

/* Every binding that has a name, in a box over the screen, as wide as its longest line
 * (so no help text is cut on a terminal of the minimum size). */
static void tui_draw_help(int H, int W)
{
    int n = 0, longest = 21;
    for (const struct tui_key *k = tui_keys; k->action != TUI_NONE; k++) {
        n += k->name != NULL;
        if (k->name != NULL && (int)strlen(k->help) > longest)
            longest = (int)strlen(k->help);
    }
    int w = longest + 17 < W - 2 ? longest + 17 : W - 2, h = n + 4 < H - 2 ? n + 4 : H - 2;
    int y = (H - h) / 2, x = (W - w) / 2, row = 1;
    for (int i = 0; i < h; i++)
        tui_draw_fill(y + i, x, w, tui_attr(TUI_R_SEL));
    tui_draw_text(y, x + 2, w - 4, "Keys (any key closes)", 21, tui_attr(TUI_R_SEL) | A_BOLD);
    for (const struct tui_key *k = tui_keys; k->action != TUI_NONE && row < h - 1; k++) {
        if (k->name == NULL)
            continue;
        row++;
        tui_draw_text(y + row, x + 2, 12, k->name, strlen(k->name), tui_attr(TUI_R_SEL) | A_BOLD);
        tui_draw_text(y + row, x + 15, w - 17, k->help, strlen(k->help), tui_attr(TUI_R_SEL));
    }
}

static void tui_draw(struct tui *t)
{
    int H, W;
    getmaxyx(stdscr, H, W);
    if (t->small) {
        tui_draw_small();
        refresh();
        return;
    }
    tui_draw_header(t, W);
    int show_map = t->split || !t->focus_pane, show_pane = t->split || t->focus_pane;
    if (show_map)
        tui_map_draw(&t->map, t->map_r, !t->focus_pane);
    if (t->split)
        for (int i = 0; i < t->map_r.h; i++)
            mvaddch(t->map_r.y + i, t->map_r.w, ACS_VLINE | tui_attr(TUI_R_DIM));
    if (show_pane)
        tui_draw_pane(t);
    tui_draw_footer(t, H, W);
    if (t->help)
        tui_draw_help(H, W);
    if (t->prompt)
        move(H - 1, 1 + (int)wcswidth(t->query, t->qlen));
    refresh();
}

/* ---- actions --------------------------------------------------------------------------- */

static void tui_say(struct tui *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void tui_say(struct tui *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t->msg, sizeof t->msg, fmt, ap);
    va_end(ap);
}

static void tui_close_screen(struct tui *t)
{
    if (t->screen == TUI_SCR_LESSON)
        tui_lesson_free(&t->lesson);
    else if (t->screen == TUI_SCR_LAB)
        tui_lab_free(&t->lab);
    t->screen = TUI_SCR_NONE;
}

static void tui_open_exam(struct tui *t, const char *id, int practice)
{
    def_prog_mode();
    int rc = tui_exam_run(t->ws, id, practice);
    reset_prog_mode();
    tui_term_modes();
    clearok(curscr, TRUE);
    tui_map_refresh(&t->map, t->ws);
    struct store_sitting s;
    char left[32];
    if (rc == EXIT_OPEN && t->ws->course->bundle_upto > 0)
        tui_say(t, "exam %s left open on the class server: its clock keeps running "
                "(Enter resumes)", id);
    else if (rc == EXIT_OPEN && store_sitting_open(t->ws->store, id, &s) == 1) {
        int64_t rem = s.deadline - (int64_t)time(NULL);
        examrun_format_clock(left, sizeof left, rem > 0 ? rem : 0);
        tui_say(t, "exam %s left open: its clock keeps running, %s left (Enter resumes)", id,
                left);
    } else {
        tui_say(t, "exam %s: %s%s", id, rc == EXIT_OK ? "passed" : "not passed (yet)",
                practice ? " (practice: not recorded)" : "");
    }
}

/* Enter on an exam: an open sitting resumes (its clock already runs); otherwise the footer
 * asks first, since starting spends an attempt and starts the clock. */
static void tui_ask_exam(struct tui *t, const struct exam *ex)
{
    struct store_sitting s;
    if (t->ws->course->bundle_upto > 0) {   /* the server knows the sittings */
        snprintf(t->ask_exam, sizeof t->ask_exam, "%s", ex->id);
        t->ask_practice = 0;
        tui_say(t, "Sit exam %s on the class server? A sitting open there resumes; a new "
                "one's %d-minute clock starts at once. y/N", ex->id, ex->minutes);
        return;
    }
    if (store_sitting_open(t->ws->store, ex->id, &s) == 1) {
        tui_open_exam(t, ex->id, 0);
        return;
    }
    int used = store_sitting_count(t->ws->store, ex->id);
    snprintf(t->ask_exam, sizeof t->ask_exam, "%s", ex->id);
    t->ask_practice = ex->attempts > 0 && used >= ex->attempts;
    if (t->ask_practice)
        tui_say(t, "exam %s: no attempts left (%d of %d). p: practice (not recorded), other "
                "keys: no", ex->id, used, ex->attempts);
    else if (ex->attempts > 0)
        tui_say(t, "Start exam %s (sitting %d of %d)? Its %d-minute clock starts at once. "
                "y/N", ex->id, used + 1, ex->attempts, ex->minutes);
    else
        tui_say(t, "Start exam %s? Its %d-minute clock starts at once. y/N", ex->id,
                ex->minutes);
}

/* The answer to tui_ask_exam's question. */
static void tui_answer_exam(struct tui *t, int key)
{
    char id[sizeof t->ask_exam];
    snprintf(id, sizeof id, "%s", t->ask_exam);
    t->ask_exam[0] = '\0';
    if (t->ask_practice ? key == 'p' || key == 'P' : key == 'y' || key == 'Y')
        tui_open_exam(t, id, t->ask_practice);
    else
        tui_say(t, "exam %s not started", id);
}

static void tui_open(struct tui *t)
{
    const struct tui_map_entry *e = &t->map.entries[t->map.sel];
    char *cause = NULL;
    if (e->kind == COURSE_EXAM) {
        tui_ask_exam(t, e->item);
        return;
    }
    if (t->screen == TUI_SCR_LAB && e->item == t->lab.lab) {
        t->focus_pane = 1;      /* keep its results and a check that runs */
        return;
    }
    tui_close_screen(t);
    if (e->kind == COURSE_LESSON) {
        tui_lesson_open(&t->lesson, e->item, &cause);
        t->screen = TUI_SCR_LESSON;
    } else {
        int shown = store_hints_shown(t->ws->store, e->id);
        tui_lab_open(&t->lab, e->item, shown > 0 ? shown : 0, &cause);
        t->screen = TUI_SCR_LAB;
        if (!workspace_lab_unlocked(t->ws, e->item))
            tui_say(t, "lab %s is locked until lab %s passes", e->id, t->lab.lab->requires);
    }
    if (cause != NULL)
        tui_say(t, "%s", cause);
    free(cause);
    t->focus_pane = 1;
}

/* Runs $VISUAL, $EDITOR or vi on the lab's files, with the terminal handed over. */
static void tui_edit(struct tui *t)
{
    struct lab *lab = t->lab.lab;
    size_t n = 0;
    while (lab->files != NULL && lab->files[n] != NULL)
        n++;
    char **argv = xcalloc(n + 5, sizeof *argv);
    argv[0] = "sh";
    argv[1] = "-c";
    argv[2] = "exec ${VISUAL:-${EDITOR:-vi}} \"$@\"";
    argv[3] = "sh";
    for (size_t i = 0; i < n; i++)
        argv[4 + i] = lab->files[i];
    def_prog_mode();
    endwin();
    pid_t pid = fork();
    if (pid == 0) {
        signal(SIGINT, SIG_DFL);
        if (chdir(t->ws->root) == 0)
            execv("/bin/sh", argv);
        _exit(127);
    }
    int status = 0;
    while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    tui_signalled = 0;      /* a Ctrl-C meant for the editor */
    free(argv);
    reset_prog_mode();
    tui_term_modes();
    clearok(curscr, TRUE);
    if (pid < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        tui_say(t, "the editor did not finish cleanly (set $EDITOR)");
}

static void tui_hint(struct tui *t)
{
    struct tui_lab *l = &t->lab;
    if (l->nhints == 0) {
        tui_say(t, "lab %s has no hints", l->lab->id);
        return;
    }
    if (l->hints_shown >= l->nhints) {
        tui_say(t, "all %d hints are shown", l->nhints);
        return;
    }
    int n = store_hint_reveal(t->ws->store, l->lab->id, l->nhints);
    tui_lab_set_hints(l, n > 0 ? n : l->hints_shown + 1);
    l->view = TUI_LAB_TEXT;
    tui_say(t, "hint %d of %d", l->hints_shown, l->nhints);
}

static void tui_check(struct tui *t)
{
    char *cause = NULL;
    if (tui_check_start(&t->lab.check, t->exe, t->ws->root, t->lab.lab->id, &cause) != 0) {
        tui_say(t, "cannot run the check: %s", cause);
        free(cause);
        return;
    }
    t->lab.view = TUI_LAB_RESULTS;
}

/* Polls a running check; when it ends, shows the results and refreshes the map. */
static void tui_check_tick(struct tui *t)
{
    if (t->screen != TUI_SCR_LAB || !t->lab.check.running)
        return;
    if (tui_check_poll(&t->lab.check) == 0)
        return;
    tui_lab_check_done(&t->lab);
    tui_map_refresh(&t->map, t->ws);
}

/* ---- keys ------------------------------------------------------------------------------ */

static struct tui_pager *tui_pane_pager(struct tui *t)
{
    if (t->screen == TUI_SCR_LESSON)
        return &t->lesson.pager;
    return t->screen == TUI_SCR_LAB ? tui_lab_pager(&t->lab) : NULL;
}

static void tui_search_again(struct tui *t, int dir)
{
    if (!t->focus_pane) {
        if (t->map.query[0] == '\0')
            tui_say(t, "nothing to search for yet: press /");
        else if (!tui_map_find(&t->map, NULL, dir, t->map_r.h))
            tui_say(t, "not found: %s", t->map.query);
        return;
    }
    struct tui_pager *p = tui_pane_pager(t);
    if (p == NULL)
        return;
    if (p->query[0] == '\0')
        tui_say(t, "nothing to search for yet: press /");
    else if (!tui_pager_search(p, NULL, dir))
        tui_say(t, "not found: %s", p->query);
}

/* A key while the search prompt is open. */
static void tui_prompt_key(struct tui *t, int key, wint_t wch)
{
    if (key == 27) {
        t->prompt = 0;
    } else if (key == '\n' || key == '\r' || key == KEY_ENTER) {
        char q[256];
        size_t n = wcstombs(q, t->query, sizeof q - 1);
        q[n == (size_t)-1 ? 0 : n] = '\0';
        t->prompt = 0;
        struct tui_pager *p = tui_pane_pager(t);
        if (q[0] == '\0')
            return;
        if (!t->focus_pane) {
            if (!tui_map_find(&t->map, q, 1, t->map_r.h))
                tui_say(t, "not found: %s", q);
        } else if (p != NULL && !tui_pager_search(p, q, 1)) {
            tui_say(t, "not found: %s", q);
        }
    } else if (key == KEY_BACKSPACE || key == 127 || key == 8) {
        if (t->qlen > 0)
            t->query[--t->qlen] = L'\0';
    } else if ((key == TUI_KEY_WIDE || (key >= 32 && key < 127)) && t->qlen + 1 < 64) {
        t->query[t->qlen++] = (wchar_t)wch;
        t->query[t->qlen] = L'\0';
    }
}

static void tui_lesson_action(struct tui *t, enum tui_action a)
{
    if (a == TUI_BACK) {
        t->focus_pane = 0;
        return;
    }
    tui_lesson_key(&t->lesson, a);
}

static void tui_lab_action(struct tui *t, enum tui_action a)
{
    switch (tui_lab_key(&t->lab, a)) {
    case TUI_LAB_REQ_CHECK: tui_check(t); break;
    case TUI_LAB_REQ_HINT: tui_hint(t); break;
    case TUI_LAB_REQ_EDIT: tui_edit(t); break;
    case TUI_LAB_REQ_BACK: t->focus_pane = 0; break;
    default: break;
    }
}

/* Actions that mean the same everywhere; returns 1 when handled. */
static int tui_global(struct tui *t, enum tui_action a)
{
    switch (a) {
    case TUI_QUIT: t->quit = 1; return 1;
    case TUI_HELP: t->help = 1; return 1;
    case TUI_REDRAW: clearok(curscr, TRUE); return 1;
    case TUI_FOCUS: t->focus_pane = t->screen != TUI_SCR_NONE && !t->focus_pane; return 1;
    case TUI_SEARCH:
        if (!t->focus_pane || tui_pane_pager(t) != NULL) {
            t->prompt = 1;
            t->qlen = 0;
            t->query[0] = L'\0';
        }
        return 1;
    case TUI_NEXT: case TUI_PREV:
        tui_search_again(t, a == TUI_NEXT ? 1 : -1);
        return 1;
    default: return 0;
    }
}

static void tui_key(struct tui *t, int key, wint_t wch)
{
    t->msg[0] = '\0';
    if (t->ask_exam[0] != '\0') {
        tui_answer_exam(t, key);
        return;
    }
    if (t->help) {
        t->help = 0;
        return;
    }
    if (t->prompt) {
        tui_prompt_key(t, key, wch);
        return;
    }
    unsigned ctx = !t->focus_pane ? TUI_CTX_MAP
                   : t->screen == TUI_SCR_LESSON ? TUI_CTX_LESSON : TUI_CTX_LAB;
    enum tui_action a = tui_key_action(ctx, key);
    if (a == TUI_NONE || tui_global(t, a) || t->small)
        return;
    if (!t->focus_pane) {
        if (tui_map_key(&t->map, a, t->map_r.h))
            tui_open(t);
    } else if (t->screen == TUI_SCR_LESSON) {
        tui_lesson_action(t, a);
    } else {
        tui_lab_action(t, a);
    }
}

/* Marks the open lesson read once its end has been on screen. */
static void tui_lesson_tick(struct tui *t)
{
    if (t->screen != TUI_SCR_LESSON || !t->focus_pane || t->small)
        return;
    if (!tui_lesson_finished(&t->lesson))
        return;
    if (store_mark_read(t->ws->store, t->lesson.lesson->id) == 0) {
        tui_map_refresh(&t->map, t->ws);
        tui_say(t, "lesson %s read", t->lesson.lesson->id);
    }
}

/* The map opens where the learner stands: the first unread lesson before the current
 * lab, else the current lab. */
static void tui_start_place(struct tui *t)
{
    const void *cur = workspace_current_lab(t->ws);
    for (size_t i = 0; i < t->map.n; i++) {
        const struct tui_map_entry *e = &t->map.entries[i];
        if (e->header)
            continue;
        if (e->item == cur)
            break;
        if (e->kind == COURSE_LESSON && e->mark == TUI_MARK_NEW) {
            cur = e->item;
            break;
        }
    }
    if (cur != NULL)
        tui_map_select(&t->map, cur, 20);
}

int tui_must_stop(void)
{
    struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };
    return tui_signalled != 0
        || (poll(&p, 1, 0) == 1 && (p.revents & (POLLHUP | POLLERR | POLLNVAL)) != 0);
}

static int tui_read_key(wint_t *wch)
{
    wint_t c = 0;
    int r = get_wch(&c);
    *wch = c;
    if (r == ERR)
        return ERR;
    if (r == KEY_CODE_YES)
        return (int)c;
    return c < 128 ? (int)c : TUI_KEY_WIDE;
}

static void tui_loop(struct tui *t)
{
    while (!t->quit && !tui_must_stop()) {
        tui_layout(t);
        tui_lesson_tick(t);
        tui_draw(t);
        timeout(t->lab.check.running ? 100 : 500);
        wint_t wch;
        int key = tui_read_key(&wch);
        tui_check_tick(t);
        if (key != ERR && key != KEY_RESIZE)
            tui_key(t, key, wch);
    }
}

int tui_run(struct workspace *ws)
{
    struct tui *t = xcalloc(1, sizeof *t);
    t->ws = ws;
    ssize_t n = readlink("/proc/self/exe", t->exe, sizeof t->exe - 1);
    if (n <= 0)
        snprintf(t->exe, sizeof t->exe, "/proc/self/exe");
    tui_map_init(&t->map, ws->course);
    tui_map_refresh(&t->map, ws);
    tui_start_place(t);
    if (tui_term_begin() != 0) {
        fprintf(stderr, "stacklab: cannot start the terminal interface\n");
        tui_map_free(&t->map);
        free(t);
        return EXIT_INTERNAL;
    }
    tui_loop(t);
    tui_close_screen(t);
    tui_term_end();
    tui_map_free(&t->map);
    free(t);
    return EXIT_OK;
}
