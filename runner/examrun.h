/* examrun.h -- one sitting of an exam: the stratified random draw and option shuffle
 * from a seed, answers in the learner's shown letters, the clock (injectable), the
 * attempts limit, scoring with partial credit, and persistence in the progress store so
 * a sitting resumes with the same questions and the same clock. Prefix: examrun_. */
#ifndef STACKLAB_EXAMRUN_H
#define STACKLAB_EXAMRUN_H

#include <stddef.h>
#include <stdint.h>

#include "exam.h"
#include "store.h"

/* Longest short answer kept (longer input is refused). */
#define EXAMRUN_ANSWER_MAX 200

struct examrun_item {
    const struct exam_question *q;
    unsigned char order[EXAM_MAX_OPTIONS]; /* shown letter i is option order[i] of q */
    char *answer;       /* canonical (bank letters, sorted; or the trimmed text); NULL
                         * while unanswered */
    int flagged;
    double earned;      /* points earned, valid once submitted */
};

struct examrun_opts {
    uint64_t seed;          /* used when has_seed and a new sitting starts */
    int has_seed;
    int64_t (*clock)(void *ctx);    /* unix seconds; NULL = the wall clock */
    void *clock_ctx;
    int practice;           /* 1: a practice sitting: the store is neither read nor
                             * written, no attempt is counted, an open sitting is left
                             * alone */
};

struct examrun;

/* Where a sitting kept on a class server sends what the learner does (client-exam.c).
 * save stores item i's answer and flag; submit has the server score the sitting and
 * fills the run's scores (each item's earned, earned, max, percent, passed; expired
 * when the server's clock ended it). Each returns 0, 1 when the server says the time
 * is up (the sitting is submitted there: submit is called next), or -1 with the reason
 * in r->remote_err. */
struct examrun_remote {
    int (*save)(struct examrun *r, size_t i);
    int (*submit)(struct examrun *r);
    void *ctx;
};

struct examrun {
    const struct exam *ex;
    struct store *st;           /* NULL: nothing is persisted */
    struct store_sitting sitting;
    struct examrun_item *items;
    size_t nitems;
    int resumed;                /* 1 when an open sitting was continued */
    int seed_ignored;           /* 1 when a --seed differed from the resumed sitting's */
    int used;                   /* submitted sittings before this one */
    int submitted, expired;     /* expired: submitted because the time ran out */
    double earned, max;         /* points, valid once submitted */
    int percent, passed;
    int practice;               /* 1: not recorded, not counted (st is NULL) */
    int64_t (*clock)(void *ctx);
    void *clock_ctx;
    const struct examrun_remote *remote;    /* NULL: a local sitting */
    char remote_err[256];
};

/* Starts a sitting of ex, or resumes the open one in st (st may be NULL; opts->practice
 * makes it NULL). A resumed
 * sitting whose deadline has passed is submitted at once (r->expired). Returns NULL with
 * an allocated *cause (caller frees) and *user_fault 1 when no attempts are left (the
 * user's to fix), 0 on store errors. Caller frees the run with examrun_free(); ex
 * and st must outlive it. */
struct examrun *examrun_begin(const struct exam *ex, struct store *st,
                              const struct examrun_opts *opts, char **cause,
                              int *user_fault);
/* A sitting rebuilt from what a class server keeps of it, without a store: the draw
 * of s->seed from ex (the server's side), s copied as the sitting, nothing answered and
 * nothing submitted, whatever the clock says (the caller sets the answers, then ticks or
 * submits). Caller frees with examrun_free; ex must outlive the run. */
struct examrun *examrun_restore(const struct exam *ex, const struct store_sitting *s,
                                int64_t (*clock)(void *ctx), void *clock_ctx);
/* A sitting kept on a class server as the learner's program holds it: ex is the
 * server's questions in the order shown, their options in the order shown and without
 * keys; every item is one question in that order with its options unshuffled. s gives
 * the clock (started, deadline on the local clock); remote takes every answer, flag and
 * the submission. Caller frees with examrun_free; ex and remote must outlive the run. */
struct examrun *examrun_remote_new(const struct exam *ex, const struct store_sitting *s,
                                   const struct examrun_remote *remote);
/* Why the last call that failed on a store or a server error failed. Never NULL. */
const char *examrun_errmsg(const struct examrun *r);

/* Frees a run (an open sitting stays open in the store); accepts NULL. */
void examrun_free(struct examrun *r);

/* The current time on the run's clock. */
int64_t examrun_now(const struct examrun *r);
/* Seconds left (0 when the time is up). */
int64_t examrun_remaining(const struct examrun *r);
/* Submits the sitting if its time is up. Returns 1 when the sitting is submitted (now
 * or before), 0 while open, -1 on a store error. */
int examrun_tick(struct examrun *r);

/* Records the answer to item i typed as `input` in the shown letters ("b", "a c", "ac")
 * or as text; empty input clears it. Returns 0; -1 with an allocated *cause when the input
 * is not a valid answer (nothing changes); -2 on a store error; 1 when the time was up
 * (the answer is not recorded and the sitting is now submitted). */
int examrun_answer(struct examrun *r, size_t i, const char *input, char **cause);
/* Sets or clears the review flag of item i. Returns 0, or -2 on a store error. */
int examrun_flag(struct examrun *r, size_t i, int flagged);
/* How many items have no answer. */
size_t examrun_unanswered(const struct examrun *r);

/* Scores and records the sitting; does nothing when already submitted. Returns 0, or -1
 * on a store error (the scores are still computed). */
int examrun_submit(struct examrun *r);

/* The fraction (0..1) of a question's points that a canonical answer earns: single and
 * exact/pattern all or nothing; multiple (right picks - wrong picks) / right options,
 * never below 0. NULL earns 0. */
double examrun_score_answer(const struct exam_question *q, const char *answer);
/* Turns input into a canonical answer for item it. Returns an allocated string (caller
 * frees; "" for empty input) or NULL with an allocated *cause. */
char *examrun_parse(const struct examrun_item *it, const char *input, char **cause);
/* Writes canonical letters as the item's shown letters, sorted ("" when NULL). */
void examrun_shown(const struct examrun_item *it, const char *canonical, char *buf,
                   size_t size);
/* Points earned and available in topic (all questions when topic is NULL). */
void examrun_topic(const struct examrun *r, const char *topic, double *earned, double *max);

/* Text shared by the plain mode and the exam screen. */
/* m:ss (or h:mm:ss) for s seconds. */
void examrun_format_clock(char *buf, size_t size, int64_t s);
/* How to answer a question type ("single choice: one letter"). */
const char *examrun_how(enum exam_qtype t);
/* "right", "partly right", "wrong" or "unanswered", once submitted. */
const char *examrun_mark(const struct examrun_item *it);
/* Appends item i's text and its options in shown order ("  a) ...") to out. */
void examrun_format_question(const struct examrun *r, size_t i, struct sb *out);
/* Appends the result (score, pass or fail, points per topic) and the review of every
 * question (answer given, right answer, explanation) of a submitted run to out. */
void examrun_format_result(const struct examrun *r, struct sb *out);

#endif
