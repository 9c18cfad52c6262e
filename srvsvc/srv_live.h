/* What srvsvcd asks srv about live state, through device I/O controls on
 * the \srv device (LwNtDeviceIoControlFile on an open of "\srv").
 *
 * This is the contract srv's side is to implement; until it does, \srv
 * refuses the open or the control and srvsvcd reports no sessions, tree
 * connects or open files. All integers little-endian, strings as
 * u16 byte length + that many UTF-8 bytes (no NUL), METHOD_BUFFERED:
 *
 *   SRV_IOCTL_ENUM_SESSIONS  out: u32 count, then per session
 *       u32 id, u32 num_opens, u32 seconds connected, u32 seconds idle,
 *       u32 user_flags (SESS_GUEST 1, SESS_NOENCRYPTION 2),
 *       str client address, str user ("DOMAIN\user"), str client type
 *       ("SMB 3.1.1"), str transport
 *   SRV_IOCTL_ENUM_TREES     out: u32 count, then per tree connect
 *       u32 id, u32 share type (STYPE_*), u32 num_opens, u32 seconds connected,
 *       str share name, str client address, str user
 *   SRV_IOCTL_ENUM_FILES     out: u32 count, then per open
 *       u32 id, u32 permissions (PERM_FILE_READ 1, WRITE 2, CREATE 4),
 *       u32 num_locks, str POSIX path of the file, str share name, str user
 *   SRV_IOCTL_CLOSE_SESSION  in: u32 session id (logs it off)
 *   SRV_IOCTL_CLOSE_FILE     in: u32 file id (closes it)
 *
 * An output buffer too small answers STATUS_BUFFER_TOO_SMALL with the size
 * needed in the status block's information; an unknown id answers
 * STATUS_NOT_FOUND. Only SYSTEM (srvsvcd runs as root) may use these. */
#ifndef SW_SRVSVC_SRV_LIVE_H
#define SW_SRVSVC_SRV_LIVE_H

#include "lwiod/ntfile.h"
#include "srvsvc/srvsvc.h"

#define SRV_IOCTL_ENUM_SESSIONS CTL_CODE(FILE_DEVICE_NETWORK_FILE_SYSTEM, 0x900, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define SRV_IOCTL_ENUM_TREES    CTL_CODE(FILE_DEVICE_NETWORK_FILE_SYSTEM, 0x901, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define SRV_IOCTL_ENUM_FILES    CTL_CODE(FILE_DEVICE_NETWORK_FILE_SYSTEM, 0x902, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define SRV_IOCTL_CLOSE_SESSION CTL_CODE(FILE_DEVICE_NETWORK_FILE_SYSTEM, 0x903, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define SRV_IOCTL_CLOSE_FILE    CTL_CODE(FILE_DEVICE_NETWORK_FILE_SYSTEM, 0x904, METHOD_BUFFERED, FILE_ANY_ACCESS)

/* Parsers of the three answers (bounds-checked; strings into arena).
 * STATUS_DATA_ERROR for a malformed answer. */
NTSTATUS srv_live_parse_sessions(const uint8_t *data, size_t len, struct ndr_arena *arena,
                                 struct srvsvc_session **out, size_t *count);
NTSTATUS srv_live_parse_trees(const uint8_t *data, size_t len, struct ndr_arena *arena,
                              struct srvsvc_connection **out, size_t *count);
NTSTATUS srv_live_parse_files(const uint8_t *data, size_t len, struct ndr_arena *arena,
                              struct srvsvc_file **out, size_t *count);

struct lwio_context;
/* Asks srv (through lwio); answers an empty list when \srv does not know
 * the control yet (STATUS_INVALID_DEVICE_REQUEST, or no \srv device). */
NTSTATUS srv_live_query(struct lwio_context *lwio, uint32_t control, struct ndr_arena *arena, uint8_t **data,
                        size_t *len);
NTSTATUS srv_live_close(struct lwio_context *lwio, uint32_t control, uint32_t id);

#endif
