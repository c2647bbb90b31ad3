/* template_tags.c -- [lab 19] Django's side of vial's template engine: the app's own tags
 * and filters (Library.tag and Library.filter: a registry in the app), the calls a tag's
 * function makes (vial_tag_*), and the renderer's Django parts that stand apart from
 * template.c: a tag's node, {% block %} with {{ block.super }}, forloop's values. What
 * they share with template.c is in template.h. Until lab 19 no name registers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "template.h"

/* SOLUTION(19) BEGIN */
/* ---- the renderer's Django parts ------------------------------------------------ */

struct vial_tag_call {
    struct render *r;
    const struct tnode *n;
    char *looked;                       /* the last lookup's value, owned */
};

/* Records "TEMPLATE:LINE: message" as the render's error (the first one wins). */
static int render_fail(struct render *r, int line, const char *message)
{
    if (r->err == NULL) {
        const char *where = r->where ? r->where : r->chain[r->nchain - 1]->name;
        size_t cap = strlen(where) + strlen(message) + 32;
        if ((r->err = malloc(cap)) != NULL)
            snprintf(r->err, cap, "%s:%d: %s", where, line, message);
    }
    return -1;
}

/* forloop.FIELD of the innermost loop (Django's names); missing for another field. */
struct tval tpl_forloop(const struct render *r, const char *field, size_t len)
{
    static const char *const names[] = {"counter", "counter0", "revcounter",
                                        "revcounter0", "first", "last"};
    size_t i = r->scope[r->nscope - 1].index, n = r->scope[r->nscope - 1].count;
    size_t k = 0, nnames = sizeof names / sizeof names[0];
    while (k < nnames && (strlen(names[k]) != len || memcmp(names[k], field, len) != 0))
        k++;
    if (k == nnames)
        return (struct tval){.kind = V_MISSING};
    if (k >= 4) {
        int yes = k == 4 ? i == 0 : i + 1 == n;
        return (struct tval){.kind = V_STR, .s = yes ? "True" : "False",
                             .len = yes ? 4 : 5, .falsy = !yes};
    }
    size_t values[] = {i + 1, i, n - i, n - i - 1};
    char num[32];
    int w = snprintf(num, sizeof num, "%zu", values[k]);
    char *d = tpl_dup(num, (size_t)w);
    return (struct tval){.kind = d ? V_STR : V_MISSING, .s = d, .len = (size_t)w, .owned = d};
}

/* Renders the body of block `name` from the first template of the chain, from index
 * `from` on, that defines it; nothing when none does. */
int tpl_render_block(struct render *r, const char *name, int from)
{
    for (int i = from; i < r->nchain; i++) {
        const struct tnode *b = tpl_find_block(&r->chain[i]->root, name);
        if (b == NULL)
            continue;
        if (r->nblocks == (int)(sizeof r->blocks / sizeof r->blocks[0]))
            return render_fail(r, b->line, "blocks nested too deep");
        const char *where = r->where;
        r->blocks[r->nblocks].name = name;
        r->blocks[r->nblocks++].level = i;
        r->where = r->chain[i]->name;
        int rc = tpl_render_list(r, &b->body);
        r->where = where;
        r->nblocks--;
        return rc;
    }
    return 0;
}

/* {{ block.super }}: the block's body from the templates after the one giving it now,
 * rendered as a safe value, then the expression's filters. Outside a block: nothing. */
