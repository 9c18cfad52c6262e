/* SDDL: realistic strings (Windows' default share descriptor, a volume root, a
 * folder Windows made, sc sdshow output) round-trip through the parser, the
 * binary form and the formatter; the binary form agrees with impacket's;
 * non-canonical input is normalised; bad input is refused. */
#include <stdlib.h>
#include <string.h>

#include "lib/sddl.h"
#include "t/tap/tap.h"

/* Parses text, formats it back, and checks the text and the binary round trip. */
static void round_trip(const char *text, const char *expected)
{
    if (!expected)
        expected = text;
    struct security_descriptor sd, back;
    NTSTATUS status = sddl_parse(text, &sd);
    if (!is_int(status, STATUS_SUCCESS, "parse %.60s", text)) {
        diag("%s", nt_status_name(status));
        return;
    }
    char *out = NULL;
    is_int(sddl_format(&sd, &out), STATUS_SUCCESS, "  format");
    is_str(out, expected, "  text round trip");
    free(out);
    uint8_t *bytes = NULL;
    size_t len = 0;
    ok(secdesc_to_bytes(&sd, &bytes, &len) == STATUS_SUCCESS &&
           secdesc_parse(bytes, len, &back) == STATUS_SUCCESS && secdesc_equal(&sd, &back),
       "  binary round trip");
    free(bytes);
    secdesc_free(&back);
    secdesc_free(&sd);
}

static void refused(const char *text, NTSTATUS want)
{
    struct security_descriptor sd;
    NTSTATUS status = sddl_parse(text, &sd);
    if (!is_int(status, want, "refused: '%s'", text))
        diag("got %s", nt_status_name(status));
    ok(!sd.dacl && !sd.has_owner, "  and left empty");
}

static void test_default_share(void)
{
    const char *text = "O:BAG:BAD:(A;;FA;;;BA)(A;;0x1200a9;;;WD)";
    struct security_descriptor sd;
    is_int(sddl_parse(text, &sd), STATUS_SUCCESS, "default share SD parses");
    ok(sd.has_owner && sid_equal(&sd.owner, &SID_BUILTIN_ADMINISTRATORS), "owner BA");
    ok(sd.dacl && sd.dacl->count == 2 && sd.dacl->aces[0].mask == FILE_ALL_ACCESS &&
           sd.dacl->aces[1].mask == 0x1200A9 && sid_equal(&sd.dacl->aces[1].sid, &SID_EVERYONE),
       "two allow ACEs: FA to BA, 0x1200a9 to Everyone");
    is_int(sd.control, SE_SELF_RELATIVE | SE_DACL_PRESENT, "control 0x8004");
    /* The same descriptor built by impacket 0.10's SR_SECURITY_DESCRIPTOR
     * (ldaptypes ACL/ACE/LDAP_SID, control 0x8004): same layout, same bytes. */
    uint8_t want[256];
    size_t want_len = tap_hex("0100048048000000580000000000000014000000020034000200000000001800"
                              "ff011f000102000000000005200000002002000000001400a900120001010000"
                              "0000000100000000010200000000000520000000200200000102000000000005"
                              "2000000020020000",
                              want, sizeof want);
    uint8_t *bytes = NULL;
    size_t len = 0;
    is_int(secdesc_to_bytes(&sd, &bytes, &len), STATUS_SUCCESS, "serialize");
    is_mem(bytes, len, want, want_len, "bytes match impacket's");
    free(bytes);
    secdesc_free(&sd);
    round_trip(text, NULL);
}

