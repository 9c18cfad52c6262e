/* rdr's opens: parsing \rdr\HOST[:PORT]\SHARE\path, SMB2 CREATE and CLOSE,
 * and reopening a file on a new connection after the old one dropped (the
 * file is opened again by name with FILE_OPEN and the same access, so an
 * open survives a server restart or a short outage as long as nothing else
 * took the file meanwhile). */
#include <stdlib.h>
#include <string.h>

#include "drivers/rdr/rdr.h"
#include "lib/log.h"

void rdr_conn_ref(struct rdr_conn *conn)
{
    pthread_mutex_lock(&rdr.lock);
    conn->refs++;
    pthread_mutex_unlock(&rdr.lock);
}

NTSTATUS rdr_call_status(NTSTATUS transport, const struct rdr_call *call)
{
    return transport ? transport : (NTSTATUS)call->hdr.status;
}

void rdr_handle_call_init(const struct rdr_handle *h, struct rdr_call *call, uint16_t command)
{
    rdr_call_init(call, command, h->tree->tree_id);
    call->encrypt = h->tree->encrypt;
}

static void free_file(struct rdr_file *f)
{
    if (!f)
        return;
    if (f->conn)
        rdr_conn_put(f->conn);
    free(f->host);
    free(f->share);
    free(f->name);
    rdr_credentials_clear(&f->credentials);
    pthread_mutex_destroy(&f->lock);
    free(f);
}

/* "HOST[:PORT]\SHARE[\rest]" into the file's host, port, share, name. */
static NTSTATUS parse_path(const char *path, struct rdr_file *f)
{
    const char *sep = strchr(path, '\\');
    if (!sep || sep == path)
        return STATUS_OBJECT_PATH_SYNTAX_BAD;
    const char *colon = memchr(path, ':', (size_t)(sep - path));
    size_t host_len = (size_t)((colon ? colon : sep) - path);
    f->port = 445;
    if (colon) {
        char digits[8] = "";
        size_t n = (size_t)(sep - colon - 1);
        if (n == 0 || n >= sizeof digits)
            return STATUS_OBJECT_PATH_SYNTAX_BAD;
        memcpy(digits, colon + 1, n);
        char *end;
        long port = strtol(digits, &end, 10);
        if (*end || port < 1 || port > 65535)
            return STATUS_OBJECT_PATH_SYNTAX_BAD;
        f->port = (uint16_t)port;
    }
    const char *share = sep + 1;
    const char *rest = strchr(share, '\\');
    size_t share_len = rest ? (size_t)(rest - share) : strlen(share);
    if (host_len == 0 || host_len > 255 || share_len == 0 || share_len > 80)
        return STATUS_OBJECT_PATH_SYNTAX_BAD;
    f->host = strndup(path, host_len);
    f->share = strndup(share, share_len);
    f->name = strdup(rest ? rest + 1 : "");
    if (!f->host || !f->share || !f->name)
        return STATUS_INSUFFICIENT_RESOURCES;
    /* A trailing backslash names the same file. */
    size_t name_len = strlen(f->name);
    if (name_len && f->name[name_len - 1] == '\\')
        f->name[name_len - 1] = 0;
    return STATUS_SUCCESS;
}

/* SMB2 CREATE on (conn, tree); the response fields the caller wants. */
static NTSTATUS smb2_open(struct rdr_conn *conn, struct rdr_tree *tree, struct rdr_file *f,
                          uint32_t disposition, struct io_irp *irp,
                          struct rdr_create_response *out)
{
    struct rdr_handle h = { .conn = conn, .tree = tree };
    struct rdr_call call;
    rdr_handle_call_init(&h, &call, SMB2_CREATE);
    struct rdr_create_request req = {
        .desired_access = f->desired_access,
        .file_attributes = f->file_attributes,
        .share_access = f->share_access,
        .create_disposition = disposition,
        .create_options = f->create_options,
        .name = f->name,
    };
    NTSTATUS status = rdr_create_write(&call.req, &req);
    if (status == STATUS_SUCCESS)
        status = rdr_call_status(rdr_call_run(conn, &call, irp), &call);
    if (status == STATUS_SUCCESS && rdr_create_parse(call.rsp, call.rsp_len, out))
        status = STATUS_INVALID_NETWORK_RESPONSE;
    rdr_call_free(&call);
    return status;
}

/* Connection, tree, CREATE: everything an open needs, in order. */
static NTSTATUS open_on_new_connection(struct rdr_file *f, const struct access_token *token,
                                       uint32_t disposition, struct io_irp *irp,
                                       struct rdr_conn **conn_out, struct rdr_tree **tree_out,
                                       struct rdr_create_response *rsp)
{
    struct rdr_conn *conn;
    struct rdr_tree *tree;
    NTSTATUS status = rdr_conn_get(f->host, f->port, token,
                                   f->has_credentials ? &f->credentials : NULL, &conn);
    if (status)
        return status;
    status = rdr_tree_get(conn, f->share, &tree);
    if (status == STATUS_SUCCESS)
        status = smb2_open(conn, tree, f, disposition, irp, rsp);
    if (status) {
        rdr_conn_put(conn);
        return status;
    }
    *conn_out = conn;
    *tree_out = tree;
    return STATUS_SUCCESS;
}

