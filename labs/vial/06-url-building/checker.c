/* checker.c -- lab 06's hidden tests: registers random rules with every converter in
 * the learner's app (through the driver) and in the reference app here, then runs the
 * same random operations on both and compares the texts: percent-encoding, url_for with
 * converters (typed and untyped) and query arguments, invalid values (a uuid with a
 * non-hex byte, a NULL endpoint), URLs that route back to their
 * endpoint, redirects (statuses, refused targets, escaping) and a view that redirects
 * through the dispatcher. Run as `checker SEED`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vial.h"
#include "tap.h"
#include "wire.h"

/* The reference side runs the driver's own views and operations (ops.h): the
 * reference runs them here, the learner's vial runs them in the subject. */
#include "ops.h"

/* ---- random inputs -------------------------------------------------------------------- */

static struct wire_rng rng;

static const char alnum[] = "abcdefghijklmnopqrstuvwxyz0123456789";
/* Pieces of a segment value: plain bytes, reserved ones, UTF-8, spaces. */
static const char *const seg_pieces[] = {
    "a", "b", "z", "Q", "7", "-", ".", "_", "~", " ", "%", "?", "#", "&", "=", "+", ":",
    "@", "!", "$", "'", "(", ")", "*", ",", ";", "[", "]", "<", ">", "\"", "\\", "^",
    "\xc3\xa9", "\xe6\x97\xa5", "%2F", "..",
};

static void rand_word(char *out, size_t lo, size_t hi)
{
    wire_rng_word(&rng, out, alnum, 26, lo, hi);
}

/* A value for a string converter: 1..8 random pieces, never '/'. */
static void rand_seg(char *out, size_t cap)
{
    size_t n = 1 + (size_t)wire_rng_below(&rng, 8), used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        const char *p = seg_pieces[wire_rng_below(&rng, sizeof seg_pieces / sizeof seg_pieces[0])];
        if (used + strlen(p) + 1 > cap)
            break;
        memcpy(out + used, p, strlen(p) + 1);
        used += strlen(p);
    }
}

static void rand_digits(char *out, size_t lo, size_t hi)
{
    size_t n = lo + (size_t)wire_rng_below(&rng, hi - lo + 1);
    for (size_t i = 0; i < n; i++)
        out[i] = (char)('0' + wire_rng_below(&rng, 10));
    out[n] = '\0';
}

static void rand_float(char *out, size_t cap)
{
    char a[12], b[8];
    rand_digits(a, 1, 6);
    rand_digits(b, 1, 4);
    snprintf(out, cap, "%s.%s", a, b);
}

static void rand_uuid(char *out)
{
    static const char hex[] = "0123456789abcdefABCDEF";
    for (int i = 0; i < 36; i++)
        out[i] = (i == 8 || i == 13 || i == 18 || i == 23) ? '-' : hex[wire_rng_below(&rng, 22)];
    out[36] = '\0';
}

/* 2..4 segments joined by '/'. */
static void rand_path(char *out, size_t cap)
{
    size_t n = 2 + (size_t)wire_rng_below(&rng, 3), used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n && used + 40 < cap; i++) {
        char seg[40];
        rand_seg(seg, sizeof seg);
        used += (size_t)snprintf(out + used, cap - used, "%s%s", i ? "/" : "", seg);
    }
}

/* Random bytes 1..255 for the encoder, with some '/' when slashes matter. */
static void rand_bytes(char *out, size_t n, int slashes)
{
    for (size_t i = 0; i < n; i++) {
        out[i] = (char)(1 + wire_rng_below(&rng, 255));
        if (slashes && wire_rng_below(&rng, 4) == 0)
            out[i] = '/';
    }
    out[n] = '\0';
}

/* ---- the app and its rules ------------------------------------------------------------- */

enum { R_HOME, R_SHOW, R_EDIT, R_PRICE, R_ITEM, R_FILES, R_PAIR, R_MIX, R_GO, NRULES };

struct rule {
    char methods[16], rule[96], endpoint[32];
};

