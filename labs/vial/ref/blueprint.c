/* blueprint.c -- [lab 08] blueprints: named groups of rules with a URL prefix and their
 * own before-request hooks, registered on an app (Flask's Blueprint). A blueprint only
 * records its rules; registering copies them into the app, prefixed and renamed
 * "name.endpoint". Until lab 08 none can be made. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* SOLUTION(08) BEGIN */
/* A rule as recorded by the blueprint: full rule (prefix applied), full endpoint. */
struct bp_rule {
    char *methods, *rule, *endpoint;
    vial_view view;
};

/* Invariant: every rule's endpoint starts with name + "." and is unique. */
struct vial_blueprint {
    char *name;
    char *prefix;               /* "" or "/blog" (no trailing '/') */
    struct bp_rule *rules;
    size_t nrules, caprules;
    struct vial_hooklist before;
};

/* A new string a + b (b may be NULL for none), or NULL when out of memory. */
static char *bp_join(const char *a, const char *b)
{
    size_t la = strlen(a), lb = b ? strlen(b) : 0;
    char *s = malloc(la + lb + 1);
    if (s == NULL)
        return NULL;
    memcpy(s, a, la);
    if (lb > 0)
        memcpy(s + la, b, lb);
    s[la + lb] = '\0';
    return s;
}

/* 1 when `rule` compiles as an app rule would (converters checked now, not later). */
static int bp_rule_ok(const char *rule)
{
    struct vial_rule r = {.rule = (char *)rule};
    if (rule[0] != '/' || vial_rule_compile(&r) < 0)
        return 0;
    vial_rule_release(&r);
    return 1;
}
/* SOLUTION(08) END */

vial_blueprint *vial_blueprint_new(const char *name, const char *url_prefix)
{
/* SOLUTION(08) BEGIN */
    if (name == NULL || name[0] == '\0' || strchr(name, '.') != NULL)
        return NULL;
    if (url_prefix == NULL)
        url_prefix = "";
    if (url_prefix[0] != '\0' && url_prefix[0] != '/')
        return NULL;
    vial_blueprint *bp = calloc(1, sizeof *bp);
    if (bp == NULL)
        return NULL;
    bp->name = bp_join(name, NULL);
    bp->prefix = bp_join(url_prefix, NULL);
    if (bp->name == NULL || bp->prefix == NULL) {
        vial_blueprint_free(bp);
        return NULL;
    }
    size_t n = strlen(bp->prefix);
    while (n > 0 && bp->prefix[n - 1] == '/')     /* "/blog/" + "/x" is "/blog/x" */
        bp->prefix[--n] = '\0';
    return bp;
/* SOLUTION(08) STUB
    (void)name;
    (void)url_prefix;
    return NULL;
   SOLUTION(08) END */
}

void vial_blueprint_free(vial_blueprint *bp)
{
/* SOLUTION(08) BEGIN */
    if (bp == NULL)
        return;
    for (size_t i = 0; i < bp->nrules; i++) {
        free(bp->rules[i].methods);
        free(bp->rules[i].rule);
        free(bp->rules[i].endpoint);
    }
    free(bp->rules);
    vial_hooklist_free(&bp->before);
    free(bp->name);
    free(bp->prefix);
    free(bp);
/* SOLUTION(08) STUB
    (void)bp;
   SOLUTION(08) END */
}

