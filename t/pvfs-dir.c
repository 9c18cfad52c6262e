/* pvfs directory enumeration: every information class (layout checked
 * field by field), the NT and DOS wildcards, restart, single entry, small
 * buffers, and entries that must not show (links out of the volume, names
 * NT cannot spell). */
#include "t/pvfs-util.h"

#include "drivers/pvfs/pvfs_private.h"
#include "lib/utf16.h"

static struct pvfs_volume *vol;
static struct access_token *alice;

struct entry {
    char name[256];
    uint64_t end_of_file;
    uint32_t attributes;
    uint64_t file_id;
    uint64_t write_time;
};

/* Parses a buffer of entries of one class. Returns the count, -1 if bad. */
static int parse(uint32_t cls, const uint8_t *buf, uint32_t len, struct entry *out, int max)
{
    struct buf_reader r;
    rd_init(&r, buf, len);
    size_t at = 0;
    int n = 0;
    for (;;) {
        if (n >= max)
            return -1;
        struct buf_reader e = rd_sub(&r, at, len - at);
        uint32_t next = rd_u32(&e);
        rd_u32(&e); /* FileIndex */
        struct entry *x = &out[n];
        memset(x, 0, sizeof *x);
        if (cls != FileNamesInformation) {
            rd_skip(&e, 16);
            x->write_time = rd_u64(&e);
            rd_skip(&e, 8);
            x->end_of_file = rd_u64(&e);
            rd_u64(&e);
            x->attributes = rd_u32(&e);
        }
        uint32_t name_len = rd_u32(&e);
        if (cls == FileFullDirectoryInformation)
            rd_u32(&e);
        if (cls == FileIdFullDirectoryInformation) {
            rd_u32(&e);
            rd_u32(&e);
            x->file_id = rd_u64(&e);
        }
        if (cls == FileBothDirectoryInformation || cls == FileIdBothDirectoryInformation) {
            rd_u32(&e);
            uint8_t short_len = rd_u8(&e);
            rd_skip(&e, 1 + 24);
            if (short_len)
                return -1;
            if (cls == FileIdBothDirectoryInformation) {
                rd_u16(&e);
                x->file_id = rd_u64(&e);
            }
        }
        const uint8_t *name = rd_bytes(&e, name_len);
        char *utf8 = NULL;
        if (!rd_ok(&e) || utf16le_to_utf8(name, name_len, &utf8) != STATUS_SUCCESS)
            return -1;
        snprintf(x->name, sizeof x->name, "%s", utf8);
        free(utf8);
        n++;
        if (next == 0)
            break;
        if (next % 8 || next > len - at)
            return -1;
        at += next;
    }
    return n;
}

/* Lists dir with pattern in one class; names joined by spaces, sorted. */
static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *listing(const char *dir, const char *pattern, uint32_t cls, NTSTATUS *first)
{
    struct pvfs_file *d = NULL;
    if (open_file(vol, alice, dir, FILE_LIST_DIRECTORY, SHARE_ALL, FILE_OPEN, FILE_DIRECTORY_FILE,
                  &d, NULL) != STATUS_SUCCESS)
        return NULL;
    char *names[256];
    int count = 0;
    uint8_t buf[8192];
    NTSTATUS st;
    for (int round = 0; round < 100; round++) {
        uint32_t n = 0;
        st = pvfs_query_directory(d, cls, pattern, 0, buf, sizeof buf, &n);
        if (round == 0 && first)
            *first = st;
        if (st != STATUS_SUCCESS)
            break;
        struct entry e[64];
        int k = parse(cls, buf, n, e, 64);
        if (k < 0) {
            diag("bad buffer for class %u", cls);
            break;
        }
        for (int i = 0; i < k && count < 256; i++)
            names[count++] = strdup(e[i].name);
    }
    pvfs_close(d);
    qsort(names, (size_t)count, sizeof names[0], cmp);
    char *out = calloc(1, 4096);
    for (int i = 0; i < count; i++) {
        if (i)
            strcat(out, " ");
        strncat(out, names[i], 4096 - strlen(out) - 2);
        free(names[i]);
    }
    return out;
}

static void make(const char *path, const char *content)
{
    struct pvfs_file *f = NULL;
    open_file(vol, alice, path, FILE_GENERIC_WRITE, SHARE_ALL, FILE_CREATE, 0, &f, NULL);
    uint32_t n;
    if (f && content)
        pvfs_write(f, content, (uint32_t)strlen(content), NULL, 0, &n);
    pvfs_close(f);
}

