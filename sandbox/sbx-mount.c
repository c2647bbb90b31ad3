/* sbx-mount.c -- the box's file system view, built inside a fresh mount namespace: a
 * small tmpfs root holding read-only binds of the system folders and a few /etc files,
 * device nodes, the box folder at /box (writable), a private /tmp, the caller's binds
 * and a fresh /proc; then pivot_root, so the rest of the host (homes, the course) is gone. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/vfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sbx-int.h"

#define SBX_NEWROOT "/tmp"   /* covered by our own tmpfs inside the namespace only */

static const char *const sbx_sys_dirs[] = {
    "/usr", "/bin", "/sbin", "/lib", "/lib64", "/lib32", "/libx32",
};
static const char *const sbx_etc_files[] = {
    "/etc/ld.so.cache", "/etc/alternatives",       /* ld.so.conf(.d): ldconfig's, not ld.so's */
    "/etc/hosts", "/etc/nsswitch.conf", "/etc/localtime", "/etc/host.conf",
    "/etc/gai.conf", "/etc/protocols", "/etc/services",
};
static const char *const sbx_devs[] = {
    "/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom",
};

static int sbx_mfail(char *err, size_t len, const char *what, const char *path)
{
    snprintf(err, len, "%s %s: %s", what, path, strerror(errno));
    return -1;
}

/* Mount flags currently on path, so a remount keeps the ones a user namespace may not
 * clear. */
static unsigned long sbx_mount_flags(const char *path)
{
    static const struct { unsigned long st, ms; } map[] = {
        { ST_RDONLY, MS_RDONLY }, { ST_NOSUID, MS_NOSUID }, { ST_NODEV, MS_NODEV },
        { ST_NOEXEC, MS_NOEXEC }, { ST_NOATIME, MS_NOATIME },
        { ST_NODIRATIME, MS_NODIRATIME }, { ST_RELATIME, MS_RELATIME },
    };
    struct statvfs sv;
    unsigned long f = 0;
    if (statvfs(path, &sv) == 0)
        for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
            if (sv.f_flag & map[i].st)
                f |= map[i].ms;
    return f;
}

/* Bind-mounts host path src at dst (which exists), read-only unless rw. */
static int sbx_bind(const char *src, const char *dst, int rw, char *err, size_t len)
{
    if (mount(src, dst, NULL, MS_BIND | MS_REC, NULL) < 0)
        return sbx_mfail(err, len, "bind", src);
    unsigned long f = sbx_mount_flags(dst) | MS_NOSUID;
    if (!rw)
        f |= MS_RDONLY;
    if (mount(NULL, dst, NULL, MS_REMOUNT | MS_BIND | f, NULL) < 0)
        return sbx_mfail(err, len, "remount", dst);
    return 0;
}

/* Creates dst (a folder, or an empty file when src is not a folder), parents included. */
static int sbx_make_target(const char *src, const char *dst)
{
    char buf[SBX_PATH_MAX];
    snprintf(buf, sizeof buf, "%s", dst);
    for (char *p = buf + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            if (mkdir(buf, 0755) < 0 && errno != EEXIST)
                return -1;
            *p = '/';
        }
    struct stat st;
    if (stat(src, &st) == 0 && !S_ISDIR(st.st_mode)) {
        int fd = open(dst, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0)
            return errno == EEXIST ? 0 : -1;
        close(fd);
        return 0;
    }
    return mkdir(dst, 0755) < 0 && errno != EEXIST ? -1 : 0;
}

/* A system path: symlinks are recreated (merged /usr), folders and files bound
 * read-only, missing ones skipped. */
static int sbx_mount_system(const char *path, char *err, size_t len)
{
    char dst[SBX_PATH_MAX], target[SBX_PATH_MAX];
    struct stat st;
    if (lstat(path, &st) < 0)
        return 0;
    snprintf(dst, sizeof dst, SBX_NEWROOT "%s", path);
    if (S_ISLNK(st.st_mode)) {
        ssize_t n = readlink(path, target, sizeof target - 1);
        if (n < 0)
            return sbx_mfail(err, len, "readlink", path);
        target[n] = '\0';
        if (sbx_make_target("/", dst) < 0 && errno != EEXIST)   /* parents */
            return sbx_mfail(err, len, "mkdir", dst);
        rmdir(dst);
        return symlink(target, dst) < 0 ? sbx_mfail(err, len, "symlink", dst) : 0;
    }
    if (sbx_make_target(path, dst) < 0)
        return sbx_mfail(err, len, "mkdir", dst);
    return sbx_bind(path, dst, 0, err, len);
}

