/* csrf.c -- Django 4.1+'s CSRF protection on vial: a secret in the csrftoken cookie, a
 * freshly masked token in each form, and a before-request check of unsafe methods
 * (Origin, Referer on HTTPS, cookie, token) [lab 21]. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "internal.h"

#define CSRF_COOKIE "csrftoken"
#define CSRF_FIELD "csrfmiddlewaretoken"
#define CSRF_HEADER "X-CSRFToken"
#define CSRF_COOKIE_AGE 31449600L       /* a year (52 weeks), Django's CSRF_COOKIE_AGE */

/* SOLUTION(21) BEGIN */
static const char keg_csrf_chars[] = KEG_CSRF_CHARS;

/* One request's CSRF state (kept per thread as sessions.c keeps its session). The
 * tokens handed out stay valid until the request ends. */
struct keg_csrf_state {
    const vial_request *req;
    char secret[KEG_CSRF_SECRET_LEN + 1];   /* "" until one is needed */
    int needs_update;                       /* send the cookie with the response */
    char reason[320];                       /* why the check refused, "" if it did not */
    char **tokens;
    size_t ntokens;
};

static _Thread_local struct keg_csrf_state *keg_csrf_cur;

static void keg_csrf_release(void)
{
    struct keg_csrf_state *s = keg_csrf_cur;
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->ntokens; i++)
        free(s->tokens[i]);
    free(s->tokens);
    free(s);
    keg_csrf_cur = NULL;
}

/* The index of c in the alphabet, or -1. */
static int keg_csrf_index(char c)
{
    const char *p = c != '\0' ? strchr(keg_csrf_chars, c) : NULL;
    return p != NULL ? (int)(p - keg_csrf_chars) : -1;
}

/* n random characters of the alphabet into out (NUL added). 0, or -1. */
static int keg_csrf_random(char *out, size_t n)
{
    size_t k = 0;
    while (k < n) {
        unsigned char b[64];
        if (RAND_bytes(b, sizeof b) != 1)
            return -1;
        for (size_t i = 0; i < sizeof b && k < n; i++)
            if (b[i] < 248)             /* 248 = 4 * 62: no character is likelier */
                out[k++] = keg_csrf_chars[b[i] % 62];
    }
    out[k] = '\0';
    return 0;
}

/* Django's _unmask_cipher_token: the secret of a 64-character token (format checked). */
static void keg_csrf_decipher(const char *token, char *secret)
{
    for (int i = 0; i < KEG_CSRF_SECRET_LEN; i++) {
        int c = keg_csrf_index(token[KEG_CSRF_SECRET_LEN + i]);
        int m = keg_csrf_index(token[i]);
        secret[i] = keg_csrf_chars[(c - m + 62) % 62];
    }
    secret[KEG_CSRF_SECRET_LEN] = '\0';
}

/* Django's _check_token_format: NULL when t is 32 or 64 characters of the alphabet,
 * else why not. */
static const char *keg_csrf_format(const char *t)
{
    size_t n = strlen(t);
    if (n != KEG_CSRF_SECRET_LEN && n != KEG_CSRF_TOKEN_LEN)
        return "has incorrect length";
    for (size_t i = 0; i < n; i++)
        if (keg_csrf_index(t[i]) < 0)
            return "has invalid characters";
    return NULL;
}

/* The secret a well-formed token or cookie stands for, into secret. */
static void keg_csrf_secret_of(const char *t, char *secret)
{
    if (strlen(t) == KEG_CSRF_TOKEN_LEN)
        keg_csrf_decipher(t, secret);
    else
        memcpy(secret, t, KEG_CSRF_SECRET_LEN + 1);
}

/* A new secret, to be sent as the cookie. */
static int keg_csrf_new_secret(struct keg_csrf_state *s)
{
    s->needs_update = 1;
    return keg_csrf_random(s->secret, KEG_CSRF_SECRET_LEN);
}

/* The state of req, made now (the cookie read) at its first use; NULL outside a site
 * with CSRF installed, or when out of memory. */
