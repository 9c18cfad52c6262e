/* lsass authentication core: the settings a logon obeys, the provider
 * interface (where accounts come from), the security context state machine
 * the SMB server drives across SESSION_SETUP round trips, a table of contexts
 * behind opaque handles, and the helpers that build access tokens.
 *
 * Flow of one logon (see docs/lsass.md):
 *
 *   lsa_context_accept(ctx, token)  -> STATUS_MORE_PROCESSING_REQUIRED + token
 *   lsa_context_accept(ctx, token)  -> STATUS_SUCCESS + token, session key,
 *                                      access token, user name
 *                                   or an error status (the context is dead)
 *
 * The context speaks SPNEGO ([RFC 4178], [MS-SPNG]) or raw NTLMSSP (whichever
 * the first token is), runs NTLMSSP itself, and hands the credential check to
 * the providers: the first provider that knows the user decides. A provider
 * may also bring its own GSS mechanism (Kerberos), offered in SPNEGO next to
 * NTLMSSP.
 *
 * Failed logons are serialised per account name and delayed by
 * lsass.failed-logon-delay inside that serialisation, so parallel attempts on
 * one account cannot run faster than one per delay (see lsa_gate below). */
#ifndef SW_LSASS_AUTH_H
#define SW_LSASS_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/buf.h"
#include "lib/ntstatus.h"
#include "lib/token.h"
#include "lsass/ntlm/ntlm.h"
#include "lsass/spnego/spnego.h"

struct registry;
struct audit_actor;

/* ---- Settings -------------------------------------------------------- */

/* A snapshot of the settings that govern logons, taken when a context starts. */
struct lsa_settings {
    char server_name[64];         /* NetBIOS name: srv.server-name, or the host name */
    char dns_computer_name[256];  /* the host's FQDN ("" if unknown) */
    char dns_domain_name[256];    /* its DNS domain ("" if none) */
    bool allow_anonymous;         /* lsass.allow-anonymous */
    bool guest;                   /* srv.guest: unknown users (and null sessions
                                     when anonymous is off) log on as Guest */
    uint32_t lockout_threshold;   /* lsass.lockout-threshold (0: never lock) */
    int64_t lockout_duration;     /* seconds (lsass.lockout-duration is minutes; 0: until unlocked) */
    int64_t lockout_reset;        /* seconds (lsass.lockout-reset is minutes) */
    uint32_t failed_logon_delay_ms; /* lsass.failed-logon-delay */
    uint32_t max_delayed_logons;  /* lsass.max-delayed-logons: threads a gate may hold */
    bool allow_blank_passwords;   /* lsass.allow-blank-passwords */
    uint32_t max_pending_logons;  /* lsass.max-pending-logons (the context table) */
    uint32_t max_pending_per_address;    /* lsass.max-pending-logons-per-address */
    uint32_t max_pending_per_connection; /* lsass.max-pending-logons-per-connection */
    uint32_t pending_logon_timeout;      /* lsass.pending-logon-timeout, seconds */
    uint32_t max_password_age_days; /* lsass.max-password-age (0: never expires) */
    uid_t anonymous_uid;          /* anonymous's own Unix identity: id base + 0 */
    gid_t anonymous_gid;          /*   (lsass/idmap/idmap.h) */
    /* lsass.unix-fallback-user is still accepted but no longer read: every
     * account has a Unix identity of its own (lsass.id-range). */
};

/* Defaults (the shipped schema's) with the host's names. */
void lsa_settings_default(struct lsa_settings *settings);
/* Reads the settings from the registry; unknown or unset ones keep their default. */
NTSTATUS lsa_settings_load(struct registry *reg, struct lsa_settings *settings);

/* ---- Providers ------------------------------------------------------- */

/* The outcome of a successful logon. */
struct lsa_logon_result {
    struct access_token *token;
    char *user;                   /* the account name as the provider spells it */
    char *domain;                 /* the provider's NetBIOS domain name */
    bool is_guest;
    bool is_anonymous;
    bool has_session_base_key;    /* NTLMv2: verified, key below is valid */
    uint8_t session_base_key[16];
};
void lsa_logon_result_clear(struct lsa_logon_result *result);

