/* wire.h -- the frame protocol between a lab checker and its driver (the subject):
 * a frame is a header line "NAME LENGTH\n" then LENGTH raw bytes; in both programs fd 3
 * reads from the other one and fd 4 writes to it. Header-only so that a driver needs
 * nothing but this file and the learner's code; checker-only helpers are in wire.c.
 * Track-neutral: a track's own executors live in its kit folder (labs/TRACK/kit/, such as
 * the vial track's wire_vial.h). Prefix: wire_. Compiles as C11 + POSIX 2008. */
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

/* The vial track's executors (wire_vial_exec and its helpers) live in
 * labs/vial/kit/wire_vial.h, which reaches the box and the checker of every lab of the
 * vial track and of the tracks built on it: a file that uses them includes it. */

#endif
