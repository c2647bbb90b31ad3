/* keg-orm-keg.c -- the benchmark's keg side: the work of bench/keg-orm.sh done through
 * keg's ORM (labs/keg/ref, markers dropped) as an app writes it: model descriptors,
 * keg_save per row in one transaction, keg_get by pk, a query set built and fetched per
 * query, prefetch_related of the reverse set.
 *   keg-orm-keg FOLDER [REPS]   prints one line per operation (see kob_report).
 * keg is being written lab by lab: bench/keg-orm.sh defines KOB_LAB14 .. KOB_LAB17 to 1
 * for each lab whose functions the reference defines (nm), and an operation whose lab
 * is missing is reported as n/a instead of failing the build. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "keg.h"
#include "keg-orm.h"

#ifndef KOB_LAB14
#define KOB_LAB14 0     /* models: create_table, save, get */
#endif
#ifndef KOB_LAB15
#define KOB_LAB15 0     /* query sets: filter, order_by, slice, fetch */
#endif
#ifndef KOB_LAB16
#define KOB_LAB16 0     /* relations: prefetch_related, related_fetch */
#endif
#ifndef KOB_LAB17
#define KOB_LAB17 0     /* transactions: atomic (else BEGIN and COMMIT by hand) */
#endif

struct kg_author {
    keg_obj obj;
    long long id;
    char *name;
    long long rank;
    long long joined;
};

struct kg_book {
    keg_obj obj;
    long long id;
    long long author_id;
    char *title;
    long long pages;
    long long published;
};

static const keg_field kg_author_fields[] = {
    KEG_FIELD(struct kg_author, id, KEG_AUTO),
    KEG_FIELD(struct kg_author, name, KEG_CHAR, .max_length = 100),
    KEG_FIELD(struct kg_author, rank, KEG_INTEGER),
    KEG_FIELD(struct kg_author, joined, KEG_DATETIME),
};
static const keg_model bench_author = KEG_MODEL(bench, author, struct kg_author,
                                                kg_author_fields);

static const keg_field kg_book_fields[] = {
    KEG_FIELD(struct kg_book, id, KEG_AUTO),
    KEG_FK_FIELD(struct kg_book, author, bench_author, KEG_CASCADE),
    KEG_FIELD(struct kg_book, title, KEG_CHAR, .max_length = 100),
    KEG_FIELD(struct kg_book, pages, KEG_INTEGER),
    KEG_FIELD(struct kg_book, published, KEG_DATETIME),
};
static const keg_model bench_book = KEG_MODEL(bench, book, struct kg_book, kg_book_fields);

struct kg_bench {
    const char *dir;
    int round;                      /* databases made so far (one per insert run) */
    keg_db *db;
    char err[512];                  /* why the last keg_db_open failed, or "" */
    char why[600];                  /* kg_reason's answer */
    struct kob_author_row authors[KOB_PARENTS];
    struct kob_book_row books[KOB_CHILDREN];
    long long gets[KOB_GETS], filters[KOB_FILTERS], prefetches[KOB_PREFETCHES];
};

static unsigned long long kg_book_sum(const struct kg_book *k)
{
    return kob_book_sum(k->id, k->author_id, k->title != NULL ? k->title : "", k->pages,
                        k->published);
}


#if KOB_LAB14
/* A new database file with both tables (and the foreign key's index), as b->db. */
static int kg_fresh(struct kg_bench *b)
{
    char path[4096], *err = NULL;
    keg_db_close(b->db);
    snprintf(path, sizeof path, "%s/keg-%d.db", b->dir, b->round++);
    b->db = keg_db_open(path, &err);
    if (b->db == NULL) {
        snprintf(b->err, sizeof b->err, "%s", err != NULL ? err : "out of memory");
        free(err);
        return KEG_ERROR;
    }
    int status = keg_create_table(b->db, &bench_author);
    return status < 0 ? status : keg_create_table(b->db, &bench_book);
}

/* One transaction: keg_atomic when lab 17 is there, else BEGIN IMMEDIATE as it runs. */
static int kg_begin(keg_db *db)
{
#if KOB_LAB17
    return keg_atomic_begin(db);
#else
    return keg_db_exec(db, "BEGIN IMMEDIATE", NULL, 0);
#endif
}

static int kg_commit(keg_db *db)
{
#if KOB_LAB17
    return keg_atomic_commit(db);
#else
    return keg_db_exec(db, "COMMIT", NULL, 0);
#endif
}