int tpl_render_super(struct render *r, const struct texpr *x)
{
    if (r->nblocks == 0)
        return 0;
    struct tbuf saved = r->out;
    r->out = (struct tbuf){0};
    int rc = tpl_render_block(r, r->blocks[r->nblocks - 1].name,
                              r->blocks[r->nblocks - 1].level + 1);
    struct tbuf inner = r->out;
    r->out = saved;
    if (rc < 0 || inner.failed) {
        free(inner.data);
        return rc < 0 ? -1 : render_fail(r, 0, "out of memory");
    }
    struct tval v = {.kind = V_STR, .s = inner.data ? inner.data : "", .len = inner.len,
                     .safe = 1, .owned = inner.data};
    for (int i = 0; i < x->nf; i++) {
        if (x->f[i].id == F_CUSTOM)
            tpl_apply_custom(&v, x->f[i].ext, x->f[i].arg, x->f[i].alen);
        else
            tpl_apply(&v, x->f[i].id, x->f[i].arg, x->f[i].alen);
    }
    if (v.kind == V_STR && v.safe)
        tbuf_add(&r->out, v.s, v.len);
    else if (v.kind == V_STR)
        tbuf_escaped(&r->out, v.s, v.len);
    free(v.owned);
    return 0;
}

/* {% NAME args %}: evaluates the arguments to strings and calls the tag. */
int tpl_render_tag(struct render *r, const struct tnode *n)
{
    char *keys[TPL_MAX_ARGS] = {0}, *values[TPL_MAX_ARGS] = {0};
    int ok = 1, rc = -1;
    for (int i = 0; i < n->nargs; i++) {
        struct tval v = tpl_eval(r, &n->args[i].x);
        values[i] = v.kind == V_STR ? tpl_dup(v.s, v.len) : tpl_dup("", 0);
        keys[i] = n->args[i].key ? tpl_dup(n->args[i].key, n->args[i].klen) : NULL;
        ok &= values[i] != NULL && (n->args[i].key == NULL || keys[i] != NULL);
        free(v.owned);
    }
    struct vial_tag_call call = {.r = r, .n = n};
    if (ok)
        rc = n->ext->tag(&call, n->nargs, (const char *const *)keys,
                         (const char *const *)values, n->ext->user);
    if (rc < 0 && r->err == NULL) {
        char msg[80];
        snprintf(msg, sizeof msg, "tag '%s' failed", n->ext->name);
        render_fail(r, n->line, ok ? msg : "out of memory");
    }
    for (int i = 0; i < n->nargs; i++) {
        free(keys[i]);
        free(values[i]);
    }
    free(call.looked);
    return rc < 0 ? -1 : 0;
}

/* SOLUTION(19) END */

/* ---- the registry --------------------------------------------------------------- */

/* SOLUTION(19) BEGIN */
/* Adds or replaces an entry of table[0..*n): a tag (tag set) or a filter. */
static int ext_add(struct vial_tpl_ext *table, int *n, const char *const *builtins,
                   const char *name, vial_tag_fn tag, vial_filter_fn filter, void *user)
{
    size_t len = name ? strlen(name) : 0;
    if (len == 0 || len >= sizeof table[0].name || (tag == NULL && filter == NULL)
        || (name[0] >= '0' && name[0] <= '9'))
        return -1;
    for (size_t i = 0; i < len; i++)
        if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= 'A' && name[i] <= 'Z')
              || (name[i] >= '0' && name[i] <= '9') || name[i] == '_'))
            return -1;
    for (size_t i = 0; builtins[i] != NULL; i++)
        if (strcmp(builtins[i], name) == 0)
            return -1;
    int at = 0;
    while (at < *n && strcmp(table[at].name, name) != 0)
        at++;
    if (at == VIAL_TPL_MAX_EXT)
        return -1;
    memcpy(table[at].name, name, len + 1);
    table[at].tag = tag;
    table[at].filter = filter;
    table[at].user = user;
    *n += at == *n;
    return 0;
}
/* SOLUTION(19) END */

int vial_template_add_tag(vial_app *app, const char *name, vial_tag_fn fn, void *user)
{
/* SOLUTION(19) BEGIN */
    static const char *const builtins[] = {"if", "elif", "else", "endif", "for", "empty",
                                           "endfor", "block", "endblock", "extends", NULL};
    return app && fn ? ext_add(app->tags, &app->ntags, builtins, name, fn, NULL, user) : -1;
/* SOLUTION(19) STUB
    (void)app;
    (void)name;
    (void)fn;
    (void)user;
    return -1;
   SOLUTION(19) END */
}

