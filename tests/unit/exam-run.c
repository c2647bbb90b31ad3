/* exam-run.c -- a sitting: scoring of every question type with partial credit, answers in
 * shuffled letters, the stratified draw (counts per topic, every question reachable, one
 * seed one sitting), the clock through an injected time source (expiry submits, resume
 * keeps the clock and the answers), and the attempts limit, with a real store in a
 * fresh temp folder ($TMPDIR). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "examrun.h"
#include "store.h"
#include "tap.h"
#include "util.h"

static const char bank[] =
    "title: Run test\ntrack: all\nminutes: 10\nquestions: 4\npass: 80\nattempts: 2\n"
    "topics: t1 2, t2 1, t3 1\n"
    "question: s1\ntopic: t1\ntype: single\ntext: S1\na: x\nb: y\nc: z\nanswer: b\nexplain: e\n"
    "question: s2\ntopic: t1\ntype: single\ntext: S2\na: x\nb: y\nanswer: a\nexplain: e\n"
    "shuffle: no\n"
    "question: s3\ntopic: t1\ntype: exact\ntext: S3\nanswer: Content-Length\n"
    "answer: content length\nexplain: e\n"
    "question: s4\ntopic: t1\ntype: pattern\ntext: S4\nanswer: 0*1a\nexpected: 1a\n"
    "explain: e\n"
    "question: s5\ntopic: t1\ntype: single\ntext: S5\na: x\nb: y\nc: z\nd: w\nanswer: d\n"
    "explain: e\n"
    "question: s6\ntopic: t2\ntype: single\ntext: S6\na: x\nb: y\nanswer: b\nexplain: e\n"
    "question: s7\ntopic: t2\ntype: single\ntext: S7\na: x\nb: y\nanswer: a\nexplain: e\n"
    "question: s8\ntopic: t2\ntype: single\ntext: S8\na: x\nb: y\nanswer: b\nexplain: e\n"
    "question: m1\ntopic: t3\ntype: multiple\ntext: M1\na: p\nb: q\nc: r\nd: s\n"
    "answer: ac\nexplain: e\npoints: 2\n";

struct fake_clock {
    int64_t t;
};

static int64_t fake_now(void *ctx)
{
    return ((struct fake_clock *)ctx)->t;
}

static struct exam *load_bank(void)
{
    if (util_write_file("run.exam", bank, sizeof bank - 1, 0644) < 0)
        tap_bail_out("cannot write run.exam");
    struct sb errors;
    sb_init(&errors);
    struct exam *ex = exam_load("run.exam", &errors);
    if (ex == NULL)
        tap_bail_out("run.exam: %s", errors.buf);
    sb_free(&errors);
    return ex;
}

static void test_scoring(const struct exam *ex)
{
    const struct exam_question *s1 = exam_question(ex, "s1"), *m1 = exam_question(ex, "m1");
    const struct exam_question *s3 = exam_question(ex, "s3"), *s4 = exam_question(ex, "s4");
    struct { const struct exam_question *q; const char *answer; double want; } cases[] = {
        { s1, "b", 1 }, { s1, "a", 0 }, { s1, NULL, 0 }, { s1, "", 0 },
        { m1, "ac", 1 }, { m1, "a", 0.5 }, { m1, "c", 0.5 }, { m1, "abc", 0.5 },
        { m1, "ab", 0 }, { m1, "abcd", 0 }, { m1, "bd", 0 }, { m1, NULL, 0 },
        { s3, "Content-Length", 1 }, { s3, "content-length", 1 },
        { s3, "  content   length ", 1 }, { s3, "contentlength", 0 }, { s3, "", 0 },
        { s4, "1a", 1 }, { s4, "01A", 1 }, { s4, "1ab", 0 }, { s4, "x1a", 0 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double got = examrun_score_answer(cases[i].q, cases[i].answer);
        ok(got > cases[i].want - 1e-9 && got < cases[i].want + 1e-9,
           "S%zu %s %s answer '%s' earns %g (got %g)", i + 1, cases[i].q->id,
           exam_qtype_name(cases[i].q->type), cases[i].answer ? cases[i].answer : "(none)",
           cases[i].want, got);
    }
}

static void test_parse(const struct exam *ex)
{
    struct examrun_item it = { .q = exam_question(ex, "m1"), .order = { 2, 0, 3, 1 } };
    char *cause = NULL;
    char *a = examrun_parse(&it, "a b", &cause);
    is_str(a, "ac", "P1 shown a and b are bank options c and a");
    free(a);
    a = examrun_parse(&it, "B,A", &cause);
    is_str(a, "ac", "P2 letters in any case and order, commas allowed");
    free(a);
    a = examrun_parse(&it, "aa", &cause);
    is_str(a, "c", "P3 a letter twice counts once");
    free(a);
    a = examrun_parse(&it, "", &cause);
    is_str(a, "", "P4 empty input clears");
    free(a);
    ok(examrun_parse(&it, "e", &cause) == NULL, "P5 a letter past the options is refused");
    is_str(cause, "'e' is not an option: answer with letters a to d", "P5 with the reason");
    free(cause);
    char shown[9];
    examrun_shown(&it, "ac", shown, sizeof shown);
    is_str(shown, "ab", "P6 canonical ac is shown as ab");
    struct examrun_item single = { .q = exam_question(ex, "s1"), .order = { 0, 1, 2 } };
    cause = NULL;
    ok(examrun_parse(&single, "ab", &cause) == NULL, "P7 single choice takes one letter");
    is_str(cause, "this question takes one letter", "P7 with the reason");
    free(cause);
    struct examrun_item text = { .q = exam_question(ex, "s3") };
    a = examrun_parse(&text, "  Content \t Length  ", &cause);
    is_str(a, "Content Length", "P8 short answers are trimmed and spaces squeezed");
    free(a);
}

/* Ids of a draw, joined by spaces. Caller frees. */
static char *draw_ids(const struct examrun *r)
{
    struct sb sb;
    sb_init(&sb);
    for (size_t i = 0; i < r->nitems; i++)
        sb_printf(&sb, "%s%s:%d%d", i ? " " : "", r->items[i].q->id, r->items[i].order[0],
                  r->items[i].order[1]);
    return sb_steal(&sb);
}

