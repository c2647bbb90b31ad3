/* serve-api.c -- the endpoints of the class server (docs/server.md): enrol with a class's
 * code, submit a lab's files, read a submission back, health. Every database call runs
 * under the server's lock; an archive is validated outside it. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "serve-int.h"
#include "serve-token.h"
#include "subarch.h"
#include "util.h"

/* A learner's name: 1 to this many bytes, no control characters. */
#define SERVE_NAME_MAX 64

int serve_db_failed(struct serve *s, struct serve_answer *a)
{
    fprintf(stderr, "stacklab serve: %s\n", servedb_errmsg(s->db));
    return serve_error(a, MHD_HTTP_INTERNAL_SERVER_ERROR, "the server's database failed");
}

int serve_api_health(struct serve *s, const struct serve_req *r, struct serve_answer *a)
{
    (void)s, (void)r;
    a->status = MHD_HTTP_OK;
    a->json = cJSON_CreateObject();
    cJSON_AddBoolToObject(a->json, "ok", 1);
    return 0;
}

/* The string member `name` of obj, or NULL with a 400 naming it in *a. */
static const char *serve_field(const cJSON *obj, const char *name, struct serve_answer *a)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    if (!cJSON_IsString(v) || v->valuestring == NULL) {
        serve_error(a, MHD_HTTP_BAD_REQUEST, "%s: %s", name,
                    v == NULL ? "missing" : "not a string");
        return NULL;
    }
    return v->valuestring;
}

/* 1 when name is fit to show: 1..SERVE_NAME_MAX bytes, no control characters. */
static int serve_name_ok(const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f)
            return 0;
    return n > 0 && n <= SERVE_NAME_MAX;
}

int serve_api_enrol(struct serve *s, const struct serve_req *r, struct serve_answer *a)
{
    cJSON *in = cJSON_ParseWithLength(r->body, r->len);
    if (!cJSON_IsObject(in)) {
        cJSON_Delete(in);
        return serve_error(a, MHD_HTTP_BAD_REQUEST, "the body is not a JSON object");
    }
    const char *code = serve_field(in, "code", a), *name = code ? serve_field(in, "name", a)
                                                                : NULL;
    char token[TOKEN_HEX + 1], hash[TOKEN_HEX + 1], cls[256], upper[16];
    if (name != NULL && !serve_name_ok(name)) {
        serve_error(a, MHD_HTTP_BAD_REQUEST, "name: 1 to %d characters, none of them "
                    "control characters", SERVE_NAME_MAX);
    } else if (name != NULL && (token_new(token) < 0 || token_hash(token, hash) < 0)) {
        serve_error(a, MHD_HTTP_INTERNAL_SERVER_ERROR, "no random bytes for a token");
    } else if (name != NULL) {
        size_t n = strnlen(code, sizeof upper - 1);
        for (size_t i = 0; i < n; i++)
            upper[i] = (char)toupper((unsigned char)code[i]);
        upper[n] = '\0';
        pthread_mutex_lock(&s->lock);
        int rc = strlen(code) < sizeof upper
                 ? servedb_enrol(s->db, upper, name, hash, cls, sizeof cls)
                 : SERVEDB_UNKNOWN_CODE;
        if (rc < 0)
            serve_db_failed(s, a);
        pthread_mutex_unlock(&s->lock);
        if (rc == SERVEDB_UNKNOWN_CODE)
            serve_error(a, MHD_HTTP_FORBIDDEN, "code: no class has this enrolment code");
        else if (rc == SERVEDB_TAKEN)
            serve_error(a, MHD_HTTP_CONFLICT, "name: the class already has a learner "
                        "of this name");
        else if (rc == SERVEDB_OK) {
            a->status = MHD_HTTP_CREATED;
            a->json = cJSON_CreateObject();
            cJSON_AddStringToObject(a->json, "token", token);
            cJSON_AddStringToObject(a->json, "name", name);
            cJSON_AddStringToObject(a->json, "class", cls);
        }
    }
    cJSON_Delete(in);
    return 0;
}

int serve_auth(struct serve *s, const struct serve_req *r, int64_t *learner,
               struct serve_answer *a)
{
    const char *h = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
                                                MHD_HTTP_HEADER_AUTHORIZATION);
    char hash[TOKEN_HEX + 1];
    if (h == NULL || strncasecmp(h, "Bearer ", 7) != 0 || token_hash(h + 7, hash) < 0) {
        serve_error(a, MHD_HTTP_UNAUTHORIZED, "Authorization: %s",
                    h == NULL ? "missing (Bearer TOKEN)" : "not a valid token");
        return 0;
    }
    pthread_mutex_lock(&s->lock);
    int rc = servedb_learner(s->db, hash, learner);
    if (rc < 0)
        serve_db_failed(s, a);
    pthread_mutex_unlock(&s->lock);
    if (rc == 0)
        serve_error(a, MHD_HTTP_UNAUTHORIZED, "Authorization: not a valid token");
    return rc == 1;
}

