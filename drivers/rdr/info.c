/* rdr's QUERY_INFO, SET_INFO, QUERY_DIRECTORY and IOCTL: the IRP's buffer
 * goes to the server as it is (the information classes are the same
 * numbers in the I/O manager and on the wire, [MS-FSCC]), and what comes
 * back is copied out only after its offset and length were checked against
 * the response and against the caller's buffer. Two classes are the
 * client's own: FilePositionInformation (the open's position lives here),
 * and the rename/link target, which names a path under \rdr and becomes a
 * share-relative name for the server. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "drivers/rdr/rdr.h"
#include "lib/utf16.h"

/* The most a single answer may carry: the caller's buffer, the server's
 * maximum transaction size and rdr's frame limit. */
static uint32_t output_limit(const struct rdr_handle *h, uint32_t length)
{
    uint32_t limit = length < h->conn->max_transact ? length : h->conn->max_transact;
    return limit < RDR_MAX_IO ? limit : RDR_MAX_IO;
}

/* Runs a call whose answer is an output buffer (query info, directory);
 * copies it to out. STATUS_BUFFER_OVERFLOW keeps its (partial) data. */
static NTSTATUS run_output_call(struct io_irp *irp, struct rdr_handle *h, struct rdr_call *call,
                                uint32_t limit, void *out, uint32_t *out_len)
{
    NTSTATUS status = rdr_call_status(rdr_call_run(h->conn, call, irp), call);
    *out_len = 0;
    if (status == STATUS_SUCCESS || status == STATUS_BUFFER_OVERFLOW) {
        struct rdr_bytes data;
        if (rdr_output_buffer_parse(call->rsp, call->rsp_len, limit, &data))
            return STATUS_INVALID_NETWORK_RESPONSE;
        if (data.len)
            memcpy(out, data.data, data.len);
        *out_len = (uint32_t)data.len;
    } else if (status == STATUS_BUFFER_TOO_SMALL) {
        /* ErrorData holds the size needed ([MS-SMB2] 2.2.2, 3.3.5.20.1). */
        struct rdr_bytes data;
        if (rdr_error_parse(call->rsp, call->rsp_len, &data) == STATUS_SUCCESS && data.len == 4)
            *out_len = le32_load(data.data);
    }
    return status;
}

static NTSTATUS query(struct io_irp *irp, struct rdr_file *f, uint8_t info_type,
                      uint8_t info_class, uint32_t additional, void *buffer, uint32_t length)
{
    struct rdr_handle h;
    NTSTATUS status = rdr_handle_get(f, irp->token, &h);
    if (status)
        return status;
    uint32_t limit = output_limit(&h, length);
    struct rdr_call call;
    rdr_handle_call_init(&h, &call, SMB2_QUERY_INFO);
    rdr_query_info_write(&call.req, h.file_id, info_type, info_class, limit, additional);
    uint32_t got;
    status = run_output_call(irp, &h, &call, limit, buffer, &got);
    irp->status_block.information = got;
    rdr_call_free(&call);
    rdr_handle_put(&h);
    return status;
}

NTSTATUS rdr_query_information(struct io_irp *irp, struct rdr_file *f)
{
    uint32_t info_class = irp->args.query_information.info_class;
    void *buffer = irp->args.query_information.buffer;
    uint32_t length = irp->args.query_information.length;
    if (info_class > UINT8_MAX)
        return STATUS_INVALID_INFO_CLASS;
    if (irp->type == IRP_TYPE_QUERY_VOLUME_INFORMATION)
        return query(irp, f, SMB2_0_INFO_FILESYSTEM, (uint8_t)info_class, 0, buffer, length);
    if (info_class == FilePositionInformation) {
        if (length < 8)
            return STATUS_INFO_LENGTH_MISMATCH;
        le64_store(buffer, f->position);
        irp->status_block.information = 8;
        return STATUS_SUCCESS;
    }
    return query(irp, f, SMB2_0_INFO_FILE, (uint8_t)info_class, 0, buffer, length);
}

/* NtQueryEaFile as QUERY_INFO FileFullEaInformation: the EA name list is
 * the input buffer, the index the AdditionalInformation ([MS-SMB2] 2.2.37). */
