/* checker.c -- lab 02's hidden tests: random responses (statuses, headers, bodies, bad
 * headers that must be refused) built and serialized by the learner's vial (through
 * the driver) and by the reference; the two texts must be the same. `checker SEED`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vial.h"
#include "tap.h"
#include "wire.h"
#include "wire_vial.h"

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
    op_header(r, ops, "add", names[wire_rng_below(r, 8)], NULL);
    op_header(r, ops, "set", names[wire_rng_below(r, 8)], NULL);
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
    op(ops, "serialize", "1");
}

static void c_bodyless(struct wire_rng *r, struct wire_buf *ops)
{
    static const int st[] = {204, 304, 100, 101};
    op(ops, "new", "");
    op_status(ops, st[wire_rng_below(r, 4)]);
    op_header(r, ops, "add", NULL, NULL);
    op_body(r, ops, "body", 0);
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
    static const int bad[] = {0, 99, 600, -200, 1000};
    op(ops, "new", "");
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
    {"binary body, appended in pieces", c_binary},
    {"1xx, 204 and 304 carry no body and no Content-Length", c_bodyless},
    {"serialize without the body (HEAD)", c_head},
    {"statuses outside 100..599 are refused", c_range},
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
        wire_vial_show_op(&shows[n - 1], name, copy, len);
        free(copy);
    }
    return n;
}

int main(int argc, char **argv)
{
    uint64_t seed = wire_seed_arg(argc, argv);
    struct wire_rng rng;
    struct wire_peer peer;
    size_t n = sizeof cases / sizeof cases[0];
    wire_rng_seed(&rng, seed);
    wire_peer_init(&peer, 5000);
    tap_plan((int)(2 * n));
    for (int round = 0; round < 2; round++) {
        for (size_t i = 0; i < n; i++) {
            struct wire_buf ops = {0}, parts[MAX_INPUTS] = {{0}}, shows[MAX_INPUTS] = {{0}};
            char name[128];
            cases[i].fn(&rng, &ops);
            size_t inputs = split_inputs(&ops, parts, shows);
            snprintf(name, sizeof name, "%s (%d)", cases[i].name, round + 1);
            WIRE_VIAL_CHECK_EACH(&peer, name, parts, shows, inputs);
            wire_buf_free(&ops);
            for (size_t k = 0; k < inputs; k++)
                wire_buf_free(&parts[k]), wire_buf_free(&shows[k]);
        }
    }
    return wire_finish(&peer);
}
