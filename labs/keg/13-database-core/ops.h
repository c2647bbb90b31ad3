/* ops.h -- lab 13's operations, shared by driver.c (built with your keg/ and vial/ into
 * the program the checker talks to) and checker.c (which runs them on the reference).
 * Each frame is one operation on your keg_db (open, exec, query, insert, ...) whose
 * payload is a list of items ("sql", "int", "text", "name", ...; see drv_parse); the
 * answer is a text of what happened, one fact per line. Statement counts, prepares and
 * statements left unfinalized come from sqlcount.h, never from your own counter. The
 * checker runs the same operations on the reference keg and compares the texts. */
#ifndef LAB13_OPS_H
#define LAB13_OPS_H

#include "sqlcount.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keg.h"
#include "wire.h"

#define DRV_ITEMS 32

/* The parsed payload of one frame. Strings are NUL-terminated copies; byte values are
 * exact-size heap copies (no NUL after them), so reading past a length is a memory
 * error. Everything is freed by drv_args_free. */
struct drv_args {
    char *sql;                  /* "sql" */
    char *names[DRV_ITEMS];     /* "name": identifiers */
    size_t nnames;
    keg_value vals[DRV_ITEMS];  /* "null", "int", "real", "text", "blob" */
    char *bytes[DRV_ITEMS];     /* what text and blob values point at */
    size_t nvals;
    long long num;              /* "num": a count (repeat, log) */
};

struct drv {
    keg_db *db;
    sqlite3 *locker;            /* a second connection holding the write lock */
    const char *prefix;         /* put before file names ("" in the subject) */
};

static char *drv_strndup(const char *s, size_t n)
{
    char *c = malloc(n + 1);
    if (c != NULL) {
        memcpy(c, s, n);
        c[n] = '\0';
    }
    return c;
}

static void drv_args_free(struct drv_args *a)
{
    free(a->sql);
    for (size_t i = 0; i < a->nnames; i++)
        free(a->names[i]);
    for (size_t i = 0; i < a->nvals; i++)
        free(a->bytes[i]);
    memset(a, 0, sizeof *a);
}

/* Adds one value item of kind `k` with bytes d[0..n). */
static void drv_add_value(struct drv_args *a, const char *k, const char *d, size_t n)
{
    if (a->nvals >= DRV_ITEMS)
        return;
    char *copy = drv_strndup(d, n);     /* for the numbers */
    keg_value v = keg_null();
    if (strcmp(k, "int") == 0)
        v = keg_int(strtoll(copy ? copy : "0", NULL, 10));
    else if (strcmp(k, "real") == 0)
        v = keg_real(strtod(copy ? copy : "0", NULL));
    else if (strcmp(k, "text") == 0 || strcmp(k, "blob") == 0) {
        free(copy);
        copy = wire_exact(d, n);
        v = k[0] == 't' ? keg_textn(copy, n) : keg_blob(copy, n);
    }
    a->bytes[a->nvals] = copy;
    a->vals[a->nvals++] = v;
}

/* Reads the items of a payload: each a frame "KIND LEN\nBYTES". */
static void drv_parse(const char *data, size_t len, struct drv_args *a)
{
    const char *p = data, *end = data + len, *d;
    char kind[WIRE_MAX_NAME];
    size_t n;
    memset(a, 0, sizeof *a);
    while (wire_next(&p, end, kind, sizeof kind, &d, &n) == 1) {
        if (strcmp(kind, "sql") == 0 && a->sql == NULL)
            a->sql = drv_strndup(d, n);
        else if (strcmp(kind, "name") == 0 && a->nnames < DRV_ITEMS)
            a->names[a->nnames++] = drv_strndup(d, n);
        else if (strcmp(kind, "num") == 0) {
            char *c = drv_strndup(d, n);
            a->num = c ? strtoll(c, NULL, 10) : 0;
            free(c);
        } else
            drv_add_value(a, kind, d, n);
    }
}

/* ---- reporting ---------------------------------------------------------------------- */

