/* store.c -- the progress store: settings, lessons read, lab attempts, hints and exam
 * sittings in one SQLite database per workspace. WAL, a busy timeout, foreign keys, the
 * schema version in user_version with forward migrations run from a table of steps. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <sqlite3.h>

#include "store.h"
#include "util.h"

/* Waiting for another process's write lock longer than this is an error. */
#define STORE_BUSY_MS 10000
/* 'STKL': marks a database as ours, so a foreign SQLite file is refused. */
#define STORE_APP_ID 0x53544b4c

/* Every statement the store runs, prepared once on first use (no SQL is built from
 * strings). The order of this enum is the order of store_sql[]. */
enum store_q {
    Q_BEGIN, Q_COMMIT, Q_ROLLBACK, Q_USER_VERSION, Q_APP_ID, Q_TABLE_COUNT, Q_TABLE_EXISTS,
    Q_SET, Q_GET, Q_MARK_READ, Q_IS_READ,
    Q_ATTEMPT_ADD, Q_LAB_COUNT, Q_LAB_BEST, Q_LAB_LAST, Q_RECENT_LAB, Q_RECENT_ALL,
    Q_HINT_ENSURE, Q_HINT_BUMP, Q_HINT_GET,
    Q_SIT_ADD, Q_SIT_OPEN, Q_SIT_STATE, Q_ANSWER_PUT, Q_ANSWER_GET, Q_ANSWER_LIST,
    Q_SIT_SUBMIT, Q_SIT_COUNT, Q_SIT_BEST, Q_SIT_LATEST, Q_SIT_GET,
    Q_COUNT
};

#define SITTING_COLS "id, exam, started, deadline, submitted, seed, score, max_score, passed"
#define ATTEMPT_COLS "id, lab, at, passed, failed, total, duration, verdict, seed, summary"

static const char *const store_sql[Q_COUNT] = {
    [Q_BEGIN] = "BEGIN IMMEDIATE",
    [Q_COMMIT] = "COMMIT",
    [Q_ROLLBACK] = "ROLLBACK",
    [Q_USER_VERSION] = "PRAGMA user_version",
    [Q_APP_ID] = "PRAGMA application_id",
    [Q_TABLE_COUNT] = "SELECT count(*) FROM sqlite_master WHERE type = 'table'",
    [Q_TABLE_EXISTS] = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1",
    [Q_SET] = "INSERT INTO settings(key, value) VALUES(?1, ?2) "
              "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    [Q_GET] = "SELECT value FROM settings WHERE key = ?1",
    [Q_MARK_READ] = "INSERT INTO lessons_read(lesson, read_at) VALUES(?1, ?2) "
                    "ON CONFLICT(lesson) DO NOTHING",
    [Q_IS_READ] = "SELECT count(*) FROM lessons_read WHERE lesson = ?1",
    [Q_ATTEMPT_ADD] = "INSERT INTO attempts(lab, at, passed, failed, total, duration, verdict, "
                      "seed, summary) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    [Q_LAB_COUNT] = "SELECT count(*), coalesce(max(verdict = 'pass'), 0), "
                    "coalesce(min(CASE WHEN verdict = 'pass' THEN at END), 0) FROM attempts "
                    "WHERE lab = ?1",
    [Q_LAB_BEST] = "SELECT passed, total FROM attempts WHERE lab = ?1 ORDER BY "
                   "CASE WHEN total > 0 THEN passed * 1.0 / total ELSE 0 END DESC, "
                   "passed DESC, id DESC LIMIT 1",
    [Q_LAB_LAST] = "SELECT at, verdict FROM attempts WHERE lab = ?1 ORDER BY id DESC LIMIT 1",
    [Q_RECENT_LAB] = "SELECT " ATTEMPT_COLS " FROM attempts WHERE lab = ?1 "
                     "ORDER BY id DESC LIMIT ?2",
    [Q_RECENT_ALL] = "SELECT " ATTEMPT_COLS " FROM attempts ORDER BY id DESC LIMIT ?1",
    [Q_HINT_ENSURE] = "INSERT INTO hints(lab, shown) VALUES(?1, 0) ON CONFLICT(lab) DO NOTHING",
    [Q_HINT_BUMP] = "UPDATE hints SET shown = max(min(shown + 1, ?2), shown) WHERE lab = ?1",
    [Q_HINT_GET] = "SELECT shown FROM hints WHERE lab = ?1",
    [Q_SIT_ADD] = "INSERT INTO sittings(exam, started, deadline, submitted, seed, score, "
                  "max_score, passed) VALUES(?1, ?2, ?3, 0, ?4, 0, 0, 0)",
    [Q_SIT_OPEN] = "SELECT " SITTING_COLS " FROM sittings WHERE exam = ?1 AND submitted = 0 "
                   "ORDER BY id DESC LIMIT 1",
    [Q_SIT_STATE] = "SELECT submitted FROM sittings WHERE id = ?1",
    [Q_ANSWER_PUT] = "INSERT INTO answers(sitting, question, answer, flagged) "
                     "VALUES(?1, ?2, ?3, ?4) ON CONFLICT(sitting, question) DO UPDATE SET "
                     "answer = excluded.answer, flagged = excluded.flagged",
    [Q_ANSWER_GET] = "SELECT answer, flagged FROM answers WHERE sitting = ?1 AND question = ?2",
    [Q_ANSWER_LIST] = "SELECT question, answer, flagged FROM answers WHERE sitting = ?1 "
                      "ORDER BY rowid",
    [Q_SIT_SUBMIT] = "UPDATE sittings SET submitted = ?2, score = ?3, max_score = ?4, "
                     "passed = ?5 WHERE id = ?1 AND submitted = 0",
    [Q_SIT_COUNT] = "SELECT count(*) FROM sittings WHERE exam = ?1 AND submitted != 0",
    [Q_SIT_BEST] = "SELECT " SITTING_COLS " FROM sittings WHERE exam = ?1 AND submitted != 0 "
                   "ORDER BY CASE WHEN max_score > 0 THEN score * 1.0 / max_score ELSE 0 END "
                   "DESC, score DESC, id ASC LIMIT 1",
    [Q_SIT_LATEST] = "SELECT " SITTING_COLS " FROM sittings WHERE exam = ?1 "
                     "AND submitted != 0 ORDER BY submitted DESC, id DESC LIMIT 1",
    [Q_SIT_GET] = "SELECT " SITTING_COLS " FROM sittings WHERE id = ?1",
};

