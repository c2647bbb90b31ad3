/* cmd-class.c -- `stacklab class create NAME --db sqlite:PATH`: creates a class of the
 * class server and prints its enrolment code (docs/server.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "servedb.h"

/* A class's name: 1 to this many bytes, no control characters. */
#define CMD_CLASS_NAME_MAX 64

struct cmd_class_opts {
    const char *name, *db;
};

static int cmd_class_parse(struct cmd_ctx *ctx)
{
    struct cmd_class_opts *o = ctx->opts;
    if (ctx->argc < 2 || strcmp(ctx->argv[1], "create") != 0)
        return -1;
    for (int i = 2; i < ctx->argc; i++) {
        const char *a = ctx->argv[i];
        if (strcmp(a, "--db") == 0 && i + 1 < ctx->argc)
            o->db = ctx->argv[++i];
        else if (a[0] != '-' && o->name == NULL)
            o->name = a;
        else
            return -1;
    }
    return o->name != NULL && o->db != NULL ? 0 : -1;
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
    if (!cmd_class_name_ok(o->name)) {
        fprintf(stderr, "stacklab class: NAME: 1 to %d characters, none of them control "
                "characters\n", CMD_CLASS_NAME_MAX);
        return EXIT_USAGE;
    }
    char *cause = NULL, code[11];
    struct servedb *db = servedb_open(o->db, &cause);
    if (db == NULL) {
        fprintf(stderr, "stacklab class: %s\n", cause);
        free(cause);
        return EXIT_USAGE;
    }
    int rc = servedb_class_create(db, o->name, code);
    if (rc == SERVEDB_OK) {
        printf("%s\n", code);
        fprintf(stderr, "class '%s' created: learners enrol with  stacklab login URL %s\n",
                o->name, code);
    } else if (rc == SERVEDB_TAKEN) {
        fprintf(stderr, "stacklab class: a class named '%s' exists already\n", o->name);
    } else {
        fprintf(stderr, "stacklab class: %s\n", servedb_errmsg(db));
    }
    servedb_close(db);
    return rc == SERVEDB_OK ? EXIT_OK : rc == SERVEDB_TAKEN ? EXIT_USAGE : EXIT_INTERNAL;
}

const struct cmd_entry cmd_class_entry = {
    .name = "class", .usage = "create NAME --db sqlite:PATH",
    .summary = "create a class of the class server; prints its enrolment code",
    .opts_size = sizeof(struct cmd_class_opts), .parse = cmd_class_parse,
    .exec = cmd_class_exec,
};