static void drv_printf(struct wire_buf *out, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void drv_printf(struct wire_buf *out, const char *fmt, ...)
{
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    wire_buf_add(out, line, n < 0 ? 0 : (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

/* "KEY "bytes"" or "KEY (none)". */
static void drv_bytes(struct wire_buf *out, const char *key, const char *s, size_t n)
{
    wire_buf_str(out, key);
    if (s == NULL) {
        wire_buf_str(out, " (none)\n");
        return;
    }
    wire_buf_str(out, " \"");
    wire_buf_escaped(out, s, n, 0);
    drv_printf(out, "\" (%zu bytes)\n", n);
}

/* The status line of a call and, on failure, the message: SQLite's own is compared as it
 * is; keg's own messages (KEG_EINVALID, KEG_ENOTFOUND, KEG_ENOMEM) only need to exist. */
static void drv_status(struct wire_buf *out, const char *what, int st, const keg_db *db)
{
    drv_printf(out, "%s -> %d\n", what, st);
    if (st >= 0)
        return;
    const char *msg = keg_db_error(db);
    if (msg == NULL || msg[0] == '\0')
        wire_buf_str(out, "  message: (empty)\n");
    else if (st == KEG_EINVALID || st == KEG_ENOTFOUND || st == KEG_ENOMEM)
        wire_buf_str(out, "  message: (keg's own, not empty)\n");
    else
        drv_bytes(out, "  message:", msg, strlen(msg));
}

/* Statements SQLite ran since `before` (sqlcount's count, not yours). */
static void drv_ran(struct wire_buf *out, long before)
{
    drv_printf(out, "  statements run: %ld\n", sqlcount_get() - before);
}

/* One row of a reader: each column's type as stored, then its value. */
static void drv_row(struct wire_buf *out, keg_rows *r)
{
    static const char *const names[] = { "null", "int", "real", "text", "blob", "fexpr" };
    int ncol = keg_rows_columns(r);
    wire_buf_str(out, "  row:");
    for (int c = 0; c < ncol; c++) {
        enum keg_type t = keg_rows_type(r, c);     /* before any conversion */
        size_t n = 0;
        drv_printf(out, " [%s ", (unsigned)t <= KEG_FEXPR ? names[t] : "?");
        if (t == KEG_INT)
            drv_printf(out, "%lld", keg_rows_int(r, c));
        else if (t == KEG_REAL)
            drv_printf(out, "%.17g", keg_rows_real(r, c));
        else if (t == KEG_TEXT || t == KEG_BLOB) {
            const char *s = keg_rows_text(r, c, &n);
            wire_buf_str(out, "\"");
            if (s != NULL)
                wire_buf_escaped(out, s, n, 0);
            drv_printf(out, "\" %zu%s", n, s == NULL ? " NULL" : s[n] != '\0' ? " unterminated" : "");
        } else
            drv_printf(out, "%s", keg_rows_text(r, c, &n) == NULL ? "NULL" : "not NULL");
        wire_buf_str(out, "]");
    }
    wire_buf_str(out, "\n");
}

/* ---- operations ---------------------------------------------------------------------- */

/* One row of a raw query on h (the driver's own statement): its first column as text. */
static void drv_pragma(struct wire_buf *out, sqlite3 *h, const char *sql)
{
    sqlite3_stmt *st = NULL;
    const char *v = NULL;
    if (h != NULL && sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK
        && sqlite3_step(st) == SQLITE_ROW)
        v = (const char *)sqlite3_column_text(st, 0);
    drv_printf(out, "  %s: %s\n", sql, v ? v : "(none)");
    sqlite3_finalize(st);
}

/* open: names[0] is the file (":memory:" as is, else prefixed); with num 1, the setup
 * read back through the handle (pragmas, busy timeout, the error message). */
static void op_open(struct drv *d, struct drv_args *a, struct wire_buf *out)
{
    char path[300], *err = NULL;
    const char *name = a->nnames > 0 ? a->names[0] : ":memory:";
    snprintf(path, sizeof path, "%s%s", strcmp(name, ":memory:") == 0 ? "" : d->prefix, name);
    keg_db_close(d->db);
    d->db = keg_db_open(path, &err);
    if (d->db == NULL) {
        drv_printf(out, "open %s: failed, %s\n", name,
                   err != NULL && err[0] != '\0' ? "with a message" : "no message in *err");
        free(err);
        return;
    }
    drv_printf(out, "open %s: ok%s\n", name, err != NULL ? " (but *err was set)" : "");
    free(err);
    sqlite3 *h = keg_db_handle(d->db);
    if (a->num != 0) {          /* the setup, when the test asks */
        drv_printf(out, "  handle: %s\n", h != NULL ? "yes" : "NULL");
        drv_pragma(out, h, "PRAGMA foreign_keys");
        drv_pragma(out, h, "PRAGMA journal_mode");
        drv_pragma(out, h, "PRAGMA busy_timeout");
        const char *e = keg_db_error(d->db);
        drv_bytes(out, "  error before any failure:", e, e ? strlen(e) : 0);
    }
    keg_db_log(d->db, 1);       /* the log is off by default: the tests read it */
    keg_db_queries_reset(d->db);
    sqlcount_reset();
}

static void op_close(struct drv *d, struct drv_args *a, struct wire_buf *out)
{
    (void)a;
    long left = sqlcount.left_open, closes = sqlcount.closes;
    keg_db_close(d->db);
    d->db = NULL;
    drv_printf(out, "close: %ld statements left unfinalized, %s\n", sqlcount.left_open - left,
               sqlcount.closes > closes ? "connection closed" : "connection NOT closed");
}

static void op_exec(struct drv *d, struct drv_args *a, struct wire_buf *out)
{
    long before = sqlcount_get();
    int st = keg_db_exec(d->db, a->sql, a->vals, a->nvals);
    drv_status(out, "exec", st, d->db);
    drv_ran(out, before);
}

/* Reads every row of a reader, then the value of one more keg_rows_next. */
static void drv_read_all(struct wire_buf *out, keg_rows *r)
{
    int st;
    drv_printf(out, "  columns: %d\n", keg_rows_columns(r));
    while ((st = keg_rows_next(r)) == 1)
        drv_row(out, r);
    drv_printf(out, "  end -> %d\n", st);
}

static void op_query(struct drv *d, struct drv_args *a, struct wire_buf *out)
{
    long before = sqlcount_get();
    keg_rows *r = NULL;
    int st = keg_db_query(d->db, a->sql, a->vals, a->nvals, &r);
    drv_status(out, "query", st, d->db);
    if (st == 0 && r != NULL)
        drv_read_all(out, r);
    else if (r != NULL)
        wire_buf_str(out, "  *out was set on failure\n");
    keg_rows_close(r);
    drv_ran(out, before);
}

static void op_query_int(struct drv *d, struct drv_args *a, struct wire_buf *out)
{
    long before = sqlcount_get();
    long long v = -4242;
    int st = keg_db_query_int(d->db, a->sql, a->vals, a->nvals, &v);
    drv_status(out, "query_int", st, d->db);
    if (st == 0)
        drv_printf(out, "  value %lld\n", v);
    drv_ran(out, before);
}

/* Two readers of the same SQL: for each row of the outer one, the inner one is read to
 * its end. */
static void op_nested(struct drv *d, struct drv_args *a, struct wire_buf *out)
{
    long before = sqlcount_get();
    keg_rows *outer = NULL;
    int st = keg_db_query(d->db, a->sql, a->vals, a->nvals, &outer), row = 0;
    drv_status(out, "outer query", st, d->db);
    while (st == 0 && (st = keg_rows_next(outer)) == 1) {
        long long first = keg_rows_int(outer, 0);
        keg_rows *inner = NULL;
        int ist = keg_db_query(d->db, a->sql, a->vals, a->nvals, &inner), n = 0;
        while (ist == 0 && (ist = keg_rows_next(inner)) == 1) {
            n++;
            ist = 0;
        }
        drv_printf(out, "  outer row %d (first column %lld): inner reader -> %d, %d rows\n",
                   row++, first, ist, n);
        keg_rows_close(inner);
        st = 0;
    }
    drv_printf(out, "  outer end -> %d\n", st);
    keg_rows_close(outer);
    drv_ran(out, before);
}

/* insert: names[0] the table, names[1..] the columns; one value per column. */
static void op_insert(struct drv *d, struct drv_args *a, struct wire_buf *out)
{
    long before = sqlcount_get();
    long long id = -4242;
    size_t n = a->nnames > 0 ? a->nnames - 1 : 0;
    int st = keg_db_insert(d->db, a->nnames ? a->names[0] : "", (const char *const *)a->names + 1,
                           a->vals, n, &id);
    drv_status(out, "insert", st, d->db);
    if (st == 0)
        drv_printf(out, "  id %lld (last id %lld)\n", id, keg_db_last_id(d->db));
    drv_ran(out, before);
}

static void op_exists(struct drv *d, struct drv_args *a, struct wire_buf *out)
{
    long before = sqlcount_get();
    int st = keg_db_table_exists(d->db, a->nnames ? a->names[0] : "");
    drv_status(out, "table_exists", st, d->db);
    drv_ran(out, before);
}

static void op_ident(struct drv *d, struct drv_args *a, struct wire_buf *out)
{
    (void)d;
    for (size_t i = 0; i < a->nnames; i++) {
        drv_bytes(out, "ident", a->names[i], strlen(a->names[i]));
        drv_printf(out, "  -> %d\n", keg_ident_ok(a->names[i]));
    }
}

/* repeat: num executions of one exec; the statuses, statements and prepares. */
static void op_repeat(struct drv *d, struct drv_args *a, struct wire_buf *out)
{
    long before = sqlcount_get(), prep = sqlcount.prepares;
    int first = 0, same = 1;
    for (long long i = 0; i < a->num; i++) {
        int st = keg_db_exec(d->db, a->sql, a->vals, a->nvals);
        if (i == 0)
            first = st;
        same &= st == first;
    }
    drv_printf(out, "repeat %lld: first -> %d, %s\n", a->num, first,
               same ? "every one the same" : "NOT all the same");
    drv_printf(out, "  prepared %ld times\n", sqlcount.prepares - prep);
    drv_ran(out, before);
}

/* raw: sql run on your connection's handle, outside keg (your counter counts it too). */
static void op_raw(struct drv *d, struct drv_args *a, struct wire_buf *out)
{
    long before = sqlcount_get();
    int rc = sqlite3_exec(keg_db_handle(d->db), a->sql, NULL, NULL, NULL);
    drv_printf(out, "raw -> %d\n", rc);
    drv_ran(out, before);
}

/* counter: your keg_db_queries against the driver's count since the last reset. */
static void op_counter(struct drv *d, struct drv_args *a, struct wire_buf *out)
{
    (void)a;
    drv_printf(out, "counted by the driver: %ld; keg_db_queries: %ld\n", sqlcount_get(),
               keg_db_queries(d->db));
}

/* log: the last num entries of your log, and indexes it must not have. */
static void op_log(struct drv *d, struct drv_args *a, struct wire_buf *out)
{
    long q = keg_db_queries(d->db);
    char key[64];
    for (long i = q - a->num; i < q; i++) {
        const char *s = keg_db_query_sql(d->db, i);
        snprintf(key, sizeof key, "query_sql(%ld)", i);
        drv_bytes(out, key, s, s ? strlen(s) : 0);
    }
    const long none[] = { -1, q, q + 1, q - KEG_LOG_MAX - 1 };
    for (size_t k = 0; k < sizeof none / sizeof none[0]; k++) {
        if (none[k] == q - KEG_LOG_MAX - 1 && none[k] < 0)
            continue;
        const char *s = keg_db_query_sql(d->db, none[k]);
        drv_printf(out, "query_sql(%ld): %s\n", none[k], s == NULL ? "NULL" : "not NULL");
    }
    keg_db_log(d->db, 0);       /* off: counted, not logged */
    int rc = keg_db_exec(d->db, "SELECT 1", NULL, 0);
    const char *s = keg_db_query_sql(d->db, keg_db_queries(d->db) - 1);
    drv_printf(out, "log off: exec %s, keg_db_queries %ld, its query_sql %s\n",
               rc >= 0 ? "ok" : "failed", keg_db_queries(d->db), s == NULL ? "NULL" : "not NULL");
    keg_db_log(d->db, 1);
}

static void op_reset(struct drv *d, struct drv_args *a, struct wire_buf *out)
{
    (void)a;
    keg_db_queries_reset(d->db);
    sqlcount_reset();
    drv_printf(out, "reset: keg_db_queries %ld, query_sql(0) %s\n", keg_db_queries(d->db),
               keg_db_query_sql(d->db, 0) == NULL ? "NULL" : "not NULL");
}

/* lock: a second connection to names[0] takes the write lock (BEGIN IMMEDIATE); your
 * connection's busy timeout is then cut to 100 ms so the test is quick. */
static void op_lock(struct drv *d, struct drv_args *a, struct wire_buf *out)
{
    char path[300];
    snprintf(path, sizeof path, "%s%s", d->prefix, a->nnames ? a->names[0] : "x");
    int rc = sqlite3_open_v2(path, &d->locker, SQLITE_OPEN_READWRITE, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(d->locker, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    if (rc == SQLITE_OK && d->db != NULL)
        sqlite3_busy_timeout(keg_db_handle(d->db), 100);
    drv_printf(out, "lock -> %d\n", rc);
}

static void op_unlock(struct drv *d, struct drv_args *a, struct wire_buf *out)
{
    (void)a;
    if (d->locker != NULL)
        sqlite3_exec(d->locker, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(d->locker);
    d->locker = NULL;
    wire_buf_str(out, "unlocked\n");
}

/* watch: from now on, note any statement whose SQL text holds the "text" item. */
static void op_watch(struct drv *d, struct drv_args *a, struct wire_buf *out)
{
    (void)d;
    char *needle = a->nvals > 0 && a->vals[0].type == KEG_TEXT
                   ? drv_strndup(a->vals[0].s, a->vals[0].len) : NULL;
    sqlcount_watch(needle);
    free(needle);
    wire_buf_str(out, "watching\n");
}

static void op_seen(struct drv *d, struct drv_args *a, struct wire_buf *out)
{
    (void)d;
    (void)a;
    drv_printf(out, "statements whose SQL text held a value: %ld\n", sqlcount.watch_hits);
}

static const struct drv_op {
    const char *name;
    int needs_db;
    void (*fn)(struct drv *, struct drv_args *, struct wire_buf *);
} drv_ops[] = {
    { "open", 0, op_open },         { "close", 0, op_close },
    { "exec", 1, op_exec },         { "query", 1, op_query },
    { "query_int", 1, op_query_int }, { "nested", 1, op_nested },
    { "insert", 1, op_insert },     { "exists", 1, op_exists },
    { "ident", 0, op_ident },       { "repeat", 1, op_repeat },
    { "raw", 1, op_raw },           { "counter", 1, op_counter },
    { "log", 1, op_log },           { "reset", 1, op_reset },
    { "lock", 0, op_lock },         { "unlock", 0, op_unlock },
    { "watch", 0, op_watch },       { "seen", 0, op_seen },
};

/* Runs the frame `name` on d; its text goes to out. */
static void drv_frame(void *state, const char *name, char *data, size_t len,
                      struct wire_buf *out, const char **reply)
{
    struct drv *d = state;
    struct drv_args a;
    (void)reply;
    for (size_t i = 0; i < sizeof drv_ops / sizeof drv_ops[0]; i++) {
        if (strcmp(name, drv_ops[i].name) != 0)
            continue;
        if (drv_ops[i].needs_db && d->db == NULL) {
            drv_printf(out, "%s: no database open\n", name);
            return;
        }
        drv_parse(data, len, &a);
        if (a.sql == NULL)
            a.sql = drv_strndup("", 0);
        drv_ops[i].fn(d, &a, out);
        drv_args_free(&a);
        return;
    }
    drv_printf(out, "unknown frame %.40s\n", name);
}

#endif
