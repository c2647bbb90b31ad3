/* httpcheck.c -- see httpcheck.h. Prefix: hc_. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "httpcheck.h"
#include "refserver.h"
#include "tap.h"

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

/* Length of the complete answer at the start of b[0..n) (head, then as many body bytes
 * as its Content-Length says), or 0 while it is incomplete. */
static size_t hc_answer_len(const char *b, size_t n)
{
    static char head[HC_CAP + 1];       /* checker side: one thread */
    char v[32];
    const char *end = n >= 4 ? memmem(b, n, "\r\n\r\n", 4) : NULL;
    if (end == NULL || (size_t)(end - b) + 2 > HC_CAP)
        return 0;
    size_t hlen = (size_t)(end - b) + 4;
    memcpy(head, b, hlen - 2);
    head[hlen - 2] = '\0';
    size_t body = hc_find_header(head, "Content-Length", v, sizeof v)
                  ? (size_t)strtoul(v, NULL, 10) : 0;
    return n - hlen >= body ? hlen + body : 0;
}

/* Milliseconds left until t0 + ms. */
static long hc_left(const struct timespec *t0, int ms)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return ms - ((now.tv_sec - t0->tv_sec) * 1000 + (now.tv_nsec - t0->tv_nsec) / 1000000);
}

/* Reads from fd into in until the peer closes, HC_CAP bytes, the deadline, or (unless
 * until_close) a first complete answer. */
static void hc_read_answers(int fd, int ms, int until_close, struct wire_buf *in)
{
    struct timespec t0;
    char buf[4096];
    clock_gettime(CLOCK_MONOTONIC, &t0);
    while (in->len < HC_CAP && (until_close || hc_answer_len(in->data, in->len) == 0)) {
        long left = hc_left(&t0, ms);
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
            break;
        ssize_t n = read(fd, buf, sizeof buf);
        if (n <= 0)
            break;
        wire_buf_add(in, buf, (size_t)n);
    }
}

/* Fills rep from the bytes received: the first answer, and how many are complete. */
static void hc_take_answers(const struct wire_buf *in, struct hc_reply *rep)
{
    size_t at = 0, n;
    while (at < in->len && (n = hc_answer_len(in->data + at, in->len - at)) > 0) {
        if (rep->answers++ == 0) {
            const char *end = memmem(in->data, n, "\r\n\r\n", 4);
            size_t hlen = (size_t)(end - in->data) + 4;
            if (n >= 12 && strncmp(in->data, "HTTP/1.", 7) == 0)
                rep->status = strtol(in->data + 9, NULL, 10);
            wire_buf_add(&rep->headers, in->data, hlen);
            wire_buf_add(&rep->body, in->data + hlen, n - hlen);
        }
        at += n;
    }
}

int hc_raw(int port, const void *data, size_t len, int ms, unsigned flags,
           struct hc_reply *rep)
{
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    struct wire_buf in = {0};
    memset(rep, 0, sizeof *rep);
    rep->flags = flags;
    inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
    wire_buf_str(&rep->transcript, "> ");
    wire_buf_escaped(&rep->transcript, data, len < 2000 ? len : 2000, 1);
    wire_buf_str(&rep->transcript, len < 2000 ? "\n" : "... (cut)\n");
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0
        || wire_write_all(fd, data, len) < 0) {
        if (fd >= 0)
            close(fd);
        wire_buf_str(&rep->transcript, "* could not connect or send\n");
        return hc_fail(rep, "could not connect or send");
    }
    hc_read_answers(fd, ms, (flags & HC_UNTIL_CLOSE) != 0, &in);
    close(fd);
    if (in.len > 0) {
        wire_buf_str(&rep->transcript, "< ");
        wire_buf_escaped(&rep->transcript, in.data, in.len < 2000 ? in.len : 2000, 1);
        wire_buf_str(&rep->transcript, in.len < 2000 ? "\n" : "... (cut)\n");
    }
    hc_take_answers(&in, rep);
    wire_buf_free(&in);
    if (rep->answers == 0) {
        wire_buf_str(&rep->transcript, "* no complete answer in time\n");
        return hc_fail(rep, "no complete HTTP answer in time");
    }
    hc_terminate(rep);
    return 0;
}

/* ---- a browser ------------------------------------------------------------------------ */

int hc_browser_new(struct hc_browser *b, int port)
{
    b->port = port;
    b->jar = curl_share_init();
    if (b->jar == NULL)
        return -1;
    curl_share_setopt(b->jar, CURLSHOPT_SHARE, CURL_LOCK_DATA_COOKIE);
    return 0;
}

void hc_browser_free(struct hc_browser *b)
{
    if (b->jar != NULL)
        curl_share_cleanup(b->jar);
    b->jar = NULL;
}

int hc_browser_send(struct hc_browser *b, const char *method, const char *target,
                    const char *form, const char *const *headers, struct wire_buf *log,
                    struct hc_reply *rep)
{
    char url[1200];
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", b->port, target);
    CURL *h = curl_easy_init();
    struct curl_slist *hs = NULL;
    if (h == NULL)
        return hc_fail(rep, "curl_easy_init failed");
    hc_setup(h, url, 5000L, HC_HEADERS | HC_BODIES, rep);
    curl_easy_setopt(h, CURLOPT_SHARE, b->jar);
    curl_easy_setopt(h, CURLOPT_COOKIEFILE, "");
    if (strcmp(method, "HEAD") == 0)
        curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
    else
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
    if (form != NULL)
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, form);
    for (size_t i = 0; headers != NULL && headers[i] != NULL; i++)
        hs = curl_slist_append(hs, headers[i]);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hs);
    int rc = hc_perform(h, rep);
    curl_slist_free_all(hs);
    curl_easy_cleanup(h);
    if (log != NULL) {
        wire_buf_str(log, rep->transcript.data ? rep->transcript.data : "");
        wire_buf_str(log, "\n");
    }
    return rc;
}

