/* store-basic.c -- the progress store in one process: created from nothing, every
 * function round-trips, data survives a reopen, a version 0 database migrates with its
 * data, and newer, damaged or foreign files are refused with a message naming them. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store.h"
#include "tap.h"
#include "util.h"

/* Runs one SQL script on a database without the store. Returns 0 or -1. */
static int raw_exec(const char *path, const char *sql)
{
    sqlite3 *db;
    int rc = sqlite3_open(path, &db);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        diag("raw_exec: %s", sqlite3_errmsg(db));
    sqlite3_close(db);
    return rc == SQLITE_OK ? 0 : -1;
}

/* One integer from a query run without the store; -999 on error. */
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

static struct store *open_ok(const char *path)
{
    char *cause = NULL;
    struct store *st = store_open(path, &cause);
    if (st == NULL)
        BAIL_OUT("store_open %s: %s", path, cause != NULL ? cause : "?");
    return st;
}

static struct store_attempt attempt(const char *lab, int passed, int total, const char *verdict)
{
    struct store_attempt a;
    memset(&a, 0, sizeof a);
    snprintf(a.lab, sizeof a.lab, "%s", lab);
    snprintf(a.verdict, sizeof a.verdict, "%s", verdict);
    a.passed = passed;
    a.total = total;
    a.failed = total - passed;
    a.when = 1700000000 + passed;
    a.duration = 1.25;
    a.seed = UINT64_MAX - (uint64_t)passed;
    snprintf(a.summary, sizeof a.summary, "case %d: expected 'x', got \"y\"", passed);
    return a;
}

static void t_create(void)
{
    struct store *st = open_ok("new.db");
    ok(util_is_file("new.db"), "C1 creates the database file from nothing");
    store_close(st);
    is_int(raw_int("new.db", "PRAGMA user_version"), STORE_SCHEMA_VERSION,
           "C2 user_version is the program's schema version");
    is_int(raw_int("new.db", "PRAGMA application_id"), 0x53544b4c, "C3 application_id is set");
    is_int(raw_int("new.db", "SELECT count(*) FROM sqlite_master WHERE name IN ('settings',"
                   "'lessons_read','attempts','hints','sittings','answers')"), 6,
           "C4 every version 1 table exists");
    sqlite3 *db;
    sqlite3_open("new.db", &db);
    sqlite3_stmt *s;
    sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &s, NULL);
    sqlite3_step(s);
    is_str((const char *)sqlite3_column_text(s, 0), "wal", "C5 journal mode is WAL");
    sqlite3_finalize(s);
    sqlite3_close(db);
    st = open_ok("new.db");
    ok(st != NULL, "C6 an existing current database reopens");
    store_close(st);
    store_close(NULL);
    ok(1, "C7 store_close accepts NULL");
}

static void t_settings(struct store *st)
{
    ok(store_get(st, "course") == NULL, "S1 unset key reads as NULL");
    is_int(store_set(st, "course", "/srv/course"), 0, "S2 set");
    char *v = store_get(st, "course");
    is_str(v, "/srv/course", "S3 get returns what was set");
    free(v);
    store_set(st, "course", "/other");
    v = store_get(st, "course");
    is_str(v, "/other", "S4 set replaces");
    free(v);
    const char *evil = "x'); DROP TABLE settings; --";
    is_int(store_set(st, evil, "\xc3\xa9t\xc3\xa9 \"quoted\""), 0, "S5 odd key stored");
    v = store_get(st, evil);
    is_str(v, "\xc3\xa9t\xc3\xa9 \"quoted\"", "S6 odd key and UTF-8 value round-trip");
    free(v);
    store_set(st, "empty", "");
    v = store_get(st, "empty");
    is_str(v, "", "S7 empty value is not unset");
    free(v);
}

static void t_lessons(struct store *st)
{
    is_int(store_lesson_is_read(st, "01-what"), 0, "L1 unread lesson");
    is_int(store_mark_read(st, "01-what"), 0, "L2 mark read");
    is_int(store_lesson_is_read(st, "01-what"), 1, "L3 lesson is read");
    is_int(store_mark_read(st, "01-what"), 0, "L4 marking twice is fine");
    is_int(store_lesson_is_read(st, "02-http"), 0, "L5 other lessons stay unread");
}

