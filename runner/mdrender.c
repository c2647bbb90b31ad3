/* mdrender.c -- lays out Markdown (parsed by md4c) as wrapped, styled lines for a
 * terminal of a given width: headings, emphasis, lists, quotes, links with their address,
 * tables with borders and C-coloured code blocks. Plain output and the TUI share it. */
#include <md4c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "highlight.h"
#include "mdrender.h"
#include "term.h"
#include "util.h"

#define MDR_MAX_DEPTH 16

/* A piece of inline text waiting to be wrapped. */
struct mdr_piece {
    char *text;
    size_t len;
    unsigned style;
    int space_before;       /* a space separates it from the previous piece */
    int hard_break;         /* a line break, not text */
};

struct mdr_cell {
    char *text;
    int head;
};

struct mdr {
    struct md_doc *doc;
    size_t cap;
    int width;
    unsigned style;                 /* inline style bits now in force */
    struct mdr_piece *pieces;
    size_t npieces, pcap;
    int pending_space;
    int quote;                      /* block quote depth */
    int list_depth;
    struct { int ordered; unsigned next; } lists[MDR_MAX_DEPTH];
    char bullet[16];                /* bullet of the next emitted line, "" when none */
    int heading;
    int in_code, code_c;
    struct sb code;
    char *href;                     /* address of the open link */
    int in_table, table_cols;
    struct mdr_cell *cells;
    size_t ncells, ccap;
    int in_head, cell_open;
    struct sb cell;
    int last_blank;                 /* the last emitted line is blank */
};

/* ---- emitting lines ---------------------------------------------------------- */

static struct md_line *mdr_new_line(struct mdr *r)
{
    if (r->doc->nlines == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 64;
        r->doc->lines = xrealloc(r->doc->lines, r->cap * sizeof *r->doc->lines);
    }
    struct md_line *l = &r->doc->lines[r->doc->nlines++];
    memset(l, 0, sizeof *l);
    r->last_blank = 0;
    return l;
}

/* Builder for one line: text plus merged spans. */
struct mdr_lb {
    struct sb text;
    struct md_span *spans;
    size_t nspans, scap;
    size_t cols;
};

static size_t mdr_cols(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            c++;
    return c;
}

static void mdr_lb_add(struct mdr_lb *b, const char *s, size_t n, unsigned style)
{
    if (n == 0)
        return;
    if (b->text.buf == NULL)
        sb_init(&b->text);
    size_t start = b->text.len;
    sb_add(&b->text, s, n);
    b->cols += mdr_cols(s, n);
    if (b->nspans > 0 && b->spans[b->nspans - 1].style == style) {
        b->spans[b->nspans - 1].len += n;
        return;
    }
    if (b->nspans == b->scap) {
        b->scap = b->scap ? b->scap * 2 : 8;
        b->spans = xrealloc(b->spans, b->scap * sizeof *b->spans);
    }
    b->spans[b->nspans++] = (struct md_span){ start, n, style };
}

static void mdr_lb_emit(struct mdr *r, struct mdr_lb *b)
{
    struct md_line *l = mdr_new_line(r);
    l->text = b->text.buf ? sb_steal(&b->text) : xstrdup("");
    l->spans = b->spans;
    l->nspans = b->nspans;
    l->heading = r->heading;
    memset(b, 0, sizeof *b);
}

static void mdr_blank(struct mdr *r)
{
    if (r->doc->nlines == 0 || r->last_blank)
        return;
    struct mdr_lb b = { 0 };
    int h = r->heading;
    r->heading = 0;
    mdr_lb_emit(r, &b);
    r->heading = h;
    r->last_blank = 1;
}

