/* pvfs create: every disposition on missing and existing files and
 * directories, option conflicts, name validation, case-insensitive lookup,
 * and paths that try to leave the volume (.., symlinks) or the caller's
 * confinement (PVFS_ECP_BENEATH). */
#include "t/pvfs-util.h"

#include "lib/utf16.h"

static struct pvfs_volume *vol;
static struct access_token *alice;

static NTSTATUS try_open(const char *path, uint32_t disposition, uint32_t options,
                         uint32_t *action)
{
    struct pvfs_file *f = NULL;
    NTSTATUS st = open_file(vol, alice, path, FILE_GENERIC_READ | FILE_GENERIC_WRITE | DELETE,
                            SHARE_ALL, disposition, options, &f, action);
    pvfs_close(f);
    return st;
}

static long long disk_size(const char *rel)
{
    struct stat st;
    return stat(on_disk(rel), &st) == 0 ? (long long)st.st_size : -1;
}

static bool disk_is_dir(const char *rel)
{
    struct stat st;
    return stat(on_disk(rel), &st) == 0 && S_ISDIR(st.st_mode);
}

/* FileNameInformation of an open, as UTF-8. */
static char *name_of(struct pvfs_file *f)
{
    uint8_t buf[512];
    uint32_t n = 0;
    if (pvfs_query_information(f, FileNameInformation, buf, sizeof buf, &n) != STATUS_SUCCESS)
        return NULL;
    char *out = NULL;
    utf16le_to_utf8(buf + 4, le32_load(buf), &out);
    return out;
}

static void dispositions(void)
{
    static const struct {
        uint32_t disposition;
        NTSTATUS missing;
        uint32_t missing_action;
        NTSTATUS existing;
        uint32_t existing_action;
        long long size_after;
        NTSTATUS dir;
    } rows[] = {
        { FILE_SUPERSEDE, STATUS_SUCCESS, FILE_CREATED, STATUS_SUCCESS, FILE_SUPERSEDED, 0,
          STATUS_INVALID_PARAMETER },
        { FILE_OPEN, STATUS_OBJECT_NAME_NOT_FOUND, 0, STATUS_SUCCESS, FILE_OPENED, 5,
          STATUS_SUCCESS },
        { FILE_CREATE, STATUS_SUCCESS, FILE_CREATED, STATUS_OBJECT_NAME_COLLISION, 0, 5,
          STATUS_OBJECT_NAME_COLLISION },
        { FILE_OPEN_IF, STATUS_SUCCESS, FILE_CREATED, STATUS_SUCCESS, FILE_OPENED, 5,
          STATUS_SUCCESS },
        { FILE_OVERWRITE, STATUS_OBJECT_NAME_NOT_FOUND, 0, STATUS_SUCCESS, FILE_OVERWRITTEN, 0,
          STATUS_INVALID_PARAMETER },
        { FILE_OVERWRITE_IF, STATUS_SUCCESS, FILE_CREATED, STATUS_SUCCESS, FILE_OVERWRITTEN, 0,
          STATUS_INVALID_PARAMETER },
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char missing[32], existing[32];
        snprintf(missing, sizeof missing, "missing%zu", i);
        snprintf(existing, sizeof existing, "existing%zu", i);
        uint32_t action = 99;
        NTSTATUS st = try_open(missing, rows[i].disposition, 0, &action);
        is_int(st, rows[i].missing, "disposition %u on a missing file: %s", rows[i].disposition,
               nt_status_name(rows[i].missing));
        if (st == STATUS_SUCCESS) {
            is_int(action, rows[i].missing_action, "  create action");
            ok(disk_size(missing) == 0, "  file exists on disk");
        } else {
            ok(disk_size(missing) < 0, "  nothing created");
        }

        /* An existing file made through pvfs (so alice owns it). */
        struct pvfs_file *f;
        is_int(open_file(vol, alice, existing, FILE_GENERIC_WRITE, 0, FILE_CREATE, 0, &f, NULL),
               STATUS_SUCCESS, "  made %s", existing);
        uint32_t n;
        if (f)
            pvfs_write(f, "hello", 5, NULL, 0, &n);
        pvfs_close(f);
        action = 99;
        st = try_open(existing, rows[i].disposition, 0, &action);
        is_int(st, rows[i].existing, "disposition %u on an existing file: %s",
               rows[i].disposition, nt_status_name(rows[i].existing));
        if (st == STATUS_SUCCESS)
            is_int(action, rows[i].existing_action, "  create action");
        is_int(disk_size(existing), rows[i].size_after, "  size afterwards");

        st = try_open("adir", rows[i].disposition, 0, NULL);
        is_int(st, rows[i].dir, "disposition %u on an existing directory: %s",
               rows[i].disposition, nt_status_name(rows[i].dir));
    }
}

