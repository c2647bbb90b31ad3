/* cmd-worker.c -- `stacklab worker --course DIR (--db URL | --server URL [--token-file
 * PATH]) [--once]`: grades the class server's queued submissions (serve-worker.c) until
 * SIGTERM or SIGINT, which end it after the job in hand. With --db it holds the database
 * (`stacklab serve` runs these); with --server it is a grading machine pulling jobs over
 * HTTP with a worker token (STACKLAB_WORKER_TOKEN, or a 0600 file). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "client.h"
#include "cmd.h"
#include "serve-worker.h"
#include "servedb.h"
#include "util.h"

struct cmd_worker_opts {
    const char *course, *db, *server, *token_file;
    int once;
};

static int cmd_worker_parse(struct cmd_ctx *ctx)
{
    struct cmd_worker_opts *o = ctx->opts;
    for (int i = 1; i < ctx->argc; i++) {
        const char *a = ctx->argv[i], *v = i + 1 < ctx->argc ? ctx->argv[i + 1] : NULL;
        const char **slot = strcmp(a, "--course") == 0 ? &o->course
                            : strcmp(a, "--db") == 0 ? &o->db
                            : strcmp(a, "--server") == 0 ? &o->server
                            : strcmp(a, "--token-file") == 0 ? &o->token_file : NULL;
        if (slot != NULL && v != NULL)
            *slot = v, i++;
        else if (strcmp(a, "--once") == 0)
            o->once = 1;
        else
            return -1;
    }
    if (o->db != NULL && (o->server != NULL || o->token_file != NULL)) {
        fprintf(stderr, "stacklab worker: --db (this machine holds the database) or "
                "--server (it pulls jobs over HTTP), not both\n");
        return EXIT_USAGE;
    }
    return o->course != NULL && (o->db != NULL || o->server != NULL) ? 0 : -1;
}

/* The grading machine's token: the first line of --token-file PATH (a regular file no one
 * else may read), else STACKLAB_WORKER_TOKEN. NULL after saying why. Caller frees. */
static char *cmd_worker_token(const char *path)
{
    if (path == NULL) {
        const char *env = getenv("STACKLAB_WORKER_TOKEN");
        if (env != NULL && *env != '\0')
            return xstrdup(env);
        fprintf(stderr, "stacklab worker: --server needs the machine's token in "
                "STACKLAB_WORKER_TOKEN or --token-file PATH (stacklab class worker NAME "
                "prints one)\n");
        return NULL;
    }
    struct stat st;
    char *text = NULL;
    if (stat(path, &st) < 0)
        fprintf(stderr, "stacklab worker: --token-file %s: %s\n", path, strerror(errno));
    else if (!S_ISREG(st.st_mode))
        fprintf(stderr, "stacklab worker: --token-file %s: not a regular file\n", path);
    else if ((st.st_mode & 077) != 0)
        fprintf(stderr, "stacklab worker: --token-file %s: mode %03o lets others read the "
                "token: chmod 600 it\n", path, (unsigned)(st.st_mode & 0777));
    else if ((text = util_read_file(path, 4096, NULL)) == NULL)
        fprintf(stderr, "stacklab worker: --token-file %s: %s\n", path, strerror(errno));
    if (text != NULL)
        text[strcspn(text, "\r\n")] = '\0';
    return text;
}

static void cmd_worker_signal(int sig)
{
    (void)sig;
    worker_stop = 1;
}

/* SIGUSR1: serve stored a submission. Nothing to do: the signal itself ends the idle
 * wait (nanosleep and poll are never restarted), so the queue is looked at at once. */
static void cmd_worker_wake(int sig)
{
    (void)sig;
}

/* Where the jobs come from: the database, or the server with its token checked. Returns
 * 0, or EXIT_USAGE after saying why. */
static int cmd_worker_source(const struct cmd_worker_opts *o, struct worker_opts *wo)
{
    wo->db_url = o->db;
    if (o->db != NULL)
        return 0;
    char *why = NULL;
    if (!client_url_ok(o->server, &why)) {
        fprintf(stderr, "stacklab worker: --server %s\n", why);
        free(why);
        return EXIT_USAGE;
    }
    char *token = cmd_worker_token(o->token_file);
    if (token != NULL && !client_token_ok(token)) {
        fprintf(stderr, "stacklab worker: the worker token is malformed (the line stacklab "
                "class worker NAME printed: 64 hex characters)\n");
        free(token);
        token = NULL;
    }
    wo->server_url = o->server;
    wo->token = token;
    return token != NULL ? 0 : EXIT_USAGE;
}

static int cmd_worker_exec(struct cmd_ctx *ctx)
{
    const struct cmd_worker_opts *o = ctx->opts;
    struct worker_opts wo = { .once = o->once, .lease = worker_lease() };
    if (wo.lease < 0 || cmd_worker_source(o, &wo) != 0)
        return EXIT_USAGE;
    char *errors = NULL, *root = util_realpath(o->course);
    wo.course = root != NULL ? course_load(root, &errors) : NULL;
    free(root);
    if (wo.course == NULL) {
        fprintf(stderr, "stacklab worker: --course %s: %s", o->course,
                errors != NULL ? errors : "no such folder\n");
        free(errors);
        free((char *)wo.token);
        return EXIT_USAGE;
    }
    /* SA_RESTART: a grading in hand must not see EINTR; the idle sleep ends anyway. */
    struct sigaction sa = { .sa_handler = cmd_worker_signal, .sa_flags = SA_RESTART };
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sa.sa_handler = cmd_worker_wake;
    sigaction(SIGUSR1, &sa, NULL);
    char *cause = NULL;
    int rc = worker_run(&wo, &cause);
    if (rc < 0)
        fprintf(stderr, "stacklab worker: %s\n", cause);
    free(cause);
    free((char *)wo.token);
    course_free(wo.course);
    return rc < 0 ? EXIT_INTERNAL : rc == 1 ? EXIT_FAILED : EXIT_OK;
}

const struct cmd_entry cmd_worker_entry = {
    .name = "worker",
    .usage = "--course DIR (--db URL | --server URL [--token-file PATH]) [--once]",
    .summary = "grade a class server's queued submissions (docs/server.md)",
    .opts_size = sizeof(struct cmd_worker_opts), .parse = cmd_worker_parse,
    .exec = cmd_worker_exec,
};
