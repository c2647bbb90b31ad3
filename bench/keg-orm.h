/* keg-orm.h -- what the two C programs of bench/keg-orm.sh share with each other and,
 * by the same arithmetic, with bench/keg_orm_django.py: the data set (10,000 rows from
 * one seed), the arguments of each operation, the checksums that prove all three read
 * the same rows, the clock and the report. Prefix kob_ (keg ORM bench). */
#ifndef KEG_ORM_H
#define KEG_ORM_H

#include <stddef.h>

#define KOB_SEED 20240613ULL
#define KOB_PARENTS 1000            /* bench_author rows */
#define KOB_CHILDREN 9000           /* bench_book rows, each with a random author */
#define KOB_GETS 2000               /* book by pk, per run */
#define KOB_FILTERS 100             /* 100-row queries, per run */
#define KOB_PREFETCHES 30           /* 50 authors and their books, per run */
#define KOB_PAGE 100                /* rows of a filtered query */
#define KOB_BATCH 50                /* authors of a prefetch */
#define KOB_EPOCH 1262304000LL      /* 2010-01-01 00:00:00 UTC */
#define KOB_SPAN (15LL * 365 * 86400)
#define KOB_STR 32                  /* room for a generated name or title */

struct kob_author_row {
    char name[KOB_STR];
    long long rank, joined;
};

struct kob_book_row {
    long long author_id;
    char title[KOB_STR];
    long long pages, published;
};

/* A measured operation: run(ctx, &sum) does one timed run of it (setup it needs but
 * that is not the operation itself is done outside the clock by the run function,
 * which then returns the seconds the operation took in *secs). Returns 0, or a negative
 * status with a reason the program prints. */
struct kob_op {
    const char *name;
    long count;                     /* operations in one run */
    int lab;                        /* the keg lab it needs (0: none) */
    int (*run)(void *ctx, double *secs, unsigned long long *sum);
};

/* Fills the KOB_PARENTS authors and KOB_CHILDREN books (1-based ids in order). */
void kob_data(struct kob_author_row *authors, struct kob_book_row *books);
/* n arguments of stream `stream` (1: get, 2: filter, 3: prefetch), each
 * base + r % mod. */
void kob_args(unsigned stream, long long *out, size_t n, long long base, long long mod);
/* The checksum terms of one object, the same in the Python script. */
unsigned long long kob_author_sum(long long id, const char *name, long long rank,
                                  long long joined);
unsigned long long kob_book_sum(long long id, long long author_id, const char *title,
                                long long pages, long long published);
/* The CPU seconds this process has used: the machine is shared, and CPU time is what an
 * ORM costs (the insert's fsync at COMMIT is not in it, for none of the three). */
double kob_now(void);
/* Formats t (UTC, years 1970..9999) as "YYYY-MM-DD HH:MM:SS" into out. */
void kob_datetime_format(long long t, char out[20]);
/* Parses "YYYY-MM-DD HH:MM:SS[.ffffff]"; 0, or -1 when malformed. */
int kob_datetime_parse(const char *s, long long *t);
/* Runs each op once to warm up and then `reps` times, printing one line per op:
 *   NAME MICROSECONDS-PER-OP CHECKSUM      (the best run)
 *   NAME n/a REASON                         (when an op failed; reason(ctx, op) says
 *                                            why)
 * skip(op) returns a reason not to run it at all, or NULL. */
void kob_report(const struct kob_op *ops, size_t nops, void *ctx, int reps,
                const char *(*skip)(const struct kob_op *op),
                const char *(*reason)(void *ctx, const struct kob_op *op));

#endif
