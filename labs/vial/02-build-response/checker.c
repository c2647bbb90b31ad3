/* checker.c -- lab 02's hidden tests: random responses (statuses, headers, bodies, bad
 * headers that must be refused) built and serialized by the learner's vial (through
 * the driver, ops.h) and by the reference; the two texts must be the same. Then the
 * reason phrase of every status from 100 to 599. `checker SEED`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vial.h"
#include "tap.h"
#include "wire.h"
#include "wire_vial.h"

/* The driver's own code (ops.h). */
#include "ops.h"

static const char alnum[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
static const int known[] = {200, 201, 204, 301, 302, 304, 400, 401, 403, 404, 405, 409,
                            413, 414, 429, 431, 500, 501, 503, 505};

static void rand_word(struct wire_rng *r, struct wire_buf *b, size_t lo, size_t hi)
{
    wire_rng_buf_word(r, b, alnum, sizeof alnum - 1, lo, hi);
}

static void op(struct wire_buf *ops, const char *name, const char *data)
{
    wire_buf_frame(ops, name, data, strlen(data));
}

static void op_status(struct wire_buf *ops, int status)
{
    char s[16];
    snprintf(s, sizeof s, "%d", status);
    op(ops, "status", s);
}

/* An add/set operation of a random header X-Name: value, with optional poison. */
static void op_header(struct wire_rng *r, struct wire_buf *ops, const char *kind,
                      const char *name, const char *poison)
{
    struct wire_buf h = {0};
    if (name != NULL) {
        wire_buf_str(&h, name);
    } else {
        wire_buf_str(&h, "X-");
        rand_word(r, &h, 1, 8);
    }
    wire_buf_add(&h, "", 1);
    rand_word(r, &h, 1, 12);
    if (poison != NULL) {
        wire_buf_str(&h, poison);
        rand_word(r, &h, 0, 6);
    }
    wire_buf_frame(ops, kind, h.data, h.len);
    wire_buf_free(&h);
}

static void op_body(struct wire_rng *r, struct wire_buf *ops, const char *kind, int binary)
{
    char data[200];
    size_t n = (size_t)wire_rng_below(r, sizeof data);
    for (size_t i = 0; i < n; i++)
        data[i] = binary ? (char)wire_rng_below(r, 256) : alnum[wire_rng_below(r, 62)];
    wire_buf_frame(ops, kind, data, n);
}

static int rand_known(struct wire_rng *r)
{
    return known[wire_rng_below(r, sizeof known / sizeof known[0])];
}

typedef void (*case_fn)(struct wire_rng *r, struct wire_buf *ops);

static void c_reason(struct wire_rng *r, struct wire_buf *ops)
{
    char s[16];
    for (int i = 0; i < 6; i++) {
        int st = i < 5 ? rand_known(r) : 600 + (int)wire_rng_below(r, 300);
        snprintf(s, sizeof s, "%d", st);
        op(ops, "reason", s);
    }
}

static void c_simple(struct wire_rng *r, struct wire_buf *ops)
{
    op(ops, "new", "");
    int st = rand_known(r);
    op_status(ops, st == 204 || st == 304 ? 200 : st);
    op_body(r, ops, "body", 0);
    op(ops, "cstring", "");
    op(ops, "serialize", "1");
}

static void c_headers(struct wire_rng *r, struct wire_buf *ops)
{
    op(ops, "new", "");
    for (int i = 0, n = 2 + (int)wire_rng_below(r, 5); i < n; i++)
        op_header(r, ops, "add", NULL, NULL);
    op_header(r, ops, "add", "Content-Type", NULL);
    op_body(r, ops, "body", 0);
    op(ops, "serialize", "1");
}

static void c_crlf(struct wire_rng *r, struct wire_buf *ops)
{
    static const char *const poison[] = {"\r\nSet-Cookie: evil=1", "\n", "\r", "\r\n\r\n<h1>"};
    op(ops, "new", "");
    op_header(r, ops, "add", NULL, NULL);
    op_header(r, ops, wire_rng_below(r, 2) ? "add" : "set", NULL, poison[wire_rng_below(r, 4)]);
    op_header(r, ops, "add", "Location", poison[wire_rng_below(r, 4)]);
    op(ops, "serialize", "1");
}

static void c_badname(struct wire_rng *r, struct wire_buf *ops)
{
    static const char *const names[] = {"", "Bad Name", "X:Y", "X\tY", "(x)", "X-\xc3\xa9",
                                        "a/b", "{x}"};
    op(ops, "new", "");
    op_header(r, ops, "add", NULL, NULL);
    op_header(r, ops, wire_rng_below(r, 2) ? "add" : "set", "", NULL);   /* always: empty */
    op_header(r, ops, "add", names[1 + wire_rng_below(r, 7)], NULL);
    op_header(r, ops, "set", names[1 + wire_rng_below(r, 7)], NULL);
    op_header(r, ops, "add", "X-Ok_Name.~!#$%&'*+^`|", NULL);
    op(ops, "serialize", "1");
}

static void c_set(struct wire_rng *r, struct wire_buf *ops)
{
    static const char *const spell[] = {"content-type", "CONTENT-TYPE", "Content-type"};
    op(ops, "new", "");
    op_header(r, ops, "add", "Content-Type", NULL);
    op_header(r, ops, "add", NULL, NULL);
    op_header(r, ops, "add", "content-type", NULL);
    op_header(r, ops, "set", spell[wire_rng_below(r, 3)], NULL);
    op(ops, "get", spell[wire_rng_below(r, 3)]);
    op(ops, "get", "X-Missing");
    op(ops, "serialize", "1");
}

static void c_length(struct wire_rng *r, struct wire_buf *ops)
{
    op(ops, "new", "");
    op_header(r, ops, "add", wire_rng_below(r, 2) ? "Content-Length" : "content-length", NULL);
    op_body(r, ops, "body", 0);
    op(ops, "serialize", "1");
}

static void c_binary(struct wire_rng *r, struct wire_buf *ops)
{
    op(ops, "new", "");
    op_body(r, ops, "body", 1);
    op_body(r, ops, "append", 1);
    op_body(r, ops, "append", 1);
    op_body(r, ops, "append", 0);
    op(ops, "cstring", "");
    op(ops, "serialize", "1");
}

/* One response of status st with a header and a body, serialized with its body. */
static void one_status(struct wire_rng *r, struct wire_buf *ops, int st)
{
    op(ops, "new", "");
    op_status(ops, st);
    op_header(r, ops, "add", NULL, NULL);
    op_body(r, ops, "body", 0);
    op(ops, "serialize", "1");
}

/* 204, 304 and a 1xx, each an input of its own, every time. */
static void c_bodyless(struct wire_rng *r, struct wire_buf *ops)
{
    one_status(r, ops, 204);
    one_status(r, ops, 304);
    one_status(r, ops, 100 + (int)wire_rng_below(r, 100));
}

/* The statuses beside the bodyless ones keep their body. */
static void c_bodied(struct wire_rng *r, struct wire_buf *ops)
{
    static const int st[] = {200, 203, 205, 303, 305};
    for (size_t i = 0; i < sizeof st / sizeof st[0]; i++)
        one_status(r, ops, st[i]);
}

/* Header values of 60 to 300 bytes and no body: the buffer's size must count them. */
static void c_long(struct wire_rng *r, struct wire_buf *ops)
{
    op(ops, "new", "");
    for (int i = 0, n = 2 + (int)wire_rng_below(r, 3); i < n; i++) {
        struct wire_buf h = {0};
        wire_buf_str(&h, "X-Long-");
        rand_word(r, &h, 1, 8);
        wire_buf_add(&h, "", 1);
        rand_word(r, &h, 60, 300);
        wire_buf_frame(ops, "add", h.data, h.len);
        wire_buf_free(&h);
    }
    op(ops, "serialize", "1");
}

static void c_head(struct wire_rng *r, struct wire_buf *ops)
{
    op(ops, "new", "");
    op_status(ops, rand_known(r) == 204 ? 200 : 404);
    op_body(r, ops, "body", 0);
    op(ops, "serialize", "0");
}

static void c_range(struct wire_rng *r, struct wire_buf *ops)
{
    static const int bad[] = {0, -200, 1000, 99, 600};
    op(ops, "new", "");
    op_status(ops, 100);                            /* the edges, every time */
    op_status(ops, 99);
    op_status(ops, 599);
    op_status(ops, 600);
    op_status(ops, 200 + (int)wire_rng_below(r, 399));
    op_status(ops, bad[wire_rng_below(r, 5)]);
    op(ops, "serialize", "1");
}

struct case_def {
    const char *name;
    case_fn fn;
};

static const struct case_def cases[] = {
    {"reason phrases of known and unknown statuses", c_reason},
    {"status line, Content-Length and body", c_simple},
    {"headers kept in order", c_headers},
    {"header values with CR or LF are refused", c_crlf},
    {"header names that are not tokens are refused", c_badname},
    {"set_header replaces without regard to case", c_set},
    {"a Content-Length set by hand is replaced by the real one", c_length},
    {"binary body, appended in pieces, a NUL kept after it", c_binary},
    {"1xx, 204 and 304 carry no body and no Content-Length", c_bodyless},
    {"200, 203, 205, 303 and 305 keep their body and Content-Length", c_bodied},
    {"long header values are written whole", c_long},
    {"serialize without the body (HEAD)", c_head},
    {"statuses outside 100..599 are refused, 100 and 599 taken", c_range},
};

#define MAX_INPUTS 8

/* Splits a case's operations into its inputs: each response ("new") or reason lookup
 * starts one. Each input's calls are shown as C. Returns how many. */
static size_t split_inputs(const struct wire_buf *ops, struct wire_buf *parts,
                           struct wire_buf *shows)
{
    const char *p = ops->data, *d;
    char name[WIRE_MAX_NAME];
    size_t len, n = 0;
    while (wire_next(&p, ops->data + ops->len, name, sizeof name, &d, &len) == 1) {
        int starts = strcmp(name, "new") == 0 || strcmp(name, "reason") == 0;
        if (n == 0 || (starts && parts[n - 1].len > 0 && n < MAX_INPUTS))
            n++;
        char *copy = malloc(len + 1);
        if (copy == NULL)
            tap_bail_out("out of memory");
        memcpy(copy, d, len);
        copy[len] = '\0';
        wire_buf_frame(&parts[n - 1], name, copy, len);
        if (strcmp(name, "cstring") == 0)
            wire_buf_str(&shows[n - 1], "strlen(res.body)\n");
        else
            wire_vial_show_op(&shows[n - 1], name, copy, len);
        free(copy);
    }
    return n;
}

/* Every status from 100 to 599, each an input of its own: the table of step 1 exactly
 * (a code missing, added or moved shows). One test, failed at the first status whose
 * phrase differs. */
static void t_every_reason(struct wire_peer *peer)
{
    const char *test = "every status from 100 to 599: its RFC 9110 phrase, or \"Unknown\"";
    for (int st = 100; st <= 599; st++) {
        struct wire_buf ops = {0}, show = {0};
        char num[16], *got = NULL, *expected;
        size_t glen = 0, elen = 0;
        snprintf(num, sizeof num, "%d", st);
        op(&ops, "reason", num);
        if (wire_call(peer, "ops", ops.data, ops.len, &got, &glen) < 0) {
            wire_buf_free(&ops);
            WIRE_FAIL_DEAD(test);
            return;
        }
        expected = lab02_exec(ops.data, ops.len, &elen);
        int same = expected != NULL && glen == elen && memcmp(got, expected, elen) == 0;
        if (!same) {
            wire_vial_show_op(&show, "reason", num, strlen(num));
            tap_attach("input", show.data ? show.data : "");
            tap_fail_with(__FILE__, __LINE__, "your vial's answer differs from the expected one",
                          got, expected ? expected : "", "%s", test);
        }
        free(got);
        free(expected);
        wire_buf_free(&ops);
        wire_buf_free(&show);
        if (!same)
            return;
    }
    tap_ok(__FILE__, __LINE__, 1, "%s", test);
}

/* wire_vial_check_each with the driver's lab02_exec on the reference: each input on
 * its own; fails with the first input whose answer differs (the rest are not sent). */
static int check_each(struct wire_peer *peer, const char *test, const struct wire_buf *ops,
                      const struct wire_buf *shows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        size_t elen = 0, glen = 0;
        char *got = NULL;
        if (wire_call(peer, "ops", ops[i].data, ops[i].len, &got, &glen) < 0)
            return WIRE_FAIL_DEAD(test);
        char *expected = lab02_exec(ops[i].data, ops[i].len, &elen);
        int same = expected != NULL && glen == elen && memcmp(got, expected, elen) == 0;
        if (!same) {
            char msg[128];
            snprintf(msg, sizeof msg, "your vial's answer differs from the expected one "
                     "(input %zu of %zu)", i + 1, n);
            if (shows[i].data != NULL)
                tap_attach("input", shows[i].data);
            tap_fail_with(__FILE__, __LINE__, msg, got, expected ? expected : "", "%s", test);
        }
        free(got);
        free(expected);
        if (!same)
            return 0;
    }
    return tap_ok(__FILE__, __LINE__, 1, "%s", test);
}

int main(int argc, char **argv)
{
    uint64_t seed = wire_seed_arg(argc, argv);
    struct wire_rng rng;
    struct wire_peer peer;
    size_t n = sizeof cases / sizeof cases[0];
    wire_rng_seed(&rng, seed);
    wire_peer_init(&peer, 5000);
    tap_plan((int)(2 * n) + 1);
    for (int round = 0; round < 2; round++) {
        for (size_t i = 0; i < n; i++) {
            struct wire_buf ops = {0}, parts[MAX_INPUTS] = {{0}}, shows[MAX_INPUTS] = {{0}};
            char name[128];
            cases[i].fn(&rng, &ops);
            size_t inputs = split_inputs(&ops, parts, shows);
            snprintf(name, sizeof name, "%s (%d)", cases[i].name, round + 1);
            check_each(&peer, name, parts, shows, inputs);
            wire_buf_free(&ops);
            for (size_t k = 0; k < inputs; k++)
                wire_buf_free(&parts[k]), wire_buf_free(&shows[k]);
        }
    }
    t_every_reason(&peer);
    return wire_finish(&peer);
}
