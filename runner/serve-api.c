/* serve-api.c -- the endpoints of the class server (docs/server.md): enrol with a class's
 * code, submit a lab's files, read a submission back, health. Every database call runs
 * under the server's lock; an archive is validated outside it. Wrong enrolment codes are
 * counted per client address (so codes cannot be guessed quickly) in a table of this
 * file under a lock of its own. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <netinet/in.h>
#include <sys/socket.h>

#include "serve-int.h"
#include "serve-token.h"
#include "subarch.h"
#include "util.h"

/* A learner's name: 1 to this many bytes, no control characters. */
#define SERVE_NAME_MAX 64

/* The enrolment guard: an address that sent SERVE_ENROL_MAX wrong codes within
 * SERVE_ENROL_WINDOW seconds gets 429 for every enrolment until the window ends. The
 * table holds SERVE_ENROL_SLOTS addresses; when full, the one whose window began first
 * makes room. It lives for the process (one server a process) and is held in memory
 * only: a restart forgets it, which costs a guesser a restart of ours, not theirs. */
#define SERVE_ENROL_MAX 20
#define SERVE_ENROL_WINDOW 60
#define SERVE_ENROL_SLOTS 1024

/* One address's wrong codes in its current window. An IPv6 address counts by its /64,
 * the block one client usually holds. */
struct serve_enrol_slot {
    unsigned char key[17];      /* family, then 4 or 8 address bytes; all 0: free */
    double start;               /* util_mono() at the window's first wrong code */
    int wrong;
};

static struct serve_enrol_slot serve_enrol_slots[SERVE_ENROL_SLOTS];
static pthread_mutex_t serve_enrol_lock = PTHREAD_MUTEX_INITIALIZER;

/* The request's client address as a slot key (17 bytes); all 0 when it has none. */
static void serve_enrol_key(const struct serve_req *r, unsigned char key[17])
{
    memset(key, 0, 17);
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(
        r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr *sa = ci != NULL ? ci->client_addr : NULL;
    if (sa != NULL && sa->sa_family == AF_INET) {
        key[0] = 4;
        memcpy(key + 1, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, 4);
    } else if (sa != NULL && sa->sa_family == AF_INET6) {
        key[0] = 6;
        memcpy(key + 1, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, 8);
    }
}

/* The slot of key, with its window renewed when it ended; NULL for no key. With add, a
 * free or the oldest slot becomes key's. Under serve_enrol_lock. */
static struct serve_enrol_slot *serve_enrol_slot(const unsigned char key[17], double now,
                                                 int add)
{
    static const unsigned char none[17];
    if (memcmp(key, none, sizeof none) == 0)
        return NULL;
    struct serve_enrol_slot *oldest = &serve_enrol_slots[0];
    for (size_t i = 0; i < SERVE_ENROL_SLOTS; i++) {
        struct serve_enrol_slot *e = &serve_enrol_slots[i];
        if (memcmp(e->key, key, sizeof e->key) == 0) {
            if (now - e->start >= SERVE_ENROL_WINDOW)
                e->start = now, e->wrong = 0;
            return e;
        }
        if (e->start < oldest->start || memcmp(e->key, none, sizeof none) == 0)
            oldest = e;
    }
    if (!add)
        return NULL;
    memcpy(oldest->key, key, sizeof oldest->key);
    oldest->start = now, oldest->wrong = 0;
    return oldest;
}

/* Seconds until the request's address may enrol again (0: now). */
static int64_t serve_enrol_wait(const struct serve_req *r)
{
    unsigned char key[17];
    serve_enrol_key(r, key);
    double now = util_mono();
    int64_t wait = 0;
    pthread_mutex_lock(&serve_enrol_lock);
    const struct serve_enrol_slot *e = serve_enrol_slot(key, now, 0);
    if (e != NULL && e->wrong >= SERVE_ENROL_MAX)
        wait = (int64_t)(e->start + SERVE_ENROL_WINDOW - now) + 1;
    pthread_mutex_unlock(&serve_enrol_lock);
    return wait;
}

/* Counts a wrong code against the request's address. */
static void serve_enrol_wrong(const struct serve_req *r)
{
    unsigned char key[17];
    serve_enrol_key(r, key);
    pthread_mutex_lock(&serve_enrol_lock);
    struct serve_enrol_slot *e = serve_enrol_slot(key, util_mono(), 1);
    if (e != NULL)
        e->wrong++;
    pthread_mutex_unlock(&serve_enrol_lock);
}

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
    int64_t wait = serve_enrol_wait(r);
    if (wait > 0) {
        serve_error(a, MHD_HTTP_TOO_MANY_REQUESTS, "code: %d wrong enrolment codes from "
                    "this address in %d s: retry in %lld s", SERVE_ENROL_MAX,
                    SERVE_ENROL_WINDOW, (long long)wait);
        a->retry_after = wait;
        return 0;
    }
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
            serve_enrol_wrong(r);
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
    int64_t learner, retry = 0, id = 0, position = 0, due = 0;
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
    int has_due = rc == SERVEDB_OK ? servedb_due(s->db, learner, lab->id, &due) : 0;
    if (has_due < 0)    /* stored all the same: only the answer's late mark is unknown */
        fprintf(stderr, "stacklab serve: %s\n", servedb_errmsg(s->db));
    if (rc < 0)
        serve_db_failed(s, a);
    pthread_mutex_unlock(&s->lock);
    if (rc > 0)
        serve_refused(rc, retry, a);
    if (rc != SERVEDB_OK)
        return 0;
    if (s->on_queued != NULL)
        s->on_queued();
    a->status = MHD_HTTP_ACCEPTED;
    a->json = cJSON_CreateObject();
    cJSON_AddNumberToObject(a->json, "id", (double)id);
    cJSON_AddStringToObject(a->json, "lab", lab->id);
    cJSON_AddNumberToObject(a->json, "position", (double)position);
    cJSON_AddBoolToObject(a->json, "late", has_due == 1 && now > due);
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
    cJSON_AddBoolToObject(a->json, "late", sub.late);
    if (sub.has_result) {
        cJSON *result = cJSON_Parse(sub.report);
        cJSON_AddItemToObject(a->json, "result", result != NULL ? result : cJSON_CreateNull());
    }
    servedb_sub_free(&sub);
    return 0;
}