int vial_template_add_filter(vial_app *app, const char *name, vial_filter_fn fn, void *user)
{
/* SOLUTION(19) BEGIN */
    static const char *const builtins[] = {"upper", "lower", "trim", "length", "safe",
                                           "escape", "e", "default", NULL};
    return app && fn ? ext_add(app->filters, &app->nfilters, builtins, name, NULL, fn, user)
                     : -1;
/* SOLUTION(19) STUB
    (void)app;
    (void)name;
    (void)fn;
    (void)user;
    return -1;
   SOLUTION(19) END */
}

/* ---- what a tag's function may call --------------------------------------------- */

int vial_tag_write(vial_tag_call *call, const char *html)
{
/* SOLUTION(19) BEGIN */
    if (call == NULL || html == NULL)
        return -1;
    tbuf_add(&call->r->out, html, strlen(html));
    return call->r->out.failed ? -1 : 0;
/* SOLUTION(19) STUB
    (void)call;
    (void)html;
    return -1;
   SOLUTION(19) END */
}

int vial_tag_include(vial_tag_call *call, const char *name)
{
/* SOLUTION(19) BEGIN */
    if (call == NULL || name == NULL)
        return -1;
    struct render *r = call->r;
    char *owned = NULL;
    const char *src = tpl_source(r->app, name, &owned);
    if (src == NULL) {
        size_t cap = strlen(name) + 32;
        char *msg = malloc(cap);
        if (msg != NULL)
            snprintf(msg, cap, "template not found: %s", name);
        render_fail(r, call->n->line, msg ? msg : "template not found");
        free(msg);
        return -1;
    }
    struct render sub = {.root = r->root, .app = r->app, .nscope = r->nscope,
                         .depth = r->depth};
    memcpy(sub.scope, r->scope, sizeof sub.scope);
    if ((sub.chain[0] = tpl_parse_app(r->app, name, src, owned, &sub.err)) != NULL) {
        sub.nchain = 1;
        if (tpl_load_chain(&sub, r->app) == 0)
            tpl_render_list(&sub, &sub.chain[sub.nchain - 1]->root);
    }
    for (int i = 0; i < sub.nchain; i++)
        tpl_free(sub.chain[i]);
    if (sub.err == NULL && !sub.out.failed)
        tbuf_add(&r->out, sub.out.data ? sub.out.data : "", sub.out.len);
    else if (r->err == NULL)
        r->err = sub.err ? sub.err : tpl_dup("out of memory", 13);
    else
        free(sub.err);
    free(sub.out.data);
    return r->err == NULL && !r->out.failed ? 0 : -1;
/* SOLUTION(19) STUB
    (void)call;
    (void)name;
    return -1;
   SOLUTION(19) END */
}

const char *vial_tag_lookup(vial_tag_call *call, const char *name)
{
/* SOLUTION(19) BEGIN */
    if (call == NULL || name == NULL)
        return NULL;
    struct tval v = tpl_lookup(call->r, name, strlen(name));
    free(call->looked);
    call->looked = v.kind == V_STR ? tpl_dup(v.s, v.len) : NULL;
    free(v.owned);
    return call->looked;
/* SOLUTION(19) STUB
    (void)call;
    (void)name;
    return NULL;
   SOLUTION(19) END */
}

int vial_tag_error(vial_tag_call *call, const char *message)
{
/* SOLUTION(19) BEGIN */
    if (call != NULL)
        render_fail(call->r, call->n->line, message ? message : "error");
/* SOLUTION(19) STUB
    (void)call;
    (void)message;
   SOLUTION(19) END */
    return -1;
}

const vial_app *vial_tag_app(const vial_tag_call *call)
{
/* SOLUTION(19) BEGIN */
    return call ? call->r->app : NULL;
/* SOLUTION(19) STUB
    (void)call;
    return NULL;
   SOLUTION(19) END */
}
