/* pvfs extended attributes: parsing FILE_FULL_EA_INFORMATION and
 * FILE_GET_EA_INFORMATION chains (well-formed and hostile), storage as
 * Samba's user.NAME xattrs, Samba's own xattrs kept out of sight, set and
 * delete, the query modes (all, named list, restart, single, index), the
 * small-buffer statuses, EaSize wherever it is reported, EAs given to a
 * create, and the access checks. */
#include "t/pvfs-util.h"

#include <errno.h>
#include <sys/xattr.h>

#include "drivers/pvfs/pvfs_private.h"
#include "lib/buf.h"

static struct pvfs_volume *vol;
static struct access_token *alice;

/* A FILE_FULL_EA_INFORMATION chain builder: entries 4-aligned, as clients
 * send them. */
struct chain {
    struct buf b;
    size_t prev;
};

static void chain_init(struct chain *c)
{
    buf_init(&c->b);
    c->prev = SIZE_MAX;
}

static void chain_add(struct chain *c, const char *name, const char *value)
{
    wr_align(&c->b, 4);
    if (c->prev != SIZE_MAX)
        wr_put_u32_at(&c->b, c->prev, (uint32_t)(c->b.len - c->prev));
    c->prev = c->b.len;
    wr_u32(&c->b, 0);
    wr_u8(&c->b, 0);
    wr_u8(&c->b, (uint8_t)strlen(name));
    wr_u16(&c->b, (uint16_t)strlen(value));
    wr_bytes(&c->b, name, strlen(name) + 1);
    wr_bytes(&c->b, value, strlen(value));
}

/* A FILE_GET_EA_INFORMATION chain of the names. */
static void get_list(struct buf *b, const char *const *names, size_t count)
{
    size_t prev = SIZE_MAX;
    buf_init(b);
    for (size_t i = 0; i < count; i++) {
        wr_align(b, 4);
        if (prev != SIZE_MAX)
            wr_put_u32_at(b, prev, (uint32_t)(b->len - prev));
        prev = b->len;
        wr_u32(b, 0);
        wr_u8(b, (uint8_t)strlen(names[i]));
        wr_bytes(b, names[i], strlen(names[i]) + 1);
    }
}

static NTSTATUS set_eas(struct pvfs_file *f, struct chain *c)
{
    return pvfs_set_information(f, FileFullEaInformation, c->b.data, (uint32_t)c->b.len);
}

static struct pvfs_file *open_with(const char *path, uint32_t access, uint32_t disposition,
                                   const void *eas, size_t ea_size, NTSTATUS *status)
{
    struct pvfs_create_args a = args_of(path, access, SHARE_ALL, disposition, 0);
    a.ea_buffer = eas;
    a.ea_size = ea_size;
    struct pvfs_file *f = NULL;
    uint32_t action;
    *status = pvfs_create(vol, alice, &a, &f, &action);
    return f;
}

/* The entries of a FILE_FULL_EA_INFORMATION answer as "NAME=value;..." */
static char *describe(const uint8_t *p, uint32_t n)
{
    static char out[4096];
    size_t o = 0;
    struct buf_reader all;
    rd_init(&all, p, n);
    size_t at = 0;
    out[0] = 0;
    for (int i = 0; i < 64; i++) {
        struct buf_reader r = rd_sub(&all, at, n - at);
        uint32_t next = rd_u32(&r);
        rd_u8(&r);
        uint8_t nl = rd_u8(&r);
        uint16_t vl = rd_u16(&r);
        const uint8_t *name = rd_bytes(&r, nl + 1u);
        const uint8_t *value = rd_bytes(&r, vl);
        if (!rd_ok(&r))
            return "(malformed)";
        o += (size_t)snprintf(out + o, sizeof out - o, "%.*s=%.*s;", (int)nl, (const char *)name,
                              (int)vl, (const char *)value);
        if (next == 0 || o >= sizeof out)
            break;
        if (next % 4)
            return "(misaligned)";
        at += next;
    }
    return out;
}

