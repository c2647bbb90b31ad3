/* auth.c -- Django's contrib.auth on keg: the User model and its tables, authenticate
 * (one hash whether or not the user exists), login and logout on the database session
 * (key cycled or flushed, CSRF rotated), the request's user, permissions through groups,
 * login_required and the next= redirect that never leaves the site [lab 22]. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"

#define AUTH_SESSION_KEY "_auth_user_id"

static const keg_field keg_auth_user_fields[] = {
    KEG_FIELD(struct keg_user, id, KEG_AUTO),
    KEG_FIELD(struct keg_user, password, KEG_CHAR, .max_length = 128),
    KEG_FIELD(struct keg_user, last_login, KEG_DATETIME, .flags = KEG_NULLABLE | KEG_BLANK),
    KEG_FIELD(struct keg_user, is_superuser, KEG_BOOL, .flags = KEG_DEFAULT),
    KEG_FIELD(struct keg_user, username, KEG_CHAR, .flags = KEG_UNIQUE, .max_length = 150),
    KEG_FIELD(struct keg_user, email, KEG_CHAR, .flags = KEG_BLANK, .max_length = 254),
    KEG_FIELD(struct keg_user, is_staff, KEG_BOOL, .flags = KEG_DEFAULT),
    KEG_FIELD(struct keg_user, is_active, KEG_BOOL, .flags = KEG_DEFAULT, .default_int = 1),
    KEG_FIELD(struct keg_user, date_joined, KEG_DATETIME),
};

const keg_model keg_auth_user = KEG_MODEL(auth, user, struct keg_user, keg_auth_user_fields);

#define AUTH_ID "\"id\" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "

/* The auth tables but auth_user (Django's, a permission carrying its app label). */
static const char *const keg_auth_tables[] = {
    "CREATE TABLE IF NOT EXISTS \"auth_permission\" (" AUTH_ID "\"name\" varchar(255) NOT "
    "NULL, \"app_label\" varchar(100) NOT NULL, \"codename\" varchar(100) NOT NULL)",
    "CREATE TABLE IF NOT EXISTS \"auth_group\" (" AUTH_ID "\"name\" varchar(150) NOT NULL "
    "UNIQUE)",
    "CREATE TABLE IF NOT EXISTS \"auth_group_permissions\" (" AUTH_ID "\"group_id\" integer "
    "NOT NULL REFERENCES \"auth_group\" (\"id\"), \"permission_id\" integer NOT NULL "
    "REFERENCES \"auth_permission\" (\"id\"))",
    "CREATE TABLE IF NOT EXISTS \"auth_user_groups\" (" AUTH_ID "\"user_id\" integer NOT "
    "NULL REFERENCES \"auth_user\" (\"id\"), \"group_id\" integer NOT NULL REFERENCES "
    "\"auth_group\" (\"id\"))",
    "CREATE TABLE IF NOT EXISTS \"auth_user_user_permissions\" (" AUTH_ID "\"user_id\" "
    "integer NOT NULL REFERENCES \"auth_user\" (\"id\"), \"permission_id\" integer NOT "
    "NULL REFERENCES \"auth_permission\" (\"id\"))",
};

/* SOLUTION(22) BEGIN */
/* The site serving req, or NULL. */
static keg_site *keg_auth_site(const vial_request *req)
{
    return req != NULL && req->app != NULL ? vial_app_user(req->app) : NULL;
}

/* The user of the request a thread is serving (as sessions.c keeps its session). */
struct keg_auth_state {
    const vial_request *req;
    int found;                  /* user holds the logged-in user */
    struct keg_user user;
};

static _Thread_local struct keg_auth_state *keg_auth_cur;

static void keg_auth_release(void)
{
    if (keg_auth_cur == NULL)
        return;
    keg_obj_clear(&keg_auth_cur->user);
    free(keg_auth_cur);
    keg_auth_cur = NULL;
}

static int keg_auth_teardown(vial_request *req, vial_response *res)
{
    (void)req;
    (void)res;
    keg_auth_release();
    return 0;
}

/* A fresh state for req, the user not looked up yet; NULL when out of memory. */
static struct keg_auth_state *keg_auth_reset(const vial_request *req)
{
    keg_auth_release();
    struct keg_auth_state *s = calloc(1, sizeof *s);
    if (s == NULL || keg_obj_init(&s->user, &keg_auth_user) != 0) {
        free(s);
        return NULL;
    }
    s->req = req;
    keg_auth_cur = s;
    return s;
}

