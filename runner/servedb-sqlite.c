/* servedb-sqlite.c -- the SQLite engine of the class server's database: one file, WAL
 * (readers never wait for the writer), a busy timeout for the other processes (workers),
 * the schema version in a schema_version table, and the statements of enum servedb_q in
 * SQLite's dialect, prepared once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "servedb-int.h"
#include "util.h"

/* Waiting for another process's write lock longer than this is an error. */
#define SQL_BUSY_MS 10000
#define SQL_MAX_COLS 12

/* The columns of a sitting (servedb-int.h's SITTING), for the statements that read one. */
#define SQL_SITTING                                                                        \
    "SELECT s.id, s.learner_id, s.exam, s.seed, s.started, s.deadline, s.submitted, "     \
    "s.percent, s.passed, s.expired, (SELECT count(*) FROM sittings s2 "                 \
    "WHERE s2.learner_id = s.learner_id AND s2.exam = s.exam AND s2.id <= s.id) "         \
    "FROM sittings s "

static const char *const sql_text[SQ_COUNT] = {
    [SQ_BEGIN] = "BEGIN IMMEDIATE",
    [SQ_COMMIT] = "COMMIT",
    [SQ_ROLLBACK] = "ROLLBACK",
    [SQ_CLASS_ADD] = "INSERT INTO classes(name, code, created) VALUES(?1, ?2, ?3)",
    [SQ_CLASS_BY_NAME] = "SELECT id FROM classes WHERE name = ?1",
    [SQ_CLASS_BY_CODE] = "SELECT id, name FROM classes WHERE code = ?1",
    [SQ_LEARNER_ADD] = "INSERT INTO learners(class_id, name, token_hash, created) "
                       "VALUES(?1, ?2, ?3, ?4)",
    [SQ_LEARNER_BY_NAME] = "SELECT id FROM learners WHERE class_id = ?1 AND name = ?2",
    [SQ_LEARNER_BY_HASH] = "SELECT id, token_hash FROM learners WHERE token_hash = ?1",
    [SQ_RECENT] = "SELECT count(*), min(created) FROM submissions "
                  "WHERE learner_id = ?1 AND created > ?2",
    [SQ_QUEUE_SIZE] = "SELECT count(*) FROM jobs WHERE state != 'done'",
    [SQ_SUB_ADD] = "INSERT INTO submissions(learner_id, lab, created, archive, size) "
                   "VALUES(?1, ?2, ?3, ?4, ?5) RETURNING id",
    [SQ_JOB_ADD] = "INSERT INTO jobs(submission_id, priority, state, claim, attempts) "
                   "VALUES(?1, ?2, 'queued', 0, 0)",
    [SQ_SUB_GET] = "SELECT s.id, s.lab, j.state, j.priority, r.verdict, r.passed, r.failed, "
                   "r.total, r.duration, r.report, "
                   "CASE WHEN EXISTS (SELECT 1 FROM learners l JOIN deadlines d "
                   "ON d.class_id = l.class_id WHERE l.id = s.learner_id AND d.lab = s.lab "
                   "AND s.created > d.due) THEN 1 ELSE 0 END "
                   "FROM submissions s "
                   "JOIN jobs j ON j.submission_id = s.id "
                   "LEFT JOIN results r ON r.submission_id = s.id "
                   "WHERE s.id = ?1 AND s.learner_id = ?2",
    [SQ_POSITION] = "SELECT count(*) FROM jobs WHERE state != 'done' AND "
                    "(priority < ?1 OR (priority = ?1 AND submission_id <= ?2))",
    [SQ_CLAIM] = "UPDATE jobs SET state = 'running', claim = claim + 1, worker = ?1, "
                 "lease_until = ?3, attempts = attempts + 1 WHERE submission_id = "
                 "(SELECT submission_id FROM jobs WHERE state = 'queued' OR "
                 "(state = 'running' AND lease_until < ?2) "
                 "ORDER BY priority, submission_id LIMIT 1) "
                 "RETURNING submission_id, claim, attempts",
    [SQ_JOB_LOAD] = "SELECT lab, archive FROM submissions WHERE id = ?1",
    [SQ_HEARTBEAT] = "UPDATE jobs SET lease_until = ?3 WHERE submission_id = ?1 "
                     "AND claim = ?2 AND state = 'running'",
    [SQ_DONE] = "UPDATE jobs SET state = 'done', lease_until = NULL WHERE submission_id = ?1 "
                "AND claim = ?2 AND state = 'running'",
    [SQ_RESULT_ADD] = "INSERT INTO results(submission_id, verdict, passed, failed, total, "
                      "duration, report, graded) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    [SQ_STAFF_ADD] = "INSERT INTO staff(kind, name, token_hash, created) VALUES(?1, ?2, ?3, ?4)",
    [SQ_STAFF_BY_NAME] = "SELECT id FROM staff WHERE kind = ?1 AND name = ?2",
    [SQ_STAFF_BY_HASH] = "SELECT id, token_hash, name FROM staff WHERE kind = ?1 "
                         "AND token_hash = ?2",
    [SQ_CLASSES] = "SELECT id, name, code FROM classes ORDER BY name",
    [SQ_CLASS_LEARNERS] = "SELECT id, name FROM learners WHERE class_id = ?1 ORDER BY name, id",
    [SQ_LEARNER_GET] = "SELECT name, class_id FROM learners WHERE id = ?1",
    [SQ_CELLS] = "SELECT l.id, s.lab, sum(CASE WHEN j.priority = 0 THEN 1 ELSE 0 END), "
                 "max(coalesce(r.passed, 0)), max(coalesce(r.total, 0)), "
                 "max(CASE WHEN r.verdict = 'pass' THEN 1 ELSE 0 END), max(s.created), "
                 "max(CASE WHEN r.verdict = 'pass' AND (d.due IS NULL OR s.created <= d.due) "
                 "THEN 1 ELSE 0 END) "
                 "FROM learners l JOIN submissions s ON s.learner_id = l.id "
                 "JOIN jobs j ON j.submission_id = s.id "
                 "LEFT JOIN results r ON r.submission_id = s.id "
                 "LEFT JOIN deadlines d ON d.class_id = l.class_id AND d.lab = s.lab "
                 "WHERE l.class_id = ?1 AND (?2 = 0 OR l.id = ?2) "
                 "GROUP BY l.id, l.name, s.lab ORDER BY l.name, l.id, s.lab",
    [SQ_HISTORY] = "SELECT s.id, s.lab, s.created, j.state, j.priority, r.verdict, r.passed, "
                   "r.failed, r.total FROM submissions s "
                   "JOIN jobs j ON j.submission_id = s.id "
                   "LEFT JOIN results r ON r.submission_id = s.id "
                   "WHERE s.learner_id = ?1 ORDER BY s.id DESC LIMIT 200",
    [SQ_CLASS_REPORTS] = "SELECT s.lab, r.report FROM results r "
                         "JOIN submissions s ON s.id = r.submission_id "
                         "JOIN learners l ON l.id = s.learner_id WHERE l.class_id = ?1 "
                         "AND r.submission_id = (SELECT max(r2.submission_id) FROM results r2 "
                         "JOIN submissions s2 ON s2.id = r2.submission_id "
                         "WHERE s2.learner_id = s.learner_id AND s2.lab = s.lab)",
    [SQ_REGRADE_COPY] = "INSERT INTO submissions(learner_id, lab, created, archive, size) "
                        "SELECT s.learner_id, s.lab, s.created, s.archive, s.size "
                        "FROM submissions s JOIN learners l ON l.id = s.learner_id "
                        "WHERE s.lab = ?1 "
                        "AND (?2 = 0 OR l.class_id = ?2) AND s.id = (SELECT max(s2.id) "
                        "FROM submissions s2 WHERE s2.learner_id = s.learner_id "
                        "AND s2.lab = ?1) RETURNING id",
    [SQ_DEADLINE_SET] = "INSERT INTO deadlines(class_id, lab, due) VALUES(?1, ?2, ?3) "
                        "ON CONFLICT(class_id, lab) DO UPDATE SET due = excluded.due",
    [SQ_DEADLINE_CLEAR] = "DELETE FROM deadlines WHERE class_id = ?1 AND lab = ?2",
    [SQ_DEADLINES] = "SELECT lab, due FROM deadlines WHERE class_id = ?1 ORDER BY lab",
    [SQ_DUE] = "SELECT d.due FROM deadlines d JOIN learners l ON l.class_id = d.class_id "
               "WHERE l.id = ?1 AND d.lab = ?2",
    [SQ_LEARNER_LOCK] = "SELECT id FROM learners WHERE id = ?1",
    [SQ_SITTING_OPEN] = SQL_SITTING "WHERE s.learner_id = ?1 AND s.exam = ?2 "
                        "AND s.submitted = 0",
    [SQ_SITTING_USED] = "SELECT count(*) FROM sittings WHERE learner_id = ?1 AND exam = ?2 "
                        "AND submitted <> 0",
    [SQ_SITTING_ADD] = "INSERT INTO sittings(learner_id, exam, seed, started, deadline, "
                       "submitted) VALUES(?1, ?2, ?3, ?4, ?5, 0) ON CONFLICT (learner_id, "
                       "exam) WHERE submitted = 0 DO NOTHING RETURNING id",
    [SQ_SITTING_GET] = SQL_SITTING "WHERE s.id = ?1 AND s.learner_id = ?2",
    [SQ_ANSWER_SET] = "INSERT INTO sitting_answers(sitting_id, question, answer, flagged) "
                      "SELECT ?1, ?2, ?3, ?4 WHERE EXISTS (SELECT 1 FROM sittings "
                      "WHERE id = ?1 AND submitted = 0 AND deadline > ?5) "
                      "ON CONFLICT (sitting_id, question) DO UPDATE SET "
                      "answer = excluded.answer, flagged = excluded.flagged",
    [SQ_ANSWERS] = "SELECT question, answer, flagged FROM sitting_answers "
                   "WHERE sitting_id = ?1 ORDER BY question",
    [SQ_SITTING_SUBMIT] = "UPDATE sittings SET submitted = ?2, percent = ?3, passed = ?4, "
                          "expired = ?5 WHERE id = ?1 AND submitted = 0",
    [SQ_EXAM_STANDING] = "SELECT l.id, s.exam, "
                         "sum(CASE WHEN s.submitted <> 0 THEN 1 ELSE 0 END), "
                         "max(CASE WHEN s.submitted <> 0 THEN s.percent END), "
                         "max(CASE WHEN s.submitted <> 0 THEN s.passed ELSE 0 END), "
                         "max(CASE WHEN s.submitted = 0 THEN s.id END), "
                         "max(CASE WHEN s.submitted = 0 THEN s.deadline END) "
                         "FROM learners l JOIN sittings s ON s.learner_id = l.id "
                         "WHERE (?1 = 0 OR l.class_id = ?1) AND (?2 = 0 OR l.id = ?2) "
                         "GROUP BY l.id, l.name, s.exam ORDER BY l.name, l.id, s.exam",
    [SQ_SITTINGS_OF] = SQL_SITTING "WHERE s.learner_id = ?1 ORDER BY s.id DESC",
    [SQ_SITTINGS_DUE] = SQL_SITTING "JOIN learners l ON l.id = s.learner_id "
                        "WHERE (?1 = 0 OR l.class_id = ?1) AND (?2 = 0 OR l.id = ?2) "
                        "AND s.submitted = 0 AND s.deadline <= ?3 ORDER BY s.id",
};