int vial_blueprint_route(vial_blueprint *bp, const char *methods, const char *rule,
                         const char *endpoint, vial_view view)
{
/* SOLUTION(08) BEGIN */
    if (bp == NULL || rule == NULL || rule[0] != '/' || view == NULL)
        return -1;
    char *dotted = bp_join(bp->name, ".");
    struct bp_rule r = {
        .methods = bp_join(methods ? methods : "GET", NULL),
        .rule = bp_join(bp->prefix, rule),
        .endpoint = dotted ? bp_join(dotted, endpoint ? endpoint : rule) : NULL,
        .view = view,
    };
    free(dotted);
    int bad = r.methods == NULL || r.rule == NULL || r.endpoint == NULL || !bp_rule_ok(r.rule);
    for (size_t i = 0; !bad && i < bp->nrules; i++)
        bad = strcmp(bp->rules[i].endpoint, r.endpoint) == 0;
    if (!bad && bp->nrules == bp->caprules) {
        size_t cap = bp->caprules ? bp->caprules * 2 : 4;
        struct bp_rule *rules = realloc(bp->rules, cap * sizeof *rules);
        bad = rules == NULL;
        if (!bad) {
            bp->rules = rules;
            bp->caprules = cap;
        }
    }
    if (bad) {
        free(r.methods);
        free(r.rule);
        free(r.endpoint);
        return -1;
    }
    bp->rules[bp->nrules++] = r;
    return 0;
/* SOLUTION(08) STUB
    (void)bp;
    (void)methods;
    (void)rule;
    (void)endpoint;
    (void)view;
    return -1;
   SOLUTION(08) END */
}

int vial_blueprint_before_request(vial_blueprint *bp, vial_hook hook)
{
/* SOLUTION(08) BEGIN */
    if (bp == NULL || hook == NULL)
        return -1;
    return vial_hooklist_add(&bp->before, hook);
/* SOLUTION(08) STUB
    (void)bp;
    (void)hook;
    return -1;
   SOLUTION(08) END */
}

/* SOLUTION(08) BEGIN */
/* 1 when registering bp would clash: same blueprint name, or an endpoint in use. */
static int bp_clashes(const vial_app *app, const vial_blueprint *bp)
{
    for (size_t i = 0; i < app->nblueprints; i++)
        if (strcmp(app->blueprints[i]->name, bp->name) == 0)
            return 1;
    for (size_t i = 0; i < bp->nrules; i++)
        for (size_t j = 0; j < app->nrules; j++)
            if (strcmp(app->rules[j].endpoint, bp->rules[i].endpoint) == 0)
                return 1;
    return 0;
}

/* Takes bp into the app's list (the app frees it from then on). Returns 0 or -1. */
static int bp_adopt(vial_app *app, vial_blueprint *bp)
{
    vial_blueprint **list = realloc(app->blueprints,
                                    (app->nblueprints + 1) * sizeof *list);
    if (list == NULL)
        return -1;
    app->blueprints = list;
    app->blueprints[app->nblueprints++] = bp;
    return 0;
}
/* SOLUTION(08) END */

int vial_app_register_blueprint(vial_app *app, vial_blueprint *bp)
{
/* SOLUTION(08) BEGIN */
    if (app == NULL || bp == NULL) {
        vial_blueprint_free(bp);
        return -1;
    }
    int clash = bp_clashes(app, bp);
    if (bp_adopt(app, bp) < 0) {
        vial_blueprint_free(bp);
        return -1;
    }
    if (clash)
        return -1;
    /* All or nothing: a rule that fails to add takes the earlier ones back out. */
    size_t before = app->nrules;
    for (size_t i = 0; i < bp->nrules; i++) {
        const struct bp_rule *r = &bp->rules[i];
        if (vial_app_add_rule(app, r->methods, r->rule, r->endpoint, r->view, bp) == 0)
            continue;
        while (app->nrules > before) {
            struct vial_rule *x = &app->rules[--app->nrules];
            vial_rule_release(x);
            free(x->methods);
            free(x->rule);
            free(x->endpoint);
        }
        return -1;
    }
    return 0;
/* SOLUTION(08) STUB
    (void)app;
    vial_blueprint_free(bp);
    return -1;
   SOLUTION(08) END */
}

const struct vial_hooklist *vial_blueprint_hooks(const vial_blueprint *bp)
{
/* SOLUTION(08) BEGIN */
    return bp ? &bp->before : NULL;
/* SOLUTION(08) STUB
    (void)bp;
    return NULL;
   SOLUTION(08) END */
}
