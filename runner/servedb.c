/* servedb.c -- the class server's database rules (docs/server.md) over an engine's
 * statements (servedb-int.h): enrolment, hashed tokens, submissions queued with their job
 * in one transaction, and the claim / heartbeat / complete protocol whose claim counter
 * makes a job's completion unique whatever workers die or stall. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "servedb-int.h"
#include "servedb.h"
#include "util.h"

/* The engines, by URL scheme. */
static const struct servedb_ops *const servedb_engines[] = { &servedb_sqlite_ops,
                                                             &servedb_pg_ops };

/* Enrolment codes: no 0/O, 1/I/L, so a code read aloud or copied by hand comes out right. */
static const char servedb_code_alphabet[] = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
/* A queue-full answer asks the client to come back after this many seconds. */
#define SERVEDB_BUSY_RETRY 30

int servedb_run(struct servedb *db, enum servedb_q q, const struct servedb_val *args,
                int nargs, struct servedb_val *cols, int ncols, int64_t *changes)
{
    int rc = db->ops->run(db->conn, q, args, nargs, cols, ncols, changes);
    if (rc < 0)
        snprintf(db->err, sizeof db->err, "%s", db->ops->errmsg(db->conn));
    return rc;
}

int servedb_each(struct servedb *db, enum servedb_q q, const struct servedb_val *args,
                 int nargs, int (*row)(void *ud, const struct servedb_val *cols, int ncols),
                 void *ud)
{
    int rc = db->ops->each(db->conn, q, args, nargs, row, ud);
    if (rc < 0)
        snprintf(db->err, sizeof db->err, "%s", db->ops->errmsg(db->conn));
    return rc;
}

int servedb_write(struct servedb *db, enum servedb_q q, const struct servedb_val *args,
                  int nargs, int64_t *changes)
{
    return servedb_run(db, q, args, nargs, NULL, 0, changes) < 0 ? -1 : 0;
}

int servedb_begin(struct servedb *db)
{
    return servedb_write(db, SQ_BEGIN, NULL, 0, NULL);
}

int servedb_end(struct servedb *db, int rc)
{
    if (rc >= 0 && servedb_write(db, SQ_COMMIT, NULL, 0, NULL) == 0)
        return rc;
    char keep[sizeof db->err];
    memcpy(keep, db->err, sizeof keep);
    servedb_write(db, SQ_ROLLBACK, NULL, 0, NULL);
    memcpy(db->err, keep, sizeof keep);
    return -1;
}

struct servedb *servedb_open(const char *url, char **cause)
{
    const char *colon = strchr(url, ':');
    for (size_t i = 0; colon != NULL && i < sizeof servedb_engines / sizeof *servedb_engines;
         i++) {
        const struct servedb_ops *ops = servedb_engines[i];
        if (strlen(ops->scheme) != (size_t)(colon - url)
            || strncmp(url, ops->scheme, (size_t)(colon - url)) != 0)
            continue;
        void *conn = ops->open(colon + 1, cause);
        if (conn == NULL)
            return NULL;
        struct servedb *db = xcalloc(1, sizeof *db);
        db->ops = ops;
        db->conn = conn;
        return db;
    }
    *cause = xasprintf("--db %s: unknown database (use sqlite:PATH)", url);
    return NULL;
}

void servedb_close(struct servedb *db)
{
    if (db == NULL)
        return;
    db->ops->close(db->conn);
    free(db);
}

const char *servedb_errmsg(const struct servedb *db)
{
    return db->err;
}

/* Fills code with SERVEDB code characters drawn by rejection sampling (no bias). */
static int servedb_new_code(struct servedb *db, char code[11])
{
    const size_t n = sizeof servedb_code_alphabet - 1, limit = 256 - 256 % n;
    size_t got = 0;
    while (got < 10) {
        unsigned char buf[16];
        if (RAND_bytes(buf, sizeof buf) != 1) {
            snprintf(db->err, sizeof db->err, "no random bytes for an enrolment code");
            return -1;
        }
        for (size_t i = 0; i < sizeof buf && got < 10; i++)
            if (buf[i] < limit)
                code[got++] = servedb_code_alphabet[buf[i] % n];
    }
    code[10] = '\0';
    return 0;
}

int servedb_class_create(struct servedb *db, const char *name, char code[11])
{
    if (servedb_new_code(db, code) < 0 || servedb_begin(db) < 0)
        return -1;
    struct servedb_val find[] = { V_TEXT(name) }, id;
    int rc = servedb_run(db, SQ_CLASS_BY_NAME, find, 1, &id, 1, NULL);
    if (rc == 1)
        rc = SERVEDB_TAKEN;
    if (rc == 0) {
        struct servedb_val add[] = { V_TEXT(name), V_TEXT(code), V_INT((int64_t)util_now()) };
        rc = servedb_write(db, SQ_CLASS_ADD, add, NARGS(add), NULL);
    }
    return servedb_end(db, rc);
}

