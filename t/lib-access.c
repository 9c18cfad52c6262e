/* The access check matrix ([MS-DTYP] 2.5.3.2): NULL vs empty DACL, deny before
 * allow, ACE order, owner rights and OWNER RIGHTS, generic mapping,
 * MAXIMUM_ALLOWED, privileges, inherit-only and callback ACEs. */
#include <stdarg.h>
#include <string.h>

#include "lib/access.h"
#include "lib/secdesc.h"
#include "t/tap/tap.h"

static struct sid alice, bob, staff;
static struct access_token *alice_token, *bob_token, *admin_token;

static struct access_token *make_token(const struct sid *user, const struct sid *extra)
{
    struct access_token *t = token_new(user, &SID_BUILTIN_USERS);
    token_add_group(t, &SID_EVERYONE);
    token_add_group(t, &SID_AUTHENTICATED_USERS);
    token_add_group(t, &SID_BUILTIN_USERS);
    if (extra)
        token_add_group(t, extra);
    return t;
}

/* A descriptor owned by owner (NULL: none) whose DACL holds the given ACEs. */
static void make_sd(struct security_descriptor *sd, const struct sid *owner, size_t count, ...)
{
    secdesc_init(sd);
    if (owner)
        secdesc_set_owner(sd, owner);
    secdesc_set_group(sd, &SID_BUILTIN_USERS);
    struct acl *dacl = acl_new();
    va_list ap;
    va_start(ap, count);
    for (size_t i = 0; i < count; i++) {
        struct ace ace = va_arg(ap, struct ace);
        acl_add(dacl, &ace);
    }
    va_end(ap);
    secdesc_set_dacl(sd, dacl);
}

#define ALLOW(sid_, mask_) ((struct ace){ .type = ACCESS_ALLOWED_ACE_TYPE, .mask = (mask_), .sid = (sid_) })
#define DENY(sid_, mask_) ((struct ace){ .type = ACCESS_DENIED_ACE_TYPE, .mask = (mask_), .sid = (sid_) })

/* Checks one request; expects status and (on success) granted. */
static void check(const struct security_descriptor *sd, const struct access_token *token,
                  uint32_t desired, uint32_t flags, NTSTATUS want, uint32_t want_granted,
                  const char *what)
{
    uint32_t granted = 0xDEADBEEF;
    NTSTATUS status = access_check(sd, token, desired, &file_generic_mapping, flags, &granted);
    if (!is_int(status, want, "%s: status", what))
        diag("got %s", nt_status_name(status));
    is_int(granted, want == STATUS_SUCCESS ? want_granted : 0, "%s: granted", what);
}

static void test_null_and_empty(void)
{
    struct security_descriptor sd;
    secdesc_init(&sd);
    secdesc_set_owner(&sd, &bob);
    check(&sd, alice_token, FILE_ALL_ACCESS, 0, STATUS_SUCCESS, FILE_ALL_ACCESS,
          "no DACL at all grants everything");
    secdesc_set_dacl(&sd, NULL);
    check(&sd, alice_token, GENERIC_WRITE, 0, STATUS_SUCCESS, FILE_GENERIC_WRITE,
          "NULL DACL grants (mapped) GENERIC_WRITE");
    check(&sd, alice_token, MAXIMUM_ALLOWED, 0, STATUS_SUCCESS, FILE_ALL_ACCESS,
          "NULL DACL: MAXIMUM_ALLOWED is FILE_ALL_ACCESS");
    secdesc_free(&sd);

    make_sd(&sd, &bob, 0);
    check(&sd, alice_token, FILE_READ_DATA, 0, STATUS_ACCESS_DENIED, 0,
          "empty DACL grants nothing");
    check(&sd, alice_token, MAXIMUM_ALLOWED, 0, STATUS_ACCESS_DENIED, 0,
          "empty DACL: MAXIMUM_ALLOWED denied");
    check(&sd, bob_token, READ_CONTROL | WRITE_DAC, 0, STATUS_SUCCESS, READ_CONTROL | WRITE_DAC,
          "empty DACL: the owner still reads and writes the DACL");
    check(&sd, bob_token, MAXIMUM_ALLOWED, 0, STATUS_SUCCESS, READ_CONTROL | WRITE_DAC,
          "empty DACL: owner's MAXIMUM_ALLOWED");
    check(&sd, bob_token, FILE_READ_DATA, 0, STATUS_ACCESS_DENIED, 0,
          "empty DACL: the owner cannot read data");
    check(&sd, bob_token, 0, 0, STATUS_ACCESS_DENIED, 0, "asking for nothing is denied");
    secdesc_free(&sd);
}

