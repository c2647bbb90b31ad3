/* router.c -- [lab 05] matches a request's method and path against the app's URL rules,
 * with converters (<int:id>, <float:x>, <string:s>, <path:p>, <uuid:u>), 404 vs 405.
 * Until lab 05 only plain rules exist: a rule matches when it equals the path. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int vial_rule_compile(struct vial_rule *r)
{
    /* Plain rules only: converters arrive in lab 05. */
    return strchr(r->rule, '<') ? -1 : 0;
}

void vial_rule_release(struct vial_rule *r)
{
    r->compiled = NULL;
}

int vial_router_match(vial_app *app, vial_request *req, struct vial_rule **out,
                      char *allow, size_t allowcap)
{
    (void)allow;
    (void)allowcap;
    for (size_t i = 0; i < app->nrules; i++) {
        struct vial_rule *r = &app->rules[i];
        if (strcmp(r->rule, req->path) != 0 || !vial_method_in(r->methods, req->method))
            continue;
        size_t n = strlen(r->endpoint) + 1;
        free(req->endpoint);
        req->endpoint = malloc(n);
        if (req->endpoint == NULL)
            return 500;
        memcpy(req->endpoint, r->endpoint, n);
        *out = r;
        return 0;
    }
    return 404;
}

const char *vial_view_arg(const vial_request *req, const char *name)
{
    return vial_pairs_get(&req->view_args, name);
}

long long vial_view_arg_int(const vial_request *req, const char *name, long long dflt)
{
    const char *v = vial_view_arg(req, name);
    char *end = NULL;
    if (v == NULL || *v == '\0')
        return dflt;
    long long n = strtoll(v, &end, 10);
    return *end == '\0' ? n : dflt;
}

double vial_view_arg_float(const vial_request *req, const char *name, double dflt)
{
    const char *v = vial_view_arg(req, name);
    char *end = NULL;
    if (v == NULL || *v == '\0')
        return dflt;
    double d = strtod(v, &end);
    return *end == '\0' ? d : dflt;
}