int servedb_enrol(struct servedb *db, const char *code, const char *name,
                  const char *token_hash, char *class_name, size_t cap)
{
    if (servedb_begin(db) < 0)
        return -1;
    struct servedb_val find[] = { V_TEXT(code) }, cls[2];
    int found = servedb_run(db, SQ_CLASS_BY_CODE, find, 1, cls, 2, NULL);
    int rc = found == 0 ? SERVEDB_UNKNOWN_CODE : found < 0 ? -1 : SERVEDB_OK;
    if (found == 1) {
        snprintf(class_name, cap, "%s", (const char *)cls[1].p);
        int64_t class_id = cls[0].i;
        struct servedb_val who[] = { V_INT(class_id), V_TEXT(name) }, id;
        rc = servedb_run(db, SQ_LEARNER_BY_NAME, who, NARGS(who), &id, 1, NULL);
        if (rc == 1)
            rc = SERVEDB_TAKEN;
        if (rc == 0) {
            struct servedb_val add[] = { V_INT(class_id), V_TEXT(name), V_TEXT(token_hash),
                                         V_INT((int64_t)util_now()) };
            rc = servedb_write(db, SQ_LEARNER_ADD, add, NARGS(add), NULL);
        }
    }
    return servedb_end(db, rc);
}

int servedb_learner(struct servedb *db, const char *token_hash, int64_t *learner)
{
    struct servedb_val find[] = { V_TEXT(token_hash) }, row[2];
    int rc = servedb_run(db, SQ_LEARNER_BY_HASH, find, 1, row, 2, NULL);
    if (rc != 1)
        return rc;
    /* The index found the row; the comparison that decides takes the same time for
     * every wrong hash. */
    size_t n = strlen(token_hash);
    if (row[1].type != SV_TEXT || row[1].len != n || CRYPTO_memcmp(row[1].p, token_hash, n))
        return 0;
    *learner = row[0].i;
    return 1;
}

int64_t servedb_count(struct servedb *db, enum servedb_q q, const struct servedb_val *args,
                      int nargs)
{
    struct servedb_val v;
    int rc = servedb_run(db, q, args, nargs, &v, 1, NULL);
    return rc < 0 ? -1 : rc == 0 ? 0 : v.i;
}

int64_t servedb_queue_size(struct servedb *db)
{
    return servedb_count(db, SQ_QUEUE_SIZE, NULL, 0);
}

int servedb_admit(struct servedb *db, int64_t learner, int64_t now, int64_t queue_max,
                  int64_t *retry)
{
    struct servedb_val args[] = { V_INT(learner), V_INT(now - SERVEDB_RATE_WINDOW) }, row[2];
    if (servedb_run(db, SQ_RECENT, args, NARGS(args), row, 2, NULL) < 0)
        return -1;
    if (row[0].i >= SERVEDB_RATE_MAX) {
        /* The oldest submission of the window leaves it after this many seconds. */
        int64_t wait = row[1].i + SERVEDB_RATE_WINDOW - now + 1;
        *retry = wait > 0 ? wait : 1;
        return SERVEDB_RATE;
    }
    int64_t queued = servedb_queue_size(db);
    if (queued < 0)
        return -1;
    if (queued >= queue_max) {
        *retry = SERVEDB_BUSY_RETRY;
        return SERVEDB_FULL;
    }
    return SERVEDB_OK;
}

static int64_t servedb_position(struct servedb *db, int64_t priority, int64_t id)
{
    struct servedb_val args[] = { V_INT(priority), V_INT(id) };
    return servedb_count(db, SQ_POSITION, args, NARGS(args));
}

int servedb_submit(struct servedb *db, int64_t learner, const char *lab, const void *data,
                   size_t len, int64_t now, int64_t queue_max, int64_t *id,
                   int64_t *position, int64_t *retry)
{
    if (servedb_begin(db) < 0)
        return -1;
    int rc = servedb_admit(db, learner, now, queue_max, retry);
    struct servedb_val row;
    if (rc == SERVEDB_OK) {
        struct servedb_val add[] = { V_INT(learner), V_TEXT(lab), V_INT(now), V_BLOB(data, len),
                                     V_INT((int64_t)len) };
        rc = servedb_run(db, SQ_SUB_ADD, add, NARGS(add), &row, 1, NULL) == 1 ? 0 : -1;
    }
    if (rc == SERVEDB_OK) {
        *id = row.i;
        struct servedb_val job[] = { V_INT(*id), V_INT(0) };
        rc = servedb_write(db, SQ_JOB_ADD, job, NARGS(job), NULL);
    }
    if (rc == SERVEDB_OK && (*position = servedb_position(db, 0, *id)) < 0)
        rc = -1;
    return servedb_end(db, rc);
}

