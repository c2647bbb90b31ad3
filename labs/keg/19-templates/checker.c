/* checker.c -- lab 19's hidden tests: the app's own filters and tags (the registry),
 * {% empty %} and forloop, {{ block.super }}, keg's {% include %}, {% url %} and
 * {% csrf_token %}, escaping in text and in attribute values, and the TechEmpower
 * "Fortunes" page written the Django way, byte for byte. Each test is a batch of
 * operations with random templates and contexts from the seed, run by the driver on the
 * learner's vial and keg and, here, on the references with the driver's ops.h; the
 * two texts must be equal. Run as `checker SEED`. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keg.h"
#include "tap.h"
#include "wire.h"

/* The reference side runs the driver's own operations (ops.h). */
#include "ops.h"

static struct wire_rng rng;
static struct wire_peer peer;

#define PICK(a) (a)[wire_rng_below(&rng, sizeof(a) / sizeof((a)[0]))]

static const char *const values[] = {
    "<b>bold</b>", "Tom & Jerry", "it's", "say \"hi\"", "", "plain", "\" onclick=\"x",
    "フレーム", "&amp; already", "<script>alert('x')</script>", "0", "a'b\"c<d>e&f"};
static const char *const vars[] = {"a", "b", "c", "missing"};

/* Appends operation `op` whose fields (NULL-terminated list) are joined by NUL bytes. */
static void add(struct wire_buf *ops, const char *op, ...)
{
    struct wire_buf d = {0};
    va_list ap;
    va_start(ap, op);
    int first = 1;
    for (const char *f = va_arg(ap, const char *); f != NULL; f = va_arg(ap, const char *)) {
        if (!first)
            wire_buf_add(&d, "", 1);
        wire_buf_str(&d, f);
        first = 0;
    }
    va_end(ap);
    wire_buf_frame(ops, op, d.data ? d.data : "", d.len);
    wire_buf_free(&d);
}

/* A readable list of the operations, for a failure report. */
static void show_ops(struct wire_buf *show, const struct wire_buf *ops)
{
    char name[WIRE_MAX_NAME];
    const char *p = ops->data, *d;
    size_t n;
    while (p && wire_next(&p, ops->data + ops->len, name, sizeof name, &d, &n) == 1) {
        wire_buf_str(show, name);
        wire_buf_str(show, " ");
        wire_buf_escaped(show, d, n, 1);
        wire_buf_str(show, "\n");
    }
}

/* Runs ops on both sides and records one test. */
static void check(const char *test, const struct wire_buf *ops)
{
    char *got = NULL;
    size_t glen = 0, elen = 0;
    if (wire_call(&peer, "ops", ops->data, ops->len, &got, &glen) < 0) {
        WIRE_FAIL_DEAD(test);
        return;
    }
    char *expected = op_exec(ops->data, ops->len, &elen);
    if (expected != NULL && glen == elen && memcmp(got, expected, elen) == 0) {
        tap_ok(__FILE__, __LINE__, 1, "%s", test);
    } else {
        struct wire_buf show = {0};
        show_ops(&show, ops);
        tap_attach("operations", show.data ? show.data : "");
        tap_fail_with(__FILE__, __LINE__, "your templates render differently", got,
                      expected ? expected : "", "%s", test);
        wire_buf_free(&show);
    }
    free(got);
    free(expected);
}

/* A random context: a..c strings (some safe), items[name, v, cells[t]]. */
static void context(struct wire_buf *ops, int nitems)
{
    for (size_t i = 0; i + 1 < sizeof vars / sizeof vars[0]; i++)
        if (wire_rng_below(&rng, 5))
            add(ops, wire_rng_below(&rng, 4) ? "set" : "safe", vars[i], PICK(values), NULL);
    for (int i = 0; i < nitems; i++) {
        char v[16];
        snprintf(v, sizeof v, "%d", 1 + (int)wire_rng_below(&rng, 99));
        add(ops, "push", "items", NULL);
        add(ops, "set", "name", PICK(values), NULL);
        add(ops, "int", "v", v, NULL);
        for (size_t k = (size_t)wire_rng_below(&rng, 3); k > 0; k--) {
            add(ops, "push", "cells", NULL);
            add(ops, "set", "t", PICK(values), NULL);
            add(ops, "pop", NULL);
        }
        add(ops, "pop", NULL);
    }
}

