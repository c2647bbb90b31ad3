/* progress.h -- the learner's standing on each course item, from the progress store:
 * shared by `list`, `status` and the TUI so they always agree. Prefix: progress_. */
#ifndef STACKLAB_PROGRESS_H
#define STACKLAB_PROGRESS_H

#include "course.h"
#include "workspace.h"

enum progress_mark { PROGRESS_NEW, PROGRESS_READ, PROGRESS_ATTEMPTED, PROGRESS_PASSED,
                     PROGRESS_LOCKED };

/* The mark of one course map entry. */
enum progress_mark progress_of(struct workspace *ws, const struct course_item *it);
/* "new", "read", "attempted", "passed", "locked". */
const char *progress_name(enum progress_mark m);

struct progress_totals {
    int lessons, lessons_read;
    int labs, labs_passed, labs_attempted;
    int points, points_earned;
    int exams, exams_passed;
};
void progress_totals(struct workspace *ws, struct progress_totals *t);

#endif