static void test_order(void)
{
    struct security_descriptor sd;
    make_sd(&sd, &bob, 2, DENY(alice, FILE_GENERIC_WRITE), ALLOW(SID_EVERYONE, FILE_ALL_ACCESS));
    check(&sd, alice_token, FILE_READ_DATA, 0, STATUS_SUCCESS, FILE_READ_DATA,
          "deny write, allow all: read granted");
    check(&sd, alice_token, FILE_WRITE_DATA, 0, STATUS_ACCESS_DENIED, 0,
          "deny write, allow all: write denied");
    check(&sd, alice_token, FILE_READ_DATA | FILE_APPEND_DATA, 0, STATUS_ACCESS_DENIED, 0,
          "one denied bit denies the whole request");
    check(&sd, alice_token, MAXIMUM_ALLOWED, 0, STATUS_SUCCESS,
          FILE_ALL_ACCESS & ~FILE_GENERIC_WRITE, "deny write: MAXIMUM_ALLOWED lacks write");
    check(&sd, bob_token, FILE_WRITE_DATA, 0, STATUS_SUCCESS, FILE_WRITE_DATA,
          "the deny names alice only");
    secdesc_free(&sd);

    /* Non-canonical order: an allow before the deny already granted the bits. */
    make_sd(&sd, &bob, 2, ALLOW(SID_EVERYONE, FILE_ALL_ACCESS), DENY(alice, FILE_GENERIC_WRITE));
    check(&sd, alice_token, FILE_WRITE_DATA, 0, STATUS_SUCCESS, FILE_WRITE_DATA,
          "allow before deny: the earlier allow wins");
    check(&sd, alice_token, MAXIMUM_ALLOWED, 0, STATUS_SUCCESS, FILE_ALL_ACCESS,
          "allow before deny: MAXIMUM_ALLOWED has everything");
    secdesc_free(&sd);

    /* Rights add up across ACEs and groups. */
    make_sd(&sd, &bob, 3, ALLOW(SID_BUILTIN_USERS, FILE_READ_DATA),
            ALLOW(staff, FILE_WRITE_DATA), ALLOW(alice, FILE_APPEND_DATA));
    check(&sd, alice_token, FILE_READ_DATA | FILE_APPEND_DATA, 0, STATUS_SUCCESS,
          FILE_READ_DATA | FILE_APPEND_DATA, "user and group ACEs add up");
    check(&sd, alice_token, FILE_WRITE_DATA, 0, STATUS_ACCESS_DENIED, 0,
          "alice is not in staff");
    check(&sd, bob_token, MAXIMUM_ALLOWED, 0, STATUS_SUCCESS,
          FILE_READ_DATA | FILE_WRITE_DATA | READ_CONTROL | WRITE_DAC,
          "bob (owner, staff): MAXIMUM_ALLOWED");
    secdesc_free(&sd);
}

