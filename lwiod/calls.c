/* The Io* calls that issue an IRP on an open file: each builds the IRP's
 * arguments and hands it to irp_submit. */
#include <stdlib.h>
#include <string.h>

#include "lwiod/internal.h"

/* A new IRP, or NULL with the status block set. */
static struct irp *new_irp(enum io_irp_type type, struct io_file *file,
                           struct io_async_control *async, struct io_status_block *status_block,
                           const struct access_token *token, NTSTATUS *status)
{
    struct irp *irp = NULL;
    *status = STATUS_SUCCESS;
    if (!file || !status_block || !token)
        *status = STATUS_INVALID_PARAMETER;
    else if (!(irp = irp_new(type, file, token, async, status_block)))
        *status = STATUS_INSUFFICIENT_RESOURCES;
    if (*status && status_block) {
        status_block->status = *status;
        status_block->information = 0;
    }
    return irp;
}

NTSTATUS IoReadFile(struct io_file *file, struct io_async_control *async,
                    struct io_status_block *status_block, const struct access_token *token,
                    void *buffer, uint32_t length, const uint64_t *offset, uint32_t key)
{
    NTSTATUS status;
    struct irp *irp = new_irp(IRP_TYPE_READ, file, async, status_block, token, &status);
    if (!irp)
        return status;
    irp->pub.args.read.buffer = buffer;
    irp->pub.args.read.length = length;
    irp->pub.args.read.has_offset = offset != NULL;
    irp->pub.args.read.offset = offset ? *offset : 0;
    irp->pub.args.read.key = key;
    return irp_submit(irp);
}

NTSTATUS IoWriteFile(struct io_file *file, struct io_async_control *async,
                     struct io_status_block *status_block, const struct access_token *token,
                     const void *buffer, uint32_t length, const uint64_t *offset, uint32_t key)
{
    NTSTATUS status;
    struct irp *irp = new_irp(IRP_TYPE_WRITE, file, async, status_block, token, &status);
    if (!irp)
        return status;
    irp->pub.args.write.buffer = buffer;
    irp->pub.args.write.length = length;
    irp->pub.args.write.has_offset = offset != NULL;
    irp->pub.args.write.offset = offset ? *offset : 0;
    irp->pub.args.write.key = key;
    return irp_submit(irp);
}

static NTSTATUS io_control(enum io_irp_type type, struct io_file *file,
                           struct io_async_control *async, struct io_status_block *status_block,
                           const struct access_token *token, uint32_t control_code,
                           const void *input, uint32_t input_length, void *output,
                           uint32_t output_length)
{
    NTSTATUS status;
    struct irp *irp = new_irp(type, file, async, status_block, token, &status);
    if (!irp)
        return status;
    irp->pub.args.io_control.control_code = control_code;
    irp->pub.args.io_control.input_buffer = input;
    irp->pub.args.io_control.input_length = input_length;
    irp->pub.args.io_control.output_buffer = output;
    irp->pub.args.io_control.output_length = output_length;
    return irp_submit(irp);
}

NTSTATUS IoDeviceIoControlFile(struct io_file *file, struct io_async_control *async,
                               struct io_status_block *status_block,
                               const struct access_token *token, uint32_t control_code,
                               const void *input, uint32_t input_length, void *output,
                               uint32_t output_length)
{
    return io_control(IRP_TYPE_DEVICE_IO_CONTROL, file, async, status_block, token, control_code,
                      input, input_length, output, output_length);
}

NTSTATUS IoFsControlFile(struct io_file *file, struct io_async_control *async,
                         struct io_status_block *status_block, const struct access_token *token,
                         uint32_t control_code, const void *input, uint32_t input_length,
                         void *output, uint32_t output_length)
{
    return io_control(IRP_TYPE_FS_CONTROL, file, async, status_block, token, control_code, input,
                      input_length, output, output_length);
}

NTSTATUS IoFlushBuffersFile(struct io_file *file, struct io_async_control *async,
                            struct io_status_block *status_block,
                            const struct access_token *token)
{
    NTSTATUS status;
    struct irp *irp = new_irp(IRP_TYPE_FLUSH_BUFFERS, file, async, status_block, token, &status);
    if (!irp)
        return status;
    return irp_submit(irp);
}

