/* subarch.c (test) -- a submission's tar.gz: hostile archives built here with libarchive's
 * writer (absolute paths, "..", links, devices, fifos, too many entries, a file or a
 * total too big, gzip bombs, headers lying about sizes, data that is not gzip, cut short)
 * are each refused with a cause naming the entry, and nothing lands outside dest; a
 * packed folder unpacks to the same files. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "subarch.h"
#include "tap.h"
#include "util.h"

/* One entry of a test archive. */
struct ent {
    const char *name;
    unsigned type;              /* AE_IFREG ... (0: AE_IFREG) */
    size_t size;                /* bytes of data: `fill` repeated, or data */
    const char *data;
    char fill;                  /* the byte after data (0: zeros) */
    const char *symlink, *hardlink;
};

static char *const vial_only[] = { "vial", NULL };

static la_ssize_t t_write_cb(struct archive *a, void *data, const void *buf, size_t n)
{
    (void)a;
    sb_add(data, buf, n);
    return (la_ssize_t)n;
}

/* A tar (gzip-compressed when gz) of the n entries. Caller frees. */
static char *t_tar(const struct ent *e, size_t n, int gz, size_t *len)
{
    struct sb out = { 0 };
    struct archive *a = archive_write_new();
    if (gz)
        archive_write_add_filter_gzip(a);
    archive_write_set_format_pax_restricted(a);
    archive_write_set_bytes_in_last_block(a, 1);
    archive_write_open(a, &out, NULL, t_write_cb, NULL);
    for (size_t i = 0; i < n; i++) {
        struct archive_entry *ae = archive_entry_new();
        archive_entry_set_pathname(ae, e[i].name);
        archive_entry_set_filetype(ae, e[i].type ? e[i].type : AE_IFREG);
        archive_entry_set_perm(ae, 0644);
        if (e[i].symlink)
            archive_entry_set_symlink(ae, e[i].symlink);
        if (e[i].hardlink)
            archive_entry_set_hardlink(ae, e[i].hardlink);
        if (e[i].type == AE_IFCHR)
            archive_entry_set_rdev(ae, makedev(1, 3));
        int data = (e[i].type == 0 || e[i].type == AE_IFREG) && !e[i].hardlink;
        archive_entry_set_size(ae, data ? (la_int64_t)e[i].size : 0);
        archive_write_header(a, ae);
        if (data && e[i].size > 0) {
            char *buf = xcalloc(1, e[i].size);
            memset(buf, e[i].fill, e[i].size);
            if (e[i].data)
                memcpy(buf, e[i].data, strlen(e[i].data));
            archive_write_data(a, buf, e[i].size);
            free(buf);
        }
        archive_entry_free(ae);
    }
    archive_write_close(a);
    archive_write_free(a);
    *len = out.len;
    return sb_steal(&out);
}

/* data gzip-compressed as it is (libarchive's raw format). Caller frees. */
static char *t_gzip(const char *data, size_t n, size_t *len)
{
    struct sb out = { 0 };
    struct archive *a = archive_write_new();
    archive_write_add_filter_gzip(a);
    archive_write_set_format_raw(a);
    archive_write_set_bytes_in_last_block(a, 1);
    archive_write_open(a, &out, NULL, t_write_cb, NULL);
    struct archive_entry *ae = archive_entry_new();
    archive_entry_set_pathname(ae, "raw");
    archive_entry_set_filetype(ae, AE_IFREG);
    archive_write_header(a, ae);
    archive_write_data(a, data, n);
    archive_entry_free(ae);
    archive_write_close(a);
    archive_write_free(a);
    *len = out.len;
    return sb_steal(&out);
}

/* Rewrites the size field of the ustar header at h (octal, 11 digits) and its sum. */
static void t_set_header_size(char *h, const char *octal11)
{
    memcpy(h + 124, octal11, 11);
    memset(h + 148, ' ', 8);
    unsigned sum = 0;
    for (int i = 0; i < 512; i++)
        sum += (unsigned char)h[i];
    snprintf(h + 148, 8, "%06o", sum);
}

