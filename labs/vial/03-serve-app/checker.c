/* checker.c -- lab 03's hidden tests: describes random routes to the driver, has it
 * serve the learner's app on a loopback port, then talks real HTTP to it with libcurl:
 * each route's status, headers and body, 404 for unknown paths, 500 for a failing view,
 * aborts, binary bodies, and a clean stop; over a raw socket (libcurl sends no malformed
 * request), the request line held to vial_parse_request's answers and HTTP/1.0; and
 * vial_app_dispatch called by the driver directly, no server.
 * Failures carry a curl -v style transcript. Run as `checker SEED`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "vial.h"
#include "tap.h"
#include "wire.h"
#include "httpcheck.h"
#include "wire_vial.h"

#define NROUTES 6

static const char alnum[] = "abcdefghijklmnopqrstuvwxyz0123456789";

struct route {
    char method[8], path[64], ctype[48], hname[24], hvalue[32];
    int status;                 /* 0: view fails; >= 400: view aborts */
    char body[128];
    size_t body_len;
};

static void rand_word(struct wire_rng *r, char *out, size_t lo, size_t hi)
{
    wire_rng_word(r, out, alnum, sizeof alnum - 1, lo, hi);
}

/* A route answering 200..299 with text (or binary) data. */
static void make_route(struct wire_rng *r, struct route *rt, int i)
{
    static const char *const methods[] = {"GET", "POST", "PUT", "DELETE"};
    static const char *const ctypes[] = {"text/plain", "text/html; charset=utf-8",
                                         "application/json", "application/octet-stream"};
    char w1[16], w2[16];
    rand_word(r, w1, 2, 8);
    rand_word(r, w2, 1, 8);
    snprintf(rt->method, sizeof rt->method, "%s", methods[i == 0 ? 0 : wire_rng_below(r, 4)]);
    snprintf(rt->path, sizeof rt->path, i % 2 ? "/%s/%s" : "/%s", w1, w2);
    rt->status = 200 + (int)wire_rng_below(r, 3) * (i == 0 ? 0 : 1);
    snprintf(rt->ctype, sizeof rt->ctype, "%s", ctypes[wire_rng_below(r, 4)]);
    rand_word(r, w1, 1, 8);
    snprintf(rt->hname, sizeof rt->hname, "X-%s", w1);
    rand_word(r, rt->hvalue, 1, 20);
    rt->body_len = 1 + (size_t)wire_rng_below(r, sizeof rt->body - 1);
    for (size_t k = 0; k < rt->body_len; k++)
        rt->body[k] = i == NROUTES - 1 ? (char)wire_rng_below(r, 256)
                                       : alnum[wire_rng_below(r, sizeof alnum - 1)];
}

/* Sends a route to the driver. Returns what vial_app_route said, or -2 when gone. */
static int send_route(struct wire_peer *peer, const struct route *rt)
{
    struct wire_buf b = {0};
    char st[16];
    snprintf(st, sizeof st, "%d", rt->status);
    const char *fields[] = {rt->method, rt->path, st, rt->ctype, rt->hname, rt->hvalue};
    for (int f = 0; f < 6; f++)
        wire_buf_add(&b, fields[f], strlen(fields[f]) + 1);
    wire_buf_add(&b, rt->body, rt->body_len);
    char *ans = NULL;
    size_t alen = 0;
    int rc = wire_call(peer, "route", b.data, b.len, &ans, &alen) < 0 ? -2
             : (int)strtol(ans, NULL, 10);
    free(ans);
    wire_buf_free(&b);
    return rc;
}

/* A request as the tests send it: POST and PUT carry a small form. */
static int do_request(int port, const char *method, const char *path, struct hc_reply *rep)
{
    int form = strcmp(method, "POST") == 0 || strcmp(method, "PUT") == 0;
    return hc_request(port, method, path, form ? "a=1&b=2" : NULL, rep);
}

