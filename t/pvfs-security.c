/* pvfs security: descriptors stored and read back byte for byte, a DACL
 * that denies a user's write enforced, inheritance into new files,
 * descriptors derived from owner and mode, DELETE through the parent's
 * FILE_DELETE_CHILD, the rights that querying and setting need, and -- when
 * Samba's Python bindings are installed -- security.NTACL written by us read
 * by Samba's own NDR code and the other way round. */
#include "t/pvfs-util.h"

#include <sys/xattr.h>

#include "drivers/pvfs/pvfs_private.h"
#include "drivers/pvfs/samba_xattr.h"
#include "lib/sddl.h"

static struct pvfs_volume *vol;
static struct access_token *alice, *bob, *unix_user;
/* unix_user's uid and gid: ours, or (as root) made-up ones files are chowned to. */
static uid_t user_uid;
static gid_t user_gid;

#define SECINFO_OGD (OWNER_SECURITY_INFORMATION | GROUP_SECURITY_INFORMATION | \
                     DACL_SECURITY_INFORMATION)

static uint8_t *sd_bytes(const char *sddl, size_t *len)
{
    struct security_descriptor sd;
    uint8_t *out = NULL;
    *len = 0;
    if (sddl_parse(sddl, &sd) != STATUS_SUCCESS)
        return NULL;
    secdesc_to_bytes(&sd, &out, len);
    secdesc_free(&sd);
    return out;
}

/* The descriptor of an open, as SDDL (NULL on failure). */
static char *query_sddl(struct pvfs_file *f, uint32_t secinfo)
{
    uint8_t buf[4096];
    uint32_t n = 0;
    if (pvfs_query_security(f, secinfo, buf, sizeof buf, &n) != STATUS_SUCCESS)
        return NULL;
    struct security_descriptor sd;
    if (secdesc_parse(buf, n, &sd) != STATUS_SUCCESS)
        return NULL;
    char *text = NULL;
    sddl_format(&sd, &text);
    secdesc_free(&sd);
    return text;
}

static NTSTATUS try_open(struct access_token *t, const char *path, uint32_t access)
{
    struct pvfs_file *f = NULL;
    NTSTATUS st = open_file(vol, t, path, access, SHARE_ALL, FILE_OPEN, 0, &f, NULL);
    pvfs_close(f);
    return st;
}

static void deny_write(void)
{
    struct pvfs_file *f = NULL;
    is_int(open_file(vol, alice, "deny.txt", FILE_GENERIC_WRITE | WRITE_DAC | WRITE_OWNER,
                     SHARE_ALL, FILE_CREATE, 0, &f, NULL),
           STATUS_SUCCESS, "alice creates a file");
    size_t len;
    uint8_t *sd = sd_bytes("O:S-1-5-21-1-2-3-1000G:S-1-5-21-1-2-3-513"
                           "D:P(D;;0x116;;;S-1-5-21-1-2-3-1001)(A;;FA;;;WD)", &len);
    is_int(pvfs_set_security(f, SECINFO_OGD, sd, (uint32_t)len), STATUS_SUCCESS,
           "a DACL denying bob write data/append/attributes/EA");
    pvfs_close(f);
    free(sd);
    is_int(try_open(bob, "deny.txt", FILE_WRITE_DATA), STATUS_ACCESS_DENIED,
           "bob cannot open it for writing");
    is_int(try_open(bob, "deny.txt", FILE_APPEND_DATA), STATUS_ACCESS_DENIED,
           "  nor for appending");
    is_int(try_open(bob, "deny.txt", GENERIC_WRITE), STATUS_ACCESS_DENIED,
           "  nor with GENERIC_WRITE");
    is_int(try_open(bob, "deny.txt", FILE_READ_DATA), STATUS_SUCCESS, "bob can read it");
    is_int(try_open(alice, "deny.txt", FILE_WRITE_DATA), STATUS_SUCCESS, "alice can write it");
    f = NULL;
    is_int(open_file(vol, bob, "deny.txt", MAXIMUM_ALLOWED, SHARE_ALL, FILE_OPEN, 0, &f, NULL),
           STATUS_SUCCESS, "bob with MAXIMUM_ALLOWED");
    uint8_t buf[4];
    uint32_t n;
    if (f && pvfs_query_information(f, FileAccessInformation, buf, 4, &n) == STATUS_SUCCESS) {
        ok(!(le32_load(buf) & FILE_WRITE_DATA) && (le32_load(buf) & FILE_READ_DATA),
           "  gets read but not write");
    } else {
        ok(0, "  query the granted access");
    }
    is_int(f ? pvfs_write(f, "x", 1, NULL, 0, &n) : STATUS_INVALID_HANDLE, STATUS_ACCESS_DENIED,
           "  and cannot write through it");
    pvfs_close(f);
    f = NULL;
    open_file(vol, alice, "deny.txt:s", FILE_WRITE_DATA, SHARE_ALL, FILE_CREATE, 0, &f, NULL);
    ok(f != NULL, "alice adds a stream");
    pvfs_close(f);
    is_int(try_open(bob, "deny.txt:s", FILE_WRITE_DATA), STATUS_ACCESS_DENIED,
           "a stream is protected by its file's DACL");
    struct pvfs_create_args sa = args_of("deny.txt:s2", FILE_READ_DATA, SHARE_ALL,
                                         FILE_OPEN_IF, 0);
    uint32_t act;
    f = NULL;
    is_int(pvfs_create(vol, bob, &sa, &f, &act), STATUS_ACCESS_DENIED,
           "  and bob cannot add one");
}

