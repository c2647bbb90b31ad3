/* cmd-exam.c -- `stacklab exam [--seed N] [--practice] [--server] NAME`: starts or resumes
 * a sitting (--practice: one that is not recorded and not counted, for after the
 * attempts; --server, or a class course: the sitting kept on the class server,
 * client-exam.c). On a
 * terminal it opens the exam screen; otherwise (plain mode) it reads one answer per line
 * from standard input and prints the result and a review as plain text. End of input
 * submits only when this run gave an answer (so `</dev/null` or a stray `echo |` never
 * burns an attempt); a terminal is asked first; running out of time always submits. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bundle.h"
#include "client.h"
#include "cmd.h"
#include "course.h"
#include "exam.h"
#include "examrun.h"
#include "term.h"
#include "tui-exam.h"
#include "workspace.h"

#define EXAM_LINE_MAX 1024

extern const struct cmd_entry cmd_exam_entry;

/* A line reader on a descriptor that can wait with a deadline (stdio buffering would
 * hide buffered lines from poll). */
struct exam_lines {
    int fd;
    char buf[EXAM_LINE_MAX];
    size_t len;
    int eof;
    int overlong;       /* discarding the rest of a line longer than the buffer */
};

/* Takes one line out of the buffer into out; 1 when there was one. */
static int exam_lines_take(struct exam_lines *lr, char *out, size_t size)
{
    char *nl = memchr(lr->buf, '\n', lr->len);
    if (nl == NULL && !(lr->eof && lr->len > 0) && lr->len < sizeof lr->buf)
        return 0;
    size_t n = nl ? (size_t)(nl - lr->buf) : lr->len;
    size_t used = nl ? n + 1 : n;
    int skip = lr->overlong;
    lr->overlong = nl == NULL && !lr->eof;
    if (n > 0 && lr->buf[n - 1] == '\r')
        n--;
    size_t c = n < size - 1 ? n : size - 1;
    memcpy(out, lr->buf, c);
    out[c] = '\0';
    memmove(lr->buf, lr->buf + used, lr->len - used);
    lr->len -= used;
    return skip ? exam_lines_take(lr, out, size) : 1;
}

/* Reads a line, waiting no later than the sitting's deadline. Returns 1 with a line, 0 at end of input,
 * -1 when the time ran out. */
static int exam_lines_read(struct exam_lines *lr, char *out, size_t size, struct examrun *r)
{
    for (;;) {
        if (exam_lines_take(lr, out, size))
            return 1;
        if (lr->eof)
            return 0;
        int64_t left = examrun_remaining(r);
        if (left <= 0)
            return -1;
        struct pollfd p = { .fd = lr->fd, .events = POLLIN };
        int wait = left > 60 ? 60000 : (int)left * 1000;
        int n = poll(&p, 1, wait);
        if (n < 0 && errno != EINTR)
            return 0;
        if (n <= 0)
            continue;
        ssize_t got = read(lr->fd, lr->buf + lr->len, sizeof lr->buf - lr->len);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            lr->eof = 1;
        else
            lr->len += (size_t)got;
    }
}

/* ---- printing -------------------------------------------------------------------- */

static void exam_print_question(struct examrun *r, size_t i)
{
    const struct examrun_item *it = &r->items[i];
    char left[32];
    examrun_format_clock(left, sizeof left, examrun_remaining(r));
    printf("\nQuestion %zu of %zu [%s] -- %s (%s left)\n", i + 1, r->nitems,
           it->q->topic ? it->q->topic : "general", examrun_how(it->q->type), left);
    struct sb text;
    sb_init(&text);
    examrun_format_question(r, i, &text);
    fputs(text.buf, stdout);
    sb_free(&text);
    if (it->answer != NULL) {
        char shown[EXAM_MAX_OPTIONS + 1];
        examrun_shown(it, it->answer, shown, sizeof shown);
        printf("(your answer so far: %s; an empty line keeps it)\n",
               it->q->noptions ? shown : it->answer);
    }
    printf("answer> ");
    fflush(stdout);
}

static void exam_print_header(struct examrun *r)
{
    const struct exam *ex = r->ex;
    char left[32];
    examrun_format_clock(left, sizeof left, examrun_remaining(r));
    printf("%s (%s)\n%d questions, %d minutes, pass mark %d%%.", ex->title, ex->id, ex->draw,
           ex->minutes, ex->pass);
    if (r->practice)
        printf("\nPRACTICE sitting: not recorded, not counted as an attempt; an open "
               "sitting, if any, is left as it is.");
    else if (ex->attempts > 0)
        printf(" Sitting %d of %d.", r->used + 1, ex->attempts);
    printf("\n");
    if (r->resumed)
        printf("Resuming your open sitting: %s left.%s\n", left, r->seed_ignored ?
               " (--seed ignored: an open sitting keeps its own draw.)" : "");
    else if (r->remote != NULL)
        printf("The clock has started on the class server: %s left.\n", left);
    else
        printf("The clock has started: %s left. Seed %llu.\n", left,
               (unsigned long long)r->sitting.seed);
    printf("Answer each question on one line: a letter, letters for multiple choice, or "
           "text.\nAn empty line skips a question; the end of input submits once you have "
           "answered one.\n");
}

