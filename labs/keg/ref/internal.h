/* internal.h -- what keg's own files share and an app never sees: the connection's state
 * and the functions one file of keg calls in another. Given code: the structures are
 * already the ones the last lab needs. */
#ifndef KEG_INTERNAL_H
#define KEG_INTERNAL_H

#include <sqlite3.h>

#include "keg.h"

#define KEG_CACHE_MAX 64        /* prepared statements kept per connection */

/* One cached prepared statement. Invariant: `busy` while a keg_rows or an exec is
 * using it; a busy entry is never handed out twice nor evicted. */
struct keg_cached {
    char *sql;                  /* owned: the text it was prepared from */
    unsigned long hash;         /* keg_sql_hash(sql): compared before the text */
    sqlite3_stmt *stmt;
    int busy;
    unsigned long used;         /* db->tick when last handed out (least recent goes) */
};

struct keg_commit_cb {
    void (*fn)(void *arg);
    void *arg;
    int depth;                  /* the atomic level it was registered at [lab 17] */
};

/* Invariant: every statement prepared on `sq` is in `cache` or in a live keg_rows, so
 * keg_db_close can finalize them all. */
struct keg_db {
    sqlite3 *sq;
    char *errmsg;               /* owned; "" when nothing failed */
    struct keg_cached cache[KEG_CACHE_MAX];
    size_t ncache;
    unsigned long tick;
    long queries;               /* statements counted since the last reset */
    int logging;                /* keg_db_log: 1 while the log is on */
    char *log[KEG_LOG_MAX];     /* ring: log[i % KEG_LOG_MAX] is statement i */
    int depth;                  /* [lab 17] open atomic levels */
    struct keg_commit_cb *oncommit;     /* [lab 17] */
    size_t noncommit, caponcommit;
};

struct keg_rows {
    keg_db *db;
    struct keg_cached *entry;   /* the cache entry it holds, or NULL ... */
    sqlite3_stmt *own;          /* ... when the statement is its own (finalized at close) */
};

/* db.c: FNV-1a of sql, for the cache to compare numbers before texts. */
unsigned long keg_sql_hash(const char *sql);
/* db.c: a statement for `sql` ready to bind (reset, bindings cleared), from the cache or
 * freshly prepared; *entry is its cache entry (mark it free with keg_stmt_release) or
 * NULL when the statement is not cached (finalize it yourself). NULL with the status in
 * *status on failure (error recorded on db). */
sqlite3_stmt *keg_stmt_get(keg_db *db, const char *sql, struct keg_cached **entry,
                           int *status);
/* Gives the statement back: reset, bindings cleared, its entry free again (or finalized
 * when it has no entry). */
void keg_stmt_release(keg_db *db, sqlite3_stmt *st, struct keg_cached *entry);
/* Binds params 1..n. Returns 0, or KEG_EINVALID when n differs from the statement's
 * parameter count or a value cannot be bound (error recorded). */
