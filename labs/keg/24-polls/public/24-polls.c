/* 24-polls.c -- public tests of lab 24: the polls app through vial's in-process test
 * client on a keg test database: the index (newest five, none from the future), the
 * detail and results pages (404 for a future or missing question, text escaped), the
 * vote behind CSRF with its redirect, and your own tests (polls_tests) passing on your
 * app. Run with `make test LAB=24`; debug with `gdb build/tests/24-polls`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tap.h"
#include "polls.h"

static keg_db *db;
static vial_app *app;
static vial_client *client;

/* A question published `hours` from now; its id (0 on failure). */
static long long add_question(const char *text, long long hours)
{
    struct question q;
    long long id = 0;
    if (keg_obj_init(&q, &polls_question) != 0)
        return 0;
    q.pub_date = (long long)time(NULL) + hours * 3600;
    if (keg_obj_set_text(&q, "question_text", text) == 0 && keg_save(db, &q) == 0)
        id = q.id;
    keg_obj_clear(&q);
    return id;
}

static long long add_choice(long long question, const char *text)
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

/* GET target: the status, the body into body[cap] ("" when none). */
static int get(const char *target, char *body, size_t cap)
{
    vial_response res;
    vial_response_init(&res);
    int st = vial_client_get(client, target, &res);
    snprintf(body, cap, "%.*s", res.body != NULL ? (int)res.body_len : 0,
             res.body != NULL ? res.body : "");
    vial_response_free(&res);
    return st;
}

/* POST form (the detail page's CSRF cookie added as the token unless no_token). */
static int vote(long long q, const char *form, int no_token, char *location, size_t cap)
{
    char target[64], token[80] = "", body[256];
    vial_response res;
    vial_response_init(&res);
    snprintf(target, sizeof target, "/polls/%lld/", q);
    vial_client_get(client, target, &res);
    polls_test_csrf(&res, token, sizeof token);
    vial_response_free(&res);
    snprintf(target, sizeof target, "/polls/%lld/vote/", q);
    snprintf(body, sizeof body, "%s%s%s", no_token ? "" : "csrfmiddlewaretoken=",
             no_token ? "" : token, form);
    vial_response_init(&res);
    int st = vial_client_post(client, target, "application/x-www-form-urlencoded", body,
                              strlen(body), &res);
    const char *loc = vial_response_header(&res, "Location");
    snprintf(location, cap, "%s", loc != NULL ? loc : "");
    vial_response_free(&res);
    return st;
}

static void t_index(void)
{
    char body[4096], name[32];
    keg_test_begin(db);
    is_int(get("/polls/", body, sizeof body), 200, "GET /polls/ answers 200");
    like(body, "<p>No polls are available.</p>", "no question yet: the index says so");
    for (int i = 1; i <= 6; i++) {
        snprintf(name, sizeof name, "Question %d?", i);
        add_question(name, -100 + i);           /* 6 is the newest */
    }
    add_question("From the future?", 48);
    get("/polls/", body, sizeof body);
    const char *six = strstr(body, "Question 6?"), *two = strstr(body, "Question 2?");
    ok(six != NULL && two != NULL && six < two, "newest first");
    ok(strstr(body, "Question 1?") == NULL, "five questions at most");
    ok(strstr(body, "From the future?") == NULL, "a question in the future is hidden");
    like(body, "<a href=\"/polls/", "each links to its detail page");
    keg_test_end(db);
}

static void t_detail(void)
{
    char body[4096], target[64];
    keg_test_begin(db);
    long long q = add_question("Is <b>this</b> safe & sound?", -1);
    add_choice(q, "Yes");
    long long later = add_question("Later?", 24);
    snprintf(target, sizeof target, "/polls/%lld/", q);
    is_int(get(target, body, sizeof body), 200, "GET %s answers 200", target);
    like(body, "Is &lt;b&gt;this&lt;/b&gt; safe &amp; sound?", "the text is escaped");
    like(body, "name=\"csrfmiddlewaretoken\"", "the form carries the CSRF token");
    like(body, ">Yes</label>", "the choices are listed");
    snprintf(target, sizeof target, "/polls/%lld/", later);
    is_int(get(target, body, sizeof body), 404, "a question in the future is 404");
    snprintf(target, sizeof target, "/polls/%lld/results/", later);
    is_int(get(target, body, sizeof body), 404, "its results too");
    is_int(get("/polls/999999/", body, sizeof body), 404, "a missing question is 404");
    keg_test_end(db);
}

static void t_vote(void)
{
    char body[4096], target[64], form[64], loc[128];
    keg_test_begin(db);
    long long q = add_question("Tea or coffee?", -2);
    long long tea = add_choice(q, "Tea");
    add_choice(q, "Coffee");
    snprintf(form, sizeof form, "&choice=%lld", tea);
    snprintf(target, sizeof target, "/polls/%lld/results/", q);
    is_int(vote(q, form, 0, loc, sizeof loc), 302, "a vote answers 302");
    is_str(loc, target, "... to the results page");
    vote(q, form, 0, loc, sizeof loc);
    get(target, body, sizeof body);
    like(body, "<li>Tea -- 2 votes</li>", "two votes for tea");
    like(body, "<li>Coffee -- 0 votes</li>", "none for coffee");
    is_int(vote(q, "", 0, loc, sizeof loc), 200, "no choice: the form again (200)");
    is_int(vote(q, form, 1, loc, sizeof loc), 403, "no CSRF token: 403");
    get(target, body, sizeof body);
    like(body, "<li>Tea -- 2 votes</li>", "neither counted");
    keg_test_end(db);
}

int main(void)
{
    char *err = NULL;
    if (polls_register() != 0 || (db = keg_test_db(&err)) == NULL
        || (app = polls_app_new(db)) == NULL || (client = vial_client_new(app)) == NULL) {
        fail_with("could not make the app", err != NULL ? err : "NULL", "an app",
                  "polls_register, keg_test_db, polls_app_new");
        free(err);
        keg_db_close(db);
        return done_testing();
    }
    t_index();
    t_detail();
    t_vote();
    is_int(polls_tests(polls_app_new), 0, "your tests (polls_tests) pass on your app");
    vial_client_free(client);
    polls_app_free(app);
    keg_db_close(db);
    return done_testing();
}
