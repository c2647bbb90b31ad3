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
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "checker.h"
#include "grader-int.h"
#include "grader.h"
#include "sandbox.h"
#include "starter.h"
#include "track.h"
#include "util.h"


static const struct {
    const char *name, *words;
} grader_verdicts[] = {
    [GRADER_PASS] = { "pass", "passed" },
    [GRADER_FAIL] = { "fail", "failed" },
    [GRADER_COMPILE] = { "compile", "compile error" },
    [GRADER_CRASH] = { "crash", "crashed" },
    [GRADER_TIMEOUT] = { "timeout", "timed out" },
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

int grader_seed(uint64_t *seed, int *chosen, char **cause)
{
    const char *env = getenv("STACKLAB_SEED");
    *chosen = 0;
    if (env != NULL && *env != '\0') {
        if (util_parse_seed(env, seed) < 0) {
            *cause = xasprintf("STACKLAB_SEED must be a number from 0 to %llu, not '%s'",
                               (unsigned long long)UTIL_SEED_MAX, env);
            return -1;
        }
        *chosen = 1;
        return 0;
    }
    uint64_t r = 0;
    if (getrandom(&r, sizeof r, 0) != (ssize_t)sizeof r)
        r = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
    *seed = r & UTIL_SEED_MAX;     /* stays exact in any reader */
    return 0;
}

/* ---- leftovers of killed runs ---------------------------------------------------- */

/* Every process using the cache holds a shared flock on cache/in-use for its lifetime
 * (the kernel drops it when the process dies, however it dies). A process that gets the
 * lock exclusively knows no other run is alive, so every build folder it finds was left
 * by a killed run. While another run is alive nothing is swept: its folders cannot be
 * told from leftovers, and the next lone run sweeps them. */
static int grader_cache_lock = -1;

/* The prefixes of the folders runs make in the cache (grader.c, grader-public.c,
 * checker.c). */
static const char *const grader_leftovers[] = { "build-", "checker-build-", NULL };

static int grader_is_leftover(const char *name)
{
    for (size_t i = 0; grader_leftovers[i] != NULL; i++)
        if (strncmp(name, grader_leftovers[i], strlen(grader_leftovers[i])) == 0)
            return 1;
    return 0;
}

/* Removes the leftover folders of cache (never following a link: util_rmtree opens
 * each folder O_NOFOLLOW; as root, folders owned by a box's uid go too). */
static void grader_cache_sweep(const char *cache)
{
    DIR *d = opendir(cache);
    if (d == NULL)
        return;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (!grader_is_leftover(de->d_name))
            continue;
        char *path = util_path_join(cache, de->d_name);
        if (util_rmtree(path) < 0)
            fprintf(stderr, "stacklab: cannot remove %s, left by a run that was killed: "
                    "%s\n", path, strerror(errno));
        free(path);
    }
    closedir(d);
}

/* Marks cache as in use by this process for its lifetime, first sweeping the leftovers
 * of killed runs when no other run is alive. Once per process. */
