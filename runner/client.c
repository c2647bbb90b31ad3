/* client.c -- the learner program's side of the class server: the server file, the rule
 * that keeps tokens off plain HTTP except to this machine, and requests with libcurl
 * (no redirects, no proxy for http://, capped answers, timeouts), failures in words. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>

#include "client.h"
#include "term.h"
#include "util.h"

#define CLIENT_CONNECT_TIMEOUT 10L
#define CLIENT_TIMEOUT 60L
#define CLIENT_MAX_TOKEN 128
#define CLIENT_MAX_URL 2048

/* ---- the server file ----------------------------------------------------------------- */

char *client_server_path(void)
{
    const char *xdg = getenv("XDG_CONFIG_HOME");
    const char *home = getenv("HOME");
    if (xdg != NULL && xdg[0] == '/')
        return xasprintf("%s/stacklab/server", xdg);
    if (home != NULL && home[0] == '/')
        return xasprintf("%s/.config/stacklab/server", home);
    return NULL;
}

void client_server_free(struct client_server *s)
{
    free(s->url);
    free(s->token);
    s->url = s->token = NULL;
}

/* Reads one "key value" line of the server file into *s. Returns 0, or -1 with *why. */
static int client_server_line(struct client_server *s, char *line, const char **why)
{
    char *sp = strchr(line, ' ');
    if (sp == NULL) {
        *why = "not a `key value` line";
        return -1;
    }
    *sp = '\0';
    const char *value = sp + 1;
    char **slot = strcmp(line, "url") == 0 ? &s->url
        : strcmp(line, "token") == 0 ? &s->token : NULL;
    if (slot == NULL)
        *why = "unknown key (url and token are known)";
    else if (*slot != NULL)
        *why = "a second line of that key";
    else if (slot == &s->token && !client_token_ok(value))
        *why = "not a token";
    else
        *slot = xstrdup(value);
    return *why != NULL ? -1 : 0;
}

int client_server_load(struct client_server *s, char **cause)
{
    memset(s, 0, sizeof *s);
    char *path = client_server_path();
    if (path == NULL) {
        *cause = xstrdup("neither XDG_CONFIG_HOME nor HOME is an absolute path");
        return -1;
    }
    char *text = util_read_file(path, 4096, NULL);
    if (text == NULL) {
        int e = errno;
        *cause = e == ENOENT
            ? xstrdup("not logged in to a class: run stacklab login URL CODE first")
            : xasprintf("cannot read %s: %s", path, strerror(e));
        free(path);
        return e == ENOENT ? 1 : -1;
    }
    const char *why = NULL;
    int lineno = 0;
    for (char *line = text, *next; line != NULL && *line != '\0' && why == NULL; line = next) {
        next = strchr(line, '\n');
        if (next != NULL)
            *next++ = '\0';
        lineno++;
        client_server_line(s, line, &why);
    }
    char *url_why = NULL;
    if (why != NULL)
        *cause = xasprintf("%s:%d: %s (run stacklab login again)", path, lineno, why);
    else if (s->url == NULL || s->token == NULL)
        *cause = xasprintf("%s: no %s line (run stacklab login again)", path,
                           s->url == NULL ? "url" : "token");
    else if (!client_url_ok(s->url, &url_why))
        *cause = xasprintf("%s: %s (run stacklab login again)", path, url_why);
    int rc = why != NULL || s->url == NULL || s->token == NULL || url_why != NULL ? -1 : 0;
    if (rc < 0)
        client_server_free(s);
    free(url_why);
    free(text);
    free(path);
    return rc;
}

int client_server_save(const struct client_server *s, char **cause)
{
    char *path = client_server_path();
    if (path == NULL) {
        *cause = xstrdup("neither XDG_CONFIG_HOME nor HOME is an absolute path");
        return -1;
    }
    char *folder = xstrndup(path, (size_t)(strrchr(path, '/') - path));
    char *text = xasprintf("url %s\ntoken %s\n", s->url, s->token);
    int rc = 0;
    if (util_mkdirs(folder, 0700) < 0 || util_write_file(path, text, strlen(text), 0600) < 0) {
        *cause = xasprintf("cannot write %s: %s", path, strerror(errno));
        rc = -1;
    }
    free(text);
    free(folder);
    free(path);
    return rc;
}

/* ---- which URLs may carry a token ---------------------------------------------------- */

