/* checker.c -- lab 10's hidden tests: random sessions encoded and decoded against the
 * reference, cookies tampered with byte by byte and cut at every length, expiry, wrong
 * keys and key rotation, config from a random environment prefix, and random walks of
 * requests through an app whose views use the session and flash messages, compared with
 * the same app on the reference. Run as `checker SEED`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "vial.h"
#include "tap.h"
#include "wire.h"

/* The driver's views and frames (ops.h), run here on the reference vial. */
#include "ops.h"

#define LIFETIME 2678400LL

static struct wire_peer peer;
static struct wire_rng rng;
static vial_app *ref_app;
static char cur_key[64], old_keys[2][64], cookie_name[32] = "session";
static long long lifetime = LIFETIME;

static const char alnum[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

static void rand_word(char *out, size_t lo, size_t hi)
{
    wire_rng_word(&rng, out, alnum, sizeof alnum - 1, lo, hi);
}

/* A value with the bytes a payload must survive: spaces, & = % + . and UTF-8. */
static void rand_value(char *out, size_t cap)
{
    static const char *const bits[] = {" ", "&", "=", "%", "+", ".", "\xc3\xa9", "\xe6\x97\xa5",
                                       "a", "Z", "7", "-", "_", "~", "/", "?", "\"", ";"};
    size_t n = (size_t)wire_rng_below(&rng, 12), at = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        const char *b = bits[wire_rng_below(&rng, sizeof bits / sizeof bits[0])];
        if (at + strlen(b) + 1 >= cap)
            break;
        at += (size_t)snprintf(out + at, cap - at, "%s", b);
    }
}

/* Calls the driver. Returns its answer (caller frees) or NULL when it is gone. */
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

/* One case: runs a frame on the driver and on the reference. Returns 1 when the texts
 * are equal; else 0 with both kept in *got and *want (caller frees) for the report.
 * -1 when the driver is gone. */
static int compare(const char *frame, const struct wire_buf *in, char **got, char **want)
{
    struct wire_buf w = {0};
    wire_buf_add(&w, "", 0);
    if (strcmp(frame, "encode") == 0)
        frame_encode(&w, in->data, in->len);
    else
        frame_decode(&w, in->data, in->len);
    *want = w.data;
    *got = call(frame, in->data, in->len, NULL);
    if (*got == NULL)
        return -1;
    return strcmp(*got, *want) == 0;
}

/* Records the test of a series of cases: the first failing one is shown. */
static void record(const char *test, int rc, const char *got, const char *want, const char *input)
{
    if (rc < 0) {
        WIRE_FAIL_DEAD(test);
        return;
    }
    if (rc == 0 && input != NULL)
        tap_attach("input", input);
    if (rc == 0)
        tap_fail_with(__FILE__, __LINE__, "differs from the reference", got, want, "%s", test);
    else
        tap_ok(__FILE__, __LINE__, 1, "%s", test);
}

/* Random session data as frame fields NAME \0 VALUE \0 ... */
static void rand_pairs(struct wire_buf *b, int max)
{
    int n = (int)wire_rng_below(&rng, (uint64_t)max + 1);
    for (int i = 0; i < n; i++) {
        char name[16], value[64];
        rand_word(name, 1, 8);
        rand_value(value, sizeof value);
        wire_buf_add(b, name, strlen(name) + 1);
        wire_buf_add(b, value, strlen(value) + 1);
    }
}

/* A reference cookie of random data, signed with key, expiring at exp (caller frees). */
static char *ref_cookie(const char *key, long long exp)
{
    struct wire_buf b = {0};
    vial_pairs data;
    vial_pairs_init(&data);
    rand_pairs(&b, 5);
    const char *p = b.data, *end = b.data + b.len;
    while (p && p < end) {
        const char *v = p + strlen(p) + 1;
        vial_pairs_adds(&data, p, v);
        p = v + strlen(v) + 1;
    }
    if (data.len == 0)
        vial_pairs_adds(&data, "user", "ada");
    char *c = vial_session_encode(&data, key, exp);
    vial_pairs_free(&data);
    wire_buf_free(&b);
    return c;
}

