/* checker.c -- lab 01's hidden tests: random HTTP/1.1 requests, well formed and broken
 * in every way the lab names, parsed by the learner's vial (through the driver) and by
 * the reference; the two readings must be the same. Run as `checker SEED`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vial.h"
#include "tap.h"
#include "wire.h"
#include "wire_vial.h"

#define REPEAT 3                /* requests of one kind per test */
#define DECODES 6               /* decode calls in the decode test (>= REPEAT) */
#define MAX_INPUTS 8            /* inputs of a test: a kind's `inputs`, or REPEAT */

static const char alnum[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
static const char *const methods[] = {"GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"};
/* Names of random headers; Host is added on its own, once (twice is a 400). */
static const char *const hnames[] = {"User-Agent", "Accept", "X-Request-Id", "Content-Type",
                                     "Cookie", "Accept-Language", "X-Trace"};

/* Appends a random word of [lo, hi] characters drawn from set. */
static void rand_word(struct wire_rng *r, struct wire_buf *b, const char *set, size_t lo, size_t hi)
{
    wire_rng_buf_word(r, b, set, strlen(set), lo, hi);
}

/* Appends a random header name written in random letter case. */
static void rand_case(struct wire_rng *r, struct wire_buf *b, const char *s)
{
    for (; *s; s++) {
        char c = *s;
        if (c >= 'a' && c <= 'z' && wire_rng_below(r, 2))
            c = (char)(c - 32);
        else if (c >= 'A' && c <= 'Z' && wire_rng_below(r, 2))
            c = (char)(c + 32);
        wire_buf_add(b, &c, 1);
    }
}

/* A random path of 1..4 segments, some with %XX escapes of printable bytes. */
static void rand_path(struct wire_rng *r, struct wire_buf *b)
{
    size_t segs = 1 + (size_t)wire_rng_below(r, 4);
    for (size_t i = 0; i < segs; i++) {
        wire_buf_str(b, "/");
        rand_word(r, b, alnum, 1, 8);
        if (wire_rng_below(r, 3) == 0) {
            char esc[8];
            snprintf(esc, sizeof esc, "%%%02X", (unsigned)(0x20 + wire_rng_below(r, 0x5f)));
            wire_buf_str(b, esc);
        }
    }
}

/* A random query: repeated keys, flags, '+' and escapes. */
static void rand_query(struct wire_rng *r, struct wire_buf *b)
{
    size_t n = 1 + (size_t)wire_rng_below(r, 5);
    char key[8] = "";
    wire_buf_str(b, "?");
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            wire_buf_str(b, wire_rng_below(r, 5) ? "&" : "&&");
        if (i == 0 || wire_rng_below(r, 3)) {
            key[0] = alnum[wire_rng_below(r, 26)];
            key[1] = alnum[wire_rng_below(r, 26)];
            key[2] = '\0';
        }
        wire_buf_str(b, key);
        if (wire_rng_below(r, 4) == 0)
            continue;
        wire_buf_str(b, "=");
        rand_word(r, b, alnum, 0, 6);
        if (wire_rng_below(r, 2))
            wire_buf_str(b, wire_rng_below(r, 2) ? "+x" : "%2B%26");
    }
}

/* Random headers (count of them), random case and surrounding blanks. */
static void rand_headers(struct wire_rng *r, struct wire_buf *b, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        rand_case(r, b, hnames[wire_rng_below(r, sizeof hnames / sizeof hnames[0])]);
        wire_buf_str(b, wire_rng_below(r, 2) ? ":" : ": ");
        if (wire_rng_below(r, 3) == 0)
            wire_buf_str(b, " \t");
        rand_word(r, b, alnum, 1, 12);
        wire_buf_str(b, wire_rng_below(r, 3) == 0 ? " ; q=0.5 \t" : "");
        wire_buf_str(b, "\r\n");
    }
}

