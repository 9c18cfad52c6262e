/* What NT asks of a file beyond its bytes: four timestamps, DOS attributes,
 * allocation size. The creation time and the attributes are not POSIX: they
 * live in user.DOSATTRIB (Samba's format); without it the creation time is
 * the birth time statx reports (or the oldest time we have), and the
 * attributes follow from the type and name, as smbd derives them. */
#include "drivers/pvfs/pvfs_private.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "drivers/pvfs/samba_xattr.h"

/* Seconds from 1601-01-01 to 1970-01-01. */
#define NT_EPOCH_OFFSET 11644473600ull

uint64_t pvfs_nt_time(const struct timespec *ts)
{
    if (ts->tv_sec < -(long long)NT_EPOCH_OFFSET)
        return 0;
    return ((uint64_t)(ts->tv_sec + (long long)NT_EPOCH_OFFSET)) * 10000000ull +
           (uint64_t)ts->tv_nsec / 100;
}

struct timespec pvfs_timespec(uint64_t nt)
{
    struct timespec ts;
    ts.tv_sec = (time_t)(nt / 10000000ull) - (time_t)NT_EPOCH_OFFSET;
    ts.tv_nsec = (long)(nt % 10000000ull) * 100;
    return ts;
}

static struct timespec from_statx(const struct statx_timestamp *t)
{
    struct timespec ts = { t->tv_sec, t->tv_nsec };
    return ts;
}

/* How long after the stamp of a stored ChangeTime the inode's ctime may be
 * (in 100 ns units) and still be the store's own: the store's setxattr plus
 * the coarse clock's tick (10 ms at HZ=100). A later change of the inode
 * (data, attributes, ACL) moves ctime past it and ends the stored value; one
 * within the window is hidden, as writes through the handle that set
 * ChangeTime are on NTFS ([MS-FSA] 2.1.5.14.2). */
#define CHANGE_TIME_WINDOW 200000ull

/* An O_PATH fd has no xattr calls of its own, but its /proc link reaches the
 * same inode. */
static ssize_t get_xattr(int fd, const char *name, void *value, size_t size)
{
    ssize_t n = fgetxattr(fd, name, value, size);
    if (n < 0 && errno == EBADF) {
        char proc[64];
        snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
        n = getxattr(proc, name, value, size);
    }
    return n;
}

NTSTATUS pvfs_change_time_store(int fd, uint64_t change_time)
{
    struct timespec now;
    clock_gettime(CLOCK_REALTIME_COARSE, &now);
    uint8_t blob[16];
    le64_store(blob, change_time);
    le64_store(blob + 8, pvfs_nt_time(&now));
    if (pvfs_private_xattr_set(fd, PVFS_XATTR_CHANGE_TIME, blob, sizeof blob, 0) != 0)
        return nt_status_from_errno(errno);
    return STATUS_SUCCESS;
}

static uint64_t round_up_4k(uint64_t n)
{
    return n > UINT64_MAX - 4095 ? UINT64_MAX : (n + 4095) & ~(uint64_t)4095;
}

/* The bytes the data's extents occupy. st_blocks counts more: on ext4 the
 * block that holds a file's extended attributes (user.DOSATTRIB,
 * security.NTACL), which would show as 4 KiB allocated to an empty file.
 * Asked only when st_blocks exceeds the size; false when the file system
 * cannot tell (no FIEMAP, an O_PATH fd, too many extents). */
