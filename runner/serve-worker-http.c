/* serve-worker-http.c -- the worker's link to the queue on a grading machine that holds no
 * database credentials: claim, heartbeat and complete are POSTs to the class server's
 * worker endpoints (docs/server.md, "Grading machines") with the machine's token, through
 * client.c (the loopback-or-https rule, no redirects, capped answers). A server that does
 * not answer is waited for; one that refuses the token ends the worker. */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <openssl/evp.h>

#include "client.h"
#include "serve-worker-link.h"
#include "util.h"

/* A result the server did not take for want of an answer is sent again this many times,
 * after 1, 2, 4 ... seconds. */
#define WORKER_HTTP_TRIES 5
/* Largest whole number a JSON number carries exactly (2^52, as the API's ids). */
#define WORKER_HTTP_MAX_ID 4503599627370496.0

/* The characters of a lab id. */
static const char worker_http_id_chars[] = "abcdefghijklmnopqrstuvwxyz"
                                           "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.";

struct worker_http {
    char *token;
    char *claim_url, *beat_url, *complete_url;
};

static void worker_http_close(void *l)
{
    struct worker_http *w = l;
    if (w == NULL)
        return;
    free(w->token);
    free(w->claim_url);
    free(w->beat_url);
    free(w->complete_url);
    free(w);
}

static void *worker_http_open(const struct worker_opts *o, char **cause)
{
    char *why = NULL;
    if (!client_url_ok(o->server_url, &why)) {
        *cause = xasprintf("--server %s", why);
        free(why);
        return NULL;
    }
    if (o->token == NULL || !client_token_ok(o->token)) {
        *cause = xstrdup("the worker token is malformed (1 to 128 characters of "
                         "[A-Za-z0-9._~+/=-]: the line `stacklab class worker NAME` "
                         "printed)");
        return NULL;
    }
    size_t n = strlen(o->server_url);
    while (n > 0 && o->server_url[n - 1] == '/')
        n--;
    struct worker_http *w = xcalloc(1, sizeof *w);
    w->token = xstrdup(o->token);
    w->claim_url = xasprintf("%.*s/api/v1/worker/claim", (int)n, o->server_url);
    w->beat_url = xasprintf("%.*s/api/v1/worker/heartbeat", (int)n, o->server_url);
    w->complete_url = xasprintf("%.*s/api/v1/worker/complete", (int)n, o->server_url);
    return w;
}

/* What a status that is not a success means for the call `doing`: WORKER_LINK_RETRY when
 * it may pass (no answer, 5xx, 429), else -1; *cause gets the words, prefixed. */
static int worker_http_failed(long status, const char *doing, char **cause)
{
    char *words = *cause != NULL ? *cause : xasprintf("the server answered %ld", status);
    *cause = status == 401
        ? xasprintf("%s: the server refused this machine's worker token (%s)", doing, words)
        : xasprintf("%s: %s", doing, words);
    free(words);
    return status < 0 || status >= 500 || status == 429 ? WORKER_LINK_RETRY : -1;
}

/* The whole number member `name` of o within [lo, hi]: 0, or -1 with *why. */
static int worker_http_int(const cJSON *o, const char *name, double lo, double hi,
                           int64_t *out, char **why)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    double d = cJSON_IsNumber(v) ? v->valuedouble : NAN;
    if (!isfinite(d) || d != floor(d) || d < lo || d > hi) {
        *why = xasprintf("%s: %s", name,
                         v == NULL ? "missing" : "not a whole number in range");
        return -1;
    }
    *out = (int64_t)d;
    return 0;
}

/* Decodes base64 text (padded, nothing else in it) into *out (caller frees): 0 or -1. */
static int worker_http_unbase64(const char *text, void **out, size_t *len)
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                   "0123456789+/";
    size_t n = strlen(text), body = strspn(text, alphabet), pad = n - body;
    if (n % 4 != 0 || n > INT_MAX || pad > 2 || strspn(text + body, "=") != pad)
        return -1;
    unsigned char *buf = xmalloc(n / 4 * 3 + 1);
    int got = EVP_DecodeBlock(buf, (const unsigned char *)text, (int)n);
    if (got < 0 || (size_t)got < pad) {
        free(buf);
        return -1;
    }
    *out = buf;
    *len = (size_t)got - pad;    /* EVP_DecodeBlock counts the padding as bytes */
    return 0;
}

