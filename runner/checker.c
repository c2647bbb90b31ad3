/* checker.c -- builds a lab's checker outside the sandbox (checker.c + labs/tap.c +
 * labs/wire.c + labs/httpcheck.c + the reference framework rendered with markers dropped)
 * and caches the executable by a SHA-256 of its inputs, what they include and its flags
 * in CACHE/checkers/. */
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "checker.h"
#include "grader.h"
#include "starter.h"
#include "util.h"

#define CHECKER_FILE_CAP (1u << 20)

static const char *const checker_flags[] = {
    "-std=c11", "-D_GNU_SOURCE", "-DVIAL_REFERENCE", "-O1", "-g", "-pipe", NULL
};
/* --wrap: every libmicrohttpd daemon a checker starts has no listening socket
 * (labs/refserver.c), so the subject cannot reach the checker's reference server. */
static const char *const checker_libs[] = {
    "-Wl,--wrap=MHD_start_daemon", "-lcurl", "-lmicrohttpd", "-lcrypto", "-lsqlite3", "-lpthread", NULL
};

/* Reference files of a track rendered with markers dropped, as (name, text) pairs. */
struct checker_ref {
    char **names, **texts;
    size_t n;
};

static void checker_ref_free(struct checker_ref *r)
{
    for (size_t i = 0; i < r->n; i++)
        free(r->names[i]), free(r->texts[i]);
    free(r->names);
    free(r->texts);
}

static int checker_ref_load(const char *root, const char *track, struct checker_ref *r,
                           char **cause)
{
    char *dir = xasprintf("%s/labs/%s", root, track);
    char **names = NULL;
    size_t n = 0;
    grader_list_sources(dir, NULL, ".c", &names, &n);
    grader_list_sources(dir, NULL, ".h", &names, &n);
    memset(r, 0, sizeof *r);
    r->names = xcalloc(n + 1, sizeof *r->names);
    r->texts = xcalloc(n + 1, sizeof *r->texts);
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        char *path = util_path_join(dir, names[i]);
        size_t len;
        char *text = util_read_file(path, CHECKER_FILE_CAP, &len);
        char *ref = text ? starter_reference(text, len, path, cause) : NULL;
        if (text == NULL)
            *cause = xasprintf("%s: %s", path, strerror(errno));
        if (ref == NULL)
            rc = -1;
        else
            r->names[r->n] = xstrdup(names[i]), r->texts[r->n++] = ref;
        free(text);
        free(path);
    }
    grader_strv_free(names);
    free(dir);
    return rc;
}

/* Feeds a name and its content to the digest, each length-prefixed. */
static void checker_digest_add(EVP_MD_CTX *md, const char *name, const char *text, size_t len)
{
    uint64_t sizes[2] = { strlen(name), len };
    EVP_DigestUpdate(md, sizes, sizeof sizes);
    EVP_DigestUpdate(md, name, sizes[0]);
    EVP_DigestUpdate(md, text, len);
}

/* SHA-256 (hex) of the checker's inputs and flags. Returns 0 or -1 with *cause. */
static int checker_key(const char *const *paths, const struct checker_ref *ref,
                              char hex[65], char **cause)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    EVP_DigestInit_ex(md, EVP_sha256(), NULL);
    const char *const *flagsets[] = { checker_flags, checker_libs };
    for (size_t s = 0; s < 2; s++)
        for (size_t i = 0; flagsets[s][i] != NULL; i++)
            checker_digest_add(md, "flag", flagsets[s][i], strlen(flagsets[s][i]));
    int rc = 0;
    for (size_t i = 0; paths[i] != NULL && rc == 0; i++) {
        size_t len;
        char *text = util_read_file(paths[i], CHECKER_FILE_CAP, &len);
        if (text == NULL) {
            *cause = xasprintf("%s: %s", paths[i], strerror(errno));
            rc = -1;
        } else {
            checker_digest_add(md, strrchr(paths[i], '/') + 1, text, len);
        }
        free(text);
    }
    for (size_t i = 0; i < ref->n; i++)
        checker_digest_add(md, ref->names[i], ref->texts[i], strlen(ref->texts[i]));
    unsigned char out[32];
    unsigned int outlen = 0;
    EVP_DigestFinal_ex(md, out, &outlen);
    EVP_MD_CTX_free(md);
    for (size_t i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", out[i]);
    return rc;
}

/* Runs argv (trusted: the course's own compile) in cwd, stderr into *log. Returns the
 * exit status, or -1. */
