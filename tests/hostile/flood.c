/* flood.c -- hostile: `flood out|err` writes to stdout or stderr without end (OL). */
#include <string.h>
#include <unistd.h>
int main(int argc, char **argv)
{
    int fd = argc > 1 && strcmp(argv[1], "err") == 0 ? 2 : 1;
    char buf[4096];
    memset(buf, 'x', sizeof buf);
    for (;;)
        if (write(fd, buf, sizeof buf) < 0)
            return 1;
}
