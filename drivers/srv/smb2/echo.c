/* SMB2 ECHO ([MS-SMB2] 3.3.5.17): the dispatcher did the work (credits). */
#include "drivers/srv/smb2/request.h"

NTSTATUS smb2_echo(struct smb2_request *req)
{
    wr_u16(&req->out, SMB2_ECHO_SIZE);
    wr_u16(&req->out, 0);
    return STATUS_SUCCESS;
}
