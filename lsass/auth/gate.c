/* The failed-logon gate: one logon at a time per account name, and a failed
 * one holds the gate for the configured delay.
 *
 * Why inside the serialisation: a delay that each attempt waits on its own
 * is bypassed by sending attempts in parallel. Holding the account's gate
 * while delaying makes the delays add up, and it also keeps the
 * read-check-update of the bad-password count to one logon at a time.
 *
 * Why a bound: each logon held here holds a thread in lsassd and, behind it,
 * a worker thread in lwiod (which has few). Unbounded, an attacker who sends
 * wrong passwords in parallel (many accounts, or one account many times)
 * would park every worker in a delay. So at most max_held logons wait here
 * at once, counting both kinds of waiting: sleeping out the delay, and
 * queueing for a busy account. Beyond the bound a failure is answered
 * without its delay (its password was checked and counted, so the lockout
 * policy still bounds guessing), and a logon that would queue is refused at
 * once without looking at its password. */
#include "lsass/auth/auth.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/utf16.h"

struct lsa_gate_entry {
    struct lsa_gate_entry *next;
    char *key;           /* upper-cased account name */
    unsigned users;      /* holders plus waiters; the entry goes when 0 */
    bool busy;
    pthread_cond_t free;
};

static pthread_mutex_t gate_lock = PTHREAD_MUTEX_INITIALIZER;
static struct lsa_gate_entry *gate_entries;
static unsigned gate_held; /* logons waiting or delaying right now (gate_lock) */

/* Drops e's use; frees it when nobody holds or waits for it (gate_lock held). */
static void release_locked(struct lsa_gate_entry *e)
{
    if (--e->users == 0) {
        struct lsa_gate_entry **p = &gate_entries;
        while (*p != e)
            p = &(*p)->next;
        *p = e->next;
        pthread_cond_destroy(&e->free);
        free(e->key);
        free(e);
    }
}

NTSTATUS lsa_gate_enter(const char *account_name, uint32_t max_held, struct lsa_gate_entry **entry)
{
    *entry = NULL;
    char *key = utf8_upper(account_name ? account_name : "");
    if (!key)
        return STATUS_NO_MEMORY;
    pthread_mutex_lock(&gate_lock);
    struct lsa_gate_entry *e = gate_entries;
    while (e && strcmp(e->key, key) != 0)
        e = e->next;
    if (!e) {
        e = calloc(1, sizeof *e);
        if (!e) {
            pthread_mutex_unlock(&gate_lock);
            free(key);
            return STATUS_NO_MEMORY;
        }
        e->key = key;
        key = NULL;
        pthread_cond_init(&e->free, NULL);
        e->next = gate_entries;
        gate_entries = e;
    }
    e->users++;
    if (e->busy) {
        if (gate_held >= max_held) {
            release_locked(e);
            pthread_mutex_unlock(&gate_lock);
            free(key);
            return STATUS_INSUFF_SERVER_RESOURCES;
        }
        gate_held++;
        while (e->busy)
            pthread_cond_wait(&e->free, &gate_lock);
        gate_held--;
    }
    e->busy = true;
    pthread_mutex_unlock(&gate_lock);
    free(key);
    *entry = e;
    return STATUS_SUCCESS;
}

bool lsa_gate_leave(struct lsa_gate_entry *e, uint32_t delay_ms, uint32_t max_held)
{
    if (!e)
        return false;
    bool delayed = false;
    if (delay_ms) {
        pthread_mutex_lock(&gate_lock);
        delayed = gate_held < max_held;
        if (delayed)
            gate_held++;
        pthread_mutex_unlock(&gate_lock);
    }
    if (delayed) {
        struct timespec ts = { delay_ms / 1000, (long)(delay_ms % 1000) * 1000000L };
        while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
            ;
    }
    pthread_mutex_lock(&gate_lock);
    if (delayed)
        gate_held--;
    e->busy = false;
    if (e->users > 1)
        pthread_cond_signal(&e->free);
    release_locked(e);
    pthread_mutex_unlock(&gate_lock);
    return delayed;
}
