/* middleware.c -- Django's MIDDLEWARE stack on vial's hooks [lab 23]: security headers
 * on every response, the session, the Host check of CommonMiddleware, CSRF, auth,
 * messages and X-Frame-Options, installed in Django's order from one table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

/* SOLUTION(23) BEGIN */
#define KEG_DEFAULT_HOSTS "localhost,127.0.0.1"

/* The site serving req, or NULL. */
static keg_site *keg_mw_site(const vial_request *req)
{
    return req != NULL && req->app != NULL ? vial_app_user(req->app) : NULL;
}

/* Adds name: value unless res has a header of that name (Django's setdefault). */
static void keg_mw_default(vial_response *res, const char *name, const char *value)
{
    if (vial_response_header(res, name) == NULL)
        vial_response_add_header(res, name, value);
}

/* Lab 21's rule: secure behind a proxy that says X-Forwarded-Proto: https. */
static int keg_mw_secure(const vial_request *req, const keg_site *site)
{
    const char *proto = vial_request_header(req, "X-Forwarded-Proto");
    if (!site->settings.secure_proxy_ssl_header || proto == NULL)
        return 0;
    proto += strspn(proto, " \t");
    size_t n = strcspn(proto, ",");
    while (n > 0 && (proto[n - 1] == ' ' || proto[n - 1] == '\t'))
        n--;
    return n == 5 && strncmp(proto, "https", 5) == 0;
}

/* SecurityMiddleware's process_response. */
static int keg_mw_security(vial_request *req, vial_response *res)
{
    static const char *const headers[][2] = {
        { "X-Content-Type-Options", "nosniff" },
        { "Referrer-Policy", "same-origin" },
        { "Cross-Origin-Opener-Policy", "same-origin" },
    };
    keg_site *site = keg_mw_site(req);
    for (size_t i = 0; i < sizeof headers / sizeof headers[0]; i++)
        keg_mw_default(res, headers[i][0], headers[i][1]);
    if (site != NULL && site->settings.hsts_seconds > 0 && keg_mw_secure(req, site)) {
        char v[40];
        snprintf(v, sizeof v, "max-age=%ld", site->settings.hsts_seconds);
        keg_mw_default(res, "Strict-Transport-Security", v);
    }
    return 0;
}

/* XFrameOptionsMiddleware's process_response. */
static int keg_mw_clickjacking(vial_request *req, vial_response *res)
{
    (void)req;
    keg_mw_default(res, "X-Frame-Options", "DENY");
    return 0;
}

/* 1 when host (n bytes, no port) matches one allowed_hosts entry p (m bytes). */
static int keg_mw_host_matches(const char *host, size_t n, const char *p, size_t m)
{
    if (m == 1 && p[0] == '*')
        return 1;
    if (m > 1 && p[0] == '.') {
        if (n == m - 1 && strncasecmp(host, p + 1, n) == 0)
            return 1;
        return n > m && strncasecmp(host + n - m, p, m) == 0;
    }
    return n == m && strncasecmp(host, p, n) == 0;
}

/* CommonMiddleware's request.get_host(): a Host not in allowed_hosts is 400. */
static int keg_mw_common(vial_request *req, vial_response *res)
{
    (void)res;
    keg_site *site = keg_mw_site(req);
    const char *host = vial_request_header(req, "Host");
    if (site == NULL || host == NULL)
        return 400;
    const char *allowed = site->settings.allowed_hosts;
    if (allowed == NULL || allowed[0] == '\0')
        allowed = KEG_DEFAULT_HOSTS;
    size_t n = strlen(host);
    const char *end = strchr(host, host[0] == '[' ? ']' : ':');
    if (end != NULL)
        n = (size_t)(end - host) + (host[0] == '[');
    for (const char *p = allowed; *p != '\0';) {
        p += strspn(p, " ,");
        size_t m = strcspn(p, ",");
        size_t k = m;
        while (k > 0 && p[k - 1] == ' ')
            k--;
        if (k > 0 && keg_mw_host_matches(host, n, p, k))
            return 0;
        p += m;
    }
    return 400;
}

static int keg_mw_security_install(keg_site *site)
{
    return vial_app_after_request(site->app, keg_mw_security) == 0 ? 0 : KEG_ENOMEM;
}

static int keg_mw_common_install(keg_site *site)
{
    return vial_app_before_request(site->app, keg_mw_common) == 0 ? 0 : KEG_ENOMEM;
}

static int keg_mw_clickjacking_install(keg_site *site)
{
    return vial_app_after_request(site->app, keg_mw_clickjacking) == 0 ? 0 : KEG_ENOMEM;
}

/* The stack, in Django's order; NULL: a place with nothing to install. */
static const struct {
    const char *name;
    int (*install)(keg_site *site);
} keg_mw_stack[] = {
    { "security", keg_mw_security_install },
    { "session", keg_sessions_install },
    { "common", keg_mw_common_install },
    { "csrf", keg_csrf_install },
    { "auth", keg_auth_install },
    { "messages", keg_messages_install },
    { "clickjacking", keg_mw_clickjacking_install },
};
/* SOLUTION(23) END */

int keg_middleware_install(keg_site *site)
{
/* SOLUTION(23) BEGIN */
    if (site == NULL || site->db == NULL)
        return KEG_EINVALID;
    if (site->middleware)
        return 0;
    for (size_t i = 0; i < sizeof keg_mw_stack / sizeof keg_mw_stack[0]; i++) {
        int rc = keg_mw_stack[i].install != NULL ? keg_mw_stack[i].install(site) : 0;
        if (rc < 0)
            return rc;
    }
    site->middleware = 1;
    return 0;
/* SOLUTION(23) STUB
    (void)site;
    return KEG_ERROR;
   SOLUTION(23) END */
}
