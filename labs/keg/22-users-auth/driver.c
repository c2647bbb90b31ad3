/* driver.c -- lab 22's driver, built with your keg/ and vial/ into the program the
 * checker talks to. It counts every PKCS5_PBKDF2_HMAC call of the process itself (its
 * own definition wins over libcrypto's at link time and calls the real one), so the
 * hidden tests never trust a counter of yours. Frames:
 *   "serve ITER"       serves the app below on a site with sessions, CSRF and auth
 *                      installed (password_iterations ITER) on a fresh auth.db;
 *                      answers "PORT cause"; "stop" stops it
 *   "make ITER PW"     keg_password_make(PW, ITER), or "(NULL)"
 *   "check PW\nENC"    keg_password_check(PW, ENC) and keg_password_must_update(ENC, 7)
 *   "exec SQL"         keg_db_exec's result ("user" rows, permissions and groups)
 *   "text SQL"         the first column of each row, one a line
 *   "perm ID PERM"     keg_user_has_perm of the user with that id (keg_get)
 *   "pbkdf2"           PBKDF2 calls since the last "pbkdf2" (the count starts over)
 *   "nulls"            keg_login(NULL, a user with id 1)
 * The app's views:
 *   GET  /login          "login form" (a CSRF token is made, so the cookie is set)
 *   POST /login          keg_authenticate(username, password): keg_login then
 *                        keg_redirect_next, else 200 "invalid login"
 *   POST /logout         keg_logout, "logged out"
 *   GET  /me             "user NAME" or "anonymous", then "note V" (the session's note)
 *   GET  /note?v=V       sets the session's note
 *   any  /private/<path> behind keg_login_required: "private NAME"
 *   GET  /next           keg_redirect_next; 500 "keg_redirect_next RC" when RC is not 0
 *   GET  /bad            keg_authenticate with a NULL password, keg_login of NULL and of
 *                        a user with id 0: "authenticate RC login RC RC"
 *   GET  /twice          keg_request_user twice: "user NAME" or "anonymous", then
 *                        "second call: N statements, the same user|another answer"
 * Statements are counted by sqlcount.h, never by your counter. */
#include "sqlcount.h"

#include <dlfcn.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "keg.h"
#include "wire.h"
#include "wire_vial.h"

static atomic_long pbkdf2_calls;

int PKCS5_PBKDF2_HMAC(const char *pass, int passlen, const unsigned char *salt, int saltlen,
                      int iter, const EVP_MD *digest, int keylen, unsigned char *out)
{
    typedef int fn(const char *, int, const unsigned char *, int, int, const EVP_MD *, int,
                   unsigned char *);
    static fn *real;
    if (real == NULL) {
        *(void **)&real = dlsym(RTLD_NEXT, "PKCS5_PBKDF2_HMAC");
        if (real == NULL)
            abort();
    }
    atomic_fetch_add(&pbkdf2_calls, 1);
    return real(pass, passlen, salt, saltlen, iter, digest, keylen, out);
}

static int view_login_form(vial_request *req, vial_response *res)
{
    keg_csrf_token(req);
    return vial_response_text(res, 200, "text/plain", "login form\n");
}

static int view_login(vial_request *req, vial_response *res)
{
    if (req->form.len == 0)
        vial_request_parse_form(req);
    const char *name = vial_pairs_get(&req->form, "username");
    const char *pw = vial_pairs_get(&req->form, "password");
    struct keg_user u;
    if (keg_obj_init(&u, &keg_auth_user) != 0)
        return 500;
    int rc = keg_authenticate(req, name ? name : "", pw ? pw : "", &u);
    if (rc == 0) {
        rc = keg_login(req, &u);
        if (rc == 0)
            rc = keg_redirect_next(req, res);
        if (rc != 0)
            vial_response_printf(res, "login failed %d\n", rc);
    } else
        vial_response_text(res, 200, "text/plain", "invalid login\n");
    keg_obj_clear(&u);
    return 0;
}

