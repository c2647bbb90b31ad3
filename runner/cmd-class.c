/* cmd-class.c -- `stacklab class ACTION ... --db URL`: what an instructor does to the class
 * server's database from the command line (docs/server.md):
 *   create NAME          a class; prints its enrolment code
 *   list                 the classes and their codes
 *   instructor NAME      an instructor account; prints its token (the dashboard's login)
 *   worker NAME          a grading machine; prints its token (stacklab worker --server)
 *   regrade LAB [--class NAME]   queues each learner's latest submission of LAB again,
 *                        behind interactive work (after a checker was fixed)
 * A token is printed once: the database keeps only its SHA-256. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "serve-token.h"
#include "servedb.h"
#include "util.h"

/* A name (class, instructor, machine): 1 to this many bytes, no control characters. */
#define CMD_CLASS_NAME_MAX 64

struct cmd_class_opts {
    const struct cmd_class_action *action;
    const char *arg, *db, *cls;
};

struct cmd_class_action {
    const char *name;
    int needs_arg;              /* 1: NAME or LAB follows */
    const char *what;           /* the argument's word in messages */
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

static int cmd_class_regrade(struct servedb *db, const struct cmd_class_opts *o)
{
    int64_t class_id = 0;
    if (o->cls != NULL) {
        struct servedb_class *c = NULL;
        size_t n = 0;
        if (servedb_classes(db, &c, &n) < 0) {
            fprintf(stderr, "stacklab class: %s\n", servedb_errmsg(db));
            return EXIT_INTERNAL;
        }
        for (size_t i = 0; i < n; i++)
            if (strcmp(c[i].name, o->cls) == 0)
                class_id = c[i].id;
        free(c);
        if (class_id == 0) {
            fprintf(stderr, "stacklab class: --class %s: no class of that name\n", o->cls);
            return EXIT_USAGE;
        }
    }
    int64_t n = servedb_regrade(db, o->arg, class_id, (int64_t)util_now());
    if (n < 0) {
        fprintf(stderr, "stacklab class: %s\n", servedb_errmsg(db));
        return EXIT_INTERNAL;
    }
    printf("%lld\n", (long long)n);
    fprintf(stderr, "lab %s: %lld submission%s queued for regrading behind learners' own\n",
            o->arg, (long long)n, n == 1 ? "" : "s");
    return EXIT_OK;
}

static const struct cmd_class_action cmd_class_actions[] = {
    { "create", 1, "class", cmd_class_create },
    { "list", 0, NULL, cmd_class_list },
    { "instructor", 1, "instructor", cmd_class_instructor },
    { "worker", 1, "grading machine", cmd_class_worker },
    { "regrade", 1, "lab", cmd_class_regrade },
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
        else if (a[0] != '-' && o->arg == NULL && o->action->needs_arg)
            o->arg = a;
        else
            return -1;
    }
    return o->db != NULL && (o->arg != NULL || !o->action->needs_arg) ? 0 : -1;
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
             "NAME]  --db URL",
    .summary = "the class server's classes, staff tokens and regrades",
    .opts_size = sizeof(struct cmd_class_opts), .parse = cmd_class_parse,
    .exec = cmd_class_exec,
};
