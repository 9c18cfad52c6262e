/* pvfs 8.3 short names: which names are 8.3 names, the generated short
 * names (shape, stability, case, collisions of names sharing a prefix),
 * and the engine with short names on and off: FileAlternateNameInformation,
 * the Both directory classes, CREATE by a short name in any component, and
 * patterns that match a short name. */
#include "t/pvfs-util.h"

#include "drivers/pvfs/pvfs_private.h"
#include "lib/utf16.h"

static struct pvfs_volume *vol;
static struct access_token *alice;

static void eight_dot_three(void)
{
    static const char *const valid[] = { "A.TXT", "info.txt", "README", "12345678.123",
                                         "a", "x.y", "$ms-~1.{}" };
    static const char *const invalid[] = { "123456789", "a.b.c", "a b.txt", "a+b.txt",
                                           "a,b", "a;b", "a=b", "[ab]", ".profile", "x.",
                                           "abc.abcd", "\xc3\xa9.txt", "", "." };
    for (size_t i = 0; i < sizeof valid / sizeof valid[0]; i++)
        ok(pvfs_name_is_8dot3(valid[i]), "'%s' is an 8.3 name", valid[i]);
    for (size_t i = 0; i < sizeof invalid / sizeof invalid[0]; i++)
        ok(!pvfs_name_is_8dot3(invalid[i]), "'%s' is not an 8.3 name", invalid[i]);
    char s[PVFS_SHORT_NAME_SIZE];
    ok(!pvfs_short_name("info.txt", s) && s[0] == '\0', "an 8.3 name gets no generated name");
    ok(!pvfs_short_name(".", s) && !pvfs_short_name("..", s), ". and .. get none");
}

static void generated(void)
{
    char a[PVFS_SHORT_NAME_SIZE], b[PVFS_SHORT_NAME_SIZE];
    ok(pvfs_short_name("testsmb2_file.dat", a), "a long name gets a short name");
    /* Pinned: the name must never change (clients may have stored it). */
    is_str(a, "TEIHFO~V.DAT", "  the same one, release after release");
    ok(pvfs_short_name_shaped(a) && !pvfs_name_is_8dot3("testsmb2_file.dat"),
       "  of the shape a lookup searches for");
    ok(pvfs_short_name("TestSMB2_File.DAT", b) && strcmp(a, b) == 0,
       "  and the same whatever the long name's case");
    ok(pvfs_short_name_is("testsmb2_file.dat", "teihfo~v.dat"),
       "  recognised in any case");
    ok(!pvfs_short_name_is("testsmb2_file.dat", "TEIHFO~V.DA"), "  but not a prefix of it");

    pvfs_short_name("testsmb2_file1.dat", a);
    pvfs_short_name("testsmb2_file2.dat", b);
    ok(strcmp(a, b) != 0, "two names with one prefix differ: %s %s", a, b);
    /* Two hundred names sharing everything but a number: all distinct. */
    char names[200][PVFS_SHORT_NAME_SIZE];
    int clashes = 0;
    for (int i = 0; i < 200; i++) {
        char lng[64];
        snprintf(lng, sizeof lng, "Quarterly Report %03d.xlsx", i);
        pvfs_short_name(lng, names[i]);
        for (int j = 0; j < i; j++)
            clashes += strcmp(names[i], names[j]) == 0;
    }
    is_int(clashes, 0, "200 names with a common prefix: 200 short names");
    ok(strncmp(names[7], "QU", 2) == 0 && strcmp(names[7] + 8, ".XLS") == 0,
       "  the name's first letters and extension, upper case: %s", names[7]);

    pvfs_short_name("no extension here", a);
    ok(strlen(a) == 8 && strncmp(a, "NO", 2) == 0 && a[6] == '~', "no dot: no extension (%s)", a);
    pvfs_short_name(".profile", a);
    ok(strlen(a) == 8 && strncmp(a, "PR", 2) == 0, "a leading dot is no extension (%s)", a);
    pvfs_short_name("\xc3\xa9t\xc3\xa9 long.txt", a);
    ok(strncmp(a, "_T", 2) == 0 && strcmp(a + 8, ".TXT") == 0,
       "a non-ASCII character becomes one _ (%s)", a);
    pvfs_short_name("a+b", a);
    ok(strncmp(a, "A_", 2) == 0 && strlen(a) == 8, "a character FAT refuses becomes _ (%s)", a);
    pvfs_short_name("archive.tar.gz", a);
    ok(strncmp(a, "AR", 2) == 0 && strcmp(a + 8, ".GZ") == 0, "the last dot's extension (%s)", a);
    pvfs_short_name("x.h+p~", a);
    ok(strcmp(a + 8, ".H_P") == 0, "the extension mapped the same way (%s)", a);
    pvfs_short_name("z", a);
    pvfs_short_name("zz.a b", a);
    ok(a[0] == 'Z' && a[1] == 'Z' && strcmp(a + 8, ".AB") == 0, "spaces left out (%s)", a);
    pvfs_short_name(" .x", a);
    ok(strncmp(a, "__", 2) == 0 && strcmp(a + 8, ".X") == 0, "nothing usable: _ padding (%s)", a);

    ok(!pvfs_short_name_shaped("README.TXT"), "README.TXT is not shaped like a short name");
    ok(!pvfs_short_name_shaped("AB~12345"), "~ in the wrong place is not");
    ok(pvfs_short_name_shaped("ab12cd~e.t"), "lower case is");
    ok(!pvfs_short_name_shaped("AB12CD~E."), "an empty extension is not");
}

