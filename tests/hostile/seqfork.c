/* seqfork.c -- hostile: forks children one after another, each spinning 0.3 s of CPU,
 * so every single process stays under a per-process CPU limit while the sum grows. */
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
int main(void)
{
    for (;;) {
        pid_t p = fork();
        if (p == 0) {
            while ((double)clock() / CLOCKS_PER_SEC < 0.3)
                ;
            _exit(0);
        }
        if (p > 0)
            waitpid(p, NULL, 0);
    }
}
