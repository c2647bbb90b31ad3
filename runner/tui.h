/* tui.h -- the full-screen terminal interface: course map, lesson reader, lab screen.
 * tui_run is the entry; the rest is the screens' state, kept in plain structs so their
 * behaviour can be tested without a terminal. Prefix: tui_. */
#ifndef STACKLAB_TUI_H
#define STACKLAB_TUI_H

#include <stddef.h>
#include <sys/types.h>

#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <curses.h>

#include "course.h"
#include "mdrender.h"
#include "util.h"
#include "workspace.h"

struct workspace;

/* A rectangle of the screen, in rows and columns. */
struct tui_rect { int y, x, h, w; };

/* Runs the interface on the terminal until the learner quits. Expects stdin and stdout
 * to be terminals. The terminal is restored on every way out (quit, SIGINT, SIGTERM,
 * SIGHUP, exit, a crash). Returns an exit code (EXIT_OK, or EXIT_INTERNAL when curses
 * cannot start). Does not close ws. */
int tui_run(struct workspace *ws);
/* 1 when the screen should end now: the terminal hung up (standard input reports a
 * hangup or an error) or, while tui_run runs, SIGINT, SIGTERM or SIGHUP came. The
 * screens nested in it (the exam screen) stop their loops on it. */
int tui_must_stop(void);

/* ---- keys (tui-keys.c) ------------------------------------------------------------ */

enum tui_action {
    TUI_NONE, TUI_UP, TUI_DOWN, TUI_PGUP, TUI_PGDN, TUI_TOP, TUI_BOTTOM, TUI_OPEN,
    TUI_BACK, TUI_QUIT, TUI_HELP, TUI_SEARCH, TUI_NEXT, TUI_PREV, TUI_CHECK, TUI_HINT,
    TUI_EDIT, TUI_FOCUS, TUI_REDRAW, TUI_RESULTS
};

/* Contexts a binding applies in (bits). */
enum tui_ctx { TUI_CTX_MAP = 1, TUI_CTX_LESSON = 2, TUI_CTX_LAB = 4, TUI_CTX_ALL = 7 };

struct tui_key {
    int key;                /* a character or an ncurses KEY_ code */
    unsigned ctx;           /* enum tui_ctx bits */
    enum tui_action action;
    const char *name;       /* shown in the help, NULL to list the binding only once */
    const char *help;
};
extern const struct tui_key tui_keys[];

/* The action bound to key in context ctx, or TUI_NONE. */
enum tui_action tui_key_action(unsigned ctx, int key);

/* ---- the course map (tui-map.c) ------------------------------------------------------ */

/* The same values as enum progress_mark (progress.h). */
enum tui_mark { TUI_MARK_NEW, TUI_MARK_READ, TUI_MARK_ATTEMPTED, TUI_MARK_PASSED,
                TUI_MARK_LOCKED };

struct tui_map_entry {
    int header;             /* 1: a track heading, not selectable */
    enum course_kind kind;
    const char *id;         /* borrowed from the course */
    const char *title;
    const char *track;
    void *item;             /* struct lesson / lab / exam of the course */
    const struct course_item *citem;
    enum tui_mark mark;
};

/* Invariant: when n > 0, entries[sel] is not a header; top <= sel. */
struct tui_map {
    struct tui_map_entry *entries;
    size_t n;
    size_t sel, top;
    int done, total;        /* items completed (read or passed) and items in all */
    char query[128];        /* the last search of the map, "" when none */
};

/* Builds the entries from the course map (borrowing its strings; marks all new).
 * Caller frees with tui_map_free. */
void tui_map_init(struct tui_map *m, const struct course *c);
void tui_map_free(struct tui_map *m);
/* Recomputes every mark (progress_of, the same as `stacklab list`) and the progress
 * figures from the workspace's store. */
void tui_map_refresh(struct tui_map *m, struct workspace *ws);
/* Applies a movement action with `rows` visible rows. Returns 1 when the action was
 * TUI_OPEN on a selectable entry (the caller opens m->entries[m->sel]), else 0. */
int tui_map_key(struct tui_map *m, enum tui_action a, int rows);
/* Selects the next (dir 1) or previous (dir -1) entry after the selection, wrapping,
 * whose title, id or kind ("lab 05", "lesson 12") holds query, ignoring case. query NULL
 * searches again for the last one. Returns 1 when found, else 0 (selection unchanged). */
