/* tui-check.c -- runs `stacklab check LAB` as a child process for the lab screen, reads
 * its output without blocking (so the screen keeps drawing a spinner), and parses the
 * plain-text result lines into a list of tests with their details. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

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
    execl(exe, "stacklab", "check", lab_id, (char *)NULL);
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

/* ---- parsing the plain-text report ------------------------------------------------- */

/* Prefixes that open a test line, with the verdict they give. */
static const struct { const char *prefix; int ok; } tui_check_marks[] = {
    { "not ok", 0 }, { "ok", 1 },
};

/* When line (after indentation) is a test line, returns its verdict and sets *name. */
static int tui_check_test_line(const char *line, const char **name)
{
    for (size_t i = 0; i < sizeof tui_check_marks / sizeof tui_check_marks[0]; i++) {
        size_t n = strlen(tui_check_marks[i].prefix);
        if (strncmp(line, tui_check_marks[i].prefix, n) != 0)
            continue;
        const char *s = line + n;
        if (*s != ' ' && *s != '\0' && *s != ':')
            continue;
        while (*s == ' ' || *s == ':')
            s++;
        while (*s >= '0' && *s <= '9')
            s++;
        while (*s == ' ' || *s == '-')
            s++;
        *name = s;
        return tui_check_marks[i].ok;
    }
    return -1;
}

static void tui_check_add(struct tui_check *c, const char *lab, const char *name, int ok)
{
    c->results = xrealloc(c->results, (c->nresults + 1) * sizeof *c->results);
    struct tui_result *t = &c->results[c->nresults++];
    t->name = lab[0] != '\0' ? xasprintf("[%s] %s", lab, name) : xstrdup(name);
    t->ok = ok;
    t->detail = NULL;
}

static void tui_check_append(char **dst, const char *s, size_t n)
{
    struct sb sb;
    sb_init(&sb);
    if (*dst != NULL)
        sb_puts(&sb, *dst);
    sb_add(&sb, s, n);
    sb_putc(&sb, '\n');
    free(*dst);
    *dst = sb_steal(&sb);
}

/* Where the parser stands: the lab whose tests follow, and the open test's indent. */
struct tui_check_pos {
    char lab[8];            /* from a "lab NN: title" line; "" before any */
    int in_test;
    size_t test_ind;
    size_t detail_ind;      /* indent of the open test's first detail line, stripped */
};

/* "lab NN: ..." at the start of a line names the lab whose tests follow. */
static void tui_check_lab_line(struct tui_check_pos *pos, const char *s)
{
    if (strncmp(s, "lab ", 4) != 0)
        return;
    size_t n = strspn(s + 4, "0123456789");
    if (n > 0 && n < sizeof pos->lab && s[4 + n] == ':') {
        memcpy(pos->lab, s + 4, n);
        pos->lab[n] = '\0';
    }
}

/* One line: a test, a detail of the test above it (indented deeper), or the log. Test
 * lines sit near the margin; deeper "ok" lines are quoted output, never tests. The line
 * is already escaped (tui_check_parse). */
static void tui_check_line(struct tui_check *c, const char *line, size_t n,
                           struct tui_check_pos *pos)
{
    char buf[1024];
    size_t k = n < sizeof buf - 1 ? n : sizeof buf - 1;
    memcpy(buf, line, k);
    buf[k] = '\0';
    size_t ind = strspn(buf, " \t");
    const char *name = "";
    int ok = tui_check_test_line(buf + ind, &name);
    int deeper = pos->in_test && ind > pos->test_ind && buf[ind] != '\0';
    if (ok >= 0 && ind <= 4 && !deeper) {
        tui_check_add(c, pos->lab, name, ok);
        pos->in_test = 1;
        pos->test_ind = ind;
        pos->detail_ind = 0;
    } else if (deeper) {
        if (pos->detail_ind == 0)
            pos->detail_ind = ind;
        size_t cut = ind < pos->detail_ind ? ind : pos->detail_ind;
        tui_check_append(&c->results[c->nresults - 1].detail, line + cut, n - cut);
    } else {
        pos->in_test = 0;
        if (ind == 0)
            tui_check_lab_line(pos, buf);
        if (n > 0 || c->log != NULL)
            tui_check_append(&c->log, line, n);
    }
    if (buf[ind] != '\0') {
        free(c->summary);
        c->summary = xstrdup(buf + ind);
    }
}

void tui_check_parse(struct tui_check *c, const char *text, size_t len)
{
    struct tui_check_pos pos;
    memset(&pos, 0, sizeof pos);
    tui_check_clear(c);
    size_t i = 0;
    while (i < len) {
        const char *nl = memchr(text + i, '\n', len - i);
        size_t n = nl != NULL ? (size_t)(nl - (text + i)) : len - i;
        size_t m = n;
        if (m > 0 && text[i + m - 1] == '\r')
            m--;
        /* The report escapes learner text already; escaping again changes nothing there
         * and keeps anything else the child printed (a crash message) off the screen. */
        struct sb safe;
        sb_init(&safe);
        term_escape_add(&safe, text + i, m);
        tui_check_line(c, safe.buf, safe.len, &pos);
        sb_free(&safe);
        i += n + 1;
    }
}
