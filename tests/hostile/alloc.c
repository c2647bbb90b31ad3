/* alloc.c -- hostile: `alloc MB touch|notouch` allocates MB mebibytes in 1 MiB pieces,
 * writing to them (ML expected) or not (no ML: nothing was really used). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
int main(int argc, char **argv)
{
    long mb = argc > 1 ? strtol(argv[1], NULL, 10) : 512;
    int touch = argc > 2 && strcmp(argv[2], "touch") == 0;
    if (!touch) {
        char *p = malloc((size_t)mb << 20);
        printf("untouched %s\n", p ? "allocated" : "refused");
        return 0;
    }
    for (long i = 0; i < mb; i++) {
        char *p = malloc(1 << 20);
        if (p == NULL) {
            fprintf(stderr, "malloc failed at %ld MiB\n", i);
            return 1;
        }
        memset(p, 1, 1 << 20);
    }
    printf("touched %ld MiB\n", mb);
    return 0;
}
