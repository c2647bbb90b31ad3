/* checker.c -- lab 24's hidden tests: the polls app served over real HTTP (8 threads)
 * and driven by libcurl with cookie jars, as browsers would. The models and their
 * migration; the index (five newest published questions), the detail and results pages
 * byte for byte as the reference keg and vial render the given templates (random texts,
 * HTML in them escaped), 404 for a future or missing question, the results page in at
 * most RESULTS_MAX statements; the vote (F() in the database, CSRF, a redirect after the
 * POST, the form again without a valid choice); exact counts under 8 concurrent
 * clients; both models in the admin (a superuser's login, a search); and your own
 * tests, which must pass on your app and on the driver's planted app without a bug, and
 * fail on it with each bug of pages.h planted. The browsers, stories and scraping are the
 * kit's (httpcheck.h). Texts, ids, dates and votes come from the seed. Run as
 * `checker SEED`. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

#include "keg.h"
#include "tap.h"
#include "wire.h"
#include "httpcheck.h"
#include "refserver.h"
#include "pages.h"

#define RESULTS_MAX 3           /* statements the results page may run, whatever its size */
#define CLIENTS 8               /* concurrent voters */
#define CHOICES_MAX 8

static struct wire_rng rng;
static struct wire_peer peer;
static int port;
static vial_app *want_app;      /* the reference's rendering of the pages */
static const char lower[] = "abcdefghijklmnopqrstuvwxyz";

/* A question as the checker put it in the database. */
struct wq {
    long long id, when;
    char text[160];
    int n;
    long long cid[CHOICES_MAX];
    char ctext[CHOICES_MAX][120];
    long long votes[CHOICES_MAX];
};

/* The driver's answer to a frame (caller frees; a message when it is gone). */
static char *ask(const char *frame, const char *arg)
{
    char *ans = NULL;
    size_t alen = 0;
    if (wire_call(&peer, frame, arg, strlen(arg), &ans, &alen) < 0)
        return strdup("(the program stopped answering)");
    return ans;
}

/* ---- requests ---------------------------------------------------------------------- */

/* "METHOD TARGET -> STATUS [Location: L]" and the body when want_body is not NULL, got
 * and wanted, into the story; the body got is copied to body_out[cap] when not NULL. */
static void step(struct hc_story *st, struct hc_browser *b, const char *method,
                 const char *target, const char *form, long want_status,
                 const char *want_location, const char *want_body, char *body_out,
                 size_t cap)
{
    struct hc_reply rep;
    char loc[600], line[1400], wline[1400];
    hc_browser_send(b, method, target, form, NULL, &st->log, &rep);
    const char *body = rep.body.data ? rep.body.data : "";
    const char *l = hc_find_header(rep.headers.data ? rep.headers.data : "", "Location", loc,
                                   sizeof loc);
    snprintf(line, sizeof line, "%s %s -> %ld%s%s", method, target, rep.status,
             want_location != NULL ? " Location: " : "", want_location != NULL && l ? l : "");
    snprintf(wline, sizeof wline, "%s %s -> %ld%s%s", method, target, want_status,
             want_location != NULL ? " Location: " : "", want_location ? want_location : "");
    hc_fact(st, line, wline);
    if (want_body != NULL)
        hc_fact(st, body, want_body);
    if (body_out != NULL)
        snprintf(body_out, cap, "%s", body);
    hc_reply_free(&rep);
}

/* ---- the pages as the reference renders them --------------------------------------- */

static int want_view(vial_request *req, vial_response *res)
{
    (void)req, (void)res;
    return 500;
}

/* The reference's app for {% url %}: the same routes in the namespace polls. */
static int want_setup(void)
{
    static const char *const rules[][2] = {
        { "/", "index" }, { "/<int:question_id>/", "detail" },
        { "/<int:question_id>/results/", "results" }, { "/<int:question_id>/vote/", "vote" },
    };
    want_app = vial_app_new("want");
    vial_blueprint *bp = vial_blueprint_new("polls", "/polls");
    keg_site *site = want_app != NULL ? keg_site_new(want_app, NULL, NULL) : NULL;
    if (site == NULL || bp == NULL)
        return -1;
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
        vial_blueprint_route(bp, "GET,POST", rules[i][0], rules[i][1], want_view);
    if (vial_app_register_blueprint(want_app, bp) != 0 || keg_templates_install(site) != 0
        || vial_template_add_filter(want_app, "pluralize", pages_pluralize, NULL) != 0
        || vial_app_add_template(want_app, "polls/index.html", pages_index_html) != 0
        || vial_app_add_template(want_app, "polls/detail.html", pages_detail_html) != 0
        || vial_app_add_template(want_app, "polls/results.html", pages_results_html) != 0)
        return -1;
    return 0;
}

