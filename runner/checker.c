/* checker.c -- builds a lab's checker outside the sandbox (checker.c + the kit's tap.c,
 * wire.c, httpcheck.c and refserver.c + the references of the lab's track and of the
 * tracks it builds on, rendered with markers dropped) and caches the executable by a
 * SHA-256 of its inputs, what they include and its flags in CACHE/checkers/. The
 * references and the kit's sources are compiled once per content into
 * CACHE/checker-objs/ and shared by every lab's checker; checker.c alone is compiled
 * for each lab. One build
 * of a key at a time: CACHE/checkers/KEY.lock is held while it is built, so a check that
 * needs a checker being built (by the warm-up `stacklab init` starts, or another check)
 * waits for it and reuses it. */
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "checker.h"
#include "track.h"
#include "grader.h"
#include "starter.h"
#include "util.h"

#define CHECKER_FILE_CAP (1u << 20)

static const char *const checker_flags[] = {
    "-std=c11", "-D_GNU_SOURCE", "-DSTACKLAB_REFERENCE", "-O1", "-g", "-pipe", NULL
};
/* --wrap: every libmicrohttpd daemon a checker starts serves only the checker's own
 * connections (labs/kit/refserver.c), so the subject cannot reach its reference server.
 * The track's libraries follow (track_ldflags). */
static const char *const checker_link[] = { "-Wl,--wrap=MHD_start_daemon", NULL };

/* Reference files of a lab's tracks (its own and those it builds on) rendered with
 * markers dropped, as ("FOLDER/name", text) pairs. */
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

/* Adds the reference of track t (labs/TRACK/ref) to r as "FOLDER/name" pairs. */
static int checker_ref_add(const struct track *t, struct checker_ref *r, char **cause)
{
    char *dir = util_path_join(t->dir, "ref");
    char **names = NULL;
    size_t n = 0;
    grader_list_sources(dir, NULL, ".c", &names, &n);
    grader_list_sources(dir, NULL, ".h", &names, &n);
    r->names = xrealloc(r->names, (r->n + n + 1) * sizeof *r->names);
    r->texts = xrealloc(r->texts, (r->n + n + 1) * sizeof *r->texts);
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
            r->names[r->n] = xasprintf("%s/%s", t->folder, names[i]), r->texts[r->n++] = ref;
        free(text);
        free(path);
    }
    grader_strv_free(names);
    free(dir);
    return rc;
}

/* The references of lab's track and of the tracks it builds on. Returns 0 or -1. */
static int checker_ref_load(const struct lab *lab, struct checker_ref *r, char **cause)
{
    memset(r, 0, sizeof *r);
    int rc = 0;
    for (const struct track *t = lab->trk; t != NULL && rc == 0; t = t->base)
        rc = checker_ref_add(t, r, cause);
    return rc;
}

/* The flags after the sources: the wrap, then the track's libraries as words. */
static char **checker_libs(const struct lab *lab)
{
    char *ld = track_ldflags(lab->trk);
    size_t n = 0, cap = 8;
    char **v = xcalloc(cap, sizeof *v);
    for (size_t i = 0; checker_link[i] != NULL; i++)
        v[n++] = xstrdup(checker_link[i]);
    for (char *save = NULL, *w = strtok_r(ld, " \t", &save); w != NULL;
         w = strtok_r(NULL, " \t", &save)) {
        if (n + 2 > cap)
            v = xrealloc(v, (cap *= 2) * sizeof *v);
        v[n++] = xstrdup(w);
    }
    v[n] = NULL;
    free(ld);
    return v;
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
                       const char *const *libs, const char *const *cflags, char hex[65],
                       char **cause)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    EVP_DigestInit_ex(md, EVP_sha256(), NULL);
    const char *const *flagsets[] = { checker_flags, cflags, libs };
    for (size_t s = 0; s < 3; s++)
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

/* Starts argv (trusted: the course's own compile) in cwd, its output into cwd/logname.
 * Returns the pid, or -1. */
static pid_t checker_start(char **argv, const char *cwd, const char *logname)
{
    char *logpath = util_path_join(cwd, logname);
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
    free(logpath);
    return pid;
}

/* Waits for pid (any child when pid is -1). Returns the pid reaped, or -1; *ok is 1 when
 * it exited with status 0. */
