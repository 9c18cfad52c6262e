/* The durable opens srv hands from one run to the next (docs/srv.md,
 * "Restart"): at a clean shutdown each durable or resilient open becomes a
 * record in a file of the instance's run directory; the next start reads
 * the file (and deletes it) and lets the open's client reclaim it with
 * DHnC / DH2C until its timeout passes.
 *
 * The file is untrusted input (anyone who can write the run directory, a
 * crash half-way through a write, a file of another version): the reader
 * takes it through the bounds-checked readers and refuses the whole file
 * on any inconsistency. Format version 1, little-endian:
 *
 *   "SWDURABL" u32 version u32 count u64 saved_at (Unix ms)
 *   count times: u32 length, then length bytes:
 *     u64 persistent FileId, u8 flags (SRV_DURABLE_RECORD_*), u8 oplock,
 *     u16 0, CreateGuid[16], ClientGuid[16], u32 timeout_ms,
 *     u32 disconnected_ms, u32 desired access, u32 share access,
 *     u32 create options, owner SID (binary form),
 *     u16 n + n bytes share name, u16 n + n bytes share-relative path (UTF-8)
 */
#ifndef SW_SRV_DURABLE_STATE_H
#define SW_SRV_DURABLE_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"
#include "lib/ntstatus.h"
#include "lib/sid.h"

#define SRV_DURABLE_STATE_VERSION 1u
/* More than one lwiod can hold (it would need as many descriptors). */
#define SRV_DURABLE_STATE_MAX_RECORDS 65536u
/* Longest timeout a record may carry: the v1 durable timeout, 16 minutes. */
#define SRV_DURABLE_STATE_MAX_TIMEOUT_MS (16u * 60u * 1000u)

#define SRV_DURABLE_RECORD_V2 0x01u          /* DH2Q: reclaimed with DH2C */
#define SRV_DURABLE_RECORD_DURABLE 0x02u     /* durable (held a batch oplock) */
#define SRV_DURABLE_RECORD_RESILIENT 0x04u   /* FSCTL_LMR_REQUEST_RESILIENCY */
#define SRV_DURABLE_RECORD_CREATE_GUID 0x08u /* create_guid is set */
#define SRV_DURABLE_RECORD_FLAGS 0x0Fu

struct srv_durable_record {
    uint64_t persistent_id;     /* FileId.Persistent, never 0 or all ones */
    uint8_t flags;              /* SRV_DURABLE_RECORD_* */
    uint8_t oplock_level;       /* SMB2_OPLOCK_LEVEL_BATCH for a durable one */
    uint8_t create_guid[16];
    uint8_t client_guid[16];
    uint32_t timeout_ms;        /* Open.DurableOpenTimeout / ResiliencyTimeout */
    uint32_t disconnected_ms;   /* already spent disconnected at shutdown */
    uint32_t desired_access;
    uint32_t share_access;
    uint32_t create_options;
    struct sid owner;           /* Open.DurableOwner */
    char share[81];             /* share name, as the database spells it */
    char path[512];             /* share-relative, UTF-8, no leading separator */
};

struct srv_durable_state {
    uint64_t saved_at_ms;       /* wall clock (Unix ms) of the shutdown */
    size_t count;
    struct srv_durable_record *records;
};

/* Appends the file's bytes to b (check wr_ok). */
void srv_durable_state_encode(struct buf *b, uint64_t saved_at_ms,
                              const struct srv_durable_record *records, size_t count);
/* Parses a whole file: STATUS_SUCCESS with *out filled (free it), or
 * STATUS_INVALID_PARAMETER / STATUS_REVISION_MISMATCH / STATUS_NO_MEMORY
 * with *out empty. */
NTSTATUS srv_durable_state_decode(const uint8_t *data, size_t size,
                                  struct srv_durable_state *out);
void srv_durable_state_free(struct srv_durable_state *state);

/* Writes the records to path atomically (path.tmp, mode 0600, fsync,
 * rename); with count 0 only removes an old file. */
NTSTATUS srv_durable_state_save(const char *path, uint64_t saved_at_ms,
                                const struct srv_durable_record *records, size_t count);
/* Reads path (a regular file of this user that nobody else may write, not
 * a link) and removes it, valid or not. A missing file is an empty state. */
NTSTATUS srv_durable_state_load(const char *path, struct srv_durable_state *out);

#endif
