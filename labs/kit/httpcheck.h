/* httpcheck.h -- the HTTP side of the checkers that talk to a learner's server over real
 * HTTP with libcurl: one request's reply collected into capped buffers, with a transcript
 * in the style of `curl -v` for the learner to read. Checker side only (defined in
 * httpcheck.c, linked into every checker); drivers never include it. Prefix: hc_. */
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

#endif
