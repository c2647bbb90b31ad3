/* ops.h -- lab 09's operations, shared by driver.c (on your vial) and checker.c (on the
 * reference): each "ops" frame holds operations (templates to add, files to write in a
 * temporary folder, a context to fill, templates to render); they run with a template
 * engine on a fresh app and answer with a text of the results, which the checker
 * compares. Static functions only: each program includes it once. */
#ifndef LAB09_OPS_H
#define LAB09_OPS_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vial.h"
#include "wire.h"

#define MAX_NEST 8
#define MAX_MADE 64

/* The temporary folder files are written in (made at the first "file"), and what was
 * made in it, removed by files_remove. */
static char files_base[512];
static char *files_made[MAX_MADE];
static int files_nmade;

/* Records a path made under files_base. */
static void files_record(const char *path)
{
    if (files_nmade < MAX_MADE)
        files_made[files_nmade++] = strdup(path);
}

/* file PATH\0CONTENT: writes files_base/PATH, making its one folder ("t/x.html") when
 * needed. Returns 0 or -1. */
static int files_write(const char *rel, const char *content)
{
    char path[1024];
    const char *slash = strchr(rel, '/');
    if (files_base[0] == '\0') {
        const char *tmp = getenv("TMPDIR");
        snprintf(files_base, sizeof files_base, "%s/lab09-XXXXXX", tmp && *tmp ? tmp : "/tmp");
        if (mkdtemp(files_base) == NULL) {
            files_base[0] = '\0';
            return -1;
        }
    }
    if (slash != NULL) {
        snprintf(path, sizeof path, "%s/%.*s", files_base, (int)(slash - rel), rel);
        if (mkdir(path, 0700) == 0)
            files_record(path);
    }
    snprintf(path, sizeof path, "%s/%s", files_base, rel);
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        return -1;
    files_record(path);
    size_t n = strlen(content);
    int ok = fwrite(content, 1, n, f) == n;
    return fclose(f) == 0 && ok ? 0 : -1;
}

/* Removes what files_write made (files and folders, newest first), then the folder. */
static void files_remove(void)
{
    while (files_nmade > 0) {
        files_nmade--;
        if (unlink(files_made[files_nmade]) < 0)
            rmdir(files_made[files_nmade]);
        free(files_made[files_nmade]);
    }
    if (files_base[0] != '\0')
        rmdir(files_base);
    files_base[0] = '\0';
}

/* "NAME:LINE:" of an error message, or the whole message when it has no such start. */
static void op_error(struct wire_buf *out, const char *err)
{
    const char *c1 = err ? strchr(err, ':') : NULL;
    const char *c2 = c1 ? c1 + 1 + strspn(c1 + 1, "0123456789") : NULL;
    wire_buf_str(out, "error ");
    if (c2 != NULL && c2 > c1 + 1 && *c2 == ':')
        wire_buf_add(out, err, (size_t)(c2 - err + 1));
    else {
        wire_buf_str(out, "without a name:line: start: \"");
        wire_buf_escaped(out, err ? err : "(null)", err ? strlen(err) : 6, 0);
        wire_buf_str(out, "\"");
    }
    wire_buf_str(out, "\n");
}

/* render NAME\0SOURCE: vial_render_string; message NAME\0SOURCE: the same, an error
 * shown whole (for the errors lab.md gives word for word). */
static void op_render(struct wire_buf *out, const vial_app *app, const vial_ctx *ctx,
                      const char *name, const char *source, int whole)
{
    char *err = NULL;
    char *html = vial_render_string(app, name, source, ctx, &err);
    wire_buf_str(out, "render ");
    wire_buf_str(out, name);
    wire_buf_str(out, " -> ");
    if (html != NULL) {
        wire_buf_str(out, "\"");
        wire_buf_escaped(out, html, strlen(html), 0);
        wire_buf_str(out, "\"\n");
    } else if (whole) {
        wire_buf_str(out, "error \"");
        wire_buf_escaped(out, err ? err : "(null)", err ? strlen(err) : 6, 0);
        wire_buf_str(out, "\"\n");
    } else {
        op_error(out, err);
    }
    free(html);
    free(err);
}