static struct rule rules[NRULES];

static void make_rules(void)
{
    static const char *const shapes[NRULES] = {
        "/%s", "/%s/<int:id>", "/%s/<name>/edit", "/%s/<float:x>", "/%s/<uuid:u>",
        "/%s/<path:p>", "/%s/<int:a>/<string:b>", "/%s/<int:n>/<tag>", "/go",
    };
    static const char *const names[NRULES] = {
        "home", "show", "edit", "price", "item", "files", "pair", "mix", "go",
    };
    for (int i = 0; i < NRULES; i++) {
        char w[12], e[8];
        rand_word(w, 3, 8);
        rand_word(e, 2, 5);
        w[0] = (char)('a' + i);                 /* distinct first segments */
        snprintf(rules[i].methods, sizeof rules[i].methods, "%s", i == R_EDIT ? "GET,POST" : "GET");
        snprintf(rules[i].rule, sizeof rules[i].rule, shapes[i], w);
        snprintf(rules[i].endpoint, sizeof rules[i].endpoint, i == R_GO ? "%s" : "%s_%s",
                 names[i], e);
    }
}

/* ---- building operations ---------------------------------------------------------------- */

static void op(struct wire_buf *ops, const char *name, const char *data, size_t len)
{
    wire_buf_frame(ops, name, data, len);
}

/* Appends a url/trip operation: endpoint, then (name, value) pairs; value NULL is a flag. */
static void op_urlv(struct wire_buf *ops, const char *kind, const char *endpoint,
                    const char *const *kv, size_t n)
{
    struct wire_buf p = {0};
    wire_buf_add(&p, endpoint, strlen(endpoint) + 1);
    for (size_t i = 0; i < n; i++) {
        wire_buf_add(&p, kv[2 * i], strlen(kv[2 * i]) + 1);
        if (kv[2 * i + 1] == NULL)
            wire_buf_add(&p, "!", 2);
        else {
            wire_buf_str(&p, "=");
            wire_buf_add(&p, kv[2 * i + 1], strlen(kv[2 * i + 1]) + 1);
        }
    }
    op(ops, kind, p.data, p.len);
    wire_buf_free(&p);
}

static void op_enc(struct wire_buf *ops, int keep_slash, const char *text)
{
    struct wire_buf p = {0};
    wire_buf_str(&p, keep_slash ? "1" : "0");
    wire_buf_str(&p, text);
    op(ops, "enc", p.data, p.len);
    wire_buf_free(&p);
}

static void op_redir(struct wire_buf *ops, int status, const char *location)
{
    struct wire_buf p = {0};
    char st[16];
    snprintf(st, sizeof st, "%d", status);
    wire_buf_add(&p, st, strlen(st) + 1);
    wire_buf_str(&p, location);
    op(ops, "redirect", p.data, p.len);
    wire_buf_free(&p);
}

/* Fills kv with a random valid call of rule r (converter values), returns the count. */
static size_t valid_args(int r, const char **kv, char (*buf)[200])
{
    size_t n = 0;
    switch (r) {
    case R_SHOW: rand_digits(buf[0], 1, 18); kv[0] = "id"; kv[1] = buf[0]; n = 1; break;
    case R_EDIT: rand_seg(buf[0], 200); kv[0] = "name"; kv[1] = buf[0]; n = 1; break;
    case R_PRICE: rand_float(buf[0], 200); kv[0] = "x"; kv[1] = buf[0]; n = 1; break;
    case R_ITEM: rand_uuid(buf[0]); kv[0] = "u"; kv[1] = buf[0]; n = 1; break;
    case R_FILES: rand_path(buf[0], 200); kv[0] = "p"; kv[1] = buf[0]; n = 1; break;
    case R_PAIR:
        rand_digits(buf[0], 1, 9);
        rand_seg(buf[1], 200);
        kv[0] = "b"; kv[1] = buf[1]; kv[2] = "a"; kv[3] = buf[0];
        n = 2;
        break;
    case R_MIX:
        rand_digits(buf[0], 1, 9);
        rand_seg(buf[1], 200);
        kv[0] = "n"; kv[1] = buf[0]; kv[2] = "tag"; kv[3] = buf[1];
        n = 2;
        break;
    default: break;
    }
    return n;
}

