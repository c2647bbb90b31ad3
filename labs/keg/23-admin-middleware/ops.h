/* ops.h -- lab 23's app, shared by driver.c (built with your keg/ and vial/ into the
 * program the checker talks to) and checker.c (which builds the same app on the reference
 * keg and vial and sends it the same requests). Two models of the app "shop" in the
 * admin, keg_middleware_install, a few plain views, and SQL frames the checker uses to
 * put the same rows into both databases. */
#ifndef LAB23_OPS_H
#define LAB23_OPS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keg.h"
#include "wire.h"

struct lab23_item {
    keg_obj obj;
    long long id;
    char *name;
    char *notes;
    long long qty;
    int active;
};

struct lab23_tag {
    keg_obj obj;
    long long id;
    char *label;
    long long item_id;
};

static const keg_field lab23_item_fields[] = {
    KEG_FIELD(struct lab23_item, id, KEG_AUTO),
    KEG_FIELD(struct lab23_item, name, KEG_CHAR, .max_length = 40, .flags = KEG_UNIQUE),
    KEG_FIELD(struct lab23_item, notes, KEG_TEXTFIELD, .flags = KEG_BLANK),
    KEG_FIELD(struct lab23_item, qty, KEG_INTEGER),
    KEG_FIELD(struct lab23_item, active, KEG_BOOL, .flags = KEG_DEFAULT, .default_int = 1),
};
static const keg_model lab23_shop_item = KEG_MODEL(shop, item, struct lab23_item,
                                                   lab23_item_fields, .ordering = "-qty");

static const keg_field lab23_tag_fields[] = {
    KEG_FIELD(struct lab23_tag, id, KEG_AUTO),
    KEG_FIELD(struct lab23_tag, label, KEG_CHAR, .max_length = 20),
    KEG_FK_FIELD(struct lab23_tag, item, lab23_shop_item, KEG_PROTECT,
                 .flags = KEG_NULLABLE | KEG_BLANK),
};
static const keg_model lab23_shop_tag = KEG_MODEL(shop, tag, struct lab23_tag,
                                                  lab23_tag_fields);

static const char *const lab23_item_display[] = { "name", "qty", "active", "notes", NULL };
static const char *const lab23_item_search[] = { "name", "notes", NULL };
static const char *const lab23_item_filter[] = { "active", "qty", NULL };
static const char *const lab23_tag_filter[] = { "item", NULL };

/* GET /hello: a plain page. */
static int lab23_hello(vial_request *req, vial_response *res)
{
    (void)req;
    return vial_response_text(res, 200, "text/plain", "hello\n");
}

/* GET /framed: a page that sets its own X-Frame-Options (the middleware keeps it). */
static int lab23_framed(vial_request *req, vial_response *res)
{
    (void)req;
    vial_response_set_header(res, "X-Frame-Options", "SAMEORIGIN");
    return vial_response_text(res, 200, "text/plain", "framed\n");
}

/* GET /boom: a view that fails (500). */
static int lab23_boom(vial_request *req, vial_response *res)
{
    (void)req;
    (void)res;
    return 500;
}

/* POST /form: "posted" once the CSRF check let it through. */
static int lab23_form(vial_request *req, vial_response *res)
{
    (void)req;
    return vial_response_text(res, 200, "text/plain", "posted\n");
}

/* POST /login: lab 22's login of any active user (staff or not): "logged in" or
 * "invalid login". */
static int lab23_login(vial_request *req, vial_response *res)
{
    if (req->form.len == 0)
        vial_request_parse_form(req);
    const char *name = vial_pairs_get(&req->form, "username");
    const char *pw = vial_pairs_get(&req->form, "password");
    struct keg_user u;
    if (keg_obj_init(&u, &keg_auth_user) != 0)
        return 500;
    int rc = keg_authenticate(req, name ? name : "", pw ? pw : "", &u);
    if (rc == 0)
        rc = keg_login(req, &u);
    keg_obj_clear(&u);
    return vial_response_text(res, 200, "text/plain", rc == 0 ? "logged in\n"
                              : "invalid login\n");
}

/* GET /note?level=N&text=T[&next=URL]: keg_message_add(req, N, T) (T absent: NULL);
 * "message RC\n", or with RC 0 and next, a 302 to next. */
static int lab23_note(vial_request *req, vial_response *res)
{
    const char *lv = vial_request_arg(req, "level"), *next = vial_request_arg(req, "next");
    int rc = keg_message_add(req, lv != NULL ? (int)strtol(lv, NULL, 10) : 0,
                             vial_request_arg(req, "text"));
    char line[40];
    if (rc == 0 && next != NULL)
        return vial_redirect(res, next, 302) == 0 ? 0 : 500;
    snprintf(line, sizeof line, "message %d\n", rc);
    return vial_response_text(res, 200, "text/plain", line);
}