static void test_draw(const struct exam *ex)
{
    int seen[16] = { 0 }, counts_ok = 1, unique_ok = 1, perm_ok = 1, fixed_ok = 1;
    int moved = 0;
    struct examrun_opts o = { .has_seed = 1 };
    for (uint64_t seed = 1; seed <= 400; seed++) {
        o.seed = seed;
        char *cause = NULL;
        int code;
        struct examrun *r = examrun_begin(ex, NULL, &o, &cause, &code);
        int per[3] = { 0 };
        counts_ok &= r->nitems == 4;
        for (size_t i = 0; i < r->nitems; i++) {
            const struct exam_question *q = r->items[i].q;
            size_t qi = (size_t)(q - ex->questions);
            per[q->topic[1] - '1']++;
            for (size_t j = 0; j < i; j++)
                unique_ok &= r->items[j].q != q;
            seen[qi]++;
            unsigned mask = 0;
            for (size_t k = 0; k < q->noptions; k++)
                mask |= 1u << r->items[i].order[k];
            perm_ok &= mask == (1u << q->noptions) - 1;
            if (!q->shuffle)
                fixed_ok &= r->items[i].order[0] == 0 && r->items[i].order[1] == 1;
            if (strcmp(q->id, "m1") == 0)
                moved |= r->items[i].order[0] != 0;
        }
        counts_ok &= per[0] == 2 && per[1] == 1 && per[2] == 1;
        examrun_free(r);
    }
    ok(counts_ok, "D1 400 draws each take 2 from t1, 1 from t2, 1 from t3");
    ok(unique_ok, "D2 no question twice in a sitting");
    int all = 1;
    for (size_t i = 0; i < ex->nquestions; i++) {
        if (seen[i] == 0)
            diag("question %s never drawn", ex->questions[i].id);
        all &= seen[i] > 0;
    }
    ok(all, "D3 every question of the bank is reachable");
    ok(seen[1] > 100 && seen[1] < 220, "D4 t1 questions are drawn evenly (s2: %d of 400 "
       "draws, about 160 expected)", seen[1]);
    ok(perm_ok, "D5 the shown options are a permutation of the bank's");
    ok(fixed_ok, "D6 'shuffle: no' keeps the bank's order");
    ok(moved, "D7 shuffled options do move");
    o.seed = 77;
    char *cause = NULL;
    int code;
    struct examrun *a = examrun_begin(ex, NULL, &o, &cause, &code);
    struct examrun *b = examrun_begin(ex, NULL, &o, &cause, &code);
    o.seed = 78;
    struct examrun *c = examrun_begin(ex, NULL, &o, &cause, &code);
    char *ia = draw_ids(a), *ib = draw_ids(b), *ic = draw_ids(c);
    is_str(ia, ib, "D8 one seed gives the same questions, order and options");
    ok(strcmp(ia, ic) != 0, "D9 another seed gives another sitting");
    free(ia);
    free(ib);
    free(ic);
    examrun_free(a);
    examrun_free(b);
    examrun_free(c);
}

