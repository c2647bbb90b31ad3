/* grader.c -- the grading pipeline of docs/course-format.md: per lab, a fresh private
 * build folder, the learner's files copied in (links refused), the subject compiled and
 * run in the sandbox beside the trusted checker (built outside, cached by content), and
 * one verdict from the checker's TAP, the sandbox and the sanitizers. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "checker.h"
#include "grader.h"
#include "sandbox.h"
#include "starter.h"
#include "util.h"

#define GRADER_FILE_CAP (1u << 20)      /* one learner file */
#define GRADER_TOTAL_CAP (8u << 20)     /* all of them */
#define GRADER_MAX_FILES 64
#define GRADER_TAP_CAP (1u << 20)
#define GRADER_SHOW_CAP 4096            /* learner output kept for the report */

static const struct {
    const char *name, *words;
} grader_verdicts[] = {
    [GRADER_PASS] = { "pass", "passed" },
    [GRADER_FAIL] = { "fail", "failed" },
    [GRADER_COMPILE] = { "compile", "compile error" },
    [GRADER_CRASH] = { "crash", "crashed" },
    [GRADER_TIMEOUT] = { "timeout", "time limit exceeded" },
    [GRADER_MEMORY] = { "memory", "memory limit exceeded" },
    [GRADER_OUTPUT] = { "output", "output limit exceeded" },
    [GRADER_SECURITY] = { "security", "stopped by the sandbox" },
    [GRADER_MEMERR] = { "memerr", "memory error" },
    [GRADER_UB] = { "ub", "undefined behaviour" },
    [GRADER_LEAK] = { "leak", "memory leak" },
    [GRADER_INTERNAL] = { "internal", "internal error" },
};

const char *grader_verdict_name(enum grader_verdict v)
{
    return v <= GRADER_INTERNAL ? grader_verdicts[v].name : "internal";
}

const char *grader_verdict_words(enum grader_verdict v)
{
    return v <= GRADER_INTERNAL ? grader_verdicts[v].words : "internal error";
}

uint64_t grader_seed(void)
{
    const char *env = getenv("STACKLAB_SEED");
    if (env != NULL && *env != '\0') {
        char *end;
        errno = 0;
        unsigned long long v = strtoull(env, &end, 10);
        if (errno == 0 && *end == '\0')
            return v;
    }
    uint64_t seed = 0;
    if (getrandom(&seed, sizeof seed, 0) != (ssize_t)sizeof seed)
        seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
    return seed & ((UINT64_C(1) << 53) - 1);  /* stays exact in any reader */
}

char *grader_cache_dir(char **cause)
{
    const char *xdg = getenv("XDG_CACHE_HOME");
    const char *home = getenv("HOME");
    char *dir;
    if (xdg != NULL && xdg[0] == '/')
        dir = xasprintf("%s/stacklab", xdg);
    else if (home != NULL && home[0] == '/')
        dir = xasprintf("%s/.cache/stacklab", home);
    else
        dir = xstrdup("/tmp/stacklab-cache");
    if (util_mkdirs(dir, 0700) < 0) {
        *cause = xasprintf("%s: %s", dir, strerror(errno));
        free(dir);
        return NULL;
    }
    /* As root the box runs as another uid, which must be able to reach its folder:
     * traversable, not listable. */
    if (geteuid() == 0)
        chmod(dir, 0711);
    return dir;
}

char *grader_map_paths(const char *text, const char *dir)
{
    struct sb out;
    sb_init(&out);
    const char *pats[] = { dir, "/box", NULL };
    const char *p = text;
    while (*p != '\0') {
        size_t hit = 0;
        for (size_t i = 0; pats[i] != NULL && hit == 0; i++) {
            size_t n = strlen(pats[i]);
            if (n > 0 && strncmp(p, pats[i], n) == 0 && p[n] == '/')
                hit = n + 1;
        }
        if (hit > 0)
            p += hit;
        else
            sb_putc(&out, *p++);
    }
    return sb_steal(&out);
}

/* ---- files ------------------------------------------------------------------------ */

/* Reads one entry of the directory dfd without following links; refuses anything but
 * a regular file of at most GRADER_FILE_CAP bytes. Returns the text or NULL with *cause. */
