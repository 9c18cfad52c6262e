/* Self-relative security descriptors: a descriptor written by Windows round-trips
 * byte for byte, built descriptors round-trip through parse, malformed ones are
 * refused (and never read out of bounds: run this under ASan), SECURITY_INFORMATION
 * selection and merge, inheritance to new files and directories. */
#include <stdlib.h>
#include <string.h>

#include "lib/sddl.h"
#include "lib/secdesc.h"
#include "t/tap/tap.h"

/* A file's descriptor as NTFS stores it (Windows wrote it): control 0x8004
 * (SE_SELF_RELATIVE | SE_DACL_PRESENT), the DACL first at 0x14, then owner
 * S-1-5-21-1757981266-484763869-1060284298-1003 and group S-1-5-32-544; the DACL
 * allows 0x0012019F to SYSTEM and to Administrators. From libyal/libfwnt,
 * tests/fwnt_test_security_descriptor.c (fwnt_test_security_descriptor_data1). */
static const char windows_ntfs_sd[] =
    "010004804800000064000000000000001400000002003400020000000000140"
    "09f01120001010000000000051200000000001800"
    "9f011200010200000000000520000000200200000105000000000005"
    "1500000052aac868dde8e41c8aa7323feb030000010200000000000520000000"
    "20020000";

static NTSTATUS parse_hex(const char *hex, struct security_descriptor *sd)
{
    uint8_t bytes[512];
    size_t n = tap_hex(hex, bytes, sizeof bytes);
    return secdesc_parse(bytes, n, sd);
}

/* Parses bytes, expects refusal with STATUS_INVALID_SECURITY_DESCR. */
static void refused(const uint8_t *bytes, size_t size, const char *what)
{
    struct security_descriptor sd;
    NTSTATUS status = secdesc_parse(bytes, size, &sd);
    is_int(status, STATUS_INVALID_SECURITY_DESCR, "refused: %s", what);
    ok(sd.dacl == NULL && sd.sacl == NULL && !sd.has_owner, "  and left empty: %s", what);
}

