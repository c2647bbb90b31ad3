/* ops.h -- lab 04's driver code, shared by driver.c (built with your vial/ into the
 * program the checker talks to) and checker.c (which runs it on the reference vial). On
 * "start MAX_BODY" it serves an app whose one view, /echo, writes back as text everything
 * your request object holds (arguments, probed headers, cookies, body, form); the checker
 * sends real HTTP requests and compares that text with what the reference vial sees. On
 * "stop" it stops the server. */
#ifndef LAB04_OPS_H
#define LAB04_OPS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vial.h"
#include "wire.h"
#include "wire_vial.h"

/* Appends "key" or "key \"value\"" (escaped) and a newline. */
static void echo_line(struct wire_buf *b, const char *key, const char *v, int flag_ok)
{
    wire_buf_str(b, key);
    if (v == NULL) {
        wire_buf_str(b, flag_ok ? " (flag)\n" : " (none)\n");
        return;
    }
    wire_buf_str(b, " \"");
    wire_buf_escaped(b, v, strlen(v), 0);
    wire_buf_str(b, "\"\n");
}

/* Writes every pair of a list, in order. */
static void echo_pairs(struct wire_buf *b, const char *what, const vial_pairs *p)
{
    char key[96];
    for (size_t i = 0; i < p->len; i++) {
        snprintf(key, sizeof key, "%s[%zu] \"%.40s\" =", what, i, p->items[i].name);
        echo_line(b, key, p->items[i].value, 1);
    }
}

/* Looks up each comma-separated name of `names` with `get`. */
static void echo_probe(struct wire_buf *b, const char *what, const char *names,
                       const vial_request *req,
                       const char *(*get)(const vial_request *, const char *))
{
    char name[64], key[96];
    while (names != NULL && *names) {
        size_t n = strcspn(names, ",");
        snprintf(name, sizeof name, "%.*s", (int)(n < sizeof name ? n : sizeof name - 1), names);
        snprintf(key, sizeof key, "%s(%s)", what, name);
        echo_line(b, key, get(req, name), 0);
        names += n + (names[n] == ',');
    }
}

/* FNV-1a of the body: equal bodies give equal lines, without sending them back. */
static unsigned long long echo_hash(const char *p, size_t n)
{
    unsigned long long h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)p[i]) * 1099511628211ULL;
    return h;
}

/* The one view: the request object as text. */
static int echo_view(vial_request *req, vial_response *res)
{
    struct wire_buf b = {0};
    char line[128];
    echo_line(&b, "method", req->method, 0);
    echo_line(&b, "path", req->path, 0);
    echo_line(&b, "query_string", req->query_string, 0);
    echo_pairs(&b, "args", &req->args);
    long first = vial_pairs_next(&req->args, "tag", 0);
    snprintf(line, sizeof line, "first tag at %ld, has flag %d\n", first,
             vial_pairs_has(&req->args, "flag"));
    wire_buf_str(&b, line);
    echo_probe(&b, "header", vial_request_header(req, "X-Probe"), req, vial_request_header);
    /* a second call must not double the cookies (step 2 empties the list first) */
    snprintf(line, sizeof line, "parse_cookies again -> %d\n", vial_request_parse_cookies(req));
    wire_buf_str(&b, line);
    echo_pairs(&b, "cookies", &req->cookies);
    echo_probe(&b, "cookie", vial_request_header(req, "X-Cookie-Probe"), req,
               vial_request_cookie);
    snprintf(line, sizeof line, "body %zu bytes, fnv %016llx\n", req->body_len,
             echo_hash(req->body ? req->body : "", req->body ? req->body_len : 0));
    wire_buf_str(&b, line);
    snprintf(line, sizeof line, "parse_form -> %d\n", vial_request_parse_form(req));
    wire_buf_str(&b, line);
    echo_pairs(&b, "form", &req->form);
    int rc = b.failed ? 500 : vial_response_text(res, 200, "text/plain", b.data);
    wire_buf_free(&b);
    return rc;
}

struct driver {
    vial_app *app;
    vial_server *srv;
};

/* "start MAX_BODY": serves the echo app (answers "PORT" or "-1 why"); "stop". */
static void driver_frame(void *state, const char *name, char *data, size_t len,
                         struct wire_buf *out, const char **reply)
{
    struct driver *d = state;
    (void)len, (void)reply;
    if (strcmp(name, "start") == 0 && d->app == NULL) {
        struct vial_server_options opt = {.host = "127.0.0.1", .port = 0};
        opt.max_body = (size_t)strtoull(data, NULL, 10);
        d->app = vial_app_new("lab04");
        if (d->app == NULL || vial_app_route(d->app, "GET,POST,PUT,PATCH,DELETE", "/echo",
                                             "echo", echo_view) < 0)
            wire_buf_str(out, "-1 vial_app_new or vial_app_route failed");
        else
            wire_vial_start(d->app, &opt, &d->srv, out, "");
    } else if (strcmp(name, "stop") == 0) {
        wire_vial_stop(&d->srv, out);
    } else {
        wire_buf_str(out, "unknown frame");
    }
}

#endif
