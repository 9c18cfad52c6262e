/* The srvsvc back end of a running appliance: shares from share-db, server
 * settings from the registry, live sessions and open files from srv.
 *
 * The registry handle belongs to one thread at a time, and pipe instances
 * run in parallel: every registry access holds store->lock.
 *
 * Live state comes from srv through srvctl (srvsvc/live.h); when the SMB
 * server does not run (srvsvcd --stdio without lwiod), the lists are empty
 * and nothing can be closed. A change to the shares is followed by a share
 * reload in srv, so a deleted share's tree connects go at once (new tree
 * connects read the share database anyway). */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/utf16.h"
#include "registry/registry.h"
#include "share-db/share_db.h"
#include "lsass/sam/sam.h"
#include "srvsvc/live.h"
#include "srvsvc/srvsvc_store.h"

struct srvsvc_store {
    struct registry *reg;
    pthread_mutex_t lock;
    struct srvsvc_live live;
    /* Refused attempts are audited, at most srvsvc.audit-refused-per-minute
     * a minute, so that a client repeating a refused call cannot grow the log
     * without end (under the lock). */
    time_t refused_window;
    unsigned refused_in_window;
};

/* The SHI1005 flags srvsvc passes through; the high bits are Samewise's. */
#define SHI1005_MASK 0x0000FFFFu

NTSTATUS srvsvc_store_open(const char *db_path, struct srvsvc_store **out)
{
    *out = NULL;
    struct srvsvc_store *s = calloc(1, sizeof *s);
    if (!s)
        return STATUS_NO_MEMORY;
    NTSTATUS status = registry_open(db_path, &s->reg);
    if (status != STATUS_SUCCESS) {
        free(s);
        return status;
    }
    status = srvsvc_live_init(&s->live, db_path);
    if (status != STATUS_SUCCESS) {
        registry_close(s->reg);
        free(s);
        return status;
    }
    pthread_mutex_init(&s->lock, NULL);
    *out = s;
    return STATUS_SUCCESS;
}

