/* term.c -- decides whether output may carry escape codes (a terminal, NO_COLOR unset)
 * and hands out the few SGR sequences the plain commands use. */
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "term.h"

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
