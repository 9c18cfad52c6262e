/* pvfs sparse files: FSCTL_SET_SPARSE, FSCTL_SET_ZERO_DATA and
 * FSCTL_QUERY_ALLOCATED_RANGES, their bad input and access checks, and the
 * sparse attribute as the information classes and listings show it. */
#include "t/pvfs-util.h"

#include <sys/xattr.h>

#include "lib/buf.h"
#include "lib/log.h"
#include "lib/utf16.h"

#define KIB 1024u
#define MIB (1024u * 1024u)

static struct pvfs_volume *vol;
static struct access_token *alice;

static struct pvfs_file *open_as(const char *path, uint32_t access, uint32_t disposition)
{
    struct pvfs_file *f = NULL;
    if (open_file(vol, alice, path, access, SHARE_ALL, disposition, 0, &f, NULL) !=
        STATUS_SUCCESS)
        return NULL;
    return f;
}

static struct pvfs_file *open_rw(const char *path, uint32_t disposition)
{
    return open_as(path, FILE_GENERIC_READ | FILE_GENERIC_WRITE | DELETE, disposition);
}

static NTSTATUS fsctl(struct pvfs_file *f, uint32_t code, const void *in, uint32_t in_len,
                      void *out, uint32_t out_len, uint32_t *n)
{
    uint32_t ignored;
    if (!f)
        return STATUS_INVALID_HANDLE;
    return pvfs_fs_control(f, code, in, in_len, out, out_len, n ? n : &ignored);
}

static NTSTATUS set_sparse(struct pvfs_file *f, int value)
{
    uint8_t b = (uint8_t)value;
    return value < 0 ? fsctl(f, FSCTL_SET_SPARSE, NULL, 0, NULL, 0, NULL)
                     : fsctl(f, FSCTL_SET_SPARSE, &b, 1, NULL, 0, NULL);
}

static NTSTATUS zero(struct pvfs_file *f, uint64_t offset, uint64_t beyond)
{
    uint8_t in[16];
    le64_store(in, offset);
    le64_store(in + 8, beyond);
    return fsctl(f, FSCTL_SET_ZERO_DATA, in, sizeof in, NULL, 0, NULL);
}

static NTSTATUS qar(struct pvfs_file *f, uint64_t offset, uint64_t length, uint8_t *out,
                    uint32_t out_len, uint32_t *n)
{
    uint8_t in[16];
    le64_store(in, offset);
    le64_store(in + 8, length);
    *n = 0;
    return fsctl(f, FSCTL_QUERY_ALLOCATED_RANGES, in, sizeof in, out, out_len, n);
}

static uint32_t attributes(struct pvfs_file *f)
{
    uint8_t buf[40];
    uint32_t n = 0;
    if (!f || pvfs_query_information(f, FileBasicInformation, buf, sizeof buf, &n) !=
                  STATUS_SUCCESS)
        return 0;
    return le32_load(buf + 32);
}

/* The attributes a listing of the root gives name (FileDirectoryInformation). */
static uint32_t listed_attributes(const char *name)
{
    struct pvfs_file *d = NULL;
    uint32_t result = 0;
    if (open_file(vol, alice, "", FILE_LIST_DIRECTORY, SHARE_ALL, FILE_OPEN,
                  FILE_DIRECTORY_FILE, &d, NULL) != STATUS_SUCCESS)
        return 0;
    uint8_t buf[4096];
    uint32_t n = 0;
    if (pvfs_query_directory(d, FileDirectoryInformation, name, SL_RESTART_SCAN, buf,
                             sizeof buf, &n) == STATUS_SUCCESS && n >= 64)
        result = le32_load(buf + 56);
    pvfs_close(d);
    return result;
}

static void fill(struct pvfs_file *f, uint64_t offset, uint64_t length, uint8_t byte)
{
    static uint8_t chunk[64 * KIB];
    memset(chunk, byte, sizeof chunk);
    while (length > 0) {
        uint32_t n = length < sizeof chunk ? (uint32_t)length : (uint32_t)sizeof chunk;
        uint32_t done = 0;
        if (pvfs_write(f, chunk, n, &offset, 0, &done) != STATUS_SUCCESS || done != n)
            return;
        offset += n;
        length -= n;
    }
}

/* Are [offset, offset+length) all `byte`? */
static bool reads_as(struct pvfs_file *f, uint64_t offset, uint32_t length, uint8_t byte)
{
    uint8_t *buf = malloc(length);
    uint32_t n = 0;
    bool same = buf && pvfs_read(f, buf, length, &offset, 0, &n) == STATUS_SUCCESS && n == length;
    for (uint32_t i = 0; same && i < length; i++)
        same = buf[i] == byte;
    free(buf);
    return same;
}

