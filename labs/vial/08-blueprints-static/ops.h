/* ops.h -- lab 08's driver code, shared by driver.c (built with your vial/ into the
 * program the checker talks to) and checker.c (which runs it on the reference vial). Each
 * "ops" frame holds operations (files to create in a private folder, blueprints, rules,
 * static folders, requests); the driver runs them on a fresh app of your vial and answers
 * with a text of what happened, which the checker compares with the reference's text for
 * the same operations. */
#ifndef LAB08_OPS_H
#define LAB08_OPS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vial.h"
#include "wire.h"

#define MAX_PATHS 512

static char base[256];                  /* the private folder every path is under */
static char *made[MAX_PATHS];           /* what was created, to remove at exit */
static size_t nmade;

/* The one view of every rule: what the dispatcher decided, as text. */
static int op_view(vial_request *req, vial_response *res)
{
    struct wire_buf b = {0};
    wire_buf_str(&b, "endpoint ");
    wire_buf_str(&b, req->endpoint ? req->endpoint : "(none)");
    wire_buf_str(&b, "\n");
    for (size_t i = 0; i < req->view_args.len; i++) {
        wire_buf_str(&b, "view_arg ");
        wire_buf_str(&b, req->view_args.items[i].name);
        wire_buf_str(&b, " = ");
        wire_buf_str(&b, req->view_args.items[i].value ? req->view_args.items[i].value : "");
        wire_buf_str(&b, "\n");
    }
    int rc = b.failed ? 500 : vial_response_text(res, 200, "text/plain", b.data);
    wire_buf_free(&b);
    return rc;
}

/* A blueprint's before-request hook: marks the response it ran for. */
static int op_hook(vial_request *req, vial_response *res)
{
    vial_response_set_header(res, "X-Blueprint-Hook", req->endpoint ? req->endpoint : "?");
    return 0;
}

/* base + "/" + rel into out. */
static void op_path(char *out, size_t cap, const char *rel)
{
    snprintf(out, cap, "%s/%s", base, rel);
}

/* Remembers a created path for the clean-up. */
static void op_made(const char *path)
{
    size_t n = strlen(path) + 1;
    if (nmade < MAX_PATHS && (made[nmade] = malloc(n)) != NULL)
        memcpy(made[nmade++], path, n);
}

/* mkdir/file/link REL\0[CONTENT|TARGET]: a link TARGET starting with '/' is taken
 * under the private folder (an absolute link), any other as it is (relative). */
static void op_create(struct wire_buf *out, const char *op, const char *d, size_t len)
{
    char path[1024], target[1024];
    const char *arg = d + strlen(d) + 1;
    size_t alen = len > strlen(d) ? len - strlen(d) - 1 : 0;
    int rc = -1;
    op_path(path, sizeof path, d);
    if (strcmp(op, "mkdir") == 0) {
        rc = mkdir(path, 0755);
    } else if (strcmp(op, "file") == 0) {
        FILE *f = fopen(path, "wb");
        rc = f && fwrite(arg, 1, alen, f) == alen ? 0 : -1;
        if (f && fclose(f) != 0)
            rc = -1;
    } else {
        if (arg[0] == '/')
            op_path(target, sizeof target, arg + 1);
        else
            snprintf(target, sizeof target, "%s", arg);
        rc = symlink(target, path);
    }
    if (rc == 0)
        op_made(path);
    wire_buf_str(out, op);
    wire_buf_str(out, rc == 0 ? " ok\n" : " failed\n");
}

/* Writes a response: status, the headers that matter here, the body. */
static void op_dump(struct wire_buf *out, const vial_response *res)
{
    static const char *const names[] = {"Content-Type", "X-Blueprint-Hook", "Allow"};
    char line[64];
    snprintf(line, sizeof line, "status %d\n", res->status);
    wire_buf_str(out, line);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        const char *v = vial_response_header(res, names[i]);
        if (v == NULL)
            continue;
        wire_buf_str(out, names[i]);
        wire_buf_str(out, ": ");
        wire_buf_str(out, v);
        wire_buf_str(out, "\n");
    }
    if (res->status == 200) {
        wire_buf_str(out, "body \"");
        wire_buf_escaped(out, res->body ? res->body : "", res->body ? res->body_len : 0, 0);
        wire_buf_str(out, "\"\n");
    }
}

/* get TARGET: the raw request through your parser and your dispatcher. */
static void op_get(struct wire_buf *out, vial_app *app, const char *target)
{
    struct wire_buf raw = {0};
    vial_request req;
    vial_response res;
    wire_buf_str(&raw, "GET ");
    wire_buf_str(&raw, target);
    wire_buf_str(&raw, " HTTP/1.1\r\nHost: lab08\r\n\r\n");
    vial_request_init(&req);
    vial_response_init(&res);
    int st = raw.failed ? 500 : vial_parse_request(raw.data, raw.len, &req, NULL);
    wire_buf_str(out, "GET ");
    wire_buf_str(out, target);
    wire_buf_str(out, "\n");
    if (st != 0)
        vial_abort(&res, st);
    else
        vial_app_dispatch(app, &req, &res);
    op_dump(out, &res);
    vial_request_free(&req);
    vial_response_free(&res);
    wire_buf_free(&raw);
}

