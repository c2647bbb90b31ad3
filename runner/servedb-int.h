/* servedb-int.h -- what a database engine gives servedb.c: a connection, its schema
 * migrated, and each statement of enum servedb_q in the engine's own dialect. servedb.c
 * holds every rule (what a claim is, when a job is done); an engine holds SQL and a
 * connection only. SQLite is servedb-sqlite.c; a second engine (PostgreSQL: claims with
 * FOR UPDATE SKIP LOCKED, workers woken by LISTEN/NOTIFY through `wait`) adds one file
 * and one line in servedb_engines[]. */
#ifndef STACKLAB_SERVEDB_INT_H
#define STACKLAB_SERVEDB_INT_H

#include <stddef.h>
#include <stdint.h>

/* Every statement servedb.c runs. Arguments are bound in the order listed ($1, $2 ...);
 * the columns a statement returns are listed after "->". */
enum servedb_q {
    SQ_BEGIN,           /* a write transaction that takes its lock at once */
    SQ_COMMIT,
    SQ_ROLLBACK,
    SQ_CLASS_ADD,       /* name, code, created */
    SQ_CLASS_BY_NAME,   /* name -> id */
    SQ_CLASS_BY_CODE,   /* code -> id, name */
    SQ_LEARNER_ADD,     /* class_id, name, token_hash, created */
    SQ_LEARNER_BY_NAME, /* class_id, name -> id */
    SQ_LEARNER_BY_HASH, /* token_hash -> id, token_hash */
    SQ_RECENT,          /* learner, since -> count, oldest created */
    SQ_QUEUE_SIZE,      /* -> count of jobs not done */
    SQ_SUB_ADD,         /* learner, lab, created, archive, size -> id */
    SQ_JOB_ADD,         /* submission_id, priority */
    SQ_SUB_GET,         /* id, learner -> id, lab, state, priority, verdict, passed,
                         * failed, total, duration, report (result columns NULL), late
                         * (0/1: created after its lab's deadline in the class) */
    SQ_POSITION,        /* priority, id -> jobs not done before it, it included */
    SQ_CLAIM,           /* worker, now, lease_until -> submission_id, claim, attempts */
    SQ_JOB_LOAD,        /* id -> lab, archive */
    SQ_HEARTBEAT,       /* id, claim, lease_until (changes: 1 still ours) */
    SQ_DONE,            /* id, claim (changes: 1 this claim completed it) */
    SQ_RESULT_ADD,      /* id, verdict, passed, failed, total, duration, report, graded */
    /* servedb-class.c: staff, the dashboard, regrades. */
    SQ_STAFF_ADD,       /* kind, name, token_hash, created */
    SQ_STAFF_BY_NAME,   /* kind, name -> id */
    SQ_STAFF_BY_HASH,   /* kind, token_hash -> id, token_hash, name */
    SQ_CLASSES,         /* -> id, name, code (rows, by name) */
    SQ_CLASS_LEARNERS,  /* class_id -> id, name (rows, by name) */
    SQ_LEARNER_GET,     /* id -> name, class_id */
    SQ_CELLS,           /* class_id, learner (0: every learner of the class) -> learner,
                         * lab, attempts, best passed, its total, passed (0/1), last,
                         * passed on time (0/1: a passing result of a submission made by
                         * the lab's deadline, or any with none) (rows, by learner name
                         * then lab) */
    SQ_HISTORY,         /* learner -> id, lab, created, state, priority, verdict, passed,
                         * failed, total (rows, newest first) */
    SQ_CLASS_REPORTS,   /* class_id -> lab, report: each learner's latest result at each
                         * lab (rows) */
    SQ_REGRADE_COPY,    /* lab, class_id (0: every class) -> id: each learner's latest
                         * submission of lab copied as a new one, its `created` kept
                         * (rows) */
    /* Deadlines per lab (schema 3). */
    SQ_DEADLINE_SET,    /* class_id, lab, due (inserts or replaces) */
    SQ_DEADLINE_CLEAR,  /* class_id, lab */
    SQ_DEADLINES,       /* class_id -> lab, due (rows, by lab) */
    SQ_DUE,             /* learner, lab -> due: the deadline of lab in the learner's class */
    /* Exams on the server (schema 4, servedb-exam.c). SITTING below is the columns id,
     * learner_id, exam, seed, started, deadline, submitted (0: open), percent, passed,
     * expired (NULL while open), attempt (1 + the learner's earlier sittings of the
     * exam). */
    SQ_LEARNER_LOCK,    /* learner -> id (PostgreSQL locks the row for the transaction) */
    SQ_SITTING_OPEN,    /* learner, exam -> SITTING: the open one */
    SQ_SITTING_USED,    /* learner, exam -> count of submitted sittings */
    SQ_SITTING_ADD,     /* learner, exam, seed, started, deadline -> id; no row when the
                         * learner has an open sitting of exam (the unique partial index) */
    SQ_SITTING_GET,     /* id, learner -> SITTING */
    SQ_ANSWER_SET,      /* sitting, question, answer, flagged, now: inserts or replaces,
                         * only while the sitting is open and its deadline after now
                         * (changes: 1 stored) */
    SQ_ANSWERS,         /* sitting -> question, answer, flagged (rows) */
    SQ_SITTING_SUBMIT,  /* id, submitted, percent, passed, expired (changes: 1 it was
                         * open) */
    SQ_EXAM_STANDING,   /* class_id (0: any), learner (0: every learner of the class) ->
                         * learner,
                         * exam, submitted sittings, best percent (NULL: none), passed
                         * (0/1), open sitting's id and deadline (NULL: none) (rows, by
                         * learner name then exam) */
    SQ_SITTINGS_OF,     /* learner -> SITTING (rows, newest first) */
    SQ_SITTINGS_DUE,    /* class_id (0: any), learner (0: every learner of the class), now
                         * ->
                         * SITTING: open sittings whose deadline is not after now (rows) */
    SQ_COUNT
};

