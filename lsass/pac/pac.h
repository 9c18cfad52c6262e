/* The group SIDs of a Kerberos ticket's PAC ([MS-PAC]).
 *
 * A PAC is a PACTYPE (a count, a version and an array of PAC_INFO_BUFFERs
 * pointing into the same blob); the buffer of type 1 holds the
 * KERB_VALIDATION_INFO, NDR-encoded behind a type serialization version 1
 * header ([MS-RPCE] 2.2.6). Of it we keep what a token needs: the user and
 * primary group, the domain's groups (LogonDomainId + GroupIds), the extra
 * SIDs, and the resource groups (ResourceGroupDomainSid + ResourceGroupIds).
 *
 * Every field comes through the bounded reader: counts are checked against
 * what is left of the buffer before anything is allocated, and a PAC that
 * does not parse is refused whole (STATUS_INVALID_PARAMETER). The caller is
 * responsible for trusting the PAC: MIT GSSAPI verifies its server signature
 * and reports the attribute as authenticated (lsass/krb5). */
#ifndef SW_LSASS_PAC_H
#define SW_LSASS_PAC_H

#include <stddef.h>
#include <stdint.h>

#include "lib/ntstatus.h"
#include "lib/sid.h"

/* More groups than this and the PAC is refused rather than cut short (a
 * token missing a deny group would grant too much). */
#define PAC_MAX_SIDS 1024

struct pac_logon_info {
    struct sid user;              /* LogonDomainId + UserId */
    struct sid primary_group;     /* LogonDomainId + PrimaryGroupId */
    struct sid *groups;           /* every group SID, in PAC order */
    size_t group_count;
};

/* The logon information of a whole PAC (PACTYPE). */
NTSTATUS pac_parse(const uint8_t *pac, size_t len, struct pac_logon_info *info);
/* The logon information of the KERB_VALIDATION_INFO buffer alone (what
 * gss_get_name_attribute "urn:mspac:logon-info" returns). */
NTSTATUS pac_parse_logon_info(const uint8_t *data, size_t len, struct pac_logon_info *info);
void pac_logon_info_clear(struct pac_logon_info *info);

#endif