/* Appends `extra` random query arguments (some flags) to kv after n pairs. */
static size_t add_query(const char **kv, size_t n, size_t extra, char (*buf)[200])
{
    for (size_t i = 0; i < extra; i++) {
        rand_word(buf[2 * i], 1, 6);
        buf[2 * i][0] = 'q';                    /* never a converter's name */
        rand_seg(buf[2 * i + 1], 200);
        kv[2 * (n + i)] = buf[2 * i];
        kv[2 * (n + i) + 1] = wire_rng_below(&rng, 4) == 0 ? NULL : buf[2 * i + 1];
    }
    return n + extra;
}

/* ---- running a test ---------------------------------------------------------------------- */

static struct wire_peer peer;
static vial_app *ref;

static void check(const char *test, struct wire_buf *ops)
{
    char *got = NULL;
    size_t glen = 0;
    if (peer.dead || wire_call(&peer, "ops", ops->data, ops->len, &got, &glen) < 0) {
        WIRE_FAIL_DEAD(test);
    } else {
        char *want = run_ops(ref, ops->data, ops->len);
        if (want != NULL && strcmp(got, want) == 0)
            tap_ok(__FILE__, __LINE__, 1, "%s", test);
        else
            tap_fail_with(__FILE__, __LINE__, "your vial's answer differs from the expected one",
                          got, want ? want : "", "%s", test);
        free(want);
    }
    free(got);
    wire_buf_free(ops);
}

static void t_encode(void)
{
    struct wire_buf ops = {0};
    char text[64];
    op_enc(&ops, 0, "a b/c?d=e&f~g.h_i-j");
    for (int i = 0; i < 3; i++) {
        rand_bytes(text, 8 + (size_t)wire_rng_below(&rng, 40), 0);
        op_enc(&ops, 0, text);
    }
    op_enc(&ops, 0, "");
    check("vial_percent_encode keeps only A-Z a-z 0-9 - . _ ~ and writes %XX in uppercase", &ops);
    op_enc(&ops, 1, "/static/a b/c%d.css");
    for (int i = 0; i < 3; i++) {
        rand_bytes(text, 8 + (size_t)wire_rng_below(&rng, 40), 1);
        op_enc(&ops, 1, text);
    }
    check("vial_percent_encode with keep_slash keeps '/'", &ops);
}

static void t_converters(void)
{
    static const struct { int rule; const char *test; } cases[] = {
        {R_SHOW, "url_for fills an int converter"},
        {R_EDIT, "url_for percent-encodes a string converter's value"},
        {R_PRICE, "url_for fills a float converter"},
        {R_ITEM, "url_for fills a uuid converter"},
        {R_FILES, "url_for keeps the '/' of a path converter and encodes the rest"},
        {R_MIX, "url_for reads <name> as a string converter, also after an int converter"},
    };
    struct wire_buf ops = {0};
    const char *kv[16];
    char buf[8][200];
    op_urlv(&ops, "url", rules[R_HOME].endpoint, kv, 0);
    check("url_for builds the URL of a rule without converters", &ops);
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        for (int k = 0; k < 3; k++)
            op_urlv(&ops, "url", rules[cases[c].rule].endpoint, kv, valid_args(cases[c].rule, kv, buf));
        check(cases[c].test, &ops);
    }
}

