/* app.c -- [lab 03] the app object and the dispatcher: the one function that turns a
 * vial_request into a vial_response, whoever delivered the request (the server, the
 * test client). It plays the part WSGI's application callable plays for Flask. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int vial_method_in(const char *methods, const char *method)
{
    size_t mlen = strlen(method);
    const char *p = methods;
    while (*p) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len == mlen && memcmp(p, method, len) == 0)
            return 1;
        p += len + (comma != NULL);
    }
    return 0;
}

/* A copy of s, or NULL (also when s is NULL). */
static char *app_dup(const char *s)
{
    if (s == NULL)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d != NULL)
        memcpy(d, s, n);
    return d;
}

vial_app *vial_app_new(const char *name)
{
/* SOLUTION(03) BEGIN */
    vial_app *app = calloc(1, sizeof *app);
    if (app == NULL)
        return NULL;
    app->name = app_dup(name ? name : "vial");
    if (app->name == NULL) {
        free(app);
        return NULL;
    }
    vial_pairs_init(&app->config);
    vial_pairs_init(&app->templates);
    return app;
/* SOLUTION(03) STUB
    (void)name;
    (void)app_dup;
    return NULL;
   SOLUTION(03) END */
}

void vial_app_free(vial_app *app)
{
    if (app == NULL)
        return;
    for (size_t i = 0; i < app->nrules; i++) {
        struct vial_rule *r = &app->rules[i];
        vial_rule_release(r);
        free(r->methods);
        free(r->rule);
        free(r->endpoint);
    }
    free(app->rules);
    vial_hooks_free(app);
    free(app->errors);
    for (size_t i = 0; i < app->nblueprints; i++)
        vial_blueprint_free(app->blueprints[i]);
    free(app->blueprints);
    vial_pairs_free(&app->config);
    vial_pairs_free(&app->templates);
    free(app->template_folder);
    free(app->static_prefix);
    free(app->static_folder);
    free(app->name);
    free(app);
}

void vial_app_set_user(vial_app *app, void *user)
{
    app->user = user;
}

void *vial_app_user(const vial_app *app)
{
    return app->user;
}

int vial_app_add_rule(vial_app *app, const char *methods, const char *rule,
                      const char *endpoint, vial_view view, vial_blueprint *bp)
{
/* SOLUTION(03) BEGIN */
    if (rule == NULL || rule[0] != '/' || view == NULL)
        return -1;
    if (endpoint == NULL)
        endpoint = rule;
    for (size_t i = 0; i < app->nrules; i++)
        if (strcmp(app->rules[i].endpoint, endpoint) == 0)
            return -1;
    if (app->nrules == app->caprules) {
        size_t cap = app->caprules ? app->caprules * 2 : 8;
        struct vial_rule *rules = realloc(app->rules, cap * sizeof *rules);
        if (rules == NULL)
            return -1;
        app->rules = rules;
        app->caprules = cap;
    }
    struct vial_rule r = {
        .methods = app_dup(methods ? methods : "GET"),
        .rule = app_dup(rule),
        .endpoint = app_dup(endpoint),
        .view = view,
        .bp = bp,
    };
    if (r.methods == NULL || r.rule == NULL || r.endpoint == NULL || vial_rule_compile(&r) < 0) {
        free(r.methods);
        free(r.rule);
        free(r.endpoint);
        return -1;
    }
    app->rules[app->nrules++] = r;
    return 0;
/* SOLUTION(03) STUB
    (void)app;
    (void)methods;
    (void)rule;
    (void)endpoint;
    (void)view;
    (void)bp;
    return -1;
   SOLUTION(03) END */
}

int vial_app_route(vial_app *app, const char *methods, const char *rule,
                   const char *endpoint, vial_view view)
{
    return vial_app_add_rule(app, methods, rule, endpoint, view, NULL);
}

int vial_abort(vial_response *res, int status)
{
/* SOLUTION(03) BEGIN */
    if (status < 400 || status > 599)
        status = 500;
    vial_pairs_free(&res->headers);
    vial_response_set_status(res, status);
    vial_response_set_header(res, "Content-Type", "text/plain; charset=utf-8");
    vial_response_set_body(res, NULL, 0);
    vial_response_printf(res, "%d %s\n", status, vial_reason_phrase(status));
    return status;
/* SOLUTION(03) STUB
    res->status = 501;
    (void)status;
    return 501;
   SOLUTION(03) END */
}

/* SOLUTION(03) BEGIN */
/* Runs the hooks and the view of a matched rule. Returns 0 or an error status. */
static int app_run_view(vial_app *app, struct vial_rule *rule, vial_request *req,
                        vial_response *res)
{
    int st = vial_hooks_before(app, rule, req, res);
    if (st >= 200 && st < 400)
        return 0;
    if (st != 0)
        return st >= 400 && st <= 599 ? st : 500;
    int rc = rule->view(req, res);
    if (rc == 0)
        return 0;
    return rc >= 400 && rc <= 599 ? rc : 500;
}
/* SOLUTION(03) END */

int vial_app_dispatch(vial_app *app, vial_request *req, vial_response *res)
{
/* SOLUTION(03) BEGIN */
    char allow[256] = "";
    struct vial_rule *rule = NULL;
    req->app = app;
    int st = vial_router_match(app, req, &rule, allow, sizeof allow);
    if (st == 0)
        st = app_run_view(app, rule, req, res);
    if (st != 0) {
        vial_error_response(app, req, res, st);
        if (st == 405 && allow[0] != '\0')
            vial_response_set_header(res, "Allow", allow);
    }
    vial_hooks_after(app, req, res);
    vial_session_save(req, res);
    vial_hooks_teardown(app, req, res);
    return res->status;
/* SOLUTION(03) STUB
    (void)app;
    (void)req;
    res->status = 501;
    return 501;
   SOLUTION(03) END */
}
