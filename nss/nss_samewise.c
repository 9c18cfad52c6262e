/* libnss_samewise.so.2: the SAM's users and groups for glibc's NSS
 * (nsswitch.conf: "passwd: files samewise", "group: files samewise").
 *
 * The entry points glibc looks up by name (_nss_samewise_*) are the only
 * symbols exported (nss/exports.map). Each asks lsassd through
 * nss_client.c and copies the answer into the caller's buffer: a buffer too
 * small gives NSS_STATUS_TRYAGAIN with ERANGE, and glibc calls again with a
 * bigger one (an enumeration then returns the same entry again). lsassd down
 * or hung: NSS_STATUS_UNAVAIL, so the lookup ends as "not found". */
#include <errno.h>
#include <grp.h>
#include <nss.h>
#include <pthread.h>
#include <pwd.h>
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include "lsass/client/protocol.h"
#include "nss/nss_client.h"

#define EXPORT __attribute__((visibility("default")))

/* The entry points (glibc's <nss.h> declares none of them). */
EXPORT enum nss_status _nss_samewise_getpwnam_r(const char *name, struct passwd *pw, char *buffer, size_t buflen,
                                                int *errnop);
EXPORT enum nss_status _nss_samewise_getpwuid_r(uid_t uid, struct passwd *pw, char *buffer, size_t buflen,
                                                int *errnop);
EXPORT enum nss_status _nss_samewise_setpwent(int stayopen);
EXPORT enum nss_status _nss_samewise_getpwent_r(struct passwd *pw, char *buffer, size_t buflen, int *errnop);
EXPORT enum nss_status _nss_samewise_endpwent(void);
EXPORT enum nss_status _nss_samewise_getgrnam_r(const char *name, struct group *gr, char *buffer, size_t buflen,
                                                int *errnop);
EXPORT enum nss_status _nss_samewise_getgrgid_r(gid_t gid, struct group *gr, char *buffer, size_t buflen,
                                                int *errnop);
EXPORT enum nss_status _nss_samewise_setgrent(int stayopen);
EXPORT enum nss_status _nss_samewise_getgrent_r(struct group *gr, char *buffer, size_t buflen, int *errnop);
EXPORT enum nss_status _nss_samewise_endgrent(void);
EXPORT enum nss_status _nss_samewise_initgroups_dyn(const char *user, gid_t group, long int *start,
                                                    long int *size, gid_t **groupsp, long int limit, int *errnop);

/* ---- Filling the caller's structures -------------------------------------- */

/* Bump allocation in the caller's buffer. */
struct arena {
    char *at;
    size_t left;
};

static char *arena_string(struct arena *a, const char *s)
{
    size_t n = strlen(s) + 1;
    if (n > a->left)
        return NULL;
    char *p = a->at;
    memcpy(p, s, n);
    a->at += n;
    a->left -= n;
    return p;
}

static void *arena_aligned(struct arena *a, size_t size, size_t align)
{
    size_t pad = (align - (uintptr_t)a->at % align) % align;
    if (pad > a->left || size > a->left - pad)
        return NULL;
    void *p = a->at + pad;
    a->at += pad + size;
    a->left -= pad + size;
    return p;
}

static enum nss_status fill_passwd(const struct lsass_passwd *in, struct passwd *pw, char *buffer, size_t buflen,
                                   int *errnop)
{
    struct arena a = { buffer, buflen };
    pw->pw_name = arena_string(&a, in->name);
    pw->pw_passwd = arena_string(&a, "x");
    pw->pw_gecos = arena_string(&a, in->gecos);
    pw->pw_dir = arena_string(&a, in->home);
    pw->pw_shell = arena_string(&a, in->shell);
    pw->pw_uid = (uid_t)in->uid;
    pw->pw_gid = (gid_t)in->gid;
    if (!pw->pw_name || !pw->pw_passwd || !pw->pw_gecos || !pw->pw_dir || !pw->pw_shell) {
        *errnop = ERANGE;
        return NSS_STATUS_TRYAGAIN;
    }
    return NSS_STATUS_SUCCESS;
}

static enum nss_status fill_group(const struct lsass_group *in, struct group *gr, char *buffer, size_t buflen,
                                  int *errnop)
{
    struct arena a = { buffer, buflen };
    char **members = arena_aligned(&a, (in->member_count + 1) * sizeof(char *), alignof(char *));
    gr->gr_name = arena_string(&a, in->name);
    gr->gr_passwd = arena_string(&a, "x");
    gr->gr_gid = (gid_t)in->gid;
    bool ok = members && gr->gr_name && gr->gr_passwd;
    for (size_t i = 0; ok && i < in->member_count; i++)
        ok = (members[i] = arena_string(&a, in->members[i])) != NULL;
    if (!ok) {
        *errnop = ERANGE;
        return NSS_STATUS_TRYAGAIN;
    }
    members[in->member_count] = NULL;
    gr->gr_mem = members;
    return NSS_STATUS_SUCCESS;
}

