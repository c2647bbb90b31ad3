/* tapread.c -- reads an untrusted TAP 12/13/14 stream into a struct tap_report it owns.
 * Every size is capped, every line is either understood or listed as a problem, and
 * every string handed out is display-safe (no terminal control bytes survive). */
#include "tapread.h"

#include <ctype.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"

#define TAPREAD_MAX_TESTS 100000
#define TAPREAD_MAX_PROBLEMS 40
#define TAPREAD_MAX_NUMBER 99999999

/* Reader state. Invariant: pos <= len; lineno is the number of the line last taken. */
struct reader {
    const char *text;
    size_t len, pos;
    int lineno;
    int last_cut;               /* the line last taken had no newline */
    struct tap_report *r;
    struct sb problems;
    int nproblems;
    struct sb diag;             /* comments after the current test */
    int plan_line;              /* line of the plan, 0 if none */
    int tests_at_plan;          /* tests seen when the plan came */
    int tests_after_late_plan;
    int yaml_unclosed;
    int out_of_order;
    int last_number;
    int plan_twice;
    size_t cap_tests;
};

/* One line of input: bytes without the newline (and without a final CR). */
struct line {
    const char *s;
    size_t n;
};

static void problem(struct reader *rd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void problem(struct reader *rd, const char *fmt, ...)
{
    if (++rd->nproblems > TAPREAD_MAX_PROBLEMS)
        return;
    va_list ap;
    va_start(ap, fmt);
    char *msg = xvasprintf(fmt, ap);
    va_end(ap);
    sb_puts(&rd->problems, msg);
    sb_putc(&rd->problems, '\n');
    free(msg);
}

/* Takes the next line; returns 0 at the end of input. */
static int next_line(struct reader *rd, struct line *ln)
{
    if (rd->pos >= rd->len)
        return 0;
    const char *s = rd->text + rd->pos;
    const char *nl = memchr(s, '\n', rd->len - rd->pos);
    size_t n = nl ? (size_t)(nl - s) : rd->len - rd->pos;
    rd->pos += n + (nl ? 1 : 0);
    rd->last_cut = !nl;
    rd->lineno++;
    if (n > 0 && s[n - 1] == '\r')
        n--;
    ln->s = s;
    ln->n = n;
    return 1;
}

/* Looks at the next line without taking it. */
static int peek_line(struct reader *rd, struct line *ln)
{
    struct reader save = *rd;
    int got = next_line(rd, ln);
    rd->pos = save.pos;
    rd->lineno = save.lineno;
    rd->last_cut = save.last_cut;
    return got;
}

static size_t indent_of(const struct line *ln)
{
    size_t i = 0;
    while (i < ln->n && ln->s[i] == ' ')
        i++;
    return i;
}

static int blank(const struct line *ln)
{
    for (size_t i = 0; i < ln->n; i++)
        if (ln->s[i] != ' ' && ln->s[i] != '\t')
            return 0;
    return 1;
}

/* 1 when the line holds only the 3-character YAML marker after `ind` (trailing blanks
 * allowed). */
static int is_marker(const struct line *ln, size_t ind, const char *marker)
{
    const char *s = ln->s + ind;
    size_t n = ln->n - ind;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    return n == 3 && memcmp(s, marker, 3) == 0;
}

/* Length of a valid UTF-8 sequence at s, 0 if invalid. */
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

/* Appends bytes made display-safe: valid UTF-8, tab and (if keep_nl) newline pass;
 * CR becomes "\r", other control bytes and invalid UTF-8 "\xNN". */
static void sb_safe(struct sb *sb, const char *s, size_t n, int keep_nl)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        size_t seq = utf8_seq(u + i, n - i);
        int ctl = u[i] < 0x20 || u[i] == 0x7F;
        if (ctl && (u[i] == '\t' || (keep_nl && u[i] == '\n'))) {
            sb_putc(sb, (char)u[i]);
        } else if (u[i] == '\r') {
            sb_puts(sb, "\\r");
        } else if (ctl || !seq) {
            sb_printf(sb, "\\x%02X", u[i]);
            seq = 1;
        } else {
            sb_add(sb, s + i, seq);
        }
        i += seq ? seq : 1;
    }
}