/* Version 1: the whole schema of docs/server.md. Each step stamps its own version inside
 * the migration's transaction, so a step is applied entirely or not at all. */
static const char sql_schema_v1[] =
    "CREATE TABLE schema_version(version INTEGER NOT NULL);"
    "INSERT INTO schema_version(version) VALUES(0);"
    "CREATE TABLE classes(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
    " code TEXT NOT NULL UNIQUE, created INTEGER NOT NULL);"
    "CREATE TABLE learners(id INTEGER PRIMARY KEY,"
    " class_id INTEGER NOT NULL REFERENCES classes(id), name TEXT NOT NULL,"
    " token_hash TEXT NOT NULL UNIQUE, created INTEGER NOT NULL, UNIQUE(class_id, name));"
    "CREATE TABLE submissions(id INTEGER PRIMARY KEY,"
    " learner_id INTEGER NOT NULL REFERENCES learners(id), lab TEXT NOT NULL,"
    " created INTEGER NOT NULL, archive BLOB NOT NULL, size INTEGER NOT NULL);"
    "CREATE INDEX submissions_by_learner ON submissions(learner_id, created);"
    "CREATE TABLE jobs(submission_id INTEGER PRIMARY KEY REFERENCES submissions(id),"
    " priority INTEGER NOT NULL DEFAULT 0, state TEXT NOT NULL"
    " CHECK (state IN ('queued', 'running', 'done')), claim INTEGER NOT NULL DEFAULT 0,"
    " worker TEXT, lease_until INTEGER, attempts INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX jobs_queue ON jobs(state, priority, submission_id);"
    "CREATE TABLE results(submission_id INTEGER PRIMARY KEY REFERENCES submissions(id),"
    " verdict TEXT NOT NULL, passed INTEGER NOT NULL, failed INTEGER NOT NULL,"
    " total INTEGER NOT NULL, duration REAL NOT NULL, report TEXT NOT NULL,"
    " graded INTEGER NOT NULL);"
    "UPDATE schema_version SET version = 1;";

