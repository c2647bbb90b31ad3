/* response.c -- [lab 02] builds a response (status, headers, body) and serializes it
 * as HTTP/1.1 bytes. Header values holding CR or LF are refused: a value with "\r\n"
 * would let an attacker add headers of their own (response splitting). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

void vial_response_init(vial_response *res)
{
    res->status = 200;
    vial_pairs_init(&res->headers);
    res->body = NULL;
    res->body_len = 0;
}

void vial_response_free(vial_response *res)
{
    if (res == NULL)
        return;
    vial_pairs_free(&res->headers);
    free(res->body);
    vial_response_init(res);
}

/* SOLUTION(02) BEGIN */
struct reason {
    int status;
    const char *phrase;
};

static const struct reason reasons[] = {
    {100, "Continue"}, {101, "Switching Protocols"},
    {200, "OK"}, {201, "Created"}, {202, "Accepted"},
    {203, "Non-Authoritative Information"}, {204, "No Content"}, {205, "Reset Content"},
    {206, "Partial Content"},
    {300, "Multiple Choices"}, {301, "Moved Permanently"}, {302, "Found"},
    {303, "See Other"}, {304, "Not Modified"}, {305, "Use Proxy"},
    {307, "Temporary Redirect"}, {308, "Permanent Redirect"},
    {400, "Bad Request"}, {401, "Unauthorized"}, {402, "Payment Required"},
    {403, "Forbidden"}, {404, "Not Found"}, {405, "Method Not Allowed"},
    {406, "Not Acceptable"}, {407, "Proxy Authentication Required"},
    {408, "Request Timeout"}, {409, "Conflict"}, {410, "Gone"},
    {411, "Length Required"}, {412, "Precondition Failed"}, {413, "Content Too Large"},
    {414, "URI Too Long"}, {415, "Unsupported Media Type"},
    {416, "Range Not Satisfiable"}, {417, "Expectation Failed"},
    {421, "Misdirected Request"}, {422, "Unprocessable Content"},
    {426, "Upgrade Required"}, {429, "Too Many Requests"},
    {431, "Request Header Fields Too Large"},
    {500, "Internal Server Error"}, {501, "Not Implemented"}, {502, "Bad Gateway"},
    {503, "Service Unavailable"}, {504, "Gateway Timeout"},
    {505, "HTTP Version Not Supported"},
};