static char *safe_dup(const char *s, size_t n, int keep_nl)
{
    struct sb sb;
    sb_init(&sb);
    sb_safe(&sb, s, n, keep_nl);
    return sb_steal(&sb);
}

static void trim(const char **s, size_t *n)
{
    while (*n && isspace((unsigned char)**s)) {
        (*s)++;
        (*n)--;
    }
    while (*n && isspace((unsigned char)(*s)[*n - 1]))
        (*n)--;
}

/* Copies TAP description text, undoing the \# and \\ escapes. */
static char *unescape_desc(const char *s, size_t n)
{
    struct sb raw;
    sb_init(&raw);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\\' && i + 1 < n && (s[i + 1] == '#' || s[i + 1] == '\\'))
            i++;
        sb_add(&raw, s + i, 1);
    }
    char *out = safe_dup(raw.buf ? raw.buf : "", raw.len, 0);
    sb_free(&raw);
    return out;
}

/* Parses up to 9 decimal digits at *s; returns -1 when there are none or too many. */
static long parse_number(const char **s, size_t *n)
{
    long v = 0;
    size_t i = 0;
    while (i < *n && isdigit((unsigned char)(*s)[i])) {
        if (v <= TAPREAD_MAX_NUMBER)
            v = v * 10 + ((*s)[i] - '0');
        i++;
    }
    if (i == 0)
        return -1;
    *s += i;
    *n -= i;
    return v > TAPREAD_MAX_NUMBER ? -2 : v;
}

/* ---- YAML diagnostics ------------------------------------------------------------ */

/* Decodes a YAML double-quoted scalar body (without the quotes); \xNN is a byte. */
static void decode_qq(struct sb *out, const char *s, size_t n)
{
    static const char from[] = "nrt0abefv\"\\/ ";
    static const char to[] = "\n\r\t\0\a\b\033\f\v\"\\/ ";
    for (size_t i = 0; i < n; i++) {
        const char *hit = (s[i] == '\\' && i + 1 < n) ? strchr(from, s[i + 1]) : NULL;
        if (hit && s[i + 1]) {
            sb_add(out, &to[hit - from], 1);
            i++;
        } else if (s[i] == '\\' && i + 3 < n && s[i + 1] == 'x' &&
                   isxdigit((unsigned char)s[i + 2]) && isxdigit((unsigned char)s[i + 3])) {
            char hex[3] = { s[i + 2], s[i + 3], 0 };
            char c = (char)strtol(hex, NULL, 16);
            sb_add(out, &c, 1);
            i += 3;
        } else {
            sb_add(out, s + i, 1);
        }
    }
}

/* A scalar written on the key's own line: "quoted", 'quoted', ~, or plain. */
static char *inline_scalar(const char *s, size_t n)
{
    struct sb raw;
    sb_init(&raw);
    if (n >= 1 && s[0] == '"') {
        size_t end = n;
        for (size_t i = 1; i < n; i++) {
            if (s[i] == '\\') { i++; continue; }
            if (s[i] == '"') { end = i; break; }
        }
        decode_qq(&raw, s + 1, end - 1);
    } else if (n >= 1 && s[0] == '\'') {
        for (size_t i = 1; i < n; i++) {
            if (s[i] == '\'' && i + 1 < n && s[i + 1] == '\'')
                i++;
            else if (s[i] == '\'')
                break;
            sb_add(&raw, s + i, 1);
        }
    } else if ((n == 1 && s[0] == '~') || (n == 4 && memcmp(s, "null", 4) == 0)) {
        sb_free(&raw);
        return NULL;
    } else {
        sb_add(&raw, s, n);
    }
    char *out = safe_dup(raw.buf ? raw.buf : "", raw.len, 1);
    sb_free(&raw);
    return out;
}