/* Compares one answer with what is expected; records one test. */
static void expect(const char *test, int port, const char *method, const char *path,
                   long status, const char *hname, const char *hvalue, const char *absent,
                   const void *body, size_t body_len)
{
    struct hc_reply rep;
    char got[600], want[600], hv[256];
    const char *problem = NULL;
    if (port <= 0) {
        tap_fail_with(__FILE__, __LINE__, "the server did not start (no port)", NULL, NULL, "%s", test);
        return;
    }
    if (do_request(port, method, path, &rep) < 0) {
        problem = "no HTTP answer";
        snprintf(got, sizeof got, "%s", rep.error);
        snprintf(want, sizeof want, "HTTP/1.1 %ld", status);
    } else if (rep.status != status) {
        problem = "wrong status";
        snprintf(got, sizeof got, "%ld", rep.status);
        snprintf(want, sizeof want, "%ld", status);
    } else if (hname && (!hc_find_header(rep.headers.data, hname, hv, sizeof hv) || strcmp(hv, hvalue))) {
        problem = "wrong or missing header";
        snprintf(got, sizeof got, "%s: %s", hname, hc_find_header(rep.headers.data, hname, hv, sizeof hv) ? hv : "(absent)");
        snprintf(want, sizeof want, "%s: %s", hname, hvalue);
    } else if (absent && hc_find_header(rep.headers.data, absent, hv, sizeof hv)) {
        problem = "a header that does not belong";
        snprintf(got, sizeof got, "%s: %s", absent, hv);
        snprintf(want, sizeof want, "no %s header", absent);
    } else if (rep.body.len != body_len || (body_len && memcmp(rep.body.data, body, body_len))) {
        problem = "wrong body";
        struct wire_buf g = {0}, w = {0};
        wire_buf_escaped(&g, rep.body.data, rep.body.len < 100 ? rep.body.len : 100, 0);
        wire_buf_escaped(&w, body, body_len < 100 ? body_len : 100, 0);
        snprintf(got, sizeof got, "%zu bytes: %s", rep.body.len, g.data ? g.data : "");
        snprintf(want, sizeof want, "%zu bytes: %s", body_len, w.data ? w.data : "");
        wire_buf_free(&g);
        wire_buf_free(&w);
    }
    if (problem == NULL) {
        tap_ok(__FILE__, __LINE__, 1, "%s", test);
    } else {
        tap_attach("transcript", rep.transcript.data ? rep.transcript.data : "");
        tap_fail_with(__FILE__, __LINE__, problem, got, want, "%s", test);
    }
    hc_reply_free(&rep);
}

/* Sends raw bytes; 1 when the answer has `status` (and X-Seen `seen` when not NULL),
 * else 0 with what differs in got/want (cap bytes each) and the exchange in t. */
static int raw_is(int port, const char *bytes, long status, const char *seen, char *got,
                  char *want, size_t cap, struct wire_buf *t)
{
    struct hc_reply rep;
    char hv[600];
    int right = 0;
    if (hc_raw(port, bytes, strlen(bytes), 3000, 0, &rep) < 0) {
        snprintf(got, cap, "%s", rep.error);
        snprintf(want, cap, "status %ld", status);
    } else if (rep.status != status) {
        snprintf(got, cap, "status %ld", rep.status);
        snprintf(want, cap, "status %ld", status);
    } else if (seen && (!hc_find_header(rep.headers.data, "X-Seen", hv, sizeof hv)
                        || strcmp(hv, seen) != 0)) {
        snprintf(got, cap, "X-Seen: %s",
                 hc_find_header(rep.headers.data, "X-Seen", hv, sizeof hv) ? hv : "(absent)");
        snprintf(want, cap, "X-Seen: %s", seen);
    } else {
        right = 1;
    }
    if (!right)
        wire_buf_add(t, rep.transcript.data, rep.transcript.len);
    hc_reply_free(&rep);
    return right;
}

