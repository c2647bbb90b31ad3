/* mutate.c -- lists and applies mutants of the SOLUTION(NN) blocks of reference files
 * (docs/course-format.md), for labs/kit/tools/mutants.sh: do a lab's hidden tests notice
 * when its solution is wrong? Deterministic: the same files give the same mutants, ids
 * and sample.
 *   mutate list NN [-n MAX] [-e EQUIV] FILE...   one line per mutant:
 *       ID <tab> FILE:LINE <tab> OP <tab> equivalent|- <tab> BEFORE -> AFTER
 *   mutate apply NN ID FILE                      FILE with that mutant, on stdout
 * An id is FILE:OP:HASH, the hash taken over the mutated line's text (not its number),
 * so ids survive edits elsewhere in the file. -n keeps the MAX mutants of lowest hash
 * (a sample that changes little when mutants come and go). -e reads "ID: reason" lines
 * (# comments and blank lines skipped) and marks those ids; an id there that names no
 * mutant of the files is an error. Exit status: 0, 1 (an error, said on stderr), 2 usage.
 *
 * Operators, on code between a block's BEGIN and its STUB or END line (comments, strings,
 * character constants and preprocessor lines are never touched):
 *   flip    a comparison negated: == and !=, < and >=, > and <=
 *   bound   a bound moved by one: < and <=, > and >=, an integer constant +1 and -1
 *           (not an array's size in a declaration)
 *   negate  the condition of an if or while negated, unless it is one comparison (flip)
 *   logic   && and || swapped
 *   delete  an expression statement, break, continue or goto replaced by ;
 *   return  return EXPR; made return 0; (return 0; made return 1; true and false swapped;
 *           return NULL; left alone)
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MUTATE_FILE_CAP (4u << 20)
#define MUTATE_LINE_CAP 4096

enum tok_kind { TK_IDENT, TK_NUMBER, TK_PUNCT, TK_OTHER };

struct tok {
    enum tok_kind kind;
    size_t at, len;                 /* byte offset and length in the file */
};

/* One mutant: the file's bytes [at, at+len) become `repl`. */
struct mutant {
    const char *file;
    const char *op;
    size_t at, len, line;
    char *repl;
    uint64_t hash;
    char id[256];
    int equivalent;
};

struct mlist {
    struct mutant *v;
    size_t n, cap;
};

/* A file read whole; its text is NUL-terminated. */
struct source {
    const char *path;
    char *text;
    size_t len;
};

static void *mutate_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (q == NULL) {
        fprintf(stderr, "mutate: out of memory\n");
        exit(1);
    }
    return q;
}

static char *mutate_xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(mutate_xrealloc(NULL, n), s, n);
}

/* Reads path whole. Returns 0, or -1 after saying why. */
static int source_read(struct source *src, const char *path)
{
    src->path = path;
    src->text = NULL;
    src->len = 0;
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "mutate: %s: %s\n", path, strerror(errno));
        return -1;
    }
    size_t cap = 0;
    for (;;) {
        if (src->len + 4096 + 1 > cap)
            src->text = mutate_xrealloc(src->text, cap = cap * 2 + 8192);
        size_t got = fread(src->text + src->len, 1, cap - src->len - 1, f);
        src->len += got;
        if (got == 0 || src->len > MUTATE_FILE_CAP)
            break;
    }
    int bad = ferror(f) || src->len > MUTATE_FILE_CAP;
    fclose(f);
    src->text[src->len] = '\0';
    if (bad) {
        fprintf(stderr, "mutate: %s: unreadable or larger than %u bytes\n", path,
                MUTATE_FILE_CAP);
        return -1;
    }
    return 0;
}

/* FNV-1a, 64 bits, continued from h. */
static uint64_t mutate_fnv(uint64_t h, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 0x100000001b3ull;
    return h;
}

/* ---- blocks ---------------------------------------------------------------------- */

enum mark { MK_NONE, MK_BEGIN, MK_STUB, MK_END };

/* Classifies the line [s, e): a marker of lab *lab, or MK_NONE. Malformed markers are
 * the validator's business (stacklab validate); here they are plain lines. */
