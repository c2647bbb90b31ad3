/* tui-exam.h -- the ncurses exam screen: a timed sitting with a countdown, navigation,
 * marks for review, a list of unanswered and marked questions, submit with confirmation,
 * then the result and a review of every question. The screen's state is a plain struct
 * driven by tui_exam_key, testable without a terminal. Prefix: tui_exam_. */
#ifndef STACKLAB_TUI_EXAM_H
#define STACKLAB_TUI_EXAM_H

#include <stddef.h>

#include "examrun.h"

struct workspace;
struct exam;

/* Runs (starts or resumes) a sitting of exam `exam_id` of ws's course on the terminal.
 * Expects stdin and stdout to be a terminal; initialises and ends curses itself unless
 * curses is already active (then it draws on stdscr and leaves curses running).
 * practice: a sitting that is not recorded (examrun_opts.practice).
 * Returns an exit code: EXIT_OK passed, EXIT_FAILED failed (or a practice sitting left),
 * EXIT_OPEN left open, EXIT_USAGE unknown exam or no attempts left, EXIT_INTERNAL store
 * errors. */
int tui_exam_run(struct workspace *ws, const char *exam_id, int practice);
/* The same for an exam already loaded, with draw options (a --seed); `stacklab exam`
 * calls this on a terminal. ex must outlive the call. */
int tui_exam_sit(struct workspace *ws, const struct exam *ex, const struct examrun_opts *opts);
/* The same for a run already begun (a sitting kept on a class server): the caller keeps
 * and frees r. Returns the same exit codes. */
int tui_exam_sit_run(struct examrun *r);

/* ---- the screen's state ------------------------------------------------------------ */

enum tui_exam_view {
    TUI_EXAM_QUESTION,      /* one question */
    TUI_EXAM_INPUT,         /* typing a short answer */
    TUI_EXAM_JUMP,          /* typing a question number */
    TUI_EXAM_LIST,          /* every question with its state */
    TUI_EXAM_CONFIRM,       /* "submit now?" */
    TUI_EXAM_LEAVE,         /* "leave? the clock keeps running" (q before submitting) */
    TUI_EXAM_RESULT         /* score and review, after submitting */
};

/* Invariant: cur and sel < run->nitems; result is set exactly in TUI_EXAM_RESULT. */
struct tui_exam {
    struct examrun *run;    /* borrowed */
    enum tui_exam_view view;
    enum tui_exam_view back;    /* the view TUI_EXAM_LEAVE returns to */
    size_t cur;             /* the question shown */
    size_t sel;             /* the selected row of the list */
    char input[EXAMRUN_ANSWER_MAX + 1];
    size_t ilen;
    char *result;           /* owned: the result and review text */
    size_t top;             /* first line of the result shown */
    int help;               /* 1 while the key help is shown */
    int done;               /* 1 when the learner has left the screen */
    int store_error;        /* 1 when an answer could not be stored */
    char msg[160];
};

/* Starts the screen on a run (which may already be submitted, e.g. expired on resume). */
void tui_exam_init(struct tui_exam *t, struct examrun *run);
/* Frees what the screen owns (not the run); accepts a zeroed struct. */
void tui_exam_free(struct tui_exam *t);
/* Handles one key (a character or an ncurses KEY_ code). Returns 1 when the learner has
 * left the screen (t->done), 0 otherwise. */
int tui_exam_key(struct tui_exam *t, int key);
/* Checks the clock; when time is up the sitting is submitted and the result shown.
 * Returns 1 when that happened on this call. */
int tui_exam_tick(struct tui_exam *t);
/* Draws the whole screen on stdscr (curses must be running). */
void tui_exam_draw(const struct tui_exam *t);

#endif