/* Version 1: the whole schema. Each step ends by stamping its own version, so a step is
 * applied entirely or not at all (it runs inside the migration's transaction). */
static const char store_schema_v1[] =
    "CREATE TABLE settings(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE lessons_read(lesson TEXT PRIMARY KEY, read_at INTEGER NOT NULL);"
    "CREATE TABLE attempts(id INTEGER PRIMARY KEY AUTOINCREMENT, lab TEXT NOT NULL,"
    " at INTEGER NOT NULL, passed INTEGER NOT NULL, failed INTEGER NOT NULL,"
    " total INTEGER NOT NULL, duration REAL NOT NULL DEFAULT 0, verdict TEXT NOT NULL,"
    " seed INTEGER NOT NULL DEFAULT 0, summary TEXT NOT NULL DEFAULT '');"
    "CREATE INDEX attempts_by_lab ON attempts(lab, id);"
    "CREATE TABLE hints(lab TEXT PRIMARY KEY, shown INTEGER NOT NULL DEFAULT 0"
    " CHECK (shown >= 0));"
    "CREATE TABLE sittings(id INTEGER PRIMARY KEY AUTOINCREMENT, exam TEXT NOT NULL,"
    " started INTEGER NOT NULL, deadline INTEGER NOT NULL,"
    " submitted INTEGER NOT NULL DEFAULT 0, seed INTEGER NOT NULL DEFAULT 0,"
    " score INTEGER NOT NULL DEFAULT 0, max_score INTEGER NOT NULL DEFAULT 0,"
    " passed INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX sittings_by_exam ON sittings(exam, submitted);"
    "CREATE TABLE answers(sitting INTEGER NOT NULL REFERENCES sittings(id) ON DELETE CASCADE,"
    " question TEXT NOT NULL, answer TEXT NOT NULL, flagged INTEGER NOT NULL DEFAULT 0,"
    " PRIMARY KEY (sitting, question));"
    "PRAGMA application_id = 1398033228;"     /* STORE_APP_ID */
    "PRAGMA user_version = 1;";