static void t_query(void)
{
    struct wire_buf ops = {0};
    const char *kv[16];
    char buf[2][200], qbuf[6][200];
    size_t n = valid_args(R_PAIR, kv, buf);
    n = add_query(kv, n, 3, qbuf);
    op_urlv(&ops, "url", rules[R_PAIR].endpoint, kv, n);
    n = add_query(kv, 0, 1 + (size_t)wire_rng_below(&rng, 3), qbuf);
    op_urlv(&ops, "url", rules[R_HOME].endpoint, kv, n);
    /* Names that only start with a converter's name ("a", "b") are not the converter's. */
    n = valid_args(R_PAIR, kv, buf);
    n = add_query(kv, n, 2, qbuf);
    char w[8];
    rand_word(w, 1, 5);
    snprintf(qbuf[0], sizeof qbuf[0], "a%s", w);
    rand_word(w, 1, 5);
    snprintf(qbuf[2], sizeof qbuf[2], "b%s", w);
    op_urlv(&ops, "url", rules[R_PAIR].endpoint, kv, n);
    check("names the rule does not use go to the query string, in order, encoded", &ops);
}

static void t_refused(void)
{
    struct wire_buf ops = {0};
    const char *kv[8];
    char buf[2][200], big[32];
    rand_digits(big, 20, 24);
    big[0] = '9';
    const char *const bad[][3] = {
        {rules[R_SHOW].endpoint, "id", "-5"},     {rules[R_SHOW].endpoint, "id", "12a"},
        {rules[R_SHOW].endpoint, "id", big},       {rules[R_SHOW].endpoint, "id", ""},
        {rules[R_EDIT].endpoint, "name", "a/b"},   {rules[R_PRICE].endpoint, "x", "1."},
        {rules[R_PRICE].endpoint, "x", "12"},      {rules[R_ITEM].endpoint, "u", "1234-5678"},
        {rules[R_FILES].endpoint, "p", ""},        {rules[R_SHOW].endpoint, "page", "2"},
        {"no_such_endpoint", "id", "1"},
    };
    op_urlv(&ops, "url", rules[R_SHOW].endpoint, kv, valid_args(R_SHOW, kv, buf));
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (wire_rng_below(&rng, 3) == 0 && i != 2)
            continue;                           /* a random subset, the overflow always */
        kv[0] = bad[i][1];
        kv[1] = bad[i][2];
        op_urlv(&ops, "url", bad[i][0], kv, 1);
    }
    /* A uuid of the right shape with one byte that is not a hex digit. */
    char uuid[40];
    rand_uuid(uuid);
    static const char nothex[] = "gGzZx!";
    size_t at = (size_t)wire_rng_below(&rng, 36);
    if (at == 8 || at == 13 || at == 18 || at == 23)
        at++;
    uuid[at] = nothex[wire_rng_below(&rng, sizeof nothex - 1)];
    kv[0] = "u";
    kv[1] = uuid;
    op_urlv(&ops, "url", rules[R_ITEM].endpoint, kv, 1);
    kv[0] = "id";
    kv[1] = NULL;
    op_urlv(&ops, "url", rules[R_SHOW].endpoint, kv, 1);
    check("url_for gives NULL for a missing or invalid value and an unknown endpoint", &ops);
}

static void t_roundtrip(void)
{
    struct wire_buf ops = {0};
    const char *kv[16];
    char buf[2][200], qbuf[6][200];
    static const int order[] = {R_SHOW, R_EDIT, R_PRICE, R_ITEM, R_FILES, R_PAIR};
    for (int k = 0; k < 4; k++) {
        int r = order[wire_rng_below(&rng, 6)];
        size_t n = add_query(kv, valid_args(r, kv, buf), (size_t)wire_rng_below(&rng, 3), qbuf);
        op_urlv(&ops, "trip", rules[r].endpoint, kv, n);
    }
    check("a built URL leads back to its endpoint with the same values", &ops);
}

