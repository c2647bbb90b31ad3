/* admin.c -- Django's admin site for keg [lab 23]: the registry of models and their
 * ModelAdmin options, the routes under the admin's prefix, the staff check with its
 * redirect to the admin's login page, the login page itself, per-action permissions
 * ("polls.change_question") and the index. The pages of one model are admin_views.c's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"

#define KEG_ADMIN_LOGIN_ERROR "Please enter the correct username and password for a staff " \
    "account. Note that both fields may be case-sensitive."

/* ---- the registry [given] ------------------------------------------------------------ */

void keg_admin_free(struct keg_admin *admin)
{
    if (admin == NULL)
        return;
    for (size_t i = 0; i < admin->n; i++) {
        free(admin->models[i]->form_fields);
        free(admin->models[i]);
    }
    free(admin->models);
    free(admin->prefix);
    free(admin);
}

/* 1 when every name of the NULL-ended list is a field of m with a column (and, with
 * form 1, one a ModelForm edits: not the id, a kind forms support). */
static int keg_admin_names_ok(const keg_model *m, const char *const *names, int form)
{
    for (size_t i = 0; names != NULL && names[i] != NULL; i++) {
        const keg_field *f = keg_model_field(m, names[i]);
        if (f == NULL || !keg_field_has_column(f))
            return 0;
        if (form && (f == &m->fields[0] || (f->kind != KEG_CHAR && f->kind != KEG_TEXTFIELD
                                            && f->kind != KEG_INTEGER && f->kind != KEG_BOOL)))
            return 0;
    }
    return 1;
}

/* The form's fields: o->fields, else every field a form edits but the id. Caller frees
 * the array; NULL when out of memory. */
static const char **keg_admin_form_fields(const keg_model *m, const struct keg_admin_options *o)
{
    const char **out = calloc(m->nfields + 1, sizeof *out);
    size_t n = 0;
    if (out == NULL)
        return NULL;
    for (size_t i = 0; o->fields != NULL && o->fields[i] != NULL && n < m->nfields; i++)
        out[n++] = o->fields[i];
    for (size_t i = 1; (o->fields == NULL || o->fields[0] == NULL) && i < m->nfields; i++) {
        const keg_field *f = &m->fields[i];
        if (f->kind == KEG_CHAR || f->kind == KEG_TEXTFIELD || f->kind == KEG_INTEGER
            || f->kind == KEG_BOOL)
            out[n++] = f->name;
    }
    return out;
}

int keg_admin_register(keg_site *site, const keg_model *m, const struct keg_admin_options *o)
{
    static const struct keg_admin_options none = { 0 };
    if (site == NULL || m == NULL)
        return KEG_EINVALID;
    if (o == NULL)
        o = &none;
    if (!keg_admin_names_ok(m, o->list_display, 0) || !keg_admin_names_ok(m, o->search_fields, 0)
        || !keg_admin_names_ok(m, o->list_filter, 0) || !keg_admin_names_ok(m, o->fields, 1)
        || o->per_page < 0)
        return KEG_EINVALID;
    if (site->admin == NULL && (site->admin = calloc(1, sizeof *site->admin)) == NULL)
        return KEG_ENOMEM;
    struct keg_admin *a = site->admin;
    struct keg_admin_model *am = NULL;
    for (size_t i = 0; i < a->n && am == NULL; i++)
        if (a->models[i]->m == m)
            am = a->models[i];
    if (am == NULL) {
        struct keg_admin_model **grown = realloc(a->models, (a->n + 1) * sizeof *grown);
        if (grown == NULL)
            return KEG_ENOMEM;
        a->models = grown;
        if ((am = calloc(1, sizeof *am)) == NULL)
            return KEG_ENOMEM;
        a->models[a->n++] = am;
    }
    const char **fields = keg_admin_form_fields(m, o);
    if (fields == NULL)
        return KEG_ENOMEM;
    free(am->form_fields);
    am->m = m;
    am->o = *o;
    am->form_fields = fields;
    am->def = (struct keg_form_def){ .model = m, .model_fields = fields };
    return 0;
}

