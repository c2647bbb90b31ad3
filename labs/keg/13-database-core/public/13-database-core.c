/* 13-database-core.c -- public tests of lab 13: opening as Django does, bound values that
 * round-trip byte for byte, the typed reader, errors mapped to statuses, identifiers,
 * one statement per exec, the query counter and log, nested readers.
 * Run with `make test LAB=13`; debug with `gdb build/tests/13-database-core`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "tap.h"
#include "keg.h"

/* The first column of a one-row query run on the raw handle, as text (the test's own
 * statement: it does not go through your reader). */
static const char *raw_value(keg_db *db, const char *sql, char *buf, size_t cap)
{
    sqlite3_stmt *st = NULL;
    snprintf(buf, cap, "(none)");
    if (sqlite3_prepare_v2(keg_db_handle(db), sql, -1, &st, NULL) == SQLITE_OK
        && sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) != NULL)
        snprintf(buf, cap, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return buf;
}

static void test_open(void)
{
    char buf[64], *err = NULL;
    const char *path = "build/13-public.sqlite3";
    unlink(path);
    keg_db *db = keg_db_open(path, &err);
    ok(db != NULL, "keg_db_open opens a file (%s)", err ? err : "no error");
    free(err);
    if (db == NULL) {
        skip(4, "no database");
        return;
    }
    is_str(raw_value(db, "PRAGMA foreign_keys", buf, sizeof buf), "1", "foreign_keys is ON");
    is_str(raw_value(db, "PRAGMA journal_mode", buf, sizeof buf), "wal", "journal_mode is WAL");
    is_str(raw_value(db, "PRAGMA busy_timeout", buf, sizeof buf), "5000", "busy timeout 5000 ms");
    is_str(keg_db_error(db), "", "no error yet");
    keg_db_close(db);
    keg_db_close(NULL);
    unlink(path);
    err = NULL;
    db = keg_db_open("build/no/such/folder/x.sqlite3", &err);
    ok(db == NULL && err != NULL && err[0] != '\0', "a file that cannot be opened: NULL and a "
       "message");
    free(err);
    keg_db_close(db);
}

static void test_values(keg_db *db)
{
    static const char tricky[] = "it's \"quoted\"\0after NUL \xff\xfe";
    keg_value v[3] = { keg_int(-42), keg_textn(tricky, sizeof tricky - 1), keg_real(2.5) };
    is_int(keg_db_exec(db, "CREATE TABLE t (a integer, b text, c real)", NULL, 0), 0,
           "CREATE TABLE changes no row");
    is_int(keg_db_exec(db, "INSERT INTO t VALUES (?, ?, ?)", v, 3), 1, "an INSERT changes 1 row");
    is_int(keg_db_last_id(db), 1, "its rowid");
    keg_rows *r = NULL;
    is_int(keg_db_query(db, "SELECT a, b, c, NULL FROM t", NULL, 0, &r), 0, "a reader");
    if (r == NULL) {
        skip(6, "no reader");
        return;
    }
    is_int(keg_rows_next(r), 1, "one row");
    is_int(keg_rows_type(r, 0), KEG_INT, "column 0 is an integer");
    is_int(keg_rows_int(r, 0), -42, "-42");
    size_t n = 0;
    const char *s = keg_rows_text(r, 1, &n);
    is_bytes(s, n, tricky, sizeof tricky - 1, "text with quotes, NUL and bad UTF-8 comes back");
    ok(keg_rows_type(r, 3) == KEG_NULL && keg_rows_text(r, 3, NULL) == NULL, "NULL is NULL");
    is_int(keg_rows_next(r), 0, "then the end");
    keg_rows_close(r);
}