/* The left margin of the current block: quote bars, list indentation, bullet. */
static void mdr_prefix(struct mdr *r, struct mdr_lb *b, int first)
{
    for (int i = 0; i < r->quote; i++)
        mdr_lb_add(b, "\u2502 ", strlen("\u2502 "), MD_RULE | MD_QUOTE);
    for (int i = 1; i < r->list_depth; i++)
        mdr_lb_add(b, "  ", 2, MD_PLAIN);
    if (r->list_depth > 0) {
        size_t blen = strlen(r->bullet);
        if (first && blen > 0) {
            mdr_lb_add(b, r->bullet, blen, MD_RULE);
            size_t bc = mdr_cols(r->bullet, blen);
            for (size_t i = bc; i < 3; i++)
                mdr_lb_add(b, " ", 1, MD_PLAIN);
        } else {
            mdr_lb_add(b, "   ", 3, MD_PLAIN);
        }
    }
}

/* Wraps the collected pieces into lines and empties the collection. */
static void mdr_flush(struct mdr *r)
{
    if (r->npieces == 0)
        return;
    struct mdr_lb b = { 0 };
    int first = 1;
    mdr_prefix(r, &b, first);
    size_t margin = b.cols;
    size_t avail = (size_t)r->width > margin + 10 ? (size_t)r->width - margin : 10;
    int at_start = 1;
    unsigned extra = r->quote ? MD_QUOTE : 0;
    for (size_t i = 0; i < r->npieces; i++) {
        struct mdr_piece *p = &r->pieces[i];
        /* A word may be several pieces (styles change inside it): wrap on the whole. */
        size_t pc = mdr_cols(p->text, p->len);
        for (size_t j = i + 1; j < r->npieces && !r->pieces[j].space_before
                               && !r->pieces[j].hard_break; j++)
            pc += mdr_cols(r->pieces[j].text, r->pieces[j].len);
        if (p->hard_break || (!at_start && p->space_before && b.cols - margin + 1 + pc > avail)) {
            mdr_lb_emit(r, &b);
            first = 0;
            mdr_prefix(r, &b, first);
            at_start = 1;
            if (p->hard_break)
                continue;
        }
        if (!at_start && p->space_before)
            mdr_lb_add(&b, " ", 1, p->style | extra);
        mdr_lb_add(&b, p->text, p->len, p->style | extra);
        at_start = 0;
    }
    mdr_lb_emit(r, &b);
    for (size_t i = 0; i < r->npieces; i++)
        free(r->pieces[i].text);
    r->npieces = 0;
    r->pending_space = 0;
    r->bullet[0] = '\0';
}

/* 1 for the bytes that end a word; a NUL byte (a damaged file) counts as a space. */
static int mdr_is_gap(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\0';
}

/* Adds inline text, split into words so it can be wrapped. */
static void mdr_words(struct mdr *r, const char *s, size_t n, unsigned style)
{
    size_t i = 0;
    while (i < n) {
        if (mdr_is_gap(s[i])) {
            r->pending_space = 1;
            i++;
            continue;
        }
        size_t start = i;
        while (i < n && !mdr_is_gap(s[i]))
            i++;
        if (r->npieces == r->pcap) {
            r->pcap = r->pcap ? r->pcap * 2 : 32;
            r->pieces = xrealloc(r->pieces, r->pcap * sizeof *r->pieces);
        }
        r->pieces[r->npieces++] = (struct mdr_piece){
            xstrndup(s + start, i - start), i - start, style, r->pending_space, 0 };
        r->pending_space = 0;
    }
}

/* ---- code blocks ------------------------------------------------------------------ */

static void mdr_code_emit_piece(size_t start, size_t len, unsigned style, void *arg)
{
    void **a = arg;
    struct mdr_lb *b = a[0];
    const char *line = a[1];
    mdr_lb_add(b, line + start, len, style);
}

static void mdr_code_flush(struct mdr *r)
{
    const char *text = r->code.buf ? r->code.buf : "";
    int in_comment = 0;
    const char *p = text;
    while (*p) {
        const char *eol = strchr(p, '\n');
        size_t n = eol ? (size_t)(eol - p) : strlen(p);
        struct mdr_lb b = { 0 };
        mdr_prefix(r, &b, 0);
        mdr_lb_add(&b, "    ", 4, MD_CODE);
        if (r->code_c) {
            void *arg[2] = { &b, (void *)p };
            hl_c_line(p, n, &in_comment, mdr_code_emit_piece, arg);
        } else {
            mdr_lb_add(&b, p, n, MD_CODE);
        }
        mdr_lb_emit(r, &b);
        if (eol == NULL)
            break;
        p = eol + 1;
    }
    sb_free(&r->code);
}

