/* 21-sessions-csrf.c -- public tests of lab 21: a session kept in keg_session across
 * requests, cycle_key and flush, CSRF tokens that differ and validate, and the refusals,
 * all through vial's in-process test client (it keeps cookies like a browser). Run with
 * `make test LAB=21`; debug with `gdb build/tests/21-sessions-csrf`. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "tap.h"
#include "keg.h"

static char last_token[80];

static int view_put(vial_request *req, vial_response *res)
{
    keg_session_set(req, "color", vial_request_arg(req, "v"));
    return vial_response_text(res, 200, "text/plain", "set");
}

static int view_get(vial_request *req, vial_response *res)
{
    const char *v = keg_session_get(req, "color");
    return vial_response_text(res, 200, "text/plain", v ? v : "(none)");
}

static int view_form(vial_request *req, vial_response *res)
{
    const char *a = keg_csrf_token(req), *b = keg_csrf_token(req);
    vial_response_printf(res, "%s %s", a ? a : "-", b ? b : "-");
    return 0;
}

static int view_post(vial_request *req, vial_response *res)
{
    (void)req;
    return vial_response_text(res, 200, "text/plain", "ok");
}

static int view_login(vial_request *req, vial_response *res)
{
    keg_session_cycle_key(req);
    keg_csrf_rotate(req);
    return vial_response_text(res, 200, "text/plain", "in");
}

static int view_logout(vial_request *req, vial_response *res)
{
    keg_session_flush(req);
    return vial_response_text(res, 200, "text/plain", "out");
}

static const char *cookie_of(const vial_response *res, const char *name)
{
    for (size_t i = 0; i < res->headers.len; i++)
        if (strcasecmp(res->headers.items[i].name, "Set-Cookie") == 0
            && strncmp(res->headers.items[i].value, name, strlen(name)) == 0)
            return res->headers.items[i].value;
    return NULL;
}

static int post(vial_client *c, const char *token, vial_response *out)
{
    char body[120];
    snprintf(body, sizeof body, "csrfmiddlewaretoken=%s", token);
    vial_response_init(out);
    return vial_client_post(c, "/post", "application/x-www-form-urlencoded", body,
                            strlen(body), out);
}

static long long rows(keg_db *db)
{
    long long n = -1;
    keg_db_query_int(db, "SELECT count(*) FROM keg_session", NULL, 0, &n);
    return n;
}

int main(void)
{
    vial_app *app = vial_app_new("lab21");
    keg_db *db = keg_db_open(":memory:", NULL);
    struct keg_settings s = { .secret_key = "k" };
    keg_site *site = app && db ? keg_site_new(app, db, &s) : NULL;
    if (site == NULL)
        BAIL_OUT("could not make a site");
    vial_app_route(app, "GET", "/put", NULL, view_put);
    vial_app_route(app, "GET", "/get", NULL, view_get);
    vial_app_route(app, "GET", "/form", NULL, view_form);
    vial_app_route(app, "POST", "/post", NULL, view_post);
    vial_app_route(app, "POST", "/login", NULL, view_login);
    vial_app_route(app, "POST", "/logout", NULL, view_logout);
    is_int(keg_sessions_install(site), 0, "keg_sessions_install");
    is_int(keg_csrf_install(site), 0, "keg_csrf_install");

    vial_client *c = vial_client_new(app);
    vial_response r;
    vial_response_init(&r);
    vial_client_get(c, "/put?v=teal", &r);
    const char *sc = cookie_of(&r, "sessionid=");
    ok(sc != NULL && strstr(sc, "; HttpOnly; Max-Age=1209600; Path=/; SameSite=Lax") != NULL,
       "a changed session sends its cookie: %s", sc ? sc : "(none)");
    vial_response_free(&r);
    is_int(rows(db), 1, "its data is one row of keg_session");
    vial_response_init(&r);
    vial_client_get(c, "/get", &r);
    is_str(r.body ? r.body : "", "teal", "the next request reads it back");
    ok(cookie_of(&r, "sessionid=") == NULL, "an unchanged session sends no cookie");
    vial_response_free(&r);

    vial_response_init(&r);
    vial_client_get(c, "/form", &r);
    char a[80] = "", b[80] = "", secret[KEG_CSRF_SECRET_LEN + 1] = "";
    sscanf(r.body ? r.body : "", "%79s %79s", a, b);
    ok(strlen(a) == KEG_CSRF_TOKEN_LEN && strcmp(a, b) != 0, "two tokens of 64, different");
    ok(cookie_of(&r, "csrftoken=") != NULL, "the csrftoken cookie is sent");
    is_int(keg_csrf_unmask(a, secret), 0, "a token unmasks");
    vial_response_free(&r);
    is_int(post(c, a, &r), 200, "the first token validates");
    vial_response_free(&r);
    is_int(post(c, b, &r), 200, "so does the second");
    vial_response_free(&r);
    is_int(post(c, "x", &r), 403, "a malformed token gives 403");
    like(r.body ? r.body : "", "CSRF token from POST has incorrect length.", "and says why");
    vial_response_free(&r);
    snprintf(last_token, sizeof last_token, "%s", a);

    char body[120];
    snprintf(body, sizeof body, "csrfmiddlewaretoken=%s", a);
    vial_response_init(&r);
    vial_client_post(c, "/login", "application/x-www-form-urlencoded", body, strlen(body), &r);
    ok(cookie_of(&r, "sessionid=") != NULL && cookie_of(&r, "csrftoken=") != NULL,
       "login sends a new session key and a new CSRF secret");
    vial_response_free(&r);
    is_int(rows(db), 1, "the old row is gone, the new one is there");
    is_int(post(c, last_token, &r), 403, "a token from before login fails");
    vial_response_free(&r);
    vial_response_init(&r);
    vial_client_get(c, "/get", &r);
    is_str(r.body ? r.body : "", "teal", "the data survived the new key");
    vial_response_free(&r);
    vial_response_init(&r);
    vial_client_get(c, "/form", &r);
    sscanf(r.body ? r.body : "", "%79s", a);
    vial_response_free(&r);
    snprintf(body, sizeof body, "csrfmiddlewaretoken=%s", a);
    vial_response_init(&r);
    vial_client_post(c, "/logout", "application/x-www-form-urlencoded", body, strlen(body), &r);
    const char *gone = cookie_of(&r, "sessionid=");
    is_str(gone ? gone : "(none)", "sessionid=; Max-Age=0; Path=/", "logout deletes the cookie");
    vial_response_free(&r);
    is_int(rows(db), 0, "and the row");

    vial_client_free(c);
    keg_site_free(site);
    keg_db_close(db);
    vial_app_free(app);
    return done_testing();
}
