/* NDR 2.0 ([C706] chapter 14, [MS-RPCE] 2.2.5): one engine that marshals and
 * unmarshals any interface's types from descriptor tables.
 *
 * An interface describes each IDL type once, as a static `struct ndr_type`
 * (kind, C size, members or target), next to the C struct that holds it in
 * memory. The engine walks the descriptor and the C value side by side, so a
 * new interface adds tables, never marshalling code (docs/dcerpc.md says why
 * tables rather than an IDL compiler).
 *
 * C representation of each kind, as seen from the slot that holds it:
 *   U8/U16/U32/U64   uint8_t/uint16_t/uint32_t/uint64_t
 *   STRUCT           the C struct itself, members at their offsetof()
 *   UNION            a C union; every arm at offset 0; the discriminant lives in
 *                    a sibling member named by the member's switch_is
 *   POINTER          a C pointer to the target's representation, except that a
 *                    pointer to a STRING or ARRAY is the string/element pointer
 *                    itself ([string] wchar_t * is `char *`, a
 *                    [size_is(n)] T * is `T *`)
 *   STRING           `char *`, UTF-8, NUL-terminated (wire: conformant varying
 *                    UTF-16 or 8-bit string with its terminator; on input the
 *                    string ends at its first NUL, as the C string Windows
 *                    would see)
 *   ARRAY            `T *` to size_is elements (conformant, optionally varying);
 *                    inline as the last member of a struct it makes the struct
 *                    conformant (max_count hoisted in front of the struct)
 *   FIXED_ARRAY      T name[N], inline
 *   PARAMS           an operation's arguments: a C struct whose members are the
 *                    top-level parameters, each flagged NDR_IN and/or NDR_OUT.
 *                    A top-level [ref] pointer has no wire form of its own, so
 *                    such a parameter may be described as its pointee.
 *
 * Unmarshalled values live in an arena: every allocation of one call is freed at
 * once, the arena caps the total, and full pointers may alias freely. */
#ifndef SW_DCERPC_NDR_H
#define SW_DCERPC_NDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"
#include "lib/ntstatus.h"

enum ndr_kind {
    NDR_KIND_U8 = 1,
    NDR_KIND_U16,
    NDR_KIND_U32,
    NDR_KIND_U64,
    NDR_KIND_STRUCT,
    NDR_KIND_UNION,
    NDR_KIND_POINTER,
    NDR_KIND_STRING,
    NDR_KIND_ARRAY,
    NDR_KIND_FIXED_ARRAY,
    NDR_KIND_PARAMS,
};

enum ndr_pointer_kind {
    NDR_POINTER_REF = 1, /* never NULL */
    NDR_POINTER_UNIQUE,  /* may be NULL, never aliased */
    NDR_POINTER_FULL,    /* [ptr]: may be NULL and may alias another full pointer */
};

/* A size_is, length_is or switch_is value: a sibling member of the enclosing
 * struct (or parameter list), possibly through a pointer, possibly divided (an
 * RPC_UNICODE_STRING's size_is(MaximumLength/2)), or a constant. */
enum ndr_expr_kind { NDR_EXPR_NONE = 0, NDR_EXPR_FIELD, NDR_EXPR_DEREF, NDR_EXPR_CONST };

struct ndr_expr {
    uint8_t kind;    /* enum ndr_expr_kind */
    uint8_t width;   /* bytes of the integer read: 1, 2, 4 or 8 */
    uint16_t divide; /* 0 or 1: none */
    uint32_t offset; /* of the sibling member */
    uint32_t constant;
};

#define NDR_FIELD(T, f) \
    { .kind = NDR_EXPR_FIELD, .width = sizeof(((T *)0)->f), .offset = offsetof(T, f) }
#define NDR_FIELD_DIV(T, f, d) \
    { .kind = NDR_EXPR_FIELD, .width = sizeof(((T *)0)->f), .offset = offsetof(T, f), .divide = (d) }
#define NDR_DEREF(T, f) \
    { .kind = NDR_EXPR_DEREF, .width = sizeof(*((T *)0)->f), .offset = offsetof(T, f) }
#define NDR_CONST(n) { .kind = NDR_EXPR_CONST, .constant = (n) }

/* Parameter directions (NDR_KIND_PARAMS members). */
#define NDR_IN 0x1u
#define NDR_OUT 0x2u

struct ndr_type;

struct ndr_member {
    const char *name;
    size_t offset;
    const struct ndr_type *type;
    unsigned direction;      /* NDR_IN | NDR_OUT, parameter lists only */
    struct ndr_expr size_is;   /* conformant arrays (through pointers too) */
    struct ndr_expr length_is; /* varying arrays */
    struct ndr_expr switch_is; /* non-encapsulated unions (through pointers too) */
    uint32_t range_max;        /* [range(0, N)] on an integer: 0 means none */
};

/* One arm of a union: case value and type; a NULL type is an empty arm. */
struct ndr_arm {
    uint32_t value;
    const struct ndr_type *type;
};

