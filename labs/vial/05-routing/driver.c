/* driver.c -- lab 05's driver, built with your vial/ into the program the checker talks
 * to. "route METHODS\0RULE\0ENDPOINT" registers a rule with vial_app_route (the answer
 * is its return value); every rule shares one view that writes back the endpoint, the
 * method and the view arguments your router found. "start" serves the app on
 * 127.0.0.1 (answer: the port), "stop" stops it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vial.h"
#include "wire.h"

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
static void driver_route(vial_app *app, const char *d, size_t len, char *answer, size_t cap)
{
    const char *rule = memchr(d, '\0', len) ? d + strlen(d) + 1 : NULL;
    const char *endpoint = rule && rule < d + len ? rule + strlen(rule) + 1 : NULL;
    if (app == NULL || endpoint == NULL || endpoint > d + len) {
        snprintf(answer, cap, "-1");
        return;
    }
    snprintf(answer, cap, "%d", vial_app_route(app, d, rule, endpoint, route_view));
}

int main(void)
{
    char name[WIRE_MAX_NAME], answer[256];
    char *data = NULL;
    size_t len = 0;
    vial_app *app = vial_app_new("lab05");
    vial_server *srv = NULL;
    while (wire_serve_next(name, sizeof name, &data, &len) == 1) {
        if (strcmp(name, "route") == 0) {
            driver_route(app, data, len, answer, sizeof answer);
        } else if (strcmp(name, "start") == 0 && srv == NULL) {
            struct vial_server_options opt = {.host = "127.0.0.1", .port = 0};
            char *cause = NULL;
            srv = app ? vial_server_start(app, &opt, &cause) : NULL;
            snprintf(answer, sizeof answer, "%d %s", srv ? vial_server_port(srv) : -1,
                     cause ? cause : "");
            free(cause);
        } else if (strcmp(name, "stop") == 0) {
            vial_server_stop(srv);
            srv = NULL;
            snprintf(answer, sizeof answer, "stopped");
        } else {
            snprintf(answer, sizeof answer, "unknown frame");
        }
        free(data);
        if (wire_send(WIRE_OUT, "ok", answer, strlen(answer)) < 0)
            break;
    }
    vial_server_stop(srv);
    vial_app_free(app);
    return 0;
}