/* A decode frame: COOKIE \0 KEY \0 NOW [\0 OLD...]. */
static void decode_frame(struct wire_buf *b, const char *cookie, size_t clen, const char *key,
                         long long now, const char *old1, const char *old2)
{
    char num[32];
    snprintf(num, sizeof num, "%lld", now);
    b->len = 0;
    wire_buf_add(b, cookie, clen);
    wire_buf_add(b, "", 1);
    wire_buf_add(b, key, strlen(key) + 1);
    wire_buf_add(b, num, strlen(num) + 1);
    if (old1)
        wire_buf_add(b, old1, strlen(old1) + 1);
    if (old2)
        wire_buf_add(b, old2, strlen(old2) + 1);
}

/* Runs cases made by make(i, frame-input, shown-input) until one differs; one test. */
static void series(const char *test, const char *frame, int count,
                   void (*make)(int i, struct wire_buf *in, struct wire_buf *shown))
{
    char *got = NULL, *want = NULL;
    int rc = 1;
    struct wire_buf shown = {0};
    for (int i = 0; i < count && rc == 1; i++) {
        struct wire_buf in = {0};
        free(got);
        free(want);
        wire_buf_free(&shown);
        make(i, &in, &shown);
        rc = compare(frame, &in, &got, &want);
        wire_buf_free(&in);
    }
    record(test, rc, got, want, shown.data);
    free(got);
    free(want);
    wire_buf_free(&shown);
}

static void make_encode(int i, struct wire_buf *b, struct wire_buf *shown)
{
    char key[40], exp[32];
    rand_word(key, 1, 32);
    snprintf(exp, sizeof exp, "%lld", 1 + (long long)wire_rng_below(&rng, 4000000000ULL));
    if (i % 10 == 9)                         /* a negative expiry: NULL */
        snprintf(exp, sizeof exp, "-%lld", 1 + (long long)wire_rng_below(&rng, 100000));
    if (i % 10 == 8)                         /* an empty key: NULL */
        key[0] = '\0';
    wire_buf_add(b, key, strlen(key) + 1);
    wire_buf_add(b, exp, strlen(exp) + 1);
    rand_pairs(b, 6);
    wire_buf_escaped(shown, b->data, b->len, 0);
}

static void make_decode(int i, struct wire_buf *b, struct wire_buf *shown)
{
    char key[40];
    rand_word(key, 1, 32);
    long long exp = 1000000 + (long long)wire_rng_below(&rng, 4000000000ULL);
    char *c = ref_cookie(key, exp);
    decode_frame(b, c, strlen(c), key, i % 2 ? exp - 1 : exp / 2, NULL, NULL);
    wire_buf_escaped(shown, b->data, b->len, 0);
    free(c);
}

/* The cookie every tamper case changes, its key and a moment it is valid. */
static char *tamper_cookie;
static char tamper_key[40];

static void make_tamper(int i, struct wire_buf *b, struct wire_buf *shown)
{
    static const char repl[] = "AZaz09-_.=%";
    size_t len = strlen(tamper_cookie);
    char *c = malloc(len + 1);
    memcpy(c, tamper_cookie, len + 1);
    if (i > 0) {                             /* case 0: the cookie as it is (accepted) */
        size_t at = (size_t)(i - 1) % len;
        char r = repl[wire_rng_below(&rng, sizeof repl - 1)];
        c[at] = r == c[at] ? (c[at] == 'A' ? 'B' : 'A') : r;
    }
    decode_frame(b, c, len, tamper_key, 1000, NULL, NULL);
    wire_buf_escaped(shown, b->data, b->len, 0);
    free(c);
}

