/* lwio-fuse [--db PATH] [-o credentials=FILE] //HOST[:PORT]/SHARE MOUNTPOINT
 * [FUSE options]: a FUSE file system whose every call goes to lwiod through
 * the lwio client library, on \rdr\HOST[:PORT]\SHARE\... (docs/rdr.md,
 * "lwio-fuse"). A first version: one request at a time (FUSE's
 * single-threaded loop, one lwio connection), no caching beyond the
 * kernel's defaults.
 *
 * Every answer from lwiod is read with lib/buf.h (directory entries and
 * information classes are checked in bounds); a status that has no POSIX
 * meaning becomes EIO, and a dead lwiod makes every call fail with EIO
 * (the lwio library returns an error at once, it never waits forever). */
#define FUSE_USE_VERSION 31
#include <errno.h>
#include <fcntl.h>
#include <fuse.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/utf16.h"
#include "lwiod/client/lwio.h"

struct options {
    char *db;
    char *credentials;
};

static struct {
    struct lwio_context *lwio;
    char *prefix;             /* "\rdr\HOST:PORT\SHARE" */
    char *device_prefix;      /* "HOST:PORT\SHARE", for rename targets */
    struct lwio_ecp ecp;      /* the credentials, if any */
    char ecp_data[1024];
    bool has_ecp;
} fs;

/* NTSTATUS to a negative errno. */
static int fs_errno(NTSTATUS status)
{
    switch (status) {
    case STATUS_SUCCESS:
        return 0;
    case STATUS_OBJECT_NAME_NOT_FOUND:
    case STATUS_OBJECT_PATH_NOT_FOUND:
    case STATUS_NO_SUCH_FILE:
        return -ENOENT;
    case STATUS_OBJECT_NAME_COLLISION:
        return -EEXIST;
    case STATUS_ACCESS_DENIED:
    case STATUS_CANNOT_DELETE:
        return -EACCES;
    case STATUS_FILE_IS_A_DIRECTORY:
        return -EISDIR;
    case STATUS_NOT_A_DIRECTORY:
        return -ENOTDIR;
    case STATUS_DIRECTORY_NOT_EMPTY:
        return -ENOTEMPTY;
    case STATUS_SHARING_VIOLATION:
        return -EBUSY;
    case STATUS_DISK_FULL:
        return -ENOSPC;
    case STATUS_NOT_SUPPORTED:
    case STATUS_INVALID_DEVICE_REQUEST:
        return -EOPNOTSUPP;
    case STATUS_OBJECT_NAME_INVALID:
        return -EINVAL;
    default:
        return -EIO;
    }
}

/* "/a/b" to "\rdr\HOST:PORT\SHARE\a\b". */
static char *remote_path(const char *path)
{
    size_t len = strlen(fs.prefix) + strlen(path) + 1;
    char *out = malloc(len);
    if (!out)
        return NULL;
    snprintf(out, len, "%s%s", fs.prefix, strcmp(path, "/") == 0 ? "" : path);
    for (char *p = out; *p; p++)
        if (*p == '/')
            *p = '\\';
    return out;
}

static NTSTATUS open_path(const char *path, uint32_t access, uint32_t disposition,
                          uint32_t options, struct lwio_file **file, uint64_t *action)
{
    if (!fs.lwio)
        return STATUS_CONNECTION_DISCONNECTED;
    char *remote = remote_path(path);
    if (!remote)
        return STATUS_INSUFFICIENT_RESOURCES;
    struct io_status_block sb;
    struct lwio_create_params params = {
        .path = remote,
        .desired_access = access,
        .share_access = FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
        .create_disposition = disposition,
        .create_options = options,
        .file_attributes = FILE_ATTRIBUTE_NORMAL,
        .ecps = fs.has_ecp ? &fs.ecp : NULL,
        .ecp_count = fs.has_ecp ? 1 : 0,
    };
    NTSTATUS status = LwNtCreateFile(fs.lwio, file, NULL, &sb, &params);
    if (action)
        *action = sb.information;
    free(remote);
    return status;
}

static void close_file(struct lwio_file *file)
{
    struct io_status_block sb;
    if (file)
        LwNtClose(file, NULL, &sb);
}