/* ---- tables ------------------------------------------------------------------------- */

static void mdr_table_rule(struct mdr *r, const size_t *w, const char *l, const char *m,
                           const char *rt)
{
    struct mdr_lb b = { 0 };
    mdr_prefix(r, &b, 0);
    mdr_lb_add(&b, l, strlen(l), MD_RULE);
    for (int c = 0; c < r->table_cols; c++) {
        for (size_t i = 0; i < w[c] + 2; i++)
            mdr_lb_add(&b, "\u2500", strlen("\u2500"), MD_RULE);
        const char *sep = c + 1 < r->table_cols ? m : rt;
        mdr_lb_add(&b, sep, strlen(sep), MD_RULE);
    }
    mdr_lb_emit(r, &b);
}

/* Byte length of the first `cols` columns of s. */
static size_t mdr_bytes_for_cols(const char *s, size_t cols)
{
    size_t i = 0, c = 0;
    while (s[i] && c < cols) {
        i++;
        while (((unsigned char)s[i] & 0xC0) == 0x80)
            i++;
        c++;
    }
    return i;
}

/* Wraps plain cell text into lines of at most `cols` columns (long words are cut).
 * Returns a NULL-ended array of allocated lines; caller frees each and the array. */
static char **mdr_wrap_cell(const char *s, size_t cols, size_t *nlines)
{
    size_t cap = 4, n = 0;
    char **out = xcalloc(cap, sizeof *out);
    struct sb line = { 0 };
    sb_init(&line);
    size_t lc = 0;
    while (*s) {
        while (*s == ' ')
            s++;
        if (*s == '\0')
            break;
        size_t wl = strcspn(s, " ");
        size_t wc = mdr_cols(s, wl);
        if (lc > 0 && lc + 1 + wc > cols) {
            if (n + 2 > cap)
                out = xrealloc(out, (cap *= 2) * sizeof *out);
            out[n++] = sb_steal(&line);
            sb_init(&line);
            lc = 0;
        }
        while (wc > cols) {                 /* a word wider than the column */
            size_t b = mdr_bytes_for_cols(s, cols - lc);
            sb_add(&line, s, b);
            if (n + 2 > cap)
                out = xrealloc(out, (cap *= 2) * sizeof *out);
            out[n++] = sb_steal(&line);
            sb_init(&line);
            lc = 0;
            s += b;
            wl -= b;
            wc = mdr_cols(s, wl);
        }
        if (lc > 0) {
            sb_putc(&line, ' ');
            lc++;
        }
        sb_add(&line, s, wl);
        lc += wc;
        s += wl;
    }
    if (lc > 0 || n == 0) {
        if (n + 2 > cap)
            out = xrealloc(out, (cap *= 2) * sizeof *out);
        out[n++] = sb_steal(&line);
    }
    sb_free(&line);
    out[n] = NULL;
    *nlines = n;
    return out;
}

/* Emits one table row; cells wrap inside their column, the row grows to fit. */
static void mdr_table_row(struct mdr *r, const size_t *w, struct mdr_cell *cells, int cols)
{
    char **wrapped[MDR_MAX_DEPTH * 4];
    size_t counts[MDR_MAX_DEPTH * 4];
    size_t height = 1;
    int nc = cols < MDR_MAX_DEPTH * 4 ? cols : MDR_MAX_DEPTH * 4;
    for (int c = 0; c < nc; c++) {
        wrapped[c] = mdr_wrap_cell(cells[c].text, w[c] > 0 ? w[c] : 1, &counts[c]);
        if (counts[c] > height)
            height = counts[c];
    }
    for (size_t h = 0; h < height; h++) {
        struct mdr_lb b = { 0 };
        mdr_prefix(r, &b, 0);
        mdr_lb_add(&b, "\u2502", strlen("\u2502"), MD_RULE);
        for (int c = 0; c < nc; c++) {
            const char *text = h < counts[c] ? wrapped[c][h] : "";
            size_t have = mdr_cols(text, strlen(text));
            mdr_lb_add(&b, " ", 1, MD_PLAIN);
            mdr_lb_add(&b, text, strlen(text), cells[c].head ? MD_BOLD : MD_PLAIN);
            for (size_t k = have; k < w[c] + 1; k++)
                mdr_lb_add(&b, " ", 1, MD_PLAIN);
            mdr_lb_add(&b, "\u2502", strlen("\u2502"), MD_RULE);
        }
        mdr_lb_emit(r, &b);
    }
    for (int c = 0; c < nc; c++) {
        for (size_t i = 0; i < counts[c]; i++)
            free(wrapped[c][i]);
        free(wrapped[c]);
    }
}

