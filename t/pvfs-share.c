/* pvfs share modes and deletion: the access/share-mode matrix across two
 * opens (and two hard links of one file), delete-on-close with a second
 * open, delete pending, and the delete checks on streams and directories. */
#include "t/pvfs-util.h"

static struct pvfs_volume *vol;
static struct access_token *alice;

static const uint32_t accesses[] = { FILE_READ_DATA, FILE_WRITE_DATA, FILE_APPEND_DATA,
                                     FILE_EXECUTE, DELETE, FILE_READ_ATTRIBUTES,
                                     FILE_READ_DATA | FILE_WRITE_DATA };

/* The rule of [MS-FSA] 2.1.5.1.2.2, written out independently of node.c:
 * each side's data rights must be allowed by the other side's sharing. */
static bool expect_conflict(uint32_t a1, uint32_t s1, uint32_t a2, uint32_t s2)
{
    const uint32_t data =
        FILE_READ_DATA | FILE_WRITE_DATA | FILE_APPEND_DATA | FILE_EXECUTE | DELETE;
    if (!(a1 & data) || !(a2 & data))
        return false;
    struct { uint32_t rights; uint32_t share; } need[] = {
        { FILE_READ_DATA | FILE_EXECUTE, FILE_SHARE_READ },
        { FILE_WRITE_DATA | FILE_APPEND_DATA, FILE_SHARE_WRITE },
        { DELETE, FILE_SHARE_DELETE },
    };
    for (int i = 0; i < 3; i++) {
        if ((a2 & need[i].rights) && !(s1 & need[i].share))
            return true;
        if ((a1 & need[i].rights) && !(s2 & need[i].share))
            return true;
    }
    return false;
}

static void matrix(void)
{
    struct pvfs_file *f;
    open_file(vol, alice, "m.txt", FILE_GENERIC_WRITE, SHARE_ALL, FILE_CREATE, 0, &f, NULL);
    pvfs_close(f);
    int checked = 0, wrong = 0;
    for (size_t i = 0; i < sizeof accesses / sizeof accesses[0]; i++)
        for (uint32_t s1 = 0; s1 <= 7; s1++)
            for (size_t j = 0; j < sizeof accesses / sizeof accesses[0]; j++)
                for (uint32_t s2 = 0; s2 <= 7; s2++) {
                    struct pvfs_file *first = NULL, *second = NULL;
                    NTSTATUS st1 = open_file(vol, alice, "m.txt", accesses[i], s1, FILE_OPEN, 0,
                                             &first, NULL);
                    NTSTATUS st2 = open_file(vol, alice, "m.txt", accesses[j], s2, FILE_OPEN, 0,
                                             &second, NULL);
                    NTSTATUS want = expect_conflict(accesses[i], s1, accesses[j], s2)
                                        ? STATUS_SHARING_VIOLATION : STATUS_SUCCESS;
                    checked++;
                    if (st1 != STATUS_SUCCESS || st2 != want) {
                        if (wrong++ < 5)
                            diag("access 0x%x share %u then access 0x%x share %u: %s, want %s",
                                 accesses[i], s1, accesses[j], s2, nt_status_name(st2),
                                 nt_status_name(want));
                    }
                    pvfs_close(second);
                    pvfs_close(first);
                }
    ok(wrong == 0, "share-mode matrix: %d pairs of opens as [MS-FSA] says", checked);

    /* The same file through a hard link is the same file. */
    char target[600];
    snprintf(target, sizeof target, "%s", on_disk("m.txt"));
    if (link(target, on_disk("m-link.txt")) != 0)
        diag("link failed");
    struct pvfs_file *a = NULL, *b = NULL;
    is_int(open_file(vol, alice, "m.txt", FILE_WRITE_DATA, FILE_SHARE_READ, FILE_OPEN, 0, &a, NULL),
           STATUS_SUCCESS, "open through one name, sharing only reads");
    is_int(open_file(vol, alice, "m-link.txt", FILE_WRITE_DATA, SHARE_ALL, FILE_OPEN, 0, &b, NULL),
           STATUS_SHARING_VIOLATION,
           "writing through a hard link conflicts");
    pvfs_close(b);
    pvfs_close(a);
    /* Closing releases: the pair that conflicted now opens. */
    a = NULL;
    is_int(open_file(vol, alice, "m.txt", FILE_WRITE_DATA, 0, FILE_OPEN, 0, &a, NULL),
           STATUS_SUCCESS, "after the closes an exclusive open works");
    pvfs_close(a);
}

