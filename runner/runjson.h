/* runjson.h -- a check run (struct grader_run) as JSON, so a server's grading shows on the
 * learner's screen through the same report code as a local check (docs/server.md).
 * Prefix: runjson_. */
#ifndef STACKLAB_RUNJSON_H
#define STACKLAB_RUNJSON_H

#include "course.h"
#include "grader.h"

/* The JSON text of run: seed, verdict, counts, duration and every lab's fields that
 * report_check and report_tap read (tests with their YAML fields, compiler log, output,
 * sanitizer report, missing layers), labs named by id. Caller frees; NULL only when out
 * of memory. */
char *runjson_encode(const struct grader_run *run);

/* Fills *run (caller frees with grader_run_free) from untrusted text, resolving each lab
 * id in course c (an unknown id, a missing or mistyped field is an error). Returns 0, or
 * -1 with an allocated *cause naming the field ("labs[2].tests[0].ok: not a boolean"). */
int runjson_decode(const char *text, const struct course *c, struct grader_run *run,
                   char **cause);

#endif