static char *grader_read_at(int dfd, const char *name, const char *shown, size_t *len,
                            char **cause)
{
    int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0) {
        *cause = xasprintf("%s: %s", shown, errno == ELOOP ? "is a symbolic link; "
                           "replace it with a regular file" : strerror(errno));
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    if (!S_ISREG(st.st_mode) || st.st_size > (off_t)GRADER_FILE_CAP) {
        *cause = xasprintf("%s: %s", shown, S_ISREG(st.st_mode) ? "too large (over 1 MB)"
                           : "not a regular file");
        close(fd);
        return NULL;
    }
    char *buf = xmalloc((size_t)st.st_size + 1);
    size_t got = 0;
    ssize_t n;
    while (got < (size_t)st.st_size
           && ((n = read(fd, buf + got, (size_t)st.st_size - got)) > 0 || errno == EINTR))
        got += n > 0 ? (size_t)n : 0;
    close(fd);
    buf[got] = '\0';
    *len = got;
    return buf;
}

/* 1 for the learner's source names: *.c and *.h, no hidden files. */
static int grader_is_source(const char *name)
{
    size_t n = strlen(name);
    return name[0] != '.' && n > 2 && name[n - 2] == '.'
        && (name[n - 1] == 'c' || name[n - 1] == 'h');
}

/* Copies ws/TRACK/ *.c *.h into box/TRACK/. Returns 0, or -1 with *cause (a learner
 * problem: links, special files, sizes). */
static int grader_copy_learner(const char *wsroot, const char *track, const char *box,
                               char **cause)
{
    char *src = util_path_join(wsroot, track);
    int dfd = open(src, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    free(src);
    if (dfd < 0) {
        *cause = xasprintf("%s/: %s", track, errno == ENOTDIR || errno == ELOOP
                           ? "must be a real folder, not a link" : strerror(errno));
        return -1;
    }
    DIR *d = fdopendir(dfd);
    char *dst = util_path_join(box, track);
    util_mkdirs(dst, 0755);
    size_t total = 0, files = 0;
    int rc = 0;
    struct dirent *de;
    while (rc == 0 && (de = readdir(d)) != NULL) {
        if (!grader_is_source(de->d_name))
            continue;
        char *shown = xasprintf("%s/%s", track, de->d_name);
        size_t len = 0;
        char *text = grader_read_at(dfd, de->d_name, shown, &len, cause);
        if (text == NULL || ++files > GRADER_MAX_FILES || (total += len) > GRADER_TOTAL_CAP) {
            if (text != NULL)
                *cause = xasprintf("%s/: too many or too large files", track);
            rc = -1;
        } else {
            char *to = util_path_join(dst, de->d_name);
            if (util_write_file(to, text, len, 0644) < 0) {
                *cause = xasprintf("%s: %s", to, strerror(errno));
                rc = -1;
            }
            free(to);
        }
        free(text);
        free(shown);
    }
    closedir(d);
    free(dst);
    return rc;
}

/* The learner's folders a lab builds from: its track ("vial"), then each other top folder
 * named by its files ("app" for "app/todo.c"), NULL-ended. Caller frees (grader_strv_free). */
static char **grader_lab_dirs(const struct lab *lab)
{
    size_t n = 0, cap = 4;
    char **v = xcalloc(cap, sizeof *v);
    v[n++] = xstrdup(lab->track);
    for (size_t i = 0; lab->files != NULL && lab->files[i] != NULL; i++) {
        const char *slash = strchr(lab->files[i], '/');
        if (slash == NULL || slash == lab->files[i])
            continue;
        char *dir = xstrndup(lab->files[i], (size_t)(slash - lab->files[i]));
        size_t j = 0;
        while (j < n && strcmp(v[j], dir) != 0)
            j++;
        if (j < n || strcmp(dir, "tests") == 0 || dir[0] == '.') {
            free(dir);
            continue;
        }
        if (n + 2 > cap)
            v = xrealloc(v, (cap *= 2) * sizeof *v);
        v[n++] = dir;
        v[n] = NULL;
    }
    v[n] = NULL;
    return v;
}

/* "DIR/" for each folder of grader_lab_dirs, and "tests/" when tests is set: the paths
 * a sanitizer report may blame. NULL-ended; caller frees (grader_strv_free). */
static char **grader_learner_prefixes(const struct lab *lab, int tests)
{
    char **dirs = grader_lab_dirs(lab);
    size_t n = 0;
    while (dirs[n] != NULL)
        n++;
    char **v = xcalloc(n + 2, sizeof *v);
    for (size_t i = 0; i < n; i++)
        v[i] = xasprintf("%s/", dirs[i]);
    if (tests)
        v[n++] = xstrdup("tests/");
    grader_strv_free(dirs);
    return v;
}

/* Copies every folder of grader_lab_dirs into the box; like grader_copy_learner. */
static int grader_copy_lab_dirs(const char *wsroot, char *const *dirs, const char *box,
                                char **cause)
{
    for (size_t i = 0; dirs[i] != NULL; i++)
        if (grader_copy_learner(wsroot, dirs[i], box, cause) < 0)
            return -1;
    return 0;
}

/* Appends the sources of every folder of dirs (copied into box) to *srcs. */
static void grader_lab_sources(const char *box, char *const *dirs, char ***srcs, size_t *n)
{
    for (size_t i = 0; dirs[i] != NULL; i++) {
        char *dir = util_path_join(box, dirs[i]);
        grader_list_sources(dir, dirs[i], ".c", srcs, n);
        free(dir);
    }
}

/* Copies a trusted course file into the box under `name`. */
static int grader_copy_course(const char *from, const char *box, const char *name,
                              char **cause)
{
    size_t len;
    char *text = util_read_file(from, GRADER_FILE_CAP, &len);
    char *to = util_path_join(box, name);
    int rc = text != NULL ? util_write_file(to, text, len, 0644) : -1;
    if (rc < 0)
        *cause = xasprintf("%s: %s", text ? to : from, strerror(errno));
    free(text);
    free(to);
    return rc;
}

static int grader_name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void grader_list_sources(const char *dir, const char *prefix, const char *ext,
                                char ***v, size_t *n)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    size_t first = *n;
    while (d != NULL && (de = readdir(d)) != NULL) {
        size_t len = strlen(de->d_name);
        if (!grader_is_source(de->d_name) || strcmp(de->d_name + len - 2, ext) != 0)
            continue;
        *v = xrealloc(*v, (*n + 2) * sizeof **v);
        (*v)[(*n)++] = prefix ? xasprintf("%s/%s", prefix, de->d_name) : xstrdup(de->d_name);
        (*v)[*n] = NULL;
    }
    if (d != NULL)
        closedir(d);
    if (*n > first)     /* name order: the same build and messages on every file system */
        qsort(*v + first, *n - first, sizeof **v, grader_name_cmp);
}

