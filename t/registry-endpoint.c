/* The "endpoint" constraint (metrics.listen): registry_parse_endpoint's
 * accepted and refused spellings. */
#include <stdio.h>
#include <string.h>

#include "registry/registry.h"
#include "t/tap/tap.h"

static const char *parse(const char *text)
{
    static char out[80];
    bool enabled;
    char address[46];
    uint16_t port;
    if (!registry_parse_endpoint(text, "127.0.0.1:9922", &enabled, address, &port))
        return "refused";
    if (!enabled)
        return "off";
    snprintf(out, sizeof out, "%s %u", address, (unsigned)port);
    return out;
}

int main(void)
{
    is_str(parse("off"), "off", "off");
    is_str(parse("OFF"), "off", "OFF (case-blind)");
    is_str(parse("on"), "127.0.0.1 9922", "on is the default endpoint");
    is_str(parse("192.0.2.10:80"), "192.0.2.10 80", "IPv4 and port");
    is_str(parse("0.0.0.0:9922"), "0.0.0.0 9922", "all IPv4 addresses");
    is_str(parse("[::1]:9922"), "::1 9922", "IPv6 in brackets");
    is_str(parse("[0:0:0:0:0:0:0:1]:1"), "::1 1", "IPv6 normalised");
    is_str(parse("::1:9922"), "refused", "IPv6 without brackets");
    is_str(parse("[::1]"), "refused", "no port");
    is_str(parse("127.0.0.1"), "refused", "an address without a port");
    is_str(parse("127.0.0.1:"), "refused", "an empty port");
    is_str(parse("127.0.0.1:0"), "refused", "port 0");
    is_str(parse("127.0.0.1:65536"), "refused", "port 65536");
    is_str(parse("127.0.0.1:99x"), "refused", "junk after the port");
    is_str(parse("localhost:9922"), "refused", "a host name");
    is_str(parse(":9922"), "refused", "no address");
    is_str(parse("[127.0.0.1]:9922"), "refused", "IPv4 in brackets");
    is_str(parse(""), "refused", "empty");
    bool enabled;
    char address[46];
    uint16_t port;
    ok(!registry_parse_endpoint("on", "on", &enabled, address, &port),
       "on with a default of on is refused (no loop)");
    return tap_done();
}
