/* SMB2 LOGOFF ([MS-SMB2] 3.3.5.6): the session and its tree connects go. The
 * response is still signed with the session's key if signing is due. */
#include "drivers/srv/smb2/request.h"

NTSTATUS smb2_logoff(struct smb2_request *req)
{
    /* Requests still waiting on the session's files end now (3.3.5.6). */
    smb2_cancel_on(req->conn, req->session, NULL, NULL);
    srv_conn_remove_session(req->conn, req->session);
    wr_u16(&req->out, SMB2_LOGOFF_SIZE);
    wr_u16(&req->out, 0);
    return STATUS_SUCCESS;
}
