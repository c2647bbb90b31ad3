/* checker.c -- lab 16's hidden tests: a random blog from the seed (authors, tags, posts
 * with an author, maybe an editor and tags, comments, replies, licences and pins), then
 * small programs on it: foreign keys followed and cached, reverse sets, many-to-many,
 * select_related, prefetch_related against the naive loop (50 parents in exactly two
 * statements), and on_delete (CASCADE down to grandchildren, SET_NULL, PROTECT). Each
 * program runs on the subject and on the reference keg (the driver's ops.h compiled
 * here); the two texts, statement counts included, must be equal. Run as `checker SEED`. */
#include "ops.h"        /* sqlcount.h first: it counts the reference's statements too */

#include "tap.h"

#define NAUTHORS_MAX 6
#define NPOSTS_MAX 50
#define NTAGS_MAX 6
#define NCOMMENTS_MAX 60

static struct wire_rng rng;
static struct wire_peer peer;

static long rnd(long n)
{
    return (long)wire_rng_below(&rng, (uint64_t)n);
}

/* The blog of one test: counts and the rows' keys. */
struct blog {
    int nauthors, ntags, nposts, ncomments, nreplies;
    int post_author[NPOSTS_MAX + 1], post_editor[NPOSTS_MAX + 1];
    int comment_post[NCOMMENTS_MAX + 1];
};