/* Names in folder dir, joined by ' ' in readdir order sorted; "" when empty. */
static char *t_listing(const char *dir)
{
    char **names = NULL;
    size_t n = 0;
    DIR *d = opendir(dir);
    for (struct dirent *de; d != NULL && (de = readdir(d)) != NULL;) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        names = xrealloc(names, (n + 1) * sizeof *names);
        names[n++] = xstrdup(de->d_name);
    }
    if (d)
        closedir(d);
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
            char *t = names[j];
            names[j] = names[j - 1];
            names[j - 1] = t;
        }
    struct sb sb = { 0 };
    for (size_t i = 0; i < n; i++) {
        sb_printf(&sb, "%s%s", i ? " " : "", names[i]);
        free(names[i]);
    }
    free(names);
    return sb_steal(&sb);
}

/* Unpacks into a fresh "box/dest" and expects a refusal whose cause holds want; box
 * (dest's parent) must hold nothing but dest after. */
static void t_refused(const char *id, const char *what, const char *data, size_t len,
                      const char *want)
{
    util_rmtree("box");
    util_mkdirs("box/dest", 0755);
    char *cause = NULL;
    int rc = subarch_unpack(data, len, "box/dest", vial_only, &cause);
    if (!ok(rc == -1 && cause != NULL && strstr(cause, want) != NULL,
            "%s %s is refused, naming it (%s)", id, what, want))
        diag("rc %d, cause: %s", rc, cause ? cause : "(none)");
    char *ls = t_listing("box");
    is_str(ls, "dest", "%s ... and nothing is written beside dest", id);
    free(ls);
    free(cause);
}

/* Builds the n entries as a tar.gz and expects them refused with want. */
static void t_refused_ents(const char *id, const char *what, const struct ent *e, size_t n,
                           const char *want)
{
    size_t len;
    char *tgz = t_tar(e, n, 1, &len);
    t_refused(id, what, tgz, len, want);
    free(tgz);
}

static void t_hostile_entries(void)
{
    char abs[600];
    char *cwd = getcwd(NULL, 0);
    snprintf(abs, sizeof abs, "%s/escaped", cwd);
    free(cwd);
    struct ent e_abs[] = { { .name = abs, .size = 3, .data = "bad" } };
    t_refused_ents("H1", "an absolute path", e_abs, 1, "entry 1 (");
    ok(access("escaped", F_OK) != 0, "H1 ... the absolute path was not created");
    t_refused_ents("H2", "an absolute path", e_abs, 1, "an absolute path");

    struct ent e_dots[] = { { .name = "vial/ok.c", .size = 1 },
                            { .name = "vial/../../escaped", .size = 3, .data = "bad" } };
    t_refused_ents("H3", "a .. component", e_dots, 2, "entry 2 (vial/../../escaped): a .. component");
    ok(access("escaped", F_OK) != 0, "H3 ... nothing escaped");
    struct ent e_dot[] = { { .name = "vial/./a.c", .size = 1 } };
    t_refused_ents("H4", "a . component", e_dot, 1, "entry 1 (vial/./a.c): a . component");
    struct ent e_empty[] = { { .name = "vial//a.c", .size = 1 } };
    t_refused_ents("H5", "an empty component", e_empty, 1, "entry 1 (vial//a.c): an empty path");
    struct ent e_outside[] = { { .name = "etc/passwd", .size = 1 } };
    t_refused_ents("H6", "a path outside the allowed folders", e_outside, 1,
                   "entry 1 (etc/passwd): outside the lab's folders");
    struct ent e_prefix[] = { { .name = "vialx/a.c", .size = 1 } };
    t_refused_ents("H7", "a folder whose name only starts like an allowed one", e_prefix, 1,
                   "entry 1 (vialx/a.c): outside");
    struct ent e_top[] = { { .name = "vial", .size = 1 } };
    t_refused_ents("H8", "a file in place of the allowed folder", e_top, 1,
                   "entry 1 (vial): a file where the lab has a folder");

    struct ent e_sym[] = { { .name = "vial/l", .type = AE_IFLNK, .symlink = "/etc/passwd" } };
    t_refused_ents("H9", "a symbolic link", e_sym, 1, "entry 1 (vial/l): a symbolic link");
    struct ent e_hard[] = { { .name = "vial/a.c", .size = 2, .data = "x" },
                            { .name = "vial/h", .hardlink = "vial/a.c" } };
    t_refused_ents("H10", "a hard link", e_hard, 2, "entry 2 (vial/h): a hard link");
    struct ent e_fifo[] = { { .name = "vial/f", .type = AE_IFIFO } };
    t_refused_ents("H11", "a fifo", e_fifo, 1, "entry 1 (vial/f): a fifo");
    struct ent e_chr[] = { { .name = "vial/null", .type = AE_IFCHR } };
    t_refused_ents("H12", "a character device", e_chr, 1,
                   "entry 1 (vial/null): a character device");
    struct ent e_blk[] = { { .name = "vial/sda", .type = AE_IFBLK } };
    t_refused_ents("H13", "a block device", e_blk, 1, "entry 1 (vial/sda): a block device");
    struct ent e_dup[] = { { .name = "vial/a.c", .size = 1 }, { .name = "vial/a.c", .size = 1 } };
    t_refused_ents("H14", "a second entry of one name", e_dup, 2,
                   "entry 2 (vial/a.c): a second entry of that name");
    struct ent e_ctl[] = { { .name = "vial/\033[2Jx", .type = AE_IFLNK, .symlink = "y" } };
    t_refused_ents("H15", "a name with an escape sequence (shown escaped)", e_ctl, 1,
                   "entry 1 (vial/\\x1B[2Jx): a symbolic link");
}

