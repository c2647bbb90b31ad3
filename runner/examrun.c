/* examrun.c -- a sitting: draws questions per topic and shuffles options from a 64-bit
 * seed (splitmix64, so a seed reproduces the sitting exactly), keeps answers in the
 * store as they are given, and scores on submit. The clock is a function so tests can
 * move time. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "examrun.h"

/* ---- the generator -------------------------------------------------------------- */

static uint64_t examrun_next(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Uniform in [0, n), n > 0, without modulo bias. */
static size_t examrun_below(uint64_t *state, size_t n)
{
    uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t x;
    do
        x = examrun_next(state);
    while (x >= limit);
    return (size_t)(x % n);
}

static uint64_t examrun_fresh_seed(void)
{
    uint64_t s;
    if (getrandom(&s, sizeof s, 0) == (ssize_t)sizeof s)
        return s;
    return (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
}

static int64_t examrun_wall(void *ctx)
{
    (void)ctx;
    return (int64_t)time(NULL);
}

/* ---- the draw ------------------------------------------------------------------- */

/* Picks `count` of the questions of `topic` (NULL: any) into items at *n. */
static void examrun_pick(struct examrun *r, uint64_t *state, const char *topic, int count)
{
    const struct exam *ex = r->ex;
    size_t *pool = xmalloc(ex->nquestions * sizeof *pool);
    size_t np = 0;
    for (size_t i = 0; i < ex->nquestions; i++)
        if (topic == NULL || strcmp(ex->questions[i].topic, topic) == 0)
            pool[np++] = i;
    for (int k = 0; k < count && np > 0; k++) {
        size_t j = examrun_below(state, np);
        r->items[r->nitems++].q = &ex->questions[pool[j]];
        pool[j] = pool[--np];
    }
    free(pool);
}

static void examrun_shuffle_options(struct examrun_item *it, uint64_t *state)
{
    size_t n = it->q->noptions;
    for (size_t i = 0; i < EXAM_MAX_OPTIONS; i++)
        it->order[i] = (unsigned char)i;
    if (!it->q->shuffle)
        return;
    for (size_t i = n; i > 1; i--) {
        size_t j = examrun_below(state, i);
        unsigned char t = it->order[i - 1];
        it->order[i - 1] = it->order[j];
        it->order[j] = t;
    }
}

/* Draws per topic, then shuffles the order of the items and of each item's options. */
static void examrun_draw(struct examrun *r, uint64_t seed)
{
    const struct exam *ex = r->ex;
    uint64_t state = seed;
    r->items = xcalloc((size_t)ex->draw, sizeof *r->items);
    r->nitems = 0;
    if (ex->ntopics == 0)
        examrun_pick(r, &state, NULL, ex->draw);
    for (size_t t = 0; t < ex->ntopics; t++)
        examrun_pick(r, &state, ex->topics[t].name, ex->topics[t].count);
    for (size_t i = r->nitems; i > 1; i--) {
        size_t j = examrun_below(&state, i);
        struct examrun_item tmp = r->items[i - 1];
        r->items[i - 1] = r->items[j];
        r->items[j] = tmp;
    }
    for (size_t i = 0; i < r->nitems; i++)
        examrun_shuffle_options(&r->items[i], &state);
}

/* ---- starting and resuming ------------------------------------------------------ */

static void examrun_load_answers(struct examrun *r)
{
    for (size_t i = 0; i < r->nitems; i++) {
        int flagged = 0;
        char *a = store_sitting_get_answer(r->st, r->sitting.id, r->items[i].q->id, &flagged);
        if (a != NULL && a[0] == '\0') {
            free(a);
            a = NULL;
        }
        r->items[i].answer = a;
        r->items[i].flagged = flagged;
    }
}

static char *examrun_store_cause(struct examrun *r, const char *what)
{
    return xasprintf("%s: %s", what, store_errmsg(r->st));
}

/* Finds an open sitting or starts one; returns 0, or -1 with *cause and *user_fault. */
static int examrun_open_sitting(struct examrun *r, const struct examrun_opts *o,
                                char **cause, int *user_fault)
{
    const struct exam *ex = r->ex;
    *user_fault = 0;
    int found = store_sitting_open(r->st, ex->id, &r->sitting);
    if (found < 0) {
        *cause = examrun_store_cause(r, "cannot read the sittings");
        return -1;
    }
    r->used = store_sitting_count(r->st, ex->id);
    if (r->used < 0) {
        *cause = examrun_store_cause(r, "cannot count the sittings");
        return -1;
    }
    if (found) {
        r->resumed = 1;
        r->seed_ignored = o->has_seed && o->seed != r->sitting.seed;
        return 0;
    }
    if (ex->attempts > 0 && r->used >= ex->attempts) {
        *cause = xasprintf("no attempts left at exam '%s': %d of %d sittings used "
                           "('stacklab exam %s --practice' sits one that is not recorded)",
                           ex->id, r->used, ex->attempts, ex->id);
        *user_fault = 1;
        return -1;
    }
    r->sitting.seed = o->has_seed ? o->seed : examrun_fresh_seed();
    if (store_sitting_start(r->st, &r->sitting) < 0) {
        *cause = examrun_store_cause(r, "cannot start the sitting");
        return -1;
    }
    return 0;
}

struct examrun *examrun_begin(const struct exam *ex, struct store *st,
                              const struct examrun_opts *opts, char **cause,
                              int *user_fault)
{
    static const struct examrun_opts none;
    const struct examrun_opts *o = opts ? opts : &none;
    struct examrun *r = xcalloc(1, sizeof *r);
    r->ex = ex;
    r->practice = o->practice;
    r->st = st = o->practice ? NULL : st;
    r->clock = o->clock ? o->clock : examrun_wall;
    r->clock_ctx = o->clock_ctx;
    snprintf(r->sitting.exam, sizeof r->sitting.exam, "%s", ex->id);
    r->sitting.started = examrun_now(r);
    r->sitting.deadline = r->sitting.started + (int64_t)ex->minutes * 60;
    r->sitting.seed = o->has_seed ? o->seed : examrun_fresh_seed();
    if (st != NULL && examrun_open_sitting(r, o, cause, user_fault) < 0) {
        free(r);
        return NULL;
    }
    examrun_draw(r, r->sitting.seed);
    if (r->resumed)
        examrun_load_answers(r);
    if (examrun_tick(r) < 0) {
        *cause = examrun_store_cause(r, "cannot submit the sitting");
        *user_fault = 0;
        examrun_free(r);
        return NULL;
    }
    return r;
}

struct examrun *examrun_restore(const struct exam *ex, const struct store_sitting *s,
                                int64_t (*clock)(void *ctx), void *clock_ctx)
{
    struct examrun *r = xcalloc(1, sizeof *r);
    r->ex = ex;
    r->clock = clock ? clock : examrun_wall;
    r->clock_ctx = clock_ctx;
    r->sitting = *s;
    r->sitting.submitted = 0;
    examrun_draw(r, s->seed);
    return r;
}

struct examrun *examrun_remote_new(const struct exam *ex, const struct store_sitting *s,
                                   const struct examrun_remote *remote)
{
    struct examrun *r = xcalloc(1, sizeof *r);
    r->ex = ex;
    r->clock = examrun_wall;
    r->remote = remote;
    r->sitting = *s;
    r->items = xcalloc(ex->nquestions ? ex->nquestions : 1, sizeof *r->items);
    r->nitems = ex->nquestions;
    for (size_t i = 0; i < r->nitems; i++) {
        r->items[i].q = &ex->questions[i];
        for (size_t k = 0; k < EXAM_MAX_OPTIONS; k++)
            r->items[i].order[k] = (unsigned char)k;
    }
    return r;
}

const char *examrun_errmsg(const struct examrun *r)
{
    if (r->remote != NULL)
        return r->remote_err;
    return r->st != NULL ? store_errmsg(r->st) : "no store";
}

void examrun_free(struct examrun *r)
{
    if (r == NULL)
        return;
    for (size_t i = 0; i < r->nitems; i++)
        free(r->items[i].answer);
    free(r->items);
    free(r);
}

/* ---- the clock ------------------------------------------------------------------ */

int64_t examrun_now(const struct examrun *r)
{
    return r->clock(r->clock_ctx);
}

int64_t examrun_remaining(const struct examrun *r)
{
    int64_t left = r->sitting.deadline - examrun_now(r);
    return left > 0 ? left : 0;
}

int examrun_tick(struct examrun *r)
{
    if (r->submitted)
        return 1;
    if (examrun_remaining(r) > 0)
        return 0;
    r->expired = 1;
    return examrun_submit(r) < 0 ? -1 : 1;
}

/* ---- answers -------------------------------------------------------------------- */

/* Trims and collapses runs of white space into one space. Caller frees. */
static char *examrun_squeeze(const char *s)
{
    struct sb sb;
    sb_init(&sb);
    int space = 0;
    for (; *s; s++) {
        if (isspace((unsigned char)*s)) {
            space = sb.len > 0;
            continue;
        }
        if (space)
            sb_putc(&sb, ' ');
        space = 0;
        sb_putc(&sb, *s);
    }
    return sb_steal(&sb);
}

static char *examrun_parse_choice(const struct examrun_item *it, const char *input,
                                  char **cause)
{
    const struct exam_question *q = it->q;
    int picked[EXAM_MAX_OPTIONS] = { 0 };
    size_t n = 0;
    for (const char *c = input; *c; c++) {
        if (isspace((unsigned char)*c) || *c == ',')
            continue;
        int l = tolower((unsigned char)*c);
        if (l < 'a' || (size_t)(l - 'a') >= q->noptions) {
            *cause = xasprintf("'%c' is not an option: answer with letters a to %c", *c,
                               (int)('a' + q->noptions - 1));
            return NULL;
        }
        size_t opt = it->order[l - 'a'];
        n += !picked[opt];
        picked[opt] = 1;
    }
    if (q->type == EXAM_SINGLE && n > 1) {
        *cause = xstrdup("this question takes one letter");
        return NULL;
    }
    char out[EXAM_MAX_OPTIONS + 1];
    size_t k = 0;
    for (size_t i = 0; i < q->noptions; i++)
        if (picked[i])
            out[k++] = (char)('a' + i);
    return xstrndup(out, k);
}

char *examrun_parse(const struct examrun_item *it, const char *input, char **cause)
{
    if (it->q->type == EXAM_SINGLE || it->q->type == EXAM_MULTIPLE)
        return examrun_parse_choice(it, input, cause);
    char *s = examrun_squeeze(input);
    if (strlen(s) > EXAMRUN_ANSWER_MAX) {
        free(s);
        *cause = xasprintf("answers are at most %d characters", EXAMRUN_ANSWER_MAX);
        return NULL;
    }
    return s;
}

void examrun_shown(const struct examrun_item *it, const char *canonical, char *buf,
                   size_t size)
{
    size_t k = 0;
    for (size_t shown = 0; shown < it->q->noptions && k + 1 < size; shown++)
        if (canonical != NULL && strchr(canonical, 'a' + it->order[shown]) != NULL)
            buf[k++] = (char)('a' + shown);
    if (size > 0)
        buf[k] = '\0';
}

/* 0 saved, -2 a store or server error, 1 the server says the time is up (the sitting is
 * then submitted here too). */
static int examrun_save(struct examrun *r, size_t i)
{
    const struct examrun_item *it = &r->items[i];
    if (r->remote != NULL) {
        int rc = r->remote->save(r, i);
        if (rc == 1) {
            r->expired = 1;
            return examrun_submit(r) < 0 ? -2 : 1;
        }
        return rc < 0 ? -2 : 0;
    }
    if (r->st == NULL)
        return 0;
    return store_sitting_answer(r->st, r->sitting.id, it->q->id,
                                it->answer ? it->answer : "", it->flagged) < 0 ? -2 : 0;
}

int examrun_answer(struct examrun *r, size_t i, const char *input, char **cause)
{
    int t = examrun_tick(r);
    if (t != 0)
        return t < 0 ? -2 : 1;
    char *a = examrun_parse(&r->items[i], input, cause);
    if (a == NULL)
        return -1;
    char *before = r->items[i].answer;
    r->items[i].answer = a[0] ? a : NULL;
    if (a[0] == '\0')
        free(a);
    int rc = examrun_save(r, i);
    if (rc == -2 && !r->submitted) {     /* not kept: the answer shown stays the kept one */
        free(r->items[i].answer);
        r->items[i].answer = before;
        return rc;
    }
    free(before);
    return rc;
}

int examrun_flag(struct examrun *r, size_t i, int flagged)
{
    r->items[i].flagged = flagged != 0;
    return examrun_save(r, i) < 0 ? -2 : 0;
}

size_t examrun_unanswered(const struct examrun *r)
{
    size_t n = 0;
    for (size_t i = 0; i < r->nitems; i++)
        n += r->items[i].answer == NULL;
    return n;
}

/* ---- scoring -------------------------------------------------------------------- */

static double examrun_score_multiple(const struct exam_question *q, const char *answer)
{
    int right = 0, wrong = 0;
    for (const char *c = answer; *c; c++) {
        if (strchr(q->key, *c) != NULL)
            right++;
        else
            wrong++;
    }
    double f = (double)(right - wrong) / (double)strlen(q->key);
    return f > 0 ? f : 0;
}

static double examrun_score_exact(const struct exam_question *q, const char *answer)
{
    char *a = examrun_squeeze(answer);
    int ok = 0;
    for (size_t i = 0; i < q->naccept && !ok; i++) {
        char *k = examrun_squeeze(q->accept[i]);
        ok = strcasecmp(a, k) == 0;
        free(k);
    }
    free(a);
    return ok;
}

double examrun_score_answer(const struct exam_question *q, const char *answer)
{
    if (answer == NULL || answer[0] == '\0')
        return 0;
    switch (q->type) {
    case EXAM_SINGLE:
        return strcmp(answer, q->key) == 0;
    case EXAM_MULTIPLE:
        return examrun_score_multiple(q, answer);
    case EXAM_EXACT:
        return examrun_score_exact(q, answer);
    case EXAM_PATTERN: {
        char *a = examrun_squeeze(answer);
        int ok = regexec(&q->re, a, 0, NULL, 0) == 0;
        free(a);
        return ok;
    }
    }
    return 0;
}

void examrun_topic(const struct examrun *r, const char *topic, double *earned, double *max)
{
    *earned = *max = 0;
    for (size_t i = 0; i < r->nitems; i++) {
        const struct examrun_item *it = &r->items[i];
        if (topic != NULL && (it->q->topic == NULL || strcmp(it->q->topic, topic) != 0))
            continue;
        *earned += it->earned;
        *max += it->q->points;
    }
}

int examrun_submit(struct examrun *r)
{
    if (r->submitted)
        return 0;
    if (r->remote != NULL) {
        if (r->remote->submit(r) < 0)
            return -1;
        r->submitted = 1;
        return 0;
    }
    for (size_t i = 0; i < r->nitems; i++) {
        struct examrun_item *it = &r->items[i];
        it->earned = it->q->points * examrun_score_answer(it->q, it->answer);
    }
    examrun_topic(r, NULL, &r->earned, &r->max);
    double pct = r->max > 0 ? 100.0 * r->earned / r->max : 0;
    r->percent = (int)(pct + 1e-9);    /* pct >= 0: truncation is floor */
    r->passed = pct + 1e-9 >= r->ex->pass;
    r->submitted = 1;
    int64_t when = examrun_now(r);
    if (when > r->sitting.deadline)
        when = r->sitting.deadline;
    r->sitting.submitted = when;
    r->sitting.score = r->percent;
    r->sitting.max_score = 100;
    r->sitting.passed = r->passed;
    if (r->st == NULL)
        return 0;
    return store_sitting_submit(r->st, r->sitting.id, r->percent, 100, r->passed, when);
}

/* ---- text for the plain mode and the screen ------------------------------------- */

void examrun_format_clock(char *buf, size_t size, int64_t s)
{
    if (s >= 3600)
        snprintf(buf, size, "%lld:%02lld:%02lld", (long long)(s / 3600),
                 (long long)(s / 60 % 60), (long long)(s % 60));
    else
        snprintf(buf, size, "%lld:%02lld", (long long)(s / 60), (long long)(s % 60));
}

static const char *const examrun_how_text[] = {
    [EXAM_SINGLE] = "single choice: one letter",
    [EXAM_MULTIPLE] = "multiple choice: every right letter, e.g. ac",
    [EXAM_EXACT] = "short answer",
    [EXAM_PATTERN] = "short answer",
};

const char *examrun_how(enum exam_qtype t)
{
    return examrun_how_text[t];
}

/* Every line of text, each after indent. */
static void examrun_fmt_indented(struct sb *out, const char *text, const char *indent)
{
    const char *s = text;
    while (*s) {
        const char *nl = strchr(s, '\n');
        size_t n = nl ? (size_t)(nl - s) : strlen(s);
        sb_printf(out, "%s%.*s\n", indent, (int)n, s);
        s += n + (nl != NULL);
    }
}

/* The first line after label, the others under it after indent. */
static void examrun_fmt_labelled(struct sb *out, const char *label, const char *text,
                                 const char *indent)
{
    const char *nl = strchr(text, '\n');
    sb_printf(out, "%s%.*s\n", label, (int)(nl ? nl - text : (long)strlen(text)), text);
    if (nl != NULL)
        examrun_fmt_indented(out, nl + 1, indent);
}

void examrun_format_question(const struct examrun *r, size_t i, struct sb *out)
{
    const struct examrun_item *it = &r->items[i];
    examrun_fmt_indented(out, it->q->text, "");
    for (size_t k = 0; k < it->q->noptions; k++) {
        char label[8];
        snprintf(label, sizeof label, "  %c) ", (int)('a' + k));
        examrun_fmt_labelled(out, label, it->q->options[it->order[k]], "     ");
    }
}

/* The shown letters of a canonical answer with the first line of each option, or the
 * text. */
static void examrun_fmt_answer(struct sb *out, const char *label,
                               const struct examrun_item *it, const char *canonical)
{
    if (canonical == NULL || canonical[0] == '\0') {
        sb_printf(out, "    %s: (none)\n", label);
        return;
    }
    if (it->q->noptions == 0) {
        sb_printf(out, "    %s: %s\n", label, canonical);
        return;
    }
    char shown[EXAM_MAX_OPTIONS + 1];
    examrun_shown(it, canonical, shown, sizeof shown);
    sb_printf(out, "    %s: %s\n", label, shown);
    for (const char *c = shown; *c; c++) {
        const char *t = it->q->options[it->order[*c - 'a']];
        const char *nl = strchr(t, '\n');
        sb_printf(out, "      %c) %.*s%s\n", *c, (int)(nl ? nl - t : (long)strlen(t)), t,
                  nl ? " ..." : "");
    }
}

const char *examrun_mark(const struct examrun_item *it)
{
    if (it->answer == NULL)
        return "unanswered";
    if (it->earned >= it->q->points)
        return "right";
    return it->earned > 0 ? "partly right" : "wrong";
}

static void examrun_fmt_review(const struct examrun *r, struct sb *out)
{
    sb_puts(out, "\nReview:\n");
    for (size_t i = 0; i < r->nitems; i++) {
        const struct examrun_item *it = &r->items[i];
        sb_printf(out, "\n%2zu. %s (%g of %d) [%s]\n", i + 1, examrun_mark(it), it->earned,
                  it->q->points, it->q->id);
        examrun_fmt_indented(out, it->q->text, "    ");
        examrun_fmt_answer(out, "your answer", it, it->answer);
        if (r->remote != NULL)
            continue;   /* the keys and explanations stay on the class server */
        if (it->q->noptions > 0)
            examrun_fmt_answer(out, "right answer", it, it->q->key);
        else
            sb_printf(out, "    right answer: %s\n", it->q->expected);
        examrun_fmt_labelled(out, "    why: ", it->q->explain, "         ");
    }
}

void examrun_format_result(const struct examrun *r, struct sb *out)
{
    if (r->practice)
        sb_puts(out, "PRACTICE sitting: not recorded, not counted as an attempt.\n");
    if (r->expired)
        sb_puts(out, "Time is up: the sitting was submitted with the answers given.\n");
    if (r->remote != NULL)
        sb_puts(out, "Sat on the class server, which keeps the result; the right answers "
                     "and their explanations stay there.\n");
    sb_printf(out, "Result: %g of %g points, %d%% -- %s (pass mark %d%%)\n", r->earned,
              r->max, r->percent, r->passed ? "PASSED" : "NOT PASSED", r->ex->pass);
    sb_puts(out, "By topic:\n");
    for (size_t t = 0; t < r->ex->ntopics; t++) {
        double e, m;
        examrun_topic(r, r->ex->topics[t].name, &e, &m);
        sb_printf(out, "  %-24s %g of %g\n", r->ex->topics[t].name, e, m);
    }
    if (r->ex->ntopics == 0)
        sb_printf(out, "  %-24s %g of %g\n", "all", r->earned, r->max);
    examrun_fmt_review(r, out);
}
