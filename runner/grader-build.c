/* grader-build.c -- builds learner code inside the sandbox with an object cache kept in
 * the workspace: each object is stored under a SHA-256 of the compiler, its flags, the
 * source's name and bytes and every header's bytes, so only changed files are compiled
 * (two at a time) and linked, in one sandbox run; a program whose objects are all
 * unchanged is reused as linked before. Every file read from the box or the cache is
 * opened beneath its folder without following a link (util_read_beneath): the box holds
 * what learner code left there. Part of the grader module (grader.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "grader.h"
#include "track.h"
#include "sandbox.h"
#include "util.h"

#define BUILD_FILE_CAP (64u << 20)      /* one object or program */
#define BUILD_LOG_CAP (64u * 1024)      /* one compiler log */
#define BUILD_CACHE_MAX 400             /* files kept in the cache ... */
#define BUILD_CACHE_KEEP 300            /* ... and how many remain after pruning */
#define BUILD_JOBS 2

/* The flags of docs/course-format.md, in the order they reach gcc. */
static const char *const build_flags[] = {
    "-std=c11", "-D_POSIX_C_SOURCE=200809L", "-Wall", "-Wextra",
    "-Werror=implicit-function-declaration", "-Werror=int-conversion", "-g",
    "-fsanitize=address,undefined", "-fno-omit-frame-pointer", "-pipe", NULL
};

/* One build: the sources, their cache keys, which still need compiling. */
struct build {
    const char *box, *out, *cache;
    const struct lab *lab;      /* its folders are searched for headers; its track's
                                 * flags and libraries are used */
    const char **cflags;        /* track_cflags, the array ours */
    char *ldflags;              /* track_ldflags, ours */
    int boxfd, cachefd;         /* the folders, for reads beneath them; cachefd -1: none */
    char *const *sources;
    size_t n;
    char (*keys)[65];
    int *todo;                  /* 1: compile in the box; 0: object copied from the cache */
    char exekey[65];
    struct sb log;              /* compiler messages, box paths still in */
    struct sb link;             /* the linker's (or the sandbox's) messages */
};

static void build_hex(const unsigned char *d, char hex[65])
{
    for (size_t i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
}

/* Feeds a length-prefixed item to the digest, so no two inputs run together. */
static void build_digest_add(EVP_MD_CTX *md, const void *data, size_t len)
{
    uint64_t n = len;
    EVP_DigestUpdate(md, &n, sizeof n);
    EVP_DigestUpdate(md, data, len);
}

static void build_digest_str(EVP_MD_CTX *md, const char *s)
{
    build_digest_add(md, s, strlen(s));
}

static void build_digest_end(EVP_MD_CTX *md, char hex[65])
{
    unsigned char out[32];
    unsigned int len = 0;
    EVP_DigestFinal_ex(md, out, &len);
    EVP_MD_CTX_free(md);
    build_hex(out, hex);
}

static EVP_MD_CTX *build_digest_new(void)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    if (md == NULL || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
        fprintf(stderr, "stacklab: SHA-256 unavailable\n");
        abort();
    }
    return md;
}

/* The compiler's identity (an upgrade changes it), the flags and every header of the box
 * (box/, box/TRACK/, box/tests/, by name): what every object depends on besides its own
 * source. */
static void build_common(EVP_MD_CTX *md, const struct build *b)
{
    static const char *const tools[] = { "/usr/bin/gcc", "/usr/bin/ld", NULL };
    build_digest_str(md, "stacklab-object-1");
    for (size_t i = 0; tools[i] != NULL; i++) {
        struct stat st;
        int64_t id[3] = { 0, 0, 0 };
        if (stat(tools[i], &st) == 0)
            id[0] = st.st_size, id[1] = st.st_mtim.tv_sec, id[2] = (int64_t)st.st_ino;
        build_digest_add(md, id, sizeof id);
    }
    for (size_t i = 0; build_flags[i] != NULL; i++)
        build_digest_str(md, build_flags[i]);
    for (size_t i = 0; b->cflags[i] != NULL; i++)
        build_digest_str(md, b->cflags[i]);
    size_t nf = 0;
    while (b->lab->folders[nf] != NULL)
        nf++;
    const char **dirs = xcalloc(nf + 3, sizeof *dirs);
    dirs[0] = ".";
    for (size_t i = 0; i < nf; i++)
        dirs[i + 1] = b->lab->folders[i];
    dirs[nf + 1] = "tests";
    for (size_t d = 0; dirs[d] != NULL; d++) {
        build_digest_str(md, dirs[d]);
        char *dir = util_path_join(b->box, dirs[d]);
        char **names = NULL;
        size_t n = 0;
        grader_list_sources(dir, NULL, ".h", &names, &n);
        for (size_t i = 0; i < n; i++) {
            char *rel = util_path_join(dirs[d], names[i]);
            size_t len = 0;
            char *text = util_read_beneath(b->boxfd, rel, BUILD_FILE_CAP, &len);
            build_digest_str(md, dirs[d]);
            build_digest_str(md, names[i]);
            build_digest_add(md, text ? text : "", text ? len : 0);
            free(text);
            free(rel);
        }
        grader_strv_free(names);
        free(dir);
    }
    free(dirs);
}

