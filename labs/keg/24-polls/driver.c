/* driver.c -- lab 24's driver, built with your keg/, vial/ and polls/ into the program
 * the checker talks to. It counts the statements SQLite runs itself (sqlcount.h), so the
 * hidden tests never trust a counter of yours. Frames:
 *   "serve"        registers your models, writes their migration (keg_makemigrations into
 *                  migrations/) and applies it to a fresh polls.db (keg_migrate), then
 *                  serves polls_app_new on it with 8 threads; answers "PORT cause"
 *   "schema"       what "serve" saw: the migration written, how many were applied, and
 *                  keg_model_create_sql of both models, one a line
 *   "exec SQL"     keg_db_exec's result on a second connection to polls.db (the data)
 *   "text SQL"     the first column of each row, one a line (same connection)
 *   "count NEEDLE" "N H": statements run since the last "count", and how many of them
 *                  held that count's NEEDLE in their SQL text (an empty one: `"votes" +`,
 *                  the F() of the vote; "BEGIN": the transaction of each request)
 *   "tests"        runs your polls_tests against your app, then against the planted
 *                  app (a copy of the reference on your models, keg and vial) as it
 *                  should be and with each bug of pages.h planted; "app F", then "NAME
 *                  F" a line, F being polls_tests' result
 *   "stop"         stops serving */
#include "sqlcount.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "pages.h"
#include "polls.h"
#include "wire.h"

#define VOTES_NEEDLE "\"votes\" +"

/* ---- the planted apps ---------------------------------------------------------------
 * A copy of the reference polls app (views, URLs, admin) built on your models, keg and
 * vial with pages.h's templates, and a switch: `planted` picks one bug of pages.h's list
 * (PLANTED_NONE: the app as it should be). Your polls_tests run against each. Your own
 * views are never part of it, so a bug is planted the same way whatever they do. */

static enum planted planted;

static int bug(enum planted b)
{
    return planted == b;
}

static void planted_qs_free(keg_qs **qs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        keg_qs_free(qs[i]);
}

/* The question of the URL into q, published ones only when `published`. 0, 404, 500. */
static int planted_question(vial_request *req, int published, struct question *q)
{
    keg_qs *qs[3];
    qs[0] = keg_qs_all(&polls_question);
    qs[1] = keg_qs_filter(qs[0], "pk", keg_int(vial_view_arg_int(req, "question_id", 0)));
    qs[2] = published ? keg_qs_filter(qs[1], "pub_date__lte", keg_int(time(NULL))) : NULL;
    int rc = keg_qs_get(keg_request_db(req), published ? qs[2] : qs[1], q);
    planted_qs_free(qs, 3);
    return rc == 0 ? 0 : rc == KEG_ENOTFOUND ? 404 : 500;
}

/* Renders `page` with the question and its choices (votes when `votes`) in ctx. */
static int planted_render(vial_request *req, vial_response *res, const char *page,
                          const struct question *q, int votes, vial_ctx *ctx)
{
    keg_list list = { 0 };
    keg_qs *qs[2];
    qs[0] = keg_related(q, "choice_set");
    qs[1] = keg_qs_order_by(qs[0], "id");
    int rc = ctx != NULL ? keg_qs_fetch(keg_request_db(req), qs[1], &list) : -1;
    planted_qs_free(qs, 2);
    if (rc != 0) {
        keg_list_free(&list);
        return 500;
    }
    vial_ctx_set_int(ctx, "question_id", q->id);
    if (bug(PLANTED_UNESCAPED))
        vial_ctx_set_safe(ctx, "question_text", q->question_text);
    else
        vial_ctx_set(ctx, "question_text", q->question_text);
    for (size_t i = 0; i < list.len; i++) {
        const struct choice *c = list.items[i];
        vial_ctx *item = vial_ctx_list_add(ctx, "choices");
        vial_ctx_set_int(item, "id", c->id);
        vial_ctx_set(item, "choice_text", c->choice_text);
        if (votes)
            vial_ctx_set_int(item, "votes", c->votes);
    }
    keg_list_free(&list);
    return vial_render(res, req->app, page, ctx);
}

