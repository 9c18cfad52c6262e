/* FSCTLs that srv answers itself, with nothing of the file system behind
 * them: FSCTL_QUERY_NETWORK_INTERFACE_INFO ([MS-SMB2] 3.3.5.15.11: the
 * addresses a multichannel client may bind more connections to) and
 * FSCTL_SRV_ENUMERATE_SNAPSHOTS (3.3.5.15.1: the previous versions of a
 * share; none is kept, so the answer is an empty list). */
#include "drivers/srv/smb2/io.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* [MS-SMB2] 2.2.32.5 */
#define NETWORK_INTERFACE_INFO_SIZE 152u
#define SOCKADDR_STORAGE_SIZE 128u
#define NII_FAMILY_IPV4 0x0002u
#define NII_FAMILY_IPV6 0x0017u
#define NII_RSS_CAPABLE 0x00000001u
/* What a link reports when the kernel does not know its speed (loopback,
 * virtual links): 1 Gb/s, as smbd assumes too. */
#define DEFAULT_LINK_SPEED 1000000000ull

/* The link's speed in bits per second (/sys/class/net/NAME/speed is in
 * Mb/s, -1 or unreadable when unknown). */
static uint64_t link_speed(const char *ifname)
{
    char path[128];
    snprintf(path, sizeof path, "/sys/class/net/%s/speed", ifname);
    FILE *f = fopen(path, "re");
    long mbps = -1;
    if (f) {
        if (fscanf(f, "%ld", &mbps) != 1)
            mbps = -1;
        fclose(f);
    }
    return mbps > 0 ? (uint64_t)mbps * 1000000ull : DEFAULT_LINK_SPEED;
}

/* More than one receive queue: the NIC spreads connections over cores
 * (RSS), which tells a Windows client to open several channels to it. */
static bool rss_capable(const char *ifname)
{
    char path[128];
    struct stat st;
    snprintf(path, sizeof path, "/sys/class/net/%s/queues/rx-1", ifname);
    return stat(path, &st) == 0;
}

/* Which addresses srv serves, given srv.listen. */
struct listen_filter {
    bool any4, any6;          /* 0.0.0.0 (or empty): IPv4; "::": both families */
    int family;               /* a single address: its family and bytes */
    uint8_t addr[16];
};

static bool parse_listen(const char *listen, struct listen_filter *f)
{
    memset(f, 0, sizeof *f);
    if (!listen || !listen[0] || strcmp(listen, "0.0.0.0") == 0) {
        f->any4 = true;
    } else if (strcmp(listen, "::") == 0) {
        f->any4 = f->any6 = true;
    } else if (inet_pton(AF_INET, listen, f->addr) == 1) {
        f->family = AF_INET;
    } else if (inet_pton(AF_INET6, listen, f->addr) == 1) {
        f->family = AF_INET6;
    } else {
        return false;
    }
    return true;
}

