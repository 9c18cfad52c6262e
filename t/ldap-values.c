/* The LDAP provider's value decoding and filter escaping
 * (lsass/ldap/ldap_values.h): what a directory may send is bounded, and a
 * name put into a filter cannot change the filter (RFC 4515). */
#include <stdint.h>
#include <string.h>

#include "lsass/ldap/ldap_values.h"
#include "t/tap/tap.h"

#define V(s) (s), strlen(s)

int main(void)
{
    char out[LDAP_TEXT_MAX + 1];
    uint32_t id = 0;
    uint8_t hash[16];
    struct sid sid;

    ok(ldap_value_name(V("carol"), out, sizeof out) && strcmp(out, "carol") == 0, "a plain name");
    ok(ldap_value_name(V("jos\xc3\xa9"), out, sizeof out), "a UTF-8 name");
    ok(!ldap_value_name(V("bad\xc3"), out, sizeof out), "truncated UTF-8 refused");
    ok(!ldap_value_name(V("\xc0\xaf"), out, sizeof out), "an overlong encoding refused");
    ok(!ldap_value_name("a\0b", 3, out, sizeof out), "an embedded NUL refused");
    ok(!ldap_value_name(V("x\ny"), out, sizeof out), "a newline refused (forged log and passwd lines)");
    ok(!ldap_value_name(V("a:b"), out, sizeof out), "':' refused (passwd fields)");
    ok(!ldap_value_name(V("DOM\\x"), out, sizeof out), "'\\' refused");
    ok(!ldap_value_name(V("-rf"), out, sizeof out), "a leading '-' refused");
    ok(!ldap_value_name("", 0, out, sizeof out), "an empty name refused");
    char longname[LDAP_NAME_MAX + 2];
    memset(longname, 'a', sizeof longname);
    ok(!ldap_value_name(longname, LDAP_NAME_MAX + 1, out, sizeof out), "a name over LDAP_NAME_MAX refused");
    ok(ldap_value_name(longname, LDAP_NAME_MAX, out, sizeof out), "a name of LDAP_NAME_MAX accepted");
    ok(!ldap_value_name(V("carol"), out, 5), "an output buffer too small refused");

    ok(ldap_value_text(V("Carol, from LDAP"), out, sizeof out), "gecos with a comma");
    ok(!ldap_value_text(V("/bin/sh:x"), out, sizeof out), "':' in a passwd field refused");
    ok(ldap_value_text("", 0, out, sizeof out) && out[0] == '\0', "an empty text is fine");

    ok(ldap_value_id(V("5001"), &id) && id == 5001, "uidNumber 5001");
    ok(!ldap_value_id(V("0"), &id), "uid 0 refused (never root)");
    ok(!ldap_value_id(V("000"), &id), "0 spelt with more zeros refused too");
    ok(!ldap_value_id(V("4294967295"), &id), "(uint32_t)-1 refused");
    ok(ldap_value_id(V("4294967294"), &id) && id == 4294967294u, "the largest id");
    ok(!ldap_value_id(V("99999999999"), &id), "more than 10 digits refused");
    ok(!ldap_value_id(V("-5"), &id) && !ldap_value_id(V("5 "), &id) && !ldap_value_id(V("0x10"), &id),
       "signs, spaces and hex refused");

    ok(ldap_value_nt_hash(V("A9F0DD57E1EDAB5BB55A9AC0A99C15EC"), hash) && hash[0] == 0xa9 && hash[15] == 0xec,
       "an NT hash in hex");
    ok(!ldap_value_nt_hash(V("A9F0DD57E1EDAB5BB55A9AC0A99C15E"), hash), "31 digits refused");
    ok(!ldap_value_nt_hash(V("G9F0DD57E1EDAB5BB55A9AC0A99C15EC"), hash), "a non-hex digit refused");

    ok(ldap_value_sid(V("S-1-5-21-1-2-3-1000"), &sid) && sid.sub_authority_count == 5, "a sambaSID");
    ok(!ldap_value_sid(V("S-1-5-21-x"), &sid), "a malformed SID refused");

    ok(ldap_value_disabled(V("[DU         ]")), "'D' in sambaAcctFlags: disabled");
    ok(!ldap_value_disabled(V("[U          ]")), "'U' alone: enabled");
    ok(!ldap_value_disabled(V("D")), "flags without brackets are not Samba's: ignored");

    char escaped[64];
    ok(ldap_filter_escape("carol", escaped, sizeof escaped) && strcmp(escaped, "carol") == 0, "a plain name as is");
    ok(ldap_filter_escape("*)(uid=*", escaped, sizeof escaped) && strcmp(escaped, "\\2a\\29\\28uid=\\2a") == 0,
       "'*', '(' and ')' escaped: %s", escaped);
    ok(ldap_filter_escape("a\\b c", escaped, sizeof escaped) && strcmp(escaped, "a\\5cb\\20c") == 0,
       "'\\' and space escaped: %s", escaped);
    ok(!ldap_filter_escape("((((((((((((((((((((((", escaped, sizeof escaped), "an output too small refused");
    return done_testing();
}
