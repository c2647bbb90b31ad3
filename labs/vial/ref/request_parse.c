/* request_parse.c -- [lab 01] reads one raw HTTP/1.1 request from a byte buffer into a
 * vial_request: request line, headers, percent-decoded path, query arguments and body.
 * Malformed input is answered with a status (400, 413, 414, 431, 501, 505), never a
 * crash. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

void vial_request_init(vial_request *req)
{
    memset(req, 0, sizeof *req);
    vial_pairs_init(&req->headers);
    vial_pairs_init(&req->args);
    vial_pairs_init(&req->cookies);
    vial_pairs_init(&req->form);
    vial_pairs_init(&req->view_args);
}

void vial_request_free(vial_request *req)
{
    if (req == NULL)
        return;
    free(req->target);
    free(req->path);
    free(req->query_string);
    free(req->body);
    free(req->endpoint);
    vial_pairs_free(&req->headers);
    vial_pairs_free(&req->args);
    vial_pairs_free(&req->cookies);
    vial_pairs_free(&req->form);
    vial_pairs_free(&req->view_args);
    vial_session_free(req->session);
    vial_request_init(req);
}

/* SOLUTION(01) BEGIN */
/* Value of one hex digit, or -1. */
static int parse_hex(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* A token character of RFC 9110 (header names). */
static int parse_is_tchar(unsigned char c)
{
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
        return 1;
    return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* First "\r\n" in [p, end), or NULL. */
static const char *parse_find_crlf(const char *p, const char *end)
{
    while (p < end) {
        const char *cr = memchr(p, '\r', (size_t)(end - p));
        if (cr == NULL || cr + 1 >= end)
            return NULL;
        if (cr[1] == '\n')
            return cr;
        p = cr + 1;
    }
    return NULL;
}
/* SOLUTION(01) END */

char *vial_percent_decode(const char *s, size_t len, int plus_is_space, size_t *out_len)
{
/* SOLUTION(01) BEGIN */
    char *out = malloc(len + 1);
    size_t n = 0;
    if (out == NULL)
        return NULL;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '%') {
            int hi = i + 2 < len ? parse_hex((unsigned char)s[i + 1]) : -1;
            int lo = hi >= 0 ? parse_hex((unsigned char)s[i + 2]) : -1;
            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
                free(out);
                return NULL;
            }
            c = (unsigned char)(hi * 16 + lo);
            i += 2;
        } else if (c == '+' && plus_is_space) {
            c = ' ';
        }
        out[n++] = (char)c;
    }
    out[n] = '\0';
    if (out_len != NULL)
        *out_len = n;
    return out;
/* SOLUTION(01) STUB
    (void)s;
    (void)len;
    (void)plus_is_space;
    (void)out_len;
    return NULL;
   SOLUTION(01) END */
}

/* SOLUTION(01) BEGIN */
/* Splits a raw query into decoded args. Returns 0 or 400. */
static int parse_query(const char *q, size_t len, vial_pairs *args)
{
    const char *end = q + len;
    while (q < end) {
        const char *amp = memchr(q, '&', (size_t)(end - q));
        const char *stop = amp ? amp : end;
        if (stop > q) {
            const char *eq = memchr(q, '=', (size_t)(stop - q));
            const char *nend = eq ? eq : stop;
            size_t nl, vl = 0;
            char *name = vial_percent_decode(q, (size_t)(nend - q), 1, &nl);
            char *value = eq ? vial_percent_decode(eq + 1, (size_t)(stop - eq - 1), 1, &vl) : NULL;
            int bad = name == NULL || (eq != NULL && value == NULL);
            if (!bad && vial_pairs_add(args, name, nl, value, vl) < 0)
                bad = 1;
            free(name);
            free(value);
            if (bad)
                return 400;
        }
        q = stop + (amp != NULL);
    }
    return 0;
}