static void t_limits(void)
{
    struct ent *many = xcalloc(SUBARCH_MAX_ENTRIES + 1, sizeof *many);
    char (*names)[32] = xcalloc(SUBARCH_MAX_ENTRIES + 1, sizeof *names);
    for (size_t i = 0; i <= SUBARCH_MAX_ENTRIES; i++) {
        snprintf(names[i], sizeof names[i], "vial/f%zu.c", i);
        many[i] = (struct ent){ .name = names[i], .size = 1 };
    }
    t_refused_ents("L1", "entry 257", many, SUBARCH_MAX_ENTRIES + 1,
                   "entry 257 (vial/f256.c): more than 256 entries");
    size_t len;
    char *tgz = t_tar(many, SUBARCH_MAX_ENTRIES, 1, &len);
    util_rmtree("box");
    util_mkdirs("box/dest", 0755);
    char *cause = NULL;
    is_int(subarch_unpack(tgz, len, "box/dest", vial_only, &cause), 0,
           "L2 256 entries are accepted");
    free(cause);
    free(tgz);
    free(many);
    free(names);

    struct ent big[] = { { .name = "vial/big.c", .size = SUBARCH_MAX_FILE + 1 } };
    t_refused_ents("L3", "a file over 512 KiB", big, 1, "entry 1 (vial/big.c): a file over");
    struct ent edge[] = { { .name = "vial/edge.c", .size = SUBARCH_MAX_FILE } };
    tgz = t_tar(edge, 1, 1, &len);
    util_rmtree("box");
    util_mkdirs("box/dest", 0755);
    cause = NULL;
    struct stat st;
    ok(subarch_unpack(tgz, len, "box/dest", vial_only, &cause) == 0
       && stat("box/dest/vial/edge.c", &st) == 0 && (size_t)st.st_size == SUBARCH_MAX_FILE,
       "L4 a file of exactly 512 KiB is accepted whole");
    free(cause);
    free(tgz);

    /* Nine files of 500 KiB of zeros: 4.4 MiB unpacked from a few KiB. */
    struct ent bomb[9];
    char bnames[9][32];
    for (int i = 0; i < 9; i++) {
        snprintf(bnames[i], sizeof bnames[i], "vial/z%d", i);
        bomb[i] = (struct ent){ .name = bnames[i], .size = 500 << 10 };
    }
    tgz = t_tar(bomb, 9, 1, &len);
    ok(len < 64 << 10, "L5 the bomb is small compressed (%zu bytes)", len);
    t_refused("L6", "a gzip bomb past 4 MiB", tgz, len,
              "entry 9 (vial/z8): the files come to more than 4 MiB");
    free(tgz);
}