static int checker_spawn(char **argv, const char *cwd, char **log)
{
    char *logpath = util_path_join(cwd, "build.log");
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd < 0 || chdir(cwd) < 0)
            _exit(127);
        dup2(fd, 1);
        dup2(fd, 2);
        execvp(argv[0], argv);
        _exit(127);
    }
    int status = -1;
    while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    *log = util_read_file(logpath, 64 * 1024, NULL);
    free(logpath);
    return pid > 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Builds the checker of lab into a temp folder of cache and moves it to `exe`. */
static int checker_build(const struct course *c, const struct lab *lab,
                                const struct checker_ref *ref, const char *const *paths,
                                const char *cache, const char *exe, char **cause)
{
    char *tmp = xasprintf("%s/checker-build-XXXXXX", cache);
    if (mkdtemp(tmp) == NULL) {
        *cause = xasprintf("%s: %s", tmp, strerror(errno));
        free(tmp);
        return -1;
    }
    char *vdir = xasprintf("%s/%s", tmp, lab->track);
    util_mkdirs(vdir, 0700);
    char **extra = NULL;
    size_t n = 0;
    for (size_t i = 0; i < ref->n; i++) {
        char *to = util_path_join(vdir, ref->names[i]);
        util_write_file(to, ref->texts[i], strlen(ref->texts[i]), 0600);
        free(to);
    }
    grader_list_sources(vdir, vdir, ".c", &extra, &n);
    char *incs[] = { xasprintf("-I%s", vdir), xasprintf("-I%s", tmp),
                     xasprintf("-I%s/labs", c->root), xasprintf("-I%s", lab->dir),
                     "-o", "checker", NULL };
    const char *head[] = { "gcc", NULL };
    char **srcs = grader_argv((const char *const *)incs, paths, extra, NULL);
    char **argv = grader_argv(head, checker_flags, srcs, checker_libs);
    char *log = NULL;
    int st = checker_spawn(argv, tmp, &log);
    char *built = util_path_join(tmp, "checker");
    int rc = 0;
    if (st != 0 || rename(built, exe) < 0) {
        *cause = xasprintf("the checker of lab %s did not build:\n%s", lab->id,
                           log ? log : strerror(errno));
        rc = -1;
    }
    for (size_t i = 0; i < 4; i++)
        free(incs[i]);
    free(built);
    free(log);
    grader_strv_free(argv);
    grader_strv_free(srcs);
    grader_strv_free(extra);
    util_rmtree(tmp);
    free(vdir);
    free(tmp);
    return rc;
}

char *checker_path(const struct course *c, const struct lab *lab, const char *cache,
                            char **cause)
{
    struct checker_ref ref;
    if (checker_ref_load(c->root, lab->track, &ref, cause) < 0) {
        checker_ref_free(&ref);
        return NULL;
    }
    /* labs/httpcheck.c (the libcurl side of HTTP checkers) and labs/refserver.c (the
     * checker's own servers, without a port) join every checker when the course has
     * them. */
    char *paths[] = { xasprintf("%s/checker.c", lab->dir), xasprintf("%s/labs/tap.c", c->root),
                      xasprintf("%s/labs/wire.c", c->root),
                      xasprintf("%s/labs/httpcheck.c", c->root),
                      xasprintf("%s/labs/refserver.c", c->root), NULL };
    for (size_t i = 3; i < 5; i++)
        if (!util_is_file(paths[i])) {
            free(paths[i]);
            paths[i] = NULL;
        }
    if (paths[3] == NULL && paths[4] != NULL)
        paths[3] = paths[4], paths[4] = NULL;
    /* The key also covers what those files include: every source and header of the lab
     * folder (a checker may include its driver) and the course's shared headers. */
    char **keyed = grader_argv((const char *const *)paths, NULL, NULL, NULL);
    size_t nkeyed = 0;
    while (keyed[nkeyed] != NULL)
        nkeyed++;
    char *labsdir = xasprintf("%s/labs", c->root);
    grader_list_sources(lab->dir, lab->dir, ".c", &keyed, &nkeyed);
    grader_list_sources(lab->dir, lab->dir, ".h", &keyed, &nkeyed);
    grader_list_sources(labsdir, labsdir, ".h", &keyed, &nkeyed);
    free(labsdir);
    char hex[65];
    char *exe = NULL;
    if (checker_key((const char *const *)keyed, &ref, hex, cause) == 0) {
        char *dir = xasprintf("%s/checkers", cache);
        util_mkdirs(dir, 0700);
        exe = xasprintf("%s/%s", dir, hex);
        if (access(exe, X_OK) != 0
            && checker_build(c, lab, &ref, (const char *const *)paths, cache, exe,
                                    cause) < 0) {
            free(exe);
            exe = NULL;
        }
        free(dir);
    }
    for (size_t i = 0; paths[i] != NULL; i++)
        free(paths[i]);
    grader_strv_free(keyed);
    checker_ref_free(&ref);
    return exe;
}

