/* Samba's security.NTACL and user.DOSATTRIB formats: vectors produced by
 * Samba 4.17's own NDR marshaller (python3 samba.ndr.ndr_pack), decoded and
 * re-encoded byte for byte; malformed values refused. */
#include <stdlib.h>
#include <string.h>

#include "drivers/pvfs/samba_xattr.h"
#include "t/tap/tap.h"

/* O:BAG:SYD:(A;;FA;;;WD) as Samba packs it. */
static const char SD_HEX[] =
    "01000480140000002400000000000000300000000102000000000005200000002002000001010000"
    "000000051200000004001c000100000000001400ff010000010100000000000100000000";

static const char *const NTACL_HEX[] = {
    /* version 1 */
    "0100010000000200010004801c0000002c0000000000000038000000010200000000000520000000"
    "2002000001010000000000051200000004001c000100000000001400ff0100000101000000000001"
    "00000000",
    /* version 2 */
    "02000200000002000400020003030303030303030303030303030303010004803000000040000000"
    "000000004c0000000102000000000005200000002002000001010000000000051200000004001c00"
    "0100000000001400ff010000010100000000000100000000",
    /* version 3 */
    "03000300000002000400020001000303030303030303030303030303030303030303030303030303"
    "03030303030303030303030303030303030303030303030303030303030303030303030303030000"
    "01000480640000007400000000000000800000000102000000000005200000002002000001010000"
    "000000051200000004001c000100000000001400ff010000010100000000000100000000",
    /* version 4, description "ab" (padding before the NTTIME) */
    "04000400000002000400020001000303030303030303030303030303030303030303030303030303"
    "03030303030303030303030303030303030303030303030303030303030303030303030303036162"
    "00000000000000000000000004040404040404040404040404040404040404040404040404040404"
    "04040404040404040404040404040404040404040404040404040404040404040404040401000480"
    "b0000000c000000000000000cc000000010200000000000520000000200200000101000000000005"
    "1200000004001c000100000000001400ff010000010100000000000100000000",
};

/* What samba_ntacl_encode must write for SD_HEX with description "samewise":
 * Samba's own v4 blob with hash = SHA-256 of the v3 envelope. */
static const char NTACL_V4_SAMEWISE_HEX[] =
    "040004000000020004000200010002813fbcc744e5306feeeaaf06fd1b7bedda5719a33f36fcf896"
    "028bd965aeac00000000000000000000000000000000000000000000000000000000000000007361"
    "6d657769736500000000000000000000000000000000000000000000000000000000000000000000"
    "00000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "01000480b4000000c400000000000000d00000000102000000000005200000002002000001010000"
    "000000051200000004001c000100000000001400ff010000010100000000000100000000";

static size_t unhex(const char *hex, uint8_t *out, size_t size)
{
    return tap_hex(hex, out, size);
}