static int planted_index(vial_request *req, vial_response *res)
{
    static const char empty[] = "<ul>\n</ul>\n";
    keg_qs *qs[4];
    keg_list list = { 0 };
    qs[0] = keg_qs_all(&polls_question);
    qs[1] = keg_qs_filter(qs[0], "pub_date__lte", keg_int(time(NULL)));
    qs[2] = keg_qs_order_by(bug(PLANTED_FUTURE) ? qs[0] : qs[1], "-pub_date");
    qs[3] = keg_qs_slice(qs[2], 0, POLLS_LATEST);
    int rc = keg_qs_fetch(keg_request_db(req), qs[3], &list);
    planted_qs_free(qs, 4);
    vial_ctx *ctx = vial_ctx_new();
    for (size_t i = 0; rc == 0 && ctx != NULL && !bug(PLANTED_UNLISTED) && i < list.len; i++) {
        const struct question *q = list.items[i];
        vial_ctx *item = vial_ctx_list_add(ctx, "latest_question_list");
        vial_ctx_set_int(item, "id", q->id);
        vial_ctx_set(item, "question_text", q->question_text);
    }
    if (rc == 0 && ctx != NULL && bug(PLANTED_EMPTY) && list.len == 0)
        rc = vial_response_set_body(res, empty, sizeof empty - 1);
    else if (rc == 0 && ctx != NULL)
        rc = vial_render(res, req->app, "polls/index.html", ctx);
    keg_list_free(&list);
    vial_ctx_free(ctx);
    return rc == 0 ? 0 : 500;
}

static int planted_show_detail(vial_request *req, vial_response *res,
                               const struct question *q, const char *error_message)
{
    vial_ctx *ctx = vial_ctx_new();
    const char *token = keg_csrf_token(req);
    if (ctx != NULL && token != NULL)
        vial_ctx_set(ctx, "csrf_token", token);
    if (ctx != NULL && error_message != NULL)
        vial_ctx_set(ctx, "error_message", error_message);
    int rc = planted_render(req, res, "polls/detail.html", q, 0, ctx);
    vial_ctx_free(ctx);
    return rc;
}

static int planted_page(vial_request *req, vial_response *res, int results)
{
    struct question q;
    if (keg_obj_init(&q, &polls_question) != 0)
        return 500;
    int rc = planted_question(req, !bug(PLANTED_FUTURE_DETAIL), &q);
    if (rc == 0 && !results)
        rc = planted_show_detail(req, res, &q, NULL);
    else if (rc == 0) {
        vial_ctx *ctx = vial_ctx_new();
        rc = planted_render(req, res, "polls/results.html", &q, 1, ctx);
        vial_ctx_free(ctx);
    }
    keg_obj_clear(&q);
    return rc;
}

static int planted_detail(vial_request *req, vial_response *res)
{
    return planted_page(req, res, 0);
}

static int planted_results(vial_request *req, vial_response *res)
{
    return planted_page(req, res, 1);
}

/* The choice id posted, or 0 when there is none that could be one. */
static long long planted_choice(vial_request *req)
{
    if (req->form.len == 0)
        vial_request_parse_form(req);
    const char *s = vial_pairs_get(&req->form, "choice");
    size_t n = s != NULL ? strspn(s, "0123456789") : 0;
    return n == 0 || s[n] != '\0' || n > 18 ? 0 : strtoll(s, NULL, 10);
}

/* A 302 to the question's page `endpoint`. */
static int planted_redirect(vial_request *req, vial_response *res, const char *endpoint)
{
    char *url = vial_url_for(req->app, endpoint, "question_id",
                             vial_view_arg(req, "question_id"), NULL);
    int rc = url != NULL && vial_redirect(res, url, 302) == 0 ? 0 : 500;
    free(url);
    return rc;
}

/* Counts the vote of choice cid of q: 1 when counted, 0 when cid is none of q's, <0. */
static int planted_count(vial_request *req, const struct question *q, long long cid)
{
    keg_qs *qs[2];
    qs[0] = keg_related(q, "choice_set");
    qs[1] = keg_qs_filter(qs[0], "pk", keg_int(cid));
    int add = bug(PLANTED_UNCOUNTED) ? 0 : bug(PLANTED_TWICE) ? 2 : 1;
    int n = keg_qs_update(keg_request_db(req), bug(PLANTED_EVERY_CHOICE) ? qs[0] : qs[1],
                          "votes", keg_f_add("votes", add));
    planted_qs_free(qs, 2);
    return n < 0 ? n : n > 0;
}

static int planted_vote(vial_request *req, vial_response *res)
{
    struct question q;
    if (keg_obj_init(&q, &polls_question) != 0)
        return 500;
    int rc = planted_question(req, 0, &q);
    long long cid = rc == 0 ? planted_choice(req) : 0;
    int counted = rc == 0 && cid > 0 ? planted_count(req, &q, cid) : 0;
    if (rc == 0 && counted < 0)
        rc = 500;
    else if (rc == 0 && counted == 0 && bug(PLANTED_NO_CHOICE))
        rc = planted_redirect(req, res, "polls.results");
    else if (rc == 0 && counted == 0)
        rc = planted_show_detail(req, res, &q, bug(PLANTED_NO_ERROR) ? NULL : POLLS_NO_CHOICE);
    else if (rc == 0 && bug(PLANTED_NO_REDIRECT)) {
        vial_ctx *ctx = vial_ctx_new();
        rc = planted_render(req, res, "polls/results.html", &q, 1, ctx);
        vial_ctx_free(ctx);
    } else if (rc == 0)
        rc = planted_redirect(req, res, bug(PLANTED_WRONG_REDIRECT) ? "polls.detail"
                                                                    : "polls.results");
    keg_obj_clear(&q);
    return rc;
}

