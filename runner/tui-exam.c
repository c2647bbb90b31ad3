/* tui-exam.c -- the ncurses exam screen. This first version only reports that the
 * screen is not ready; the plain mode of `stacklab exam` works meanwhile. */
#include <stdio.h>

#include "cmd.h"
#include "tui-exam.h"

int tui_exam_run(struct workspace *ws, const char *exam_id)
{
    (void)ws;
    fprintf(stderr, "stacklab: the exam screen for '%s' is not available yet\n", exam_id);
    return EXIT_INTERNAL;
}

int tui_exam_sit(struct workspace *ws, const struct exam *ex, const struct examrun_opts *opts)
{
    (void)ws;
    (void)ex;
    (void)opts;
    fprintf(stderr, "stacklab: the exam screen is not available yet; pipe the answers in "
                    "(plain mode)\n");
    return EXIT_INTERNAL;
}