/* FILETIME (100 ns since 1601) to a timespec. */
static struct timespec filetime_to_timespec(uint64_t filetime)
{
    struct timespec ts = { 0, 0 };
    if (filetime >= 116444736000000000ull) {
        uint64_t unix100 = filetime - 116444736000000000ull;
        ts.tv_sec = (time_t)(unix100 / 10000000u);
        ts.tv_nsec = (long)(unix100 % 10000000u) * 100;
    }
    return ts;
}

static uint64_t timespec_to_filetime(const struct timespec *ts)
{
    if (ts->tv_sec < 0)
        return 0;
    return (uint64_t)ts->tv_sec * 10000000u + (uint64_t)ts->tv_nsec / 100 + 116444736000000000ull;
}

static void fill_stat(struct stat *st, uint64_t created, uint64_t accessed, uint64_t written,
                      uint64_t changed, uint64_t allocation, uint64_t size, uint32_t attributes)
{
    (void)created;
    memset(st, 0, sizeof *st);
    bool dir = attributes & FILE_ATTRIBUTE_DIRECTORY;
    mode_t perm = (attributes & FILE_ATTRIBUTE_READONLY) ? 0555 : 0755;
    st->st_mode = dir ? (S_IFDIR | perm) : (S_IFREG | (perm & 0666));
    st->st_nlink = dir ? 2 : 1;
    st->st_uid = getuid();
    st->st_gid = getgid();
    st->st_size = (off_t)size;
    st->st_blocks = (blkcnt_t)((allocation + 511) / 512);
    st->st_blksize = 65536;
    st->st_atim = filetime_to_timespec(accessed);
    st->st_mtim = filetime_to_timespec(written);
    st->st_ctim = filetime_to_timespec(changed);
}

static int stat_file(struct lwio_file *file, struct stat *st)
{
    uint8_t info[56];
    struct io_status_block sb;
    NTSTATUS status = LwNtQueryInformationFile(file, NULL, &sb, info, sizeof info,
                                               FileNetworkOpenInformation);
    if (status)
        return fs_errno(status);
    struct buf_reader r;
    rd_init(&r, info, sb.information < sizeof info ? (size_t)sb.information : sizeof info);
    uint64_t created = rd_u64(&r), accessed = rd_u64(&r), written = rd_u64(&r),
             changed = rd_u64(&r), allocation = rd_u64(&r), size = rd_u64(&r);
    uint32_t attributes = rd_u32(&r);
    if (!rd_ok(&r))
        return -EIO;
    fill_stat(st, created, accessed, written, changed, allocation, size, attributes);
    return 0;
}

static int fs_getattr(const char *path, struct stat *st, struct fuse_file_info *fi)
{
    if (fi && fi->fh)
        return stat_file((struct lwio_file *)(uintptr_t)fi->fh, st);
    struct lwio_file *file;
    NTSTATUS status = open_path(path, FILE_READ_ATTRIBUTES, FILE_OPEN, 0, &file, NULL);
    if (status)
        return fs_errno(status);
    int rc = stat_file(file, st);
    close_file(file);
    return rc;
}

/* One FILE_DIRECTORY_INFORMATION entry ([MS-FSCC] 2.4.10) to the filler. */
static bool emit_entry(struct buf_reader *r, void *buf, fuse_fill_dir_t filler)
{
    rd_skip(r, 8); /* NextEntryOffset, FileIndex */
    uint64_t created = rd_u64(r), accessed = rd_u64(r), written = rd_u64(r),
             changed = rd_u64(r), size = rd_u64(r), allocation = rd_u64(r);
    uint32_t attributes = rd_u32(r);
    uint32_t name_length = rd_u32(r);
    const uint8_t *name16 = rd_bytes(r, name_length);
    char *name = NULL;
    if (!rd_ok(r) || (name_length & 1) || utf16le_to_utf8(name16, name_length, &name))
        return false;
    struct stat st;
    fill_stat(&st, created, accessed, written, changed, allocation, size, attributes);
    filler(buf, name, &st, 0, 0);
    free(name);
    return true;
}

#define DIR_CHUNK 65536u