/* Version 0 is the layout from before the schema carried a version: three tables kv,
 * lesson_done and attempt. Their rows move into the version 1 tables. */
static const char *const store_v0_tables[] = { "kv", "lesson_done", "attempt" };
static const char store_from_v0_sql[] =
    "INSERT INTO settings(key, value) SELECT k, v FROM kv WHERE k IS NOT NULL AND v IS NOT NULL;"
    "INSERT OR IGNORE INTO lessons_read(lesson, read_at) SELECT lesson, 0 FROM lesson_done;"
    "INSERT INTO attempts(lab, at, passed, failed, total, duration, verdict, seed, summary)"
    " SELECT lab, at, ok, total - ok, total, 0,"
    " CASE WHEN total > 0 AND ok = total THEN 'pass' ELSE 'fail' END, 0, coalesce(note, '')"
    " FROM attempt ORDER BY rowid;"
    "DROP TABLE kv; DROP TABLE lesson_done; DROP TABLE attempt;";

struct store {
    sqlite3 *db;
    char *path;
    sqlite3_stmt *q[Q_COUNT];   /* prepared lazily; NULL until first use */
    char err[512];              /* last error, for store_errmsg */
};

/* One forward migration: brings a database at version to - 1 up to `to`. `fn` runs
 * before `sql` and may return -1 to refuse the database. */
struct store_step {
    int to;
    int (*fn)(struct store *st, int *legacy);
    const char *sql;
};

static int store_v0_check(struct store *st, int *legacy);

static const struct store_step store_steps[] = {
    { 1, store_v0_check, store_schema_v1 },
};

static int store_fail(struct store *st, const char *what)
{
    snprintf(st->err, sizeof st->err, "%s: %s: %s", st->path, what, sqlite3_errmsg(st->db));
    return -1;
}

/* The prepared statement for q, reset and unbound; NULL (error recorded) on failure. */
static sqlite3_stmt *store_q(struct store *st, enum store_q q)
{
    if (st->q[q] == NULL) {
        if (sqlite3_prepare_v3(st->db, store_sql[q], -1, SQLITE_PREPARE_PERSISTENT,
                               &st->q[q], NULL) != SQLITE_OK) {
            store_fail(st, "prepare");
            return NULL;
        }
        return st->q[q];
    }
    sqlite3_reset(st->q[q]);
    sqlite3_clear_bindings(st->q[q]);
    return st->q[q];
}

/* Steps a statement that returns no row. 0 or -1. */
static int store_done(struct store *st, sqlite3_stmt *s)
{
    if (s == NULL)
        return -1;
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return store_fail(st, "write");
    return 0;
}

/* Steps to the first row: 1 row, 0 none, -1 error. The statement stays on the row. */
static int store_row(struct store *st, sqlite3_stmt *s)
{
    if (s == NULL)
        return -1;
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        return 1;
    sqlite3_reset(s);
    if (rc == SQLITE_DONE)
        return 0;
    return store_fail(st, "read");
}

/* Runs a one-integer query; -1 on error (store_q errors included). */
static int64_t store_int(struct store *st, sqlite3_stmt *s, int64_t none)
{
    int r = store_row(st, s);
    if (r <= 0)
        return r < 0 ? -1 : none;
    int64_t v = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    return v;
}

static int store_begin(struct store *st)
{
    return store_done(st, store_q(st, Q_BEGIN));
}

/* Ends the transaction begun by store_begin: commits when rc == 0, otherwise rolls
 * back. Returns rc, or -1 when the commit itself failed. */
static int store_end(struct store *st, int rc)
{
    if (rc == 0 && store_done(st, store_q(st, Q_COMMIT)) == 0)
        return 0;
    char keep[sizeof st->err];
    memcpy(keep, st->err, sizeof keep);
    if (sqlite3_get_autocommit(st->db) == 0)
        store_done(st, store_q(st, Q_ROLLBACK));
    memcpy(st->err, keep, sizeof keep);
    return -1;
}

static void store_text(sqlite3_stmt *s, int col, const char *v, size_t cap)
{
    sqlite3_bind_text(s, col, v, (int)strnlen(v, cap), SQLITE_STATIC);
}

