/* pvfs end to end: a real lwiod with pvfs.so rooted in a scratch directory,
 * driven through the lwio client library (as SYSTEM, the identity lwiod
 * gives root): every create disposition, a sharing violation, delete-on-close
 * with a second open, lock conflicts across two handles with a waiting lock
 * released by unlock and by cancel, rename over and under open files, a
 * listing with a wildcard, path escapes, a descriptor stored and read back
 * byte for byte and a denying DACL enforced, an alternate data stream. */
#include <sys/stat.h>

#include "lib/sddl.h"
#include "lib/secdesc.h"
#include "lib/utf16.h"
#include "t/lwiod-harness.h"
#include "t/tap/tap.h"

static struct lwiod_instance d;
static char root[160];
static struct lwio_context *c;

/* Like lwiod_start, with pvfs loaded and rooted at root. */
static int start(void)
{
    memset(&d, 0, sizeof d);
    snprintf(d.dir, sizeof d.dir, "/tmp/sw-lwiod.XXXXXX");
    if (!mkdtemp(d.dir))
        return -1;
    snprintf(d.db, sizeof d.db, "%s/registry.db", d.dir);
    snprintf(d.run, sizeof d.run, "%s/registry.run", d.dir);
    snprintf(d.sock, sizeof d.sock, "%s/lwiod.sock", d.run);
    snprintf(root, sizeof root, "%s/root", d.dir);
    if (mkdir(root, 0777) != 0)
        return -1;
    chmod(root, 0777);
    char bin[512], log[128], set[200];
    snprintf(bin, sizeof bin, "%s/bin/lwiod", harness_build());
    snprintf(log, sizeof log, "%s/lwiod.stderr", d.dir);
    snprintf(set, sizeof set, "pvfs.root=%s", root);
    char *argv[] = { bin, "--db", d.db, "--foreground", "--drivers", "npfs,pvfs",
                     "--required-drivers", "pvfs", "--set", set, NULL };
    d.pid = harness_spawn(argv, -1, log);
    for (int i = 0; i < 500; i++) {
        if (LwIoConnectSocket(d.sock, &c) == STATUS_SUCCESS)
            return 0;
        if (waitpid(d.pid, NULL, WNOHANG) == d.pid) {
            d.pid = 0;
            return -1;
        }
        harness_sleep_ms(10);
    }
    return -1;
}

static const char *disk(const char *rel)
{
    static char p[400];
    snprintf(p, sizeof p, "%s/%s", root, rel);
    return p;
}

static NTSTATUS create(const char *path, uint32_t access, uint32_t share, uint32_t disposition,
                       uint32_t options, struct lwio_file **f, uint64_t *action)
{
    char full[300];
    snprintf(full, sizeof full, "\\pvfs\\%s", path);
    struct io_status_block sb = { 0, 0 };
    struct lwio_create_params p = { .path = full, .desired_access = access,
                                    .share_access = share, .create_disposition = disposition,
                                    .create_options = options };
    *f = NULL;
    NTSTATUS st = LwNtCreateFile(c, f, NULL, &sb, &p);
    if (action)
        *action = sb.information;
    return st;
}

static void close_file(struct lwio_file *f)
{
    struct io_status_block sb;
    if (f)
        LwNtClose(f, NULL, &sb);
}

#define ALL_SHARE (FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE)
#define RW (FILE_GENERIC_READ | FILE_GENERIC_WRITE | DELETE)

