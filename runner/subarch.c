/* subarch.c -- a submission's files as a tar.gz (libarchive). Packing walks the learner's
 * folders; unpacking reads an untrusted archive and refuses, before writing anything for
 * an entry, whatever is not a plain relative file or folder under the allowed folders or
 * goes past a limit; bytes are counted as read, never taken from a header. Nothing here
 * uses libarchive's disk writer: every file is created by name beneath dest with
 * O_NOFOLLOW | O_EXCL. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "course.h"
#include "frontmatter.h"
#include "subarch.h"
#include "util.h"

#define SUBARCH_MAX_PATH 512    /* bytes of one entry's name */
#define SUBARCH_SHOWN 80        /* bytes of a name shown in a cause */

/* ---- packing ------------------------------------------------------------------------- */

struct subarch_pack_state {
    struct archive *a;
    struct sb out;              /* the compressed bytes */
    size_t entries, total;
    char *cause;
};

/* libarchive's write callback: appends to the memory buffer. */
static la_ssize_t subarch_write_cb(struct archive *a, void *data, const void *buf, size_t n)
{
    (void)a;
    struct subarch_pack_state *st = data;
    sb_add(&st->out, buf, n);
    return (la_ssize_t)n;
}

/* Adds the regular file root/rel as the entry rel. Returns 0 or -1 with st->cause. */
static int subarch_pack_file(struct subarch_pack_state *st, const char *root, const char *rel)
{
    char *path = util_path_join(root, rel);
    size_t len = 0;
    char *data = util_read_file(path, SUBARCH_MAX_FILE, &len);
    free(path);
    if (data == NULL) {
        st->cause = errno == EFBIG
            ? xasprintf("%s: larger than %zu KiB, the limit of a file", rel,
                        SUBARCH_MAX_FILE >> 10)
            : xasprintf("%s: %s", rel, strerror(errno));
        return -1;
    }
    if (++st->entries > SUBARCH_MAX_ENTRIES || (st->total += len) > SUBARCH_MAX_TOTAL) {
        st->cause = st->entries > SUBARCH_MAX_ENTRIES
            ? xasprintf("%s: more than %d files to send", rel, SUBARCH_MAX_ENTRIES)
            : xasprintf("%s: the files come to more than %zu MiB", rel,
                        SUBARCH_MAX_TOTAL >> 20);
        free(data);
        return -1;
    }
    struct archive_entry *e = archive_entry_new();
    archive_entry_set_pathname(e, rel);
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_size(e, (la_int64_t)len);
    int rc = archive_write_header(st->a, e) == ARCHIVE_OK
        && (len == 0 || archive_write_data(st->a, data, len) == (la_ssize_t)len) ? 0 : -1;
    if (rc < 0)
        st->cause = xasprintf("%s: %s", rel, archive_error_string(st->a));
    archive_entry_free(e);
    free(data);
    return rc;
}

/* Adds every regular file under root/rel (a folder), in name order, skipping dot names
 * (course_list_dir leaves them out) and anything but files and folders. */
static int subarch_pack_dir(struct subarch_pack_state *st, const char *root, const char *rel)
{
    char *dir = util_path_join(root, rel);
    char **names = course_list_dir(dir);
    int rc = 0;
    for (size_t i = 0; names != NULL && names[i] != NULL && rc == 0; i++) {
        char *child = util_path_join(rel, names[i]);
        char *path = util_path_join(dir, names[i]);
        struct stat sbuf;
        if (lstat(path, &sbuf) == 0 && S_ISDIR(sbuf.st_mode))
            rc = subarch_pack_dir(st, root, child);
        else if (lstat(path, &sbuf) == 0 && S_ISREG(sbuf.st_mode))
            rc = subarch_pack_file(st, root, child);
        free(path);
        free(child);
    }
    fm_list_free(names);
    free(dir);
    return rc;
}

