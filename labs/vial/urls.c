/* urls.c -- [lab 06] reverse routing (vial_url_for), percent-encoding and safe
 * redirects. Until lab 06 these report failure. */
#include <stdarg.h>
#include <stddef.h>

#include "internal.h"

char *vial_url_for(const vial_app *app, const char *endpoint, ...)
{
    (void)app;
    (void)endpoint;
    return NULL;
}

char *vial_url_for_pairs(const vial_app *app, const char *endpoint, const vial_pairs *args)
{
    (void)app;
    (void)endpoint;
    (void)args;
    return NULL;
}

char *vial_percent_encode(const char *s, int keep_slash)
{
    (void)s;
    (void)keep_slash;
    return NULL;
}

int vial_redirect(vial_response *res, const char *location, int status)
{
    (void)res;
    (void)location;
    (void)status;
    return -1;
}
