/* serve-worker.h -- a grading worker of the class server (docs/server.md): claims a job,
 * unpacks its archive into a fresh temporary workspace, grades it with grader_check
 * while a thread renews the job's lease, stores the result (runjson) and loops. A
 * grading that fails inside is stored as verdict internal: no submission is lost.
 * Prefix: worker_. */
#ifndef STACKLAB_SERVE_WORKER_H
#define STACKLAB_SERVE_WORKER_H

#include <signal.h>

#include "course.h"

struct worker_opts {
    const char *db_url;             /* "sqlite:PATH" */
    struct course *course;          /* the course jobs are graded against; not owned */
    int once;                       /* 1: one job at most, then return */
    int lease;                      /* seconds (STACKLAB_LEASE, else SERVEDB_LEASE) */
};

/* The lease of a claimed job in seconds: STACKLAB_LEASE (1 to 3600; tests shorten it), else
 * SERVEDB_LEASE. -1 after saying on stderr what is wrong with it. */
int worker_lease(void);

/* Set (by a signal handler) to stop after the job in hand. */
extern volatile sig_atomic_t worker_stop;

/* Runs the worker. Returns 0 (stopped, or with `once` one job graded), 1 with `once`
 * when there was no job, or -1 with an allocated *cause (the database could not be
 * opened or failed). */
int worker_run(const struct worker_opts *o, char **cause);

#endif