/* Saves every author then every book, one new object each (Django's create()). */
static int kg_insert_rows(struct kg_bench *b, unsigned long long *sum)
{
    int status = KEG_OK;
    for (int i = 0; status >= 0 && i < KOB_PARENTS; i++) {
        const struct kob_author_row *row = &b->authors[i];
        struct kg_author a = { 0 };
        status = keg_obj_init(&a, &bench_author);
        if (status >= 0)
            status = keg_obj_set_text(&a, "name", row->name);
        a.rank = row->rank;
        a.joined = row->joined;
        if (status >= 0)
            status = keg_save(b->db, &a);
        *sum += (unsigned long long)a.id;
        keg_obj_clear(&a);
    }
    for (int i = 0; status >= 0 && i < KOB_CHILDREN; i++) {
        const struct kob_book_row *row = &b->books[i];
        struct kg_book k = { 0 };
        status = keg_obj_init(&k, &bench_book);
        k.author_id = row->author_id;
        if (status >= 0)
            status = keg_obj_set_text(&k, "title", row->title);
        k.pages = row->pages;
        k.published = row->published;
        if (status >= 0)
            status = keg_save(b->db, &k);
        *sum += (unsigned long long)k.id;
        keg_obj_clear(&k);
    }
    return status;
}

static int kg_insert(void *ctx, double *secs, unsigned long long *sum)
{
    struct kg_bench *b = ctx;
    int status = kg_fresh(b);
    if (status < 0)
        return status;
    double t0 = kob_now();
    status = kg_begin(b->db);
    if (status >= 0)
        status = kg_insert_rows(b, sum);
    if (status >= 0)
        status = kg_commit(b->db);
    *secs = kob_now() - t0;
    return status;
}

static int kg_get(void *ctx, double *secs, unsigned long long *sum)
{
    struct kg_bench *b = ctx;
    struct kg_book k = { 0 };
    int status = keg_obj_init(&k, &bench_book);
    double t0 = kob_now();
    for (int i = 0; status >= 0 && i < KOB_GETS; i++) {
        status = keg_get(b->db, &bench_book, b->gets[i], &k);
        *sum += kg_book_sum(&k);
    }
    *secs = kob_now() - t0;
    keg_obj_clear(&k);
    return status;
}
#endif

#if KOB_LAB15
/* Frees the intermediate query sets of a chain and returns the last one. */
static keg_qs *kg_chain(keg_qs *steps[], size_t n)
{
    for (size_t i = 0; i + 1 < n; i++)
        keg_qs_free(steps[i]);
    return steps[n - 1];
}

/* Book.objects.filter(pages__gte=p).order_by("-id")[:100], built and fetched. */
static int kg_filter(void *ctx, double *secs, unsigned long long *sum)
{
    struct kg_bench *b = ctx;
    int status = KEG_OK;
    double t0 = kob_now();
    for (int i = 0; status >= 0 && i < KOB_FILTERS; i++) {
        keg_qs *s[4];
        s[0] = keg_qs_all(&bench_book);
        s[1] = keg_qs_filter(s[0], "pages__gte", keg_int(b->filters[i]));
        s[2] = keg_qs_order_by(s[1], "-id");
        s[3] = keg_qs_slice(s[2], 0, KOB_PAGE);
        keg_qs *qs = kg_chain(s, 4);
        keg_list l = { 0 };
        status = qs != NULL ? keg_qs_fetch(b->db, qs, &l) : KEG_ENOMEM;
        for (size_t j = 0; status >= 0 && j < l.len; j++)
            *sum += kg_book_sum(l.items[j]);
        keg_list_free(&l);
        keg_qs_free(qs);
    }
    *secs = kob_now() - t0;
    return status;
}
#endif

#if KOB_LAB15 && KOB_LAB16
static unsigned long long kg_author_sum(const struct kg_author *a)
{
    return kob_author_sum(a->id, a->name != NULL ? a->name : "", a->rank, a->joined);
}

/* The books of author a, from the prefetch cache. */
static int kg_books_of(struct kg_bench *b, struct kg_author *a, unsigned long long *sum)
{
    const keg_list *books = NULL;
    int status = keg_related_fetch(b->db, a, "book_set", &books);
    for (size_t j = 0; status >= 0 && j < books->len; j++)
        *sum += kg_book_sum(books->items[j]);
    return status;
}

