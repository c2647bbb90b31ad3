/* fill.c -- hostile: `fill bytes|inodes DIR` fills DIR with one growing file or with
 * empty files until something refuses; `fill falloc DIR MB` first reserves up to MB
 * with fallocate in 64 MiB steps (no data to write: a disk fills at once), then writes
 * bytes. Prints what stopped it. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
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
    if (argc > 3 && strcmp(argv[1], "falloc") == 0) {
        long want = strtol(argv[3], NULL, 10) << 20, got = 0;
        while (got < want && fallocate(fd, 0, got, 64L << 20) == 0)
            got += 64L << 20;
        printf("fallocate reserved %ld MiB%s%s\n", got >> 20, got < want ? ": " : "",
               got < want ? strerror(errno) : "");
        fflush(stdout);
        lseek(fd, 0, SEEK_END);
    }
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
