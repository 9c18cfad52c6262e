/* Open limits: srv.max-opens-per-session and srv.max-opens-per-user.
 *
 * Every open holds a file descriptor in lwiod (pvfs) or a pipe instance
 * (npfs), and lwiod can hold only RLIMIT_NOFILE of them in all. Without a
 * bound per user, one client that pipelines CREATEs takes every descriptor
 * and every other user gets STATUS_TOO_MANY_OPENED_FILES. So each open is
 * charged, before its IoCreateFile, to two counts: its session's and its
 * user's (by SID, across all of the user's sessions and connections). A
 * charge past either limit refuses that CREATE alone, with
 * STATUS_TOO_MANY_OPENED_FILES; other users are not touched.
 *
 * The charge lives as long as the srv_open object (released by the last
 * srv_open_unref, which comes after its close completed): a CREATE in
 * flight counts, and so does an open whose close is still running, because
 * both hold a descriptor. A durable open that outlives its session keeps
 * its charges (the session's count is reference counted for that).
 *
 * engine->quota_lock is a leaf lock: nothing else is taken under it. */
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "drivers/srv/server.h"
#include "lib/log.h"

struct srv_open_quota {
    struct srv_open_quota *next; /* engine->user_quotas (user counts only) */
    uint32_t count;              /* opens charged */
    uint32_t refs;               /* session counts: the session + its charged opens */
    bool is_user;
    struct sid user;
};

/* The part of RLIMIT_NOFILE one user may take by default: a quarter, so
 * that the descriptors a single user can hold leave three quarters to the
 * others, to sockets and to lwiod itself. */
#define SRV_USER_SHARE_OF_NOFILE 4
/* An unlimited or huge hard limit is counted as Linux's default fs.nr_open. */
#define SRV_NOFILE_CEILING 1048576u

uint32_t srv_open_limit_nofile(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return 1024;
    /* The soft limit is what the process can hold now (lwiod raises it to
     * the hard limit at start); read at each CREATE, so a raise counts. */
    rlim_t n = rl.rlim_cur;
    if (n == RLIM_INFINITY || n > SRV_NOFILE_CEILING)
        n = SRV_NOFILE_CEILING;
    return (uint32_t)n;
}

void srv_open_limits_resolve(const struct srv_config *config, uint32_t *per_session,
                             uint32_t *per_user)
{
    uint32_t user = config->max_opens_per_user;
    if (user == 0)
        user = srv_open_limit_nofile() / SRV_USER_SHARE_OF_NOFILE;
    if (user == 0)
        user = 1;
    uint32_t session = config->max_opens_per_session;
    if (session == 0 || session > user)
        session = user;
    *per_session = session;
    *per_user = user;
}

static struct srv_open_quota *user_quota_locked(struct srv_engine *e, const struct sid *user)
{
    for (struct srv_open_quota *q = e->user_quotas; q; q = q->next)
        if (sid_equal(&q->user, user))
            return q;
    struct srv_open_quota *q = calloc(1, sizeof *q);
    if (!q)
        return NULL;
    q->is_user = true;
    q->user = *user;
    q->next = e->user_quotas;
    e->user_quotas = q;
    return q;
}

static void user_quota_drop_locked(struct srv_engine *e, struct srv_open_quota *q)
{
    if (q->count > 0)
        return;
    for (struct srv_open_quota **p = &e->user_quotas; *p; p = &(*p)->next) {
        if (*p == q) {
            *p = q->next;
            free(q);
            return;
        }
    }
}

static void session_quota_unref_locked(struct srv_open_quota *q)
{
    if (--q->refs == 0)
        free(q);
}

NTSTATUS srv_open_charge(struct srv_open *open, struct srv_session *session)
{
    struct srv_engine *e = open->engine;
    /* A session without a token (none should reach CREATE) counts as the
     * anonymous logon, like the null sessions: they share one count. */
    struct sid user = SID_ANONYMOUS;
    pthread_mutex_lock(&session->lock);
    if (session->token)
        user = session->token->user;
    pthread_mutex_unlock(&session->lock);

    uint32_t per_session, per_user;
    /* The snapshot in force now: a changed limit applies to the next CREATE. */
    const struct srv_config *settings = srv_settings_hold(e);
    srv_open_limits_resolve(settings, &per_session, &per_user);
    srv_settings_release(settings);
    NTSTATUS status = STATUS_SUCCESS;
    const char *which = NULL;
    pthread_mutex_lock(&e->quota_lock);
    if (!session->open_quota) {
        session->open_quota = calloc(1, sizeof *session->open_quota);
        if (session->open_quota)
            session->open_quota->refs = 1; /* the session's */
    }
    struct srv_open_quota *sq = session->open_quota;
    struct srv_open_quota *uq = sq ? user_quota_locked(e, &user) : NULL;
    if (!sq || !uq) {
        status = STATUS_INSUFFICIENT_RESOURCES;
    } else if (sq->count >= per_session) {
        status = STATUS_TOO_MANY_OPENED_FILES;
        which = "srv.max-opens-per-session";
    } else if (uq->count >= per_user) {
        status = STATUS_TOO_MANY_OPENED_FILES;
        which = "srv.max-opens-per-user";
    }
    if (status == STATUS_SUCCESS) {
        sq->count++;
        sq->refs++;
        uq->count++;
        open->session_quota = sq;
        open->user_quota = uq;
    } else if (uq) {
        user_quota_drop_locked(e, uq); /* made for nothing */
    }
    pthread_mutex_unlock(&e->quota_lock);
    /* A client can trigger this at will: debug level only. */
    if (which)
        log_debug("srv: session 0x%llx: CREATE refused, %s reached",
                  (unsigned long long)session->id, which);
    return status;
}

void srv_open_uncharge(struct srv_open *open)
{
    if (!open->session_quota && !open->user_quota)
        return;
    struct srv_engine *e = open->engine;
    pthread_mutex_lock(&e->quota_lock);
    if (open->user_quota) {
        open->user_quota->count--;
        user_quota_drop_locked(e, open->user_quota);
        open->user_quota = NULL;
    }
    if (open->session_quota) {
        open->session_quota->count--;
        session_quota_unref_locked(open->session_quota);
        open->session_quota = NULL;
    }
    pthread_mutex_unlock(&e->quota_lock);
}

void srv_session_release_open_quota(struct srv_session *session)
{
    if (!session->open_quota)
        return;
    struct srv_engine *e = session->engine;
    pthread_mutex_lock(&e->quota_lock);
    session_quota_unref_locked(session->open_quota);
    session->open_quota = NULL;
    pthread_mutex_unlock(&e->quota_lock);
}

void srv_open_quotas_free(struct srv_engine *e)
{
    /* Every open is gone by now; entries left would be a counting bug. */
    while (e->user_quotas) {
        struct srv_open_quota *q = e->user_quotas;
        e->user_quotas = q->next;
        free(q);
    }
}
