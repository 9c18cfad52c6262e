/* Fuzz target: answers and requests of the \srv device controls
 * (drivers/srv/devctl.h), as srvctl reads srv's answers and srv reads its
 * callers' requests. The first byte picks the reader; the rest is its input.
 * Whatever the bytes, a reader refuses or succeeds without reading outside
 * them, and what it accepts writes back into something it accepts again. */
#include <stdint.h>
#include <stdlib.h>

#include "drivers/srv/devctl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void sessions(const uint8_t *data, size_t size)
{
    struct srvctl_session *s = NULL;
    size_t count = 0;
    if (srv_devctl_read_sessions(data, size, &s, &count) != STATUS_SUCCESS)
        return;
    struct buf b;
    buf_init(&b);
    size_t begin = srv_devctl_list_begin(&b);
    for (size_t i = 0; i < count; i++)
        srv_devctl_write_session(&b, &s[i]);
    srv_devctl_list_end(&b, begin, (uint32_t)count);
    struct srvctl_session *again = NULL;
    size_t again_count = 0;
    if (srv_devctl_read_sessions(b.data, b.len, &again, &again_count) != STATUS_SUCCESS ||
        again_count != count)
        abort();
    srv_devctl_free_sessions(again, again_count);
    srv_devctl_free_sessions(s, count);
    buf_free(&b);
}

static void connections(const uint8_t *data, size_t size)
{
    struct srvctl_connection *c = NULL;
    size_t count = 0;
    if (srv_devctl_read_connections(data, size, &c, &count) != STATUS_SUCCESS)
        return;
    struct buf b;
    buf_init(&b);
    size_t begin = srv_devctl_list_begin(&b);
    for (size_t i = 0; i < count; i++)
        srv_devctl_write_connection(&b, &c[i]);
    srv_devctl_list_end(&b, begin, (uint32_t)count);
    struct srvctl_connection *again = NULL;
    size_t again_count = 0;
    if (srv_devctl_read_connections(b.data, b.len, &again, &again_count) != STATUS_SUCCESS ||
        again_count != count)
        abort();
    srv_devctl_free_connections(again, again_count);
    srv_devctl_free_connections(c, count);
    buf_free(&b);
}

static void files(const uint8_t *data, size_t size)
{
    struct srvctl_file *f = NULL;
    size_t count = 0;
    if (srv_devctl_read_files(data, size, &f, &count) != STATUS_SUCCESS)
        return;
    struct buf b;
    buf_init(&b);
    size_t begin = srv_devctl_list_begin(&b);
    for (size_t i = 0; i < count; i++)
        srv_devctl_write_file(&b, &f[i]);
    srv_devctl_list_end(&b, begin, (uint32_t)count);
    struct srvctl_file *again = NULL;
    size_t again_count = 0;
    if (srv_devctl_read_files(b.data, b.len, &again, &again_count) != STATUS_SUCCESS ||
        again_count != count)
        abort();
    srv_devctl_free_files(again, again_count);
    srv_devctl_free_files(f, count);
    buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint32_t controls[] = {
        SRV_DEVCTL_ENUM_SESSIONS, SRV_DEVCTL_ENUM_CONNECTIONS, SRV_DEVCTL_ENUM_FILES,
        SRV_DEVCTL_CLOSE_SESSION, SRV_DEVCTL_CLOSE_FILE,       SRV_DEVCTL_RELOAD_SHARES,
    };
    if (size < 1)
        return 0;
    uint8_t pick = data[0];
    data++;
    size--;
    switch (pick % 5) {
    case 0: sessions(data, size); break;
    case 1: connections(data, size); break;
    case 2: files(data, size); break;
    case 3: {
        uint32_t affected;
        srv_devctl_read_result(data, size, &affected);
        break;
    }
    default: {
        struct srv_devctl_request req;
        srv_devctl_request_read(controls[(pick / 5) % 6], data, size, &req);
        break;
    }
    }
    return 0;
}
