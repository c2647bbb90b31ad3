/* util.c (test) -- the runner's small helpers: allocated strings, the growable string
 * buffer, capped file reading (also beneath a folder, never through a link), atomic
 * file writing, path joining, mkdir -p, an rm -rf that never follows symlinks, path
 * containment, the clocks, and term.c's escaping of learner text for a terminal. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"
#include "term.h"
#include "util.h"

static void t_strings(void)
{
    char *s = xstrdup("hello");
    is_str(s, "hello", "X1 xstrdup copies");
    free(s);
    s = xstrndup("hello", 3);
    is_str(s, "hel", "X2 xstrndup stops at n");
    free(s);
    s = xstrndup("hi", 10);
    is_str(s, "hi", "X3 xstrndup stops at the end of a shorter string");
    free(s);
    char big[10000];
    memset(big, 'q', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    s = xasprintf("<%s|%d>", big, 42);
    ok(strlen(s) == sizeof big - 1 + 5 && s[0] == '<' && strcmp(s + sizeof big, "|42>") == 0,
       "X4 xasprintf formats long output whole");
    free(s);
    s = xasprintf("%s", "");
    is_str(s, "", "X5 xasprintf of nothing is an empty string");
    free(s);
    void *p = xcalloc(0, 0);
    ok(p != NULL, "X6 xcalloc(0, 0) still returns memory");
    p = xrealloc(p, 0);
    ok(p != NULL, "X7 xrealloc to 0 still returns memory");
    free(p);
}

static void t_sb(void)
{
    struct sb sb;
    sb_init(&sb);
    ok(sb.buf != NULL && sb.len == 0 && sb.buf[0] == '\0', "B1 sb_init gives an empty string");
    sb_puts(&sb, "abc");
    sb_putc(&sb, '-');
    sb_printf(&sb, "%d/%s", 7, "x");
    is_str(sb.buf, "abc-7/x", "B2 puts, putc and printf append");
    is_int((long long)sb.len, 7, "B3 len follows");
    for (int i = 0; i < 5000; i++)
        sb_putc(&sb, (char)('a' + i % 26));
    int good = sb.len == 5007 && sb.buf[5007] == '\0' && sb.cap > sb.len;
    for (int i = 0; good && i < 5000; i++)
        good = sb.buf[7 + i] == (char)('a' + i % 26);
    ok(good, "B4 growth keeps every byte and the terminator");
    sb_free(&sb);
    ok(sb.buf == NULL && sb.len == 0 && sb.cap == 0, "B5 sb_free empties");
    sb_free(&sb);
    ok(1, "B6 sb_free twice is harmless");

    struct sb z = { 0 };
    sb_add(&z, "a\0b", 3);
    is_bytes(z.buf, z.len, "a\0b", 3, "B7 sb_add on a zeroed sb, with an embedded NUL");
    char *out = sb_steal(&z);
    ok(z.buf == NULL && z.len == 0, "B8 sb_steal empties the sb");
    is_bytes(out, 4, "a\0b", 4, "B9 ... and hands over a terminated buffer");
    free(out);
    sb_puts(&z, "again");
    is_str(z.buf, "again", "B10 usable after sb_steal");
    sb_free(&z);
    struct sb e = { 0 };
    out = sb_steal(&e);
    ok(out != NULL && out[0] == '\0', "B11 sb_steal of a zeroed sb is \"\", never NULL");
    free(out);
    sb_init(&e);
    sb_add(&e, NULL, 0);
    sb_add(&e, "", 0);
    ok(e.len == 0 && e.buf[0] == '\0', "B12 adding nothing changes nothing");
    sb_free(&e);
}

static void t_read_file(void)
{
    size_t len = 99;
    errno = 0;
    ok(util_read_file("missing", 100, &len) == NULL && errno == ENOENT,
       "F1 a missing file is NULL with ENOENT");
    mkdir("d", 0755);
    errno = 0;
    ok(util_read_file("d", 100, NULL) == NULL && errno == EISDIR,
       "F2 a folder is NULL with EISDIR");
    util_write_file("ten", "0123456789", 10, 0644);
    char *s = util_read_file("ten", 10, &len);
    ok(s != NULL && len == 10 && strcmp(s, "0123456789") == 0,
       "F3 a file exactly at the cap is read whole, terminated");
    free(s);
    errno = 0;
    ok(util_read_file("ten", 9, NULL) == NULL && errno == EFBIG,
       "F4 one byte over the cap is NULL with EFBIG");
    util_write_file("empty", "", 0, 0644);
    s = util_read_file("empty", 10, &len);
    ok(s != NULL && len == 0 && s[0] == '\0', "F5 an empty file is an empty string");
    free(s);
    char bin[20000];
    for (size_t i = 0; i < sizeof bin; i++)
        bin[i] = (char)(i * 31);
    util_write_file("bin", bin, sizeof bin, 0644);
    s = util_read_file("bin", sizeof bin, &len);
    is_bytes(s, len, bin, sizeof bin, "F6 binary data over several reads round-trips");
    free(s);
}

/* A FIFO must not block the reader: it is not a regular file. */
static void fifo_child(void *arg)
{
    (void)arg;
    errno = 0;
    char *s = util_read_file("fifo", 100, NULL);
    ok(s == NULL && errno != 0, "F7 a FIFO is refused without waiting for a writer");
    free(s);
}

