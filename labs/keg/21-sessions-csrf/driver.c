/* driver.c -- lab 21's driver, built with your keg/ and vial/ into the program the
 * checker talks to over HTTP. Frames:
 *   "serve AGE ORIGINS"  serves an app on a site with sessions and CSRF installed
 *                        (session_age AGE, csrf_trusted_origins ORIGINS, a trusted
 *                        proxy: secure_proxy_ssl_header 1) on a fresh sessions.db;
 *                        answers "PORT cause"; "stop" stops it;
 *   "rows"               the keg_session rows, "KEY DATA" one a line, by key;
 *   "expire KEY"         sets that row's expire to 1 (1970): the session is over;
 *   "clear"              keg_session_clear_expired's result;
 *   "data KEY DATA"      sets that row's data to DATA as it is;
 *   "nulls"              what the session functions return for a NULL request;
 *   "unmask TOKEN"       keg_csrf_unmask's result, and the secret when it is 0.
 * The app's views:
 *   GET  /put?name=N&value=V   keg_session_set (GET, so no token is needed)
 *   GET  /get?name=N           the value, or "(none)"
 *   GET  /key                  keg_session_key
 *   GET  /form                 two tokens of keg_csrf_token, "token1 T1\ntoken2 T2\n"
 *   any  /post                 "ok V" with V the form field v (reached only past the check)
 *   POST /login                keg_session_cycle_key and keg_csrf_rotate
 *   POST /logout               keg_session_flush, then keg_session_key: "flush RC key K" */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keg.h"
#include "wire.h"
#include "wire_vial.h"

static int view_put(vial_request *req, vial_response *res)
{
    const char *name = vial_request_arg(req, "name");
    const char *value = vial_request_arg(req, "value");
    int rc = name != NULL ? keg_session_set(req, name, value) : KEG_EINVALID;
    return vial_response_text(res, rc == 0 ? 200 : 500, "text/plain", rc == 0 ? "set\n"
                              : "keg_session_set failed\n");
}

static int view_get(vial_request *req, vial_response *res)
{
    const char *name = vial_request_arg(req, "name");
    const char *v = name != NULL ? keg_session_get(req, name) : NULL;
    return vial_response_text(res, 200, "text/plain", v != NULL ? v : "(none)");
}

static int view_key(vial_request *req, vial_response *res)
{
    const char *k = keg_session_key(req);
    return vial_response_text(res, 200, "text/plain", k != NULL ? k : "(NULL)");
}

static int view_form(vial_request *req, vial_response *res)
{
    for (int i = 1; i <= 2; i++) {
        const char *t = keg_csrf_token(req);
        vial_response_printf(res, "token%d %s\n", i, t != NULL ? t : "(NULL)");
    }
    vial_response_set_header(res, "Content-Type", "text/plain");
    return 0;
}

static int view_post(vial_request *req, vial_response *res)
{
    if (req->form.len == 0)
        vial_request_parse_form(req);
    const char *v = vial_pairs_get(&req->form, "v");
    vial_response_printf(res, "ok %s\n", v != NULL ? v : "(none)");
    return 0;
}

static int view_login(vial_request *req, vial_response *res)
{
    int a = keg_session_cycle_key(req), b = keg_csrf_rotate(req);
    vial_response_printf(res, "cycle_key %d rotate %d\n", a, b);
    return 0;
}

static int view_logout(vial_request *req, vial_response *res)
{
    int rc = keg_session_flush(req);
    const char *k = keg_session_key(req);
    vial_response_printf(res, "flush %d key %s\n", rc, k != NULL ? k : "(NULL)");
    return 0;
}

static const struct { const char *methods, *rule; vial_view view; } web_routes[] = {
    { "GET", "/put", view_put }, { "GET", "/get", view_get }, { "GET", "/key", view_key },
    { "GET", "/form", view_form }, { "GET,POST,PUT,DELETE", "/post", view_post },
    { "POST", "/login", view_login }, { "POST", "/logout", view_logout },
};

