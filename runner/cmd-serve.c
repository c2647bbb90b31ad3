/* cmd-serve.c -- `stacklab serve --course DIR --listen ADDR:PORT --db sqlite:PATH
 * [--workers N]`: answers the class server's API (serve-http.c) and keeps N `stacklab
 * worker` processes running beside it, re-executed from /proc/self/exe: one that dies is
 * started again, and SIGTERM or SIGINT stops the API, then the workers, then exits. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "serve-http.h"
#include "serve-worker.h"
#include "servedb.h"
#include "util.h"

#define CMD_SERVE_MAX_WORKERS 64
/* A worker that died sooner than this after its start is restarted only after as long,
 * so a worker that cannot start does not spin. */
#define CMD_SERVE_RESTART_S 1.0
/* Workers get this long to finish their job after SIGTERM, then SIGKILL (their jobs'
 * leases end and another worker grades them). */
#define CMD_SERVE_GRACE_S 10.0

struct cmd_serve_opts {
    const char *course, *listen, *db;
    int workers;
};

struct cmd_serve_worker {
    pid_t pid;                  /* 0: not running */
    double started, restart_at; /* util_mono() */
};

/* The running workers' pids as the HTTP threads see them (cmd_serve_wake): set when a
 * worker starts, cleared before it is reaped, so a pid the kernel may give again is
 * never signalled. */
static _Atomic pid_t cmd_serve_awake[CMD_SERVE_MAX_WORKERS];

/* Records a started worker's pid, or forgets one (only the main thread writes). */
static void cmd_serve_awake_set(pid_t old, pid_t pid)
{
    for (int i = 0; i < CMD_SERVE_MAX_WORKERS; i++)
        if (cmd_serve_awake[i] == old) {
            cmd_serve_awake[i] = pid;
            return;
        }
}

/* serve_opts.on_queued: SIGUSR1 to every worker, ending an idle worker's wait at once
 * (SQLite has no way to wake it; PostgreSQL's NOTIFY does the same for its workers). */
static void cmd_serve_wake(void)
{
    for (int i = 0; i < CMD_SERVE_MAX_WORKERS; i++) {
        pid_t pid = cmd_serve_awake[i];
        if (pid > 0)
            kill(pid, SIGUSR1);
    }
}

static int cmd_serve_parse(struct cmd_ctx *ctx)
{
    struct cmd_serve_opts *o = ctx->opts;
    o->workers = 1;
    for (int i = 1; i < ctx->argc; i++) {
        const char *a = ctx->argv[i], *v = i + 1 < ctx->argc ? ctx->argv[i + 1] : NULL;
        const char **slot = strcmp(a, "--course") == 0 ? &o->course
                            : strcmp(a, "--listen") == 0 ? &o->listen
                            : strcmp(a, "--db") == 0 ? &o->db : NULL;
        if (v != NULL && slot != NULL) {
            *slot = v;
        } else if (v != NULL && strcmp(a, "--workers") == 0) {
            char *end;
            long n = strtol(v, &end, 10);
            if (*end != '\0' || end == v || n < 0 || n > CMD_SERVE_MAX_WORKERS) {
                fprintf(stderr, "stacklab serve: --workers takes a number from 0 to %d, "
                        "not '%s'\n", CMD_SERVE_MAX_WORKERS, v);
                return EXIT_USAGE;
            }
            o->workers = (int)n;
        } else {
            return -1;
        }
        i++;
    }
    return o->course != NULL && o->listen != NULL && o->db != NULL ? 0 : -1;
}

/* STACKLAB_QUEUE_MAX (1 and up), else SERVEDB_QUEUE_MAX; -1 with a message. */
static int64_t cmd_serve_queue_max(void)
{
    const char *env = getenv("STACKLAB_QUEUE_MAX");
    if (env == NULL || *env == '\0')
        return SERVEDB_QUEUE_MAX;
    char *end;
    long long v = strtoll(env, &end, 10);
    if (*end != '\0' || v < 1) {
        fprintf(stderr, "stacklab serve: STACKLAB_QUEUE_MAX must be a number from 1 up, "
                "not '%s'\n", env);
        return -1;
    }
    return v;
}

/* Starts `stacklab worker` in w. The child gets the signal mask `mask` back and SIGTERM
 * when serve dies, however it dies. */
static void cmd_serve_spawn(struct cmd_serve_worker *w, char *const argv[],
                            const sigset_t *mask)
{
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        /* Ignored until the worker takes it (cmd-worker.c): a wake before then is lost
         * (the worker looks at the queue when it starts), never fatal. */
        signal(SIGUSR1, SIG_IGN);
        sigprocmask(SIG_SETMASK, mask, NULL);
        if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0 || getppid() != parent)
            _exit(EXIT_INTERNAL);
        execv("/proc/self/exe", argv);
        _exit(EXIT_INTERNAL);
    }
    if (pid < 0)
        fprintf(stderr, "stacklab serve: cannot start a worker: %s\n", strerror(errno));
    w->pid = pid > 0 ? pid : 0;
    if (pid > 0)
        cmd_serve_awake_set(0, pid);
    w->started = util_mono();
    w->restart_at = w->started + CMD_SERVE_RESTART_S;
}