/* Version 2: staff tokens (instructors for the dashboard, grading machines). */
static const char sql_schema_v2[] =
    "CREATE TABLE staff(id INTEGER PRIMARY KEY, kind TEXT NOT NULL"
    " CHECK (kind IN ('instructor', 'worker')), name TEXT NOT NULL,"
    " token_hash TEXT NOT NULL UNIQUE, created INTEGER NOT NULL, UNIQUE(kind, name));"
    "UPDATE schema_version SET version = 2;";

/* Version 3: deadlines per lab and class (a submission after one is marked late). */
static const char sql_schema_v3[] =
    "CREATE TABLE deadlines(class_id INTEGER NOT NULL REFERENCES classes(id),"
    " lab TEXT NOT NULL, due INTEGER NOT NULL, PRIMARY KEY (class_id, lab));"
    "UPDATE schema_version SET version = 3;";

/* Version 4: exams sat on the server; at most one open sitting per learner and exam. */
static const char sql_schema_v4[] =
    "CREATE TABLE sittings(id INTEGER PRIMARY KEY,"
    " learner_id INTEGER NOT NULL REFERENCES learners(id), exam TEXT NOT NULL,"
    " seed INTEGER NOT NULL, started INTEGER NOT NULL, deadline INTEGER NOT NULL,"
    " submitted INTEGER NOT NULL DEFAULT 0, percent INTEGER, passed INTEGER,"
    " expired INTEGER);"
    "CREATE UNIQUE INDEX sittings_open ON sittings(learner_id, exam) WHERE submitted = 0;"
    "CREATE INDEX sittings_by_learner ON sittings(learner_id, exam, id);"
    "CREATE TABLE sitting_answers(sitting_id INTEGER NOT NULL REFERENCES sittings(id),"
    " question TEXT NOT NULL, answer TEXT NOT NULL, flagged INTEGER NOT NULL,"
    " PRIMARY KEY (sitting_id, question));"
    "UPDATE schema_version SET version = 4;";

