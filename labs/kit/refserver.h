/* refserver.h -- the checker's own servers, out of the subject's reach. A checker that
 * serves the reference framework beside the learner's (to compare answers) shares the
 * subject's network namespace, so the subject could find the reference's port (in
 * /proc/net/tcp) and report it as its own. Every checker is linked with
 * -Wl,--wrap=MHD_start_daemon: any libmicrohttpd daemon it starts (the reference vial's,
 * through vial_server_start) accepts only connections from sockets the checker itself
 * bound (refserver_attach), and refuses every other at once. Checkers route requests to
 * the reference by a flag (REFSERVER_PORT), never by comparing a subject's port.
 * Checker side only (linked into every checker). Prefix: refserver_. */
#ifndef STACKLAB_REFSERVER_H
#define STACKLAB_REFSERVER_H

#include <curl/curl.h>

/* Where a checker keeps ports, this one stands for the reference: no subject's port can
 * equal it (refserver_subject_port gives 1-65535 or -1). */
#define REFSERVER_PORT 65536

/* The port that starts a subject's answer ("8080" or "8080 why"): 1-65535, else -1. */
int refserver_subject_port(const char *ans);

/* The port the last daemon the checker started listens on, or -1. */
int refserver_port(void);

/* Makes h's connections come from sockets the checker binds itself, which the daemons
 * accept. Returns 0, or -1 when no daemon was started. */
int refserver_attach(CURL *h);

#endif