/* What a GSS mechanism of a provider (Kerberos) reports when it completes. */
struct lsa_mech_result {
    char *principal;              /* "alice@EXAMPLE.COM" */
    uint8_t *authz_data;          /* the PAC, if any */
    size_t authz_len;
    uint8_t session_key[32];
    size_t session_key_len;
    char *account;                /* the principal without its realm ("alice") */
    bool own_realm;               /* the realm is the machine's (kerberos.realm) */
    struct sid *pac_groups;       /* the PAC's group SIDs (verified), added to the token */
    size_t pac_group_count;
};

struct lsa_provider;

struct lsa_provider_ops {
    const char *name;             /* "local", "krb5", "ldap" */

    /* NTLM network logon ([MS-APDS] 3.1.5): find the account req->user
     * (req->domain as the client typed it), check the NTLMv2 response with
     * ntlm_ntowfv2() + ntlm_v2_verify() against the account's NT hash, apply
     * the account policy (lockout, disabled, expired), record the outcome, and
     * build the token. STATUS_NO_SUCH_USER means "not mine": the next provider
     * is asked. Called with the account's lsa_gate held. NULL: no NTLM. */
    NTSTATUS (*ntlm_logon)(struct lsa_provider *provider, const struct lsa_settings *settings,
                           const struct ntlm_logon_request *req, struct lsa_logon_result *result);

    /* A Guest logon, when srv.guest is on and no provider knows the user.
     * NULL: this provider has no guest account. */
    NTSTATUS (*guest_logon)(struct lsa_provider *provider, const struct lsa_settings *settings,
                            struct lsa_logon_result *result);

    /* A GSS mechanism offered in SPNEGO under the OIDs mech_oids (Kerberos:
     * SPNEGO_OID_MS_KRB5 and SPNEGO_OID_KRB5; count 0 for none). mech_accept
     * consumes one token and appends its answer to out: it returns
     * STATUS_MORE_PROCESSING_REQUIRED, or STATUS_SUCCESS with *mech filled, or
     * an error; *state starts NULL and is released with mech_free. get_mic and
     * verify_mic protect SPNEGO's mechListMIC. principal_logon then turns the
     * authenticated principal into a token. */
    const struct spnego_bytes *mech_oids;
    size_t mech_oid_count;
    NTSTATUS (*mech_accept)(struct lsa_provider *provider, void **state, const uint8_t *in, size_t len,
                            struct buf *out, struct lsa_mech_result *mech);
    NTSTATUS (*mech_get_mic)(struct lsa_provider *provider, void *state, const uint8_t *msg, size_t len,
                             struct buf *mic);
    NTSTATUS (*mech_verify_mic)(struct lsa_provider *provider, void *state, const uint8_t *msg,
                                size_t len, const uint8_t *mic, size_t mic_len);
    void (*mech_free)(struct lsa_provider *provider, void *state);
    /* Asked of every provider in order once a mechanism has authenticated a
     * principal: STATUS_NO_SUCH_USER means "not mine" (the next provider is
     * asked; nobody: the logon is refused, never Guest); any other answer
     * decides. The local provider takes mech->account when mech->own_realm. */
    NTSTATUS (*principal_logon)(struct lsa_provider *provider, const struct lsa_settings *settings,
                                const struct lsa_mech_result *mech, struct lsa_logon_result *result);

    /* A logon with a clear-text password (the PAM module's): the same account
     * policy, in the same order and with the same bookkeeping as ntlm_logon,
     * the password compared with the account's NT hash. STATUS_NO_SUCH_USER:
     * not mine. Called with the account's lsa_gate held. NULL: none. */
    NTSTATUS (*password_logon)(struct lsa_provider *provider, const struct lsa_settings *settings,
                               const char *user, const char *password, struct lsa_logon_result *result);