void grader_strv_free(char **v)
{
    for (size_t i = 0; v != NULL && v[i] != NULL; i++)
        free(v[i]);
    free(v);
}

char **grader_argv(const char *const *head, const char *const *flags,
                          char *const *extra, const char *const *libs)
{
    const char *const *parts[] = { head, flags, (const char *const *)extra, libs };
    size_t n = 0;
    char **argv = xcalloc(1, sizeof *argv);
    for (size_t p = 0; p < 4; p++)
        for (size_t i = 0; parts[p] != NULL && parts[p][i] != NULL; i++) {
            argv = xrealloc(argv, (n + 2) * sizeof *argv);
            argv[n++] = xstrdup(parts[p][i]);
            argv[n] = NULL;
        }
    return argv;
}

/* ---- the subject, inside the sandbox ------------------------------------------------- */

/* The workspace's cache of objects (allocated). */
static char *grader_object_cache(const struct workspace *ws)
{
    return workspace_path(ws, ".stacklab/cache/objects");
}

/* Compiles sources into box/out inside the sandbox, reusing the workspace's cached
 * objects (grader_build). Same return convention. */
static int grader_compile(const struct workspace *ws, const char *box, const char *track,
                          char *const *sources, const char *out, char **log, char **cause)
{
    char *cache = getenv("STACKLAB_NO_BUILD_CACHE") ? NULL : grader_object_cache(ws);
    int rc = grader_build(box, track, sources, out, cache, log, cause);
    free(cache);
    return rc;
}

/* Keeps at most GRADER_SHOW_CAP bytes of s. */
static char *grader_capped(const char *s, int *truncated)
{
    if (s == NULL || *s == '\0')
        return NULL;
    size_t n = strlen(s);
    if (n > GRADER_SHOW_CAP)
        *truncated = 1;
    return xstrndup(s, n > GRADER_SHOW_CAP ? GRADER_SHOW_CAP : n);
}

