/* template.c -- [lab 09] a small Jinja-like template engine with autoescaping, and the
 * contexts that feed it: {{ expr|filter }}, {% if %}/{% elif %}/{% else %}, {% for %},
 * {% extends %}/{% block %}, {# comments #} and {%- -%} whitespace control. A template is
 * parsed into a tree first (so every syntax error is found), then rendered.
 * Until lab 09 rendering reports "not implemented". [lab 19] adds Django's spellings
 * ({% empty %}, forloop, block.super) and the app's own filters here; the app's own tags,
 * block.super and forloop's values are in template_tags.c (template.h: what they share). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "template.h"

/* SOLUTION(09) BEGIN */
#define TPL_MAX_FILE (4L << 20)

enum ctx_kind { CTX_STR, CTX_SAFE, CTX_LIST };

struct ctx_entry {
    char *name;
    enum ctx_kind kind;
    char *value;                        /* CTX_STR, CTX_SAFE */
    vial_ctx **items;                   /* CTX_LIST */
    size_t n, cap;
};

struct vial_ctx {
    struct ctx_entry *e;
    size_t n, cap;
};

void tbuf_add(struct tbuf *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *d = realloc(b->data, cap);
        if (d == NULL) {
            b->failed = 1;
            return;
        }
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

/* Appends s[0..n) with & < > " ' replaced by entities (markupsafe's choice). */
void tbuf_escaped(struct tbuf *b, const char *s, size_t n)
{
    size_t from = 0;
    for (size_t i = 0; i < n; i++) {
        const char *ent = s[i] == '&' ? "&amp;" : s[i] == '<' ? "&lt;" : s[i] == '>' ? "&gt;"
                        : s[i] == '"' ? "&#34;" : s[i] == '\'' ? "&#39;" : NULL;
        if (ent == NULL)
            continue;
        tbuf_add(b, s + from, i - from);
        tbuf_add(b, ent, strlen(ent));
        from = i + 1;
    }
    tbuf_add(b, s + from, n - from);
}

/* The entry `name` of ctx, created (as an empty string) when create is set. */
static struct ctx_entry *ctx_entry(const vial_ctx *ctx, const char *name, size_t len,
                                   vial_ctx *create)
{
    for (size_t i = 0; ctx != NULL && i < ctx->n; i++)
        if (strlen(ctx->e[i].name) == len && memcmp(ctx->e[i].name, name, len) == 0)
            return &ctx->e[i];
    if (create == NULL)
        return NULL;
    if (create->n == create->cap) {
        size_t cap = create->cap ? create->cap * 2 : 8;
        struct ctx_entry *e = realloc(create->e, cap * sizeof *e);
        if (e == NULL)
            return NULL;
        create->e = e;
        create->cap = cap;
    }
    struct ctx_entry *e = &create->e[create->n];
    memset(e, 0, sizeof *e);
    if ((e->name = tpl_dup(name, len)) == NULL)
        return NULL;
    create->n++;
    return e;
}

/* Empties an entry's value (its children too). */
static void ctx_entry_clear(struct ctx_entry *e)
{
    free(e->value);
    e->value = NULL;
    for (size_t i = 0; i < e->n; i++)
        vial_ctx_free(e->items[i]);
    free(e->items);
    e->items = NULL;
    e->n = e->cap = 0;
}

static int ctx_set(vial_ctx *ctx, const char *name, const char *value, enum ctx_kind kind)
{
    if (ctx == NULL || name == NULL || value == NULL)
        return -1;
    char *copy = tpl_dup(value, strlen(value));
    struct ctx_entry *e = copy ? ctx_entry(ctx, name, strlen(name), ctx) : NULL;
    if (e == NULL) {
        free(copy);
        return -1;
    }
    ctx_entry_clear(e);
    e->kind = kind;
    e->value = copy;
    return 0;
}
/* SOLUTION(09) END */

vial_ctx *vial_ctx_new(void)
{
/* SOLUTION(09) BEGIN */
    return calloc(1, sizeof(vial_ctx));
/* SOLUTION(09) STUB
    return NULL;
   SOLUTION(09) END */
}

void vial_ctx_free(vial_ctx *ctx)
{
/* SOLUTION(09) BEGIN */
    if (ctx == NULL)
        return;
    for (size_t i = 0; i < ctx->n; i++) {
        ctx_entry_clear(&ctx->e[i]);
        free(ctx->e[i].name);
    }
    free(ctx->e);
    free(ctx);
/* SOLUTION(09) STUB
    (void)ctx;
   SOLUTION(09) END */
}

int vial_ctx_set(vial_ctx *ctx, const char *name, const char *value)
{
/* SOLUTION(09) BEGIN */
    return ctx_set(ctx, name, value, CTX_STR);
/* SOLUTION(09) STUB
    (void)ctx;
    (void)name;
    (void)value;
    return -1;
   SOLUTION(09) END */
}

int vial_ctx_set_safe(vial_ctx *ctx, const char *name, const char *html)
{
/* SOLUTION(09) BEGIN */
    return ctx_set(ctx, name, html, CTX_SAFE);
/* SOLUTION(09) STUB
    (void)ctx;
    (void)name;
    (void)html;
    return -1;
   SOLUTION(09) END */
}

int vial_ctx_set_int(vial_ctx *ctx, const char *name, long long value)
{
/* SOLUTION(09) BEGIN */
    char num[32];
    snprintf(num, sizeof num, "%lld", value);
    return ctx_set(ctx, name, num, CTX_STR);
/* SOLUTION(09) STUB
    (void)ctx;
    (void)name;
    (void)value;
    return -1;
   SOLUTION(09) END */
}

vial_ctx *vial_ctx_list_add(vial_ctx *ctx, const char *name)
{
/* SOLUTION(09) BEGIN */
    if (ctx == NULL || name == NULL)
        return NULL;
    struct ctx_entry *e = ctx_entry(ctx, name, strlen(name), ctx);
    if (e == NULL)
        return NULL;
    if (e->kind != CTX_LIST) {
        ctx_entry_clear(e);
        e->kind = CTX_LIST;
    }
    if (e->n == e->cap) {
        size_t cap = e->cap ? e->cap * 2 : 8;
        vial_ctx **items = realloc(e->items, cap * sizeof *items);
        if (items == NULL)
            return NULL;
        e->items = items;
        e->cap = cap;
    }
    vial_ctx *child = vial_ctx_new();
    if (child != NULL)
        e->items[e->n++] = child;
    return child;
/* SOLUTION(09) STUB
    (void)ctx;
    (void)name;
    return NULL;
   SOLUTION(09) END */
}

/* SOLUTION(09) BEGIN */
/* ---- rendering: tree + context -> text ------------------------------------------ */

/* The value of a dotted name: loop variables first, then the context. */
struct tval tpl_lookup(const struct render *r, const char *name, size_t len)
{
    struct tval v = {.kind = V_MISSING};
    const char *dot = memchr(name, '.', len);
    size_t seg = dot ? (size_t)(dot - name) : len;
    const vial_ctx *cur = r->root;
/* SOLUTION(09) END */
/* SOLUTION(19) BEGIN */
    if (len > 8 && memcmp(name, "forloop.", 8) == 0 && r->nscope > 0)
        return tpl_forloop(r, name + 8, len - 8);
/* SOLUTION(19) END */
/* SOLUTION(09) BEGIN */
    for (int i = r->nscope - 1; i >= 0; i--) {
        if (strlen(r->scope[i].name) == seg && memcmp(r->scope[i].name, name, seg) == 0) {
            if (dot == NULL)
                return (struct tval){.kind = V_CTX};
            cur = r->scope[i].ctx;
            len -= seg + 1;
            name = dot + 1;
            break;
        }
    }
    for (;;) {
        dot = memchr(name, '.', len);
        seg = dot ? (size_t)(dot - name) : len;
        const struct ctx_entry *e = ctx_entry(cur, name, seg, NULL);
        if (e == NULL || (dot != NULL && e->kind != CTX_LIST))
            return v;
        if (dot == NULL) {
            if (e->kind == CTX_LIST)
                return (struct tval){.kind = V_LIST, .list = e};
            return (struct tval){.kind = V_STR, .s = e->value, .len = strlen(e->value),
                                 .safe = e->kind == CTX_SAFE};
        }
        return v;       /* a.b where a is a list or a string: missing */
    }
}

/* Replaces v by an owned string. */
static void tval_own(struct tval *v, char *s, size_t len, int safe)
{
    free(v->owned);
    *v = (struct tval){.kind = s ? V_STR : V_MISSING, .s = s, .len = len, .safe = safe,
                       .owned = s};
}

/* Applies one filter to v. */
void tpl_apply(struct tval *v, enum filter_id id, const char *arg, size_t alen)
{
    const char *s = v->kind == V_STR ? v->s : "";
    size_t len = v->kind == V_STR ? v->len : 0;
    char num[32];
    if (id == F_DEFAULT) {
        if (v->kind == V_MISSING)
            *v = (struct tval){.kind = V_STR, .s = arg, .len = alen};
    } else if (id == F_UPPER || id == F_LOWER) {
        char *d = tpl_dup(s, len);
        for (size_t i = 0; d != NULL && i < len; i++)
            if (id == F_UPPER ? d[i] >= 'a' && d[i] <= 'z' : d[i] >= 'A' && d[i] <= 'Z')
                d[i] = (char)(d[i] ^ 0x20);
        tval_own(v, d, len, v->safe);
    } else if (id == F_TRIM) {
        while (len > 0 && tpl_is_blank(*s))
            s++, len--;
        while (len > 0 && tpl_is_blank(s[len - 1]))
            len--;
        tval_own(v, tpl_dup(s, len), len, v->safe);
    } else if (id == F_LENGTH) {
        size_t n = v->kind == V_LIST ? v->list->n : 0;
        for (size_t i = 0; i < len; i++)
            n += ((unsigned char)s[i] & 0xc0) != 0x80;     /* characters, not bytes */
        int k = snprintf(num, sizeof num, "%zu", n);
        tval_own(v, tpl_dup(num, (size_t)k), (size_t)k, 1);
    } else if (id == F_SAFE || !v->safe) {      /* safe, or escape of an unsafe value */
        struct tbuf b = {0};
        if (id == F_SAFE)
            tbuf_add(&b, s, len);
        else
            tbuf_escaped(&b, s, len);
        tval_own(v, b.failed ? NULL : b.data ? b.data : tpl_dup("", 0), b.len, 1);
        if (b.failed)
            free(b.data);
    }
}

/* SOLUTION(09) END */
/* SOLUTION(19) BEGIN */
/* Applies a filter of the app's own: its result replaces v (missing when it gives
 * NULL); a missing value or a list reaches it as "". */
void tpl_apply_custom(struct tval *v, const struct vial_tpl_ext *ext, const char *arg,
                      size_t alen)
{
    char *value = tpl_dup(v->kind == V_STR ? v->s : "", v->kind == V_STR ? v->len : 0);
    char *a = arg ? tpl_dup(arg, alen) : NULL;
    int safe = v->kind == V_STR && v->safe;
    char *res = value != NULL && (arg == NULL || a != NULL)
                ? ext->filter(value, a, &safe, ext->user) : NULL;
    tval_own(v, res, res ? strlen(res) : 0, res != NULL && safe);
    free(value);
    free(a);
}
/* SOLUTION(19) END */
/* SOLUTION(09) BEGIN */

struct tval tpl_eval(const struct render *r, const struct texpr *x)
{
    struct tval v = x->name ? tpl_lookup(r, x->name, x->nlen)
                            : (struct tval){.kind = V_STR, .s = x->lit, .len = x->llen};
    for (int i = 0; i < x->nf; i++) {
/* SOLUTION(09) END */
/* SOLUTION(19) BEGIN */
        if (x->f[i].id == F_CUSTOM) {
            tpl_apply_custom(&v, x->f[i].ext, x->f[i].arg, x->f[i].alen);
            continue;
        }
/* SOLUTION(19) END */
/* SOLUTION(09) BEGIN */
        tpl_apply(&v, x->f[i].id, x->f[i].arg, x->f[i].alen);
    }
    return v;
}

static int truthy(const struct tval *v)
{
/* SOLUTION(09) END */
/* SOLUTION(19) BEGIN */
    if (v->falsy)
        return 0;
/* SOLUTION(19) END */
/* SOLUTION(09) BEGIN */
    return v->kind == V_CTX || (v->kind == V_STR && v->len > 0)
           || (v->kind == V_LIST && v->list->n > 0);
}

/* The most derived definition of block `name` in the chain. */
const struct tnode *tpl_find_block(const struct tlist *l, const char *name)
{
    for (size_t i = 0; i < l->n; i++) {
        const struct tnode *x = &l->items[i];
        if (x->kind == TN_BLOCK && strcmp(x->name, name) == 0)
            return x;
        const struct tnode *in = tpl_find_block(&x->body, name);
        if (in == NULL)
            in = tpl_find_block(&x->alt, name);
        if (in != NULL)
            return in;
    }
    return NULL;
}

static int render_for(struct render *r, const struct tnode *n)
{
    struct tval v = tpl_eval(r, &n->expr);
    int rc = 0;
    if (v.kind != V_LIST || v.list->n == 0) {
        free(v.owned);
        return tpl_render_list(r, &n->alt);
    }
    if (r->nscope == TPL_MAX_DEPTH) {
        char msg[200];
        snprintf(msg, sizeof msg, "%s:%d: for loops nested too deep", r->chain[0]->name, n->line);
        r->err = tpl_dup(msg, strlen(msg));
        return -1;
    }
    r->scope[r->nscope].name = n->name;
    r->nscope++;
    for (size_t i = 0; rc == 0 && i < v.list->n; i++) {
        r->scope[r->nscope - 1].ctx = v.list->items[i];
/* SOLUTION(09) END */
/* SOLUTION(19) BEGIN */
        r->scope[r->nscope - 1].index = i;
        r->scope[r->nscope - 1].count = v.list->n;
/* SOLUTION(19) END */
/* SOLUTION(09) BEGIN */
        rc = tpl_render_list(r, &n->body);
    }
    r->nscope--;
    return rc;
}

static int render_node(struct render *r, const struct tnode *n)
{
    struct tval v;
/* SOLUTION(09) END */
/* SOLUTION(19) BEGIN */
    if (n->kind == TN_TAG)
        return tpl_render_tag(r, n);
    if (n->kind == TN_BLOCK)
        return tpl_render_block(r, n->name, 0);
    if (n->kind == TN_VAR && n->expr.nlen == 11 && memcmp(n->expr.name, "block.super", 11) == 0)
        return tpl_render_super(r, &n->expr);
/* SOLUTION(19) END */
/* SOLUTION(09) BEGIN */
    switch (n->kind) {
    case TN_TEXT:
        tbuf_add(&r->out, n->text, n->len);
        return 0;
    case TN_VAR:
        v = tpl_eval(r, &n->expr);
        if (v.kind == V_STR && v.safe)
            tbuf_add(&r->out, v.s, v.len);
        else if (v.kind == V_STR)
            tbuf_escaped(&r->out, v.s, v.len);
        free(v.owned);
        return 0;
    case TN_IF:
        v = tpl_eval(r, &n->expr);
        int yes = truthy(&v) != n->expr.negate;
        free(v.owned);
        return tpl_render_list(r, yes ? &n->body : &n->alt);
    case TN_FOR:
        return render_for(r, n);
    case TN_BLOCK:
        for (int i = 0; i < r->nchain; i++) {
            const struct tnode *b = tpl_find_block(&r->chain[i]->root, n->name);
            if (b != NULL)
                return tpl_render_list(r, &b->body);
        }
        return tpl_render_list(r, &n->body);
    default:
        return 0;
    }
}

int tpl_render_list(struct render *r, const struct tlist *l)
{
    if (++r->depth > 200) {
        r->err = tpl_dup("blocks nested too deep", 22);
        return -1;
    }
    for (size_t i = 0; i < l->n; i++)
        if (render_node(r, &l->items[i]) < 0)
            return -1;
    r->depth--;
    return 0;
}

/* 1 when a template name is safe to join to a folder. */
static int name_ok(const char *name)
{
    if (name[0] == '\0' || name[0] == '/')
        return 0;
    for (const char *p = name; *p; ) {
        size_t n = strcspn(p, "/");
        if (n == 2 && p[0] == '.' && p[1] == '.')
            return 0;
        p += n + (p[n] == '/');
    }
    return 1;
}

/* The source of template `name`: the app's own, else a copy read from its folder
 * (*owned, caller frees). NULL when there is none. */
const char *tpl_source(const vial_app *app, const char *name, char **owned)
{
    *owned = NULL;
    const char *s = app ? vial_pairs_get(&app->templates, name) : NULL;
    if (s != NULL || app == NULL || app->template_folder == NULL || !name_ok(name))
        return s;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", app->template_folder, name);
    FILE *f = fopen(path, "rb");
    struct tbuf b = {0};
    char chunk[4096];
    size_t n;
    while (f != NULL && (n = fread(chunk, 1, sizeof chunk, f)) > 0 && b.len < TPL_MAX_FILE)
        tbuf_add(&b, chunk, n);
    if (f != NULL && !ferror(f) && !b.failed)
        *owned = b.data ? b.data : tpl_dup("", 0);
    else
        free(b.data);
    if (f != NULL)
        fclose(f);
    return *owned;
}

/* Parses the parents of r->chain[0] into the chain. Returns 0 or -1 with r->err. */
int tpl_load_chain(struct render *r, const vial_app *app)
{
    char msg[1024];
    while (r->chain[r->nchain - 1]->parent[0] != '\0') {
        const struct tpl *t = r->chain[r->nchain - 1];
        int cycle = 0;
        for (int i = 0; i < r->nchain; i++)
            cycle |= strcmp(r->chain[i]->name, t->parent) == 0;
        char *owned = NULL;
        const char *src = cycle ? NULL : tpl_source(app, t->parent, &owned);
        if (cycle || src == NULL || r->nchain == TPL_MAX_DEPTH) {
            int n = snprintf(msg, sizeof msg, "%s:%d: %s", t->name, t->extends_line,
                             cycle ? "extends cycle: " : src ? "extends chain too long"
                                   : "template not found: ");
            for (int i = 0; cycle && i < r->nchain && n < (int)sizeof msg; i++)
                n += snprintf(msg + n, sizeof msg - (size_t)n, "%s -> ", r->chain[i]->name);
            if (n < (int)sizeof msg && (cycle || src == NULL))
                snprintf(msg + n, sizeof msg - (size_t)n, "%s", t->parent);
            free(owned);
            r->err = tpl_dup(msg, strlen(msg));
            return -1;
        }
        if ((r->chain[r->nchain] = tpl_parse_app(app, t->parent, src, owned, &r->err)) == NULL)
            return -1;
        r->nchain++;
    }
    return 0;
}
/* SOLUTION(09) END */

char *vial_render_string(const vial_app *app, const char *name, const char *source,
                         const vial_ctx *ctx, char **err)
{
/* SOLUTION(09) BEGIN */
    struct render r = {.root = ctx, .app = app};
    char *e = NULL;
    if (name == NULL)
        name = "<string>";
    if (source == NULL)
        e = tpl_dup("no template source", 18);
    else if ((r.chain[0] = tpl_parse_app(app, name, source, NULL, &e)) != NULL) {
        r.nchain = 1;
        if (tpl_load_chain(&r, app) == 0)
            tpl_render_list(&r, &r.chain[r.nchain - 1]->root);
        e = r.err;
        if (e == NULL && r.out.failed)
            e = tpl_dup("out of memory", 13);
    }
    for (int i = 0; i < r.nchain; i++)
        tpl_free(r.chain[i]);
    if (e == NULL)
        return r.out.data ? r.out.data : tpl_dup("", 0);
    free(r.out.data);
    if (err != NULL)
        *err = e;
    else
        free(e);
    return NULL;
/* SOLUTION(09) STUB
    static const char msg[] = "templates are not implemented yet";
    (void)app;
    (void)name;
    (void)source;
    (void)ctx;
    if (err != NULL) {
        *err = malloc(sizeof msg);
        if (*err != NULL)
            memcpy(*err, msg, sizeof msg);
    }
    return NULL;
   SOLUTION(09) END */
}

int vial_app_add_template(vial_app *app, const char *name, const char *source)
{
/* SOLUTION(09) BEGIN */
    if (app == NULL || name == NULL || source == NULL || name[0] == '\0')
        return -1;
    vial_pairs_remove(&app->templates, name);
    return vial_pairs_adds(&app->templates, name, source);
/* SOLUTION(09) STUB
    (void)app;
    (void)name;
    (void)source;
    return -1;
   SOLUTION(09) END */
}

int vial_app_template_folder(vial_app *app, const char *folder)
{
/* SOLUTION(09) BEGIN */
    char *copy = folder ? tpl_dup(folder, strlen(folder)) : NULL;
    if (app == NULL || copy == NULL) {
        free(copy);
        return -1;
    }
    free(app->template_folder);
    app->template_folder = copy;
    return 0;
/* SOLUTION(09) STUB
    (void)app;
    (void)folder;
    return -1;
   SOLUTION(09) END */
}

int vial_render(vial_response *res, const vial_app *app, const char *name,
                const vial_ctx *ctx)
{
/* SOLUTION(09) BEGIN */
    char *owned = NULL, *err = NULL;
    const char *src = name ? tpl_source(app, name, &owned) : NULL;
    char *html = src ? vial_render_string(app, name, src, ctx, &err) : NULL;
    free(owned);
    if (html == NULL) {
        fprintf(stderr, "vial: template %s: %s\n", name ? name : "(null)",
                err ? err : "not found");
        free(err);
        return vial_abort(res, 500);
    }
    int rc = vial_response_set_header(res, "Content-Type", "text/html; charset=utf-8") == 0
             && vial_response_set_body(res, html, strlen(html)) == 0 ? 0 : 500;
    free(html);
    return rc == 0 ? 0 : vial_abort(res, 500);
/* SOLUTION(09) STUB
    (void)app;
    (void)name;
    (void)ctx;
    return vial_abort(res, 500);
   SOLUTION(09) END */
}
