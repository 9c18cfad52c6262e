/* pvfs query/set information, volume information, rename and hard links,
 * alternate data streams, and reads/writes through the file position. */
#include "t/pvfs-util.h"

#include <sys/xattr.h>
#include <time.h>

#include "lib/log.h"
#include "lib/utf16.h"

static struct pvfs_volume *vol;
static struct access_token *alice;

static struct pvfs_file *open_rw(const char *path, uint32_t disposition)
{
    struct pvfs_file *f = NULL;
    open_file(vol, alice, path, FILE_GENERIC_READ | FILE_GENERIC_WRITE | DELETE, SHARE_ALL,
              disposition, 0, &f, NULL);
    return f;
}

static NTSTATUS query(struct pvfs_file *f, uint32_t cls, uint8_t *buf, uint32_t len,
                      uint32_t *n)
{
    return f ? pvfs_query_information(f, cls, buf, len, n) : STATUS_INVALID_HANDLE;
}

static char *name_at(const uint8_t *p, uint32_t len)
{
    char *s = NULL;
    utf16le_to_utf8(p, len, &s);
    return s;
}

static void file_classes(void)
{
    struct pvfs_file *f = open_rw("info.txt", FILE_CREATE);
    uint32_t n;
    pvfs_write(f, "0123456789", 10, NULL, 0, &n);
    uint8_t buf[1024];
    static const struct {
        uint32_t cls;
        uint32_t size;
    } fixed[] = {
        { FileBasicInformation, 40 }, { FileStandardInformation, 24 },
        { FileInternalInformation, 8 }, { FileEaInformation, 4 }, { FileAccessInformation, 4 },
        { FilePositionInformation, 8 }, { FileModeInformation, 4 },
        { FileAlignmentInformation, 4 }, { FileCompressionInformation, 16 },
        { FileNetworkOpenInformation, 56 }, { FileAttributeTagInformation, 8 },
        { FileIdInformation, 24 },
    };
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
        n = 0;
        NTSTATUS st = query(f, fixed[i].cls, buf, sizeof buf, &n);
        ok(st == STATUS_SUCCESS && n == fixed[i].size, "class %u: %u bytes", fixed[i].cls,
           fixed[i].size);
        is_int(query(f, fixed[i].cls, buf, fixed[i].size - 1, &n), STATUS_INFO_LENGTH_MISMATCH,
               "  one byte short: STATUS_INFO_LENGTH_MISMATCH");
    }
    struct stat st;
    stat(on_disk("info.txt"), &st);
    query(f, FileStandardInformation, buf, sizeof buf, &n);
    ok(le64_load(buf + 8) == 10 && le32_load(buf + 16) == 1 && buf[20] == 0 && buf[21] == 0,
       "standard: size 10, one link, not pending, not a directory");
    query(f, FileInternalInformation, buf, sizeof buf, &n);
    ok(le64_load(buf) == st.st_ino, "internal: the inode number");
    query(f, FilePositionInformation, buf, sizeof buf, &n);
    is_int((long long)le64_load(buf), 10, "position: after the write");
    query(f, FileNetworkOpenInformation, buf, sizeof buf, &n);
    ok(le64_load(buf + 40) == 10 && (le32_load(buf + 48) & FILE_ATTRIBUTE_ARCHIVE),
       "network open: size and attributes");
    query(f, FileAccessInformation, buf, sizeof buf, &n);
    ok(le32_load(buf) & FILE_WRITE_DATA, "access: the granted rights");

    is_int(query(f, FileAllInformation, buf, sizeof buf, &n), STATUS_SUCCESS, "all information");
    char *name = name_at(buf + 100, le32_load(buf + 96));
    ok(n == 100 + 18 && name && strcmp(name, "\\info.txt") == 0, "  ends with the name");
    free(name);
    is_int(query(f, FileAllInformation, buf, 104, &n), STATUS_BUFFER_OVERFLOW,
           "  a short buffer cuts the name: STATUS_BUFFER_OVERFLOW");
    ok(n == 104 && le32_load(buf + 96) == 18, "  and keeps the full name length");
    n = 0;
    is_int(query(f, FileAlternateNameInformation, buf, sizeof buf, &n), STATUS_SUCCESS,
           "alternate name of an 8.3 name");
    name = name_at(buf + 4, le32_load(buf));
    is_str(name, "info.txt", "  is the name itself, as spelled");
    free(name);
    is_int(query(f, 200, buf, sizeof buf, &n), STATUS_INVALID_INFO_CLASS, "an unknown class");
    is_int(query(f, FileNormalizedNameInformation, buf, sizeof buf, &n), STATUS_SUCCESS,
           "normalized name");
    name = name_at(buf + 4, le32_load(buf));
    is_str(name, "info.txt", "  relative, without a leading backslash");
    free(name);
    struct pvfs_file *root = NULL;
    open_file(vol, alice, "", FILE_READ_ATTRIBUTES, SHARE_ALL, FILE_OPEN, 0, &root, NULL);
    n = 99;
    is_int(root ? query(root, FileNormalizedNameInformation, buf, sizeof buf, &n) : STATUS_UNSUCCESSFUL,
           STATUS_SUCCESS, "normalized name of the root");
    is_int(n, 4, "  is empty");
    pvfs_close(root);

    /* Set basic information: times and attributes. */
    uint8_t basic[40];
    memset(basic, 0, sizeof basic);
    le64_store(basic + 0, 130000000000000000ull);  /* creation */
    le64_store(basic + 16, 131000000000000000ull); /* last write */
    le32_store(basic + 32, FILE_ATTRIBUTE_HIDDEN | FILE_ATTRIBUTE_SYSTEM);
    is_int(pvfs_set_information(f, FileBasicInformation, basic, sizeof basic), STATUS_SUCCESS,
           "set basic information");
    query(f, FileBasicInformation, buf, sizeof buf, &n);
    ok(le64_load(buf) == 130000000000000000ull && le64_load(buf + 16) == 131000000000000000ull,
       "  creation and write times stick");
    is_int(le32_load(buf + 32), FILE_ATTRIBUTE_HIDDEN | FILE_ATTRIBUTE_SYSTEM, "  attributes too");
    le32_store(basic + 32, FILE_ATTRIBUTE_NORMAL);
    memset(basic, 0, 32); /* times 0: unchanged */
    pvfs_set_information(f, FileBasicInformation, basic, sizeof basic);
    query(f, FileBasicInformation, buf, sizeof buf, &n);
    ok(le32_load(buf + 32) == FILE_ATTRIBUTE_NORMAL && le64_load(buf) == 130000000000000000ull,
       "  NORMAL clears them; zero times leave times alone");
    le32_store(basic + 32, FILE_ATTRIBUTE_DIRECTORY);
    is_int(pvfs_set_information(f, FileBasicInformation, basic, sizeof basic),
           STATUS_INVALID_PARAMETER, "  a file cannot become a directory");
    is_int(pvfs_set_information(f, FileBasicInformation, basic, 39), STATUS_INFO_LENGTH_MISMATCH,
           "  a short buffer");
    uint8_t raw[64];
    ok(getxattr(on_disk("info.txt"), "user.DOSATTRIB", raw, sizeof raw) == 24 && raw[2] == 5,
       "  stored in user.DOSATTRIB, version 5");
    memset(basic, 0, sizeof basic);
    le64_store(basic + 24, 129000000000000000ull); /* change */
    is_int(pvfs_set_information(f, FileBasicInformation, basic, sizeof basic), STATUS_SUCCESS,
           "set the change time");
    query(f, FileBasicInformation, buf, sizeof buf, &n);
    ok(le64_load(buf + 24) == 129000000000000000ull, "  it reads back as set");
    ok(le64_load(buf) == 130000000000000000ull, "  and the creation time stays");
    struct timespec pause = { 0, 60 * 1000 * 1000 };
    nanosleep(&pause, NULL);
    uint32_t wrote = 0;
    uint64_t at = 0;
    pvfs_write(f, "x", 1, &at, 0, &wrote);
    query(f, FileBasicInformation, buf, sizeof buf, &n);
    ok(wrote == 1 && le64_load(buf + 24) > 129000000000000000ull,
       "  a later change of the file moves it on");

    /* End of file, allocation, position, mode. */
    uint8_t u64[8];
    le64_store(u64, 4);
    is_int(pvfs_set_information(f, FileEndOfFileInformation, u64, 8), STATUS_SUCCESS,
           "end of file 4");
    stat(on_disk("info.txt"), &st);
    is_int(st.st_size, 4, "  truncates");
    le64_store(u64, 1 << 20);
    is_int(pvfs_set_information(f, FileAllocationInformation, u64, 8), STATUS_SUCCESS,
           "allocation 1 MiB");
    query(f, FileStandardInformation, buf, sizeof buf, &n);
    ok(le64_load(buf) >= (1 << 20) && le64_load(buf + 8) == 4, "  reported, size unchanged");
    le64_store(u64, 2);
    pvfs_set_information(f, FileAllocationInformation, u64, 8);
    stat(on_disk("info.txt"), &st);
    is_int(st.st_size, 2, "an allocation below the size truncates");
    le64_store(u64, 1);
    is_int(pvfs_set_information(f, FilePositionInformation, u64, 8), STATUS_SUCCESS, "position 1");
    char c = 0;
    is_int(pvfs_read(f, &c, 1, NULL, 0, &n), STATUS_SUCCESS, "read at the position");
    is_int(c, '1', "  reads the second byte");
    is_int(pvfs_read(f, &c, 1, NULL, 0, &n), STATUS_END_OF_FILE, "  then end of file");
    uint8_t mode[4];
    le32_store(mode, FILE_WRITE_THROUGH);
    is_int(pvfs_set_information(f, FileModeInformation, mode, 4), STATUS_SUCCESS, "mode");
    query(f, FileModeInformation, buf, sizeof buf, &n);
    is_int(le32_load(buf), FILE_WRITE_THROUGH, "  reported back");
    le32_store(mode, FILE_DELETE_ON_CLOSE);
    is_int(pvfs_set_information(f, FileModeInformation, mode, 4), STATUS_INVALID_PARAMETER,
           "  a mode bit one cannot set");
    /* File system controls. */
    uint8_t range[16], out[32];
    le64_store(range, 1);
    le64_store(range + 8, 100);
    n = 0;
    is_int(pvfs_fs_control(f, FSCTL_QUERY_ALLOCATED_RANGES, range, 16, out, sizeof out, &n),
           STATUS_SUCCESS, "FSCTL_QUERY_ALLOCATED_RANGES");
    ok(n == 16 && le64_load(out) == 1 && le64_load(out + 8) == 1,
       "  one range, clipped to the end of file");
    is_int(pvfs_fs_control(f, FSCTL_GET_REPARSE_POINT, NULL, 0, out, sizeof out, &n),
           STATUS_NOT_A_REPARSE_POINT, "FSCTL_GET_REPARSE_POINT: not a reparse point");
    is_int(pvfs_fs_control(f, FSCTL_SET_REPARSE_POINT, NULL, 0, NULL, 0, &n),
           STATUS_INVALID_DEVICE_REQUEST, "FSCTL_SET_REPARSE_POINT is not supported");
    uint8_t oid[64], oid2[64], fsid[64];
    is_int(pvfs_fs_control(f, FSCTL_CREATE_OR_GET_OBJECT_ID, NULL, 0, oid, 63, &n),
           STATUS_BUFFER_TOO_SMALL, "FSCTL_CREATE_OR_GET_OBJECT_ID: 63 bytes are too few");
    n = 0;
    is_int(pvfs_fs_control(f, FSCTL_CREATE_OR_GET_OBJECT_ID, NULL, 0, oid, sizeof oid, &n),
           STATUS_SUCCESS, "FSCTL_CREATE_OR_GET_OBJECT_ID");
    pvfs_query_volume_information(f, FileFsObjectIdInformation, fsid, sizeof fsid, &n);
    ok(memcmp(oid + 16, fsid, 16) == 0 && memcmp(oid + 32, oid, 16) == 0,
       "  born on this volume, birth object id the object id");
    is_int(pvfs_fs_control(f, FSCTL_GET_OBJECT_ID, NULL, 0, oid2, sizeof oid2, &n),
           STATUS_SUCCESS, "FSCTL_GET_OBJECT_ID");
    ok(n == 64 && memcmp(oid, oid2, 64) == 0, "  the same id");
    pvfs_close(f);

    /* A directory. */
    struct pvfs_file *d = NULL;
    open_file(vol, alice, "", FILE_LIST_DIRECTORY | FILE_READ_ATTRIBUTES, SHARE_ALL, FILE_OPEN, 0,
              &d, NULL);
    query(d, FileStandardInformation, buf, sizeof buf, &n);
    ok(buf[21] == 1, "a directory says so");
    query(d, FileBasicInformation, buf, sizeof buf, &n);
    ok(le32_load(buf + 32) & FILE_ATTRIBUTE_DIRECTORY, "  and has FILE_ATTRIBUTE_DIRECTORY");
    is_int(pvfs_read(d, buf, 1, NULL, 0, &n), STATUS_INVALID_DEVICE_REQUEST,
           "  and cannot be read");
    pvfs_close(d);
}

