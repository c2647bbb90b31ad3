/* 15-query-sets.c -- public tests of lab 15 on a small shop (authors and books): lazy
 * and immutable query sets, each lookup, exclude and NULLs, Q objects, F(), order_by,
 * slices, count, exists, get, update, delete and the mistakes that run no SQL.
 * Run with `make test LAB=15`; debug with `gdb build/tests/15-query-sets`. */
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

static const keg_field author_fields[] = {
    KEG_FIELD(struct author, id, KEG_AUTO),
    KEG_FIELD(struct author, name, KEG_CHAR, .max_length = 40),
};
static const keg_model shop_author = KEG_MODEL(shop, author, struct author, author_fields,
                                               .ordering = "name");

struct book {
    keg_obj obj;
    long long id;
    char *title;
    long long author_id;
    long long pages;
    long long rating;           /* nullable */
};

static const keg_field book_fields[] = {
    KEG_FIELD(struct book, id, KEG_AUTO),
    KEG_FIELD(struct book, title, KEG_CHAR, .max_length = 60),
    KEG_FK_FIELD(struct book, author, shop_author, KEG_CASCADE),
    KEG_FIELD(struct book, pages, KEG_INTEGER),
    KEG_FIELD(struct book, rating, KEG_INTEGER, .flags = KEG_NULLABLE),
};
static const keg_model shop_book = KEG_MODEL(shop, book, struct book, book_fields);

static keg_db *db;

/* Adds a book (rating 0: NULL). */
static void add_book(const char *title, long long author, long long pages, long long rating)
{
    const char *cols[] = { "title", "author_id", "pages", "rating" };
    keg_value vals[] = { keg_text(title), keg_int(author), keg_int(pages),
                         rating ? keg_int(rating) : keg_null() };
    keg_db_insert(db, "shop_book", cols, vals, 4, NULL);
}

/* The ids qs gives, as "1,3,4" (or "error N"); frees qs. Counts its statements in *n. */
static const char *ids(keg_qs *qs, long *n)
{
    static char out[256];
    keg_list l = { 0 };
    long before = keg_db_queries(db);
    int rc = keg_qs_fetch(db, qs, &l);
    if (n != NULL)
        *n = keg_db_queries(db) - before;
    out[0] = '\0';
    if (rc < 0)
        snprintf(out, sizeof out, "error %d", rc);
    for (size_t i = 0; rc == 0 && i < l.len; i++) {
        size_t len = strlen(out);
        snprintf(out + len, sizeof out - len, "%s%lld", i ? "," : "",
                 ((struct book *)l.items[i])->id);
    }
    keg_list_free(&l);
    keg_qs_free(qs);
    return out;
}

static void t_lazy_and_immutable(keg_qs *all)
{
    long before = keg_db_queries(db), n = 0;
    keg_qs *big = keg_qs_filter(all, "pages__gte", keg_int(300));
    keg_qs *sorted = keg_qs_order_by(big, "-pages,id");
    keg_qs *top = keg_qs_slice(sorted, 0, 2);
    is_int(keg_db_queries(db) - before, 0, "building a chain runs no SQL");
    is_str(ids(top, &n), "5,3", "[:2] of the longest books");
    is_int(n, 1, "one statement to fetch");
    is_str(ids(keg_qs_order_by(big, "id"), NULL), "2,3,5", "the parent is unchanged");
    keg_qs_free(sorted);
    keg_qs_free(big);
}

static void t_lookups(keg_qs *all)
{
    is_str(ids(keg_qs_filter(all, "title", keg_text("Emma")), NULL), "1", "exact");
    is_str(ids(keg_qs_filter(all, "title__iexact", keg_text("EMMA")), NULL), "1", "iexact");
    is_str(ids(keg_qs_filter(all, "title__contains", keg_text("ma")), NULL), "1",
           "contains is case-sensitive");
    is_str(ids(keg_qs_filter(all, "title__icontains", keg_text("MA")), NULL), "1,5",
           "icontains is not");
    is_str(ids(keg_qs_filter(all, "title__contains", keg_text("100%")), NULL), "4",
           "%% matches itself");
    is_str(ids(keg_qs_filter(all, "title__icontains", keg_text("_")), NULL), "2",
           "_ matches itself");
    is_str(ids(keg_qs_filter(all, "title__startswith", keg_text("E")), NULL), "1",
           "startswith is case-sensitive");
    is_str(ids(keg_qs_filter(all, "pages__lt", keg_int(300)), NULL), "1,4", "lt");
    keg_value in[] = { keg_int(2), keg_null(), keg_int(4) };
    is_str(ids(keg_qs_filter_list(all, "pk__in", in, 3), NULL), "2,4", "in (NULL left out)");
    is_str(ids(keg_qs_filter_list(all, "id__in", NULL, 0), NULL), "", "in () is empty");
    keg_value range[] = { keg_int(250), keg_int(400) };
    is_str(ids(keg_qs_filter_list(all, "pages__range", range, 2), NULL), "1,2,3", "range");
    is_str(ids(keg_qs_filter(all, "rating__isnull", keg_int(1)), NULL), "3,4", "isnull");
    is_str(ids(keg_qs_filter(all, "rating", keg_null()), NULL), "3,4", "exact NULL");
    is_str(ids(keg_qs_filter(all, "author", keg_int(2)), NULL), "2,5", "a foreign key");
}

