/* Fuzz target: the readers of Samba's xattrs that pvfs trusts on disk
 * (security.NTACL, user.DOSATTRIB). A descriptor that decodes must also
 * re-encode, and decode again to the same bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/pvfs/samba_xattr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *sd = NULL;
    size_t sd_len = 0;
    if (samba_ntacl_decode(data, size, &sd, &sd_len) == STATUS_SUCCESS) {
        if (samba_sd_extent(sd, sd_len) != sd_len)
            abort();
        struct buf b;
        buf_init(&b);
        if (samba_ntacl_encode(sd, sd_len, "fuzz", NULL, &b) == STATUS_SUCCESS) {
            uint8_t *again = NULL;
            size_t again_len = 0;
            if (samba_ntacl_decode(b.data, b.len, &again, &again_len) != STATUS_SUCCESS ||
                again_len != sd_len || memcmp(again, sd, sd_len) != 0)
                abort();
            free(again);
        }
        buf_free(&b);
        free(sd);
    }
    (void)samba_sd_extent(data, size);
    struct samba_dosinfo info;
    if (samba_dosattrib_decode(data, size, &info) == STATUS_SUCCESS) {
        struct buf b;
        buf_init(&b);
        samba_dosattrib_encode(&info, &b);
        struct samba_dosinfo back;
        if (samba_dosattrib_decode(b.data, b.len, &back) != STATUS_SUCCESS ||
            back.attrib != info.attrib ||
            ((info.valid_flags & XATTR_DOSINFO_CREATE_TIME) &&
             back.create_time != info.create_time))
            abort();
        buf_free(&b);
    }
    return 0;
}