static void parsing(void)
{
    struct pvfs_ea_list l;
    struct chain c;
    uint32_t off;
    chain_init(&c);
    chain_add(&c, "One", "1");
    chain_add(&c, "second.ea", "value two");
    is_int(pvfs_ea_parse_full(c.b.data, c.b.len, &l, &off), STATUS_SUCCESS, "parse: two entries");
    ok(l.count == 2 && strcmp(l.items[1].name, "second.ea") == 0 && l.items[1].value_length == 9 &&
       memcmp(l.items[1].value, "value two", 9) == 0, "  names and values");
    pvfs_ea_list_free(&l);

    uint8_t raw[64];
    memcpy(raw, c.b.data, c.b.len);
    size_t len = c.b.len;
    /* NextEntryOffset not a multiple of 4. */
    le32_store(raw, 13);
    is_int(pvfs_ea_parse_full(raw, len, &l, &off), STATUS_EA_LIST_INCONSISTENT,
           "misaligned NextEntryOffset: EA_LIST_INCONSISTENT");
    /* NextEntryOffset inside its own entry. */
    le32_store(raw, 4);
    is_int(pvfs_ea_parse_full(raw, len, &l, &off), STATUS_EA_LIST_INCONSISTENT,
           "NextEntryOffset inside the entry");
    /* ... or past the end. */
    le32_store(raw, 0x7FFFFFFC);
    is_int(pvfs_ea_parse_full(raw, len, &l, &off), STATUS_EA_LIST_INCONSISTENT,
           "NextEntryOffset past the end");
    le32_store(raw, 0xFFFFFFFC);
    is_int(pvfs_ea_parse_full(raw, len, &l, &off), STATUS_EA_LIST_INCONSISTENT,
           "NextEntryOffset that wraps");
    memcpy(raw, c.b.data, len);
    /* A value longer than the buffer. */
    le16_store(raw + 6, 200);
    is_int(pvfs_ea_parse_full(raw, len, &l, &off), STATUS_EA_LIST_INCONSISTENT,
           "value past the end");
    memcpy(raw, c.b.data, len);
    /* The name's NUL replaced. */
    raw[8 + 3] = 'x';
    is_int(pvfs_ea_parse_full(raw, len, &l, &off), STATUS_EA_LIST_INCONSISTENT,
           "name without its NUL");
    memcpy(raw, c.b.data, len);
    /* A second entry cut short: its offset is reported. */
    is_int(pvfs_ea_parse_full(raw, len - 3, &l, &off), STATUS_EA_LIST_INCONSISTENT,
           "second entry cut short");
    is_int(off, le32_load(c.b.data), "  error offset: the second entry");
    is_int(pvfs_ea_parse_full(raw, 0, &l, &off), STATUS_EA_LIST_INCONSISTENT,
           "empty buffer");
    is_int(pvfs_ea_parse_full(raw, 7, &l, &off), STATUS_EA_LIST_INCONSISTENT,
           "shorter than a header");
    /* Bad names and flags. */
    raw[8] = '*';
    is_int(pvfs_ea_parse_full(raw, len, &l, &off), STATUS_INVALID_EA_NAME, "name with '*'");
    raw[8] = 0x07;
    is_int(pvfs_ea_parse_full(raw, len, &l, &off), STATUS_INVALID_EA_NAME,
           "name with a control character");
    memcpy(raw, c.b.data, len);
    raw[4] = 0x01;
    is_int(pvfs_ea_parse_full(raw, len, &l, &off), STATUS_INVALID_EA_NAME, "unknown flag");
    raw[4] = 0x80;
    is_int(pvfs_ea_parse_full(raw, len, &l, &off), STATUS_SUCCESS, "FILE_NEED_EA accepted");
    pvfs_ea_list_free(&l);
    memcpy(raw, c.b.data, len);
    raw[5] = 0;
    raw[8] = 0;
    le32_store(raw, 0);
    is_int(pvfs_ea_parse_full(raw, 10, &l, &off), STATUS_INVALID_EA_NAME, "empty name");
    /* A chain whose entries point at each other cannot loop: offsets only
     * go forward. A long chain of minimal entries parses in bounded time. */
    struct chain many;
    chain_init(&many);
    for (int i = 0; i < 1000; i++)
        chain_add(&many, "A", "v");
    is_int(pvfs_ea_parse_full(many.b.data, many.b.len, &l, &off), STATUS_SUCCESS,
           "1000 entries (duplicates allowed)");
    is_int((long long)l.count, 1000, "  all of them");
    pvfs_ea_list_free(&l);
    buf_free(&many.b);
    buf_free(&c.b);

    const char *names[] = { "eaone", "SecondEA" };
    struct buf g;
    get_list(&g, names, 2);
    is_int(pvfs_ea_parse_get(g.data, g.len, &l, &off), STATUS_SUCCESS, "get list: two names");
    ok(l.count == 2 && strcmp(l.items[0].name, "eaone") == 0, "  names");
    pvfs_ea_list_free(&l);
    is_int(pvfs_ea_parse_get(g.data, 3, &l, &off), STATUS_EA_LIST_INCONSISTENT,
           "get list cut short");
    buf_free(&g);

    ok(pvfs_xattr_is_private("user.DOSATTRIB") && pvfs_xattr_is_private("user.dosattrib") &&
       pvfs_xattr_is_private("user.DosStream.x:$DATA") &&
       pvfs_xattr_is_private("security.NTACL") && pvfs_xattr_is_private("user.NTACL") &&
       pvfs_xattr_is_private("user.samewise.ChangeTime") &&
       !pvfs_xattr_is_private("user.MyEA"), "Samba's and our own xattrs are private");
}

/* The spelling of name with its letters changed by how: 0 as is, 1 lower,
 * 2 upper, 3 alternating. */
static const char *spelled(const char *name, int how)
{
    static char out[300];
    size_t i = 0;
    for (; name[i] && i + 1 < sizeof out; i++) {
        char c = name[i];
        bool up = how == 2 || (how == 3 && i % 2 == 0);
        if (how && c >= 'a' && c <= 'z' && up)
            c = (char)(c - 'a' + 'A');
        else if (how && c >= 'A' && c <= 'Z' && !up)
            c = (char)(c - 'A' + 'a');
        out[i] = c;
    }
    out[i] = 0;
    return out;
}