/* One Host header line, its name in random case. */
static void host_line(struct wire_rng *r, struct wire_buf *b)
{
    rand_case(r, b, "Host");
    wire_buf_str(b, ": ");
    rand_word(r, b, alnum, 1, 10);
    wire_buf_str(b, wire_rng_below(r, 2) ? ".example\r\n" : ":8080\r\n");
}

/* A well-formed request; `body` adds a Content-Length body. HTTP/1.1 has its one Host
 * among the other headers; HTTP/1.0 has one or none. */
static void good_request(struct wire_rng *r, struct wire_buf *b, int body, int minor)
{
    size_t n = (size_t)wire_rng_below(r, 6), at = (size_t)wire_rng_below(r, n + 1);
    wire_buf_str(b, body ? "POST" : methods[wire_rng_below(r, 7)]);
    wire_buf_str(b, " ");
    rand_path(r, b);
    if (wire_rng_below(r, 2))
        rand_query(r, b);
    wire_buf_str(b, minor ? " HTTP/1.1\r\n" : " HTTP/1.0\r\n");
    rand_headers(r, b, at);
    if (minor || wire_rng_below(r, 2))
        host_line(r, b);
    rand_headers(r, b, n - at);
    if (body) {
        char cl[48], data[64];
        size_t n = 1 + (size_t)wire_rng_below(r, 40);
        for (size_t i = 0; i < n; i++)
            data[i] = (char)wire_rng_below(r, 256);
        snprintf(cl, sizeof cl, "content-length: %zu\r\n\r\n", n);
        wire_buf_str(b, cl);
        wire_buf_add(b, data, n);
        if (wire_rng_below(r, 2))
            wire_buf_str(b, "GET /next HTTP/1.1\r\n\r\n");
        return;
    }
    wire_buf_str(b, "\r\n");
}

/* Each kind of request the checker makes: a good one, or one broken one way. */
enum kind {
    K_GET, K_HTTP10, K_BODY, K_LOOKUP, K_QUERY, K_NOCRLF, K_METHOD, K_SPACES, K_NOSLASH,
    K_CTL_TARGET, K_BADESC, K_NUL, K_LONG, K_V505, K_VBAD, K_NOCOLON, K_SPCOLON, K_FOLD,
    K_CTL_VALUE, K_BARELF, K_MANY, K_BIG, K_NOEND, K_NOHOST, K_TWOHOST, K_TE, K_CL_BAD,
    K_CL_TWICE, K_CL_SHORT, K_CL_HUGE, K_DECODE
};

struct kind_def {
    enum kind kind;
    const char *name;
    int status;                 /* what the reference must answer: a self-check */
    int inputs;                 /* requests in the test (0: REPEAT); a kind drawing from a
                                   list of k spellings takes k, so each one is asked */
};

static const struct kind_def kinds[] = {
    {K_GET, "well-formed GET requests of many shapes", 0, 0},
    {K_HTTP10, "HTTP/1.0 requests", 0, 0},
    {K_BODY, "a body announced by Content-Length (and bytes after it)", 0, 0},
    {K_LOOKUP, "header lookup ignores case", 0, 0},
    {K_QUERY, "query strings: repeated keys, flags, '+' and escapes", 0, 0},
    {K_NOCRLF, "400: no CRLF after the request line", 400, 0},
    {K_METHOD, "400: bad method", 400, 5},
    {K_SPACES, "400: request line without exactly two single spaces", 400, 0},
    {K_NOSLASH, "400: target not starting with '/'", 400, 0},
    {K_CTL_TARGET, "400: control byte in the target", 400, 5},
    {K_BADESC, "400: bad percent escape", 400, 6},
    {K_NUL, "400: %00 in path or query", 400, 0},
    {K_LONG, "414: target too long", 414, 0},
    {K_V505, "505: unsupported HTTP version", 505, 6},
    {K_VBAD, "400: version that is not HTTP/d.d", 400, 6},
    {K_NOCOLON, "400: header line without ':'", 400, 0},
    {K_SPCOLON, "400: whitespace before the ':'", 400, 0},
    {K_FOLD, "400: obsolete line folding", 400, 0},
    {K_CTL_VALUE, "400: control byte in a header value", 400, 5},
    {K_BARELF, "400: bare LF line ends", 400, 0},
    {K_MANY, "431: too many header lines", 431, 0},
    {K_BIG, "431: header lines too large", 431, 0},
    {K_NOEND, "400: head without its empty line", 400, 0},
    {K_NOHOST, "400: HTTP/1.1 without a Host header (RFC 9112 3.2)", 400, 0},
    {K_TWOHOST, "400: two Host headers (RFC 9112 3.2)", 400, 0},
    {K_TE, "501: any Transfer-Encoding, chunked too (the request without it parses)", 501, 0},
    {K_CL_BAD, "400: Content-Length not all digits", 400, 0},
    {K_CL_TWICE, "400: Content-Length twice", 400, 0},
    {K_CL_SHORT, "400: fewer body bytes than announced", 400, 0},
    {K_CL_HUGE, "413: body larger than the limit", 413, 0},
    {K_DECODE, "vial_percent_decode on good and bad input", -1, 0},
};

