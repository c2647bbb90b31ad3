/* exam-bank.c -- exam bank parsing: a valid bank reads into the expected structs
 * (continuation lines, sorted keys, defaults), every malformed entry is reported with its
 * exact "path:line: message", and the course's own micro bank is valid. Runs in a fresh
 * temp folder ($TMPDIR). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exam.h"
#include "examrun.h"
#include "tap.h"
#include "util.h"

static const char good[] =
    "# a comment\n"
    "title: Sample exam\n"
    "track: vial\n"
    "minutes: 10\n"
    "questions: 2\n"
    "topics: a 1, b 1\n"
    "\n"
    "question: q1\n"
    "topic: a\n"
    "type: multiple\n"
    "text: First line\n"
    "|     indented code\n"
    "|\n"
    "| last\n"
    "a: one\n"
    "b: two\n"
    "c: three\n"
    "answer: c, a\n"
    "explain: because\n"
    "points: 2\n"
    "shuffle: no\n"
    "\n"
    "question: q2\n"
    "topic: b\n"
    "type: exact\n"
    "text: Q2?\n"
    "answer: 42\n"
    "answer: forty-two\n"
    "explain: e\n";

static void write_bank(const char *path, const char *text)
{
    if (util_write_file(path, text, strlen(text), 0644) < 0)
        tap_bail_out("cannot write %s", path);
}

/* Loads text as path; returns the error text (caller frees), "" when it loaded. */
static char *load_errors(const char *path, const char *text)
{
    write_bank(path, text);
    struct sb errors;
    sb_init(&errors);
    struct exam *ex = exam_load(path, &errors);
    ok((ex == NULL) == (errors.len > 0), "%s: NULL exactly when there are errors", path);
    exam_free(ex);
    return sb_steal(&errors);
}

/* Replaces the first `from` in good[] by `to`. Caller frees. */
static char *edit(const char *from, const char *to)
{
    const char *at = strstr(good, from);
    if (at == NULL)
        tap_bail_out("fixture has no '%s'", from);
    return xasprintf("%.*s%s%s", (int)(at - good), good, to, at + strlen(from));
}

static void expect_errors(const char *name, const char *from, const char *to,
                          const char *expected)
{
    char *text = edit(from, to);
    char *got = load_errors("bad.exam", text);
    is_str(got, expected, "%s", name);
    free(got);
    free(text);
}

static void test_good(void)
{
    write_bank("sample.exam", good);
    struct sb errors;
    sb_init(&errors);
    struct exam *ex = exam_load("sample.exam", &errors);
    ok(ex != NULL, "B1 the sample bank loads");
    is_str(errors.buf, "", "B1 with no errors");
    sb_free(&errors);
    if (ex == NULL)
        tap_bail_out("cannot go on without the sample bank");
    is_str(exam_id(ex), "sample", "B2 id is the file name without .exam");
    is_str(exam_title(ex), "Sample exam", "B2 title");
    is_str(exam_track(ex), "vial", "B2 track");
    is_int(ex->minutes, 10, "B2 minutes");
    is_int(ex->draw, 2, "B2 questions per sitting");
    is_int(ex->pass, 70, "B2 pass mark defaults to 70");
    is_int(ex->attempts, 0, "B2 attempts default to unlimited");
    is_int((long long)ex->ntopics, 2, "B2 two topics");
    is_int(ex->topics[1].count, 1, "B2 topic count");
    is_int((long long)ex->nquestions, 2, "B3 two questions");
    const struct exam_question *q = exam_question(ex, "q1");
    ok(q != NULL && q->type == EXAM_MULTIPLE, "B3 q1 is multiple choice");
    is_str(q->text, "First line\n    indented code\n\nlast",
           "B3 '|' lines continue the text, keeping indentation");
    is_int((long long)q->noptions, 3, "B3 three options");
    is_str(q->options[2], "three", "B3 option c");
    is_str(q->key, "ac", "B3 the key is sorted and separators dropped");
    is_int(q->points, 2, "B3 points");
    is_int(q->shuffle, 0, "B3 shuffle: no");
    is_int((long long)q->line, 8, "B3 the question's line");
    q = exam_question(ex, "q2");
    ok(q != NULL && q->type == EXAM_EXACT, "B4 q2 is exact");
    is_int((long long)q->naccept, 2, "B4 two accepted answers");
    is_str(q->expected, "42", "B4 'expected' defaults to the first accepted answer");
    ok(exam_question(ex, "q3") == NULL, "B4 unknown ids are not found");
    exam_free(ex);
    exam_free(NULL);
}