static NTSTATUS set_one(struct pvfs_file *f, const char *name, const char *value)
{
    struct chain c;
    chain_init(&c);
    chain_add(&c, name, value);
    NTSTATUS st = set_eas(f, &c);
    buf_free(&c.b);
    return st;
}

/* No EA name reaches an xattr pvfs keeps for itself, in any case, whether
 * descriptors live in security.NTACL (root) or user.NTACL (not root): the
 * hole where FILE_WRITE_EA on a file let a user replace its descriptor. */
static void private_names(void)
{
    NTSTATUS st;
    struct pvfs_file *f = open_with("private.txt", FILE_GENERIC_READ | FILE_GENERIC_WRITE,
                                    FILE_CREATE, NULL, 0, &st);
    is_int(st, STATUS_SUCCESS, "private names: a file");
    if (!f)
        return;

    /* Both homes of the descriptor are private, whichever this process uses. */
    ok(strcmp(pvfs_xattr_ntacl_name_for(true), "security.NTACL") == 0 &&
       strcmp(pvfs_xattr_ntacl_name_for(false), "user.NTACL") == 0,
       "descriptors: security.NTACL as root, user.NTACL otherwise");
    ok(pvfs_xattr_is_private(pvfs_xattr_ntacl_name_for(true)) &&
       pvfs_xattr_is_private(pvfs_xattr_ntacl_name_for(false)),
       "  both are private, root or not");
    ok(pvfs_xattr_is_private(pvfs_xattr_ntacl_name()), "  and the one this process uses");

    /* Every listed user.* name (a family: one member of it), in four
     * spellings: refused by the mapping and by a real set, and nothing
     * stored under any spelling. */
    char xname[300];
    size_t checked = 0, refused = 0, untouched = 0;
    const struct pvfs_private_xattr *p;
    for (size_t i = 0; (p = pvfs_private_xattr_at(i)); i++) {
        const char *x = p->name;
        if (strncmp(x, "user.", 5) != 0)
            continue; /* an EA is always user.NAME: security.* is out of reach anyway */
        char ea[256];
        snprintf(ea, sizeof ea, "%s%s", x + 5, p->prefix ? "x" : "");
        for (int how = 0; how < 4; how++) {
            const char *name = spelled(ea, how);
            checked++;
            if (pvfs_ea_xattr_name(name, xname, sizeof xname) == STATUS_ACCESS_DENIED &&
                set_one(f, name, "evil") == STATUS_ACCESS_DENIED)
                refused++;
            else
                diag("EA %s was not refused", name);
            char disk[320];
            snprintf(disk, sizeof disk, "user.%s", name);
            char v[16];
            ssize_t n = getxattr(on_disk("private.txt"), disk, v, sizeof v);
            if (n != 4 || memcmp(v, "evil", 4) != 0)
                untouched++;
            else
                diag("EA %s reached %s", name, disk);
        }
    }
    ok(checked >= 4 * 8, "every private user.* xattr tried in four spellings (%zu)", checked);
    is_int((long)refused, (long)checked, "  each refused with ACCESS_DENIED");
    is_int((long)untouched, (long)checked, "  and none written");

    /* The names of the issue, explicitly. */
    static const char *const issue[] = { "NTACL", "ntacl", "NtAcl", "DOSATTRIB", "dosattrib",
                                         "DosAttrib", "SAMBA_PAI", "samewise.ChangeTime",
                                         "SAMEWISE.anything", "DosStream.x", "dosstream.X" };
    for (size_t i = 0; i < sizeof issue / sizeof issue[0]; i++)
        is_int(set_one(f, issue[i], "evil"), STATUS_ACCESS_DENIED, "EA %s: ACCESS_DENIED",
               issue[i]);

    /* The attack: FILE_WRITE_EA on a file, an EA NTACL holding another
     * file's descriptor (here: the directory's, which differs). The
     * file's descriptor stays what it was, under both names. */
    uint8_t *before = NULL, *after = NULL;
    size_t before_len = 0, after_len = 0;
    is_int(pvfs_security_read(f->fd, &before, &before_len), STATUS_SUCCESS, "read the descriptor");
    char stored[4096];
    ssize_t have_root = getxattr(on_disk("private.txt"), "security.NTACL", stored, sizeof stored);
    ssize_t have_user = getxattr(on_disk("private.txt"), "user.NTACL", stored, sizeof stored);
    ok(have_root > 0 || have_user > 0, "  it is stored (as %s)", pvfs_xattr_ntacl_name());
    char forged[4096];
    ssize_t forged_len = getxattr(scratch_root, pvfs_xattr_ntacl_name(), forged, sizeof forged);
    if (forged_len <= 0) {
        /* The share root has no stored descriptor: forge one from the file's
         * own, which is as damaging once it is the target's. */
        forged_len = have_user > 0 ? have_user : have_root;
        memcpy(forged, stored, (size_t)forged_len);
    }
    struct chain c;
    chain_init(&c);
    wr_align(&c.b, 4);
    wr_u32(&c.b, 0);
    wr_u8(&c.b, 0);
    wr_u8(&c.b, 5);
    wr_u16(&c.b, (uint16_t)forged_len);
    wr_bytes(&c.b, "NTACL", 6);
    wr_bytes(&c.b, forged, (size_t)forged_len);
    is_int(set_eas(f, &c), STATUS_ACCESS_DENIED, "EA NTACL with a descriptor: ACCESS_DENIED");
    buf_free(&c.b);
    is_int(pvfs_security_read(f->fd, &after, &after_len), STATUS_SUCCESS, "  read it again");
    ok(before_len == after_len && memcmp(before, after, before_len) == 0,
       "  the file's descriptor is unchanged");
    ok(getxattr(on_disk("private.txt"), "user.NTACL", stored, sizeof stored) == have_user,
       "  user.NTACL is as it was");
    free(before);
    free(after);

    /* The rule is not wider than the list: neighbours are ordinary EAs. */
    is_int(set_one(f, "NTACLX", "1"), STATUS_SUCCESS, "EA NTACLX is an ordinary EA");
    is_int(set_one(f, "samewiseX", "1"), STATUS_SUCCESS, "EA samewiseX too");
    is_int(set_one(f, "DOSATTRIB2", "1"), STATUS_SUCCESS, "EA DOSATTRIB2 too");

    /* A private name in another case put on disk by someone else is no EA. */
    setxattr(on_disk("private.txt"), "user.ntacl", "x", 1, 0);
    setxattr(on_disk("private.txt"), "user.DosAttrib", "x", 1, 0);
    uint8_t buf[512];
    uint32_t w;
    pvfs_query_ea(f, buf, sizeof buf, false, NULL, 0, NULL, true, &w);
    is_str(describe(buf, w), "DOSATTRIB2=1;NTACLX=1;SAMEWISEX=1;",
           "  and user.ntacl, user.DosAttrib are never listed");

    /* Asked for by name, a private xattr reads as an EA that is not there. */
    const char *asked[] = { "NTACL", "DOSATTRIB", "DosStream.x" };
    struct buf g;
    get_list(&g, asked, 3);
    is_int(pvfs_query_ea(f, buf, sizeof buf, false, g.data, (uint32_t)g.len, NULL, true, &w),
           STATUS_SUCCESS, "query EAs NTACL, DOSATTRIB, DosStream.x by name");
    is_str(describe(buf, w), "NTACL=;DOSATTRIB=;DOSSTREAM.X=;", "  all empty: nothing private is read");
    buf_free(&g);

    /* A stream name always stays inside the stream family. */
    static const char *const streams[] = { "NTACL", "x", "..", "DOSATTRIB" };
    bool in_family = true;
    for (size_t i = 0; i < sizeof streams / sizeof streams[0]; i++) {
        char *x = pvfs_stream_xattr_name(streams[i]);
        in_family = in_family && x && strncmp(x, "user.DosStream.", 15) == 0 &&
                    pvfs_xattr_is_private(x);
        free(x);
    }
    ok(in_family, "stream names map inside user.DosStream.* (private), whatever they are");

    /* pvfs's own writes go through the list: a name missing from it fails. */
    errno = 0;
    ok(pvfs_private_xattr_set(f->fd, "user.MyEA", "x", 1, 0) == -1 && errno == EPERM,
       "writing an unlisted name as a private xattr is refused (EPERM)");
    ok(pvfs_private_xattr_set(f->fd, PVFS_XATTR_SAMEWISE_PREFIX "Test", "x", 1, 0) == 0,
       "  a listed one is written");
    pvfs_close(f);
}

