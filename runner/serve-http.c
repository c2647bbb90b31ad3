/* serve-http.c -- the class server's HTTP layer on libmicrohttpd: a thread per
 * connection, request bodies collected under SERVE_MAX_BODY (a larger Content-Length is
 * refused before its body is read), routes from a table, JSON answers that are never
 * cached. The endpoints themselves are serve-api.c's. */
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "serve-http.h"
#include "serve-int.h"
#include "util.h"

struct serve_route {
    const char *method;
    const char *path;       /* exact, or a prefix when it ends in '/' */
    int (*handle)(struct serve *s, const struct serve_req *r, struct serve_answer *a);
};

static const struct serve_route serve_routes[] = {
    { "GET", "/api/v1/health", serve_api_health },
    { "POST", "/api/v1/enrol", serve_api_enrol },
    { "POST", "/api/v1/submissions", serve_api_submit },
    { "GET", "/api/v1/submissions/", serve_api_submission },
    { "GET", "/api/v1/bundle", serve_api_bundle },
    { "GET", "/api/v1/progress", serve_api_progress },
    { "GET", "/api/v1/exams", serve_exam_list },
    { "POST", "/api/v1/exams/", serve_exam_start },
    { "GET", "/api/v1/sittings/", serve_exam_sitting },
    { "POST", "/api/v1/sittings/", serve_exam_post },
    { "POST", "/api/v1/worker/claim", serve_remote_claim },
    { "POST", "/api/v1/worker/heartbeat", serve_remote_heartbeat },
    { "POST", "/api/v1/worker/complete", serve_remote_complete },
    { "GET", "/dash", serve_dash },
    { "GET", "/dash/", serve_dash },
    { "POST", "/dash/", serve_dash },
};
#define SERVE_NROUTES (sizeof serve_routes / sizeof *serve_routes)

/* Routes whose body may be larger than SERVE_MAX_BODY for some callers: the cap a request
 * gets, decided from its headers before its body is read. */
static const struct serve_body_cap {
    int (*handle)(struct serve *s, const struct serve_req *r, struct serve_answer *a);
    size_t (*cap)(struct serve *s, struct MHD_Connection *conn);
} serve_body_caps[] = {
    { serve_remote_complete, serve_remote_body_max },
};

/* A request between the calls libmicrohttpd makes for it. */
struct serve_conn {
    const struct serve_route *route;
    struct serve_answer early;      /* status set: answered before the body */
    char *body;
    size_t len;
    size_t max;                     /* the body's cap */
    int too_big;
};

int serve_error(struct serve_answer *a, unsigned status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *words = xvasprintf(fmt, ap);
    va_end(ap);
    cJSON_Delete(a->json);
    free(a->raw);
    a->raw = NULL;
    a->status = status;
    a->json = cJSON_CreateObject();
    cJSON_AddStringToObject(a->json, "error", words);
    free(words);
    return 0;
}

static int serve_route_matches(const struct serve_route *r, const char *url)
{
    size_t n = strlen(r->path);
    return r->path[n - 1] == '/' ? strncmp(url, r->path, n) == 0 && url[n] != '\0'
                                 : strcmp(url, r->path) == 0;
}

/* The route for method and url; NULL with a 404 or 405 in *a. */
static const struct serve_route *serve_route_find(const char *method, const char *url,
                                                  struct serve_answer *a)
{
    int path_known = 0;
    for (size_t i = 0; i < SERVE_NROUTES; i++) {
        if (!serve_route_matches(&serve_routes[i], url))
            continue;
        if (strcmp(serve_routes[i].method, method) == 0)
            return &serve_routes[i];
        path_known = 1;
    }
    if (path_known)
        serve_error(a, MHD_HTTP_METHOD_NOT_ALLOWED, "method %s is not allowed here", method);
    else
        serve_error(a, MHD_HTTP_NOT_FOUND, "no such endpoint");
    return NULL;
}

void serve_header(struct serve_answer *a, const char *name, const char *value)
{
    if (a->nheaders < SERVE_MAX_HEADERS) {
        a->headers[a->nheaders].name = name;
        a->headers[a->nheaders++].value = xstrdup(value);
    }
}

