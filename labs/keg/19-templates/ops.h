/* ops.h -- lab 19's operations, shared by driver.c (built with your vial/ and keg/ into
 * the program the checker talks to) and checker.c (which runs them on the reference).
 * Each "ops" frame holds operations (templates to add, a context to fill, tags and
 * filters to register, templates to render); the driver runs them on a fresh app (with a
 * fixed set of routes, some in a blueprint "blog") and answers with a text of the
 * results, which the checker compares with the reference's. */
#ifndef LAB19_OPS_H
#define LAB19_OPS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keg.h"
#include "wire.h"

#define MAX_NEST 8

/* What the last {% incl %} got from vial_tag_include (2: none since the last render). */
static int drv_incl_rc = 2;

/* "NAME:LINE:" of an error message, or the whole message when it has no such start. */
static void op_error(struct wire_buf *out, const char *err)
{
    const char *c1 = err ? strchr(err, ':') : NULL;
    const char *c2 = c1 ? c1 + 1 + strspn(c1 + 1, "0123456789") : NULL;
    wire_buf_str(out, "error ");
    if (c2 != NULL && c2 > c1 + 1 && *c2 == ':')
        wire_buf_add(out, err, (size_t)(c2 - err + 1));
    else {
        wire_buf_str(out, "without a name:line: start: \"");
        wire_buf_escaped(out, err ? err : "(null)", err ? strlen(err) : 6, 0);
        wire_buf_str(out, "\"");
    }
    wire_buf_str(out, "\n");
}

/* render NAME\0SOURCE: vial_render_string. */
static void op_render(struct wire_buf *out, const vial_app *app, const vial_ctx *ctx,
                      const char *name, const char *source)
{
    char *err = NULL;
    char *html = vial_render_string(app, name, source, ctx, &err);
    wire_buf_str(out, "render ");
    wire_buf_str(out, name);
    wire_buf_str(out, " -> ");
    if (html != NULL) {
        wire_buf_str(out, "\"");
        wire_buf_escaped(out, html, strlen(html), 0);
        wire_buf_str(out, "\"\n");
    } else {
        op_error(out, err);
    }
    if (drv_incl_rc != 2) {
        char line[48];
        snprintf(line, sizeof line, "the last incl -> %d\n", drv_incl_rc);
        wire_buf_str(out, line);
        drv_incl_rc = 2;
    }
    free(html);
    free(err);
}

/* view NAME: vial_render into a response. */
static void op_view(struct wire_buf *out, const vial_app *app, const vial_ctx *ctx,
                    const char *name)
{
    vial_response res;
    char line[64];
    vial_response_init(&res);
    int rc = vial_render(&res, app, name, ctx);
    const char *type = vial_response_header(&res, "Content-Type");
    snprintf(line, sizeof line, "view -> %d, status %d\n", rc, res.status);
    wire_buf_str(out, line);
    wire_buf_str(out, "Content-Type: ");
    wire_buf_str(out, type ? type : "(none)");
    wire_buf_str(out, "\nbody \"");
    if (res.status == 200)
        wire_buf_escaped(out, res.body ? res.body : "", res.body ? res.body_len : 0, 0);
    wire_buf_str(out, "\"\n");
    vial_response_free(&res);
}

struct op_state {
    vial_app *app;
    keg_site *site;
    vial_ctx *root;
    vial_ctx *stack[MAX_NEST];          /* stack[0] is root; push/pop walk list items */
    int top;
};

/* ---- the test's own tags and filters ------------------------------------------------ */

/* |rev: the bytes reversed; safe stays safe. */
static char *drv_rev(const char *value, const char *arg, int *safe, void *user)
{
    (void)arg;
    (void)safe;
    (void)user;
    size_t n = strlen(value);
    char *d = malloc(n + 1);
    for (size_t i = 0; d != NULL && i < n; i++)
        d[i] = value[n - 1 - i];
    if (d != NULL)
        d[n] = '\0';
    return d;
}

/* |wrap("tag"): "<tag>value</tag>", marked safe (the value is not escaped: the filter's
 * choice, as with mark_safe). */
