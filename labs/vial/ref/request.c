/* request.c -- [lab 04] the request object over libmicrohttpd: headers, query
 * arguments (repeated keys, flags), cookies, a body arriving in pieces, 413 for an
 * oversized body before it is read, and form fields. Until lab 04 a served request
 * carries only its method and path. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <microhttpd.h>

#include "internal.h"

/* SOLUTION(04) BEGIN */
/* What the libmicrohttpd iterators fill: a list, and the first problem met. */
struct req_collect {
    vial_pairs *list;
    int status;
};

/* Appends one header or argument. A value holding byte 0 (from "%00") is refused with
 * 400, as the lab 01 parser does. libmicrohttpd gives NULL for a "?flag"; it also
 * hands over empty pieces ("&&"), which are skipped, and header values with their
 * trailing spaces, which are trimmed. */
static enum MHD_Result req_collect_one(void *cls, enum MHD_ValueKind kind, const char *key,
                                       size_t key_size, const char *value, size_t value_size)
{
    struct req_collect *c = cls;
    if (memchr(key, '\0', key_size) || (value && memchr(value, '\0', value_size))) {
        c->status = 400;
        return MHD_NO;
    }
    if (kind == MHD_GET_ARGUMENT_KIND && key_size == 0 && value == NULL)
        return MHD_YES;                 /* an empty piece, as in "a=1&&b=2" */
    while (kind == MHD_HEADER_KIND && value_size > 0
           && (value[value_size - 1] == ' ' || value[value_size - 1] == '\t'))
        value_size--;                   /* libmicrohttpd trims only the front */
    if (vial_pairs_add(c->list, key, key_size, value, value_size) < 0) {
        c->status = 500;
        return MHD_NO;
    }
    return MHD_YES;
}

/* Appends s[0..len) to b percent-encoded: every byte but A-Z a-z 0-9 - . _ ~. */
static void req_encode(char *b, size_t *blen, const char *s, size_t len)
{
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
            || c == '-' || c == '.' || c == '_' || c == '~') {
            b[(*blen)++] = (char)c;
        } else {
            b[(*blen)++] = '%';
            b[(*blen)++] = hex[c >> 4];
            b[(*blen)++] = hex[c & 15];
        }
    }
}

/* Rebuilds req->query_string from req->args: libmicrohttpd hands over only the decoded
 * arguments, so the text is their canonical encoding ("a=1&flag&t=x%20y").
 * Returns 0 or 500. */
static int req_rebuild_query(vial_request *req)
{
    size_t cap = 1;
    for (size_t i = 0; i < req->args.len; i++) {
        const struct vial_pair *p = &req->args.items[i];
        cap += 3 * strlen(p->name) + (p->value ? 3 * strlen(p->value) + 1 : 0) + 1;
    }
    char *q = malloc(cap);
    size_t n = 0;
    if (q == NULL)
        return 500;
    for (size_t i = 0; i < req->args.len; i++) {
        const struct vial_pair *p = &req->args.items[i];
        if (i > 0)
            q[n++] = '&';
        req_encode(q, &n, p->name, strlen(p->name));
        if (p->value != NULL) {
            q[n++] = '=';
            req_encode(q, &n, p->value, strlen(p->value));
        }
    }
    q[n] = '\0';
    free(req->query_string);
    req->query_string = q;
    return 0;
}

/* 413 when the Content-Length header promises more than max_body bytes, else 0. */
static int req_check_length(const vial_request *req, size_t max_body)
{
    const char *cl = vial_request_header(req, "Content-Length");
    if (cl == NULL || *cl < '0' || *cl > '9')
        return 0;
    char *end = NULL;
    unsigned long long n = strtoull(cl, &end, 10);
    return n > max_body ? 413 : 0;
}

/* Answers `status` at once, from the first call of the access handler: libmicrohttpd
 * then sends it without reading the body (no "100 Continue") and closes the connection. */
static void req_answer_early(struct MHD_Connection *conn, int status)
{
    char text[64];
    int n = snprintf(text, sizeof text, "%d %s\n", status, vial_reason_phrase(status));
    struct MHD_Response *mr = MHD_create_response_from_buffer((size_t)n, text,
                                                              MHD_RESPMEM_MUST_COPY);
    if (mr == NULL)
        return;
    MHD_add_response_header(mr, "Content-Type", "text/plain; charset=utf-8");
    MHD_add_response_header(mr, "Connection", "close");
    MHD_queue_response(conn, (unsigned)status, mr);
    MHD_destroy_response(mr);
}
/* SOLUTION(04) END */

int vial_request_load_mhd(vial_request *req, struct MHD_Connection *conn, size_t max_body)
{
/* SOLUTION(04) BEGIN */
    struct req_collect hc = {&req->headers, 0}, ac = {&req->args, 0};
    MHD_get_connection_values_n(conn, MHD_HEADER_KIND, req_collect_one, &hc);
    if (hc.status != 0)
        return hc.status;
    MHD_get_connection_values_n(conn, MHD_GET_ARGUMENT_KIND, req_collect_one, &ac);
    if (ac.status != 0)
        return ac.status;
    if (req_rebuild_query(req) != 0 || vial_request_parse_cookies(req) < 0)
        return 500;
    int st = req_check_length(req, max_body);
    if (st != 0)
        req_answer_early(conn, st);
    return st;
/* SOLUTION(04) STUB
    (void)req;
    (void)conn;
    (void)max_body;
    return 0;
   SOLUTION(04) END */
}