/* Reaps the workers that ended; says how each ended (while stopping: only a failure). */
static void cmd_serve_reap(struct cmd_serve_worker *w, int n, int stopping)
{
    int status;
    pid_t pid;
    siginfo_t ended;
    /* Seen ended first, forgotten by cmd_serve_wake, then reaped (freeing its pid). */
    while ((ended.si_pid = 0, waitid(P_ALL, 0, &ended, WEXITED | WNOHANG | WNOWAIT)) == 0
           && ended.si_pid > 0) {
        cmd_serve_awake_set(ended.si_pid, 0);
        if ((pid = waitpid(ended.si_pid, &status, 0)) <= 0)
            break;
        for (int i = 0; i < n; i++) {
            if (w[i].pid != pid)
                continue;
            w[i].pid = 0;
            double now = util_mono();
            w[i].restart_at = now - w[i].started < CMD_SERVE_RESTART_S
                              ? now + CMD_SERVE_RESTART_S : now;
            const char *then = stopping ? "" : "; starting another";
            if (WIFSIGNALED(status))
                fprintf(stderr, "stacklab serve: worker %ld was killed by signal %d%s\n",
                        (long)pid, WTERMSIG(status), then);
            else if (!stopping || WEXITSTATUS(status) != 0)
                fprintf(stderr, "stacklab serve: worker %ld exited (%d)%s\n", (long)pid,
                        WEXITSTATUS(status), then);
        }
    }
}

static int cmd_serve_running(const struct cmd_serve_worker *w, int n)
{
    int running = 0;
    for (int i = 0; i < n; i++)
        running += w[i].pid > 0;
    return running;
}

/* SIGTERM to every worker, CMD_SERVE_GRACE_S for them to end, then SIGKILL. */
static void cmd_serve_stop_workers(struct cmd_serve_worker *w, int n, const sigset_t *wait)
{
    for (int i = 0; i < n; i++)
        if (w[i].pid > 0)
            kill(w[i].pid, SIGTERM);
    double deadline = util_mono() + CMD_SERVE_GRACE_S;
    while (cmd_serve_running(w, n) > 0 && util_mono() < deadline) {
        struct timespec step = { 0, 100 * 1000000L };
        sigtimedwait(wait, NULL, &step);
        cmd_serve_reap(w, n, 1);
    }
    for (int i = 0; i < n; i++) {
        if (w[i].pid > 0) {
            fprintf(stderr, "stacklab serve: worker %ld did not stop within %.0f s: "
                    "killed\n", (long)w[i].pid, CMD_SERVE_GRACE_S);
            kill(w[i].pid, SIGKILL);
            waitpid(w[i].pid, NULL, 0);
        }
    }
}

/* Keeps the workers running until SIGTERM or SIGINT. */
static void cmd_serve_supervise(struct cmd_serve_worker *w, int n, char *const argv[],
                                const sigset_t *wait, const sigset_t *old)
{
    for (;;) {
        for (int i = 0; i < n; i++)
            if (w[i].pid == 0 && util_mono() >= w[i].restart_at)
                cmd_serve_spawn(&w[i], argv, old);
        struct timespec tick = { 0, 500 * 1000000L };
        int sig = sigtimedwait(wait, NULL, &tick);
        if (sig == SIGTERM || sig == SIGINT)
            return;
        cmd_serve_reap(w, n, 0);
    }
}

static int cmd_serve_exec(struct cmd_ctx *ctx)
{
    const struct cmd_serve_opts *o = ctx->opts;
    struct serve_opts so = { .listen = o->listen, .db_url = o->db,
                             .queue_max = cmd_serve_queue_max(),
                             .on_queued = cmd_serve_wake };
    if (so.queue_max < 0 || worker_lease() < 0)    /* its workers would fail at once */
        return EXIT_USAGE;
    char *errors = NULL, *root = util_realpath(o->course);
    struct course *c = root != NULL ? course_load(root, &errors) : NULL;
    if (c == NULL) {
        fprintf(stderr, "stacklab serve: --course %s: %s", o->course,
                errors != NULL ? errors : "no such folder\n");
        free(errors);
        free(root);
        return EXIT_USAGE;
    }
    so.course = c;
    /* Blocked before the HTTP threads start, so they inherit it and sigtimedwait alone
     * takes these signals. */
    sigset_t wait, old;
    sigemptyset(&wait);
    sigaddset(&wait, SIGTERM);
    sigaddset(&wait, SIGINT);
    sigaddset(&wait, SIGCHLD);
    pthread_sigmask(SIG_BLOCK, &wait, &old);
    signal(SIGPIPE, SIG_IGN);
    char *cause = NULL;
    struct serve *s = serve_start(&so, &cause);
    int rc = EXIT_OK;
    if (s == NULL) {
        fprintf(stderr, "stacklab serve: %s\n", cause);
        free(cause);
        rc = EXIT_INTERNAL;
    } else {
        fprintf(stderr, "stacklab serve: listening on port %u with %d worker%s\n",
                serve_port(s), o->workers, o->workers == 1 ? "" : "s");
        char *argv[] = { "stacklab", "worker", "--course", root, "--db", (char *)o->db, NULL };
        struct cmd_serve_worker w[CMD_SERVE_MAX_WORKERS] = { 0 };
        cmd_serve_supervise(w, o->workers, argv, &wait, &old);
        serve_stop(s);
        cmd_serve_stop_workers(w, o->workers, &wait);
        fprintf(stderr, "stacklab serve: stopped\n");
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    course_free(c);
    free(root);
    return rc;
}

const struct cmd_entry cmd_serve_entry = {
    .name = "serve", .usage = "--course DIR --listen ADDR:PORT --db URL [--workers N]",
    .summary = "run a class server: the API and N grading workers (docs/server.md)",
    .opts_size = sizeof(struct cmd_serve_opts), .parse = cmd_serve_parse,
    .exec = cmd_serve_exec,
};
