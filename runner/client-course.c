/* client-course.c -- the learner's copy of their class's course (docs/server.md): where it
 * lives, fetching the learner bundle and swapping it in for the old one, and the server's
 * view of the learner's progress. Everything the server sends is untrusted: the bundle
 * goes through bundle_unpack, the progress through a decoder that names the field. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>

#include "bundle.h"
#include "client.h"
#include "util.h"

/* ---- where the class course lives ---------------------------------------------------- */

/* "HOST_PORT" of url, fit for a folder name: the host in lower case with every character
 * but [a-z0-9.-] as '-', the port (the scheme's default when the URL has none). NULL when
 * url is not a URL. Caller frees. */
static char *client_host_port(const char *url)
{
    CURLU *u = curl_url();
    char *host = NULL, *port = NULL, *out = NULL;
    if (u != NULL && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK
        && curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK
        && curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK) {
        const char *h = host;
        size_t n = strlen(h);
        if (n > 2 && h[0] == '[' && h[n - 1] == ']')
            h++, n -= 2;
        out = xasprintf("%.*s_%s", (int)n, h, port);
        for (char *p = out; p < out + n; p++) {
            *p = (char)tolower((unsigned char)*p);
            if (!isalnum((unsigned char)*p) && *p != '.' && *p != '-')
                *p = '-';
        }
    }
    curl_free(host);
    curl_free(port);
    curl_url_cleanup(u);
    return out;
}

char *client_course_path(const char *url, char **cause)
{
    const char *xdg = getenv("XDG_DATA_HOME");
    const char *home = getenv("HOME");
    char *hp = client_host_port(url);
    char *path = NULL;
    if (hp == NULL)
        *cause = xstrdup("the server's URL cannot be read (run stacklab login again)");
    else if (xdg != NULL && xdg[0] == '/')
        path = xasprintf("%s/stacklab/class/%s/course", xdg, hp);
    else if (home != NULL && home[0] == '/')
        path = xasprintf("%s/.local/share/stacklab/class/%s/course", home, hp);
    else
        *cause = xstrdup("neither XDG_DATA_HOME nor HOME is an absolute path");
    free(hp);
    return path;
}

char *client_course_current(void)
{
    struct client_server s;
    char *cause = NULL, *path = NULL;
    if (client_server_load(&s, &cause) == 0)
        path = client_course_path(s.url, &cause);
    if (path != NULL && !util_is_dir(path)) {
        free(path);
        path = NULL;
    }
    client_server_free(&s);
    free(cause);
    return path;
}

/* ---- fetching the bundle ------------------------------------------------------------- */

/* GET base/api/v1/PATH with s's token: 0 with a 200's answer in *r, or -1 with *cause
 * and *user_fault (a 4xx: the learner's to mend, such as a token the server dropped). */
static int client_get(const struct client_server *s, const char *path,
                      struct client_reply *r, char **cause, int *user_fault)
{
    char *url = xasprintf("%s/api/v1/%s", s->url, path);
    int rc = client_request("GET", url, s->token, NULL, NULL, 0, r, cause);
    free(url);
    *user_fault = 0;
    if (rc == 0 && r->status != 200) {
        char *words = client_error(r);
        *user_fault = r->status >= 400 && r->status < 500;
        *cause = xasprintf("%s%s", words, r->status == 401 ? " (run stacklab login again)"
                                                            : "");
        free(words);
        client_reply_free(r);
        rc = -1;
    }
    return rc;
}

/* Puts the folder fresh where dest is, dest's old folder (if any) removed: one rename
 * that swaps the two when the file system can (RENAME_EXCHANGE), else two renames a
 * moment apart. 0, or -1 with errno (fresh is then left where it was). */
static int client_swap_in(const char *fresh, const char *dest)
{
    if (!util_is_dir(dest))
        return rename(fresh, dest);
    if (renameat2(AT_FDCWD, fresh, AT_FDCWD, dest, RENAME_EXCHANGE) == 0)
    {
        util_rmtree(fresh);         /* fresh now holds the old course */
        return 0;
    }
    if (errno != EINVAL && errno != ENOSYS)
        return -1;
    char *old = xasprintf("%s.old.XXXXXX", dest);
    int rc = -1;
    if (mkdtemp(old) != NULL && rename(dest, old) == 0) {  /* onto an empty folder */
        rc = rename(fresh, dest);
        if (rc < 0)
            rename(old, dest);
    }
    int e = errno;
    util_rmtree(old);
    free(old);
    errno = e;
    return rc;
}

