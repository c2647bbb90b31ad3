/* testclient.c -- [lab 11] the in-process test client: raw request bytes through the
 * lab 01 parser, the dispatcher and the lab 02 serializer, with no socket; the answer is
 * parsed back into a vial_response, and cookies are kept between requests. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

/* A client: the app it calls (not owned) and its cookie jar (name -> value). */
struct vial_client {
    vial_app *app;
    vial_pairs jar;
};

char *vial_app_handle_raw(vial_app *app, const char *raw, size_t len, size_t *out_len)
{
/* SOLUTION(11) BEGIN */
    vial_request req;
    vial_response res;
    size_t n = 0;
    vial_request_init(&req);
    vial_response_init(&res);
    int st = vial_parse_request(raw, len, &req, NULL);
    if (st == 0 && vial_request_parse_cookies(&req) < 0)
        st = 500;
    if (st != 0)
        vial_abort(&res, st);
    else
        vial_app_dispatch(app, &req, &res);
    char *out = vial_response_serialize(&res, st != 0 || strcmp(req.method, "HEAD") != 0, &n);
    vial_request_free(&req);
    vial_response_free(&res);
    if (out_len != NULL)
        *out_len = out ? n : 0;
    return out;
/* SOLUTION(11) STUB
    (void)app;
    (void)raw;
    (void)len;
    (void)out_len;
    return NULL;
   SOLUTION(11) END */
}

/* SOLUTION(11) BEGIN */
/* The status line "HTTP/1.D SSS REASON" of line[0..len). Returns the status or -1. */
static int client_status_line(const char *line, size_t len)
{
    if (len < 12 || memcmp(line, "HTTP/1.", 7) != 0 || line[7] < '0' || line[7] > '9'
        || line[8] != ' ' || line[12] != ' ')
        return -1;
    int st = 0;
    for (int i = 9; i < 12; i++) {
        if (line[i] < '0' || line[i] > '9')
            return -1;
        st = st * 10 + (line[i] - '0');
    }
    return st >= 100 && st <= 599 ? st : -1;
}

