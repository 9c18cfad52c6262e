/* The NDR engine against hand-checked encodings: deferred pointer order,
 * alignment, strings, conformant/varying arrays, conformant structs, unions,
 * full pointers, top-level parameters; and malformed input refused without
 * crashing or over-allocating. The share-list vector is the layout impacket
 * produces for NetrShareEnum's response (referent IDs normalised). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dcerpc/ndr.h"
#include "lib/sid.h"
#include "t/tap/tap.h"

/* ---- A share list: SHARE_ENUM_STRUCT level 1 shaped types ---- */
struct item {
    char *name;
    uint32_t type;
    char *remark;
};
struct container {
    uint32_t count;
    struct item *items;
};
union level_union {
    struct container *level1;
    uint32_t *level2;
};
struct enum_struct {
    uint32_t level;
    union level_union u;
};

static const struct ndr_member item_members[] = {
    NDR_MEMBER(struct item, name, ndr_wstring_unique),
    NDR_MEMBER(struct item, type, ndr_u32),
    NDR_MEMBER(struct item, remark, ndr_wstring_unique),
};
static NDR_STRUCT_TYPE(struct item, item_type, item_members);
static NDR_ARRAY_TYPE(item_array, item_type);
static NDR_POINTER_TYPE(item_array_ptr, NDR_POINTER_UNIQUE, item_array);
static const struct ndr_member container_members[] = {
    NDR_MEMBER(struct container, count, ndr_u32),
    NDR_MEMBER(struct container, items, item_array_ptr, .size_is = NDR_FIELD(struct container, count)),
};
static NDR_STRUCT_TYPE(struct container, container_type, container_members);
static NDR_POINTER_TYPE(container_ptr, NDR_POINTER_UNIQUE, container_type);
static const struct ndr_arm level_arms[] = {
    { 1, &container_ptr },
    { 2, &ndr_u32_unique },
};
static NDR_UNION_TYPE(union level_union, level_union_type, level_arms, false);
static const struct ndr_member enum_members[] = {
    NDR_MEMBER(struct enum_struct, level, ndr_u32),
    NDR_MEMBER(struct enum_struct, u, level_union_type, .switch_is = NDR_FIELD(struct enum_struct, level)),
};
static NDR_STRUCT_TYPE(struct enum_struct, enum_type, enum_members);

/* ---- Parameters: NetrShareEnum's shape ---- */
struct call {
    char *server;              /* [in, string, unique] */
    struct enum_struct info;   /* [in, out] ref, described as its pointee */
    uint32_t max_len;          /* [in] */
    uint32_t total;            /* [out] ref */
    uint32_t *resume;          /* [in, out, unique] */
    uint32_t result;           /* [out] return value */
};
static const struct ndr_member call_members[] = {
    NDR_MEMBER(struct call, server, ndr_wstring_unique, .direction = NDR_IN),
    NDR_MEMBER(struct call, info, enum_type, .direction = NDR_IN | NDR_OUT),
    NDR_MEMBER(struct call, max_len, ndr_u32, .direction = NDR_IN),
    NDR_MEMBER(struct call, total, ndr_u32, .direction = NDR_OUT),
    NDR_MEMBER(struct call, resume, ndr_u32_unique, .direction = NDR_IN | NDR_OUT),
    NDR_MEMBER(struct call, result, ndr_u32, .direction = NDR_OUT),
};
static NDR_PARAMS_TYPE(struct call, call_type, call_members);

/* ---- Alignment ---- */
struct aligned {
    uint8_t a;
    uint32_t b;
    uint16_t c;
    uint64_t d;
    uint8_t e;
};
static const struct ndr_member aligned_members[] = {
    NDR_MEMBER(struct aligned, a, ndr_u8),
    NDR_MEMBER(struct aligned, b, ndr_u32),
    NDR_MEMBER(struct aligned, c, ndr_u16),
    NDR_MEMBER(struct aligned, d, ndr_u64),
    NDR_MEMBER(struct aligned, e, ndr_u8),
};
static NDR_STRUCT_TYPE(struct aligned, aligned_type, aligned_members);

/* ---- A conformant struct: RPC_SID (dcerpc/ndr_dtyp.c) ---- */
struct sid_holder {
    uint32_t x;
    struct RPC_SID *sid;
};
static const struct ndr_member sid_holder_members[] = {
    NDR_MEMBER(struct sid_holder, x, ndr_u32),
    NDR_MEMBER(struct sid_holder, sid, ndr_rpc_sid_unique),
};
static NDR_STRUCT_TYPE(struct sid_holder, sid_holder_type, sid_holder_members);