static enum mark mutate_marker(const char *s, const char *e, int *lab)
{
    while (s < e && (*s == ' ' || *s == '\t'))
        s++;
    if (e - s >= 2 && s[0] == '/' && s[1] == '*')
        for (s += 2; s < e && (*s == ' ' || *s == '\t'); s++)
            ;
    if (e - s < 13 || memcmp(s, "SOLUTION(", 9) != 0 || s[9] < '0' || s[9] > '9'
        || s[10] < '0' || s[10] > '9' || s[11] != ')')
        return MK_NONE;
    *lab = (s[9] - '0') * 10 + (s[10] - '0');
    for (s += 12; s < e && (*s == ' ' || *s == '\t'); s++)
        ;
    static const struct { const char *word; enum mark m; } words[] = {
        { "BEGIN", MK_BEGIN }, { "STUB", MK_STUB }, { "END", MK_END },
    };
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        size_t n = strlen(words[i].word);
        if ((size_t)(e - s) >= n && memcmp(s, words[i].word, n) == 0)
            return words[i].m;
    }
    return MK_NONE;
}

/* Calls fn on each region [from, to) of code of lab's blocks in src. */
static void mutate_regions(const struct source *src, int lab,
                           void (*fn)(const struct source *, size_t, size_t, void *),
                           void *arg)
{
    size_t from = 0;
    int in = 0;
    for (size_t at = 0; at < src->len;) {
        const char *nl = memchr(src->text + at, '\n', src->len - at);
        size_t end = nl ? (size_t)(nl - src->text) + 1 : src->len;
        int which = 0;
        enum mark m = mutate_marker(src->text + at, src->text + end, &which);
        if (m == MK_BEGIN && which == lab) {
            in = 1;
            from = end;
        } else if ((m == MK_STUB || m == MK_END) && in && which == lab) {
            fn(src, from, at, arg);
            in = 0;
        }
        at = end;
    }
}

/* ---- tokens ---------------------------------------------------------------------- */

struct toks {
    struct tok *v;
    size_t n, cap;
};