NTSTATUS rdr_query_ea(struct io_irp *irp, struct rdr_file *f)
{
    struct rdr_handle h;
    NTSTATUS status = rdr_handle_get(f, irp->token, &h);
    if (status)
        return status;
    if (irp->args.query_ea.ea_list_length > h.conn->max_transact) {
        rdr_handle_put(&h);
        return STATUS_INVALID_PARAMETER;
    }
    uint32_t limit = output_limit(&h, irp->args.query_ea.length);
    uint32_t flags = (irp->args.query_ea.restart_scan ? SL_RESTART_SCAN : 0) |
                     (irp->args.query_ea.return_single_entry ? SL_RETURN_SINGLE_ENTRY : 0) |
                     (irp->args.query_ea.has_ea_index ? SL_INDEX_SPECIFIED : 0);
    struct rdr_call call;
    rdr_handle_call_init(&h, &call, SMB2_QUERY_INFO);
    rdr_query_info_input_write(&call.req, h.file_id, SMB2_0_INFO_FILE, FileFullEaInformation,
                               limit, irp->args.query_ea.has_ea_index ? irp->args.query_ea.ea_index
                                                                      : 0,
                               flags, irp->args.query_ea.ea_list,
                               irp->args.query_ea.ea_list_length);
    uint32_t got;
    status = run_output_call(irp, &h, &call, limit, irp->args.query_ea.buffer, &got);
    irp->status_block.information = got;
    rdr_call_free(&call);
    rdr_handle_put(&h);
    return status;
}

NTSTATUS rdr_query_security(struct io_irp *irp, struct rdr_file *f)
{
    return query(irp, f, SMB2_0_INFO_SECURITY, 0, irp->args.query_security.security_information,
                 irp->args.query_security.buffer, irp->args.query_security.length);
}

static NTSTATUS set(struct io_irp *irp, struct rdr_file *f, uint8_t info_type, uint8_t info_class,
                    uint32_t additional, const void *buffer, uint32_t length)
{
    struct rdr_handle h;
    NTSTATUS status = rdr_handle_get(f, irp->token, &h);
    if (status)
        return status;
    if (length > h.conn->max_transact) {
        rdr_handle_put(&h);
        return STATUS_INVALID_PARAMETER;
    }
    struct rdr_call call;
    rdr_handle_call_init(&h, &call, SMB2_SET_INFO);
    rdr_set_info_write(&call.req, h.file_id, info_type, info_class, additional, buffer, length);
    status = rdr_call_status(rdr_call_run(h.conn, &call, irp), &call);
    rdr_call_free(&call);
    rdr_handle_put(&h);
    return status;
}

NTSTATUS rdr_set_security(struct io_irp *irp, struct rdr_file *f)
{
    return set(irp, f, SMB2_0_INFO_SECURITY, 0, irp->args.set_security.security_information,
               irp->args.set_security.buffer, irp->args.set_security.length);
}

/* The rename/link target "HOST[:PORT]\SHARE\path" (relative to \rdr) made
 * share-relative; another server or share is another device for SMB. */
static NTSTATUS rewrite_target(const struct rdr_file *f, const void *buffer, uint32_t length,
                               struct buf *out)
{
    struct buf_reader r;
    rd_init(&r, buffer, length);
    const uint8_t *fixed = rd_bytes(&r, 16); /* ReplaceIfExists, Reserved, RootDirectory */
    uint32_t name_len = rd_u32(&r);
    const uint8_t *name16 = rd_bytes(&r, name_len);
    char *name = NULL;
    if (!rd_ok(&r) || (name_len & 1) || utf16le_to_utf8(name16, name_len, &name))
        return STATUS_INVALID_PARAMETER;
    char prefix[400];
    int n = f->port == 445 ? snprintf(prefix, sizeof prefix, "%s\\%s\\", f->host, f->share)
                           : snprintf(prefix, sizeof prefix, "%s:%u\\%s\\", f->host, f->port,
                                      f->share);
    NTSTATUS status = STATUS_SUCCESS;
    const char *target = name;
    if (n <= 0 || (size_t)n >= sizeof prefix || strncasecmp(name, prefix, (size_t)n) != 0)
        status = STATUS_NOT_SAME_DEVICE;
    else
        target = name + n;
    uint8_t *target16 = NULL;
    size_t target_len = 0;
    if (status == STATUS_SUCCESS)
        status = utf8_to_utf16le(target, strlen(target), &target16, &target_len);
    if (status == STATUS_SUCCESS) {
        wr_bytes(out, fixed, 16);
        wr_u32(out, (uint32_t)target_len);
        wr_bytes(out, target16, target_len);
        if (!wr_ok(out))
            status = STATUS_INSUFFICIENT_RESOURCES;
    }
    free(target16);
    free(name);
    return status;
}