static void round_trip(void)
{
    struct pvfs_file *f = NULL;
    open_file(vol, alice, "rt.txt", WRITE_DAC | WRITE_OWNER | READ_CONTROL, SHARE_ALL,
              FILE_CREATE, 0, &f, NULL);
    if (!f) {
        ok(0, "create rt.txt");
        return;
    }
    size_t len;
    uint8_t *sd = sd_bytes("O:S-1-5-21-1-2-3-1000G:S-1-5-32-545"
                           "D:AI(A;;0x1f01ff;;;S-1-5-21-1-2-3-1000)(A;ID;0x1200a9;;;WD)"
                           "(D;OICI;0x10000;;;S-1-5-21-1-2-3-1001)", &len);
    is_int(pvfs_set_security(f, SECINFO_OGD, sd, (uint32_t)len), STATUS_SUCCESS,
           "store a descriptor");
    uint8_t back[4096];
    uint32_t n = 0;
    is_int(pvfs_query_security(f, SECINFO_OGD, back, sizeof back, &n), STATUS_SUCCESS,
           "read it back");
    is_mem(back, n, sd, len, "byte for byte");
    uint32_t need = 0;
    is_int(pvfs_query_security(f, SECINFO_OGD, back, 10, &need), STATUS_BUFFER_TOO_SMALL,
           "a small buffer gives STATUS_BUFFER_TOO_SMALL");
    is_int(need, (long long)len, "  with the size needed");

    /* On disk: Samba's xattr_NTACL v4 holding exactly those bytes. */
    const char *xname = geteuid() == 0 ? "security.NTACL" : "user.NTACL";
    uint8_t raw[4096];
    ssize_t rl = getxattr(on_disk("rt.txt"), xname, raw, sizeof raw);
    uint8_t *stored = NULL;
    size_t stored_len = 0;
    ok(rl > 0 && samba_ntacl_decode(raw, (size_t)rl, &stored, &stored_len) == STATUS_SUCCESS,
       "%s holds a Samba NTACL blob", xname);
    ok(rl > 4 && raw[0] == 4 && raw[2] == 4, "  of version 4");
    is_mem(stored, stored_len, sd, len, "  with the descriptor inside");
    free(stored);

    /* Parts: owner only, then a DACL-only update keeps the owner. */
    char *text = query_sddl(f, OWNER_SECURITY_INFORMATION);
    is_str(text, "O:S-1-5-21-1-2-3-1000", "querying the owner alone");
    free(text);
    free(sd);
    sd = sd_bytes("D:(A;;FA;;;S-1-5-21-1-2-3-1001)", &len);
    is_int(pvfs_set_security(f, DACL_SECURITY_INFORMATION, sd, (uint32_t)len), STATUS_SUCCESS,
           "set the DACL alone");
    text = query_sddl(f, SECINFO_OGD);
    is_str(text, "O:S-1-5-21-1-2-3-1000G:BUD:(A;;FA;;;S-1-5-21-1-2-3-1001)",
           "  owner and group are kept");
    free(text);
    free(sd);
    /* A DACL update from a descriptor without one: the NULL DACL. */
    sd = sd_bytes("O:S-1-5-21-1-2-3-1000", &len);
    is_int(pvfs_set_security(f, DACL_SECURITY_INFORMATION, sd, (uint32_t)len), STATUS_SUCCESS,
           "set the DACL from a descriptor without SE_DACL_PRESENT");
    n = 0;
    pvfs_query_security(f, DACL_SECURITY_INFORMATION, back, sizeof back, &n);
    struct security_descriptor nd;
    ok(secdesc_parse(back, n, &nd) == STATUS_SUCCESS && (nd.control & SE_DACL_PRESENT) &&
           nd.dacl == NULL, "  reads back as the NULL DACL: present, no ACL");
    secdesc_free(&nd);
    free(sd);
    pvfs_close(f);

    /* Rights: READ_CONTROL to query, WRITE_DAC to set, ACCESS_SYSTEM_SECURITY for SACLs. */
    f = NULL;
    open_file(vol, bob, "rt.txt", FILE_READ_DATA, SHARE_ALL, FILE_OPEN, 0, &f, NULL);
    is_int(f ? pvfs_query_security(f, SECINFO_OGD, back, sizeof back, &n) : 0,
           STATUS_ACCESS_DENIED, "querying needs READ_CONTROL");
    sd = sd_bytes("D:(A;;FA;;;WD)", &len);
    is_int(f ? pvfs_set_security(f, DACL_SECURITY_INFORMATION, sd, (uint32_t)len) : 0,
           STATUS_ACCESS_DENIED, "setting needs WRITE_DAC");
    pvfs_close(f);
    f = NULL;
    open_file(vol, bob, "rt.txt", READ_CONTROL, SHARE_ALL, FILE_OPEN, 0, &f, NULL);
    is_int(f ? pvfs_query_security(f, SACL_SECURITY_INFORMATION, back, sizeof back, &n) : 0,
           STATUS_ACCESS_DENIED, "the SACL needs ACCESS_SYSTEM_SECURITY");
    is_int(f ? pvfs_set_security(f, DACL_SECURITY_INFORMATION, (const uint8_t *)"junk", 4) : 0,
           STATUS_ACCESS_DENIED, "  (and rights are checked before the bytes)");
    pvfs_close(f);
    free(sd);
}

