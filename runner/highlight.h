/* highlight.h -- C syntax colouring of one line of a code block, for the lesson reader.
 * Prefix: hl_. */
#ifndef STACKLAB_HIGHLIGHT_H
#define STACKLAB_HIGHLIGHT_H

#include <stddef.h>

/* Calls emit(start, len, style, arg) for consecutive pieces covering line[0..len), with
 * enum md_style bits. *in_comment carries an open block comment from line to line. */
void hl_c_line(const char *line, size_t len, int *in_comment,
               void (*emit)(size_t start, size_t len, unsigned style, void *arg), void *arg);

#endif
