/* wire.h -- the frame protocol between a lab checker and its driver (the subject):
 * a frame is a header line "NAME LENGTH\n" then LENGTH raw bytes; in both programs fd 3
 * reads from the other one and fd 4 writes to it. Header-only so that a driver needs
 * nothing but this file and the learner's code; checker-only helpers are in wire.c.
 * When vial.h is included first, the shared lab executors (wire_vial_exec) are defined
 * too: the driver runs them on the learner's vial, the checker on the reference, and
 * the two outputs are compared. Prefix: wire_. Compiles as C11 + POSIX 2008. */
#ifndef STACKLAB_WIRE_H
#define STACKLAB_WIRE_H

#include <errno.h>
#include <stdint.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define WIRE_IN 3                      /* read from the other program */
#define WIRE_OUT 4                     /* write to the other program */
#define WIRE_MAX_NAME 32               /* longest frame name */
#define WIRE_MAX_FRAME (16u << 20)     /* largest frame payload */

/* A growable byte buffer; data is NUL-terminated whenever it is not NULL. On
 * allocation failure the buffer sets `failed` and stops growing. */
struct wire_buf {
    char *data;
    size_t len, cap;
    int failed;
};

static inline void wire_buf_add(struct wire_buf *b, const void *p, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *d = realloc(b->data, cap);
        if (d == NULL) {
            b->failed = 1;
            return;
        }
        b->data = d;
        b->cap = cap;
    }
    if (n > 0)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static inline void wire_buf_str(struct wire_buf *b, const char *s)
{
    wire_buf_add(b, s, strlen(s));
}

static inline void wire_buf_free(struct wire_buf *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}

/* Appends a frame (header line and payload) to b. */
static inline void wire_buf_frame(struct wire_buf *b, const char *name, const void *data,
                                  size_t len)
{
    char head[WIRE_MAX_NAME + 32];
    int n = snprintf(head, sizeof head, "%s %zu\n", name, len);
    wire_buf_add(b, head, (size_t)n);
    wire_buf_add(b, data, len);
}

/* Appends bytes escaped for display: printable ASCII as is, "\\", "\r", "\n", "\t",
 * other bytes as "\xHH". With split_lines, a real newline follows each "\n". */
static inline void wire_buf_escaped(struct wire_buf *b, const void *data, size_t len,
                                    int split_lines)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++) {
        char e[8];
        unsigned char c = p[i];
        if (c == '\\')
            wire_buf_add(b, "\\\\", 2);
        else if (c == '\r')
            wire_buf_add(b, "\\r", 2);
        else if (c == '\n')
            wire_buf_add(b, split_lines ? "\\n\n" : "\\n", split_lines ? 3 : 2);
        else if (c == '\t')
            wire_buf_add(b, "\\t", 2);
        else if (c < 0x20 || c > 0x7e) {
            snprintf(e, sizeof e, "\\x%02x", c);
            wire_buf_add(b, e, 4);
        } else
            wire_buf_add(b, &c, 1);
    }
}

/* Reads the next frame of an in-memory sequence at *p (before end). Returns 1 with
 * name (NUL-terminated), *data and *len pointing into the buffer, 0 at the end, -1 when
 * malformed. */
static inline int wire_next(const char **p, const char *end, char *name, size_t namecap,
                            const char **data, size_t *len)
{
    if (*p >= end)
        return 0;
    const char *nl = memchr(*p, '\n', (size_t)(end - *p));
    const char *sp = nl ? memchr(*p, ' ', (size_t)(nl - *p)) : NULL;
    if (sp == NULL || sp == *p || (size_t)(sp - *p) >= namecap)
        return -1;
    char *stop = NULL;
    errno = 0;
    unsigned long long n = strtoull(sp + 1, &stop, 10);
    if (errno != 0 || stop != nl || sp + 1 == nl || n > (unsigned long long)(end - nl - 1))
        return -1;
    memcpy(name, *p, (size_t)(sp - *p));
    name[sp - *p] = '\0';
    *data = nl + 1;
    *len = (size_t)n;
    *p = nl + 1 + n;
    return 1;
}