static void t_redirects(void)
{
    static const int statuses[] = {301, 303, 307, 308};
    static const char *const refused[] = {
        "//evil.example", "//evil.example/path", "/\\evil.example", "https://evil.example/",
        "evil.example", "", "/\t/evil.example", "javascript:alert(1)", "/a\r\nSet-Cookie: x=1",
        "/a\nb", "/a\rb", "\\/evil.example",
    };
    struct wire_buf ops = {0};
    char loc[128], w[16], seg[64];
    rand_word(w, 2, 8);
    snprintf(loc, sizeof loc, "/%s?next=%d", w, (int)wire_rng_below(&rng, 1000));
    op_redir(&ops, 0, loc);
    check("vial_redirect: 302 by default, Location, an HTML body, other headers kept", &ops);
    for (size_t i = 0; i < 4; i++) {
        rand_word(w, 2, 8);
        snprintf(loc, sizeof loc, "/%s", w);
        op_redir(&ops, statuses[i], loc);
    }
    static const int wrong[] = {200, 300, 304, 305, 399, 404, 1};
    op_redir(&ops, wrong[wire_rng_below(&rng, 7)], "/ok");
    op_redir(&ops, wrong[wire_rng_below(&rng, 7)], "/ok");
    check("vial_redirect takes 301, 303, 307, 308 and refuses any other status", &ops);
    rand_word(w, 2, 8);
    snprintf(loc, sizeof loc, "/%s", w);
    op_redir(&ops, 303, loc);
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
        if (wire_rng_below(&rng, 4) != 0 || i < 3)
            op_redir(&ops, 0, refused[i]);
    check("vial_redirect refuses CR/LF and other hosts ('//', a backslash, a scheme), res unchanged",
          &ops);
    rand_seg(seg, sizeof seg);
    snprintf(loc, sizeof loc, "/search?q=%s", seg);
    op_redir(&ops, 302, loc);
    op_redir(&ops, 302, "/x?a=<b>&c=\"d\"&e='f'");
    op_redir(&ops, 302, "/caf\xc3\xa9 menu");
    check("vial_redirect escapes the body's link and encodes spaces and non-ASCII", &ops);
}

static void t_view(void)
{
    struct wire_buf ops = {0};
    char id[24], page[8], target[256];
    rand_digits(id, 1, 9);
    rand_digits(page, 1, 3);
    snprintf(target, sizeof target, "/go?to=%s&st=303&id=%s&page=%s", rules[R_SHOW].endpoint,
             id, page);
    op(&ops, "get", target, strlen(target));
    snprintf(target, sizeof target, "/go?to=%s&q=a+b%%26c", rules[R_HOME].endpoint);
    op(&ops, "get", target, strlen(target));
    op(&ops, "get", "/go?to=no_such_endpoint", strlen("/go?to=no_such_endpoint"));
    op(&ops, "get", "/go?page=1", strlen("/go?page=1"));     /* no "to": a NULL endpoint */
    check("a view redirects to url_for(...) through the dispatcher; NULL endpoint, NULL URL",
          &ops);
}

int main(int argc, char **argv)
{
    uint64_t seed = wire_seed_arg(argc, argv);
    wire_rng_seed(&rng, seed);
    wire_peer_init(&peer, 5000);
    tap_plan(17);
    make_rules();
    ref = vial_app_new("lab06");
    int registered = 1;
    for (int i = 0; i < NRULES; i++) {
        struct wire_buf p = {0};
        char *ans = NULL;
        size_t alen = 0;
        wire_buf_add(&p, rules[i].methods, strlen(rules[i].methods) + 1);
        wire_buf_add(&p, rules[i].rule, strlen(rules[i].rule) + 1);
        wire_buf_str(&p, rules[i].endpoint);
        if (wire_call(&peer, "route", p.data, p.len, &ans, &alen) == 0)
            registered &= strcmp(ans, "0") == 0;
        free(ans);
        wire_buf_free(&p);
        vial_app_route(ref, rules[i].methods, rules[i].rule, rules[i].endpoint,
                       strcmp(rules[i].endpoint, "go") == 0 ? go_view : echo_view);
    }
    if (!peer.dead && !registered)
        tap_diag("vial_app_route refused one of the rules (lab 05): the tests below will tell");
    t_encode();
    t_converters();
    t_query();
    t_refused();
    t_roundtrip();
    t_redirects();
    t_view();
    vial_app_free(ref);
    return wire_finish(&peer);
}