static void options(void)
{
    char longbuf[8];
    uint32_t action;
    is_int(try_open("newdir", FILE_CREATE, FILE_DIRECTORY_FILE, &action), STATUS_SUCCESS,
           "FILE_DIRECTORY_FILE creates a directory");
    ok(disk_is_dir("newdir") && action == FILE_CREATED, "  it is a directory");
    is_int(try_open("newdir2\\", FILE_CREATE, FILE_DIRECTORY_FILE, NULL), STATUS_SUCCESS,
           "a trailing backslash names a directory");
    is_int(try_open("newdir3\\", FILE_CREATE, 0, NULL), STATUS_OBJECT_NAME_INVALID,
           "a trailing backslash without FILE_DIRECTORY_FILE is refused");
    is_int(try_open("existing1\\", FILE_OPEN, 0, NULL), STATUS_OBJECT_NAME_INVALID,
           "a file opened with a trailing backslash");
    is_int(try_open("adir", FILE_OPEN, FILE_NON_DIRECTORY_FILE, NULL), STATUS_FILE_IS_A_DIRECTORY,
           "FILE_NON_DIRECTORY_FILE on a directory");
    is_int(try_open("existing1", FILE_OPEN, FILE_DIRECTORY_FILE, NULL), STATUS_NOT_A_DIRECTORY,
           "FILE_DIRECTORY_FILE on a file");
    is_int(try_open("x", FILE_OPEN_IF, FILE_DIRECTORY_FILE | FILE_NON_DIRECTORY_FILE, NULL),
           STATUS_INVALID_PARAMETER, "directory and non-directory together");
    is_int(try_open("x", FILE_OVERWRITE_IF, FILE_DIRECTORY_FILE, NULL), STATUS_INVALID_PARAMETER,
           "FILE_DIRECTORY_FILE with an overwrite disposition");
    is_int(try_open("x", 6, 0, NULL), STATUS_INVALID_PARAMETER, "disposition 6");
    struct pvfs_file *f = NULL;
    is_int(open_file(vol, alice, "x", FILE_GENERIC_READ, SHARE_ALL, FILE_OPEN_IF,
                     FILE_DELETE_ON_CLOSE, &f, NULL),
           STATUS_INVALID_PARAMETER, "delete-on-close without DELETE access");
    is_int(try_open("x", FILE_OPEN_IF, FILE_WRITE_THROUGH | FILE_NO_INTERMEDIATE_BUFFERING, NULL),
           STATUS_SUCCESS, "write-through and no-intermediate-buffering are accepted");
    f = NULL;
    is_int(open_file(vol, alice, "existing1", 0, 0, FILE_OPEN, 0, &f, NULL), STATUS_SUCCESS,
           "an open for no access at all");
    is_int(f ? pvfs_read(f, longbuf, 1, NULL, 0, &(uint32_t){ 0 }) : 0, STATUS_ACCESS_DENIED,
           "  can do nothing");
    pvfs_close(f);
    is_int(try_open("nodir\\x", FILE_OPEN_IF, 0, NULL), STATUS_OBJECT_PATH_NOT_FOUND,
           "missing parent directory");
    is_int(try_open("existing1\\x", FILE_OPEN_IF, 0, NULL), STATUS_OBJECT_PATH_NOT_FOUND,
           "a file used as a directory");
    is_int(try_open("", FILE_CREATE, FILE_DIRECTORY_FILE, NULL), STATUS_OBJECT_NAME_COLLISION,
           "the root cannot be created");
    f = NULL;
    is_int(open_file(vol, alice, "", FILE_LIST_DIRECTORY, SHARE_ALL, FILE_OPEN, 0, &f, NULL),
           STATUS_SUCCESS, "the root opens");
    char *name = f ? name_of(f) : NULL;
    is_str(name, "\\", "  and is called \\");
    free(name);
    pvfs_close(f);

    /* Read-only and hidden attributes. */
    struct pvfs_create_args a = args_of("ro.txt", FILE_GENERIC_WRITE, SHARE_ALL, FILE_CREATE, 0);
    a.file_attributes = FILE_ATTRIBUTE_READONLY;
    uint32_t act;
    f = NULL;
    is_int(pvfs_create(vol, alice, &a, &f, &act), STATUS_SUCCESS, "create a read-only file");
    pvfs_close(f);
    is_int(try_open("ro.txt", FILE_OPEN, 0, NULL), STATUS_ACCESS_DENIED,
           "a read-only file refuses write access");
    f = NULL;
    is_int(open_file(vol, alice, "ro.txt", FILE_GENERIC_READ | DELETE, SHARE_ALL, FILE_OPEN,
                     FILE_DELETE_ON_CLOSE, &f, NULL),
           STATUS_CANNOT_DELETE, "a read-only file refuses delete-on-close");
    f = NULL;
    is_int(open_file(vol, alice, "ro.txt", MAXIMUM_ALLOWED, SHARE_ALL, FILE_OPEN, 0, &f, NULL),
           STATUS_SUCCESS, "MAXIMUM_ALLOWED opens a read-only file");
    uint32_t n = 0;
    is_int(pvfs_write(f, "x", 1, NULL, 0, &n), STATUS_ACCESS_DENIED, "  without write access");
    pvfs_close(f);
    a = args_of("hidden.txt", FILE_GENERIC_WRITE, SHARE_ALL, FILE_CREATE, 0);
    a.file_attributes = FILE_ATTRIBUTE_HIDDEN;
    f = NULL;
    pvfs_create(vol, alice, &a, &f, &act);
    pvfs_close(f);
    is_int(try_open("hidden.txt", FILE_OVERWRITE, 0, NULL), STATUS_ACCESS_DENIED,
           "overwriting a hidden file needs FILE_ATTRIBUTE_HIDDEN");
    a = args_of("hidden.txt", FILE_GENERIC_WRITE, SHARE_ALL, FILE_OVERWRITE, 0);
    a.file_attributes = FILE_ATTRIBUTE_HIDDEN;
    f = NULL;
    is_int(pvfs_create(vol, alice, &a, &f, &act), STATUS_SUCCESS, "  and works with it");
    pvfs_close(f);
}

