/* servedb.h -- the class server's database (docs/server.md): classes and enrolment codes,
 * learners and their hashed tokens, submissions with their grading jobs, and the queue
 * workers claim from. The logic lives here once; the SQL and the connection belong to an
 * engine (servedb-int.h), chosen by the URL's scheme: "sqlite:PATH" or
 * "postgresql://...". One handle
 * serves one thread at a time. Prefix: servedb_. */
#ifndef STACKLAB_SERVEDB_H
#define STACKLAB_SERVEDB_H

#include <stddef.h>
#include <stdint.h>

struct servedb;

/* A job's lease when STACKLAB_LEASE does not say otherwise (seconds). */
#define SERVEDB_LEASE 30
/* A job claimed this many times without completing is stored as an internal failure
 * instead of being graded again (a submission that kills every worker). */
#define SERVEDB_MAX_ATTEMPTS 5
/* Submissions a learner may make in SERVEDB_RATE_WINDOW seconds. */
#define SERVEDB_RATE_MAX 10
#define SERVEDB_RATE_WINDOW 60
/* Jobs not done the queue holds, unless STACKLAB_QUEUE_MAX says otherwise. */
#define SERVEDB_QUEUE_MAX 1000

/* Outcomes of the calls that can refuse for a reason the client is told. */
enum servedb_status {
    SERVEDB_OK = 0,
    SERVEDB_UNKNOWN_CODE,   /* enrol: no class has this code */
    SERVEDB_TAKEN,          /* enrol: the class has a learner of this name; class: name */
    SERVEDB_RATE,           /* submit: SERVEDB_RATE_MAX in the window already */
    SERVEDB_FULL            /* submit: the queue holds queue_max jobs not done */
};

/* Opens the database the URL names ("sqlite:PATH"; PATH is created) and migrates its
 * schema forward. Returns NULL with an allocated *cause (an unknown scheme, a newer
 * schema, a file that is not ours). Close with servedb_close. */
struct servedb *servedb_open(const char *url, char **cause);
/* Closes; accepts NULL. */
void servedb_close(struct servedb *db);
/* The last error, in words ("PATH: write: database is locked"). Never NULL. */
const char *servedb_errmsg(const struct servedb *db);

/* Creates class `name` with a fresh enrolment code written into code (11 bytes: 10
 * characters of an unambiguous alphabet and a NUL). Returns SERVEDB_OK, SERVEDB_TAKEN,
 * or -1. */
int servedb_class_create(struct servedb *db, const char *name, char code[11]);

/* Enrols `name` in the class whose code is `code` with the token's SHA-256 (64 hex
 * characters). class_name (cap bytes) gets the class's name. Returns SERVEDB_OK,
 * SERVEDB_UNKNOWN_CODE, SERVEDB_TAKEN or -1. */
int servedb_enrol(struct servedb *db, const char *code, const char *name,
                  const char *token_hash, char *class_name, size_t cap);

/* The learner whose token hashes to token_hash (64 hex characters): 1 with *learner set,
 * 0 none, -1 error. The stored hash is compared in constant time. */
int servedb_learner(struct servedb *db, const char *token_hash, int64_t *learner);

/* Whether learner may submit at `now`: SERVEDB_OK, SERVEDB_RATE (*retry: seconds until
 * a slot frees), SERVEDB_FULL (*retry: a guess), or -1. Nothing is written. */
int servedb_admit(struct servedb *db, int64_t learner, int64_t now, int64_t queue_max,
                  int64_t *retry);

/* Stores a submission (the archive's len bytes) and its queued interactive job in one
 * transaction, checking servedb_admit's rules inside it. Returns SERVEDB_OK with *id
 * and *position set, SERVEDB_RATE or SERVEDB_FULL (with *retry), or -1. */
int servedb_submit(struct servedb *db, int64_t learner, const char *lab, const void *data,
                   size_t len, int64_t now, int64_t queue_max, int64_t *id,
                   int64_t *position, int64_t *retry);