static const char *const sql_steps[] = { sql_schema_v1, sql_schema_v2,
                                          sql_schema_v3, sql_schema_v4 };
#define SQL_VERSION ((int)(sizeof sql_steps / sizeof *sql_steps))

struct sql_conn {
    sqlite3 *db;
    char *path;
    sqlite3_stmt *q[SQ_COUNT];      /* prepared on first use */
    void *keep[SQL_MAX_COLS];       /* copies of the last row's text and blobs */
    char err[512];
};

static int sql_fail(struct sql_conn *c, const char *what)
{
    snprintf(c->err, sizeof c->err, "%s: %s: %s", c->path, what, sqlite3_errmsg(c->db));
    return -1;
}

static const char *sql_errmsg(void *conn)
{
    return ((struct sql_conn *)conn)->err;
}

static void sql_bind(sqlite3_stmt *s, int col, const struct servedb_val *v)
{
    static const size_t max_len = 0x7fffffff;
    switch (v->type) {
    case SV_INT: sqlite3_bind_int64(s, col, v->i); break;
    case SV_REAL: sqlite3_bind_double(s, col, v->r); break;
    case SV_TEXT: sqlite3_bind_text(s, col, v->p, -1, SQLITE_STATIC); break;
    case SV_BLOB:
        sqlite3_bind_blob(s, col, v->p, (int)(v->len < max_len ? v->len : max_len),
                          SQLITE_STATIC);
        break;
    case SV_NULL: sqlite3_bind_null(s, col); break;
    }
}

