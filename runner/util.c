/* util.c -- checked allocation, growable strings and small file-system helpers shared by
 * the runner. Everything here either succeeds or reports errno; nothing prints. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>

#include "util.h"

static void util_oom(void)
{
    fputs("stacklab: out of memory\n", stderr);
    abort();
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (p == NULL)
        util_oom();
    return p;
}

void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (p == NULL)
        util_oom();
    return p;
}

void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (p == NULL)
        util_oom();
    return p;
}

char *xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    char *p = xmalloc(len + 1);
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *xvasprintf(const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        n = 0;
    char *p = xmalloc((size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

char *xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = xvasprintf(fmt, ap);
    va_end(ap);
    return p;
}

void sb_init(struct sb *sb)
{
    sb->cap = 64;
    sb->len = 0;
    sb->buf = xmalloc(sb->cap);
    sb->buf[0] = '\0';
}

void sb_add(struct sb *sb, const char *s, size_t n)
{
    if (sb->buf == NULL)
        sb_init(sb);
    if (sb->len + n + 1 > sb->cap) {
        while (sb->len + n + 1 > sb->cap)
            sb->cap *= 2;
        sb->buf = xrealloc(sb->buf, sb->cap);
    }
    if (n > 0)
        memcpy(sb->buf + sb->len, s, n);    /* s may be NULL when n is 0 */
    sb->len += n;
    sb->buf[sb->len] = '\0';
}

void sb_puts(struct sb *sb, const char *s)
{
    sb_add(sb, s, strlen(s));
}

void sb_putc(struct sb *sb, char c)
{
    sb_add(sb, &c, 1);
}

void sb_printf(struct sb *sb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = xvasprintf(fmt, ap);
    va_end(ap);
    sb_puts(sb, p);
    free(p);
}

char *sb_steal(struct sb *sb)
{
    if (sb->buf == NULL)
        sb_init(sb);
    char *p = sb->buf;
    sb->buf = NULL;
    sb->len = sb->cap = 0;
    return p;
}

void sb_free(struct sb *sb)
{
    free(sb->buf);
    sb->buf = NULL;
    sb->len = sb->cap = 0;
}

/* Reads the open descriptor fd (closed here) whole, refusing anything but a regular
 * file of at most cap bytes. Same contract as util_read_file. */
static char *util_read_fd(int fd, size_t cap, size_t *len)
{
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        int e = errno ? errno : EINVAL;
        if (fstat(fd, &st) == 0 && !S_ISREG(st.st_mode))
            e = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
        close(fd);
        errno = e;
        return NULL;
    }
    struct sb sb;
    sb_init(&sb);
    char buf[8192];
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int e = errno;
            close(fd);
            sb_free(&sb);
            errno = e;
            return NULL;
        }
        if (n == 0)
            break;
        if (sb.len + (size_t)n > cap) {
            close(fd);
            sb_free(&sb);
            errno = EFBIG;
            return NULL;
        }
        sb_add(&sb, buf, (size_t)n);
    }
    close(fd);
    if (len != NULL)
        *len = sb.len;
    return sb_steal(&sb);
}