static void exam_print_result(const struct examrun *r)
{
    struct sb text;
    sb_init(&text);
    examrun_format_result(r, &text);
    printf("\n%s", text.buf);
    sb_free(&text);
}

/* ---- the plain sitting ----------------------------------------------------------- */

/* Asks item i until it gets a valid answer; counts a non-empty one in *given. Returns 1
 * to go on, 0 at end of input, -1 when the time ran out, -2 on a store error. */
static int exam_ask(struct examrun *r, struct exam_lines *lr, size_t i, int *given)
{
    char line[EXAM_LINE_MAX];
    for (;;) {
        exam_print_question(r, i);
        int got = exam_lines_read(lr, line, sizeof line, r);
        if (got <= 0) {
            printf("\n");
            return got;
        }
        if (line[0] == '\0' && r->items[i].answer != NULL)
            return 1;
        char *cause = NULL;
        int rc = examrun_answer(r, i, line, &cause);
        if (rc == -1) {
            printf("%s\n", cause);
            free(cause);
            continue;
        }
        *given += rc == 0 && line[0] != '\0';
        return rc == 0 ? 1 : rc == 1 ? -1 : -2;
    }
}

/* Whether to submit an open sitting now that the questions (or the input) ran out. A
 * terminal is asked; a pipe submits only when this run gave an answer, so end of input
 * alone never spends an attempt. */
static int exam_want_submit(struct examrun *r, struct exam_lines *lr, int given)
{
    if (r->practice)
        return 1;       /* nothing to spend, and nothing kept to resume */
    if (!isatty(lr->fd))
        return given > 0;
    lr->eof = 0;        /* Ctrl-D ends one read on a terminal, not the terminal */
    printf("%zu of %zu questions unanswered. Submit now? [y/N] ", examrun_unanswered(r),
           r->nitems);
    fflush(stdout);
    char line[EXAM_LINE_MAX];
    int got = exam_lines_read(lr, line, sizeof line, r);
    return got == 1 && (strcmp(line, "y") == 0 || strcmp(line, "yes") == 0);
}

/* Leaves the sitting open and says so. Returns EXIT_OPEN. */
static int exam_leave_open(struct examrun *r)
{
    char left[32];
    examrun_format_clock(left, sizeof left, examrun_remaining(r));
    printf("\nNothing was submitted: the sitting stays open (%zu of %zu questions "
           "unanswered, %s left; the clock keeps running).\nRun 'stacklab exam %s' to go "
           "on; the end of input submits once you have answered a question.\n",
           examrun_unanswered(r), r->nitems, left, r->ex->id);
    if (r->remote != NULL)
        printf("The class server keeps the sitting and its clock; '--server' reaches it "
               "from a full course.\n");
    return EXIT_OPEN;
}

static int exam_plain(struct examrun *r)
{
    exam_print_header(r);
    struct exam_lines lr = { .fd = STDIN_FILENO };
    int given = 0, rc = 1;
    for (size_t i = 0; i < r->nitems && !r->submitted && rc > 0; i++) {
        rc = exam_ask(r, &lr, i, &given);
        if (rc == -2) {
            fprintf(stderr, "stacklab exam: cannot save the answer: %s\n",
                    examrun_errmsg(r));
            return EXIT_INTERNAL;
        }
    }
    int done = examrun_tick(r);
    if (done == 0 && !exam_want_submit(r, &lr, given) && (done = examrun_tick(r)) == 0)
        return exam_leave_open(r);
    if (done < 0 || examrun_submit(r) < 0) {
        fprintf(stderr, "stacklab exam: cannot record the sitting: %s\n", examrun_errmsg(r));
        return EXIT_INTERNAL;
    }
    exam_print_result(r);
    return r->passed ? EXIT_OK : EXIT_FAILED;
}

/* ---- the command ----------------------------------------------------------------- */

struct exam_args {
    const char *name;
    struct examrun_opts opts;
    int server;         /* --server */
};

static int exam_parse_seed(const char *s, struct exam_args *a)
{
    uint64_t v;
    if (util_parse_seed(s, &v) < 0) {
        fprintf(stderr, "stacklab exam: --seed takes a number from 0 to %llu, not '%s'\n",
                (unsigned long long)UTIL_SEED_MAX, s);
        return -1;
    }
    a->opts.seed = v;
    a->opts.has_seed = 1;
    return 0;
}

