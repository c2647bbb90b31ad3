/* serve-int.h -- what the HTTP layer (serve-http.c) and the endpoints (serve-api.c) share:
 * the server, one request as the endpoints see it, and the answer they fill. */
#ifndef STACKLAB_SERVE_INT_H
#define STACKLAB_SERVE_INT_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>
#include <microhttpd.h>

#include "course.h"
#include "servedb.h"

struct serve {
    struct MHD_Daemon *daemon;
    struct servedb *db;             /* one connection: used under lock only */
    pthread_mutex_t lock;
    const struct course *course;
    int64_t queue_max;
    void (*on_queued)(void);        /* serve_opts's */
    unsigned port;
    struct serve_bundles *bundles;  /* the learner bundles made so far (serve-bundle.c) */
    int exam_minute;                /* seconds in an exam's minute (STACKLAB_EXAM_MINUTE) */
};

/* One request, body collected (at most SERVE_MAX_BODY bytes). */
struct serve_req {
    struct MHD_Connection *conn;
    const char *method;             /* "GET", "POST": the route's */
    const char *url;
    const char *rest;               /* the URL after a prefix route's path */
    char *body;                     /* NUL-terminated; owned by the HTTP layer */
    size_t len;
};

/* At most this many extra headers in one answer. */
#define SERVE_MAX_HEADERS 8

/* What an endpoint answers: json, or else raw bytes of content_type (a page, a CSV, a
 * bundle). json, raw and the headers' values are sent and freed by the HTTP layer. */
struct serve_answer {
    unsigned status;
    cJSON *json;
    int64_t retry_after;            /* > 0: a Retry-After header */
    char *raw;                      /* used when json is NULL */
    size_t raw_len;
    const char *content_type;       /* of raw; static text */
    struct { const char *name; char *value; } headers[SERVE_MAX_HEADERS];
    int nheaders;
};

/* Adds header name (static text) with a copy of value to a; beyond SERVE_MAX_HEADERS
 * the header is dropped (a programming error: every caller adds a known few). */
void serve_header(struct serve_answer *a, const char *name, const char *value);
/* Sets a to status with raw bytes (taken: freed after sending) of content_type. Returns 0. */
int serve_raw(struct serve_answer *a, unsigned status, const char *content_type, char *raw,
              size_t len);

/* Sets a to status with {"error": words}. Returns 0 (so endpoints can return it). */
int serve_error(struct serve_answer *a, unsigned status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The answer when the database failed (500): the details go to the instructor's
 * terminal. Call it under s->lock, right after the failed call. Returns 0. */
int serve_db_failed(struct serve *s, struct serve_answer *a);
/* The learner whose bearer token the request carries: 1 with *learner, or 0 with the
 * answer (401, or 500 when the database failed) in *a. Takes s->lock itself. */
int serve_auth(struct serve *s, const struct serve_req *r, int64_t *learner,
               struct serve_answer *a);

/* The endpoints (serve-api.c): each reads r and fills a; returns 0. */
int serve_api_health(struct serve *s, const struct serve_req *r, struct serve_answer *a);
int serve_api_enrol(struct serve *s, const struct serve_req *r, struct serve_answer *a);
int serve_api_submit(struct serve *s, const struct serve_req *r, struct serve_answer *a);
int serve_api_submission(struct serve *s, const struct serve_req *r, struct serve_answer *a);
/* serve-bundle.c: the learner's bundle (bundle_write) and server-side progress. The
 * bundles made are kept per upto in a cache serve_start makes and serve_stop frees
 * (free accepts NULL). */
struct serve_bundles *serve_bundles_new(void);
void serve_bundles_free(struct serve_bundles *b);
int serve_api_bundle(struct serve *s, const struct serve_req *r, struct serve_answer *a);
int serve_api_progress(struct serve *s, const struct serve_req *r, struct serve_answer *a);
/* serve-remote.c: grading machines pulling jobs over HTTP with a worker token. A
 * result's body may be up to SERVE_REMOTE_MAX_BODY bytes (its report escaped in JSON),
 * but only from a grading machine: serve_remote_body_max gives the cap for a request
 * from its Authorization header, SERVE_MAX_BODY for any other caller. */
#define SERVE_REMOTE_MAX_BODY ((size_t)17 << 20)
size_t serve_remote_body_max(struct serve *s, struct MHD_Connection *conn);
int serve_remote_claim(struct serve *s, const struct serve_req *r, struct serve_answer *a);
int serve_remote_heartbeat(struct serve *s, const struct serve_req *r,
                           struct serve_answer *a);
int serve_remote_complete(struct serve *s, const struct serve_req *r,
                          struct serve_answer *a);
/* serve-exam.c: exams sat on the server ("Exams on the server"). serve_exam_minute reads
 * STACKLAB_EXAM_MINUTE (serve's environment only; a test's short clock): the seconds an
 * exam's minute lasts, 1 to 60 (default 60); -1 with an allocated *cause for a bad one.
 * serve_exam_expire submits, expired, the open sittings past their deadline of a class
 * (0: any) or of one learner (0: every one), under s->lock: 0, or -1 (the database). */
int serve_exam_minute(int *seconds, char **cause);
int serve_exam_expire(struct serve *s, int64_t class_id, int64_t learner);
int serve_exam_start(struct serve *s, const struct serve_req *r, struct serve_answer *a);
int serve_exam_sitting(struct serve *s, const struct serve_req *r, struct serve_answer *a);
int serve_exam_post(struct serve *s, const struct serve_req *r, struct serve_answer *a);
int serve_exam_list(struct serve *s, const struct serve_req *r, struct serve_answer *a);
/* serve-dash.c: the instructors' dashboard (HTML, CSV, its script). */
int serve_dash(struct serve *s, const struct serve_req *r, struct serve_answer *a);

#endif
