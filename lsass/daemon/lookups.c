/* The NSS lookups: passwd and group entries of the SAM's accounts (from
 * lsass/idmap), for libnss_samewise.so.2 in every process of the machine.
 *
 * Anyone may ask (the same names and ids `getent` shows from /etc/passwd),
 * so each answer is bounded: a page of an enumeration holds at most
 * LSASS_ENUM_PAGE entries or about LSASS_ENUM_PAGE_BYTES, a group at most
 * LSASS_MAX_GROUP_MEMBERS members, a user at most LSASS_MAX_USER_GROUPS
 * groups. Lookups share one registry connection (d->lookup_reg). */
#include <stdlib.h>

#include "lsass/client/protocol.h"
#include "lsass/daemon/lsassd.h"
#include "lsass/idmap/idmap.h"

static void put_passwd(struct buf *out, const struct idmap_passwd *pw)
{
    lsass_put_passwd(out, pw->name, (uint32_t)pw->uid, (uint32_t)pw->gid, pw->gecos, pw->home, pw->shell);
}

static void put_group(struct buf *out, const struct idmap_group *gr)
{
    size_t count = gr->member_count < LSASS_MAX_GROUP_MEMBERS ? gr->member_count : LSASS_MAX_GROUP_MEMBERS;
    lsass_put_group_header(out, gr->name, (uint32_t)gr->gid, (uint32_t)count);
    for (size_t i = 0; i < count; i++)
        lsass_put_string(out, gr->members[i]);
}

/* An uninitialised SAM simply has no accounts. */
static NTSTATUS not_found(NTSTATUS status, NTSTATUS missing)
{
    if (status == STATUS_INVALID_DEVICE_STATE || status == STATUS_NONE_MAPPED || status == STATUS_NO_SUCH_USER ||
        status == STATUS_NO_SUCH_GROUP)
        return missing;
    return status;
}

/* A list sorted by id (uid or gid, unique), as idmap gives them. */
struct sorted_list {
    const void *entries;
    size_t count;
    uint32_t (*id_at)(const void *entries, size_t i);
    void (*put_at)(struct buf *out, const void *entries, size_t i);
};

/* One page: the entries from id start on, as many as fit, after
 *   u32 more, u32 next start, u32 count.
 * The next page starts at the id of the first entry not sent, so accounts
 * made or removed between pages never make one appear twice. */
static NTSTATUS put_page(const struct sorted_list *l, uint32_t start, struct buf *out)
{
    size_t more_at = wr_reserve(out, 8), count_at = wr_reserve(out, 4), i = 0;
    uint32_t count = 0;
    while (i < l->count && l->id_at(l->entries, i) < start)
        i++;
    for (; i < l->count && count < LSASS_ENUM_PAGE && out->len - count_at < LSASS_ENUM_PAGE_BYTES; i++, count++)
        l->put_at(out, l->entries, i);
    wr_put_u32_at(out, more_at, i < l->count ? 1 : 0);
    wr_put_u32_at(out, more_at + 4, i < l->count ? l->id_at(l->entries, i) : 0);
    wr_put_u32_at(out, count_at, count);
    return wr_ok(out) ? STATUS_SUCCESS : STATUS_NO_MEMORY;
}

static uint32_t passwd_id(const void *entries, size_t i)
{
    return (uint32_t)((const struct idmap_passwd *)entries)[i].uid;
}

static void passwd_put(struct buf *out, const void *entries, size_t i)
{
    put_passwd(out, &((const struct idmap_passwd *)entries)[i]);
}

static uint32_t group_id(const void *entries, size_t i)
{
    return (uint32_t)((const struct idmap_group *)entries)[i].gid;
}

static void group_put(struct buf *out, const void *entries, size_t i)
{
    put_group(out, &((const struct idmap_group *)entries)[i]);
}

static NTSTATUS enum_passwd(struct registry *reg, uint32_t start, struct buf *out)
{
    struct idmap_passwd *list = NULL;
    size_t count = 0;
    NTSTATUS status = idmap_passwd_list(reg, &list, &count);
    if (status == STATUS_INVALID_DEVICE_STATE) /* no SAM yet: nobody to list */
        status = STATUS_SUCCESS, list = NULL, count = 0;
    if (!NT_SUCCESS(status))
        return status;
    struct sorted_list l = { list, count, passwd_id, passwd_put };
    status = put_page(&l, start, out);
    idmap_passwd_list_free(list, count);
    return status;
}