/* Reads the claim answer into *job and *lease: 0, or -1 with *why naming the field. */
static int worker_http_job(const cJSON *o, struct servedb_job *job, int *lease, char **why)
{
    int64_t v;
    if (worker_http_int(o, "id", 1, WORKER_HTTP_MAX_ID, &job->id, why) < 0
        || worker_http_int(o, "claim", 1, WORKER_HTTP_MAX_ID, &job->claim, why) < 0
        || worker_http_int(o, "attempts", 1, WORKER_HTTP_MAX_ID, &job->attempts, why) < 0
        || worker_http_int(o, "lease", 1, 3600, &v, why) < 0)
        return -1;
    *lease = (int)v;
    const cJSON *lab = cJSON_GetObjectItemCaseSensitive(o, "lab");
    const cJSON *arch = cJSON_GetObjectItemCaseSensitive(o, "archive");
    size_t n = cJSON_IsString(lab) ? strlen(lab->valuestring) : 0;
    if (n == 0 || n >= sizeof job->lab
        || strspn(lab->valuestring, worker_http_id_chars) != n) {
        *why = xstrdup("lab: not a lab id");
        return -1;
    }
    snprintf(job->lab, sizeof job->lab, "%s", lab->valuestring);
    if (!cJSON_IsString(arch) || worker_http_unbase64(arch->valuestring, &job->archive,
                                                      &job->size) < 0) {
        *why = xstrdup("archive: not base64");
        return -1;
    }
    return 0;
}

static int worker_http_claim(void *l, const char *me, struct servedb_job *job, int *lease,
                             char **cause)
{
    struct worker_http *w = l;
    memset(job, 0, sizeof *job);
    cJSON *in = cJSON_CreateObject(), *out = NULL;
    cJSON_AddStringToObject(in, "worker", me);
    long status = client_post_json(w->claim_url, w->token, in, &out, cause);
    cJSON_Delete(in);
    int rc = status == 204 ? 0 : 1;
    char *why = NULL;
    if (status != 200 && status != 204)
        rc = worker_http_failed(status, "claiming a job", cause);
    else if (status == 200 && worker_http_job(out, job, lease, &why) < 0) {
        *cause = xasprintf("claiming a job: the server's answer: %s", why);
        servedb_job_free(job);
        rc = -1;
    }
    free(why);
    cJSON_Delete(out);
    return rc;
}

/* The boolean member `name` of a 200 answer: 1 or 0, or -1 with *cause. */
static int worker_http_bool(long status, const cJSON *out, const char *name,
                            const char *doing, char **cause)
{
    if (status != 200)
        return worker_http_failed(status, doing, cause);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(out, name);
    if (!cJSON_IsBool(v)) {
        *cause = xasprintf("%s: the server's answer: %s: not a boolean", doing, name);
        return -1;
    }
    return cJSON_IsTrue(v) ? 1 : 0;
}

static int worker_http_heartbeat(void *l, int64_t id, int64_t claim, int lease,
                                 char **cause)
{
    (void)lease;    /* the server's */
    struct worker_http *w = l;
    cJSON *in = cJSON_CreateObject(), *out = NULL;
    cJSON_AddNumberToObject(in, "id", (double)id);
    cJSON_AddNumberToObject(in, "claim", (double)claim);
    long status = client_post_json(w->beat_url, w->token, in, &out, cause);
    cJSON_Delete(in);
    int rc = worker_http_bool(status, out, "ok", "renewing the lease", cause);
    cJSON_Delete(out);
    return rc == WORKER_LINK_RETRY ? -1 : rc;
}

static int worker_http_complete(void *l, int64_t id, int64_t claim,
                                const struct servedb_result *r, char **cause)
{
    struct worker_http *w = l;
    cJSON *in = cJSON_CreateObject();
    cJSON_AddNumberToObject(in, "id", (double)id);
    cJSON_AddNumberToObject(in, "claim", (double)claim);
    cJSON_AddStringToObject(in, "verdict", r->verdict);
    cJSON_AddNumberToObject(in, "passed", r->passed);
    cJSON_AddNumberToObject(in, "failed", r->failed);
    cJSON_AddNumberToObject(in, "total", r->total);
    cJSON_AddNumberToObject(in, "duration", r->duration);
    cJSON_AddStringToObject(in, "report", r->report);
    int rc = WORKER_LINK_RETRY;
    for (int i = 0; i < WORKER_HTTP_TRIES && rc == WORKER_LINK_RETRY; i++) {
        if (i > 0) {
            fprintf(stderr, "stacklab worker: %s; sending it again\n", *cause);
            free(*cause);
            *cause = NULL;
            struct timespec t = { (time_t)1 << (i - 1), 0 };
            nanosleep(&t, NULL);
        }
        cJSON *out = NULL;
        long status = client_post_json(w->complete_url, w->token, in, &out, cause);
        rc = worker_http_bool(status, out, "stored", "storing the result", cause);
        cJSON_Delete(out);
    }
    cJSON_Delete(in);
    return rc;
}

static int worker_http_wait(void *l, double seconds, char **cause)
{
    (void)l, (void)cause;
    struct timespec t = { (time_t)seconds, (long)((seconds - floor(seconds)) * 1e9) };
    nanosleep(&t, NULL);    /* a signal ends it early */
    return 0;
}

const struct worker_link_ops worker_http_link = {
    .idle = 0.5, .open = worker_http_open, .claim = worker_http_claim,
    .heartbeat = worker_http_heartbeat, .complete = worker_http_complete,
    .wait = worker_http_wait, .close = worker_http_close,
};
