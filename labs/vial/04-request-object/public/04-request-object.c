/* 04-request-object.c -- public tests of lab 04: cookies, a body in pieces with its
 * limit, and form fields, tested in process on a request you build by hand.
 * Run with `make test LAB=04`; debug with `gdb build/tests/04-request-object`. */
#include <string.h>

#include "tap.h"
#include "vial.h"

static void test_cookies(void)
{
    vial_request req;
    vial_request_init(&req);
    vial_pairs_adds(&req.headers, "Cookie", "a=1;  theme = dark ; junk; q=\"x y\"");
    vial_pairs_adds(&req.headers, "cookie", "b=2");
    is_int(vial_request_parse_cookies(&req), 4, "four cookies in two headers");
    is_str(vial_request_cookie(&req, "theme"), "dark", "names and values are trimmed");
    is_str(vial_request_cookie(&req, "q"), "x y", "quotes are removed");
    ok(vial_request_cookie(&req, "junk") == NULL, "a piece without '=' is skipped");
    is_str(vial_request_cookie(&req, "b"), "2", "the second Cookie header counts");
    is_int(vial_request_parse_cookies(&req), 4, "parsing twice does not double them");
    vial_request_free(&req);
}

static void test_body(void)
{
    vial_request req;
    vial_request_init(&req);
    is_int(vial_request_append_body(&req, "hello ", 6, 11), 0, "first piece");
    is_int(vial_request_append_body(&req, "world", 5, 11), 0, "second piece, at the limit");
    is_int(vial_request_append_body(&req, "!", 1, 11), 413, "one byte more is 413");
    is_bytes(req.body, req.body_len, "hello world", 11, "the body is whole, nothing appended");
    ok(req.body != NULL && req.body[req.body_len] == '\0', "the body stays NUL-terminated");
    is_int(vial_request_append_body(&req, "x", (size_t)-1, 100), 413,
           "a huge piece is 413, without overflow");
    vial_request_free(&req);
}

static void test_form(void)
{
    vial_request req;
    vial_request_init(&req);
    const char *body = "name=Ada+L&tag=a&&tag=b%21&remember";
    vial_pairs_adds(&req.headers, "Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
    vial_request_append_body(&req, body, strlen(body), 1000);
    is_int(vial_request_parse_form(&req), 0, "a form body parses");
    is_int((long long)req.form.len, 4, "four fields (empty piece skipped)");
    is_str(vial_pairs_get(&req.form, "name"), "Ada L", "'+' is a space");
    is_int(vial_pairs_next(&req.form, "tag", 2), 2, "the second tag is field 2");
    ok(vial_pairs_has(&req.form, "remember") && !vial_pairs_get(&req.form, "remember"),
       "remember is a flag");
    vial_request_free(&req);
    vial_request_init(&req);
    vial_pairs_adds(&req.headers, "Content-Type", "text/plain");
    vial_request_append_body(&req, "a=1", 3, 1000);
    is_int(vial_request_parse_form(&req), 0, "another content type is left alone");
    is_int((long long)req.form.len, 0, "and gives no fields");
    vial_request_free(&req);
}

int main(void)
{
    test_cookies();
    test_body();
    test_form();
    return done_testing();
}
