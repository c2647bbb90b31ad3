/* grader-files.c -- the learner's files into a build folder: the folders a lab builds
 * from, copied without following links and with size caps, their sources listed in name
 * order, and the argv helpers. Part of the grader module (grader.h, grader-int.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "grader-int.h"
#include "grader.h"
#include "util.h"

/* Reads one entry of the directory dfd without following links; refuses anything but
 * a regular file of at most GRADER_FILE_CAP bytes. Returns the text or NULL with *cause. */
char *grader_read_at(int dfd, const char *name, const char *shown, size_t *len,
                     char **cause)
{
    int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0) {
        *cause = xasprintf("%s: %s", shown, errno == ELOOP ? "is a symbolic link; "
                           "replace it with a regular file" : strerror(errno));
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    if (!S_ISREG(st.st_mode) || st.st_size > (off_t)GRADER_FILE_CAP) {
        *cause = xasprintf("%s: %s", shown, S_ISREG(st.st_mode) ? "too large (over 1 MB)"
                           : "not a regular file");
        close(fd);
        return NULL;
    }
    char *buf = xmalloc((size_t)st.st_size + 1);
    size_t got = 0;
    ssize_t n;
    while (got < (size_t)st.st_size
           && ((n = read(fd, buf + got, (size_t)st.st_size - got)) > 0 || errno == EINTR))
        got += n > 0 ? (size_t)n : 0;
    close(fd);
    buf[got] = '\0';
    *len = got;
    return buf;
}

/* 1 for the learner's source names: *.c and *.h, no hidden files. */
static int grader_is_source(const char *name)
{
    size_t n = strlen(name);
    return name[0] != '.' && n > 2 && name[n - 2] == '.'
        && (name[n - 1] == 'c' || name[n - 1] == 'h');
}

/* Copies ws/TRACK/ *.c *.h into box/TRACK/. Returns 0, or -1 with *cause (a learner
 * problem: links, special files, sizes). */
