/* sanitizer.h -- reduces an AddressSanitizer, LeakSanitizer or UBSan report (found in a
 * subject's captured stderr) to the kind of error and the learner's file:line with its
 * function. Prefix: sanitizer_. */
#ifndef STACKLAB_SANITIZER_H
#define STACKLAB_SANITIZER_H

#include <stddef.h>

enum sanitizer_tool { SANITIZER_NONE, SANITIZER_ASAN, SANITIZER_LSAN, SANITIZER_UBSAN };

struct sanitizer_report {
    enum sanitizer_tool tool;
    char kind[128];         /* "heap-buffer-overflow", "memory leak of 10 bytes in 1 object",
                               "signed integer overflow: ..." */
    char file[192];         /* the learner's path ("vial/request.c"), or "" when unknown */
    int line;               /* 0 when unknown */
    char function[96];      /* "" when unknown */
};

/* Finds the first sanitizer report in text (NUL-terminated, untrusted, may be cut off).
 * `learner` lists the path prefixes of the learner's files ("vial/"), NULL-ended: the
 * first stack frame in one of them is the one reported, with the build folder before the
 * prefix removed. Returns 1 and fills *out when a report was found, 0 otherwise (then
 * *out is zeroed). Never allocates. */
int sanitizer_reduce(const char *text, const char *const *learner,
                     struct sanitizer_report *out);

/* sanitizer_reduce, blaming the first frame in a file of `edited` (paths such as
 * "vial/request.c", NULL-ended; NULL: none) when the stack has one: given code in the
 * learner's folders (vial/pairs.c) is where an error shows, rarely what to fix. Without
 * such a frame, the first in the learner's folders as sanitizer_reduce. */
int sanitizer_reduce_edited(const char *text, const char *const *learner,
                            const char *const *edited, struct sanitizer_report *out);

/* The tool's name ("AddressSanitizer", ...); "" for SANITIZER_NONE. */
const char *sanitizer_tool_name(enum sanitizer_tool t);

/* Writes one line for people: "AddressSanitizer: heap-buffer-overflow in f at
 * vial/a.c:12" into buf (always NUL-terminated). */
void sanitizer_format(const struct sanitizer_report *r, char *buf, size_t len);

#endif