int subarch_pack(const char *root, char *const *folders, char **out, size_t *len,
                 char **cause)
{
    struct subarch_pack_state st = { .a = archive_write_new() };
    sb_init(&st.out);
    archive_write_add_filter_gzip(st.a);
    archive_write_set_format_pax_restricted(st.a);
    archive_write_set_bytes_in_last_block(st.a, 1);
    int rc = archive_write_open(st.a, &st, NULL, subarch_write_cb, NULL) == ARCHIVE_OK
        ? 0 : -1;
    if (rc < 0)
        st.cause = xasprintf("cannot start the archive: %s", archive_error_string(st.a));
    for (size_t i = 0; rc == 0 && folders != NULL && folders[i] != NULL; i++)
        rc = subarch_pack_dir(&st, root, folders[i]);
    if (archive_write_close(st.a) != ARCHIVE_OK && rc == 0) {
        st.cause = xasprintf("cannot finish the archive: %s", archive_error_string(st.a));
        rc = -1;
    }
    archive_write_free(st.a);
    if (rc < 0) {
        sb_free(&st.out);
        *cause = st.cause;
        return -1;
    }
    *len = st.out.len;
    *out = sb_steal(&st.out);
    return 0;
}

/* ---- unpacking ----------------------------------------------------------------------- */

/* What an entry's type is called when it is refused; types not listed are "of an
 * unknown type". */
static const struct {
    unsigned type;
    const char *words;
} subarch_types[] = {
    { AE_IFLNK, "a symbolic link" },
    { AE_IFCHR, "a character device" },
    { AE_IFBLK, "a block device" },
    { AE_IFIFO, "a fifo" },
    { AE_IFSOCK, "a socket" },
};

/* The entry's name as a cause shows it: printable ASCII kept, other bytes as \xNN,
 * cut at SUBARCH_SHOWN bytes. Caller frees. */
static char *subarch_shown(const char *name)
{
    struct sb sb;
    sb_init(&sb);
    size_t i = 0;
    for (; name[i] != '\0' && i < SUBARCH_SHOWN; i++) {
        unsigned char c = (unsigned char)name[i];
        if (c < 0x20 || c >= 0x7f || c == '\\')
            sb_printf(&sb, "\\x%02X", c);
        else
            sb_putc(&sb, (char)c);
    }
    if (name[i] != '\0')
        sb_puts(&sb, "...");
    return sb_steal(&sb);
}

/* Sets *cause to "entry N (NAME): WHY" and returns -1. */
static int subarch_refuse(char **cause, size_t n, const char *name, const char *why)
{
    char *shown = subarch_shown(name != NULL ? name : "");
    *cause = xasprintf("entry %zu (%s): %s", n, shown, why);
    free(shown);
    return -1;
}

/* The limits an entry can pass. */
enum subarch_over { SUBARCH_OVER_ENTRIES = 1, SUBARCH_OVER_FILE, SUBARCH_OVER_TOTAL };

/* subarch_refuse for a limit, in words that follow subarch.h's numbers. */
static int subarch_refuse_limit(char **cause, size_t n, const char *name,
                                enum subarch_over which)
{
    char why[64];
    if (which == SUBARCH_OVER_ENTRIES)
        snprintf(why, sizeof why, "more than %d entries", SUBARCH_MAX_ENTRIES);
    else if (which == SUBARCH_OVER_FILE)
        snprintf(why, sizeof why, "a file over %zu KiB", SUBARCH_MAX_FILE >> 10);
    else
        snprintf(why, sizeof why, "the files come to more than %zu MiB unpacked",
                 SUBARCH_MAX_TOTAL >> 20);
    return subarch_refuse(cause, n, name, why);
}

/* Why an entry's type is refused, or NULL for a regular file or folder. */
static const char *subarch_type_refused(struct archive_entry *e)
{
    if (archive_entry_hardlink(e) != NULL)
        return "a hard link";
    unsigned type = archive_entry_filetype(e);
    if (type == AE_IFREG || type == AE_IFDIR)
        return NULL;
    for (size_t i = 0; i < sizeof subarch_types / sizeof subarch_types[0]; i++)
        if (subarch_types[i].type == type)
            return subarch_types[i].words;
    return "of an unknown type";
}

