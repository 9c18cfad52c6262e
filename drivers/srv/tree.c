/* Tree connects: one per TREE_CONNECT, bound to a session and a share. */
#include <stdlib.h>

#include "drivers/srv/server.h"
#include "lib/access.h"
#include "lib/secdesc.h"
#include "lwiod/ntfile.h"

uint32_t srv_share_maximal_access(const struct srv_share_info *info,
                                  const struct access_token *token)
{
    uint32_t granted = FILE_ALL_ACCESS;
    if (info->sd) {
        struct security_descriptor sd;
        secdesc_init(&sd);
        granted = 0;
        if (token && secdesc_parse(info->sd, info->sd_len, &sd) == STATUS_SUCCESS)
            access_check(&sd, token, MAXIMUM_ALLOWED, NULL, 0, &granted);
        secdesc_free(&sd);
    }
    if (info->read_only)
        granted &= ~(uint32_t)(FILE_WRITE_DATA | FILE_APPEND_DATA | FILE_WRITE_EA |
                               FILE_WRITE_ATTRIBUTES | FILE_DELETE_CHILD | DELETE | WRITE_DAC |
                               WRITE_OWNER);
    return granted;
}

struct srv_tree *srv_tree_new(struct srv_engine *engine, const struct srv_share_info *share)
{
    struct srv_tree *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    atomic_init(&t->refs, 1);
    t->engine = engine;
    t->share = *share;
    t->share.sd = NULL; /* checked at connect; files are checked by their driver */
    t->share.sd_len = 0;
    t->created = srv_monotonic_seconds();
    t->share_stats = srv_stats_share(&engine->stats, share->name);
    pthread_mutex_init(&t->lock, NULL);
    atomic_fetch_add(&engine->trees_open, 1);
    return t;
}

void srv_tree_ref(struct srv_tree *tree)
{
    atomic_fetch_add(&tree->refs, 1);
}

void srv_tree_unref(struct srv_tree *tree)
{
    if (atomic_fetch_sub(&tree->refs, 1) != 1)
        return;
    struct srv_engine *engine = tree->engine;
    pthread_mutex_destroy(&tree->lock);
    free(tree);
    /* The engine waits for its last tree (held by opens whose close is
     * still on its way through the I/O manager) before it goes. */
    pthread_mutex_lock(&engine->lock);
    atomic_fetch_sub(&engine->trees_open, 1);
    pthread_cond_broadcast(&engine->conns_gone);
    pthread_mutex_unlock(&engine->lock);
}

void srv_tree_kill(struct srv_tree *tree)
{
    /* Open files will be closed here once srv opens files through lwiod. */
    pthread_mutex_lock(&tree->lock);
    tree->dead = true;
    pthread_mutex_unlock(&tree->lock);
}

uint32_t srv_tree_maximal_access(struct srv_tree *tree)
{
    pthread_mutex_lock(&tree->lock);
    uint32_t access = tree->maximal_access;
    pthread_mutex_unlock(&tree->lock);
    return access;
}

bool srv_tree_read_only(struct srv_tree *tree)
{
    pthread_mutex_lock(&tree->lock);
    bool read_only = tree->share.read_only;
    pthread_mutex_unlock(&tree->lock);
    return read_only;
}

void srv_share_info_clear(struct srv_share_info *info)
{
    free(info->sd);
    info->sd = NULL;
    info->sd_len = 0;
}
