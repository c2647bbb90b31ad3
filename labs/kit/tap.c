/* tap.c -- the TAP 13 writer behind tap.h: test lines, YAML failure blocks, plans,
 * skip/todo, bail out, and cases run in a forked child (crash/time-out isolation).
 * Portable POSIX C11, self-contained: it is compiled into lab checkers and public tests. */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700   /* SA_ONSTACK: let a sanitizer's alternate stack be used */
#endif
#include "tap.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Largest value shown in a YAML field; longer ones are cut and the cut is said. */
#define TAP_SHOW_MAX 16384
#define TAP_EXTRA_MAX 8

/* A growable output chunk; each test line plus its YAML block is written at once so
 * that lines from several processes never interleave mid-line. */
struct tap_buf {
    char *p;
    size_t len, cap;
};

/* Progress a forked child sends to its parent after every test. */
struct tap_progress {
    int run, failed, bailed, sig;
};

static struct {
    int fd;                 /* -1 until resolved from $TAP_FD */
    int header_done;
    int planned;            /* -1 no plan yet */
    int run, failed;
    char *todo_why;
    int child_pipe;         /* >= 0 inside a run_isolated child */
    char *seed;             /* set by tap_set_seed, else $TAP_SEED */
    char *extra_key[TAP_EXTRA_MAX], *extra_val[TAP_EXTRA_MAX];
    int nextra;
} tap = { -1, 0, -1, 0, 0, NULL, -1, NULL, {NULL}, {NULL}, 0 };

static void buf_grow(struct tap_buf *b, size_t more)
{
    if (b->len + more + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + more + 1)
        cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p)
        abort();
    b->p = p;
    b->cap = cap;
}

static void buf_add(struct tap_buf *b, const char *s, size_t n)
{
    buf_grow(b, n);
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void buf_str(struct tap_buf *b, const char *s)
{
    buf_add(b, s, strlen(s));
}

static void buf_vfmt(struct tap_buf *b, const char *fmt, va_list ap)
{
    if (!fmt)
        return;
    va_list cp;
    va_copy(cp, ap);
    int n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0)
        return;
    buf_grow(b, (size_t)n);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

static void __attribute__((format(printf, 2, 3)))
buf_fmt(struct tap_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    buf_vfmt(b, fmt, ap);
    va_end(ap);
}

static int out_fd(void)
{
    if (tap.fd >= 0)
        return tap.fd;
    tap.fd = 1;
    const char *env = getenv("TAP_FD");
    if (env && *env) {
        char *end;
        errno = 0;
        long v = strtol(env, &end, 10);
        if (!errno && *end == '\0' && v >= 0 && v <= 65535 && fcntl((int)v, F_GETFD) != -1)
            tap.fd = (int)v;
    }
    return tap.fd;
}

static void write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return;
        p += w;
        n -= (size_t)w;
    }
}

/* Emits the chunk, preceded by the version line the first time anything is written. */
static void emit(struct tap_buf *b)
{
    int fd = out_fd();
    if (fd == 1)
        fflush(stdout);     /* the tested code's printf output must not split a line */
    if (!tap.header_done) {
        tap.header_done = 1;
        write_all(fd, "TAP version 13\n", 15);
    }
    if (b && b->len)
        write_all(fd, b->p, b->len);
    if (b)
        free(b->p);
}

/* ---- escaping -------------------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0 if invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    size_t len;
    unsigned min;
    if (s[0] < 0x80)
        return 1;
    if ((s[0] & 0xE0) == 0xC0) { len = 2; min = 0x80; }
    else if ((s[0] & 0xF0) == 0xE0) { len = 3; min = 0x800; }
    else if ((s[0] & 0xF8) == 0xF0) { len = 4; min = 0x10000; }
    else return 0;
    if (len > n)
        return 0;
    unsigned cp = s[0] & (0x7F >> len);
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

/* Appends a YAML double-quoted scalar. Bytes that are not printable text become \xNN
 * (a byte, as tapread reads it back); `binary` escapes every byte >= 0x80 too. */