static void t_attempts(struct store *st)
{
    struct store_lab_status ls;
    memset(&ls, 0x55, sizeof ls);
    is_int(store_lab_status(st, "01", &ls), 0, "A1 status of a lab without attempts");
    ok(ls.attempts == 0 && ls.passed == 0 && ls.best_total == 0 && ls.last_when == 0 &&
       ls.last_verdict[0] == '\0', "A2 ... is all zero");
    struct store_attempt a1 = attempt("01", 3, 5, "fail");
    struct store_attempt a2 = attempt("01", 5, 5, "pass");
    struct store_attempt a3 = attempt("01", 1, 6, "crash");
    struct store_attempt b1 = attempt("02", 0, 0, "compile");
    ok(store_record_attempt(st, &a1) == 0 && store_record_attempt(st, &a2) == 0 &&
       store_record_attempt(st, &a3) == 0 && store_record_attempt(st, &b1) == 0,
       "A3 four attempts recorded");
    ok(a1.id > 0 && a2.id > a1.id && a3.id > a2.id && b1.id > a3.id, "A4 ids set and rising");
    struct store_attempt out[8];
    is_int(store_recent_attempts(st, "01", out, 8), 3, "A5 three attempts of lab 01");
    is_int(out[0].id, a3.id, "A6 newest first");
    is_int(out[2].id, a1.id, "A7 oldest last");
    is_str(out[1].summary, a2.summary, "A8 summary round-trips");
    ok(out[1].seed == UINT64_MAX - 5, "A9 a seed above INT64_MAX round-trips");
    ok(out[1].duration == 1.25 && out[1].when == a2.when && out[1].passed == 5 &&
       out[1].failed == 0 && out[1].total == 5, "A10 numbers round-trip");
    is_str(out[0].verdict, "crash", "A11 verdict round-trips");
    is_str(out[0].lab, "01", "A12 lab round-trips");
    is_int(store_recent_attempts(st, NULL, out, 8), 4, "A13 all labs");
    is_int(out[0].id, b1.id, "A14 ... newest first across labs");
    is_int(store_recent_attempts(st, NULL, out, 2), 2, "A15 max limits the count");
    is_int(store_recent_attempts(st, "99", out, 8), 0, "A16 unknown lab has none");
    is_int(store_lab_status(st, "01", &ls), 0, "A17 status of lab 01");
    ok(ls.attempts == 3 && ls.passed == 1, "A18 three attempts, passed");
    ok(ls.best_passed == 5 && ls.best_total == 5, "A19 best is 5/5");
    ok(ls.last_when == a3.when, "A20 last_when is the newest attempt's");
    is_str(ls.last_verdict, "crash", "A21 last verdict is the newest");
    store_lab_status(st, "02", &ls);
    ok(ls.attempts == 1 && ls.passed == 0 && ls.best_total == 0, "A22 lab 02 not passed");

    struct store_attempt full;
    memset(&full, 'z', sizeof full);
    full.lab[sizeof full.lab - 1] = '\0';
    full.verdict[sizeof full.verdict - 1] = '\0';
    full.summary[sizeof full.summary - 1] = '\0';
    is_int(store_record_attempt(st, &full), 0, "A23 fields filled to capacity store");
    store_recent_attempts(st, full.lab, out, 1);
    is_int((long long)strlen(out[0].summary), sizeof full.summary - 1,
           "A24 ... and come back whole");
    struct store_attempt now = attempt("03", 0, 1, "fail");
    now.when = 0;
    store_record_attempt(st, &now);
    store_recent_attempts(st, "03", out, 1);
    ok(now.when > 1700000000 && out[0].when == now.when, "A25 when 0 means now");
}

static void t_hints(struct store *st)
{
    is_int(store_hints_shown(st, "01"), 0, "H1 no hints shown yet");
    is_int(store_hint_reveal(st, "01", 3), 1, "H2 first reveal");
    is_int(store_hint_reveal(st, "01", 3), 2, "H3 second reveal");
    is_int(store_hint_reveal(st, "01", 3), 3, "H4 third reveal");
    is_int(store_hint_reveal(st, "01", 3), 3, "H5 capped at max");
    is_int(store_hints_shown(st, "01"), 3, "H6 shown count");
    is_int(store_hints_shown(st, "02"), 0, "H7 hints are per lab");
    is_int(store_hint_reveal(st, "02", 0), 0, "H8 a lab without hints stays at 0");
}

static int collect(void *arg, const char *q, const char *a, int flagged)
{
    struct sb *sb = arg;
    sb_printf(sb, "%s=%s%s;", q, a, flagged ? "!" : "");
    return 0;
}

