/* The srvsvc back end over the appliance's stores (share-db and the
 * registry's settings; srv's live state through srvctl). Used by srvsvcd;
 * tests use it through srvsvcd --stdio. */
#ifndef SW_SRVSVC_STORE_H
#define SW_SRVSVC_STORE_H

#include "srvsvc/srvsvc.h"

struct srvsvc_store;
/* Opens (and migrates) the registry at db_path. */
NTSTATUS srvsvc_store_open(const char *db_path, struct srvsvc_store **store);
void srvsvc_store_backend(struct srvsvc_store *store, struct srvsvc_backend *backend);
void srvsvc_store_close(struct srvsvc_store *store);

#endif