static void buf_quoted(struct tap_buf *b, const char *s, size_t n, int binary)
{
    static const char from[] = "\"\\\n\t\r";
    static const char *const to[] = { "\\\"", "\\\\", "\\n", "\\t", "\\r" };
    const unsigned char *u = (const unsigned char *)s;
    buf_add(b, "\"", 1);
    for (size_t i = 0; i < n;) {
        const char *hit = u[i] ? strchr(from, u[i]) : NULL;
        size_t seq = (!binary && u[i] >= 0x80) ? utf8_seq(u + i, n - i) : 0;
        if (hit) {
            buf_str(b, to[hit - from]);
            i++;
        } else if (u[i] >= 0x20 && u[i] < 0x7F) {
            buf_add(b, s + i, 1);
            i++;
        } else if (seq) {
            buf_add(b, s + i, seq);
            i += seq;
        } else {
            buf_fmt(b, "\\x%02X", u[i]);
            i++;
        }
    }
    buf_add(b, "\"", 1);
}

/* A multi-line text is written as a `|` block scalar when both real YAML and prove's
 * YAMLish reader (which knows `|` but not `|-` or `|+`, and ends a block at an empty
 * line) give it back exactly: valid UTF-8 without control characters but tab and
 * newline, exactly one trailing newline, no line starting with a tab, the first line
 * starting with content. Anything else is written quoted. */
static int block_ok(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    if (n < 2 || s[n - 1] != '\n' || s[n - 2] == '\n' || !memchr(s, '\n', n - 1) ||
        u[0] == ' ' || u[0] == '\t' || u[0] == '\n')
        return 0;
    for (size_t i = 0; i < n;) {
        size_t seq = utf8_seq(u + i, n - i);
        if (!seq || (u[i] < 0x20 && u[i] != '\n' && u[i] != '\t') || u[i] == 0x7F)
            return 0;
        if (u[i] == '\n' && i + 1 < n && u[i + 1] == '\t')
            return 0;
        i += seq;
    }
    return 1;
}

/* Appends "  key: |" and the lines indented by four; empty lines keep the indentation
 * so that YAMLish readers do not end the block there. */
static void buf_block(struct tap_buf *b, const char *key, const char *s, size_t n)
{
    buf_fmt(b, "  %s: |\n", key);
    for (size_t i = 0; i < n;) {
        const char *nl = memchr(s + i, '\n', n - i);
        size_t stop = nl ? (size_t)(nl - s) : n;
        buf_add(b, "    ", 4);
        buf_add(b, s + i, stop - i);
        buf_add(b, "\n", 1);
        i = stop + 1;
    }
}

/* Appends one YAML field; NULL is written as ~ (YAML's null). */
static void buf_field(struct tap_buf *b, const char *key, const char *s, size_t n, int binary)
{
    if (!s) {
        buf_fmt(b, "  %s: ~\n", key);
        return;
    }
    if (n > TAP_SHOW_MAX)
        n = TAP_SHOW_MAX;
    if (!binary && block_ok(s, n)) {
        buf_block(b, key, s, n);
        return;
    }
    buf_fmt(b, "  %s: ", key);
    buf_quoted(b, s, n, binary);
    buf_add(b, "\n", 1);
}

/* Appends text for a test line or directive: one line, '#' and '\' escaped (TAP 14). */
static void buf_desc(struct tap_buf *b, const char *s)
{
    for (; *s; s++) {
        if (*s == '#' || *s == '\\')
            buf_add(b, "\\", 1);
        buf_add(b, (*s == '\n' || *s == '\r') ? " " : s, 1);
    }
}

/* ---- reporting ------------------------------------------------------------------- */

/* Details of one failure, each field NULL when not shown. */
struct tap_fail {
    const char *message;
    const char *got, *expected;
    size_t got_len, expected_len;
    int plain, binary;      /* plain: numbers, written bare; binary: is_bytes */
};