/* Keys of every source and of the linked program. Returns 0, or -1 with *cause when a
 * source cannot be read. */
static int build_keys(struct build *b, char **cause)
{
    EVP_MD_CTX *common = build_digest_new();
    build_common(common, b);
    EVP_MD_CTX *exe = build_digest_new();
    build_digest_str(exe, "stacklab-program-1");
    int rc = 0;
    for (size_t i = 0; i < b->n && rc == 0; i++) {
        size_t len = 0;
        char *text = util_read_beneath(b->boxfd, b->sources[i], BUILD_FILE_CAP, &len);
        if (text == NULL) {
            *cause = xasprintf("%s: %s", b->sources[i], strerror(errno));
            rc = -1;
        } else {
            EVP_MD_CTX *md = build_digest_new();
            EVP_MD_CTX_copy_ex(md, common);
            build_digest_str(md, b->sources[i]);
            build_digest_add(md, text, len);
            build_digest_end(md, b->keys[i]);
            build_digest_str(exe, b->keys[i]);
        }
        free(text);
    }
    build_digest_str(exe, b->ldflags);
    build_digest_str(exe, b->out);
    build_digest_end(exe, b->exekey);
    EVP_MD_CTX_free(common);
    return rc;
}

/* Copies the regular file `from` of the folder dirfd (a link there is refused) to `to`,
 * written atomically with `mode`. Returns 0 or -1. */
static int build_copy(int dirfd, const char *from, const char *to, int mode)
{
    size_t len = 0;
    char *data = util_read_beneath(dirfd, from, BUILD_FILE_CAP, &len);
    int rc = data != NULL ? util_write_file(to, data, len, mode) : -1;
    free(data);
    return rc;
}

/* KEY.EXT, a file of the cache (allocated). */
static char *build_cached(const char *key, const char *ext)
{
    return xasprintf("%s.%s", key, ext);
}

/* Copies cache/KEY.EXT to box/name when present, marking it as just used. 1 when copied. */
static int build_fetch(const struct build *b, const char *key, const char *ext,
                       const char *name, int mode)
{
    if (b->cachefd < 0)
        return 0;
    char *from = build_cached(key, ext);
    char *to = util_path_join(b->box, name);
    int ok = build_copy(b->cachefd, from, to, mode) == 0;
    if (ok)
        utimensat(b->cachefd, from, NULL, AT_SYMLINK_NOFOLLOW);
    free(from);
    free(to);
    return ok;
}

/* Stores box/name in the cache as KEY.EXT (best effort: the cache is only a speed-up). */
static void build_store(const struct build *b, const char *key, const char *ext,
                        const char *name)
{
    if (b->cachefd < 0)
        return;
    char *file = build_cached(key, ext);
    char *to = util_path_join(b->cache, file);
    build_copy(b->boxfd, name, to, 0644);
    free(file);
    free(to);
}

/* Appends name (a compiler log) of the folder dirfd to the build's log; a missing file,
 * or a link, adds nothing. */
static void build_add_log(struct build *b, int dirfd, const char *name)
{
    size_t len = 0;
    char *text = util_read_beneath(dirfd, name, BUILD_LOG_CAP, &len);
    if (text != NULL)
        sb_add(&b->log, text, len);
    free(text);
}

/* Appends s to the script, single-quoted for sh. */
static void build_quote(struct sb *sh, const char *s)
{
    sb_putc(sh, '\'');
    for (; *s != '\0'; s++)
        if (*s == '\'')
            sb_puts(sh, "'\\''");
        else
            sb_putc(sh, *s);
    sb_putc(sh, '\'');
}

