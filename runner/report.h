/* report.h -- renders grading results for people: plain text, colour only through
 * term.h when allowed (a terminal, NO_COLOR unset). Prefix: report_. */
#ifndef STACKLAB_REPORT_H
#define STACKLAB_REPORT_H

#include <stdio.h>

#include "grader.h"

/* Prints every lab of a check run (tests, failures with message / expected / got or a
 * line diff / seed / transcript, compiler messages, crash or limit verdicts, sanitizer
 * findings, the learner's capped output) and a summary line. Never fails. */
void report_check(FILE *f, const struct grader_run *run);

/* Prints a check run as one TAP 13 stream for machines: every lab's tests renumbered in
 * order, each named "lab NN: ...", failures with a YAML block (message, input, expected,
 * got, seed, transcript; never `at`), one extra failing test per lab whose verdict the
 * tests do not show (compile error, crash, limit, sanitizer), and a summary comment.
 * Never fails. */
void report_tap(FILE *f, const struct grader_run *run);

/* Prints the results of a lab's public tests. Never fails. */
void report_public(FILE *f, const struct lab *lab, const struct grader_public *res);

#endif
