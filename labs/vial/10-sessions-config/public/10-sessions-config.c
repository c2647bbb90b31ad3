/* 10-sessions-config.c -- public tests of lab 10: config, signing a session cookie and
 * reading it back, tampering, expiry, key rotation, and a session kept across two
 * dispatched requests. Run with `make test LAB=10`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "vial.h"

static void test_config(void)
{
    vial_app *app = vial_app_new("t");
    is_int(vial_config_set(app, "SECRET_KEY", "a"), 0, "config_set works");
    vial_config_set(app, "SECRET_KEY", "b");
    is_str(vial_config_get(app, "SECRET_KEY"), "b", "the last value wins");
    vial_config_set(app, "N", "42");
    is_int(vial_config_int(app, "N", 0), 42, "config_int reads a number");
    setenv("T10_PORT", "8080", 1);
    setenv("T10_", "nameless", 1);
    is_int(vial_config_from_env(app, "T10_"), 1, "one variable with the prefix (not the bare prefix)");
    is_str(vial_config_get(app, "PORT"), "8080", "T10_PORT sets PORT");
    vial_app_free(app);
}

static void test_signing(void)
{
    vial_pairs d, out;
    vial_pairs_init(&d);
    vial_pairs_init(&out);
    vial_pairs_adds(&d, "user", "ada");
    char *c = vial_session_encode(&d, "k1", 2000000000);
    is_str(c, "dXNlcj1hZGE.2000000000.nUz6DFG0IDlggFUds1onOsS3DI93CZcI-QbqzWG5CYw",
           "the cookie of {user: ada} signed with k1");
    is_int(vial_session_decode(c, "k1", NULL, 1000, &out), 0, "it verifies");
    is_str(vial_pairs_get(&out, "user"), "ada", "and gives the data back");
    vial_pairs_free(&out);
    is_int(vial_session_decode(c, "k2", NULL, 1000, &out), -1, "another key is refused");
    const char *old[] = {"k0", "k1", NULL};
    is_int(vial_session_decode(c, "k2", old, 1000, &out), 0, "unless it is an old key");
    vial_pairs_free(&out);
    is_int(vial_session_decode(c, "k1", NULL, 2000000000, &out), -1, "expired at its expiry");
    if (c != NULL) {
        c[2] = c[2] == 'A' ? 'B' : 'A';
        is_int(vial_session_decode(c, "k1", NULL, 1000, &out), -1, "a changed byte is refused");
        ok(out.len == 0, "and leaves the session empty");
    }
    free(c);
    vial_pairs_free(&d);
}

static int set_view(vial_request *req, vial_response *res)
{
    vial_session_set(req, "n", "1");
    vial_flash(req, "info", "saved");
    return vial_response_text(res, 200, "text/plain", "set");
}

static int get_view(vial_request *req, vial_response *res)
{
    vial_pairs f;
    vial_pairs_init(&f);
    vial_get_flashed(req, &f);
    const char *n = vial_session_get(req, "n");
    vial_response_printf(res, "n=%s flash=%s", n ? n : "-", f.len ? f.items[0].value : "-");
    vial_pairs_free(&f);
    return 0;
}

/* Dispatches GET path with an optional Cookie header; returns the status. */
static int call(vial_app *app, const char *path, const char *cookie, vial_response *res)
{
    vial_request req;
    vial_request_init(&req);
    vial_response_init(res);
    snprintf(req.method, sizeof req.method, "GET");
    req.path = strdup(path);
    req.target = strdup(path);
    req.query_string = strdup("");
    if (cookie != NULL)
        vial_pairs_adds(&req.headers, "Cookie", cookie);
    int st = vial_app_dispatch(app, &req, res);
    vial_request_free(&req);
    return st;
}

static void test_dispatch(void)
{
    vial_app *app = vial_app_new("t");
    vial_response res;
    char cookie[512] = "";
    vial_config_set(app, "SECRET_KEY", "s3cret");
    vial_app_route(app, "GET", "/set", "set", set_view);
    vial_app_route(app, "GET", "/get", "get", get_view);
    call(app, "/set", NULL, &res);
    const char *sc = vial_response_header(&res, "Set-Cookie");
    ok(sc != NULL && strstr(sc, "; HttpOnly") && strstr(sc, "SameSite=Lax"),
       "the session cookie is sent, HttpOnly and SameSite=Lax");
    if (sc != NULL)
        snprintf(cookie, sizeof cookie, "%.*s", (int)strcspn(sc, ";"), sc);
    vial_response_free(&res);
    call(app, "/get", cookie, &res);
    is_bytes(res.body, res.body_len, "n=1 flash=saved", 15, "the next request sees it");
    vial_response_free(&res);
    call(app, "/get", "session=forged.1.x", &res);
    is_bytes(res.body, res.body_len, "n=- flash=-", 11, "a forged cookie gives an empty session");
    ok(vial_response_header(&res, "Set-Cookie") == NULL, "and reading sends no cookie");
    vial_response_free(&res);
    vial_app_free(app);
}

int main(void)
{
    test_config();
    test_signing();
    test_dispatch();
    return done_testing();
}
