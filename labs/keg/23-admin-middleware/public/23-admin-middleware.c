/* 23-admin-middleware.c -- public tests of lab 23: the middleware's headers on pages and
 * errors, the Host check, HSTS on a secure request, then the admin of one model through
 * vial's in-process test client (it keeps cookies like a browser): the login redirect,
 * the admin's login page, the changelist with search, filter and pages, add, change and
 * delete with their CSRF tokens and their messages, permissions, and escaping; then
 * messages of a view's own, read by a template. Run with
 * `make test LAB=23`; debug with `gdb build/tests/23-admin-middleware`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "keg.h"

struct item {
    keg_obj obj;
    long long id;
    char *name;
    long long qty;
    int active;
};

static const keg_field item_fields[] = {
    KEG_FIELD(struct item, id, KEG_AUTO),
    KEG_FIELD(struct item, name, KEG_CHAR, .max_length = 40),
    KEG_FIELD(struct item, qty, KEG_INTEGER),
    KEG_FIELD(struct item, active, KEG_BOOL, .flags = KEG_DEFAULT, .default_int = 1),
};
static const keg_model shop_item = KEG_MODEL(shop, item, struct item, item_fields);

static const char *const item_display[] = { "name", "qty", "active", NULL };
static const char *const item_search[] = { "name", NULL };
static const char *const item_filter[] = { "active", NULL };

static int view_hello(vial_request *req, vial_response *res)
{
    (void)req;
    return vial_response_text(res, 200, "text/plain", "hello\n");
}

/* GET /note?level=N&text=T: keg_message_add's result. */
static int view_note(vial_request *req, vial_response *res)
{
    const char *lv = vial_request_arg(req, "level");
    char line[40];
    snprintf(line, sizeof line, "%d", keg_message_add(req, lv ? (int)strtol(lv, NULL, 10) : 0,
                                                      vial_request_arg(req, "text")));
    return vial_response_text(res, 200, "text/plain", line);
}

/* GET /notes: the messages, read through keg_messages_context by a template. */
static int view_notes(vial_request *req, vial_response *res)
{
    vial_ctx *ctx = vial_ctx_new();
    if (ctx == NULL || keg_messages_context(req, ctx) != 0) {
        vial_ctx_free(ctx);
        return 500;
    }
    char *out = vial_render_string(req->app, "notes", "{% for m in messages %}"
                                   "<li class=\"{{ m.tags }}\">{{ m.message }}</li>"
                                   "{% endfor %}", ctx, NULL);
    vial_ctx_free(ctx);
    if (out == NULL)
        return 500;
    vial_response_text(res, 200, "text/plain", out);
    free(out);
    return 0;
}

static const char *header(const vial_response *r, const char *name)
{
    const char *v = vial_response_header(r, name);
    return v != NULL ? v : "(none)";
}

static const char *body(const vial_response *r)
{
    return r->body != NULL ? r->body : "";
}

/* The csrfmiddlewaretoken of a page into out ("" when it has none). */
static void page_token(const vial_response *r, char *out, size_t cap)
{
    const char *p = strstr(body(r), "name=\"csrfmiddlewaretoken\" value=\"");
    out[0] = '\0';
    if (p != NULL) {
        p += strlen("name=\"csrfmiddlewaretoken\" value=\"");
        snprintf(out, cap, "%.*s", (int)strcspn(p, "\""), p);
    }
}

static void get(vial_client *c, const char *target, vial_response *r)
{
    vial_response_init(r);
    vial_client_get(c, target, r);
}

static void post(vial_client *c, const char *target, const char *form, vial_response *r)
{
    vial_response_init(r);
    vial_client_post(c, target, "application/x-www-form-urlencoded", form, strlen(form), r);
}

static long long add_user(keg_db *db, const char *name, int staff, int super)
{
    struct keg_user u;
    keg_obj_init(&u, &keg_auth_user);
    char *enc = keg_password_make("pw", 2);
    keg_obj_set_text(&u, "username", name);
    keg_obj_set_text(&u, "password", enc ? enc : "!");
    u.is_staff = staff;
    u.is_superuser = super;
    free(enc);
    long long id = keg_save(db, &u) == 0 ? u.id : -1;
    keg_obj_clear(&u);
    return id;
}

/* Logs c in on the admin's login page as name (password "pw"). */
static void admin_login(vial_client *c, const char *name, vial_response *r)
{
    char tok[80], form[200];
    get(c, "/admin/login/", r);
    page_token(r, tok, sizeof tok);
    vial_response_free(r);
    snprintf(form, sizeof form, "csrfmiddlewaretoken=%s&username=%s&password=pw&next=/admin/",
             tok, name);
    post(c, "/admin/login/", form, r);
}

