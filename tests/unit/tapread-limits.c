/* tapread-limits.c -- the TAP reader against hostile and large input: the byte cap and
 * the test-count cap, tap.h output read back field for field (round trip), and a
 * seeded random-input loop checking the report's invariants, long values. Cases are
 * numbered L1..L8. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"
#include "tapread.h"
#include "util.h"

static uint64_t rng_state = 0x5eed1234abcdULL;

static unsigned rnd(unsigned n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (unsigned)(rng_state % n);
}

/* 1 when s is display-safe: valid UTF-8, no control byte but newline and tab. */
static int display_safe(const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    if (!s)
        return 1;
    while (*u) {
        size_t len = *u < 0x80 ? 1 : (*u & 0xE0) == 0xC0 ? 2 : (*u & 0xF0) == 0xE0 ? 3
                   : (*u & 0xF8) == 0xF0 ? 4 : 0;
        if (!len || (*u < 0x20 && *u != '\n' && *u != '\t') || *u == 0x7F)
            return 0;
        for (size_t i = 1; i < len; i++)
            if ((u[i] & 0xC0) != 0x80)
                return 0;
        u += len;
    }
    return 1;
}

/* Checks what must hold for any report; returns a reason or NULL. */
static const char *report_broken(const struct tap_report *r)
{
    if ((size_t)(r->passed + r->failed + r->skipped + r->todo) != r->ntests)
        return "counts do not add up";
    if (r->valid && (r->plan < 0 || (size_t)r->plan != r->ntests || r->bailed_out ||
                     r->truncated))
        return "valid report with a plan problem";
    if (!display_safe(r->problems) || !display_safe(r->bail_reason) ||
        !display_safe(r->skip_all_reason))
        return "unsafe report text";
    for (size_t i = 0; i < r->ntests; i++) {
        const struct tap_test *t = &r->tests[i];
        const char *f[] = { t->description, t->reason, t->message, t->got, t->expected,
                            t->at, t->seed, t->transcript, t->diag };
        for (size_t k = 0; k < sizeof f / sizeof f[0]; k++)
            if (!display_safe(f[k]))
                return "unsafe test text";
    }
    return NULL;
}

/* L1: a stream far over the cap is cut at a line boundary, quickly. */
static void huge_stream(void)
{
    struct sb sb;
    sb_init(&sb);
    for (int i = 1; sb.len < (TAPREAD_DEFAULT_CAP + (1u << 20)); i++)
        sb_printf(&sb, "ok %d - a test with a long enough description\n", i);
    double t0 = util_mono();
    struct tap_report *r = tapread_parse(sb.buf, sb.len, 0);
    double secs = util_mono() - t0;
    ok(r->truncated && !r->valid, "L1 over the cap: truncated, not valid");
    ok(r->ntests == 100000, "L1 test count capped at 100000 (got %zu)", r->ntests);
    ok(r->problems && strstr(r->problems, "cap"), "L1 the cut is listed as a problem");
    ok(secs < 10, "L1 parsed in %.2f s", secs);
    tapread_free(r);
    sb_free(&sb);
}

/* L2: a cap that falls mid-line drops that line whole. */
static void cap_mid_line(void)
{
    const char *s = "TAP version 13\n1..2\nok 1 - one\nnot ok 2 - two\n";
    size_t cut = strlen("TAP version 13\n1..2\nok 1 - one\nnot o");
    struct tap_report *r = tapread_parse(s, strlen(s), cut);
    ok(r->truncated && r->ntests == 1 && r->failed == 0, "L2 partial line at the cap dropped");
    tapread_free(r);
    r = tapread_parse(NULL, 0, 0);
    ok(r && r->ntests == 0 && !r->valid && r->plan == -1, "L2 NULL input reads as empty");
    tapread_free(r);
}

/* L3: a 1 MiB block scalar and a 1 MiB quoted value come back whole. */
static void big_values(void)
{
    struct sb sb;
    sb_init(&sb);
    sb_puts(&sb, "TAP version 13\n1..1\nnot ok 1 - big\n  ---\n  got: |\n");
    for (int i = 0; i < 16384; i++)
        sb_puts(&sb, "    0123456789abcdef0123456789abcdef0123456789abcdef0123456789ab\n");
    sb_puts(&sb, "  expected: \"");
    for (int i = 0; i < 65536; i++)
        sb_puts(&sb, "\\x41bcdefghijklmn");
    sb_puts(&sb, "\"\n  ...\n");
    struct tap_report *r = tapread_parse(sb.buf, sb.len, 0);
    ok(r->valid && r->ntests == 1, "L3 big YAML values parse");
    ok(r->tests[0].got && strlen(r->tests[0].got) == 16384u * 61, "L3 block scalar length");
    ok(r->tests[0].expected && strlen(r->tests[0].expected) == 65536u * 14,
       "L3 quoted value length");
    tapread_free(r);
    sb_free(&sb);
}

