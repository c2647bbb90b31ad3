/* 16-relations.c -- public tests of lab 16 on a small blog: authors, posts (a foreign key
 * to their author, a nullable one to an editor, many-to-many tags) and comments on posts.
 * Foreign keys cached, reverse sets, the join table, select_related and prefetch_related
 * with their statement counts, and on_delete: CASCADE (two levels deep), SET_NULL and
 * PROTECT. Run with `make test LAB=16`; debug with `gdb build/tests/16-relations`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "keg.h"

struct author {
    keg_obj obj;
    long long id;
    char *name;
};

struct tag {
    keg_obj obj;
    long long id;
    char *name;
};

struct post {
    keg_obj obj;
    long long id;
    char *title;
    long long author_id;
    long long editor_id;        /* nullable, SET_NULL */
};

struct comment {
    keg_obj obj;
    long long id;
    long long post_id;
    char *text;
};

/* a licence protects its author from deletion */
struct licence {
    keg_obj obj;
    long long id;
    long long holder_id;
};

extern const keg_model blog_author, blog_tag, blog_post, blog_comment, blog_licence;

static const keg_field author_fields[] = {
    KEG_FIELD(struct author, id, KEG_AUTO),
    KEG_FIELD(struct author, name, KEG_CHAR, .max_length = 40),
};
const keg_model blog_author = KEG_MODEL(blog, author, struct author, author_fields);

static const keg_field tag_fields[] = {
    KEG_FIELD(struct tag, id, KEG_AUTO),
    KEG_FIELD(struct tag, name, KEG_CHAR, .max_length = 20),
};
const keg_model blog_tag = KEG_MODEL(blog, tag, struct tag, tag_fields, .ordering = "name");

static const keg_field post_fields[] = {
    KEG_FIELD(struct post, id, KEG_AUTO),
    KEG_FIELD(struct post, title, KEG_CHAR, .max_length = 60),
    KEG_FK_FIELD(struct post, author, blog_author, KEG_CASCADE),
    KEG_FK_FIELD(struct post, editor, blog_author, KEG_SET_NULL, .flags = KEG_NULLABLE,
                 .related_name = "edited"),
    KEG_M2M_FIELD(tags, blog_tag),
};
const keg_model blog_post = KEG_MODEL(blog, post, struct post, post_fields);

static const keg_field comment_fields[] = {
    KEG_FIELD(struct comment, id, KEG_AUTO),
    KEG_FK_FIELD(struct comment, post, blog_post, KEG_CASCADE),
    KEG_FIELD(struct comment, text, KEG_TEXTFIELD),
};
const keg_model blog_comment = KEG_MODEL(blog, comment, struct comment, comment_fields);

static const keg_field licence_fields[] = {
    KEG_FIELD(struct licence, id, KEG_AUTO),
    KEG_FK_FIELD(struct licence, holder, blog_author, KEG_PROTECT),
};
const keg_model blog_licence = KEG_MODEL(blog, licence, struct licence, licence_fields);

static keg_db *db;

/* Runs one statement of setup; bails out when it fails. */
static void sql(const char *s)
{
    if (keg_db_exec(db, s, NULL, 0) < 0)
        BAIL_OUT("%s: %s", s, keg_db_error(db));
}

/* How many rows `table` has. */
static long long rows(const char *table)
{
    char q[96];
    long long n = -1;
    snprintf(q, sizeof q, "SELECT COUNT(*) FROM \"%s\"", table);
    keg_db_query_int(db, q, NULL, 0, &n);
    return n;
}

/* The ids of a list, as "1,3,4". */
static const char *ids_of(const keg_list *l)
{
    static char out[256];
    out[0] = '\0';
    for (size_t i = 0; l != NULL && i < l->len; i++) {
        size_t len = strlen(out);
        const keg_obj *o = l->items[i];
        long long id = *(const long long *)((const char *)o + o->model->fields[0].offset);
        snprintf(out + len, sizeof out - len, "%s%lld", i ? "," : "", id);
    }
    return out;
}

static void t_join_table(void)
{
    long long n = -1;
    keg_db_query_int(db, "SELECT COUNT(*) FROM sqlite_schema WHERE tbl_name = "
                     "'blog_post_tags'", NULL, 0, &n);
    is_int(n, 4, "blog_post_tags: the table, a UNIQUE index and two indexes");
    keg_db_query_int(db, "SELECT COUNT(*) FROM pragma_table_info('blog_post_tags') WHERE "
                     "name IN ('id', 'post_id', 'tag_id')", NULL, 0, &n);
    is_int(n, 3, "columns id, post_id, tag_id");
}

