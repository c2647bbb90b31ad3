/* servedb-pg.c -- the PostgreSQL engine of the class server's database (libpq), for a
 * class graded by more than one machine: the statements of enum servedb_q in PostgreSQL's
 * dialect, claims that skip rows other workers hold (FOR UPDATE SKIP LOCKED), a trigger
 * that NOTIFYs stacklab_jobs when a job is queued and a `wait` that LISTENs for it, so an
 * idle worker wakes at once instead of polling. The schema is docs/server.md's, migrated
 * forward under an advisory lock (two servers starting at once migrate once). */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "servedb-int.h"
#include "util.h"

#define PG_MAX_COLS 12
#define PG_MAX_ARGS 10
/* pg_type oids of the columns read (catalog/pg_type_d.h, stable since PostgreSQL 7). */
#define PG_BYTEA 17
#define PG_INT8 20
#define PG_INT2 21
#define PG_INT4 23
#define PG_FLOAT4 700
#define PG_FLOAT8 701
/* The key of the advisory lock migrations hold ("stklab" in ASCII). */
#define PG_MIGRATE_LOCK 0x73746b6c6162LL

/* The columns of a sitting (servedb-int.h's SITTING), for the statements that read one. */
#define PG_SITTING                                                                         \
    "SELECT s.id, s.learner_id, s.exam, s.seed, s.started, s.deadline, s.submitted, "     \
    "s.percent, s.passed, s.expired, (SELECT count(*) FROM sittings s2 "                 \
    "WHERE s2.learner_id = s.learner_id AND s2.exam = s.exam AND s2.id <= s.id) "         \
    "FROM sittings s "

