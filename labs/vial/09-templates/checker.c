/* checker.c -- lab 09's hidden tests: random templates (output, filters, if, for,
 * extends and blocks, syntax errors, extends cycles) rendered with random contexts full
 * of characters that must be escaped, and the TechEmpower "Fortunes" page, which must
 * come out exactly. Each test is a batch of operations run by the driver on the
 * learner's vial and, here, on the reference with the same driver code; the two texts
 * must be equal. Run as `checker SEED`. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vial.h"
#include "tap.h"
#include "wire.h"

/* The reference side runs the operations the driver runs (ops.h). */
#include "ops.h"

static struct wire_rng rng;
static struct wire_peer peer;

#define PICK(a) (a)[wire_rng_below(&rng, sizeof(a) / sizeof((a)[0]))]

static const char *const values[] = {
    "<b>bold</b>", "Tom & Jerry", "it's", "say \"hi\"", "", "  padded  ", "plain",
    "フレームワーク", "&amp; already", "<script>alert('x')</script>", "a<b>c", "0", "MiXeD Case"};
static const char *const texts[] = {"Hi ", "<p>", "</p>", " & ", "\n", "'q' ", "\"dq\" ", "—",
                                    " x ", "<br>\n"};
static const char *const filters[] = {"upper", "lower", "trim", "length", "safe", "e",
                                      "escape", "default(\"d&<\")", "default('none')",
                                      "default(\"\")"};
static const char *const vars[] = {"a", "b", "c", "d", "e", "missing"};

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

/* A random context: a..e strings (some safe), lists items[name, v, cells[t]]. */
static void context(struct wire_buf *ops)
{
    for (size_t i = 0; i + 1 < sizeof vars / sizeof vars[0]; i++)
        if (wire_rng_below(&rng, 5))
            add(ops, wire_rng_below(&rng, 4) ? "set" : "safe", vars[i], PICK(values), NULL);
    size_t n = (size_t)wire_rng_below(&rng, 5);
    for (size_t i = 0; i < n; i++) {
        add(ops, "push", "items", NULL);
        add(ops, "set", "name", PICK(values), NULL);
        add(ops, "int", "v", i % 2 ? "7" : "-3", NULL);
        for (size_t k = (size_t)wire_rng_below(&rng, 3); k > 0; k--) {
            add(ops, "push", "cells", NULL);
            add(ops, "set", "t", PICK(values), NULL);
            add(ops, "pop", NULL);
        }
        add(ops, "pop", NULL);
    }
}

/* An expression: a name (or a loop variable's field, or a literal) and filters. */
static void expr(struct wire_buf *t, const char *loopvar, int nfilters)
{
    int k = (int)wire_rng_below(&rng, 6);
    if (loopvar != NULL && k < 2) {
        wire_buf_str(t, loopvar);
        wire_buf_str(t, k ? ".name" : ".v");
    } else if (k == 2) {
        static const char *const lits[] = {"'lit<&>'", "\"Lit 'q'\"", "''", "\"\""};
        wire_buf_str(t, PICK(lits));
    } else {
        wire_buf_str(t, PICK(vars));
    }
    for (int i = 0; i < nfilters; i++) {
        wire_buf_str(t, wire_rng_below(&rng, 2) ? "|" : " | ");
        wire_buf_str(t, PICK(filters));
    }
}