static int fs_readdir(const char *path, void *buf, fuse_fill_dir_t filler, off_t offset,
                      struct fuse_file_info *fi, enum fuse_readdir_flags flags)
{
    (void)offset;
    (void)fi;
    (void)flags;
    struct lwio_file *dir;
    NTSTATUS status = open_path(path, FILE_LIST_DIRECTORY | FILE_READ_ATTRIBUTES, FILE_OPEN,
                                FILE_DIRECTORY_FILE, &dir, NULL);
    if (status)
        return fs_errno(status);
    uint8_t *chunk = malloc(DIR_CHUNK);
    int rc = chunk ? 0 : -ENOMEM;
    /* Bounded: a directory of more than a few million entries is refused
     * rather than listed forever by a server that never says "no more". */
    for (unsigned round = 0; rc == 0 && round < 100000; round++) {
        struct io_status_block sb;
        status = LwNtQueryDirectoryFile(dir, NULL, &sb, chunk, DIR_CHUNK, FileDirectoryInformation,
                                        false, NULL, round == 0);
        if (status == STATUS_NO_MORE_FILES)
            break;
        if (status) {
            rc = fs_errno(status);
            break;
        }
        size_t size = sb.information < DIR_CHUNK ? (size_t)sb.information : DIR_CHUNK;
        for (size_t at = 0;;) {
            struct buf_reader all;
            rd_init(&all, chunk, size);
            rd_seek(&all, at);
            uint32_t next = rd_u32(&all);
            size_t len = next ? next : size - at;
            struct buf_reader entry = rd_sub(&all, at, len);
            if (!rd_ok(&all) || !rd_ok(&entry) || !emit_entry(&entry, buf, filler)) {
                rc = -EIO;
                break;
            }
            if (next == 0)
                break;
            at += next;
        }
    }
    free(chunk);
    close_file(dir);
    return rc;
}

/* The access an open(2) asks for; attributes are always readable, since
 * the kernel asks for them on the open file (fstat, after ftruncate). */
static uint32_t access_for(int flags)
{
    switch (flags & O_ACCMODE) {
    case O_WRONLY:
        return FILE_GENERIC_WRITE | FILE_READ_ATTRIBUTES;
    case O_RDWR:
        return FILE_GENERIC_READ | FILE_GENERIC_WRITE;
    default:
        return FILE_GENERIC_READ;
    }
}

static int fs_open(const char *path, struct fuse_file_info *fi)
{
    struct lwio_file *file;
    uint32_t disposition = (fi->flags & O_TRUNC) ? FILE_OVERWRITE : FILE_OPEN;
    NTSTATUS status = open_path(path, access_for(fi->flags), disposition,
                                FILE_NON_DIRECTORY_FILE, &file, NULL);
    if (status)
        return fs_errno(status);
    fi->fh = (uint64_t)(uintptr_t)file;
    return 0;
}

static int fs_create(const char *path, mode_t mode, struct fuse_file_info *fi)
{
    (void)mode;
    struct lwio_file *file;
    uint32_t disposition = (fi->flags & O_EXCL)    ? FILE_CREATE
                           : (fi->flags & O_TRUNC) ? FILE_OVERWRITE_IF
                                                   : FILE_OPEN_IF;
    NTSTATUS status = open_path(path, FILE_GENERIC_READ | FILE_GENERIC_WRITE, disposition,
                                FILE_NON_DIRECTORY_FILE, &file, NULL);
    if (status)
        return fs_errno(status);
    fi->fh = (uint64_t)(uintptr_t)file;
    return 0;
}

static int fs_read(const char *path, char *buf, size_t size, off_t offset,
                   struct fuse_file_info *fi)
{
    (void)path;
    struct io_status_block sb;
    uint64_t at = (uint64_t)offset;
    NTSTATUS status = LwNtReadFile((struct lwio_file *)(uintptr_t)fi->fh, NULL, &sb, buf,
                                   (uint32_t)size, &at, NULL);
    if (status == STATUS_END_OF_FILE)
        return 0;
    if (status)
        return fs_errno(status);
    return (int)sb.information;
}

