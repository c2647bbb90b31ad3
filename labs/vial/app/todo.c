/* todo.c -- [lab 12] the capstone: a JSON REST API for a todo list, written as an app
 * on your own vial, with cJSON (<cjson/cJSON.h>, link with -lcjson) for the JSON.
 * The contract (routes, bodies, status codes, error messages) is in lab 12's lab.md.
 * Public names: todo_app_new and todo_app_free; everything else is static. */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "vial.h"

/* Makes the app: its routes, its JSON error handlers and an empty todo list kept as the
 * app's user data. Returns NULL when out of memory. Caller frees with todo_app_free(). */
vial_app *todo_app_new(void);
/* Frees the app and its todo list. Accepts NULL. */
void todo_app_free(vial_app *app);

/* SOLUTION(12) BEGIN */
#define TODO_TITLE_MAX 200      /* characters (UTF-8 code points) */

struct todo {
    long long id;
    char *title;                /* owned, UTF-8 */
    int done;
};

/* Invariant: items are sorted by id (ids only grow); ids are never reused. */
struct todo_store {
    pthread_mutex_t lock;       /* the server may run views on several threads */
    struct todo *items;
    size_t len, cap;
    long long next_id;
};

/* What a request body asked for; has_* tell which fields were present. */
struct todo_input {
    int has_title, has_done;
    const char *title;          /* points into the parsed cJSON tree */
    int done;
};

/* Sends `root` (consumed) as the JSON response with `status`. Returns 0 or -1. */
static int todo_send(vial_response *res, int status, cJSON *root)
{
    char *text = root ? cJSON_PrintUnformatted(root) : NULL;
    cJSON_Delete(root);
    if (text == NULL)
        return -1;
    int rc = vial_response_text(res, status, "application/json", text);
    free(text);
    return rc;
}

/* Answers {"error": MESSAGE} with `status`. Returns 0 (the response is ready) or -1. */
static int todo_error(vial_response *res, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int todo_error(vial_response *res, int status, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    cJSON *root = cJSON_CreateObject();
    if (root == NULL || cJSON_AddStringToObject(root, "error", msg) == NULL) {
        cJSON_Delete(root);
        return -1;
    }
    return todo_send(res, status, root);
}

/* The error handler of every status vial itself answers (404, 405, 413, 500, ...). */
static int todo_error_view(vial_request *req, vial_response *res)
{
    (void)req;
    return todo_error(res, res->status, "%s", vial_reason_phrase(res->status));
}

static cJSON *todo_to_json(const struct todo *t)
{
    cJSON *o = cJSON_CreateObject();
    if (o == NULL || cJSON_AddNumberToObject(o, "id", (double)t->id) == NULL
        || cJSON_AddStringToObject(o, "title", t->title) == NULL
        || cJSON_AddBoolToObject(o, "done", t->done) == NULL) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

/* Number of UTF-8 code points: every byte that does not continue a sequence. */
static size_t todo_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xc0) != 0x80;
    return n;
}

/* Parses the body as a JSON object into *out (caller deletes). Returns 0, or 1 when
 * `res` already holds the error answer (415, 400). */
static int todo_parse_body(vial_request *req, vial_response *res, cJSON **out)
{
    const char *ctype = vial_request_header(req, "Content-Type");
    *out = NULL;
    if (ctype == NULL || strncasecmp(ctype, "application/json", 16) != 0
        || (ctype[16] != '\0' && ctype[16] != ';' && ctype[16] != ' ')) {
        todo_error(res, 415, "Content-Type must be application/json");
        return 1;
    }
    /* The length includes the body's terminating NUL: trailing garbage is refused. */
    cJSON *root = req->body ? cJSON_ParseWithLengthOpts(req->body, req->body_len + 1, NULL, 1)
                            : NULL;
    if (root == NULL) {
        todo_error(res, 400, "invalid JSON");
        return 1;
    }
    if (!cJSON_IsObject(root)) {
        cJSON_Delete(root);
        todo_error(res, 400, "the body must be a JSON object");
        return 1;
    }
    *out = root;
    return 0;
}

