/* The minimal winreg (srvsvc/winreg_calls.c) through the C client runtime:
 * HKLM down to ProductOptions, ProductType = "ServerNT" with the size
 * query, a short buffer and a full one, unknown keys and values, handles
 * that do not decode, write access, a plain user refused, GetVersion and
 * CloseKey. */
#include <stdlib.h>
#include <string.h>

#include "dcerpc/dcerpc.h"
#include "lib/sid.h"
#include "srvsvc/srvsvc.h"
#include "t/tap/tap.h"

static struct dcerpc_server *server;
static struct ndr_arena *arena;

struct conn {
    struct dcerpc_loopback *loop;
    struct dcerpc_client *client;
    uint16_t context;
};

static void conn_open(struct conn *c, const struct access_token *token)
{
    struct dcerpc_caller caller = { .token = token };
    struct dcerpc_client_transport t;
    c->loop = dcerpc_loopback_new(server, &caller, &t);
    c->client = dcerpc_client_new(&t, NULL);
    uint32_t reject = 0;
    ok(dcerpc_client_bind(c->client, &winreg_interface, &c->context, &reject) == STATUS_SUCCESS,
       "bind winreg (%s)", token ? "a user" : "anonymous");
}

static void conn_close(struct conn *c)
{
    dcerpc_client_free(c->client);
    dcerpc_loopback_free(c->loop);
}

static uint32_t call(struct conn *c, uint16_t opnum, void *r)
{
    uint32_t fault = 0;
    NTSTATUS st = dcerpc_client_call(c->client, c->context, &winreg_interface, opnum, r, arena, &fault);
    if (st != STATUS_SUCCESS && !fault)
        fault = 0xFFFFFFFFu;
    return fault;
}

/* An RRP_UNICODE_STRING of ASCII text, counting its terminator as clients do. */
static struct RPC_UNICODE_STRING ustr(const char *text, uint16_t *units, size_t cap)
{
    size_t n = strlen(text);
    for (size_t i = 0; i <= n && i < cap; i++)
        units[i] = (uint8_t)text[i];
    return (struct RPC_UNICODE_STRING){ (uint16_t)((n + 1) * 2), (uint16_t)((n + 1) * 2), units };
}

static uint32_t open_key(struct conn *c, const struct policy_handle *parent, const char *path, uint32_t access,
                         struct policy_handle *out)
{
    uint16_t units[128];
    struct BaseRegOpenKey r = { .hKey = *parent, .lpSubKey = ustr(path, units, 128), .samDesired = access };
    uint32_t fault = call(c, WINREG_BaseRegOpenKey, &r);
    if (out)
        *out = r.phkResult;
    return fault ? fault : r.Result;
}