static int is_ident_start(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int is_ident_char(int c)
{
    return is_ident_start(c) || (c >= '0' && c <= '9');
}

static void toks_add(struct toks *t, enum tok_kind k, size_t at, size_t len)
{
    if (t->n == t->cap)
        t->v = mutate_xrealloc(t->v, (t->cap = t->cap * 2 + 64) * sizeof *t->v);
    t->v[t->n++] = (struct tok){ k, at, len };
}

/* Past the end of a quoted literal starting at s[i] (a quote), within [i, e). */
static size_t lex_quoted(const char *s, size_t i, size_t e)
{
    char q = s[i++];
    while (i < e && s[i] != q && s[i] != '\n')
        i += s[i] == '\\' && i + 1 < e ? 2 : 1;
    return i < e ? i + 1 : e;
}

/* Tokens of s[from, to): comments, literals' insides and preprocessor lines dropped
 * (strings and characters kept as TK_OTHER so neighbours stay apart). */
static void lex(const char *s, size_t from, size_t to, struct toks *t)
{
    static const char *const puncts[] = {
        "...", "<<=", ">>=", "->", "++", "--", "<<", ">>", "<=", ">=", "==", "!=", "&&",
        "||", "*=", "/=", "%=", "+=", "-=", "&=", "^=", "|=", "##",
    };
    int line_start = 1;
    for (size_t i = from; i < to;) {
        char c = s[i];
        if (c == '\n') {
            line_start = 1, i++;
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
            i++;
            continue;
        }
        if (c == '#' && line_start) {           /* a directive, continuations included */
            while (i < to && !(s[i] == '\n' && s[i - 1] != '\\'))
                i++;
            continue;
        }
        line_start = 0;
        if (c == '/' && i + 1 < to && s[i + 1] == '*') {
            const char *end = strstr(s + i + 2, "*/");
            i = end && (size_t)(end - s) + 2 <= to ? (size_t)(end - s) + 2 : to;
        } else if (c == '/' && i + 1 < to && s[i + 1] == '/') {
            while (i < to && s[i] != '\n')
                i++;
        } else if (c == '"' || c == '\'') {
            size_t e = lex_quoted(s, i, to);
            toks_add(t, TK_OTHER, i, e - i);
            i = e;
        } else if (is_ident_start(c)) {
            size_t e = i;
            while (e < to && is_ident_char(s[e]))
                e++;
            toks_add(t, TK_IDENT, i, e - i), i = e;
        } else if ((c >= '0' && c <= '9') || (c == '.' && i + 1 < to && s[i + 1] >= '0'
                                              && s[i + 1] <= '9')) {
            size_t e = i + 1;           /* a pp-number */
            while (e < to && (is_ident_char(s[e]) || s[e] == '.'
                              || ((s[e] == '+' || s[e] == '-')
                                  && (s[e - 1] == 'e' || s[e - 1] == 'E'
                                      || s[e - 1] == 'p' || s[e - 1] == 'P'))))
                e++;
            toks_add(t, TK_NUMBER, i, e - i), i = e;
        } else {
            size_t n = 1;
            for (size_t k = 0; k < sizeof puncts / sizeof puncts[0]; k++) {
                size_t m = strlen(puncts[k]);
                if (m > n && i + m <= to && memcmp(s + i, puncts[k], m) == 0)
                    n = m;
            }
            toks_add(t, TK_PUNCT, i, n), i += n;
        }
    }
}

/* ---- mutants --------------------------------------------------------------------- */

struct ctx {
    const struct source *src;
    struct toks t;
    struct mlist *out;
};

static int tok_is(const struct ctx *c, size_t i, const char *text)
{
    if (i >= c->t.n)
        return 0;
    const struct tok *k = &c->t.v[i];
    return k->len == strlen(text) && memcmp(c->src->text + k->at, text, k->len) == 0;
}

/* Index of the token closing the bracket at i (same kind), or t.n. */
static size_t tok_match(const struct ctx *c, size_t i)
{
    const char *open = tok_is(c, i, "(") ? "(" : tok_is(c, i, "[") ? "[" : "{";
    const char *close = open[0] == '(' ? ")" : open[0] == '[' ? "]" : "}";
    int depth = 0;
    for (size_t j = i; j < c->t.n; j++) {
        if (tok_is(c, j, open))
            depth++;
        else if (tok_is(c, j, close) && --depth == 0)
            return j;
    }
    return c->t.n;
}

static size_t mutate_line_of(const struct source *src, size_t at)
{
    size_t line = 1;
    for (const char *p = src->text; (p = memchr(p, '\n', (size_t)(src->text + at - p)));
         p++)
        line++;
    return line;
}

/* Records the mutant turning tokens [a, b] into repl. */
static void mutant_add(struct ctx *c, const char *op, size_t a, size_t b, const char *repl)
{
    struct mlist *l = c->out;
    if (l->n == l->cap)
        l->v = mutate_xrealloc(l->v, (l->cap = l->cap * 2 + 64) * sizeof *l->v);
    size_t at = c->t.v[a].at, end = c->t.v[b].at + c->t.v[b].len;
    l->v[l->n++] = (struct mutant){
        .file = c->src->path, .op = op, .at = at, .len = end - at,
        .line = mutate_line_of(c->src, at), .repl = mutate_xstrdup(repl),
    };
}

static const char *const type_words[] = {
    "int", "char", "short", "long", "unsigned", "signed", "float", "double", "void",
    "_Bool", "bool", "const", "volatile", "static", "extern", "struct", "union", "enum",
    "typedef", "register", "inline", "size_t", "ssize_t", "_Static_assert",
    "static_assert", "auto", "restrict",
};

static int tok_is_any(const struct ctx *c, size_t i, const char *const *words, size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (tok_is(c, i, words[k]))
            return 1;
    return 0;
}

static int tok_ident(const struct ctx *c, size_t i)
{
    return i < c->t.n && c->t.v[i].kind == TK_IDENT;
}

/* A statement [a, b) (b its ';') that declares: it starts with a type word, or with
 * NAME NAME or NAME * NAME (a typedef'd type). */
static int stmt_declares(const struct ctx *c, size_t a, size_t b)
{
    if (tok_is_any(c, a, type_words, sizeof type_words / sizeof type_words[0]))
        return 1;
    if (!tok_ident(c, a))
        return 0;
    size_t k = a + 1;
    while (k < b && tok_is(c, k, "*"))
        k++;
    while (k < b && (tok_is(c, k, "const") || tok_is(c, k, "restrict")))
        k++;
    return k < b && tok_ident(c, k) && (k == a + 1 || k + 1 == b || tok_is(c, k + 1, "=")
                                        || tok_is(c, k + 1, "[") || tok_is(c, k + 1, ",")
                                        || tok_is(c, k + 1, ";"));
}

/* flip, bound and logic on single operator tokens. */
static void ops_tokens(struct ctx *c)
{
    static const struct { const char *from, *flip, *bound; } rel[] = {
        { "==", "!=", NULL }, { "!=", "==", NULL }, { "<", ">=", "<=" },
        { ">", "<=", ">=" },  { "<=", ">", "<" },   { ">=", "<", ">" },
    };
    for (size_t i = 0; i < c->t.n; i++) {
        for (size_t k = 0; k < sizeof rel / sizeof rel[0]; k++)
            if (c->t.v[i].kind == TK_PUNCT && tok_is(c, i, rel[k].from)) {
                mutant_add(c, "flip", i, i, rel[k].flip);
                if (rel[k].bound != NULL)
                    mutant_add(c, "bound", i, i, rel[k].bound);
            }
        if (tok_is(c, i, "&&"))
            mutant_add(c, "logic", i, i, "||");
        else if (tok_is(c, i, "||"))
            mutant_add(c, "logic", i, i, "&&");
    }
}

/* bound on integer constants: N+1 and N-1, the constant's spelling and suffix kept. */
static void ops_numbers(struct ctx *c)
{
    for (size_t i = 0; i < c->t.n; i++) {
        if (c->t.v[i].kind != TK_NUMBER)
            continue;
        /* NAME NAME [ N ] or * NAME [ N ]: the size of an array being declared. */
        static const char *const verbs[] = { "return", "sizeof", "case", "else" };
        if (i >= 3 && tok_is(c, i - 1, "[") && tok_is(c, i + 1, "]") && tok_ident(c, i - 2)
            && ((tok_ident(c, i - 3) && !tok_is_any(c, i - 3, verbs, 4))
                || tok_is(c, i - 3, "*")))
            continue;
        char text[64];
        const struct tok *k = &c->t.v[i];
        if (k->len >= sizeof text)
            continue;
        memcpy(text, c->src->text + k->at, k->len);
        text[k->len] = '\0';
        int hex = text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
        char *end;
        errno = 0;
        unsigned long long v = strtoull(text, &end, hex ? 16 : text[0] == '0' ? 8 : 10);
        if (errno != 0 || end == text || strspn(end, "uUlL") != strlen(end))
            continue;           /* floating, or a spelling we do not know */
        for (int d = -1; d <= 1; d += 2) {
            if ((d < 0 && v == 0) || (d > 0 && v == ULLONG_MAX))
                continue;
            char repl[96];
            unsigned long long w = d > 0 ? v + 1 : v - 1;
            if (hex)
                snprintf(repl, sizeof repl, "0x%llx%s", w, end);
            else if (text[0] == '0' && text[1] != '\0' && w != 0)
                snprintf(repl, sizeof repl, "0%llo%s", w, end);
            else
                snprintf(repl, sizeof repl, "%llu%s", w, end);
            mutant_add(c, "bound", i, i, repl);
        }
    }
}

/* Whether tokens (a, b) -- a condition between its parentheses -- are one comparison:
 * a relational operator at their top level and no && || ?. */
static int cond_is_comparison(const struct ctx *c, size_t a, size_t b)
{
    static const char *const rel[] = { "==", "!=", "<", ">", "<=", ">=" };
    static const char *const join[] = { "&&", "||", "?", "," };
    int depth = 0, comparisons = 0;
    for (size_t i = a + 1; i < b; i++) {
        if (tok_is(c, i, "(") || tok_is(c, i, "["))
            depth++;
        else if (tok_is(c, i, ")") || tok_is(c, i, "]"))
            depth--;
        else if (depth == 0 && tok_is_any(c, i, join, 4))
            return 0;
        else if (depth == 0 && tok_is_any(c, i, rel, 6))
            comparisons++;
    }
    return comparisons == 1;
}

/* negate: if (C) and while (C) become if (!(C)). */
static void ops_negate(struct ctx *c)
{
    for (size_t i = 0; i + 1 < c->t.n; i++) {
        if (!(tok_is(c, i, "if") || tok_is(c, i, "while")) || !tok_is(c, i + 1, "("))
            continue;
        size_t close = tok_match(c, i + 1);
        if (close >= c->t.n || close == i + 2 || cond_is_comparison(c, i + 1, close))
            continue;
        const char *s = c->src->text;
        size_t from = c->t.v[i + 2].at, to = c->t.v[close - 1].at + c->t.v[close - 1].len;
        size_t n = to - from + 4;
        char *repl = mutate_xrealloc(NULL, n + 1);
        snprintf(repl, n + 1, "!(%.*s)", (int)(to - from), s + from);
        mutant_add(c, "negate", i + 2, close - 1, repl);
        free(repl);
    }
}

/* return: a returned expression [a, b) made a constant. */
static void op_return(struct ctx *c, size_t a, size_t b)
{
    if (a >= b)
        return;                                 /* return; */
    const char *repl = "0";
    if (a + 1 == b) {
        if (tok_is(c, a, "NULL"))
            return;
        repl = tok_is(c, a, "0") ? "1" : tok_is(c, a, "false") ? "true"
             : tok_is(c, a, "true") ? "false" : "0";
    }
    mutant_add(c, "return", a, b - 1, repl);
}

/* delete and return: walks statements, where one starts after { } ; else do, a label,
 * and the header of if/while/for/switch; declarations are left alone. */
static void ops_statements(struct ctx *c)
{
    static const char *const heads[] = { "if", "while", "for", "switch" };
    static const char *const simple[] = { "break", "continue", "goto" };
    size_t start = 0;
    int depth = 0;
    for (size_t i = 0; i < c->t.n; i++) {
        if (tok_is(c, i, "(") || tok_is(c, i, "[")) {
            if (i == start)
                start = c->t.n;             /* (void)f(x); still deletable: see below */
            depth++;
            continue;
        }
        if (tok_is(c, i, ")") || tok_is(c, i, "]")) {
            depth -= depth > 0;
            continue;
        }
        if (depth > 0)
            continue;
        if (i == start && tok_is_any(c, i, heads, 4) && tok_is(c, i + 1, "(")) {
            size_t close = tok_match(c, i + 1);
            if (close >= c->t.n)
                return;
            i = close;
            start = close + 1;
        } else if (i == start && (tok_is(c, i, "else") || tok_is(c, i, "do"))) {
            start = i + 1;
        } else if (i == start && (tok_is(c, i, "case") || tok_is(c, i, "default"))) {
            while (i < c->t.n && !tok_is(c, i, ":"))
                i++;
            start = i + 1;
        } else if (i == start && tok_ident(c, i) && tok_is(c, i + 1, ":")) {
            start = i + 2, i++;
        } else if (tok_is(c, i, "{") || tok_is(c, i, "}")) {
            start = i + 1;
        } else if (tok_is(c, i, ";")) {
            size_t a = start;
            start = i + 1;
            if (a >= i)
                continue;
            if (tok_is(c, a, "return"))
                op_return(c, a + 1, i);
            else if (tok_is_any(c, a, simple, 3) || !stmt_declares(c, a, i))
                mutant_add(c, "delete", a, i, ";");
        }
    }
}

/* A statement starting with ( is a cast or a parenthesized expression: ops_statements
 * loses its start at the (; this pass finds "(void)f(...);" and the like again. Only a (
 * outside any parentheses counts (not one in a for's header). */
static void ops_cast_statements(struct ctx *c)
{
    int outer = 0;
    for (size_t i = 0; i < c->t.n; i++) {
        int open = tok_is(c, i, "(") || tok_is(c, i, "[");
        if (!open || outer > 0 || i == 0
            || !(tok_is(c, i - 1, ";") || tok_is(c, i - 1, "{") || tok_is(c, i - 1, "}"))) {
            outer += open ? 1 : (tok_is(c, i, ")") || tok_is(c, i, "]")) ? -(outer > 0) : 0;
            continue;
        }
        int depth = 0;
        size_t j = i;
        for (; j < c->t.n; j++) {
            if (tok_is(c, j, "(") || tok_is(c, j, "["))
                depth++;
            else if ((tok_is(c, j, ")") || tok_is(c, j, "]")) && --depth < 0)
                break;
            else if (depth == 0 && (tok_is(c, j, ";") || tok_is(c, j, "{")
                                    || tok_is(c, j, "}")))
                break;
        }
        if (j < c->t.n && tok_is(c, j, ";"))
            mutant_add(c, "delete", i, j, ";");
        outer++;                        /* this ( itself */
    }
}

static void mutate_region(const struct source *src, size_t from, size_t to, void *arg)
{
    struct ctx c = { .src = src, .out = arg };
    lex(src->text, from, to, &c.t);
    ops_tokens(&c);
    ops_numbers(&c);
    ops_negate(&c);
    ops_statements(&c);
    ops_cast_statements(&c);
    free(c.t.v);
}

static int mutant_cmp_at(const void *a, const void *b)
{
    const struct mutant *x = a, *y = b;
    int f = strcmp(x->file, y->file);
    if (f != 0)
        return f;
    if (x->at != y->at)
        return x->at < y->at ? -1 : 1;
    return x->len != y->len ? (x->len < y->len ? -1 : 1) : strcmp(x->op, y->op);
}

static int mutant_cmp_hash(const void *a, const void *b)
{
    const struct mutant *x = a, *y = b;
    return x->hash != y->hash ? (x->hash < y->hash ? -1 : 1) : strcmp(x->id, y->id);
}

/* The line of src holding offset at, blanks trimmed, as [*s, *s + *n). */
static void mutate_line_text(const struct source *src, size_t at, const char **s, size_t *n)
{
    size_t a = at, b = at;
    while (a > 0 && src->text[a - 1] != '\n')
        a--;
    while (b < src->len && src->text[b] != '\n')
        b++;
    while (a < b && (src->text[a] == ' ' || src->text[a] == '\t'))
        a++;
    while (b > a && (src->text[b - 1] == ' ' || src->text[b - 1] == '\t'))
        b--;
    *s = src->text + a;
    *n = b - a;
}

/* Ids of the mutants of src (l->v[first..]): FILE:OP:HASH over the file's name, the
 * operator, the line's text, which copy of that line it is and which site of the
 * operator on it. */
static void mutate_name(const struct source *src, struct mlist *l, size_t first)
{
    for (size_t i = first; i < l->n; i++) {
        struct mutant *m = &l->v[i];
        const char *s;
        size_t n;
        mutate_line_text(src, m->at, &s, &n);
        /* site: earlier mutants of this operator on this line; copies: earlier lines
         * with the same text. */
        uint64_t copies = 0, site = 0;
        size_t last_line = 0;
        for (size_t j = first; j < i; j++) {
            const struct mutant *p = &l->v[j];
            if (p->line == m->line) {
                site += strcmp(p->op, m->op) == 0;
                continue;
            }
            if (p->line == last_line)
                continue;
            const char *s2;
            size_t n2;
            mutate_line_text(src, p->at, &s2, &n2);
            if (n2 == n && memcmp(s, s2, n) == 0)
                copies++, last_line = p->line;
        }
        const char *base = strrchr(src->path, '/');
        base = base ? base + 1 : src->path;
        uint64_t h = mutate_fnv(0xcbf29ce484222325ull, base, strlen(base) + 1);
        h = mutate_fnv(h, m->op, strlen(m->op) + 1);
        h = mutate_fnv(h, s, n);
        h = mutate_fnv(h, &copies, sizeof copies);
        h = mutate_fnv(h, &site, sizeof site);
        h = mutate_fnv(h, m->repl, strlen(m->repl) + 1);
        m->hash = h;
        snprintf(m->id, sizeof m->id, "%s:%s:%08llx", src->path, m->op,
                 (unsigned long long)(h >> 32 ^ (h & 0xffffffffu)));
    }
}

/* The mutants of lab in each file, in file order. Returns 0 or -1. */
static int mutate_collect(int lab, char **paths, int n, struct source *srcs,
                          struct mlist *l)
{
    for (int i = 0; i < n; i++) {
        if (source_read(&srcs[i], paths[i]) < 0)
            return -1;
        size_t first = l->n;
        mutate_regions(&srcs[i], lab, mutate_region, l);
        if (l->n > first)
            qsort(l->v + first, l->n - first, sizeof *l->v, mutant_cmp_at);
        mutate_name(&srcs[i], l, first);
    }
    return 0;
}

/* Marks the mutants named in the equivalence file `path`. Returns 0, or -1 after saying
 * where it is wrong. */
static int mutate_equivalents(const char *path, struct mlist *l)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return errno == ENOENT ? 0 : (fprintf(stderr, "mutate: %s: %s\n", path,
                                              strerror(errno)), -1);
    char line[MUTATE_LINE_CAP];
    int rc = 0, no = 0;
    while (fgets(line, sizeof line, f) != NULL) {
        no++;
        size_t n = strcspn(line, "\r\n");
        line[n] = '\0';
        const char *s = line + strspn(line, " \t");
        if (*s == '\0' || *s == '#')
            continue;
        const char *colon = strstr(s, ": ");
        size_t idlen = colon ? (size_t)(colon - s) : 0;
        if (colon == NULL || colon[2 + strspn(colon + 2, " \t")] == '\0') {
            fprintf(stderr, "%s:%d: expected 'MUTANT-ID: reason'\n", path, no);
            rc = -1;
            continue;
        }
        int found = 0;
        for (size_t i = 0; i < l->n; i++)
            if (strlen(l->v[i].id) == idlen && memcmp(l->v[i].id, s, idlen) == 0)
                l->v[i].equivalent = found = 1;
        if (!found) {
            fprintf(stderr, "%s:%d: no mutant '%.*s' (the code changed? list them again)\n",
                    path, no, (int)idlen, s);
            rc = -1;
        }
    }
    fclose(f);
    return rc;
}