static void mdr_table_flush(struct mdr *r)
{
    size_t stride = r->table_cols > 0 ? (size_t)r->table_cols : 1;
    int cols = stride > MDR_MAX_DEPTH * 4 ? MDR_MAX_DEPTH * 4 : (int)stride;
    size_t *w = xcalloc(stride, sizeof *w);
    for (size_t i = 0; i < r->ncells; i++) {
        size_t c = mdr_cols(r->cells[i].text, strlen(r->cells[i].text));
        if (c > w[i % stride])
            w[i % stride] = c;
    }
    /* Shrink the widest column until the table fits; cells then wrap. */
    size_t total = 1;
    for (int c = 0; c < cols; c++)
        total += w[c] + 3;
    size_t margin = (size_t)(2 * r->quote + 2 * (r->list_depth > 0 ? r->list_depth + 1 : 0));
    while (total + margin > (size_t)r->width && total > (size_t)cols * 6) {
        int widest = 0;
        for (int c = 1; c < cols; c++)
            if (w[c] > w[widest])
                widest = c;
        w[widest]--;
        total--;
    }
    mdr_table_rule(r, w, "\u250c", "\u252c", "\u2510");
    for (size_t i = 0; i + stride <= r->ncells; i += stride) {
        mdr_table_row(r, w, &r->cells[i], cols);
        if (i == 0 && r->cells[0].head)
            mdr_table_rule(r, w, "\u251c", "\u253c", "\u2524");
    }
    mdr_table_rule(r, w, "\u2514", "\u2534", "\u2518");
    for (size_t i = 0; i < r->ncells; i++)
        free(r->cells[i].text);
    r->ncells = 0;
    free(w);
}

/* ---- md4c callbacks -------------------------------------------------------------- */

static void mdr_set_bullet(struct mdr *r)
{
    int d = r->list_depth - 1;
    if (d < 0 || d >= MDR_MAX_DEPTH)
        return;
    if (r->lists[d].ordered)
        snprintf(r->bullet, sizeof r->bullet, "%u.", r->lists[d].next++);
    else
        snprintf(r->bullet, sizeof r->bullet, "%s", d % 2 ? "\u25e6" : "\u2022");
}