/* Appends " ARG" for each of a NULL-ended list. */
static void build_words(struct sb *sh, const char *const *words)
{
    for (size_t i = 0; words[i] != NULL; i++) {
        sb_putc(sh, ' ');
        build_quote(sh, words[i]);
    }
}

/* The sandboxed script: compiles the sources left to compile in BUILD_JOBS chains of
 * about equal size (each object's messages in obj-N.log, a failure marked by obj-N.fail),
 * then links when every object is there. */
static char *build_script(const struct build *b)
{
    struct sb sh;
    sb_init(&sh);
    sb_puts(&sh, "c() { gcc -I.");
    for (size_t i = 0; b->lab->folders[i] != NULL; i++) {
        sb_puts(&sh, " -I");
        build_quote(&sh, b->lab->folders[i]);
    }
    sb_puts(&sh, " -Itests");
    build_words(&sh, build_flags);
    build_words(&sh, b->cflags);
    sb_puts(&sh, " -c \"$1\" -o \"$2.o\" > \"$2.log\" 2>&1 || : > \"$2.fail\"; }\n");
    long load[BUILD_JOBS] = { 0 };
    struct sb chain[BUILD_JOBS];
    for (size_t j = 0; j < BUILD_JOBS; j++)
        sb_init(&chain[j]);
    for (size_t i = 0; i < b->n; i++) {
        if (!b->todo[i])
            continue;
        struct stat st;
        long size = fstatat(b->boxfd, b->sources[i], &st, AT_SYMLINK_NOFOLLOW) == 0
            ? (long)st.st_size : 0;
        size_t j = load[1] < load[0] ? 1 : 0;
        load[j] += size + 1;
        sb_puts(&chain[j], " c ");
        build_quote(&chain[j], b->sources[i]);
        sb_printf(&chain[j], " obj-%zu;", i);
    }
    for (size_t j = 0; j < BUILD_JOBS; j++) {
        if (chain[j].len > 0)
            sb_printf(&sh, "{%s } &\n", chain[j].buf);
        sb_free(&chain[j]);
    }
    sb_puts(&sh, "wait\nfor f in obj-*.fail; do [ -e \"$f\" ] && exit 1; done\nexec gcc");
    build_words(&sh, build_flags);
    sb_puts(&sh, " -o ");
    build_quote(&sh, b->out);
    for (size_t i = 0; i < b->n; i++)
        sb_printf(&sh, " obj-%zu.o", i);
    sb_printf(&sh, " %s\n", b->ldflags);    /* pkg-config's words or -lNAME: no quoting */
    return sb_steal(&sh);
}