/* A submission as its learner sees it. report is the runjson text when done. */
struct servedb_sub {
    int64_t id;
    char lab[32];
    char state[16];         /* queued | running | done */
    int64_t position;       /* queued: 1 + the jobs not done ahead of it; otherwise 0 */
    int has_result;
    char verdict[16];
    int passed, failed, total;
    double duration;
    char *report;           /* owned; NULL without a result */
    int late;               /* 1: made after its lab's deadline in the learner's class */
};
/* Fills *out with submission id if it is learner's: 1, 0 (unknown or another learner's:
 * the same answer), -1 error. Free with servedb_sub_free. */
int servedb_submission(struct servedb *db, int64_t learner, int64_t id,
                       struct servedb_sub *out);
void servedb_sub_free(struct servedb_sub *s);

/* A claimed job. archive is owned (servedb_job_free). */
struct servedb_job {
    int64_t id;             /* the submission's */
    int64_t claim;          /* the claim's identity: heartbeat and complete name it */
    int64_t attempts;       /* this claim included */
    char lab[32];
    void *archive;
    size_t size;
};
/* Claims the first job by (priority, id) that is queued or whose lease ended before now,
 * for `worker` until now + lease (one transaction). 1 claimed, 0 none, -1 error. */
int servedb_claim(struct servedb *db, const char *worker, int64_t now, int64_t lease,
                  struct servedb_job *job);
void servedb_job_free(struct servedb_job *job);

/* Extends the lease of job (id, claim) to lease_until while the claim is still its own:
 * 1 extended, 0 the job is no longer this claim's (stop working on it), -1 error. */
int servedb_heartbeat(struct servedb *db, int64_t id, int64_t claim, int64_t lease_until);

/* What a grading found; report is the runjson text. */
struct servedb_result {
    const char *verdict;
    int passed, failed, total;
    double duration;
    const char *report;
};
/* Marks job (id, claim) done and stores its result, in one transaction, only if the job
 * is still running under this claim: 1 stored, 0 not (another claim owns it, or it is
 * done), -1 error (nothing stored). */
int servedb_complete(struct servedb *db, int64_t id, int64_t claim,
                     const struct servedb_result *r, int64_t now);

/* Jobs not done. -1 on error. */
int64_t servedb_queue_size(struct servedb *db);

/* ---- servedb-class.c: staff, the dashboard's views, regrades ---------------------------- */

/* Who a staff token belongs to: an instructor (the dashboard) or a grading machine. */
enum servedb_staff { SERVEDB_INSTRUCTOR, SERVEDB_WORKER };

/* Adds a staff member of kind with the token's SHA-256 (64 hex characters). Returns
 * SERVEDB_OK, SERVEDB_TAKEN (that kind has the name), or -1. */
int servedb_staff_add(struct servedb *db, enum servedb_staff kind, const char *name,
                      const char *token_hash, int64_t now);
/* The staff member of kind whose token hashes to token_hash: 1 with *id and name (cap
 * bytes) set, 0 none, -1 error. The stored hash is compared in constant time. */
int servedb_staff(struct servedb *db, enum servedb_staff kind, const char *token_hash,
                  int64_t *id, char *name, size_t cap);

struct servedb_class {
    int64_t id;
    char name[128];
    char code[11];
};
/* Every class, by name, into *out (caller frees) and *n. 0 or -1. */
int servedb_classes(struct servedb *db, struct servedb_class **out, size_t *n);

struct servedb_learner {
    int64_t id;
    char name[128];
};
/* The learners of a class, by name. 0 or -1; *out owned by the caller. */
int servedb_learners(struct servedb *db, int64_t class_id, struct servedb_learner **out,
                     size_t *n);
