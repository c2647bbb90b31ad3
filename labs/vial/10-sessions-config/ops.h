/* ops.h -- lab 10's driver code, shared by driver.c (built with your vial/ into the
 * program the checker talks to) and checker.c (which runs it on the reference vial). It
 * answers "encode" and "decode" frames with vial_session_encode/decode, "config" and "env"
 * frames with the config functions, and "request" frames (raw HTTP bytes) by parsing,
 * dispatching and serializing them on an app whose views use the session. */
#ifndef LAB10_OPS_H
#define LAB10_OPS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vial.h"
#include "wire.h"
#include "wire_vial.h"

/* ---- the views (the checker runs the same ones on the reference) ------------------ */

/* /set?k=v&...: vial_session_set for each argument. */
static int view_set(vial_request *req, vial_response *res)
{
    for (size_t i = 0; i < req->args.len; i++) {
        const struct vial_pair *a = &req->args.items[i];
        vial_response_printf(res, "set %s -> %d\n", a->name,
                             vial_session_set(req, a->name, a->value ? a->value : ""));
    }
    return 0;
}

/* /get?k1&k2: the session's value of each argument's name. */
static int view_get(vial_request *req, vial_response *res)
{
    for (size_t i = 0; i < req->args.len; i++) {
        const char *v = vial_session_get(req, req->args.items[i].name);
        vial_response_printf(res, "%s %s%s%s\n", req->args.items[i].name, v ? "\"" : "(none)",
                             v ? v : "", v ? "\"" : "");
    }
    return 0;
}

/* /remove?k: vial_session_remove for each argument; /remove alone: a NULL name. */
static int view_remove(vial_request *req, vial_response *res)
{
    if (req->args.len == 0)
        vial_response_printf(res, "remove (NULL) -> %d\n", vial_session_remove(req, NULL));
    for (size_t i = 0; i < req->args.len; i++)
        vial_response_printf(res, "remove %s -> %d\n", req->args.items[i].name,
                             vial_session_remove(req, req->args.items[i].name));
    return 0;
}

static int view_clear(vial_request *req, vial_response *res)
{
    vial_response_printf(res, "clear -> %d\n", vial_session_clear(req));
    return 0;
}

/* /flash?category=message&...: one flash message per argument. */
static int view_flash(vial_request *req, vial_response *res)
{
    for (size_t i = 0; i < req->args.len; i++) {
        const struct vial_pair *a = &req->args.items[i];
        vial_response_printf(res, "flash %s -> %d\n", a->name,
                             vial_flash(req, a->name, a->value ? a->value : ""));
    }
    return 0;
}

/* /flashes: the pending messages, taken out of the session; /flashes?null: a NULL out. */
static int view_flashes(vial_request *req, vial_response *res)
{
    vial_pairs out;
    vial_pairs_init(&out);
    int n = vial_get_flashed(req, vial_request_arg(req, "null") ? NULL : &out);
    vial_response_printf(res, "%d flashed\n", n);
    for (size_t i = 0; i < out.len; i++)
        vial_response_printf(res, "%s: %s\n", out.items[i].name,
                             out.items[i].value ? out.items[i].value : "");
    vial_pairs_free(&out);
    return 0;
}

static int view_noop(vial_request *req, vial_response *res)
{
    (void)req;
    return vial_response_text(res, 200, "text/plain", "nothing to see");
}

/* Makes the app every lab 10 request goes to. NULL when vial_app_new failed. */
static vial_app *lab10_app(void)
{
    static const struct { const char *rule; vial_view view; } views[] = {
        {"/set", view_set}, {"/get", view_get}, {"/remove", view_remove},
        {"/clear", view_clear}, {"/flash", view_flash}, {"/flashes", view_flashes},
        {"/noop", view_noop},
    };
    vial_app *app = vial_app_new("lab10");
    for (size_t i = 0; app != NULL && i < sizeof views / sizeof views[0]; i++)
        vial_app_route(app, "GET", views[i].rule, views[i].rule + 1, views[i].view);
    return app;
}

/* ---- frames ---------------------------------------------------------------------- */

/* Splits data[0..len) at NULs into at most max fields; returns how many. */
static int fields(char *data, size_t len, char **f, int max)
{
    int n = 0;
    size_t at = 0;
    while (at < len && n < max) {
        f[n++] = data + at;
        at += strlen(data + at) + 1;
    }
    return n;
}