/* Moves a sample of max mutants to the front of l and returns its size: the operators
 * take turns, each giving its mutant of lowest hash not yet taken, so a cap keeps every
 * kind of mistake (integer constants alone outnumber the rest). */
static size_t mutate_sample(struct mlist *l, size_t max)
{
    static const char *const ops[] = { "flip", "bound", "negate", "logic", "delete",
                                       "return" };
    enum { NOPS = sizeof ops / sizeof ops[0] };
    qsort(l->v, l->n, sizeof *l->v, mutant_cmp_hash);
    size_t cursor[NOPS] = { 0 }, taken = 0;
    for (int progress = 1; progress && taken < max;) {
        progress = 0;
        for (size_t k = 0; k < NOPS && taken < max; k++) {
            size_t i = cursor[k] > taken ? cursor[k] : taken;
            while (i < l->n && strcmp(l->v[i].op, ops[k]) != 0)
                i++;
            if (i >= l->n)
                continue;
            /* Keeps the rest in hash order: v[i] goes to v[taken], those between shift. */
            struct mutant m = l->v[i];
            memmove(l->v + taken + 1, l->v + taken, (i - taken) * sizeof *l->v);
            l->v[taken++] = m;
            cursor[k] = i + 1;
            progress = 1;
        }
    }
    return taken;
}