static char *drv_wrap(const char *value, const char *arg, int *safe, void *user)
{
    (void)user;
    const char *t = arg ? arg : "span";
    size_t cap = strlen(value) + 2 * strlen(t) + 8;
    char *d = malloc(cap);
    if (d != NULL)
        snprintf(d, cap, "<%s>%s</%s>", t, value, t);
    *safe = 1;
    return d;
}

/* |shout: value + "!", never safe. */
static char *drv_shout(const char *value, const char *arg, int *safe, void *user)
{
    (void)arg;
    (void)user;
    size_t n = strlen(value);
    char *d = malloc(n + 2);
    if (d != NULL) {
        memcpy(d, value, n);
        memcpy(d + n, "!", 2);
    }
    *safe = 0;
    return d;
}

/* |gone: always missing. */
static char *drv_gone(const char *value, const char *arg, int *safe, void *user)
{
    (void)value;
    (void)arg;
    (void)safe;
    (void)user;
    return NULL;
}

/* {% pair a k=b %}: "[a,k=b]" as is (arguments as the tag received them). */
static int drv_pair(vial_tag_call *call, int argc, const char *const *keys,
                    const char *const *values, void *user)
{
    (void)user;
    int rc = vial_tag_write(call, "[");
    for (int i = 0; i < argc && rc == 0; i++) {
        if (i > 0)
            rc |= vial_tag_write(call, ",");
        if (keys[i] != NULL)
            rc |= vial_tag_write(call, keys[i]) | vial_tag_write(call, "=");
        rc |= vial_tag_write(call, values[i]);
    }
    return rc ? -1 : vial_tag_write(call, "]");
}

/* {% peek "name" %}: the value of name where the tag stands, or "(none)". */
static int drv_peek(vial_tag_call *call, int argc, const char *const *keys,
                    const char *const *values, void *user)
{
    (void)keys;
    (void)user;
    const char *v = argc == 1 ? vial_tag_lookup(call, values[0]) : NULL;
    return vial_tag_write(call, v ? v : "(none)");
}

/* {% boom %}: fails the render with a message. */
static int drv_boom(vial_tag_call *call, int argc, const char *const *keys,
                    const char *const *values, void *user)
{
    (void)argc;
    (void)keys;
    (void)values;
    (void)user;
    return vial_tag_error(call, "boom went the tag");
}

/* {% incl "name" %} or {% incl %}: vial_tag_include of that name (NULL without one);
 * writes "(-1)" when it fails without an error, and records its value for op_render. */
static int drv_incl(vial_tag_call *call, int argc, const char *const *keys,
                    const char *const *values, void *user)
{
    (void)keys;
    (void)user;
    drv_incl_rc = vial_tag_include(call, argc > 0 ? values[0] : NULL);
    return drv_incl_rc < 0 ? vial_tag_write(call, "(-1)") : 0;
}

/* {% who %}: the string registered with it as its user pointer, as is. */
static int drv_who(vial_tag_call *call, int argc, const char *const *keys,
                   const char *const *values, void *user)
{
    (void)argc;
    (void)keys;
    (void)values;
    return vial_tag_write(call, user ? (const char *)user : "(no user)");
}

static const struct {
    const char *name;
    vial_filter_fn filter;
    vial_tag_fn tag;
    const char *user;
} drv_exts[] = {
    {"rev", drv_rev, NULL}, {"wrap", drv_wrap, NULL}, {"shout", drv_shout, NULL},
    {"gone", drv_gone, NULL}, {"pair", NULL, drv_pair}, {"peek", NULL, drv_peek},
    {"boom", NULL, drv_boom}, {"incl", NULL, drv_incl}, {"who", NULL, drv_who, "<who's user>"},
};

/* ext NAME[\0AS]: registers the test's tag or filter NAME, under AS when given. */
static int op_ext(vial_app *app, const char *name, const char *as)
{
    for (size_t i = 0; i < sizeof drv_exts / sizeof drv_exts[0]; i++) {
        if (strcmp(drv_exts[i].name, name) != 0)
            continue;
        const char *n = as[0] ? as : name;
        void *user = (void *)drv_exts[i].user;
        return drv_exts[i].tag ? vial_template_add_tag(app, n, drv_exts[i].tag, user)
                               : vial_template_add_filter(app, n, drv_exts[i].filter, user);
    }
    return -2;
}

