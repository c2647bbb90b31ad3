/* driver.c -- lab 12's driver, built with your vial/ and app/todo.c into the program the
 * checker talks to. On "start" it makes your app with todo_app_new, serves it on
 * 127.0.0.1 with a port the system picks and four worker threads, and answers
 * "port N"; the checker then talks HTTP (JSON) to it. On "stop" it stops and frees. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vial.h"
#include "wire.h"
#include "wire_vial.h"

/* Written by you in app/todo.c (lab 12). */
vial_app *todo_app_new(void);
void todo_app_free(vial_app *app);

struct driver {
    vial_app *app;
    vial_server *srv;
};

/* "start": the todo app on 4 threads (answers "PORT cause" in a "port" frame); "stop". */
static void driver_frame(void *state, const char *name, char *data, size_t len,
                         struct wire_buf *out, const char **reply)
{
    struct driver *d = state;
    (void)data, (void)len;
    if (strcmp(name, "start") == 0 && d->srv == NULL) {
        struct vial_server_options opt = {.host = "127.0.0.1", .port = 0, .threads = 4};
        *reply = "port";
        d->app = todo_app_new();
        wire_vial_start(d->app, &opt, &d->srv, out, "todo_app_new returned NULL");
    } else if (strcmp(name, "stop") == 0) {
        wire_vial_stop(&d->srv, out);
        todo_app_free(d->app);
        d->app = NULL;
    } else {
        wire_buf_str(out, "unknown frame");
    }
}

int main(void)
{
    struct driver d = { NULL, NULL };
    wire_serve_frames(driver_frame, &d);
    vial_server_stop(d.srv);
    todo_app_free(d.app);
    return 0;
}