static void make_truncate(int i, struct wire_buf *b, struct wire_buf *shown)
{
    size_t len = strlen(tamper_cookie);
    size_t keep = i == 0 ? len : (size_t)(i - 1) % len;
    decode_frame(b, tamper_cookie, keep, tamper_key, 1000, NULL, NULL);
    wire_buf_escaped(shown, b->data, b->len, 0);
}

/* Cases around expiry and keys for one cookie signed with "k-NEW" by index. */
static void make_keys(int i, struct wire_buf *b, struct wire_buf *shown)
{
    static char ka[24], kb[24], kc[24];
    static long long exp;
    static char *c;
    if (i % 8 == 0) {
        rand_word(ka, 4, 20);
        rand_word(kb, 4, 20);
        rand_word(kc, 4, 20);
        exp = 2000000 + (long long)wire_rng_below(&rng, 2000000000ULL);
        free(c);
        c = ref_cookie(ka, exp);
    }
    switch (i % 8) {
    case 0: decode_frame(b, c, strlen(c), ka, exp - 1, NULL, NULL); break;      /* valid */
    case 1: decode_frame(b, c, strlen(c), ka, exp, NULL, NULL); break;          /* expired */
    case 2: decode_frame(b, c, strlen(c), kb, exp - 100, NULL, NULL); break;    /* wrong key */
    case 3: decode_frame(b, c, strlen(c), kb, exp - 100, kc, ka); break;        /* rotation */
    case 4: decode_frame(b, c, strlen(c), kb, exp - 100, ka, NULL); break;      /* rotation */
    case 5: decode_frame(b, c, strlen(c), kb, exp - 100, kc, NULL); break;      /* not listed */
    case 6: decode_frame(b, c, strlen(c), "", exp - 100, NULL, NULL); break;    /* no key */
    default: decode_frame(b, c, strlen(c), ka, exp + 100000, kb, NULL); break;  /* expired */
    }
    wire_buf_escaped(shown, b->data, b->len, 0);
    if (i % 8 == 7) {
        free(c);
        c = NULL;
    }
}

/* The cookie "payload.expiry.SIG" with SIG the base64url HMAC-SHA256 of
 * "payload.expiry" under key: a signed cookie whose expiry the reference would never
 * write (caller frees). */
static char *signed_cookie(const char *payload, const char *expiry, const char *key)
{
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int maclen = 0;
    size_t len = strlen(payload) + strlen(expiry) + 2;
    char *c = malloc(len + 48);
    snprintf(c, len, "%s.%s", payload, expiry);
    HMAC(EVP_sha256(), key, (int)strlen(key), (const unsigned char *)c, len - 1, mac, &maclen);
    size_t at = len - 1;
    c[at++] = '.';
    for (unsigned i = 0; i < maclen; i += 3) {
        unsigned long v = (unsigned long)mac[i] << 16;
        unsigned n = maclen - i < 3 ? maclen - i : 3;
        v |= n > 1 ? (unsigned long)mac[i + 1] << 8 : 0;
        v |= n > 2 ? mac[i + 2] : 0;
        for (unsigned k = 0; k <= n; k++)
            c[at++] = b64[(v >> (18 - 6 * k)) & 63];
    }
    c[at] = '\0';
    return c;
}

/* Case 0: a reference cookie with an 18-digit expiry (read). Then correctly signed
 * cookies whose expiry is empty, 19 digits or not digits, against a `now` before 1970
 * too (refused: EXPIRES must be 1 to 18 digits). */
