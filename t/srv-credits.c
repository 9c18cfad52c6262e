/* The command sequence window ([MS-SMB2] 3.3.1.1): ids used once, out of
 * order, multi-credit ranges, grants bounded by the maximum. */
#include "drivers/srv/smb2/credits.h"
#include "t/tap/tap.h"

int main(void)
{
    struct smb2_credits c;
    ok(smb2_credits_init(&c, 8), "init");
    is_int(c.granted, 1, "a new connection holds one credit: { 0 }");
    ok(!smb2_credits_consume(&c, 1, 1), "id 1 not granted yet");
    ok(smb2_credits_consume(&c, 0, 1), "id 0 used");
    ok(!smb2_credits_consume(&c, 0, 1), "id 0 never again");
    is_int(smb2_credits_grant(&c, 3), 3, "three credits granted");
    is_int(c.high, 4, "window now { 1, 2, 3 }");
    ok(smb2_credits_consume(&c, 3, 1), "id 3 before 1 and 2 (out of order)");
    is_int(c.low, 1, "low edge waits for id 1");
    ok(smb2_credits_consume(&c, 1, 2), "ids 1-2 as one multi-credit request");
    is_int(c.low, 4, "low edge slides past every used id");
    is_int(c.granted, 0, "no credit left");
    ok(!smb2_credits_consume(&c, 4, 1), "id 4 not granted");
    is_int(smb2_credits_grant(&c, 0), 1, "a client holding none gets one even asking zero");
    is_int(smb2_credits_grant(&c, 100), 7, "grants stop at the maximum (8)");
    is_int(smb2_credits_grant(&c, 5), 0, "nothing past the maximum");
    ok(!smb2_credits_consume(&c, 4, 9), "a charge larger than the window is refused");
    ok(!smb2_credits_consume(&c, 10, 3), "a range running past the window is refused");
    ok(!smb2_credits_consume(&c, UINT64_MAX - 1, 2), "no wrap-around of the range");
    ok(!smb2_credits_consume(&c, 4, 0), "a zero charge is refused");
    ok(smb2_credits_consume(&c, 5, 7), "ids 5-11 in one go");
    is_int(c.low, 4, "a hole at 4 holds the low edge");
    /* A client that never uses id 4 keeps getting credits until the holes
     * would span the bitmap. */
    for (int i = 0; i < 100; i++) {
        uint16_t g = smb2_credits_grant(&c, 8);
        if (!g)
            break;
        ok(smb2_credits_consume(&c, c.high - g, g), "use grant %d", i);
    }
    ok(c.high - c.low <= c.bits, "the window never outgrows the bitmap (%llu <= %u)",
       (unsigned long long)(c.high - c.low), c.bits);
    ok(smb2_credits_consume(&c, 4, 1), "the hole can still be filled");
    ok(c.low > 4, "and then the low edge moves");
    smb2_credits_free(&c);
    return done_testing();
}