static void store_copy(sqlite3_stmt *s, int col, char *dst, size_t cap)
{
    const unsigned char *v = sqlite3_column_text(s, col);
    size_t n = v != NULL ? (size_t)sqlite3_column_bytes(s, col) : 0;
    if (n >= cap)
        n = cap - 1;
    if (n > 0)
        memcpy(dst, v, n);
    dst[n] = '\0';
}

/* Seeds are unsigned 64-bit; SQLite integers are signed: store the same bits. */
static int64_t store_seed_in(uint64_t seed)
{
    int64_t v;
    memcpy(&v, &seed, sizeof v);
    return v;
}

static uint64_t store_seed_out(int64_t v)
{
    uint64_t seed;
    memcpy(&seed, &v, sizeof seed);
    return seed;
}

/* At version 0 the database must be empty or hold exactly the version 0 tables. */
static int store_v0_check(struct store *st, int *legacy)
{
    int64_t tables = store_int(st, store_q(st, Q_TABLE_COUNT), 0);
    if (tables < 0)
        return -1;
    int64_t found = 0;
    for (size_t i = 0; i < sizeof store_v0_tables / sizeof *store_v0_tables; i++) {
        sqlite3_stmt *s = store_q(st, Q_TABLE_EXISTS);
        if (s == NULL)
            return -1;
        sqlite3_bind_text(s, 1, store_v0_tables[i], -1, SQLITE_STATIC);
        int64_t n = store_int(st, s, 0);
        if (n < 0)
            return -1;
        found += n;
    }
    *legacy = found == 3;
    if (tables == 0 || (found == 3 && tables == 3))
        return 0;
    snprintf(st->err, sizeof st->err, "%s: not a stacklab progress database "
             "(it holds other tables)", st->path);
    return -1;
}

static int store_migrate_step(struct store *st, const struct store_step *step)
{
    int legacy = 0;
    if (step->fn != NULL && step->fn(st, &legacy) < 0)
        return -1;
    if (sqlite3_exec(st->db, step->sql, NULL, NULL, NULL) != SQLITE_OK)
        return store_fail(st, "migrate");
    if (legacy && sqlite3_exec(st->db, store_from_v0_sql, NULL, NULL, NULL) != SQLITE_OK)
        return store_fail(st, "migrate from version 0");
    return 0;
}

/* Brings the schema up to STORE_SCHEMA_VERSION in one transaction; refuses a newer one
 * or a foreign database. */
static int store_migrate(struct store *st)
{
    if (store_int(st, store_q(st, Q_USER_VERSION), 0) == STORE_SCHEMA_VERSION &&
        store_int(st, store_q(st, Q_APP_ID), 0) == STORE_APP_ID)
        return 0;   /* the common case: no write lock needed to open */
    if (store_begin(st) < 0)
        return -1;
    int64_t version = store_int(st, store_q(st, Q_USER_VERSION), 0);
    int rc = version < 0 ? -1 : 0;
    if (rc == 0 && version > STORE_SCHEMA_VERSION) {
        snprintf(st->err, sizeof st->err, "%s: progress database has schema version %lld, "
                 "newer than this stacklab knows (%d); use a newer stacklab", st->path,
                 (long long)version, STORE_SCHEMA_VERSION);
        rc = -1;
    }
    if (rc == 0 && version > 0 && store_int(st, store_q(st, Q_APP_ID), 0) != STORE_APP_ID) {
        snprintf(st->err, sizeof st->err, "%s: not a stacklab progress database", st->path);
        rc = -1;
    }
    for (size_t i = 0; rc == 0 && i < sizeof store_steps / sizeof *store_steps; i++) {
        if (store_steps[i].to > version)
            rc = store_migrate_step(st, &store_steps[i]);
    }
    return store_end(st, rc);
}

/* Runs pragmas, which must run outside any transaction. 0 or -1. A pragma that finds
 * the database busy is tried again for up to STORE_BUSY_MS: switching a new file to WAL
 * while other processes open it too can be refused at once, without the busy handler
 * (SQLite does so where waiting could deadlock). */
static int store_pragmas(struct store *st, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        double deadline = util_mono() + STORE_BUSY_MS / 1000.0;
        int rc;
        while ((rc = sqlite3_exec(st->db, list[i], NULL, NULL, NULL)) == SQLITE_BUSY
               && util_mono() < deadline)
            sqlite3_sleep(5);
        if (rc != SQLITE_OK)
            return store_fail(st, list[i]);
    }
    return 0;
}