/* The box layout the beneath cases read: box/in/file, links out of it and within it, a
 * folder link, a FIFO, and a secret outside. */
static void beneath_setup(void)
{
    util_mkdirs("box/in", 0755);
    util_write_file("secret", "SECRET", 6, 0600);
    util_write_file("box/top", "top", 3, 0644);
    util_write_file("box/in/file", "inner", 5, 0644);
    symlink("../secret", "box/up");
    symlink("/etc/hostname", "box/abs");
    symlink("top", "box/same");
    symlink("in", "box/dirlink");
    symlink("..", "box/in/parent");
    mkfifo("box/fifo", 0644);
}

/* One pass over the cases; `how` names the mode in each description. */
static void beneath_cases(int box, const char *how)
{
    size_t len = 0;
    char *s = util_read_beneath(box, "top", 100, &len);
    ok(s != NULL && len == 3 && strcmp(s, "top") == 0, "%s: R1 a file in the folder", how);
    free(s);
    s = util_read_beneath(box, "in/file", 100, &len);
    ok(s != NULL && strcmp(s, "inner") == 0, "%s: R2 a file in a subfolder", how);
    free(s);
    static const struct { const char *rel; int want; const char *what; } bad[] = {
        { "up", ELOOP, "a link out of the folder" },
        { "abs", ELOOP, "a link to an absolute path" },
        { "same", ELOOP, "a link to a file beside it" },
        { "dirlink/file", 0, "a path through a folder link" },
        { "in/parent/top", 0, "a path through a link to .." },
        { "../secret", EXDEV, "\"..\" out of the folder" },
        { "in/../../secret", EXDEV, "\"..\" further down" },
        { "/etc/hostname", EXDEV, "an absolute path" },
        { "in", EISDIR, "a folder" },
        { "missing", ENOENT, "a missing file" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        errno = 0;
        s = util_read_beneath(box, bad[i].rel, 100, NULL);
        int e = errno;
        ok(s == NULL && (bad[i].want != 0 ? e == bad[i].want : (e == ELOOP || e == ENOTDIR)),
           "%s: R%zu %s is refused (%s)", how, i + 3, bad[i].what, strerror(e));
        free(s);
    }
    errno = 0;
    s = util_read_beneath(box, "top", 2, NULL);
    ok(s == NULL && errno == EFBIG, "%s: R13 the cap holds", how);
    int fd = util_open_beneath(box, "in", O_RDONLY | O_DIRECTORY);
    ok(fd >= 0, "%s: R14 a folder opens with O_DIRECTORY", how);
    s = fd >= 0 ? util_read_beneath(fd, "file", 100, NULL) : NULL;
    is_str(s, "inner", "%s: R15 ... and reads beneath it", how);
    free(s);
    if (fd >= 0)
        close(fd);
    errno = 0;
    ok(util_open_beneath(box, "new", O_RDWR | O_CREAT) < 0 && errno == EINVAL,
       "%s: R16 O_CREAT is refused", how);
}

/* A FIFO in the box is refused without waiting for a writer, in both modes. */
static void beneath_fifo_child(void *arg)
{
    int box = open("box", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    util_beneath_walk_only = arg != NULL;
    errno = 0;
    char *s = util_read_beneath(box, "fifo", 100, NULL);
    ok(s == NULL && errno == EINVAL, "%s: a FIFO is refused (EINVAL), never waited on",
       arg != NULL ? "walk" : "openat2");
    free(s);
    close(box);
}

static void t_beneath(void)
{
    beneath_setup();
    int box = open("box", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    beneath_cases(box, "openat2");
    util_beneath_walk_only = 1;
    beneath_cases(box, "walk");
    util_beneath_walk_only = 0;
    close(box);
    run_isolated("R17 openat2: a FIFO does not block", 5, beneath_fifo_child, NULL);
    run_isolated("R18 walk: a FIFO does not block", 5, beneath_fifo_child, "walk");
    size_t len = 0;
    char *s = util_read_beneath(AT_FDCWD, "box/top", 100, &len);
    is_str(s, "top", "R19 AT_FDCWD reads beneath the current folder");
    free(s);
}

static void t_write_file(void)
{
    mode_t old = umask(0);
    is_int(util_write_file("w", "one", 3, 0640), 0, "W1 write a new file");
    struct stat st;
    ok(stat("w", &st) == 0 && (st.st_mode & 0777) == 0640, "W2 with the mode asked");
    umask(old);
    util_write_file("w", "second", 6, 0640);
    char *s = util_read_file("w", 100, NULL);
    is_str(s, "second", "W3 replaces the content");
    free(s);
    char *tmp = xasprintf("w.tmp.%ld", (long)getpid());
    ok(access(tmp, F_OK) < 0, "W4 no temp file is left behind");
    free(tmp);
    errno = 0;
    ok(util_write_file("nodir/w", "x", 1, 0644) < 0 && errno == ENOENT,
       "W5 into a missing folder: -1 with ENOENT");
    util_write_file("target", "keep", 4, 0644);
    symlink("target", "link");
    util_write_file("link", "new", 3, 0644);
    s = util_read_file("target", 100, NULL);
    is_str(s, "keep", "W6 writing to a symlink replaces the link, not its target");
    free(s);
    struct stat ls;
    ok(lstat("link", &ls) == 0 && S_ISREG(ls.st_mode), "W7 ... which is now a regular file");
}

static void t_path_join(void)
{
    static const struct { const char *a, *b, *want; } cases[] = {
        { "a", "b", "a/b" },
        { "a/", "b", "a/b" },
        { "a//", "/b", "a/b" },
        { "/x/y", "z/w", "/x/y/z/w" },
        { "/", "etc", "/etc" },
        { "", "b", "b" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *j = util_path_join(cases[i].a, cases[i].b);
        is_str(j, cases[i].want, "J%zu join(\"%s\", \"%s\")", i + 1, cases[i].a, cases[i].b);
        free(j);
    }
}

static void t_mkdirs(void)
{
    is_int(util_mkdirs("m/n/o", 0755), 0, "D1 mkdir -p creates nested folders");
    ok(util_is_dir("m/n/o"), "D2 ... they exist");
    is_int(util_mkdirs("m/n/o", 0755), 0, "D3 existing folders are fine");
    is_int(util_mkdirs("m/p/", 0755), 0, "D4 a trailing slash is fine");
    util_write_file("m/f", "x", 1, 0644);
    errno = 0;
    ok(util_mkdirs("m/f", 0755) < 0 && errno == ENOTDIR, "D5 onto a file: ENOTDIR");
    errno = 0;
    ok(util_mkdirs("m/f/g", 0755) < 0 && errno == ENOTDIR, "D6 through a file: ENOTDIR");
    char *abs = util_realpath(".");
    char *deep = xasprintf("%s/m/abs/x", abs);
    is_int(util_mkdirs(deep, 0755), 0, "D7 absolute paths");
    free(deep);
    free(abs);
}

static void t_rmtree(void)
{
    util_mkdirs("keep/inner", 0755);
    util_write_file("keep/inner/precious", "p", 1, 0644);
    util_mkdirs("tree/a/b/c", 0755);
    util_write_file("tree/a/f1", "1", 1, 0644);
    util_write_file("tree/a/b/c/f2", "2", 1, 0644);
    symlink("../../keep", "tree/a/dirlink");
    symlink("../keep/inner/precious", "tree/filelink");
    mkfifo("tree/fifo", 0644);
    is_int(util_rmtree("tree"), 0, "T1 rmtree of a tree with files, links and a FIFO");
    ok(access("tree", F_OK) < 0, "T2 ... removes it all");
    ok(util_is_file("keep/inner/precious"), "T3 ... without following symlinks");
    is_int(util_rmtree("tree"), 0, "T4 a missing path is fine");
    util_write_file("lone", "x", 1, 0644);
    is_int(util_rmtree("lone"), 0, "T5 a single file");
    ok(access("lone", F_OK) < 0, "T6 ... is removed");
    symlink("keep", "toplink");
    is_int(util_rmtree("toplink"), 0, "T7 a symlink to a folder");
    ok(access("toplink", F_OK) < 0 && util_is_file("keep/inner/precious"),
       "T8 ... removes the link only");
}

static void t_predicates(void)
{
    util_write_file("plain", "x", 1, 0644);
    ok(util_is_file("plain") && !util_is_dir("plain"), "P1 a file is a file");
    ok(util_is_dir("d") && !util_is_file("d"), "P2 a folder is a folder");
    ok(!util_is_file("missing") && !util_is_dir("missing"), "P3 missing is neither");
    char *cwd = getcwd(NULL, 0);
    char *r = util_realpath("d/../d");
    char *want = util_path_join(cwd, "d");
    is_str(r, want, "P4 realpath resolves to an absolute path");
    free(r);
    free(want);
    free(cwd);
    ok(util_realpath("missing/x") == NULL, "P5 realpath of a missing path is NULL");

    static const struct { const char *path, *dir; int want; } in[] = {
        { "/a/b", "/a/b", 1 }, { "/a/b/c", "/a/b", 1 }, { "/a/bc", "/a/b", 0 },
        { "/a/b/c", "/a/b/", 1 }, { "/a", "/a/b", 0 }, { "/anything", "/", 1 },
        { "/a/b", "/x", 0 },
    };
    for (size_t i = 0; i < sizeof in / sizeof *in; i++)
        is_int(util_path_inside(in[i].path, in[i].dir), in[i].want, "I%zu \"%s\" inside \"%s\"",
               i + 1, in[i].path, in[i].dir);
}

/* term_escape_controls (term.c): learner text made safe for a terminal, as cat -v. */
static void t_escape(void)
{
    static const struct { const char *in, *want, *what; } cases[] = {
        { "plain text\n\tindented\n", "plain text\n\tindented\n", "E1 text, newline and tab stay" },
        { "\033]0;title\007", "^[]0;title^G", "E2 a window title: ESC ^[, BEL ^G" },
        { "\033[?1049h\033[2J", "^[[?1049h^[[2J", "E3 screen switches" },
        { "bad\r  ok 1", "bad^M  ok 1", "E4 CR as ^M" },
        { "\001\037\177", "^A^_^?", "E5 other controls and DEL" },
        { "caf\303\251 \342\234\223 \360\237\230\200", "caf\303\251 \342\234\223 \360\237\230\200",
          "E6 valid UTF-8 stays (2, 3 and 4 bytes)" },
        { "\302\233[31m", "\\xC2\\x9B[31m", "E7 a C1 control (U+009B) as \\xNN" },
        { "\377x\300\257", "\\xFFx\\xC0\\xAF", "E8 invalid and overlong bytes as \\xNN" },
        { "\342\234", "\\xE2\\x9C", "E9 a cut sequence at the end" },
        { "\355\240\200", "\\xED\\xA0\\x80", "E10 a UTF-16 surrogate" },
        { "", "", "E11 nothing stays nothing" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *got = term_escape_controls(cases[i].in);
        is_str(got, cases[i].want, "%s", cases[i].what);
        char *again = term_escape_controls(got);
        is_str(again, got, "%s: escaping twice changes nothing", cases[i].what);
        free(again);
        free(got);
    }
    ok(term_escape_controls(NULL) == NULL, "E12 NULL gives NULL");
    struct sb sb;
    sb_init(&sb);
    term_escape_add(&sb, "a\0b", 3);
    is_str(sb.buf, "a^@b", "E13 a NUL inside counted bytes is ^@");
    sb_free(&sb);
    int clean = 1;
    for (int c = 0; c < 256; c++) {
        char in[2] = { (char)c, 0 };
        struct sb one;
        sb_init(&one);
        term_escape_add(&one, in, 1);
        for (size_t k = 0; k < one.len; k++) {
            unsigned char u = (unsigned char)one.buf[k];
            if ((u < 0x20 && u != '\n' && u != '\t') || u >= 0x7F)
                clean = 0;
        }
        sb_free(&one);
    }
    ok(clean, "E14 no single byte escapes to a control, DEL or high byte");
}

static void t_clocks(void)
{
    double now = util_now();
    double t = (double)time(NULL);
    ok(now > t - 2 && now < t + 2, "K1 util_now is the wall clock in seconds");
    double a = util_mono(), b = util_mono();
    ok(a > 0 && b >= a, "K2 util_mono does not go back");
}

/* The one seed rule: decimal digits, 0 to 2^53-1. */
static void t_seed(void)
{
    uint64_t v = 7;
    ok(util_parse_seed("0", &v) == 0 && v == 0, "Z1 0 is a seed");
    ok(util_parse_seed("9007199254740991", &v) == 0 && v == UTIL_SEED_MAX, "Z2 2^53-1 is the largest");
    v = 7;
    static const char *const bad[] = { "", "-1", "+1", " 1", "1 ", "1x", "0x10", "9007199254740992",
                                       "18446744073709551615", "99999999999999999999" };
    int all = 1;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        all &= util_parse_seed(bad[i], &v) < 0 && v == 7;
    ok(all, "Z3 signs, spaces, hex, letters and 2^53 or more are refused, the value untouched");
}

int main(void)
{
    const char *tmp = getenv("TMPDIR");
    char *dir = xasprintf("%s/stacklab-util-XXXXXX", tmp != NULL && *tmp ? tmp : "/tmp");
    if (mkdtemp(dir) == NULL || chdir(dir) < 0)
        BAIL_OUT("temp folder: cannot create");
    t_strings();
    t_sb();
    t_read_file();
    mkfifo("fifo", 0644);
    run_isolated("F7 a FIFO does not block util_read_file", 5, fifo_child, NULL);
    t_beneath();
    t_write_file();
    t_path_join();
    t_mkdirs();
    t_rmtree();
    t_predicates();
    t_escape();
    t_clocks();
    t_seed();
    if (chdir("/") == 0)
        util_rmtree(dir);
    free(dir);
    return done_testing();
}