static long long disk_blocks(const char *rel)
{
    struct stat st;
    return stat(on_disk(rel), &st) == 0 ? (long long)st.st_blocks : -1;
}

static void set_sparse_flag(void)
{
    struct pvfs_file *f = open_rw("flag.bin", FILE_CREATE);
    fill(f, 0, 100, 'x');
    uint8_t fs[64];
    uint32_t got = 0;
    pvfs_query_volume_information(f, FileFsAttributeInformation, fs, sizeof fs, &got);
    ok(got >= 4 && (le32_load(fs) & 0x00000040u), "the volume says FILE_SUPPORTS_SPARSE_FILES");
    ok(!(attributes(f) & FILE_ATTRIBUTE_SPARSE_FILE), "a new file is not sparse");
    is_int(set_sparse(f, -1), STATUS_SUCCESS, "FSCTL_SET_SPARSE without a buffer");
    ok(attributes(f) & FILE_ATTRIBUTE_SPARSE_FILE, "  sets FILE_ATTRIBUTE_SPARSE_FILE");
    ok(listed_attributes("flag.bin") & FILE_ATTRIBUTE_SPARSE_FILE, "  a listing shows it");
    ok(getxattr(on_disk("flag.bin"), "user.DOSATTRIB", NULL, 0) > 0, "  kept in user.DOSATTRIB");
    is_int(set_sparse(f, -1), STATUS_SUCCESS, "  a second set leaves it set");
    ok(attributes(f) & FILE_ATTRIBUTE_SPARSE_FILE, "  still sparse");

    /* Attribute changes keep the bit. */
    uint8_t basic[40];
    memset(basic, 0, sizeof basic);
    le32_store(basic + 32, FILE_ATTRIBUTE_HIDDEN);
    is_int(pvfs_set_information(f, FileBasicInformation, basic, sizeof basic), STATUS_SUCCESS,
           "FileBasicInformation: hidden");
    uint32_t a = attributes(f);
    ok((a & FILE_ATTRIBUTE_HIDDEN) && (a & FILE_ATTRIBUTE_SPARSE_FILE),
       "  hidden and still sparse");
    le32_store(basic + 32, FILE_ATTRIBUTE_NORMAL);
    pvfs_set_information(f, FileBasicInformation, basic, sizeof basic);
    a = attributes(f);
    ok(!(a & FILE_ATTRIBUTE_HIDDEN) && (a & FILE_ATTRIBUTE_SPARSE_FILE),
       "  normal again, still sparse");
    uint8_t tag[8];
    uint32_t n = 0;
    pvfs_query_information(f, FileAttributeTagInformation, tag, sizeof tag, &n);
    ok(le32_load(tag) & FILE_ATTRIBUTE_SPARSE_FILE, "  FileAttributeTagInformation shows it");

    is_int(set_sparse(f, 0), STATUS_SUCCESS, "FSCTL_SET_SPARSE FALSE");
    ok(!(attributes(f) & FILE_ATTRIBUTE_SPARSE_FILE), "  clears it");
    uint8_t big[100];
    memset(big, 0, sizeof big);
    big[0] = 1;
    is_int(fsctl(f, FSCTL_SET_SPARSE, big, sizeof big, NULL, 0, NULL), STATUS_SUCCESS,
           "a 100-byte buffer (Windows reads the first byte)");
    ok(attributes(f) & FILE_ATTRIBUTE_SPARSE_FILE, "  sets it");
    pvfs_close(f);

    f = open_rw("flag.bin", FILE_OPEN);
    ok(attributes(f) & FILE_ATTRIBUTE_SPARSE_FILE, "another open sees it");
    pvfs_close(f);
    f = open_rw("flag.bin", FILE_OVERWRITE);
    ok(!(attributes(f) & FILE_ATTRIBUTE_SPARSE_FILE), "an overwrite ends it");
    pvfs_close(f);

    struct pvfs_create_args args = args_of("asked.bin", FILE_GENERIC_READ | FILE_GENERIC_WRITE,
                                           SHARE_ALL, FILE_CREATE, 0);
    args.file_attributes = FILE_ATTRIBUTE_NORMAL | FILE_ATTRIBUTE_SPARSE_FILE;
    uint32_t action;
    f = NULL;
    pvfs_create(vol, alice, &args, &f, &action);
    ok(f && !(attributes(f) & FILE_ATTRIBUTE_SPARSE_FILE),
       "a create asking for the sparse attribute does not get it");
    if (f)
        pvfs_close(f);
}

