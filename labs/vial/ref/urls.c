/* urls.c -- [lab 06] reverse routing (vial_url_for), percent-encoding and safe
 * redirects: URLs are built from endpoint names, never pasted by hand, and a redirect
 * only ever leads to a path of this site. Until lab 06 these report failure. */
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* SOLUTION(06) BEGIN */
/* A growable string; `failed` is set once memory runs out and then nothing is added. */
struct url_buf {
    char *s;
    size_t len, cap;
    int failed;
};

static void url_put(struct url_buf *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->s, cap);
        if (p == NULL) {
            b->failed = 1;
            return;
        }
        b->s = p;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void url_puts(struct url_buf *b, const char *s)
{
    url_put(b, s, strlen(s));
}

/* Hands over the string (caller frees), or NULL when something failed. */
static char *url_take(struct url_buf *b)
{
    if (b->failed || b->s == NULL) {
        free(b->s);
        return NULL;
    }
    return b->s;
}

/* Appends s percent-encoded: unreserved bytes (and '/' when keep_slash) stay. */
static void url_put_encoded(struct url_buf *b, const char *s, int keep_slash)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        unsigned char c = *p;
        int plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~' || (keep_slash && c == '/');
        char esc[3] = {'%', hex[c >> 4], hex[c & 15]};
        if (plain)
            url_put(b, (const char *)p, 1);
        else
            url_put(b, esc, 3);
    }
}

enum url_kind { URL_STRING, URL_INT, URL_FLOAT, URL_UUID, URL_PATH };

static const struct {
    const char *name;
    enum url_kind kind;
} url_convs[] = {
    {"string", URL_STRING}, {"int", URL_INT}, {"float", URL_FLOAT},
    {"uuid", URL_UUID}, {"path", URL_PATH},
};

static int url_digits(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return len > 0;
}

/* 1 when v is a value the converter accepts: the router's rules, so that the URL
 * built leads back to the same rule. */
static int url_valid(enum url_kind kind, const char *v)
{
    size_t len = strlen(v);
    if (len == 0 || (kind != URL_PATH && strchr(v, '/') != NULL))
        return 0;
    if (kind == URL_INT) {
        unsigned long long n = 0;
        for (size_t i = 0; i < len; i++) {
            if (v[i] < '0' || v[i] > '9' || n > (unsigned long long)(LLONG_MAX - (v[i] - '0')) / 10)
                return 0;
            n = n * 10 + (unsigned long long)(v[i] - '0');
        }
        return 1;
    }
    if (kind == URL_FLOAT) {
        const char *dot = strchr(v, '.');
        return dot != NULL && url_digits(v, (size_t)(dot - v)) && url_digits(dot + 1, strlen(dot + 1))
               && isfinite(strtod(v, NULL));
    }
    if (kind == URL_UUID) {
        for (size_t i = 0; i < len; i++) {
            char c = v[i];
            int hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
            if ((i == 8 || i == 13 || i == 18 || i == 23) ? c != '-' : !hex)
                return 0;
        }
        return len == 36;
    }
    return 1;
}

/* Splits the converter text "conv:name" or "name" (at p, n bytes). Returns 0 with the
 * kind and the name's span, or -1 for an unknown converter. */
static int url_conv(const char *p, size_t n, enum url_kind *kind, const char **name,
                    size_t *nlen)
{
    const char *colon = memchr(p, ':', n);
    *kind = URL_STRING;
    *name = colon ? colon + 1 : p;
    *nlen = n - (size_t)(*name - p);
    if (colon == NULL)
        return 0;
    for (size_t i = 0; i < sizeof url_convs / sizeof url_convs[0]; i++)
        if (strlen(url_convs[i].name) == (size_t)(colon - p)
            && memcmp(url_convs[i].name, p, (size_t)(colon - p)) == 0) {
            *kind = url_convs[i].kind;
            return 0;
        }
    return -1;
}

/* 1 when `rule` has a converter named `name`. */
static int url_rule_uses(const char *rule, const char *name)
{
    for (const char *p = strchr(rule, '<'); p != NULL; p = strchr(p + 1, '<')) {
        const char *gt = strchr(p, '>'), *n;
        enum url_kind kind;
        size_t nlen;
        if (gt != NULL && url_conv(p + 1, (size_t)(gt - p - 1), &kind, &n, &nlen) == 0
            && nlen == strlen(name) && memcmp(n, name, nlen) == 0)
            return 1;
    }
    return 0;
}

