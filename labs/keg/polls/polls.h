/* polls.h -- the polls app of Django's tutorial, written on your keg and vial [lab 24]:
 * its two models, the app that serves them, and the tests you write for it. Given: keep
 * it as it is (the hidden tests are built against it). Public names start with polls_. */
#ifndef POLLS_H
#define POLLS_H

#include "keg.h"

#define POLLS_LATEST 5          /* questions the index shows, newest first */
#define POLLS_NO_CHOICE "You didn't select a choice."

/* Django's Question: question_text varchar(200), pub_date datetime. */
struct question {
    keg_obj obj;
    long long id;
    char *question_text;
    long long pub_date;
};

/* Django's Choice: choice_text varchar(200), votes integer (default 0), question
 * ForeignKey (CASCADE), in the order of the columns of Django's first migration. */
struct choice {
    keg_obj obj;
    long long id;
    char *choice_text;
    long long votes;
    long long question_id;
};

extern const keg_model polls_question;      /* table polls_question */
extern const keg_model polls_choice;        /* table polls_choice */

/* Registers both models with keg (keg_register; again does nothing). 0 or a status. */
int polls_register(void);

/* [given] Installs keg's template tags on site (keg_templates_install), the filter
 * {{ n|pluralize }} ("s" unless n is "1") and the three templates polls/index.html,
 * polls/detail.html and polls/results.html on app. Call after keg_site_new. 0 or -1. */
int polls_templates(keg_site *site, vial_app *app);

/* The app on db (not owned): a keg site with a transaction per request and Django's
 * middleware stack (sessions, CSRF, users), the admin under /admin with both models,
 * the templates, and the views in the namespace "polls" (lab 24 gives the URLs).
 * Registers the models. NULL when something failed. Free with polls_app_free. */
vial_app *polls_app_new(keg_db *db);
/* Frees the app and its site (not the database). Accepts NULL. */
void polls_app_free(vial_app *app);

/* Your tests of the app (Django's polls/tests.py), in polls/tests.c: each one makes its
 * app with make_app(db) on a keg_test_db, in keg_test_begin/keg_test_end, and talks to
 * it with vial's test client. Prints "ok N - name" or "not ok N - name" per test on
 * stdout. Returns how many failed (0: all passed), or -1 when there are no tests. */
int polls_tests(vial_app *(*make_app)(keg_db *db));

/* [given] The csrftoken cookie a response sets (its Set-Cookie header) into out[cap]:
 * the value to post as csrfmiddlewaretoken. 0, or -1 when the response sets none. */
int polls_test_csrf(const vial_response *res, char *out, size_t cap);

#endif
