/* keg.h -- the whole public API of keg, a small Django-like full-stack framework in C on
 * sqlite3 and on the vial you built in labs 1-12. You write it lab by lab: this header is
 * its reference manual. Every public name starts with keg_ (KEG_ for constants). Lab
 * numbers are given as [lab NN].
 *
 * Where each piece sits (compare a Django project):
 *
 *   models (static descriptors)  --> query sets --> keg_db (one sqlite3 connection)
 *        [14, 16]                      [15, 16]        [13, 17]
 *   migrations [18] diff the models against the state replayed from migration files.
 *   The web layer [19-23] (templates, forms, sessions, CSRF, users, admin, middleware)
 *   runs on vial: a keg_site holds the database and the settings of one vial_app.
 *
 * Conventions
 *   - Functions returning int return 0 (or a count, when the comment says so) on success
 *     and a negative KEG_E* status on failure. keg_db_error() then says why, with the
 *     SQLite message kept when SQLite refused.
 *   - Values handed to keg are copied (or bound) before the call returns; strings keg
 *     returns from an object belong to that object unless the comment says "caller frees".
 *   - Every *_free function accepts NULL.
 *   - SQL is only ever built from identifiers that passed keg_ident_ok() (names in the
 *     model descriptors, checked fields and lookups); every value is a bound parameter.
 *   - A keg_db is one SQLite connection, used by one thread at a time: a site whose vial
 *     server runs several threads either serializes its requests on it
 *     (keg_site_atomic_requests holds the site's lock from the first hook to teardown)
 *     or opens a connection per thread.
 *   - Compiles as C11 with -D_POSIX_C_SOURCE=200809L. */
#ifndef KEG_H
#define KEG_H

#include <stddef.h>

#include "vial.h"

/* ---- status codes [lab 13] -------------------------------------------------------- */

enum keg_status {
    KEG_OK = 0,
    KEG_ERROR = -1,         /* anything else SQLite reported (bad SQL, I/O, misuse) */
    KEG_ENOMEM = -2,        /* out of memory */
    KEG_EINTEGRITY = -3,    /* a constraint failed: UNIQUE, NOT NULL, FOREIGN KEY, CHECK
                               (Django's IntegrityError) */
    KEG_ENOTFOUND = -4,     /* no row where one was required (Model.DoesNotExist) */
    KEG_EMULTIPLE = -5,     /* several rows where one was required
                               (MultipleObjectsReturned) */
    KEG_EINVALID = -6,      /* refused before any SQL ran: a bad identifier, unknown field
                               or lookup, wrong number of values (Django's FieldError) */
    KEG_EBUSY = -7,         /* the database stayed locked past the busy timeout */
    KEG_EPROTECTED = -8,    /* [lab 16] on_delete PROTECT refused a delete */
    KEG_EVALIDATION = -9,   /* [lab 14] full_clean found errors (ValidationError) */
};

/* ---- values [lab 13] -----------------------------------------------------------------
 * A value to bind or compare. Text and blobs are not owned: they must live until the
 * call that takes the value returns. Text may hold any bytes, NUL and invalid UTF-8
 * included: it is bound with its length. */

enum keg_type { KEG_NULL, KEG_INT, KEG_REAL, KEG_TEXT, KEG_BLOB, KEG_FEXPR };

typedef struct keg_value {
    enum keg_type type;
    long long i;            /* KEG_INT; KEG_FEXPR: the number added to the field */
    double r;               /* KEG_REAL */
    const char *s;          /* KEG_TEXT, KEG_BLOB: the bytes; KEG_FEXPR: the field name */
    size_t len;             /* KEG_TEXT, KEG_BLOB: their count */
} keg_value;

keg_value keg_null(void);
keg_value keg_int(long long i);
keg_value keg_real(double r);
keg_value keg_text(const char *s);                 /* s NUL-terminated; NULL gives KEG_NULL */
keg_value keg_textn(const char *s, size_t len);    /* exactly len bytes */
keg_value keg_blob(const void *p, size_t len);
/* [lab 15] Django's F("field") and F("field") + n: the value of a column of the same row,
 * so `UPDATE ... SET "n" = "n" + 1` happens in the database, not in C. */
keg_value keg_f(const char *field);
keg_value keg_f_add(const char *field, long long n);

/* ---- the database [lab 13] -------------------------------------------------------- */

typedef struct keg_db keg_db;       /* opaque: one sqlite3 connection and its state */
typedef struct keg_rows keg_rows;   /* opaque: an executing SELECT */

#define KEG_BUSY_TIMEOUT_MS 5000    /* how long a writer waits for a lock */
#define KEG_LOG_MAX 100             /* statements kept by the query log */
#define KEG_IDENT_MAX 63            /* longest identifier keg accepts */

/* Opens (creating it if needed) the database at `path` (":memory:" for a private
 * in-memory one) and sets it up for a web app: PRAGMA foreign_keys=ON (as Django does),
 * journal_mode=WAL (Django leaves it to an init_command; an in-memory database keeps
 * "memory"), and a busy timeout of KEG_BUSY_TIMEOUT_MS. Returns the connection, or NULL
 * with an allocated message in *err (caller frees; err may be NULL). */
keg_db *keg_db_open(const char *path, char **err);
/* Finalizes every statement keg prepared (none is left: sqlite3_next_stmt() finds
 * nothing), closes the connection and frees db. An open transaction is rolled back.
 * Accepts NULL. */
void keg_db_close(keg_db *db);
/* The sqlite3 handle, for what keg does not cover. Owned by db. */
struct sqlite3 *keg_db_handle(keg_db *db);

/* The message of the last failure on db ("UNIQUE constraint failed: t.a" as SQLite
 * said it, or keg's own for KEG_EINVALID), "" when nothing failed yet. Owned by db,
 * valid until the next call on db. */
const char *keg_db_error(const keg_db *db);

/* Runs exactly one SQL statement with `n` bound parameters (`?` placeholders, in order).
 * Returns the number of rows it changed (INSERT, UPDATE, DELETE; 0 for others), or a
 * status: KEG_EINVALID for text after the statement or a wrong parameter count,
 * KEG_EINTEGRITY, KEG_EBUSY, ... Rows a statement returns are stepped through and
 * dropped. Prepared statements are cached by SQL text and reused. */
int keg_db_exec(keg_db *db, const char *sql, const keg_value *params, size_t n);
/* The rowid of the last INSERT on db. */
long long keg_db_last_id(const keg_db *db);

/* Starts one SELECT. On success *out is the reader (close it with keg_rows_close; the
 * statement goes back to the cache) and 0 is returned; else a status and *out NULL.
 * Readers may be nested: the same SQL open twice uses two statements. */
int keg_db_query(keg_db *db, const char *sql, const keg_value *params, size_t n,
                 keg_rows **out);
/* Moves to the next row: 1 when there is one, 0 at the end, or a status. */
int keg_rows_next(keg_rows *r);
int keg_rows_columns(const keg_rows *r);
/* The current row's column `col` (from 0). Its type as stored (KEG_NULL, KEG_INT,
 * KEG_REAL, KEG_TEXT or KEG_BLOB). */
enum keg_type keg_rows_type(const keg_rows *r, int col);
long long keg_rows_int(const keg_rows *r, int col);     /* 0 for NULL */
double keg_rows_real(const keg_rows *r, int col);       /* 0 for NULL */
/* The bytes of a text or blob column and their count in *len (len may be NULL); NULL
 * for SQL NULL. NUL-terminated; valid until the next keg_rows_next or close. */