static void test_owner(void)
{
    struct security_descriptor sd;
    make_sd(&sd, &alice, 2, DENY(alice, READ_CONTROL | WRITE_DAC | FILE_READ_DATA),
            ALLOW(SID_EVERYONE, FILE_GENERIC_READ));
    check(&sd, alice_token, READ_CONTROL | WRITE_DAC, 0, STATUS_SUCCESS, READ_CONTROL | WRITE_DAC,
          "a deny ACE cannot take READ_CONTROL|WRITE_DAC from the owner");
    check(&sd, alice_token, FILE_READ_DATA, 0, STATUS_ACCESS_DENIED, 0,
          "but denies the owner other rights");
    check(&sd, bob_token, WRITE_DAC, 0, STATUS_ACCESS_DENIED, 0, "a non-owner has no WRITE_DAC");
    secdesc_free(&sd);

    /* An OWNER RIGHTS ACE replaces the implicit rights and names the owner. */
    make_sd(&sd, &alice, 2, ALLOW(SID_OWNER_RIGHTS, READ_CONTROL | FILE_WRITE_DATA),
            ALLOW(SID_EVERYONE, FILE_READ_DATA));
    check(&sd, alice_token, WRITE_DAC, 0, STATUS_ACCESS_DENIED, 0,
          "OWNER RIGHTS present: no implicit WRITE_DAC");
    check(&sd, alice_token, READ_CONTROL | FILE_WRITE_DATA, 0, STATUS_SUCCESS,
          READ_CONTROL | FILE_WRITE_DATA, "OWNER RIGHTS grants the owner what it says");
    check(&sd, alice_token, MAXIMUM_ALLOWED, 0, STATUS_SUCCESS,
          READ_CONTROL | FILE_WRITE_DATA | FILE_READ_DATA, "owner's MAXIMUM_ALLOWED");
    check(&sd, bob_token, FILE_WRITE_DATA, 0, STATUS_ACCESS_DENIED, 0,
          "OWNER RIGHTS does not match a non-owner");
    secdesc_free(&sd);

    /* An inherit-only OWNER RIGHTS ACE does not count. */
    struct ace io = ALLOW(SID_OWNER_RIGHTS, READ_CONTROL);
    io.flags = INHERIT_ONLY_ACE | OBJECT_INHERIT_ACE;
    make_sd(&sd, &alice, 1, io);
    check(&sd, alice_token, WRITE_DAC, 0, STATUS_SUCCESS, WRITE_DAC,
          "inherit-only OWNER RIGHTS: the implicit rights stay");
    secdesc_free(&sd);
}

static void test_generic(void)
{
    is_int(access_map_generic(GENERIC_ALL, &file_generic_mapping), FILE_ALL_ACCESS, "GA -> FA");
    is_int(access_map_generic(GENERIC_READ | GENERIC_EXECUTE, &file_generic_mapping), 0x1200A9,
           "GR|GX -> 0x1200a9");
    is_int(access_map_generic(GENERIC_WRITE | DELETE, &file_generic_mapping),
           FILE_GENERIC_WRITE | DELETE, "GW|DELETE keeps DELETE");
    struct generic_mapping custom = { 1, 2, 4, 7 };
    is_int(access_map_generic(GENERIC_READ | 0x100, &custom), 0x101, "a custom mapping");

    struct security_descriptor sd;
    make_sd(&sd, &bob, 2, ALLOW(alice, GENERIC_READ | GENERIC_EXECUTE),
            ALLOW(SID_BUILTIN_ADMINISTRATORS, GENERIC_ALL));
    check(&sd, alice_token, FILE_READ_DATA | FILE_EXECUTE, 0, STATUS_SUCCESS,
          FILE_READ_DATA | FILE_EXECUTE, "generic bits in an ACE are mapped");
    check(&sd, alice_token, GENERIC_READ, 0, STATUS_SUCCESS, FILE_GENERIC_READ,
          "a generic request is mapped and granted");
    check(&sd, alice_token, GENERIC_WRITE, 0, STATUS_ACCESS_DENIED, 0, "GENERIC_WRITE denied");
    check(&sd, admin_token, GENERIC_ALL, 0, STATUS_SUCCESS, FILE_ALL_ACCESS,
          "GENERIC_ALL for an administrator");
    check(&sd, alice_token, MAXIMUM_ALLOWED | GENERIC_READ, 0, STATUS_SUCCESS, 0x1200A9,
          "MAXIMUM_ALLOWED with GENERIC_READ");
    check(&sd, alice_token, MAXIMUM_ALLOWED | DELETE, 0, STATUS_ACCESS_DENIED, 0,
          "MAXIMUM_ALLOWED plus a right not held is denied");
    secdesc_free(&sd);

    /* The default share descriptor O:BAG:BAD:(A;;FA;;;BA)(A;;0x1200a9;;;WD). */
    struct secdesc_entry share[] = {
        { SID_BUILTIN_ADMINISTRATORS, FILE_ALL_ACCESS, false },
        { SID_EVERYONE, 0x1200A9, false },
    };
    secdesc_build_simple(&sd, &SID_BUILTIN_ADMINISTRATORS, &SID_BUILTIN_ADMINISTRATORS, share, 2);
    check(&sd, alice_token, MAXIMUM_ALLOWED, 0, STATUS_SUCCESS, 0x1200A9,
          "default share SD: everyone reads and executes");
    check(&sd, alice_token, FILE_WRITE_DATA, 0, STATUS_ACCESS_DENIED, 0,
          "default share SD: everyone cannot write");
    check(&sd, admin_token, MAXIMUM_ALLOWED, 0, STATUS_SUCCESS, FILE_ALL_ACCESS,
          "default share SD: administrators have full control");
    secdesc_free(&sd);
}