/* Appends the rule's path with each converter filled from args. Returns 0, or -1 for
 * a missing or invalid value or a malformed rule. */
static int url_put_path(struct url_buf *b, const char *rule, const vial_pairs *args)
{
    const char *p = rule;
    while (*p) {
        const char *lt = strchr(p, '<');
        size_t n = lt ? (size_t)(lt - p) : strlen(p);
        url_put(b, p, n);
        if (lt == NULL)
            break;
        const char *gt = strchr(lt, '>'), *name;
        enum url_kind kind;
        size_t nlen;
        char key[128];
        if (gt == NULL || url_conv(lt + 1, (size_t)(gt - lt - 1), &kind, &name, &nlen) < 0
            || nlen >= sizeof key)
            return -1;
        memcpy(key, name, nlen);
        key[nlen] = '\0';
        const char *value = vial_pairs_get(args, key);
        if (value == NULL || !url_valid(kind, value))
            return -1;
        url_put_encoded(b, value, kind == URL_PATH);
        p = gt + 1;
    }
    return 0;
}

/* Appends "?a=1&b" from the pairs the rule does not use, in order. */
static void url_put_query(struct url_buf *b, const char *rule, const vial_pairs *args)
{
    int first = 1;
    for (size_t i = 0; args != NULL && i < args->len; i++) {
        const struct vial_pair *a = &args->items[i];
        if (url_rule_uses(rule, a->name))
            continue;
        url_put(b, first ? "?" : "&", 1);
        first = 0;
        url_put_encoded(b, a->name, 0);
        if (a->value != NULL) {
            url_put(b, "=", 1);
            url_put_encoded(b, a->value, 0);
        }
    }
}

/* 1 for the statuses a redirect may have. */
static int url_redirect_status(int status)
{
    static const int ok[] = {301, 302, 303, 307, 308};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        if (status == ok[i])
            return 1;
    return 0;
}

/* 1 when location is a path of this site: one leading '/', not "//" or "/\" (a
 * browser reads both as another host), and no control byte (a browser drops TAB,
 * CR and LF from URLs, so "/\t/evil" would become "//evil"). */