static void dispositions(void)
{
    static const struct {
        uint32_t disposition;
        NTSTATUS missing, existing;
        uint64_t missing_action, existing_action;
    } rows[] = {
        { FILE_SUPERSEDE, STATUS_SUCCESS, STATUS_SUCCESS, FILE_CREATED, FILE_SUPERSEDED },
        { FILE_OPEN, STATUS_OBJECT_NAME_NOT_FOUND, STATUS_SUCCESS, 0, FILE_OPENED },
        { FILE_CREATE, STATUS_SUCCESS, STATUS_OBJECT_NAME_COLLISION, FILE_CREATED, 0 },
        { FILE_OPEN_IF, STATUS_SUCCESS, STATUS_SUCCESS, FILE_CREATED, FILE_OPENED },
        { FILE_OVERWRITE, STATUS_OBJECT_NAME_NOT_FOUND, STATUS_SUCCESS, 0, FILE_OVERWRITTEN },
        { FILE_OVERWRITE_IF, STATUS_SUCCESS, STATUS_SUCCESS, FILE_CREATED, FILE_OVERWRITTEN },
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char name[32];
        snprintf(name, sizeof name, "disp%zu", i);
        struct lwio_file *f;
        uint64_t action = 99;
        NTSTATUS st = create(name, RW, ALL_SHARE, rows[i].disposition, 0, &f, &action);
        ok(st == rows[i].missing && (st != STATUS_SUCCESS || action == rows[i].missing_action),
           "disposition %u, missing file: %s", rows[i].disposition, nt_status_name(st));
        close_file(f);
        if (st != STATUS_SUCCESS) {
            create(name, RW, ALL_SHARE, FILE_CREATE, 0, &f, NULL);
            close_file(f);
        }
        action = 99;
        st = create(name, RW, ALL_SHARE, rows[i].disposition, 0, &f, &action);
        ok(st == rows[i].existing && (st != STATUS_SUCCESS || action == rows[i].existing_action),
           "disposition %u, existing file: %s", rows[i].disposition, nt_status_name(st));
        close_file(f);
    }
}

static void sharing_and_delete(void)
{
    struct lwio_file *a, *b, *x;
    create("shared.txt", FILE_GENERIC_READ, FILE_SHARE_READ, FILE_CREATE, 0, &a, NULL);
    is_int(create("shared.txt", FILE_GENERIC_WRITE, ALL_SHARE, FILE_OPEN, 0, &b, NULL),
           STATUS_SHARING_VIOLATION, "writing a file opened to share reads only");
    is_int(create("shared.txt", FILE_GENERIC_READ, FILE_SHARE_READ, FILE_OPEN, 0, &b, NULL),
           STATUS_SUCCESS, "reading it is fine");
    close_file(b);
    close_file(a);

    create("doc.txt", RW, ALL_SHARE, FILE_CREATE, FILE_DELETE_ON_CLOSE, &a, NULL);
    is_int(create("doc.txt", FILE_GENERIC_READ, ALL_SHARE, FILE_OPEN, 0, &b, NULL),
           STATUS_SUCCESS, "a second open of a delete-on-close file");
    close_file(a);
    ok(access(disk("doc.txt"), F_OK) == 0, "the first close leaves it to the second open");
    is_int(create("doc.txt", FILE_GENERIC_READ, ALL_SHARE, FILE_OPEN, 0, &x, NULL),
           STATUS_DELETE_PENDING, "new opens see the delete pending");
    close_file(b);
    ok(access(disk("doc.txt"), F_OK) != 0, "the last close deletes it");
}