static struct keg_csrf_state *keg_csrf_of(const vial_request *req)
{
    if (keg_csrf_cur != NULL && keg_csrf_cur->req == req)
        return keg_csrf_cur;
    keg_csrf_release();
    keg_site *site = req != NULL && req->app != NULL ? vial_app_user(req->app) : NULL;
    if (site == NULL || !site->csrf)
        return NULL;
    struct keg_csrf_state *s = calloc(1, sizeof *s);
    if (s == NULL)
        return NULL;
    s->req = req;
    keg_csrf_cur = s;
    const char *cookie = vial_request_cookie(req, CSRF_COOKIE);
    if (cookie != NULL && keg_csrf_format(cookie) == NULL)
        keg_csrf_secret_of(cookie, s->secret);
    else if (cookie != NULL)
        keg_csrf_new_secret(s);         /* a malformed cookie is replaced at once */
    return s;
}

/* 1 when the request came over HTTPS: only a trusted proxy can say so, through the
 * first value of X-Forwarded-Proto (Django's SECURE_PROXY_SSL_HEADER). */
static int keg_csrf_secure(const vial_request *req, const keg_site *site)
{
    const char *v = vial_request_header(req, "X-Forwarded-Proto");
    if (!site->settings.secure_proxy_ssl_header || v == NULL)
        return 0;
    v += strspn(v, " \t");
    size_t n = strcspn(v, ",");
    while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
        n--;
    return n == 5 && strncmp(v, "https", 5) == 0;
}

/* Django's is_same_domain: host equals pattern, or pattern is ".example.com" and host
 * is example.com or under it. Without regard to case. */
static int keg_csrf_same_domain(const char *host, size_t hlen, const char *pat, size_t plen)
{
    if (plen == 0)
        return 0;
    if (pat[0] == '.') {
        if (hlen == plen - 1 && strncasecmp(host, pat + 1, hlen) == 0)
            return 1;
        return hlen > plen && strncasecmp(host + hlen - plen, pat, plen) == 0;
    }
    return hlen == plen && strncasecmp(host, pat, plen) == 0;
}

/* Splits "scheme://netloc/rest" into scheme and netloc (lengths in *sl, *nl); 0, or -1
 * when either is empty. */
static int keg_csrf_url(const char *url, size_t *sl, const char **netloc, size_t *nl)
{
    const char *sep = strstr(url, "://");
    if (sep == NULL || sep == url)
        return -1;
    *sl = (size_t)(sep - url);
    *netloc = sep + 3;
    *nl = strcspn(*netloc, "/?#");
    return *nl > 0 ? 0 : -1;
}

/* 1 when netloc (with scheme, when scheme is not NULL) is that of a trusted origin:
 * "https://a.com" exactly, "https://" then "*.a.com" for a.com and its subdomains. */
static int keg_csrf_trusted(const keg_site *site, const char *scheme, size_t sl,
                            const char *netloc, size_t nl)
{
    const char *list = site->settings.csrf_trusted_origins;
    for (const char *p = list != NULL ? list : ""; *p != '\0';) {
        size_t len = strcspn(p, ","), tsl, tnl;
        char one[256];
        const char *tnet;
        if (len < sizeof one) {
            memcpy(one, p, len);
            one[len] = '\0';
            if (keg_csrf_url(one, &tsl, &tnet, &tnl) == 0
                && (scheme == NULL || (tsl == sl && strncmp(one, scheme, sl) == 0))) {
                size_t stars = tnet[0] == '*';
                if (keg_csrf_same_domain(netloc, nl, tnet + stars, tnl - stars))
                    return 1;
            }
        }
        p += len + (p[len] == ',');
    }
    return 0;
}

/* Django's _origin_verified. */
static int keg_csrf_origin_ok(const vial_request *req, const keg_site *site, const char *origin,
                              int secure)
{
    const char *host = vial_request_header(req, "Host");
    const char *scheme = secure ? "https" : "http";
    size_t sl = strlen(scheme);
    if (host != NULL && strncmp(origin, scheme, sl) == 0 && strncmp(origin + sl, "://", 3) == 0
        && strcmp(origin + sl + 3, host) == 0)
        return 1;
    size_t osl, onl;
    const char *onet;
    if (keg_csrf_url(origin, &osl, &onet, &onl) != 0 || onet[onl] != '\0')
        return 0;
    return keg_csrf_trusted(site, origin, osl, onet, onl);
}