/* The verdict the subject's run forces, or GRADER_PASS when it ended normally. */
static enum grader_verdict grader_from_sbx(enum sbx_verdict v)
{
    static const enum grader_verdict map[] = {
        [SBX_OK] = GRADER_PASS, [SBX_RE] = GRADER_PASS, [SBX_SG] = GRADER_CRASH,
        [SBX_TO] = GRADER_TIMEOUT, [SBX_ML] = GRADER_MEMORY, [SBX_OL] = GRADER_OUTPUT,
        [SBX_SV] = GRADER_SECURITY, [SBX_XX] = GRADER_INTERNAL,
    };
    return v <= SBX_XX ? map[v] : GRADER_INTERNAL;
}

/* 1 for the AddressSanitizer kinds that are a plain crash (a signal it caught). */
static int grader_asan_crash(const char *kind)
{
    static const char *const crashes[] = { "SEGV", "BUS", "FPE", "ILL", "stack-overflow",
                                           "ABRT", NULL };
    for (size_t i = 0; crashes[i] != NULL; i++)
        if (strcmp(kind, crashes[i]) == 0)
            return 1;
    return 0;
}

/* The verdict a sanitizer report gives: a crash ASan caught stays a crash. */
static enum grader_verdict grader_san_verdict(const struct sanitizer_report *r)
{
    static const enum grader_verdict san[] = {
        [SANITIZER_NONE] = GRADER_PASS, [SANITIZER_ASAN] = GRADER_MEMERR,
        [SANITIZER_LSAN] = GRADER_LEAK, [SANITIZER_UBSAN] = GRADER_UB,
    };
    if (r->tool == SANITIZER_ASAN && grader_asan_crash(r->kind))
        return GRADER_CRASH;
    return r->tool <= SANITIZER_UBSAN ? san[r->tool] : GRADER_INTERNAL;
}

/* One verdict from the TAP, the subject's end and the sanitizer report. Limits and
 * sanitizer findings name the cause better than the failed tests they lead to. */
static void grader_combine(struct grader_lab *gl, const struct sbx_result *sres,
                           const struct sbx_result *cres)
{
    const struct tap_report *t = gl->tap;
    gl->passed = t->passed;
    gl->failed = t->failed;
    gl->total = (int)t->ntests;
    if (t->plan > gl->total)
        gl->failed += t->plan - gl->total, gl->total = t->plan;
    enum grader_verdict run = grader_from_sbx(sres->verdict);
    if (run != GRADER_PASS && run != GRADER_CRASH) {
        gl->verdict = run;
        snprintf(gl->detail, sizeof gl->detail, "%s", sres->detail);
    } else if (gl->san.tool == SANITIZER_ASAN && grader_asan_crash(gl->san.kind)) {
        gl->verdict = GRADER_CRASH;
        sanitizer_format(&gl->san, gl->detail, sizeof gl->detail);
    } else if (gl->san.tool != SANITIZER_NONE) {
        gl->verdict = grader_san_verdict(&gl->san);
        sanitizer_format(&gl->san, gl->detail, sizeof gl->detail);
    } else if (run == GRADER_CRASH) {
        gl->verdict = run;
        snprintf(gl->detail, sizeof gl->detail, "%s", sres->detail);
    } else if (t->failed > 0 || (gl->failed > 0 && t->valid)) {
        gl->verdict = GRADER_FAIL;
    } else if (!t->valid || t->ntests == 0 || cres->verdict != SBX_OK) {
        gl->verdict = GRADER_INTERNAL;
        snprintf(gl->detail, sizeof gl->detail, "the checker's report was incomplete "
                 "(%s%s%s)", sbx_verdict_name(cres->verdict), cres->detail[0] ? ": " : "",
                 cres->detail);
    } else {
        gl->verdict = GRADER_PASS;
    }
}

