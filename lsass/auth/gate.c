/* The failed-logon gate: one logon at a time per account name, and a failed
 * one holds the gate for the configured delay.
 *
 * Why inside the serialisation: a delay that each attempt waits on its own
 * is bypassed by sending attempts in parallel. Holding the account's gate
 * while delaying makes the delays add up, and it also keeps the
 * read-check-update of the bad-password count to one logon at a time. */
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

struct lsa_gate_entry *lsa_gate_enter(const char *account_name)
{
    char *key = utf8_upper(account_name ? account_name : "");
    if (!key)
        return NULL;
    pthread_mutex_lock(&gate_lock);
    struct lsa_gate_entry *e = gate_entries;
    while (e && strcmp(e->key, key) != 0)
        e = e->next;
    if (!e) {
        e = calloc(1, sizeof *e);
        if (!e) {
            pthread_mutex_unlock(&gate_lock);
            free(key);
            return NULL;
        }
        e->key = key;
        key = NULL;
        pthread_cond_init(&e->free, NULL);
        e->next = gate_entries;
        gate_entries = e;
    }
    e->users++;
    while (e->busy)
        pthread_cond_wait(&e->free, &gate_lock);
    e->busy = true;
    pthread_mutex_unlock(&gate_lock);
    free(key);
    return e;
}

void lsa_gate_leave(struct lsa_gate_entry *e, uint32_t delay_ms)
{
    if (!e)
        return;
    if (delay_ms) {
        struct timespec ts = { delay_ms / 1000, (long)(delay_ms % 1000) * 1000000L };
        while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
            ;
    }
    pthread_mutex_lock(&gate_lock);
    e->busy = false;
    if (--e->users == 0) {
        struct lsa_gate_entry **p = &gate_entries;
        while (*p != e)
            p = &(*p)->next;
        *p = e->next;
        pthread_cond_destroy(&e->free);
        free(e->key);
        free(e);
    } else {
        pthread_cond_signal(&e->free);
    }
    pthread_mutex_unlock(&gate_lock);
}