/* Headers whose size lies, data that is no tar.gz, archives cut short. */
static void t_lies(void)
{
    struct ent one[] = { { .name = "vial/a.c", .size = 1000, .data = "int x;", .fill = '/' },
                         { .name = "vial/b.c", .size = 10, .data = "int y;" } };
    size_t len;
    char *tar = t_tar(one, 2, 0, &len);
    t_refused("G1", "a plain tar (not gzip)", tar, len, "not gzip-compressed");

    char *copy = xmalloc(len);
    memcpy(copy, tar, len);
    t_set_header_size(copy, "77777777777");     /* 8 GiB, not in the data */
    size_t glen;
    char *gz = t_gzip(copy, len, &glen);
    t_refused("G2", "a header claiming 8 GiB", gz, glen, "entry 1 (vial/a.c): a file over");
    free(gz);

    memcpy(copy, tar, len);
    t_set_header_size(copy, "00000000001");     /* 1 byte: the rest reads as a header */
    gz = t_gzip(copy, len, &glen);
    util_rmtree("box");
    util_mkdirs("box/dest", 0755);
    char *cause = NULL;
    int rc = subarch_unpack(gz, glen, "box/dest", vial_only, &cause);
    struct stat st;
    ok(rc == -1 && cause != NULL && strncmp(cause, "entry 2", 7) == 0
       && stat("box/dest/vial/a.c", &st) == 0 && st.st_size == 1,
       "G3 a header claiming 1 byte of 1000: one byte is read, the rest is no header "
       "(%s)", cause ? cause : "accepted");
    free(cause);
    free(gz);

    memcpy(copy, tar, len);
    t_set_header_size(copy, "00000010000");     /* 4096: reads into the next entry */
    gz = t_gzip(copy, len, &glen);
    util_rmtree("box");
    util_mkdirs("box/dest", 0755);
    cause = NULL;
    rc = subarch_unpack(gz, glen, "box/dest", vial_only, &cause);
    ok(rc == -1 && cause != NULL && strstr(cause, "entry ") != NULL,
       "G4 a header claiming more bytes than the archive holds is refused (%s)",
       cause ? cause : "accepted");
    free(cause);
    free(gz);
    free(copy);
    free(tar);

    t_refused("G5", "bytes that are no archive", "hello, this is not gzip at all", 30,
              "not a tar.gz archive");
    t_refused("G6", "nothing at all", "", 0, "not a tar.gz archive");
    tar = t_tar(one, 2, 1, &len);
    t_refused("G7", "a tar.gz cut in half", tar, len / 2, "truncated");
    gz = t_gzip("garbage that gzip wraps but is no tar", 37, &glen);
    t_refused("G8", "gzip of something else", gz, glen, "not a tar.gz archive");
    free(gz);
    free(tar);
}

/* Writes text to root/rel, creating folders. */
static void t_put(const char *root, const char *rel, const char *text)
{
    char *path = util_path_join(root, rel);
    char *dir = xstrdup(path);
    *strrchr(dir, '/') = '\0';
    util_mkdirs(dir, 0755);
    util_write_file(path, text, strlen(text), 0600);
    free(dir);
    free(path);
}