/* Inside an isolated case: tells the parent how far the case got. */
static void child_progress(void)
{
    struct tap_progress p = { tap.run, tap.failed, 0, 0 };
    if (tap.child_pipe >= 0)
        write_all(tap.child_pipe, (const char *)&p, sizeof p);
}

static void clear_extras(void)
{
    for (int i = 0; i < tap.nextra; i++) {
        free(tap.extra_key[i]);
        free(tap.extra_val[i]);
    }
    tap.nextra = 0;
}

static void buf_value(struct tap_buf *b, const char *key, const char *s, size_t n,
                      const struct tap_fail *f)
{
    if (f->plain && s)
        buf_fmt(b, "  %s: %s\n", key, s);
    else
        buf_field(b, key, s, n, f->binary);
}

static void buf_yaml(struct tap_buf *b, const char *file, int line, const struct tap_fail *f)
{
    const char *seed = tap.seed ? tap.seed : getenv("TAP_SEED");
    buf_str(b, "  ---\n");
    if (f->message) {
        struct tap_buf m = { NULL, 0, 0 };
        buf_str(&m, f->message);
        if (f->got_len > TAP_SHOW_MAX || f->expected_len > TAP_SHOW_MAX)
            buf_fmt(&m, " (values cut to their first %d bytes)", TAP_SHOW_MAX);
        buf_field(b, "message", m.p, m.len, 0);
        free(m.p);
    }
    if (f->got || f->expected) {
        buf_value(b, "got", f->got, f->got_len, f);
        buf_value(b, "expected", f->expected, f->expected_len, f);
    }
    buf_fmt(b, "  at: %s:%d\n", file ? file : "?", line);
    static const char alnum[] = "0123456789abcdefghijklmnopqrstuvwxyz"
                                "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    if (seed && *seed && strspn(seed, alnum) == strlen(seed))
        buf_fmt(b, "  seed: %s\n", seed);
    else if (seed && *seed)
        buf_field(b, "seed", seed, strlen(seed), 0);
    for (int i = 0; i < tap.nextra; i++)
        buf_field(b, tap.extra_key[i], tap.extra_val[i], strlen(tap.extra_val[i]), 0);
    buf_str(b, "  ...\n");
}

/* Prints one result line (and the YAML block on failure); returns pass. */
static int report(const char *file, int line, int pass, const struct tap_fail *f,
                  const char *fmt, va_list ap)
{
    struct tap_buf b = { NULL, 0, 0 };
    struct tap_buf d = { NULL, 0, 0 };
    tap.run++;
    if (!pass && !tap.todo_why)
        tap.failed++;
    buf_fmt(&b, "%s %d", pass ? "ok" : "not ok", tap.run);
    if (fmt && *fmt) {
        buf_vfmt(&d, fmt, ap);
        buf_str(&b, " - ");
        buf_desc(&b, d.p ? d.p : "");
        free(d.p);
    }
    if (tap.todo_why) {
        buf_str(&b, " # TODO ");
        buf_desc(&b, tap.todo_why);
    }
    buf_add(&b, "\n", 1);
    if (!pass)
        buf_yaml(&b, file, line, f);
    clear_extras();
    emit(&b);
    child_progress();
    return pass;
}

/* Reports with the caller's format arguments; used by every assertion below. */
#define REPORT(pass, failp)                                        \
    do {                                                           \
        va_list ap;                                                \
        va_start(ap, fmt);                                         \
        int r = report(file, line, (pass), (failp), fmt, ap);      \
        va_end(ap);                                                \
        return r;                                                  \
    } while (0)

int tap_ok(const char *file, int line, int pass, const char *fmt, ...)
{
    struct tap_fail f = { "the condition was false", NULL, NULL, 0, 0, 0, 0 };
    REPORT(pass != 0, &f);
}

