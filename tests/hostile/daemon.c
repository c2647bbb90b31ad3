/* daemon.c -- hostile: double fork and setsid, the grandchild lingers forever, the
 * parent exits 0 at once. The run is OK and nothing may survive it. */
#include <stdio.h>
#include <unistd.h>
int main(void)
{
    pid_t p = fork();
    if (p == 0) {
        if (setsid() < 0)
            perror("setsid");
        if (fork() == 0) {
            for (;;)
                pause();
        }
        _exit(0);
    }
    usleep(100 * 1000);
    return 0;
}
