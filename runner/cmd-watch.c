/* cmd-watch.c -- `stacklab watch [LAB] [--manual] [--max-checks N]`: checks once, then
 * again after every save in the workspace's framework and tests folders (inotify,
 * debounced), or on every Enter with --manual for file systems where inotify is
 * unreliable. Without LAB it follows the current lab, so a pass moves on to the next. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "bundle.h"
#include "cmd.h"
#include "grader.h"
#include "util.h"
#include "workspace.h"

extern const struct cmd_entry cmd_watch_entry;

#define WATCH_QUIET_MS 300      /* a burst of writes ends after this much quiet */

struct watch_opts {
    const char *lab;
    int manual;
    long max_checks;            /* 0: forever */
};

/* One check of the named lab or the current one; returns its exit code. */
static int cmd_watch_check(struct workspace *ws, const char *arg)
{
    char *cause = NULL;
    const struct lab *lab = grader_pick_lab(ws, arg, &cause);
    if (lab == NULL) {
        fprintf(stderr, "stacklab: %s\n", cause);
        free(cause);
        return EXIT_USAGE;
    }
    struct grader_opts o = { 0 };
    return grader_command(ws, lab, &o, stdout);
}

/* 1 when an inotify event names a source file (*.c, *.h). */
static int cmd_watch_relevant(const struct inotify_event *ev)
{
    size_t n = ev->len ? strlen(ev->name) : 0;
    return n > 2 && ev->name[0] != '.' && ev->name[n - 2] == '.'
        && (ev->name[n - 1] == 'c' || ev->name[n - 1] == 'h');
}

/* Reads pending events; returns 1 if one was relevant, 0 if none, -1 on error. */
static int cmd_watch_drain(int fd)
{
    char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
    ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0)
        return n < 0 && errno != EAGAIN && errno != EINTR ? -1 : 0;
    int hit = 0;
    for (char *p = buf; p < buf + n;) {
        const struct inotify_event *ev = (const struct inotify_event *)p;
        hit |= cmd_watch_relevant(ev);
        p += sizeof *ev + ev->len;
    }
    return hit;
}

/* Waits for a relevant change, then for WATCH_QUIET_MS without one. -1 on error. */
static int cmd_watch_wait(int fd)
{
    struct pollfd p = { .fd = fd, .events = POLLIN };
    int seen = 0;
    for (;;) {
        int r = poll(&p, 1, seen ? WATCH_QUIET_MS : -1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -1;
        if (r == 0)
            return 0;
        int d = cmd_watch_drain(fd);
        if (d < 0)
            return -1;
        seen |= d;
    }
}

/* Adds watches on the learner's folders of the course and on tests/. */
static int cmd_watch_add(int fd, struct workspace *ws)
{
    const uint32_t mask = IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE
                          | IN_DELETE;
    int added = 0;
    for (size_t i = 0; i < ws->course->nfolders; i++) {
        char *dir = workspace_path(ws, ws->course->folders[i].name);
        added += inotify_add_watch(fd, dir, mask) >= 0;
        free(dir);
    }
    char *tests = workspace_path(ws, "tests");
    added += inotify_add_watch(fd, tests, mask) >= 0;
    free(tests);
    return added;
}

static int cmd_watch_loop(struct workspace *ws, const struct watch_opts *o)
{
    int fd = -1;
    if (!o->manual) {
        fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        if (fd < 0 || cmd_watch_add(fd, ws) == 0) {
            fprintf(stderr, "stacklab: inotify is unavailable here (%s); use stacklab "
                    "watch --manual\n", strerror(errno));
            if (fd >= 0)
                close(fd);
            return EXIT_INTERNAL;
        }
    }
    int code = cmd_watch_check(ws, o->lab);
    char line[256];
    for (long n = 1; o->max_checks == 0 || n < o->max_checks; n++) {
        if (o->manual) {
            printf("\n-- press Enter to check again, q and Enter to stop --\n");
            fflush(stdout);
            if (fgets(line, sizeof line, stdin) == NULL || line[0] == 'q')
                break;
        } else if (printf("\n-- watching: save a file to check again (Ctrl-C stops) --\n"),
                   cmd_watch_wait(fd) < 0) {
            fprintf(stderr, "stacklab: watching failed: %s\n", strerror(errno));
            code = EXIT_INTERNAL;
            break;
        }
        code = cmd_watch_check(ws, o->lab);
    }
    if (fd >= 0)
        close(fd);
    return code;
}

/* [LAB] [--manual] [--max-checks N] into ctx->opts (struct watch_opts). */
static int cmd_watch_parse(struct cmd_ctx *ctx)
{
    struct watch_opts *o = ctx->opts;
    for (int i = 1; i < ctx->argc; i++) {
        char *end = NULL;
        const char *a = ctx->argv[i];
        if (strcmp(a, "--manual") == 0)
            o->manual = 1;
        else if (strcmp(a, "--max-checks") == 0 && i + 1 < ctx->argc
                 && (o->max_checks = strtol(ctx->argv[++i], &end, 10)) > 0 && *end == '\0')
            continue;
        else if (a[0] != '-' && o->lab == NULL)
            o->lab = a;
        else
            return -1;
    }
    return 0;
}

/* The lab is picked again for each check: passing moves the current lab on. */
static int cmd_watch_exec(struct cmd_ctx *ctx)
{
    int refused = bundle_refuse(ctx->ws->course, "watch", "grade with `stacklab submit`");
    if (refused != 0)
        return refused;
    setvbuf(stdout, NULL, _IOLBF, 0);
    return cmd_watch_loop(ctx->ws, ctx->opts);
}

const struct cmd_entry cmd_watch_entry = {
    .name = "watch", .usage = "[LAB] [--manual] [--max-checks N]",
    .summary = "check again on every save (--manual: on every Enter)",
    .needs = CMD_WORKSPACE, .opts_size = sizeof(struct watch_opts), .parse = cmd_watch_parse,
    .exec = cmd_watch_exec,
};