static void test_round_trips(void)
{
    /* A volume root as Windows 10 sets it up. */
    round_trip("O:SYG:SYD:PAI(A;OICIIO;GA;;;CO)(A;OICIIO;GA;;;SY)(A;;FA;;;SY)(A;OICIIO;GA;;;BA)"
               "(A;;FA;;;BA)(A;OICI;0x1200a9;;;BU)(A;CIIO;DC;;;AU)(A;;LC;;;AU)"
               "(A;OICIIO;SDGXGWGR;;;AU)(A;;0x1301bf;;;AU)",
               NULL);
    /* A folder Windows made under C:\ (owner and group a local user's). */
    round_trip("O:S-1-5-21-920909269-1353440977-3059239504-1001"
               "G:S-1-5-21-920909269-1353440977-3059239504-513"
               "D:AI(A;OICIID;FA;;;BA)(A;OICIID;FA;;;SY)(A;OICIID;0x1200a9;;;BU)"
               "(A;ID;0x1301bf;;;AU)(A;OICIIOID;SDGXGWGR;;;AU)",
               NULL);
    /* A service's descriptor as sc sdshow prints it. */
    round_trip("D:(A;;CCLCSWRPWPDTLOCRRC;;;SY)(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;BA)"
               "(A;;CCLCSWLOCRRC;;;IU)(A;;CCLCSWLOCRRC;;;SU)S:(AU;FA;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;WD)",
               NULL);
    round_trip("O:BAG:SYD:(D;;WD;;;BG)(A;;FA;;;BA)(A;OICINP;FR;;;AN)S:AI(AU;SAFA;FA;;;WD)"
               "(AU;OICIIOIDSA;SD;;;AU)",
               NULL);
    round_trip("O:OWG:CGD:(OA;CI;RPWP;bf967aba-0de6-11d0-a285-00aa003049e2;"
               "bf967a86-0de6-11d0-a285-00aa003049e2;PS)(OD;;CR;00299570-246d-11d0-a768-00aa006e0529;;WD)",
               NULL);
    round_trip("D:NO_ACCESS_CONTROL", NULL);
    round_trip("D:P", NULL);
    round_trip("D:PARAI(A;;0x0;;;WD)S:PNO_ACCESS_CONTROL", NULL);
    round_trip("O:S-1-5-21-1-2-3-500", NULL);
    round_trip("", NULL);

    /* Non-canonical spellings, normalised. */
    round_trip("D:(A;;GRGW;;;S-1-1-0)", "D:(A;;GWGR;;;WD)");
    round_trip("D:(A;;2032127;;;WD)(A;;0X1200A9;;;S-1-5-32-545)", "D:(A;;FA;;;WD)(A;;0x1200a9;;;BU)");
    round_trip("D:(A;CIOI;RCSD;;;WD)", "D:(A;OICI;SDRC;;;WD)");
    round_trip(" S:(AU;FA;FR;;;WD)  D:AI (A;;FW;;;AU) (A;;FX;;;BA) G:BU O:BA ",
               "O:BAG:BUD:AI(A;;FW;;;AU)(A;;FX;;;BA)S:(AU;FA;FR;;;WD)");
    round_trip("D:(A;;KA;;;BA)", "D:(A;;CCDCLCSWRPWPSDRCWDWO;;;BA)");
    round_trip("D:(A;;0x1f01ff;;;WD)", "D:(A;;FA;;;WD)");
}

static void test_pieces(void)
{
    char text[SID_STRING_MAX];
    uint32_t mask;
    struct sid sid;
    is_int(sddl_parse_sid("OW", &sid), STATUS_SUCCESS, "alias OW");
    ok(sid_equal(&sid, &SID_OWNER_RIGHTS), "OW is OWNER RIGHTS");
    const char *aliases[] = { "WD", "BA", "BU", "BG", "SY", "AU", "CO", "CG", "NU", "AN", "OW" };
    int all = 1;
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++) {
        if (sddl_parse_sid(aliases[i], &sid) != STATUS_SUCCESS)
            all = 0;
        sddl_format_sid(&sid, text, sizeof text);
        all &= strcmp(text, aliases[i]) == 0;
    }
    ok(all, "every required alias parses and formats back");
    sid_parse("S-1-5-7", &sid);
    sddl_format_sid(&sid, text, sizeof text);
    is_str(text, "AN", "S-1-5-7 formats as AN");
    is_int(sddl_parse_sid("XX", &sid), STATUS_INVALID_PARAMETER, "unknown alias");
    is_int(sddl_parse_sid("S-1-x", &sid), STATUS_INVALID_SID, "bad SID");

    ok(sddl_parse_rights("GA", &mask) == STATUS_SUCCESS && mask == GENERIC_ALL, "GA");
    ok(sddl_parse_rights("FRFX", &mask) == STATUS_SUCCESS && mask == 0x1200A9, "FRFX");
    ok(sddl_parse_rights("RCSDWDWO", &mask) == STATUS_SUCCESS &&
           mask == (READ_CONTROL | DELETE | WRITE_DAC | WRITE_OWNER),
       "RCSDWDWO");
    is_int(sddl_parse_rights("F", &mask), STATUS_INVALID_PARAMETER, "odd-length code");
    is_int(sddl_parse_rights("0x", &mask), STATUS_INVALID_PARAMETER, "bare 0x");
    sddl_format_rights(FILE_GENERIC_READ, text, sizeof text);
    is_str(text, "FR", "FR");
    sddl_format_rights(GENERIC_ALL, text, sizeof text);
    is_str(text, "GA", "GA");
    sddl_format_rights(READ_CONTROL | SYNCHRONIZE, text, sizeof text);
    is_str(text, "0x120000", "SYNCHRONIZE has no code: hex");
}

