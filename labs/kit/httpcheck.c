/* httpcheck.c -- see httpcheck.h. Prefix: hc_. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "httpcheck.h"
#include "refserver.h"

/* curl's debug callback: "> " lines sent, "< " lines received, "* " curl's own notes,
 * then either the bodies themselves (HC_BODIES) or their sizes. */
static int hc_on_debug(CURL *h, curl_infotype type, char *data, size_t size, void *arg)
{
    struct hc_reply *rep = arg;
    struct wire_buf *t = &rep->transcript;
    const char *prefix = type == CURLINFO_TEXT ? "* " : type == CURLINFO_HEADER_OUT ? "> "
                       : type == CURLINFO_HEADER_IN ? "< " : NULL;
    (void)h;
    if (t->len > HC_CAP)
        return 0;
    if (type == CURLINFO_DATA_IN || type == CURLINFO_DATA_OUT) {
        if (rep->flags & HC_BODIES) {
            wire_buf_str(t, type == CURLINFO_DATA_IN ? "< " : "> ");
            wire_buf_escaped(t, data, size < 400 ? size : 400, 0);
            wire_buf_str(t, size < 400 ? "\n" : "...\n");
        } else {
            char note[64];
            snprintf(note, sizeof note, "%s %zu bytes of data\n",
                     type == CURLINFO_DATA_IN ? "{" : "}", size);
            wire_buf_str(t, note);
        }
        return 0;
    }
    for (size_t start = 0, i = 0; prefix != NULL && i < size; i++) {
        if (data[i] != '\n' && i + 1 < size)
            continue;
        size_t n = i + 1 - start;
        while (n > 0 && (data[start + n - 1] == '\n' || data[start + n - 1] == '\r'))
            n--;
        wire_buf_str(t, prefix);
        wire_buf_add(t, data + start, n);
        wire_buf_str(t, "\n");
        start = i + 1;
    }
    return 0;
}

static size_t hc_on_data(char *p, size_t size, size_t n, void *arg)
{
    struct wire_buf *b = arg;
    if (b->len < HC_CAP)
        wire_buf_add(b, p, size * n);
    return size * n;
}

void hc_setup(CURL *h, const char *url, long timeout_ms, unsigned flags, struct hc_reply *rep)
{
    memset(rep, 0, sizeof *rep);
    rep->flags = flags;
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_PROXY, "");
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, rep->error);
    if (flags & HC_HEADERS) {
        curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, hc_on_data);
        curl_easy_setopt(h, CURLOPT_HEADERDATA, &rep->headers);
    }
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, hc_on_data);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &rep->body);
    curl_easy_setopt(h, CURLOPT_VERBOSE, 1L);
    curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, hc_on_debug);
    curl_easy_setopt(h, CURLOPT_DEBUGDATA, rep);
}

static void hc_terminate(struct hc_reply *rep)
{
    wire_buf_add(&rep->headers, "", 0);
    wire_buf_add(&rep->body, "", 0);
    wire_buf_add(&rep->transcript, "", 0);
}

int hc_perform(CURL *h, struct hc_reply *rep)
{
    CURLcode rc = curl_easy_perform(h);
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &rep->status);
    hc_terminate(rep);
    return rc == CURLE_OK ? 0 : -1;
}

int hc_fail(struct hc_reply *rep, const char *why)
{
    snprintf(rep->error, sizeof rep->error, "%s", why);
    hc_terminate(rep);
    return -1;
}

void hc_reply_free(struct hc_reply *rep)
{
    wire_buf_free(&rep->headers);
    wire_buf_free(&rep->body);
    wire_buf_free(&rep->transcript);
}

const char *hc_find_header(const char *block, const char *name, char *out, size_t cap)
{
    size_t n = strlen(name);
    for (const char *l = block; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
        if (strncasecmp(l, name, n) != 0 || l[n] != ':')
            continue;
        const char *v = l + n + 1;
        while (*v == ' ')
            v++;
        size_t len = strcspn(v, "\r\n");
        snprintf(out, cap, "%.*s", (int)(len < cap ? len : cap - 1), v);
        return out;
    }
    return NULL;
}

int hc_request(int port, const char *method, const char *target, const char *form,
               struct hc_reply *rep)
{
    char url[1200];
    memset(rep, 0, sizeof *rep);
    int ref = port == REFSERVER_PORT;
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", ref ? refserver_port() : port, target);
    CURL *h = curl_easy_init();
    if (h == NULL)
        return hc_fail(rep, "curl_easy_init failed");
    if (ref)
        refserver_attach(h);
    hc_setup(h, url, 5000L, HC_HEADERS, rep);
    if (strcmp(method, "HEAD") == 0)
        curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
    else
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
    if (form != NULL)
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, form);
    int rc = hc_perform(h, rep);
    curl_easy_cleanup(h);
    return rc;
}
