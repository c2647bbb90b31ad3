/* util.c -- checked allocation, growable strings and small file-system helpers shared by
 * the runner. Everything here either succeeds or reports errno; nothing prints. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

char *util_read_file(const char *path, size_t cap, size_t *len)
{
    /* O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return NULL;
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
