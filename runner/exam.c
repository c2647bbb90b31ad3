/* exam.c -- reads an exam bank (settings, then questions as "key: value" lines with "|"
 * continuation lines) and validates it, reporting every problem as path:line: message.
 * Nothing here prints or touches the store; the sitting lives in examrun.c. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "exam.h"

#define EXAM_FILE_CAP (1024 * 1024)

/* Private per-question parse facts, kept beside ex->questions. */
struct exam_qlines {
    size_t topic, type, answer, points, expected, opt[EXAM_MAX_OPTIONS];
    int type_set;       /* 0 not given, 1 valid, 2 invalid (already reported) */
};

/* Parser state. cur points at the string a "|" line continues, or is NULL. */
struct exam_parse {
    struct exam *ex;
    struct sb *errors;
    int nerrors;
    size_t line;
    char **cur;
    size_t qcap;
    size_t setting_line[8];     /* where each setting was given, 0 if not (see tables) */
    size_t topics_line;
    size_t last_line;
    struct exam_qlines *ql;     /* parallel to ex->questions */
};


static void exam_err(struct exam_parse *p, size_t line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void exam_err(struct exam_parse *p, size_t line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = xvasprintf(fmt, ap);
    va_end(ap);
    sb_printf(p->errors, "%s:%zu: %s\n", p->ex->path, line, msg);
    free(msg);
    p->nerrors++;
}

static int exam_is_name(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n == 0 || n > max)
        return 0;
    for (; *s; s++)
        if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) || *s == '-'))
            return 0;
    return 1;
}

/* Parses a whole decimal number in [lo, hi]; returns 0 or -1. */
static int exam_int(const char *s, long lo, long hi, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi)
        return -1;
    *out = (int)v;
    return 0;
}

static struct exam_question *exam_curq(struct exam_parse *p)
{
    return p->ex->nquestions ? &p->ex->questions[p->ex->nquestions - 1] : NULL;
}

static struct exam_qlines *exam_curl(struct exam_parse *p)
{
    return &p->ql[p->ex->nquestions - 1];
}

/* Sets a string once; a second time is an error. */
static void exam_set_str(struct exam_parse *p, const char *key, char **slot, const char *v)
{
    if (*slot != NULL) {
        exam_err(p, p->line, "'%s' given twice", key);
        return;
    }
    *slot = xstrdup(v);
}

/* ---- settings ------------------------------------------------------------------- */

struct exam_intkey {
    const char *name;
    long lo, hi;
    size_t off;
};

static const struct exam_intkey exam_int_settings[] = {
    { "minutes", 1, 600, offsetof(struct exam, minutes) },
    { "questions", 1, 500, offsetof(struct exam, draw) },
    { "pass", 1, 100, offsetof(struct exam, pass) },
    { "attempts", 0, 100, offsetof(struct exam, attempts) },
};

static int exam_int_setting(struct exam_parse *p, const char *key, const char *v)
{
    for (size_t i = 0; i < sizeof exam_int_settings / sizeof exam_int_settings[0]; i++) {
        const struct exam_intkey *k = &exam_int_settings[i];
        if (strcmp(k->name, key) != 0)
            continue;
        if (p->setting_line[i] != 0) {
            exam_err(p, p->line, "'%s' given twice", key);
            return 1;
        }
        p->setting_line[i] = p->line;
        int *slot = (int *)((char *)p->ex + k->off);
        if (exam_int(v, k->lo, k->hi, slot) < 0)
            exam_err(p, p->line, "'%s' must be a number from %ld to %ld", key, k->lo, k->hi);
        return 1;
    }
    return 0;
}

static void exam_add_topic(struct exam_parse *p, const char *name, const char *count)
{
    struct exam *ex = p->ex;
    int n;
    if (!exam_is_name(name, 40)) {
        exam_err(p, p->line, "topic name '%s' must be a-z, 0-9 and -", name);
        return;
    }
    if (exam_int(count, 1, 500, &n) < 0) {
        exam_err(p, p->line, "topic '%s' needs a count from 1 to 500", name);
        return;
    }
    for (size_t i = 0; i < ex->ntopics; i++)
        if (strcmp(ex->topics[i].name, name) == 0) {
            exam_err(p, p->line, "topic '%s' listed twice", name);
            return;
        }
    ex->topics = xrealloc(ex->topics, (ex->ntopics + 1) * sizeof *ex->topics);
    ex->topics[ex->ntopics].name = xstrdup(name);
    ex->topics[ex->ntopics].count = n;
    ex->ntopics++;
}