static void volume_classes(void)
{
    struct pvfs_file *f = open_rw("vol.txt", FILE_CREATE);
    uint8_t buf[256];
    uint32_t n;
    static const struct {
        uint32_t cls;
        uint32_t size;
    } cls[] = {
        { FileFsVolumeInformation, 24 }, { FileFsSizeInformation, 24 },
        { FileFsDeviceInformation, 8 }, { FileFsAttributeInformation, 20 },
        { FileFsFullSizeInformation, 32 }, { FileFsObjectIdInformation, 64 },
        { FileFsSectorSizeInformation, 28 }, { FileFsControlInformation, 48 },
    };
    for (size_t i = 0; i < sizeof cls / sizeof cls[0]; i++) {
        n = 0;
        is_int(pvfs_query_volume_information(f, cls[i].cls, buf, sizeof buf, &n), STATUS_SUCCESS,
               "volume class %u", cls[i].cls);
        is_int(n, cls[i].size, "  %u bytes", cls[i].size);
    }
    pvfs_query_volume_information(f, FileFsAttributeInformation, buf, sizeof buf, &n);
    char *name = name_at(buf + 12, le32_load(buf + 8));
    ok(name && strcmp(name, "NTFS") == 0 && le32_load(buf + 4) == 255 &&
           (le32_load(buf) & 0x00040000),
       "attribute information: NTFS, 255-character names, named streams");
    free(name);
    pvfs_query_volume_information(f, FileFsFullSizeInformation, buf, sizeof buf, &n);
    ok(le64_load(buf) > 0 && le64_load(buf) >= le64_load(buf + 16) && le32_load(buf + 28) == 512,
       "full size: total >= free, 512-byte sectors");
    is_int(pvfs_query_volume_information(f, FileFsVolumeInformation, buf, 23, &n),
           STATUS_INFO_LENGTH_MISMATCH, "a buffer shorter than Windows' 24 bytes");
    is_int(pvfs_query_volume_information(f, FileFsAttributeInformation, buf, 15, &n),
           STATUS_INFO_LENGTH_MISMATCH, "attribute information: shorter than 16 bytes");
    is_int(pvfs_query_volume_information(f, FileFsAttributeInformation, buf, 16, &n),
           STATUS_BUFFER_OVERFLOW, "  16 bytes: the name is cut short");
    pvfs_query_volume_information(f, FileFsControlInformation, buf, sizeof buf, &n);
    ok(le64_load(buf + 24) == UINT64_MAX && le64_load(buf + 32) == UINT64_MAX &&
           le32_load(buf + 40) == 0, "control information: no quotas, no default limit");
    is_int(pvfs_query_volume_information(f, 77, buf, sizeof buf, &n), STATUS_INVALID_INFO_CLASS,
           "an unknown class");
    pvfs_close(f);
}

