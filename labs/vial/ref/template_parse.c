/* template_parse.c -- [lab 09] the first half of the template engine: template text
 * to a tree (template.h), with every syntax error reported as "name:line: message".
 * Until lab 09 nothing parses; [lab 19] adds the app's own tags and filters and
 * Django's {% empty %}. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "template.h"

char *tpl_dup(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d != NULL) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

int tpl_is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* SOLUTION(09) BEGIN */
static const struct {
    const char *name;
    enum filter_id id;
    int takes_arg;
} tpl_filters[] = {
    {"upper", F_UPPER, 0}, {"lower", F_LOWER, 0}, {"trim", F_TRIM, 0},
    {"length", F_LENGTH, 0}, {"safe", F_SAFE, 0}, {"escape", F_ESCAPE, 0},
    {"e", F_ESCAPE, 0}, {"default", F_DEFAULT, 1},
};

struct parser {
    const char *name, *p, *end;
    int line;
    int trim_next;                      /* the last tag ended with '-': strip blanks */
    char *err;
    struct tpl *t;
    const char *stop_rest, *stop_end;   /* what follows the keyword of the stop tag */
    int stop_line;
    const struct vial_app *app;         /* whose tags and filters apply, or NULL */
};


/* ---- parsing: source -> tree ------------------------------------------------------ */

static void tlist_free(struct tlist *l)
{
    for (size_t i = 0; i < l->n; i++) {
        tlist_free(&l->items[i].body);
        tlist_free(&l->items[i].alt);
/* SOLUTION(09) END */
/* SOLUTION(19) BEGIN */
        free(l->items[i].args);
/* SOLUTION(19) END */
/* SOLUTION(09) BEGIN */
    }
    free(l->items);
    memset(l, 0, sizeof *l);
}

static struct tnode *tlist_push(struct tlist *l, enum tnode_kind kind, int line)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        struct tnode *items = realloc(l->items, cap * sizeof *items);
        if (items == NULL)
            return NULL;
        l->items = items;
        l->cap = cap;
    }
    struct tnode *n = &l->items[l->n++];
    memset(n, 0, sizeof *n);
    n->kind = kind;
    n->line = line;
    return n;
}

/* Records the first error as "name:line: message". Returns -1. */
static int perr(struct parser *ps, int line, const char *fmt, const char *what, size_t wlen)
{
    if (ps->err == NULL) {
        char msg[160], buf[400];
        snprintf(msg, sizeof msg, fmt, (int)(wlen > 60 ? 60 : wlen), what);
        snprintf(buf, sizeof buf, "%s:%d: %s", ps->name, line, msg);
        ps->err = tpl_dup(buf, strlen(buf));
    }
    return -1;
}

/* SOLUTION(09) END */
/* SOLUTION(19) BEGIN */
/* The app's entry named s[0..len) in table[0..n), or NULL. */
static const struct vial_tpl_ext *tpl_ext_find(const struct vial_tpl_ext *table, int n,
                                               const char *s, size_t len)
{
    for (int i = 0; i < n; i++)
        if (strlen(table[i].name) == len && memcmp(table[i].name, s, len) == 0)
            return &table[i];
    return NULL;
}
/* SOLUTION(19) END */
/* SOLUTION(09) BEGIN */

static int is_ident(char c, int first)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'
           || (!first && c >= '0' && c <= '9');
}

static const char *skip_blanks(const char *p, const char *end)
{
    while (p < end && tpl_is_blank(*p))
        p++;
    return p;
}

/* An identifier at *p (advanced past it); its length, 0 when there is none. */
static size_t ident(const char **p, const char *end)
{
    const char *s = *p;
    while (*p < end && is_ident(**p, *p == s))
        (*p)++;
    return (size_t)(*p - s);
}

/* A quoted string at *p; sets its span. Returns 0 or -1. */
static int quoted(const char **p, const char *end, const char **s, size_t *len)
{
    char q = **p;
    const char *close = memchr(*p + 1, q, (size_t)(end - *p - 1));
    if ((q != '"' && q != '\'') || close == NULL)
        return -1;
    *s = *p + 1;
    *len = (size_t)(close - *p - 1);
    *p = close + 1;
    return 0;
}