static void locks(void)
{
    struct lwio_file *a, *b;
    struct io_status_block sb;
    create("lock.dat", RW, ALL_SHARE, FILE_CREATE, 0, &a, NULL);
    create("lock.dat", RW, ALL_SHARE, FILE_OPEN, 0, &b, NULL);
    char data[100];
    memset(data, 'd', sizeof data);
    LwNtWriteFile(a, NULL, &sb, data, sizeof data, &(uint64_t){ 0 }, NULL);
    is_int(LwNtLockFile(a, NULL, &sb, 0, 10, 0, true, true), STATUS_SUCCESS, "A locks [0,10)");
    is_int(LwNtLockFile(b, NULL, &sb, 5, 10, 0, true, true), STATUS_LOCK_NOT_GRANTED,
           "B's overlapping lock is not granted");
    is_int(LwNtReadFile(b, NULL, &sb, data, 5, &(uint64_t){ 0 }, NULL), STATUS_FILE_LOCK_CONFLICT,
           "B's read conflicts");

    struct harness_async h;
    is_int(LwNtLockFile(b, harness_async(&h), &h.status, 0, 10, 0, false, true), STATUS_PENDING,
           "B's waiting lock pends");
    harness_sleep_ms(30);
    ok(!h.done, "  and keeps waiting");
    is_int(LwNtUnlockFile(a, NULL, &sb, 0, 10, 0), STATUS_SUCCESS, "A unlocks");
    ok(harness_async_wait(&h, 5000) && h.status.status == STATUS_SUCCESS,
       "  B's lock is granted");
    is_int(LwNtReadFile(a, NULL, &sb, data, 5, &(uint64_t){ 0 }, NULL), STATUS_FILE_LOCK_CONFLICT,
           "  and now A's read conflicts");

    is_int(LwNtLockFile(a, harness_async(&h), &h.status, 0, 10, 0, false, true), STATUS_PENDING,
           "A waits for B's range");
    harness_sleep_ms(20);
    ok(LwNtCancelAsync(&h.async) == STATUS_SUCCESS, "cancel A's waiting lock");
    ok(harness_async_wait(&h, 5000) && h.status.status == STATUS_CANCELLED,
       "  it ends with STATUS_CANCELLED");
    is_int(LwNtUnlockFile(b, NULL, &sb, 0, 10, 0), STATUS_SUCCESS, "B unlocks");
    is_int(LwNtLockFile(a, NULL, &sb, 0, 10, 0, true, true), STATUS_SUCCESS,
           "  the cancelled lock did not take the range");
    /* A waiting lock whose file is closed is cancelled. */
    is_int(LwNtLockFile(b, harness_async(&h), &h.status, 0, 10, 0, false, true), STATUS_PENDING,
           "B waits for A's range");
    close_file(b);
    ok(harness_async_wait(&h, 5000) && h.status.status != STATUS_SUCCESS,
       "  closing B ends the wait (%s)", nt_status_name(h.status.status));
    close_file(a);
}

static NTSTATUS rename_to(struct lwio_file *f, const char *target, bool replace)
{
    uint8_t *u;
    size_t ul;
    utf8_to_utf16le(target, strlen(target), &u, &ul);
    struct buf info;
    buf_init(&info);
    wr_u8(&info, replace);
    wr_zeros(&info, 7);
    wr_u64(&info, 0);
    wr_u32(&info, (uint32_t)ul);
    wr_bytes(&info, u, ul);
    free(u);
    struct io_status_block sb;
    NTSTATUS st = LwNtSetInformationFile(f, NULL, &sb, info.data, (uint32_t)info.len,
                                         FileRenameInformation);
    buf_free(&info);
    return st;
}

static void renames(void)
{
    struct lwio_file *a, *b, *t;
    create("r1.txt", RW, ALL_SHARE, FILE_CREATE, 0, &a, NULL);
    create("r1.txt", FILE_GENERIC_READ, ALL_SHARE, FILE_OPEN, 0, &b, NULL);
    is_int(rename_to(a, "r2.txt", false), STATUS_SUCCESS, "rename under another open");
    ok(access(disk("r2.txt"), F_OK) == 0 && access(disk("r1.txt"), F_OK) != 0, "  on disk");
    create("busy.txt", FILE_GENERIC_READ, ALL_SHARE, FILE_CREATE, 0, &t, NULL);
    is_int(rename_to(a, "busy.txt", true), STATUS_ACCESS_DENIED,
           "rename over an open file is refused");
    close_file(t);
    is_int(rename_to(a, "busy.txt", true), STATUS_SUCCESS, "  and works once it is closed");
    close_file(b);
    close_file(a);
}

