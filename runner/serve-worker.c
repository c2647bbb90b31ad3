/* serve-worker.c -- a grading worker: claim, unpack into a fresh temporary workspace,
 * grade with a seed of its own drawing while a heartbeat thread renews the lease, store
 * the result once (servedb_complete), remove the folder, loop. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <openssl/rand.h>

#include "grader.h"
#include "runjson.h"
#include "serve-worker.h"
#include "servedb.h"
#include "subarch.h"
#include "util.h"
#include "workspace.h"

/* How long an idle worker waits between looks at the queue (milliseconds): expired
 * leases are found by looking. */
#define WORKER_IDLE_MS 200

volatile sig_atomic_t worker_stop;

/* The heartbeat of one claimed job: a thread with a connection of its own extends the
 * lease every lease/3 seconds until `done`; `lost` says the claim is no longer its own. */
struct worker_beat {
    struct servedb *db;
    int64_t id, claim;
    int lease;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int done, lost;
};

static void *worker_beat_main(void *arg)
{
    struct worker_beat *b = arg;
    long step_ms = b->lease * 1000L / 3;
    pthread_mutex_lock(&b->mu);
    while (!b->done && !b->lost) {
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_sec += step_ms / 1000;
        until.tv_nsec += (step_ms % 1000) * 1000000L;
        if (until.tv_nsec >= 1000000000L)
            until.tv_sec++, until.tv_nsec -= 1000000000L;
        if (pthread_cond_timedwait(&b->cv, &b->mu, &until) != ETIMEDOUT || b->done)
            continue;
        int rc = servedb_heartbeat(b->db, b->id, b->claim, (int64_t)util_now() + b->lease);
        if (rc < 0)
            fprintf(stderr, "stacklab worker: heartbeat of job %lld: %s\n",
                    (long long)b->id, servedb_errmsg(b->db));
        b->lost = rc == 0;
    }
    pthread_mutex_unlock(&b->mu);
    return NULL;
}

/* Stops the heartbeat. Returns 1 when the claim was lost meanwhile. */
static int worker_beat_stop(struct worker_beat *b, pthread_t t)
{
    pthread_mutex_lock(&b->mu);
    b->done = 1;
    pthread_cond_signal(&b->cv);
    pthread_mutex_unlock(&b->mu);
    pthread_join(t, NULL);
    return b->lost;
}

/* The report of a grading that failed inside: a run whose one lab is `internal` with
 * the reason, so the learner's report says what happened. Caller frees. */
static char *worker_internal_report(const struct lab *lab, const char *why)
{
    if (lab == NULL) {  /* the course lost the lab since: no run can name it */
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "verdict", "internal");
        cJSON_AddStringToObject(o, "error", why);
        char *text = cJSON_PrintUnformatted(o);
        cJSON_Delete(o);
        return text;
    }
    struct grader_lab gl = { .lab = lab, .verdict = GRADER_INTERNAL };
    snprintf(gl.detail, sizeof gl.detail, "%s", why);
    struct grader_run run = { .target = lab, .labs = &gl, .nlabs = 1,
                              .verdict = GRADER_INTERNAL };
    return runjson_encode(&run);
}

/* A seed of the worker's own drawing (the learner chooses none). */
static uint64_t worker_seed(void)
{
    uint64_t r = 0;
    if (RAND_bytes((unsigned char *)&r, sizeof r) != 1)
        r = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
    return r & UTIL_SEED_MAX;
}

/* Grades job into *res (res->report allocated: caller frees). An internal failure is a
 * result too. */
static void worker_grade(const struct worker_opts *o, const struct servedb_job *job,
                         struct servedb_result *res)
{
    const struct lab *lab = course_lab(o->course, job->lab);
    const char *tmp = getenv("TMPDIR");
    char *dir = xasprintf("%s/stacklab-job.XXXXXX", tmp != NULL && *tmp ? tmp : "/tmp");
    char *cause = NULL, *report = NULL;
    struct grader_run run = { 0 };
    *res = (struct servedb_result){ .verdict = "internal" };
    if (lab == NULL)
        cause = xasprintf("lab %s is no longer in the server's course", job->lab);
    else if (job->attempts > SERVEDB_MAX_ATTEMPTS)
        cause = xasprintf("grading stopped %d times before it ended", SERVEDB_MAX_ATTEMPTS);
    else if (mkdtemp(dir) == NULL)
        cause = xasprintf("%s: %s", dir, strerror(errno));
    else if (subarch_unpack(job->archive, job->size, dir, lab->folders, &cause) < 0)
        ;   /* validated when it was submitted: the server's rules changed since */
    else {
        struct workspace w = { .root = dir, .course = o->course };
        struct grader_opts go = { .seed = worker_seed(), .seed_set = 1 };
        if (grader_check(&w, lab, &go, &run, &cause) == 0) {
            run.seed_chosen = 0;    /* drawn here: the learner chose nothing */
            report = runjson_encode(&run);
            *res = (struct servedb_result){ .verdict = grader_verdict_name(run.verdict),
                                            .passed = run.passed, .failed = run.failed,
                                            .total = run.total, .duration = run.duration };
        }
    }
    if (report == NULL) {
        fprintf(stderr, "stacklab worker: job %lld: %s\n", (long long)job->id,
                cause != NULL ? cause : "out of memory");
        report = worker_internal_report(lab, cause != NULL ? cause : "out of memory");
    }
    res->report = report;
    grader_run_free(&run);
    util_rmtree(dir);
    free(dir);
    free(cause);
}

