/* fds.c -- hostile: opens /dev/null until refused; prints how many it got. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
int main(void)
{
    long n = 0;
    while (open("/dev/null", O_RDONLY) >= 0)
        n++;
    printf("opened %ld: %s\n", n, strerror(errno));
    return errno == EMFILE ? 0 : 1;
}
