/* fill.c -- hostile: `fill bytes|inodes DIR` fills DIR with one growing file or with
 * empty files until something refuses; prints what stopped it. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
int main(int argc, char **argv)
{
    const char *dir = argc > 2 ? argv[2] : ".";
    char path[4096];
    if (argc > 1 && strcmp(argv[1], "inodes") == 0) {
        for (long i = 0; i < 10000000; i++) {
            snprintf(path, sizeof path, "%s/f%ld", dir, i);
            int fd = open(path, O_CREAT | O_WRONLY, 0644);
            if (fd < 0) {
                printf("stopped after %ld files: %s\n", i, strerror(errno));
                return 0;
            }
            close(fd);
        }
        return 1;
    }
    snprintf(path, sizeof path, "%s/big", dir);
    int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
    char buf[65536];
    memset(buf, 'y', sizeof buf);
    long total = 0;
    for (;;) {
        ssize_t n = write(fd, buf, sizeof buf);
        if (n < 0) {
            printf("stopped after %ld MiB: %s\n", total >> 20, strerror(errno));
            return 0;
        }
        total += n;
    }
}
