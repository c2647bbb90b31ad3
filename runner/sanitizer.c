/* sanitizer.c -- finds the first ASan/LSan/UBSan report in a subject's stderr and keeps
 * only what a learner needs: the kind of error and the first frame in their own files.
 * The text is untrusted (the subject may print anything), so every copy is bounded. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sanitizer.h"

/* Report openers, in the order they are tried at each position. */
static const struct {
    const char *marker;
    enum sanitizer_tool tool;
} sanitizer_openers[] = {
    { "ERROR: AddressSanitizer: ", SANITIZER_ASAN },
    { "ERROR: LeakSanitizer: ", SANITIZER_LSAN },
    { ": runtime error: ", SANITIZER_UBSAN },
};

static const char *const sanitizer_names[] = {
    [SANITIZER_NONE] = "",
    [SANITIZER_ASAN] = "AddressSanitizer",
    [SANITIZER_LSAN] = "LeakSanitizer",
    [SANITIZER_UBSAN] = "UndefinedBehaviorSanitizer",
};

const char *sanitizer_tool_name(enum sanitizer_tool t)
{
    return t <= SANITIZER_UBSAN ? sanitizer_names[t] : "";
}

/* Copies at most n bytes of s (stopping at a line end) into dst of size cap. */
static void sanitizer_copy(char *dst, size_t cap, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && i + 1 < cap && s[i] != '\0' && s[i] != '\n')
        dst[i] = s[i], i++;
    dst[i] = '\0';
}

/* Length of the line starting at s (without the newline). */
static size_t sanitizer_linelen(const char *s)
{
    const char *nl = strchr(s, '\n');
    return nl ? (size_t)(nl - s) : strlen(s);
}

/* Parses "path:LINE[:COL]" at the end of loc (n bytes) into file and line, keeping the
 * path from the learner prefix on. Returns 1 when the path is the learner's. */
static int sanitizer_location(const char *loc, size_t n, const char *const *learner,
                              struct sanitizer_report *out)
{
    char buf[512];
    sanitizer_copy(buf, sizeof buf, loc, n);
    char *colon = strchr(buf, ':');
    if (colon == NULL || colon[1] < '0' || colon[1] > '9')
        return 0;
    *colon = '\0';
    for (size_t i = 0; learner != NULL && learner[i] != NULL; i++) {
        size_t plen = strlen(learner[i]);
        const char *p = strncmp(buf, learner[i], plen) == 0 ? buf : NULL;
        for (const char *s = buf; p == NULL && (s = strchr(s, '/')) != NULL; s++)
            if (strncmp(s + 1, learner[i], plen) == 0)
                p = s + 1;
        if (p != NULL) {
            sanitizer_copy(out->file, sizeof out->file, p, strlen(p));
            out->line = (int)strtol(colon + 1, NULL, 10);
            return 1;
        }
    }
    return 0;
}

/* 1 when file is one of the NULL-ended list edited (NULL: none). */
static int sanitizer_edited(const char *file, const char *const *edited)
{
    for (size_t i = 0; edited != NULL && edited[i] != NULL; i++)
        if (strcmp(file, edited[i]) == 0)
            return 1;
    return 0;
}

/* Scans stack frames ("    #N 0xADDR in FUNC LOCATION") from s for the first one in a
 * file the learner edits, else the first one in the learner's folders (given code there
 * is where the error shows, not what to fix: a leak allocated by a helper such as
 * pairs_dup is the caller's to free). Stops at the first blank line after frames began. */
static void sanitizer_frames(const char *s, const char *const *learner,
                             const char *const *edited, struct sanitizer_report *out)
{
    struct sanitizer_report first = *out;
    int seen = 0;
    for (int lines = 0; s != NULL && *s != '\0' && lines < 400; lines++) {
        size_t n = sanitizer_linelen(s);
        const char *t = s;
        while (t < s + n && (*t == ' ' || *t == '\t'))
            t++;
        if (t < s + n && *t == '#') {
            seen = 1;
            const char *in = memmem(t, (size_t)(s + n - t), " in ", 4);
            if (in != NULL) {
                const char *fn = in + 4;
                const char *sp = memchr(fn, ' ', (size_t)(s + n - fn));
                if (sp != NULL && sanitizer_location(sp + 1, (size_t)(s + n - sp - 1),
                                                     learner, out)) {
                    sanitizer_copy(out->function, sizeof out->function, fn,
                                   (size_t)(sp - fn));
                    if (edited == NULL || sanitizer_edited(out->file, edited))
                        return;
                    if (first.file[0] == '\0')
                        first = *out;
                }
            }
        } else if (seen && n == 0) {
            break;
        }
        s = s[n] == '\n' ? s + n + 1 : s + n;
    }
    *out = first;   /* no frame in an edited file: the first in the learner's folders */
}

