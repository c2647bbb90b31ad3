/* worker-http.c (test) -- a grading machine's link to the class server
 * (runner/serve-worker-http.c) against a canned server in this process (libmicrohttpd):
 * what it sends (the endpoints, the token, each field), a claimed job read back with its
 * archive byte for byte through base64, and every hostile answer: a missing or malformed
 * field named, archives that are not strict base64, a 401 that ends the worker, 5xx, 429,
 * no answer and a body that is no JSON waited out, a result sent again after a 503. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>
#include <openssl/evp.h>

#include "serve-worker-link.h"
#include "tap.h"
#include "util.h"

#define TOKEN "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

/* The answers the canned server gives, in order (the last one again once they run out),
 * and what it saw last. */
static struct {
    unsigned status[4];
    const char *body[4];
    int n, next;
    char auth[256];
    char url[256];
    char *got;          /* the last request's body */
} canned;

static void t_answers(int n, const unsigned *status, const char *const *body)
{
    for (int i = 0; i < n; i++)
        canned.status[i] = status[i], canned.body[i] = body[i];
    canned.n = n;
    canned.next = 0;
}

static void t_answer1(unsigned status, const char *body)
{
    t_answers(1, &status, &body);
}

static enum MHD_Result t_serve(void *cls, struct MHD_Connection *c, const char *url,
                               const char *method, const char *version,
                               const char *upload, size_t *upload_len, void **state)
{
    (void)cls, (void)method, (void)version;
    struct sb *body = *state;
    if (body == NULL) {
        *state = body = xcalloc(1, sizeof *body);
        sb_init(body);
        return MHD_YES;
    }
    if (*upload_len > 0) {
        sb_add(body, upload, *upload_len);
        *upload_len = 0;
        return MHD_YES;
    }
    const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
    snprintf(canned.auth, sizeof canned.auth, "%s", auth ? auth : "");
    snprintf(canned.url, sizeof canned.url, "%s", url);
    free(canned.got);
    canned.got = sb_steal(body);
    int i = canned.next < canned.n ? canned.next++ : canned.n - 1;
    struct MHD_Response *r = MHD_create_response_from_buffer(
        strlen(canned.body[i]), (void *)canned.body[i], MHD_RESPMEM_MUST_COPY);
    MHD_add_response_header(r, "Content-Type", "application/json");
    enum MHD_Result rc = MHD_queue_response(c, canned.status[i], r);
    MHD_destroy_response(r);
    return rc;
}

static void t_done(void *cls, struct MHD_Connection *c, void **state,
                   enum MHD_RequestTerminationCode toe)
{
    (void)cls, (void)c, (void)toe;
    if (*state != NULL) {
        sb_free(*state);
        free(*state);
        *state = NULL;
    }
}

/* A claim answer (claim 2, attempts 1) with the other fields' JSON as given. */
static char *t_job(const char *id, const char *lab, const char *lease, const char *archive)
{
    return xasprintf("{\"id\":%s,\"claim\":2,\"attempts\":1,\"lab\":%s,\"lease\":%s,"
                     "\"archive\":%s}", id, lab, lease, archive);
}

/* Claims through l with the canned answer (status, body): the link's return; *cause kept
 * in why (freed by the caller), the job freed. */
static int t_claim(void *l, unsigned status, const char *body, char **why)
{
    t_answer1(status, body);
    struct servedb_job job;
    int lease = 0;
    *why = NULL;
    int rc = worker_http_link.claim(l, "me:1", &job, &lease, why);
    if (rc == 1)
        servedb_job_free(&job);
    return rc;
}

static void t_open(const char *url)
{
    char *cause = NULL;
    struct worker_opts o = { .server_url = "http://class.example.org", .token = TOKEN };
    void *l = worker_http_link.open(&o, &cause);
    ok(l == NULL && cause && strstr(cause, "plain http://"),
       "plain http:// to another host is refused: %s", cause ? cause : "");
    free(cause), cause = NULL;
    o = (struct worker_opts){ .server_url = url, .token = "a b" };
    ok(worker_http_link.open(&o, &cause) == NULL && cause && strstr(cause, "malformed"),
       "a malformed token is refused");
    free(cause), cause = NULL;
    o.token = NULL;
    ok(worker_http_link.open(&o, &cause) == NULL && cause != NULL, "no token is refused");
    free(cause);
}