static pid_t checker_wait(pid_t pid, int *ok)
{
    int status = 0;
    pid_t got;
    while ((got = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
        ;
    *ok = got > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
    return got;
}

/* Runs argv in cwd, its output into *log (caller frees; NULL when none could be read).
 * Returns 0 when it exited with status 0, else -1. */
static int checker_spawn(char **argv, const char *cwd, char **log)
{
    int ok = 0;
    pid_t pid = checker_start(argv, cwd, "build.log");
    if (pid > 0)
        checker_wait(pid, &ok);
    char *logpath = util_path_join(cwd, "build.log");
    *log = util_read_file(logpath, 64 * 1024, NULL);
    free(logpath);
    return ok ? 0 : -1;
}

/* How many compilers run at once for the shared objects: the online CPUs, 1 to 4. */
static int checker_jobs(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 4 ? 4 : (int)n;
}

/* The objects every checker of a track shares (the references and the kit's sources):
 * each srcs[i] is compiled with flags (-c, no lab folder on the include path) into
 * CACHE/checker-objs/KEY.o unless that exists, KEY a SHA-256 of base (flags, every
 * reference text and the kit's headers) and the source's name and text. Compiles run
 * checker_jobs() at a time in tmp, each writing a temporary name in CACHE/checker-objs/
 * (the same file system, whatever folder the cache links there) renamed into place once
 * every one built (atomic: two builds may race, both write the same object). objs[i] gets each object's path (caller frees).
 * Returns 0, or -1 with *cause holding the compiler's messages. */
static int checker_objects(char *const *srcs, char *const *flags, const EVP_MD_CTX *base,
                           const char *cache, const char *tmp, char **objs, char **cause)
{
    char *dir = xasprintf("%s/checker-objs", cache);
    util_mkdirs(dir, 0700);
    size_t n = 0;
    while (srcs[n] != NULL)
        n++;
    pid_t *pids = xcalloc(n + 1, sizeof *pids);
    int rc = 0, running = 0, jobs = checker_jobs();
    for (size_t i = 0; i < n; i++) {
        size_t len;
        char *text = util_read_file(srcs[i], CHECKER_FILE_CAP, &len);
        EVP_MD_CTX *md = EVP_MD_CTX_new();
        EVP_MD_CTX_copy_ex(md, base);
        /* Named as the checker sees it: under tmp for a reference, else by its base name
         * (tmp's own name and the course's place change from build to build). */
        size_t tl = strlen(tmp);
        const char *name = strncmp(srcs[i], tmp, tl) == 0 ? srcs[i] + tl
                                                           : strrchr(srcs[i], '/') + 1;
        checker_digest_add(md, name, text ? text : "", text ? len : 0);
        unsigned char out[32];
        unsigned int outlen = 0;
        EVP_DigestFinal_ex(md, out, &outlen);
        EVP_MD_CTX_free(md);
        free(text);
        char hex[65];
        for (size_t k = 0; k < 32; k++)
            snprintf(hex + 2 * k, 3, "%02x", out[k]);
        objs[i] = xasprintf("%s/%s.o", dir, hex);
        if (access(objs[i], R_OK) == 0)
            continue;
        for (int ok; running >= jobs; running--)
            if (checker_wait(-1, &ok) < 0 || !ok)
                rc = -1;
        char *o = xasprintf("%s/tmp-%ld-%zu.o", dir, (long)getpid(), i);
        char *logname = xasprintf("obj-%zu.log", i);
        const char *head[] = { "gcc", "-c", NULL };
        const char *tail[] = { srcs[i], "-o", o, NULL };
        char **argv = grader_argv(head, (const char *const *)flags, NULL, tail);
        pids[i] = checker_start(argv, tmp, logname);
        running += pids[i] > 0;
        if (pids[i] < 0)
            rc = -1;
        grader_strv_free(argv);
        free(o);
        free(logname);
    }
    for (int ok; running > 0; running--)
        if (checker_wait(-1, &ok) < 0 || !ok)
            rc = -1;
    /* Store what built; on failure, the first log with something in it says why. */
    for (size_t i = 0; i < n; i++) {
        if (pids[i] <= 0)
            continue;
        char *o = xasprintf("%s/tmp-%ld-%zu.o", dir, (long)getpid(), i);
        char *l = xasprintf("%s/obj-%zu.log", tmp, i);
        char *log = util_read_file(l, 64 * 1024, NULL);
        if (rc < 0 && *cause == NULL && log != NULL && log[0] != '\0')
            *cause = xstrdup(log);
        if (rc == 0 && rename(o, objs[i]) < 0) {
            *cause = xasprintf("%s: %s", objs[i], strerror(errno));
            rc = -1;
        }
        if (rc < 0)
            unlink(o);
        free(log);
        free(o);
        free(l);
    }
    if (rc < 0 && *cause == NULL)
        *cause = xstrdup("the compiler could not be run");
    free(pids);
    free(dir);
    return rc;
}

/* The digest every shared object's key starts from: the compile flags, every reference
 * text and the kit's headers (what a reference or kit source may include). */
static EVP_MD_CTX *checker_base(const struct course *c, const struct checker_ref *ref,
                                const char *const *cflags)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    EVP_DigestInit_ex(md, EVP_sha256(), NULL);
    const char *const *flagsets[] = { checker_flags, cflags };
    for (size_t s = 0; s < 2; s++)
        for (size_t i = 0; flagsets[s][i] != NULL; i++)
            checker_digest_add(md, "flag", flagsets[s][i], strlen(flagsets[s][i]));
    for (size_t i = 0; i < ref->n; i++)
        checker_digest_add(md, ref->names[i], ref->texts[i], strlen(ref->texts[i]));
    char *kitdir = track_kit_path(c, "");
    char **heads = NULL;
    size_t nh = 0;
    grader_list_sources(kitdir, kitdir, ".h", &heads, &nh);
    for (size_t i = 0; i < nh; i++) {
        size_t len;
        char *text = util_read_file(heads[i], CHECKER_FILE_CAP, &len);
        checker_digest_add(md, strrchr(heads[i], '/') + 1, text ? text : "", text ? len : 0);
        free(text);
    }
    grader_strv_free(heads);
    free(kitdir);
    return md;
}

/* Builds the checker of lab into a temp folder of cache and moves it to `exe`: the shared
 * objects (checker_objects) first, then checker.c compiled and linked with them. */
static int checker_build(const struct course *c, const struct lab *lab,
                         const struct checker_ref *ref, const char *const *paths,
                         const char *const *libs, const char *const *cflags,
                         const char *cache, const char *exe, char **cause)
{
    char *tmp = xasprintf("%s/checker-build-XXXXXX", cache);
    if (mkdtemp(tmp) == NULL) {
        *cause = xasprintf("%s: %s", tmp, strerror(errno));
        free(tmp);
        return -1;
    }
    /* Each reference folder is written under its own name and searched for headers,
     * the folders of the tracks built on last. */
    char **kits = track_kit_dirs(lab->trk), **shared = NULL;
    size_t nkits = 0;
    while (kits[nkits] != NULL)
        nkits++;
    char **incs = xcalloc(ref->n + nkits + 6, sizeof *incs);
    size_t n = 0, ni = 0;
    for (size_t i = 0; i < ref->n; i++) {
        char *to = util_path_join(tmp, ref->names[i]);
        char *dir = xstrndup(to, (size_t)(strrchr(to, '/') - to));
        util_mkdirs(dir, 0700);
        util_write_file(to, ref->texts[i], strlen(ref->texts[i]), 0600);
        if (ni == 0 || strcmp(incs[ni - 1] + 2, dir) != 0)
            incs[ni++] = xasprintf("-I%s", dir);
        free(dir);
        free(to);
    }
    for (size_t i = 0; i < ni; i++)
        grader_list_sources(incs[i] + 2, incs[i] + 2, ".c", &shared, &n);
    for (size_t i = 1; paths[i] != NULL; i++) {
        shared = xrealloc(shared, (n + 2) * sizeof *shared);
        shared[n++] = xstrdup(paths[i]);
        shared[n] = NULL;
    }
    incs[ni++] = xasprintf("-I%s", tmp);
    incs[ni++] = xasprintf("-I%s/labs/kit", c->root);
    /* The shared objects never see the lab folder: they are the same for every lab. */
    char **objflags = grader_argv(checker_flags, cflags, (char *const *)incs, NULL);
    incs[ni++] = xasprintf("-I%s", lab->dir);
    /* The track kits after the lab folder, the lab's own track's first. */
    for (size_t i = nkits; i > 0; i--)
        incs[ni++] = xasprintf("-I%s", kits[i - 1]);
    grader_strv_free(kits);
    char **objs = xcalloc(n + 1, sizeof *objs);
    EVP_MD_CTX *base = checker_base(c, ref, cflags);
    char *log = NULL;
    int rc = n > 0 ? checker_objects(shared, objflags, base, cache, tmp, objs, &log) : 0;
    EVP_MD_CTX_free(base);
    if (rc == 0) {
        const char *head[] = { "gcc", NULL };
        const char *out[] = { "-o", "checker", paths[0], NULL };
        char **flags = grader_argv(checker_flags, cflags, (char *const *)incs, out);
        char **argv = grader_argv(head, (const char *const *)flags, objs, libs);
        grader_strv_free(flags);
        rc = checker_spawn(argv, tmp, &log);
        grader_strv_free(argv);
    }
    char *built = util_path_join(tmp, "checker");
    if (rc != 0 || rename(built, exe) < 0) {
        *cause = xasprintf("the checker of lab %s did not build:\n%s", lab->id,
                           log ? log : strerror(errno));
        rc = -1;
    }
    free(built);
    free(log);
    grader_strv_free(objs);
    grader_strv_free(objflags);
    grader_strv_free(shared);
    grader_strv_free(incs);
    util_rmtree(tmp);
    free(tmp);
    return rc;
}

/* Takes dir/KEY.lock, waiting while another process builds that checker. Returns the
 * descriptor to close when done, or -1 when there is no lock to take (then the build
 * goes ahead unlocked: the rename that stores a checker is atomic anyway). */
static int checker_lock(const char *dir, const char *hex)
{
    char *path = xasprintf("%s/%s.lock", dir, hex);
    int fd = open(path, O_RDONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    free(path);
    while (fd >= 0 && flock(fd, LOCK_EX) < 0) {
        if (errno != EINTR) {
            close(fd);
            fd = -1;
        }
    }
    return fd;
}

char *checker_path(const struct course *c, const struct lab *lab, const char *cache,
                   char **cause)
{
    struct checker_ref ref;
    if (checker_ref_load(lab, &ref, cause) < 0) {
        checker_ref_free(&ref);
        return NULL;
    }
    /* The kit: TAP, the wire protocol, and when the course has them the libcurl side of
     * HTTP checks (httpcheck.c) and the checker's own servers (refserver.c). */
    static const char *const kit[] = { "tap.c", "wire.c", "httpcheck.c", "refserver.c" };
    char *paths[6] = { xasprintf("%s/checker.c", lab->dir) };
    size_t np = 1;
    for (size_t i = 0; i < sizeof kit / sizeof kit[0]; i++) {
        paths[np] = track_kit_path(c, kit[i]);
        if (i < 2 || util_is_file(paths[np]))
            np++;
        else
            free(paths[np]);
    }
    paths[np] = NULL;
    /* The key also covers what those files include: every source and header of the lab
     * folder (the lab header it shares with its driver), the headers of its tracks' kit
     * folders and the kit's headers. */
    char **keyed = grader_argv((const char *const *)paths, NULL, NULL, NULL);
    size_t nkeyed = np;
    char *kitdir = track_kit_path(c, "");
    char **kits = track_kit_dirs(lab->trk);
    grader_list_sources(lab->dir, lab->dir, ".c", &keyed, &nkeyed);
    grader_list_sources(lab->dir, lab->dir, ".h", &keyed, &nkeyed);
    for (size_t i = 0; kits[i] != NULL; i++)
        grader_list_sources(kits[i], kits[i], ".h", &keyed, &nkeyed);
    grader_list_sources(kitdir, kitdir, ".h", &keyed, &nkeyed);
    grader_strv_free(kits);
    free(kitdir);
    char **libs = checker_libs(lab);
    const char **cflags = track_cflags(lab->trk);
    char hex[65];
    char *exe = NULL;
    if (checker_key((const char *const *)keyed, &ref, (const char *const *)libs, cflags, hex,
                    cause) == 0) {
        char *dir = xasprintf("%s/checkers", cache);
        util_mkdirs(dir, 0700);
        exe = xasprintf("%s/%s", dir, hex);
        int lock = access(exe, X_OK) == 0 ? -1 : checker_lock(dir, hex);
        if (access(exe, X_OK) != 0
            && checker_build(c, lab, &ref, (const char *const *)paths,
                             (const char *const *)libs, cflags, cache, exe, cause) < 0) {
            free(exe);
            exe = NULL;
        }
        if (lock >= 0)
            close(lock);
        free(dir);
    }
    for (size_t i = 0; paths[i] != NULL; i++)
        free(paths[i]);
    grader_strv_free(keyed);
    grader_strv_free(libs);
    free(cflags);
    checker_ref_free(&ref);
    return exe;
}