/* A damaged file shows up here first: not a database, or a failed quick check. */
static int store_check(struct store *st)
{
    sqlite3_busy_timeout(st->db, STORE_BUSY_MS);
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db, "PRAGMA quick_check(1)", -1, &s, NULL) != SQLITE_OK)
        return -1;
    int rc = sqlite3_step(s);
    const unsigned char *res = rc == SQLITE_ROW ? sqlite3_column_text(s, 0) : NULL;
    int good = res != NULL && strcmp((const char *)res, "ok") == 0;
    sqlite3_finalize(s);
    return good ? 0 : -1;
}

/* Journal settings come after the checks so a refused file is left as it was. */
static int store_tune(struct store *st)
{
    static const char *const pragmas[] = {
        "PRAGMA journal_mode = WAL",
        "PRAGMA synchronous = FULL",
    };
    return store_pragmas(st, pragmas, sizeof pragmas / sizeof *pragmas);
}

/* Why the file could not be opened, in the words of the system when there are some. */
static void store_cannot_open(struct store *st, int rc)
{
    struct stat info;
    int err = st->db != NULL ? sqlite3_system_errno(st->db) : 0;
    const char *why = st->db != NULL ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc);
    if (stat(st->path, &info) == 0 && S_ISDIR(info.st_mode))
        why = "it is a folder";
    else if (err != 0)
        why = strerror(err);
    snprintf(st->err, sizeof st->err, "%s: cannot open the progress database: %s", st->path,
             why);
}

static void store_damaged(struct store *st)
{
    int code = sqlite3_errcode(st->db);
    if (code != SQLITE_NOTADB && code != SQLITE_CORRUPT && code != SQLITE_OK &&
        code != SQLITE_ROW) {
        store_cannot_open(st, code);
        return;
    }
    snprintf(st->err, sizeof st->err, "%s: the progress database is damaged or not a "
             "database (%s); move it aside to start afresh", st->path,
             code == SQLITE_ROW || code == SQLITE_OK ? "integrity check failed"
                                                     : sqlite3_errmsg(st->db));
}

struct store *store_open(const char *path, char **cause)
{
    struct store *st = xcalloc(1, sizeof *st);
    st->path = xstrdup(path);
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    int rc = sqlite3_open_v2(path, &st->db, flags, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_extended_result_codes(st->db, 0);
        static const char *const fk[] = { "PRAGMA foreign_keys = ON" };
        if (store_check(st) < 0) {
            store_damaged(st);
            rc = SQLITE_ERROR;
        } else if (store_pragmas(st, fk, 1) < 0 || store_migrate(st) < 0 ||
                   store_tune(st) < 0) {
            rc = SQLITE_ERROR;
        }
    } else {
        store_cannot_open(st, rc);
    }
    if (rc == SQLITE_OK)
        return st;
    if (cause != NULL)
        *cause = xstrdup(st->err);
    store_close(st);
    return NULL;
}

void store_close(struct store *st)
{
    if (st == NULL)
        return;
    for (int i = 0; i < Q_COUNT; i++)
        sqlite3_finalize(st->q[i]);
    sqlite3_close_v2(st->db);
    free(st->path);
    free(st);
}

const char *store_errmsg(struct store *st)
{
    if (st == NULL)
        return "no progress store";
    return st->err[0] != '\0' ? st->err : sqlite3_errmsg(st->db);
}

/* ---- settings and lessons -------------------------------------------------------- */

int store_set(struct store *st, const char *key, const char *value)
{
    if (store_begin(st) < 0)
        return -1;
    sqlite3_stmt *s = store_q(st, Q_SET);
    if (s != NULL) {
        sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 2, value, -1, SQLITE_STATIC);
    }
    return store_end(st, store_done(st, s));
}

char *store_get(struct store *st, const char *key)
{
    sqlite3_stmt *s = store_q(st, Q_GET);
    if (s == NULL)
        return NULL;
    sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
    if (store_row(st, s) <= 0)
        return NULL;
    const char *v = (const char *)sqlite3_column_text(s, 0);
    char *out = xstrndup(v != NULL ? v : "", (size_t)sqlite3_column_bytes(s, 0));
    sqlite3_reset(s);
    return out;
}