/* The right answer to item i in its shown letters (or text). */
static void right_input(const struct examrun_item *it, char *buf, size_t size)
{
    if (it->q->noptions > 0)
        examrun_shown(it, it->q->key, buf, size);
    else
        snprintf(buf, size, "%s", it->q->expected);
}

static void test_result(const struct exam *ex)
{
    struct examrun_opts o = { .has_seed = 1, .seed = 3 };
    for (int variant = 0; variant < 3; variant++) {
        char *cause = NULL;
        int code;
        struct examrun *r = examrun_begin(ex, NULL, &o, &cause, &code);
        for (size_t i = 0; i < r->nitems; i++) {
            char in[64];
            right_input(&r->items[i], in, sizeof in);
            if (strcmp(r->items[i].q->id, "m1") == 0 && variant > 0)
                in[variant == 1 ? 1 : 0] = '\0';    /* one of two, or none */
            if (examrun_answer(r, i, in, &cause) != 0)
                tap_bail_out("answer %zu: %s", i, cause);
        }
        is_int((long long)examrun_unanswered(r), variant == 2, "R%d unanswered count", variant);
        examrun_submit(r);
        static const double want_earned[] = { 5, 4, 3 };
        static const int want_pct[] = { 100, 80, 60 }, want_pass[] = { 1, 1, 0 };
        ok(r->earned == want_earned[variant] && r->max == 5, "R%d earned %g of 5 (got %g of "
           "%g)", variant, want_earned[variant], r->earned, r->max);
        is_int(r->percent, want_pct[variant], "R%d percent", variant);
        is_int(r->passed, want_pass[variant], "R%d pass mark 80%% %s", variant,
               want_pass[variant] ? "reached" : "missed");
        double e, m;
        examrun_topic(r, "t3", &e, &m);
        ok(e == (double)(2 - variant) && m == 2, "R%d topic t3: %d of 2 (got %g of %g)",
           variant, 2 - variant, e, m);
        examrun_free(r);
    }
}

static struct store *open_store(void)
{
    char *cause = NULL;
    struct store *st = store_open("progress.db", &cause);
    if (st == NULL)
        tap_bail_out("store_open: %s", cause);
    return st;
}