/* Request line "GET /path HTTP/1.1\r\n" with the given version. */
static void line_with(struct wire_rng *r, struct wire_buf *b, const char *version)
{
    wire_buf_str(b, methods[wire_rng_below(r, 3)]);
    wire_buf_str(b, " ");
    rand_path(r, b);
    wire_buf_str(b, " ");
    wire_buf_str(b, version);
    wire_buf_str(b, "\r\n");
}

/* Replaces byte `at` of a string in b (after `from`) with c. */
static void poke(struct wire_rng *r, struct wire_buf *b, size_t from, const char *c)
{
    size_t at = from + 1 + (size_t)wire_rng_below(r, b->len - from - 1);
    b->data[at] = *c;
}

/* Appends pattern pat with each '?' replaced by a random letter that is not a hex digit
 * and each '#' by a random hex digit other than 0. */
static void add_pattern(struct wire_rng *r, struct wire_buf *b, const char *pat)
{
    static const char nonhex[] = "gGhHkKmMxXzZ", hex[] = "123456789abcdefABCDEF";
    for (; *pat; pat++) {
        char c = *pat;
        if (c == '?')
            c = nonhex[wire_rng_below(r, sizeof nonhex - 1)];
        else if (c == '#')
            c = hex[wire_rng_below(r, sizeof hex - 1)];
        wire_buf_add(b, &c, 1);
    }
}

/* Ends a head whose request line and Host are written: a chunked body (its header in a
 * random case and spelling) when te, else the same body bytes under Content-Length. */
static void te_request(struct wire_rng *r, struct wire_buf *b, int te)
{
    static const char *const codings[] = {"chunked", "Chunked", "gzip, chunked", "gzip",
                                          "identity"};
    static const char chunked[] = "3\r\nabc\r\n0\r\n\r\n";
    char line[64];
    if (te) {
        rand_case(r, b, "Transfer-Encoding");
        snprintf(line, sizeof line, ": %s\r\n", codings[wire_rng_below(r, 5)]);
    } else {
        snprintf(line, sizeof line, "Content-Length: %zu\r\n", sizeof chunked - 1);
    }
    wire_buf_str(b, line);
    rand_headers(r, b, (size_t)wire_rng_below(r, 2));
    wire_buf_str(b, "\r\n");
    wire_buf_str(b, chunked);
    wire_buf_str(b, "GET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n");
}

/* Builds one broken or good request of kind k into b (not for K_DECODE): input `turn`
 * of its test, which picks the spelling of kinds that cycle through a list. Requests
 * broken on their request line carry a Host line, so that a parser which lets the fault
 * through answers 0, not the 400 of a missing Host. */
