/* client-course.c (test) -- the learner's copy of the class course (runner/client-course.c)
 * against a canned server in this process (libmicrohttpd): where the course lives
 * (XDG_DATA_HOME, HOME, the host and port as a folder name), a bundle fetched with the
 * token and swapped in for the old one with nothing left beside it, and hostile answers
 * (a bundle with a `..` entry, a link, bytes that are no tar.gz, a 401, a 500, no server)
 * refused in words with the old course left whole; the server's progress decoded, its
 * text cleaned, and each malformed field named. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <microhttpd.h>

#include "client.h"
#include "course.h"
#include "tap.h"
#include "util.h"

#define TOKEN "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

/* What the canned server answers next, and what it saw. */
static struct {
    unsigned status;
    const char *type;
    char *body;
    size_t len;
    char auth[256];
    char url[256];
} canned;

static enum MHD_Result t_answer(void *cls, struct MHD_Connection *c, const char *url,
                                const char *method, const char *version,
                                const char *upload, size_t *upload_len, void **state)
{
    (void)cls, (void)method, (void)version, (void)upload, (void)upload_len, (void)state;
    const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
    snprintf(canned.auth, sizeof canned.auth, "%s", auth ? auth : "");
    snprintf(canned.url, sizeof canned.url, "%s", url);
    struct MHD_Response *r = MHD_create_response_from_buffer(canned.len, canned.body,
                                                             MHD_RESPMEM_MUST_COPY);
    MHD_add_response_header(r, "Content-Type", canned.type);
    enum MHD_Result rc = MHD_queue_response(c, canned.status, r);
    MHD_destroy_response(r);
    return rc;
}

static void t_set(unsigned status, const char *type, const void *body, size_t len)
{
    free(canned.body);
    canned.body = xmalloc(len + 1);
    memcpy(canned.body, body, len);
    canned.len = len;
    canned.status = status;
    canned.type = type;
}

static la_ssize_t t_write_cb(struct archive *a, void *data, const void *buf, size_t n)
{
    (void)a;
    sb_add(data, buf, n);
    return (la_ssize_t)n;
}

/* A tar.gz of names[i] holding texts[i] (a text starting "->" makes a link to the
 * rest). */
static char *t_tar(const char *const *names, const char *const *texts, size_t n,
                   size_t *len)
{
    struct sb out = { 0 };
    struct archive *a = archive_write_new();
    archive_write_add_filter_gzip(a);
    archive_write_set_format_pax_restricted(a);
    archive_write_open(a, &out, NULL, t_write_cb, NULL);
    for (size_t i = 0; i < n; i++) {
        struct archive_entry *e = archive_entry_new();
        int link = strncmp(texts[i], "->", 2) == 0;
        archive_entry_set_pathname(e, names[i]);
        archive_entry_set_filetype(e, link ? AE_IFLNK : AE_IFREG);
        archive_entry_set_perm(e, 0644);
        if (link)
            archive_entry_set_symlink(e, texts[i] + 2);
        archive_entry_set_size(e, link ? 0 : (la_int64_t)strlen(texts[i]));
        archive_write_header(a, e);
        if (!link)
            archive_write_data(a, texts[i], strlen(texts[i]));
        archive_entry_free(e);
    }
    archive_write_close(a);
    archive_write_free(a);
    *len = out.len;
    return sb_steal(&out);
}

/* Serves a bundle of upto whose one lesson says word. */
static void t_bundle(const char *upto, const char *word)
{
    char mark[64];
    snprintf(mark, sizeof mark, "stacklab bundle 1\nupto %s\n", upto);
    const char *names[] = { "BUNDLE", "lessons/01-x.md" }, *texts[] = { mark, word };
    size_t len;
    char *tar = t_tar(names, texts, 2, &len);
    t_set(200, "application/gzip", tar, len);
    free(tar);
}

