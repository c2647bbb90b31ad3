/* tui-draw.c -- drawing helpers shared by the screens: colour roles on the terminal's
 * default background (or plain attributes under NO_COLOR), Markdown styles to
 * attributes, and UTF-8 text clipped to a number of display columns. */
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "term.h"
#include "tui.h"

static int tui_draw_has_color;

/* Foreground colour of each role (-1: the terminal's own) and its fallback attribute. */
static const struct {
    short fg;
    attr_t plain;
    attr_t extra;
} tui_roles[TUI_R_NROLES] = {
    [TUI_R_TEXT] = { -1, A_NORMAL, A_NORMAL },
    [TUI_R_TITLE] = { COLOR_CYAN, A_BOLD, A_BOLD },
    [TUI_R_SEL] = { -1, A_REVERSE, A_REVERSE },
    [TUI_R_DIM] = { -1, A_DIM, A_DIM },
    [TUI_R_PASS] = { COLOR_GREEN, A_BOLD, A_NORMAL },
    [TUI_R_FAIL] = { COLOR_RED, A_BOLD, A_BOLD },
    [TUI_R_WARN] = { COLOR_YELLOW, A_NORMAL, A_NORMAL },
    [TUI_R_ACCENT] = { COLOR_BLUE, A_BOLD, A_BOLD },
    [TUI_R_BAR] = { COLOR_GREEN, A_REVERSE, A_REVERSE },
    [TUI_R_MATCH] = { COLOR_YELLOW, A_REVERSE | A_BOLD, A_REVERSE },
};

void tui_draw_colors(void)
{
    const char *nc = getenv("NO_COLOR");
    tui_draw_has_color = 0;
    if ((nc != NULL && nc[0] != '\0') || !has_colors())
        return;
    if (start_color() != OK)
        return;
    use_default_colors();
    for (int r = 0; r < TUI_R_NROLES; r++)
        init_pair((short)(r + 1), tui_roles[r].fg, -1);
    tui_draw_has_color = 1;
}

attr_t tui_attr(enum tui_role r)
{
    if (!tui_draw_has_color || tui_roles[r].fg < 0)
        return tui_roles[r].plain;
    return COLOR_PAIR(r + 1) | tui_roles[r].extra;
}

/* Markdown styles, most specific first: the first matching bit decides the colour. */
static const struct {
    unsigned style;
    enum tui_role role;
    attr_t plain;
} tui_md_map[] = {
    { MD_HEADING, TUI_R_TITLE, A_BOLD | A_UNDERLINE },
    { MD_COMMENT, TUI_R_DIM, A_DIM },
    { MD_KEYWORD, TUI_R_ACCENT, A_BOLD },
    { MD_STRING, TUI_R_PASS, A_NORMAL },
    { MD_NUMBER, TUI_R_WARN, A_NORMAL },
    { MD_PREPROC, TUI_R_FAIL, A_NORMAL },
    { MD_LINK, TUI_R_ACCENT, A_UNDERLINE },
    { MD_CODE, TUI_R_WARN, A_NORMAL },
    { MD_RULE, TUI_R_DIM, A_DIM },
    { MD_QUOTE, TUI_R_DIM, A_NORMAL },
    { MD_DIM, TUI_R_DIM, A_DIM },
};

attr_t tui_md_attr(unsigned style)
{
    attr_t a = A_NORMAL;
    if (style & MD_BOLD)
        a |= A_BOLD;
    if (style & MD_ITALIC)
        a |= A_ITALIC;
    for (size_t i = 0; i < sizeof tui_md_map / sizeof tui_md_map[0]; i++) {
        if (style & tui_md_map[i].style) {
            if (tui_draw_has_color)
                return a | tui_attr(tui_md_map[i].role);
            return a | tui_md_map[i].plain;
        }
    }
    return a;
}

/* Decodes one character at s (n bytes left): its byte length and display width. Outside
 * a UTF-8 locale, a UTF-8 sequence is one character of one column (drawn as its ASCII
 * stand-in), not one '?' per byte. */
static size_t tui_draw_char(const char *s, size_t n, int *cols)
{
    if (!term_utf8() && (unsigned char)s[0] >= 0x80) {
        size_t used;
        term_ascii_of(s, n, &used);
        *cols = 1;
        return used;
    }
    mbstate_t st;
    wchar_t wc;
    memset(&st, 0, sizeof st);
    size_t k = mbrtowc(&wc, s, n, &st);
    if (k == (size_t)-1 || k == (size_t)-2 || k == 0) {
        *cols = 1;
        return 1;
    }
    int w = wcwidth(wc);
    *cols = w < 0 ? 1 : w;
    return k;
}

int tui_text_width(const char *s, size_t n)
{
    int cols = 0;
    size_t i = 0;
    while (i < n) {
        int w;
        i += tui_draw_char(s + i, n - i, &w);
        cols += w;
    }
    return cols;
}

int tui_draw_text(int y, int x, int maxw, const char *s, size_t n, attr_t a)
{
    int cols = 0;
    size_t i = 0;
    attrset(a);
    move(y, x);
    while (i < n && cols < maxw) {
        int w;
        size_t k = tui_draw_char(s + i, n - i, &w);
        if (cols + w > maxw)
            break;
        if ((unsigned char)s[i] >= 0x80 && !term_utf8()) {
            size_t used;
            addch((chtype)(unsigned char)term_ascii_of(s + i, n - i, &used));
        } else if (k == 1 && ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x80))
            addch(s[i] == '\t' ? ' ' : '?');      /* control or invalid byte */
        else
            addnstr(s + i, (int)k);
        cols += w;
        i += k;
    }
    attrset(A_NORMAL);
    return cols;
}

int tui_draw_text_cut(int y, int x, int maxw, const char *s, size_t n, attr_t a)
{
    if (maxw <= 0)
        return 0;
    if (tui_text_width(s, n) <= maxw)
        return tui_draw_text(y, x, maxw, s, n, a);
    int cols = tui_draw_text(y, x, maxw - 1, s, n, a);
    const char *mark = term_utf8() ? "\u2026" : "~";
    return cols + tui_draw_text(y, x + cols, 1, mark, strlen(mark), a);
}

void tui_draw_fill(int y, int x, int w, attr_t a)
{
    attrset(a);
    for (int i = 0; i < w; i++)
        mvaddch(y, x + i, ' ');
    attrset(A_NORMAL);
}
