/* router.c -- [lab 05] matches a request's method and path against the app's URL rules,
 * with converters (<int:id>, <float:x>, <string:s>, <path:p>, <uuid:u>), 404 vs 405,
 * automatic HEAD and OPTIONS, and the trailing-slash redirect. The most specific rule
 * wins whatever the order of registration. Until lab 05 only plain rules exist. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* SOLUTION(05) BEGIN */
/* Kinds of rule parts. The order is the precedence inside one segment: lower wins. */
enum rt_kind { RT_STATIC, RT_INT, RT_FLOAT, RT_UUID, RT_STRING, RT_PATH };

struct rt_conv {
    const char *name;
    enum rt_kind kind;
    int weight;                 /* static 0; strict 1; string 2; path 3 */
};

static const struct rt_conv rt_convs[] = {
    {"int", RT_INT, 1}, {"float", RT_FLOAT, 1}, {"uuid", RT_UUID, 1},
    {"string", RT_STRING, 2}, {"path", RT_PATH, 3},
};

/* One piece of a rule: literal text, or a converter and its argument name. */
struct rt_part {
    enum rt_kind kind;
    char *text;                 /* the literal, or the argument name */
};

/* A compiled rule. key[i] is the weight of segment i (the heaviest converter in it, 0
 * for a static segment); rules are ranked by comparing keys left to right. */
struct rt_compiled {
    struct rt_part *parts;
    size_t nparts, nconv;
    int *key;
    size_t nkey;
};

/* Where each converter matched: spans into the path. */
struct rt_caps {
    const char *at[32];
    size_t len[32];
};

#define RT_MAX_CONV 32

static const struct rt_conv *rt_conv_find(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof rt_convs / sizeof rt_convs[0]; i++)
        if (strlen(rt_convs[i].name) == len && memcmp(rt_convs[i].name, name, len) == 0)
            return &rt_convs[i];
    return NULL;
}

