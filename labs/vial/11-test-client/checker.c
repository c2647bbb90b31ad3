/* checker.c -- lab 11's hidden tests: random raw requests (good and malformed) through
 * vial_app_handle_raw, random responses through vial_parse_response, and the test
 * client's headers and cookie jar, all compared byte for byte with the reference; then
 * real sockets: a slow client dropped after the timeout while others are served, two
 * blocking views served at once by a thread pool (one after the other without one),
 * vial_run stopped by SIGINT and SIGTERM, ended by another signal's default action, and
 * failing on a port in use. Run as `checker SEED`. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "vial.h"
#include "tap.h"
#include "wire.h"

/* The driver's views and frames (ops.h), run here on the reference vial. */
#include "ops.h"

static struct wire_peer peer;
static struct wire_rng rng;
static vial_app *ref_app;
static vial_client *ref_client;
static const char alnum[] = "abcdefghijklmnopqrstuvwxyz0123456789";

static void rand_word(char *out, size_t lo, size_t hi)
{
    wire_rng_word(&rng, out, alnum, sizeof alnum - 1, lo, hi);
}

/* Calls the driver. Returns the answer (caller frees) or NULL when it is gone. */
static char *call(const char *name, const void *d, size_t n, size_t *alen)
{
    char *ans = NULL;
    size_t len = 0;
    if (wire_call(&peer, name, d, n, &ans, &len) < 0)
        return NULL;
    if (alen != NULL)
        *alen = len;
    return ans;
}

/* Records one test from a comparison: rc 1 equal, 0 different, -1 program gone. */
static void record(const char *test, int rc, const char *got, const char *want, const char *input)
{
    if (rc < 0) {
        WIRE_FAIL_DEAD(test);
        return;
    }
    if (rc == 0) {
        if (input != NULL)
            tap_attach("input", input);
        tap_fail_with(__FILE__, __LINE__, "differs from the reference", got, want, "%s", test);
    } else {
        tap_ok(__FILE__, __LINE__, 1, "%s", test);
    }
}

/* Runs frame `name` with in[0..len) on both sides; escaped texts into *got and *want. */
static int both(const char *name, const char *in, size_t len, char **got, char **want)
{
    struct wire_buf w = {0}, ge = {0}, we = {0};
    size_t glen = 0;
    wire_buf_add(&w, "", 0);
    if (strcmp(name, "raw") == 0) {
        size_t n = 0;
        char *raw = vial_app_handle_raw(ref_app, in, len, &n);
        wire_buf_add(&w, raw, n);
        free(raw);
    } else if (strcmp(name, "parse") == 0) {
        frame_parse(&w, in, len);
    } else {
        char *copy = malloc(len + 1);
        memcpy(copy, in, len);
        copy[len] = '\0';
        frame_client(&w, &ref_client, ref_app, copy, len);
        free(copy);
    }
    char *g = call(name, in, len, &glen);
    wire_buf_add(&ge, "", 0);
    wire_buf_add(&we, "", 0);
    if (g != NULL)
        wire_buf_escaped(&ge, g, glen, 1);
    wire_buf_escaped(&we, w.data, w.len, 1);
    int rc = g == NULL ? -1 : glen == w.len && memcmp(g, w.data, glen) == 0;
    free(g);
    wire_buf_free(&w);
    *got = ge.data;
    *want = we.data;
    return rc;
}

/* Runs the cases made by make(i, buf) through frame `name` until one differs. */
static void series(const char *test, const char *name, int count,
                   void (*make)(int i, struct wire_buf *in))
{
    char *got = NULL, *want = NULL;
    struct wire_buf in = {0}, shown = {0};
    int rc = 1;
    for (int i = 0; i < count && rc == 1; i++) {
        free(got);
        free(want);
        in.len = 0;
        wire_buf_add(&in, "", 0);
        make(i, &in);
        rc = both(name, in.data, in.len, &got, &want);
    }
    wire_buf_escaped(&shown, in.data, in.len, 1);
    record(test, rc, got, want, shown.data);
    free(got);
    free(want);
    wire_buf_free(&in);
    wire_buf_free(&shown);
}

