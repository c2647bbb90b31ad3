/* pairrun.c -- runs a lab's subject and checker side by side outside any sandbox, joined
 * by two pipes (in both, fd 3 reads from the other and fd 4 writes to it), for working
 * on labs natively. The checker's TAP goes to stdout; the subject's output to stderr.
 *   pairrun [-t WALL_SECONDS] SUBJECT [ARGS...] -- CHECKER [ARGS...]
 * Exit status: 0 when the checker exited 0 and the subject exited 0, else 1 (2: usage).
 * A line "# subject: ..." on stderr tells how the subject ended. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Starts argv with `in` as fd 3 and `out` as fd 4; stdout goes to `out1`. */
static pid_t pair_spawn(char **argv, int in, int out, int out1)
{
    pid_t pid = fork();
    if (pid != 0)
        return pid;
    setpgid(0, 0);
    if (dup2(out1, 1) < 0 || dup2(in, 3) < 0 || dup2(out, 4) < 0)
        _exit(127);
    for (int fd = 5; fd < 64; fd++)
        close(fd);
    execvp(argv[0], argv);
    fprintf(stderr, "pairrun: %s: %s\n", argv[0], strerror(errno));
    _exit(127);
}

static double pair_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Waits for pid until `deadline`; kills its group then. Returns the wait status. */
static int pair_wait(pid_t pid, double deadline, int *killed)
{
    int status = 0;
    for (;;) {
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid)
            return status;
        if (r < 0 && errno != EINTR)
            return -1;
        if (pair_now() > deadline) {
            kill(-pid, SIGKILL);
            *killed = 1;
            waitpid(pid, &status, 0);
            return status;
        }
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
}

static void pair_describe(const char *who, int status, int killed)
{
    if (killed)
        fprintf(stderr, "# %s: killed after the time limit\n", who);
    else if (WIFEXITED(status))
        fprintf(stderr, "# %s: exit %d\n", who, WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        fprintf(stderr, "# %s: signal %d\n", who, WTERMSIG(status));
}

int main(int argc, char **argv)
{
    double wall = 60;
    int first = 1;
    if (argc > 2 && strcmp(argv[1], "-t") == 0) {
        wall = strtod(argv[2], NULL);
        first = 3;
    }
    int sep = first;
    while (sep < argc && strcmp(argv[sep], "--") != 0)
        sep++;
    if (sep == first || sep >= argc - 1) {
        fprintf(stderr, "usage: pairrun [-t SECONDS] SUBJECT [ARGS] -- CHECKER [ARGS]\n");
        return 2;
    }
    argv[sep] = NULL;
    signal(SIGPIPE, SIG_IGN);
    int to_subject[2], to_checker[2];
    if (pipe(to_subject) < 0 || pipe(to_checker) < 0)
        return 1;
    pid_t subject = pair_spawn(argv + first, to_subject[0], to_checker[1], 2);
    pid_t checker = pair_spawn(argv + sep + 1, to_checker[0], to_subject[1], 1);
    for (int i = 0; i < 2; i++) {
        close(to_subject[i]);
        close(to_checker[i]);
    }
    int ckilled = 0, skilled = 0;
    double deadline = pair_now() + wall;
    int cst = pair_wait(checker, deadline, &ckilled);
    kill(-checker, SIGKILL);
    int sst = pair_wait(subject, pair_now() + 3, &skilled);
    pair_describe("checker", cst, ckilled);
    pair_describe("subject", sst, skilled);
    int good = !ckilled && !skilled && WIFEXITED(cst) && WEXITSTATUS(cst) == 0
               && WIFEXITED(sst) && WEXITSTATUS(sst) == 0;
    return good ? 0 : 1;
}
