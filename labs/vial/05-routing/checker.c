/* checker.c -- lab 05's hidden tests: registers random rules with converters in the
 * learner's app (through the driver) and in a reference app served beside it, then
 * sends both the same requests with libcurl and compares status, Allow, Location,
 * Content-Length and what the view saw: converters, overflow and signs, precedence
 * whatever the registration order, 404 vs 405, HEAD, OPTIONS and the trailing-slash
 * redirect. Run as `checker SEED`. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "vial.h"
#include "tap.h"
#include "wire.h"
#include "httpcheck.h"
#include "refserver.h"


static const char alpha[] = "abcdefghijklmnopqrstuvwxyz";
static struct wire_rng rng;
static struct wire_peer peer;
static vial_app *ref_app;
static int nendpoints;

/* The reference side runs the driver's view (ops.h). */
#include "ops.h"

/* ---- HTTP -------------------------------------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Allow as a sorted set: "GET, POST" and "POST,GET" read the same. */
static void allow_sorted(const char *allow, struct wire_buf *out)
{
    char copy[512], *save = NULL, *items[32];
    size_t n = 0;
    snprintf(copy, sizeof copy, "%s", allow);
    for (char *t = strtok_r(copy, ", ", &save); t && n < 32; t = strtok_r(NULL, ", ", &save))
        items[n++] = t;
    qsort(items, n, sizeof items[0], cmp_str);
    for (size_t i = 0; i < n; i++) {
        wire_buf_str(out, i ? "," : "");
        wire_buf_str(out, items[i]);
    }
}

/* One request as text: status, the headers that matter here, the body. */
static void answer_text(struct wire_buf *out, int port, const char *method, const char *target,
                        struct wire_buf *transcript)
{
    struct hc_reply rep;
    char line[1400], v[512];
    snprintf(line, sizeof line, "%s %s -> ", method, target);
    wire_buf_str(out, line);
    if (port <= 0 || hc_request(port, method, target, NULL, &rep) < 0) {
        snprintf(line, sizeof line, "no HTTP answer: %s\n", port <= 0 ? "no server" : rep.error);
        wire_buf_str(out, line);
        if (port > 0)
            hc_reply_free(&rep);
        return;
    }
    snprintf(line, sizeof line, "%ld\n", rep.status);
    wire_buf_str(out, line);
    if (hc_find_header(rep.headers.data, "Allow", v, sizeof v)) {
        wire_buf_str(out, "  Allow: ");
        allow_sorted(v, out);
        wire_buf_str(out, "\n");
    }
    if (hc_find_header(rep.headers.data, "Location", v, sizeof v)) {
        snprintf(line, sizeof line, "  Location: %s\n", v);
        wire_buf_str(out, line);
    }
    snprintf(line, sizeof line, "  Content-Length: %s\n",
             hc_find_header(rep.headers.data, "Content-Length", v, sizeof v) ? v : "(none)");
    wire_buf_str(out, line);
    for (const char *p = rep.body.data; p && *p;) {
        size_t n = strcspn(p, "\n");
        wire_buf_str(out, "  | ");
        wire_buf_add(out, p, n);
        wire_buf_str(out, "\n");
        p += n + (p[n] == '\n');
    }
    if (transcript != NULL)
        wire_buf_add(transcript, rep.transcript.data, rep.transcript.len);
    hc_reply_free(&rep);
}

/* ---- rules and tests -------------------------------------------------------------------- */

struct ports {
    int subject, ref;
};

/* Registers a rule in both apps; returns "subject-rc/reference-rc" mismatch as -2. */
static void add_rule(struct wire_buf *log, const char *methods, const char *rule)
{
    char ep[16], line[320], *ans = NULL;
    size_t alen = 0;
    struct wire_buf b = {0};
    snprintf(ep, sizeof ep, "ep%d", nendpoints++);
    wire_buf_add(&b, methods, strlen(methods) + 1);
    wire_buf_add(&b, rule, strlen(rule) + 1);
    wire_buf_add(&b, ep, strlen(ep));
    int got = wire_call(&peer, "route", b.data, b.len, &ans, &alen) == 0
              ? (int)strtol(ans, NULL, 10) : -9;
    int want = vial_app_route(ref_app, methods, rule, ep, route_view);
    snprintf(line, sizeof line, "%s %s as %s -> %d%s\n", methods, rule, ep, got,
             got == want ? "" : want == 0 ? "  (a good rule was refused)"
                                          : "  (a bad rule was accepted)");
    wire_buf_str(log, line);
    free(ans);
    wire_buf_free(&b);
}