/* Reads a block scalar (| or >, chomping - / + / clip) whose key sits at key_indent. */
static char *block_scalar(struct reader *rd, const char *hdr, size_t hn, size_t key_indent)
{
    int chomp = memchr(hdr, '-', hn) ? -1 : memchr(hdr, '+', hn) ? 1 : 0;
    int folded = hdr[0] == '>';
    size_t content = 0;
    struct sb raw;
    struct line ln;
    sb_init(&raw);
    while (peek_line(rd, &ln)) {
        size_t ind = indent_of(&ln);
        if (!blank(&ln) && ind <= key_indent)
            break;
        next_line(rd, &ln);
        if (!blank(&ln) && content == 0)
            content = ind;
        size_t skip = ind < content ? ind : content;
        if (blank(&ln) && (content == 0 || ln.n <= content))
            skip = ln.n;
        if (raw.len && folded && !blank(&ln))
            raw.buf[raw.len - 1] = ' ';
        sb_add(&raw, ln.s + skip, ln.n - skip);
        sb_putc(&raw, '\n');
    }
    size_t keep = raw.len;
    while (chomp <= 0 && keep && raw.buf[keep - 1] == '\n')
        keep--;
    if (chomp == 0 && keep < raw.len)
        keep++;
    char *out = safe_dup(raw.buf ? raw.buf : "", keep, 1);
    sb_free(&raw);
    return out;
}

/* Where each known key lands; aliases used by other TAP producers map onto ours. */
static char **yaml_slot(struct tap_test *t, const char *key, size_t n)
{
    static const struct { const char *key; size_t off; } slots[] = {
        { "message", offsetof(struct tap_test, message) },
        { "got", offsetof(struct tap_test, got) },
        { "found", offsetof(struct tap_test, got) },
        { "expected", offsetof(struct tap_test, expected) },
        { "wanted", offsetof(struct tap_test, expected) },
        { "at", offsetof(struct tap_test, at) },
        { "seed", offsetof(struct tap_test, seed) },
        { "transcript", offsetof(struct tap_test, transcript) },
        { "input", offsetof(struct tap_test, input) },
        { "verdict", offsetof(struct tap_test, verdict) },
        { "compiler", offsetof(struct tap_test, compiler) },
        { "stderr", offsetof(struct tap_test, output) },
    };
    for (size_t i = 0; i < sizeof slots / sizeof slots[0]; i++)
        if (strlen(slots[i].key) == n && memcmp(slots[i].key, key, n) == 0)
            return (char **)((char *)t + slots[i].off);
    return NULL;
}

/* One "key: value" line at the block's indent (value may continue on later lines). */
static void yaml_entry(struct reader *rd, struct tap_test *t, const struct line *ln,
                       size_t ind)
{
    const char *s = ln->s + ind;
    size_t n = ln->n - ind;
    const char *colon = memchr(s, ':', n);
    if (!colon || (colon + 1 < s + n && colon[1] != ' '))
        return;
    size_t klen = (size_t)(colon - s);
    const char *v = colon + 1;
    size_t vn = n - klen - 1;
    trim(&v, &vn);
    char **slot = yaml_slot(t, s, klen);
    char *value = NULL;
    if (vn && (v[0] == '|' || v[0] == '>'))
        value = block_scalar(rd, v, vn, ind);
    else if (vn)
        value = inline_scalar(v, vn);
    if (vn && !value && slot && (slot == &t->got || slot == &t->expected))
        value = xstrdup("NULL");    /* tap.h writes a NULL string as ~ */
    if (slot && value) {
        free(*slot);
        *slot = value;
    } else {
        free(value);
    }
}

/* Reads a YAML block after its "---" line, up to "..." or the first line that cannot
 * belong to it (which is left for the caller). */
static void yaml_block(struct reader *rd, struct tap_test *t, size_t base)
{
    struct line ln;
    while (peek_line(rd, &ln)) {
        size_t ind = indent_of(&ln);
        if (!blank(&ln) && ind < base) {
            problem(rd, "line %d: YAML block not closed with '...'", rd->lineno);
            rd->yaml_unclosed = 1;
            return;
        }
        next_line(rd, &ln);
        if (is_marker(&ln, ind, "..."))
            return;
        if (ind == base && !blank(&ln))
            yaml_entry(rd, t, &ln, ind);
    }
    problem(rd, "line %d: YAML block not closed with '...'", rd->lineno);
    rd->yaml_unclosed = 1;
}