static void t_exclude_q_f(keg_qs *all)
{
    is_str(ids(keg_qs_exclude(all, "rating__gt", keg_int(3)), NULL), "2,3,4",
           "exclude keeps the NULL ratings");
    keg_q *q = keg_q_or(keg_q_new("pages__gt", keg_int(500)),
                        keg_q_not(keg_q_new("author_id", keg_int(1))));
    is_str(ids(keg_qs_where(all, q), NULL), "2,5", "Q: OR and NOT");
    keg_q_free(q);
    is_str(ids(keg_qs_filter(all, "rating__gt", keg_f("author")), NULL), "1,2,5",
           "F(): compared with another column");
    is_str(ids(keg_qs_filter(all, "id__gt", keg_f_add("author", 2)), NULL), "4,5",
           "F() + n");
}

static void t_order_slice(keg_qs *all)
{
    is_str(ids(keg_qs_order_by(all, "rating,-id"), NULL), "4,3,2,5,1", "NULLs first, then -id");
    keg_qs *by_pages = keg_qs_order_by(all, "pages");
    keg_qs *mid = keg_qs_slice(by_pages, 1, 4);
    is_str(ids(keg_qs_slice(mid, 1, 5), NULL), "2,3", "a slice of a slice stays inside it");
    long long n = -1;
    is_int(keg_qs_count(db, mid, &n), 0, "count of a slice");
    is_int(n, 3, "counts the slice");
    keg_qs *past = keg_qs_slice(mid, 3, -1);
    is_int(keg_qs_exists(db, mid), 1, "exists");
    is_int(keg_qs_exists(db, past), 0, "the slice [1:4] has no row past its third");
    keg_qs_free(past);
    keg_qs_free(mid);
    keg_qs_free(by_pages);
    keg_qs *authors = keg_qs_all(&shop_author);
    keg_list l = { 0 };
    is_int(keg_qs_fetch(db, authors, &l), 0, "the model's ordering applies");
    ok(l.len == 2 && strcmp(((struct author *)l.items[0])->name, "Austen") == 0, "Austen first");
    keg_list_free(&l);
    keg_qs_free(authors);
}

static void t_get_update_delete(keg_qs *all)
{
    struct book *b = keg_obj_new(&shop_book);
    keg_qs *one = keg_qs_filter(all, "title", keg_text("Emma"));
    is_int(keg_qs_get(db, one, b), 0, "get one");
    is_str(b->title, "Emma", "got Emma");
    keg_qs *none = keg_qs_filter(all, "pages__gt", keg_int(9999));
    is_int(keg_qs_get(db, none, b), KEG_ENOTFOUND, "get none: KEG_ENOTFOUND");
    is_int(keg_qs_get(db, all, b), KEG_EMULTIPLE, "get of several: KEG_EMULTIPLE");
    is_int(keg_qs_update(db, one, "pages", keg_f_add("pages", 10)), 1, "update with F() + 10");
    is_int(keg_qs_get(db, one, b), 0, "get again");
    is_int(b->pages, 260, "pages + 10");
    is_int(keg_qs_delete(db, none), 0, "delete nothing");
    keg_qs_free(one);
    keg_qs_free(none);
    keg_obj_free(b);
}

static void t_mistakes(keg_qs *all)
{
    long before = keg_db_queries(db);
    keg_qs *bad[] = {
        keg_qs_filter(all, "colour", keg_int(1)),
        keg_qs_filter(all, "pages__like", keg_int(1)),
        keg_qs_order_by(all, "id;DROP"),
        keg_qs_filter(all, "pages__gt", keg_null()),
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ok(bad[i] != NULL && keg_qs_error(bad[i]) != NULL, "mistake %zu: the error is kept", i);
        long long n = 0;
        is_int(keg_qs_count(db, bad[i], &n), KEG_EINVALID, "mistake %zu: KEG_EINVALID", i);
        ok(keg_qs_sql(bad[i]) == NULL, "mistake %zu: no SQL", i);
        keg_qs_free(bad[i]);
    }
    is_int(keg_db_queries(db) - before, 0, "no statement ran");
    char *sql = keg_qs_sql(all);
    ok(sql != NULL && strncmp(sql, "SELECT ", 7) == 0, "a good one has its SELECT");
    diag("keg_qs_sql: %s", sql ? sql : "(NULL)");
    free(sql);
}

int main(void)
{
    char *err = NULL;
    db = keg_db_open(":memory:", &err);
    if (db == NULL)
        BAIL_OUT("keg_db_open: %s", err ? err : "?");
    if (keg_create_table(db, &shop_author) < 0 || keg_create_table(db, &shop_book) < 0)
        BAIL_OUT("keg_create_table: %s", keg_db_error(db));
    const char *cols[] = { "name" };
    keg_value names[] = { keg_text("Austen"), keg_text("Woolf") };
    keg_db_insert(db, "shop_author", cols, &names[1], 1, NULL);   /* id 1: Woolf */
    keg_db_insert(db, "shop_author", cols, &names[0], 1, NULL);   /* id 2: Austen */
    add_book("Emma", 1, 250, 5);                /* 1 */
    add_book("to_the_lighthouse", 2, 300, 3);   /* 2 */
    add_book("Orlando", 1, 330, 0);             /* 3 */
    add_book("100% Austen", 1, 120, 0);         /* 4 */
    add_book("MANSFIELD", 2, 560, 4);           /* 5 */
    keg_qs *all = keg_qs_all(&shop_book);
    t_lazy_and_immutable(all);
    t_lookups(all);
    t_exclude_q_f(all);
    t_order_slice(all);
    t_get_update_delete(all);
    t_mistakes(all);
    keg_qs_free(all);
    keg_db_close(db);
    return done_testing();
}