static void t_round_trip(void)
{
    util_rmtree("src");
    t_put("src", "vial/request.c", "int request;\n");
    t_put("src", "vial/sub/deep.h", "#define DEEP 1\n");
    t_put("src", "vial/.hidden", "secret\n");
    t_put("src", "vial/.git/config", "secret\n");
    t_put("src", "app/main.c", "int main(void) { return 0; }\n");
    t_put("src", "other/x.c", "not sent\n");
    t_put("src", "vial/empty.c", "");
    symlink("/etc/passwd", "src/vial/link.c");
    char *const folders[] = { "vial", "app", "missing", NULL };
    char *out = NULL, *cause = NULL;
    size_t len = 0;
    int rc = subarch_pack("src", folders, &out, &len, &cause);
    ok(rc == 0 && len > 18 && (unsigned char)out[0] == 0x1f && (unsigned char)out[1] == 0x8b,
       "P1 pack gives gzip data (%s)", cause ? cause : "ok");
    util_rmtree("box");
    util_mkdirs("box/dest", 0755);
    char *const allowed[] = { "vial", "app", NULL };
    free(cause);
    cause = NULL;
    is_int(subarch_unpack(out, len, "box/dest", allowed, &cause), 0, "P2 it unpacks");
    if (cause)
        diag("%s", cause);
    free(cause);
    const char *files[][2] = {
        { "box/dest/vial/request.c", "int request;\n" },
        { "box/dest/vial/sub/deep.h", "#define DEEP 1\n" },
        { "box/dest/app/main.c", "int main(void) { return 0; }\n" },
        { "box/dest/vial/empty.c", "" },
    };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char *got = util_read_file(files[i][0], 1 << 20, NULL);
        is_str(got, files[i][1], "P3 %s round-trips", files[i][0] + 9);
        free(got);
    }
    struct stat st;
    ok(stat("box/dest/vial/request.c", &st) == 0 && (st.st_mode & 07777) == 0644,
       "P4 files get mode 0644 (source 0600)");
    ok(stat("box/dest/vial/sub", &st) == 0 && (st.st_mode & 07777) == 0755,
       "P5 folders get mode 0755");
    char *ls = t_listing("box/dest/vial");
    is_str(ls, "empty.c request.c sub", "P6 dot files, dot folders and links are not packed");
    free(ls);
    ls = t_listing("box/dest");
    is_str(ls, "app vial", "P7 folders not listed are not packed");
    free(ls);
    free(out);

    char *big = xcalloc(1, SUBARCH_MAX_FILE + 2);
    memset(big, 'a', SUBARCH_MAX_FILE + 1);
    t_put("src", "vial/huge.c", big);
    free(big);
    cause = NULL;
    out = NULL;
    rc = subarch_pack("src", folders, &out, &len, &cause);
    ok(rc == -1 && cause != NULL && strstr(cause, "vial/huge.c: larger than 512 KiB") != NULL,
       "P8 pack refuses a file over the limit, naming it (%s)", cause ? cause : "packed");
    free(cause);
    free(out);

    struct ent dirs[] = { { .name = "vial/", .type = AE_IFDIR },
                          { .name = "vial/sub/", .type = AE_IFDIR },
                          { .name = "vial/sub/a.c", .size = 2, .data = "ab" } };
    char *tgz = t_tar(dirs, 3, 1, &len);
    util_rmtree("box");
    util_mkdirs("box/dest", 0755);
    cause = NULL;
    ok(subarch_unpack(tgz, len, "box/dest", vial_only, &cause) == 0
       && util_is_file("box/dest/vial/sub/a.c"), "P9 folder entries are accepted");
    free(cause);
    free(tgz);
}

int main(void)
{
    const char *tmp = getenv("TMPDIR");
    char *dir = xasprintf("%s/stacklab-subarch-XXXXXX", tmp != NULL && *tmp ? tmp : "/tmp");
    if (mkdtemp(dir) == NULL || chdir(dir) < 0)
        BAIL_OUT("temp folder: cannot create");
    t_hostile_entries();
    t_limits();
    t_lies();
    t_round_trip();
    if (chdir("/") == 0)
        util_rmtree(dir);
    free(dir);
    return done_testing();
}
