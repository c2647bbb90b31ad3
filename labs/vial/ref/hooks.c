/* hooks.c -- [lab 07] before-request, after-request and teardown hooks, and error
 * handlers per status: the code that runs around every view, as Flask's before_request,
 * after_request, teardown_request and errorhandler do. Until lab 07 the hook lists stay
 * empty and every error gets the plain error response. */
#include <stdlib.h>

#include "internal.h"

int vial_hooklist_add(struct vial_hooklist *l, vial_hook hook)
{
    if (l->len == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 4;
        vial_hook *items = realloc(l->items, cap * sizeof *items);
        if (items == NULL)
            return -1;
        l->items = items;
        l->cap = cap;
    }
    l->items[l->len++] = hook;
    return 0;
}

void vial_hooklist_free(struct vial_hooklist *l)
{
    free(l->items);
    l->items = NULL;
    l->len = l->cap = 0;
}

int vial_app_before_request(vial_app *app, vial_hook hook)
{
/* SOLUTION(07) BEGIN */
    return app != NULL && hook != NULL ? vial_hooklist_add(&app->before, hook) : -1;
/* SOLUTION(07) STUB
    (void)app;
    (void)hook;
    return -1;
   SOLUTION(07) END */
}

int vial_app_after_request(vial_app *app, vial_hook hook)
{
/* SOLUTION(07) BEGIN */
    return app != NULL && hook != NULL ? vial_hooklist_add(&app->after, hook) : -1;
/* SOLUTION(07) STUB
    (void)app;
    (void)hook;
    return -1;
   SOLUTION(07) END */
}

int vial_app_teardown_request(vial_app *app, vial_hook hook)
{
/* SOLUTION(07) BEGIN */
    return app != NULL && hook != NULL ? vial_hooklist_add(&app->teardown, hook) : -1;
/* SOLUTION(07) STUB
    (void)app;
    (void)hook;
    return -1;
   SOLUTION(07) END */
}

/* SOLUTION(07) BEGIN */
/* The handler registered for status, or NULL. */
static vial_view hooks_handler(const vial_app *app, int status)
{
    for (size_t i = 0; i < app->nerrors; i++)
        if (app->errors[i].status == status)
            return app->errors[i].view;
    return NULL;
}

/* An error status as the dispatcher uses it: 400..599 stays, anything else is 500. */
static int hooks_error_status(int status)
{
    return status >= 400 && status <= 599 ? status : 500;
}

/* Runs a list in order; stops at the first hook that does not return 0. */
static int hooks_run(const struct vial_hooklist *l, vial_request *req, vial_response *res)
{
    for (size_t i = 0; l != NULL && i < l->len; i++) {
        int st = l->items[i](req, res);
        if (st != 0)
            return st;
    }
    return 0;
}
/* SOLUTION(07) END */

int vial_app_errorhandler(vial_app *app, int status, vial_view handler)
{
/* SOLUTION(07) BEGIN */
    if (app == NULL || handler == NULL || status < 400 || status > 599)
        return -1;
    for (size_t i = 0; i < app->nerrors; i++)
        if (app->errors[i].status == status) {
            app->errors[i].view = handler;      /* a later registration replaces */
            return 0;
        }
    struct vial_errhandler *e = realloc(app->errors, (app->nerrors + 1) * sizeof *e);
    if (e == NULL)
        return -1;
    app->errors = e;
    app->errors[app->nerrors++] = (struct vial_errhandler){status, handler};
    return 0;
/* SOLUTION(07) STUB
    (void)app;
    (void)status;
    (void)handler;
    return -1;
   SOLUTION(07) END */
}

int vial_hooks_before(vial_app *app, struct vial_rule *rule, vial_request *req,
                      vial_response *res)
{
/* SOLUTION(07) BEGIN */
    int st = hooks_run(&app->before, req, res);
    if (st == 0 && rule != NULL && rule->bp != NULL)
        st = hooks_run(vial_blueprint_hooks(rule->bp), req, res);
    return st;
/* SOLUTION(07) STUB
    (void)app;
    (void)rule;
    (void)req;
    (void)res;
    return 0;
   SOLUTION(07) END */
}

void vial_hooks_after(vial_app *app, vial_request *req, vial_response *res)
{
/* SOLUTION(07) BEGIN */
    for (size_t i = app->after.len; i-- > 0;) {
        int st = app->after.items[i](req, res);
        if (st != 0) {
            /* The rest of the after hooks are skipped, as in Flask. */
            vial_error_response(app, req, res, hooks_error_status(st));
            return;
        }
    }
/* SOLUTION(07) STUB
    (void)app;
    (void)req;
    (void)res;
   SOLUTION(07) END */
}

void vial_hooks_teardown(vial_app *app, vial_request *req, vial_response *res)
{
/* SOLUTION(07) BEGIN */
    for (size_t i = app->teardown.len; i-- > 0;)
        (void)app->teardown.items[i](req, res);
/* SOLUTION(07) STUB
    (void)app;
    (void)req;
    (void)res;
   SOLUTION(07) END */
}

void vial_error_response(vial_app *app, vial_request *req, vial_response *res, int status)
{
/* SOLUTION(07) BEGIN */
    status = hooks_error_status(status);
    vial_view handler = hooks_handler(app, status);
    if (handler == NULL) {
        vial_abort(res, status);
        return;
    }
    /* Nothing the failed view wrote may reach the client: start from empty. */
    vial_pairs_free(&res->headers);
    vial_response_set_body(res, NULL, 0);
    res->status = status;
    if (handler(req, res) != 0)
        vial_abort(res, status);
/* SOLUTION(07) STUB
    (void)app;
    (void)req;
    vial_abort(res, status);
   SOLUTION(07) END */
}

void vial_hooks_free(vial_app *app)
{
    vial_hooklist_free(&app->before);
    vial_hooklist_free(&app->after);
    vial_hooklist_free(&app->teardown);
}
