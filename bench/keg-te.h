/* keg-te.h -- what the two C servers of bench/keg.sh (hand-written C on libmicrohttpd
 * and sqlite3, and the keg app) share: TechEmpower's data set and rules. The database
 * holds the tables as Django names them for an app "bench" (bench_world, bench_fortune),
 * so bench/keg_te_django/ reads the same file. Prefix kte_ (keg TechEmpower). */
#ifndef KEG_TE_H
#define KEG_TE_H

#include <stddef.h>

#define KTE_WORLDS 10000            /* bench_world rows, ids 1..KTE_WORLDS */
#define KTE_FORTUNES 12             /* bench_fortune rows, ids 1..KTE_FORTUNES */
#define KTE_QUERIES_MAX 500         /* TechEmpower clamps ?queries= to 1..500 */
#define KTE_ADDED "Additional fortune added at request time."
#define KTE_SERVER_C "c-mhd"        /* the Server header of each C server */
#define KTE_SERVER_KEG "keg"

/* TechEmpower's fortunes, message of id i + 1 at i. */
extern const char *const kte_fortunes[KTE_FORTUNES];

/* Creates the tables at `path` (a new file) in WAL mode and fills them: KTE_WORLDS
 * worlds with a random number in 1..KTE_WORLDS from a fixed seed, and the fortunes.
 * Returns 0, or -1 with a message on stderr. */
int kte_seed(const char *path);

/* TechEmpower's rule for ?queries=: the number, or 1 when it is missing or not a
 * number, clamped to 1..KTE_QUERIES_MAX. */
int kte_queries(const char *arg);

/* A random number in 1..KTE_WORLDS from a generator of the calling thread (seeded from
 * the clock and the thread's address the first time). */
int kte_random(void);

/* The id and message of one fortune; the message is not owned. */
struct kte_fortune {
    long long id;
    const char *message;
};
/* Sorts by message, as bytes (for UTF-8, the code point order Python's sort uses). */
void kte_fortunes_sort(struct kte_fortune *f, size_t n);

#endif