/* 1 when host ("localhost", "127.0.0.1", "[::1]") is this machine. */
static int client_loopback(const char *host)
{
    unsigned char addr[16];
    size_t n = strlen(host);
    if (strcasecmp(host, "localhost") == 0)
        return 1;
    if (inet_pton(AF_INET, host, addr) == 1)
        return addr[0] == 127;
    if (n > 2 && host[0] == '[' && host[n - 1] == ']') {
        char *inner = xstrndup(host + 1, n - 2);
        int v6 = inet_pton(AF_INET6, inner, addr) == 1;
        free(inner);
        static const unsigned char one[16] = { [15] = 1 };
        return v6 && memcmp(addr, one, 16) == 0;
    }
    return 0;
}

/* client_url_ok's rule; with request set, a query is allowed (the API's own). */
static int client_url_check(const char *url, int request, char **cause)
{
    for (const char *p = url; *p != '\0'; p++)
        if ((unsigned char)*p <= ' ' || *p == 0x7f) {
            *cause = xstrdup("the URL holds a space or a control character");
            return 0;
        }
    CURLU *u = curl_url();
    char *scheme = NULL, *host = NULL, *user = NULL, *query = NULL, *fragment = NULL;
    const char *why = NULL;
    if (u == NULL || strlen(url) > CLIENT_MAX_URL
        || curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK
        || curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK
        || curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK)
        why = "not a URL such as https://class.example.org";
    else if (strcmp(scheme, "https") != 0 && strcmp(scheme, "http") != 0)
        why = "only https:// (or http:// to this machine) is spoken";
    else if (curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK
             || (!request && curl_url_get(u, CURLUPART_QUERY, &query, 0) == CURLUE_OK)
             || curl_url_get(u, CURLUPART_FRAGMENT, &fragment, 0) == CURLUE_OK)
        why = "the URL must hold no user, query or fragment";
    else if (strcmp(scheme, "http") == 0 && !client_loopback(host))
        why = "plain http:// would send your token unencrypted: only https:// is used "
              "except to this machine (127.0.0.1, ::1, localhost)";
    if (why != NULL) {
        char *shown = client_clean(url, 200);
        *cause = xasprintf("%s: %s", shown, why);
        free(shown);
    }
    curl_free(scheme);
    curl_free(host);
    curl_free(user);
    curl_free(query);
    curl_free(fragment);
    curl_url_cleanup(u);
    return why == NULL;
}

int client_url_ok(const char *url, char **cause)
{
    return client_url_check(url, 0, cause);
}

int client_token_ok(const char *token)
{
    size_t n = strlen(token);
    return n > 0 && n <= CLIENT_MAX_TOKEN
        && strspn(token, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
                  "._~+/=-") == n;
}

/* ---- requests ------------------------------------------------------------------------ */

void client_reply_free(struct client_reply *r)
{
    free(r->body);
    memset(r, 0, sizeof *r);
}

/* libcurl's write callback: appends to the sb, refusing past CLIENT_MAX_ANSWER. */
static size_t client_write_cb(char *data, size_t size, size_t n, void *user)
{
    struct sb *sb = user;
    if (n != 0 && size > CLIENT_MAX_ANSWER / n)
        return 0;
    if (sb->len + n * size > CLIENT_MAX_ANSWER)
        return 0;
    sb_add(sb, data, n * size);
    return n * size;
}

/* The words for a libcurl failure on url. Caller frees. */
static char *client_curl_words(CURLcode code, const char *errbuf, const char *url)
{
    char *shown = client_clean(url, 200);
    char *words = code == CURLE_OPERATION_TIMEDOUT
        ? xasprintf("%s did not answer in time (%s)", shown, errbuf)
        : code == CURLE_WRITE_ERROR
        ? xasprintf("the answer of %s is longer than %zu MiB", shown, CLIENT_MAX_ANSWER >> 20)
        : xasprintf("cannot reach %s: %s", shown, errbuf[0] ? errbuf : curl_easy_strerror(code));
    free(shown);
    return words;
}

