/* 12-todo-api.c -- public tests of lab 12: your todo API (app/todo.c) called through
 * vial_app_dispatch, no server: create, read, list, update, delete, and the JSON errors.
 * Run with `make test LAB=12`; debug with `gdb build/tests/12-todo-api`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "vial.h"

vial_app *todo_app_new(void);
void todo_app_free(vial_app *app);

/* Dispatches METHOD PATH with an optional JSON body; returns the status, the answer in
 * res (caller frees res). */
static int call(vial_app *app, const char *method, const char *path, const char *json,
                vial_response *res)
{
    vial_request req;
    vial_request_init(&req);
    vial_response_init(res);
    snprintf(req.method, sizeof req.method, "%s", method);
    const char *q = strchr(path, '?');
    size_t plen = q ? (size_t)(q - path) : strlen(path);
    req.path = strndup(path, plen);
    req.target = strdup(path);
    req.query_string = strdup(q ? q + 1 : "");
    if (q != NULL && q[1] != '\0') {
        const char *eq = strchr(q + 1, '=');
        if (eq != NULL)
            vial_pairs_add(&req.args, q + 1, (size_t)(eq - q - 1), eq + 1, strlen(eq + 1));
    }
    if (json != NULL) {
        vial_pairs_adds(&req.headers, "Content-Type", "application/json");
        req.body = strdup(json);
        req.body_len = strlen(json);
    }
    int st = vial_app_dispatch(app, &req, res);
    vial_request_free(&req);
    return st;
}

/* 1 when the body holds `text`. */
static int body_has(const vial_response *res, const char *text)
{
    return res->body != NULL && strstr(res->body, text) != NULL;
}

static int is_json(const vial_response *res)
{
    const char *ct = vial_response_header(res, "Content-Type");
    return ct != NULL && strncmp(ct, "application/json", 16) == 0;
}

int main(void)
{
    vial_response res;
    vial_app *app = todo_app_new();
    ok(app != NULL, "todo_app_new makes an app");
    if (app == NULL)
        return tap_done_testing();

    is_int(call(app, "GET", "/todos", NULL, &res), 200, "GET /todos");
    ok(is_json(&res) && body_has(&res, "[]"), "an empty list is []");
    vial_response_free(&res);

    is_int(call(app, "POST", "/todos", "{\"title\": \"buy milk\"}", &res), 201, "POST /todos");
    ok(is_json(&res) && body_has(&res, "\"id\":1") && body_has(&res, "\"buy milk\"")
       && body_has(&res, "\"done\":false"), "the new todo comes back, id 1, done false");
    is_str(vial_response_header(&res, "Location"), "/todos/1", "Location names it");
    vial_response_free(&res);

    is_int(call(app, "POST", "/todos", "{\"title\": \"write C\", \"done\": true}", &res), 201,
           "a second todo");
    vial_response_free(&res);
    is_int(call(app, "GET", "/todos/2", NULL, &res), 200, "GET /todos/2");
    ok(body_has(&res, "\"write C\"") && body_has(&res, "\"done\":true"), "is the second todo");
    vial_response_free(&res);
    is_int(call(app, "GET", "/todos?done=true", NULL, &res), 200, "filter by done");
    ok(body_has(&res, "write C") && !body_has(&res, "buy milk"), "only the done todo");
    vial_response_free(&res);

    is_int(call(app, "PATCH", "/todos/1", "{\"done\": true}", &res), 200, "PATCH /todos/1");
    ok(body_has(&res, "\"buy milk\"") && body_has(&res, "\"done\":true"), "title kept, done set");
    vial_response_free(&res);
    is_int(call(app, "PUT", "/todos/1", "{\"title\": \"milk\"}", &res), 400, "PUT needs done too");
    ok(is_json(&res) && body_has(&res, "done"), "the error names the missing field");
    vial_response_free(&res);

    is_int(call(app, "POST", "/todos", "{\"title\": \"x\"", &res), 400, "broken JSON");
    ok(is_json(&res) && body_has(&res, "\"error\""), "gives a JSON error");
    vial_response_free(&res);
    is_int(call(app, "POST", "/todos", "{\"title\": 7}", &res), 400, "title must be a string");
    ok(body_has(&res, "title"), "the error names title");
    vial_response_free(&res);
    is_int(call(app, "POST", "/todos", "[1, 2]", &res), 400, "not an object");
    vial_response_free(&res);

    is_int(call(app, "DELETE", "/todos/1", NULL, &res), 204, "DELETE /todos/1");
    is_int((long long)res.body_len, 0, "no body");
    vial_response_free(&res);
    is_int(call(app, "GET", "/todos/1", NULL, &res), 404, "it is gone");
    ok(is_json(&res) && body_has(&res, "\"error\""), "404 is a JSON error too");
    vial_response_free(&res);
    is_int(call(app, "DELETE", "/todos", NULL, &res), 405, "no DELETE on the collection");
    ok(is_json(&res), "405 is a JSON error too");
    vial_response_free(&res);

    todo_app_free(app);
    return tap_done_testing();
}