/* One learner's name and class: 1, 0 unknown, -1 error. */
int servedb_learner_get(struct servedb *db, int64_t id, char *name, size_t cap,
                        int64_t *class_id);

/* A learner's standing at one lab: every submission counted, the best result. */
struct servedb_cell {
    int64_t learner;
    char lab[32];
    int attempts;           /* the learner's own submissions (regrades not counted) */
    int best_passed, total; /* the most tests passed in one result, the most tests run */
    int passed;             /* 1 when a result passed the lab */
    int64_t last;           /* time of the latest submission */
    int passed_on_time;     /* 1 when a submission made by the lab's deadline (or any, the
                             * lab having none) passed; passed without it: a late pass */
};
/* The cells of a class (learner 0) or of one of its learners: one per learner and lab
 * submitted, by learner name then lab. 0 or -1; *out owned by the caller. */
int servedb_cells(struct servedb *db, int64_t class_id, int64_t learner,
                  struct servedb_cell **out, size_t *n);

/* One submission in a learner's history. */
struct servedb_hist {
    int64_t id;
    char lab[32];
    int64_t created;
    char state[16];
    int regrade;            /* 1 for a regrade's copy */
    int has_result;
    char verdict[16];
    int passed, failed, total;
};
/* A learner's latest 200 submissions, newest first. 0 or -1; *out owned by the caller. */
int servedb_history(struct servedb *db, int64_t learner, struct servedb_hist **out,
                    size_t *n);

/* Calls fn(ud, lab, report) with the runjson text of each learner's latest result at each
 * lab of a class (the dashboard counts the hidden tests that fail most). 0 or -1. */
int servedb_class_reports(struct servedb *db, int64_t class_id,
                          void (*fn)(void *ud, const char *lab, const char *report),
                          void *ud);

/* Queues a regrade of lab: each learner's latest submission of it (in class_id, 0: every
 * class) copied as a new submission with a low-priority job (interactive submissions are
 * claimed first), in one transaction. The copy keeps the original's time: it is no new
 * attempt, and it is late or on time as the learner's work was. Returns the number
 * queued, or -1. */
int64_t servedb_regrade(struct servedb *db, const char *lab, int64_t class_id);

/* ---- deadlines per lab (servedb-class.c) ------------------------------------------------ */

/* A lab's deadline in a class: a submission created after `due` (seconds since the epoch)
 * is accepted and graded, and marked late. */
struct servedb_deadline {
    char lab[32];
    int64_t due;
};
/* Sets (due >= 0) or clears (due < 0) the deadline of lab in class_id. 0 or -1. The
 * class must exist (the caller looked it up); the lab is not checked against a course. */
int servedb_deadline_set(struct servedb *db, int64_t class_id, const char *lab,
                         int64_t due);
/* The deadlines of class_id, by lab, into *out (caller frees) and *n. 0 or -1. */
int servedb_deadlines(struct servedb *db, int64_t class_id, struct servedb_deadline **out,
                      size_t *n);
/* The deadline of lab in learner's class: 1 with *due set, 0 none, -1 error. */
int servedb_due(struct servedb *db, int64_t learner, const char *lab, int64_t *due);
/* The id of the class named name: 1 with *id set, 0 none, -1 error. */
int servedb_class_find(struct servedb *db, const char *name, int64_t *id);

/* ---- exams on the server (servedb-exam.c) ------------------------------------------ */

/* A sitting of an exam as the database keeps it: the draw is rebuilt from its seed. */
struct servedb_sitting {
    int64_t id;
    int64_t learner;
    char exam[32];
    uint64_t seed;
    int64_t started, deadline;  /* seconds since the epoch */
    int64_t submitted;          /* when it was submitted; 0 while open */
    int percent, passed, expired;   /* valid once submitted */
    int attempt;                /* 1 + the learner's earlier sittings of this exam */
};

/* One stored answer: the question's id, the canonical answer ("" cleared), its flag. */
struct servedb_answer {
    char question[48];
    char *answer;               /* owned */
    int flagged;
};

