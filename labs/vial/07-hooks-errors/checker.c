/* checker.c -- lab 07's hidden tests: builds random apps with before-request,
 * after-request and teardown hooks, error handlers and views that answer, abort, return
 * a status or fail; sends each the same requests in the learner's vial (through the
 * driver) and in the reference here, and compares what ran, in which order, and every
 * byte of each response. Run as `checker SEED`. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vial.h"
#include "tap.h"
#include "wire.h"

/* The reference side runs the driver's own code (ops.h): the reference runs it here,
 * the learner's vial runs it in the subject. */
#include "ops.h"

/* ---- the checker's own part ------------------------------------------------------------ */

static struct wire_rng rng;
static struct wire_peer peer;

static const int statuses[] = {400, 401, 403, 404, 409, 410, 418, 422, 429, 451,
                               500, 501, 502, 503};

static int rand_status(void)
{
    return statuses[wire_rng_below(&rng, sizeof statuses / sizeof statuses[0])];
}

static int rand_in(int lo, int hi)
{
    return lo + (int)wire_rng_below(&rng, (uint64_t)(hi - lo + 1));
}

/* A path "/xxxx" (distinct first letters keep routes apart). */
static void rand_path(char *out, size_t cap, char first)
{
    static const char letters[] = "abcdefghijklmnopqrstuvwxyz";
    size_t n = (size_t)rand_in(2, 7);
    if (cap < n + 3)
        return;
    out[0] = '/';
    out[1] = first;
    for (size_t i = 0; i < n; i++)
        out[2 + i] = letters[wire_rng_below(&rng, 26)];
    out[2 + n] = '\0';
}