/* A varying array: RPC_UNICODE_STRING (dcerpc/ndr_dtyp.c). */

/* ---- A varying fixed array: [string] WCHAR Disk[3] (DISK_INFO) ---- */
struct disk {
    uint32_t length; /* not on the wire: the varying array's length */
    uint16_t chars[3];
};
static const struct ndr_type disk_chars = { .kind = NDR_KIND_FIXED_ARRAY, .name = "WCHAR[3]",
                                            .size = 6, .target = &ndr_u16, .fixed_count = 3,
                                            .varying = true };
static const struct ndr_member disk_members[] = {
    NDR_MEMBER(struct disk, chars, disk_chars, .length_is = NDR_FIELD(struct disk, length)),
};
static NDR_STRUCT_TYPE(struct disk, disk_type, disk_members);
struct disk_pair {
    struct disk a, b;
};
static const struct ndr_member disk_pair_members[] = {
    NDR_MEMBER(struct disk_pair, a, disk_type),
    NDR_MEMBER(struct disk_pair, b, disk_type),
};
static NDR_STRUCT_TYPE(struct disk_pair, disk_pair_type, disk_pair_members);

/* ---- A parameter sized by later ones: BaseRegQueryValue's lpData ---- */
struct query {
    uint8_t *data;    /* [in, out, unique, size_is(*cb), length_is(*len)] */
    uint32_t *cb;     /* [in, out, unique] */
    uint32_t *len;    /* [in, out, unique] */
    uint32_t result;  /* [out] */
};
static const struct ndr_type u8_varying = { .kind = NDR_KIND_ARRAY, .name = "u8_varying",
                                            .size = sizeof(void *), .target = &ndr_u8, .varying = true };
static NDR_POINTER_TYPE(u8_varying_ptr, NDR_POINTER_UNIQUE, u8_varying);
static const struct ndr_member query_members[] = {
    NDR_MEMBER(struct query, data, u8_varying_ptr, .direction = NDR_IN | NDR_OUT,
               .size_is = NDR_DEREF(struct query, cb), .length_is = NDR_DEREF(struct query, len)),
    NDR_MEMBER(struct query, cb, ndr_u32_unique, .direction = NDR_IN | NDR_OUT),
    NDR_MEMBER(struct query, len, ndr_u32_unique, .direction = NDR_IN | NDR_OUT),
    NDR_MEMBER(struct query, result, ndr_u32, .direction = NDR_OUT),
};
static NDR_PARAMS_TYPE(struct query, query_type, query_members);

/* ---- Full pointers ---- */
struct pair {
    uint32_t *a;
    uint32_t *b;
};
static NDR_POINTER_TYPE(u32_full, NDR_POINTER_FULL, ndr_u32);
static const struct ndr_member pair_members[] = {
    NDR_MEMBER(struct pair, a, u32_full),
    NDR_MEMBER(struct pair, b, u32_full),
};
static NDR_STRUCT_TYPE(struct pair, pair_type, pair_members);

/* ---- A linked list, for the depth limit ---- */
struct node {
    uint32_t value;
    struct node *next;
};
extern const struct ndr_type node_type;
static NDR_POINTER_TYPE(node_ptr, NDR_POINTER_UNIQUE, node_type);
static const struct ndr_member node_members[] = {
    NDR_MEMBER(struct node, value, ndr_u32),
    NDR_MEMBER(struct node, next, node_ptr),
};
NDR_STRUCT_TYPE(struct node, node_type, node_members);

static size_t hex(const char *h, uint8_t *out, size_t cap) { return tap_hex(h, out, cap); }

static int push_is(const struct ndr_type *t, const void *v, unsigned dir, const char *expect_hex,
                   const char *name)
{
    uint8_t expect[1024];
    size_t n = hex(expect_hex, expect, sizeof expect);
    struct buf b;
    buf_init(&b);
    NTSTATUS st = ndr_push(&b, t, v, dir);
    int r = ok(st == STATUS_SUCCESS, "%s: push succeeds (%s)", name, nt_status_name(st));
    r = is_mem(b.data, b.len, expect, n, "%s: bytes", name) && r;
    buf_free(&b);
    return r;
}

