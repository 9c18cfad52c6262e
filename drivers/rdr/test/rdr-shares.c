/* rdr-shares DB PIPE: a test helper (build/t/rdr-shares, driven by
 * t/rdr-smbd.t and t/rdr-appliance.t) that runs Samewise's DCE/RPC client
 * runtime over a remote named pipe through rdr: it binds to srvsvc on PIPE
 * (\rdr\HOST:PORT\IPC$\srvsvc) and prints the server's shares from
 * NetrShareEnum level 1, one "NAME TYPE" a line, what remote administration
 * (lwadmin --server) will build on. Exit 0, or 1 with the status on stderr. */
#include <stdio.h>
#include <string.h>

#include "dcerpc/dcerpc.h"
#include "lwiod/client/lwio.h"
#include "srvsvc/srvsvc.h"

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: rdr-shares DB PIPE\n");
        return 2;
    }
    struct lwio_context *lwio = NULL;
    struct dcerpc_np_pipe *pipe = NULL;
    struct dcerpc_client *rpc = NULL;
    struct ndr_arena *arena = ndr_arena_new(1 << 20);
    struct dcerpc_client_transport transport;
    uint16_t context = 0;
    uint32_t reject = 0, fault = 0;
    const char *step = "connect to lwiod";
    NTSTATUS status = LwIoConnect(argv[1], &lwio);
    if (status == STATUS_SUCCESS) {
        step = "open the pipe";
        status = dcerpc_np_open(lwio, argv[2], &pipe, &transport);
    }
    if (status == STATUS_SUCCESS) {
        step = "bind to srvsvc";
        rpc = dcerpc_client_new(&transport, NULL);
        status = rpc ? dcerpc_client_bind(rpc, &srvsvc_interface, &context, &reject)
                     : STATUS_INSUFFICIENT_RESOURCES;
    }
    struct SHARE_INFO_1_CONTAINER empty = { 0, NULL };
    struct NetrShareEnum r = { .InfoStruct = { .Level = 1, .ShareInfo.Level1 = &empty },
                               .PreferedMaximumLength = MAX_PREFERRED_LENGTH };
    if (status == STATUS_SUCCESS) {
        step = "NetrShareEnum";
        status = dcerpc_client_call(rpc, context, &srvsvc_interface, SRVSVC_NetrShareEnum, &r,
                                    arena, &fault);
        if (status == STATUS_SUCCESS && (r.Result || !r.InfoStruct.ShareInfo.Level1))
            status = STATUS_UNSUCCESSFUL;
    }
    if (status == STATUS_SUCCESS) {
        for (uint32_t i = 0; i < r.InfoStruct.ShareInfo.Level1->EntriesRead; i++)
            printf("%s 0x%08x\n", r.InfoStruct.ShareInfo.Level1->Buffer[i].shi1_netname,
                   r.InfoStruct.ShareInfo.Level1->Buffer[i].shi1_type);
    } else {
        fprintf(stderr, "rdr-shares: %s: %s (fault 0x%x, result %u)\n", step,
                nt_status_name(status), fault, r.Result);
    }
    dcerpc_client_free(rpc);
    dcerpc_np_close(pipe);
    if (lwio)
        LwIoDisconnect(lwio);
    ndr_arena_free(arena);
    return status == STATUS_SUCCESS ? 0 : 1;
}