/* A random well-formed template body; kinds limits what it may hold. */
static void body(struct wire_buf *t, int depth, const char *loopvar, int maxf, int kinds)
{
    size_t n = 1 + (size_t)wire_rng_below(&rng, 4);
    for (size_t i = 0; i < n; i++) {
        int k = depth > 2 ? (int)wire_rng_below(&rng, 2) : (int)wire_rng_below(&rng, (uint64_t)kinds);
        if (k == 0) {
            wire_buf_str(t, PICK(texts));
        } else if (k == 1) {
            wire_buf_str(t, wire_rng_below(&rng, 2) ? "{{ " : "{{");
            expr(t, loopvar, (int)wire_rng_below(&rng, (uint64_t)maxf + 1));
            wire_buf_str(t, wire_rng_below(&rng, 4) ? " }}" : " -}}");
        } else if (k == 2) {
            wire_buf_str(t, wire_rng_below(&rng, 2) ? "{% if " : "{% if not ");
            expr(t, loopvar, (int)wire_rng_below(&rng, 2));
            wire_buf_str(t, " %}");
            body(t, depth + 1, loopvar, maxf, kinds);
            if (wire_rng_below(&rng, 2)) {
                wire_buf_str(t, "{% elif ");
                expr(t, loopvar, 0);
                wire_buf_str(t, " %}");
                body(t, depth + 1, loopvar, maxf, kinds);
            }
            if (wire_rng_below(&rng, 2)) {
                wire_buf_str(t, "{%- else -%}");
                body(t, depth + 1, loopvar, maxf, kinds);
            }
            wire_buf_str(t, "{% endif %}");
        } else {
            const char *var = loopvar == NULL ? "it" : "c";
            wire_buf_str(t, "{% for ");
            wire_buf_str(t, var);
            wire_buf_str(t, loopvar == NULL ? " in items %}" : " in it.cells %}");
            body(t, depth + 1, var, maxf, kinds);
            if (loopvar != NULL)
                wire_buf_str(t, "[{{ c.t }}|{{ it.name|upper }}]");
            if (wire_rng_below(&rng, 3) == 0) {
                wire_buf_str(t, "{% else %}");
                body(t, depth + 1, loopvar, maxf, kinds);
            }
            wire_buf_str(t, "{% endfor %}");
        }
    }
}

/* One test: `count` random templates of the given shape, each with a fresh context. */
static void test_random(const char *name, int maxf, int kinds, int count)
{
    struct wire_buf ops = {0};
    char tname[16];
    for (int i = 0; i < count; i++) {
        struct wire_buf t = {0};
        context(&ops);
        body(&t, 0, NULL, maxf, kinds);
        snprintf(tname, sizeof tname, "t%d.html", i);
        add(&ops, "render", tname, t.data ? t.data : "", NULL);
        wire_buf_free(&t);
    }
    if (maxf > 0)       /* length counts characters: each value, and a UTF-8 literal */
        add(&ops, "render", "length.html", "{{ a|length }} {{ b|length }} {{ c|length }} "
            "{{ d|length }} {{ e|length }} {{ \"\xe3\x83\x95\xe3\x83\xac\xe3\x83\xbc"
            "\xe3\x83\xa0\"|length }}", NULL);
    check(name, &ops);
    wire_buf_free(&ops);
}

/* A base with blocks, a middle one and a child overriding some of them. */
static void test_extends(const char *name)
{
    struct wire_buf ops = {0};
    for (int round = 0; round < 4; round++) {
        struct wire_buf base = {0}, mid = {0}, kid = {0};
        context(&ops);
        wire_buf_str(&base, "<html>{% block head %}<title>{% block title %}Base{% endblock %}"
                            "</title>{% endblock %}\n<body>");
        body(&base, 1, NULL, 1, 2);
        wire_buf_str(&base, "{% block content %}default {{ a }}{% endblock content %}"
                            "{% block foot %}(c){% endblock %}</body></html>");
        wire_buf_str(&mid, "{% extends \"base.html\" %}not shown");
        if (wire_rng_below(&rng, 2))
            wire_buf_str(&mid, "{% block foot %}mid foot {{ b|e }}{% endblock %}");
        wire_buf_str(&mid, "{% block content %}<div>{% block inner %}mid{% endblock %}</div>"
                           "{% endblock %}");
        wire_buf_str(&kid, wire_rng_below(&rng, 2) ? "{% extends \"mid.html\" %}"
                                                   : "\n\n{% extends 'base.html' %}");
        if (wire_rng_below(&rng, 2)) {
            wire_buf_str(&kid, "{% block title %}");
            body(&kid, 1, NULL, 2, 2);
            wire_buf_str(&kid, "{% endblock %}");
        }
        wire_buf_str(&kid, "ignored {{ a }}{% block inner %}");
        body(&kid, 1, NULL, 2, 4);
        wire_buf_str(&kid, "{% endblock %}");
        add(&ops, "tpl", "base.html", base.data, NULL);
        add(&ops, "tpl", "mid.html", mid.data, NULL);
        add(&ops, "render", "kid.html", kid.data, NULL);
        add(&ops, "render", "base.html", base.data, NULL);
        wire_buf_free(&base);
        wire_buf_free(&mid);
        wire_buf_free(&kid);
    }
    check(name, &ops);
    wire_buf_free(&ops);
}