/* Validates every member of obj into *in; need_title/need_done make them required.
 * Returns 0, or 1 when `res` holds the 400 answer naming the field. */
static int todo_fields(const cJSON *obj, int need_title, int need_done,
                       struct todo_input *in, vial_response *res)
{
    memset(in, 0, sizeof *in);
    for (const cJSON *m = obj->child; m != NULL; m = m->next) {
        if (strcmp(m->string, "title") == 0) {
            if (!cJSON_IsString(m))
                return todo_error(res, 400, "title must be a string"), 1;
            size_t n = todo_chars(m->valuestring);
            if (n < 1 || n > TODO_TITLE_MAX)
                return todo_error(res, 400, "title must be 1 to %d characters",
                                  TODO_TITLE_MAX), 1;
            in->has_title = 1;
            in->title = m->valuestring;
        } else if (strcmp(m->string, "done") == 0) {
            if (!cJSON_IsBool(m))
                return todo_error(res, 400, "done must be true or false"), 1;
            in->has_done = 1;
            in->done = cJSON_IsTrue(m);
        } else {
            return todo_error(res, 400, "unknown field: %.64s", m->string), 1;
        }
    }
    if (need_title && !in->has_title)
        return todo_error(res, 400, "missing field: title"), 1;
    if (need_done && !in->has_done)
        return todo_error(res, 400, "missing field: done"), 1;
    return 0;
}

static struct todo_store *todo_store_of(vial_request *req)
{
    return vial_app_user(req->app);
}

