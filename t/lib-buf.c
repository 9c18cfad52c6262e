/* Bounds-checked readers and writers: reads past the end fail and stay failed,
 * sub-readers refuse ranges that overflow. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "t/tap/tap.h"

int main(void)
{
    const uint8_t data[] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09 };
    struct buf_reader r;
    rd_init(&r, data, sizeof data);
    is_int(rd_u8(&r), 0x01, "u8");
    is_int(rd_u16(&r), 0x0302, "u16 little-endian");
    is_int(rd_u32(&r), 0x07060504, "u32 little-endian");
    ok(rd_ok(&r), "reader healthy after in-range reads");
    is_int(rd_u32(&r), 0, "u32 past the end reads zero");
    ok(!rd_ok(&r), "reader failed after reading past the end");
    is_int(rd_u8(&r), 0, "reader stays failed even where bytes remain");
    ok(rd_bytes(&r, 0) == NULL, "failed reader gives no pointer");

    rd_init(&r, data, sizeof data);
    rd_u8(&r);
    rd_align(&r, 4);
    is_int(r.pos, 4, "align to 4 from the start");
    is_int(rd_u16be(&r), 0x0506, "u16 big-endian");

    struct buf_reader sub = rd_sub(&r, 2, 3);
    ok(rd_ok(&sub) && rd_remaining(&sub) == 3, "sub-reader in range");
    is_int(rd_u8(&sub), 0x03, "sub-reader starts at its offset");
    sub = rd_sub(&r, 8, 2);
    ok(!rd_ok(&sub), "sub-reader past the end refused");
    sub = rd_sub(&r, SIZE_MAX, 2);
    ok(!rd_ok(&sub), "sub-reader with overflowing offset refused");
    sub = rd_sub(&r, 2, SIZE_MAX - 1);
    ok(!rd_ok(&sub), "sub-reader with overflowing length refused");
    ok(range_ok(9, 0, 9) && !range_ok(10, 0, 9) && !range_ok(1, SIZE_MAX, 9), "range_ok edges");

    rd_init(&r, NULL, 0);
    ok(rd_bytes(&r, 0) != NULL && rd_ok(&r), "zero-length read of an empty buffer succeeds");

    struct buf b;
    buf_init(&b);
    wr_u8(&b, 1);
    wr_align(&b, 8);
    is_int(b.len, 8, "writer align pads with zeros");
    size_t at = wr_reserve(&b, 4);
    wr_u64(&b, 0x1122334455667788ull);
    wr_put_u32_at(&b, at, 0xdeadbeef);
    is_int(le32_load(b.data + at), 0xdeadbeef, "patch a reserved field");
    is_int(le64_load(b.data + 12), 0x1122334455667788ll, "u64 round trip");
    wr_put_u32_at(&b, b.len - 2, 1);
    ok(!wr_ok(&b), "patching past the end fails the writer");
    buf_free(&b);

    buf_init(&b);
    wr_bytes(&b, NULL, 0);
    wr_zeros(&b, 0);
    ok(wr_ok(&b) && b.len == 0 && b.data == NULL, "zero-length writes to an empty buffer are no-ops");
    buf_free(&b);

    buf_init_limit(&b, 4);
    wr_u32(&b, 1);
    ok(wr_ok(&b), "write up to the limit");
    wr_u8(&b, 1);
    ok(!wr_ok(&b) && b.len == 4, "write past the limit fails and writes nothing");
    buf_free(&b);
    return done_testing();
}