static void ext_all(struct wire_buf *ops)
{
    static const char *const names[] = {"rev", "wrap", "shout", "gone", "pair", "peek", "boom"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        add(ops, "ext", names[i], NULL);
}

/* A value expression, maybe with the test's filters. */
static void expr(struct wire_buf *t, const char *loopvar, int custom)
{
    static const char *const fl[] = {"rev", "wrap(\"em\")", "wrap", "shout", "gone", "upper",
                                     "safe", "e", "default('d&')"};
    int k = (int)wire_rng_below(&rng, 5);
    if (loopvar != NULL && k < 2)
        wire_buf_str(t, k ? "it.name" : "it.v");
    else if (k == 2)
        wire_buf_str(t, wire_rng_below(&rng, 2) ? "'l<i>t'" : "\"q'q\"");
    else
        wire_buf_str(t, PICK(vars));
    for (int n = custom ? (int)wire_rng_below(&rng, 3) : 0; n > 0; n--) {
        wire_buf_str(t, "|");
        wire_buf_str(t, PICK(fl));
    }
}

/* A loop over items with forloop fields, {% empty %} or {% else %}, a nested loop. */
static void loop(struct wire_buf *t, int custom)
{
    static const char *const fields[] = {"counter", "counter0", "revcounter", "revcounter0",
                                         "first", "last"};
    wire_buf_str(t, "{% for it in items %}");
    for (int n = 1 + (int)wire_rng_below(&rng, 3); n > 0; n--) {
        int k = (int)wire_rng_below(&rng, 4);
        if (k == 0) {
            wire_buf_str(t, "{{ forloop.");
            wire_buf_str(t, PICK(fields));
            wire_buf_str(t, " }}");
        } else if (k == 1) {
            wire_buf_str(t, wire_rng_below(&rng, 2) ? "{% if forloop.first %}<ul>{% endif %}"
                                                    : "{% if not forloop.last %}, {% endif %}");
        } else if (k == 2) {
            wire_buf_str(t, "<li title=\"{{ ");
            expr(t, "it", custom);
            wire_buf_str(t, " }}\">{{ it.name }}</li>");
        } else {
            wire_buf_str(t, "{% for c in it.cells %}{{ forloop.counter }}/{{ c.t }}"
                            "{% empty %}no cells{% endfor %}@{{ forloop.counter0 }}");
        }
    }
    wire_buf_str(t, "{{ forloop.revcounter }}");
    wire_buf_str(t, wire_rng_below(&rng, 3) ? "{% empty %}nothing {{ a }}" : "{% else %}none");
    wire_buf_str(t, "{% endfor %}");
}

/* Renders `count` templates made by `make`, each with a fresh random context. */
static void test_random(const char *name, int count, int keg, void (*make)(struct wire_buf *),
                        const char *const *tail)
{
    struct wire_buf ops = {0};
    char tname[24];
    ext_all(&ops);
    if (keg)
        add(&ops, "keg", NULL);
    for (int i = 0; i < count; i++) {
        struct wire_buf t = {0};
        context(&ops, (int)wire_rng_below(&rng, 5));
        make(&t);
        snprintf(tname, sizeof tname, "t%d.html", i);
        add(&ops, "render", tname, t.data ? t.data : "", NULL);
        wire_buf_free(&t);
    }
    for (int i = 0; tail != NULL && tail[i] != NULL; i++) {
        snprintf(tname, sizeof tname, "tail%d.html", i);
        add(&ops, "render", tname, tail[i], NULL);
    }
    check(name, &ops);
    wire_buf_free(&ops);
}

/* {% url %}'s failures, each in a render of its own. */
static const char *const url_failures[] = {
    "{% url 'nowhere' %}", "\n{% url '' %}", "{% url 'post' 1 2 %}", "\n{% url 'blog:post' 1 %}",
    "{% url 'page' 's' %}", "\n\n{% url %}", "{% url 'post' '1' '2' %}",
    "\n{% url 'blog:detail' '1999' 's' 'x' %}", NULL};

static void make_filters(struct wire_buf *t)
{
    for (int n = 2 + (int)wire_rng_below(&rng, 3); n > 0; n--) {
        wire_buf_str(t, "<p>{{ ");
        expr(t, NULL, 1);
        wire_buf_str(t, " }}</p>");
    }
    wire_buf_str(t, "{{ a|rev|wrap('i') }}{% if b|gone %}yes{% else %}no{% endif %}");
}

static void make_tags(struct wire_buf *t)
{
    static const char *const args[] = {"a", "'x y'", "b|upper", "k=c", "n='<v>'", "missing",
                                        "z=a|rev", "\"d q\""};
    for (int n = 1 + (int)wire_rng_below(&rng, 3); n > 0; n--) {
        wire_buf_str(t, "{% pair");
        for (int k = (int)wire_rng_below(&rng, 5); k > 0; k--) {
            wire_buf_str(t, " ");
            wire_buf_str(t, PICK(args));
        }
        wire_buf_str(t, " %}");
        wire_buf_str(t, "{% for it in items %}{% pair it.name forloop.counter v=it.v %}"
                        "{% peek 'it.name' %}{% peek \"forloop.last\" %}{% endfor %}");
        wire_buf_str(t, wire_rng_below(&rng, 2) ? "{% peek 'a' %}" : "{% peek 'missing' %}");
    }
    if (wire_rng_below(&rng, 3) == 0)
        wire_buf_str(t, "\n\n{% boom %}");
}

static void make_loops(struct wire_buf *t)
{
    wire_buf_str(t, "<ul>");
    loop(t, 0);
    wire_buf_str(t, "</ul>");
    if (wire_rng_below(&rng, 2))
        loop(t, 1);
}

/* Escaping in text and in attribute values, next to keg's tags. */
static void make_escape(struct wire_buf *t)
{
    wire_buf_str(t, "<form action=\"{% url 'blog:detail' 2024 a|default('x') %}\">"
                    "{% csrf_token %}<input value=\"{{ a }}\" title='{{ b }}'>");
    wire_buf_str(t, "{% for it in items %}<a href=\"{% url 'post' it.v %}\" "
                    "data-n=\"{{ forloop.counter }}\">{{ it.name }}</a>{% endfor %}"
                    "<p>{{ c }}</p></form>");
}

/* {% url %}: routes of the app and of the blueprint, values that fit or do not. */
static void make_urls(struct wire_buf *t)
{
    static const char *const forms[] = {
        "{% url 'index' %}", "{% url 'post' 7 %}", "{% url 'post' id=it.v %}",
        "{% url 'post' it.v q=a %}", "{% url 'page' a|default('s') 3 %}",
        "{% url 'page' 'my slug' n=it.v %}", "{% url 'blog:detail' 1999 'x&y' %}",
        "{% url 'blog:archive' page=it.v sort=b %}", "{% url 'blog:detail' slug='s' year=12 %}",
        "{% url \"post\" '12' extra='a&b' %}"};
    static const char *const bad[] = {
        "{% url 'nowhere' %}", "{% url 'post' 'x' %}", "{% url 'post' 1 2 %}",
        "{% url 'blog:post' 1 %}", "{% url 'page' 's' %}", "{% url %}",
        "{% url 'post' '1' '2' %}", "{% url 'page' 's' '2' 'x' %}"};
    wire_buf_str(t, "{% for it in items %}");
    for (int n = 1 + (int)wire_rng_below(&rng, 3); n > 0; n--) {
        wire_buf_str(t, "<a href=\"");
        wire_buf_str(t, PICK(forms));
        wire_buf_str(t, "\">{{ forloop.counter }}</a>");
    }
    wire_buf_str(t, "{% endfor %}");
    wire_buf_str(t, PICK(forms) + 0);
    if (wire_rng_below(&rng, 4) == 0) {
        wire_buf_str(t, "\n");
        wire_buf_str(t, PICK(bad));
    }
}

/* {% include %}: a partial seeing the loop variable, a name from the context, one that
 * includes another, a missing one. */
static void test_include(const char *name)
{
    struct wire_buf ops = {0};
    add(&ops, "keg", NULL);
    add(&ops, "ext", "rev", NULL);
    add(&ops, "tpl", "row.html", "<tr><td>{{ it.v }}</td><td>{{ it.name|rev }}</td>"
                                 "{% include 'cell.html' %}</tr>", NULL);
    add(&ops, "tpl", "cell.html", "<td>{{ forloop.counter }}:{{ a }}</td>", NULL);
    add(&ops, "tpl", "partial.html", "{% extends 'frame.html' %}{% block x %}<{{ b }}>"
                                     "{{ block.super }}{% endblock %}", NULL);
    add(&ops, "tpl", "frame.html", "[{% block x %}frame {{ c }}{% endblock %}]", NULL);
    add(&ops, "tpl", "broken.html", "ok\n\n{% if %}", NULL);
    add(&ops, "ext", "incl", NULL);
    add(&ops, "render", "err.html", "\n{% include 'broken.html' %}", NULL);
    add(&ops, "render", "incl0.html", "<{% incl 'cell.html' %}>", NULL);
    add(&ops, "render", "incl1.html", "{% incl %}", NULL);
    add(&ops, "render", "incl2.html", "\n{% incl 'nowhere.html' %}", NULL);
    add(&ops, "render", "incl3.html", "\n\n{% incl 'broken.html' %}", NULL);
    for (int i = 0; i < 4; i++) {
        char tname[24];
        struct wire_buf t = {0};
        context(&ops, (int)wire_rng_below(&rng, 5));
        add(&ops, "set", "which", wire_rng_below(&rng, 2) ? "partial.html" : "cell.html", NULL);
        wire_buf_str(&t, "<table>{% for it in items %}{% include \"row.html\" %}"
                         "{% empty %}{% include 'partial.html' %}{% endfor %}</table>"
                         "{% include which %}");
        int k = (int)wire_rng_below(&rng, 4);
        if (k == 0)
            wire_buf_str(&t, "\n{% include 'nowhere.html' %}");
        else if (k == 1)
            wire_buf_str(&t, "\n\n{% include %}");
        snprintf(tname, sizeof tname, "inc%d.html", i);
        add(&ops, "render", tname, t.data, NULL);
        wire_buf_free(&t);
    }
    check(name, &ops);
    wire_buf_free(&ops);
}

/* {% csrf_token %} with a token that needs escaping, none, "" and NOTPROVIDED. */
static void test_csrf(const char *name)
{
    static const char *const tokens[] = {"abc\"><script>", "Zx9'q&w", "", "NOTPROVIDED", NULL};
    struct wire_buf ops = {0};
    char tok[80];
    add(&ops, "keg", NULL);
    for (int i = 0; i < 4; i++) {
        const char *pick = PICK(tokens);
        if (pick == NULL || i == 0) {
            int n = 0;
            for (int k = 0; k < 32; k++)
                n += snprintf(tok + n, sizeof tok - (size_t)n, "%c",
                              "aZ09&<\"'x"[wire_rng_below(&rng, 9)]);
            pick = tok;
        }
        add(&ops, "set", "csrf_token", pick, NULL);
        add(&ops, "render", "form.html", "<form method=\"post\">{% csrf_token %}"
                                         "<input name=\"q\"></form>", NULL);
    }
    char long_tok[700];                 /* longer than any buffer a tag might write through */
    size_t n = 0;
    while (n + 1 < sizeof long_tok)
        long_tok[n++] = "aZ09&<\"'x"[wire_rng_below(&rng, 9)];
    long_tok[n] = '\0';
    add(&ops, "set", "csrf_token", long_tok, NULL);
    add(&ops, "render", "long.html", "{% csrf_token %}", NULL);
    add(&ops, "render", "loop.html", "{% for it in items %}{% csrf_token %}{% endfor %}", NULL);
    add(&ops, "render", "bad.html", "\n{% csrf_token 'x' %}", NULL);
    check(name, &ops);
    wire_buf_free(&ops);
}

/* {{ block.super }} in two and three levels, with filters, and where no parent has it. */
static void test_super(const char *name)
{
    struct wire_buf ops = {0};
    add(&ops, "ext", "shout", NULL);
    add(&ops, "ext", "gone", NULL);
    for (int round = 0; round < 4; round++) {
        context(&ops, (int)wire_rng_below(&rng, 3));
        add(&ops, "safe", "a", "<i>it's</i>", NULL);
        add(&ops, "tpl", "base.html", "<title>{% block title %}Site {{ a }}{% endblock %}"
                                      "</title>{% block body %}<main>{{ b }}</main>"
                                      "{% block inner %}base inner{% endblock %}{% endblock %}",
            NULL);
        add(&ops, "tpl", "mid.html", wire_rng_below(&rng, 2)
            ? "{% extends 'base.html' %}{% block title %}Mid - {{ block.super }}{% endblock %}"
            : "{% extends 'base.html' %}{% block inner %}[{{ block.super|upper }}]{% endblock %}",
            NULL);
        struct wire_buf kid = {0};
        wire_buf_str(&kid, wire_rng_below(&rng, 2) ? "{% extends 'mid.html' %}"
                                                   : "{% extends 'base.html' %}");
        if (wire_rng_below(&rng, 2))
            wire_buf_str(&kid, "{% block title %}{{ c }} | {{ block.super }}{% endblock %}");
        wire_buf_str(&kid, "{% block inner %}{{ block.super }}+kid{% endblock %}");
        if (wire_rng_below(&rng, 2))
            wire_buf_str(&kid, "{% block body %}{{ block.super }}{{ block.super }}"
                               "{% endblock %}");
        add(&ops, "render", "kid.html", kid.data, NULL);
        add(&ops, "render", "shout.html", "{% extends 'base.html' %}{% block title %}"
                                          "{{ block.super|shout }}{{ block.super|gone }}"
                                          "{% endblock %}", NULL);
        add(&ops, "render", "alone.html", "{% block x %}<{{ block.super }}>{% endblock %}"
                                          "{{ block.super }}", NULL);
        wire_buf_free(&kid);
    }
    check(name, &ops);
    wire_buf_free(&ops);
}

/* The registry's own rules: names refused, a name registered again, unknown before. */
static void test_registry(const char *name)
{
    struct wire_buf ops = {0};
    add(&ops, "render", "before.html", "{{ a|rev }}", NULL);
    add(&ops, "render", "before2.html", "\n{% pair 1 %}", NULL);
    add(&ops, "ext", "rev", "upper", NULL);
    add(&ops, "ext", "pair", "for", NULL);
    add(&ops, "ext", "pair", "empty", NULL);
    add(&ops, "ext", "rev", "9x", NULL);
    add(&ops, "ext", "rev", "with-dash", NULL);
    add(&ops, "ext", "rev", "a_name_that_is_far_too_long_for_it", NULL);
    add(&ops, "ext", "rev", NULL);
    add(&ops, "ext", "shout", "rev", NULL);           /* replaces rev */
    add(&ops, "ext", "peek", NULL);
    add(&ops, "ext", "pair", "peek", NULL);           /* replaces peek */
    add(&ops, "set", "a", PICK(values), NULL);
    add(&ops, "render", "after.html", "{{ a|rev }}|{% peek 'a' %}", NULL);
    add(&ops, "render", "filterarg.html", "{{ a|rev( }}", NULL);
    add(&ops, "ext", "rev", "A_Z", NULL);
    add(&ops, "ext", "pair", "Alpha", NULL);
    add(&ops, "ext", "who", NULL);
    add(&ops, "render", "names.html", "{{ a|A_Z }}{% Alpha 'x y'%}{% peek \"a b\"%}{% who %}",
        NULL);
    char many[24];
    for (int i = 0; i < VIAL_TPL_MAX_EXT + 1; i++) {
        snprintf(many, sizeof many, "f%d", i);
        add(&ops, "ext", "gone", many, NULL);
    }
    check(name, &ops);
    wire_buf_free(&ops);
}

/* ---- the Fortunes page ------------------------------------------------------------- */

static const struct {
    int id;
    const char *message;
} fortunes[] = {
    {1, "fortune: No such file or directory"},
    {2, "A computer scientist is someone who fixes things that aren't broken."},
    {3, "After enough decimal places, nobody gives a damn."},
    {4, "A bad random number generator: 1, 1, 1, 1, 1, 4.33e+67, 1, 1, 1"},
    {5, "A computer program does what you tell it to do, not what you want it to do."},
    {6, "Emacs is a nice operating system, but I prefer UNIX. \xe2\x80\x94 Tom Christaensen"},
    {7, "Any program that runs right is obsolete."},
    {8, "A list is only as strong as its weakest link. \xe2\x80\x94 Donald Knuth"},
    {9, "Feature: A bug with seniority."},
    {10, "Computers make very fast, very accurate mistakes."},
    {11, "<script>alert(\"This should not be displayed in a browser alert box.\");</script>"},
    {12, "\xe3\x83\x95\xe3\x83\xac\xe3\x83\xbc\xe3\x83\xa0\xe3\x83\xaf\xe3\x83\xbc\xe3\x82\xaf"
         "\xe3\x81\xae\xe3\x83\x99\xe3\x83\xb3\xe3\x83\x81\xe3\x83\x9e\xe3\x83\xbc\xe3\x82\xaf"},
    {0, "Additional fortune added at request time."},
};
#define NFORTUNES (sizeof fortunes / sizeof fortunes[0])

/* The page, byte for byte, as Flask with Jinja2 renders it (&#34; and &#39; are
 * markupsafe's entities for the quotes). */
static const char fortunes_page[] =
    "<!DOCTYPE html><html><head><title>Fortunes</title></head><body><table>"
    "<tr><th>id</th><th>message</th></tr>"
    "<tr><td>11</td><td>&lt;script&gt;alert(&#34;This should not be displayed in a browser "
    "alert box.&#34;);&lt;/script&gt;</td></tr>"
    "<tr><td>4</td><td>A bad random number generator: 1, 1, 1, 1, 1, 4.33e+67, 1, 1, 1</td></tr>"
    "<tr><td>5</td><td>A computer program does what you tell it to do, not what you want it "
    "to do.</td></tr>"
    "<tr><td>2</td><td>A computer scientist is someone who fixes things that aren&#39;t "
    "broken.</td></tr>"
    "<tr><td>8</td><td>A list is only as strong as its weakest link. \xe2\x80\x94 Donald "
    "Knuth</td></tr>"
    "<tr><td>0</td><td>Additional fortune added at request time.</td></tr>"
    "<tr><td>3</td><td>After enough decimal places, nobody gives a damn.</td></tr>"
    "<tr><td>7</td><td>Any program that runs right is obsolete.</td></tr>"
    "<tr><td>10</td><td>Computers make very fast, very accurate mistakes.</td></tr>"
    "<tr><td>6</td><td>Emacs is a nice operating system, but I prefer UNIX. \xe2\x80\x94 Tom "
    "Christaensen</td></tr>"
    "<tr><td>9</td><td>Feature: A bug with seniority.</td></tr>"
    "<tr><td>1</td><td>fortune: No such file or directory</td></tr>"
    "<tr><td>12</td><td>\xe3\x83\x95\xe3\x83\xac\xe3\x83\xbc\xe3\x83\xa0\xe3\x83\xaf\xe3\x83\xbc"
    "\xe3\x82\xaf\xe3\x81\xae\xe3\x83\x99\xe3\x83\xb3\xe3\x83\x81\xe3\x83\x9e\xe3\x83\xbc"
    "\xe3\x82\xaf</td></tr>"
    "</table></body></html>";

static const char layout_html[] =
    "<!DOCTYPE html><html><head><title>{% block title %}{% endblock %}</title></head>"
    "<body>{% block content %}{% endblock %}</body></html>";
static const char fortunes_html[] =
    "{% extends \"layout.html\" %}{% block title %}Fortunes{% endblock %}"
    "{% block content %}<table><tr><th>id</th><th>message</th></tr>"
    "{% for f in fortunes %}{% include \"fortune_row.html\" %}"
    "{% empty %}<tr><td colspan=\"2\">none</td></tr>{% endfor %}</table>{% endblock %}";
static const char row_html[] = "<tr><td>{{ f.id }}</td><td>{{ f.message }}</td></tr>";

static int by_message(const void *a, const void *b)
{
    return strcmp(fortunes[*(const size_t *)a].message, fortunes[*(const size_t *)b].message);
}

static void test_fortunes(const char *name)
{
    struct wire_buf ops = {0};
    size_t order[NFORTUNES];
    for (size_t i = 0; i < NFORTUNES; i++)
        order[i] = i;
    for (size_t i = NFORTUNES - 1; i > 0; i--) {   /* the database's order is any order */
        size_t j = (size_t)wire_rng_below(&rng, i + 1), x = order[i];
        order[i] = order[j];
        order[j] = x;
    }
    qsort(order, NFORTUNES, sizeof order[0], by_message);
    add(&ops, "keg", NULL);
    add(&ops, "tpl", "layout.html", layout_html, NULL);
    add(&ops, "tpl", "fortunes.html", fortunes_html, NULL);
    add(&ops, "tpl", "fortune_row.html", row_html, NULL);
    for (size_t i = 0; i < NFORTUNES; i++) {
        char id[16];
        snprintf(id, sizeof id, "%d", fortunes[order[i]].id);
        add(&ops, "push", "fortunes", NULL);
        add(&ops, "int", "id", id, NULL);
        add(&ops, "set", "message", fortunes[order[i]].message, NULL);
        add(&ops, "pop", NULL);
    }
    add(&ops, "view", "fortunes.html", NULL);
    /* The reference must give the page itself, or the comparison proves nothing. */
    struct wire_buf want = {0};
    size_t elen = 0;
    char *ref = op_exec(ops.data, ops.len, &elen);
    wire_buf_str(&want, "view -> 0, status 200\nContent-Type: text/html; charset=utf-8\nbody \"");
    wire_buf_escaped(&want, fortunes_page, strlen(fortunes_page), 0);
    wire_buf_str(&want, "\"\n");
    if (ref == NULL || strcmp(ref, want.data) != 0)
        tap_fail_with(__FILE__, __LINE__, "the reference does not render the page", ref,
                      want.data, "%s", name);
    else
        check(name, &ops);
    free(ref);
    wire_buf_free(&want);
    wire_buf_free(&ops);
}

int main(int argc, char **argv)
{
    uint64_t seed = wire_seed_arg(argc, argv);
    wire_rng_seed(&rng, seed);
    wire_peer_init(&peer, 10000);
    tap_plan(11);
    test_registry("vial_template_add_tag/_filter: names refused, replaced, unknown before");
    test_random("the app's own filters: their results, safe or escaped, missing", 6, 0,
                make_filters, NULL);
    test_random("the app's own tags: arguments evaluated where the tag stands, errors", 6, 0,
                make_tags, NULL);
    test_random("{% for %} with {% empty %} and forloop.counter/first/last...", 8, 0,
                make_loops, NULL);
    test_super("{{ block.super }}: the parent's block, two and three levels, with filters");
    test_include("keg's {% include %}: same context and loop variables, nested, missing");
    test_random("keg's {% url %}: app and blueprint routes, positional and named values", 8,
                1, make_urls, url_failures);
    test_csrf("keg's {% csrf_token %}: the hidden input, escaped, or nothing");
    test_random("& < > \" ' escaped in text and in attribute values", 6, 1, make_escape, NULL);
    test_fortunes("the TechEmpower Fortunes page with extends, for, include: exactly");
    test_fortunes("the Fortunes page again, from another database order");
    return wire_finish(&peer);
}