/* Folders an update stopped mid-way left beside dest (dest.new.* and dest.old.*, not
 * changed for CLIENT_STALE seconds: one another update is filling now is younger) are
 * removed. */
#define CLIENT_STALE 600
static void client_course_sweep(const char *folder, const char *dest)
{
    const char *base = strrchr(dest, '/') + 1;
    size_t n = strlen(base);
    DIR *d = opendir(folder);
    struct dirent *e;
    while (d != NULL && (e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, base, n) != 0 || (strncmp(e->d_name + n, ".new.", 5) != 0
                                                 && strncmp(e->d_name + n, ".old.", 5) != 0))
            continue;
        char *path = xasprintf("%s/%s", folder, e->d_name);
        struct stat st;
        if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode)
            && st.st_mtime + CLIENT_STALE < time(NULL))
            util_rmtree(path);
        free(path);
    }
    if (d != NULL)
        closedir(d);
}

/* Unpacks len bytes of a bundle beside dest and swaps it in. 0 with *upto, or -1 with
 * *cause; nothing of a refused bundle is left. */
static int client_course_install(const char *bytes, size_t len, const char *dest, int *upto,
                                 char **cause)
{
    char *folder = xstrndup(dest, (size_t)(strrchr(dest, '/') - dest));
    char *fresh = xasprintf("%s.new.XXXXXX", dest);
    char *why = NULL;
    int rc = -1;
    client_course_sweep(folder, dest);
    if (util_mkdirs(folder, 0700) < 0 || mkdtemp(fresh) == NULL || chmod(fresh, 0755) < 0)
        *cause = xasprintf("cannot make a folder in %s: %s", folder, strerror(errno));
    else if (bundle_unpack(bytes, len, fresh, upto, &why) < 0)
        *cause = xasprintf("the server's course bundle is refused: %s", why);
    else if (client_swap_in(fresh, dest) < 0)
        *cause = xasprintf("cannot put the course in %s: %s", dest, strerror(errno));
    else
        rc = 0;
    if (rc < 0 && util_is_dir(fresh))
        util_rmtree(fresh);
    free(why);
    free(fresh);
    free(folder);
    return rc;
}

int client_course_fetch(const struct client_server *s, char **path, int *upto,
                        char **cause, int *user_fault)
{
    struct client_reply r;
    *path = client_course_path(s->url, cause);
    *user_fault = 0;
    if (*path == NULL)
        return -1;
    int rc = client_get(s, "bundle", &r, cause, user_fault);
    if (rc == 0) {
        rc = client_course_install(r.body, r.len, *path, upto, cause);
        client_reply_free(&r);
    }
    if (rc < 0) {
        free(*path);
        *path = NULL;
    }
    return rc;
}

/* ---- the server's view of progress --------------------------------------------------- */

void client_progress_free(struct client_progress *p)
{
    free(p->learner);
    free(p->class_name);
    free(p->labs);
    memset(p, 0, sizeof *p);
}

/* A lab id of the server's: 1 to 15 letters, digits or '-'. */
static int client_lab_id_ok(const char *s)
{
    size_t n = strlen(s);
    return n > 0 && n < sizeof ((struct client_progress_lab *)0)->lab
        && strspn(s, "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-") == n;
}

/* The whole number member key of o in 0..max into *out. NULL, or what is wrong. */
static const char *client_int_field(const cJSON *o, const char *key, double max,
                                    int64_t *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (v == NULL)
        return "missing";
    if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble > max
        || v->valuedouble != (double)(int64_t)v->valuedouble)
        return "not a whole number in range";
    *out = (int64_t)v->valuedouble;
    return NULL;
}