/* Runs subject and checker side by side and fills gl from what they did. */
static int grader_run_pair(const char *box, const char *checker, const struct lab *lab,
                           uint64_t seed, struct grader_lab *gl, char **cause)
{
    char seedstr[32];
    snprintf(seedstr, sizeof seedstr, "%" PRIu64, seed);
    char *sargv[] = { "./subject", NULL };
    char *cargv[] = { (char *)checker, seedstr, NULL };
    struct sbx_config s, k;
    sbx_config_init(&s);
    sbx_config_init(&k);
    s.argv = sargv;
    s.workdir = box;
    s.net = k.net = SBX_NET_LOOPBACK;
    s.flags = SBX_SANITIZED;
    s.lim.wall_sec = lab->time_limit > 0 ? lab->time_limit : 30;
    s.lim.cpu_sec = s.lim.wall_sec;
    s.lim.mem_mb = lab->mem_limit > 0 ? lab->mem_limit : 256;
    k.argv = cargv;
    /* The checker's own folder is never inside the box (the subject sees its box and
     * must not reach what the checker writes), and sits where the checker can reach it
     * when, started as root, it runs as a per-box uid: in the temporary folder. */
    const char *tmp = getenv("TMPDIR");
    char *kdir = xasprintf("%s/stacklab-checker-XXXXXX", tmp && *tmp == '/' ? tmp : "/tmp");
    if (mkdtemp(kdir) == NULL) {
        *cause = xasprintf("%s: %s", kdir, strerror(errno));
        free(kdir);
        return -1;
    }
    k.workdir = kdir;
    k.lim.wall_sec = s.lim.wall_sec + 5;
    k.lim.cpu_sec = k.lim.wall_sec;
    k.lim.mem_mb = 1024;
    k.lim.output_bytes = GRADER_TAP_CAP;
    struct sbx_result sres, cres;
    memset(&sres, 0, sizeof sres);
    memset(&cres, 0, sizeof cres);
    int rc = sbx_run_pair(&s, &k, &sres, &cres, cause);
    if (rc == 0) {
        const char *tap = cres.out ? cres.out : "";
        gl->tap = tapread_parse(tap, strlen(tap), GRADER_TAP_CAP);
        char **learner = grader_learner_prefixes(lab, 0);
        sanitizer_reduce(sres.err, (const char **)learner, &gl->san);
        grader_strv_free(learner);
        gl->out = grader_capped(sres.out, &gl->out_truncated);
        gl->err = grader_capped(sres.err, &gl->err_truncated);
        snprintf(gl->missing, sizeof gl->missing, "%s", sres.missing);
        grader_combine(gl, &sres, &cres);
    }
    sbx_result_free(&sres);
    sbx_result_free(&cres);
    if (getenv("STACKLAB_KEEP_BUILD") == NULL)
        util_rmtree(kdir);
    free(kdir);
    return rc;
}

/* Prepares box for lab: learner files, the driver and wire.h; compiles the subject.
 * Returns 0 ready, 1 verdict already known (gl filled), -1 internal (*cause). */
static int grader_prepare(struct workspace *ws, const struct lab *lab, const char *box,
                          struct grader_lab *gl, char **cause)
{
    char *why = NULL;
    char **dirs = grader_lab_dirs(lab);
    if (grader_copy_lab_dirs(ws->root, dirs, box, &why) < 0) {
        gl->verdict = GRADER_COMPILE;
        gl->compile_log = xasprintf("%s\n", why);
        free(why);
        grader_strv_free(dirs);
        return 1;
    }
    char *driver = xasprintf("%s/driver.c", lab->dir);
    char *wireh = xasprintf("%s/labs/wire.h", ws->course->root);
    int rc = grader_copy_course(driver, box, "driver.c", cause);
    if (rc == 0)
        rc = grader_copy_course(wireh, box, "wire.h", cause);
    free(driver), free(wireh);
    if (rc < 0) {
        grader_strv_free(dirs);
        return -1;
    }
    size_t n = 1;
    char **srcs = grader_argv((const char *const[]){ "driver.c", NULL }, NULL, NULL, NULL);
    grader_lab_sources(box, dirs, &srcs, &n);
    grader_strv_free(dirs);
    rc = grader_compile(ws, box, lab->track, srcs, "subject", &gl->compile_log, cause);
    grader_strv_free(srcs);
    if (rc == 1)
        gl->verdict = GRADER_COMPILE;
    return rc;
}