static bool exists(const char *rel)
{
    return access(on_disk(rel), F_OK) == 0;
}

static uint8_t delete_pending_of(struct pvfs_file *f)
{
    uint8_t buf[24];
    uint32_t n = 0;
    if (pvfs_query_information(f, FileStandardInformation, buf, sizeof buf, &n) != STATUS_SUCCESS)
        return 0xff;
    return buf[20];
}

static void delete_on_close(void)
{
    struct pvfs_file *a = NULL, *b = NULL, *c = NULL;
    open_file(vol, alice, "doc.txt", FILE_GENERIC_WRITE, SHARE_ALL, FILE_CREATE, 0, &a, NULL);
    pvfs_close(a);
    a = NULL;
    is_int(open_file(vol, alice, "doc.txt", DELETE | FILE_READ_DATA, SHARE_ALL, FILE_OPEN,
                     FILE_DELETE_ON_CLOSE, &a, NULL),
           STATUS_SUCCESS, "open with delete-on-close");
    is_int(open_file(vol, alice, "doc.txt", FILE_READ_DATA, SHARE_ALL, FILE_OPEN, 0, &b, NULL),
           STATUS_SUCCESS, "a second open while the first is open");
    is_int(delete_pending_of(b), 0, "  delete is not pending yet");
    pvfs_close(a);
    ok(exists("doc.txt"), "closing the delete-on-close open leaves the file to the other open");
    is_int(delete_pending_of(b), 1, "  which now sees delete pending");
    is_int(open_file(vol, alice, "doc.txt", FILE_READ_DATA, SHARE_ALL, FILE_OPEN, 0, &c, NULL),
           STATUS_DELETE_PENDING, "a new open fails with STATUS_DELETE_PENDING");
    pvfs_close(b);
    ok(!exists("doc.txt"), "the last close deletes the file");

    /* Delete-on-close needs the others to share delete. */
    a = b = NULL;
    open_file(vol, alice, "doc2.txt", FILE_READ_DATA, FILE_SHARE_READ, FILE_CREATE, 0, &a, NULL);
    is_int(open_file(vol, alice, "doc2.txt", DELETE, SHARE_ALL, FILE_OPEN, FILE_DELETE_ON_CLOSE,
                     &b, NULL),
           STATUS_SHARING_VIOLATION, "delete-on-close against an open that does not share delete");
    pvfs_close(a);

    /* Disposition: set, observe, clear. */
    a = b = c = NULL;
    open_file(vol, alice, "disp.txt", DELETE | FILE_READ_DATA, SHARE_ALL, FILE_OPEN_IF, 0, &a,
              NULL);
    uint8_t yes = 1, no = 0;
    is_int(pvfs_set_information(a, FileDispositionInformation, &yes, 1), STATUS_SUCCESS,
           "set delete pending");
    is_int(delete_pending_of(a), 1, "  reported by FileStandardInformation");
    is_int(open_file(vol, alice, "disp.txt", FILE_READ_DATA, SHARE_ALL, FILE_OPEN, 0, &b, NULL),
           STATUS_DELETE_PENDING, "  new opens fail");
    is_int(pvfs_set_information(a, FileDispositionInformation, &no, 1), STATUS_SUCCESS,
           "clear it again");
    is_int(open_file(vol, alice, "disp.txt", FILE_READ_DATA, SHARE_ALL, FILE_OPEN, 0, &b, NULL),
           STATUS_SUCCESS, "  new opens work again");
    pvfs_close(b);
    pvfs_close(a);
    ok(exists("disp.txt"), "  and the file stays");
    a = NULL;
    open_file(vol, alice, "disp.txt", FILE_READ_DATA, SHARE_ALL, FILE_OPEN, 0, &a, NULL);
    is_int(pvfs_set_information(a, FileDispositionInformation, &yes, 1), STATUS_ACCESS_DENIED,
           "setting delete pending needs DELETE access");
    pvfs_close(a);

    /* Directories. */
    a = b = c = NULL;
    open_file(vol, alice, "full", FILE_LIST_DIRECTORY | DELETE, SHARE_ALL, FILE_CREATE,
              FILE_DIRECTORY_FILE, &a, NULL);
    open_file(vol, alice, "full\\f.txt", FILE_GENERIC_WRITE, SHARE_ALL, FILE_CREATE, 0, &b, NULL);
    pvfs_close(b);
    is_int(pvfs_set_information(a, FileDispositionInformation, &yes, 1),
           STATUS_DIRECTORY_NOT_EMPTY, "a directory with files cannot be deleted");
    b = NULL;
    open_file(vol, alice, "full\\f.txt", DELETE, SHARE_ALL, FILE_OPEN, FILE_DELETE_ON_CLOSE, &b,
              NULL);
    pvfs_close(b);
    ok(!exists("full/f.txt"), "its file goes");
    is_int(pvfs_set_information(a, FileDispositionInformation, &yes, 1), STATUS_SUCCESS,
           "then the empty directory can be deleted");
    is_int(open_file(vol, alice, "full\\g.txt", FILE_GENERIC_WRITE, SHARE_ALL, FILE_CREATE, 0, &c,
                     NULL),
           STATUS_DELETE_PENDING, "nothing can be created in a directory being deleted");
    pvfs_close(a);
    ok(!exists("full"), "the directory is gone after its close");
    a = NULL;
    open_file(vol, alice, "", DELETE | FILE_LIST_DIRECTORY, SHARE_ALL, FILE_OPEN, 0, &a, NULL);
    ok(a && pvfs_set_information(a, FileDispositionInformation, &yes, 1) != STATUS_SUCCESS,
       "the volume root cannot be deleted");
    pvfs_close(a);

    /* A stream that does not share delete protects its file. */
    a = b = NULL;
    open_file(vol, alice, "withstream.txt:s1", FILE_GENERIC_WRITE, FILE_SHARE_READ, FILE_CREATE,
              0, &a, NULL);
    is_int(open_file(vol, alice, "withstream.txt", DELETE, SHARE_ALL, FILE_OPEN, 0, &b, NULL),
           STATUS_SHARING_VIOLATION, "deleting a file whose open stream does not share delete");
    pvfs_close(a);
    is_int(open_file(vol, alice, "withstream.txt", DELETE, SHARE_ALL, FILE_OPEN,
                     FILE_DELETE_ON_CLOSE, &b, NULL),
           STATUS_SUCCESS, "  works once the stream is closed");
    pvfs_close(b);
    ok(!exists("withstream.txt"), "  and deletes the file");

    /* Delete-on-close of a stream removes the stream only. */
    a = b = NULL;
    open_file(vol, alice, "ws.txt:gone", FILE_GENERIC_WRITE | DELETE, SHARE_ALL, FILE_CREATE,
              FILE_DELETE_ON_CLOSE, &a, NULL);
    pvfs_close(a);
    is_int(open_file(vol, alice, "ws.txt:gone", FILE_READ_DATA, SHARE_ALL, FILE_OPEN, 0, &b, NULL),
           STATUS_OBJECT_NAME_NOT_FOUND, "a stream's delete-on-close removes the stream");
    ok(exists("ws.txt"), "  and keeps its file");
}

int main(void)
{
    umask(0);
    const char *root = scratch_dir();
    chmod(root, 0777);
    alice = make_token(ALICE);
    if (pvfs_volume_open(root, &vol) != STATUS_SUCCESS) {
        ok(0, "open the volume");
        return done_testing();
    }
    matrix();
    delete_on_close();
    pvfs_volume_close(vol);
    token_free(alice);
    return done_testing();
}
