/* The NSS lookups: passwd and group entries of the SAM's accounts (from
 * lsass/idmap), for libnss_samewise.so.2 in every process of the machine.
 *
 * Anyone may ask (the same names and ids `getent` shows from /etc/passwd),
 * so each answer is bounded: a page of an enumeration holds at most
 * LSASS_ENUM_PAGE entries or about LSASS_ENUM_PAGE_BYTES, a group at most
 * LSASS_MAX_GROUP_MEMBERS members, a user at most LSASS_MAX_USER_GROUPS
 * groups. Lookups share one registry connection (d->lookup_reg).
 *
 * When lsass.providers lists ldap, a name or id the SAM does not know is
 * asked of the directory (lsass/ldap, outside the lookup lock: the directory
 * may take its timeout), and enumerations list the directory's accounts after
 * the SAM's, merged by id (the SAM's account wins an id both have). */
#include <stdlib.h>
#include <string.h>

#include "lsass/client/protocol.h"
#include "lsass/daemon/lsassd.h"
#include "lsass/idmap/idmap.h"
#include "lsass/ldap/ldap_provider.h"

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

static int compare_passwd_uid(const void *a, const void *b)
{
    uid_t x = ((const struct idmap_passwd *)a)->uid, y = ((const struct idmap_passwd *)b)->uid;
    return x < y ? -1 : x > y;
}

static int compare_group_gid(const void *a, const void *b)
{
    gid_t x = ((const struct idmap_group *)a)->gid, y = ((const struct idmap_group *)b)->gid;
    return x < y ? -1 : x > y;
}

/* Appends the directory's users to the SAM's (taking their strings), sorted
 * by uid, an id both have kept for the SAM's. */
static NTSTATUS merge_passwd(struct idmap_passwd **list, size_t *count, struct ldap_account *extra, size_t n)
{
    if (!n)
        return STATUS_SUCCESS;
    struct idmap_passwd *all = realloc(*list, (*count + n) * sizeof *all);
    if (!all)
        return STATUS_NO_MEMORY;
    *list = all;
    size_t sam = *count, used = *count;
    for (size_t i = 0; i < n; i++) {
        bool taken = false;
        for (size_t k = 0; k < sam && !taken; k++)
            taken = (uint32_t)all[k].uid == extra[i].id || strcmp(all[k].name, extra[i].name) == 0;
        if (taken)
            continue;
        all[used++] = (struct idmap_passwd){ .name = extra[i].name, .uid = (uid_t)extra[i].id,
                                             .gid = (gid_t)extra[i].gid, .gecos = extra[i].gecos,
                                             .home = extra[i].home, .shell = extra[i].shell, .sid = extra[i].sid };
        extra[i].name = extra[i].gecos = extra[i].home = extra[i].shell = NULL;
    }
    *count = used;
    qsort(all, used, sizeof *all, compare_passwd_uid);
    return STATUS_SUCCESS;
}

static NTSTATUS merge_group(struct idmap_group **list, size_t *count, struct ldap_account *extra, size_t n)
{
    if (!n)
        return STATUS_SUCCESS;
    struct idmap_group *all = realloc(*list, (*count + n) * sizeof *all);
    if (!all)
        return STATUS_NO_MEMORY;
    *list = all;
    size_t sam = *count, used = *count;
    for (size_t i = 0; i < n; i++) {
        bool taken = false;
        for (size_t k = 0; k < sam && !taken; k++)
            taken = (uint32_t)all[k].gid == extra[i].id || strcmp(all[k].name, extra[i].name) == 0;
        if (taken)
            continue;
        all[used++] = (struct idmap_group){ .name = extra[i].name, .gid = (gid_t)extra[i].id, .sid = extra[i].sid,
                                            .members = extra[i].members, .member_count = extra[i].member_count };
        extra[i].name = NULL;
        extra[i].members = NULL;
        extra[i].member_count = 0;
    }
    *count = used;
    qsort(all, used, sizeof *all, compare_group_gid);
    return STATUS_SUCCESS;
}

static NTSTATUS enum_passwd(struct registry *reg, uint32_t start, struct ldap_account *extra, size_t extra_count,
                            struct buf *out)
{
    struct idmap_passwd *list = NULL;
    size_t count = 0;
    NTSTATUS status = idmap_passwd_list(reg, &list, &count);
    if (status == STATUS_INVALID_DEVICE_STATE) /* no SAM yet: nobody to list */
        status = STATUS_SUCCESS, list = NULL, count = 0;
    if (NT_SUCCESS(status))
        status = merge_passwd(&list, &count, extra, extra_count);
    if (!NT_SUCCESS(status)) {
        idmap_passwd_list_free(list, count);
        return status;
    }
    struct sorted_list l = { list, count, passwd_id, passwd_put };
    status = put_page(&l, start, out);
    idmap_passwd_list_free(list, count);
    return status;
}