static NTSTATUS pull_hex(struct ndr_arena *arena, const char *h, const struct ndr_type *t, void *v,
                         unsigned dir)
{
    static uint8_t data[4096];
    size_t n = hex(h, data, sizeof data);
    return ndr_pull(arena, data, n, t, v, dir);
}

static const char share_list_hex[] =
    "01000000" "01000000" "00000200"              /* level, tag, container id */
    "02000000" "04000200"                         /* count, array id */
    "02000000"                                    /* max_count */
    "08000200" "00000000" "0c000200"              /* item 0 */
    "10000200" "03000000" "00000000"              /* item 1 (no remark) */
    "03000000" "00000000" "03000000" "610062000000" "0000"
    "04000000" "00000000" "04000000" "780079007a000000"
    "05000000" "00000000" "05000000" "4900500043002400" "0000";

static void test_share_list(void)
{
    struct item items[2] = { { "ab", 0, "xyz" }, { "IPC$", 3, NULL } };
    struct container cont = { 2, items };
    struct enum_struct e = { .level = 1, .u.level1 = &cont };
    push_is(&enum_type, &e, 0, share_list_hex, "share list");

    struct ndr_arena *arena = ndr_arena_new(1 << 20);
    struct enum_struct got = { 0 };
    NTSTATUS st = pull_hex(arena, share_list_hex, &enum_type, &got, 0);
    ok(st == STATUS_SUCCESS, "share list: pull (%s)", nt_status_name(st));
    ok(got.level == 1 && got.u.level1 && got.u.level1->count == 2, "share list: container");
    if (got.u.level1 && got.u.level1->count == 2) {
        struct item *it = got.u.level1->items;
        is_str(it[0].name, "ab", "item 0 name");
        is_str(it[0].remark, "xyz", "item 0 remark");
        is_str(it[1].name, "IPC$", "item 1 name");
        ok(it[1].remark == NULL && it[1].type == 3, "item 1 NULL remark, type 3");
    }
    ndr_arena_free(arena);

    /* The same shape with the discriminant disagreeing with Level. */
    arena = ndr_arena_new(1 << 20);
    memset(&got, 0, sizeof got);
    st = pull_hex(arena, "01000000" "02000000" "00000000", &enum_type, &got, 0);
    is_int(st, STATUS_INVALID_LEVEL, "discriminant must repeat its switch_is member");
    memset(&got, 0, sizeof got);
    st = pull_hex(arena, "07000000" "07000000" "00000000", &enum_type, &got, 0);
    is_int(st, STATUS_INVALID_LEVEL, "a level without an arm is refused");
    struct enum_struct bad = { .level = 9 };
    struct buf b;
    buf_init(&b);
    is_int(ndr_push(&b, &enum_type, &bad, 0), STATUS_INVALID_LEVEL, "pushing a level without an arm fails");
    buf_free(&b);

    /* A count far beyond the data: refused before any allocation. */
    memset(&got, 0, sizeof got);
    st = pull_hex(arena, "01000000" "01000000" "00000200" "ffffff0f" "04000200" "ffffff0f",
                  &enum_type, &got, 0);
    is_int(st, STATUS_DATA_ERROR, "huge conformant count refused");
    ok(ndr_arena_used(arena) < 4096, "and nothing big was allocated (%zu bytes)", ndr_arena_used(arena));
    /* max_count disagreeing with the size_is member. */
    memset(&got, 0, sizeof got);
    st = pull_hex(arena, "01000000" "01000000" "00000200" "01000000" "04000200" "02000000"
                  "00000000" "00000000" "00000000" "00000000" "00000000" "00000000",
                  &enum_type, &got, 0);
    is_int(st, STATUS_DATA_ERROR, "max_count must equal size_is");
    /* Truncated in the middle of the deferred strings. */
    uint8_t full[512];
    size_t n = hex(share_list_hex, full, sizeof full);
    int all_fail = 1;
    for (size_t cut = 0; cut < n; cut++) {
        memset(&got, 0, sizeof got);
        if (ndr_pull(arena, full, cut, &enum_type, &got, 0) == STATUS_SUCCESS)
            all_fail = 0;
    }
    ok(all_fail, "every truncation of the share list is refused");
    ndr_arena_free(arena);

    /* The arena's cap holds even when the data is there. */
    arena = ndr_arena_new(100);
    memset(&got, 0, sizeof got);
    st = pull_hex(arena, share_list_hex, &enum_type, &got, 0);
    is_int(st, STATUS_INSUFFICIENT_RESOURCES, "arena cap refuses a pull that needs more");
    ndr_arena_free(arena);
}

