/* request.c -- [lab 04] the request object over libmicrohttpd: headers held to the
 * rules of the lab 01 parser (limits, syntax, Host, Transfer-Encoding, Content-Length),
 * answered before the body is read; cookies, a body arriving in pieces and form fields.
 * Until lab 04 a served request carries only what its request line gives (lab 03). */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <microhttpd.h>

#include "internal.h"

/* SOLUTION(04) BEGIN */
/* What the libmicrohttpd header iterator fills: the list, what was counted, and the
 * first problem met. */
struct req_collect {
    vial_pairs *list;
    size_t count, bytes;
    int status;
};

/* A token character of RFC 9110 (header names). */
static int req_is_tchar(unsigned char c)
{
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
        return 1;
    return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* The lab 01 rules for one header line, in its order: limits (431), then the name
 * (400: empty, a non-token byte, byte 0), then the value (400: a control byte but TAB).
 * The line counts as "Name: value" CRLF: libmicrohttpd keeps no other blanks. */
static int req_check_header(struct req_collect *c, const char *key, size_t key_size,
                            const char *value, size_t value_size)
{
    c->count++;
    c->bytes += key_size + value_size + 4;
    if (c->count > VIAL_MAX_HEADERS || c->bytes > VIAL_MAX_HEADER_BYTES)
        return 431;
    if (key_size == 0)
        return 400;
    for (size_t i = 0; i < key_size; i++)
        if (!req_is_tchar((unsigned char)key[i]))
            return 400;
    for (size_t i = 0; i < value_size; i++) {
        unsigned char u = (unsigned char)value[i];
        if ((u < 0x20 && u != '\t') || u == 0x7f)
            return 400;
    }
    return 0;
}

/* Appends one header, trimmed of the trailing blanks libmicrohttpd leaves (it trims
 * only the front), once it passes the checks of the lab 01 parser. */
static enum MHD_Result req_collect_one(void *cls, enum MHD_ValueKind kind, const char *key,
                                       size_t key_size, const char *value, size_t value_size)
{
    struct req_collect *c = cls;
    (void)kind;
    if (value == NULL)
        value = "";
    while (value_size > 0 && (value[value_size - 1] == ' ' || value[value_size - 1] == '\t'))
        value_size--;
    c->status = req_check_header(c, key, key_size, value, value_size);
    if (c->status == 0 && vial_pairs_add(c->list, key, key_size, value, value_size) < 0)
        c->status = 500;
    return c->status == 0 ? MHD_YES : MHD_NO;
}

/* How many headers are named `name` (any case); *first gets the first one's value. */
static size_t req_count(const vial_request *req, const char *name, const char **first)
{
    size_t n = 0;
    *first = NULL;
    for (size_t i = 0; i < req->headers.len; i++) {
        if (strcasecmp(req->headers.items[i].name, name) != 0)
            continue;
        if (n++ == 0)
            *first = req->headers.items[i].value;
    }
    return n;
}

/* The rules on the head as a whole, in the lab 01 order: Host (400 when an HTTP/1.1
 * request has none, or any has two), then Transfer-Encoding, then Content-Length.
 * libmicrohttpd decodes a chunked body itself, so exactly one "chunked", as it reads
 * it, is taken: any other coding is 501, and chunked on HTTP/1.0 or beside a
 * Content-Length is 400 (RFC 9112 6.1: a body framed two ways). A repeated
 * Content-Length is 400, above max_body 413 (libmicrohttpd would frame the body by the
 * first one and serve a request hidden in the rest). Returns 0 or a status. */
static int req_check_head(const vial_request *req, struct MHD_Connection *conn,
                          size_t max_body)
{
    const char *host, *te, *cl;
    size_t hosts = req_count(req, "Host", &host);
    size_t codings = req_count(req, "Transfer-Encoding", &te);
    size_t lengths = req_count(req, "Content-Length", &cl);
    if (hosts > 1 || (hosts == 0 && req->http_minor == 1))
        return 400;
    if (codings > 0) {
        /* libmicrohttpd frames the body by its own reading of the value: judge that one */
        te = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                         MHD_HTTP_HEADER_TRANSFER_ENCODING);
        if (codings > 1 || te == NULL || strcasecmp(te, "chunked") != 0)
            return 501;
        if (lengths > 0 || req->http_minor == 0)
            return 400;
    }
    if (lengths > 1)
        return 400;
    if (lengths == 0 || *cl < '0' || *cl > '9')
        return 0;                       /* libmicrohttpd answers a bad one itself (400) */
    return strtoull(cl, NULL, 10) > max_body ? 413 : 0;
}

/* Answers `status` at once, from the first call of the access handler: libmicrohttpd
 * then sends it without reading the body (no "100 Continue") and closes the connection,
 * so no byte of the body is taken for a next request. */
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
    struct req_collect hc = {&req->headers, 0, 0, 0};
    MHD_get_connection_values_n(conn, MHD_HEADER_KIND, req_collect_one, &hc);
    int st = hc.status;
    if (st == 0)
        st = req_check_head(req, conn, max_body);
    if (st == 0 && vial_request_parse_cookies(req) < 0)
        st = 500;
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
