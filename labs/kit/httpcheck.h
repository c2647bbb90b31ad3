/* httpcheck.h -- the HTTP side of the checkers that talk to a learner's server over real
 * HTTP with libcurl: one request's reply collected into capped buffers, with a transcript
 * in the style of `curl -v` for the learner to read; browsers (a cookie jar shared by
 * their requests, forms, CSRF tokens, login) and the stories that compare what they saw
 * line by line. Checker side only (defined in httpcheck.c, linked into every checker);
 * drivers never include it. Prefix: hc_. */
#ifndef STACKLAB_HTTPCHECK_H
#define STACKLAB_HTTPCHECK_H

#include <stddef.h>

#include <curl/curl.h>

#include "wire.h"

#define HC_CAP 16384            /* bytes kept of each of headers, body and transcript */

enum hc_flags {
    HC_HEADERS = 1 << 0,        /* keep the received header block in `headers` */
    HC_BODIES = 1 << 1,         /* the transcript shows the bodies (escaped, cut at 400
                                   bytes), not only their sizes */
    HC_UNTIL_CLOSE = 1 << 2     /* hc_raw: read until the server closes (or the time is
                                   up) and count every answer, not only the first */
};

/* One reply. The buffers are the caller's to release with hc_reply_free. */
struct hc_reply {
    long status;                /* 0 when no answer came */
    struct wire_buf headers, body, transcript;     /* NUL-terminated after hc_perform */
    char error[CURL_ERROR_SIZE];
    unsigned flags;             /* enum hc_flags */
    int answers;                /* hc_raw: complete answers received */
};

/* Sets on h what every check request shares: the URL, a time limit, no signals and no
 * proxy, the error buffer, the collection of the reply into rep (zeroed first) and the
 * transcript. The caller adds its own options (method, body, headers) after. */
void hc_setup(CURL *h, const char *url, long timeout_ms, unsigned flags, struct hc_reply *rep);

/* Performs the request set up on h (the handle stays the caller's), records the status
 * and terminates the buffers. Returns 0 when an answer came, else -1 (rep->error says why). */
int hc_perform(CURL *h, struct hc_reply *rep);

/* Ends rep without a request (nothing to talk to): the error says why, the buffers are
 * terminated as hc_perform leaves them. Returns -1, as a failed hc_perform. */
int hc_fail(struct hc_reply *rep, const char *why);

/* One request to 127.0.0.1:port (the checker's reference when port is REFSERVER_PORT,
 * refserver.h): method (HEAD asks for no body), target, and `form` as the body when not
 * NULL; headers kept (HC_HEADERS), 5 s at most. Returns 0 when an answer came, else -1
 * (rep->error says why). */
int hc_request(int port, const char *method, const char *target, const char *form,
               struct hc_reply *rep);

/* Sends data[0..len) as it is to 127.0.0.1:port on a plain socket (libcurl cannot send a
 * malformed request) and reads what comes back: the first complete answer (head and
 * Content-Length body), or with HC_UNTIL_CLOSE everything until the server closes, at
 * most HC_CAP bytes and `ms` milliseconds. rep gets the first answer's status, head
 * (headers) and body, the number of complete answers, and a transcript ("> " the bytes
 * sent, "< " those received, escaped). Returns 0 when an answer came, else -1
 * (rep->error says why). Not for the reference's port (its daemon refuses sockets
 * refserver_attach did not make). */
int hc_raw(int port, const void *data, size_t len, int ms, unsigned flags,
           struct hc_reply *rep);

void hc_reply_free(struct hc_reply *rep);

/* The value of header `name` (any case) in a raw header block, copied into out[cap];
 * NULL when absent. */
const char *hc_find_header(const char *block, const char *name, char *out, size_t cap);

/* ---- a browser: requests that share a cookie jar, as the keg checkers' stories use -- */

/* A browser on the subject's server at 127.0.0.1:port: its requests share one cookie
 * jar (libcurl's, in memory), so the cookies a reply sets go with the next request. */
struct hc_browser {
    CURLSH *jar;
    int port;
};

/* What a story saw and what it should have seen, line by line, with the transcripts of
 * its requests. Zero it to start; hc_story_end compares and releases it. */
struct hc_story {
    struct wire_buf got, want, log;
};

/* The hidden form field Django's {% csrf_token %} renders (keg's too): the token is the
 * text after this up to the next '"' (hc_scrape(body, HC_CSRF_FIELD, "\"", ...)). */
#define HC_CSRF_FIELD "name=\"csrfmiddlewaretoken\" value=\""

/* Starts b with an empty jar, talking to `port`. Returns 0, or -1 when libcurl could
 * not make the jar (then b's requests go without cookies). Ends with hc_browser_free. */
int hc_browser_new(struct hc_browser *b, int port);

/* Releases b's jar; b may be ended twice. */
void hc_browser_free(struct hc_browser *b);

/* One request of b: method (HEAD asks for no body), target, `form` as the body when not
 * NULL, the extra header lines of the NULL-ended `headers` (NULL: none); the jar's
 * cookies are sent and the reply's kept; headers kept, bodies in the transcript
 * (HC_HEADERS | HC_BODIES), 5 s at most. The transcript and an empty line are appended to
 * `log` when not NULL. rep is the caller's to release with hc_reply_free. Returns 0
 * when an answer came, else -1 (rep->error says why). */
int hc_browser_send(struct hc_browser *b, const char *method, const char *target,
                    const char *form, const char *const *headers, struct wire_buf *log,
                    struct hc_reply *rep);

/* The value of cookie `name` in b's jar copied into out[cap] ("" when it has none, or
 * the last one of that name when several paths hold one). Returns out. */
const char *hc_browser_cookie(struct hc_browser *b, const char *name, char *out,
                              size_t cap);

/* Appends to out one line "  Set-Cookie: VALUE" for each Set-Cookie header of rep that
 * sets cookie `name` (its value replaced by `as` when value and as are not NULL and the
 * cookie's value starts with `value`: a random key shown as "KEY"), or the line
 * "  (no Set-Cookie)" when there is none. Lines are cut at 511 bytes. */
void hc_set_cookies(const struct hc_reply *rep, const char *name, const char *value,
                    const char *as, struct wire_buf *out);

/* Copies into out[cap] the text of `text` (may be NULL) that follows the first `after`,
 * up to the first byte of `stop` or the end; "" when `after` is absent. Returns out. */
const char *hc_scrape(const char *text, const char *after, const char *stop, char *out,
                      size_t cap);

/* Appends "name=value" to an urlencoded form (an "&" first when the form is not empty),
 * the value percent-encoded as a browser sends it: every byte but A-Z a-z 0-9 - . _ ~
 * as %XX (uppercase hex). The name goes as it is. */
void hc_form_add(struct wire_buf *form, const char *name, const char *value);

/* Appends to `form` the fields of Django's login form: csrfmiddlewaretoken (the secret
 * of b's csrftoken cookie, which keg and Django accept in place of a masked token),
 * username, password, and next when not NULL, each by hc_form_add. */
void hc_login_form(struct hc_browser *b, const char *user, const char *password,
                   const char *next, struct wire_buf *form);

/* Adds a line to each side of st: what was seen, and what should have been. */
void hc_fact(struct hc_story *st, const char *got, const char *want);

/* Ends st with one TAP test named `name`: the lines seen against the lines wanted, the
 * transcripts attached when they differ and some request was made. Releases st's
 * buffers. Returns 1 when the test passed, else 0. */
int hc_story_end(struct hc_story *st, const char *name);

#endif