/* Renders template `name` with ctx (consumed) into a string the caller frees. */
static char *want_render(const char *name, vial_ctx *ctx)
{
    vial_response res;
    vial_response_init(&res);
    int rc = vial_render(&res, want_app, name, ctx);
    char *out = rc == 0 && res.body != NULL ? strndup(res.body, res.body_len)
                                            : strdup("(the reference failed to render)");
    vial_response_free(&res);
    vial_ctx_free(ctx);
    return out;
}

static char *want_index(struct wq **qs, size_t n)
{
    vial_ctx *ctx = vial_ctx_new();
    for (size_t i = 0; i < n; i++) {
        vial_ctx *item = vial_ctx_list_add(ctx, "latest_question_list");
        vial_ctx_set_int(item, "id", qs[i]->id);
        vial_ctx_set(item, "question_text", qs[i]->text);
    }
    return want_render("polls/index.html", ctx);
}

/* The detail page (token from the page got; error NULL for none) or the results page. */
static char *want_question(const struct wq *q, int results, const char *token,
                           const char *error)
{
    vial_ctx *ctx = vial_ctx_new();
    vial_ctx_set_int(ctx, "question_id", q->id);
    vial_ctx_set(ctx, "question_text", q->text);
    if (token != NULL)
        vial_ctx_set(ctx, "csrf_token", token);
    if (error != NULL)
        vial_ctx_set(ctx, "error_message", error);
    for (int i = 0; i < q->n; i++) {
        vial_ctx *item = vial_ctx_list_add(ctx, "choices");
        vial_ctx_set_int(item, "id", q->cid[i]);
        vial_ctx_set(item, "choice_text", q->ctext[i]);
        vial_ctx_set_int(item, "votes", q->votes[i]);
    }
    return want_render(results ? "polls/results.html" : "polls/detail.html", ctx);
}

/* ---- data ------------------------------------------------------------------------- */

/* A random text: words, and often HTML and quotes that must come out escaped. */
static void rand_text(char *out, size_t cap)
{
    static const char *const html[] = {
        "<script>alert('%s')</script>", "\"%s\" & <b>%s</b>", "%s's <img src=x onerror=1>",
        "%s?", "%s & co", "<i>%s</i>",
    };
    char w[12];
    wire_rng_word(&rng, w, lower, sizeof lower - 1, 3, 9);
    w[0] = (char)(w[0] - 'a' + 'A');
    snprintf(out, cap, html[wire_rng_below(&rng, 6)], w, w);
    size_t n = strlen(out);
    wire_rng_word(&rng, w, lower, sizeof lower - 1, 2, 8);
    snprintf(out + n, cap - n, " %s", w);
}

/* s with each ' doubled, for an SQL literal. */
static void sql_quote(char *out, size_t cap, const char *s)
{
    size_t n = 0;
    for (; *s != '\0' && n + 3 < cap; s++) {
        if (*s == '\'')
            out[n++] = '\'';
        out[n++] = *s;
    }
    out[n] = '\0';
}

static void exec_sql(const char *sql)
{
    free(ask("exec", sql));
}

static void clear_data(void)
{
    exec_sql("DELETE FROM \"polls_choice\"");
    exec_sql("DELETE FROM \"polls_question\"");
}

static long long next_id;       /* ids grow by random steps */