    /* The account's state, no password involved (PAM account management):
     * STATUS_SUCCESS, STATUS_ACCOUNT_LOCKED_OUT, STATUS_ACCOUNT_DISABLED,
     * STATUS_PASSWORD_EXPIRED, STATUS_INVALID_LOGON_HOURS (outside the
     * account's logon hours), or STATUS_NO_SUCH_USER. NULL: none. */
    NTSTATUS (*account_check)(struct lsa_provider *provider, const struct lsa_settings *settings,
                              const char *user);

    /* A password change (PAM's chauthtok). With old_password, the user's own
     * change: locked out -> STATUS_ACCOUNT_LOCKED_OUT, a wrong old password ->
     * STATUS_WRONG_PASSWORD (counted towards the lockout like a bad logon);
     * an expired password may be changed; a user his account's descriptor
     * denies the change ("User cannot change password") ->
     * STATUS_ACCESS_DENIED. old_password NULL: an
     * administrator's reset. new_password NULL: only check the old one. The
     * password policy applies (STATUS_PASSWORD_RESTRICTION, *why a static
     * reason). actor is who asked, for the audit log. Called with the
     * account's lsa_gate held. NULL: none. */
    NTSTATUS (*change_password)(struct lsa_provider *provider, const struct lsa_settings *settings,
                                const char *user, const char *old_password, const char *new_password,
                                const struct audit_actor *actor, const char **why);

    void (*free)(struct lsa_provider *provider);
};

struct lsa_provider {
    const struct lsa_provider_ops *ops;
    void *data;
};

void lsa_mech_result_clear(struct lsa_mech_result *mech);

/* ---- The security context --------------------------------------------- */

struct lsa_context;

struct lsa_accept_result {
    struct buf output;            /* the token for the client (may be empty) */
    /* Filled on STATUS_SUCCESS: */
    uint8_t session_key[32];      /* NTLM: the ExportedSessionKey (16 bytes) */
    size_t session_key_len;       /* 0 for a Guest logon: nothing to sign with */
    struct lsa_logon_result logon;
};
void lsa_accept_result_init(struct lsa_accept_result *result);
void lsa_accept_result_clear(struct lsa_accept_result *result);

/* A new context over providers (borrowed: they must outlive it). */
struct lsa_context *lsa_context_new(struct lsa_provider *const *providers, size_t count,
                                    const struct lsa_settings *settings);
/* One round trip. in may be empty on the first call (the answer is then the
 * NegTokenInit2). Returns STATUS_MORE_PROCESSING_REQUIRED (send
 * result->output, call again with the client's next token), STATUS_SUCCESS
 * (send result->output; the session key and logon are in result), or an error
 * (the context accepts nothing more). */
NTSTATUS lsa_context_accept(struct lsa_context *ctx, const uint8_t *in, size_t len,
                            struct lsa_accept_result *result);
void lsa_context_free(struct lsa_context *ctx);
/* The account a logon on ctx was attempted for ("DOMAIN\user", or the
 * Kerberos principal), as the client sent it; "" before an attempt or for an
 * anonymous one. For the audit log of failed logons. */
const char *lsa_context_account(const struct lsa_context *ctx);

/* The acceptor's first SPNEGO token (for the SMB2 NEGOTIATE response):
 * NegTokenInit2 offering every provider's mechanism, then NTLMSSP. */
void lsa_negotiate_token(struct lsa_provider *const *providers, size_t count, struct buf *out);

/* ---- Contexts behind handles ----------------------------------------- */

/* Contexts between round trips (half-finished logons) live in a table under
 * opaque random 64-bit handles, each tied to the uid that created it and
 * remembering the client address and SMB connection it serves. A context
 * unused for longer than the timeout is reclaimed; a context is used by one
 * caller at a time. See docs/lsass.md "Half-finished logons". */
struct lsa_context_table;