/* view NAME: vial_render into a response. */
static void op_view(struct wire_buf *out, const vial_app *app, const vial_ctx *ctx,
                    const char *name)
{
    vial_response res;
    char line[64];
    vial_response_init(&res);
    int rc = vial_render(&res, app, name, ctx);
    const char *type = vial_response_header(&res, "Content-Type");
    snprintf(line, sizeof line, "view -> %d, status %d\n", rc, res.status);
    wire_buf_str(out, line);
    wire_buf_str(out, "Content-Type: ");
    wire_buf_str(out, type ? type : "(none)");
    wire_buf_str(out, "\nbody \"");
    if (res.status == 200)
        wire_buf_escaped(out, res.body ? res.body : "", res.body ? res.body_len : 0, 0);
    wire_buf_str(out, "\"\n");
    vial_response_free(&res);
}

struct op_state {
    vial_app *app;
    vial_ctx *root;
    vial_ctx *stack[MAX_NEST];          /* stack[0] is root; push/pop walk list items */
    int top;
};

/* Runs one operation; d holds NAME\0VALUE for most. "tpl" with the name "(null)" or
 * the source "(null)" passes NULL. "folder SUB" sets the app's template folder to SUB of
 * the temporary folder. */
static void op_run(struct wire_buf *out, struct op_state *st, const char *op, const char *d)
{
    const char *value = d + strlen(d) + 1;
    vial_ctx *cur = st->stack[st->top];
    char line[160];
    int rc = 0;
    if (strcmp(op, "tpl") == 0) {
        rc = vial_app_add_template(st->app, strcmp(d, "(null)") ? d : NULL,
                                   strcmp(value, "(null)") ? value : NULL);
    } else if (strcmp(op, "file") == 0) {
        rc = files_write(d, value);
    } else if (strcmp(op, "folder") == 0) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", files_base, d);
        rc = vial_app_template_folder(st->app, path);
    } else if (strcmp(op, "set") == 0) {
        rc = vial_ctx_set(cur, d, value);
    } else if (strcmp(op, "safe") == 0) {
        rc = vial_ctx_set_safe(cur, d, value);
    } else if (strcmp(op, "int") == 0) {
        rc = vial_ctx_set_int(cur, d, strtoll(value, NULL, 10));
    } else if (strcmp(op, "push") == 0) {
        vial_ctx *child = st->top + 1 < MAX_NEST ? vial_ctx_list_add(cur, d) : NULL;
        rc = child ? 0 : -1;
        if (child != NULL)
            st->stack[++st->top] = child;
    } else if (strcmp(op, "pop") == 0) {
        st->top -= st->top > 0;
        return;
    } else if (strcmp(op, "render") == 0 || strcmp(op, "message") == 0) {
        op_render(out, st->app, st->root, d, value, op[0] == 'm');
        return;
    } else if (strcmp(op, "view") == 0) {
        op_view(out, st->app, st->root, d);
        return;
    } else {
        rc = -2;
    }
    if (rc != 0) {                      /* only failures are worth a line */
        snprintf(line, sizeof line, "%s %.60s -> %d\n", op, d, rc);
        wire_buf_str(out, line);
    }
}

/* Runs every operation of ops[0..len) on a fresh app and context; returns the text
 * (caller frees). */
static char *op_exec(const char *ops, size_t len, size_t *out_len)
{
    struct wire_buf out = {0};
    struct op_state st = {.app = vial_app_new("lab09"), .root = vial_ctx_new()};
    char name[WIRE_MAX_NAME];
    const char *p = ops, *d;
    size_t n;
    st.stack[0] = st.root;
    wire_buf_add(&out, "", 0);
    if (st.app == NULL || st.root == NULL)
        wire_buf_str(&out, "vial_app_new or vial_ctx_new -> NULL\n");
    while (st.app && st.root && wire_next(&p, ops + len, name, sizeof name, &d, &n) == 1) {
        char *copy = malloc(n + 2);     /* two NULs: a missing field reads as "" */
        if (copy == NULL)
            break;
        memcpy(copy, d, n);
        copy[n] = copy[n + 1] = '\0';
        op_run(&out, &st, name, copy);
        free(copy);
    }
    vial_ctx_free(st.root);
    vial_app_free(st.app);
    files_remove();
    *out_len = out.len;
    return out.data;
}

#endif
