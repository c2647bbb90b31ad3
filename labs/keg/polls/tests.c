/* tests.c -- [lab 24] your tests of the polls app, as Django's polls/tests.py: each test
 * makes a fresh app with make_app on a test database (keg_test_db), runs in a
 * transaction rolled back at its end (keg_test_begin, keg_test_end), and talks to the
 * app through vial's test client. The hidden tests run them against your app (they must
 * pass) and against copies with planted bugs (they must fail): lab 24 lists the bugs. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "polls.h"

int polls_test_csrf(const vial_response *res, char *out, size_t cap)
{
    static const char name[] = "csrftoken=";
    for (size_t i = 0; i < res->headers.len; i++) {
        const char *v = res->headers.items[i].value;
        if (strcasecmp(res->headers.items[i].name, "Set-Cookie") != 0 || v == NULL
            || strncmp(v, name, sizeof name - 1) != 0)
            continue;
        v += sizeof name - 1;
        size_t n = strcspn(v, ";");
        if (n == 0 || n >= cap)
            return -1;
        memcpy(out, v, n);
        out[n] = '\0';
        return 0;
    }
    return -1;
}

/* SOLUTION(24) BEGIN */
#define DAY (24 * 3600LL)

/* One test's world: a database in a transaction, the app and a client. */
struct polls_case {
    keg_db *db;
    vial_app *app;
    vial_client *client;
    vial_response res;          /* the last answer */
};

/* A question published `days` from now (negative: in the past); its id, or 0. */
static long long polls_make_question(keg_db *db, const char *text, long long days)
{
    struct question q;
    long long id = 0;
    if (keg_obj_init(&q, &polls_question) != 0)
        return 0;
    q.pub_date = (long long)time(NULL) + days * DAY;
    if (keg_obj_set_text(&q, "question_text", text) == 0 && keg_save(db, &q) == 0)
        id = q.id;
    keg_obj_clear(&q);
    return id;
}

static long long polls_make_choice(keg_db *db, long long question, const char *text)
{
    struct choice c;
    long long id = 0;
    if (keg_obj_init(&c, &polls_choice) != 0)
        return 0;
    c.question_id = question;
    if (keg_obj_set_text(&c, "choice_text", text) == 0 && keg_save(db, &c) == 0)
        id = c.id;
    keg_obj_clear(&c);
    return id;
}

/* GET target into pc->res; returns the status. */
static int polls_get(struct polls_case *pc, const char *target)
{
    vial_response_free(&pc->res);
    return vial_client_get(pc->client, target, &pc->res);
}

/* GET the question's page (for the CSRF cookie), then POST the vote `form`, the token
 * added in front when `token`. Returns the status of the POST. */
static int polls_post_vote(struct polls_case *pc, long long question, const char *form,
                           bool token)
{
    char target[64], secret[80], body[200];
    snprintf(target, sizeof target, "/polls/%lld/", question);
    if (polls_get(pc, target) != 200 || polls_test_csrf(&pc->res, secret, sizeof secret) != 0)
        return -1;
    snprintf(target, sizeof target, "/polls/%lld/vote/", question);
    snprintf(body, sizeof body, "%s%s%s%s", token ? "csrfmiddlewaretoken=" : "",
             token ? secret : "", token && form[0] ? "&" : "", form);
    vial_response_free(&pc->res);
    return vial_client_post(pc->client, target, "application/x-www-form-urlencoded", body,
                            strlen(body), &pc->res);
}

/* 1 when the last body holds s. */
static int polls_body_has(const struct polls_case *pc, const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; pc->res.body != NULL && i + n <= pc->res.body_len; i++)
        if (memcmp(pc->res.body + i, s, n) == 0)
            return 1;
    return 0;
}

/* 1 when the last answer's Location is `want`. */
static int polls_location_is(const struct polls_case *pc, const char *want)
{
    const char *loc = vial_response_header(&pc->res, "Location");
    return loc != NULL && strcmp(loc, want) == 0;
}

static int t_no_questions(struct polls_case *pc)
{
    return polls_get(pc, "/polls/") == 200 && polls_body_has(pc, "No polls are available.");
}

static int t_past_question(struct polls_case *pc)
{
    polls_make_question(pc->db, "Past question.", -30);
    return polls_get(pc, "/polls/") == 200 && polls_body_has(pc, "Past question.");
}

