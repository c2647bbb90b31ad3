/* exam.h -- an exam bank (exams/NAME.exam) read and validated into plain structs: the
 * settings of a sitting and every question with its key. The format is described in
 * docs/exam-format.md. Prefix: exam_. */
#ifndef STACKLAB_EXAM_H
#define STACKLAB_EXAM_H

#include <regex.h>
#include <stddef.h>
#include <stdlib.h>    /* exam_free pairs with free-based ownership */

#include "util.h"

/* Longest exam id (the store keeps it in char[32]). */
#define EXAM_ID_MAX 31
/* Options of a choice question are lettered a.. up to this many. */
#define EXAM_MAX_OPTIONS 8

enum exam_qtype {
    EXAM_SINGLE,        /* one option is right */
    EXAM_MULTIPLE,      /* one or more options are right; partial credit */
    EXAM_EXACT,         /* short answer equal to one accepted text */
    EXAM_PATTERN        /* short answer matched by an extended regular expression */
};

struct exam_question {
    char *id;           /* unique within the bank: [a-z0-9-]+ */
    char *topic;
    enum exam_qtype type;
    char *text;
    char *options[EXAM_MAX_OPTIONS];    /* options[0] is 'a'; NULL past noptions */
    size_t noptions;
    char *key;          /* choice types: the right letters, sorted ("b", "ac") */
    char **accept;      /* exact: accepted answers; pattern: accept[0] is the pattern */
    size_t naccept;
    regex_t re;         /* pattern: compiled anchored, case-insensitive */
    int has_re;
    char *explain;
    char *expected;     /* the answer shown as right in the review: pattern questions
                         * must give one that matches; exact ones default to accept[0] */
    int points;         /* 1..10 */
    int shuffle;        /* 1 when the options may be shown in random order */
    size_t line;        /* line of its "question:" key */
};

struct exam_topic {
    char *name;
    int count;          /* questions drawn from it per sitting */
};

/* Invariant after a successful exam_load: the topics' counts add up to draw, every
 * question's topic is listed, and each topic holds at least its count of questions. When
 * the bank lists no topics, ntopics is 0 and draw <= nquestions. */
struct exam {
    char *id;           /* file name without .exam */
    char *path;         /* as given to exam_load */
    char *title;
    char *track;        /* a track's id or "all" (the course loader checks which) */
    size_t track_line;  /* where `track:` was given */
    int minutes;        /* length of a sitting */
    int draw;           /* questions per sitting */
    int pass;           /* pass mark in percent */
    int attempts;       /* sittings allowed; 0 = unlimited */
    struct exam_topic *topics;
    size_t ntopics;
    struct exam_question *questions;
    size_t nquestions;
};

/* Reads and validates the bank at path. Every problem is appended to *errors as
 * "path:line: message\n". Returns the exam (caller frees with exam_free) when there were
 * none; NULL otherwise (also when the file cannot be read, reported at line 0). */
struct exam *exam_load(const char *path, struct sb *errors);
/* Frees an exam; accepts NULL. */
void exam_free(struct exam *ex);

/* Accessors for the course loader. Never NULL for a loaded exam. */
const char *exam_id(const struct exam *ex);
const char *exam_title(const struct exam *ex);
const char *exam_track(const struct exam *ex);

/* The question with that id, or NULL. */
const struct exam_question *exam_question(const struct exam *ex, const char *id);
/* "single", "multiple", "exact" or "pattern". */
const char *exam_qtype_name(enum exam_qtype t);

#endif
