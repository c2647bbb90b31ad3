/* client.h -- the learner program's side of the class server (docs/server.md): the server
 * file that `stacklab login` writes and `stacklab submit` reads, the rule for which URLs
 * may carry a token, HTTP requests with libcurl whose failures come back in words, and
 * (client-course.c) the class's course fetched as a learner bundle and the server's view
 * of the learner's progress. Everything a server sends is untrusted: answers are capped,
 * and text meant for a terminal goes through client_clean. Prefix: client_. */
#ifndef STACKLAB_CLIENT_H
#define STACKLAB_CLIENT_H

#include <stddef.h>
#include <stdint.h>

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

/* ---- client-course.c: the class's course and the server's view of progress ---------- */

/* Where the learner's copy of the class course at url lives:
 * ${XDG_DATA_HOME:-~/.local/share}/stacklab/class/HOST_PORT/course (HOST_PORT: the host
 * in lower case, characters other than [a-z0-9.-] as '-', '_', the port). NULL with an
 * allocated *cause when url is not a URL or neither variable names an absolute folder.
 * Caller frees. */
char *client_course_path(const char *url, char **cause);

/* The class course of the learner logged in, when the server file reads and the folder
 * exists: its path (caller frees); else NULL (not logged in, never fetched, a bad server
 * file: the commands that need the server say why). course_locate's second choice. */
char *client_course_current(void);

/* Fetches the learner's bundle (GET /api/v1/bundle) from s and unpacks it into a fresh
 * folder beside client_course_path, then swaps that in for the old one (one rename where
 * the file system can exchange two; the old one is removed). Returns 0 with *path
 * (caller frees) and *upto (the bundle's lab), or -1 with an allocated *cause in words and
 * *user_fault set for a 4xx (a dropped token: log in again); the old course is then left
 * as it was. */
int client_course_fetch(const struct client_server *s, char **path, int *upto,
                        char **cause, int *user_fault);

/* One lab as the server sees the learner's work on it. */
struct client_progress_lab {
    char lab[16];           /* its id: letters, digits, '-' */
    int attempts;           /* submissions of it */
    int passed;             /* 1 once a submission passed it */
    int best_passed, total; /* the most tests one result passed, of total */
    int64_t last;           /* time of the latest submission; 0 never */
    int64_t due;            /* the lab's deadline in the class; -1 none */
    int passed_on_time;     /* 1 when a submission made by the deadline passed (with no
                             * deadline: passed) */
};

/* The server's view of the learner (GET /api/v1/progress). Owns its strings, cleaned
 * for a terminal. */
struct client_progress {
    char *learner, *class_name;
    char current[16];       /* the learner's current lab on the server; "" none */
    struct client_progress_lab *labs;   /* in course order */
    size_t nlabs;
};

/* Reads the server's progress of the learner s names into *p (free with
 * client_progress_free). Returns 0, or -1 with an allocated *cause (unreachable, an
 * error answer, a malformed one naming the field: "labs[1].passed: not a boolean") and
 * *user_fault for a 4xx. */
int client_progress_get(const struct client_server *s, struct client_progress *p,
                        char **cause, int *user_fault);
/* Frees what p owns and zeroes it; accepts a zeroed p. */
void client_progress_free(struct client_progress *p);

/* The learner's standing at one of the class's exams (GET /api/v1/exams). Owns title,
 * cleaned for a terminal. */
struct client_exam_standing {
    char id[32];
    char *title;
    int minutes, questions, pass;
    int attempts;           /* sittings allowed; 0 no limit */
    int used;               /* submitted sittings */
    int best;               /* best percent; -1 none */
    int passed;             /* 1 once a sitting passed */
    int open;               /* 1 while a sitting is open */
};
/* Reads the learner's exams from the server s names into *out (free with
 * client_exams_free(*out, *n)) and *n. 0, or -1 with an allocated *cause (naming a
 * malformed field: "exams[0].used: missing") and *user_fault for a 4xx. */
int client_exams_get(const struct client_server *s, struct client_exam_standing **out,
                     size_t *n, char **cause, int *user_fault);
/* Frees the n entries' titles and e; accepts NULL. */
void client_exams_free(struct client_exam_standing *e, size_t n);

/* ---- client-exam.c: a sitting of an exam kept on the class server ------------------- */

struct client_exam;
struct examrun;

/* Starts or resumes the learner's sitting of exam `name` on the server s names (POST
 * /api/v1/exams/NAME/sitting) and makes it a run (client_exam_run) whose answers, flags
 * and submission go to the server, with its clock counting down the server's remaining
 * time. A request without an answer or with a 5xx is tried again after 1, 2 and 4 s.
 * Returns 0 with *out (free with client_exam_free; s must outlive it), or -1 with an
 * allocated *cause and *user_fault set for a 4xx (no such exam, no attempts left, a
 * dropped token) or a bad name. */
int client_exam_begin(const struct client_server *s, const char *name,
                      struct client_exam **out, char **cause, int *user_fault);
/* The sitting's run: owned by ce. */
struct examrun *client_exam_run(struct client_exam *ce);
/* Frees the sitting (left open on the server when not submitted); accepts NULL. */
void client_exam_free(struct client_exam *ce);

#endif
