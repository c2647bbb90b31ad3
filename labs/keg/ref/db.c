/* db.c -- keg's database core [lab 13]: one sqlite3 connection set up as Django sets up
 * SQLite, a cache of prepared statements, bound parameters only, a typed row reader,
 * SQLite's result codes mapped to keg statuses with the message kept, and a query
 * counter and log fed by sqlite3_trace_v2. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

/* ---- values [given] ------------------------------------------------------------------ */

keg_value keg_null(void)
{
    return (keg_value){ .type = KEG_NULL };
}

keg_value keg_int(long long i)
{
    return (keg_value){ .type = KEG_INT, .i = i };
}

keg_value keg_real(double r)
{
    return (keg_value){ .type = KEG_REAL, .r = r };
}

keg_value keg_text(const char *s)
{
    return s == NULL ? keg_null() : (keg_value){ .type = KEG_TEXT, .s = s, .len = strlen(s) };
}

keg_value keg_textn(const char *s, size_t len)
{
    return (keg_value){ .type = KEG_TEXT, .s = s, .len = len };
}

keg_value keg_blob(const void *p, size_t len)
{
    return (keg_value){ .type = KEG_BLOB, .s = p, .len = len };
}

keg_value keg_f(const char *field)
{
    return (keg_value){ .type = KEG_FEXPR, .s = field };
}

keg_value keg_f_add(const char *field, long long n)
{
    return (keg_value){ .type = KEG_FEXPR, .s = field, .i = n };
}

/* ---- errors ---------------------------------------------------------------------------- */

/* SQLite's primary result codes that keg tells apart; any other is KEG_ERROR. */
static const struct { int rc; int status; } keg_codes[] = {
    { SQLITE_CONSTRAINT, KEG_EINTEGRITY },
    { SQLITE_BUSY, KEG_EBUSY },
    { SQLITE_LOCKED, KEG_EBUSY },
    { SQLITE_NOMEM, KEG_ENOMEM },
    { SQLITE_RANGE, KEG_EINVALID },
};

int keg_status_of(int rc)
{
/* SOLUTION(13) BEGIN */
    if (rc == SQLITE_OK || rc == SQLITE_ROW || rc == SQLITE_DONE)
        return KEG_OK;
    for (size_t i = 0; i < sizeof keg_codes / sizeof keg_codes[0]; i++)
        if ((rc & 0xff) == keg_codes[i].rc)
            return keg_codes[i].status;
    return KEG_ERROR;
/* SOLUTION(13) STUB
    (void)keg_codes;
    return rc == SQLITE_OK ? KEG_OK : KEG_ERROR;
   SOLUTION(13) END */
}

/* Replaces db's message with a copy of msg. */
static void keg_set_error(keg_db *db, const char *msg)
{
    char *copy = strdup(msg);
    if (copy == NULL)
        return;                 /* keep the old message rather than none */
    free(db->errmsg);
    db->errmsg = copy;
}

int keg_db_fail(keg_db *db, int rc)
{
/* SOLUTION(13) BEGIN */
    keg_set_error(db, sqlite3_errmsg(db->sq));
    int status = keg_status_of(rc);
    return status == KEG_OK ? KEG_ERROR : status;
/* SOLUTION(13) STUB
    (void)rc;
    keg_set_error(db, "error");
    return KEG_ERROR;
   SOLUTION(13) END */
}

int keg_db_failf(keg_db *db, int status, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    keg_set_error(db, buf);
    return status;
}

const char *keg_db_error(const keg_db *db)
{
    return db->errmsg != NULL ? db->errmsg : "";
}

/* ---- counting and logging ------------------------------------------------------------ */

/* SOLUTION(13) BEGIN */
/* Statements that manage transactions, which the counter leaves out. */
static const char *const keg_txn_words[] = {
    "BEGIN", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE",
};

/* 1 when sql's first word is one of keg_txn_words. */
static int keg_is_txn(const char *sql)
{
    while (*sql == ' ' || *sql == '\t' || *sql == '\n' || *sql == '\r')
        sql++;
    size_t n = 0;
    while ((sql[n] >= 'A' && sql[n] <= 'Z') || (sql[n] >= 'a' && sql[n] <= 'z'))
        n++;
    for (size_t i = 0; i < sizeof keg_txn_words / sizeof keg_txn_words[0]; i++)
        if (strlen(keg_txn_words[i]) == n && strncasecmp(sql, keg_txn_words[i], n) == 0)
            return 1;
    return 0;
}

/* sqlite3_trace_v2's SQLITE_TRACE_STMT: called as each statement starts running. A
 * statement run by a trigger arrives as "-- ..." and is part of its parent. */
