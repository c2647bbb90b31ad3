/* 22-users-auth.c -- public tests of lab 22: Django's password format (a hash Django
 * made), authenticate, login and logout on database sessions, the request's user,
 * login_required, next= and permissions, through vial's in-process test client (it keeps
 * cookies like a browser). Run with `make test LAB=22`; debug with
 * `gdb build/tests/22-users-auth`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "keg.h"

/* Made by Django: make_password("correct horse") with 1 iteration. */
#define DJANGO_HASH \
    "pbkdf2_sha256$1$eGk4UeJNeHK9nHvX1sT3tR$2BxoTRUZFC6tq9Y55d9MovgiMvp6/f5NHCoLwRKg1v4="

static int view_login(vial_request *req, vial_response *res)
{
    vial_request_parse_form(req);
    const char *name = vial_pairs_get(&req->form, "username");
    const char *pw = vial_pairs_get(&req->form, "password");
    struct keg_user u;
    keg_obj_init(&u, &keg_auth_user);
    int rc = keg_authenticate(req, name ? name : "", pw ? pw : "", &u);
    if (rc == 0 && keg_login(req, &u) == 0)
        keg_redirect_next(req, res);
    else
        vial_response_text(res, 200, "text/plain", "invalid login");
    keg_obj_clear(&u);
    return 0;
}

static int view_logout(vial_request *req, vial_response *res)
{
    keg_logout(req);
    return vial_response_text(res, 200, "text/plain", "bye");
}

static int view_me(vial_request *req, vial_response *res)
{
    const struct keg_user *u = keg_request_user(req);
    return vial_response_text(res, 200, "text/plain", u ? u->username : "anonymous");
}

static const char *location(const vial_response *r)
{
    for (size_t i = 0; i < r->headers.len; i++)
        if (strcmp(r->headers.items[i].name, "Location") == 0)
            return r->headers.items[i].value;
    return "(no Location)";
}

static long long add_user(keg_db *db, const char *name, const char *pw, int super)
{
    struct keg_user u;
    keg_obj_init(&u, &keg_auth_user);
    char *enc = keg_password_make(pw, 3);
    keg_obj_set_text(&u, "username", name);
    keg_obj_set_text(&u, "password", enc ? enc : "!");
    u.is_superuser = super;
    free(enc);
    int rc = keg_save(db, &u);
    long long id = rc == 0 ? u.id : -1;
    keg_obj_clear(&u);
    return id;
}

static void post_login(vial_client *c, const char *body, vial_response *r)
{
    vial_response_init(r);
    vial_client_post(c, "/login", "application/x-www-form-urlencoded", body, strlen(body), r);
}

static void get(vial_client *c, const char *target, vial_response *r)
{
    vial_response_init(r);
    vial_client_get(c, target, r);
}

int main(void)
{
    char *enc = keg_password_make("s3cret", 5);
    ok(enc != NULL && strncmp(enc, "pbkdf2_sha256$5$", 16) == 0 && strlen(enc) == 16 + 22 + 1 + 44,
       "keg_password_make: %s", enc ? enc : "(NULL)");
    is_int(keg_password_check("s3cret", enc), 1, "the password checks");
    is_int(keg_password_check("s3creT", enc), 0, "another does not");
    is_int(keg_password_check("correct horse", DJANGO_HASH), 1, "a hash Django made checks");
    is_int(keg_password_check("x", "md5$1$a$b"), 0, "a malformed hash is refused");
    is_int(keg_password_must_update(enc, 5), 0, "same count: no update");
    is_int(keg_password_must_update(enc, 6), 1, "another count: update");
    free(enc);

    vial_app *app = vial_app_new("lab22");
    keg_db *db = keg_db_open(":memory:", NULL);
    struct keg_settings s = { .secret_key = "k", .password_iterations = 3 };
    keg_site *site = app && db ? keg_site_new(app, db, &s) : NULL;
    vial_blueprint *bp = vial_blueprint_new("private", "/private");
    if (site == NULL || bp == NULL)
        BAIL_OUT("could not make a site");
    vial_app_route(app, "POST", "/login", NULL, view_login);
    vial_app_route(app, "POST", "/logout", NULL, view_logout);
    vial_app_route(app, "GET", "/me", NULL, view_me);
    vial_blueprint_route(bp, "GET", "/page", "page", view_me);
    vial_blueprint_before_request(bp, keg_login_required);
    vial_app_register_blueprint(app, bp);
    is_int(keg_sessions_install(site), 0, "keg_sessions_install");
    is_int(keg_auth_install(site), 0, "keg_auth_install");
    long long ada = add_user(db, "ada", "lovelace", 0);
    add_user(db, "root", "toor", 1);
    ok(ada > 0, "a user saved with keg_save");

    vial_client *c = vial_client_new(app);
    vial_response r;
    get(c, "/private/page?x=1", &r);
    is_int(r.status, 302, "login_required sends an anonymous user away");
    is_str(location(&r), "/accounts/login/?next=/private/page%3Fx%3D1", "with next=");
    vial_response_free(&r);
    post_login(c, "username=ada&password=wrong", &r);
    is_str(r.body ? r.body : "", "invalid login", "a wrong password is refused");
    vial_response_free(&r);
    post_login(c, "username=ada&password=lovelace&next=//evil.test/", &r);
    is_str(location(&r), "/accounts/profile/", "next= to another site is not followed");
    vial_response_free(&r);
    get(c, "/private/page", &r);
    is_str(r.body ? r.body : "", "ada", "now the private page answers");
    vial_response_free(&r);
    post_login(c, "username=ada&password=lovelace&next=/private/page", &r);
    is_str(location(&r), "/private/page", "a local next= is followed");
    vial_response_free(&r);
    vial_response_init(&r);
    vial_client_post(c, "/logout", "text/plain", "", 0, &r);
    vial_response_free(&r);
    get(c, "/me", &r);
    is_str(r.body ? r.body : "", "anonymous", "logged out");
    vial_response_free(&r);

    struct keg_user u;
    keg_obj_init(&u, &keg_auth_user);
    keg_get(db, &keg_auth_user, ada, &u);
    is_int(keg_user_has_perm(db, &u, "polls.add_vote"), 0, "no permission yet");
    keg_db_exec(db, "INSERT INTO auth_permission (name, app_label, codename) VALUES "
                "('Can add vote', 'polls', 'add_vote')", NULL, 0);
    keg_db_exec(db, "INSERT INTO auth_group (name) VALUES ('voters')", NULL, 0);
    keg_db_exec(db, "INSERT INTO auth_group_permissions (group_id, permission_id) VALUES "
                "(1, 1)", NULL, 0);
    keg_value id = keg_int(ada);
    keg_db_exec(db, "INSERT INTO auth_user_groups (user_id, group_id) VALUES (?, 1)", &id, 1);
    is_int(keg_user_has_perm(db, &u, "polls.add_vote"), 1, "a permission through a group");
    is_int(keg_user_has_perm(db, &u, "polls.delete_vote"), 0, "not another one");
    keg_obj_clear(&u);

    vial_client_free(c);
    keg_site_free(site);
    keg_db_close(db);
    vial_app_free(app);
    return done_testing();
}