/* GET /notes[?nullctx=1][&late=T][&again=T]: with nullctx, "null ctx RC\n" of
 * keg_messages_context(req, NULL); then "context RC\n" and the messages of
 * keg_messages_context rendered by a template; with late, keg_message_add(req, 30, T)
 * after that (not read: kept for the next page); with again, keg_message_add(req, 25, T),
 * then keg_messages(req, NULL) and a second keg_messages (both read it):
 * "again any N LEVEL TAGS TEXT\n" (any: 1 when the first gave non-NULL; the last
 * message's level, tags and text). */
static int lab23_notes(vial_request *req, vial_response *res)
{
    static const char tpl[] = "{% for m in messages %}[{{ m.level }} {{ m.tags }}] "
                              "{{ m.message }}\n{% else %}no messages\n{% endfor %}";
    const char *again = vial_request_arg(req, "again");
    struct wire_buf b = { 0 };
    char line[200], *err = NULL;
    if (vial_request_arg(req, "nullctx") != NULL) {
        snprintf(line, sizeof line, "null ctx %d\n", keg_messages_context(req, NULL));
        wire_buf_str(&b, line);
    }
    vial_ctx *ctx = vial_ctx_new();
    snprintf(line, sizeof line, "context %d\n", ctx != NULL ? keg_messages_context(req, ctx)
                                                            : -99);
    wire_buf_str(&b, line);
    char *out = ctx != NULL ? vial_render_string(req->app, "notes", tpl, ctx, &err) : NULL;
    wire_buf_str(&b, out != NULL ? out : "(render failed)\n");
    free(out);
    free(err);
    vial_ctx_free(ctx);
    if (vial_request_arg(req, "late") != NULL)
        keg_message_add(req, KEG_MSG_WARNING, vial_request_arg(req, "late"));
    if (again != NULL) {
        size_t n = 0;
        keg_message_add(req, KEG_MSG_SUCCESS, again);
        int any = keg_messages(req, NULL) != NULL;
        const struct keg_message *m = keg_messages(req, &n);
        snprintf(line, sizeof line, "again %d %zu %d %s %.100s\n", any, n,
                 n > 0 ? m[n - 1].level : -1, n > 0 ? m[n - 1].tags : "-",
                 n > 0 ? m[n - 1].message : "-");
        wire_buf_str(&b, line);
    }
    wire_buf_add(&b, "", 0);
    int rc = b.data != NULL ? vial_response_text(res, 200, "text/plain", b.data) : 500;
    wire_buf_free(&b);
    return rc;
}

struct lab23_site {
    vial_app *app;
    keg_db *db;
    keg_site *site;
    vial_app *bare_app;         /* a second app on db: no middleware at first, then
                                   keg_middleware_install with allowed_hosts NULL */
    keg_site *bare_site;
    vial_app *plain_app;        /* a third app on db: sessions, no messages */
    keg_site *plain_site;
};

/* Builds the app on a fresh database at dbpath with the settings of arg, "PER_PAGE HSTS
 * ALLOWED_HOSTS" (ALLOWED_HOSTS may be absent). Writes the result of each install into
 * out ("middleware 0 register 0 0 install 0 again -6 bare -6 messages -6 -6 -6": a second
 * install, an admin on a site without middleware, keg_message_add of a NULL request,
 * keg_messages_install of NULL and of a site without sessions are refused). 0, or -1 when the app could not be
 * made. */