int main(void)
{
    uint8_t sd[256], blob[512];
    size_t sd_len = unhex(SD_HEX, sd, sizeof sd);
    is_int((long long)samba_sd_extent(sd, sd_len), (long long)sd_len, "descriptor extent");

    for (size_t v = 0; v < 4; v++) {
        size_t len = unhex(NTACL_HEX[v], blob, sizeof blob);
        uint8_t *got = NULL;
        size_t got_len = 0;
        is_int(samba_ntacl_decode(blob, len, &got, &got_len), STATUS_SUCCESS,
               "NTACL version %zu decodes", v + 1);
        is_mem(got, got_len, sd, sd_len, "NTACL version %zu gives the descriptor back", v + 1);
        free(got);
        for (size_t cut = 0; cut < len; cut += 7) {
            got = NULL;
            NTSTATUS st = samba_ntacl_decode(blob, cut, &got, &got_len);
            free(got);
            if (st == STATUS_SUCCESS) {
                ok(0, "NTACL version %zu truncated to %zu refused", v + 1, cut);
                break;
            }
        }
    }

    struct buf out;
    buf_init(&out);
    is_int(samba_ntacl_encode(sd, sd_len, "samewise", NULL, &out), STATUS_SUCCESS, "encode v4");
    size_t want_len = unhex(NTACL_V4_SAMEWISE_HEX, blob, sizeof blob);
    is_mem(out.data, out.len, blob, want_len, "v4 blob identical to Samba's marshalling");
    uint8_t *back = NULL;
    size_t back_len = 0;
    samba_ntacl_decode(out.data, out.len, &back, &back_len);
    is_mem(back, back_len, sd, sd_len, "v4 round trip");
    free(back);
    buf_free(&out);

    /* A descriptor in Windows' order (DACL before owner) survives verbatim. */
    uint8_t win[256];
    size_t win_len = 0;
    {
        /* header, DACL (28 bytes), owner BA (16), group SY (12) */
        const char *h = "0100048030000000400000000000000014000000"
                        "02001c000100000000001400ff010000010100000000000100000000"
                        "01020000000000052000000020020000"
                        "010100000000000512000000";
        win_len = unhex(h, win, sizeof win);
    }
    buf_init(&out);
    ok(samba_ntacl_encode(win, win_len, "x", NULL, &out) == STATUS_SUCCESS, "encode Windows order");
    back = NULL;
    ok(samba_ntacl_decode(out.data, out.len, &back, &back_len) == STATUS_SUCCESS,
       "decode Windows order");
    is_mem(back, back_len, win, win_len, "Windows-order descriptor byte for byte");
    free(back);
    buf_free(&out);

    /* Bad descriptors and envelopes. */
    uint8_t bad[256];
    memcpy(bad, sd, sd_len);
    bad[4] = 0x08; /* owner inside the header */
    is_int((long long)samba_sd_extent(bad, sd_len), 0, "owner offset inside header refused");
    memcpy(bad, sd, sd_len);
    bad[16] = 0xf0; /* DACL past the end */
    is_int((long long)samba_sd_extent(bad, sd_len), 0, "DACL past the end refused");
    memcpy(bad, sd, sd_len);
    bad[0x15] = 15; /* owner claims 15 sub-authorities */
    is_int((long long)samba_sd_extent(bad, sd_len), 0, "oversized SID refused");
    size_t len = unhex(NTACL_HEX[0], blob, sizeof blob);
    blob[2] = 2; /* level differs from version */
    back = NULL;
    is_int(samba_ntacl_decode(blob, len, &back, &back_len), STATUS_INVALID_SECURITY_DESCR,
           "level != version refused");
    blob[0] = 9;
    blob[2] = 9;
    is_int(samba_ntacl_decode(blob, len, &back, &back_len), STATUS_INVALID_SECURITY_DESCR,
           "unknown version refused");
    len = unhex(NTACL_HEX[3], blob, sizeof blob);
    memset(blob + 78, 'a', len - 78); /* description never terminated */
    is_int(samba_ntacl_decode(blob, len, &back, &back_len), STATUS_INVALID_SECURITY_DESCR,
           "unterminated description refused");

    /* DOSATTRIB: smbd's version 5, older versions, bare hex. */
    struct samba_dosinfo info = { XATTR_DOSINFO_ATTRIB | XATTR_DOSINFO_CREATE_TIME, 0x20,
                                  0x01d9000011112222ull };
    buf_init(&out);
    samba_dosattrib_encode(&info, &out);
    len = unhex("00000500050000001100000020000000222211110000d901", blob, sizeof blob);
    is_mem(out.data, out.len, blob, len, "DOSATTRIB v5 identical to smbd's");
    buf_free(&out);
    struct samba_dosinfo got;
    ok(samba_dosattrib_decode(blob, len, &got) == STATUS_SUCCESS && got.attrib == 0x20 &&
           got.create_time == 0x01d9000011112222ull && got.valid_flags == 0x11,
       "DOSATTRIB v5 decodes");
    len = unhex("0000040004000000510000002100000005000000000000000700000000000000", blob,
                sizeof blob);
    ok(samba_dosattrib_decode(blob, len, &got) == STATUS_SUCCESS && got.attrib == 0x21 &&
           got.create_time == 7 && got.valid_flags == 0x11,
       "DOSATTRIB v4 decodes");
    len = unhex("3078323100000300030000001100000021000000000000000000000000000000000000000000"
                "000007000000000000000000000000000000",
                blob, sizeof blob);
    ok(samba_dosattrib_decode(blob, len, &got) == STATUS_SUCCESS && got.attrib == 0x21 &&
           got.create_time == 7,
       "DOSATTRIB v3 decodes");
    len = unhex("30783231000001000100000021000000000000000000000000000000000000000000000007000000"
                "000000000000000000000000",
                blob, sizeof blob);
    ok(samba_dosattrib_decode(blob, len, &got) == STATUS_SUCCESS && got.attrib == 0x21 &&
           got.create_time == 7,
       "DOSATTRIB v1 decodes");
    ok(samba_dosattrib_decode((const uint8_t *)"0x22", 5, &got) == STATUS_SUCCESS &&
           got.attrib == 0x22 && got.valid_flags == XATTR_DOSINFO_ATTRIB,
       "bare hex string decodes");
    ok(samba_dosattrib_decode((const uint8_t *)"0xzz", 5, &got) != STATUS_SUCCESS,
       "bad hex refused");
    len = unhex("000005000500000011000000200000002222", blob, sizeof blob);
    ok(samba_dosattrib_decode(blob, len, &got) != STATUS_SUCCESS, "truncated v5 refused");
    len = unhex("00000600060000001100000020000000222211110000d901", blob, sizeof blob);
    ok(samba_dosattrib_decode(blob, len, &got) != STATUS_SUCCESS, "unknown version refused");
    return done_testing();
}