static int keg_trace(unsigned type, void *ctx, void *p, void *x)
{
    keg_db *db = ctx;
    const char *sql = x;
    if (type != SQLITE_TRACE_STMT || sql == NULL || strncmp(sql, "--", 2) == 0
        || keg_is_txn(sql))
        return 0;
    long slot = db->queries++ % KEG_LOG_MAX;
    free(db->log[slot]);
    db->log[slot] = NULL;
    if (db->logging) {
        char *full = sqlite3_expanded_sql(p);
        db->log[slot] = strdup(full != NULL ? full : sql);
        sqlite3_free(full);
    }
    return 0;
}
/* SOLUTION(13) END */

long keg_db_queries(const keg_db *db)
{
/* SOLUTION(13) BEGIN */
    return db->queries;
/* SOLUTION(13) STUB
    (void)db;
    return 0;
   SOLUTION(13) END */
}

const char *keg_db_query_sql(const keg_db *db, long i)
{
/* SOLUTION(13) BEGIN */
    if (i < 0 || i >= db->queries || i < db->queries - KEG_LOG_MAX)
        return NULL;
    return db->log[i % KEG_LOG_MAX];    /* NULL for a statement run with the log off */
/* SOLUTION(13) STUB
    (void)db;
    (void)i;
    return NULL;
   SOLUTION(13) END */
}

void keg_db_log(keg_db *db, int on)
{
    db->logging = on != 0;
}

void keg_db_queries_reset(keg_db *db)
{
    for (size_t i = 0; i < KEG_LOG_MAX; i++) {
        free(db->log[i]);
        db->log[i] = NULL;
    }
    db->queries = 0;
}

/* ---- opening and closing ------------------------------------------------------------- */

/* The setup Django's SQLite backend does on each new connection. */
static const char *const keg_pragmas[] = {
    "PRAGMA foreign_keys = ON",
    "PRAGMA journal_mode = WAL",
};

keg_db *keg_db_open(const char *path, char **err)
{
    if (err != NULL)
        *err = NULL;
    keg_db *db = calloc(1, sizeof *db);
    if (db == NULL) {
        if (err != NULL)
            *err = strdup("out of memory");
        return NULL;
    }
/* SOLUTION(13) BEGIN */
    int rc = sqlite3_open_v2(path, &db->sq, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
                             | SQLITE_OPEN_FULLMUTEX, NULL);
    /* The busy timeout first: switching to WAL needs a lock another opening connection
     * may hold for a moment. SQLite answers SQLITE_BUSY at once, without the timeout, when
     * waiting could deadlock (two connections switching together): try again, within the
     * same time. */
    if (rc == SQLITE_OK)
        rc = sqlite3_busy_timeout(db->sq, KEG_BUSY_TIMEOUT_MS);
    for (size_t i = 0; rc == SQLITE_OK && i < sizeof keg_pragmas / sizeof keg_pragmas[0]; i++)
        for (int waited = 0; (rc = sqlite3_exec(db->sq, keg_pragmas[i], NULL, NULL, NULL))
                             == SQLITE_BUSY && waited < KEG_BUSY_TIMEOUT_MS; waited += 10)
            sqlite3_sleep(10);
    if (rc == SQLITE_OK)
        rc = sqlite3_trace_v2(db->sq, SQLITE_TRACE_STMT, keg_trace, db);
    if (rc != SQLITE_OK) {
        if (err != NULL)
            *err = strdup(db->sq != NULL ? sqlite3_errmsg(db->sq) : "out of memory");
        sqlite3_close_v2(db->sq);
        free(db);
        return NULL;
    }
/* SOLUTION(13) STUB
    (void)path;
    (void)keg_pragmas;
    free(db);
    if (err != NULL)
        *err = strdup("keg_db_open is not written yet");
    return NULL;
   SOLUTION(13) END */
    return db;
}

void keg_db_close(keg_db *db)
{
    if (db == NULL)
        return;
/* SOLUTION(13) BEGIN */
    if (db->depth > 0 || !sqlite3_get_autocommit(db->sq))
        sqlite3_exec(db->sq, "ROLLBACK", NULL, NULL, NULL);
    for (size_t i = 0; i < db->ncache; i++) {
        sqlite3_finalize(db->cache[i].stmt);
        free(db->cache[i].sql);
    }
    sqlite3_close_v2(db->sq);
/* SOLUTION(13) END */
    keg_db_queries_reset(db);
    free(db->oncommit);
    free(db->errmsg);
    free(db);
}

struct sqlite3 *keg_db_handle(keg_db *db)
{
    return db->sq;
}