/* Parses [not] primary (| filter[("arg")])* from s[0..len). Returns 0 or -1. */
static int parse_expr(struct parser *ps, int line, const char *s, const char *end,
                      struct texpr *x, int allow_not)
{
    memset(x, 0, sizeof *x);
    s = skip_blanks(s, end);
    if (allow_not && end - s > 4 && memcmp(s, "not", 3) == 0 && tpl_is_blank(s[3])) {
        x->negate = 1;
        s = skip_blanks(s + 3, end);
    }
    if (s < end && (*s == '"' || *s == '\'')) {
        if (quoted(&s, end, &x->lit, &x->llen) < 0)
            return perr(ps, line, "unterminated string%.*s", "", 0);
    } else {
        x->name = s;
        while (ident(&s, end) > 0 && s < end && *s == '.')
            s++;
        x->nlen = (size_t)(s - x->name);
        if (x->nlen == 0 || x->name[x->nlen - 1] == '.')
            return perr(ps, line, "expected a name or a string in '%.*s'", x->name,
                        (size_t)(end - x->name));
    }
    for (s = skip_blanks(s, end); s < end; s = skip_blanks(s, end)) {
        if (*s != '|' || x->nf == TPL_MAX_FILTERS)
            return perr(ps, line, "unexpected '%.*s'", s, (size_t)(end - s));
        s = skip_blanks(s + 1, end);
        const char *fname = s;
        size_t flen = ident(&s, end);
        size_t i = 0, nfilters = sizeof tpl_filters / sizeof tpl_filters[0];
        while (i < nfilters && (strlen(tpl_filters[i].name) != flen
                                || memcmp(tpl_filters[i].name, fname, flen) != 0))
            i++;
/* SOLUTION(09) END */
/* SOLUTION(19) BEGIN */
        const struct vial_tpl_ext *ext = i < nfilters || ps->app == NULL ? NULL
            : tpl_ext_find(ps->app->filters, ps->app->nfilters, fname, flen);
        if (ext != NULL) {
            x->f[x->nf].id = F_CUSTOM;
            x->f[x->nf].ext = ext;
            s = skip_blanks(s, end);
            if (s < end && *s == '('
                && ((s = skip_blanks(s + 1, end)) >= end
                    || quoted(&s, end, &x->f[x->nf].arg, &x->f[x->nf].alen) < 0
                    || (s = skip_blanks(s, end)) >= end || *s++ != ')'))
                return perr(ps, line, "filter '%.*s' takes a string argument in ( )",
                            fname, flen);
            x->nf++;
            continue;
        }
/* SOLUTION(19) END */
/* SOLUTION(09) BEGIN */
        if (i == nfilters)
            return perr(ps, line, "unknown filter '%.*s'", fname, flen ? flen : 1);
        x->f[x->nf].id = tpl_filters[i].id;
        s = skip_blanks(s, end);
        if (tpl_filters[i].takes_arg) {
            if (s >= end || *s != '(' || (s = skip_blanks(s + 1, end)) >= end
                || quoted(&s, end, &x->f[x->nf].arg, &x->f[x->nf].alen) < 0
                || (s = skip_blanks(s, end)) >= end || *s != ')')
                return perr(ps, line, "filter '%.*s' needs a string argument in ( )",
                            fname, flen);
            s++;
        }
        x->nf++;
    }
    return 0;
}


/* The tag words of tag[0..len): first word (kw) and the rest. */
static void tag_split(const char *tag, size_t len, const char **kw, size_t *kwlen,
                      const char **rest)
{
    const char *p = skip_blanks(tag, tag + len);
    *kw = p;
    *kwlen = ident(&p, tag + len);
    *rest = p;
}

/* Moves ps->p to `to`, counting lines. */
static void advance(struct parser *ps, const char *to)
{
    for (const char *q = ps->p; q < to; q++)
        ps->line += *q == '\n';
    ps->p = to;
}

/* Adds text[0..len) as a text node, honouring whitespace control on both sides. */
static int add_text(struct parser *ps, struct tlist *out, const char *s, size_t len,
                    int trim_end)
{
    const char *end = s + len;
    if (ps->trim_next)
        s = skip_blanks(s, end);
    while (trim_end && end > s && tpl_is_blank(end[-1]))
        end--;
    ps->trim_next = 0;
    if (end == s)
        return 0;
    struct tnode *n = tlist_push(out, TN_TEXT, ps->line);
    if (n == NULL)
        return perr(ps, ps->line, "out of memory%.*s", "", 0);
    n->text = s;
    n->len = (size_t)(end - s);
    return 0;
}

static int parse_list(struct parser *ps, struct tlist *out, const char *const *stops,
                      const char **stopped, int depth);

