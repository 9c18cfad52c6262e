/* SMB2 LOGOFF ([MS-SMB2] 3.3.5.6): the session and its tree connects go. The
 * response is still signed with the session's key if signing is due. */
#include "drivers/srv/smb2/request.h"

NTSTATUS smb2_logoff(struct smb2_request *req)
{
    srv_conn_remove_session(req->conn, req->session);
    wr_u16(&req->out, SMB2_LOGOFF_SIZE);
    wr_u16(&req->out, 0);
    return STATUS_SUCCESS;
}
