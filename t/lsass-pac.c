/* The PAC reader (lsass/pac): a KERB_VALIDATION_INFO built here field by
 * field as [MS-PAC] 2.5 lays it out yields its user, primary group, domain
 * groups, extra SIDs and resource groups; every truncation, an inflated
 * count, a mismatched conformance and a bad header are refused. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lsass/pac/pac.h"
#include "t/tap/tap.h"

static void string_header(struct buf *b, const char *s, uint32_t ptr)
{
    wr_u16(b, (uint16_t)(strlen(s) * 2));
    wr_u16(b, (uint16_t)(strlen(s) * 2));
    wr_u32(b, ptr);
}

static void string_body(struct buf *b, const char *s)
{
    wr_align(b, 4);
    wr_u32(b, (uint32_t)strlen(s));
    wr_u32(b, 0);
    wr_u32(b, (uint32_t)strlen(s));
    for (const char *c = s; *c; c++)
        wr_u16(b, (uint16_t)*c);
}

static void sid_body(struct buf *b, const char *text)
{
    struct sid sid;
    sid_parse(text, &sid);
    wr_align(b, 4);
    wr_u32(b, sid.sub_authority_count);
    sid_write(b, &sid);
}

/* The logon info: user RID 1104, primary 513, groups 513 and 1108 of
 * S-1-5-21-1-2-3, one extra SID, one resource group 1200 of S-1-5-21-7-8-9.
 * group_count_lie: the GroupCount field says this instead of 2. */
static void build(struct buf *b, uint32_t group_count_lie)
{
    /* Type serialization header ([MS-RPCE] 2.2.6); the length is patched. */
    wr_u8(b, 1);
    wr_u8(b, 0x10);
    wr_u16(b, 8);
    wr_u32(b, 0xcccccccc);
    size_t len_at = wr_reserve(b, 4);
    wr_u32(b, 0);
    size_t start = b->len;
    wr_u32(b, 0x00020000); /* referent */
    for (int i = 0; i < 6; i++)
        wr_u64(b, 0x01d0000000000000ull);
    const char *strings[6] = { "alice", "Alice Liddell", "", "", "", "" };
    for (int i = 0; i < 6; i++)
        string_header(b, strings[i], 0x00020004 + 4 * (uint32_t)i);
    wr_u16(b, 3);
    wr_u16(b, 0);
    wr_u32(b, 1104);
    wr_u32(b, 513);
    wr_u32(b, group_count_lie);
    wr_u32(b, 0x0002001c);
    wr_u32(b, 0x20); /* UserFlags: extra SIDs */
    wr_zeros(b, 16);
    string_header(b, "DC1", 0x00020020);
    string_header(b, "EXAMPLE", 0x00020024);
    wr_u32(b, 0x00020028);
    wr_zeros(b, 8 + 4 + 4 + 8 + 8 + 4 + 4);
    wr_u32(b, 1);
    wr_u32(b, 0x0002002c);
    wr_u32(b, 0x00020030);
    wr_u32(b, 1);
    wr_u32(b, 0x00020034);
    for (int i = 0; i < 6; i++)
        string_body(b, strings[i]);
    wr_align(b, 4);
    wr_u32(b, 2);
    wr_u32(b, 513);
    wr_u32(b, 7);
    wr_u32(b, 1108);
    wr_u32(b, 7);
    string_body(b, "DC1");
    string_body(b, "EXAMPLE");
    sid_body(b, "S-1-5-21-1-2-3");
    wr_align(b, 4);
    wr_u32(b, 1);          /* ExtraSids */
    wr_u32(b, 0x00020038);
    wr_u32(b, 7);
    sid_body(b, "S-1-5-21-4-5-6-777");
    sid_body(b, "S-1-5-21-7-8-9");
    wr_align(b, 4);
    wr_u32(b, 1);
    wr_u32(b, 1200);
    wr_u32(b, 7);
    wr_align(b, 8);
    wr_put_u32_at(b, len_at, (uint32_t)(b->len - start));
}

static bool has(const struct pac_logon_info *info, const char *text)
{
    struct sid sid;
    sid_parse(text, &sid);
    for (size_t i = 0; i < info->group_count; i++)
        if (sid_equal(&info->groups[i], &sid))
            return true;
    return false;
}