/* Why the path of an entry is refused, or NULL: relative, no empty, "." or ".."
 * component, the first component one of allowed and, for a file, not only that. A
 * folder's name may end in one '/'. */
static const char *subarch_path_refused(const char *name, int is_dir, char *const *allowed)
{
    size_t len = strlen(name);
    if (len == 0)
        return "an empty name";
    if (len > SUBARCH_MAX_PATH)
        return "a name too long";
    if (name[0] == '/')
        return "an absolute path";
    if (is_dir && name[len - 1] == '/')
        len--;
    size_t ncomp = 0, first = strcspn(name, "/");
    for (size_t at = 0; at <= len; ncomp++) {
        size_t n = strcspn(name + at, "/");
        if (at + n > len)
            n = len - at;
        if (n == 0)
            return "an empty path component";
        if ((n == 1 && name[at] == '.') || (n == 2 && name[at] == '.' && name[at + 1] == '.'))
            return n == 1 ? "a . component" : "a .. component";
        at += n + 1;
    }
    int ok = 0;
    for (size_t i = 0; allowed != NULL && allowed[i] != NULL && !ok; i++)
        ok = strlen(allowed[i]) == first && strncmp(name, allowed[i], first) == 0;
    if (!ok)
        return "outside the lab's folders";
    if (!is_dir && ncomp < 2)
        return "a file where the lab has a folder";
    return NULL;
}

/* Opens (creating with mode 0755 as needed) the folder of each of the n components of
 * name beneath the folder dfd, following no link. Returns a descriptor the caller
 * closes, or -1 with errno. */
static int subarch_open_dirs(int dfd, const char *name, size_t ncomp)
{
    int fd = dup(dfd);
    const char *p = name;
    for (size_t i = 0; i < ncomp && fd >= 0; i++) {
        size_t n = strcspn(p, "/");
        char *comp = xstrndup(p, n);
        if (mkdirat(fd, comp, 0755) < 0 && errno != EEXIST) {
            free(comp);
            close(fd);
            return -1;
        }
        int next = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        int e = errno;
        if (next >= 0 && fchmod(next, 0755) < 0)
            e = errno, close(next), next = -1;
        free(comp);
        close(fd);
        errno = e;
        fd = next;
        p += n + (p[n] == '/');
    }
    return fd;
}

/* Number of components of a path checked by subarch_path_refused. */
static size_t subarch_components(const char *name)
{
    size_t n = 1;
    for (const char *p = name; *p != '\0'; p++)
        n += *p == '/' && p[1] != '\0';
    return n;
}

/* Writes all of fd's data from the archive, counting what is read against the limits
 * (*total: the bytes of every file so far). Returns 0, -1 with *why (not allocated), or
 * the limit passed (enum subarch_over). */
static int subarch_copy(struct archive *a, int fd, size_t *total, const char **why)
{
    char buf[16384];
    size_t size = 0;
    for (;;) {
        la_ssize_t n = archive_read_data(a, buf, sizeof buf);
        if (n == 0)
            return 0;
        if (n < 0) {
            *why = archive_error_string(a) ? archive_error_string(a) : "unreadable data";
            return -1;
        }
        size += (size_t)n;
        *total += (size_t)n;
        if (size > SUBARCH_MAX_FILE || *total > SUBARCH_MAX_TOTAL)
            return size > SUBARCH_MAX_FILE ? SUBARCH_OVER_FILE : SUBARCH_OVER_TOTAL;
        for (const char *p = buf; n > 0;) {
            ssize_t w = write(fd, p, (size_t)n);
            if (w < 0 && errno == EINTR)
                continue;
            if (w < 0) {
                *why = strerror(errno);
                return -1;
            }
            p += w;
            n -= w;
        }
    }
}

/* Creates entry number idx (already checked) beneath the folder dfd and fills a file
 * from the archive. Returns 0 or -1 with *cause. */