static void classes(void)
{
    static const uint32_t cls[] = { FileDirectoryInformation, FileFullDirectoryInformation,
                                    FileBothDirectoryInformation, FileIdBothDirectoryInformation,
                                    FileIdFullDirectoryInformation, FileNamesInformation };
    for (size_t i = 0; i < sizeof cls / sizeof cls[0]; i++) {
        char *l = listing("d", "*", cls[i], NULL);
        is_str(l, ". .. Sub a.txt b.TXT c.doc noext readme.md.txt", "class %u lists everything",
               cls[i]);
        free(l);
    }
    /* Field contents, in IdBoth. */
    struct pvfs_file *d = NULL;
    open_file(vol, alice, "d", FILE_LIST_DIRECTORY, SHARE_ALL, FILE_OPEN, 0, &d, NULL);
    uint8_t buf[8192];
    uint32_t n = 0;
    is_int(pvfs_query_directory(d, FileIdBothDirectoryInformation, "a.txt", 0, buf, sizeof buf, &n),
           STATUS_SUCCESS, "a single name as the pattern");
    struct entry e[4];
    struct stat st;
    stat(on_disk("d/a.txt"), &st);
    ok(parse(FileIdBothDirectoryInformation, buf, n, e, 4) == 1 && e[0].end_of_file == 5 &&
           e[0].file_id == st.st_ino && (e[0].attributes & FILE_ATTRIBUTE_ARCHIVE) &&
           e[0].write_time != 0,
       "  size, file id, attributes and times filled in");
    is_int(pvfs_query_directory(d, FileIdBothDirectoryInformation, NULL, 0, buf, sizeof buf, &n),
           STATUS_NO_MORE_FILES, "  then no more files");
    is_int(pvfs_query_directory(d, FileIdBothDirectoryInformation, NULL, SL_RESTART_SCAN, buf,
                                sizeof buf, &n),
           STATUS_SUCCESS, "restart without a pattern keeps the pattern");
    is_int(parse(FileIdBothDirectoryInformation, buf, n, e, 4), 1, "  (one entry again)");
    is_int(pvfs_query_directory(d, FileNamesInformation, "*.doc", SL_RESTART_SCAN, buf,
                                sizeof buf, &n),
           STATUS_SUCCESS, "restart with a new pattern");
    ok(parse(FileNamesInformation, buf, n, e, 4) == 1 && strcmp(e[0].name, "c.doc") == 0,
       "  uses the new pattern");
    is_int(pvfs_query_directory(d, FileNamesInformation, "*", SL_RESTART_SCAN |
                                SL_RETURN_SINGLE_ENTRY, buf, sizeof buf, &n),
           STATUS_SUCCESS, "single entry");
    ok(parse(FileNamesInformation, buf, n, e, 4) == 1 && strcmp(e[0].name, ".") == 0,
       "  returns exactly one, \".\" first");
    is_int(pvfs_query_directory(d, FileNamesInformation, NULL, SL_RETURN_SINGLE_ENTRY, buf,
                                sizeof buf, &n),
           STATUS_SUCCESS, "  the next call");
    ok(parse(FileNamesInformation, buf, n, e, 4) == 1 && strcmp(e[0].name, "..") == 0,
       "  returns \"..\"");
    /* A buffer with room for one entry: the rest stays for the next call. */
    is_int(pvfs_query_directory(d, FileDirectoryInformation, "*", SL_RESTART_SCAN, buf, 70, &n),
           STATUS_SUCCESS, "a buffer for one entry");
    is_int(parse(FileDirectoryInformation, buf, n, e, 4), 1, "  gets one");
    is_int(pvfs_query_directory(d, FileDirectoryInformation, "*", 0, buf, 60, &n),
           STATUS_INFO_LENGTH_MISMATCH, "a buffer below the fixed part");
    is_int(pvfs_query_directory(d, FileDirectoryInformation, "readme*", SL_RESTART_SCAN, buf, 70,
                                &n),
           STATUS_BUFFER_OVERFLOW, "an entry longer than the buffer is cut");
    is_int(n, 70, "  to the buffer's length");
    is_int(pvfs_query_directory(d, 99, "*", SL_RESTART_SCAN, buf, sizeof buf, &n),
           STATUS_INVALID_INFO_CLASS, "an unknown class");
    pvfs_close(d);
    d = NULL;
    open_file(vol, alice, "d\\a.txt", FILE_READ_DATA, SHARE_ALL, FILE_OPEN, 0, &d, NULL);
    is_int(pvfs_query_directory(d, FileNamesInformation, "*", 0, buf, sizeof buf, &n),
           STATUS_INVALID_PARAMETER, "a file cannot be listed");
    pvfs_close(d);
    d = NULL;
    open_file(vol, alice, "d", FILE_READ_ATTRIBUTES, SHARE_ALL, FILE_OPEN, 0, &d, NULL);
    is_int(pvfs_query_directory(d, FileNamesInformation, "*", 0, buf, sizeof buf, &n),
           STATUS_ACCESS_DENIED, "listing needs FILE_LIST_DIRECTORY");
    pvfs_close(d);
}