/* "topics: frameworks 4, http 6" */
static void exam_topics(struct exam_parse *p, const char *v)
{
    if (p->topics_line != 0) {
        exam_err(p, p->line, "'topics' given twice");
        return;
    }
    p->topics_line = p->line;
    char *copy = xstrdup(v), *save = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        char *name_save = NULL;
        char *name = strtok_r(tok, " \t", &name_save);
        char *count = name ? strtok_r(NULL, " \t", &name_save) : NULL;
        char *extra = count ? strtok_r(NULL, " \t", &name_save) : NULL;
        if (name == NULL || count == NULL || extra != NULL)
            exam_err(p, p->line, "'topics' entries look like 'NAME COUNT, NAME COUNT'");
        else
            exam_add_topic(p, name, count);
    }
    free(copy);
}

static void exam_setting(struct exam_parse *p, const char *key, const char *v)
{
    if (strcmp(key, "title") == 0)
        exam_set_str(p, key, &p->ex->title, v);
    else if (strcmp(key, "track") == 0) {
        exam_set_str(p, key, &p->ex->track, v);
        p->ex->track_line = p->line;
    } else if (strcmp(key, "topics") == 0)
        exam_topics(p, v);
    else if (!exam_int_setting(p, key, v))
        exam_err(p, p->line, "unknown setting '%s'", key);
    p->cur = NULL;
}

/* ---- questions ------------------------------------------------------------------ */

static const char *const exam_type_names[] = { "single", "multiple", "exact", "pattern" };

const char *exam_qtype_name(enum exam_qtype t)
{
    return exam_type_names[t];
}

static void exam_new_question(struct exam_parse *p, const char *id)
{
    struct exam *ex = p->ex;
    if (!exam_is_name(id, 40))
        exam_err(p, p->line, "question id '%s' must be 1-40 characters of a-z, 0-9 and -", id);
    for (size_t i = 0; i < ex->nquestions; i++)
        if (strcmp(ex->questions[i].id, id) == 0)
            exam_err(p, p->line, "question id '%s' already used at line %zu", id,
                     ex->questions[i].line);
    if (ex->nquestions == p->qcap) {
        p->qcap = p->qcap ? p->qcap * 2 : 32;
        ex->questions = xrealloc(ex->questions, p->qcap * sizeof *ex->questions);
        p->ql = xrealloc(p->ql, p->qcap * sizeof *p->ql);
    }
    struct exam_question *q = &ex->questions[ex->nquestions];
    memset(q, 0, sizeof *q);
    memset(&p->ql[ex->nquestions], 0, sizeof *p->ql);
    q->id = xstrdup(id);
    q->line = p->line;
    q->points = 1;
    q->shuffle = 1;
    ex->nquestions++;
    p->cur = NULL;
}

static void exam_q_type(struct exam_parse *p, struct exam_question *q, const char *v)
{
    struct exam_qlines *l = exam_curl(p);
    if (l->type_set) {
        exam_err(p, p->line, "'type' given twice");
        return;
    }
    l->type_set = 2;
    l->type = p->line;
    for (size_t i = 0; i < sizeof exam_type_names / sizeof exam_type_names[0]; i++)
        if (strcmp(v, exam_type_names[i]) == 0) {
            q->type = (enum exam_qtype)i;
            l->type_set = 1;
            return;
        }
    exam_err(p, p->line, "'type' must be single, multiple, exact or pattern");
}

static void exam_q_option(struct exam_parse *p, struct exam_question *q, char letter,
                          const char *v)
{
    size_t i = (size_t)(letter - 'a');
    if (q->options[i] != NULL) {
        exam_err(p, p->line, "option '%c' given twice", letter);
        return;
    }
    q->options[i] = xstrdup(v);
    exam_curl(p)->opt[i] = p->line;
    p->cur = &q->options[i];
}

static void exam_q_answer(struct exam_parse *p, struct exam_question *q, const char *v)
{
    if (exam_curl(p)->answer == 0)
        exam_curl(p)->answer = p->line;
    q->accept = xrealloc(q->accept, (q->naccept + 1) * sizeof *q->accept);
    q->accept[q->naccept++] = xstrdup(v);
}

static void exam_q_points(struct exam_parse *p, struct exam_question *q, const char *v)
{
    if (exam_curl(p)->points != 0)
        exam_err(p, p->line, "'points' given twice");
    exam_curl(p)->points = p->line;
    if (exam_int(v, 1, 10, &q->points) < 0)
        exam_err(p, p->line, "'points' must be a number from 1 to 10");
}

