/* serve-http.h -- the class server's HTTP API on libmicrohttpd (docs/server.md): enrol,
 * submit, a submission's state and result, health. Answers are JSON (cJSON) and never
 * cached; bodies are capped; an archive is validated (unpacked into a temporary folder,
 * then removed) before it is stored, so a bad one is refused at once. Grading is the
 * workers' (serve-worker.c). Prefix: serve_. */
#ifndef STACKLAB_SERVE_HTTP_H
#define STACKLAB_SERVE_HTTP_H

#include <stdint.h>

#include "course.h"

/* A request body is at most this many bytes (413 beyond). */
#define SERVE_MAX_BODY ((size_t)1 << 20)
/* A connection idle this long is closed (seconds). */
#define SERVE_TIMEOUT 30
/* Connections served at once (one thread each). */
#define SERVE_MAX_CONNECTIONS 256

struct serve_opts {
    const char *listen;             /* "ADDR:PORT": 127.0.0.1:8080, [::1]:8080; port 0 picks
                                     * a free one (serve_port says which) */
    const char *db_url;             /* "sqlite:PATH": the server opens its own connection */
    const struct course *course;    /* the labs submissions name; not owned, outlives it */
    int64_t queue_max;              /* jobs not done before 503 */
    void (*on_queued)(void);        /* called (from an HTTP thread) after a submission is
                                     * stored: serve wakes its idle workers; NULL: none */
};

struct serve;

/* Opens the database and starts answering on o->listen in threads of its own. Returns
 * the server, or NULL with an allocated *cause (a bad address, a port in use, the
 * database). Stop with serve_stop. */
struct serve *serve_start(const struct serve_opts *o, char **cause);
/* The port it listens on. */
unsigned serve_port(const struct serve *s);
/* Stops answering, waits for the requests in flight, closes the database, frees s.
 * Accepts NULL. */
void serve_stop(struct serve *s);

#endif