static void make_expiry(int i, struct wire_buf *b, struct wire_buf *shown)
{
    static const char *const bad[] = {"", "1000000000000000000", "12a4", "9x", "-5", "+77",
                                      " 9", "0x10", "1e9", "4000000000 "};
    char key[40], exp[40];
    rand_word(key, 4, 30);
    long long e18 = 100000000000000000LL + (long long)wire_rng_below(&rng, 800000000000000000ULL);
    char *c = ref_cookie(key, e18);
    if (i == 0) {
        decode_frame(b, c, strlen(c), key, (long long)wire_rng_below(&rng, 2000000000ULL),
                     NULL, NULL);
    } else {
        snprintf(exp, sizeof exp, "%s", bad[(size_t)(i - 1) % (sizeof bad / sizeof bad[0])]);
        *strchr(c, '.') = '\0';
        char *forged = signed_cookie(c, exp, key);
        decode_frame(b, forged, strlen(forged), key, i % 2 ? -1 : 1000, NULL, NULL);
        free(forged);
    }
    wire_buf_escaped(shown, b->data, b->len, 0);
    free(c);
}

/* ---- config ------------------------------------------------------------------------ */

/* Sets a config value on both apps. Returns 1 when both answered the same. */
static int config_both(const char *name, const char *value, char **got, char **want)
{
    struct wire_buf in = {0}, w = {0};
    wire_buf_add(&in, name, strlen(name) + 1);
    wire_buf_add(&in, value, strlen(value));
    wire_buf_add(&w, "", 0);
    frame_config(&w, ref_app, in.data, in.len);
    *want = w.data;
    *got = call("config", in.data, in.len, NULL);
    wire_buf_free(&in);
    if (strcmp(name, "SECRET_KEY") == 0)
        snprintf(cur_key, sizeof cur_key, "%s", value);
    else if (strcmp(name, "SESSION_COOKIE_NAME") == 0)
        snprintf(cookie_name, sizeof cookie_name, "%s", value);
    else if (strcmp(name, "SESSION_LIFETIME") == 0)
        lifetime = strtoll(value, NULL, 10);
    else if (strcmp(name, "OLD_SECRET_KEYS") == 0) {
        const char *comma = strchr(value, ',');
        snprintf(old_keys[0], sizeof old_keys[0], "%.*s",
                 (int)(comma ? (size_t)(comma - value) : strlen(value)), value);
        snprintf(old_keys[1], sizeof old_keys[1], "%s", comma ? comma + 1 : "");
    }
    if (*got == NULL)
        return -1;
    return strcmp(*got, *want) == 0;
}

static void test_config(void)
{
    static const char *const test =
        "vial_config_set/get/int keep the last value of each setting; an empty name is refused";
    char name[16], value[24], *got = NULL, *want = NULL;
    int rc = 1, empty_at = 3 * (1 + (int)wire_rng_below(&rng, 3)); /* a numeric value */
    for (int i = 0; i < 12 && rc == 1; i++) {
        free(got);
        free(want);
        snprintf(name, sizeof name, "OPT_%c", "ABC"[wire_rng_below(&rng, 3)]);
        if (i == empty_at)                   /* an empty name is refused (-1) */
            name[0] = '\0';
        if (i % 3 == 0)
            snprintf(value, sizeof value, "%lld", (long long)wire_rng_below(&rng, 100000));
        else
            rand_word(value, 0, 12);
        rc = config_both(name, value, &got, &want);
    }
    record(test, rc, got, want, NULL);
    free(got);
    free(want);
}

static void test_env(void)
{
    struct wire_buf in = {0}, w = {0};
    char prefix[16], names[6][16], entry[160];
    rand_word(prefix, 3, 6);
    for (char *p = prefix; *p; p++)
        *p = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
    size_t plen = strlen(prefix);
    prefix[plen] = '_';
    prefix[plen + 1] = '\0';
    wire_buf_add(&in, prefix, strlen(prefix) + 1);
    for (int i = 0; i < 6; i++) {
        char value[24];
        rand_word(names[i], 2, 10);
        rand_value(value, sizeof value);
        snprintf(entry, sizeof entry, "%s%s=%s", i == 5 ? "OTHER_" : prefix, names[i], value);
        wire_buf_add(&in, entry, strlen(entry) + 1);
    }
    wire_buf_add(&in, "--", 3);
    for (int i = 0; i < 6; i++)
        wire_buf_add(&in, names[i], strlen(names[i]) + 1);
    wire_buf_add(&w, "", 0);
    frame_env(&w, in.data, in.len);
    char *got = call("env", in.data, in.len, NULL);
    struct wire_buf shown = {0};
    wire_buf_escaped(&shown, in.data, in.len, 0);
    record("vial_config_from_env loads the variables with the prefix, and only those",
           got == NULL ? -1 : strcmp(got, w.data) == 0, got, w.data, shown.data);
    free(got);
    wire_buf_free(&in);
    wire_buf_free(&w);
    wire_buf_free(&shown);
}

