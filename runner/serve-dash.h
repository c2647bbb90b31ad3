/* serve-dash.h -- what the dashboard's files share: serve-dash.c (log in, routing, the
 * script and style, the classes page), serve-dash-class.c (a class's grid, its CSV, a
 * learner's history) and serve-dash-exam.c (exams sat on the server). Prefix: dash_. */
#ifndef STACKLAB_SERVE_DASH_H
#define STACKLAB_SERVE_DASH_H

#include <stdint.h>

#include "serve-int.h"
#include "util.h"

/* Appends text HTML-escaped (fit for attribute values in double quotes too). */
void dash_esc(struct sb *out, const char *text);
/* Appends a CSV field: quoted, quotes doubled; a leading = + - @ gets a ' before it so a
 * spreadsheet does not run a learner's name as a formula. */
void dash_csv(struct sb *out, const char *text);
/* Appends a time as "YYYY-MM-DD HH:MM" (UTC), or "-" for none. */
void dash_time(struct sb *out, int64_t t);
/* Starts a page titled title; logged_in adds the navigation. */
void dash_page_begin(struct sb *out, const char *title, int logged_in);
/* Ends the page in out and answers it with status (out is emptied). Returns 0. */
int dash_send(struct serve_answer *a, unsigned status, struct sb *out);
/* Answers 500 with the database's words; called with s->lock held, releases it. */
int dash_db_error(struct serve *s, struct serve_answer *a);

/* serve-dash-class.c: the pages of one class and one learner. Each returns 0. */
/* The class class_id into *out: 1, 0 no such class, -1 the database. Under s->lock. */
int dash_class_find(struct serve *s, int64_t class_id, struct servedb_class *out);
int dash_class(struct serve *s, struct serve_answer *a, int64_t class_id);
int dash_class_csv(struct serve *s, struct serve_answer *a, int64_t class_id);
int dash_learner(struct serve *s, struct serve_answer *a, int64_t learner);

/* serve-dash-exam.c: exams sat on the server. The readers run under s->lock and submit
 * the sittings whose time ran out first; 0 or -1 (the database), *out owned by the
 * caller. dash_class_exams_csv answers /dash/class/ID/exams.csv; returns 0. */
int dash_exams_read(struct serve *s, int64_t class_id, struct servedb_exam_cell **cells,
                    size_t *n);
void dash_exams_table(struct sb *out, const struct course *course,
                      const struct servedb_learner *learners, size_t nlearners,
                      const struct servedb_exam_cell *cells, size_t ncells);
int dash_class_exams_csv(struct serve *s, struct serve_answer *a, int64_t class_id);
int dash_sittings_read(struct serve *s, int64_t learner, struct servedb_sitting **out,
                       size_t *n);
void dash_sittings_table(struct sb *out, const struct servedb_sitting *v, size_t n);

#endif
