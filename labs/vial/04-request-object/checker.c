/* checker.c -- lab 04's hidden tests: has the driver serve the learner's /echo view,
 * serves the same view with the reference vial beside it, sends both the same random
 * requests with libcurl (headers in any case, cookies, bodies in many pieces, forms) and
 * compares what each request object held. Raw-socket tests check the head against
 * vial_parse_request's rules (two Content-Length, Host, Transfer-Encoding, header limits
 * and syntax) and that an oversized body gets 413, each answered before the body is
 * read. Run as `checker SEED`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "vial.h"
#include "tap.h"
#include "wire.h"
#include "httpcheck.h"
#include "refserver.h"


static const char alnum[] = "abcdefghijklmnopqrstuvwxyz0123456789";
static struct wire_rng rng;

/* ---- the reference side: the driver's echo view, served by the reference vial ------ */

/* The driver's own code (ops.h). */
#include "ops.h"

/* ---- HTTP with libcurl ---------------------------------------------------------------- */

struct req {
    const char *method;
    char target[1024];
    const char *headers[12];    /* NULL-terminated "Name: value" lines */
    char hbuf[12][512];
    int nheaders;
    const char *body;
    size_t body_len;
    int chunked;                /* send the body with Transfer-Encoding: chunked */
};

struct upload {
    const char *p;
    size_t left;
};

/* Hands the body to curl in small pieces, so the server gets it in many calls. */
static size_t on_read(char *buf, size_t size, size_t n, void *arg)
{
    struct upload *u = arg;
    size_t want = size * n < 1000 ? size * n : 1000;
    if (want > u->left)
        want = u->left;
    memcpy(buf, u->p, want);
    u->p += want;
    u->left -= want;
    return want;
}

static void req_header(struct req *r, const char *name, const char *value)
{
    if (r->nheaders >= 11)
        return;
    snprintf(r->hbuf[r->nheaders], sizeof r->hbuf[0], "%s: %s", name, value);
    r->headers[r->nheaders] = r->hbuf[r->nheaders];
    r->headers[++r->nheaders] = NULL;
}

/* Sends r to 127.0.0.1:port. Returns 0 when an answer came, else -1 (error set). */
static int do_request(int port, const struct req *r, struct hc_reply *rep)
{
    char url[1200];
    struct curl_slist *hl = NULL;
    struct upload up = {r->body, r->body_len};
    memset(rep, 0, sizeof *rep);
    int ref = port == REFSERVER_PORT;
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", ref ? refserver_port() : port,
             r->target);
    CURL *h = curl_easy_init();
    if (h == NULL)
        return -1;
    if (ref)
        refserver_attach(h);
    for (int i = 0; i < r->nheaders; i++)
        hl = curl_slist_append(hl, r->headers[i]);
    hl = curl_slist_append(hl, "Expect:");
    hc_setup(h, url, 10000L, 0, rep);
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, r->method);
    if (r->chunked) {
        hl = curl_slist_append(hl, "Transfer-Encoding: chunked");
        curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
        curl_easy_setopt(h, CURLOPT_READFUNCTION, on_read);
        curl_easy_setopt(h, CURLOPT_READDATA, &up);
    } else if (r->body != NULL) {
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, r->body);
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)r->body_len);
    }
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
    int rc = hc_perform(h, rep);
    curl_easy_cleanup(h);
    curl_slist_free_all(hl);
    return rc;
}

/* "STATUS\nBODY" of a reply, for comparing and showing. */
static void reply_text(struct wire_buf *out, const struct hc_reply *rep, int answered)
{
    char line[CURL_ERROR_SIZE + 32];
    if (!answered)
        snprintf(line, sizeof line, "no HTTP answer: %s\n", rep->error);
    else
        snprintf(line, sizeof line, "status %ld\n", rep->status);
    wire_buf_str(out, line);
    if (answered)
        wire_buf_add(out, rep->body.data, rep->body.len);
}

