/* migrate.h -- what migrate.c, migrate_diff.c and migrate_sql.c share [lab 18, given]: a
 * migration file read into operations, the graph of an app's files, and the state they
 * replay to: per model, only what the database sees (kind, NULL, UNIQUE, max_length, the
 * default that fills existing rows, the target table of a foreign key). blank, choices,
 * on_delete and related_name change no SQL, so they are not in the state. Prefix: keg_mig_. */
#ifndef KEG_MIGRATE_H
#define KEG_MIGRATE_H

#include "internal.h"

#define MIG_HEADER "keg migration"
#define MIG_FIELDS 64           /* fields per model, as keg_model allows */
#define MIG_TEXT_MAX 128        /* bytes of a default, its NUL included */
#define MIG_NAME_MAX 80         /* "0002_question_votes" and its NUL */
#define MIG_DEPS 16             /* depends: lines per file */

/* One field as the database sees it. Invariant: dtext is used for the kinds
 * keg_mig_text_default names (a datetime default is its text), dint for the others. */
struct mig_field {
    char name[KEG_IDENT_MAX + 1];
    enum keg_kind kind;         /* never KEG_M2M: a join table is lab 16's */
    unsigned flags;             /* KEG_NULLABLE | KEG_UNIQUE | KEG_DEFAULT */
    int max_length;             /* KEG_CHAR only, else 0 */
    long long dint;
    char dtext[MIG_TEXT_MAX];
    char to[KEG_IDENT_MAX + 1]; /* KEG_FK: the target's table, else "" */
};

/* A model of the state. Invariant: f[0] is "id" of kind KEG_AUTO. */
struct mig_model {
    char name[KEG_IDENT_MAX + 1];
    char table[KEG_IDENT_MAX + 1];
    struct mig_field f[MIG_FIELDS];
    size_t n;
};

enum mig_opkind { MIG_CREATE, MIG_ADD, MIG_REMOVE, MIG_ALTER };

/* One operation. create_model: m is the whole model; add_field, alter_field: m.name is
 * the model, m.f[0] the field as it becomes; remove_field: m.f[0].name alone. */
struct mig_op {
    enum mig_opkind kind;
    int line;                   /* in its file, for messages */
    struct mig_model m;
};

struct mig_file {
    char name[MIG_NAME_MAX];    /* "0002_question_votes", the file without ".mig" */
    char deps[MIG_DEPS][MIG_NAME_MAX];
    size_t ndeps;
    struct mig_op *ops;         /* owned */
    size_t nops, cap;
};

/* Invariant: files sorted by name; after keg_mig_order, order[0..n) are their indexes
 * with every file after the files it depends on. */
struct mig_graph {
    struct mig_file *files;     /* owned */
    size_t n;
    size_t *order;              /* owned; NULL before keg_mig_order */
};

struct mig_state {
    struct mig_model *models;   /* owned */
    size_t n, cap;
};

/* Sets *err (when err is not NULL and *err is still NULL) to an allocated message;
 * returns status. */
int keg_mig_fail(char **err, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* 1 for the kinds whose default is text in a file: char, text, datetime. */
int keg_mig_text_default(enum keg_kind kind);
/* Appends an empty operation of `kind` to f; NULL when out of memory. */
struct mig_op *keg_mig_add_op(struct mig_file *f, enum mig_opkind kind, int line);
/* The field or model called name, or NULL. */
struct mig_field *keg_mig_find(struct mig_model *m, const char *name);
struct mig_model *keg_mig_model(struct mig_state *s, const char *name);
/* Reads every NNNN_name.mig of dir (none when dir does not exist) into g, sorted by
 * name. Returns 0, or a status with *err ("0002_x.mig:3: unknown line 'foo'"). */
int keg_mig_load(const char *dir, struct mig_graph *g, char **err);
/* Orders g (fills g->order): KEG_EINVALID with *err for a depends: naming no file, or a
 * cycle ("circular dependency: polls.0002_a, polls.0003_b": every file on a cycle, in
 * name order). */
int keg_mig_order(struct mig_graph *g, const char *app, char **err);
/* Applies one operation of file f to s. KEG_EINVALID with *err when it does not fit the
 * state (a model created twice, a field that is not there...). */
int keg_mig_apply(struct mig_state *s, const struct mig_file *f, const struct mig_op *op,
                  char **err);
/* Applies the operations of the first `upto` files in g's order to s. */
int keg_mig_replay(struct mig_graph *g, size_t upto, struct mig_state *s, char **err);
/* The text of f as a file. Caller frees; NULL when out of memory. */
char *keg_mig_text(const struct mig_file *f);
void keg_mig_state_free(struct mig_state *s);
void keg_mig_graph_free(struct mig_graph *g);

#endif