/* Checks one lab in a fresh private build folder under cache. */
static int grader_lab_check(struct workspace *ws, const struct lab *lab, const char *cache,
                            uint64_t seed, struct grader_lab *gl, char **cause)
{
    double t0 = util_mono();
    gl->lab = lab;
    char *checker = checker_path(ws->course, lab, cache, cause);
    if (checker == NULL)
        return -1;
    char *box = xasprintf("%s/build-XXXXXX", cache);
    int rc = -1;
    if (mkdtemp(box) == NULL) {
        *cause = xasprintf("%s: %s", box, strerror(errno));
    } else {
        chmod(box, 0755);   /* the box may run as another uid */
        rc = grader_prepare(ws, lab, box, gl, cause);
        if (rc == 0)
            rc = grader_run_pair(box, checker, lab, seed, gl, cause);
        if (rc == 1)
            rc = 0;
        if (getenv("STACKLAB_KEEP_BUILD") == NULL)
            util_rmtree(box);
    }
    free(box);
    free(checker);
    gl->duration = util_mono() - t0;
    return rc;
}

int grader_check(struct workspace *ws, const struct lab *target,
                 const struct grader_opts *opts, struct grader_run *run, char **cause)
{
    memset(run, 0, sizeof *run);
    run->target = target;
    run->seed = opts->seed_set ? opts->seed : grader_seed();
    char *cache = grader_cache_dir(cause);
    if (cache == NULL)
        return -1;
    const struct course *c = ws->course;
    int last = course_lab_index(c, target);
    run->labs = xcalloc((size_t)last + 1, sizeof *run->labs);
    double t0 = util_mono();
    int rc = 0;
    for (int i = opts->only ? last : 0; i <= last && rc == 0; i++) {
        if (strcmp(c->labs[i].track, target->track) != 0)
            continue;
        struct grader_lab *gl = &run->labs[run->nlabs++];
        rc = grader_lab_check(ws, &c->labs[i], cache, run->seed, gl, cause);
        run->passed += gl->passed, run->failed += gl->failed, run->total += gl->total;
        if (gl->verdict != GRADER_PASS && run->verdict == GRADER_PASS)
            run->verdict = gl->verdict;
        if (gl->verdict == GRADER_COMPILE)
            break;
    }
    run->duration = util_mono() - t0;
    free(cache);
    if (rc < 0)
        grader_run_free(run);
    return rc;
}

static void grader_lab_free(struct grader_lab *gl)
{
    free(gl->compile_log);
    tapread_free(gl->tap);
    free(gl->out);
    free(gl->err);
}

void grader_run_free(struct grader_run *run)
{
    for (size_t i = 0; run->labs != NULL && i < run->nlabs; i++)
        grader_lab_free(&run->labs[i]);
    free(run->labs);
    memset(run, 0, sizeof *run);
}

/* A short summary: the first failing test or the first compiler message. */
static void grader_summary(const struct grader_run *run, char *buf, size_t len)
{
    snprintf(buf, len, "%s", grader_verdict_words(run->verdict));
    for (size_t i = 0; i < run->nlabs; i++) {
        const struct grader_lab *gl = &run->labs[i];
        if (gl->verdict == GRADER_PASS)
            continue;
        if (gl->compile_log != NULL) {
            snprintf(buf, len, "lab %s: %.*s", gl->lab->id,
                     (int)strcspn(gl->compile_log, "\n"), gl->compile_log);
            return;
        }
        for (size_t t = 0; gl->tap != NULL && t < gl->tap->ntests; t++)
            if (!gl->tap->tests[t].ok && gl->tap->tests[t].directive != TAP_DIR_TODO) {
                snprintf(buf, len, "lab %s: %s%s%s", gl->lab->id, gl->detail,
                         gl->detail[0] ? "; " : "", gl->tap->tests[t].description);
                return;
            }
        snprintf(buf, len, "lab %s: %s", gl->lab->id, gl->detail[0] ? gl->detail
                 : grader_verdict_words(gl->verdict));
        return;
    }
}

int grader_record(struct workspace *ws, const struct grader_run *run)
{
    struct store_attempt a;
    memset(&a, 0, sizeof a);
    snprintf(a.lab, sizeof a.lab, "%s", run->target->id);
    a.when = (int64_t)util_now();
    a.passed = run->passed;
    a.failed = run->failed;
    a.total = run->total;
    a.duration = run->duration;
    snprintf(a.verdict, sizeof a.verdict, "%s", grader_verdict_name(run->verdict));
    a.seed = run->seed;
    grader_summary(run, a.summary, sizeof a.summary);
    return store_record_attempt(ws->store, &a);
}