/* The names in dir, sorted, space-separated. Caller frees. */
static char *t_ls(const char *dir)
{
    char **names = course_list_dir(dir);
    struct sb out = { 0 };
    sb_init(&out);
    for (size_t i = 0; names != NULL && names[i] != NULL; i++) {
        sb_printf(&out, "%s%s", i ? " " : "", names[i]);
        free(names[i]);
    }
    free(names);
    return sb_steal(&out);
}

static char *t_read(const char *dir, const char *rel)
{
    char *p = util_path_join(dir, rel);
    char *text = util_read_file(p, 4096, NULL);
    free(p);
    return text;
}

static void t_paths(const char *tmp, unsigned port)
{
    char *cause = NULL, *want = xasprintf("%s/data/stacklab/class/127.0.0.1_%u/course", tmp,
                                          port);
    char *url = xasprintf("http://127.0.0.1:%u", port);
    char *data = xasprintf("%s/data", tmp);
    setenv("XDG_DATA_HOME", data, 1);
    free(data);
    char *p = client_course_path(url, &cause);
    is_str(p, want, "course path: XDG_DATA_HOME/stacklab/class/HOST_PORT/course");
    free(p);
    p = client_course_path("https://Class.Example.ORG/x/", &cause);
    like(p, "/stacklab/class/class.example.org_443/course", "host in lower case, "
         "https's default port");
    free(p);
    p = client_course_path("http://[::1]:8080", &cause);
    like(p, "/class/--1_8080/course", "an IPv6 host's colons become '-'");
    free(p);
    setenv("XDG_DATA_HOME", "relative", 1);
    p = client_course_path(url, &cause);
    like(p, "/home/.local/share/stacklab/class/127.0.0.1_", "a relative XDG_DATA_HOME: "
         "HOME/.local/share");
    free(p);
    char *home = xstrdup(getenv("HOME"));
    unsetenv("HOME");
    p = client_course_path(url, &cause);
    ok(p == NULL && cause != NULL && strstr(cause, "neither XDG_DATA_HOME nor HOME"),
       "neither: NULL, said in words");
    free(cause);
    setenv("HOME", home, 1);
    free(home);
    free(p);
    free(url);
    free(want);
}

/* One fetch: rc, and the cause when it failed. */
static int t_fetch(const struct client_server *s, char **path, int *upto, char **cause,
                   int *user_fault)
{
    *cause = NULL;
    *path = NULL;
    return client_course_fetch(s, path, upto, cause, user_fault);
}

