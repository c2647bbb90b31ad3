/* checker.h -- a lab's checker: the trusted program holding its hidden tests, built
 * outside the sandbox and cached by content. Prefix: checker_. */
#ifndef STACKLAB_CHECKER_H
#define STACKLAB_CHECKER_H

#include "course.h"

/* Returns the path of lab's checker executable under cache/checkers/, building it first
 * when no build of the same inputs and flags is cached. Caller frees. NULL with an
 * allocated *cause when the course files are missing or do not build (a course bug). */
char *checker_path(const struct course *c, const struct lab *lab, const char *cache,
                   char **cause);

#endif