static void test_params(void)
{
    struct item items[1] = { { "C$", 0x80000000u, "Default share" } };
    struct container cont = { 1, items };
    uint32_t resume = 7;
    struct call c = { .server = "\\\\srv", .info = { .level = 1, .u.level1 = &cont },
                      .max_len = 0xFFFFFFFFu, .total = 1, .resume = &resume, .result = 0 };
    /* [in]: server id + string, info with its deferred container, max_len,
     * resume id + value. */
    push_is(&call_type, &c, NDR_IN,
            "00000200" "06000000" "00000000" "06000000" "5c005c00730072007600" "0000"
            "01000000" "01000000" "04000200"
            "01000000" "08000200" "01000000"
            "0c000200" "00000080" "10000200"
            "03000000" "00000000" "03000000" "430024000000" "0000"
            "0e000000" "00000000" "0e000000"
            "440065006600610075006c0074002000730068006100720065000000"
            "ffffffff" "14000200" "07000000",
            "params [in]");

    struct ndr_arena *arena = ndr_arena_new(1 << 20);
    struct buf b;
    buf_init(&b);
    ndr_push(&b, &call_type, &c, NDR_OUT);
    struct call got = { .info.level = 99 };
    /* The client knows its [in] Level; the [out] union must agree. */
    got.info.level = 1;
    NTSTATUS st = ndr_pull(arena, b.data, b.len, &call_type, &got, NDR_OUT);
    ok(st == STATUS_SUCCESS, "params [out] round trip (%s)", nt_status_name(st));
    ok(got.resume && *got.resume == 7 && got.total == 1 && got.result == 0, "out scalars");
    ok(got.info.u.level1 && got.info.u.level1->count == 1 &&
       strcmp(got.info.u.level1->items[0].remark, "Default share") == 0, "out container");
    ok(got.server == NULL, "[in]-only member untouched by an [out] pull");
    buf_free(&b);

    /* NULL unique parameters. */
    struct call empty = { .info = { .level = 2, .u.level2 = NULL } };
    push_is(&call_type, &empty, NDR_IN,
            "00000000" "02000000" "02000000" "00000000" "00000000" "00000000", "NULL unique params");
    memset(&got, 0, sizeof got);
    st = pull_hex(arena, "00000000" "02000000" "02000000" "00000000" "00000000" "00000000",
                  &call_type, &got, NDR_IN);
    ok(st == STATUS_SUCCESS && !got.server && !got.resume && got.info.level == 2 && !got.info.u.level2,
       "pull NULL unique params");
    ndr_arena_free(arena);
}

static void test_alignment(void)
{
    struct aligned a = { 0x11, 0x22222222, 0x3333, 0x4444444444444444ull, 0x55 };
    push_is(&aligned_type, &a, 0,
            "11000000" "22222222" "3333" "000000000000" "4444444444444444" "55", "alignment");
    struct aligned got;
    struct ndr_arena *arena = ndr_arena_new(4096);
    NTSTATUS st = pull_hex(arena, "11ffffff" "22222222" "3333" "ffffffffffff" "4444444444444444" "55",
                           &aligned_type, &got, 0);
    ok(st == STATUS_SUCCESS && got.a == 0x11 && got.c == 0x3333 && got.d == 0x4444444444444444ull &&
       got.e == 0x55, "pull skips padding whatever its content");
    ndr_arena_free(arena);
}

static void test_conformant_struct(void)
{
    uint32_t subs[2] = { 32, 544 };
    struct RPC_SID sid = { 1, 2, { 0, 0, 0, 0, 0, 5 }, subs };
    struct sid_holder h = { 0xAABBCCDD, &sid };
    /* Conformance hoisted before the struct: max_count, then the members. */
    const char *expect = "ddccbbaa" "00000200" "02000000" "0102000000000005" "20000000" "20020000";
    push_is(&sid_holder_type, &h, 0, expect, "conformant struct");
    struct ndr_arena *arena = ndr_arena_new(4096);
    struct sid_holder got = { 0 };
    NTSTATUS st = pull_hex(arena, expect, &sid_holder_type, &got, 0);
    ok(st == STATUS_SUCCESS && got.sid && got.sid->SubAuthorityCount == 2 && got.sid->SubAuthority[1] == 544 &&
       got.sid->IdentifierAuthority[5] == 5, "conformant struct round trip");
    memset(&got, 0, sizeof got);
    st = pull_hex(arena, "ddccbbaa" "00000200" "03000000" "0102000000000005" "20000000" "20020000",
                  &sid_holder_type, &got, 0);
    is_int(st, STATUS_DATA_ERROR, "hoisted count must equal the count member");
    memset(&got, 0, sizeof got);
    st = pull_hex(arena, "ddccbbaa" "00000200" "10000000" "0110000000000005"
                  "00000000000000000000000000000000" "00000000000000000000000000000000"
                  "00000000000000000000000000000000" "00000000000000000000000000000000",
                  &sid_holder_type, &got, 0);
    is_int(st, STATUS_DATA_ERROR, "[range] refuses 16 sub-authorities");
    ndr_arena_free(arena);
}