/* Sends each of the NULL-terminated "METHOD TARGET" strings to both servers; one test. */
static void expect_requests(const char *test, const struct ports *p, const char *const *reqs)
{
    struct wire_buf got = {0}, want = {0}, transcript = {0};
    char method[16];
    for (size_t i = 0; reqs[i] != NULL; i++) {
        size_t n = strcspn(reqs[i], " ");
        snprintf(method, sizeof method, "%.*s", (int)n, reqs[i]);
        answer_text(&got, p->subject, method, reqs[i] + n + 1, &transcript);
        answer_text(&want, p->ref, method, reqs[i] + n + 1, NULL);
    }
    if (got.len == want.len && memcmp(got.data, want.data, got.len) == 0) {
        tap_ok(__FILE__, __LINE__, 1, "%s", test);
    } else {
        tap_attach("transcript", transcript.data ? transcript.data : "");
        tap_fail_with(__FILE__, __LINE__, "your router answered differently", got.data,
                      want.data, "%s", test);
    }
    wire_buf_free(&got);
    wire_buf_free(&want);
    wire_buf_free(&transcript);
}

static void rand_word(char *out, size_t lo, size_t hi)
{
    wire_rng_word(&rng, out, alpha, sizeof alpha - 1, lo, hi);
}

/* Scenario prefixes: one distinct random first segment per test. */
static char pre[12][16];

static void make_prefixes(void)
{
    for (int i = 0; i < 12; i++) {
        char w[10];
        rand_word(w, 3, 6);
        snprintf(pre[i], sizeof pre[i], "%s%d", w, i);
    }
}

/* Formats into a rotating set of buffers, for building request lists inline. */
static const char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
static const char *fmt(const char *f, ...)
{
    static char bufs[16][256];
    static int next;
    char *b = bufs[next++ % 16];
    va_list ap;
    va_start(ap, f);
    vsnprintf(b, sizeof bufs[0], f, ap);
    va_end(ap);
    return b;
}

/* Registers the rules of every scenario. The precedence scenario comes in a random
 * order, so static and dynamic rules are registered either way round. */