static void test_settings(void)
{
    expect_errors("E1 unknown setting", "title: Sample exam", "titel: Sample exam",
                  "bad.exam:2: unknown setting 'titel'\n"
                  "bad.exam:1: missing setting 'title'\n");
    expect_errors("E2 minutes out of range", "minutes: 10", "minutes: 0",
                  "bad.exam:4: 'minutes' must be a number from 1 to 600\n");
    expect_errors("E3 minutes not a number", "minutes: 10", "minutes: 10m",
                  "bad.exam:4: 'minutes' must be a number from 1 to 600\n");
    /* Which tracks exist is the course loader's to say (040-loader.t). */
    expect_errors("E4 any track name is the course loader's to judge", "track: vial",
                  "track: flask", "");
    expect_errors("E5 setting given twice", "minutes: 10\n", "minutes: 10\nminutes: 12\n",
                  "bad.exam:5: 'minutes' given twice\n");
    expect_errors("E6 topics do not add up", "topics: a 1, b 1", "topics: a 1, b 2",
                  "bad.exam:6: topic 'b' has only 1 of the 2 questions a sitting draws\n"
                  "bad.exam:6: 'topics' add up to 3 but 'questions' is 2\n");
    expect_errors("E7 malformed topics", "topics: a 1, b 1", "topics: a 1, b",
                  "bad.exam:6: 'topics' entries look like 'NAME COUNT, NAME COUNT'\n"
                  "bad.exam:24: topic 'b' is not listed in 'topics'\n"
                  "bad.exam:6: 'topics' add up to 1 but 'questions' is 2\n");
    expect_errors("E8 missing questions setting", "questions: 2\n", "",
                  "bad.exam:1: missing setting 'questions'\n");
    expect_errors("E9 no topics and too few questions", "questions: 2\ntopics: a 1, b 1\n",
                  "questions: 3\n", "bad.exam:5: 'questions' is 3 but the bank holds 2\n");
    char *got = load_errors("empty.exam", "title: T\ntrack: keg\nminutes: 5\nquestions: 1\n");
    is_str(got, "empty.exam:4: no questions\n", "E10 a bank without questions");
    free(got);
    got = load_errors("Bad_Name.exam", good);
    is_str(got, "Bad_Name.exam:1: exam name 'Bad_Name' must be 1-31 characters of a-z, 0-9 "
           "and -\n", "E11 the file name must make a valid exam id");
    free(got);
    struct sb errors;
    sb_init(&errors);
    ok(exam_load("missing.exam", &errors) == NULL, "E12 a missing file does not load");
    is_str(errors.buf, "missing.exam:0: cannot read: No such file or directory\n",
           "E12 and says why");
    sb_free(&errors);
}