/* Before the middleware: a vote posted without a token gets one, the cookie's secret (a
 * made-up one when the browser has none), so the CSRF check lets it through. */
static int planted_csrf_exempt(vial_request *req, vial_response *res)
{
    static const char secret[] = "plantedplantedplantedplantedplan";
    (void)res;
    if (strcmp(req->method, "POST") != 0 || req->endpoint == NULL
        || strcmp(req->endpoint, "polls.vote") != 0)
        return 0;
    if (req->form.len == 0)
        vial_request_parse_form(req);
    if (vial_pairs_get(&req->form, "csrfmiddlewaretoken") != NULL)
        return 0;
    const char *cookie = vial_request_cookie(req, "csrftoken");
    if (cookie == NULL && vial_pairs_adds(&req->cookies, "csrftoken", secret) != 0)
        return 500;
    cookie = vial_request_cookie(req, "csrftoken");
    return vial_pairs_adds(&req->form, "csrfmiddlewaretoken", cookie) == 0 ? 0 : 500;
}

static const char *const planted_display[] = { "question_text", "pub_date", NULL };
static const char *const planted_filter[] = { "pub_date", NULL };
static const char *const planted_search[] = { "question_text", NULL };
static const struct keg_admin_options planted_admin = {
    .list_display = planted_display,
    .list_filter = planted_filter,
    .search_fields = planted_search,
};

/* The planted app on db, as polls_app_new makes it; NULL when a step failed. */
static vial_app *planted_app(keg_db *db)
{
    static const struct {
        const char *methods, *rule, *endpoint;
        vial_view view;
    } urls[] = {
        { "GET", "/", "index", planted_index },
        { "GET", "/<int:question_id>/", "detail", planted_detail },
        { "GET", "/<int:question_id>/results/", "results", planted_results },
        { "POST", "/<int:question_id>/vote/", "vote", planted_vote },
    };
    static const struct keg_settings settings = { .secret_key = "polls",
                                                  .password_iterations = 1000 };
    vial_app *app = vial_app_new("polls");
    vial_blueprint *bp = vial_blueprint_new("polls", "/polls");
    keg_site *site = app != NULL ? keg_site_new(app, db, &settings) : NULL;
    int rc = site != NULL && bp != NULL ? polls_register() : -1;
    for (size_t i = 0; rc == 0 && i < sizeof urls / sizeof urls[0]; i++)
        rc = vial_blueprint_route(bp, urls[i].methods, urls[i].rule, urls[i].endpoint,
                                  urls[i].view);
    if (rc == 0)
        rc = vial_app_register_blueprint(app, bp);
    else
        vial_blueprint_free(bp);
    if (rc == 0 && bug(PLANTED_NO_CSRF))
        rc = vial_app_before_request(app, planted_csrf_exempt);
    if (rc == 0)
        rc = keg_site_atomic_requests(site);
    if (rc == 0)
        rc = keg_middleware_install(site);
    if (rc == 0)
        rc = keg_admin_register(site, &polls_question, &planted_admin);
    if (rc == 0)
        rc = keg_admin_register(site, &polls_choice, NULL);
    if (rc == 0)
        rc = keg_admin_install(site, "/admin");
    if (rc == 0)
        rc = keg_templates_install(site);
    if (rc == 0)
        rc = vial_template_add_filter(app, "pluralize", pages_pluralize, NULL);
    if (rc == 0)
        rc = vial_app_add_template(app, "polls/index.html", pages_index_html);
    if (rc == 0)
        rc = vial_app_add_template(app, "polls/detail.html", pages_detail_html);
    if (rc == 0)
        rc = vial_app_add_template(app, "polls/results.html", pages_results_html);
    if (rc != 0) {
        keg_site_free(site);
        vial_app_free(app);
        return NULL;
    }
    return app;
}

/* "app F" (your tests on your app), then "NAME F" for the planted app without a bug
 * and with each bug, F being polls_tests' result. */