struct ndr_type {
    enum ndr_kind kind;
    const char *name;
    size_t size; /* sizeof the C representation (array stride, allocation) */
    /* STRUCT, PARAMS */
    const struct ndr_member *members;
    size_t member_count;
    /* POINTER (pointee), ARRAY and FIXED_ARRAY (element) */
    const struct ndr_type *target;
    enum ndr_pointer_kind pointer;
    uint32_t fixed_count; /* FIXED_ARRAY */
    bool varying;         /* ARRAY: conformant varying, needs length_is;
                             FIXED_ARRAY: varying (offset and length on the
                             wire, then length elements; [string] WCHAR x[3]),
                             pushed with length_is, pulled zero-filled */
    uint8_t char_size;    /* STRING: 2 (wchar_t) or 1 (char) */
    /* UNION */
    const struct ndr_arm *arms;
    size_t arm_count;
    uint8_t switch_size; /* wire discriminant: 1, 2 or 4 bytes */
    bool has_default;    /* an empty [default] arm */
};

/* Descriptor helpers, so that interface tables read like their IDL. */
#define NDR_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define NDR_MEMBER(T, f, typ, ...) \
    { .name = #f, .offset = offsetof(T, f), .type = &(typ), __VA_ARGS__ }
#define NDR_STRUCT_TYPE(T, ident, member_table) \
    const struct ndr_type ident = { .kind = NDR_KIND_STRUCT, .name = #T, .size = sizeof(T), \
                                    .members = member_table, .member_count = NDR_ARRAY_LEN(member_table) }
#define NDR_PARAMS_TYPE(T, ident, member_table) \
    const struct ndr_type ident = { .kind = NDR_KIND_PARAMS, .name = #T, .size = sizeof(T), \
                                    .members = member_table, .member_count = NDR_ARRAY_LEN(member_table) }
#define NDR_POINTER_TYPE(ident, ptr_kind, tgt) \
    const struct ndr_type ident = { .kind = NDR_KIND_POINTER, .name = #ident, .size = sizeof(void *), \
                                    .pointer = (ptr_kind), .target = &(tgt) }
#define NDR_ARRAY_TYPE(ident, elem) \
    const struct ndr_type ident = { .kind = NDR_KIND_ARRAY, .name = #ident, .size = sizeof(void *), \
                                    .target = &(elem) }
#define NDR_UNION_TYPE(U, ident, arm_table, dflt) \
    const struct ndr_type ident = { .kind = NDR_KIND_UNION, .name = #U, .size = sizeof(U), \
                                    .arms = arm_table, .arm_count = NDR_ARRAY_LEN(arm_table), \
                                    .switch_size = 4, .has_default = (dflt) }

/* Base types every interface uses. */
extern const struct ndr_type ndr_u8, ndr_u16, ndr_u32, ndr_u64;
extern const struct ndr_type ndr_wstring;        /* [string] wchar_t (as a pointee) */
extern const struct ndr_type ndr_cstring;        /* [string] char (as a pointee) */
extern const struct ndr_type ndr_wstring_ref;    /* [string, ref] wchar_t * */
extern const struct ndr_type ndr_wstring_unique; /* [string, unique] wchar_t * (LPWSTR) */
extern const struct ndr_type ndr_u8_array;       /* [size_is(n)] unsigned char (as a pointee) */
extern const struct ndr_type ndr_u8_array_unique; /* [size_is(n), unique] unsigned char * */
extern const struct ndr_type ndr_u32_unique;     /* [unique] DWORD * */
extern const struct ndr_type ndr_u32_ref;        /* [ref] DWORD * (embedded) */

/* The arena: one call's unmarshalled data. Allocation fails (NULL) once limit
 * bytes would be exceeded; memory is zero-filled. */
struct ndr_arena;
struct ndr_arena *ndr_arena_new(size_t limit);
void *ndr_arena_alloc(struct ndr_arena *arena, size_t size);
/* size * count with overflow check. */
void *ndr_arena_array(struct ndr_arena *arena, size_t count, size_t size);
char *ndr_arena_strdup(struct ndr_arena *arena, const char *s);
size_t ndr_arena_used(const struct ndr_arena *arena);
void ndr_arena_free(struct ndr_arena *arena);

/* Limits every unmarshal obeys (beside the arena's byte cap). */
#define NDR_MAX_DEPTH 48

/* Marshals value (the C representation of type) onto out, aligned relative to
 * where out was when the call began. For a PARAMS type, direction selects the
 * NDR_IN or NDR_OUT members. Errors: STATUS_INVALID_PARAMETER (a NULL [ref]
 * pointer, an element pointer missing, a length beyond its size),
 * STATUS_INVALID_LEVEL (a union discriminant with no arm),
 * STATUS_ILLEGAL_CHARACTER (a string that is not UTF-8), STATUS_NO_MEMORY. */
NTSTATUS ndr_push(struct buf *out, const struct ndr_type *type, const void *value,
                  unsigned direction);

/* Unmarshals data into value (zero it first; for PARAMS, the members of the
 * other direction are left as they are, so a client's [in] level still
 * selects the [out] union arm). Everything allocated comes from arena.
 * Trailing bytes after the last member are ignored (stub padding).
 * Errors: STATUS_DATA_ERROR (malformed or truncated), STATUS_INVALID_LEVEL (a
 * discriminant with no arm, or different from its switch_is member),
 * STATUS_INSUFFICIENT_RESOURCES (the arena's cap), STATUS_ILLEGAL_CHARACTER
 * (a string that is not well-formed UTF-16). */
NTSTATUS ndr_pull(struct ndr_arena *arena, const uint8_t *data, size_t len,
                  const struct ndr_type *type, void *value, unsigned direction);

/* ---- [MS-DTYP] types shared by interfaces (dcerpc/ndr_dtyp.c) ----
 * Described once here so that samr, lsarpc, winreg and the rest marshal them
 * the same way. */

/* A context handle on the wire ([MS-RPCE] 2.2.5.1 ndr_context_handle): 20
 * bytes, attributes then a UUID as bytes. What it names lives in the server's
 * association group (dcerpc.h, dcerpc_handle_*). */
struct policy_handle {
    uint32_t attributes;
    uint8_t uuid[16];
};
extern const struct ndr_type ndr_policy_handle;

/* RPC_UNICODE_STRING ([MS-DTYP] 2.3.10): counted UTF-16, lengths in bytes,
 * [size_is(MaximumLength/2), length_is(Length/2), unique] Buffer. */
struct RPC_UNICODE_STRING {
    uint16_t Length;
    uint16_t MaximumLength;
    uint16_t *Buffer;
};
extern const struct ndr_type ndr_rpc_unicode_string;
extern const struct ndr_type ndr_rpc_unicode_string_unique; /* PRPC_UNICODE_STRING, [unique] */
extern const struct ndr_type ndr_rpc_unicode_string_array;  /* [size_is(n)] RPC_UNICODE_STRING (pointee) */

/* RPC_SID ([MS-DTYP] 2.4.2.3): a conformant structure, the SubAuthority
 * array sized by SubAuthorityCount ([range(0, 15)]). */
struct RPC_SID {
    uint8_t Revision;
    uint8_t SubAuthorityCount;
    uint8_t IdentifierAuthority[6];
    uint32_t *SubAuthority;
};
extern const struct ndr_type ndr_rpc_sid;
extern const struct ndr_type ndr_rpc_sid_unique; /* PRPC_SID, [unique] */
extern const struct ndr_type ndr_rpc_sid_ref;    /* PRPC_SID, [ref] (embedded) */

/* An array of SIDs as both [MS-LSAT] (LSAPR_SID_ENUM_BUFFER: Entries,
 * SidInfo) and [MS-SAMR] (SAMPR_PSID_ARRAY: Count, Sids) send it: a count and
 * a [size_is(Count), unique] pointer to structures of one PRPC_SID each. The
 * two differ only in the count's [range]: 20480 for LSAT, 1024 for SAMR. */
struct RPC_SID_INFORMATION {
    struct RPC_SID *Sid;
};
struct RPC_SID_ARRAY {
    uint32_t Count;
    struct RPC_SID_INFORMATION *Sids;
};
extern const struct ndr_type ndr_rpc_sid_information_array; /* [size_is(n)] (pointee) */
extern const struct ndr_type ndr_sid_array_lsat;            /* Count [range(0, 20480)] */
extern const struct ndr_type ndr_sid_array_samr;            /* Count [range(0, 1024)] */

/* Conversions between the wire forms and lib's. struct sid is lib/sid.h's;
 * declared here so that ndr.h does not pull it in. */
struct sid;
/* The RPC_SID as a struct sid; false if it has more than 15 sub-authorities,
 * a revision other than 1, or is NULL. */
bool ndr_sid_from_rpc(const struct RPC_SID *in, struct sid *out);
/* A struct sid as an RPC_SID allocated from arena (NULL: arena full). */
struct RPC_SID *ndr_sid_to_rpc(struct ndr_arena *arena, const struct sid *in);
/* The counted string as NUL-terminated UTF-8 from arena, trailing NULs
 * dropped (clients differ on counting the terminator). NULL if it is not
 * well-formed UTF-16, has an embedded NUL, or the arena is full; a NULL
 * Buffer is the empty string. */
char *ndr_unicode_string_to_utf8(struct ndr_arena *arena, const struct RPC_UNICODE_STRING *in);
/* UTF-8 into a counted string from arena, without terminator (Length ==
 * MaximumLength, as Windows sends names); NULL text gives a NULL Buffer.
 * STATUS_ILLEGAL_CHARACTER, STATUS_NO_MEMORY, STATUS_NAME_TOO_LONG (over
 * 32767 units). */
NTSTATUS ndr_unicode_string_from_utf8(struct ndr_arena *arena, const char *text, struct RPC_UNICODE_STRING *out);

#endif
