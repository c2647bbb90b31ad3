/* net.c -- hostile networking. `net connect IP PORT`: prints "connected" or the error
 * (a box without the host's network must fail at once). `net serve PORT`: listens on
 * 0.0.0.0:PORT, prints "listening", answers one connection with "hello\n". */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
int main(int argc, char **argv)
{
    if (argc < 3)
        return 2;
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    int s = socket(AF_INET, SOCK_STREAM, 0);
    if (strcmp(argv[1], "serve") == 0) {
        int one = 1;
        setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        a.sin_port = htons((unsigned short)strtol(argv[2], NULL, 10));
        if (bind(s, (struct sockaddr *)&a, sizeof a) < 0 || listen(s, 4) < 0) {
            printf("serve: %s\n", strerror(errno));
            return 1;
        }
        printf("listening\n");
        fflush(stdout);
        int c = accept(s, NULL, NULL);
        if (c >= 0 && write(c, "hello\n", 6) != 6)
            return 1;
        return c >= 0 ? 0 : 1;
    }
    if (argc < 4)
        return 2;
    inet_pton(AF_INET, argv[2], &a.sin_addr);
    a.sin_port = htons((unsigned short)strtol(argv[3], NULL, 10));
    if (connect(s, (struct sockaddr *)&a, sizeof a) == 0) {
        printf("connected\n");
        return 0;
    }
    printf("connect: %s\n", strerror(errno));
    return 0;
}
