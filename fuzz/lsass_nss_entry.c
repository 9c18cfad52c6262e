/* Fuzz target: the passwd and group entries of lsassd's lookup answers as
 * libnss_samewise reads them (lsass/client/identity.c: lsass_get_passwd,
 * lsass_get_group). The first byte picks the reader; the rest is a run of
 * entries, as in an enumeration page. Whatever decodes must re-encode
 * (lsass_put_passwd, lsass_put_group_header + members) to exactly the bytes
 * it was read from, and the reader must never pass the end. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lsass/client/protocol.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_ENTRIES 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    bool groups = data[0] & 1;
    size--;
    uint8_t *copy = malloc(size ? size : 1);
    if (!copy)
        return 0;
    memcpy(copy, data + 1, size);
    struct buf_reader r;
    rd_init(&r, copy, size);
    for (int i = 0; i < MAX_ENTRIES && rd_remaining(&r) > 0; i++) {
        size_t start = size - rd_remaining(&r);
        struct buf again;
        buf_init(&again);
        bool ok;
        if (groups) {
            struct lsass_group gr;
            ok = lsass_get_group(&r, &gr);
            if (ok) {
                lsass_put_group_header(&again, gr.name, gr.gid, (uint32_t)gr.member_count);
                for (size_t m = 0; m < gr.member_count; m++)
                    lsass_put_string(&again, gr.members[m]);
            }
            lsass_group_clear(&gr);
        } else {
            struct lsass_passwd pw;
            ok = lsass_get_passwd(&r, &pw);
            if (ok)
                lsass_put_passwd(&again, pw.name, pw.uid, pw.gid, pw.gecos, pw.home, pw.shell);
            lsass_passwd_clear(&pw);
        }
        if (rd_remaining(&r) > size)
            abort();
        if (ok) {
            size_t end = size - rd_remaining(&r);
            if (!wr_ok(&again) || again.len != end - start || memcmp(again.data, copy + start, again.len) != 0)
                abort();
        }
        buf_free(&again);
        if (!ok)
            break;
    }
    free(copy);
    return 0;
}