static int grader_copy_learner(const char *wsroot, const char *track, const char *box,
                               char **cause)
{
    char *src = util_path_join(wsroot, track);
    int dfd = open(src, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    free(src);
    if (dfd < 0) {
        *cause = xasprintf("%s/: %s", track, errno == ENOTDIR || errno == ELOOP
                           ? "must be a real folder, not a link" : strerror(errno));
        return -1;
    }
    DIR *d = fdopendir(dfd);
    char *dst = util_path_join(box, track);
    util_mkdirs(dst, 0755);
    size_t total = 0, files = 0;
    int rc = 0;
    struct dirent *de;
    while (rc == 0 && (de = readdir(d)) != NULL) {
        if (!grader_is_source(de->d_name))
            continue;
        char *shown = xasprintf("%s/%s", track, de->d_name);
        size_t len = 0;
        char *text = grader_read_at(dfd, de->d_name, shown, &len, cause);
        if (text == NULL || ++files > GRADER_MAX_FILES || (total += len) > GRADER_TOTAL_CAP) {
            if (text != NULL)
                *cause = xasprintf("%s/: too many or too large files", track);
            rc = -1;
        } else {
            char *to = util_path_join(dst, de->d_name);
            if (util_write_file(to, text, len, 0644) < 0) {
                *cause = xasprintf("%s: %s", to, strerror(errno));
                rc = -1;
            }
            free(to);
        }
        free(text);
        free(shown);
    }
    closedir(d);
    free(dst);
    return rc;
}

/* The learner's folders a lab builds from (lab->folders, see track_lab_folders), a
 * copy. Caller frees (grader_strv_free). */
char **grader_lab_dirs(const struct lab *lab)
{
    return grader_argv((const char *const *)lab->folders, NULL, NULL, NULL);
}

/* "DIR/" for each folder of grader_lab_dirs, and "tests/" when tests is set: the paths
 * a sanitizer report may blame. NULL-ended; caller frees (grader_strv_free). */
char **grader_learner_prefixes(const struct lab *lab, int tests)
{
    char **dirs = grader_lab_dirs(lab);
    size_t n = 0;
    while (dirs[n] != NULL)
        n++;
    char **v = xcalloc(n + 2, sizeof *v);
    for (size_t i = 0; i < n; i++)
        v[i] = xasprintf("%s/", dirs[i]);
    if (tests)
        v[n++] = xstrdup("tests/");
    grader_strv_free(dirs);
    return v;
}

/* Copies every folder of grader_lab_dirs into the box; like grader_copy_learner. */
int grader_copy_lab_dirs(const char *wsroot, char *const *dirs, const char *box,
                         char **cause)
{
    for (size_t i = 0; dirs[i] != NULL; i++)
        if (grader_copy_learner(wsroot, dirs[i], box, cause) < 0)
            return -1;
    return 0;
}

/* Appends the sources of every folder of dirs (copied into box) to *srcs. */
void grader_lab_sources(const char *box, char *const *dirs, char ***srcs, size_t *n)
{
    for (size_t i = 0; dirs[i] != NULL; i++) {
        char *dir = util_path_join(box, dirs[i]);
        grader_list_sources(dir, dirs[i], ".c", srcs, n);
        free(dir);
    }
}

/* Copies a trusted course file into the box under `name`. */
int grader_copy_course(const char *from, const char *box, const char *name,
                       char **cause)
{
    size_t len;
    char *text = util_read_file(from, GRADER_FILE_CAP, &len);
    char *to = util_path_join(box, name);
    int rc = text != NULL ? util_write_file(to, text, len, 0644) : -1;
    if (rc < 0)
        *cause = xasprintf("%s: %s", text ? to : from, strerror(errno));
    free(text);
    free(to);
    return rc;
}

/* Copies every *.h of the lab folder labdir into the box beside driver.c: a lab header
 * the driver and its checker share (docs/course-format.md, "A lab folder"). */
int grader_copy_lab_headers(const char *labdir, const char *box, char **cause)
{
    char **names = NULL;
    size_t n = 0;
    grader_list_sources(labdir, NULL, ".h", &names, &n);
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        char *from = util_path_join(labdir, names[i]);
        rc = grader_copy_course(from, box, names[i], cause);
        free(from);
    }
    grader_strv_free(names);
    return rc;
}

int grader_name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void grader_list_sources(const char *dir, const char *prefix, const char *ext,
                                char ***v, size_t *n)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    size_t first = *n;
    while (d != NULL && (de = readdir(d)) != NULL) {
        size_t len = strlen(de->d_name);
        if (!grader_is_source(de->d_name) || strcmp(de->d_name + len - 2, ext) != 0)
            continue;
        *v = xrealloc(*v, (*n + 2) * sizeof **v);
        (*v)[(*n)++] = prefix ? xasprintf("%s/%s", prefix, de->d_name) : xstrdup(de->d_name);
        (*v)[*n] = NULL;
    }
    if (d != NULL)
        closedir(d);
    if (*n > first)     /* name order: the same build and messages on every file system */
        qsort(*v + first, *n - first, sizeof **v, grader_name_cmp);
}

void grader_strv_free(char **v)
{
    for (size_t i = 0; v != NULL && v[i] != NULL; i++)
        free(v[i]);
    free(v);
}

char **grader_argv(const char *const *head, const char *const *flags,
                          char *const *extra, const char *const *libs)
{
    const char *const *parts[] = { head, flags, (const char *const *)extra, libs };
    size_t n = 0;
    char **argv = xcalloc(1, sizeof *argv);
    for (size_t p = 0; p < 4; p++)
        for (size_t i = 0; parts[p] != NULL && parts[p][i] != NULL; i++) {
            argv = xrealloc(argv, (n + 2) * sizeof *argv);
            argv[n++] = xstrdup(parts[p][i]);
            argv[n] = NULL;
        }
    return argv;
}