static void exam_q_shuffle(struct exam_parse *p, struct exam_question *q, const char *v)
{
    if (strcmp(v, "yes") == 0)
        q->shuffle = 1;
    else if (strcmp(v, "no") == 0)
        q->shuffle = 0;
    else
        exam_err(p, p->line, "'shuffle' must be yes or no");
}

static void exam_q_key(struct exam_parse *p, const char *key, const char *v)
{
    struct exam_question *q = exam_curq(p);
    p->cur = NULL;
    if (key[0] >= 'a' && key[0] < 'a' + EXAM_MAX_OPTIONS && key[1] == '\0')
        exam_q_option(p, q, key[0], v);
    else if (strcmp(key, "text") == 0) {
        exam_set_str(p, key, &q->text, v);
        p->cur = &q->text;
    } else if (strcmp(key, "explain") == 0) {
        exam_set_str(p, key, &q->explain, v);
        p->cur = &q->explain;
    } else if (strcmp(key, "expected") == 0) {
        exam_set_str(p, key, &q->expected, v);
        exam_curl(p)->expected = p->line;
    } else if (strcmp(key, "topic") == 0) {
        exam_set_str(p, key, &q->topic, v);
        exam_curl(p)->topic = p->line;
    } else if (strcmp(key, "type") == 0)
        exam_q_type(p, q, v);
    else if (strcmp(key, "answer") == 0)
        exam_q_answer(p, q, v);
    else if (strcmp(key, "points") == 0)
        exam_q_points(p, q, v);
    else if (strcmp(key, "shuffle") == 0)
        exam_q_shuffle(p, q, v);
    else
        exam_err(p, p->line, "unknown key '%s'", key);
}

/* ---- lines ---------------------------------------------------------------------- */

static void exam_continue(struct exam_parse *p, const char *rest)
{
    if (p->cur == NULL || *p->cur == NULL) {
        exam_err(p, p->line, "a '|' line must follow text, explain or an option");
        return;
    }
    if (*rest == ' ')
        rest++;
    char *joined = (*p->cur)[0] ? xasprintf("%s\n%s", *p->cur, rest) : xstrdup(rest);
    free(*p->cur);
    *p->cur = joined;
}

static void exam_line(struct exam_parse *p, char *s)
{
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    if (s[0] == '|') {
        exam_continue(p, s + 1);
        return;
    }
    char *t = s;
    while (isspace((unsigned char)*t))
        t++;
    if (*t == '\0' || *t == '#')
        return;
    char *colon = strchr(t, ':');
    char *k = t;
    while (k < (colon ? colon : t) && (islower((unsigned char)*k) || *k == '_'))
        k++;
    if (colon == NULL || k != colon || colon == t) {
        exam_err(p, p->line, "expected 'key: value'");
        p->cur = NULL;
        return;
    }
    *colon = '\0';
    char *v = colon + 1;
    while (isspace((unsigned char)*v))
        v++;
    if (strcmp(t, "question") == 0)
        exam_new_question(p, v);
    else if (p->ex->nquestions == 0)
        exam_setting(p, t, v);
    else
        exam_q_key(p, t, v);
}

/* ---- checks after reading ------------------------------------------------------- */

static int exam_letter_cmp(const void *a, const void *b)
{
    return *(const char *)a - *(const char *)b;
}

/* Checks a choice answer; on success sets q->key to the sorted letters. */
static void exam_check_choice_key(struct exam_parse *p, struct exam_question *q,
                                  const struct exam_qlines *l)
{
    if (q->naccept != 1) {
        exam_err(p, l->answer, "a %s question takes one 'answer' line",
                 exam_qtype_name(q->type));
        return;
    }
    char key[EXAM_MAX_OPTIONS + 1];
    size_t nk = 0;
    int bad = 0;
    for (const char *c = q->accept[0]; *c; c++) {
        if (*c == ' ' || *c == ',')
            continue;
        size_t i = (size_t)(*c - 'a');
        if (*c < 'a' || i >= q->noptions) {
            exam_err(p, l->answer, "answer '%c' is not an option", *c);
            bad = 1;
        } else if (memchr(key, *c, nk) != NULL) {
            exam_err(p, l->answer, "answer '%c' given twice", *c);
            bad = 1;
        } else
            key[nk++] = *c;
    }
    if (bad)
        return;
    if (nk == 0 || (q->type == EXAM_SINGLE && nk != 1)) {
        exam_err(p, l->answer, q->type == EXAM_SINGLE ? "a single question has exactly one "
                 "right option" : "a multiple question needs at least one right option");
        return;
    }
    qsort(key, nk, 1, exam_letter_cmp);
    q->key = xstrndup(key, nk);
}