static void set_sparse_refused(void)
{
    struct pvfs_file *d = NULL;
    open_file(vol, alice, "sdir", FILE_GENERIC_READ | FILE_GENERIC_WRITE, SHARE_ALL, FILE_CREATE,
              FILE_DIRECTORY_FILE, &d, NULL);
    is_int(set_sparse(d, 1), STATUS_INVALID_PARAMETER, "FSCTL_SET_SPARSE on a directory");
    if (d)
        pvfs_close(d);

    struct pvfs_file *f = open_rw("perm.bin", FILE_CREATE);
    pvfs_close(f);
    f = open_as("perm.bin", FILE_WRITE_EA, FILE_OPEN);
    is_int(set_sparse(f, 1), STATUS_ACCESS_DENIED, "FSCTL_SET_SPARSE with write-EA only: denied");
    if (f)
        pvfs_close(f);
    f = open_as("perm.bin", FILE_READ_DATA | FILE_READ_ATTRIBUTES, FILE_OPEN);
    is_int(set_sparse(f, 1), STATUS_ACCESS_DENIED, "  with read rights only: denied");
    if (f)
        pvfs_close(f);
    static const struct {
        uint32_t access;
        const char *what;
    } enough[] = { { FILE_WRITE_DATA, "write data" },
                   { FILE_APPEND_DATA, "append data" },
                   { FILE_WRITE_ATTRIBUTES, "write attributes" } };
    for (size_t i = 0; i < sizeof enough / sizeof enough[0]; i++) {
        f = open_as("perm.bin", enough[i].access, FILE_OPEN);
        is_int(set_sparse(f, i % 2), STATUS_SUCCESS, "  with %s only: allowed", enough[i].what);
        if (f)
            pvfs_close(f);
    }
    f = open_rw("perm.bin", FILE_OPEN);
    ok(!(attributes(f) & FILE_ATTRIBUTE_SPARSE_FILE), "  (the last one cleared it)");
    pvfs_close(f);

    f = open_rw("perm.bin:s", FILE_CREATE);
    is_int(set_sparse(f, 1), STATUS_SUCCESS, "on a named stream: success");
    pvfs_close(f);
    f = open_rw("perm.bin", FILE_OPEN);
    ok(!(attributes(f) & FILE_ATTRIBUTE_SPARSE_FILE), "  and the file is not made sparse");
    pvfs_close(f);
}

