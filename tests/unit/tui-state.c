/* tui-state.c -- the TUI's screen state without a terminal: the key table, course map
 * navigation, the pager (scrolling, search, re-layout), the lab text with hints, the
 * check output parser, and a check run in a child process (a stand-in program). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tap.h"
#include "tui.h"

static void test_keys(void)
{
    is_int(tui_key_action(TUI_CTX_MAP, 'j'), TUI_DOWN, "k1: j moves down on the map");
    is_int(tui_key_action(TUI_CTX_LESSON, KEY_NPAGE), TUI_PGDN, "k2: PgDn pages in a lesson");
    is_int(tui_key_action(TUI_CTX_MAP, 'c'), TUI_NONE, "k3: c means nothing on the map");
    is_int(tui_key_action(TUI_CTX_LAB, 'c'), TUI_CHECK, "k4: c checks on the lab screen");
    is_int(tui_key_action(TUI_CTX_LESSON, 'q'), TUI_QUIT, "k5: q quits from a lesson");
    int named = 0, all_help = 1;
    for (const struct tui_key *k = tui_keys; k->action != TUI_NONE; k++) {
        if (k->name != NULL) {
            named++;
            all_help &= k->help != NULL && k->help[0] != '\0';
        }
    }
    ok(named >= 15 && all_help, "k6: %d named bindings, each with help", named);
}

/* A course of three lessons and one lab over two tracks (no exams). */
static struct lesson les[3];
static struct lab lab1;
static struct course_item order[4];
static struct course course;

static void fake_course(void)
{
    static const char *ids[] = { "01", "02", "03" }, *tracks[] = { "intro", "vial", "vial" };
    for (int i = 0; i < 3; i++) {
        les[i].id = (char *)ids[i];
        les[i].title = (char *)"A lesson";
        les[i].track = (char *)tracks[i];
    }
    lab1.id = (char *)"01";
    lab1.title = (char *)"Parse a request";
    lab1.track = (char *)"vial";
    order[0] = (struct course_item){ .kind = COURSE_LESSON, .u.lesson = &les[0] };
    order[1] = (struct course_item){ .kind = COURSE_LESSON, .u.lesson = &les[1] };
    order[2] = (struct course_item){ .kind = COURSE_LAB, .u.lab = &lab1 };
    order[3] = (struct course_item){ .kind = COURSE_LESSON, .u.lesson = &les[2] };
    static struct track vial = { .id = (char *)"vial", .title = (char *)"Micro track: vial",
                                 .short_title = (char *)"vial" };
    course.tracks = &vial;
    course.ntracks = 1;
    course.order = order;
    course.norder = 4;
}

static void test_map(void)
{
    struct tui_map m;
    fake_course();
    tui_map_init(&m, &course);
    is_int((long long)m.n, 6, "m1: four items under two track headings");
    ok(m.entries[0].header && m.entries[2].header, "m2: headings before each track");
    is_str(m.entries[2].title, "Micro track: vial", "m3: the vial heading's name");
    is_int((long long)m.sel, 1, "m4: the first item (not a heading) is selected");
    tui_map_key(&m, TUI_DOWN, 3);
    is_int((long long)m.sel, 3, "m5: down skips the heading");
    tui_map_key(&m, TUI_BOTTOM, 3);
    is_int((long long)m.sel, 5, "m6: G goes to the last item");
    ok(m.top > 0 && m.sel < m.top + 3, "m7: the view scrolled to keep it visible (top %zu)", m.top);
    tui_map_key(&m, TUI_TOP, 3);
    ok(m.sel == 1 && m.top == 0, "m8: g goes back to the first item and the top");
    tui_map_key(&m, TUI_UP, 3);
    is_int((long long)m.sel, 1, "m9: up at the first item stays");
    tui_map_key(&m, TUI_DOWN, 3);
    tui_map_key(&m, TUI_DOWN, 3);
    is_int(tui_map_key(&m, TUI_OPEN, 3), 1, "m10: Enter asks to open the item");
    ok(m.entries[m.sel].item == &lab1, "m11: and the item is the lab");
    tui_map_free(&m);
}