/* Sends r to the learner's server and to the reference; one test: equal answers. */
static void expect_same(const char *test, int port, int ref_port, const struct req *r)
{
    struct hc_reply got, want;
    struct wire_buf g = {0}, w = {0};
    if (port <= 0) {
        tap_fail_with(__FILE__, __LINE__, "the server did not start (no port)", NULL, NULL,
                      "%s", test);
        return;
    }
    int ga = do_request(port, r, &got) == 0;
    int wa = do_request(ref_port, r, &want) == 0;
    reply_text(&g, &got, ga);
    reply_text(&w, &want, wa);
    if (g.len == w.len && memcmp(g.data, w.data, g.len) == 0) {
        tap_ok(__FILE__, __LINE__, 1, "%s", test);
    } else {
        tap_attach("transcript", got.transcript.data ? got.transcript.data : "");
        tap_fail_with(__FILE__, __LINE__, "what your request object holds differs", g.data,
                      w.data, "%s", test);
    }
    wire_buf_free(&g);
    wire_buf_free(&w);
    hc_reply_free(&got);
    hc_reply_free(&want);
}

/* ---- raw sockets: answers that must come before the body is sent ------------------------ */

/* Sends raw bytes; 1 when the first answer has `status` and, with `only`, no other
 * answer follows before the server closes; else 0 with what differs in got/want (cap
 * bytes each) and the exchange in t. */
static int raw_is(int port, const char *bytes, size_t len, long status, int only, char *got,
                  char *want, size_t cap, struct wire_buf *t)
{
    struct hc_reply rep;
    char ct[128];
    int right = 0;
    if (port <= 0) {
        snprintf(got, cap, "no server (no port)");
        snprintf(want, cap, "status %ld", status);
        return 0;
    }
    if (hc_raw(port, bytes, len, 3000, only ? HC_UNTIL_CLOSE : 0, &rep) < 0) {
        snprintf(got, cap, "%s", rep.error);
        snprintf(want, cap, "status %ld", status);
    } else if (rep.status != status || (only && rep.answers != 1)) {
        snprintf(got, cap, "status %ld, %d answer%s", rep.status, rep.answers,
                 rep.answers == 1 ? "" : "s");
        snprintf(want, cap, "status %ld%s", status, only ? ", 1 answer, then the connection "
                 "closed" : "");
    } else if (status >= 400 && (!hc_find_header(rep.headers.data, "Content-Type", ct, sizeof ct)
                                 || strcmp(ct, "text/plain; charset=utf-8") != 0)) {
        snprintf(got, cap, "status %ld, Content-Type: %s", rep.status,
                 hc_find_header(rep.headers.data, "Content-Type", ct, sizeof ct) ? ct : "(absent)");
        snprintf(want, cap, "status %ld, Content-Type: text/plain; charset=utf-8", status);
    } else {
        right = 1;
    }
    if (!right)
        wire_buf_add(t, rep.transcript.data, rep.transcript.len);
    hc_reply_free(&rep);
    return right;
}

struct raw_case {
    struct wire_buf bytes;
    long status;
    int only;                   /* the one answer, the connection then closed */
};

/* Sends every case in turn; one test, failed at the first wrong answer. Frees the cases. */
static void expect_raw(const char *test, int port, struct raw_case *c, size_t n)
{
    char got[200], want[200];
    struct wire_buf t = {0};
    int right = 1;
    for (size_t i = 0; i < n; i++) {
        if (right)
            right = raw_is(port, c[i].bytes.data, c[i].bytes.len, c[i].status, c[i].only, got,
                           want, sizeof got, &t);
        wire_buf_free(&c[i].bytes);
    }
    if (right) {
        tap_ok(__FILE__, __LINE__, 1, "%s", test);
    } else {
        tap_attach("transcript", t.data ? t.data : "");
        tap_fail_with(__FILE__, __LINE__, "a head vial_parse_request refuses was answered "
                      "otherwise", got, want, "%s", test);
    }
    wire_buf_free(&t);
}