static void storage(void)
{
    struct chain c;
    chain_init(&c);
    chain_add(&c, "EaOne", "VALUE1");
    chain_add(&c, "SECONDEA", "ValueTwo");
    NTSTATUS st;
    struct pvfs_file *f = open_with("eas.txt", FILE_GENERIC_READ | FILE_GENERIC_WRITE,
                                    FILE_CREATE, c.b.data, c.b.len, &st);
    is_int(st, STATUS_SUCCESS, "create with an EA buffer");
    char v[64];
    ssize_t n = getxattr(on_disk("eas.txt"), "user.EaOne", v, sizeof v);
    ok(n == 6 && memcmp(v, "VALUE1", 6) == 0, "  stored as user.EaOne (the client's spelling)");
    n = getxattr(on_disk("eas.txt"), "user.SECONDEA", v, sizeof v);
    ok(n == 8 && memcmp(v, "ValueTwo", 8) == 0, "  and user.SECONDEA");
    ok(getxattr(on_disk("eas.txt"), "user.DOSATTRIB", v, sizeof v) > 0,
       "  Samba's own xattrs are there too");

    uint8_t buf[512];
    uint32_t w;
    is_int(pvfs_query_ea(f, buf, sizeof buf, false, NULL, 0, NULL, true, &w), STATUS_SUCCESS,
           "query all");
    is_str(describe(buf, w), "EAONE=VALUE1;SECONDEA=ValueTwo;",
       "  both, upper-cased, no Samba xattrs");
    is_int(w, 20 + 25, "  the last entry unpadded");
    /* EaSize: 4 + name + 1 + value per EA, plus 4 ([MS-FSA] 2.1.5.12.10). */
    uint32_t ea_size = (4 + 5 + 1 + 6) + (4 + 8 + 1 + 8) + 4;
    is_int(pvfs_query_information(f, FileEaInformation, buf, sizeof buf, &w), STATUS_SUCCESS,
           "FileEaInformation");
    is_int(le32_load(buf), ea_size, "  EaSize 41");
    pvfs_query_information(f, FileAllInformation, buf, sizeof buf, &w);
    is_int(le32_load(buf + 72), ea_size, "  FileAllInformation's EaSize matches");

    /* A directory listing reports the same EaSize. */
    struct pvfs_file *root = NULL;
    open_file(vol, alice, "", FILE_LIST_DIRECTORY, SHARE_ALL, FILE_OPEN, FILE_DIRECTORY_FILE,
              &root, NULL);
    static const struct {
        uint32_t cls;
        size_t at;
    } dir[] = { { FileFullDirectoryInformation, 64 }, { FileIdFullDirectoryInformation, 64 },
                { FileBothDirectoryInformation, 64 }, { FileIdBothDirectoryInformation, 64 } };
    for (size_t i = 0; i < sizeof dir / sizeof dir[0]; i++) {
        uint8_t d[512];
        is_int(pvfs_query_directory(root, dir[i].cls, "eas.txt", SL_RESTART_SCAN, d, sizeof d, &w),
               STATUS_SUCCESS, "directory class %u", dir[i].cls);
        is_int(le32_load(d + 64), ea_size, "  EaSize matches");
    }
    pvfs_close(root);

    /* Set: a new EA, a changed one under another spelling, a deletion. */
    struct chain s;
    chain_init(&s);
    chain_add(&s, "third", "3");
    chain_add(&s, "eaone", "changed");
    chain_add(&s, "secondea", "");
    is_int(set_eas(f, &s), STATUS_SUCCESS, "set three at once");
    buf_free(&s.b);
    n = getxattr(on_disk("eas.txt"), "user.EaOne", v, sizeof v);
    ok(n == 7 && memcmp(v, "changed", 7) == 0, "  the existing spelling was rewritten");
    ok(getxattr(on_disk("eas.txt"), "user.eaone", v, sizeof v) < 0, "  no second xattr");
    ok(getxattr(on_disk("eas.txt"), "user.SECONDEA", v, sizeof v) < 0, "  the deleted one is gone");
    pvfs_query_ea(f, buf, sizeof buf, false, NULL, 0, NULL, true, &w);
    is_str(describe(buf, w), "EAONE=changed;THIRD=3;", "  query shows the result");

    /* Deleting what is not there succeeds; an empty EA is never stored. */
    chain_init(&s);
    chain_add(&s, "NotThere", "");
    is_int(set_eas(f, &s), STATUS_SUCCESS, "deleting a missing EA succeeds");
    buf_free(&s.b);

    /* Samba's xattrs cannot be reached as EAs. */
    chain_init(&s);
    chain_add(&s, "DOSATTRIB", "x");
    is_int(set_eas(f, &s), STATUS_ACCESS_DENIED, "setting DOSATTRIB: ACCESS_DENIED");
    buf_free(&s.b);
    chain_init(&s);
    chain_add(&s, "ok", "1");
    chain_add(&s, "DosStream.evil:$DATA", "x");
    is_int(set_eas(f, &s), STATUS_INVALID_EA_NAME, "a stream xattr name is not even valid");
    ok(getxattr(on_disk("eas.txt"), "user.ok", v, sizeof v) < 0, "  and nothing of the set happened");
    buf_free(&s.b);
    chain_init(&s);
    chain_add(&s, "ok", "1");
    chain_add(&s, "samewise.ChangeTime", "x");
    is_int(set_eas(f, &s), STATUS_ACCESS_DENIED, "our own user.samewise.*: ACCESS_DENIED");
    ok(getxattr(on_disk("eas.txt"), "user.ok", v, sizeof v) < 0, "  nothing of the set happened");
    buf_free(&s.b);
    /* xattrs made by others: outside user.*, invalid names, empty values. */
    setxattr(on_disk("eas.txt"), "user.bad*name", "x", 1, 0);
    setxattr(on_disk("eas.txt"), "user.empty", "", 0, 0);
    setxattr(on_disk("eas.txt"), "user.SAMBA_PAI", "x", 1, 0);
    pvfs_query_ea(f, buf, sizeof buf, false, NULL, 0, NULL, true, &w);
    is_str(describe(buf, w), "EAONE=changed;THIRD=3;", "  foreign and private xattrs stay hidden");

    /* Too large: refused before any change. */
    static char big[40000];
    memset(big, 'b', sizeof big - 1);
    chain_init(&s);
    chain_add(&s, "big1", big);
    chain_add(&s, "big2", big);
    is_int(set_eas(f, &s), STATUS_EA_TOO_LARGE, "more than 64 KiB of EAs: EA_TOO_LARGE");
    ok(getxattr(on_disk("eas.txt"), "user.big1", v, 0) < 0, "  nothing was stored");
    buf_free(&s.b);
    static char half[30000];
    memset(half, 'h', sizeof half - 1);
    chain_init(&s);
    chain_add(&s, "half1", half);
    NTSTATUS fits = set_eas(f, &s);
    buf_free(&s.b);
    if (fits == STATUS_EA_TOO_LARGE) {
        /* ext4 without ea_inode: one block for all xattrs. */
        ok(getxattr(on_disk("eas.txt"), "user.half1", v, 0) < 0,
           "30000 bytes do not fit this file system: EA_TOO_LARGE, nothing stored");
        skip(3, "the file system keeps less than 64 KiB of xattrs");
    } else {
        is_int(fits, STATUS_SUCCESS, "30000 bytes fit");
        chain_init(&s);
        chain_add(&s, "half2", half);
        chain_add(&s, "half3", half);
        is_int(set_eas(f, &s), STATUS_EA_TOO_LARGE, "  another 60000 with it do not");
        ok(getxattr(on_disk("eas.txt"), "user.half2", v, 0) < 0, "  and none of them was stored");
        buf_free(&s.b);
        chain_init(&s);
        chain_add(&s, "half1", "");
        is_int(set_eas(f, &s), STATUS_SUCCESS, "  deleted again");
        buf_free(&s.b);
    }
    /* A hostile set: thousands of deletions (the work it costs is bounded
     * by the size limit, checked first). */
    chain_init(&s);
    for (int i = 0; i < 20000; i++) {
        char name[16];
        snprintf(name, sizeof name, "d%d", i);
        chain_add(&s, name, "");
    }
    is_int(set_eas(f, &s), STATUS_EA_TOO_LARGE, "20000 deletions at once: EA_TOO_LARGE");
    buf_free(&s.b);

    /* Malformed set buffers. */
    is_int(pvfs_set_information(f, FileFullEaInformation, c.b.data, 5),
           STATUS_EA_LIST_INCONSISTENT, "set with a cut buffer: EA_LIST_INCONSISTENT");
    pvfs_close(f);
    buf_free(&c.b);
}