/* ---- requests through the app --------------------------------------------------------- */

/* The cookie each side holds (NULL: none) and the transcript of a scenario. */
static char *jar[2];
static struct wire_buf story;

/* The cookie value of a Set-Cookie line for our cookie name, or NULL. */
static const char *cookie_value(const char *line, size_t *len)
{
    size_t n = strlen(cookie_name);
    if (strncmp(line, cookie_name, n) != 0 || line[n] != '=')
        return NULL;
    *len = strcspn(line + n + 1, ";");
    return line + n + 1;
}

/* Describes a session cookie without its time-dependent parts. */
static void describe_cookie(struct wire_buf *out, const char *v, size_t len)
{
    char *c = malloc(len + 1), line[160];
    memcpy(c, v, len);
    c[len] = '\0';
    vial_pairs data;
    vial_pairs_init(&data);
    long long now = (long long)time(NULL);
    const char *olds[3] = {old_keys[0], old_keys[1], NULL};
    const char *dot = strchr(c, '.');
    long long exp = dot ? strtoll(dot + 1, NULL, 10) : 0;
    if (len == 0)
        wire_buf_str(out, "(empty: deletes the cookie)");
    else if (vial_session_decode(c, cur_key, NULL, now, &data) == 0)
        wire_buf_str(out, "<signed with SECRET_KEY");
    else if (vial_session_decode(c, cur_key, olds, now, &data) == 0)
        wire_buf_str(out, "<signed with an OLD key");
    else
        wire_buf_str(out, "<a cookie that does not verify with SECRET_KEY");
    if (len > 0) {
        long long left = exp - now;
        if (left >= lifetime - 10 && left <= lifetime + 10)
            snprintf(line, sizeof line, ", expires in SESSION_LIFETIME (%lld s)", lifetime);
        else
            snprintf(line, sizeof line, ", expires in %lld s, not SESSION_LIFETIME (%lld s)",
                     left, lifetime);
        wire_buf_str(out, line);
        for (size_t i = 0; i < data.len; i++) {
            wire_buf_str(out, i ? ", " : ": ");
            wire_buf_escaped(out, data.items[i].name, strlen(data.items[i].name), 0);
            wire_buf_str(out, "=\"");
            wire_buf_escaped(out, data.items[i].value, strlen(data.items[i].value), 0);
            wire_buf_str(out, "\"");
        }
        wire_buf_str(out, ">");
    }
    vial_pairs_free(&data);
    free(c);
}