static int t_future_question(struct polls_case *pc)
{
    polls_make_question(pc->db, "Future question.", 30);
    return polls_get(pc, "/polls/") == 200 && !polls_body_has(pc, "Future question.");
}

static int t_future_detail(struct polls_case *pc)
{
    char target[64];
    snprintf(target, sizeof target, "/polls/%lld/",
             polls_make_question(pc->db, "Future question.", 5));
    return polls_get(pc, target) == 404;
}

static int t_past_detail(struct polls_case *pc)
{
    char target[64];
    snprintf(target, sizeof target, "/polls/%lld/",
             polls_make_question(pc->db, "Past <question>.", -5));
    return polls_get(pc, target) == 200 && polls_body_has(pc, "Past &lt;question&gt;.");
}

static int t_vote_counts(struct polls_case *pc)
{
    char form[40], target[64];
    long long q = polls_make_question(pc->db, "Pick one", -1);
    polls_make_choice(pc->db, q, "No");
    snprintf(form, sizeof form, "choice=%lld", polls_make_choice(pc->db, q, "Yes"));
    snprintf(target, sizeof target, "/polls/%lld/results/", q);
    polls_post_vote(pc, q, form, true);
    return polls_get(pc, target) == 200 && polls_body_has(pc, "Yes -- 1 vote<")
           && polls_body_has(pc, "No -- 0 votes");
}

static int t_vote_redirects(struct polls_case *pc)
{
    char form[40], target[64];
    long long q = polls_make_question(pc->db, "Pick one", -1);
    snprintf(form, sizeof form, "choice=%lld", polls_make_choice(pc->db, q, "Yes"));
    snprintf(target, sizeof target, "/polls/%lld/results/", q);
    return polls_post_vote(pc, q, form, true) == 302 && polls_location_is(pc, target);
}

static int t_vote_without_choice(struct polls_case *pc)
{
    long long q = polls_make_question(pc->db, "Pick one", -1);
    polls_make_choice(pc->db, q, "Yes");
    return polls_post_vote(pc, q, "", true) == 200
           && polls_body_has(pc, "You didn&#39;t select");
}

static int t_vote_without_token(struct polls_case *pc)
{
    char form[40];
    long long q = polls_make_question(pc->db, "Pick one", -1);
    snprintf(form, sizeof form, "choice=%lld", polls_make_choice(pc->db, q, "Yes"));
    return polls_post_vote(pc, q, form, false) == 403;
}

int polls_tests(vial_app *(*make_app)(keg_db *db))
{
    static const struct {
        int (*fn)(struct polls_case *pc);
        const char *name;
    } tests[] = {
        { t_no_questions, "index without questions says so" },
        { t_past_question, "index shows a past question" },
        { t_future_question, "index hides a question in the future" },
        { t_future_detail, "detail of a question in the future is 404" },
        { t_past_detail, "detail of a past question shows its text, escaped" },
        { t_vote_counts, "a vote is counted once, for its choice alone" },
        { t_vote_redirects, "a vote redirects to the results" },
        { t_vote_without_choice, "a vote without a choice shows the form and the message" },
        { t_vote_without_token, "a vote without the CSRF token is refused (403)" },
    };
    int failed = 0;
    if (polls_register() != 0)
        return -1;
    for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
        struct polls_case pc = { 0 };
        int pass = 0;
        vial_response_init(&pc.res);
        pc.db = keg_test_db(NULL);
        pc.app = pc.db != NULL ? make_app(pc.db) : NULL;
        pc.client = pc.app != NULL ? vial_client_new(pc.app) : NULL;
        if (pc.client != NULL && keg_test_begin(pc.db) == 0) {
            pass = tests[i].fn(&pc);
            keg_test_end(pc.db);
        }
        printf("%s %zu - %s\n", pass ? "ok" : "not ok", i + 1, tests[i].name);
        failed += !pass;
        vial_response_free(&pc.res);
        vial_client_free(pc.client);
        polls_app_free(pc.app);
        keg_db_close(pc.db);
    }
    fflush(stdout);
    return failed;
}
/* SOLUTION(24) STUB
int polls_tests(vial_app *(*make_app)(keg_db *db))
{
    (void)make_app;
    return -1;
}
   SOLUTION(24) END */