static void queries(void)
{
    struct chain c;
    chain_init(&c);
    chain_add(&c, "A1", "x");      /* 8+2+1+1 = 12 */
    chain_add(&c, "B22", "yy");    /* 8+3+1+2 = 14 -> 16 padded */
    chain_add(&c, "C333", "zzz");  /* 8+4+1+3 = 16 */
    NTSTATUS st;
    struct pvfs_file *f = open_with("q.txt", FILE_GENERIC_READ | FILE_GENERIC_WRITE, FILE_CREATE,
                                    c.b.data, c.b.len, &st);
    buf_free(&c.b);
    uint8_t buf[512];
    uint32_t w;
    is_int(pvfs_query_ea(f, buf, sizeof buf, false, NULL, 0, NULL, true, &w), STATUS_SUCCESS,
           "scan all");
    is_str(describe(buf, w), "A1=x;B22=yy;C333=zzz;", "  three");
    is_int(w, 12 + 16 + 16 + 4 - 4, "  44 bytes: padded between entries only");
    is_int(pvfs_query_ea(f, buf, sizeof buf, false, NULL, 0, NULL, false, &w), STATUS_NO_MORE_EAS,
           "scan again without restart: NO_MORE_EAS");
    /* Single entries walk the list. */
    const char *want[] = { "A1=x;", "B22=yy;", "C333=zzz;" };
    for (int i = 0; i < 3; i++) {
        is_int(pvfs_query_ea(f, buf, sizeof buf, true, NULL, 0, NULL, i == 0, &w), STATUS_SUCCESS,
               "single entry %d", i + 1);
        is_str(describe(buf, w), want[i], "  %s", want[i]);
    }
    is_int(pvfs_query_ea(f, buf, sizeof buf, true, NULL, 0, NULL, false, &w),
           STATUS_NO_MORE_EAS, "then NO_MORE_EAS");
    /* Small buffers. */
    is_int(pvfs_query_ea(f, buf, 11, false, NULL, 0, NULL, true, &w), STATUS_BUFFER_TOO_SMALL,
           "buffer too small for the first entry: BUFFER_TOO_SMALL");
    is_int(w, 0, "  nothing returned");
    is_int(pvfs_query_ea(f, buf, 30, false, NULL, 0, NULL, true, &w), STATUS_BUFFER_OVERFLOW,
           "room for two: BUFFER_OVERFLOW");
    is_str(describe(buf, w), "A1=x;B22=yy;", "  the two that fit");
    is_int(pvfs_query_ea(f, buf, sizeof buf, false, NULL, 0, NULL, false, &w), STATUS_SUCCESS,
           "the next call goes on");
    is_str(describe(buf, w), "C333=zzz;", "  with the third");
    /* Index. */
    uint32_t idx = 2;
    is_int(pvfs_query_ea(f, buf, sizeof buf, false, NULL, 0, &idx, false, &w), STATUS_SUCCESS,
           "index 2");
    is_str(describe(buf, w), "B22=yy;C333=zzz;", "  from the second");
    idx = 4;
    is_int(pvfs_query_ea(f, buf, sizeof buf, false, NULL, 0, &idx, false, &w),
           STATUS_NO_MORE_EAS, "index one past the end: NO_MORE_EAS");
    idx = 5;
    is_int(pvfs_query_ea(f, buf, sizeof buf, false, NULL, 0, &idx, false, &w),
           STATUS_NONEXISTENT_EA_ENTRY, "index beyond: NONEXISTENT_EA_ENTRY");
    idx = 0;
    is_int(pvfs_query_ea(f, buf, sizeof buf, false, NULL, 0, &idx, false, &w),
           STATUS_NONEXISTENT_EA_ENTRY, "index 0: NONEXISTENT_EA_ENTRY");
    /* A named list. */
    const char *names[] = { "c333", "missing", "a1" };
    struct buf g;
    get_list(&g, names, 3);
    is_int(pvfs_query_ea(f, buf, sizeof buf, false, g.data, (uint32_t)g.len, NULL, false, &w),
           STATUS_SUCCESS, "named list");
    is_str(describe(buf, w), "C333=zzz;MISSING=;A1=x;", "  in the order asked, a missing one empty");
    is_int(pvfs_query_ea(f, buf, sizeof buf, true, g.data, (uint32_t)g.len, NULL, false, &w),
           STATUS_SUCCESS, "named list, single entry");
    is_str(describe(buf, w), "C333=zzz;", "  the first only");
    is_int(pvfs_query_ea(f, buf, 20, false, g.data, (uint32_t)g.len, NULL, false, &w),
           STATUS_BUFFER_OVERFLOW, "named list, room for one: BUFFER_OVERFLOW");
    is_int(pvfs_query_ea(f, buf, sizeof buf, false, g.data, 7, NULL, false, &w),
           STATUS_EA_LIST_INCONSISTENT, "malformed list: EA_LIST_INCONSISTENT");
    buf_free(&g);
    /* FileFullEaInformation through query information: a scan on. */
    is_int(pvfs_query_information(f, FileFullEaInformation, buf, sizeof buf, &w),
           STATUS_NO_MORE_EAS, "query information continues the scan (exhausted)");
    pvfs_close(f);

    /* No EAs. */
    struct pvfs_file *g2 = open_with("none.txt", FILE_GENERIC_READ | FILE_GENERIC_WRITE,
                                     FILE_CREATE, NULL, 0, &st);
    is_int(pvfs_query_ea(g2, buf, sizeof buf, false, NULL, 0, NULL, true, &w),
           STATUS_NO_EAS_ON_FILE, "a file without EAs: NO_EAS_ON_FILE");
    pvfs_query_information(g2, FileEaInformation, buf, sizeof buf, &w);
    is_int(le32_load(buf), 0, "  EaSize 0");
    pvfs_close(g2);

    /* Access: FILE_READ_EA and FILE_WRITE_EA. */
    struct pvfs_file *ro = NULL;
    open_file(vol, alice, "q.txt", FILE_READ_DATA | FILE_READ_ATTRIBUTES, SHARE_ALL, FILE_OPEN, 0,
              &ro, NULL);
    is_int(pvfs_query_ea(ro, buf, sizeof buf, false, NULL, 0, NULL, true, &w),
           STATUS_ACCESS_DENIED, "query without FILE_READ_EA: ACCESS_DENIED");
    is_int(pvfs_query_information(ro, FileEaInformation, buf, sizeof buf, &w), STATUS_SUCCESS,
           "  FileEaInformation needs no right");
    chain_init(&c);
    chain_add(&c, "x", "y");
    is_int(set_eas(ro, &c), STATUS_ACCESS_DENIED, "set without FILE_WRITE_EA: ACCESS_DENIED");
    pvfs_close(ro);
    struct pvfs_file *ea_only = NULL;
    open_file(vol, alice, "q.txt", FILE_READ_EA | FILE_WRITE_EA, SHARE_ALL, FILE_OPEN, 0, &ea_only,
              NULL);
    is_int(set_eas(ea_only, &c), STATUS_SUCCESS, "FILE_WRITE_EA alone sets");
    is_int(pvfs_query_ea(ea_only, buf, sizeof buf, false, NULL, 0, NULL, true, &w),
           STATUS_SUCCESS, "FILE_READ_EA alone queries");
    pvfs_close(ea_only);
    buf_free(&c.b);
}

