/* srv's live state for srvsvc (live.h): the id map, the conversion of
 * srvctl's records, and the calls through srvctl. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/access.h"
#include "lib/log.h"
#include "srvsvc/live.h"

/* ---- The id map ---- */

void srvsvc_idmap_init(struct srvsvc_idmap *map)
{
    memset(map, 0, sizeof *map);
    map->next_id = 1;
}

void srvsvc_idmap_free(struct srvsvc_idmap *map)
{
    free(map->entries);
    memset(map, 0, sizeof *map);
}

void srvsvc_idmap_begin(struct srvsvc_idmap *map)
{
    map->generation++;
}

static bool id_in_use(const struct srvsvc_idmap *map, uint32_t id)
{
    for (size_t i = 0; i < map->count; i++)
        if (map->entries[i].id == id)
            return true;
    return false;
}

uint32_t srvsvc_idmap_id(struct srvsvc_idmap *map, enum srvsvc_live_kind kind, uint64_t session_id,
                         uint64_t object_id)
{
    for (size_t i = 0; i < map->count; i++) {
        struct srvsvc_idmap_entry *e = &map->entries[i];
        if (e->kind == kind && e->session_id == session_id && e->object_id == object_id) {
            e->generation = map->generation;
            return e->id;
        }
    }
    if (map->count >= SRVSVC_IDMAP_MAX)
        return 0;
    if (map->count == map->capacity) {
        size_t capacity = map->capacity ? map->capacity * 2 : 64;
        struct srvsvc_idmap_entry *grown = realloc(map->entries, capacity * sizeof *grown);
        if (!grown)
            return 0;
        map->entries = grown;
        map->capacity = capacity;
    }
    /* Ids count up and skip 0; after 2^32 of them, one still in use is
     * skipped (the map holds far fewer than 2^32, so one is free soon). */
    uint32_t id = map->next_id;
    while (id == 0 || id_in_use(map, id))
        id++;
    map->next_id = id + 1;
    map->entries[map->count++] = (struct srvsvc_idmap_entry){
        .session_id = session_id, .object_id = object_id, .id = id, .generation = map->generation, .kind = kind,
    };
    return id;
}

void srvsvc_idmap_end(struct srvsvc_idmap *map, enum srvsvc_live_kind kind)
{
    size_t kept = 0;
    for (size_t i = 0; i < map->count; i++) {
        const struct srvsvc_idmap_entry *e = &map->entries[i];
        if (e->kind == kind && e->generation != map->generation)
            continue;
        map->entries[kept++] = *e;
    }
    map->count = kept;
}

bool srvsvc_idmap_find(const struct srvsvc_idmap *map, enum srvsvc_live_kind kind, uint32_t id,
                       uint64_t *session_id, uint64_t *object_id)
{
    if (id == 0)
        return false;
    for (size_t i = 0; i < map->count; i++) {
        const struct srvsvc_idmap_entry *e = &map->entries[i];
        if (e->kind == kind && e->id == id) {
            *session_id = e->session_id;
            *object_id = e->object_id;
            return true;
        }
    }
    return false;
}

/* ---- Records ---- */

/* Seconds since a Unix time srv gave (0: srv does not know). */
static uint32_t age(time_t now, int64_t then)
{
    if (then <= 0 || (int64_t)now <= then)
        return 0;
    int64_t seconds = (int64_t)now - then;
    return seconds > UINT32_MAX ? UINT32_MAX : (uint32_t)seconds;
}

static char *dup(struct ndr_arena *arena, const char *s)
{
    return ndr_arena_strdup(arena, s ? s : "");
}

NTSTATUS srvsvc_live_sessions_from(struct srvsvc_idmap *map, struct ndr_arena *arena, time_t now,
                                   const struct srvctl_session *in, size_t n, struct srvsvc_session **out)
{
    struct srvsvc_session *s = ndr_arena_array(arena, n ? n : 1, sizeof *s);
    if (!s)
        return STATUS_NO_MEMORY;
    for (size_t i = 0; i < n; i++) {
        char type[32];
        snprintf(type, sizeof type, "SMB %s", srvctl_dialect_name(in[i].dialect));
        s[i].id = srvsvc_idmap_id(map, SRVSVC_LIVE_SESSION, in[i].id, 0);
        s[i].client = dup(arena, in[i].client);
        /* Windows names the account alone (sesi10_username); the domain is
         * this server's. */
        s[i].user = dup(arena, in[i].user);
        s[i].num_opens = in[i].open_count;
        s[i].time = age(now, in[i].logon_time);
        s[i].idle_time = age(now, in[i].last_active_time);
        s[i].user_flags = (in[i].flags & SRVCTL_SESSION_GUEST) ? SESS_GUEST : 0;
        s[i].client_type = dup(arena, type);
        s[i].transport = dup(arena, "TCP");
        if (!s[i].client || !s[i].user || !s[i].client_type || !s[i].transport)
            return STATUS_NO_MEMORY;
    }
    *out = s;
    return STATUS_SUCCESS;
}

