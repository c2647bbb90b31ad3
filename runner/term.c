/* term.c -- decides whether output may carry escape codes (a terminal, NO_COLOR unset),
 * hands out the few SGR sequences the plain commands use, and makes learner-produced text
 * safe to show: its control bytes escaped so only our own codes reach the terminal. */
#include <langinfo.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "term.h"
#include "util.h"

static const struct {
    const char *name;
    const char *sgr;
} term_styles[] = {
    { "reset", "\033[0m" }, { "bold", "\033[1m" }, { "dim", "\033[2m" },
    { "under", "\033[4m" }, { "red", "\033[31m" }, { "green", "\033[32m" },
    { "yellow", "\033[33m" }, { "blue", "\033[34m" }, { "magenta", "\033[35m" },
    { "cyan", "\033[36m" }, { "italic", "\033[3m" },
};

int term_color(FILE *f)
{
    const char *nc = getenv("NO_COLOR");
    if (nc != NULL && *nc != '\0')
        return 0;
    const char *force = getenv("STACKLAB_FORCE_COLOR");
    if (force != NULL && *force == '1')
        return 1;
    const char *t = getenv("TERM");
    if (t != NULL && strcmp(t, "dumb") == 0)
        return 0;
    return isatty(fileno(f));
}

const char *term_sgr(FILE *f, const char *style)
{
    if (!term_color(f))
        return "";
    for (size_t i = 0; i < sizeof term_styles / sizeof term_styles[0]; i++)
        if (strcmp(term_styles[i].name, style) == 0)
            return term_styles[i].sgr;
    return "";
}

int term_width(int fd)
{
    struct winsize ws;
    if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
        return ws.ws_col;
    const char *c = getenv("COLUMNS");
    if (c != NULL) {
        long n = strtol(c, NULL, 10);
        if (n >= 20 && n <= 1000)
            return (int)n;
    }
    return 80;
}

/* Lead bytes of UTF-8 sequences: the sequence's length and the lowest code point it may
 * encode (an encoding below it is overlong). */
static const struct {
    unsigned char mask, lead;
    size_t len;
    unsigned long min;
} term_utf8_leads[] = {
    { 0xE0, 0xC0, 2, 0x80 }, { 0xF0, 0xE0, 3, 0x800 }, { 0xF8, 0xF0, 4, 0x10000 },
};

size_t term_utf8_len(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t k = 0; n > 0 && k < sizeof term_utf8_leads / sizeof *term_utf8_leads; k++) {
        size_t len = term_utf8_leads[k].len;
        if ((u[0] & term_utf8_leads[k].mask) != term_utf8_leads[k].lead || len > n)
            continue;
        unsigned long cp = u[0] & (0x7Fu >> len);
        for (size_t i = 1; i < len; i++) {
            if ((u[i] & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (u[i] & 0x3Fu);
        }
        int bad = cp < term_utf8_leads[k].min || cp > 0x10FFFF
                  || (cp >= 0xD800 && cp <= 0xDFFF)
                  || cp <= 0x9F;      /* C1 controls: some terminals obey U+009B as CSI */
        return bad ? 0 : len;
    }
    return 0;
}

void term_escape_add(struct sb *out, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        size_t run = i;     /* printable ASCII, newline and tab pass in one piece */
        while (run < n && ((u[run] >= 0x20 && u[run] < 0x7F) || u[run] == '\n'
                           || u[run] == '\t'))
            run++;
        sb_add(out, s + i, run - i);
        if ((i = run) >= n)
            break;
        size_t len = u[i] >= 0x80 ? term_utf8_len(s + i, n - i) : 0;
        if (len > 0) {
            sb_add(out, s + i, len);
            i += len;
            continue;
        }
        if (u[i] < 0x80) {
            char caret[2] = { '^', (char)(u[i] == 0x7F ? '?' : u[i] + 0x40) };
            sb_add(out, caret, 2);
        } else {
            sb_printf(out, "\\x%02X", u[i]);
        }
        i++;
    }
}

char *term_escape_controls(const char *s)
{
    if (s == NULL)
        return NULL;
    struct sb out;
    sb_init(&out);
    term_escape_add(&out, s, strlen(s));
    return sb_steal(&out);
}

int term_utf8(void)
{
    static int utf8 = -1;
    if (utf8 < 0) {
        /* The environment's locale, without changing the process's own. */
        locale_t loc = newlocale(LC_CTYPE_MASK, "", (locale_t)0);
        utf8 = loc != (locale_t)0 && strcmp(nl_langinfo_l(CODESET, loc), "UTF-8") == 0;
        if (loc != (locale_t)0)
            freelocale(loc);
    }
    return utf8;
}

/* ASCII stand-ins for the characters the course and our own output use; one character
 * each, so a line keeps its width. Latin-1 letters come from term_ascii_latin1. */
static const struct {
    unsigned long cp;
    char ascii;
} term_ascii_table[] = {
    { 0xA0, ' ' }, { 0xA7, 'S' }, { 0xA9, 'c' }, { 0xAB, '<' }, { 0xAE, 'r' },
    { 0xB0, 'o' }, { 0xB7, '-' }, { 0xBB, '>' }, { 0x2010, '-' }, { 0x2011, '-' },
    { 0x2012, '-' }, { 0x2013, '-' }, { 0x2014, '-' }, { 0x2015, '-' }, { 0x2018, '\'' },
    { 0x2019, '\'' }, { 0x201C, '"' }, { 0x201D, '"' }, { 0x2022, '*' }, { 0x2026, '.' },
    { 0x2190, '<' }, { 0x2192, '>' }, { 0x21D2, '>' }, { 0x2264, '<' }, { 0x2265, '>' },
    { 0x2500, '-' }, { 0x2501, '-' }, { 0x2502, '|' }, { 0x2503, '|' }, { 0x2550, '=' },
    { 0x2551, '|' }, { 0x25E6, 'o' }, { 0x2713, '+' }, { 0x2714, '+' }, { 0x2717, 'x' },
    { 0x2718, 'x' },
};
static const char term_ascii_latin1[] =     /* U+00C0 to U+00FF */
    "AAAAAAACEEEEIIIIDNOOOOOxOUUUUYTsaaaaaaaceeeeiiiidnooooo/ouuuuyty";

char term_ascii_of(const char *s, size_t n, size_t *used)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t len = n > 0 && u[0] >= 0x80 ? term_utf8_len(s, n) : 0;
    *used = len > 0 ? len : 1;
    if (n == 0 || u[0] < 0x80)
        return n > 0 ? s[0] : '?';
    if (len == 0)
        return '?';
    unsigned long cp = u[0] & (0x7Fu >> len);
    for (size_t i = 1; i < len; i++)
        cp = (cp << 6) | (u[i] & 0x3Fu);
    if (cp >= 0xC0 && cp <= 0xFF)
        return term_ascii_latin1[cp - 0xC0];
    for (size_t i = 0; i < sizeof term_ascii_table / sizeof *term_ascii_table; i++)
        if (term_ascii_table[i].cp == cp)
            return term_ascii_table[i].ascii;
    return cp >= 0x2500 && cp <= 0x257F ? '+' : '?';     /* box corners and crossings */
}

void term_ascii_add(struct sb *out, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        size_t used;
        char c = term_ascii_of(s + i, n - i, &used);
        sb_putc(out, c);
        i += used;
    }
}

const char *term_text(const char *s, char **owned)
{
    *owned = NULL;
    if (s == NULL || term_utf8())
        return s;
    struct sb out;
    sb_init(&out);
    term_ascii_add(&out, s, strlen(s));
    *owned = sb_steal(&out);
    return *owned;
}
