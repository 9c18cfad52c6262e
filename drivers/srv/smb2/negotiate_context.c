/* SMB 3.1.1 negotiate contexts ([MS-SMB2] 2.2.3.1, 2.2.4.1, 3.3.5.4):
 * pre-authentication integrity, encryption and signing capabilities. Every
 * context is read through a sub-reader of the request element; contexts
 * srv does not act on (compression, netname, transport, RDMA) are skipped. */
#include <string.h>

#include <openssl/rand.h>

#include "drivers/srv/smb2/request.h"

static bool list_has(struct buf_reader list, uint16_t count, uint16_t id)
{
    for (uint16_t i = 0; i < count; i++)
        if (rd_u16(&list) == id)
            return rd_ok(&list);
    return false;
}

static NTSTATUS parse_preauth(struct buf_reader *d, struct smb2_negotiate_contexts *nc)
{
    uint16_t count = rd_u16(d);
    uint16_t salt_len = rd_u16(d);
    struct buf_reader list = rd_sub(d, d->pos, (size_t)count * 2);
    rd_skip(d, (size_t)count * 2);
    rd_skip(d, salt_len);
    if (!rd_ok(d) || count == 0)
        return STATUS_INVALID_PARAMETER;
    if (!list_has(list, count, SMB2_PREAUTH_INTEGRITY_SHA512))
        return STATUS_SMB_NO_PREAUTH_INTEGRITY_HASH_OVERLAP;
    nc->has_preauth = true;
    return STATUS_SUCCESS;
}

/* Picks the first algorithm in the server's preference order that the client
 * also lists. */
static uint16_t pick(struct buf_reader list, uint16_t count, const uint16_t *preferred,
                     size_t preferred_count, uint16_t none)
{
    for (size_t i = 0; i < preferred_count; i++)
        if (list_has(list, count, preferred[i]))
            return preferred[i];
    return none;
}

static NTSTATUS parse_encryption(struct buf_reader *d, const struct srv_config *cfg,
                                 struct smb2_negotiate_contexts *nc)
{
    uint16_t count = rd_u16(d);
    struct buf_reader list = rd_sub(d, d->pos, (size_t)count * 2);
    rd_skip(d, (size_t)count * 2);
    if (!rd_ok(d) || count == 0)
        return STATUS_INVALID_PARAMETER;
    size_t n = 0;
    while (n < 4 && cfg->ciphers[n])
        n++;
    nc->has_encryption = true;
    nc->cipher = pick(list, count, cfg->ciphers, n, SMB2_ENCRYPTION_NONE);
    return STATUS_SUCCESS;
}

static NTSTATUS parse_signing(struct buf_reader *d, const struct srv_config *cfg,
                              struct smb2_negotiate_contexts *nc)
{
    uint16_t count = rd_u16(d);
    struct buf_reader list = rd_sub(d, d->pos, (size_t)count * 2);
    rd_skip(d, (size_t)count * 2);
    if (!rd_ok(d) || count == 0)
        return STATUS_INVALID_PARAMETER;
    nc->has_signing = true;
    /* AES-CMAC is what 3.1.1 uses without a signing context, so it is also
     * the answer when nothing matches. */
    nc->signing_algorithm = pick(list, count, cfg->signing_algorithms,
                                 cfg->signing_algorithm_count, SMB2_SIGNING_AES_CMAC);
    return STATUS_SUCCESS;
}

NTSTATUS smb2_negotiate_contexts_parse(const struct srv_config *cfg, struct buf_reader *elem,
                                       uint32_t offset, uint16_t count,
                                       struct smb2_negotiate_contexts *nc)
{
    memset(nc, 0, sizeof *nc);
    nc->signing_algorithm = SMB2_SIGNING_AES_CMAC;
    /* The first context starts at NegotiateContextOffset, 8-byte aligned
     * from the header; each next one at the next 8-byte boundary. */
    if (count == 0 || offset % 8 != 0 || offset > elem->size)
        return STATUS_INVALID_PARAMETER;
    struct buf_reader r = *elem;
    rd_seek(&r, offset);
    for (uint16_t i = 0; i < count; i++) {
        if (i > 0)
            rd_align(&r, 8);
        uint16_t type = rd_u16(&r);
        uint16_t data_len = rd_u16(&r);
        rd_skip(&r, 4); /* Reserved */
        struct buf_reader data = rd_sub(&r, r.pos, data_len);
        rd_skip(&r, data_len);
        if (!rd_ok(&r))
            return STATUS_INVALID_PARAMETER;
        NTSTATUS status = STATUS_SUCCESS;
        switch (type) {
        case SMB2_PREAUTH_INTEGRITY_CAPABILITIES:
            status = nc->has_preauth ? STATUS_INVALID_PARAMETER : parse_preauth(&data, nc);
            break;
        case SMB2_ENCRYPTION_CAPABILITIES:
            status = nc->has_encryption ? STATUS_INVALID_PARAMETER
                                        : parse_encryption(&data, cfg, nc);
            break;
        case SMB2_SIGNING_CAPABILITIES:
            status = nc->has_signing ? STATUS_INVALID_PARAMETER : parse_signing(&data, cfg, nc);
            break;
        default:
            break; /* compression, netname, transport, RDMA: not acted upon */
        }
        if (status != STATUS_SUCCESS)
            return status;
    }
    /* 3.3.5.4: exactly one pre-authentication integrity context. */
    return nc->has_preauth ? STATUS_SUCCESS : STATUS_INVALID_PARAMETER;
}

static void begin_context(struct buf *out, uint16_t type, uint16_t data_len)
{
    wr_align(out, 8);
    wr_u16(out, type);
    wr_u16(out, data_len);
    wr_u32(out, 0);
}

NTSTATUS smb2_negotiate_contexts_write(const struct smb2_negotiate_contexts *nc, struct buf *out,
                                       uint16_t *count)
{
    uint8_t salt[SMB2_PREAUTH_SALT_SIZE];
    if (RAND_bytes(salt, sizeof salt) != 1)
        return STATUS_INTERNAL_ERROR;
    *count = 0;
    begin_context(out, SMB2_PREAUTH_INTEGRITY_CAPABILITIES, 4 + 2 + sizeof salt);
    wr_u16(out, 1);
    wr_u16(out, sizeof salt);
    wr_u16(out, SMB2_PREAUTH_INTEGRITY_SHA512);
    wr_bytes(out, salt, sizeof salt);
    (*count)++;
    if (nc->has_encryption) {
        /* CipherCount 1; cipher 0 says "no common cipher". */
        begin_context(out, SMB2_ENCRYPTION_CAPABILITIES, 4);
        wr_u16(out, 1);
        wr_u16(out, nc->cipher);
        (*count)++;
    }
    if (nc->has_signing) {
        begin_context(out, SMB2_SIGNING_CAPABILITIES, 4);
        wr_u16(out, 1);
        wr_u16(out, nc->signing_algorithm);
        (*count)++;
    }
    return wr_ok(out) ? STATUS_SUCCESS : STATUS_NO_MEMORY;
}
