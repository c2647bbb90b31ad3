/* tui-check.c -- runs `stacklab check LAB --format=tap` as a child process for the lab
 * screen, reads its output without blocking (so the screen keeps drawing a spinner), and
 * reads the TAP with tapread into a list of tests with their details, so the text report's
 * wording is free to change. */
#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tapread.h"
#include "term.h"
#include "tui.h"

#define TUI_CHECK_CAP (1024 * 1024)     /* output kept from the child */

static void tui_check_clear(struct tui_check *c)
{
    for (size_t i = 0; i < c->nresults; i++) {
        free(c->results[i].name);
        free(c->results[i].detail);
    }
    free(c->results);
    free(c->log);
    free(c->summary);
    c->results = NULL;
    c->nresults = 0;
    c->log = c->summary = NULL;
}

/* In the child: wire the pipe and run the program; never returns. */
static void tui_check_child(int wfd, const char *exe, const char *root, const char *lab_id)
{
    setpgid(0, 0);
    int null = open("/dev/null", O_RDONLY);
    if (null >= 0)
        dup2(null, 0);
    dup2(wfd, 1);
    dup2(wfd, 2);
    setenv("NO_COLOR", "1", 1);
    setenv("TERM", "dumb", 1);
    if (chdir(root) != 0)
        _exit(126);
    execl(exe, "stacklab", "check", lab_id, "--format=tap", (char *)NULL);
    dprintf(2, "cannot run %s: %s\n", exe, strerror(errno));
    _exit(127);
}

int tui_check_start(struct tui_check *c, const char *exe, const char *root,
                    const char *lab_id, char **cause)
{
    int fds[2];
    tui_check_free(c);
    if (pipe2(fds, O_CLOEXEC) != 0) {
        *cause = xasprintf("pipe: %s", strerror(errno));
        return -1;
    }
    pid_t pid = fork();
    if (pid < 0) {
        *cause = xasprintf("fork: %s", strerror(errno));
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (pid == 0)
        tui_check_child(fds[1], exe, root, lab_id);
    close(fds[1]);
    setpgid(pid, pid);      /* also here, so a kill never races the child's own call */
    fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK);
    c->pid = pid;
    c->fd = fds[0];
    c->running = 1;
    c->exit_code = -1;
    c->started = util_mono();
    sb_init(&c->out);
    return 0;
}

/* Reads what is there; closes fd at end of file. */
static void tui_check_drain(struct tui_check *c)
{
    char buf[4096];
    while (c->fd >= 0) {
        ssize_t n = read(c->fd, buf, sizeof buf);
        if (n > 0) {
            size_t room = c->out.len < TUI_CHECK_CAP ? TUI_CHECK_CAP - c->out.len : 0;
            sb_add(&c->out, buf, (size_t)n < room ? (size_t)n : room);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
            close(c->fd);
            c->fd = -1;
        }
        break;
    }
}

int tui_check_poll(struct tui_check *c)
{
    if (!c->running)
        return 1;
    tui_check_drain(c);
    int status;
    pid_t r = waitpid(c->pid, &status, WNOHANG);
    if (r == 0 || (r < 0 && errno == EINTR))
        return 0;
    tui_check_drain(c);     /* what it wrote just before exiting */
    if (c->fd >= 0) {
        close(c->fd);       /* a leftover grandchild must not keep us waiting */
        c->fd = -1;
    }
    c->exit_code = r > 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    c->pid = 0;
    c->running = 0;
    c->finished = util_mono();
    tui_check_parse(c, c->out.len > 0 ? c->out.buf : "", c->out.len);
    return 1;
}

void tui_check_free(struct tui_check *c)
{
    if (c->running && c->pid > 0) {
        kill(-c->pid, SIGTERM);
        double deadline = util_mono() + 2.0;
        while (waitpid(c->pid, NULL, WNOHANG) == 0) {
            if (util_mono() > deadline) {
                kill(-c->pid, SIGKILL);
                waitpid(c->pid, NULL, 0);
                break;
            }
            usleep(20000);
        }
    }
    if (c->fd >= 0)
        close(c->fd);
    tui_check_clear(c);
    if (c->out.buf != NULL)
        sb_free(&c->out);
    memset(c, 0, sizeof *c);
    c->fd = -1;
}

