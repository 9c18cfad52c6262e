/* samr ([MS-SAMR]): the Security Account Manager remote protocol, served by
 * lsassd on \pipe\samr over the SAM tables lwadmin edits (lsass/sam/sam.h).
 *
 * Register samr_interface with a dcerpc_server and a samr_service as its
 * context:
 *     struct samr_service *svc = samr_service_new(reg);
 *     dcerpc_server_register(server, &samr_interface, svc);
 * The service uses reg (one SQLite connection) under its own lock, so the
 * pipe instances' threads may share it; it never closes reg.
 *
 * What is served, the access rules and the decisions are in docs/samr.md.
 * Wire types are in samr_idl.h (for tests, fuzzing and clients). */
#ifndef SW_SAMR_H
#define SW_SAMR_H

#include "dcerpc/dcerpc.h"
#include "lsass/samr/samr_idl.h"

struct registry;

extern const struct dcerpc_interface samr_interface;

struct samr_service;
/* A service over reg. A change samr makes reaches running SMB sessions the
 * way lwadmin's does: srv re-checks its sessions' accounts whenever the
 * registry changes and logs off a disabled, locked or deleted user. */
struct samr_service *samr_service_new(struct registry *reg);
void samr_service_free(struct samr_service *service);

#endif
