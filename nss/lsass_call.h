/* What libnss_samewise.so.2 and pam_samewise.so share: where the instance
 * is (the configuration file) and one request/answer with lsassd bounded
 * in time, whatever lsassd does (non-blocking connect, every read and
 * write under poll with one deadline). Both modules run inside other
 * programs, setuid ones included: no global constructors, no signals, no
 * threads, and the environment is read only through secure_getenv. */
#ifndef SW_NSS_LSASS_CALL_H
#define SW_NSS_LSASS_CALL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/un.h>
#include <time.h>

#include "lib/buf.h"

#define SW_CLIENT_CONF_PATH "/etc/samewise/nss.conf"
#define SW_CLIENT_DEFAULT_TIMEOUT_MS 800
#define SW_CLIENT_DEFAULT_CACHE_SECONDS 5

struct sw_client_config {
    char db_path[sizeof(((struct sockaddr_un *)0)->sun_path)];       /* the instance's registry */
    char public_socket[sizeof(((struct sockaddr_un *)0)->sun_path)]; /* lsassd's lookup socket */
    unsigned timeout_ms;    /* NSS: the most one lookup may wait */
    unsigned cache_seconds; /* NSS: how long an answer is reused */
};

/* Defaults (the installed instance), then the file's settings: path, or
 * $SAMEWISE_NSS_CONF when secure_getenv gives it (an absolute path), or
 * SW_CLIENT_CONF_PATH. Lines "key value" or "key = value", '#' comments:
 *   db PATH             the registry (sockets derive from it)
 *   socket PATH         the lookup socket itself
 *   timeout-ms N        10..5000
 *   cache-seconds N     0..300
 * Unknown keys and bad values are ignored: the modules work whatever the
 * file says. */
void sw_client_config_load(struct sw_client_config *config, const char *path);

enum lsass_call_result {
    LSASS_CALL_OK,      /* *status and body hold lsassd's answer */
    LSASS_CALL_TIMEOUT, /* lsassd did not answer in time */
    LSASS_CALL_DROPPED, /* lsassd took the connection and closed it without
                           an answer: at its connection limits (a lookup
                           may try again; the request was not served) */
    LSASS_CALL_ERROR,   /* no lsassd, a listener that is not root's (or
                           ours), or an answer that is not one */
};

/* Sends opcode with body req to the socket and reads the answer within
 * timeout_ms in all: its status in *status and its body appended to
 * answer. The listener must run as root or as this process's euid. */
enum lsass_call_result lsass_call(const char *socket_path, unsigned timeout_ms, uint32_t opcode,
                                  const uint8_t *req, size_t req_len, uint32_t *status, struct buf *answer);

/* CLOCK_MONOTONIC now plus ms: deadlines and cache expiry. */
struct timespec lsass_call_clock_after(unsigned ms);

#endif