/* Prints text with newlines and tabs as spaces, runs of blanks as one, capped. */
static void mutate_put_flat(const char *s, size_t n)
{
    size_t shown = 0;
    int blank = 0;
    for (size_t i = 0; i < n && shown < 72; i++) {
        int b = s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r';
        if (b && blank)
            continue;
        putchar(b ? ' ' : s[i]);
        blank = b;
        shown++;
    }
    if (shown >= 72)
        fputs("...", stdout);
}

static int mutate_list(int lab, int max, const char *equiv, char **paths, int n)
{
    struct source *srcs = mutate_xrealloc(NULL, (size_t)n * sizeof *srcs);
    memset(srcs, 0, (size_t)n * sizeof *srcs);
    struct mlist l = { 0 };
    int rc = mutate_collect(lab, paths, n, srcs, &l);
    if (rc == 0 && equiv != NULL)
        rc = mutate_equivalents(equiv, &l);
    if (rc == 0) {
        size_t keep = l.n;
        if (max >= 0 && (size_t)max < l.n) {
            keep = mutate_sample(&l, (size_t)max);
            qsort(l.v, keep, sizeof *l.v, mutant_cmp_at);
        }
        for (size_t i = 0; i < keep; i++) {
            const struct mutant *m = &l.v[i];
            const struct source *src = srcs;
            while (strcmp(src->path, m->file) != 0)
                src++;
            printf("%s\t%s:%zu\t%s\t%s\t", m->id, m->file, m->line, m->op,
                   m->equivalent ? "equivalent" : "-");
            mutate_put_flat(src->text + m->at, m->len);
            fputs(" -> ", stdout);
            mutate_put_flat(m->repl, strlen(m->repl));
            putchar('\n');
        }
        fprintf(stderr, "mutate: lab %02d: %zu mutants, %zu listed\n", lab, l.n, keep);
    }
    for (size_t i = 0; i < l.n; i++)
        free(l.v[i].repl);
    free(l.v);
    for (int i = 0; i < n; i++)
        free(srcs[i].text);
    free(srcs);
    return rc < 0 ? 1 : 0;
}