static void test_windows_round_trip(void)
{
    uint8_t bytes[512];
    size_t n = tap_hex(windows_ntfs_sd, bytes, sizeof bytes);
    is_int(n, 116, "Windows descriptor is 116 bytes");
    struct security_descriptor sd;
    is_int(secdesc_parse(bytes, n, &sd), STATUS_SUCCESS, "Windows descriptor parses");
    is_int(sd.control, SE_SELF_RELATIVE | SE_DACL_PRESENT, "control");
    char text[SID_STRING_MAX];
    sid_format(&sd.owner, text, sizeof text);
    is_str(text, "S-1-5-21-1757981266-484763869-1060284298-1003", "owner");
    ok(sd.has_group && sid_equal(&sd.group, &SID_BUILTIN_ADMINISTRATORS), "group is BA");
    ok(sd.sacl == NULL, "no SACL");
    ok(sd.dacl && sd.dacl->count == 2 && sd.dacl->revision == ACL_REVISION, "DACL of two ACEs");
    if (sd.dacl && sd.dacl->count == 2) {
        ok(sd.dacl->aces[0].type == ACCESS_ALLOWED_ACE_TYPE &&
               sd.dacl->aces[0].mask == 0x0012019F &&
               sid_equal(&sd.dacl->aces[0].sid, &SID_LOCAL_SYSTEM),
           "ACE 0 allows 0x12019f to SYSTEM");
        ok(sid_equal(&sd.dacl->aces[1].sid, &SID_BUILTIN_ADMINISTRATORS), "ACE 1 is BA");
    }
    is_int(secdesc_wire_size(&sd), 116, "wire size");
    uint8_t *out = NULL;
    size_t out_len = 0;
    is_int(secdesc_to_bytes(&sd, &out, &out_len), STATUS_SUCCESS, "serializes");
    is_mem(out, out_len, bytes, n, "byte-for-byte round trip of the Windows descriptor");
    free(out);

    /* The same parts in Samba's NDR order (owner, group, DACL) parse to the same
     * descriptor, and are written back in Windows order. */
    uint8_t samba[116];
    memcpy(samba, bytes, 4);
    le32_store(samba + 4, 20);      /* owner: 28 bytes */
    le32_store(samba + 8, 48);      /* group: 16 bytes */
    le32_store(samba + 12, 0);
    le32_store(samba + 16, 64);     /* DACL: 52 bytes */
    memcpy(samba + 20, bytes + 0x48, 28);
    memcpy(samba + 48, bytes + 0x64, 16);
    memcpy(samba + 64, bytes + 0x14, 52);
    struct security_descriptor other;
    is_int(secdesc_parse(samba, sizeof samba, &other), STATUS_SUCCESS, "Samba-ordered parts parse");
    ok(secdesc_equal(&other, &sd), "  to the same descriptor");
    is_int(secdesc_to_bytes(&other, &out, &out_len), STATUS_SUCCESS, "  serialize");
    is_mem(out, out_len, bytes, n, "  in Windows order");
    free(out);
    secdesc_free(&other);

    /* Every prefix is refused (each part ends at the very end) and never crashes. */
    int prefixes_refused = 0;
    for (size_t len = 0; len < n; len++) {
        struct security_descriptor p;
        if (secdesc_parse(bytes, len, &p) == STATUS_INVALID_SECURITY_DESCR)
            prefixes_refused++;
        secdesc_free(&p);
    }
    is_int(prefixes_refused, (int)n, "all %zu truncations refused", n);

    /* Every single-byte change either fails cleanly or gives a descriptor that
     * itself round-trips (ASan checks there is no stray read). */
    int stable = 1;
    for (size_t i = 0; i < n && stable; i++) {
        static const uint8_t values[] = { 0x00, 0x01, 0x04, 0x10, 0x7F, 0x80, 0xFF };
        for (size_t v = 0; v < sizeof values; v++) {
            uint8_t copy[512];
            memcpy(copy, bytes, n);
            copy[i] = values[v];
            struct security_descriptor m, back;
            if (secdesc_parse(copy, n, &m) != STATUS_SUCCESS)
                continue;
            uint8_t *ser = NULL;
            size_t ser_len = 0;
            if (secdesc_to_bytes(&m, &ser, &ser_len) != STATUS_SUCCESS ||
                secdesc_parse(ser, ser_len, &back) != STATUS_SUCCESS || !secdesc_equal(&m, &back)) {
                diag("byte %zu = 0x%02x breaks the round trip", i, values[v]);
                stable = 0;
            }
            free(ser);
            secdesc_free(&back);
            secdesc_free(&m);
        }
    }
    ok(stable, "mutated descriptors fail cleanly or round-trip");
    secdesc_free(&sd);
}

