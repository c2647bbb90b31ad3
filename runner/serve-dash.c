/* serve-dash.c -- the instructors' dashboard (docs/server.md, "The dashboard"): server-made
 * HTML pages with one small script and no build step. An instructor logs in with the token
 * `stacklab class instructor NAME` printed (kept in an HttpOnly, SameSite=Strict cookie);
 * pages: the classes, a class's learners x labs grid (attempts and best result, per-lab
 * pass rates, the hidden tests that fail most), one learner's history with the report of
 * their last graded submission as `stacklab check` prints it, and a CSV export. Every
 * learner-made string is HTML-escaped; a Content-Security-Policy allows only this
 * server's script and style. Prefix: dash_. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "serve-dash.h"
#include "serve-token.h"
#include "util.h"

#define DASH_COOKIE "stacklab_dash"
/* The hidden tests listed as failing most. */
#define DASH_TOP_FAILS 10

static const char dash_css[] =
    "body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#1f2328;background:#fff}\n"
    "h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.5em}\n"
    "table{border-collapse:collapse}td,th{border:1px solid #d0d7de;padding:4px 8px;"
    "text-align:center}\nth.who,td.who{text-align:left}\n"
    "td.pass{background:#1a7f37;color:#fff}td.fail{background:#cf222e;color:#fff}\n"
    "td.none{background:#eaeef2;color:#57606a}\n"
    "td.late,span.late{background:#bf8700;color:#fff}span.due{font-weight:normal;"
    "font-size:.85em}span.open,span.mark{font-weight:normal;font-size:.85em}\n"
    "pre{background:#f6f8fa;padding:1em;overflow:auto;max-width:100em}\n"
    "form.inline{display:inline}nav{margin-bottom:1em}\n";

static const char dash_js[] =
    "// A login link (/dash/login#token=T&next=/dash/...) fills the form and sends it; the\n"
    "// token stays out of the server's logs and the history. The learners filter of the\n"
    "// grid hides rows whose name does not hold the text.\n"
    "document.addEventListener('DOMContentLoaded', function () {\n"
    "  var form = document.getElementById('login');\n"
    "  if (form && location.hash.length > 1) {\n"
    "    var args = new URLSearchParams(location.hash.slice(1));\n"
    "    history.replaceState(null, '', location.pathname);\n"
    "    if (args.get('token')) {\n"
    "      form.elements.token.value = args.get('token');\n"
    "      form.elements.next.value = args.get('next') || '/dash';\n"
    "      form.submit();\n"
    "    }\n"
    "  }\n"
    "  var box = document.getElementById('filter');\n"
    "  if (box) box.addEventListener('input', function () {\n"
    "    var want = box.value.toLowerCase();\n"
    "    document.querySelectorAll('tr.learner').forEach(function (tr) {\n"
    "      tr.hidden = want !== '' &&\n"
    "        tr.dataset.name.toLowerCase().indexOf(want) < 0;\n"
    "    });\n"
    "  });\n"
    "  document.body.dataset.ready = '1';\n"
    "});\n";

void dash_esc(struct sb *out, const char *text)
{
    for (const char *p = text; p != NULL && *p != '\0'; p++) {
        switch (*p) {
        case '&': sb_puts(out, "&amp;"); break;
        case '<': sb_puts(out, "&lt;"); break;
        case '>': sb_puts(out, "&gt;"); break;
        case '"': sb_puts(out, "&quot;"); break;
        case '\'': sb_puts(out, "&#39;"); break;
        default: sb_putc(out, *p);
        }
    }
}

void dash_csv(struct sb *out, const char *text)
{
    sb_putc(out, '"');
    if (text[0] == '=' || text[0] == '+' || text[0] == '-' || text[0] == '@')
        sb_putc(out, '\'');
    for (const char *p = text; *p != '\0'; p++) {
        if (*p == '"')
            sb_putc(out, '"');
        sb_putc(out, *p);
    }
    sb_putc(out, '"');
}

void dash_time(struct sb *out, int64_t t)
{
    char buf[32];
    time_t tt = (time_t)t;
    struct tm tm;
    if (t <= 0 || gmtime_r(&tt, &tm) == NULL || strftime(buf, sizeof buf, "%Y-%m-%d %H:%M",
                                                         &tm) == 0)
        snprintf(buf, sizeof buf, "-");
    sb_puts(out, buf);
}

/* The headers every dashboard answer carries. */
static void dash_headers(struct serve_answer *a)
{
    serve_header(a, "Content-Security-Policy", "default-src 'none'; script-src 'self'; "
                 "style-src 'self'; img-src 'self'; form-action 'self'; "
                 "frame-ancestors 'none'; base-uri 'none'");
    serve_header(a, "X-Frame-Options", "DENY");
    serve_header(a, "X-Content-Type-Options", "nosniff");
    serve_header(a, "Referrer-Policy", "same-origin");
}

