/* static.c -- [lab 08] serving files from a folder safely ("..", encoded dots, byte 0,
 * absolute paths and escaping symlinks give 404) with MIME types from extensions, like
 * Flask's send_from_directory. Until lab 08 nothing is served. */
/* realpath() is an X/Open function: ask for it on top of POSIX 2008. */
#define _XOPEN_SOURCE 700
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

/* SOLUTION(08) BEGIN */
#define STATIC_MAX_FILE (64L << 20)     /* larger files are not served (404) */

/* Extension (lowercase, no dot) -> Content-Type. */
static const struct {
    const char *ext, *type;
} static_types[] = {
    {"html", "text/html; charset=utf-8"},  {"htm", "text/html; charset=utf-8"},
    {"css", "text/css; charset=utf-8"},    {"js", "text/javascript; charset=utf-8"},
    {"json", "application/json"},          {"txt", "text/plain; charset=utf-8"},
    {"xml", "application/xml"},            {"csv", "text/csv; charset=utf-8"},
    {"png", "image/png"},                  {"jpg", "image/jpeg"},
    {"jpeg", "image/jpeg"},                {"gif", "image/gif"},
    {"svg", "image/svg+xml"},              {"ico", "image/x-icon"},
    {"webp", "image/webp"},                {"pdf", "application/pdf"},
    {"woff", "font/woff"},                 {"woff2", "font/woff2"},
    {"wasm", "application/wasm"},          {"mp4", "video/mp4"},
};

/* The static view: the rule's <path:filename> under the app's static folder. */
static int static_view(vial_request *req, vial_response *res)
{
    const char *folder = req->app ? req->app->static_folder : NULL;
    const char *file = vial_view_arg(req, "filename");
    if (folder == NULL || file == NULL)
        return 404;
    return vial_send_file(res, folder, file);
}

/* A copy of s, or NULL. */
static char *static_dup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d != NULL)
        memcpy(d, s, n);
    return d;
}

/* 1 when relpath may be joined to a folder: not empty, not absolute, no ".." part. */
static int static_relpath_ok(const char *relpath)
{
    if (relpath == NULL || relpath[0] == '\0' || relpath[0] == '/')
        return 0;
    for (const char *p = relpath; *p; ) {
        size_t n = strcspn(p, "/");
        if (n == 2 && p[0] == '.' && p[1] == '.')
            return 0;
        p += n + (p[n] == '/');
    }
    return 1;
}

/* Reads the regular file fd into res's body. Returns 0 or -1. */
static int static_read(int fd, vial_response *res)
{
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > STATIC_MAX_FILE)
        return -1;
    char *buf = malloc((size_t)st.st_size + 1);
    size_t got = 0;
    while (buf != NULL && got < (size_t)st.st_size) {
        ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    int rc = buf != NULL && got == (size_t)st.st_size
             && vial_response_set_body(res, buf, got) == 0 ? 0 : -1;
    free(buf);
    return rc;
}
/* SOLUTION(08) END */

int vial_app_static(vial_app *app, const char *url_prefix, const char *folder)
{
/* SOLUTION(08) BEGIN */
    if (app == NULL || folder == NULL || app->static_folder != NULL)
        return -1;
    if (url_prefix == NULL)
        url_prefix = "/static";
    size_t n = strlen(url_prefix);
    while (n > 0 && url_prefix[n - 1] == '/')
        n--;
    char rule[1024];
    int len = snprintf(rule, sizeof rule, "%.*s/<path:filename>", (int)n, url_prefix);
    if (len < 0 || (size_t)len >= sizeof rule || rule[0] != '/')
        return -1;
    app->static_prefix = static_dup(rule);
    app->static_folder = static_dup(folder);
    if (app->static_prefix == NULL || app->static_folder == NULL
        || vial_app_route(app, "GET", rule, "static", static_view) < 0) {
        free(app->static_prefix);
        free(app->static_folder);
        app->static_prefix = app->static_folder = NULL;
        return -1;
    }
    app->static_prefix[n] = '\0';       /* keep just the prefix */
    return 0;
/* SOLUTION(08) STUB
    (void)app;
    (void)url_prefix;
    (void)folder;
    return -1;
   SOLUTION(08) END */
}

int vial_send_file(vial_response *res, const char *folder, const char *relpath)
{
/* SOLUTION(08) BEGIN */
    char root[PATH_MAX], full[PATH_MAX], real[PATH_MAX];
    if (folder == NULL || !static_relpath_ok(relpath) || realpath(folder, root) == NULL)
        return vial_abort(res, 404);
    int n = snprintf(full, sizeof full, "%s/%s", root, relpath);
    if (n < 0 || (size_t)n >= sizeof full || realpath(full, real) == NULL)
        return vial_abort(res, 404);
    /* After symlinks are resolved the file must still be inside the folder. */
    size_t rlen = strlen(root);
    if (strncmp(real, root, rlen) != 0 || (real[rlen] != '/' && strcmp(root, "/") != 0))
        return vial_abort(res, 404);
    int fd = open(real, O_RDONLY | O_NOCTTY | O_NONBLOCK);
    if (fd < 0)
        return vial_abort(res, 404);
    vial_response_free(res);
    int rc = static_read(fd, res);
    close(fd);
    if (rc < 0)
        return vial_abort(res, 404);
    vial_response_set_header(res, "Content-Type", vial_mime_type(relpath));
    return 0;
/* SOLUTION(08) STUB
    (void)folder;
    (void)relpath;
    return vial_abort(res, 404);
   SOLUTION(08) END */
}

const char *vial_mime_type(const char *filename)
{
/* SOLUTION(08) BEGIN */
    const char *slash = filename ? strrchr(filename, '/') : NULL;
    const char *base = slash ? slash + 1 : filename;
    const char *dot = base ? strrchr(base, '.') : NULL;
    if (dot == NULL || dot == base)     /* no extension, or a dot file like ".env" */
        return "application/octet-stream";
    for (size_t i = 0; i < sizeof static_types / sizeof static_types[0]; i++)
        if (strcasecmp(dot + 1, static_types[i].ext) == 0)
            return static_types[i].type;
    return "application/octet-stream";
/* SOLUTION(08) STUB
    (void)filename;
    return "application/octet-stream";
   SOLUTION(08) END */
}