/* ---- handle_raw -------------------------------------------------------------------- */

static void make_request(int i, struct wire_buf *b)
{
    static const char *const methods[] = {"GET", "POST", "PUT", "DELETE", "PATCH"};
    char w[3][16], line[512];
    rand_word(w[0], 1, 6);
    rand_word(w[1], 0, 8);
    rand_word(w[2], 1, 12);
    const char *m = methods[wire_rng_below(&rng, 5)];
    const char *path = i % 5 == 4 ? "/nowhere" : i % 7 == 6 ? "/hello" : "/echo";
    snprintf(line, sizeof line, "%s %s?%s=%s&flag&%s=%%41+b HTTP/1.%d\r\nHost: lab11\r\n", m, path,
             w[0], w[1], w[0], (int)wire_rng_below(&rng, 2));
    wire_buf_str(b, line);
    snprintf(line, sizeof line, "X-%s:  %s \r\nCookie: %s=%s; theme=dark\r\n", w[0], w[2], w[0], w[1]);
    wire_buf_str(b, line);
    if (strcmp(m, "GET") != 0) {
        snprintf(line, sizeof line, "Content-Length: %zu\r\n\r\n%s=%s", strlen(w[0]) + strlen(w[2]) + 1,
                 w[0], w[2]);
        wire_buf_str(b, line);
    } else {
        wire_buf_str(b, "\r\n");
    }
}

static void make_bad_request(int i, struct wire_buf *b)
{
    static const char *const bad[] = {
        "GET /echo HTTP/1.1\r\nHost: x\r\n\r\n", /* a good one first */
        "GET /echo HTTP/2.0\r\n\r\n", "get /echo HTTP/1.1\r\n\r\n", "GET echo HTTP/1.1\r\n\r\n",
        "GET /e%zzcho HTTP/1.1\r\n\r\n", "GET /echo HTTP/1.1\r\nHost: x\r\nNo colon\r\n\r\n",
        "GET /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nab",
        "GET /echo HTTP/1.1\r\n", "HEAD /echo HTTP/1.1\r\nHost: x\r\n\r\n",
        "OPTIONS /echo HTTP/1.1\r\nHost: x\r\n\r\n", "GET /hello HTTP/1.0\r\n\r\n",
        "DELETE /hello HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /echo HTTP/1.1\r\nAccept: */*\r\n\r\n",                      /* no Host */
        "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        "1\r\na\r\n0\r\n\r\n",
    };
    size_t nbad = sizeof bad / sizeof bad[0];
    if ((size_t)i < nbad) {
        wire_buf_str(b, bad[i]);
        return;
    }
    /* a target one byte too long (414), then too many headers (431) */
    wire_buf_str(b, "GET /");
    for (int k = 0; i == (int)nbad && k < VIAL_MAX_TARGET; k++)
        wire_buf_str(b, "a");
    wire_buf_str(b, " HTTP/1.1\r\nHost: x\r\n");
    for (int k = 0; i > (int)nbad && k < VIAL_MAX_HEADERS; k++)
        wire_buf_str(b, "X-A: 1\r\n");
    wire_buf_str(b, "\r\n");
}

/* ---- parse_response ------------------------------------------------------------------ */