static void inheritance(void)
{
    size_t len;
    uint8_t *sd = sd_bytes("O:S-1-5-21-1-2-3-1000G:S-1-5-21-1-2-3-513"
                           "D:P(A;OICI;FA;;;S-1-5-21-1-2-3-1000)(A;OICI;FR;;;S-1-5-21-1-2-3-1001)",
                           &len);
    struct pvfs_create_args a = args_of("inh", FILE_LIST_DIRECTORY | READ_CONTROL, SHARE_ALL,
                                        FILE_CREATE, FILE_DIRECTORY_FILE);
    a.security_descriptor = sd;
    a.security_descriptor_size = len;
    struct pvfs_file *d = NULL;
    uint32_t act;
    is_int(pvfs_create(vol, alice, &a, &d, &act), STATUS_SUCCESS,
           "create a directory with a protected DACL");
    char *text = d ? query_sddl(d, DACL_SECURITY_INFORMATION) : NULL;
    is_str(text, "D:P(A;OICI;FA;;;S-1-5-21-1-2-3-1000)(A;OICI;FR;;;S-1-5-21-1-2-3-1001)",
           "  it has the DACL given");
    free(text);
    pvfs_close(d);
    free(sd);
    struct pvfs_file *f = NULL;
    is_int(open_file(vol, alice, "inh\\child.txt", FILE_GENERIC_WRITE | READ_CONTROL, SHARE_ALL,
                     FILE_CREATE, 0, &f, NULL),
           STATUS_SUCCESS, "alice creates a file inside");
    text = f ? query_sddl(f, SECINFO_OGD) : NULL;
    is_str(text, "O:S-1-5-21-1-2-3-1000G:S-1-5-21-1-2-3-513"
                 "D:AI(A;ID;FA;;;S-1-5-21-1-2-3-1000)(A;ID;FR;;;S-1-5-21-1-2-3-1001)",
           "  it inherits both ACEs");
    free(text);
    pvfs_close(f);
    is_int(try_open(bob, "inh\\child.txt", FILE_READ_DATA), STATUS_SUCCESS,
           "bob reads the child through the inherited ACE");
    is_int(try_open(bob, "inh\\child.txt", FILE_WRITE_DATA), STATUS_ACCESS_DENIED,
           "  but cannot write it");
    f = NULL;
    is_int(open_file(vol, bob, "inh\\bobs.txt", FILE_GENERIC_WRITE, SHARE_ALL, FILE_CREATE, 0, &f,
                     NULL),
           STATUS_ACCESS_DENIED, "bob cannot create files in the directory");
    pvfs_close(f);

    /* A DACL given at create is kept as given: no ACEs merged from the
     * parent, the creator's order (inherited-looking ACEs first). */
    const char *given = "D:AI(A;ID;FA;;;S-1-5-21-1-2-3-1000)(A;ID;FR;;;S-1-5-21-1-2-3-1001)"
                        "(A;;0x1f0000;;;AU)";
    sd = sd_bytes(given, &len);
    a = args_of("inh\\given.txt", FILE_GENERIC_WRITE | READ_CONTROL, SHARE_ALL, FILE_CREATE, 0);
    a.security_descriptor = sd;
    a.security_descriptor_size = len;
    f = NULL;
    is_int(pvfs_create(vol, alice, &a, &f, &act), STATUS_SUCCESS,
           "create a file with an explicit DACL");
    text = f ? query_sddl(f, DACL_SECURITY_INFORMATION) : NULL;
    is_str(text, given, "  it reads back exactly as given");
    free(text);
    pvfs_close(f);
    free(sd);
}