/* The table's limits (lsass.max-pending-logons*, lsass.pending-logon-timeout). */
struct lsa_pending_limits {
    size_t max_total;           /* all clients together */
    size_t max_per_address;     /* one client address */
    size_t max_per_connection;  /* one SMB connection */
    unsigned timeout_seconds;   /* idle life of an unfinished context */
};

/* A table of at most max_contexts with that timeout and no per-client limits
 * until lsa_context_table_set_limits. */
struct lsa_context_table *lsa_context_table_new(size_t max_contexts, unsigned timeout_seconds);
/* Changes the limits (at run time: entries above a lowered limit stay until
 * they finish or expire; new ones obey it). */
void lsa_context_table_set_limits(struct lsa_context_table *table, const struct lsa_pending_limits *limits);
/* Frees the table and every context in it. */
void lsa_context_table_free(struct lsa_context_table *table);
/* Stores ctx for a client at address (NULL or "": unnamed, not limited per
 * address) over connection (NULL or "": not limited per connection); *handle
 * gets its new handle. Expired entries are reclaimed first. An address at its
 * limit makes room from its own oldest idle entry. When the table is full,
 * the oldest idle entry of the addresses holding the most makes room if they
 * hold more than this address. STATUS_INSUFF_SERVER_RESOURCES when the
 * connection is at its limit, or no room can be made. */
NTSTATUS lsa_context_table_add(struct lsa_context_table *table, struct lsa_context *ctx, uid_t owner,
                               const char *address, const char *connection, uint64_t *handle);
/* Takes the context out for one round trip (NULL if unknown, expired, in use
 * or another uid's): give it back with lsa_context_table_put or free it. */
struct lsa_context *lsa_context_table_take(struct lsa_context_table *table, uint64_t handle, uid_t owner);
/* Puts a taken context back under the same handle (its idle clock restarts). */
void lsa_context_table_put(struct lsa_context_table *table, uint64_t handle);
/* Drops a taken context's entry (the caller frees the context). */
void lsa_context_table_forget(struct lsa_context_table *table, uint64_t handle);
/* Deletes an idle context: STATUS_SUCCESS or STATUS_INVALID_HANDLE. */
NTSTATUS lsa_context_table_delete(struct lsa_context_table *table, uint64_t handle, uid_t owner);
/* Frees the contexts idle for longer than the timeout; returns how many. */
size_t lsa_context_table_reap(struct lsa_context_table *table);
size_t lsa_context_table_count(struct lsa_context_table *table);
/* How many contexts were displaced to make room for newer ones, and how
 * many first legs found no room, since the table was made. */
uint64_t lsa_context_table_evicted(struct lsa_context_table *table);
uint64_t lsa_context_table_refused(struct lsa_context_table *table);

/* ---- Access tokens ---------------------------------------------------- */

/* The groups every network logon carries: Everyone and Network, plus
 * Authenticated Users unless guest or anonymous. Call before adding aliases
 * (BUILTIN\Users holds Authenticated Users). */
NTSTATUS lsa_token_add_logon_groups(struct access_token *token, bool guest_or_anonymous);
/* Privileges from group membership (Administrators: backup, restore, take
 * ownership, security; everyone: change notify) and the unix identity pvfs
 * acts as: uid and gid as the provider's id map gave them (for the SAM,
 * idmap_token_ids: the account's own uid and its primary group's gid, or its
 * mapped Unix account's). An identity that is privileged (uid 0 or gid 0) or
 * missing ((uid_t)-1: the id map had none) is never a network logon's: the
 * token gets 65534:65534 with unix_id_shared set (it owns nothing on disk),
 * and lsassd logs why. */
NTSTATUS lsa_token_finish(struct access_token *token, uid_t uid, gid_t gid);
/* The anonymous logon token: S-1-5-7, Everyone, Network, and anonymous's own
 * Unix identity (settings->anonymous_uid/gid). */
struct access_token *lsa_token_anonymous(const struct lsa_settings *settings);
/* uid 0 or gid 0: never a network logon's unix identity. */
bool lsa_unix_identity_privileged(uid_t uid, gid_t gid);

