/* The lwio client library: the LwNt* file calls, carried to lwiod over its
 * Unix socket (sw_run_path(db, "lwiod.sock")). lwio-tool, srvsvcd and lsassd
 * use it; constants (dispositions, access masks, info classes, FSCTLs) come
 * from lwiod/ntfile.h.
 *
 * A connection (struct lwio_context) may be shared by threads. lwiod acts
 * for the connecting process with the token its uid maps to (root: SYSTEM;
 * other users are refused with STATUS_ACCESS_DENIED for now).
 *
 * Every call takes an optional struct lwio_async and an io_status_block:
 *   async == NULL: synchronous; the final status is returned and stored in
 *     *status.
 *   async != NULL: returns STATUS_PENDING, and later async->callback(context)
 *     runs on the connection's receiver thread once *status and the outputs
 *     (read buffer, new file) are filled; or returns an error at once (bad
 *     arguments, connection lost) without calling back. Buffers and output
 *     pointers must stay valid until the callback. A callback must not make a
 *     synchronous call on the same connection (it would wait for itself).
 * If the connection drops, calls in flight finish with
 * STATUS_CONNECTION_DISCONNECTED. */
#ifndef SW_LWIOD_CLIENT_LWIO_H
#define SW_LWIOD_CLIENT_LWIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/ntstatus.h"
#include "lib/token.h"
#include "lwiod/ntfile.h"

struct lwio_context;
struct lwio_file;

struct lwio_async {
    void (*callback)(void *context);
    void *context;
    /* Filled by the call, for LwNtCancelAsync. */
    struct lwio_context *connection;
    uint32_t request_id;
};

struct lwio_ecp {
    const char *type;       /* IO_ECP_TYPE_SESSION_KEY, ... */
    const void *data;
    size_t size;
};

struct lwio_create_params {
    /* "\npfs\echo" or "/npfs/echo": slashes become backslashes. */
    const char *path;
    uint32_t desired_access;
    uint32_t share_access;
    uint32_t create_disposition;
    uint32_t create_options;
    uint32_t file_attributes;
    uint64_t allocation_size;
    const void *security_descriptor; /* self-relative; optional */
    size_t security_descriptor_size;
    const void *ea_buffer;           /* FILE_FULL_EA_INFORMATION chain; optional */
    size_t ea_size;
    const struct lwio_ecp *ecps;
    size_t ecp_count;
};

/* Connects to the lwiod of a registry (db_path NULL: $SAMEWISE_DB, then the
 * installed default), or to a socket path. */
NTSTATUS LwIoConnect(const char *db_path, struct lwio_context **context);
NTSTATUS LwIoConnectSocket(const char *socket_path, struct lwio_context **context);
/* Reads an rdr credentials file (one line "[DOMAIN\]USER PASSWORD", not
 * readable by group or others) into *ecp, an IO_ECP_TYPE_RDR_CREDENTIALS ECP
 * whose bytes live in buffer (wipe it after use). STATUS_OBJECT_NAME_NOT_FOUND,
 * STATUS_ACCESS_DENIED (unreadable, or readable by others), or
 * STATUS_INVALID_PARAMETER (not such a line). */
NTSTATUS LwIoRdrCredentialsFromFile(const char *path, char *buffer, size_t size,
                                    struct lwio_ecp *ecp);
/* Drops the connection: calls in flight finish with
 * STATUS_CONNECTION_DISCONNECTED (their callbacks run before this returns),
 * lwiod closes the files still open, and their lwio_file objects are freed.
 * No other thread may be inside, or start, a call on it meanwhile. */
void LwIoDisconnect(struct lwio_context *context);

NTSTATUS LwNtCreateFile(struct lwio_context *context, struct lwio_file **file,
                        struct lwio_async *async, struct io_status_block *status,
                        const struct lwio_create_params *params);
/* The server end of a pipe: one more instance of \npfs\NAME (path
 * "\npfs\NAME"). default_timeout may be NULL. */
