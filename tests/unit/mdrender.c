/* mdrender.c (test) -- the Markdown layout used by `stacklab lesson` and the TUI:
 * wrapping, headings, lists, quotes, links, tables, code blocks with C colouring. */
#include <stdlib.h>
#include <string.h>

#include "mdrender.h"
#include "tap.h"
#include "util.h"

static struct md_doc *render(const char *md, int width)
{
    char *cause = NULL;
    struct md_doc *d = md_render(md, strlen(md), width, &cause);
    if (d == NULL)
        BAIL_OUT("md_render failed: %s", cause);
    return d;
}

/* All lines joined with '\n'. Caller frees. */
static char *joined(const struct md_doc *d)
{
    struct sb sb;
    sb_init(&sb);
    for (size_t i = 0; i < d->nlines; i++) {
        sb_puts(&sb, d->lines[i].text);
        sb_putc(&sb, '\n');
    }
    return sb_steal(&sb);
}

/* Style of the span covering byte `at` of line i. */
static unsigned style_at(const struct md_doc *d, size_t i, size_t at)
{
    for (size_t s = 0; s < d->lines[i].nspans; s++)
        if (at >= d->lines[i].spans[s].start
            && at < d->lines[i].spans[s].start + d->lines[i].spans[s].len)
            return d->lines[i].spans[s].style;
    return 0xFFFFFFFFu;
}

static size_t find_line(const struct md_doc *d, const char *needle)
{
    for (size_t i = 0; i < d->nlines; i++)
        if (strstr(d->lines[i].text, needle) != NULL)
            return i;
    return (size_t)-1;
}

int main(void)
{
    plan(19);
    struct md_doc *d = render("# Title\n\nSome words that go on and on and on until they "
                              "must wrap at the width we asked for.\n", 30);
    char *all = joined(d);
    is_str(d->lines[0].text, "Title", "a heading is its own line");
    is_int(d->lines[0].heading, 1, "and knows its level");
    ok(strstr(d->lines[1].text, "\u2550") != NULL, "a level-1 heading is underlined");
    int widest = 0;
    for (size_t i = 0; i < d->nlines; i++)
        if ((int)strlen(d->lines[i].text) > widest && d->lines[i].heading == 0
            && strstr(d->lines[i].text, "\u2550") == NULL)
            widest = (int)strlen(d->lines[i].text);
    ok(widest <= 30, "paragraphs wrap at the width (widest %d)", widest);
    like(all, "Some words that go on and on", "words stay in order");
    free(all);
    md_doc_free(d);

    d = render("- one\n- two\n  1. inner\n\n> quoted *text*\n", 60);
    all = joined(d);
    like(all, "\u2022  one", "bullets for list items");
    like(all, "1. inner", "numbers for ordered lists, nested");
    size_t q = find_line(d, "quoted");
    ok(q != (size_t)-1 && strstr(d->lines[q].text, "\u2502 ") == d->lines[q].text,
       "block quotes get a bar");
    free(all);
    md_doc_free(d);

    d = render("See [the RFC](https://www.rfc-editor.org/rfc/rfc9112) for **bold** and `code`.\n", 80);
    all = joined(d);
    like(all, "the RFC <https://www.rfc-editor.org/rfc/rfc9112>", "links show their address");
    size_t b = (size_t)(strstr(d->lines[0].text, "bold") - d->lines[0].text);
    ok(style_at(d, 0, b) & MD_BOLD, "bold text is styled bold");
    free(all);
    md_doc_free(d);

    d = render("```c\nint main(void) { return 0; } /* done */\n```\n", 80);
    size_t c = find_line(d, "int main");
    size_t kw = (size_t)(strstr(d->lines[c].text, "int") - d->lines[c].text);
    size_t cm = (size_t)(strstr(d->lines[c].text, "/* done") - d->lines[c].text);
    ok(style_at(d, c, kw) & MD_KEYWORD, "C keywords are coloured in code blocks");
    ok(style_at(d, c, cm) & MD_COMMENT, "and comments too");
    md_doc_free(d);

    d = render("| status | meaning |\n|---|---|\n| 404 | Not Found |\n| 405 | Method Not Allowed |\n", 80);
    all = joined(d);
    like(all, "\u2502 404    \u2502 Not Found          \u2502", "tables align their columns");
    like(all, "\u250c", "and have borders");
    free(all);
    md_doc_free(d);

    d = render("| code | meaning |\n|---|---|\n| 413 | the body is larger than the server is "
               "willing to read, so it answers before reading it |\n", 40);
    all = joined(d);
    like(all, "willing", "a cell too wide for the screen wraps instead of losing text");
    int over = 0;
    for (size_t i = 0; i < d->nlines; i++) {
        size_t cols = 0;
        for (const char *p = d->lines[i].text; *p; p++)
            cols += ((unsigned char)*p & 0xC0) != 0x80;
        over |= cols > 40;
    }
    ok(!over, "and every line of the table fits the width");
    free(all);
    md_doc_free(d);

    d = render("Set a limit at every hop (`CURLOPT_TIMEOUT_MS` in libcurl) so that a slow "
               "peer cannot hold a worker forever.\n", 40);
    over = 0;
    for (size_t i = 0; i < d->nlines; i++)
        over |= strlen(d->lines[i].text) > 40;
    ok(!over, "a word made of several styled pieces wraps as one word");
    md_doc_free(d);

    /* A damaged file: NUL bytes inside the text (found by fuzzing: each word's length
     * was taken from the input while its copy stopped at the NUL). */
    static const char damaged[] = "one\0two ``x\0y`` *th\0ree* four\n";
    char *cause = NULL;
    d = md_render(damaged, sizeof damaged - 1, 30, &cause);
    ok(d != NULL, "text with NUL bytes renders (no crash, no overread)");
    all = d ? joined(d) : NULL;
    like(all ? all : "", "four", "and keeps the text after them");
    free(all);
    md_doc_free(d);
    free(cause);
    return done_testing();
}
