/* 23-admin-middleware.c -- public tests of lab 23: the middleware's headers on pages and
 * errors, the Host check, HSTS on a secure request, then the admin of one model through
 * vial's in-process test client (it keeps cookies like a browser): the login redirect,
 * the admin's login page, the changelist with search, filter and pages, add, change and
 * delete with their CSRF tokens, permissions, and escaping. Run with
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
    n = -1;
    keg_db_query_int(db, "SELECT count(*) FROM shop_item", NULL, 0, &n);
    is_int(n, 3, "three items left");

    vial_client_free(c);
    keg_site_free(site);
    keg_db_close(db);
    vial_app_free(app);
    return done_testing();
}
