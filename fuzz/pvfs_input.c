/* Fuzz target: the input buffers pvfs decodes for SMB2 SET_INFO (file
 * classes) and for the FSCTLs it implements (drivers/pvfs/input.c). Input:
 * one selector byte, then the buffer. Selectors below SET_INFO_CLASSES pick
 * an information class (every class pvfs sets, and one it does not); the
 * others an FSCTL decoder (and the oplock ECP and acknowledgment srv
 * sends). What decodes must obey the rules the file
 * operations rely on: a rename name is non-empty UTF-8 that converts back to
 * exactly the UTF-16 the client sent, positions and ranges stay within
 * INT64_MAX, only settable mode bits pass. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/pvfs/input.h"
#include "drivers/pvfs/pvfs.h"
#include "lib/utf16.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint32_t classes[] = {
    FileBasicInformation, FileFullEaInformation, FileDispositionInformation,
    FileDispositionInformationEx, FileRenameInformation, FileRenameInformationEx,
    FileLinkInformation, FilePositionInformation, FileModeInformation,
    FileAllocationInformation, FileEndOfFileInformation, FileStandardInformation,
};
#define SET_INFO_CLASSES (sizeof classes / sizeof classes[0])

static void check_set_info(uint32_t info_class, const uint8_t *buf, uint32_t len)
{
    struct pvfs_set_info_input in;
    NTSTATUS status = pvfs_set_info_decode(info_class, buf, len, &in);
    if (status != STATUS_SUCCESS) {
        if (in.name)
            abort(); /* a failed decode leaves nothing to free */
        return;
    }
    switch (info_class) {
    case FileRenameInformation:
    case FileRenameInformationEx:
    case FileLinkInformation: {
        if (!in.name || !in.name[0])
            abort();
        /* The name's UTF-16 is at offset 20 (after flags, root, length). */
        uint32_t name_len = len >= 20 ? buf[16] | buf[17] << 8 | (uint32_t)buf[18] << 16 |
                                            (uint32_t)buf[19] << 24
                                      : 0;
        uint8_t *back = NULL;
        size_t back_len = 0;
        if (utf8_to_utf16le(in.name, strlen(in.name), &back, &back_len) != STATUS_SUCCESS ||
            back_len != name_len || memcmp(back, buf + 20, name_len) != 0)
            abort();
        free(back);
        break;
    }
    case FilePositionInformation:
        if (in.value > (uint64_t)INT64_MAX)
            abort();
        break;
    case FileModeInformation:
        if (in.mode & ~PVFS_SETTABLE_MODE)
            abort();
        break;
    default:
        if (in.name)
            abort();
        break;
    }
    pvfs_set_info_input_clear(&in);
}

static void check_fsctl(unsigned which, const uint8_t *buf, uint32_t len)
{
    uint64_t a, b;
    bool sparse;
    struct pvfs_oplock_request req;
    uint8_t what, level;
    uint32_t state;
    switch (which % 5) {
    case 3:
        if (pvfs_oplock_request_decode(buf, len, &req) == STATUS_SUCCESS &&
            (len != PVFS_ECP_OPLOCK_SIZE || req.type > PVFS_OPLOCK_LEASE ||
             (req.lease_state & ~7u)))
            abort();
        break;
    case 4:
        if (pvfs_oplock_ack_decode(buf, len, &what, &level, &state) == STATUS_SUCCESS &&
            (len != PVFS_OPLOCK_ACK_SIZE || what > PVFS_OPLOCK_ACK_RELEASE ||
             level > PVFS_OPLOCK_BATCH))
            abort();
        break;
    case 0:
        if (pvfs_sparse_input_decode(buf, len, &sparse) != STATUS_SUCCESS ||
            sparse != !(len >= 1 && buf[0] == 0))
            abort();
        break;
    case 1:
        if (pvfs_zero_data_input_decode(buf, len, &a, &b) == STATUS_SUCCESS &&
            (len < 16 || a > b || b > (uint64_t)INT64_MAX))
            abort();
        break;
    default:
        if (pvfs_range_input_decode(buf, len, &a, &b) == STATUS_SUCCESS &&
            (len < 16 || a > (uint64_t)INT64_MAX || b > (uint64_t)INT64_MAX - a))
            abort();
        break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size - 1 > UINT32_MAX)
        return 0;
    /* A private copy of exactly the buffer, so reads past it are caught. */
    uint8_t *buf = malloc(size - 1 ? size - 1 : 1);
    if (!buf)
        return 0;
    memcpy(buf, data + 1, size - 1);
    if (data[0] < SET_INFO_CLASSES)
        check_set_info(classes[data[0]], buf, (uint32_t)(size - 1));
    else
        check_fsctl(data[0] - SET_INFO_CLASSES, buf, (uint32_t)(size - 1));
    free(buf);
    return 0;
}