static char *numbered(int n)
{
    struct sb sb;
    sb_init(&sb);
    sb_puts(&sb, "# Title\n\n");
    for (int i = 1; i <= n; i++)
        sb_printf(&sb, "Paragraph %d %s, and words enough to wrap in a narrow pane.\n\n", i,
                  i == 40 ? "with a needle" : "plain");
    return sb_steal(&sb);
}

static void test_pager(void)
{
    struct tui_pager p;
    memset(&p, 0, sizeof p);
    char *md = numbered(60);
    tui_pager_set(&p, md, strlen(md));
    tui_pager_layout(&p, 80, 10);
    size_t n = tui_pager_lines(&p);
    ok(p.doc != NULL && n >= 60, "p1: rendered %zu lines", n);
    is_int(tui_pager_key(&p, TUI_UP), 0, "p2: up at the top does not move");
    tui_pager_key(&p, TUI_PGDN);
    is_int((long long)p.top, 9, "p3: a page down moves rows-1 lines");
    ok(!tui_pager_at_end(&p), "p4: not at the end yet");
    tui_pager_key(&p, TUI_BOTTOM);
    ok(tui_pager_at_end(&p) && p.top == n - 10, "p5: G shows the last page");
    tui_pager_key(&p, TUI_TOP);
    is_int(tui_pager_search(&p, "NEEDLE", 1), 1, "p6: search is case-insensitive");
    ok(p.match >= 0 && strstr(p.doc->lines[p.match].text, "needle") != NULL,
       "p7: the match is the needle's line");
    ok((size_t)p.match >= p.top && (size_t)p.match < p.top + 10, "p8: and it is visible");
    long first = p.match;
    is_int(tui_pager_search(&p, NULL, 1), 1, "p9: n wraps around to the same match");
    is_int(p.match, first, "p10: the only match");
    is_int(tui_pager_search(&p, "absent words", 1), 0, "p11: a missing word is not found");
    tui_pager_key(&p, TUI_TOP);
    for (int i = 0; i < 3; i++)
        tui_pager_key(&p, TUI_PGDN);
    size_t before = p.top;
    tui_pager_layout(&p, 30, 10);
    ok(tui_pager_lines(&p) > n, "p12: a narrower pane wraps into more lines");
    ok(p.top > before, "p13: and keeps the reading position (%zu -> %zu)", before, p.top);
    tui_pager_free(&p);

    tui_pager_set_plain(&p, xstrdup("one\ntwo\n\nfour"));
    tui_pager_layout(&p, 40, 2);
    is_int((long long)tui_pager_lines(&p), 4, "p14: plain text keeps its lines");
    is_str(p.doc->lines[3].text, "four", "p15: as they are");
    tui_pager_free(&p);
}

static void test_lab_text(void)
{
    const char *body = "## Goal\nParse it.\n\n## Hints\n\n### Hint 1\nLook at CRLF.\n\n"
                       "### Hint 2\nUse strtol.\n";
    int n = 0;
    char *t = tui_lab_text(body, 0, &n);
    is_int(n, 2, "h1: two hints found");
    ok(strstr(t, "Parse it.") && !strstr(t, "CRLF") && strstr(t, "Press h"),
       "h2: no hint shown at first, only how to get one");
    free(t);
    t = tui_lab_text(body, 1, &n);
    ok(strstr(t, "CRLF") && !strstr(t, "strtol"), "h3: one hint shows the first only");
    free(t);
    t = tui_lab_text(body, 2, &n);
    ok(strstr(t, "CRLF") && strstr(t, "strtol") && !strstr(t, "Press h"), "h4: all shown");
    free(t);
}