static void create_and_overwrite(void)
{
    NTSTATUS st;
    uint8_t bad[12] = { 0 };
    bad[5] = 200; /* a name longer than the buffer */
    struct pvfs_file *f = open_with("bad.txt", FILE_GENERIC_WRITE, FILE_CREATE, bad, sizeof bad,
                                    &st);
    is_int(st, STATUS_EA_LIST_INCONSISTENT, "create with a malformed EA buffer fails");
    ok(!f && access(on_disk("bad.txt"), F_OK) != 0, "  and makes no file");
    struct chain c;
    chain_init(&c);
    chain_add(&c, "DOSATTRIB", "evil");
    f = open_with("bad.txt", FILE_GENERIC_WRITE, FILE_CREATE, c.b.data, c.b.len, &st);
    is_int(st, STATUS_ACCESS_DENIED, "create setting a Samba xattr fails");
    ok(!f && access(on_disk("bad.txt"), F_OK) != 0, "  and leaves no file");
    buf_free(&c.b);

    chain_init(&c);
    chain_add(&c, "Old", "1");
    f = open_with("ow.txt", FILE_GENERIC_WRITE, FILE_CREATE, c.b.data, c.b.len, &st);
    pvfs_close(f);
    buf_free(&c.b);
    chain_init(&c);
    chain_add(&c, "Ignored", "1");
    f = open_with("ow.txt", FILE_GENERIC_READ, FILE_OPEN, c.b.data, c.b.len, &st);
    is_int(st, STATUS_SUCCESS, "open of an existing file with EAs");
    pvfs_close(f);
    char v[16];
    ok(getxattr(on_disk("ow.txt"), "user.Ignored", v, sizeof v) < 0 &&
       getxattr(on_disk("ow.txt"), "user.Old", v, sizeof v) == 1, "  leaves the EAs alone");
    buf_free(&c.b);
    chain_init(&c);
    chain_add(&c, "New", "2");
    f = open_with("ow.txt", FILE_GENERIC_WRITE, FILE_OVERWRITE_IF, c.b.data, c.b.len, &st);
    is_int(st, STATUS_SUCCESS, "overwrite with EAs");
    pvfs_close(f);
    ok(getxattr(on_disk("ow.txt"), "user.Old", v, sizeof v) < 0 &&
       getxattr(on_disk("ow.txt"), "user.New", v, sizeof v) == 1, "  replaces the file's EAs");
    ok(getxattr(on_disk("ow.txt"), "user.DOSATTRIB", v, 0) > 0, "  but not Samba's xattrs");
    buf_free(&c.b);

    /* EAs on a directory. */
    chain_init(&c);
    chain_add(&c, "DirEa", "d");
    struct pvfs_create_args a = args_of("eadir", FILE_GENERIC_READ | FILE_GENERIC_WRITE, SHARE_ALL,
                                        FILE_CREATE, FILE_DIRECTORY_FILE);
    a.ea_buffer = c.b.data;
    a.ea_size = c.b.len;
    uint32_t action;
    is_int(pvfs_create(vol, alice, &a, &f, &action), STATUS_SUCCESS, "a directory with an EA");
    uint8_t buf[128];
    uint32_t w;
    pvfs_query_ea(f, buf, sizeof buf, false, NULL, 0, NULL, true, &w);
    is_str(describe(buf, w), "DIREA=d;", "  reads back");
    pvfs_close(f);
    buf_free(&c.b);
}

