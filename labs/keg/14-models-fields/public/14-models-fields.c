/* 14-models-fields.c -- public tests of lab 14 on the models of Django's tutorial
 * (polls: Question, Choice): the CREATE TABLE Django writes, defaults and NULLs, save
 * as INSERT then UPDATE, get, delete, full_clean's messages and datetimes.
 * Run with `make test LAB=14`; debug with `gdb build/tests/14-models-fields`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "keg.h"

struct question {
    keg_obj obj;
    long long id;
    char *question_text;
    long long pub_date;
};

static const keg_field question_fields[] = {
    KEG_FIELD(struct question, id, KEG_AUTO),
    KEG_FIELD(struct question, question_text, KEG_CHAR, .max_length = 200,
              .flags = KEG_UNIQUE),
    KEG_FIELD(struct question, pub_date, KEG_DATETIME),
};
static const keg_model polls_question = KEG_MODEL(polls, question, struct question,
                                                   question_fields);

static const struct keg_choice moods[] = { { "up", "Up" }, { "down", "Down" }, { NULL, NULL } };

struct choice {
    keg_obj obj;
    long long id;
    char *choice_text;
    long long votes;
    long long question_id;
    char *mood;
};

static const keg_field choice_fields[] = {
    KEG_FIELD(struct choice, id, KEG_AUTO),
    KEG_FIELD(struct choice, choice_text, KEG_CHAR, .max_length = 5),
    KEG_FIELD(struct choice, votes, KEG_INTEGER, .flags = KEG_DEFAULT, .default_int = 0),
    KEG_FK_FIELD(struct choice, question, polls_question, KEG_CASCADE),
    KEG_FIELD(struct choice, mood, KEG_CHAR, .max_length = 4, .choices = moods,
              .flags = KEG_NULLABLE | KEG_BLANK),
};
static const keg_model polls_choice = KEG_MODEL(polls, choice, struct choice, choice_fields);

static void t_ddl(void)
{
    char *sql = keg_model_create_sql(&polls_question);
    is_str(sql, "CREATE TABLE \"polls_question\" (\"id\" integer NOT NULL PRIMARY KEY "
           "AUTOINCREMENT, \"question_text\" varchar(200) NOT NULL UNIQUE, \"pub_date\" "
           "datetime NOT NULL)", "Question's CREATE TABLE");
    free(sql);
    sql = keg_model_create_sql(&polls_choice);
    is_str(sql, "CREATE TABLE \"polls_choice\" (\"id\" integer NOT NULL PRIMARY KEY "
           "AUTOINCREMENT, \"choice_text\" varchar(5) NOT NULL, \"votes\" integer NOT NULL, "
           "\"question_id\" bigint NOT NULL REFERENCES \"polls_question\" (\"id\") "
           "DEFERRABLE INITIALLY DEFERRED, \"mood\" varchar(4) NULL)",
           "Choice's CREATE TABLE: a foreign key is a bigint REFERENCES");
    free(sql);
}

static void t_objects(keg_db *db)
{
    struct choice *c = keg_obj_new(&polls_choice);
    ok(c != NULL, "keg_obj_new");
    if (c == NULL)
        return;
    is_str(c->choice_text, "", "a string without default starts as \"\"");
    ok(c->mood == NULL, "a nullable string starts NULL");
    is_int(keg_obj_is_null(c, "mood"), 1, "keg_obj_is_null says so");
    is_int(keg_obj_set_null(c, "votes", 1), 0, "keg_obj_set_null on a number");
    is_int(keg_obj_is_null(c, "votes"), 1, "... sets its bit");
    ok((c->obj.nulls >> 2) & 1, "bit 2 for fields[2]");
    is_int(keg_obj_set_null(c, "choice_text", 1), KEG_EINVALID, "not on a string");
    is_int(keg_obj_set_text(c, "votes", "1"), KEG_EINVALID, "keg_obj_set_text not on a number");
    (void)db;
    keg_obj_free(c);
}

static void t_save_get_delete(keg_db *db)
{
    struct question *q = keg_obj_new(&polls_question);
    if (q == NULL) {
        ok(0, "keg_obj_new");
        return;
    }
    keg_obj_set_text(q, "question_text", "What's new?");
    q->pub_date = 1700000000;
    keg_db_queries_reset(db);
    is_int(keg_save(db, q), 0, "keg_save inserts");
    is_int(q->id, 1, "... and sets the id");
    is_int(keg_db_queries(db), 1, "... with one statement");
    keg_obj_set_text(q, "question_text", "What's up?");
    keg_db_queries_reset(db);
    is_int(keg_save(db, q), 0, "keg_save again updates");
    is_int(keg_db_queries(db), 1, "... with one UPDATE");
    long long n = 0;
    keg_db_query_int(db, "SELECT COUNT(*) FROM polls_question", NULL, 0, &n);
    is_int(n, 1, "still one row");

    struct question *dup = keg_obj_new(&polls_question);
    keg_obj_set_text(dup, "question_text", "What's up?");
    is_int(keg_save(db, dup), KEG_EINTEGRITY, "a UNIQUE clash is KEG_EINTEGRITY");
    is_int(dup->id, 0, "... the object unchanged");

    struct question *got = keg_obj_new(&polls_question);
    is_int(keg_get(db, &polls_question, 1, got), 0, "keg_get");
    is_str(got->question_text, "What's up?", "... loads the text");
    is_int(got->pub_date, 1700000000, "... and the datetime");
    is_int(keg_get(db, &polls_question, 99, got), KEG_ENOTFOUND, "a missing id");

    struct choice *c = keg_obj_new(&polls_choice);
    keg_obj_set_text(c, "choice_text", "Yes");
    c->question_id = 42;
    is_int(keg_save(db, c), KEG_EINTEGRITY, "a key to a missing question is refused");
    c->question_id = q->id;
    is_int(keg_save(db, c), 0, "a key to a real one is saved");

    is_int(keg_delete(db, q), KEG_EINTEGRITY, "the choice still points at it (lab 16 "
           "cascades)");
    is_int(keg_delete(db, c), 0, "keg_delete");
    is_int(c->id, 0, "... sets the id to 0");
    keg_obj_free(q);
    keg_obj_free(dup);
    keg_obj_free(got);
    keg_obj_free(c);
}

/* The message full_clean gave for `field`, or NULL. */
static const char *error_of(const vial_pairs *e, const char *field)
{
    return vial_pairs_get(e, field);
}

