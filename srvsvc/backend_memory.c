/* An in-memory srvsvc back end: shares, sessions, tree connects and open
 * files kept in arrays. For tests and for srvsvcd --stdio, and the model a
 * real back end follows (copies into the caller's arena; NTSTATUS reasons). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "srvsvc/srvsvc.h"

struct srvsvc_memory {
    struct srvsvc_share *shares;
    size_t share_count;
    struct srvsvc_session *sessions;
    size_t session_count;
    struct srvsvc_connection *conns;
    size_t conn_count;
    struct srvsvc_file *files;
    size_t file_count;
    struct srvsvc_server_info info;
};

static char *dup_or_null(const char *s) { return s ? strdup(s) : NULL; }

/* Grows an array of elem-sized items by one; NULL on failure. */
static void *append(void **array, size_t *count, size_t elem)
{
    void *grown = realloc(*array, (*count + 1) * elem);
    if (!grown)
        return NULL;
    *array = grown;
    void *slot = (uint8_t *)grown + *count * elem;
    memset(slot, 0, elem);
    (*count)++;
    return slot;
}

static void share_clear(struct srvsvc_share *s)
{
    free(s->name);
    free(s->path);
    free(s->comment);
    free(s->security_descriptor);
}

static NTSTATUS share_copy_in(struct srvsvc_share *dst, const struct srvsvc_share *src)
{
    *dst = *src;
    dst->name = dup_or_null(src->name);
    dst->path = dup_or_null(src->path ? src->path : "");
    dst->comment = dup_or_null(src->comment ? src->comment : "");
    dst->security_descriptor = NULL;
    dst->security_descriptor_len = 0;
    if (src->security_descriptor && src->security_descriptor_len) {
        dst->security_descriptor = malloc(src->security_descriptor_len);
        if (dst->security_descriptor) {
            memcpy(dst->security_descriptor, src->security_descriptor, src->security_descriptor_len);
            dst->security_descriptor_len = src->security_descriptor_len;
        }
    }
    if (!dst->name || !dst->path || !dst->comment ||
        (src->security_descriptor_len && !dst->security_descriptor)) {
        share_clear(dst);
        return STATUS_NO_MEMORY;
    }
    return STATUS_SUCCESS;
}

static bool share_copy_out(struct ndr_arena *arena, struct srvsvc_share *dst, const struct srvsvc_share *src)
{
    *dst = *src;
    dst->name = ndr_arena_strdup(arena, src->name);
    dst->path = ndr_arena_strdup(arena, src->path);
    dst->comment = ndr_arena_strdup(arena, src->comment);
    if (src->security_descriptor_len) {
        dst->security_descriptor = ndr_arena_alloc(arena, src->security_descriptor_len);
        if (!dst->security_descriptor)
            return false;
        memcpy(dst->security_descriptor, src->security_descriptor, src->security_descriptor_len);
    }
    return dst->name && dst->path && dst->comment;
}

static struct srvsvc_share *find_share(struct srvsvc_memory *m, const char *name)
{
    for (size_t i = 0; name && i < m->share_count; i++)
        if (strcasecmp(m->shares[i].name, name) == 0)
            return &m->shares[i];
    return NULL;
}

static NTSTATUS mem_share_enum(void *ctx, struct ndr_arena *arena, struct srvsvc_share **shares, size_t *count)
{
    struct srvsvc_memory *m = ctx;
    struct srvsvc_share *out = ndr_arena_array(arena, m->share_count ? m->share_count : 1, sizeof *out);
    if (!out)
        return STATUS_NO_MEMORY;
    for (size_t i = 0; i < m->share_count; i++)
        if (!share_copy_out(arena, &out[i], &m->shares[i]))
            return STATUS_NO_MEMORY;
    *shares = out;
    *count = m->share_count;
    return STATUS_SUCCESS;
}

static NTSTATUS mem_share_get(void *ctx, struct ndr_arena *arena, const char *name, struct srvsvc_share *share)
{
    struct srvsvc_share *s = find_share(ctx, name);
    if (!s)
        return STATUS_OBJECT_NAME_NOT_FOUND;
    return share_copy_out(arena, share, s) ? STATUS_SUCCESS : STATUS_NO_MEMORY;
}