int tui_map_find(struct tui_map *m, const char *query, int dir, int rows);
/* Selects the entry of a course item (a struct lesson/lab/exam); no change when absent. */
void tui_map_select(struct tui_map *m, const void *item, int rows);
/* A one-character glyph and a word for a mark, for drawing and tests. */
const char *tui_mark_glyph(enum tui_mark mk);
const char *tui_mark_word(enum tui_mark mk);

/* ---- the pager: a rendered Markdown document with scrolling and search (tui-pager.c) */

struct tui_pager {
    char *markdown;         /* owned */
    size_t len;
    struct md_doc *doc;     /* owned; rendered at `width` */
    int width, rows;        /* the last layout */
    size_t top;             /* first visible line */
    char query[128];        /* the last search, "" when none */
    long match;             /* line of the current match, -1 when none */
    char *error;            /* owned; set when the Markdown could not be rendered */
    int plain;              /* 1: doc was built from plain text, never re-rendered */
};

/* Takes ownership of markdown (allocated, may be NULL for an empty page). */
void tui_pager_set(struct tui_pager *p, char *markdown, size_t len);
void tui_pager_free(struct tui_pager *p);
/* Renders at width (>= 20) for `rows` visible rows, keeping the reading position
 * (the first visible line's share of the document) when the width changes. */
void tui_pager_layout(struct tui_pager *p, int width, int rows);
/* Applies a scroll action. Returns 1 when the view moved. */
int tui_pager_key(struct tui_pager *p, enum tui_action a);
/* Searches (case-insensitively) for query forwards (dir 1) or backwards (dir -1) from
 * the line after/before the current match (or the top). NULL query repeats the last
 * one. Wraps around. Returns 1 and scrolls to the match, or 0 when absent. */
int tui_pager_search(struct tui_pager *p, const char *query, int dir);
/* 1 when the last line is visible. */
int tui_pager_at_end(const struct tui_pager *p);
size_t tui_pager_lines(const struct tui_pager *p);

/* ---- a check run in a child process (tui-check.c) -------------------------------------- */

struct tui_result {
    char *name;
    int ok;                 /* 1 pass, 0 fail */
    char *detail;           /* lines that followed the test (message, expected/got ...) */
};

struct tui_check {
    pid_t pid;              /* > 0 while running */
    int fd;                 /* read end of the child's output, -1 when closed */
    struct sb out;          /* everything read, capped */
    int running;
    int exit_code;          /* the child's exit code once finished, -1 when killed */
    double started, finished;  /* monotonic seconds */
    struct tui_result *results;
    size_t nresults;
    char *log;              /* lines outside any test (compiler messages, summary) */
    char *summary;          /* the last non-empty line of the output */
};

/* Starts `exe check LAB` in folder root, output to a pipe, NO_COLOR=1, its own process
 * group. Returns 0, or -1 with an allocated *cause. Clears earlier results. */
int tui_check_start(struct tui_check *c, const char *exe, const char *root,
                    const char *lab_id, char **cause);
/* Reads what is available without blocking and reaps the child when it ends. Returns 1
 * when the run has finished (results parsed), 0 while it runs. */
int tui_check_poll(struct tui_check *c);
/* Stops a running check (TERM then KILL to its process group) and frees everything. */
void tui_check_free(struct tui_check *c);
/* Parses the check's output into c->results (failures first, then passes, each in the
 * check's order), c->log and c->summary. */
void tui_check_parse(struct tui_check *c, const char *text, size_t len);

/* Shows plain text (not Markdown) in a pager: each line as it is, no wrapping. Takes
 * ownership of text (allocated). */
void tui_pager_set_plain(struct tui_pager *p, char *text);

/* ---- the lesson reader (tui-lesson.c) ------------------------------------------------- */

struct tui_lesson {
    struct lesson *lesson;  /* borrowed from the course */
    struct tui_pager pager;
    int reached_end;        /* 1 once the last line has been on screen */
};

/* Opens a lesson: reads its body. Returns 0, or -1 with an allocated *cause (the pager
 * then shows the cause). Free with tui_lesson_free. */
