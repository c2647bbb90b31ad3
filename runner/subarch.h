/* subarch.h -- a submission's files as a tar.gz (libarchive): packed by `stacklab submit`
 * from the learner's folders, unpacked by a grading worker into an empty folder. The
 * archive is untrusted on the unpacking side: every limit and refusal below is checked
 * before anything is written outside dest. Prefix: subarch_. */
#ifndef STACKLAB_SUBARCH_H
#define STACKLAB_SUBARCH_H

#include <stddef.h>

/* Limits of one submission (docs/server.md). */
#define SUBARCH_MAX_ENTRIES 256
#define SUBARCH_MAX_FILE    ((size_t)512 << 10)
#define SUBARCH_MAX_TOTAL   ((size_t)4 << 20)

/* Packs every regular file under root/FOLDER for each folder of the NULL-ended list
 * (relative names such as "vial"), recursively, skipping names that start with '.', as
 * a gzip-compressed POSIX tar with relative paths "vial/request.c". Returns 0 with
 * *out (malloc'd, caller frees) and *len, or -1 with an allocated *cause (a file over a
 * limit is named). */
int subarch_pack(const char *root, char *const *folders, char **out, size_t *len,
                 char **cause);

/* Unpacks len bytes of an untrusted tar.gz into dest (an existing, empty folder): only
 * regular files and folders, each path relative, without "." or ".." components, under
 * one of the NULL-ended allowed folders, within the limits above; files get mode 0644,
 * folders 0755. Returns 0, or -1 with an allocated *cause naming the entry ("entry 3
 * (../x): a .. component"); on -1 dest may hold part of the files (the caller removes
 * it). */
int subarch_unpack(const char *data, size_t len, const char *dest, char *const *allowed,
                   char **cause);

#endif