static void test_questions(void)
{
    expect_errors("Q1 answer is not an option", "answer: c, a", "answer: d",
                  "bad.exam:18: answer 'd' is not an option\n");
    expect_errors("Q2 single takes one option", "type: multiple", "type: single",
                  "bad.exam:18: a single question has exactly one right option\n");
    expect_errors("Q3 duplicate id", "question: q2", "question: q1",
                  "bad.exam:23: question id 'q1' already used at line 8\n");
    expect_errors("Q4 missing explain", "explain: e\n", "",
                  "bad.exam:23: question 'q2': missing 'explain'\n");
    expect_errors("Q5 unknown type", "type: exact", "type: essay",
                  "bad.exam:25: 'type' must be single, multiple, exact or pattern\n");
    expect_errors("Q6 stray continuation", "topic: b\n", "topic: b\n| stray\n",
                  "bad.exam:25: a '|' line must follow text, explain or an option\n");
    expect_errors("Q7 not key: value", "explain: e\n", "explain: e\nthis is wrong\n",
                  "bad.exam:30: expected 'key: value'\n");
    expect_errors("Q8 unknown key", "explain: e\n", "explain: e\nhint: h\n",
                  "bad.exam:30: unknown key 'hint'\n");
    expect_errors("Q9 options with a gap", "b: two\n", "",
                  "bad.exam:16: option 'c' comes after a missing option 'b'\n");
    expect_errors("Q10 option given twice", "c: three\n", "c: three\nc: four\n",
                  "bad.exam:18: option 'c' given twice\n");
    expect_errors("Q11 options on a short answer", "text: Q2?\n", "text: Q2?\na: x\n",
                  "bad.exam:27: options belong to single or multiple questions\n");
    expect_errors("Q12 topic not listed", "topic: b", "topic: c",
                  "bad.exam:24: topic 'c' is not listed in 'topics'\n"
                  "bad.exam:6: topic 'b' has only 0 of the 1 questions a sitting draws\n");
    expect_errors("Q13 pattern needs expected", "type: exact", "type: pattern",
                  "bad.exam:27: a pattern question takes one 'answer' line\n");
    expect_errors("Q14 pattern without expected",
                  "type: exact\ntext: Q2?\nanswer: 42\nanswer: forty-two\n",
                  "type: pattern\ntext: Q2?\nanswer: 4[0-9]\n",
                  "bad.exam:23: question 'q2': a pattern question needs 'expected' (the answer"
                  " the review shows)\n");
    expect_errors("Q15 expected must match the pattern",
                  "type: exact\ntext: Q2?\nanswer: 42\nanswer: forty-two\n",
                  "type: pattern\ntext: Q2?\nanswer: 4[0-9]\nexpected: 50\n",
                  "bad.exam:28: 'expected' does not match the pattern\n");
    char *text = edit("type: exact\ntext: Q2?\nanswer: 42\nanswer: forty-two\n",
                      "type: pattern\ntext: Q2?\nanswer: 4(2\nexpected: 42\n");
    char *got = load_errors("bad.exam", text);
    like(got, "bad.exam:27: bad pattern: ", "Q16 a pattern that does not compile");
    free(got);
    free(text);
    expect_errors("Q17 expected on a choice question", "points: 2", "expected: a",
                  "bad.exam:20: 'expected' belongs to exact or pattern questions\n");
    expect_errors("Q18 points out of range", "points: 2", "points: 11",
                  "bad.exam:20: 'points' must be a number from 1 to 10\n");
    expect_errors("Q19 bad question id", "question: q2", "question: Q 2",
                  "bad.exam:23: question id 'Q 2' must be 1-40 characters of a-z, 0-9 and -\n");
    expect_errors("Q20 missing answer", "answer: 42\nanswer: forty-two\n",
                  "", "bad.exam:23: question 'q2': missing 'answer'\n");
    expect_errors("Q21 every problem is reported, in order", "text: Q2?\nanswer: 42\n",
                  "text: Q2?\noops\nanswer: 42\nhint: h\n",
                  "bad.exam:27: expected 'key: value'\n"
                  "bad.exam:29: unknown key 'hint'\n");
}

static void test_micro_bank(void)
{
    const char *path = STACKLAB_SRCDIR "/exams/micro.exam";
    struct sb errors;
    sb_init(&errors);
    struct exam *ex = exam_load(path, &errors);
    ok(ex != NULL, "M1 exams/micro.exam is valid");
    if (errors.len > 0)
        diag("%s", errors.buf);
    sb_free(&errors);
    if (ex == NULL)
        return;
    ok(ex->nquestions >= 15, "M2 micro holds at least 15 questions (%zu)", ex->nquestions);
    is_str(exam_track(ex), "vial", "M3 micro belongs to the vial track");
    int short_ok = 1;
    for (size_t i = 0; i < ex->nquestions; i++) {
        const struct exam_question *q = &ex->questions[i];
        if (q->type == EXAM_PATTERN || q->type == EXAM_EXACT)
            short_ok &= q->expected != NULL;
    }
    ok(short_ok, "M4 every short answer question shows an expected answer");
    size_t seen = 0;
    char *hit = xcalloc(ex->nquestions, 1);
    for (uint64_t seed = 1; seed <= 1000 && seen < ex->nquestions; seed++) {
        struct examrun_opts o = { .seed = seed, .has_seed = 1 };
        char *cause = NULL;
        int code;
        struct examrun *r = examrun_begin(ex, NULL, &o, &cause, &code);
        for (size_t i = 0; i < r->nitems; i++) {
            size_t qi = (size_t)(r->items[i].q - ex->questions);
            seen += !hit[qi];
            hit[qi] = 1;
        }
        examrun_free(r);
    }
    is_int((long long)seen, (long long)ex->nquestions,
           "M5 every micro question is drawn by some seed");
    free(hit);
    exam_free(ex);
}

int main(void)
{
    const char *tmp = getenv("TMPDIR");
    char dir[] = "/tmp/exam-bank.XXXXXX";
    char *d = tmp ? NULL : mkdtemp(dir);
    if (chdir(tmp ? tmp : d) < 0)
        tap_bail_out("cannot enter a temp folder");
    test_good();
    test_settings();
    test_questions();
    test_micro_bank();
    int rc = tap_done_testing();
    if (d != NULL)
        util_rmtree(d);
    return rc;
}
