/* driver.c -- lab 03's driver, built with your vial/ into the program the checker talks
 * to. The checker first describes routes ("route" frames); the driver registers each
 * with vial_app_route and one generic view that answers as the route says. On "start"
 * it serves the app on 127.0.0.1 with a port the system picks and sends "port N"; the
 * checker then talks HTTP to it. On "stop" it stops the server cleanly. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vial.h"
#include "wire.h"

#define MAX_ROUTES 64

/* What a route answers: fields of the "route" frame, NUL-separated. */
struct route {
    char *spec;                 /* owns all the strings below */
    const char *methods, *path, *ctype, *hname, *hvalue;
    int status;                 /* 0: the view fails (returns -1) */
    const char *body;
    size_t body_len;
};

static struct route routes[MAX_ROUTES];
static int nroutes;

/* The one view of every route: answers with the route's data and echoes what it saw. */
static int driver_view(vial_request *req, vial_response *res)
{
    int i = req->endpoint ? (int)strtol(req->endpoint + 1, NULL, 10) : -1;
    if (i < 0 || i >= nroutes)
        return 500;
    const struct route *r = &routes[i];
    if (r->status == 0)
        return -1;
    if (r->status >= 400)
        return r->status;
    char seen[512];
    snprintf(seen, sizeof seen, "%s %s", req->method, req->path ? req->path : "(null)");
    vial_response_set_status(res, r->status);
    vial_response_set_header(res, "Content-Type", r->ctype);
    vial_response_add_header(res, r->hname, r->hvalue);
    vial_response_add_header(res, "X-Seen", seen);
    vial_response_set_body(res, r->body, r->body_len);
    return 0;
}

/* Parses a route frame "METHODS\0PATH\0STATUS\0CTYPE\0HNAME\0HVALUE\0BODY". Returns 0 or -1. */
static int driver_parse_route(char *spec, size_t len, struct route *r)
{
    const char *field[6];
    size_t at = 0;
    for (int f = 0; f < 6; f++) {
        const char *end = memchr(spec + at, '\0', len - at);
        if (end == NULL)
            return -1;
        field[f] = spec + at;
        at = (size_t)(end - spec) + 1;
    }
    r->spec = spec;
    r->methods = field[0];
    r->path = field[1];
    r->status = (int)strtol(field[2], NULL, 10);
    r->ctype = field[3];
    r->hname = field[4];
    r->hvalue = field[5];
    r->body = spec + at;
    r->body_len = len - at;
    return 0;
}

/* Handles one frame; returns the answer's payload in *answer (static text). */
static void driver_frame(vial_app **app, vial_server **srv, const char *name, char *data,
                         size_t len, char *answer, size_t cap)
{
    if (strcmp(name, "route") == 0) {
        char endpoint[16];
        struct route *r = &routes[nroutes];
        if (nroutes == MAX_ROUTES || driver_parse_route(data, len, r) < 0) {
            free(data);
            snprintf(answer, cap, "-1");
            return;
        }
        snprintf(endpoint, sizeof endpoint, "r%d", nroutes++);
        int rc = *app ? vial_app_route(*app, r->methods, r->path, endpoint, driver_view) : -1;
        snprintf(answer, cap, "%d", rc);
        return;
    }
    free(data);
    if (strcmp(name, "start") == 0) {
        struct vial_server_options opt = {.host = "127.0.0.1", .port = 0};
        char *cause = NULL;
        *srv = *app ? vial_server_start(*app, &opt, &cause) : NULL;
        snprintf(answer, cap, "%d %s", *srv ? vial_server_port(*srv) : -1,
                 cause ? cause : (*app ? "" : "vial_app_new returned NULL"));
        free(cause);
    } else if (strcmp(name, "stop") == 0) {
        vial_server_stop(*srv);
        *srv = NULL;
        snprintf(answer, cap, "stopped");
    } else {
        snprintf(answer, cap, "unknown frame");
    }
}

int main(void)
{
    char name[WIRE_MAX_NAME], answer[256];
    char *data = NULL;
    size_t len = 0;
    vial_app *app = vial_app_new("lab03");
    vial_server *srv = NULL;
    while (wire_serve_next(name, sizeof name, &data, &len) == 1) {
        driver_frame(&app, &srv, name, data, len, answer, sizeof answer);
        const char *reply = strcmp(name, "start") == 0 ? "port" : "ok";
        if (wire_send(WIRE_OUT, reply, answer, strlen(answer)) < 0)
            break;
    }
    vial_server_stop(srv);
    vial_app_free(app);
    for (int i = 0; i < nroutes; i++)
        free(routes[i].spec);
    return 0;
}