static uint32_t share_type(uint32_t srvctl_type)
{
    switch (srvctl_type) {
    case SRVCTL_SHARE_PIPE: return STYPE_IPC;
    case SRVCTL_SHARE_PRINT: return STYPE_PRINTQ;
    default: return STYPE_DISKTREE;
    }
}

NTSTATUS srvsvc_live_connections_from(struct srvsvc_idmap *map, struct ndr_arena *arena, time_t now,
                                      const struct srvctl_connection *in, size_t n,
                                      struct srvsvc_connection **out)
{
    struct srvsvc_connection *c = ndr_arena_array(arena, n ? n : 1, sizeof *c);
    if (!c)
        return STATUS_NO_MEMORY;
    for (size_t i = 0; i < n; i++) {
        c[i].id = srvsvc_idmap_id(map, SRVSVC_LIVE_CONNECTION, in[i].session_id, in[i].tree_id);
        c[i].share = dup(arena, in[i].share);
        c[i].share_type = share_type(in[i].share_type);
        c[i].client = dup(arena, in[i].client);
        c[i].user = dup(arena, in[i].user);
        c[i].num_opens = in[i].open_count;
        c[i].time = age(now, in[i].connect_time);
        if (!c[i].share || !c[i].client || !c[i].user)
            return STATUS_NO_MEMORY;
    }
    *out = c;
    return STATUS_SUCCESS;
}

/* A pipe as Windows lists it: "\PIPE\srvsvc" (srv names it "srvsvc" or
 * "\srvsvc" on IPC$). */
static char *pipe_path(struct ndr_arena *arena, const char *name)
{
    while (*name == '\\')
        name++;
    size_t len = strlen(name);
    char *s = ndr_arena_alloc(arena, len + 7);
    if (s) {
        memcpy(s, "\\PIPE\\", 6);
        memcpy(s + 6, name, len + 1);
    }
    return s;
}

NTSTATUS srvsvc_live_files_from(struct srvsvc_idmap *map, struct ndr_arena *arena,
                                const struct srvctl_file *in, size_t n, struct srvsvc_file **out)
{
    struct srvsvc_file *f = ndr_arena_array(arena, n ? n : 1, sizeof *f);
    if (!f)
        return STATUS_NO_MEMORY;
    for (size_t i = 0; i < n; i++) {
        bool pipe = in[i].flags & SRVCTL_FILE_PIPE;
        f[i].id = srvsvc_idmap_id(map, SRVSVC_LIVE_FILE, in[i].session_id, in[i].id);
        f[i].path = pipe ? pipe_path(arena, in[i].path ? in[i].path : "") : dup(arena, in[i].local_path);
        f[i].share = dup(arena, in[i].share);
        f[i].user = dup(arena, in[i].user);
        /* [MS-SRVS] 2.2.4.7: what the open may do, from its granted access. */
        uint32_t access = in[i].granted_access;
        f[i].permissions = ((access & (FILE_READ_DATA | FILE_EXECUTE)) ? PERM_FILE_READ : 0) |
                           ((access & (FILE_WRITE_DATA | FILE_APPEND_DATA)) ? PERM_FILE_WRITE : 0);
        f[i].num_locks = in[i].lock_count;
        if (!f[i].path || !f[i].share || !f[i].user)
            return STATUS_NO_MEMORY;
    }
    *out = f;
    return STATUS_SUCCESS;
}

/* ---- Through srvctl ---- */

NTSTATUS srvsvc_live_init(struct srvsvc_live *live, const char *db_path)
{
    memset(live, 0, sizeof *live);
    live->db_path = db_path ? strdup(db_path) : NULL;
    if (db_path && !live->db_path)
        return STATUS_NO_MEMORY;
    pthread_mutex_init(&live->lock, NULL);
    srvsvc_idmap_init(&live->map);
    return STATUS_SUCCESS;
}

void srvsvc_live_destroy(struct srvsvc_live *live)
{
    srvsvc_idmap_free(&live->map);
    pthread_mutex_destroy(&live->lock);
    free(live->db_path);
}

/* A connection to srv, or NULL with STATUS_SUCCESS when it does not run. */
static NTSTATUS live_open(struct srvsvc_live *live, struct srvctl **ctl)
{
    NTSTATUS status = srvctl_open(live->db_path, ctl);
    if (srvctl_server_not_running(status)) {
        *ctl = NULL;
        return STATUS_SUCCESS;
    }
    if (status != STATUS_SUCCESS)
        log_warning("srvsvc: cannot ask the SMB server for its live state: %s", nt_status_name(status));
    return status;
}

