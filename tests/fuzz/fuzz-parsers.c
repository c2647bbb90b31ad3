/* fuzz-parsers.c -- a libFuzzer target over the parsers that read text stacklab does not
 * write itself: the checker's TAP (tapread), a subject's sanitizer report (sanitizer),
 * lesson Markdown (mdrender), framework files with solution markers (starter), the
 * compiler's messages mapped to learner paths (grader_map_paths), front matter
 * (frontmatter) and exam banks (exam). The first input byte picks the parser. Built and run by `make fuzz` (clang); never part of `make test`. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exam.h"
#include "frontmatter.h"
#include "grader.h"
#include "mdrender.h"
#include "sanitizer.h"
#include "starter.h"
#include "tapread.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* One field of every type, as a lab's front matter has them. */
struct fuzz_fm {
    char *id, *title, **files;
    int points;
    double time;
    size_t id_line;
};

static const struct fm_field fuzz_fields[] = {
    { "id", FM_ID, 1, offsetof(struct fuzz_fm, id), 0, 0, offsetof(struct fuzz_fm, id_line) },
    { "title", FM_STRING, 1, offsetof(struct fuzz_fm, title), 0, 0, (size_t)-1 },
    { "files", FM_LIST, 0, offsetof(struct fuzz_fm, files), 0, 0, (size_t)-1 },
    { "points", FM_INT, 0, offsetof(struct fuzz_fm, points), 1, 1000, (size_t)-1 },
    { "time", FM_NUMBER, 0, offsetof(struct fuzz_fm, time), 1, 600, (size_t)-1 },
    { NULL, FM_STRING, 0, 0, 0, 0, 0 },
};

static void fuzz_frontmatter(const char *text)
{
    struct fuzz_fm fm = { 0 };
    struct sb errors;
    size_t body = 0;
    sb_init(&errors);
    fm_parse(text, "fuzz.md", fuzz_fields, &fm, &body, &errors);
    free(fm.id);
    free(fm.title);
    fm_list_free(fm.files);
    sb_free(&errors);
}

/* exam_load reads a file: the input goes to one of our own first. */
static void fuzz_exam(const char *text, size_t len)
{
    static char path[64];
    if (path[0] == '\0')
        snprintf(path, sizeof path, "fuzz-%ld.exam", (long)getpid());  /* in the fuzz folder */
    FILE *f = fopen(path, "w");
    if (f == NULL)
        return;
    fwrite(text, 1, len, f);
    fclose(f);
    struct sb errors;
    sb_init(&errors);
    exam_free(exam_load(path, &errors));
    sb_free(&errors);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    char *text = malloc(size);
    if (text == NULL)
        return 0;
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    size_t len = size - 1;
    char *cause = NULL;
    switch (data[0] % 7) {
    case 0: {
        struct tap_report *r = tapread_parse(text, len, 1u << 16);
        free(tapread_describe(r));
        tapread_free(r);
        break;
    }
    case 1: {
        static const char *const learner[] = { "vial/", "app/", "tests/", NULL };
        struct sanitizer_report rep;
        char line[512];
        sanitizer_reduce(text, learner, &rep);
        sanitizer_format(&rep, line, sizeof line);
        break;
    }
    case 2: {
        struct md_doc *doc = md_render(text, len, 20 + data[0] % 80, &cause);
        md_doc_free(doc);
        break;
    }
    case 3:
        free(starter_render(text, len, 1 + data[0] % 12, "fuzz.c", &cause));
        free(cause);
        cause = NULL;
        free(starter_reference(text, len, "fuzz.c", &cause));
        break;
    case 4:
        free(grader_map_paths(text, "/tmp/box-XXXXXX"));
        break;
    case 5:
        fuzz_frontmatter(text);
        break;
    default:
        fuzz_exam(text, len);
        break;
    }
    free(cause);
    free(text);
    return 0;
}