/* ---- reading the check's TAP (report_tap) ---------------------------------------------- */

/* "[01] name" for report_tap's "lab 01: name". */
static char *tui_check_name(const char *desc)
{
    size_t n = strncmp(desc, "lab ", 4) == 0 ? strspn(desc + 4, "0123456789") : 0;
    if (n > 0 && desc[4 + n] == ':' && desc[5 + n] == ' ')
        return xasprintf("[%.*s] %s", (int)n, desc + 4, desc + 6 + n);
    return xstrdup(desc);
}

/* Appends "key:" and the value, indented under it when it has several lines. */
static void tui_check_field(struct sb *sb, const char *key, const char *v)
{
    if (v == NULL)
        return;
    if (strchr(v, '\n') == NULL) {
        sb_printf(sb, "%-10s%s\n", key, v);
        return;
    }
    sb_printf(sb, "%s\n", key);
    for (const char *p = v; *p != '\0';) {
        size_t n = strcspn(p, "\n");
        sb_printf(sb, "  %.*s\n", (int)n, p);
        p += n + (p[n] == '\n');
    }
}

/* The details of a failed test, from its YAML block. */
static char *tui_check_detail(const struct tap_test *t)
{
    static const struct { const char *key; size_t off; } fields[] = {
        { "message:", offsetof(struct tap_test, message) },
        { "input:", offsetof(struct tap_test, input) },
        { "expected:", offsetof(struct tap_test, expected) },
        { "got:", offsetof(struct tap_test, got) },
        { "seed:", offsetof(struct tap_test, seed) },
        { "compiler:", offsetof(struct tap_test, compiler) },
        { "stderr:", offsetof(struct tap_test, output) },
        { "transcript:", offsetof(struct tap_test, transcript) },
    };
    struct sb sb;
    sb_init(&sb);
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        tui_check_field(&sb, fields[i].key, *(char *const *)((const char *)t + fields[i].off));
    return sb.len > 0 ? sb_steal(&sb) : (sb_free(&sb), NULL);
}

/* The last non-empty line of text, "# " dropped: the check's summary or its error. */
static char *tui_check_last_line(const char *text)
{
    const char *best = NULL, *end = NULL;
    for (const char *p = text; *p != '\0';) {
        const char *nl = strchr(p, '\n');
        const char *e = nl ? nl : p + strlen(p);
        if (e > p)
            best = p, end = e;
        p = nl ? nl + 1 : e;
    }
    if (best == NULL)
        return NULL;
    if (strncmp(best, "# ", 2) == 0)
        best += 2;
    return xstrndup(best, (size_t)(end - best));
}

/* Failures first, each group in the check's own order: the list opens on what to fix. */
static void tui_check_failures_first(struct tui_check *c)
{
    struct tui_result *sorted = xcalloc(c->nresults + 1, sizeof *sorted);
    size_t n = 0;
    for (int pass = 0; pass <= 1; pass++)
        for (size_t i = 0; i < c->nresults; i++)
            if (c->results[i].ok == pass)
                sorted[n++] = c->results[i];
    free(c->results);
    c->results = sorted;
}

void tui_check_parse(struct tui_check *c, const char *text, size_t len)
{
    tui_check_clear(c);
    /* Everything shown is escaped: the report escapes learner text already, and this
     * keeps anything else the child printed (a crash message) off the screen too. */
    struct sb safe;
    sb_init(&safe);
    term_escape_add(&safe, text, len);
    const char *all = safe.buf != NULL ? safe.buf : "";
    struct tap_report *r = tapread_parse(all, safe.len, 0);
    c->results = xcalloc(r->ntests + 1, sizeof *c->results);
    for (size_t i = 0; i < r->ntests; i++) {
        const struct tap_test *t = &r->tests[i];
        struct tui_result *res = &c->results[c->nresults++];
        res->name = tui_check_name(t->description);
        res->ok = t->ok || t->directive == TAP_DIR_TODO;
        res->detail = res->ok ? NULL : tui_check_detail(t);
    }
    tui_check_failures_first(c);
    c->log = xstrdup(all);
    c->summary = tui_check_last_line(all);
    tapread_free(r);
    sb_free(&safe);
}
