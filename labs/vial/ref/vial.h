/* vial.h -- the whole public API of vial, a small Flask-like web framework in C on
 * libmicrohttpd. You write it lab by lab: this header is its reference manual.
 * Every public name starts with vial_. Lab numbers are given as [lab NN].
 *
 * Shape of a request's life (compare Flask/WSGI):
 *
 *   bytes or libmicrohttpd --> vial_request --> vial_app_dispatch() --> vial_response
 *        (parser / server)                     (router, hooks, view)      (serializer)
 *
 * The dispatcher knows nothing about sockets or libmicrohttpd, so the same app can be
 * driven by the server [lab 03] or by the in-process test client [lab 11].
 *
 * Conventions
 *   - Functions returning int return 0 on success and -1 on failure, unless the comment
 *     says they return an HTTP status.
 *   - Strings handed to vial are copied; strings vial returns from an object belong to
 *     that object (valid until it is changed or freed) unless the comment says
 *     "caller frees".
 *   - Every *_free function accepts NULL.
 *   - Compiles as C11 with -D_POSIX_C_SOURCE=200809L. */
#ifndef VIAL_H
#define VIAL_H

#include <stddef.h>

/* ---- limits ---------------------------------------------------------------------- */

#define VIAL_MAX_METHOD       15     /* longest method name, in characters */
#define VIAL_MAX_TARGET       2048   /* longest request-target; longer gives 414 */
#define VIAL_MAX_HEADERS      64     /* most header lines; more gives 431 */
#define VIAL_MAX_HEADER_BYTES 8192   /* all header lines with their CRLFs; more gives 431 */
#define VIAL_MAX_BODY_DEFAULT (1024 * 1024) /* default body limit; larger gives 413 */

/* ---- name/value lists [given] -----------------------------------------------------
 * Headers, query arguments, cookies, form fields, view arguments and template-free
 * settings are all kept in this one type. Order of insertion is kept and repeated
 * names are kept (a query "?tag=a&tag=b" gives two pairs named "tag"). */

struct vial_pair {
    char *name;     /* owned, NUL-terminated */
    char *value;    /* owned, NUL-terminated; NULL for a flag such as "?debug" */
};

typedef struct vial_pairs {
    struct vial_pair *items;
    size_t len, cap;
} vial_pairs;

/* Empties a list that was zeroed or freed. Never fails. */
void vial_pairs_init(vial_pairs *p);
/* Releases every pair; the list is empty (and reusable) afterwards. */
void vial_pairs_free(vial_pairs *p);
/* Appends copies of name[0..nlen) and value[0..vlen) (value NULL: a flag). The copies
 * are NUL-terminated; bytes are copied as they are. Returns 0, or -1 when out of memory. */
int vial_pairs_add(vial_pairs *p, const char *name, size_t nlen,
                   const char *value, size_t vlen);
/* Same with NUL-terminated strings. */
int vial_pairs_adds(vial_pairs *p, const char *name, const char *value);
/* Value of the first pair named exactly `name` (case-sensitive). Returns NULL when there
 * is none, and also for a flag: use vial_pairs_has to tell them apart. */
const char *vial_pairs_get(const vial_pairs *p, const char *name);
/* 1 when a pair named exactly `name` exists (even as a flag), else 0. */
int vial_pairs_has(const vial_pairs *p, const char *name);
/* Index of the next pair named `name` at or after `from`, or -1. Walks repeated keys:
 *   for (long i = vial_pairs_next(p, "tag", 0); i >= 0; i = vial_pairs_next(p, "tag", i + 1)) */
long vial_pairs_next(const vial_pairs *p, const char *name, size_t from);
/* Removes every pair named exactly `name`; returns how many were removed. */
size_t vial_pairs_remove(vial_pairs *p, const char *name);

/* ---- the request ------------------------------------------------------------------ */

typedef struct vial_app vial_app;             /* opaque; app.c */
typedef struct vial_session vial_session;     /* opaque; session.c [lab 10] */

