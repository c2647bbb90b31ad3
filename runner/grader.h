/* grader.h -- the grading pipeline: the learner's files copied into a fresh private build
 * folder, the subject compiled and run inside the sandbox, the lab's checker (trusted,
 * cached by content) beside it, its TAP read and combined with the subject's verdict and
 * any sanitizer report. Also the sandboxed build and run of public tests. Prefix: grader_. */
#ifndef STACKLAB_GRADER_H
#define STACKLAB_GRADER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "course.h"
#include "sanitizer.h"
#include "tapread.h"
#include "workspace.h"

/* Verdicts of one lab, in the order they win when several apply (see grader.c). */
enum grader_verdict {
    GRADER_PASS,
    GRADER_FAIL,        /* some test failed */
    GRADER_COMPILE,     /* the learner's code did not compile */
    GRADER_CRASH,       /* the program died from a signal */
    GRADER_TIMEOUT,     /* time limit (cpu, wall or idle) */
    GRADER_MEMORY,      /* memory limit */
    GRADER_OUTPUT,      /* printed more than allowed */
    GRADER_SECURITY,    /* did something the sandbox forbids */
    GRADER_MEMERR,      /* AddressSanitizer found a memory error */
    GRADER_UB,          /* UndefinedBehaviorSanitizer found undefined behaviour */
    GRADER_LEAK,        /* LeakSanitizer found leaked memory */
    GRADER_INTERNAL     /* the grader, sandbox or checker failed: not the learner's fault */
};

/* What one lab's check found. Owns its strings and report. */
struct grader_lab {
    const struct lab *lab;          /* the course's; not owned */
    enum grader_verdict verdict;
    char detail[256];               /* "SIGSEGV", "wall time 30.0 s", why it is internal ... */
    char *compile_log;              /* compiler messages with learner paths, or NULL */
    struct tap_report *tap;         /* the checker's TAP, or NULL when it did not run */
    struct sanitizer_report san;    /* tool SANITIZER_NONE when there was none */
    char *out, *err;                /* the learner program's stdout/stderr, capped, or NULL */
    int out_truncated, err_truncated;
    int passed, failed, total;
    double duration;                /* seconds, compile included */
    char missing[256];              /* sandbox layers that were unavailable, or "" */
};

/* A whole `stacklab check`: the target lab and every earlier lab, in order. */
struct grader_run {
    uint64_t seed;
    int seed_chosen;                /* 1: the learner chose it (--seed, STACKLAB_SEED): the
                                     * run reproduces a failure and records nothing */
    const struct lab *target;
    struct grader_lab *labs;
    size_t nlabs;
    enum grader_verdict verdict;    /* PASS only when every lab passed */
    int passed, failed, total;      /* summed over the labs */
    double duration;
};

struct grader_opts {
    uint64_t seed;
    int seed_set;                   /* 0: STACKLAB_SEED, else random */
    int only;                       /* 1: only the target lab, not the earlier ones */
    int tap;                        /* 1: print the results as one TAP stream (report_tap) */
};

/* Checks `target` and the labs before it (in course order) in ws. Returns 0 with *run
 * filled (caller frees with grader_run_free) whenever grading happened, whatever the
 * verdict; -1 with an allocated *cause when it could not start (no cache folder ...). */
int grader_check(struct workspace *ws, const struct lab *target,
                 const struct grader_opts *opts, struct grader_run *run, char **cause);
/* Releases what run owns; accepts a zeroed run. */
void grader_run_free(struct grader_run *run);

/* Starts, detached in the background, the build a first check of lab would do (its
 * checker, the learner's objects), so that check answers at once; a check started
 * meanwhile waits for it. Uses only ws->root and ws->course. Returns 1 started, 0 not
 * (lab NULL, STACKLAB_PREBUILD=0, or a warm-up of ws is running), -1 it could not be. */
int grader_warm_start(struct workspace *ws, const struct lab *lab);

/* Stores run as an attempt at run->target (time, counts, duration, verdict, seed and a
 * short summary). Returns 0 stored, 1 not stored because the seed was chosen (a chosen
 * seed's inputs are known in advance, so its pass proves nothing), -1 the store failed. */
int grader_record(struct workspace *ws, const struct grader_run *run);