static void test_clock(const struct exam *ex)
{
    struct store *st = open_store();
    struct fake_clock clk = { 1000 };
    struct examrun_opts o = { .has_seed = 1, .seed = 5, .clock = fake_now, .clock_ctx = &clk };
    char *cause = NULL;
    int code = 0;
    struct examrun *r = examrun_begin(ex, st, &o, &cause, &code);
    ok(r != NULL && !r->resumed, "T1 a new sitting starts");
    is_int(r->sitting.deadline, 1600, "T1 its deadline is start + 10 minutes");
    char in[64], *first = draw_ids(r);
    right_input(&r->items[0], in, sizeof in);
    is_int(examrun_answer(r, 0, in, &cause), 0, "T2 an answer in time is recorded");
    is_int(examrun_flag(r, 1, 1), 0, "T2 a flag is recorded");
    examrun_free(r);

    clk.t = 1300;
    o.seed = 9;
    r = examrun_begin(ex, st, &o, &cause, &code);
    ok(r != NULL && r->resumed, "T3 the open sitting resumes");
    ok(r->seed_ignored && r->sitting.seed == 5, "T3 with its own seed, not the new one");
    char *again = draw_ids(r);
    is_str(again, first, "T3 same questions, order and options");
    free(again);
    free(first);
    is_int(examrun_remaining(r), 300, "T4 the clock kept running while away");
    ok(examrun_score_answer(r->items[0].q, r->items[0].answer) == 1,
       "T5 the (right) answer came back");
    ok(r->items[1].flagged && r->items[1].answer == NULL, "T5 the flag came back, unanswered");

    clk.t = 1600;
    is_int(examrun_answer(r, 2, "a", &cause), 1, "T6 an answer at the deadline is refused");
    ok(r->submitted && r->expired, "T6 and the sitting is submitted");
    ok(r->items[2].answer == NULL, "T6 without that answer");
    struct store_sitting s;
    is_int(store_sitting_open(st, ex->id, &s), 0, "T7 no sitting is open any more");
    is_int(store_sitting_count(st, ex->id), 1, "T7 one submitted sitting");
    struct store_sitting best, latest;
    store_sitting_best(st, ex->id, &best, &latest);
    is_int(latest.score, r->percent, "T7 the store holds the score");
    is_int(latest.max_score, 100, "T7 out of 100 (a percent)");
    examrun_free(r);

    clk.t = 2000;
    r = examrun_begin(ex, st, &o, &cause, &code);
    ok(r != NULL && !r->resumed && r->sitting.seed == 9, "T8 a second sitting starts with "
       "the new seed");
    right_input(&r->items[0], in, sizeof in);
    examrun_answer(r, 0, in, &cause);
    examrun_free(r);
    clk.t = 5000;
    r = examrun_begin(ex, st, &o, &cause, &code);
    ok(r != NULL && r->resumed && r->submitted && r->expired,
       "T9 resuming after the deadline submits at once");
    ok(r->earned > 0, "T9 with the answers given before");
    store_sitting_best(st, ex->id, &best, &latest);
    is_int(latest.submitted, 2600, "T9 recorded as submitted at the deadline");
    examrun_free(r);

    clk.t = 6000;
    r = examrun_begin(ex, st, &o, &cause, &code);
    ok(r == NULL, "A1 a third sitting is refused (attempts: 2)");
    is_str(cause, "no attempts left at exam 'run': 2 of 2 sittings used ('stacklab exam run "
           "--practice' sits one that is not recorded)", "A1 with the reason and the way on");
    is_int(code, 1, "A1 as the user's to fix (a usage error for the command)");
    free(cause);
    cause = NULL;
    o.practice = 1;
    r = examrun_begin(ex, st, &o, &cause, &code);
    ok(r != NULL && r->practice && r->st == NULL && !r->resumed,
       "P1 a practice sitting starts with every attempt used, apart from the store");
    right_input(&r->items[0], in, sizeof in);
    examrun_answer(r, 0, in, &cause);
    examrun_submit(r);
    struct sb text;
    sb_init(&text);
    examrun_format_result(r, &text);
    like(text.buf, "PRACTICE sitting: not recorded", "P1 its result says it is practice");
    sb_free(&text);
    examrun_free(r);
    is_int(store_sitting_count(st, ex->id), 2, "P1 and it is not counted");
    store_close(st);
}

static void test_open_not_counted(const struct exam *ex)
{
    unlink("progress.db");
    struct store *st = open_store();
    struct fake_clock clk = { 100 };
    struct examrun_opts o = { .clock = fake_now, .clock_ctx = &clk };
    char *cause = NULL;
    int code;
    for (int i = 0; i < 3; i++) {
        struct examrun *r = examrun_begin(ex, st, &o, &cause, &code);
        ok(r != NULL && r->resumed == (i > 0), "A2 reopening an open sitting (%d) does not "
           "use an attempt", i + 1);
        examrun_free(r);
    }
    is_int(store_sitting_count(st, ex->id), 0, "A2 no sitting submitted yet");
    store_close(st);
}

int main(void)
{
    const char *tmp = getenv("TMPDIR");
    char dir[] = "/tmp/exam-run.XXXXXX";
    char *d = tmp ? NULL : mkdtemp(dir);
    if (chdir(tmp ? tmp : d) < 0)
        tap_bail_out("cannot enter a temp folder");
    struct exam *ex = load_bank();
    test_scoring(ex);
    test_parse(ex);
    test_draw(ex);
    test_result(ex);
    test_clock(ex);
    test_open_not_counted(ex);
    exam_free(ex);
    int rc = tap_done_testing();
    if (d != NULL)
        util_rmtree(d);
    return rc;
}
