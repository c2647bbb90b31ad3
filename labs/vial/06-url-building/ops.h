/* ops.h -- lab 06's driver code, shared by driver.c (built with your vial/ into the
 * program the checker talks to) and checker.c (which runs it on the reference vial).
 * "route" frames register rules (the endpoint "go" gets a view that redirects to
 * vial_url_for of its query; every other endpoint gets a view that echoes what it
 * matched). An "ops" frame holds operations (percent-encoding, vial_url_for, redirects,
 * requests through the dispatcher); the driver answers with the text of what happened,
 * which the checker compares with the reference's text. */
#ifndef LAB06_OPS_H
#define LAB06_OPS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vial.h"
#include "wire.h"

/* ---- the views ----------------------------------------------------------------------- */

static void line_str(struct wire_buf *b, const char *key, const char *v)
{
    wire_buf_str(b, key);
    if (v == NULL) {
        wire_buf_str(b, " (none)\n");
        return;
    }
    wire_buf_str(b, " \"");
    wire_buf_escaped(b, v, strlen(v), 0);
    wire_buf_str(b, "\"\n");
}

static void line_pairs(struct wire_buf *b, const char *what, const vial_pairs *p)
{
    char key[96];
    for (size_t i = 0; i < p->len; i++) {
        snprintf(key, sizeof key, "%s[%zu] %.40s =", what, i, p->items[i].name);
        line_str(b, key, p->items[i].value);
    }
}

/* Every endpoint but "go": the endpoint, view arguments and query arguments. */
static int echo_view(vial_request *req, vial_response *res)
{
    struct wire_buf b = {0};
    line_str(&b, "endpoint", req->endpoint);
    line_pairs(&b, "view_args", &req->view_args);
    line_pairs(&b, "args", &req->args);
    int rc = b.failed ? 500 : vial_response_text(res, 200, "text/plain", b.data);
    wire_buf_free(&b);
    return rc;
}

/* /go?to=ENDPOINT&st=STATUS&k=v...: redirects to url_for(ENDPOINT, k=v...). */
static int go_view(vial_request *req, vial_response *res)
{
    vial_pairs rest;
    vial_pairs_init(&rest);
    for (size_t i = 0; i < req->args.len; i++) {
        const struct vial_pair *a = &req->args.items[i];
        if (strcmp(a->name, "to") != 0 && strcmp(a->name, "st") != 0)
            vial_pairs_adds(&rest, a->name, a->value);
    }
    const char *st = vial_request_arg(req, "st");
    char *url = vial_url_for_pairs(req->app, vial_request_arg(req, "to"), &rest);
    vial_pairs_free(&rest);
    if (url == NULL)
        return 404;
    int rc = vial_redirect(res, url, st ? (int)strtol(st, NULL, 10) : 0);
    free(url);
    return rc == 0 ? 0 : 500;
}

/* ---- the operations ------------------------------------------------------------------- */

/* Reads "NAME\0=VALUE\0" or "NAME\0!\0" pairs (a flag) from d[at..len) into args. */
static void read_pairs(const char *d, size_t len, size_t at, vial_pairs *args)
{
    while (at < len) {
        const char *name = d + at;
        at += strlen(name) + 1;
        if (at >= len)
            break;
        const char *v = d + at;
        at += strlen(v) + 1;
        vial_pairs_adds(args, name, v[0] == '=' ? v + 1 : NULL);
    }
}

static void show_call(struct wire_buf *b, const char *fn, const char *endpoint,
                      const vial_pairs *args, const char *url)
{
    wire_buf_str(b, fn);
    wire_buf_str(b, " ");
    wire_buf_escaped(b, endpoint, strlen(endpoint), 0);
    wire_buf_str(b, " (");
    for (size_t i = 0; i < args->len; i++) {
        wire_buf_str(b, i ? ", " : "");
        wire_buf_escaped(b, args->items[i].name, strlen(args->items[i].name), 0);
        if (args->items[i].value != NULL) {
            wire_buf_str(b, "=\"");
            wire_buf_escaped(b, args->items[i].value, strlen(args->items[i].value), 0);
            wire_buf_str(b, "\"");
        }
    }
    line_str(b, ") ->", url);
}

/* url payload: ENDPOINT\0 then pairs. Calls vial_url_for_pairs, and vial_url_for too
 * when there are at most three pairs. Returns the URL of vial_url_for_pairs (caller
 * frees) or NULL. */
static char *op_url(struct wire_buf *b, const vial_app *app, const char *d, size_t len)
{
    vial_pairs a;
    vial_pairs_init(&a);
    read_pairs(d, len, strlen(d) + 1, &a);
    char *url = vial_url_for_pairs(app, d, &a);
    show_call(b, "url_for_pairs", d, &a, url);
    if (a.len <= 3) {
        const char *n[3] = {NULL, NULL, NULL}, *v[3] = {NULL, NULL, NULL};
        for (size_t i = 0; i < a.len; i++)
            n[i] = a.items[i].name, v[i] = a.items[i].value;
        char *u2 = a.len == 0 ? vial_url_for(app, d, NULL)
                 : a.len == 1 ? vial_url_for(app, d, n[0], v[0], NULL)
                 : a.len == 2 ? vial_url_for(app, d, n[0], v[0], n[1], v[1], NULL)
                 : vial_url_for(app, d, n[0], v[0], n[1], v[1], n[2], v[2], NULL);
        show_call(b, "url_for", d, &a, u2);
        free(u2);
    }
    vial_pairs_free(&a);
    return url;
}