/* A random response serialized by the reference; `cut` mangles it (0: as is). */
static void make_response_bytes(struct wire_buf *b, int cut)
{
    vial_response res;
    char name[16], value[24];
    size_t n = 0;
    vial_response_init(&res);
    int st = (int)(100 + wire_rng_below(&rng, 500));
    vial_response_set_status(&res, st == 204 || st == 304 || st < 200 ? 200 : st);
    for (int k = (int)wire_rng_below(&rng, 5); k > 0; k--) {
        rand_word(name, 1, 10);
        rand_word(value, 0, 20);
        vial_response_add_header(&res, name, value);
    }
    vial_response_add_header(&res, "Set-Cookie", "a=1; Path=/");
    for (int k = (int)wire_rng_below(&rng, 60); k > 0; k--) {
        char c = (char)wire_rng_below(&rng, 256);
        vial_response_append(&res, &c, 1);
    }
    char *s = vial_response_serialize(&res, 1, &n);
    char *head_end = strstr(s, "\r\n\r\n");
    size_t head = (size_t)(head_end - s) + 4;
    switch (cut) {
    case 1: wire_buf_add(b, s, head - 2); break;                 /* no empty line */
    case 2: if (n > head) wire_buf_add(b, s, n - 1);             /* body cut short */
            else wire_buf_add(b, "HTTP/1.1 200 OK\nA: b\r\n\r\n", 24);
            break;
    case 3: wire_buf_add(b, s, 9); wire_buf_str(b, "2x0"); wire_buf_add(b, s + 12, n - 12); break;
    case 4: wire_buf_str(b, "HTTP/2 200 OK\r\n\r\n"); break;
    case 5: wire_buf_add(b, s, head - 2); wire_buf_str(b, "no colon\r\n\r\n"); break;
    case 6: wire_buf_add(b, s, n); wire_buf_str(b, "HTTP/1.1 200 OK\r\n"); break; /* extra */
    case 7: wire_buf_add(b, s, head); break;                     /* head only: HEAD answer */
    case 8: wire_buf_add(b, s, n); b->data[b->len - n + 12] = 'X'; break; /* "200XOK" */
    case 9: wire_buf_add(b, s, head - 2); wire_buf_str(b, "Bad name: x\r\n\r\n"); break;
    case 10: wire_buf_add(b, s, head - 2); wire_buf_add(b, "X\0Y: z\r\n\r\n", 10); break;
    case 11: wire_buf_str(b, "HTTP/1.1 599 Odd\r\nA: b\r\n\r\n"); break;  /* the last status */
    case 12: break;                                              /* nothing: a NULL buf */
    default: wire_buf_add(b, s, n); break;
    }
    free(s);
    vial_response_free(&res);
}

static void make_response(int i, struct wire_buf *b)
{
    make_response_bytes(b, i % 3 == 2 ? 7 : i % 3 == 1 ? 6 : 0);
}

static void make_bad_response(int i, struct wire_buf *b)
{
    static const int cuts[] = {1, 2, 3, 4, 5, 8, 9, 10, 11, 12};
    make_response_bytes(b, i % 2 == 0 ? 0 : cuts[(i / 2) % 10]);
}

/* ---- the test client ----------------------------------------------------------------- */

/* Client scripts: fields separated by NULs, one step per string with '|' for NUL. */
static void make_client_step(int i, struct wire_buf *b, const char *const *steps)
{
    for (const char *p = steps[i]; *p; p++)
        wire_buf_add(b, *p == '|' ? "" : p, 1);
}

static const char *const *client_script;

static void make_client(int i, struct wire_buf *b)
{
    make_client_step(i, b, client_script);
}

static int count(const char *const *steps)
{
    int n = 0;
    while (steps[n] != NULL)
        n++;
    return n;
}

