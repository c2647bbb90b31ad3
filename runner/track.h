/* track.h -- the course's tracks as data: each labs/ID/track.md read and checked, the
 * learner's folders each track brings (its reference ref/ becomes the folder it names,
 * any other folder beside its labs is copied under its own name), and what a lab builds
 * from. Nothing else in the program names a track. Prefix: track_. */
#ifndef STACKLAB_TRACK_H
#define STACKLAB_TRACK_H

#include "course.h"
#include "util.h"

/* Reads every labs/ID/track.md under c->root into c->tracks (sorted by order) and the
 * learner's folders into c->folders. Problems are appended to err as "path:line: what"
 * (paths shown under `shown`, the root as the user named it). */
void track_load(struct course *c, const char *shown, struct sb *err);

/* Once the labs are loaded: checks each track's `requires` (a lab of another track, equal
 * to the `requires` of the track's first lab) and sets each track's base. */
void track_link(struct course *c, const char *shown, struct sb *err);

/* Frees the tracks and folders of c (the course itself stays). */
void track_free_all(struct course *c);

/* The track with that id, or NULL. */
const struct track *track_find(const struct course *c, const char *id);

/* 1 when a lesson or exam may name `id`: a track, "intro" (before every track) or, when
 * exams is set, "all" (every track). */
int track_known(const struct course *c, const char *id, int exams);

/* The title of a track or reserved name ("intro", "all"); short when `brief`. Never
 * NULL: an unknown id is returned as it is. */
const char *track_title(const struct course *c, const char *id, int brief);

/* The course's reference of a learner file ("vial/router.c" -> ROOT/labs/vial/ref/
 * router.c, "app/todo.c" -> ROOT/labs/vial/app/todo.c). Caller frees; NULL when no
 * folder of the course holds the file's first component. */
char *track_ref_path(const struct course *c, const char *file);

/* A file of the shared kit: ROOT/labs/kit/NAME. Caller frees. */
char *track_kit_path(const struct course *c, const char *name);

/* The kit folders of t and of the tracks it builds on that have one (ROOT/labs/TRACK/kit:
 * headers the track's drivers and checkers share, docs/course-format.md), the deepest
 * base first and t's last, NULL-ended. Caller frees each string and the array. t may be
 * NULL (then the array is empty). */
char **track_kit_dirs(const struct track *t);

/* The learner's folders a lab builds from, NULL-ended: the folders of its track's bases
 * (deepest first), its track's folder, then each other folder named by its files. Caller
 * frees each string and the array. */
char **track_lab_folders(const struct course *c, const struct lab *lab);

/* The linker flags for the libraries of t and its bases (pkg-config --libs, or -lNAME
 * for each when pkg-config cannot say), then -lpthread. Caller frees. t may be NULL. */
char *track_ldflags(const struct track *t);

/* The linker flags of every track of the course (the workspace Makefile links them all).
 * Caller frees. */
char *track_all_ldflags(const struct course *c);

/* The extra compiler flags of t and its bases, NULL-ended. Caller frees the array only
 * (the strings are the course's). t may be NULL. */
const char **track_cflags(const struct track *t);

#endif