/* Django's _check_referer, for a secure request without Origin. */
static int keg_csrf_referer(struct keg_csrf_state *s, const vial_request *req,
                            const keg_site *site)
{
    const char *ref = vial_request_header(req, "Referer");
    const char *net, *host = vial_request_header(req, "Host");
    size_t sl, nl;
    if (ref == NULL)
        snprintf(s->reason, sizeof s->reason, "Referer checking failed - no Referer.");
    else if (keg_csrf_url(ref, &sl, &net, &nl) != 0)
        snprintf(s->reason, sizeof s->reason,
                 "Referer checking failed - Referer is malformed.");
    else if (sl != 5 || strncmp(ref, "https", 5) != 0)
        snprintf(s->reason, sizeof s->reason,
                 "Referer checking failed - Referer is insecure while host is secure.");
    else if (keg_csrf_trusted(site, NULL, 0, net, nl)
             || (host != NULL && keg_csrf_same_domain(net, nl, host, strlen(host))))
        return 0;
    else
        snprintf(s->reason, sizeof s->reason, "Referer checking failed - %.250s does not "
                 "match any trusted origins.", ref);
    return -1;
}

/* Django's _check_token: the cookie's secret against the posted or header token. */
static int keg_csrf_token_ok(struct keg_csrf_state *s, vial_request *req)
{
    if (s->secret[0] == '\0') {
        snprintf(s->reason, sizeof s->reason, "CSRF cookie not set.");
        return -1;
    }
    const char *source = "POST", *t = NULL;
    if (strcmp(req->method, "POST") == 0) {
        if (req->form.len == 0)
            vial_request_parse_form(req);
        t = vial_pairs_get(&req->form, CSRF_FIELD);
    }
    if (t == NULL || t[0] == '\0') {
        source = "the 'X-Csrftoken' HTTP header";
        t = vial_request_header(req, CSRF_HEADER);
    }
    if (t == NULL || t[0] == '\0') {
        snprintf(s->reason, sizeof s->reason, "CSRF token missing.");
        return -1;
    }
    const char *bad = keg_csrf_format(t);
    char secret[KEG_CSRF_SECRET_LEN + 1];
    if (bad == NULL) {
        keg_csrf_secret_of(t, secret);
        if (CRYPTO_memcmp(secret, s->secret, KEG_CSRF_SECRET_LEN) == 0)
            return 0;
        bad = "incorrect";
    }
    snprintf(s->reason, sizeof s->reason, "CSRF token from %s %s.", source, bad);
    return -1;
}

/* Before request: Django's process_view for unsafe methods. */
static int keg_csrf_check(vial_request *req, vial_response *res)
{
    static const char *const safe[] = { "GET", "HEAD", "OPTIONS", "TRACE" };
    (void)res;
    struct keg_csrf_state *s = keg_csrf_of(req);
    if (s == NULL)
        return 500;
    for (size_t i = 0; i < sizeof safe / sizeof safe[0]; i++)
        if (strcmp(req->method, safe[i]) == 0)
            return 0;
    keg_site *site = vial_app_user(req->app);
    int secure = keg_csrf_secure(req, site);
    const char *origin = vial_request_header(req, "Origin");
    if (origin != NULL) {
        if (!keg_csrf_origin_ok(req, site, origin, secure)) {
            snprintf(s->reason, sizeof s->reason, "Origin checking failed - %.250s does not "
                     "match any trusted origins.", origin);
            return 403;
        }
    } else if (secure && keg_csrf_referer(s, req, site) != 0)
        return 403;
    return keg_csrf_token_ok(s, req) == 0 ? 0 : 403;
}