/* A readable form of a raw answer with session cookies described; keeps the cookie. */
static void describe(struct wire_buf *out, const char *raw, size_t len, int side)
{
    vial_response res;
    char line[64];
    vial_response_init(&res);
    if (vial_parse_response(raw, len, &res) < 0) {
        wire_buf_str(out, "an answer that is not HTTP: ");
        wire_buf_escaped(out, raw, len < 200 ? len : 200, 0);
        wire_buf_str(out, "\n");
        return;
    }
    snprintf(line, sizeof line, "%d\n", res.status);
    wire_buf_str(out, line);
    for (size_t i = 0; i < res.headers.len; i++) {
        const struct vial_pair *h = &res.headers.items[i];
        size_t vlen = 0;
        const char *v = strcmp(h->name, "Set-Cookie") == 0 ? cookie_value(h->value, &vlen) : NULL;
        wire_buf_str(out, h->name);
        wire_buf_str(out, ": ");
        if (v == NULL) {
            wire_buf_str(out, h->value);
        } else {
            wire_buf_add(out, h->value, (size_t)(v - h->value));
            describe_cookie(out, v, vlen);
            wire_buf_str(out, v + vlen);
            free(jar[side]);
            jar[side] = vlen ? malloc(vlen + 1) : NULL;
            if (jar[side] != NULL) {
                memcpy(jar[side], v, vlen);
                jar[side][vlen] = '\0';
            }
        }
        wire_buf_str(out, "\n");
    }
    wire_buf_str(out, "\n");
    wire_buf_add(out, res.body ? res.body : "", res.body_len);
    vial_response_free(&res);
}

/* The raw request for target with side's cookie (or `cookie` when not NULL). */
static void build_request(struct wire_buf *b, const char *target, int side, const char *cookie)
{
    const char *c = cookie ? cookie : jar[side];
    b->len = 0;
    wire_buf_str(b, "GET ");
    wire_buf_str(b, target);
    wire_buf_str(b, " HTTP/1.1\r\nHost: lab10\r\n");
    if (c != NULL) {
        wire_buf_str(b, "Cookie: theme=dark; ");
        wire_buf_str(b, cookie_name);
        wire_buf_str(b, "=");
        wire_buf_str(b, c);
        wire_buf_str(b, "\r\n");
    }
    wire_buf_str(b, "\r\n");
}

/* Sends target to both sides. Returns 1 when both answers read the same, 0 when not
 * (got/want keep them; caller frees), -1 when the program is gone. */
static int exchange(const char *target, const char *cookie, char **got, char **want)
{
    struct wire_buf rq = {0}, w = {0}, g = {0}, ref = {0};
    size_t alen = 0;
    build_request(&rq, target, 1, cookie);
    wire_buf_add(&ref, "", 0);
    frame_request(&ref, ref_app, rq.data, rq.len);
    describe(&w, ref.data, ref.len, 1);
    build_request(&rq, target, 0, cookie);
    char *raw = call("request", rq.data, rq.len, &alen);
    if (raw != NULL)
        describe(&g, raw, alen, 0);
    wire_buf_str(&story, "> GET ");
    wire_buf_str(&story, target);
    wire_buf_str(&story, cookie ? " (with a forged cookie)\n" : "\n");
    wire_buf_free(&rq);
    wire_buf_free(&ref);
    free(raw);
    *got = g.data;
    *want = w.data;
    if (raw == NULL)
        return -1;
    return g.data != NULL && w.data != NULL && strcmp(g.data, w.data) == 0;
}

/* Runs a scenario of targets (NULL-terminated) until one differs (see exchange). A
 * target starting with '!' is sent with the side's cookie tampered (last character). */
static int scenario_run(const char *const *targets, char **got, char **want)
{
    int rc = 1;
    for (size_t i = 0; targets[i] != NULL && rc == 1; i++) {
        free(*got);
        free(*want);
        *got = *want = NULL;
        char forged[512] = "";
        const char *t = targets[i];
        if (t[0] == '!') {
            snprintf(forged, sizeof forged, "%s", jar[1] ? jar[1] : "e30.99999999999.x");
            size_t n = strlen(forged);
            forged[n - 1] = forged[n - 1] == 'A' ? 'B' : 'A';
            t++;
        }
        rc = exchange(t, forged[0] ? forged : NULL, got, want);
    }
    return rc;
}

/* Starts a transcript and forgets both sides' cookies. */
static void story_reset(void);