static void test_errors(keg_db *db)
{
    keg_value v = keg_int(1);
    keg_db_exec(db, "CREATE TABLE u (x integer UNIQUE)", NULL, 0);
    keg_db_exec(db, "INSERT INTO u VALUES (?)", &v, 1);
    is_int(keg_db_exec(db, "INSERT INTO u VALUES (?)", &v, 1), KEG_EINTEGRITY, "UNIQUE: "
           "KEG_EINTEGRITY");
    is_str(keg_db_error(db), "UNIQUE constraint failed: u.x", "with SQLite's message");
    is_int(keg_db_exec(db, "SELEC 1", NULL, 0), KEG_ERROR, "a syntax error: KEG_ERROR");
    is_int(keg_db_exec(db, "INSERT INTO u VALUES (?)", NULL, 0), KEG_EINVALID,
           "a missing value: KEG_EINVALID");
    is_int(keg_db_exec(db, "DELETE FROM u; DROP TABLE u", NULL, 0), KEG_EINVALID,
           "two statements: KEG_EINVALID");
    long long n = -1;
    is_int(keg_db_query_int(db, "SELECT count(*) FROM u", NULL, 0, &n), 0, "u is still there");
    is_int(n, 1, "with its row");
    is_int(keg_db_query_int(db, "SELECT x FROM u WHERE x > 5", NULL, 0, &n), KEG_ENOTFOUND,
           "no row: KEG_ENOTFOUND");
}

static void test_idents(keg_db *db)
{
    ok(keg_ident_ok("polls_question") && keg_ident_ok("_x9"), "good identifiers");
    ok(!keg_ident_ok("9lives") && !keg_ident_ok("a b") && !keg_ident_ok("x\"; DROP TABLE t; --")
       && !keg_ident_ok(""), "bad identifiers");
    const char *cols[] = { "a", "b" };
    keg_value v[2] = { keg_int(7), keg_text("'); DROP TABLE t; --") };
    long long id = 0;
    is_int(keg_db_insert(db, "t", cols, v, 2, &id), 0, "keg_db_insert");
    is_int(id, 2, "gives the new id");
    const char *bad[] = { "a", "b c" };
    keg_db_queries_reset(db);
    is_int(keg_db_insert(db, "t", bad, v, 2, NULL), KEG_EINVALID, "a bad column: KEG_EINVALID");
    is_int(keg_db_queries(db), 0, "and no statement ran");
    is_int(keg_db_table_exists(db, "t"), 1, "table t exists");
    is_int(keg_db_table_exists(db, "nope"), 0, "table nope does not");
}

static void test_counter(keg_db *db)
{
    keg_value v = keg_int(99);
    keg_db_log(db, 1);
    keg_db_queries_reset(db);
    keg_db_exec(db, "BEGIN", NULL, 0);
    keg_db_exec(db, "INSERT INTO u VALUES (?)", &v, 1);
    keg_db_exec(db, "COMMIT", NULL, 0);
    is_int(keg_db_queries(db), 1, "BEGIN and COMMIT are not counted");
    const char *sql = keg_db_query_sql(db, 0);
    is_str(sql ? sql : "(null)", "INSERT INTO u VALUES (99)", "the log fills the values in");
    ok(keg_db_query_sql(db, 1) == NULL, "nothing after the last one");
    keg_rows *a = NULL, *b = NULL;
    keg_db_query(db, "SELECT x FROM u ORDER BY x", NULL, 0, &a);
    keg_db_query(db, "SELECT x FROM u ORDER BY x", NULL, 0, &b);
    ok(a != NULL && b != NULL && keg_rows_next(a) == 1 && keg_rows_next(b) == 1
       && keg_rows_next(a) == 1 && keg_rows_int(a, 0) == 99 && keg_rows_int(b, 0) == 1,
       "two readers of the same SQL do not disturb each other");
    keg_rows_close(a);
    keg_rows_close(b);
}

int main(void)
{
    test_open();
    char *err = NULL;
    keg_db *db = keg_db_open(":memory:", &err);
    free(err);
    if (db == NULL)
        BAIL_OUT("keg_db_open(\":memory:\") returned NULL");
    test_values(db);
    test_errors(db);
    test_idents(db);
    test_counter(db);
    keg_db_close(db);
    return done_testing();
}