static void add_item(keg_db *db, const char *name, long long qty, int active)
{
    struct item it;
    keg_obj_init(&it, &shop_item);
    keg_obj_set_text(&it, "name", name);
    it.qty = qty;
    it.active = active;
    keg_save(db, &it);
    keg_obj_clear(&it);
}

int main(void)
{
    vial_app *app = vial_app_new("lab23");
    keg_db *db = keg_db_open(":memory:", NULL);
    struct keg_settings s = { .secret_key = "k", .password_iterations = 2,
                              .secure_proxy_ssl_header = 1, .hsts_seconds = 3600 };
    keg_site *site = app && db ? keg_site_new(app, db, &s) : NULL;
    if (site == NULL || keg_create_table(db, &shop_item) != 0)
        BAIL_OUT("could not make a site");
    vial_app_route(app, "GET", "/hello", NULL, view_hello);
    vial_app_route(app, "GET", "/note", NULL, view_note);
    vial_app_route(app, "GET", "/notes", NULL, view_notes);
    struct keg_admin_options o = { .list_display = item_display, .search_fields = item_search,
                                   .list_filter = item_filter, .per_page = 2 };
    is_int(keg_middleware_install(site), 0, "keg_middleware_install");
    is_int(keg_admin_register(site, &shop_item, &o), 0, "keg_admin_register");
    is_int(keg_admin_install(site, "/admin"), 0, "keg_admin_install");
    long long n = -1;
    keg_db_query_int(db, "SELECT count(*) FROM auth_permission WHERE app_label = 'shop'",
                     NULL, 0, &n);
    is_int(n, 4, "four permission rows for shop.item");

    vial_client *c = vial_client_new(app);
    vial_response r;
    get(c, "/hello", &r);
    is_str(header(&r, "X-Content-Type-Options"), "nosniff", "nosniff on a page");
    is_str(header(&r, "Referrer-Policy"), "same-origin", "Referrer-Policy");
    is_str(header(&r, "Cross-Origin-Opener-Policy"), "same-origin", "COOP");
    is_str(header(&r, "X-Frame-Options"), "DENY", "X-Frame-Options");
    is_str(header(&r, "Strict-Transport-Security"), "(none)", "no HSTS on plain HTTP");
    vial_response_free(&r);
    get(c, "/missing", &r);
    is_int(r.status, 404, "an unknown path");
    is_str(header(&r, "X-Frame-Options"), "DENY", "errors get the headers too");
    vial_response_free(&r);
    vial_pairs h;
    vial_pairs_init(&h);
    vial_pairs_adds(&h, "X-Forwarded-Proto", "https");
    vial_response_init(&r);
    vial_client_open(c, "GET", "/hello", &h, NULL, 0, &r);
    is_str(header(&r, "Strict-Transport-Security"), "max-age=3600", "HSTS when secure");
    vial_response_free(&r);
    vial_pairs_free(&h);
    vial_pairs_init(&h);
    vial_pairs_adds(&h, "Host", "evil.test");
    vial_response_init(&r);
    vial_client_open(c, "GET", "/hello", &h, NULL, 0, &r);
    is_int(r.status, 400, "a Host not in allowed_hosts is refused");
    vial_response_free(&r);
    vial_pairs_free(&h);

    add_user(db, "boss", 1, 1);
    add_user(db, "clerk", 0, 0);
    add_item(db, "<b>bolt</b>", 10, 1);
    add_item(db, "nut", 5, 0);
    add_item(db, "big nut", 7, 1);

    get(c, "/admin/shop/item/?q=nut", &r);
    is_int(r.status, 302, "anonymous: to the login page");
    is_str(header(&r, "Location"), "/admin/login/?next=/admin/shop/item/%3Fq%3Dnut", "with next=");
    vial_response_free(&r);
    admin_login(c, "clerk", &r);
    like(body(&r), "Please enter the correct username and password", "not staff: refused");
    vial_response_free(&r);
    admin_login(c, "boss", &r);
    is_str(header(&r, "Location"), "/admin/", "staff: logged in");
    vial_response_free(&r);

    get(c, "/admin/shop/item/", &r);
    like(body(&r), "<p class=\"result-count\">3 items</p>", "three items");
    like(body(&r), "<tr><td><a href=\"/admin/shop/item/3/change/\">big nut</a></td><td>7</td>"
         "<td>True</td></tr>\n<tr><td><a href=\"/admin/shop/item/2/change/\">nut</a>",
         "newest first, two a page");
    like(body(&r), "Page 1 of 2", "page 1 of 2");
    vial_response_free(&r);
    get(c, "/admin/shop/item/?p=2", &r);
    like(body(&r), "&lt;b&gt;bolt&lt;/b&gt;", "page 2: the stored HTML is escaped");
    vial_response_free(&r);
    get(c, "/admin/shop/item/?q=nut&active__exact=0", &r);
    like(body(&r), "<p class=\"result-count\">1 item</p>", "search and filter");
    vial_response_free(&r);
    get(c, "/admin/shop/item/?q=%27%20OR%201%3D1%20--", &r);
    like(body(&r), "<p class=\"result-count\">0 items</p>", "a search is a bound value");
    vial_response_free(&r);

    char tok[80], form[300];
    get(c, "/admin/shop/item/add/", &r);
    page_token(&r, tok, sizeof tok);
    like(body(&r), "<input type=\"text\" name=\"name\" maxlength=\"40\" required id=\"id_name\">",
         "the add form comes from the model");
    vial_response_free(&r);
    snprintf(form, sizeof form, "csrfmiddlewaretoken=%s&name=washer&qty=3&active=on", tok);
    post(c, "/admin/shop/item/add/", form, &r);
    is_str(header(&r, "Location"), "/admin/shop/item/", "added: back to the list");
    vial_response_free(&r);
    get(c, "/hello", &r);
    vial_response_free(&r);
    get(c, "/admin/shop/item/", &r);
    like(body(&r), "<body>\n<ul class=\"messagelist\">\n<li class=\"success\">The item "
         "&quot;washer&quot; was added successfully.</li>\n</ul>\n<h1>Select item to change",
         "the next admin page shows the message");
    vial_response_free(&r);
    get(c, "/admin/shop/item/", &r);
    ok(strstr(body(&r), "messagelist") == NULL, "shown once: gone on the next page");
    vial_response_free(&r);
    post(c, "/admin/shop/item/add/", "name=x&qty=1", &r);
    is_int(r.status, 403, "a POST without the token is refused");
    vial_response_free(&r);
    get(c, "/admin/shop/item/4/change/", &r);
    like(body(&r), "value=\"washer\"", "the change form shows the object");
    page_token(&r, tok, sizeof tok);
    vial_response_free(&r);
    snprintf(form, sizeof form, "csrfmiddlewaretoken=%s&name=washer&qty=x", tok);
    post(c, "/admin/shop/item/4/change/", form, &r);
    like(body(&r), "<ul class=\"errorlist\"><li>Enter a whole number.</li></ul>",
         "an invalid form is shown again");
    vial_response_free(&r);
    get(c, "/admin/shop/item/4/delete/", &r);
    like(body(&r), "Are you sure you want to delete the item \"washer\"?", "confirmation");
    page_token(&r, tok, sizeof tok);
    vial_response_free(&r);
    snprintf(form, sizeof form, "csrfmiddlewaretoken=%s", tok);
    post(c, "/admin/shop/item/4/delete/", form, &r);
    is_int(r.status, 302, "deleted");
    vial_response_free(&r);
    get(c, "/admin/", &r);
    like(body(&r), "<li class=\"success\">The item &quot;washer&quot; was deleted "
         "successfully.</li>", "the delete message");
    vial_response_free(&r);
    n = -1;
    keg_db_query_int(db, "SELECT count(*) FROM shop_item", NULL, 0, &n);
    is_int(n, 3, "three items left");

    get(c, "/note?level=10&text=debug", &r);
    is_str(body(&r), "0", "a debug message is dropped (0, not an error)");
    vial_response_free(&r);
    get(c, "/note?level=30&text=%3Cb%3Elow%3C%2Fb%3E", &r);
    vial_response_free(&r);
    get(c, "/note?level=20&text=fyi", &r);
    vial_response_free(&r);
    keg_rows *rows = NULL;
    keg_db_query(db, "SELECT data FROM keg_session WHERE instr(data, '_messages') > 0", NULL,
                 0, &rows);
    like(rows != NULL && keg_rows_next(rows) == 1 ? keg_rows_text(rows, 0, NULL) : "(no row)",
         "_messages=30%3D%253Cb%253Elow%253C%252Fb%253E%2620%3Dfyi",
         "stored in the session as LEVEL=TEXT pairs, encoded again as its value");
    keg_rows_close(rows);
    get(c, "/notes", &r);
    is_str(body(&r), "<li class=\"warning\">&lt;b&gt;low&lt;/b&gt;</li>"
           "<li class=\"info\">fyi</li>", "read in order, tags, escaped by the template");
    vial_response_free(&r);
    get(c, "/notes", &r);
    is_str(body(&r), "", "read once");
    vial_response_free(&r);

    vial_client_free(c);
    keg_site_free(site);
    keg_db_close(db);
    vial_app_free(app);
    return done_testing();
}