int tap_is_int(const char *file, int line, long long got, long long expected,
               const char *fmt, ...)
{
    char g[32], e[32];
    snprintf(g, sizeof g, "%lld", got);
    snprintf(e, sizeof e, "%lld", expected);
    struct tap_fail f = { "the numbers differ", g, e, strlen(g), strlen(e), 1, 0 };
    REPORT(got == expected, &f);
}

/* Offset of the first difference of two buffers (the shorter length if one is a prefix). */
static size_t first_diff(const void *a, size_t alen, const void *b, size_t blen)
{
    const unsigned char *x = a, *y = b;
    size_t at = 0, min = alen < blen ? alen : blen;
    if (x && y)
        while (at < min && x[at] == y[at])
            at++;
    return at;
}

/* When a value is too long to show whole, shows both from shortly before the first
 * difference, so the part that matters is never cut away; notes it in msg. */
static void show_window(struct tap_fail *f, size_t at, char *msg, size_t msgsz)
{
    size_t start = at > 64 ? at - 64 : 0;
    if ((f->got_len <= TAP_SHOW_MAX && f->expected_len <= TAP_SHOW_MAX) || start == 0)
        return;
    start = start < f->got_len ? start : f->got_len;
    start = start < f->expected_len ? start : f->expected_len;
    if (f->got) { f->got += start; f->got_len -= start; }
    if (f->expected) { f->expected += start; f->expected_len -= start; }
    size_t used = strlen(msg);
    snprintf(msg + used, msgsz - used, "; both shown from byte %zu", start);
}

int tap_is_str(const char *file, int line, const char *got, const char *expected,
               const char *fmt, ...)
{
    int pass = (got && expected) ? strcmp(got, expected) == 0 : got == expected;
    char msg[160] = "the strings differ";
    struct tap_fail f = { msg, got, expected, got ? strlen(got) : 0,
                          expected ? strlen(expected) : 0, 0, 0 };
    if (!pass)
        show_window(&f, first_diff(got, f.got_len, expected, f.expected_len), msg, sizeof msg);
    REPORT(pass, &f);
}

int tap_is_bytes(const char *file, int line, const void *got, size_t got_len,
                 const void *expected, size_t expected_len, const char *fmt, ...)
{
    size_t at = first_diff(got, got_len, expected, expected_len);
    int pass = (got && expected) ? (got_len == expected_len && at == got_len) : got == expected;
    char msg[200];
    snprintf(msg, sizeof msg, "the bytes differ at offset %zu (got %zu bytes, expected %zu)",
             at, got_len, expected_len);
    struct tap_fail f = { msg, got, expected, got_len, expected_len, 0, 1 };
    if (!pass)
        show_window(&f, at, msg, sizeof msg);
    REPORT(pass, &f);
}

int tap_like(const char *file, int line, const char *got, const char *substring,
             const char *fmt, ...)
{
    int pass = got && substring && strstr(got, substring) != NULL;
    struct tap_fail f = { "the text does not contain the expected part", got, substring,
                          got ? strlen(got) : 0, substring ? strlen(substring) : 0, 0, 0 };
    REPORT(pass, &f);
}

int tap_fail_with(const char *file, int line, const char *message, const char *got,
                  const char *expected, const char *fmt, ...)
{
    struct tap_fail f = { message, got, expected, got ? strlen(got) : 0,
                          expected ? strlen(expected) : 0, 0, 0 };
    REPORT(0, &f);
}

/* ---- plan, comments, directives ------------------------------------------------------ */

void tap_plan(int n)
{
    struct tap_buf b = { NULL, 0, 0 };
    if (tap.child_pipe >= 0)
        return;             /* an isolated case's tests count in its parent's plan */
    if (tap.planned >= 0 || tap.run > 0 || n < 0) {
        tap_diag("tap_plan(%d) ignored: a plan must come once, before any test", n);
        return;
    }
    tap.planned = n;
    buf_fmt(&b, "1..%d\n", n);
    emit(&b);
}