static void test_privileges(void)
{
    struct security_descriptor sd;
    make_sd(&sd, &bob, 0);
    struct access_token *t = token_copy(alice_token);

    check(&sd, t, ACCESS_SYSTEM_SECURITY, 0, STATUS_PRIVILEGE_NOT_HELD, 0,
          "ACCESS_SYSTEM_SECURITY without SeSecurity");
    t->privileges = SE_PRIV_SECURITY;
    check(&sd, t, ACCESS_SYSTEM_SECURITY, 0, STATUS_SUCCESS, ACCESS_SYSTEM_SECURITY,
          "SeSecurity grants ACCESS_SYSTEM_SECURITY");
    check(&sd, t, MAXIMUM_ALLOWED, 0, STATUS_ACCESS_DENIED, 0,
          "SeSecurity alone: MAXIMUM_ALLOWED does not report it unasked");

    t->privileges = SE_PRIV_TAKE_OWNERSHIP;
    check(&sd, t, WRITE_OWNER, 0, STATUS_SUCCESS, WRITE_OWNER, "SeTakeOwnership grants WRITE_OWNER");
    check(&sd, t, WRITE_DAC, 0, STATUS_ACCESS_DENIED, 0, "but not WRITE_DAC");

    t->privileges = SE_PRIV_BACKUP;
    check(&sd, t, FILE_GENERIC_READ, 0, STATUS_ACCESS_DENIED, 0,
          "SeBackup without backup intent does nothing");
    check(&sd, t, FILE_GENERIC_READ | FILE_TRAVERSE, ACCESS_CHECK_BACKUP_INTENT, STATUS_SUCCESS,
          FILE_GENERIC_READ | FILE_TRAVERSE, "SeBackup with backup intent reads");
    check(&sd, t, FILE_WRITE_DATA, ACCESS_CHECK_BACKUP_INTENT, STATUS_ACCESS_DENIED, 0,
          "SeBackup does not write");
    check(&sd, t, ACCESS_SYSTEM_SECURITY, ACCESS_CHECK_BACKUP_INTENT, STATUS_SUCCESS,
          ACCESS_SYSTEM_SECURITY, "SeBackup with backup intent reads the SACL");
    check(&sd, t, MAXIMUM_ALLOWED, ACCESS_CHECK_BACKUP_INTENT, STATUS_SUCCESS,
          BACKUP_PRIVILEGE_ACCESS & ~ACCESS_SYSTEM_SECURITY, "SeBackup: MAXIMUM_ALLOWED");

    t->privileges = SE_PRIV_RESTORE;
    check(&sd, t, FILE_GENERIC_WRITE | DELETE | WRITE_DAC | WRITE_OWNER | FILE_ADD_SUBDIRECTORY,
          ACCESS_CHECK_BACKUP_INTENT, STATUS_SUCCESS,
          FILE_GENERIC_WRITE | DELETE | WRITE_DAC | WRITE_OWNER | FILE_ADD_SUBDIRECTORY,
          "SeRestore with backup intent writes, deletes, sets DACL and owner");
    check(&sd, t, FILE_READ_DATA, ACCESS_CHECK_BACKUP_INTENT, STATUS_ACCESS_DENIED, 0,
          "SeRestore does not read data");
    check(&sd, t, DELETE, 0, STATUS_ACCESS_DENIED, 0, "SeRestore without backup intent");
    secdesc_free(&sd);

    /* Privileges also beat a deny ACE (they are granted before the DACL). */
    make_sd(&sd, &bob, 1, DENY(SID_EVERYONE, FILE_ALL_ACCESS));
    t->privileges = SE_PRIV_BACKUP;
    check(&sd, t, FILE_READ_DATA, ACCESS_CHECK_BACKUP_INTENT, STATUS_SUCCESS, FILE_READ_DATA,
          "SeBackup reads through a deny-everyone ACE");
    check(&sd, t, FILE_READ_DATA, 0, STATUS_ACCESS_DENIED, 0, "without intent it is denied");
    secdesc_free(&sd);
    token_free(t);

    struct access_token *system = token_new_system();
    make_sd(&sd, &bob, 0);
    check(&sd, system, ACCESS_SYSTEM_SECURITY | WRITE_OWNER, 0, STATUS_SUCCESS,
          ACCESS_SYSTEM_SECURITY | WRITE_OWNER, "SYSTEM token: SACL and ownership");
    secdesc_free(&sd);
    token_free(system);
}

