/* template.c -- [lab 09] a small Jinja-like template engine with autoescaping, and the
 * contexts that feed it. Until lab 09 rendering reports "not implemented". */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

vial_ctx *vial_ctx_new(void)
{
    return NULL;
}

void vial_ctx_free(vial_ctx *ctx)
{
    (void)ctx;
}

int vial_ctx_set(vial_ctx *ctx, const char *name, const char *value)
{
    (void)ctx;
    (void)name;
    (void)value;
    return -1;
}

int vial_ctx_set_safe(vial_ctx *ctx, const char *name, const char *html)
{
    (void)ctx;
    (void)name;
    (void)html;
    return -1;
}

int vial_ctx_set_int(vial_ctx *ctx, const char *name, long long value)
{
    (void)ctx;
    (void)name;
    (void)value;
    return -1;
}

vial_ctx *vial_ctx_list_add(vial_ctx *ctx, const char *name)
{
    (void)ctx;
    (void)name;
    return NULL;
}

char *vial_render_string(const vial_app *app, const char *name, const char *source,
                         const vial_ctx *ctx, char **err)
{
    static const char msg[] = "templates are not implemented yet";
    (void)app;
    (void)name;
    (void)source;
    (void)ctx;
    if (err != NULL) {
        *err = malloc(sizeof msg);
        if (*err != NULL)
            memcpy(*err, msg, sizeof msg);
    }
    return NULL;
}

int vial_app_add_template(vial_app *app, const char *name, const char *source)
{
    (void)app;
    (void)name;
    (void)source;
    return -1;
}

int vial_app_template_folder(vial_app *app, const char *folder)
{
    (void)app;
    (void)folder;
    return -1;
}

int vial_render(vial_response *res, const vial_app *app, const char *name,
                const vial_ctx *ctx)
{
    (void)app;
    (void)name;
    (void)ctx;
    return vial_abort(res, 500);
}
