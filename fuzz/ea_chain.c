/* Fuzz target: the EA chains a client sends (FILE_FULL_EA_INFORMATION in a
 * CREATE's ExtA context and in SET_INFO, FILE_GET_EA_INFORMATION in
 * QUERY_INFO). A chain that parses has only valid names, no more entries
 * than the bytes allow, and parses again, to the same list, once written
 * back in canonical form. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/pvfs/pvfs_private.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void write_back(const struct pvfs_ea_list *l, bool full, struct buf *b)
{
    size_t prev = SIZE_MAX;
    for (size_t i = 0; i < l->count; i++) {
        wr_align(b, 4);
        if (prev != SIZE_MAX)
            wr_put_u32_at(b, prev, (uint32_t)(b->len - prev));
        prev = b->len;
        size_t n = strlen(l->items[i].name);
        wr_u32(b, 0);
        if (full)
            wr_u8(b, l->items[i].flags);
        wr_u8(b, (uint8_t)n);
        if (full)
            wr_u16(b, l->items[i].value_length);
        wr_bytes(b, l->items[i].name, n + 1);
        if (full)
            wr_bytes(b, l->items[i].value, l->items[i].value_length);
    }
}

static void check(const uint8_t *data, size_t size, bool full)
{
    struct pvfs_ea_list l, again;
    uint32_t at;
    NTSTATUS st = full ? pvfs_ea_parse_full(data, size, &l, &at)
                       : pvfs_ea_parse_get(data, size, &l, &at);
    if (st != STATUS_SUCCESS) {
        if (at >= size && size > 0)
            abort(); /* the entry at fault lies inside the buffer */
        return;
    }
    if (l.count == 0 || l.count > size / (full ? 10 : 7))
        abort();
    for (size_t i = 0; i < l.count; i++)
        if (!pvfs_ea_name_valid(l.items[i].name, strlen(l.items[i].name)))
            abort();
    struct buf b;
    buf_init(&b);
    write_back(&l, full, &b);
    st = full ? pvfs_ea_parse_full(b.data, b.len, &again, NULL)
              : pvfs_ea_parse_get(b.data, b.len, &again, NULL);
    if (st != STATUS_SUCCESS || again.count != l.count)
        abort();
    for (size_t i = 0; i < l.count; i++)
        if (strcmp(again.items[i].name, l.items[i].name) != 0 ||
            again.items[i].value_length != l.items[i].value_length ||
            memcmp(again.items[i].value, l.items[i].value, l.items[i].value_length) != 0)
            abort();
    pvfs_ea_list_free(&again);
    pvfs_ea_list_free(&l);
    buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check(data, size, true);
    check(data, size, false);
    return 0;
}
