/* tapread-fixtures.c -- golden fixtures for the TAP reader: every NAME.tap in the
 * fixture folder (argv[1], else the source tree's tests/fixtures/tap) is parsed with a
 * 4096-byte cap and its tapread_describe() output compared with NAME.expected.
 * TAPREAD_BLESS=1 rewrites the .expected files instead (review them before committing). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "tapread.h"
#include "util.h"

#define FIXTURE_CAP 4096

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted NAME.tap file names in dir; caller frees each and the array. */
static char **list_fixtures(const char *dir, size_t *n)
{
    DIR *d = opendir(dir);
    char **names = NULL;
    *n = 0;
    if (!d)
        return NULL;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len < 5 || strcmp(e->d_name + len - 4, ".tap") != 0)
            continue;
        names = xrealloc(names, (*n + 1) * sizeof *names);
        names[(*n)++] = xstrndup(e->d_name, len - 4);
    }
    closedir(d);
    qsort(names, *n, sizeof *names, cmp_names);
    return names;
}

static void check_fixture(const char *dir, const char *name, int bless)
{
    char *tap_path = xasprintf("%s/%s.tap", dir, name);
    char *exp_path = xasprintf("%s/%s.expected", dir, name);
    size_t len = 0;
    char *text = util_read_file(tap_path, 1 << 20, &len);
    struct tap_report *r = tapread_parse(text, len, FIXTURE_CAP);
    char *got = tapread_describe(r);
    if (bless) {
        ok(util_write_file(exp_path, got, strlen(got), 0644) == 0, "%s: blessed", name);
    } else {
        char *want = util_read_file(exp_path, 1 << 20, NULL);
        if (!want)
            fail_with("no .expected file", NULL, exp_path, "%s", name);
        else
            is_str(got, want, "%s", name);
        free(want);
    }
    free(got);
    tapread_free(r);
    free(text);
    free(tap_path);
    free(exp_path);
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : STACKLAB_SRCDIR "/tests/fixtures/tap";
    const char *bless = getenv("TAPREAD_BLESS");
    size_t n;
    char **names = list_fixtures(dir, &n);
    if (!names)
        BAIL_OUT("no fixtures in %s", dir);
    for (size_t i = 0; i < n; i++) {
        check_fixture(dir, names[i], bless && *bless == '1');
        free(names[i]);
    }
    free(names);
    ok(n >= 20, "at least 20 fixtures (found %zu)", n);
    return done_testing();
}