static void test_errors(const char *name)
{
    static const char *const bad[] = {"{% extends 'a' %}\n{% extends 'b' %}",
        "{{ a|nosuchfilter }}", "{% frobnicate %}", "{% if a %}never closed", "{{ a ",
        "{% endfor %}", "{% for x items %}{% endfor %}", "{% block %}\n{% endblock %}",
        "{% block one %}{% endblock two %}", "{% if a %}{% extends \"b\" %}{% endif %}",
        "{% block x %}{% endblock %}{% block x %}{% endblock %}", "{{ }}", "{{ a b }}",
        "{{ a|default }}", "{# never closed", "{% for x in items %}{% else %}", "{% else %}",
        "{% if a %}{% for i in items %}{% endif %}{% endfor %}", "{{ a. }}"};
    enum { NBAD = sizeof bad / sizeof bad[0] };
    struct wire_buf ops = {0};
    char tname[16];
    size_t order[NBAD];
    add(&ops, "tpl", "a", "[{% block x %}a{% endblock %}]", NULL);   /* parents that exist */
    add(&ops, "tpl", "b", "[{% block x %}b{% endblock %}]", NULL);
    for (size_t i = 0; i < NBAD; i++)
        order[i] = i;
    for (size_t i = NBAD - 1; i > 0; i--) {     /* each one once, in a random order */
        size_t j = (size_t)wire_rng_below(&rng, i + 1), x = order[i];
        order[i] = order[j];
        order[j] = x;
    }
    for (size_t i = 0; i < NBAD; i++) {
        struct wire_buf t = {0};
        for (size_t k = (size_t)wire_rng_below(&rng, 4); k > 0; k--) {
            body(&t, 1, NULL, 1, 3);
            wire_buf_str(&t, "\n");
        }
        wire_buf_str(&t, bad[order[i]]);
        if (wire_rng_below(&rng, 2))
            wire_buf_str(&t, "\ntrailing {{ a }}\n");
        snprintf(tname, sizeof tname, "bad%zu.html", i);
        add(&ops, "render", tname, t.data, NULL);
        wire_buf_free(&t);
    }
    /* 64 blocks or more, then the 64th defined again. */
    struct wire_buf t = {0};
    int nblocks = 64 + (int)wire_rng_below(&rng, 3);
    for (int i = 0; i < nblocks; i++) {
        char b[64];
        snprintf(b, sizeof b, "{%% block b%d %%}%d{%% endblock %%}%s", i, i, i % 8 ? "" : "\n");
        wire_buf_str(&t, b);
    }
    add(&ops, "render", "blocks.html", t.data, NULL);
    char again[64];
    snprintf(again, sizeof again, "\n{%% block b%d %%}{%% endblock %%}", 63);
    wire_buf_str(&t, again);
    add(&ops, "render", "twice.html", t.data, NULL);
    wire_buf_free(&t);
    add(&ops, "render", "good.html", "{{ a|default('ok') }}", NULL);
    check(name, &ops);
    wire_buf_free(&ops);
}

/* Extends cycles of length 1..3 and a missing parent, each at a random line. */
static void test_cycles(const char *name)
{
    struct wire_buf ops = {0};
    char t[64], self[24], parent[24];
    int len = 1 + (int)wire_rng_below(&rng, 3);
    for (int i = 0; i < len; i++) {
        snprintf(self, sizeof self, "c%d.html", i);
        snprintf(parent, sizeof parent, "c%d.html", (i + 1) % len);
        snprintf(t, sizeof t, "%.*s{%% extends \"%s\" %%}", (int)wire_rng_below(&rng, 4),
                 "\n\n\n", parent);
        add(&ops, "tpl", self, t, NULL);
    }
    add(&ops, "message", "start.html", "{% extends \"c0.html\" %}", NULL);
    add(&ops, "message", "self.html", "\n{% extends \"self.html\" %}", NULL);
    snprintf(t, sizeof t, "%.*s{%% extends \"nowhere.html\" %%}", (int)wire_rng_below(&rng, 4),
             "\n\n\n");
    add(&ops, "message", "orphan.html", t, NULL);
    add(&ops, "tpl", "ok.html", "[{% block b %}{% endblock %}]", NULL);
    add(&ops, "render", "fine.html", "{% extends \"ok.html\" %}{% block b %}fine{% endblock %}", NULL);
    check(name, &ops);
    wire_buf_free(&ops);
}

