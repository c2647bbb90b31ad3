/* exam-keys.c -- exam banks that test knowledge, not test-taking: for each bank named on
 * the command line,
 *   K1 the key of a single-answer question is strictly the longest option in at most 35%
 *      of the single-answer questions (else "pick the longest" passes);
 *   K2 no two questions ask the same thing: their texts, with case, punctuation and
 *      spacing normalised, are neither equal nor near-equal (word overlap);
 *   K3 no two questions share the same key text with similar texts (the same question
 *      asked twice in other words);
 *   K4 a question asking for every right option is of type multiple, a multiple one says
 *      so in its text, and a single one does not ask for several.
 * Usage: exam-keys [--pairs N] BANK...   (--pairs lists the N most similar pairs of each
 * bank, to see how close the nearest ones are). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exam.h"
#include "tap.h"
#include "util.h"

/* K1: the most single-answer questions whose key may be strictly the longest option. */
#define LONGEST_MAX_PERCENT 35
/* K2: word overlap (Jaccard, percent) from which two texts count as the same question. */
#define NEAR_SAME_PERCENT 55
/* K3: word overlap from which two questions with the same key text are one question. */
#define SAME_KEY_PERCENT 30

/* Characters, not bytes: a UTF-8 continuation byte does not count. */
static size_t text_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* Lowercase words (runs of letters, digits and non-ASCII bytes) joined by one space.
 * Caller frees. */