static int subarch_extract(struct archive *a, struct archive_entry *e, int dfd, size_t idx,
                           size_t *total, char **cause)
{
    const char *name = archive_entry_pathname(e);
    int is_dir = archive_entry_filetype(e) == AE_IFDIR;
    size_t ncomp = subarch_components(name);
    int pfd = subarch_open_dirs(dfd, name, is_dir ? ncomp : ncomp - 1);
    if (pfd < 0)
        return subarch_refuse(cause, idx, name, strerror(errno));
    if (is_dir) {
        close(pfd);
        return 0;
    }
    const char *last = strrchr(name, '/') + 1;
    int fd = openat(pfd, last, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    int e2 = errno;
    close(pfd);
    if (fd < 0)
        return subarch_refuse(cause, idx, name, e2 == EEXIST ? "a second entry of that name"
                              : strerror(e2));
    const char *why = NULL;
    int rc = fchmod(fd, 0644) == 0 ? subarch_copy(a, fd, total, &why) : -1;
    if (rc < 0 && why == NULL)
        why = strerror(errno);
    if (close(fd) < 0 && rc == 0) {
        why = strerror(errno);
        rc = -1;
    }
    if (rc > 0)
        return subarch_refuse_limit(cause, idx, name, (enum subarch_over)rc);
    return rc < 0 ? subarch_refuse(cause, idx, name, why) : 0;
}

/* Checks entry idx against the limits and rules before anything is written for it.
 * Returns 0 or -1 with *cause. */
static int subarch_check_entry(struct archive_entry *e, size_t idx, char *const *allowed,
                               char **cause)
{
    const char *name = archive_entry_pathname(e);
    if (name == NULL)
        return subarch_refuse(cause, idx, "", "an empty name");
    if (idx > SUBARCH_MAX_ENTRIES)
        return subarch_refuse_limit(cause, idx, name, SUBARCH_OVER_ENTRIES);
    const char *why = subarch_type_refused(e);
    if (why == NULL)
        why = subarch_path_refused(name, archive_entry_filetype(e) == AE_IFDIR, allowed);
    if (why != NULL)
        return subarch_refuse(cause, idx, name, why);
    if (archive_entry_size_is_set(e) && archive_entry_size(e) > (la_int64_t)SUBARCH_MAX_FILE)
        return subarch_refuse_limit(cause, idx, name, SUBARCH_OVER_FILE);
    return 0;
}

int subarch_unpack(const char *data, size_t len, const char *dest, char *const *allowed,
                   char **cause)
{
    int dfd = open(dest, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) {
        *cause = xasprintf("%s: %s", dest, strerror(errno));
        return -1;
    }
    struct archive *a = archive_read_new();
    archive_read_support_filter_gzip(a);
    archive_read_support_format_tar(a);
    int rc = 0;
    *cause = NULL;
    if (archive_read_open_memory(a, data, len) != ARCHIVE_OK) {
        *cause = xasprintf("not a tar.gz archive: %s", archive_error_string(a) != NULL
                           ? archive_error_string(a) : "unreadable");
        rc = -1;
    } else if (archive_filter_code(a, 0) != ARCHIVE_FILTER_GZIP) {
        *cause = xstrdup("not a tar.gz archive: the data is not gzip-compressed");
        rc = -1;
    }
    size_t total = 0;
    for (size_t idx = 1; rc == 0; idx++) {
        struct archive_entry *e;
        int r = archive_read_next_header(a, &e);
        if (r == ARCHIVE_EOF)
            break;
        if (r != ARCHIVE_OK) {
            *cause = xasprintf("entry %zu: %s", idx, archive_error_string(a)
                               ? archive_error_string(a) : "unreadable header");
            rc = -1;
        } else {
            rc = subarch_check_entry(e, idx, allowed, cause);
            if (rc == 0)
                rc = subarch_extract(a, e, dfd, idx, &total, cause);
        }
    }
    archive_read_free(a);
    close(dfd);
    return rc;
}
