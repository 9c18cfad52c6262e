/* pvfs: NT file semantics over a POSIX file system.
 *
 * The engine behind the \pvfs device: a volume is one directory tree (its
 * root, "/" by default, so \pvfs\srv\share\a.txt is /srv/share/a.txt); a file
 * is one open of a path in it. The engine implements NtCreateFile's
 * dispositions and options, access checks of the caller's token against the
 * file's security descriptor, share modes and byte-range locks across every
 * open of a file (keyed by device and inode), delete-on-close and delete
 * pending, the query/set information classes SMB2 needs, directory
 * enumeration with the NT and DOS wildcards, volume information, alternate
 * data streams, and case-insensitive lookup on a case-sensitive disk.
 *
 * Metadata lives in extended attributes in Samba's formats (security.NTACL,
 * user.DOSATTRIB, user.DosStream.*, and each EA NAME in user.NAME), so a tree moves between smbd and
 * Samewise with its ACLs, attributes and streams.
 *
 * driver.c adapts this API to lwiod's IRPs; unit tests call it directly.
 *
 * Threads: every call may come from any thread. A volume's shared state (the
 * open-file table, share modes, locks, delete-pending flags) is guarded by
 * one mutex per volume, never held across a callback; per-open state (file
 * position, directory cursor) by one mutex per file, taken before the
 * volume's. The volume's mutex also guards the table of creations in
 * progress (creating.c): pvfs_create may wait, at most 5 s, on the volume's
 * condition variable for another create of the same name to finish, with no
 * lock held but that mutex, which the wait gives up. The caller must not
 * close a file while other calls on it are running (lwiod guarantees that).
 *
 * Paths: device-relative NT paths in UTF-8 with backslashes ("dir\a.txt",
 * "a.txt:stream:$DATA"; "" is the root). A path component "." or "..", an
 * empty component, or a character NT forbids in names is refused with
 * STATUS_OBJECT_NAME_INVALID; a symbolic link that leads outside the volume
 * root (or outside the caller's PVFS_ECP_BENEATH directory) with
 * STATUS_ACCESS_DENIED. */
#ifndef SW_PVFS_H
#define SW_PVFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/ntstatus.h"
#include "lib/token.h"
#include "lwiod/ntfile.h"

/* An ECP (see lwiod/driver.h) a caller attaches to a create to confine it:
 * its bytes are a device-relative directory path (UTF-8, no NUL, e.g.
 * "srv\share"); the opened path must lie beneath it, symbolic links may not
 * lead out of it, rename and link targets given relative to it stay within
 * it, and the names the file reports (FileNameInformation, ...) are relative
 * to it. srv sets it to a share's path so that a link in a share never
 * reaches outside the share. */
#define PVFS_ECP_BENEATH "samewise.pvfs.beneath"

/* An ECP that bounds what the open may be granted: its 4 bytes (little
 * endian) are an access mask, the ceiling. An explicit request (or what
 * the disposition implies: writing for an overwrite, DELETE for a
 * supersede) beyond it is refused with STATUS_ACCESS_DENIED, MAXIMUM_ALLOWED
 * is granted what the file's own check grants intersected with it, and a
 * new file or directory is made only if it holds FILE_ADD_FILE or
 * FILE_ADD_SUBDIRECTORY. srv sets it to the tree connect's maximal access
 * (the share's permissions, [MS-SMB2] 3.3.5.9). */
#define PVFS_ECP_ACCESS_CEILING "samewise.pvfs.access-ceiling"

/* An ECP that asks for the open file's maximal access ([MS-SMB2] 3.3.5.9.5,
 * the MxAc create context): the caller attaches it (any 4 bytes); on a
 * successful create pvfs replaces its bytes with an access mask (4 bytes,
 * little endian) and acknowledges it. The mask is what the file's own
 * access check grants the caller's token for MAXIMUM_ALLOWED (the owner's
 * implicit rights, DELETE through the parent's FILE_DELETE_CHILD,
 * privileges; not the READONLY attribute, which limits an open, not the
 * maximal access Windows reports), without ACCESS_SYSTEM_SECURITY,
 * intersected with PVFS_ECP_ACCESS_CEILING when that is given. Not
 * acknowledged: not computed (the create failed, or memory ran out). */
#define PVFS_ECP_MAXIMAL_ACCESS "samewise.pvfs.maximal-access"

struct pvfs_volume;
struct pvfs_file;

/* Opens a volume rooted at root (an existing directory; resolved once with
 * realpath, so the root may itself be reached through links). */
