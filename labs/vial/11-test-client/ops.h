/* ops.h -- lab 11's driver code, shared by driver.c (built with your vial/ into the
 * program the checker talks to) and checker.c (which runs it on the reference vial). "raw"
 * frames go through vial_app_handle_raw, "parse" frames through vial_parse_response,
 * "client" frames drive one vial_client; "serve"/"stop" run the server with a timeout and
 * a thread pool; "run"/"signal" run vial_run in a child process and stop it with a
 * signal ("run busy": on a port already taken). */
#ifndef LAB11_OPS_H
#define LAB11_OPS_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "vial.h"
#include "wire.h"
#include "wire_vial.h"

/* ---- the views (the checker runs the same ones on the reference) ------------------ */

/* /echo: everything the request object holds, as text. */
static int view_echo(vial_request *req, vial_response *res)
{
    struct wire_buf b = {0};
    wire_buf_add(&b, "", 0);
    wire_line_str(&b, "method", req->method);
    wire_line_str(&b, "path", req->path);
    wire_line_str(&b, "query_string", req->query_string);
    wire_dump_pairs(&b, "args", &req->args);
    wire_dump_pairs(&b, "headers", &req->headers);
    wire_dump_pairs(&b, "cookies", &req->cookies);
    wire_line(&b, "body", req->body ? req->body : "", req->body_len);
    vial_response_set_header(res, "X-Echo", "1");
    int rc = b.failed ? 500 : vial_response_text(res, 200, "text/plain", b.data);
    wire_buf_free(&b);
    return rc;
}

/* /cookie?name=value: one Set-Cookie per argument; an empty value deletes. */
static int view_cookie(vial_request *req, vial_response *res)
{
    char line[256];
    for (size_t i = 0; i < req->args.len; i++) {
        const struct vial_pair *a = &req->args.items[i];
        if (a->value == NULL || *a->value == '\0')
            snprintf(line, sizeof line, "%.60s=; Max-Age=0; Path=/", a->name);
        else
            snprintf(line, sizeof line, "%.60s=%.60s; Path=/", a->name, a->value);
        vial_response_add_header(res, "Set-Cookie", line);
    }
    return vial_response_text(res, 200, "text/plain", "cookies set");
}

static int view_hello(vial_request *req, vial_response *res)
{
    (void)req;
    return vial_response_text(res, 200, "text/plain", "hello");
}

/* /wait: waits up to 3 s for a second request to arrive; tells whether it came. The
 * "arrived" frame tells how many have come in, so the checker sends the second request
 * only once the first is inside the view (libmicrohttpd's pool keeps a connection on the
 * thread that accepted it). */
static pthread_mutex_t wait_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wait_cond = PTHREAD_COND_INITIALIZER;
static int wait_arrived;

static int view_wait(vial_request *req, vial_response *res)
{
    struct timespec until;
    (void)req;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 3;
    pthread_mutex_lock(&wait_lock);
    wait_arrived++;
    pthread_cond_broadcast(&wait_cond);
    while (wait_arrived < 2 && pthread_cond_timedwait(&wait_cond, &wait_lock, &until) == 0)
        ;
    int together = wait_arrived >= 2;
    pthread_mutex_unlock(&wait_lock);
    return vial_response_text(res, 200, "text/plain", together ? "together" : "alone");
}

/* Makes the app of lab 11. NULL when vial_app_new failed. */
static vial_app *lab11_app(void)
{
    vial_app *app = vial_app_new("lab11");
    if (app == NULL)
        return NULL;
    vial_app_route(app, "GET,POST,PUT,DELETE", "/echo", "echo", view_echo);
    vial_app_route(app, "GET", "/cookie", "cookie", view_cookie);
    vial_app_route(app, "GET", "/hello", "hello", view_hello);
    vial_app_route(app, "GET", "/wait", "wait", view_wait);
    return app;
}

/* ---- frames run on either vial ------------------------------------------------------ */

/* A response as text: rc, status, headers in order, body. */
static void dump_response(struct wire_buf *out, int rc, const vial_response *res)
{
    char line[64];
    snprintf(line, sizeof line, "rc %d\nstatus %d\n", rc, res->status);
    wire_buf_str(out, line);
    wire_dump_pairs(out, "headers", &res->headers);
    wire_line(out, "body", res->body ? res->body : "", res->body ? res->body_len : 0);
}

/* parse: raw response bytes -> what vial_parse_response made of them. */
static void frame_parse(struct wire_buf *out, const char *d, size_t len)
{
    vial_response res;
    vial_response_init(&res);
    int rc = vial_parse_response(len ? d : NULL, len, &res);   /* no bytes: a NULL buf */
    if (rc == 0)
        dump_response(out, rc, &res);
    else
        wire_buf_str(out, "rc -1\n");
    vial_response_free(&res);
}