static bool data_allocation(int fd, uint64_t *bytes)
{
    enum { EXTENTS = 32 };
    union {
        struct fiemap map;
        uint8_t raw[sizeof(struct fiemap) + EXTENTS * sizeof(struct fiemap_extent)];
    } u;
    memset(&u, 0, sizeof u);
    u.map.fm_start = 0;
    u.map.fm_length = FIEMAP_MAX_OFFSET;
    u.map.fm_extent_count = EXTENTS;
    int r = ioctl(fd, FS_IOC_FIEMAP, &u.map);
    if (r != 0 && errno == EBADF) {
        /* An O_PATH fd (a directory listing's): ioctl needs a real open of
         * the same inode, which its /proc link gives. Without it a listing
         * would count an ext4 xattr block that FileAllInformation leaves
         * out (smb2.dir.one compares the two). */
        char link[64];
        snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
        int real = open(link, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
        if (real >= 0) {
            r = ioctl(real, FS_IOC_FIEMAP, &u.map);
            close(real);
        }
    }
    if (r != 0)
        return false;
    uint32_t n = u.map.fm_mapped_extents;
    if (n > EXTENTS || (n == EXTENTS && !(u.map.fm_extents[n - 1].fe_flags & FIEMAP_EXTENT_LAST)))
        return false;
    uint64_t total = 0;
    for (uint32_t i = 0; i < n; i++)
        total += round_up_4k(u.map.fm_extents[i].fe_length);
    *bytes = total;
    return true;
}

NTSTATUS pvfs_stat_fd(int fd, const char *display_name, struct pvfs_stat *out)
{
    struct statx sx;
    memset(out, 0, sizeof *out);
    if (statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS | STATX_BTIME, &sx) != 0)
        return nt_status_from_errno(errno);
    struct stat *st = &out->st;
    st->st_dev = makedev(sx.stx_dev_major, sx.stx_dev_minor);
    st->st_ino = sx.stx_ino;
    st->st_mode = sx.stx_mode;
    st->st_nlink = sx.stx_nlink;
    st->st_uid = sx.stx_uid;
    st->st_gid = sx.stx_gid;
    st->st_size = (off_t)sx.stx_size;
    st->st_blocks = (blkcnt_t)sx.stx_blocks;
    st->st_blksize = (blksize_t)sx.stx_blksize;
    st->st_atim = from_statx(&sx.stx_atime);
    st->st_mtim = from_statx(&sx.stx_mtime);
    st->st_ctim = from_statx(&sx.stx_ctime);
    out->last_access_time = pvfs_nt_time(&st->st_atim);
    out->last_write_time = pvfs_nt_time(&st->st_mtim);
    out->change_time = pvfs_nt_time(&st->st_ctim);
    if (sx.stx_mask & STATX_BTIME) {
        struct timespec b = from_statx(&sx.stx_btime);
        out->creation_time = pvfs_nt_time(&b);
    } else {
        uint64_t t = out->last_write_time;
        if (out->change_time < t)
            t = out->change_time;
        if (out->last_access_time < t)
            t = out->last_access_time;
        out->creation_time = t;
    }
    bool dir = S_ISDIR(st->st_mode);
    out->allocation_size = dir ? 0 : (uint64_t)st->st_blocks * 512u;
    uint64_t data;
    if (!dir && out->allocation_size > round_up_4k((uint64_t)st->st_size) &&
        data_allocation(fd, &data))
        out->allocation_size = data;

    uint8_t blob[256];
    ssize_t n = get_xattr(fd, PVFS_XATTR_CHANGE_TIME, blob, sizeof blob);
    if (n == 16) {
        uint64_t set = le64_load(blob), stamp = le64_load(blob + 8);
        if (stamp <= out->change_time && out->change_time - stamp <= CHANGE_TIME_WINDOW)
            out->change_time = set;
    }
    n = get_xattr(fd, XATTR_DOSATTRIB_NAME, blob, sizeof blob);
    uint32_t attributes = 0;
    struct samba_dosinfo info;
    if (n > 0 && samba_dosattrib_decode(blob, (size_t)n, &info) == STATUS_SUCCESS) {
        attributes = info.attrib & (PVFS_SETTABLE_ATTRIBUTES | FILE_ATTRIBUTE_SPARSE_FILE |
                                    FILE_ATTRIBUTE_REPARSE_POINT | FILE_ATTRIBUTE_COMPRESSED |
                                    FILE_ATTRIBUTE_ENCRYPTED);
        out->stored_attributes = attributes;
        if (info.valid_flags & XATTR_DOSINFO_CREATE_TIME)
            out->creation_time = info.create_time;
    }
    if (dir)
        attributes |= FILE_ATTRIBUTE_DIRECTORY;
    /* smbd's "hide dot files" default. */
    if (display_name && display_name[0] == '.' && strcmp(display_name, ".") != 0 &&
        strcmp(display_name, "..") != 0)
        attributes |= FILE_ATTRIBUTE_HIDDEN;
    if (attributes == 0)
        attributes = FILE_ATTRIBUTE_NORMAL;
    out->attributes = attributes;
    return STATUS_SUCCESS;
}

NTSTATUS pvfs_dosattrib_store(int fd, bool is_directory, uint32_t attributes,
                              uint64_t creation_time)
{
    /* The sparse bit is set only by FSCTL_SET_SPARSE, but stored here. */
    struct samba_dosinfo info = { XATTR_DOSINFO_ATTRIB | XATTR_DOSINFO_CREATE_TIME,
                                  attributes & (PVFS_SETTABLE_ATTRIBUTES |
                                                FILE_ATTRIBUTE_SPARSE_FILE),
                                  creation_time };
    /* smbd stores the directory bit of a directory too. */
    if (is_directory)
        info.attrib |= FILE_ATTRIBUTE_DIRECTORY;
    struct buf b;
    buf_init(&b);
    samba_dosattrib_encode(&info, &b);
    NTSTATUS status = STATUS_NO_MEMORY;
    if (wr_ok(&b)) {
        status = STATUS_SUCCESS;
        if (pvfs_private_xattr_set(fd, XATTR_DOSATTRIB_NAME, b.data, b.len, 0) != 0)
            status = nt_status_from_errno(errno);
    }
    buf_free(&b);
    return status;
}
