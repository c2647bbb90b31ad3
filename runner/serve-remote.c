/* serve-remote.c -- the endpoints grading machines pull jobs from (docs/server.md,
 * "Grading machines"): claim, heartbeat and complete, each one of servedb.c's calls under
 * the server's lock, for a request that carries a grading machine's token (a learner's or
 * an instructor's is 401 here). Every field of a request is checked and a bad one named
 * (400); the claim counter alone decides whose result is stored, as for local workers. */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "grader.h"
#include "serve-http.h"
#include "serve-int.h"
#include "serve-token.h"
#include "serve-worker.h"
#include "util.h"

/* A worker's name in a claim: 1 to this many bytes, no control characters. */
#define SERVE_REMOTE_NAME_MAX 64
/* Whole numbers a request carries (ids, claims) are at most 2^52 (exact in JSON). */
#define SERVE_REMOTE_MAX_ID 4503599627370496.0
/* Test counts and a duration in seconds are at most this. */
#define SERVE_REMOTE_MAX_COUNT 1e9

/* The grading machine whose token conn carries: 1 with its name (cap bytes), 0 none or
 * no token, -1 the database failed (said on stderr). Takes s->lock itself. */
static int serve_remote_machine(struct serve *s, struct MHD_Connection *conn, char *name,
                                size_t cap)
{
    const char *h = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                MHD_HTTP_HEADER_AUTHORIZATION);
    char hash[TOKEN_HEX + 1];
    if (h == NULL || strncasecmp(h, "Bearer ", 7) != 0 || token_hash(h + 7, hash) < 0)
        return 0;
    int64_t id;
    pthread_mutex_lock(&s->lock);
    int rc = servedb_staff(s->db, SERVEDB_WORKER, hash, &id, name, cap);
    if (rc < 0)
        fprintf(stderr, "stacklab serve: %s\n", servedb_errmsg(s->db));
    pthread_mutex_unlock(&s->lock);
    return rc;
}

size_t serve_remote_body_max(struct serve *s, struct MHD_Connection *conn)
{
    char name[128];
    return serve_remote_machine(s, conn, name, sizeof name) == 1 ? SERVE_REMOTE_MAX_BODY
                                                                  : SERVE_MAX_BODY;
}

/* The request's body as a JSON object from a grading machine (its name into name, cap
 * bytes). NULL with the answer in *a: 401 no or another kind of token, 400 no object.
 * Caller frees with cJSON_Delete. */
static cJSON *serve_remote_open(struct serve *s, const struct serve_req *r, char *name,
                                size_t cap, struct serve_answer *a)
{
    int rc = serve_remote_machine(s, r->conn, name, cap);
    if (rc < 0) {
        serve_error(a, MHD_HTTP_INTERNAL_SERVER_ERROR, "the server's database failed");
        return NULL;
    }
    if (rc == 0) {
        serve_error(a, MHD_HTTP_UNAUTHORIZED, "Authorization: %s",
                    MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
                                                MHD_HTTP_HEADER_AUTHORIZATION) == NULL
                    ? "missing (Bearer WORKER-TOKEN)" : "not a grading machine's token");
        return NULL;
    }
    cJSON *in = cJSON_ParseWithLength(r->body, r->len);
    if (!cJSON_IsObject(in)) {
        cJSON_Delete(in);
        serve_error(a, MHD_HTTP_BAD_REQUEST, "the body is not a JSON object");
        return NULL;
    }
    return in;
}

/* The number member `name` of in within [lo, hi] (a whole one when whole is set): 0, or
 * -1 with a 400 naming it in *a. */
static int serve_remote_num(const cJSON *in, const char *name, double lo, double hi,
                            int whole, double *out, struct serve_answer *a)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(in, name);
    double d = cJSON_IsNumber(v) ? v->valuedouble : NAN;
    if (isfinite(d) && d >= lo && d <= hi && (!whole || d == floor(d))) {
        *out = d;
        return 0;
    }
    if (v == NULL)
        serve_error(a, MHD_HTTP_BAD_REQUEST, "%s: missing", name);
    else
        serve_error(a, MHD_HTTP_BAD_REQUEST, "%s: not a %s from %.0f to %.0f", name,
                    whole ? "whole number" : "number", lo, hi);
    return -1;
}