/* Emits one line: head as is, then text escaped as a description. */
static void emit_line(const char *head, const char *text)
{
    struct tap_buf b = { NULL, 0, 0 };
    buf_str(&b, head);
    buf_desc(&b, text ? text : "");
    buf_add(&b, "\n", 1);
    emit(&b);
}

void tap_skip_all(const char *why)
{
    emit_line("1..0 # SKIP ", why);
    fflush(NULL);
    if (tap.child_pipe >= 0)
        _exit(0);
    exit(0);
}

void tap_diag(const char *fmt, ...)
{
    struct tap_buf text = { NULL, 0, 0 };
    struct tap_buf b = { NULL, 0, 0 };
    va_list ap;
    va_start(ap, fmt);
    buf_vfmt(&text, fmt, ap);
    va_end(ap);
    const char *s = text.p ? text.p : "";
    for (;;) {
        const char *nl = strchr(s, '\n');
        size_t n = nl ? (size_t)(nl - s) : strlen(s);
        buf_str(&b, n ? "# " : "#");
        buf_add(&b, s, n);
        buf_add(&b, "\n", 1);
        if (!nl || nl[1] == '\0')
            break;
        s = nl + 1;
    }
    free(text.p);
    emit(&b);
}

void tap_skip(int n, const char *why)
{
    for (int i = 0; i < n; i++) {
        char head[48];
        snprintf(head, sizeof head, "ok %d # SKIP ", ++tap.run);
        emit_line(head, why);
        child_progress();
    }
}

void tap_todo_start(const char *why)
{
    free(tap.todo_why);
    tap.todo_why = strdup(why ? why : "");
}

void tap_todo_end(void)
{
    free(tap.todo_why);
    tap.todo_why = NULL;
}

/* Ends the process after a bail out; a child tells its parent, which bails out too,
 * and leaves without running the atexit handlers it inherited. */
static void __attribute__((noreturn)) bail_exit(void)
{
    fflush(NULL);
    if (tap.child_pipe >= 0) {
        struct tap_progress p = { tap.run, tap.failed, 1, 0 };
        write_all(tap.child_pipe, (const char *)&p, sizeof p);
        _exit(255);
    }
    exit(255);
}

void tap_bail_out(const char *fmt, ...)
{
    struct tap_buf d = { NULL, 0, 0 };
    va_list ap;
    va_start(ap, fmt);
    buf_vfmt(&d, fmt, ap);
    va_end(ap);
    emit_line(d.p && *d.p ? "Bail out! " : "Bail out!", d.p);
    free(d.p);
    bail_exit();
}

int tap_done_testing(void)
{
    if (tap.child_pipe >= 0)
        return tap.failed ? 1 : 0;
    if (tap.planned < 0) {
        struct tap_buf b = { NULL, 0, 0 };
        tap.planned = tap.run;
        buf_fmt(&b, "1..%d\n", tap.run);
        emit(&b);
    } else if (tap.planned != tap.run) {
        tap_diag("planned %d tests but ran %d", tap.planned, tap.run);
        return 255;
    }
    if (tap.failed)
        tap_diag("failed %d of %d tests", tap.failed, tap.run);
    return tap.failed > 254 ? 254 : tap.failed;
}

int tap_tests_run(void) { return tap.run; }
int tap_tests_failed(void) { return tap.failed; }

void tap_set_seed(const char *seed)
{
    free(tap.seed);
    tap.seed = seed ? strdup(seed) : NULL;
}

void tap_attach(const char *key, const char *value)
{
    if (!key || !value || tap.nextra >= TAP_EXTRA_MAX)
        return;
    tap.extra_key[tap.nextra] = strdup(key);
    tap.extra_val[tap.nextra] = strdup(value);
    if (tap.extra_key[tap.nextra] && tap.extra_val[tap.nextra])
        tap.nextra++;
}

/* ---- isolated cases ---------------------------------------------------------------- */

