/* starter.h -- starter(N): the reference framework with the solution blocks of labs N
 * and later replaced by their neutral stubs (docs/course-format.md); given.c installs it
 * into a workspace. Prefix: starter_. */
#ifndef STACKLAB_STARTER_H
#define STACKLAB_STARTER_H

#include <stddef.h>

#include "course.h"

/* Renders starter(lab) of one file's text. `path` is only used in messages. Returns an
 * allocated text (caller frees) or NULL with *cause "path:line: message" for bad markers. */
char *starter_render(const char *text, size_t len, int lab, const char *path, char **cause);
/* Renders the reference (markers dropped, every block kept). Same conventions. */
char *starter_reference(const char *text, size_t len, const char *path, char **cause);

/* Validates the markers of every framework file; appends "path:line: message\n" lines to
 * *errors (allocated, caller frees; left NULL when all is well). Returns the number of
 * problems. */
int starter_validate(const struct course *c, char **errors);

#endif