static int mdr_enter_block(MD_BLOCKTYPE type, void *detail, void *arg)
{
    struct mdr *r = arg;
    switch (type) {
    case MD_BLOCK_UL:
    case MD_BLOCK_OL:
        mdr_flush(r);
        if (r->list_depth == 0)
            mdr_blank(r);
        if (r->list_depth < MDR_MAX_DEPTH) {
            r->lists[r->list_depth].ordered = type == MD_BLOCK_OL;
            r->lists[r->list_depth].next =
                type == MD_BLOCK_OL ? ((MD_BLOCK_OL_DETAIL *)detail)->start : 0;
        }
        r->list_depth++;
        break;
    case MD_BLOCK_LI:
        mdr_flush(r);
        mdr_set_bullet(r);
        break;
    case MD_BLOCK_QUOTE:
        mdr_flush(r);
        mdr_blank(r);
        r->quote++;
        break;
    case MD_BLOCK_H:
        mdr_flush(r);
        mdr_blank(r);
        r->heading = (int)((MD_BLOCK_H_DETAIL *)detail)->level;
        r->style |= MD_HEADING | MD_BOLD;
        break;
    case MD_BLOCK_P:
        mdr_flush(r);
        if (r->list_depth == 0)
            mdr_blank(r);
        break;
    case MD_BLOCK_CODE: {
        MD_BLOCK_CODE_DETAIL *d = detail;
        mdr_flush(r);
        mdr_blank(r);
        r->in_code = 1;
        r->code_c = d->lang.size == 1 ? (d->lang.text[0] == 'c' || d->lang.text[0] == 'h')
                                      : (d->lang.size == 3 && memcmp(d->lang.text, "cpp", 3) == 0);
        sb_init(&r->code);
        break;
    }
    case MD_BLOCK_HR: {
        mdr_flush(r);
        mdr_blank(r);
        struct mdr_lb b = { 0 };
        for (int i = 0; i < r->width && i < 72; i++)
            mdr_lb_add(&b, "\u2500", strlen("\u2500"), MD_RULE);
        mdr_lb_emit(r, &b);
        break;
    }
    case MD_BLOCK_TABLE:
        mdr_flush(r);
        mdr_blank(r);
        r->in_table = 1;
        r->table_cols = (int)((MD_BLOCK_TABLE_DETAIL *)detail)->col_count;
        break;
    case MD_BLOCK_THEAD:
        r->in_head = 1;
        break;
    case MD_BLOCK_TH:
    case MD_BLOCK_TD:
        r->cell_open = 1;
        sb_init(&r->cell);
        break;
    default:
        break;
    }
    return 0;
}

static int mdr_leave_block(MD_BLOCKTYPE type, void *detail, void *arg)
{
    struct mdr *r = arg;
    (void)detail;
    switch (type) {
    case MD_BLOCK_UL:
    case MD_BLOCK_OL:
        mdr_flush(r);
        r->list_depth--;
        if (r->list_depth == 0)
            mdr_blank(r);
        break;
    case MD_BLOCK_LI:
        mdr_flush(r);
        break;
    case MD_BLOCK_QUOTE:
        mdr_flush(r);
        r->quote--;
        mdr_blank(r);
        break;
    case MD_BLOCK_H: {
        int level = r->heading;
        mdr_flush(r);
        if (level <= 2 && r->doc->nlines > 0) {
            struct md_line *last = &r->doc->lines[r->doc->nlines - 1];
            size_t n = mdr_cols(last->text, strlen(last->text));
            struct mdr_lb b = { 0 };
            const char *u = level == 1 ? "\u2550" : "\u2500";
            for (size_t i = 0; i < n; i++)
                mdr_lb_add(&b, u, strlen(u), MD_RULE | MD_HEADING);
            mdr_lb_emit(r, &b);
        }
        r->heading = 0;
        r->style &= ~(unsigned)(MD_HEADING | MD_BOLD);
        mdr_blank(r);
        break;
    }
    case MD_BLOCK_P:
        mdr_flush(r);
        if (r->list_depth == 0)
            mdr_blank(r);
        break;
    case MD_BLOCK_CODE:
        r->in_code = 0;
        mdr_code_flush(r);
        mdr_blank(r);
        break;
    case MD_BLOCK_THEAD:
        r->in_head = 0;
        break;
    case MD_BLOCK_TH:
    case MD_BLOCK_TD:
        if (r->ncells == r->ccap) {
            r->ccap = r->ccap ? r->ccap * 2 : 16;
            r->cells = xrealloc(r->cells, r->ccap * sizeof *r->cells);
        }
        r->cells[r->ncells++] = (struct mdr_cell){ sb_steal(&r->cell), type == MD_BLOCK_TH };
        r->cell_open = 0;
        break;
    case MD_BLOCK_TABLE:
        r->in_table = 0;
        mdr_table_flush(r);
        mdr_blank(r);
        break;
    default:
        break;
    }
    return 0;
}

static const struct {
    MD_SPANTYPE type;
    unsigned style;
} mdr_span_styles[] = {
    { MD_SPAN_EM, MD_ITALIC }, { MD_SPAN_STRONG, MD_BOLD }, { MD_SPAN_CODE, MD_CODE },
    { MD_SPAN_A, MD_LINK }, { MD_SPAN_DEL, MD_DIM }, { MD_SPAN_IMG, MD_LINK },
};