static void test_client(void)
{
    char w[4][16], s[8][160];
    for (int i = 0; i < 4; i++)
        rand_word(w[i], 1, 10);
    snprintf(s[0], sizeof s[0], "get|/echo?%s=%s", w[0], w[1]);
    snprintf(s[1], sizeof s[1], "post|/echo|application/x-www-form-urlencoded|%s=%s", w[2], w[3]);
    snprintf(s[2], sizeof s[2], "open|PUT|/echo?x|X-%s|%s|%s", w[0], w[1], w[2]);
    snprintf(s[3], sizeof s[3], "open|DELETE|/echo|Host|example.org|");
    snprintf(s[6], sizeof s[6], "open|GET|/echo|X-%s|%s||host|example.net", w[1], w[2]);
    const char *headers[] = {"new", s[0], s[1], s[2], s[3], "open|HEAD|/hello|||", s[6],
                             "open||/echo|||", "get|/missing", NULL};
    client_script = headers;
    series("the test client sends Host, Content-Type and Content-Length, and parses the answer",
           "client", count(headers), make_client);
    snprintf(s[4], sizeof s[4], "get|/cookie?%s=%s&b=2", w[0], w[1]);
    snprintf(s[5], sizeof s[5], "get|/cookie?%s=", w[0]);
    const char *jar[] = {"new", s[4], "get|/echo", "get|/cookie?b=3", "get|/echo", s[5],
                         "get|/echo", "new", "get|/echo", NULL};
    client_script = jar;
    series("the test client keeps cookies between requests; Max-Age=0 removes one", "client",
           count(jar), make_client);
}