char *util_read_file(const char *path, size_t cap, size_t *len)
{
    /* O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    return fd < 0 ? NULL : util_read_fd(fd, cap, len);
}

int util_beneath_walk_only;

/* openat2 confined to dirfd with no link followed; -1 with ENOSYS where the kernel (before
 * 5.6) or a seccomp policy (EPERM) does not offer it. */
static int util_openat2(int dirfd, const char *rel, int flags)
{
#ifdef SYS_openat2
    struct open_how how;
    memset(&how, 0, sizeof how);
    how.flags = (unsigned long long)(unsigned)(flags | O_NOFOLLOW | O_CLOEXEC);
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
    long fd;
    int tries = 0;
    do    /* EAGAIN: a rename raced the lookup; the kernel asks us to try again */
        fd = syscall(SYS_openat2, dirfd, rel, &how, sizeof how);
    while (fd < 0 && (errno == EAGAIN || errno == EINTR) && ++tries < 64);
    if (fd < 0 && errno == EPERM)
        errno = ENOSYS;
    return (int)fd;
#else
    (void)dirfd, (void)rel, (void)flags;
    errno = ENOSYS;
    return -1;
#endif
}

/* One step of the walk: the folder `name` in cur, never through a link (ELOOP). */
static int util_walk_dir(int cur, const char *name)
{
    int fd = openat(cur, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    struct stat st;
    if (fd < 0 && errno == ENOTDIR && fstatat(cur, name, &st, AT_SYMLINK_NOFOLLOW) == 0
        && S_ISLNK(st.st_mode))
        errno = ELOOP;
    return fd;
}

/* The walk openat2 stands for on older kernels: component by component, each opened with
 * O_NOFOLLOW relative to the one before; ".." is refused outright (EXDEV). */
static int util_walk_beneath(int dirfd, const char *rel, int flags)
{
    if (rel[0] == '/' || rel[0] == '\0') {
        errno = rel[0] == '/' ? EXDEV : ENOENT;
        return -1;
    }
    int cur = dirfd, fd = -1;
    const char *p = rel;
    for (;;) {
        size_t n = strcspn(p, "/");
        const char *next = p + n + strspn(p + n, "/");
        char name[NAME_MAX + 1];
        if (n > NAME_MAX) {
            errno = ENAMETOOLONG;
            break;
        }
        memcpy(name, p, n);
        name[n] = '\0';
        if (strcmp(name, "..") == 0) {
            errno = EXDEV;
            break;
        }
        if (*next == '\0') {
            fd = openat(cur, name, flags | O_NOFOLLOW | O_CLOEXEC);
            break;
        }
        int sub = util_walk_dir(cur, name);
        if (cur != dirfd)
            close(cur);
        cur = sub;
        if (cur < 0)
            return -1;
        p = next;
    }
    int e = errno;
    if (cur != dirfd)
        close(cur);
    errno = e;
    return fd;
}

int util_open_beneath(int dirfd, const char *rel, int flags)
{
    if ((flags & O_CREAT) != 0) {
        errno = EINVAL;
        return -1;
    }
    int fd = util_beneath_walk_only ? -1 : util_openat2(dirfd, rel, flags);
    if (fd < 0 && (util_beneath_walk_only || errno == ENOSYS))
        fd = util_walk_beneath(dirfd, rel, flags);
    return fd;
}

char *util_read_beneath(int dirfd, const char *rel, size_t cap, size_t *len)
{
    int fd = util_open_beneath(dirfd, rel, O_RDONLY | O_NONBLOCK);
    return fd < 0 ? NULL : util_read_fd(fd, cap, len);
}

int util_write_file(const char *path, const void *data, size_t len, int mode)
{
    char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
    if (fd < 0) {
        free(tmp);
        return -1;
    }
    const char *p = data;
    size_t left = len;
    while (left > 0) {
        ssize_t n = write(fd, p, left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int e = errno;
            close(fd);
            unlink(tmp);
            free(tmp);
            errno = e;
            return -1;
        }
        p += n;
        left -= (size_t)n;
    }
    if (close(fd) < 0 || rename(tmp, path) < 0) {
        int e = errno;
        unlink(tmp);
        free(tmp);
        errno = e;
        return -1;
    }
    free(tmp);
    return 0;
}

char *util_path_join(const char *a, const char *b)
{
    size_t la = strlen(a);
    if (la == 0)
        return xstrdup(b);
    while (la > 0 && a[la - 1] == '/')
        la--;                               /* "/" becomes "", so "/" + "etc" is "/etc" */
    while (*b == '/')
        b++;
    return xasprintf("%.*s/%s", (int)la, a, b);
}

int util_mkdirs(const char *path, int mode)
{
    char *p = xstrdup(path);
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, (mode_t)mode) < 0 && errno != EEXIST) {
            int e = errno;
            free(p);
            errno = e;
            return -1;
        }
        *s = '/';
    }
    int r = mkdir(p, (mode_t)mode);
    int e = errno;
    free(p);
    if (r < 0 && e != EEXIST) {
        errno = e;
        return -1;
    }
    if (r < 0 && !util_is_dir(path)) {
        errno = ENOTDIR;
        return -1;
    }
    return 0;
}

/* Removes `name` inside the folder `parent`. Every step works on names relative to an open
 * folder with O_NOFOLLOW / unlinkat, so a folder swapped for a symlink while we walk is
 * removed as a link, never followed. */
static int util_rmtree_at(int parent, const char *name)
{
    if (unlinkat(parent, name, 0) == 0 || errno == ENOENT)
        return 0;
    if (errno != EISDIR && errno != EPERM)
        return -1;
    int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return -1;
    DIR *d = fdopendir(fd);
    if (d == NULL) {
        close(fd);
        return -1;
    }
    int rc = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        if (util_rmtree_at(dirfd(d), de->d_name) < 0)
            rc = -1;
    }
    closedir(d);
    if (unlinkat(parent, name, AT_REMOVEDIR) < 0)
        rc = -1;
    return rc;
}

int util_rmtree(const char *path)
{
    return util_rmtree_at(AT_FDCWD, path);
}

int util_is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int util_is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

char *util_realpath(const char *path)
{
    return realpath(path, NULL);
}

int util_path_inside(const char *path, const char *dir)
{
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/')
        n--;
    if (strncmp(path, dir, n) != 0)
        return 0;
    return path[n] == '\0' || path[n] == '/' || (n == 1 && dir[0] == '/');
}

double util_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double util_mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int util_parse_seed(const char *s, uint64_t *out)
{
    uint64_t v = 0;
    if (s == NULL || *s == '\0' || strlen(s) > 16)
        return -1;
    for (const char *p = s; *p != '\0'; p++) {
        if (*p < '0' || *p > '9')
            return -1;
        v = v * 10 + (uint64_t)(*p - '0');
    }
    if (v > UTIL_SEED_MAX)
        return -1;
    *out = v;
    return 0;
}