static void derived(void)
{
    write_disk_file("plain.txt", "p");
    chmod(on_disk("plain.txt"), 0640);
    if (geteuid() == 0 && chown(on_disk("plain.txt"), user_uid, user_gid) != 0)
        perror("chown");
    struct stat st;
    stat(on_disk("plain.txt"), &st);
    struct pvfs_file *f = NULL;
    open_file(vol, unix_user, "plain.txt", READ_CONTROL | FILE_WRITE_DATA, SHARE_ALL, FILE_OPEN, 0,
              &f, NULL);
    ok(f != NULL, "the file's unix owner opens a file without a stored descriptor for writing");
    char *text = f ? query_sddl(f, SECINFO_OGD) : NULL;
    char want[256];
    snprintf(want, sizeof want,
             "O:S-1-22-1-%uG:S-1-22-2-%uD:(A;;0x12019f;;;S-1-22-1-%u)(A;;FR;;;S-1-22-2-%u)"
             "(A;;FA;;;SY)",
             (unsigned)st.st_uid, (unsigned)st.st_gid, (unsigned)st.st_uid, (unsigned)st.st_gid);
    is_str(text, want, "its descriptor follows owner, group and mode");
    free(text);
    pvfs_close(f);
    is_int(try_open(alice, "plain.txt", FILE_READ_DATA), STATUS_ACCESS_DENIED,
           "others get what the mode gives them (nothing)");
    chmod(on_disk("plain.txt"), 0644);
    is_int(try_open(alice, "plain.txt", FILE_READ_DATA), STATUS_SUCCESS,
           "  and read access once the mode has it");
    ok(getxattr(on_disk("plain.txt"), geteuid() == 0 ? "security.NTACL" : "user.NTACL", NULL,
                0) < 0,
       "  (nothing was written to the file)");
}

/* A token on a stand-in identity (unix_id_shared: lsassd found its own
 * privileged or missing) never owns a file by its unix uid or gid, even when
 * that uid is where its files go; nor does anyone own by nobody, nogroup or
 * (but SYSTEM) root. Guest and anonymous have ids of their own now
 * (lsass/idmap) and own what those ids own. */
static struct access_token *with_unix_id(const char *sid, uid_t uid, gid_t gid)
{
    struct access_token *t = make_token(sid);
    t->uid = uid;
    t->gid = gid;
    return t;
}