/* An answer that does not parse is lsassd misbehaving: unavailable. */
static enum nss_status unavailable(int *errnop)
{
    *errnop = ENOENT;
    return NSS_STATUS_UNAVAIL;
}

static enum nss_status not_found(int *errnop)
{
    *errnop = ENOENT;
    return NSS_STATUS_NOTFOUND;
}

/* ---- Single lookups ----------------------------------------------------------- */

/* Builds a request carrying one name (false if it cannot: too long, or
 * empty, which no account is called). */
static bool name_request(struct buf *req, const char *name)
{
    if (!name || !name[0] || strlen(name) > LSASS_MAX_STRING)
        return false;
    lsass_put_string(req, name);
    return wr_ok(req);
}

/* Reads one entry at r into the caller's structure: NSS_STATUS_SUCCESS,
 * NSS_STATUS_TRYAGAIN with ERANGE, or NSS_STATUS_UNAVAIL if malformed. */
typedef enum nss_status (*entry_reader)(struct buf_reader *r, void *result, char *buffer, size_t buflen,
                                        int *errnop);

static enum nss_status read_passwd(struct buf_reader *r, void *result, char *buffer, size_t buflen, int *errnop)
{
    struct lsass_passwd entry;
    enum nss_status status = lsass_get_passwd(r, &entry) ? fill_passwd(&entry, result, buffer, buflen, errnop)
                                                         : unavailable(errnop);
    lsass_passwd_clear(&entry);
    return status;
}

static enum nss_status read_group(struct buf_reader *r, void *result, char *buffer, size_t buflen, int *errnop)
{
    struct lsass_group entry;
    enum nss_status status = lsass_get_group(r, &entry) ? fill_group(&entry, result, buffer, buflen, errnop)
                                                        : unavailable(errnop);
    lsass_group_clear(&entry);
    return status;
}

/* One entry by name or id: the answer must be exactly one entry. */
static enum nss_status lookup(uint32_t opcode, const struct buf *req, entry_reader read, void *result,
                              char *buffer, size_t buflen, int *errnop)
{
    uint8_t *body;
    size_t len;
    enum nss_answer answer = nss_ask(opcode, req->data, req->len, true, &body, &len);
    if (answer != NSS_ANSWER_FOUND)
        return answer == NSS_ANSWER_NOT_FOUND ? not_found(errnop) : unavailable(errnop);
    struct buf_reader r;
    rd_init(&r, body, len);
    enum nss_status status = read(&r, result, buffer, buflen, errnop);
    if (status == NSS_STATUS_SUCCESS && rd_remaining(&r) != 0)
        status = unavailable(errnop);
    free(body);
    return status;
}

/* A lookup by name (a name no account can have is not found without
 * asking) or by id. */
static enum nss_status by_name(uint32_t opcode, const char *name, entry_reader read, void *result, char *buffer,
                               size_t buflen, int *errnop)
{
    struct buf req;
    buf_init(&req);
    enum nss_status status = name_request(&req, name) ? lookup(opcode, &req, read, result, buffer, buflen, errnop)
                                                      : not_found(errnop);
    buf_free(&req);
    return status;
}

static enum nss_status by_id(uint32_t opcode, uint32_t id, entry_reader read, void *result, char *buffer,
                             size_t buflen, int *errnop)
{
    struct buf req;
    buf_init(&req);
    wr_u32(&req, id);
    enum nss_status status = wr_ok(&req) ? lookup(opcode, &req, read, result, buffer, buflen, errnop)
                                         : unavailable(errnop);
    buf_free(&req);
    return status;
}

enum nss_status _nss_samewise_getpwnam_r(const char *name, struct passwd *pw, char *buffer, size_t buflen,
                                         int *errnop)
{
    return by_name(LSASS_OP_GETPWNAM, name, read_passwd, pw, buffer, buflen, errnop);
}

enum nss_status _nss_samewise_getpwuid_r(uid_t uid, struct passwd *pw, char *buffer, size_t buflen, int *errnop)
{
    return by_id(LSASS_OP_GETPWUID, (uint32_t)uid, read_passwd, pw, buffer, buflen, errnop);
}

enum nss_status _nss_samewise_getgrnam_r(const char *name, struct group *gr, char *buffer, size_t buflen,
                                         int *errnop)
{
    return by_name(LSASS_OP_GETGRNAM, name, read_group, gr, buffer, buflen, errnop);
}

