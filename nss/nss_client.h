/* libnss_samewise's private half: lsassd's answers through lsass_call
 * (lsass_call.h: the configuration and the bounded exchange), and a short
 * cache of them.
 *
 * Everything here runs inside arbitrary processes (every program that
 * looks up a user: ls, id, sshd, setuid programs), so:
 *   - no global constructors, no threads, no signals; state is made on
 *     first use under a mutex, and every call is thread-safe;
 *   - a caller never waits for more than the configured timeout (default
 *     SW_CLIENT_DEFAULT_TIMEOUT_MS) in all, however lsassd misbehaves: the
 *     connect is non-blocking and every read and write is bounded by poll;
 *     when lsassd timed out, the process does not ask again for
 *     NSS_DOWN_SECONDS (each further lookup answers "unavailable" at once);
 *   - the environment is not trusted in setuid programs: the configuration
 *     file's path may come from $SAMEWISE_NSS_CONF only through
 *     secure_getenv;
 *   - inside lsassd itself (which looks up Unix accounts through NSS) the
 *     module answers "unavailable" at once instead of asking lsassd. */
#ifndef SW_NSS_CLIENT_H
#define SW_NSS_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"

#define NSS_DOWN_SECONDS 5

enum nss_answer {
    NSS_ANSWER_FOUND,       /* body holds the answer */
    NSS_ANSWER_NOT_FOUND,   /* lsassd knows no such name or id */
    NSS_ANSWER_UNAVAILABLE, /* lsassd is down, slow, or answered nonsense */
};

/* Asks lsassd: opcode with the request body req (req_len bytes). On
 * NSS_ANSWER_FOUND, *body is a malloc'd copy of the answer's body
 * (*body_len bytes; free it). cacheable: single-entry lookups are answered
 * from (and stored in) the cache for the configured time. */
enum nss_answer nss_ask(uint32_t opcode, const uint8_t *req, size_t req_len, bool cacheable, uint8_t **body,
                        size_t *body_len);

/* Registers (once) what makes a forked child's module state usable:
 * called at every entry point that takes a lock. */
void nss_fork_safety(void);
/* nss_samewise.c's part of it: forgets the enumerations in progress. */
void nss_enumerations_after_fork(void);

#endif
