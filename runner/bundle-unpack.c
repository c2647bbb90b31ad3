/* bundle-unpack.c -- the learner's side of a bundle (bundle.h): a tar.gz from the class
 * server unpacked into an empty folder with libarchive. The archive is untrusted: each
 * entry is checked (type, path, limits) before anything is written for it, and nothing
 * is written through a link. */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle.h"
#include "util.h"

#define BUNDLE_NAME_MAX 512

/* What the top of a bundle may hold: its mark (a file) and two folders. */
static const struct {
    const char *name;
    int folder;
} bundle_tops[] = {
    { BUNDLE_MARK, 0 },
    { "lessons", 1 },
    { "labs", 1 },
};

/* Sets *cause to "entry N (NAME): why" (the name cut short, control bytes as '?'). */
static int bundle_refuse_entry(char **cause, size_t idx, const char *name, const char *why)
{
    char shown[80];
    size_t n = 0;
    for (; name != NULL && name[n] != '\0' && n + 4 < sizeof shown; n++)
        shown[n] = (unsigned char)name[n] < 0x20 || name[n] == 0x7f ? '?' : name[n];
    if (name != NULL && name[n] != '\0')
        memcpy(shown + n, "...", 3), n += 3;
    shown[n] = '\0';
    *cause = xasprintf("entry %zu (%s): %s", idx, shown, why);
    return -1;
}

