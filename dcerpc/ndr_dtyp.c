/* The [MS-DTYP] types every interface shares (declared in dcerpc/ndr.h), and
 * the conversions between their wire forms and lib's. */
#include <stdlib.h>
#include <string.h>

#include "dcerpc/ndr_private.h"
#include "lib/sid.h"
#include "lib/utf16.h"

#define M NDR_MEMBER

/* ---- policy_handle ---- */
static const struct ndr_type uuid_bytes = { .kind = NDR_KIND_FIXED_ARRAY, .name = "uuid", .size = 16,
                                            .target = &ndr_u8, .fixed_count = 16 };
static const struct ndr_member policy_handle_members[] = {
    M(struct policy_handle, attributes, ndr_u32),
    M(struct policy_handle, uuid, uuid_bytes),
};
NDR_STRUCT_TYPE(struct policy_handle, ndr_policy_handle, policy_handle_members);

/* ---- RPC_UNICODE_STRING ---- */
static const struct ndr_type u16_varying = { .kind = NDR_KIND_ARRAY, .name = "wchar_varying",
                                             .size = sizeof(void *), .target = &ndr_u16, .varying = true };
static NDR_POINTER_TYPE(u16_varying_unique, NDR_POINTER_UNIQUE, u16_varying);
static const struct ndr_member unicode_string_members[] = {
    M(struct RPC_UNICODE_STRING, Length, ndr_u16),
    M(struct RPC_UNICODE_STRING, MaximumLength, ndr_u16),
    M(struct RPC_UNICODE_STRING, Buffer, u16_varying_unique,
      .size_is = NDR_FIELD_DIV(struct RPC_UNICODE_STRING, MaximumLength, 2),
      .length_is = NDR_FIELD_DIV(struct RPC_UNICODE_STRING, Length, 2)),
};
NDR_STRUCT_TYPE(struct RPC_UNICODE_STRING, ndr_rpc_unicode_string, unicode_string_members);
NDR_POINTER_TYPE(ndr_rpc_unicode_string_unique, NDR_POINTER_UNIQUE, ndr_rpc_unicode_string);
NDR_ARRAY_TYPE(ndr_rpc_unicode_string_array, ndr_rpc_unicode_string);

/* ---- RPC_SID ---- */
static const struct ndr_type authority_bytes = { .kind = NDR_KIND_FIXED_ARRAY, .name = "authority",
                                                 .size = 6, .target = &ndr_u8, .fixed_count = 6 };
static NDR_ARRAY_TYPE(sub_authority_array, ndr_u32);
static const struct ndr_member rpc_sid_members[] = {
    M(struct RPC_SID, Revision, ndr_u8),
    M(struct RPC_SID, SubAuthorityCount, ndr_u8, .range_max = SID_MAX_SUB_AUTHORITIES),
    M(struct RPC_SID, IdentifierAuthority, authority_bytes),
    M(struct RPC_SID, SubAuthority, sub_authority_array,
      .size_is = NDR_FIELD(struct RPC_SID, SubAuthorityCount)),
};
NDR_STRUCT_TYPE(struct RPC_SID, ndr_rpc_sid, rpc_sid_members);
NDR_POINTER_TYPE(ndr_rpc_sid_unique, NDR_POINTER_UNIQUE, ndr_rpc_sid);
NDR_POINTER_TYPE(ndr_rpc_sid_ref, NDR_POINTER_REF, ndr_rpc_sid);

/* ---- SID arrays ---- */
static const struct ndr_member sid_information_members[] = {
    M(struct RPC_SID_INFORMATION, Sid, ndr_rpc_sid_unique),
};
static NDR_STRUCT_TYPE(struct RPC_SID_INFORMATION, sid_information, sid_information_members);
NDR_ARRAY_TYPE(ndr_rpc_sid_information_array, sid_information);
static NDR_POINTER_TYPE(sid_information_array_unique, NDR_POINTER_UNIQUE, ndr_rpc_sid_information_array);
static const struct ndr_member sid_array_lsat_members[] = {
    M(struct RPC_SID_ARRAY, Count, ndr_u32, .range_max = 20480),
    M(struct RPC_SID_ARRAY, Sids, sid_information_array_unique, .size_is = NDR_FIELD(struct RPC_SID_ARRAY, Count)),
};
NDR_STRUCT_TYPE(struct RPC_SID_ARRAY, ndr_sid_array_lsat, sid_array_lsat_members);
static const struct ndr_member sid_array_samr_members[] = {
    M(struct RPC_SID_ARRAY, Count, ndr_u32, .range_max = 1024),
    M(struct RPC_SID_ARRAY, Sids, sid_information_array_unique, .size_is = NDR_FIELD(struct RPC_SID_ARRAY, Count)),
};
NDR_STRUCT_TYPE(struct RPC_SID_ARRAY, ndr_sid_array_samr, sid_array_samr_members);