static void expect_early_413(const char *test, int port, size_t limit)
{
    struct raw_case c[2] = {{{0}, 413, 0}, {{0}, 413, 0}};
    char head[256];
    for (int k = 0; k < 2; k++) {                   /* the second with a leading zero */
        snprintf(head, sizeof head, "POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                 "application/octet-stream\r\nContent-Length: %s%zu\r\n\r\n", k ? "0" : "",
                 limit + 1 + (size_t)wire_rng_below(&rng, 1u << 20));
        wire_buf_str(&c[k].bytes, head);            /* the body is never sent */
    }
    expect_raw(test, port, c, 2);
}

/* ---- random inputs ---------------------------------------------------------------------- */

static void rand_word(char *out, size_t lo, size_t hi)
{
    wire_rng_word(&rng, out, alnum, sizeof alnum - 1, lo, hi);
}

/* A word with a few bytes that must be encoded: "%20" or "+" for space, "%26" ... */
static void rand_encoded(char *out, size_t cap)
{
    static const char *const bits[] = {"%20", "+", "%26", "%3D", "%C3%A9", "%2F", "%3F"};
    char w[16];
    size_t n = 0;
    out[0] = '\0';
    for (int i = 0; i < 3; i++) {
        rand_word(w, 1, 5);
        n += (size_t)snprintf(out + n, cap - n, "%s%s", w, bits[wire_rng_below(&rng, 7)]);
    }
}

static void req_init(struct req *r, const char *method)
{
    memset(r, 0, sizeof *r);
    r->method = method;
    snprintf(r->target, sizeof r->target, "/echo");
}

/* Mixes the case of s in place, letter by letter. */
static void rand_case(char *s)
{
    for (; *s; s++)
        if (*s >= 'a' && *s <= 'z' && wire_rng_below(&rng, 2))
            *s = (char)(*s - 'a' + 'A');
        else if (*s >= 'A' && *s <= 'Z' && wire_rng_below(&rng, 2))
            *s = (char)(*s - 'A' + 'a');
}

static char *rand_bytes(size_t n, int binary)
{
    char *b = malloc(n + 1);
    for (size_t i = 0; b && i < n; i++)
        b[i] = binary ? (char)wire_rng_below(&rng, 256) : alnum[wire_rng_below(&rng, 36)];
    if (b)
        b[n] = '\0';
    return b;
}

/* ---- the tests --------------------------------------------------------------------------- */

struct ports {
    int subject, ref;
    size_t limit;
};

/* Two Content-Length headers, a request hidden behind the first: 400 and nothing more. */
static void t_two_lengths(const struct ports *p)
{
    struct raw_case c = {{0}, 400, 1};
    char hidden[128], line[96], w[12];
    rand_word(w, 1, 8);
    snprintf(hidden, sizeof hidden, "GET /echo?smuggled=%s HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", w);
    wire_buf_str(&c.bytes, "POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    snprintf(line, sizeof line, wire_rng_below(&rng, 2)
             ? "Content-Length: 0\r\ncontent-length: %zu\r\n\r\n"
             : "Content-Length: %zu\r\nContent-Length: 0\r\n\r\n", strlen(hidden));
    wire_buf_str(&c.bytes, line);
    wire_buf_str(&c.bytes, hidden);
    expect_raw("two Content-Length headers: 400 before the body, and the request hidden in "
               "it is not served", p->subject, &c, 1);
}

/* Host: needed once in HTTP/1.1, never twice, optional in HTTP/1.0. */
static void t_host(const struct ports *p)
{
    struct raw_case c[3] = {{{0}, 400, 1}, {{0}, 400, 1}, {{0}, 200, 0}};
    wire_buf_str(&c[0].bytes, wire_rng_below(&rng, 2) ? "GET /echo HTTP/1.1\r\n\r\n"
                 : "GET /echo HTTP/1.1\r\nX-Host: a\r\n\r\n");
    wire_buf_str(&c[1].bytes, "GET /echo HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n");
    wire_buf_str(&c[2].bytes, "GET /echo HTTP/1.0\r\n\r\n");
    expect_raw("Host: HTTP/1.1 without it or any request with two gets 400; HTTP/1.0 may "
               "leave it out", p->subject, c, 3);
}

