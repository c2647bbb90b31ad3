/* ops.h -- lab 05's driver code, shared by driver.c (built with your vial/ into the
 * program the checker talks to) and checker.c (which runs it on the reference vial).
 * "route METHODS\0RULE\0ENDPOINT" registers a rule with vial_app_route (the answer is its
 * return value); every rule shares one view that writes back the endpoint, the method and
 * the view arguments your router found. "start" serves the app on 127.0.0.1 (answer: the
 * port), "stop" stops it. */
#ifndef LAB05_OPS_H
#define LAB05_OPS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vial.h"
#include "wire.h"
#include "wire_vial.h"

/* The one view: what the router decided, as text. */
static int route_view(vial_request *req, vial_response *res)
{
    struct wire_buf b = {0};
    wire_buf_str(&b, "endpoint ");
    wire_buf_str(&b, req->endpoint ? req->endpoint : "(none)");
    wire_buf_str(&b, "\nmethod ");
    wire_buf_str(&b, req->method);
    wire_buf_str(&b, "\n");
    for (size_t i = 0; i < req->view_args.len; i++) {
        const struct vial_pair *p = &req->view_args.items[i];
        wire_buf_str(&b, "view_arg ");
        wire_buf_str(&b, p->name);
        wire_buf_str(&b, " = \"");
        if (p->value)
            wire_buf_escaped(&b, p->value, strlen(p->value), 0);
        wire_buf_str(&b, "\"\n");
    }
    int rc = b.failed ? 500 : vial_response_text(res, 200, "text/plain", b.data);
    wire_buf_free(&b);
    return rc;
}

/* "METHODS\0RULE\0ENDPOINT": registers the rule; answers vial_app_route's result. */
static void driver_route(vial_app *app, const char *d, size_t len, struct wire_buf *out)
{
    const char *rule = memchr(d, '\0', len) ? d + strlen(d) + 1 : NULL;
    const char *endpoint = rule && rule < d + len ? rule + strlen(rule) + 1 : NULL;
    char line[16];
    int rc = app == NULL || endpoint == NULL || endpoint > d + len
             ? -1 : vial_app_route(app, d, rule, endpoint, route_view);
    snprintf(line, sizeof line, "%d", rc);
    wire_buf_str(out, line);
}

struct driver {
    vial_app *app;
    vial_server *srv;
};

/* "route", "start" (answers "PORT cause"), "stop". */
static void driver_frame(void *state, const char *name, char *data, size_t len,
                         struct wire_buf *out, const char **reply)
{
    struct driver *d = state;
    (void)reply;
    if (strcmp(name, "route") == 0)
        driver_route(d->app, data, len, out);
    else if (strcmp(name, "start") == 0 && d->srv == NULL)
        wire_vial_start(d->app, NULL, &d->srv, out, "vial_app_new returned NULL");
    else if (strcmp(name, "stop") == 0)
        wire_vial_stop(&d->srv, out);
    else
        wire_buf_str(out, "unknown frame");
}

#endif
