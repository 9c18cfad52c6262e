/* UTF-8 <-> UTF-16LE: round trips including non-BMP characters, strict
 * rejection of ill-formed input in both directions. */
#include <stdlib.h>
#include <string.h>

#include "lib/utf16.h"
#include "t/tap/tap.h"

static void round_trip(const char *text, const char *name)
{
    uint8_t *u16 = NULL;
    size_t len = 0;
    char *back = NULL;
    NTSTATUS s1 = utf8_to_utf16le(text, strlen(text), &u16, &len);
    NTSTATUS s2 = s1 ? s1 : utf16le_to_utf8(u16, len, &back);
    ok(s1 == STATUS_SUCCESS && s2 == STATUS_SUCCESS && back && strcmp(back, text) == 0,
       "round trip: %s", name);
    free(u16);
    free(back);
}

int main(void)
{
    round_trip("", "empty");
    round_trip("hello", "ASCII");
    round_trip("Grüße, Ĳssel, Ωμέγα, Привет", "Latin, Greek, Cyrillic");
    round_trip("日本語のファイル", "CJK");
    round_trip("\xF0\x9F\x98\x80 emoji \xF0\x9D\x84\x9E", "non-BMP (surrogate pairs)");

    uint8_t *u16;
    size_t len;
    ok(utf8_to_utf16le("\xF0\x9F\x98\x80", 4, &u16, &len) == STATUS_SUCCESS, "encode U+1F600");
    uint8_t expect[] = { 0x3D, 0xD8, 0x00, 0xDE };
    is_mem(u16, len, expect, sizeof expect, "U+1F600 is D83D DE00");
    free(u16);
    is_int(utf8_utf16_units("a\xF0\x9F\x98\x80", 5), 3, "code unit count counts the pair");

    const char *bad_utf8[] = {
        "\xC0\xAF",             /* overlong '/' */
        "\xE0\x80\xAF",         /* overlong */
        "\xED\xA0\x80",         /* surrogate D800 in UTF-8 */
        "\xF4\x90\x80\x80",     /* past U+10FFFF */
        "\xE2\x82",             /* truncated */
        "\x80",                 /* lone continuation */
        "\xFF",
    };
    for (size_t i = 0; i < sizeof bad_utf8 / sizeof bad_utf8[0]; i++) {
        u16 = NULL;
        NTSTATUS s = utf8_to_utf16le(bad_utf8[i], strlen(bad_utf8[i]), &u16, &len);
        is_int(s, STATUS_ILLEGAL_CHARACTER, "ill-formed UTF-8 #%zu refused", i);
        free(u16);
    }

    char *out = NULL;
    uint8_t lone_high[] = { 'a', 0, 0x3D, 0xD8 };
    is_int(utf16le_to_utf8(lone_high, 4, &out), STATUS_ILLEGAL_CHARACTER, "lone high surrogate");
    uint8_t lone_low[] = { 0x00, 0xDE, 'a', 0 };
    is_int(utf16le_to_utf8(lone_low, 4, &out), STATUS_ILLEGAL_CHARACTER, "lone low surrogate");
    uint8_t high_high[] = { 0x3D, 0xD8, 0x3D, 0xD8 };
    is_int(utf16le_to_utf8(high_high, 4, &out), STATUS_ILLEGAL_CHARACTER, "high then high");
    uint8_t odd[] = { 'a', 0, 'b' };
    is_int(utf16le_to_utf8(odd, 3, &out), STATUS_INVALID_PARAMETER, "odd length refused");
    uint8_t nul[] = { 'a', 0, 0, 0, 'b', 0 };
    is_int(utf16le_to_utf8(nul, 6, &out), STATUS_OBJECT_NAME_INVALID, "embedded NUL refused");
    ok(out == NULL, "nothing returned on failure");

    ok(utf8_casecmp("Readme.TXT", "README.txt") == 0, "case-insensitive ASCII");
    ok(utf8_casecmp("straße", "STRAßE") == 0, "ß stays itself");
    ok(utf8_casecmp("Ärger", "äRGER") == 0, "Latin-1 folds");
    ok(utf8_casecmp("Привет", "ПРИВЕТ") == 0, "Cyrillic folds");
    ok(utf8_casecmp("abc", "abd") < 0 && utf8_casecmp("abc", "ab") > 0, "ordering");
    char *up = utf8_upper("alice-é");
    is_str(up, "ALICE-É", "upper-case copy");
    free(up);
    ok(utf8_valid("ok é") && !utf8_valid("\xC3"), "utf8_valid");
    return done_testing();
}