static const char *const pg_text[SQ_COUNT] = {
    [SQ_BEGIN] = "BEGIN",
    [SQ_COMMIT] = "COMMIT",
    [SQ_ROLLBACK] = "ROLLBACK",
    [SQ_CLASS_ADD] = "INSERT INTO classes(name, code, created) VALUES($1, $2, $3)",
    [SQ_CLASS_BY_NAME] = "SELECT id FROM classes WHERE name = $1",
    [SQ_CLASS_BY_CODE] = "SELECT id, name FROM classes WHERE code = $1",
    [SQ_LEARNER_ADD] = "INSERT INTO learners(class_id, name, token_hash, created) "
                       "VALUES($1, $2, $3, $4)",
    [SQ_LEARNER_BY_NAME] = "SELECT id FROM learners WHERE class_id = $1 AND name = $2",
    [SQ_LEARNER_BY_HASH] = "SELECT id, token_hash FROM learners WHERE token_hash = $1",
    /* Locks the learner's row first: two submissions of one learner at once are counted
     * one after the other, as SQLite's single writer does. */
    [SQ_RECENT] = "WITH l AS (SELECT id FROM learners WHERE id = $1 FOR UPDATE) "
                  "SELECT count(s.id), min(s.created) FROM l LEFT JOIN submissions s "
                  "ON s.learner_id = l.id AND s.created > $2",
    [SQ_QUEUE_SIZE] = "SELECT count(*) FROM jobs WHERE state <> 'done'",
    [SQ_SUB_ADD] = "INSERT INTO submissions(learner_id, lab, created, archive, size) "
                   "VALUES($1, $2, $3, $4, $5) RETURNING id",
    [SQ_JOB_ADD] = "INSERT INTO jobs(submission_id, priority, state, claim, attempts) "
                   "VALUES($1, $2, 'queued', 0, 0)",
    [SQ_SUB_GET] = "SELECT s.id, s.lab, j.state, j.priority, r.verdict, r.passed, r.failed, "
                   "r.total, r.duration, r.report, "
                   "CASE WHEN EXISTS (SELECT 1 FROM learners l JOIN deadlines d "
                   "ON d.class_id = l.class_id WHERE l.id = s.learner_id AND d.lab = s.lab "
                   "AND s.created > d.due) THEN 1 ELSE 0 END "
                   "FROM submissions s "
                   "JOIN jobs j ON j.submission_id = s.id "
                   "LEFT JOIN results r ON r.submission_id = s.id "
                   "WHERE s.id = $1 AND s.learner_id = $2",
    [SQ_POSITION] = "SELECT count(*) FROM jobs WHERE state <> 'done' AND "
                    "(priority < $1 OR (priority = $1 AND submission_id <= $2))",
    [SQ_CLAIM] = "UPDATE jobs SET state = 'running', claim = claim + 1, worker = $1, "
                 "lease_until = $3, attempts = attempts + 1 WHERE submission_id = "
                 "(SELECT submission_id FROM jobs WHERE state = 'queued' OR "
                 "(state = 'running' AND lease_until < $2) "
                 "ORDER BY priority, submission_id LIMIT 1 FOR UPDATE SKIP LOCKED) "
                 "RETURNING submission_id, claim, attempts",
    [SQ_JOB_LOAD] = "SELECT lab, archive FROM submissions WHERE id = $1",
    [SQ_HEARTBEAT] = "UPDATE jobs SET lease_until = $3 WHERE submission_id = $1 "
                     "AND claim = $2 AND state = 'running'",
    [SQ_DONE] = "UPDATE jobs SET state = 'done', lease_until = NULL WHERE submission_id = $1 "
                "AND claim = $2 AND state = 'running'",
    [SQ_RESULT_ADD] = "INSERT INTO results(submission_id, verdict, passed, failed, total, "
                      "duration, report, graded) VALUES($1, $2, $3, $4, $5, $6, $7, $8)",
    [SQ_STAFF_ADD] = "INSERT INTO staff(kind, name, token_hash, created) VALUES($1, $2, $3, $4)",
    [SQ_STAFF_BY_NAME] = "SELECT id FROM staff WHERE kind = $1 AND name = $2",
    [SQ_STAFF_BY_HASH] = "SELECT id, token_hash, name FROM staff WHERE kind = $1 "
                         "AND token_hash = $2",
    [SQ_CLASSES] = "SELECT id, name, code FROM classes ORDER BY name",
    [SQ_CLASS_LEARNERS] = "SELECT id, name FROM learners WHERE class_id = $1 ORDER BY name, id",
    [SQ_LEARNER_GET] = "SELECT name, class_id FROM learners WHERE id = $1",
    [SQ_CELLS] = "SELECT l.id, s.lab, sum(CASE WHEN j.priority = 0 THEN 1 ELSE 0 END), "
                 "max(coalesce(r.passed, 0)), max(coalesce(r.total, 0)), "
                 "max(CASE WHEN r.verdict = 'pass' THEN 1 ELSE 0 END), max(s.created), "
                 "max(CASE WHEN r.verdict = 'pass' AND (d.due IS NULL OR s.created <= d.due) "
                 "THEN 1 ELSE 0 END) "
                 "FROM learners l JOIN submissions s ON s.learner_id = l.id "
                 "JOIN jobs j ON j.submission_id = s.id "
                 "LEFT JOIN results r ON r.submission_id = s.id "
                 "LEFT JOIN deadlines d ON d.class_id = l.class_id AND d.lab = s.lab "
                 "WHERE l.class_id = $1::bigint AND ($2::bigint = 0 OR l.id = $2::bigint) "
                 "GROUP BY l.id, l.name, s.lab ORDER BY l.name, l.id, s.lab",
    [SQ_HISTORY] = "SELECT s.id, s.lab, s.created, j.state, j.priority, r.verdict, r.passed, "
                   "r.failed, r.total FROM submissions s "
                   "JOIN jobs j ON j.submission_id = s.id "
                   "LEFT JOIN results r ON r.submission_id = s.id "
                   "WHERE s.learner_id = $1 ORDER BY s.id DESC LIMIT 200",
    [SQ_CLASS_REPORTS] = "SELECT s.lab, r.report FROM results r "
                         "JOIN submissions s ON s.id = r.submission_id "
                         "JOIN learners l ON l.id = s.learner_id WHERE l.class_id = $1 "
                         "AND r.submission_id = (SELECT max(r2.submission_id) FROM results r2 "
                         "JOIN submissions s2 ON s2.id = r2.submission_id "
                         "WHERE s2.learner_id = s.learner_id AND s2.lab = s.lab)",
    [SQ_REGRADE_COPY] = "INSERT INTO submissions(learner_id, lab, created, archive, size) "
                        "SELECT s.learner_id, s.lab, s.created, s.archive, s.size "
                        "FROM submissions s JOIN learners l ON l.id = s.learner_id "
                        "WHERE s.lab = $1::text AND ($2::bigint = 0 OR l.class_id = $2::bigint) "
                        "AND s.id = (SELECT max(s2.id) FROM submissions s2 "
                        "WHERE s2.learner_id = s.learner_id AND s2.lab = $1::text) RETURNING id",
    [SQ_DEADLINE_SET] = "INSERT INTO deadlines(class_id, lab, due) VALUES($1, $2, $3) "
                        "ON CONFLICT(class_id, lab) DO UPDATE SET due = excluded.due",
    [SQ_DEADLINE_CLEAR] = "DELETE FROM deadlines WHERE class_id = $1 AND lab = $2",
    [SQ_DEADLINES] = "SELECT lab, due FROM deadlines WHERE class_id = $1 ORDER BY lab",
    [SQ_DUE] = "SELECT d.due FROM deadlines d JOIN learners l ON l.class_id = d.class_id "
               "WHERE l.id = $1 AND d.lab = $2",
    /* Two starts of one learner at once run one after the other, as SQLite's single
     * writer does: the second sees the first's sitting. */
    [SQ_LEARNER_LOCK] = "SELECT id FROM learners WHERE id = $1 FOR UPDATE",
    [SQ_SITTING_OPEN] = PG_SITTING "WHERE s.learner_id = $1 AND s.exam = $2 "
                        "AND s.submitted = 0",
    [SQ_SITTING_USED] = "SELECT count(*) FROM sittings WHERE learner_id = $1 AND exam = $2 "
                        "AND submitted <> 0",
    [SQ_SITTING_ADD] = "INSERT INTO sittings(learner_id, exam, seed, started, deadline, "
                       "submitted) VALUES($1, $2, $3, $4, $5, 0) ON CONFLICT (learner_id, "
                       "exam) WHERE submitted = 0 DO NOTHING RETURNING id",
    [SQ_SITTING_GET] = PG_SITTING "WHERE s.id = $1 AND s.learner_id = $2",
    [SQ_ANSWER_SET] = "INSERT INTO sitting_answers(sitting_id, question, answer, flagged) "
                      "SELECT $1::bigint, $2::text, $3::text, $4::integer WHERE EXISTS "
                      "(SELECT 1 FROM sittings WHERE id = $1::bigint AND submitted = 0 "
                      "AND deadline > $5::bigint) "
                      "ON CONFLICT (sitting_id, question) DO UPDATE SET "
                      "answer = excluded.answer, flagged = excluded.flagged",
    [SQ_ANSWERS] = "SELECT question, answer, flagged FROM sitting_answers "
                   "WHERE sitting_id = $1 ORDER BY question",
    [SQ_SITTING_SUBMIT] = "UPDATE sittings SET submitted = $2, percent = $3, passed = $4, "
                          "expired = $5 WHERE id = $1 AND submitted = 0",
    [SQ_EXAM_STANDING] = "SELECT l.id, s.exam, "
                         "sum(CASE WHEN s.submitted <> 0 THEN 1 ELSE 0 END), "
                         "max(CASE WHEN s.submitted <> 0 THEN s.percent END), "
                         "max(CASE WHEN s.submitted <> 0 THEN s.passed ELSE 0 END), "
                         "max(CASE WHEN s.submitted = 0 THEN s.id END), "
                         "max(CASE WHEN s.submitted = 0 THEN s.deadline END) "
                         "FROM learners l JOIN sittings s ON s.learner_id = l.id "
                         "WHERE ($1::bigint = 0 OR l.class_id = $1::bigint) "
                         "AND ($2::bigint = 0 OR l.id = $2::bigint) "
                         "GROUP BY l.id, l.name, s.exam ORDER BY l.name, l.id, s.exam",
    [SQ_SITTINGS_OF] = PG_SITTING "WHERE s.learner_id = $1 ORDER BY s.id DESC",
    [SQ_SITTINGS_DUE] = PG_SITTING "JOIN learners l ON l.id = s.learner_id "
                        "WHERE ($1::bigint = 0 OR l.class_id = $1::bigint) "
                        "AND ($2::bigint = 0 OR l.id = $2::bigint) AND s.submitted = 0 "
                        "AND s.deadline <= $3::bigint ORDER BY s.id",
};