static void shared_identity(void)
{
    write_disk_file("mine.txt", "secret");
    chmod(on_disk("mine.txt"), 0600);
    if (geteuid() == 0 && chown(on_disk("mine.txt"), user_uid, user_gid) != 0)
        perror("chown");
    is_int(try_open(unix_user, "mine.txt", FILE_READ_DATA), STATUS_SUCCESS,
           "0600, no stored descriptor: its unix owner reads it");

    struct access_token *fallback = with_unix_id(BOB, user_uid, user_gid);
    fallback->unix_id_shared = true;
    is_int(try_open(fallback, "mine.txt", FILE_READ_DATA), STATUS_ACCESS_DENIED,
           "  a token on a stand-in identity (same uid on disk) does not");
    struct access_token *guest = with_unix_id("S-1-5-21-1-2-3-501", user_uid, user_gid);
    guest->is_guest = true;
    is_int(try_open(guest, "mine.txt", FILE_READ_DATA), STATUS_SUCCESS,
           "  Guest on its own uid does (Guest's id is its alone)");
    struct access_token *anonymous = with_unix_id("S-1-5-7", user_uid, user_gid);
    anonymous->is_anonymous = true;
    anonymous->unix_id_shared = true;
    is_int(try_open(anonymous, "mine.txt", FILE_READ_DATA), STATUS_ACCESS_DENIED,
           "  anonymous on a stand-in identity does not");
    ok(!pvfs_token_owns_unix_id(fallback, user_uid) && pvfs_token_owns_unix_id(guest, user_gid) &&
       pvfs_token_owns_unix_id(unix_user, user_uid) &&
       !pvfs_token_owns_unix_id(unix_user, PVFS_NOBODY_ID) &&
       !pvfs_token_owns_unix_id(unix_user, 0),
       "  owns: own ids only, never nobody's or root's");

    /* The group bits the same way. */
    chmod(on_disk("mine.txt"), 0060);
    is_int(try_open(fallback, "mine.txt", FILE_READ_DATA), STATUS_ACCESS_DENIED,
           "0060: the fallback's gid is no group membership");
    if (geteuid() == 0) /* otherwise the kernel refuses the owner a 0060 file */
        is_int(try_open(unix_user, "mine.txt", FILE_READ_DATA), STATUS_SUCCESS,
               "  the unix group's own member reads it");

    if (geteuid() == 0) {
        /* A user whose unix account is nobody (or any token with uid
         * 65534) does not own nobody's files either. */
        write_disk_file("nobodys.txt", "n");
        chmod(on_disk("nobodys.txt"), 0660);
        ok(chown(on_disk("nobodys.txt"), PVFS_NOBODY_ID, PVFS_NOBODY_ID) == 0,
           "a 0660 file of nobody:nogroup");
        struct access_token *nobody = with_unix_id(ALICE, PVFS_NOBODY_ID, PVFS_NOBODY_ID);
        is_int(try_open(nobody, "nobodys.txt", FILE_READ_DATA), STATUS_ACCESS_DENIED,
               "  uid/gid 65534 owns nothing, even on its own unix account");
        token_free(nobody);
        /* Root over the network: a token with uid 0 that is not SYSTEM. */
        write_disk_file("roots.txt", "r");
        chmod(on_disk("roots.txt"), 0600);
        struct access_token *root = with_unix_id(ALICE, 0, 0);
        is_int(try_open(root, "roots.txt", FILE_READ_DATA), STATUS_ACCESS_DENIED,
               "a network token with uid 0 does not own root's 0600 file");
        struct access_token *system = token_new_system();
        is_int(try_open(system, "roots.txt", FILE_READ_DATA), STATUS_SUCCESS, "  SYSTEM does");
        token_free(system);
        token_free(root);
    }
    token_free(fallback);
    token_free(guest);
    token_free(anonymous);
}

static void delete_child(void)
{
    size_t len;
    uint8_t *sd = sd_bytes("D:P(A;;FA;;;S-1-5-21-1-2-3-1000)(A;;0x1200e9;;;S-1-5-21-1-2-3-1001)",
                           &len);
    struct pvfs_create_args a = args_of("dc", FILE_LIST_DIRECTORY, SHARE_ALL, FILE_CREATE,
                                        FILE_DIRECTORY_FILE);
    a.security_descriptor = sd;
    a.security_descriptor_size = len;
    struct pvfs_file *d = NULL;
    uint32_t act;
    pvfs_create(vol, alice, &a, &d, &act);
    pvfs_close(d);
    free(sd);
    sd = sd_bytes("D:P(A;;FA;;;S-1-5-21-1-2-3-1000)", &len);
    a = args_of("dc\\victim.txt", FILE_GENERIC_WRITE, SHARE_ALL, FILE_CREATE, 0);
    a.security_descriptor = sd;
    a.security_descriptor_size = len;
    d = NULL;
    pvfs_create(vol, alice, &a, &d, &act);
    pvfs_close(d);
    free(sd);
    /* 0x1200e9 on the directory includes FILE_DELETE_CHILD (0x40). */
    struct pvfs_file *f = NULL;
    is_int(open_file(vol, bob, "dc\\victim.txt", DELETE, SHARE_ALL, FILE_OPEN, FILE_DELETE_ON_CLOSE,
                     &f, NULL),
           STATUS_SUCCESS, "FILE_DELETE_CHILD on the directory grants DELETE on its file");
    pvfs_close(f);
    ok(access(on_disk("dc/victim.txt"), F_OK) != 0, "  and bob deleted it");
    is_int(try_open(bob, "inh\\child.txt", DELETE), STATUS_ACCESS_DENIED,
           "without it (and without DELETE on the file) there is no DELETE");
}

