/* cmd-class.c -- `stacklab class ACTION ... --db URL`: what an instructor does to the class
 * server's database from the command line (docs/server.md):
 *   create NAME          a class; prints its enrolment code
 *   list                 the classes and their codes
 *   instructor NAME      an instructor account; prints its token (the dashboard's login)
 *   worker NAME          a grading machine; prints its token (stacklab worker --server)
 *   regrade LAB [--class NAME]   queues each learner's latest submission of LAB again,
 *                        behind interactive work (after a checker was fixed)
 *   deadline CLASS LAB WHEN      LAB's deadline in CLASS ("YYYY-MM-DD HH:MM", UTC; "none"
 *                        clears it): later submissions are graded and marked late
 * A token is printed once: the database keeps only its SHA-256. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "serve-token.h"
#include "servedb.h"
#include "util.h"

/* A name (class, instructor, machine): 1 to this many bytes, no control characters. */
#define CMD_CLASS_NAME_MAX 64

/* The most arguments an action takes (deadline's CLASS LAB WHEN). */
#define CMD_CLASS_ARGS 3

struct cmd_class_opts {
    const struct cmd_class_action *action;
    const char *arg, *db, *cls;
    const char *args[CMD_CLASS_ARGS];   /* arg is args[0] */
    int nargs;
};

struct cmd_class_action {
    const char *name;
    int needs_arg;              /* the arguments that follow: NAME, LAB, CLASS LAB WHEN */
    const char *what;           /* the first argument's word in messages */
    int (*run)(struct servedb *db, const struct cmd_class_opts *o);
};

static int cmd_class_create(struct servedb *db, const struct cmd_class_opts *o)
{
    char code[11];
    int rc = servedb_class_create(db, o->arg, code);
    if (rc == SERVEDB_OK) {
        printf("%s\n", code);
        fprintf(stderr, "class '%s' created: learners enrol with  stacklab login URL %s\n",
                o->arg, code);
        return EXIT_OK;
    }
    if (rc == SERVEDB_TAKEN) {
        fprintf(stderr, "stacklab class: a class named '%s' exists already\n", o->arg);
        return EXIT_USAGE;
    }
    fprintf(stderr, "stacklab class: %s\n", servedb_errmsg(db));
    return EXIT_INTERNAL;
}

static int cmd_class_list(struct servedb *db, const struct cmd_class_opts *o)
{
    (void)o;
    struct servedb_class *c = NULL;
    size_t n = 0;
    if (servedb_classes(db, &c, &n) < 0) {
        fprintf(stderr, "stacklab class: %s\n", servedb_errmsg(db));
        return EXIT_INTERNAL;
    }
    for (size_t i = 0; i < n; i++)
        printf("%s\t%s\n", c[i].code, c[i].name);
    if (n == 0)
        fprintf(stderr, "no class yet: stacklab class create NAME --db URL\n");
    free(c);
    return EXIT_OK;
}

/* Adds a staff member of kind and prints the token once. */
static int cmd_class_staff(struct servedb *db, const struct cmd_class_opts *o,
                           enum servedb_staff kind, const char *how)
{
    char token[TOKEN_HEX + 1], hash[TOKEN_HEX + 1];
    if (token_new(token) < 0 || token_hash(token, hash) < 0) {
        fprintf(stderr, "stacklab class: no random bytes for a token\n");
        return EXIT_INTERNAL;
    }
    int rc = servedb_staff_add(db, kind, o->arg, hash, (int64_t)util_now());
    if (rc == SERVEDB_OK) {
        printf("%s\n", token);
        fprintf(stderr, "%s '%s' added; keep the token above: it is shown once (%s)\n",
                o->action->what, o->arg, how);
        return EXIT_OK;
    }
    if (rc == SERVEDB_TAKEN) {
        fprintf(stderr, "stacklab class: %s '%s' exists already\n", o->action->what, o->arg);
        return EXIT_USAGE;
    }
    fprintf(stderr, "stacklab class: %s\n", servedb_errmsg(db));
    return EXIT_INTERNAL;
}

