/* pages.h -- lab 24's three templates, the same text as polls/polls.c gives, and its
 * pluralize filter: the hidden tests render them with the reference keg and vial to know
 * the page each request should get, and the driver's planted apps serve them. Also the
 * list of the bugs planted in the apps your tests must catch (lab 24 states each), in
 * the order the driver reports them. */
#ifndef LAB24_PAGES_H
#define LAB24_PAGES_H

#include <string.h>

#include "vial.h"

static const char pages_index_html[] =
    "{% if latest_question_list %}<ul>\n"
    "{% for question in latest_question_list %}"
    "<li><a href=\"{% url 'polls:detail' question.id %}\">{{ question.question_text }}</a></li>\n"
    "{% endfor %}</ul>\n"
    "{% else %}<p>No polls are available.</p>\n{% endif %}";

static const char pages_detail_html[] =
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

static const char pages_results_html[] =
    "<h1>{{ question_text }}</h1>\n"
    "<ul>\n"
    "{% for choice in choices %}"
    "<li>{{ choice.choice_text }} -- {{ choice.votes }} vote{{ choice.votes|pluralize }}</li>\n"
    "{% endfor %}"
    "</ul>\n"
    "<a href=\"{% url 'polls:detail' question_id %}\">Vote again?</a>\n";

/* Django's pluralize: "s" unless the value is 1. */
static char *pages_pluralize(const char *value, const char *arg, int *safe, void *user)
{
    (void)arg, (void)user;
    *safe = 1;
    return strdup(value != NULL && strcmp(value, "1") == 0 ? "" : "s");
}

/* The planted bugs, in the order of the driver's "tests" answer; PLANTED_NONE is the
 * planted app without a bug. */
enum planted {
    PLANTED_NONE,
    PLANTED_EMPTY,
    PLANTED_UNLISTED,
    PLANTED_FUTURE,
    PLANTED_FUTURE_DETAIL,
    PLANTED_UNESCAPED,
    PLANTED_UNCOUNTED,
    PLANTED_TWICE,
    PLANTED_EVERY_CHOICE,
    PLANTED_NO_REDIRECT,
    PLANTED_WRONG_REDIRECT,
    PLANTED_NO_CHOICE,
    PLANTED_NO_ERROR,
    PLANTED_NO_CSRF,
    PLANTED_COUNT
};

/* Each bug's name (the driver's answer) and what it breaks (the checker's messages). */
static const struct {
    const char *name, *what;
} planted_bugs[PLANTED_COUNT] = {
    [PLANTED_NONE] = { "nobug", "without a bug" },
    [PLANTED_EMPTY] = { "empty", "the index without a published question is an empty "
                        "list, without \"No polls are available.\"" },
    [PLANTED_UNLISTED] = { "unlisted", "the index never lists a question" },
    [PLANTED_FUTURE] = { "future", "the index lists questions dated in the future" },
    [PLANTED_FUTURE_DETAIL] = { "futuredetail", "the detail and results pages show a "
                                "question dated in the future (200, not 404)" },
    [PLANTED_UNESCAPED] = { "unescaped", "the question's text is not escaped on its pages" },
    [PLANTED_UNCOUNTED] = { "uncounted", "a vote answers its 302 but is not counted" },
    [PLANTED_TWICE] = { "twice", "a vote is counted twice" },
    [PLANTED_EVERY_CHOICE] = { "everychoice", "a vote adds one to every choice of the "
                               "question" },
    [PLANTED_NO_REDIRECT] = { "noredirect", "a vote is counted, then the results page "
                              "answers it (200, no redirect)" },
    [PLANTED_WRONG_REDIRECT] = { "wrongredirect", "a vote is counted, then redirected to "
                                 "the detail page, not the results" },
    [PLANTED_NO_CHOICE] = { "nochoice", "a vote without a valid choice answers the 302 as "
                            "if it were counted" },
    [PLANTED_NO_ERROR] = { "noerror", "a vote without a valid choice shows the form again "
                           "without the message" },
    [PLANTED_NO_CSRF] = { "nocsrf", "a vote without a CSRF token is taken (no 403)" },
};

#endif