/* Request lines the lab 01 parser answers, sent raw to the route rt (a GET answering
 * 200): the target at and past VIAL_MAX_TARGET, a lowercase method, the absolute and
 * asterisk forms, bad escapes, an unsupported version. One test. */
static void t_request_line(struct wire_rng *r, int port, const struct route *rt)
{
    static const char *const esc[] = {"%zz", "%4", "%00", "%2"};
    struct { char line[VIAL_MAX_TARGET + 200]; long status; } c[7];
    char pad[VIAL_MAX_TARGET + 1], got[200], want[200];
    size_t fill = VIAL_MAX_TARGET - strlen(rt->path) - 1;
    struct wire_buf t = {0};
    wire_rng_word(r, pad, alnum, sizeof alnum - 1, fill, fill);
    snprintf(c[0].line, sizeof c[0].line, "GET %s?%s HTTP/1.1", rt->path, pad);
    c[0].status = rt->status;
    snprintf(c[1].line, sizeof c[1].line, "GET %s?%sx HTTP/1.1", rt->path, pad);
    c[1].status = 414;
    snprintf(c[2].line, sizeof c[2].line, "get %s HTTP/1.1", rt->path);
    snprintf(c[3].line, sizeof c[3].line, "GET http://127.0.0.1:%d%s HTTP/1.1", port, rt->path);
    snprintf(c[4].line, sizeof c[4].line, "OPTIONS * HTTP/1.1");
    snprintf(c[5].line, sizeof c[5].line, "GET %s%s HTTP/1.1", rt->path,
             esc[wire_rng_below(r, 4)]);
    c[2].status = c[3].status = c[4].status = c[5].status = 400;
    snprintf(c[6].line, sizeof c[6].line, "GET %s HTTP/1.%d", rt->path,
             2 + (int)wire_rng_below(r, 8));
    c[6].status = 505;
    int right = port > 0;
    for (size_t i = 0; right && i < sizeof c / sizeof c[0]; i++) {
        char req[sizeof c[0].line + 64];
        snprintf(req, sizeof req, "%s\r\nHost: 127.0.0.1\r\n\r\n", c[i].line);
        right = raw_is(port, req, c[i].status, NULL, got, want, sizeof got, &t);
    }
    const char *test = "the request line is read by vial_parse_request: 414 past VIAL_MAX_TARGET "
                       "(not at it), 400 for a lowercase method, http://host/x, * or a bad "
                       "escape, 505 for HTTP/1.2 to 1.9";
    if (right) {
        tap_ok(__FILE__, __LINE__, 1, "%s", test);
    } else {
        tap_attach("transcript", t.data ? t.data : "");
        tap_fail_with(__FILE__, __LINE__, port > 0 ? "wrong answer to a raw request line"
                      : "the server did not start (no port)", port > 0 ? got : NULL,
                      port > 0 ? want : NULL, "%s", test);
    }
    wire_buf_free(&t);
}

/* An HTTP/1.0 request without Host (allowed there) with a raw query: the view must see
 * http_minor 0 and the arguments the lab 01 parser reads. One test. */
static void t_http10(struct wire_rng *r, int port, const struct route *rt)
{
    char a[12], b[12], req[256], seen[256], got[600], want[600];
    struct wire_buf t = {0};
    wire_rng_word(r, a, alnum, sizeof alnum - 1, 1, 8);
    wire_rng_word(r, b, alnum, sizeof alnum - 1, 1, 8);
    snprintf(req, sizeof req, "GET %s?%s=%%41+%s&%s&flag HTTP/1.0\r\n\r\n", rt->path, a, b, a);
    snprintf(seen, sizeof seen, "GET %s HTTP/1.0 ?%s=%%41+%s&%s&flag args=3", rt->path, a, b, a);
    const char *test = "an HTTP/1.0 request reaches the view with http_minor 0 and the raw "
                       "query string, split into args";
    if (port > 0 && raw_is(port, req, rt->status, seen, got, want, sizeof got, &t)) {
        tap_ok(__FILE__, __LINE__, 1, "%s", test);
    } else {
        tap_attach("transcript", t.data ? t.data : "");
        tap_fail_with(__FILE__, __LINE__, port > 0 ? "wrong answer to an HTTP/1.0 request"
                      : "the server did not start (no port)", port > 0 ? got : NULL,
                      port > 0 ? want : NULL, "%s", test);
    }
    wire_buf_free(&t);
}

