/* keg-te-common.c -- the data set and the rules of bench/keg.sh that both C servers
 * share (see keg-te.h): seeding the database, the ?queries= rule, the per-thread random
 * numbers and the fortunes' order. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "keg-te.h"

const char *const kte_fortunes[KTE_FORTUNES] = {
    "fortune: No such file or directory",
    "A computer scientist is someone who fixes things that aren't broken.",
    "After enough decimal places, nobody gives a damn.",
    "A bad random number generator: 1, 1, 1, 1, 1, 4.33e+67, 1, 1, 1",
    "A computer program does what you tell it to do, not what you want it to do.",
    "Emacs is a nice operating system, but I prefer UNIX. \xe2\x80\x94 Tom Christaensen",
    "Any program that runs right is obsolete.",
    "A list is only as strong as its weakest link. \xe2\x80\x94 Donald Knuth",
    "Feature: A bug with seniority.",
    "Computers make very fast, very accurate mistakes.",
    "<script>alert(\"This should not be displayed in a browser alert box.\");</script>",
    "\xe3\x83\x95\xe3\x83\xac\xe3\x83\xbc\xe3\x83\xa0\xe3\x83\xaf\xe3\x83\xbc\xe3\x82\xaf"
    "\xe3\x81\xae\xe3\x83\x99\xe3\x83\xb3\xe3\x83\x81\xe3\x83\x9e\xe3\x83\xbc\xe3\x82\xaf",
};

/* The schema as Django 5.2 writes it for these models (keg_create_table's text). */
static const char kte_schema[] =
    "PRAGMA journal_mode = WAL;"
    "CREATE TABLE \"bench_world\" (\"id\" integer NOT NULL PRIMARY KEY AUTOINCREMENT,"
    " \"randomnumber\" integer NOT NULL);"
    "CREATE TABLE \"bench_fortune\" (\"id\" integer NOT NULL PRIMARY KEY AUTOINCREMENT,"
    " \"message\" varchar(2048) NOT NULL);";

/* xorshift64*: small, good enough for picking rows, one state per thread. */
static uint64_t kte_next(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 2685821657736338717ULL;
}

/* Runs one prepared INSERT with two values. Returns 0 or -1. */
static int kte_insert(sqlite3_stmt *st, long long id, long long n, const char *text)
{
    sqlite3_bind_int64(st, 1, id);
    if (text != NULL)
        sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
    else
        sqlite3_bind_int64(st, 2, n);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

int kte_seed(const char *path)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *world = NULL, *fortune = NULL;
    int rc = sqlite3_open(path, &db) == SQLITE_OK
             && sqlite3_exec(db, kte_schema, NULL, NULL, NULL) == SQLITE_OK
             && sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK
             && sqlite3_prepare_v2(db, "INSERT INTO bench_world (id, randomnumber)"
                                   " VALUES (?, ?)", -1, &world, NULL) == SQLITE_OK
             && sqlite3_prepare_v2(db, "INSERT INTO bench_fortune (id, message)"
                                   " VALUES (?, ?)", -1, &fortune, NULL) == SQLITE_OK
             ? 0 : -1;
    uint64_t s = 20260613ULL;
    for (long long id = 1; rc == 0 && id <= KTE_WORLDS; id++)
        rc = kte_insert(world, id, (long long)(kte_next(&s) % KTE_WORLDS) + 1, NULL);
    for (int i = 0; rc == 0 && i < KTE_FORTUNES; i++)
        rc = kte_insert(fortune, i + 1, 0, kte_fortunes[i]);
    if (rc == 0 && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        rc = -1;
    if (rc != 0)
        fprintf(stderr, "keg-te: seeding %s: %s\n", path, db ? sqlite3_errmsg(db) : "?");
    sqlite3_finalize(world);
    sqlite3_finalize(fortune);
    sqlite3_close(db);
    return rc;
}

int kte_queries(const char *arg)
{
    if (arg == NULL || *arg < '0' || *arg > '9')
        return 1;
    char *end;
    long n = strtol(arg, &end, 10);
    if (*end != '\0')
        return 1;
    return n < 1 ? 1 : n > KTE_QUERIES_MAX ? KTE_QUERIES_MAX : (int)n;
}

int kte_random(void)
{
    static _Thread_local uint64_t state;
    if (state == 0) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        state = ((uint64_t)ts.tv_nsec << 20) ^ (uint64_t)(uintptr_t)&state ^ 0x9e3779b97f4a7c15ULL;
    }
    return (int)(kte_next(&state) % KTE_WORLDS) + 1;
}

static int kte_fortune_cmp(const void *a, const void *b)
{
    return strcmp(((const struct kte_fortune *)a)->message,
                  ((const struct kte_fortune *)b)->message);
}

void kte_fortunes_sort(struct kte_fortune *f, size_t n)
{
    qsort(f, n, sizeof *f, kte_fortune_cmp);
}