static void add(struct wire_buf *spec, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void add(struct wire_buf *spec, const char *fmt, ...)
{
    char line[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    wire_buf_str(spec, line);
    wire_buf_str(spec, "\n");
}

/* Runs the case on both sides and records one test. Frees spec. */
static void check(const char *test, struct wire_buf *spec)
{
    char *got = NULL;
    size_t glen = 0;
    if (peer.dead || wire_call(&peer, "case", spec->data, spec->len, &got, &glen) < 0) {
        WIRE_FAIL_DEAD(test);
    } else {
        char *mine = malloc(spec->len + 1);
        char *want = NULL;
        if (mine != NULL) {
            memcpy(mine, spec->data, spec->len + 1);
            want = run_case(mine);
        }
        if (want != NULL && strcmp(got, want) == 0) {
            tap_ok(__FILE__, __LINE__, 1, "%s", test);
        } else {
            tap_attach("app", spec->data);
            tap_fail_with(__FILE__, __LINE__, "your vial's answer differs from the expected one",
                          got, want ? want : "", "%s", test);
        }
        free(mine);
        free(want);
    }
    free(got);
    wire_buf_free(spec);
}

/* ---- the cases ------------------------------------------------------------------------------ */

static void t_before(void)
{
    struct wire_buf s = {0};
    char p[32], q[32];
    rand_path(p, sizeof p, 'a');
    int n = rand_in(2, 4);
    for (int i = 0; i < n; i++)
        add(&s, "before pass");
    add(&s, "route GET %s ok", p);
    add(&s, "request GET %s", p);
    check("before-request hooks run in registration order, before the view", &s);

    rand_path(p, sizeof p, 'b');
    rand_path(q, sizeof q, 'c');
    static const int answers[] = {200, 201, 202, 204, 301, 302, 303, 307, 308};
    int st = answers[wire_rng_below(&rng, sizeof answers / sizeof answers[0])];
    add(&s, "before pass");
    add(&s, "before answer %d", st);
    add(&s, "before pass");
    add(&s, "after header");
    add(&s, "teardown");
    add(&s, "route GET %s ok", p);
    add(&s, "route GET %s abort %d", q, rand_status());
    add(&s, "request GET %s", p);
    add(&s, "request GET %s", q);
    check("a before-request hook returning 200..399 is the answer: the view and later before hooks are skipped", &s);

    rand_path(p, sizeof p, 'd');
    st = rand_status();
    add(&s, "before pass");
    add(&s, "before abort %d", st);
    add(&s, "before pass");
    add(&s, "error %d page", st);
    add(&s, "teardown");
    add(&s, "route GET,POST %s ok", p);
    add(&s, "request %s %s", wire_rng_below(&rng, 2) ? "GET" : "POST", p);
    check("a before-request hook returning 400..599 aborts, through the error handler", &s);

    rand_path(p, sizeof p, 'e');
    add(&s, "before bad");
    add(&s, "after header");
    add(&s, "route GET %s ok", p);
    add(&s, "request GET %s", p);
    check("a before-request hook returning any other value gives a plain 500", &s);
}

static void t_after(void)
{
    static const char *const acts[] = {"header", "body"};
    struct wire_buf s = {0};
    char p[32], q[32];
    rand_path(p, sizeof p, 'f');
    int n = rand_in(2, 4);
    for (int i = 0; i < n; i++)
        add(&s, "after %s", acts[wire_rng_below(&rng, 2)]);
    add(&s, "after body");
    add(&s, "route GET %s ok", p);
    add(&s, "request GET %s", p);
    check("after-request hooks run in reverse order of registration and can change the response", &s);

    rand_path(p, sizeof p, 'g');
    int st = rand_status();
    add(&s, "after header");
    add(&s, "after body");
    add(&s, "route GET %s abort %d", p, st);
    add(&s, "request GET %s", p);
    add(&s, "request GET %s/missing", p);
    check("after-request hooks also run on error responses", &s);

    rand_path(p, sizeof p, 'h');
    st = rand_status();
    add(&s, "after header");
    add(&s, "after fail %d", st);
    add(&s, "after header");
    add(&s, "teardown");
    if (wire_rng_below(&rng, 2))
        add(&s, "error %d page", st);
    add(&s, "route GET %s ok", p);
    add(&s, "request GET %s", p);
    rand_path(q, sizeof q, 'i');
    add(&s, "request GET %s", q);
    check("an after-request hook returning an error status replaces the response; the rest are skipped", &s);

    static const int odd[] = {42, 200, 302, 399, 600, 1000, -1};
    rand_path(p, sizeof p, 'w');
    add(&s, "after header");
    add(&s, "after fail %d", odd[wire_rng_below(&rng, sizeof odd / sizeof odd[0])]);
    add(&s, "after body");
    if (wire_rng_below(&rng, 2))
        add(&s, "error 500 page");
    add(&s, "route GET %s ok", p);
    add(&s, "request GET %s", p);
    add(&s, "errresp %d", odd[wire_rng_below(&rng, sizeof odd / sizeof odd[0])]);
    add(&s, "errresp %d", rand_status());
    check("a status outside 400..599 from an after hook or given to vial_error_response is 500", &s);
}

static void t_teardown(void)
{
    struct wire_buf s = {0};
    char p[32], q[32], r[32];
    rand_path(p, sizeof p, 'j');
    rand_path(q, sizeof q, 'k');
    rand_path(r, sizeof r, 'l');
    int n = rand_in(2, 4);
    for (int i = 0; i < n; i++)
        add(&s, "teardown");
    add(&s, "before pass");
    add(&s, "route GET %s ok", p);
    add(&s, "route GET %s fail", q);
    add(&s, "route GET %s return %d", r, rand_status());
    add(&s, "request GET %s", p);
    add(&s, "request GET %s", q);
    add(&s, "request GET %s", r);
    add(&s, "request GET %s/nothing/here", p);
    add(&s, "request DELETE %s", p);
    check("teardown hooks always run, in reverse order, after errors too", &s);

    rand_path(p, sizeof p, 'm');
    add(&s, "before pass");
    add(&s, "before g");
    add(&s, "teardown");
    add(&s, "teardown");
    add(&s, "route GET %s ok", p);
    add(&s, "route GET %s/x abort %d", p, rand_status());
    add(&s, "request GET %s", p);
    add(&s, "request GET %s/x", p);
    check("req->g set by a before-request hook reaches the view and is freed in teardown", &s);
}

static void t_errors(void)
{
    struct wire_buf s = {0};
    char p[32], q[32];
    int st = rand_status(), st2 = rand_status();
    rand_path(p, sizeof p, 'n');
    rand_path(q, sizeof q, 'o');
    add(&s, "error %d page", st);
    add(&s, "route GET %s abort %d", p, st);
    add(&s, "route GET %s abort %d", q, st2 == st ? 400 + (st + 1) % 100 : st2);
    add(&s, "request GET %s", p);
    add(&s, "request GET %s", q);
    check("vial_abort in a view leads to the handler of that status (others stay plain)", &s);

    rand_path(p, sizeof p, 'p');
    st = rand_status();
    add(&s, "error %d page", st);
    add(&s, "route GET %s return %d", p, st);
    add(&s, "request GET %s", p);
    check("a handler starts from an empty response with the status set", &s);

    rand_path(p, sizeof p, 'q');
    rand_path(q, sizeof q, 'r');
    add(&s, "error 500 page");
    add(&s, "route GET %s fail", p);
    add(&s, "route GET %s weird", q);
    add(&s, "request GET %s", p);
    add(&s, "request GET %s", q);
    check("a failing view gives 500 through the 500 handler, without its internals", &s);

    rand_path(p, sizeof p, 's');
    st = rand_status();
    add(&s, "error %d fail", st);
    add(&s, "error 500 fail");
    add(&s, "route GET %s abort %d", p, st);
    add(&s, "route GET %s/boom fail", p);
    add(&s, "request GET %s", p);
    add(&s, "request GET %s/boom", p);
    check("a failing error handler falls back to the plain error response", &s);

    rand_path(p, sizeof p, 't');
    add(&s, "error 404 page");
    add(&s, "error 405 page");
    add(&s, "route GET %s ok", p);
    add(&s, "request GET %s/%s", p, "nope");
    add(&s, "request %s %s", wire_rng_below(&rng, 2) ? "PUT" : "DELETE", p);
    check("404 and 405 go through their handlers and 405 keeps its Allow header", &s);

    rand_path(p, sizeof p, 'u');
    st = rand_status();
    add(&s, "error %d fail", st);
    add(&s, "error %d page", st);
    add(&s, "route GET %s return %d", p, st);
    add(&s, "request GET %s", p);
    check("registering a handler again for a status replaces the first", &s);

    rand_path(p, sizeof p, 'v');
    add(&s, "nulls");
    add(&s, "before pass");
    add(&s, "error 400 page");                  /* both ends of 400..599 are taken */
    add(&s, "error 599 page");
    add(&s, "route GET %s ok", p);
    add(&s, "route GET %s/bad abort 400", p);
    add(&s, "route GET %s/odd abort 599", p);
    add(&s, "request GET %s", p);
    add(&s, "request GET %s/bad", p);
    add(&s, "request GET %s/odd", p);
    check("registering refuses NULL hooks and handlers for statuses outside 400..599 (400 and 599 are in)", &s);
}

int main(int argc, char **argv)
{
    uint64_t seed = wire_seed_arg(argc, argv);
    wire_rng_seed(&rng, seed);
    wire_peer_init(&peer, 5000);
    tap_plan(17);
    t_before();
    t_after();
    t_teardown();
    t_errors();
    return wire_finish(&peer);
}