static int lab23_setup(struct lab23_site *s, const char *dbpath, const char *arg,
                       struct wire_buf *out)
{
    char hosts[200] = "";
    int per_page = 0;
    long hsts = 0;
    sscanf(arg, "%d %ld %199s", &per_page, &hsts, hosts);
    struct keg_settings set = { .secret_key = "lab23", .allowed_hosts = hosts,
                                .secure_proxy_ssl_header = 1, .hsts_seconds = hsts,
                                .password_iterations = 2 };
    s->app = vial_app_new("lab23");
    s->db = keg_db_open(dbpath, NULL);
    if (s->app == NULL || s->db == NULL || (s->site = keg_site_new(s->app, s->db, &set)) == NULL
        || keg_register(&lab23_shop_item) != 0 || keg_register(&lab23_shop_tag) != 0
        || keg_create_table(s->db, &lab23_shop_item) != 0
        || keg_create_table(s->db, &lab23_shop_tag) != 0)
        return -1;
    vial_app_route(s->app, "GET", "/hello", NULL, lab23_hello);
    vial_app_route(s->app, "GET", "/framed", NULL, lab23_framed);
    vial_app_route(s->app, "GET", "/boom", NULL, lab23_boom);
    vial_app_route(s->app, "POST", "/form", NULL, lab23_form);
    vial_app_route(s->app, "POST", "/login", NULL, lab23_login);
    vial_app_route(s->app, "GET", "/note", NULL, lab23_note);
    vial_app_route(s->app, "GET", "/notes", NULL, lab23_notes);
    struct keg_admin_options io = { .list_display = lab23_item_display,
                                    .search_fields = lab23_item_search,
                                    .list_filter = lab23_item_filter, .per_page = per_page };
    char line[120];
    int mw = keg_middleware_install(s->site);
    int r1 = keg_admin_register(s->site, &lab23_shop_item, &io);
    struct keg_admin_options to = { .list_filter = lab23_tag_filter };
    int r2 = keg_admin_register(s->site, &lab23_shop_tag, &to);
    int in = keg_admin_install(s->site, "/admin");
    int again = keg_admin_install(s->site, "/admin");
    s->bare_app = vial_app_new("bare");
    struct keg_settings dflt = set;
    dflt.allowed_hosts = NULL;
    s->bare_site = s->bare_app != NULL ? keg_site_new(s->bare_app, s->db, &dflt) : NULL;
    int bare = s->bare_site != NULL ? keg_admin_install(s->bare_site, "/admin") : -99;
    int m0 = keg_message_add(NULL, KEG_MSG_SUCCESS, "x");
    int m1 = keg_messages_install(NULL);
    int m2 = s->bare_site != NULL ? keg_messages_install(s->bare_site) : -99;
    if (s->bare_site != NULL) {
        vial_app_route(s->bare_app, "GET", "/hello", NULL, lab23_hello);
        keg_middleware_install(s->bare_site);
    }
    s->plain_app = vial_app_new("plain");
    s->plain_site = s->plain_app != NULL ? keg_site_new(s->plain_app, s->db, &set) : NULL;
    if (s->plain_site != NULL) {
        keg_sessions_install(s->plain_site);
        vial_app_route(s->plain_app, "GET", "/note", NULL, lab23_note);
    }
    snprintf(line, sizeof line, "middleware %d register %d %d install %d again %d bare %d "
             "messages %d %d %d", mw, r1, r2, in, again, bare, m0, m1, m2);
    wire_buf_str(out, line);
    return 0;
}

static void lab23_teardown(struct lab23_site *s)
{
    keg_site_free(s->plain_site);
    vial_app_free(s->plain_app);
    keg_site_free(s->bare_site);
    vial_app_free(s->bare_app);
    keg_site_free(s->site);
    keg_db_close(s->db);
    vial_app_free(s->app);
    memset(s, 0, sizeof *s);
}

/* "exec SQL": keg_db_exec's result. */
static void lab23_exec(keg_db *db, const char *sql, struct wire_buf *out)
{
    char line[32];
    snprintf(line, sizeof line, "%d", db != NULL ? keg_db_exec(db, sql, NULL, 0) : -99);
    wire_buf_str(out, line);
}

/* "bare HOST": the status line of GET /hello with that Host on the bare app (its
 * allowed_hosts the default), through vial_app_handle_raw. */
static void lab23_bare(vial_app *app, const char *host, struct wire_buf *out)
{
    char raw[300];
    size_t len = 0;
    snprintf(raw, sizeof raw, "GET /hello HTTP/1.1\r\nHost: %.200s\r\n\r\n", host);
    char *ans = app != NULL ? vial_app_handle_raw(app, raw, strlen(raw), &len) : NULL;
    wire_buf_add(out, ans != NULL ? ans : "(no answer)", ans != NULL ? strcspn(ans, "\r\n")
                                                                     : 11);
    free(ans);
}

/* "plain TARGET": the status line and the body of GET TARGET on the plain app (sessions
 * without messages), through vial_app_handle_raw. */
static void lab23_plain(vial_app *app, const char *target, struct wire_buf *out)
{
    char raw[300];
    size_t len = 0;
    snprintf(raw, sizeof raw, "GET %.200s HTTP/1.1\r\nHost: localhost\r\n\r\n", target);
    char *ans = app != NULL ? vial_app_handle_raw(app, raw, strlen(raw), &len) : NULL;
    const char *body = ans != NULL ? strstr(ans, "\r\n\r\n") : NULL;
    wire_buf_add(out, ans != NULL ? ans : "(no answer)", ans != NULL ? strcspn(ans, "\r\n")
                                                                     : 11);
    wire_buf_str(out, "\n");
    wire_buf_str(out, body != NULL ? body + 4 : "");
    free(ans);
}

/* "text SQL": each row's columns as text, separated by '|', one row a line. */
static void lab23_text(keg_db *db, const char *sql, struct wire_buf *out)
{
    keg_rows *r = NULL;
    if (db == NULL || keg_db_query(db, sql, NULL, 0, &r) != 0) {
        wire_buf_str(out, "(query failed)\n");
        return;
    }
    while (keg_rows_next(r) == 1) {
        for (int c = 0; c < keg_rows_columns(r); c++) {
            const char *t = keg_rows_text(r, c, NULL);
            wire_buf_str(out, c > 0 ? "|" : "");
            wire_buf_str(out, t != NULL ? t : "NULL");
        }
        wire_buf_str(out, "\n");
    }
    keg_rows_close(r);
}

#endif