static void test_special_aces(void)
{
    struct security_descriptor sd;
    struct ace io = ALLOW(alice, FILE_ALL_ACCESS);
    io.flags = INHERIT_ONLY_ACE | OBJECT_INHERIT_ACE | CONTAINER_INHERIT_ACE;
    struct ace co = ALLOW(SID_CREATOR_OWNER, FILE_ALL_ACCESS);
    make_sd(&sd, &alice, 3, io, co, ALLOW(alice, FILE_READ_DATA));
    check(&sd, alice_token, FILE_WRITE_DATA, 0, STATUS_ACCESS_DENIED, 0,
          "inherit-only ACE skipped; CREATOR OWNER matches no one");
    check(&sd, alice_token, MAXIMUM_ALLOWED, 0, STATUS_SUCCESS,
          FILE_READ_DATA | READ_CONTROL | WRITE_DAC, "MAXIMUM_ALLOWED ignores both");
    secdesc_free(&sd);

    struct ace allow_cb = { .type = ACCESS_ALLOWED_CALLBACK_ACE_TYPE, .mask = FILE_WRITE_DATA,
                            .sid = alice };
    struct ace deny_cb = { .type = ACCESS_DENIED_CALLBACK_ACE_TYPE, .mask = FILE_APPEND_DATA,
                           .sid = alice };
    make_sd(&sd, &bob, 3, allow_cb, deny_cb, ALLOW(alice, FILE_READ_DATA | FILE_APPEND_DATA));
    check(&sd, alice_token, FILE_WRITE_DATA, 0, STATUS_ACCESS_DENIED, 0,
          "an allow-callback ACE (condition unknown) grants nothing");
    check(&sd, alice_token, FILE_APPEND_DATA, 0, STATUS_ACCESS_DENIED, 0,
          "a deny-callback ACE (condition unknown) denies");
    check(&sd, alice_token, FILE_READ_DATA, 0, STATUS_SUCCESS, FILE_READ_DATA,
          "plain ACE still applies");
    secdesc_free(&sd);

    struct ace typed = { .type = ACCESS_ALLOWED_OBJECT_ACE_TYPE, .mask = FILE_WRITE_DATA,
                         .sid = alice, .object_flags = ACE_OBJECT_TYPE_PRESENT };
    struct ace untyped = { .type = ACCESS_ALLOWED_OBJECT_ACE_TYPE, .mask = FILE_READ_DATA,
                           .sid = alice };
    struct ace audit = { .type = SYSTEM_AUDIT_ACE_TYPE, .mask = FILE_ALL_ACCESS, .sid = alice };
    make_sd(&sd, &bob, 3, typed, untyped, audit);
    check(&sd, alice_token, MAXIMUM_ALLOWED, 0, STATUS_SUCCESS, FILE_READ_DATA,
          "object ACE applies only without an object type; audit ACEs never grant");
    secdesc_free(&sd);

    /* SE_DACL_PRESENT clear: the DACL pointer is not consulted. */
    make_sd(&sd, &bob, 0);
    sd.control &= (uint16_t)~SE_DACL_PRESENT;
    check(&sd, alice_token, FILE_WRITE_DATA, 0, STATUS_SUCCESS, FILE_WRITE_DATA,
          "DACL not present grants everything");
    secdesc_free(&sd);
}