/* One test: a scenario from empty cookie jars. */
static void scenario(const char *test, const char *const *targets)
{
    char *got = NULL, *want = NULL;
    story_reset();
    int rc = scenario_run(targets, &got, &want);
    record(test, rc, got, want, story.data);
    free(got);
    free(want);
}

/* Sets config on both sides inside a scenario; 1 when both agreed. */
static int scenario_config(const char *name, const char *value, char **got, char **want)
{
    free(*got);
    free(*want);
    wire_buf_str(&story, "* config ");
    wire_buf_str(&story, name);
    wire_buf_str(&story, " = ");
    wire_buf_str(&story, value);
    wire_buf_str(&story, "\n");
    return config_both(name, value, got, want);
}

static void story_reset(void)
{
    free(jar[0]);
    free(jar[1]);
    jar[0] = jar[1] = NULL;
    story.len = 0;
    wire_buf_add(&story, "", 0);
}

/* A random walk of session operations with random names and values. */
static void test_walk(int k)
{
    static const char *const ops[] = {"/set", "/get", "/remove", "/flash", "/flashes",
                                      "/noop", "/clear", "/set", "/get", "/set"};
    char targets[14][256], test[96];
    const char *list[15];
    for (int i = 0; i < 14; i++) {
        const char *op = ops[i == 0 ? 0 : wire_rng_below(&rng, sizeof ops / sizeof ops[0])];
        int n = 1 + (int)wire_rng_below(&rng, 3);
        size_t at = (size_t)snprintf(targets[i], sizeof targets[i], "%s", op);
        for (int a = 0; a < n && strcmp(op, "/clear") && strcmp(op, "/flashes")
                        && strcmp(op, "/noop"); a++) {
            char name[8] = {(char)('a' + wire_rng_below(&rng, 4)), '\0'}, value[48];
            rand_value(value, sizeof value);
            char *enc = vial_percent_encode(value, 0);
            at += (size_t)snprintf(targets[i] + at, sizeof targets[i] - at, "%c%s=%s",
                                   a ? '&' : '?', name, enc ? enc : "");
            free(enc);
        }
        list[i] = targets[i];
    }
    list[14] = NULL;
    snprintf(test, sizeof test, "random walk %d: 14 requests keep the session like the reference", k);
    scenario(test, list);
}

/* Runs config steps and target lists alternately: each NULL-terminated list of
 * targets, or a config step written "=NAME=VALUE". One test. */
static void scenario_mixed(const char *test, const char *const *steps)
{
    char *got = NULL, *want = NULL;
    int rc = 1;
    story_reset();
    for (size_t i = 0; steps[i] != NULL && rc == 1; i++) {
        if (steps[i][0] == '=') {
            char name[64];
            const char *eq = strchr(steps[i] + 1, '=');
            snprintf(name, sizeof name, "%.*s", (int)(eq - steps[i] - 1), steps[i] + 1);
            rc = scenario_config(name, eq + 1, &got, &want);
        } else {
            const char *one[2] = {steps[i], NULL};
            rc = scenario_run(one, &got, &want);
        }
    }
    record(test, rc, got, want, story.data);
    free(got);
    free(want);
}