/* Version 1: docs/server.md's schema, and the trigger that wakes workers. */
static const char pg_schema_v1[] =
    "CREATE TABLE schema_version(version INTEGER NOT NULL);"
    "INSERT INTO schema_version(version) VALUES(0);"
    "CREATE TABLE classes(id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
    " code TEXT NOT NULL UNIQUE, created BIGINT NOT NULL);"
    "CREATE TABLE learners(id BIGSERIAL PRIMARY KEY,"
    " class_id BIGINT NOT NULL REFERENCES classes(id), name TEXT NOT NULL,"
    " token_hash TEXT NOT NULL UNIQUE, created BIGINT NOT NULL, UNIQUE(class_id, name));"
    "CREATE TABLE submissions(id BIGSERIAL PRIMARY KEY,"
    " learner_id BIGINT NOT NULL REFERENCES learners(id), lab TEXT NOT NULL,"
    " created BIGINT NOT NULL, archive BYTEA NOT NULL, size BIGINT NOT NULL);"
    "CREATE INDEX submissions_by_learner ON submissions(learner_id, created);"
    "CREATE TABLE jobs(submission_id BIGINT PRIMARY KEY REFERENCES submissions(id),"
    " priority INTEGER NOT NULL DEFAULT 0, state TEXT NOT NULL"
    " CHECK (state IN ('queued', 'running', 'done')), claim BIGINT NOT NULL DEFAULT 0,"
    " worker TEXT, lease_until BIGINT, attempts INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX jobs_queue ON jobs(state, priority, submission_id);"
    "CREATE TABLE results(submission_id BIGINT PRIMARY KEY REFERENCES submissions(id),"
    " verdict TEXT NOT NULL, passed INTEGER NOT NULL, failed INTEGER NOT NULL,"
    " total INTEGER NOT NULL, duration DOUBLE PRECISION NOT NULL, report TEXT NOT NULL,"
    " graded BIGINT NOT NULL);"
    "CREATE FUNCTION stacklab_job_queued() RETURNS trigger LANGUAGE plpgsql AS"
    " $f$ BEGIN PERFORM pg_notify('stacklab_jobs', ''); RETURN NULL; END $f$;"
    "CREATE TRIGGER jobs_notify AFTER INSERT OR UPDATE OF state ON jobs"
    " FOR EACH ROW WHEN (NEW.state = 'queued') EXECUTE FUNCTION stacklab_job_queued();"
    "UPDATE schema_version SET version = 1;";