static NTSTATUS rename_to(struct pvfs_file *f, const char *name, bool replace, uint32_t cls)
{
    uint8_t buf[600];
    memset(buf, 0, 20);
    buf[0] = replace;
    uint8_t *u;
    size_t ul;
    utf8_to_utf16le(name, strlen(name), &u, &ul);
    le32_store(buf + 16, (uint32_t)ul);
    memcpy(buf + 20, u, ul);
    free(u);
    return pvfs_set_information(f, cls, buf, (uint32_t)(20 + ul));
}

static bool exists(const char *rel)
{
    return access(on_disk(rel), F_OK) == 0;
}

static char *name_of(struct pvfs_file *f)
{
    uint8_t buf[512];
    uint32_t n;
    if (query(f, FileNameInformation, buf, sizeof buf, &n) != STATUS_SUCCESS)
        return NULL;
    return name_at(buf + 4, le32_load(buf));
}

static void renames(void)
{
    mkdir(on_disk("rdir"), 0777);
    struct pvfs_file *a = open_rw("old.txt", FILE_CREATE);
    struct pvfs_file *other = open_rw("old.txt", FILE_OPEN);
    is_int(rename_to(a, "new.txt", false, FileRenameInformation), STATUS_SUCCESS,
           "rename while another open exists");
    ok(exists("new.txt") && !exists("old.txt"), "  renamed on disk");
    char *name = name_of(other);
    is_str(name, "\\new.txt", "  the other open follows the file");
    free(name);
    is_int(rename_to(a, "rdir\\moved.txt", false, FileRenameInformation), STATUS_SUCCESS,
           "move to another directory");
    ok(exists("rdir/moved.txt"), "  moved");
    name = name_of(a);
    is_str(name, "\\rdir\\moved.txt", "  the open's name follows");
    free(name);

    struct pvfs_file *b = open_rw("target.txt", FILE_CREATE);
    pvfs_close(b);
    is_int(rename_to(a, "\\target.txt", false, FileRenameInformation),
           STATUS_OBJECT_NAME_COLLISION, "onto an existing file without replace");
    is_int(rename_to(a, "\\target.txt", true, FileRenameInformation), STATUS_SUCCESS,
           "with replace-if-exists");
    ok(exists("target.txt") && !exists("rdir/moved.txt"), "  replaced");
    b = open_rw("busy.txt", FILE_CREATE);
    struct pvfs_file *c = open_rw("mover.txt", FILE_CREATE);
    is_int(rename_to(c, "busy.txt", true, FileRenameInformation), STATUS_ACCESS_DENIED,
           "replacing a file that is open is refused");
    ok(exists("mover.txt") && exists("busy.txt"), "  both stay");
    is_int(rename_to(c, "rdir", true, FileRenameInformation), STATUS_ACCESS_DENIED,
           "replacing a directory is refused");
    is_int(rename_to(c, "nodir\\x.txt", false, FileRenameInformation),
           STATUS_OBJECT_PATH_NOT_FOUND, "into a missing directory");
    is_int(rename_to(c, "..\\x.txt", false, FileRenameInformation), STATUS_OBJECT_NAME_INVALID,
           "with .. in the target");
    is_int(rename_to(c, "MOVER.TXT", false, FileRenameInformation), STATUS_SUCCESS,
           "a change of case only");
    ok(exists("MOVER.TXT") && !exists("mover.txt"), "  changes the spelling on disk");
    pvfs_close(c);
    pvfs_close(b);

    /* A directory with an open file below it keeps its name. */
    struct pvfs_file *d = NULL;
    open_file(vol, alice, "rdir", FILE_LIST_DIRECTORY | DELETE, SHARE_ALL, FILE_OPEN, 0, &d, NULL);
    struct pvfs_file *inner = open_rw("rdir\\inner.txt", FILE_CREATE);
    is_int(rename_to(d, "rdir2", false, FileRenameInformation), STATUS_ACCESS_DENIED,
           "renaming a directory with an open file below it is refused");
    pvfs_close(inner);
    is_int(rename_to(d, "rdir2", false, FileRenameInformation), STATUS_SUCCESS,
           "  and works once it is closed");
    ok(exists("rdir2/inner.txt"), "  the files move with it");
    pvfs_close(d);

    /* Rename needs DELETE. */
    struct pvfs_file *r = NULL;
    open_file(vol, alice, "target.txt", FILE_READ_DATA, SHARE_ALL, FILE_OPEN, 0, &r, NULL);
    is_int(rename_to(r, "t2.txt", false, FileRenameInformation), STATUS_ACCESS_DENIED,
           "rename without DELETE access");
    /* Hard link. */
    is_int(rename_to(r, "hard.txt", false, FileLinkInformation), STATUS_SUCCESS, "a hard link");
    struct stat s1, s2;
    stat(on_disk("target.txt"), &s1);
    stat(on_disk("hard.txt"), &s2);
    ok(s1.st_ino == s2.st_ino && s1.st_nlink == 2, "  same inode, two links");
    uint8_t buf[64];
    uint32_t n;
    query(r, FileStandardInformation, buf, sizeof buf, &n);
    is_int(le32_load(buf + 16), 2, "  FileStandardInformation counts them");
    is_int(rename_to(r, "hard.txt", false, FileLinkInformation), STATUS_OBJECT_NAME_COLLISION,
           "a link onto an existing name");
    pvfs_close(r);
    pvfs_close(other);
    pvfs_close(a);

    /* Confined opens rename relative to their share. */
    mkdir(on_disk("share"), 0777);
    mkdir(on_disk("share/sub"), 0777);
    struct pvfs_create_args args = args_of("share\\sub\\s.txt", FILE_GENERIC_WRITE | DELETE,
                                           SHARE_ALL, FILE_CREATE, 0);
    args.beneath = "share";
    uint32_t act;
    struct pvfs_file *s = NULL;
    pvfs_create(vol, alice, &args, &s, &act);
    is_int(rename_to(s, "top.txt", false, FileRenameInformation), STATUS_SUCCESS,
           "a confined rename target is relative to the share root");
    ok(exists("share/top.txt"), "  lands in the share root");
    name = name_of(s);
    is_str(name, "\\top.txt", "  and the open says so");
    free(name);
    pvfs_close(s);
}