/* The shape `stacklab check --format=tap` prints (report_tap in runner/report.c). */
static const char sample[] =
    "TAP version 13\n"
    "1..3\n"
    "# lab 01: Parse a request\n"
    "ok 1 - lab 01: parses the request line\n"
    "not ok 2 - lab 01: rejects a bare LF\n"
    "  ---\n"
    "  message: expected 400\n"
    "  expected: \"400\"\n"
    "  got: \"200\"\n"
    "  ...\n"
    "ok 3 - lab 01: reads headers\n"
    "# fail lab 01: 2 of 3 tests passed over 1 lab in 0.5 s (seed 42)\n";

static void test_parse(void)
{
    struct tui_check c;
    memset(&c, 0, sizeof c);
    c.fd = -1;
    tui_check_parse(&c, sample, sizeof sample - 1);
    is_int((long long)c.nresults, 3, "c1: three tests");
    ok(c.nresults == 3 && !c.results[0].ok && c.results[1].ok && c.results[2].ok,
       "c2: their verdicts, the failure listed first");
    if (c.nresults == 3) {
        is_str(c.results[0].name, "[01] rejects a bare LF", "c3: the test's lab and name");
        like(c.results[0].detail, "expected: 400\ngot:      200\n", "c4: the failure's details");
        ok(c.results[1].detail == NULL, "c5: a passing test has none here");
        like(c.results[1].name, "parses the request line", "c5b: then the passes, in order");
        like(c.results[2].name, "reads headers", "c5b: both");
    } else {
        skip(5, "no tests parsed");
    }
    like(c.log, "# lab 01: Parse a request", "c6: the whole output is kept as the log");
    is_str(c.summary, "fail lab 01: 2 of 3 tests passed over 1 lab in 0.5 s (seed 42)",
           "c7: the last line is the summary");
    tui_check_free(&c);
}

static void test_child(void)
{
    const char *tmp = getenv("TMPDIR");
    char *dir = xasprintf("%s/tui-state-XXXXXX", tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
    if (mkdtemp(dir) == NULL)
        BAIL_OUT("mkdtemp");
    char *exe = util_path_join(dir, "fake-check");
    const char *script = "#!/bin/sh\n"
                         "echo \"ok 1 - args $1 $2 in $(basename \"$PWD\") color=$NO_COLOR\"\n"
                         "echo \"not ok 2 - second ($3)\"\n"
                         "printf '  ---\\n  message: boom\\n  ...\\n'\n"
                         "echo 'to stderr' >&2\n"
                         "exit 1\n";
    util_write_file(exe, script, strlen(script), 0755);
    struct tui_check c;
    memset(&c, 0, sizeof c);
    c.fd = -1;
    char *cause = NULL;
    is_int(tui_check_start(&c, exe, dir, "07", &cause), 0, "r1: the check starts");
    double deadline = util_mono() + 20;
    while (tui_check_poll(&c) == 0 && util_mono() < deadline)
        usleep(10000);
    ok(!c.running, "r2: and finishes");
    is_int(c.exit_code, 1, "r3: its exit code");
    is_int((long long)c.nresults, 2, "r4: two results parsed");
    if (c.nresults == 2) {
        like(c.results[1].name, "args check 07 in tui-state-", "r5: run as `check LAB` in root");
        like(c.results[1].name, "color=1", "r6: with NO_COLOR=1");
        like(c.results[0].detail, "boom", "r7: details of the failure (listed first)");
        like(c.results[0].name, "(--format=tap)", "r7b: it asks for TAP");
    } else {
        skip(3, "no results");
    }
    like(c.log, "to stderr", "r8: stderr is read too");
    tui_check_free(&c);

    const char *slow = "#!/bin/sh\nsleep 30\n";
    util_write_file(exe, slow, strlen(slow), 0755);
    tui_check_start(&c, exe, dir, "01", &cause);
    pid_t pid = c.pid;
    double t0 = util_mono();
    tui_check_free(&c);
    ok(util_mono() - t0 < 5 && kill(pid, 0) != 0, "r9: stopping a running check kills it");
    free(cause);
    free(exe);
    util_rmtree(dir);
    free(dir);
}

int main(void)
{
    test_keys();
    test_map();
    test_pager();
    test_lab_text();
    test_parse();
    test_child();
    return done_testing();
}
