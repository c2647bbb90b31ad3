/* server.c -- [lab 03] serves an app over HTTP with libmicrohttpd 0.9.75: starts a
 * daemon on a loopback port (or one the system picks), turns each connection's request
 * into a vial_request (its request line read by the lab 01 parser, so both paths answer
 * it alike), calls the dispatcher and sends the vial_response back. This is the only
 * file (with request.c) that knows libmicrohttpd. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <microhttpd.h>

#include "internal.h"

struct vial_server {
    struct MHD_Daemon *daemon;
    vial_app *app;
    int port;
    size_t max_body;
};

/* What one connection's request collects across the handler's calls. */
struct server_conn {
    vial_request req;
    char *uri;                  /* the raw request-target, until the head is read */
    int started;                /* the access handler has had the head */
    int status;                 /* non-zero: answer with this error, skip the app */
};

/* SOLUTION(03) BEGIN */
/* Copies "text" into *cause when cause is not NULL. */
static void server_cause(char **cause, const char *text)
{
    if (cause == NULL)
        return;
    size_t n = strlen(text) + 1;
    *cause = malloc(n);
    if (*cause != NULL)
        memcpy(*cause, text, n);
}

/* libmicrohttpd's URI log callback: called with the raw request-target (escapes and query
 * as sent) before the access handler; what it returns becomes the request's *con_cls,
 * freed by server_completed even when the handler never runs. NULL when out of memory. */
static void *server_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
    (void)cls;
    (void)c;
    struct server_conn *sc = calloc(1, sizeof *sc);
    size_t n = strlen(uri) + 1;
    if (sc == NULL || (sc->uri = malloc(n)) == NULL) {
        free(sc);
        return NULL;
    }
    memcpy(sc->uri, uri, n);
    vial_request_init(&sc->req);
    return sc;
}

/* 1 when v is "HTTP/" DIGIT "." DIGIT. */
static int server_is_version(const char *v)
{
    return strlen(v) == 8 && memcmp(v, "HTTP/", 5) == 0 && v[6] == '.'
           && v[5] >= '0' && v[5] <= '9' && v[7] >= '0' && v[7] <= '9';
}

/* Reads the request line with the lab 01 parser, so it gets the answers of the raw path:
 * method and target first (400, 414; path, query and args filled), then the version
 * (505, or 400 for text that is no version). The parser is given "HTTP/1.0", which
 * needs no Host: the headers are libmicrohttpd's (lab 04). Returns 0 or a status. */
static int server_request_line(struct server_conn *sc, const char *method, const char *version)
{
    size_t mlen = strlen(method), ulen = strlen(sc->uri), n = 0;
    char *line = malloc(mlen + ulen + 16);
    if (line == NULL)
        return 500;
    memcpy(line, method, mlen), n += mlen;
    line[n++] = ' ';
    memcpy(line + n, sc->uri, ulen), n += ulen;
    memcpy(line + n, " HTTP/1.0\r\n\r\n", 13), n += 13;
    int st = vial_parse_request(line, n, &sc->req, NULL);
    free(line);
    free(sc->req.body);                 /* a served body comes in pieces, from NULL */
    sc->req.body = NULL;
    if (st != 0)
        return st;
    if (strcmp(version, "HTTP/1.1") == 0)
        sc->req.http_minor = 1;
    else if (strcmp(version, "HTTP/1.0") != 0)
        return server_is_version(version) ? 505 : 400;
    return 0;
}

/* Sends `res` on the connection. */
static enum MHD_Result server_send(struct MHD_Connection *c, const vial_response *res)
{
    struct MHD_Response *mr = MHD_create_response_from_buffer(
        res->body_len, res->body_len ? res->body : (void *)"", MHD_RESPMEM_MUST_COPY);
    if (mr == NULL)
        return MHD_NO;
    for (size_t i = 0; i < res->headers.len; i++) {
        const struct vial_pair *h = &res->headers.items[i];
        if (strcmp(h->name, "Content-Length") != 0)
            MHD_add_response_header(mr, h->name, h->value);
    }
    enum MHD_Result ret = MHD_queue_response(c, (unsigned)res->status, mr);
    MHD_destroy_response(mr);
    return ret;
}

/* The libmicrohttpd access handler: called once with the head, once per body piece,
 * and a last time with *upload_size == 0 when the request is complete. */