/* Transfer-Encoding: one "chunked" is decoded (t_pieces); anything else is refused. */
static void t_coding(const struct ports *p)
{
    static const char *const codings[] = {"gzip", "gzip, chunked", "identity", "deflate"};
    static const char chunk[] = "\r\n3\r\nabc\r\n0\r\n\r\nGET /echo?next HTTP/1.1\r\n"
                                "Host: 127.0.0.1\r\n\r\n";
    struct raw_case c[4] = {{{0}, 501, 1}, {{0}, 501, 1}, {{0}, 400, 1}, {{0}, 400, 1}};
    char line[96];
    snprintf(line, sizeof line, "Transfer-Encoding: %s\r\n", codings[wire_rng_below(&rng, 4)]);
    const char *te[] = {line, "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n",
                        "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n",
                        "Transfer-Encoding: chunked\r\n"};
    for (int i = 0; i < 4; i++) {
        wire_buf_str(&c[i].bytes, i == 3 ? "POST /echo HTTP/1.0\r\n"
                     : "POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        wire_buf_str(&c[i].bytes, te[i]);
        wire_buf_str(&c[i].bytes, chunk);
    }
    expect_raw("Transfer-Encoding: 501 for a coding other than one chunked; 400 for chunked "
               "with Content-Length or on HTTP/1.0", p->subject, c, 4);
}

/* The header lines against the lab 01 limits and syntax. */
static void t_header_lines(const struct ports *p)
{
    struct raw_case c[4] = {{{0}, 200, 0}, {{0}, 431, 1}, {{0}, 400, 1}, {{0}, 400, 1}};
    char line[64], w[12];
    for (int k = 0; k < 2; k++) {
        wire_buf_str(&c[k].bytes, "GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        for (int i = 1; i < VIAL_MAX_HEADERS + k; i++) {
            rand_word(w, 1, 8);
            snprintf(line, sizeof line, "X-%d-%s: %s\r\n", i, w, w);
            wire_buf_str(&c[k].bytes, line);
        }
        wire_buf_str(&c[k].bytes, "\r\n");
    }
    wire_buf_str(&c[2].bytes, wire_rng_below(&rng, 2)
                 ? "GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A : b\r\n\r\n"
                 : "GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nX(A): b\r\n\r\n");
    wire_buf_str(&c[3].bytes, "GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: a\x01b\r\n\r\n");
    expect_raw("header lines: VIAL_MAX_HEADERS pass, one more is 431; a space before ':', a "
               "non-token name or a control byte in a value is 400", p->subject, c, 4);
}

static void t_headers(const struct ports *p)
{
    struct req r;
    char names[3][16], probe[128], v[40], n2[20];
    size_t at = 0;
    req_init(&r, wire_rng_below(&rng, 2) ? "GET" : "DELETE");
    for (int i = 0; i < 3; i++) {
        rand_word(v, 1, 10);
        snprintf(names[i], sizeof names[i], i ? "X-%.12s" : "X-Z%.11s", v);  /* a 'Z' too */
        rand_word(v, 1, 30);
        req_header(&r, names[i], v);
    }
    for (int i = 2; i >= 0; i--) {
        snprintf(n2, sizeof n2, "%s", names[i]);
        rand_case(n2);
        at += (size_t)snprintf(probe + at, sizeof probe - at, "%s,", n2);
    }
    snprintf(probe + at, sizeof probe - at, "x-absent,ConTent-TYPE");
    req_header(&r, "X-Probe", probe);
    req_header(&r, "Content-Type", "text/plain");
    expect_same("headers are found whatever the case of their name", p->subject, p->ref, &r);
}

static void t_repeated_header(const struct ports *p)
{
    struct req r;
    char v1[24], v2[24], name[24], probe[64];
    req_init(&r, "GET");
    rand_word(v1, 1, 12), rand_word(v2, 1, 12), rand_word(name, 1, 10);
    snprintf(probe, sizeof probe, "x-twice-%s", name);
    snprintf(name, sizeof name, "X-Twice-%.12s", probe + 8);
    req_header(&r, name, v1);
    req_header(&r, name, v2);
    req_header(&r, "X-Probe", probe);
    expect_same("a repeated header: lookup gives the first value", p->subject, p->ref, &r);
}

static void t_cookies(const struct ports *p)
{
    struct req r;
    char a[16], b[16], c[16], line[256], probe[96];
    req_init(&r, "GET");
    rand_word(a, 1, 8), rand_word(b, 1, 8), rand_word(c, 1, 8);
    snprintf(line, sizeof line, "sid=%s;  theme = %s ; quoted=\"%s\"; junk; empty=; lone=\"; "
             "last=%s", a, b, c, a);
    req_header(&r, "Cookie", line);
    snprintf(probe, sizeof probe, "sid,theme,quoted,junk,empty,lone,%s", wire_rng_below(&rng, 2) ? "SID" : "nope");
    req_header(&r, "X-Cookie-Probe", probe);
    expect_same("cookies: several in one header, trimmed, unquoted, no '=' skipped", p->subject,
                p->ref, &r);
}

static void t_cookies_two(const struct ports *p)
{
    struct req r;
    char a[16], b[16], line[64];
    req_init(&r, "GET");
    rand_word(a, 1, 8), rand_word(b, 1, 8);
    snprintf(line, sizeof line, "first=%s", a);
    req_header(&r, "Cookie", line);
    snprintf(line, sizeof line, "second=%s; third=%s", b, a);
    req_header(&r, "cookie", line);
    req_header(&r, "X-Cookie-Probe", "first,second,third");
    expect_same("cookies of two Cookie headers are all kept", p->subject, p->ref, &r);
}

static void t_pieces(const struct ports *p)
{
    struct req r;
    size_t n = 50000 + (size_t)wire_rng_below(&rng, p->limit / 2);
    char *body = rand_bytes(n, 0);
    req_init(&r, "PUT");
    r.body = body, r.body_len = n, r.chunked = 1;
    req_header(&r, "Content-Type", "text/plain");
    char test[96];
    snprintf(test, sizeof test, "a %zu-byte body sent in many pieces arrives whole", n);
    expect_same(test, p->subject, p->ref, &r);
    free(body);
}

static void t_binary(const struct ports *p)
{
    struct req r;
    size_t n = 1000 + (size_t)wire_rng_below(&rng, 4000);
    char *body = rand_bytes(n, 1);
    body[wire_rng_below(&rng, n)] = '\0';
    req_init(&r, "POST");
    r.body = body, r.body_len = n;
    req_header(&r, "Content-Type", "application/octet-stream");
    expect_same("a binary body with zero bytes arrives intact", p->subject, p->ref, &r);
    free(body);
}

static void t_form(const struct ports *p)
{
    struct req r;
    char body[512], a[16], b[16], e[64];
    req_init(&r, "POST");
    rand_word(a, 1, 8), rand_word(b, 1, 8), rand_encoded(e, sizeof e);
    snprintf(body, sizeof body, "name=%s&tag=%s&&tag=%s&remember&msg=%s", a, b, a, e);
    r.body = body, r.body_len = strlen(body);
    req_header(&r, "Content-Type", wire_rng_below(&rng, 2) ? "application/x-www-form-urlencoded"
               : "Application/X-WWW-Form-Urlencoded; charset=utf-8");
    expect_same("a form body fills req->form (decoded, repeated keys, flags)", p->subject,
                p->ref, &r);
}

/* A form body under a Content-Type with parameters (still a form), or under a longer
 * type that only starts like it (not a form: req->form stays empty). */
static void t_form_type(const struct ports *p, int lookalike)
{
    static const char *const typed[] = {"application/x-www-form-urlencoded;charset=utf-8",
                                        "application/x-www-form-urlencoded; charset=utf-8",
                                        "application/x-www-form-urlencoded\t; q=1"};
    static const char *const other[] = {"application/x-www-form-urlencodedx",
                                        "application/x-www-form-urlencoded-v2",
                                        "application/x-www-form-urlencoded,text/plain"};
    struct req r;
    char body[128], a[16], b[16];
    req_init(&r, "POST");
    rand_word(a, 1, 8), rand_word(b, 1, 8);
    snprintf(body, sizeof body, "name=%s&tag=%s", a, b);
    r.body = body, r.body_len = strlen(body);
    req_header(&r, "Content-Type", (lookalike ? other : typed)[wire_rng_below(&rng, 3)]);
    expect_same(lookalike ? "a type that only starts as application/x-www-form-urlencoded "
                            "(...urlencodedx) is not a form"
                          : "application/x-www-form-urlencoded followed by ';' and parameters "
                            "is a form",
                p->subject, p->ref, &r);
}

static void t_form_params(const struct ports *p)
{
    t_form_type(p, 0);
}

static void t_form_lookalike(const struct ports *p)
{
    t_form_type(p, 1);
}

static void t_form_bad(const struct ports *p)
{
    struct req r;
    char body[128], a[16];
    req_init(&r, "POST");
    rand_word(a, 1, 8);
    snprintf(body, sizeof body, "ok=%s&bad=%s%%%s", a, a, wire_rng_below(&rng, 2) ? "zz" : "4");
    r.body = body, r.body_len = strlen(body);
    req_header(&r, "Content-Type", "application/x-www-form-urlencoded");
    expect_same("a form body with a bad escape: vial_request_parse_form gives 400", p->subject,
                p->ref, &r);
}

static void t_exact_limit(const struct ports *p)
{
    struct req r;
    char *body = rand_bytes(p->limit, 0);
    req_init(&r, "POST");
    r.body = body, r.body_len = p->limit;
    req_header(&r, "Content-Type", "text/plain");
    expect_same("a body of exactly the limit is accepted", p->subject, p->ref, &r);
    free(body);
}

static void t_chunked_over(const struct ports *p)
{
    struct req r;
    size_t n = p->limit + 1 + (size_t)wire_rng_below(&rng, 3000);
    char *body = rand_bytes(n, 0);
    req_init(&r, "POST");
    r.body = body, r.body_len = n, r.chunked = 1;
    expect_same("a chunked body growing past the limit gets 413", p->subject, p->ref, &r);
    free(body);
}

int main(int argc, char **argv)
{
    uint64_t seed = wire_seed_arg(argc, argv);
    struct wire_peer peer;
    struct ports p = {-1, -1, 0};
    char *ans = NULL, arg[32];
    size_t alen = 0;
    wire_rng_seed(&rng, seed);
    wire_peer_init(&peer, 10000);
    curl_global_init(CURL_GLOBAL_ALL);
    p.limit = 100000 + (size_t)wire_rng_below(&rng, 100000);
    snprintf(arg, sizeof arg, "%zu", p.limit);
    vial_app *app = vial_app_new("reference");
    vial_app_route(app, "GET,POST,PUT,PATCH,DELETE", "/echo", "echo", echo_view);
    struct vial_server_options opt = {.host = "127.0.0.1", .port = 0, .max_body = p.limit};
    vial_server *ref = vial_server_start(app, &opt, NULL);
    if (ref == NULL)
        tap_bail_out("the reference server did not start");
    p.ref = REFSERVER_PORT;     /* by flag: it serves only the checker (refserver.h) */
    tap_plan(17);
    /* Starting is lab 03's work: a server that does not start fails every test here. */
    if (wire_call(&peer, "start", arg, strlen(arg), &ans, &alen) == 0)
        p.subject = refserver_subject_port(ans);
    if (p.subject <= 0 && ans != NULL)
        tap_diag("the driver said: %s", ans);
    free(ans);
    void (*const tests[])(const struct ports *) = {
        t_headers, t_repeated_header, t_cookies, t_cookies_two, t_pieces, t_binary, t_form,
        t_form_params, t_form_lookalike, t_form_bad, t_exact_limit, t_chunked_over, t_two_lengths, t_host, t_coding,
        t_header_lines,
    };
    for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++)
        tests[i](&p);
    expect_early_413("Content-Length over the limit (also with a leading zero) gets 413 before "
                     "the body is read",
                     p.subject, p.limit);
    if (wire_call(&peer, "stop", "", 0, &ans, &alen) == 0)
        free(ans);
    vial_server_stop(ref);
    vial_app_free(app);
    curl_global_cleanup();
    return wire_finish(&peer);
}
