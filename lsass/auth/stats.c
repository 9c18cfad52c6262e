/* Logon counters for the metrics endpoint (auth.h, docs/metrics.md).
 *
 * A handful of relaxed atomics in a fixed table: a logon is counted once,
 * when it ends, by lsassd; an account locking out is counted by the provider
 * that locks it. Providers are few and their names fixed ("local", "krb5",
 * "ldap", "ad", "anonymous", "none"), so a small table with a catch-all is
 * enough and nothing is ever allocated. */
#include <stdatomic.h>
#include <string.h>

#include "lib/samples.h"
#include "lsass/auth/auth.h"

#define PROVIDER_SLOTS 8

static const char *const reason_names[LSA_STATS_REASONS] = {
    [LSA_STATS_BAD_CREDENTIALS] = "bad_credentials",
    [LSA_STATS_LOCKED_OUT] = "locked_out",
    [LSA_STATS_ACCOUNT_RESTRICTED] = "account_restricted",
    [LSA_STATS_OTHER] = "other",
};

static struct {
    atomic_uintptr_t name; /* const char * with static storage; 0: free slot */
    atomic_uint_fast64_t successes;
    atomic_uint_fast64_t failures[LSA_STATS_REASONS];
    atomic_uint_fast64_t lockouts;
} slots[PROVIDER_SLOTS];

/* The slot of a provider name (a string literal or a provider's ops->name,
 * which live as long as the program); the last slot takes "other". */
static unsigned slot_of(const char *name)
{
    if (!name)
        name = "none";
    for (unsigned i = 0; i < PROVIDER_SLOTS - 1; i++) {
        uintptr_t have = atomic_load(&slots[i].name);
        if (have == 0) {
            uintptr_t expected = 0;
            if (atomic_compare_exchange_strong(&slots[i].name, &expected, (uintptr_t)name))
                return i;
            have = expected;
        }
        if (strcmp((const char *)have, name) == 0)
            return i;
    }
    uintptr_t expected = 0;
    atomic_compare_exchange_strong(&slots[PROVIDER_SLOTS - 1].name, &expected, (uintptr_t) "other");
    return PROVIDER_SLOTS - 1;
}

enum lsa_stats_reason lsa_stats_reason_of(NTSTATUS status)
{
    switch (status) {
    case STATUS_LOGON_FAILURE:
    case STATUS_WRONG_PASSWORD:
    case STATUS_NO_SUCH_USER:
        return LSA_STATS_BAD_CREDENTIALS;
    case STATUS_ACCOUNT_LOCKED_OUT:
        return LSA_STATS_LOCKED_OUT;
    case STATUS_ACCOUNT_DISABLED:
    case STATUS_ACCOUNT_RESTRICTION:
    case STATUS_ACCOUNT_EXPIRED:
    case STATUS_INVALID_LOGON_HOURS:
    case STATUS_INVALID_WORKSTATION:
    case STATUS_PASSWORD_EXPIRED:
    case STATUS_PASSWORD_MUST_CHANGE:
        return LSA_STATS_ACCOUNT_RESTRICTED;
    default:
        return LSA_STATS_OTHER;
    }
}

void lsa_stats_logon(const char *provider, NTSTATUS status)
{
    unsigned i = slot_of(provider);
    if (NT_SUCCESS(status))
        atomic_fetch_add_explicit(&slots[i].successes, 1, memory_order_relaxed);
    else
        atomic_fetch_add_explicit(&slots[i].failures[lsa_stats_reason_of(status)], 1,
                                  memory_order_relaxed);
}

void lsa_stats_lockout(const char *provider)
{
    atomic_fetch_add_explicit(&slots[slot_of(provider)].lockouts, 1, memory_order_relaxed);
}

void lsa_stats_samples(struct sample_list *l)
{
    for (unsigned i = 0; i < PROVIDER_SLOTS; i++) {
        const char *name = (const char *)atomic_load(&slots[i].name);
        if (!name)
            continue;
        sample_add(l, "lsass_logons_total",
                   (double)atomic_load_explicit(&slots[i].successes, memory_order_relaxed),
                   "provider", name, NULL);
        for (unsigned r = 0; r < LSA_STATS_REASONS; r++)
            sample_add(l, "lsass_logon_failures_total",
                       (double)atomic_load_explicit(&slots[i].failures[r], memory_order_relaxed),
                       "provider", name, "reason", reason_names[r], NULL);
        sample_add(l, "lsass_lockouts_total",
                   (double)atomic_load_explicit(&slots[i].lockouts, memory_order_relaxed),
                   "provider", name, NULL);
    }
}