/* Rules vial_app_route must refuse (-1): no leading '/', one vial_rule_compile refuses
 * (an unclosed '<'), an endpoint already used (the first route's, another's). One test;
 * `registered` says the plain rules were taken. */
static void t_bad_rules(struct wire_rng *r, struct wire_peer *peer, int registered,
                        const struct route *good)
{
    const char *test = "vial_app_route refuses a rule without a leading '/', one "
                       "vial_rule_compile refuses, and an endpoint already used";
    struct route bad = good[1];
    char what[160] = "", num[16];
    int right = registered;
    snprintf(bad.path, sizeof bad.path, "%s", good[1].path + 1);
    if (right && send_route(peer, &bad) != -1)
        snprintf(what, sizeof what, "vial_app_route(app, \"%s\", \"%s\", ...) took it",
                 bad.method, bad.path), right = 0;
    snprintf(bad.path, sizeof bad.path, "%s/<int:id", good[1].path);
    if (right && send_route(peer, &bad) != -1)
        snprintf(what, sizeof what, "vial_app_route(app, \"%s\", \"%s\", ...) took it",
                 bad.method, bad.path), right = 0;
    for (int k = 0; right && k < 2; k++) {
        char *ans = NULL;
        size_t alen = 0;
        int n = k == 0 ? 0 : 1 + (int)wire_rng_below(r, NROUTES - 1);
        snprintf(num, sizeof num, "%d", n);
        if (wire_call(peer, "again", num, strlen(num), &ans, &alen) < 0 || strcmp(ans, "-1"))
            snprintf(what, sizeof what, "vial_app_route(app, \"GET\", \"/again-%d\", "
                     "\"r%d\", view) took endpoint r%d a second time", n, n, n), right = 0;
        free(ans);
    }
    if (peer->dead)
        WIRE_FAIL_DEAD(test);
    else if (right)
        tap_ok(__FILE__, __LINE__, 1, "%s", test);
    else
        tap_fail_with(__FILE__, __LINE__, registered ? "a bad rule was taken"
                      : "vial_app_route refused a plain rule", registered ? what : NULL,
                      registered ? "-1" : NULL, "%s", test);
}

/* vial_server_start with a port outside 0..65535 or a host inet_pton cannot read: NULL
 * and a cause, each time. One test; port says the good start worked. */
static void t_bad_starts(struct wire_peer *peer, int port)
{
    const char *test = "vial_server_start refuses ports -1 and 65536 and hosts \"localhost\" "
                       "and \"127.0.0.256\": NULL with a cause";
    const char *want = "refused refused refused refused";
    char *ans = NULL;
    size_t alen = 0;
    if (wire_call(peer, "bad", "", 0, &ans, &alen) < 0)
        WIRE_FAIL_DEAD(test);
    else if (port > 0 && strcmp(ans, want) == 0)
        tap_ok(__FILE__, __LINE__, 1, "%s", test);
    else
        tap_fail_with(__FILE__, __LINE__, port > 0 ? "a bad option was not refused"
                      : "the server did not start (no port)", ans, want, "%s", test);
    free(ans);
}

/* vial_app_dispatch called by the driver on parsed requests, no server involved: an
 * unknown path (404), a failing view (500) and an aborting one each answer exactly
 * vial_abort's response, no other header (an empty Allow shows here, where
 * libmicrohttpd would drop it). One test; `registered` says the routes were taken. */