int store_mark_read(struct store *st, const char *lesson_id)
{
    if (store_begin(st) < 0)
        return -1;
    sqlite3_stmt *s = store_q(st, Q_MARK_READ);
    if (s != NULL) {
        sqlite3_bind_text(s, 1, lesson_id, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 2, (int64_t)time(NULL));
    }
    return store_end(st, store_done(st, s));
}

int store_lesson_is_read(struct store *st, const char *lesson_id)
{
    sqlite3_stmt *s = store_q(st, Q_IS_READ);
    if (s == NULL)
        return -1;
    sqlite3_bind_text(s, 1, lesson_id, -1, SQLITE_STATIC);
    int64_t n = store_int(st, s, 0);
    return n < 0 ? -1 : n > 0;
}

/* ---- lab attempts ------------------------------------------------------------------ */

int store_record_attempt(struct store *st, struct store_attempt *a)
{
    if (store_begin(st) < 0)
        return -1;
    sqlite3_stmt *s = store_q(st, Q_ATTEMPT_ADD);
    if (s != NULL) {
        store_text(s, 1, a->lab, sizeof a->lab);
        if (a->when <= 0)
            a->when = (int64_t)time(NULL);
        sqlite3_bind_int64(s, 2, a->when);
        sqlite3_bind_int(s, 3, a->passed);
        sqlite3_bind_int(s, 4, a->failed);
        sqlite3_bind_int(s, 5, a->total);
        sqlite3_bind_double(s, 6, a->duration);
        store_text(s, 7, a->verdict, sizeof a->verdict);
        sqlite3_bind_int64(s, 8, store_seed_in(a->seed));
        store_text(s, 9, a->summary, sizeof a->summary);
    }
    int rc = store_done(st, s);
    int64_t id = sqlite3_last_insert_rowid(st->db);
    if (store_end(st, rc) < 0)
        return -1;
    a->id = id;
    return 0;
}

int store_lab_status(struct store *st, const char *lab, struct store_lab_status *out)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *s = store_q(st, Q_LAB_COUNT);
    if (s == NULL)
        return -1;
    sqlite3_bind_text(s, 1, lab, -1, SQLITE_STATIC);
    if (store_row(st, s) <= 0)
        return -1;
    out->attempts = sqlite3_column_int(s, 0);
    out->passed = sqlite3_column_int(s, 1) != 0;
    out->passed_when = sqlite3_column_int64(s, 2);
    sqlite3_reset(s);
    if (out->attempts == 0)
        return 0;
    if ((s = store_q(st, Q_LAB_BEST)) == NULL)
        return -1;
    sqlite3_bind_text(s, 1, lab, -1, SQLITE_STATIC);
    if (store_row(st, s) < 0)
        return -1;
    out->best_passed = sqlite3_column_int(s, 0);
    out->best_total = sqlite3_column_int(s, 1);
    sqlite3_reset(s);
    if ((s = store_q(st, Q_LAB_LAST)) == NULL)
        return -1;
    sqlite3_bind_text(s, 1, lab, -1, SQLITE_STATIC);
    if (store_row(st, s) < 0)
        return -1;
    out->last_when = sqlite3_column_int64(s, 0);
    store_copy(s, 1, out->last_verdict, sizeof out->last_verdict);
    sqlite3_reset(s);
    return 0;
}

static void store_attempt_row(sqlite3_stmt *s, struct store_attempt *a)
{
    memset(a, 0, sizeof *a);
    a->id = sqlite3_column_int64(s, 0);
    store_copy(s, 1, a->lab, sizeof a->lab);
    a->when = sqlite3_column_int64(s, 2);
    a->passed = sqlite3_column_int(s, 3);
    a->failed = sqlite3_column_int(s, 4);
    a->total = sqlite3_column_int(s, 5);
    a->duration = sqlite3_column_double(s, 6);
    store_copy(s, 7, a->verdict, sizeof a->verdict);
    a->seed = store_seed_out(sqlite3_column_int64(s, 8));
    store_copy(s, 9, a->summary, sizeof a->summary);
}