/* A token character of RFC 9110. */
static int response_is_tchar(unsigned char c)
{
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
        return 1;
    return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* 1 when name and value may be sent as a header. */
static int response_header_ok(const char *name, const char *value)
{
    if (name == NULL || value == NULL || *name == '\0')
        return 0;
    for (const char *c = name; *c; c++)
        if (!response_is_tchar((unsigned char)*c))
            return 0;
    return strpbrk(value, "\r\n") == NULL;
}

/* 1 when the status never carries a body. */
static int response_bodyless(int status)
{
    return (status >= 100 && status < 200) || status == 204 || status == 304;
}
/* SOLUTION(02) END */

const char *vial_reason_phrase(int status)
{
/* SOLUTION(02) BEGIN */
    for (size_t i = 0; i < sizeof reasons / sizeof reasons[0]; i++)
        if (reasons[i].status == status)
            return reasons[i].phrase;
    return "Unknown";
/* SOLUTION(02) STUB
    (void)status;
    return "";
   SOLUTION(02) END */
}

int vial_response_set_status(vial_response *res, int status)
{
/* SOLUTION(02) BEGIN */
    if (status < 100 || status > 599)
        return -1;
    res->status = status;
    return 0;
/* SOLUTION(02) STUB
    (void)res;
    (void)status;
    return -1;
   SOLUTION(02) END */
}

int vial_response_add_header(vial_response *res, const char *name, const char *value)
{
/* SOLUTION(02) BEGIN */
    if (!response_header_ok(name, value))
        return -1;
    return vial_pairs_adds(&res->headers, name, value);
/* SOLUTION(02) STUB
    (void)res;
    (void)name;
    (void)value;
    return -1;
   SOLUTION(02) END */
}

int vial_response_set_header(vial_response *res, const char *name, const char *value)
{
/* SOLUTION(02) BEGIN */
    if (!response_header_ok(name, value))
        return -1;
    size_t kept = 0;
    for (size_t i = 0; i < res->headers.len; i++) {
        struct vial_pair *h = &res->headers.items[i];
        if (strcasecmp(h->name, name) == 0) {
            free(h->name);
            free(h->value);
        } else {
            res->headers.items[kept++] = *h;
        }
    }
    res->headers.len = kept;
    return vial_pairs_adds(&res->headers, name, value);
/* SOLUTION(02) STUB
    (void)res;
    (void)name;
    (void)value;
    return -1;
   SOLUTION(02) END */
}

const char *vial_response_header(const vial_response *res, const char *name)
{
/* SOLUTION(02) BEGIN */
    for (size_t i = 0; i < res->headers.len; i++)
        if (strcasecmp(res->headers.items[i].name, name) == 0)
            return res->headers.items[i].value;
    return NULL;
/* SOLUTION(02) STUB
    (void)res;
    (void)name;
    return NULL;
   SOLUTION(02) END */
}

int vial_response_append(vial_response *res, const void *data, size_t len)
{
/* SOLUTION(02) BEGIN */
    char *body = realloc(res->body, res->body_len + len + 1);
    if (body == NULL)
        return -1;
    if (len > 0)
        memcpy(body + res->body_len, data, len);
    res->body = body;
    res->body_len += len;
    res->body[res->body_len] = '\0';
    return 0;
/* SOLUTION(02) STUB
    (void)res;
    (void)data;
    (void)len;
    return -1;
   SOLUTION(02) END */
}

int vial_response_set_body(vial_response *res, const void *data, size_t len)
{
    free(res->body);
    res->body = NULL;
    res->body_len = 0;
    return vial_response_append(res, data, len);
}

int vial_response_printf(vial_response *res, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return -1;
    char *text = malloc((size_t)n + 1);
    if (text == NULL)
        return -1;
    va_start(ap, fmt);
    vsnprintf(text, (size_t)n + 1, fmt, ap);
    va_end(ap);
    int rc = vial_response_append(res, text, (size_t)n);
    free(text);
    return rc;
}

int vial_response_text(vial_response *res, int status, const char *content_type,
                       const char *text)
{
    if (vial_response_set_status(res, status) < 0
        || vial_response_set_header(res, "Content-Type", content_type) < 0)
        return -1;
    return vial_response_set_body(res, text, strlen(text));
}

char *vial_response_serialize(const vial_response *res, int include_body, size_t *len)
{
/* SOLUTION(02) BEGIN */
    int bodyless = response_bodyless(res->status);
    size_t cap = 160 + res->body_len;
    for (size_t i = 0; i < res->headers.len; i++)
        cap += strlen(res->headers.items[i].name) + strlen(res->headers.items[i].value) + 4;
    char *out = malloc(cap);
    if (out == NULL)
        return NULL;
    size_t n = (size_t)snprintf(out, cap, "HTTP/1.1 %d %s\r\n", res->status,
                                vial_reason_phrase(res->status));
    for (size_t i = 0; i < res->headers.len; i++) {
        const struct vial_pair *h = &res->headers.items[i];
        if (strcasecmp(h->name, "Content-Length") == 0)
            continue;
        n += (size_t)snprintf(out + n, cap - n, "%s: %s\r\n", h->name, h->value);
    }
    if (!bodyless)
        n += (size_t)snprintf(out + n, cap - n, "Content-Length: %zu\r\n", res->body_len);
    n += (size_t)snprintf(out + n, cap - n, "\r\n");
    if (include_body && !bodyless && res->body_len > 0) {
        memcpy(out + n, res->body, res->body_len);
        n += res->body_len;
    }
    out[n] = '\0';
    *len = n;
    return out;
/* SOLUTION(02) STUB
    (void)res;
    (void)include_body;
    (void)len;
    return NULL;
   SOLUTION(02) END */
}