/* Templates read from the app's folder: found by name, extended, overridden by the
 * app's own; a missing file, ".." and a name starting with '/' are not found (the files
 * exist outside the folder and at its root); a syntax error in a viewed file. */
static void test_folder(const char *name)
{
    struct wire_buf ops = {0}, page = {0}, base = {0};
    char word[12];
    wire_rng_word(&rng, word, "abcdefghijklmnopqrstuvwxyz", 26, 3, 8);
    context(&ops);
    wire_buf_str(&base, "<main>{% block content %}base{% endblock %}</main>");
    body(&base, 1, NULL, 1, 3);
    wire_buf_str(&page, wire_rng_below(&rng, 2) ? "{% extends 'base.html' %}"
                                                : "\n{% extends \"base.html\" %}");
    wire_buf_str(&page, "{% block content %}");
    body(&page, 1, NULL, 2, 4);
    wire_buf_str(&page, "{% endblock %}");
    add(&ops, "file", "tpl/base.html", base.data, NULL);
    add(&ops, "file", "tpl/page.html", page.data, NULL);
    add(&ops, "file", "tpl/empty.html", "", NULL);
    add(&ops, "file", "tpl/broken.html", "line one\n{% if a %}never closed", NULL);
    add(&ops, "file", "tpl/x.html", "x {{ a }}", NULL);
    add(&ops, "file", "secret.html", "secret {{ a }}", NULL);
    add(&ops, "folder", "tpl", NULL);
    add(&ops, "view", "page.html", NULL);
    add(&ops, "view", "x.html", NULL);
    add(&ops, "view", "empty.html", NULL);
    add(&ops, "view", "broken.html", NULL);
    add(&ops, "view", word, NULL);
    add(&ops, "view", "../secret.html", NULL);
    add(&ops, "view", "/x.html", NULL);
    add(&ops, "view", "./x.html", NULL);
    add(&ops, "render", "kid.html", "{% extends 'page.html' %}{% block content %}kid{% endblock %}",
        NULL);
    add(&ops, "render", "up.html", "{% extends '../secret.html' %}", NULL);
    add(&ops, "tpl", "x.html", "the app's own {{ a|upper }}", NULL);
    add(&ops, "view", "x.html", NULL);
    check(name, &ops);
    wire_buf_free(&page);
    wire_buf_free(&base);
    wire_buf_free(&ops);
}

/* vial_app_add_template's refusals; a name added again replaces its source. */
static void test_add(const char *name)
{
    struct wire_buf ops = {0};
    context(&ops);
    add(&ops, "tpl", "", "{{ a }}", NULL);
    add(&ops, "tpl", "(null)", "{{ a }}", NULL);
    add(&ops, "tpl", "n.html", "(null)", NULL);
    add(&ops, "tpl", "n.html", "first {{ b }}", NULL);
    add(&ops, "tpl", "n.html", "second {{ c }}", NULL);
    add(&ops, "view", "n.html", NULL);
    add(&ops, "render", "k.html", "{% extends 'n.html' %}", NULL);
    check(name, &ops);
    wire_buf_free(&ops);
}

/* Appends `levels` nested tags of one kind around `inner`, on one line: ifs, or for
 * loops over items (two of them) outside and over one (one item) inside it. */
static void nest(struct wire_buf *t, int levels, const char *inner, int loops)
{
    char open[48];
    for (int i = 0; i < levels; i++) {
        if (loops)
            snprintf(open, sizeof open, "{%% for v%d in %s %%}", i, i ? "one" : "items");
        else
            snprintf(open, sizeof open, "{%% if %s %%}", i % 2 ? "a" : "not missing");
        wire_buf_str(t, open);
    }
    wire_buf_str(t, inner);
    for (int i = 0; i < levels; i++)
        wire_buf_str(t, loops ? "{% endfor %}" : "{% endif %}");
}