static const struct { int sig; const char *name; } tap_signals[] = {
    { SIGSEGV, "SIGSEGV" }, { SIGABRT, "SIGABRT" }, { SIGBUS, "SIGBUS" },
    { SIGFPE, "SIGFPE" },   { SIGILL, "SIGILL" },   { SIGKILL, "SIGKILL" },
    { SIGTERM, "SIGTERM" }, { SIGPIPE, "SIGPIPE" }, { SIGALRM, "SIGALRM" },
    { SIGTRAP, "SIGTRAP" }, { SIGSYS, "SIGSYS" },   { SIGXCPU, "SIGXCPU" },
    { SIGXFSZ, "SIGXFSZ" }, { SIGINT, "SIGINT" },   { SIGQUIT, "SIGQUIT" },
    { SIGHUP, "SIGHUP" },   { SIGUSR1, "SIGUSR1" }, { SIGUSR2, "SIGUSR2" },
};

static const char *signal_name(int sig, char *tmp, size_t tmpsz)
{
    for (size_t i = 0; i < sizeof tap_signals / sizeof tap_signals[0]; i++)
        if (tap_signals[i].sig == sig)
            return tap_signals[i].name;
    snprintf(tmp, tmpsz, "signal %d", sig);
    return tmp;
}

static double now_sec(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Reads whatever progress records are waiting; keeps the latest in *last. */
static void drain_progress(int fd, struct tap_progress *last, char *part, size_t *have)
{
    for (;;) {
        ssize_t r = read(fd, part + *have, sizeof *last - *have);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return;
        *have += (size_t)r;
        if (*have == sizeof *last) {
            memcpy(last, part, sizeof *last);
            *have = 0;
        }
    }
}

/* Crash handlers installed in a child: they tell the parent which signal hit, then hand
 * over to whatever handled it before (a sanitizer's report) or to the default action. */
static const int tap_crash_sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL };
static struct sigaction tap_old_act[sizeof tap_crash_sigs / sizeof tap_crash_sigs[0]];
static volatile sig_atomic_t tap_crash_sig;

/* Present when a sanitizer runtime is linked: lets a child say that a sanitizer report
 * (not a test) ended it, since sanitizers exit with a status rather than a signal. */
extern void __sanitizer_set_death_callback(void (*callback)(void)) __attribute__((weak));

static void sanitizer_died(void)
{
    if (tap.child_pipe < 0)
        return;
    struct tap_progress p = { tap.run, tap.failed, 0, tap_crash_sig ? tap_crash_sig : -1 };
    if (write(tap.child_pipe, &p, sizeof p) < 0) { /* the parent reports the exit */ }
}

/* UBSan calls this (when defined) on each report; its fatal reports skip the death
 * callback, so this is how a child says UBSan is why it exits. */
void __ubsan_on_report(void);
void __ubsan_on_report(void)
{
    sanitizer_died();
}