/* The user of the session's "_auth_user_id" into s, when it exists and is active. */
static void keg_auth_load(struct keg_auth_state *s, vial_request *req)
{
    keg_db *db = keg_request_db(req);
    const char *id = keg_session_get(req, AUTH_SESSION_KEY);
    char *end = NULL;
    long long n = id != NULL ? strtoll(id, &end, 10) : 0;
    if (db == NULL || n <= 0 || *end != '\0')
        return;
    s->found = keg_get(db, &keg_auth_user, n, &s->user) == 0 && s->user.is_active;
}

/* Hashes password again with `iterations` and stores it on u and its row. */
static int keg_auth_rehash(keg_db *db, struct keg_user *u, const char *password,
                           unsigned iterations)
{
    char *hash = keg_password_make(password, iterations);
    if (hash == NULL)
        return KEG_ENOMEM;
    keg_value p[2] = { keg_text(hash), keg_int(u->id) };
    int rc = keg_db_exec(db, "UPDATE \"auth_user\" SET \"password\" = ? WHERE \"id\" = ?",
                         p, 2);
    if (rc >= 0)
        rc = keg_obj_set_text(u, "password", hash);
    free(hash);
    return rc < 0 ? rc : 0;
}

static int keg_auth_touch(keg_db *db, long long id)
{
    char when[20];
    if (keg_datetime_format((long long)time(NULL), when) != 0)
        return KEG_ERROR;
    keg_value p[2] = { keg_text(when), keg_int(id) };
    int rc = keg_db_exec(db, "UPDATE \"auth_user\" SET \"last_login\" = ? WHERE \"id\" = ?",
                         p, 2);
    return rc < 0 ? rc : 0;
}
/* SOLUTION(22) END */

int keg_auth_install(keg_site *site)
{
    if (site == NULL || site->db == NULL)
        return KEG_EINVALID;
    int rc = keg_db_table_exists(site->db, keg_auth_user.table);
    if (rc == 0)
        rc = keg_create_table(site->db, &keg_auth_user);
    for (size_t i = 0; rc >= 0 && i < sizeof keg_auth_tables / sizeof keg_auth_tables[0]; i++)
        rc = keg_db_exec(site->db, keg_auth_tables[i], NULL, 0);
    if (rc < 0)
        return rc;
/* SOLUTION(22) BEGIN */
    if (vial_app_teardown_request(site->app, keg_auth_teardown) != 0)
        return KEG_ENOMEM;
/* SOLUTION(22) END */
    return 0;
}

int keg_authenticate(vial_request *req, const char *username, const char *password,
                     struct keg_user *out)
{
/* SOLUTION(22) BEGIN */
    keg_site *site = keg_auth_site(req);
    if (site == NULL || site->db == NULL || username == NULL || password == NULL
        || out == NULL)
        return KEG_EINVALID;
    unsigned iterations = site->settings.password_iterations;
    keg_qs *all = keg_qs_all(&keg_auth_user);
    keg_qs *qs = keg_qs_filter(all, "username", keg_text(username));
    int rc = keg_qs_get(site->db, qs, out);
    keg_qs_free(qs);
    keg_qs_free(all);
    if (rc == KEG_ENOTFOUND) {
        free(keg_password_make(password, iterations));  /* the same time as a user */
        return KEG_ENOTFOUND;
    }
    if (rc != 0)
        return rc;
    if (!keg_password_check(password, out->password))
        return KEG_ENOTFOUND;
    if (keg_password_must_update(out->password, iterations)) {
        rc = keg_auth_rehash(site->db, out, password, iterations);
        if (rc != 0)
            return rc;
    }
    return out->is_active ? 0 : KEG_ENOTFOUND;
/* SOLUTION(22) STUB
    (void)req;
    (void)username;
    (void)password;
    (void)out;
    return KEG_ENOTFOUND;
   SOLUTION(22) END */
}

int keg_login(vial_request *req, const struct keg_user *user)
{
/* SOLUTION(22) BEGIN */
    keg_site *site = keg_auth_site(req);
    if (site == NULL || site->db == NULL || user == NULL || user->id <= 0)
        return KEG_EINVALID;
    char id[24];
    snprintf(id, sizeof id, "%lld", user->id);
    const char *was = keg_session_get(req, AUTH_SESSION_KEY);
    int rc = was != NULL && strcmp(was, id) != 0 ? keg_session_flush(req)
                                                 : keg_session_cycle_key(req);
    if (rc == 0)
        rc = keg_session_set(req, AUTH_SESSION_KEY, id);
    if (rc == 0 && site->csrf)
        rc = keg_csrf_rotate(req);
    if (rc == 0)
        rc = keg_auth_touch(site->db, user->id);
    if (keg_auth_cur != NULL && keg_auth_cur->req == req)
        keg_auth_release();             /* looked up again from the session */
    return rc;
/* SOLUTION(22) STUB
    (void)req;
    (void)user;
    return KEG_ERROR;
   SOLUTION(22) END */
}

