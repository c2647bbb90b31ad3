/* driver.c -- lab 12's driver, built with your vial/ and app/todo.c into the program the
 * checker talks to. On "start" it makes your app with todo_app_new, serves it on
 * 127.0.0.1 with a port the system picks and four worker threads, and answers
 * "port N"; the checker then talks HTTP (JSON) to it. On "stop" it stops and frees. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vial.h"
#include "wire.h"

/* Written by you in app/todo.c (lab 12). */
vial_app *todo_app_new(void);
void todo_app_free(vial_app *app);

/* Handles one frame; the answer goes to answer[cap]. */
static void driver_frame(vial_app **app, vial_server **srv, const char *name,
                         char *answer, size_t cap)
{
    if (strcmp(name, "start") == 0 && *srv == NULL) {
        struct vial_server_options opt = {.host = "127.0.0.1", .port = 0, .threads = 4};
        char *cause = NULL;
        *app = todo_app_new();
        *srv = *app ? vial_server_start(*app, &opt, &cause) : NULL;
        snprintf(answer, cap, "%d %s", *srv ? vial_server_port(*srv) : -1,
                 cause ? cause : (*app ? "" : "todo_app_new returned NULL"));
        free(cause);
    } else if (strcmp(name, "stop") == 0) {
        vial_server_stop(*srv);
        todo_app_free(*app);
        *srv = NULL;
        *app = NULL;
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
    vial_app *app = NULL;
    vial_server *srv = NULL;
    while (wire_serve_next(name, sizeof name, &data, &len) == 1) {
        free(data);
        driver_frame(&app, &srv, name, answer, sizeof answer);
        const char *reply = strcmp(name, "start") == 0 ? "port" : "ok";
        if (wire_send(WIRE_OUT, reply, answer, strlen(answer)) < 0)
            break;
    }
    vial_server_stop(srv);
    todo_app_free(app);
    return 0;
}