static void driver_tests(struct wire_buf *out)
{
    char line[64];
    printf("# your tests on your app\n");
    fflush(stdout);
    snprintf(line, sizeof line, "app %d\n", polls_tests(polls_app_new));
    wire_buf_str(out, line);
    for (int i = 0; i < PLANTED_COUNT; i++) {
        planted = (enum planted)i;
        printf("# your tests on the planted app: %s\n", planted_bugs[i].what);
        fflush(stdout);
        snprintf(line, sizeof line, "%s %d\n", planted_bugs[i].name, polls_tests(planted_app));
        wire_buf_str(out, line);
    }
}

/* ---- serving -------------------------------------------------------------------- */

struct web {
    vial_app *app;
    keg_db *db, *ctl;           /* the app's connection, and the data's */
    vial_server *srv;
    struct wire_buf schema;
};

static void schema_line(struct web *w, const char *key, const char *value)
{
    wire_buf_str(&w->schema, key);
    wire_buf_str(&w->schema, value != NULL ? value : "(NULL)");
    wire_buf_str(&w->schema, "\n");
}

/* Models, migration, database: what "schema" reports. */
static void driver_migrate(struct web *w)
{
    char *written = NULL, *err = NULL, num[32];
    mkdir("migrations", 0700);
    remove("migrations/0001_initial.mig");
    remove("polls.db");
    int rc = polls_register();
    snprintf(num, sizeof num, "%d", rc);
    schema_line(w, "polls_register: ", num);
    rc = keg_makemigrations("migrations", "polls", &written, &err);
    schema_line(w, "makemigrations wrote: ", rc == 1 ? written : err != NULL ? err : "nothing");
    free(written);
    free(err);
    err = NULL;
    w->db = keg_db_open("polls.db", NULL);
    rc = w->db != NULL ? keg_migrate(w->db, "migrations", "polls", &err) : KEG_ERROR;
    snprintf(num, sizeof num, "%d", rc);
    schema_line(w, "migrate applied: ", rc >= 0 ? num : err != NULL ? err : num);
    free(err);
    const keg_model *models[] = { &polls_question, &polls_choice };
    for (size_t i = 0; i < 2; i++) {
        char *sql = keg_model_create_sql(models[i]);
        schema_line(w, "", sql);
        free(sql);
    }
}

/* Answers "PORT" or "-1 why". */
static void driver_serve(struct web *w, struct wire_buf *out)
{
    struct vial_server_options opt = { .host = "127.0.0.1", .port = 0, .threads = 8 };
    char *cause = NULL, line[32];
    driver_migrate(w);
    w->ctl = keg_db_open("polls.db", NULL);
    w->app = w->db != NULL && w->ctl != NULL ? polls_app_new(w->db) : NULL;
    w->srv = w->app != NULL ? vial_server_start(w->app, &opt, &cause) : NULL;
    snprintf(line, sizeof line, "%d ", w->srv != NULL ? vial_server_port(w->srv) : -1);
    wire_buf_str(out, line);
    wire_buf_str(out, w->app == NULL ? "polls_app_new returned NULL" : cause ? cause : "");
    free(cause);
    sqlcount_reset();
    sqlcount_watch(VOTES_NEEDLE);
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

static void driver_frame(void *state, const char *name, char *data, size_t len,
                         struct wire_buf *out, const char **reply)
{
    struct web *w = state;
    char line[64];
    (void)len;
    (void)reply;
    if (strcmp(name, "serve") == 0 && w->app == NULL && w->db == NULL)
        driver_serve(w, out);
    else if (strcmp(name, "schema") == 0)
        wire_buf_add(out, w->schema.data, w->schema.len);
    else if (strcmp(name, "exec") == 0) {
        snprintf(line, sizeof line, "%d", w->ctl ? keg_db_exec(w->ctl, data, NULL, 0) : -99);
        wire_buf_str(out, line);
    } else if (strcmp(name, "text") == 0)
        driver_text(w->ctl, data, out);
    else if (strcmp(name, "count") == 0) {
        snprintf(line, sizeof line, "%ld %ld", sqlcount_get(), sqlcount.watch_hits);
        wire_buf_str(out, line);
        sqlcount_reset();
        sqlcount_watch(data[0] != '\0' ? data : VOTES_NEEDLE);
    } else if (strcmp(name, "tests") == 0)
        driver_tests(out);
    else if (strcmp(name, "stop") == 0) {
        vial_server_stop(w->srv);
        w->srv = NULL;
        wire_buf_str(out, "stopped");
    }
    else
        wire_buf_str(out, "unknown frame");
}

int main(void)
{
    struct web w = { 0 };
    wire_serve_frames(driver_frame, &w);
    vial_server_stop(w.srv);
    polls_app_free(w.app);
    keg_db_close(w.db);
    keg_db_close(w.ctl);
    wire_buf_free(&w.schema);
    remove("polls.db");
    return 0;
}