static NTSTATUS query(enum io_irp_type type, struct io_file *file, struct io_async_control *async,
                      struct io_status_block *status_block, const struct access_token *token,
                      void *buffer, uint32_t length, uint32_t info_class)
{
    NTSTATUS status;
    struct irp *irp = new_irp(type, file, async, status_block, token, &status);
    if (!irp)
        return status;
    irp->pub.args.query_information.info_class = info_class;
    irp->pub.args.query_information.buffer = buffer;
    irp->pub.args.query_information.length = length;
    return irp_submit(irp);
}

static NTSTATUS set(enum io_irp_type type, struct io_file *file, struct io_async_control *async,
                    struct io_status_block *status_block, const struct access_token *token,
                    const void *buffer, uint32_t length, uint32_t info_class)
{
    NTSTATUS status;
    struct irp *irp = new_irp(type, file, async, status_block, token, &status);
    if (!irp)
        return status;
    irp->pub.args.set_information.info_class = info_class;
    irp->pub.args.set_information.buffer = buffer;
    irp->pub.args.set_information.length = length;
    return irp_submit(irp);
}

NTSTATUS IoQueryInformationFile(struct io_file *file, struct io_async_control *async,
                                struct io_status_block *status_block,
                                const struct access_token *token, void *buffer,
                                uint32_t length, uint32_t info_class)
{
    return query(IRP_TYPE_QUERY_INFORMATION, file, async, status_block, token, buffer, length,
                 info_class);
}

NTSTATUS IoSetInformationFile(struct io_file *file, struct io_async_control *async,
                              struct io_status_block *status_block,
                              const struct access_token *token, const void *buffer,
                              uint32_t length, uint32_t info_class)
{
    return set(IRP_TYPE_SET_INFORMATION, file, async, status_block, token, buffer, length,
               info_class);
}

NTSTATUS IoQueryVolumeInformationFile(struct io_file *file, struct io_async_control *async,
                                      struct io_status_block *status_block,
                                      const struct access_token *token, void *buffer,
                                      uint32_t length, uint32_t info_class)
{
    return query(IRP_TYPE_QUERY_VOLUME_INFORMATION, file, async, status_block, token, buffer,
                 length, info_class);
}

NTSTATUS IoSetVolumeInformationFile(struct io_file *file, struct io_async_control *async,
                                    struct io_status_block *status_block,
                                    const struct access_token *token, const void *buffer,
                                    uint32_t length, uint32_t info_class)
{
    return set(IRP_TYPE_SET_VOLUME_INFORMATION, file, async, status_block, token, buffer, length,
               info_class);
}