/* Author.objects.filter(id__gte=from).order_by("id")[:50].prefetch_related("book_set"). */
static int kg_prefetch(void *ctx, double *secs, unsigned long long *sum)
{
    struct kg_bench *b = ctx;
    int status = KEG_OK;
    double t0 = kob_now();
    for (int i = 0; status >= 0 && i < KOB_PREFETCHES; i++) {
        keg_qs *s[5];
        s[0] = keg_qs_all(&bench_author);
        s[1] = keg_qs_filter(s[0], "id__gte", keg_int(b->prefetches[i]));
        s[2] = keg_qs_order_by(s[1], "id");
        s[3] = keg_qs_slice(s[2], 0, KOB_BATCH);
        s[4] = keg_qs_prefetch_related(s[3], "book_set");
        keg_qs *qs = kg_chain(s, 5);
        keg_list l = { 0 };
        status = qs != NULL ? keg_qs_fetch(b->db, qs, &l) : KEG_ENOMEM;
        for (size_t j = 0; status >= 0 && j < l.len; j++) {
            *sum += kg_author_sum(l.items[j]);
            status = kg_books_of(b, l.items[j], sum);
        }
        keg_list_free(&l);
        keg_qs_free(qs);
    }
    *secs = kob_now() - t0;
    return status;
}
#endif

#if !(KOB_LAB14 && KOB_LAB15 && KOB_LAB16)
/* An operation whose lab the reference lacks: the build left it out (kg_skip says so
 * before it could run). */
static int kg_missing(void *ctx, double *secs, unsigned long long *sum)
{
    (void)ctx;
    (void)secs;
    (void)sum;
    return KEG_ERROR;
}
#endif

#if !KOB_LAB14
#define kg_insert kg_missing
#define kg_get kg_missing
#endif
#if !KOB_LAB15
#define kg_filter kg_missing
#endif
#if !(KOB_LAB15 && KOB_LAB16)
#define kg_prefetch kg_missing
#endif

/* The labs each operation needs, as the KOB_LABnn flags of this build. */
static const struct { int lab, present; } kg_labs[] = {
    { 14, KOB_LAB14 }, { 15, KOB_LAB15 }, { 16, KOB_LAB16 },
};

static const struct kob_op kg_ops[] = {
    { "insert", KOB_PARENTS + KOB_CHILDREN, 14, kg_insert },
    { "get", KOB_GETS, 14, kg_get },
    { "filter", KOB_FILTERS, 15, kg_filter },
    { "prefetch", KOB_PREFETCHES, 16, kg_prefetch },
};

/* "(lab NN not written yet)" for an op that needs a missing lab (lab 16 needs 15 and
 * 14 too, and so on down), else NULL. */
static const char *kg_skip(const struct kob_op *op)
{
    static char why[64];
    for (size_t i = 0; i < sizeof kg_labs / sizeof kg_labs[0]; i++)
        if (kg_labs[i].lab <= op->lab && !kg_labs[i].present) {
            snprintf(why, sizeof why, "(lab %d not written yet)", kg_labs[i].lab);
            return why;
        }
    return NULL;
}

static const char *kg_reason(void *ctx, const struct kob_op *op)
{
    struct kg_bench *b = ctx;
    snprintf(b->why, sizeof b->why, "(lab %d: %s)", op->lab, b->err[0] != '\0' ? b->err
             : b->db != NULL ? keg_db_error(b->db) : "no database");
    b->err[0] = '\0';
    return b->why;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: keg-orm-keg FOLDER [REPS]\n");
        return 2;
    }
    struct kg_bench *b = calloc(1, sizeof *b);
    if (b == NULL)
        return 1;
    b->dir = argv[1];
    int reps = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 3;
#if KOB_LAB14
    if (keg_register(&bench_author) < 0 || keg_register(&bench_book) < 0) {
        fprintf(stderr, "keg-orm-keg: cannot register the models\n");
        return 1;
    }
#endif
    kob_data(b->authors, b->books);
    kob_args(1, b->gets, KOB_GETS, 1, KOB_CHILDREN);
    kob_args(2, b->filters, KOB_FILTERS, 100, 700);
    kob_args(3, b->prefetches, KOB_PREFETCHES, 1, KOB_PARENTS - KOB_BATCH + 1);
    kob_report(kg_ops, sizeof kg_ops / sizeof kg_ops[0], b, reps > 0 ? reps : 1, kg_skip,
               kg_reason);
    keg_db_close(b->db);
    free(b);
    return 0;
}
