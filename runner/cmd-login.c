/* cmd-login.c -- `stacklab login URL CODE [--name NAME]`: enrols in a class with the code
 * its instructor gave, keeps the server's URL and the token it answers in the server
 * file (docs/server.md) for `stacklab submit`, and fetches the class's course (the
 * learner bundle) that `stacklab init` then uses. */
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "client.h"
#include "cmd.h"
#include "util.h"

#define LOGIN_MAX_FIELD 128

struct login_opts {
    const char *url, *code, *name;
};

static int cmd_login_parse(struct cmd_ctx *ctx)
{
    struct login_opts *o = ctx->opts;
    for (int i = 1; i < ctx->argc; i++) {
        const char *a = ctx->argv[i];
        if (strcmp(a, "--name") == 0 && i + 1 < ctx->argc && o->name == NULL)
            o->name = ctx->argv[++i];
        else if (a[0] != '-' && o->url == NULL)
            o->url = a;
        else if (a[0] != '-' && o->code == NULL)
            o->code = a;
        else
            return -1;
    }
    return o->url != NULL && o->code != NULL ? 0 : -1;
}

/* The name to enrol under: --name, else the user's login name. NULL when there is none. */
static const char *login_name(const struct login_opts *o)
{
    if (o->name != NULL)
        return o->name;
    struct passwd *pw = getpwuid(getuid());
    if (pw != NULL && pw->pw_name != NULL && pw->pw_name[0] != '\0')
        return pw->pw_name;
    const char *user = getenv("USER");
    return user != NULL && user[0] != '\0' ? user : NULL;
}

/* Refuses an empty field, a long one or one with control characters. NULL when fine. */
static const char *login_field_refused(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > LOGIN_MAX_FIELD)
        return n == 0 ? "is empty" : "is longer than 128 bytes";
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++)
        if (*p < 0x20 || *p == 0x7f)
            return "holds a control character";
    return NULL;
}

/* Prints "stacklab login: " and the message, cleaned of control characters (it may
 * quote the server or the command line). */
static void login_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void login_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = xvasprintf(fmt, ap);
    va_end(ap);
    char *clean = client_clean(msg, 600);
    fprintf(stderr, "stacklab login: %s\n", clean);
    free(clean);
    free(msg);
}

/* A string field of the server's answer, cleaned for the terminal; NULL when absent. */
static char *login_answer_field(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? client_clean(v->valuestring, LOGIN_MAX_FIELD) : NULL;
}

/* Fetches the class's course for the learner just logged in and says how to start. The
 * login stands when it fails: `stacklab update` fetches it again. */
static void login_fetch(const struct client_server *s)
{
    char *path = NULL, *cause = NULL;
    int upto = 0, user_fault = 0;
    if (client_course_fetch(s, &path, &upto, &cause, &user_fault) < 0) {
        login_fail("warning: the class's course could not be fetched: %s; `stacklab "
                   "update` fetches it", cause);
        printf("In your workspace, `stacklab submit` sends a lab to be graded.\n");
        free(cause);
        return;
    }
    const char *env = getenv("STACKLAB_COURSE");
    printf("The class's course (lessons, and labs up to lab %02d) is in %s.\n\n"
           "  stacklab init DIR      a workspace on the class's course\n"
           "  stacklab submit [LAB]  in it: send a lab to be graded on the server\n"
           "  stacklab update        fetch the labs your passes open, update the workspace\n"
           "  stacklab status        your progress, here and on the server\n", upto, path);
    if (env != NULL && *env != '\0')
        printf("\n(STACKLAB_COURSE is set: it comes before the class's course; unset it to "
               "use the class's.)\n");
    free(path);
}

/* Posts the enrolment; on 201 stores the token, says who the learner is now and fetches
 * the class's course. */
static int login_enrol(const char *url, const char *code, const char *name)
{
    cJSON *req = cJSON_CreateObject();
    cJSON_AddStringToObject(req, "code", code);
    cJSON_AddStringToObject(req, "name", name);
    char *body = cJSON_PrintUnformatted(req);
    cJSON_Delete(req);
    char *endpoint = xasprintf("%s/api/v1/enrol", url);
    struct client_reply r;
    char *cause = NULL;
    int rc = body ? client_request("POST", endpoint, NULL, "application/json", body,
                                   strlen(body), &r, &cause) : -1;
    cJSON_free(body);
    free(endpoint);
    if (rc < 0) {
        login_fail("%s", cause ? cause : "out of memory");
        free(cause);
        return EXIT_INTERNAL;
    }
    if (r.status != 201) {
        char *words = client_error(&r);
        login_fail("%s", words);
        free(words);
        int code_rc = exit_for_fault(r.status >= 400 && r.status < 500);
        client_reply_free(&r);
        return code_rc;
    }
    cJSON *ans = cJSON_ParseWithLength(r.body, r.len);
    const cJSON *tok = cJSON_GetObjectItemCaseSensitive(ans, "token");
    char *who = login_answer_field(ans, "name"), *class = login_answer_field(ans, "class");
    struct client_server s = { .url = (char *)url,
                               .token = cJSON_IsString(tok) ? tok->valuestring : NULL };
    int exit_code = EXIT_OK;
    if (s.token == NULL || !client_token_ok(s.token)) {
        fprintf(stderr, "stacklab login: the server's answer has no valid token\n");
        exit_code = EXIT_INTERNAL;
    } else if (client_server_save(&s, &cause) < 0) {
        login_fail("%s", cause);
        exit_code = EXIT_INTERNAL;
    } else {
        char *path = client_server_path();
        char *shown = client_clean(url, 200);
        printf("Logged in to class %s as %s at %s.\nYour token is in %s (only you can read "
               "it).\n", class ? class : "?", who ? who : name, shown, path);
        free(shown);
        free(path);
        login_fetch(&s);
    }
    free(cause);
    free(who);
    free(class);
    cJSON_Delete(ans);
    client_reply_free(&r);
    return exit_code;
}

static int cmd_login_exec(struct cmd_ctx *ctx)
{
    const struct login_opts *o = ctx->opts;
    const char *name = login_name(o);
    const char *why = NULL, *field = NULL;
    char *cause = NULL;
    if (!client_url_ok(o->url, &cause)) {
        login_fail("%s", cause);
        free(cause);
        return EXIT_USAGE;
    }
    if (name == NULL)
        field = "--name", why = "is needed: no login name was found";
    else if ((why = login_field_refused(o->code)) != NULL)
        field = "CODE";
    else if ((why = login_field_refused(name)) != NULL)
        field = o->name ? "--name" : "your login name";
    if (why != NULL) {
        fprintf(stderr, "stacklab login: %s %s\n", field, why);
        return EXIT_USAGE;
    }
    char *url = xstrdup(o->url);
    for (size_t n = strlen(url); n > 0 && url[n - 1] == '/'; n--)
        url[n - 1] = '\0';
    int rc = login_enrol(url, o->code, name);
    free(url);
    return rc;
}

const struct cmd_entry cmd_login_entry = {
    .name = "login", .usage = "URL CODE [--name NAME]",
    .summary = "join a class with its code (stores the token, fetches its course)",
    .opts_size = sizeof(struct login_opts), .parse = cmd_login_parse,
    .exec = cmd_login_exec,
};
