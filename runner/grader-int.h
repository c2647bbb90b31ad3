/* grader-int.h -- what the files of the grader module share among themselves
 * (grader.c, grader-files.c, grader-public.c, grader-build.c); the rest of the program
 * uses grader.h. Prefix: grader_. */
#ifndef STACKLAB_GRADER_INT_H
#define STACKLAB_GRADER_INT_H

#include <stddef.h>

#include "course.h"
#include "grader.h"
#include "sandbox.h"
#include "sanitizer.h"
#include "workspace.h"

#define GRADER_FILE_CAP (1u << 20)      /* one learner file */
#define GRADER_TOTAL_CAP (8u << 20)     /* all of them */
#define GRADER_MAX_FILES 64
#define GRADER_TAP_CAP (1u << 20)
#define GRADER_SHOW_CAP 4096            /* learner output kept for the report */

/* grader-files.c */
/* Reads one entry of the directory dfd without following links; refuses anything but
 * a regular file of at most GRADER_FILE_CAP bytes. Returns the text (caller frees) or
 * NULL with an allocated *cause naming it as `shown`. */
char *grader_read_at(int dfd, const char *name, const char *shown, size_t *len, char **cause);
/* The learner's folders a lab builds from (its track's bases', its track's, then each
 * other top folder named by its files), NULL-ended. Caller frees (grader_strv_free). */
char **grader_lab_dirs(const struct lab *lab);
/* "DIR/" for each folder of grader_lab_dirs, and "tests/" when tests is set: the paths a
 * sanitizer report may blame. NULL-ended; caller frees (grader_strv_free). */
char **grader_learner_prefixes(const struct lab *lab, int tests);
/* Copies every folder of dirs from the workspace into the box (links refused, sizes
 * capped). Returns 0, or -1 with an allocated *cause for the learner. */
int grader_copy_lab_dirs(const char *wsroot, char *const *dirs, const char *box, char **cause);
/* Appends the sources of every folder of dirs (copied into box) to *srcs (*n entries). */
void grader_lab_sources(const char *box, char *const *dirs, char ***srcs, size_t *n);
/* Copies a trusted course file into the box under `name`. Returns 0 or -1 (*cause). */
int grader_copy_course(const char *from, const char *box, const char *name, char **cause);
/* Copies every *.h of the lab folder labdir (trusted) into box, beside driver.c.
 * Returns 0 or -1 (*cause). */
int grader_copy_lab_headers(const char *labdir, const char *box, char **cause);
/* qsort comparison of two char * by strcmp. */
int grader_name_cmp(const void *a, const void *b);

/* grader.c */
/* Compiles sources into box/out inside the sandbox, reusing the workspace's cached
 * objects (grader_build). Same return convention as grader_build. */
int grader_compile(const struct workspace *ws, const char *box, const struct lab *lab,
                   char *const *sources, const char *out, char **log, char **cause);
/* A copy of at most GRADER_SHOW_CAP bytes of s (caller frees), NULL for NULL or "";
 * *truncated is set when bytes were cut. */
char *grader_capped(const char *s, int *truncated);
/* The verdict a run's sandbox verdict forces, or GRADER_PASS when it ended normally. */
enum grader_verdict grader_from_sbx(enum sbx_verdict v);
/* The verdict a sanitizer report gives: a crash ASan caught stays a crash. */
enum grader_verdict grader_san_verdict(const struct sanitizer_report *r);

#endif
