/* progress.c -- turns the progress store's records into marks for course items. */
#include <string.h>

#include "exam.h"
#include "progress.h"

static const char *const progress_names[] = { "new", "read", "attempted", "passed", "locked" };

const char *progress_name(enum progress_mark m)
{
    return progress_names[m];
}

enum progress_mark progress_of(struct workspace *ws, const struct course_item *it)
{
    if (it->kind == COURSE_LESSON)
        return store_lesson_is_read(ws->store, it->u.lesson->id) == 1 ? PROGRESS_READ
                                                                      : PROGRESS_NEW;
    if (it->kind == COURSE_LAB) {
        struct store_lab_status s;
        if (store_lab_status(ws->store, it->u.lab->id, &s) < 0)
            return PROGRESS_NEW;
        if (s.passed)
            return PROGRESS_PASSED;
        if (!workspace_lab_unlocked(ws, it->u.lab))
            return PROGRESS_LOCKED;
        return s.attempts > 0 ? PROGRESS_ATTEMPTED : PROGRESS_NEW;
    }
    struct store_sitting best, latest;
    int r = store_sitting_best(ws->store, exam_id(it->u.exam), &best, &latest);
    if (r == 1)
        return best.passed ? PROGRESS_PASSED : PROGRESS_ATTEMPTED;
    return PROGRESS_NEW;
}

void progress_totals(struct workspace *ws, struct progress_totals *t)
{
    memset(t, 0, sizeof *t);
    for (size_t i = 0; i < ws->course->norder; i++) {
        const struct course_item *it = &ws->course->order[i];
        enum progress_mark m = progress_of(ws, it);
        if (it->kind == COURSE_LESSON) {
            t->lessons++;
            t->lessons_read += m == PROGRESS_READ;
        } else if (it->kind == COURSE_LAB) {
            t->labs++;
            t->points += it->u.lab->points;
            t->labs_passed += m == PROGRESS_PASSED;
            t->labs_attempted += m == PROGRESS_ATTEMPTED;
            if (m == PROGRESS_PASSED)
                t->points_earned += it->u.lab->points;
        } else {
            t->exams++;
            t->exams_passed += m == PROGRESS_PASSED;
        }
    }
}