int main(void)
{
    struct srvsvc_memory *mem = srvsvc_memory_new("UNIT");
    struct srvsvc_backend backend;
    srvsvc_memory_backend(mem, &backend);
    server = dcerpc_server_new(NULL);
    srvsvc_register(server, &backend);
    arena = ndr_arena_new(1 << 24);
    struct sid user;
    sid_parse("S-1-5-21-9-9-9-500", &user);
    struct access_token *admin_token = token_new(&user, &user);
    token_add_group(admin_token, &SID_BUILTIN_ADMINISTRATORS);
    struct conn admin;
    conn_open(&admin, admin_token);

    uint16_t server_name = '\\';
    struct OpenLocalMachine olm = { .ServerName = &server_name, .samDesired = 0x02000000 /* MAXIMUM_ALLOWED */ };
    ok(call(&admin, WINREG_OpenLocalMachine, &olm) == 0 && olm.Result == 0, "OpenLocalMachine (MAXIMUM_ALLOWED)");
    struct policy_handle hklm = olm.phKey;
    static const uint8_t zero[20];
    ok(memcmp(&hklm, zero, sizeof hklm) != 0, "... gives a handle");

    struct policy_handle po, system, control;
    is_int(open_key(&admin, &hklm, "SYSTEM\\CurrentControlSet\\Control\\ProductOptions", KEY_QUERY_VALUE, &po), 0,
           "OpenKey SYSTEM\\CurrentControlSet\\Control\\ProductOptions");
    is_int(open_key(&admin, &hklm, "system", KEY_QUERY_VALUE, &system), 0, "OpenKey system (any case)");
    is_int(open_key(&admin, &system, "CurrentControlSet\\Control", KEY_QUERY_VALUE, &control), 0,
           "OpenKey relative to SYSTEM");
    struct policy_handle po2;
    is_int(open_key(&admin, &control, "ProductOptions", KEY_QUERY_VALUE, &po2), 0, "... and on to ProductOptions");
    ok(memcmp(&po, &po2, sizeof po) == 0, "... the same key as the full path");
    is_int(open_key(&admin, &hklm, "SOFTWARE\\Microsoft", KEY_QUERY_VALUE, NULL), ERROR_FILE_NOT_FOUND,
           "any other key: ERROR_FILE_NOT_FOUND");
    is_int(open_key(&admin, &hklm, "SYSTEM", KEY_SET_VALUE, NULL), ERROR_ACCESS_DENIED,
           "write access: ERROR_ACCESS_DENIED (nothing can be written)");

    /* The size alone. */
    uint16_t name_units[32];
    uint32_t type = 0, cb = 0, len = 0;
    struct BaseRegQueryValue q = { .hKey = po, .lpValueName = ustr("ProductType", name_units, 32), .lpType = &type,
                                   .lpcbData = &cb, .lpcbLen = &len };
    ok(call(&admin, WINREG_BaseRegQueryValue, &q) == 0 && q.Result == 0 && *q.lpType == REG_SZ && *q.lpcbData == 18,
       "QueryValue ProductType without a buffer: REG_SZ, 18 bytes");
    /* A buffer too small. */
    uint8_t small[4] = { 0 };
    type = 0, cb = sizeof small, len = 0;
    q = (struct BaseRegQueryValue){ .hKey = po, .lpValueName = ustr("ProductType", name_units, 32), .lpType = &type,
                                    .lpData = small, .lpcbData = &cb, .lpcbLen = &len };
    ok(call(&admin, WINREG_BaseRegQueryValue, &q) == 0 && q.Result == ERROR_MORE_DATA && *q.lpcbData == 18 &&
           *q.lpcbLen == 0,
       "... a 4-byte buffer: ERROR_MORE_DATA, 18 needed");
    /* Enough room (as clients ask: lpcbLen = 0 on input). */
    uint8_t big[256];
    memset(big, 0xAA, sizeof big);
    type = 0, cb = sizeof big, len = 0;
    q = (struct BaseRegQueryValue){ .hKey = po, .lpValueName = ustr("producttype", name_units, 32), .lpType = &type,
                                    .lpData = big, .lpcbData = &cb, .lpcbLen = &len };
    static const uint8_t server_nt[18] = { 'S', 0, 'e', 0, 'r', 0, 'v', 0, 'e', 0, 'r', 0, 'N', 0, 'T', 0, 0, 0 };
    ok(call(&admin, WINREG_BaseRegQueryValue, &q) == 0 && q.Result == 0 && *q.lpcbData == 18 && *q.lpcbLen == 18 &&
           q.lpData && memcmp(q.lpData, server_nt, 18) == 0,
       "... a 256-byte buffer: \"ServerNT\" (value names in any case)");
    q = (struct BaseRegQueryValue){ .hKey = po, .lpValueName = ustr("ProductSuite", name_units, 32) };
    ok(call(&admin, WINREG_BaseRegQueryValue, &q) == 0 && q.Result == ERROR_FILE_NOT_FOUND,
       "another value: ERROR_FILE_NOT_FOUND");
    q = (struct BaseRegQueryValue){ .hKey = system, .lpValueName = ustr("ProductType", name_units, 32) };
    ok(call(&admin, WINREG_BaseRegQueryValue, &q) == 0 && q.Result == ERROR_FILE_NOT_FOUND,
       "ProductType of another key: ERROR_FILE_NOT_FOUND");

    struct BaseRegGetVersion gv = { .hKey = hklm };
    ok(call(&admin, WINREG_BaseRegGetVersion, &gv) == 0 && gv.Result == 0 && gv.lpdwVersion == 5, "GetVersion: 5");

    struct policy_handle forged = po;
    forged.uuid[4] = 200;
    q = (struct BaseRegQueryValue){ .hKey = forged, .lpValueName = ustr("ProductType", name_units, 32) };
    is_int(call(&admin, WINREG_BaseRegQueryValue, &q), DCERPC_NCA_S_FAULT_CONTEXT_MISMATCH,
           "a handle that names no key: context mismatch fault");
    struct BaseRegCloseKey ck = { .hKey = po };
    ok(call(&admin, WINREG_BaseRegCloseKey, &ck) == 0 && ck.Result == 0 && memcmp(&ck.hKey, zero, 20) == 0,
       "CloseKey answers a zeroed handle");
    ck.hKey = ck.hKey;
    is_int(call(&admin, WINREG_BaseRegCloseKey, &ck), DCERPC_NCA_S_FAULT_CONTEXT_MISMATCH,
           "closing the zeroed handle: context mismatch fault");
    conn_close(&admin);

    /* A plain user: refused, like Windows' SecurePipeServers\winreg ACL. */
    sid_parse("S-1-5-21-9-9-9-1000", &user);
    struct access_token *user_token = token_new(&user, &user);
    struct conn plain;
    conn_open(&plain, user_token);
    olm = (struct OpenLocalMachine){ .samDesired = KEY_QUERY_VALUE };
    ok(call(&plain, WINREG_OpenLocalMachine, &olm) == 0 && olm.Result == ERROR_ACCESS_DENIED,
       "a plain user's OpenLocalMachine: ERROR_ACCESS_DENIED");
    is_int(open_key(&plain, &hklm, "SYSTEM", KEY_QUERY_VALUE, NULL), ERROR_ACCESS_DENIED,
           "... and an administrator's handle does not help");
    conn_close(&plain);

    token_free(user_token);
    token_free(admin_token);
    ndr_arena_free(arena);
    dcerpc_server_free(server);
    srvsvc_memory_free(mem);
    return done_testing();
}