/* Stores and decodes the request-target [t, t+len). Returns 0, 400 or 414. */
static int parse_target(const char *t, size_t len, vial_request *req)
{
    if (len > VIAL_MAX_TARGET)
        return 414;
    if (len == 0 || t[0] != '/')
        return 400;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)t[i] < 0x21 || (unsigned char)t[i] > 0x7e)
            return 400;
    const char *qm = memchr(t, '?', len);
    size_t plen = qm ? (size_t)(qm - t) : len;
    size_t qlen = qm ? len - plen - 1 : 0;
    req->target = malloc(len + 1);
    req->query_string = malloc(qlen + 1);
    if (req->target == NULL || req->query_string == NULL)
        return 400;
    memcpy(req->target, t, len);
    req->target[len] = '\0';
    if (qlen > 0)
        memcpy(req->query_string, qm + 1, qlen);
    req->query_string[qlen] = '\0';
    req->path = vial_percent_decode(t, plen, 0, NULL);
    if (req->path == NULL)
        return 400;
    return parse_query(req->query_string, qlen, &req->args);
}

/* Checks "HTTP/1.x". Returns 0, 400 or 505. */
static int parse_version(const char *v, size_t len, vial_request *req)
{
    if (len != 8 || memcmp(v, "HTTP/", 5) != 0 || v[6] != '.'
        || parse_hex((unsigned char)v[5]) < 0 || parse_hex((unsigned char)v[5]) > 9
        || parse_hex((unsigned char)v[7]) < 0 || parse_hex((unsigned char)v[7]) > 9)
        return 400;
    if (v[5] != '1' || (v[7] != '0' && v[7] != '1'))
        return 505;
    req->http_minor = v[7] - '0';
    return 0;
}

/* Parses the request line [p, eol). Returns 0 or a status. */
static int parse_request_line(const char *p, const char *eol, vial_request *req)
{
    const char *sp1 = memchr(p, ' ', (size_t)(eol - p));
    const char *sp2 = sp1 ? memchr(sp1 + 1, ' ', (size_t)(eol - sp1 - 1)) : NULL;
    if (sp2 == NULL)
        return 400;
    size_t mlen = (size_t)(sp1 - p);
    if (mlen == 0 || mlen > VIAL_MAX_METHOD)
        return 400;
    for (size_t i = 0; i < mlen; i++)
        if (p[i] < 'A' || p[i] > 'Z')
            return 400;
    memcpy(req->method, p, mlen);
    req->method[mlen] = '\0';
    int st = parse_target(sp1 + 1, (size_t)(sp2 - sp1 - 1), req);
    if (st != 0)
        return st;
    return parse_version(sp2 + 1, (size_t)(eol - sp2 - 1), req);
}

/* Parses one header line [p, eol). Returns 0 or 400. */
static int parse_header_line(const char *p, const char *eol, vial_request *req)
{
    if (*p == ' ' || *p == '\t')
        return 400;
    const char *colon = memchr(p, ':', (size_t)(eol - p));
    if (colon == NULL || colon == p)
        return 400;
    for (const char *c = p; c < colon; c++)
        if (!parse_is_tchar((unsigned char)*c))
            return 400;
    const char *v = colon + 1, *vend = eol;
    while (v < vend && (*v == ' ' || *v == '\t'))
        v++;
    while (vend > v && (vend[-1] == ' ' || vend[-1] == '\t'))
        vend--;
    for (const char *c = v; c < vend; c++) {
        unsigned char u = (unsigned char)*c;
        if ((u < 0x20 && u != '\t') || u == 0x7f)
            return 400;
    }
    if (vial_pairs_add(&req->headers, p, (size_t)(colon - p), v, (size_t)(vend - v)) < 0)
        return 400;
    return 0;
}