/* ---- pages [given] ------------------------------------------------------------------- */

keg_site *keg_admin_site(const vial_request *req)
{
    return req != NULL && req->app != NULL ? vial_app_user(req->app) : NULL;
}

const struct keg_admin_model *keg_admin_model_of(const vial_request *req)
{
    keg_site *site = keg_admin_site(req);
    const char *app = vial_view_arg(req, "app"), *model = vial_view_arg(req, "model");
    if (site == NULL || site->admin == NULL || app == NULL || model == NULL)
        return NULL;
    for (size_t i = 0; i < site->admin->n; i++) {
        const keg_model *m = site->admin->models[i]->m;
        if (strcmp(m->app, app) == 0 && strcmp(m->name, model) == 0)
            return site->admin->models[i];
    }
    return NULL;
}

void keg_admin_esc(struct keg_sql *b, const char *s)
{
    static const struct { char c; const char *ent; } ents[] = {
        { '&', "&amp;" }, { '<', "&lt;" }, { '>', "&gt;" }, { '"', "&quot;" },
        { '\'', "&#x27;" },
    };
    for (; s != NULL && *s != '\0'; s++) {
        const char *ent = NULL;
        for (size_t i = 0; i < sizeof ents / sizeof ents[0]; i++)
            if (*s == ents[i].c)
                ent = ents[i].ent;
        if (ent != NULL)
            keg_sql_add(b, ent);
        else
            keg_sql_addn(b, s, 1);
    }
}

void keg_admin_begin(struct keg_sql *b, vial_request *req, const char *title)
{
    size_t n = 0;
    const struct keg_message *m = keg_messages(req, &n);
    keg_sql_add(b, "<!DOCTYPE html>\n<html><head><title>");
    keg_admin_esc(b, title);
    keg_sql_add(b, "</title></head><body>\n");
    if (n > 0)
        keg_sql_add(b, "<ul class=\"messagelist\">\n");
    for (size_t i = 0; i < n; i++) {
        keg_sql_add(b, m[i].tags[0] != '\0' ? "<li class=\"" : "<li");
        keg_admin_esc(b, m[i].tags);
        keg_sql_add(b, m[i].tags[0] != '\0' ? "\">" : ">");
        keg_admin_esc(b, m[i].message);
        keg_sql_add(b, "</li>\n");
    }
    if (n > 0)
        keg_sql_add(b, "</ul>\n");
    keg_sql_add(b, "<h1>");
    keg_admin_esc(b, title);
    keg_sql_add(b, "</h1>\n");
}

void keg_admin_csrf_input(struct keg_sql *b, vial_request *req)
{
    keg_sql_add(b, "<input type=\"hidden\" name=\"csrfmiddlewaretoken\" value=\"");
    keg_admin_esc(b, keg_csrf_token(req));
    keg_sql_add(b, "\">\n");
}

int keg_admin_finish(struct keg_sql *b, vial_response *res, int status)
{
    keg_sql_add(b, "</body></html>\n");
    char *page = keg_sql_steal(b);
    if (page == NULL)
        return 500;
    vial_response_text(res, status, "text/html; charset=utf-8", page);
    vial_response_set_header(res, "Cache-Control",
                             "max-age=0, no-cache, no-store, must-revalidate, private");
    free(page);
    return 0;
}

/* SOLUTION(23) BEGIN */
/* ---- permissions and the staff check ------------------------------------------------- */

/* The actions of Django's default permissions, in the order migrate creates them. */
static const char *const keg_admin_actions[] = { "add", "change", "delete", "view" };

int keg_admin_can(vial_request *req, const keg_model *m, const char *action)
{
    char perm[2 * KEG_IDENT_MAX + 16];
    snprintf(perm, sizeof perm, "%s.%s_%s", m->app, action, m->name);
    return keg_user_has_perm(keg_request_db(req), keg_request_user(req), perm);
}

