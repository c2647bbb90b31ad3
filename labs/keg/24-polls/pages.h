/* pages.h -- lab 24's three templates, the same text as polls/polls.c gives, and its
 * pluralize filter: the hidden tests render them with the reference keg and vial to know
 * the page each request should get. For the checker only. */
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

#endif