int main(int argc, char **argv)
{
    struct buf b;
    struct pac_logon_info info;
    char text[SID_STRING_MAX];
    buf_init(&b);
    build(&b, 2);
    ok(wr_ok(&b), "built a KERB_VALIDATION_INFO of %zu bytes", b.len);
    if (argc == 2) { /* writes the fuzz seed fuzz/corpus/pac/logon-info */
        FILE *f = fopen(argv[1], "wb");
        if (f) {
            fwrite(b.data, 1, b.len, f);
            fclose(f);
        }
    }

    is_int(pac_parse_logon_info(b.data, b.len, &info), STATUS_SUCCESS, "it parses");
    sid_format(&info.user, text, sizeof text);
    is_str(text, "S-1-5-21-1-2-3-1104", "the user: LogonDomainId + UserId");
    sid_format(&info.primary_group, text, sizeof text);
    is_str(text, "S-1-5-21-1-2-3-513", "the primary group");
    is_int((long long)info.group_count, 4, "four group SIDs");
    ok(has(&info, "S-1-5-21-1-2-3-513") && has(&info, "S-1-5-21-1-2-3-1108"), "the domain groups");
    ok(has(&info, "S-1-5-21-4-5-6-777"), "the extra SID");
    ok(has(&info, "S-1-5-21-7-8-9-1200"), "the resource group");
    pac_logon_info_clear(&info);

    /* The same inside a PACTYPE with a second buffer before it. */
    struct buf pac;
    buf_init(&pac);
    wr_u32(&pac, 2);
    wr_u32(&pac, 0);
    wr_u32(&pac, 10); /* client info: skipped */
    wr_u32(&pac, 8);
    wr_u64(&pac, 40);
    wr_u32(&pac, 1);
    wr_u32(&pac, (uint32_t)b.len);
    wr_u64(&pac, 48);
    wr_zeros(&pac, 8);
    wr_bytes(&pac, b.data, b.len);
    is_int(pac_parse(pac.data, pac.len, &info), STATUS_SUCCESS, "a whole PAC parses");
    is_int((long long)info.group_count, 4, "with its groups");
    pac_logon_info_clear(&info);
    wr_put_u64_at(&pac, 32, 1u << 20);
    is_int(pac_parse(pac.data, pac.len, &info), STATUS_INVALID_PARAMETER, "a buffer offset past the end");
    buf_free(&pac);

    int bad = 0;
    for (size_t n = 0; n + 8 < b.len; n++) /* the trailing alignment padding may go */
        if (pac_parse_logon_info(b.data, n, &info) != STATUS_INVALID_PARAMETER)
            bad++;
    is_int(bad, 0, "every truncation is refused");
    /* Truncations the header agrees with: the NDR reader's own bounds. */
    bad = 0;
    for (size_t n = 16; n + 8 < b.len; n++) {
        uint8_t *copy = malloc(n);
        memcpy(copy, b.data, n);
        le32_store(copy + 8, (uint32_t)(n - 16));
        if (pac_parse_logon_info(copy, n, &info) != STATUS_INVALID_PARAMETER)
            bad++;
        free(copy);
    }
    is_int(bad, 0, "every truncation is refused by the NDR reader too");

    struct buf lie;
    buf_init(&lie);
    build(&lie, 0x40000000);
    is_int(pac_parse_logon_info(lie.data, lie.len, &info), STATUS_INVALID_PARAMETER,
           "a GroupCount beyond the data is refused before allocating");
    buf_free(&lie);
    buf_init(&lie);
    build(&lie, 3);
    is_int(pac_parse_logon_info(lie.data, lie.len, &info), STATUS_INVALID_PARAMETER,
           "a GroupCount that disagrees with the array's conformance is refused");
    buf_free(&lie);

    b.data[1] = 0x00; /* big endian: not what Windows sends */
    is_int(pac_parse_logon_info(b.data, b.len, &info), STATUS_INVALID_PARAMETER, "a big-endian header");
    buf_free(&b);
    return done_testing();
}