/* Runs a Python script (with Samba's bindings) and returns its first line. */
static bool run_python(const char *script, char *out, size_t out_size)
{
    const char *path = on_disk("script.py");
    char cmd[700];
    FILE *f = fopen(path, "w");
    if (!f)
        return false;
    fputs(script, f);
    fclose(f);
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s 2>&1", path);
    FILE *p = popen(cmd, "r");
    if (!p)
        return false;
    out[0] = '\0';
    if (!fgets(out, (int)out_size, p))
        out[0] = '\0';
    int rc = pclose(p);
    out[strcspn(out, "\n")] = '\0';
    return rc == 0;
}

static void samba_interop(void)
{
    char line[2048];
    if (!run_python("import samba.dcerpc.xattr, samba.ndr\nprint('ok')\n", line, sizeof line)) {
        tap_missing(3, "Samba's Python bindings are not installed (Debian package python3-samba)");
        return;
    }
    const char *xname = geteuid() == 0 ? "security.NTACL" : "user.NTACL";
    /* Ours, read by Samba. */
    char script[2048];
    snprintf(script, sizeof script,
             "import os\n"
             "from samba.dcerpc import xattr\n"
             "from samba.ndr import ndr_unpack\n"
             "n = ndr_unpack(xattr.NTACL, os.getxattr('%s', '%s'))\n"
             "sd = n.info.sd\n"
             "print(n.version, sd.owner_sid, sd.group_sid, ' '.join('%%d/%%d/%%#x/%%s' %% "
             "(a.type, a.flags, a.access_mask, a.trustee) for a in sd.dacl.aces))\n",
             on_disk("deny.txt"), xname);
    ok(run_python(script, line, sizeof line), "Samba parses our %s", xname);
    is_str(line, "4 S-1-5-21-1-2-3-1000 S-1-5-21-1-2-3-513 1/0/0x116/S-1-5-21-1-2-3-1001 "
                 "0/0/0x1f01ff/S-1-1-0",
           "  and finds our descriptor in it");

    /* Samba's, enforced by us. */
    write_disk_file("fromsamba.txt", "s");
    chmod(on_disk("fromsamba.txt"), 0666);
    snprintf(script, sizeof script,
             "import os\n"
             "from samba.dcerpc import xattr, security\n"
             "from samba.ndr import ndr_pack\n"
             "sd = security.descriptor.from_sddl('O:S-1-5-21-1-2-3-1000G:S-1-5-21-1-2-3-513"
             "D:(A;;0x1f01ff;;;S-1-5-21-1-2-3-1000)(A;;0x1200a9;;;S-1-5-21-1-2-3-1001)', "
             "security.dom_sid('S-1-5-21-1-2-3'))\n"
             "h = xattr.security_descriptor_hash_v4()\n"
             "h.sd = sd; h.hash_type = 1; h.hash = [0]*64; h.description = 'posix_acl'\n"
             "h.time = 0; h.sys_acl_hash = [0]*64\n"
             "n = xattr.NTACL(); n.version = 4; n.info = h\n"
             "os.setxattr('%s', '%s', ndr_pack(n))\n"
             "print('written')\n",
             on_disk("fromsamba.txt"), xname);
    bool wrote = run_python(script, line, sizeof line);
    ok(wrote && try_open(bob, "fromsamba.txt", FILE_WRITE_DATA) == STATUS_ACCESS_DENIED &&
           try_open(bob, "fromsamba.txt", FILE_READ_DATA) == STATUS_SUCCESS &&
           try_open(alice, "fromsamba.txt", FILE_WRITE_DATA) == STATUS_SUCCESS,
       "a descriptor Samba wrote is enforced (%s)", line);
}