/* Version 2: staff tokens (instructors for the dashboard, grading machines). */
static const char pg_schema_v2[] =
    "CREATE TABLE staff(id BIGSERIAL PRIMARY KEY, kind TEXT NOT NULL"
    " CHECK (kind IN ('instructor', 'worker')), name TEXT NOT NULL,"
    " token_hash TEXT NOT NULL UNIQUE, created BIGINT NOT NULL, UNIQUE(kind, name));"
    "UPDATE schema_version SET version = 2;";

/* Version 3: deadlines per lab and class (a submission after one is marked late). */
static const char pg_schema_v3[] =
    "CREATE TABLE deadlines(class_id BIGINT NOT NULL REFERENCES classes(id),"
    " lab TEXT NOT NULL, due BIGINT NOT NULL, PRIMARY KEY (class_id, lab));"
    "UPDATE schema_version SET version = 3;";

/* Version 4: exams sat on the server; at most one open sitting per learner and exam. */
static const char pg_schema_v4[] =
    "CREATE TABLE sittings(id BIGSERIAL PRIMARY KEY,"
    " learner_id BIGINT NOT NULL REFERENCES learners(id), exam TEXT NOT NULL,"
    " seed BIGINT NOT NULL, started BIGINT NOT NULL, deadline BIGINT NOT NULL,"
    " submitted BIGINT NOT NULL DEFAULT 0, percent INTEGER, passed INTEGER,"
    " expired INTEGER);"
    "CREATE UNIQUE INDEX sittings_open ON sittings(learner_id, exam) WHERE submitted = 0;"
    "CREATE INDEX sittings_by_learner ON sittings(learner_id, exam, id);"
    "CREATE TABLE sitting_answers(sitting_id BIGINT NOT NULL REFERENCES sittings(id),"
    " question TEXT NOT NULL, answer TEXT NOT NULL, flagged INTEGER NOT NULL,"
    " PRIMARY KEY (sitting_id, question));"
    "UPDATE schema_version SET version = 4;";