static void test_bad(void)
{
    refused("X:BA", STATUS_INVALID_PARAMETER);
    refused("O:", STATUS_INVALID_PARAMETER);
    refused("O:ZZ", STATUS_INVALID_PARAMETER);
    refused("O:S-1-5-x", STATUS_INVALID_SID);
    refused("O:BAO:BA", STATUS_INVALID_PARAMETER);
    refused("D:(A;;FA;;;WD)D:", STATUS_INVALID_PARAMETER);
    refused("O:BAD:(A;;FA;;;WD", STATUS_INVALID_PARAMETER);
    refused("D:(A;;FA;;WD)", STATUS_INVALID_PARAMETER);
    refused("D:(Q;;FA;;;WD)", STATUS_INVALID_PARAMETER);
    refused("D:(A;XX;FA;;;WD)", STATUS_INVALID_PARAMETER);
    refused("D:(A;O;FA;;;WD)", STATUS_INVALID_PARAMETER);
    refused("D:(A;;QQ;;;WD)", STATUS_INVALID_PARAMETER);
    refused("D:(A;;0x100000000;;;WD)", STATUS_INVALID_PARAMETER);
    refused("D:(A;;0x1g;;;WD)", STATUS_INVALID_PARAMETER);
    refused("D:(A;;FA;;;S-1-5-x)", STATUS_INVALID_SID);
    refused("D:(A;;FA;;;S-1-5-1-2-3-4-5-6-7-8-9-10-11-12-13-14-15-16)", STATUS_INVALID_SID);
    refused("D:(A;;FA;;;WD;(\"x\",TU,0,1))", STATUS_INVALID_PARAMETER);
    refused("D:(XA;;FR;;;WD;(@User.Title==\"PM\"))", STATUS_INVALID_PARAMETER);
    refused("D:(A;;FA;bf967aba-0de6-11d0-a285-00aa003049e2;;WD)", STATUS_INVALID_PARAMETER);
    refused("D:(OA;;FA;bf967aba-0de6-11d0-a285;;WD)", STATUS_INVALID_PARAMETER);
    refused("D:NO_ACCESS_CONTROL(A;;FA;;;WD)", STATUS_INVALID_PARAMETER);
    refused("D:(A;;FA;;;WD)garbage", STATUS_INVALID_PARAMETER);
    refused("D:Q(A;;FA;;;WD)", STATUS_INVALID_PARAMETER);

    /* What SDDL cannot say here is refused when formatting, not mangled. */
    struct security_descriptor sd;
    sddl_parse("D:(A;;FA;;;WD)", &sd);
    uint8_t condition[4] = { 'a', 'r', 't', 'x' };
    struct ace callback = { .type = ACCESS_ALLOWED_CALLBACK_ACE_TYPE, .mask = 1,
                            .sid = SID_EVERYONE, .app_data_len = 4, .app_data = condition };
    acl_add(sd.dacl, &callback);
    char *text = NULL;
    is_int(sddl_format(&sd, &text), STATUS_NOT_SUPPORTED, "a callback ACE has no SDDL here");
    ok(text == NULL, "  and no text is returned");
    secdesc_free(&sd);
}

int main(void)
{
    test_default_share();
    test_round_trips();
    test_pieces();
    test_bad();
    return done_testing();
}