/* A 302 to PREFIX/login/?next= and the request's path and query, encoded. */
static int keg_admin_to_login(vial_request *req, vial_response *res, const char *prefix)
{
    const char *q = req->query_string != NULL ? req->query_string : "";
    struct keg_sql b = { 0 };
    keg_sql_printf(&b, "%s%s%s", req->path, q[0] != '\0' ? "?" : "", q);
    char *full = keg_sql_steal(&b);
    char *next = full != NULL ? vial_percent_encode(full, 1) : NULL;
    free(full);
    keg_sql_printf(&b, "%s/login/?next=%s", prefix, next != NULL ? next : "");
    char *loc = next != NULL ? keg_sql_steal(&b) : NULL;
    keg_sql_free(&b);
    int ok = loc != NULL && vial_redirect(res, loc, 302) == 0;
    free(loc);
    free(next);
    return ok ? 302 : 500;
}

/* Before every admin page but login: an active staff user, else to the login page. */
static int keg_admin_staff_only(vial_request *req, vial_response *res)
{
    if (req->endpoint != NULL && strcmp(req->endpoint, "admin.login") == 0)
        return 0;
    const struct keg_user *u = keg_request_user(req);
    if (u != NULL && u->is_active && u->is_staff)
        return 0;
    /* The hook is on the blueprint keg_admin_install made: the site has its admin. */
    return keg_admin_to_login(req, res, keg_admin_site(req)->admin->prefix);
}

/* ---- the login page and the index ---------------------------------------------------- */

/* The login page, with the error note when `failed`. */
static int keg_admin_login_page(vial_request *req, vial_response *res, const char *next,
                                int failed)
{
    struct keg_sql b = { 0 };
    keg_admin_begin(&b, req, "Log in");
    if (failed)
        keg_sql_add(&b, "<p class=\"errornote\">" KEG_ADMIN_LOGIN_ERROR "</p>\n");
    keg_sql_add(&b, "<form method=\"post\">\n");
    keg_admin_csrf_input(&b, req);
    keg_sql_add(&b, "<input type=\"hidden\" name=\"next\" value=\"");
    keg_admin_esc(&b, next != NULL ? next : "");
    keg_sql_add(&b, "\">\n<input type=\"text\" name=\"username\">\n<input type=\"password\" "
                "name=\"password\">\n<input type=\"submit\" value=\"Log in\">\n</form>\n");
    return keg_admin_finish(&b, res, 200);
}

/* Django's admin LoginView: AdminAuthenticationForm lets in active staff only. */
static int keg_admin_login(vial_request *req, vial_response *res)
{
    keg_site *site = keg_admin_site(req);
    if (strcmp(req->method, "POST") != 0)
        return keg_admin_login_page(req, res, vial_request_arg(req, "next"), 0);
    if (req->form.len == 0)
        vial_request_parse_form(req);
    const char *name = vial_pairs_get(&req->form, "username");
    const char *pw = vial_pairs_get(&req->form, "password");
    const char *next = vial_pairs_get(&req->form, "next");
    struct keg_user u;
    if (keg_obj_init(&u, &keg_auth_user) != 0)
        return 500;
    int rc = keg_authenticate(req, name != NULL ? name : "", pw != NULL ? pw : "", &u);
    if (rc == KEG_ENOTFOUND || (rc == 0 && !u.is_staff)) {
        keg_obj_clear(&u);
        return keg_admin_login_page(req, res, next, 1);
    }
    if (rc == 0)
        rc = keg_login(req, &u);
    keg_obj_clear(&u);
    if (rc != 0)
        return 500;
    if (next != NULL && vial_redirect(res, next, 302) == 0)
        return 0;
    struct keg_sql b = { 0 };
    keg_sql_printf(&b, "%s/", site->admin->prefix);
    char *home = keg_sql_steal(&b);
    rc = home != NULL && vial_redirect(res, home, 302) == 0 ? 0 : 500;
    free(home);
    return rc;
}

