/* Security identifiers ([MS-DTYP] 2.4.2): string form "S-1-5-32-544" and the
 * binary form used on the wire, in security descriptors and in the SAM. */
#ifndef SW_SID_H
#define SW_SID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"
#include "lib/ntstatus.h"

#define SID_MAX_SUB_AUTHORITIES 15
/* Longest string form: "S-255-" + 48-bit authority + 15 * "-4294967295" + NUL. */
#define SID_STRING_MAX 192

struct sid {
    uint8_t revision;            /* always 1 */
    uint8_t sub_authority_count; /* 0..15 */
    uint8_t authority[6];        /* big-endian 48-bit identifier authority */
    uint32_t sub_authority[SID_MAX_SUB_AUTHORITIES];
};

/* Parses "S-1-5-21-1-2-3-1000" (authority in decimal, or 0x-hex as Windows
 * prints authorities >= 2^32). */
NTSTATUS sid_parse(const char *text, struct sid *sid);
/* Writes the string form into out (at least SID_STRING_MAX bytes). */
void sid_format(const struct sid *sid, char *out, size_t out_size);
/* Binary form: revision, count, authority, count * le32. */
size_t sid_wire_size(const struct sid *sid);
NTSTATUS sid_read(struct buf_reader *r, struct sid *sid);
void sid_write(struct buf *b, const struct sid *sid);

bool sid_equal(const struct sid *a, const struct sid *b);
int sid_compare(const struct sid *a, const struct sid *b);
/* Appends a RID: domain SID + rid = account SID. Fails if already 15 long. */
NTSTATUS sid_append(struct sid *sid, const struct sid *domain, uint32_t rid);
/* True if sid is domain + exactly one more sub-authority; *rid gets that RID. */
bool sid_split_rid(const struct sid *sid, const struct sid *domain, uint32_t *rid);

/* Well-known SIDs ([MS-DTYP] 2.4.2.4). */
extern const struct sid SID_NULL;                 /* S-1-0-0 */
extern const struct sid SID_EVERYONE;             /* S-1-1-0 */
extern const struct sid SID_CREATOR_OWNER;        /* S-1-3-0 */
extern const struct sid SID_CREATOR_GROUP;        /* S-1-3-1 */
extern const struct sid SID_OWNER_RIGHTS;         /* S-1-3-4 */
extern const struct sid SID_NETWORK;              /* S-1-5-2 */
extern const struct sid SID_ANONYMOUS;            /* S-1-5-7 */
extern const struct sid SID_AUTHENTICATED_USERS;  /* S-1-5-11 */
extern const struct sid SID_LOCAL_SYSTEM;         /* S-1-5-18 */
extern const struct sid SID_BUILTIN;              /* S-1-5-32 */
extern const struct sid SID_BUILTIN_ADMINISTRATORS; /* S-1-5-32-544 */
extern const struct sid SID_BUILTIN_USERS;        /* S-1-5-32-545 */
extern const struct sid SID_BUILTIN_GUESTS;       /* S-1-5-32-546 */

#endif