/* The answer for a refusal of servedb_admit / servedb_submit. */
static void serve_refused(int rc, int64_t retry, struct serve_answer *a)
{
    if (rc == SERVEDB_RATE)
        serve_error(a, MHD_HTTP_TOO_MANY_REQUESTS, "at most %d submissions a minute: retry "
                    "in %lld s", SERVEDB_RATE_MAX, (long long)retry);
    else
        serve_error(a, MHD_HTTP_SERVICE_UNAVAILABLE, "busy, retry in %lld s", (long long)retry);
    a->retry_after = retry;
}

/* Unpacks the archive into a temporary folder and removes it: 0 fit to store, or -1
 * with the answer (400 naming the entry) in *a. */
static int serve_validate(const struct serve_req *r, const struct lab *lab,
                          struct serve_answer *a)
{
    const char *tmp = getenv("TMPDIR");
    char *dir = xasprintf("%s/stacklab-submit.XXXXXX", tmp != NULL && *tmp ? tmp : "/tmp");
    char *cause = NULL;
    int rc = -1;
    if (mkdtemp(dir) == NULL) {
        serve_error(a, MHD_HTTP_INTERNAL_SERVER_ERROR, "no temporary folder to check the "
                    "archive in");
        fprintf(stderr, "stacklab serve: %s: %s\n", dir, strerror(errno));
    } else if (subarch_unpack(r->body, r->len, dir, lab->folders, &cause) < 0) {
        serve_error(a, MHD_HTTP_BAD_REQUEST, "archive: %s", cause);
    } else {
        rc = 0;
    }
    util_rmtree(dir);
    free(cause);
    free(dir);
    return rc;
}

int serve_api_submit(struct serve *s, const struct serve_req *r, struct serve_answer *a)
{
    int64_t learner, retry = 0, id = 0, position = 0;
    if (!serve_auth(s, r, &learner, a))
        return 0;
    const char *arg = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "lab");
    const struct lab *lab = arg != NULL ? course_lab(s->course, arg) : NULL;
    if (lab == NULL)
        return serve_error(a, MHD_HTTP_BAD_REQUEST, "lab: %s", arg == NULL
                           ? "missing (?lab=ID)" : "no such lab in this course");
    if (r->len == 0)
        return serve_error(a, MHD_HTTP_BAD_REQUEST, "archive: the body is empty (a tar.gz "
                           "of the lab's folders)");
    int64_t now = (int64_t)util_now();
    pthread_mutex_lock(&s->lock);
    int rc = servedb_admit(s->db, learner, now, s->queue_max, &retry);
    if (rc < 0)
        serve_db_failed(s, a);
    pthread_mutex_unlock(&s->lock);
    if (rc > 0)
        serve_refused(rc, retry, a);
    if (rc != SERVEDB_OK || serve_validate(r, lab, a) < 0)
        return 0;
    pthread_mutex_lock(&s->lock);
    rc = servedb_submit(s->db, learner, lab->id, r->body, r->len, now, s->queue_max, &id,
                        &position, &retry);
    if (rc < 0)
        serve_db_failed(s, a);
    pthread_mutex_unlock(&s->lock);
    if (rc > 0)
        serve_refused(rc, retry, a);
    if (rc != SERVEDB_OK)
        return 0;
    a->status = MHD_HTTP_ACCEPTED;
    a->json = cJSON_CreateObject();
    cJSON_AddNumberToObject(a->json, "id", (double)id);
    cJSON_AddStringToObject(a->json, "lab", lab->id);
    cJSON_AddNumberToObject(a->json, "position", (double)position);
    return 0;
}

/* The submission id of "/api/v1/submissions/ID": digits only, or -1. */
static int64_t serve_id(const char *text)
{
    size_t n = strspn(text, "0123456789");
    if (n == 0 || n > 15 || text[n] != '\0')
        return -1;
    return (int64_t)strtoll(text, NULL, 10);
}

int serve_api_submission(struct serve *s, const struct serve_req *r, struct serve_answer *a)
{
    int64_t learner, id = serve_id(r->rest);
    if (!serve_auth(s, r, &learner, a))
        return 0;
    struct servedb_sub sub;
    int rc = 0;
    if (id >= 0) {
        pthread_mutex_lock(&s->lock);
        rc = servedb_submission(s->db, learner, id, &sub);
        if (rc < 0)
            serve_db_failed(s, a);
        pthread_mutex_unlock(&s->lock);
    }
    if (rc == 0)    /* the same words whether it does not exist or is not theirs */
        return serve_error(a, MHD_HTTP_NOT_FOUND, "no such submission");
    if (rc < 0)
        return 0;
    a->status = MHD_HTTP_OK;
    a->json = cJSON_CreateObject();
    cJSON_AddNumberToObject(a->json, "id", (double)sub.id);
    cJSON_AddStringToObject(a->json, "lab", sub.lab);
    cJSON_AddStringToObject(a->json, "state", sub.state);
    cJSON_AddNumberToObject(a->json, "position", (double)sub.position);
    if (sub.has_result) {
        cJSON *result = cJSON_Parse(sub.report);
        cJSON_AddItemToObject(a->json, "result", result != NULL ? result : cJSON_CreateNull());
    }
    servedb_sub_free(&sub);
    return 0;
}
