/* Volume information ([MS-FSCC] 2.5): the file system the open lives on,
 * described as an NTFS-like volume (case-preserving, Unicode, persistent
 * ACLs, named streams, hard links), sizes from statvfs. */
#include "drivers/pvfs/pvfs_private.h"

#include <errno.h>
#include <string.h>
#include <sys/statvfs.h>

/* FileSystemAttributes ([MS-FSCC] 2.5.1). */
#define FILE_CASE_SENSITIVE_SEARCH 0x00000001u
#define FILE_CASE_PRESERVED_NAMES 0x00000002u
#define FILE_UNICODE_ON_DISK 0x00000004u
#define FILE_PERSISTENT_ACLS 0x00000008u
#define FILE_SUPPORTS_SPARSE_FILES 0x00000040u /* fsctl.c */
#define FILE_NAMED_STREAMS 0x00040000u
#define FILE_SUPPORTS_HARD_LINKS 0x00400000u
#define FILE_SUPPORTS_EXTENDED_ATTRIBUTES 0x00800000u
#define PVFS_FS_ATTRIBUTES (FILE_CASE_SENSITIVE_SEARCH | FILE_CASE_PRESERVED_NAMES | \
    FILE_UNICODE_ON_DISK | FILE_PERSISTENT_ACLS | FILE_NAMED_STREAMS | FILE_SUPPORTS_HARD_LINKS | \
    FILE_SUPPORTS_EXTENDED_ATTRIBUTES)
#define FILE_DEVICE_DISK 0x00000007u
#define FILE_DEVICE_IS_MOUNTED 0x00000020u
#define SSINFO_FLAGS_ALIGNED_DEVICE 0x00000001u
#define SSINFO_FLAGS_PARTITION_ALIGNED_ON_DEVICE 0x00000002u
#define BYTES_PER_SECTOR 512u

static NTSTATUS sizes(int fd, uint64_t *total, uint64_t *avail, uint64_t *free_units,
                      uint32_t *sectors_per_unit)
{
    struct statvfs s;
    if (fstatvfs(fd, &s) != 0)
        return nt_status_from_errno(errno);
    uint64_t unit = s.f_frsize ? s.f_frsize : s.f_bsize;
    if (unit < BYTES_PER_SECTOR)
        unit = BYTES_PER_SECTOR;
    *sectors_per_unit = (uint32_t)(unit / BYTES_PER_SECTOR);
    *total = s.f_blocks;
    *avail = s.f_bavail;
    *free_units = s.f_bfree;
    return STATUS_SUCCESS;
}

/* A stable id for the volume, from its serial number and device. */
void pvfs_volume_object_id(const struct pvfs_volume *volume, uint8_t id[16])
{
    memset(id, 0, 16);
    le32_store(id, volume->serial);
    le64_store(id + 4, (uint64_t)volume->root_dev);
}

NTSTATUS pvfs_query_volume_information(struct pvfs_file *file, uint32_t info_class,
                                       void *buffer, uint32_t length, uint32_t *written)
{
    *written = 0;
    struct pvfs_volume *v = file->volume;
    struct buf b;
    buf_init(&b);
    size_t fixed = 0;
    NTSTATUS status = STATUS_SUCCESS;
    uint64_t total, avail, free_units;
    uint32_t spu;
    switch (info_class) {
    case FileFsVolumeInformation:
        wr_u64(&b, v->created);
        wr_u32(&b, v->serial);
        wr_u32(&b, 0); /* no label */
        wr_u8(&b, 0);  /* SupportsObjects */
        wr_u8(&b, 0);
        /* Windows' minimum is the C structure's size (24: the label's first
         * character and alignment), and it never answers with less
         * (smb2.getinfo.qfs_buffercheck); the label is empty, so zeros. */
        wr_zeros(&b, 6);
        fixed = 24;
        break;
    case FileFsSizeInformation:
        status = sizes(file->fd, &total, &avail, &free_units, &spu);
        wr_u64(&b, total);
        wr_u64(&b, avail);
        wr_u32(&b, spu);
        wr_u32(&b, BYTES_PER_SECTOR);
        fixed = 24;
        break;
    case FileFsFullSizeInformation:
        status = sizes(file->fd, &total, &avail, &free_units, &spu);
        wr_u64(&b, total);
        wr_u64(&b, avail);
        wr_u64(&b, free_units);
        wr_u32(&b, spu);
        wr_u32(&b, BYTES_PER_SECTOR);
        fixed = 32;
        break;
    case FileFsDeviceInformation:
        wr_u32(&b, FILE_DEVICE_DISK);
        wr_u32(&b, FILE_DEVICE_IS_MOUNTED);
        fixed = 8;
        break;
    case FileFsAttributeInformation: {
        wr_u32(&b, PVFS_FS_ATTRIBUTES | FILE_SUPPORTS_SPARSE_FILES);
        wr_u32(&b, PVFS_NAME_MAX_UNITS);
        size_t at = wr_reserve(&b, 4);
        long n = pvfs_put_utf16(&b, "NTFS");
        wr_put_u32_at(&b, at, (uint32_t)n);
        fixed = 16; /* Windows' minimum: the structure with one character, aligned */
        break;
    }
    case FileFsControlInformation:
        /* [MS-FSCC] 2.5.2: no quotas are tracked or enforced (flags 0), no
         * content-indexing filter; the default quota threshold and limit
         * are "none" (-1). */
        wr_u64(&b, 0); /* FreeSpaceStartFiltering */
        wr_u64(&b, 0); /* FreeSpaceThreshold */
        wr_u64(&b, 0); /* FreeSpaceStopFiltering */
        wr_u64(&b, UINT64_MAX);
        wr_u64(&b, UINT64_MAX);
        wr_u32(&b, 0); /* FileSystemControlFlags */
        wr_u32(&b, 0); /* Padding */
        fixed = 48;
        break;
    case FileFsSectorSizeInformation:
        for (int i = 0; i < 4; i++)
            wr_u32(&b, BYTES_PER_SECTOR);
        wr_u32(&b, SSINFO_FLAGS_ALIGNED_DEVICE | SSINFO_FLAGS_PARTITION_ALIGNED_ON_DEVICE);
        wr_u32(&b, 0);
        wr_u32(&b, 0);
        fixed = 28;
        break;
    case FileFsObjectIdInformation: {
        uint8_t id[16];
        pvfs_volume_object_id(v, id);
        wr_bytes(&b, id, sizeof id);
        wr_zeros(&b, 48);
        fixed = 64;
        break;
    }
    default:
        status = STATUS_INVALID_INFO_CLASS;
        break;
    }
    if (status == STATUS_SUCCESS)
        status = pvfs_return_info(&b, fixed, buffer, length, written);
    buf_free(&b);
    return status;
}
