/* tapread.h -- reads an untrusted TAP 12/13/14 stream (a checker's output) into a
 * struct tap_report the reader owns. Never trusts the stream: caps sizes, tolerates
 * garbage, reports plan problems. Prefix: tapread_. */
#ifndef STACKLAB_TAPREAD_H
#define STACKLAB_TAPREAD_H

#include <stddef.h>

enum tap_directive { TAP_DIR_NONE, TAP_DIR_SKIP, TAP_DIR_TODO };

struct tap_test {
    int number;             /* as written, or implied by position when missing */
    int ok;                 /* 1 ok, 0 not ok */
    enum tap_directive directive;
    char *description;      /* after the number and " - "; may be "" */
    char *reason;           /* the directive's text; may be NULL */
    /* From the TAP 13 YAML block, each NULL when absent. */
    char *message, *got, *expected, *at, *seed;
    char *transcript;       /* an HTTP exchange, `curl -v` style; NULL when absent */
    char *input;            /* what the checker sent the learner's code; NULL when absent */
    /* From `stacklab check --format=tap`'s whole-lab lines, each NULL when absent. */
    char *verdict, *compiler, *output;  /* output: the program's stderr ("stderr" key) */
    char *diag;             /* "# ..." lines that followed the test, joined; may be NULL */
};

struct tap_report {
    int version;            /* 12, 13 or 14 */
    int plan;               /* -1 when no plan was seen */
    int plan_skip_all;      /* 1..0 # SKIP */
    char *skip_all_reason;
    struct tap_test *tests;
    size_t ntests;
    int passed, failed, skipped, todo;  /* todo counts tests marked TODO (either way) */
    int bailed_out;
    char *bail_reason;
    int truncated;          /* input exceeded the cap */
    /* Problems found, one per line ("plan says 3 but 2 tests ran", "test 4 out of order",
     * "line 7: unrecognised"), or NULL when the stream was well formed. */
    char *problems;
    int valid;              /* 1 when the stream is a complete, consistent TAP run */
};

/* The cap used when tapread_parse is given 0. */
#define TAPREAD_DEFAULT_CAP ((size_t)8 << 20)

/* Parses `len` bytes of `text` (need not be NUL-terminated; may be cut mid-line).
 * Streams over `cap` bytes (0: TAPREAD_DEFAULT_CAP) are read up to the last whole line
 * within the cap and marked truncated; more than 100000 tests also truncate. Every
 * string in the report is display-safe: valid UTF-8 with no control bytes but newline
 * and tab (a CR shows as \r, other bytes as \xNN), so it can go to a terminal as is.
 * A `got`/`expected` of YAML `~` reads as "NULL" (tap.h's NULL string), other keys
 * as absent; a `\xNN` escape in a quoted YAML string is the byte NN.
 * Never fails; the caller frees the report with tapread_free (which accepts NULL). */
struct tap_report *tapread_parse(const char *text, size_t len, size_t cap);
void tapread_free(struct tap_report *r);
/* Writes a canonical description of the report (used by the golden fixtures). Caller frees. */
char *tapread_describe(const struct tap_report *r);

#endif
