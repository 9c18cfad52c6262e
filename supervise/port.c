/* Does the SMB port accept connections? A plain TCP connect, nothing sent. */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "supervise/internal.h"
#include "supervise/supervise.h"

const char *supervise_connect_address(const char *listen_address)
{
    if (strcmp(listen_address, "0.0.0.0") == 0 || listen_address[0] == '\0')
        return "127.0.0.1";
    if (strcmp(listen_address, "::") == 0)
        return "::1";
    return listen_address;
}

static bool connects(const struct addrinfo *ai, int timeout_ms)
{
    int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return false;
    bool ok = false;
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
        ok = true;
    } else if (errno == EINPROGRESS) {
        struct pollfd p = { .fd = fd, .events = POLLOUT };
        int err = 0;
        socklen_t len = sizeof err;
        int n;
        do
            n = poll(&p, 1, timeout_ms);
        while (n < 0 && errno == EINTR);
        ok = n == 1 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0;
    }
    close(fd);
    return ok;
}

bool supervise_port_accepts(const char *address, uint16_t port, unsigned timeout_ms)
{
    struct addrinfo hints, *list = NULL;
    char service[8];
    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
    snprintf(service, sizeof service, "%u", (unsigned)port);
    if (port == 0 || getaddrinfo(supervise_connect_address(address), service, &hints, &list))
        return false;
    bool ok = false;
    for (struct addrinfo *ai = list; ai && !ok; ai = ai->ai_next)
        ok = connects(ai, timeout_ms > 60000 ? 60000 : (int)timeout_ms);
    freeaddrinfo(list);
    return ok;
}

bool supervise_wait_port(const char *address, uint16_t port, pid_t server, unsigned timeout_ms)
{
    int64_t deadline = supervise_now_ms() + timeout_ms;
    for (;;) {
        if (supervise_port_accepts(address, port, 200))
            return true;
        if (!supervise_pid_alive(server) || supervise_now_ms() >= deadline)
            return false;
        supervise_sleep_ms(50);
    }
}
