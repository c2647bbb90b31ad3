/* 05-routing.c -- public tests of lab 05: converters, precedence, 404 vs 405, HEAD,
 * OPTIONS and the trailing-slash redirect, through vial_app_dispatch (no server).
 * Run with `make test LAB=05`; debug with `gdb build/tests/05-routing`. */
#include <stdio.h>
#include <string.h>

#include "tap.h"
#include "vial.h"

static int view(vial_request *req, vial_response *res)
{
    return vial_response_text(res, 200, "text/plain", req->endpoint);
}

/* Dispatches METHOD PATH; returns the status, the body in res (caller frees res). */
static int call(vial_app *app, const char *method, const char *path, vial_response *res)
{
    vial_request req;
    vial_request_init(&req);
    vial_response_init(res);
    snprintf(req.method, sizeof req.method, "%s", method);
    req.path = strdup(path);
    req.target = strdup(path);
    req.query_string = strdup("");
    int st = vial_app_dispatch(app, &req, res);
    vial_request_free(&req);
    return st;
}

static int body_is(const vial_response *res, const char *text)
{
    return res->body_len == strlen(text) && memcmp(res->body, text, res->body_len) == 0;
}

int main(void)
{
    vial_response res;
    vial_app *app = vial_app_new("lab05");
    ok(app != NULL, "an app");
    is_int(vial_app_route(app, "GET", "/post/<name>", "by_slug", view), 0, "a string rule");
    is_int(vial_app_route(app, "GET", "/post/<int:id>", "show_post", view), 0, "an int rule");
    is_int(vial_app_route(app, "GET", "/post/new", "new_post", view), 0, "a static rule");
    is_int(vial_app_route(app, "GET,POST", "/docs/", "docs", view), 0, "a folder-like rule");
    is_int(vial_app_route(app, "GET", "/bad/<int:>", "bad1", view), -1, "no name: refused");
    is_int(vial_app_route(app, "GET", "/bad/<nope:x>", "bad2", view), -1, "unknown converter");

    is_int(call(app, "GET", "/post/new", &res), 200, "GET /post/new");
    ok(body_is(&res, "new_post"), "static wins though registered last");
    vial_response_free(&res);
    call(app, "GET", "/post/007", &res);
    ok(body_is(&res, "show_post"), "int beats string for /post/007");
    vial_response_free(&res);
    call(app, "GET", "/post/-1", &res);
    ok(body_is(&res, "by_slug"), "a negative number is not an int");
    vial_response_free(&res);
    call(app, "GET", "/post/99999999999999999999", &res);
    ok(body_is(&res, "by_slug"), "an overflowing number is not an int");
    vial_response_free(&res);

    is_int(call(app, "DELETE", "/post/7", &res), 405, "DELETE on a GET rule: 405");
    ok(vial_response_header(&res, "Allow") != NULL, "with an Allow header");
    vial_response_free(&res);
    is_int(call(app, "HEAD", "/post/7", &res), 200, "HEAD runs the GET view");
    vial_response_free(&res);
    is_int(call(app, "OPTIONS", "/docs/", &res), 200, "OPTIONS is answered");
    const char *allow = vial_response_header(&res, "Allow");
    ok(allow && strstr(allow, "POST") && strstr(allow, "OPTIONS"), "Allow lists POST and OPTIONS");
    vial_response_free(&res);
    is_int(call(app, "GET", "/docs", &res), 308, "/docs redirects");
    const char *loc = vial_response_header(&res, "Location");
    is_str(loc ? loc : "(none)", "/docs/", "to /docs/");
    vial_response_free(&res);
    is_int(call(app, "GET", "/nowhere", &res), 404, "an unknown path: 404");
    vial_response_free(&res);
    vial_app_free(app);
    return done_testing();
}