/* A share's directory must exist, as with the real store. */
static bool directory_exists(const char *path)
{
    struct stat st;
    return path && path[0] == '/' && stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static NTSTATUS mem_share_add(void *ctx, const struct srvsvc_share *share, const struct access_token *actor)
{
    struct srvsvc_memory *m = ctx;
    if (find_share(m, share->name))
        return STATUS_OBJECT_NAME_COLLISION;
    if ((share->type & STYPE_MASK) == STYPE_DISKTREE && !directory_exists(share->path))
        return STATUS_OBJECT_PATH_NOT_FOUND;
    return srvsvc_memory_add_share(m, share);
}

static NTSTATUS mem_share_set(void *ctx, const char *name, const struct srvsvc_share *share, uint32_t fields,
                              const struct access_token *actor)
{
    struct srvsvc_share *s = find_share(ctx, name);
    if (!s)
        return STATUS_OBJECT_NAME_NOT_FOUND;
    if ((fields & SRVSVC_SHARE_PATH) && !directory_exists(share->path))
        return STATUS_OBJECT_PATH_NOT_FOUND;
    struct srvsvc_share updated = *s;
    if (fields & SRVSVC_SHARE_COMMENT)
        updated.comment = share->comment;
    if (fields & SRVSVC_SHARE_PATH)
        updated.path = share->path;
    if (fields & SRVSVC_SHARE_MAX_USES)
        updated.max_uses = share->max_uses;
    if (fields & SRVSVC_SHARE_FLAGS)
        updated.flags = share->flags;
    if (fields & SRVSVC_SHARE_TYPE)
        updated.type = share->type;
    if (fields & SRVSVC_SHARE_SD) {
        updated.security_descriptor = share->security_descriptor;
        updated.security_descriptor_len = share->security_descriptor_len;
    }
    struct srvsvc_share copy;
    NTSTATUS status = share_copy_in(&copy, &updated);
    if (status != STATUS_SUCCESS)
        return status;
    share_clear(s);
    *s = copy;
    return STATUS_SUCCESS;
}

static NTSTATUS mem_share_del(void *ctx, const char *name, const struct access_token *actor)
{
    struct srvsvc_memory *m = ctx;
    struct srvsvc_share *s = find_share(m, name);
    if (!s)
        return STATUS_OBJECT_NAME_NOT_FOUND;
    share_clear(s);
    size_t i = (size_t)(s - m->shares);
    memmove(s, s + 1, (m->share_count - i - 1) * sizeof *s);
    m->share_count--;
    return STATUS_SUCCESS;
}

static NTSTATUS mem_session_enum(void *ctx, struct ndr_arena *arena, struct srvsvc_session **out, size_t *count)
{
    struct srvsvc_memory *m = ctx;
    struct srvsvc_session *s = ndr_arena_array(arena, m->session_count ? m->session_count : 1, sizeof *s);
    if (!s)
        return STATUS_NO_MEMORY;
    for (size_t i = 0; i < m->session_count; i++) {
        s[i] = m->sessions[i];
        s[i].client = ndr_arena_strdup(arena, m->sessions[i].client);
        s[i].user = ndr_arena_strdup(arena, m->sessions[i].user);
        s[i].client_type = ndr_arena_strdup(arena, m->sessions[i].client_type);
        s[i].transport = ndr_arena_strdup(arena, m->sessions[i].transport);
    }
    *out = s;
    *count = m->session_count;
    return STATUS_SUCCESS;
}

static NTSTATUS mem_session_close(void *ctx, uint32_t id, const struct access_token *actor)
{
    struct srvsvc_memory *m = ctx;
    for (size_t i = 0; i < m->session_count; i++) {
        if (m->sessions[i].id != id)
            continue;
        free(m->sessions[i].client);
        free(m->sessions[i].user);
        free(m->sessions[i].client_type);
        free(m->sessions[i].transport);
        memmove(&m->sessions[i], &m->sessions[i + 1], (m->session_count - i - 1) * sizeof *m->sessions);
        m->session_count--;
        return STATUS_SUCCESS;
    }
    return STATUS_OBJECT_NAME_NOT_FOUND;
}

static NTSTATUS mem_connection_enum(void *ctx, struct ndr_arena *arena, struct srvsvc_connection **out,
                                    size_t *count)
{
    struct srvsvc_memory *m = ctx;
    struct srvsvc_connection *c = ndr_arena_array(arena, m->conn_count ? m->conn_count : 1, sizeof *c);
    if (!c)
        return STATUS_NO_MEMORY;
    for (size_t i = 0; i < m->conn_count; i++) {
        c[i] = m->conns[i];
        c[i].share = ndr_arena_strdup(arena, m->conns[i].share);
        c[i].client = ndr_arena_strdup(arena, m->conns[i].client);
        c[i].user = ndr_arena_strdup(arena, m->conns[i].user);
    }
    *out = c;
    *count = m->conn_count;
    return STATUS_SUCCESS;
}

static NTSTATUS mem_file_enum(void *ctx, struct ndr_arena *arena, struct srvsvc_file **out, size_t *count)
{
    struct srvsvc_memory *m = ctx;
    struct srvsvc_file *f = ndr_arena_array(arena, m->file_count ? m->file_count : 1, sizeof *f);
    if (!f)
        return STATUS_NO_MEMORY;
    for (size_t i = 0; i < m->file_count; i++) {
        f[i] = m->files[i];
        f[i].path = ndr_arena_strdup(arena, m->files[i].path);
        f[i].share = ndr_arena_strdup(arena, m->files[i].share);
        f[i].user = ndr_arena_strdup(arena, m->files[i].user);
    }
    *out = f;
    *count = m->file_count;
    return STATUS_SUCCESS;
}

static NTSTATUS mem_file_close(void *ctx, uint32_t id, const struct access_token *actor)
{
    struct srvsvc_memory *m = ctx;
    for (size_t i = 0; i < m->file_count; i++) {
        if (m->files[i].id != id)
            continue;
        free(m->files[i].path);
        free(m->files[i].share);
        free(m->files[i].user);
        memmove(&m->files[i], &m->files[i + 1], (m->file_count - i - 1) * sizeof *m->files);
        m->file_count--;
        return STATUS_SUCCESS;
    }
    return STATUS_OBJECT_NAME_NOT_FOUND;
}

static NTSTATUS mem_server_info_get(void *ctx, struct ndr_arena *arena, struct srvsvc_server_info *info)
{
    struct srvsvc_memory *m = ctx;
    *info = m->info;
    info->name = ndr_arena_strdup(arena, m->info.name);
    info->domain = ndr_arena_strdup(arena, m->info.domain);
    info->comment = ndr_arena_strdup(arena, m->info.comment);
    return info->name && info->domain && info->comment ? STATUS_SUCCESS : STATUS_NO_MEMORY;
}

static NTSTATUS mem_server_info_set(void *ctx, const struct srvsvc_server_info *info, uint32_t fields,
                                    const struct access_token *actor)
{
    struct srvsvc_memory *m = ctx;
    if (fields & SRVSVC_SERVER_COMMENT) {
        char *comment = strdup(info->comment ? info->comment : "");
        if (!comment)
            return STATUS_NO_MEMORY;
        free(m->info.comment);
        m->info.comment = comment;
    }
    if (fields & SRVSVC_SERVER_USERS)
        m->info.users = info->users;
    if (fields & SRVSVC_SERVER_DISC)
        m->info.disc = info->disc;
    if (fields & SRVSVC_SERVER_HIDDEN)
        m->info.hidden = info->hidden;
    return STATUS_SUCCESS;
}

struct srvsvc_memory *srvsvc_memory_new(const char *server_name)
{
    struct srvsvc_memory *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->info.name = strdup(server_name ? server_name : "SAMEWISE");
    m->info.domain = strdup("WORKGROUP");
    m->info.comment = strdup("Samewise file server");
    m->info.version_major = 10;
    m->info.version_minor = 0;
    m->info.type = SV_TYPE_WORKSTATION | SV_TYPE_SERVER | SV_TYPE_NT | SV_TYPE_SERVER_NT;
    m->info.users = 0xFFFFFFFFu;
    m->info.disc = 15;
    struct srvsvc_share ipc = { .name = "IPC$", .path = "", .comment = "Remote IPC",
                                .type = STYPE_IPC | STYPE_SPECIAL, .max_uses = 0xFFFFFFFFu };
    if (!m->info.name || !m->info.domain || !m->info.comment ||
        srvsvc_memory_add_share(m, &ipc) != STATUS_SUCCESS) {
        srvsvc_memory_free(m);
        return NULL;
    }
    return m;
}

NTSTATUS srvsvc_memory_add_share(struct srvsvc_memory *m, const struct srvsvc_share *share)
{
    struct srvsvc_share copy;
    NTSTATUS status = share_copy_in(&copy, share);
    if (status != STATUS_SUCCESS)
        return status;
    struct srvsvc_share *slot = append((void **)&m->shares, &m->share_count, sizeof *slot);
    if (!slot) {
        share_clear(&copy);
        return STATUS_NO_MEMORY;
    }
    *slot = copy;
    return STATUS_SUCCESS;
}

NTSTATUS srvsvc_memory_add_session(struct srvsvc_memory *m, const struct srvsvc_session *session)
{
    struct srvsvc_session *s = append((void **)&m->sessions, &m->session_count, sizeof *s);
    if (!s)
        return STATUS_NO_MEMORY;
    *s = *session;
    s->client = dup_or_null(session->client);
    s->user = dup_or_null(session->user);
    s->client_type = dup_or_null(session->client_type);
    s->transport = dup_or_null(session->transport);
    return STATUS_SUCCESS;
}

NTSTATUS srvsvc_memory_add_connection(struct srvsvc_memory *m, const struct srvsvc_connection *conn)
{
    struct srvsvc_connection *c = append((void **)&m->conns, &m->conn_count, sizeof *c);
    if (!c)
        return STATUS_NO_MEMORY;
    *c = *conn;
    c->share = dup_or_null(conn->share);
    c->client = dup_or_null(conn->client);
    c->user = dup_or_null(conn->user);
    return STATUS_SUCCESS;
}

NTSTATUS srvsvc_memory_add_file(struct srvsvc_memory *m, const struct srvsvc_file *file)
{
    struct srvsvc_file *f = append((void **)&m->files, &m->file_count, sizeof *f);
    if (!f)
        return STATUS_NO_MEMORY;
    *f = *file;
    f->path = dup_or_null(file->path);
    f->share = dup_or_null(file->share);
    f->user = dup_or_null(file->user);
    return STATUS_SUCCESS;
}

void srvsvc_memory_backend(struct srvsvc_memory *m, struct srvsvc_backend *b)
{
    memset(b, 0, sizeof *b);
    b->ctx = m;
    b->share_enum = mem_share_enum;
    b->share_get = mem_share_get;
    b->share_add = mem_share_add;
    b->share_set = mem_share_set;
    b->share_del = mem_share_del;
    b->session_enum = mem_session_enum;
    b->session_close = mem_session_close;
    b->connection_enum = mem_connection_enum;
    b->file_enum = mem_file_enum;
    b->file_close = mem_file_close;
    b->server_info_get = mem_server_info_get;
    b->server_info_set = mem_server_info_set;
}

void srvsvc_memory_free(struct srvsvc_memory *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->share_count; i++)
        share_clear(&m->shares[i]);
    for (size_t i = 0; i < m->session_count; i++) {
        free(m->sessions[i].client);
        free(m->sessions[i].user);
        free(m->sessions[i].client_type);
        free(m->sessions[i].transport);
    }
    for (size_t i = 0; i < m->conn_count; i++) {
        free(m->conns[i].share);
        free(m->conns[i].client);
        free(m->conns[i].user);
    }
    for (size_t i = 0; i < m->file_count; i++) {
        free(m->files[i].path);
        free(m->files[i].share);
        free(m->files[i].user);
    }
    free(m->shares);
    free(m->sessions);
    free(m->conns);
    free(m->files);
    free(m->info.name);
    free(m->info.domain);
    free(m->info.comment);
    free(m);
}