/* Parses a body up to one of `stops`; an unclosed body is an error naming `what`. */
static int parse_body(struct parser *ps, struct tlist *out, const char *const *stops,
                      const char **stopped, int depth, int line, const char *what)
{
    if (parse_list(ps, out, stops, stopped, depth + 1) < 0)
        return -1;
    if (*stopped == NULL)
        return perr(ps, line, "'%.*s' is never closed", what, strlen(what));
    return 0;
}

/* {% if c %} ... [{% elif c %} ...]* [{% else %} ...] {% endif %} */
static int parse_if(struct parser *ps, struct tnode *n, const char *c, const char *cend,
                    int depth)
{
    static const char *const stops[] = {"elif", "else", "endif", NULL};
    static const char *const end_only[] = {"endif", NULL};
    const char *stop = NULL;
    if (parse_expr(ps, n->line, c, cend, &n->expr, 1) < 0
        || parse_body(ps, &n->body, stops, &stop, depth, n->line, "if") < 0)
        return -1;
    if (strcmp(stop, "elif") == 0) {
        struct tnode *e = tlist_push(&n->alt, TN_IF, ps->stop_line);
        return e ? parse_if(ps, e, ps->stop_rest, ps->stop_end, depth + 1) : -1;
    }
    if (strcmp(stop, "else") == 0)
        return parse_body(ps, &n->alt, end_only, &stop, depth, n->line, "if");
    return 0;
}

/* {% for x in expr %} ... [{% else %} ...] {% endfor %} */
static int parse_for(struct parser *ps, struct tnode *n, const char *p, const char *end,
                     int depth)
{
    static const char *const stops[] = {"else", "endfor", NULL};
    static const char *const end_only[] = {"endfor", NULL};
    const char *stop = NULL, *var = p = skip_blanks(p, end);
    size_t vlen = ident(&p, end);
    const char *in = skip_blanks(p, end);
    if (vlen == 0 || vlen >= sizeof n->name || p == in || end - in < 3
        || memcmp(in, "in", 2) != 0 || !tpl_is_blank(in[2]))
        return perr(ps, n->line, "expected 'for NAME in EXPR'%.*s", "", 0);
    memcpy(n->name, var, vlen);
    if (parse_expr(ps, n->line, in + 2, end, &n->expr, 0) < 0
        || parse_body(ps, &n->body, stops, &stop, depth, n->line, "for") < 0)
        return -1;
    if (strcmp(stop, "else") == 0)
        return parse_body(ps, &n->alt, end_only, &stop, depth, n->line, "for");
    return 0;
}

/* {% block name %} ... {% endblock [name] %} */
static int parse_block(struct parser *ps, struct tnode *n, const char *p, const char *end,
                       int depth)
{
    static const char *const stops[] = {"endblock", NULL};
    const char *stop = NULL, *name = p = skip_blanks(p, end);
    size_t len = ident(&p, end);
    if (len == 0 || len >= sizeof n->name || skip_blanks(p, end) != end)
        return perr(ps, n->line, "expected 'block NAME'%.*s", "", 0);
    memcpy(n->name, name, len);
    if (parse_body(ps, &n->body, stops, &stop, depth, n->line, "block") < 0)
        return -1;
    const char *r = skip_blanks(ps->stop_rest, ps->stop_end), *e = ps->stop_end;
    while (e > r && tpl_is_blank(e[-1]))
        e--;
    if (r != e && ((size_t)(e - r) != len || memcmp(r, name, len) != 0))
        return perr(ps, ps->stop_line, "endblock does not match block '%.*s'", name, len);
    return 0;
}

/* {% extends "name" %}: only at the top level, only once. */
static int parse_extends(struct parser *ps, int line, const char *p, const char *end,
                         int depth)
{
    const char *s;
    size_t len;
    p = skip_blanks(p, end);
    if (depth > 0 || ps->t->parent[0] != '\0')
        return perr(ps, line, "extends must appear once, outside any other tag%.*s", "", 0);
    if (quoted(&p, end, &s, &len) < 0 || skip_blanks(p, end) != end || len == 0
        || len >= sizeof ps->t->parent)
        return perr(ps, line, "expected extends \"NAME\"%.*s", "", 0);
    memcpy(ps->t->parent, s, len);
    ps->t->parent[len] = '\0';
    ps->t->extends_line = line;
    return 0;
}

/* SOLUTION(09) END */
/* SOLUTION(19) BEGIN */
/* The end of the argument starting at p: the first blank outside quotes. */
static const char *arg_end(const char *p, const char *end)
{
    while (p < end && !tpl_is_blank(*p)) {
        const char *close = *p == '"' || *p == '\'' ? memchr(p + 1, *p, (size_t)(end - p - 1))
                                                    : NULL;
        p = close ? close + 1 : p + 1;
    }
    return p;
}

