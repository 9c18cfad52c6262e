#include "lib/sid.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WELL_KNOWN(name, auth, count, ...) \
    const struct sid name = { 1, count, { 0, 0, 0, 0, 0, auth }, { __VA_ARGS__ } }

WELL_KNOWN(SID_NULL, 0, 1, 0);
WELL_KNOWN(SID_EVERYONE, 1, 1, 0);
WELL_KNOWN(SID_CREATOR_OWNER, 3, 1, 0);
WELL_KNOWN(SID_CREATOR_GROUP, 3, 1, 1);
WELL_KNOWN(SID_OWNER_RIGHTS, 3, 1, 4);
WELL_KNOWN(SID_NETWORK, 5, 1, 2);
WELL_KNOWN(SID_ANONYMOUS, 5, 1, 7);
WELL_KNOWN(SID_AUTHENTICATED_USERS, 5, 1, 11);
WELL_KNOWN(SID_LOCAL_SYSTEM, 5, 1, 18);
WELL_KNOWN(SID_BUILTIN, 5, 1, 32);
WELL_KNOWN(SID_BUILTIN_ADMINISTRATORS, 5, 2, 32, 544);
WELL_KNOWN(SID_BUILTIN_USERS, 5, 2, 32, 545);
WELL_KNOWN(SID_BUILTIN_GUESTS, 5, 2, 32, 546);

/* Parses a decimal or 0x-hex unsigned number that must end at '-' or NUL. */
static int parse_number(const char **p, uint64_t max, uint64_t *value)
{
    const char *s = *p;
    if (!(*s >= '0' && *s <= '9'))
        return -1;
    int base = (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) ? 16 : 10;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, base);
    if (errno || end == s || v > max || (*end != '-' && *end != '\0'))
        return -1;
    *value = v;
    *p = end;
    return 0;
}

NTSTATUS sid_parse(const char *text, struct sid *sid)
{
    memset(sid, 0, sizeof *sid);
    if (!text || (text[0] != 'S' && text[0] != 's') || text[1] != '-')
        return STATUS_INVALID_SID;
    const char *p = text + 2;
    uint64_t v;
    if (parse_number(&p, 255, &v) || v != 1 || *p != '-')
        return STATUS_INVALID_SID;
    sid->revision = 1;
    p++;
    if (parse_number(&p, 0xFFFFFFFFFFFFull, &v))
        return STATUS_INVALID_SID;
    for (int i = 0; i < 6; i++)
        sid->authority[i] = (uint8_t)(v >> (8 * (5 - i)));
    while (*p == '-') {
        p++;
        if (sid->sub_authority_count == SID_MAX_SUB_AUTHORITIES ||
            parse_number(&p, 0xFFFFFFFFu, &v))
            return STATUS_INVALID_SID;
        sid->sub_authority[sid->sub_authority_count++] = (uint32_t)v;
    }
    return *p == '\0' ? STATUS_SUCCESS : STATUS_INVALID_SID;
}

void sid_format(const struct sid *sid, char *out, size_t out_size)
{
    uint64_t auth = 0;
    for (int i = 0; i < 6; i++)
        auth = auth << 8 | sid->authority[i];
    int n = auth >> 32 ? snprintf(out, out_size, "S-%u-0x%012" PRIX64, sid->revision, auth)
                       : snprintf(out, out_size, "S-%u-%" PRIu64, sid->revision, auth);
    for (int i = 0; i < sid->sub_authority_count && n > 0 && (size_t)n < out_size; i++)
        n += snprintf(out + n, out_size - (size_t)n, "-%" PRIu32, sid->sub_authority[i]);
}

size_t sid_wire_size(const struct sid *sid)
{
    return 8 + 4 * (size_t)sid->sub_authority_count;
}

NTSTATUS sid_read(struct buf_reader *r, struct sid *sid)
{
    memset(sid, 0, sizeof *sid);
    sid->revision = rd_u8(r);
    sid->sub_authority_count = rd_u8(r);
    rd_copy(r, sid->authority, 6);
    if (!rd_ok(r) || sid->revision != 1 || sid->sub_authority_count > SID_MAX_SUB_AUTHORITIES) {
        rd_fail(r);
        return STATUS_INVALID_SID;
    }
    for (int i = 0; i < sid->sub_authority_count; i++)
        sid->sub_authority[i] = rd_u32(r);
    return rd_ok(r) ? STATUS_SUCCESS : STATUS_INVALID_SID;
}

void sid_write(struct buf *b, const struct sid *sid)
{
    wr_u8(b, sid->revision);
    wr_u8(b, sid->sub_authority_count);
    wr_bytes(b, sid->authority, 6);
    for (int i = 0; i < sid->sub_authority_count; i++)
        wr_u32(b, sid->sub_authority[i]);
}

int sid_compare(const struct sid *a, const struct sid *b)
{
    if (a->revision != b->revision)
        return a->revision < b->revision ? -1 : 1;
    int c = memcmp(a->authority, b->authority, 6);
    if (c)
        return c < 0 ? -1 : 1;
    int n = a->sub_authority_count < b->sub_authority_count ? a->sub_authority_count
                                                            : b->sub_authority_count;
    for (int i = 0; i < n; i++)
        if (a->sub_authority[i] != b->sub_authority[i])
            return a->sub_authority[i] < b->sub_authority[i] ? -1 : 1;
    return (a->sub_authority_count > n) - (b->sub_authority_count > n);
}

bool sid_equal(const struct sid *a, const struct sid *b) { return sid_compare(a, b) == 0; }

NTSTATUS sid_append(struct sid *sid, const struct sid *domain, uint32_t rid)
{
    if (domain->sub_authority_count >= SID_MAX_SUB_AUTHORITIES)
        return STATUS_INVALID_SID;
    *sid = *domain;
    sid->sub_authority[sid->sub_authority_count++] = rid;
    return STATUS_SUCCESS;
}

bool sid_split_rid(const struct sid *sid, const struct sid *domain, uint32_t *rid)
{
    if (sid->sub_authority_count != domain->sub_authority_count + 1)
        return false;
    struct sid prefix = *sid;
    prefix.sub_authority_count--;
    if (!sid_equal(&prefix, domain))
        return false;
    *rid = sid->sub_authority[sid->sub_authority_count - 1];
    return true;
}