/* Tags nested 64 deep parse, 65 do not; 16 for loops run one inside another, a 17th is
 * an error once output has started; a missing parent is found before any rendering. */
static void test_nesting(const char *name)
{
    struct wire_buf ops = {0}, t = {0};
    add(&ops, "set", "a", PICK(values), NULL);
    for (int i = 0; i < 2; i++) {
        add(&ops, "push", "items", NULL);
        add(&ops, "set", "name", PICK(values), NULL);
        add(&ops, "pop", NULL);
    }
    add(&ops, "push", "one", NULL);
    add(&ops, "set", "name", PICK(values), NULL);
    add(&ops, "pop", NULL);
    int deep = 33 + (int)wire_rng_below(&rng, 32);
    wire_buf_str(&t, "deep ");
    nest(&t, deep, "{{ a }}", 0);
    add(&ops, "render", "deep.html", t.data, NULL);
    wire_buf_free(&t);
    wire_buf_str(&t, "\n");
    nest(&t, 64, "{{ a }}", 0);
    add(&ops, "render", "d64.html", t.data, NULL);
    wire_buf_free(&t);
    wire_buf_str(&t, "\n\n");
    nest(&t, 65 + (int)wire_rng_below(&rng, 4), "{{ a }}", 0);
    add(&ops, "render", "d65.html", t.data, NULL);
    wire_buf_free(&t);
    wire_buf_str(&t, "16 loops:");
    nest(&t, 16, "{{ v15.name|length }}", 1);
    add(&ops, "render", "f16.html", t.data, NULL);
    wire_buf_free(&t);
    wire_buf_str(&t, "17 loops:\n");
    nest(&t, 17, "{{ a }}", 1);
    add(&ops, "render", "f17.html", t.data, NULL);
    wire_buf_free(&t);
    wire_buf_str(&t, "{% extends 'nowhere.html' %}");
    nest(&t, 17, "{{ a }}", 1);
    add(&ops, "message", "orphan.html", t.data, NULL);
    wire_buf_free(&t);
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
    "<!DOCTYPE html><html><head><title>{% block title %}{% endblock %}</title></head><body>\n"
    "  {%- block content %}{% endblock -%}\n</body></html>";
static const char fortunes_html[] =
    "{% extends \"layout.html\" %}\n"
    "{% block title %}Fortunes{% endblock %}\n"
    "{% block content -%}\n"
    "<table>\n  {%- if fortunes -%}\n  <tr><th>id</th><th>message</th></tr>\n"
    "  {%- for f in fortunes -%}\n"
    "  <tr><td>{{ f.id }}</td><td>{{ f.message }}</td></tr>\n"
    "  {%- endfor %}\n  {%- endif -%}\n</table>\n{%- endblock %}";

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
    add(&ops, "tpl", "layout.html", layout_html, NULL);
    add(&ops, "tpl", "fortunes.html", fortunes_html, NULL);
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
    tap_plan(12);
    test_random("{{ }} output is escaped: & < > \" ' (values, literals, missing names)", 0, 2, 8);
    test_random("filters: upper lower trim length default, |safe and |e, no double escaping",
                3, 2, 10);
    test_random("if / elif / else and what counts as true", 1, 3, 8);
    test_random("for loops over lists of contexts, nested, with else", 1, 4, 8);
    test_extends("extends and blocks: two levels, overrides, defaults, text outside blocks");
    test_errors("syntax errors are reported as name:line");
    test_cycles("an extends cycle and a missing parent are errors at the extends line");
    test_folder("templates from the template folder: found, extended, not above it");
    test_add("vial_app_add_template: NULL or empty names and NULL sources are refused");
    test_nesting("limits: tags nested 64 deep, for loops 16 deep");
    test_fortunes("the TechEmpower Fortunes page, exactly (its <script> row, its Japanese row)");
    test_fortunes("the Fortunes page again, from another database order");
    files_remove();
    return wire_finish(&peer);
}