/* smb2.getinfo.qfile_buffercheck's rule for every class it tries: below
 * the fixed size STATUS_INFO_LENGTH_MISMATCH, then STATUS_BUFFER_OVERFLOW
 * up to the full size. */
static void buffercheck(void)
{
    static const struct {
        uint32_t cls, fixed;
    } levels[] = { { 4, 40 },  { 5, 24 },  { 6, 8 },   { 7, 4 },   { 8, 4 },   { 16, 4 },  { 17, 4 },
                   { 18, 104 }, { 22, 32 }, { 28, 16 }, { 34, 56 }, { 35, 8 } };
    struct pvfs_file *f = NULL;
    open_file(vol, alice, "eas.txt", FILE_GENERIC_READ, SHARE_ALL, FILE_OPEN, 0, &f, NULL);
    for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++) {
        uint8_t buf[1024];
        uint32_t full = 0, w;
        NTSTATUS st = pvfs_query_information(f, levels[i].cls, buf, sizeof buf, &full);
        bool good = st == STATUS_SUCCESS;
        for (uint32_t len = 0; len <= full && good; len++) {
            st = pvfs_query_information(f, levels[i].cls, buf, len, &w);
            NTSTATUS want = len < levels[i].fixed ? STATUS_INFO_LENGTH_MISMATCH
                            : len < full          ? STATUS_BUFFER_OVERFLOW
                                                  : STATUS_SUCCESS;
            if (st != want) {
                diag("class %u length %u: %s", levels[i].cls, len, nt_status_name(st));
                good = false;
            }
        }
        ok(good, "class %u: the buffer-size rule", levels[i].cls);
    }
    pvfs_close(f);
}

int main(void)
{
    umask(0);
    const char *root = scratch_dir();
    chmod(root, 0777);
    /* Does this file system keep user xattrs at all? */
    if (setxattr(root, "user.probe", "1", 1, 0) != 0) {
        printf("1..0 # SKIP no user xattrs on %s\n", root);
        return 0;
    }
    removexattr(root, "user.probe");
    alice = make_token(ALICE);
    if (pvfs_volume_open(root, &vol) != STATUS_SUCCESS) {
        ok(0, "open the volume");
        return done_testing();
    }
    parsing();
    private_names();
    storage();
    queries();
    create_and_overwrite();
    buffercheck();
    pvfs_volume_close(vol);
    token_free(alice);
    return done_testing();
}