/* smbd's own ACL code (vfs_acl_xattr, through `samba-tool ntacl --use-s3fs`)
 * reads what we stored: it must take our descriptor as current, which it
 * does only if our hash of the POSIX permissions matches its own. */
static bool samba_tool(const char *args, char *out, size_t out_size)
{
    char cmd[1200];
    snprintf(cmd, sizeof cmd,
             "cd '%s' && timeout 60 samba-tool ntacl %s -s smb.conf --use-s3fs --service=s 2>&1",
             scratch_root, args);
    FILE *p = popen(cmd, "r");
    if (!p)
        return false;
    out[0] = '\0';
    if (!fgets(out, (int)out_size, p))
        out[0] = '\0';
    char rest[256];
    while (fgets(rest, sizeof rest, p))
        ;
    int rc = pclose(p);
    out[strcspn(out, "\n")] = '\0';
    return rc == 0;
}

static void smbd_reads_ours(void)
{
    if (geteuid() != 0) {
        skip(4, "needs root");
        return;
    }
    if (system("command -v samba-tool >/dev/null 2>&1 && command -v net >/dev/null 2>&1") != 0) {
        tap_missing(4, "samba-tool and net are not installed (Debian package samba-common-bin)");
        return;
    }
    /* smbd's vfs module, loaded by samba-tool --use-s3fs; package samba only
     * recommends it, so ./configure --install-deps names it. */
    if (system("ls /usr/lib/*/samba/vfs/acl_xattr.so >/dev/null 2>&1") != 0) {
        tap_missing(4, "smbd's acl_xattr.so is not installed (Debian package samba-vfs-modules)");
        return;
    }
    FILE *f = fopen(on_disk("smb.conf"), "w");
    if (!f) {
        skip(4, "cannot write smb.conf");
        return;
    }
    fprintf(f, "[global]\n  workgroup = WORKGROUP\n  netbios name = PVFSTEST\n");
    static const char *const dirs[] = { "private dir", "lock directory", "state directory",
                                        "cache directory", "pid directory", "ncalrpc dir" };
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        fprintf(f, "  %s = %s/samba/%zu\n", dirs[i], scratch_root, i);
        char d[600];
        snprintf(d, sizeof d, "%s/samba", scratch_root);
        mkdir(d, 0700);
        snprintf(d, sizeof d, "%s/samba/%zu", scratch_root, i);
        mkdir(d, 0700);
    }
    fprintf(f, "  vfs objects = acl_xattr\n[s]\n  path = %s\n", scratch_root);
    fclose(f);
    char cmd[700];
    snprintf(cmd, sizeof cmd, "cd '%s' && timeout 60 net -s smb.conf setlocalsid S-1-5-21-9-9-9 "
             ">/dev/null 2>&1 && timeout 60 net -s smb.conf setdomainsid S-1-5-21-9-9-9 "
             ">/dev/null 2>&1", scratch_root);
    if (system(cmd) != 0) {
        skip(4, "net setlocalsid failed");
        return;
    }
    char line[1024];
    ok(samba_tool("get --as-sddl deny.txt", line, sizeof line), "samba-tool reads deny.txt");
    is_str(line, "O:S-1-5-21-1-2-3-1000G:S-1-5-21-1-2-3-513"
                 "D:P(D;;RPCRDCLC;;;S-1-5-21-1-2-3-1001)(A;;0x001f01ff;;;WD)",
           "  smbd takes the descriptor we set as the file's");
    samba_tool("get --as-sddl inh/child.txt", line, sizeof line);
    is_str(line, "O:S-1-5-21-1-2-3-1000G:S-1-5-21-1-2-3-513"
                 "D:AI(A;ID;0x001f01ff;;;S-1-5-21-1-2-3-1000)"
                 "(A;ID;0x00120089;;;S-1-5-21-1-2-3-1001)",
           "  and the one a new file inherited");
    /* smbd's own writer (which also rewrites the POSIX ACL), enforced by us. */
    struct pvfs_file *n = NULL;
    open_file(vol, alice, "bysmbd.txt", FILE_GENERIC_WRITE, SHARE_ALL, FILE_CREATE, 0, &n, NULL);
    pvfs_close(n);
    ok(samba_tool("set 'O:S-1-5-21-1-2-3-1000G:S-1-5-21-1-2-3-513D:(A;;0x1f01ff;;;"
                  "S-1-5-21-1-2-3-1000)(A;;0x1200a9;;;S-1-5-21-1-2-3-1001)' bysmbd.txt",
                  line, sizeof line) &&
           try_open(bob, "bysmbd.txt", FILE_WRITE_DATA) == STATUS_ACCESS_DENIED &&
           try_open(bob, "bysmbd.txt", FILE_READ_DATA) == STATUS_SUCCESS &&
           try_open(alice, "bysmbd.txt", FILE_WRITE_DATA) == STATUS_SUCCESS,
       "a descriptor smbd's VFS stored is enforced by pvfs");
}

