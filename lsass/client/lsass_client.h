/* lsass_client: how the SMB server (and tools) ask lsassd to authenticate.
 *
 * One SESSION_SETUP round trip is one lsass_accept_security_context() call:
 *
 *     uint64_t context = 0;              // per SMB session being set up
 *     status = lsass_accept_security_context(client, &context, in, in_len,
 *                                            "192.0.2.7", &out, &out_len, &logon);
 *     STATUS_MORE_PROCESSING_REQUIRED: send out; keep context for the next call
 *     STATUS_SUCCESS: send out; logon has the session key and access token
 *     anything else: the logon failed (context is 0 again); send the status
 *
 * The token for the SMB2 NEGOTIATE response comes from lsass_negotiate_token().
 * A context abandoned half way (the client went away) should be released
 * with lsass_delete_security_context(); lsassd reclaims forgotten ones after
 * a timeout anyway.
 *
 * Thread safety: one client may be used from any number of threads at once;
 * each call takes its own connection from a small pool. Calls block (a failed
 * logon is delayed by lsass.failed-logon-delay, and serialised behind other
 * logons of the same account), so call them from a worker thread, not from
 * a network event loop. Only root and lsassd's own uid may authenticate. */
#ifndef SW_LSASS_CLIENT_H
#define SW_LSASS_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/ntstatus.h"
#include "lib/token.h"

struct lsass_client;

/* Connects to the lsassd of the registry at db_path (its socket is
 * sw_run_path(db_path, "lsassd.sock")) and checks it answers.
 * STATUS_NO_LOGON_SERVERS if lsassd is not running. */
NTSTATUS lsass_client_open(const char *db_path, struct lsass_client **client);
/* The same with an explicit socket path. */
NTSTATUS lsass_client_open_socket(const char *socket_path, struct lsass_client **client);
void lsass_client_close(struct lsass_client *client);
/* How long one call may wait for lsassd (default 120 s). */
void lsass_client_set_timeout(struct lsass_client *client, unsigned seconds);

/* The NegTokenInit2 for the SMB2 NEGOTIATE response (malloc'd; free it). */
NTSTATUS lsass_negotiate_token(struct lsass_client *client, uint8_t **token, size_t *len);

/* A successful logon. */
struct lsass_logon {
    uint8_t session_key[32];    /* NTLM: the 16-byte ExportedSessionKey */
    size_t session_key_len;     /* 0 for Guest: such a session cannot sign */
    struct access_token *token; /* the caller owns it (token_free) */
    char *user;                 /* account name ("alice", "Guest", "ANONYMOUS LOGON") */
    char *domain;               /* its NetBIOS domain */
    bool is_guest;
    bool is_anonymous;
};
void lsass_logon_clear(struct lsass_logon *logon);

/* One round trip (see above). client_address (the client's IP address
 * without port; may be NULL) is logged, and lsassd limits the half-finished
 * logons of one address (lsass.max-pending-logons-per-address). *out is
 * malloc'd (may be NULL with *out_len 0): free it.
 * STATUS_INSUFF_SERVER_RESOURCES on a first call: the client holds too many
 * half-finished logons already (docs/lsass.md). */
NTSTATUS lsass_accept_security_context(struct lsass_client *client, uint64_t *context, const uint8_t *in,
                                       size_t in_len, const char *client_address, uint8_t **out,
                                       size_t *out_len, struct lsass_logon *logon);
/* The same, naming also the SMB connection (any string unique among live
 * connections, e.g. "192.0.2.7:50123"), so lsassd can limit the
 * half-finished logons of one connection (lsass.max-pending-logons-per-connection). */
NTSTATUS lsass_accept_from_connection(struct lsass_client *client, uint64_t *context, const uint8_t *in,
                                      size_t in_len, const char *client_address, const char *connection,
                                      uint8_t **out, size_t *out_len, struct lsass_logon *logon);

/* Releases an unfinished context. STATUS_INVALID_HANDLE if unknown. */
NTSTATUS lsass_delete_security_context(struct lsass_client *client, uint64_t context);

struct sample_list;
/* lsassd's counters (LSASS_OP_STATS; docs/metrics.md), appended to
 * *samples (initialised by the caller). Root and lsassd's own uid only:
 * STATUS_ACCESS_DENIED for others. */
NTSTATUS lsass_client_stats(struct lsass_client *client, struct sample_list *samples);

#endif
