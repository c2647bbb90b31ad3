/* starter-markers.c -- starter(N) and reference rendering of SOLUTION markers, and the
 * path:line errors for malformed markers (runner/starter.c). Each case has an id. */
#include <stdlib.h>
#include <string.h>

#include "starter.h"
#include "tap.h"

static const char two_labs[] =
    "int a(void)\n"
    "{\n"
    "    /* SOLUTION(01) BEGIN */\n"
    "    return 1;\n"
    "    /* SOLUTION(01) STUB\n"
    "    return -1;\n"
    "       SOLUTION(01) END */\n"
    "}\n"
    "/* SOLUTION(02) BEGIN */\n"
    "int b(void) { return 2; }\n"
    "/* SOLUTION(02) END */\n";

/* Renders text as starter(lab) and compares; lab -1 renders the reference. */
static void expect(const char *id, const char *text, int lab, const char *want)
{
    char *cause = NULL;
    char *got = lab < 0 ? starter_reference(text, strlen(text), "f.c", &cause)
                        : starter_render(text, strlen(text), lab, "f.c", &cause);
    is_str(got, want, "%s: renders", id);
    if (cause != NULL)
        diag("%s", cause);
    free(got);
    free(cause);
}

/* Expects a marker error naming f.c and a line. */
static void expect_error(const char *id, const char *text, const char *where)
{
    char *cause = NULL;
    char *got = starter_render(text, strlen(text), 1, "f.c", &cause);
    ok(got == NULL, "%s: refused", id);
    like(cause ? cause : "", where, "%s: error says where", id);
    free(got);
    free(cause);
}

int main(void)
{
    expect("s01 starter(1)", two_labs, 1,
           "int a(void)\n{\n    return -1;\n}\n");
    expect("s02 starter(2)", two_labs, 2,
           "int a(void)\n{\n    return 1;\n}\n");
    expect("s03 starter(3)", two_labs, 3,
           "int a(void)\n{\n    return 1;\n}\nint b(void) { return 2; }\n");
    expect("s04 reference", two_labs, -1,
           "int a(void)\n{\n    return 1;\n}\nint b(void) { return 2; }\n");
    expect("s05 no markers", "x\ny", 1, "x\ny");
    expect("s06 no final newline", "/* SOLUTION(01) BEGIN */\nr\n/* SOLUTION(01) STUB\ns\n"
           "SOLUTION(01) END */", 1, "s\n");
    expect("s07 closing comment form", "/* SOLUTION(01) BEGIN */\nr\n/* SOLUTION(01) STUB\n"
           "s\n/* SOLUTION(01) END */\n", 1, "s\n");
    expect_error("e01 unclosed", "a\n/* SOLUTION(01) BEGIN */\nb\n", "f.c:2:");
    expect_error("e02 end without begin", "a\n/* SOLUTION(01) END */\n", "f.c:2:");
    expect_error("e03 mismatched lab", "/* SOLUTION(01) BEGIN */\n/* SOLUTION(02) END */\n",
                 "f.c:2:");
    expect_error("e04 nested", "/* SOLUTION(01) BEGIN */\n/* SOLUTION(01) BEGIN */\n",
                 "f.c:2:");
    expect_error("e05 typo", "x\n/* SOLUTION(01) BEGINN */\n", "f.c:2: malformed");
    expect_error("e06 stub with comment end",
                 "/* SOLUTION(01) BEGIN */\n/* SOLUTION(01) STUB\n x */\nSOLUTION(01) END */\n",
                 "f.c:3:");
    expect_error("e07 bare end without stub", "/* SOLUTION(01) BEGIN */\nSOLUTION(01) END */\n",
                 "f.c:2:");
    expect_error("e08 lab 00", "/* SOLUTION(00) BEGIN */\n/* SOLUTION(00) END */\n", "f.c:1:");
    expect_error("e09 text after marker", "/* SOLUTION(01) BEGIN */ int x;\n", "f.c:1:");
    return done_testing();
}