static int stop_first(void *arg, const char *q, const char *a, int flagged)
{
    (void)arg, (void)q, (void)a, (void)flagged;
    return 1;
}

static struct store_sitting sitting(const char *exam, uint64_t seed)
{
    struct store_sitting s;
    memset(&s, 0, sizeof s);
    snprintf(s.exam, sizeof s.exam, "%s", exam);
    s.started = 1000;
    s.deadline = 1000 + 3600;
    s.seed = seed;
    return s;
}

static void t_sittings(struct store *st)
{
    struct store_sitting s = sitting("micro", UINT64_MAX), got;
    is_int(store_sitting_open(st, "micro", &got), 0, "E1 no open sitting yet");
    is_int(store_sitting_start(st, &s), 0, "E2 start");
    ok(s.id > 0, "E3 id set");
    is_int(store_sitting_open(st, "micro", &got), 1, "E4 open sitting found");
    ok(got.id == s.id && got.started == 1000 && got.deadline == 4600 && got.submitted == 0 &&
       got.seed == UINT64_MAX, "E5 its clock and seed round-trip");
    is_str(got.exam, "micro", "E6 exam name");
    is_int(store_sitting_answer(st, s.id, "q1", "b", 0), 0, "E7 answer");
    is_int(store_sitting_answer(st, s.id, "q2", "a,c", 1), 0, "E8 flagged answer");
    is_int(store_sitting_answer(st, s.id, "q1", "d", 0), 0, "E9 answer replaced");
    int flagged = -1;
    char *v = store_sitting_get_answer(st, s.id, "q2", &flagged);
    is_str(v, "a,c", "E10 answer read back");
    is_int(flagged, 1, "E11 flag read back");
    free(v);
    v = store_sitting_get_answer(st, s.id, "q1", NULL);
    is_str(v, "d", "E12 replaced answer read back");
    free(v);
    ok(store_sitting_get_answer(st, s.id, "q9", &flagged) == NULL && flagged == 0,
       "E13 unanswered question is NULL");
    struct sb sb;
    sb_init(&sb);
    is_int(store_sitting_answers(st, s.id, collect, &sb), 2, "E14 answers listed");
    is_str(sb.buf, "q1=d;q2=a,c!;", "E15 ... in first-answered order");
    sb_free(&sb);
    is_int(store_sitting_answers(st, s.id, stop_first, NULL), 1, "E16 callback can stop");
    is_int(store_sitting_answer(st, s.id + 100, "q1", "a", 0), -1,
           "E17 answer to a missing sitting refused");
    like(store_errmsg(st), "does not exist", "E18 ... with a message");
    is_int(store_sitting_count(st, "micro"), 0, "E19 nothing submitted yet");
    is_int(store_sitting_best(st, "micro", &got, &got), 0, "E20 no best yet");
    is_int(store_sitting_submit(st, s.id, 7, 10, 1, 5000), 0, "E21 submit");
    is_int(store_sitting_submit(st, s.id, 9, 10, 1, 5001), -1, "E22 second submit refused");
    is_int(store_sitting_answer(st, s.id, "q3", "a", 0), -1, "E23 answer after submit refused");
    like(store_errmsg(st), "already submitted", "E24 ... with a message");
    is_int(store_sitting_open(st, "micro", &got), 0, "E25 no open sitting after submit");
    is_int(store_sitting_get(st, s.id, &got), 1, "E26 get by id");
    ok(got.submitted == 5000 && got.score == 7 && got.max_score == 10 && got.passed == 1,
       "E27 result stored, first submit stands");
    is_int(store_sitting_get(st, s.id + 100, &got), 0, "E28 get missing id");

    struct store_sitting s2 = sitting("micro", 2), s3 = sitting("micro", 3);
    struct store_sitting other = sitting("final", 4);
    store_sitting_start(st, &s2);
    store_sitting_submit(st, s2.id, 9, 10, 1, 6000);
    store_sitting_start(st, &s3);
    store_sitting_submit(st, s3.id, 4, 10, 0, 7000);
    store_sitting_start(st, &other);
    store_sitting_submit(st, other.id, 50, 50, 1, 0);
    is_int(store_sitting_count(st, "micro"), 3, "E29 three submitted micro sittings");
    struct store_sitting best, latest;
    is_int(store_sitting_best(st, "micro", &best, &latest), 1, "E30 best and latest");
    is_int(best.id, s2.id, "E31 best is 9/10");
    is_int(latest.id, s3.id, "E32 latest is the last submitted");
    is_int(store_sitting_best(st, "micro", NULL, &latest), 1, "E33 best may be NULL");
    store_sitting_get(st, other.id, &got);
    ok(got.submitted > 1700000000, "E34 when <= 0 means now");
    struct store_sitting open2 = sitting("micro", 5);
    store_sitting_start(st, &open2);
    is_int(store_sitting_count(st, "micro"), 3, "E35 open sittings are not counted");
}

