/* 06-url-building.c -- public tests of lab 06: percent-encoding, vial_url_for with
 * converters and query arguments, and vial_redirect with the targets it must refuse.
 * Run with `make test LAB=06`; debug with `gdb build/tests/06-url-building`. */
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "vial.h"

static int nothing(vial_request *req, vial_response *res)
{
    (void)req;
    (void)res;
    return 0;
}

/* is_str on an allocated result, which it frees. */
static void is_url(char *got, const char *expected, const char *name)
{
    is_str(got, expected, "%s", name);
    free(got);
}

static void test_encode(void)
{
    is_url(vial_percent_encode("a b&c=d/e~f", 0), "a%20b%26c%3Dd%2Fe~f",
           "only A-Z a-z 0-9 - . _ ~ stay as they are");
    is_url(vial_percent_encode("static/a b.css", 1), "static/a%20b.css", "keep_slash keeps '/'");
    is_url(vial_percent_encode("caf\xc3\xa9", 0), "caf%C3%A9", "UTF-8 bytes, uppercase hex");
    is_url(vial_percent_encode("", 0), "", "the empty string encodes to itself");
}

static void test_url_for(vial_app *app)
{
    is_url(vial_url_for(app, "index", NULL), "/", "a rule without converters");
    is_url(vial_url_for(app, "show_post", "id", "42", NULL), "/post/42", "an int converter");
    is_url(vial_url_for(app, "show_post", "id", "42", "page", "2", NULL), "/post/42?page=2",
           "an unknown name goes to the query string");
    is_url(vial_url_for(app, "index", "q", "fish & chips", "debug", NULL, NULL),
           "/?q=fish%20%26%20chips&debug", "query values are encoded; NULL is a flag");
    is_url(vial_url_for(app, "user", "name", "Ada Lovelace", NULL), "/user/Ada%20Lovelace/",
           "a string value is percent-encoded");
    is_url(vial_url_for(app, "files", "p", "docs/a b.txt", NULL), "/files/docs/a%20b.txt",
           "a path value keeps its '/'");
    ok(vial_url_for(app, "show_post", NULL) == NULL, "a missing value gives NULL");
    ok(vial_url_for(app, "show_post", "id", "-1", NULL) == NULL, "a negative int gives NULL");
    ok(vial_url_for(app, "show_post", "id", "99999999999999999999", NULL) == NULL,
       "an int that does not fit a long long gives NULL");
    ok(vial_url_for(app, "user", "name", "a/b", NULL) == NULL, "a '/' in a string gives NULL");
    ok(vial_url_for(app, "nope", NULL) == NULL, "an unknown endpoint gives NULL");

    vial_pairs args;
    vial_pairs_init(&args);
    vial_pairs_adds(&args, "tag", "a");
    vial_pairs_adds(&args, "id", "7");
    vial_pairs_adds(&args, "tag", "b");
    is_url(vial_url_for_pairs(app, "show_post", &args), "/post/7?tag=a&tag=b",
           "vial_url_for_pairs: repeated names stay, in order");
    vial_pairs_free(&args);
}

static void test_redirect(void)
{
    vial_response res;
    vial_response_init(&res);
    vial_response_add_header(&res, "Set-Cookie", "seen=1");
    is_int(vial_redirect(&res, "/login?next=%2F", 0), 0, "a local redirect is accepted");
    is_int(res.status, 302, "status 0 means 302");
    is_str(vial_response_header(&res, "Location"), "/login?next=%2F", "Location is set");
    is_str(vial_response_header(&res, "Set-Cookie"), "seen=1", "other headers are kept");
    like(res.body, "href=\"/login?next=%2F\"", "the body links to the target");
    is_int(vial_redirect(&res, "/a", 303), 0, "303 is accepted");
    is_int(res.status, 303, "and set");
    is_int(vial_redirect(&res, "/a", 200), -1, "200 is not a redirect status");

    static const char *const refused[] = {
        "//evil.example/", "/\\evil.example", "https://evil.example/", "evil.example",
        "", "/a\r\nSet-Cookie: x=1", "/\t/evil.example",
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
        is_int(vial_redirect(&res, refused[i], 302), -1, "refused: target %zu", i);
    is_str(vial_response_header(&res, "Location"), "/a", "a refusal leaves res unchanged");

    is_int(vial_redirect(&res, "/q?x=<b>", 302), 0, "a target with '<' is accepted");
    like(res.body, "/q?x=&lt;b&gt;", "and escaped in the HTML body");
    vial_response_free(&res);
}

int main(void)
{
    vial_app *app = vial_app_new("public06");
    ok(app != NULL, "an app");
    if (app == NULL)
        return done_testing();
    vial_app_route(app, NULL, "/", "index", nothing);
    vial_app_route(app, NULL, "/post/<int:id>", "show_post", nothing);
    vial_app_route(app, NULL, "/user/<name>/", "user", nothing);
    vial_app_route(app, NULL, "/files/<path:p>", "files", nothing);
    test_encode();
    test_url_for(app);
    test_redirect();
    vial_app_free(app);
    return done_testing();
}