static void streams(void)
{
    struct pvfs_file *f = open_rw("ads.txt", FILE_CREATE);
    uint32_t n;
    pvfs_write(f, "main data", 9, NULL, 0, &n);
    pvfs_close(f);
    struct pvfs_file *s = open_rw("ads.txt:extra", FILE_CREATE);
    ok(s != NULL, "create a stream");
    is_int(s ? pvfs_write(s, "stream bytes", 12, &(uint64_t){ 0 }, 0, &n) : 0, STATUS_SUCCESS,
           "write to it");
    pvfs_write(s, "!", 1, &(uint64_t){ 20 }, 0, &n);
    pvfs_close(s);
    uint8_t raw[64];
    ssize_t rl = getxattr(on_disk("ads.txt"), "user.DosStream.extra:$DATA", raw, sizeof raw);
    is_mem(raw, rl > 0 ? (size_t)rl : 0, "stream bytes\0\0\0\0\0\0\0\0!\0", 22,
           "stored as Samba does: user.DosStream.extra:$DATA with a trailing NUL");
    s = open_rw("ADS.TXT:EXTRA:$DATA", FILE_OPEN);
    char buf[64];
    is_int(s ? pvfs_read(s, buf, sizeof buf, &(uint64_t){ 0 }, 0, &n) : 0, STATUS_SUCCESS,
           "read it back (name and stream in another case, with :$DATA)");
    is_mem(buf, n, "stream bytes\0\0\0\0\0\0\0\0!", 21, "  the same bytes, gap zero-filled");
    uint8_t info[256];
    is_int(query(s, FileStandardInformation, info, sizeof info, &n), STATUS_SUCCESS,
           "standard information of the stream");
    is_int((long long)le64_load(info + 8), 21, "  its own size");
    uint8_t u64[8];
    le64_store(u64, 6);
    is_int(pvfs_set_information(s, FileEndOfFileInformation, u64, 8), STATUS_SUCCESS,
           "truncate the stream");
    pvfs_close(s);
    f = open_rw("ads.txt", FILE_OPEN);
    is_int(pvfs_read(f, buf, sizeof buf, &(uint64_t){ 0 }, 0, &n), STATUS_SUCCESS,
           "the file's own data");
    is_mem(buf, n, "main data", 9, "  is untouched");
    is_int(query(f, FileStreamInformation, info, sizeof info, &n), STATUS_SUCCESS,
           "stream information");
    uint32_t next = le32_load(info);
    char *n1 = name_at(info + 24, le32_load(info + 4));
    char *n2 = next ? name_at(info + next + 24, le32_load(info + next + 4)) : NULL;
    ok(n1 && strcmp(n1, "::$DATA") == 0 && le64_load(info + 8) == 9, "  ::$DATA, 9 bytes");
    ok(n2 && strcmp(n2, ":extra:$DATA") == 0 && le64_load(info + next + 8) == 6,
       "  :extra:$DATA, 6 bytes");
    free(n1);
    free(n2);
    pvfs_close(f);

    /* Samba's stream, read by us. */
    setxattr(on_disk("ads.txt"), "user.DosStream.samba:$DATA", "from smbd\0", 10, 0);
    s = open_rw("ads.txt:samba", FILE_OPEN);
    is_int(s ? pvfs_read(s, buf, sizeof buf, &(uint64_t){ 0 }, 0, &n) : 0, STATUS_SUCCESS,
           "a stream smbd wrote");
    is_mem(buf, n, "from smbd", 9, "  reads without its trailing NUL");
    pvfs_close(s);

    /* Beyond what an xattr holds. */
    s = open_rw("ads.txt:big", FILE_CREATE);
    static char big[70000];
    memset(big, 'b', sizeof big);
    is_int(s ? pvfs_write(s, big, sizeof big, &(uint64_t){ 0 }, 0, &n) : 0,
           STATUS_FILE_SYSTEM_LIMITATION, "a stream larger than an xattr can be");
    NTSTATUS st = s ? pvfs_write(s, big, 8000, &(uint64_t){ 0 }, 0, &n) : 0;
    ok(st == STATUS_SUCCESS || st == STATUS_FILE_SYSTEM_LIMITATION,
       "8000 bytes: stored, or refused with STATUS_FILE_SYSTEM_LIMITATION (%s)",
       nt_status_name(st));
    pvfs_close(s);
    s = open_rw("ads.txt:extra", FILE_OPEN);
    is_int(s ? rename_to(s, ":renamed:$DATA", false, FileRenameInformation) : 0,
           STATUS_SUCCESS, "rename a stream");
    pvfs_close(s);
    ok(getxattr(on_disk("ads.txt"), "user.DosStream.renamed:$DATA", NULL, 0) == 7 &&
           getxattr(on_disk("ads.txt"), "user.DosStream.extra:$DATA", NULL, 0) < 0,
       "  the xattr is renamed");
    is_int(open_file(vol, alice, "ads.txt:nope", FILE_READ_DATA, SHARE_ALL, FILE_OPEN, 0, &s, NULL),
           STATUS_OBJECT_NAME_NOT_FOUND, "a missing stream");
    is_int(open_file(vol, alice, "ads.txt:x:$BAD", FILE_READ_DATA, SHARE_ALL, FILE_OPEN_IF, 0, &s,
                     NULL),
           STATUS_OBJECT_NAME_INVALID, "a stream type other than $DATA");
    s = NULL;
    is_int(open_file(vol, alice, "fresh.txt:s", FILE_GENERIC_WRITE, SHARE_ALL, FILE_CREATE, 0, &s,
                     NULL),
           STATUS_SUCCESS, "a stream of a missing file creates both");
    pvfs_close(s);
    ok(exists("fresh.txt"), "  the file exists");
}