static void test_malformed(void)
{
    uint8_t good[512];
    size_t n = tap_hex(windows_ntfs_sd, good, sizeof good);
    uint8_t b[512];

#define MUTATE(what, ...)                  \
    do {                                   \
        memcpy(b, good, n);                \
        __VA_ARGS__;                       \
        refused(b, n, what);               \
    } while (0)

    MUTATE("revision 2", b[0] = 2);
    MUTATE("revision 0", b[0] = 0);
    MUTATE("owner offset past the end", le32_store(b + 4, 0x1000));
    MUTATE("owner offset at the last byte", le32_store(b + 4, 112 + 3));
    MUTATE("owner offset 0xFFFFFFFF", le32_store(b + 4, 0xFFFFFFFF));
    MUTATE("owner SID running past the end", le32_store(b + 4, 108));
    MUTATE("owner offset inside the header", le32_store(b + 4, 4));
    MUTATE("unaligned group offset", le32_store(b + 8, 0x66));
    MUTATE("DACL offset past the end", le32_store(b + 16, 0x10000));
    MUTATE("DACL offset 0xFFFFFFFC", le32_store(b + 16, 0xFFFFFFFC));
    MUTATE("owner and group overlap", le32_store(b + 8, 0x48));
    MUTATE("owner inside the DACL", le32_store(b + 4, 0x1C));
    MUTATE("SACL present, pointing at the DACL", le16_store(b + 2, 0x8014),
           le32_store(b + 12, 0x14));
    MUTATE("owner SID revision 2", b[0x48] = 2);
    MUTATE("owner SID with 16 sub-authorities", b[0x48 + 1] = 16);
    MUTATE("group SID with 255 sub-authorities", b[0x64 + 1] = 255);
    MUTATE("ACL revision 1", b[0x14] = 1);
    MUTATE("ACL revision 5", b[0x14] = 5);
    MUTATE("AclSize past the end", le16_store(b + 0x14 + 2, 0x100));
    MUTATE("AclSize below the header", le16_store(b + 0x14 + 2, 4));
    MUTATE("AclSize smaller than its ACEs", le16_store(b + 0x14 + 2, 0x30));
    MUTATE("AclSize not a multiple of 4", le16_store(b + 0x14 + 2, 0x33));
    MUTATE("absurd ACE count 65535", le16_store(b + 0x14 + 4, 0xFFFF));
    MUTATE("ACE count one too many", le16_store(b + 0x14 + 4, 3));
    MUTATE("AceSize 0", le16_store(b + 0x1C + 2, 0));
    MUTATE("AceSize 12 (below minimum)", le16_store(b + 0x1C + 2, 12));
    MUTATE("AceSize 0x15 (not a multiple of 4)", le16_store(b + 0x1C + 2, 0x15));
    MUTATE("AceSize past the ACL", le16_store(b + 0x1C + 2, 0x40));
    MUTATE("AceSize smaller than its SID", le16_store(b + 0x1C + 2, 0x10));
    MUTATE("ACE SID with 15 sub-authorities overflows the ACE", b[0x1C + 9] = 15);
    MUTATE("compound ACE type", b[0x1C] = ACCESS_ALLOWED_COMPOUND_ACE_TYPE);
    MUTATE("unknown ACE type 0x14", b[0x1C] = 0x14);
    MUTATE("unknown ACE type 0xFF", b[0x1C] = 0xFF);
    /* An object ACE type on a basic body: the flags word is the SID's start. */
    MUTATE("object ACE with bad object flags", b[0x1C] = ACCESS_ALLOWED_OBJECT_ACE_TYPE);
#undef MUTATE

    refused(good, 0, "empty buffer");
    refused(good, 19, "19 bytes");
    refused((const uint8_t *)"", 0, "zero-length");

    /* The header alone, nothing present: a valid (if useless) descriptor. */
    struct security_descriptor sd;
    is_int(secdesc_parse(good, 0, &sd), STATUS_INVALID_SECURITY_DESCR, "0 bytes");
    uint8_t header[20] = { 1, 0, 0x00, 0x80 };
    is_int(secdesc_parse(header, sizeof header, &sd), STATUS_SUCCESS, "bare header parses");
    ok(!sd.has_owner && !sd.dacl && !(sd.control & SE_DACL_PRESENT), "nothing present");
    secdesc_free(&sd);
    /* DACL_PRESENT with offset 0 is the NULL DACL. */
    header[2] = 0x04;
    is_int(secdesc_parse(header, sizeof header, &sd), STATUS_SUCCESS, "NULL DACL parses");
    ok((sd.control & SE_DACL_PRESENT) && sd.dacl == NULL, "NULL DACL: present, no ACL");
    secdesc_free(&sd);
    /* An offset without its PRESENT flag is ignored, as Windows ignores it. */
    memcpy(b, good, n);
    le16_store(b + 2, 0x8000);
    le32_store(b + 16, 0xFFFFFFF0);
    is_int(secdesc_parse(b, n, &sd), STATUS_SUCCESS, "DACL offset without DACL_PRESENT ignored");
    ok(sd.dacl == NULL && sd.has_owner, "owner kept, no DACL");
    secdesc_free(&sd);
    /* A missing SE_SELF_RELATIVE bit is tolerated and restored. */
    memcpy(b, good, n);
    le16_store(b + 2, 0x0004);
    is_int(secdesc_parse(b, n, &sd), STATUS_SUCCESS, "no SE_SELF_RELATIVE: still parsed");
    is_int(sd.control, SE_SELF_RELATIVE | SE_DACL_PRESENT, "  flag restored");
    secdesc_free(&sd);
    /* Trailing bytes after the parts are allowed (buffers may be larger). */
    memcpy(b, good, n);
    memset(b + n, 0xAA, 12);
    is_int(secdesc_parse(b, n + 12, &sd), STATUS_SUCCESS, "trailing bytes ignored");
    secdesc_free(&sd);
}