/* Writes all of data to fd. Returns 0 or -1. */
static inline int wire_write_all(int fd, const void *data, size_t len)
{
    const char *p = data;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Sends one frame on fd. Returns 0, or -1 when the other side is gone. */
static inline int wire_send(int fd, const char *name, const void *data, size_t len)
{
    struct wire_buf b = {0};
    wire_buf_frame(&b, name, data, len);
    int rc = b.failed ? -1 : wire_write_all(fd, b.data, b.len);
    wire_buf_free(&b);
    return rc;
}

/* Reads exactly len bytes from fd, waiting at most until the monotonic-free deadline
 * expressed as a poll timeout per wait (timeout_ms < 0: forever). Returns 1, 0 on EOF
 * or timeout before all bytes came, -1 on error. */
static inline int wire_read_exact(int fd, char *buf, size_t len, int timeout_ms)
{
    size_t got = 0;
    while (got < len) {
        if (timeout_ms >= 0) {
            struct pollfd pfd = {.fd = fd, .events = POLLIN};
            int r = poll(&pfd, 1, timeout_ms);
            if (r < 0 && errno == EINTR)
                continue;
            if (r <= 0)
                return 0;
        }
        ssize_t n = read(fd, buf + got, len - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            return 0;
        got += (size_t)n;
    }
    return 1;
}

/* Receives one frame from fd: name into name[namecap], the payload into *data
 * (allocated, NUL-terminated; caller frees) and *len. timeout_ms bounds each wait
 * (< 0: forever). Returns 1, 0 when the other side closed or went silent, -1 when the
 * frame is malformed. */
static inline int wire_recv(int fd, char *name, size_t namecap, char **data, size_t *len,
                            int timeout_ms)
{
    char head[WIRE_MAX_NAME + 24];
    size_t n = 0;
    *data = NULL;
    for (;;) {
        int r = wire_read_exact(fd, head + n, 1, timeout_ms);
        if (r <= 0)
            return r == 0 && n == 0 ? 0 : (r == 0 ? 0 : -1);
        if (head[n] == '\n')
            break;
        if (++n >= sizeof head - 1)
            return -1;
    }
    head[n] = '\0';
    char *sp = strchr(head, ' ');
    char *stop = NULL;
    if (sp == NULL || sp == head || (size_t)(sp - head) >= namecap)
        return -1;
    errno = 0;
    unsigned long long plen = strtoull(sp + 1, &stop, 10);
    if (errno != 0 || *stop != '\0' || sp[1] == '\0' || plen > WIRE_MAX_FRAME)
        return -1;
    *sp = '\0';
    memcpy(name, head, (size_t)(sp - head) + 1);
    *data = malloc((size_t)plen + 1);
    if (*data == NULL)
        return -1;
    int r = wire_read_exact(fd, *data, (size_t)plen, timeout_ms);
    if (r <= 0) {
        free(*data);
        *data = NULL;
        return r;
    }
    (*data)[plen] = '\0';
    *len = (size_t)plen;
    return 1;
}

/* The frame a checker sends last: the driver leaves its loop and returns from main, so
 * the program ends normally and LeakSanitizer can report at exit. */
#define WIRE_QUIT "quit"

/* Driver side: the next frame to serve, as wire_recv with no deadline. Returns 1 with a
 * frame (*data allocated; caller frees), 0 when the driver should end: the checker sent
 * WIRE_QUIT or closed its side; -1 on a malformed frame (end too). */
static inline int wire_serve_next(char *name, size_t namecap, char **data, size_t *len)
{
    int r = wire_recv(WIRE_IN, name, namecap, data, len, -1);
    if (r == 1 && strcmp(name, WIRE_QUIT) == 0) {
        free(*data);
        *data = NULL;
        return 0;
    }
    return r;
}

/* Driver side: the whole serving loop of a driver whose every frame is a list of
 * operations: each frame's payload goes to exec (which returns an allocated text of
 * *out_len bytes, or NULL) and its text goes back as a "result" frame, until the checker
 * sends WIRE_QUIT or goes away. Returns 0, for `return wire_serve_ops(op_exec);`. */
static inline int wire_serve_ops(char *(*exec)(const char *ops, size_t len, size_t *out_len))
{
    char name[WIRE_MAX_NAME];
    char *data = NULL;
    size_t len = 0;
    while (wire_serve_next(name, sizeof name, &data, &len) == 1) {
        size_t n = 0;
        char *out = exec(data, len, &n);
        free(data);
        int rc = wire_send(WIRE_OUT, "result", out ? out : "", out ? n : 0);
        free(out);
        if (rc < 0)
            break;
    }
    return 0;
}

/* ---- checker side (defined in wire.c; drivers never call these) --------------------- */
struct wire_rng {
    uint64_t s;
};

/* Seeds the generator: the same seed gives the same sequence everywhere. */
void wire_rng_seed(struct wire_rng *r, uint64_t seed);
uint64_t wire_rng_next(struct wire_rng *r);
/* A number in [0, n); 0 when n is 0. */
uint64_t wire_rng_below(struct wire_rng *r, uint64_t n);
/* A word of lo..hi characters drawn from the first `nset` of set: into out (room for
 * hi + 1, NUL-terminated), or appended to b. */
void wire_rng_word(struct wire_rng *r, char *out, const char *set, size_t nset, size_t lo,
                   size_t hi);
void wire_rng_buf_word(struct wire_rng *r, struct wire_buf *b, const char *set, size_t nset,
                       size_t lo, size_t hi);

/* The checker's seed from argv[1] (decimal, 0 to 2^53-1; bails out when absent or bad).
 * Also hands it to tap_set_seed so every failure block names it. */
uint64_t wire_seed_arg(int argc, char **argv);

struct wire_peer {
    int in, out;        /* 3 and 4 */
    int dead;           /* set once the subject closed, crashed or went silent */
    int timeout_ms;     /* longest wait for one answer */
};

/* Uses fds 3/4 and ignores SIGPIPE (a dead subject must not kill the checker). */
void wire_peer_init(struct wire_peer *p, int timeout_ms);
/* Sends a frame and waits for the answer frame. Returns 0 with *answer allocated
 * (NUL-terminated; caller frees) and *alen set, or -1 when the subject is gone or
 * silent past the deadline (p->dead is then set and every later call fails at once). */
int wire_call(struct wire_peer *p, const char *name, const void *data, size_t len,
              char **answer, size_t *alen);
/* Ends the conversation: sends WIRE_QUIT, closes the checker's writing side, then waits
 * (at most WIRE_QUIT_MS) for the subject to close its side, which it does when it exits,
 * after LeakSanitizer has written its report. Then finishes the TAP stream and returns
 * tap_done_testing()'s exit status, for `return wire_finish(&peer);` at the end of main. */
int wire_finish(struct wire_peer *p);
#define WIRE_QUIT_MS 3000

/* Records a failed test named `test` with the message "the program stopped answering". */
int wire_fail_dead(const char *file, int line, const char *test);
#define WIRE_FAIL_DEAD(test) wire_fail_dead(__FILE__, __LINE__, (test))

/* Answers one frame of a driver: the payload data[0..len) (NUL-terminated; the handler
 * may change it in place, the loop frees it) of the frame `name`, into out; *reply is the
 * answer frame's name ("ok" unless changed). */
typedef void wire_frame_fn(void *state, const char *name, char *data, size_t len,
                           struct wire_buf *out, const char **reply);

/* The loop of a driver that answers frames: each frame goes to fn and its answer back,
 * until the checker sends WIRE_QUIT or goes away. Returns 0, for `return ...;`. */
static inline int wire_serve_frames(wire_frame_fn *fn, void *state)
{
    char name[WIRE_MAX_NAME];
    char *data = NULL;
    size_t len = 0;
    while (wire_serve_next(name, sizeof name, &data, &len) == 1) {
        struct wire_buf out = {0};
        const char *reply = "ok";
        wire_buf_add(&out, "", 0);
        fn(state, name, data, len, &out, &reply);
        free(data);
        int rc = wire_send(WIRE_OUT, reply, out.data ? out.data : "", out.len);
        wire_buf_free(&out);
        if (rc < 0)
            break;
    }
    return 0;
}

#ifdef VIAL_H
/* ---- shared executors of the vial labs ------------------------------------------------
 * wire_vial_exec runs a sequence of operation frames against whichever vial it is
 * compiled with and writes a readable text of what happened, one fact per line:
 *   parse RAW          vial_parse_request; then the request's fields
 *   header NAME        vial_request_header on the last parsed request
 *   arg NAME           vial_request_arg on the last parsed request
 *   decode TEXT        vial_percent_decode (payload "0" or "1" then the text)
 *   reason N           vial_reason_phrase
 *   new                a fresh response
 *   status N           vial_response_set_status
 *   add NAME\0VALUE    vial_response_add_header
 *   set NAME\0VALUE    vial_response_set_header
 *   get NAME           vial_response_header
 *   body BYTES         vial_response_set_body
 *   append BYTES       vial_response_append
 *   serialize 0|1      vial_response_serialize
 * Byte inputs (parse, decode, body, append) reach the learner's code as exact-size heap
 * copies (wire_exact). */

/* A heap copy of exactly n bytes, no NUL after: a learner function that reads past the
 * length it was given reads past the block, which AddressSanitizer reports (a padded copy
 * would hide it). Caller frees; NULL only when out of memory. */
static inline char *wire_exact(const char *d, size_t n)
{
    char *c = malloc(n);
    if (c == NULL && n == 0)
        c = malloc(1);
    if (c != NULL && n > 0)
        memcpy(c, d, n);
    return c;
}

static inline void wire_line(struct wire_buf *out, const char *key, const void *v, size_t n)
{
    wire_buf_str(out, key);
    if (v == NULL) {
        wire_buf_str(out, " (none)\n");
        return;
    }
    wire_buf_str(out, " \"");
    wire_buf_escaped(out, v, n, 0);
    wire_buf_str(out, "\"\n");
}

static inline void wire_line_str(struct wire_buf *out, const char *key, const char *v)
{
    wire_line(out, key, v, v ? strlen(v) : 0);
}

static inline void wire_dump_pairs(struct wire_buf *out, const char *what, const vial_pairs *p)
{
    char key[64];
    for (size_t i = 0; i < p->len; i++) {
        snprintf(key, sizeof key, "%s[%zu].name", what, i);
        wire_line_str(out, key, p->items[i].name);
        snprintf(key, sizeof key, "%s[%zu].value", what, i);
        wire_line_str(out, key, p->items[i].value);
    }
}

/* Parses raw into req and writes the outcome. */
static inline void wire_vial_parse(struct wire_buf *out, const char *bytes, size_t len,
                                   vial_request *req)
{
    char line[96];
    size_t consumed = 0;
    vial_request_free(req);
    char *raw = wire_exact(bytes, len);
    int st = vial_parse_request(raw, len, req, &consumed);
    free(raw);
    snprintf(line, sizeof line, "status %d\n", st);
    wire_buf_str(out, line);
    if (st != 0)
        return;
    wire_line_str(out, "method", req->method);
    wire_line_str(out, "target", req->target);
    wire_line_str(out, "path", req->path);
    wire_line_str(out, "query_string", req->query_string);
    snprintf(line, sizeof line, "http_minor %d\nconsumed %zu\n", req->http_minor, consumed);
    wire_buf_str(out, line);
    wire_dump_pairs(out, "headers", &req->headers);
    wire_dump_pairs(out, "args", &req->args);
    wire_line(out, "body", req->body_len ? req->body : "", req->body_len);
}

/* decode payload: one digit (plus_is_space) then the text. */
static inline void wire_vial_decode(struct wire_buf *out, const char *d, size_t len)
{
    size_t n = 0;
    char *in = len ? wire_exact(d + 1, len - 1) : NULL;
    char *s = len ? vial_percent_decode(in, len - 1, d[0] == '1', &n) : NULL;
    wire_line(out, "decoded", s, n);
    free(s);
    free(in);
}

/* add/set payload: NAME \0 VALUE. */
static inline void wire_vial_header(struct wire_buf *out, vial_response *res, int set,
                                    const char *d, size_t len)
{
    const char *value = memchr(d, '\0', len) ? d + strlen(d) + 1 : "";
    int rc = set ? vial_response_set_header(res, d, value)
                 : vial_response_add_header(res, d, value);
    wire_buf_str(out, set ? "set " : "add ");
    wire_buf_escaped(out, d, strlen(d), 0);
    wire_buf_str(out, rc == 0 ? " -> 0\n" : " -> -1\n");
}

static inline void wire_vial_serialize(struct wire_buf *out, const vial_response *res, int body)
{
    size_t n = 0;
    char *s = vial_response_serialize(res, body, &n);
    if (s == NULL) {
        wire_buf_str(out, "serialized (none)\n");
        return;
    }
    wire_buf_str(out, "serialized:\n");
    wire_buf_escaped(out, s, n, 1);
    wire_buf_str(out, "\n(end)\n");
    free(s);
}

/* Runs one operation (the payload d[0..len) is NUL-terminated by the caller). */
static inline void wire_vial_op(struct wire_buf *out, const char *op, const char *d, size_t len,
                                vial_request *req, vial_response *res)
{
    char line[160];
    if (strcmp(op, "parse") == 0) {
        wire_vial_parse(out, d, len, req);
    } else if (strcmp(op, "header") == 0) {
        snprintf(line, sizeof line, "header[%.60s]", d);
        wire_line_str(out, line, vial_request_header(req, d));
    } else if (strcmp(op, "arg") == 0) {
        snprintf(line, sizeof line, "arg[%.60s]", d);
        wire_line_str(out, line, vial_request_arg(req, d));
    } else if (strcmp(op, "decode") == 0) {
        wire_vial_decode(out, d, len);
    } else if (strcmp(op, "reason") == 0) {
        snprintf(line, sizeof line, "reason %d", (int)strtol(d, NULL, 10));
        wire_line_str(out, line, vial_reason_phrase((int)strtol(d, NULL, 10)));
    } else if (strcmp(op, "new") == 0) {
        vial_response_free(res);
        vial_response_init(res);
    } else if (strcmp(op, "status") == 0) {
        snprintf(line, sizeof line, "status %d -> %d\n", (int)strtol(d, NULL, 10),
                 vial_response_set_status(res, (int)strtol(d, NULL, 10)));
        wire_buf_str(out, line);
    } else if (strcmp(op, "add") == 0 || strcmp(op, "set") == 0) {
        wire_vial_header(out, res, op[0] == 's', d, len);
    } else if (strcmp(op, "get") == 0) {
        snprintf(line, sizeof line, "get[%.60s]", d);
        wire_line_str(out, line, vial_response_header(res, d));
    } else if (strcmp(op, "body") == 0 || strcmp(op, "append") == 0) {
        char *bytes = wire_exact(d, len);
        int rc = op[0] == 'b' ? vial_response_set_body(res, bytes, len)
                              : vial_response_append(res, bytes, len);
        free(bytes);
        snprintf(line, sizeof line, "%s %zu -> %d\n", op, len, rc);
        wire_buf_str(out, line);
    } else if (strcmp(op, "serialize") == 0) {
        wire_vial_serialize(out, res, d[0] == '1');
    } else {
        wire_line_str(out, "unknown operation", op);
    }
}

/* "start": serves app with opt (NULL: 127.0.0.1, a port the system picks) into *srv and
 * answers "PORT cause" ("-1 why" when it did not start; `missing` is the why when app is
 * NULL). */
static inline void wire_vial_start(vial_app *app, const struct vial_server_options *opt,
                                   vial_server **srv, struct wire_buf *out, const char *missing)
{
    struct vial_server_options lo = {.host = "127.0.0.1", .port = 0};
    char *cause = NULL, line[32];
    *srv = app ? vial_server_start(app, opt ? opt : &lo, &cause) : NULL;
    snprintf(line, sizeof line, "%d ", *srv ? vial_server_port(*srv) : -1);
    wire_buf_str(out, line);
    wire_buf_str(out, cause ? cause : (app ? "" : missing));
    free(cause);
}

/* "stop": stops *srv (NULL allowed) and answers "stopped". */
static inline void wire_vial_stop(vial_server **srv, struct wire_buf *out)
{
    vial_server_stop(*srv);
    *srv = NULL;
    wire_buf_str(out, "stopped");
}

/* Runs every operation frame of ops[0..len) and returns the text (caller frees). */
static inline char *wire_vial_exec(const char *ops, size_t len, size_t *out_len)
{
    struct wire_buf out = {0};
    vial_request req;
    vial_response res;
    char name[WIRE_MAX_NAME];
    const char *p = ops, *d;
    size_t n;
    vial_request_init(&req);
    vial_response_init(&res);
    wire_buf_add(&out, "", 0);
    while (wire_next(&p, ops + len, name, sizeof name, &d, &n) == 1) {
        char *copy = malloc(n + 1);
        if (copy == NULL)
            break;
        memcpy(copy, d, n);
        copy[n] = '\0';
        wire_vial_op(&out, name, copy, n, &req, &res);
        free(copy);
    }
    vial_request_free(&req);
    vial_response_free(&res);
    *out_len = out.len;
    return out.data;
}
/* How an operation reads as the C call it stands for (wire_vial_show_op). */
enum wire_arg { WIRE_ARG_NONE, WIRE_ARG_STR, WIRE_ARG_NUM, WIRE_ARG_BYTES, WIRE_ARG_PAIR,
                WIRE_ARG_DECODE };

/* Appends `text` quoted and escaped, cut after 200 bytes. */
static inline void wire_show_quoted(struct wire_buf *show, const char *text, size_t len)
{
    wire_buf_str(show, "\"");
    wire_buf_escaped(show, text, len < 200 ? len : 200, 0);
    wire_buf_str(show, len < 200 ? "\"" : "\"...");
}

/* Appends the operation `op` (payload d[0..len), NUL-terminated) as one line of C, the
 * call the driver makes on the learner's vial, for people reading a failure. */
static inline void wire_vial_show_op(struct wire_buf *show, const char *op, const char *d,
                                     size_t len)
{
    static const struct {
        const char *op, *call, *tail;
        enum wire_arg arg;
    } calls[] = {
        {"parse", "vial_parse_request(", ", &req, &consumed)", WIRE_ARG_BYTES},
        {"header", "vial_request_header(&req, ", ")", WIRE_ARG_STR},
        {"arg", "vial_request_arg(&req, ", ")", WIRE_ARG_STR},
        {"decode", "vial_percent_decode(", ", &len)", WIRE_ARG_DECODE},
        {"reason", "vial_reason_phrase(", ")", WIRE_ARG_NUM},
        {"new", "vial_response_init(&res", ")", WIRE_ARG_NONE},
        {"status", "vial_response_set_status(&res, ", ")", WIRE_ARG_NUM},
        {"add", "vial_response_add_header(&res, ", ")", WIRE_ARG_PAIR},
        {"set", "vial_response_set_header(&res, ", ")", WIRE_ARG_PAIR},
        {"get", "vial_response_header(&res, ", ")", WIRE_ARG_STR},
        {"body", "vial_response_set_body(&res, ", ")", WIRE_ARG_BYTES},
        {"append", "vial_response_append(&res, ", ")", WIRE_ARG_BYTES},
        {"serialize", "vial_response_serialize(&res, ", ", &len)", WIRE_ARG_NUM},
    };
    char num[32];
    for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++) {
        if (strcmp(op, calls[i].op) != 0)
            continue;
        wire_buf_str(show, calls[i].call);
        if (calls[i].arg == WIRE_ARG_STR || calls[i].arg == WIRE_ARG_BYTES) {
            wire_show_quoted(show, d, calls[i].arg == WIRE_ARG_STR ? strlen(d) : len);
            snprintf(num, sizeof num, ", %zu", len);
            wire_buf_str(show, calls[i].arg == WIRE_ARG_BYTES ? num : "");
        } else if (calls[i].arg == WIRE_ARG_NUM) {
            wire_buf_str(show, d);
        } else if (calls[i].arg == WIRE_ARG_PAIR) {
            size_t nlen = strlen(d);
            wire_show_quoted(show, d, nlen);
            wire_buf_str(show, ", ");
            wire_show_quoted(show, nlen < len ? d + nlen + 1 : "", nlen < len ? len - nlen - 1 : 0);
        } else if (calls[i].arg == WIRE_ARG_DECODE && len > 0) {
            wire_show_quoted(show, d + 1, len - 1);
            snprintf(num, sizeof num, ", %zu, %c", len - 1, d[0] == '1' ? '1' : '0');
            wire_buf_str(show, num);
        }
        wire_buf_str(show, calls[i].tail);
        wire_buf_str(show, "\n");
        return;
    }
    wire_line_str(show, "unknown operation", op);
}

#ifdef STACKLAB_TAP_H
/* Checker side: runs `ops` on the reference and on the subject and records one test
 * named `test`: ok when both texts are equal, else a failure whose expected/got are the
 * two texts; `input` (may be NULL) is attached to the failure as `input`. */
static inline int wire_vial_check(const char *file, int line, struct wire_peer *peer,
                                  const char *test, const struct wire_buf *ops,
                                  const char *input)
{
    size_t elen = 0, glen = 0;
    char *got = NULL;
    if (wire_call(peer, "ops", ops->data, ops->len, &got, &glen) < 0)
        return wire_fail_dead(file, line, test);
    char *expected = wire_vial_exec(ops->data, ops->len, &elen);
    int pass = expected != NULL && glen == elen && memcmp(got, expected, elen) == 0;
    if (!pass && input != NULL)
        tap_attach("input", input);
    if (pass)
        tap_ok(file, line, 1, "%s", test);
    else
        tap_fail_with(file, line, "your vial's answer differs from the expected one", got,
                      expected ? expected : "", "%s", test);
    free(got);
    free(expected);
    return pass;
}
#define WIRE_VIAL_CHECK(peer, test, ops, input) \
    wire_vial_check(__FILE__, __LINE__, (peer), (test), (ops), (input))

/* Checker side, for a test made of n inputs: ops[i] are the operations of input i and
 * shows[i] how it is shown. Each input is sent on its own; the test passes when every
 * answer equals the reference's, else it fails with the FIRST input that differs, alone:
 * its `input`, expected and got (the inputs after it are not sent). */
static inline int wire_vial_check_each(const char *file, int line, struct wire_peer *peer,
                                       const char *test, const struct wire_buf *ops,
                                       const struct wire_buf *shows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        size_t elen = 0, glen = 0;
        char *got = NULL;
        if (wire_call(peer, "ops", ops[i].data, ops[i].len, &got, &glen) < 0)
            return wire_fail_dead(file, line, test);
        char *expected = wire_vial_exec(ops[i].data, ops[i].len, &elen);
        int same = expected != NULL && glen == elen && memcmp(got, expected, elen) == 0;
        if (!same) {
            char msg[128];
            snprintf(msg, sizeof msg, "your vial's answer differs from the expected one "
                     "(input %zu of %zu)", i + 1, n);
            if (shows[i].data != NULL)
                tap_attach("input", shows[i].data);
            tap_fail_with(file, line, msg, got, expected ? expected : "", "%s", test);
        }
        free(got);
        free(expected);
        if (!same)
            return 0;
    }
    return tap_ok(file, line, 1, "%s", test);
}
#define WIRE_VIAL_CHECK_EACH(peer, test, ops, shows, n) \
    wire_vial_check_each(__FILE__, __LINE__, (peer), (test), (ops), (shows), (n))
#endif /* STACKLAB_TAP_H */
#endif /* VIAL_H */

#endif