/* A question `hours` from now with n choices (votes random when `votes`), stored. */
static void make_question(struct wq *q, long long hours, int n, int votes)
{
    char when[20], text[400], sql[1200];
    memset(q, 0, sizeof *q);
    next_id += 1 + (long long)wire_rng_below(&rng, 5);
    q->id = next_id;
    q->when = (long long)time(NULL) + hours * 3600 + (long long)wire_rng_below(&rng, 60);
    rand_text(q->text, sizeof q->text);
    keg_datetime_format(q->when, when);
    sql_quote(text, sizeof text, q->text);
    snprintf(sql, sizeof sql, "INSERT INTO \"polls_question\" (\"id\", \"question_text\", "
             "\"pub_date\") VALUES (%lld, '%s', '%s')", q->id, text, when);
    exec_sql(sql);
    q->n = n;
    for (int i = 0; i < n; i++) {
        next_id += 1 + (long long)wire_rng_below(&rng, 3);
        q->cid[i] = next_id;
        q->votes[i] = votes ? (long long)wire_rng_below(&rng, 25) : 0;
        rand_text(q->ctext[i], sizeof q->ctext[i]);
        sql_quote(text, sizeof text, q->ctext[i]);
        snprintf(sql, sizeof sql, "INSERT INTO \"polls_choice\" (\"id\", \"question_id\", "
                 "\"choice_text\", \"votes\") VALUES (%lld, %lld, '%s', %lld)", q->cid[i],
                 q->id, text, q->votes[i]);
        exec_sql(sql);
    }
}

/* The votes of q's choices in the database, by id, "a,b,c", got and wanted. */
static void votes_fact(struct hc_story *st, const struct wq *q)
{
    char sql[300], want[300] = "", label[64];
    snprintf(sql, sizeof sql, "SELECT group_concat(\"votes\", ',') FROM (SELECT \"votes\" FROM "
             "\"polls_choice\" WHERE \"question_id\" = %lld ORDER BY \"id\")", q->id);
    char *got = ask("text", sql);
    for (int i = 0; i < q->n; i++) {
        size_t n = strlen(want);
        snprintf(want + n, sizeof want - n, "%s%lld", i ? "," : "", q->votes[i]);
    }
    size_t n = strlen(want);
    snprintf(want + n, sizeof want - n, "\n");
    snprintf(label, sizeof label, "votes of question %lld in the database", q->id);
    hc_fact(st, label, label);
    hc_fact(st, got, want);
    free(got);
}

/* ---- the tests ---------------------------------------------------------------------- */

static void t_schema(const char *name)
{
    struct want_question { keg_obj obj; long long id; char *question_text; long long pub_date; };
    struct want_choice {
        keg_obj obj; long long id; char *choice_text; long long votes; long long question_id;
    };
    static const keg_field qf[] = {
        KEG_FIELD(struct want_question, id, KEG_AUTO),
        KEG_FIELD(struct want_question, question_text, KEG_CHAR, .max_length = 200),
        KEG_FIELD(struct want_question, pub_date, KEG_DATETIME),
    };
    static const keg_model question = KEG_MODEL(polls, question, struct want_question, qf);
    static const keg_field cf[] = {
        KEG_FIELD(struct want_choice, id, KEG_AUTO),
        KEG_FIELD(struct want_choice, choice_text, KEG_CHAR, .max_length = 200),
        KEG_FIELD(struct want_choice, votes, KEG_INTEGER, .flags = KEG_DEFAULT),
        KEG_FK_FIELD(struct want_choice, question, question, KEG_CASCADE),
    };
    static const keg_model choice = KEG_MODEL(polls, choice, struct want_choice, cf);
    struct hc_story st = { 0 };
    char *qsql = keg_model_create_sql(&question), *csql = keg_model_create_sql(&choice);
    char want[1200];
    snprintf(want, sizeof want, "polls_register: 0\nmakemigrations wrote: 0001_initial.mig\n"
             "migrate applied: 1\n%s\n%s\n", qsql, csql);
    char *got = ask("schema", "");
    hc_fact(&st, got, want);
    free(got);
    free(qsql);
    free(csql);
    hc_story_end(&st, name);
}

static int newer_first(const void *a, const void *b)
{
    const struct wq *x = *(const struct wq *const *)a, *y = *(const struct wq *const *)b;
    return x->when < y->when ? 1 : x->when > y->when ? -1 : 0;
}

