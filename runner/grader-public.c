/* grader-public.c -- `stacklab test`: each public test file of a lab built with the
 * learner's framework and run in the sandbox, one by one, each in a fresh box. Part of
 * the grader module (grader.h, grader-int.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "grader-int.h"
#include "track.h"
#include "grader.h"
#include "sandbox.h"
#include "sanitizer.h"
#include "tapread.h"
#include "util.h"

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

/* Removes a box (kept for debugging with STACKLAB_KEEP_BUILD) and frees its name. */
static void grader_public_rmbox(char *box)
{
    if (getenv("STACKLAB_KEEP_BUILD") == NULL)
        util_rmtree(box);
    free(box);
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
    int rc = grader_compile(ws, box, lab, srcs, exe, &log, cause);
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

/* Adds one program's counts and, for the first bad program, its verdict to res. */
static void grader_public_sum(struct grader_public *res, const struct grader_public_file *pf)
{
    if (pf->tap != NULL) {
        res->passed += pf->tap->passed;
        res->failed += pf->tap->failed;
        res->total += (int)pf->tap->ntests;
    }
    if (pf->verdict != GRADER_PASS && res->verdict == GRADER_PASS) {
        res->verdict = pf->verdict;
        snprintf(res->detail, sizeof res->detail, "%s", pf->detail);
    }
}

/* A fresh box under cache holding the public tests of lab (their names to *tests when
 * it is NULL), the learner's folders and tap.c / tap.h. Returns the box (caller removes
 * and frees), or NULL with *cause (internal) or *why (a learner problem). */
static char *grader_public_box(struct workspace *ws, const struct lab *lab,
                               const char *cache, char ***tests, char **why, char **cause)
{
    char *box = xasprintf("%s/build-XXXXXX", cache);
    if (mkdtemp(box) == NULL) {
        *cause = xasprintf("%s: %s", box, strerror(errno));
        free(box);
        return NULL;
    }
    chmod(box, 0755);   /* the box may run as another uid */
    char **names = NULL;
    char *tapc = track_kit_path(ws->course, "tap.c");
    char *taph = track_kit_path(ws->course, "tap.h");
    char **dirs = grader_lab_dirs(lab);
    int rc = grader_copy_public(ws->root, lab, box, &names, cause) < 0 ? -1 : 0;
    if (rc == 0 && grader_copy_lab_dirs(ws->root, dirs, box, why) < 0)
        rc = -1;
    else if (rc == 0 && (grader_copy_course(tapc, box, "tests/tap.c", cause) < 0
                         || grader_copy_course(taph, box, "tests/tap.h", cause) < 0))
        rc = -1;
    free(tapc), free(taph);
    grader_strv_free(dirs);
    if (rc == 0 && *tests == NULL)
        *tests = names, names = NULL;
    grader_strv_free(names);
    if (rc < 0) {
        grader_public_rmbox(box);
        return NULL;
    }
    return box;
}

int grader_public(struct workspace *ws, const struct lab *lab, struct grader_public *res,
                  char **cause)
{
    memset(res, 0, sizeof *res);
    char *cache = grader_cache_dir(cause);
    if (cache == NULL)
        return -1;
    /* Every program gets a box of its own: what one program leaves in its box (a link
     * where the next build writes its log, say) never reaches the next build. */
    char **tests = NULL;
    int rc = 0;
    for (size_t i = 0; rc == 0 && (tests == NULL || tests[i] != NULL); i++) {
        char *why = NULL;
        char *box = grader_public_box(ws, lab, cache, &tests, &why, cause);
        if (box == NULL && why != NULL) {
            res->verdict = GRADER_COMPILE;
            res->compile_log = xasprintf("%s\n", why);
            free(why);
            break;
        }
        if (box == NULL || tests == NULL) {
            rc = -1;
            break;
        }
        if (res->files == NULL) {
            size_t n = 0;
            while (tests[n] != NULL)
                n++;
            res->files = xcalloc(n + 1, sizeof *res->files);
        }
        rc = grader_public_one(ws, box, lab, tests[i], i, res, cause) < 0 ? -1 : 0;
        if (rc == 0)
            grader_public_sum(res, &res->files[res->nfiles - 1]);
        grader_public_rmbox(box);
    }
    grader_strv_free(tests);
    free(cache);
    if (rc < 0)
        grader_public_free(res);    /* on failure the caller gets only *cause */
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