NTSTATUS pvfs_volume_open(const char *root, struct pvfs_volume **volume);
/* Frees the volume; every file on it must be closed. */
void pvfs_volume_close(struct pvfs_volume *volume);

/* NtCreateFile's arguments (see struct io_create_params). */
/* ---- Oplocks and leases ([MS-FSA] 2.1.5.17, 2.1.4.12; [MS-SMB2] 3.3.1.4) ----
 *
 * They live on the node (the file or stream, by device and inode), beside
 * share modes and byte-range locks, so renames, hard links and opens from
 * any I/O manager client meet them. An open asks for one with its create
 * (pvfs_create_args.oplock; the ECP PVFS_ECP_OPLOCK through the driver) and
 * learns what it got in the same call. A create that another open's
 * oplock or lease stands in the way of starts that break and waits for its
 * acknowledgment (at most PVFS_OPLOCK_BREAK_TIMEOUT_MS, then the break is
 * taken as acknowledged), then is tried again. The holder learns of a break
 * through pvfs_oplock_break_wait (the FSCTL PVFS_FSCTL_OPLOCK_BREAK_WAIT,
 * pending until a break) and answers with pvfs_oplock_ack
 * (PVFS_FSCTL_OPLOCK_ACK). */
#define PVFS_OPLOCK_NONE 0
#define PVFS_OPLOCK_LEVEL_II 1
#define PVFS_OPLOCK_EXCLUSIVE 2
#define PVFS_OPLOCK_BATCH 3
#define PVFS_OPLOCK_LEASE 4
#define PVFS_LEASE_R 0x01u /* read caching */
#define PVFS_LEASE_H 0x02u /* handle caching */
#define PVFS_LEASE_W 0x04u /* write caching */
#define PVFS_LEASE_KEY_SIZE 32 /* the opener's key: SMB2 ClientGuid + LeaseKey */
#define PVFS_OPLOCK_BREAK_TIMEOUT_MS 35000u /* Windows' */

struct pvfs_oplock_request {
    uint8_t type;                 /* PVFS_OPLOCK_* */
    uint32_t lease_state;         /* PVFS_LEASE_* asked, with PVFS_OPLOCK_LEASE */
    /* With PVFS_OPLOCK_LEASE: opens giving one key share one lease and never
     * break it; a key already leasing another file is STATUS_INVALID_PARAMETER. */
    uint8_t lease_key[PVFS_LEASE_KEY_SIZE];
};

struct pvfs_oplock_granted {
    uint8_t type;                 /* PVFS_OPLOCK_*: what the open holds */
    uint32_t lease_state;         /* the lease's state (PVFS_OPLOCK_LEASE) */
    bool breaking;                /* the lease has a break outstanding */
};

/* A break as its holder learns it. */
struct pvfs_oplock_break {
    bool lease;
    uint8_t level;                /* an oplock's new level (NONE or LEVEL_II) */
    uint32_t lease_from, lease_to; /* a lease's state and the state it breaks to */
    bool ack_required;            /* pvfs_oplock_ack must follow (else done) */
};

/* ECP of a create asking for an oplock or lease (PVFS_ECP_OPLOCK_SIZE bytes):
 * type (1), 3 zero bytes, lease state (4, little endian), lease key (32).
 * On success pvfs acknowledges it and replaces its data with the answer:
 * type (1), flags (1: 0x01 the lease is breaking), 2 zero bytes, lease
 * state (4). */
#define PVFS_ECP_OPLOCK "samewise.pvfs.oplock"
/* ECP (1 byte): non-zero asks a create that must wait for an oplock or
 * lease break to start the break and fail with
 * STATUS_MORE_PROCESSING_REQUIRED instead (nothing done), so the caller can
 * tell its client it waits (srv's interim response) and ask again with 0. */
#define PVFS_ECP_OPLOCK_NO_WAIT "samewise.pvfs.oplock-no-wait"
#define PVFS_ECP_OPLOCK_SIZE 40
#define PVFS_ECP_OPLOCK_ANSWER_SIZE 8
/* Private FSCTLs (function numbers 0xB00 and up of FILE_DEVICE_FILE_SYSTEM,
 * which no Windows FSCTL uses; srv never forwards them from a client).
 * BREAK_WAIT: no input; pends until the open's oplock or lease breaks;
 * output (12 bytes): flags (1: 0x01 lease, 0x02 acknowledgment required),
 * level (1), 2 zero bytes, lease state from (4), to (4).
 * ACK: input (8 bytes): what (1: 0 oplock acknowledgment, 1 lease
 * acknowledgment, 2 give the oplock up), level (1), 2 zero bytes, lease
 * state (4); output (1 byte, optional): the oplock level kept. */