static int sbx_write_text(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return -1;
    ssize_t n = write(fd, text, strlen(text));
    close(fd);
    return n == (ssize_t)strlen(text) ? 0 : -1;
}

/* Copies the regular file path (at most SBX_ETC_CAP bytes) into the new root: cheaper
 * than a bind and its read-only remount, and the root is made read-only as a whole at
 * the end. Returns 1 copied, 0 when path is not a regular file (left to the caller),
 * -1 with a message in err. */
#define SBX_ETC_CAP (4u << 20)
static int sbx_copy_system_file(const char *path, char *err, size_t len)
{
    struct stat st;
    if (lstat(path, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > (off_t)SBX_ETC_CAP)
        return 0;
    char dst[SBX_PATH_MAX], buf[16384];
    snprintf(dst, sizeof dst, SBX_NEWROOT "%s", path);
    int in = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (in < 0)
        return 0;       /* unreadable here: the box goes without it, as without a bind */
    int out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (out < 0) {
        close(in);
        return sbx_mfail(err, len, "create", dst);
    }
    ssize_t n;
    int rc = 1;
    while ((n = read(in, buf, sizeof buf)) > 0)
        if (write(out, buf, (size_t)n) != n) {
            rc = sbx_mfail(err, len, "write", dst);
            break;
        }
    close(in);
    close(out);
    return rc;
}

static int sbx_mount_etc_dev(char *err, size_t len)
{
    char dst[SBX_PATH_MAX];
    for (size_t i = 0; i < sizeof sbx_etc_files / sizeof sbx_etc_files[0]; i++) {
        int copied = sbx_copy_system_file(sbx_etc_files[i], err, len);
        if (copied < 0 || (copied == 0 && sbx_mount_system(sbx_etc_files[i], err, len) < 0))
            return -1;
    }
    if (sbx_write_text(SBX_NEWROOT "/etc/passwd", "box:x:1000:1000:box:/box:/bin/sh\n"
                       "root:x:0:0:root:/:/bin/sh\n") < 0
        || sbx_write_text(SBX_NEWROOT "/etc/group", "box:x:1000:\nroot:x:0:\n") < 0)
        return sbx_mfail(err, len, "write", "/etc/passwd");
    for (size_t i = 0; i < sizeof sbx_devs / sizeof sbx_devs[0]; i++) {
        snprintf(dst, sizeof dst, SBX_NEWROOT "%s", sbx_devs[i]);
        if (sbx_make_target(sbx_devs[i], dst) < 0)
            return sbx_mfail(err, len, "create", dst);
        if (mount(sbx_devs[i], dst, NULL, MS_BIND, NULL) < 0)
            return sbx_mfail(err, len, "bind", sbx_devs[i]);
    }
    static const char *const links[][2] = { { "/proc/self/fd", "/dev/fd" },
        { "/proc/self/fd/0", "/dev/stdin" }, { "/proc/self/fd/1", "/dev/stdout" },
        { "/proc/self/fd/2", "/dev/stderr" } };
    for (size_t i = 0; i < 4; i++) {
        snprintf(dst, sizeof dst, SBX_NEWROOT "%s", links[i][1]);
        if (symlink(links[i][0], dst) < 0)
            return sbx_mfail(err, len, "symlink", dst);
    }
    /* POSIX shared memory lives in the box's private /tmp (its size and inode limits):
     * a link costs less than a mount of its own. */
    if (symlink("/tmp", SBX_NEWROOT "/dev/shm") < 0)
        return sbx_mfail(err, len, "symlink", "/dev/shm");
    return 0;
}

#define SBX_MAX_HIDDEN 8

/* 1 when dir looks like a course (lessons/ and labs/ in it), as the runner's loader
 * asks: a stray STACKLAB_COURSE=/usr must not empty every box's /usr. */
static int sbx_is_course(const char *dir)
{
    char sub[SBX_PATH_MAX];
    struct stat st;
    static const char *const need[] = { "lessons", "labs" };
    for (size_t i = 0; i < 2; i++) {
        snprintf(sub, sizeof sub, "%s/%s", dir, need[i]);
        if (stat(sub, &st) < 0 || !S_ISDIR(st.st_mode))
            return 0;
    }
    return strcmp(dir, "/") != 0;
}

/* Adds the real path of p to list (n entries so far) when it is a course folder not yet
 * there. */
static void sbx_hidden_add(char **list, size_t *n, const char *p)
{
    char *r = p != NULL && *p != '\0' ? realpath(p, NULL) : NULL;
    if (r == NULL || !sbx_is_course(r) || *n >= SBX_MAX_HIDDEN) {
        free(r);
        return;
    }
    for (size_t i = 0; i < *n; i++)
        if (strcmp(list[i], r) == 0) {
            free(r);
            return;
        }
    list[(*n)++] = r;
}

const char *const *sbx_hidden_paths(void)
{
    static char *list[SBX_MAX_HIDDEN + 1];
    static int done;
    if (done)
        return (const char *const *)list;
    done = 1;
    size_t n = 0;
    sbx_hidden_add(list, &n, getenv("STACKLAB_COURSE"));
#ifdef STACKLAB_SRCDIR
    sbx_hidden_add(list, &n, STACKLAB_SRCDIR);
#endif
#ifdef STACKLAB_DATADIR
    sbx_hidden_add(list, &n, STACKLAB_DATADIR);
#endif
    /* The usual prefixes too: a workspace made by another install uses that one's. */
    sbx_hidden_add(list, &n, "/usr/local/share/stacklab");
    sbx_hidden_add(list, &n, "/usr/share/stacklab");
    char exe[SBX_PATH_MAX];
    ssize_t k = readlink("/proc/self/exe", exe, sizeof exe - 32);
    char *slash = k > 0 ? memrchr(exe, '/', (size_t)k) : NULL;
    if (slash != NULL) {
        snprintf(slash, sizeof exe - (size_t)(slash - exe), "/../share/stacklab");
        sbx_hidden_add(list, &n, exe);
    }
    return (const char *const *)list;
}

/* Covers each course folder that the system binds make visible (an installed course
 * under /usr) with an empty read-only tmpfs. Paths are real (no link in them), so the
 * same path under the new root goes through the binds alone. */
static int sbx_mount_hide(char *err, size_t len)
{
    char dst[SBX_PATH_MAX];
    for (const char *const *p = sbx_hidden_paths(); *p != NULL; p++) {
        struct stat st;
        snprintf(dst, sizeof dst, SBX_NEWROOT "%s", *p);
        if (lstat(dst, &st) < 0 || !S_ISDIR(st.st_mode))
            continue;       /* not under a system folder: not in the box at all */
        if (mount("tmpfs", dst, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
                  "size=4k,nr_inodes=1,mode=0555") < 0)
            return sbx_mfail(err, len, "hide", *p);
    }
    return 0;
}

/* Size and file count of the box's own files (/box and /tmp together): the limits, or
 * /tmp's own defaults for one left at 0. */
static long sbx_priv_mb(const struct sbx_limits *l)
{
    return l->tmpfs_mb > 0 ? l->tmpfs_mb : 64;
}

static long sbx_priv_inodes(const struct sbx_limits *l)
{
    return l->tmpfs_inodes > 0 ? l->tmpfs_inodes : 4096;
}

/* A folder of the root tmpfs, mode and owner given, mounted on itself: a mount of its
 * own stays writable when the root is made read-only, and costs no file system of its
 * own (the size and file limits are the root tmpfs's, see sbx_mount_limit). */
static int sbx_mount_own_dir(const char *dst, mode_t mode, uid_t owner, char *err, size_t len)
{
    struct stat st;
    if (mkdir(dst, mode) < 0 || chmod(dst, mode) < 0 || lstat(dst, &st) < 0)
        return sbx_mfail(err, len, "mkdir", dst);
    if (st.st_uid != owner && lchown(dst, owner, owner) < 0)
        return sbx_mfail(err, len, "chown", dst);
    if (mount(dst, dst, NULL, MS_BIND, NULL) < 0)
        return sbx_mfail(err, len, "bind", dst);
    return 0;
}

/* The box folder at /box: with a size or file limit, a folder of the root tmpfs owned
 * by owner, opened into *tmpfd (the keeper fills it from the host folder and copies it
 * back: the kernel holds the limits, where a bind could only be watched); else a bind
 * of the host folder, and *tmpfd is -1. */
static int sbx_mount_boxdir(const struct sbx_config *cfg, int boxfd, uid_t owner, int *tmpfd,
                            char *err, size_t len)
{
    char src[64];
    const struct sbx_limits *l = &cfg->lim;
    *tmpfd = -1;
    if (l->tmpfs_mb <= 0 && l->tmpfs_inodes <= 0) {
        if (mkdir(SBX_NEWROOT "/box", 0755) < 0)
            return sbx_mfail(err, len, "mkdir", "/box");
        snprintf(src, sizeof src, "/proc/self/fd/%d", boxfd);
        errno = 0;
        if (sbx_bind(src, SBX_NEWROOT "/box", 1, err, len) < 0)
            return errno ? sbx_mfail(err, len, "bind", cfg->workdir) : -1;
        return 0;
    }
    if (sbx_mount_own_dir(SBX_NEWROOT "/box", 0755, owner, err, len) < 0)
        return -1;
    *tmpfd = open(SBX_NEWROOT "/box", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    return *tmpfd < 0 ? sbx_mfail(err, len, "open", "/box") : 0;
}

/* The box folder, the private /tmp and the caller's binds. Sources are reached through
 * descriptors opened before /tmp was covered. */
static int sbx_mount_box(const struct sbx_config *cfg, int boxfd, const int *bindfds,
                         uid_t owner, int *tmpfd, char *err, size_t len)
{
    char src[64], dst[SBX_PATH_MAX];
    if (sbx_mount_boxdir(cfg, boxfd, owner, tmpfd, err, len) < 0
        || sbx_mount_own_dir(SBX_NEWROOT "/tmp", 01777, geteuid(), err, len) < 0)
        return -1;
    for (size_t i = 0; i < cfg->nbinds; i++) {
        const struct sbx_bind *b = &cfg->binds[i];
        snprintf(src, sizeof src, "/proc/self/fd/%d", bindfds[i]);
        snprintf(dst, sizeof dst, SBX_NEWROOT "%s", b->inside);
        if (sbx_make_target(src, dst) < 0)
            return sbx_mfail(err, len, "mkdir", b->inside);
        if (sbx_bind(src, dst, b->writable, err, len) < 0)
            return -1;
    }
    return 0;
}

/* Once the root holds everything of its own: its tmpfs is limited to what it uses now
 * plus the box's size and file count, which /box and /tmp share from then on (one file
 * system where two cost a file system each to make and to tear down). */
static int sbx_mount_limit(const struct sbx_config *cfg, char *err, size_t len)
{
    char opts[96];
    struct statfs sf;
    if (statfs(SBX_NEWROOT, &sf) < 0)
        return sbx_mfail(err, len, "statfs", "root tmpfs");
    typedef unsigned long long ull;
    ull used = (ull)(sf.f_blocks - sf.f_bfree) * (ull)sf.f_bsize;
    ull files = (ull)(sf.f_files - sf.f_ffree);
    snprintf(opts, sizeof opts, "size=%llu,nr_inodes=%llu",
             used + ((ull)sbx_priv_mb(&cfg->lim) << 20), files + (ull)sbx_priv_inodes(&cfg->lim));
    if (mount(NULL, SBX_NEWROOT, NULL, MS_REMOUNT | MS_NOSUID | MS_NODEV, opts) < 0)
        return sbx_mfail(err, len, "limit", "root tmpfs");
    return 0;
}

/* Mounts the box's /proc (the caller must be in the box's pid namespace), enters the
 * root built by sbx_mount_build with pivot_root, detaches the host's and makes the root
 * read-only. Returns 0 and leaves the cwd at /, or -1 with a message in err. */
int sbx_mount_enter(char *err, size_t len)
{
    if (mkdir(SBX_NEWROOT "/proc", 0555) < 0
        || mount("proc", SBX_NEWROOT "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
        return sbx_mfail(err, len, "mount", "/proc");
    if (chdir(SBX_NEWROOT) < 0 || syscall(SYS_pivot_root, ".", ".") < 0)
        return sbx_mfail(err, len, "pivot_root", SBX_NEWROOT);
    if (umount2(".", MNT_DETACH) < 0 || chdir("/") < 0)
        return sbx_mfail(err, len, "detach", "old root");
    if (mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID, NULL) < 0)
        return sbx_mfail(err, len, "remount", "/");
    return 0;
}

/* Opens the box folder and the bind sources as O_PATH descriptors into fds (box first),
 * with the caller's rights: the box's own uid may not be able to reach them. Returns 0,
 * or -1 with a message in err (descriptors already opened are closed). */
int sbx_mount_open(const struct sbx_config *cfg, int *fds, char *err, size_t len)
{
    if (cfg->nbinds > SBX_MAX_BINDS) {
        snprintf(err, len, "too many binds (%zu)", cfg->nbinds);
        return -1;
    }
    for (size_t i = 0; i < cfg->nbinds; i++) {
        const char *in = cfg->binds[i].inside;
        if (in == NULL || in[0] != '/' || strstr(in, "..") != NULL || cfg->binds[i].host == NULL) {
            snprintf(err, len, "bind target must be an absolute clean path: %s", in ? in : "(null)");
            return -1;
        }
    }
    for (size_t i = 0; i <= cfg->nbinds; i++) {
        const char *p = i == 0 ? cfg->workdir : cfg->binds[i - 1].host;
        fds[i] = open(p, O_PATH | O_CLOEXEC | (i == 0 ? O_DIRECTORY : 0));
        if (fds[i] < 0) {
            sbx_mfail(err, len, "open", p);
            while (i-- > 0)
                close(fds[i]);
            return -1;
        }
    }
    return 0;
}

/* Builds the view described at the top of this file, but for /proc, from the
 * descriptors of sbx_mount_open. Must run in a new mount namespace with the power to
 * mount. Returns 0, or -1 with a message in err. */
int sbx_mount_build(const struct sbx_config *cfg, const int *fds, uid_t owner, int *tmpfd,
                    char *err, size_t len)
{
    int boxfd = fds[0];
    const int *bindfds = fds + 1;
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
        return sbx_mfail(err, len, "make private", "/");
    /* Room for the root's own files (limited to their size by sbx_mount_limit). */
    char opts[96];
    snprintf(opts, sizeof opts, "size=%ldm,nr_inodes=%ld,mode=0755", 16 + sbx_priv_mb(&cfg->lim),
             4096 + sbx_priv_inodes(&cfg->lim));
    if (mount("tmpfs", SBX_NEWROOT, "tmpfs", MS_NOSUID | MS_NODEV, opts) < 0)
        return sbx_mfail(err, len, "mount", "root tmpfs");
    if (mkdir(SBX_NEWROOT "/etc", 0755) < 0 || mkdir(SBX_NEWROOT "/dev", 0755) < 0)
        return sbx_mfail(err, len, "mkdir", "/etc");
    for (size_t i = 0; i < sizeof sbx_sys_dirs / sizeof sbx_sys_dirs[0]; i++)
        if (sbx_mount_system(sbx_sys_dirs[i], err, len) < 0)
            return -1;
    if (sbx_mount_hide(err, len) < 0)
        return -1;
    errno = 0;
    if (sbx_mount_etc_dev(err, len) < 0 || sbx_mount_box(cfg, boxfd, bindfds, owner, tmpfd, err, len) < 0)
        return -1;
    return sbx_mount_limit(cfg, err, len);
}
