/* Inside the LDAP provider: its settings, the connection pool and the search
 * helpers (ldap_conn.c), shared by the provider (ldap_provider.c) and the
 * administration helpers (ldap_admin.c). */
#ifndef SW_LSASS_LDAP_INTERNAL_H
#define SW_LSASS_LDAP_INTERNAL_H

#include <ldap.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "lib/ntstatus.h"
#include "lib/sid.h"

struct registry;

#define LDAP_MAX_POOL 32

/* A snapshot of the ldap.* settings (and the bind password). */
struct ldap_conf {
    char uris[2048];        /* space-separated, as ldap_initialize takes them */
    char user_base[1025];
    char group_base[1025];
    char bind_dn[1025];
    char *bind_password;    /* NULL: none; wiped when freed */
    bool starttls;
    char ca_file[1025];
    unsigned timeout;       /* seconds */
    unsigned cache_ttl;
    unsigned pool_size;
    unsigned max_entries;
    unsigned page_size;
    struct sid domain_sid;
    char domain_name[16];
    uint32_t min_id;        /* ldap.min-id: lower uids and gids are refused */
    bool have_sam_range;    /* the SAM's lsass.id-range, whose ids are refused too */
    uint32_t sam_first, sam_last;
};

/* Whether a directory uid or gid may be used: at least ldap.min-id, and not
 * one the SAM hands out (lsass.id-range): a directory entry must not make
 * anyone act on disk as a system account or as a SAM account. */
bool ldap_conf_id_allowed(const struct ldap_conf *conf, uint32_t id);

/* Reads the settings (and the bind password) from reg. */
NTSTATUS ldap_conf_load(struct registry *reg, struct ldap_conf *conf);
void ldap_conf_clear(struct ldap_conf *conf);

/* The pool: at most conf->pool_size connections, each used by one thread at
 * a time. */
struct ldap_pool {
    pthread_mutex_t lock;
    pthread_cond_t freed;
    LDAP *conns[LDAP_MAX_POOL];
    bool busy[LDAP_MAX_POOL];
    uint64_t made_in[LDAP_MAX_POOL]; /* the generation a connection was made in */
    uint64_t generation;    /* bumped by ldap_pool_reset: older connections close when given back */
    int64_t down_until;     /* monotonic seconds: the directory failed, do not retry before */
    char last_error[512];   /* why the last connection failed (for logs and `provider test`) */
};
void ldap_pool_init(struct ldap_pool *pool);
/* Closes every idle connection (settings changed); busy ones close when given back. */
void ldap_pool_reset(struct ldap_pool *pool);
void ldap_pool_destroy(struct ldap_pool *pool);

/* Opens (connects, StartTLS, binds) a new connection: LDAP_SUCCESS or the
 * libldap error, with a description in why. */
int ldap_dir_connect(const struct ldap_conf *conf, LDAP **ld, char *why, size_t why_size);

/* One search on a pooled connection, retried once on a fresh connection when
 * the pooled one was stale. attrs NULL-terminated; sizelimit 0: none.
 * STATUS_SUCCESS (*res to free with ldap_msgfree; *ld_out the connection the
 * entries belong to, given back with ldap_pool_give), STATUS_NO_LOGON_SERVERS
 * when the directory cannot be reached, STATUS_UNSUCCESSFUL for other
 * failures (logged). */
NTSTATUS ldap_pool_search(struct ldap_pool *pool, const struct ldap_conf *conf, const char *base,
                          const char *filter, char **attrs, int sizelimit, LDAP **ld_out, LDAPMessage **res);
/* Every entry of a paged search (RFC 2696), at most max, handed to each()
 * one by one (return false to stop). Same statuses. */
NTSTATUS ldap_pool_search_paged(struct ldap_pool *pool, const struct ldap_conf *conf, const char *base,
                                const char *filter, char **attrs, unsigned max,
                                bool (*each)(LDAP *ld, LDAPMessage *entry, void *ctx), void *ctx);
void ldap_pool_give(struct ldap_pool *pool, LDAP *ld, bool broken);

/* The first value of attr in entry that check accepts (values are
 * untrusted: see ldap_values.h). */
bool ldap_entry_value(LDAP *ld, LDAPMessage *entry, const char *attr,
                      bool (*check)(const char *v, size_t len, void *out, size_t out_size), void *out,
                      size_t out_size);

int64_t ldap_now(void);

/* ---- Entries (ldap_entries.c) ----------------------------------------------- */

struct ldap_account;

/* The attributes a user search asks for (with sambaNTPassword: _hash, for
 * logons only) and a group search. NULL-terminated. */
extern char *ldap_user_attrs[];
extern char *ldap_user_attrs_hash[];
extern char *ldap_group_attrs[];

/* The algorithmic SID of a uid (group false) or gid (ldap_provider.h "SIDs"). */
void ldap_algorithmic_sid(const struct ldap_conf *conf, uint32_t id, bool group, struct sid *sid);
/* A posixAccount entry; false (and a log line) when it is unusable: no valid
 * uid, uidNumber or gidNumber, or an id ldap_conf_id_allowed refuses.
 * has_hash/hash and disabled may be NULL (not asked). */
bool ldap_parse_user(const struct ldap_conf *conf, LDAP *ld, LDAPMessage *e, struct ldap_account *a,
                     bool *has_hash, uint8_t hash[16], bool *disabled);
/* A posixGroup entry (at most LDAP_MAX_MEMBERS members kept). */
bool ldap_parse_group(const struct ldap_conf *conf, LDAP *ld, LDAPMessage *e, struct ldap_account *a);
NTSTATUS ldap_account_copy(const struct ldap_account *from, struct ldap_account *to);
/* The one entry filter finds: STATUS_NO_SUCH_USER / _GROUP when none, or
 * more than one (refused and logged), or an unusable one; the pool's
 * statuses otherwise. */
NTSTATUS ldap_fetch_user(struct ldap_pool *pool, const struct ldap_conf *conf, const char *filter,
                         struct ldap_account *a, bool *has_hash, uint8_t hash[16], bool *disabled);
NTSTATUS ldap_fetch_group(struct ldap_pool *pool, const struct ldap_conf *conf, const char *filter,
                          struct ldap_account *a);
/* "(&(objectClass=KLASS)(ATTR=VALUE))": name escaped (RFC 4515), or id when
 * name is NULL. false when name is too long or out too small. */
bool ldap_make_filter(char *out, size_t size, const char *klass, const char *attr, const char *name, uint32_t id);

#endif