#define PVFS_FSCTL_OPLOCK_BREAK_WAIT 0x00092C00u
#define PVFS_FSCTL_OPLOCK_ACK 0x00092C04u
#define PVFS_OPLOCK_BREAK_WAIT_SIZE 12
#define PVFS_OPLOCK_ACK_SIZE 8
#define PVFS_OPLOCK_ACK_OPLOCK 0
#define PVFS_OPLOCK_ACK_LEASE 1
#define PVFS_OPLOCK_ACK_RELEASE 2

typedef void (*pvfs_oplock_ready_fn)(void *context);
typedef void (*pvfs_oplock_break_fn)(void *context, NTSTATUS status,
                                     const struct pvfs_oplock_break *brk);

struct pvfs_create_args {
    const char *path;
    const char *beneath;            /* PVFS_ECP_BENEATH, or NULL */
    bool has_access_ceiling;        /* PVFS_ECP_ACCESS_CEILING given */
    uint32_t access_ceiling;
    /* PVFS_ECP_MAXIMAL_ACCESS: when not NULL, a successful create stores the
     * open file's maximal access here (see the ECP). */
    uint32_t *maximal_access;
    /* 8.3 short names for this open (the pvfs.short-names setting): a path
     * component may be a file's short name, and the open reports short names
     * (FileAlternateNameInformation, its directory listings). Off: a valid
     * 8.3 name is still its own short name; no other name has one. */
    bool short_names;
    uint32_t desired_access;
    uint32_t share_access;
    uint32_t create_disposition;
    uint32_t create_options;
    uint32_t file_attributes;
    uint64_t allocation_size;
    const void *security_descriptor; /* for a new file; NULL: inherit */
    size_t security_descriptor_size;
    /* A FILE_FULL_EA_INFORMATION chain (NULL: none): validated before
     * anything happens, stored on a new file and replacing the EAs of an
     * overwritten or superseded one, ignored for an open of an existing
     * file. */
    const void *ea_buffer;
    size_t ea_size;
    /* An oplock or lease to ask for (NULL: none); what was granted goes to
     * *oplock_granted (may be NULL). */
    const struct pvfs_oplock_request *oplock;
    struct pvfs_oplock_granted *oplock_granted;
    /* When another open's oplock or lease must break first: with ready,
     * pvfs_create starts the break and returns STATUS_PENDING having done
     * nothing; ready(ready_context) runs once (on some thread, no lock
     * held) when the create should be called again. Without ready the
     * create waits for it in place. */
    pvfs_oplock_ready_fn oplock_ready;
    void *oplock_ready_context;
    /* PVFS_ECP_OPLOCK_NO_WAIT: fail with STATUS_MORE_PROCESSING_REQUIRED
     * instead of waiting (the breaks are started). */
    bool oplock_no_wait;
};

/* Opens or creates; on success *file is the new open and *create_action
 * FILE_OPENED, FILE_CREATED, FILE_OVERWRITTEN or FILE_SUPERSEDED. token is
 * copied into the open (later calls check against the open's token and
 * granted access, as NT does). */
NTSTATUS pvfs_create(struct pvfs_volume *volume, const struct access_token *token,
                     const struct pvfs_create_args *args, struct pvfs_file **file,
                     uint32_t *create_action);

/* The holder's side of a break. pvfs_oplock_break_wait: STATUS_SUCCESS and
 * *brk when a break is waiting to be told, else STATUS_PENDING and fn(context,
 * STATUS_SUCCESS, brk) at the next break (or fn(context, STATUS_CANCELLED
 * or STATUS_FILE_CLOSED, NULL) through pvfs_oplock_break_cancel or the
 * close); STATUS_INVALID_DEVICE_STATE if one already waits on the open,
 * STATUS_INVALID_OPLOCK_PROTOCOL if the open holds nothing. */
NTSTATUS pvfs_oplock_break_wait(struct pvfs_file *file, pvfs_oplock_break_fn fn, void *context,
                                struct pvfs_oplock_break *brk);
/* Completes the wait registered with context (STATUS_CANCELLED); false if
 * there was none. */