static void t_claims(void *l)
{
    char *why;
    is_int(t_claim(l, 204, "", &why), 0, "204: no job");
    is_str(canned.url, "/api/v1/worker/claim", "the claim endpoint");
    is_str(canned.auth, "Bearer " TOKEN, "the worker token as a bearer token");
    is_str(canned.got, "{\"worker\":\"me:1\"}", "the worker's name in the body");
    /* Archives of every padding, with a NUL and high bytes in them. */
    static const unsigned char bytes[] = { 0x1f, 0x8b, 0, 0xff, 'x', 0x80, 7 };
    for (size_t n = 5; n <= sizeof bytes; n++) {
        char b64[16];
        EVP_EncodeBlock((unsigned char *)b64, bytes, (int)n);
        char *arch = xasprintf("\"%s\"", b64), *body = t_job("7", "\"90\"", "3", arch);
        t_answer1(200, body);
        struct servedb_job job;
        int lease = 0;
        why = NULL;
        int rc = worker_http_link.claim(l, "me:1", &job, &lease, &why);
        ok(rc == 1 && job.id == 7 && job.claim == 2 && job.attempts == 1 && lease == 3
           && strcmp(job.lab, "90") == 0, "a job is read: id, claim, attempts, lab, lease");
        is_bytes(rc == 1 ? job.archive : "", rc == 1 ? job.size : 0, bytes, n,
                 "its %zu-byte archive, byte for byte (%s)", n, b64);
        if (rc == 1)
            servedb_job_free(&job);
        free(why);
        free(arch);
        free(body);
    }
}