static void t_fk_get(void)
{
    struct post *p = keg_obj_new(&blog_post);
    keg_get(db, &blog_post, 1, p);
    const void *a = NULL, *again = NULL;
    long before = keg_db_queries(db);
    is_int(keg_fk_get(db, p, "author", &a), 0, "keg_fk_get");
    ok(a != NULL && strcmp(((const struct author *)a)->name, "Ann") == 0, "post 1's author is Ann");
    is_int(keg_fk_get(db, p, "author", &again), 0, "again");
    ok(again == a, "the same cached object");
    is_int(keg_db_queries(db) - before, 1, "one statement for both");
    is_int(keg_fk_get(db, p, "editor", &a), 0, "a NULL key");
    ok(a == NULL, "gives NULL");
    is_int(keg_db_queries(db) - before, 1, "and runs no SQL");
    is_int(keg_fk_get(db, p, "title", &a), KEG_EINVALID, "not a foreign key: KEG_EINVALID");
    keg_obj_free(p);
}

static void t_reverse(void)
{
    struct author *ann = keg_obj_new(&blog_author);
    keg_get(db, &blog_author, 1, ann);
    const keg_list *l = NULL;
    long before = keg_db_queries(db);
    is_int(keg_related_fetch(db, ann, "post_set", &l), 0, "keg_related_fetch post_set");
    is_str(ids_of(l), "1,2", "Ann wrote posts 1 and 2");
    is_int(keg_related_fetch(db, ann, "edited", &l), 0, "a related_name");
    is_str(ids_of(l), "3", "Ann edited post 3");
    is_int(keg_related_fetch(db, ann, "post_set", &l), 0, "post_set again");
    is_int(keg_db_queries(db) - before, 2, "two statements: the second post_set is cached");
    keg_qs *qs = keg_related(ann, "post_set");
    keg_qs *one = keg_qs_filter(qs, "title", keg_text("Second"));
    long long n = -1;
    is_int(keg_qs_count(db, one, &n), 0, "keg_related is a query set");
    is_int(n, 1, "that can be filtered");
    keg_qs_free(one);
    keg_qs_free(qs);
    keg_qs *bad = keg_related(ann, "nothing_set");
    ok(bad != NULL && keg_qs_error(bad) != NULL, "an unknown name: the query set carries an error");
    keg_qs_free(bad);
    keg_obj_free(ann);
}

static void t_m2m(void)
{
    struct post *p = keg_obj_new(&blog_post);
    keg_get(db, &blog_post, 1, p);
    is_int(keg_m2m_add(db, p, "tags", 2), 0, "add tag 2");
    is_int(keg_m2m_add(db, p, "tags", 1), 0, "add tag 1");
    is_int(keg_m2m_add(db, p, "tags", 2), 0, "add tag 2 again");
    is_int(rows("blog_post_tags"), 2, "added once");
    keg_list l = { 0 };
    keg_qs *tags = keg_m2m(p, "tags");
    is_int(keg_qs_fetch(db, tags, &l), 0, "keg_m2m");
    is_str(ids_of(&l), "2,1", "tags 2 (b) and 1 (c), by name");
    keg_list_free(&l);
    keg_qs_free(tags);
    struct tag *t = keg_obj_new(&blog_tag);
    keg_get(db, &blog_tag, 2, t);
    const keg_list *posts = NULL;
    is_int(keg_related_fetch(db, t, "post_set", &posts), 0, "the reverse many-to-many");
    is_str(ids_of(posts), "1", "tag 2 is on post 1");
    is_int(keg_m2m_remove(db, p, "tags", 1), 0, "remove tag 1");
    is_int(rows("blog_post_tags"), 1, "removed");
    is_int(keg_m2m_add(db, p, "tags", 999), KEG_EINTEGRITY, "a tag that does not exist");
    keg_obj_free(t);
    keg_obj_free(p);
}