static int fs_write(const char *path, const char *buf, size_t size, off_t offset,
                    struct fuse_file_info *fi)
{
    (void)path;
    struct io_status_block sb;
    uint64_t at = (uint64_t)offset;
    NTSTATUS status = LwNtWriteFile((struct lwio_file *)(uintptr_t)fi->fh, NULL, &sb, buf,
                                    (uint32_t)size, &at, NULL);
    if (status)
        return fs_errno(status);
    return (int)sb.information;
}

static int fs_release(const char *path, struct fuse_file_info *fi)
{
    (void)path;
    close_file((struct lwio_file *)(uintptr_t)fi->fh);
    fi->fh = 0;
    return 0;
}

static int fs_fsync(const char *path, int datasync, struct fuse_file_info *fi)
{
    (void)path;
    (void)datasync;
    struct io_status_block sb;
    return fs_errno(LwNtFlushBuffersFile((struct lwio_file *)(uintptr_t)fi->fh, NULL, &sb));
}

/* Sets one information class on path (or on the open file fi). */
static int set_info(const char *path, struct fuse_file_info *fi, uint32_t access,
                    uint32_t options, const void *data, uint32_t len, uint32_t info_class)
{
    struct lwio_file *file = fi && fi->fh ? (struct lwio_file *)(uintptr_t)fi->fh : NULL;
    bool opened = false;
    NTSTATUS status = STATUS_SUCCESS;
    if (!file) {
        status = open_path(path, access, FILE_OPEN, options, &file, NULL);
        opened = status == STATUS_SUCCESS;
    }
    struct io_status_block sb;
    if (status == STATUS_SUCCESS)
        status = LwNtSetInformationFile(file, NULL, &sb, data, len, info_class);
    if (opened)
        close_file(file);
    return fs_errno(status);
}

static int fs_truncate(const char *path, off_t size, struct fuse_file_info *fi)
{
    uint8_t eof[8];
    le64_store(eof, (uint64_t)size);
    return set_info(path, fi, FILE_WRITE_DATA, FILE_NON_DIRECTORY_FILE, eof, sizeof eof,
                    FileEndOfFileInformation);
}

static int delete_path(const char *path, uint32_t options)
{
    uint8_t delete_pending = 1;
    return set_info(path, NULL, DELETE, options, &delete_pending, 1, FileDispositionInformation);
}

static int fs_unlink(const char *path)
{
    return delete_path(path, FILE_NON_DIRECTORY_FILE);
}

static int fs_rmdir(const char *path)
{
    return delete_path(path, FILE_DIRECTORY_FILE);
}

static int fs_mkdir(const char *path, mode_t mode)
{
    (void)mode;
    struct lwio_file *dir;
    NTSTATUS status = open_path(path, FILE_LIST_DIRECTORY | FILE_ADD_SUBDIRECTORY, FILE_CREATE,
                                FILE_DIRECTORY_FILE, &dir, NULL);
    if (status == STATUS_SUCCESS)
        close_file(dir);
    return fs_errno(status);
}

static int fs_rename(const char *from, const char *to, unsigned int flags)
{
    if (flags & ~(unsigned)RENAME_NOREPLACE)
        return -EINVAL; /* RENAME_EXCHANGE has no SMB equivalent */
    /* FILE_RENAME_INFORMATION_TYPE_2 with the target relative to \rdr. */
    char target[4096];
    int n = snprintf(target, sizeof target, "%s%s", fs.device_prefix, to);
    if (n < 0 || (size_t)n >= sizeof target)
        return -ENAMETOOLONG;
    for (char *p = target; *p; p++)
        if (*p == '/')
            *p = '\\';
    uint8_t *name16;
    size_t name_len;
    if (utf8_to_utf16le(target, strlen(target), &name16, &name_len))
        return -EINVAL;
    struct buf info;
    buf_init(&info);
    wr_u8(&info, (flags & RENAME_NOREPLACE) ? 0 : 1);
    wr_zeros(&info, 7 + 8);
    wr_u32(&info, (uint32_t)name_len);
    wr_bytes(&info, name16, name_len);
    free(name16);
    int rc = wr_ok(&info) ? set_info(from, NULL, DELETE | FILE_READ_ATTRIBUTES, 0, info.data,
                                     (uint32_t)info.len, FileRenameInformation)
                          : -ENOMEM;
    buf_free(&info);
    return rc;
}

