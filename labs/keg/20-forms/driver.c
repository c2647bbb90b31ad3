/* driver.c -- lab 20's driver, built with your keg/ and vial/ into the program the
 * checker talks to. Frames:
 *   "form SPEC"  builds the form SPEC describes (below), cleans it with your keg and
 *                answers what it saw: valid or not, each value, the errors, the order the
 *                clean hooks ran in, the HTML, and for a ModelForm what saving did;
 *   "serve"      serves a sign-up app (a ModelForm on lab20_member) and answers
 *                "PORT cause"; "stop" stops it.
 * The forms, their SPEC and the sign-up app's form are in ops.h, which the checker shares:
 * it builds each form with the reference and compares the two texts. */
#include "ops.h"
#include "wire_vial.h"

/* ---- the sign-up app (its form: signup_def, ops.h) ------------------------------------ */

/* The form page: 200 and the HTML of f. */
static int web_page(vial_response *res, const keg_form *f)
{
    char *html = keg_form_render(f);
    if (html == NULL)
        return vial_abort(res, 500);
    int rc = vial_response_text(res, 200, "text/html; charset=utf-8", html);
    free(html);
    return rc;
}

/* Binds the ModelForm to the POST, saves into obj when valid (303 to /members), else
 * shows the form again with its errors (200). */
static int web_post(vial_request *req, vial_response *res, struct member *obj)
{
    if (vial_request_parse_form(req) != 0)
        return vial_abort(res, 400);
    keg_db *db = keg_request_db(req);
    keg_form *f = keg_form_new(&signup_def, &req->form);
    if (f == NULL || (obj->id != 0 && keg_form_set_instance(f, obj) != 0)) {
        keg_form_free(f);
        return vial_abort(res, 500);
    }
    int rc;
    if (keg_form_is_valid(f, db) == 1)
        rc = keg_form_save(db, f, obj) == 0 ? vial_redirect(res, "/members", 303)
                                            : vial_abort(res, 500);
    else
        rc = web_page(res, f);
    keg_form_free(f);
    return rc;
}

static int view_signup_get(vial_request *req, vial_response *res)
{
    (void)req;
    keg_form *f = keg_form_new(&signup_def, NULL);
    int rc = f != NULL ? web_page(res, f) : vial_abort(res, 500);
    keg_form_free(f);
    return rc;
}

static int view_signup_post(vial_request *req, vial_response *res)
{
    struct member m = { 0 };
    int rc = keg_obj_init(&m, &lab20_member) == 0 ? web_post(req, res, &m)
                                                   : vial_abort(res, 500);
    keg_obj_clear(&m);
    return rc;
}

static int view_edit(vial_request *req, vial_response *res)
{
    struct member m = { 0 };
    int rc;
    if (keg_obj_init(&m, &lab20_member) != 0)
        rc = vial_abort(res, 500);
    else if (keg_get(keg_request_db(req), &lab20_member, vial_view_arg_int(req, "id", 0), &m) != 0)
        rc = vial_abort(res, 404);
    else
        rc = web_post(req, res, &m);
    keg_obj_clear(&m);
    return rc;
}

static int view_members(vial_request *req, vial_response *res)
{
    struct wire_buf b = { 0 };
    wire_buf_add(&b, "", 0);
    spec_rows(keg_request_db(req), &b);
    int rc = vial_response_text(res, 200, "text/plain; charset=utf-8", b.data);
    wire_buf_free(&b);
    return rc;
}

static const struct { const char *methods, *rule, *endpoint; vial_view view; } web_routes[] = {
    { "GET", "/signup", "signup", view_signup_get },
    { "POST", "/signup", "signup_post", view_signup_post },
    { "POST", "/members/<int:id>/edit", "edit", view_edit },
    { "GET", "/members", "members", view_members },
};

struct web {
    vial_app *app;
    keg_db *db;
    keg_site *site;
    vial_server *srv;
};

static void driver_serve(struct web *w, struct wire_buf *out)
{
    w->app = vial_app_new("lab20");
    w->db = keg_db_open(":memory:", NULL);
    if (w->app == NULL || w->db == NULL || keg_create_table(w->db, &lab20_member) != 0
        || (w->site = keg_site_new(w->app, w->db, NULL)) == NULL) {
        wire_buf_str(out, "-1 could not set up the app and its database");
        return;
    }
    for (size_t i = 0; i < sizeof web_routes / sizeof web_routes[0]; i++)
        vial_app_route(w->app, web_routes[i].methods, web_routes[i].rule,
                       web_routes[i].endpoint, web_routes[i].view);
    struct vial_server_options o = { .host = "127.0.0.1", .port = 0,
                                     .max_body = WEB_MAX_BODY };
    wire_vial_start(w->app, &o, &w->srv, out, "vial_app_new returned NULL");
}

static void driver_web_free(struct web *w)
{
    vial_server_stop(w->srv);
    keg_site_free(w->site);
    keg_db_close(w->db);
    vial_app_free(w->app);
    *w = (struct web){ 0 };
}

static void driver_frame(void *state, const char *name, char *data, size_t len,
                         struct wire_buf *out, const char **reply)
{
    struct web *w = state;
    (void)len;
    (void)reply;
    if (strcmp(name, "form") == 0)
        driver_form(data, out);
    else if (strcmp(name, "serve") == 0 && w->app == NULL)
        driver_serve(w, out);
    else if (strcmp(name, "stop") == 0)
        wire_vial_stop(&w->srv, out);
    else
        wire_buf_str(out, "unknown frame");
}

int main(void)
{
    struct web w = { 0 };
    wire_serve_frames(driver_frame, &w);
    driver_web_free(&w);
    return 0;
}
