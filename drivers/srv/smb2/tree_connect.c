/* SMB2 TREE_CONNECT ([MS-SMB2] 2.2.9, 2.2.10, 3.3.5.7): "\\server\share"
 * to a share of srv_shares, and a new tree connect in the session. */
#include <stdlib.h>
#include <string.h>

#include "drivers/srv/smb2/request.h"
#include "lib/access.h"
#include "lib/log.h"
#include "lib/secdesc.h"
#include "lib/utf16.h"
#include "lwiod/ntfile.h"

/* The share part of "\\server\share" (UTF-8, in place), or NULL. */
static const char *share_of(char *path)
{
    if (path[0] != '\\' || path[1] != '\\')
        return NULL;
    char *sep = strchr(path + 2, '\\');
    if (!sep || sep == path + 2)
        return NULL;
    const char *share = sep + 1;
    if (!*share || strchr(share, '\\') || strlen(share) > 80)
        return NULL;
    return share;
}

NTSTATUS smb2_tree_connect(struct smb2_request *req)
{
    struct srv_conn *conn = req->conn;
    struct srv_session *s = req->session;
    const struct srv_config *cfg = &conn->engine->config;
    struct buf_reader *r = &req->body;
    rd_skip(r, 2);                     /* StructureSize */
    uint16_t flags = rd_u16(r);
    uint16_t path_offset = rd_u16(r);
    uint16_t path_len = rd_u16(r);
    if (!rd_ok(r))
        return STATUS_INVALID_PARAMETER;
    if (flags & SMB2_TREE_CONNECT_FLAG_EXTENSION_PRESENT)
        return STATUS_NOT_SUPPORTED; /* remoted identity: not offered */
    struct buf_reader path_reader = smb2_req_area(req, path_offset, path_len);
    if (!rd_ok(&path_reader) || path_len == 0 || path_len % 2)
        return STATUS_INVALID_PARAMETER;

    char *path = NULL;
    if (utf16le_to_utf8(rd_bytes(&path_reader, path_len), path_len, &path) != STATUS_SUCCESS)
        return STATUS_BAD_NETWORK_NAME;
    const char *share_name = share_of(path);
    NTSTATUS status = STATUS_BAD_NETWORK_NAME;
    struct srv_share_info info;
    memset(&info, 0, sizeof info);
    if (share_name)
        status = cfg->shares.lookup(cfg->shares.context, share_name, &info);
    if (status != STATUS_SUCCESS) {
        log_ratelimited(LOG_LEVEL_INFO, "srv: %s: no share '%s'", conn->peer,
                        share_name ? share_name : path);
        free(path);
        srv_share_info_clear(&info);
        return STATUS_BAD_NETWORK_NAME;
    }
    free(path);

    pthread_mutex_lock(&s->lock);
    uint32_t maximal_access = srv_share_maximal_access(&info, s->token);
    bool anonymous = s->is_anonymous;
    bool guest = s->is_guest;
    bool encrypted_session = s->encrypt_data;
    uint16_t dialect = s->dialect;
    uint16_t cipher = s->cipher;
    pthread_mutex_unlock(&s->lock);
    srv_share_info_clear(&info);
    /* A guest or null session reaches IPC$ (anonymous RPC) and the shares
     * that opted in (guest_ok), never a share through its default
     * "Everyone:read" alone; within those, the share's permissions count. */
    if ((anonymous || guest) && info.type != SRV_SHARE_PIPE && !info.guest_ok) {
        log_debug("srv: %s: %s session refused on %s (not guest_ok)", conn->peer,
                  anonymous ? "null" : "guest", info.name);
        return STATUS_ACCESS_DENIED;
    }
    if (maximal_access == 0) {
        log_ratelimited(LOG_LEVEL_INFO, "srv: %s: share permissions deny %s", conn->peer,
                        info.name);
        return STATUS_ACCESS_DENIED;
    }
    /* An encrypted share needs a client that can encrypt (3.3.5.7). */
    if (info.encrypt_data && (!SMB2_DIALECT_IS_3(dialect) || cipher == SMB2_ENCRYPTION_NONE) &&
        !encrypted_session)
        return STATUS_ACCESS_DENIED;

    struct srv_tree *tree = srv_tree_new(conn->engine, &info);
    if (!tree)
        return STATUS_INSUFFICIENT_RESOURCES;
    tree->maximal_access = maximal_access;
    status = srv_session_add_tree(s, tree);
    if (status != STATUS_SUCCESS) {
        srv_tree_unref(tree);
        return status;
    }
    req->rsp_tree_id = tree->id;
    req->elem_tree_ok = true; /* a related element may use the new tree */

    uint8_t share_type = info.type == SRV_SHARE_PIPE    ? SMB2_SHARE_TYPE_PIPE
                         : info.type == SRV_SHARE_PRINT ? SMB2_SHARE_TYPE_PRINT
                                                        : SMB2_SHARE_TYPE_DISK;
    uint32_t share_flags = info.type == SRV_SHARE_PIPE ? SMB2_SHAREFLAG_NO_CACHING
                                                       : SMB2_SHAREFLAG_MANUAL_CACHING;
    if (info.encrypt_data && SMB2_DIALECT_IS_3(dialect))
        share_flags |= SMB2_SHAREFLAG_ENCRYPT_DATA;
    struct buf *out = &req->out;
    wr_u16(out, SMB2_TREE_CONNECT_RESPONSE_SIZE);
    wr_u8(out, share_type);
    wr_u8(out, 0);
    wr_u32(out, share_flags);
    wr_u32(out, 0); /* Capabilities: no DFS, continuous availability, ... */
    wr_u32(out, tree->maximal_access);
    log_ratelimited(LOG_LEVEL_INFO, "srv: %s: tree 0x%x connected to %s", conn->peer, tree->id,
                    info.name);
    srv_tree_unref(tree);
    return STATUS_SUCCESS;
}
