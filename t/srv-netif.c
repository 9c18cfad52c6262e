/* FSCTL_QUERY_NETWORK_INTERFACE_INFO's encoding ([MS-SMB2] 2.2.32.5,
 * 3.3.5.15.11) from made-up interface lists: which addresses srv.listen
 * serves, loopback only when nothing else (or when listened on), the
 * NETWORK_INTERFACE_INFO layout and its Next chain. The whole FSCTL against
 * the running server is smbtorture's smb2.multichannel.generic.interface_info
 * (t/srv-smbtorture.pass). */
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>

#include "drivers/srv/smb2/request.h"
#include "t/tap/tap.h"

#define ENTRY 152u

static struct sockaddr_in v4(const char *text)
{
    struct sockaddr_in sa = { .sin_family = AF_INET };
    inet_pton(AF_INET, text, &sa.sin_addr);
    return sa;
}

static struct sockaddr_in6 v6(const char *text)
{
    struct sockaddr_in6 sa = { .sin6_family = AF_INET6 };
    inet_pton(AF_INET6, text, &sa.sin6_addr);
    return sa;
}

/* Runs the encoder; returns its status and the entries in b. */
static NTSTATUS encode(const struct ifaddrs *list, const char *listen, struct buf *b)
{
    buf_free(b);
    buf_init(b);
    return smb2_network_interfaces_encode(list, listen, b);
}

static bool entry_is_v4(const struct buf *b, size_t i, const char *text)
{
    struct sockaddr_in want = v4(text);
    const uint8_t *e = b->data + i * ENTRY;
    return le16_load(e + 24) == 0x0002 && le16_load(e + 26) == 0 &&
           memcmp(e + 28, &want.sin_addr, 4) == 0;
}

static bool entry_is_v6(const struct buf *b, size_t i, const char *text)
{
    struct sockaddr_in6 want = v6(text);
    const uint8_t *e = b->data + i * ENTRY;
    return le16_load(e + 24) == 0x0017 && memcmp(e + 32, &want.sin6_addr, 16) == 0;
}

int main(void)
{
    plan(17);
    /* Interface names must exist for if_nametoindex: every machine has lo. */
    char lo[] = "lo", missing[] = "no-such-if9";
    unsigned lo_index = if_nametoindex("lo");
    struct sockaddr_in a_lo = v4("127.0.0.1"), a_lan = v4("192.0.2.5"), a_gone = v4("198.51.100.7");
    struct sockaddr_in6 a_lo6 = v6("::1"), a_lan6 = v6("2001:db8::5");
    /* The list getifaddrs would give, back to front. */
    struct ifaddrs gone = { .ifa_name = missing, .ifa_flags = IFF_UP,
                            .ifa_addr = (struct sockaddr *)&a_gone };
    struct ifaddrs down = { .ifa_next = &gone, .ifa_name = lo, .ifa_flags = 0,
                            .ifa_addr = (struct sockaddr *)&a_gone };
    struct ifaddrs lan6 = { .ifa_next = &down, .ifa_name = lo, .ifa_flags = IFF_UP,
                            .ifa_addr = (struct sockaddr *)&a_lan6 };
    struct ifaddrs lan = { .ifa_next = &lan6, .ifa_name = lo, .ifa_flags = IFF_UP,
                           .ifa_addr = (struct sockaddr *)&a_lan };
    struct ifaddrs lo6 = { .ifa_next = &lan, .ifa_name = lo, .ifa_flags = IFF_UP | IFF_LOOPBACK,
                           .ifa_addr = (struct sockaddr *)&a_lo6 };
    struct ifaddrs lo4 = { .ifa_next = &lo6, .ifa_name = lo, .ifa_flags = IFF_UP | IFF_LOOPBACK,
                           .ifa_addr = (struct sockaddr *)&a_lo };
    struct buf b;
    buf_init(&b);

    ok(lo_index != 0, "the machine has a loopback interface");
    is_int(encode(&lo4, "0.0.0.0", &b), STATUS_SUCCESS, "0.0.0.0: an answer");
    ok(b.len == ENTRY && entry_is_v4(&b, 0, "192.0.2.5"),
       "0.0.0.0: the one IPv4 address that is up and not loopback");
    ok(le32_load(b.data) == 0 && le32_load(b.data + 4) == lo_index,
       "Next 0 for the last entry; IfIndex is the interface's index");
    ok(le64_load(b.data + 16) > 0, "a link speed");

    is_int(encode(&lo4, "::", &b), STATUS_SUCCESS, ":: : an answer");
    ok(b.len == 2 * ENTRY && entry_is_v4(&b, 0, "192.0.2.5") && entry_is_v6(&b, 1, "2001:db8::5"),
       ":: : both families, loopback left out");
    is_int(le32_load(b.data), ENTRY, "the first entry's Next points at the second");
    is_int(le32_load(b.data + ENTRY), 0, "and the second ends the chain");

    is_int(encode(&lo4, "127.0.0.1", &b), STATUS_SUCCESS, "127.0.0.1: an answer");
    ok(b.len == ENTRY && entry_is_v4(&b, 0, "127.0.0.1"), "127.0.0.1: that address alone");
    is_int(encode(&lo4, "::1", &b), STATUS_SUCCESS, "::1: an answer");
    ok(b.len == ENTRY && entry_is_v6(&b, 0, "::1"), "::1: that address alone");

    /* Only loopback up: a wildcard still answers with it. */
    struct ifaddrs only_lo = lo4;
    only_lo.ifa_next = NULL;
    is_int(encode(&only_lo, "0.0.0.0", &b), STATUS_SUCCESS, "only loopback: an answer");
    ok(b.len == ENTRY && entry_is_v4(&b, 0, "127.0.0.1"), "with the loopback address");

    is_int(encode(&lo4, "198.51.100.7", &b), STATUS_NOT_SUPPORTED,
           "an address on an interface that is down or unknown: nothing to offer");
    is_int(encode(&lo4, "not-an-address", &b), STATUS_INVALID_PARAMETER,
           "a listen setting that is no address");
    buf_free(&b);
    return tap_done();
}