/* Reads labs[i] into *l. NULL, or the problem with *field naming the member. */
static const char *client_progress_lab(const cJSON *o, struct client_progress_lab *l,
                                       const char **field)
{
    static const char *const nums[] = { "attempts", "best_passed", "total" };
    int64_t v[3];
    const cJSON *lab = cJSON_GetObjectItemCaseSensitive(o, *field = "lab");
    if (!cJSON_IsString(lab) || !client_lab_id_ok(lab->valuestring))
        return "not a lab id";
    snprintf(l->lab, sizeof l->lab, "%s", lab->valuestring);
    for (size_t i = 0; i < 3; i++) {
        const char *why = client_int_field(o, *field = nums[i], 1e9, &v[i]);
        if (why != NULL)
            return why;
    }
    l->attempts = (int)v[0], l->best_passed = (int)v[1], l->total = (int)v[2];
    const cJSON *passed = cJSON_GetObjectItemCaseSensitive(o, *field = "passed");
    if (!cJSON_IsBool(passed))
        return "not a boolean";
    l->passed = cJSON_IsTrue(passed);
    const cJSON *ontime = cJSON_GetObjectItemCaseSensitive(o, *field = "passed_on_time");
    if (ontime != NULL && !cJSON_IsBool(ontime))
        return "not a boolean";
    l->passed_on_time = ontime != NULL ? cJSON_IsTrue(ontime) : l->passed;
    const cJSON *due = cJSON_GetObjectItemCaseSensitive(o, *field = "due");
    const char *why;
    l->due = -1;
    if (due != NULL && !cJSON_IsNull(due) && (why = client_int_field(o, "due", 1e15, &l->due)))
        return why;
    const cJSON *last = cJSON_GetObjectItemCaseSensitive(o, *field = "last");
    l->last = 0;
    if (last != NULL && !cJSON_IsNull(last))
        return client_int_field(o, "last", 1e15, &l->last);
    return NULL;
}

/* Decodes the progress answer into *p. 0, or -1 with *cause naming the field. */
static int client_progress_decode(const char *text, size_t len, struct client_progress *p,
                                  char **cause)
{
    cJSON *o = cJSON_ParseWithLength(text, len);
    const cJSON *learner = cJSON_GetObjectItemCaseSensitive(o, "learner");
    const cJSON *cls = cJSON_GetObjectItemCaseSensitive(o, "class");
    const cJSON *labs = cJSON_GetObjectItemCaseSensitive(o, "labs");
    const cJSON *cur = cJSON_GetObjectItemCaseSensitive(o, "current");
    const char *field = NULL, *why = NULL;
    char *where = NULL;
    if (!cJSON_IsObject(o))
        why = "not a JSON object";
    else if (!cJSON_IsString(learner))
        field = "learner", why = "not a string";
    else if (!cJSON_IsString(cls))
        field = "class", why = "not a string";
    else if (!cJSON_IsArray(labs) || cJSON_GetArraySize(labs) > 1000)
        field = "labs", why = "not an array of at most 1000 labs";
    else if (cur != NULL && !cJSON_IsNull(cur)
             && !(cJSON_IsString(cur) && client_lab_id_ok(cur->valuestring)))
        field = "current", why = "not a lab id";
    if (why == NULL) {
        p->learner = client_clean(learner->valuestring, 128);
        p->class_name = client_clean(cls->valuestring, 128);
        if (cJSON_IsString(cur))
            snprintf(p->current, sizeof p->current, "%s", cur->valuestring);
        p->labs = xcalloc((size_t)cJSON_GetArraySize(labs) + 1, sizeof *p->labs);
        const cJSON *item;
        cJSON_ArrayForEach(item, labs) {
            if ((why = client_progress_lab(item, &p->labs[p->nlabs], &field)) != NULL) {
                where = xasprintf("labs[%zu].%s", p->nlabs, field);
                break;
            }
            p->nlabs++;
        }
    }
    if (why != NULL) {
        *cause = xasprintf("the server's progress is malformed: %s%s%s",
                           where ? where : field ? field : "", where || field ? ": " : "",
                           why);
        client_progress_free(p);
    }
    free(where);
    cJSON_Delete(o);
    return why != NULL ? -1 : 0;
}

