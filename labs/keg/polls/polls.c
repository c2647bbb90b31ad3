/* polls.c -- [lab 24] the capstone: the polls app of Django's tutorial (parts 1-5) on
 * your keg and vial: the Question and Choice models, the index, detail, results and vote
 * views in the namespace "polls", the vote as UPDATE ... SET votes = votes + 1 behind
 * CSRF with a redirect after the POST, questions dated in the future kept hidden, and
 * both models in keg's admin. The contract (URLs, pages, statuses) is lab 24's lab.md;
 * the templates are given. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "polls.h"

/* ---- the templates [given] --------------------------------------------------------- */

static const char polls_index_html[] =
    "{% if latest_question_list %}<ul>\n"
    "{% for question in latest_question_list %}"
    "<li><a href=\"{% url 'polls:detail' question.id %}\">{{ question.question_text }}</a></li>\n"
    "{% endfor %}</ul>\n"
    "{% else %}<p>No polls are available.</p>\n{% endif %}";

static const char polls_detail_html[] =
    "<form action=\"{% url 'polls:vote' question_id %}\" method=\"post\">\n"
    "{% csrf_token %}\n"
    "<fieldset>\n"
    "<legend><h1>{{ question_text }}</h1></legend>\n"
    "{% if error_message %}<p><strong>{{ error_message }}</strong></p>\n{% endif %}"
    "{% for choice in choices %}"
    "<input type=\"radio\" name=\"choice\" id=\"choice{{ forloop.counter }}\" "
    "value=\"{{ choice.id }}\">\n"
    "<label for=\"choice{{ forloop.counter }}\">{{ choice.choice_text }}</label><br>\n"
    "{% endfor %}"
    "</fieldset>\n"
    "<input type=\"submit\" value=\"Vote\">\n"
    "</form>\n";

static const char polls_results_html[] =
    "<h1>{{ question_text }}</h1>\n"
    "<ul>\n"
    "{% for choice in choices %}"
    "<li>{{ choice.choice_text }} -- {{ choice.votes }} vote{{ choice.votes|pluralize }}</li>\n"
    "{% endfor %}"
    "</ul>\n"
    "<a href=\"{% url 'polls:detail' question_id %}\">Vote again?</a>\n";

/* Django's pluralize: "s" unless the value is 1. */
static char *polls_pluralize(const char *value, const char *arg, int *safe, void *user)
{
    (void)arg, (void)user;
    *safe = 1;
    return strdup(value != NULL && strcmp(value, "1") == 0 ? "" : "s");
}

int polls_templates(keg_site *site, vial_app *app)
{
    static const struct {
        const char *name, *source;
    } pages[] = { { "polls/index.html", polls_index_html },
                  { "polls/detail.html", polls_detail_html },
                  { "polls/results.html", polls_results_html } };
    if (keg_templates_install(site) != 0
        || vial_template_add_filter(app, "pluralize", polls_pluralize, NULL) != 0)
        return -1;
    for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++)
        if (vial_app_add_template(app, pages[i].name, pages[i].source) != 0)
            return -1;
    return 0;
}

/* SOLUTION(24) BEGIN */
/* ---- the models (Django's polls/models.py) ----------------------------------------- */

static const keg_field question_fields[] = {
    KEG_FIELD(struct question, id, KEG_AUTO),
    KEG_FIELD(struct question, question_text, KEG_CHAR, .max_length = 200),
    KEG_FIELD(struct question, pub_date, KEG_DATETIME),
};
const keg_model polls_question = KEG_MODEL(polls, question, struct question, question_fields);

static const keg_field choice_fields[] = {
    KEG_FIELD(struct choice, id, KEG_AUTO),
    KEG_FIELD(struct choice, choice_text, KEG_CHAR, .max_length = 200),
    KEG_FIELD(struct choice, votes, KEG_INTEGER, .flags = KEG_DEFAULT, .default_int = 0),
    KEG_FK_FIELD(struct choice, question, polls_question, KEG_CASCADE),
};
const keg_model polls_choice = KEG_MODEL(polls, choice, struct choice, choice_fields);

int polls_register(void)
{
    int rc = keg_register(&polls_question);
    return rc != 0 ? rc : keg_register(&polls_choice);
}

/* ---- the views (Django's polls/views.py) ------------------------------------------- */

/* Frees a chain of query sets built one from another. */
static void polls_qs_free(keg_qs **qs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        keg_qs_free(qs[i]);
}

/* The question of the URL into q (an object of polls_question), published ones only when
 * `published`: Django's get_object_or_404. 0, 404, or 500. */