static void test_requests(void)
{
    char key[40], key2[40], step[3][96];
    rand_word(key, 8, 30);
    rand_word(key2, 8, 30);
    snprintf(step[0], sizeof step[0], "=SECRET_KEY=%s", key);
    const char *nokey[] = {"/set?a=1", "/get?a", "/flash?info=x", step[0], "/set?a=1", "/get?a", NULL};
    scenario_mixed("without SECRET_KEY setting fails and no cookie is sent; with it the session works",
                   nokey);
    const char *dflt[] = {"/set?user=ada&role=admin", "/get?user&role&other", NULL};
    scenario("the cookie is signed, HttpOnly, Path=/, SameSite=Lax, Max-Age=SESSION_LIFETIME", dflt);
    const char *alone[] = {"/set?a=1", "/get?a", "/noop", "/get?a&b", "/remove?zz", NULL};
    scenario("a request that leaves the session unchanged sends no cookie", alone);
    const char *forged[] = {"/set?a=1&b=2", "!/get?a&b", "/get?a&b", NULL};
    scenario("a tampered cookie reaches the view as an empty session", forged);
    char longcat[300];                       /* categories of 120 and 121 bytes */
    size_t at = (size_t)snprintf(longcat, sizeof longcat, "/flash?");
    for (int k = 0; k < 2; k++) {
        char ch = alnum[wire_rng_below(&rng, sizeof alnum - 1)];
        for (int j = 0; j < 120 + k; j++)
            longcat[at++] = ch;
        at += (size_t)snprintf(longcat + at, sizeof longcat - at, "=m%d%s", k, k ? "" : "&");
    }
    const char *flash[] = {"/flash?info=saved&error=no%20way", "/flashes?null=1", "/get?a",
                           "/flash?info=again", longcat, "/flashes", "/flashes", NULL};
    scenario("flash messages wait in the session and are shown once, in order", flash);
    const char *clear[] = {"/set?a=1&b=2", "/remove?a", "/remove", "/get?a&b", "/clear",
                           "/get?a&b", NULL};
    scenario("remove and clear change the session; an emptied session deletes the cookie", clear);
    snprintf(step[1], sizeof step[1], "=SECRET_KEY=%s", key2);
    snprintf(step[2], sizeof step[2], "=OLD_SECRET_KEYS=retired,%s", key);
    const char *rotate[] = {step[0], "/set?a=1", step[1], step[2], "/get?a", "/set?b=2",
                            "/get?a&b", "=OLD_SECRET_KEYS=", NULL};
    scenario_mixed("key rotation: the old key still reads a cookie, changes are signed with the new",
                   rotate);
    for (int k = 1; k <= 3; k++)
        test_walk(k);
    const char *shape[] = {"=SESSION_COOKIE_NAME=sid", "=SESSION_COOKIE_SAMESITE=Strict",
                           "=SESSION_COOKIE_SECURE=1", "=SESSION_LIFETIME=600", "/set?a=1",
                           "/get?a", "/clear", "=SESSION_COOKIE_NAME=session",
                           "=SESSION_COOKIE_SAMESITE=Lax", "=SESSION_COOKIE_SECURE=0",
                           "=SESSION_LIFETIME=2678400", NULL};
    scenario_mixed("SESSION_COOKIE_NAME, _SAMESITE, _SECURE and SESSION_LIFETIME shape the cookie",
                   shape);
}

int main(int argc, char **argv)
{
    uint64_t seed = wire_seed_arg(argc, argv);
    wire_rng_seed(&rng, seed);
    wire_peer_init(&peer, 10000);
    ref_app = lab10_app();
    tap_plan(19);
    series("vial_session_encode gives the reference's cookie for random sessions", "encode", 30,
           make_encode);
    series("vial_session_decode reads random sessions back (one second before expiry too)",
           "decode", 20, make_decode);
    rand_word(tamper_key, 8, 32);
    tamper_cookie = ref_cookie(tamper_key, 2000000000LL);
    series("a valid cookie is read; every byte changed gives an empty session", "decode",
           (int)strlen(tamper_cookie) + 1, make_tamper);
    series("a valid cookie is read; cut at any length it gives an empty session", "decode",
           (int)strlen(tamper_cookie) + 1, make_truncate);
    free(tamper_cookie);
    series("expiry, wrong keys and rotation: accepted only with a listed key before expiry",
           "decode", 16, make_keys);
    series("EXPIRES is 1 to 18 digits: 18 are read; signed but empty, 19 or not digits: refused",
           "decode", 21, make_expiry);
    test_config();
    test_env();
    test_requests();
    story_reset();
    wire_buf_free(&story);
    vial_app_free(ref_app);
    return wire_finish(&peer);
}