/* encode: KEY \0 EXPIRES \0 NAME \0 VALUE ... -> the cookie or "(null)". */
static void frame_encode(struct wire_buf *out, char *d, size_t len)
{
    char *f[130];
    int n = fields(d, len, f, 130);
    vial_pairs data;
    vial_pairs_init(&data);
    for (int i = 2; i + 1 < n; i += 2)
        vial_pairs_adds(&data, f[i], f[i + 1]);
    char *c = n >= 2 ? vial_session_encode(&data, f[0], strtoll(f[1], NULL, 10)) : NULL;
    wire_buf_str(out, c ? c : "(null)");
    free(c);
    vial_pairs_free(&data);
}

/* decode: COOKIE \0 KEY \0 NOW \0 OLDKEY ... -> "rc N" and the pairs. */
static void frame_decode(struct wire_buf *out, char *d, size_t len)
{
    char *f[20];
    const char *old[20] = {NULL};
    char line[64];
    int n = fields(d, len, f, 19);
    for (int i = 3; i < n; i++)
        old[i - 3] = f[i];
    vial_pairs data;
    vial_pairs_init(&data);
    int rc = n >= 3 ? vial_session_decode(f[0], f[1], n > 3 ? old : NULL,
                                          strtoll(f[2], NULL, 10), &data) : -2;
    snprintf(line, sizeof line, "rc %d, %zu pairs\n", rc, data.len);
    wire_buf_str(out, line);
    wire_dump_pairs(out, "out", &data);
    vial_pairs_free(&data);
}

/* config: NAME \0 VALUE -> the return value and what the app now holds. */
static void frame_config(struct wire_buf *out, vial_app *app, char *d, size_t len)
{
    char *f[2];
    char line[96];
    if (fields(d, len, f, 2) < 2)
        return;
    snprintf(line, sizeof line, "set -> %d, int %lld\n", vial_config_set(app, f[0], f[1]),
             vial_config_int(app, f[0], -7));
    wire_buf_str(out, line);
    wire_line_str(out, "get", vial_config_get(app, f[0]));
}

/* env: PREFIX \0 NAME=VALUE ... \0 -- \0 NAME ...: sets the variables, loads them into a
 * fresh app, reports the count and the named settings, then unsets the variables. */
static void frame_env(struct wire_buf *out, char *d, size_t len)
{
    char *f[64];
    char line[96];
    int n = fields(d, len, f, 64), sep = n;
    for (int i = 1; i < n; i++)
        if (strcmp(f[i], "--") == 0 && sep == n)
            sep = i;
    for (int i = 1; i < sep; i++) {
        char *eq = strchr(f[i], '=');
        if (eq != NULL) {
            *eq = '\0';
            setenv(f[i], eq + 1, 1);
            *eq = '=';
        }
    }
    vial_app *app = vial_app_new("env");
    snprintf(line, sizeof line, "loaded %d\n", app && n > 0 ? vial_config_from_env(app, f[0]) : -2);
    wire_buf_str(out, line);
    for (int i = sep + 1; app && i < n; i++) {
        snprintf(line, sizeof line, "config[%.60s]", f[i]);
        wire_line_str(out, line, vial_config_get(app, f[i]));
    }
    for (int i = 1; i < sep; i++) {
        char *eq = strchr(f[i], '=');
        if (eq != NULL) {
            *eq = '\0';
            unsetenv(f[i]);
            *eq = '=';
        }
    }
    vial_app_free(app);
}

/* request: raw bytes -> the serialized answer of the app (the way the server would). */
static void frame_request(struct wire_buf *out, vial_app *app, const char *d, size_t len)
{
    vial_request req;
    vial_response res;
    size_t n = 0;
    vial_request_init(&req);
    vial_response_init(&res);
    /* Cookies are not parsed here: the session reads them itself (lab.md, step 6). */
    int st = vial_parse_request(d, len, &req, NULL);
    if (st == 0)
        vial_app_dispatch(app, &req, &res);
    else
        vial_abort(&res, st);
    char *raw = vial_response_serialize(&res, 1, &n);
    wire_buf_add(out, raw ? raw : "", raw ? n : 0);
    free(raw);
    vial_request_free(&req);
    vial_response_free(&res);
}

/* encode, decode, config, env and request frames, on the lab's app. */
static void driver_frame(void *state, const char *name, char *data, size_t len,
                         struct wire_buf *out, const char **reply)
{
    vial_app *app = state;
    (void)reply;
    if (strcmp(name, "encode") == 0)
        frame_encode(out, data, len);
    else if (strcmp(name, "decode") == 0)
        frame_decode(out, data, len);
    else if (strcmp(name, "config") == 0 && app != NULL)
        frame_config(out, app, data, len);
    else if (strcmp(name, "env") == 0)
        frame_env(out, data, len);
    else if (strcmp(name, "request") == 0 && app != NULL)
        frame_request(out, app, data, len);
    else
        wire_buf_str(out, app ? "unknown frame" : "vial_app_new returned NULL");
}

#endif