int store_recent_attempts(struct store *st, const char *lab, struct store_attempt *out, int max)
{
    if (max <= 0)
        return 0;
    sqlite3_stmt *s = store_q(st, lab != NULL ? Q_RECENT_LAB : Q_RECENT_ALL);
    if (s == NULL)
        return -1;
    if (lab != NULL)
        sqlite3_bind_text(s, 1, lab, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, lab != NULL ? 2 : 1, max);
    int n = 0, rc = SQLITE_DONE;
    while (n < max && (rc = sqlite3_step(s)) == SQLITE_ROW)
        store_attempt_row(s, &out[n++]);
    if (n < max && rc != SQLITE_DONE)
        n = store_fail(st, "read attempts");
    sqlite3_reset(s);
    return n;
}

/* ---- hints ----------------------------------------------------------------------- */

int store_hints_shown(struct store *st, const char *lab)
{
    sqlite3_stmt *s = store_q(st, Q_HINT_GET);
    if (s == NULL)
        return -1;
    sqlite3_bind_text(s, 1, lab, -1, SQLITE_STATIC);
    return (int)store_int(st, s, 0);
}

int store_hint_reveal(struct store *st, const char *lab, int max)
{
    if (store_begin(st) < 0)
        return -1;
    sqlite3_stmt *s = store_q(st, Q_HINT_ENSURE);
    if (s != NULL)
        sqlite3_bind_text(s, 1, lab, -1, SQLITE_STATIC);
    int rc = store_done(st, s);
    if (rc == 0 && (s = store_q(st, Q_HINT_BUMP)) != NULL) {
        sqlite3_bind_text(s, 1, lab, -1, SQLITE_STATIC);
        sqlite3_bind_int(s, 2, max < 0 ? 0 : max);
    }
    if (rc == 0)
        rc = store_done(st, s);
    int shown = rc == 0 ? store_hints_shown(st, lab) : -1;
    if (store_end(st, shown < 0 ? -1 : 0) < 0)
        return -1;
    return shown;
}

/* ---- exam sittings ------------------------------------------------------------------ */

static void store_sitting_row(sqlite3_stmt *s, struct store_sitting *out)
{
    memset(out, 0, sizeof *out);
    out->id = sqlite3_column_int64(s, 0);
    store_copy(s, 1, out->exam, sizeof out->exam);
    out->started = sqlite3_column_int64(s, 2);
    out->deadline = sqlite3_column_int64(s, 3);
    out->submitted = sqlite3_column_int64(s, 4);
    out->seed = store_seed_out(sqlite3_column_int64(s, 5));
    out->score = sqlite3_column_int(s, 6);
    out->max_score = sqlite3_column_int(s, 7);
    out->passed = sqlite3_column_int(s, 8);
}

/* Runs a sitting query bound to text key or id; fills *out (may be NULL). 1, 0, -1. */
static int store_sitting_fetch(struct store *st, enum store_q q, const char *exam, int64_t id,
                               struct store_sitting *out)
{
    sqlite3_stmt *s = store_q(st, q);
    if (s == NULL)
        return -1;
    if (exam != NULL)
        sqlite3_bind_text(s, 1, exam, -1, SQLITE_STATIC);
    else
        sqlite3_bind_int64(s, 1, id);
    int r = store_row(st, s);
    if (r == 1) {
        if (out != NULL)
            store_sitting_row(s, out);
        sqlite3_reset(s);
    }
    return r;
}

int store_sitting_start(struct store *st, struct store_sitting *s)
{
    if (store_begin(st) < 0)
        return -1;
    sqlite3_stmt *q = store_q(st, Q_SIT_ADD);
    if (q != NULL) {
        store_text(q, 1, s->exam, sizeof s->exam);
        sqlite3_bind_int64(q, 2, s->started);
        sqlite3_bind_int64(q, 3, s->deadline);
        sqlite3_bind_int64(q, 4, store_seed_in(s->seed));
    }
    int rc = store_done(st, q);
    int64_t id = sqlite3_last_insert_rowid(st->db);
    if (store_end(st, rc) < 0)
        return -1;
    s->id = id;
    s->submitted = 0;
    s->score = s->max_score = s->passed = 0;
    return 0;
}

int store_sitting_open(struct store *st, const char *exam, struct store_sitting *out)
{
    return store_sitting_fetch(st, Q_SIT_OPEN, exam, 0, out);
}

int store_sitting_get(struct store *st, int64_t sitting, struct store_sitting *out)
{
    return store_sitting_fetch(st, Q_SIT_GET, NULL, sitting, out);
}