/* Fills kind from the report's head line. */
static void sanitizer_kind(enum sanitizer_tool tool, const char *after, const char *text,
                           struct sanitizer_report *out)
{
    if (tool == SANITIZER_ASAN) {
        size_t n = strcspn(after, " \n");
        sanitizer_copy(out->kind, sizeof out->kind, after, n);
    } else if (tool == SANITIZER_LSAN) {
        const char *d = strstr(after, "Direct leak of ");
        const char *i = strstr(after, "Indirect leak of ");
        const char *l = d != NULL ? d : i;
        long bytes = 0, objs = 0;
        if (l != NULL && sscanf(strstr(l, "leak of ") + 8, "%ld byte(s) in %ld",
                                &bytes, &objs) == 2)
            snprintf(out->kind, sizeof out->kind, "memory leak of %ld byte%s in %ld "
                     "object%s", bytes, bytes == 1 ? "" : "s", objs, objs == 1 ? "" : "s");
        else
            snprintf(out->kind, sizeof out->kind, "memory leak");
    } else {
        sanitizer_copy(out->kind, sizeof out->kind, after, sanitizer_linelen(after));
        (void)text;
    }
}

/* For UBSan the location precedes the marker on the same line. */
static void sanitizer_ub_location(const char *text, const char *hit,
                                  const char *const *learner, struct sanitizer_report *out)
{
    const char *bol = hit;
    while (bol > text && bol[-1] != '\n')
        bol--;
    sanitizer_location(bol, (size_t)(hit - bol + 1), learner, out);
}

int sanitizer_reduce(const char *text, const char *const *learner,
                     struct sanitizer_report *out)
{
    return sanitizer_reduce_edited(text, learner, NULL, out);
}

int sanitizer_reduce_edited(const char *text, const char *const *learner,
                            const char *const *edited, struct sanitizer_report *out)
{
    memset(out, 0, sizeof *out);
    if (text == NULL)
        return 0;
    const char *best = NULL;
    size_t which = 0;
    for (size_t i = 0; i < sizeof sanitizer_openers / sizeof sanitizer_openers[0]; i++) {
        const char *hit = strstr(text, sanitizer_openers[i].marker);
        if (hit != NULL && (best == NULL || hit < best))
            best = hit, which = i;
    }
    if (best == NULL)
        return 0;
    out->tool = sanitizer_openers[which].tool;
    const char *after = best + strlen(sanitizer_openers[which].marker);
    sanitizer_kind(out->tool, after, text, out);
    if (out->tool == SANITIZER_UBSAN)
        sanitizer_ub_location(text, best, learner, out);
    if (out->tool == SANITIZER_LSAN) {
        const char *leak = strstr(after, " leak of ");
        after = leak != NULL ? leak : after;
    }
    struct sanitizer_report frames = *out;
    frames.file[0] = '\0';
    sanitizer_frames(after, learner, edited, &frames);
    if (frames.file[0] != '\0' && (out->file[0] == '\0' || frames.line == out->line)) {
        memcpy(out->file, frames.file, sizeof out->file);
        out->line = frames.line;
        memcpy(out->function, frames.function, sizeof out->function);
    }
    return 1;
}

void sanitizer_format(const struct sanitizer_report *r, char *buf, size_t len)
{
    int n = snprintf(buf, len, "%s: %s", sanitizer_tool_name(r->tool), r->kind);
    if (n < 0 || (size_t)n >= len)
        return;
    if (r->function[0] != '\0')
        n += snprintf(buf + n, len - (size_t)n, " in %s()", r->function);
    if (n >= 0 && (size_t)n < len && r->file[0] != '\0')
        snprintf(buf + n, len - (size_t)n, " at %s:%d", r->file, r->line);
}