static char *normalise(const char *s)
{
    struct sb out;
    sb_init(&out);
    int in_word = 0;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        int word = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                   || c >= 0x80;
        if (word) {
            if (!in_word && out.len > 0)
                sb_putc(&out, ' ');
            sb_putc(&out, (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
        }
        in_word = word;
    }
    if (out.len == 0)
        sb_puts(&out, "");
    return sb_steal(&out);
}

struct words {
    char **w;       /* sorted, distinct */
    size_t n;
};

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Words that say nothing about what a question asks: articles, pronouns, auxiliaries,
 * and the wording every question shares ("which", "pick every right one"). */
static int is_filler(const char *w)
{
    static const char *const filler[] = {
        "a", "an", "the", "and", "or", "of", "to", "in", "on", "at", "by", "for", "with",
        "from", "as", "into", "its", "it", "is", "are", "be", "was", "were", "been", "has",
        "have", "had", "do", "does", "did", "not", "no", "this", "that", "these", "those",
        "what", "which", "who", "why", "how", "when", "where", "whose", "there", "then",
        "than", "so", "if", "but", "each", "every", "any", "all", "one", "you", "your",
        "they", "them", "their", "we", "our", "pick", "right", "give", "number", "just",
        "name", "only", "after", "before", "can", "may", "must", "should", "would", "will",
        "still", "also", "some", "about", NULL
    };
    for (size_t i = 0; filler[i]; i++)
        if (strcmp(w, filler[i]) == 0)
            return 1;
    return 0;
}

/* Words are cut to this many characters, a crude stem: "extensions" and "extension",
 * "attached" and "attach" become the same word. */
#define STEM_CHARS 6

static struct words words_of(const char *normalised)
{
    struct words ws = { NULL, 0 };
    char *copy = xstrdup(normalised);
    size_t cap = 0;
    for (char *save = NULL, *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
        if (is_filler(t))
            continue;
        if (strlen(t) > STEM_CHARS)
            t[STEM_CHARS] = '\0';
        if (ws.n == cap) {
            cap = cap ? cap * 2 : 16;
            ws.w = xrealloc(ws.w, cap * sizeof *ws.w);
        }
        ws.w[ws.n++] = xstrdup(t);
    }
    free(copy);
    if (ws.n > 1)
        qsort(ws.w, ws.n, sizeof *ws.w, str_cmp);
    size_t k = 0;
    for (size_t i = 0; i < ws.n; i++) {
        if (k > 0 && strcmp(ws.w[k - 1], ws.w[i]) == 0)
            free(ws.w[i]);
        else
            ws.w[k++] = ws.w[i];
    }
    ws.n = k;
    return ws;
}

static void words_free(struct words *ws)
{
    for (size_t i = 0; i < ws->n; i++)
        free(ws->w[i]);
    free(ws->w);
}

/* Shared words over all words, in percent. */
static int overlap(const struct words *a, const struct words *b)
{
    size_t i = 0, j = 0, both = 0;
    while (i < a->n && j < b->n) {
        int c = strcmp(a->w[i], b->w[j]);
        both += c == 0;
        i += c <= 0;
        j += c >= 0;
    }
    size_t all = a->n + b->n - both;
    return all == 0 ? 100 : (int)(both * 100 / all);
}

/* What a question's key says, normalised: the right options' texts joined by " | " for a
 * choice question, every accepted answer (" | "-separated too) for an exact one, the
 * expected answer for a pattern. Caller frees. */
static char *key_text(const struct exam_question *q)
{
    struct sb out;
    sb_init(&out);
    if (q->type == EXAM_SINGLE || q->type == EXAM_MULTIPLE) {
        for (const char *k = q->key; *k; k++) {
            char *n = normalise(q->options[*k - 'a']);
            sb_printf(&out, "%s%s", k == q->key ? "" : " | ", n);
            free(n);
        }
    } else if (q->type == EXAM_EXACT) {
        for (size_t i = 0; i < q->naccept; i++) {
            char *n = normalise(q->accept[i]);
            sb_printf(&out, "%s%s", i == 0 ? "" : " | ", n);
            free(n);
        }
    } else {
        char *n = normalise(q->expected ? q->expected : q->accept[0]);
        sb_puts(&out, n);
        free(n);
    }
    return sb_steal(&out);
}

/* 1 when two key texts share an accepted answer (exact questions list several). */
static int same_key(const char *a, const char *b)
{
    if (strcmp(a, b) == 0)
        return 1;
    if (strstr(a, " | ") == NULL && strstr(b, " | ") == NULL)
        return 0;
    /* Compare every alternative of a with every alternative of b. */
    char *ca = xstrdup(a);
    int hit = 0;
    for (char *sa = NULL, *x = strtok_r(ca, "|", &sa); x && !hit; x = strtok_r(NULL, "|", &sa)) {
        while (*x == ' ')
            x++;
        size_t xl = strlen(x);
        while (xl > 0 && x[xl - 1] == ' ')
            xl--;
        char *cb = xstrdup(b);
        for (char *sb_ = NULL, *y = strtok_r(cb, "|", &sb_); y && !hit;
             y = strtok_r(NULL, "|", &sb_)) {
            while (*y == ' ')
                y++;
            size_t yl = strlen(y);
            while (yl > 0 && y[yl - 1] == ' ')
                yl--;
            hit = xl > 0 && xl == yl && memcmp(x, y, xl) == 0;
        }
        free(cb);
    }
    free(ca);
    return hit;
}

/* 1 when the text asks the learner to pick every right option. */
static int asks_for_several(const char *text)
{
    char *n = normalise(text);
    static const char *const marks[] = {
        "pick every", "every right", "all that apply", "select all", "choose all",
        "pick all", "all the right", NULL
    };
    int hit = 0;
    for (size_t i = 0; marks[i] && !hit; i++)
        hit = strstr(n, marks[i]) != NULL;
    free(n);
    return hit;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void check_longest(const struct exam *ex)
{
    size_t singles = 0, longest = 0, shortest = 0, rank[5] = { 0 };
    double *ratio = xcalloc(ex->nquestions + 1, sizeof *ratio);
    struct sb ids;
    sb_init(&ids);
    for (size_t i = 0; i < ex->nquestions; i++) {
        const struct exam_question *q = &ex->questions[i];
        if (q->type != EXAM_SINGLE)
            continue;
        size_t k = (size_t)(q->key[0] - 'a');
        size_t klen = text_chars(q->options[k]), other = 0;
        for (size_t o = 0; o < q->noptions; o++)
            if (o != k && text_chars(q->options[o]) > other)
                other = text_chars(q->options[o]);
        size_t above = 0, below = 0;
        for (size_t o = 0; o < q->noptions; o++) {
            above += o != k && text_chars(q->options[o]) > klen;
            below += o != k && text_chars(q->options[o]) < klen;
        }
        rank[above < 4 ? above : 4]++;
        shortest += below == 0 && above == q->noptions - 1;
        ratio[singles++] = other ? (double)klen / (double)other : 1.0;
        if (klen > other) {
            sb_printf(&ids, "%s%s", longest % 6 ? ", " : (longest ? ",\n  " : "  "), q->id);
            longest++;
        }
    }
    qsort(ratio, singles, sizeof *ratio, cmp_double);
    double median = singles == 0 ? 0
                  : singles % 2 ? ratio[singles / 2]
                  : (ratio[singles / 2 - 1] + ratio[singles / 2]) / 2;
    int pct = singles ? (int)((longest * 100 + singles / 2) / singles) : 0;
    /* Where the key's length ranks among its options: a key that is nearly always the
     * second longest, or the shortest, gives itself away as well; shown, not checked. */
    diag("%s: options longer than the key: none %zu (strictly longest %zu), one %zu, two %zu, "
         "three %zu, more %zu; the key is strictly the shortest in %zu", ex->id, rank[0],
         longest, rank[1], rank[2], rank[3], rank[4], shortest);
    if (!ok(longest * 100 <= (size_t)LONGEST_MAX_PERCENT * singles,
            "K1 %s: the key is strictly the longest option in %zu of %zu single-answer "
            "questions (%d%%; at most %d%%)", ex->id, longest, singles, pct,
            LONGEST_MAX_PERCENT))
        diag("key length over the longest other option: median %.2f\n"
             "questions whose key is strictly the longest:\n%s", median, ids.buf);
    else
        diag("%s: key length over the longest other option, median %.2f", ex->id, median);
    sb_free(&ids);
    free(ratio);
}

struct pair {
    size_t a, b;
    int sim;
};

static int cmp_pair(const void *x, const void *y)
{
    const struct pair *p = x, *q = y;
    return q->sim - p->sim;
}

static void check_repeats(const struct exam *ex, size_t show_pairs)
{
    size_t n = ex->nquestions;
    char **norm = xcalloc(n + 1, sizeof *norm), **keys = xcalloc(n + 1, sizeof *keys);
    struct words *ws = xcalloc(n + 1, sizeof *ws);
    for (size_t i = 0; i < n; i++) {
        norm[i] = normalise(ex->questions[i].text);
        ws[i] = words_of(norm[i]);
        keys[i] = key_text(&ex->questions[i]);
    }
    struct pair *pairs = xcalloc(n * n / 2 + 1, sizeof *pairs);
    size_t np = 0;
    struct sb same, samekey;
    sb_init(&same);
    sb_init(&samekey);
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++) {
            int sim = strcmp(norm[i], norm[j]) == 0 ? 100 : overlap(&ws[i], &ws[j]);
            pairs[np++] = (struct pair){ i, j, sim };
            const char *a = ex->questions[i].id, *b = ex->questions[j].id;
            if (sim >= NEAR_SAME_PERCENT)
                sb_printf(&same, "  %s and %s: %d%% of their words shared%s\n", a, b, sim,
                          sim == 100 ? " (the same text)" : "");
            if (same_key(keys[i], keys[j]) && sim >= SAME_KEY_PERCENT)
                sb_printf(&samekey, "  %s and %s: key \"%s\", %d%% of their words shared\n",
                          a, b, keys[i], sim);
        }
    if (!ok(same.len == 0, "K2 %s: no two questions have the same or nearly the same text "
            "(%d%% of words shared or more)", ex->id, NEAR_SAME_PERCENT))
        diag("repeated questions:\n%s", same.buf);
    if (!ok(samekey.len == 0, "K3 %s: no two questions share a key and a similar text "
            "(%d%% of words shared or more)", ex->id, SAME_KEY_PERCENT))
        diag("the same question twice:\n%s", samekey.buf);
    if (show_pairs > 0) {
        qsort(pairs, np, sizeof *pairs, cmp_pair);
        for (size_t p = 0; p < np && p < show_pairs; p++)
            diag("%3d%%  %s  %s%s", pairs[p].sim, ex->questions[pairs[p].a].id,
                 ex->questions[pairs[p].b].id,
                 same_key(keys[pairs[p].a], keys[pairs[p].b]) ? "  (same key)" : "");
    }
    sb_free(&same);
    sb_free(&samekey);
    free(pairs);
    for (size_t i = 0; i < n; i++) {
        free(norm[i]);
        free(keys[i]);
        words_free(&ws[i]);
    }
    free(norm);
    free(keys);
    free(ws);
}

static void check_multiple(const struct exam *ex)
{
    struct sb bad;
    sb_init(&bad);
    for (size_t i = 0; i < ex->nquestions; i++) {
        const struct exam_question *q = &ex->questions[i];
        int asks = asks_for_several(q->text);
        if (q->type == EXAM_MULTIPLE && !asks)
            sb_printf(&bad, "  %s: multiple, but its text does not say \"Pick every right "
                      "one\"\n", q->id);
        else if (q->type != EXAM_MULTIPLE && asks)
            sb_printf(&bad, "  %s: asks for every right option, but is %s\n", q->id,
                      exam_qtype_name(q->type));
        else if (q->type != EXAM_MULTIPLE && (q->type == EXAM_SINGLE) && strlen(q->key) != 1)
            sb_printf(&bad, "  %s: several right options, but single\n", q->id);
    }
    if (!ok(bad.len == 0, "K4 %s: every question with several right options is type "
            "multiple and says so, and no other asks for several", ex->id))
        diag("%s", bad.buf);
    sb_free(&bad);
}

int main(int argc, char **argv)
{
    size_t show_pairs = 0;
    int first = 1;
    if (argc > 2 && strcmp(argv[1], "--pairs") == 0) {
        show_pairs = strtoul(argv[2], NULL, 10);
        first = 3;
    }
    if (first >= argc) {
        fprintf(stderr, "usage: exam-keys [--pairs N] BANK...\n");
        return 2;
    }
    for (int a = first; a < argc; a++) {
        struct sb errors;
        sb_init(&errors);
        struct exam *ex = exam_load(argv[a], &errors);
        if (!ok(ex != NULL, "%s loads", argv[a]))
            diag("%s", errors.buf);
        sb_free(&errors);
        if (ex == NULL)
            continue;
        check_longest(ex);
        check_repeats(ex, show_pairs);
        check_multiple(ex);
        exam_free(ex);
    }
    return done_testing();
}