int tui_lesson_open(struct tui_lesson *l, struct lesson *lesson, char **cause);
void tui_lesson_free(struct tui_lesson *l);
/* Applies a scroll action. */
void tui_lesson_key(struct tui_lesson *l, enum tui_action a);
/* Returns 1 exactly once: the first time the end of the lesson is visible (the caller
 * marks the lesson read). Call after layout and after each key. */
int tui_lesson_finished(struct tui_lesson *l);
void tui_lesson_draw(const struct tui_lesson *l, struct tui_rect r);

/* ---- the lab screen (tui-lab.c) -------------------------------------------------------- */

enum tui_lab_view { TUI_LAB_TEXT, TUI_LAB_RESULTS, TUI_LAB_DETAIL };

/* What the lab screen asks the main loop to do after a key. */
enum tui_lab_req { TUI_LAB_REQ_NONE, TUI_LAB_REQ_CHECK, TUI_LAB_REQ_HINT, TUI_LAB_REQ_EDIT,
                   TUI_LAB_REQ_BACK };

struct tui_lab {
    struct lab *lab;        /* borrowed from the course */
    char *body;             /* the lab's Markdown body, owned */
    int hints_shown, nhints;
    enum tui_lab_view view;
    struct tui_pager text;  /* instructions and revealed hints */
    struct tui_pager detail;/* a failed test's details, or the log */
    struct tui_check check;
    size_t sel, top;        /* selected result and first visible one */
    int rows;               /* rows of the list at the last layout */
};

/* Opens a lab with `hints_shown` hints revealed. Returns 0, or -1 with *cause. */
int tui_lab_open(struct tui_lab *l, struct lab *lab, int hints_shown, char **cause);
void tui_lab_free(struct tui_lab *l);
/* Re-renders the instructions with `shown` hints revealed. */
void tui_lab_set_hints(struct tui_lab *l, int shown);
/* Lays the views out for a pane of width x rows. */
void tui_lab_layout(struct tui_lab *l, int width, int rows);
/* Handles an action; returns what the main loop must do. */
enum tui_lab_req tui_lab_key(struct tui_lab *l, enum tui_action a);
/* Called when a started check has finished: shows the results view. */
void tui_lab_check_done(struct tui_lab *l);
/* The pager that `/`, n and N search in the current view (NULL in the results list). */
struct tui_pager *tui_lab_pager(struct tui_lab *l);
void tui_lab_draw(const struct tui_lab *l, struct tui_rect r);

/* Splits a lab body at its "## Hints" section: returns the instructions followed by the
 * first `shown` hints (allocated, caller frees). *nhints gets the number of hints found. */
char *tui_lab_text(const char *body, int shown, int *nhints);

/* ---- drawing (tui-draw.c; these need curses running) ------------------------------- */


enum tui_role { TUI_R_TEXT, TUI_R_TITLE, TUI_R_SEL, TUI_R_DIM, TUI_R_PASS, TUI_R_FAIL,
                TUI_R_WARN, TUI_R_ACCENT, TUI_R_BAR, TUI_R_MATCH, TUI_R_NROLES };

/* Sets up colour pairs on the terminal's default background; colour stays off when
 * NO_COLOR is set or the terminal has none. */
void tui_draw_colors(void);
/* The attributes of a role, and of a Markdown style (enum md_style bits). */
attr_t tui_attr(enum tui_role r);
attr_t tui_md_attr(unsigned style);
/* Display width of n bytes of UTF-8 (invalid bytes count as one column). */
int tui_text_width(const char *s, size_t n);
/* Draws n bytes of UTF-8 at (y, x), clipped to maxw columns. Returns columns drawn. */
int tui_draw_text(int y, int x, int maxw, const char *s, size_t n, attr_t a);
/* As tui_draw_text, but text that does not fit ends in an ellipsis ("~" outside UTF-8). */
int tui_draw_text_cut(int y, int x, int maxw, const char *s, size_t n, attr_t a);
/* Fills a row segment with blanks in attribute a. */
void tui_draw_fill(int y, int x, int w, attr_t a);

void tui_map_draw(const struct tui_map *m, struct tui_rect r, int focused);
void tui_pager_draw(const struct tui_pager *p, struct tui_rect r);

#endif