/* ---- statements ------------------------------------------------------------------------ */

/* SOLUTION(13) BEGIN */
/* Prepares sql on its own; 1 when text other than spaces and ';' follows it. */
static int keg_prepare(keg_db *db, const char *sql, sqlite3_stmt **st, int *trailing)
{
    const char *tail = NULL;
    int rc = sqlite3_prepare_v3(db->sq, sql, -1, SQLITE_PREPARE_PERSISTENT, st, &tail);
    *trailing = 0;
    for (; rc == SQLITE_OK && tail != NULL && *tail != '\0'; tail++)
        if (strchr(" \t\r\n;", *tail) == NULL)
            *trailing = 1;
    return rc;
}

/* The cache entry to fill: a free slot, else the least recently used idle entry
 * (finalized), else NULL (every entry busy). */
static struct keg_cached *keg_cache_slot(keg_db *db)
{
    if (db->ncache < KEG_CACHE_MAX)
        return &db->cache[db->ncache++];
    struct keg_cached *old = NULL;
    for (size_t i = 0; i < db->ncache; i++)
        if (!db->cache[i].busy && (old == NULL || db->cache[i].used < old->used))
            old = &db->cache[i];
    if (old != NULL) {
        sqlite3_finalize(old->stmt);
        free(old->sql);
        memset(old, 0, sizeof *old);
    }
    return old;
}
/* SOLUTION(13) END */

unsigned long keg_sql_hash(const char *sql)
{
    unsigned long h = 2166136261u;
    for (; *sql != '\0'; sql++)
        h = (h ^ (unsigned char)*sql) * 16777619u;
    return h;
}

sqlite3_stmt *keg_stmt_get(keg_db *db, const char *sql, struct keg_cached **entry,
                           int *status)
{
    *entry = NULL;
/* SOLUTION(13) BEGIN */
    unsigned long hash = keg_sql_hash(sql);
    for (size_t i = 0; i < db->ncache; i++) {
        struct keg_cached *c = &db->cache[i];
        if (!c->busy && c->hash == hash && strcmp(c->sql, sql) == 0) {
            c->busy = 1;
            c->used = ++db->tick;
            *entry = c;
            return c->stmt;
        }
    }
    sqlite3_stmt *st = NULL;
    int trailing;
    int rc = keg_prepare(db, sql, &st, &trailing);
    if (rc != SQLITE_OK || st == NULL || trailing) {
        sqlite3_finalize(st);
        *status = rc != SQLITE_OK ? keg_db_fail(db, rc)
                  : keg_db_failf(db, KEG_EINVALID, "not exactly one SQL statement: %.80s",
                                 sql);
        return NULL;
    }
    char *copy = strdup(sql);
    struct keg_cached *c = copy != NULL ? keg_cache_slot(db) : NULL;
    if (c == NULL)
        free(copy);     /* not cached: the caller finalizes it */
    else {
        *c = (struct keg_cached){ .sql = copy, .hash = hash, .stmt = st, .busy = 1,
                                  .used = ++db->tick };
        *entry = c;
    }
    return st;
/* SOLUTION(13) STUB
    (void)db;
    (void)sql;
    *status = KEG_ERROR;
    return NULL;
   SOLUTION(13) END */
}