/* PVFS_ECP_MAXIMAL_ACCESS (what srv answers MxAc with): the file's own
 * MAXIMUM_ALLOWED grant for the caller, DELETE through the parent, within
 * the access ceiling; untouched when the create fails. Runs after
 * inheritance(), which made "inh" (alice: full, bob: read). */
static void maximal_access(void)
{
    size_t len;
    uint8_t *sd = sd_bytes("D:(A;;FR;;;AU)", &len);
    struct pvfs_create_args a = args_of("inh\\mx.txt", FILE_READ_DATA, SHARE_ALL, FILE_CREATE, 0);
    a.security_descriptor = sd;
    a.security_descriptor_size = len;
    uint32_t mx = 0xDEADBEEF, act;
    a.maximal_access = &mx;
    struct pvfs_file *f = NULL;
    is_int(pvfs_create(vol, alice, &a, &f, &act), STATUS_SUCCESS,
           "alice creates a file whose DACL grants Authenticated Users read");
    is_int(mx, FILE_GENERIC_READ | WRITE_DAC | DELETE,
           "  its maximal access for her: read, the owner's WRITE_DAC, DELETE from the folder");
    pvfs_close(f);
    free(sd);

    a = args_of("inh\\mx.txt", READ_CONTROL, SHARE_ALL, FILE_OPEN, 0);
    mx = 0xDEADBEEF;
    a.maximal_access = &mx;
    f = NULL;
    is_int(pvfs_create(vol, bob, &a, &f, &act), STATUS_SUCCESS, "bob opens it");
    is_int(mx, FILE_GENERIC_READ, "  his maximal access: read only (no owner rights, no delete)");
    pvfs_close(f);

    a.has_access_ceiling = true;
    a.access_ceiling = FILE_GENERIC_READ & ~(uint32_t)FILE_READ_EA;
    mx = 0xDEADBEEF;
    f = NULL;
    is_int(pvfs_create(vol, alice, &a, &f, &act), STATUS_SUCCESS, "alice opens it under a ceiling");
    is_int(mx, FILE_GENERIC_READ & ~(uint32_t)FILE_READ_EA, "  her maximal access is cut to it");
    pvfs_close(f);

    a = args_of("inh\\mx.txt", FILE_WRITE_DATA, SHARE_ALL, FILE_OPEN, 0);
    mx = 0xDEADBEEF;
    a.maximal_access = &mx;
    f = NULL;
    is_int(pvfs_create(vol, bob, &a, &f, &act), STATUS_ACCESS_DENIED,
           "bob cannot open it to write");
    is_int(mx, 0xDEADBEEF, "  and no maximal access is reported for a failed create");
    pvfs_close(f);
}

int main(void)
{
    umask(0);
    const char *root = scratch_dir();
    chmod(root, 0777);
    alice = make_token(ALICE);
    bob = make_token(BOB);
    /* Root's uid is nobody's own over the network: as root, the unix user
     * is a made-up one. */
    user_uid = geteuid() == 0 ? 4321 : geteuid();
    user_gid = geteuid() == 0 ? 4321 : getegid();
    unix_user = make_token("S-1-5-21-1-2-3-1500");
    unix_user->uid = user_uid;
    unix_user->gid = user_gid;
    if (pvfs_volume_open(root, &vol) != STATUS_SUCCESS) {
        ok(0, "open the volume");
        return done_testing();
    }
    deny_write();
    round_trip();
    inheritance();
    maximal_access();
    derived();
    shared_identity();
    delete_child();
    samba_interop();
    smbd_reads_ours();
    pvfs_volume_close(vol);
    token_free(alice);
    token_free(bob);
    token_free(unix_user);
    return done_testing();
}