/* Why the entry's path is refused, or NULL. *depth gets its number of components. */
static const char *bundle_path_refused(const char *name, int is_dir, size_t *depth)
{
    if (name == NULL || *name == '\0')
        return "an empty path";
    if (strlen(name) > BUNDLE_NAME_MAX)
        return "a path over 512 bytes";
    if (name[0] == '/')
        return "an absolute path";
    for (const char *p = name; *p != '\0'; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return "a control character in the path";
    size_t n = 0;
    for (const char *p = name; *p != '\0';) {
        size_t len = strcspn(p, "/");
        if (len == 0 && !(is_dir && p[0] == '/' && p[1] == '\0'))
            return "an empty component";
        if ((len == 1 && p[0] == '.') || (len == 2 && p[0] == '.' && p[1] == '.'))
            return len == 1 ? "a . component" : "a .. component";
        if (len > 0)
            n++;
        p += len + (p[len] == '/');
    }
    *depth = n;
    if (n > BUNDLE_MAX_DEPTH)
        return "a path more than 8 folders deep";
    size_t top = strcspn(name, "/");
    for (size_t i = 0; i < sizeof bundle_tops / sizeof bundle_tops[0]; i++)
        if (strlen(bundle_tops[i].name) == top && strncmp(bundle_tops[i].name, name, top) == 0)
            return !bundle_tops[i].folder && (n > 1 || is_dir)
                   ? "BUNDLE must be a file at the top" : NULL;
    return "not part of a learner bundle (BUNDLE, lessons/ and labs/ only)";
}

/* Opens (creating with mode 0755) the folders of the first n components of name beneath
 * the folder dfd, following no link. Returns a descriptor the caller closes, or -1. */
static int bundle_open_dirs(int dfd, const char *name, size_t n)
{
    int fd = dup(dfd);
    for (const char *p = name; n > 0 && fd >= 0; n--) {
        size_t len = strcspn(p, "/");
        char *comp = xstrndup(p, len);
        int next = -1;
        if (mkdirat(fd, comp, 0755) == 0 || errno == EEXIST)
            next = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        int e = errno;
        free(comp);
        close(fd);
        errno = e;
        fd = next;
        p += len + (p[len] == '/');
    }
    return fd;
}

/* Copies the entry's data into fd within the limits (*total: every file so far).
 * Returns 0, or -1 with *why (static text). */
static int bundle_copy(struct archive *a, int fd, size_t *total, const char **why)
{
    char buf[16384];
    size_t size = 0;
    for (la_ssize_t n; (n = archive_read_data(a, buf, sizeof buf)) != 0;) {
        if (n < 0) {
            *why = archive_error_string(a) ? archive_error_string(a) : "unreadable data";
            return -1;
        }
        size += (size_t)n;
        *total += (size_t)n;
        if (size > BUNDLE_MAX_FILE || *total > BUNDLE_MAX_TOTAL) {
            *why = size > BUNDLE_MAX_FILE ? "a file over 4 MiB"
                                          : "the files come to more than 64 MiB unpacked";
            return -1;
        }
        for (const char *p = buf; n > 0;) {
            ssize_t w = write(fd, p, (size_t)n);
            if (w < 0 && errno != EINTR) {
                *why = strerror(errno);
                return -1;
            }
            p += w > 0 ? w : 0;
            n -= w > 0 ? w : 0;
        }
    }
    return 0;
}

/* Checks entry idx and creates it beneath dfd. Returns 0 or -1 with *cause. */
static int bundle_extract(struct archive *a, struct archive_entry *e, int dfd, size_t idx,
                          size_t *total, char **cause)
{
    const char *name = archive_entry_pathname(e);
    unsigned type = archive_entry_filetype(e);
    size_t depth = 0;
    const char *why = type != AE_IFREG && type != AE_IFDIR
                      ? "not a regular file or a folder (links and devices are refused)"
                      : bundle_path_refused(name, type == AE_IFDIR, &depth);
    if (why == NULL && archive_entry_size_is_set(e) && archive_entry_size(e) > (la_int64_t)BUNDLE_MAX_FILE)
        why = "a file over 4 MiB";
    if (why != NULL)
        return bundle_refuse_entry(cause, idx, name, why);
    int pfd = bundle_open_dirs(dfd, name, type == AE_IFDIR ? depth : depth - 1);
    if (pfd < 0 || type == AE_IFDIR) {
        int e2 = errno;
        if (pfd >= 0)
            close(pfd);
        return pfd < 0 ? bundle_refuse_entry(cause, idx, name, strerror(e2)) : 0;
    }
    const char *last = strrchr(name, '/') ? strrchr(name, '/') + 1 : name;
    int fd = openat(pfd, last, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    int e2 = errno;
    close(pfd);
    if (fd < 0)
        return bundle_refuse_entry(cause, idx, name, e2 == EEXIST ? "a second entry of that name"
                                   : strerror(e2));
    int rc = bundle_copy(a, fd, total, &why);
    if (close(fd) < 0 && rc == 0)
        why = strerror(errno), rc = -1;
    return rc < 0 ? bundle_refuse_entry(cause, idx, name, why) : 0;
}

int bundle_unpack(const char *data, size_t len, const char *dest, int *upto, char **cause)
{
    int dfd = open(dest, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dfd < 0) {
        *cause = xasprintf("%s: %s", dest, strerror(errno));
        return -1;
    }
    struct archive *a = archive_read_new();
    archive_read_support_filter_gzip(a);
    archive_read_support_format_tar(a);
    int rc = 0;
    if (archive_read_open_memory(a, data, len) != ARCHIVE_OK) {
        *cause = xasprintf("not a tar.gz: %s", archive_error_string(a));
        rc = -1;
    }
    size_t total = 0, idx = 0;
    while (rc == 0) {
        struct archive_entry *e;
        int r = archive_read_next_header(a, &e);
        if (r == ARCHIVE_EOF)
            break;
        if (++idx > BUNDLE_MAX_ENTRIES)
            rc = bundle_refuse_entry(cause, idx, "", "more than 4096 entries");
        else if (r != ARCHIVE_OK)
            rc = bundle_refuse_entry(cause, idx, "", archive_error_string(a)
                                     ? archive_error_string(a) : "unreadable header");
        else
            rc = bundle_extract(a, e, dfd, idx, &total, cause);
    }
    archive_read_free(a);
    close(dfd);
    int mark = rc == 0 ? bundle_read_mark(dest, dest, upto, cause) : -1;
    if (mark == 0)
        *cause = xasprintf("%s: not a learner bundle (no %s mark)", dest, BUNDLE_MARK);
    return mark == 1 ? 0 : -1;
}