static int fs_utimens(const char *path, const struct timespec tv[2], struct fuse_file_info *fi)
{
    /* FILE_BASIC_INFORMATION: a zero time means "leave it". */
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    uint64_t times[2];
    for (int i = 0; i < 2; i++) {
        if (tv[i].tv_nsec == UTIME_OMIT)
            times[i] = 0;
        else
            times[i] = timespec_to_filetime(tv[i].tv_nsec == UTIME_NOW ? &now : &tv[i]);
    }
    uint8_t basic[40] = { 0 };
    le64_store(basic + 8, times[0]);  /* LastAccessTime */
    le64_store(basic + 16, times[1]); /* LastWriteTime */
    return set_info(path, fi, FILE_WRITE_ATTRIBUTES, 0, basic, sizeof basic, FileBasicInformation);
}

static int fs_chmod(const char *path, mode_t mode, struct fuse_file_info *fi)
{
    /* Only the owner's write bit maps (to FILE_ATTRIBUTE_READONLY); the rest
     * of a mode has no SMB meaning and is accepted as it is. */
    struct stat st;
    int rc = fs_getattr(path, &st, fi);
    if (rc)
        return rc;
    uint32_t attributes = S_ISDIR(st.st_mode) ? FILE_ATTRIBUTE_DIRECTORY : FILE_ATTRIBUTE_NORMAL;
    if (!(mode & S_IWUSR))
        attributes = (attributes & ~FILE_ATTRIBUTE_NORMAL) | FILE_ATTRIBUTE_READONLY;
    uint8_t basic[40] = { 0 };
    le32_store(basic + 32, attributes);
    return set_info(path, fi, FILE_WRITE_ATTRIBUTES, 0, basic, sizeof basic, FileBasicInformation);
}

static int fs_chown(const char *path, uid_t uid, gid_t gid, struct fuse_file_info *fi)
{
    (void)path;
    (void)fi;
    /* Owners are the server's (SIDs); leaving them as they are is allowed. */
    if ((uid == (uid_t)-1 || uid == getuid()) && (gid == (gid_t)-1 || gid == getgid()))
        return 0;
    return -EPERM;
}

static int fs_statfs(const char *path, struct statvfs *st)
{
    (void)path;
    struct lwio_file *root;
    NTSTATUS status = open_path("/", FILE_READ_ATTRIBUTES, FILE_OPEN, FILE_DIRECTORY_FILE, &root,
                                NULL);
    if (status)
        return fs_errno(status);
    uint8_t info[32];
    struct io_status_block sb;
    status = LwNtQueryVolumeInformationFile(root, NULL, &sb, info, sizeof info,
                                            FileFsFullSizeInformation);
    close_file(root);
    if (status)
        return fs_errno(status);
    struct buf_reader r;
    rd_init(&r, info, sb.information < sizeof info ? (size_t)sb.information : sizeof info);
    uint64_t total = rd_u64(&r), caller_free = rd_u64(&r), actual_free = rd_u64(&r);
    uint32_t sectors = rd_u32(&r), bytes = rd_u32(&r);
    if (!rd_ok(&r) || sectors == 0 || bytes == 0)
        return -EIO;
    memset(st, 0, sizeof *st);
    st->f_bsize = st->f_frsize = (unsigned long)sectors * bytes;
    st->f_blocks = total;
    st->f_bfree = actual_free;
    st->f_bavail = caller_free;
    st->f_namemax = 255;
    return 0;
}

static char *db_path;

static void *fs_init(struct fuse_conn_info *conn, struct fuse_config *config)
{
    (void)conn;
    /* Connected here, after FUSE has daemonized: the socket belongs to the
     * process that serves. If lwiod is gone every call fails with EIO. */
    if (LwIoConnect(db_path, &fs.lwio) != STATUS_SUCCESS)
        fs.lwio = NULL;
    /* Attributes come from the server on every call: no attribute caching
     * beyond a second, so another client's changes show soon. */
    config->attr_timeout = 1.0;
    config->entry_timeout = 1.0;
    config->use_ino = 0;
    return NULL;
}

