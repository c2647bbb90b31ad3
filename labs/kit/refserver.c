/* refserver.c -- the checker's libmicrohttpd daemons, which serve only the checker's own
 * connections (refserver.h says why). A connection is the checker's when its client
 * address is 127.0.0.1 and a port that one of the checker's live sockets is bound to:
 * while that socket exists nobody else can bind the same address and port. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <microhttpd.h>

#include "refserver.h"

#define REFSERVER_MAX 64        /* client sockets alive at once (curl uses one a request) */

static struct MHD_Daemon *refserver_daemon;     /* the last started: the reference */
static pthread_mutex_t refserver_lock = PTHREAD_MUTEX_INITIALIZER;
static uint16_t refserver_ports[REFSERVER_MAX]; /* bound client ports, 0: free slot */

/* 1 when port is one the checker's own sockets are bound to. */
static int refserver_is_ours(uint16_t port)
{
    int ours = 0;
    pthread_mutex_lock(&refserver_lock);
    for (size_t i = 0; i < REFSERVER_MAX && !ours; i++)
        ours = port != 0 && refserver_ports[i] == port;
    pthread_mutex_unlock(&refserver_lock);
    return ours;
}

/* Records (add) or forgets (!add) a bound client port. Returns 0, or -1 when full. */
static int refserver_mark(uint16_t port, int add)
{
    int rc = -1;
    pthread_mutex_lock(&refserver_lock);
    for (size_t i = 0; i < REFSERVER_MAX && rc < 0; i++)
        if (refserver_ports[i] == (add ? 0 : port)) {
            refserver_ports[i] = add ? port : 0;
            rc = 0;
        }
    pthread_mutex_unlock(&refserver_lock);
    return rc;
}

/* MHD's accept policy: the checker's own connections only. */
static enum MHD_Result refserver_policy(void *cls, const struct sockaddr *addr,
                                        socklen_t len)
{
    (void)cls;
    if (addr == NULL || addr->sa_family != AF_INET || len < sizeof(struct sockaddr_in))
        return MHD_NO;
    const struct sockaddr_in *in = (const struct sockaddr_in *)addr;
    if (in->sin_addr.s_addr != htonl(INADDR_LOOPBACK))
        return MHD_NO;
    return refserver_is_ours(ntohs(in->sin_port)) ? MHD_YES : MHD_NO;
}

struct MHD_Daemon *__wrap_MHD_start_daemon(unsigned int flags, uint16_t port,
                                           MHD_AcceptPolicyCallback apc, void *apc_cls,
                                           MHD_AccessHandlerCallback dh, void *dh_cls, ...);

/* Every daemon of the checker: the caller's options under the checker's accept policy
 * (a caller's own policy is not chained: the reference sets none). */
struct MHD_Daemon *__wrap_MHD_start_daemon(unsigned int flags, uint16_t port,
                                           MHD_AcceptPolicyCallback apc, void *apc_cls,
                                           MHD_AccessHandlerCallback dh, void *dh_cls, ...)
{
    (void)apc, (void)apc_cls;
    va_list ap;
    va_start(ap, dh_cls);
    struct MHD_Daemon *d = MHD_start_daemon_va(flags, port, refserver_policy, NULL, dh,
                                               dh_cls, ap);
    va_end(ap);
    if (d != NULL)
        refserver_daemon = d;
    return d;
}

/* curl's socket: bound to 127.0.0.1 and a port of its own, recorded before the connect. */
static curl_socket_t refserver_open(void *cls, curlsocktype purpose, struct curl_sockaddr *a)
{
    (void)cls, (void)purpose;
    int fd = socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
    if (fd < 0)
        return CURL_SOCKET_BAD;
    struct sockaddr_in me;
    socklen_t mlen = sizeof me;
    memset(&me, 0, sizeof me);
    me.sin_family = AF_INET;
    me.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (a->family != AF_INET || bind(fd, (struct sockaddr *)&me, sizeof me) < 0
        || getsockname(fd, (struct sockaddr *)&me, &mlen) < 0
        || refserver_mark(ntohs(me.sin_port), 1) < 0) {
        close(fd);
        return CURL_SOCKET_BAD;
    }
    return fd;
}

static int refserver_close(void *cls, curl_socket_t fd)
{
    (void)cls;
    struct sockaddr_in me;
    socklen_t mlen = sizeof me;
    if (getsockname(fd, (struct sockaddr *)&me, &mlen) == 0 && me.sin_family == AF_INET)
        refserver_mark(ntohs(me.sin_port), 0);
    return close(fd);
}

int refserver_subject_port(const char *ans)
{
    if (ans == NULL)
        return -1;
    char *end;
    long v = strtol(ans, &end, 10);
    return end != ans && (*end == '\0' || *end == ' ') && v >= 1 && v <= 65535 ? (int)v : -1;
}

int refserver_port(void)
{
    if (refserver_daemon == NULL)
        return -1;
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(refserver_daemon,
                                                           MHD_DAEMON_INFO_BIND_PORT);
    return info != NULL && info->port > 0 ? info->port : -1;
}

int refserver_attach(CURL *h)
{
    if (refserver_daemon == NULL)
        return -1;
    curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, refserver_open);
    curl_easy_setopt(h, CURLOPT_CLOSESOCKETFUNCTION, refserver_close);
    curl_easy_setopt(h, CURLOPT_FORBID_REUSE, 1L);
    return 0;
}