enum nss_status _nss_samewise_getgrgid_r(gid_t gid, struct group *gr, char *buffer, size_t buflen, int *errnop)
{
    return by_id(LSASS_OP_GETGRGID, (uint32_t)gid, read_group, gr, buffer, buflen, errnop);
}

/* ---- Enumeration --------------------------------------------------------------- */

/* One enumeration (passwd or group) of the process: the page in hand, where
 * in it the next entry is, and where the next page starts. glibc
 * serialises set/get/end*ent per database; the lock also covers callers
 * that do not go through glibc's wrappers. */
#define MAX_PAGES 100000 /* a runaway server cannot keep a caller looping */

struct enumeration {
    pthread_mutex_t lock;
    uint32_t opcode;
    uint8_t *page;       /* the current page's body */
    size_t page_len;
    struct buf_reader reader; /* at the next entry of the page */
    uint32_t left;       /* entries of the page not yet returned */
    bool more;           /* pages after this one */
    uint32_t next_start; /* where the next page starts */
    unsigned pages;
    bool started;
    bool stuck;          /* lsassd's pages stopped moving forward */
};

static struct enumeration pw_enum = { .lock = PTHREAD_MUTEX_INITIALIZER, .opcode = LSASS_OP_ENUM_PASSWD };
static struct enumeration gr_enum = { .lock = PTHREAD_MUTEX_INITIALIZER, .opcode = LSASS_OP_ENUM_GROUP };

void nss_enumerations_after_fork(void)
{
    struct enumeration *all[] = { &pw_enum, &gr_enum };
    for (size_t i = 0; i < 2; i++) {
        pthread_mutex_init(&all[i]->lock, NULL);
        all[i]->page = NULL; /* dropped, not freed: see nss_client.c */
        all[i]->left = 0;
        all[i]->started = false;
    }
}

static void enum_reset(struct enumeration *e)
{
    free(e->page);
    e->page = NULL;
    e->page_len = 0;
    e->left = 0;
    e->more = true;
    e->next_start = 0;
    e->pages = 0;
    e->started = true;
    e->stuck = false;
}

/* Fetches the next page: NSS_STATUS_SUCCESS (maybe an empty page),
 * NSS_STATUS_NOTFOUND at the end, NSS_STATUS_UNAVAIL. e->lock held. */
static enum nss_status enum_next_page(struct enumeration *e)
{
    if (e->stuck)
        return NSS_STATUS_UNAVAIL;
    if (!e->more || e->pages >= MAX_PAGES)
        return NSS_STATUS_NOTFOUND;
    struct buf req;
    uint8_t *body;
    size_t len;
    buf_init(&req);
    wr_u32(&req, e->next_start);
    enum nss_answer answer = wr_ok(&req) ? nss_ask(e->opcode, req.data, req.len, false, &body, &len)
                                         : NSS_ANSWER_UNAVAILABLE;
    buf_free(&req);
    if (answer == NSS_ANSWER_NOT_FOUND) {
        e->more = false;
        return NSS_STATUS_NOTFOUND;
    }
    if (answer != NSS_ANSWER_FOUND)
        return NSS_STATUS_UNAVAIL;
    free(e->page);
    e->page = body;
    e->page_len = len;
    rd_init(&e->reader, body, len);
    uint32_t more = rd_u32(&e->reader), next = rd_u32(&e->reader);
    e->left = rd_u32(&e->reader);
    if (!rd_ok(&e->reader) || more > 1) {
        e->more = false;
        e->left = 0;
        return NSS_STATUS_UNAVAIL;
    }
    /* A next page that does not move forward would loop forever: this
     * page's entries are returned, then the enumeration ends as
     * unavailable. */
    e->stuck = more && next <= e->next_start;
    e->more = more == 1 && !e->stuck;
    e->next_start = next;
    e->pages++;
    return NSS_STATUS_SUCCESS;
}

/* Moves to an entry to return: SUCCESS with e->reader at it, or the end. */
static enum nss_status enum_advance(struct enumeration *e)
{
    if (!e->started)
        enum_reset(e);
    /* Empty pages (all entries of a range gone meanwhile) are skipped, up to
     * MAX_PAGES in all. */
    while (e->left == 0) {
        enum nss_status status = enum_next_page(e);
        if (status != NSS_STATUS_SUCCESS)
            return status;
    }
    return NSS_STATUS_SUCCESS;
}

static enum nss_status enum_set(struct enumeration *e)
{
    nss_fork_safety();
    pthread_mutex_lock(&e->lock);
    enum_reset(e);
    pthread_mutex_unlock(&e->lock);
    return NSS_STATUS_SUCCESS;
}

