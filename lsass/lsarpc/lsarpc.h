/* lsarpc ([MS-LSAD] policy, accounts and privileges; [MS-LSAT] name and SID
 * lookups) and dssetup ([MS-DSSP] DsRolerGetPrimaryDomainInformation), as
 * lsassd serves them on \pipe\lsarpc (and \pipe\lsass, \pipe\samr) through
 * the RPC host (lsass/rpc/lsa_rpc.h). The wire types are in
 * lsass/lsarpc/lsa_idl.h; docs/lsass.md says what is served and how.
 *
 * Data: the SAM (names, SIDs, the account domain) and the account rights
 * table (lsass/sam/migrations/004-account-rights.sql) in the registry.
 * Changes are made in one transaction and audited with via=lsarpc and the
 * caller's account name. */
#ifndef SW_LSASS_LSARPC_H
#define SW_LSASS_LSARPC_H

#include "lsass/lsarpc/lsa_idl.h"
#include "lsass/rpc/lsa_rpc.h"

/* Registers lsarpc and dssetup on server (lsa_rpc_register_fn). */
NTSTATUS lsarpc_interface_register(struct dcerpc_server *server, struct lsa_rpc_context *ctx,
                                   lsa_rpc_unregister_fn *unregister, void **state);

#endif