static void crash_handler(int sig, siginfo_t *info, void *ctx)
{
    struct tap_progress p = { tap.run, tap.failed, 0, sig };
    tap_crash_sig = sig;
    if (write(tap.child_pipe, &p, sizeof p) < 0) { /* nothing more can be done here */ }
    for (size_t i = 0; i < sizeof tap_crash_sigs / sizeof tap_crash_sigs[0]; i++) {
        if (tap_crash_sigs[i] != sig)
            continue;
        struct sigaction *old = &tap_old_act[i];
        if ((old->sa_flags & SA_SIGINFO) && old->sa_sigaction == crash_handler)
            break;          /* a nested case inherited ours: go straight to the default */
        if ((old->sa_flags & SA_SIGINFO) && old->sa_sigaction) {
            old->sa_sigaction(sig, info, ctx);
            return;
        }
        if (old->sa_handler != SIG_DFL && old->sa_handler != SIG_IGN) {
            old->sa_handler(sig);
            return;
        }
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

static void install_crash_handlers(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = crash_handler;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER | SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof tap_crash_sigs / sizeof tap_crash_sigs[0]; i++)
        sigaction(tap_crash_sigs[i], &sa, &tap_old_act[i]);
    if (__sanitizer_set_death_callback)
        __sanitizer_set_death_callback(sanitizer_died);
}

/* Waits for the child, draining its progress; returns its wait status, or -1 if it was
 * killed for running past the deadline. */
static int wait_child(pid_t pid, int rfd, double timeout, struct tap_progress *last)
{
    char part[sizeof *last];
    size_t have = 0;
    double deadline = timeout > 0 ? now_sec() + timeout : 0;
    int status = 0, timed_out = 0;
    for (;;) {
        struct pollfd p = { rfd, POLLIN, 0 };
        poll(&p, 1, 20);
        drain_progress(rfd, last, part, &have);
        pid_t w = waitpid(pid, &status, WNOHANG);
        if (w == pid || (w < 0 && errno != EINTR))
            break;
        if (!timed_out && deadline > 0 && now_sec() > deadline) {
            timed_out = 1;
            kill(pid, SIGKILL);
        }
    }
    drain_progress(rfd, last, part, &have);
    return timed_out ? -1 : status;
}

/* The verdict line for a case whose child did not finish cleanly (or ran no test). */
static int case_verdict(const char *file, int line, const char *name, double timeout,
                        int status, const struct tap_progress *p, int ran)
{
    char why[128], tmp[32];
    int pass = 0, code = WIFEXITED(status) ? WEXITSTATUS(status) : 0;
    if (status == -1)
        snprintf(why, sizeof why, "timed out after %g s", timeout);
    else if (WIFSIGNALED(status) || (code && p->sig > 0))
        snprintf(why, sizeof why, "killed by %s",
                 signal_name(p->sig > 0 ? p->sig : WTERMSIG(status), tmp, sizeof tmp));
    else if (code && p->sig == -1)
        snprintf(why, sizeof why, "stopped by a sanitizer report (see stderr)");
    else if (code && p->failed == 0)
        snprintf(why, sizeof why, "exited with status %d", code);
    else if (ran == 0 && !code)
        pass = 1;
    else
        return !code && p->failed == 0;
    if (pass) {
        tap_ok(file, line, 1, "%s", name ? name : "isolated case");
        return 1;
    }
    char msg[192];
    snprintf(msg, sizeof msg, "%s, having run %d test%s", why, ran, ran == 1 ? "" : "s");
    tap_fail_with(file, line, msg, NULL, NULL, "%s (%s)", name ? name : "isolated case", why);
    return 0;
}

int tap_run_isolated(const char *file, int line, const char *name, double timeout_sec,
                     void (*fn)(void *arg), void *arg)
{
    int fds[2];
    emit(NULL);             /* the version line must come from the parent, once */
    fflush(NULL);
    if (pipe(fds) != 0)
        return tap_fail_with(file, line, "pipe() failed", NULL, NULL, "%s", name);
    fcntl(fds[0], F_SETFD, FD_CLOEXEC);     /* programs the case runs never see it */
    fcntl(fds[1], F_SETFD, FD_CLOEXEC);
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return tap_fail_with(file, line, "fork() failed", NULL, NULL, "%s", name);
    }
    if (pid == 0) {
        close(fds[0]);
        tap.child_pipe = fds[1];
        tap.failed = 0;
        install_crash_handlers();
        fn(arg);
        fflush(NULL);
        _exit(tap.failed ? 1 : 0);
    }
    close(fds[1]);
    fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK);
    int base_failed = tap.failed, base_run = tap.run;
    struct tap_progress p = { tap.run, 0, 0, 0 };
    int status = wait_child(pid, fds[0], timeout_sec, &p);
    close(fds[0]);
    tap.run = p.run;
    tap.failed = base_failed + p.failed;
    child_progress();
    if (p.bailed)
        bail_exit();
    return case_verdict(file, line, name, timeout_sec, status, &p, p.run - base_run);
}
