/* 01-parse-request.c -- public tests of lab 01: parsing raw HTTP/1.1 requests.
 * Read them, run them (`make test LAB=01`), debug them (`gdb build/tests/01-parse-request`).
 * The hidden tests check the same rules with many random requests. */
#include <string.h>

#include "tap.h"
#include "vial.h"

/* Parses text (a C string) and returns the status; req is left filled for checks. */
static int parse(vial_request *req, const char *text)
{
    vial_request_free(req);
    return vial_parse_request(text, strlen(text), req, NULL);
}

static void test_simple_get(vial_request *req)
{
    is_int(parse(req, "GET /hello HTTP/1.1\r\nHost: example.org\r\n\r\n"), 0, "a simple GET parses");
    is_str(req->method, "GET", "method");
    is_str(req->path, "/hello", "path");
    is_str(req->query_string, "", "no query string");
    is_int(req->http_minor, 1, "HTTP/1.1");
    is_str(vial_request_header(req, "Host"), "example.org", "Host header");
}

static void test_headers(vial_request *req)
{
    is_int(parse(req, "GET / HTTP/1.0\r\nX-Token:   abc  \r\ncontent-TYPE: text/plain\r\n\r\n"),
           0, "headers with blanks parse");
    is_str(vial_request_header(req, "x-token"), "abc", "lookup ignores case; blanks trimmed");
    is_str(vial_request_header(req, "Content-Type"), "text/plain", "lookup ignores case");
    ok(vial_request_header(req, "Accept") == NULL, "a missing header is NULL");
    is_int(req->http_minor, 0, "HTTP/1.0");
}

static void test_decoding(vial_request *req)
{
    is_int(parse(req, "GET /a%20b/c%2Fd?q=x+y&tag=1&tag=2&debug HTTP/1.1\r\nHost: a\r\n\r\n"), 0,
           "escapes and a query parse");
    is_str(req->path, "/a b/c/d", "the path is percent-decoded");
    is_str(vial_request_arg(req, "q"), "x y", "'+' is a space in the query");
    is_str(vial_request_arg(req, "tag"), "1", "the first of repeated keys");
    is_int((long long)req->args.len, 4, "repeated keys are all kept");
    ok(vial_pairs_has(&req->args, "debug") && vial_request_arg(req, "debug") == NULL,
       "?debug is a flag: present, with no value");
}

static void test_body(vial_request *req)
{
    const char text[] = "POST /f HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhelloGET / HTTP/1.1\r\n\r\n";
    size_t used = 0;
    vial_request_free(req);
    is_int(vial_parse_request(text, strlen(text), req, &used), 0, "a POST with a body parses");
    is_bytes(req->body, req->body_len, "hello", 5, "the body is Content-Length bytes");
    is_int((long long)used, (long long)(strlen(text) - strlen("GET / HTTP/1.1\r\n\r\n")),
           "consumed stops after the body");
}

static void test_errors(vial_request *req)
{
    is_int(parse(req, "GET /x HTTP/1.1\r\nHost: a\r\n"), 400, "no empty line: 400");
    is_int(parse(req, "get /x HTTP/1.1\r\n\r\n"), 400, "lowercase method: 400");
    is_int(parse(req, "GET x HTTP/1.1\r\n\r\n"), 400, "target without '/': 400");
    is_int(parse(req, "GET /%zz HTTP/1.1\r\n\r\n"), 400, "bad escape: 400");
    is_int(parse(req, "GET / HTTP/2.0\r\n\r\n"), 505, "HTTP/2.0: 505");
    is_int(parse(req, "GET / HTTX/1.1\r\n\r\n"), 400, "not a version: 400");
    is_int(parse(req, "GET / HTTP/1.1\r\nHost : a\r\n\r\n"), 400, "space before ':': 400");
    is_int(parse(req, "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 9\r\n\r\nabc"), 400,
           "short body: 400");
    is_int(parse(req, "GET / HTTP/1.1\r\n\r\n"), 400, "HTTP/1.1 without Host: 400");
    is_int(parse(req, "GET / HTTP/1.0\r\n\r\n"), 0, "HTTP/1.0 without Host parses");
    is_int(parse(req, "GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n"), 400,
           "two Host headers: 400");
    is_int(parse(req, "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                      "3\r\nabc\r\n0\r\n\r\n"), 501, "Transfer-Encoding (even chunked): 501");
    char line[VIAL_MAX_TARGET + 64] = "GET /";
    memset(line + 5, 'a', VIAL_MAX_TARGET);
    memcpy(line + 5 + VIAL_MAX_TARGET, " HTTP/1.1\r\n\r\n", 14);
    is_int(parse(req, line), 414, "a target longer than VIAL_MAX_TARGET: 414");
}

int main(void)
{
    vial_request req;
    vial_request_init(&req);
    test_simple_get(&req);
    test_headers(&req);
    test_decoding(&req);
    test_body(&req);
    test_errors(&req);
    vial_request_free(&req);
    return done_testing();
}