/* ---- top-level lines -------------------------------------------------------------- */

static void finish_diag(struct reader *rd)
{
    struct tap_report *r = rd->r;
    if (r->ntests && rd->diag.len) {
        if (rd->diag.buf[rd->diag.len - 1] == '\n')
            rd->diag.buf[--rd->diag.len] = '\0';
        r->tests[r->ntests - 1].diag = sb_steal(&rd->diag);
    }
    sb_free(&rd->diag);
    sb_init(&rd->diag);
}

/* Splits "desc # DIRECTIVE reason" at the first unescaped '#'. */
static void parse_directive(struct tap_test *t, const char *s, size_t n)
{
    size_t hash = n;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\\') { i++; continue; }
        if (s[i] == '#') { hash = i; break; }
    }
    const char *d = s + (hash < n ? hash + 1 : n);
    size_t dn = hash < n ? n - hash - 1 : 0;
    trim(&d, &dn);
    int skip = dn >= 4 && strncasecmp(d, "skip", 4) == 0;
    int todo = dn >= 4 && strncasecmp(d, "todo", 4) == 0;
    if (!skip && !todo) {
        trim(&s, &n);
        t->description = unescape_desc(s, n);
        return;
    }
    t->directive = skip ? TAP_DIR_SKIP : TAP_DIR_TODO;
    size_t w = 4;
    while (w < dn && isalpha((unsigned char)d[w]))
        w++;
    d += w;
    dn -= w;
    if (dn && d[0] == ':') { d++; dn--; }
    trim(&d, &dn);
    t->reason = unescape_desc(d, dn);
    size_t dl = hash;
    const char *ds = s;
    trim(&ds, &dl);
    t->description = unescape_desc(ds, dl);
}

static struct tap_test *new_test(struct reader *rd)
{
    struct tap_report *r = rd->r;
    if (r->ntests == rd->cap_tests) {
        rd->cap_tests = rd->cap_tests ? rd->cap_tests * 2 : 16;
        r->tests = xrealloc(r->tests, rd->cap_tests * sizeof *r->tests);
    }
    struct tap_test *t = &r->tests[r->ntests++];
    memset(t, 0, sizeof *t);
    return t;
}

static void count_test(struct tap_report *r, const struct tap_test *t)
{
    if (t->directive == TAP_DIR_TODO)
        r->todo++;
    else if (t->directive == TAP_DIR_SKIP && t->ok)
        r->skipped++;
    else if (t->ok)
        r->passed++;
    else
        r->failed++;
}

/* "ok" / "not ok" lines; returns 0 when the line is not one. */
static int test_line(struct reader *rd, const struct line *ln)
{
    const char *s = ln->s;
    size_t n = ln->n;
    int ok = 1;
    if (n >= 6 && memcmp(s, "not ok", 6) == 0) { ok = 0; s += 6; n -= 6; }
    else if (n >= 2 && memcmp(s, "ok", 2) == 0) { s += 2; n -= 2; }
    else return 0;
    if (n && s[0] != ' ' && s[0] != '\t')
        return 0;
    if (rd->r->ntests >= TAPREAD_MAX_TESTS) {
        if (!rd->r->truncated)
            problem(rd, "more than %d tests; the rest is ignored", TAPREAD_MAX_TESTS);
        rd->r->truncated = 1;
        return 1;
    }
    finish_diag(rd);
    trim(&s, &n);
    long num = parse_number(&s, &n);
    int pos = (int)rd->r->ntests + 1;
    if (num == -2)
        problem(rd, "line %d: test number too large", rd->lineno);
    struct tap_test *t = new_test(rd);
    t->ok = ok;
    t->number = num >= 0 ? (int)num : pos;
    if (t->number < rd->last_number && !rd->out_of_order++)
        problem(rd, "line %d: test %d out of order (after test %d)", rd->lineno, t->number,
                rd->last_number);
    rd->last_number = t->number;
    trim(&s, &n);
    if (n && s[0] == '-') { s++; n--; }
    parse_directive(t, s, n);
    count_test(rd->r, t);
    if (rd->plan_line && rd->tests_at_plan > 0 && !rd->tests_after_late_plan++)
        problem(rd, "line %d: test after the trailing plan", rd->lineno);
    struct line next;
    if (peek_line(rd, &next) && indent_of(&next) > 0) {
        size_t ind = indent_of(&next);
        if (is_marker(&next, ind, "---")) {
            next_line(rd, &next);
            yaml_block(rd, t, ind);
        }
    }
    return 1;
}

