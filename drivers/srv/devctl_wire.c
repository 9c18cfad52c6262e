/* The wire format of srvctl's \srv controls (devctl.h, docs/srvctl.md): one
 * codec for both sides. srv reads requests and writes answers; srvctl writes
 * requests and reads answers, which come from another process and are read
 * through the bounds-checked reader like anything else from outside. */
#include <string.h>

#include "drivers/srv/devctl.h"

static bool control_known(uint32_t control)
{
    return control == SRV_DEVCTL_RELOAD_SHARES;
}

void srv_devctl_request_write(struct buf *b, uint32_t control)
{
    (void)control; /* every control's request is the header alone today */
    wr_u32(b, SRV_DEVCTL_VERSION);
    wr_u32(b, 0); /* reserved */
}

NTSTATUS srv_devctl_request_read(uint32_t control, const void *data, size_t size)
{
    if (!control_known(control))
        return STATUS_INVALID_PARAMETER;
    struct buf_reader r;
    rd_init(&r, data, size);
    uint32_t version = rd_u32(&r);
    rd_u32(&r); /* reserved */
    if (!rd_ok(&r))
        return STATUS_INVALID_PARAMETER;
    return version == SRV_DEVCTL_VERSION ? STATUS_SUCCESS : STATUS_REVISION_MISMATCH;
}

void srv_devctl_write_result(struct buf *b, uint32_t affected)
{
    wr_u32(b, SRV_DEVCTL_VERSION);
    wr_u32(b, affected);
}

NTSTATUS srv_devctl_read_result(const void *data, size_t size, uint32_t *affected)
{
    struct buf_reader r;
    rd_init(&r, data, size);
    uint32_t version = rd_u32(&r);
    uint32_t count = rd_u32(&r);
    *affected = 0;
    if (!rd_ok(&r))
        return STATUS_INVALID_NETWORK_RESPONSE;
    if (version != SRV_DEVCTL_VERSION)
        return STATUS_REVISION_MISMATCH;
    *affected = count;
    return STATUS_SUCCESS;
}
