/* pvfs: decoding of the input buffers of set-information and FSCTL requests.
 *
 * Only the bytes: each structure checked against the buffer's length, and
 * against the rules of [MS-FSCC]/[MS-FSA] that do not depend on the file
 * (those come first on Windows too, so the error a client sees is the same).
 * What to do with the values (access checks, the file operations) stays in
 * set_info.c and fsctl.c. Kept apart so that a fuzzer (fuzz/pvfs_input.c)
 * can drive every decoder without a file system. */
#ifndef SW_DRIVERS_PVFS_INPUT_H
#define SW_DRIVERS_PVFS_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/ntstatus.h"
#include "lwiod/ntfile.h"

/* FileModeInformation bits a caller may set. */
#define PVFS_SETTABLE_MODE (FILE_WRITE_THROUGH | FILE_SEQUENTIAL_ONLY | \
    FILE_SYNCHRONOUS_IO_ALERT | FILE_SYNCHRONOUS_IO_NONALERT)

/* One decoded set-information buffer; which fields mean something depends on
 * info_class. */
struct pvfs_set_info_input {
    uint32_t info_class;
    /* FileBasicInformation: creation, last access, last write, change times
     * (0, -1 and -2 have their [MS-FSCC] 2.4.7 meanings) and attributes. */
    uint64_t times[4];
    uint32_t attributes;
    /* FileDispositionInformation(Ex). */
    bool delete_file;
    bool on_close;
    /* FileRenameInformation(Ex), FileLinkInformation: the new name (UTF-8,
     * owned; never empty) and whether it may replace an existing file. */
    bool replace;
    char *name;
    /* FilePositionInformation, FileAllocationInformation,
     * FileEndOfFileInformation. */
    uint64_t value;
    /* FileModeInformation: only PVFS_SETTABLE_MODE bits. */
    uint32_t mode;
};

/* Decodes buffer for info_class. STATUS_INFO_LENGTH_MISMATCH: too short;
 * STATUS_INVALID_INFO_CLASS: a class pvfs does not set. FileFullEaInformation
 * decodes to nothing here: pvfs_ea_set reads its chain. On failure nothing
 * is left to clear. */
NTSTATUS pvfs_set_info_decode(uint32_t info_class, const void *buffer, uint32_t length,
                              struct pvfs_set_info_input *in);
void pvfs_set_info_input_clear(struct pvfs_set_info_input *in);

/* FSCTL_SET_SPARSE's optional FILE_SET_SPARSE_BUFFER: *sparse is what the
 * caller asks for (no buffer: true). Never fails. */
NTSTATUS pvfs_sparse_input_decode(const void *input, uint32_t length, bool *sparse);
/* FSCTL_SET_ZERO_DATA's FILE_ZERO_DATA_INFORMATION: [offset, beyond), both
 * within INT64_MAX and in order. */
NTSTATUS pvfs_zero_data_input_decode(const void *input, uint32_t length, uint64_t *offset,
                                     uint64_t *beyond);
/* FSCTL_QUERY_ALLOCATED_RANGES's FILE_ALLOCATED_RANGE_BUFFER: offset and
 * length, whose sum stays within INT64_MAX. */
NTSTATUS pvfs_range_input_decode(const void *input, uint32_t length, uint64_t *offset,
                                 uint64_t *range_length);

/* PVFS_ECP_OPLOCK's data (pvfs.h): exactly PVFS_ECP_OPLOCK_SIZE bytes, a
 * known type, zero padding. */
struct pvfs_oplock_request;
NTSTATUS pvfs_oplock_request_decode(const void *data, size_t size,
                                    struct pvfs_oplock_request *req);
/* PVFS_FSCTL_OPLOCK_ACK's input: what, level, lease state. */
NTSTATUS pvfs_oplock_ack_decode(const void *input, uint32_t length, uint8_t *what,
                                uint8_t *level, uint32_t *state);

#endif
