/* course.h -- the in-memory course: lessons, labs (and later exams) read from a course
 * folder, validated, and put in one total order (the course map). Prefix: course_. */
#ifndef STACKLAB_COURSE_H
#define STACKLAB_COURSE_H

#include <stddef.h>

enum course_kind { COURSE_LESSON, COURSE_LAB, COURSE_EXAM };

struct lesson {
    char *id;           /* "01": two digits, also the file name's prefix */
    char *slug;         /* "what-is-a-framework" */
    char *title;
    char *track;        /* a track's id, or "intro" */
    int minutes;
    char *path;         /* lessons/01-what-is-a-framework.md */
    size_t body_line;   /* first line of Markdown after the front matter (1-based) */
};

struct lab {
    char *id;           /* "01" */
    char *slug;         /* "parse-request" */
    char *title;
    char *track;        /* the id of the track whose folder holds the lab */
    char *lesson;       /* id of the lesson that teaches it (the lab follows it in the map) */
    char *requires;     /* id of the lab that must pass first, or NULL */
    char **files;       /* files the learner edits, relative to the workspace, NULL-ended */
    int points;
    double time_limit;  /* wall seconds for the whole check run */
    long mem_limit;     /* MB for the subject */
    char *dir;          /* absolute labs/TRACK/01-parse-request */
    char *path;         /* absolute labs/TRACK/01-parse-request/lab.md */
    size_t body_line;
    int nhints;         /* number of "### Hint" sections in the body */
    const struct track *trk;    /* its track (set by track_link) */
    char **folders;     /* the learner's folders it builds from (track_lab_folders) */
};

struct exam;            /* joins with the exam issue */

/* A track: labs/ID/track.md and its folder (ref/, the labs NN-slug/, other learner
 * folders such as a capstone's). Loaded by track.c; owned by the course. */
struct track {
    char *id;           /* the folder's name under labs/ */
    char *title;        /* one title everywhere (list, map, status) */
    char *short_title;  /* for narrow places */
    int order;          /* tracks are listed by it */
    char *requires;     /* the lab that opens the track's first lab, or NULL */
    char *folder;       /* the learner's folder the reference ref/ becomes */
    char **libs;        /* pkg-config names subject and checker link, NULL-ended */
    char **cflags;      /* extra compiler flags, NULL-ended (may be empty) */
    char *dir;          /* absolute labs/ID */
    char *path;         /* absolute labs/ID/track.md */
    char *blurb;        /* the body: a paragraph for the map */
    const struct track *base;   /* the track whose folder this one builds on (the track of
                                 * its `requires` lab), or NULL */
};

/* One folder of a learner's workspace and where the course keeps its reference. */
struct course_folder {
    char *name;         /* "vial", "app" */
    char *src;          /* absolute labs/TRACK/ref or labs/TRACK/NAME */
    char *shown;        /* "labs/vial/ref", for messages */
    const struct track *track;
};

/* One entry of the course map, in order. */
struct course_item {
    enum course_kind kind;
    union {
        struct lesson *lesson;
        struct lab *lab;
        struct exam *exam;
    } u;
};

struct course {
    char *root;                 /* absolute path of the course folder */
    int bundle_upto;            /* a learner bundle (bundle.h): the last lab whose
                                 * starters it holds; it has no checkers, drivers,
                                 * references or exams. 0: the full course */
    struct track *tracks;       /* by order */
    size_t ntracks;
    struct course_folder *folders;  /* the learner's folders, in track order */
    size_t nfolders;
    struct lesson *lessons;
    size_t nlessons;
    struct lab *labs;
    size_t nlabs;
    struct exam **exams;
    size_t nexams;
    struct course_item *order;  /* the course map */
    size_t norder;
};

/* Loads and validates the course at `root`. Every problem found is appended to *errors
 * as "path:line: message\n" (path relative to root's parent as the user gave it).
 * Returns the course (caller frees with course_free) when there were no problems,
 * otherwise NULL with *errors set (caller frees). */
struct course *course_load(const char *root, char **errors);
void course_free(struct course *c);

/* Finds the course folder: $STACKLAB_COURSE, else the class's course of a learner logged
 * in to a class (client_course_current: the bundle `stacklab login` fetched), else the
 * source tree the program was built from, else PREFIX/share/stacklab (found relative to
 * the executable, then the built-in datadir). Returns an allocated absolute path or NULL
 * with *cause (caller frees both). */
char *course_locate(char **cause);

/* Lookups by id ("1", "01" and "01-parse-request" all find lab 01). NULL when absent. */
struct lesson *course_lesson(const struct course *c, const char *id);
struct lab *course_lab(const struct course *c, const char *id);
struct exam *course_exam(const struct course *c, const char *id);
/* Index of a lab in c->labs, or -1. */
int course_lab_index(const struct course *c, const struct lab *lab);

/* A lab's body split the one way every reader splits it: the `### Hint ...` sections of
 * its `## Hints` section are the hints (each runs to the next heading of level 1-3);
 * everything else is the instructions. Owns its strings (course_lab_text_free). */
struct lab_text {
    char *instructions;     /* the body without its hints section */
    char **hints;           /* each hint's text, heading dropped, blank lines trimmed */
    int nhints;
};
/* Splits body. Never fails (a body without hints has none). */
void course_lab_text(const char *body, struct lab_text *t);
void course_lab_text_free(struct lab_text *t);
/* The Markdown a reader shows of a lab: its instructions, then the first `shown` hints
 * under "## Hints (k of n)". *nhints gets n. Caller frees. */
char *course_lab_markdown(const char *body, int shown, int *nhints);

/* The path of a course file as messages show it: rel under the root as the user named it
 * (rel alone for "."). Caller frees. */
char *course_show(const char *shown_root, const char *rel);

/* Sorted entries of a folder (names only, no dot files; none when it cannot be read).
 * Caller frees with fm_list_free. */
char **course_list_dir(const char *dir);

/* Reads a lesson's or lab's Markdown body (without front matter). Caller frees. */
char *course_read_body(const char *path, char **cause);

#endif
