/* Samba's xattr formats: security.NTACL and user.DOSATTRIB (see samba_xattr.h). */
#include "drivers/pvfs/samba_xattr.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>

/* Samba's NDR marshaller numbers unique pointers 0x00020000, 0x00020004, ...;
 * writing the same referent ids makes our blobs identical to smbd's. */
#define NDR_REFERENT_FIRST 0x00020000u
#define SD_HEADER_SIZE 20

/* Length of a SID or ACL at offset off of sd[0..len), 0 if it does not fit. */
static size_t sid_extent(const uint8_t *sd, size_t len, size_t off)
{
    if (!range_ok(off, 8, len))
        return 0;
    size_t size = 8 + 4 * (size_t)sd[off + 1];
    return range_ok(off, size, len) ? size : 0;
}

static size_t acl_extent(const uint8_t *sd, size_t len, size_t off)
{
    if (!range_ok(off, 8, len))
        return 0;
    size_t size = le16_load(sd + off + 2);
    return size >= 8 && range_ok(off, size, len) ? size : 0;
}

/* The end of the furthest part of the descriptor whose header is at
 * sd[header_at], its offsets counting from sd[0]. */
static bool sd_part_end(const uint8_t *sd, size_t len, size_t header_at, size_t *end)
{
    const uint8_t *h = sd + header_at;
    uint32_t offsets[4] = { le32_load(h + 4), le32_load(h + 8), le32_load(h + 12),
                            le32_load(h + 16) };
    *end = header_at + SD_HEADER_SIZE;
    for (int i = 0; i < 4; i++) {
        if (offsets[i] == 0)
            continue;
        /* A SACL/DACL offset without its "present" bit is ignored by
         * readers; still require it to be in range so nothing dangles. */
        size_t off = offsets[i];
        if (off < header_at + SD_HEADER_SIZE)
            return false;
        size_t size = i < 2 ? sid_extent(sd, len, off) : acl_extent(sd, len, off);
        if (size == 0)
            return false;
        if (off + size > *end)
            *end = off + size;
    }
    return true;
}

size_t samba_sd_extent(const uint8_t *sd, size_t len)
{
    size_t end;
    if (len < SD_HEADER_SIZE || sd[0] != 1)
        return 0;
    if (!sd_part_end(sd, len, 0, &end))
        return 0;
    return end;
}

/* blob[at..] holds a descriptor whose offsets count from blob[0]. */
static NTSTATUS extract_sd(const uint8_t *blob, size_t len, size_t at, uint8_t **sd,
                           size_t *sd_len)
{
    size_t end;
    if (!range_ok(at, SD_HEADER_SIZE, len) || blob[at] != 1)
        return STATUS_INVALID_SECURITY_DESCR;
    if (!sd_part_end(blob, len, at, &end))
        return STATUS_INVALID_SECURITY_DESCR;
    size_t n = end - at;
    uint8_t *copy = malloc(n);
    if (!copy)
        return STATUS_NO_MEMORY;
    memcpy(copy, blob + at, n);
    for (int i = 0; i < 4; i++) {
        uint32_t off = le32_load(copy + 4 + 4 * i);
        if (off)
            le32_store(copy + 4 + 4 * i, (uint32_t)(off - at));
    }
    *sd = copy;
    *sd_len = n;
    return STATUS_SUCCESS;
}