static void test_varying(void)
{
    uint16_t text[4] = { 'a', 'b', 0, 0 };
    struct RPC_UNICODE_STRING u = { 4, 8, text };
    const char *expect = "0400" "0800" "00000200" "04000000" "00000000" "02000000" "61006200";
    push_is(&ndr_rpc_unicode_string, &u, 0, expect, "varying array");
    struct ndr_arena *arena = ndr_arena_new(4096);
    struct RPC_UNICODE_STRING got = { 0 };
    NTSTATUS st = pull_hex(arena, expect, &ndr_rpc_unicode_string, &got, 0);
    ok(st == STATUS_SUCCESS && got.Buffer && got.Buffer[0] == 'a' && got.Buffer[1] == 'b' &&
       got.Buffer[3] == 0, "varying array pulled into size_is elements");
    memset(&got, 0, sizeof got);
    st = pull_hex(arena, "0400" "0800" "00000200" "04000000" "00000000" "05000000" "6100620063006400",
                  &ndr_rpc_unicode_string, &got, 0);
    is_int(st, STATUS_DATA_ERROR, "actual_count beyond length_is refused");
    memset(&got, 0, sizeof got);
    st = pull_hex(arena, "0400" "0800" "00000200" "04000000" "01000000" "02000000" "61006200",
                  &ndr_rpc_unicode_string, &got, 0);
    is_int(st, STATUS_DATA_ERROR, "non-zero offset refused");
    /* A huge size_is with a short length: the arena's cap stops it. */
    struct ndr_arena *small = ndr_arena_new(1 << 16);
    memset(&got, 0, sizeof got);
    st = pull_hex(small, "0400" "feff" "00000200" "ff7f0000" "00000000" "02000000" "61006200",
                  &ndr_rpc_unicode_string, &got, 0);
    is_int(st, STATUS_INSUFFICIENT_RESOURCES, "varying array's size_is capped by the arena");
    ndr_arena_free(small);
    struct RPC_UNICODE_STRING bad = { 10, 4, text };
    struct buf b;
    buf_init(&b);
    is_int(ndr_push(&b, &ndr_rpc_unicode_string, &bad, 0), STATUS_INVALID_PARAMETER, "push length > size refused");
    buf_free(&b);
    ndr_arena_free(arena);
}

static void test_full_pointers(void)
{
    uint32_t v = 42;
    struct pair p = { &v, &v };
    const char *expect = "00000200" "00000200" "2a000000";
    push_is(&pair_type, &p, 0, expect, "aliased full pointers share one referent");
    struct ndr_arena *arena = ndr_arena_new(4096);
    struct pair got = { 0 };
    NTSTATUS st = pull_hex(arena, expect, &pair_type, &got, 0);
    ok(st == STATUS_SUCCESS && got.a && got.a == got.b && *got.a == 42, "pull aliases them again");
    uint32_t w = 43;
    struct pair q = { &v, &w };
    push_is(&pair_type, &q, 0, "00000200" "04000200" "2a000000" "2b000000", "distinct full pointers");
    ndr_arena_free(arena);
}

