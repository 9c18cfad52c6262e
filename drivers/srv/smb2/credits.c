#include "drivers/srv/smb2/credits.h"

#include <stdlib.h>

static bool used(const struct smb2_credits *c, uint64_t id)
{
    uint64_t bit = id & (c->bits - 1);
    return c->bitmap[bit / 64] >> (bit % 64) & 1;
}

static void set_used(struct smb2_credits *c, uint64_t id, bool on)
{
    uint64_t bit = id & (c->bits - 1);
    if (on)
        c->bitmap[bit / 64] |= UINT64_C(1) << (bit % 64);
    else
        c->bitmap[bit / 64] &= ~(UINT64_C(1) << (bit % 64));
}

bool smb2_credits_init(struct smb2_credits *c, uint32_t max)
{
    if (max < 1)
        max = 1;
    if (max > 65535)
        max = 65535;
    /* Twice max: a client that leaves holes (ids it never uses) still gets
     * credits until the holes span the whole bitmap. */
    uint32_t bits = 64;
    while (bits < 2 * max)
        bits *= 2;
    c->bitmap = calloc(bits / 64, sizeof *c->bitmap);
    if (!c->bitmap)
        return false;
    c->bits = bits;
    c->max = max;
    c->low = 0;
    c->high = 1;
    c->granted = 1;
    return true;
}

void smb2_credits_free(struct smb2_credits *c)
{
    free(c->bitmap);
    c->bitmap = NULL;
}

bool smb2_credits_consume(struct smb2_credits *c, uint64_t message_id, uint32_t charge)
{
    if (charge == 0 || message_id < c->low || message_id >= c->high ||
        charge > c->high - message_id)
        return false;
    for (uint32_t i = 0; i < charge; i++)
        if (used(c, message_id + i))
            return false;
    for (uint32_t i = 0; i < charge; i++)
        set_used(c, message_id + i, true);
    c->granted -= charge;
    /* Slide the window's bottom past every id now used. */
    while (c->low < c->high && used(c, c->low)) {
        set_used(c, c->low, false);
        c->low++;
    }
    return true;
}

uint16_t smb2_credits_grant(struct smb2_credits *c, uint16_t requested)
{
    uint64_t grant = requested ? requested : (c->granted == 0 ? 1 : 0);
    if (grant > c->max - c->granted)
        grant = c->max - c->granted;
    uint64_t width = c->high - c->low;
    if (grant > c->bits - width)
        grant = c->bits - width;
    /* MessageId 0xFFFFFFFFFFFFFFFF is reserved for oplock breaks; the window
     * never reaches it (a client would need 2^64 requests). */
    if (grant > UINT64_MAX - 1 - c->high)
        grant = UINT64_MAX - 1 - c->high;
    c->high += grant;
    c->granted += (uint32_t)grant;
    return (uint16_t)grant;
}