/* The seed to use: STACKLAB_SEED when set (*chosen = 1), else a random one (*chosen =
 * 0), both under util_parse_seed's rule. Returns 0, or -1 with an allocated *cause when
 * STACKLAB_SEED is not a valid seed. */
int grader_seed(uint64_t *seed, int *chosen, char **cause);

/* "pass", "fail", "compile", ... (the verdict column of the store). */
const char *grader_verdict_name(enum grader_verdict v);
/* Words for people: "passed", "compile error", "crashed", ... */
const char *grader_verdict_words(enum grader_verdict v);

/* One public test file of a lab, built and run as its own program. */
struct grader_public_file {
    char *name;                     /* "tests/01-parse-request.c" */
    enum grader_verdict verdict;
    char detail[256];
    struct tap_report *tap;         /* its TAP (public: proves nothing), NULL if not run */
    char *err;                      /* its stderr, capped, or NULL */
};

/* Result of running a lab's public tests (`stacklab test`). */
struct grader_public {
    enum grader_verdict verdict;    /* the first file's that did not pass, else PASS */
    char detail[256];
    char *compile_log;              /* or NULL */
    struct grader_public_file *files;   /* in name order */
    size_t nfiles;
    int passed, failed, total;      /* summed over the files */
};

/* Builds each public test file of lab (ws/tests/NN-*.c) with the learner's framework
 * inside the sandbox and runs it there. Returns 0 with *res filled (free with
 * grader_public_free), or -1 with an allocated *cause (also when the lab has no public
 * tests). */
int grader_public(struct workspace *ws, const struct lab *lab, struct grader_public *res,
                  char **cause);
void grader_public_free(struct grader_public *res);

/* Folder for private build folders and the checker cache: $XDG_CACHE_HOME/stacklab or
 * ~/.cache/stacklab, created. The first call in a process marks it in use until the
 * process ends and, when no other run is alive, first removes the build folders killed
 * runs left there. Caller frees; NULL with *cause on failure. */
char *grader_cache_dir(char **cause);

/* Replaces every occurrence of the build folder `dir` (and the box's "/box") followed by
 * '/' in text with nothing, so messages show the learner's own paths. Caller frees. */
char *grader_map_paths(const char *text, const char *dir);

/* The lab named by arg ("1", "01", "01-slug"), or with arg NULL the current lab (the
 * last one when every lab passed). NULL with an allocated *cause when there is none. */
const struct lab *grader_pick_lab(struct workspace *ws, const char *arg, char **cause);

/* The number of a lab (its id as an integer, e.g. 3 for "03"), as starter(N) wants it. */
int grader_lab_number(const struct lab *lab);

/* What `stacklab check` and `stacklab watch` do: refuses a locked lab, grades, stores the
 * attempt, then prints the report and what to do next on out. Returns the exit code;
 * EXIT_INTERNAL whenever the attempt could not be saved (then nothing is said passed or
 * unlocked). */
int grader_command(struct workspace *ws, const struct lab *lab, const struct grader_opts *o,
                   FILE *out);

/* Builds sources (paths relative to box, NULL-ended) into box/out inside the sandbox:
 * objects found in `cache` (a folder, created; NULL: none) under their content key are
 * reused, the others compiled two at a time and stored there, then all are linked; a
 * program whose every input is unchanged is reused as linked before (grader-build.c).
 * Returns 0 built, 1 the code did not compile, -1 the sandbox failed (*cause). *log gets
 * the compiler's messages with learner paths (kept with cached objects, so warnings show
 * every time), or NULL when there were none. Caller frees both. */
int grader_build(const char *box, const struct lab *lab, char *const *sources,
                 const char *out, const char *cache, char **log, char **cause);

/* Helpers shared with checker.c. grader_argv joins NULL-ended lists (any may be NULL)
 * into a new argv of copied strings; grader_list_sources appends the names of the
 * sources of dir ending in ext (".c"), as "prefix/name" when prefix is not NULL, to the
 * NULL-ended *v of *n entries; grader_strv_free frees such a vector (NULL allowed). */
char **grader_argv(const char *const *head, const char *const *flags, char *const *extra,
                   const char *const *libs);
void grader_list_sources(const char *dir, const char *prefix, const char *ext, char ***v,
                         size_t *n);
void grader_strv_free(char **v);

#endif
