/* SMB2 TREE_DISCONNECT ([MS-SMB2] 3.3.5.8). */
#include "drivers/srv/smb2/request.h"

NTSTATUS smb2_tree_disconnect(struct smb2_request *req)
{
    smb2_cancel_on(req->conn, NULL, req->tree, NULL);
    srv_session_remove_tree(req->session, req->tree);
    wr_u16(&req->out, SMB2_TREE_DISCONNECT_SIZE);
    wr_u16(&req->out, 0);
    return STATUS_SUCCESS;
}