/* Shows the parts of a response the lab decides. */
static void show_response(struct wire_buf *b, const vial_response *res)
{
    char line[64];
    snprintf(line, sizeof line, "  status %d\n", res->status);
    wire_buf_str(b, line);
    static const char *const names[] = {"Location", "Content-Type", "Set-Cookie"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(line, sizeof line, "  %s", names[i]);
        line_str(b, line, vial_response_header(res, names[i]));
    }
    wire_buf_str(b, "  body \"");
    wire_buf_escaped(b, res->body ? res->body : "", res->body ? res->body_len : 0, 0);
    wire_buf_str(b, "\"\n");
}

/* Sends "GET target" through the parser and the dispatcher. */
static void op_get(struct wire_buf *b, vial_app *app, const char *target)
{
    struct wire_buf raw = {0};
    vial_request req;
    vial_response res;
    wire_buf_str(&raw, "GET ");
    wire_buf_str(&raw, target);
    wire_buf_str(&raw, " HTTP/1.1\r\nHost: lab06.test\r\n\r\n");
    line_str(b, "GET", target);
    vial_request_init(&req);
    vial_response_init(&res);
    int st = raw.failed ? 500 : vial_parse_request(raw.data, raw.len, &req, NULL);
    if (st == 0) {
        vial_app_dispatch(app, &req, &res);
        show_response(b, &res);
    } else {
        char line[64];
        snprintf(line, sizeof line, "  parse status %d\n", st);
        wire_buf_str(b, line);
    }
    vial_request_free(&req);
    vial_response_free(&res);
    wire_buf_free(&raw);
}

/* redirect payload: STATUS\0LOCATION, on a response that already has a cookie. */
static void op_redirect(struct wire_buf *b, const char *d, size_t len)
{
    vial_response res;
    char line[64];
    const char *loc = strlen(d) + 1 <= len ? d + strlen(d) + 1 : "";
    int status = (int)strtol(d, NULL, 10);
    vial_response_init(&res);
    vial_response_add_header(&res, "Set-Cookie", "keep=1");
    vial_response_set_body(&res, "before", 6);
    snprintf(line, sizeof line, "redirect %d", status);
    line_str(b, line, loc);
    snprintf(line, sizeof line, "  -> %d\n", vial_redirect(&res, loc, status));
    wire_buf_str(b, line);
    show_response(b, &res);
    vial_response_free(&res);
}

/* enc payload: '0' or '1' (keep_slash), then the text. */
static void op_encode(struct wire_buf *b, const char *d)
{
    char *e = vial_percent_encode(d + 1, d[0] == '1');
    wire_buf_str(b, d[0] == '1' ? "encode keep_slash " : "encode ");
    wire_buf_str(b, "\"");
    wire_buf_escaped(b, d + 1, strlen(d + 1), 0);
    line_str(b, "\" ->", e);
    free(e);
}

static void run_op(struct wire_buf *b, vial_app *app, const char *op, const char *d, size_t len)
{
    if (strcmp(op, "enc") == 0 && len > 0) {
        op_encode(b, d);
    } else if (strcmp(op, "url") == 0) {
        free(op_url(b, app, d, len));
    } else if (strcmp(op, "trip") == 0) {
        char *url = op_url(b, app, d, len);
        if (url != NULL)
            op_get(b, app, url);
        free(url);
    } else if (strcmp(op, "redirect") == 0) {
        op_redirect(b, d, len);
    } else if (strcmp(op, "get") == 0) {
        op_get(b, app, d);
    } else {
        line_str(b, "unknown operation", op);
    }
}

/* Runs every operation frame of ops[0..len); returns the text (caller frees). */
static char *run_ops(vial_app *app, const char *ops, size_t len)
{
    struct wire_buf out = {0};
    char name[WIRE_MAX_NAME];
    const char *p = ops, *d;
    size_t n;
    wire_buf_add(&out, "", 0);
    while (wire_next(&p, ops + len, name, sizeof name, &d, &n) == 1) {
        char *copy = malloc(n + 1);
        if (copy == NULL)
            break;
        memcpy(copy, d, n);
        copy[n] = '\0';
        run_op(&out, app, name, copy, n);
        free(copy);
    }
    return out.data;
}

/* route payload: METHODS\0RULE\0ENDPOINT. Answers what vial_app_route returned. */
static int add_route(vial_app *app, const char *d, size_t len)
{
    const char *rule = d + strlen(d) + 1;
    if (app == NULL || (size_t)(rule - d) >= len || rule + strlen(rule) + 1 > d + len)
        return -1;
    const char *endpoint = rule + strlen(rule) + 1;
    return vial_app_route(app, d, rule, endpoint,
                          strcmp(endpoint, "go") == 0 ? go_view : echo_view);
}

/* "route" (answers add_route's result) or a batch of operations (answers their text). */
static void driver_frame(void *state, const char *name, char *data, size_t len,
                         struct wire_buf *out, const char **reply)
{
    vial_app *app = state;
    (void)reply;
    if (strcmp(name, "route") == 0) {
        char answer[32];
        snprintf(answer, sizeof answer, "%d", add_route(app, data, len));
        wire_buf_str(out, answer);
    } else {
        char *text = run_ops(app, data, len);
        if (text != NULL)
            wire_buf_str(out, text);
        free(text);
    }
}

#endif