static void t_fetches(const struct client_server *s, const char *dest)
{
    char *path, *cause, *text, *ls;
    int upto = 0, uf = 0;
    char *parent = xstrndup(dest, (size_t)(strrchr(dest, '/') - dest));
    t_bundle("03", "first");
    int rc = t_fetch(s, &path, &upto, &cause, &uf);
    ok(rc == 0 && upto == 3 && path && strcmp(path, dest) == 0, "a bundle is fetched into "
       "the class's folder (upto %d) %s", upto, cause ? cause : "");
    is_str(canned.url, "/api/v1/bundle", "from GET /api/v1/bundle");
    is_str(canned.auth, "Bearer " TOKEN, "with the token");
    free(path);
    free(cause);
    t_bundle("05", "second");
    rc = t_fetch(s, &path, &upto, &cause, &uf);
    text = t_read(dest, "lessons/01-x.md");
    ls = t_ls(parent);
    ok(rc == 0 && upto == 5 && text && strcmp(text, "second") == 0, "a second bundle "
       "replaces the first");
    is_str(ls, "course", "nothing is left beside it (the old one removed)");
    free(text), free(ls), free(path), free(cause);

    static const struct { const char *name, *text, *want, *what; } bad[] = {
        { "../evil", "x", "../evil", "a .. entry" },
        { "lessons/l", "->/etc/passwd", "lessons/l", "a link" },
        { "exams/k.exam", "key", "exams/k.exam", "a folder no bundle has" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        const char *names[] = { "BUNDLE", bad[i].name };
        const char *texts[] = { "stacklab bundle 1\nupto 07\n", bad[i].text };
        size_t len;
        char *tar = t_tar(names, texts, 2, &len);
        t_set(200, "application/gzip", tar, len);
        free(tar);
        rc = t_fetch(s, &path, &upto, &cause, &uf);
        text = t_read(dest, "lessons/01-x.md");
        ls = t_ls(parent);
        ok(rc < 0 && cause && strstr(cause, "bundle is refused") && strstr(cause, bad[i].want)
           && text && strcmp(text, "second") == 0 && strcmp(ls, "course") == 0,
           "%s is refused naming it, the old course whole, nothing left: %s", bad[i].what,
           cause ? cause : "(no cause)");
        free(text), free(ls), free(cause);
    }
    t_set(200, "application/gzip", "not a tar.gz at all", 19);
    rc = t_fetch(s, &path, &upto, &cause, &uf);
    ok(rc < 0 && cause && strstr(cause, "bundle is refused"), "bytes that are no tar.gz: %s",
       cause ? cause : "");
    free(cause);
    t_set(401, "application/json", "{\"error\":\"Authorization: not a valid token\"}", 44);
    rc = t_fetch(s, &path, &upto, &cause, &uf);
    ok(rc < 0 && uf == 1 && cause && strstr(cause, "answered 401")
       && strstr(cause, "run stacklab login again"), "a 401 is the learner's: %s", cause);
    free(cause);
    t_set(500, "application/json", "{\"error\":\"\\u001b[2Jboom\"}", 25);
    rc = t_fetch(s, &path, &upto, &cause, &uf);
    ok(rc < 0 && uf == 0 && cause && strstr(cause, "answered 500") && !strchr(cause, 033),
       "a 500 is not, and its words are cleaned: %s", cause);
    free(cause);
    text = t_read(dest, "BUNDLE");
    is_str(text, "stacklab bundle 1\nupto 05\n", "after every refusal the old course stands");
    free(text);
    free(parent);
}

/* The progress answer body decoded: rc, with the cause when it failed. */
static int t_progress(const struct client_server *s, const char *body,
                      struct client_progress *p, char **cause)
{
    int uf;
    *cause = NULL;
    t_set(200, "application/json", body, strlen(body));
    return client_progress_get(s, p, cause, &uf);
}

static void t_progresses(const struct client_server *s)
{
    struct client_progress p;
    char *cause;
    int rc = t_progress(s, "{\"learner\":\"ada\\u001b[2J\",\"class\":\"c1\",\"labs\":["
                        "{\"lab\":\"90\",\"attempts\":2,\"passed\":true,\"best_passed\":3,"
                        "\"total\":3,\"last\":1700000000},{\"lab\":\"91\",\"attempts\":0,"
                        "\"passed\":false,\"best_passed\":0,\"total\":0,\"last\":null}],"
                        "\"current\":\"91\"}", &p, &cause);
    ok(rc == 0 && p.nlabs == 2 && strcmp(p.current, "91") == 0 && p.labs[0].passed
       && p.labs[0].attempts == 2 && p.labs[0].best_passed == 3 && p.labs[0].total == 3
       && p.labs[0].last == 1700000000 && !p.labs[1].passed && p.labs[1].last == 0
       && strcmp(p.class_name, "c1") == 0, "progress decodes %s", cause ? cause : "");
    is_str(canned.url, "/api/v1/progress", "from GET /api/v1/progress");
    ok(p.learner && !strchr(p.learner, 033), "the learner's name is cleaned: %s", p.learner);
    client_progress_free(&p);

    static const struct { const char *body, *want; } bad[] = {
        { "[1]", "malformed: not a JSON object" },
        { "{\"class\":\"c\",\"labs\":[]}", "learner: not a string" },
        { "{\"learner\":\"a\",\"class\":1,\"labs\":[]}", "class: not a string" },
        { "{\"learner\":\"a\",\"class\":\"c\",\"labs\":{}}", "labs: not an array" },
        { "{\"learner\":\"a\",\"class\":\"c\",\"labs\":[],\"current\":\"../x\"}",
          "current: not a lab id" },
        { "{\"learner\":\"a\",\"class\":\"c\",\"labs\":[{\"lab\":\"9\\u001b\"}]}",
          "labs[0].lab: not a lab id" },
        { "{\"learner\":\"a\",\"class\":\"c\",\"labs\":[{\"lab\":\"90\",\"attempts\":-1}]}",
          "labs[0].attempts: not a whole number in range" },
        { "{\"learner\":\"a\",\"class\":\"c\",\"labs\":[{\"lab\":\"90\",\"attempts\":1,"
          "\"best_passed\":0,\"total\":0,\"passed\":true,\"last\":null},{\"lab\":\"91\","
          "\"attempts\":1,\"best_passed\":0,\"total\":0,\"passed\":1}]}",
          "labs[1].passed: not a boolean" },
        { "{\"learner\":\"a\",\"class\":\"c\",\"labs\":[{\"lab\":\"90\",\"attempts\":1.5}]}",
          "labs[0].attempts: not a whole number" },
        { "{\"learner\":\"a\",\"class\":\"c\",\"labs\":[{\"lab\":\"90\",\"attempts\":1,"
          "\"best_passed\":0,\"total\":0,\"passed\":true,\"last\":\"now\"}]}",
          "labs[0].last: not a whole number" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        rc = t_progress(s, bad[i].body, &p, &cause);
        ok(rc < 0 && cause && strstr(cause, bad[i].want) && p.labs == NULL,
           "malformed progress %zu names the field: %s", i + 1, cause ? cause : "(none)");
        free(cause);
    }
}

int main(void)
{
    const char *t = getenv("TMPDIR");
    char *tmp = xasprintf("%s/stacklab-client-course.XXXXXX", t && *t ? t : "/tmp");
    if (mkdtemp(tmp) == NULL)
        tap_bail_out("mkdtemp: %s", strerror(errno));
    char *home = xasprintf("%s/home", tmp);
    util_mkdirs(home, 0700);
    setenv("HOME", home, 1);
    char *config = xasprintf("%s/config", tmp);
    setenv("XDG_CONFIG_HOME", config, 1);
    free(config);
    struct MHD_Daemon *d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL,
                                            t_answer, NULL, MHD_OPTION_END);
    if (d == NULL)
        tap_bail_out("cannot start the canned server");
    unsigned port = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT)->port;
    t_paths(tmp, port);
    char *data = xasprintf("%s/data", tmp);
    setenv("XDG_DATA_HOME", data, 1);
    free(data);

    char *url = xasprintf("http://127.0.0.1:%u", port), *cause = NULL;
    struct client_server s = { .url = url, .token = TOKEN };
    char *dest = client_course_path(url, &cause);
    ok(client_course_current() == NULL, "not logged in: no class course");
    ok(client_server_save(&s, &cause) == 0, "logged in (the server file written)");
    char *cur = client_course_current();
    ok(cur == NULL, "logged in, nothing fetched yet: no class course");
    free(cur);
    t_fetches(&s, dest);
    cur = client_course_current();
    is_str(cur, dest, "logged in with the course fetched: it is the class course");
    free(cur);
    t_progresses(&s);
    MHD_stop_daemon(d);

    char *path = NULL;
    int upto = 0, uf = 0;
    int rc = t_fetch(&s, &path, &upto, &cause, &uf);
    ok(rc < 0 && uf == 0 && cause && strstr(cause, "cannot reach"), "no server: %s", cause);
    free(cause);
    util_rmtree(tmp);
    free(dest), free(url), free(home), free(tmp), free(canned.body);
    return tap_done_testing();
}