const char *hc_browser_cookie(struct hc_browser *b, const char *name, char *out,
                              size_t cap)
{
    CURL *h = curl_easy_init();
    struct curl_slist *list = NULL;
    out[0] = '\0';
    if (h == NULL)
        return out;
    curl_easy_setopt(h, CURLOPT_SHARE, b->jar);
    curl_easy_getinfo(h, CURLINFO_COOKIELIST, &list);
    /* Netscape format: domain, subdomains, path, secure, expiry, name, value (tabs). */
    for (struct curl_slist *l = list; l != NULL; l = l->next) {
        const char *f = l->data;
        for (int i = 0; i < 5 && f != NULL; i++)
            f = strchr(f, '\t') ? strchr(f, '\t') + 1 : NULL;
        size_t n = f != NULL ? strcspn(f, "\t") : 0;
        if (f != NULL && n == strlen(name) && strncmp(f, name, n) == 0 && f[n] == '\t')
            snprintf(out, cap, "%s", f + n + 1);
    }
    curl_slist_free_all(list);
    curl_easy_cleanup(h);
    return out;
}

void hc_set_cookies(const struct hc_reply *rep, const char *name, const char *value,
                    const char *as, struct wire_buf *out)
{
    const char *p = rep->headers.data ? rep->headers.data : "";
    size_t nl = strlen(name);
    int any = 0;
    for (; *p != '\0'; p += strcspn(p, "\n") + (p[strcspn(p, "\n")] == '\n')) {
        size_t len = strcspn(p, "\r\n");
        if (len < 12 || strncasecmp(p, "Set-Cookie:", 11) != 0)
            continue;
        const char *v = p + 11 + strspn(p + 11, " ");
        if (strncmp(v, name, nl) != 0 || v[nl] != '=')
            continue;
        char line[512];
        snprintf(line, sizeof line, "%.*s", (int)(len - (size_t)(v - p)), v);
        size_t vl = value != NULL ? strlen(value) : 0;
        wire_buf_str(out, "  Set-Cookie: ");
        if (as != NULL && vl > 0 && strncmp(line + nl + 1, value, vl) == 0) {
            wire_buf_add(out, line, nl + 1);
            wire_buf_str(out, as);
            wire_buf_str(out, line + nl + 1 + vl);
        } else
            wire_buf_str(out, line);
        wire_buf_str(out, "\n");
        any = 1;
    }
    if (!any)
        wire_buf_str(out, "  (no Set-Cookie)\n");
}

const char *hc_scrape(const char *text, const char *after, const char *stop, char *out,
                      size_t cap)
{
    const char *t = text != NULL ? strstr(text, after) : NULL;
    size_t skip = strlen(after);
    snprintf(out, cap, "%.*s", t ? (int)strcspn(t + skip, stop) : 0, t ? t + skip : "");
    return out;
}

void hc_form_add(struct wire_buf *form, const char *name, const char *value)
{
    static const char hex[] = "0123456789ABCDEF";
    wire_buf_str(form, form->len > 0 ? "&" : "");
    wire_buf_str(form, name);
    wire_buf_str(form, "=");
    for (const unsigned char *p = (const unsigned char *)value; *p != '\0'; p++) {
        unsigned char c = *p;
        char esc[3] = { '%', hex[c >> 4], hex[c & 15] };
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
            || c == '-' || c == '.' || c == '_' || c == '~')
            wire_buf_add(form, p, 1);
        else
            wire_buf_add(form, esc, 3);
    }
}

void hc_login_form(struct hc_browser *b, const char *user, const char *password,
                   const char *next, struct wire_buf *form)
{
    char secret[128];
    hc_form_add(form, "csrfmiddlewaretoken", hc_browser_cookie(b, "csrftoken", secret,
                                                               sizeof secret));
    hc_form_add(form, "username", user);
    hc_form_add(form, "password", password);
    if (next != NULL)
        hc_form_add(form, "next", next);
}

/* ---- stories -------------------------------------------------------------------------- */

void hc_fact(struct hc_story *st, const char *got, const char *want)
{
    wire_buf_str(&st->got, got);
    wire_buf_str(&st->got, "\n");
    wire_buf_str(&st->want, want);
    wire_buf_str(&st->want, "\n");
}

int hc_story_end(struct hc_story *st, const char *name)
{
    wire_buf_add(&st->got, "", 0);
    wire_buf_add(&st->want, "", 0);
    wire_buf_add(&st->log, "", 0);
    if (strcmp(st->got.data, st->want.data) != 0 && st->log.len > 1)
        tap_attach("transcript", st->log.data);
    int pass = tap_is_str(__FILE__, __LINE__, st->got.data, st->want.data, "%s", name);
    wire_buf_free(&st->got);
    wire_buf_free(&st->want);
    wire_buf_free(&st->log);
    return pass;
}
