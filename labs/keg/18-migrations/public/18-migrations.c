/* 18-migrations.c -- public tests of lab 18 on the polls models of Django's tutorial:
 * the first migration and its SQL, migrate twice, a field added with a default (the
 * table rebuilt, rows kept), nothing to do, a refused NOT NULL field, a failing
 * migration rolled back, and a dependency cycle. Run with `make test LAB=18`; debug
 * with `gdb build/tests/18-migrations`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "keg.h"

struct question {
    keg_obj obj;
    long long id;
    char *question_text;
    long long votes;
};

static keg_field question_fields[] = {
    KEG_FIELD(struct question, id, KEG_AUTO),
    KEG_FIELD(struct question, question_text, KEG_CHAR, .max_length = 200),
    KEG_FIELD(struct question, votes, KEG_INTEGER, .flags = KEG_DEFAULT, .default_int = 0),
};
/* votes is hidden (nfields 2) until the second migration */
static keg_model polls_question = { .app = "polls", .name = "question",
                                    .table = "polls_question", .size = sizeof(struct question),
                                    .fields = question_fields, .nfields = 2 };

static char dir[64];

/* The text of dir/file, or "" (static buffer). */
static const char *slurp(const char *file)
{
    static char buf[4096];
    char path[200];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    FILE *f = fopen(path, "r");
    size_t n = f != NULL ? fread(buf, 1, sizeof buf - 1, f) : 0;
    buf[n] = '\0';
    if (f != NULL)
        fclose(f);
    return buf;
}

static void put(const char *file, const char *text)
{
    char path[200];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    FILE *f = fopen(path, "w");
    if (f != NULL) {
        fputs(text, f);
        fclose(f);
    }
}

static void drop(const char *file)
{
    char path[200];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    unlink(path);
}

static long long count(keg_db *db, const char *sql)
{
    long long n = -1;
    keg_db_query_int(db, sql, NULL, 0, &n);
    return n;
}

int main(void)
{
    char *written = NULL, *err = NULL;
    snprintf(dir, sizeof dir, "/tmp/keg18-XXXXXX");
    if (mkdtemp(dir) == NULL)
        BAIL_OUT("mkdtemp failed");
    keg_db *db = keg_db_open(":memory:", NULL);
    if (db == NULL)
        BAIL_OUT("keg_db_open failed (lab 13)");
    keg_register(&polls_question);

    is_int(keg_makemigrations(dir, "polls", &written, &err), 1, "the first migration");
    is_str(written, "0001_initial.mig", "is 0001_initial");
    is_str(slurp("0001_initial.mig"), "keg migration\ncreate_model question polls_question\n"
           "  field id auto\n  field question_text char max_length=200\n", "its text");
    free(written);
    written = NULL;
    is_int(keg_makemigrations(dir, "polls", &written, &err), 0, "no change: nothing written");
    ok(written == NULL, "and no name");

    char *sql = keg_sqlmigrate(dir, "polls", "0001_initial", &err);
    is_str(sql, "BEGIN;\n--\n-- Create model question\n--\nCREATE TABLE \"polls_question\" "
           "(\"id\" integer NOT NULL PRIMARY KEY AUTOINCREMENT, \"question_text\" "
           "varchar(200) NOT NULL);\nCOMMIT;\n", "sqlmigrate 0001_initial");
    free(sql);

    is_int(keg_migrate(db, dir, "polls", &err), 1, "migrate applies one migration");
    is_int(keg_migrate(db, dir, "polls", &err), 0, "migrate again applies none");
    is_int(count(db, "SELECT count(*) FROM keg_migrations WHERE app = 'polls' AND "
                 "name = '0001_initial'"), 1, "recorded in keg_migrations");
    keg_db_exec(db, "INSERT INTO polls_question (question_text) VALUES ('What''s new?')",
                NULL, 0);

    polls_question.nfields = 3;
    is_int(keg_makemigrations(dir, "polls", &written, &err), 1, "votes added");
    is_str(written, "0002_question_votes.mig", "named as Django names it");
    is_str(slurp("0002_question_votes.mig"), "keg migration\ndepends: 0001_initial\n"
           "add_field question votes integer default=0\n", "its text");
    free(written);
    sql = keg_sqlmigrate(dir, "polls", "0002_question_votes", &err);
    like(sql, "INSERT INTO \"new__polls_question\" (\"id\", \"question_text\", \"votes\") "
         "SELECT \"id\", \"question_text\", ? FROM \"polls_question\"; -- params: 0\n",
         "the table is rebuilt, the default bound");
    free(sql);
    is_int(keg_migrate(db, dir, "polls", &err), 1, "migrate applies it");
    is_int(count(db, "SELECT votes FROM polls_question WHERE question_text = 'What''s new?'"),
           0, "the row is kept and has the default");

    keg_db_exec(db, "INSERT INTO polls_question (question_text, votes) VALUES ('Why?', 1)", NULL, 0);
    put("0003_code.mig", "keg migration\ndepends: 0002_question_votes\n"
        "add_field question code integer unique default=5\n");
    is_int(keg_migrate(db, dir, "polls", &err), KEG_EINTEGRITY,
           "a migration that fails (two rows, one unique default)");
    is_str(err, "0003_code: UNIQUE constraint failed: new__polls_question.code",
           "says which and why");
    free(err);
    err = NULL;
    is_int(count(db, "SELECT count(*) FROM pragma_table_info('polls_question')"), 3,
           "the table is as it was");
    is_int(count(db, "SELECT count(*) FROM keg_migrations"), 2, "and it is not recorded");
    is_int(keg_atomic_depth(db), 0, "no transaction is left open");
    drop("0003_code.mig");

    question_fields[2].flags = 0;
    polls_question.nfields = 2;
    is_int(keg_makemigrations(dir, "polls", &written, &err), 1, "votes removed");
    is_str(written, "0003_remove_question_votes.mig", "remove_<model>_<field>");
    free(written);
    written = NULL;
    polls_question.nfields = 3;
    is_int(keg_makemigrations(dir, "polls", &written, &err), KEG_EINVALID,
           "adding NOT NULL votes without a default is refused");
    is_str(err, "Field 'votes' on model 'question' not migrated: it is impossible to add a "
           "non-nullable field without specifying a default.", "with Django's message");
    free(err);
    err = NULL;

    put("0005_a.mig", "keg migration\ndepends: 0006_b\n");
    put("0006_b.mig", "keg migration\ndepends: 0005_a\n");
    is_int(keg_migrate(db, dir, "polls", &err), KEG_EINVALID, "a cycle is refused");
    is_str(err, "circular dependency: polls.0005_a, polls.0006_b", "naming its migrations");
    free(err);

    keg_db_close(db);
    char cmd[100];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        diag("could not remove %s", dir);
    return done_testing();
}