/* SOLUTION(04) BEGIN */
/* Trims spaces and tabs off both ends of s[0..*len); returns the new start. */
static const char *req_trim(const char *s, size_t *len)
{
    while (*len > 0 && (*s == ' ' || *s == '\t'))
        s++, (*len)--;
    while (*len > 0 && (s[*len - 1] == ' ' || s[*len - 1] == '\t'))
        (*len)--;
    return s;
}

/* Adds the cookies of one Cookie header value. Returns 0 or -1 (out of memory). */
static int req_cookie_line(vial_pairs *out, const char *line)
{
    const char *p = line;
    while (*p) {
        size_t len = strcspn(p, ";");
        const char *eq = memchr(p, '=', len);
        if (eq != NULL) {
            size_t nlen = (size_t)(eq - p), vlen = len - nlen - 1;
            const char *name = req_trim(p, &nlen), *value = req_trim(eq + 1, &vlen);
            if (vlen >= 2 && value[0] == '"' && value[vlen - 1] == '"')
                value++, vlen -= 2;
            if (nlen > 0 && vial_pairs_add(out, name, nlen, value, vlen) < 0)
                return -1;
        }
        p += len + (p[len] == ';');
    }
    return 0;
}
/* SOLUTION(04) END */

int vial_request_parse_cookies(vial_request *req)
{
/* SOLUTION(04) BEGIN */
    vial_pairs_free(&req->cookies);
    for (long i = 0; i >= 0 && (size_t)i < req->headers.len; i++) {
        const struct vial_pair *h = &req->headers.items[i];
        if (strcasecmp(h->name, "Cookie") != 0 || h->value == NULL)
            continue;
        if (req_cookie_line(&req->cookies, h->value) < 0)
            return -1;
    }
    return (int)req->cookies.len;
/* SOLUTION(04) STUB
    (void)req;
    return 0;
   SOLUTION(04) END */
}

const char *vial_request_cookie(const vial_request *req, const char *name)
{
    return vial_pairs_get(&req->cookies, name);
}

int vial_request_append_body(vial_request *req, const char *data, size_t len, size_t limit)
{
/* SOLUTION(04) BEGIN */
    if (req->body_len > limit || len > limit - req->body_len)
        return 413;
    char *body = realloc(req->body, req->body_len + len + 1);
    if (body == NULL)
        return 500;
    if (len > 0)
        memcpy(body + req->body_len, data, len);
    req->body = body;
    req->body_len += len;
    body[req->body_len] = '\0';
    return 0;
/* SOLUTION(04) STUB
    (void)req;
    (void)data;
    (void)len;
    (void)limit;
    return 0;
   SOLUTION(04) END */
}

/* SOLUTION(04) BEGIN */
/* 1 when the request's Content-Type is application/x-www-form-urlencoded (any case,
 * parameters such as "; charset=utf-8" allowed). */
static int req_is_form(const vial_request *req)
{
    static const char form[] = "application/x-www-form-urlencoded";
    const char *ct = vial_request_header(req, "Content-Type");
    if (ct == NULL || strncasecmp(ct, form, sizeof form - 1) != 0)
        return 0;
    char next = ct[sizeof form - 1];
    return next == '\0' || next == ';' || next == ' ' || next == '\t';
}

/* Adds one "k=v" or "k" piece of a form body, decoded. Returns 0, 400 or 500. */
static int req_form_piece(vial_pairs *form, const char *p, size_t len)
{
    const char *eq = memchr(p, '=', len);
    size_t nlen = eq ? (size_t)(eq - p) : len, klen = 0, vlen = 0;
    char *name = vial_percent_decode(p, nlen, 1, &klen);
    char *value = eq ? vial_percent_decode(eq + 1, len - nlen - 1, 1, &vlen) : NULL;
    int st = name == NULL || (eq != NULL && value == NULL) ? 400 : 0;
    if (st == 0 && vial_pairs_add(form, name, klen, value, vlen) < 0)
        st = 500;
    free(name);
    free(value);
    return st;
}
/* SOLUTION(04) END */

int vial_request_parse_form(vial_request *req)
{
/* SOLUTION(04) BEGIN */
    vial_pairs_free(&req->form);
    if (!req_is_form(req) || req->body == NULL)
        return 0;
    const char *p = req->body, *end = req->body + req->body_len;
    while (p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        size_t len = amp ? (size_t)(amp - p) : (size_t)(end - p);
        int st = len > 0 ? req_form_piece(&req->form, p, len) : 0;
        if (st != 0) {
            vial_pairs_free(&req->form);
            return st;
        }
        p += len + (amp != NULL);
    }
    return 0;
/* SOLUTION(04) STUB
    (void)req;
    return 0;
   SOLUTION(04) END */
}