NTSTATUS IoQueryDirectoryFile(struct io_file *file, struct io_async_control *async,
                              struct io_status_block *status_block,
                              const struct access_token *token, void *buffer, uint32_t length,
                              uint32_t info_class, bool return_single_entry,
                              const char *pattern, bool restart_scan)
{
    NTSTATUS status;
    struct irp *irp = new_irp(IRP_TYPE_QUERY_DIRECTORY, file, async, status_block, token, &status);
    if (!irp)
        return status;
    if (pattern && !(irp->owned_pattern = strdup(pattern))) {
        irp_free_unsent(irp);
        status_block->status = STATUS_INSUFFICIENT_RESOURCES;
        status_block->information = 0;
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    irp->pub.args.query_directory.info_class = info_class;
    irp->pub.args.query_directory.buffer = buffer;
    irp->pub.args.query_directory.length = length;
    irp->pub.args.query_directory.pattern = irp->owned_pattern;
    irp->pub.args.query_directory.restart_scan = restart_scan;
    irp->pub.args.query_directory.return_single_entry = return_single_entry;
    return irp_submit(irp);
}

static NTSTATUS lock_control(struct io_file *file, struct io_async_control *async,
                             struct io_status_block *status_block,
                             const struct access_token *token, enum io_lock_operation operation,
                             uint64_t offset, uint64_t length, uint32_t key, uint32_t flags)
{
    NTSTATUS status;
    struct irp *irp = new_irp(IRP_TYPE_LOCK_CONTROL, file, async, status_block, token, &status);
    if (!irp)
        return status;
    irp->pub.args.lock_control.operation = operation;
    irp->pub.args.lock_control.offset = offset;
    irp->pub.args.lock_control.length = length;
    irp->pub.args.lock_control.key = key;
    irp->pub.args.lock_control.flags = flags;
    return irp_submit(irp);
}

NTSTATUS IoLockFile(struct io_file *file, struct io_async_control *async,
                    struct io_status_block *status_block, const struct access_token *token,
                    uint64_t offset, uint64_t length, uint32_t key, uint32_t flags)
{
    return lock_control(file, async, status_block, token, IO_LOCK_CONTROL_LOCK, offset, length,
                        key, flags & (SL_FAIL_IMMEDIATELY | SL_EXCLUSIVE_LOCK));
}

NTSTATUS IoUnlockFile(struct io_file *file, struct io_async_control *async,
                      struct io_status_block *status_block, const struct access_token *token,
                      uint64_t offset, uint64_t length, uint32_t key)
{
    return lock_control(file, async, status_block, token, IO_LOCK_CONTROL_UNLOCK, offset, length,
                        key, 0);
}

NTSTATUS IoQuerySecurityFile(struct io_file *file, struct io_async_control *async,
                             struct io_status_block *status_block,
                             const struct access_token *token, uint32_t security_information,
                             void *buffer, uint32_t length)
{
    NTSTATUS status;
    struct irp *irp = new_irp(IRP_TYPE_QUERY_SECURITY, file, async, status_block, token, &status);
    if (!irp)
        return status;
    irp->pub.args.query_security.security_information = security_information;
    irp->pub.args.query_security.buffer = buffer;
    irp->pub.args.query_security.length = length;
    return irp_submit(irp);
}

NTSTATUS IoSetSecurityFile(struct io_file *file, struct io_async_control *async,
                           struct io_status_block *status_block,
                           const struct access_token *token, uint32_t security_information,
                           const void *buffer, uint32_t length)
{
    NTSTATUS status;
    struct irp *irp = new_irp(IRP_TYPE_SET_SECURITY, file, async, status_block, token, &status);
    if (!irp)
        return status;
    irp->pub.args.set_security.security_information = security_information;
    irp->pub.args.set_security.buffer = buffer;
    irp->pub.args.set_security.length = length;
    return irp_submit(irp);
}

NTSTATUS IoQueryEaFile(struct io_file *file, struct io_async_control *async,
                       struct io_status_block *status_block, const struct access_token *token,
                       void *buffer, uint32_t length, bool return_single_entry,
                       const void *ea_list, uint32_t ea_list_length, const uint32_t *ea_index,
                       bool restart_scan)
{
    NTSTATUS status;
    struct irp *irp = new_irp(IRP_TYPE_QUERY_EA, file, async, status_block, token, &status);
    if (!irp)
        return status;
    irp->pub.args.query_ea.buffer = buffer;
    irp->pub.args.query_ea.length = length;
    irp->pub.args.query_ea.ea_list = ea_list;
    irp->pub.args.query_ea.ea_list_length = ea_list ? ea_list_length : 0;
    irp->pub.args.query_ea.has_ea_index = ea_index != NULL;
    irp->pub.args.query_ea.ea_index = ea_index ? *ea_index : 0;
    irp->pub.args.query_ea.return_single_entry = return_single_entry;
    irp->pub.args.query_ea.restart_scan = restart_scan;
    return irp_submit(irp);
}

NTSTATUS IoReadDirectoryChangeFile(struct io_file *file, struct io_async_control *async,
                                   struct io_status_block *status_block,
                                   const struct access_token *token, void *buffer,
                                   uint32_t length, bool watch_tree,
                                   uint32_t completion_filter)
{
    NTSTATUS status;
    struct irp *irp =
        new_irp(IRP_TYPE_READ_DIRECTORY_CHANGE, file, async, status_block, token, &status);
    if (!irp)
        return status;
    irp->pub.args.read_directory_change.buffer = buffer;
    irp->pub.args.read_directory_change.length = length;
    irp->pub.args.read_directory_change.watch_tree = watch_tree;
    irp->pub.args.read_directory_change.completion_filter = completion_filter;
    return irp_submit(irp);
}