NTSTATUS rdr_create(struct io_irp *irp)
{
    const struct io_create_params *p = &irp->args.create;
    struct rdr_file *f = calloc(1, sizeof *f);
    if (!f)
        return STATUS_INSUFFICIENT_RESOURCES;
    pthread_mutex_init(&f->lock, NULL);
    if (p->path[0] == 0) {
        f->is_root = true;
        IoFileSetContext(irp->file, f);
        irp->status_block.information = FILE_OPENED;
        return STATUS_SUCCESS;
    }
    /* Security descriptors and EAs at create need create contexts rdr does
     * not send yet: refuse rather than create a file without them. */
    if (p->security_descriptor_size || p->ea_size) {
        free_file(f);
        return STATUS_NOT_SUPPORTED;
    }
    NTSTATUS status = parse_path(p->path, f);
    if (status) {
        free_file(f);
        return status;
    }
    const void *ecp;
    size_t ecp_size;
    if (IoEcpListFind(p->ecps, IO_ECP_TYPE_RDR_CREDENTIALS, &ecp, &ecp_size) == STATUS_SUCCESS) {
        status = rdr_credentials_from_ecp(ecp, ecp_size, &f->credentials);
        if (status) {
            free_file(f);
            return status;
        }
        f->has_credentials = true;
        IoEcpAcknowledge(p->ecps, IO_ECP_TYPE_RDR_CREDENTIALS);
    }
    f->desired_access = p->desired_access;
    f->share_access = p->share_access;
    f->create_options = p->create_options;
    f->file_attributes = p->file_attributes;
    struct rdr_create_response rsp;
    status = open_on_new_connection(f, irp->token, p->create_disposition, irp, &f->conn, &f->tree,
                                    &rsp);
    if (status) {
        free_file(f);
        return status;
    }
    memcpy(f->file_id, rsp.file_id, 16);
    f->is_pipe = f->tree->share_type == SMB2_SHARE_TYPE_PIPE;
    IoFileSetContext(irp->file, f);
    irp->status_block.information = rsp.create_action;
    return STATUS_SUCCESS;
}

NTSTATUS rdr_handle_get(struct rdr_file *f, const struct access_token *token,
                        struct rdr_handle *h)
{
    if (f->is_root)
        return STATUS_INVALID_DEVICE_REQUEST;
    pthread_mutex_lock(&f->lock);
    NTSTATUS status = STATUS_SUCCESS;
    if (rdr_conn_is_dead(f->conn)) {
        /* Reconnect: the same file, by name, on a fresh connection. A pipe
         * instance cannot be reopened (its server end is gone with it). */
        struct rdr_conn *conn;
        struct rdr_tree *tree;
        struct rdr_create_response rsp;
        if (f->is_pipe)
            status = STATUS_PIPE_BROKEN;
        else
            status = open_on_new_connection(f, token, FILE_OPEN, NULL, &conn, &tree, &rsp);
        if (status == STATUS_SUCCESS) {
            log_info("rdr: reopened %s\\%s\\%s on a new connection", f->host, f->share, f->name);
            rdr_conn_put(f->conn);
            f->conn = conn;
            f->tree = tree;
            memcpy(f->file_id, rsp.file_id, 16);
        }
    }
    if (status == STATUS_SUCCESS) {
        rdr_conn_ref(f->conn);
        h->conn = f->conn;
        h->tree = f->tree;
        memcpy(h->file_id, f->file_id, 16);
    }
    pthread_mutex_unlock(&f->lock);
    return status;
}

void rdr_handle_put(struct rdr_handle *h)
{
    if (h->conn)
        rdr_conn_put(h->conn);
    h->conn = NULL;
}

NTSTATUS rdr_close(struct io_irp *irp, struct rdr_file *f)
{
    (void)irp;
    if (!f->is_root && !rdr_conn_is_dead(f->conn)) {
        struct rdr_handle h = { .conn = f->conn, .tree = f->tree };
        struct rdr_call call;
        rdr_handle_call_init(&h, &call, SMB2_CLOSE);
        rdr_close_write(&call.req, f->file_id);
        /* A close always succeeds locally; the server's answer only matters
         * to the server. */
        rdr_call_run(f->conn, &call, NULL);
        rdr_call_free(&call);
    }
    IoFileSetContext(irp->file, NULL);
    free_file(f);
    return STATUS_SUCCESS;
}
