/* lwiod's client socket: serves the LwNt* calls of lwio clients
 * (lwiod/client/protocol.h) through the I/O manager. */
#ifndef SW_LWIOD_SERVER_H
#define SW_LWIOD_SERVER_H

#include "lib/ntstatus.h"

struct lwiod_server;

/* Listens on socket_path (a stale socket file there is replaced) and serves
 * clients on a thread of its own. */
NTSTATUS server_start(const char *socket_path, struct lwiod_server **server);
/* Stops accepting, drops every client (cancelling its requests and closing
 * its files) and joins the thread. Requests still completing afterwards
 * touch only their (dead) connection. */
void server_stop(struct lwiod_server *server);
/* Removes the socket file and frees the server; after iomgr_shutdown. */
void server_free(struct lwiod_server *server);

#endif