static void t_index(const char *name)
{
    struct hc_story st = { 0 };
    struct hc_browser b;
    struct wq qs[10], *shown[10];
    size_t past = 6 + (size_t)wire_rng_below(&rng, 3), n = past + 1 + wire_rng_below(&rng, 2);
    long long hours[10];
    hc_browser_new(&b, port);
    clear_data();
    char *want = want_index(NULL, 0);
    step(&st, &b, "GET", "/polls/", NULL, 200, NULL, want, NULL, 0);
    free(want);
    for (size_t i = 0; i < n; i++) {    /* distinct hours: past ones -1..-400, then future */
        int again = 1;
        while (again) {
            hours[i] = i < past ? -1 - (long long)wire_rng_below(&rng, 400)
                                : 1 + (long long)wire_rng_below(&rng, 400);
            again = 0;
            for (size_t j = 0; j < i; j++)
                again |= hours[j] == hours[i];
        }
    }
    for (size_t i = 0; i < n; i++) {    /* stored in a random order of dates */
        size_t k = i + (size_t)wire_rng_below(&rng, n - i);
        long long t = hours[k];
        hours[k] = hours[i];
        hours[i] = t;
        make_question(&qs[i], hours[i], 0, 0);
    }
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (hours[i] < 0)
            shown[m++] = &qs[i];
    qsort(shown, m, sizeof shown[0], newer_first);
    want = want_index(shown, m < 5 ? m : 5);
    step(&st, &b, "GET", "/polls/", NULL, 200, NULL, want, NULL, 0);
    free(want);
    hc_browser_free(&b);
    hc_story_end(&st, name);
}

static void t_detail(const char *name)
{
    struct hc_story st = { 0 };
    struct hc_browser b;
    struct wq q, later;
    char target[64], body[HC_CAP], token[100];
    hc_browser_new(&b, port);
    clear_data();
    make_question(&q, -1 - (long long)wire_rng_below(&rng, 100),
                  2 + (int)wire_rng_below(&rng, 4), 0);
    make_question(&later, 1 + (long long)wire_rng_below(&rng, 100), 2, 0);
    snprintf(target, sizeof target, "/polls/%lld/", q.id);
    struct hc_reply rep;
    free(ask("count", "BEGIN"));
    hc_browser_send(&b, "GET", target, NULL, NULL, &st.log, &rep);
    char *count = ask("count", "");
    const char *sp = strchr(count, ' ');
    hc_fact(&st, sp != NULL && strtol(sp + 1, NULL, 10) >= 1 ? "the request ran in a "
         "transaction (BEGIN)" : "no BEGIN: the request ran outside a transaction",
         "the request ran in a transaction (BEGIN)");
    free(count);
    hc_scrape(rep.body.data, HC_CSRF_FIELD, "\"", token, sizeof token);
    snprintf(body, sizeof body, "%s", rep.body.data ? rep.body.data : "");
    hc_reply_free(&rep);
    char *want = want_question(&q, 0, token, NULL);
    hc_fact(&st, "GET the detail page of a published question", "GET the detail page of a "
         "published question");
    hc_fact(&st, body, want);
    free(want);
    hc_fact(&st, strlen(token) == KEG_CSRF_TOKEN_LEN ? "a CSRF token of 64 characters"
         : token, "a CSRF token of 64 characters");
    snprintf(target, sizeof target, "/polls/%lld/", later.id);
    step(&st, &b, "GET", target, NULL, 404, NULL, NULL, NULL, 0);
    long long missing = later.cid[1] + 1 + (long long)wire_rng_below(&rng, 50);
    snprintf(target, sizeof target, "/polls/%lld/", missing);
    step(&st, &b, "GET", target, NULL, 404, NULL, NULL, NULL, 0);
    hc_browser_free(&b);
    hc_story_end(&st, name);
}