static NTSTATUS enum_group(struct registry *reg, uint32_t start, struct buf *out)
{
    struct idmap_group *list = NULL;
    size_t count = 0;
    NTSTATUS status = idmap_group_list(reg, &list, &count);
    if (status == STATUS_INVALID_DEVICE_STATE)
        status = STATUS_SUCCESS, list = NULL, count = 0;
    if (!NT_SUCCESS(status))
        return status;
    struct sorted_list l = { list, count, group_id, group_put };
    status = put_page(&l, start, out);
    idmap_group_list_free(list, count);
    return status;
}

static NTSTATUS initgroups(struct registry *reg, const char *name, struct buf *out)
{
    gid_t *gids = NULL;
    size_t count = 0;
    NTSTATUS status = idmap_user_gids(reg, name, &gids, &count);
    if (!NT_SUCCESS(status))
        return not_found(status, STATUS_NO_SUCH_USER);
    if (count > LSASS_MAX_USER_GROUPS)
        count = LSASS_MAX_USER_GROUPS;
    wr_u32(out, (uint32_t)count);
    for (size_t i = 0; i < count; i++)
        wr_u32(out, (uint32_t)gids[i]);
    free(gids);
    return wr_ok(out) ? STATUS_SUCCESS : STATUS_NO_MEMORY;
}

/* Reads the one string or the one u32 a lookup carries. */
static bool read_name(struct buf_reader *r, char **name)
{
    *name = lsass_get_string(r);
    return *name && (*name)[0] && rd_ok(r) && rd_remaining(r) == 0;
}

static bool read_id(struct buf_reader *r, uint32_t *id)
{
    *id = rd_u32(r);
    return rd_ok(r) && rd_remaining(r) == 0;
}

static NTSTATUS lookup_locked(struct registry *reg, uint32_t opcode, struct buf_reader *r, struct buf *out)
{
    struct idmap_passwd pw;
    struct idmap_group gr;
    char *name = NULL;
    uint32_t id = 0;
    NTSTATUS status;
    bool by_name = opcode == LSASS_OP_GETPWNAM || opcode == LSASS_OP_GETGRNAM || opcode == LSASS_OP_INITGROUPS;
    if (by_name ? !read_name(r, &name) : !read_id(r, &id)) {
        free(name);
        return STATUS_INVALID_PARAMETER;
    }
    switch (opcode) {
    case LSASS_OP_GETPWNAM:
    case LSASS_OP_GETPWUID:
        status = opcode == LSASS_OP_GETPWNAM ? idmap_passwd_by_name(reg, name, &pw)
                                             : idmap_passwd_by_uid(reg, (uid_t)id, &pw);
        if (NT_SUCCESS(status)) {
            put_passwd(out, &pw);
            idmap_passwd_free(&pw);
        }
        status = not_found(status, STATUS_NO_SUCH_USER);
        break;
    case LSASS_OP_GETGRNAM:
    case LSASS_OP_GETGRGID:
        status = opcode == LSASS_OP_GETGRNAM ? idmap_group_by_name(reg, name, &gr)
                                             : idmap_group_by_gid(reg, (gid_t)id, &gr);
        if (NT_SUCCESS(status)) {
            put_group(out, &gr);
            idmap_group_free(&gr);
        }
        status = not_found(status, STATUS_NO_SUCH_GROUP);
        break;
    case LSASS_OP_ENUM_PASSWD:
        status = enum_passwd(reg, id, out);
        break;
    case LSASS_OP_ENUM_GROUP:
        status = enum_group(reg, id, out);
        break;
    case LSASS_OP_INITGROUPS:
        status = initgroups(reg, name, out);
        break;
    default:
        status = STATUS_NOT_IMPLEMENTED;
        break;
    }
    free(name);
    if (NT_SUCCESS(status) && !wr_ok(out))
        status = STATUS_NO_MEMORY;
    return status;
}

NTSTATUS lsassd_lookup(struct lsassd *d, uint32_t opcode, struct buf_reader *r, struct buf *out)
{
    if (!d->lookup_reg)
        return opcode == LSASS_OP_GETGRNAM || opcode == LSASS_OP_GETGRGID ? STATUS_NO_SUCH_GROUP
                                                                           : STATUS_NO_SUCH_USER;
    pthread_mutex_lock(&d->lookup_lock);
    NTSTATUS status = lookup_locked(d->lookup_reg, opcode, r, out);
    pthread_mutex_unlock(&d->lookup_lock);
    return status;
}