/* Outcomes of servedb_sitting_start besides SERVEDB_OK (a new sitting). */
enum servedb_sitting_status {
    SERVEDB_SITTING_OPEN = 16,  /* the learner's open sitting of the exam was found */
    SERVEDB_SITTING_SPENT       /* attempts submitted sittings already: none started */
};

/* The learner's open sitting of exam, or a new one (seed, started now, the deadline
 * now + seconds) when attempts (0: no limit) allows, in one transaction; two starts at
 * once give one sitting. Returns SERVEDB_OK (started) or SERVEDB_SITTING_OPEN with *out
 * filled, SERVEDB_SITTING_SPENT, or -1. *used gets the submitted sittings (before a new
 * one). An open sitting past its deadline is returned as it is: the caller scores it. */
int servedb_sitting_start(struct servedb *db, int64_t learner, const char *exam,
                          int attempts, uint64_t seed, int64_t now, int64_t seconds,
                          struct servedb_sitting *out, int *used);
/* Sitting id if it is learner's: 1 with *out, 0 unknown or another learner's (the same
 * answer), -1 error. */
int servedb_sitting_get(struct servedb *db, int64_t learner, int64_t id,
                        struct servedb_sitting *out);
/* Stores (or replaces) the answer to question in sitting id, only while the sitting is
 * open and its deadline is after now: 1 stored, 0 not (submitted, or the time is up),
 * -1 error. */
int servedb_sitting_answer(struct servedb *db, int64_t id, const char *question,
                           const char *answer, int flagged, int64_t now);
/* The answers of sitting id, by question, into *out (free with servedb_answers_free) and
 * *n. 0 or -1. */
int servedb_sitting_answers(struct servedb *db, int64_t id, struct servedb_answer **out,
                            size_t *n);
void servedb_answers_free(struct servedb_answer *a, size_t n);
/* Closes open sitting id with its result at `when`: 1 stored, 0 it was submitted
 * before (the first result stands; nothing changes), -1 error. */
int servedb_sitting_submit(struct servedb *db, int64_t id, int64_t when, int percent,
                           int passed, int expired);
/* Submitted sittings of exam by learner, or -1. */
int servedb_sitting_used(struct servedb *db, int64_t learner, const char *exam);

/* A learner's standing at one exam. */
struct servedb_exam_cell {
    int64_t learner;
    char exam[32];
    int used;                   /* submitted sittings */
    int best;                   /* best percent; -1 none submitted */
    int passed;                 /* 1 when a submitted sitting passed */
    int64_t open, open_deadline;    /* the open sitting's id and deadline; 0 none */
};
/* The cells of a class (learner 0) or of one learner (class_id 0: any class): one per
 * learner and exam sat, by learner name then exam. 0 or -1; *out owned by the caller. */
int servedb_exam_cells(struct servedb *db, int64_t class_id, int64_t learner,
                       struct servedb_exam_cell **out, size_t *n);
/* A learner's sittings, newest first. 0 or -1; *out owned by the caller. */
int servedb_sittings(struct servedb *db, int64_t learner, struct servedb_sitting **out,
                     size_t *n);
/* The open sittings of a class (learner 0: every learner) or of one learner (class_id 0)
 * whose deadline is not after now: those a request must submit as expired first. 0 or
 * -1; *out owned by the caller. */
int servedb_sittings_due(struct servedb *db, int64_t class_id, int64_t learner, int64_t now,
                         struct servedb_sitting **out, size_t *n);

/* Waits up to `seconds` for a job to be queued: woken at once by the engine when it can
 * be (PostgreSQL's LISTEN/NOTIFY), else a sleep of that long (SQLite), either ended early
 * by a signal. Returns 1 woken, 0 not (look at the queue anyway), -1 error. */
int servedb_wait(struct servedb *db, double seconds);

#endif