/* Column i of the current row into v; text and blobs are copied into c->keep. */
static void sql_column(struct sql_conn *c, sqlite3_stmt *s, int i, struct servedb_val *v)
{
    int type = sqlite3_column_type(s, i);
    memset(v, 0, sizeof *v);
    if (type == SQLITE_INTEGER) {
        *v = (struct servedb_val){ .type = SV_INT, .i = sqlite3_column_int64(s, i) };
    } else if (type == SQLITE_FLOAT) {
        *v = (struct servedb_val){ .type = SV_REAL, .r = sqlite3_column_double(s, i) };
    } else if (type == SQLITE_TEXT || type == SQLITE_BLOB) {
        const void *p = type == SQLITE_TEXT ? (const void *)sqlite3_column_text(s, i)
                                            : sqlite3_column_blob(s, i);
        size_t n = (size_t)sqlite3_column_bytes(s, i);
        char *copy = xmalloc(n + 1);
        if (n > 0)
            memcpy(copy, p, n);
        copy[n] = '\0';
        c->keep[i] = copy;
        *v = (struct servedb_val){ .type = type == SQLITE_TEXT ? SV_TEXT : SV_BLOB,
                                   .p = copy, .len = n };
    }
}

static int sql_run(void *conn, enum servedb_q q, const struct servedb_val *args, int nargs,
                   struct servedb_val *cols, int ncols, int64_t *changes)
{
    struct sql_conn *c = conn;
    for (int i = 0; i < SQL_MAX_COLS; i++) {
        free(c->keep[i]);
        c->keep[i] = NULL;
    }
    if (c->q[q] == NULL && sqlite3_prepare_v3(c->db, sql_text[q], -1,
                                              SQLITE_PREPARE_PERSISTENT, &c->q[q], NULL)
                           != SQLITE_OK)
        return sql_fail(c, "prepare");
    sqlite3_stmt *s = c->q[q];
    for (int i = 0; i < nargs; i++)
        sql_bind(s, i + 1, &args[i]);
    int rc = sqlite3_step(s);
    int row = rc == SQLITE_ROW;
    for (int i = 0; row && i < ncols && i < SQL_MAX_COLS; i++)
        sql_column(c, s, i, &cols[i]);
    while (rc == SQLITE_ROW)    /* a RETURNING statement finishes its writes */
        rc = sqlite3_step(s);
    if (changes != NULL)
        *changes = sqlite3_changes64(c->db);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (rc != SQLITE_DONE)
        return sql_fail(c, q == SQ_BEGIN ? "begin" : "statement");
    return row;
}

static int sql_each(void *conn, enum servedb_q q, const struct servedb_val *args, int nargs,
                    int (*row)(void *ud, const struct servedb_val *cols, int ncols), void *ud)
{
    struct sql_conn *c = conn;
    if (c->q[q] == NULL && sqlite3_prepare_v3(c->db, sql_text[q], -1,
                                              SQLITE_PREPARE_PERSISTENT, &c->q[q], NULL)
                           != SQLITE_OK)
        return sql_fail(c, "prepare");
    sqlite3_stmt *s = c->q[q];
    for (int i = 0; i < nargs; i++)
        sql_bind(s, i + 1, &args[i]);
    int rc, n = 0, stop = 0, ncols = sqlite3_column_count(s);
    if (ncols > SQL_MAX_COLS)
        ncols = SQL_MAX_COLS;
    struct servedb_val cols[SQL_MAX_COLS];
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (stop)
            continue;           /* a RETURNING statement finishes its writes */
        for (int i = 0; i < SQL_MAX_COLS; i++) {
            free(c->keep[i]);
            c->keep[i] = NULL;
        }
        for (int i = 0; i < ncols; i++)
            sql_column(c, s, i, &cols[i]);
        n++;
        stop = row(ud, cols, ncols) != 0;
    }
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return rc == SQLITE_DONE ? n : sql_fail(c, "statement");
}

/* Runs sql, retrying while busy for up to SQL_BUSY_MS: switching a new file to WAL while
 * other processes open it too can be refused at once, without the busy handler. */
