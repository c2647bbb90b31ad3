/* serve-worker-db.c -- the worker's link to the queue when it holds the database: claims,
 * completes and waits on one connection, renews leases on a second one (the heartbeat
 * thread's), each call servedb.c's rule. */
#include <stdlib.h>

#include "serve-worker-link.h"
#include "util.h"

struct worker_db {
    struct servedb *db;             /* the worker's own thread */
    struct servedb *beat;           /* the heartbeat thread's */
    int lease;
};

static void worker_db_close(void *l)
{
    struct worker_db *w = l;
    if (w == NULL)
        return;
    servedb_close(w->beat);
    servedb_close(w->db);
    free(w);
}

static void *worker_db_open(const struct worker_opts *o, char **cause)
{
    struct worker_db *w = xcalloc(1, sizeof *w);
    w->lease = o->lease;
    w->db = servedb_open(o->db_url, cause);
    w->beat = w->db != NULL ? servedb_open(o->db_url, cause) : NULL;
    if (w->beat == NULL) {
        worker_db_close(w);
        return NULL;
    }
    return w;
}

static int worker_db_claim(void *l, const char *me, struct servedb_job *job, int *lease,
                           char **cause)
{
    struct worker_db *w = l;
    int got = servedb_claim(w->db, me, (int64_t)util_now(), w->lease, job);
    if (got < 0)
        *cause = xasprintf("claiming a job: %s", servedb_errmsg(w->db));
    *lease = w->lease;
    return got;
}

static int worker_db_heartbeat(void *l, int64_t id, int64_t claim, int lease, char **cause)
{
    struct worker_db *w = l;
    int rc = servedb_heartbeat(w->beat, id, claim, (int64_t)util_now() + lease);
    if (rc < 0)
        *cause = xstrdup(servedb_errmsg(w->beat));
    return rc;
}

static int worker_db_complete(void *l, int64_t id, int64_t claim,
                              const struct servedb_result *r, char **cause)
{
    struct worker_db *w = l;
    int rc = servedb_complete(w->db, id, claim, r, (int64_t)util_now());
    if (rc < 0)
        *cause = xstrdup(servedb_errmsg(w->db));
    return rc;
}

static int worker_db_wait(void *l, double seconds, char **cause)
{
    struct worker_db *w = l;
    /* Woken at once by an engine that can (PostgreSQL's NOTIFY). */
    if (servedb_wait(w->db, seconds) >= 0)
        return 0;
    *cause = xasprintf("waiting for a job: %s", servedb_errmsg(w->db));
    return -1;
}

const struct worker_link_ops worker_db_link = {
    .idle = 0.2, .open = worker_db_open, .claim = worker_db_claim,
    .heartbeat = worker_db_heartbeat, .complete = worker_db_complete,
    .wait = worker_db_wait, .close = worker_db_close,
};