/* A copy of a client-supplied string fit for a log line: control characters
 * become '?' (no forged log lines), cut to size - 1 bytes. Returns out. */
char *lsa_log_safe(const char *in, char *out, size_t size);

/* ---- The failed-logon gate -------------------------------------------- */

/* Serialises logons per account name (case-insensitive) across threads. A
 * failed logon keeps the gate for the delay before it answers, so N parallel
 * wrong passwords on one account take N delays, and the bad-password count is
 * updated by one logon at a time.
 *
 * At most max_held logons (lsass.max-delayed-logons) are held at once, queued
 * or delaying, across all accounts: each holds a thread here and in lwiod.
 * lsa_gate_enter gives STATUS_INSUFF_SERVER_RESOURCES instead of queueing
 * beyond it (STATUS_NO_MEMORY if out of memory); lsa_gate_leave skips the
 * delay beyond it and says whether it delayed. */
struct lsa_gate_entry;
NTSTATUS lsa_gate_enter(const char *account_name, uint32_t max_held, struct lsa_gate_entry **entry);
bool lsa_gate_leave(struct lsa_gate_entry *entry, uint32_t delay_ms, uint32_t max_held);
/* How long a logon that ended with status holds its gate before answering:
 * lsass.failed-logon-delay for every failure except "locked out" (which
 * checked no password, so tells a guesser nothing). The one rule for the
 * network (NTLM) and the local (PAM) paths. */
uint32_t lsa_failed_logon_delay(NTSTATUS status, const struct lsa_settings *settings);

/* ---- Local logons (the PAM module, through lsassd) -------------------- */

/* Runs the providers' password_logon for user inside the account's gate,
 * paying the failed-logon delay as a network logon does. STATUS_NO_SUCH_USER
 * when no provider knows the name (there is no Guest here). */
NTSTATUS lsa_password_logon(struct lsa_provider *const *providers, size_t count,
                            const struct lsa_settings *settings, const char *user, const char *password,
                            struct lsa_logon_result *result);
/* The first provider's answer that knows user (STATUS_NO_SUCH_USER if none). */
NTSTATUS lsa_account_check(struct lsa_provider *const *providers, size_t count,
                           const struct lsa_settings *settings, const char *user);
/* change_password of the provider that knows user, inside the account's
 * gate; a wrong old password pays the failed-logon delay. */
NTSTATUS lsa_change_password(struct lsa_provider *const *providers, size_t count,
                             const struct lsa_settings *settings, const char *user, const char *old_password,
                             const char *new_password, const struct audit_actor *actor, const char **why);

/* ---- Counters for the metrics endpoint (stats.c) ------------------------ */

/* Why a logon failed, as the metrics label it. */
enum lsa_stats_reason {
    LSA_STATS_BAD_CREDENTIALS,    /* unknown user or wrong password */
    LSA_STATS_LOCKED_OUT,         /* the account is locked out */
    LSA_STATS_ACCOUNT_RESTRICTED, /* disabled, expired, blank password refused ... */
    LSA_STATS_OTHER,              /* malformed, out of resources, ... */
    LSA_STATS_REASONS
};
enum lsa_stats_reason lsa_stats_reason_of(NTSTATUS status);
/* A logon ended (success or failure) with the provider that decided it
 * (lsa_context_provider; a name with static storage, NULL: "none"). */
void lsa_stats_logon(const char *provider, NTSTATUS status);
/* An account of this provider just became locked out. */
void lsa_stats_lockout(const char *provider);
struct sample_list;
/* Appends lsass_logons_total (successes), lsass_logon_failures_total and
 * lsass_lockouts_total by provider (docs/metrics.md). */
void lsa_stats_samples(struct sample_list *samples);
/* The provider that decided the context's logon ("local", "krb5", ...,
 * "anonymous"), or NULL if none got to decide. Static storage. */
const char *lsa_context_provider(const struct lsa_context *ctx);

#endif
