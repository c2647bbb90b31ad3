/* 02-build-response.c -- public tests of lab 02: building and serializing responses.
 * Run with `make test LAB=02`; debug with `gdb build/tests/02-build-response`. */
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "vial.h"

/* Serializes res and compares with the expected text. */
static void wire_is(const vial_response *res, int body, const char *expected, const char *name)
{
    size_t len = 0;
    char *out = vial_response_serialize(res, body, &len);
    ok(out != NULL, "%s: serialize returns bytes", name);
    if (out != NULL)
        is_bytes(out, len, expected, strlen(expected), "%s", name);
    free(out);
}

int main(void)
{
    vial_response res;
    vial_response_init(&res);
    is_str(vial_reason_phrase(404), "Not Found", "reason of 404");
    is_str(vial_reason_phrase(299), "Unknown", "reason of an unknown status");

    vial_response_set_body(&res, "hi", 2);
    wire_is(&res, 1, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi", "a plain 200");

    is_int(vial_response_set_status(&res, 404), 0, "404 is a status");
    is_int(vial_response_set_status(&res, 99), -1, "99 is not");
    is_int(vial_response_add_header(&res, "Content-Type", "text/plain"), 0, "add a header");
    wire_is(&res, 1, "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\n"
                     "Content-Length: 2\r\n\r\nhi", "status and header");

    is_int(vial_response_add_header(&res, "X-Evil", "a\r\nSet-Cookie: x=1"), -1,
           "a value with CRLF is refused");
    is_int(vial_response_add_header(&res, "Bad Name", "x"), -1, "a name with a space is refused");
    is_int(vial_response_set_header(&res, "content-type", "text/html"), 0, "set replaces");
    is_str(vial_response_header(&res, "CONTENT-TYPE"), "text/html", "lookup ignores case");
    is_int((long long)res.headers.len, 1, "only one Content-Type left");

    vial_response_add_header(&res, "Content-Length", "999");
    wire_is(&res, 0, "HTTP/1.1 404 Not Found\r\ncontent-type: text/html\r\n"
                     "Content-Length: 2\r\n\r\n", "HEAD: real length, no body");

    vial_response_free(&res);
    vial_response_init(&res);
    vial_response_set_status(&res, 204);
    wire_is(&res, 1, "HTTP/1.1 204 No Content\r\n\r\n", "204 has no Content-Length");
    vial_response_free(&res);
    return done_testing();
}