typedef struct vial_request {
    char method[VIAL_MAX_METHOD + 1]; /* "GET", "POST", ... as received (uppercase) */
    char *target;         /* the raw request-target, e.g. "/a%20b?x=1" */
    char *path;           /* percent-decoded path, e.g. "/a b" (no query) */
    char *query_string;   /* raw text after '?', "" when there is none */
    int http_minor;       /* 1 for HTTP/1.1, 0 for HTTP/1.0 */
    vial_pairs headers;   /* names as received; use vial_request_header() to look up */
    vial_pairs args;      /* decoded query arguments; value NULL for "?flag" */
    vial_pairs cookies;   /* [lab 04] from the Cookie header(s) */
    vial_pairs form;      /* [lab 04] from an application/x-www-form-urlencoded body */
    char *body;           /* owned; NULL when there is none, else NUL-terminated for
                             convenience (body[body_len] == 0) */
    size_t body_len;
    /* Filled by the dispatcher [labs 03, 05]: */
    vial_app *app;        /* the app handling this request (not owned) */
    char *endpoint;       /* matched endpoint, e.g. "show_post" or "blog.index"; owned */
    vial_pairs view_args; /* converter values as canonical text, e.g. id -> "42" */
    vial_session *session;/* [lab 10] loaded on first use; owned */
    void *g;              /* per-request data for your hooks and views (Flask's g);
                             vial never touches it: free it in a teardown hook */
} vial_request;

/* Makes an empty request (all lists empty, strings NULL, method ""). Never fails. */
void vial_request_init(vial_request *req);
/* Frees everything the request owns and leaves it as after vial_request_init. */
void vial_request_free(vial_request *req);

/* [lab 01] Parses one HTTP/1.1 request from buf[0..len) into `req`, which must be freshly
 * initialised. Returns 0 on success, or the HTTP status the server should answer with:
 *   400  malformed: no CRLF after the request line; not exactly METHOD SP TARGET SP
 *        VERSION; method empty, longer than VIAL_MAX_METHOD or not all A-Z; target not
 *        starting with '/' (vial takes only the origin form: no "http://host/x", no
 *        "*") or holding a byte outside 0x21..0x7e; a bad %XX escape or an escape
 *        decoding to byte 0 (path and query); a header line without ':' or with an empty
 *        name, a name holding a non-token byte or whitespace before the ':'; a header
 *        value with a control byte other than TAB; a line starting with SP/TAB (obsolete
 *        folding); a bare CR or LF; the head not ending with an empty line; an HTTP/1.1
 *        request without a Host header, or any request with more than one (RFC 9112
 *        3.2); Content-Length not all digits, repeated, or more body bytes promised
 *        than given
 *   414  target longer than VIAL_MAX_TARGET (checked before the target's contents)
 *   431  more than VIAL_MAX_HEADERS header lines, or header lines longer than
 *        VIAL_MAX_HEADER_BYTES in all (counting each line's CRLF)
 *   501  a Transfer-Encoding header, whatever its value: this parser implements no
 *        transfer coding, not even chunked (RFC 9112 6.1), so the bytes of a coded body
 *        are never read as the next request
 *   505  version is "HTTP/" DIGIT "." DIGIT but not HTTP/1.0 or HTTP/1.1
 *        (any other version text is 400)
 *   413  Content-Length larger than VIAL_MAX_BODY_DEFAULT
 * Checks happen in reading order: request line (method, target, version), then each
 * header line in turn (limits first, then its syntax), then Host, then
 * Transfer-Encoding, then the body; the first problem found decides the status.
 * Header values are stored without surrounding SP/TAB. The served path [labs 03, 04]
 * keeps the same contract (see vial_server_start).
 * The path is percent-decoded ("+" stays "+"); the query is split on '&' into args,
 * each "k=v" or a flag "k", with %XX and '+' (as space) decoded; empty pieces are
 * skipped. On success *consumed (if not NULL) gets the bytes used, head and body.
 * On error `req` may hold partial data; vial_request_free() releases it. */
int vial_parse_request(const char *buf, size_t len, vial_request *req, size_t *consumed);