const char *keg_rows_text(const keg_rows *r, int col, size_t *len);
/* Ends the reader and releases its statement. Accepts NULL. */
void keg_rows_close(keg_rows *r);
/* Runs a query expected to give one row of which the first column is an integer:
 * KEG_ENOTFOUND when it gives none. */
int keg_db_query_int(keg_db *db, const char *sql, const keg_value *params, size_t n,
                     long long *out);

/* 1 when `name` is an identifier keg may put into SQL: [A-Za-z_][A-Za-z0-9_]*, at most
 * KEG_IDENT_MAX characters; else 0. */
int keg_ident_ok(const char *name);
/* Inserts one row into `table`: INSERT INTO "table" ("c1", ...) VALUES (?, ...) (n 0:
 * DEFAULT VALUES). Every name is checked with keg_ident_ok before any SQL is built
 * (KEG_EINVALID). On success *id (if not NULL) gets the new rowid. */
int keg_db_insert(keg_db *db, const char *table, const char *const *cols,
                  const keg_value *vals, size_t n, long long *id);
/* 1 when a table named `table` exists, 0 when not, or a status (KEG_EINVALID for a bad
 * name, checked before any SQL). */
int keg_db_table_exists(keg_db *db, const char *table);

/* The query counter and log, for your own tests (Django's assertNumQueries and
 * connection.queries). Every statement SQLite starts on db counts once, whoever
 * prepared it, except BEGIN, COMMIT, END, ROLLBACK, SAVEPOINT and RELEASE; while the log
 * is on, its SQL with the parameters filled in is logged too (the last KEG_LOG_MAX are
 * kept). */
long keg_db_queries(const keg_db *db);
/* Turns the log on (1) or off (0, the default at open). Django records
 * connection.queries only with DEBUG on for the same reason: writing out every
 * statement's SQL costs more than running a small one. Counting is always on. */
void keg_db_log(keg_db *db, int on);
/* The i-th statement counted since the last reset (0 first), or NULL when it is no
 * longer (or not yet) in the log. Owned by db. */
const char *keg_db_query_sql(const keg_db *db, long i);
/* Sets the counter to 0 and empties the log. */
void keg_db_queries_reset(keg_db *db);

/* ---- models and fields [lab 14] -------------------------------------------------------
 * A model is a C struct that starts with a keg_obj, plus a static descriptor listing
 * its fields with offsetof. Field storage:
 *   KEG_AUTO, KEG_INTEGER, KEG_DATETIME, KEG_FK   long long (a datetime is seconds since
 *                                                   1970 UTC; a foreign key is the id)
 *   KEG_BOOL                                      int (0 or 1)
 *   KEG_CHAR, KEG_TEXTFIELD                       char * owned by the object; NULL is
 *                                                   SQL NULL
 *   KEG_M2M                                       nothing: rows of a join table [16]
 * A numeric field is SQL NULL when its bit is set in obj.nulls (bit i for fields[i]).
 *
 *   struct question { keg_obj obj; long long id; char *question_text; long long pub_date; };
 *   static const keg_field question_fields[] = {
 *       KEG_FIELD(struct question, id, KEG_AUTO),
 *       KEG_FIELD(struct question, question_text, KEG_CHAR, .max_length = 200),
 *       KEG_FIELD(struct question, pub_date, KEG_DATETIME),
 *   };
 *   const keg_model polls_question = KEG_MODEL(polls, question, struct question,
 *                                              question_fields);
 */

typedef struct keg_model keg_model;
typedef struct keg_rel keg_rel;     /* opaque: related objects cached on an object [16] */

typedef struct keg_obj {
    const keg_model *model;         /* set by keg_obj_init / keg_obj_new */
    unsigned long long nulls;       /* bit i set: numeric field i is SQL NULL */
    keg_rel *rel;                   /* [lab 16] owned; freed by keg_obj_clear */
} keg_obj;

enum keg_kind {
    KEG_AUTO,        /* the primary key "id": integer NOT NULL PRIMARY KEY AUTOINCREMENT */
    KEG_INTEGER,     /* integer */
    KEG_BOOL,        /* bool */
    KEG_CHAR,        /* varchar(max_length); max_length counts characters */
    KEG_TEXTFIELD,   /* text */
    KEG_DATETIME,    /* datetime, stored as text "YYYY-MM-DD HH:MM:SS" (UTC) */
    KEG_FK,          /* bigint REFERENCES the target's id; column "<name>_id" */
    KEG_M2M,         /* [lab 16] no column: a join table "<table>_<name>" */
};

enum keg_on_delete { KEG_CASCADE, KEG_PROTECT, KEG_SET_NULL };

#define KEG_NULLABLE 0x1u   /* null=True: the column accepts NULL */
#define KEG_BLANK    0x2u   /* blank=True: full_clean accepts "" (and NULL) */
#define KEG_UNIQUE   0x4u   /* unique=True */
#define KEG_DEFAULT  0x8u   /* has a default: default_int or default_text */

struct keg_choice {
    const char *value;      /* stored value, as text ("1" for an integer field) */
    const char *label;      /* human-readable */
};

typedef struct keg_field {
    const char *name;       /* attribute name; a foreign key "question" has the column
                               "question_id" and stores the id in member question_id */
    enum keg_kind kind;
    size_t offset;          /* offsetof(struct, member); unused for KEG_M2M */
    unsigned flags;         /* KEG_NULLABLE | KEG_BLANK | KEG_UNIQUE | KEG_DEFAULT */
    int max_length;         /* KEG_CHAR: required, >= 1 */
    long long default_int;  /* with KEG_DEFAULT: KEG_INTEGER, KEG_BOOL, KEG_DATETIME */
    const char *default_text;           /* with KEG_DEFAULT: KEG_CHAR, KEG_TEXTFIELD */
    const struct keg_choice *choices;   /* NULL, or ended by { NULL, NULL } */
    const keg_model *to;                /* KEG_FK, KEG_M2M: the target model */
    enum keg_on_delete on_delete;       /* KEG_FK */
    const char *related_name;           /* KEG_FK, KEG_M2M: name of the reverse set on
                                           the target; NULL: "<model>_set" */
} keg_field;

struct keg_model {
    const char *app;        /* "polls" */
    const char *name;       /* "question", lowercase */
    const char *table;      /* "polls_question" */
    size_t size;            /* sizeof the struct */
    const keg_field *fields;/* fields[0] is the KEG_AUTO field "id" */
    size_t nfields;         /* at most 64 */
    const char *ordering;   /* default order_by ("-pub_date"), or NULL */
};

