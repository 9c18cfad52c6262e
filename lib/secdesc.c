/* Self-relative security descriptors: parse, serialize, copy, compare.
 * The layout and every check are described in lib/secdesc.h. */
#include "lib/secdesc.h"

#include <stdlib.h>
#include <string.h>

/* Every malformation is reported with this one status: it is what an SMB2
 * SET_INFO or CREATE with a bad descriptor answers. ([MS-ERREF] has
 * STATUS_INVALID_ACL too, but lib/ntstatus.h does not list it.) */
#define BAD_SD STATUS_INVALID_SECURITY_DESCR

bool ace_is_allow(uint8_t type)
{
    return type == ACCESS_ALLOWED_ACE_TYPE || type == ACCESS_ALLOWED_OBJECT_ACE_TYPE ||
           type == ACCESS_ALLOWED_CALLBACK_ACE_TYPE ||
           type == ACCESS_ALLOWED_CALLBACK_OBJECT_ACE_TYPE;
}

bool ace_is_deny(uint8_t type)
{
    return type == ACCESS_DENIED_ACE_TYPE || type == ACCESS_DENIED_OBJECT_ACE_TYPE ||
           type == ACCESS_DENIED_CALLBACK_ACE_TYPE ||
           type == ACCESS_DENIED_CALLBACK_OBJECT_ACE_TYPE;
}

bool ace_is_object(uint8_t type)
{
    switch (type) {
    case ACCESS_ALLOWED_OBJECT_ACE_TYPE:
    case ACCESS_DENIED_OBJECT_ACE_TYPE:
    case SYSTEM_AUDIT_OBJECT_ACE_TYPE:
    case SYSTEM_ALARM_OBJECT_ACE_TYPE:
    case ACCESS_ALLOWED_CALLBACK_OBJECT_ACE_TYPE:
    case ACCESS_DENIED_CALLBACK_OBJECT_ACE_TYPE:
    case SYSTEM_AUDIT_CALLBACK_OBJECT_ACE_TYPE:
    case SYSTEM_ALARM_CALLBACK_OBJECT_ACE_TYPE:
        return true;
    default:
        return false;
    }
}

bool ace_is_callback(uint8_t type)
{
    switch (type) {
    case ACCESS_ALLOWED_CALLBACK_ACE_TYPE:
    case ACCESS_DENIED_CALLBACK_ACE_TYPE:
    case ACCESS_ALLOWED_CALLBACK_OBJECT_ACE_TYPE:
    case ACCESS_DENIED_CALLBACK_OBJECT_ACE_TYPE:
    case SYSTEM_AUDIT_CALLBACK_ACE_TYPE:
    case SYSTEM_ALARM_CALLBACK_ACE_TYPE:
    case SYSTEM_AUDIT_CALLBACK_OBJECT_ACE_TYPE:
    case SYSTEM_ALARM_CALLBACK_OBJECT_ACE_TYPE:
        return true;
    default:
        return false;
    }
}

/* Types with a known layout: the basic ones (header, mask, SID, optional
 * application data) and the object ones. The compound type is reserved and
 * anything past SYSTEM_SCOPED_POLICY_ID is unknown: both are refused. */
static bool ace_type_known(uint8_t type)
{
    return type <= SYSTEM_SCOPED_POLICY_ID_ACE_TYPE && type != ACCESS_ALLOWED_COMPOUND_ACE_TYPE;
}

static bool sid_valid(const struct sid *sid)
{
    return sid->revision == 1 && sid->sub_authority_count <= SID_MAX_SUB_AUTHORITIES;
}

/* ---- ACLs in memory ---------------------------------------------------- */

struct acl *acl_new(void)
{
    struct acl *acl = calloc(1, sizeof *acl);
    if (acl)
        acl->revision = ACL_REVISION;
    return acl;
}

static void ace_clear(struct ace *ace)
{
    free(ace->app_data);
    ace->app_data = NULL;
    ace->app_data_len = 0;
}