NTSTATUS srvsvc_live_sessions(struct srvsvc_live *live, struct ndr_arena *arena, struct srvsvc_session **out,
                              size_t *count)
{
    *out = NULL;
    *count = 0;
    struct srvctl *ctl;
    struct srvctl_session *list = NULL;
    size_t n = 0;
    NTSTATUS status = live_open(live, &ctl);
    if (status == STATUS_SUCCESS && ctl)
        status = srvctl_sessions(ctl, &list, &n);
    srvctl_close(ctl);
    if (status == STATUS_SUCCESS) {
        pthread_mutex_lock(&live->lock);
        srvsvc_idmap_begin(&live->map);
        status = srvsvc_live_sessions_from(&live->map, arena, time(NULL), list, n, out);
        if (status == STATUS_SUCCESS)
            srvsvc_idmap_end(&live->map, SRVSVC_LIVE_SESSION);
        pthread_mutex_unlock(&live->lock);
    }
    if (status == STATUS_SUCCESS)
        *count = n;
    srvctl_sessions_free(list, n);
    return status;
}

NTSTATUS srvsvc_live_connections(struct srvsvc_live *live, struct ndr_arena *arena,
                                 struct srvsvc_connection **out, size_t *count)
{
    *out = NULL;
    *count = 0;
    struct srvctl *ctl;
    struct srvctl_connection *list = NULL;
    size_t n = 0;
    NTSTATUS status = live_open(live, &ctl);
    if (status == STATUS_SUCCESS && ctl)
        status = srvctl_connections(ctl, &list, &n);
    srvctl_close(ctl);
    if (status == STATUS_SUCCESS) {
        pthread_mutex_lock(&live->lock);
        srvsvc_idmap_begin(&live->map);
        status = srvsvc_live_connections_from(&live->map, arena, time(NULL), list, n, out);
        if (status == STATUS_SUCCESS)
            srvsvc_idmap_end(&live->map, SRVSVC_LIVE_CONNECTION);
        pthread_mutex_unlock(&live->lock);
    }
    if (status == STATUS_SUCCESS)
        *count = n;
    srvctl_connections_free(list, n);
    return status;
}

NTSTATUS srvsvc_live_files(struct srvsvc_live *live, struct ndr_arena *arena, struct srvsvc_file **out,
                           size_t *count)
{
    *out = NULL;
    *count = 0;
    struct srvctl *ctl;
    struct srvctl_file *list = NULL;
    size_t n = 0;
    NTSTATUS status = live_open(live, &ctl);
    if (status == STATUS_SUCCESS && ctl)
        status = srvctl_files(ctl, &list, &n);
    srvctl_close(ctl);
    if (status == STATUS_SUCCESS) {
        pthread_mutex_lock(&live->lock);
        srvsvc_idmap_begin(&live->map);
        status = srvsvc_live_files_from(&live->map, arena, list, n, out);
        if (status == STATUS_SUCCESS)
            srvsvc_idmap_end(&live->map, SRVSVC_LIVE_FILE);
        pthread_mutex_unlock(&live->lock);
    }
    if (status == STATUS_SUCCESS)
        *count = n;
    srvctl_files_free(list, n);
    return status;
}

static NTSTATUS live_close(struct srvsvc_live *live, enum srvsvc_live_kind kind, uint32_t id, uint64_t *session_id,
                           uint64_t *object_id)
{
    *session_id = *object_id = 0;
    pthread_mutex_lock(&live->lock);
    bool found = srvsvc_idmap_find(&live->map, kind, id, session_id, object_id);
    pthread_mutex_unlock(&live->lock);
    if (!found)
        return STATUS_OBJECT_NAME_NOT_FOUND;
    struct srvctl *ctl;
    NTSTATUS status = live_open(live, &ctl);
    if (status == STATUS_SUCCESS && !ctl)
        return STATUS_OBJECT_NAME_NOT_FOUND;
    if (status == STATUS_SUCCESS)
        status = kind == SRVSVC_LIVE_SESSION ? srvctl_close_session(ctl, *session_id)
                                             : srvctl_close_file(ctl, *session_id, *object_id);
    srvctl_close(ctl);
    return status == STATUS_NOT_FOUND ? STATUS_OBJECT_NAME_NOT_FOUND : status;
}

NTSTATUS srvsvc_live_close_session(struct srvsvc_live *live, uint32_t id, uint64_t *session_id)
{
    uint64_t unused;
    return live_close(live, SRVSVC_LIVE_SESSION, id, session_id, &unused);
}

NTSTATUS srvsvc_live_close_file(struct srvsvc_live *live, uint32_t id, uint64_t *session_id, uint64_t *file_id)
{
    return live_close(live, SRVSVC_LIVE_FILE, id, session_id, file_id);
}

NTSTATUS srvsvc_live_reload_shares(struct srvsvc_live *live)
{
    struct srvctl *ctl;
    NTSTATUS status = live_open(live, &ctl);
    if (status == STATUS_SUCCESS && ctl)
        status = srvctl_reload_shares(ctl, NULL);
    srvctl_close(ctl);
    return status;
}
