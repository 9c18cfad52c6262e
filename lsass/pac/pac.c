/* A bounded reader of a PAC's KERB_VALIDATION_INFO (see pac.h). */
#include "lsass/pac/pac.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"

#define PAC_TYPE_LOGON_INFO 1
#define PAC_MAX_BUFFERS     64  /* real PACs carry fewer than 16 */
#define FIXED_PART_SIZE     216 /* the KERB_VALIDATION_INFO before its deferred data */

/* Room for one more SID, refusing past PAC_MAX_SIDS. */
static bool add_sid(struct pac_logon_info *info, const struct sid *sid, size_t *capacity)
{
    if (info->group_count >= PAC_MAX_SIDS)
        return false;
    if (info->group_count == *capacity) {
        size_t n = *capacity ? *capacity * 2 : 16;
        struct sid *grown = realloc(info->groups, n * sizeof *grown);
        if (!grown)
            return false;
        info->groups = grown;
        *capacity = n;
    }
    info->groups[info->group_count++] = *sid;
    return true;
}

/* A deferred conformant varying UTF-16 string ([MS-RPCE] RPC_UNICODE_STRING's
 * buffer): read past, its content is not needed. */
static void skip_string(struct buf_reader *r)
{
    rd_align(r, 4);
    uint32_t max_count = rd_u32(r);
    uint32_t offset = rd_u32(r);
    uint32_t actual = rd_u32(r);
    if (offset != 0 || actual > max_count || actual > rd_remaining(r) / 2) {
        rd_fail(r);
        return;
    }
    rd_skip(r, (size_t)actual * 2);
}

/* A deferred RPC_SID: its conformance (the sub-authority count) first. */
static bool read_sid(struct buf_reader *r, struct sid *sid)
{
    rd_align(r, 4);
    uint32_t max_count = rd_u32(r);
    if (!NT_SUCCESS(sid_read(r, sid)) || max_count != sid->sub_authority_count) {
        rd_fail(r);
        return false;
    }
    return true;
}

/* A deferred array of GROUP_MEMBERSHIP {RelativeId, Attributes}: each RID
 * joined to domain. */
static bool read_groups(struct buf_reader *r, uint32_t count, const struct sid *domain, bool have_domain,
                        struct pac_logon_info *info, size_t *capacity)
{
    rd_align(r, 4);
    uint32_t max_count = rd_u32(r);
    if (!rd_ok(r) || max_count != count || count > rd_remaining(r) / 8)
        return false;
    for (uint32_t i = 0; i < count; i++) {
        uint32_t rid = rd_u32(r);
        rd_u32(r); /* attributes: SE_GROUP_* flags, all groups count */
        struct sid group;
        if (!have_domain || !NT_SUCCESS(sid_append(&group, domain, rid)) || !add_sid(info, &group, capacity))
            return false;
    }
    return rd_ok(r);
}