static const char *const pg_steps[] = { pg_schema_v1, pg_schema_v2,
                                          pg_schema_v3, pg_schema_v4 };
#define PG_VERSION ((int)(sizeof pg_steps / sizeof *pg_steps))

struct pg_conn {
    PGconn *db;
    char *url;              /* for messages, without any password */
    PGresult *last;         /* the last row read: cols point into it */
    unsigned char *keep[PG_MAX_COLS];   /* unescaped bytea of the last row */
    int listening;
    char err[512];
};

static const char *pg_errmsg(void *conn)
{
    return ((struct pg_conn *)conn)->err;
}

/* Records "URL: what: the server's words" (libpq ends them with a newline: dropped). */
static int pg_fail(struct pg_conn *c, const char *what, const char *why)
{
    snprintf(c->err, sizeof c->err, "%s: %s: %s", c->url, what,
             why != NULL && *why != '\0' ? why : PQerrorMessage(c->db));
    size_t n = strlen(c->err);
    while (n > 0 && (c->err[n - 1] == '\n' || c->err[n - 1] == ' '))
        c->err[--n] = '\0';
    return -1;
}

static void pg_forget(struct pg_conn *c)
{
    PQclear(c->last);
    c->last = NULL;
    for (int i = 0; i < PG_MAX_COLS; i++) {
        PQfreemem(c->keep[i]);
        c->keep[i] = NULL;
    }
}

/* Column i of row k of r into v (text results; bytea unescaped into c->keep). */
static void pg_column(struct pg_conn *c, PGresult *r, int k, int i, struct servedb_val *v)
{
    memset(v, 0, sizeof *v);
    if (PQgetisnull(r, k, i))
        return;
    const char *s = PQgetvalue(r, k, i);
    Oid t = PQftype(r, i);
    if (t == PG_INT8 || t == PG_INT4 || t == PG_INT2) {
        *v = (struct servedb_val){ .type = SV_INT, .i = strtoll(s, NULL, 10) };
    } else if (t == PG_FLOAT8 || t == PG_FLOAT4) {
        *v = (struct servedb_val){ .type = SV_REAL, .r = strtod(s, NULL) };
    } else if (t == PG_BYTEA) {
        size_t n = 0;
        c->keep[i] = PQunescapeBytea((const unsigned char *)s, &n);
        *v = (struct servedb_val){ .type = SV_BLOB, .p = c->keep[i] ? c->keep[i] : (void *)"",
                                   .len = c->keep[i] ? n : 0 };
    } else {
        *v = (struct servedb_val){ .type = SV_TEXT, .p = s,
                                   .len = (size_t)PQgetlength(r, k, i) };
    }
}