void acl_free(struct acl *acl)
{
    if (!acl)
        return;
    for (size_t i = 0; i < acl->count; i++)
        ace_clear(&acl->aces[i]);
    free(acl->aces);
    free(acl);
}

NTSTATUS acl_add(struct acl *acl, const struct ace *ace)
{
    if (acl->count >= ACL_MAX_ACES)
        return STATUS_INVALID_PARAMETER;
    uint8_t *app = NULL;
    if (ace->app_data_len) {
        app = malloc(ace->app_data_len);
        if (!app)
            return STATUS_NO_MEMORY;
        memcpy(app, ace->app_data, ace->app_data_len);
    }
    struct ace *aces = realloc(acl->aces, ((size_t)acl->count + 1) * sizeof *aces);
    if (!aces) {
        free(app);
        return STATUS_NO_MEMORY;
    }
    acl->aces = aces;
    aces[acl->count] = *ace;
    aces[acl->count].app_data = app;
    acl->count++;
    /* Object ACEs need the DS revision ([MS-DTYP] 2.4.5). */
    if (ace_is_object(ace->type) && acl->revision < ACL_REVISION_DS)
        acl->revision = ACL_REVISION_DS;
    return STATUS_SUCCESS;
}

NTSTATUS acl_add_simple(struct acl *acl, uint8_t type, uint8_t flags, uint32_t mask,
                        const struct sid *sid)
{
    struct ace ace = { .type = type, .flags = flags, .mask = mask, .sid = *sid };
    return acl_add(acl, &ace);
}

struct acl *acl_copy(const struct acl *acl)
{
    if (!acl)
        return NULL;
    struct acl *copy = acl_new();
    if (!copy)
        return NULL;
    for (size_t i = 0; i < acl->count; i++) {
        if (acl_add(copy, &acl->aces[i]) != STATUS_SUCCESS) {
            acl_free(copy);
            return NULL;
        }
    }
    copy->revision = acl->revision;
    return copy;
}

static bool ace_equal(const struct ace *a, const struct ace *b)
{
    return a->type == b->type && a->flags == b->flags && a->mask == b->mask &&
           sid_equal(&a->sid, &b->sid) && a->object_flags == b->object_flags &&
           memcmp(a->object_type, b->object_type, 16) == 0 &&
           memcmp(a->inherited_object_type, b->inherited_object_type, 16) == 0 &&
           a->app_data_len == b->app_data_len &&
           (a->app_data_len == 0 || memcmp(a->app_data, b->app_data, a->app_data_len) == 0);
}

bool acl_equal(const struct acl *a, const struct acl *b)
{
    if (!a || !b)
        return a == b;
    if (a->revision != b->revision || a->count != b->count)
        return false;
    for (size_t i = 0; i < a->count; i++)
        if (!ace_equal(&a->aces[i], &b->aces[i]))
            return false;
    return true;
}

/* ---- sizes -------------------------------------------------------------- */

static size_t ace_wire_size(const struct ace *ace)
{
    if (!ace_type_known(ace->type) || !sid_valid(&ace->sid))
        return 0;
    size_t size = 8 + sid_wire_size(&ace->sid);
    if (ace_is_object(ace->type)) {
        size += 4;
        if (ace->object_flags & ACE_OBJECT_TYPE_PRESENT)
            size += 16;
        if (ace->object_flags & ACE_INHERITED_OBJECT_TYPE_PRESENT)
            size += 16;
    }
    size += ((size_t)ace->app_data_len + 3) & ~(size_t)3;
    return size <= ACL_MAX_SIZE ? size : 0;
}

size_t acl_wire_size(const struct acl *acl)
{
    size_t size = ACL_HEADER_SIZE;
    for (size_t i = 0; i < acl->count; i++) {
        size_t ace = ace_wire_size(&acl->aces[i]);
        if (ace == 0)
            return 0;
        size += ace;
        if (size > ACL_MAX_SIZE)
            return 0;
    }
    return size;
}