NTSTATUS LwNtCreateNamedPipeFile(struct lwio_context *context, struct lwio_file **file,
                                 struct lwio_async *async, struct io_status_block *status,
                                 const char *path, uint32_t desired_access,
                                 uint32_t share_access, uint32_t create_disposition,
                                 uint32_t create_options, uint32_t named_pipe_type,
                                 uint32_t read_mode, uint32_t completion_mode,
                                 uint32_t maximum_instances, uint32_t inbound_quota,
                                 uint32_t outbound_quota, const uint64_t *default_timeout);
/* Closes the file; the lwio_file is freed at once (do not use it again). */
NTSTATUS LwNtClose(struct lwio_file *file, struct lwio_async *async,
                   struct io_status_block *status);

NTSTATUS LwNtReadFile(struct lwio_file *file, struct lwio_async *async,
                      struct io_status_block *status, void *buffer, uint32_t length,
                      const uint64_t *offset, const uint32_t *key);
NTSTATUS LwNtWriteFile(struct lwio_file *file, struct lwio_async *async,
                       struct io_status_block *status, const void *buffer, uint32_t length,
                       const uint64_t *offset, const uint32_t *key);
NTSTATUS LwNtDeviceIoControlFile(struct lwio_file *file, struct lwio_async *async,
                                 struct io_status_block *status, uint32_t control_code,
                                 const void *input, uint32_t input_length, void *output,
                                 uint32_t output_length);
NTSTATUS LwNtFsControlFile(struct lwio_file *file, struct lwio_async *async,
                           struct io_status_block *status, uint32_t control_code,
                           const void *input, uint32_t input_length, void *output,
                           uint32_t output_length);
NTSTATUS LwNtFlushBuffersFile(struct lwio_file *file, struct lwio_async *async,
                              struct io_status_block *status);
NTSTATUS LwNtQueryInformationFile(struct lwio_file *file, struct lwio_async *async,
                                  struct io_status_block *status, void *buffer, uint32_t length,
                                  uint32_t info_class);
NTSTATUS LwNtSetInformationFile(struct lwio_file *file, struct lwio_async *async,
                                struct io_status_block *status, const void *buffer,
                                uint32_t length, uint32_t info_class);
NTSTATUS LwNtQueryDirectoryFile(struct lwio_file *file, struct lwio_async *async,
                                struct io_status_block *status, void *buffer, uint32_t length,
                                uint32_t info_class, bool return_single_entry,
                                const char *pattern, bool restart_scan);
NTSTATUS LwNtQueryVolumeInformationFile(struct lwio_file *file, struct lwio_async *async,
                                        struct io_status_block *status, void *buffer,
                                        uint32_t length, uint32_t info_class);
NTSTATUS LwNtSetVolumeInformationFile(struct lwio_file *file, struct lwio_async *async,
                                      struct io_status_block *status, const void *buffer,
                                      uint32_t length, uint32_t info_class);
NTSTATUS LwNtLockFile(struct lwio_file *file, struct lwio_async *async,
                      struct io_status_block *status, uint64_t offset, uint64_t length,
                      uint32_t key, bool fail_immediately, bool exclusive);
NTSTATUS LwNtUnlockFile(struct lwio_file *file, struct lwio_async *async,
                        struct io_status_block *status, uint64_t offset, uint64_t length,
                        uint32_t key);
NTSTATUS LwNtQuerySecurityFile(struct lwio_file *file, struct lwio_async *async,
                               struct io_status_block *status, uint32_t security_information,
                               void *buffer, uint32_t length);
NTSTATUS LwNtSetSecurityFile(struct lwio_file *file, struct lwio_async *async,
                             struct io_status_block *status, uint32_t security_information,
                             const void *buffer, uint32_t length);
/* Asks lwiod to cancel an asynchronous call still pending (its callback then
 * reports STATUS_CANCELLED, or its normal result if it finished first). */
NTSTATUS LwNtCancelAsync(struct lwio_async *async);

/* For pipe servers (the RPC services), on a connected server end: the token
 * and SMB session key of the client end (free with token_free / free). */
NTSTATUS LwIoGetPeerAccessToken(struct lwio_file *file, struct access_token **token);
NTSTATUS LwIoGetPeerSessionKey(struct lwio_file *file, uint8_t **key, size_t *key_size);

#endif
