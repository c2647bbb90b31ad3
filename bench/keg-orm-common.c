/* keg-orm-common.c -- the data, arguments, checksums, clock and report that the keg
 * and hand-written C programs of bench/keg-orm.sh share (see keg-orm.h). The generator
 * is splitmix64, written the same way in keg_orm_django.py. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "keg-orm.h"

/* splitmix64: a 64-bit state, one output per call. */
static unsigned long long kob_next(unsigned long long *state)
{
    unsigned long long z = (*state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

void kob_data(struct kob_author_row *authors, struct kob_book_row *books)
{
    unsigned long long st = KOB_SEED;
    for (int i = 0; i < KOB_PARENTS; i++) {
        struct kob_author_row *a = &authors[i];
        snprintf(a->name, sizeof a->name, "author %d %llu", i + 1, kob_next(&st) % 1000000);
        a->rank = (long long)(kob_next(&st) % 1000);
        a->joined = KOB_EPOCH + (long long)(kob_next(&st) % KOB_SPAN);
    }
    for (int i = 0; i < KOB_CHILDREN; i++) {
        struct kob_book_row *b = &books[i];
        b->author_id = 1 + (long long)(kob_next(&st) % KOB_PARENTS);
        snprintf(b->title, sizeof b->title, "book %d %llu", i + 1, kob_next(&st) % 1000000);
        b->pages = 1 + (long long)(kob_next(&st) % 1000);
        b->published = KOB_EPOCH + (long long)(kob_next(&st) % KOB_SPAN);
    }
}

void kob_args(unsigned stream, long long *out, size_t n, long long base, long long mod)
{
    unsigned long long st = KOB_SEED + stream;
    for (size_t i = 0; i < n; i++)
        out[i] = base + (long long)(kob_next(&st) % (unsigned long long)mod);
}

unsigned long long kob_author_sum(long long id, const char *name, long long rank,
                                  long long joined)
{
    return (unsigned long long)(id + rank + joined % 1000) + strlen(name);
}

unsigned long long kob_book_sum(long long id, long long author_id, const char *title,
                                long long pages, long long published)
{
    return (unsigned long long)(id + author_id + pages + published % 1000) + strlen(title);
}

double kob_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Days since 1970-01-01 of a proleptic Gregorian date, and back (H. Hinnant's
 * algorithms, as a C programmer without timegm's locale troubles writes them). */
static long long kob_days(long long y, int m, int d)
{
    y -= m <= 2;
    long long era = (y >= 0 ? y : y - 399) / 400;
    long long yoe = y - era * 400;
    long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* Writes v (0 <= v < 10^n) as n digits at s. */
static void kob_put(char *s, long long v, int n)
{
    for (int i = n - 1; i >= 0; i--, v /= 10)
        s[i] = (char)('0' + v % 10);
}

void kob_datetime_format(long long t, char out[20])
{
    long long days = t / 86400, secs = t % 86400;
    long long z = days + 719468;
    long long era = z / 146097, doe = z - era * 146097;
    long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long long mp = (5 * doy + 2) / 153;
    int d = (int)(doy - (153 * mp + 2) / 5 + 1);
    int m = (int)(mp < 10 ? mp + 3 : mp - 9);
    long long y = yoe + era * 400 + (m <= 2);
    kob_put(out, y, 4);
    out[4] = '-';
    kob_put(out + 5, m, 2);
    out[7] = '-';
    kob_put(out + 8, d, 2);
    out[10] = ' ';
    kob_put(out + 11, secs / 3600, 2);
    out[13] = ':';
    kob_put(out + 14, secs / 60 % 60, 2);
    out[16] = ':';
    kob_put(out + 17, secs % 60, 2);
    out[19] = '\0';
}

/* The number of `n` digits at s, or -1. */
static int kob_digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

int kob_datetime_parse(const char *s, long long *t)
{
    if (s == NULL || strlen(s) < 19 || s[4] != '-' || s[7] != '-' || s[10] != ' '
        || s[13] != ':' || s[16] != ':' || (s[19] != '\0' && s[19] != '.'))
        return -1;
    int y = kob_digits(s, 4), mo = kob_digits(s + 5, 2), d = kob_digits(s + 8, 2);
    int h = kob_digits(s + 11, 2), mi = kob_digits(s + 14, 2), se = kob_digits(s + 17, 2);
    if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0
        || mi > 59 || se < 0 || se > 59)
        return -1;
    *t = kob_days(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
    return 0;
}

void kob_report(const struct kob_op *ops, size_t nops, void *ctx, int reps,
                const char *(*skip)(const struct kob_op *op),
                const char *(*reason)(void *ctx, const struct kob_op *op))
{
    for (size_t i = 0; i < nops; i++) {
        const struct kob_op *op = &ops[i];
        const char *why = skip != NULL ? skip(op) : NULL;
        double best = 0, secs = 0;     /* the best measured run (run 0 is left out) */
        unsigned long long sum = 0, first = 0;
        int status = 0;
        for (int r = 0; why == NULL && r <= reps; r++) {    /* run 0 warms up */
            sum = 0;
            status = op->run(ctx, &secs, &sum);
            if (status < 0)
                why = reason(ctx, op);
            else if (r > 0 && sum != first)
                why = "checksums differ between runs";
            if (r == 1 || secs < best)
                best = secs;
            first = sum;
        }
        if (why != NULL)
            printf("%s n/a %s\n", op->name, why);
        else
            printf("%s %.3f %llu\n", op->name, best / (double)op->count * 1e6, sum);
        fflush(stdout);
    }
}