static void exam_check_options(struct exam_parse *p, struct exam_question *q,
                               const struct exam_qlines *l)
{
    size_t n = 0;
    while (n < EXAM_MAX_OPTIONS && q->options[n] != NULL)
        n++;
    if (q->expected != NULL)
        exam_err(p, l->expected, "'expected' belongs to exact or pattern questions");
    q->noptions = n;
    for (size_t i = n; i < EXAM_MAX_OPTIONS; i++)
        if (q->options[i] != NULL) {
            exam_err(p, l->opt[i], "option '%c' comes after a missing option '%c'",
                     (int)('a' + i), (int)('a' + n));
            return;
        }
    if (n < 2)
        exam_err(p, q->line, "question '%s': a %s question needs options a and b at least",
                 q->id, exam_qtype_name(q->type));
    else
        exam_check_choice_key(p, q, l);
}

static void exam_check_short(struct exam_parse *p, struct exam_question *q,
                             const struct exam_qlines *l)
{
    for (size_t i = 0; i < EXAM_MAX_OPTIONS; i++)
        if (q->options[i] != NULL) {
            exam_err(p, l->opt[i], "options belong to single or multiple questions");
            return;
        }
    if (q->type == EXAM_EXACT) {
        if (q->expected == NULL)
            q->expected = xstrdup(q->accept[0]);
        return;
    }
    if (q->naccept != 1) {
        exam_err(p, l->answer, "a pattern question takes one 'answer' line");
        return;
    }
    char *anchored = xasprintf("^(%s)$", q->accept[0]);
    int rc = regcomp(&q->re, anchored, REG_EXTENDED | REG_ICASE | REG_NOSUB);
    free(anchored);
    if (rc != 0) {
        char msg[128];
        regerror(rc, &q->re, msg, sizeof msg);
        exam_err(p, l->answer, "bad pattern: %s", msg);
        return;
    }
    q->has_re = 1;
    if (q->expected == NULL)
        exam_err(p, q->line, "question '%s': a pattern question needs 'expected' (the "
                 "answer the review shows)", q->id);
    else if (regexec(&q->re, q->expected, 0, NULL, 0) != 0)
        exam_err(p, l->expected, "'expected' does not match the pattern");
}

static const struct exam_topic *exam_find_topic(const struct exam *ex, const char *name)
{
    for (size_t i = 0; i < ex->ntopics; i++)
        if (strcmp(ex->topics[i].name, name) == 0)
            return &ex->topics[i];
    return NULL;
}

static void exam_check_question(struct exam_parse *p, struct exam_question *q,
                                const struct exam_qlines *l)
{
    static const char *const need[] = { "type", "text", "answer", "explain" };
    const int have[] = { l->type_set, q->text != NULL, q->naccept > 0, q->explain != NULL };
    int missing = 0;
    for (size_t i = 0; i < sizeof need / sizeof need[0]; i++)
        if (!have[i]) {
            exam_err(p, q->line, "question '%s': missing '%s'", q->id, need[i]);
            missing = 1;
        }
    if (p->ex->ntopics > 0 && q->topic == NULL)
        exam_err(p, q->line, "question '%s': missing 'topic'", q->id);
    else if (p->ex->ntopics > 0 && exam_find_topic(p->ex, q->topic) == NULL)
        exam_err(p, l->topic, "topic '%s' is not listed in 'topics'", q->topic);
    if (missing || l->type_set != 1)
        return;
    if (q->type == EXAM_SINGLE || q->type == EXAM_MULTIPLE)
        exam_check_options(p, q, l);
    else
        exam_check_short(p, q, l);
}

static void exam_check_settings(struct exam_parse *p)
{
    struct exam *ex = p->ex;
    static const char *const need[] = { "title", "track", "minutes", "questions" };
    const int have[] = { ex->title != NULL, ex->track != NULL, p->setting_line[0] != 0,
                         p->setting_line[1] != 0 };
    for (size_t i = 0; i < sizeof need / sizeof need[0]; i++)
        if (!have[i])
            exam_err(p, 1, "missing setting '%s'", need[i]);
    if (ex->nquestions == 0)
        exam_err(p, p->last_line ? p->last_line : 1, "no questions");
}