static void zero_data(void)
{
    struct pvfs_file *f = open_rw("zero.bin", FILE_CREATE);
    fill(f, 0, 64 * KIB, 'x');
    uint8_t in[16] = { 0 };
    is_int(fsctl(f, FSCTL_SET_ZERO_DATA, in, 15, NULL, 0, NULL), STATUS_INVALID_PARAMETER,
           "FSCTL_SET_ZERO_DATA: 15 input bytes");
    is_int(fsctl(f, FSCTL_SET_ZERO_DATA, NULL, 0, NULL, 0, NULL), STATUS_INVALID_PARAMETER,
           "  no input");
    is_int(zero(f, 4096, 4095), STATUS_INVALID_PARAMETER, "  BeyondFinalZero < FileOffset");
    is_int(zero(f, (uint64_t)-4096, 4096), STATUS_INVALID_PARAMETER, "  a negative offset");
    is_int(zero(f, 0, (uint64_t)-1), STATUS_INVALID_PARAMETER, "  a negative end");
    is_int(zero(f, 4095, 4095), STATUS_SUCCESS, "  an empty range");

    /* Not sparse: zeros, still allocated, size unchanged. */
    is_int(zero(f, 4096, 8192), STATUS_SUCCESS, "zero [4K, 8K) of a file that is not sparse");
    ok(reads_as(f, 4096, 4096, 0) && reads_as(f, 0, 4096, 'x') && reads_as(f, 8192, 4096, 'x'),
       "  reads zeros there and the data around it");
    is_int(zero(f, 60 * KIB, 1 * MIB), STATUS_SUCCESS, "zero from below to past the end");
    struct stat st;
    stat(on_disk("zero.bin"), &st);
    ok(st.st_size == 64 * KIB && reads_as(f, 60 * KIB, 4096, 0), "  zeroed, size unchanged");
    is_int(zero(f, 1 * MIB, 2 * MIB), STATUS_SUCCESS, "zero past the end");
    stat(on_disk("zero.bin"), &st);
    is_int((long long)st.st_size, 64 * KIB, "  does not extend the file");

    struct pvfs_file *r = open_as("zero.bin", FILE_GENERIC_READ | FILE_WRITE_ATTRIBUTES |
                                                  FILE_APPEND_DATA, FILE_OPEN);
    is_int(zero(r, 0, 4096), STATUS_ACCESS_DENIED, "without write data: denied");
    if (r)
        pvfs_close(r);

    /* A byte-range lock of another open. */
    struct pvfs_file *g = open_rw("zero.bin", FILE_OPEN);
    is_int(pvfs_lock(g, 0, 16 * KIB, 0, SL_EXCLUSIVE_LOCK | SL_FAIL_IMMEDIATELY, NULL, NULL),
           STATUS_SUCCESS, "another open locks [0, 16K)");
    is_int(zero(f, 0, 4096), STATUS_FILE_LOCK_CONFLICT, "  zeroing in it: lock conflict");
    ok(reads_as(g, 0, 4096, 'x'), "  the data is untouched");
    is_int(zero(f, 16 * KIB, 20 * KIB), STATUS_SUCCESS, "  zeroing beside it");
    is_int(zero(g, 0, 4096), STATUS_SUCCESS, "  the lock's owner may zero in it");
    pvfs_unlock(g, 0, 16 * KIB, 0);
    pvfs_close(g);

    struct pvfs_file *d = NULL;
    open_file(vol, alice, "sdir", FILE_GENERIC_READ | FILE_GENERIC_WRITE, SHARE_ALL, FILE_OPEN,
              FILE_DIRECTORY_FILE, &d, NULL);
    is_int(zero(d, 0, 10), STATUS_INVALID_PARAMETER, "on a directory: invalid");
    if (d)
        pvfs_close(d);

    /* A named stream lives in an xattr: zeroed in place. */
    struct pvfs_file *s = open_rw("zero.bin:stream", FILE_CREATE);
    uint32_t n = 0;
    uint64_t at = 0;
    pvfs_write(s, "abcdef", 6, &at, 0, &n);
    is_int(zero(s, 1, 3), STATUS_SUCCESS, "zero [1, 3) of a named stream");
    char back[8] = { 0 };
    at = 0;
    pvfs_read(s, back, sizeof back, &at, 0, &n);
    ok(n == 6 && memcmp(back, "a\0\0def", 6) == 0, "  reads a, two zeros, def");
    pvfs_close(s);
    pvfs_close(f);
}