/* ---- parsing ------------------------------------------------------------ */

static NTSTATUS ace_parse(struct buf_reader *r, struct ace *ace)
{
    size_t start = r->pos;
    ace->type = rd_u8(r);
    ace->flags = rd_u8(r);
    uint16_t size = rd_u16(r);
    if (!rd_ok(r) || size < ACE_MIN_SIZE || size % 4 != 0 || !ace_type_known(ace->type))
        return BAD_SD;
    /* The ACE's own bytes; the outer reader moves past them whatever they hold. */
    struct buf_reader a = rd_sub(r, start, size);
    rd_skip(r, size - 4);
    if (!rd_ok(&a) || !rd_ok(r))
        return BAD_SD;
    rd_skip(&a, 4);
    ace->mask = rd_u32(&a);
    if (ace_is_object(ace->type)) {
        ace->object_flags = rd_u32(&a);
        if (ace->object_flags & ~(ACE_OBJECT_TYPE_PRESENT | ACE_INHERITED_OBJECT_TYPE_PRESENT))
            return BAD_SD;
        if (ace->object_flags & ACE_OBJECT_TYPE_PRESENT)
            rd_copy(&a, ace->object_type, 16);
        if (ace->object_flags & ACE_INHERITED_OBJECT_TYPE_PRESENT)
            rd_copy(&a, ace->inherited_object_type, 16);
    }
    if (sid_read(&a, &ace->sid) != STATUS_SUCCESS)
        return BAD_SD;
    size_t rest = rd_remaining(&a);
    if (rest) {
        ace->app_data = malloc(rest);
        if (!ace->app_data)
            return STATUS_NO_MEMORY;
        ace->app_data_len = (uint16_t)rest;
        rd_copy(&a, ace->app_data, rest);
    }
    return rd_ok(&a) ? STATUS_SUCCESS : BAD_SD;
}

/* Parses the ACL at offset of the whole descriptor; *size gets its AclSize. */
static NTSTATUS acl_parse(const struct buf_reader *whole, size_t offset, struct acl **out,
                          size_t *size)
{
    NTSTATUS status = BAD_SD;
    struct acl *acl = NULL;
    struct buf_reader r = rd_sub(whole, offset, ACL_HEADER_SIZE);
    uint8_t revision = rd_u8(&r);
    rd_u8(&r); /* Sbz1 */
    uint16_t acl_size = rd_u16(&r);
    uint16_t count = rd_u16(&r);
    rd_u16(&r); /* Sbz2 */
    if (!rd_ok(&r) || revision < ACL_REVISION || revision > ACL_REVISION_DS ||
        acl_size < ACL_HEADER_SIZE || acl_size % 4 != 0)
        goto out;
    /* Each ACE takes at least ACE_MIN_SIZE bytes: an absurd count is refused
     * here, before anything is allocated for it. */
    if (count > (acl_size - ACL_HEADER_SIZE) / ACE_MIN_SIZE)
        goto out;
    struct buf_reader body = rd_sub(whole, offset, acl_size);
    rd_skip(&body, ACL_HEADER_SIZE);
    if (!rd_ok(&body))
        goto out;
    status = STATUS_NO_MEMORY;
    acl = calloc(1, sizeof *acl);
    if (!acl || (count && !(acl->aces = calloc(count, sizeof *acl->aces))))
        goto out;
    acl->revision = revision;
    for (uint16_t i = 0; i < count; i++) {
        acl->count = (uint16_t)(i + 1); /* so acl_free releases what was parsed */
        status = ace_parse(&body, &acl->aces[i]);
        if (status != STATUS_SUCCESS)
            goto out;
    }
    acl->count = count;
    *size = acl_size;
    *out = acl;
    acl = NULL;
    status = STATUS_SUCCESS;
out:
    acl_free(acl);
    return status;
}