int keg_stmt_bind(keg_db *db, sqlite3_stmt *st, const keg_value *params, size_t n);
/* Records SQLite's current error on db and returns the status it maps to. */
int keg_db_fail(keg_db *db, int rc);
/* Records keg's own message (printf-style) on db and returns status. */
int keg_db_failf(keg_db *db, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Maps an SQLite result code to a keg status (SQLITE_OK, ROW and DONE give 0). */
int keg_status_of(int rc);

/* The site: keg's state on one vial_app (vial_app_user(app) points at it). The lock
 * serializes the requests that run in a transaction [lab 17]: they share db's one
 * connection. */
struct keg_site {
    vial_app *app;
    keg_db *db;
    struct keg_settings settings;   /* its strings point into `strings` */
    char *strings[3];               /* owned copies: secret_key, allowed_hosts,
                                       csrf_trusted_origins */
    void *lock;                     /* a pthread_mutex_t, owned; NULL until needed */
    int sessions, csrf;             /* [lab 21] 1 once keg_sessions_install,
                                       keg_csrf_install added their hooks */
    int middleware;                 /* [lab 23] 1 once keg_middleware_install ran */
    int messages;                   /* [lab 23] 1 once keg_messages_install added its
                                       hook */
    struct keg_admin *admin;        /* [lab 23] owned: the admin's models and prefix */
};

/* admin.c: frees what keg_admin_register and keg_admin_install kept (accepts NULL). */
void keg_admin_free(struct keg_admin *admin);

/* ---- building SQL [given, sqlbuf.c] --------------------------------------------------
 * A growing NUL-terminated string. After a failed allocation `failed` is set and every
 * later call does nothing, so a builder checks once at the end. */
struct keg_sql {
    char *buf;                  /* owned; NULL until something is added */
    size_t len, cap;
    int failed;
};

void keg_sql_add(struct keg_sql *q, const char *s);
void keg_sql_addn(struct keg_sql *q, const char *s, size_t n);
void keg_sql_printf(struct keg_sql *q, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Appends "name" in double quotes. The caller has checked it with keg_ident_ok. */
void keg_sql_ident(struct keg_sql *q, const char *name);
/* The string (caller frees), or NULL when an allocation failed (nothing to free). The
 * builder is empty afterwards. */
char *keg_sql_steal(struct keg_sql *q);
void keg_sql_free(struct keg_sql *q);

/* ---- objects and rows [lab 14, model.c] -------------------------------------------- */

/* The column of a field: its name, or "<name>_id" for a foreign key, into out (at least
 * KEG_IDENT_MAX + 4 bytes). Returns 0, or KEG_EINVALID for a name keg_ident_ok refuses
 * or a KEG_M2M field (it has no column). */
int keg_field_column(const keg_field *f, char *out, size_t cap);
/* 1 when the field has a column (every kind but KEG_M2M). */
int keg_field_has_column(const keg_field *f);
/* The value of field f of obj, to bind: KEG_NULL, KEG_INT or KEG_TEXT (a datetime is
 * formatted into buf, which the value then points at; one outside years 1..9999 gives
 * KEG_NULL, and keg_save refuses it). f must be a field of obj's model. */
keg_value keg_field_value(const void *obj, const keg_field *f, char buf[20]);
/* Appends the model's columns, in field order, each as "alias"."column" (alias NULL:
 * "column" alone), separated by ", ". A column name keg_ident_ok refuses makes the
 * builder fail (q->failed), so no SQL is built from it. */
void keg_sql_columns(struct keg_sql *q, const keg_model *m, const char *alias);
/* Fills obj (an object of m, cleared first) from the row's columns col0 .. col0 + k - 1,
 * k being the number of m's fields with a column, in field order. Returns col0 + k, or
 * a status (KEG_ENOMEM; KEG_EINVALID for a stored datetime keg cannot parse). */
int keg_obj_load(void *obj, keg_rows *r, int col0);

/* ---- query sets [lab 15, query.c and compile.c] ------------------------------------ */

/* A Q object. A leaf holds a lookup and its values; AND and OR hold a and b, NOT holds a.
 * Invariant: a node owns its lookup, the bytes of its values (text, blob, an F field
 * name: copied in) and its children. */
enum keg_q_op { KEG_Q_LEAF, KEG_Q_AND, KEG_Q_OR, KEG_Q_NOT };

struct keg_q {
    enum keg_q_op op;
    char *lookup;               /* leaf: "field__lookup" as given */
    keg_value *v;               /* leaf: n values */
    size_t n;
    int list;                   /* leaf: made from a list (keg_q_list, filter_list) */
    keg_q *a, *b;
};

/* One ORDER BY term. */
struct keg_order {
    const keg_field *f;
    int desc;
};

/* Invariant: every leaf of `where` passed keg_q_check against `model`, unless `error`
 * is set; the rows are [lo, hi) of the ordered result, hi -1 meaning no end, lo >= 0. */
struct keg_qs {
    const keg_model *model;
    keg_q *where;               /* owned; NULL: every row */
    struct keg_order *order;    /* owned; norder terms, replaced by order_by */
    size_t norder;
    long long lo, hi;
    char *error;                /* owned; the first mistake met while building, or NULL */
    char *select;               /* [lab 16] owned: "question,author", the foreign keys a
                                   fetch joins (each a KEG_FK of model, no repeats); NULL */
    char *prefetch;             /* [lab 16] owned: "choice_set,tags", the sets loaded after
                                   a fetch (each one keg_relation_find knows); NULL */
    const keg_field *via;       /* [lab 16] a KEG_M2M field: only the rows linked to via_id
                                   through its join table are in the query; NULL: none */
    const keg_model *via_owner; /* the model holding via */
    int via_reverse;            /* 0: the rows are via's targets and via_id an object of
                                   via_owner; 1: the rows are via_owner's, via_id a target */
    long long via_id;
};

/* What a lookup takes, and its SQL: in `sql`, %c stands for the column and %v for the
 * next value (for "in", the whole list). */
enum keg_arity { KEG_ONE, KEG_LIST, KEG_PAIR };
enum keg_pattern { KEG_AS_IS, KEG_LIKE_EXACT, KEG_LIKE_CONTAINS };  /* text rewritten so */
#define KEG_TAKES_NULL 0x1u     /* NULL is a value: exact and iexact mean IS NULL */
#define KEG_TAKES_F    0x2u     /* an F() expression may be the value */
#define KEG_TEXT_ONLY  0x4u     /* the value must be text */
#define KEG_FLAG_ONLY  0x8u     /* the value must be the integer 0 or 1 (isnull) */

struct keg_lookup {
    const char *name;
    const char *sql;
    enum keg_arity arity;
    enum keg_pattern pattern;
    unsigned takes;
};

/* query.c: the lookup called name (len bytes), or NULL. */
const struct keg_lookup *keg_lookup_find(const char *name, size_t len);
/* query.c: the field called name (len bytes) of m: a field with a column by its name, a
 * foreign key by its column too ("author_id"), "pk" for fields[0]; NULL when none. */
const keg_field *keg_qs_field(const keg_model *m, const char *name, size_t len);
/* query.c: splits "field__lookup" (no "__": exact) into its field of m and its lookup.
 * Returns 0, or KEG_EINVALID with a message in err[cap]. */
int keg_lookup_parse(const keg_model *m, const char *lookup, const keg_field **f,
                     const struct keg_lookup **l, char *err, size_t cap);
/* query.c: checks one value v of lookup l on field f of m (see lab 15 for the rules).
 * Returns 0, or KEG_EINVALID with a message in err[cap]. */
int keg_value_check(const keg_model *m, const keg_field *f, const struct keg_lookup *l,
                    const keg_value *v, char *err, size_t cap);
/* query.c: 1 when qs has been sliced ([0:] is no slice). */
int keg_qs_sliced(const keg_qs *qs);

/* ---- relations [lab 16, relations.c] -------------------------------------------------- */

/* Related objects cached on an object: a list owned by obj.rel. An entry is a foreign
 * key's target (fk set: loaded for the key `key`, or its NULL when `null`) or a set by
 * name (the reverse set or many-to-many `name`, its objects in `list`). */
struct keg_rel {
    keg_rel *next;
    const keg_field *fk;        /* a foreign key of the object's model, or NULL */
    int null;                   /* fk: the key was NULL (obj is NULL) */
    long long key;              /* fk: the id obj was loaded for */
    void *obj;                  /* fk: owned target, or NULL */
    char *name;                 /* set: owned name */
    keg_list list;              /* set: owned objects */
};

/* A relation of a model seen from it: a reverse foreign key (owner's field f points at
 * the model), a many-to-many field of the model, or a many-to-many field of owner
 * pointing at the model. `other` is the model of the objects on the far side. */
enum keg_rel_kind { KEG_REL_REVERSE, KEG_REL_M2M, KEG_REL_M2M_REVERSE };

struct keg_relation {
    enum keg_rel_kind kind;
    const keg_model *owner;     /* the model holding f */
    const keg_field *f;
    const keg_model *other;
};

/* Finds the relation `name` (len bytes) of m: a KEG_M2M field of m by its name, or the
 * reverse name (related_name, else "<model>_set") of a foreign key or many-to-many field
 * of m itself or of a registered model that points at m. 0, or KEG_EINVALID. */
int keg_relation_find(const keg_model *m, const char *name, size_t len,
                      struct keg_relation *out);
/* Frees a cache list (accepts NULL). */
void keg_rel_free(keg_rel *rel);
/* The join table of the many-to-many field f of owner and its two columns: near (the
 * owner's, "<owner name>_id") and far (the target's); a field to its own model has
 * "from_<name>_id" and "to_<name>_id". Buffers of KEG_IDENT_MAX + 4 bytes; 0, or
 * KEG_EINVALID for a name keg_ident_ok refuses. */
int keg_m2m_names(const keg_model *owner, const keg_field *f, char *table, char *near,
                  char *far);
/* Creates the join tables of m's many-to-many fields (keg_create_table). 0 or a status. */
int keg_m2m_create_tables(keg_db *db, const keg_model *m);
/* The foreign keys named in qs->select, in order, into out[0..cap); returns their count. */
size_t keg_select_fields(const keg_qs *qs, const keg_field **out, size_t cap);
/* After keg_obj_load of obj's own columns, loads the targets qs->select joined from
 * column col on and caches them on obj. 0 or a status. */
int keg_select_load(void *obj, const keg_qs *qs, keg_rows *r, int col);
/* Runs the prefetches of qs for the objects fetched (one statement per name, none when
 * there is no object) and caches each set on its object. 0 or a status. */
int keg_prefetch(keg_db *db, const keg_qs *qs, keg_list *objs);
/* 1 when deleting rows of m must follow relations: m has a many-to-many field, or a
 * registered model (m included) has a foreign key or many-to-many field to m. */
int keg_delete_follows(const keg_model *m);
/* Deletes the rows ids[0..n) of m and follows on_delete (CASCADE, SET_NULL, PROTECT) and
 * the join rows of many-to-many fields, all in one savepoint: everything or nothing.
 * Returns the rows of m deleted, or a status (KEG_EPROTECTED with Django's message). */
int keg_delete_ids(keg_db *db, const keg_model *m, const long long *ids, size_t n);

#endif