static void t_dispatch(struct wire_peer *peer, int registered, const struct route *rt)
{
    const char *test = "vial_app_dispatch without a server: an unknown path, a failing view "
                       "and an abort each answer vial_abort's response alone (no Allow)";
    const struct { const struct route *r; const char *suffix; int status; } c[] = {
        {&rt[1], "/nope", 404}, {&rt[NROUTES], "", 500},
        {&rt[NROUTES + 1], "", rt[NROUTES + 1].status},
    };
    int right = registered;
    char *ans = NULL;
    struct wire_buf want = {0}, req = {0};
    for (size_t i = 0; right && i < sizeof c / sizeof c[0]; i++) {
        vial_response res;
        size_t alen = 0;
        wire_buf_free(&want);
        wire_buf_free(&req);
        wire_buf_str(&req, c[i].r->method);
        wire_buf_str(&req, " ");
        wire_buf_str(&req, c[i].r->path);
        wire_buf_str(&req, c[i].suffix);
        wire_buf_str(&req, " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n");
        vial_response_init(&res);
        vial_abort(&res, c[i].status);
        wire_vial_serialize(&want, &res, 1);
        vial_response_free(&res);
        free(ans);
        ans = NULL;
        if (wire_call(peer, "dispatch", req.data, req.len, &ans, &alen) < 0)
            break;
        right = strcmp(ans, want.data) == 0;
    }
    if (peer->dead) {
        WIRE_FAIL_DEAD(test);
    } else if (right) {
        tap_ok(__FILE__, __LINE__, 1, "%s", test);
    } else {
        tap_attach("input", req.data ? req.data : "");
        tap_fail_with(__FILE__, __LINE__, registered ? "a different response"
                      : "vial_app_route refused a plain rule", registered ? ans : NULL,
                      registered ? want.data : NULL, "%s", test);
    }
    free(ans);
    wire_buf_free(&want);
    wire_buf_free(&req);
}

/* The plain error answer of the reference for status. */
static char *error_body(int status, size_t *len)
{
    vial_response res;
    vial_response_init(&res);
    vial_abort(&res, status);
    char *b = malloc(res.body_len + 1);
    memcpy(b, res.body, res.body_len + 1);
    *len = res.body_len;
    vial_response_free(&res);
    return b;
}