static const uint8_t *address_bytes(const struct sockaddr *sa, size_t *len)
{
    if (sa->sa_family == AF_INET) {
        *len = 4;
        return (const uint8_t *)&((const struct sockaddr_in *)(const void *)sa)->sin_addr;
    }
    *len = 16;
    return (const uint8_t *)&((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
}

static bool served(const struct ifaddrs *ifa, const struct listen_filter *f, bool loopback_too)
{
    const struct sockaddr *sa = ifa->ifa_addr;
    if (!sa || (sa->sa_family != AF_INET && sa->sa_family != AF_INET6) ||
        !(ifa->ifa_flags & IFF_UP) || !ifa->ifa_name)
        return false;
    size_t len;
    const uint8_t *bytes = address_bytes(sa, &len);
    if (f->family)
        return sa->sa_family == f->family && memcmp(bytes, f->addr, len) == 0;
    if ((ifa->ifa_flags & IFF_LOOPBACK) && !loopback_too)
        return false;
    return sa->sa_family == AF_INET ? f->any4 : f->any6;
}

static void put_interface(struct buf *out, const struct ifaddrs *ifa, uint32_t if_index)
{
    const struct sockaddr *sa = ifa->ifa_addr;
    wr_u32(out, NETWORK_INTERFACE_INFO_SIZE); /* Next; the last is zeroed after */
    wr_u32(out, if_index);
    wr_u32(out, rss_capable(ifa->ifa_name) ? NII_RSS_CAPABLE : 0);
    wr_u32(out, 0);                            /* Reserved */
    wr_u64(out, link_speed(ifa->ifa_name));
    size_t start = out->len;
    size_t len;
    const uint8_t *bytes = address_bytes(sa, &len);
    if (sa->sa_family == AF_INET) {
        wr_u16(out, NII_FAMILY_IPV4);
        wr_u16(out, 0);                        /* Port */
        wr_bytes(out, bytes, 4);
    } else {
        wr_u16(out, NII_FAMILY_IPV6);
        wr_u16(out, 0);                        /* Port */
        wr_u32(out, 0);                        /* FlowInfo */
        wr_bytes(out, bytes, 16);
        wr_u32(out, ((const struct sockaddr_in6 *)(const void *)sa)->sin6_scope_id);
    }
    wr_zeros(out, SOCKADDR_STORAGE_SIZE - (out->len - start));
}

NTSTATUS smb2_network_interfaces_encode(const struct ifaddrs *list, const char *listen,
                                        struct buf *out)
{
    struct listen_filter f;
    if (!parse_listen(listen, &f))
        return STATUS_INVALID_PARAMETER;
    size_t first = out->len;
    /* Loopback addresses only when srv listens on them, or when a wildcard
     * finds nothing else (a machine with no network: still an answer). */
    for (int pass = 0; pass < 2 && out->len == first; pass++) {
        for (const struct ifaddrs *ifa = list; ifa; ifa = ifa->ifa_next) {
            if (!served(ifa, &f, pass == 1))
                continue;
            uint32_t if_index = if_nametoindex(ifa->ifa_name);
            if (if_index == 0)
                continue; /* 3.3.5.15.11: never IfIndex 0 */
            put_interface(out, ifa, if_index);
        }
    }
    if (!wr_ok(out))
        return STATUS_INSUFFICIENT_RESOURCES;
    if (out->len == first)
        return STATUS_NOT_SUPPORTED; /* nothing to offer */
    le32_store(out->data + out->len - NETWORK_INTERFACE_INFO_SIZE, 0); /* the last Next */
    return STATUS_SUCCESS;
}

NTSTATUS smb2_network_interface_info(struct smb2_request *req, uint32_t max_output,
                                     struct buf *out)
{
    pthread_mutex_lock(&req->conn->lock);
    uint16_t dialect = req->conn->dialect;
    uint32_t capabilities = req->conn->server_capabilities;
    pthread_mutex_unlock(&req->conn->lock);
    if (!SMB2_DIALECT_IS_3(dialect) || !(capabilities & SMB2_GLOBAL_CAP_MULTI_CHANNEL))
        return STATUS_NOT_SUPPORTED;
    struct ifaddrs *list = NULL;
    if (getifaddrs(&list) != 0)
        return STATUS_INSUFFICIENT_RESOURCES;
    NTSTATUS status =
        smb2_network_interfaces_encode(list, req->conn->settings->listen_address, out);
    freeifaddrs(list);
    if (status == STATUS_SUCCESS && out->len > max_output)
        status = STATUS_BUFFER_TOO_SMALL;
    return status;
}

NTSTATUS smb2_enumerate_snapshots(struct smb2_request *req, uint64_t persistent,
                                  uint64_t volatile_id, uint32_t max_output, struct buf *out)
{
    struct srv_open *open;
    NTSTATUS status = smb2_lookup_open(req, persistent, volatile_id, &open);
    if (status != STATUS_SUCCESS)
        return status;
    bool pipe = open->is_pipe;
    srv_open_unref(open);
    if (pipe)
        return STATUS_INVALID_DEVICE_REQUEST;
    /* SRV_SNAPSHOT_ARRAY (2.2.32.2) with no snapshot: a client asking with
     * 16 bytes learns the count; one offering more also gets the empty
     * multi-string (its terminating NUL), as smbd and Windows answer. */
    if (max_output < 16)
        return STATUS_INVALID_PARAMETER;
    wr_u32(out, 0);                 /* NumberOfSnapShots */
    wr_u32(out, 0);                 /* NumberOfSnapShotsReturned */
    wr_u32(out, 2);                 /* SnapShotArraySize */
    if (max_output == 16)
        wr_u32(out, 0);
    else
        wr_u16(out, 0);             /* SnapShotMultiSZ: the list's final NUL */
    return wr_ok(out) ? STATUS_SUCCESS : STATUS_INSUFFICIENT_RESOURCES;
}