static void t_results(const char *name)
{
    struct hc_story st = { 0 };
    struct hc_browser b;
    struct wq q, later;
    char target[64], label[80], stmts[80];
    hc_browser_new(&b, port);
    clear_data();
    make_question(&q, -1 - (long long)wire_rng_below(&rng, 100), CHOICES_MAX, 1);
    make_question(&later, 1 + (long long)wire_rng_below(&rng, 100), 2, 1);
    free(ask("count", ""));
    snprintf(target, sizeof target, "/polls/%lld/results/", q.id);
    char *want = want_question(&q, 1, NULL, NULL);
    step(&st, &b, "GET", target, NULL, 200, NULL, want, NULL, 0);
    free(want);
    char *count = ask("count", "");
    long n = strtol(count, NULL, 10);
    free(count);
    snprintf(label, sizeof label, "statements of the results page with %d choices", CHOICES_MAX);
    hc_fact(&st, label, label);
    snprintf(stmts, sizeof stmts, "at most %d", RESULTS_MAX);
    snprintf(label, sizeof label, "%ld", n);
    hc_fact(&st, n <= RESULTS_MAX ? stmts : label, stmts);
    snprintf(target, sizeof target, "/polls/%lld/results/", later.id);
    step(&st, &b, "GET", target, NULL, 404, NULL, NULL, NULL, 0);
    hc_browser_free(&b);
    hc_story_end(&st, name);
}

/* POST a vote form to question id's vote URL: the token (unless NULL) and `rest`. */
static void post_vote(struct hc_story *st, struct hc_browser *b, long long id,
                      const char *token, const char *rest, long want_status,
                      const char *want_location, const char *want_body, char *body_out,
                      size_t cap)
{
    char target[64], form[300];
    snprintf(target, sizeof target, "/polls/%lld/vote/", id);
    snprintf(form, sizeof form, "%s%s%s%s", token ? "csrfmiddlewaretoken=" : "",
             token ? token : "", token && rest[0] ? "&" : "", rest);
    step(st, b, "POST", target, form, want_status, want_location, want_body, body_out, cap);
}

/* A vote without a valid choice: the detail page again with the message, its token
 * taken from the page got. */
static void refused_vote(struct hc_story *st, struct hc_browser *b, const struct wq *q,
                         const char *token, const char *rest)
{
    char target[64], form[300], tok[100];
    struct hc_reply rep;
    snprintf(target, sizeof target, "/polls/%lld/vote/", q->id);
    snprintf(form, sizeof form, "csrfmiddlewaretoken=%s%s%s", token, rest[0] ? "&" : "", rest);
    hc_browser_send(b, "POST", target, form, NULL, &st->log, &rep);
    hc_scrape(rep.body.data, HC_CSRF_FIELD, "\"", tok, sizeof tok);
    char *want = want_question(q, 0, tok, "You didn't select a choice.");
    char line[400];
    snprintf(line, sizeof line, "POST %s (%s) -> %ld", target, rest, rep.status);
    wire_buf_str(&st->got, line);
    wire_buf_str(&st->got, "\n");
    wire_buf_str(&st->got, rep.body.data ? rep.body.data : "");
    wire_buf_str(&st->got, "\n");
    snprintf(line, sizeof line, "POST %s (%s) -> 200", target, rest);
    wire_buf_str(&st->want, line);
    wire_buf_str(&st->want, "\n");
    wire_buf_str(&st->want, want);
    wire_buf_str(&st->want, "\n");
    free(want);
    hc_reply_free(&rep);
}