/* Reads header lines from *pp up to and past the empty line. Returns 0 or a status. */
static int parse_headers(const char **pp, const char *end, vial_request *req)
{
    const char *p = *pp;
    size_t count = 0, total = 0;
    for (;;) {
        const char *eol = parse_find_crlf(p, end);
        if (eol == NULL)
            return 400;
        if (eol == p)
            break;
        count++;
        total += (size_t)(eol - p) + 2;
        if (count > VIAL_MAX_HEADERS || total > VIAL_MAX_HEADER_BYTES)
            return 431;
        int st = parse_header_line(p, eol, req);
        if (st != 0)
            return st;
        p = eol + 2;
    }
    *pp = p + 2;
    return 0;
}

/* Rules on the head as a whole, once every header line is read: Host must appear once
 * in an HTTP/1.1 request and at most once in any (RFC 9112 3.2), and no transfer coding
 * is implemented here (RFC 9112 6.1: 501), so a chunked body is never taken for the
 * next request. Returns 0, 400 or 501. */
static int parse_head_rules(const vial_request *req)
{
    size_t hosts = 0;
    for (size_t i = 0; i < req->headers.len; i++)
        hosts += strcasecmp(req->headers.items[i].name, "Host") == 0;
    if (hosts > 1 || (hosts == 0 && req->http_minor == 1))
        return 400;
    if (vial_request_header(req, "Transfer-Encoding") != NULL)
        return 501;
    return 0;
}

/* Reads the body announced by Content-Length. Returns 0 or a status. */
static int parse_body(const char **pp, const char *end, vial_request *req)
{
    const char *cl = NULL;
    for (size_t i = 0; i < req->headers.len; i++) {
        if (strcasecmp(req->headers.items[i].name, "Content-Length") != 0)
            continue;
        if (cl != NULL)
            return 400;
        cl = req->headers.items[i].value;
    }
    size_t n = 0;
    if (cl != NULL) {
        if (*cl == '\0')
            return 400;
        for (const char *c = cl; *c; c++) {
            if (*c < '0' || *c > '9')
                return 400;
            if (n > VIAL_MAX_BODY_DEFAULT)
                continue;
            n = n * 10 + (size_t)(*c - '0');
        }
        if (n > VIAL_MAX_BODY_DEFAULT)
            return 413;
    }
    if ((size_t)(end - *pp) < n)
        return 400;
    req->body = malloc(n + 1);
    if (req->body == NULL)
        return 400;
    if (n > 0)
        memcpy(req->body, *pp, n);
    req->body[n] = '\0';
    req->body_len = n;
    *pp += n;
    return 0;
}
/* SOLUTION(01) END */

int vial_parse_request(const char *buf, size_t len, vial_request *req, size_t *consumed)
{
/* SOLUTION(01) BEGIN */
    const char *end = buf + len;
    const char *eol = parse_find_crlf(buf, end);
    if (eol == NULL)
        return 400;
    int st = parse_request_line(buf, eol, req);
    const char *p = eol + 2;
    if (st == 0)
        st = parse_headers(&p, end, req);
    if (st == 0)
        st = parse_head_rules(req);
    if (st == 0)
        st = parse_body(&p, end, req);
    if (st == 0 && consumed != NULL)
        *consumed = (size_t)(p - buf);
    return st;
/* SOLUTION(01) STUB
    (void)buf;
    (void)len;
    (void)req;
    (void)consumed;
    return 501;
   SOLUTION(01) END */
}

const char *vial_request_header(const vial_request *req, const char *name)
{
/* SOLUTION(01) BEGIN */
    for (size_t i = 0; i < req->headers.len; i++)
        if (strcasecmp(req->headers.items[i].name, name) == 0)
            return req->headers.items[i].value;
    return NULL;
/* SOLUTION(01) STUB
    (void)req;
    (void)name;
    return NULL;
   SOLUTION(01) END */
}

const char *vial_request_arg(const vial_request *req, const char *name)
{
/* SOLUTION(01) BEGIN */
    return vial_pairs_get(&req->args, name);
/* SOLUTION(01) STUB
    (void)req;
    (void)name;
    return NULL;
   SOLUTION(01) END */
}