int client_progress_get(const struct client_server *s, struct client_progress *p,
                        char **cause, int *user_fault)
{
    struct client_reply r;
    memset(p, 0, sizeof *p);
    if (client_get(s, "progress", &r, cause, user_fault) < 0)
        return -1;
    int rc = client_progress_decode(r.body, r.len, p, cause);
    client_reply_free(&r);
    return rc;
}

/* ---- the server's view of the learner's exams ---------------------------------------- */

/* Reads exams[k] (object o) into *e. NULL, or the problem with *field naming the member. */
static const char *client_exam_entry(const cJSON *o, struct client_exam_standing *e,
                                     const char **field)
{
    static const char *const nums[] = { "minutes", "questions", "pass", "attempts", "used" };
    int64_t v[5];
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(o, *field = "id");
    const cJSON *title = cJSON_GetObjectItemCaseSensitive(o, "title");
    if (!cJSON_IsString(id) || strlen(id->valuestring) >= sizeof e->id
        || strspn(id->valuestring, "abcdefghijklmnopqrstuvwxyz0123456789-")
               != strlen(id->valuestring) || id->valuestring[0] == '\0')
        return "not an exam id";
    snprintf(e->id, sizeof e->id, "%s", id->valuestring);
    if (!cJSON_IsString(title))
        return *field = "title", "not a string";
    for (size_t i = 0; i < 5; i++) {
        const char *why = client_int_field(o, *field = nums[i], 1e6, &v[i]);
        if (why != NULL)
            return why;
    }
    e->minutes = (int)v[0], e->questions = (int)v[1], e->pass = (int)v[2];
    e->attempts = (int)v[3], e->used = (int)v[4];
    const cJSON *best = cJSON_GetObjectItemCaseSensitive(o, *field = "best");
    int64_t b = -1;
    const char *why;
    if (best != NULL && !cJSON_IsNull(best) && (why = client_int_field(o, "best", 100, &b)))
        return why;
    e->best = (int)b;
    const cJSON *passed = cJSON_GetObjectItemCaseSensitive(o, *field = "passed");
    if (!cJSON_IsBool(passed))
        return "not a boolean";
    e->passed = cJSON_IsTrue(passed);
    const cJSON *open = cJSON_GetObjectItemCaseSensitive(o, *field = "open");
    e->open = open != NULL && !cJSON_IsNull(open);
    if (e->open && !cJSON_IsNumber(open))
        return "not a sitting's id or null";
    e->title = client_clean(title->valuestring, 200);
    return NULL;
}

int client_exams_get(const struct client_server *s, struct client_exam_standing **out,
                     size_t *n, char **cause, int *user_fault)
{
    struct client_reply r;
    *out = NULL;
    *n = 0;
    if (client_get(s, "exams", &r, cause, user_fault) < 0)
        return -1;
    cJSON *o = cJSON_ParseWithLength(r.body, r.len);
    const cJSON *exams = cJSON_GetObjectItemCaseSensitive(o, "exams");
    const char *why = NULL, *field = "exams";
    if (!cJSON_IsArray(exams) || cJSON_GetArraySize(exams) > 1000)
        why = "not an array of at most 1000 exams";
    else {
        *out = xcalloc((size_t)cJSON_GetArraySize(exams) + 1, sizeof **out);
        const cJSON *item;
        cJSON_ArrayForEach(item, exams) {
            if ((why = cJSON_IsObject(item) ? client_exam_entry(item, &(*out)[*n], &field)
                                            : "not an object") != NULL)
                break;
            (*n)++;
        }
    }
    if (why != NULL) {
        *cause = *n < (size_t)cJSON_GetArraySize(exams) && cJSON_IsArray(exams)
            ? xasprintf("the server's exams are malformed: exams[%zu].%s: %s", *n, field, why)
            : xasprintf("the server's exams are malformed: %s: %s", field, why);
        client_exams_free(*out, *n + 1);
        *out = NULL;
        *n = 0;
    }
    cJSON_Delete(o);
    client_reply_free(&r);
    return why != NULL ? -1 : 0;
}

void client_exams_free(struct client_exam_standing *e, size_t n)
{
    for (size_t i = 0; e != NULL && i < n; i++)
        free(e[i].title);
    free(e);
}