struct web {
    vial_app *app;
    keg_db *db;
    keg_site *site;
    vial_server *srv;
};

static void driver_serve(struct web *w, char *arg, struct wire_buf *out)
{
    struct keg_settings s = { .secret_key = "lab21", .secure_proxy_ssl_header = 1 };
    char *sp = strchr(arg, ' ');
    s.session_age = strtol(arg, NULL, 10);
    s.csrf_trusted_origins = sp != NULL ? sp + 1 : "";
    remove("sessions.db");
    w->app = vial_app_new("lab21");
    w->db = keg_db_open("sessions.db", NULL);
    if (w->app == NULL || w->db == NULL || (w->site = keg_site_new(w->app, w->db, &s)) == NULL) {
        wire_buf_str(out, "-1 could not set up the app and sessions.db");
        return;
    }
    for (size_t i = 0; i < sizeof web_routes / sizeof web_routes[0]; i++)
        vial_app_route(w->app, web_routes[i].methods, web_routes[i].rule, NULL,
                       web_routes[i].view);
    if (keg_sessions_install(w->site) != 0 || keg_csrf_install(w->site) != 0) {
        wire_buf_str(out, "-1 keg_sessions_install or keg_csrf_install failed");
        return;
    }
    wire_vial_start(w->app, NULL, &w->srv, out, "vial_app_new returned NULL");
}

static void driver_rows(struct web *w, struct wire_buf *out)
{
    keg_rows *r = NULL;
    if (w->db == NULL || keg_db_query(w->db, "SELECT \"key\", \"data\" FROM \"keg_session\" "
                                      "ORDER BY \"key\"", NULL, 0, &r) != 0) {
        wire_buf_str(out, "(no keg_session table)\n");
        return;
    }
    while (keg_rows_next(r) == 1) {
        const char *k = keg_rows_text(r, 0, NULL), *d = keg_rows_text(r, 1, NULL);
        wire_buf_str(out, k ? k : "NULL");
        wire_buf_str(out, " ");
        wire_buf_str(out, d ? d : "NULL");
        wire_buf_str(out, "\n");
    }
    keg_rows_close(r);
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
    else if (strcmp(name, "rows") == 0)
        driver_rows(w, out);
    else if (strcmp(name, "expire") == 0 && w->db != NULL) {
        keg_value k = keg_text(data);
        int rc = keg_db_exec(w->db, "UPDATE \"keg_session\" SET \"expire\" = 1 WHERE \"key\" "
                             "= ?", &k, 1);
        snprintf(line, sizeof line, "%d", rc);
        wire_buf_str(out, line);
    } else if (strcmp(name, "clear") == 0 && w->db != NULL) {
        snprintf(line, sizeof line, "%d", keg_session_clear_expired(w->db));
        wire_buf_str(out, line);
    } else if (strcmp(name, "data") == 0 && w->db != NULL && strchr(data, ' ') != NULL) {
        char *sp = strchr(data, ' ');
        *sp = '\0';
        keg_value p[2] = { keg_text(sp + 1), keg_text(data) };
        snprintf(line, sizeof line, "%d", keg_db_exec(w->db, "UPDATE \"keg_session\" SET "
                 "\"data\" = ? WHERE \"key\" = ?", p, 2));
        wire_buf_str(out, line);
    } else if (strcmp(name, "nulls") == 0) {
        const char *v = keg_session_get(NULL, "a");
        snprintf(line, sizeof line, "set %d cycle_key %d flush %d get %s",
                 keg_session_set(NULL, "a", "1"), keg_session_cycle_key(NULL),
                 keg_session_flush(NULL), v != NULL ? "(not NULL)" : "NULL");
        wire_buf_str(out, line);
    } else if (strcmp(name, "unmask") == 0) {
        char secret[KEG_CSRF_SECRET_LEN + 1];
        int rc = keg_csrf_unmask(data, secret);
        snprintf(line, sizeof line, "%d %s", rc, rc == 0 ? secret : "");
        wire_buf_str(out, line);
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
    remove("sessions.db");
    return 0;
}
