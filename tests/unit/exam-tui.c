/* exam-tui.c -- the exam screen's state without a terminal: option letters pick and
 * toggle, typed short answers, navigation, jump, marks, the question list, submit with
 * confirmation, leaving (asked first during a sitting), and the clock running out while
 * the screen is open. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "examrun.h"
#include "tap.h"
#include "tui-exam.h"
#include "util.h"

static const char bank[] =
    "title: Screen\ntrack: all\nminutes: 10\nquestions: 3\n"
    "question: one\ntype: single\ntext: One\na: x\nb: y\nc: z\nanswer: b\nexplain: e\n"
    "question: many\ntype: multiple\ntext: Many\na: p\nb: q\nc: r\nanswer: ac\nexplain: e\n"
    "question: word\ntype: pattern\ntext: Word\nanswer: 0*1a\nexpected: 1a\nexplain: e\n";

struct fake_clock {
    int64_t t;
};

static int64_t fake_now(void *ctx)
{
    return ((struct fake_clock *)ctx)->t;
}

static void keys(struct tui_exam *t, const char *s)
{
    for (; *s; s++)
        tui_exam_key(t, (unsigned char)*s);
}

/* Index of the item whose question has this id. */
static size_t find(const struct examrun *r, const char *id)
{
    for (size_t i = 0; i < r->nitems; i++)
        if (strcmp(r->items[i].q->id, id) == 0)
            return i;
    tap_bail_out("no item %s", id);
}

/* Jumps with "j N Enter". */
static void jump(struct tui_exam *t, size_t i)
{
    char k[16];
    snprintf(k, sizeof k, "j%zu\r", i + 1);
    keys(t, k);
}

int main(void)
{
    const char *tmp = getenv("TMPDIR");
    if (tmp == NULL || chdir(tmp) < 0)
        tap_bail_out("set TMPDIR to a scratch folder");
    if (util_write_file("screen.exam", bank, sizeof bank - 1, 0644) < 0)
        tap_bail_out("cannot write the bank");
    struct sb errors;
    sb_init(&errors);
    struct exam *ex = exam_load("screen.exam", &errors);
    if (ex == NULL)
        tap_bail_out("%s", errors.buf);
    sb_free(&errors);

    struct fake_clock clk = { 100 };
    struct examrun_opts o = { .has_seed = 1, .seed = 11, .clock = fake_now, .clock_ctx = &clk };
    char *cause = NULL;
    int code;
    struct examrun *r = examrun_begin(ex, NULL, &o, &cause, &code);
    struct tui_exam t;
    tui_exam_init(&t, r);
    ok(t.view == TUI_EXAM_QUESTION && t.cur == 0, "K1 starts on question 1");
    keys(&t, "n");
    is_int((long long)t.cur, 1, "K2 n goes to the next question");
    keys(&t, "pp");
    is_int((long long)t.cur, 0, "K2 p goes back, and stops at the first");

    size_t one = find(r, "one"), many = find(r, "many"), word = find(r, "word");
    jump(&t, one);
    is_int((long long)t.cur, (long long)one, "K3 j N Enter jumps to question N");
    char right[8];
    examrun_shown(&r->items[one], "b", right, sizeof right);
    tui_exam_key(&t, right[0]);
    is_str(r->items[one].answer, "b", "K4 a letter answers a single choice question");
    tui_exam_key(&t, right[0] == 'a' ? 'c' : 'a');
    ok(strcmp(r->items[one].answer, "b") != 0, "K4 another letter replaces it");
    tui_exam_key(&t, right[0]);
    tui_exam_key(&t, 'h');
    is_str(r->items[one].answer, "b", "K5 a letter past the options changes nothing");

    jump(&t, many);
    char ac[8];
    examrun_shown(&r->items[many], "ac", ac, sizeof ac);
    keys(&t, ac);
    is_str(r->items[many].answer, "ac", "K6 letters toggle on in a multiple choice question");
    tui_exam_key(&t, ac[0]);
    ok(r->items[many].answer != NULL && strlen(r->items[many].answer) == 1,
       "K6 and off again");
    tui_exam_key(&t, ac[0]);

    jump(&t, word);
    keys(&t, "\r1a\r");
    is_str(r->items[word].answer, "1a", "K7 Enter, text, Enter answers a short question");
    keys(&t, "\rzz\033");
    is_str(r->items[word].answer, "1a", "K7 Esc cancels the typing");
    ok(t.view == TUI_EXAM_QUESTION, "K7 back on the question");
    keys(&t, "\r\b\bx\r");
    is_str(r->items[word].answer, "x", "K7 Backspace edits the answer");

    keys(&t, "m");
    ok(r->items[word].flagged, "K8 m marks for review");
    keys(&t, "u");
    ok(t.view == TUI_EXAM_LIST && t.sel == word, "K9 u lists the questions, on this one");
    tui_exam_key(&t, 'k');
    tui_exam_key(&t, '\r');
    ok(t.view == TUI_EXAM_QUESTION && t.cur == (word > 0 ? word - 1 : 0),
       "K9 Up then Enter opens a question of the list");
    keys(&t, "j9\r");
    like(t.msg, "no question 9", "K10 a jump past the end is refused");

    keys(&t, "s");
    ok(t.view == TUI_EXAM_CONFIRM, "K11 s asks for confirmation");
    keys(&t, "n");
    ok(t.view == TUI_EXAM_QUESTION && !r->submitted, "K11 any other key goes back");
    keys(&t, "sy");
    ok(t.view == TUI_EXAM_RESULT && r->submitted, "K12 s y submits and shows the result");
    like(t.result, "Result: 2 of 3 points", "K12 with the score (x does not match 0*1a)");
    like(t.result, "[word]", "K12 and the review");
    is_int(tui_exam_key(&t, 'q'), 1, "K13 q leaves");
    tui_exam_free(&t);
    examrun_free(r);

    r = examrun_begin(ex, NULL, &o, &cause, &code);
    tui_exam_init(&t, r);
    is_int(tui_exam_key(&t, 'q'), 0, "K14 q during a sitting does not leave at once");
    ok(t.view == TUI_EXAM_LEAVE, "K14 it asks first (the footer: the clock keeps running)");
    tui_exam_key(&t, 'n');
    ok(t.view == TUI_EXAM_QUESTION && t.cur == 0, "K14 any other key stays, and does nothing");
    keys(&t, "u");
    tui_exam_key(&t, 'q');
    tui_exam_key(&t, 'z');
    ok(t.view == TUI_EXAM_LIST, "K14 back to the list when asked from the list");
    tui_exam_key(&t, 'q');
    is_int(tui_exam_key(&t, 'q'), 1, "K14 q q leaves");
    ok(!r->submitted, "K14 without submitting");
    tui_exam_free(&t);
    examrun_free(r);

    r = examrun_begin(ex, NULL, &o, &cause, &code);
    tui_exam_init(&t, r);
    is_int(tui_exam_tick(&t), 0, "T1 nothing happens while there is time");
    clk.t += 600;
    is_int(tui_exam_tick(&t), 1, "T2 at the deadline the screen submits");
    ok(t.view == TUI_EXAM_RESULT && r->expired, "T2 and shows the result");
    like(t.result, "Time is up", "T2 saying why");
    tui_exam_free(&t);
    examrun_free(r);
    exam_free(ex);
    return tap_done_testing();
}