static void make(struct wire_rng *r, enum kind k, int turn, struct wire_buf *b)
{
    static const char *const v505[] = {"HTTP/2.0", "HTTP/1.2", "HTTP/3.1", "HTTP/0.9",
                                       "HTTP/1.9", "HTTP/9.1"};
    static const char *const vbad[] = {"HTTP/1.?", "HTTP/?.1", "HTTX/1.1", "HTTP/1.10",
                                       "http/1.1", "HTTP/1", "HTTP/a.b", ""};
    static const char *const badesc[] = {"%?#", "%#?", "%4", "%", "%%41", "%?0"};
    static const char *const ctl[] = {"\x01", "\x7f", "\x1b", "\r", "\t"};
    static const char *const ctl_value[] = {"\n", "\x01", "\x1f", "\r", "\x7f"};
    switch (k) {
    case K_GET: case K_LOOKUP: good_request(r, b, 0, 1); return;
    case K_HTTP10: good_request(r, b, 0, 0); return;
    case K_BODY: good_request(r, b, 1, 1); return;
    case K_QUERY:
        wire_buf_str(b, "GET ");
        rand_path(r, b);
        rand_query(r, b);
        wire_buf_str(b, " HTTP/1.1\r\nHost: x\r\n\r\n");
        return;
    case K_NOCRLF:
        wire_buf_str(b, "GET ");
        rand_path(r, b);
        wire_buf_str(b, wire_rng_below(r, 2) ? " HTTP/1.1" : " HTTP/1.1\n\n");
        return;
    case K_METHOD: {
        static const char *const bad[] = {"", "G3T", "VERYLONGMETHODNAME", "PO ST", "GE\tT"};
        if (turn % 5 == 0) {    /* a method with one lowercase letter */
            const char *m = methods[wire_rng_below(r, 7)];
            size_t at = b->len + (size_t)wire_rng_below(r, strlen(m));
            wire_buf_str(b, m);
            b->data[at] = (char)(b->data[at] + 32);
        }
        wire_buf_str(b, bad[turn % 5]);
        wire_buf_str(b, " /x HTTP/1.1\r\n");
        host_line(r, b);
        wire_buf_str(b, "\r\n");
        return;
    }
    case K_SPACES: {
        static const char *const bad[] = {"GET  /a HTTP/1.1", "GET /a  HTTP/1.1", "GET /a",
                                          "GET /a HTTP/1.1 ", " GET /a HTTP/1.1"};
        wire_buf_str(b, bad[wire_rng_below(r, 5)]);
        wire_buf_str(b, "\r\nHost: a\r\n\r\n");
        return;
    }
    case K_NOSLASH:
        wire_buf_str(b, "GET ");
        rand_word(r, b, alnum, 1, 10);
        wire_buf_str(b, " HTTP/1.1\r\n");
        break;
    case K_CTL_TARGET: {
        size_t from;
        wire_buf_str(b, "GET /");
        from = b->len - 1;
        rand_word(r, b, alnum, 4, 10);
        poke(r, b, from, ctl[turn % 5]);
        wire_buf_str(b, " HTTP/1.1\r\n");
        break;
    }
    case K_BADESC: case K_NUL:
        wire_buf_str(b, "GET ");
        rand_path(r, b);
        wire_buf_str(b, wire_rng_below(r, 2) ? "?a=" : "/");
        add_pattern(r, b, k == K_NUL ? "%00" : badesc[turn % 6]);
        wire_buf_str(b, " HTTP/1.1\r\n");
        break;
    case K_LONG:
        wire_buf_str(b, "GET /");
        rand_word(r, b, alnum, VIAL_MAX_TARGET, VIAL_MAX_TARGET + 300);
        wire_buf_str(b, wire_rng_below(r, 2) ? " HTTP/1.1\r\n" : " HTTP/9.9\r\n");
        break;
    case K_V505: line_with(r, b, v505[turn % 6]); break;
    case K_VBAD: {
        struct wire_buf v = {0};
        add_pattern(r, &v, vbad[turn % 8]);
        wire_buf_add(&v, "", 1);
        line_with(r, b, v.data);
        wire_buf_free(&v);
        break;
    }
    default: break;
    }
    switch (k) {
    case K_NOSLASH: case K_CTL_TARGET: case K_BADESC: case K_NUL: case K_LONG: case K_V505:
    case K_VBAD:
        host_line(r, b);
        wire_buf_str(b, "\r\n");
        return;
    default: break;
    }
    line_with(r, b, "HTTP/1.1");
    rand_headers(r, b, (size_t)wire_rng_below(r, 3));
    if (k != K_NOHOST)
        host_line(r, b);
    switch (k) {
    case K_NOCOLON: wire_buf_str(b, "Host example.org\r\n\r\n"); return;
    case K_SPCOLON: wire_buf_str(b, wire_rng_below(r, 2) ? "Host : a\r\n\r\n" : "Host\t: a\r\n\r\n"); return;
    case K_FOLD: wire_buf_str(b, "X-A: one\r\n  two\r\n\r\n"); return;
    case K_CTL_VALUE: {
        size_t from = b->len + 5;
        wire_buf_str(b, "X-Ab: ");
        rand_word(r, b, alnum, 4, 10);
        poke(r, b, from, ctl_value[turn % 5]);
        wire_buf_str(b, "\r\n\r\n");
        return;
    }
    case K_BARELF: wire_buf_str(b, "Host: a\n\n"); return;
    case K_MANY: rand_headers(r, b, VIAL_MAX_HEADERS + 1 + (size_t)wire_rng_below(r, 10)); wire_buf_str(b, "\r\n"); return;
    case K_BIG:
        wire_buf_str(b, "X-Big: ");
        rand_word(r, b, alnum, VIAL_MAX_HEADER_BYTES, VIAL_MAX_HEADER_BYTES + 100);
        wire_buf_str(b, "\r\n\r\n");
        return;
    case K_NOEND: wire_buf_str(b, "Accept: a\r\n"); return;
    case K_NOHOST: wire_buf_str(b, wire_rng_below(r, 2) ? "\r\n" : "X-Host: a\r\n\r\n"); return;
    case K_TWOHOST: rand_headers(r, b, (size_t)wire_rng_below(r, 2)); host_line(r, b); wire_buf_str(b, "\r\n"); return;
    case K_TE: te_request(r, b, 1); return;
    case K_CL_BAD: wire_buf_str(b, wire_rng_below(r, 2) ? "Content-Length: 1x\r\n\r\n1x" : "Content-Length: -1\r\n\r\n"); return;
    case K_CL_TWICE: wire_buf_str(b, "Content-Length: 1\r\ncontent-length: 1\r\n\r\nab"); return;
    case K_CL_SHORT: wire_buf_str(b, "Content-Length: 10\r\n\r\nabc"); return;
    case K_CL_HUGE: wire_buf_str(b, wire_rng_below(r, 2) ? "Content-Length: 1048577\r\n\r\n" : "Content-Length: 99999999999999999999999\r\n\r\n"); return;
    default: return;
    }
}

