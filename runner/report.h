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

/* Prints the results of a lab's public tests. Never fails. */
void report_public(FILE *f, const struct lab *lab, const struct grader_public *res);

#endif