/* Hostile claim answers: each -1 with the field named. */
static void t_bad_claims(void *l)
{
    static const struct { const char *id, *lab, *lease, *archive, *words; } bad[] = {
        { "null", "\"90\"", "3", "\"eHl6\"", "id: missing" },
        { "1.5", "\"90\"", "3", "\"eHl6\"", "id: not a whole number" },
        { "1e300", "\"90\"", "3", "\"eHl6\"", "id: not a whole number" },
        { "0", "\"90\"", "3", "\"eHl6\"", "id: not a whole number" },
        { "7", "\"90\"", "0", "\"eHl6\"", "lease: not a whole number" },
        { "7", "\"90\"", "\"3\"", "\"eHl6\"", "lease: not a whole number" },
        { "7", "\"../x\"", "3", "\"eHl6\"", "lab: not a lab id" },
        { "7", "\"\"", "3", "\"eHl6\"", "lab: not a lab id" },
        { "7", "\"0123456789012345678901234567890123\"", "3", "\"eHl6\"", "lab: not a" },
        { "7", "\"90\\u001b\"", "3", "\"eHl6\"", "lab: not a lab id" },
        { "7", "3", "3", "\"eHl6\"", "lab: not a lab id" },
        { "7", "\"90\"", "3", "\"eHl\"", "archive: not base64" },
        { "7", "\"90\"", "3", "\"eH=6\"", "archive: not base64" },
        { "7", "\"90\"", "3", "\"e===\"", "archive: not base64" },
        { "7", "\"90\"", "3", "\"eHl6\\n\"", "archive: not base64" },
        { "7", "\"90\"", "3", "\"eH*6\"", "archive: not base64" },
        { "7", "\"90\"", "3", "12", "archive: not base64" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char *body = t_job(bad[i].id, bad[i].lab, bad[i].lease, bad[i].archive), *why;
        if (strcmp(bad[i].id, "null") == 0) {   /* id left out altogether */
            free(body);
            body = xasprintf("{\"claim\":2,\"attempts\":1,\"lab\":\"90\",\"lease\":3,"
                             "\"archive\":\"eHl6\"}");
        }
        int rc = t_claim(l, 200, body, &why);
        ok(rc == -1 && why && strstr(why, bad[i].words), "a claim answer %s: refused, %s",
           body, why ? why : "(no words)");
        free(why);
        free(body);
    }
}

/* Statuses: which end the worker and which are waited out. */
static void t_statuses(void *l, unsigned dead_port)
{
    char *why;
    int rc = t_claim(l, 401, "{\"error\":\"Authorization: not a grading machine's token\"}",
                     &why);
    ok(rc == -1 && why && strstr(why, "refused this machine's worker token")
       && strstr(why, "not a grading machine's token"), "401 ends the worker: %s", why);
    free(why);
    rc = t_claim(l, 400, "{\"error\":\"worker: missing\"}", &why);
    ok(rc == -1 && why && strstr(why, "worker: missing"),
       "400 ends it, in the server's words");
    free(why);
    rc = t_claim(l, 201, "{}", &why);
    ok(rc == -1 && why && strstr(why, "answered 201"), "a 2xx that is neither 200 nor 204 "
       "ends it");
    free(why);
    rc = t_claim(l, 503, "{\"error\":\"busy\"}", &why);
    ok(rc == WORKER_LINK_RETRY && why && strstr(why, "503"), "503 is waited out");
    free(why);
    rc = t_claim(l, 429, "{}", &why);
    is_int(rc, WORKER_LINK_RETRY, "429 is waited out");
    free(why);
    rc = t_claim(l, 200, "<html>proxy</html>", &why);
    ok(rc == WORKER_LINK_RETRY && why && strstr(why, "not a JSON object"),
       "a 200 that is no JSON is waited out");
    free(why);
    char *url = xasprintf("http://127.0.0.1:%u", dead_port), *cause = NULL;
    struct worker_opts o = { .server_url = url, .token = TOKEN };
    void *dead = worker_http_link.open(&o, &cause);
    struct servedb_job job;
    int lease;
    why = NULL;
    rc = dead ? worker_http_link.claim(dead, "me:1", &job, &lease, &why) : -9;
    ok(rc == WORKER_LINK_RETRY && why && strstr(why, "cannot reach"),
       "no server answering is waited out: %s", why ? why : "");
    free(why);
    worker_http_link.close(dead);
    free(url);
}

static void t_beats(void *l)
{
    char *why = NULL;
    t_answer1(200, "{\"ok\":true}");
    is_int(worker_http_link.heartbeat(l, 7, 2, 3, &why), 1, "heartbeat ok: renewed");
    is_str(canned.url, "/api/v1/worker/heartbeat", "the heartbeat endpoint");
    is_str(canned.got, "{\"id\":7,\"claim\":2}", "it names the job and the claim");
    t_answer1(200, "{\"ok\":false}");
    is_int(worker_http_link.heartbeat(l, 7, 2, 3, &why), 0, "ok false: the claim is lost");
    t_answer1(200, "{\"ok\":\"yes\"}");
    ok(worker_http_link.heartbeat(l, 7, 2, 3, &why) == -1 && why && strstr(why, "ok: not a "
       "boolean"), "ok not a boolean: an error, named");
    free(why), why = NULL;
    t_answer1(500, "{}");
    ok(worker_http_link.heartbeat(l, 7, 2, 3, &why) == -1 && why != NULL,
       "500: an error (tried again at the next beat), not a lost claim");
    free(why);
}

static void t_completes(void *l)
{
    struct servedb_result r = { .verdict = "pass", .passed = 3, .failed = 0, .total = 3,
                                .duration = 0.5, .report = "{\"verdict\":\"pass\"}" };
    char *why = NULL;
    unsigned st[] = { 503, 200 };
    const char *bodies[] = { "{\"error\":\"restarting\"}", "{\"stored\":true}" };
    t_answers(2, st, bodies);
    is_int(worker_http_link.complete(l, 7, 2, &r, &why), 1,
           "a result the server answered 503 to is sent again and stored");
    is_int(canned.next, 2, "two requests");
    is_str(canned.url, "/api/v1/worker/complete", "the complete endpoint");
    is_str(canned.got, "{\"id\":7,\"claim\":2,\"verdict\":\"pass\",\"passed\":3,"
           "\"failed\":0,\"total\":3,\"duration\":0.5,"
           "\"report\":\"{\\\"verdict\\\":\\\"pass\\\"}\"}",
           "every field of the result, the report as a string");
    free(why), why = NULL;
    t_answer1(200, "{\"stored\":false}");
    is_int(worker_http_link.complete(l, 7, 2, &r, &why), 0, "stored false: claimed again");
    t_answer1(400, "{\"error\":\"report: not a JSON object\"}");
    ok(worker_http_link.complete(l, 7, 2, &r, &why) == -1 && why
       && strstr(why, "report: not a JSON object"), "400: the worker ends, in the server's "
       "words");
    free(why), why = NULL;
    t_answer1(200, "{\"stored\":1}");
    ok(worker_http_link.complete(l, 7, 2, &r, &why) == -1 && why
       && strstr(why, "stored: not a boolean"), "stored not a boolean: named");
    free(why);
}

int main(void)
{
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION, 0, NULL, NULL,
        t_serve, NULL, MHD_OPTION_NOTIFY_COMPLETED, t_done, NULL, MHD_OPTION_END);
    struct MHD_Daemon *dead = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL,
                                               NULL, t_serve, NULL, MHD_OPTION_END);
    if (d == NULL || dead == NULL)
        tap_bail_out("cannot start the canned server");
    unsigned port = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT)->port;
    unsigned dead_port = MHD_get_daemon_info(dead, MHD_DAEMON_INFO_BIND_PORT)->port;
    MHD_stop_daemon(dead);  /* its port now refuses connections */
    char *url = xasprintf("http://127.0.0.1:%u/", port), *cause = NULL;
    t_open(url);
    struct worker_opts o = { .server_url = url, .token = TOKEN };
    void *l = worker_http_link.open(&o, &cause);
    if (l == NULL)
        tap_bail_out("open: %s", cause);
    t_claims(l);
    t_bad_claims(l);
    t_statuses(l, dead_port);
    t_beats(l);
    t_completes(l);
    worker_http_link.close(l);
    MHD_stop_daemon(d);
    free(canned.got);
    free(url);
    return done_testing();
}