/* Grades one claimed job under its heartbeat and stores the result. 0, or -1 when the
 * database failed (*cause). */
static int worker_job(const struct worker_opts *o, struct servedb *db, struct servedb *beat_db,
                      const struct servedb_job *job, char **cause)
{
    double t0 = util_mono();
    struct worker_beat b = { .db = beat_db, .id = job->id, .claim = job->claim,
                             .lease = o->lease };
    pthread_mutex_init(&b.mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&b.cv, &ca);
    pthread_condattr_destroy(&ca);
    pthread_t t;
    int beating = pthread_create(&t, NULL, worker_beat_main, &b) == 0;
    struct servedb_result res;
    worker_grade(o, job, &res);
    int lost = beating ? worker_beat_stop(&b, t) : 0;
    pthread_cond_destroy(&b.cv);
    pthread_mutex_destroy(&b.mu);
    int rc = lost ? 0 : servedb_complete(db, job->id, job->claim, &res, (int64_t)util_now());
    if (rc == 0)
        fprintf(stderr, "stacklab worker: job %lld was claimed again meanwhile: this "
                "grading is dropped\n", (long long)job->id);
    if (rc < 0)
        *cause = xasprintf("storing the result of job %lld: %s", (long long)job->id,
                           servedb_errmsg(db));
    if (rc > 0 && getenv("STACKLAB_WORKER_TIMES") != NULL)    /* bench/serve.sh reads it */
        fprintf(stderr, "stacklab worker: job %lld took %.3f s, %.3f s of it grading, "
                "stored at %.3f\n", (long long)job->id, util_mono() - t0, res.duration,
                util_now());
    free((char *)res.report);
    return rc < 0 ? -1 : 0;
}

int worker_run(const struct worker_opts *o, char **cause)
{
    struct servedb *db = servedb_open(o->db_url, cause);
    struct servedb *beat_db = db != NULL ? servedb_open(o->db_url, cause) : NULL;
    char host[128] = "";
    gethostname(host, sizeof host - 1);
    char *me = xasprintf("%s:%ld", host, (long)getpid());
    int rc = beat_db != NULL ? 0 : -1, graded = 0;
    while (rc == 0 && !worker_stop && !(o->once && graded)) {
        struct servedb_job job;
        int got = servedb_claim(db, me, (int64_t)util_now(), o->lease, &job);
        if (got < 0) {
            *cause = xasprintf("claiming a job: %s", servedb_errmsg(db));
            rc = -1;
        } else if (got == 0 && o->once) {
            rc = 1;
        } else if (got == 0) {
            /* Woken at once by an engine that can (PostgreSQL's NOTIFY); a signal ends
             * the wait early, and worker_stop is looked at next. */
            if (servedb_wait(db, WORKER_IDLE_MS / 1000.0) < 0) {
                *cause = xasprintf("waiting for a job: %s", servedb_errmsg(db));
                rc = -1;
            }
        } else {
            rc = worker_job(o, db, beat_db, &job, cause);
            graded++;
            servedb_job_free(&job);
        }
    }
    free(me);
    servedb_close(beat_db);
    servedb_close(db);
    return rc;
}

int worker_lease(void)
{
    const char *env = getenv("STACKLAB_LEASE");
    if (env == NULL || *env == '\0')
        return SERVEDB_LEASE;
    char *end;
    long v = strtol(env, &end, 10);
    if (*end != '\0' || v < 1 || v > 3600) {
        fprintf(stderr, "stacklab: STACKLAB_LEASE must be a number of seconds from 1 to "
                "3600, not '%s'\n", env);
        return -1;
    }
    return (int)v;
}
