/* ops.h -- lab 07's driver code, shared by driver.c (built with your vial/ into the
 * program the checker talks to) and checker.c (which runs it on the reference vial). Each
 * "case" frame describes an app, one line per item (hooks, error handlers, routes with
 * what their views do) and the requests to send it. The driver builds that app with your
 * vial, sends each request through the parser and vial_app_dispatch, and answers with the
 * text of what happened: what registering returned, the order in which hooks, views and
 * handlers ran, and each serialized response. The checker compares it with the reference's
 * text. */
#ifndef LAB07_OPS_H
#define LAB07_OPS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vial.h"
#include "internal.h"                   /* vial_error_response, called directly once */
#include "wire.h"

#define CASE_MAX 6                      /* most hooks of one kind, handlers or routes */

/* What one hook, handler or view does: an action word and a number. */
struct act {
    char what[16];
    int n;
};

static struct act before_acts[CASE_MAX], after_acts[CASE_MAX], error_acts[CASE_MAX],
    route_acts[CASE_MAX];
static int error_status[CASE_MAX];
static struct wire_buf trace;           /* who ran, in order, for the current request */

static void trace_add(const char *fmt, int i, const char *extra)
{
    char item[160];
    snprintf(item, sizeof item, fmt, i, extra ? extra : "");
    wire_buf_str(&trace, trace.len ? " " : "");
    wire_buf_str(&trace, item);
}

/* ---- hooks ------------------------------------------------------------------------- */

static int run_before(int i, vial_request *req, vial_response *res)
{
    const struct act *a = &before_acts[i];
    char text[64];
    trace_add("before#%d%s", i, NULL);
    if (strcmp(a->what, "g") == 0 && req->g == NULL) {
        snprintf(text, sizeof text, "g-from-before#%d", i);
        req->g = malloc(strlen(text) + 1);
        if (req->g != NULL)
            memcpy(req->g, text, strlen(text) + 1);
    } else if (strcmp(a->what, "answer") == 0) {
        snprintf(text, sizeof text, "answered by before#%d\n", i);
        vial_response_text(res, a->n, "text/plain", text);
        return a->n;
    } else if (strcmp(a->what, "abort") == 0) {
        return a->n;
    } else if (strcmp(a->what, "bad") == 0) {
        return 42;
    }
    return 0;
}

static int run_after(int i, vial_request *req, vial_response *res)
{
    const struct act *a = &after_acts[i];
    char text[32];
    (void)req;
    trace_add("after#%d%s", i, NULL);
    if (strcmp(a->what, "header") == 0) {
        char name[16];
        snprintf(name, sizeof name, "X-After-%d", i);
        snprintf(text, sizeof text, "saw %d", res->status);
        vial_response_set_header(res, name, text);
    } else if (strcmp(a->what, "body") == 0) {
        snprintf(text, sizeof text, "[after#%d]", i);
        vial_response_append(res, text, strlen(text));
    } else if (strcmp(a->what, "fail") == 0) {
        return a->n;
    }
    return 0;
}

static int run_teardown(int i, vial_request *req, vial_response *res)
{
    (void)res;
    trace_add("teardown#%d%s", i, req->g ? "(freed g)" : "");
    free(req->g);
    req->g = NULL;
    return 7;                           /* ignored by vial */
}

/* An error handler: a custom page, or a failure after writing half of one. */
static int run_error(int i, vial_request *req, vial_response *res)
{
    char text[160];
    snprintf(text, sizeof text, "(saw %d, %zu body bytes, %zu headers)", res->status,
             res->body_len, res->headers.len);
    trace_add("error#%d%s", i, text);
    if (strcmp(error_acts[i].what, "fail") == 0) {
        vial_response_set_header(res, "X-Half", "1");
        vial_response_set_body(res, "half a page", 11);
        return -1;
    }
    snprintf(text, sizeof text, "<h1>custom %d page</h1><p>%s</p>\n", error_status[i],
             req->endpoint ? req->endpoint : "no endpoint");
    vial_response_set_header(res, "Content-Type", "text/html; charset=utf-8");
    vial_response_set_body(res, text, strlen(text));
    return 0;
}

