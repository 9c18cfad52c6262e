/* libnss_samewise: the cache, and lsassd asked through lsass_call
 * (nss_client.h says the rules). */
#include "nss/nss_client.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lsass/client/protocol.h"
#include "nss/lsass_call.h"

static pthread_mutex_t state_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t fork_handler_once = PTHREAD_ONCE_INIT;
static bool config_loaded;
static struct sw_client_config config;
static struct timespec down_until; /* lsassd timed out: do not ask before this */

/* ---- The cache -------------------------------------------------------------- */

/* A few dozen recent answers (found and not found), each for
 * config.cache_seconds: `ls -l` of a folder asks for the same few owners
 * over and over. Keyed by the request itself (opcode and body). */
#define CACHE_SLOTS 64

struct cache_slot {
    uint32_t opcode;
    uint8_t *request;
    size_t request_len;
    enum nss_answer answer;
    uint8_t *body;
    size_t body_len;
    struct timespec expires;
};

static struct cache_slot cache[CACHE_SLOTS];
static unsigned cache_next; /* the slot the next new answer replaces */

static bool before(const struct timespec *a, const struct timespec *b)
{
    return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

/* state_lock held. */
static struct cache_slot *cache_find(uint32_t opcode, const uint8_t *req, size_t req_len)
{
    struct timespec now = lsass_call_clock_after(0);
    for (unsigned i = 0; i < CACHE_SLOTS; i++) {
        struct cache_slot *s = &cache[i];
        if (s->request && s->opcode == opcode && s->request_len == req_len && memcmp(s->request, req, req_len) == 0)
            return before(&now, &s->expires) ? s : NULL;
    }
    return NULL;
}

/* state_lock held. Allocation failures just leave the answer uncached. */
static void cache_store(uint32_t opcode, const uint8_t *req, size_t req_len, enum nss_answer answer,
                        const uint8_t *body, size_t body_len)
{
    if (!config.cache_seconds || answer == NSS_ANSWER_UNAVAILABLE)
        return;
    struct cache_slot *s = NULL;
    for (unsigned i = 0; i < CACHE_SLOTS && !s; i++)
        if (cache[i].request && cache[i].opcode == opcode && cache[i].request_len == req_len &&
            memcmp(cache[i].request, req, req_len) == 0)
            s = &cache[i];
    if (!s) {
        s = &cache[cache_next];
        cache_next = (cache_next + 1) % CACHE_SLOTS;
    }
    free(s->request);
    free(s->body);
    memset(s, 0, sizeof *s);
    s->request = malloc(req_len ? req_len : 1);
    s->body = malloc(body_len ? body_len : 1);
    if (!s->request || !s->body) {
        free(s->request);
        free(s->body);
        memset(s, 0, sizeof *s);
        return;
    }
    memcpy(s->request, req, req_len);
    if (body_len)
        memcpy(s->body, body, body_len);
    s->opcode = opcode;
    s->request_len = req_len;
    s->answer = answer;
    s->body_len = body_len;
    s->expires = lsass_call_clock_after(config.cache_seconds * 1000);
}

/* After fork, in the child: it has one thread, and a lock that another
 * thread of the parent held at that moment would stay locked for ever.
 * So the child starts afresh: new locks, an empty cache (the old entries
 * are dropped, never freed: another thread may have been changing them)
 * and no enumeration in progress. */
static void after_fork_in_child(void)
{
    pthread_mutex_init(&state_lock, NULL);
    memset(cache, 0, sizeof cache);
    cache_next = 0;
    nss_enumerations_after_fork();
}

static void register_fork_handler(void)
{
    pthread_atfork(NULL, NULL, after_fork_in_child);
}

void nss_fork_safety(void)
{
    /* On first use rather than in a constructor: the module has none. */
    pthread_once(&fork_handler_once, register_fork_handler);
}

/* Inside lsassd (whose Unix account lookups go through NSS) asking lsassd
 * would only wait for itself. lsassd exports the symbol looked for. */
static bool inside_lsassd(void)
{
    static int known; /* 0 not yet asked, 1 no, 2 yes */
    int k = __atomic_load_n(&known, __ATOMIC_ACQUIRE);
    if (!k) {
        k = dlsym(RTLD_DEFAULT, "samewise_lsassd_no_nss") ? 2 : 1;
        __atomic_store_n(&known, k, __ATOMIC_RELEASE);
    }
    return k == 2;
}

enum nss_answer nss_ask(uint32_t opcode, const uint8_t *req, size_t req_len, bool cacheable, uint8_t **body,
                        size_t *body_len)
{
    struct sw_client_config c;
    *body = NULL;
    *body_len = 0;
    nss_fork_safety();
    if (inside_lsassd())
        return NSS_ANSWER_UNAVAILABLE;

    pthread_mutex_lock(&state_lock);
    if (!config_loaded) {
        sw_client_config_load(&config, NULL);
        config_loaded = true;
    }
    c = config;
    struct timespec now = lsass_call_clock_after(0);
    if (before(&now, &down_until)) {
        pthread_mutex_unlock(&state_lock);
        return NSS_ANSWER_UNAVAILABLE;
    }
    struct cache_slot *hit = cacheable ? cache_find(opcode, req, req_len) : NULL;
    if (hit) {
        enum nss_answer answer = hit->answer;
        if (answer == NSS_ANSWER_FOUND) {
            *body = malloc(hit->body_len ? hit->body_len : 1);
            if (*body) {
                memcpy(*body, hit->body, hit->body_len);
                *body_len = hit->body_len;
            } else {
                answer = NSS_ANSWER_UNAVAILABLE;
            }
        }
        pthread_mutex_unlock(&state_lock);
        return answer;
    }
    pthread_mutex_unlock(&state_lock);

    struct buf answer_body;
    uint32_t status = 0;
    buf_init(&answer_body);
    /* lsassd refuses public connections beyond its per-uid limit by
     * closing them: many processes of one user looking names up at once
     * (xargs -P, a busy daemon) try again a few times, still within the
     * one timeout. Lookups are idempotent, so a retry is harmless. */
    struct timespec deadline = lsass_call_clock_after(c.timeout_ms);
    enum lsass_call_result called = LSASS_CALL_ERROR;
    for (unsigned attempt = 0; attempt < 6; attempt++) {
        struct timespec at = lsass_call_clock_after(0);
        int64_t left_ms = (int64_t)(deadline.tv_sec - at.tv_sec) * 1000 + (deadline.tv_nsec - at.tv_nsec) / 1000000;
        if (left_ms <= 0)
            break;
        buf_reset(&answer_body);
        called = lsass_call(c.public_socket, (unsigned)left_ms, opcode, req, req_len, &status, &answer_body);
        if (called != LSASS_CALL_DROPPED)
            break;
        struct timespec pause = { 0, (long)(5 + 15 * attempt) * 1000000L };
        nanosleep(&pause, NULL);
    }
    bool timed_out = called == LSASS_CALL_TIMEOUT;
    enum nss_answer answer = NSS_ANSWER_UNAVAILABLE;
    if (called == LSASS_CALL_OK && status == STATUS_SUCCESS)
        answer = NSS_ANSWER_FOUND;
    else if (called == LSASS_CALL_OK && (status == STATUS_NO_SUCH_USER || status == STATUS_NO_SUCH_GROUP))
        answer = NSS_ANSWER_NOT_FOUND;

    pthread_mutex_lock(&state_lock);
    if (timed_out)
        down_until = lsass_call_clock_after(NSS_DOWN_SECONDS * 1000);
    if (cacheable)
        cache_store(opcode, req, req_len, answer, answer_body.data, answer_body.len);
    pthread_mutex_unlock(&state_lock);

    if (answer == NSS_ANSWER_FOUND) {
        *body = answer_body.len ? buf_steal(&answer_body, body_len) : malloc(1);
        if (!*body) {
            *body_len = 0;
            answer = NSS_ANSWER_UNAVAILABLE;
        }
    }
    buf_free(&answer_body);
    return answer;
}