static void holes(void)
{
    struct pvfs_file *f = open_rw("holes.bin", FILE_CREATE);
    fill(f, 0, 1 * MIB, 'y');
    long long before = disk_blocks("holes.bin");
    is_int(set_sparse(f, 1), STATUS_SUCCESS, "a 1 MiB file made sparse");
    is_int(zero(f, 0, 512 * KIB), STATUS_SUCCESS, "  zero its first half");
    long long after = disk_blocks("holes.bin");
    ok(after >= 0 && after + 512 * KIB / 512 <= before,
       "  the half is deallocated (%lld -> %lld blocks)", before, after);
    ok(reads_as(f, 0, 512 * KIB, 0) && reads_as(f, 512 * KIB, 512 * KIB, 'y'),
       "  reads zeros, then the data");
    struct stat st;
    stat(on_disk("holes.bin"), &st);
    is_int((long long)st.st_size, 1 * MIB, "  same size");

    uint8_t out[64];
    uint32_t n;
    is_int(qar(f, 0, 1 * MIB, out, sizeof out, &n), STATUS_SUCCESS, "allocated ranges");
    ok(n == 16 && le64_load(out) == 512 * KIB && le64_load(out + 8) == 512 * KIB,
       "  the second half only");
    is_int(qar(f, 0, 512 * KIB, out, sizeof out, &n), STATUS_SUCCESS, "  of the hole");
    is_int(n, 0, "  none");
    is_int(qar(f, 600 * KIB, 10 * MIB, out, sizeof out, &n), STATUS_SUCCESS,
           "  from inside the data to past the end");
    ok(n == 16 && le64_load(out) == 600 * KIB && le64_load(out + 8) == 424 * KIB,
       "  clipped to the query and the end of file");

    /* Data at 0 and at 768K: two ranges. */
    fill(f, 0, 4096, 'z');
    is_int(zero(f, 600 * KIB, 768 * KIB), STATUS_SUCCESS, "more data ranges");
    is_int(qar(f, 0, 700 * KIB, out, 32, &n), STATUS_SUCCESS, "  32 bytes hold [0, 700K)'s");
    ok(n == 32 && le64_load(out) == 0 && le64_load(out + 8) == 4096 &&
           le64_load(out + 16) == 512 * KIB && le64_load(out + 24) == 88 * KIB,
       "  [0, 4K) and [512K, 600K)");
    is_int(qar(f, 0, 1 * MIB, out, sizeof out, &n), STATUS_SUCCESS, "  a larger buffer");
    ok(n == 48 && le64_load(out + 32) == 768 * KIB && le64_load(out + 40) == 256 * KIB,
       "  three ranges, the last [768K, 1M)");
    is_int(qar(f, 0, 1 * MIB, out, 31, &n), STATUS_BUFFER_OVERFLOW,
           "  31 bytes: STATUS_BUFFER_OVERFLOW");
    ok(n == 16 && le64_load(out) == 0 && le64_load(out + 8) == 4096, "  with the first range");
    is_int(qar(f, 0, 1 * MIB, out, 15, &n), STATUS_BUFFER_TOO_SMALL,
           "  15 bytes: STATUS_BUFFER_TOO_SMALL");
    is_int(qar(f, 0, 0, out, 0, &n), STATUS_SUCCESS, "  an empty query needs no room");
    is_int(qar(f, 1 * MIB, 4096, out, sizeof out, &n), STATUS_SUCCESS, "  at the end of file");
    is_int(n, 0, "  none");

    long long holey = disk_blocks("holes.bin");
    struct pvfs_file *attr_only = open_as("holes.bin", FILE_WRITE_ATTRIBUTES, FILE_OPEN);
    is_int(set_sparse(attr_only, 0), STATUS_SUCCESS, "cleared sparse (by a write-attributes open)");
    if (attr_only)
        pvfs_close(attr_only);
    long long filled = disk_blocks("holes.bin");
    ok(filled >= holey + 400 * KIB / 512 && filled * 512 >= 1 * MIB,
       "  the holes are allocated again (%lld -> %lld blocks)", holey, filled);
    is_int(qar(f, 0, 2 * MIB, out, sizeof out, &n), STATUS_SUCCESS, "  allocated ranges");
    ok(n == 16 && le64_load(out) == 0 && le64_load(out + 8) == 1 * MIB,
       "  all of it, as the file is no longer sparse");
    ok(reads_as(f, 4096, 4096, 0), "  the old hole still reads zeros");
    pvfs_close(f);
}

static void qar_refused(void)
{
    struct pvfs_file *f = open_rw("qar.bin", FILE_CREATE);
    fill(f, 0, 1024, 'q');
    uint8_t in[16] = { 0 }, out[32];
    uint32_t n;
    is_int(fsctl(f, FSCTL_QUERY_ALLOCATED_RANGES, in, 15, out, sizeof out, &n),
           STATUS_INVALID_PARAMETER, "FSCTL_QUERY_ALLOCATED_RANGES: 15 input bytes");
    is_int(qar(f, 512, (uint64_t)-1, out, sizeof out, &n), STATUS_INVALID_PARAMETER,
           "  offset + length wraps");
    is_int(qar(f, (uint64_t)INT64_MAX, 2, out, sizeof out, &n), STATUS_INVALID_PARAMETER,
           "  past the largest offset");
    pvfs_close(f);
    f = open_as("qar.bin", FILE_READ_ATTRIBUTES | FILE_READ_EA, FILE_OPEN);
    is_int(qar(f, 0, 1024, out, sizeof out, &n), STATUS_ACCESS_DENIED,
           "  without read data: denied");
    if (f)
        pvfs_close(f);
    f = open_as("qar.bin", FILE_READ_DATA, FILE_OPEN);
    is_int(qar(f, 0, 1024, out, sizeof out, &n), STATUS_SUCCESS, "  read data suffices");
    if (f)
        pvfs_close(f);
}

int main(void)
{
    log_set_level(LOG_LEVEL_ERROR);
    umask(0);
    const char *root = scratch_dir();
    chmod(root, 0777);
    alice = make_token(ALICE);
    if (pvfs_volume_open(root, &vol) != STATUS_SUCCESS) {
        ok(0, "open the volume");
        return done_testing();
    }
    set_sparse_flag();
    set_sparse_refused();
    zero_data();
    holes();
    qar_refused();
    pvfs_volume_close(vol);
    token_free(alice);
    return done_testing();
}
