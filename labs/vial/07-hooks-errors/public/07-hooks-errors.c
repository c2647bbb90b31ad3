/* 07-hooks-errors.c -- public tests of lab 07: before-request hooks that let the view
 * run or answer instead of it, after-request hooks in reverse order, teardown that always
 * runs, error handlers, and a failing view that leaks nothing.
 * Run with `make test LAB=07`; debug with `gdb build/tests/07-hooks-errors`. */
#include <stdio.h>
#include <string.h>

#include "tap.h"
#include "vial.h"

static char ran[256];                   /* who ran, in order */

static void mark(const char *who)
{
    size_t used = strlen(ran);
    snprintf(ran + used, sizeof ran - used, "%s%s", used ? " " : "", who);
}

static int hello(vial_request *req, vial_response *res)
{
    (void)req;
    mark("view");
    return vial_response_text(res, 200, "text/plain", "hello\n");
}

static int broken(vial_request *req, vial_response *res)
{
    (void)req;
    mark("broken");
    vial_response_set_header(res, "X-Debug", "password=hunter2");
    vial_response_set_body(res, "internal details", 16);
    return -1;
}

static int secret(vial_request *req, vial_response *res)
{
    (void)req;
    return vial_abort(res, 403);
}

static int b1(vial_request *req, vial_response *res) { (void)req; (void)res; mark("b1"); return 0; }

/* Answers /admin itself: the view never runs. */
static int b2(vial_request *req, vial_response *res)
{
    mark("b2");
    if (strcmp(req->path, "/admin") != 0)
        return 0;
    vial_response_text(res, 200, "text/plain", "login first\n");
    return 200;
}

static int a1(vial_request *req, vial_response *res)
{
    (void)req;
    mark("a1");
    return vial_response_set_header(res, "X-Frame-Options", "DENY") == 0 ? 0 : 500;
}

static int a2(vial_request *req, vial_response *res) { (void)req; (void)res; mark("a2"); return 0; }
static int t1(vial_request *req, vial_response *res) { (void)req; (void)res; mark("t1"); return 0; }

static int page_403(vial_request *req, vial_response *res)
{
    (void)req;
    mark("h403");
    return vial_response_text(res, 403, "text/html; charset=utf-8", "<h1>Forbidden here</h1>\n");
}

static int page_500(vial_request *req, vial_response *res)
{
    (void)req;
    mark("h500");
    if (res->headers.len != 0 || res->body_len != 0)
        return -1;                      /* it should start from an empty response */
    return vial_response_text(res, 500, "text/plain", "sorry\n");
}

/* Sends "GET path" through the parser and the dispatcher. */
static int get(vial_app *app, const char *path, vial_response *res)
{
    char raw[256];
    vial_request req;
    vial_request_init(&req);
    vial_response_free(res);
    vial_response_init(res);
    ran[0] = '\0';
    snprintf(raw, sizeof raw, "GET %s HTTP/1.1\r\nHost: test\r\n\r\n", path);
    int st = vial_parse_request(raw, strlen(raw), &req, NULL);
    if (st == 0)
        st = vial_app_dispatch(app, &req, res);
    vial_request_free(&req);
    return st;
}

int main(void)
{
    vial_response res;
    vial_app *app = vial_app_new("public07");
    ok(app != NULL, "an app");
    if (app == NULL)
        return done_testing();
    vial_response_init(&res);
    vial_app_route(app, NULL, "/", "index", hello);
    vial_app_route(app, NULL, "/admin", "admin", hello);
    vial_app_route(app, NULL, "/broken", "broken", broken);
    vial_app_route(app, NULL, "/secret", "secret", secret);
    is_int(vial_app_before_request(app, b1), 0, "before-request hook b1");
    is_int(vial_app_before_request(app, b2), 0, "before-request hook b2");
    is_int(vial_app_after_request(app, a1), 0, "after-request hook a1");
    is_int(vial_app_after_request(app, a2), 0, "after-request hook a2");
    is_int(vial_app_teardown_request(app, t1), 0, "teardown hook t1");
    is_int(vial_app_errorhandler(app, 403, page_403), 0, "a 403 handler");
    is_int(vial_app_errorhandler(app, 200, page_403), -1, "no handler for 200");
    is_int(vial_app_before_request(app, NULL), -1, "no NULL hook");

    is_int(get(app, "/", &res), 200, "GET / is 200");
    is_str(ran, "b1 b2 view a2 a1 t1", "before in order, view, after in reverse, teardown");
    is_str(vial_response_header(&res, "X-Frame-Options"), "DENY", "an after hook added a header");

    is_int(get(app, "/admin", &res), 200, "GET /admin is answered by b2");
    is_str(ran, "b1 b2 a2 a1 t1", "the view is skipped");
    is_bytes(res.body, res.body_len, "login first\n", 12, "with b2's body");

    is_int(get(app, "/secret", &res), 403, "vial_abort(res, 403) in a view");
    is_str(ran, "b1 b2 h403 a2 a1 t1", "goes through the 403 handler; after and teardown run");
    is_bytes(res.body, res.body_len, "<h1>Forbidden here</h1>\n", 24, "the handler's page");

    is_int(get(app, "/broken", &res), 500, "a failing view gives 500");
    is_str(ran, "b1 b2 broken a2 a1 t1", "no 500 handler yet: the plain response");
    is_bytes(res.body, res.body_len, "500 Internal Server Error\n", 26, "with the plain body");
    ok(vial_response_header(&res, "X-Debug") == NULL, "and none of the view's headers");

    is_int(vial_app_errorhandler(app, 500, page_500), 0, "a 500 handler");
    is_int(get(app, "/broken", &res), 500, "the failing view again");
    is_bytes(res.body, res.body_len, "sorry\n", 6, "the 500 handler's page, from an empty start");

    vial_response_free(&res);
    vial_app_free(app);
    return done_testing();
}
