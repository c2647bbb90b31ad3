/* vial-app.c -- the benchmark's vial side: the same two routes (/plaintext, /json) as
 * an app on the reference vial (labs/vial/ref with markers dropped), served by vial_server.
 *   vial-app THREADS    prints the port it bound, serves until stdin closes. */
#include <stdio.h>
#include <stdlib.h>

#include <cjson/cJSON.h>

#include "vial.h"

static int bench_plaintext(vial_request *req, vial_response *res)
{
    (void)req;
    return vial_response_text(res, 200, "text/plain", "Hello, World!");
}

/* Serialized on every request, as Flask's jsonify does. */
static int bench_json(vial_request *req, vial_response *res)
{
    (void)req;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "message", "Hello, World!");
    char *text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    int rc = text ? vial_response_text(res, 200, "application/json", text) : -1;
    free(text);
    return rc;
}

int main(int argc, char **argv)
{
    struct vial_server_options opt = {.host = "127.0.0.1", .port = 0};
    opt.threads = argc > 1 ? (int)strtol(argv[1], NULL, 10) : 1;
    vial_app *app = vial_app_new("bench");
    if (app == NULL || vial_app_route(app, "GET", "/plaintext", "plaintext", bench_plaintext)
        || vial_app_route(app, "GET", "/json", "json", bench_json))
        return 1;
    char *cause = NULL;
    vial_server *srv = vial_server_start(app, &opt, &cause);
    if (srv == NULL) {
        fprintf(stderr, "vial-app: %s\n", cause ? cause : "could not start");
        free(cause);
        return 1;
    }
    printf("%d\n", vial_server_port(srv));
    fflush(stdout);
    while (getchar() != EOF)
        ;
    vial_server_stop(srv);
    vial_app_free(app);
    return 0;
}