static void test_strings(void)
{
    struct ndr_arena *arena = ndr_arena_new(4096);
    char *s = NULL;
    NTSTATUS st = pull_hex(arena, "03000000" "00000000" "02000000" "41004200", &ndr_wstring, &s, 0);
    ok(st == STATUS_SUCCESS && s && strcmp(s, "AB") == 0, "string without terminator accepted as counted");
    st = pull_hex(arena, "03000000" "00000000" "03000000" "410000004200", &ndr_wstring, &s, 0);
    ok(st == STATUS_SUCCESS && strcmp(s, "A") == 0, "a string ends at its first NUL");
    st = pull_hex(arena, "03000000" "00000000" "03000000" "41000000" "00d8", &ndr_wstring, &s, 0);
    ok(st == STATUS_SUCCESS && strcmp(s, "A") == 0, "what follows the NUL is not looked at");
    st = pull_hex(arena, "02000000" "00000000" "02000000" "00d80000", &ndr_wstring, &s, 0);
    is_int(st, STATUS_ILLEGAL_CHARACTER, "unpaired surrogate refused");
    st = pull_hex(arena, "02000000" "00000000" "03000000" "410042000000", &ndr_wstring, &s, 0);
    is_int(st, STATUS_DATA_ERROR, "actual_count > max_count refused");
    st = pull_hex(arena, "ffffffff" "00000000" "ffffffff" "4100", &ndr_wstring, &s, 0);
    is_int(st, STATUS_DATA_ERROR, "string longer than the data refused");
    s = "h\xc3\xa9";
    push_is(&ndr_wstring, &s, 0, "03000000" "00000000" "03000000" "6800e9000000", "UTF-8 to UTF-16");
    s = "\xff";
    struct buf b;
    buf_init(&b);
    is_int(ndr_push(&b, &ndr_wstring, &s, 0), STATUS_ILLEGAL_CHARACTER, "push of bad UTF-8 refused");
    buf_free(&b);
    s = "ab";
    push_is(&ndr_cstring, &s, 0, "03000000" "00000000" "03000000" "616200", "8-bit string");
    s = "";
    push_is(&ndr_wstring, &s, 0, "01000000" "00000000" "01000000" "0000", "empty string: the terminator alone");
    ndr_arena_free(arena);
}

static void test_depth(void)
{
    /* 100 list nodes: deeper than NDR_MAX_DEPTH, refused both ways. */
    struct node nodes[100];
    for (int i = 0; i < 100; i++) {
        nodes[i].value = (uint32_t)i;
        nodes[i].next = i < 99 ? &nodes[i + 1] : NULL;
    }
    struct buf b;
    buf_init(&b);
    is_int(ndr_push(&b, &node_type, &nodes[0], 0), STATUS_INVALID_PARAMETER, "push deeper than the limit");
    buf_free(&b);
    static uint8_t data[100 * 8];
    for (int i = 0; i < 100; i++) {
        memcpy(data + 8 * i, "\x01\x00\x00\x00\x00\x00\x02\x00", 8);
    }
    struct ndr_arena *arena = ndr_arena_new(1 << 20);
    struct node got = { 0 };
    is_int(ndr_pull(arena, data, sizeof data, &node_type, &got, 0), STATUS_DATA_ERROR,
           "pull deeper than the limit");
    /* A short list is fine. */
    nodes[2].next = NULL;
    buf_init(&b);
    ok(ndr_push(&b, &node_type, &nodes[0], 0) == STATUS_SUCCESS, "short list pushes");
    memset(&got, 0, sizeof got);
    ok(ndr_pull(arena, b.data, b.len, &node_type, &got, 0) == STATUS_SUCCESS && got.next &&
       got.next->next && got.next->next->value == 2 && !got.next->next->next, "short list pulls");
    buf_free(&b);
    ndr_arena_free(arena);
}