static unsigned mdr_span_style(MD_SPANTYPE t)
{
    for (size_t i = 0; i < sizeof mdr_span_styles / sizeof mdr_span_styles[0]; i++)
        if (mdr_span_styles[i].type == t)
            return mdr_span_styles[i].style;
    return 0;
}

static int mdr_enter_span(MD_SPANTYPE type, void *detail, void *arg)
{
    struct mdr *r = arg;
    r->style |= mdr_span_style(type);
    if (type == MD_SPAN_A || type == MD_SPAN_IMG) {
        MD_ATTRIBUTE *a = type == MD_SPAN_A ? &((MD_SPAN_A_DETAIL *)detail)->href
                                            : &((MD_SPAN_IMG_DETAIL *)detail)->src;
        free(r->href);
        r->href = xstrndup(a->text, a->size);
    }
    return 0;
}

static int mdr_leave_span(MD_SPANTYPE type, void *detail, void *arg)
{
    struct mdr *r = arg;
    (void)detail;
    r->style &= ~mdr_span_style(type);
    if ((type == MD_SPAN_A || type == MD_SPAN_IMG) && r->href != NULL) {
        if (r->href[0] != '#' && !r->cell_open) {
            char *t = xasprintf("<%s>", r->href);
            r->pending_space = 1;
            mdr_words(r, t, strlen(t), MD_DIM);
            free(t);
        }
        free(r->href);
        r->href = NULL;
    }
    return 0;
}

static const struct {
    const char *name;
    const char *utf8;
} mdr_entities[] = {
    { "&amp;", "&" }, { "&lt;", "<" }, { "&gt;", ">" }, { "&quot;", "\"" },
    { "&apos;", "'" }, { "&nbsp;", " " }, { "&mdash;", "\u2014" }, { "&ndash;", "\u2013" },
    { "&hellip;", "\u2026" }, { "&copy;", "\u00a9" }, { "&rarr;", "\u2192" },
};

static int mdr_text(MD_TEXTTYPE type, const MD_CHAR *text, MD_SIZE size, void *arg)
{
    struct mdr *r = arg;
    if (r->in_code) {
        sb_add(&r->code, text, size);
        return 0;
    }
    const char *s = text;
    size_t n = size;
    if (type == MD_TEXT_ENTITY) {
        for (size_t i = 0; i < sizeof mdr_entities / sizeof mdr_entities[0]; i++)
            if (strlen(mdr_entities[i].name) == n && memcmp(mdr_entities[i].name, s, n) == 0) {
                s = mdr_entities[i].utf8;
                n = strlen(s);
            }
    } else if (type == MD_TEXT_NULLCHAR) {
        s = "\uFFFD";
        n = strlen(s);
    }
    if (r->cell_open) {
        sb_add(&r->cell, type == MD_TEXT_SOFTBR ? " " : s, type == MD_TEXT_SOFTBR ? 1 : n);
        return 0;
    }
    if (type == MD_TEXT_BR) {
        mdr_words(r, "x", 1, 0);
        r->pieces[r->npieces - 1].hard_break = 1;
        return 0;
    }
    if (type == MD_TEXT_SOFTBR) {
        r->pending_space = 1;
        return 0;
    }
    if (type == MD_TEXT_CODE) {
        /* Inline code keeps its spaces: split only where it is safe to wrap. */
        mdr_words(r, s, n, r->style | MD_CODE);
        return 0;
    }
    mdr_words(r, s, n, r->style | (type == MD_TEXT_HTML ? MD_DIM : 0));
    return 0;
}

/* Rewrites every line in ASCII for a terminal that cannot show UTF-8 (LANG=C): each
 * character becomes one byte, so widths, wrapping and table columns stay as laid out. */