bool pvfs_oplock_break_cancel(struct pvfs_file *file, void *context);
/* what: PVFS_OPLOCK_ACK_*. An oplock acknowledgment to level (NONE, or
 * LEVEL_II when the break was to it): STATUS_INVALID_OPLOCK_PROTOCOL when
 * no break is outstanding or the level is too high (the oplock is gone
 * then). A lease acknowledgment to state (a subset of the state broken
 * to): STATUS_UNSUCCESSFUL when no break is outstanding,
 * STATUS_REQUEST_NOT_ACCEPTED for a state beyond it. RELEASE drops the
 * open's oplock or leaves its lease. *kept: the oplock level kept. */
NTSTATUS pvfs_oplock_ack(struct pvfs_file *file, uint8_t what, uint8_t level, uint32_t state,
                         uint8_t *kept);
/* The open's oplock or lease now (for tests and the driver). */
void pvfs_oplock_query(struct pvfs_file *file, struct pvfs_oplock_granted *out);

/* Cleanup and close in one: releases the open's byte-range locks (waking
 * locks that waited for them), completes its own waiting locks with
 * STATUS_RANGE_NOT_LOCKED (as Windows), and if this was the last open of a file that is to be
 * deleted, deletes it. Always succeeds. */
void pvfs_close(struct pvfs_file *file);

/* offset NULL: at (and advancing) the file's current position. A read at or
 * past the end is STATUS_END_OF_FILE. Reads and writes that overlap another
 * open's byte-range lock fail with STATUS_FILE_LOCK_CONFLICT. */
NTSTATUS pvfs_read(struct pvfs_file *file, void *buffer, uint32_t length, const uint64_t *offset,
                   uint32_t key, uint32_t *bytes_read);
NTSTATUS pvfs_write(struct pvfs_file *file, const void *buffer, uint32_t length,
                    const uint64_t *offset, uint32_t key, uint32_t *bytes_written);
NTSTATUS pvfs_flush(struct pvfs_file *file);

/* The query calls write at most length bytes of the [MS-FSCC] structure into
 * buffer and set *written. A buffer too small for the fixed part gives
 * STATUS_INFO_LENGTH_MISMATCH; one too small for a variable part a truncated
 * structure and STATUS_BUFFER_OVERFLOW. */
NTSTATUS pvfs_query_information(struct pvfs_file *file, uint32_t info_class, void *buffer,
                                uint32_t length, uint32_t *written);
NTSTATUS pvfs_set_information(struct pvfs_file *file, uint32_t info_class, const void *buffer,
                              uint32_t length);
/* Extended attributes ([MS-FSA] 2.1.5.12.12, NtQueryEaFile): at most
 * length bytes of FILE_FULL_EA_INFORMATION entries. With ea_list (a
 * FILE_GET_EA_INFORMATION chain) the EAs named there, in that order (a
 * missing one with an empty value); else a scan from the open's position
 * in the file's list, from its start with restart_scan, or from the
 * 1-based *ea_index, in name order. Names come back upper-cased. Needs
 * FILE_READ_EA.
 * STATUS_NO_EAS_ON_FILE (none at all), STATUS_NO_MORE_EAS (0x80000012,
 * scan exhausted), STATUS_NONEXISTENT_EA_ENTRY (bad index),
 * STATUS_BUFFER_TOO_SMALL (not even one entry fits), STATUS_BUFFER_OVERFLOW
 * (some returned, more to come). EAs are set through
 * pvfs_set_information(FileFullEaInformation), which needs FILE_WRITE_EA;
 * a value length of 0 deletes. */
NTSTATUS pvfs_query_ea(struct pvfs_file *file, void *buffer, uint32_t length,
                       bool return_single_entry, const void *ea_list, uint32_t ea_list_length,
                       const uint32_t *ea_index, bool restart_scan, uint32_t *written);
/* flags: SL_RESTART_SCAN, SL_RETURN_SINGLE_ENTRY. The pattern (NULL = "*")
 * of the first call after an open or a restart holds until the next restart.
 * STATUS_NO_SUCH_FILE if nothing ever matched, STATUS_NO_MORE_FILES once the
 * listing is exhausted. */
NTSTATUS pvfs_query_directory(struct pvfs_file *file, uint32_t info_class, const char *pattern,
                              uint32_t flags, void *buffer, uint32_t length, uint32_t *written);
NTSTATUS pvfs_query_volume_information(struct pvfs_file *file, uint32_t info_class,
                                       void *buffer, uint32_t length, uint32_t *written);
/* A self-relative descriptor with the parts secinfo selects. If length is too
 * small: STATUS_BUFFER_TOO_SMALL and *written = the size needed. */
