/* term.h -- what the output can do: colours only on a terminal without NO_COLOR, and the
 * few SGR sequences plain output uses. Prefix: term_. */
#ifndef STACKLAB_TERM_H
#define STACKLAB_TERM_H

#include <stdio.h>

/* 1 when f is a terminal and NO_COLOR is unset (or empty): escape codes allowed.
 * STACKLAB_FORCE_COLOR=1 forces colour (output to a pager), NO_COLOR still wins. */
int term_color(FILE *f);
/* The SGR sequence for a style name ("bold", "dim", "red", "green", "yellow", "cyan",
 * "reset", "under"), or "" when colour is off for f. Never NULL. */
const char *term_sgr(FILE *f, const char *style);
/* Columns of the terminal on fd, or 80 when unknown. */
int term_width(int fd);

#endif