/* A value bound to or read from a statement. Text and blobs read point into the engine's
 * memory, valid until the connection's next run. */
enum servedb_type { SV_NULL, SV_INT, SV_REAL, SV_TEXT, SV_BLOB };
struct servedb_val {
    enum servedb_type type;
    int64_t i;
    double r;
    const void *p;          /* SV_TEXT (NUL-terminated) or SV_BLOB */
    size_t len;
};

struct servedb_ops {
    const char *scheme;     /* "sqlite" for "sqlite:PATH" */
    /* Connects to `where` (the URL after "scheme:") and migrates the schema forward.
     * Returns the connection, or NULL with an allocated *cause. */
    void *(*open)(const char *where, char **cause);
    void (*close)(void *conn);
    /* Runs statement q with args; the first row's first ncols columns go to cols.
     * *changes (when not NULL) gets the rows a write changed. Returns 1 a row, 0 none,
     * -1 error (errmsg says why). */
    int (*run)(void *conn, enum servedb_q q, const struct servedb_val *args, int nargs,
               struct servedb_val *cols, int ncols, int64_t *changes);
    const char *(*errmsg)(void *conn);
    /* Waits up to `seconds` for a job to be queued by any process: 1 woken, 0 the time
     * passed, -1 error. NULL: the engine cannot be woken (servedb_wait sleeps). */
    int (*wait)(void *conn, double seconds);
    /* Runs statement q and calls row(ud, cols, ncols) for each row in order, cols valid
     * during the call; a non-zero return stops. Returns the rows seen, or -1 error. */
    int (*each)(void *conn, enum servedb_q q, const struct servedb_val *args, int nargs,
                int (*row)(void *ud, const struct servedb_val *cols, int ncols), void *ud);
};

extern const struct servedb_ops servedb_sqlite_ops, servedb_pg_ops;

/* A database handle: its engine and connection (servedb.c opens and closes it). */
struct servedb {
    const struct servedb_ops *ops;
    void *conn;
    char err[512];
};

#define V_INT(x) ((struct servedb_val){ .type = SV_INT, .i = (x) })
#define V_REAL(x) ((struct servedb_val){ .type = SV_REAL, .r = (x) })
#define V_TEXT(x) ((struct servedb_val){ .type = SV_TEXT, .p = (x) })
#define V_BLOB(x, n) ((struct servedb_val){ .type = SV_BLOB, .p = (x), .len = (n) })
#define NARGS(a) ((int)(sizeof (a) / sizeof *(a)))

/* For servedb.c and servedb-class.c, which hold the rules. servedb_run runs q through the
 * engine (its error copied into db->err): 1 a row (its first ncols columns in cols), 0
 * none, -1 error. servedb_write: a statement with no row to read, 0 or -1.
 * servedb_begin opens a write transaction (0 or -1); servedb_end commits it when rc >= 0,
 * else rolls back, and returns rc, or -1 when the commit failed (nothing stored).
 * servedb_count: the first column of q's row as an integer, 0 without a row, -1 error.
 * servedb_each: q's rows in order to row(ud, cols, ncols) (cols valid during the call;
 * a non-zero return stops); the rows seen, or -1. */
int servedb_run(struct servedb *db, enum servedb_q q, const struct servedb_val *args,
                int nargs, struct servedb_val *cols, int ncols, int64_t *changes);
int servedb_write(struct servedb *db, enum servedb_q q, const struct servedb_val *args,
                  int nargs, int64_t *changes);
int servedb_begin(struct servedb *db);
int servedb_end(struct servedb *db, int rc);
int64_t servedb_count(struct servedb *db, enum servedb_q q, const struct servedb_val *args,
                      int nargs);
int servedb_each(struct servedb *db, enum servedb_q q, const struct servedb_val *args,
                 int nargs, int (*row)(void *ud, const struct servedb_val *cols, int ncols),
                 void *ud);
/* servedb-class.c: runs q and fills a new array of rows of `size` bytes, one item a row
 * by fill(item, cols, ncols) (item zeroed first), into *out (caller frees) and *n. 0 or
 * -1 (nothing allocated). */
int servedb_rows(struct servedb *db, enum servedb_q q, const struct servedb_val *args,
                 int nargs, size_t size,
                 void (*fill)(void *, const struct servedb_val *, int), void **out,
                 size_t *n);

#endif
