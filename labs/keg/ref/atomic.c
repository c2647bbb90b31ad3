/* atomic.c -- transactions [lab 17]: Django's atomic() as nested levels (BEGIN IMMEDIATE
 * outside, SAVEPOINTs inside), on_commit callbacks that run only after the outermost
 * COMMIT, a transaction per request (ATOMIC_REQUESTS) and the test database whose tests
 * each run in a transaction rolled back at the end. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* SOLUTION(17) BEGIN */
/* Runs one transaction-control statement (never counted as a query). */
static int keg_txn(keg_db *db, const char *fmt, int level)
{
    char sql[64];
    snprintf(sql, sizeof sql, fmt, level);
    int rc = keg_db_exec(db, sql, NULL, 0);
    return rc < 0 ? rc : 0;
}

/* Runs then forgets the callbacks (after the outermost COMMIT). */
static void keg_run_callbacks(keg_db *db)
{
    struct keg_commit_cb *cbs = db->oncommit;
    size_t n = db->noncommit;
    db->oncommit = NULL;
    db->noncommit = db->caponcommit = 0;
    for (size_t i = 0; i < n; i++)
        cbs[i].fn(cbs[i].arg);
    free(cbs);
}

/* Forgets the callbacks registered at `level` or deeper (their work was undone). */
static void keg_drop_callbacks(keg_db *db, int level)
{
    size_t keep = 0;
    for (size_t i = 0; i < db->noncommit; i++)
        if (db->oncommit[i].depth < level)
            db->oncommit[keep++] = db->oncommit[i];
    db->noncommit = keep;
}
/* SOLUTION(17) END */

int keg_atomic_begin(keg_db *db)
{
/* SOLUTION(17) BEGIN */
    int rc = db->depth == 0 ? keg_txn(db, "BEGIN IMMEDIATE", 0)
                            : keg_txn(db, "SAVEPOINT keg_sp%d", db->depth);
    if (rc == 0)
        db->depth++;
    return rc;
/* SOLUTION(17) STUB
    return keg_db_failf(db, KEG_ERROR, "keg_atomic_begin is not written yet");
   SOLUTION(17) END */
}

int keg_atomic_commit(keg_db *db)
{
/* SOLUTION(17) BEGIN */
    if (db->depth == 0)
        return keg_db_failf(db, KEG_EINVALID, "commit outside a transaction");
    if (db->depth > 1) {
        int rc = keg_txn(db, "RELEASE keg_sp%d", db->depth - 1);
        if (rc == 0) {
            db->depth--;
            for (size_t i = 0; i < db->noncommit; i++)  /* they now belong to the parent */
                if (db->oncommit[i].depth > db->depth)
                    db->oncommit[i].depth = db->depth;
        }
        return rc;
    }
    int rc = keg_txn(db, "COMMIT", 0);
    db->depth = 0;
    if (rc != 0) {
        sqlite3_exec(db->sq, "ROLLBACK", NULL, NULL, NULL);
        keg_drop_callbacks(db, 0);
        return rc;
    }
    keg_run_callbacks(db);
    return 0;
/* SOLUTION(17) STUB
    return keg_db_failf(db, KEG_ERROR, "keg_atomic_commit is not written yet");
   SOLUTION(17) END */
}

int keg_atomic_rollback(keg_db *db)
{
/* SOLUTION(17) BEGIN */
    if (db->depth == 0)
        return keg_db_failf(db, KEG_EINVALID, "rollback outside a transaction");
    int level = db->depth;
    int rc = level > 1 ? keg_txn(db, "ROLLBACK TO keg_sp%d", level - 1) : keg_txn(db, "ROLLBACK", 0);
    if (rc == 0 && level > 1)
        rc = keg_txn(db, "RELEASE keg_sp%d", level - 1);
    keg_drop_callbacks(db, level);
    db->depth--;
    return rc;
/* SOLUTION(17) STUB
    return keg_db_failf(db, KEG_ERROR, "keg_atomic_rollback is not written yet");
   SOLUTION(17) END */
}

