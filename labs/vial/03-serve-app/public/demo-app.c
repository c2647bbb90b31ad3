/* demo-app.c -- a tiny app on your vial, started by `make run` once lab 03 passes:
 *   make run            then open http://127.0.0.1:8080/ (Ctrl-C stops it)
 * Change it freely: it is yours, and no test reads it. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "vial.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

static int index_view(vial_request *req, vial_response *res)
{
    (void)req;
    return vial_response_text(res, 200, "text/html; charset=utf-8",
                              "<h1>Hello from vial</h1><p>Try <a href=\"/hello\">/hello</a>.</p>\n");
}

static int hello_view(vial_request *req, vial_response *res)
{
    vial_response_set_header(res, "Content-Type", "text/plain; charset=utf-8");
    return vial_response_printf(res, "Hello! You asked for %s with %s.\n", req->path, req->method);
}

int main(int argc, char **argv)
{
    struct vial_server_options opt = {.host = "127.0.0.1", .port = 8080};
    if (argc > 1)
        opt.port = (int)strtol(argv[1], NULL, 10);
    vial_app *app = vial_app_new("demo");
    if (app == NULL || vial_app_route(app, "GET", "/", "index", index_view) < 0
        || vial_app_route(app, "GET", "/hello", "hello", hello_view) < 0) {
        fprintf(stderr, "demo: the app could not be set up (is lab 03 done?)\n");
        vial_app_free(app);
        return 1;
    }
    char *cause = NULL;
    vial_server *srv = vial_server_start(app, &opt, &cause);
    if (srv == NULL) {
        fprintf(stderr, "demo: could not start: %s\n", cause ? cause : "vial_server_start failed");
        free(cause);
        vial_app_free(app);
        return 1;
    }
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    printf("serving on http://127.0.0.1:%d/ (Ctrl-C to stop)\n", vial_server_port(srv));
    fflush(stdout);
    while (!stop)
        pause();
    vial_server_stop(srv);
    vial_app_free(app);
    return 0;
}