/* "1..N [# SKIP why]"; returns 0 when the line is not a plan. */
static int plan_line(struct reader *rd, const struct line *ln)
{
    const char *s = ln->s;
    size_t n = ln->n;
    if (n < 4 || memcmp(s, "1..", 3) != 0 || !isdigit((unsigned char)s[3]))
        return 0;
    s += 3;
    n -= 3;
    long v = parse_number(&s, &n);
    trim(&s, &n);
    if (n && s[0] != '#')
        return 0;
    if (rd->plan_line) {
        problem(rd, "line %d: a second plan (the first was on line %d)", rd->lineno,
                rd->plan_line);
        rd->plan_twice = 1;
        return 1;
    }
    if (v < 0) {
        problem(rd, "line %d: plan too large", rd->lineno);
        v = TAPREAD_MAX_NUMBER;
    }
    rd->plan_line = rd->lineno;
    rd->tests_at_plan = (int)rd->r->ntests;
    rd->r->plan = (int)v;
    if (v == 0) {
        rd->r->plan_skip_all = 1;
        const char *d = n ? s + 1 : s;
        size_t dn = n ? n - 1 : 0;
        trim(&d, &dn);
        if (dn >= 4 && strncasecmp(d, "skip", 4) == 0) {
            d += 4;
            dn -= 4;
            trim(&d, &dn);
        }
        rd->r->skip_all_reason = unescape_desc(d, dn);
    }
    return 1;
}

static int version_line(struct reader *rd, const struct line *ln)
{
    static const char kw[] = "TAP version ";
    if (ln->n < sizeof kw - 1 || strncasecmp(ln->s, kw, sizeof kw - 1) != 0)
        return 0;
    const char *s = ln->s + sizeof kw - 1;
    size_t n = ln->n - (sizeof kw - 1);
    long v = parse_number(&s, &n);
    if (rd->lineno != 1)
        problem(rd, "line %d: version line not at the start", rd->lineno);
    else if (v < 12 || v > 14 || n)
        problem(rd, "line %d: unknown TAP version", rd->lineno);
    else
        rd->r->version = (int)v;
    return 1;
}

static int bail_line(struct reader *rd, const struct line *ln)
{
    if (ln->n < 9 || memcmp(ln->s, "Bail out!", 9) != 0)
        return 0;
    const char *s = ln->s + 9;
    size_t n = ln->n - 9;
    trim(&s, &n);
    rd->r->bailed_out = 1;
    rd->r->bail_reason = safe_dup(s, n, 0);
    return 1;
}

static int comment_line(struct reader *rd, const struct line *ln)
{
    if (ln->n == 0 || ln->s[0] != '#')
        return 0;
    const char *s = ln->s + 1;
    size_t n = ln->n - 1;
    if (n && s[0] == ' ') { s++; n--; }
    if (rd->r->ntests) {
        sb_safe(&rd->diag, s, n, 0);
        sb_putc(&rd->diag, '\n');
    }
    return 1;
}

/* Every top-level line kind, tried in order. */
static int (*const line_kinds[])(struct reader *, const struct line *) = {
    version_line, test_line, plan_line, bail_line, comment_line,
};