/* 1 when c is a token character of a header name. */
static int client_tchar(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
           || (c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* One header line "Name: value" (trimmed) into res. Returns 0 or -1. */
static int client_header_line(const char *line, size_t len, vial_response *res)
{
    const char *colon = memchr(line, ':', len);
    if (colon == NULL || colon == line)
        return -1;
    for (const char *p = line; p < colon; p++)
        if (!client_tchar((unsigned char)*p))
            return -1;
    const char *v = colon + 1, *end = line + len;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
        end--;
    return vial_pairs_add(&res->headers, line, (size_t)(colon - line), v, (size_t)(end - v));
}

/* Content-Length of the parsed headers: -2 when absent, -1 when not all digits. */
static long long client_content_length(const vial_response *res)
{
    const char *v = vial_response_header(res, "Content-Length");
    long long n = 0;
    if (v == NULL)
        return -2;
    if (*v == '\0' || strlen(v) > 18)
        return -1;
    for (; *v; v++) {
        if (*v < '0' || *v > '9')
            return -1;
        n = n * 10 + (*v - '0');
    }
    return n;
}

/* Parses the head and body of buf[0..len) into res. Returns 0 or -1. */
static int client_parse(const char *buf, size_t len, vial_response *res)
{
    const char *p = buf, *end = buf + len;
    for (int first = 1;; first = 0) {
        const char *cr = memchr(p, '\r', (size_t)(end - p));
        const char *lf = memchr(p, '\n', (size_t)(end - p));
        if (cr == NULL || cr + 1 >= end || cr[1] != '\n' || (lf != NULL && lf < cr))
            return -1;
        size_t n = (size_t)(cr - p);
        if (first) {
            res->status = client_status_line(p, n);
            if (res->status < 0)
                return -1;
        } else if (n == 0) {
            p = cr + 2;
            break;
        } else if (client_header_line(p, n, res) < 0) {
            return -1;
        }
        p = cr + 2;
    }
    long long cl = client_content_length(res);
    size_t rest = (size_t)(end - p);
    if (cl == -1 || (cl >= 0 && rest > 0 && (unsigned long long)cl > rest))
        return -1;
    size_t body = cl == -2 ? rest : (rest == 0 ? 0 : (size_t)cl);
    return vial_response_set_body(res, p, body);
}
/* SOLUTION(11) END */

int vial_parse_response(const char *buf, size_t len, vial_response *res)
{
/* SOLUTION(11) BEGIN */
    if (buf == NULL || res == NULL)
        return -1;
    return client_parse(buf, len, res);
/* SOLUTION(11) STUB
    (void)buf;
    (void)len;
    (void)res;
    return -1;
   SOLUTION(11) END */
}

vial_client *vial_client_new(vial_app *app)
{
/* SOLUTION(11) BEGIN */
    vial_client *c = calloc(1, sizeof *c);
    if (c == NULL)
        return NULL;
    c->app = app;
    vial_pairs_init(&c->jar);
    return c;
/* SOLUTION(11) STUB
    (void)app;
    return NULL;
   SOLUTION(11) END */
}

void vial_client_free(vial_client *c)
{
    if (c == NULL)
        return;
    vial_pairs_free(&c->jar);
    free(c);
}

/* SOLUTION(11) BEGIN */
/* Appends a NUL-terminated string to a growing buffer; sets *failed when out of memory. */
static void client_put(char **buf, size_t *len, size_t *cap, const void *s, size_t n, int *failed)
{
    if (*failed)
        return;
    if (*len + n + 1 > *cap) {
        size_t ncap = (*len + n + 1) * 2;
        char *grown = realloc(*buf, ncap);
        if (grown == NULL) {
            *failed = 1;
            return;
        }
        *buf = grown;
        *cap = ncap;
    }
    if (n > 0)
        memcpy(*buf + *len, s, n);
    *len += n;
    (*buf)[*len] = '\0';
}

#define CLIENT_PUTS(s) client_put(&raw, &len, &cap, (s), strlen(s), &failed)

/* The raw request: line, Host, the caller's headers, Cookie, Content-Length, body. */
static char *client_build(const vial_client *c, const char *method, const char *target,
                          const vial_pairs *headers, const void *body, size_t body_len,
                          size_t *out_len)
{
    char *raw = NULL, num[48];
    size_t len = 0, cap = 0;
    int failed = 0, has_host = 0;
    for (size_t i = 0; headers != NULL && i < headers->len; i++)
        has_host |= strcasecmp(headers->items[i].name, "Host") == 0;
    CLIENT_PUTS(method);
    CLIENT_PUTS(" ");
    CLIENT_PUTS(target);
    CLIENT_PUTS(" HTTP/1.1\r\n");
    if (!has_host)
        CLIENT_PUTS("Host: localhost\r\n");
    for (size_t i = 0; headers != NULL && i < headers->len; i++) {
        CLIENT_PUTS(headers->items[i].name);
        CLIENT_PUTS(": ");
        CLIENT_PUTS(headers->items[i].value ? headers->items[i].value : "");
        CLIENT_PUTS("\r\n");
    }
    for (size_t i = 0; i < c->jar.len; i++) {
        CLIENT_PUTS(i == 0 ? "Cookie: " : "; ");
        CLIENT_PUTS(c->jar.items[i].name);
        CLIENT_PUTS("=");
        CLIENT_PUTS(c->jar.items[i].value);
        if (i + 1 == c->jar.len)
            CLIENT_PUTS("\r\n");
    }
    if (body_len > 0) {
        snprintf(num, sizeof num, "Content-Length: %zu\r\n", body_len);
        CLIENT_PUTS(num);
    }
    CLIENT_PUTS("\r\n");
    client_put(&raw, &len, &cap, body, body_len, &failed);
    if (failed) {
        free(raw);
        return NULL;
    }
    *out_len = len;
    return raw;
}

/* Keeps the cookies of one Set-Cookie value: an empty value or Max-Age=0 removes. */
static void client_keep_cookie(vial_client *c, const char *line)
{
    const char *semi = strchr(line, ';');
    size_t n = semi ? (size_t)(semi - line) : strlen(line);
    const char *eq = memchr(line, '=', n);
    if (eq == NULL || eq == line)
        return;
    char name[256];
    size_t nl = (size_t)(eq - line);
    if (nl >= sizeof name)
        return;
    memcpy(name, line, nl);
    name[nl] = '\0';
    vial_pairs_remove(&c->jar, name);
    size_t vl = n - nl - 1;
    if (vl > 0 && (semi == NULL || strstr(semi, "Max-Age=0") == NULL))
        vial_pairs_add(&c->jar, name, nl, eq + 1, vl);
}
/* SOLUTION(11) END */

int vial_client_open(vial_client *c, const char *method, const char *target,
                     const vial_pairs *headers, const void *body, size_t body_len,
                     vial_response *out)
{
/* SOLUTION(11) BEGIN */
    size_t len = 0, alen = 0;
    if (c == NULL || method == NULL || target == NULL || out == NULL
        || (body == NULL && body_len > 0))
        return -1;
    char *raw = client_build(c, method, target, headers, body, body_len, &len);
    char *answer = raw ? vial_app_handle_raw(c->app, raw, len, &alen) : NULL;
    free(raw);
    int rc = answer ? vial_parse_response(answer, alen, out) : -1;
    free(answer);
    if (rc < 0)
        return -1;
    for (long i = vial_pairs_next(&out->headers, "Set-Cookie", 0); i >= 0;
         i = vial_pairs_next(&out->headers, "Set-Cookie", (size_t)i + 1))
        client_keep_cookie(c, out->headers.items[i].value);
    return out->status;
/* SOLUTION(11) STUB
    (void)c;
    (void)method;
    (void)target;
    (void)headers;
    (void)body;
    (void)body_len;
    (void)out;
    return -1;
   SOLUTION(11) END */
}

int vial_client_get(vial_client *c, const char *target, vial_response *out)
{
    return vial_client_open(c, "GET", target, NULL, NULL, 0, out);
}

int vial_client_post(vial_client *c, const char *target, const char *content_type,
                     const void *body, size_t body_len, vial_response *out)
{
/* SOLUTION(11) BEGIN */
    vial_pairs h;
    vial_pairs_init(&h);
    if (content_type != NULL && vial_pairs_adds(&h, "Content-Type", content_type) < 0)
        return -1;
    int rc = vial_client_open(c, "POST", target, &h, body, body_len, out);
    vial_pairs_free(&h);
    return rc;
/* SOLUTION(11) STUB
    (void)content_type;
    return vial_client_open(c, "POST", target, NULL, body, body_len, out);
   SOLUTION(11) END */
}