/* {% NAME arg KEY=arg ... %} for a tag of the app's own. */
static int parse_custom(struct parser *ps, struct tlist *out, const struct vial_tpl_ext *ext,
                        const char *p, const char *end, int line)
{
    struct tnode *n = tlist_push(out, TN_TAG, line);
    if (n == NULL || (n->args = calloc(TPL_MAX_ARGS, sizeof *n->args)) == NULL)
        return perr(ps, line, "out of memory%.*s", "", 0);
    n->ext = ext;
    for (p = skip_blanks(p, end); p < end; p = skip_blanks(p, end)) {
        const char *aend = arg_end(p, end), *k = p;
        struct targ *a = &n->args[n->nargs];
        if (n->nargs == TPL_MAX_ARGS)
            return perr(ps, line, "too many arguments to '%.*s'", ext->name, strlen(ext->name));
        size_t klen = ident(&k, aend);
        if (klen > 0 && k < aend && *k == '=') {
            a->key = p;
            a->klen = klen;
            p = k + 1;
        }
        if (parse_expr(ps, line, p, aend, &a->x, 0) < 0)
            return -1;
        n->nargs++;
        p = aend;
    }
    return 0;
}
/* SOLUTION(19) END */
/* SOLUTION(09) BEGIN */

/* A statement tag kw (rest in p..end) that is not a stop of the current body. */
static int parse_tag(struct parser *ps, struct tlist *out, const char *kw, size_t kwlen,
                     const char *p, const char *end, int line, int depth)
{
    static const struct {
        const char *kw;
        enum tnode_kind kind;
    } starts[] = {{"if", TN_IF}, {"for", TN_FOR}, {"block", TN_BLOCK}};
    if (kwlen == 7 && memcmp(kw, "extends", 7) == 0)
        return parse_extends(ps, line, p, end, depth);
    for (size_t i = 0; i < sizeof starts / sizeof starts[0]; i++) {
        if (strlen(starts[i].kw) != kwlen || memcmp(starts[i].kw, kw, kwlen) != 0)
            continue;
        struct tnode *n = tlist_push(out, starts[i].kind, line);
        if (n == NULL)
            return perr(ps, line, "out of memory%.*s", "", 0);
        /* n may move when out grows, but nothing is pushed to out until it returns. */
        return i == 0 ? parse_if(ps, n, p, end, depth) : i == 1 ? parse_for(ps, n, p, end, depth)
                                                             : parse_block(ps, n, p, end, depth);
    }
    static const char *const ends[] = {"elif", "else", "endif", "endfor", "endblock"};
    for (size_t i = 0; i < sizeof ends / sizeof ends[0]; i++)
        if (strlen(ends[i]) == kwlen && memcmp(ends[i], kw, kwlen) == 0)
            return perr(ps, line, "unexpected '%.*s'", kw, kwlen);
/* SOLUTION(09) END */
/* SOLUTION(19) BEGIN */
    const struct vial_tpl_ext *ext = ps->app == NULL ? NULL
        : tpl_ext_find(ps->app->tags, ps->app->ntags, kw, kwlen);
    if (ext != NULL)
        return parse_custom(ps, out, ext, p, end, line);
/* SOLUTION(19) END */
/* SOLUTION(09) BEGIN */
    return perr(ps, line, "unknown tag '%.*s'", kw, kwlen ? kwlen : (size_t)(end - kw));
}

/* Parses nodes into out until the end of the source or a tag named in `stops`
 * (NULL-terminated; NULL at the top). *stopped gets that stop word or NULL. */
