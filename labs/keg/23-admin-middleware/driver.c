/* driver.c -- lab 23's driver, built with your keg/ and vial/ into the program the
 * checker talks to. Frames:
 *   "serve PER_PAGE HSTS HOSTS"  builds ops.h's app on a fresh admin.db (the item admin's
 *                                per_page, settings.hsts_seconds and allowed_hosts) and
 *                                serves it; answers "PORT middleware R register R R
 *                                install R"; "stop" stops it
 *   "exec SQL"                   keg_db_exec's result (rows of users, items, perms)
 *   "text SQL"                   the rows, columns separated by '|', one a line
 *   "bare HOST"                  the status line of GET /hello with that Host on a second
 *                                app whose allowed_hosts is the default
 *   "plain TARGET"               the status line and body of GET TARGET on a third app,
 *                                with sessions but no messages */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keg.h"
#include "wire.h"
#include "wire_vial.h"
#include "ops.h"

struct web {
    struct lab23_site s;
    vial_server *srv;
};

static void driver_serve(struct web *w, const char *arg, struct wire_buf *out)
{
    struct wire_buf setup = { 0 };
    remove("admin.db");
    wire_buf_add(&setup, "", 0);
    if (lab23_setup(&w->s, "admin.db", arg, &setup) != 0) {
        wire_buf_str(out, "-1 could not set up the app and admin.db");
        wire_buf_free(&setup);
        return;
    }
    wire_vial_start(w->s.app, NULL, &w->srv, out, "vial_app_new returned NULL");
    wire_buf_str(out, setup.data);
    wire_buf_free(&setup);
}

static void driver_frame(void *state, const char *name, char *data, size_t len,
                         struct wire_buf *out, const char **reply)
{
    struct web *w = state;
    (void)len;
    (void)reply;
    if (strcmp(name, "serve") == 0 && w->s.app == NULL)
        driver_serve(w, data, out);
    else if (strcmp(name, "stop") == 0)
        wire_vial_stop(&w->srv, out);
    else if (strcmp(name, "exec") == 0)
        lab23_exec(w->s.db, data, out);
    else if (strcmp(name, "text") == 0)
        lab23_text(w->s.db, data, out);
    else if (strcmp(name, "bare") == 0)
        lab23_bare(w->s.bare_app, data, out);
    else if (strcmp(name, "plain") == 0)
        lab23_plain(w->s.plain_app, data, out);
    else
        wire_buf_str(out, "unknown frame");
}

int main(void)
{
    struct web w = { 0 };
    wire_serve_frames(driver_frame, &w);
    vial_server_stop(w.srv);
    lab23_teardown(&w.s);
    remove("admin.db");
    return 0;
}