int keg_atomic(keg_db *db, int (*fn)(keg_db *db, void *arg), void *arg)
{
    int rc = keg_atomic_begin(db);
    if (rc != 0)
        return rc;
    int result = fn(db, arg);
    if (result < 0) {
        keg_atomic_rollback(db);
        return result;
    }
    rc = keg_atomic_commit(db);
    return rc != 0 ? rc : result;
}

int keg_atomic_depth(const keg_db *db)
{
    return db->depth;
}

int keg_on_commit(keg_db *db, void (*fn)(void *arg), void *arg)
{
/* SOLUTION(17) BEGIN */
    if (db->depth == 0) {
        fn(arg);
        return 0;
    }
    if (db->noncommit == db->caponcommit) {
        size_t cap = db->caponcommit ? db->caponcommit * 2 : 8;
        struct keg_commit_cb *p = realloc(db->oncommit, cap * sizeof *p);
        if (p == NULL)
            return keg_db_failf(db, KEG_ENOMEM, "out of memory");
        db->oncommit = p;
        db->caponcommit = cap;
    }
    db->oncommit[db->noncommit++] = (struct keg_commit_cb){ fn, arg, db->depth };
    return 0;
/* SOLUTION(17) STUB
    fn(arg);
    (void)db;
    return 0;
   SOLUTION(17) END */
}

/* ---- a transaction per request ----------------------------------------------------- */

/* SOLUTION(17) BEGIN */
/* 1 while this thread's request holds the site's lock and a transaction. */
static _Thread_local keg_site *keg_request_site;

static int keg_atomic_before(vial_request *req, vial_response *res)
{
    (void)res;
    keg_site *site = vial_app_user(req->app);
    if (site == NULL || site->lock == NULL)
        return 0;
    pthread_mutex_lock(site->lock);
    if (keg_atomic_begin(site->db) != 0) {
        pthread_mutex_unlock(site->lock);
        return 503;
    }
    keg_request_site = site;
    return 0;
}

/* Teardown runs for every request, after errors too: the final status decides. */
static int keg_atomic_teardown(vial_request *req, vial_response *res)
{
    (void)req;
    keg_site *site = keg_request_site;
    if (site == NULL)
        return 0;
    keg_request_site = NULL;
    while (keg_atomic_depth(site->db) > 1)     /* levels a view left open */
        keg_atomic_rollback(site->db);
    if (res->status >= 500 || keg_atomic_commit(site->db) != 0)
        keg_atomic_rollback(site->db);
    pthread_mutex_unlock(site->lock);
    return 0;
}
/* SOLUTION(17) END */

int keg_site_atomic_requests(keg_site *site)
{
/* SOLUTION(17) BEGIN */
    if (site->lock != NULL)
        return 0;
    pthread_mutex_t *m = malloc(sizeof *m);
    if (m == NULL || pthread_mutex_init(m, NULL) != 0) {
        free(m);
        return KEG_ENOMEM;
    }
    site->lock = m;
    site->settings.atomic_requests = 1;
    if (vial_app_before_request(site->app, keg_atomic_before) != 0
        || vial_app_teardown_request(site->app, keg_atomic_teardown) != 0)
        return KEG_ENOMEM;
    return 0;
/* SOLUTION(17) STUB
    (void)site;
    return KEG_ERROR;
   SOLUTION(17) END */
}

/* ---- the test database ------------------------------------------------------------- */

keg_db *keg_test_db(char **err)
{
    keg_db *db = keg_db_open(":memory:", err);
    if (db == NULL)
        return NULL;
    size_t n = 0;
    const keg_model *const *models = keg_registered(&n);
    for (size_t i = 0; i < n; i++)
        if (keg_create_table(db, models[i]) != 0) {
            if (err != NULL)
                *err = strdup(keg_db_error(db));
            keg_db_close(db);
            return NULL;
        }
    return db;
}

int keg_test_begin(keg_db *db)
{
    return keg_atomic_begin(db);
}

int keg_test_end(keg_db *db)
{
    int rc = 0;
    while (keg_atomic_depth(db) > 0)
        if (keg_atomic_rollback(db) != 0)
            rc = KEG_ERROR;
    return rc;
}