/* The job a heartbeat or complete names: (id, claim) from in, 0 or -1 with a 400. */
static int serve_remote_job(const cJSON *in, int64_t *id, int64_t *claim,
                            struct serve_answer *a)
{
    double i, c;
    if (serve_remote_num(in, "id", 1, SERVE_REMOTE_MAX_ID, 1, &i, a) < 0
        || serve_remote_num(in, "claim", 1, SERVE_REMOTE_MAX_ID, 1, &c, a) < 0)
        return -1;
    *id = (int64_t)i, *claim = (int64_t)c;
    return 0;
}

/* The lease the server gives a claim (serve refused a bad STACKLAB_LEASE at its start). */
static int serve_remote_lease(void)
{
    int lease = worker_lease();
    return lease > 0 ? lease : SERVEDB_LEASE;
}

/* The claim's answer: 200 with the job, its archive in base64. */
static void serve_remote_job_answer(const struct servedb_job *job, int lease,
                                    struct serve_answer *a)
{
    if (job->size > INT_MAX / 2) {
        serve_error(a, MHD_HTTP_INTERNAL_SERVER_ERROR, "job %lld: the archive is too large "
                    "to send", (long long)job->id);
        return;
    }
    char *b64 = xmalloc(job->size / 3 * 4 + 5);
    EVP_EncodeBlock((unsigned char *)b64, job->archive, (int)job->size);
    a->status = MHD_HTTP_OK;
    a->json = cJSON_CreateObject();
    cJSON_AddNumberToObject(a->json, "id", (double)job->id);
    cJSON_AddNumberToObject(a->json, "claim", (double)job->claim);
    cJSON_AddNumberToObject(a->json, "attempts", (double)job->attempts);
    cJSON_AddStringToObject(a->json, "lab", job->lab);
    cJSON_AddNumberToObject(a->json, "lease", lease);
    cJSON_AddStringToObject(a->json, "archive", b64);
    free(b64);
}

int serve_remote_claim(struct serve *s, const struct serve_req *r, struct serve_answer *a)
{
    char machine[128];
    cJSON *in = serve_remote_open(s, r, machine, sizeof machine, a);
    if (in == NULL)
        return 0;
    const cJSON *w = cJSON_GetObjectItemCaseSensitive(in, "worker");
    size_t n = cJSON_IsString(w) ? strlen(w->valuestring) : 0;
    int printable = 1;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)w->valuestring[i] < 0x20 || w->valuestring[i] == 0x7f)
            printable = 0;
    if (n == 0 || n > SERVE_REMOTE_NAME_MAX || !printable) {
        cJSON_Delete(in);
        return serve_error(a, MHD_HTTP_BAD_REQUEST, "worker: %s", w == NULL ? "missing"
                           : "1 to 64 characters, none of them control characters");
    }
    /* The machine's name first: an instructor sees which machine holds a job. */
    char *who = xasprintf("%s/%s", machine, w->valuestring);
    cJSON_Delete(in);
    int lease = serve_remote_lease();
    struct servedb_job job;
    pthread_mutex_lock(&s->lock);
    int rc = servedb_claim(s->db, who, (int64_t)util_now(), lease, &job);
    if (rc < 0)
        serve_db_failed(s, a);
    pthread_mutex_unlock(&s->lock);
    free(who);
    if (rc == 0)
        serve_raw(a, MHD_HTTP_NO_CONTENT, "application/json", xstrdup(""), 0);
    if (rc == 1)
        serve_remote_job_answer(&job, lease, a);
    servedb_job_free(&job);
    return 0;
}

