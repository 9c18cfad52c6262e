/* lsassd internals: the daemon's shared state and its request handlers.
 *
 * Threads: the main thread accepts connections and reaps abandoned contexts
 * once a second; each connection gets a thread that reads one request,
 * answers it, and reads the next. Shared state is the settings cache (under
 * settings_lock), the context table (its own lock), and the providers (each
 * locks its own resources). */
#ifndef SW_LSASSD_H
#define SW_LSASSD_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/buf.h"
#include "lsass/auth/auth.h"

struct lsa_rpc_host;

#define LSASSD_MAX_PROVIDERS 4

struct lsassd {
    char *db_path;
    pthread_mutex_t settings_lock;
    struct registry *reg;          /* settings reads, under settings_lock */
    uint64_t settings_counter;
    bool settings_loaded;
    struct lsa_settings settings;
    bool log_level_forced;         /* --log-level given: ignore lsass.log-level */
    struct lsa_provider *providers[LSASSD_MAX_PROVIDERS];
    size_t provider_count;
    struct lsa_context_table *contexts; /* limits follow the settings (lsassd_settings) */
    long context_timeout_forced;   /* --context-timeout, or -1 */
    long max_contexts_forced;      /* --max-contexts, or -1 */
    uid_t trusted_uid;             /* besides root, who may authenticate: our own uid */
    struct lsassd_events *events;  /* failed logons to the audit log (events.c); may be NULL */
    struct lsa_rpc_host *rpc;      /* \pipe\lsarpc, \pipe\lsass, \pipe\samr (NULL: not served) */
    pthread_mutex_t lookup_lock;
    struct registry *lookup_reg;   /* the NSS lookups' registry connection, under lookup_lock
                                      (NULL: lookups answer STATUS_NO_SUCH_USER / _GROUP) */
};

/* Makes the providers lsass.providers lists, in order (providers.c). */
NTSTATUS lsassd_add_providers(struct lsassd *d);
/* The LDAP provider, or NULL when lsass.providers does not list it. */
struct lsa_provider *lsassd_ldap_provider(struct lsassd *d);

/* The audit log's view of lsassd (docs/eventlog.md): a failed logon is
 * recorded as logon.failure (Security log), at most
 * audit.logon-failures-per-minute a minute so that a guesser cannot grow the
 * log without end; daemon.start and daemon.stop (System log). events.c. */
struct lsassd_events *lsassd_events_open(const char *db_path);
void lsassd_events_close(struct lsassd_events *events);
void lsassd_audit_logon_failure(struct lsassd_events *events, const char *account, const char *client,
                                NTSTATUS status);

/* The current settings (re-read when the registry changed). */
void lsassd_settings(struct lsassd *d, struct lsa_settings *out);

/* Appends the Kerberos mechanism to d->providers when kerberos.* make it
 * active (kerberos.c; read once, at start). An error only when it cannot be
 * made; a missing keytab is logged, not fatal. */
NTSTATUS lsassd_add_kerberos(struct lsassd *d);

/* Handles one request (opcode and id already read from r) from a peer with
 * uid; writes the whole response message into response. */
void lsassd_handle(struct lsassd *d, uid_t uid, const uint8_t *message, size_t len, struct buf *response);
/* The same for the public socket: only HELLO and the lookups are served
 * there (STATUS_ACCESS_DENIED for the rest, whoever asks). */
void lsassd_handle_public(struct lsassd *d, uid_t uid, const uint8_t *message, size_t len, struct buf *response);

/* The NSS lookups (LSASS_OP_GETPWNAM .. LSASS_OP_INITGROUPS, lookups.c):
 * reads the request body from r and writes the answer's body to out. */
NTSTATUS lsassd_lookup(struct lsassd *d, uint32_t opcode, struct buf_reader *r, struct buf *out);

/* Breaks off every connection and waits (at most timeout_ms) for their
 * threads to end; true if none is left, so shared state may be freed. */
bool lsassd_stop_connections(unsigned timeout_ms);

/* Serves connections on listen_fd (the private socket) and public_fd (the
 * public one; -1: none) until a signal arrives on signal_fd. */
int lsassd_serve(struct lsassd *d, int listen_fd, int public_fd, int signal_fd);

#endif