/* After request: the reason of a refusal, and the cookie when it must be (re)sent. */
static int keg_csrf_finish(vial_request *req, vial_response *res)
{
    struct keg_csrf_state *s = keg_csrf_cur;
    if (s == NULL || s->req != req)
        return 0;
    if (s->reason[0] != '\0' && res->status == 403) {
        vial_response_set_body(res, NULL, 0);
        vial_response_printf(res, "403 Forbidden\nCSRF verification failed. %s\n", s->reason);
    }
    if (s->needs_update && s->secret[0] != '\0') {
        char line[128];
        snprintf(line, sizeof line, CSRF_COOKIE "=%s; Max-Age=%ld; Path=/; SameSite=Lax",
                 s->secret, CSRF_COOKIE_AGE);
        vial_response_add_header(res, "Set-Cookie", line);
        s->needs_update = 0;
    }
    return 0;
}

static int keg_csrf_teardown(vial_request *req, vial_response *res)
{
    (void)req;
    (void)res;
    keg_csrf_release();
    return 0;
}
/* SOLUTION(21) END */

int keg_csrf_install(keg_site *site)
{
/* SOLUTION(21) BEGIN */
    if (site == NULL)
        return KEG_EINVALID;
    if (site->csrf)
        return 0;
    if (vial_app_before_request(site->app, keg_csrf_check) != 0
        || vial_app_after_request(site->app, keg_csrf_finish) != 0
        || vial_app_teardown_request(site->app, keg_csrf_teardown) != 0)
        return KEG_ENOMEM;
    site->csrf = 1;
    return 0;
/* SOLUTION(21) STUB
    (void)site;
    return KEG_ERROR;
   SOLUTION(21) END */
}

const char *keg_csrf_token(vial_request *req)
{
/* SOLUTION(21) BEGIN */
    struct keg_csrf_state *s = keg_csrf_of(req);
    if (s == NULL)
        return NULL;
    if (s->secret[0] == '\0' && keg_csrf_new_secret(s) != 0)
        return NULL;
    s->needs_update = 1;                /* sent again: its expiry starts over */
    char mask[KEG_CSRF_SECRET_LEN + 1];
    char **more = realloc(s->tokens, (s->ntokens + 1) * sizeof *more);
    char *t = malloc(KEG_CSRF_TOKEN_LEN + 1);
    if (more != NULL)
        s->tokens = more;
    if (more == NULL || t == NULL || keg_csrf_random(mask, KEG_CSRF_SECRET_LEN) != 0) {
        free(t);
        return NULL;
    }
    /* Django's _mask_cipher_secret: the mask, then each secret character shifted by
     * the mask's. */
    memcpy(t, mask, KEG_CSRF_SECRET_LEN);
    for (int i = 0; i < KEG_CSRF_SECRET_LEN; i++)
        t[KEG_CSRF_SECRET_LEN + i] = keg_csrf_chars[(keg_csrf_index(s->secret[i])
                                                     + keg_csrf_index(mask[i])) % 62];
    t[KEG_CSRF_TOKEN_LEN] = '\0';
    s->tokens[s->ntokens++] = t;
    return t;
/* SOLUTION(21) STUB
    (void)req;
    return NULL;
   SOLUTION(21) END */
}

int keg_csrf_rotate(vial_request *req)
{
/* SOLUTION(21) BEGIN */
    struct keg_csrf_state *s = keg_csrf_of(req);
    if (s == NULL)
        return KEG_EINVALID;
    return keg_csrf_new_secret(s) == 0 ? 0 : KEG_ERROR;
/* SOLUTION(21) STUB
    (void)req;
    return KEG_ERROR;
   SOLUTION(21) END */
}

int keg_csrf_unmask(const char *token, char *secret)
{
/* SOLUTION(21) BEGIN */
    if (token == NULL || keg_csrf_format(token) != NULL)
        return KEG_EINVALID;
    keg_csrf_secret_of(token, secret);
    return 0;
/* SOLUTION(21) STUB
    (void)token;
    (void)secret;
    return KEG_ERROR;
   SOLUTION(21) END */
}