int servedb_submission(struct servedb *db, int64_t learner, int64_t id,
                       struct servedb_sub *out)
{
    memset(out, 0, sizeof *out);
    struct servedb_val args[] = { V_INT(id), V_INT(learner) }, c[11];
    int rc = servedb_run(db, SQ_SUB_GET, args, NARGS(args), c, 11, NULL);
    if (rc != 1)
        return rc;
    out->id = c[0].i;
    snprintf(out->lab, sizeof out->lab, "%s", (const char *)c[1].p);
    snprintf(out->state, sizeof out->state, "%s", (const char *)c[2].p);
    int64_t priority = c[3].i;
    out->late = c[10].type == SV_INT && c[10].i != 0;
    if (c[4].type == SV_TEXT && c[9].type == SV_TEXT) {
        out->has_result = 1;
        snprintf(out->verdict, sizeof out->verdict, "%s", (const char *)c[4].p);
        out->passed = (int)c[5].i, out->failed = (int)c[6].i, out->total = (int)c[7].i;
        out->duration = c[8].type == SV_REAL ? c[8].r : (double)c[8].i;
        out->report = xstrdup(c[9].p);
    }
    if (strcmp(out->state, "queued") == 0
        && (out->position = servedb_position(db, priority, out->id)) < 0) {
        servedb_sub_free(out);
        return -1;
    }
    return 1;
}

void servedb_sub_free(struct servedb_sub *s)
{
    free(s->report);
    s->report = NULL;
}

int servedb_claim(struct servedb *db, const char *worker, int64_t now, int64_t lease,
                  struct servedb_job *job)
{
    memset(job, 0, sizeof *job);
    if (servedb_begin(db) < 0)
        return -1;
    struct servedb_val args[] = { V_TEXT(worker), V_INT(now), V_INT(now + lease) }, c[3];
    int rc = servedb_run(db, SQ_CLAIM, args, NARGS(args), c, 3, NULL);
    if (rc == 1) {
        job->id = c[0].i, job->claim = c[1].i, job->attempts = c[2].i;
        struct servedb_val load[] = { V_INT(job->id) };
        rc = servedb_run(db, SQ_JOB_LOAD, load, 1, c, 2, NULL);
        if (rc == 0) {
            snprintf(db->err, sizeof db->err, "job %lld has no submission", (long long)job->id);
            rc = -1;
        }
    }
    if (rc == 1) {
        snprintf(job->lab, sizeof job->lab, "%s", (const char *)c[0].p);
        job->size = c[1].len;
        job->archive = xmalloc(job->size + 1);
        memcpy(job->archive, c[1].p, job->size);
    }
    rc = servedb_end(db, rc);
    if (rc != 1)
        servedb_job_free(job);
    return rc;
}

void servedb_job_free(struct servedb_job *job)
{
    free(job->archive);
    job->archive = NULL;
    job->size = 0;
}

int servedb_heartbeat(struct servedb *db, int64_t id, int64_t claim, int64_t lease_until)
{
    struct servedb_val args[] = { V_INT(id), V_INT(claim), V_INT(lease_until) };
    int64_t changed = 0;
    if (servedb_write(db, SQ_HEARTBEAT, args, NARGS(args), &changed) < 0)
        return -1;
    return changed == 1;
}

int servedb_complete(struct servedb *db, int64_t id, int64_t claim,
                     const struct servedb_result *r, int64_t now)
{
    if (servedb_begin(db) < 0)
        return -1;
    struct servedb_val done[] = { V_INT(id), V_INT(claim) };
    int64_t changed = 0;
    int rc = servedb_write(db, SQ_DONE, done, NARGS(done), &changed);
    if (rc == 0 && changed == 1) {
        struct servedb_val add[] = { V_INT(id), V_TEXT(r->verdict), V_INT(r->passed),
                                     V_INT(r->failed), V_INT(r->total), V_REAL(r->duration),
                                     V_TEXT(r->report), V_INT(now) };
        rc = servedb_write(db, SQ_RESULT_ADD, add, NARGS(add), NULL);
        if (rc == 0)
            rc = 1;
    }
    return servedb_end(db, rc);
}

int servedb_wait(struct servedb *db, double seconds)
{
    if (db->ops->wait != NULL) {
        int rc = db->ops->wait(db->conn, seconds);
        if (rc < 0)
            snprintf(db->err, sizeof db->err, "%s", db->ops->errmsg(db->conn));
        return rc;
    }
    struct timespec t = { (time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9) };
    nanosleep(&t, NULL);    /* a signal ends it early */
    return 0;
}