static void t_reopen(void)
{
    struct store *st = open_ok("new.db");
    char *v = store_get(st, "course");
    is_str(v, "/other", "R1 settings survive a reopen");
    free(v);
    is_int(store_lesson_is_read(st, "01-what"), 1, "R2 lessons survive");
    is_int(store_hints_shown(st, "01"), 3, "R3 hints survive");
    struct store_lab_status ls;
    store_lab_status(st, "01", &ls);
    is_int(ls.attempts, 3, "R4 attempts survive");
    is_int(store_sitting_count(st, "micro"), 3, "R5 sittings survive");
    store_close(st);
}

static void t_migrate_v0(void)
{
    const char *v0 =
        "CREATE TABLE kv(k TEXT PRIMARY KEY, v TEXT);"
        "CREATE TABLE lesson_done(lesson TEXT PRIMARY KEY);"
        "CREATE TABLE attempt(lab TEXT, at INTEGER, ok INTEGER, total INTEGER, note TEXT);"
        "INSERT INTO kv VALUES('course', '/old/course'), ('lab', '02');"
        "INSERT INTO lesson_done VALUES('01-what'), ('02-http');"
        "INSERT INTO attempt VALUES('01', 100, 2, 4, 'first'), ('01', 200, 4, 4, NULL),"
        " ('02', 300, 0, 3, 'compile error');";
    ok(raw_exec("v0.db", v0) == 0, "M1 a version 0 database written by hand");
    struct store *st = open_ok("v0.db");
    char *v = store_get(st, "course");
    is_str(v, "/old/course", "M2 settings migrated");
    free(v);
    ok(store_lesson_is_read(st, "01-what") == 1 && store_lesson_is_read(st, "02-http") == 1,
       "M3 lessons read migrated");
    struct store_attempt out[4];
    is_int(store_recent_attempts(st, NULL, out, 4), 3, "M4 attempts migrated");
    ok(out[2].when == 100 && out[2].passed == 2 && out[2].failed == 2 && out[2].total == 4,
       "M5 oldest attempt's numbers");
    is_str(out[2].summary, "first", "M6 note became summary");
    is_str(out[1].verdict, "pass", "M7 a full score became a pass");
    is_str(out[0].verdict, "fail", "M8 others became fails");
    struct store_lab_status ls;
    store_lab_status(st, "01", &ls);
    ok(ls.passed == 1 && ls.attempts == 2, "M9 lab status from migrated data");
    struct store_attempt a = attempt("03", 1, 1, "pass");
    is_int(store_record_attempt(st, &a), 0, "M10 writable after migration");
    ok(a.id > out[0].id, "M11 new ids follow the migrated ones");
    store_close(st);
    is_int(raw_int("v0.db", "PRAGMA user_version"), STORE_SCHEMA_VERSION, "M12 version stamped");
    is_int(raw_int("v0.db", "SELECT count(*) FROM sqlite_master WHERE name IN "
                   "('kv','lesson_done','attempt')"), 0, "M13 old tables dropped");

    /* A step that fails half way leaves the database exactly as it was. */
    ok(raw_exec("v0bad.db", "CREATE TABLE kv(k TEXT PRIMARY KEY, v TEXT);"
                "CREATE TABLE lesson_done(lesson TEXT PRIMARY KEY);"
                "CREATE TABLE attempt(lab TEXT, at INTEGER, ok INTEGER, total INTEGER, note TEXT);"
                "INSERT INTO kv VALUES('course', '/c');"
                "INSERT INTO attempt VALUES(NULL, 1, 0, 1, 'no lab');") == 0,
       "M14 a version 0 database the migration cannot take");
    char *cause = NULL;
    ok(store_open("v0bad.db", &cause) == NULL, "M15 is refused");
    like(cause, "v0bad.db: migrate from version 0", "M16 ... naming the file and the step");
    free(cause);
    is_int(raw_int("v0bad.db", "PRAGMA user_version"), 0, "M17 ... still at version 0");
    is_int(raw_int("v0bad.db", "SELECT count(*) FROM sqlite_master WHERE type = 'table'"), 3,
           "M18 ... with only its own tables");
    is_int(raw_int("v0bad.db", "SELECT count(*) FROM kv"), 1, "M19 ... and its data");
}

