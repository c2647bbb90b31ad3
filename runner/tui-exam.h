/* tui-exam.h -- the ncurses exam screen: a timed sitting with a countdown, navigation,
 * flags for review, submit with confirmation, then the result and a review of every
 * question. Prefix: tui_exam_. */
#ifndef STACKLAB_TUI_EXAM_H
#define STACKLAB_TUI_EXAM_H

struct workspace;
struct exam;
struct examrun_opts;

/* Runs (starts or resumes) a sitting of exam `exam_id` of ws's course on the terminal.
 * Expects stdin and stdout to be a terminal; initialises and ends curses itself unless
 * curses is already active (then it draws on stdscr and leaves curses running).
 * Returns an exit code: EXIT_OK passed, EXIT_FAILED failed or left open,
 * EXIT_USAGE unknown exam or no attempts left, EXIT_INTERNAL store errors. */
int tui_exam_run(struct workspace *ws, const char *exam_id);
/* The same for an exam already loaded, with draw options (a --seed); `stacklab exam`
 * calls this on a terminal. ex must outlive the call. */
int tui_exam_sit(struct workspace *ws, const struct exam *ex, const struct examrun_opts *opts);

#endif
