/* sqlcount.h -- for the drivers of labs on sqlite3: counts every statement SQLite runs in
 * this process, whoever prepared it, and notices statements left unfinalized at close.
 * It wraps sqlite3_open, sqlite3_open_v2, sqlite3_trace_v2, sqlite3_close and
 * sqlite3_close_v2 (the program's own definitions win over libsqlite3's at link time):
 * every connection gets a statement trace that counts, then calls the trace the learner's
 * code installed, if any. So the hidden tests never trust a counter the learner wrote.
 * BEGIN, COMMIT, END, ROLLBACK, SAVEPOINT and RELEASE are not counted; a statement a
 * trigger runs arrives as "-- ..." and is part of its parent. It also counts prepares
 * (sqlite3_prepare, _v2 and _v3, sqlite3_exec's own included: a statement cache shows as
 * few prepares) and watches the SQL text of every statement for a string the driver
 * names (a value that must only ever be bound never shows in SQL text). Include it
 * first, in one file only (it defines functions). */
#ifndef STACKLAB_SQLCOUNT_H
#define STACKLAB_SQLCOUNT_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE     /* RTLD_NEXT */
#endif
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sqlite3.h>

#define SQLCOUNT_CONNS 64

/* One connection seen opening: the trace the learner asked for, chained after ours. */
struct sqlcount_conn {
    sqlite3 *db;
    unsigned mask;
    int (*cb)(unsigned, void *, void *, void *);
    void *ctx;
};

#define SQLCOUNT_WATCH_MAX 256

static struct {
    long count;                 /* statements started since the last reset */
    long left_open;             /* statements found unfinalized at a close */
    long closes;                /* connections closed */
    long prepares;              /* sqlite3_prepare* calls since the last reset */
    char watch[SQLCOUNT_WATCH_MAX];     /* "" or a string to look for in SQL text */
    long watch_hits;            /* statements whose SQL text held it */
    struct sqlcount_conn conns[SQLCOUNT_CONNS];
} sqlcount;

/* The real function `name` of libsqlite3. */
static void *sqlcount_real(const char *name)
{
    void *f = dlsym(RTLD_NEXT, name);
    if (f == NULL)
        abort();
    return f;
}

/* 1 when sql starts with a transaction statement the counts leave out. */
static int sqlcount_is_txn(const char *sql)
{
    static const char *const words[] = { "BEGIN", "COMMIT", "END", "ROLLBACK", "SAVEPOINT",
                                         "RELEASE" };
    while (*sql == ' ' || *sql == '\t' || *sql == '\n' || *sql == '\r')
        sql++;
    size_t n = 0;
    while ((sql[n] >= 'A' && sql[n] <= 'Z') || (sql[n] >= 'a' && sql[n] <= 'z'))
        n++;
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strlen(words[i]) == n && strncasecmp(sql, words[i], n) == 0)
            return 1;
    return 0;
}

static struct sqlcount_conn *sqlcount_find(sqlite3 *db)
{
    for (size_t i = 0; i < SQLCOUNT_CONNS; i++)
        if (sqlcount.conns[i].db == db)
            return &sqlcount.conns[i];
    return NULL;
}

/* Our trace: counts, then hands the event to the learner's trace when it asked for it. */
static int sqlcount_trace(unsigned type, void *ctx, void *p, void *x)
{
    struct sqlcount_conn *c = ctx;
    const char *sql = x;
    if (type == SQLITE_TRACE_STMT && sql != NULL && strncmp(sql, "--", 2) != 0
        && !sqlcount_is_txn(sql))
        sqlcount.count++;
    /* The text as prepared (sqlite3_sql), before any parameter is filled in. */
    const char *text = type == SQLITE_TRACE_STMT && p != NULL ? sqlite3_sql(p) : NULL;
    if (text != NULL && sqlcount.watch[0] != '\0' && strstr(text, sqlcount.watch) != NULL)
        sqlcount.watch_hits++;
    if (c->cb != NULL && (c->mask & type) != 0)
        return c->cb(type, c->ctx, p, x);
    return 0;
}

/* Installs our trace on a new connection, with the mask the learner's trace needs. */
static void sqlcount_attach(sqlite3 *db)
{
    struct sqlcount_conn *c = sqlcount_find(NULL);
    if (db == NULL || c == NULL)
        return;
    *c = (struct sqlcount_conn){ .db = db };
    int (*real)(sqlite3 *, unsigned, int (*)(unsigned, void *, void *, void *), void *) =
        sqlcount_real("sqlite3_trace_v2");
    real(db, SQLITE_TRACE_STMT, sqlcount_trace, c);
}