/* Index of the todo with `id` (binary search: items are sorted), or -1. Lock held. */
static long todo_find(const struct todo_store *s, long long id)
{
    size_t lo = 0, hi = s->len;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->items[mid].id == id)
            return (long)mid;
        if (s->items[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

/* GET /todos[?done=true|false]: every todo in id order. */
static int todo_list(vial_request *req, vial_response *res)
{
    const char *f = vial_request_arg(req, "done");
    int filter = f == NULL ? -1 : strcmp(f, "true") == 0 ? 1 : strcmp(f, "false") == 0 ? 0 : -2;
    if (filter == -2)
        return todo_error(res, 400, "done must be true or false");
    struct todo_store *s = todo_store_of(req);
    cJSON *arr = cJSON_CreateArray();
    int ok = arr != NULL;
    pthread_mutex_lock(&s->lock);
    for (size_t i = 0; ok && i < s->len; i++)
        if (filter < 0 || s->items[i].done == filter)
            ok = cJSON_AddItemToArray(arr, todo_to_json(&s->items[i]));
    pthread_mutex_unlock(&s->lock);
    if (!ok) {
        cJSON_Delete(arr);
        return -1;
    }
    return todo_send(res, 200, arr);
}

/* POST /todos: creates a todo; 201 with its Location. */
static int todo_create(vial_request *req, vial_response *res)
{
    cJSON *body;
    struct todo_input in;
    if (todo_parse_body(req, res, &body) != 0)
        return 0;
    int bad = todo_fields(body, 1, 0, &in, res);
    char *title = bad ? NULL : strdup(in.title);
    cJSON_Delete(body);
    if (bad)
        return 0;
    struct todo_store *s = todo_store_of(req);
    pthread_mutex_lock(&s->lock);
    struct todo *grown = s->items;
    if (title != NULL && s->len == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 16;
        grown = realloc(s->items, cap * sizeof *grown);
        if (grown != NULL)
            s->items = grown, s->cap = cap;
    }
    if (title == NULL || grown == NULL) {
        pthread_mutex_unlock(&s->lock);
        free(title);
        return -1;
    }
    struct todo t = { s->next_id++, title, in.done };
    s->items[s->len++] = t;
    cJSON *json = todo_to_json(&t);
    pthread_mutex_unlock(&s->lock);
    char id[32];
    snprintf(id, sizeof id, "%lld", t.id);
    char *where = vial_url_for(req->app, "todo", "id", id, NULL);
    int rc = where ? vial_response_set_header(res, "Location", where) : -1;
    free(where);
    if (rc < 0) {
        cJSON_Delete(json);
        return -1;
    }
    return todo_send(res, 201, json);
}

/* GET, POST on /todos. */
static int todo_collection(vial_request *req, vial_response *res)
{
    return strcmp(req->method, "POST") == 0 ? todo_create(req, res) : todo_list(req, res);
}

/* PUT (all fields) and PATCH (some) on one todo, by index. Lock held. */
static int todo_update(struct todo *t, const struct todo_input *in)
{
    if (in->has_title) {
        char *title = strdup(in->title);
        if (title == NULL)
            return -1;
        free(t->title);
        t->title = title;
    }
    if (in->has_done)
        t->done = in->done;
    return 0;
}

/* GET, PUT, PATCH, DELETE on /todos/<int:id>. */
static int todo_item(vial_request *req, vial_response *res)
{
    int writes = strcmp(req->method, "PUT") == 0 || strcmp(req->method, "PATCH") == 0;
    cJSON *body = NULL, *json = NULL;
    struct todo_input in;
    if (writes && todo_parse_body(req, res, &body) != 0)
        return 0;
    int put = strcmp(req->method, "PUT") == 0;     /* PUT replaces: both required */
    if (writes && todo_fields(body, put, put, &in, res) != 0) {
        cJSON_Delete(body);
        return 0;
    }
    struct todo_store *s = todo_store_of(req);
    pthread_mutex_lock(&s->lock);
    long i = todo_find(s, vial_view_arg_int(req, "id", -1));
    int rc = i < 0 ? 404 : 0;
    if (rc == 0 && writes)
        rc = todo_update(&s->items[i], &in);
    if (rc == 0 && strcmp(req->method, "DELETE") == 0) {
        free(s->items[i].title);
        memmove(&s->items[i], &s->items[i + 1], (s->len - (size_t)i - 1) * sizeof *s->items);
        s->len--;
    } else if (rc == 0) {
        json = todo_to_json(&s->items[i]);
    }
    pthread_mutex_unlock(&s->lock);
    cJSON_Delete(body);
    if (rc == 404)
        return todo_error(res, 404, "todo not found");
    if (rc != 0)
        return -1;
    if (strcmp(req->method, "DELETE") == 0) {
        res->status = 204;
        return 0;
    }
    return json ? todo_send(res, 200, json) : -1;
}

static void todo_store_free(struct todo_store *s)
{
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->len; i++)
        free(s->items[i].title);
    free(s->items);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

static const int todo_error_statuses[] = { 400, 404, 405, 413, 415, 500 };

vial_app *todo_app_new(void)
{
    vial_app *app = vial_app_new("todo");
    struct todo_store *s = calloc(1, sizeof *s);
    if (app == NULL || s == NULL || pthread_mutex_init(&s->lock, NULL) != 0) {
        free(s);
        vial_app_free(app);
        return NULL;
    }
    s->next_id = 1;
    vial_app_set_user(app, s);
    int rc = vial_app_route(app, "GET,POST", "/todos", "todos", todo_collection);
    rc |= vial_app_route(app, "GET,PUT,PATCH,DELETE", "/todos/<int:id>", "todo", todo_item);
    for (size_t i = 0; i < sizeof todo_error_statuses / sizeof *todo_error_statuses; i++)
        rc |= vial_app_errorhandler(app, todo_error_statuses[i], todo_error_view);
    if (rc != 0) {
        todo_app_free(app);
        return NULL;
    }
    return app;
}

void todo_app_free(vial_app *app)
{
    if (app != NULL)
        todo_store_free(vial_app_user(app));
    vial_app_free(app);
}
/* SOLUTION(12) STUB
vial_app *todo_app_new(void)
{
    return vial_app_new("todo");
}

void todo_app_free(vial_app *app)
{
    vial_app_free(app);
}
   SOLUTION(12) END */