static void read_lines(struct reader *rd)
{
    struct line ln;
    while (!rd->r->bailed_out && next_line(rd, &ln)) {
        if (blank(&ln) || indent_of(&ln) > 0 || (ln.n >= 6 && !memcmp(ln.s, "pragma", 6)))
            continue;           /* subtests, stray indentation, pragmas: tolerated */
        size_t k = 0;
        while (k < sizeof line_kinds / sizeof line_kinds[0] && !line_kinds[k](rd, &ln))
            k++;
        if (k == sizeof line_kinds / sizeof line_kinds[0])
            problem(rd, "line %d: unrecognised", rd->lineno);
    }
    finish_diag(rd);
}

/* ---- checks after reading ------------------------------------------------------------ */

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* Counts the numbers in [from, to) as missing, naming the first few. */
static void note_missing(struct reader *rd, long from, long to, long *missing)
{
    for (long k = from; k < to && *missing + (k - from) < 3; k++)
        problem(rd, "test %ld missing", k);
    *missing += to - from;
}

/* Duplicated, missing and extra numbers; returns 1 when any was found. */
static int number_checks(struct reader *rd)
{
    struct tap_report *r = rd->r;
    int *nums = xmalloc((r->ntests + 1) * sizeof *nums);
    for (size_t i = 0; i < r->ntests; i++)
        nums[i] = r->tests[i].number;
    qsort(nums, r->ntests, sizeof *nums, cmp_int);
    long dups = 0, missing = 0, extra = 0, expect = 1;
    for (size_t i = 0; i < r->ntests; i++) {
        if (i && nums[i] == nums[i - 1]) {
            if (dups++ < 3)
                problem(rd, "test %d appears more than once", nums[i]);
            continue;
        }
        if (r->plan >= 0 && nums[i] > r->plan) {
            if (extra++ < 3)
                problem(rd, "test %d beyond the plan of %d", nums[i], r->plan);
            continue;
        }
        if (nums[i] > expect)
            note_missing(rd, expect, nums[i], &missing);
        expect = nums[i] + 1;
    }
    if (r->plan >= 0 && expect <= r->plan && !r->truncated && !r->bailed_out)
        note_missing(rd, expect, (long)r->plan + 1, &missing);
    if (missing > 3)
        problem(rd, "%ld tests missing in all", missing);
    free(nums);
    return dups || missing || extra || rd->out_of_order;
}

static void final_checks(struct reader *rd)
{
    struct tap_report *r = rd->r;
    int bad = number_checks(rd);
    if (r->plan < 0)
        problem(rd, "no plan"), bad = 1;
    else if ((size_t)r->plan != r->ntests && !r->truncated)
        problem(rd, "plan says %d but %zu tests ran", r->plan, r->ntests), bad = 1;
    if (r->plan == 0 && r->ntests)
        bad = 1;
    if (r->bailed_out)
        problem(rd, "bailed out%s%s", *r->bail_reason ? ": " : "", r->bail_reason), bad = 1;
    if (rd->last_cut && !r->truncated && !r->bailed_out)
        problem(rd, "line %d: stream ends mid-line", rd->lineno), bad = 1;
    if (rd->nproblems > TAPREAD_MAX_PROBLEMS)
        sb_printf(&rd->problems, "... and %d more problems\n",
                  rd->nproblems - TAPREAD_MAX_PROBLEMS);
    r->valid = !bad && !r->truncated && !rd->yaml_unclosed && !rd->tests_after_late_plan &&
               !rd->plan_twice;
    if (rd->problems.len)
        r->problems = sb_steal(&rd->problems);
    sb_free(&rd->problems);
}

