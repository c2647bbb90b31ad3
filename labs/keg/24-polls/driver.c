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
 *   "count"        "N H": statements run since the last "count", and how many of them
 *                  held `"votes" +` in their SQL text (the F() of the vote)
 *   "tests"        runs your polls_tests against your app, then against three copies
 *                  of it with a planted bug; "app F" then one line per bug, F being
 *                  polls_tests' result
 *   "stop"         stops serving */
#include "sqlcount.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "polls.h"
#include "wire.h"

#define VOTES_NEEDLE "\"votes\" +"

/* ---- the planted bugs ---------------------------------------------------------------
 * Each is your app plus a before-request hook that breaks one behaviour lab 24 asks
 * your tests to check. */

static int planted;     /* the bug apps made by planted_app get: an index of bugs[] */

static int endpoint_is(const vial_request *req, const char *endpoint)
{
    return req->endpoint != NULL && strcmp(req->endpoint, endpoint) == 0;
}

/* A 302 to the question's results, as a vote that worked answers. */
static int redirect_results(vial_request *req, vial_response *res)
{
    const char *id = vial_view_arg(req, "question_id");
    char *url = vial_url_for(req->app, "polls.results", "question_id", id ? id : "0", NULL);
    int rc = url != NULL && vial_redirect(res, url, 302) == 0 ? 302 : 500;
    free(url);
    return rc;
}

/* Questions dated in the future are shown: they are dated one second ago first. */
static int bug_future(vial_request *req, vial_response *res)
{
    char now[20], before[20];
    (void)res;
    if (!endpoint_is(req, "polls.index") && !endpoint_is(req, "polls.detail")
        && !endpoint_is(req, "polls.results"))
        return 0;
    long long t = (long long)time(NULL);
    keg_datetime_format(t, now);
    keg_datetime_format(t - 1, before);
    keg_value v[] = { keg_text(before), keg_text(now) };
    keg_db_exec(keg_request_db(req), "UPDATE \"polls_question\" SET \"pub_date\" = ? "
                "WHERE \"pub_date\" > ?", v, 2);
    return 0;
}

/* The vote is not counted: the redirect comes, the UPDATE never runs. */
static int bug_uncounted(vial_request *req, vial_response *res)
{
    return endpoint_is(req, "polls.vote") ? redirect_results(req, res) : 0;
}

/* A vote without a choice is taken as done: the redirect instead of the message. */
static int bug_no_choice(vial_request *req, vial_response *res)
{
    if (!endpoint_is(req, "polls.vote"))
        return 0;
    if (req->form.len == 0)
        vial_request_parse_form(req);
    const char *c = vial_pairs_get(&req->form, "choice");
    return c == NULL || c[0] == '\0' ? redirect_results(req, res) : 0;
}

static const struct {
    const char *name;
    vial_hook hook;
} bugs[] = {
    { "future", bug_future },
    { "uncounted", bug_uncounted },
    { "nochoice", bug_no_choice },
};

static vial_app *planted_app(keg_db *db)
{
    vial_app *app = polls_app_new(db);
    if (app != NULL && vial_app_before_request(app, bugs[planted].hook) != 0) {
        polls_app_free(app);
        return NULL;
    }
    return app;
}

static void driver_tests(struct wire_buf *out)
{
    char line[64];
    snprintf(line, sizeof line, "app %d\n", polls_tests(polls_app_new));
    wire_buf_str(out, line);
    for (size_t i = 0; i < sizeof bugs / sizeof bugs[0]; i++) {
        planted = (int)i;
        printf("# your tests with the planted bug \"%s\"\n", bugs[i].name);
        fflush(stdout);
        snprintf(line, sizeof line, "%s %d\n", bugs[i].name, polls_tests(planted_app));
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
        sqlcount_watch(VOTES_NEEDLE);
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