/* ---- real sockets ----------------------------------------------------------------------- */

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* A connected socket to 127.0.0.1:port, or -1. */
static int connect_to(int port)
{
    struct sockaddr_in sa = {0};
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Reads until EOF or the deadline (seconds from now). Returns 1 on EOF, 0 on time-out. */
static int read_all(int fd, struct wire_buf *b, double secs)
{
    double end = now_s() + secs;
    char buf[4096];
    for (;;) {
        int left = (int)((end - now_s()) * 1000);
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        if (left <= 0)
            return 0;
        int r = poll(&pfd, 1, left);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return 0;
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return 1;
        wire_buf_add(b, buf, (size_t)n);
    }
}

/* GET path with Connection: close; the answer into b. Returns 1 when it ended in time. */
static int http_get(int port, const char *path, struct wire_buf *b)
{
    char req[256];
    int fd = connect_to(port);
    if (fd < 0)
        return 0;
    snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: lab11\r\nConnection: close\r\n\r\n", path);
    int done = wire_write_all(fd, req, strlen(req)) == 0 && read_all(fd, b, 8);
    close(fd);
    return done;
}

/* Starts the driver's server; returns its port or -1. */
static int serve(const char *opts)
{
    char *ans = call("serve", opts, strlen(opts), NULL);
    int port = ans ? (int)strtol(ans, NULL, 10) : -1;
    free(ans);
    return port;
}

static void stop(void)
{
    free(call("stop", "", 0, NULL));
}

static void test_timeout(void)
{
    static const char *const test = "a slow client is dropped after timeout_sec while others are served";
    struct wire_buf b = {0};
    char got[200];
    int port = serve("1 1");
    if (peer.dead) {
        WIRE_FAIL_DEAD(test);
        return;
    }
    int slow = port > 0 ? connect_to(port) : -1;
    double t0 = now_s();
    int sent = slow >= 0 && wire_write_all(slow, "GET /hello HTTP/1.1\r\nHost: sl", 29) == 0;
    int served = port > 0 && http_get(port, "/hello", &b) && b.data && strstr(b.data, "hello");
    wire_buf_free(&b);
    int dropped = sent && read_all(slow, &b, 8);
    double took = now_s() - t0;
    snprintf(got, sizeof got, "port %d; another client %s; the slow one %s after %.1f s", port,
             served ? "served" : "NOT served", dropped ? "dropped" : "still connected", took);
    if (served && dropped && took < 8)
        tap_ok(__FILE__, __LINE__, 1, "%s", test);
    else
        tap_fail_with(__FILE__, __LINE__, "the slow connection was not handled", got,
                      "served; dropped after about 1 s (timeout_sec 1)", "%s", test);
    if (slow >= 0)
        close(slow);
    wire_buf_free(&b);
    stop();
}

/* Serves with opts ("TIMEOUT THREADS"), sends GET /wait, waits (up to 5 s) until that
 * view is running, sends a second GET /wait; both answers into b[0..1]. Returns the
 * port, or -2 when the driver is gone. */
static int pool_run(const char *opts, struct wire_buf *b)
{
    const char *req = "GET /wait HTTP/1.1\r\nHost: lab11\r\nConnection: close\r\n\r\n";
    int port = serve(opts);
    if (peer.dead)
        return -2;
    int fd[2] = {port > 0 ? connect_to(port) : -1, -1};
    if (fd[0] >= 0)
        wire_write_all(fd[0], req, strlen(req));
    for (double end = now_s() + 5; fd[0] >= 0 && now_s() < end;) {
        char *n = call("arrived", "", 0, NULL);
        int in = n ? (int)strtol(n, NULL, 10) : -1;
        free(n);
        if (in != 0)
            break;
        poll(NULL, 0, 10);
    }
    fd[1] = port > 0 ? connect_to(port) : -1;
    if (fd[1] >= 0)
        wire_write_all(fd[1], req, strlen(req));
    for (int i = 0; i < 2; i++)
        if (fd[i] >= 0) {
            read_all(fd[i], &b[i], 8);
            close(fd[i]);
        }
    stop();
    return port;
}

/* The body of an answer in b, or what stands for it. */
static const char *body_of(const struct wire_buf *b)
{
    if (b->data == NULL)
        return "no answer";
    return strstr(b->data, "\r\n\r\n") ? strstr(b->data, "\r\n\r\n") + 4 : b->data;
}

/* threads = 4: the two /wait views meet ("together" twice); threads = 0 or 1: one
 * polling thread, so the second request is taken only once the first view gave up
 * ("alone", then "together"). One test. */
static void test_pool(void)
{
    static const char *const test = "with threads = 4 two blocking views run at the same time; "
                                    "with threads = 0 or 1 one after the other";
    struct wire_buf b[4] = {{0}, {0}, {0}, {0}};
    char got[400], one[16];
    int threads = (int)wire_rng_below(&rng, 2);
    snprintf(one, sizeof one, "5 %d", threads);
    int port = pool_run("5 4", b), port1 = port == -2 ? -2 : pool_run(one, b + 2);
    if (port == -2 || port1 == -2) {
        WIRE_FAIL_DEAD(test);
    } else {
        int pool = strcmp(body_of(&b[0]), "together") == 0
                   && strcmp(body_of(&b[1]), "together") == 0;
        int single = strcmp(body_of(&b[2]), "alone") == 0
                     && strcmp(body_of(&b[3]), "together") == 0;
        snprintf(got, sizeof got, "threads 4 (port %d): %.60s, %.60s; threads %d (port %d): "
                 "%.60s, %.60s", port, body_of(&b[0]), body_of(&b[1]), threads, port1,
                 body_of(&b[2]), body_of(&b[3]));
        if (pool && single)
            tap_ok(__FILE__, __LINE__, 1, "%s", test);
        else
            tap_fail_with(__FILE__, __LINE__, pool ? "with one thread the views did not run "
                          "one after the other" : "the views did not run side by side", got,
                          "threads 4: together, together; threads 0 or 1: alone, together",
                          "%s", test);
    }
    for (int i = 0; i < 4; i++)
        wire_buf_free(&b[i]);
}

/* vial_run in a child, a request, then sig: one test. The child must end as `want`
 * says ("exited with status 0" for SIGINT and SIGTERM; another signal keeps its
 * default action: "killed by signal N"). */
static void test_run(int sig, const char *want_end, const char *test)
{
    struct wire_buf b = {0};
    char want[160], got[600], num[8];
    char *ans = call("run", "", 0, NULL);
    if (ans == NULL) {
        WIRE_FAIL_DEAD(test);
        return;
    }
    int port = (int)strtol(ans, NULL, 10);
    const char *line = strchr(ans, '\n') ? strchr(ans, '\n') + 1 : "";
    snprintf(want, sizeof want, "serving on http://127.0.0.1:%d/", port);
    int printed = strcmp(line, want) == 0;
    int served = printed && http_get(port, "/hello", &b) && b.data && strstr(b.data, "\r\n\r\nhello");
    snprintf(num, sizeof num, "%d", sig);
    char *end = call("signal", num, strlen(num), NULL);
    int fd = connect_to(port);
    int closed = fd < 0;
    if (fd >= 0)
        close(fd);
    snprintf(got, sizeof got, "stderr: \"%.150s\"; GET /hello %s; after signal %d: %.100s; port %s",
             line, served ? "answered" : "not answered", sig, end ? end : "(no answer)",
             closed ? "closed" : "still open");
    snprintf(want, sizeof want, "the line, an answer, %s and a closed port", want_end);
    if (printed && served && end && strcmp(end, want_end) == 0 && closed)
        tap_ok(__FILE__, __LINE__, 1, "%s", test);
    else
        tap_fail_with(__FILE__, __LINE__, "vial_run did not serve and stop cleanly", got,
                      want, "%s", test);
    free(ans);
    free(end);
    wire_buf_free(&b);
}

/* vial_run on a port a listening socket holds: "vial: CAUSE" and -1 (the child's
 * status 1). One test. */
static void test_run_busy(void)
{
    static const char *const test = "vial_run on a port already in use prints \"vial: CAUSE\" "
                                    "and returns -1";
    char got[400];
    char *ans = call("run", "busy", 4, NULL);
    if (ans == NULL) {
        WIRE_FAIL_DEAD(test);
        return;
    }
    char *line = strchr(ans, '\n') ? strchr(ans, '\n') + 1 : ans + strlen(ans);
    char *end = strchr(line, '\n');
    if (end != NULL)
        *end++ = '\0';                  /* "PORT\nLINE\nEND": line and end apart */
    else
        end = "(nothing)";
    int printed = strncmp(line, "vial: ", 6) == 0 && line[6] != '\0';
    snprintf(got, sizeof got, "stderr: \"%.150s\"; %.100s", line, end);
    if (printed && strcmp(end, "exited with status 1") == 0)
        tap_ok(__FILE__, __LINE__, 1, "%s", test);
    else
        tap_fail_with(__FILE__, __LINE__, "vial_run did not fail as it should", got,
                      "stderr: \"vial: CAUSE\"; exited with status 1 (vial_run returned -1)",
                      "%s", test);
    free(ans);
}

int main(int argc, char **argv)
{
    uint64_t seed = wire_seed_arg(argc, argv);
    wire_rng_seed(&rng, seed);
    wire_peer_init(&peer, 15000);
    ref_app = lab11_app();
    tap_plan(12);
    series("vial_app_handle_raw answers random requests byte for byte like the reference", "raw",
           24, make_request);
    series("vial_app_handle_raw: bad requests get their 4xx/5xx, HEAD no body, 404, 405", "raw",
           16, make_bad_request);
    series("vial_parse_response reads random responses (extra bytes, HEAD answers)", "parse",
           24, make_response);
    series("vial_parse_response refuses broken responses and reads the unbroken ones", "parse",
           20, make_bad_response);
    test_client();
    test_timeout();
    test_pool();
    test_run(SIGINT, "exited with status 0",
             "vial_run prints where it serves, serves, and exits 0 on SIGINT");
    test_run(SIGTERM, "exited with status 0", "vial_run stops cleanly on SIGTERM too");
    static const int other[] = {SIGHUP, SIGUSR1, SIGUSR2};
    int sig = other[wire_rng_below(&rng, 3)];
    char end[64], name[160];
    snprintf(end, sizeof end, "killed by signal %d", sig);
    snprintf(name, sizeof name, "vial_run waits for SIGINT and SIGTERM only: signal %d keeps "
             "its default action (the program ends by it)", sig);
    test_run(sig, end, name);
    test_run_busy();
    vial_client_free(ref_client);
    vial_app_free(ref_app);
    return wire_finish(&peer);
}