/* A part's offset: 0 (absent), or 4-aligned, past the header and inside. */
static bool offset_ok(uint32_t offset, size_t size)
{
    return offset >= SECURITY_DESCRIPTOR_MIN_LENGTH && offset % 4 == 0 && offset < size;
}

struct part {
    size_t start, end;
};

static NTSTATUS read_sid_at(const struct buf_reader *whole, uint32_t offset, struct sid *sid,
                            struct part *part)
{
    if (!offset_ok(offset, whole->size))
        return BAD_SD;
    struct buf_reader r = rd_sub(whole, offset, whole->size - offset);
    if (sid_read(&r, sid) != STATUS_SUCCESS)
        return BAD_SD;
    part->start = offset;
    part->end = offset + sid_wire_size(sid);
    return STATUS_SUCCESS;
}

NTSTATUS secdesc_parse(const void *data, size_t size, struct security_descriptor *sd)
{
    NTSTATUS status = BAD_SD;
    secdesc_init(sd);
    struct buf_reader r;
    rd_init(&r, data, size);
    uint8_t revision = rd_u8(&r);
    uint8_t sbz1 = rd_u8(&r);
    uint16_t control = rd_u16(&r);
    uint32_t off_owner = rd_u32(&r);
    uint32_t off_group = rd_u32(&r);
    uint32_t off_sacl = rd_u32(&r);
    uint32_t off_dacl = rd_u32(&r);
    if (!rd_ok(&r) || revision != SECURITY_DESCRIPTOR_REVISION)
        goto out;

    struct part parts[4];
    size_t nparts = 0;
    if (off_owner) {
        if ((status = read_sid_at(&r, off_owner, &sd->owner, &parts[nparts++])))
            goto out;
        sd->has_owner = true;
    }
    if (off_group) {
        if ((status = read_sid_at(&r, off_group, &sd->group, &parts[nparts++])))
            goto out;
        sd->has_group = true;
    }
    /* An ACL offset counts only with its PRESENT flag; with the flag and offset
     * 0 the ACL is the NULL ACL. */
    if ((control & SE_SACL_PRESENT) && off_sacl) {
        size_t acl_size;
        status = offset_ok(off_sacl, size) ? acl_parse(&r, off_sacl, &sd->sacl, &acl_size) : BAD_SD;
        if (status)
            goto out;
        parts[nparts++] = (struct part){ off_sacl, off_sacl + acl_size };
    }
    if ((control & SE_DACL_PRESENT) && off_dacl) {
        size_t acl_size;
        status = offset_ok(off_dacl, size) ? acl_parse(&r, off_dacl, &sd->dacl, &acl_size) : BAD_SD;
        if (status)
            goto out;
        parts[nparts++] = (struct part){ off_dacl, off_dacl + acl_size };
    }
    status = BAD_SD;
    for (size_t i = 0; i < nparts; i++)
        for (size_t j = i + 1; j < nparts; j++)
            if (parts[i].start < parts[j].end && parts[j].start < parts[i].end)
                goto out;
    sd->sbz1 = sbz1;
    /* The form is self-relative whatever the flag says; keep the flag truthful. */
    sd->control = control | SE_SELF_RELATIVE;
    status = STATUS_SUCCESS;
out:
    if (status != STATUS_SUCCESS)
        secdesc_free(sd);
    return status;
}

/* ---- serialization ------------------------------------------------------ */

static void ace_write(struct buf *b, const struct ace *ace, size_t size)
{
    wr_u8(b, ace->type);
    wr_u8(b, ace->flags);
    wr_u16(b, (uint16_t)size);
    wr_u32(b, ace->mask);
    if (ace_is_object(ace->type)) {
        wr_u32(b, ace->object_flags);
        if (ace->object_flags & ACE_OBJECT_TYPE_PRESENT)
            wr_bytes(b, ace->object_type, 16);
        if (ace->object_flags & ACE_INHERITED_OBJECT_TYPE_PRESENT)
            wr_bytes(b, ace->inherited_object_type, 16);
    }
    sid_write(b, &ace->sid);
    if (ace->app_data_len) {
        wr_bytes(b, ace->app_data, ace->app_data_len);
        wr_zeros(b, (4 - ace->app_data_len % 4) % 4);
    }
}