/* A rename opens the target directory for FILE_ADD_FILE, sharing read and
 * write: an open of that directory holding DELETE, or not sharing write,
 * refuses it (smb2.rename.share_delete_and_delete_access and friends). */
static void rename_parent_open(void)
{
    mkdir(on_disk("pdir"), 0777);
    struct pvfs_file *f = open_rw("pdir\\f.txt", FILE_CREATE);
    static const struct {
        uint32_t access, share;
        NTSTATUS want;
        const char *what;
    } rows[] = {
        { FILE_GENERIC_READ | DELETE, SHARE_ALL, STATUS_SHARING_VIOLATION,
          "directory open with DELETE, sharing all" },
        { FILE_GENERIC_READ | FILE_GENERIC_WRITE, 0, STATUS_SHARING_VIOLATION,
          "directory open sharing nothing" },
        { FILE_GENERIC_READ | FILE_GENERIC_WRITE, SHARE_ALL, STATUS_SUCCESS,
          "directory open without DELETE, sharing all" },
        { FILE_READ_ATTRIBUTES, 0, STATUS_SUCCESS, "directory open for attributes only" },
    };
    const char *names[] = { "pdir\\g.txt", "pdir\\f.txt" };
    int at = 0;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct pvfs_file *d = NULL;
        open_file(vol, alice, "pdir", rows[i].access, rows[i].share, FILE_OPEN,
                  FILE_DIRECTORY_FILE, &d, NULL);
        ok(d != NULL, "open pdir: %s", rows[i].what);
        NTSTATUS st = rename_to(f, names[at], false, FileRenameInformation);
        is_int(st, rows[i].want, "  rename of a file in it");
        if (st == STATUS_SUCCESS)
            at = 1 - at;
        pvfs_close(d);
    }
    pvfs_close(f);
}