static void t_vote(const char *name)
{
    struct hc_story st = { 0 };
    struct hc_browser b;
    struct wq q, other;
    char target[64], token[100], body[HC_CAP], rest[64], loc[64];
    hc_browser_new(&b, port);
    clear_data();
    make_question(&q, -1 - (long long)wire_rng_below(&rng, 100), 3, 0);
    make_question(&other, -1 - (long long)wire_rng_below(&rng, 100), 1, 0);
    snprintf(target, sizeof target, "/polls/%lld/", q.id);
    step(&st, &b, "GET", target, NULL, 200, NULL, NULL, body, sizeof body);
    hc_scrape(body, HC_CSRF_FIELD, "\"", token, sizeof token);
    int pick = (int)wire_rng_below(&rng, 3);
    snprintf(rest, sizeof rest, "choice=%lld", q.cid[pick]);
    snprintf(loc, sizeof loc, "/polls/%lld/results/", q.id);
    free(ask("count", ""));
    post_vote(&st, &b, q.id, token, rest, 302, loc, NULL, NULL, 0);
    q.votes[pick]++;
    char *count = ask("count", "");
    const char *sp = strchr(count, ' ');
    hc_fact(&st, sp != NULL && strtol(sp + 1, NULL, 10) >= 1 ? "the vote's UPDATE adds to "
         "\"votes\" in the database (F)" : "no UPDATE with \"votes\" + (F) ran",
         "the vote's UPDATE adds to \"votes\" in the database (F)");
    free(count);
    char *want = want_question(&q, 1, NULL, NULL);
    step(&st, &b, "GET", loc, NULL, 200, NULL, want, NULL, 0);
    free(want);
    refused_vote(&st, &b, &q, token, "");
    snprintf(rest, sizeof rest, "choice=%lld", other.cid[0]);
    refused_vote(&st, &b, &q, token, rest);
    refused_vote(&st, &b, &q, token, "choice=abc");
    snprintf(rest, sizeof rest, "choice=%lld", q.cid[pick]);
    post_vote(&st, &b, other.cid[0] + 1000, token, rest, 404, NULL, NULL, NULL, 0);
    post_vote(&st, &b, q.id, NULL, rest, 403, NULL, "403 Forbidden\nCSRF verification "
              "failed. CSRF token missing.\n", NULL, 0);
    votes_fact(&st, &q);
    votes_fact(&st, &other);
    hc_browser_free(&b);
    hc_story_end(&st, name);
}

/* One concurrent voter: its own browser, the detail page, then its votes. */
struct voter {
    pthread_t th;
    const struct wq *q;
    int picks[16], n;
    int redirected;             /* votes answered 302 */
    struct wire_buf log;
};

static void *voter_run(void *arg)
{
    struct voter *v = arg;
    struct hc_browser b;
    struct hc_reply rep;
    char target[64], token[100], form[200];
    hc_browser_new(&b, port);
    snprintf(target, sizeof target, "/polls/%lld/", v->q->id);
    hc_browser_send(&b, "GET", target, NULL, NULL, &v->log, &rep);
    hc_scrape(rep.body.data, HC_CSRF_FIELD, "\"", token, sizeof token);
    hc_reply_free(&rep);
    snprintf(target, sizeof target, "/polls/%lld/vote/", v->q->id);
    for (int i = 0; i < v->n; i++) {
        snprintf(form, sizeof form, "csrfmiddlewaretoken=%s&choice=%lld", token,
                 v->q->cid[v->picks[i]]);
        struct wire_buf quiet = { 0 };
        hc_browser_send(&b, "POST", target, form, NULL, &quiet, &rep);
        v->redirected += rep.status == 302;
        if (rep.status != 302 && v->log.len < 8000)
            wire_buf_add(&v->log, quiet.data, quiet.len);
        wire_buf_free(&quiet);
        hc_reply_free(&rep);
    }
    hc_browser_free(&b);
    return NULL;
}

static void t_concurrent(const char *name)
{
    struct hc_story st = { 0 };
    struct voter v[CLIENTS];
    struct wq q;
    struct hc_browser b;
    char line[120], want[120];
    int total = 0, redirected = 0;
    clear_data();
    make_question(&q, -1 - (long long)wire_rng_below(&rng, 100), 3, 1);
    memset(v, 0, sizeof v);
    for (int i = 0; i < CLIENTS; i++) {
        v[i].q = &q;
        v[i].n = 10 + (int)wire_rng_below(&rng, 7);
        for (int k = 0; k < v[i].n; k++) {
            v[i].picks[k] = (int)wire_rng_below(&rng, 3);
            q.votes[v[i].picks[k]]++;
        }
        total += v[i].n;
    }
    int started = 0;
    for (; started < CLIENTS; started++)
        if (pthread_create(&v[started].th, NULL, voter_run, &v[started]) != 0)
            break;
    for (int i = 0; i < started; i++) {
        pthread_join(v[i].th, NULL);
        redirected += v[i].redirected;
        wire_buf_add(&st.log, v[i].log.data, v[i].log.len);
        wire_buf_free(&v[i].log);
    }
    snprintf(line, sizeof line, "%d votes by %d clients at once answered 302", redirected,
             CLIENTS);
    snprintf(want, sizeof want, "%d votes by %d clients at once answered 302", total, CLIENTS);
    hc_fact(&st, line, want);
    votes_fact(&st, &q);
    hc_browser_new(&b, port);
    snprintf(line, sizeof line, "/polls/%lld/results/", q.id);
    char *page = want_question(&q, 1, NULL, NULL);
    step(&st, &b, "GET", line, NULL, 200, NULL, page, NULL, 0);
    free(page);
    hc_browser_free(&b);
    hc_story_end(&st, name);
}