static void acl_write(struct buf *b, const struct acl *acl, size_t size)
{
    wr_u8(b, acl->revision);
    wr_u8(b, 0);
    wr_u16(b, (uint16_t)size);
    wr_u16(b, acl->count);
    wr_u16(b, 0);
    for (size_t i = 0; i < acl->count; i++)
        ace_write(b, &acl->aces[i], ace_wire_size(&acl->aces[i]));
}

/* Sizes of the four parts (0 = absent); false if sd cannot be written. */
static bool part_sizes(const struct security_descriptor *sd, size_t *sacl, size_t *dacl,
                       size_t *owner, size_t *group)
{
    *sacl = *dacl = *owner = *group = 0;
    if ((sd->sacl && !(sd->control & SE_SACL_PRESENT)) ||
        (sd->dacl && !(sd->control & SE_DACL_PRESENT)))
        return false;
    if (sd->sacl && (sd->sacl->revision < ACL_REVISION || sd->sacl->revision > ACL_REVISION_DS ||
                     !(*sacl = acl_wire_size(sd->sacl))))
        return false;
    if (sd->dacl && (sd->dacl->revision < ACL_REVISION || sd->dacl->revision > ACL_REVISION_DS ||
                     !(*dacl = acl_wire_size(sd->dacl))))
        return false;
    if (sd->has_owner) {
        if (!sid_valid(&sd->owner))
            return false;
        *owner = sid_wire_size(&sd->owner);
    }
    if (sd->has_group) {
        if (!sid_valid(&sd->group))
            return false;
        *group = sid_wire_size(&sd->group);
    }
    return true;
}

size_t secdesc_wire_size(const struct security_descriptor *sd)
{
    size_t sacl, dacl, owner, group;
    if (!part_sizes(sd, &sacl, &dacl, &owner, &group))
        return 0;
    return SECURITY_DESCRIPTOR_MIN_LENGTH + sacl + dacl + owner + group;
}

NTSTATUS secdesc_write(struct buf *b, const struct security_descriptor *sd)
{
    size_t sacl, dacl, owner, group;
    if (!part_sizes(sd, &sacl, &dacl, &owner, &group))
        return BAD_SD;
    /* Offsets count from the descriptor's first byte, wherever it sits in b. */
    uint32_t at = SECURITY_DESCRIPTOR_MIN_LENGTH;
    uint32_t off_sacl = sacl ? at : 0;
    at += (uint32_t)sacl;
    uint32_t off_dacl = dacl ? at : 0;
    at += (uint32_t)dacl;
    uint32_t off_owner = owner ? at : 0;
    at += (uint32_t)owner;
    uint32_t off_group = group ? at : 0;

    wr_u8(b, SECURITY_DESCRIPTOR_REVISION);
    wr_u8(b, sd->sbz1);
    wr_u16(b, (uint16_t)(sd->control | SE_SELF_RELATIVE));
    wr_u32(b, off_owner);
    wr_u32(b, off_group);
    wr_u32(b, off_sacl);
    wr_u32(b, off_dacl);
    if (sacl)
        acl_write(b, sd->sacl, sacl);
    if (dacl)
        acl_write(b, sd->dacl, dacl);
    if (owner)
        sid_write(b, &sd->owner);
    if (group)
        sid_write(b, &sd->group);
    return wr_ok(b) ? STATUS_SUCCESS : STATUS_NO_MEMORY;
}

NTSTATUS secdesc_to_bytes(const struct security_descriptor *sd, uint8_t **data, size_t *size)
{
    struct buf b;
    buf_init(&b);
    NTSTATUS status = secdesc_write(&b, sd);
    if (status == STATUS_SUCCESS)
        *data = buf_steal(&b, size);
    buf_free(&b);
    return status;
}