static void test_build_round_trip(void)
{
    struct sid user;
    sid_parse("S-1-5-21-1-2-3-1000", &user);
    struct secdesc_entry entries[] = {
        { SID_EVERYONE, FILE_GENERIC_READ | FILE_GENERIC_EXECUTE, false },
        { SID_BUILTIN_GUESTS, FILE_ALL_ACCESS, true },
        { SID_BUILTIN_ADMINISTRATORS, FILE_ALL_ACCESS, false },
        { user, FILE_WRITE_DATA, true },
    };
    struct security_descriptor sd, back;
    is_int(secdesc_build_simple(&sd, &SID_BUILTIN_ADMINISTRATORS, &SID_BUILTIN_ADMINISTRATORS,
                                entries, 4),
           STATUS_SUCCESS, "build a simple descriptor");
    ok(sd.dacl && sd.dacl->count == 4, "four ACEs");
    ok(sd.dacl->aces[0].type == ACCESS_DENIED_ACE_TYPE &&
           sid_equal(&sd.dacl->aces[0].sid, &SID_BUILTIN_GUESTS) &&
           sd.dacl->aces[1].type == ACCESS_DENIED_ACE_TYPE &&
           sid_equal(&sd.dacl->aces[1].sid, &user) &&
           sd.dacl->aces[2].type == ACCESS_ALLOWED_ACE_TYPE &&
           sid_equal(&sd.dacl->aces[2].sid, &SID_EVERYONE),
       "denies first, each kind in the order given");

    /* Add a SACL with an audit ACE, an object ACE and a callback ACE with a
     * condition (app data), so every layout goes through the round trip. */
    struct acl *sacl = acl_new();
    acl_add_simple(sacl, SYSTEM_AUDIT_ACE_TYPE,
                   FAILED_ACCESS_ACE_FLAG | SUCCESSFUL_ACCESS_ACE_FLAG | OBJECT_INHERIT_ACE,
                   DELETE, &SID_EVERYONE);
    secdesc_set_sacl(&sd, sacl);
    struct ace object = { .type = ACCESS_ALLOWED_OBJECT_ACE_TYPE, .flags = CONTAINER_INHERIT_ACE,
                          .mask = 0x100, .sid = user,
                          .object_flags = ACE_OBJECT_TYPE_PRESENT | ACE_INHERITED_OBJECT_TYPE_PRESENT };
    memset(object.object_type, 0x11, 16);
    memset(object.inherited_object_type, 0x22, 16);
    is_int(acl_add(sd.dacl, &object), STATUS_SUCCESS, "add an object ACE");
    is_int(sd.dacl->revision, ACL_REVISION_DS, "object ACE raises the ACL revision to 4");
    uint8_t condition[] = { 'a', 'r', 't', 'x', 0x01, 0x02, 0x03, 0x00 };
    struct ace callback = { .type = ACCESS_ALLOWED_CALLBACK_ACE_TYPE, .mask = FILE_READ_DATA,
                            .sid = SID_AUTHENTICATED_USERS, .app_data_len = sizeof condition,
                            .app_data = condition };
    is_int(acl_add(sd.dacl, &callback), STATUS_SUCCESS, "add a callback ACE");

    uint8_t *bytes = NULL;
    size_t len = 0;
    is_int(secdesc_to_bytes(&sd, &bytes, &len), STATUS_SUCCESS, "serialize");
    is_int(len, secdesc_wire_size(&sd), "wire size matches");
    is_int(le32_load(bytes + 12), 20, "SACL comes first, right after the header");
    is_int(secdesc_parse(bytes, len, &back), STATUS_SUCCESS, "parse it back");
    ok(secdesc_equal(&sd, &back), "parse(serialize(x)) == x");
    ok(back.dacl->aces[5].app_data_len == sizeof condition &&
           memcmp(back.dacl->aces[5].app_data, condition, sizeof condition) == 0,
       "callback condition kept");
    free(bytes);

    struct security_descriptor copy;
    is_int(secdesc_copy(&copy, &sd), STATUS_SUCCESS, "copy");
    ok(secdesc_equal(&copy, &sd), "copy is equal");
    copy.dacl->aces[0].mask ^= 1;
    ok(!secdesc_equal(&copy, &sd), "a changed mask is not equal");
    secdesc_free(&copy);

    /* An ACL that cannot fit in 64 KiB cannot be written. */
    struct security_descriptor big;
    secdesc_init(&big);
    struct acl *huge = acl_new();
    struct sid long_sid;
    sid_parse("S-1-5-21-1-2-3-4-5-6-7-8-9-10-11-12-13-14", &long_sid);
    NTSTATUS status = STATUS_SUCCESS;
    for (int i = 0; i < 1000 && status == STATUS_SUCCESS; i++)
        status = acl_add_simple(huge, ACCESS_ALLOWED_ACE_TYPE, 0, 1, &long_sid);
    secdesc_set_dacl(&big, huge);
    is_int(secdesc_wire_size(&big), 0, "a 68 KB ACL has no wire size");
    struct buf b;
    buf_init(&b);
    is_int(secdesc_write(&b, &big), STATUS_INVALID_SECURITY_DESCR, "and is not written");
    buf_free(&b);
    secdesc_free(&big);

    /* SECURITY_INFORMATION: select and merge. */
    struct security_descriptor part;
    is_int(secdesc_select(&part, &back, OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION),
           STATUS_SUCCESS, "select owner and DACL");
    ok(part.has_owner && !part.has_group && part.dacl && !part.sacl &&
           (part.control & SE_DACL_PRESENT) && !(part.control & SE_SACL_PRESENT),
       "only owner and DACL remain");
    struct security_descriptor target;
    secdesc_build_simple(&target, &user, &user, NULL, 0);
    is_int(secdesc_merge(&target, &part, DACL_SECURITY_INFORMATION |
                                             PROTECTED_DACL_SECURITY_INFORMATION),
           STATUS_SUCCESS, "merge the DACL into another descriptor");
    ok(acl_equal(target.dacl, back.dacl) && sid_equal(&target.owner, &user) &&
           (target.control & SE_DACL_PROTECTED),
       "DACL replaced, owner kept, DACL protected");
    is_int(secdesc_merge(&target, &part, OWNER_SECURITY_INFORMATION | GROUP_SECURITY_INFORMATION),
           STATUS_SUCCESS, "merge owner and group");
    ok(sid_equal(&target.owner, &SID_BUILTIN_ADMINISTRATORS) && sid_equal(&target.group, &user),
       "owner replaced; the group update lacks is kept");
    secdesc_free(&target);
    secdesc_free(&part);
    secdesc_free(&back);
    secdesc_free(&sd);

    /* Building helpers with no owner and NULL DACL. */
    struct security_descriptor null_dacl;
    secdesc_init(&null_dacl);
    secdesc_set_dacl(&null_dacl, NULL);
    is_int(secdesc_to_bytes(&null_dacl, &bytes, &len), STATUS_SUCCESS, "NULL DACL serializes");
    is_mem(bytes, len, "\x01\x00\x04\x80\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 20,
           "as a bare header with DACL_PRESENT");
    free(bytes);
    secdesc_free(&null_dacl);
}

