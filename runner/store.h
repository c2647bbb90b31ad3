/* store.h -- the progress store: one SQLite database per workspace
 * (.stacklab/progress.db), WAL, schema version in user_version with forward migrations.
 * Every write is one transaction; a kill at any moment loses at most the write in
 * flight. Prefix: store_. */
#ifndef STACKLAB_STORE_H
#define STACKLAB_STORE_H

#include <stdint.h>

struct store;

/* The schema version this program writes. */
#define STORE_SCHEMA_VERSION 1

/* Opens (creating if needed) and migrates the database at path. Returns NULL with an
 * allocated *cause (caller frees) on failure, e.g. a corrupt or newer-versioned file. */
struct store *store_open(const char *path, char **cause);
/* Closes; accepts NULL. */
void store_close(struct store *st);

/* Key/value settings of the workspace (course path, current lab, created_at ...).
 * store_get returns an allocated string (caller frees) or NULL when unset. */
int store_set(struct store *st, const char *key, const char *value);
char *store_get(struct store *st, const char *key);

/* Lessons. */
int store_mark_read(struct store *st, const char *lesson_id);
int store_lesson_is_read(struct store *st, const char *lesson_id);   /* 1, 0, -1 error */

/* One graded attempt at a lab. */
struct store_attempt {
    int64_t id;             /* set by store_record_attempt */
    char lab[16];
    int64_t when;           /* unix seconds */
    int passed, failed, total;
    double duration;        /* seconds */
    char verdict[16];       /* "pass", "fail", "compile", "crash", "timeout", ... */
    uint64_t seed;
    char summary[512];      /* short text: first failing test, compiler error ... */
};
/* Records an attempt in its own transaction and sets a->id (a->when <= 0 becomes now).
 * Returns 0 or -1 (nothing stored). */
int store_record_attempt(struct store *st, struct store_attempt *a);

struct store_lab_status {
    int attempts;
    int passed;             /* 1 when any attempt passed every test: a later failure
                             * (a stricter hidden test) never takes a pass away */
    int64_t passed_when;    /* unix seconds of the first passing attempt, 0 when none */
    int best_passed, best_total;
    int64_t last_when;
    char last_verdict[16];
};
/* Fills *out (zeroed when the lab has no attempts). `passed` counts attempts whose verdict
 * is "pass"; best_* come from the attempt with the highest passed/total. Returns 0 or -1. */
int store_lab_status(struct store *st, const char *lab, struct store_lab_status *out);
/* Up to `max` most recent attempts for lab (or all labs when lab is NULL), newest first.
 * Returns how many were written to out, or -1. */
int store_recent_attempts(struct store *st, const char *lab, struct store_attempt *out, int max);

/* Hints: how many hints of a lab the learner has revealed; store_hint_reveal adds one
 * (up to max) and returns the new count, or -1. */
int store_hints_shown(struct store *st, const char *lab);
int store_hint_reveal(struct store *st, const char *lab, int max);

/* Exam sittings (the exam engine uses these; see exams issue). */
struct store_sitting {
    int64_t id;
    char exam[32];
    int64_t started;        /* unix seconds, the clock's origin */
    int64_t deadline;       /* unix seconds */
    int64_t submitted;      /* 0 while open */
    uint64_t seed;
    int score, max_score;   /* valid once submitted */
    int passed;
};
int store_sitting_start(struct store *st, struct store_sitting *s);      /* sets s->id */
int store_sitting_open(struct store *st, const char *exam, struct store_sitting *out); /* 1 found, 0 none, -1 */
/* Stores (or replaces) the answer to one question; -1 when the sitting does not exist
 * or is already submitted (the answer is then not stored). */
int store_sitting_answer(struct store *st, int64_t sitting, const char *question,
                         const char *answer, int flagged);
/* Returns an allocated answer (caller frees) or NULL; *flagged set when not NULL. */
char *store_sitting_get_answer(struct store *st, int64_t sitting, const char *question, int *flagged);
/* Closes a sitting with its result; `when` <= 0 means now. -1 when the sitting does not
 * exist or was already submitted (the first result stands). */
int store_sitting_submit(struct store *st, int64_t sitting, int score, int max_score, int passed,
                         int64_t when);
int store_sitting_count(struct store *st, const char *exam);            /* submitted ones */
/* Best (highest score/max_score, earliest on ties) and latest submitted sitting of an
 * exam; either pointer may be NULL. Returns 1 when there is one, 0 none, -1. */
int store_sitting_best(struct store *st, const char *exam, struct store_sitting *best,
                       struct store_sitting *latest);

/* The sitting with that id, whatever its state: 1 found (fills *out), 0 none, -1. */
int store_sitting_get(struct store *st, int64_t sitting, struct store_sitting *out);
/* Calls fn for each stored answer of a sitting, in the order first answered, until fn
 * returns non-zero. The strings are valid only during the call. Returns how many answers
 * were visited, or -1. */
int store_sitting_answers(struct store *st, int64_t sitting,
                          int (*fn)(void *arg, const char *question, const char *answer,
                                    int flagged),
                          void *arg);

/* The last error message of the database, for messages. */
const char *store_errmsg(struct store *st);

#endif
