/* SMB2 leases as SMB knows them ([MS-SMB2] 3.3.1.4 LeaseTable): by
 * ClientGuid and LeaseKey, the version, the epoch (2.2.13.2.10: it counts
 * every change of state, v2 only), the parent key and the state last told
 * to the client; under engine->oplock_lock. The lease itself (who else
 * holds what, what breaks it) is pvfs's, on the file's node; srv's record
 * lives while an open of the key does. No directory leases (pvfs grants
 * none on a directory). */
#include <stdlib.h>
#include <string.h>

#include "drivers/srv/server.h"

struct srv_lease *srv_lease_find_locked(struct srv_engine *e, const uint8_t client_guid[16],
                                        const uint8_t key[16])
{
    for (struct srv_lease *l = e->leases; l; l = l->next)
        if (memcmp(l->key, key, 16) == 0 && memcmp(l->client_guid, client_guid, 16) == 0)
            return l;
    return NULL;
}

struct srv_lease *srv_lease_join_locked(struct srv_engine *e, struct srv_open *o, uint32_t state)
{
    const struct srv_lease_request *req = &o->lease_req;
    struct srv_lease *l = srv_lease_find_locked(e, req->client_guid, req->key);
    if (!l) {
        l = calloc(1, sizeof *l);
        if (!l)
            return NULL;
        memcpy(l->client_guid, req->client_guid, 16);
        memcpy(l->key, req->key, 16);
        l->version = req->version;
        l->epoch = req->epoch; /* v2: counted on below, as for any change */
        l->next = e->leases;
        e->leases = l;
    }
    if (req->has_parent) {
        l->has_parent = true;
        memcpy(l->parent_key, req->parent_key, 16);
    }
    if (state != l->state) {
        l->state = state;
        if (l->version == 2)
            l->epoch++;
    }
    o->lease = l;
    o->lease_next = l->opens;
    l->opens = o;
    return l;
}

void srv_lease_leave_locked(struct srv_engine *e, struct srv_open *o)
{
    struct srv_lease *l = o->lease;
    if (!l)
        return;
    o->lease = NULL;
    for (struct srv_open **pp = &l->opens; *pp; pp = &(*pp)->lease_next)
        if (*pp == o) {
            *pp = o->lease_next;
            break;
        }
    o->lease_next = NULL;
    if (l->opens)
        return;
    for (struct srv_lease **pp = &e->leases; *pp; pp = &(*pp)->next)
        if (*pp == l) {
            *pp = l->next;
            break;
        }
    free(l);
}
