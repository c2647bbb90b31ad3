/* servedb.c -- the class server's database in one process (run by tests/500): schema
 * created and reopened, foreign and newer files refused, codes and enrolment, tokens
 * looked up by hash, the rate limit and the queue bound, and the claim protocol: a lease
 * that ends gives the job to a new claim, after which the old claim can neither renew nor
 * complete it, and a job completes once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "servedb.h"
#include "tap.h"
#include "util.h"

#define HASH_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define HASH_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

static int raw_exec(const char *path, const char *sql)
{
    sqlite3 *db;
    int rc = sqlite3_open(path, &db);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    sqlite3_close(db);
    return rc == SQLITE_OK ? 0 : -1;
}

static long long raw_int(const char *path, const char *sql)
{
    sqlite3 *db;
    sqlite3_stmt *s = NULL;
    long long v = -999;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
        v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(db);
    return v;
}

/* Opening: fresh, again, a foreign file, a newer schema, an unknown scheme. */
static void test_open(const char *dir)
{
    char *path = xasprintf("%s/a.db", dir), *url = xasprintf("sqlite:%s", path), *cause = NULL;
    struct servedb *db = servedb_open(url, &cause);
    ok(db != NULL, "a new database is created (%s)", cause ? cause : "");
    servedb_close(db);
    is_int(raw_int(path, "SELECT version FROM schema_version"), 4, "schema_version is 4");
    db = servedb_open(url, &cause);
    ok(db != NULL, "it opens again");
    servedb_close(db);
    /* A database of version 1 (before staff tokens) is migrated forward. */
    raw_exec(path, "DROP TABLE deadlines; DROP TABLE staff; DROP TABLE sitting_answers;"
             "DROP TABLE sittings; UPDATE schema_version SET version = 1");
    db = servedb_open(url, &cause);
    ok(db != NULL && raw_int(path, "SELECT version FROM schema_version") == 4
       && raw_int(path, "SELECT count(*) FROM staff") == 0
       && raw_int(path, "SELECT count(*) FROM deadlines") == 0
       && raw_int(path, "SELECT count(*) FROM sittings") == 0,
       "a version 1 database is migrated forward to 4 (staff, deadlines, sittings added)");
    servedb_close(db);
    /* A database of version 2 (before deadlines), holding a class, is migrated forward
     * and keeps it. */
    raw_exec(path, "DROP TABLE deadlines; DROP TABLE sitting_answers; DROP TABLE sittings;"
             "UPDATE schema_version SET version = 2;"
             "INSERT INTO classes(name, code, created) VALUES('old', 'OLDCODE234', 1)");
    db = servedb_open(url, &cause);
    ok(db != NULL && raw_int(path, "SELECT version FROM schema_version") == 4
       && raw_int(path, "SELECT count(*) FROM deadlines") == 0
       && raw_int(path, "SELECT count(*) FROM sitting_answers") == 0
       && raw_int(path, "SELECT count(*) FROM classes WHERE name = 'old'") == 1,
       "a version 2 database is migrated forward to 4 (deadlines and sittings added, its "
       "class kept)");
    servedb_close(db);
    /* A database of version 3 (before exams on the server), holding a deadline. */
    raw_exec(path, "DROP TABLE sitting_answers; DROP TABLE sittings;"
             "UPDATE schema_version SET version = 3;"
             "INSERT INTO deadlines(class_id, lab, due) VALUES(1, '90', 5)");
    db = servedb_open(url, &cause);
    ok(db != NULL && raw_int(path, "SELECT version FROM schema_version") == 4
       && raw_int(path, "SELECT count(*) FROM sittings") == 0
       && raw_int(path, "SELECT due FROM deadlines WHERE lab = '90'") == 5,
       "a version 3 database is migrated forward to 4 (sittings added, its deadline kept)");
    servedb_close(db);

    char *foreign = xasprintf("%s/foreign.db", dir), *furl = xasprintf("sqlite:%s", foreign);
    raw_exec(foreign, "CREATE TABLE t(x)");
    ok(servedb_open(furl, &cause) == NULL, "a database with other tables is refused");
    like(cause, "not a stacklab class database", "saying it is not ours");
    free(cause);
    cause = NULL;
    raw_exec(path, "UPDATE schema_version SET version = 99");
    ok(servedb_open(url, &cause) == NULL, "a newer schema is refused");
    like(cause, "schema version 99, newer", "saying so");
    free(cause);
    cause = NULL;
    ok(servedb_open("nosuch:x", &cause) == NULL, "an unknown scheme is refused");
    like(cause, "--db nosuch:x: unknown database", "naming --db");
    free(cause);
    free(foreign), free(furl), free(path), free(url);
}

