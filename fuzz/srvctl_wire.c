/* Fuzz target: what srvctl reads from srv (the listings of srvsvc/
 * srv_live.h, turned into srvctl's structures, and the reload's answer) and
 * what srv reads from srvctl (the reload's request). The first byte picks
 * the reader; the rest is its input. Whatever the bytes, a reader refuses or
 * succeeds without reading outside them or leaking, and what it accepts has
 * every string set. */
#include <stdint.h>
#include <stdlib.h>

#include "drivers/srv/devctl.h"
#include "srvctl/srvctl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t pick = data[0];
    data++;
    size--;
    size_t count = 0;
    switch (pick % 5) {
    case 0: {
        struct srvctl_session *s = NULL;
        if (srvctl_parse_sessions(data, size, &s, &count) == STATUS_SUCCESS)
            for (size_t i = 0; i < count; i++)
                if (!s[i].user || !s[i].domain || !s[i].client)
                    abort();
        srvctl_sessions_free(s, count);
        break;
    }
    case 1: {
        struct srvctl_connection *c = NULL;
        if (srvctl_parse_connections(data, size, &c, &count) == STATUS_SUCCESS)
            for (size_t i = 0; i < count; i++)
                if (!c[i].share || !c[i].user || !c[i].domain || !c[i].client)
                    abort();
        srvctl_connections_free(c, count);
        break;
    }
    case 2: {
        struct srvctl_file *f = NULL;
        if (srvctl_parse_files(data, size, &f, &count) == STATUS_SUCCESS)
            for (size_t i = 0; i < count; i++)
                if (!f[i].path || !f[i].share || !f[i].user || !f[i].domain)
                    abort();
        srvctl_files_free(f, count);
        break;
    }
    case 3: {
        uint32_t affected;
        srv_devctl_read_result(data, size, &affected);
        break;
    }
    default:
        srv_devctl_request_read(SRV_DEVCTL_RELOAD_SHARES, data, size);
        break;
    }
    return 0;
}