static int pg_run(void *conn, enum servedb_q q, const struct servedb_val *args, int nargs,
                  struct servedb_val *cols, int ncols, int64_t *changes)
{
    struct pg_conn *c = conn;
    pg_forget(c);
    if (nargs > PG_MAX_ARGS)
        return pg_fail(c, "statement", "too many arguments");
    char num[PG_MAX_ARGS][32];
    const char *values[PG_MAX_ARGS];
    int lengths[PG_MAX_ARGS], formats[PG_MAX_ARGS];
    for (int i = 0; i < nargs; i++) {
        const struct servedb_val *a = &args[i];
        lengths[i] = 0, formats[i] = 0, values[i] = num[i];
        if (a->type == SV_INT)
            snprintf(num[i], sizeof num[i], "%lld", (long long)a->i);
        else if (a->type == SV_REAL)
            snprintf(num[i], sizeof num[i], "%.17g", a->r);
        else if (a->type == SV_TEXT)
            values[i] = a->p;
        else if (a->type == SV_BLOB)
            values[i] = a->p, lengths[i] = (int)a->len, formats[i] = 1;
        else
            values[i] = NULL;
    }
    PGresult *r = PQexecParams(c->db, pg_text[q], nargs, NULL, values, lengths, formats, 0);
    ExecStatusType st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        pg_fail(c, q == SQ_BEGIN ? "begin" : "statement", PQresultErrorMessage(r));
        PQclear(r);
        return -1;
    }
    if (changes != NULL) {
        const char *n = PQcmdTuples(r);
        *changes = *n != '\0' ? strtoll(n, NULL, 10) : 0;
    }
    int row = st == PGRES_TUPLES_OK && PQntuples(r) > 0;
    for (int i = 0; row && i < ncols && i < PG_MAX_COLS && i < PQnfields(r); i++)
        pg_column(c, r, 0, i, &cols[i]);
    c->last = r;
    return row;
}

static int pg_each(void *conn, enum servedb_q q, const struct servedb_val *args, int nargs,
                   int (*row)(void *ud, const struct servedb_val *cols, int ncols), void *ud)
{
    struct pg_conn *c = conn;
    if (pg_run(conn, q, args, nargs, NULL, 0, NULL) < 0)
        return -1;
    PGresult *r = c->last;
    int n = PQntuples(r), ncols = PQnfields(r);
    if (ncols > PG_MAX_COLS)
        ncols = PG_MAX_COLS;
    struct servedb_val cols[PG_MAX_COLS];
    for (int k = 0; k < n; k++) {
        for (int i = 0; i < ncols; i++) {
            PQfreemem(c->keep[i]);
            c->keep[i] = NULL;
            pg_column(c, r, k, i, &cols[i]);
        }
        if (row(ud, cols, ncols) != 0)
            return k + 1;
    }
    return n;
}

/* Runs sql (one or more statements, no arguments). 0 or -1. */
static int pg_exec(struct pg_conn *c, const char *sql, const char *what)
{
    PGresult *r = PQexec(c->db, sql);
    ExecStatusType st = PQresultStatus(r);
    int rc = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK ? 0
             : pg_fail(c, what, PQresultErrorMessage(r));
    PQclear(r);
    return rc;
}

/* The schema version, 0 when the database has none of our tables; -1 (c->err) when it
 * has tables but not ours. Inside the migration's transaction. */
static int pg_version(struct pg_conn *c)
{
    PGresult *r = PQexec(c->db, "SELECT (SELECT count(*) FROM pg_tables WHERE schemaname ="
                         " current_schema()), to_regclass('schema_version') IS NOT NULL");
    if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
        pg_fail(c, "read the schema", PQresultErrorMessage(r));
        PQclear(r);
        return -1;
    }
    long tables = strtol(PQgetvalue(r, 0, 0), NULL, 10);
    int ours = PQgetvalue(r, 0, 1)[0] == 't';
    PQclear(r);
    if (tables == 0)
        return 0;
    if (!ours) {
        snprintf(c->err, sizeof c->err, "%s: not a stacklab class database (it has other "
                 "tables and no schema_version)", c->url);
        return -1;
    }
    r = PQexec(c->db, "SELECT version FROM schema_version");
    int version = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1
                  ? (int)strtol(PQgetvalue(r, 0, 0), NULL, 10) : -1;
    PQclear(r);
    if (version < 0)
        snprintf(c->err, sizeof c->err, "%s: schema_version holds no version", c->url);
    return version;
}