/* ---- the engine ---- */

static NTSTATUS open_as(const char *path, bool short_names, uint32_t options,
                        struct pvfs_file **f)
{
    struct pvfs_create_args a = args_of(path, FILE_GENERIC_READ, SHARE_ALL, FILE_OPEN, options);
    a.short_names = short_names;
    uint32_t action;
    *f = NULL;
    return pvfs_create(vol, alice, &a, f, &action);
}

/* A UTF-16 name of a query as UTF-8 (static buffer). */
static const char *name_at(const uint8_t *p, uint32_t len)
{
    static char out[600];
    char *u = NULL;
    out[0] = '\0';
    if (utf16le_to_utf8(p, len, &u) == STATUS_SUCCESS)
        snprintf(out, sizeof out, "%s", u);
    free(u);
    return out;
}

static NTSTATUS alt_name(const char *path, bool short_names, char *out, size_t size)
{
    struct pvfs_file *f;
    out[0] = '\0';
    NTSTATUS st = open_as(path, short_names, 0, &f);
    if (st != STATUS_SUCCESS)
        return st;
    uint8_t buf[128];
    uint32_t n = 0;
    st = pvfs_query_information(f, FileAlternateNameInformation, buf, sizeof buf, &n);
    if (st == STATUS_SUCCESS && n >= 4)
        snprintf(out, size, "%s", name_at(buf + 4, le32_load(buf)));
    pvfs_close(f);
    return st;
}

static char *opened_name(const char *path, bool short_names, NTSTATUS *st)
{
    struct pvfs_file *f;
    *st = open_as(path, short_names, 0, &f);
    if (*st != STATUS_SUCCESS)
        return NULL;
    uint8_t buf[512];
    uint32_t n = 0;
    char *out = NULL;
    if (pvfs_query_information(f, FileNameInformation, buf, sizeof buf, &n) == STATUS_SUCCESS)
        out = strdup(name_at(buf + 4, le32_load(buf)));
    pvfs_close(f);
    return out;
}

static void alternate_name(void)
{
    char s[PVFS_SHORT_NAME_SIZE], got[64];
    pvfs_short_name("Long File Name.txt", s);
    is_int(alt_name("Long File Name.txt", true, got, sizeof got), STATUS_SUCCESS,
           "FileAlternateNameInformation of a long name");
    is_str(got, s, "  is its short name");
    is_int(alt_name("Long File Name.txt", false, got, sizeof got), STATUS_OBJECT_NAME_NOT_FOUND,
           "  none with short names off");
    is_int(alt_name("info.txt", true, got, sizeof got), STATUS_SUCCESS, "an 8.3 name");
    is_str(got, "info.txt", "  is its own short name, as spelled");
    is_int(alt_name("info.txt", false, got, sizeof got), STATUS_SUCCESS, "  short names off too");
    struct pvfs_file *f;
    uint8_t buf[16];
    uint32_t n = 0;
    open_as("Long File Name.txt", true, 0, &f);
    is_int(f ? pvfs_query_information(f, FileAlternateNameInformation, buf, 7, &n)
             : STATUS_UNSUCCESSFUL,
           STATUS_INFO_LENGTH_MISMATCH, "  7 bytes are too few for the structure");
    is_int(f ? pvfs_query_information(f, FileAlternateNameInformation, buf, 8, &n)
             : STATUS_UNSUCCESSFUL,
           STATUS_BUFFER_OVERFLOW, "  8 bytes: the start of the name");
    ok(n == 8 && le32_load(buf) == 2 * strlen(s), "  with the whole name's length");
    pvfs_close(f);
    is_int(alt_name("", true, got, sizeof got), STATUS_OBJECT_NAME_NOT_FOUND,
           "the root has no name");
    is_int(alt_name("Long File Name.txt:s", true, got, sizeof got), STATUS_OBJECT_NAME_NOT_FOUND,
           "a stream has none");
}