/* s escaped as keg's admin escapes (& < > " ' as &amp; &lt; &gt; &quot; &#x27;). */
static void admin_esc(char *out, size_t cap, const char *s)
{
    static const char special[] = "&<>\"'";
    static const char *const refs[] = { "&amp;", "&lt;", "&gt;", "&quot;", "&#x27;" };
    size_t n = 0;
    out[0] = '\0';
    for (; *s != '\0' && n + 7 < cap; s++) {
        const char *hit = strchr(special, *s);
        n += (size_t)snprintf(out + n, cap - n, "%s", hit ? refs[hit - special] : "");
        if (hit == NULL)
            out[n++] = *s, out[n] = '\0';
    }
}

/* 1 when needle is in hay, ignoring the case of ASCII letters (icontains). */
static int has_icase(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay != '\0'; hay++)
        if (strncasecmp(hay, needle, n) == 0)
            return 1;
    return 0;
}

static void t_admin(const char *name)
{
    struct hc_story st = { 0 };
    struct hc_browser b;
    struct wq q[3];
    char user[16], pw[16], sql[600], body[HC_CAP], want[900];
    char esc[600], when[20], target[400], word[160];
    clear_data();
    for (int i = 0; i < 3; i++)
        make_question(&q[i], -1 - (long long)wire_rng_below(&rng, 100), 1, 0);
    wire_rng_word(&rng, user, lower, sizeof lower - 1, 4, 10);
    wire_rng_word(&rng, pw, lower, sizeof lower - 1, 8, 12);
    char *enc = keg_password_make(pw, 1000);
    snprintf(sql, sizeof sql, "INSERT INTO \"auth_user\" (\"password\", \"last_login\", "
             "\"is_superuser\", \"username\", \"email\", \"is_staff\", \"is_active\", "
             "\"date_joined\") VALUES ('%s', NULL, 1, '%s', '', 1, 1, '2024-01-01 00:00:00')",
             enc != NULL ? enc : "", user);
    free(enc);
    exec_sql(sql);
    hc_browser_new(&b, port);
    step(&st, &b, "GET", "/admin/login/", NULL, 200, NULL, NULL, NULL, 0);
    struct wire_buf form = { 0 };
    hc_login_form(&b, user, pw, "/admin/polls/question/", &form);
    step(&st, &b, "POST", "/admin/login/", form.data, 302, "/admin/polls/question/", NULL,
         NULL, 0);
    wire_buf_free(&form);
    const char *sp = strrchr(q[0].text, ' ');
    snprintf(word, sizeof word, "%s", sp != NULL ? sp + 1 : q[0].text);
    snprintf(target, sizeof target, "/admin/polls/question/?q=%s", word);
    step(&st, &b, "GET", target, NULL, 200, NULL, NULL, body, sizeof body);
    int n = 0;
    for (int i = 0; i < 3; i++)
        n += has_icase(q[i].text, word);
    snprintf(want, sizeof want, "<p class=\"result-count\">%d question%s</p>", n,
             n == 1 ? "" : "s");
    hc_fact(&st, strstr(body, want) != NULL ? want : "(no such result count)", want);
    admin_esc(esc, sizeof esc, q[0].text);
    keg_datetime_format(q[0].when, when);
    snprintf(want, sizeof want, "<tr><td><a href=\"/admin/polls/question/%lld/change/\">%s"
             "</a></td><td>%s</td></tr>", q[0].id, esc, when);
    hc_fact(&st, strstr(body, want) != NULL ? want : "(no such row)", want);
    step(&st, &b, "GET", "/admin/polls/choice/", NULL, 200, NULL, NULL, body, sizeof body);
    hc_fact(&st, strstr(body, "<h1>Select choice to change</h1>") != NULL ? "choices in the "
         "admin" : "(no changelist of choices)", "choices in the admin");
    hc_browser_free(&b);
    hc_story_end(&st, name);
}