static void t_refused(void)
{
    char *cause = NULL;
    raw_exec("newer.db", "CREATE TABLE future(x); PRAGMA application_id = 1398033228;"
             "PRAGMA user_version = 99;");
    ok(store_open("newer.db", &cause) == NULL, "F1 a newer database is refused");
    like(cause, "newer.db", "F2 ... naming the file");
    like(cause, "schema version 99, newer than", "F3 ... and saying why");
    free(cause);
    is_int(raw_int("newer.db", "PRAGMA user_version"), 99, "F4 ... and left untouched");

    cause = NULL;
    char junk[4096];
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = (char)(i * 7 + 3);
    util_write_file("junk.db", junk, sizeof junk, 0644);
    ok(store_open("junk.db", &cause) == NULL, "F5 a file of junk is refused");
    like(cause, "junk.db: the progress database is damaged", "F6 ... as damaged, naming it");
    free(cause);

    cause = NULL;
    raw_exec("foreign.db", "CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT);");
    ok(store_open("foreign.db", &cause) == NULL, "F7 another program's database is refused");
    like(cause, "foreign.db: not a stacklab progress database", "F8 ... naming it");
    free(cause);
    is_int(raw_int("foreign.db", "SELECT count(*) FROM sqlite_master"), 1, "F9 ... untouched");
    char *hdr = util_read_file("foreign.db", 1 << 20, NULL);
    ok(hdr != NULL && hdr[18] == 1, "F10 ... not even switched to WAL");
    free(hdr);

    cause = NULL;
    ok(store_open("no/such/dir/p.db", &cause) == NULL, "F11 a missing folder is an error");
    like(cause, "no/such/dir/p.db: cannot open the progress database: No such file",
         "F12 ... naming the file and the reason");
    free(cause);
    cause = NULL;
    util_mkdirs("folder.db", 0755);
    ok(store_open("folder.db", &cause) == NULL, "F13 a folder is refused");
    like(cause, "folder.db: cannot open the progress database: it is a folder", "F14 ... saying so");
    free(cause);
    cause = NULL;
    util_mkdirs("real/ws", 0755);
    symlink("real", "linked");
    struct store *st = store_open("linked/ws/p.db", &cause);
    ok(st != NULL, "F15 a path through a symlinked folder opens");
    store_close(st);
    ok(util_is_file("real/ws/p.db"), "F16 ... and the file lands where the link points");
}

/* A database whose pages were overwritten must fail cleanly, never crash. */
static void t_damaged_pages(void)
{
    struct store *st = open_ok("pages.db");
    for (int i = 0; i < 200; i++) {
        struct store_attempt a = attempt("01", i % 5, 5, "fail");
        store_record_attempt(st, &a);
    }
    store_close(st);
    size_t len = 0;
    char *data = util_read_file("pages.db", 1 << 24, &len);
    ok(data != NULL && len > 4 * 4096, "D1 a database of several pages");
    for (size_t off = 2 * 4096; data != NULL && off < len; off++)
        data[off] = (char)(off * 13 + 5);
    util_write_file("pages.db", data, len, 0644);
    free(data);
    char *cause = NULL;
    st = store_open("pages.db", &cause);
    ok(st == NULL, "D2 a database with damaged pages is refused");
    like(cause, "pages.db: the progress database is damaged", "D3 ... with a clear message");
    free(cause);
    store_close(st);
}

int main(void)
{
    const char *tmp = getenv("TMPDIR");
    char *dir = xasprintf("%s/stacklab-store-XXXXXX", tmp != NULL && *tmp ? tmp : "/tmp");
    if (mkdtemp(dir) == NULL || chdir(dir) < 0)
        BAIL_OUT("temp folder: cannot create");
    t_create();
    struct store *st = open_ok("new.db");
    t_settings(st);
    t_lessons(st);
    t_attempts(st);
    t_hints(st);
    t_sittings(st);
    store_close(st);
    t_reopen();
    t_migrate_v0();
    t_refused();
    t_damaged_pages();
    if (chdir("/") == 0)
        util_rmtree(dir);
    free(dir);
    return done_testing();
}