/* Classes, codes, enrolment, lookup by hash. Leaves class "c1" with learners a and b. */
static void test_enrol(struct servedb *db, int64_t *a, int64_t *b)
{
    char code[11], code2[11], cls[64];
    is_int(servedb_class_create(db, "c1", code), SERVEDB_OK, "class c1 is created");
    ok(strlen(code) == 10 && strspn(code, "23456789ABCDEFGHJKMNPQRSTUVWXYZ") == 10,
       "its code is 10 characters of the alphabet (%s)", code);
    is_int(servedb_class_create(db, "c1", code2), SERVEDB_TAKEN, "a second c1 is refused");
    is_int(servedb_class_create(db, "c2", code2), SERVEDB_OK, "class c2 is created");
    ok(strcmp(code, code2) != 0, "with another code");
    is_int(servedb_enrol(db, "ZZZZZZZZZZ", "a", HASH_A, cls, sizeof cls), SERVEDB_UNKNOWN_CODE,
           "an unknown code is refused");
    is_int(servedb_enrol(db, code, "a", HASH_A, cls, sizeof cls), SERVEDB_OK, "a enrols in c1");
    is_str(cls, "c1", "the class's name comes back");
    is_int(servedb_enrol(db, code, "a", HASH_B, cls, sizeof cls), SERVEDB_TAKEN,
           "a second a in c1 is refused");
    is_int(servedb_enrol(db, code, "b", HASH_B, cls, sizeof cls), SERVEDB_OK, "b enrols in c1");
    is_int(servedb_learner(db, HASH_A, a), 1, "a is found by the hash of its token");
    is_int(servedb_learner(db, HASH_B, b), 1, "b too");
    ok(*a != *b, "as two learners");
    int64_t none;
    is_int(servedb_learner(db, "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc",
                           &none), 0, "an unknown hash finds no one");
}

/* Submissions: position, the rate limit per learner, the queue bound. */
static void test_submit(struct servedb *db, int64_t a, int64_t b)
{
    int64_t id, pos, retry = 0, t = 1000000, first = 0;
    int rc = 0;
    for (int i = 0; i < SERVEDB_RATE_MAX && rc == 0; i++) {
        rc = servedb_submit(db, a, "90", "archive", 7, t + i, 100, &id, &pos, &retry);
        if (i == 0)
            first = id;
    }
    is_int(rc, SERVEDB_OK, "a submits %d times in a minute", SERVEDB_RATE_MAX);
    is_int(pos, SERVEDB_RATE_MAX, "the last one is at position %d", SERVEDB_RATE_MAX);
    is_int(servedb_submit(db, a, "90", "x", 1, t + 20, 100, &id, &pos, &retry), SERVEDB_RATE,
           "the next one in the minute is refused");
    is_int(retry, SERVEDB_RATE_WINDOW - 20 + 1, "retry when the first leaves the window");
    is_int(servedb_admit(db, a, t + 20, 100, &retry), SERVEDB_RATE, "admit says the same");
    is_int(servedb_admit(db, a, t + SERVEDB_RATE_WINDOW + 1, 100, &retry), SERVEDB_OK,
           "a minute later a may submit again");
    is_int(servedb_submit(db, b, "90", "x", 1, t + 20, SERVEDB_RATE_MAX, &id, &pos, &retry),
           SERVEDB_FULL, "with %d jobs queued and that the bound, b is refused", SERVEDB_RATE_MAX);
    is_int(servedb_submit(db, b, "91", "bbb", 3, t + 20, 100, &id, &pos, &retry), SERVEDB_OK,
           "with room, b submits (the limit is a's alone)");
    is_int(servedb_queue_size(db), SERVEDB_RATE_MAX + 1, "the queue holds %d",
           SERVEDB_RATE_MAX + 1);
    struct servedb_sub s;
    is_int(servedb_submission(db, b, first, &s), 0, "b cannot read a's submission");
    is_int(servedb_submission(db, a, first, &s), 1, "a can");
    ok(strcmp(s.state, "queued") == 0 && s.position == 1 && !s.has_result,
       "queued at position 1, no result (%s %lld)", s.state, (long long)s.position);
    servedb_sub_free(&s);
}