static void test_late_size(void)
{
    uint8_t bytes[6] = { 'S', 0, 'N', 0, 0, 0 };
    uint32_t cb = 6, len = 4;
    struct query q = { bytes, &cb, &len, 0 };
    /* lpData's counts come before lpcbData and lpcbLen on the wire. */
    const char *expect = "00000200" "06000000" "00000000" "04000000" "53004e00"
                         "04000200" "06000000" "08000200" "04000000";
    push_is(&query_type, &q, NDR_IN, expect, "late-sized parameter");
    struct ndr_arena *arena = ndr_arena_new(4096);
    struct query got = { 0 };
    NTSTATUS st = pull_hex(arena, expect, &query_type, &got, NDR_IN);
    ok(st == STATUS_SUCCESS && got.cb && *got.cb == 6 && got.len && *got.len == 4 && got.data &&
           memcmp(got.data, "S\0N\0", 4) == 0,
       "a parameter sized by later ones is pulled (%s)", nt_status_name(st));
    memset(&got, 0, sizeof got);
    st = pull_hex(arena, "00000200" "06000000" "00000000" "04000000" "53004e00"
                         "04000200" "07000000" "08000200" "04000000", &query_type, &got, NDR_IN);
    is_int(st, STATUS_DATA_ERROR, "... its max_count must equal the later size_is");
    memset(&got, 0, sizeof got);
    st = pull_hex(arena, "00000200" "06000000" "00000000" "04000000" "53004e00"
                         "04000200" "06000000" "08000200" "03000000", &query_type, &got, NDR_IN);
    is_int(st, STATUS_DATA_ERROR, "... its actual_count the later length_is");
    memset(&got, 0, sizeof got);
    st = pull_hex(arena, "00000200" "06000000" "00000000" "04000000" "53004e00"
                         "00000000" "08000200" "04000000", &query_type, &got, NDR_IN);
    is_int(st, STATUS_DATA_ERROR, "... and the pointer sizing it must be there");
    memset(&got, 0, sizeof got);
    st = pull_hex(arena, "00000000" "04000200" "00010000" "00000000", &query_type, &got, NDR_IN);
    ok(st == STATUS_SUCCESS && !got.data && got.cb && *got.cb == 256 && !got.len,
       "no data, a size alone: nothing to check");
    struct query none = { 0 };
    push_is(&query_type, &none, NDR_IN | NDR_OUT, "00000000" "00000000" "00000000" "00000000",
            "a NULL parameter whose size_is names a NULL pointer is its ID alone");
    memset(&got, 0, sizeof got);
    st = pull_hex(arena, "00000000" "00000000" "00000000" "00000000", &query_type, &got, NDR_OUT);
    ok(st == STATUS_SUCCESS && !got.data && !got.cb && !got.len, "... and pulls back so");
    memset(&got, 0, sizeof got);
    st = pull_hex(arena, "00000200" "ffffff7f" "00000000" "04000000" "53004e00", &query_type, &got, NDR_IN);
    ok(st != STATUS_SUCCESS, "a huge max_count sent first is refused before the check (%s)", nt_status_name(st));
    ndr_arena_free(arena);
}

static void test_varying_fixed(void)
{
    /* "C:" with its terminator, then the empty string: each is offset,
     * length and only length characters, the next one aligned to 4. */
    struct disk_pair p = { { 3, { 'C', ':', 0 } }, { 1, { 0, 0, 0 } } };
    const char *expect = "00000000" "03000000" "43003a000000" "0000" "00000000" "01000000" "0000";
    push_is(&disk_pair_type, &p, 0, expect, "varying fixed arrays");
    struct ndr_arena *arena = ndr_arena_new(4096);
    struct disk_pair got;
    memset(&got, 0xff, sizeof got);
    NTSTATUS st = pull_hex(arena, expect, &disk_pair_type, &got, 0);
    ok(st == STATUS_SUCCESS && got.a.chars[0] == 'C' && got.a.chars[1] == ':' && got.a.chars[2] == 0 &&
       got.b.chars[0] == 0 && got.b.chars[1] == 0 && got.b.chars[2] == 0,
       "varying fixed arrays pulled, the elements not sent zeroed");
    st = pull_hex(arena, "00000000" "04000000" "43003a0000000000", &disk_type, &got.a, 0);
    is_int(st, STATUS_DATA_ERROR, "a length past the fixed size refused");
    st = pull_hex(arena, "01000000" "01000000" "0000", &disk_type, &got.a, 0);
    is_int(st, STATUS_DATA_ERROR, "a non-zero offset refused");
    st = pull_hex(arena, "00000000" "03000000" "4300", &disk_type, &got.a, 0);
    ok(st != STATUS_SUCCESS, "a truncated varying fixed array refused");
    struct disk bad = { 4, { 'a', 'b', 'c' } };
    struct buf b;
    buf_init(&b);
    is_int(ndr_push(&b, &disk_type, &bad, 0), STATUS_INVALID_PARAMETER, "push of a length past the size refused");
    buf_free(&b);
    ndr_arena_free(arena);
}

/* The shared [MS-DTYP] types: a policy handle's 20 bytes, SID arrays with
 * their two [range]s, and the conversions to lib's forms. */