/* Inherits parent_sddl (creator_sddl may be NULL) for alice and checks the
 * child's SDDL. */
static void inherits(const char *parent_sddl, const char *creator_sddl, bool is_container,
                     const char *want, const char *what)
{
    struct sid alice, users;
    sid_parse("S-1-5-21-1-2-3-1000", &alice);
    sid_parse("S-1-5-21-1-2-3-513", &users);
    struct security_descriptor parent, creator, child;
    bool have_parent = parent_sddl != NULL, have_creator = creator_sddl != NULL;
    if (have_parent && sddl_parse(parent_sddl, &parent) != STATUS_SUCCESS)
        diag("bad parent SDDL in test");
    if (have_creator && sddl_parse(creator_sddl, &creator) != STATUS_SUCCESS)
        diag("bad creator SDDL in test");
    NTSTATUS status = secdesc_inherit(&child, have_parent ? &parent : NULL,
                                      have_creator ? &creator : NULL, &alice, &users,
                                      is_container, NULL);
    is_int(status, STATUS_SUCCESS, "inherit: %s", what);
    char *text = NULL;
    sddl_format(&child, &text);
    is_str(text, want, "  %s", what);
    free(text);
    /* The result is a well-formed descriptor. */
    uint8_t *bytes = NULL;
    size_t len = 0;
    struct security_descriptor back;
    ok(secdesc_to_bytes(&child, &bytes, &len) == STATUS_SUCCESS &&
           secdesc_parse(bytes, len, &back) == STATUS_SUCCESS && secdesc_equal(&back, &child),
       "  binary round trip");
    free(bytes);
    secdesc_free(&back);
    secdesc_free(&child);
    if (have_parent)
        secdesc_free(&parent);
    if (have_creator)
        secdesc_free(&creator);
}

