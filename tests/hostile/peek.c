/* peek.c -- hostile reads: `peek environ` reads /proc/1/environ, `peek procs` counts
 * the processes it can see, `peek read PATH` reads any path. Prints what it got. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "procs") == 0) {
        DIR *d = opendir("/proc");
        int n = 0;
        struct dirent *e;
        while (d != NULL && (e = readdir(d)) != NULL)
            n += isdigit((unsigned char)e->d_name[0]) != 0;
        printf("procs %d\n", n);
        return 0;
    }
    const char *path = argc > 2 ? argv[2] : "/proc/1/environ";
    int fd = open(path, O_RDONLY);
    char buf[256];
    ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf);
    if (n < 0) {
        printf("read %s: %s\n", path, strerror(errno));
        return 0;
    }
    printf("read %s: %zd bytes\n", path, n);
    return 0;
}