static enum MHD_Result server_handle(void *cls, struct MHD_Connection *c, const char *url,
                                     const char *method, const char *version,
                                     const char *upload, size_t *upload_size, void **con_cls)
{
    struct vial_server *srv = cls;
    struct server_conn *sc = *con_cls;
    (void)url;                          /* decoded and cut at '?': sc->uri is used instead */
    if (sc == NULL)
        return MHD_NO;                  /* server_uri ran out of memory */
    if (!sc->started) {
        sc->started = 1;
        sc->status = server_request_line(sc, method, version);
        if (sc->status == 0)
            sc->status = vial_request_load_mhd(&sc->req, c, srv->max_body);
        return MHD_YES;
    }
    if (*upload_size > 0) {
        if (sc->status == 0)
            sc->status = vial_request_append_body(&sc->req, upload, *upload_size, srv->max_body);
        *upload_size = 0;
        return MHD_YES;
    }
    vial_response res;
    vial_response_init(&res);
    if (sc->status != 0)
        vial_abort(&res, sc->status);
    else
        vial_app_dispatch(srv->app, &sc->req, &res);
    enum MHD_Result ret = server_send(c, &res);
    vial_response_free(&res);
    return ret;
}

/* Called by libmicrohttpd when a request is over, whatever happened to it. */
static void server_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                             enum MHD_RequestTerminationCode toe)
{
    struct server_conn *sc = *con_cls;
    (void)cls;
    (void)c;
    (void)toe;
    if (sc == NULL)
        return;
    vial_request_free(&sc->req);
    free(sc->uri);
    free(sc);
    *con_cls = NULL;
}
/* SOLUTION(03) END */

/* [lab 11] Seconds an idle connection is kept: the option, 30 when it is 0. libmicrohttpd
 * takes 0 as "never drop", which lets one slow client hold a connection forever. */
__attribute__((unused)) static unsigned server_timeout(const struct vial_server_options *o)
{
/* SOLUTION(11) BEGIN */
    return (unsigned)(o->timeout_sec > 0 ? o->timeout_sec : 30);
/* SOLUTION(11) STUB
    (void)o;
    return 0;
   SOLUTION(11) END */
}

/* [lab 11] Worker threads: the option when above 1, else 1 (one polling thread). */
__attribute__((unused)) static unsigned server_pool_size(const struct vial_server_options *o)
{
/* SOLUTION(11) BEGIN */
    return (unsigned)(o->threads > 1 ? o->threads : 1);
/* SOLUTION(11) STUB
    (void)o;
    return 1;
   SOLUTION(11) END */
}

vial_server *vial_server_start(vial_app *app, const struct vial_server_options *opt,
                               char **cause)
{
/* SOLUTION(03) BEGIN */
    struct vial_server_options o = {0};
    if (opt != NULL)
        o = *opt;
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)o.port);
    if (o.port < 0 || o.port > 65535
        || inet_pton(AF_INET, o.host ? o.host : "127.0.0.1", &sa.sin_addr) != 1) {
        server_cause(cause, "bad host or port");
        return NULL;
    }
    struct vial_server *srv = calloc(1, sizeof *srv);
    if (srv == NULL) {
        server_cause(cause, "out of memory");
        return NULL;
    }
    srv->app = app;
    srv->max_body = o.max_body ? o.max_body : VIAL_MAX_BODY_DEFAULT;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL;
    srv->daemon = MHD_start_daemon(
        flags, (uint16_t)o.port, NULL, NULL, server_handle, srv,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
        MHD_OPTION_URI_LOG_CALLBACK, server_uri, srv,
        MHD_OPTION_NOTIFY_COMPLETED, server_completed, srv,
        MHD_OPTION_CONNECTION_TIMEOUT, server_timeout(&o),
        MHD_OPTION_THREAD_POOL_SIZE, server_pool_size(&o),
        MHD_OPTION_END);
    if (srv->daemon == NULL) {
        server_cause(cause, "could not listen (address in use?)");
        free(srv);
        return NULL;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(srv->daemon,
                                                           MHD_DAEMON_INFO_BIND_PORT);
    srv->port = info ? info->port : o.port;
    return srv;
/* SOLUTION(03) STUB
    (void)app;
    (void)opt;
    if (cause != NULL)
        *cause = NULL;
    return NULL;
   SOLUTION(03) END */
}

int vial_server_port(const vial_server *srv)
{
    return srv ? srv->port : -1;
}

void vial_server_stop(vial_server *srv)
{
    if (srv == NULL)
        return;
/* SOLUTION(03) BEGIN */
    MHD_stop_daemon(srv->daemon);
/* SOLUTION(03) END */
    free(srv);
}

int vial_run(vial_app *app, const struct vial_server_options *opt)
{
/* SOLUTION(11) BEGIN */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    char *cause = NULL;
    vial_server *srv = vial_server_start(app, opt, &cause);
    if (srv == NULL) {
        fprintf(stderr, "vial: %s\n", cause ? cause : "could not start");
        free(cause);
        return -1;
    }
    fprintf(stderr, "serving on http://%s:%d/\n", opt && opt->host ? opt->host : "127.0.0.1",
            vial_server_port(srv));
    int sig = 0;
    sigwait(&set, &sig);
    vial_server_stop(srv);
    return 0;
/* SOLUTION(11) STUB
    (void)app;
    (void)opt;
    return -1;
   SOLUTION(11) END */
}
