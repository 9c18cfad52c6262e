/* Registry changes reaching what is already connected (server.h): shares
 * deleted, moved or with new permissions, and users disabled, locked out or
 * deleted. The driver calls these whenever the registry changes, whoever
 * changed it (lwadmin, YAML apply, lwconsole, srvsvc RPC); srvctl's reload
 * (devctl.c) calls the share half on demand.
 *
 * Both walk the objects under their locks (engine -> connection -> session,
 * server.h) only to take references; the share lookup, the user check and
 * the disconnects run afterwards with no srv lock held, because they call
 * out of srv or take the locks themselves. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/srv/server.h"
#include "drivers/srv/smb2/request.h"
#include "lib/log.h"

/* One session (and, for the share half, one of its tree connects) with
 * references on it, its connection and the tree. */
struct held {
    struct srv_conn *conn;
    struct srv_session *session;
    struct srv_tree *tree; /* NULL in the session walk */
};

struct held_list {
    struct held *items;
    size_t count, capacity;
    bool failed;
};

static bool held_add(struct held_list *l, struct srv_conn *conn, struct srv_session *s,
                     struct srv_tree *tree)
{
    if (l->count == l->capacity) {
        size_t cap = l->capacity ? l->capacity * 2 : 16;
        struct held *grown = realloc(l->items, cap * sizeof *grown);
        if (!grown) {
            l->failed = true;
            return false;
        }
        l->items = grown;
        l->capacity = cap;
    }
    struct held *h = &l->items[l->count++];
    h->conn = conn;
    srv_conn_ref(conn);
    h->session = s;
    srv_session_ref(s);
    h->tree = tree;
    if (tree)
        srv_tree_ref(tree);
    return true;
}

static void held_free(struct held_list *l)
{
    for (size_t i = 0; i < l->count; i++) {
        if (l->items[i].tree)
            srv_tree_unref(l->items[i].tree);
        srv_session_unref(l->items[i].session);
        srv_conn_unref(l->items[i].conn);
    }
    free(l->items);
}

/* Every logged-on session once (a session bound to several connections is
 * taken on the channel that lists it), with its tree connects if trees. */
static void collect(struct srv_engine *e, bool trees, struct held_list *l)
{
    pthread_mutex_lock(&e->lock);
    for (struct srv_conn *conn = e->conns; conn && !l->failed; conn = conn->next) {
        pthread_mutex_lock(&conn->lock);
        for (size_t i = 0; !conn->dead && !l->failed && i < conn->session_count; i++) {
            struct srv_session *s = conn->sessions[i];
            pthread_mutex_lock(&s->lock);
            if (s->state == SRV_SESSION_VALID && !s->dead && srv_session_listed_on(s, conn->id)) {
                if (!trees)
                    held_add(l, conn, s, NULL);
                for (size_t t = 0; trees && !l->failed && t < s->tree_count; t++)
                    held_add(l, conn, s, s->trees[t]);
            }
            pthread_mutex_unlock(&s->lock);
        }
        pthread_mutex_unlock(&conn->lock);
    }
    pthread_mutex_unlock(&e->lock);
}

/* What TREE_DISCONNECT does: the client's next request on it fails with
 * STATUS_NETWORK_NAME_DELETED. */
static void drop_tree(struct held *h, const char *why)
{
    log_info("srv: %s: share %s %s; disconnecting tree connect %" PRIu32, h->conn->peer,
             h->tree->share.name, why, h->tree->id);
    smb2_cancel_on(h->conn, NULL, h->tree, NULL);
    srv_session_remove_tree(h->session, h->tree);
}

/* The shares looked up in one pass, so that many tree connects to one
 * share cost one database read. */
struct cached_share {
    char key[sizeof ((struct srv_share_info *)0)->name]; /* the name asked for */
    NTSTATUS status;
    struct srv_share_info info;                           /* with STATUS_SUCCESS */
};

struct share_cache {
    struct cached_share *items;
    size_t count;
};

/* The share as the database has it now: STATUS_SUCCESS and *info (owned by
 * the cache), or the lookup's error. */
