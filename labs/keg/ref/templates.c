/* templates.c -- [lab 19] keg's tags on the vial template engine you extended: Django's
 * {% include %}, {% url %} and {% csrf_token %}, registered on a site's app with
 * vial_template_add_tag. Until lab 19 nothing is registered. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* SOLUTION(19) BEGIN */
/* Writes s with & < > " ' as vial's engine escapes them. Returns 0 or -1. */
static int tpl_write_escaped(vial_tag_call *call, const char *s)
{
    static const char special[] = "&<>\"'";
    static const char *const refs[] = {"&amp;", "&lt;", "&gt;", "&#34;", "&#39;"};
    char chunk[256];
    size_t n = 0;
    int rc = 0;
    for (; *s != '\0' && rc == 0; s++) {
        const char *hit = strchr(special, *s);
        const char *put = hit ? refs[hit - special] : NULL;
        size_t len = put ? strlen(put) : 1;
        if (n + len + 1 > sizeof chunk) {
            chunk[n] = '\0';
            rc = vial_tag_write(call, chunk);
            n = 0;
        }
        memcpy(chunk + n, put ? put : s, len);
        n += len;
    }
    chunk[n] = '\0';
    return rc == 0 ? vial_tag_write(call, chunk) : rc;
}

/* {% include "name" %} or {% include var %}: the template rendered here, in the same
 * context (loop variables included). */
static int tpl_include(vial_tag_call *call, int argc, const char *const *keys,
                       const char *const *values, void *user)
{
    (void)user;
    if (argc != 1 || keys[0] != NULL)
        return vial_tag_error(call, "include takes one template name");
    return vial_tag_include(call, values[0]);
}

/* {% url 'ns:name' arg ... key=arg ... %}: the path of that route, escaped. Django's
 * namespace separator ':' is vial's blueprint '.'. */
static int tpl_url(vial_tag_call *call, int argc, const char *const *keys,
                   const char *const *values, void *user)
{
    (void)user;
    if (argc < 1 || keys[0] != NULL)
        return vial_tag_error(call, "url takes a route name first");
    char *endpoint = strdup(values[0]);
    for (char *p = endpoint; p != NULL && *p != '\0'; p++)
        if (*p == ':')
            *p = '.';
    char *url = endpoint ? vial_url_for_args(vial_tag_app(call), endpoint, argc - 1,
                                             keys + 1, values + 1) : NULL;
    free(endpoint);
    if (url == NULL) {
        char msg[160];
        snprintf(msg, sizeof msg, "no reverse match for '%.100s' with these arguments",
                 values[0]);
        return vial_tag_error(call, msg);
    }
    int rc = tpl_write_escaped(call, url);
    free(url);
    return rc;
}

/* {% csrf_token %}: the hidden input holding the context's csrf_token (Django's
 * CsrfTokenNode); nothing when the context has none (or "NOTPROVIDED"). */
static int tpl_csrf_token(vial_tag_call *call, int argc, const char *const *keys,
                          const char *const *values, void *user)
{
    (void)keys;
    (void)values;
    (void)user;
    if (argc != 0)
        return vial_tag_error(call, "csrf_token takes no arguments");
    const char *token = vial_tag_lookup(call, "csrf_token");
    if (token == NULL || token[0] == '\0' || strcmp(token, "NOTPROVIDED") == 0)
        return 0;
    if (vial_tag_write(call, "<input type=\"hidden\" name=\"csrfmiddlewaretoken\" value=\"") < 0
        || tpl_write_escaped(call, token) < 0)
        return -1;
    return vial_tag_write(call, "\">");
}
/* SOLUTION(19) END */

int keg_templates_install(keg_site *site)
{
/* SOLUTION(19) BEGIN */
    static const struct {
        const char *name;
        vial_tag_fn fn;
    } tags[] = {{"include", tpl_include}, {"url", tpl_url}, {"csrf_token", tpl_csrf_token}};
    if (site == NULL || site->app == NULL)
        return KEG_EINVALID;
    for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++)
        if (vial_template_add_tag(site->app, tags[i].name, tags[i].fn, site) < 0)
            return KEG_ERROR;
    return KEG_OK;
/* SOLUTION(19) STUB
    (void)site;
    return KEG_ERROR;
   SOLUTION(19) END */
}