NTSTATUS pac_parse_logon_info(const uint8_t *data, size_t len, struct pac_logon_info *info)
{
    memset(info, 0, sizeof *info);
    struct buf_reader r;
    rd_init(&r, data, len);
    size_t capacity = 0;

    /* Common header: version 1, little endian (0x10), length 8, filler. */
    uint8_t version = rd_u8(&r), endian = rd_u8(&r);
    uint16_t header_len = rd_u16(&r);
    rd_u32(&r);
    /* Private header: the object's length, filler. */
    uint32_t object_len = rd_u32(&r);
    rd_u32(&r);
    if (!rd_ok(&r) || version != 1 || endian != 0x10 || header_len != 8 || object_len > rd_remaining(&r))
        goto bad;
    struct buf_reader body = rd_sub(&r, 16, object_len);
    r = body; /* alignment counts from here (the headers are 16 bytes) */
    if (rd_u32(&r) == 0) /* the top-level pointer's referent id */
        goto bad;

    rd_skip(&r, 48);                  /* six FILETIMEs */
    uint32_t string_ptrs[6];
    for (int i = 0; i < 6; i++) {     /* EffectiveName .. HomeDirectoryDrive */
        rd_u32(&r);                   /* Length, MaximumLength */
        string_ptrs[i] = rd_u32(&r);
    }
    rd_u32(&r);                       /* LogonCount, BadPasswordCount */
    uint32_t user_id = rd_u32(&r);
    uint32_t primary_group_id = rd_u32(&r);
    uint32_t group_count = rd_u32(&r);
    uint32_t group_ptr = rd_u32(&r);
    rd_u32(&r);                       /* UserFlags */
    rd_skip(&r, 16);                  /* UserSessionKey */
    uint32_t server_ptrs[2];
    for (int i = 0; i < 2; i++) {     /* LogonServer, LogonDomainName */
        rd_u32(&r);
        server_ptrs[i] = rd_u32(&r);
    }
    uint32_t domain_ptr = rd_u32(&r);
    rd_skip(&r, 8 + 4 + 4 + 8 + 8 + 4 + 4); /* Reserved1 .. Reserved3 */
    uint32_t extra_count = rd_u32(&r);
    uint32_t extra_ptr = rd_u32(&r);
    uint32_t resource_domain_ptr = rd_u32(&r);
    uint32_t resource_count = rd_u32(&r);
    uint32_t resource_ptr = rd_u32(&r);
    if (!rd_ok(&r) || r.pos != FIXED_PART_SIZE + 4)
        goto bad;

    /* The deferred referents, in the order of their pointers. */
    for (int i = 0; i < 6; i++)
        if (string_ptrs[i])
            skip_string(&r);
    /* GroupIds come before LogonDomainId on the wire but need it: keep their
     * place and read them once the domain is known. */
    size_t groups_at = r.pos;
    if (group_ptr) {
        rd_align(&r, 4);
        uint32_t max_count = rd_u32(&r);
        if (max_count != group_count || group_count > rd_remaining(&r) / 8)
            goto bad;
        rd_skip(&r, (size_t)group_count * 8);
    } else if (group_count) {
        goto bad;
    }
    for (int i = 0; i < 2; i++)
        if (server_ptrs[i])
            skip_string(&r);
    struct sid domain;
    if (!domain_ptr || !read_sid(&r, &domain))
        goto bad;
    if (!NT_SUCCESS(sid_append(&info->user, &domain, user_id)) ||
        !NT_SUCCESS(sid_append(&info->primary_group, &domain, primary_group_id)))
        goto bad;
    if (group_ptr) {
        struct buf_reader g = r;
        rd_seek(&g, groups_at);
        if (!read_groups(&g, group_count, &domain, true, info, &capacity))
            goto bad;
    }
    if (extra_ptr) {
        /* KERB_SID_AND_ATTRIBUTES {Sid pointer, Attributes}, then each SID. */
        rd_align(&r, 4);
        uint32_t max_count = rd_u32(&r);
        if (!rd_ok(&r) || max_count != extra_count || extra_count > rd_remaining(&r) / 8 ||
            extra_count > PAC_MAX_SIDS)
            goto bad;
        size_t present = 0;
        for (uint32_t i = 0; i < extra_count; i++) {
            if (rd_u32(&r))
                present++;
            rd_u32(&r);
        }
        for (size_t i = 0; i < present; i++) {
            struct sid sid;
            if (!read_sid(&r, &sid) || !add_sid(info, &sid, &capacity))
                goto bad;
        }
    } else if (extra_count) {
        goto bad;
    }
    struct sid resource_domain;
    bool have_resource_domain = resource_domain_ptr != 0;
    if (have_resource_domain && !read_sid(&r, &resource_domain))
        goto bad;
    if (resource_ptr) {
        if (!read_groups(&r, resource_count, &resource_domain, have_resource_domain, info, &capacity))
            goto bad;
    } else if (resource_count) {
        goto bad;
    }
    if (!rd_ok(&r))
        goto bad;
    return STATUS_SUCCESS;
bad:
    pac_logon_info_clear(info);
    return STATUS_INVALID_PARAMETER;
}

NTSTATUS pac_parse(const uint8_t *pac, size_t len, struct pac_logon_info *info)
{
    memset(info, 0, sizeof *info);
    struct buf_reader r;
    rd_init(&r, pac, len);
    uint32_t count = rd_u32(&r);
    uint32_t version = rd_u32(&r);
    if (!rd_ok(&r) || version != 0 || count > PAC_MAX_BUFFERS)
        return STATUS_INVALID_PARAMETER;
    for (uint32_t i = 0; i < count; i++) {
        uint32_t type = rd_u32(&r);
        uint32_t size = rd_u32(&r);
        uint64_t offset = rd_u64(&r);
        if (!rd_ok(&r) || offset > len || !range_ok((size_t)offset, size, len))
            return STATUS_INVALID_PARAMETER;
        if (type == PAC_TYPE_LOGON_INFO)
            return pac_parse_logon_info(pac + offset, size, info);
    }
    return STATUS_NOT_FOUND;
}

void pac_logon_info_clear(struct pac_logon_info *info)
{
    free(info->groups);
    memset(info, 0, sizeof *info);
}