int main(int argc, char **argv)
{
    uint64_t seed = wire_seed_arg(argc, argv);
    struct wire_rng rng;
    struct wire_peer peer;
    static const int out_of_range[] = {200, 302, 399, 600, 700, 100, 1000};
    struct route rt[NROUTES + 3];
    char *ans = NULL, test[320], seen[128];
    size_t alen = 0, elen = 0;
    int port = -1;
    wire_rng_seed(&rng, seed);
    wire_peer_init(&peer, 5000);
    curl_global_init(CURL_GLOBAL_ALL);
    tap_plan(NROUTES + 13);
    for (int i = 0; i < NROUTES; i++)
        make_route(&rng, &rt[i], i);
    make_route(&rng, &rt[NROUTES], 1);
    rt[NROUTES].status = 0;                          /* a failing view */
    make_route(&rng, &rt[NROUTES + 1], 2);
    rt[NROUTES + 1].status = 400 + (int)wire_rng_below(&rng, 30);  /* an abort */
    make_route(&rng, &rt[NROUTES + 2], 4);       /* vial_abort out of range */
    rt[NROUTES + 2].status = -out_of_range[wire_rng_below(&rng, 7)];
    int registered = 1;
    for (int i = 0; i < NROUTES + 3; i++)
        registered &= send_route(&peer, &rt[i]) == 0;
    t_bad_rules(&rng, &peer, registered, rt);
    t_dispatch(&peer, registered, rt);
    if (wire_call(&peer, "start", "", 0, &ans, &alen) == 0)
        port = (int)strtol(ans, NULL, 10);
    if (peer.dead)
        WIRE_FAIL_DEAD("the app starts on an ephemeral port");
    else if (!registered || port <= 0 || port > 65535)
        tap_fail_with(__FILE__, __LINE__, registered ? "no port from vial_server_start"
                      : "vial_app_route refused a plain rule", ans, "a port number",
                      "the app starts on an ephemeral port");
    else
        tap_ok(__FILE__, __LINE__, 1, "the app starts on an ephemeral port");
    free(ans);
    if (!registered)
        port = -1;
    for (int i = 0; i < NROUTES; i++) {
        snprintf(test, sizeof test, "%s %s answers %d with its header and %s body", rt[i].method,
                 rt[i].path, rt[i].status, i == NROUTES - 1 ? "binary" : "text");
        expect(test, port, rt[i].method, rt[i].path, rt[i].status, rt[i].hname,
               rt[i].hvalue, NULL, rt[i].body, rt[i].body_len);
    }
    snprintf(seen, sizeof seen, "%s %s HTTP/1.1 ?x=1&flag args=2", rt[0].method, rt[0].path);
    snprintf(test, sizeof test, "%s?x=1&flag matches %s (the view sees method, path, version "
             "and query)", rt[0].path, rt[0].path);
    char path[96];
    snprintf(path, sizeof path, "%s?x=1&flag", rt[0].path);
    expect(test, port, rt[0].method, path, rt[0].status, "X-Seen", seen, NULL, rt[0].body, rt[0].body_len);
    char *eb = error_body(404, &elen);
    snprintf(path, sizeof path, "%s/%s", rt[1].path, "nope");
    expect("an unknown path gives 404 with a plain body (and no Allow header)", port, "GET",
           path, 404, "Content-Type", "text/plain; charset=utf-8", "Allow", eb, elen);
    free(eb);
    eb = error_body(500, &elen);
    expect("a failing view gives 500 without details", port, rt[NROUTES].method,
           rt[NROUTES].path, 500, NULL, NULL, NULL, eb, elen);
    free(eb);
    eb = error_body(rt[NROUTES + 1].status, &elen);
    snprintf(test, sizeof test, "a view returning %d aborts with that status", rt[NROUTES + 1].status);
    expect(test, port, rt[NROUTES + 1].method, rt[NROUTES + 1].path, rt[NROUTES + 1].status,
           NULL, NULL, NULL, eb, elen);
    free(eb);
    eb = error_body(500, &elen);
    snprintf(test, sizeof test, "vial_abort(res, %d) answers 500 (only 400..599 are kept)",
             -rt[NROUTES + 2].status);
    expect(test, port, rt[NROUTES + 2].method, rt[NROUTES + 2].path, 500, NULL, NULL, NULL,
           eb, elen);
    free(eb);
    t_request_line(&rng, port, &rt[0]);
    t_http10(&rng, port, &rt[0]);
    t_bad_starts(&peer, port);
    /* Stop: the driver answers, then the port must refuse connections. */
    if (wire_call(&peer, "stop", "", 0, &ans, &alen) < 0) {
        WIRE_FAIL_DEAD("vial_server_stop returns");
        WIRE_FAIL_DEAD("after the stop the port is closed");
    } else {
        struct hc_reply rep;
        tap_ok(__FILE__, __LINE__, port > 0, "vial_server_stop returns");
        int answered = port > 0 && do_request(port, "GET", rt[0].path, &rep) == 0;
        if (port > 0 && answered)
            tap_attach("transcript", rep.transcript.data ? rep.transcript.data : "");
        tap_ok(__FILE__, __LINE__, port > 0 && !answered, "after the stop the port is closed");
        if (port > 0)
            hc_reply_free(&rep);
    }
    free(ans);
    curl_global_cleanup();
    return wire_finish(&peer);
}
