/* sbx-copy.c -- moves a box folder's contents between the host and the box's own
 * size- and inode-limited tmpfs: copied in before the program starts, mirrored back when
 * its box has ended (nothing of the run is left to change either side). Only folders and
 * regular files are copied, every name is opened beneath its folder without following a
 * link, set-id bits are dropped, and the bytes and files written stay within the box's
 * limits (a sparse file cannot grow past them on the host). Runs in the keeper. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sbx-int.h"

#define SBX_COPY_DEPTH 64

static void sbx_copy_fail(struct sbx_copy *c, const char *what, const char *name, int e)
{
    if (c->errors++ == 0)
        snprintf(c->err, sizeof c->err, "%s %.80s: %s", what, name, strerror(e));
}

/* Removes name (a file, or a folder and all beneath it) from dirfd, never following a
 * link. */
static void sbx_copy_remove(int at, const char *name, struct sbx_copy *c, int depth)
{
    if (unlinkat(at, name, 0) == 0 || errno == ENOENT)
        return;
    int fd = errno == EISDIR || errno == EPERM
             ? openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) : -1;
    DIR *d = fd >= 0 && depth < SBX_COPY_DEPTH ? fdopendir(fd) : NULL;
    if (d == NULL) {
        if (fd >= 0)
            close(fd);
        sbx_copy_fail(c, "remove", name, errno ? errno : ELOOP);
        return;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            sbx_copy_remove(dirfd(d), e->d_name, c, depth + 1);
    closedir(d);
    if (unlinkat(at, name, AT_REMOVEDIR) < 0)
        sbx_copy_fail(c, "remove", name, errno);
}

/* 1 when the regular files in and out hold the same bytes (out at its start). */
static int sbx_copy_same(int in, int out, off_t size)
{
    char a[16384], b[16384];
    off_t at = 0;
    while (at < size) {
        ssize_t n = pread(in, a, sizeof a, at);
        if (n <= 0 || pread(out, b, (size_t)n, at) != n || memcmp(a, b, (size_t)n) != 0)
            return 0;
        at += n;
    }
    return 1;
}

/* Copies the bytes of [at, end) of in to the same place in out, at most the budget
 * left (over when it ran out). */
static int sbx_copy_range(int in, int out, off_t at, off_t end, struct sbx_copy *c)
{
    if (end - at > c->bytes_left) {
        end = at + (off_t)c->bytes_left;
        c->over = 1;
    }
    c->bytes_left -= end - at;
    if (lseek(out, at, SEEK_SET) < 0)
        return -1;
    while (at < end) {
        ssize_t n = sendfile(out, in, &at, (size_t)(end - at));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return n < 0 ? -1 : 0;
    }
    return 0;
}

/* Copies in (size bytes) to the empty out, its holes kept as holes: only data counts
 * against the budget, so a sparse file costs the host what it cost the box. */
static int sbx_copy_bytes(int in, int out, off_t size, struct sbx_copy *c)
{
    off_t at = 0;
    while (at < size && !c->over) {
        off_t data = lseek(in, at, SEEK_DATA);
        if (data < 0 && errno == ENXIO)
            break;                  /* a hole up to the end */
        off_t hole = data < 0 ? size : lseek(in, data, SEEK_HOLE);
        if (data < 0)
            data = at;              /* no SEEK_DATA here: all of it is data */
        if (hole < 0 || hole > size)
            hole = size;
        if (sbx_copy_range(in, out, data, hole, c) < 0)
            return -1;
        at = hole;
    }
    return ftruncate(out, size);
}

/* Copies the regular file name (st: its status in from) into to, unless to already
 * holds the same file. */