static int view_logout(vial_request *req, vial_response *res)
{
    int rc = keg_logout(req);
    return vial_response_text(res, 200, "text/plain", rc == 0 ? "logged out\n" : "failed\n");
}

static int view_me(vial_request *req, vial_response *res)
{
    const struct keg_user *u = keg_request_user(req);
    const char *note = keg_session_get(req, "note");
    vial_response_printf(res, "%s%s\nnote %s\n", u != NULL ? "user " : "anonymous",
                         u != NULL && u->username != NULL ? u->username : "",
                         note != NULL ? note : "(none)");
    return 0;
}

static int view_note(vial_request *req, vial_response *res)
{
    int rc = keg_session_set(req, "note", vial_request_arg(req, "v"));
    return vial_response_text(res, 200, "text/plain", rc == 0 ? "noted\n" : "failed\n");
}

static int view_next(vial_request *req, vial_response *res)
{
    int rc = keg_redirect_next(req, res);
    if (rc == 0)
        return 0;
    vial_response_printf(res, "keg_redirect_next %d\n", rc);
    return 500;
}

static int view_bad(vial_request *req, vial_response *res)
{
    struct keg_user u;
    if (keg_obj_init(&u, &keg_auth_user) != 0)
        return 500;
    int a = keg_authenticate(req, "nobody", NULL, &u);
    int b = keg_login(req, NULL);
    u.id = 0;
    int c = keg_login(req, &u);
    keg_obj_clear(&u);
    return vial_response_printf(res, "authenticate %d login %d %d\n", a, b, c) == 0 ? 0 : 500;
}

/* The second keg_request_user of a request: no SQL, the same user (keg.h). */
static int view_twice(vial_request *req, vial_response *res)
{
    const struct keg_user *u = keg_request_user(req);
    char *name = u != NULL && u->username != NULL ? strdup(u->username) : NULL;
    long before = sqlcount_get();
    const struct keg_user *again = keg_request_user(req);
    long n = sqlcount_get() - before;
    int same = again == u && (again == NULL || (again->username != NULL && name != NULL
                                                && strcmp(again->username, name) == 0));
    vial_response_printf(res, "%s%s\nsecond call: %ld statements, %s\n",
                         u != NULL ? "user " : "anonymous", name != NULL ? name : "", n,
                         same ? "the same user" : "another answer");
    free(name);
    return 0;
}

static int view_private(vial_request *req, vial_response *res)
{
    const struct keg_user *u = keg_request_user(req);
    vial_response_printf(res, "private %s\n", u != NULL ? u->username : "(no user)");
    return 0;
}

struct web {
    vial_app *app;
    vial_blueprint *bp;
    keg_db *db;
    keg_site *site;
    vial_server *srv;
};

static void driver_serve(struct web *w, const char *arg, struct wire_buf *out)
{
    struct keg_settings s = { .secret_key = "lab22" };
    s.password_iterations = (unsigned)strtoul(arg, NULL, 10);
    remove("auth.db");
    w->app = vial_app_new("lab22");
    w->db = keg_db_open("auth.db", NULL);
    w->bp = vial_blueprint_new("private", "/private");
    if (w->app == NULL || w->db == NULL || w->bp == NULL
        || (w->site = keg_site_new(w->app, w->db, &s)) == NULL) {
        wire_buf_str(out, "-1 could not set up the app and auth.db");
        return;
    }
    vial_app_route(w->app, "GET", "/login", "login_form", view_login_form);
    vial_app_route(w->app, "POST", "/login", "login", view_login);
    vial_app_route(w->app, "POST", "/logout", NULL, view_logout);
    vial_app_route(w->app, "GET", "/me", NULL, view_me);
    vial_app_route(w->app, "GET", "/note", NULL, view_note);
    vial_app_route(w->app, "GET", "/next", NULL, view_next);
    vial_app_route(w->app, "GET", "/bad", NULL, view_bad);
    vial_app_route(w->app, "GET", "/twice", NULL, view_twice);
    vial_blueprint_route(w->bp, "GET,POST", "/<path:rest>", "page", view_private);
    vial_blueprint_before_request(w->bp, keg_login_required);
    vial_app_register_blueprint(w->app, w->bp);
    if (keg_sessions_install(w->site) != 0 || keg_csrf_install(w->site) != 0
        || keg_auth_install(w->site) != 0) {
        wire_buf_str(out, "-1 keg_sessions_install, keg_csrf_install or keg_auth_install "
                     "failed");
        return;
    }
    wire_vial_start(w->app, NULL, &w->srv, out, "vial_app_new returned NULL");
}