void dash_page_begin(struct sb *out, const char *title, int logged_in)
{
    sb_puts(out, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                 "<title>");
    dash_esc(out, title);
    sb_puts(out, " - stacklab</title><link rel=\"stylesheet\" href=\"/dash/style.css\">"
                 "<script src=\"/dash/app.js\"></script></head><body>\n");
    if (logged_in)
        sb_puts(out, "<nav><a href=\"/dash\">Classes</a> "
                     "<form class=\"inline\" method=\"post\" action=\"/dash/logout\">"
                     "<button>Log out</button></form></nav>\n");
}

int dash_send(struct serve_answer *a, unsigned status, struct sb *out)
{
    sb_puts(out, "</body></html>\n");
    size_t len = out->len;
    serve_raw(a, status, "text/html; charset=utf-8", sb_steal(out), len);
    dash_headers(a);
    return 0;
}

static int dash_redirect(struct serve_answer *a, const char *where)
{
    serve_raw(a, MHD_HTTP_SEE_OTHER, "text/plain; charset=utf-8", xstrdup("see other\n"), 10);
    serve_header(a, "Location", where);
    dash_headers(a);
    return 0;
}

static int dash_login_page(struct serve_answer *a, unsigned status, const char *why)
{
    struct sb out;
    sb_init(&out);
    dash_page_begin(&out, "Log in", 0);
    sb_puts(&out, "<h1>stacklab: instructors</h1>\n");
    if (why != NULL) {
        sb_puts(&out, "<p class=\"error\">");
        dash_esc(&out, why);
        sb_puts(&out, "</p>\n");
    }
    sb_puts(&out, "<form id=\"login\" method=\"post\" action=\"/dash/login\"><label>"
                  "Instructor token <input name=\"token\" type=\"password\" "
                  "autocomplete=\"off\" size=\"70\"></label><input type=\"hidden\" "
                  "name=\"next\" value=\"/dash\"> <button>Log in</button></form>\n"
                  "<p>A token comes from <code>stacklab class instructor NAME --db URL</code>."
                  "</p>\n");
    return dash_send(a, status, &out);
}

/* The instructor the request's cookie names: 1 (name filled), 0 none, -1 database error. */
static int dash_instructor(struct serve *s, const struct serve_req *r, char *name, size_t cap)
{
    const char *tok = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, DASH_COOKIE);
    char hash[TOKEN_HEX + 1];
    if (tok == NULL || token_hash(tok, hash) < 0)
        return 0;
    int64_t id;
    pthread_mutex_lock(&s->lock);
    int rc = servedb_staff(s->db, SERVEDB_INSTRUCTOR, hash, &id, name, cap);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

/* The value of name in an application/x-www-form-urlencoded body, decoded; NULL when
 * absent. Caller frees. */
static char *dash_form_value(const char *body, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = body; p != NULL && *p != '\0';) {
        const char *end = strchr(p, '&');
        size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
        if (len > n && strncmp(p, name, n) == 0 && p[n] == '=') {
            char *v = xstrndup(p + n + 1, len - n - 1);
            for (char *c = v; *c != '\0'; c++)
                if (*c == '+')
                    *c = ' ';
            size_t out = MHD_http_unescape(v);
            v[out] = '\0';
            return v;
        }
        p = end != NULL ? end + 1 : NULL;
    }
    return NULL;
}

/* A POST from another site is refused: its Origin, when sent, must name this host. */
static int dash_same_origin(const struct serve_req *r)
{
    const char *origin = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Origin");
    const char *host = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Host");
    if (origin == NULL)
        return 1;
    const char *rest = strstr(origin, "://");
    return host != NULL && rest != NULL && strcmp(rest + 3, host) == 0;
}

static int dash_login(struct serve *s, const struct serve_req *r, struct serve_answer *a)
{
    char *tok = dash_form_value(r->body, "token"), hash[TOKEN_HEX + 1], name[128];
    int64_t id;
    int rc = 0;
    if (tok != NULL && token_hash(tok, hash) == 0) {
        pthread_mutex_lock(&s->lock);
        rc = servedb_staff(s->db, SERVEDB_INSTRUCTOR, hash, &id, name, sizeof name);
        pthread_mutex_unlock(&s->lock);
    }
    if (rc != 1) {
        free(tok);
        return rc < 0 ? serve_error(a, MHD_HTTP_INTERNAL_SERVER_ERROR, "the database failed")
                      : dash_login_page(a, MHD_HTTP_UNAUTHORIZED, "That is no instructor's "
                                        "token.");
    }
    char *cookie = xasprintf(DASH_COOKIE "=%s; Path=/dash; HttpOnly; SameSite=Strict", tok);
    free(tok);
    /* Only a page of the dashboard: never another site (an open redirect). */
    char *next = dash_form_value(r->body, "next");
    int local = next != NULL && strncmp(next, "/dash", 5) == 0
                && (next[5] == '\0' || next[5] == '/') && strstr(next, "//") == NULL
                && strchr(next, '\\') == NULL && strpbrk(next, "\r\n") == NULL;
    dash_redirect(a, local ? next : "/dash");
    free(next);
    serve_header(a, "Set-Cookie", cookie);
    free(cookie);
    return 0;
}