void keg_stmt_release(keg_db *db, sqlite3_stmt *st, struct keg_cached *entry)
{
    (void)db;
    if (st == NULL)
        return;
/* SOLUTION(13) BEGIN */
    if (entry == NULL) {
        sqlite3_finalize(st);
        return;
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    entry->busy = 0;
/* SOLUTION(13) STUB
    (void)entry;
    sqlite3_finalize(st);
   SOLUTION(13) END */
}

int keg_stmt_bind(keg_db *db, sqlite3_stmt *st, const keg_value *params, size_t n)
{
/* SOLUTION(13) BEGIN */
    if ((size_t)sqlite3_bind_parameter_count(st) != n)
        return keg_db_failf(db, KEG_EINVALID, "%zu values for %d parameters", n,
                            sqlite3_bind_parameter_count(st));
    for (size_t i = 0; i < n; i++) {
        const keg_value *v = &params[i];
        int k = (int)i + 1, rc;
        switch (v->type) {
        case KEG_NULL:
            rc = sqlite3_bind_null(st, k);
            break;
        case KEG_INT:
            rc = sqlite3_bind_int64(st, k, v->i);
            break;
        case KEG_REAL:
            rc = sqlite3_bind_double(st, k, v->r);
            break;
        case KEG_TEXT:
            rc = sqlite3_bind_text64(st, k, v->s != NULL ? v->s : "", v->len,
                                     SQLITE_TRANSIENT, SQLITE_UTF8);
            break;
        case KEG_BLOB:
            rc = sqlite3_bind_blob64(st, k, v->s != NULL ? v->s : "", v->len,
                                     SQLITE_TRANSIENT);
            break;
        default:
            return keg_db_failf(db, KEG_EINVALID, "parameter %d: an F() expression is not "
                                "a value", k);
        }
        if (rc != SQLITE_OK)
            return keg_db_fail(db, rc);
    }
    return KEG_OK;
/* SOLUTION(13) STUB
    (void)st;
    (void)params;
    (void)n;
    return keg_db_failf(db, KEG_ERROR, "keg_stmt_bind is not written yet");
   SOLUTION(13) END */
}

int keg_db_exec(keg_db *db, const char *sql, const keg_value *params, size_t n)
{
    struct keg_cached *entry;
    int status = KEG_OK;
    sqlite3_stmt *st = keg_stmt_get(db, sql, &entry, &status);
    if (st == NULL)
        return status;
/* SOLUTION(13) BEGIN */
    status = keg_stmt_bind(db, st, params, n);
    sqlite3_int64 before = sqlite3_total_changes64(db->sq);
    int rc = SQLITE_ROW;
    while (status == KEG_OK && rc == SQLITE_ROW)
        rc = sqlite3_step(st);
    if (status == KEG_OK && rc != SQLITE_DONE)
        status = keg_db_fail(db, rc);
    if (status == KEG_OK)
        status = sqlite3_total_changes64(db->sq) == before ? 0 : sqlite3_changes(db->sq);
/* SOLUTION(13) STUB
    (void)params;
    (void)n;
    status = KEG_ERROR;
   SOLUTION(13) END */
    keg_stmt_release(db, st, entry);
    return status;
}

long long keg_db_last_id(const keg_db *db)
{
    return sqlite3_last_insert_rowid(db->sq);
}

/* ---- the row reader ------------------------------------------------------------------ */

int keg_db_query(keg_db *db, const char *sql, const keg_value *params, size_t n,
                 keg_rows **out)
{
    *out = NULL;
    keg_rows *r = calloc(1, sizeof *r);
    if (r == NULL)
        return keg_db_failf(db, KEG_ENOMEM, "out of memory");
    int status = KEG_OK;
    sqlite3_stmt *st = keg_stmt_get(db, sql, &r->entry, &status);
    if (st == NULL) {
        free(r);
        return status;
    }
    r->db = db;
    r->own = r->entry == NULL ? st : NULL;
/* SOLUTION(13) BEGIN */
    status = keg_stmt_bind(db, st, params, n);
/* SOLUTION(13) STUB
    (void)params;
    (void)n;
    status = KEG_ERROR;
   SOLUTION(13) END */
    if (status != KEG_OK) {
        keg_rows_close(r);
        return status;
    }
    *out = r;
    return KEG_OK;
}

/* The statement a reader runs. */
static sqlite3_stmt *keg_rows_stmt(const keg_rows *r)
{
    return r->entry != NULL ? r->entry->stmt : r->own;
}

int keg_rows_next(keg_rows *r)
{
/* SOLUTION(13) BEGIN */
    int rc = sqlite3_step(keg_rows_stmt(r));
    if (rc == SQLITE_ROW)
        return 1;
    if (rc == SQLITE_DONE)
        return 0;
    return keg_db_fail(r->db, rc);
/* SOLUTION(13) STUB
    (void)r;
    return KEG_ERROR;
   SOLUTION(13) END */
}

int keg_rows_columns(const keg_rows *r)
{
    return sqlite3_column_count(keg_rows_stmt(r));
}

/* SQLite's fundamental types in keg's terms, indexed by SQLITE_INTEGER (1) .. SQLITE_NULL
 * (5). */
static const enum keg_type keg_types[] = {
    KEG_NULL, KEG_INT, KEG_REAL, KEG_TEXT, KEG_BLOB, KEG_NULL,
};

enum keg_type keg_rows_type(const keg_rows *r, int col)
{
/* SOLUTION(13) BEGIN */
    int t = sqlite3_column_type(keg_rows_stmt(r), col);
    return t >= 1 && t <= 5 ? keg_types[t] : KEG_NULL;
/* SOLUTION(13) STUB
    (void)r;
    (void)col;
    (void)keg_types;
    return KEG_NULL;
   SOLUTION(13) END */
}

long long keg_rows_int(const keg_rows *r, int col)
{
/* SOLUTION(13) BEGIN */
    return sqlite3_column_int64(keg_rows_stmt(r), col);
/* SOLUTION(13) STUB
    (void)r;
    (void)col;
    return 0;
   SOLUTION(13) END */
}

double keg_rows_real(const keg_rows *r, int col)
{
/* SOLUTION(13) BEGIN */
    return sqlite3_column_double(keg_rows_stmt(r), col);
/* SOLUTION(13) STUB
    (void)r;
    (void)col;
    return 0;
   SOLUTION(13) END */
}

const char *keg_rows_text(const keg_rows *r, int col, size_t *len)
{
/* SOLUTION(13) BEGIN */
    sqlite3_stmt *st = keg_rows_stmt(r);
    const char *s = (const char *)sqlite3_column_text(st, col);
    if (len != NULL)
        *len = s != NULL ? (size_t)sqlite3_column_bytes(st, col) : 0;
    return s;
/* SOLUTION(13) STUB
    (void)r;
    (void)col;
    if (len != NULL)
        *len = 0;
    return NULL;
   SOLUTION(13) END */
}

void keg_rows_close(keg_rows *r)
{
    if (r == NULL)
        return;
    keg_stmt_release(r->db, keg_rows_stmt(r), r->entry);
    free(r);
}

int keg_db_query_int(keg_db *db, const char *sql, const keg_value *params, size_t n,
                     long long *out)
{
    keg_rows *r;
    int status = keg_db_query(db, sql, params, n, &r);
    if (status != KEG_OK)
        return status;
    status = keg_rows_next(r);
    if (status == 1)
        *out = keg_rows_int(r, 0);
    keg_rows_close(r);
    return status == 1 ? KEG_OK
           : status == 0 ? keg_db_failf(db, KEG_ENOTFOUND, "no row") : status;
}

/* ---- identifiers and small builders -------------------------------------------------- */

int keg_ident_ok(const char *name)
{
/* SOLUTION(13) BEGIN */
    if (name == NULL || name[0] == '\0' || (name[0] >= '0' && name[0] <= '9'))
        return 0;
    size_t n = 0;
    for (; name[n] != '\0'; n++) {
        char c = name[n];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
              || c == '_'))
            return 0;
    }
    return n <= KEG_IDENT_MAX;
