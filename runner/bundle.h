/* bundle.h -- the learner bundle: what a class's learner holds of the course (lessons,
 * lab instructions, public tests, the workspace kit, track.md's and the learner's
 * folders already rendered as starter(k)) and nothing else: no checker, driver, lab
 * header, mutants.txt, reference or exam. Written as a tar.gz (libarchive) by
 * `stacklab bundle` and served by the class server; read back by course_load, which
 * knows a bundle by its BUNDLE file. Prefix: bundle_. */
#ifndef STACKLAB_BUNDLE_H
#define STACKLAB_BUNDLE_H

#include <stddef.h>

#include "course.h"
#include "util.h"

/* The file at a bundle's root that marks it: "stacklab bundle 1\nupto NN\n", then a
 * line per exam of the class (bundle_read_exams). */
#define BUNDLE_MARK "BUNDLE"
/* Where a bundle keeps starter(k) of a learner's file REL ("vial/router.c"):
 * labs/TRACK/starters/KK/REL, for k = 1 and for each k after it where it changed. */
#define BUNDLE_STARTERS "starters"
/* Labs are numbered 01..99. */
#define BUNDLE_UPTO_MAX 99

/* Packs the bundle of a learner whose current lab is `upto` (a lab number, 1..99, as
 * grader_lab_number gives) from the full course c: starter(k) of every learner's file
 * for each k <= upto where it changed. The same course and upto give the same bytes.
 * Returns 0 with *out (malloc'd, caller frees) and *len, or -1 with an allocated *cause
 * (upto out of range, c itself a bundle, a course file unreadable). */
int bundle_write(const struct course *c, int upto, char **out, size_t *len, char **cause);

/* bundle_write into the file path (written atomically, mode 0644). Same returns. */
int bundle_write_file(const struct course *c, int upto, const char *path, char **cause);

/* Limits of a bundle a learner's program unpacks (it comes over the network). */
#define BUNDLE_MAX_ENTRIES 4096
#define BUNDLE_MAX_FILE    ((size_t)4 << 20)
#define BUNDLE_MAX_TOTAL   ((size_t)64 << 20)
#define BUNDLE_MAX_DEPTH   8

/* Unpacks len bytes of an untrusted bundle into dest, an existing empty folder: only
 * regular files and folders under BUNDLE, lessons/ and labs/, each path relative,
 * without empty, "." or ".." components, at most BUNDLE_MAX_DEPTH deep, within the
 * limits above, never through a link; then its BUNDLE mark must read. Returns 0 with
 * *upto, or -1 with an allocated *cause naming the entry ("entry 3 (../x): a ..
 * component"); on -1 dest may hold part of the files (the caller removes it). */
int bundle_unpack(const char *data, size_t len, const char *dest, int *upto, char **cause);

/* Reads root/BUNDLE. Returns 1 with *upto set when root is a bundle, 0 when it has no
 * BUNDLE file (a full course), -1 when the mark is malformed, with an allocated *cause
 * "SHOWN/BUNDLE:LINE: message" (shown: the root as the user named it). */
int bundle_read_mark(const char *root, const char *shown, int *upto, char **cause);

/* The class's exams a bundle lists on its mark's lines "exam ID TRACK MINUTES QUESTIONS
 * PASS ATTEMPTS TITLE" (bundle_write adds one per exam of the full course): each as a
 * struct exam with its settings only, no question, topic or key (the bank stays on the
 * class server, where the exam is sat). *out (caller frees each with exam_free, then
 * the array) and *n. A malformed line is appended to err as "SHOWN/BUNDLE:LINE: ...".
 * Returns 0. */
struct exam;
int bundle_read_exams(const char *root, const char *shown, struct exam ***out, size_t *n,
                      struct sb *err);

/* The path of the bundle's file holding starter(n) of the learner's file rel: the
 * greatest k <= n that the bundle has (n < 1 counts as 1). NULL with an allocated *cause
 * when n is beyond the bundle's upto ("this course bundle stops at lab NN: run
 * `stacklab update`") or the bundle has no such file. Caller frees. */
char *bundle_starter_path(const struct course *c, const char *rel, int n, char **cause);

/* What no bundle may hold, checked in the bundle c: exams/, references and kits, lab
 * files other than lab.md and public/, marker lines in starters. Appends a
 * "path: message" line per problem to *errors (allocated, caller frees; left NULL when
 * none). Returns the number of problems. */
int bundle_validate(const struct course *c, char **errors);

/* For the commands a bundle cannot serve: when c is a bundle, prints "stacklab CMD: a
 * class course: WHY" to stderr and returns EXIT_USAGE; returns 0 for a full course. */
int bundle_refuse(const struct course *c, const char *cmd, const char *why);

/* The command that grades a lab of c, for the hints commands print: "submit" for a
 * bundle (graded on the class server), "check" for a full course. */
const char *bundle_grade_verb(const struct course *c);

#endif