int serve_raw(struct serve_answer *a, unsigned status, const char *content_type, char *raw,
              size_t len)
{
    cJSON_Delete(a->json);
    a->json = NULL;
    free(a->raw);
    a->status = status;
    a->raw = raw;
    a->raw_len = len;
    a->content_type = content_type;
    return 0;
}

/* Frees what a holds after sending (or instead of it). */
static void serve_answer_free(struct serve_answer *a)
{
    cJSON_Delete(a->json);
    a->json = NULL;
    free(a->raw);
    a->raw = NULL;
    for (int i = 0; i < a->nheaders; i++)
        free(a->headers[i].value);
    a->nheaders = 0;
}

/* Sends a (and frees what it holds). */
static enum MHD_Result serve_send(struct MHD_Connection *conn, struct serve_answer *a)
{
    const char *type = "application/json";
    size_t len = 0;
    char *text = NULL;
    if (a->json == NULL && a->raw != NULL) {
        text = a->raw, len = a->raw_len, type = a->content_type;
        a->raw = NULL;
    } else if (a->json != NULL && (text = cJSON_PrintUnformatted(a->json)) != NULL) {
        len = strlen(text);
    }
    if (text == NULL) {
        a->status = MHD_HTTP_INTERNAL_SERVER_ERROR;
        text = xstrdup("{\"error\":\"out of memory\"}");
        len = strlen(text);
    }
    struct MHD_Response *resp = MHD_create_response_from_buffer(len, text,
                                                                MHD_RESPMEM_MUST_FREE);
    if (resp == NULL) {
        free(text);
        serve_answer_free(a);
        return MHD_NO;
    }
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    for (int i = 0; i < a->nheaders; i++)
        MHD_add_response_header(resp, a->headers[i].name, a->headers[i].value);
    serve_answer_free(a);
    if (a->retry_after > 0) {
        char secs[24];
        snprintf(secs, sizeof secs, "%lld", (long long)a->retry_after);
        MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, secs);
    }
    if (a->status == MHD_HTTP_UNAUTHORIZED)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer");
    enum MHD_Result rc = MHD_queue_response(conn, a->status, resp);
    MHD_destroy_response(resp);
    return rc;
}

/* The first call for a request: its route, and a refusal of a declared body too large. */
static struct serve_conn *serve_conn_new(struct serve *s, struct MHD_Connection *conn,
                                         const char *method, const char *url)
{
    struct serve_conn *c = xcalloc(1, sizeof *c);
    c->route = serve_route_find(method, url, &c->early);
    c->max = SERVE_MAX_BODY;
    for (size_t i = 0; c->route != NULL && i < sizeof serve_body_caps / sizeof *serve_body_caps;
         i++)
        if (serve_body_caps[i].handle == c->route->handle)
            c->max = serve_body_caps[i].cap(s, conn);
    const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                 MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (c->route != NULL && cl != NULL && strtoull(cl, NULL, 10) > c->max)
        serve_error(&c->early, MHD_HTTP_CONTENT_TOO_LARGE,
                    "the request body is over the limit of %zu bytes", c->max);
    return c;
}

/* Keeps a chunk of body; past c->max the rest is dropped and the answer is 413. */
static void serve_conn_take(struct serve_conn *c, const char *data, size_t n)
{
    if (c->too_big || n > c->max - c->len) {
        c->too_big = 1;
        return;
    }
    c->body = xrealloc(c->body, c->len + n + 1);
    memcpy(c->body + c->len, data, n);
    c->len += n;
    c->body[c->len] = '\0';
}