/* A view: answers, aborts, returns a status or fails, after writing internals. */
static int run_view(int i, vial_request *req, vial_response *res)
{
    const struct act *a = &route_acts[i];
    char text[160];
    trace_add("view#%d%s", i, NULL);
    if (strcmp(a->what, "ok") == 0) {
        snprintf(text, sizeof text, "view %s g=%s\n", req->endpoint ? req->endpoint : "?",
                 req->g ? (char *)req->g : "none");
        vial_response_set_header(res, "X-View", "yes");
        return vial_response_text(res, 200, "text/plain", text) == 0 ? 0 : 500;
    }
    vial_response_set_header(res, "X-Internal", "db=secret.sqlite user=root");
    vial_response_set_body(res, "Traceback: secret internals", 27);
    if (strcmp(a->what, "abort") == 0)
        return vial_abort(res, a->n);
    if (strcmp(a->what, "return") == 0)
        return a->n;
    return strcmp(a->what, "weird") == 0 ? 7 : -1;
}

#define HOOKS(X) X(0) X(1) X(2) X(3) X(4) X(5)
#define DEF(i)                                                                              \
    static int before##i(vial_request *q, vial_response *s) { return run_before(i, q, s); }  \
    static int after##i(vial_request *q, vial_response *s) { return run_after(i, q, s); }    \
    static int teardown##i(vial_request *q, vial_response *s) { return run_teardown(i, q, s); } \
    static int error##i(vial_request *q, vial_response *s) { return run_error(i, q, s); }    \
    static int view##i(vial_request *q, vial_response *s) { return run_view(i, q, s); }
HOOKS(DEF)
static const vial_hook befores[] = {before0, before1, before2, before3, before4, before5};
static const vial_hook afters[] = {after0, after1, after2, after3, after4, after5};
static const vial_hook teardowns[] = {teardown0, teardown1, teardown2, teardown3, teardown4,
                                      teardown5};
static const vial_view errors[] = {error0, error1, error2, error3, error4, error5};
static const vial_view views[] = {view0, view1, view2, view3, view4, view5};

/* ---- the case ------------------------------------------------------------------------ */

struct counts {
    int before, after, teardown, error, route;
};

static void show_rc(struct wire_buf *out, const char *what, int i, int rc)
{
    char line[64];
    snprintf(line, sizeof line, "%s#%d -> %d\n", what, i, rc);
    wire_buf_str(out, line);
}

/* "nulls": registering NULL hooks and handlers for statuses outside 400..599. */
static void case_nulls(struct wire_buf *out, vial_app *app)
{
    char line[96];
    snprintf(line, sizeof line, "NULL hooks -> %d %d %d, NULL handler -> %d\n",
             vial_app_before_request(app, NULL), vial_app_after_request(app, NULL),
             vial_app_teardown_request(app, NULL), vial_app_errorhandler(app, 404, NULL));
    wire_buf_str(out, line);
    static const int bad[] = {0, 200, 302, 399, 600, 1000, -404};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(line, sizeof line, "errorhandler(%d) -> %d\n", bad[i],
                 vial_app_errorhandler(app, bad[i], error0));
        wire_buf_str(out, line);
    }
}

/* Sends "METHOD PATH" through the parser and the dispatcher; shows what happened. */
static void case_request(struct wire_buf *out, vial_app *app, const char *method,
                         const char *path)
{
    char raw[512];
    vial_request req;
    vial_response res;
    snprintf(raw, sizeof raw, "%s %s HTTP/1.1\r\nHost: lab07.test\r\n\r\n", method, path);
    wire_buf_str(out, "== ");
    wire_buf_str(out, method);
    wire_buf_str(out, " ");
    wire_buf_str(out, path);
    wire_buf_str(out, "\n");
    vial_request_init(&req);
    vial_response_init(&res);
    trace.len = 0;
    int st = vial_parse_request(raw, strlen(raw), &req, NULL);
    int rc = st == 0 ? vial_app_dispatch(app, &req, &res) : -1;
    char line[64];
    snprintf(line, sizeof line, "parse %d, dispatch returned %d\n", st, rc);
    wire_buf_str(out, line);
    wire_buf_str(out, "ran: ");
    wire_buf_str(out, trace.len ? trace.data : "");
    wire_buf_str(out, "\n");
    if (req.g != NULL) {
        wire_buf_str(out, "req->g was never freed (no teardown ran)\n");
        free(req.g);
        req.g = NULL;
    }
    size_t n = 0;
    char *bytes = st == 0 ? vial_response_serialize(&res, 1, &n) : NULL;
    wire_buf_escaped(out, bytes ? bytes : "", n, 1);
    wire_buf_str(out, "\n");
    free(bytes);
    vial_request_free(&req);
    vial_response_free(&res);
}

/* "errresp STATUS": vial_error_response called directly on a fresh response that a view
 * half wrote; shows the response. */