/* ---- whole descriptors -------------------------------------------------- */

void secdesc_init(struct security_descriptor *sd)
{
    memset(sd, 0, sizeof *sd);
    sd->control = SE_SELF_RELATIVE;
}

void secdesc_free(struct security_descriptor *sd)
{
    acl_free(sd->sacl);
    acl_free(sd->dacl);
    secdesc_init(sd);
}

NTSTATUS secdesc_copy(struct security_descriptor *dst, const struct security_descriptor *src)
{
    *dst = *src;
    dst->sacl = acl_copy(src->sacl);
    dst->dacl = acl_copy(src->dacl);
    if ((src->sacl && !dst->sacl) || (src->dacl && !dst->dacl)) {
        secdesc_free(dst);
        return STATUS_NO_MEMORY;
    }
    return STATUS_SUCCESS;
}

bool secdesc_equal(const struct security_descriptor *a, const struct security_descriptor *b)
{
    return a->sbz1 == b->sbz1 && a->control == b->control && a->has_owner == b->has_owner &&
           a->has_group == b->has_group && (!a->has_owner || sid_equal(&a->owner, &b->owner)) &&
           (!a->has_group || sid_equal(&a->group, &b->group)) && acl_equal(a->sacl, b->sacl) &&
           acl_equal(a->dacl, b->dacl);
}

void secdesc_set_dacl(struct security_descriptor *sd, struct acl *dacl)
{
    acl_free(sd->dacl);
    sd->dacl = dacl;
    sd->control |= SE_DACL_PRESENT;
}

void secdesc_set_sacl(struct security_descriptor *sd, struct acl *sacl)
{
    acl_free(sd->sacl);
    sd->sacl = sacl;
    sd->control |= SE_SACL_PRESENT;
}

void secdesc_set_owner(struct security_descriptor *sd, const struct sid *owner)
{
    sd->owner = *owner;
    sd->has_owner = true;
}

void secdesc_set_group(struct security_descriptor *sd, const struct sid *group)
{
    sd->group = *group;
    sd->has_group = true;
}

NTSTATUS secdesc_build_simple(struct security_descriptor *sd, const struct sid *owner,
                              const struct sid *group, const struct secdesc_entry *entries,
                              size_t count)
{
    NTSTATUS status = STATUS_NO_MEMORY;
    secdesc_init(sd);
    if (owner)
        secdesc_set_owner(sd, owner);
    if (group)
        secdesc_set_group(sd, group);
    struct acl *dacl = acl_new();
    if (!dacl)
        goto out;
    secdesc_set_dacl(sd, dacl);
    /* Two passes: the denies, then the allows, so that the order given inside
     * each kind is kept and the DACL is canonical. */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < count; i++) {
            if (entries[i].deny != (pass == 0))
                continue;
            status = acl_add_simple(dacl, entries[i].deny ? ACCESS_DENIED_ACE_TYPE
                                                          : ACCESS_ALLOWED_ACE_TYPE,
                                    0, entries[i].mask, &entries[i].sid);
            if (status != STATUS_SUCCESS)
                goto out;
        }
    }
    status = STATUS_SUCCESS;
out:
    if (status != STATUS_SUCCESS)
        secdesc_free(sd);
    return status;
}

/* ---- SECURITY_INFORMATION ---------------------------------------------- */

#define DACL_CONTROL_BITS (SE_DACL_PRESENT | SE_DACL_DEFAULTED | SE_DACL_AUTO_INHERIT_REQ | \
                           SE_DACL_AUTO_INHERITED | SE_DACL_PROTECTED | SE_DACL_TRUSTED)
#define SACL_CONTROL_BITS (SE_SACL_PRESENT | SE_SACL_DEFAULTED | SE_SACL_AUTO_INHERIT_REQ | \
                           SE_SACL_AUTO_INHERITED | SE_SACL_PROTECTED)

