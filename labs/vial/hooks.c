/* hooks.c -- [lab 07] before-request, after-request and teardown hooks, error handlers.
 * Until lab 07 the hook lists stay empty and errors get the plain error response. */
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
    (void)app;
    (void)hook;
    return -1;
}

int vial_app_after_request(vial_app *app, vial_hook hook)
{
    (void)app;
    (void)hook;
    return -1;
}

int vial_app_teardown_request(vial_app *app, vial_hook hook)
{
    (void)app;
    (void)hook;
    return -1;
}

int vial_app_errorhandler(vial_app *app, int status, vial_view handler)
{
    (void)app;
    (void)status;
    (void)handler;
    return -1;
}

int vial_hooks_before(vial_app *app, struct vial_rule *rule, vial_request *req,
                      vial_response *res)
{
    (void)app;
    (void)rule;
    (void)req;
    (void)res;
    return 0;
}

void vial_hooks_after(vial_app *app, vial_request *req, vial_response *res)
{
    (void)app;
    (void)req;
    (void)res;
}

void vial_hooks_teardown(vial_app *app, vial_request *req, vial_response *res)
{
    (void)app;
    (void)req;
    (void)res;
}

void vial_error_response(vial_app *app, vial_request *req, vial_response *res, int status)
{
    (void)app;
    (void)req;
    vial_abort(res, status);
}

void vial_hooks_free(vial_app *app)
{
    vial_hooklist_free(&app->before);
    vial_hooklist_free(&app->after);
    vial_hooklist_free(&app->teardown);
}
