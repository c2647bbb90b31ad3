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
#include "wire_vial.h"

#define MAX_ROUTES 64

/* What a route answers: fields of the "route" frame, NUL-separated. */
struct route {
    char *spec;                 /* owns all the strings below */
    const char *methods, *path, *ctype, *hname, *hvalue;
    int status;                 /* 0: the view fails (returns -1); < 0: vial_abort(-status) */
    const char *body;
    size_t body_len;
};

static struct route routes[MAX_ROUTES];
static int nroutes;

/* The one view of every route: answers with the route's data and echoes what it saw
 * (X-Seen: method, path, version, query string and how many arguments). */
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
    if (r->status < 0) {
        vial_abort(res, -r->status);
        return 0;
    }
    char seen[512];
    snprintf(seen, sizeof seen, "%s %s HTTP/1.%d ?%.200s args=%zu", req->method,
             req->path ? req->path : "(null)", req->http_minor,
             req->query_string ? req->query_string : "(null)", req->args.len);
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

struct driver {
    vial_app *app;
    vial_server *srv;
};

/* Starts d->app with each bad option in turn (a port outside 0..65535, hosts inet_pton
 * cannot read); answers a word per try: "refused" (NULL and a cause), "no-cause" (NULL
 * alone) or "started" (stopped again). */
static void driver_bad_starts(struct driver *d, struct wire_buf *out)
{
    static const struct vial_server_options bad[] = {
        {.host = "127.0.0.1", .port = -1}, {.host = "127.0.0.1", .port = 65536},
        {.host = "localhost", .port = 0}, {.host = "127.0.0.256", .port = 0},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *cause = NULL;
        vial_server *srv = vial_server_start(d->app, &bad[i], &cause);
        wire_buf_str(out, i ? " " : "");
        wire_buf_str(out, srv ? "started" : cause && *cause ? "refused" : "no-cause");
        vial_server_stop(srv);
        free(cause);
    }
}

/* Parses the raw request data[0..len) with vial_parse_request and dispatches it with
 * vial_app_dispatch, no server involved; answers the response serialized (wire_vial.h),
 * or "parse STATUS" when the parser refused the bytes. */
static void driver_dispatch(struct driver *d, const char *data, size_t len,
                            struct wire_buf *out)
{
    vial_request req;
    vial_response res;
    char line[32];
    vial_request_init(&req);
    vial_response_init(&res);
    int st = vial_parse_request(data, len, &req, NULL);
    if (st != 0) {
        snprintf(line, sizeof line, "parse %d\n", st);
        wire_buf_str(out, line);
    } else {
        vial_app_dispatch(d->app, &req, &res);
        wire_vial_serialize(out, &res, 1);
    }
    vial_response_free(&res);
    vial_request_free(&req);
}

/* "route" (registers it; answers vial_app_route's result), "again N" (a new rule with
 * the endpoint of route N; answers vial_app_route's result), "dispatch REQUEST"
 * (driver_dispatch), "start" (serves with the default options, vial_server_start(app,
 * NULL, ...); answers "PORT cause" in a "port" frame), "bad" (driver_bad_starts),
 * "stop". */
static void driver_frame(void *state, const char *name, char *data, size_t len,
                         struct wire_buf *out, const char **reply)
{
    struct driver *d = state;
    char line[16];
    if (strcmp(name, "route") == 0) {
        char endpoint[16], *spec = malloc(len + 1);   /* the route keeps its copy */
        struct route *r = &routes[nroutes];
        if (spec != NULL)
            memcpy(spec, data, len), spec[len] = '\0';
        if (spec == NULL || nroutes == MAX_ROUTES || driver_parse_route(spec, len, r) < 0) {
            free(spec);
            wire_buf_str(out, "-1");
            return;
        }
        snprintf(endpoint, sizeof endpoint, "r%d", nroutes++);
        snprintf(line, sizeof line, "%d",
                 d->app ? vial_app_route(d->app, r->methods, r->path, endpoint, driver_view)
                        : -1);
        wire_buf_str(out, line);
    } else if (strcmp(name, "again") == 0) {
        char endpoint[16], path[32];
        int n = (int)strtol(data, NULL, 10);
        snprintf(endpoint, sizeof endpoint, "r%d", n);
        snprintf(path, sizeof path, "/again-%d", n);
        snprintf(line, sizeof line, "%d",
                 d->app ? vial_app_route(d->app, "GET", path, endpoint, driver_view) : 0);
        wire_buf_str(out, line);
    } else if (strcmp(name, "dispatch") == 0) {
        if (d->app)
            driver_dispatch(d, data, len, out);
        else
            wire_buf_str(out, "vial_app_new returned NULL");
    } else if (strcmp(name, "start") == 0) {
        char *cause = NULL;
        *reply = "port";
        d->srv = d->app ? vial_server_start(d->app, NULL, &cause) : NULL;
        snprintf(line, sizeof line, "%d ", d->srv ? vial_server_port(d->srv) : -1);
        wire_buf_str(out, line);
        wire_buf_str(out, cause ? cause : (d->app ? "" : "vial_app_new returned NULL"));
        free(cause);
    } else if (strcmp(name, "bad") == 0) {
        if (d->app)
            driver_bad_starts(d, out);
        else
            wire_buf_str(out, "vial_app_new returned NULL");
    } else if (strcmp(name, "stop") == 0) {
        wire_vial_stop(&d->srv, out);
    } else {
        wire_buf_str(out, "unknown frame");
    }
}

int main(void)
{
    struct driver d = { vial_app_new("lab03"), NULL };
    wire_serve_frames(driver_frame, &d);
    vial_server_stop(d.srv);
    vial_app_free(d.app);
    for (int i = 0; i < nroutes; i++)
        free(routes[i].spec);
    return 0;
}