static void case_errresp(struct wire_buf *out, vial_app *app, int status)
{
    vial_request req;
    vial_response res;
    char line[64];
    vial_request_init(&req);
    vial_response_init(&res);
    vial_response_set_header(&res, "X-Internal", "secret");
    vial_response_set_body(&res, "half", 4);
    trace.len = 0;
    vial_error_response(app, &req, &res, status);
    snprintf(line, sizeof line, "== vial_error_response(%d)\nran: ", status);
    wire_buf_str(out, line);
    wire_buf_str(out, trace.len ? trace.data : "");
    wire_buf_str(out, "\n");
    size_t n = 0;
    char *bytes = vial_response_serialize(&res, 1, &n);
    wire_buf_escaped(out, bytes ? bytes : "", n, 1);
    wire_buf_str(out, "\n");
    free(bytes);
    vial_request_free(&req);
    vial_response_free(&res);
}

/* Registers one spec line's item; requests are run at once. */
static void case_line(struct wire_buf *out, vial_app *app, struct counts *c, char *line)
{
    char *save = NULL;
    const char *kind = strtok_r(line, " ", &save);
    const char *w1 = strtok_r(NULL, " ", &save), *w2 = strtok_r(NULL, " ", &save);
    const char *w3 = strtok_r(NULL, " ", &save), *w4 = strtok_r(NULL, " ", &save);
    struct act a = {"", 0};
    if (kind == NULL)
        return;
    if (strcmp(kind, "request") == 0 && w1 && w2) {
        case_request(out, app, w1, w2);
    } else if (strcmp(kind, "nulls") == 0) {
        case_nulls(out, app);
    } else if (strcmp(kind, "errresp") == 0 && w1) {
        case_errresp(out, app, (int)strtol(w1, NULL, 10));
    } else if (strcmp(kind, "before") == 0 && w1 && c->before < CASE_MAX) {
        snprintf(a.what, sizeof a.what, "%s", w1);
        a.n = w2 ? (int)strtol(w2, NULL, 10) : 0;
        before_acts[c->before] = a;
        show_rc(out, "before", c->before, vial_app_before_request(app, befores[c->before]));
        c->before++;
    } else if (strcmp(kind, "after") == 0 && w1 && c->after < CASE_MAX) {
        snprintf(a.what, sizeof a.what, "%s", w1);
        a.n = w2 ? (int)strtol(w2, NULL, 10) : 0;
        after_acts[c->after] = a;
        show_rc(out, "after", c->after, vial_app_after_request(app, afters[c->after]));
        c->after++;
    } else if (strcmp(kind, "teardown") == 0 && c->teardown < CASE_MAX) {
        show_rc(out, "teardown", c->teardown,
                vial_app_teardown_request(app, teardowns[c->teardown]));
        c->teardown++;
    } else if (strcmp(kind, "error") == 0 && w1 && w2 && c->error < CASE_MAX) {
        error_status[c->error] = (int)strtol(w1, NULL, 10);
        snprintf(error_acts[c->error].what, sizeof error_acts[0].what, "%s", w2);
        show_rc(out, "error", c->error,
                vial_app_errorhandler(app, error_status[c->error], errors[c->error]));
        c->error++;
    } else if (strcmp(kind, "route") == 0 && w1 && w2 && w3 && c->route < CASE_MAX) {
        char endpoint[16];
        snprintf(a.what, sizeof a.what, "%s", w3);
        a.n = w4 ? (int)strtol(w4, NULL, 10) : 0;
        route_acts[c->route] = a;
        snprintf(endpoint, sizeof endpoint, "view%d", c->route);
        show_rc(out, "route", c->route, vial_app_route(app, w1, w2, endpoint, views[c->route]));
        c->route++;
    } else {
        wire_buf_str(out, "bad spec line\n");
    }
}

/* Runs a case: spec lines in order. Returns the text (caller frees). */
static char *run_case(char *spec)
{
    struct wire_buf out = {0};
    struct counts c = {0, 0, 0, 0, 0};
    char *save = NULL;
    vial_app *app = vial_app_new("lab07");
    wire_buf_add(&out, "", 0);
    if (app == NULL) {
        wire_buf_str(&out, "vial_app_new returned NULL\n");
        return out.data;
    }
    for (char *line = strtok_r(spec, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
        case_line(&out, app, &c, line);
    vial_app_free(app);
    wire_buf_free(&trace);
    return out.data;
}

/* "case": runs one case and answers its text. */
static void driver_frame(void *state, const char *name, char *data, size_t len,
                         struct wire_buf *out, const char **reply)
{
    (void)state, (void)len, (void)reply;
    char *text = strcmp(name, "case") == 0 ? run_case(data) : NULL;
    wire_buf_str(out, text ? text : "unknown frame");
    free(text);
}

#endif