/* smbtorture's smb2.maximum_allowed: a DACL granting Authenticated Users
 * FILE_GENERIC_READ only, opened with MAXIMUM_ALLOWED plus one more bit.
 * A bit beyond what the DACL grants is refused, MAXIMUM_ALLOWED or not
 * ([MS-DTYP] 2.5.3.2: rights still pending at the end deny the request;
 * [MS-FSA] 2.1.5.1.2.1 computes MAXIMUM_ALLOWED from the file's descriptor
 * alone). GENERIC_EXECUTE maps to FILE_GENERIC_EXECUTE, whose FILE_EXECUTE
 * the DACL does not grant, and SeChangeNotifyPrivilege (every logon holds
 * it) bypasses the traverse check of the directories on the path, never
 * grants FILE_EXECUTE/FILE_TRAVERSE on the object opened. So that open is
 * denied, as smbd's se_access_check denies it (docs/CONFORMANCE.md). */
static void test_maximum_allowed_plus_one_bit(void)
{
    struct security_descriptor sd;
    struct access_token *t = make_token(&alice, NULL);
    t->privileges |= SE_PRIV_CHANGE_NOTIFY;
    make_sd(&sd, &bob, 1, ALLOW(SID_AUTHENTICATED_USERS, FILE_GENERIC_READ));
    check(&sd, t, MAXIMUM_ALLOWED, 0, STATUS_SUCCESS, FILE_GENERIC_READ,
          "read DACL, MAXIMUM_ALLOWED: FILE_GENERIC_READ, no FILE_EXECUTE from traverse");
    check(&sd, t, MAXIMUM_ALLOWED | GENERIC_READ, 0, STATUS_SUCCESS, FILE_GENERIC_READ,
          "read DACL, MAXIMUM_ALLOWED | GENERIC_READ: granted");
    check(&sd, t, MAXIMUM_ALLOWED | FILE_READ_EA, 0, STATUS_SUCCESS, FILE_GENERIC_READ,
          "read DACL, MAXIMUM_ALLOWED | FILE_READ_EA: granted");
    check(&sd, t, MAXIMUM_ALLOWED | GENERIC_EXECUTE, 0, STATUS_ACCESS_DENIED, 0,
          "read DACL, MAXIMUM_ALLOWED | GENERIC_EXECUTE: FILE_EXECUTE is not granted");
    check(&sd, t, MAXIMUM_ALLOWED | FILE_EXECUTE, 0, STATUS_ACCESS_DENIED, 0,
          "read DACL, MAXIMUM_ALLOWED | FILE_EXECUTE: denied");
    check(&sd, t, MAXIMUM_ALLOWED | FILE_WRITE_DATA, 0, STATUS_ACCESS_DENIED, 0,
          "read DACL, MAXIMUM_ALLOWED | FILE_WRITE_DATA: denied");
    check(&sd, t, MAXIMUM_ALLOWED | ACCESS_SYSTEM_SECURITY, 0, STATUS_PRIVILEGE_NOT_HELD, 0,
          "read DACL, MAXIMUM_ALLOWED | ACCESS_SYSTEM_SECURITY: privilege not held");
    secdesc_free(&sd);
    token_free(t);
}

int main(void)
{
    sid_parse("S-1-5-21-1-2-3-1000", &alice);
    sid_parse("S-1-5-21-1-2-3-1001", &bob);
    sid_parse("S-1-5-21-1-2-3-2000", &staff);
    alice_token = make_token(&alice, NULL);
    bob_token = make_token(&bob, &staff);
    admin_token = make_token(&SID_LOCAL_SYSTEM, &SID_BUILTIN_ADMINISTRATORS);

    test_null_and_empty();
    test_order();
    test_owner();
    test_generic();
    test_privileges();
    test_special_aces();
    test_maximum_allowed_plus_one_bit();

    token_free(alice_token);
    token_free(bob_token);
    token_free(admin_token);
    return done_testing();
}