static void wildcards(void)
{
    static const struct {
        const char *pattern;
        const char *expect;
    } cases[] = {
        { "*", ". .. Sub a.txt b.TXT c.doc noext readme.md.txt" },
        { "*.txt", "a.txt b.TXT readme.md.txt" },
        { "?.txt", "a.txt b.TXT" },
        { "A.TXT", "a.txt" },
        { "*.*", ". .. a.txt b.TXT c.doc readme.md.txt" },
        { "<.txt", "a.txt b.TXT readme.md.txt" },
        { "<.md", "" },
        { "readme<", "" },
        { "noe<", "noext" },
        { "noext\"", "noext" },
        { "a\".txt", "" },
        { "a\"txt", "a.txt" },
        { ">.txt", "a.txt b.TXT" },
        { ">>>>>>>>.>>>", ". a.txt b.TXT c.doc" },
        { ">>>>>>>>\">>>", ". Sub a.txt b.TXT c.doc noext" },
        { "s*", "Sub" },
        { "nomatch*", "" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        NTSTATUS first = 0;
        char *l = listing("d", cases[i].pattern, FileNamesInformation, &first);
        is_str(l, cases[i].expect, "pattern '%s'", cases[i].pattern);
        if (!*cases[i].expect)
            is_int(first, STATUS_NO_SUCH_FILE, "  no match is STATUS_NO_SUCH_FILE");
        free(l);
    }
    ok(!pvfs_name_matches("*a*b*c*d*e*f*g*h*i*j*k*",
                          "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
       "a pathological pattern ends (and does not match)");
    ok(pvfs_name_matches("\xc3\x89T\xc3\x89.TXT", "\xc3\xa9t\xc3\xa9.txt"),
       "case folding beyond ASCII");
    ok(!pvfs_name_matches("a?", "a"), "? needs a character");
    ok(pvfs_name_matches("a>", "a"), "> at the end needs none");
}

static void hidden_entries(void)
{
    symlink("/etc", on_disk("d/Sub/out"));
    symlink("../a.txt", on_disk("d/Sub/in"));
    mkfifo(on_disk("d/Sub/fifo"), 0666);
    write_disk_file("d/Sub/bad:name", "x");
    write_disk_file("d/Sub/.dot", "x");
    char *l = listing("d\\Sub", "*", FileBothDirectoryInformation, NULL);
    is_str(l, ". .. .dot in", "a link out, a FIFO and a name with ':' are not listed");
    free(l);
    struct pvfs_file *d = NULL;
    open_file(vol, alice, "d\\Sub", FILE_LIST_DIRECTORY, SHARE_ALL, FILE_OPEN, 0, &d, NULL);
    uint8_t buf[4096];
    uint32_t n = 0;
    pvfs_query_directory(d, FileBothDirectoryInformation, ".dot", 0, buf, sizeof buf, &n);
    struct entry e[2];
    ok(parse(FileBothDirectoryInformation, buf, n, e, 2) == 1 &&
           (e[0].attributes & FILE_ATTRIBUTE_HIDDEN),
       "a dot file is hidden");
    pvfs_close(d);
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
    struct pvfs_file *f = NULL;
    open_file(vol, alice, "d", FILE_LIST_DIRECTORY, SHARE_ALL, FILE_CREATE, FILE_DIRECTORY_FILE,
              &f, NULL);
    pvfs_close(f);
    f = NULL;
    open_file(vol, alice, "d\\Sub", FILE_LIST_DIRECTORY, SHARE_ALL, FILE_CREATE,
              FILE_DIRECTORY_FILE, &f, NULL);
    pvfs_close(f);
    make("d\\a.txt", "hello");
    make("d\\b.TXT", "");
    make("d\\c.doc", "");
    make("d\\noext", "");
    make("d\\readme.md.txt", "");
    classes();
    wildcards();
    hidden_entries();
    pvfs_volume_close(vol);
    token_free(alice);
    return done_testing();
}