NTSTATUS rdr_set_information(struct io_irp *irp, struct rdr_file *f)
{
    uint32_t info_class = irp->args.set_information.info_class;
    const void *buffer = irp->args.set_information.buffer;
    uint32_t length = irp->args.set_information.length;
    if (irp->type == IRP_TYPE_SET_VOLUME_INFORMATION)
        return info_class > UINT8_MAX ? STATUS_INVALID_INFO_CLASS
                                      : set(irp, f, SMB2_0_INFO_FILESYSTEM, (uint8_t)info_class,
                                            0, buffer, length);
    switch (info_class) {
    case FilePositionInformation:
        if (length < 8)
            return STATUS_INFO_LENGTH_MISMATCH;
        f->position = le64_load(buffer);
        return STATUS_SUCCESS;
    case FileRenameInformation:
    case FileLinkInformation: {
        struct buf rewritten;
        buf_init(&rewritten);
        NTSTATUS status = rewrite_target(f, buffer, length, &rewritten);
        if (status == STATUS_SUCCESS)
            status = set(irp, f, SMB2_0_INFO_FILE, (uint8_t)info_class, 0, rewritten.data,
                         (uint32_t)rewritten.len);
        buf_free(&rewritten);
        return status;
    }
    default:
        if (info_class > UINT8_MAX)
            return STATUS_INVALID_INFO_CLASS;
        return set(irp, f, SMB2_0_INFO_FILE, (uint8_t)info_class, 0, buffer, length);
    }
}

NTSTATUS rdr_query_directory(struct io_irp *irp, struct rdr_file *f)
{
    uint32_t info_class = irp->args.query_directory.info_class;
    if (info_class > UINT8_MAX)
        return STATUS_INVALID_INFO_CLASS;
    struct rdr_handle h;
    NTSTATUS status = rdr_handle_get(f, irp->token, &h);
    if (status)
        return status;
    uint32_t limit = output_limit(&h, irp->args.query_directory.length);
    uint8_t flags = (irp->args.query_directory.restart_scan ? SMB2_RESTART_SCANS : 0) |
                    (irp->args.query_directory.return_single_entry ? SMB2_RETURN_SINGLE_ENTRY : 0);
    struct rdr_call call;
    rdr_handle_call_init(&h, &call, SMB2_QUERY_DIRECTORY);
    status = rdr_query_directory_write(&call.req, h.file_id, (uint8_t)info_class, flags,
                                       irp->args.query_directory.pattern, limit);
    uint32_t got = 0;
    if (status == STATUS_SUCCESS)
        status = run_output_call(irp, &h, &call, limit, irp->args.query_directory.buffer, &got);
    irp->status_block.information = status == STATUS_SUCCESS ? got : 0;
    rdr_call_free(&call);
    rdr_handle_put(&h);
    return status;
}

NTSTATUS rdr_fs_control(struct io_irp *irp, struct rdr_file *f)
{
    struct rdr_handle h;
    NTSTATUS status = rdr_handle_get(f, irp->token, &h);
    if (status)
        return status;
    uint32_t limit = output_limit(&h, irp->args.io_control.output_length);
    if (irp->args.io_control.input_length > h.conn->max_transact) {
        rdr_handle_put(&h);
        return STATUS_INVALID_PARAMETER;
    }
    struct rdr_call call;
    rdr_handle_call_init(&h, &call, SMB2_IOCTL);
    rdr_ioctl_write(&call.req, h.file_id, irp->args.io_control.control_code,
                    irp->args.io_control.input_buffer, irp->args.io_control.input_length, limit);
    status = rdr_call_status(rdr_call_run(h.conn, &call, irp), &call);
    irp->status_block.information = 0;
    if (status == STATUS_SUCCESS || status == STATUS_BUFFER_OVERFLOW) {
        struct rdr_bytes out;
        if (rdr_ioctl_parse(call.rsp, call.rsp_len, limit, &out)) {
            status = STATUS_INVALID_NETWORK_RESPONSE;
        } else {
            if (out.len)
                memcpy(irp->args.io_control.output_buffer, out.data, out.len);
            irp->status_block.information = out.len;
        }
    }
    rdr_call_free(&call);
    rdr_handle_put(&h);
    return status;
}