static void t_full_clean(keg_db *db)
{
    struct choice *c = keg_obj_new(&polls_choice);
    struct question *q = keg_obj_new(&polls_question);
    if (c == NULL || q == NULL) {
        ok(0, "keg_obj_new");
        keg_obj_free(c);
        keg_obj_free(q);
        return;
    }
    vial_pairs e;
    vial_pairs_init(&e);
    is_int(keg_full_clean(NULL, c, &e), KEG_EVALIDATION, "an empty choice_text is an error");
    is_str(error_of(&e, "choice_text"), "This field cannot be blank.", "... blank");
    ok(error_of(&e, "mood") == NULL, "a blank, nullable field may be NULL");
    vial_pairs_free(&e);

    keg_obj_set_text(c, "choice_text", "h\xc3\xa9llo");      /* 5 characters, 6 bytes */
    keg_obj_set_text(c, "mood", "meh");
    keg_full_clean(NULL, c, &e);
    ok(error_of(&e, "choice_text") == NULL, "max_length counts characters, not bytes");
    is_str(error_of(&e, "mood"), "Value 'meh' is not a valid choice.", "choices");
    vial_pairs_free(&e);

    keg_obj_set_text(c, "choice_text", "hello!");
    keg_obj_set_text(c, "mood", "up");
    keg_full_clean(NULL, c, &e);
    is_str(error_of(&e, "choice_text"),
           "Ensure this value has at most 5 characters (it has 6).", "max_length");
    vial_pairs_free(&e);

    keg_obj_set_text(c, "choice_text", "ab\xff");
    keg_full_clean(NULL, c, &e);
    is_str(error_of(&e, "choice_text"), "Enter valid UTF-8 text.", "invalid UTF-8");
    vial_pairs_free(&e);

    keg_obj_set_text(q, "question_text", "What's up?");
    keg_full_clean(db, q, &e);
    is_str(error_of(&e, "question_text"), "Question with this Question text already exists.",
           "unique, checked with a SELECT");
    vial_pairs_free(&e);
    keg_obj_set_text(q, "question_text", NULL);
    keg_full_clean(db, q, &e);
    is_str(error_of(&e, "question_text"), "This field cannot be null.", "null");
    vial_pairs_free(&e);
    keg_obj_free(c);
    keg_obj_free(q);
}

static void t_datetime(void)
{
    char buf[20];
    long long t = 0;
    is_int(keg_datetime_format(1700000000, buf), 0, "keg_datetime_format");
    is_str(buf, "2023-11-14 22:13:20", "... in UTC");
    is_int(keg_datetime_parse("2024-02-29 12:00:00.25", &t), 0, "keg_datetime_parse");
    is_int(t, 1709208000, "... a fraction is dropped");
    is_int(keg_datetime_parse("2023-02-29 12:00:00", &t), KEG_EINVALID, "no such day");
}

int main(void)
{
    char *err = NULL;
    keg_db *db = keg_db_open(":memory:", &err);
    if (db == NULL)
        BAIL_OUT("keg_db_open: %s", err ? err : "?");
    t_ddl();
    is_int(keg_create_table(db, &polls_question), 0, "keg_create_table Question");
    is_int(keg_create_table(db, &polls_choice), 0, "keg_create_table Choice");
    is_int(keg_db_table_exists(db, "polls_choice"), 1, "the table exists");
    long long n = 0;
    keg_db_query_int(db, "SELECT COUNT(*) FROM sqlite_schema WHERE name = "
                     "'polls_choice_question_id'", NULL, 0, &n);
    is_int(n, 1, "the foreign key's index exists");
    t_objects(db);
    t_save_get_delete(db);
    t_full_clean(db);
    t_datetime();
    keg_db_close(db);
    return done_testing();
}
