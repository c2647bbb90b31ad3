/* keg-orm-c.c -- the benchmark's hand-written side: the work of bench/keg-orm.sh done on
 * sqlite3 directly, as a careful C programmer writes it -- each statement prepared once
 * per connection and reused (bind, step, reset), rows copied into plain structs,
 * datetimes formatted and parsed by hand. The connection is set up as keg's (foreign
 * keys on, WAL, a busy timeout) on the same schema keg and Django create.
 *   keg-orm-c FOLDER [REPS]   prints one line per operation (see kob_report). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "keg-orm.h"

struct c_author {
    long long id;
    char name[101];
    long long rank, joined;
    long first;                     /* its first book in c_bench.children, or -1 */
};

struct c_book {
    long long id, author_id;
    char title[101];
    long long pages, published;
    long next;                      /* in a prefetch: the author's next book, or -1 */
};

/* The statements of one connection, prepared on first use. */
enum c_stmt { C_INS_AUTHOR, C_INS_BOOK, C_GET_BOOK, C_FILTER, C_PARENTS, C_CHILDREN, C_NSTMT };

#define C_BOOK_COLS "\"id\", \"author_id\", \"title\", \"pages\", \"published\""
#define C_IN50 "?, ?, ?, ?, ?, ?, ?, ?, ?, ?"

static const char *const c_sql[C_NSTMT] = {
    [C_INS_AUTHOR] = "INSERT INTO \"bench_author\" (\"name\", \"rank\", \"joined\") "
                     "VALUES (?, ?, ?)",
    [C_INS_BOOK] = "INSERT INTO \"bench_book\" (\"author_id\", \"title\", \"pages\", "
                   "\"published\") VALUES (?, ?, ?, ?)",
    [C_GET_BOOK] = "SELECT " C_BOOK_COLS " FROM \"bench_book\" WHERE \"id\" = ?",
    [C_FILTER] = "SELECT " C_BOOK_COLS " FROM \"bench_book\" WHERE \"pages\" >= ? "
                 "ORDER BY \"id\" DESC LIMIT 100",
    [C_PARENTS] = "SELECT \"id\", \"name\", \"rank\", \"joined\" FROM \"bench_author\" "
                  "WHERE \"id\" >= ? ORDER BY \"id\" ASC LIMIT 50",
    [C_CHILDREN] = "SELECT " C_BOOK_COLS " FROM \"bench_book\" WHERE \"author_id\" IN ("
                   C_IN50 ", " C_IN50 ", " C_IN50 ", " C_IN50 ", " C_IN50 ")",
};

static const char *const c_schema[] = {
    "PRAGMA foreign_keys = ON",
    "PRAGMA journal_mode = WAL",
    "CREATE TABLE \"bench_author\" (\"id\" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "
    "\"name\" varchar(100) NOT NULL, \"rank\" integer NOT NULL, \"joined\" datetime NOT NULL)",
    "CREATE TABLE \"bench_book\" (\"id\" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "
    "\"author_id\" bigint NOT NULL REFERENCES \"bench_author\" (\"id\") DEFERRABLE "
    "INITIALLY DEFERRED, \"title\" varchar(100) NOT NULL, \"pages\" integer NOT NULL, "
    "\"published\" datetime NOT NULL)",
    "CREATE INDEX \"bench_book_author_id\" ON \"bench_book\" (\"author_id\")",
};

struct c_bench {
    const char *dir;
    int round;                      /* databases made so far (one per insert run) */
    sqlite3 *db;
    sqlite3_stmt *st[C_NSTMT];
    struct kob_author_row authors[KOB_PARENTS];
    struct kob_book_row books[KOB_CHILDREN];
    long long gets[KOB_GETS], filters[KOB_FILTERS], prefetches[KOB_PREFETCHES];
    struct c_book page[KOB_PAGE];
    struct c_author parents[KOB_BATCH];
    struct c_book *children;        /* grows as needed */
    size_t nchildren, capchildren;
};

static void c_close(struct c_bench *b)
{
    for (int i = 0; i < C_NSTMT; i++) {
        sqlite3_finalize(b->st[i]);
        b->st[i] = NULL;
    }
    sqlite3_close_v2(b->db);
    b->db = NULL;
}

/* The statement k, reset and ready to bind; NULL when it cannot be prepared. */
static sqlite3_stmt *c_stmt(struct c_bench *b, enum c_stmt k)
{
    if (b->st[k] == NULL && sqlite3_prepare_v3(b->db, c_sql[k], -1,
                                               SQLITE_PREPARE_PERSISTENT, &b->st[k], NULL))
        return NULL;
    return b->st[k];
}