static void open_by_short_name(void)
{
    char s[PVFS_SHORT_NAME_SIZE], d[PVFS_SHORT_NAME_SIZE], path[64];
    NTSTATUS st;
    pvfs_short_name("Long File Name.txt", s);
    char *n = opened_name(s, true, &st);
    is_int(st, STATUS_SUCCESS, "CREATE by the short name %s", s);
    is_str(n, "\\Long File Name.txt", "  opens the long-named file");
    free(n);
    for (char *p = s; *p; p++)
        *p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
    n = opened_name(s, true, &st);
    is_str(n, "\\Long File Name.txt", "  in lower case too");
    free(n);
    n = opened_name(s, false, &st);
    is_int(st, STATUS_OBJECT_NAME_NOT_FOUND, "  not with short names off");
    free(n);

    pvfs_short_name("Long Directory Name", d);
    snprintf(path, sizeof path, "%s\\inner file name.txt", d);
    n = opened_name(path, true, &st);
    is_str(n, "\\Long Directory Name\\inner file name.txt", "a short name as a directory");
    free(n);
    pvfs_short_name("inner file name.txt", s);
    snprintf(path, sizeof path, "%s\\%s", d, s);
    n = opened_name(path, true, &st);
    is_str(n, "\\Long Directory Name\\inner file name.txt", "short names in every component");
    free(n);
    snprintf(path, sizeof path, "Long Directory Name\\%s", s);
    n = opened_name(path, false, &st);
    is_int(st, STATUS_OBJECT_NAME_NOT_FOUND, "  off: not found");
    free(n);
    n = opened_name(path, true, &st);
    ok(n != NULL, "  on: a long name, then a short one");
    free(n);
    struct pvfs_file *f;
    is_int(open_as(d, true, FILE_DIRECTORY_FILE, &f), STATUS_SUCCESS,
           "a directory opens by its short name");
    pvfs_close(f);

    char a[PVFS_SHORT_NAME_SIZE], b[PVFS_SHORT_NAME_SIZE];
    pvfs_short_name("testsmb2_file1.dat", a);
    pvfs_short_name("testsmb2_file2.dat", b);
    n = opened_name(a, true, &st);
    is_str(n, "\\testsmb2_file1.dat", "two names sharing a prefix: each short name opens its own");
    free(n);
    n = opened_name(b, true, &st);
    is_str(n, "\\testsmb2_file2.dat", "  (the other)");
    free(n);

    /* A real file whose name is another file's short name wins. */
    pvfs_short_name("shadowed long name.txt", s);
    write_disk_file(s, "real");
    n = opened_name(s, true, &st);
    is_str(n + 1, s, "an entry of that exact name wins over a short name");
    free(n);
    n = opened_name("ZZ0000~0.TXT", true, &st);
    is_int(st, STATUS_OBJECT_NAME_NOT_FOUND, "a short-name shape that names nothing: not found");
    free(n);
}

/* The first entry of a one-entry listing of dir with pattern in cls:
 * its name and short name. */
