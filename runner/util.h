/* util.h -- small helpers shared by the runner: checked allocation, a growable string
 * buffer, file reading with a size cap, path joining. Prefix: xs_ / sb_ / util_. */
#ifndef STACKLAB_UTIL_H
#define STACKLAB_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* Allocation that aborts with a message on exhaustion; never returns NULL. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Allocated printf. Caller frees. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap);

/* Growable string. Invariant: buf is NUL-terminated whenever len > 0 or after sb_init. */
struct sb {
    char *buf;
    size_t len, cap;
};
void sb_init(struct sb *sb);
void sb_add(struct sb *sb, const char *s, size_t n);
void sb_puts(struct sb *sb, const char *s);
void sb_putc(struct sb *sb, char c);
void sb_printf(struct sb *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Hands the buffer to the caller (who frees it) and empties sb. Never NULL. */
char *sb_steal(struct sb *sb);
void sb_free(struct sb *sb);

/* Reads a whole regular file of at most `cap` bytes into an allocated NUL-terminated
 * buffer (caller frees); *len gets its size if len is not NULL. Returns NULL with errno
 * set on failure (EFBIG when larger than cap). */
char *util_read_file(const char *path, size_t cap, size_t *len);
/* Opens `rel` beneath the folder dirfd (AT_FDCWD: the current one) with flags (O_RDONLY,
 * O_DIRECTORY, O_NONBLOCK ...; O_CREAT is refused with EINVAL), for paths a box's code
 * could have planted: no symbolic link is followed in any part (ELOOP, or ENOTDIR for a
 * link where a folder was expected) and the path never leaves the folder (an absolute
 * path or "..": EXDEV). Uses openat2 (RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS, Linux 5.6+),
 * else a walk of O_NOFOLLOW openat calls. Returns a close-on-exec descriptor the caller
 * closes, or -1 with errno. */
int util_open_beneath(int dirfd, const char *rel, int flags);
/* util_read_file for `rel` opened by util_open_beneath: refuses links (ELOOP), escapes
 * (EXDEV) and anything but a regular file (EISDIR, EINVAL; a FIFO never blocks). Caller
 * frees; NULL with errno on failure. */
char *util_read_beneath(int dirfd, const char *rel, size_t cap, size_t *len);
/* Tests only: 1 makes util_open_beneath skip openat2 and use the O_NOFOLLOW walk. */
extern int util_beneath_walk_only;
/* Writes data to path atomically (temp file + rename). Returns 0 or -1 with errno. */
int util_write_file(const char *path, const void *data, size_t len, int mode);
/* Joins two path parts with one '/'. Caller frees. */
char *util_path_join(const char *a, const char *b);
/* mkdir -p. Returns 0 or -1 with errno. */
int util_mkdirs(const char *path, int mode);
/* rm -rf that never follows symlinks. Returns 0 or -1. */
int util_rmtree(const char *path);
/* 1 if path is a directory / a regular file. */
int util_is_dir(const char *path);
int util_is_file(const char *path);
/* Realpath that returns an allocated string or NULL. */
char *util_realpath(const char *path);
/* 1 if `path` equals `dir` or lies inside it (both absolute, resolved). */
int util_path_inside(const char *path, const char *dir);
/* Seconds since the epoch as a double, and a monotonic clock in seconds. */
/* The one rule for seeds (check --seed, STACKLAB_SEED, exam --seed): a decimal number
 * from 0 to 2^53-1 (exact in any reader), digits only. Returns 0 with *out set, or -1
 * (out unchanged). */
#define UTIL_SEED_MAX ((UINT64_C(1) << 53) - 1)
int util_parse_seed(const char *s, uint64_t *out);

double util_now(void);
double util_mono(void);

#endif
