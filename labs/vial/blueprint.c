/* blueprint.c -- [lab 08] blueprints: named groups of rules with a URL prefix and their
 * own before-request hooks, registered on an app. Until lab 08 none can be made. */
#include <stddef.h>

#include "internal.h"

vial_blueprint *vial_blueprint_new(const char *name, const char *url_prefix)
{
    (void)name;
    (void)url_prefix;
    return NULL;
}

void vial_blueprint_free(vial_blueprint *bp)
{
    (void)bp;
}

int vial_blueprint_route(vial_blueprint *bp, const char *methods, const char *rule,
                         const char *endpoint, vial_view view)
{
    (void)bp;
    (void)methods;
    (void)rule;
    (void)endpoint;
    (void)view;
    return -1;
}

int vial_blueprint_before_request(vial_blueprint *bp, vial_hook hook)
{
    (void)bp;
    (void)hook;
    return -1;
}

int vial_app_register_blueprint(vial_app *app, vial_blueprint *bp)
{
    (void)app;
    vial_blueprint_free(bp);
    return -1;
}

const struct vial_hooklist *vial_blueprint_hooks(const vial_blueprint *bp)
{
    (void)bp;
    return NULL;
}