int keg_logout(vial_request *req)
{
/* SOLUTION(22) BEGIN */
    keg_site *site = keg_auth_site(req);
    if (site == NULL)
        return KEG_EINVALID;
    int rc = keg_session_flush(req);
    if (rc == 0 && site->csrf)
        rc = keg_csrf_rotate(req);
    if (keg_auth_reset(req) == NULL && rc == 0)
        rc = KEG_ENOMEM;
    return rc;
/* SOLUTION(22) STUB
    (void)req;
    return KEG_ERROR;
   SOLUTION(22) END */
}

const struct keg_user *keg_request_user(vial_request *req)
{
/* SOLUTION(22) BEGIN */
    struct keg_auth_state *s = keg_auth_cur;
    if (req == NULL)
        return NULL;
    if (s == NULL || s->req != req) {
        s = keg_auth_reset(req);
        if (s == NULL)
            return NULL;
        keg_auth_load(s, req);
    }
    return s->found ? &s->user : NULL;
/* SOLUTION(22) STUB
    (void)req;
    return NULL;
   SOLUTION(22) END */
}

int keg_user_has_perm(keg_db *db, const struct keg_user *user, const char *perm)
{
/* SOLUTION(22) BEGIN */
    const char *dot = perm != NULL ? strchr(perm, '.') : NULL;
    if (db == NULL || user == NULL || dot == NULL || !user->is_active)
        return 0;
    if (user->is_superuser)
        return 1;
    keg_value p[6] = { keg_int(user->id), keg_textn(perm, (size_t)(dot - perm)),
                       keg_text(dot + 1) };
    p[3] = p[0];
    p[4] = p[1];
    p[5] = p[2];
    long long n = 0;
    int rc = keg_db_query_int(db, "SELECT EXISTS (SELECT 1 FROM \"auth_user_user_permissions\" "
        "\"up\" INNER JOIN \"auth_permission\" \"p\" ON \"p\".\"id\" = \"up\".\"permission_id\" "
        "WHERE \"up\".\"user_id\" = ? AND \"p\".\"app_label\" = ? AND \"p\".\"codename\" = ?) "
        "OR EXISTS (SELECT 1 FROM \"auth_user_groups\" \"ug\" INNER JOIN "
        "\"auth_group_permissions\" \"gp\" ON \"gp\".\"group_id\" = \"ug\".\"group_id\" "
        "INNER JOIN \"auth_permission\" \"p\" ON \"p\".\"id\" = \"gp\".\"permission_id\" "
        "WHERE \"ug\".\"user_id\" = ? AND \"p\".\"app_label\" = ? AND \"p\".\"codename\" = ?)",
        p, 6, &n);
    return rc < 0 ? rc : n != 0;
/* SOLUTION(22) STUB
    (void)db;
    (void)user;
    (void)perm;
    return 0;
   SOLUTION(22) END */
}

int keg_login_required(vial_request *req, vial_response *res)
{
/* SOLUTION(22) BEGIN */
    if (keg_request_user(req) != NULL)
        return 0;
    const char *q = req->query_string != NULL ? req->query_string : "";
    size_t cap = strlen(req->path) + strlen(q) + 2;
    char *full = malloc(cap);
    if (full == NULL)
        return 500;
    snprintf(full, cap, "%s%s%s", req->path, q[0] != '\0' ? "?" : "", q);
    char *next = vial_percent_encode(full, 1);
    free(full);
    if (next == NULL)
        return 500;
    cap = sizeof KEG_LOGIN_URL + strlen(next) + 6;
    char *loc = malloc(cap);
    int ok = loc != NULL;
    if (ok) {
        snprintf(loc, cap, KEG_LOGIN_URL "?next=%s", next);
        ok = vial_redirect(res, loc, 302) == 0;
    }
    free(loc);
    free(next);
    return ok ? 302 : 500;
/* SOLUTION(22) STUB
    (void)req;
    (void)res;
    return 0;
   SOLUTION(22) END */
}

int keg_redirect_next(vial_request *req, vial_response *res)
{
/* SOLUTION(22) BEGIN */
    if (strcmp(req->method, "POST") == 0 && req->form.len == 0)
        vial_request_parse_form(req);
    const char *next = vial_pairs_get(&req->form, "next");
    if (next == NULL)
        next = vial_request_arg(req, "next");
    if (next != NULL && vial_redirect(res, next, 302) == 0)
        return 0;
    return vial_redirect(res, KEG_LOGIN_REDIRECT_URL, 302) == 0 ? 0 : KEG_ERROR;
/* SOLUTION(22) STUB
    (void)req;
    return vial_redirect(res, KEG_LOGIN_REDIRECT_URL, 302) == 0 ? 0 : KEG_ERROR;
   SOLUTION(22) END */
}
