/* Wire forms of the ECPs that ntfile.h describes. */
#include "lwiod/ntfile.h"

void io_ecp_named_pipe_write(struct buf *b, const struct io_ecp_named_pipe *pipe)
{
    wr_u32(b, pipe->named_pipe_type);
    wr_u32(b, pipe->read_mode);
    wr_u32(b, pipe->completion_mode);
    wr_u32(b, pipe->maximum_instances);
    wr_u32(b, pipe->inbound_quota);
    wr_u32(b, pipe->outbound_quota);
    wr_u64(b, pipe->default_timeout);
    wr_u32(b, pipe->have_default_timeout);
    wr_u32(b, 0);
}

NTSTATUS io_ecp_named_pipe_read(const void *data, size_t size, struct io_ecp_named_pipe *pipe)
{
    struct buf_reader r;
    rd_init(&r, data, size);
    pipe->named_pipe_type = rd_u32(&r);
    pipe->read_mode = rd_u32(&r);
    pipe->completion_mode = rd_u32(&r);
    pipe->maximum_instances = rd_u32(&r);
    pipe->inbound_quota = rd_u32(&r);
    pipe->outbound_quota = rd_u32(&r);
    pipe->default_timeout = rd_u64(&r);
    pipe->have_default_timeout = rd_u32(&r);
    rd_u32(&r);
    if (!rd_ok(&r) || rd_remaining(&r) != 0 || size != IO_ECP_NAMED_PIPE_SIZE)
        return STATUS_INVALID_PARAMETER;
    return STATUS_SUCCESS;
}
