/* given.h -- the files a workspace is given by the course: starter(N) of each learner's
 * folder, the labs' public tests, the TAP library and the Makefile. Each is recorded by
 * the hash of what was written (in .stacklab/given), so an update can tell a file the
 * learner never edited (replaced by the course's new version) from one they did (kept).
 * Also writes .stacklab/course.mk, the course's part of the workspace Makefile.
 * Prefix: given_. */
#ifndef STACKLAB_GIVEN_H
#define STACKLAB_GIVEN_H

#include "course.h"
#include "util.h"

enum given_mode {
    GIVEN_ADD,          /* write missing files only (init, next) */
    GIVEN_UPDATE        /* also replace given files the learner did not edit (update) */
};

/* What given_install did. `kept_list` names, one per line, the files left alone because
 * the learner edited them (or they predate the record) while the course's version
 * changed since they were given. */
struct given_report {
    int added, replaced, kept;
    struct sb kept_list;
};

/* Installs the course's files into the workspace folder ws, rendered as starter(lab)
 * (a file recorded before keeps the N it was first rendered with), records them, and
 * rewrites .stacklab/course.mk for lab. Never follows a link in the workspace: a link
 * where a file should be counts as edited. Returns 0 with *rep filled (free with
 * given_report_free), or -1 with an allocated *cause (files written before the error
 * stay written and recorded). */
int given_install(const struct course *c, const char *ws, int lab, enum given_mode mode,
                  struct given_report *rep, char **cause);
void given_report_free(struct given_report *rep);

/* The course's file for the learner's path rel ("vial/router.c") rendered as starter(n)
 * (docs/course-format.md): allocated (caller frees), or NULL with *cause when the course
 * has no such file or its markers are bad. */
char *given_render(const struct course *c, const char *rel, int n, char **cause);

/* Writes ws/.stacklab/course.mk: the learner's folders, their link order, the
 * libraries and flags of the course's tracks, the labs and the current lab (lab, 0:
 * none). Returns 0 or -1 with *cause. */
int given_course_mk(const struct course *c, const char *ws, int lab, char **cause);

#endif