static NTSTATUS cached_lookup(struct srv_engine *e, struct share_cache *cache, const char *name,
                              const struct srv_share_info **info)
{
    *info = NULL;
    for (size_t i = 0; i < cache->count; i++)
        if (strcmp(cache->items[i].key, name) == 0) {
            *info = &cache->items[i].info;
            return cache->items[i].status;
        }
    struct cached_share *grown = realloc(cache->items, (cache->count + 1) * sizeof *grown);
    if (!grown)
        return STATUS_NO_MEMORY;
    cache->items = grown;
    struct cached_share *c = &cache->items[cache->count++];
    memset(c, 0, sizeof *c);
    snprintf(c->key, sizeof c->key, "%s", name);
    c->status = e->config.shares.lookup(e->config.shares.context, name, &c->info);
    if (c->status != STATUS_SUCCESS)
        srv_share_info_clear(&c->info);
    *info = &c->info;
    return c->status;
}

static void share_cache_free(struct share_cache *cache)
{
    for (size_t i = 0; i < cache->count; i++)
        srv_share_info_clear(&cache->items[i].info);
    free(cache->items);
}

uint32_t srv_engine_reload_shares(struct srv_engine *e)
{
    struct held_list l = { 0 };
    collect(e, true, &l);
    struct share_cache cache = { 0 };
    uint32_t dropped = 0;
    for (size_t i = 0; !l.failed && i < l.count; i++) {
        struct held *h = &l.items[i];
        const struct srv_share_info *now = NULL;
        NTSTATUS status = cached_lookup(e, &cache, h->tree->share.name, &now);
        if (status == STATUS_BAD_NETWORK_NAME) {
            drop_tree(h, "is gone");
            dropped++;
        } else if (status != STATUS_SUCCESS) {
            /* A busy database is no reason to disconnect anyone. */
            log_warning("srv: reloading shares: %s: %s; its tree connects stay",
                        h->tree->share.name, nt_status_name(status));
        } else if (now->type != h->tree->share.type ||
                   strcmp(now->path, h->tree->share.path) != 0) {
            drop_tree(h, "moved");
            dropped++;
        } else if (now->encrypt_data && !h->tree->share.encrypt_data) {
            /* Encryption now required: the client's next TREE_CONNECT meets
             * the new rule (3.3.5.7) and learns the share flag. */
            drop_tree(h, "now requires encryption");
            dropped++;
        } else {
            /* Permissions (and read-only) as they are now, for this
             * session's user: Windows checks share permissions at tree
             * connect only; here a narrowed share takes effect at once. */
            pthread_mutex_lock(&h->session->lock);
            uint32_t access = srv_share_maximal_access(now, h->session->token);
            pthread_mutex_unlock(&h->session->lock);
            if (access == 0) {
                drop_tree(h, "no longer grants this user anything");
                dropped++;
            } else {
                pthread_mutex_lock(&h->tree->lock);
                uint32_t before = h->tree->maximal_access;
                h->tree->maximal_access = access;
                pthread_mutex_unlock(&h->tree->lock);
                if (before != access)
                    log_info("srv: %s: share %s: tree connect %" PRIu32
                             " maximal access 0x%08x (was 0x%08x)",
                             h->conn->peer, h->tree->share.name, h->tree->id, access, before);
            }
        }
    }
    if (l.failed)
        log_warning("srv: reloading shares: out of memory; tree connects stay as they are");
    share_cache_free(&cache);
    held_free(&l);
    return dropped;
}

uint32_t srv_engine_logoff_users(struct srv_engine *e,
                                 bool (*keep)(void *context, const struct access_token *token),
                                 void *context)
{
    struct held_list l = { 0 };
    collect(e, false, &l);
    uint32_t gone = 0;
    for (size_t i = 0; !l.failed && i < l.count; i++) {
        struct held *h = &l.items[i];
        struct srv_session *s = h->session;
        /* The token never changes once the session is valid; a copy lets
         * keep() run (and block) without the session's lock. */
        pthread_mutex_lock(&s->lock);
        struct access_token *token = s->token && !s->is_guest && !s->is_anonymous
                                         ? token_copy(s->token)
                                         : NULL;
        char user[sizeof s->user_name];
        memcpy(user, s->user_name, sizeof user);
        pthread_mutex_unlock(&s->lock);
        if (!token)
            continue; /* guest, anonymous: no account to check */
        bool kept = keep(context, token);
        token_free(token);
        if (kept)
            continue;
        log_info("srv: %s: session 0x%016" PRIx64 " (%s): the account is disabled, locked "
                 "or deleted; logged off", h->conn->peer, s->id, user);
        /* What LOGOFF does (as srvctl's session close). */
        smb2_cancel_on(h->conn, s, NULL, NULL);
        srv_conn_remove_session(h->conn, s);
        gone++;
    }
    if (l.failed)
        log_warning("srv: checking sessions' accounts: out of memory; sessions stay");
    held_free(&l);
    return gone;
}
