/* SIDs: string and binary forms, comparison, RID arithmetic, bad input. */
#include <string.h>

#include "lib/sid.h"
#include "lib/ntstatus.h"
#include "t/tap/tap.h"

int main(void)
{
    struct sid s;
    char text[SID_STRING_MAX];
    is_int(sid_parse("S-1-5-21-1004336348-1177238915-682003330-512", &s), STATUS_SUCCESS,
           "parse a domain group SID");
    sid_format(&s, text, sizeof text);
    is_str(text, "S-1-5-21-1004336348-1177238915-682003330-512", "format round trip");
    is_int(s.sub_authority_count, 5, "five sub-authorities");

    struct buf b;
    buf_init(&b);
    sid_write(&b, &s);
    is_int(b.len, sid_wire_size(&s), "wire size");
    struct buf_reader r;
    rd_init(&r, b.data, b.len);
    struct sid back;
    ok(sid_read(&r, &back) == STATUS_SUCCESS && sid_equal(&s, &back), "binary round trip");
    rd_init(&r, b.data, b.len - 1);
    is_int(sid_read(&r, &back), STATUS_INVALID_SID, "truncated binary SID refused");
    b.data[1] = 16;
    rd_init(&r, b.data, b.len);
    is_int(sid_read(&r, &back), STATUS_INVALID_SID, "16 sub-authorities refused");
    buf_free(&b);

    const char *bad[] = { "", "S-", "S-1", "S-2-5", "S-1-5-", "S-1-5-x", "S-1-5-4294967296",
                          "S-1-5-1-2-3-4-5-6-7-8-9-10-11-12-13-14-15-16", "X-1-5", "S-1-5--1" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        is_int(sid_parse(bad[i], &s), STATUS_INVALID_SID, "bad SID string '%s'", bad[i]);

    sid_format(&SID_BUILTIN_ADMINISTRATORS, text, sizeof text);
    is_str(text, "S-1-5-32-544", "well-known Administrators");
    sid_format(&SID_EVERYONE, text, sizeof text);
    is_str(text, "S-1-1-0", "well-known Everyone");

    struct sid domain, user;
    sid_parse("S-1-5-21-1-2-3", &domain);
    ok(sid_append(&user, &domain, 1000) == STATUS_SUCCESS, "append RID");
    uint32_t rid = 0;
    ok(sid_split_rid(&user, &domain, &rid) && rid == 1000, "split RID back");
    ok(!sid_split_rid(&SID_BUILTIN_USERS, &domain, &rid), "other domain does not split");
    ok(sid_compare(&domain, &user) < 0, "prefix sorts first");
    sid_parse("S-1-0x123456789ABC-1", &s);
    sid_format(&s, text, sizeof text);
    is_str(text, "S-1-0x123456789ABC-1", "large authority prints in hex");
    return done_testing();
}
