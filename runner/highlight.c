/* highlight.c -- a small C lexer, good enough to colour lesson code blocks: keywords,
 * types, strings, characters, numbers, comments and preprocessor lines. */
#include <ctype.h>
#include <string.h>

#include "highlight.h"
#include "mdrender.h"

static const char *const hl_keywords[] = {
    "auto", "break", "case", "char", "const", "continue", "default", "do", "double",
    "else", "enum", "extern", "float", "for", "goto", "if", "inline", "int", "long",
    "register", "restrict", "return", "short", "signed", "sizeof", "static", "struct",
    "switch", "typedef", "union", "unsigned", "void", "volatile", "while", "bool",
    "size_t", "ssize_t", "NULL", "true", "false", "_Bool", "uint8_t", "uint16_t",
    "uint32_t", "uint64_t", "int64_t", "int32_t", NULL
};

static int hl_is_keyword(const char *s, size_t n)
{
    for (const char *const *k = hl_keywords; *k; k++)
        if (strlen(*k) == n && memcmp(*k, s, n) == 0)
            return 1;
    return 0;
}

/* Length of a quoted literal starting at s[0] (the quote), stopping at the line's end. */
static size_t hl_quoted(const char *s, size_t n)
{
    size_t i = 1;
    while (i < n && s[i] != s[0]) {
        if (s[i] == '\\' && i + 1 < n)
            i++;
        i++;
    }
    return i < n ? i + 1 : n;
}

void hl_c_line(const char *line, size_t len, int *in_comment,
               void (*emit)(size_t, size_t, unsigned, void *), void *arg)
{
    size_t i = 0;
    size_t lead = 0;
    while (lead < len && (line[lead] == ' ' || line[lead] == '\t'))
        lead++;
    if (!*in_comment && lead < len && line[lead] == '#') {
        emit(0, len, MD_CODE | MD_PREPROC, arg);
        return;
    }
    while (i < len) {
        size_t start = i;
        unsigned style = MD_CODE;
        if (*in_comment) {
            const char *end = NULL;
            for (size_t j = i; j + 1 < len; j++)
                if (line[j] == '*' && line[j + 1] == '/') {
                    end = line + j;
                    break;
                }
            i = end ? (size_t)(end - line) + 2 : len;
            *in_comment = end == NULL;
            style |= MD_COMMENT;
        } else if (i + 1 < len && line[i] == '/' && line[i + 1] == '/') {
            i = len;
            style |= MD_COMMENT;
        } else if (i + 1 < len && line[i] == '/' && line[i + 1] == '*') {
            *in_comment = 1;
            i += 2;
            for (; i + 1 < len; i++)
                if (line[i] == '*' && line[i + 1] == '/') {
                    *in_comment = 0;
                    i += 2;
                    break;
                }
            if (*in_comment)
                i = len;
            style |= MD_COMMENT;
        } else if (line[i] == '"' || line[i] == '\'') {
            i += hl_quoted(line + i, len - i);
            style |= MD_STRING;
        } else if (isdigit((unsigned char)line[i])) {
            while (i < len && (isalnum((unsigned char)line[i]) || line[i] == '.'))
                i++;
            style |= MD_NUMBER;
        } else if (isalpha((unsigned char)line[i]) || line[i] == '_') {
            while (i < len && (isalnum((unsigned char)line[i]) || line[i] == '_'))
                i++;
            if (hl_is_keyword(line + start, i - start))
                style |= MD_KEYWORD;
        } else {
            while (i < len && !isalnum((unsigned char)line[i]) && line[i] != '_'
                   && line[i] != '"' && line[i] != '\'' && line[i] != '/')
                i++;
            if (i == start)
                i++;
        }
        emit(start, i - start, style, arg);
    }
}
