/* 17-transactions.c -- public tests of lab 17: nested atomic levels, savepoints, on_commit
 * and the test database, on an in-memory database. Run with `make test LAB=17`; debug
 * with `gdb build/tests/17-transactions`. */
#include <stdio.h>
#include <string.h>

#include "tap.h"
#include "keg.h"

static char ran[64];

static void note(void *arg)
{
    strncat(ran, arg, sizeof ran - strlen(ran) - 1);
}

static long long count(keg_db *db)
{
    long long n = -1;
    keg_db_query_int(db, "SELECT count(*) FROM t", NULL, 0, &n);
    return n;
}

static int insert(keg_db *db, const char *v)
{
    keg_value val = keg_text(v);
    return keg_db_exec(db, "INSERT INTO t (v) VALUES (?)", &val, 1);
}

static int insert_then_fail(keg_db *db, void *arg)
{
    insert(db, arg);
    return -1;
}

int main(void)
{
    keg_db *db = keg_db_open(":memory:", NULL);
    if (db == NULL)
        BAIL_OUT("keg_db_open failed (lab 13)");
    keg_db_exec(db, "CREATE TABLE t (v text NOT NULL UNIQUE)", NULL, 0);

    is_int(keg_atomic_commit(db), KEG_EINVALID, "commit outside a transaction is refused");
    is_int(keg_atomic_begin(db), 0, "begin");
    is_int(keg_atomic_depth(db), 1, "one level open");
    insert(db, "a");
    is_int(keg_atomic_begin(db), 0, "begin a second level (a savepoint)");
    insert(db, "b");
    is_int(keg_atomic_rollback(db), 0, "roll the inner level back");
    is_int(keg_atomic_depth(db), 1, "back to one level");
    is_int(count(db), 1, "the inner row is gone, the outer one stays");
    is_int(keg_atomic(db, insert_then_fail, "c"), -1, "keg_atomic returns what fn returned");
    is_int(count(db), 1, "and rolled back what fn did");
    is_int(keg_atomic_commit(db), 0, "commit");
    is_int(count(db), 1, "one row committed");

    ran[0] = '\0';
    keg_on_commit(db, note, "now ");
    is_str(ran, "now ", "outside a transaction a callback runs at once");
    keg_atomic_begin(db);
    keg_on_commit(db, note, "x ");
    keg_atomic_begin(db);
    keg_on_commit(db, note, "y ");
    keg_atomic_rollback(db);
    keg_on_commit(db, note, "z ");
    is_str(ran, "now ", "nothing runs before the outermost commit");
    keg_atomic_commit(db);
    is_str(ran, "now x z ", "then in order, without the rolled-back level's");
    keg_db_close(db);
    return done_testing();
}