static void listing(void)
{
    struct lwio_file *f, *dir;
    create("list", FILE_LIST_DIRECTORY, ALL_SHARE, FILE_CREATE, FILE_DIRECTORY_FILE, &dir, NULL);
    create("list\\one.txt", RW, ALL_SHARE, FILE_CREATE, 0, &f, NULL);
    close_file(f);
    create("list\\two.doc", RW, ALL_SHARE, FILE_CREATE, 0, &f, NULL);
    close_file(f);
    uint8_t buf[4096];
    struct io_status_block sb;
    NTSTATUS st = LwNtQueryDirectoryFile(dir, NULL, &sb, buf, sizeof buf,
                                         FileIdBothDirectoryInformation, false, "*.TXT", true);
    char *name = NULL;
    if (st == STATUS_SUCCESS && sb.information >= 104 && le32_load(buf) == 0)
        utf16le_to_utf8(buf + 104, le32_load(buf + 60), &name);
    is_str(name, "one.txt", "FileIdBothDirectoryInformation with *.TXT finds one.txt only");
    free(name);
    is_int(LwNtQueryDirectoryFile(dir, NULL, &sb, buf, sizeof buf, FileNamesInformation, false,
                                  NULL, false),
           STATUS_NO_MORE_FILES, "  and then no more");
    /* Every class, each from a restart: ".", "..", one.txt, two.doc. */
    static const uint32_t classes[] = { FileDirectoryInformation, FileFullDirectoryInformation,
                                        FileBothDirectoryInformation, FileNamesInformation,
                                        FileIdBothDirectoryInformation,
                                        FileIdFullDirectoryInformation };
    for (size_t i = 0; i < sizeof classes / sizeof classes[0]; i++) {
        int entries = 0;
        st = LwNtQueryDirectoryFile(dir, NULL, &sb, buf, sizeof buf, classes[i], false, "*",
                                    true);
        for (size_t at = 0; st == STATUS_SUCCESS && at + 4 <= sb.information && entries < 10;) {
            entries++;
            uint32_t next = le32_load(buf + at);
            if (!next)
                break;
            at += next;
        }
        ok(st == STATUS_SUCCESS && entries == 4, "class %u lists 4 entries", classes[i]);
    }
    close_file(dir);
}

static void information(void)
{
    struct lwio_file *f;
    struct io_status_block sb;
    create("info.txt", RW, ALL_SHARE, FILE_CREATE, 0, &f, NULL);
    LwNtWriteFile(f, NULL, &sb, "12345", 5, &(uint64_t){ 0 }, NULL);
    uint8_t buf[512];
    is_int(LwNtQueryInformationFile(f, NULL, &sb, buf, sizeof buf, FileAllInformation),
           STATUS_SUCCESS, "FileAllInformation through lwiod");
    char *name = NULL;
    if (sb.information > 100)
        utf16le_to_utf8(buf + 100, le32_load(buf + 96), &name);
    ok(le64_load(buf + 48) == 5 && name && strcmp(name, "\\info.txt") == 0,
       "  size 5, name \\info.txt");
    free(name);
    is_int(LwNtQueryInformationFile(f, NULL, &sb, buf, 104, FileAllInformation),
           STATUS_BUFFER_OVERFLOW, "  a short buffer: STATUS_BUFFER_OVERFLOW");
    uint8_t eof[8];
    le64_store(eof, 2);
    is_int(LwNtSetInformationFile(f, NULL, &sb, eof, 8, FileEndOfFileInformation),
           STATUS_SUCCESS, "set the end of file");
    is_int(LwNtQueryVolumeInformationFile(f, NULL, &sb, buf, sizeof buf,
                                          FileFsFullSizeInformation),
           STATUS_SUCCESS, "FileFsFullSizeInformation");
    is_int((long long)sb.information, 32, "  32 bytes");
    close_file(f);
    struct stat st;
    ok(stat(disk("info.txt"), &st) == 0 && st.st_size == 2, "  the file was cut to 2 bytes");
}

