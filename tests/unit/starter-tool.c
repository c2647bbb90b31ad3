/* starter-tool.c -- a helper for the 2xx tests, not a test itself: prints starter(N) of
 * a framework file (N = 0: the reference, markers dropped), so a test can build the
 * workspaces "starter(N)" and "reference" the way the grader sees them.
 *   starter-tool N FILE */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "starter.h"
#include "util.h"

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: starter-tool N FILE\n");
        return 2;
    }
    long n = strtol(argv[1], NULL, 10);
    size_t len;
    char *text = util_read_file(argv[2], 4u << 20, &len);
    if (text == NULL) {
        fprintf(stderr, "%s: %s\n", argv[2], strerror(errno));
        return 1;
    }
    char *cause = NULL;
    char *out = n == 0 ? starter_reference(text, len, argv[2], &cause)
                       : starter_render(text, len, (int)n, argv[2], &cause);
    free(text);
    if (out == NULL) {
        fprintf(stderr, "%s\n", cause);
        free(cause);
        return 1;
    }
    fputs(out, stdout);
    free(out);
    return 0;
}