static int sql_exec(struct sql_conn *c, const char *sql)
{
    double deadline = util_mono() + SQL_BUSY_MS / 1000.0;
    int rc;
    while ((rc = sqlite3_exec(c->db, sql, NULL, NULL, NULL)) == SQLITE_BUSY
           && util_mono() < deadline)
        sqlite3_sleep(5);
    return rc == SQLITE_OK ? 0 : sql_fail(c, sql);
}

/* The schema version: 0 for an empty file, -1 (c->err) for a file that is not ours. */
static int sql_version(struct sql_conn *c)
{
    sqlite3_stmt *s;
    const char *q = "SELECT (SELECT count(*) FROM sqlite_master WHERE type = 'table'),"
                    " (SELECT count(*) FROM sqlite_master WHERE name = 'schema_version')";
    if (sqlite3_prepare_v2(c->db, q, -1, &s, NULL) != SQLITE_OK)
        return sql_fail(c, "read the schema");
    int rc = sqlite3_step(s);
    int64_t tables = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
    int64_t ours = rc == SQLITE_ROW ? sqlite3_column_int64(s, 1) : 0;
    sqlite3_finalize(s);
    if (tables < 0)
        return sql_fail(c, "read the schema");
    if (tables == 0)
        return 0;
    if (ours == 0 || sqlite3_prepare_v2(c->db, "SELECT version FROM schema_version", -1, &s,
                                        NULL) != SQLITE_OK) {
        snprintf(c->err, sizeof c->err, "%s: not a stacklab class database", c->path);
        return -1;
    }
    int version = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int(s, 0) : -1;
    sqlite3_finalize(s);
    if (version < 0)
        snprintf(c->err, sizeof c->err, "%s: schema_version holds no version", c->path);
    return version;
}

/* Brings the schema up to SQL_VERSION in one transaction; refuses a newer one. */
static int sql_migrate(struct sql_conn *c)
{
    if (sql_exec(c, "BEGIN IMMEDIATE") < 0)
        return -1;
    int version = sql_version(c), rc = version < 0 ? -1 : 0;
    if (version > SQL_VERSION) {
        snprintf(c->err, sizeof c->err, "%s: the class database has schema version %d, newer "
                 "than this stacklab knows (%d); use a newer stacklab", c->path, version,
                 SQL_VERSION);
        rc = -1;
    }
    for (int v = version; rc == 0 && v < SQL_VERSION; v++)
        if (sqlite3_exec(c->db, sql_steps[v], NULL, NULL, NULL) != SQLITE_OK)
            rc = sql_fail(c, "migrate");
    if (rc == 0 && sql_exec(c, "COMMIT") == 0)
        return 0;
    sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
    return -1;
}

static void sql_close(void *conn)
{
    struct sql_conn *c = conn;
    if (c == NULL)
        return;
    for (int i = 0; i < SQ_COUNT; i++)
        sqlite3_finalize(c->q[i]);
    for (int i = 0; i < SQL_MAX_COLS; i++)
        free(c->keep[i]);
    sqlite3_close(c->db);
    free(c->path);
    free(c);
}

static void *sql_open(const char *where, char **cause)
{
    struct sql_conn *c = xcalloc(1, sizeof *c);
    c->path = xstrdup(where);
    int rc = -1;
    if (where[0] == '\0')
        snprintf(c->err, sizeof c->err, "sqlite: the database needs a path (sqlite:PATH)");
    else if (sqlite3_open_v2(where, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                             SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK)
        sql_fail(c, "cannot open");
    else if (sqlite3_busy_timeout(c->db, SQL_BUSY_MS), sql_exec(c, "PRAGMA journal_mode = WAL")
             == 0 && sql_exec(c, "PRAGMA synchronous = FULL") == 0
             && sql_exec(c, "PRAGMA foreign_keys = ON") == 0)
        rc = sql_migrate(c);
    if (rc == 0)
        return c;
    *cause = xstrdup(c->err);
    sql_close(c);
    return NULL;
}

const struct servedb_ops servedb_sqlite_ops = {
    .scheme = "sqlite", .open = sql_open, .close = sql_close, .run = sql_run,
    .errmsg = sql_errmsg, .each = sql_each,
};