/* AllocationSize counts the data only, not the block ext4 gives the
 * extended attributes (smb2.setinfo, smb2.create.blob). */
static void allocation(void)
{
    uint8_t buf[64], in[8];
    uint32_t n = 0, wrote = 0;
    uint64_t at = 0;
    struct pvfs_file *f = open_rw("alloc.dat", FILE_OVERWRITE_IF);
    ok(f != NULL, "create alloc.dat");
    if (!f)
        return;
    /* Enough metadata that ext4 puts it in a block of its own. */
    char big[2048];
    memset(big, 'x', sizeof big);
    setxattr(on_disk("alloc.dat"), "user.padding", big, sizeof big, 0);
    pvfs_write(f, "data", 4, &at, 0, &wrote);
    query(f, FileStandardInformation, buf, sizeof buf, &n);
    is_int((int)le64_load(buf), 4096, "4 bytes take 4 KiB");
    le64_store(in, 0);
    is_int(pvfs_set_information(f, FileAllocationInformation, in, sizeof in), STATUS_SUCCESS,
           "allocation 0");
    query(f, FileStandardInformation, buf, sizeof buf, &n);
    ok(le64_load(buf) == 0 && le64_load(buf + 8) == 0, "  truncates: nothing allocated, size 0");
    le64_store(in, 4096);
    pvfs_set_information(f, FileAllocationInformation, in, sizeof in);
    query(f, FileStandardInformation, buf, sizeof buf, &n);
    ok(le64_load(buf) == 4096 && le64_load(buf + 8) == 0, "allocation 4096: 4096, size 0");
    pvfs_close(f);
    struct pvfs_create_args a = args_of("alloc.dat", FILE_GENERIC_READ | FILE_GENERIC_WRITE,
                                        SHARE_ALL, FILE_OVERWRITE_IF, 0);
    a.allocation_size = 1 << 20;
    uint32_t action = 0;
    f = NULL;
    is_int(pvfs_create(vol, alice, &a, &f, &action), STATUS_SUCCESS,
           "overwrite with an allocation size of 1 MiB");
    if (!f)
        return;
    query(f, FileStandardInformation, buf, sizeof buf, &n);
    ok(le64_load(buf) == 1 << 20 && le64_load(buf + 8) == 0, "  1 MiB allocated, size 0");
    pvfs_close(f);
}