static void escapes(void)
{
    struct lwio_file *f;
    symlink("/etc", disk("etc"));
    is_int(create("etc\\passwd", FILE_GENERIC_READ, ALL_SHARE, FILE_OPEN, 0, &f, NULL),
           STATUS_ACCESS_DENIED, "a symlink to /etc is refused");
    close_file(f);
    ok(create("..\\registry.db", FILE_GENERIC_READ, ALL_SHARE, FILE_OPEN, 0, &f, NULL) !=
           STATUS_SUCCESS, "\"..\" cannot leave the root");
    close_file(f);
}

static void security(void)
{
    struct lwio_file *f;
    struct io_status_block sb;
    create("sec.txt", RW | WRITE_DAC | WRITE_OWNER | READ_CONTROL, ALL_SHARE, FILE_CREATE, 0, &f,
           NULL);
    struct security_descriptor sd;
    sddl_parse("O:BAG:SYD:P(D;;0x116;;;SY)(A;;FA;;;WD)", &sd);
    uint8_t *bytes;
    size_t len;
    secdesc_to_bytes(&sd, &bytes, &len);
    secdesc_free(&sd);
    uint32_t secinfo = OWNER_SECURITY_INFORMATION | GROUP_SECURITY_INFORMATION |
                       DACL_SECURITY_INFORMATION;
    is_int(LwNtSetSecurityFile(f, NULL, &sb, secinfo, bytes, (uint32_t)len), STATUS_SUCCESS,
           "set a descriptor denying SYSTEM write");
    uint8_t back[1024];
    is_int(LwNtQuerySecurityFile(f, NULL, &sb, secinfo, back, sizeof back), STATUS_SUCCESS,
           "read it back");
    is_mem(back, sb.information, bytes, len, "  byte for byte");
    free(bytes);
    close_file(f);
    is_int(create("sec.txt", FILE_WRITE_DATA, ALL_SHARE, FILE_OPEN, 0, &f, NULL),
           STATUS_ACCESS_DENIED, "the DACL's deny is enforced");
    is_int(create("sec.txt", FILE_READ_DATA, ALL_SHARE, FILE_OPEN, 0, &f, NULL), STATUS_SUCCESS,
           "  reading is still allowed");
    close_file(f);
}

static void streams(void)
{
    struct lwio_file *f;
    struct io_status_block sb;
    is_int(create("ads.txt:meta", RW, ALL_SHARE, FILE_CREATE, 0, &f, NULL), STATUS_SUCCESS,
           "create ads.txt:meta");
    LwNtWriteFile(f, NULL, &sb, "stream data", 11, &(uint64_t){ 0 }, NULL);
    close_file(f);
    char buf[64] = { 0 };
    create("ads.txt:meta:$DATA", FILE_GENERIC_READ, ALL_SHARE, FILE_OPEN, 0, &f, NULL);
    NTSTATUS st = f ? LwNtReadFile(f, NULL, &sb, buf, sizeof buf, &(uint64_t){ 0 }, NULL) : 0;
    ok(st == STATUS_SUCCESS && sb.information == 11 && memcmp(buf, "stream data", 11) == 0,
       "the stream reads back");
    close_file(f);
    struct stat st2;
    ok(stat(disk("ads.txt"), &st2) == 0 && st2.st_size == 0, "  and the file itself is empty");
}

int main(void)
{
    if (start() != 0) {
        ok(0, "start lwiod with pvfs");
        lwiod_show_log(&d);
        lwiod_cleanup(&d);
        return done_testing();
    }
    dispositions();
    sharing_and_delete();
    locks();
    renames();
    listing();
    information();
    escapes();
    security();
    streams();
    LwIoDisconnect(c);
    int rc = lwiod_stop(&d);
    is_int(rc, 0, "lwiod stops cleanly");
    if (rc != 0 || getenv("PVFS_SHOW_LOG"))
        lwiod_show_log(&d);
    lwiod_cleanup(&d);
    return done_testing();
}