/* A field entry: KEG_FIELD(struct question, question_text, KEG_CHAR, .max_length = 200). */
#define KEG_FIELD(T, member, KIND, ...) \
    { .name = #member, .kind = (KIND), .offset = offsetof(T, member), __VA_ARGS__ }
/* A foreign key entry: KEG_FK_FIELD(struct choice, question, polls_question, KEG_CASCADE)
 * stores the id in member question_id. */
#define KEG_FK_FIELD(T, NAME, TO, ON_DELETE, ...) \
    { .name = #NAME, .kind = KEG_FK, .offset = offsetof(T, NAME##_id), .to = &(TO), \
      .on_delete = (ON_DELETE), __VA_ARGS__ }
/* [lab 16] A many-to-many entry: KEG_M2M_FIELD(tags, blog_tag). */
#define KEG_M2M_FIELD(NAME, TO, ...) \
    { .name = #NAME, .kind = KEG_M2M, .to = &(TO), __VA_ARGS__ }
/* A model: KEG_MODEL(polls, question, struct question, question_fields). */
#define KEG_MODEL(APP, NAME, T, FIELDS, ...) \
    { .app = #APP, .name = #NAME, .table = #APP "_" #NAME, .size = sizeof(T), \
      .fields = (FIELDS), .nfields = sizeof(FIELDS) / sizeof((FIELDS)[0]), __VA_ARGS__ }

/* The field named `name` of m, or NULL. */
const keg_field *keg_model_field(const keg_model *m, const char *name);
/* The CREATE TABLE statement of m, byte for byte what Django 5.2 writes for SQLite:
 *   CREATE TABLE "polls_question" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
 *   "question_text" varchar(200) NOT NULL, "pub_date" datetime NOT NULL)
 * (one line; lab 14 gives every rule). Caller frees; NULL for a descriptor that breaks
 * a rule (an identifier that fails keg_ident_ok, fields[0] not KEG_AUTO "id", a
 * KEG_CHAR without max_length) or out of memory. */
char *keg_model_create_sql(const keg_model *m);
/* Runs keg_model_create_sql and, for each foreign key that is not KEG_UNIQUE (a UNIQUE
 * column has its index already, as in Django), CREATE INDEX "<table>_<column>" ON
 * "<table>" ("<column>"); [lab 16] creates the join tables of its KEG_M2M fields. */
int keg_create_table(keg_db *db, const keg_model *m);

/* Readies the object you allocated (m->size bytes, zeroed) as an unsaved instance of m:
 * header set, defaults applied (strings copied). Without a default a string is "", or
 * NULL when the field is KEG_NULLABLE; a number is 0 (not NULL). Returns 0 or
 * KEG_ENOMEM. */
int keg_obj_init(void *obj, const keg_model *m);
/* Allocates and inits an instance; free it with keg_obj_free. NULL when out of memory. */
void *keg_obj_new(const keg_model *m);
/* Frees what the object owns (strings, cached relations) and zeroes its fields; the
 * model stays set. Accepts NULL. */
void keg_obj_clear(void *obj);
/* keg_obj_clear, then frees the object itself. Accepts NULL. */
void keg_obj_free(void *obj);
/* Sets a KEG_CHAR or KEG_TEXTFIELD field to a copy of s (NULL: SQL NULL). */
int keg_obj_set_text(void *obj, const char *field, const char *s);
/* Marks a numeric field NULL (is_null 1) or not (0); strings use keg_obj_set_text. */
int keg_obj_set_null(void *obj, const char *field, int is_null);
/* 1 when the field is SQL NULL, 0 when not, KEG_EINVALID for an unknown field. */
int keg_obj_is_null(const void *obj, const char *field);

/* Saves the object: with id 0 an INSERT of every field but id (id set from the new
 * row); else an UPDATE of every field by id, and an INSERT with that id when no row has
 * it (Django's save()). Does not validate: call keg_full_clean first. A constraint the
 * database refuses is KEG_EINTEGRITY (the object is unchanged). */
int keg_save(keg_db *db, void *obj);
/* Loads the row with that id into `out` (an object of m, from keg_obj_init or a
 * previous load: it is cleared first). KEG_ENOTFOUND when there is none. */
int keg_get(keg_db *db, const keg_model *m, long long id, void *out);
/* Deletes the object's row by id and sets its id to 0. KEG_ENOTFOUND when the row is
 * gone. [lab 16] Follows on_delete of every registered foreign key to the model:
 * CASCADE deletes, SET_NULL clears, PROTECT refuses the whole delete
 * (KEG_EPROTECTED, nothing changed); all in one transaction. */
int keg_delete(keg_db *db, void *obj);
/* Django's full_clean(): checks every field but id and appends one message per field
 * in error to `errors` (name -> message, in field order; lab 14 gives each message):
 * the first that fails of null, blank, valid UTF-8, choices, max_length (in
 * characters), then unique (a SELECT on db; skipped when db is NULL). errors may be
 * NULL. Returns 0 when valid, KEG_EVALIDATION when not, or the SELECT's status. */
int keg_full_clean(keg_db *db, const void *obj, vial_pairs *errors);

/* Formats t (seconds since 1970, UTC) as "YYYY-MM-DD HH:MM:SS" into out (at least 20
 * bytes). Returns 0, or KEG_EINVALID outside years 1..9999. */
int keg_datetime_format(long long t, char out[20]);
/* Parses "YYYY-MM-DD HH:MM:SS" (a fraction ".ffffff" after it is accepted and
 * dropped). Returns 0, or KEG_EINVALID. */
int keg_datetime_parse(const char *s, long long *t);

/* The model registry (Django's apps): deletes follow relations [16] and migrations
 * diff models [18] through it. Registering twice is a no-op. Returns 0, KEG_EINVALID for
 * another model with the same table, or KEG_ENOMEM. */
int keg_register(const keg_model *m);
/* The registered models, in registration order; *n gets their count. Owned by keg. */
const keg_model *const *keg_registered(size_t *n);
/* Forgets every registered model (for tests). */
void keg_registry_clear(void);

/* ---- query sets [lab 15] --------------------------------------------------------------
 * A query set describes a query; nothing runs until it is evaluated (fetch, count,
 * exists, get, update, delete), so building one costs no statement. Query sets are
 * immutable: each call returns a new one (caller frees with keg_qs_free) and leaves its
 * argument unchanged. A call given NULL returns NULL, so chains can be checked once.
 * A mistake (unknown field or lookup, bad order_by, filtering or ordering a sliced query
 * set) does not return NULL: the query set carries the error (keg_qs_error) and
 * evaluating it returns KEG_EINVALID, with no SQL. Evaluating NULL returns KEG_ENOMEM.
 * A field is named as in its descriptor, a foreign key also by its column
 * ("question_id"), the primary key also as "pk".
 *
 * Lookups, as Django's "field__lookup" (no suffix: exact): exact, iexact, contains,
 * icontains, startswith, gt, gte, lt, lte, in, isnull, range. Lab 15 gives the SQL of
 * each. A foreign key compares by id ("question" or "question_id"). */

typedef struct keg_qs keg_qs;
typedef struct keg_q keg_q;

/* Every row of m (m->ordering applies unless order_by replaces it). */
keg_qs *keg_qs_all(const keg_model *m);
keg_qs *keg_qs_filter(const keg_qs *qs, const char *lookup, keg_value v);
/* For lookups that take several values: in (n >= 0) and range (n == 2). */
keg_qs *keg_qs_filter_list(const keg_qs *qs, const char *lookup, const keg_value *v,
                           size_t n);
/* NOT the lookup; as in Django, a row whose field is NULL is kept by exclude(x=1). */
keg_qs *keg_qs_exclude(const keg_qs *qs, const char *lookup, keg_value v);
/* ANDs a Q tree into the query (q is copied; the caller still frees it). */
keg_qs *keg_qs_where(const keg_qs *qs, const keg_q *q);
/* Orders by a comma-separated list of field names, "-" for descending ("-votes,id");
 * replaces any earlier ordering; "" removes it. */
keg_qs *keg_qs_order_by(const keg_qs *qs, const char *fields);
/* Python's qs[start:stop] with LIMIT/OFFSET; stop < 0: no end. start >= 0. Slicing a
 * sliced query set slices within the first slice. */
keg_qs *keg_qs_slice(const keg_qs *qs, long long start, long long stop);
/* The first error met while building, or NULL. Owned by qs. */
const char *keg_qs_error(const keg_qs *qs);
/* The SQL of a SELECT of qs with "?" placeholders (str(qs.query)); caller frees. NULL
 * when qs carries an error. */
char *keg_qs_sql(const keg_qs *qs);
void keg_qs_free(keg_qs *qs);

/* Q objects: a lookup, or AND/OR/NOT of Q objects. keg_q_and, keg_q_or and keg_q_not
 * take ownership of their arguments (NULL in gives NULL out, the others freed). */
keg_q *keg_q_new(const char *lookup, keg_value v);
keg_q *keg_q_list(const char *lookup, const keg_value *v, size_t n);
keg_q *keg_q_and(keg_q *a, keg_q *b);
keg_q *keg_q_or(keg_q *a, keg_q *b);
keg_q *keg_q_not(keg_q *a);
void keg_q_free(keg_q *q);

/* Objects a query gave: each item an object of model, owned by the list. */
typedef struct keg_list {
    const keg_model *model;
    void **items;
    size_t len;
} keg_list;

/* Runs the SELECT (one statement) and appends its rows to out (zeroed or freed first). */
int keg_qs_fetch(keg_db *db, const keg_qs *qs, keg_list *out);
/* Frees every object and the array; the list is empty afterwards. */
void keg_list_free(keg_list *l);
/* SELECT COUNT(*) of the query (slices respected). */
int keg_qs_count(keg_db *db, const keg_qs *qs, long long *n);
/* 1 when the query has a row, 0 when not, or a status. */
int keg_qs_exists(keg_db *db, const keg_qs *qs);
/* The one row of the query into out (as keg_get): KEG_ENOTFOUND, KEG_EMULTIPLE. */
int keg_qs_get(keg_db *db, const keg_qs *qs, void *out);
/* UPDATE every row of the query (a sliced one is KEG_EINVALID): sets `field` to v (v
 * may be keg_f_add). Returns the rows changed, or a status. */
int keg_qs_update(keg_db *db, const keg_qs *qs, const char *field, keg_value v);
/* DELETE every row of the query (a sliced one is KEG_EINVALID); [lab 16] on_delete is
 * followed as in keg_delete. Returns the rows deleted, or a status. */
int keg_qs_delete(keg_db *db, const keg_qs *qs);

/* ---- relations [lab 16] ------------------------------------------------------------ */

/* The object a foreign key of obj points to, loaded once then cached on obj (*out owned
 * by obj; NULL when the key is NULL). */
int keg_fk_get(keg_db *db, void *obj, const char *field, const void **out);
/* The reverse set `name` ("choice_set", or a related_name) of obj as a query set. */
keg_qs *keg_related(const void *obj, const char *name);
/* The reverse set's objects, from the prefetch cache when prefetch_related filled it,
 * else one query (then cached). *out owned by obj. */
int keg_related_fetch(keg_db *db, void *obj, const char *name, const keg_list **out);
/* Fetching joins the target of each named foreign key in the same statement and caches
 * it on each object (keg_fk_get then runs no SQL). Several: "question,author". */
keg_qs *keg_qs_select_related(const keg_qs *qs, const char *fields);
/* After fetching, loads the reverse set or many-to-many `names` of every object with one
 * "IN" query per name and caches them (keg_related_fetch then runs no SQL). */
keg_qs *keg_qs_prefetch_related(const keg_qs *qs, const char *names);
/* Adds or removes the pair (obj, other_id) of the many-to-many `field`. Adding an
 * existing pair does nothing. obj must be saved (id not 0: KEG_EINVALID). The set `field`
 * cached on obj is dropped (the next keg_related_fetch runs its query again). */
int keg_m2m_add(keg_db *db, void *obj, const char *field, long long other_id);
int keg_m2m_remove(keg_db *db, void *obj, const char *field, long long other_id);
/* The targets of obj's many-to-many `field` as a query set. */
keg_qs *keg_m2m(const void *obj, const char *field);

/* ---- transactions [lab 17] --------------------------------------------------------- */

/* Django's atomic(): the outermost level runs BEGIN IMMEDIATE, each nested level a
 * SAVEPOINT. Returns 0 or a status. */
int keg_atomic_begin(keg_db *db);
/* Ends the innermost level keeping its work: RELEASE, or COMMIT at the outermost level,
 * after which the on_commit callbacks run in order. A failed COMMIT rolls back. */
int keg_atomic_commit(keg_db *db);
/* Ends the innermost level undoing its work: ROLLBACK TO and RELEASE the savepoint, or
 * ROLLBACK at the outermost level. Callbacks registered inside it are dropped. */
int keg_atomic_rollback(keg_db *db);
/* Runs fn(db, arg) in one level: commits when it returns >= 0, rolls back otherwise.
 * Returns fn's result, or the commit's status when committing fails. */
int keg_atomic(keg_db *db, int (*fn)(keg_db *db, void *arg), void *arg);
/* How many levels are open (0: autocommit). */
int keg_atomic_depth(const keg_db *db);
/* Django's on_commit(): fn(arg) runs after the outermost COMMIT, never after a rollback;
 * at once when no transaction is open. */
int keg_on_commit(keg_db *db, void (*fn)(void *arg), void *arg);

/* ---- the site: keg on a vial_app [labs 17, 19-23] ----------------------------------- */

typedef struct keg_site keg_site;

struct keg_settings {
    /* Django's SECRET_KEY: becomes the app's vial SECRET_KEY when it has none, so vial's
     * signed cookies (its session, flash) sign with it. keg's database sessions and CSRF
     * draw random keys and secrets instead and do not use it. */
    const char *secret_key;
    const char *allowed_hosts;      /* comma-separated; "" or NULL: "localhost,127.0.0.1" */
    const char *csrf_trusted_origins;   /* comma-separated "https://host" [21] */
    int secure_proxy_ssl_header;    /* 1: trust X-Forwarded-Proto: https [21] */
    long hsts_seconds;              /* > 0: Strict-Transport-Security on HTTPS [23] */
    unsigned password_iterations;   /* PBKDF2 rounds; 0: KEG_PASSWORD_ITERATIONS [22] */
    long session_age;               /* seconds; 0: two weeks [21] */
    int atomic_requests;            /* 1: one transaction per request [17] */
};

/* Makes `app` a keg site on `db` (neither owned): vial_app_set_user(app, site). s is
 * copied (NULL: all defaults); its secret_key is set as the app's SECRET_KEY when the app
 * has none. NULL when out of memory. */
keg_site *keg_site_new(vial_app *app, keg_db *db, const struct keg_settings *s);
void keg_site_free(keg_site *site);
/* The database of the site serving req. */
keg_db *keg_request_db(const vial_request *req);
/* [lab 17] Django's ATOMIC_REQUESTS: each request's view runs in keg_atomic_begin; the
 * work is committed when the response status is below 500, rolled back otherwise. */
int keg_site_atomic_requests(keg_site *site);

/* A test database (Django's test runner): ":memory:", the registered models' tables
 * created. keg_test_begin opens a transaction for one test, keg_test_end rolls it back,
 * so each test starts from the same data. */
keg_db *keg_test_db(char **err);
int keg_test_begin(keg_db *db);
int keg_test_end(keg_db *db);

/* ---- migrations [lab 18] ------------------------------------------------------------
 * An app's migrations are the files NNNN_name.mig of one folder: text, one item a line,
 * "#" lines and blank lines ignored:
 *   keg migration                              the first line, always
 *   depends: 0001_initial                      a file that must run before (any number)
 *   create_model question polls_question       a model and its table, then its columns:
 *     field id auto
 *     field question_text char max_length=200 unique
 *   add_field question votes integer default=0
 *   alter_field question question_text char null max_length=300
 *   remove_field question votes
 * A field is NAME KIND [null] [unique] [max_length=N] [default=V] [to=TABLE], KIND one
 * of auto integer bool char text datetime fk; a default is a number, or "text" (escapes
 * \\ \" \n \t \r \xHH) for char, text and datetime. Only what the database sees is
 * there: blank, choices, on_delete and related_name change no SQL and are left out;
 * KEG_M2M fields are too (their join tables are lab 16's). */

/* Replays the migration files of `app` in `dir` in dependency order, diffs that state
 * against the registered models of app and writes the next file dir/NNNN_name.mig:
 * created models, then removed, added and altered fields (each group by model then
 * field name), "depends:" the one file no other depends on, named as Django names it
 * (0001_initial, 0002_question_votes, 0003_remove_question_votes, ..._and_more). Returns
 * 1 and the file's name ("0002_question_votes.mig") in *written (caller frees; written
 * may be NULL), 0 when nothing changed (nothing written), or a status with a message in
 * *err (caller frees; err may be NULL): a bad file, a cycle, several leaves, or a NOT
 * NULL field added without a default. */
int keg_makemigrations(const char *dir, const char *app, char **written, char **err);
/* Applies the pending migrations of app in dependency order, each with foreign keys off
 * (PRAGMA foreign_keys = OFF, then ON again), in one keg_atomic level, checked by PRAGMA
 * foreign_key_check and recorded in keg_migrations (id, app, name, applied: Django's
 * django_migrations, created when missing) before its COMMIT; one that another
 * connection recorded meanwhile (seen under the write lock) is skipped. Returns how
 * many were applied, or a status with *err: "<name>: <why>" for a migration that failed (rolled
 * back, not recorded; those before it stay applied), "circular dependency: app.a,
 * app.b" for a cycle, KEG_EINVALID inside a transaction. */
int keg_migrate(keg_db *db, const char *dir, const char *app, char **err);
/* What `sqlmigrate app name` prints: "BEGIN;", per operation "--", "-- <describe>", "--"
 * then its statements one a line ending in ";" (a bound value shown after it as
 * " -- params: 0"), "COMMIT;". Caller frees; NULL with *err when there is no such
 * migration or a file is wrong. Runs no SQL. */
char *keg_sqlmigrate(const char *dir, const char *app, const char *name, char **err);

/* ---- templates [lab 19] --------------------------------------------------------------
 * Registers on the site's app, through vial_template_add_tag (vial [19]), Django's
 *   {% include "name" %}     template name (a string or a name) rendered there, in the
 *                            same context and loop variables; a missing one fails the
 *                            render ("T:L: template not found: name")
 *   {% url 'ns:name' a k=b %}  vial_url_for_args of endpoint "ns.name" (Django's ':'
 *                            is vial's blueprint '.'): positional values fill the
 *                            rule's converters in order, k=v ones by name; the URL is
 *                            HTML-escaped; no such route or values that do not fit fail
 *                            the render ("T:L: no reverse match for 'ns:name' with
 *                            these arguments"). Django's "as var" form is not kept.
 *   {% csrf_token %}         <input type="hidden" name="csrfmiddlewaretoken" value="T">
 *                            with T the context's csrf_token, escaped (lab 21 puts
 *                            keg_csrf_token there, as Django's csrf context processor
 *                            does); nothing when it is missing, "" or "NOTPROVIDED".
 * Wrong arguments fail the render with a message naming the tag. Returns KEG_OK,
 * KEG_EINVALID for a NULL site, KEG_ERROR when vial refused a tag. */
int keg_templates_install(keg_site *site);

/* ---- forms [lab 20] -----------------------------------------------------------------
 * Django's Form and ModelForm. A form is bound to posted data (request->form) or
 * unbound; keg_form_is_valid cleans it once, in Django's order: each field in turn
 * (to_python, then required and choices, then max_length; then its clean hook, only when
 * the field cleaned), the form's clean hook, and for a ModelForm the model's
 * keg_full_clean with its unique checks. Messages are Django's (lab 20 lists them).
 * Field kinds: KEG_CHAR and KEG_TEXTFIELD (text, stripped of white space), KEG_INTEGER
 * (a whole number), KEG_BOOL (a checkbox); a field with choices is a <select>. */

typedef struct keg_form keg_form;

struct keg_form_field {
    const char *name;               /* passes keg_ident_ok */
    enum keg_kind kind;             /* KEG_CHAR, KEG_TEXTFIELD, KEG_INTEGER or KEG_BOOL */
    int required;                   /* a checkbox: must be checked */
    int max_length;                 /* KEG_CHAR, KEG_TEXTFIELD: characters; 0 none */
    const struct keg_choice *choices;   /* NULL, or ended by { NULL, NULL } */
    /* Django's clean_<field>: runs after the field cleaned; *value is its cleaned text
     * (owned by the form). The hook may replace it with a malloc'd string (the form frees
     * the old one and keeps the new). Returns NULL when valid, else a message (not
     * freed: static). */
    const char *(*clean)(keg_form *f, char **value);
};

struct keg_form_def {
    const struct keg_form_field *fields;    /* declared fields (nfields of them) */
    size_t nfields;
    /* Django's clean(): cross-field checks after every field; reads keg_form_value and
     * adds errors with keg_form_add_error. NULL: none. */
    void (*clean)(keg_form *f);
    const keg_model *model;         /* ModelForm: NULL for a plain form */
    /* ModelForm's Meta.fields, NULL-ended: the model fields the form edits and saves,
     * in order, each becoming a form field as Django's formfield() makes it (required
     * unless KEG_BLANK, a KEG_BOOL never; max_length; choices, after a "---------"
     * choice unless the field has a default and is not blank). A declared field of the
     * same name replaces the derived one; declared fields of other names come after and
     * are cleaned but never saved. */
    const char *const *model_fields;
};

/* A form bound to `data` (the last value of each field's name is copied, as Django's
 * QueryDict.get gives), or unbound when data is NULL. NULL when out of memory or for a
 * def keg cannot use (a field kind or name it refuses, a model field that is unknown,
 * the "id" or of another kind). Free with keg_form_free. */
keg_form *keg_form_new(const struct keg_form_def *def, const vial_pairs *data);
void keg_form_free(keg_form *f);
/* ModelForm(instance=obj): the form edits obj's row, so the unique checks leave that
 * row out (obj's id is read now). KEG_EINVALID for a plain form or an object of another
 * model. */
int keg_form_set_instance(keg_form *f, const void *obj);
/* Cleans the form the first time (later calls give the same answer); db is used by a
 * ModelForm's unique checks (NULL: none). 1 valid, 0 not (an unbound form is never
 * valid, and has no errors). */
int keg_form_is_valid(keg_form *f, keg_db *db);
/* The cleaned value of field `name` as text (owned by f): stripped text, an integer in
 * decimal ("" when empty), a checkbox "1" or "0". NULL before cleaning, for a field in
 * error and for an unknown name. */
const char *keg_form_value(const keg_form *f, const char *name);
/* The errors, field name -> message, in the order they were found; non-field errors
 * under "__all__". Owned by f. */
const vial_pairs *keg_form_errors(const keg_form *f);
/* Django's add_error(field, message): field NULL or "__all__" for a non-field error;
 * a field's cleaned value is dropped. KEG_EINVALID for an unknown field. */
int keg_form_add_error(keg_form *f, const char *field, const char *message);
/* The form as HTML (lab 20 gives the exact text): non-field errors, then per field a
 * <div> with its label, its errors and its widget showing the bound value; every value,
 * label and message escaped (& < > " ' as &amp; &lt; &gt; &quot; &#x27;). Caller frees;
 * NULL when out of memory. */
char *keg_form_render(const keg_form *f);
/* ModelForm's save(): copies the cleaned model_fields into obj (an object of the model;
 * nothing else a POST names is copied) and keg_save()s it. KEG_EINVALID when the form
 * is not a valid ModelForm; else keg_save's status. */
int keg_form_save(keg_db *db, keg_form *f, void *obj);

/* ---- sessions in the database and CSRF [lab 21] -------------------------------------
 * Sessions: Django's database backend. The data lives in one table,
 *   CREATE TABLE "keg_session" ("key" varchar(40) NOT NULL PRIMARY KEY,
 *   "data" text NOT NULL, "expire" integer NOT NULL)
 * (Django's django_session: session_key, session_data, expire_date), the data as
 * urlencoded pairs ("a=1&b=x%20y", vial_percent_encode), expire in seconds since 1970.
 * The browser holds only the key, 32 characters of [a-z0-9] drawn with RAND_bytes, in
 *   Set-Cookie: sessionid=KEY; HttpOnly; Max-Age=AGE; Path=/; SameSite=Lax
 * with AGE settings.session_age (0: KEG_SESSION_AGE). A request's session is loaded at
 * its first use: the row of the sessionid cookie if it exists and expire is later than
 * now, else an empty session without a key (a key the browser made up is never taken).
 * After the view (a vial after-request hook) a session that changed is saved: with data,
 * under its key (a new one when it has none) with expire = now + AGE, and the cookie
 * sent; empty, its row deleted and, when the browser sent a sessionid cookie, that
 * cookie deleted (Set-Cookie: sessionid=; Max-Age=0; Path=/). An unchanged session
 * writes nothing and sends no cookie. The session is released at teardown.
 * Every function below returns KEG_EINVALID (or NULL, "") for a request whose site has
 * no sessions installed. */
#define KEG_SESSION_AGE 1209600L    /* two weeks: Django's SESSION_COOKIE_AGE */

/* Creates keg_session (and an index on expire) when missing and adds the hooks. Once
 * per site (later calls do nothing). 0, KEG_EINVALID for NULL or a site without a
 * database, or a status. */
int keg_sessions_install(keg_site *site);
/* The value of `name` in req's session, or NULL. Owned by the session: valid until
 * that name is set again or the request ends. */
const char *keg_session_get(vial_request *req, const char *name);
/* Sets `name` to a copy of value (value NULL removes it). 0, or a status. */
int keg_session_set(vial_request *req, const char *name, const char *value);
/* The session's key, "" while it has none (a new session gets one when saved). Owned by
 * the session. */
const char *keg_session_key(vial_request *req);
/* Django's cycle_key(), at login against session fixation: the same data under a new
 * key; the old row is deleted now, the new one written after the view. 0 or a status. */
int keg_session_cycle_key(vial_request *req);
/* Django's flush(), at logout: the data emptied, the row deleted now, the cookie deleted
 * after the view. 0 or a status. */
int keg_session_flush(vial_request *req);
/* Django's clearsessions: deletes the rows whose expire is not later than now. Returns
 * how many, or a status. */
int keg_session_clear_expired(keg_db *db);

/* CSRF, as Django 4.1 and later do it. The secret is KEG_CSRF_SECRET_LEN characters of
 * KEG_CSRF_CHARS drawn with RAND_bytes, kept by the browser in
 *   Set-Cookie: csrftoken=SECRET; Max-Age=31449600; Path=/; SameSite=Lax
 * (not HttpOnly: a page's JavaScript reads it to send the header form). A form carries a
 * token masking it against BREACH (Django's _mask_cipher_secret): a fresh random mask M
 * of 32 characters, then for each i CHARS[(idx(secret[i]) + idx(M[i])) % 62], idx the
 * position in KEG_CSRF_CHARS; unmasking subtracts (mod 62). A csrftoken cookie of 32
 * characters of the alphabet is the secret, one of 64 a masked token (unmasked); any
 * other cookie is replaced by a new secret, sent with the response.
 * The check (a before-request hook) lets GET, HEAD, OPTIONS and TRACE through. Any other
 * method is refused with 403 and the body
 *   "403 Forbidden\nCSRF verification failed. REASON\n"
 * at the first of these that fails (REASON exactly as quoted):
 *   1. with an Origin header, it must equal "SCHEME://HOST" (SCHEME https when the
 *      request is secure, else http; HOST the Host header as sent) or match a trusted
 *      origin, "SCHEME://HOST" exactly or "SCHEME://" "*.DOMAIN" for DOMAIN and the hosts
 *      under it: "Origin checking failed - ORIGIN does not match any trusted origins."
 *   2. without Origin, a secure request needs a Referer "https://HOST..." whose host is
 *      the Host header or a trusted origin's (without regard to case):
 *      "Referer checking failed - no Referer.", "Referer checking failed - Referer is
 *      malformed." (no scheme or no host), "Referer checking failed - Referer is
 *      insecure while host is secure." (not https), "Referer checking failed - REFERER
 *      does not match any trusted origins."
 *   3. a secret from the cookie: "CSRF cookie not set."
 *   4. the token: the form field csrfmiddlewaretoken of a POST (the urlencoded body is
 *      parsed into req->form when it is empty), else the X-CSRFToken header, 32 or 64
 *      characters of the alphabet, its secret equal to the cookie's (CRYPTO_memcmp):
 *      "CSRF token missing.", "CSRF token from SOURCE has incorrect length.", "... has
 *      invalid characters.", "CSRF token from SOURCE incorrect.", SOURCE being POST or
 *      "the 'X-Csrftoken' HTTP header".
 * A request is secure when settings.secure_proxy_ssl_header is 1 and the first
 * comma-separated value of X-Forwarded-Proto, trimmed, is "https" (Django's
 * SECURE_PROXY_SSL_HEADER): keg speaks plain HTTP behind a proxy that ends TLS. */
#define KEG_CSRF_CHARS \
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
#define KEG_CSRF_SECRET_LEN 32
#define KEG_CSRF_TOKEN_LEN 64

/* Adds the check, the hook that sends the cookie and the reason of a refusal (after
 * request) and the teardown. Once per site. 0, KEG_EINVALID for NULL, or a status. */
int keg_csrf_install(keg_site *site);
/* Django's get_token(): a freshly masked KEG_CSRF_TOKEN_LEN-character token of req's
 * secret (a new secret when there is none); two calls differ and both validate. The
 * cookie is sent with the response (its expiry starts over). Owned by req: valid until
 * the request ends. NULL outside a site with CSRF, or out of memory. */
const char *keg_csrf_token(vial_request *req);
/* Django's rotate_token(), at login: a new secret, sent with the response; tokens of the
 * old one no longer validate. 0 or a status. */
int keg_csrf_rotate(vial_request *req);
/* The secret (KEG_CSRF_SECRET_LEN characters and a NUL into secret) of a token of 64
 * characters, or a secret of 32 as it is. KEG_EINVALID for anything else. */
int keg_csrf_unmask(const char *token, char *secret);

/* ---- users, passwords and permissions [lab 22] --------------------------------------
 * Passwords are stored as Django stores them, so a hash made by one verifies in the
 * other: "pbkdf2_sha256$<iterations>$<salt>$<hash>", the salt 22 characters of
 * [a-zA-Z0-9] drawn with RAND_bytes, the hash the 32 bytes of
 * PKCS5_PBKDF2_HMAC(password, salt, iterations, SHA-256) in base64 with its "=" padding
 * (44 characters). Iterations are a decimal number from 1 to INT_MAX without sign or
 * leading zero; the salt is not empty and holds no '$'.
 * The auth tables (Django's, without content types: a permission carries its app label):
 *   auth_user                   keg_auth_user's CREATE TABLE (keg_create_table)
 *   auth_permission             ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "name"
 *                               varchar(255) NOT NULL, "app_label" varchar(100) NOT NULL,
 *                               "codename" varchar(100) NOT NULL)
 *   auth_group                  ("id" ..., "name" varchar(150) NOT NULL UNIQUE)
 *   auth_group_permissions      ("id" ..., "group_id" integer NOT NULL, "permission_id"
 *                               integer NOT NULL)
 *   auth_user_groups            ("id" ..., "user_id" integer NOT NULL, "group_id" ...)
 *   auth_user_user_permissions  ("id" ..., "user_id" integer NOT NULL, "permission_id" ...)
 * (each id column as auth_permission's; the join tables' columns REFERENCE their tables).
 * A logged-in request's session holds "_auth_user_id" (the id in decimal), as Django's. */

#define KEG_PASSWORD_ITERATIONS 1000000     /* Django 5.2's PBKDF2 default */
#define KEG_LOGIN_URL "/accounts/login/"    /* Django's LOGIN_URL default */
#define KEG_LOGIN_REDIRECT_URL "/accounts/profile/"     /* LOGIN_REDIRECT_URL */

/* A new hash of password with a fresh salt and `iterations` rounds (0:
 * KEG_PASSWORD_ITERATIONS). Caller frees; NULL for a NULL password, when RAND_bytes or
 * PBKDF2 failed, or when out of memory. */
char *keg_password_make(const char *password, unsigned iterations);
/* 1 when password matches encoded (its salt and iterations hashed again, the two texts
 * compared with CRYPTO_memcmp), 0 otherwise: NULL arguments and a malformed or unusable
 * encoded ("!..." of Django's set_unusable_password) included. Runs PBKDF2 once when
 * encoded is well formed, else never. */
int keg_password_check(const char *password, const char *encoded);
/* 1 when encoded is not a well-formed hash of exactly `iterations` rounds (0:
 * KEG_PASSWORD_ITERATIONS): Django's must_update, after which a correct password is
 * hashed again with the current count. 0 when it is. */
int keg_password_must_update(const char *encoded, unsigned iterations);

struct keg_user {
    keg_obj obj;
    long long id;
    char *password;
    long long last_login;
    int is_superuser;
    char *username;
    char *email;
    int is_staff;
    int is_active;
    long long date_joined;
};
/* Django's User, table auth_user: id, password varchar(128), last_login datetime NULL,
 * is_superuser bool, username varchar(150) UNIQUE, email varchar(254) (blank), is_staff
 * bool, is_active bool (default 1), date_joined datetime. Given. */
extern const keg_model keg_auth_user;

/* Creates the auth tables above when missing and adds a teardown hook that frees the
 * request's user. Call once per site, after keg_sessions_install (and keg_csrf_install
 * when the site has CSRF). 0, KEG_EINVALID for NULL or a site without a database, or a
 * status. The tables are given; the hook is yours. */
int keg_auth_install(keg_site *site);

/* Django's authenticate() with ModelBackend, on the database and settings of req's site:
 * the user with that username into out (an object of keg_auth_user, cleared first) when
 * password checks against its hash and the user is active; else KEG_ENOTFOUND. An
 * unknown username still costs one hash (keg_password_make with the site's
 * password_iterations), so the answer takes as long either way. A correct password
 * whose hash has another iteration count than the site's (keg_password_must_update) is
 * hashed again and the row updated. KEG_EINVALID for NULL arguments or a request outside
 * a site with a database; else a database status. */
int keg_authenticate(vial_request *req, const char *username, const char *password,
                     struct keg_user *out);
/* Django's login(): when the session holds another user's id it is flushed, else its key
 * is cycled (keg_session_cycle_key: an anonymous session keeps its data); then
 * "_auth_user_id" is set, the CSRF secret rotated (keg_csrf_rotate, when the site has
 * CSRF) and the user's last_login set to now in auth_user. keg_request_user then gives
 * this user for the rest of the request. 0 or a status (KEG_EINVALID for NULL, a user
 * without id, or a site without sessions). */
int keg_login(vial_request *req, const struct keg_user *user);
/* Django's logout(): the session flushed (keg_session_flush) and, unlike Django, the
 * CSRF secret rotated too (when the site has CSRF); keg_request_user then gives NULL.
 * 0 or a status. */
int keg_logout(vial_request *req);
/* The logged-in user of req: the active user whose id the session's "_auth_user_id"
 * holds, loaded at the first call of the request (one SELECT) and kept until its
 * teardown; NULL for anonymous (no id, a user since deleted or made inactive). Owned by
 * req. */
const struct keg_user *keg_request_user(vial_request *req);
/* Django's has_perm(): 1 when an active user has "app_label.codename": as superuser, or
 * by a row of auth_user_user_permissions, or by a group of theirs in
 * auth_group_permissions; 0 otherwise (NULL user or perm, an inactive user, perm without
 * a '.'), or a database status. */
int keg_user_has_perm(keg_db *db, const struct keg_user *user, const char *perm);
/* Django's login_required, as a before-request hook (vial_app_before_request or a
 * blueprint's): 0 for a logged-in user, else 302 (res a vial_redirect to
 * KEG_LOGIN_URL "?next=" and the request's path, with "?" and its query string when it
 * has one, percent-encoded by vial_percent_encode(..., 1): "/a/b?x=1" gives
 * "/accounts/login/?next=/a/b%3Fx%3D1"). */
int keg_login_required(vial_request *req, vial_response *res);
/* After a login: a 302 to the "next" value of req's form (a POST) or query, when
 * vial_redirect accepts it (a local path: never another site, no open redirect), else
 * to KEG_LOGIN_REDIRECT_URL. 0, or KEG_ERROR when vial refused both. */
int keg_redirect_next(vial_request *req, vial_response *res);

/* ---- middleware and the admin [lab 23] ----------------------------------------------
 * Middleware: Django's MIDDLEWARE as startproject writes it, in its order. keg's hooks
 * are vial's: before-request hooks run in that order, after-request hooks in the reverse
 * one (as Django's process_response), so security's headers are added last, on every
 * response the app dispatches: views', redirects and errors (404, 405, a CSRF 403, a
 * 500) alike.
 *   security      after: X-Content-Type-Options: nosniff, Referrer-Policy: same-origin,
 *                 Cross-Origin-Opener-Policy: same-origin, and on a secure request (lab
 *                 21's rule) when settings.hsts_seconds > 0, Strict-Transport-Security:
 *                 max-age=N; each only when the response has no header of that name
 *                 (Django's setdefault)
 *   session       keg_sessions_install
 *   common        before: the Host header's name (without ":port", any case) must be in
 *                 settings.allowed_hosts ("" or NULL: "localhost,127.0.0.1"): an entry
 *                 equal to it, "*", or ".example.com" for example.com and every name
 *                 under it; else (no Host header included) 400 (Django's
 *                 DisallowedHost)
 *   csrf          keg_csrf_install
 *   auth          keg_auth_install
 *   messages      keg_messages_install (below)
 *   clickjacking  after: X-Frame-Options: DENY, unless the response has one
 * Before-request hooks run only for a request that matched a route, so a 404 is never
 * refused by the host check (its headers are added all the same).
 * Installs the layers from one table in that order (call it instead of, and before, the
 * other installs). 0 (a second call does nothing), KEG_EINVALID for NULL or a site
 * without a database, or the status of the first layer that failed. */
int keg_middleware_install(keg_site *site);

/* Messages: Django's messages framework (django.contrib.messages) with its session
 * storage. A view adds a message ("The item was saved."); it waits in req's database
 * session (lab 21) until a page reads it, after the redirect that usually follows, and
 * is then gone; a message no page reads stays for the next one. An anonymous visitor
 * gets a session for it, as in Django. The session holds them under the name
 * "_messages" (Django's SessionStorage key) as "LEVEL=TEXT&LEVEL=TEXT" in the order
 * added, LEVEL in decimal and TEXT percent-encoded by vial_percent_encode(text, 0):
 * level 25 and "a&b" give "25=a%26b". Levels and tags are Django's; a level below
 * KEG_MESSAGE_LEVEL (Django's MESSAGE_LEVEL default, INFO) is dropped. Every function
 * below returns KEG_EINVALID (or NULL) for a request whose site has no messages
 * installed (Django's MessageFailure). */
#define KEG_MSG_DEBUG 10        /* tag "debug" */
#define KEG_MSG_INFO 20         /* tag "info" */
#define KEG_MSG_SUCCESS 25      /* tag "success" */
#define KEG_MSG_WARNING 30      /* tag "warning" */
#define KEG_MSG_ERROR 40        /* tag "error"; any other level has the tag "" */
#define KEG_MESSAGE_LEVEL KEG_MSG_INFO

/* One message read: Django's Message without extra_tags. */
struct keg_message {
    int level;
    const char *tags;           /* the level's tag, "" for another level (static) */
    const char *message;        /* the text as added */
};

/* Django's MessageMiddleware: adds the teardown hook that frees what keg_messages kept.
 * Needs keg_sessions_install first. Once per site (later calls do nothing). 0,
 * KEG_EINVALID for NULL or a site without sessions, KEG_ENOMEM. */
int keg_messages_install(keg_site *site);
/* Django's messages.add_message(request, level, message): appends the message to the
 * session's "_messages" (the session saves it after the view). 0 also when it is dropped:
 * a level below KEG_MESSAGE_LEVEL, text NULL or "". Else a status. */
int keg_message_add(vial_request *req, int level, const char *text);
/* Iterating Django's get_messages(request): the session's messages, then those added
 * during this request after them, in order, *n their count (n may be NULL). Reading
 * removes "_messages" from the session (when it is there: a session without messages
 * is not touched), so they are not shown again; the request keeps them, and a second
 * call returns them again with any added since (as iterating Django's storage twice).
 * Owned by req until its teardown. NULL when there are none. */
const struct keg_message *keg_messages(vial_request *req, size_t *n);
/* Django's messages context processor, for a template rendered by a view: keg_messages
 * (so they are read) into the list "messages" of ctx, each item with "message", "tags"
 * and "level":
 *   {% for m in messages %}<li class="{{ m.tags }}">{{ m.message }}</li>{% endfor %}
 * (Django's Message has .message too; vial prints nothing for {{ m }} of a list item).
 * No messages: no list, so {% if messages %} is false. 0, KEG_EINVALID for NULL ctx,
 * KEG_ENOMEM. */
int keg_messages_context(vial_request *req, vial_ctx *ctx);

/* Django's ModelAdmin options. The arrays are NULL-ended field names of the model (fields
 * with a column) and are not copied: they must live as long as the site (static tables).
 * NULL or empty means none. */
struct keg_admin_options {
    const char *const *list_display;    /* the changelist's columns; none: one column
                                           "MODEL" showing "MODEL object (ID)" */
    const char *const *search_fields;   /* ?q= looks in these (icontains); none: no
                                           search box */
    const char *const *list_filter;     /* ?FIELD__exact=V filters on these */
    const char *const *fields;          /* the form's fields (KEG_CHAR, KEG_TEXTFIELD,
                                           KEG_INTEGER or KEG_BOOL); none: every field of
                                           those kinds but id, in model order */
    int per_page;                       /* rows a page; 0: 100 (list_per_page) */
};

/* Django's admin.site.register(model, ModelAdmin): the admin of site shows m with
 * options o (copied; NULL: all defaults). Registering m again replaces its options.
 * 0, KEG_EINVALID for NULL site or m, or a name in o that is not a field of m with a
 * column (or, in fields, of a kind forms do not edit); KEG_ENOMEM. */
int keg_admin_register(keg_site *site, const keg_model *m, const struct keg_admin_options *o);

/* Routes the admin under prefix ("/admin", no trailing '/') as the blueprint "admin",
 * and creates the permission rows Django's migrate makes for each registered model:
 * auth_permission (name "Can add MODEL", app_label, codename "add_MODEL"; change_,
 * delete_, view_ likewise) when missing. Needs keg_middleware_install first (sessions,
 * CSRF and auth): KEG_EINVALID otherwise, or for a NULL site or prefix. Pages are
 * text/html; charset=utf-8 with Cache-Control: max-age=0, no-cache, no-store,
 * must-revalidate, private (Django's never_cache); lab 23 gives their exact HTML, every
 * stored value escaped (& < > " ' as keg_form_render does). A saved add or change and a
 * delete add a KEG_MSG_SUCCESS message (Django's message_user): The MODEL "LABEL" was
 * added successfully. (changed, deleted), which the next admin page shows: every page
 * reads the messages (keg_messages) and lists them, escaped, before its <h1>.
 *   PREFIX/login/                      GET the form, POST username/password/next: an
 *                                      active staff user is logged in (keg_login) and
 *                                      sent to next when local, else to PREFIX/
 *   PREFIX/                            the models the user may see
 *   PREFIX/APP/MODEL/                  the changelist: ?q= search (each word must be in
 *                                      one of search_fields), ?F__exact=V filters (F in
 *                                      list_filter), ?p=N pages from 1, ordered by the
 *                                      model's ordering then -id (Django's deterministic
 *                                      ordering)
 *   PREFIX/APP/MODEL/add/              GET the empty form, POST creates (a ModelForm)
 *   PREFIX/APP/MODEL/ID/change/        GET the object's form, POST saves it
 *   PREFIX/APP/MODEL/ID/delete/        GET the confirmation page, POST deletes (keg_delete)
 * Every page but login needs an active staff user (else a 302 to PREFIX/login/?next=
 * and the path with its query, encoded as keg_login_required does), and the permission
 * "APP.ACTION_MODEL" of keg_user_has_perm: view or change to see the changelist and an
 * object, add to add, change to save, delete to delete (else 403). A write is a POST, so
 * the CSRF check guards it. Returns 0, or a status. */
int keg_admin_install(keg_site *site, const char *prefix);

#endif
