/* cmd-submit.c -- `stacklab submit [LAB] [--tap]`: sends the lab's learner folders to the
 * class server as a tar.gz, follows the submission through the queue with a progress
 * line, and prints the server's grading through report_check (or report_tap), exactly as
 * `stacklab check` prints a local one; exit codes as check's. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "client.h"
#include "cmd.h"
#include "grader.h"
#include "report.h"
#include "runjson.h"
#include "subarch.h"
#include "util.h"
#include "workspace.h"

#define SUBMIT_WAIT 900.0           /* seconds to wait for a result */
#define SUBMIT_POLL_MAX 2.0         /* seconds between polls, at most */
#define SUBMIT_OUTAGE 30.0          /* seconds of failed polls in a row before giving up:
                                     * a server restarting loses nothing, so wait for it */

struct submit_opts {
    int tap;
};

/* The states of a submission the server may report, and how the progress line says
 * them. */
static const struct {
    const char *state, *words;
} submit_states[] = {
    { "queued", "queued" },
    { "running", "being graded" },
    { "done", "graded" },
};

static int cmd_submit_parse(struct cmd_ctx *ctx)
{
    struct submit_opts *o = ctx->opts;
    for (int i = 1; i < ctx->argc; i++) {
        const char *a = ctx->argv[i];
        if (strcmp(a, "--tap") == 0 || strcmp(a, "--format=tap") == 0)
            o->tap = 1;
        else if (strcmp(a, "--format=text") == 0)
            o->tap = 0;
        else if (a[0] != '-' && ctx->lab_arg == NULL)
            ctx->lab_arg = a;
        else
            return -1;
    }
    return 0;
}

/* Prints "stacklab submit: " and the message, cleaned of control characters (it may
 * quote the server), and returns code. */
static int submit_fail(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int submit_fail(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = xvasprintf(fmt, ap);
    va_end(ap);
    char *clean = client_clean(msg, 600);
    fprintf(stderr, "stacklab submit: %s\n", clean);
    free(clean);
    free(msg);
    return code;
}

/* The exit code and message for an answer that is not the one expected. */
static int submit_refused(const struct client_reply *r)
{
    char *words = client_error(r);
    int code = exit_for_fault(r->status >= 400 && r->status < 500);
    submit_fail(code, "%s", words);
    if (r->status == 401)
        fputs("stacklab submit: run stacklab login URL CODE again\n", stderr);
    free(words);
    return code;
}

/* The progress line: on a terminal one line rewritten in place; elsewhere one line per
 * change of state. */
struct submit_progress {
    int tty;
    char last[32];          /* the last state shown */
    int shown;              /* a line is open on the terminal */
};

static void submit_show(struct submit_progress *p, long id, const char *state, long position)
{
    const char *words = state;
    for (size_t i = 0; i < sizeof submit_states / sizeof submit_states[0]; i++)
        if (strcmp(submit_states[i].state, state) == 0)
            words = submit_states[i].words;
    char line[128];
    if (strcmp(state, "queued") == 0 && position > 0)
        snprintf(line, sizeof line, "submission %ld: %s, number %ld in line", id, words,
                 position);
    else
        snprintf(line, sizeof line, "submission %ld: %s", id, words);
    if (p->tty) {
        fprintf(stderr, "\r%s\033[K", line);
        p->shown = 1;
    } else if (strcmp(p->last, state) != 0) {
        fprintf(stderr, "%s\n", line);
    }
    snprintf(p->last, sizeof p->last, "%s", state);
    fflush(stderr);
}

/* Ends the terminal's progress line. */
static void submit_show_end(struct submit_progress *p)
{
    if (p->tty && p->shown)
        fputc('\n', stderr);
    p->shown = 0;
}

/* A whole number field of o in [min, max], or -1 when absent or not one. */
static long submit_number(const cJSON *o, const char *key, long min, long max)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!cJSON_IsNumber(v) || v->valuedouble < (double)min || v->valuedouble > (double)max
        || v->valuedouble != (double)(long)v->valuedouble)
        return -1;
    return (long)v->valuedouble;
}

/* Posts the archive; returns the submission's id (> 0), or an exit code negated. */
static long submit_post(const struct client_server *s, const struct lab *lab,
                        const char *tgz, size_t len)
{
    char *url = xasprintf("%s/api/v1/submissions?lab=%s", s->url, lab->id);
    struct client_reply r;
    char *cause = NULL;
    int rc = client_request("POST", url, s->token, "application/gzip", tgz, len, &r, &cause);
    free(url);
    if (rc < 0) {
        submit_fail(EXIT_INTERNAL, "%s", cause);
        free(cause);
        return -EXIT_INTERNAL;
    }
    if (r.status != 202) {
        long code = submit_refused(&r);
        client_reply_free(&r);
        return -code;
    }
    cJSON *o = cJSON_ParseWithLength(r.body, r.len);
    long id = submit_number(o, "id", 1, 1L << 52);
    int late = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "late"));
    cJSON_Delete(o);
    client_reply_free(&r);
    if (id < 0)
        return -submit_fail(EXIT_INTERNAL, "the server's answer has no submission id");
    if (late)
        fprintf(stderr, "submission %ld is late: lab %s's deadline has passed; it is graded "
                "all the same, and marked late\n", id, lab->id);
    return id;
}