/* Splits data[0..len) at NULs into at most max fields; returns how many. */
static int fields(char *data, size_t len, char **f, int max)
{
    int n = 0;
    size_t at = 0;
    while (at < len && n < max) {
        f[n++] = data + at;
        at += strlen(data + at) + 1;
    }
    return n;
}

/* client: "new" | "get\0T" | "post\0T\0CTYPE\0BODY" |
 * "open\0M\0T\0HNAME\0HVALUE\0BODY[\0HNAME2\0HVALUE2]" (an empty M is a NULL method). */
static void frame_client(struct wire_buf *out, vial_client **c, vial_app *app, char *d,
                         size_t len)
{
    char *f[8];
    int n = fields(d, len, f, 8), rc = -1;
    vial_response res;
    vial_response_init(&res);
    if (n >= 1 && strcmp(f[0], "new") == 0) {
        vial_client_free(*c);
        *c = vial_client_new(app);
        wire_buf_str(out, *c ? "client\n" : "vial_client_new returned NULL\n");
        return;
    }
    if (n >= 2 && strcmp(f[0], "get") == 0)
        rc = vial_client_get(*c, f[1], &res);
    else if (n >= 4 && strcmp(f[0], "post") == 0)
        rc = vial_client_post(*c, f[1], *f[2] ? f[2] : NULL, f[3], strlen(f[3]), &res);
    else if (n >= 5 && strcmp(f[0], "open") == 0) {
        const char *body = n >= 6 ? f[5] : "";           /* a script's empty last field */
        vial_pairs h;
        vial_pairs_init(&h);
        if (*f[3])
            vial_pairs_adds(&h, f[3], f[4]);
        if (n >= 8)
            vial_pairs_adds(&h, f[6], f[7]);
        rc = vial_client_open(*c, *f[1] ? f[1] : NULL, f[2], &h, *body ? body : NULL,
                              strlen(body), &res);
        vial_pairs_free(&h);
    }
    dump_response(out, rc, &res);
    vial_response_free(&res);
}

/* ---- the server frames (driver only) ---------------------------------------------- */

/* A free loopback port, or -1. */
static int free_port(void)
{
    struct sockaddr_in sa = {0};
    socklen_t sl = sizeof sa;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0
        || getsockname(fd, (struct sockaddr *)&sa, &sl) < 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    close(fd);
    return ntohs(sa.sin_port);
}

/* A loopback socket listening on a free port (its number into *port), or -1. */
static int busy_port(int *port)
{
    struct sockaddr_in sa = {0};
    socklen_t sl = sizeof sa;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(fd, 4) < 0
        || getsockname(fd, (struct sockaddr *)&sa, &sl) < 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    *port = ntohs(sa.sin_port);
    return fd;
}

/* Fills 16 KiB of stack below the caller with 0xff bytes, so that a variable left
 * uninitialised by a function called next through run_low (a sigset_t without
 * sigemptyset) holds every bit set, as stack garbage may, not a fresh stack's zeros. */
static __attribute__((noinline)) void paint_stack(void)
{
    volatile unsigned char fill[16384];
    for (size_t i = 0; i < sizeof fill; i++)
        fill[i] = 0xff;
}

/* vial_run from 1 KiB further down, so its frame lies inside what paint_stack filled
 * (the sanitizer puts paint_stack's array below a header of its own). */
static __attribute__((noinline)) int run_low(vial_app *app, const struct vial_server_options *o)
{
    volatile char pad[1024];
    pad[0] = 0;
    return vial_run(app, o);
}

/* Waits up to 5 s for the child to end; "exited with status N", "killed by signal N"
 * or "still running" (then killed) into line. */