/* SOLUTION(13) STUB
    return name != NULL && name[0] != '\0';
   SOLUTION(13) END */
}

int keg_db_insert(keg_db *db, const char *table, const char *const *cols,
                  const keg_value *vals, size_t n, long long *id)
{
/* SOLUTION(13) BEGIN */
    if (!keg_ident_ok(table))
        return keg_db_failf(db, KEG_EINVALID, "invalid table name");
    for (size_t i = 0; i < n; i++)
        if (!keg_ident_ok(cols[i]))
            return keg_db_failf(db, KEG_EINVALID, "invalid column name (column %zu)", i + 1);
    struct keg_sql q = { 0 };
    keg_sql_add(&q, "INSERT INTO ");
    keg_sql_ident(&q, table);
    keg_sql_add(&q, n == 0 ? " DEFAULT VALUES" : " (");
    for (size_t i = 0; i < n; i++) {
        keg_sql_add(&q, i ? ", " : "");
        keg_sql_ident(&q, cols[i]);
    }
    for (size_t i = 0; i < n; i++)
        keg_sql_add(&q, i ? ", ?" : ") VALUES (?");
    keg_sql_add(&q, n > 0 ? ")" : "");
    char *sql = keg_sql_steal(&q);
    if (sql == NULL)
        return keg_db_failf(db, KEG_ENOMEM, "out of memory");
    int status = keg_db_exec(db, sql, vals, n);
    free(sql);
    if (status >= 0 && id != NULL)
        *id = keg_db_last_id(db);
    return status < 0 ? status : KEG_OK;
/* SOLUTION(13) STUB
    (void)table;
    (void)cols;
    (void)vals;
    (void)n;
    (void)id;
    return keg_db_failf(db, KEG_ERROR, "keg_db_insert is not written yet");
   SOLUTION(13) END */
}

int keg_db_table_exists(keg_db *db, const char *table)
{
/* SOLUTION(13) BEGIN */
    if (!keg_ident_ok(table))
        return keg_db_failf(db, KEG_EINVALID, "invalid table name");
    long long n = 0;
    keg_value v = keg_text(table);
    int status = keg_db_query_int(db, "SELECT count(*) FROM sqlite_schema WHERE type = "
                                  "'table' AND name = ?", &v, 1, &n);
    return status < 0 ? status : n > 0;
/* SOLUTION(13) STUB
    (void)table;
    return keg_db_failf(db, KEG_ERROR, "keg_db_table_exists is not written yet");
   SOLUTION(13) END */
}