struct tap_report *tapread_parse(const char *text, size_t len, size_t cap)
{
    struct tap_report *r = xcalloc(1, sizeof *r);
    struct reader rd;
    memset(&rd, 0, sizeof rd);
    r->version = 12;
    r->plan = -1;
    if (cap == 0)
        cap = TAPREAD_DEFAULT_CAP;
    rd.text = text ? text : "";
    rd.len = text ? len : 0;
    rd.r = r;
    sb_init(&rd.problems);
    sb_init(&rd.diag);
    if (rd.len > cap) {
        r->truncated = 1;
        rd.len = cap;
        while (rd.len > 0 && rd.text[rd.len - 1] != '\n')
            rd.len--;           /* the line the cap cut is dropped whole */
        problem(&rd, "stream cut at the %zu-byte cap", cap);
    }
    read_lines(&rd);
    sb_free(&rd.diag);
    final_checks(&rd);
    return r;
}

void tapread_free(struct tap_report *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->ntests; i++) {
        struct tap_test *t = &r->tests[i];
        char *owned[] = { t->description, t->reason, t->message, t->got, t->expected, t->at,
                          t->seed, t->transcript, t->input, t->verdict, t->compiler,
                          t->output, t->diag };
        for (size_t k = 0; k < sizeof owned / sizeof owned[0]; k++)
            free(owned[k]);
    }
    free(r->tests);
    free(r->skip_all_reason);
    free(r->bail_reason);
    free(r->problems);
    free(r);
}

/* ---- canonical description ---------------------------------------------------------- */

/* Appends s as a C-style quoted string, or `-` for NULL. */
static void sb_cquote(struct sb *sb, const char *s)
{
    if (!s) {
        sb_putc(sb, '-');
        return;
    }
    sb_putc(sb, '"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            sb_putc(sb, '\\');
        if (*s == '\n')
            sb_puts(sb, "\\n");
        else if (*s == '\t')
            sb_puts(sb, "\\t");
        else
            sb_putc(sb, *s);
    }
    sb_putc(sb, '"');
}

static void describe_test(struct sb *sb, const struct tap_test *t)
{
    static const char *const dirs[] = { "", " SKIP ", " TODO " };
    const char *fields[] = { "message", t->message, "got", t->got, "expected", t->expected,
                             "at", t->at, "seed", t->seed, "transcript", t->transcript,
                             "input", t->input, "diag", t->diag };
    sb_printf(sb, "test %d: %s ", t->number, t->ok ? "ok" : "not ok");
    sb_cquote(sb, t->description);
    if (t->directive != TAP_DIR_NONE) {
        sb_puts(sb, dirs[t->directive]);
        sb_cquote(sb, t->reason);
    }
    sb_putc(sb, '\n');
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i += 2) {
        if (!fields[i + 1])
            continue;
        sb_printf(sb, "  %s: ", fields[i]);
        sb_cquote(sb, fields[i + 1]);
        sb_putc(sb, '\n');
    }
}

char *tapread_describe(const struct tap_report *r)
{
    struct sb sb;
    sb_init(&sb);
    sb_printf(&sb, "version: %d\nplan: %d\n", r->version, r->plan);
    if (r->plan_skip_all) {
        sb_puts(&sb, "skip_all: ");
        sb_cquote(&sb, r->skip_all_reason);
        sb_putc(&sb, '\n');
    }
    if (r->bailed_out) {
        sb_puts(&sb, "bailed_out: ");
        sb_cquote(&sb, r->bail_reason);
        sb_putc(&sb, '\n');
    }
    sb_printf(&sb, "truncated: %s\nvalid: %s\n", r->truncated ? "yes" : "no",
              r->valid ? "yes" : "no");
    sb_printf(&sb, "counts: passed=%d failed=%d skipped=%d todo=%d tests=%zu\n", r->passed,
              r->failed, r->skipped, r->todo, r->ntests);
    for (size_t i = 0; i < r->ntests; i++)
        describe_test(&sb, &r->tests[i]);
    if (r->problems) {
        sb_puts(&sb, "problems:\n");
        for (const char *p = r->problems; *p;) {
            const char *nl = strchr(p, '\n');
            size_t n = nl ? (size_t)(nl - p) : strlen(p);
            sb_puts(&sb, "  ");
            sb_add(&sb, p, n);
            sb_putc(&sb, '\n');
            p += n + (nl ? 1 : 0);
        }
    }
    return sb_steal(&sb);
}