static int exam_parse_args(int argc, char **argv, struct exam_args *a)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc) {
            if (exam_parse_seed(argv[++i], a) < 0)
                return -1;
        } else if (strcmp(argv[i], "--practice") == 0) {
            a->opts.practice = 1;
        } else if (strcmp(argv[i], "--server") == 0) {
            a->server = 1;
        } else if (strncmp(argv[i], "--seed=", 7) == 0) {
            if (exam_parse_seed(argv[i] + 7, a) < 0)
                return -1;
        } else if (argv[i][0] == '-' || a->name != NULL)
            return -1;
        else
            a->name = argv[i];
    }
    return a->name ? 0 : -1;
}

/* The exam named `name` (with or without .exam): the course's own when it has it, else
 * read from the course's exams folder into *owned (caller frees). NULL after printing
 * why. */
static const struct exam *exam_find(const struct course *c, const char *name,
                                    struct exam **owned)
{
    size_t n = strlen(name);
    if (n > 5 && strcmp(name + n - 5, ".exam") == 0)
        n -= 5;
    for (size_t i = 0; i < c->nexams; i++)
        if (strlen(exam_id(c->exams[i])) == n && strncmp(exam_id(c->exams[i]), name, n) == 0)
            return c->exams[i];
    char *path = xasprintf("%s/exams/%.*s.exam", c->root, (int)n, name);
    if (!util_is_file(path)) {
        fprintf(stderr, "stacklab exam: no exam '%.*s' in %s/exams\n", (int)n, name, c->root);
        free(path);
        return NULL;
    }
    struct sb errors;
    sb_init(&errors);
    *owned = exam_load(path, &errors);
    if (*owned == NULL)
        fputs(errors.buf, stderr);
    sb_free(&errors);
    free(path);
    return *owned;
}

static int exam_sit(struct workspace *ws, const struct exam *ex, const struct examrun_opts *o)
{
    if (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO))
        return tui_exam_sit(ws, ex, o);
    char *cause = NULL;
    int user_fault = 0;
    struct examrun *r = examrun_begin(ex, ws->store, o, &cause, &user_fault);
    if (r == NULL) {
        fprintf(stderr, "stacklab exam: %s\n", cause);
        free(cause);
        return exit_for_fault(user_fault);
    }
    int rc = exam_plain(r);
    examrun_free(r);
    return rc;
}

static int cmd_exam_parse(struct cmd_ctx *ctx)
{
    return exam_parse_args(ctx->argc, ctx->argv, ctx->opts);
}

/* A sitting kept on the class server the learner logged in to. */
static int exam_remote(const struct exam_args *a, int class_course)
{
    if (a->opts.has_seed || a->opts.practice) {
        fprintf(stderr, "stacklab exam: %s does not go with a class server's exam: the "
                "server draws the questions, and every sitting there counts\n",
                a->opts.practice ? "--practice" : "--seed");
        return EXIT_USAGE;
    }
    struct client_server s;
    char *cause = NULL;
    int user_fault = 1;
    if (client_server_load(&s, &cause) != 0) {
        fprintf(stderr, "stacklab exam: %s%s\n", class_course ? "a class course: its exams "
                "are sat on the class server: " : "", cause);
        free(cause);
        return EXIT_USAGE;
    }
    size_t n = strlen(a->name);
    char *name = xstrndup(a->name, n > 5 && strcmp(a->name + n - 5, ".exam") == 0 ? n - 5 : n);
    struct client_exam *ce = NULL;
    int code;
    if (client_exam_begin(&s, name, &ce, &cause, &user_fault) < 0) {
        char *shown = term_escape_controls(cause);
        fprintf(stderr, "stacklab exam: %s\n", shown);
        free(shown);
        code = exit_for_fault(user_fault);
    } else if (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO))
        code = tui_exam_sit_run(client_exam_run(ce));
    else
        code = exam_plain(client_exam_run(ce));
    if (code == EXIT_INTERNAL && ce != NULL && !client_exam_run(ce)->submitted)
        fprintf(stderr, "The class server keeps every answer it acknowledged and the "
                "sitting's clock: 'stacklab exam %s%s' resumes it.\n", name,
                a->server ? " --server" : "");
    free(cause);
    free(name);
    client_exam_free(ce);
    client_server_free(&s);
    return code;
}

static int cmd_exam_exec(struct cmd_ctx *ctx)
{
    struct exam_args *a = ctx->opts;
    struct exam *owned = NULL;
    if (a->server || ctx->ws->course->bundle_upto > 0)
        return exam_remote(a, ctx->ws->course->bundle_upto > 0);
    const struct exam *ex = exam_find(ctx->ws->course, a->name, &owned);
    int rc = ex ? exam_sit(ctx->ws, ex, &a->opts) : EXIT_USAGE;
    exam_free(owned);
    return rc;
}

const struct cmd_entry cmd_exam_entry = {
    .name = "exam",
    .usage = "[--seed N] [--practice] [--server] NAME",
    .summary = "take a timed exam (answers from stdin when not on a terminal); --practice: "
               "not recorded; --server: the class server's",
    .needs = CMD_WORKSPACE,
    .opts_size = sizeof(struct exam_args),
    .parse = cmd_exam_parse,
    .exec = cmd_exam_exec,
};
