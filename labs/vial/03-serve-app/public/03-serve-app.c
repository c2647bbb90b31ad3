/* 03-serve-app.c -- public tests of lab 03: the app, the dispatcher and the server.
 * Run with `make test LAB=03`; debug with `gdb build/tests/03-serve-app`. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tap.h"
#include "vial.h"

static int hello_view(vial_request *req, vial_response *res)
{
    (void)req;
    return vial_response_text(res, 200, "text/plain", "hello");
}

static int broken_view(vial_request *req, vial_response *res)
{
    (void)req;
    (void)res;
    return -1;
}

/* Sends a raw request to 127.0.0.1:port and returns the whole answer (caller frees). */
static char *http(int port, const char *request)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    if (write(fd, request, strlen(request)) < 0) {
        close(fd);
        return NULL;
    }
    size_t len = 0, cap = 4096;
    char *buf = malloc(cap);
    ssize_t n;
    while (buf && (n = read(fd, buf + len, cap - len - 1)) > 0)
        len += (size_t)n;
    close(fd);
    if (buf)
        buf[len] = '\0';
    return buf;
}

int main(void)
{
    vial_app *app = vial_app_new("test");
    ok(app != NULL, "vial_app_new makes an app");
    if (app == NULL)
        return done_testing();
    is_int(vial_app_route(app, "GET", "/hello", "hello", hello_view), 0, "a route is added");
    is_int(vial_app_route(app, "GET", "/boom", "boom", broken_view), 0, "another route");
    is_int(vial_app_route(app, "GET", "/again", "hello", hello_view), -1,
           "an endpoint name is used once");

    vial_request req;
    vial_response res;
    vial_request_init(&req);
    vial_response_init(&res);
    memcpy(req.method, "GET", 4);
    req.path = malloc(8);
    memcpy(req.path, "/hello", 7);
    is_int(vial_app_dispatch(app, &req, &res), 200, "dispatch without a server");
    is_bytes(res.body, res.body_len, "hello", 5, "the view's body");
    is_str(req.endpoint, "hello", "dispatch records the endpoint");
    vial_response_free(&res);
    vial_response_init(&res);
    memcpy(req.path, "/nope", 6);
    is_int(vial_app_dispatch(app, &req, &res), 404, "an unknown path is 404");
    vial_response_free(&res);
    vial_request_free(&req);

    struct vial_server_options opt = {.host = "127.0.0.1", .port = 0};
    char *cause = NULL;
    vial_server *srv = vial_server_start(app, &opt, &cause);
    ok(srv != NULL, "the server starts (%s)", cause ? cause : "no error");
    free(cause);
    int port = vial_server_port(srv);
    ok(port > 0, "port 0 means the system picks one: %d", port);
    char *answer = srv ? http(port, "GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n") : NULL;
    like(answer ? answer : "", "HTTP/1.1 200", "GET /hello over HTTP: 200");
    like(answer ? answer : "", "\r\n\r\nhello", "and its body");
    free(answer);
    answer = srv ? http(port, "GET /boom HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n") : NULL;
    like(answer ? answer : "", "HTTP/1.1 500", "a failing view gives 500");
    free(answer);
    vial_server_stop(srv);
    ok(http(port, "GET / HTTP/1.1\r\n\r\n") == NULL, "after stop, nobody listens");
    vial_app_free(app);
    return done_testing();
}