static int parse_list(struct parser *ps, struct tlist *out, const char *const *stops,
                      const char **stopped, int depth)
{
    *stopped = NULL;
    if (depth > 64)
        return perr(ps, ps->line, "tags nested too deep%.*s", "", 0);
    for (;;) {
        const char *open = ps->p;
        while ((open = memchr(open, '{', (size_t)(ps->end - open))) != NULL
               && (open + 1 >= ps->end || strchr("{%#", open[1]) == NULL || open[1] == '\0'))
            open++;
        if (open == NULL)
            return add_text(ps, out, ps->p, (size_t)(ps->end - ps->p), 0);
        int dash = open + 2 < ps->end && open[2] == '-';
        if (add_text(ps, out, ps->p, (size_t)(open - ps->p), dash) < 0)
            return -1;
        advance(ps, open);
        int line = ps->line;
        const char closer[3] = {open[1] == '{' ? '}' : open[1], '}', '\0'};
        const char *close = open + 2;
        while (close + 1 < ps->end && memcmp(close, closer, 2) != 0)
            close++;
        if (close + 1 >= ps->end)
            return perr(ps, line, "'%.*s' is never closed", open, 2);
        const char *in = open + 2 + dash, *iend = close;
        ps->trim_next = iend > in && iend[-1] == '-';
        iend -= ps->trim_next;
        advance(ps, close + 2);
        if (open[1] == '#')
            continue;
        if (open[1] == '{') {
            struct tnode *n = tlist_push(out, TN_VAR, line);
            if (n == NULL)
                return perr(ps, line, "out of memory%.*s", "", 0);
            if (parse_expr(ps, line, in, iend, &n->expr, 0) < 0)
                return -1;
            continue;
        }
        const char *kw, *rest;
        size_t kwlen;
        tag_split(in, (size_t)(iend - in), &kw, &kwlen, &rest);
/* SOLUTION(09) END */
/* SOLUTION(19) BEGIN */
        int in_for = 0;                 /* Django's {% empty %} is a for's {% else %} */
        for (size_t i = 0; stops != NULL && stops[i] != NULL; i++)
            in_for |= strcmp(stops[i], "endfor") == 0;
        if (in_for && kwlen == 5 && memcmp(kw, "empty", 5) == 0)
            kw = "else", kwlen = 4;
/* SOLUTION(19) END */
/* SOLUTION(09) BEGIN */
        for (size_t i = 0; stops != NULL && stops[i] != NULL; i++) {
            if (strlen(stops[i]) == kwlen && memcmp(stops[i], kw, kwlen) == 0) {
                *stopped = stops[i];
                ps->stop_rest = rest;
                ps->stop_end = iend;
                ps->stop_line = line;
                return 0;
            }
        }
        if (parse_tag(ps, out, kw, kwlen, rest, iend, line, depth) < 0)
            return -1;
    }
}

/* Collects the names of all blocks of l; a name seen twice is an error. */
static int check_blocks(struct parser *ps, const struct tlist *l, const char **seen, size_t *n)
{
    for (size_t i = 0; i < l->n; i++) {
        const struct tnode *x = &l->items[i];
        if (x->kind == TN_BLOCK) {
            for (size_t j = 0; j < *n; j++)
                if (strcmp(seen[j], x->name) == 0)
                    return perr(ps, x->line, "block '%.*s' defined twice", x->name,
                                strlen(x->name));
            if (*n < 64)
                seen[(*n)++] = x->name;
        }
        if (check_blocks(ps, &x->body, seen, n) < 0 || check_blocks(ps, &x->alt, seen, n) < 0)
            return -1;
    }
    return 0;
}

/* SOLUTION(09) END */

void tpl_free(struct tpl *t)
{
/* SOLUTION(09) BEGIN */
    if (t == NULL)
        return;
    tlist_free(&t->root);
    free(t->name);
    free(t->owned);
    free(t);
/* SOLUTION(09) STUB
    (void)t;
   SOLUTION(09) END */
}

struct tpl *tpl_parse(const char *name, const char *source, char *owned, char **err)
{
    return tpl_parse_app(NULL, name, source, owned, err);
}

struct tpl *tpl_parse_app(const struct vial_app *app, const char *name, const char *source,
                          char *owned, char **err)
{
/* SOLUTION(09) BEGIN */
    struct tpl *t = calloc(1, sizeof *t);
    struct parser ps = {.name = name, .p = source, .end = source + strlen(source),
                        .line = 1, .t = t, .app = app};
    const char *stop = NULL, *seen[64];
    size_t nseen = 0;
    if (t == NULL || (t->name = tpl_dup(name, strlen(name))) == NULL) {
        free(owned);
        tpl_free(t);
        *err = tpl_dup("out of memory", 13);
        return NULL;
    }
    t->owned = owned;
    if (parse_list(&ps, &t->root, NULL, &stop, 0) < 0
        || check_blocks(&ps, &t->root, seen, &nseen) < 0) {
        *err = ps.err;
        tpl_free(t);
        return NULL;
    }
    return t;
/* SOLUTION(09) STUB
    (void)app;
    (void)name;
    (void)source;
    free(owned);
    *err = tpl_dup("templates are not implemented yet", 33);
    return NULL;
   SOLUTION(09) END */
}