/* Inside a transaction: 0 when the sitting exists and is still open. */
static int store_sitting_writable(struct store *st, int64_t sitting)
{
    sqlite3_stmt *s = store_q(st, Q_SIT_STATE);
    if (s == NULL)
        return -1;
    sqlite3_bind_int64(s, 1, sitting);
    int64_t submitted = store_int(st, s, -2);
    if (submitted == 0)
        return 0;
    if (submitted != -1)
        snprintf(st->err, sizeof st->err, "sitting %lld %s", (long long)sitting,
                 submitted == -2 ? "does not exist" : "is already submitted");
    return -1;
}

int store_sitting_answer(struct store *st, int64_t sitting, const char *question,
                         const char *answer, int flagged)
{
    if (store_begin(st) < 0)
        return -1;
    int rc = store_sitting_writable(st, sitting);
    sqlite3_stmt *s = rc == 0 ? store_q(st, Q_ANSWER_PUT) : NULL;
    if (s != NULL) {
        sqlite3_bind_int64(s, 1, sitting);
        sqlite3_bind_text(s, 2, question, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 3, answer != NULL ? answer : "", -1, SQLITE_STATIC);
        sqlite3_bind_int(s, 4, flagged != 0);
    }
    if (rc == 0)
        rc = store_done(st, s);
    return store_end(st, rc);
}

char *store_sitting_get_answer(struct store *st, int64_t sitting, const char *question,
                               int *flagged)
{
    if (flagged != NULL)
        *flagged = 0;
    sqlite3_stmt *s = store_q(st, Q_ANSWER_GET);
    if (s == NULL)
        return NULL;
    sqlite3_bind_int64(s, 1, sitting);
    sqlite3_bind_text(s, 2, question, -1, SQLITE_STATIC);
    if (store_row(st, s) <= 0)
        return NULL;
    const char *v = (const char *)sqlite3_column_text(s, 0);
    char *out = xstrndup(v != NULL ? v : "", (size_t)sqlite3_column_bytes(s, 0));
    if (flagged != NULL)
        *flagged = sqlite3_column_int(s, 1);
    sqlite3_reset(s);
    return out;
}

int store_sitting_answers(struct store *st, int64_t sitting,
                          int (*fn)(void *arg, const char *question, const char *answer,
                                    int flagged),
                          void *arg)
{
    sqlite3_stmt *s = store_q(st, Q_ANSWER_LIST);
    if (s == NULL)
        return -1;
    sqlite3_bind_int64(s, 1, sitting);
    int n = 0, rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        n++;
        if (fn(arg, (const char *)sqlite3_column_text(s, 0),
               (const char *)sqlite3_column_text(s, 1), sqlite3_column_int(s, 2)) != 0)
            break;
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        n = store_fail(st, "read answers");
    sqlite3_reset(s);
    return n;
}

int store_sitting_submit(struct store *st, int64_t sitting, int score, int max_score, int passed,
                         int64_t when)
{
    if (store_begin(st) < 0)
        return -1;
    int rc = store_sitting_writable(st, sitting);
    sqlite3_stmt *s = rc == 0 ? store_q(st, Q_SIT_SUBMIT) : NULL;
    if (s != NULL) {
        sqlite3_bind_int64(s, 1, sitting);
        sqlite3_bind_int64(s, 2, when > 0 ? when : (int64_t)time(NULL));
        sqlite3_bind_int(s, 3, score);
        sqlite3_bind_int(s, 4, max_score);
        sqlite3_bind_int(s, 5, passed != 0);
    }
    if (rc == 0)
        rc = store_done(st, s);
    return store_end(st, rc);
}

int store_sitting_count(struct store *st, const char *exam)
{
    sqlite3_stmt *s = store_q(st, Q_SIT_COUNT);
    if (s == NULL)
        return -1;
    sqlite3_bind_text(s, 1, exam, -1, SQLITE_STATIC);
    return (int)store_int(st, s, 0);
}

int store_sitting_best(struct store *st, const char *exam, struct store_sitting *best,
                       struct store_sitting *latest)
{
    int r = store_sitting_fetch(st, Q_SIT_BEST, exam, 0, best);
    if (r == 1 && store_sitting_fetch(st, Q_SIT_LATEST, exam, 0, latest) < 0)
        return -1;
    return r;
}
