/* SMB2 leases ([MS-SMB2] 3.3.1.4 LeaseTable, 3.3.5.9.8 and 3.3.5.9.11
 * granting, 3.3.5.22.2 acknowledgment): the table of leases by ClientGuid
 * and LeaseKey, under engine->oplock_lock like the oplocks they stand
 * beside. Breaks are oplock.c's (its CREATE and write paths). No directory
 * leases: a directory open asking for a lease gets none. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "drivers/srv/server.h"

/* 2.2.14.2.10/.11 Flags. */
#define SMB2_LEASE_FLAG_BREAK_IN_PROGRESS 0x02u
#define SMB2_LEASE_FLAG_PARENT_LEASE_KEY_SET 0x04u

bool srv_lease_matches(const struct srv_lease *l, const struct srv_lease_request *req)
{
    return memcmp(l->key, req->key, 16) == 0 && memcmp(l->client_guid, req->client_guid, 16) == 0;
}

static struct srv_lease *find_locked(struct srv_engine *e, const uint8_t client_guid[16],
                                     const uint8_t key[16])
{
    for (struct srv_lease *l = e->leases; l; l = l->next)
        if (memcmp(l->key, key, 16) == 0 && memcmp(l->client_guid, client_guid, 16) == 0)
            return l;
    return NULL;
}

void srv_lease_release_locked(struct srv_engine *e, struct srv_lease *l)
{
    if (--l->opens > 0)
        return;
    for (struct srv_lease **pp = &e->leases; *pp; pp = &(*pp)->next)
        if (*pp == l) {
            *pp = l->next;
            break;
        }
    if (l->breaking)
        e->oplock_breaks--;
    free(l->file_key);
    free(l);
}

uint32_t srv_lease_grant(struct srv_open *o, struct srv_conn *conn, struct srv_session *session,
                         uint16_t *epoch, uint32_t *flags)
{
    struct srv_engine *e = o->engine;
    const struct srv_lease_request *req = &o->lease_req;
    /* Only R, RH, RW, RWH are leases (3.3.5.9.8: others get none). */
    uint32_t requested = req->state & (SRV_LEASE_R | SRV_LEASE_W | SRV_LEASE_H);
    if (!(requested & SRV_LEASE_R))
        requested = 0;
    *epoch = 0;
    *flags = 0;
    uint32_t granted = 0;
    pthread_mutex_lock(&e->oplock_lock);
    struct srv_lease *l = find_locked(e, req->client_guid, req->key);
    if (!o->oplock_listed || !requested || (l && strcasecmp(l->file_key, o->oplock_key) != 0)) {
        /* A key names one file: another file's key gets no lease. */
        if (l && l->version == 2)
            *epoch = l->epoch;
        goto out;
    }
    /* Other opens that are not this lease's: no W beside them, nothing
     * beside an exclusive or batch oplock. Stat opens do not count. */
    bool others = false, blocked = false;
    for (struct srv_open *h = e->oplock_opens[o->oplock_bucket]; h; h = h->oplock_next) {
        if (h == o || (l && h->lease == l) || h->stat_open ||
            strcasecmp(h->oplock_key, o->oplock_key) != 0)
            continue;
        others = true;
        if (h->oplock_level == SMB2_OPLOCK_LEVEL_EXCLUSIVE ||
            h->oplock_level == SMB2_OPLOCK_LEVEL_BATCH ||
            (h->lease && h->lease != l && (h->lease->state & SRV_LEASE_W)))
            blocked = true;
    }
    if (blocked)
        goto out;
    if (!l) {
        char *file_key = strdup(o->oplock_key);
        l = file_key ? calloc(1, sizeof *l) : NULL;
        if (!l) {
            free(file_key);
            goto out;
        }
        l->file_key = file_key;
        memcpy(l->client_guid, req->client_guid, 16);
        memcpy(l->key, req->key, 16);
        l->version = req->version;
        l->epoch = req->epoch; /* v2: incremented below, as for any change */
        l->state = 0;
        l->next = e->leases;
        e->leases = l;
    }
    if (req->has_parent) {
        l->has_parent = true;
        memcpy(l->parent_key, req->parent_key, 16);
    }
    /* A new lease (no W beside other opens), or an upgrade of this one to
     * a superset of its state while it is the file's only user and no
     * break is outstanding (never a sidegrade or a downgrade). */
    uint32_t want = l->state;
    if (!l->opens)
        want = others ? requested & ~SRV_LEASE_W : requested;
    else if (!others && !l->breaking && (requested & l->state) == l->state)
        want = requested;
    if (want != l->state) {
        l->state = want;
        if (l->version == 2)
            l->epoch++;
    }
    l->opens++;
    o->lease = l;
    o->oplock_level = SMB2_OPLOCK_LEVEL_LEASE;
    o->oplock_breaking = false;
    srv_conn_ref(conn);
    o->oplock_conn = conn;
    srv_session_ref(session);
    o->oplock_session = session;
    granted = l->state;
    *epoch = l->version == 2 ? l->epoch : 0;
    if (l->breaking)
        *flags |= SMB2_LEASE_FLAG_BREAK_IN_PROGRESS;
    if (l->has_parent && l->version == 2)
        *flags |= SMB2_LEASE_FLAG_PARENT_LEASE_KEY_SET;
out:
    pthread_mutex_unlock(&e->oplock_lock);
    return granted;
}

NTSTATUS srv_lease_ack(struct srv_engine *e, const uint8_t client_guid[16], const uint8_t key[16],
                       uint32_t state)
{
    struct srv_oplock_waiter *woken = NULL;
    NTSTATUS status = STATUS_SUCCESS;
    pthread_mutex_lock(&e->oplock_lock);
    struct srv_lease *l = find_locked(e, client_guid, key);
    if (!l) {
        status = STATUS_OBJECT_NAME_NOT_FOUND;
    } else if (!l->breaking) {
        status = STATUS_UNSUCCESSFUL;
    } else if (state & ~l->break_to) {
        status = STATUS_REQUEST_NOT_ACCEPTED;
    } else {
        l->state = state;
        l->breaking = false;
        e->oplock_breaks--;
        srv_oplock_take_waiters(e, l->file_key, &woken);
    }
    pthread_mutex_unlock(&e->oplock_lock);
    srv_oplock_wake(woken);
    return status;
}

NTSTATUS srv_lease_check(struct srv_engine *e, const struct srv_lease_request *req, const char *path)
{
    pthread_mutex_lock(&e->oplock_lock);
    struct srv_lease *l = find_locked(e, req->client_guid, req->key);
    bool other_file = l && strcasecmp(l->file_key, path) != 0;
    pthread_mutex_unlock(&e->oplock_lock);
    return other_file ? STATUS_INVALID_PARAMETER : STATUS_SUCCESS;
}