static int cmd_class_instructor(struct servedb *db, const struct cmd_class_opts *o)
{
    return cmd_class_staff(db, o, SERVEDB_INSTRUCTOR, "log in to the dashboard at URL/dash");
}

static int cmd_class_worker(struct servedb *db, const struct cmd_class_opts *o)
{
    return cmd_class_staff(db, o, SERVEDB_WORKER,
                           "stacklab worker --server URL with STACKLAB_WORKER_TOKEN set to it");
}

/* The id of class name into *id: EXIT_OK, or an exit code after saying why. */
static int cmd_class_find(struct servedb *db, const char *how, const char *name, int64_t *id)
{
    int rc = servedb_class_find(db, name, id);
    if (rc < 0) {
        fprintf(stderr, "stacklab class: %s\n", servedb_errmsg(db));
        return EXIT_INTERNAL;
    }
    if (rc == 0) {
        fprintf(stderr, "stacklab class: %s%s: no class of that name\n", how, name);
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

static int cmd_class_regrade(struct servedb *db, const struct cmd_class_opts *o)
{
    int64_t class_id = 0;
    int code = o->cls != NULL ? cmd_class_find(db, "--class ", o->cls, &class_id) : EXIT_OK;
    if (code != EXIT_OK)
        return code;
    int64_t n = servedb_regrade(db, o->arg, class_id);
    if (n < 0) {
        fprintf(stderr, "stacklab class: %s\n", servedb_errmsg(db));
        return EXIT_INTERNAL;
    }
    printf("%lld\n", (long long)n);
    fprintf(stderr, "lab %s: %lld submission%s queued for regrading behind learners' own\n",
            o->arg, (long long)n, n == 1 ? "" : "s");
    return EXIT_OK;
}

/* WHEN as seconds since the epoch: "YYYY-MM-DD HH:MM" (UTC; a T for the space will do)
 * that names a real minute, or "none" (-1). Returns 0, or -1 when it is neither. */
static int cmd_class_when(const char *when, int64_t *due)
{
    if (strcmp(when, "none") == 0) {
        *due = -1;
        return 0;
    }
    struct tm tm = { 0 };
    char sep = 0, end = 0;
    if (strlen(when) != 16 || sscanf(when, "%4d-%2d-%2d%c%2d:%2d%c", &tm.tm_year, &tm.tm_mon,
                                     &tm.tm_mday, &sep, &tm.tm_hour, &tm.tm_min, &end) != 6
        || (sep != ' ' && sep != 'T') || tm.tm_year < 1970 || tm.tm_year > 9999)
        return -1;
    struct tm want = tm;
    tm.tm_year -= 1900, tm.tm_mon -= 1;
    time_t t = timegm(&tm);
    struct tm back;
    if (t == (time_t)-1 || gmtime_r(&t, &back) == NULL || back.tm_year + 1900 != want.tm_year
        || back.tm_mon + 1 != want.tm_mon || back.tm_mday != want.tm_mday
        || back.tm_hour != want.tm_hour || back.tm_min != want.tm_min)
        return -1;          /* 2026-02-30, 25:00 ... */
    *due = (int64_t)t;
    return 0;
}

/* 1 when lab looks like a lab id: 1 to 31 characters of [A-Za-z0-9_-]. */
static int cmd_class_lab_ok(const char *lab)
{
    size_t n = strspn(lab, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-");
    return n > 0 && n < 32 && lab[n] == '\0';
}

static int cmd_class_deadline(struct servedb *db, const struct cmd_class_opts *o)
{
    const char *lab = o->args[1], *when = o->args[2];
    int64_t due, class_id;
    if (!cmd_class_lab_ok(lab)) {
        fprintf(stderr, "stacklab class: LAB '%s': not a lab id (as `stacklab list` shows "
                "them: 03)\n", lab);
        return EXIT_USAGE;
    }
    if (cmd_class_when(when, &due) < 0) {
        fprintf(stderr, "stacklab class: WHEN '%s': not \"YYYY-MM-DD HH:MM\" (UTC, one "
                "argument: quote it) nor \"none\"\n", when);
        return EXIT_USAGE;
    }
    int code = cmd_class_find(db, "CLASS ", o->arg, &class_id);
    if (code != EXIT_OK)
        return code;
    if (servedb_deadline_set(db, class_id, lab, due) < 0) {
        fprintf(stderr, "stacklab class: %s\n", servedb_errmsg(db));
        return EXIT_INTERNAL;
    }
    if (due < 0)
        fprintf(stderr, "class '%s': lab %s has no deadline now\n", o->arg, lab);
    else
        fprintf(stderr, "class '%s': lab %s is due %s UTC; a submission after it is graded "
                "and marked late\n", o->arg, lab, when);
    return EXIT_OK;
}

static const struct cmd_class_action cmd_class_actions[] = {
    { "create", 1, "class", cmd_class_create },
    { "list", 0, NULL, cmd_class_list },
    { "instructor", 1, "instructor", cmd_class_instructor },
    { "worker", 1, "grading machine", cmd_class_worker },
    { "regrade", 1, "lab", cmd_class_regrade },
    { "deadline", 3, "class", cmd_class_deadline },
};

static int cmd_class_parse(struct cmd_ctx *ctx)
{
    struct cmd_class_opts *o = ctx->opts;
    for (size_t i = 0; ctx->argc >= 2 && i < sizeof cmd_class_actions /
                                             sizeof *cmd_class_actions; i++)
        if (strcmp(ctx->argv[1], cmd_class_actions[i].name) == 0)
            o->action = &cmd_class_actions[i];
    if (o->action == NULL)
        return -1;
    for (int i = 2; i < ctx->argc; i++) {
        const char *a = ctx->argv[i];
        if (strcmp(a, "--db") == 0 && i + 1 < ctx->argc)
            o->db = ctx->argv[++i];
        else if (strcmp(a, "--class") == 0 && i + 1 < ctx->argc
                 && o->action->run == cmd_class_regrade)
            o->cls = ctx->argv[++i];
        else if (a[0] != '-' && o->nargs < o->action->needs_arg)
            o->args[o->nargs++] = a;
        else
            return -1;
    }
    o->arg = o->args[0];
    return o->db != NULL && o->nargs == o->action->needs_arg ? 0 : -1;
}

static int cmd_class_name_ok(const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f)
            return 0;
    return n > 0 && n <= CMD_CLASS_NAME_MAX;
}

static int cmd_class_exec(struct cmd_ctx *ctx)
{
    const struct cmd_class_opts *o = ctx->opts;
    if (o->arg != NULL && !cmd_class_name_ok(o->arg)) {
        fprintf(stderr, "stacklab class: %s: 1 to %d characters, none of them control "
                "characters\n", o->action->what, CMD_CLASS_NAME_MAX);
        return EXIT_USAGE;
    }
    char *cause = NULL;
    struct servedb *db = servedb_open(o->db, &cause);
    if (db == NULL) {
        fprintf(stderr, "stacklab class: %s\n", cause);
        free(cause);
        return EXIT_USAGE;
    }
    int code = o->action->run(db, o);
    servedb_close(db);
    return code;
}

const struct cmd_entry cmd_class_entry = {
    .name = "class",
    .usage = "create NAME | list | instructor NAME | worker NAME | regrade LAB [--class "
             "NAME] | deadline CLASS LAB \"YYYY-MM-DD HH:MM\"|none  --db URL",
    .summary = "the class server's classes, staff tokens, regrades and deadlines",
    .opts_size = sizeof(struct cmd_class_opts), .parse = cmd_class_parse,
    .exec = cmd_class_exec,
};