static void test_inherit(void)
{
    /* A volume root like Windows', plus an OBJECT_INHERIT-only ACE (staff), a
     * directory-only no-propagate ACE (S-1-5-21-1-2-3-3000) and a file-only
     * no-propagate ACE (Network). */
    const char *root = "O:SYG:SYD:PAI(A;OICIIO;GA;;;CO)(A;OICIIO;GA;;;SY)(A;;FA;;;SY)"
                       "(A;OICIIO;GA;;;BA)(A;;FA;;;BA)(A;OICI;0x1200a9;;;BU)"
                       "(A;OICIIO;SDGXGWGR;;;AU)(A;;0x1301bf;;;AU)"
                       "(A;OI;FR;;;S-1-5-21-1-2-3-2000)(A;CINP;FX;;;S-1-5-21-1-2-3-3000)"
                       "(A;OINP;FW;;;NU)"
                       "S:(AU;OICISA;FA;;;WD)(AU;FA;FA;;;AU)";
    const char *dir = "O:S-1-5-21-1-2-3-1000G:S-1-5-21-1-2-3-513"
                      "D:AI(A;ID;FA;;;S-1-5-21-1-2-3-1000)(A;OICIIOID;GA;;;CO)"
                      "(A;ID;FA;;;SY)(A;OICIIOID;GA;;;SY)(A;ID;FA;;;BA)(A;OICIIOID;GA;;;BA)"
                      "(A;OICIID;0x1200a9;;;BU)(A;ID;0x1301bf;;;AU)(A;OICIIOID;SDGXGWGR;;;AU)"
                      "(A;OIIOID;FR;;;S-1-5-21-1-2-3-2000)(A;ID;FX;;;S-1-5-21-1-2-3-3000)"
                      "S:AI(AU;OICIIDSA;FA;;;WD)";
    inherits(root, NULL, true, dir, "a directory under the root");
    inherits(root, NULL, false,
             "O:S-1-5-21-1-2-3-1000G:S-1-5-21-1-2-3-513"
             "D:AI(A;ID;FA;;;S-1-5-21-1-2-3-1000)(A;ID;FA;;;SY)(A;ID;FA;;;BA)"
             "(A;ID;0x1200a9;;;BU)(A;ID;0x1301bf;;;AU)(A;ID;FR;;;S-1-5-21-1-2-3-2000)"
             "(A;ID;FW;;;NU)S:AI(AU;IDSA;FA;;;WD)",
             "a file under the root");
    /* One level down: what the directory passes on. */
    inherits(dir, NULL, false,
             "O:S-1-5-21-1-2-3-1000G:S-1-5-21-1-2-3-513"
             "D:AI(A;ID;FA;;;S-1-5-21-1-2-3-1000)(A;ID;FA;;;SY)(A;ID;FA;;;BA)"
             "(A;ID;0x1200a9;;;BU)(A;ID;0x1301bf;;;AU)(A;ID;FR;;;S-1-5-21-1-2-3-2000)"
             "S:AI(AU;IDSA;FA;;;WD)",
             "a file in that directory");
    inherits(dir, NULL, true,
             "O:S-1-5-21-1-2-3-1000G:S-1-5-21-1-2-3-513"
             "D:AI(A;ID;FA;;;S-1-5-21-1-2-3-1000)(A;OICIIOID;GA;;;CO)"
             "(A;ID;FA;;;SY)(A;OICIIOID;GA;;;SY)(A;ID;FA;;;BA)(A;OICIIOID;GA;;;BA)"
             "(A;OICIID;0x1200a9;;;BU)(A;ID;0x1301bf;;;AU)(A;OICIIOID;SDGXGWGR;;;AU)"
             "(A;OIIOID;FR;;;S-1-5-21-1-2-3-2000)S:AI(AU;OICIIDSA;FA;;;WD)",
             "a directory in that directory");
    /* CREATOR GROUP, and an ACE that propagates unchanged. */
    inherits("D:(A;OICI;FR;;;CG)(A;OICI;FR;;;BU)", NULL, true,
             "O:S-1-5-21-1-2-3-1000G:S-1-5-21-1-2-3-513"
             "D:AI(A;ID;FR;;;S-1-5-21-1-2-3-513)(A;OICIIOID;FR;;;CG)(A;OICIID;FR;;;BU)",
             "CREATOR GROUP becomes the group");
    /* The creator's own DACL comes first; inherited ACEs it carried are dropped. */
    inherits("D:(A;OICI;FR;;;BU)", "D:(A;;FA;;;BA)(A;ID;FA;;;WD)(A;OICI;GA;;;CO)", true,
             "O:S-1-5-21-1-2-3-1000G:S-1-5-21-1-2-3-513"
             "D:AI(A;;FA;;;BA)(A;;FA;;;S-1-5-21-1-2-3-1000)(A;OICIIO;GA;;;CO)(A;OICIID;FR;;;BU)",
             "creator DACL plus inherited ACEs");
    inherits("D:(A;OICI;FR;;;BU)", "O:BAD:P(A;;FA;;;BA)", false,
             "O:BAG:S-1-5-21-1-2-3-513D:P(A;;FA;;;BA)", "a protected creator DACL inherits nothing");
    inherits("D:(A;OICI;FR;;;BU)", "D:NO_ACCESS_CONTROL", false,
             "O:S-1-5-21-1-2-3-1000G:S-1-5-21-1-2-3-513D:NO_ACCESS_CONTROL",
             "a creator's NULL DACL stays");
    /* Nothing to inherit: the token's default DACL. */
    inherits(NULL, NULL, false,
             "O:S-1-5-21-1-2-3-1000G:S-1-5-21-1-2-3-513D:(A;;FA;;;S-1-5-21-1-2-3-1000)(A;;FA;;;SY)",
             "no parent: default DACL");
    inherits("D:NO_ACCESS_CONTROL", NULL, true,
             "O:S-1-5-21-1-2-3-1000G:S-1-5-21-1-2-3-513D:(A;;FA;;;S-1-5-21-1-2-3-1000)(A;;FA;;;SY)",
             "NULL parent DACL: default DACL");
    inherits("D:(A;CI;FA;;;BA)(A;;FA;;;WD)", NULL, false,
             "O:S-1-5-21-1-2-3-1000G:S-1-5-21-1-2-3-513D:AI(A;;FA;;;S-1-5-21-1-2-3-1000)(A;;FA;;;SY)",
             "nothing inheritable by a file: default DACL");

    struct security_descriptor child;
    is_int(secdesc_inherit(&child, NULL, NULL, NULL, NULL, false, NULL), STATUS_INVALID_PARAMETER,
           "no owner at all is refused");
}

int main(void)
{
    test_windows_round_trip();
    test_malformed();
    test_build_round_trip();
    test_inherit();
    struct security_descriptor sd;
    is_int(parse_hex("0100048014000000", &sd), STATUS_INVALID_SECURITY_DESCR, "8-byte header");
    return done_testing();
}
