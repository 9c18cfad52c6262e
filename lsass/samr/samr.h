/* samr ([MS-SAMR]): the Security Account Manager remote protocol, served by
 * lsassd on \pipe\samr over the SAM tables lwadmin edits (lsass/sam/sam.h).
 *
 * What is served, the access rules and the decisions are in docs/samr.md.
 * Wire types are in samr_idl.h (for tests, fuzzing and clients). */
#ifndef SW_SAMR_H
#define SW_SAMR_H

#include "dcerpc/dcerpc.h"
#include "lsass/samr/samr_idl.h"

#include "lsass/rpc/lsa_rpc.h"

extern const struct dcerpc_interface samr_interface;

/* Registers samr on server over ctx's registry (used under ctx->reg_lock):
 * the lsa_rpc_register_fn lsassd's host calls (lsass/rpc/host.c). A change
 * samr makes reaches running SMB sessions the way lwadmin's does: srv
 * re-checks its sessions' accounts whenever the registry changes and logs
 * off a disabled, locked or deleted user. */
NTSTATUS samr_interface_register(struct dcerpc_server *server, struct lsa_rpc_context *ctx,
                                 lsa_rpc_unregister_fn *unregister, void **state);

#endif