static void grader_cache_claim(const char *cache)
{
    if (grader_cache_lock >= 0)
        return;
    char *path = util_path_join(cache, "in-use");
    grader_cache_lock = open(path, O_RDONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    free(path);
    if (grader_cache_lock < 0)
        return;
    if (flock(grader_cache_lock, LOCK_EX | LOCK_NB) == 0)
        grader_cache_sweep(cache);
    flock(grader_cache_lock, LOCK_SH);
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
    grader_cache_claim(dir);
    return dir;
}

/* ---- the subject, inside the sandbox ------------------------------------------------- */

/* The workspace's cache of objects (allocated). */
static char *grader_object_cache(const struct workspace *ws)
{
    return workspace_path(ws, ".stacklab/cache/objects");
}

/* Compiles sources into box/out inside the sandbox, reusing the workspace's cached
 * objects (grader_build). Same return convention. */
int grader_compile(const struct workspace *ws, const char *box, const struct lab *lab,
                   char *const *sources, const char *out, char **log, char **cause)
{
    char *cache = getenv("STACKLAB_NO_BUILD_CACHE") ? NULL : grader_object_cache(ws);
    int rc = grader_build(box, lab, sources, out, cache, log, cause);
    free(cache);
    return rc;
}

/* Keeps at most GRADER_SHOW_CAP bytes of s. */
char *grader_capped(const char *s, int *truncated)
{
    if (s == NULL || *s == '\0')
        return NULL;
    size_t n = strlen(s);
    if (n > GRADER_SHOW_CAP)
        *truncated = 1;
    return xstrndup(s, n > GRADER_SHOW_CAP ? GRADER_SHOW_CAP : n);
}

/* The verdict the subject's run forces, or GRADER_PASS when it ended normally. */
enum grader_verdict grader_from_sbx(enum sbx_verdict v)
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
enum grader_verdict grader_san_verdict(const struct sanitizer_report *r)
{
    static const enum grader_verdict san[] = {
        [SANITIZER_NONE] = GRADER_PASS, [SANITIZER_ASAN] = GRADER_MEMERR,
        [SANITIZER_LSAN] = GRADER_LEAK, [SANITIZER_UBSAN] = GRADER_UB,
    };
    if (r->tool == SANITIZER_ASAN && grader_asan_crash(r->kind))
        return GRADER_CRASH;
    return r->tool <= SANITIZER_UBSAN ? san[r->tool] : GRADER_INTERNAL;
}

/* The signal each crash kind of AddressSanitizer stands for, as people know them. */
static const struct {
    const char *kind, *words;
} grader_crash_kinds[] = {
    { "SEGV", "SIGSEGV" }, { "BUS", "SIGBUS" }, { "FPE", "SIGFPE" }, { "ILL", "SIGILL" },
    { "ABRT", "SIGABRT" }, { "stack-overflow", "stack overflow (SIGSEGV)" },
};

/* "SIGSEGV in f() at vial/a.c:12" for a crash AddressSanitizer caught. */
static void grader_crash_detail(const struct sanitizer_report *san, char *buf, size_t len)
{
    const char *sig = san->kind;
    for (size_t i = 0; i < sizeof grader_crash_kinds / sizeof grader_crash_kinds[0]; i++)
        if (strcmp(san->kind, grader_crash_kinds[i].kind) == 0)
            sig = grader_crash_kinds[i].words;
    int n = snprintf(buf, len, "%s", sig);
    if (n >= 0 && (size_t)n < len && san->function[0] != '\0')
        n += snprintf(buf + n, len - (size_t)n, " in %s()", san->function);
    if (n >= 0 && (size_t)n < len && san->file[0] != '\0')
        snprintf(buf + n, len - (size_t)n, " at %s:%d", san->file, san->line);
}

/* 1 when the subject went silent: still running when the checker gave up on it (the
 * sandbox stops it then, with the words below: see sbx_run_pair) after a test failed
 * with the checkers' "stopped answering" (labs/kit/wire.c). A program that crashed or
 * exited ended by itself and is not a time-out. */
static int grader_went_silent(const struct tap_report *t, const struct sbx_result *sres)
{
    if (sres->verdict != SBX_OK || strstr(sres->detail, "when the checker ended") == NULL)
        return 0;
    for (size_t i = 0; i < t->ntests; i++)
        if (!t->tests[i].ok && t->tests[i].message != NULL
            && strstr(t->tests[i].message, "stopped answering") != NULL)
            return 1;
    return 0;
}

/* One verdict from the TAP, the subject's end and the sanitizer report. Limits and
 * sanitizer findings name the cause better than the failed tests they lead to, and a
 * program that went silent timed out (every later test fails only because of it). */
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
        snprintf(gl->detail, sizeof gl->detail, "%s%s", sres->detail,
                 run == GRADER_TIMEOUT ? " (an endless loop?)" : "");
    } else if (gl->san.tool == SANITIZER_ASAN && grader_asan_crash(gl->san.kind)) {
        gl->verdict = GRADER_CRASH;
        grader_crash_detail(&gl->san, gl->detail, sizeof gl->detail);
    } else if (run == GRADER_PASS && gl->san.tool == SANITIZER_NONE
               && grader_went_silent(t, sres)) {
        gl->verdict = GRADER_TIMEOUT;
        snprintf(gl->detail, sizeof gl->detail, "no answer, still running after %.0f s "
                 "(an endless loop?)", sres->wall_sec);
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

/* The files the learner edits in lab and the labs before it (course order), for
 * sanitizer blame; NULL-ended, the strings are the course's. Caller frees the array. */
static const char **grader_edited_files(const struct course *c, const struct lab *lab)
{
    size_t n = 0;
    int last = course_lab_index(c, lab);
    for (int i = 0; i <= last; i++)
        for (char **f = c->labs[i].files; f != NULL && *f != NULL; f++)
            n++;
    const char **v = xcalloc(n + 1, sizeof *v);
    n = 0;
    for (int i = 0; i <= last; i++)
        for (char **f = c->labs[i].files; f != NULL && *f != NULL; f++)
            v[n++] = *f;
    return v;
}

/* Runs subject and checker side by side and fills gl from what they did. */
static int grader_run_pair(const char *box, const char *checker, const struct lab *lab,
                           const char *const *edited, uint64_t seed, struct grader_lab *gl,
                           char **cause)
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
        sanitizer_reduce_edited(sres.err, (const char **)learner, edited, &gl->san);
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

/* When the link failed because learner code defines one of the sanitizers' hooks
 * (labs/kit/sanhooks.c holds the runner's), puts a line saying so first in *log. */
static void grader_hook_clash(char **log)
{
    static const char pat[] = "multiple definition of `__";
    const char *hit = *log != NULL ? strstr(*log, pat) : NULL;
    if (hit == NULL)
        return;
    const char *name = hit + sizeof pat - 3;
    size_t len = strcspn(name, "'\n");
    static const char *const prefixes[] = { "__asan_", "__lsan_", "__ubsan_", "__sanitizer_",
                                            NULL };
    int ours = 0;
    for (size_t i = 0; prefixes[i] != NULL; i++)
        ours |= strncmp(name, prefixes[i], strlen(prefixes[i])) == 0;
    if (!ours)
        return;
    char *msg = xasprintf("your code defines %.*s, a hook of the sanitizers: the grader alone "
                          "decides what they check, so remove it.\n%s", (int)len, name, *log);
    free(*log);
    *log = msg;
}

/* The first "FILE:LINE:COL: error:" line of a compiler log, or NULL (a linker's
 * "collect2: error:" names no file). */
static const char *grader_first_error(const char *log)
{
    for (const char *l = log; l != NULL && *l != '\0'; ) {
        size_t n = strcspn(l, "\n");
        size_t path = strcspn(l, ":\n");
        int located = l[path] == ':' && l[path + 1] >= '0' && l[path + 1] <= '9';
        if (located && (memmem(l, n, ": error:", 8) || memmem(l, n, ": fatal error:", 14)))
            return l;
        l = l[n] == '\n' ? l + n + 1 : l + n;
    }
    return NULL;
}

/* Names in gl->detail the file whose compile error stopped the check and the lab that
 * file belongs to ("compile error in vial/router.c (lab 05's file)"): every earlier lab
 * is built with all the learner's files, so lab 01's build can fail in lab 05's. */
static void grader_compile_owner(const struct course *c, struct grader_lab *gl)
{
    const char *l = grader_first_error(gl->compile_log);
    if (l == NULL)
        return;
    size_t n = strcspn(l, ":\n");
    for (size_t i = 0; i < c->nlabs; i++)
        for (char **f = c->labs[i].files; f != NULL && *f != NULL; f++)
            if (strlen(*f) == n && strncmp(*f, l, n) == 0) {
                snprintf(gl->detail, sizeof gl->detail, "compile error in %s (lab %s's file)",
                         *f, c->labs[i].id);
                return;
            }
    snprintf(gl->detail, sizeof gl->detail, "compile error in %.*s", (int)(n < 200 ? n : 200),
             l);
}

/* The kit's files a driver is built with: the wire protocol, the statement counter of
 * the sqlite3 labs (both headers a driver includes) and the runner's sanitizer hooks. */
static const char *const grader_box_kit[] = { "wire.h", "sqlcount.h", "sanhooks.c" };

/* Prepares box for lab: learner files, the driver, the headers of its tracks' kit folders
 * and of the lab folder (a lab's own header wins over a track's of the same name), the
 * kit's part; compiles the subject.
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
    int rc = grader_copy_course(driver, box, "driver.c", cause);
    free(driver);
    char **kits = track_kit_dirs(lab->trk);
    for (size_t i = 0; rc == 0 && kits[i] != NULL; i++)
        rc = grader_copy_lab_headers(kits[i], box, cause);
    grader_strv_free(kits);
    if (rc == 0)
        rc = grader_copy_lab_headers(lab->dir, box, cause);
    for (size_t i = 0; rc == 0 && i < sizeof grader_box_kit / sizeof grader_box_kit[0]; i++) {
        char *path = track_kit_path(ws->course, grader_box_kit[i]);
        rc = grader_copy_course(path, box, grader_box_kit[i], cause);
        free(path);
    }
    if (rc < 0) {
        grader_strv_free(dirs);
        return -1;
    }
    size_t n = 2;
    char **srcs = grader_argv((const char *const[]){ "driver.c", "sanhooks.c", NULL }, NULL,
                              NULL, NULL);
    grader_lab_sources(box, dirs, &srcs, &n);
    grader_strv_free(dirs);
    rc = grader_compile(ws, box, lab, srcs, "subject", &gl->compile_log, cause);
    grader_strv_free(srcs);
    if (rc == 1) {
        gl->verdict = GRADER_COMPILE;
        grader_hook_clash(&gl->compile_log);
        grader_compile_owner(ws->course, gl);
    }
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
        const char **edited = grader_edited_files(ws->course, lab);
        if (rc == 0)
            rc = grader_run_pair(box, checker, lab, edited, seed, gl, cause);
        free(edited);
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

/* ---- warming up: a lab's checker and the learner's objects built ahead ---------------
 * A first check builds the lab's checker and compiles every learner file: seconds of
 * work that `stacklab init` (and a pass, for the lab it unlocks) starts in the
 * background instead. The warm-up holds WS/.stacklab/warming for its whole run; a check
 * waits for it (GRADER_WARM_WAIT at most) and then finds everything cached. */

#define GRADER_WARM_WAIT 300    /* seconds */

static void grader_lab_free(struct grader_lab *gl);

/* Builds lab's checker and compiles the subject into the workspace's object cache, as a
 * check would, then throws the build folder away. Failures are left for the check. */
static void grader_warm(struct workspace *ws, const struct lab *lab)
{
    char *cause = NULL;
    char *cache = grader_cache_dir(&cause);
    char *checker = cache != NULL ? checker_path(ws->course, lab, cache, &cause) : NULL;
    char *box = checker != NULL ? xasprintf("%s/build-XXXXXX", cache) : NULL;
    if (box != NULL && mkdtemp(box) != NULL) {
        chmod(box, 0755);
        struct grader_lab gl;
        memset(&gl, 0, sizeof gl);
        gl.lab = lab;
        grader_prepare(ws, lab, box, &gl, &cause);
        grader_lab_free(&gl);
        util_rmtree(box);
    }
    free(box);
    free(checker);
    free(cache);
    free(cause);
}

/* The detached warm-up process: its own session, lower priority, no terminal and no
 * descriptor of its parent's but the lock (a pipe kept open would hold a reader such as
 * the TUI or prove). Never returns. */
static void grader_warm_child(struct workspace *ws, const struct lab *lab, int lockfd)
{
    setsid();
    int keep = fcntl(lockfd, F_DUPFD_CLOEXEC, 100);
    int null = open("/dev/null", O_RDWR);
    for (int fd = 0; fd < 3 && null >= 0; fd++)
        dup2(null, fd);
    if (keep > 3)
        close_range(3, (unsigned)keep - 1, 0);
    close_range((unsigned)keep + 1, ~0u, 0);
    grader_cache_lock = -1;     /* the parent's; this process claims the cache itself */
    if (nice(10) < 0) {
        /* a warm-up at normal priority is still a warm-up */
    }
    grader_warm(ws, lab);
    _exit(0);
}

int grader_warm_start(struct workspace *ws, const struct lab *lab)
{
    const char *env = getenv("STACKLAB_PREBUILD");
    if (lab == NULL || (env != NULL && strcmp(env, "0") == 0))
        return 0;
    char *path = workspace_path(ws, ".stacklab/warming");
    int fd = open(path, O_RDONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    free(path);
    if (fd < 0)
        return -1;
    if (flock(fd, LOCK_EX | LOCK_NB) < 0) {     /* one is running already */
        close(fd);
        return 0;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        if (fork() == 0)
            grader_warm_child(ws, lab, fd);
        _exit(0);
    }
    close(fd);      /* the lock stays held through the child's copy */
    while (pid > 0 && waitpid(pid, NULL, 0) < 0 && errno == EINTR)
        ;
    return pid > 0 ? 1 : -1;
}

/* Waits while a warm-up runs in ws, so that a check right after init reuses its work
 * instead of doing it again beside it. Says so on stderr when it waits. */
static void grader_warm_wait(const struct workspace *ws)
{
    char *path = workspace_path(ws, ".stacklab/warming");
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    free(path);
    if (fd < 0)
        return;
    for (int i = 0; i < GRADER_WARM_WAIT * 20 && flock(fd, LOCK_SH | LOCK_NB) < 0; i++) {
        if (i == 0)
            fprintf(stderr, "stacklab: waiting for the build stacklab started in the "
                    "background (the lab's checker, your code's objects)\n");
        struct timespec step = { 0, 50 * 1000 * 1000 };
        nanosleep(&step, NULL);
    }
    close(fd);
}

int grader_check(struct workspace *ws, const struct lab *target,
                 const struct grader_opts *opts, struct grader_run *run, char **cause)
{
    memset(run, 0, sizeof *run);
    run->target = target;
    run->seed = opts->seed;
    if (!opts->seed_set && grader_seed(&run->seed, &run->seed_chosen, cause) < 0)
        return -1;
    run->seed_chosen |= opts->seed_set;
    grader_warm_wait(ws);
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
        if (gl->compile_log != NULL && gl->detail[0] != '\0') {
            const char *e = grader_first_error(gl->compile_log);
            snprintf(buf, len, "%s: %.*s", gl->detail, (int)strcspn(e ? e : "", "\n"),
                     e ? e : "");
            return;
        }
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
    if (run->seed_chosen)
        return 1;
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
