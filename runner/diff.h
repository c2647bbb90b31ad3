/* diff.h -- a small line diff for showing a multi-line expected value beside what a
 * learner's program produced. Prefix: diff_. */
#ifndef STACKLAB_DIFF_H
#define STACKLAB_DIFF_H

/* Lines beyond this many (on either side) are not compared, only counted. */
#define DIFF_MAX_LINES 200

/* 1 when s holds a line break before its last character (a multi-line value). */
int diff_multiline(const char *s);

/* Returns the line diff of expected against got: each line prefixed "  " (both),
 * "- " (expected only) or "+ " (got only), with a trailing "\n". CR characters are shown
 * as "\r" so line-ending mistakes are visible. NULL inputs count as empty. Never fails;
 * the caller frees the result. */
char *diff_lines(const char *expected, const char *got);

#endif