/* The claim protocol. */
static void test_claims(struct servedb *db, int64_t a)
{
    struct servedb_job j1, j2, j3;
    int64_t t = 2000000;
    is_int(servedb_claim(db, "w1", t, 3, &j1), 1, "w1 claims a job");
    ok(j1.claim == 1 && j1.attempts == 1 && strcmp(j1.lab, "90") == 0 && j1.size == 7
       && memcmp(j1.archive, "archive", 7) == 0, "the first, with its lab and archive");
    is_int(servedb_claim(db, "w2", t + 1, 3, &j2), 1, "w2 claims a job");
    ok(j2.id != j1.id, "another one: a live lease keeps a job its claim's");
    is_int(servedb_heartbeat(db, j1.id, j1.claim, t + 5), 1, "w1's heartbeat extends its lease");
    is_int(servedb_heartbeat(db, j1.id, j1.claim + 1, t + 5), 0, "a wrong claim extends nothing");
    /* w1 stalls: its lease (t + 5) ends; w3 gets its job. */
    is_int(servedb_claim(db, "w3", t + 6, 3, &j3), 1, "w3 claims a job after w1's lease ended");
    ok(j3.id == j1.id && j3.claim == 2 && j3.attempts == 2, "w1's job, as claim 2");
    is_int(servedb_heartbeat(db, j1.id, j1.claim, t + 9), 0, "w1's heartbeat now says: lost");
    struct servedb_result r = { .verdict = "pass", .passed = 3, .total = 3, .duration = 0.5,
                                .report = "{\"verdict\":\"pass\"}" };
    is_int(servedb_complete(db, j1.id, j1.claim, &r, t + 7), 0, "w1 cannot complete it");
    is_int(servedb_complete(db, j3.id, j3.claim, &r, t + 7), 1, "w3 completes it");
    is_int(servedb_complete(db, j3.id, j3.claim, &r, t + 8), 0, "once only");
    struct servedb_sub s;
    is_int(servedb_submission(db, a, j1.id, &s), 1, "a reads it back");
    ok(strcmp(s.state, "done") == 0 && s.has_result && strcmp(s.verdict, "pass") == 0
       && s.passed == 3 && s.total == 3 && s.position == 0
       && strcmp(s.report, r.report) == 0, "done, with its result and report");
    servedb_sub_free(&s);
    is_int(servedb_queue_size(db), SERVEDB_RATE_MAX, "the queue holds one job fewer");
    servedb_job_free(&j1), servedb_job_free(&j2), servedb_job_free(&j3);
}

/* Claims and completes every job in the queue; ids in claim order into order[]. */
static size_t drain(struct servedb *db, int64_t t, int64_t *order, size_t cap)
{
    struct servedb_job j;
    struct servedb_result r = { .verdict = "fail", .passed = 1, .failed = 2, .total = 3,
                                .duration = 0.1, .report = "{}" };
    size_t n = 0;
    while (n < cap && servedb_claim(db, "drain", t, 3, &j) == 1) {
        order[n++] = j.id;
        servedb_complete(db, j.id, j.claim, &r, t);
        servedb_job_free(&j);
    }
    return n;
}

static int has_report;
static void count_report(void *ud, const char *lab, const char *report)
{
    (void)ud;
    has_report += strcmp(lab, "90") == 0 && report[0] == '{';
}