/* Sets the options of one request on h; headers into *hdrs (caller frees). */
static void client_setup(CURL *h, const char *method, const char *url, const char *token,
                         const char *ctype, const void *body, size_t len,
                         struct curl_slist **hdrs)
{
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, CLIENT_CONNECT_TIMEOUT);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, CLIENT_TIMEOUT);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "stacklab/" STACKLAB_VERSION);
    if (strncmp(url, "http:", 5) == 0)      /* loopback: a proxy would carry the token off */
        curl_easy_setopt(h, CURLOPT_PROXY, "");
    *hdrs = curl_slist_append(NULL, "Accept: application/json");
    *hdrs = curl_slist_append(*hdrs, "Expect:");
    if (token != NULL) {
        char *auth = xasprintf("Authorization: Bearer %s", token);
        *hdrs = curl_slist_append(*hdrs, auth);
        free(auth);
    }
    if (body != NULL) {
        char *type = xasprintf("Content-Type: %s", ctype);
        *hdrs = curl_slist_append(*hdrs, type);
        free(type);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    }
    if (strcmp(method, "POST") == 0 && body == NULL)
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)0);
    if (strcmp(method, "POST") == 0)
        curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, *hdrs);
}

int client_request(const char *method, const char *url, const char *token,
                   const char *ctype, const void *body, size_t len, struct client_reply *r,
                   char **cause)
{
    static int inited;
    memset(r, 0, sizeof *r);
    if (token != NULL && (!client_url_check(url, 1, cause) || !client_token_ok(token))) {
        if (*cause == NULL)
            *cause = xstrdup("the token is malformed (run stacklab login again)");
        return -1;
    }
    if (!inited && curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        *cause = xstrdup("cannot start libcurl");
        return -1;
    }
    inited = 1;
    CURL *h = curl_easy_init();
    if (h == NULL) {
        *cause = xstrdup("cannot start libcurl");
        return -1;
    }
    struct sb out;
    sb_init(&out);
    char errbuf[CURL_ERROR_SIZE] = "";
    struct curl_slist *hdrs = NULL;
    client_setup(h, method, url, token, ctype, body, len, &hdrs);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, client_write_cb);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &out);
    CURLcode code = curl_easy_perform(h);
    if (code == CURLE_OK) {
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
        r->len = out.len;
        r->body = sb_steal(&out);
    } else {
        *cause = client_curl_words(code, errbuf, url);
    }
    sb_free(&out);
    curl_slist_free_all(hdrs);
    curl_easy_cleanup(h);
    return code == CURLE_OK ? 0 : -1;
}

char *client_error(const struct client_reply *r)
{
    cJSON *o = r->body ? cJSON_ParseWithLength(r->body, r->len) : NULL;
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(o, "error");
    char *words = NULL;
    if (cJSON_IsString(e)) {
        char *clean = client_clean(e->valuestring, 300);
        words = xasprintf("the server answered %ld: %s", r->status, clean);
        free(clean);
    } else {
        words = xasprintf("the server answered %ld", r->status);
    }
    cJSON_Delete(o);
    return words;
}

char *client_clean(const char *s, size_t max)
{
    char *esc = term_escape_controls(s != NULL ? s : "");
    for (char *p = esc; *p != '\0'; p++)
        if (*p == '\n' || *p == '\t')
            *p = ' ';
    if (strlen(esc) <= max)
        return esc;
    while (max > 0 && ((unsigned char)esc[max] & 0xC0) == 0x80)
        max--;          /* not inside a UTF-8 sequence */
    char *cut = xasprintf("%.*s...", (int)max, esc);
    free(esc);
    return cut;
}

long client_post_json(const char *url, const char *token, const cJSON *in, cJSON **out,
                      char **cause)
{
    *out = NULL;
    char *text = cJSON_PrintUnformatted(in);
    if (text == NULL) {
        *cause = xstrdup("out of memory");
        return -1;
    }
    struct client_reply r;
    int rc = client_request("POST", url, token, "application/json", text, strlen(text), &r,
                            cause);
    free(text);
    if (rc < 0)
        return -1;
    long status = r.status;
    if (status < 200 || status > 299) {
        *cause = client_error(&r);
    } else if (r.len > 0) {
        *out = cJSON_ParseWithLength(r.body, r.len);
        if (!cJSON_IsObject(*out)) {
            cJSON_Delete(*out);
            *out = NULL;
            char *shown = client_clean(url, 200);
            *cause = xasprintf("the answer of %s is not a JSON object", shown);
            free(shown);
            status = -1;
        }
    }
    client_reply_free(&r);
    return status;
}