static int drv_view(vial_request *req, vial_response *res)
{
    (void)req;
    return vial_response_set_body(res, "x", 1);
}

/* The routes every app has: three of the app, two of the blueprint "blog". */
static int drv_routes(vial_app *app)
{
    vial_blueprint *bp = vial_blueprint_new("blog", "/blog");
    int rc = vial_app_route(app, "GET", "/", "index", drv_view)
             | vial_app_route(app, "GET", "/post/<int:id>", "post", drv_view)
             | vial_app_route(app, "GET", "/p/<slug>/<int:n>", "page", drv_view);
    if (bp == NULL)
        return -1;
    rc |= vial_blueprint_route(bp, "GET", "/<int:year>/<slug>", "detail", drv_view)
          | vial_blueprint_route(bp, "GET", "/archive", "archive", drv_view);
    return rc | vial_app_register_blueprint(app, bp);
}

/* Runs one operation; d holds NAME\0VALUE for most. */
static void op_run(struct wire_buf *out, struct op_state *st, const char *op, const char *d)
{
    const char *value = d + strlen(d) + 1;
    vial_ctx *cur = st->stack[st->top];
    char line[160];
    int rc = 0;
    if (strcmp(op, "tpl") == 0) {
        rc = vial_app_add_template(st->app, d, value);
    } else if (strcmp(op, "set") == 0) {
        rc = vial_ctx_set(cur, d, value);
    } else if (strcmp(op, "safe") == 0) {
        rc = vial_ctx_set_safe(cur, d, value);
    } else if (strcmp(op, "int") == 0) {
        rc = vial_ctx_set_int(cur, d, strtoll(value, NULL, 10));
    } else if (strcmp(op, "push") == 0) {
        vial_ctx *child = st->top + 1 < MAX_NEST ? vial_ctx_list_add(cur, d) : NULL;
        rc = child ? 0 : -1;
        if (child != NULL)
            st->stack[++st->top] = child;
    } else if (strcmp(op, "pop") == 0) {
        st->top -= st->top > 0;
        return;
    } else if (strcmp(op, "ext") == 0) {
        rc = op_ext(st->app, d, value);
    } else if (strcmp(op, "keg") == 0) {
        if (st->site == NULL)
            st->site = keg_site_new(st->app, NULL, NULL);
        rc = st->site ? keg_templates_install(st->site) : -3;
    } else if (strcmp(op, "render") == 0) {
        op_render(out, st->app, st->root, d, value);
        return;
    } else if (strcmp(op, "view") == 0) {
        op_view(out, st->app, st->root, d);
        return;
    } else {
        rc = -2;
    }
    if (rc != 0) {                      /* only failures are worth a line */
        snprintf(line, sizeof line, "%s %.60s -> %d\n", op, d, rc);
        wire_buf_str(out, line);
    }
}

/* Runs every operation of ops[0..len) on a fresh app and context; returns the text
 * (caller frees). */
static char *op_exec(const char *ops, size_t len, size_t *out_len)
{
    struct wire_buf out = {0};
    struct op_state st = {.app = vial_app_new("lab19"), .root = vial_ctx_new()};
    char name[WIRE_MAX_NAME];
    const char *p = ops, *d;
    size_t n;
    st.stack[0] = st.root;
    wire_buf_add(&out, "", 0);
    if (st.app == NULL || st.root == NULL)
        wire_buf_str(&out, "vial_app_new or vial_ctx_new -> NULL\n");
    else if (drv_routes(st.app) != 0)
        wire_buf_str(&out, "the routes could not be added\n");
    while (st.app && st.root && wire_next(&p, ops + len, name, sizeof name, &d, &n) == 1) {
        char *copy = malloc(n + 2);     /* two NULs: a missing field reads as "" */
        if (copy == NULL)
            break;
        memcpy(copy, d, n);
        copy[n] = copy[n + 1] = '\0';
        op_run(&out, &st, name, copy);
        free(copy);
    }
    vial_ctx_free(st.root);
    vial_app_free(st.app);
    keg_site_free(st.site);
    *out_len = out.len;
    return out.data;
}

#endif
