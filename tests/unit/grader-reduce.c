/* grader-reduce.c -- the pure pieces of the grader's report: sanitizer reports reduced to
 * kind + learner file:line + function (runner/sanitizer.c) and the line diff
 * (runner/diff.c). Each case has an id. */
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "sanitizer.h"
#include "tap.h"

static const char *const learner[] = { "vial/", NULL };

static const char asan[] =
    "noise ok 1 - fake\n"
    "=================================================================\n"
    "==9434==ERROR: AddressSanitizer: heap-buffer-overflow on address 0x602000000018 at pc 0x5\n"
    "READ of size 1 at 0x602000000018 thread T0\n"
    "    #0 0x561918f68423 in memcpy ../../../../src/libsanitizer/asan/x.cpp:69\n"
    "    #1 0x561918f68423 in overflow /box/build-x/vial/a.c:4\n"
    "    #2 0x561918f682f1 in main /tmp/santest/main.c:6\n"
    "\n"
    "allocated by thread T0 here:\n"
    "    #0 0x7f831f2b89cf in __interceptor_malloc ../asan_malloc_linux.cpp:69\n";

static const char lsan[] =
    "==9441==ERROR: LeakSanitizer: detected memory leaks\n"
    "\n"
    "Direct leak of 10 byte(s) in 1 object(s) allocated from:\n"
    "    #0 0x7fcf61cb89cf in __interceptor_malloc ../asan_malloc_linux.cpp:69\n"
    "    #1 0x55affeaaf44f in leaky vial/a.c:5:12\n"
    "    #2 0x55affeaaf2fe in main /tmp/santest/main.c:7\n";

/* A leak as LeakSanitizer reports it in a subject: allocated by given code (pairs_dup in
 * vial/pairs.c), leaked by the learner's vial/request.c; a second leak follows. */
static const char lsan_given[] =
    "=================================================================\n"
    "==2==ERROR: LeakSanitizer: detected memory leaks\n"
    "\n"
    "Direct leak of 24 byte(s) in 1 object(s) allocated from:\n"
    "    #0 0x7f2b3c8b89cf in __interceptor_malloc ../../../../src/libsanitizer/asan/"
    "asan_malloc_linux.cpp:69\n"
    "    #1 0x55d0c1a2b3c4 in pairs_dup vial/pairs.c:41\n"
    "    #2 0x55d0c1a2b5e6 in vial_request_parse_args vial/request.c:88\n"
    "    #3 0x55d0c1a2a111 in wire_vial_exec /box/wire.h:485\n"
    "    #4 0x55d0c1a2a3c9 in main /box/driver.c:11\n"
    "    #5 0x7f2b3c645249 in __libc_start_call_main ../sysdeps/nptl/"
    "libc_start_call_main.h:58\n"
    "\n"
    "Indirect leak of 6 byte(s) in 1 object(s) allocated from:\n"
    "    #0 0x7f2b3c8b89cf in __interceptor_strdup ../asan_interceptors.cpp:439\n"
    "    #1 0x55d0c1a2b3f0 in pairs_dup vial/pairs.c:44\n"
    "\n"
    "SUMMARY: AddressSanitizer: 30 byte(s) leaked in 2 allocation(s).\n";

/* reduce_edited ID TEXT EDITED FILE LINE FN: blame with a list of edited files. */
static void reduce_edited(const char *id, const char *text, const char *const *edited,
                          const char *file, int line, const char *fn)
{
    struct sanitizer_report r;
    int found = sanitizer_reduce_edited(text, learner, edited, &r);
    ok(found == 1, "%s: found", id);
    is_str(r.file, file, "%s: file", id);
    is_int(r.line, line, "%s: line", id);
    is_str(r.function, fn, "%s: function", id);
}

static const char ubsan[] =
    "hello\nvial/a.c:6:26: runtime error: signed integer overflow: 5 + 2147483647 cannot be "
    "represented in type 'int'\n";