static const struct fuse_operations operations = {
    .init = fs_init,
    .getattr = fs_getattr,
    .readdir = fs_readdir,
    .open = fs_open,
    .create = fs_create,
    .read = fs_read,
    .write = fs_write,
    .release = fs_release,
    .fsync = fs_fsync,
    .truncate = fs_truncate,
    .unlink = fs_unlink,
    .rmdir = fs_rmdir,
    .mkdir = fs_mkdir,
    .rename = fs_rename,
    .utimens = fs_utimens,
    .chmod = fs_chmod,
    .chown = fs_chown,
    .statfs = fs_statfs,
};

/* -o credentials=FILE: the rdr credentials ECP every open carries. */
static int load_credentials(const char *path)
{
    NTSTATUS status = LwIoRdrCredentialsFromFile(path, fs.ecp_data, sizeof fs.ecp_data, &fs.ecp);
    if (status) {
        fprintf(stderr,
                "lwio-fuse: %s: %s (want one line \"[DOMAIN\\]USER PASSWORD\", mode 0600)\n",
                path, nt_status_name(status));
        return -1;
    }
    fs.has_ecp = true;
    return 0;
}

static const struct fuse_opt option_spec[] = {
    { "credentials=%s", offsetof(struct options, credentials), 0 },
    { "--db=%s", offsetof(struct options, db), 0 },
    { "db=%s", offsetof(struct options, db), 0 },
    FUSE_OPT_END,
};

static char *source;

/* The first non-option argument is //HOST[:PORT]/SHARE; FUSE keeps the rest. */
static int take_source(void *data, const char *arg, int key, struct fuse_args *args)
{
    (void)data;
    (void)args;
    if (key == FUSE_OPT_KEY_NONOPT && !source) {
        source = strdup(arg);
        return 0;
    }
    return 1;
}

int main(int argc, char **argv)
{
    struct fuse_args args = FUSE_ARGS_INIT(argc, argv);
    struct options options = { 0 };
    if (fuse_opt_parse(&args, &options, option_spec, take_source) != 0)
        return 2;
    if (!source || strncmp(source, "//", 2) != 0 || !strchr(source + 2, '/')) {
        fprintf(stderr, "usage: lwio-fuse [-o db=PATH] [-o credentials=FILE] "
                        "//HOST[:PORT]/SHARE MOUNTPOINT [FUSE options]\n");
        return 2;
    }
    size_t n = strlen(source);
    while (n > 2 && source[n - 1] == '/')
        source[--n] = 0;
    char *rest = source + 2;
    fs.device_prefix = malloc(strlen(rest) + 2);
    fs.prefix = malloc(strlen(rest) + 6);
    if (!fs.device_prefix || !fs.prefix)
        return 1;
    snprintf(fs.prefix, strlen(rest) + 6, "\\rdr\\%s", rest);
    snprintf(fs.device_prefix, strlen(rest) + 2, "%s", rest);
    for (char *p = fs.prefix; *p; p++)
        if (*p == '/')
            *p = '\\';
    for (char *p = fs.device_prefix; *p; p++)
        if (*p == '/')
            *p = '\\';
    if (options.credentials && load_credentials(options.credentials) != 0)
        return 1;
    /* Fail before mounting when lwiod cannot be reached. */
    db_path = options.db;
    NTSTATUS status = LwIoConnect(options.db, &fs.lwio);
    if (status) {
        fprintf(stderr, "lwio-fuse: cannot reach lwiod: %s\n", nt_status_name(status));
        return 1;
    }
    LwIoDisconnect(fs.lwio);
    fs.lwio = NULL;
    /* One lwio connection serves every call: FUSE's single-threaded loop. */
    fuse_opt_add_arg(&args, "-s");
    int rc = fuse_main(args.argc, args.argv, &operations, NULL);
    if (fs.lwio)
        LwIoDisconnect(fs.lwio);
    fuse_opt_free_args(&args);
    explicit_bzero(fs.ecp_data, sizeof fs.ecp_data);
    return rc;
}