static void mdr_ascii(struct md_doc *doc)
{
    for (size_t i = 0; i < doc->nlines; i++) {
        struct md_line *l = &doc->lines[i];
        struct sb text;
        sb_init(&text);
        for (size_t k = 0; k < l->nspans; k++) {
            size_t start = text.len;
            term_ascii_add(&text, l->text + l->spans[k].start, l->spans[k].len);
            l->spans[k].start = start;
            l->spans[k].len = text.len - start;
        }
        free(l->text);
        l->text = sb_steal(&text);
    }
}

struct md_doc *md_render(const char *markdown, size_t len, int width, char **cause)
{
    struct mdr r;
    memset(&r, 0, sizeof r);
    r.doc = xcalloc(1, sizeof *r.doc);
    r.width = width < 20 ? 20 : width;
    MD_PARSER p;
    memset(&p, 0, sizeof p);
    p.flags = MD_FLAG_TABLES | MD_FLAG_STRIKETHROUGH | MD_FLAG_PERMISSIVEURLAUTOLINKS
              | MD_FLAG_NOHTMLBLOCKS;
    p.enter_block = mdr_enter_block;
    p.leave_block = mdr_leave_block;
    p.enter_span = mdr_enter_span;
    p.leave_span = mdr_leave_span;
    p.text = mdr_text;
    int rc = md_parse(markdown, (MD_SIZE)len, &p, &r);
    mdr_flush(&r);
    /* Drop a trailing blank line. */
    if (r.doc->nlines > 0 && r.last_blank) {
        struct md_line *l = &r.doc->lines[--r.doc->nlines];
        free(l->text);
        free(l->spans);
    }
    free(r.pieces);
    free(r.href);
    for (size_t i = 0; i < r.ncells; i++)
        free(r.cells[i].text);
    free(r.cells);
    sb_free(&r.code);
    sb_free(&r.cell);
    if (rc != 0) {
        md_doc_free(r.doc);
        *cause = xstrdup("the Markdown parser gave up on this text");
        return NULL;
    }
    if (!term_utf8())
        mdr_ascii(r.doc);
    return r.doc;
}

void md_doc_free(struct md_doc *doc)
{
    if (doc == NULL)
        return;
    for (size_t i = 0; i < doc->nlines; i++) {
        free(doc->lines[i].text);
        free(doc->lines[i].spans);
    }
    free(doc->lines);
    free(doc);
}

/* SGR for a style: the most telling bit wins the colour; bold/italic/underline add up. */
static void md_sgr(struct sb *out, unsigned style)
{
    sb_puts(out, "\033[0");
    if (style & (MD_BOLD | MD_HEADING))
        sb_puts(out, ";1");
    if (style & MD_ITALIC)
        sb_puts(out, ";3");
    if (style & MD_LINK)
        sb_puts(out, ";4;34");
    if (style & (MD_DIM | MD_RULE))
        sb_puts(out, ";2");
    if (style & MD_HEADING)
        sb_puts(out, ";36");
    else if (style & MD_COMMENT)
        sb_puts(out, ";2;32");
    else if (style & MD_KEYWORD)
        sb_puts(out, ";35");
    else if (style & MD_STRING)
        sb_puts(out, ";33");
    else if (style & MD_NUMBER)
        sb_puts(out, ";31");
    else if (style & MD_PREPROC)
        sb_puts(out, ";34");
    else if (style & MD_CODE)
        sb_puts(out, ";33");
    sb_putc(out, 'm');
}

void md_fprint(FILE *f, const struct md_doc *doc)
{
    int color = term_color(f);
    struct sb out;
    sb_init(&out);
    for (size_t i = 0; i < doc->nlines; i++) {
        const struct md_line *l = &doc->lines[i];
        if (!color) {
            sb_puts(&out, l->text);
        } else {
            for (size_t s = 0; s < l->nspans; s++) {
                if (l->spans[s].style != MD_PLAIN)
                    md_sgr(&out, l->spans[s].style);
                sb_add(&out, l->text + l->spans[s].start, l->spans[s].len);
                if (l->spans[s].style != MD_PLAIN)
                    sb_puts(&out, "\033[0m");
            }
        }
        sb_putc(&out, '\n');
    }
    fwrite(out.buf, 1, out.len, f);
    sb_free(&out);
}