int sqlite3_open_v2(const char *path, sqlite3 **db, int flags, const char *vfs)
{
    int (*real)(const char *, sqlite3 **, int, const char *) = sqlcount_real("sqlite3_open_v2");
    int rc = real(path, db, flags, vfs);
    if (*db != NULL)
        sqlcount_attach(*db);
    return rc;
}

int sqlite3_open(const char *path, sqlite3 **db)
{
    int (*real)(const char *, sqlite3 **) = sqlcount_real("sqlite3_open");
    int rc = real(path, db);
    if (*db != NULL)
        sqlcount_attach(*db);
    return rc;
}

int sqlite3_trace_v2(sqlite3 *db, unsigned mask,
                     int (*cb)(unsigned, void *, void *, void *), void *ctx)
{
    int (*real)(sqlite3 *, unsigned, int (*)(unsigned, void *, void *, void *), void *) =
        sqlcount_real("sqlite3_trace_v2");
    struct sqlcount_conn *c = sqlcount_find(db);
    if (c == NULL || db == NULL)
        return real(db, mask, cb, ctx);
    c->mask = cb != NULL ? mask : 0;
    c->cb = cb;
    c->ctx = ctx;
    return real(db, SQLITE_TRACE_STMT | c->mask, sqlcount_trace, c);
}

int sqlite3_prepare(sqlite3 *db, const char *sql, int n, sqlite3_stmt **st, const char **tail)
{
    int (*real)(sqlite3 *, const char *, int, sqlite3_stmt **, const char **) =
        sqlcount_real("sqlite3_prepare");
    sqlcount.prepares++;
    return real(db, sql, n, st, tail);
}

int sqlite3_prepare_v2(sqlite3 *db, const char *sql, int n, sqlite3_stmt **st,
                       const char **tail)
{
    int (*real)(sqlite3 *, const char *, int, sqlite3_stmt **, const char **) =
        sqlcount_real("sqlite3_prepare_v2");
    sqlcount.prepares++;
    return real(db, sql, n, st, tail);
}

int sqlite3_prepare_v3(sqlite3 *db, const char *sql, int n, unsigned flags,
                       sqlite3_stmt **st, const char **tail)
{
    int (*real)(sqlite3 *, const char *, int, unsigned, sqlite3_stmt **, const char **) =
        sqlcount_real("sqlite3_prepare_v3");
    sqlcount.prepares++;
    return real(db, sql, n, flags, st, tail);
}

/* Notes statements still prepared on db, then forgets the connection. */
static void sqlcount_closing(sqlite3 *db)
{
    if (db == NULL)
        return;
    for (sqlite3_stmt *st = sqlite3_next_stmt(db, NULL); st != NULL; st = sqlite3_next_stmt(db, st))
        sqlcount.left_open++;
    sqlcount.closes++;
    struct sqlcount_conn *c = sqlcount_find(db);
    if (c != NULL)
        c->db = NULL;
}

int sqlite3_close(sqlite3 *db)
{
    int (*real)(sqlite3 *) = sqlcount_real("sqlite3_close");
    sqlcount_closing(db);
    return real(db);
}

int sqlite3_close_v2(sqlite3 *db)
{
    int (*real)(sqlite3 *) = sqlcount_real("sqlite3_close_v2");
    sqlcount_closing(db);
    return real(db);
}

/* Statements counted since the last reset. */
static inline long sqlcount_get(void)
{
    return sqlcount.count;
}

/* Sets the statement and prepare counts to 0. */
static inline void sqlcount_reset(void)
{
    sqlcount.count = 0;
    sqlcount.prepares = 0;
}

/* Looks for `needle` (at most SQLCOUNT_WATCH_MAX - 1 bytes; "" or NULL: nothing) in the
 * SQL text of every later statement; the hits start again from 0. */
static inline void sqlcount_watch(const char *needle)
{
    size_t n = needle != NULL ? strlen(needle) : 0;
    if (n >= SQLCOUNT_WATCH_MAX)
        n = SQLCOUNT_WATCH_MAX - 1;
    memcpy(sqlcount.watch, needle != NULL ? needle : "", n);
    sqlcount.watch[n] = '\0';
    sqlcount.watch_hits = 0;
}

#endif
