/* wire.c -- checker-side helpers of the frame protocol: a seeded PRNG of our own (so a
 * seed means the same inputs on every machine), the peer with per-answer deadlines,
 * and the "stopped answering" rule: once the subject is gone, every test left fails
 * with that message instead of hanging or crashing. Prefix: wire_. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"
#include "wire.h"

void wire_rng_seed(struct wire_rng *r, uint64_t seed)
{
    r->s = seed ^ 0x5d1a1c0ffee15badULL;
}

/* splitmix64: small, fast and good enough to pick test inputs. */
uint64_t wire_rng_next(struct wire_rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

uint64_t wire_rng_below(struct wire_rng *r, uint64_t n)
{
    return n == 0 ? 0 : wire_rng_next(r) % n;
}

void wire_rng_word(struct wire_rng *r, char *out, const char *set, size_t nset, size_t lo,
                   size_t hi)
{
    size_t n = lo + (size_t)wire_rng_below(r, hi - lo + 1);
    for (size_t i = 0; i < n; i++)
        out[i] = set[wire_rng_below(r, nset)];
    out[n] = '\0';
}

void wire_rng_buf_word(struct wire_rng *r, struct wire_buf *b, const char *set, size_t nset,
                       size_t lo, size_t hi)
{
    size_t n = lo + (size_t)wire_rng_below(r, hi - lo + 1);
    for (size_t i = 0; i < n; i++)
        wire_buf_add(b, &set[wire_rng_below(r, nset)], 1);
}

uint64_t wire_seed_arg(int argc, char **argv)
{
    uint64_t seed = 0;
    const char *s = argc > 1 ? argv[1] : "";
    /* The runner's rule (util_parse_seed): decimal digits, at most 2^53-1. */
    for (const char *p = s; *p >= '0' && *p <= '9' && seed <= (UINT64_C(1) << 53); p++)
        seed = seed * 10 + (uint64_t)(*p - '0');
    if (*s == '\0' || strspn(s, "0123456789") != strlen(s) || seed >= (UINT64_C(1) << 53))
        tap_bail_out("the checker needs a seed (0 to 2^53-1) as its argument, not '%s'", s);
    char text[32];
    snprintf(text, sizeof text, "%llu", (unsigned long long)seed);
    tap_set_seed(text);
    return seed;
}

void wire_peer_init(struct wire_peer *p, int timeout_ms)
{
    signal(SIGPIPE, SIG_IGN);
    p->in = WIRE_IN;
    p->out = WIRE_OUT;
    p->dead = 0;
    p->timeout_ms = timeout_ms;
}

int wire_call(struct wire_peer *p, const char *name, const void *data, size_t len,
              char **answer, size_t *alen)
{
    char rname[WIRE_MAX_NAME];
    *answer = NULL;
    *alen = 0;
    if (p->dead)
        return -1;
    if (wire_send(p->out, name, data, len) < 0
        || wire_recv(p->in, rname, sizeof rname, answer, alen, p->timeout_ms) != 1) {
        free(*answer);
        *answer = NULL;
        p->dead = 1;
        return -1;
    }
    return 0;
}

static long wire_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Reads and drops what the subject still writes until EOF or the deadline. */
static void wire_drain(int fd, long deadline)
{
    char buf[4096];
    for (long left; (left = deadline - wire_now_ms()) > 0;) {
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        int r = poll(&pfd, 1, (int)left);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return;
        ssize_t n = read(fd, buf, sizeof buf);
        if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN))
            return;
    }
}

int wire_finish(struct wire_peer *p)
{
    long deadline = wire_now_ms() + WIRE_QUIT_MS;
    int alive = !p->dead;   /* a dead subject has ended already or will never answer */
    if (alive)
        wire_send(p->out, WIRE_QUIT, "", 0);
    if (p->out >= 0)
        close(p->out);
    p->out = -1;
    p->dead = 1;
    if (alive)
        wire_drain(p->in, deadline);
    return tap_done_testing();
}

int wire_fail_dead(const char *file, int line, const char *test)
{
    return tap_fail_with(file, line, "the program stopped answering", NULL, NULL, "%s", test);
}