__attribute__((format(printf, 2, 3))) static void add(struct wire_buf *p, const char *fmt, ...)
{
    char line[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    wire_buf_str(p, line);
    wire_buf_str(p, "\n");
}

/* A random word of 3 to 7 letters. */
static void word(char *out)
{
    wire_rng_word(&rng, out, "abcdefghijklmnopqrstuvwxyz", 26, 3, 7);
}

/* Writes a random blog into p (tables first). nposts 0: a random count; protect: some
 * authors hold a licence and some comments are pinned. */
static void make_blog(struct wire_buf *p, struct blog *b, int nposts, int protect)
{
    char w[16];
    memset(b, 0, sizeof *b);
    wire_buf_add(p, "", 0);
    add(p, "tables");
    b->nauthors = 3 + (int)rnd(NAUTHORS_MAX - 2);
    for (int i = 1; i <= b->nauthors; i++) {
        word(w);
        add(p, "author %s%d", w, i);
    }
    b->ntags = 3 + (int)rnd(NTAGS_MAX - 2);
    for (int i = 1; i <= b->ntags; i++) {
        word(w);
        add(p, "tag %s%d", w, i);      /* unique names: the tags' ordering is total */
    }
    b->nposts = nposts > 0 ? nposts : 6 + (int)rnd(10);
    for (int i = 1; i <= b->nposts; i++) {
        word(w);
        b->post_author[i] = 1 + (int)rnd(b->nauthors - 1);    /* the last author has none */
        b->post_editor[i] = rnd(3) == 0 ? 0 : 1 + (int)rnd(b->nauthors);
        add(p, "post %s %d %d", w, b->post_author[i], b->post_editor[i]);
        for (int t = 1; t <= b->ntags; t++)
            if (rnd(3) == 0)
                add(p, "pt %d %d", i, t);
    }
    b->ncomments = (int)rnd(b->nposts + 1) + b->nposts / 2;
    if (b->ncomments > NCOMMENTS_MAX)
        b->ncomments = NCOMMENTS_MAX;
    for (int i = 1; i <= b->ncomments; i++) {
        word(w);
        b->comment_post[i] = 1 + (int)rnd(b->nposts);
        add(p, "comment %d %s", b->comment_post[i], w);
        if (rnd(2) == 0) {
            add(p, "reply %d", i);
            b->nreplies++;
        }
    }
    if (protect) {
        add(p, "licence %d", 1 + (int)rnd(b->nauthors));
        add(p, "pin %d", 1 + (int)rnd(b->ncomments > 0 ? b->ncomments : 1));
    }
}

/* Runs program p on the subject and on the reference. 1 when both texts are equal; else
 * fails the test `name` with the program as its input and returns 0. */
static int check(struct wire_buf *p, const char *name)
{
    size_t glen = 0, elen = 0;
    char *got = NULL;
    if (wire_call(&peer, "run", p->data, p->len, &got, &glen) < 0) {
        WIRE_FAIL_DEAD(name);
        return 0;
    }
    char *expected = lab16_exec(p->data, p->len, &elen);
    int same = expected != NULL && glen == elen && memcmp(got, expected, elen) == 0;
    if (!same) {
        tap_attach("input", p->data);
        tap_fail_with(__FILE__, __LINE__, "your keg answered differently", got,
                      expected != NULL ? expected : "", "%s", name);
    }
    free(got);
    free(expected);
    return same;
}

/* ---- the tests: each writes the operations of one program after the blog ----------- */

typedef void test_fn(struct wire_buf *p, const struct blog *b, int i);

static void t_create(struct wire_buf *p, const struct blog *b, int i)
{
    (void)b;
    (void)i;
    wire_buf_free(p);
    wire_buf_add(p, "", 0);
    add(p, "create");
    add(p, "author a");
    add(p, "tag t");
    add(p, "post p 1 0");
    add(p, "add 1 1");
}

static void t_fk(struct wire_buf *p, const struct blog *b, int i)
{
    int post = 1 + (int)rnd(b->nposts);
    add(p, "fk post %d author %d", post, 1 + (int)rnd(b->nauthors));
    add(p, "fk post %d editor %d", 1 + (int)rnd(b->nposts), i % 2 ? 0 : 1 + (int)rnd(b->nauthors));
    add(p, "fk comment %d post", 1 + (int)rnd(b->ncomments > 0 ? b->ncomments : 1));
    add(p, "fk post %d title", post);
}

static void t_reverse(struct wire_buf *p, const struct blog *b, int i)
{
    static const char *const names[] = { "post_set", "edited" };
    add(p, "rel author %d %s", 1 + (int)rnd(b->nauthors), names[i % 2]);
    add(p, "rel author %d post_set", b->nauthors);      /* none */
    add(p, "rel post %d comments", 1 + (int)rnd(b->nposts));
    add(p, "rel comment %d reply_set", 1 + (int)rnd(b->ncomments > 0 ? b->ncomments : 1));
    add(p, "rel author 1 comment_set");                 /* no such relation */
}

static void t_m2m(struct wire_buf *p, const struct blog *b, int i)
{
    int post = 1 + (int)rnd(b->nposts), tag = 1 + (int)rnd(b->ntags);
    add(p, "m2m %d", post);
    add(p, "add %d %d", post, tag);
    add(p, "add %d %d", post, tag);
    add(p, "m2m %d", post);
    add(p, "rel tag %d post_set", tag);
    add(p, "rm %d %d", post, 1 + (int)rnd(b->ntags));
    add(p, "m2m %d", post);
    add(p, "add %d %d", post, b->ntags + 1 + i);        /* no such tag */
}

static void t_select(struct wire_buf *p, const struct blog *b, int i)
{
    (void)b;
    static const char *const fields[] = { "author", "editor", "author,editor", "editor,author" };
    static const char *const more[][2] = {        /* calls add up; "" (none) removes all */
        { "author", "editor" }, { "editor", "author,editor" }, { "author", "none" },
        { "author,editor", "none" },
    };
    static const char *const wrong[] = { "title", "nothing", "author,tags", "comments" };
    add(p, "sel post %s", fields[i % 4]);
    add(p, "sel comment post");
    add(p, "sel licence holder");
    add(p, "sel post %s %s", more[i % 4][0], more[i % 4][1]);
    add(p, "sel post %s", wrong[i % 4]);
}

static void t_prefetch_50(struct wire_buf *p, const struct blog *b, int i)
{
    (void)b;
    add(p, "pre post comments");
    add(p, "naive post comments");
    add(p, "pre author %s", i % 2 ? "post_set" : "edited");
}

static void t_prefetch_m2m(struct wire_buf *p, const struct blog *b, int i)
{
    (void)b;
    static const char *const names[] = { "tags", "tags,comments", "comments,tags" };
    add(p, "pre post %s", names[i % 3]);
    add(p, "naive post tags");
    add(p, "pre tag post_set");
    add(p, "pre author post_set,edited");
    add(p, "pre post %s", i % 2 ? "tags none" : "comments tags");
    add(p, "pre post %s", i % 2 ? "nothing" : "title");
}

static void t_cascade(struct wire_buf *p, const struct blog *b, int i)
{
    (void)i;
    add(p, "del author %d", 1 + (int)rnd(b->nauthors - 1));
    add(p, "del post %d", 1 + (int)rnd(b->nposts));
    add(p, "del tag %d", 1 + (int)rnd(b->ntags));
    add(p, "del post %d", b->nposts + 5);
    add(p, "gone post %d", 1 + (int)rnd(b->nposts));   /* its row deleted behind keg's back */
    add(p, "gone %s 1", i % 2 ? "tag" : "reply");
}

static void t_set_null(struct wire_buf *p, const struct blog *b, int i)
{
    (void)i;
    add(p, "del author %d", b->nauthors);               /* wrote nothing, maybe edited */
    add(p, "del comment %d", 1 + (int)rnd(b->ncomments > 0 ? b->ncomments : 1));
}

static void t_protect(struct wire_buf *p, const struct blog *b, int i)
{
    (void)i;
    for (int a = 1; a <= b->nauthors; a++)
        add(p, "del author %d", a);
    add(p, "del comment %d", 1 + (int)rnd(b->ncomments > 0 ? b->ncomments : 1));
}

static void t_qs_delete(struct wire_buf *p, const struct blog *b, int i)
{
    static const char *const lookups[] = { "id__lte", "author", "id__gt" };
    add(p, "qdel post %s %d", lookups[i % 3], 1 + (int)rnd(b->nposts));
    add(p, "qdel author id__gte %d", b->nauthors - (int)rnd(2));
    add(p, "qdel %s id__lte %d", i % 2 ? "pin" : "licence", 1 + (int)rnd(2));  /* one DELETE */
    add(p, "qdel reply id__gt %d", (int)rnd(b->nreplies + 1));
}

static const struct {
    const char *name;
    test_fn *fn;
    int nposts;             /* 0: random */
    int protect;
    int programs;
} tests[] = {
    { "keg_create_table makes the join table of a many-to-many field", t_create, 0, 0, 1 },
    { "keg_fk_get loads once and caches; a NULL key runs no SQL; a new key loads again",
      t_fk, 0, 0, 4 },
    { "reverse sets: keg_related_fetch runs one query, then reads its cache", t_reverse, 0,
      0, 4 },
    { "many-to-many: add twice adds once, remove, keg_m2m and the reverse set", t_m2m, 0, 0,
      4 },
    { "select_related: one statement, then keg_fk_get runs none; calls add up, \"\" "
      "removes, a wrong name is an error", t_select, 0, 0, 4 },
    { "prefetch_related: 50 posts with their comments in 2 statements, as the naive loop",
      t_prefetch_50, NPOSTS_MAX, 0, 2 },
    { "prefetch_related of many-to-many and reverse sets: one IN query per name; \"\" "
      "removes, a wrong name is an error",
      t_prefetch_m2m, 0, 0, 3 },
    { "on_delete CASCADE reaches children, grandchildren and their join rows; a row gone "
      "is KEG_ENOTFOUND", t_cascade, 0, 0, 4 },
    { "on_delete SET_NULL sets the key NULL", t_set_null, 0, 0, 4 },
    { "on_delete PROTECT refuses with Django's message and changes nothing", t_protect, 0,
      1, 4 },
    { "keg_qs_delete follows on_delete too; nothing to follow is one DELETE", t_qs_delete, 0,
      1, 3 },
};

int main(int argc, char **argv)
{
    uint64_t seed = wire_seed_arg(argc, argv);
    wire_rng_seed(&rng, seed);
    wire_peer_init(&peer, 20000);
    tap_plan((int)(sizeof tests / sizeof tests[0]));
    for (size_t t = 0; t < sizeof tests / sizeof tests[0]; t++) {
        int pass = 1;
        for (int i = 0; pass && i < tests[t].programs; i++) {
            struct wire_buf p = { 0 };
            struct blog b;
            make_blog(&p, &b, tests[t].nposts, tests[t].protect);
            tests[t].fn(&p, &b, i);
            pass = check(&p, tests[t].name);
            wire_buf_free(&p);
        }
        if (pass)
            tap_ok(__FILE__, __LINE__, 1, "%s", tests[t].name);
    }
    return wire_finish(&peer);
}