/* polls_tests' result on the line "KEY F" of the driver's answer, -2 when none. */
static long tests_result(const char *ans, const char *key)
{
    size_t n = strlen(key);
    for (const char *p = ans; p != NULL; p = strchr(p, '\n')) {
        p += *p == '\n';
        if (strncmp(p, key, n) == 0 && p[n] == ' ')
            return strtol(p + n + 1, NULL, 10);
    }
    return -2;
}

static void t_learner_tests(const char *name)
{
    struct hc_story st = { 0 };
    char line[300], want[300];
    char *ans = ask("tests", "");
    long f = tests_result(ans, "app");
    snprintf(line, sizeof line, "your tests on your app: %ld failed%s", f,
             f < 0 ? " (no tests, or they could not run)" : "");
    hc_fact(&st, line, "your tests on your app: 0 failed");
    for (int i = 0; i < PLANTED_COUNT; i++) {
        f = tests_result(ans, planted_bugs[i].name);
        if (i == PLANTED_NONE) {
            snprintf(line, sizeof line, "your tests on the planted app without a bug: %ld "
                     "failed", f);
            hc_fact(&st, line, "your tests on the planted app without a bug: 0 failed");
            continue;
        }
        snprintf(want, sizeof want, "planted bug %s (%s): caught by a failing test",
                 planted_bugs[i].name, planted_bugs[i].what);
        snprintf(line, sizeof line, "planted bug %s (%s): %s", planted_bugs[i].name,
                 planted_bugs[i].what, f > 0 ? "caught by a failing test" : "no test failed");
        hc_fact(&st, line, want);
    }
    free(ans);
    hc_story_end(&st, name);
}

int main(int argc, char **argv)
{
    static const struct { void (*fn)(const char *name); const char *name; } tests[] = {
        { t_schema, "models: Question and Choice as Django's tutorial has them; the first "
          "migration written (0001_initial) and applied" },
        { t_index, "index: the five newest published questions, newest first; none from "
          "the future; the text escaped" },
        { t_detail, "detail: the form with its CSRF token and the choices, in a "
          "transaction (atomic requests); 404 for a question in the future or missing" },
        { t_results, "results: the votes of each choice, in at most 3 statements; 404 for "
          "a question in the future" },
        { t_vote, "vote: F(\"votes\") + 1 and a 302 to the results; the form again "
          "without a valid choice; 404; 403 without the CSRF token" },
        { t_concurrent, "vote: exact counts under 8 concurrent clients" },
        { t_admin, "admin: both models registered under /admin, questions with "
          "question_text and pub_date, searched by question_text" },
        { t_learner_tests, "your tests: they pass on your app and on the planted app "
          "without a bug, and catch each planted bug" },
    };
    size_t ntests = sizeof tests / sizeof tests[0];
    wire_rng_seed(&rng, wire_seed_arg(argc, argv));
    wire_peer_init(&peer, 60000);      /* the "tests" frame runs your tests 15 times */
    curl_global_init(CURL_GLOBAL_DEFAULT);
    tap_plan((int)ntests);
    next_id = (long long)wire_rng_below(&rng, 900);
    char *ans = ask("serve", "");
    port = refserver_subject_port(ans);
    if (port <= 0 || want_setup() != 0) {
        tap_diag("serve: %s", ans);
        free(ans);
        for (size_t i = 0; i < ntests; i++)
            tap_fail_with(__FILE__, __LINE__, "the app did not start", "no server", "a port",
                          "%s", tests[i].name);
        return wire_finish(&peer);
    }
    free(ans);
    for (size_t i = 0; i < ntests; i++) {
        if (peer.dead) {
            WIRE_FAIL_DEAD(tests[i].name);
            continue;
        }
        tests[i].fn(tests[i].name);
    }
    free(ask("stop", ""));
    keg_site_free(vial_app_user(want_app));
    vial_app_free(want_app);
    curl_global_cleanup();
    return wire_finish(&peer);
}
