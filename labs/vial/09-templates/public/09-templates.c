/* 09-templates.c -- public tests of lab 09: output and autoescaping, filters, if, for,
 * extends and blocks, errors with name:line, and vial_render into a response.
 * Run with `make test LAB=09`. */
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "vial.h"

static vial_ctx *ctx;

/* Renders src and compares with want (NULL: an error starting with want_err). */
static void render_is(const vial_app *app, const char *src, const char *want,
                      const char *want_err, const char *what)
{
    char *err = NULL;
    char *out = vial_render_string(app, "t.html", src, ctx, &err);
    if (want != NULL)
        is_str(out ? out : err, want, "%s", what);
    else
        ok(out == NULL && err != NULL && strncmp(err, want_err, strlen(want_err)) == 0,
           "%s (got: %s)", what, out ? out : err ? err : "no message");
    free(out);
    free(err);
}

int main(void)
{
    vial_app *app = vial_app_new("t");
    ctx = vial_ctx_new();
    vial_ctx_set(ctx, "name", "<Ada & 'Bob'>");
    vial_ctx_set_safe(ctx, "html", "<em>hi</em>");
    vial_ctx_set(ctx, "empty", "");
    for (int i = 1; i <= 3; i++) {
        vial_ctx *item = vial_ctx_list_add(ctx, "items");
        vial_ctx_set_int(item, "n", i);
    }
    render_is(app, "Hi {{ name }}!", "Hi &lt;Ada &amp; &#39;Bob&#39;&gt;!", NULL, "escaped");
    render_is(app, "{{ html }}", "<em>hi</em>", NULL, "set_safe is not escaped");
    render_is(app, "{{ name|safe }}", "<Ada & 'Bob'>", NULL, "|safe");
    render_is(app, "{{ name|e }}", "&lt;Ada &amp; &#39;Bob&#39;&gt;", NULL, "|e escapes once");
    render_is(app, "{{ 'say \"hi\"' }}", "say &#34;hi&#34;", NULL, "a literal is escaped too");
    render_is(app, "{{ nope }}|{{ nope|default('x') }}", "|x", NULL, "missing and default");
    render_is(app, "{{ '  Hi '|trim|upper }} {{ items|length }}", "HI 3", NULL, "filters chain");
    render_is(app, "{% if empty %}a{% elif name %}b{% else %}c{% endif %}", "b", NULL, "elif");
    render_is(app, "{% for i in items %}{{ i.n }},{% endfor %}", "1,2,3,", NULL, "for");
    render_is(app, "{% for i in nope %}x{% else %}none{% endfor %}", "none", NULL, "for else");
    render_is(app, "a\n  {%- if name -%}\n  b\n{%- endif %}", "ab", NULL, "whitespace control");
    vial_app_add_template(app, "base.html", "<h1>{% block title %}Base{% endblock %}</h1>");
    render_is(app, "{% extends \"base.html\" %}{% block title %}Kid{% endblock %}",
              "<h1>Kid</h1>", NULL, "extends");
    render_is(app, "line 1\n{{ name|shout }}", NULL, "t.html:2:", "unknown filter at line 2");
    render_is(app, "{% if name %}\nno end", NULL, "t.html:1:", "unclosed if");
    vial_app_add_template(app, "loop.html", "{% extends \"t.html\" %}");
    render_is(app, "{% extends \"loop.html\" %}", NULL, "loop.html:1:", "an extends cycle");
    vial_response res;
    vial_response_init(&res);
    is_int(vial_render(&res, app, "base.html", ctx), 0, "vial_render");
    is_str(vial_response_header(&res, "Content-Type"), "text/html; charset=utf-8", "as HTML");
    is_int(vial_render(&res, app, "nowhere.html", ctx), 500, "a missing template is 500");
    vial_response_free(&res);
    vial_ctx_free(ctx);
    vial_app_free(app);
    return done_testing();
}