static void t_select_related(void)
{
    keg_qs *all = keg_qs_all(&blog_post);
    keg_qs *qs = keg_qs_select_related(all, "author,editor");
    char *text = keg_qs_sql(qs);
    ok(text != NULL && strstr(text, "JOIN") != NULL, "the SELECT joins");
    diag("%s", text != NULL ? text : "(NULL)");
    free(text);
    keg_list l = { 0 };
    long before = keg_db_queries(db);
    is_int(keg_qs_fetch(db, qs, &l), 0, "fetch with select_related");
    int names = 1;
    for (size_t i = 0; i < l.len; i++) {
        const void *a = NULL, *e = NULL;
        keg_fk_get(db, l.items[i], "author", &a);
        keg_fk_get(db, l.items[i], "editor", &e);
        struct post *p = l.items[i];
        names &= a != NULL && ((const struct author *)a)->id == p->author_id;
        names &= (e == NULL) == (keg_obj_is_null(p, "editor") == 1);
    }
    ok(names, "every author and editor is there");
    is_int(keg_db_queries(db) - before, 1, "one statement in all");
    keg_list_free(&l);
    keg_qs *bad = keg_qs_select_related(all, "title");
    ok(bad != NULL && keg_qs_error(bad) != NULL, "select_related of a field that is no foreign key");
    keg_qs_free(bad);
    keg_qs_free(qs);
    keg_qs_free(all);
}

static void t_prefetch(void)
{
    keg_qs *all = keg_qs_all(&blog_author);
    keg_qs *qs = keg_qs_prefetch_related(all, "post_set");
    keg_list l = { 0 };
    long before = keg_db_queries(db);
    is_int(keg_qs_fetch(db, qs, &l), 0, "fetch with prefetch_related");
    char got[256] = "";
    for (size_t i = 0; i < l.len; i++) {
        const keg_list *posts = NULL;
        keg_related_fetch(db, l.items[i], "post_set", &posts);
        size_t len = strlen(got);
        snprintf(got + len, sizeof got - len, "%s[%s]", i ? " " : "", ids_of(posts));
    }
    is_str(got, "[1,2] [3] []", "each author's posts");
    is_int(keg_db_queries(db) - before, 2, "two statements: the authors, then one IN query");
    keg_list_free(&l);
    keg_qs_free(qs);
    keg_qs_free(all);
}

static void t_on_delete(void)
{
    struct author *a = keg_obj_new(&blog_author);
    keg_get(db, &blog_author, 3, a);            /* Cy: holds a licence */
    is_int(keg_delete(db, a), KEG_EPROTECTED, "PROTECT refuses");
    is_str(keg_db_error(db), "Cannot delete some instances of model 'author' because they are "
           "referenced through protected foreign keys: 'licence.holder'.", "and says why");
    is_int(rows("blog_author"), 3, "nothing deleted");
    keg_get(db, &blog_author, 1, a);            /* Ann: wrote posts 1, 2; edited 3 */
    is_int(keg_delete(db, a), 0, "delete Ann");
    is_int(rows("blog_post"), 1, "CASCADE: her posts are gone");
    is_int(rows("blog_comment"), 1, "and their comments, two levels down");
    is_int(rows("blog_post_tags"), 0, "and the join rows of her posts");
    long long n = -1;
    keg_db_query_int(db, "SELECT COUNT(*) FROM blog_post WHERE editor_id IS NULL", NULL, 0, &n);
    is_int(n, 1, "SET_NULL: post 3 has no editor now");
    keg_obj_free(a);
}

int main(void)
{
    char *err = NULL;
    db = keg_db_open(":memory:", &err);
    if (db == NULL)
        BAIL_OUT("keg_db_open: %s", err ? err : "?");
    const keg_model *models[] = { &blog_author, &blog_tag, &blog_post, &blog_comment,
                                  &blog_licence };
    for (size_t i = 0; i < sizeof models / sizeof models[0]; i++)
        if (keg_register(models[i]) < 0 || keg_create_table(db, models[i]) < 0)
            BAIL_OUT("%s: %s", models[i]->table, keg_db_error(db));
    sql("INSERT INTO blog_author (name) VALUES ('Ann'), ('Bo'), ('Cy')");
    sql("INSERT INTO blog_tag (name) VALUES ('c'), ('b')");
    sql("INSERT INTO blog_post (title, author_id, editor_id) VALUES ('First', 1, NULL), "
        "('Second', 1, 2), ('Third', 2, 1)");
    sql("INSERT INTO blog_comment (post_id, text) VALUES (1, 'nice'), (2, 'meh'), (3, 'ok')");
    sql("INSERT INTO blog_licence (holder_id) VALUES (3)");
    t_join_table();
    t_fk_get();
    t_reverse();
    t_m2m();
    t_select_related();
    t_prefetch();
    t_on_delete();
    keg_db_close(db);
    keg_registry_clear();
    return done_testing();
}