static void exam_check_draw(struct exam_parse *p)
{
    struct exam *ex = p->ex;
    if (p->setting_line[1] == 0 || ex->nquestions == 0)
        return;
    if (ex->ntopics == 0) {
        if ((size_t)ex->draw > ex->nquestions)
            exam_err(p, p->setting_line[1], "'questions' is %d but the bank holds %zu",
                     ex->draw, ex->nquestions);
        return;
    }
    int sum = 0;
    for (size_t t = 0; t < ex->ntopics; t++) {
        int have = 0;
        for (size_t i = 0; i < ex->nquestions; i++)
            have += ex->questions[i].topic && strcmp(ex->questions[i].topic,
                                                     ex->topics[t].name) == 0;
        if (have < ex->topics[t].count)
            exam_err(p, p->topics_line, "topic '%s' has only %d of the %d questions a "
                     "sitting draws", ex->topics[t].name, have, ex->topics[t].count);
        sum += ex->topics[t].count;
    }
    if (sum != ex->draw)
        exam_err(p, p->topics_line, "'topics' add up to %d but 'questions' is %d", sum,
                 ex->draw);
}

/* The id is the file name without ".exam". */
static void exam_set_id(struct exam_parse *p, const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strlen(base);
    if (n > 5 && strcmp(base + n - 5, ".exam") == 0)
        n -= 5;
    p->ex->id = xstrndup(base, n);
    if (!exam_is_name(p->ex->id, EXAM_ID_MAX))
        exam_err(p, 1, "exam name '%s' must be 1-%d characters of a-z, 0-9 and -",
                 p->ex->id, EXAM_ID_MAX);
}

static void exam_parse_text(struct exam_parse *p, char *text)
{
    char *s = text;
    p->line = 0;
    while (s != NULL) {
        char *nl = strchr(s, '\n');
        if (nl != NULL)
            *nl = '\0';
        p->line++;
        exam_line(p, s);
        s = nl ? nl + 1 : NULL;
        if (s != NULL && *s == '\0')
            s = NULL;
    }
    p->last_line = p->line;
}

struct exam *exam_load(const char *path, struct sb *errors)
{
    struct exam_parse p;
    memset(&p, 0, sizeof p);
    p.ex = xcalloc(1, sizeof *p.ex);
    p.ex->path = xstrdup(path);
    p.ex->pass = 70;
    p.errors = errors;
    exam_set_id(&p, path);
    char *text = util_read_file(path, EXAM_FILE_CAP, NULL);
    if (text == NULL) {
        exam_err(&p, 0, "cannot read: %s", strerror(errno));
        exam_free(p.ex);
        return NULL;
    }
    exam_parse_text(&p, text);
    free(text);
    exam_check_settings(&p);
    for (size_t i = 0; i < p.ex->nquestions; i++)
        exam_check_question(&p, &p.ex->questions[i], &p.ql[i]);
    exam_check_draw(&p);
    free(p.ql);
    if (p.nerrors > 0) {
        exam_free(p.ex);
        return NULL;
    }
    return p.ex;
}

static void exam_free_question(struct exam_question *q)
{
    free(q->id);
    free(q->topic);
    free(q->text);
    for (size_t i = 0; i < EXAM_MAX_OPTIONS; i++)
        free(q->options[i]);
    free(q->key);
    for (size_t i = 0; i < q->naccept; i++)
        free(q->accept[i]);
    free(q->accept);
    if (q->has_re)
        regfree(&q->re);
    free(q->explain);
    free(q->expected);
}

void exam_free(struct exam *ex)
{
    if (ex == NULL)
        return;
    for (size_t i = 0; i < ex->nquestions; i++)
        exam_free_question(&ex->questions[i]);
    free(ex->questions);
    for (size_t i = 0; i < ex->ntopics; i++)
        free(ex->topics[i].name);
    free(ex->topics);
    free(ex->id);
    free(ex->path);
    free(ex->title);
    free(ex->track);
    free(ex);
}

const char *exam_id(const struct exam *ex)
{
    return ex->id;
}

const char *exam_title(const struct exam *ex)
{
    return ex->title;
}

const char *exam_track(const struct exam *ex)
{
    return ex->track;
}

const struct exam_question *exam_question(const struct exam *ex, const char *id)
{
    for (size_t i = 0; i < ex->nquestions; i++)
        if (strcmp(ex->questions[i].id, id) == 0)
            return &ex->questions[i];
    return NULL;
}