static NTSTATUS enum_group(struct registry *reg, uint32_t start, struct ldap_account *extra, size_t extra_count,
                           struct buf *out)
{
    struct idmap_group *list = NULL;
    size_t count = 0;
    NTSTATUS status = idmap_group_list(reg, &list, &count);
    if (status == STATUS_INVALID_DEVICE_STATE)
        status = STATUS_SUCCESS, list = NULL, count = 0;
    if (NT_SUCCESS(status))
        status = merge_group(&list, &count, extra, extra_count);
    if (!NT_SUCCESS(status)) {
        idmap_group_list_free(list, count);
        return status;
    }
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

static NTSTATUS lookup_locked(struct registry *reg, uint32_t opcode, struct buf_reader *r, struct ldap_account *extra,
                              size_t extra_count, struct buf *out)
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
        status = enum_passwd(reg, id, extra, extra_count, out);
        break;
    case LSASS_OP_ENUM_GROUP:
        status = enum_group(reg, id, extra, extra_count, out);
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

/* The directory's answer to a lookup the SAM could not answer. */
static NTSTATUS lookup_directory(struct lsa_provider *p, uint32_t opcode, struct buf_reader *r, struct buf *out)
{
    struct ldap_account a;
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
        status = ldap_lookup_user(p, name, id, &a);
        if (NT_SUCCESS(status)) {
            lsass_put_passwd(out, a.name, a.id, a.gid, a.gecos, a.home, a.shell);
            ldap_account_clear(&a);
        }
        status = not_found(status, STATUS_NO_SUCH_USER);
        break;
    case LSASS_OP_GETGRNAM:
    case LSASS_OP_GETGRGID:
        status = ldap_lookup_group(p, name, id, &a);
        if (NT_SUCCESS(status)) {
            struct idmap_group gr = { .name = a.name, .gid = (gid_t)a.id, .members = a.members,
                                      .member_count = a.member_count };
            put_group(out, &gr);
            ldap_account_clear(&a);
        }
        status = not_found(status, STATUS_NO_SUCH_GROUP);
        break;
    case LSASS_OP_INITGROUPS: {
        uint32_t *gids = NULL;
        size_t count = 0;
        status = ldap_user_gids(p, name, &gids, &count);
        if (NT_SUCCESS(status)) {
            if (count > LSASS_MAX_USER_GROUPS)
                count = LSASS_MAX_USER_GROUPS;
            wr_u32(out, (uint32_t)count);
            for (size_t i = 0; i < count; i++)
                wr_u32(out, gids[i]);
        }
        free(gids);
        status = not_found(status, STATUS_NO_SUCH_USER);
        break;
    }
    default:
        status = STATUS_NO_SUCH_USER;
        break;
    }
    free(name);
    if (status == STATUS_NO_LOGON_SERVERS) /* unknown, and the directory is away */
        status = opcode == LSASS_OP_GETGRNAM || opcode == LSASS_OP_GETGRGID ? STATUS_NO_SUCH_GROUP
                                                                             : STATUS_NO_SUCH_USER;
    if (NT_SUCCESS(status) && !wr_ok(out))
        status = STATUS_NO_MEMORY;
    return status;
}

NTSTATUS lsassd_lookup(struct lsassd *d, uint32_t opcode, struct buf_reader *r, struct buf *out)
{
    if (!d->lookup_reg)
        return opcode == LSASS_OP_GETGRNAM || opcode == LSASS_OP_GETGRGID ? STATUS_NO_SUCH_GROUP
                                                                           : STATUS_NO_SUCH_USER;
    struct lsa_provider *directory = lsassd_ldap_provider(d);
    struct ldap_account *extra = NULL;
    size_t extra_count = 0;
    if (directory && (opcode == LSASS_OP_ENUM_PASSWD || opcode == LSASS_OP_ENUM_GROUP)) {
        /* Unreachable: the enumeration lists the SAM's accounts alone. */
        if (!NT_SUCCESS(opcode == LSASS_OP_ENUM_PASSWD ? ldap_list_users(directory, &extra, &extra_count)
                                                       : ldap_list_groups(directory, &extra, &extra_count)))
            extra = NULL, extra_count = 0;
    }
    struct buf_reader again = *r;
    size_t mark = out->len;
    pthread_mutex_lock(&d->lookup_lock);
    NTSTATUS status = lookup_locked(d->lookup_reg, opcode, r, extra, extra_count, out);
    pthread_mutex_unlock(&d->lookup_lock);
    ldap_account_list_free(extra, extra_count);
    if (directory && (status == STATUS_NO_SUCH_USER || status == STATUS_NO_SUCH_GROUP)) {
        out->len = mark;
        status = lookup_directory(directory, opcode, &again, out);
    }
    return status;
}