/* send FOLDER\0RELPATH: vial_send_file on its own (RELPATH "(NULL)" passes NULL). */
static void op_send(struct wire_buf *out, const char *d)
{
    char folder[1024];
    vial_response res;
    const char *rel = d + strlen(d) + 1;
    op_path(folder, sizeof folder, d);
    vial_response_init(&res);
    int rc = vial_send_file(&res, folder, strcmp(rel, "(NULL)") == 0 ? NULL : rel);
    wire_buf_str(out, "send_file \"");
    wire_buf_escaped(out, rel, strlen(rel), 0);
    snprintf(folder, sizeof folder, "\" -> %d\n", rc);
    wire_buf_str(out, folder);
    op_dump(out, &res);
    vial_response_free(&res);
}

/* url_for ENDPOINT\0NAME\0VALUE...: reverse routing of a (blueprint) endpoint. */
static void op_url_for(struct wire_buf *out, const vial_app *app, const char *d, size_t len)
{
    vial_pairs args;
    vial_pairs_init(&args);
    const char *p = d + strlen(d) + 1, *end = d + len;
    while (p < end) {
        const char *v = p + strlen(p) + 1;
        if (v > end)
            break;
        vial_pairs_adds(&args, p, v < end ? v : "");
        p = v + strlen(v) + 1;
    }
    char *url = vial_url_for_pairs(app, d, &args);
    wire_buf_str(out, "url_for ");
    wire_buf_str(out, d);
    wire_buf_str(out, " -> ");
    wire_buf_str(out, url ? url : "(null)");
    wire_buf_str(out, "\n");
    free(url);
    vial_pairs_free(&args);
}

/* Rule arguments METHODS\0RULE\0ENDPOINT. */
static void op_rule_args(const char *d, const char **rule, const char **endpoint)
{
    *rule = d + strlen(d) + 1;
    *endpoint = *rule + strlen(*rule) + 1;
}

/* Runs one operation on app / the current blueprint *bp. */
static void op_run(struct wire_buf *out, vial_app *app, vial_blueprint **bp, const char *op,
                   const char *d, size_t len)
{
    char line[256];
    const char *rule, *endpoint;
    if (strcmp(op, "mkdir") == 0 || strcmp(op, "file") == 0 || strcmp(op, "link") == 0) {
        op_create(out, op, d, len);
    } else if (strcmp(op, "bp") == 0) {
        vial_blueprint_free(*bp);
        *bp = vial_blueprint_new(d, d + strlen(d) + 1);
        snprintf(line, sizeof line, "blueprint %.80s -> %s\n", d, *bp ? "made" : "NULL");
        wire_buf_str(out, line);
    } else if (strcmp(op, "bproute") == 0 || strcmp(op, "route") == 0) {
        op_rule_args(d, &rule, &endpoint);
        int rc = op[0] == 'b' ? vial_blueprint_route(*bp, d, rule, endpoint, op_view)
                              : vial_app_route(app, d, rule, endpoint, op_view);
        snprintf(line, sizeof line, "%s %.80s %.80s -> %d\n", op, rule, endpoint, rc);
        wire_buf_str(out, line);
    } else if (strcmp(op, "bphook") == 0) {
        snprintf(line, sizeof line, "bphook -> %d\n", vial_blueprint_before_request(*bp, op_hook));
        wire_buf_str(out, line);
    } else if (strcmp(op, "registernull") == 0) {   /* a NULL app: bp is freed all the same */
        snprintf(line, sizeof line, "register on NULL -> %d\n",
                 vial_app_register_blueprint(NULL, *bp));
        *bp = NULL;
        wire_buf_str(out, line);
    } else if (strcmp(op, "register") == 0) {
        snprintf(line, sizeof line, "register -> %d\n", vial_app_register_blueprint(app, *bp));
        *bp = NULL;
        wire_buf_str(out, line);
    } else if (strcmp(op, "static") == 0) {
        char folder[1024];
        op_path(folder, sizeof folder, d + strlen(d) + 1);
        snprintf(line, sizeof line, "static %.80s -> %d\n", d,
                 vial_app_static(app, d[0] == '-' ? NULL : d, folder));
        wire_buf_str(out, line);
    } else if (strcmp(op, "get") == 0) {
        op_get(out, app, d);
    } else if (strcmp(op, "send") == 0) {
        op_send(out, d);
    } else if (strcmp(op, "mime") == 0) {
        snprintf(line, sizeof line, "mime %.80s -> %s\n", d, vial_mime_type(d));
        wire_buf_str(out, line);
    } else if (strcmp(op, "url_for") == 0) {
        op_url_for(out, app, d, len);
    }
}

/* Runs every operation of ops[0..len) on a fresh app; returns the text (caller frees). */
static char *op_exec(const char *ops, size_t len, size_t *out_len)
{
    struct wire_buf out = {0};
    char name[WIRE_MAX_NAME];
    const char *p = ops, *d;
    size_t n;
    vial_app *app = vial_app_new("lab08");
    vial_blueprint *bp = NULL;
    wire_buf_add(&out, "", 0);
    while (app != NULL && wire_next(&p, ops + len, name, sizeof name, &d, &n) == 1) {
        char *copy = malloc(n + 2);     /* two NULs: a missing field reads as "" */
        if (copy == NULL)
            break;
        memcpy(copy, d, n);
        copy[n] = copy[n + 1] = '\0';
        op_run(&out, app, &bp, name, copy, n);
        free(copy);
    }
    if (app == NULL)
        wire_buf_str(&out, "vial_app_new -> NULL\n");
    vial_blueprint_free(bp);
    vial_app_free(app);
    *out_len = out.len;
    return out.data;
}

#endif