static void sbx_copy_file(int from, int to, const char *name, const struct stat *st,
                          struct sbx_copy *c)
{
    struct stat ts;
    if (fstatat(to, name, &ts, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISREG(ts.st_mode))
        sbx_copy_remove(to, name, c, 0);
    int in = openat(from, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (in < 0) {
        sbx_copy_fail(c, "open", name, errno);
        return;
    }
    int out = openat(to, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    struct stat os;
    int same = out >= 0 && fstat(out, &os) == 0 && S_ISREG(os.st_mode)
               && os.st_size == st->st_size && os.st_mtim.tv_sec == st->st_mtim.tv_sec
               && os.st_mtim.tv_nsec == st->st_mtim.tv_nsec
               && (os.st_mode & 07777) == (st->st_mode & 0777) && sbx_copy_same(in, out, st->st_size);
    if (out >= 0)
        close(out);
    out = same ? -1 : openat(to, name, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (!same && (out < 0 || sbx_copy_bytes(in, out, st->st_size, c) < 0))
        sbx_copy_fail(c, "copy", name, errno);
    else if (!same) {
        struct timespec times[2] = { st->st_atim, st->st_mtim };
        fchmod(out, st->st_mode & 0777);
        futimens(out, times);
    }
    close(in);
    if (out >= 0)
        close(out);
}

static void sbx_copy_dir(int from, int to, struct sbx_copy *c, int mirror, int depth);

/* Copies the folder name (st: its status in from) into to, and what it holds. */
static void sbx_copy_subdir(int from, int to, const char *name, const struct stat *st,
                            struct sbx_copy *c, int mirror, int depth)
{
    struct stat ts;
    if (fstatat(to, name, &ts, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISDIR(ts.st_mode))
        sbx_copy_remove(to, name, c, 0);
    if (mkdirat(to, name, 0700) < 0 && errno != EEXIST) {
        sbx_copy_fail(c, "mkdir", name, errno);
        return;
    }
    int f = openat(from, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    int t = openat(to, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (f < 0 || t < 0 || depth >= SBX_COPY_DEPTH)
        sbx_copy_fail(c, "open", name, f < 0 || t < 0 ? errno : ELOOP);
    else
        sbx_copy_dir(f, t, c, mirror, depth + 1);
    if (t >= 0) {
        struct timespec times[2] = { st->st_atim, st->st_mtim };
        fchmod(t, (st->st_mode & 0777) | 0700);
        futimens(t, times);
        close(t);
    }
    if (f >= 0)
        close(f);
}

/* Removes from to the files and folders that from does not hold (links and other
 * kinds of file in to are left alone: nothing of the box made them). */
static void sbx_copy_prune(int from, int to, struct sbx_copy *c)
{
    int fd = openat(to, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    if (d == NULL) {
        if (fd >= 0)
            close(fd);
        return;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        struct stat fs, ts;
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0
            || fstatat(from, e->d_name, &fs, AT_SYMLINK_NOFOLLOW) == 0
            || fstatat(to, e->d_name, &ts, AT_SYMLINK_NOFOLLOW) < 0
            || !(S_ISREG(ts.st_mode) || S_ISDIR(ts.st_mode)))
            continue;
        sbx_copy_remove(to, e->d_name, c, 0);
    }
    closedir(d);
}

/* Copies what folder from holds into folder to (both descriptors stay the caller's). */
static void sbx_copy_dir(int from, int to, struct sbx_copy *c, int mirror, int depth)
{
    int fd = openat(from, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    if (d == NULL) {
        if (fd >= 0)
            close(fd);
        sbx_copy_fail(c, "open", ".", errno);
        return;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL && !c->over) {
        struct stat st;
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0
            || fstatat(from, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0
            || !(S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)))
            continue;   /* links, pipes, sockets, devices: never copied */
        if (c->files_left-- <= 0) {
            c->over = 1;
            break;
        }
        if (S_ISREG(st.st_mode))
            sbx_copy_file(from, to, e->d_name, &st, c);
        else
            sbx_copy_subdir(from, to, e->d_name, &st, c, mirror, depth);
    }
    closedir(d);
    if (mirror && !c->over)
        sbx_copy_prune(from, to, c);
}

/* Copies (mirror: 0) or mirrors (1: also removes from `to` what `from` does not hold)
 * the folder `from` into the folder `to`, within the limits in *c (0: none). Returns 0
 * when everything was copied; else -1 with c->over set (a limit was reached) or
 * c->errors counted and the first in c->err. */
int sbx_copy_tree(int from, int to, int mirror, struct sbx_copy *c)
{
    if (c->bytes_left <= 0)
        c->bytes_left = (long long)1 << 62;
    if (c->files_left <= 0)
        c->files_left = (long)1 << 40;
    sbx_copy_dir(from, to, c, mirror, 0);
    return c->over || c->errors ? -1 : 0;
}
