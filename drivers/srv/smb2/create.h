/* SMB2 CREATE's state, shared by create.c (opening) and create_durable.c
 * (durable handles). Private to drivers/srv/smb2. */
#ifndef SW_SRV_SMB2_CREATE_H
#define SW_SRV_SMB2_CREATE_H

#include "drivers/srv/durable_state.h"
#include "drivers/srv/smb2/io.h"

#define NETWORK_OPEN_INFO_SIZE 56

struct create_state {
    struct io_create_params params;
    struct io_ecp_list *ecps;
    char *path;
    uint8_t requested_oplock;
    struct smb2_io *io;
    char *relative;
    struct io_file *file;
    struct srv_open *open;  /* made before the call, so success cannot fail */
    uint32_t action;
    bool want_maximal_access;
    uint32_t access_ceiling; /* the tree's maximal access when the request came */
    struct srv_lease_request lease; /* RqLs, as parsed */
    /* Durable contexts (2.2.13.2.3, .4, .11, .12). */
    bool dhnq, dhnc, dh2q, dh2c;
    uint64_t reclaim_persistent;
    struct buf_reader reclaim_name; /* the CREATE's name, for a lease reconnect's check */
    uint32_t dh2q_timeout;
    uint8_t create_guid[16];
    uint8_t client_guid[16];
    struct sid user;
    bool have_user;
    bool reused;            /* reclaimed or replayed: no new open, no grant */
    uint8_t reused_oplock;
    bool durable_granted;
    uint32_t durable_timeout;
    bool has_app_instance;
    uint8_t app_instance_id[16];
    /* DHnC/DH2C of a durable open of the previous run (docs/srv.md,
     * "Restart"): opened again as its record says, under its FileId. */
    bool restored;
    struct srv_durable_record restored_record;
    uint8_t *restored_name;         /* its path, UTF-16LE, as a CREATE's name */
    size_t restored_name_len;
};

/* create.c: the response once the open's attributes are queried; opening
 * the file (again after an oplock break or another instance's close). */
void smb2_create_info_done(struct smb2_io *io);
void smb2_create_issue(void *context);

/* create_durable.c. A DHnQ/DHnC/DH2Q/DH2C context (tag, 4 bytes) into st;
 * STATUS_INVALID_PARAMETER if malformed. */
NTSTATUS smb2_create_durable_context(const uint8_t *tag, struct buf_reader data,
                                     uint32_t data_length, struct create_state *st);
/* A context named by a GUID (name, 16 bytes): SMB2_CREATE_APP_INSTANCE_ID
 * into st, anything else ignored. */
NTSTATUS smb2_create_app_instance_context(const uint8_t *name, struct buf_reader data,
                                          uint32_t data_length, struct create_state *st);
/* After the contexts: which durable contexts count for the dialect, and
 * who asks (user SID, ClientGuid). */
NTSTATUS smb2_create_durable_contexts(struct smb2_request *req, struct create_state *st);
/* DHnC/DH2C: reclaims a disconnected durable open (STATUS_PENDING); for a
 * record of the previous run, STATUS_MORE_PROCESSING_REQUIRED with st set
 * up to open the file again (st->restored). */
NTSTATUS smb2_create_reclaim(struct smb2_request *req, struct create_state *st);
/* DH2Q: a replay answered (STATUS_PENDING), refused, or STATUS_NOT_FOUND. */
NTSTATUS smb2_create_replay(struct smb2_request *req, struct create_state *st);
/* srv_open_close callback: the other application instance's open is
 * closed, the CREATE goes on. */
void smb2_create_app_instance_closed(void *context, NTSTATUS status);

#endif
