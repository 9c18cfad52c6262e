/* Inside srvsvc/: srv's live state (sessions, tree connects, open files)
 * in srvsvc's terms, through the srvctl library (srvctl/srvctl.h).
 *
 * srv names a session by a 64-bit id, and a tree connect or an open by a
 * 32/64-bit id unique within its session; srvsvc's wire has one 32-bit id
 * per connection or file (coni1_id, fi3_id, NetrFileClose's FileId). The
 * id map gives each (kind, session, object) a small number when it is first
 * listed and keeps it while srv still lists it, so an id a client read in
 * NetrFileEnum still names that open in NetrFileClose, and never another
 * one while srvsvcd runs (ids are not reused until 2^32 have been given). */
#ifndef SW_SRVSVC_LIVE_H
#define SW_SRVSVC_LIVE_H

#include <pthread.h>
#include <stdint.h>
#include <time.h>

#include "srvctl/srvctl.h"
#include "srvsvc/srvsvc.h"

enum srvsvc_live_kind { SRVSVC_LIVE_SESSION, SRVSVC_LIVE_CONNECTION, SRVSVC_LIVE_FILE };

struct srvsvc_idmap_entry {
    uint64_t session_id;
    uint64_t object_id; /* 0 for a session */
    uint32_t id;
    uint32_t generation; /* the last listing that showed it */
    uint8_t kind;
};

/* Not thread-safe: the owner locks. */
struct srvsvc_idmap {
    struct srvsvc_idmap_entry *entries;
    size_t count, capacity;
    uint32_t next_id;
    uint32_t generation;
};

/* Most objects mapped at once; past it, new objects get id 0 (listed, but
 * not closable by id) until old ones go away. */
#define SRVSVC_IDMAP_MAX (1u << 20)

void srvsvc_idmap_init(struct srvsvc_idmap *map);
void srvsvc_idmap_free(struct srvsvc_idmap *map);
/* Starts a listing of kind: ids given or confirmed until srvsvc_idmap_end
 * belong to this listing. */
void srvsvc_idmap_begin(struct srvsvc_idmap *map);
/* The id of an object (given now if new; 0 if the map is full). */
uint32_t srvsvc_idmap_id(struct srvsvc_idmap *map, enum srvsvc_live_kind kind, uint64_t session_id,
                         uint64_t object_id);
/* Ends a complete listing of kind: objects of that kind it did not show are
 * gone from srv, and their ids are forgotten. */
void srvsvc_idmap_end(struct srvsvc_idmap *map, enum srvsvc_live_kind kind);
/* The object an id names; false if none (never given, or forgotten). */
bool srvsvc_idmap_find(const struct srvsvc_idmap *map, enum srvsvc_live_kind kind, uint32_t id,
                       uint64_t *session_id, uint64_t *object_id);

/* srvctl records as srvsvc's, ids from map (which the caller holds),
 * strings in arena; now is the current Unix time (for the ages). A share
 * type is srvsvc's STYPE_*; a pipe's path is "\PIPE\name". */
NTSTATUS srvsvc_live_sessions_from(struct srvsvc_idmap *map, struct ndr_arena *arena, time_t now,
                                   const struct srvctl_session *in, size_t n, struct srvsvc_session **out);
NTSTATUS srvsvc_live_connections_from(struct srvsvc_idmap *map, struct ndr_arena *arena, time_t now,
                                      const struct srvctl_connection *in, size_t n,
                                      struct srvsvc_connection **out);
NTSTATUS srvsvc_live_files_from(struct srvsvc_idmap *map, struct ndr_arena *arena,
                                const struct srvctl_file *in, size_t n, struct srvsvc_file **out);

/* The running server of a registry, asked through srvctl (one connection to
 * lwiod per call, so lwiod may restart between calls). Thread-safe. When
 * the server does not run (srvsvcd --stdio without lwiod), the lists are
 * empty and nothing is found to close. */
struct srvsvc_live {
    char *db_path;
    pthread_mutex_t lock; /* the map */
    struct srvsvc_idmap map;
};

NTSTATUS srvsvc_live_init(struct srvsvc_live *live, const char *db_path);
void srvsvc_live_destroy(struct srvsvc_live *live);
NTSTATUS srvsvc_live_sessions(struct srvsvc_live *live, struct ndr_arena *arena, struct srvsvc_session **out,
                              size_t *count);
NTSTATUS srvsvc_live_connections(struct srvsvc_live *live, struct ndr_arena *arena,
                                 struct srvsvc_connection **out, size_t *count);
NTSTATUS srvsvc_live_files(struct srvsvc_live *live, struct ndr_arena *arena, struct srvsvc_file **out,
                           size_t *count);
/* Close what srvsvc's id names; *session_id and *file_id get srv's own ids
 * (what lwadmin shows), for the audit log. STATUS_OBJECT_NAME_NOT_FOUND
 * for an id that names nothing (any more). */
NTSTATUS srvsvc_live_close_session(struct srvsvc_live *live, uint32_t id, uint64_t *session_id);
NTSTATUS srvsvc_live_close_file(struct srvsvc_live *live, uint32_t id, uint64_t *session_id, uint64_t *file_id);
/* Tells srv the share database changed (a deleted share's tree connects go);
 * not running is not an error. */
NTSTATUS srvsvc_live_reload_shares(struct srvsvc_live *live);

#endif