static void reduce(const char *id, const char *text, enum sanitizer_tool tool,
                   const char *kind, const char *file, int line, const char *fn)
{
    struct sanitizer_report r;
    int found = sanitizer_reduce(text, learner, &r);
    ok(found == (tool != SANITIZER_NONE), "%s: found", id);
    is_int(r.tool, tool, "%s: tool", id);
    like(r.kind, kind, "%s: kind", id);
    is_str(r.file, file, "%s: file", id);
    is_int(r.line, line, "%s: line", id);
    is_str(r.function, fn, "%s: function", id);
}

static void difftest(const char *id, const char *exp, const char *got, const char *want)
{
    char *d = diff_lines(exp, got);
    is_str(d, want, "%s: diff", id);
    free(d);
}

int main(void)
{
    reduce("r01 asan", asan, SANITIZER_ASAN, "heap-buffer-overflow", "vial/a.c", 4,
           "overflow");
    reduce("r02 lsan", lsan, SANITIZER_LSAN, "memory leak of 10 bytes in 1 object",
           "vial/a.c", 5, "leaky");
    reduce("r03 ubsan", ubsan, SANITIZER_UBSAN, "signed integer overflow", "vial/a.c", 6, "");
    reduce("r04 none", "ok 1 - all good\n1..1\n", SANITIZER_NONE, "", "", 0, "");
    reduce("r05 cut off", "==1==ERROR: AddressSanitizer: SEGV on unknown address\n    #0 0x1 in f",
           SANITIZER_ASAN, "SEGV", "", 0, "");
    char line[400];
    struct sanitizer_report r;
    sanitizer_reduce(asan, learner, &r);
    sanitizer_format(&r, line, sizeof line);
    is_str(line, "AddressSanitizer: heap-buffer-overflow in overflow() at vial/a.c:4",
           "r06 format");

    static const char *const lab04[] = { "vial/request_parse.c", "vial/response.c",
                                         "vial/request.c", NULL };
    static const char *const lab01[] = { "vial/request_parse.c", NULL };
    reduce_edited("r07 leak blamed on the edited file, not given code", lsan_given, lab04,
                  "vial/request.c", 88, "vial_request_parse_args");
    reduce_edited("r08 no edited file in the stack: the first learner frame", lsan_given,
                  lab01, "vial/pairs.c", 41, "pairs_dup");
    reduce_edited("r09 no list: the first learner frame", lsan_given, NULL, "vial/pairs.c", 41,
                  "pairs_dup");
    sanitizer_reduce_edited(lsan_given, learner, lab04, &r);
    like(r.kind, "memory leak of 24 bytes in 1 object", "r10 kind of the first leak");
    sanitizer_format(&r, line, sizeof line);
    is_str(line, "LeakSanitizer: memory leak of 24 bytes in 1 object in "
           "vial_request_parse_args() at vial/request.c:88", "r11 the summary names it");
    reduce_edited("r12 asan with a list keeps its frame", asan, lab04, "vial/a.c", 4,
                  "overflow");

    ok(diff_multiline("a\nb") && !diff_multiline("a\n") && !diff_multiline("a")
       && !diff_multiline(NULL), "d01 multiline");
    difftest("d02 same", "a\nb\n", "a\nb\n", "  a\n  b\n");
    difftest("d03 changed line", "a\nb\nc\n", "a\nx\nc\n", "  a\n- b\n+ x\n  c\n");
    difftest("d04 missing line", "a\nb\nc", "a\nc", "  a\n- b\n  c\n");
    difftest("d05 cr shown", "HTTP/1.1 200 OK\r\n", "HTTP/1.1 200 OK\n",
             "- HTTP/1.1 200 OK\\r\n+ HTTP/1.1 200 OK\n");
    difftest("d06 null", NULL, "x", "+ x\n");
    return done_testing();
}
