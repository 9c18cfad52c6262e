/* lsassd's RPC host: the DCE/RPC server that serves the interfaces lsassd
 * owns (lsarpc and dssetup, samr) on the npfs pipes \npfs\lsarpc (endpoint
 * \PIPE\lsarpc), \npfs\lsass (its alias) and \npfs\samr, through lwiod.
 *
 * Every pipe is served by the one dcerpc_server, so any interface is reached
 * on any of them (as on Windows, where one process serves them all) and an
 * association group, with its context handles, spans them (smbtorture's
 * rpc.handles mixed-shared).
 *
 * lsassd starts before lwiod (lwiod asks lsassd to authenticate SMB
 * sessions), so the host connects to lwiod in a thread of its own, retrying
 * every second, and connects again when lwiod goes away; logons never wait
 * for it.
 *
 * Adding an interface: write NAME_interface_register (signature
 * lsa_rpc_register_fn) in the interface's module, and add one line to the
 * table in lsass/rpc/host.c. The register function calls
 * dcerpc_server_register for each of its interfaces, with a context it
 * allocates (freed by the function it returns in *unregister, called after
 * the server stopped). */
#ifndef SW_LSASS_RPC_H
#define SW_LSASS_RPC_H

#include <pthread.h>
#include <stdbool.h>

#include "dcerpc/dcerpc.h"
#include "lib/ntstatus.h"
#include "lib/sid.h"
#include "lib/token.h"
#include "registry/registry.h"

/* What every interface shares: the registry (SAM tables, settings, audit
 * log). The handle is used by one thread at a time: take reg_lock around
 * every use (calls of different association groups run in parallel). */
struct lsa_rpc_context {
    const char *db_path;
    pthread_mutex_t reg_lock;
    struct registry *reg;
};

typedef void (*lsa_rpc_unregister_fn)(void *state);
/* Registers an interface module's interfaces on server; *unregister (may be
 * left NULL) and *state are called/passed at shutdown, after the last call. */
typedef NTSTATUS (*lsa_rpc_register_fn)(struct dcerpc_server *server, struct lsa_rpc_context *ctx,
                                        lsa_rpc_unregister_fn *unregister, void **state);

/* The audit actor for a call's caller: via ("lsarpc", "samr"), uid -1, user
 * the caller's SAM name ("alice"), else its SID string, else "anonymous".
 * Call with reg_lock held; release with lsa_rpc_actor_done. */
struct lsa_rpc_actor {
    struct audit_actor actor;
    char *name;
    char sid[SID_STRING_MAX];
};
const struct audit_actor *lsa_rpc_actor(struct lsa_rpc_context *ctx, const struct access_token *token,
                                        const char *via, struct lsa_rpc_actor *who);
void lsa_rpc_actor_done(struct lsa_rpc_actor *who);

/* ---- RPC-level authentication (auth.c) ----
 * A bind with an NTLMSSP or SPNEGO verifier is a network logon through
 * lsa_context_accept over lsassd's providers, with the settings of the
 * moment (settings fn; NULL: the defaults), or through lsassd
 * (lsa_rpc_auth_new_client). The identity it gives is the
 * calls' (dcerpc_call_token). Install with dcerpc_server_set_auth(server,
 * &lsa_rpc_auth_ops, auth). */
struct lsa_provider;
struct lsa_settings;
typedef void (*lsa_rpc_settings_fn)(void *arg, struct lsa_settings *out);
/* A bind's logon failed for account ("DOMAIN\\user" as sent) from client:
 * for the audit log, as a failed SMB session setup is. */
typedef void (*lsa_rpc_logon_failed_fn)(void *arg, const char *account, const char *client, NTSTATUS status);
struct lsa_rpc_auth;
/* providers are borrowed: they must outlive every server using auth. */
struct lsa_rpc_auth *lsa_rpc_auth_new(struct lsa_provider *const *providers, size_t count,
                                      lsa_rpc_settings_fn settings, lsa_rpc_logon_failed_fn logon_failed,
                                      void *arg);
/* The same package for a daemon other than lsassd (srvsvcd): each bind is
 * lsassd's, through the lsass client library (docs/lsass.md), for the
 * registry at db_path. */
struct lsa_rpc_auth *lsa_rpc_auth_new_client(const char *db_path);
void lsa_rpc_auth_free(struct lsa_rpc_auth *auth);
extern const struct dcerpc_auth_ops lsa_rpc_auth_ops;

/* ---- The host (lsassd) ---- */

struct lsa_rpc_host_options {
    unsigned instances;   /* server ends per pipe (lsass.rpc-pipe-instances) */
    unsigned max_handles; /* context handles per association group (lsass.rpc-max-handles) */
    /* RPC-level authentication's providers and settings (provider_count 0:
     * binds with a verifier are refused). */
    struct lsa_provider *const *providers;
    size_t provider_count;
    lsa_rpc_settings_fn settings;
    lsa_rpc_logon_failed_fn logon_failed; /* may be NULL */
    void *arg;                            /* for settings and logon_failed */
};

struct lsa_rpc_host;
/* Registers every interface, then starts the thread that connects to the
 * registry's lwiod and serves the pipes. Fails only if the interfaces could
 * not be registered or the registry opened. */
NTSTATUS lsa_rpc_host_start(const char *db_path, const struct lsa_rpc_host_options *options,
                            struct lsa_rpc_host **host);
/* True while the pipes are being served (connected to lwiod). */
bool lsa_rpc_host_serving(struct lsa_rpc_host *host);
/* Stops serving (cancelling every pending wait), unregisters and frees. */
void lsa_rpc_host_stop(struct lsa_rpc_host *host);

/* The server with every interface registered, without pipes: for tests and
 * `--stdio`-style serving. Free with lsa_rpc_server_free. */
struct lsa_rpc_server;
NTSTATUS lsa_rpc_server_new(const char *db_path, unsigned max_handles, struct lsa_rpc_server **out);
struct dcerpc_server *lsa_rpc_server_dcerpc(struct lsa_rpc_server *s);
void lsa_rpc_server_free(struct lsa_rpc_server *s);

#endif