/* A new database file with the schema, as b->db. */
static int c_fresh(struct c_bench *b)
{
    char path[4096];
    c_close(b);
    snprintf(path, sizeof path, "%s/c-%d.db", b->dir, b->round++);
    if (sqlite3_open_v2(path, &b->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL)
        || sqlite3_busy_timeout(b->db, 5000))
        return -1;
    for (size_t i = 0; i < sizeof c_schema / sizeof c_schema[0]; i++)
        if (sqlite3_exec(b->db, c_schema[i], NULL, NULL, NULL) != SQLITE_OK)
            return -1;
    return 0;
}

/* Steps an INSERT to its end and readies it for the next row. */
static int c_insert_step(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

static int c_insert(void *ctx, double *secs, unsigned long long *sum)
{
    struct c_bench *b = ctx;
    char when[20];
    if (c_fresh(b) < 0)
        return -1;
    double t0 = kob_now();
    sqlite3_stmt *ia = c_stmt(b, C_INS_AUTHOR), *ib = c_stmt(b, C_INS_BOOK);
    if (ia == NULL || ib == NULL || sqlite3_exec(b->db, "BEGIN IMMEDIATE", NULL, NULL, NULL))
        return -1;
    for (int i = 0; i < KOB_PARENTS; i++) {
        const struct kob_author_row *a = &b->authors[i];
        kob_datetime_format(a->joined, when);
        sqlite3_bind_text(ia, 1, a->name, -1, SQLITE_STATIC);
        sqlite3_bind_int64(ia, 2, a->rank);
        sqlite3_bind_text(ia, 3, when, 19, SQLITE_STATIC);
        if (c_insert_step(ia) < 0)
            return -1;
        *sum += (unsigned long long)sqlite3_last_insert_rowid(b->db);
    }
    for (int i = 0; i < KOB_CHILDREN; i++) {
        const struct kob_book_row *k = &b->books[i];
        kob_datetime_format(k->published, when);
        sqlite3_bind_int64(ib, 1, k->author_id);
        sqlite3_bind_text(ib, 2, k->title, -1, SQLITE_STATIC);
        sqlite3_bind_int64(ib, 3, k->pages);
        sqlite3_bind_text(ib, 4, when, 19, SQLITE_STATIC);
        if (c_insert_step(ib) < 0)
            return -1;
        *sum += (unsigned long long)sqlite3_last_insert_rowid(b->db);
    }
    if (sqlite3_exec(b->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        return -1;
    *secs = kob_now() - t0;
    return 0;
}

/* Copies the current row of a C_BOOK_COLS statement into k. */
static int c_book_load(sqlite3_stmt *st, struct c_book *k)
{
    const char *title = (const char *)sqlite3_column_text(st, 2);
    const char *when = (const char *)sqlite3_column_text(st, 4);
    size_t n = title != NULL ? (size_t)sqlite3_column_bytes(st, 2) : 0;
    if (title == NULL || n >= sizeof k->title)
        return -1;
    k->id = sqlite3_column_int64(st, 0);
    k->author_id = sqlite3_column_int64(st, 1);
    memcpy(k->title, title, n + 1);
    k->pages = sqlite3_column_int64(st, 3);
    return kob_datetime_parse(when, &k->published);
}

static unsigned long long c_book_sum(const struct c_book *k)
{
    return kob_book_sum(k->id, k->author_id, k->title, k->pages, k->published);
}

static int c_get(void *ctx, double *secs, unsigned long long *sum)
{
    struct c_bench *b = ctx;
    struct c_book k;
    double t0 = kob_now();
    sqlite3_stmt *st = c_stmt(b, C_GET_BOOK);
    for (int i = 0; st != NULL && i < KOB_GETS; i++) {
        sqlite3_bind_int64(st, 1, b->gets[i]);
        int ok = sqlite3_step(st) == SQLITE_ROW && c_book_load(st, &k) == 0;
        sqlite3_reset(st);
        if (!ok)
            return -1;
        *sum += c_book_sum(&k);
    }
    *secs = kob_now() - t0;
    return st != NULL ? 0 : -1;
}

static int c_filter(void *ctx, double *secs, unsigned long long *sum)
{
    struct c_bench *b = ctx;
    double t0 = kob_now();
    sqlite3_stmt *st = c_stmt(b, C_FILTER);
    for (int i = 0; st != NULL && i < KOB_FILTERS; i++) {
        int n = 0, bad = 0, rc;
        sqlite3_bind_int64(st, 1, b->filters[i]);
        while ((rc = sqlite3_step(st)) == SQLITE_ROW && !bad)
            bad = n == KOB_PAGE || c_book_load(st, &b->page[n++]) < 0;
        sqlite3_reset(st);
        if (rc != SQLITE_DONE || bad)
            return -1;
        for (int j = 0; j < n; j++)
            *sum += c_book_sum(&b->page[j]);
    }
    *secs = kob_now() - t0;
    return st != NULL ? 0 : -1;
}

/* Appends a book to b->children. */
static struct c_book *c_child_slot(struct c_bench *b)
{
    if (b->nchildren == b->capchildren) {
        size_t cap = b->capchildren ? 2 * b->capchildren : 256;
        struct c_book *p = realloc(b->children, cap * sizeof *p);
        if (p == NULL)
            return NULL;
        b->children = p;
        b->capchildren = cap;
    }
    return &b->children[b->nchildren++];
}

/* The index of the parent with that id (parents are in id order), or -1. */
static int c_parent_of(const struct c_bench *b, int n, long long id)
{
    int lo = 0, hi = n - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        if (b->parents[mid].id == id)
            return mid;
        if (b->parents[mid].id < id)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -1;
}

/* One prefetch: the 50 authors from id `from`, then their books in one IN query, each
 * book linked to its author; adds the checksum of what was read, author by author. */
static int c_prefetch_one(struct c_bench *b, long long from, unsigned long long *sum)
{
    sqlite3_stmt *ps = c_stmt(b, C_PARENTS), *cs = c_stmt(b, C_CHILDREN);
    int n = 0, bad = 0;
    if (ps == NULL || cs == NULL)
        return -1;
    sqlite3_bind_int64(ps, 1, from);
    while (!bad && sqlite3_step(ps) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(ps, 1);
        size_t len = name != NULL ? (size_t)sqlite3_column_bytes(ps, 1) : 0;
        struct c_author *a = &b->parents[n];
        if (n == KOB_BATCH || name == NULL || len >= sizeof a->name) {
            bad = 1;
            break;
        }
        n++;
        a->id = sqlite3_column_int64(ps, 0);
        memcpy(a->name, name, len + 1);
        a->rank = sqlite3_column_int64(ps, 2);
        a->first = -1;
        bad = kob_datetime_parse((const char *)sqlite3_column_text(ps, 3), &a->joined) < 0;
    }
    bad = sqlite3_reset(ps) != SQLITE_OK || bad;
    for (int i = 0; i < KOB_BATCH; i++) {
        if (i < n)
            sqlite3_bind_int64(cs, i + 1, b->parents[i].id);
        else
            sqlite3_bind_null(cs, i + 1);
    }
    b->nchildren = 0;
    while (!bad && sqlite3_step(cs) == SQLITE_ROW) {
        struct c_book *k = c_child_slot(b);
        int p = k != NULL && c_book_load(cs, k) == 0 ? c_parent_of(b, n, k->author_id) : -1;
        if (p < 0)
            bad = 1;
        else {
            k->next = b->parents[p].first;
            b->parents[p].first = (long)(b->nchildren - 1);
        }
    }
    bad = sqlite3_reset(cs) != SQLITE_OK || bad;
    for (int i = 0; !bad && i < n; i++) {
        const struct c_author *a = &b->parents[i];
        *sum += kob_author_sum(a->id, a->name, a->rank, a->joined);
        for (long j = a->first; j >= 0; j = b->children[j].next)
            *sum += c_book_sum(&b->children[j]);
    }
    return bad ? -1 : 0;
}

static int c_prefetch(void *ctx, double *secs, unsigned long long *sum)
{
    struct c_bench *b = ctx;
    double t0 = kob_now();
    for (int i = 0; i < KOB_PREFETCHES; i++)
        if (c_prefetch_one(b, b->prefetches[i], sum) < 0)
            return -1;
    *secs = kob_now() - t0;
    return 0;
}

static const char *c_reason(void *ctx, const struct kob_op *op)
{
    (void)op;
    struct c_bench *b = ctx;
    return b->db != NULL ? sqlite3_errmsg(b->db) : "cannot open the database";
}

static const struct kob_op c_ops[] = {
    { "insert", KOB_PARENTS + KOB_CHILDREN, 0, c_insert },
    { "get", KOB_GETS, 0, c_get },
    { "filter", KOB_FILTERS, 0, c_filter },
    { "prefetch", KOB_PREFETCHES, 0, c_prefetch },
};

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: keg-orm-c FOLDER [REPS]\n");
        return 2;
    }
    struct c_bench *b = calloc(1, sizeof *b);
    if (b == NULL)
        return 1;
    b->dir = argv[1];
    int reps = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 3;
    kob_data(b->authors, b->books);
    kob_args(1, b->gets, KOB_GETS, 1, KOB_CHILDREN);
    kob_args(2, b->filters, KOB_FILTERS, 100, 700);
    kob_args(3, b->prefetches, KOB_PREFETCHES, 1, KOB_PARENTS - KOB_BATCH + 1);
    kob_report(c_ops, sizeof c_ops / sizeof c_ops[0], b, reps > 0 ? reps : 1, NULL, c_reason);
    c_close(b);
    free(b->children);
    free(b);
    return 0;
}
