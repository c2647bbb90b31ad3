/* 11-test-client.c -- public tests of lab 11: raw bytes through the app, a response read
 * back, and the test client with its cookie jar. No socket is opened.
 * Run with `make test LAB=11`; debug with `gdb build/tests/11-test-client`. */
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "vial.h"

static int hello(vial_request *req, vial_response *res)
{
    const char *who = vial_request_cookie(req, "who");
    vial_response_add_header(res, "Set-Cookie", "who=ada; Path=/");
    return vial_response_printf(res, "hello %s", who ? who : "stranger") < 0 ? 500 : 0;
}

static int echo(vial_request *req, vial_response *res)
{
    const char *h = vial_request_header(req, "Host");
    const char *ct = vial_request_header(req, "Content-Type");
    vial_response_printf(res, "%s %s %s %zu", req->method, h ? h : "-", ct ? ct : "-",
                         req->body_len);
    return 0;
}

static void test_raw(vial_app *app)
{
    size_t n = 0;
    const char *get = "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n";
    char *out = vial_app_handle_raw(app, get, strlen(get), &n);
    const char *want = "HTTP/1.1 200 OK\r\nSet-Cookie: who=ada; Path=/\r\n"
                       "Content-Length: 14\r\n\r\nhello stranger";
    is_bytes(out, out ? n : 0, want, strlen(want), "GET /hello through the app, no socket");
    free(out);
    out = vial_app_handle_raw(app, "GET /x HTTP/9.9\r\n\r\n", 19, &n);
    ok(out != NULL && strncmp(out, "HTTP/1.1 505 ", 13) == 0, "a bad version gets 505");
    free(out);
    out = vial_app_handle_raw(app, "HEAD /hello HTTP/1.1\r\nHost: x\r\n\r\n", 33, &n);
    ok(out != NULL && n > 4 && memcmp(out + n - 4, "\r\n\r\n", 4) == 0, "HEAD: no body");
    free(out);
}

static void test_parse(void)
{
    vial_response res;
    vial_response_init(&res);
    const char *raw = "HTTP/1.1 201 Created\r\nX-A:  1 \r\nContent-Length: 2\r\n\r\nokEXTRA";
    is_int(vial_parse_response(raw, strlen(raw), &res), 0, "a response parses");
    is_int(res.status, 201, "its status");
    is_str(vial_response_header(&res, "x-a"), "1", "a trimmed header");
    is_bytes(res.body, res.body_len, "ok", 2, "Content-Length bytes of body");
    vial_response_free(&res);
    vial_response_init(&res);
    is_int(vial_parse_response("HTTP/1.1 200 OK\n\n", 17, &res), -1, "a bare LF is refused");
    vial_response_free(&res);
}

static void test_client(vial_app *app)
{
    vial_client *c = vial_client_new(app);
    vial_response res;
    vial_response_init(&res);
    is_int(vial_client_get(c, "/hello", &res), 200, "client GET");
    vial_response_free(&res);
    vial_response_init(&res);
    vial_client_get(c, "/hello", &res);
    is_bytes(res.body, res.body_len, "hello ada", 9, "the cookie came back");
    vial_response_free(&res);
    vial_response_init(&res);
    vial_client_post(c, "/echo", "text/plain", "abc", 3, &res);
    is_bytes(res.body, res.body_len, "POST localhost text/plain 3", 27,
             "Host, Content-Type and the body are sent");
    vial_response_free(&res);
    vial_client_free(c);
}

int main(void)
{
    vial_app *app = vial_app_new("t");
    vial_app_route(app, "GET", "/hello", "hello", hello);
    vial_app_route(app, "POST", "/echo", "echo", echo);
    test_raw(app);
    test_parse();
    test_client(app);
    vial_app_free(app);
    return done_testing();
}