static int pg_migrate(struct pg_conn *c)
{
    char lock[96];
    snprintf(lock, sizeof lock, "BEGIN; SELECT pg_advisory_xact_lock(%lld)",
             (long long)PG_MIGRATE_LOCK);
    if (pg_exec(c, lock, "migrate") < 0)
        return -1;
    int version = pg_version(c), rc = version < 0 ? -1 : 0;
    if (version > PG_VERSION) {
        snprintf(c->err, sizeof c->err, "%s: the class database has schema version %d, newer "
                 "than this stacklab knows (%d); use a newer stacklab", c->url, version,
                 PG_VERSION);
        rc = -1;
    }
    for (int v = version; rc == 0 && v < PG_VERSION; v++)
        rc = pg_exec(c, pg_steps[v], "migrate");
    if (rc == 0 && pg_exec(c, "COMMIT", "migrate") == 0)
        return 0;
    PQclear(PQexec(c->db, "ROLLBACK"));
    return -1;
}

/* Waits up to `seconds` for a NOTIFY on stacklab_jobs (a job was queued). Returns 1
 * woken, 0 the time passed, -1 error. LISTENs on first use. */
static int pg_wait(void *conn, double seconds)
{
    struct pg_conn *c = conn;
    if (!c->listening) {
        if (pg_exec(c, "LISTEN stacklab_jobs", "listen") < 0)
            return -1;
        c->listening = 1;
    }
    PGnotify *n;
    int woken = 0;
    if (PQconsumeInput(c->db) == 0)
        return pg_fail(c, "wait", NULL);
    while ((n = PQnotifies(c->db)) != NULL)
        PQfreemem(n), woken = 1;
    if (woken)
        return 1;
    struct pollfd p = { .fd = PQsocket(c->db), .events = POLLIN };
    int ms = seconds <= 0 ? 0 : seconds > 3600 ? 3600000 : (int)(seconds * 1000);
    int rc = poll(&p, 1, ms);
    if (rc < 0 && errno != EINTR)
        return pg_fail(c, "wait", strerror(errno));
    if (rc <= 0)
        return 0;
    if (PQconsumeInput(c->db) == 0)
        return pg_fail(c, "wait", NULL);
    while ((n = PQnotifies(c->db)) != NULL)
        PQfreemem(n), woken = 1;
    return woken;
}

static void pg_close(void *conn)
{
    struct pg_conn *c = conn;
    if (c == NULL)
        return;
    pg_forget(c);
    PQfinish(c->db);
    free(c->url);
    free(c);
}

/* The URL for messages: "postgresql://host/db" without a password. */
static char *pg_shown(const char *url)
{
    const char *at = strchr(url, '@'), *scheme = strstr(url, "://");
    if (at == NULL || scheme == NULL || at < scheme)
        return xstrdup(url);
    const char *colon = memchr(scheme + 3, ':', (size_t)(at - scheme - 3));
    if (colon == NULL)
        return xstrdup(url);
    return xasprintf("%.*s:***%s", (int)(colon - url), url, at);
}

static void *pg_open(const char *where, char **cause)
{
    struct pg_conn *c = xcalloc(1, sizeof *c);
    char *url = xasprintf("postgresql:%s", where);
    c->url = pg_shown(url);
    c->db = PQconnectdb(url);
    free(url);
    int rc = -1;
    if (PQstatus(c->db) != CONNECTION_OK)
        pg_fail(c, "cannot connect", NULL);
    else if (pg_exec(c, "SET client_min_messages = warning", "connect") == 0)
        rc = pg_migrate(c);
    if (rc == 0)
        return c;
    *cause = xstrdup(c->err);
    pg_close(c);
    return NULL;
}

const struct servedb_ops servedb_pg_ops = {
    .scheme = "postgresql", .open = pg_open, .close = pg_close, .run = pg_run,
    .errmsg = pg_errmsg, .wait = pg_wait, .each = pg_each,
};
