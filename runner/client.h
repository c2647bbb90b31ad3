/* client.h -- the learner program's side of the class server (docs/server.md): the server
 * file that `stacklab login` writes and `stacklab submit` reads, the rule for which URLs
 * may carry a token, and HTTP requests with libcurl whose failures come back in words.
 * Everything a server sends is untrusted: answers are capped, and text meant for a
 * terminal goes through client_clean. Prefix: client_. */
#ifndef STACKLAB_CLIENT_H
#define STACKLAB_CLIENT_H

#include <stddef.h>

/* Where the learner's class is and who they are there. Owns its strings. */
struct client_server {
    char *url;          /* "https://class.example.org" (no trailing '/') */
    char *token;        /* the enrolment's token */
};

/* ${XDG_CONFIG_HOME:-~/.config}/stacklab/server, or NULL when neither names an absolute
 * folder. Caller frees. */
char *client_server_path(void);

/* Reads the server file into *s (free with client_server_free). Returns 0; 1 when there
 * is no file (not logged in; *cause says what to run); -1 when it cannot be read or is
 * malformed (*cause names the file, the line and the problem). */
int client_server_load(struct client_server *s, char **cause);

/* Writes s as the server file (`url URL` and `token TOKEN` lines), mode 0600, atomically,
 * creating its folder (0700). Returns 0, or -1 with an allocated *cause. */
int client_server_save(const struct client_server *s, char **cause);

/* Frees what s owns and zeroes it; accepts a zeroed s. */
void client_server_free(struct client_server *s);

/* 1 when url may carry a token: https://, or http:// to a loopback host (127.0.0.0/8,
 * ::1, localhost), with no user, query or fragment. 0 with an allocated *cause saying
 * why not. */
int client_url_ok(const char *url, char **cause);

/* 1 when token is 1 to 128 characters of [A-Za-z0-9._~+/=-] (nothing that could end a
 * header line). */
int client_token_ok(const char *token);

/* An answer of the server. Owns body. */
struct client_reply {
    long status;        /* the HTTP status */
    char *body;         /* NUL-terminated; "" when empty */
    size_t len;
};
void client_reply_free(struct client_reply *r);

/* Largest answer read; a longer one is a failure. */
#define CLIENT_MAX_ANSWER ((size_t)16 << 20)

/* Sends one request: method "GET" or "POST" to url, with `Authorization: Bearer token`
 * unless token is NULL (then url need not pass client_url_ok; with a token it must), and
 * body (len bytes of type ctype; NULL for none). No redirect is followed; no proxy is
 * used for http://; timeouts: 10 s to connect, 60 s in all. Returns 0 with *r filled
 * whatever the status (caller frees with client_reply_free), or -1 with an allocated
 * *cause in words ("cannot reach URL: Connection refused"). */
int client_request(const char *method, const char *url, const char *token,
                   const char *ctype, const void *body, size_t len, struct client_reply *r,
                   char **cause);

/* The words for an answer that is not a success: "the server answered 413: too large"
 * from its {"error": "..."} (cleaned), or "the server answered 502" when it gives none.
 * Caller frees. */
char *client_error(const struct client_reply *r);

struct cJSON;
/* Posts the JSON object in (not taken) to url with `Authorization: Bearer token` under
 * client_request's rules. Returns the HTTP status with *out set to the answer when it is
 * a JSON object (caller frees with cJSON_Delete), else NULL (an empty answer, or one
 * that is not a 2xx: *cause then holds client_error's words). Returns -1 with *cause
 * when there was no answer, or a 2xx answer with a body that is no JSON object. */
long client_post_json(const char *url, const char *token, const struct cJSON *in,
                      struct cJSON **out, char **cause);

/* A copy of untrusted text s fit for one line of a terminal: control characters escaped
 * as term_escape_controls does, newlines and tabs as spaces, cut at max bytes (with
 * "..."). NULL gives "". Caller frees. */
char *client_clean(const char *s, size_t max);

#endif
