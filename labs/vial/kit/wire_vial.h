/* wire_vial.h -- the vial track's shared lab executors, on top of the frame protocol
 * (wire.h): the driver runs them on the learner's vial, the checker on the reference,
 * and the two outputs are compared. A track kit header (docs/course-format.md): it
 * reaches the box and the checker of every lab of the vial track and of the tracks built
 * on it. Include it after vial.h and wire.h; with tap.h included first (a checker) the
 * checking helpers (wire_vial_check) are defined too. Prefix: wire_. */
#ifndef STACKLAB_WIRE_VIAL_H
#define STACKLAB_WIRE_VIAL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vial.h"
#include "wire.h"

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

#endif