NTSTATUS secdesc_select(struct security_descriptor *dst, const struct security_descriptor *src,
                        uint32_t secinfo)
{
    NTSTATUS status = secdesc_copy(dst, src);
    if (status != STATUS_SUCCESS)
        return status;
    if (!(secinfo & OWNER_SECURITY_INFORMATION)) {
        dst->has_owner = false;
        memset(&dst->owner, 0, sizeof dst->owner);
        dst->control &= (uint16_t)~SE_OWNER_DEFAULTED;
    }
    if (!(secinfo & GROUP_SECURITY_INFORMATION)) {
        dst->has_group = false;
        memset(&dst->group, 0, sizeof dst->group);
        dst->control &= (uint16_t)~SE_GROUP_DEFAULTED;
    }
    if (!(secinfo & DACL_SECURITY_INFORMATION)) {
        acl_free(dst->dacl);
        dst->dacl = NULL;
        dst->control &= (uint16_t)~DACL_CONTROL_BITS;
    }
    if (!(secinfo & SACL_SECURITY_INFORMATION)) {
        acl_free(dst->sacl);
        dst->sacl = NULL;
        dst->control &= (uint16_t)~SACL_CONTROL_BITS;
    }
    return STATUS_SUCCESS;
}

/* Replaces one ACL of sd with a copy of update's, with its control bits. */
static NTSTATUS merge_acl(struct acl **target, uint16_t *control, const struct acl *from,
                          uint16_t from_control, uint16_t bits, uint16_t protected_bit,
                          bool set_protected, bool clear_protected)
{
    struct acl *copy = NULL;
    if (from && !(copy = acl_copy(from)))
        return STATUS_NO_MEMORY;
    acl_free(*target);
    *target = copy;
    *control = (uint16_t)((*control & ~bits) | (from_control & bits));
    if (set_protected)
        *control |= protected_bit;
    if (clear_protected)
        *control &= (uint16_t)~protected_bit;
    return STATUS_SUCCESS;
}

NTSTATUS secdesc_merge(struct security_descriptor *sd, const struct security_descriptor *update,
                       uint32_t secinfo)
{
    NTSTATUS status = STATUS_SUCCESS;
    /* A selected owner or group that update lacks leaves the current one, as
     * Samba does: a descriptor never loses its owner through a SET_INFO. */
    if ((secinfo & OWNER_SECURITY_INFORMATION) && update->has_owner) {
        sd->has_owner = true;
        sd->owner = update->owner;
        sd->control = (uint16_t)((sd->control & ~SE_OWNER_DEFAULTED) |
                                 (update->control & SE_OWNER_DEFAULTED));
    }
    if ((secinfo & GROUP_SECURITY_INFORMATION) && update->has_group) {
        sd->has_group = true;
        sd->group = update->group;
        sd->control = (uint16_t)((sd->control & ~SE_GROUP_DEFAULTED) |
                                 (update->control & SE_GROUP_DEFAULTED));
    }
    if (secinfo & DACL_SECURITY_INFORMATION)
        status = merge_acl(&sd->dacl, &sd->control,
                           (update->control & SE_DACL_PRESENT) ? update->dacl : NULL,
                           update->control, DACL_CONTROL_BITS, SE_DACL_PROTECTED,
                           secinfo & PROTECTED_DACL_SECURITY_INFORMATION,
                           secinfo & UNPROTECTED_DACL_SECURITY_INFORMATION);
    if (status == STATUS_SUCCESS && (secinfo & SACL_SECURITY_INFORMATION))
        status = merge_acl(&sd->sacl, &sd->control,
                           (update->control & SE_SACL_PRESENT) ? update->sacl : NULL,
                           update->control, SACL_CONTROL_BITS, SE_SACL_PROTECTED,
                           secinfo & PROTECTED_SACL_SECURITY_INFORMATION,
                           secinfo & UNPROTECTED_SACL_SECURITY_INFORMATION);
    return status;
}