static int rt_is_ident(const char *s, size_t len)
{
    if (len == 0 || (s[0] >= '0' && s[0] <= '9'))
        return 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (!(c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')))
            return 0;
    }
    return 1;
}

static void rt_free(struct rt_compiled *c)
{
    if (c == NULL)
        return;
    for (size_t i = 0; i < c->nparts; i++)
        free(c->parts[i].text);
    free(c->parts);
    free(c->key);
    free(c);
}

/* Appends a part holding a copy of s[0..len). Returns 0 or -1. */
static int rt_add_part(struct rt_compiled *c, enum rt_kind kind, const char *s, size_t len)
{
    struct rt_part *parts = realloc(c->parts, (c->nparts + 1) * sizeof *parts);
    if (parts == NULL)
        return -1;
    c->parts = parts;
    char *text = malloc(len + 1);
    if (text == NULL)
        return -1;
    memcpy(text, s, len);
    text[len] = '\0';
    parts[c->nparts].kind = kind;
    parts[c->nparts++].text = text;
    return 0;
}

/* Parses "<conv:name>" or "<name>" at p (just after '<', up to '>' at end). Returns 0 or
 * -1 for an unknown converter, a bad or repeated name, or out of memory. */
static int rt_add_conv(struct rt_compiled *c, const char *p, const char *end, int *weight)
{
    const char *colon = memchr(p, ':', (size_t)(end - p));
    const struct rt_conv *conv = colon ? rt_conv_find(p, (size_t)(colon - p))
                                       : rt_conv_find("string", 6);
    const char *name = colon ? colon + 1 : p;
    size_t nlen = (size_t)(end - name);
    if (conv == NULL || !rt_is_ident(name, nlen) || c->nconv == RT_MAX_CONV)
        return -1;
    for (size_t i = 0; i < c->nparts; i++)
        if (c->parts[i].kind != RT_STATIC && strlen(c->parts[i].text) == nlen
            && memcmp(c->parts[i].text, name, nlen) == 0)
            return -1;
    if (conv->weight > *weight)
        *weight = conv->weight;
    c->nconv++;
    return rt_add_part(c, conv->kind, name, nlen);
}

/* Ends a segment: records its weight in the key. Returns 0 or -1. */
static int rt_end_segment(struct rt_compiled *c, int weight)
{
    int *key = realloc(c->key, (c->nkey + 1) * sizeof *key);
    if (key == NULL)
        return -1;
    c->key = key;
    key[c->nkey++] = weight;
    return 0;
}

/* Parses a rule into parts and a key. Returns NULL for a bad rule or out of memory. */
static struct rt_compiled *rt_parse(const char *rule)
{
    struct rt_compiled *c = calloc(1, sizeof *c);
    const char *p = rule;
    int weight = 0, ok = c != NULL;
    while (ok && *p) {
        if (*p == '/') {                        /* a new segment starts */
            if (p != rule)
                ok = rt_end_segment(c, weight) == 0;
            weight = 0;
            ok = ok && rt_add_part(c, RT_STATIC, "/", 1) == 0;
            p++;
        } else if (*p == '<') {
            const char *gt = strchr(p, '>');
            int after_conv = c->nparts > 0 && c->parts[c->nparts - 1].kind != RT_STATIC;
            ok = gt != NULL && !after_conv && rt_add_conv(c, p + 1, gt, &weight) == 0;
            p = gt ? gt + 1 : p;
        } else {
            size_t len = strcspn(p, "</>");
            ok = p[len] != '>' && rt_add_part(c, RT_STATIC, p, len) == 0;
            p += len;
        }
    }
    if (ok)
        ok = rt_end_segment(c, weight) == 0;
    if (!ok) {
        rt_free(c);
        return NULL;
    }
    return c;
}
/* SOLUTION(05) END */

int vial_rule_compile(struct vial_rule *r)
{
/* SOLUTION(05) BEGIN */
    r->compiled = rt_parse(r->rule);
    return r->compiled ? 0 : -1;
/* SOLUTION(05) STUB
    return strchr(r->rule, '<') ? -1 : 0;
   SOLUTION(05) END */
}

void vial_rule_release(struct vial_rule *r)
{
/* SOLUTION(05) BEGIN */
    rt_free(r->compiled);
/* SOLUTION(05) END */
    r->compiled = NULL;
}

/* SOLUTION(05) BEGIN */
static int rt_digits(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return len > 0;
}

static int rt_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* 1 when s[0..len) is a value converter `kind` accepts. */
static int rt_valid(enum rt_kind kind, const char *s, size_t len)
{
    if (len == 0 || (kind != RT_PATH && memchr(s, '/', len)))
        return 0;
    if (kind == RT_INT) {
        unsigned long long v = 0;
        for (size_t i = 0; i < len; i++) {
            if (s[i] < '0' || s[i] > '9' || v > (unsigned long long)(LLONG_MAX - (s[i] - '0')) / 10)
                return 0;
            v = v * 10 + (unsigned long long)(s[i] - '0');
        }
        return 1;
    }
    if (kind == RT_FLOAT) {
        const char *dot = memchr(s, '.', len);
        char buf[400];
        if (dot == NULL || !rt_digits(s, (size_t)(dot - s))
            || !rt_digits(dot + 1, len - (size_t)(dot - s) - 1) || len >= sizeof buf)
            return 0;
        memcpy(buf, s, len);
        buf[len] = '\0';
        return isfinite(strtod(buf, NULL));
    }
    if (kind == RT_UUID) {
        for (size_t i = 0; i < len; i++)
            if ((i == 8 || i == 13 || i == 18 || i == 23) ? s[i] != '-' : !rt_hex(s[i]))
                return 0;
        return len == 36;
    }
    return 1;
}

/* Matches parts[i..] against s[0..len), filling caps from converter number ci.
 * Converters take the longest span that lets the rest match. */
static int rt_match(const struct rt_compiled *c, size_t i, size_t ci, const char *s, size_t len,
                    struct rt_caps *caps)
{
    if (i == c->nparts)
        return len == 0;
    const struct rt_part *p = &c->parts[i];
    if (p->kind == RT_STATIC) {
        size_t n = strlen(p->text);
        return n <= len && memcmp(s, p->text, n) == 0
               && rt_match(c, i + 1, ci, s + n, len - n, caps);
    }
    for (size_t take = len; take > 0; take--) {
        if (!rt_valid(p->kind, s, take))
            continue;
        caps->at[ci] = s;
        caps->len[ci] = take;
        if (rt_match(c, i + 1, ci + 1, s + take, len - take, caps))
            return 1;
    }
    return 0;
}

/* Negative when rule a is more specific than b, positive when less, 0 when equal. */
static int rt_rank(const struct rt_compiled *a, const struct rt_compiled *b)
{
    for (size_t i = 0; i < a->nkey && i < b->nkey; i++)
        if (a->key[i] != b->key[i])
            return a->key[i] - b->key[i];
    return (int)b->nkey - (int)a->nkey;
}

/* 1 when the rule serves `method`: listed, or HEAD for a GET rule. */
static int rt_allows(const struct vial_rule *r, const char *method)
{
    return vial_method_in(r->methods, method)
           || (strcmp(method, "HEAD") == 0 && vial_method_in(r->methods, "GET"));
}

/* Adds the methods of `methods` not yet in allow ("GET, POST"). */
static void rt_allow_add(char *allow, size_t cap, const char *methods)
{
    char one[VIAL_MAX_METHOD + 1];
    const char *p = methods;
    while (*p) {
        size_t n = strcspn(p, ",");
        if (n > 0 && n <= VIAL_MAX_METHOD) {
            memcpy(one, p, n);
            one[n] = '\0';
            char list[512];
            snprintf(list, sizeof list, "%s", allow);
            for (char *q = list; *q; q++)
                if (*q == ' ')
                    *q = ',';
            size_t used = strlen(allow);
            if (!vial_method_in(list, one) && used + n + 3 < cap)
                snprintf(allow + used, cap - used, "%s%s", used ? ", " : "", one);
        }
        p += n + (p[n] == ',');
    }
}

/* The methods of every rule matching path, with HEAD after GET and OPTIONS. Returns
 * how many rules matched. */
static size_t rt_allow(const vial_app *app, const char *path, char *allow, size_t cap)
{
    struct rt_caps caps;
    size_t n = 0;
    allow[0] = '\0';
    for (size_t i = 0; i < app->nrules; i++) {
        const struct vial_rule *r = &app->rules[i];
        if (!rt_match(r->compiled, 0, 0, path, strlen(path), &caps))
            continue;
        n++;
        rt_allow_add(allow, cap, r->methods);
        if (vial_method_in(r->methods, "GET"))
            rt_allow_add(allow, cap, "HEAD");
    }
    if (n > 0)
        rt_allow_add(allow, cap, "OPTIONS");
    return n;
}

/* The canonical text of a converted value into a new string: an int without leading
 * zeros, a uuid in lowercase, anything else as matched. NULL when out of memory. */
static char *rt_canonical(enum rt_kind kind, const char *s, size_t len)
{
    char *v = malloc(len + 1);
    if (v == NULL)
        return NULL;
    memcpy(v, s, len);
    v[len] = '\0';
    if (kind == RT_INT)
        snprintf(v, len + 1, "%lld", strtoll(v, NULL, 10));
    for (size_t i = 0; kind == RT_UUID && i < len; i++)
        if (v[i] >= 'A' && v[i] <= 'F')
            v[i] = (char)(v[i] - 'A' + 'a');
    return v;
}

/* Sets req->endpoint and req->view_args from a match. Returns 0 or 500. */
static int rt_fill(vial_request *req, const struct vial_rule *r, const struct rt_caps *caps)
{
    const struct rt_compiled *c = r->compiled;
    size_t n = strlen(r->endpoint) + 1, ci = 0;
    free(req->endpoint);
    req->endpoint = malloc(n);
    if (req->endpoint == NULL)
        return 500;
    memcpy(req->endpoint, r->endpoint, n);
    vial_pairs_free(&req->view_args);
    for (size_t i = 0; i < c->nparts; i++) {
        if (c->parts[i].kind == RT_STATIC)
            continue;
        char *v = rt_canonical(c->parts[i].kind, caps->at[ci], caps->len[ci]);
        int rc = v ? vial_pairs_adds(&req->view_args, c->parts[i].text, v) : -1;
        free(v);
        ci++;
        if (rc < 0)
            return 500;
    }
    return 0;
}

/* The automatic OPTIONS answer: 200, Allow, no body. */
static int rt_options_view(vial_request *req, vial_response *res)
{
    char allow[256];
    rt_allow(req->app, req->path, allow, sizeof allow);
    vial_response_set_status(res, 200);
    vial_response_set_body(res, NULL, 0);
    return vial_response_set_header(res, "Allow", allow) == 0 ? 0 : 500;
}

/* The trailing-slash redirect: 308 to the path with '/' added, query kept. The
 * location is built from the decoded path, percent-encoded again. */
static int rt_slash_view(vial_request *req, vial_response *res)
{
    static const char hex[] = "0123456789ABCDEF";
    const char *q = req->query_string ? req->query_string : "";
    size_t plen = strlen(req->path), n = 0;
    char *loc = malloc(3 * plen + strlen(q) + 4);
    if (loc == NULL)
        return 500;
    for (size_t i = 0; i < plen; i++) {
        unsigned char c = (unsigned char)req->path[i];
        if (c > 0x20 && c < 0x7f && c != '%' && c != '?' && c != '#' && c != '"') {
            loc[n++] = (char)c;
        } else {
            loc[n++] = '%';
            loc[n++] = hex[c >> 4];
            loc[n++] = hex[c & 15];
        }
    }
    snprintf(loc + n, strlen(q) + 3, "/%s%s", *q ? "?" : "", q);
    vial_response_set_status(res, 308);
    int rc = vial_response_set_header(res, "Location", loc);
    free(loc);
    vial_response_set_header(res, "Content-Type", "text/plain; charset=utf-8");
    vial_response_set_body(res, "308 Permanent Redirect\n", 23);
    return rc == 0 ? 0 : 500;
}

static char rt_any[] = "OPTIONS", rt_empty[] = "";
static struct vial_rule rt_options_rule = {rt_any, rt_empty, rt_empty, rt_options_view,
                                           NULL, NULL};
static struct vial_rule rt_slash_rule = {rt_any, rt_empty, rt_empty, rt_slash_view, NULL, NULL};

/* The best rule for path (and method, unless NULL), with its captures. */
static struct vial_rule *rt_best(vial_app *app, const char *path, const char *method,
                                 struct rt_caps *caps)
{
    struct vial_rule *best = NULL;
    struct rt_caps cur;
    for (size_t i = 0; i < app->nrules; i++) {
        struct vial_rule *r = &app->rules[i];
        if ((method && !rt_allows(r, method))
            || !rt_match(r->compiled, 0, 0, path, strlen(path), &cur))
            continue;
        if (best == NULL || rt_rank(r->compiled, best->compiled) < 0) {
            best = r;
            *caps = cur;
        }
    }
    return best;
}

/* 1 when no rule matches path but one matches path + "/". */
static int rt_wants_slash(vial_app *app, const char *path)
{
    struct rt_caps caps;
    size_t len = strlen(path);
    if (len == 0 || path[len - 1] == '/')
        return 0;
    char *slashed = malloc(len + 2);
    if (slashed == NULL)
        return 0;
    memcpy(slashed, path, len);
    memcpy(slashed + len, "/", 2);
    int found = rt_best(app, slashed, NULL, &caps) != NULL;
    free(slashed);
    return found;
}
/* SOLUTION(05) END */

int vial_router_match(vial_app *app, vial_request *req, struct vial_rule **out,
                      char *allow, size_t allowcap)
{
/* SOLUTION(05) BEGIN */
    struct rt_caps caps;
    struct vial_rule *r = rt_best(app, req->path, req->method, &caps);
    if (r != NULL) {
        *out = r;
        return rt_fill(req, r, &caps);
    }
    r = rt_best(app, req->path, NULL, &caps);
    if (r != NULL && strcmp(req->method, "OPTIONS") == 0) {
        *out = &rt_options_rule;
        return rt_fill(req, r, &caps);
    }
    if (r != NULL) {
        rt_allow(app, req->path, allow, allowcap);
        return 405;
    }
    if (rt_wants_slash(app, req->path)) {
        *out = &rt_slash_rule;
        return 0;
    }
    return 404;
/* SOLUTION(05) STUB
    (void)allow;
    (void)allowcap;
    for (size_t i = 0; i < app->nrules; i++) {
        struct vial_rule *r = &app->rules[i];
        if (strcmp(r->rule, req->path) != 0 || !vial_method_in(r->methods, req->method))
            continue;
        size_t n = strlen(r->endpoint) + 1;
        free(req->endpoint);
        req->endpoint = malloc(n);
        if (req->endpoint == NULL)
            return 500;
        memcpy(req->endpoint, r->endpoint, n);
        *out = r;
        return 0;
    }
    return 404;
   SOLUTION(05) END */
}

const char *vial_view_arg(const vial_request *req, const char *name)
{
    return vial_pairs_get(&req->view_args, name);
}

long long vial_view_arg_int(const vial_request *req, const char *name, long long dflt)
{
    const char *v = vial_view_arg(req, name);
    char *end = NULL;
    if (v == NULL || *v == '\0')
        return dflt;
    errno = 0;
    long long n = strtoll(v, &end, 10);
    return *end == '\0' && errno == 0 ? n : dflt;
}

double vial_view_arg_float(const vial_request *req, const char *name, double dflt)
{
    const char *v = vial_view_arg(req, name);
    char *end = NULL;
    if (v == NULL || *v == '\0')
        return dflt;
    double d = strtod(v, &end);
    return *end == '\0' ? d : dflt;
}