/* Django's admin index: the models the user has any permission on. */
static int keg_admin_index(vial_request *req, vial_response *res)
{
    struct keg_admin *a = keg_admin_site(req)->admin;
    struct keg_sql b = { 0 };
    keg_admin_begin(&b, req, "Site administration");
    keg_sql_add(&b, "<ul>\n");
    for (size_t i = 0; i < a->n; i++) {
        const keg_model *m = a->models[i]->m;
        int any = 0;
        for (size_t k = 0; k < 4 && !any; k++) {
            int rc = keg_admin_can(req, m, keg_admin_actions[k]);
            if (rc < 0) {
                keg_sql_free(&b);
                return 500;
            }
            any = rc;
        }
        if (any)
            keg_sql_printf(&b, "<li><a href=\"%s/%s/%s/\">%s.%s</a></li>\n", a->prefix, m->app,
                           m->name, m->app, m->name);
    }
    keg_sql_add(&b, "</ul>\n");
    return keg_admin_finish(&b, res, 200);
}

/* ---- install ------------------------------------------------------------------------- */

/* The four permission rows of m, each when missing ("Can add question", ...). */
static int keg_admin_permissions(keg_db *db, const keg_model *m)
{
    for (size_t k = 0; k < 4; k++) {
        char name[KEG_IDENT_MAX + 16], code[KEG_IDENT_MAX + 16];
        snprintf(name, sizeof name, "Can %s %s", keg_admin_actions[k], m->name);
        snprintf(code, sizeof code, "%s_%s", keg_admin_actions[k], m->name);
        keg_value v[5] = { keg_text(name), keg_text(m->app), keg_text(code),
                           keg_text(m->app), keg_text(code) };
        int rc = keg_db_exec(db, "INSERT INTO \"auth_permission\" (\"name\", \"app_label\", "
                             "\"codename\") SELECT ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM "
                             "\"auth_permission\" WHERE \"app_label\" = ? AND \"codename\" "
                             "= ?)", v, 5);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* The admin's routes, a table as Django's AdminSite.get_urls. */
static const struct {
    const char *methods, *rule, *endpoint;
    vial_view view;
} keg_admin_routes[] = {
    { "GET,POST", "/login/", "login", keg_admin_login },
    { "GET", "/", "index", keg_admin_index },
    { "GET", "/<app>/<model>/", "changelist", keg_admin_changelist },
    { "GET,POST", "/<app>/<model>/add/", "add", keg_admin_add },
    { "GET,POST", "/<app>/<model>/<int:id>/change/", "change", keg_admin_change },
    { "GET,POST", "/<app>/<model>/<int:id>/delete/", "delete", keg_admin_delete },
};
/* SOLUTION(23) END */

int keg_admin_install(keg_site *site, const char *prefix)
{
/* SOLUTION(23) BEGIN */
    if (site == NULL || prefix == NULL || !site->middleware || site->db == NULL)
        return KEG_EINVALID;
    if (site->admin == NULL && (site->admin = calloc(1, sizeof *site->admin)) == NULL)
        return KEG_ENOMEM;
    struct keg_admin *a = site->admin;
    if (a->prefix != NULL)
        return KEG_EINVALID;
    for (size_t i = 0; i < a->n; i++) {
        int rc = keg_admin_permissions(site->db, a->models[i]->m);
        if (rc < 0)
            return rc;
    }
    if ((a->prefix = strdup(prefix)) == NULL)
        return KEG_ENOMEM;
    vial_blueprint *bp = vial_blueprint_new("admin", prefix);
    if (bp == NULL)
        return KEG_ENOMEM;
    for (size_t i = 0; i < sizeof keg_admin_routes / sizeof keg_admin_routes[0]; i++)
        if (vial_blueprint_route(bp, keg_admin_routes[i].methods, keg_admin_routes[i].rule,
                                 keg_admin_routes[i].endpoint, keg_admin_routes[i].view) != 0) {
            vial_blueprint_free(bp);
            return KEG_ERROR;
        }
    if (vial_blueprint_before_request(bp, keg_admin_staff_only) != 0) {
        vial_blueprint_free(bp);
        return KEG_ENOMEM;
    }
    return vial_app_register_blueprint(site->app, bp) == 0 ? 0 : KEG_ERROR;
/* SOLUTION(23) STUB
    (void)site;
    (void)prefix;
    return KEG_ERROR;
   SOLUTION(23) END */
}