/* Runs the script in the sandbox. Returns 0 linked, 1 did not compile, -1 (*cause). */
static int build_run(struct build *b, char **cause)
{
    char *script = build_script(b);
    char *path = util_path_join(b->box, "build.sh");
    int rc = util_write_file(path, script, strlen(script), 0644);
    free(script);
    free(path);
    if (rc < 0) {
        *cause = xasprintf("%s/build.sh: %s", b->box, strerror(errno));
        return -1;
    }
    char *argv[] = { "sh", "build.sh", NULL };
    struct sbx_config cfg;
    sbx_config_init(&cfg);
    cfg.argv = argv;
    cfg.workdir = b->box;
    cfg.lim.wall_sec = 120;
    cfg.lim.cpu_sec = 60;
    cfg.lim.mem_mb = 1024;
    cfg.lim.procs = 32;
    cfg.lim.fsize_mb = 64;
    cfg.lim.output_bytes = 64 * 1024;
    struct sbx_result res;
    memset(&res, 0, sizeof res);
    if (sbx_run(&cfg, &res, cause) < 0)
        return -1;
    for (size_t i = 0; i < b->n; i++) {
        char name[64];
        struct stat st;
        snprintf(name, sizeof name, "obj-%zu.fail", i);
        int failed = fstatat(b->boxfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
        snprintf(name, sizeof name, "obj-%zu.o", i);
        if (b->todo[i] && !failed) {
            build_store(b, b->keys[i], "o", name);
            snprintf(name, sizeof name, "obj-%zu.log", i);
            build_store(b, b->keys[i], "log", name);
        }
    }
    rc = res.verdict == SBX_OK ? 0 : 1;
    if (res.out != NULL)
        sb_puts(&b->link, res.out);
    if (res.err != NULL)
        sb_puts(&b->link, res.err);
    if (rc == 1 && res.verdict != SBX_RE)
        sb_printf(&b->link, "the compiler stopped: %s (%s)\n", res.detail,
                  sbx_verdict_name(res.verdict));
    if (rc == 0 && b->link.len == 0)
        build_store(b, b->exekey, "exe", b->out);
    sbx_result_free(&res);
    return rc;
}

struct build_entry {
    time_t used;
    char *path;
};

static int build_entry_cmp(const void *a, const void *b)
{
    const struct build_entry *x = a, *y = b;
    return (x->used > y->used) - (x->used < y->used);
}

/* Keeps the cache small: past BUILD_CACHE_MAX files, the least recently used go. */
static void build_prune(const char *cache)
{
    DIR *d = cache ? opendir(cache) : NULL;
    struct build_entry *v = NULL;
    size_t n = 0;
    struct dirent *de;
    while (d != NULL && (de = readdir(d)) != NULL) {
        struct stat st;
        char *path = util_path_join(cache, de->d_name);
        if (de->d_name[0] != '.' && lstat(path, &st) == 0 && S_ISREG(st.st_mode)) {
            v = xrealloc(v, (n + 1) * sizeof *v);
            v[n].used = st.st_mtim.tv_sec;
            v[n++].path = path;
            path = NULL;
        }
        free(path);
    }
    if (d != NULL)
        closedir(d);
    if (n > BUILD_CACHE_MAX) {
        qsort(v, n, sizeof *v, build_entry_cmp);
        for (size_t i = 0; i < n - BUILD_CACHE_KEEP; i++)
            unlink(v[i].path);
    }
    for (size_t i = 0; i < n; i++)
        free(v[i].path);
    free(v);
}

/* Gathers the messages of every object in source order (fresh ones from the box, the
 * others from the cache), then the linker's. */
static void build_gather_logs(struct build *b)
{
    for (size_t i = 0; i < b->n; i++) {
        char name[80];
        if (b->todo[i]) {
            snprintf(name, sizeof name, "obj-%zu.log", i);
            build_add_log(b, b->boxfd, name);
        } else if (b->cachefd >= 0) {
            snprintf(name, sizeof name, "%s.log", b->keys[i]);
            build_add_log(b, b->cachefd, name);
        }
    }
    sb_add(&b->log, b->link.buf ? b->link.buf : "", b->link.len);
}

/* Opens the build's folders and sizes its tables. Returns 0, or -1 with *cause when the
 * box cannot be opened; a cache that cannot be made is simply not used. */
static int build_open(struct build *b, char **cause)
{
    b->cachefd = -1;
    b->boxfd = open(b->box, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (b->boxfd < 0) {
        *cause = xasprintf("%s: %s", b->box, strerror(errno));
        return -1;
    }
    if (b->cache != NULL && util_mkdirs(b->cache, 0700) == 0)
        b->cachefd = open(b->cache, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (b->cachefd < 0)
        b->cache = NULL;
    while (b->sources[b->n] != NULL)
        b->n++;
    b->keys = xcalloc(b->n + 1, sizeof *b->keys);
    b->todo = xcalloc(b->n + 1, sizeof *b->todo);
    sb_init(&b->log);
    sb_init(&b->link);
    return 0;
}

static void build_close(struct build *b)
{
    sb_free(&b->log);
    sb_free(&b->link);
    close(b->boxfd);
    if (b->cachefd >= 0)
        close(b->cachefd);
    free(b->keys);
    free(b->todo);
    free(b->cflags);
    free(b->ldflags);
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

int grader_build(const char *box, const struct lab *lab, char *const *sources,
                 const char *out, const char *cache, char **log, char **cause)
{
    struct build b = { .box = box, .lab = lab, .out = out, .cache = cache,
                       .sources = sources };
    *log = NULL;
    if (build_open(&b, cause) < 0)
        return -1;
    b.cflags = track_cflags(lab->trk);
    b.ldflags = track_ldflags(lab->trk);
    int rc = build_keys(&b, cause);
    int linked = rc == 0 && build_fetch(&b, b.exekey, "exe", out, 0755);
    for (size_t i = 0; rc == 0 && !linked && i < b.n; i++) {
        char name[64];
        snprintf(name, sizeof name, "obj-%zu.o", i);
        b.todo[i] = !build_fetch(&b, b.keys[i], "o", name, 0644);
    }
    if (rc == 0 && !linked) {
        rc = build_run(&b, cause);
        build_prune(b.cache);
    }
    if (rc >= 0) {
        build_gather_logs(&b);
        if (b.log.len > 0)
            *log = grader_map_paths(b.log.buf, box);
    }
    build_close(&b);
    return rc;
}