static void driver_text(keg_db *db, const char *sql, struct wire_buf *out)
{
    keg_rows *r = NULL;
    if (db == NULL || keg_db_query(db, sql, NULL, 0, &r) != 0) {
        wire_buf_str(out, "(query failed)\n");
        return;
    }
    while (keg_rows_next(r) == 1) {
        const char *t = keg_rows_text(r, 0, NULL);
        wire_buf_str(out, t != NULL ? t : "NULL");
        wire_buf_str(out, "\n");
    }
    keg_rows_close(r);
}

static void driver_perm(keg_db *db, const char *arg, struct wire_buf *out)
{
    char line[64];
    struct keg_user u;
    char *sp = strchr(arg, ' ');
    if (db == NULL || sp == NULL || keg_obj_init(&u, &keg_auth_user) != 0) {
        wire_buf_str(out, "bad frame");
        return;
    }
    int rc = keg_get(db, &keg_auth_user, strtoll(arg, NULL, 10), &u);
    snprintf(line, sizeof line, "%d", rc == 0 ? keg_user_has_perm(db, &u, sp + 1) : rc);
    wire_buf_str(out, line);
    keg_obj_clear(&u);
}

static void driver_frame(void *state, const char *name, char *data, size_t len,
                         struct wire_buf *out, const char **reply)
{
    struct web *w = state;
    char line[64];
    (void)len;
    (void)reply;
    if (strcmp(name, "serve") == 0 && w->app == NULL)
        driver_serve(w, data, out);
    else if (strcmp(name, "stop") == 0)
        wire_vial_stop(&w->srv, out);
    else if (strcmp(name, "make") == 0) {
        char *sp = strchr(data, ' ');
        char *enc = keg_password_make(sp != NULL ? sp + 1 : "",
                                      (unsigned)strtoul(data, NULL, 10));
        wire_buf_str(out, enc != NULL ? enc : "(NULL)");
        free(enc);
    } else if (strcmp(name, "check") == 0) {
        char *nl = strchr(data, '\n');
        const char *enc = nl != NULL ? nl + 1 : "";
        if (nl != NULL)
            *nl = '\0';
        snprintf(line, sizeof line, "%d %d", keg_password_check(data, enc),
                 keg_password_must_update(enc, 7));
        wire_buf_str(out, line);
    } else if (strcmp(name, "exec") == 0) {
        snprintf(line, sizeof line, "%d", w->db ? keg_db_exec(w->db, data, NULL, 0) : -99);
        wire_buf_str(out, line);
    } else if (strcmp(name, "text") == 0)
        driver_text(w->db, data, out);
    else if (strcmp(name, "perm") == 0)
        driver_perm(w->db, data, out);
    else if (strcmp(name, "pbkdf2") == 0) {
        snprintf(line, sizeof line, "%ld", atomic_exchange(&pbkdf2_calls, 0));
        wire_buf_str(out, line);
    } else if (strcmp(name, "nulls") == 0) {
        struct keg_user u;
        if (keg_obj_init(&u, &keg_auth_user) != 0) {
            wire_buf_str(out, "out of memory");
            return;
        }
        u.id = 1;
        snprintf(line, sizeof line, "%d", keg_login(NULL, &u));
        wire_buf_str(out, line);
        keg_obj_clear(&u);
    } else
        wire_buf_str(out, "unknown frame");
}

int main(void)
{
    struct web w = { 0 };
    wire_serve_frames(driver_frame, &w);
    vial_server_stop(w.srv);
    keg_site_free(w.site);
    keg_db_close(w.db);
    vial_app_free(w.app);
    remove("auth.db");
    return 0;
}
