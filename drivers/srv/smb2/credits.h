/* The command sequence window and credits ([MS-SMB2] 3.3.1.1, 3.3.1.2,
 * 3.3.5.2.3): which MessageIds a connection may use next.
 *
 * The window is [low, high): every id below low has been used; ids in the
 * window are either used (a bit in the bitmap) or still available; high is
 * the first id not yet granted. Requests may arrive out of order, so used ids
 * inside the window are remembered in a bitmap indexed by id modulo its size;
 * the window never grows wider than the bitmap. Not thread-safe: the caller
 * holds the connection's lock. */
#ifndef SW_SRV_SMB2_CREDITS_H
#define SW_SRV_SMB2_CREDITS_H

#include <stdbool.h>
#include <stdint.h>

struct smb2_credits {
    uint64_t low;        /* lowest id not yet used */
    uint64_t high;       /* first id not granted */
    uint32_t granted;    /* ids in [low, high) still available */
    uint32_t max;        /* most credits a client may hold */
    uint32_t bits;       /* bitmap size in bits (a power of two >= 2 * max) */
    uint64_t *bitmap;
};

/* The window starts as { 0 } (one credit). max is clamped to [1, 65535]. */
bool smb2_credits_init(struct smb2_credits *c, uint32_t max);
void smb2_credits_free(struct smb2_credits *c);

/* Uses ids [message_id, message_id + charge) (charge >= 1). False if any is
 * outside the window or already used: the connection must be dropped. */
bool smb2_credits_consume(struct smb2_credits *c, uint64_t message_id, uint32_t charge);

/* Grants credits for a response: what the client asked for (at least one
 * while it holds none), bounded by max and the bitmap. Returns the number to
 * put in CreditResponse. */
uint16_t smb2_credits_grant(struct smb2_credits *c, uint16_t requested);

#endif