/* Pieces random strings are made of: text tap.h must carry exactly, and bytes it must
 * escape. Each piece is whole (UTF-8 sequences are never split). */
static const char *const pieces[] = {
    "a", "Z", "0", " ", "  ", "\n", "\t", "\"", "\\", "#", ":", "|", "-", "---", "...",
    "é", "€", "\xF0\x9F\x98\x80", "\r", "\x01", "\x1B", "\x7F", "\xFF", "\xC3", "ok 1",
    "not ok", "|-", "~", "'", "\\x41",
};
/* How tapread shows each piece back (the display-safe form). */
static const char *const shown[] = {
    "a", "Z", "0", " ", "  ", "\n", "\t", "\"", "\\", "#", ":", "|", "-", "---", "...",
    "é", "€", "\xF0\x9F\x98\x80", "\\r", "\\x01", "\\x1B", "\\x7F", "\\xFF", "\\xC3", "ok 1",
    "not ok", "|-", "~", "'", "\\x41",
};

#define NPIECES (sizeof pieces / sizeof pieces[0])
#define ROUNDS 400

static void random_text(struct sb *raw, struct sb *want)
{
    int n = (int)rnd(12);
    for (int i = 0; i < n; i++) {
        unsigned k = rnd(NPIECES);
        sb_puts(raw, pieces[k]);
        sb_puts(want, shown[k]);
    }
}

/* Child side of the round trip: ROUNDS failing is_str tests written by tap.h itself. */
static void roundtrip_emit(void)
{
    for (int i = 0; i < ROUNDS; i++) {
        struct sb g, e, dummy;
        sb_init(&g); sb_init(&e); sb_init(&dummy);
        random_text(&g, &dummy);
        random_text(&e, &dummy);
        sb_puts(&e, "!");          /* never equal to got */
        is_str(g.buf, e.buf, "round %d", i);
        sb_free(&g); sb_free(&e); sb_free(&dummy);
    }
}

/* Runs emit() in a child whose tap.h output (on fd 1) is captured; returns the parsed
 * report. The caller frees it. */
static struct tap_report *capture(void (*emit)(void))
{
    int fds[2];
    if (pipe(fds) != 0)
        BAIL_OUT("pipe");
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        dup2(fds[1], 1);
        emit();
        fflush(NULL);
        _exit(0);
    }
    close(fds[1]);
    struct sb in;
    sb_init(&in);
    char chunk[4096];
    ssize_t got;
    while ((got = read(fds[0], chunk, sizeof chunk)) > 0)
        sb_add(&in, chunk, (size_t)got);
    close(fds[0]);
    waitpid(pid, NULL, 0);
    struct tap_report *r = tapread_parse(in.buf, in.len, 0);
    sb_free(&in);
    return r;
}

/* L4: whatever tap.h writes, tapread gives back (display-safe form) byte for byte. */
static void roundtrip(void)
{
    uint64_t seed = rng_state;
    struct tap_report *r = capture(roundtrip_emit);
    rng_state = seed;               /* replay the child's draws */
    int bad = -1;
    for (int i = 0; i < ROUNDS && bad < 0; i++) {
        struct sb g, e, wg, we;
        sb_init(&g); sb_init(&e); sb_init(&wg); sb_init(&we);
        random_text(&g, &wg);
        random_text(&e, &we);
        sb_puts(&we, "!");
        const struct tap_test *t = (size_t)i < r->ntests ? &r->tests[i] : NULL;
        if (!t || !t->got || !t->expected || strcmp(t->got, wg.buf) != 0 ||
            strcmp(t->expected, we.buf) != 0)
            bad = i;
        sb_free(&g); sb_free(&e); sb_free(&wg); sb_free(&we);
    }
    ok(r->ntests == ROUNDS && r->failed == ROUNDS, "L4 %d failures read back", ROUNDS);
    ok(bad < 0, "L4 every got/expected survives the round trip (first bad: %d)", bad);
    if (bad >= 0 && (size_t)bad < r->ntests)
        diag("got back: %s", r->tests[bad].got ? r->tests[bad].got : "(none)");
    tapread_free(r);
}

/* Child side of L8: values past tap.h's 16 KiB display cap. */
static void long_emit(void)
{
    static char big[20000], big2[20000], bytes[20000];
    memset(big, 'x', sizeof big - 1);
    memcpy(big2, big, sizeof big);
    big2[18000] = 'y';
    memset(bytes, 0xAB, sizeof bytes);
    is_str(big, "short", "a long string");
    is_bytes(bytes, sizeof bytes, bytes, sizeof bytes - 1, "long bytes");
    is_str(big, big2, "long strings differing late");
}