/* ---- public tests ------------------------------------------------------------------- */

/* Copies the learner's public tests of lab (tests/NN-*.c) into box/tests; their names go
 * to *names ("tests/01-x.c"). Returns how many, or -1 with *cause. */
static int grader_copy_public(const char *wsroot, const struct lab *lab, const char *box,
                              char ***names, char **cause)
{
    char *src = util_path_join(wsroot, "tests");
    int dfd = open(src, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    free(src);
    DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
    char *dst = util_path_join(box, "tests");
    util_mkdirs(dst, 0755);
    size_t n = 0, idlen = strlen(lab->id);
    int rc = 0;
    struct dirent *de;
    while (d != NULL && rc == 0 && (de = readdir(d)) != NULL) {
        size_t len = strlen(de->d_name);
        if (strncmp(de->d_name, lab->id, idlen) != 0 || de->d_name[idlen] != '-'
            || len < 3 || strcmp(de->d_name + len - 2, ".c") != 0)
            continue;
        char *shown = xasprintf("tests/%s", de->d_name);
        size_t tl;
        char *text = grader_read_at(dfd, de->d_name, shown, &tl, cause);
        char *to = util_path_join(dst, de->d_name);
        if (text == NULL || util_write_file(to, text, tl, 0644) < 0) {
            rc = -1;
        } else {
            *names = xrealloc(*names, (n + 2) * sizeof **names);
            (*names)[n++] = shown;
            (*names)[n] = NULL;
            shown = NULL;
        }
        free(shown), free(text), free(to);
    }
    if (d != NULL)
        closedir(d);
    free(dst);
    if (n > 1)
        qsort(*names, n, sizeof **names, grader_name_cmp);
    if (rc == 0 && n == 0) {
        *cause = xasprintf("lab %s has no public tests in tests/ (try: stacklab update)",
                           lab->id);
        rc = -1;
    }
    return rc < 0 ? -1 : (int)n;
}

/* Runs the public test program box/exe; fills pf from its run. */
static int grader_public_run(const char *box, const struct lab *lab, const char *exe,
                             struct grader_public_file *pf, char **cause)
{
    char *prog = xasprintf("./%s", exe);
    char *argv[] = { prog, NULL };
    struct sbx_config cfg;
    sbx_config_init(&cfg);
    cfg.argv = argv;
    cfg.workdir = box;
    cfg.flags = SBX_SANITIZED;
    cfg.net = SBX_NET_LOOPBACK;
    cfg.lim.wall_sec = lab->time_limit > 0 ? lab->time_limit : 30;
    cfg.lim.cpu_sec = cfg.lim.wall_sec;
    cfg.lim.mem_mb = lab->mem_limit > 0 ? lab->mem_limit : 256;
    cfg.lim.output_bytes = GRADER_TAP_CAP;
    struct sbx_result sr;
    memset(&sr, 0, sizeof sr);
    int rc = sbx_run(&cfg, &sr, cause);
    free(prog);
    if (rc < 0)
        return -1;
    const char *out = sr.out ? sr.out : "";
    pf->tap = tapread_parse(out, strlen(out), GRADER_TAP_CAP);
    int trunc = 0;
    pf->err = grader_capped(sr.err, &trunc);
    struct sanitizer_report san;
    char **learner = grader_learner_prefixes(lab, 1);
    sanitizer_reduce(sr.err, (const char **)learner, &san);
    grader_strv_free(learner);
    enum grader_verdict v = grader_from_sbx(sr.verdict);
    if (san.tool != SANITIZER_NONE && (v == GRADER_PASS || v == GRADER_CRASH)) {
        pf->verdict = grader_san_verdict(&san);
        sanitizer_format(&san, pf->detail, sizeof pf->detail);
    } else if (v != GRADER_PASS) {
        pf->verdict = v;
        snprintf(pf->detail, sizeof pf->detail, "%s", sr.detail);
    } else if (pf->tap->failed > 0 || !pf->tap->valid || sr.verdict != SBX_OK) {
        pf->verdict = GRADER_FAIL;
    }
    sbx_result_free(&sr);
    return 0;
}

/* Builds and runs the public test file `test` (tests/NN-x.c) as its own program. */
static int grader_public_one(struct workspace *ws, const char *box, const struct lab *lab,
                             const char *test, size_t index, struct grader_public *res,
                             char **cause)
{
    struct grader_public_file *pf = &res->files[res->nfiles++];
    pf->name = xstrdup(test);
    char **srcs = grader_argv((const char *const[]){ test, "tests/tap.c", NULL }, NULL,
                              NULL, NULL);
    size_t n = 2;
    char **dirs = grader_lab_dirs(lab);
    grader_lab_sources(box, dirs, &srcs, &n);
    grader_strv_free(dirs);
    char exe[48];
    snprintf(exe, sizeof exe, "public-tests-%zu", index);
    char *log = NULL;
    int rc = grader_compile(ws, box, lab->track, srcs, exe, &log, cause);
    grader_strv_free(srcs);
    if (log != NULL && res->compile_log == NULL)
        res->compile_log = log;
    else if (log != NULL && strstr(res->compile_log, log) == NULL) {
        char *both = xasprintf("%s%s", res->compile_log, log);
        free(res->compile_log);
        free(log);
        res->compile_log = both;
    } else
        free(log);
    if (rc != 0) {
        pf->verdict = GRADER_COMPILE;
        return rc;
    }
    return grader_public_run(box, lab, exe, pf, cause);
}

/* Builds and runs every public test file; sums counts; the first bad file's verdict
 * stands for all. */
static int grader_public_all(struct workspace *ws, const char *box, const struct lab *lab,
                             char *const *tests, struct grader_public *res, char **cause)
{
    size_t n = 0;
    while (tests[n] != NULL)
        n++;
    res->files = xcalloc(n + 1, sizeof *res->files);
    int rc = 0;
    for (size_t i = 0; i < n && rc >= 0; i++) {
        rc = grader_public_one(ws, box, lab, tests[i], i, res, cause);
        const struct grader_public_file *pf = &res->files[res->nfiles - 1];
        if (pf->tap != NULL) {
            res->passed += pf->tap->passed;
            res->failed += pf->tap->failed;
            res->total += (int)pf->tap->ntests;
        }
        if (rc >= 0 && pf->verdict != GRADER_PASS && res->verdict == GRADER_PASS) {
            res->verdict = pf->verdict;
            snprintf(res->detail, sizeof res->detail, "%s", pf->detail);
        }
    }
    return rc < 0 ? -1 : 0;
}

int grader_public(struct workspace *ws, const struct lab *lab, struct grader_public *res,
                  char **cause)
{
    memset(res, 0, sizeof *res);
    char *cache = grader_cache_dir(cause);
    if (cache == NULL)
        return -1;
    char *box = xasprintf("%s/build-XXXXXX", cache);
    free(cache);
    if (mkdtemp(box) == NULL) {
        *cause = xasprintf("%s: %s", box, strerror(errno));
        free(box);
        return -1;
    }
    chmod(box, 0755);
    char **tests = NULL;
    char *why = NULL;
    char *tapc = xasprintf("%s/labs/tap.c", ws->course->root);
    char *taph = xasprintf("%s/labs/tap.h", ws->course->root);
    char **dirs = grader_lab_dirs(lab);
    int rc = grader_copy_public(ws->root, lab, box, &tests, cause) < 0 ? -1 : 0;
    if (rc == 0 && grader_copy_lab_dirs(ws->root, dirs, box, &why) < 0) {
        res->verdict = GRADER_COMPILE;
        res->compile_log = xasprintf("%s\n", why);
        free(why);
    } else if (rc == 0 && (grader_copy_course(tapc, box, "tests/tap.c", cause) < 0
                           || grader_copy_course(taph, box, "tests/tap.h", cause) < 0)) {
        rc = -1;
    } else if (rc == 0) {
        rc = grader_public_all(ws, box, lab, tests, res, cause);
    }
    free(tapc), free(taph);
    grader_strv_free(dirs);
    grader_strv_free(tests);
    if (getenv("STACKLAB_KEEP_BUILD") == NULL)
        util_rmtree(box);
    free(box);
    return rc;
}

void grader_public_free(struct grader_public *res)
{
    free(res->compile_log);
    for (size_t i = 0; res->files != NULL && i < res->nfiles; i++) {
        free(res->files[i].name);
        tapread_free(res->files[i].tap);
        free(res->files[i].err);
    }
    free(res->files);
    memset(res, 0, sizeof *res);
}