/* Adds header lookups (random case, one absent) for the last request. */
static void add_lookups(struct wire_rng *r, struct wire_buf *ops)
{
    for (size_t i = 0; i <= sizeof hnames / sizeof hnames[0]; i++) {
        struct wire_buf name = {0};
        rand_case(r, &name, i == 0 ? "Host" : hnames[i - 1]);
        wire_buf_frame(ops, "header", name.data, name.len);
        wire_buf_free(&name);
    }
    wire_buf_frame(ops, "header", "X-Absent", 8);
}

/* Adds decode operation i of DECODES: good strings with escapes and '+', then one with a
 * bad escape inside, then the two edges every run has: a '%' with nothing after it and a
 * '%' with one hex digit after it, at the very end of the input (a decoder that looks
 * past its length there reads past the copy it was given). Shown as the call made. */
static void add_decode(struct wire_rng *r, int i, struct wire_buf *ops, struct wire_buf *show)
{
    static const char *const bad[] = {"%z1", "a%0x", "%00", "%4G"};
    struct wire_buf s = {0};
    wire_buf_str(&s, i % 2 ? "1" : "0");
    rand_word(r, &s, alnum, 0, 5);
    char esc[8];
    snprintf(esc, sizeof esc, "%%%02x", (unsigned)(1 + wire_rng_below(r, 255)));
    wire_buf_str(&s, esc);
    wire_buf_str(&s, "+");
    rand_word(r, &s, alnum, 0, 5);
    if (i == DECODES - 3)
        wire_buf_str(&s, bad[wire_rng_below(r, 4)]);
    if (i == DECODES - 2)
        wire_buf_str(&s, "%");
    if (i == DECODES - 1) {
        snprintf(esc, sizeof esc, "%%%X", (unsigned)wire_rng_below(r, 16));
        wire_buf_str(&s, esc);
    }
    wire_buf_frame(ops, "decode", s.data, s.len);
    wire_vial_show_op(show, "decode", s.data, s.len);
    wire_buf_free(&s);
}

