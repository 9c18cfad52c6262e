/* Failed logons in the audit log (the Security event log), bounded: at
 * most audit.logon-failures-per-minute records a minute, so that a client
 * guessing passwords, however fast, adds a bounded number of rows (and the
 * table itself is bounded by audit.max-records). Those past the bound are
 * counted and reported in lsassd's log when the minute ends.
 *
 * A connection of its own to the registry, under its own lock: a write may
 * wait for another process's transaction, and settings reads (d->reg,
 * settings_lock) must not wait behind it. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "lib/log.h"
#include "lsass/daemon/lsassd.h"
#include "registry/registry.h"

struct lsassd_events {
    pthread_mutex_t lock;
    struct registry *reg;
    time_t window;      /* start of the current minute */
    unsigned recorded;  /* failures recorded in it */
    unsigned dropped;   /* failures past the bound in it */
};

struct lsassd_events *lsassd_events_open(const char *db_path)
{
    struct lsassd_events *e = calloc(1, sizeof *e);
    if (!e)
        return NULL;
    if (registry_open(db_path, &e->reg) != STATUS_SUCCESS) {
        log_warning("failed logons will not be audited: cannot open the registry");
        free(e);
        return NULL;
    }
    pthread_mutex_init(&e->lock, NULL);
    return e;
}

void lsassd_events_close(struct lsassd_events *e)
{
    if (!e)
        return;
    registry_close(e->reg);
    pthread_mutex_destroy(&e->lock);
    free(e);
}

void lsassd_audit_logon_failure(struct lsassd_events *e, const char *account, const char *client,
                                NTSTATUS status)
{
    if (!e)
        return;
    pthread_mutex_lock(&e->lock);
    time_t now = time(NULL);
    if (now - e->window >= 60) {
        if (e->dropped)
            log_warning("%u failed logons in the last minute were not audited "
                        "(audit.logon-failures-per-minute)", e->dropped);
        e->window = now;
        e->recorded = e->dropped = 0;
    }
    uint32_t limit = 60;
    registry_setting_get_dword(e->reg, "audit.logon-failures-per-minute", &limit);
    if (e->recorded >= limit) {
        e->dropped++;
        pthread_mutex_unlock(&e->lock);
        return;
    }
    e->recorded++;
    char detail[160];
    snprintf(detail, sizeof detail, "%s from %s", nt_status_name(status), client && *client ? client : "?");
    const struct audit_actor actor = { "daemon", (uid_t)-1, "lsassd", client && *client ? client : NULL };
    NTSTATUS recorded = registry_audit_refused(e->reg, &actor, "logon.failure", account, detail);
    pthread_mutex_unlock(&e->lock);
    if (recorded != STATUS_SUCCESS)
        log_debug("cannot audit a failed logon: %s", nt_status_name(recorded));
}