/* [lab 01] Decodes %XX escapes of s[0..len) into a new NUL-terminated string (caller
 * frees); with plus_is_space, '+' becomes ' '. Returns NULL for a bad escape, an escape
 * decoding to byte 0, or out of memory. *out_len (if not NULL) gets the decoded length. */
char *vial_percent_decode(const char *s, size_t len, int plus_is_space, size_t *out_len);

/* [lab 01] Value of the first header named `name`, compared without regard to case
 * ("content-type" finds "Content-Type"). NULL when absent. */
const char *vial_request_header(const vial_request *req, const char *name);
/* [lab 01] Value of the first query argument `name` (case-sensitive), or NULL. */
const char *vial_request_arg(const vial_request *req, const char *name);

/* [lab 04] Parses the request's Cookie header(s) ("a=1; b=2") into req->cookies; pairs
 * without '=' are skipped, names and values are trimmed of spaces, a value in double
 * quotes loses them. Returns the number of cookies, or -1 when out of memory. */
int vial_request_parse_cookies(vial_request *req);
/* [lab 04] Value of cookie `name`, or NULL. */
const char *vial_request_cookie(const vial_request *req, const char *name);
/* [lab 04] Appends body bytes as they arrive (the server gets a body in many pieces).
 * Returns 0, 413 when the body would pass `limit` bytes (nothing is appended), or 500
 * when out of memory. */
int vial_request_append_body(vial_request *req, const char *data, size_t len, size_t limit);
/* [lab 04] Parses an application/x-www-form-urlencoded body into req->form (same rules as
 * the query). Does nothing for other content types. Returns 0 or 400 for a bad escape. */
int vial_request_parse_form(vial_request *req);
/* [lab 05] Text of view argument `name` (e.g. "42" for /post/<int:id>), or NULL. */
const char *vial_view_arg(const vial_request *req, const char *name);
/* [lab 05] View argument as a number; returns `dflt` when absent or not a number. */
long long vial_view_arg_int(const vial_request *req, const char *name, long long dflt);
double vial_view_arg_float(const vial_request *req, const char *name, double dflt);

/* ---- the response [lab 02] ---------------------------------------------------------- */

typedef struct vial_response {
    int status;           /* 200 after init */
    vial_pairs headers;   /* in the order they will be sent */
    char *body;           /* owned; may hold any bytes, including 0 */
    size_t body_len;
} vial_response;

/* Makes an empty "200 OK" response with no headers and no body. Never fails. */
void vial_response_init(vial_response *res);
/* Frees what the response owns and leaves it as after vial_response_init. */
void vial_response_free(vial_response *res);
/* Sets the status. Returns -1 (status unchanged) unless 100 <= status <= 599. */
int vial_response_set_status(vial_response *res, int status);
/* Appends a header. Refuses (returns -1, response unchanged) a name that is empty or has
 * a byte that is not a token character (letters, digits, !#$%&'*+-.^_`|~), and a value
 * holding CR, LF or byte 0 -- that is what stops response splitting. */
int vial_response_add_header(vial_response *res, const char *name, const char *value);
/* Like add, but first removes every header with that name, compared without regard to
 * case. Same refusals (nothing removed when refused). */