static enum nss_status enum_end(struct enumeration *e)
{
    nss_fork_safety();
    pthread_mutex_lock(&e->lock);
    free(e->page);
    e->page = NULL;
    e->page_len = 0;
    e->left = 0;
    e->started = false;
    pthread_mutex_unlock(&e->lock);
    return NSS_STATUS_SUCCESS;
}

enum nss_status _nss_samewise_setpwent(int stayopen)
{
    (void)stayopen;
    return enum_set(&pw_enum);
}

enum nss_status _nss_samewise_endpwent(void)
{
    return enum_end(&pw_enum);
}

/* The next entry of e into the caller's structure. */
static enum nss_status enum_get(struct enumeration *e, entry_reader read, void *result, char *buffer,
                                size_t buflen, int *errnop)
{
    nss_fork_safety();
    pthread_mutex_lock(&e->lock);
    enum nss_status status = enum_advance(e);
    if (status == NSS_STATUS_SUCCESS) {
        /* Read from a copy of the reader: after ERANGE the same entry is
         * returned by the next call. */
        struct buf_reader r = e->reader;
        status = read(&r, result, buffer, buflen, errnop);
        if (status == NSS_STATUS_SUCCESS) {
            e->reader = r;
            e->left--;
        } else if (status == NSS_STATUS_UNAVAIL) {
            e->left = 0;
            e->more = false;
        }
    }
    pthread_mutex_unlock(&e->lock);
    if (status == NSS_STATUS_NOTFOUND || status == NSS_STATUS_UNAVAIL)
        *errnop = ENOENT;
    return status;
}

enum nss_status _nss_samewise_getpwent_r(struct passwd *pw, char *buffer, size_t buflen, int *errnop)
{
    return enum_get(&pw_enum, read_passwd, pw, buffer, buflen, errnop);
}

enum nss_status _nss_samewise_setgrent(int stayopen)
{
    (void)stayopen;
    return enum_set(&gr_enum);
}

enum nss_status _nss_samewise_endgrent(void)
{
    return enum_end(&gr_enum);
}

enum nss_status _nss_samewise_getgrent_r(struct group *gr, char *buffer, size_t buflen, int *errnop)
{
    return enum_get(&gr_enum, read_group, gr, buffer, buflen, errnop);
}

/* ---- initgroups --------------------------------------------------------------- */

/* Appends gid to the caller's array unless it is there already, growing it
 * up to limit (<= 0: no limit). false only when memory runs out. */
static bool add_gid(gid_t gid, long int *start, long int *size, gid_t **groupsp, long int limit)
{
    for (long int i = 0; i < *start; i++)
        if ((*groupsp)[i] == gid)
            return true;
    if (limit > 0 && *start >= limit)
        return true; /* full: the rest is dropped, as glibc's own modules do */
    if (*start == *size) {
        long int grown = *size > 0 ? *size * 2 : 16;
        if (limit > 0 && grown > limit)
            grown = limit;
        gid_t *bigger = realloc(*groupsp, (size_t)grown * sizeof(gid_t));
        if (!bigger)
            return false;
        *groupsp = bigger;
        *size = grown;
    }
    (*groupsp)[(*start)++] = gid;
    return true;
}

enum nss_status _nss_samewise_initgroups_dyn(const char *user, gid_t group, long int *start, long int *size,
                                             gid_t **groupsp, long int limit, int *errnop)
{
    struct buf req;
    uint8_t *body;
    size_t len;
    buf_init(&req);
    if (!name_request(&req, user)) {
        buf_free(&req);
        return not_found(errnop);
    }
    enum nss_answer answer = nss_ask(LSASS_OP_INITGROUPS, req.data, req.len, true, &body, &len);
    buf_free(&req);
    if (answer != NSS_ANSWER_FOUND)
        return answer == NSS_ANSWER_NOT_FOUND ? not_found(errnop) : unavailable(errnop);
    struct buf_reader r;
    rd_init(&r, body, len);
    uint32_t count = rd_u32(&r);
    enum nss_status status = NSS_STATUS_SUCCESS;
    if (!rd_ok(&r) || count > LSASS_MAX_USER_GROUPS || rd_remaining(&r) != (size_t)count * 4) {
        status = unavailable(errnop);
    } else {
        for (uint32_t i = 0; i < count; i++) {
            gid_t gid = (gid_t)rd_u32(&r);
            /* group is the primary group the caller already has. */
            if (gid != group && !add_gid(gid, start, size, groupsp, limit)) {
                *errnop = ENOMEM;
                status = NSS_STATUS_TRYAGAIN;
                break;
            }
        }
    }
    free(body);
    return status;
}