/* Staff tokens, the dashboard's views, regrades behind interactive jobs. */
static void test_class_views(struct servedb *db, int64_t a, int64_t b)
{
    const char *h1 = "1111111111111111111111111111111111111111111111111111111111111111";
    const char *h2 = "2222222222222222222222222222222222222222222222222222222222222222";
    int64_t id = 0;
    char name[64] = "";
    is_int(servedb_staff_add(db, SERVEDB_INSTRUCTOR, "ann", h1, 5), SERVEDB_OK,
           "an instructor is added");
    is_int(servedb_staff_add(db, SERVEDB_INSTRUCTOR, "ann", h2, 5), SERVEDB_TAKEN,
           "a second instructor of that name is refused");
    is_int(servedb_staff_add(db, SERVEDB_WORKER, "ann", h2, 5), SERVEDB_OK,
           "a grading machine may share the name");
    ok(servedb_staff(db, SERVEDB_INSTRUCTOR, h1, &id, name, sizeof name) == 1
       && strcmp(name, "ann") == 0, "the instructor's token finds her (%s)", name);
    is_int(servedb_staff(db, SERVEDB_WORKER, h1, &id, name, sizeof name), 0,
           "an instructor's token is no worker's");
    is_int(servedb_staff(db, SERVEDB_INSTRUCTOR, h2, &id, name, sizeof name), 0,
           "a worker's token is no instructor's");

    struct servedb_class *cls = NULL;
    size_t n = 0;
    ok(servedb_classes(db, &cls, &n) == 0 && n == 2 && strcmp(cls[0].name, "c1") == 0
       && strcmp(cls[1].name, "c2") == 0 && strlen(cls[0].code) == 10,
       "the two classes by name, with their codes");
    int64_t class_id = n == 2 ? cls[0].id : 0;
    free(cls);
    struct servedb_learner *ls = NULL;
    ok(servedb_learners(db, class_id, &ls, &n) == 0 && n == 2 && ls[0].id == a && ls[1].id == b,
       "its two learners, by name");
    free(ls);
    int64_t got_class = 0;
    ok(servedb_learner_get(db, b, name, sizeof name, &got_class) == 1 && got_class == class_id,
       "a learner's name and class (%s)", name);

    struct servedb_cell *cells = NULL;
    ok(servedb_cells(db, class_id, 0, &cells, &n) == 0 && n == 2, "two cells: a 90, b 91");
    ok(n == 2 && cells[0].learner == a && strcmp(cells[0].lab, "90") == 0
       && cells[0].attempts == SERVEDB_RATE_MAX && cells[0].passed == 1
       && cells[0].best_passed == 3 && cells[0].total == 3,
       "a at 90: %d attempts, passed, best 3 of 3", SERVEDB_RATE_MAX);
    ok(n == 2 && cells[1].learner == b && strcmp(cells[1].lab, "91") == 0
       && cells[1].attempts == 1 && cells[1].passed == 0 && cells[1].best_passed == 0,
       "b at 91: 1 attempt, not graded yet");
    free(cells);
    ok(servedb_cells(db, class_id, b, &cells, &n) == 0 && n == 1 && cells[0].learner == b,
       "one learner's cells alone");
    free(cells);

    struct servedb_hist *h = NULL;
    ok(servedb_history(db, a, &h, &n) == 0 && n == SERVEDB_RATE_MAX && h[0].id > h[1].id,
       "a's history: %d submissions, newest first", SERVEDB_RATE_MAX);
    int done = 0;
    for (size_t i = 0; i < n; i++)
        done += h[i].has_result && strcmp(h[i].verdict, "pass") == 0 && h[i].passed == 3;
    is_int(done, 1, "one of them graded, pass 3");
    free(h);
    has_report = 0;
    ok(servedb_class_reports(db, class_id, count_report, NULL) == 0 && has_report == 1,
       "the class's latest reports: a's at 90");

    /* Everything queued is drained; then a regrade and new interactive work. */
    int64_t order[64];
    drain(db, 3000000, order, 64);
    is_int(servedb_regrade(db, "91", 0), 1, "a regrade of lab 91 queues b's latest");
    int64_t later, pos, retry;
    is_int(servedb_submit(db, b, "91", "new", 3, 3000002, 100, &later, &pos, &retry), SERVEDB_OK,
           "b submits after the regrade was queued");
    size_t k = drain(db, 3000003, order, 64);
    ok(k == 2 && order[0] == later && order[1] < later,
       "the interactive submission is claimed before the regrade's, queued earlier");
    ok(servedb_cells(db, class_id, b, &cells, &n) == 0 && n == 1
       && cells[0].attempts == 2, "a regrade is not counted as an attempt (%d)",
       n == 1 ? cells[0].attempts : -1);
    free(cells);
    ok(servedb_history(db, b, &h, &n) == 0 && n == 3 && h[0].id == later && !h[0].regrade
       && h[1].regrade && h[1].has_result && !h[2].regrade,
       "b's history, newest first, shows the regrade graded");
    ok(n == 3 && h[1].created == h[2].created,
       "the regrade's copy keeps the time of the learner's work (%lld)",
       n == 3 ? (long long)h[1].created : -1LL);
    free(h);
    is_int(servedb_regrade(db, "77", 0), 0, "a lab nobody submitted regrades nothing");
}

/* a's cell at lab 90 in class_id: passed and passed_on_time as "P/T", "-" for none. */
static const char *cell_state(struct servedb *db, int64_t class_id, int64_t a)
{
    static char buf[8];
    struct servedb_cell *cells = NULL;
    size_t n = 0;
    snprintf(buf, sizeof buf, "-");
    if (servedb_cells(db, class_id, a, &cells, &n) == 0)
        for (size_t i = 0; i < n; i++)
            if (strcmp(cells[i].lab, "90") == 0)
                snprintf(buf, sizeof buf, "%d/%d", cells[i].passed, cells[i].passed_on_time);
    free(cells);
    return buf;
}