/* ---- Conversions ---- */

bool ndr_sid_from_rpc(const struct RPC_SID *in, struct sid *out)
{
    if (!in || in->Revision != 1 || in->SubAuthorityCount > SID_MAX_SUB_AUTHORITIES ||
        (in->SubAuthorityCount && !in->SubAuthority))
        return false;
    memset(out, 0, sizeof *out);
    out->revision = in->Revision;
    out->sub_authority_count = in->SubAuthorityCount;
    memcpy(out->authority, in->IdentifierAuthority, sizeof out->authority);
    for (unsigned i = 0; i < in->SubAuthorityCount; i++)
        out->sub_authority[i] = in->SubAuthority[i];
    return true;
}

struct RPC_SID *ndr_sid_to_rpc(struct ndr_arena *arena, const struct sid *in)
{
    struct RPC_SID *out = ndr_arena_alloc(arena, sizeof *out);
    if (!out || in->sub_authority_count > SID_MAX_SUB_AUTHORITIES)
        return NULL;
    out->Revision = in->revision;
    out->SubAuthorityCount = in->sub_authority_count;
    memcpy(out->IdentifierAuthority, in->authority, sizeof out->IdentifierAuthority);
    if (in->sub_authority_count) {
        out->SubAuthority = ndr_arena_array(arena, in->sub_authority_count, sizeof(uint32_t));
        if (!out->SubAuthority)
            return NULL;
        for (unsigned i = 0; i < in->sub_authority_count; i++)
            out->SubAuthority[i] = in->sub_authority[i];
    }
    return out;
}

char *ndr_unicode_string_to_utf8(struct ndr_arena *arena, const struct RPC_UNICODE_STRING *in)
{
    size_t units = in->Buffer ? in->Length / 2u : 0;
    while (units && in->Buffer[units - 1] == 0)
        units--;
    uint8_t *bytes = ndr_arena_alloc(arena, units * 2 + 1);
    if (!bytes)
        return NULL;
    for (size_t i = 0; i < units; i++) {
        bytes[2 * i] = (uint8_t)(in->Buffer[i] & 0xFF);
        bytes[2 * i + 1] = (uint8_t)(in->Buffer[i] >> 8);
    }
    char *utf8 = NULL;
    if (utf16le_to_utf8(bytes, units * 2, &utf8) != STATUS_SUCCESS)
        return NULL;
    char *copy = ndr_arena_strdup(arena, utf8);
    free(utf8);
    return copy;
}

NTSTATUS ndr_unicode_string_from_utf8(struct ndr_arena *arena, const char *text, struct RPC_UNICODE_STRING *out)
{
    memset(out, 0, sizeof *out);
    if (!text)
        return STATUS_SUCCESS;
    uint8_t *bytes = NULL;
    size_t len = 0;
    NTSTATUS status = utf8_to_utf16le(text, strlen(text), &bytes, &len);
    if (status != STATUS_SUCCESS)
        return status;
    if (len / 2 > 32767) {
        free(bytes);
        return STATUS_NAME_TOO_LONG;
    }
    /* An empty string still gets a buffer: NULL would mean "no string". */
    out->Buffer = ndr_arena_array(arena, len / 2 ? len / 2 : 1, sizeof(uint16_t));
    if (!out->Buffer) {
        free(bytes);
        return STATUS_NO_MEMORY;
    }
    for (size_t i = 0; i < len / 2; i++)
        out->Buffer[i] = (uint16_t)(bytes[2 * i] | bytes[2 * i + 1] << 8);
    out->Length = out->MaximumLength = (uint16_t)len;
    free(bytes);
    return STATUS_SUCCESS;
}