static int polls_get_question(vial_request *req, int published, struct question *q)
{
    keg_qs *qs[3];
    qs[0] = keg_qs_all(&polls_question);
    qs[1] = keg_qs_filter(qs[0], "pk", keg_int(vial_view_arg_int(req, "question_id", 0)));
    qs[2] = published ? keg_qs_filter(qs[1], "pub_date__lte", keg_int(time(NULL))) : NULL;
    int rc = keg_qs_get(keg_request_db(req), published ? qs[2] : qs[1], q);
    polls_qs_free(qs, 3);
    return rc == 0 ? 0 : rc == KEG_ENOTFOUND ? 404 : 500;
}

/* The question's choices, by id, into out (one statement). 0 or a status. */
static int polls_choices(keg_db *db, const struct question *q, keg_list *out)
{
    keg_qs *qs[2];
    qs[0] = keg_related(q, "choice_set");
    qs[1] = keg_qs_order_by(qs[0], "id");
    int rc = keg_qs_fetch(db, qs[1], out);
    polls_qs_free(qs, 2);
    return rc;
}

/* Renders `page` with the question and its choices (with votes when `votes`) in ctx.
 * Returns 0 or an HTTP status. */
static int polls_render_question(vial_request *req, vial_response *res, const char *page,
                                 const struct question *q, int votes, vial_ctx *ctx)
{
    keg_list list = { 0 };
    if (ctx == NULL || polls_choices(keg_request_db(req), q, &list) != 0) {
        keg_list_free(&list);
        return 500;
    }
    vial_ctx_set_int(ctx, "question_id", q->id);
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

/* GET /polls/: the POLLS_LATEST newest questions published by now. */
static int polls_index(vial_request *req, vial_response *res)
{
    keg_qs *qs[4];
    keg_list list = { 0 };
    qs[0] = keg_qs_all(&polls_question);
    qs[1] = keg_qs_filter(qs[0], "pub_date__lte", keg_int(time(NULL)));
    qs[2] = keg_qs_order_by(qs[1], "-pub_date");
    qs[3] = keg_qs_slice(qs[2], 0, POLLS_LATEST);
    int rc = keg_qs_fetch(keg_request_db(req), qs[3], &list);
    polls_qs_free(qs, 4);
    vial_ctx *ctx = vial_ctx_new();
    for (size_t i = 0; rc == 0 && ctx != NULL && i < list.len; i++) {
        const struct question *q = list.items[i];
        vial_ctx *item = vial_ctx_list_add(ctx, "latest_question_list");
        vial_ctx_set_int(item, "id", q->id);
        vial_ctx_set(item, "question_text", q->question_text);
    }
    keg_list_free(&list);
    if (rc == 0 && ctx != NULL)
        rc = vial_render(res, req->app, "polls/index.html", ctx);
    vial_ctx_free(ctx);
    return rc == 0 ? 0 : 500;
}

/* The detail page (the vote's form), with error_message when not NULL. */
static int polls_show_detail(vial_request *req, vial_response *res, const struct question *q,
                             const char *error_message)
{
    vial_ctx *ctx = vial_ctx_new();
    const char *token = keg_csrf_token(req);
    if (ctx != NULL && token != NULL)
        vial_ctx_set(ctx, "csrf_token", token);
    if (ctx != NULL && error_message != NULL)
        vial_ctx_set(ctx, "error_message", error_message);
    int rc = polls_render_question(req, res, "polls/detail.html", q, 0, ctx);
    vial_ctx_free(ctx);
    return rc;
}

/* GET /polls/<id>/ and /polls/<id>/results/: 404 for a question not yet published. */
static int polls_detail_or_results(vial_request *req, vial_response *res, int results)
{
    struct question q;
    if (keg_obj_init(&q, &polls_question) != 0)
        return 500;
    int rc = polls_get_question(req, 1, &q);
    if (rc == 0 && !results)
        rc = polls_show_detail(req, res, &q, NULL);
    else if (rc == 0) {
        vial_ctx *ctx = vial_ctx_new();
        rc = polls_render_question(req, res, "polls/results.html", &q, 1, ctx);
        vial_ctx_free(ctx);
    }
    keg_obj_clear(&q);
    return rc;
}

static int polls_detail(vial_request *req, vial_response *res)
{
    return polls_detail_or_results(req, res, 0);
}

static int polls_results(vial_request *req, vial_response *res)
{
    return polls_detail_or_results(req, res, 1);
}

/* The choice id posted, or 0 when there is none that could be one. */
static long long polls_posted_choice(vial_request *req)
{
    if (req->form.len == 0)
        vial_request_parse_form(req);
    const char *s = vial_pairs_get(&req->form, "choice");
    size_t n = s != NULL ? strspn(s, "0123456789") : 0;
    if (n == 0 || s[n] != '\0' || n > 18)
        return 0;
    return strtoll(s, NULL, 10);
}

/* POST /polls/<id>/vote/: votes = votes + 1 in the database (Django's F), then a 302 to
 * the results; no valid choice of this question: the detail page with the message. */
static int polls_vote(vial_request *req, vial_response *res)
{
    struct question q;
    if (keg_obj_init(&q, &polls_question) != 0)
        return 500;
    int rc = polls_get_question(req, 0, &q);
    keg_qs *qs[2] = { NULL, NULL };
    long long cid = rc == 0 ? polls_posted_choice(req) : 0;
    if (rc == 0 && cid > 0) {
        qs[0] = keg_related(&q, "choice_set");
        qs[1] = keg_qs_filter(qs[0], "pk", keg_int(cid));
        int n = keg_qs_update(keg_request_db(req), qs[1], "votes", keg_f_add("votes", 1));
        rc = n < 0 ? 500 : 0;
        cid = n == 1 ? cid : 0;
    }
    polls_qs_free(qs, 2);
    if (rc == 0 && cid == 0)
        rc = polls_show_detail(req, res, &q, POLLS_NO_CHOICE);
    else if (rc == 0) {
        char id[24];
        snprintf(id, sizeof id, "%lld", q.id);
        char *url = vial_url_for(req->app, "polls.results", "question_id", id, NULL);
        rc = url != NULL && vial_redirect(res, url, 302) == 0 ? 0 : 500;
        free(url);
    }
    keg_obj_clear(&q);
    return rc;
}

/* ---- the app (Django's urls.py, settings and admin.py) ----------------------------- */

/* Django's tutorial part 7: QuestionAdmin's list_display (its was_published_recently
 * aside), list_filter and search_fields. */
static const char *const question_display[] = { "question_text", "pub_date", NULL };
static const char *const question_filter[] = { "pub_date", NULL };
static const char *const question_search[] = { "question_text", NULL };
static const struct keg_admin_options question_admin = {
    .list_display = question_display,
    .list_filter = question_filter,
    .search_fields = question_search,
};

vial_app *polls_app_new(keg_db *db)
{
    static const struct {
        const char *methods, *rule, *endpoint;
        vial_view view;
    } urls[] = {
        { "GET", "/", "index", polls_index },
        { "GET", "/<int:question_id>/", "detail", polls_detail },
        { "GET", "/<int:question_id>/results/", "results", polls_results },
        { "POST", "/<int:question_id>/vote/", "vote", polls_vote },
    };
    /* 1000 PBKDF2 rounds: lab 24's users are hashed so (Django's 1,000,000 would cost
     * the admin's login a second or more under the sanitizers). */
    struct keg_settings settings = { .secret_key = "polls", .password_iterations = 1000 };
    vial_app *app = vial_app_new("polls");
    vial_blueprint *bp = vial_blueprint_new("polls", "/polls");
    keg_site *site = app != NULL ? keg_site_new(app, db, &settings) : NULL;
    int rc = site != NULL && bp != NULL && db != NULL ? polls_register() : -1;
    for (size_t i = 0; rc == 0 && i < sizeof urls / sizeof urls[0]; i++)
        rc = vial_blueprint_route(bp, urls[i].methods, urls[i].rule, urls[i].endpoint,
                                  urls[i].view);
    if (rc == 0)
        rc = vial_app_register_blueprint(app, bp);
    else
        vial_blueprint_free(bp);
    if (rc == 0)
        rc = keg_site_atomic_requests(site);
    if (rc == 0)
        rc = keg_middleware_install(site);
    if (rc == 0)
        rc = keg_admin_register(site, &polls_question, &question_admin);
    if (rc == 0)
        rc = keg_admin_register(site, &polls_choice, NULL);
    if (rc == 0)
        rc = keg_admin_install(site, "/admin");
    if (rc == 0)
        rc = polls_templates(site, app);
    if (rc != 0) {
        polls_app_free(app);
        return NULL;
    }
    return app;
}
/* SOLUTION(24) STUB
static const keg_field question_fields[] = { KEG_FIELD(struct question, id, KEG_AUTO) };
const keg_model polls_question = KEG_MODEL(polls, question, struct question, question_fields);
static const keg_field choice_fields[] = { KEG_FIELD(struct choice, id, KEG_AUTO) };
const keg_model polls_choice = KEG_MODEL(polls, choice, struct choice, choice_fields);

int polls_register(void)
{
    return KEG_ERROR;
}

vial_app *polls_app_new(keg_db *db)
{
    (void)db;
    return NULL;
}
   SOLUTION(24) END */

void polls_app_free(vial_app *app)
{
    if (app == NULL)
        return;
    keg_site_free(vial_app_user(app));
    vial_app_free(app);
}