/* L8: long values are cut at 16 KiB, or shown from just before the first difference. */
static void long_values(void)
{
    struct tap_report *r = capture(long_emit);
    const struct tap_test *t = r->ntests == 3 ? r->tests : NULL;
    ok(t && t[0].got && strlen(t[0].got) == 16384 && t[0].message &&
       strstr(t[0].message, "cut to their first 16384"),
       "L8 a 19999-byte string is shown cut to 16384, and said");
    ok(t && t[1].got && strlen(t[1].got) == 65 * 4 && t[1].expected &&
       strlen(t[1].expected) == 64 * 4 && t[1].message &&
       strstr(t[1].message, "offset 19999") && strstr(t[1].message, "from byte 19935"),
       "L8 is_bytes: shown escaped from just before the difference, and said");
    ok(t && t[2].got && strlen(t[2].got) == 19999 - 17936 && t[2].expected &&
       t[2].expected[64] == 'y' && strstr(t[2].message, "from byte 17936"),
       "L8 is_str: a late difference stays in view");
    tapread_free(r);
}

/* Tokens the random streams are made of, so the parser's paths are all reached. */
static const char *const tokens[] = {
    "ok", "not ok", " ", "1", "42", "-", "#", " # SKIP", " # TODO", "\n", "\n", "\n",
    "  ---\n", "  ...\n", "  got: |\n", "  got: |-\n", "    text\n", "  message: \"",
    "\"", "\\", "\\x", "\\xZZ", "\\\"", "1..", "1..0 # SKIP", "Bail out!", "TAP version 13\n",
    "# diag", "    ok 1", "\r", "\xFF", "'", "''", "  expected: >\n", "  at: x:1\n", "\t",
    "99999999999", "\x00", "pragma +strict",
};

/* L5: random token streams and random bytes never break the report's invariants. */
static void random_loop(void)
{
    const char *broken = NULL;
    int iter;
    char buf[2048];
    for (iter = 0; iter < 20000 && !broken; iter++) {
        size_t len = 0;
        int ntok = (int)rnd(60);
        for (int k = 0; k < ntok; k++) {
            const char *t = tokens[rnd(sizeof tokens / sizeof tokens[0])];
            size_t tl = t[0] ? strlen(t) : 1;       /* "\x00" is one NUL byte */
            if (rnd(8) == 0) {
                buf[len++] = (char)rnd(256);
                tl = 0;
            }
            if (len + tl > sizeof buf)
                break;
            memcpy(buf + len, t, tl);
            len += tl;
        }
        size_t cap = rnd(4) == 0 ? rnd((unsigned)len + 1) + 1 : 0;
        struct tap_report *r = tapread_parse(buf, len, cap);
        broken = report_broken(r);
        char *d = tapread_describe(r);
        free(d);
        tapread_free(r);
    }
    ok(!broken, "L5 %d random streams keep the invariants%s%s", iter, broken ? ": " : "",
       broken ? broken : "");
}

/* L6: a report with valid=1 needs everything: plan, all numbers, nothing cut. */
static void validity(void)
{
    static const struct { const char *tap; int valid; } cases[] = {
        { "1..1\nok 1\n", 1 },
        { "1..1\nok 1", 0 },
        { "1..1\nok 1\n  ---\n  message: x\n", 0 },
        { "1..2\nok 1\nok 1\n", 0 },
        { "ok 1\n", 0 },
        { "1..0\n", 1 },
        { "1..0\nok 1\n", 0 },
        { "1..1\nBail out!\nok 1\n", 0 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct tap_report *r = tapread_parse(cases[i].tap, strlen(cases[i].tap), 0);
        is_int(r->valid, cases[i].valid, "L6.%zu valid flag", i + 1);
        tapread_free(r);
    }
}

/* L7: a forged "ok" hidden in a YAML value or a description is not a test. */
static void forgery(void)
{
    const char *s = "TAP version 13\n1..1\nnot ok 1 - x\n  ---\n  got: |\n    ok 2\n"
                    "    1..2\n  ...\n";
    struct tap_report *r = tapread_parse(s, strlen(s), 0);
    ok(r->ntests == 1 && r->failed == 1 && r->valid, "L7 TAP inside a block scalar is data");
    tapread_free(r);
}

int main(void)
{
    huge_stream();
    cap_mid_line();
    big_values();
    roundtrip();
    random_loop();
    validity();
    forgery();
    long_values();
    return done_testing();
}