static int url_local(const char *location)
{
    if (location == NULL || location[0] != '/' || location[1] == '/' || location[1] == '\\')
        return 0;
    for (const unsigned char *p = (const unsigned char *)location; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return 0;
    return 1;
}

/* Appends s with & < > " ' as HTML character references. */
static void url_put_html(struct url_buf *b, const char *s)
{
    static const char *const refs[] = {"&amp;", "&lt;", "&gt;", "&#34;", "&#39;"};
    static const char special[] = "&<>\"'";
    for (; *s; s++) {
        const char *hit = strchr(special, *s);
        if (hit != NULL)
            url_put(b, refs[hit - special], strlen(refs[hit - special]));
        else
            url_put(b, s, 1);
    }
}
/* SOLUTION(06) END */

char *vial_url_for(const vial_app *app, const char *endpoint, ...)
{
/* SOLUTION(06) BEGIN */
    vial_pairs args;
    va_list ap;
    int rc = 0;
    vial_pairs_init(&args);
    va_start(ap, endpoint);
    for (const char *name = va_arg(ap, const char *); name != NULL && rc == 0;
         name = va_arg(ap, const char *))
        rc = vial_pairs_adds(&args, name, va_arg(ap, const char *));
    va_end(ap);
    char *url = rc == 0 ? vial_url_for_pairs(app, endpoint, &args) : NULL;
    vial_pairs_free(&args);
    return url;
/* SOLUTION(06) STUB
    (void)app;
    (void)endpoint;
    return NULL;
   SOLUTION(06) END */
}

char *vial_url_for_pairs(const vial_app *app, const char *endpoint, const vial_pairs *args)
{
/* SOLUTION(06) BEGIN */
    static const vial_pairs none = {NULL, 0, 0};
    const struct vial_rule *rule = NULL;
    if (app == NULL || endpoint == NULL)
        return NULL;
    for (size_t i = 0; i < app->nrules && rule == NULL; i++)
        if (strcmp(app->rules[i].endpoint, endpoint) == 0)
            rule = &app->rules[i];
    if (rule == NULL)
        return NULL;
    struct url_buf b = {0};
    if (url_put_path(&b, rule->rule, args ? args : &none) < 0) {
        free(b.s);
        return NULL;
    }
    url_put_query(&b, rule->rule, args);
    return url_take(&b);
/* SOLUTION(06) STUB
    (void)app;
    (void)endpoint;
    (void)args;
    return NULL;
   SOLUTION(06) END */
}

char *vial_percent_encode(const char *s, int keep_slash)
{
/* SOLUTION(06) BEGIN */
    struct url_buf b = {0};
    if (s == NULL)
        return NULL;
    url_put(&b, "", 0);
    url_put_encoded(&b, s, keep_slash);
    return url_take(&b);
/* SOLUTION(06) STUB
    (void)s;
    (void)keep_slash;
    return NULL;
   SOLUTION(06) END */
}

int vial_redirect(vial_response *res, const char *location, int status)
{
/* SOLUTION(06) BEGIN */
    static const char hex[] = "0123456789ABCDEF";
    if (status == 0)
        status = 302;
    if (!url_redirect_status(status) || !url_local(location))
        return -1;
    struct url_buf loc = {0}, body = {0};
    for (const unsigned char *p = (const unsigned char *)location; *p; p++) {
        char esc[3] = {'%', hex[*p >> 4], hex[*p & 15]};
        if (*p > 0x20 && *p < 0x7f)
            url_put(&loc, (const char *)p, 1);
        else
            url_put(&loc, esc, 3);
    }
    url_puts(&body, "<!doctype html>\n<title>Redirecting...</title>\n<p>Redirecting to <a href=\"");
    url_put_html(&body, loc.s ? loc.s : "");
    url_puts(&body, "\">");
    url_put_html(&body, loc.s ? loc.s : "");
    url_puts(&body, "</a>.</p>\n");
    int rc = loc.failed || body.failed ? -1 : 0;
    if (rc == 0)
        rc = vial_response_set_header(res, "Location", loc.s);
    if (rc == 0)
        rc = vial_response_set_header(res, "Content-Type", "text/html; charset=utf-8");
    if (rc == 0)
        rc = vial_response_set_body(res, body.s, body.len);
    if (rc == 0)
        res->status = status;
    free(loc.s);
    free(body.s);
    return rc;
/* SOLUTION(06) STUB
    (void)res;
    (void)location;
    (void)status;
    return -1;
   SOLUTION(06) END */
}

char *vial_url_for_args(const vial_app *app, const char *endpoint, int argc,
                        const char *const *keys, const char *const *values)
{
/* SOLUTION(19) BEGIN */
    const struct vial_rule *rule = NULL;
    for (size_t i = 0; app != NULL && endpoint != NULL && i < app->nrules && rule == NULL; i++)
        if (strcmp(app->rules[i].endpoint, endpoint) == 0)
            rule = &app->rules[i];
    if (rule == NULL || argc < 0 || (argc > 0 && (keys == NULL || values == NULL)))
        return NULL;
    vial_pairs args;
    vial_pairs_init(&args);
    int next = 0, rc = 0;
    /* Positional values fill the converters in the rule's order. */
    for (const char *p = strchr(rule->rule, '<'); p != NULL && rc == 0; p = strchr(p + 1, '<')) {
        while (next < argc && keys[next] != NULL)
            next++;
        const char *gt = strchr(p, '>'), *name;
        enum url_kind kind;
        size_t nlen;
        char key[128];
        if (next == argc)
            break;
        if (gt == NULL || url_conv(p + 1, (size_t)(gt - p - 1), &kind, &name, &nlen) < 0
            || nlen >= sizeof key)
            rc = -1;
        else {
            memcpy(key, name, nlen);
            key[nlen] = '\0';
            rc = vial_pairs_adds(&args, key, values[next++]);
        }
    }
    for (int i = 0; i < argc && rc == 0; i++) {
        if (keys[i] == NULL && i >= next)
            rc = -1;                    /* more positional values than converters */
        else if (keys[i] != NULL)
            rc = vial_pairs_adds(&args, keys[i], values[i]);
    }
    char *url = rc == 0 ? vial_url_for_pairs(app, endpoint, &args) : NULL;
    vial_pairs_free(&args);
    return url;
/* SOLUTION(19) STUB
    (void)app;
    (void)endpoint;
    (void)argc;
    (void)keys;
    (void)values;
    return NULL;
   SOLUTION(19) END */
}