static int dash_logout(struct serve_answer *a)
{
    dash_redirect(a, "/dash");
    serve_header(a, "Set-Cookie", DASH_COOKIE "=; Path=/dash; HttpOnly; SameSite=Strict; "
                 "Max-Age=0");
    return 0;
}

int dash_db_error(struct serve *s, struct serve_answer *a)
{
    char why[600];
    snprintf(why, sizeof why, "the database failed: %s", servedb_errmsg(s->db));
    pthread_mutex_unlock(&s->lock);
    return serve_error(a, MHD_HTTP_INTERNAL_SERVER_ERROR, "%s", why);
}

static int dash_classes(struct serve *s, struct serve_answer *a, const char *who)
{
    struct servedb_class *c = NULL;
    size_t n = 0;
    pthread_mutex_lock(&s->lock);
    if (servedb_classes(s->db, &c, &n) < 0)
        return dash_db_error(s, a);
    pthread_mutex_unlock(&s->lock);
    struct sb out;
    sb_init(&out);
    dash_page_begin(&out, "Classes", 1);
    sb_puts(&out, "<h1>Classes</h1>\n<p>Logged in as ");
    dash_esc(&out, who);
    sb_puts(&out, ".</p>\n<table><tr><th class=\"who\">Class</th><th>Enrolment code</th>"
                  "</tr>\n");
    for (size_t i = 0; i < n; i++) {
        sb_printf(&out, "<tr><td class=\"who\"><a href=\"/dash/class/%lld\">",
                  (long long)c[i].id);
        dash_esc(&out, c[i].name);
        sb_puts(&out, "</a></td><td><code>");
        dash_esc(&out, c[i].code);
        sb_puts(&out, "</code></td></tr>\n");
    }
    sb_puts(&out, "</table>\n");
    if (n == 0)
        sb_puts(&out, "<p>No class yet: <code>stacklab class create NAME --db URL</code>.</p>\n");
    free(c);
    return dash_send(a, MHD_HTTP_OK, &out);
}

int serve_dash(struct serve *s, const struct serve_req *r, struct serve_answer *a)
{
    const char *method = r->method;
    const char *url = r->url;
    if (strcmp(url, "/dash/style.css") == 0) {
        serve_raw(a, MHD_HTTP_OK, "text/css; charset=utf-8", xstrdup(dash_css),
                  sizeof dash_css - 1);
        return 0;
    }
    if (strcmp(url, "/dash/app.js") == 0) {
        serve_raw(a, MHD_HTTP_OK, "text/javascript; charset=utf-8", xstrdup(dash_js),
                  sizeof dash_js - 1);
        return 0;
    }
    if (strcmp(method, "POST") == 0 && !dash_same_origin(r))
        return serve_error(a, MHD_HTTP_FORBIDDEN, "a form from another site");
    if (strcmp(url, "/dash/login") == 0 && strcmp(method, "POST") == 0)
        return dash_login(s, r, a);
    if (strcmp(url, "/dash/login") == 0)
        return dash_login_page(a, MHD_HTTP_OK, NULL);
    if (strcmp(url, "/dash/logout") == 0 && strcmp(method, "POST") == 0)
        return dash_logout(a);
    char who[128];
    int in = dash_instructor(s, r, who, sizeof who);
    if (in < 0)
        return serve_error(a, MHD_HTTP_INTERNAL_SERVER_ERROR, "the database failed");
    if (in == 0)
        return dash_login_page(a, strcmp(url, "/dash") == 0 ? MHD_HTTP_OK
                                                            : MHD_HTTP_UNAUTHORIZED, NULL);
    if (strcmp(method, "POST") == 0)
        return serve_error(a, MHD_HTTP_NOT_FOUND, "no such page");
    long long id = 0;
    char tail[32] = "";
    if (strcmp(url, "/dash") == 0 || strcmp(url, "/dash/") == 0)
        return dash_classes(s, a, who);
    if (sscanf(url, "/dash/class/%lld/%31s", &id, tail) == 2 && strcmp(tail, "export.csv") == 0)
        return dash_class_csv(s, a, id);
    if (sscanf(url, "/dash/class/%lld/%31s", &id, tail) == 2
        && strcmp(tail, "exams.csv") == 0)
        return dash_class_exams_csv(s, a, id);
    if (sscanf(url, "/dash/class/%lld%31s", &id, tail) == 1)
        return dash_class(s, a, id);
    if (sscanf(url, "/dash/learner/%lld%31s", &id, tail) == 1)
        return dash_learner(s, a, id);
    return serve_error(a, MHD_HTTP_NOT_FOUND, "no such page");
}