static void register_rules(struct wire_buf *log)
{
    add_rule(log, "GET", fmt("/%s/<int:id>", pre[0]));
    add_rule(log, "GET", fmt("/%s/<float:x>", pre[1]));
    add_rule(log, "GET", fmt("/%s/<uuid:u>", pre[2]));
    add_rule(log, "GET", fmt("/%s/files/<path:rest>", pre[3]));
    add_rule(log, "GET", fmt("/%s/u/<string:name>", pre[3]));
    add_rule(log, "GET", fmt("/%s/f/<path:p>/edit", pre[3]));
    const char *prec[3][2] = {{"GET", "/%s/<name>"}, {"GET", "/%s/<int:id>"}, {"GET", "/%s/new"}};
    for (int i = 2; i > 0; i--) {           /* shuffle */
        int j = (int)wire_rng_below(&rng, (uint64_t)i + 1);
        const char *t0 = prec[i][0], *t1 = prec[i][1];
        prec[i][0] = prec[j][0], prec[i][1] = prec[j][1];
        prec[j][0] = t0, prec[j][1] = t1;
    }
    for (int i = 0; i < 3; i++)
        add_rule(log, prec[i][0], fmt(prec[i][1], pre[4]));
    add_rule(log, "GET,POST", fmt("/%s/<int:id>", pre[5]));
    add_rule(log, "PUT", fmt("/%s/<int:id>", pre[5]));
    add_rule(log, "GET", fmt("/%s/<word>", pre[6]));
    add_rule(log, "POST", fmt("/%s/post/<int:n>", pre[6]));
    add_rule(log, "GET", fmt("/%s/docs/", pre[7]));
    add_rule(log, "GET", fmt("/%s/about", pre[7]));
    add_rule(log, "GET", fmt("/%s/d/<int:n>/", pre[7]));
    add_rule(log, "POST", fmt("/%s/me", pre[8]));
    add_rule(log, "GET", fmt("/%s/<who>", pre[8]));
    /* string against path, registered both ways round; names may hold any digit */
    char w[10];
    rand_word(w, 1, 4);
    add_rule(log, "GET", fmt("/%s/a/<path:%s_9>", pre[10], w));
    add_rule(log, "GET", fmt("/%s/a/<string:%s9>", pre[10], w));
    add_rule(log, "GET", fmt("/%s/b/<string:%s0>", pre[10], w));
    add_rule(log, "GET", fmt("/%s/b/<path:x%s>", pre[10], w));
    /* two rules with methods in common on one path */
    add_rule(log, "GET,POST", fmt("/%s/<int:id>", pre[11]));
    add_rule(log, "GET,PUT", fmt("/%s/<name>", pre[11]));
    static const char *const bad[] = {"/%s/<int:>", "/%s/<bogus:a>", "/%s/<a", "/%s/<a><b>",
                                      "/%s/<a>/<a>", "/%s/<in t:a>", "/%s/<int:9a>"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        add_rule(log, "GET", fmt(bad[i], pre[9]));
}

static void t_int(const struct ports *p)
{
    unsigned long long n = wire_rng_below(&rng, 1000000);
    const char *reqs[] = {
        fmt("GET /%s/%llu", pre[0], n), fmt("GET /%s/00%llu", pre[0], n),
        fmt("GET /%s/-%llu", pre[0], n + 1), fmt("GET /%s/9223372036854775807", pre[0]),
        fmt("GET /%s/%llu9223372036854775808", pre[0], n % 9 + 1),
        fmt("GET /%s/9223372036854775808", pre[0]), fmt("GET /%s/%llux", pre[0], n), NULL};
    expect_requests("<int:id>: digits in canonical form; signs and overflow give 404", p, reqs);
}

static void t_float(const struct ports *p)
{
    unsigned long long a = wire_rng_below(&rng, 1000), b = wire_rng_below(&rng, 1000);
    const char *reqs[] = {
        fmt("GET /%s/%llu.%llu", pre[1], a, b), fmt("GET /%s/%llu", pre[1], a),
        fmt("GET /%s/.%llu", pre[1], b), fmt("GET /%s/%llu.%llu.1", pre[1], a, b),
        fmt("GET /%s/-%llu.5", pre[1], a), NULL};
    expect_requests("<float:x>: digits '.' digits only", p, reqs);
}

static void t_uuid(const struct ports *p)
{
    static const char hex[] = "0123456789abcdefABCDEF";
    char u[40], bad[40];
    for (int i = 0; i < 36; i++)
        u[i] = (i == 8 || i == 13 || i == 18 || i == 23) ? '-' : hex[wire_rng_below(&rng, 22)];
    u[36] = '\0';
    memcpy(bad, u, 37);
    bad[wire_rng_below(&rng, 8)] = 'g';
    const char *reqs[] = {fmt("GET /%s/%s", pre[2], u), fmt("GET /%s/%s", pre[2], bad),
                          fmt("GET /%s/%.35s", pre[2], u), fmt("GET /%s/%sa", pre[2], u), NULL};
    expect_requests("<uuid:u>: 8-4-4-4-12 hex digits, given in lowercase", p, reqs);
}

static void t_path_string(const struct ports *p)
{
    char a[10], b[10], c[10];
    rand_word(a, 1, 8), rand_word(b, 1, 8), rand_word(c, 1, 8);
    const char *reqs[] = {
        fmt("GET /%s/files/%s/%s/%s.txt", pre[3], a, b, c), fmt("GET /%s/files/%s", pre[3], a),
        fmt("GET /%s/files/", pre[3]), fmt("GET /%s/u/%s", pre[3], b),
        fmt("GET /%s/u/%s/%s", pre[3], a, b), fmt("GET /%s/f/%s/%s/edit", pre[3], a, c), NULL};
    expect_requests("<path:p> takes slashes, <string:s> one segment only", p, reqs);
}

static void t_precedence(const struct ports *p)
{
    unsigned long long n = wire_rng_below(&rng, 100000);
    char w[10];
    rand_word(w, 2, 8);
    const char *reqs[] = {fmt("GET /%s/new", pre[4]), fmt("GET /%s/%llu", pre[4], n),
                          fmt("GET /%s/-%llu", pre[4], n), fmt("GET /%s/%s", pre[4], w),
                          fmt("GET /%s/newer", pre[4]), NULL};
    expect_requests("static beats int beats string, whatever the registration order", p, reqs);
}

static void t_405(const struct ports *p)
{
    unsigned long long n = wire_rng_below(&rng, 100000);
    const char *reqs[] = {fmt("DELETE /%s/%llu", pre[5], n), fmt("PUT /%s/%llu", pre[5], n),
                          fmt("POST /%s/%llu", pre[5], n), fmt("DELETE /%s/x%llu", pre[5], n),
                          NULL};
    expect_requests("a path with rules but not for the method: 405 with every method in Allow",
                    p, reqs);
}

static void t_head(const struct ports *p)
{
    char w[10];
    rand_word(w, 2, 8);
    const char *reqs[] = {fmt("GET /%s/%s", pre[6], w), fmt("HEAD /%s/%s", pre[6], w),
                          fmt("HEAD /%s/post/%llu", pre[6],
                              (unsigned long long)wire_rng_below(&rng, 999)), NULL};
    expect_requests("HEAD runs the GET view without the body; no GET rule: 405", p, reqs);
}

static void t_options(const struct ports *p)
{
    char w[10];
    rand_word(w, 2, 8);
    const char *reqs[] = {fmt("OPTIONS /%s/%s", pre[6], w),
                          fmt("OPTIONS /%s/post/%llu", pre[6],
                              (unsigned long long)wire_rng_below(&rng, 999)),
                          fmt("OPTIONS /%s/%llu", pre[5], (unsigned long long)wire_rng_below(&rng, 99)),
                          NULL};
    expect_requests("OPTIONS answers 200 with Allow and no body", p, reqs);
}

static void t_slash(const struct ports *p)
{
    char a[10], b[10];
    rand_word(a, 1, 6), rand_word(b, 1, 6);
    unsigned long long n = wire_rng_below(&rng, 1000);
    const char *reqs[] = {fmt("GET /%s/docs?%s=%s&%s", pre[7], a, b, b),
                          fmt("GET /%s/docs/", pre[7]), fmt("GET /%s/d/%llu", pre[7], n),
                          fmt("GET /%s/about/", pre[7]), fmt("GET /%s/about", pre[7]), NULL};
    expect_requests("a rule ending in '/' redirects the path without it (308); not the reverse",
                    p, reqs);
}

static void t_string_path(const struct ports *p)
{
    char a[10], b[10];
    rand_word(a, 1, 8), rand_word(b, 1, 8);
    const char *reqs[] = {fmt("GET /%s/a/%s", pre[10], a), fmt("GET /%s/b/%s", pre[10], b),
                          fmt("GET /%s/a/%s/%s", pre[10], a, b),
                          fmt("GET /%s/b/%s/%s", pre[10], b, a), NULL};
    expect_requests("string beats path, whatever the registration order", p, reqs);
}

static void t_allow_once(const struct ports *p)
{
    unsigned long long n = wire_rng_below(&rng, 100000);
    const char *reqs[] = {fmt("DELETE /%s/%llu", pre[11], n),
                          fmt("OPTIONS /%s/%llu", pre[11], n), NULL};
    expect_requests("two rules matching a path: Allow names each method once", p, reqs);
}

static void t_method_first(const struct ports *p)
{
    const char *reqs[] = {fmt("GET /%s/me", pre[8]), fmt("POST /%s/me", pre[8]),
                          fmt("PUT /%s/me", pre[8]), NULL};
    expect_requests("a static rule for another method does not hide a dynamic one", p, reqs);
}

int main(int argc, char **argv)
{
    uint64_t seed = wire_seed_arg(argc, argv);
    struct ports p = {-1, -1};
    struct wire_buf log = {0}, want = {0};
    char *ans = NULL;
    size_t alen = 0;
    wire_rng_seed(&rng, seed);
    wire_peer_init(&peer, 10000);
    curl_global_init(CURL_GLOBAL_ALL);
    make_prefixes();
    ref_app = vial_app_new("reference");
    tap_plan(13);
    register_rules(&log);
    struct vial_server_options opt = {.host = "127.0.0.1", .port = 0};
    vial_server *ref = vial_server_start(ref_app, &opt, NULL);
    if (ref == NULL)
        tap_bail_out("the reference server did not start");
    p.ref = REFSERVER_PORT;     /* by flag: it serves only the checker (refserver.h) */
    if (wire_call(&peer, "start", "", 0, &ans, &alen) == 0)
        p.subject = refserver_subject_port(ans);
    free(ans);
    if (peer.dead)
        WIRE_FAIL_DEAD("vial_app_route accepts converter rules and refuses bad ones");
    else
        tap_ok(__FILE__, __LINE__, !strstr(log.data, "  ("), 
               "vial_app_route accepts converter rules and refuses bad ones");
    if (strstr(log.data ? log.data : "", "  (") != NULL)
        tap_diag("%s", log.data);
    void (*const tests[])(const struct ports *) = {
        t_int, t_float, t_uuid, t_path_string, t_precedence, t_405, t_head, t_options,
        t_slash, t_method_first, t_string_path, t_allow_once,
    };
    for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++)
        tests[i](&p);
    if (wire_call(&peer, "stop", "", 0, &ans, &alen) == 0)
        free(ans);
    vial_server_stop(ref);
    vial_app_free(ref_app);
    wire_buf_free(&log);
    wire_buf_free(&want);
    curl_global_cleanup();
    return wire_finish(&peer);
}