NTSTATUS pvfs_query_security(struct pvfs_file *file, uint32_t secinfo, void *buffer,
                             uint32_t length, uint32_t *written);
NTSTATUS pvfs_set_security(struct pvfs_file *file, uint32_t secinfo, const void *buffer,
                           uint32_t length);

/* File system controls with an answer on this file system:
 * FSCTL_GET_REPARSE_POINT (STATUS_NOT_A_REPARSE_POINT), FSCTL_IS_PATHNAME_VALID,
 * FSCTL_SET_SPARSE (FILE_ATTRIBUTE_SPARSE_FILE), FSCTL_SET_ZERO_DATA (holes
 * in a sparse file, zeros in another), FSCTL_QUERY_ALLOCATED_RANGES (the
 * data ranges of a sparse file; all of another), FSCTL_GET_OBJECT_ID and
 * FSCTL_CREATE_OR_GET_OBJECT_ID (derived from the inode); others
 * STATUS_INVALID_DEVICE_REQUEST. A query whose output buffer holds only part
 * of the answer returns that part (*written) and STATUS_BUFFER_OVERFLOW. */
NTSTATUS pvfs_fs_control(struct pvfs_file *file, uint32_t code, const void *input,
                         uint32_t input_length, void *output, uint32_t output_length,
                         uint32_t *written);

/* Byte-range locks ([MS-FSA] 2.1.5.7). flags: SL_EXCLUSIVE_LOCK,
 * SL_FAIL_IMMEDIATELY. A conflicting lock with SL_FAIL_IMMEDIATELY fails with
 * STATUS_LOCK_NOT_GRANTED; without it the call returns STATUS_PENDING and
 * queues the request with `context` as its identity: done(context, status)
 * then runs exactly once, on the thread that released the range (status
 * STATUS_SUCCESS), that cancelled it (STATUS_CANCELLED) or that closed the
 * file (STATUS_RANGE_NOT_LOCKED), and never with a pvfs lock held. */
typedef void (*pvfs_lock_done_fn)(void *context, NTSTATUS status);
NTSTATUS pvfs_lock(struct pvfs_file *file, uint64_t offset, uint64_t length, uint32_t key,
                   uint32_t flags, pvfs_lock_done_fn done, void *context);
/* Cancels the waiting lock queued with context on file: returns true (after
 * calling its done with STATUS_CANCELLED) if it was still waiting. */
bool pvfs_lock_cancel(struct pvfs_file *file, void *context);
/* Removes the lock of exactly [offset, offset+length) taken by this open with
 * this key; STATUS_RANGE_NOT_LOCKED if there is none. */
NTSTATUS pvfs_unlock(struct pvfs_file *file, uint64_t offset, uint64_t length, uint32_t key);

/* Change notification ([MS-FSA] 2.1.5.11; notify.c, from Linux inotify, so
 * changes made by any process are seen). On a directory open: the first call
 * arms the watch with filter (FILE_NOTIFY_CHANGE_*) and tree (subdirectories
 * too); changes are then buffered on the open between calls. A call returns
 * at once when changes are buffered: STATUS_SUCCESS with *written bytes of
 * FILE_NOTIFY_INFORMATION in buffer ([MS-FSCC] 2.7.1, names relative to the
 * directory), or STATUS_NOTIFY_ENUM_DIR when they overflowed (more than the
 * arming call's length) or do not fit in length. Else STATUS_PENDING: done
 * runs once, from the volume's event thread (or pvfs_notify_cancel, or
 * pvfs_close with STATUS_NOTIFY_CLEANUP), with the same meanings; buffer
 * stays the caller's until then. Not a directory, or a stream:
 * STATUS_INVALID_PARAMETER; an open without FILE_LIST_DIRECTORY:
 * STATUS_ACCESS_DENIED. A filter without a known bit (Windows accepts
 * one) arms a watch that never fires; a later call's filter and tree are
 * ignored (the arming call's stay). */
typedef void (*pvfs_notify_done_fn)(void *context, NTSTATUS status, uint32_t written);
NTSTATUS pvfs_notify_change(struct pvfs_file *file, uint32_t filter, bool tree, void *buffer,
                            uint32_t length, pvfs_notify_done_fn done, void *context,
                            uint32_t *written);
/* Ends the waiting request queued with context with status (STATUS_CANCELLED
 * or STATUS_NOTIFY_CLEANUP): true if it was still waiting. */
bool pvfs_notify_cancel(struct pvfs_file *file, void *context, NTSTATUS status);

#endif