/* Rights of classes that smb2.getinfo.getinfo_access pins down. */
static void class_rights(void)
{
    write_disk_file("rights.txt", "r");
    struct pvfs_file *f = NULL;
    uint8_t buf[256];
    uint32_t n;
    open_file(vol, alice, "rights.txt", SYNCHRONIZE, SHARE_ALL, FILE_OPEN, 0, &f, NULL);
    is_int(f ? query(f, FileCompressionInformation, buf, sizeof buf, &n) : STATUS_UNSUCCESSFUL,
           STATUS_SUCCESS, "compression information needs no right");
    is_int(f ? query(f, FileBasicInformation, buf, sizeof buf, &n) : STATUS_UNSUCCESSFUL,
           STATUS_ACCESS_DENIED, "basic information needs FILE_READ_ATTRIBUTES");
    pvfs_close(f);
}

/* A directory has no data stream: FileStreamInformation is empty (and the
 * empty answer is copied without touching its missing data). */
static void directory_streams(void)
{
    mkdir(on_disk("streamless"), 0777);
    struct pvfs_file *d = NULL;
    uint8_t buf[64];
    uint32_t n = 99;
    open_file(vol, alice, "streamless", FILE_READ_ATTRIBUTES, SHARE_ALL, FILE_OPEN,
              FILE_DIRECTORY_FILE, &d, NULL);
    is_int(d ? query(d, FileStreamInformation, buf, sizeof buf, &n) : STATUS_UNSUCCESSFUL,
           STATUS_SUCCESS, "a directory's stream information");
    is_int(n, 0, "  is empty");
    pvfs_close(d);
}

int main(void)
{
    log_set_level(LOG_LEVEL_ERROR); /* the stream-size warnings are expected */
    umask(0);
    const char *root = scratch_dir();
    chmod(root, 0777);
    alice = make_token(ALICE);
    if (pvfs_volume_open(root, &vol) != STATUS_SUCCESS) {
        ok(0, "open the volume");
        return done_testing();
    }
    file_classes();
    volume_classes();
    renames();
    streams();
    allocation();
    rename_parent_open();
    class_rights();
    directory_streams();
    pvfs_volume_close(vol);
    token_free(alice);
    return done_testing();
}