/* Stops the run when the reference disagrees with the kind's status: a checker bug. */
static void self_check(const struct kind_def *k, const struct wire_buf *raw)
{
    vial_request req;
    vial_request_init(&req);
    int st = vial_parse_request(raw->data, raw->len, &req, NULL);
    vial_request_free(&req);
    if (st != k->status)
        tap_bail_out("checker self-check: '%s' gave %d on the reference", k->name, st);
}

/* Adds one request of kind k (and its lookups) as one input of a test. */
static void add_request(struct wire_rng *r, const struct kind_def *k, int turn,
                        struct wire_buf *ops, struct wire_buf *show)
{
    struct wire_buf raw = {0};
    make(r, k->kind, turn, &raw);
    self_check(k, &raw);
    if (k->kind == K_TE) {
        /* The same head with the body under Content-Length instead: it parses. */
        struct wire_buf plain = {0};
        const char *te = memchr(raw.data, '\n', raw.len);
        size_t head = (size_t)(te - raw.data) + 1;
        wire_buf_add(&plain, raw.data, head);
        host_line(r, &plain);
        te_request(r, &plain, 0);
        wire_buf_frame(ops, "parse", plain.data, plain.len);
        wire_buf_escaped(show, plain.data, plain.len, 1);
        wire_buf_free(&plain);
    }
    wire_buf_frame(ops, "parse", raw.data, raw.len);
    if (k->kind == K_LOOKUP || k->kind == K_GET)
        add_lookups(r, ops);
    if (k->kind == K_QUERY) {
        const char *qm = memchr(raw.data, '?', raw.len);
        wire_buf_frame(ops, "arg", qm ? qm + 1 : "zz", 2);
        wire_buf_frame(ops, "arg", "zz", 2);
    }
    wire_buf_escaped(show, raw.data, raw.len < 600 ? raw.len : 600, 1);
    if (raw.len >= 600)
        wire_buf_str(show, "... (cut)\n");
    wire_buf_free(&raw);
}

int main(int argc, char **argv)
{
    uint64_t seed = wire_seed_arg(argc, argv);
    struct wire_rng rng;
    struct wire_peer peer;
    size_t nkinds = sizeof kinds / sizeof kinds[0];
    wire_rng_seed(&rng, seed);
    wire_peer_init(&peer, 5000);
    tap_plan((int)nkinds);
    for (size_t i = 0; i < nkinds; i++) {
        /* Each input is asked on its own, so a failure shows the first one that differs. */
        struct wire_buf ops[MAX_INPUTS] = {{0}}, show[MAX_INPUTS] = {{0}};
        size_t n = kinds[i].kind == K_DECODE ? DECODES
                 : kinds[i].inputs > 0 ? (size_t)kinds[i].inputs : REPEAT;
        for (size_t k = 0; k < n; k++) {
            if (kinds[i].kind == K_DECODE)
                add_decode(&rng, (int)k, &ops[k], &show[k]);
            else
                add_request(&rng, &kinds[i], (int)k, &ops[k], &show[k]);
        }
        WIRE_VIAL_CHECK_EACH(&peer, kinds[i].name, ops, show, n);
        for (size_t k = 0; k < n; k++)
            wire_buf_free(&ops[k]), wire_buf_free(&show[k]);
    }
    return wire_finish(&peer);
}