NTSTATUS samba_ntacl_decode(const uint8_t *blob, size_t len, uint8_t **sd, size_t *sd_len)
{
    struct buf_reader r;
    rd_init(&r, blob, len);
    uint16_t version = rd_u16(&r);
    uint16_t level = rd_u16(&r);
    uint32_t ptr = rd_u32(&r);
    if (!rd_ok(&r) || version != level || ptr == 0)
        return STATUS_INVALID_SECURITY_DESCR;
    if (version >= 2 && version <= 4) {
        uint32_t sd_ptr = rd_u32(&r);
        if (sd_ptr == 0)
            return STATUS_INVALID_SECURITY_DESCR;
        if (version == 2) {
            rd_skip(&r, 16);
        } else {
            rd_u16(&r); /* hash_type: we trust our own store, see security.c */
            rd_skip(&r, XATTR_SD_HASH_SIZE);
        }
        if (version == 4) {
            /* description: NUL-terminated UTF-8 */
            size_t nul = r.pos;
            while (nul < len && blob[nul] != 0)
                nul++;
            if (nul >= len)
                return STATUS_INVALID_SECURITY_DESCR;
            rd_seek(&r, nul + 1);
            rd_align(&r, 4);
            rd_u64(&r); /* time, always 0 */
            rd_skip(&r, XATTR_SD_HASH_SIZE);
        }
        rd_align(&r, 4);
    } else if (version != 1) {
        return STATUS_INVALID_SECURITY_DESCR;
    }
    if (!rd_ok(&r))
        return STATUS_INVALID_SECURITY_DESCR;
    return extract_sd(blob, len, r.pos, sd, sd_len);
}

/* Samba's hash_sd_sha256(): SHA-256 over a version 3 blob with a zeroed hash. */
static NTSTATUS sd_hash_v3(const uint8_t *sd, size_t sd_len, uint8_t hash[XATTR_SD_HASH_SIZE])
{
    struct buf b;
    buf_init(&b);
    wr_u16(&b, 3);
    wr_u16(&b, 3);
    wr_u32(&b, NDR_REFERENT_FIRST);
    wr_u32(&b, NDR_REFERENT_FIRST + 4);
    wr_u16(&b, XATTR_SD_HASH_TYPE_SHA256);
    wr_zeros(&b, XATTR_SD_HASH_SIZE);
    wr_align(&b, 4);
    size_t at = b.len;
    wr_bytes(&b, sd, sd_len);
    for (int i = 0; i < 4; i++) {
        if (!wr_ok(&b))
            break;
        uint32_t off = le32_load(b.data + at + 4 + 4 * i);
        if (off)
            wr_put_u32_at(&b, at + 4 + 4 * i, (uint32_t)(off + at));
    }
    memset(hash, 0, XATTR_SD_HASH_SIZE);
    NTSTATUS status = STATUS_NO_MEMORY;
    if (wr_ok(&b)) {
        SHA256(b.data, b.len, hash);
        status = STATUS_SUCCESS;
    }
    buf_free(&b);
    return status;
}

NTSTATUS samba_ntacl_encode(const uint8_t *sd, size_t sd_len, const char *description,
                            const uint8_t *sys_acl_hash, struct buf *out)
{
    size_t extent = samba_sd_extent(sd, sd_len);
    if (extent == 0)
        return STATUS_INVALID_SECURITY_DESCR;
    uint8_t hash[XATTR_SD_HASH_SIZE];
    NTSTATUS status = sd_hash_v3(sd, extent, hash);
    if (status != STATUS_SUCCESS)
        return status;
    wr_u16(out, 4);
    wr_u16(out, 4);
    wr_u32(out, NDR_REFERENT_FIRST);
    wr_u32(out, NDR_REFERENT_FIRST + 4);
    wr_u16(out, XATTR_SD_HASH_TYPE_SHA256);
    wr_bytes(out, hash, sizeof hash);
    wr_bytes(out, description ? description : "", strlen(description ? description : "") + 1);
    wr_align(out, 4);
    wr_u64(out, 0);
    if (sys_acl_hash)
        wr_bytes(out, sys_acl_hash, XATTR_SD_HASH_SIZE);
    else
        wr_zeros(out, XATTR_SD_HASH_SIZE);
    wr_align(out, 4);
    size_t at = out->len;
    wr_bytes(out, sd, extent);
    if (!wr_ok(out))
        return STATUS_NO_MEMORY;
    for (int i = 0; i < 4; i++) {
        uint32_t off = le32_load(out->data + at + 4 + 4 * i);
        if (off)
            wr_put_u32_at(out, at + 4 + 4 * i, (uint32_t)(off + at));
    }
    return wr_ok(out) ? STATUS_SUCCESS : STATUS_NO_MEMORY;
}