/* Deadlines: set, replaced, read back per class and per learner, a submission after one
 * marked late, a pass after one not on time, cleared. */
static void test_deadlines(struct servedb *db, int64_t a)
{
    int64_t c1 = 0, c2 = 0, due = 0;
    is_int(servedb_class_find(db, "c1", &c1), 1, "class c1 is found by name");
    is_int(servedb_class_find(db, "c2", &c2), 1, "class c2 too");
    is_int(servedb_class_find(db, "nope", &due), 0, "an unknown class is not");
    struct servedb_hist *h = NULL;
    size_t n = 0;
    int64_t pass_at = 0, pass_id = 0, newest = 0, newest_at = 0;
    if (servedb_history(db, a, &h, &n) == 0 && n > 0) {
        newest = h[0].id, newest_at = h[0].created;
        for (size_t i = 0; i < n; i++)
            if (h[i].has_result && strcmp(h[i].verdict, "pass") == 0)
                pass_at = h[i].created, pass_id = h[i].id;
    }
    free(h);
    ok(pass_at > 0 && newest_at > pass_at, "a passed lab 90 at %lld and submitted after",
       (long long)pass_at);
    is_str(cell_state(db, c1, a), "1/1", "without a deadline a pass is on time");

    is_int(servedb_deadline_set(db, c1, "90", pass_at - 1), 0, "a deadline before the pass");
    is_str(cell_state(db, c1, a), "1/0", "the pass is late: passed, not on time");
    struct servedb_sub sub;
    ok(servedb_submission(db, a, pass_id, &sub) == 1 && sub.late == 1,
       "the passing submission is marked late");
    servedb_sub_free(&sub);
    ok(servedb_due(db, a, "90", &due) == 1 && due == pass_at - 1,
       "the learner's deadline for 90 (%lld)", (long long)due);
    is_int(servedb_due(db, a, "91", &due), 0, "lab 91 has none");

    is_int(servedb_deadline_set(db, c1, "90", pass_at), 0, "the deadline moved to the pass");
    is_str(cell_state(db, c1, a), "1/1", "a pass at the deadline's second is on time");
    ok(servedb_submission(db, a, pass_id, &sub) == 1 && sub.late == 0,
       "and not late");
    servedb_sub_free(&sub);
    ok(servedb_submission(db, a, newest, &sub) == 1 && sub.late == 1,
       "a's later submission is late");
    servedb_sub_free(&sub);
    struct servedb_deadline *d = NULL;
    ok(servedb_deadlines(db, c1, &d, &n) == 0 && n == 1 && strcmp(d[0].lab, "90") == 0
       && d[0].due == pass_at, "c1's deadlines: one, replaced in place");
    free(d);
    ok(servedb_deadlines(db, c2, &d, &n) == 0 && n == 0, "c2 has none");
    free(d);

    is_int(servedb_deadline_set(db, c1, "90", -1), 0, "the deadline is cleared");
    ok(servedb_deadlines(db, c1, &d, &n) == 0 && n == 0, "c1 has none now");
    free(d);
    ok(servedb_submission(db, a, newest, &sub) == 1 && sub.late == 0,
       "nothing is late without a deadline");
    servedb_sub_free(&sub);
}

int main(void)
{
    const char *tmp = getenv("TMPDIR");
    char *dir = xasprintf("%s/servedb.XXXXXX", tmp != NULL ? tmp : "/tmp");
    if (mkdtemp(dir) == NULL)
        tap_bail_out("no temporary folder");
    /* SERVEDB_TEST_URL names another engine's empty database: the rules run there (the
     * opening tests are SQLite's own). */
    const char *other = getenv("SERVEDB_TEST_URL");
    if (other == NULL || *other == '\0')
        test_open(dir);
    char *cause = NULL;
    char *url = other != NULL && *other != '\0' ? xstrdup(other)
                                                 : xasprintf("sqlite:%s/b.db", dir);
    struct servedb *db = servedb_open(url, &cause);
    if (db == NULL)
        tap_bail_out("%s", cause);
    int64_t a = 0, b = 0;
    test_enrol(db, &a, &b);
    test_submit(db, a, b);
    test_claims(db, a);
    test_class_views(db, a, b);
    test_deadlines(db, a);
    servedb_close(db);
    util_rmtree(dir);
    free(dir);
    free(url);
    return done_testing();
}
