/* 19-templates.c -- public tests of lab 19: the registry of tags and filters,
 * {% empty %}, forloop, block.super, and keg's include, url and csrf_token.
 * Run with `make test LAB=19`. */
#include <stdlib.h>
#include <string.h>

#include "keg.h"
#include "tap.h"

static vial_ctx *ctx;

/* Renders src and compares with want (NULL: an error starting with want_err). */
static void render_is(const vial_app *app, const char *src, const char *want,
                      const char *want_err, const char *what)
{
    char *err = NULL;
    char *out = vial_render_string(app, "t.html", src, ctx, &err);
    if (want != NULL)
        is_str(out ? out : err ? err : "(null)", want, "%s", what);
    else
        ok(out == NULL && err != NULL && strncmp(err, want_err, strlen(want_err)) == 0,
           "%s (got: %s)", what, out ? out : err ? err : "no message");
    free(out);
    free(err);
}

static char *twice(const char *value, const char *arg, int *safe, void *user)
{
    (void)arg;
    (void)safe;
    (void)user;
    size_t n = strlen(value);
    char *d = malloc(2 * n + 1);
    if (d != NULL) {
        memcpy(d, value, n);
        memcpy(d + n, value, n + 1);
    }
    return d;
}

static int hello(vial_tag_call *call, int argc, const char *const *keys,
                 const char *const *values, void *user)
{
    (void)user;
    vial_tag_write(call, "<b>");
    for (int i = 0; i < argc; i++) {
        vial_tag_write(call, keys[i] ? keys[i] : "-");
        vial_tag_write(call, values[i]);
    }
    return vial_tag_write(call, "</b>");
}

static int view(vial_request *req, vial_response *res)
{
    (void)req;
    return vial_response_set_body(res, "", 0);
}

int main(void)
{
    /* Your vial's app and context (labs 03 and 09): without them nothing here can run,
     * so the tests fail at once instead of crashing on a NULL. */
    vial_app *app = vial_app_new("t");
    keg_site *site = app != NULL ? keg_site_new(app, NULL, NULL) : NULL;
    ctx = vial_ctx_new();
    vial_ctx *rows[3] = { NULL, NULL, NULL };
    for (int i = 0; ctx != NULL && i < 3; i++)
        rows[i] = vial_ctx_list_add(ctx, "items");
    if (!ok(app != NULL && site != NULL && ctx != NULL && rows[0] && rows[1] && rows[2],
            "vial_app_new, keg_site_new, vial_ctx_new and vial_ctx_list_add give objects")) {
        vial_ctx_free(ctx);
        keg_site_free(site);
        vial_app_free(app);
        return done_testing();
    }
    vial_ctx_set(ctx, "name", "<Ada & 'Bob'>");
    for (int i = 0; i < 3; i++)
        vial_ctx_set_int(rows[i], "n", (i + 1) * 10);
    vial_app_route(app, "GET", "/post/<int:id>", "post", view);

    render_is(app, "{{ name|twice }}", NULL, "t.html:1: unknown filter", "unknown before");
    ok(vial_template_add_filter(app, "twice", twice, NULL) == 0, "add_filter");
    ok(vial_template_add_filter(app, "upper", twice, NULL) == -1, "a built-in's name is refused");
    render_is(app, "{{ 'a<'|twice }}", "a&lt;a&lt;", NULL, "a filter's result is escaped");
    ok(vial_template_add_tag(app, "hello", hello, NULL) == 0, "add_tag");
    render_is(app, "{% hello name k='x' %}", "<b>-<Ada & 'Bob'>kx</b>", NULL,
              "a tag's arguments, evaluated, and its output as is");
    render_is(app, "{% for i in items %}{{ forloop.counter }}{% if not forloop.last %},"
                   "{% endif %}{% endfor %}", "1,2,3", NULL, "forloop.counter and last");
    render_is(app, "{% for i in nothing %}x{% empty %}empty{% endfor %}", "empty", NULL,
              "{% empty %}");
    vial_app_add_template(app, "base.html", "<{% block b %}base{% endblock %}>");
    render_is(app, "{% extends 'base.html' %}{% block b %}{{ block.super }}+kid{% endblock %}",
              "<base+kid>", NULL, "block.super");

    ok(keg_templates_install(site) == KEG_OK, "keg_templates_install");
    vial_app_add_template(app, "row.html", "[{{ i.n }}]");
    render_is(app, "{% for i in items %}{% include 'row.html' %}{% endfor %}", "[10][20][30]",
              NULL, "include sees the loop variable");
    render_is(app, "<a href=\"{% url 'post' '42' %}\">", "<a href=\"/post/42\">", NULL, "url");
    render_is(app, "{% url 'post' 'x' %}", NULL, "t.html:1: no reverse match", "url that fails");
    render_is(app, "{% csrf_token %}", "", NULL, "no token, no input");
    vial_ctx_set(ctx, "csrf_token", "abc");
    render_is(app, "{% csrf_token %}",
              "<input type=\"hidden\" name=\"csrfmiddlewaretoken\" value=\"abc\">", NULL,
              "csrf_token");

    vial_ctx_free(ctx);
    keg_site_free(site);
    vial_app_free(app);
    return done_testing();
}