/* The "state" of a poll's answer o, checked; NULL when it is none of submit_states. */
static const char *submit_state(const cJSON *o)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "state");
    for (size_t i = 0; cJSON_IsString(v) && i < sizeof submit_states / sizeof submit_states[0];
         i++)
        if (strcmp(v->valuestring, submit_states[i].state) == 0)
            return submit_states[i].state;
    return NULL;
}

/* Polls submission id until it is done; *result gets the runjson text (caller frees).
 * Returns 0, or an exit code after saying why. */
static int submit_wait(const struct client_server *s, long id, char **result)
{
    struct submit_progress p = { .tty = isatty(STDERR_FILENO) };
    char *url = xasprintf("%s/api/v1/submissions/%ld", s->url, id);
    double start = util_mono(), delay = 0.2;
    double failing_since = -1;
    int code = -1;
    while (code < 0) {
        struct client_reply r;
        char *cause = NULL;
        int rc = client_request("GET", url, s->token, NULL, NULL, 0, &r, &cause);
        if (rc < 0 || r.status >= 500) {
            if (failing_since < 0)
                failing_since = util_mono();
            if (util_mono() - failing_since > SUBMIT_OUTAGE) {
                char *words = rc < 0 ? NULL : client_error(&r);
                submit_show_end(&p);
                submit_fail(EXIT_INTERNAL, "%s", rc < 0 ? cause : words);
                free(words);
                fprintf(stderr, "stacklab submit: submission %ld is on the server; its "
                        "result was not received\n", id);
                code = EXIT_INTERNAL;
            }
            free(cause);
        } else if (r.status != 200) {
            submit_show_end(&p);
            code = submit_refused(&r);
        } else {
            failing_since = -1;
            cJSON *o = cJSON_ParseWithLength(r.body, r.len);
            const char *state = submit_state(o);
            const cJSON *res = cJSON_GetObjectItemCaseSensitive(o, "result");
            if (state == NULL) {
                submit_show_end(&p);
                code = submit_fail(EXIT_INTERNAL, "the server's answer has no valid state "
                                   "(queued, running or done)");
            } else {
                submit_show(&p, id, state, submit_number(o, "position", 0, 1L << 30));
            }
            if (state != NULL && strcmp(state, "done") == 0) {
                submit_show_end(&p);
                char *printed = cJSON_IsObject(res) ? cJSON_PrintUnformatted(res) : NULL;
                *result = cJSON_IsString(res) ? xstrdup(res->valuestring)
                    : printed != NULL ? xstrdup(printed) : NULL;
                cJSON_free(printed);
                code = *result != NULL ? 0
                    : submit_fail(EXIT_INTERNAL, "the server's answer has no result");
            }
            cJSON_Delete(o);
        }
        client_reply_free(&r);
        if (code < 0 && util_mono() - start > SUBMIT_WAIT) {
            submit_show_end(&p);
            fprintf(stderr, "stacklab submit: no result after %.0f s; submission %ld is "
                    "still %s on the server\n", SUBMIT_WAIT, id, p.last);
            code = EXIT_INTERNAL;
        }
        if (code < 0) {
            struct timespec ts = { (time_t)delay, (long)((delay - (time_t)delay) * 1e9) };
            nanosleep(&ts, NULL);
            delay = delay * 1.5 > SUBMIT_POLL_MAX ? SUBMIT_POLL_MAX : delay * 1.5;
        }
    }
    free(url);
    return code;
}

/* Decodes the result against the learner's course and prints it. Returns the exit
 * code as check's. */
static int submit_report(struct workspace *ws, const struct lab *lab, const char *text,
                         int tap)
{
    struct grader_run run;
    char *cause = NULL;
    if (runjson_decode(text, ws->course, &run, &cause) < 0) {
        submit_fail(EXIT_INTERNAL, "the server's result cannot be read: %s", cause);
        free(cause);
        return EXIT_INTERNAL;
    }
    int code;
    if (run.target != lab) {
        code = submit_fail(EXIT_INTERNAL, "the server's result is of lab %s", run.target->id);
    } else {
        (tap ? report_tap : report_check)(stdout, &run);
        code = run.verdict == GRADER_PASS ? EXIT_OK
            : run.verdict == GRADER_INTERNAL ? EXIT_INTERNAL : EXIT_FAILED;
    }
    grader_run_free(&run);
    return code;
}

static int cmd_submit_exec(struct cmd_ctx *ctx)
{
    const struct submit_opts *o = ctx->opts;
    struct client_server s;
    char *cause = NULL, *tgz = NULL, *result = NULL;
    size_t len = 0;
    if (client_server_load(&s, &cause) != 0) {
        submit_fail(EXIT_USAGE, "%s", cause);
        free(cause);
        return EXIT_USAGE;
    }
    if (subarch_pack(ctx->ws->root, ctx->lab->folders, &tgz, &len, &cause) < 0) {
        submit_fail(EXIT_USAGE, "%s", cause);
        free(cause);
        client_server_free(&s);
        return EXIT_USAGE;
    }
    long id = submit_post(&s, ctx->lab, tgz, len);
    free(tgz);
    int code = id < 0 ? (int)-id : submit_wait(&s, id, &result);
    if (code == 0)
        code = submit_report(ctx->ws, ctx->lab, result, o->tap);
    free(result);
    client_server_free(&s);
    return code;
}

const struct cmd_entry cmd_submit_entry = {
    .name = "submit", .usage = "[LAB] [--tap]",
    .summary = "send a lab to the class server and show its grading as check does",
    .needs = CMD_LAB, .opts_size = sizeof(struct submit_opts), .parse = cmd_submit_parse,
    .exec = cmd_submit_exec,
};
