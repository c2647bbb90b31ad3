/* serve-worker.c -- a grading worker: claim, unpack into a fresh temporary workspace,
 * grade with a seed of its own drawing while a heartbeat thread renews the lease, store
 * the result once, remove the folder, loop; the queue is reached through a link
 * (serve-worker-link.h: the database, or the class server over HTTP). */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <openssl/rand.h>

#include "grader.h"
#include "runjson.h"
#include "serve-worker-link.h"
#include "servedb.h"
#include "subarch.h"
#include "util.h"
#include "workspace.h"

volatile sig_atomic_t worker_stop;

/* The heartbeat of one claimed job: a thread extends the lease through the link every
 * lease/3 seconds until `done`; `lost` says the claim is no longer its own. */
struct worker_beat {
    const struct worker_link_ops *ops;
    void *link;
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
        char *why = NULL;
        pthread_mutex_unlock(&b->mu);   /* a call over HTTP may take a while */
        int rc = b->ops->heartbeat(b->link, b->id, b->claim, b->lease, &why);
        pthread_mutex_lock(&b->mu);
        if (rc < 0)
            fprintf(stderr, "stacklab worker: heartbeat of job %lld: %s\n",
                    (long long)b->id, why);
        free(why);
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

/* The folder jobs are unpacked in: $TMPDIR, else /tmp. */
static const char *worker_tmp(void)
{
    const char *tmp = getenv("TMPDIR");
    return tmp != NULL && *tmp == '/' ? tmp : "/tmp";
}

/* Removes the job folders (stacklab-job.PID.XXXXXX) that workers killed mid-job left:
 * those of this user whose PID no process has. A PID taken again since is left alone
 * (its folder stays until that process ends and a later worker looks). */
static void worker_sweep(void)
{
    DIR *d = opendir(worker_tmp());
    struct dirent *e;
    while (d != NULL && (e = readdir(d)) != NULL) {
        long pid = 0;
        int end = 0;
        if (sscanf(e->d_name, "stacklab-job.%ld.%n", &pid, &end) != 1 || end == 0 || pid <= 0
            || pid == (long)getpid() || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue;
        char *path = xasprintf("%s/%s", worker_tmp(), e->d_name);
        struct stat st;
        if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == geteuid())
            util_rmtree(path);
        free(path);
    }
    if (d != NULL)
        closedir(d);
}

/* Grades job into *res (res->report allocated: caller frees). An internal failure is a
 * result too. */
static void worker_grade(const struct worker_opts *o, const struct servedb_job *job,
                         struct servedb_result *res)
{
    const struct lab *lab = course_lab(o->course, job->lab);
    char *dir = xasprintf("%s/stacklab-job.%ld.XXXXXX", worker_tmp(), (long)getpid());
    char *cause = NULL, *report = NULL;
    struct grader_run run = { 0 };
    *res = (struct servedb_result){ .verdict = "internal" };
    if (lab == NULL)
        cause = xasprintf("lab %s is not in the course this worker grades against",
                          job->lab);
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

/* The words of a report too long to store, as an internal result's report in place of
 * it (*res's verdict and counts become the internal result's). */
static void worker_cap_report(const struct lab *lab, struct servedb_result *res)
{
    size_t n = strlen(res->report);
    if (n < WORKER_MAX_REPORT)
        return;
    char *why = xasprintf("the report of this grading is %zu bytes, over the %zu a result "
                          "may hold", n, WORKER_MAX_REPORT);
    free((char *)res->report);
    *res = (struct servedb_result){ .verdict = "internal",
                                    .report = worker_internal_report(lab, why) };
    free(why);
}

/* Grades one claimed job under its heartbeat and stores the result through the link.
 * 0, or -1 when the link failed for good (*cause). */
static int worker_job(const struct worker_opts *o, const struct worker_link_ops *ops,
                      void *link, const struct servedb_job *job, int lease, char **cause)
{
    double t0 = util_mono();
    struct worker_beat b = { .ops = ops, .link = link, .id = job->id, .claim = job->claim,
                             .lease = lease };
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
    worker_cap_report(course_lab(o->course, job->lab), &res);
    int lost = beating ? worker_beat_stop(&b, t) : 0;
    pthread_cond_destroy(&b.cv);
    pthread_mutex_destroy(&b.mu);
    char *why = NULL;
    int rc = lost ? 0 : ops->complete(link, job->id, job->claim, &res, &why);
    if (rc == 0)
        fprintf(stderr, "stacklab worker: job %lld was claimed again meanwhile: this "
                "grading is dropped\n", (long long)job->id);
    if (rc == WORKER_LINK_RETRY)
        fprintf(stderr, "stacklab worker: the result of job %lld was not stored (%s): "
                "it is graded again once its lease ends\n", (long long)job->id, why);
    if (rc < 0)
        *cause = xasprintf("storing the result of job %lld: %s", (long long)job->id, why);
    if (rc == 1 && getenv("STACKLAB_WORKER_TIMES") != NULL)   /* bench/serve.sh reads it */
        fprintf(stderr, "stacklab worker: job %lld took %.3f s, %.3f s of it grading, "
                "stored at %.3f\n", (long long)job->id, util_mono() - t0, res.duration,
                util_now());
    free(why);
    free((char *)res.report);
    return rc < 0 ? -1 : 0;
}

/* Waits seconds through the link; -1 (*cause) when it failed. */
static int worker_pause(const struct worker_link_ops *ops, void *link, double seconds,
                        char **cause)
{
    return ops->wait(link, seconds, cause) < 0 ? -1 : 0;
}

int worker_run(const struct worker_opts *o, char **cause)
{
    const struct worker_link_ops *ops = o->db_url != NULL ? &worker_db_link
                                                          : &worker_http_link;
    void *link = ops->open(o, cause);
    char host[128] = "";
    gethostname(host, sizeof host - 1);
    char *me = xasprintf("%s:%ld", host, (long)getpid());
    worker_sweep();
    int rc = link != NULL ? 0 : -1, graded = 0;
    double backoff = 0;     /* seconds before the next try after a failure that passes */
    while (rc == 0 && !worker_stop && !(o->once && graded)) {
        struct servedb_job job;
        int lease = o->lease;
        char *why = NULL;
        int got = ops->claim(link, me, &job, &lease, &why);
        if (got == WORKER_LINK_RETRY && !o->once) {
            /* A server restarting, or one not up yet: wait it out, ever less often. */
            backoff = backoff == 0 ? 1 : backoff * 2 > 10 ? 10 : backoff * 2;
            fprintf(stderr, "stacklab worker: %s; trying again in %.0f s\n", why, backoff);
            rc = worker_pause(ops, link, backoff, cause);
        } else if (got < 0 || got == WORKER_LINK_RETRY) {
            *cause = why, why = NULL;
            rc = -1;
        } else if (got == 0 && o->once) {
            rc = 1;
        } else if (got == 0) {
            /* A signal ends the wait early, and worker_stop is looked at next. */
            backoff = 0;
            rc = worker_pause(ops, link, ops->idle, cause);
        } else {
            backoff = 0;
            rc = worker_job(o, ops, link, &job, lease, cause);
            graded++;
            servedb_job_free(&job);
        }
        free(why);
    }
    free(me);
    ops->close(link);
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