void srvsvc_store_close(struct srvsvc_store *s)
{
    if (!s)
        return;
    registry_close(s->reg);
    srvsvc_live_destroy(&s->live);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

/* The audit record's actor: the caller's account name from the SAM
 * ("bob"), or its SID string when the SAM does not know it (a domain
 * account). Called with store->lock held. */
struct actor_text {
    struct audit_actor actor;
    char *name; /* malloc'd, or NULL */
    char sid[SID_STRING_MAX];
};

static const struct audit_actor *actor_for(struct srvsvc_store *s, const struct access_token *token,
                                           struct actor_text *who)
{
    memset(who, 0, sizeof *who);
    if (token && !token->is_anonymous) {
        sid_format(&token->user, who->sid, sizeof who->sid);
        who->name = sam_sid_display(s->reg, &token->user);
    } else {
        snprintf(who->sid, sizeof who->sid, "anonymous");
    }
    who->actor.via = "rpc";
    who->actor.uid = (uid_t)-1;
    who->actor.user = who->name ? who->name : who->sid;
    who->actor.source = NULL;
    return &who->actor;
}

static void actor_done(struct actor_text *who)
{
    free(who->name);
    who->name = NULL;
}

/* An attempt the caller was refused: the audit log records it (outcome
 * "refused") with the caller's account. Called with store->lock held. */
static void audit_refused_locked(struct srvsvc_store *s, const struct access_token *actor,
                                 const char *action, const char *object, const char *reason)
{
    time_t now = time(NULL);
    if (now - s->refused_window >= 60) {
        s->refused_window = now;
        s->refused_in_window = 0;
    }
    uint32_t limit = 60;
    registry_setting_get_dword(s->reg, "srvsvc.audit-refused-per-minute", &limit);
    if (++s->refused_in_window > limit)
        return;
    struct actor_text who;
    NTSTATUS status = registry_audit_refused(s->reg, actor_for(s, actor, &who), action, object,
                                             reason);
    actor_done(&who);
    if (status != STATUS_SUCCESS)
        log_debug("srvsvc: cannot audit a refused %s: %s", action, nt_status_name(status));
}

static void store_audit_refused(void *ctx, const char *action, const char *object,
                                const char *reason, const struct access_token *actor)
{
    struct srvsvc_store *s = ctx;
    pthread_mutex_lock(&s->lock);
    audit_refused_locked(s, actor, action, object, reason);
    pthread_mutex_unlock(&s->lock);
}

static bool ends_with_dollar(const char *name)
{
    size_t len = strlen(name);
    return len && name[len - 1] == '$';
}

static bool copy_share(struct ndr_arena *arena, struct srvsvc_share *dst, const struct share *src)
{
    memset(dst, 0, sizeof *dst);
    dst->name = ndr_arena_strdup(arena, src->name);
    dst->path = ndr_arena_strdup(arena, src->path ? src->path : "");
    dst->comment = ndr_arena_strdup(arena, src->comment ? src->comment : "");
    dst->type = src->type;
    if (src->type == STYPE_IPC || ends_with_dollar(src->name))
        dst->type |= STYPE_SPECIAL;
    dst->max_uses = src->max_uses < 0 ? 0xFFFFFFFFu : (uint32_t)src->max_uses;
    dst->current_uses = 0;
    dst->flags = src->flags & SHI1005_MASK;
    if (src->sd && src->sd_len) {
        dst->security_descriptor = ndr_arena_alloc(arena, src->sd_len);
        if (!dst->security_descriptor)
            return false;
        memcpy(dst->security_descriptor, src->sd, src->sd_len);
        dst->security_descriptor_len = src->sd_len;
    }
    return dst->name && dst->path && dst->comment;
}

/* share-db's "no such share" is srvsvc's "no such name". */
static NTSTATUS from_share_db(NTSTATUS status)
{
    return status == STATUS_BAD_NETWORK_NAME ? STATUS_OBJECT_NAME_NOT_FOUND : status;
}

/* Tree connects per share name, for current_uses. */
static uint32_t current_uses(const struct srvsvc_connection *trees, size_t count, const char *share)
{
    uint32_t n = 0;
    for (size_t i = 0; i < count; i++)
        if (trees[i].share && utf8_casecmp(trees[i].share, share) == 0)
            n++;
    return n;
}

static void live_trees(struct srvsvc_store *s, struct ndr_arena *arena, struct srvsvc_connection **trees,
                       size_t *count)
{
    if (srvsvc_live_connections(&s->live, arena, trees, count) != STATUS_SUCCESS) {
        *trees = NULL;
        *count = 0;
    }
}

static NTSTATUS store_share_enum(void *ctx, struct ndr_arena *arena, struct srvsvc_share **shares, size_t *count)
{
    struct srvsvc_store *s = ctx;
    struct share **list = NULL;
    size_t n = 0;
    pthread_mutex_lock(&s->lock);
    NTSTATUS status = share_db_list(s->reg, &list, &n);
    pthread_mutex_unlock(&s->lock);
    if (status != STATUS_SUCCESS)
        return status;
    struct srvsvc_share *out = ndr_arena_array(arena, n ? n : 1, sizeof *out);
    size_t k = 0;
    for (size_t i = 0; out && i < n; i++) {
        /* A share marked hidden is left out, unless its name says so ('$'):
         * Windows lists those and clients hide them themselves. */
        if ((list[i]->flags & SHARE_FLAG_HIDDEN) && !ends_with_dollar(list[i]->name))
            continue;
        if (!copy_share(arena, &out[k], list[i])) {
            out = NULL;
            break;
        }
        k++;
    }
    share_list_free(list, n);
    if (!out)
        return STATUS_NO_MEMORY;
    struct srvsvc_connection *trees;
    size_t tree_count;
    live_trees(s, arena, &trees, &tree_count);
    for (size_t i = 0; i < k; i++)
        out[i].current_uses = current_uses(trees, tree_count, out[i].name);
    *shares = out;
    *count = k;
    return STATUS_SUCCESS;
}

static NTSTATUS store_share_get(void *ctx, struct ndr_arena *arena, const char *name, struct srvsvc_share *share)
{
    struct srvsvc_store *s = ctx;
    struct share *found = NULL;
    pthread_mutex_lock(&s->lock);
    NTSTATUS status = share_db_get(s->reg, name, &found);
    pthread_mutex_unlock(&s->lock);
    if (status != STATUS_SUCCESS)
        return from_share_db(status);
    bool ok = copy_share(arena, share, found);
    share_free(found);
    if (!ok)
        return STATUS_NO_MEMORY;
    struct srvsvc_connection *trees;
    size_t tree_count;
    live_trees(s, arena, &trees, &tree_count);
    share->current_uses = current_uses(trees, tree_count, share->name);
    return STATUS_SUCCESS;
}

/* shi*_max_uses to the store's: SHI_USES_UNLIMITED (0xFFFFFFFF) and 0 are
 * unlimited. Windows and smbd accept 0 (rpcclient's `netshareadd PATH NAME
 * 0 COMMENT` sends it; smbd stores it as "max connections = 0", which is
 * unlimited there), and a share nobody may connect to would be no share;
 * it reads back as 0xFFFFFFFF, as smbd answers too. */
static NTSTATUS max_uses_of(uint32_t wire, int32_t *max_uses)
{
    if (wire == 0xFFFFFFFFu || wire == 0) {
        *max_uses = SHARE_MAX_USES_UNLIMITED;
        return STATUS_SUCCESS;
    }
    if (wire > INT32_MAX)
        return STATUS_INVALID_PARAMETER;
    *max_uses = (int32_t)wire;
    return STATUS_SUCCESS;
}

static NTSTATUS store_share_add(void *ctx, const struct srvsvc_share *share, const struct access_token *actor)
{
    struct srvsvc_store *s = ctx;
    struct share add = {
        .name = share->name,
        .path = share->path,
        .comment = share->comment,
        .type = STYPE_DISKTREE,
        .flags = share->flags & SHI1005_MASK & SHARE_FLAGS_VALID,
        .sd = share->security_descriptor,
        .sd_len = share->security_descriptor_len,
    };
    NTSTATUS status = max_uses_of(share->max_uses, &add.max_uses);
    if (status != STATUS_SUCCESS)
        return status;
    struct actor_text who;
    char *message = NULL;
    pthread_mutex_lock(&s->lock);
    status = share_db_add(s->reg, &add, actor_for(s, actor, &who), &message);
    actor_done(&who);
    if (status != STATUS_SUCCESS)
        audit_refused_locked(s, actor, "share.add", share->name,
                             message ? message : nt_status_name(status));
    pthread_mutex_unlock(&s->lock);
    if (message)
        log_info("srvsvc: share add %s: %s", share->name, message);
    free(message);
    return status;
}

/* After a change that may take a share away from its tree connects (a
 * deletion, another directory). A failure is logged, not returned: the
 * change is made, and new tree connects see it whatever srv does. */
static void reload_shares(struct srvsvc_store *s)
{
    NTSTATUS status = srvsvc_live_reload_shares(&s->live);
    if (status != STATUS_SUCCESS)
        log_warning("srvsvc: the SMB server did not reload its shares: %s", nt_status_name(status));
}

static NTSTATUS store_share_set(void *ctx, const char *name, const struct srvsvc_share *share, uint32_t fields,
                                const struct access_token *actor)
{
    struct srvsvc_store *s = ctx;
    struct share *current = NULL;
    struct actor_text who;
    char *message = NULL;
    pthread_mutex_lock(&s->lock);
    NTSTATUS status = share_db_get(s->reg, name, &current);
    if (status != STATUS_SUCCESS) {
        pthread_mutex_unlock(&s->lock);
        return from_share_db(status);
    }
    /* share_db_set keeps what is NULL; flags and max_uses always apply. */
    struct share update = { .name = current->name, .type = current->type, .flags = current->flags,
                            .max_uses = current->max_uses };
    if (fields & SRVSVC_SHARE_COMMENT)
        update.comment = share->comment ? share->comment : "";
    if (fields & SRVSVC_SHARE_PATH)
        update.path = share->path;
    if (fields & SRVSVC_SHARE_FLAGS)
        update.flags = (current->flags & ~SHI1005_MASK) | (share->flags & SHI1005_MASK & SHARE_FLAGS_VALID);
    if (fields & SRVSVC_SHARE_SD) {
        update.sd = share->security_descriptor;
        update.sd_len = share->security_descriptor_len;
    }
    if (fields & SRVSVC_SHARE_MAX_USES)
        status = max_uses_of(share->max_uses, &update.max_uses);
    if (status == STATUS_SUCCESS) {
        status = share_db_set(s->reg, &update, actor_for(s, actor, &who), &message);
        actor_done(&who);
    }
    if (status != STATUS_SUCCESS)
        audit_refused_locked(s, actor, "share.set", name,
                             message ? message : nt_status_name(status));
    pthread_mutex_unlock(&s->lock);
    if (message)
        log_info("srvsvc: share set %s: %s", name, message);
    free(message);
    share_free(current);
    if (status == STATUS_SUCCESS)
        reload_shares(s);
    return from_share_db(status);
}

static NTSTATUS store_share_del(void *ctx, const char *name, const struct access_token *actor)
{
    struct srvsvc_store *s = ctx;
    struct actor_text who;
    char *message = NULL;
    pthread_mutex_lock(&s->lock);
    NTSTATUS status = share_db_delete(s->reg, name, actor_for(s, actor, &who), &message);
    actor_done(&who);
    if (status != STATUS_SUCCESS && status != STATUS_BAD_NETWORK_NAME)
        audit_refused_locked(s, actor, "share.delete", name,
                             message ? message : nt_status_name(status));
    pthread_mutex_unlock(&s->lock);
    if (message)
        log_info("srvsvc: share delete %s: %s", name, message);
    free(message);
    if (status == STATUS_SUCCESS)
        reload_shares(s);
    return from_share_db(status);
}

/* ---- Live state (srv) ---- */

static NTSTATUS store_session_enum(void *ctx, struct ndr_arena *arena, struct srvsvc_session **out, size_t *count)
{
    struct srvsvc_store *s = ctx;
    return srvsvc_live_sessions(&s->live, arena, out, count);
}

static NTSTATUS store_connection_enum(void *ctx, struct ndr_arena *arena, struct srvsvc_connection **out,
                                      size_t *count)
{
    struct srvsvc_store *s = ctx;
    return srvsvc_live_connections(&s->live, arena, out, count);
}

static NTSTATUS store_file_enum(void *ctx, struct ndr_arena *arena, struct srvsvc_file **out, size_t *count)
{
    struct srvsvc_store *s = ctx;
    return srvsvc_live_files(&s->live, arena, out, count);
}

/* A close over RPC is audited as lwadmin's are (session.close, file.close,
 * with srv's ids, which lwadmin session list and file list show). */
static void audit_close(struct srvsvc_store *s, const struct access_token *actor, const char *action,
                        const char *object, const char *detail)
{
    struct actor_text who;
    pthread_mutex_lock(&s->lock);
    NTSTATUS status = registry_audit(s->reg, actor_for(s, actor, &who), action, object, detail);
    actor_done(&who);
    pthread_mutex_unlock(&s->lock);
    if (status != STATUS_SUCCESS)
        log_warning("srvsvc: cannot audit %s of %s: %s", action, object, nt_status_name(status));
}

static NTSTATUS store_session_close(void *ctx, uint32_t id, const struct access_token *actor)
{
    struct srvsvc_store *s = ctx;
    uint64_t session_id;
    NTSTATUS status = srvsvc_live_close_session(&s->live, id, &session_id);
    if (status == STATUS_SUCCESS) {
        char object[40];
        snprintf(object, sizeof object, "session %llu", (unsigned long long)session_id);
        audit_close(s, actor, "session.close", object, NULL);
    }
    return status;
}

static NTSTATUS store_file_close(void *ctx, uint32_t id, const struct access_token *actor)
{
    struct srvsvc_store *s = ctx;
    uint64_t session_id, file_id;
    NTSTATUS status = srvsvc_live_close_file(&s->live, id, &session_id, &file_id);
    if (status == STATUS_SUCCESS) {
        char object[40], detail[40];
        snprintf(object, sizeof object, "file %llu", (unsigned long long)file_id);
        snprintf(detail, sizeof detail, "session %llu", (unsigned long long)session_id);
        audit_close(s, actor, "file.close", object, detail);
    }
    return status;
}

/* ---- Server settings ---- */

/* srv.server-name, or the host name's first label, upper-cased, at most
 * 15 characters (a NetBIOS name). */
static char *server_name(struct registry *reg, struct ndr_arena *arena)
{
    char *text = NULL;
    char host[256] = "SAMEWISE";
    if (registry_setting_get_string(reg, "srv.server-name", &text) == STATUS_SUCCESS && text[0]) {
        snprintf(host, sizeof host, "%s", text);
    } else if (gethostname(host, sizeof host) != 0) {
        snprintf(host, sizeof host, "SAMEWISE");
    }
    free(text);
    host[sizeof host - 1] = 0;
    char *dot = strchr(host, '.');
    if (dot)
        *dot = 0;
    host[15] = 0;
    for (char *p = host; *p; p++)
        *p = (char)toupper((unsigned char)*p);
    return ndr_arena_strdup(arena, host);
}

static NTSTATUS store_server_info_get(void *ctx, struct ndr_arena *arena, struct srvsvc_server_info *info)
{
    struct srvsvc_store *s = ctx;
    char *comment = NULL, *workgroup = NULL;
    uint32_t max_connections = 0, idle = 0;
    pthread_mutex_lock(&s->lock);
    info->name = server_name(s->reg, arena);
    registry_setting_get_string(s->reg, "srv.server-comment", &comment);
    registry_setting_get_string(s->reg, "srvsvc.workgroup", &workgroup);
    registry_setting_get_dword(s->reg, "srv.max-connections", &max_connections);
    registry_setting_get_dword(s->reg, "srv.idle-timeout", &idle);
    pthread_mutex_unlock(&s->lock);
    info->comment = ndr_arena_strdup(arena, comment ? comment : "");
    info->domain = ndr_arena_strdup(arena, workgroup && workgroup[0] ? workgroup : "WORKGROUP");
    free(comment);
    free(workgroup);
    /* What Windows Server 2016 and later report. */
    info->version_major = 10;
    info->version_minor = 0;
    info->type = SV_TYPE_WORKSTATION | SV_TYPE_SERVER | SV_TYPE_NT | SV_TYPE_SERVER_NT;
    info->users = max_connections ? max_connections : 0xFFFFFFFFu;
    /* Autodisconnect in minutes; -1 for never. */
    info->disc = idle ? (int32_t)((idle + 59) / 60) : -1;
    info->hidden = 0;
    return info->name && info->comment && info->domain ? STATUS_SUCCESS : STATUS_NO_MEMORY;
}

static NTSTATUS store_server_info_set(void *ctx, const struct srvsvc_server_info *info, uint32_t fields,
                                      const struct access_token *actor)
{
    struct srvsvc_store *s = ctx;
    /* The server is never hidden from browse lists (there are none). */
    if ((fields & SRVSVC_SERVER_HIDDEN) && info->hidden)
        return STATUS_NOT_SUPPORTED;
    char users[16], idle[16];
    snprintf(users, sizeof users, "%u", info->users == 0xFFFFFFFFu ? 0u : info->users);
    snprintf(idle, sizeof idle, "%u", info->disc < 0 ? 0u : (unsigned)info->disc * 60u);
    struct actor_text who;
    char *message = NULL;
    pthread_mutex_lock(&s->lock);
    const struct audit_actor *by = actor_for(s, actor, &who);
    NTSTATUS status = registry_begin(s->reg);
    if (status == STATUS_SUCCESS && (fields & SRVSVC_SERVER_COMMENT))
        status = registry_setting_set(s->reg, "srv.server-comment", info->comment ? info->comment : "", by,
                                      &message);
    if (status == STATUS_SUCCESS && (fields & SRVSVC_SERVER_USERS))
        status = registry_setting_set(s->reg, "srv.max-connections", users, by, &message);
    if (status == STATUS_SUCCESS && (fields & SRVSVC_SERVER_DISC))
        status = registry_setting_set(s->reg, "srv.idle-timeout", idle, by, &message);
    if (status == STATUS_SUCCESS)
        status = registry_commit(s->reg);
    else if (registry_transaction_depth(s->reg))
        registry_rollback(s->reg);
    actor_done(&who);
    pthread_mutex_unlock(&s->lock);
    if (message)
        log_info("srvsvc: server settings: %s", message);
    free(message);
    return status;
}

void srvsvc_store_backend(struct srvsvc_store *s, struct srvsvc_backend *b)
{
    memset(b, 0, sizeof *b);
    b->ctx = s;
    b->share_enum = store_share_enum;
    b->share_get = store_share_get;
    b->share_add = store_share_add;
    b->share_set = store_share_set;
    b->share_del = store_share_del;
    b->session_enum = store_session_enum;
    b->session_close = store_session_close;
    b->connection_enum = store_connection_enum;
    b->file_enum = store_file_enum;
    b->file_close = store_file_close;
    b->server_info_get = store_server_info_get;
    b->server_info_set = store_server_info_set;
    b->audit_refused = store_audit_refused;
}