static void names(void)
{
    static const char *const bad[] = {
        "a\\..\\b", "..", "..\\etc", ".", "a\\.\\b", "a\\\\b", "a*b", "a?b", "a<b", "a>b",
        "a\"b", "a|b", "a/b", "a:", "a:b:$INDEX_ALLOCATION", "a\x01" "b",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        is_int(try_open(bad[i], FILE_OPEN_IF, 0, NULL), STATUS_OBJECT_NAME_INVALID,
               "name refused: '%s'", bad[i]);
    char longname[300];
    memset(longname, 'x', 256);
    longname[256] = '\0';
    is_int(try_open(longname, FILE_OPEN_IF, 0, NULL), STATUS_OBJECT_NAME_INVALID,
           "a 256-character name");
    is_int(try_open("\xff\xfe", FILE_OPEN_IF, 0, NULL), STATUS_OBJECT_NAME_INVALID,
           "ill-formed UTF-8");
    is_int(try_open("\\leading", FILE_OPEN_IF, 0, NULL), STATUS_SUCCESS,
           "a leading backslash is accepted");
    is_int(try_open("\xc3\xa9t\xc3\xa9.txt", FILE_OPEN_IF, 0, NULL), STATUS_SUCCESS,
           "a non-ASCII name");
}

static void case_insensitive(void)
{
    write_disk_file("MixedCase.TXT", "abc");
    chmod(on_disk("MixedCase.TXT"), 0666);
    mkdir(on_disk("SubDir"), 0777);
    write_disk_file("SubDir/Inner.txt", "x");
    struct pvfs_file *f = NULL;
    is_int(open_file(vol, alice, "mixedcase.txt", FILE_READ_ATTRIBUTES, SHARE_ALL, FILE_OPEN, 0,
                     &f, NULL),
           STATUS_SUCCESS, "a name matches without regard to case");
    char *name = f ? name_of(f) : NULL;
    is_str(name, "\\MixedCase.TXT", "  and reports its spelling on disk");
    free(name);
    pvfs_close(f);
    f = NULL;
    is_int(open_file(vol, alice, "SUBDIR\\INNER.TXT", FILE_READ_ATTRIBUTES, SHARE_ALL, FILE_OPEN,
                     0, &f, NULL),
           STATUS_SUCCESS, "every component matches without regard to case");
    name = f ? name_of(f) : NULL;
    is_str(name, "\\SubDir\\Inner.txt", "  on-disk spelling of the whole path");
    free(name);
    pvfs_close(f);
    uint32_t action = 0;
    is_int(try_open("MIXEDCASE.txt", FILE_OPEN_IF, 0, &action), STATUS_SUCCESS,
           "OPEN_IF with another case");
    is_int(action, FILE_OPENED, "  opens the existing file instead of making a twin");
    ok(disk_size("MIXEDCASE.txt") < 0, "  no twin on disk");
    is_int(try_open("subdir\\New.txt", FILE_CREATE, 0, NULL), STATUS_SUCCESS,
           "create below a directory named in another case");
    ok(disk_size("SubDir/New.txt") == 0, "  lands in the existing directory");
}

static void escapes(void)
{
    mkdir(on_disk("inside"), 0777);
    write_disk_file("inside/f.txt", "in");
    symlink("/etc", on_disk("etclink"));
    symlink("../../../../../../../../etc/passwd", on_disk("uplink"));
    symlink("inside", on_disk("goodlink"));
    char inside[600];
    snprintf(inside, sizeof inside, "%s", on_disk("inside"));
    symlink(inside, on_disk("abslink"));
    is_int(try_open("etclink\\passwd", FILE_OPEN, 0, NULL), STATUS_ACCESS_DENIED,
           "a symlink to /etc is refused (as a directory)");
    struct pvfs_file *f = NULL;
    is_int(open_file(vol, alice, "etclink", FILE_READ_ATTRIBUTES, SHARE_ALL, FILE_OPEN, 0, &f,
                     NULL),
           STATUS_ACCESS_DENIED, "a symlink to /etc is refused (itself)");
    pvfs_close(f);
    is_int(try_open("uplink", FILE_OPEN, 0, NULL), STATUS_ACCESS_DENIED,
           "a relative symlink climbing out is refused");
    is_int(try_open("ETCLINK\\passwd", FILE_OPEN, 0, NULL), STATUS_ACCESS_DENIED,
           "  also when found case-insensitively");
    is_int(try_open("etclink\\newfile", FILE_CREATE, 0, NULL), STATUS_ACCESS_DENIED,
           "  and nothing can be created through it");
    ok(access("/etc/newfile", F_OK) != 0, "  (nothing was)");
    is_int(try_open("goodlink\\f.txt", FILE_OPEN, 0, NULL), STATUS_SUCCESS,
           "a symlink to a directory inside the volume works");
    is_int(try_open("abslink\\f.txt", FILE_OPEN, 0, NULL), STATUS_ACCESS_DENIED,
           "an absolute symlink is refused even when it points inside");

    /* Confinement to a share directory. */
    mkdir(on_disk("share"), 0777);
    mkdir(on_disk("other"), 0777);
    write_disk_file("other/secret.txt", "s");
    write_disk_file("share/doc.txt", "d");
    symlink("../other", on_disk("share/sidelink"));
    struct pvfs_create_args a = args_of("share\\doc.txt", FILE_GENERIC_READ, SHARE_ALL,
                                        FILE_OPEN, 0);
    a.beneath = "share";
    uint32_t act;
    f = NULL;
    is_int(pvfs_create(vol, alice, &a, &f, &act), STATUS_SUCCESS, "an open inside its share");
    char *name = f ? name_of(f) : NULL;
    is_str(name, "\\doc.txt", "  names itself relative to the share");
    free(name);
    pvfs_close(f);
    a.path = "share\\sidelink\\secret.txt";
    f = NULL;
    is_int(pvfs_create(vol, alice, &a, &f, &act), STATUS_ACCESS_DENIED,
           "a symlink from the share to a sibling directory is refused");
    a.path = "other\\secret.txt";
    is_int(pvfs_create(vol, alice, &a, &f, &act), STATUS_ACCESS_DENIED,
           "a path outside the share is refused");
    a = args_of("share", DELETE | FILE_LIST_DIRECTORY, SHARE_ALL, FILE_OPEN,
                FILE_DELETE_ON_CLOSE);
    a.beneath = "share";
    f = NULL;
    is_int(pvfs_create(vol, alice, &a, &f, &act), STATUS_CANNOT_DELETE,
           "a share's root cannot be deleted through the share");
    a = args_of("share", DELETE | FILE_LIST_DIRECTORY, SHARE_ALL, FILE_OPEN, 0);
    a.beneath = "share";
    f = NULL;
    pvfs_create(vol, alice, &a, &f, &act);
    uint8_t yes = 1;
    is_int(f ? pvfs_set_information(f, FileDispositionInformation, &yes, 1) : 0,
           STATUS_CANNOT_DELETE, "  nor marked for deletion");
    pvfs_close(f);
    a = args_of("share\\doc.txt", FILE_GENERIC_READ, SHARE_ALL, FILE_OPEN, 0);
    a.path = "SHARE\\DOC.TXT";
    a.beneath = "Share";
    f = NULL;
    is_int(pvfs_create(vol, alice, &a, &f, &act), STATUS_SUCCESS,
           "share path and open path in any case");
    pvfs_close(f);
}

/* FileAccessInformation of an open. */
static uint32_t granted_of(struct pvfs_file *f)
{
    uint8_t buf[4];
    uint32_t n = 0;
    if (pvfs_query_information(f, FileAccessInformation, buf, sizeof buf, &n) != STATUS_SUCCESS)
        return 0xFFFFFFFFu;
    return le32_load(buf);
}

/* The granted access is what was asked (generic rights mapped), nothing
 * added: Windows does not add SYNCHRONIZE (smb2.getinfo.granted). */
static void granted(void)
{
    const uint32_t want = FILE_EXECUTE | FILE_READ_ATTRIBUTES;
    struct pvfs_file *f = NULL;
    is_int(open_file(vol, alice, "gdir", want, SHARE_ALL, FILE_OPEN_IF, FILE_DIRECTORY_FILE, &f,
                     NULL), STATUS_SUCCESS, "create a directory for execute | read attributes");
    is_int(granted_of(f), want, "  granted exactly that");
    pvfs_close(f);
    f = NULL;
    is_int(open_file(vol, alice, "gdir", want, SHARE_ALL, FILE_OPEN_IF, FILE_DIRECTORY_FILE, &f,
                     NULL), STATUS_SUCCESS, "open it again");
    is_int(granted_of(f), want, "  granted exactly that");
    pvfs_close(f);
    f = NULL;
    is_int(open_file(vol, alice, "gfile", want, SHARE_ALL, FILE_OPEN_IF, 0, &f, NULL),
           STATUS_SUCCESS, "create a file for execute | read attributes");
    is_int(granted_of(f), want, "  granted exactly that");
    pvfs_close(f);
    f = NULL;
    is_int(open_file(vol, alice, "gfile", GENERIC_READ, SHARE_ALL, FILE_OPEN, 0, &f, NULL),
           STATUS_SUCCESS, "open it for GENERIC_READ");
    is_int(granted_of(f), FILE_GENERIC_READ, "  granted FILE_GENERIC_READ");
    pvfs_close(f);
}

int main(void)
{
    umask(0); /* the modes below are what the derived descriptors grant */
    const char *root = scratch_dir();
    chmod(root, 0777); /* Everyone may create: the derived descriptor says so */
    mkdir(on_disk("adir"), 0777);
    alice = make_token(ALICE);
    if (pvfs_volume_open(root, &vol) != STATUS_SUCCESS) {
        ok(0, "open the volume");
        return done_testing();
    }
    dispositions();
    options();
    names();
    case_insensitive();
    escapes();
    granted();
    pvfs_volume_close(vol);
    token_free(alice);
    return done_testing();
}