static void test_dtyp(void)
{
    struct policy_handle h = { 0, { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 } };
    push_is(&ndr_policy_handle, &h, 0, "00000000" "0102030405060708090a0b0c0d0e0f10", "policy handle");

    struct sid a, b;
    sid_parse("S-1-5-32-544", &a);
    sid_parse("S-1-1-0", &b);
    struct ndr_arena *arena = ndr_arena_new(1 << 16);
    struct RPC_SID_INFORMATION info[2] = { { ndr_sid_to_rpc(arena, &a) }, { ndr_sid_to_rpc(arena, &b) } };
    struct RPC_SID_ARRAY array = { 2, info };
    /* Count, pointer; max_count, the two pointers; then each SID with its
     * hoisted conformance. */
    const char *expect = "02000000" "00000200" "02000000" "04000200" "08000200"
                         "02000000" "0102000000000005" "20000000" "20020000"
                         "01000000" "0101000000000001" "00000000";
    push_is(&ndr_sid_array_lsat, &array, 0, expect, "SID array");
    struct RPC_SID_ARRAY got = { 0 };
    NTSTATUS st = pull_hex(arena, expect, &ndr_sid_array_samr, &got, 0);
    struct sid back;
    ok(st == STATUS_SUCCESS && got.Count == 2 && ndr_sid_from_rpc(got.Sids[0].Sid, &back) && sid_equal(&back, &a) &&
       ndr_sid_from_rpc(got.Sids[1].Sid, &back) && sid_equal(&back, &b), "SID array round trip");
    memset(&got, 0, sizeof got);
    st = pull_hex(arena, "01040000" "00000000", &ndr_sid_array_samr, &got, 0);
    is_int(st, STATUS_DATA_ERROR, "samr's SID array: Count 1025 is out of range");
    memset(&got, 0, sizeof got);
    st = pull_hex(arena, "01040000" "00000000", &ndr_sid_array_lsat, &got, 0);
    ok(st == STATUS_SUCCESS && got.Count == 1025 && !got.Sids, "lsat's takes 1025 (a NULL array)");
    memset(&got, 0, sizeof got);
    st = pull_hex(arena, "01500000" "00000000", &ndr_sid_array_lsat, &got, 0);
    is_int(st, STATUS_DATA_ERROR, "lsat's SID array: Count 20481 is out of range");
    memset(&got, 0, sizeof got);
    st = pull_hex(arena, "ffff0000" "00000200" "ffff0000", &ndr_sid_array_lsat, &got, 0);
    ok(st != STATUS_SUCCESS, "a count the data cannot hold is refused before allocation");

    struct RPC_SID odd = { 2, 1, { 0, 0, 0, 0, 0, 5 }, info[0].Sid->SubAuthority };
    ok(!ndr_sid_from_rpc(&odd, &back) && !ndr_sid_from_rpc(NULL, &back), "revision 2 and NULL refused");

    struct RPC_UNICODE_STRING u;
    ok(ndr_unicode_string_from_utf8(arena, "Grüße", &u) == STATUS_SUCCESS && u.Length == 10 &&
       u.MaximumLength == 10 && u.Buffer[2] == 0xFC, "UTF-8 to a counted string, no terminator");
    const char *text = ndr_unicode_string_to_utf8(arena, &u);
    ok(text && strcmp(text, "Grüße") == 0, "and back");
    uint16_t with_nul[3] = { 'a', 'b', 0 };
    struct RPC_UNICODE_STRING t = { 6, 6, with_nul };
    text = ndr_unicode_string_to_utf8(arena, &t);
    ok(text && strcmp(text, "ab") == 0, "a counted terminator is dropped");
    uint16_t inner_nul[3] = { 'a', 0, 'b' };
    t.Buffer = inner_nul;
    ok(!ndr_unicode_string_to_utf8(arena, &t), "an embedded NUL is refused");
    uint16_t lone[1] = { 0xD800 };
    t = (struct RPC_UNICODE_STRING){ 2, 2, lone };
    ok(!ndr_unicode_string_to_utf8(arena, &t), "an unpaired surrogate is refused");
    t = (struct RPC_UNICODE_STRING){ 0, 0, NULL };
    text = ndr_unicode_string_to_utf8(arena, &t);
    ok(text && !*text, "a NULL buffer is the empty string");
    ok(ndr_unicode_string_from_utf8(arena, "", &u) == STATUS_SUCCESS && u.Buffer && u.Length == 0,
       "the empty string keeps a buffer");
    ok(ndr_unicode_string_from_utf8(arena, NULL, &u) == STATUS_SUCCESS && !u.Buffer, "NULL: no buffer");
    ndr_arena_free(arena);
}

int main(void)
{
    test_share_list();
    test_params();
    test_alignment();
    test_conformant_struct();
    test_varying();
    test_varying_fixed();
    test_late_size();
    test_full_pointers();
    test_strings();
    test_depth();
    test_dtyp();
    return done_testing();
}