static int hex_value(uint8_t c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* "0x20" (as sscanf("%x") reads it: optional 0x, hex digits). */
static bool parse_hex_attrib(const uint8_t *s, size_t len, uint32_t *value)
{
    size_t i = 0;
    if (len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        i = 2;
    if (i == len)
        return false;
    uint32_t v = 0;
    for (; i < len; i++) {
        int d = hex_value(s[i]);
        if (d < 0 || v > 0x0FFFFFFFu)
            return false;
        v = v << 4 | (uint32_t)d;
    }
    *value = v;
    return true;
}

NTSTATUS samba_dosattrib_decode(const uint8_t *blob, size_t len, struct samba_dosinfo *info)
{
    memset(info, 0, sizeof *info);
    size_t nul = 0;
    while (nul < len && blob[nul] != 0)
        nul++;
    if (nul >= len) {
        /* Some writers leave out the terminator of a bare hex string. */
        if (!parse_hex_attrib(blob, len, &info->attrib))
            return STATUS_INVALID_PARAMETER;
        info->valid_flags = XATTR_DOSINFO_ATTRIB;
        return STATUS_SUCCESS;
    }
    struct buf_reader r;
    rd_init(&r, blob, len);
    rd_seek(&r, nul + 1);
    if (rd_remaining(&r) == 0) {
        if (!parse_hex_attrib(blob, nul, &info->attrib))
            return STATUS_INVALID_PARAMETER;
        info->valid_flags = XATTR_DOSINFO_ATTRIB;
        return STATUS_SUCCESS;
    }
    rd_align(&r, 2);
    uint16_t version = rd_u16(&r);
    uint16_t level = rd_u16(&r);
    rd_align(&r, 4);
    if (!rd_ok(&r) || version != level)
        return STATUS_INVALID_PARAMETER;
    switch (version) {
    case 1: /* attrib, ea_size, size, alloc_size, create_time, change_time */
        info->attrib = rd_u32(&r);
        rd_skip(&r, 4 + 8 + 8);
        info->create_time = rd_u64(&r);
        rd_u64(&r);
        info->valid_flags = XATTR_DOSINFO_ATTRIB | XATTR_DOSINFO_CREATE_TIME;
        break;
    case 2: /* flags, attrib, ...: Samba itself reads only the attributes */
        rd_u32(&r);
        info->attrib = rd_u32(&r);
        info->valid_flags = XATTR_DOSINFO_ATTRIB;
        break;
    case 3: /* valid_flags, attrib, ea_size, size, alloc_size, create, change */
        info->valid_flags = rd_u32(&r);
        info->attrib = rd_u32(&r);
        rd_skip(&r, 4 + 8 + 8);
        info->create_time = rd_u64(&r);
        rd_u64(&r);
        break;
    case 4: /* valid_flags, attrib, itime, create_time */
        info->valid_flags = rd_u32(&r);
        info->attrib = rd_u32(&r);
        rd_u64(&r);
        info->create_time = rd_u64(&r);
        break;
    case 5: /* valid_flags, attrib, create_time */
        info->valid_flags = rd_u32(&r);
        info->attrib = rd_u32(&r);
        info->create_time = rd_u64(&r);
        break;
    default:
        return STATUS_INVALID_PARAMETER;
    }
    if (!rd_ok(&r))
        return STATUS_INVALID_PARAMETER;
    /* Samba reads the attributes of every version without looking at the
     * flag; only the creation time is conditional. */
    info->valid_flags |= XATTR_DOSINFO_ATTRIB;
    if (info->create_time == 0)
        info->valid_flags &= ~(uint32_t)XATTR_DOSINFO_CREATE_TIME;
    info->valid_flags &= XATTR_DOSINFO_ATTRIB | XATTR_DOSINFO_CREATE_TIME;
    return STATUS_SUCCESS;
}

void samba_dosattrib_encode(const struct samba_dosinfo *info, struct buf *out)
{
    wr_u8(out, 0); /* attrib_hex: empty from version 4 on */
    wr_align(out, 2);
    wr_u16(out, 5);
    wr_u16(out, 5);
    wr_align(out, 4);
    wr_u32(out, info->valid_flags & (XATTR_DOSINFO_ATTRIB | XATTR_DOSINFO_CREATE_TIME));
    wr_u32(out, info->attrib);
    wr_u64(out, info->create_time);
}
