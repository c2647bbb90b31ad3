/* serve-worker.h -- a grading worker of the class server (docs/server.md): claims a job,
 * unpacks its archive into a fresh temporary workspace, grades it with grader_check
 * while a thread renews the job's lease, stores the result (runjson) and loops. A
 * grading that fails inside is stored as verdict internal: no submission is lost. The
 * queue is reached through a link (serve-worker-link.h): the database itself, or the
 * class server over HTTP with a grading machine's token. Prefix: worker_. */
#ifndef STACKLAB_SERVE_WORKER_H
#define STACKLAB_SERVE_WORKER_H

#include <signal.h>
#include <stddef.h>

#include "course.h"

/* A result's report (runjson text) is shorter than this; a longer one is stored as an
 * internal result saying so (the server refuses it from a grading machine). */
#define WORKER_MAX_REPORT ((size_t)8 << 20)

struct worker_opts {
    const char *db_url;             /* "sqlite:PATH", "postgresql://...": the database */
    const char *server_url;         /* or, db_url NULL, the class server's URL */
    const char *token;              /* with server_url: a grading machine's token */
    struct course *course;          /* the course jobs are graded against; not owned */
    int once;                       /* 1: one job at most, then return */
    int lease;                      /* seconds (STACKLAB_LEASE, else SERVEDB_LEASE); over
                                     * HTTP the server's lease is used instead */
};

/* The lease of a claimed job in seconds: STACKLAB_LEASE (1 to 3600; tests shorten it), else
 * SERVEDB_LEASE. -1 after saying on stderr what is wrong with it. */
int worker_lease(void);

/* Set (by a signal handler) to stop after the job in hand. */
extern volatile sig_atomic_t worker_stop;

/* Runs the worker. Returns 0 (stopped, or with `once` one job graded), 1 with `once`
 * when there was no job, or -1 with an allocated *cause (the database could not be
 * opened or failed; the server refused the token or spoke no sense; with `once`, the
 * server could not be reached). A server that does not answer is waited for. */
int worker_run(const struct worker_opts *o, char **cause);

#endif