static void reap(pid_t child, char *line, size_t cap)
{
    int status = 0;
    pid_t r = 0;
    for (int i = 0; i < 250 && (r = waitpid(child, &status, WNOHANG)) == 0; i++)
        poll(NULL, 0, 20);
    if (r == 0) {
        kill(child, SIGKILL);
        waitpid(child, &status, 0);
        snprintf(line, cap, "still running after 5 s");
    } else if (WIFEXITED(status)) {
        snprintf(line, cap, "exited with status %d", WEXITSTATUS(status));
    } else {
        snprintf(line, cap, "killed by signal %d", WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    }
}

/* run: vial_run in a child with its stderr on a pipe (on a painted stack: paint_stack);
 * answers "PORT\nFIRST LINE". "run busy": the port is taken by a listening socket
 * first, so vial_run cannot start; answers "PORT\nFIRST LINE\nHOW IT ENDED" (reap). */
static void frame_run(struct wire_buf *out, vial_app *app, pid_t *child, int busy)
{
    int port = -1, fds[2], held = busy ? busy_port(&port) : -1;
    char line[256] = "", num[32], end[96];
    if (!busy)
        port = free_port();
    if (port < 0 || pipe(fds) < 0) {
        if (held >= 0)
            close(held);
        wire_buf_str(out, "-1\nno free port");
        return;
    }
    *child = fork();
    static int runs;
    runs++;
    if (*child == 0) {
        /* every second run leaves the host NULL: vial_run prints 127.0.0.1 then too */
        struct vial_server_options opt = {.host = runs % 2 ? "127.0.0.1" : NULL, .port = port};
        close(fds[0]);
        dup2(fds[1], 2);
        close(fds[1]);
        paint_stack();
        _exit(run_low(app, &opt) == 0 ? 0 : 1);
    }
    close(fds[1]);
    size_t n = 0;
    struct pollfd pfd = {.fd = fds[0], .events = POLLIN};
    while (n + 1 < sizeof line && poll(&pfd, 1, 5000) > 0) {
        ssize_t r = read(fds[0], line + n, 1);
        if (r <= 0 || line[n] == '\n')
            break;
        n++;
    }
    line[n] = '\0';
    close(fds[0]);
    snprintf(num, sizeof num, "%d\n", port);
    wire_buf_str(out, num);
    wire_buf_str(out, line);
    if (busy && *child > 0) {
        reap(*child, end, sizeof end);
        *child = 0;
        wire_buf_str(out, "\n");
        wire_buf_str(out, end);
    }
    if (held >= 0)
        close(held);
}

/* signal N: sends it to the vial_run child and waits up to 5 s for it to end. */
static void frame_signal(struct wire_buf *out, pid_t *child, int sig)
{
    char line[96];
    if (*child <= 0) {
        wire_buf_str(out, "no child");
        return;
    }
    kill(*child, sig);
    reap(*child, line, sizeof line);
    if (strcmp(line, "still running after 5 s") == 0)
        snprintf(line, sizeof line, "still running 5 s after signal %d", sig);
    *child = 0;
    wire_buf_str(out, line);
}

/* serve: "TIMEOUT THREADS" -> starts the server; answers its port. */
static void frame_serve(struct wire_buf *out, vial_app *app, vial_server **srv, const char *d)
{
    char line[300];
    char *end = NULL, *cause = NULL;
    struct vial_server_options opt = {.host = "127.0.0.1"};
    opt.timeout_sec = (int)strtol(d, &end, 10);
    opt.threads = (int)strtol(end, NULL, 10);
    vial_server_stop(*srv);
    *srv = vial_server_start(app, &opt, &cause);
    snprintf(line, sizeof line, "%d %s", *srv ? vial_server_port(*srv) : -1, cause ? cause : "");
    free(cause);
    pthread_mutex_lock(&wait_lock);
    wait_arrived = 0;
    pthread_mutex_unlock(&wait_lock);
    wire_buf_str(out, line);
}

/* One frame; the answer text goes to out. */
static void driver_frame(struct wire_buf *out, const char *name, char *d, size_t len,
                         vial_app *app, vial_client **c, vial_server **srv, pid_t *child)
{
    if (strcmp(name, "raw") == 0) {
        size_t n = 0;
        char *raw = vial_app_handle_raw(app, d, len, &n);
        wire_buf_add(out, raw ? raw : "(NULL)", raw ? n : 6);
        free(raw);
    } else if (strcmp(name, "parse") == 0) {
        frame_parse(out, d, len);
    } else if (strcmp(name, "client") == 0) {
        frame_client(out, c, app, d, len);
    } else if (strcmp(name, "serve") == 0) {
        frame_serve(out, app, srv, d);
    } else if (strcmp(name, "stop") == 0) {
        vial_server_stop(*srv);
        *srv = NULL;
        wire_buf_str(out, "stopped");
    } else if (strcmp(name, "arrived") == 0) {
        char num[16];
        pthread_mutex_lock(&wait_lock);
        snprintf(num, sizeof num, "%d", wait_arrived);
        pthread_mutex_unlock(&wait_lock);
        wire_buf_str(out, num);
    } else if (strcmp(name, "run") == 0) {
        frame_run(out, app, child, strcmp(d, "busy") == 0);
    } else if (strcmp(name, "signal") == 0) {
        frame_signal(out, child, (int)strtol(d, NULL, 10));
    } else {
        wire_buf_str(out, "unknown frame");
    }
}

struct driver {
    vial_app *app;
    vial_client *client;
    vial_server *srv;
    pid_t child;
};

static void driver_serve(void *state, const char *name, char *data, size_t len,
                         struct wire_buf *out, const char **reply)
{
    struct driver *d = state;
    (void)reply;
    if (d->app == NULL)
        wire_buf_str(out, "vial_app_new returned NULL");
    else
        driver_frame(out, name, data, len, d->app, &d->client, &d->srv, &d->child);
}

#endif