static NTSTATUS list_one(const char *dir, const char *pattern, bool short_names, uint32_t cls,
                         char *name, char *short_name, int *count)
{
    struct pvfs_file *d;
    *count = 0;
    name[0] = short_name[0] = '\0';
    NTSTATUS st = open_as(dir, short_names, FILE_DIRECTORY_FILE, &d);
    if (st != STATUS_SUCCESS)
        return st;
    uint8_t buf[4096];
    uint32_t n = 0;
    st = pvfs_query_directory(d, cls, pattern, 0, buf, sizeof buf, &n);
    for (uint32_t at = 0; st == STATUS_SUCCESS && at < n;) {
        struct buf_reader r;
        rd_init(&r, buf + at, n - at);
        uint32_t next = rd_u32(&r);
        rd_skip(&r, 4 + 6 * 8 + 4); /* FileIndex, times, sizes, attributes */
        uint32_t name_len = rd_u32(&r);
        rd_u32(&r); /* EaSize */
        uint8_t short_len = rd_u8(&r);
        rd_u8(&r);
        const uint8_t *sn = rd_bytes(&r, 24);
        if (cls == FileIdBothDirectoryInformation)
            rd_skip(&r, 2 + 8);
        const uint8_t *nm = rd_bytes(&r, name_len);
        if (!rd_ok(&r) || short_len > 24)
            return STATUS_UNSUCCESSFUL;
        if ((*count)++ == 0) {
            strcpy(name, name_at(nm, name_len));
            strcpy(short_name, name_at(sn, short_len));
        }
        if (!next)
            break;
        at += next;
    }
    pvfs_close(d);
    return st;
}

static void listings(void)
{
    char name[300], sn[64], want[PVFS_SHORT_NAME_SIZE];
    int count;
    pvfs_short_name("Long File Name.txt", want);
    static const uint32_t cls[] = { FileBothDirectoryInformation, FileIdBothDirectoryInformation };
    for (int i = 0; i < 2; i++) {
        is_int(list_one("", "Long File Name.txt", true, cls[i], name, sn, &count), STATUS_SUCCESS,
               "class %u: list a long name", cls[i]);
        is_str(sn, want, "  ShortName is its short name");
        list_one("", "Long File Name.txt", false, cls[i], name, sn, &count);
        is_str(sn, "", "  none with short names off");
        list_one("", "info.txt", true, cls[i], name, sn, &count);
        ok(strcmp(name, "info.txt") == 0 && sn[0] == '\0', "  an 8.3 name has none (%s)", sn);
    }
    is_int(list_one("", want, true, FileBothDirectoryInformation, name, sn, &count),
           STATUS_SUCCESS, "a pattern that is a short name");
    ok(count == 1 && strcmp(name, "Long File Name.txt") == 0, "  lists its long name (%s)", name);
    is_int(list_one("", want, false, FileBothDirectoryInformation, name, sn, &count),
           STATUS_NO_SUCH_FILE, "  not with short names off");
    write_disk_file("notes.txt1", "x");
    is_int(list_one("", "*.TXT1", true, FileBothDirectoryInformation, name, sn, &count),
           STATUS_SUCCESS, "*.TXT1 lists notes.txt1");
    list_one("", "notes.*", true, FileBothDirectoryInformation, name, sn, &count);
    ok(count == 1 && strcmp(name, "notes.txt1") == 0, "notes.* too");
    char notes[PVFS_SHORT_NAME_SIZE];
    pvfs_short_name("notes.txt1", notes);
    list_one("", "NO*.TXT", true, FileBothDirectoryInformation, name, sn, &count);
    ok(count == 1 && strcmp(name, "notes.txt1") == 0 && strcmp(sn, notes) == 0,
       "NO*.TXT matches it by its short name %s, as Windows does", notes);
    is_int(list_one("", "NO*.TXT", false, FileBothDirectoryInformation, name, sn, &count),
           STATUS_NO_SUCH_FILE, "  but not with short names off");
}

int main(void)
{
    umask(0);
    const char *root = scratch_dir();
    chmod(root, 0777);
    alice = make_token(ALICE);
    eight_dot_three();
    generated();
    if (pvfs_volume_open(root, &vol) != STATUS_SUCCESS) {
        ok(0, "open the volume");
        return done_testing();
    }
    write_disk_file("Long File Name.txt", "long");
    write_disk_file("info.txt", "info");
    write_disk_file("testsmb2_file1.dat", "1");
    write_disk_file("testsmb2_file2.dat", "2");
    mkdir(on_disk("Long Directory Name"), 0777);
    write_disk_file("Long Directory Name/inner file name.txt", "inner");
    alternate_name();
    open_by_short_name();
    listings();
    pvfs_volume_close(vol);
    token_free(alice);
    return done_testing();
}
