/* cmd-worker.c -- `stacklab worker --course DIR --db sqlite:PATH [--once]`: grades the
 * class server's queued submissions (serve-worker.c) until SIGTERM or SIGINT, which end
 * it after the job in hand. `stacklab serve` runs these; more can run apart. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "serve-worker.h"
#include "servedb.h"
#include "util.h"

struct cmd_worker_opts {
    const char *course, *db;
    int once;
};

static int cmd_worker_parse(struct cmd_ctx *ctx)
{
    struct cmd_worker_opts *o = ctx->opts;
    for (int i = 1; i < ctx->argc; i++) {
        const char *a = ctx->argv[i];
        int more = i + 1 < ctx->argc;
        if (strcmp(a, "--course") == 0 && more)
            o->course = ctx->argv[++i];
        else if (strcmp(a, "--db") == 0 && more)
            o->db = ctx->argv[++i];
        else if (strcmp(a, "--once") == 0)
            o->once = 1;
        else
            return -1;
    }
    return o->course != NULL && o->db != NULL ? 0 : -1;
}

static void cmd_worker_signal(int sig)
{
    (void)sig;
    worker_stop = 1;
}

static int cmd_worker_exec(struct cmd_ctx *ctx)
{
    const struct cmd_worker_opts *o = ctx->opts;
    struct worker_opts wo = { .db_url = o->db, .once = o->once, .lease = worker_lease() };
    if (wo.lease < 0)
        return EXIT_USAGE;
    char *errors = NULL, *root = util_realpath(o->course);
    wo.course = root != NULL ? course_load(root, &errors) : NULL;
    free(root);
    if (wo.course == NULL) {
        fprintf(stderr, "stacklab worker: --course %s: %s", o->course,
                errors != NULL ? errors : "no such folder\n");
        free(errors);
        return EXIT_USAGE;
    }
    /* SA_RESTART: a grading in hand must not see EINTR; the idle sleep ends anyway. */
    struct sigaction sa = { .sa_handler = cmd_worker_signal, .sa_flags = SA_RESTART };
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    char *cause = NULL;
    int rc = worker_run(&wo, &cause);
    if (rc < 0)
        fprintf(stderr, "stacklab worker: %s\n", cause);
    free(cause);
    course_free(wo.course);
    return rc < 0 ? EXIT_INTERNAL : rc == 1 ? EXIT_FAILED : EXIT_OK;
}

const struct cmd_entry cmd_worker_entry = {
    .name = "worker", .usage = "--course DIR --db sqlite:PATH [--once]",
    .summary = "grade a class server's queued submissions (docs/server.md)",
    .opts_size = sizeof(struct cmd_worker_opts), .parse = cmd_worker_parse,
    .exec = cmd_worker_exec,
};