static int mutate_apply(int lab, const char *id, char *path)
{
    struct source src = { 0 };
    struct mlist l = { 0 };
    int rc = mutate_collect(lab, &path, 1, &src, &l) < 0 ? 1 : 0;
    const struct mutant *m = NULL;
    for (size_t i = 0; rc == 0 && i < l.n && m == NULL; i++)
        if (strcmp(l.v[i].id, id) == 0)
            m = &l.v[i];
    if (rc == 0 && m == NULL) {
        fprintf(stderr, "mutate: %s: no mutant %s of lab %02d\n", path, id, lab);
        rc = 1;
    }
    if (m != NULL) {
        fwrite(src.text, 1, m->at, stdout);
        fputs(m->repl, stdout);
        fwrite(src.text + m->at + m->len, 1, src.len - m->at - m->len, stdout);
        rc = fflush(stdout) == 0 ? 0 : 1;
    }
    for (size_t i = 0; i < l.n; i++)
        free(l.v[i].repl);
    free(l.v);
    free(src.text);
    return rc;
}

static int mutate_usage(void)
{
    fprintf(stderr, "usage: mutate list NN [-n MAX] [-e EQUIV] FILE...\n"
                    "       mutate apply NN ID FILE\n");
    return 2;
}

/* A lab number: 1..99. Returns it, or -1. */
static int mutate_lab(const char *s)
{
    char *end;
    long v = strtol(s, &end, 10);
    return *s != '\0' && *end == '\0' && v >= 1 && v <= 99 ? (int)v : -1;
}

int main(int argc, char **argv)
{
    if (argc < 4)
        return mutate_usage();
    int lab = mutate_lab(argv[2]);
    if (lab < 0)
        return mutate_usage();
    if (strcmp(argv[1], "apply") == 0)
        return argc == 5 ? mutate_apply(lab, argv[3], argv[4]) : mutate_usage();
    if (strcmp(argv[1], "list") != 0)
        return mutate_usage();
    int max = -1, i = 3;
    const char *equiv = NULL;
    for (; i + 1 < argc && argv[i][0] == '-'; i += 2) {
        if (strcmp(argv[i], "-n") == 0) {
            char *end;
            long v = strtol(argv[i + 1], &end, 10);
            if (*end != '\0' || v < 0 || v > 1000000)
                return mutate_usage();
            max = (int)v;
        } else if (strcmp(argv[i], "-e") == 0) {
            equiv = argv[i + 1];
        } else {
            return mutate_usage();
        }
    }
    return i < argc ? mutate_list(lab, max, equiv, argv + i, argc - i) : mutate_usage();
}