int vial_response_set_header(vial_response *res, const char *name, const char *value);
/* Value of the first header `name` (case-insensitive), or NULL. */
const char *vial_response_header(const vial_response *res, const char *name);
/* Replaces the body with a copy of data[0..len). Returns 0 or -1 (out of memory). */
int vial_response_set_body(vial_response *res, const void *data, size_t len);
/* Appends to the body. Returns 0 or -1. */
int vial_response_append(vial_response *res, const void *data, size_t len);
/* Appends printf-style text to the body. Returns 0 or -1. */
int vial_response_printf(vial_response *res, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Sets status, Content-Type and body in one go (e.g. 200, "text/plain", "hi"). */
int vial_response_text(vial_response *res, int status, const char *content_type,
                       const char *text);
/* Reason phrase of a status: "OK", "Not Found", ... the standard phrases of RFC 9110
 * (plus 429 "Too Many Requests", 431 "Request Header Fields Too Large"). Any other
 * status gives "Unknown". Never NULL. */
const char *vial_reason_phrase(int status);
/* Serializes the response as HTTP/1.1 bytes:
 *   "HTTP/1.1 " STATUS " " REASON CRLF, then each header "Name: value" CRLF in order,
 *   except any Content-Length the caller set (it is always computed), then
 *   "Content-Length: " LEN CRLF, then CRLF, then the body.
 * Status 1xx, 204 and 304 get neither Content-Length nor body. With include_body == 0
 * (answers to HEAD) the Content-Length is still the body's but the body is left out.
 * Returns an allocated buffer (caller frees; NUL-terminated for convenience) and its
 * length in *len, or NULL when out of memory. */
char *vial_response_serialize(const vial_response *res, int include_body, size_t *len);
/* [lab 11] Parses serialized response bytes back into `res` (freshly initialised): the
 * status line, headers and a body of Content-Length bytes. Returns 0 or -1. */
int vial_parse_response(const char *buf, size_t len, vial_response *res);

/* ---- the app, views and dispatch [lab 03] --------------------------------------------- */

/* A view fills `res` for `req`. Return 0 when the response is ready, or an HTTP error
 * status (400..599) to abort: the app then builds the error response, through an error
 * handler if one is registered [lab 07]. Any other return value counts as 500. */
typedef int (*vial_view)(vial_request *req, vial_response *res);

/* Creates an app. `name` is used in logs. Returns NULL when out of memory.
 * Caller frees with vial_app_free(). */
vial_app *vial_app_new(const char *name);
/* Frees the app, its rules, blueprints, hooks, templates and config. */
void vial_app_free(vial_app *app);
/* Your data for views (reachable as req->app): set and get. vial never frees it. */
void vial_app_set_user(vial_app *app, void *user);
void *vial_app_user(const vial_app *app);

/* Registers a view for a URL rule. `methods` is a comma-separated list ("GET,POST");
 * NULL means "GET". `endpoint` names the rule for vial_url_for (NULL: the rule text).
 * Rules are plain paths ("/about") [lab 03] or hold converters [lab 05]:
 *   <name> or <string:name>  one segment, no '/'
 *   <int:name>               digits only, fits in a long long; no sign, so no negatives
 *   <float:name>             digits '.' digits
 *   <path:name>              the rest of the path, '/' included
 *   <uuid:name>              8-4-4-4-12 hex digits
 * Returns 0, or -1 for a rule not starting with '/', a bad converter, an endpoint
 * already used by another view, or out of memory. */
int vial_app_route(vial_app *app, const char *methods, const char *rule,
                   const char *endpoint, vial_view view);

/* The dispatcher: turns a request into a response, with no socket involved.
 * Sets req->app and req->endpoint, runs before-request hooks, the matched view,
 * error handling, after-request hooks (in reverse order of registration) and teardown
 * hooks (always), and saves the session [lab 10].
 * Without a matching rule: 404 [lab 03]; a rule matching the path but not the method:
 * 405 with an Allow header [lab 05]; HEAD runs the GET view and OPTIONS answers with
 * Allow automatically [lab 05]. An error response has a short text/plain body such as
 * "404 Not Found" and never shows internal details.
 * Returns the final status (also in res->status). */
int vial_app_dispatch(vial_app *app, vial_request *req, vial_response *res);

/* [lab 11] Parses raw request bytes (lab 01), dispatches them, and serializes the answer
 * (lab 02). A malformed request gets its 4xx/5xx answer. Returns allocated bytes (caller
 * frees) with their length in *out_len, or NULL when out of memory. */
char *vial_app_handle_raw(vial_app *app, const char *raw, size_t len, size_t *out_len);

/* ---- the server [lab 03] -------------------------------------------------------------- */

typedef struct vial_server vial_server;        /* opaque; server.c */

struct vial_server_options {
    const char *host;     /* numeric IPv4 address to bind; NULL means "127.0.0.1" */
    int port;             /* 0: the system picks a free (ephemeral) port */
    int threads;          /* 0 or 1: one internal polling thread; >1: a pool [lab 11] */
    int timeout_sec;      /* drop a connection idle this long; 0: 30 s [lab 11] */
    size_t max_body;      /* larger bodies get 413 before being read; 0: default [lab 04] */
};

/* Starts serving `app` with libmicrohttpd in background thread(s) and returns at once.
 * A served request is held to the contract of vial_parse_request, so the same bytes get
 * the same answer on both paths:
 *   - [lab 03] the request line (raw target as sent) goes through vial_parse_request
 *     itself: the same 400, 414 and 505, the same target, path, query_string and args,
 *     and http_minor 0 for HTTP/1.0;
 *   - [lab 04] the header lines as libmicrohttpd hands them over get the parser's
 *     checks in its order: 431 (each line counted as "Name: value" CRLF), 400 for a bad
 *     name or value, 400 for Host missing in HTTP/1.1 or repeated, 400 for a repeated
 *     Content-Length, 413 past max_body. These are answered before the body is read,
 *     and the connection is closed.
 * Transfer-Encoding is where the paths differ: libmicrohttpd decodes chunked bodies, so
 * the served path takes exactly one "Transfer-Encoding: chunked" (any case) on
 * HTTP/1.1 without Content-Length; any other value, or two such headers, is 501, and
 * chunked on HTTP/1.0 or beside Content-Length is 400. The raw path answers 501 to any
 * Transfer-Encoding. libmicrohttpd itself answers (with its own HTML body) a head too
 * large for its buffer (414 or 431), a version that is not HTTP/1.x (505) and a
 * Content-Length that is not a number (400), and reads line ends and folded lines its
 * own way, before vial sees the request.
 * opt NULL means all defaults. The app must outlive the server. Returns the server
 * (stop it with vial_server_stop), or NULL with an allocated message in *cause (caller
 * frees; cause may be NULL) when the address is bad or the port is taken. */
vial_server *vial_server_start(vial_app *app, const struct vial_server_options *opt,
                               char **cause);
/* The port actually bound (useful with port 0), or -1. */
int vial_server_port(const vial_server *srv);
/* Stops accepting, waits for requests in flight, frees the server. Accepts NULL. */
void vial_server_stop(vial_server *srv);
/* [lab 11] Starts the server and blocks until SIGINT or SIGTERM, then stops it cleanly.
 * Prints "serving on http://HOST:PORT/" to stderr. Returns 0, or -1 when it could not
 * start. */
int vial_run(vial_app *app, const struct vial_server_options *opt);

/* ---- reverse routing and redirects [lab 06] ---------------------------------------------- */

/* Builds the URL of `endpoint` from NULL-terminated name, value string pairs:
 *   vial_url_for(app, "show_post", "id", "42", "page", "2", NULL) -> "/post/42?page=2"
 * Values fill the rule's converters (each must be valid for its converter) and are
 * percent-encoded (a path converter keeps its '/'); names the rule does not use go to
 * the query string in the order given. Returns an allocated string (caller frees) or
 * NULL for an unknown endpoint, a missing or invalid value, or out of memory. */
char *vial_url_for(const vial_app *app, const char *endpoint, ...);
/* Same with the arguments in a list. */
char *vial_url_for_pairs(const vial_app *app, const char *endpoint, const vial_pairs *args);
/* Percent-encodes every byte but A-Z a-z 0-9 - . _ ~ (and '/' when keep_slash).
 * Returns an allocated string (caller frees) or NULL. */
char *vial_percent_encode(const char *s, int keep_slash);
/* Makes `res` a redirect to a local `location` with `status` (0 means 302; else one of
 * 301, 302, 303, 307, 308) and a small HTML body. Refuses (-1, res unchanged) a location
 * holding CR, LF or byte 0, and any that is not a local path: it must start with one '/'
 * and not "//" or "/\" (those reach other hosts: open redirects). */
int vial_redirect(vial_response *res, const char *location, int status);

/* ---- hooks and errors [lab 07] --------------------------------------------------------------- */

/* A hook sees the request and response. Before-request hooks return 0 to go on, or an
 * HTTP status to stop: 200..399 means `res` is the answer (the view is skipped),
 * 400..599 aborts with that status. After-request hooks may change `res`; they return 0
 * or an error status. Teardown hooks always run last, even after errors; their return
 * value is ignored. */
typedef int (*vial_hook)(vial_request *req, vial_response *res);

int vial_app_before_request(vial_app *app, vial_hook hook);
int vial_app_after_request(vial_app *app, vial_hook hook);
int vial_app_teardown_request(vial_app *app, vial_hook hook);
/* Registers the view that builds the response for error `status` (400..599). It is
 * called with res->status already set to status and an empty body; if it fails itself,
 * the plain error response is used. */
int vial_app_errorhandler(vial_app *app, int status, vial_view handler);
/* Turns `res` into the plain error response for status ("404 Not Found" as text/plain)
 * and returns status, so a view can `return vial_abort(res, 404);`. */
int vial_abort(vial_response *res, int status);

/* ---- blueprints and static files [lab 08] ----------------------------------------------------- */

typedef struct vial_blueprint vial_blueprint;  /* opaque; blueprint.c */

/* Creates a blueprint named `name` (no '.'), whose rules get `url_prefix` ("/blog",
 * NULL or "" for none) and whose endpoints are "name.endpoint". Returns NULL on a bad
 * name or out of memory. Free it with vial_blueprint_free unless registered. */
vial_blueprint *vial_blueprint_new(const char *name, const char *url_prefix);
void vial_blueprint_free(vial_blueprint *bp);
/* Like vial_app_route, for the blueprint. */
int vial_blueprint_route(vial_blueprint *bp, const char *methods, const char *rule,
                         const char *endpoint, vial_view view);
/* A before-request hook that runs only for the blueprint's rules. */
int vial_blueprint_before_request(vial_blueprint *bp, vial_hook hook);
/* Adds the blueprint's rules to the app; the app owns the blueprint from then on (also
 * on failure). Returns -1 when a name or endpoint clashes. */
int vial_app_register_blueprint(vial_app *app, vial_blueprint *bp);

/* Serves the files under `folder` at url_prefix/<path:filename> (endpoint "static").
 * Returns 0 or -1. */
int vial_app_static(vial_app *app, const char *url_prefix, const char *folder);
/* Fills `res` with the regular file `relpath` under `folder` and its Content-Type.
 * Returns 0, or 404 for anything that would leave the folder ("..", an absolute path,
 * byte 0, a symbolic link pointing outside), a missing file or a non-regular file. */
int vial_send_file(vial_response *res, const char *folder, const char *relpath);
/* MIME type from a file name's extension (".html" -> "text/html; charset=utf-8",
 * ".css", ".js", ".json", ".png", ".jpg", ".gif", ".svg", ".txt", ".ico", ...);
 * "application/octet-stream" when unknown. Never NULL. */
const char *vial_mime_type(const char *filename);

/* ---- templates [lab 09] ------------------------------------------------------------------------- */

/* A template context: names bound to strings or to lists of child contexts.
 *   {{ name }}  {{ user.name|upper }}  {% if x %}..{% else %}..{% endif %}
 *   {% for f in fortunes %}{{ f.message }}{% endfor %}
 *   {% extends "base.html" %}  {% block title %}..{% endblock %}
 * Filters: upper, lower, trim, length, safe, escape (e), default("text").
 * Output is HTML-escaped (& < > " ' as &amp; &lt; &gt; &#34; &#39;) unless the value was
 * set with vial_ctx_set_safe or passes through |safe; escaping is never applied twice.
 * Truth: a missing name, "" and an empty list are false; everything else is true.
 * [lab 19] Django's spellings too: {% empty %} for a for's {% else %}; forloop.counter,
 * counter0, revcounter, revcounter0, first and last (True or False, False being false)
 * of the innermost loop; {{ block.super }}, inside a block, the body the template it
 * extends gives that block, rendered (a safe value; "" when none does). */
typedef struct vial_ctx vial_ctx;              /* opaque; template.c */

vial_ctx *vial_ctx_new(void);                  /* NULL when out of memory */
void vial_ctx_free(vial_ctx *ctx);             /* frees child contexts too */
int vial_ctx_set(vial_ctx *ctx, const char *name, const char *value);
int vial_ctx_set_safe(vial_ctx *ctx, const char *name, const char *html);
int vial_ctx_set_int(vial_ctx *ctx, const char *name, long long value);
/* Appends a new empty child context to list `name` (creating the list) and returns it
 * for you to fill; the parent owns it. NULL when out of memory. */
vial_ctx *vial_ctx_list_add(vial_ctx *ctx, const char *name);

/* Renders template text. `name` is used in error messages. Templates it extends are
 * looked up in the app (may be NULL when none are used). Returns the allocated output
 * (caller frees) or NULL with an allocated "name:line: message" in *err (caller frees)
 * for a syntax error, an unknown filter, a missing parent or an extends cycle. */
char *vial_render_string(const vial_app *app, const char *name, const char *source,
                         const vial_ctx *ctx, char **err);
/* Adds an in-memory template, or sets a folder to load "name" from (name may not hold
 * ".." or start with '/'). Return 0 or -1. */
int vial_app_add_template(vial_app *app, const char *name, const char *source);
int vial_app_template_folder(vial_app *app, const char *folder);
/* Renders template `name` into `res` as text/html. Returns 0, or 500 on any error
 * (the details go to stderr, not to the client). */
int vial_render(vial_response *res, const vial_app *app, const char *name,
                const vial_ctx *ctx);

/* ---- tags and filters of your own [lab 19] ---------------------------------------------
 * Django's Library.tag and Library.filter, on this engine. A tag {% NAME arg ... %}
 * takes arguments separated by blanks, each an expression as in {{ }} (a quoted string
 * or a dotted name, with filters) or KEY=expression. They are parsed with the template
 * (a tag or filter not registered on the app when the template is parsed is unknown,
 * an error as before) and evaluated where the tag stands, loop variables included: a
 * missing value is "". At most VIAL_TPL_MAX_EXT tags and as many filters per app; a
 * name registered again is replaced. Both return 0, or -1 for a NULL argument, a name
 * that is not an identifier (or longer than 31 bytes), a built-in's name or a full
 * table. */
#define VIAL_TPL_MAX_EXT 16
typedef struct vial_tag_call vial_tag_call;    /* one tag being rendered; template.c */
/* keys[i] is the KEY of argument i, NULL for a positional one; values[i] its value.
 * Returns 0, or -1 to stop the render (after vial_tag_error, or "tag 'NAME' failed"). */
typedef int (*vial_tag_fn)(vial_tag_call *call, int argc, const char *const *keys,
                           const char *const *values, void *user);
int vial_template_add_tag(vial_app *app, const char *name, vial_tag_fn fn, void *user);
/* {{ x|NAME }} or {{ x|NAME("arg") }}: the new value (allocated; vial frees it) of
 * value (a missing value is "") and arg (NULL without one), or NULL for a missing
 * value. *safe says whether value was safe; the filter sets it for its result (left
 * alone: unchanged, Django's is_safe=True). */
typedef char *(*vial_filter_fn)(const char *value, const char *arg, int *safe, void *user);
int vial_template_add_filter(vial_app *app, const char *name, vial_filter_fn fn, void *user);
/* For a tag's function, during its call. write appends html as it is (escape what the
 * tag did not write itself); include renders template `name` of the app here, with
 * the same context and loop variables (Django's include); lookup gives the value of a
 * dotted name there (NULL when missing; valid until the next lookup or the end of the
 * call); error makes the render fail with "TEMPLATE:LINE: message". Each returns 0 or
 * -1 (-1 always for error). */
int vial_tag_write(vial_tag_call *call, const char *html);
int vial_tag_include(vial_tag_call *call, const char *name);
const char *vial_tag_lookup(vial_tag_call *call, const char *name);
int vial_tag_error(vial_tag_call *call, const char *message);
const vial_app *vial_tag_app(const vial_tag_call *call);
/* [lab 19] vial_url_for with Django's reverse(args, kwargs): values whose key is NULL
 * fill the rule's converters in the rule's order, the others are named; a name the rule
 * does not use goes to the query string. NULL for an unknown endpoint, too many or too
 * few values, an invalid one, or out of memory. Caller frees. */
char *vial_url_for_args(const vial_app *app, const char *endpoint, int argc,
                        const char *const *keys, const char *const *values);

/* ---- sessions and config [lab 10] ------------------------------------------------------------- */

/* Config values are strings. Known names: SECRET_KEY (signs sessions), OLD_SECRET_KEYS
 * (comma-separated keys still accepted: key rotation), SESSION_COOKIE_NAME ("session"),
 * SESSION_LIFETIME (seconds, 2678400), SESSION_COOKIE_SECURE ("0"),
 * SESSION_COOKIE_SAMESITE ("Lax"), MAX_CONTENT_LENGTH (bytes). */
int vial_config_set(vial_app *app, const char *name, const char *value);
/* Value of a setting, or NULL when unset. */
const char *vial_config_get(const vial_app *app, const char *name);
/* A setting as a number; `dflt` when unset or not a number. */
long long vial_config_int(const vial_app *app, const char *name, long long dflt);
/* Loads every environment variable starting with `prefix` ("MYAPP_SECRET_KEY" with prefix
 * "MYAPP_" sets SECRET_KEY). Returns the number of settings loaded, or -1. */
int vial_config_from_env(vial_app *app, const char *prefix);

/* The session: a signed cookie "base64url(payload).expiry.base64url(HMAC-SHA256)".
 * A missing, tampered, truncated or expired cookie gives an empty session. The cookie
 * is re-sent (HttpOnly, SameSite, Path=/) only when the session changed. */
const char *vial_session_get(vial_request *req, const char *name);
int vial_session_set(vial_request *req, const char *name, const char *value);
int vial_session_remove(vial_request *req, const char *name);
int vial_session_clear(vial_request *req);
/* Flash messages: stored in the session until the next request reads them. */
int vial_flash(vial_request *req, const char *category, const char *message);
/* Moves the pending flash messages into *out (category -> message); returns how many. */
int vial_get_flashed(vial_request *req, vial_pairs *out);
/* The signing itself, usable alone. encode returns an allocated cookie value (caller
 * frees) or NULL. decode fills `out` and returns 0 when the signature verifies (compared
 * in constant time) with `key` or one of `old_keys` (NULL-terminated, may be NULL) and
 * the expiry (unix seconds) is after `now`; otherwise -1 with `out` left empty. */
char *vial_session_encode(const vial_pairs *data, const char *key, long long expires);
int vial_session_decode(const char *cookie, const char *key, const char *const *old_keys,
                        long long now, vial_pairs *out);

/* ---- the test client [lab 11] ------------------------------------------------------------------- */

typedef struct vial_client vial_client;       /* opaque; testclient.c */

/* An in-process client for `app` (not owned) that keeps cookies between requests, like
 * Flask's test client. NULL when out of memory. */
vial_client *vial_client_new(vial_app *app);
void vial_client_free(vial_client *c);
/* Sends one request: builds the raw bytes (adding Host, Cookie and Content-Length),
 * runs them through vial_app_handle_raw and parses the answer into `out` (freshly
 * initialised; caller frees with vial_response_free). headers may be NULL; body may be
 * NULL when body_len is 0. Returns the status, or -1 on failure. */
int vial_client_open(vial_client *c, const char *method, const char *target,
                     const vial_pairs *headers, const void *body, size_t body_len,
                     vial_response *out);
int vial_client_get(vial_client *c, const char *target, vial_response *out);
int vial_client_post(vial_client *c, const char *target, const char *content_type,
                     const void *body, size_t body_len, vial_response *out);

#endif
