/* serve-worker-link.h -- how a grading worker reaches the queue: the claim / heartbeat /
 * complete protocol of docs/server.md behind an ops table, so the grading itself
 * (serve-worker.c) is the same whether the worker holds the database
 * (serve-worker-db.c) or pulls jobs from the class server over HTTP with a grading
 * machine's token (serve-worker-http.c). Prefix: worker_. */
#ifndef STACKLAB_SERVE_WORKER_LINK_H
#define STACKLAB_SERVE_WORKER_LINK_H

#include <stdint.h>

#include "serve-worker.h"
#include "servedb.h"

/* A failure that passes (no answer, a server restarting): the call may be made again. */
#define WORKER_LINK_RETRY 2

struct worker_link_ops {
    double idle;                    /* seconds between looks at an empty queue */
    /* Opens the link o names. NULL with an allocated *cause. */
    void *(*open)(const struct worker_opts *o, char **cause);
    /* Claims the next job for `me` into *job (free with servedb_job_free) and its lease
     * in seconds into *lease: 1 claimed, 0 none, WORKER_LINK_RETRY or -1 (fatal) with
     * an allocated *cause. */
    int (*claim)(void *l, const char *me, struct servedb_job *job, int *lease,
                 char **cause);
    /* Renews the lease of job (id, claim) for lease seconds. Called from the heartbeat
     * thread while the worker's own thread grades (it then makes no other call): 1
     * renewed, 0 the claim is lost, -1 with an allocated *cause (tried again later). */
    int (*heartbeat)(void *l, int64_t id, int64_t claim, int lease, char **cause);
    /* Stores the result of job (id, claim) if the claim is still its own: 1 stored, 0
     * not (claimed again meanwhile), WORKER_LINK_RETRY (not delivered: the lease ends
     * and the job is graded again) or -1 (fatal), both with an allocated *cause. */
    int (*complete)(void *l, int64_t id, int64_t claim, const struct servedb_result *r,
                    char **cause);
    /* Waits up to seconds for a job (a signal ends the wait): 0, or -1 with *cause. */
    int (*wait)(void *l, double seconds, char **cause);
    /* Closes; accepts NULL. */
    void (*close)(void *l);
};

extern const struct worker_link_ops worker_db_link;
extern const struct worker_link_ops worker_http_link;

#endif