int serve_remote_heartbeat(struct serve *s, const struct serve_req *r,
                           struct serve_answer *a)
{
    char machine[128];
    int64_t id, claim;
    cJSON *in = serve_remote_open(s, r, machine, sizeof machine, a);
    if (in == NULL || serve_remote_job(in, &id, &claim, a) < 0) {
        cJSON_Delete(in);
        return 0;
    }
    cJSON_Delete(in);
    pthread_mutex_lock(&s->lock);
    int rc = servedb_heartbeat(s->db, id, claim,
                               (int64_t)util_now() + serve_remote_lease());
    if (rc < 0)
        serve_db_failed(s, a);
    pthread_mutex_unlock(&s->lock);
    if (rc >= 0) {
        a->status = MHD_HTTP_OK;
        a->json = cJSON_CreateObject();
        cJSON_AddBoolToObject(a->json, "ok", rc == 1);
    }
    return 0;
}

/* The verdict member of in: one of grader_verdict_name's words, or NULL with a 400. */
static const char *serve_remote_verdict(const cJSON *in, struct serve_answer *a)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(in, "verdict");
    for (int i = 0; cJSON_IsString(v) && i <= GRADER_INTERNAL; i++)
        if (strcmp(v->valuestring, grader_verdict_name((enum grader_verdict)i)) == 0)
            return grader_verdict_name((enum grader_verdict)i);
    serve_error(a, MHD_HTTP_BAD_REQUEST, "verdict: %s", v == NULL ? "missing"
                : "not a verdict (pass, fail, compile, ... internal)");
    return NULL;
}

/* The report member of in: runjson text, a JSON object shorter than WORKER_MAX_REPORT
 * bytes. NULL with a 400 naming it. */
static const char *serve_remote_report(const cJSON *in, struct serve_answer *a)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(in, "report");
    const char *why = v == NULL ? "missing" : !cJSON_IsString(v) ? "not a string" : NULL;
    if (why == NULL && strlen(v->valuestring) >= WORKER_MAX_REPORT)
        why = "longer than the 8 MiB a result may hold";
    if (why == NULL) {
        cJSON *o = cJSON_Parse(v->valuestring);
        if (!cJSON_IsObject(o))
            why = "not a JSON object (the runjson of the grading)";
        cJSON_Delete(o);
    }
    if (why == NULL)
        return v->valuestring;
    serve_error(a, MHD_HTTP_BAD_REQUEST, "report: %s", why);
    return NULL;
}

/* The result a complete carries: 0, or -1 with a 400 naming the first bad field. */
static int serve_remote_result(const cJSON *in, struct servedb_result *res,
                               struct serve_answer *a)
{
    double passed, failed, total;
    if ((res->verdict = serve_remote_verdict(in, a)) == NULL
        || serve_remote_num(in, "passed", 0, SERVE_REMOTE_MAX_COUNT, 1, &passed, a) < 0
        || serve_remote_num(in, "failed", 0, SERVE_REMOTE_MAX_COUNT, 1, &failed, a) < 0
        || serve_remote_num(in, "total", 0, SERVE_REMOTE_MAX_COUNT, 1, &total, a) < 0
        || serve_remote_num(in, "duration", 0, SERVE_REMOTE_MAX_COUNT, 0, &res->duration,
                            a) < 0
        || (res->report = serve_remote_report(in, a)) == NULL)
        return -1;
    res->passed = (int)passed, res->failed = (int)failed, res->total = (int)total;
    return 0;
}

int serve_remote_complete(struct serve *s, const struct serve_req *r,
                          struct serve_answer *a)
{
    char machine[128];
    int64_t id, claim;
    struct servedb_result res;
    cJSON *in = serve_remote_open(s, r, machine, sizeof machine, a);
    if (in == NULL || serve_remote_job(in, &id, &claim, a) < 0
        || serve_remote_result(in, &res, a) < 0) {
        cJSON_Delete(in);
        return 0;
    }
    pthread_mutex_lock(&s->lock);
    int rc = servedb_complete(s->db, id, claim, &res, (int64_t)util_now());
    if (rc < 0)
        serve_db_failed(s, a);
    pthread_mutex_unlock(&s->lock);
    cJSON_Delete(in);
    if (rc >= 0) {
        a->status = MHD_HTTP_OK;
        a->json = cJSON_CreateObject();
        cJSON_AddBoolToObject(a->json, "stored", rc == 1);
    }
    return 0;
}