static enum MHD_Result serve_access(void *cls, struct MHD_Connection *conn, const char *url,
                                    const char *method, const char *version,
                                    const char *upload_data, size_t *upload_data_size,
                                    void **con_cls)
{
    (void)version;
    struct serve *s = cls;
    struct serve_conn *c = *con_cls;
    if (c == NULL) {
        *con_cls = c = serve_conn_new(s, conn, method, url);
        return c->early.status != 0 ? serve_send(conn, &c->early) : MHD_YES;
    }
    if (c->early.status != 0) {         /* answered: the rest of the body is dropped */
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (*upload_data_size > 0) {
        serve_conn_take(c, upload_data, *upload_data_size);
        *upload_data_size = 0;
        return MHD_YES;
    }
    struct serve_answer a = { 0 };
    if (c->too_big) {
        serve_error(&a, MHD_HTTP_CONTENT_TOO_LARGE,
                    "the request body is over the limit of %zu bytes", c->max);
    } else {
        struct serve_req r = { .conn = conn, .url = url, .body = c->body, .len = c->len,
                               .rest = url + strlen(c->route->path),
                               .method = c->route->method };
        if (r.body == NULL)
            r.body = c->body = xstrdup("");
        c->route->handle(s, &r, &a);
    }
    return serve_send(conn, &a);
}

static void serve_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                            enum MHD_RequestTerminationCode toe)
{
    (void)cls, (void)conn, (void)toe;
    struct serve_conn *c = *con_cls;
    if (c == NULL)
        return;
    serve_answer_free(&c->early);
    free(c->body);
    free(c);
    *con_cls = NULL;
}

/* Resolves "ADDR:PORT" ("[::1]:PORT" for IPv6). Caller frees *ai with freeaddrinfo. */
static int serve_resolve(const char *listen, struct addrinfo **ai, char **cause)
{
    const char *colon = strrchr(listen, ':');
    if (colon == NULL || colon == listen || colon[1] == '\0') {
        *cause = xasprintf("--listen %s: expected ADDR:PORT (127.0.0.1:8080)", listen);
        return -1;
    }
    char *host = xstrndup(listen, (size_t)(colon - listen));
    if (host[0] == '[' && host[strlen(host) - 1] == ']') {
        memmove(host, host + 1, strlen(host));
        host[strlen(host) - 1] = '\0';
    }
    struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
                              .ai_flags = AI_PASSIVE | AI_NUMERICSERV };
    int rc = getaddrinfo(host, colon + 1, &hints, ai);
    if (rc != 0)
        *cause = xasprintf("--listen %s: %s", listen, gai_strerror(rc));
    free(host);
    return rc == 0 ? 0 : -1;
}

struct serve *serve_start(const struct serve_opts *o, char **cause)
{
    struct addrinfo *ai = NULL;
    if (serve_resolve(o->listen, &ai, cause) < 0)
        return NULL;
    int minute;
    if (serve_exam_minute(&minute, cause) < 0) {
        freeaddrinfo(ai);
        return NULL;
    }
    struct serve *s = xcalloc(1, sizeof *s);
    s->exam_minute = minute;
    s->course = o->course;
    s->queue_max = o->queue_max;
    s->on_queued = o->on_queued;
    s->bundles = serve_bundles_new();
    pthread_mutex_init(&s->lock, NULL);
    s->db = servedb_open(o->db_url, cause);
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION
                     | MHD_USE_ERROR_LOG | (ai->ai_family == AF_INET6 ? MHD_USE_IPv6 : 0);
    if (s->db != NULL)
        s->daemon = MHD_start_daemon(flags, 0, NULL, NULL, serve_access, s,
                                     MHD_OPTION_SOCK_ADDR, ai->ai_addr,
                                     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)SERVE_TIMEOUT,
                                     MHD_OPTION_CONNECTION_LIMIT,
                                     (unsigned)SERVE_MAX_CONNECTIONS,
                                     MHD_OPTION_NOTIFY_COMPLETED, serve_completed, NULL,
                                     MHD_OPTION_END);
    freeaddrinfo(ai);
    if (s->db != NULL && s->daemon == NULL)
        *cause = xasprintf("--listen %s: cannot listen there (in use, or not this "
                           "machine's address)", o->listen);
    if (s->daemon == NULL) {
        serve_stop(s);
        return NULL;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->daemon,
                                                           MHD_DAEMON_INFO_BIND_PORT);
    s->port = info != NULL ? info->port : 0;
    return s;
}

unsigned serve_port(const struct serve *s)
{
    return s->port;
}

void serve_stop(struct serve *s)
{
    if (s == NULL)
        return;
    if (s->daemon != NULL)
        MHD_stop_daemon(s->daemon);
    servedb_close(s->db);
    serve_bundles_free(s->bundles);
    pthread_mutex_destroy(&s->lock);
    free(s);
}
