/* winreg ([MS-RRP]) on \pipe\winreg: only what a management console asks to
 * identify the server, HKLM\SYSTEM\CurrentControlSet\Control\ProductOptions
 * ProductType = "ServerNT" (a member server; [MS-RRP] has no say in the value,
 * Windows Server answers it so). OpenLocalMachine, BaseRegOpenKey down that
 * path, BaseRegQueryValue, BaseRegGetVersion and BaseRegCloseKey; every other
 * opnum faults (nca_op_rng_error), every other key is ERROR_FILE_NOT_FOUND, and
 * nothing can be written.
 *
 * The tree is fixed and public, so a key handle needs no server state: it
 * names its key by index (a magic and the index in the handle's UUID bytes).
 * A handle that does not decode is a context mismatch, as the RPC runtime
 * answers for an unknown handle. As on Windows (the SecurePipeServers\winreg
 * key's ACL), only Administrators may use the remote registry. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "srvsvc/srvsvc_private.h"

/* The keys, by the path below HKLM; index 0 is HKLM itself. */
static const char *const keys[] = {
    "",
    "SYSTEM",
    "SYSTEM\\CurrentControlSet",
    "SYSTEM\\CurrentControlSet\\Control",
    "SYSTEM\\CurrentControlSet\\Control\\ProductOptions",
};
#define KEY_COUNT (sizeof keys / sizeof keys[0])
#define PRODUCT_OPTIONS 4u

static const uint8_t handle_magic[4] = { 'S', 'w', 'R', 'g' };

/* What BaseRegGetVersion answers (Windows answers 5). */
#define RRP_VERSION 5u

static void handle_for(struct policy_handle *h, uint32_t key)
{
    memset(h, 0, sizeof *h);
    memcpy(h->uuid, handle_magic, sizeof handle_magic);
    h->uuid[4] = (uint8_t)key;
}

static bool key_of(const struct policy_handle *h, uint32_t *key)
{
    if (h->attributes != 0 || memcmp(h->uuid, handle_magic, 4) != 0 ||
        h->uuid[4] >= KEY_COUNT)
        return false;
    for (size_t i = 5; i < sizeof h->uuid; i++)
        if (h->uuid[i])
            return false;
    *key = h->uuid[4];
    return true;
}

/* Access this read-only tree can grant: reading, and MAXIMUM_ALLOWED. */
static bool access_ok(uint32_t desired)
{
    const uint32_t writes = KEY_SET_VALUE | KEY_CREATE_SUB_KEY | KEY_CREATE_LINK | 0x00010000u /* DELETE */ |
                            0x00040000u /* WRITE_DAC */ | 0x00080000u /* WRITE_OWNER */ |
                            0x40000000u /* GENERIC_WRITE */ | 0x10000000u /* GENERIC_ALL */;
    return (desired & writes) == 0;
}

uint32_t winreg_OpenLocalMachine(struct dcerpc_call *call, void *r)
{
    struct OpenLocalMachine *c = r;
    memset(&c->phKey, 0, sizeof c->phKey);
    if (!srvsvc_caller_is_admin(call) || !access_ok(c->samDesired)) {
        c->Result = ERROR_ACCESS_DENIED;
        return 0;
    }
    handle_for(&c->phKey, 0);
    c->Result = NERR_Success;
    return 0;
}

uint32_t winreg_BaseRegCloseKey(struct dcerpc_call *call, void *r)
{
    struct BaseRegCloseKey *c = r;
    uint32_t key;
    if (!key_of(&c->hKey, &key))
        return DCERPC_NCA_S_FAULT_CONTEXT_MISMATCH;
    (void)call;
    /* A closed handle comes back zeroed ([MS-RRP] 3.1.5.6). */
    memset(&c->hKey, 0, sizeof c->hKey);
    c->Result = NERR_Success;
    return 0;
}

uint32_t winreg_BaseRegOpenKey(struct dcerpc_call *call, void *r)
{
    struct BaseRegOpenKey *c = r;
    uint32_t parent;
    memset(&c->phkResult, 0, sizeof c->phkResult);
    if (!key_of(&c->hKey, &parent))
        return DCERPC_NCA_S_FAULT_CONTEXT_MISMATCH;
    if (!srvsvc_caller_is_admin(call) || !access_ok(c->samDesired)) {
        c->Result = ERROR_ACCESS_DENIED;
        return 0;
    }
    const char *sub = ndr_unicode_string_to_utf8(dcerpc_call_arena(call), &c->lpSubKey);
    if (!sub) {
        c->Result = ERROR_INVALID_PARAMETER;
        return 0;
    }
    while (*sub == '\\')
        sub++;
    /* The path asked for, below HKLM: the parent's, then the subkey's. */
    size_t parent_len = strlen(keys[parent]), sub_len = strlen(sub);
    while (sub_len && sub[sub_len - 1] == '\\')
        sub_len--;
    char *path = ndr_arena_alloc(dcerpc_call_arena(call), parent_len + sub_len + 2);
    if (!path)
        return DCERPC_NCA_S_FAULT_REMOTE_NO_MEMORY;
    memcpy(path, keys[parent], parent_len);
    size_t n = parent_len;
    if (parent_len && sub_len)
        path[n++] = '\\';
    memcpy(path + n, sub, sub_len);
    path[n + sub_len] = 0;
    c->Result = ERROR_FILE_NOT_FOUND;
    for (uint32_t k = 0; k < KEY_COUNT; k++) {
        if (strcasecmp(path, keys[k]) == 0) {
            handle_for(&c->phkResult, k);
            c->Result = NERR_Success;
            break;
        }
    }
    return 0;
}

uint32_t winreg_BaseRegQueryValue(struct dcerpc_call *call, void *r)
{
    struct BaseRegQueryValue *c = r;
    uint32_t key;
    if (!key_of(&c->hKey, &key))
        return DCERPC_NCA_S_FAULT_CONTEXT_MISMATCH;
    if (!srvsvc_caller_is_admin(call)) {
        c->Result = ERROR_ACCESS_DENIED;
        return 0;
    }
    const char *name = ndr_unicode_string_to_utf8(dcerpc_call_arena(call), &c->lpValueName);
    if (!name) {
        c->Result = ERROR_INVALID_PARAMETER;
        return 0;
    }
    if (key != PRODUCT_OPTIONS || strcasecmp(name, "ProductType") != 0) {
        c->Result = ERROR_FILE_NOT_FOUND;
        return 0;
    }
    /* REG_SZ "ServerNT" in UTF-16LE with its terminator. */
    static const uint8_t value[] = { 'S', 0, 'e', 0, 'r', 0, 'v', 0, 'e', 0, 'r', 0, 'N', 0, 'T', 0, 0, 0 };
    const uint32_t size = sizeof value;
    if (c->lpType)
        *c->lpType = REG_SZ;
    if (!c->lpData) {
        /* Asking the size ([MS-RRP] 3.1.5.17). */
        if (c->lpcbData)
            *c->lpcbData = size;
        if (c->lpcbLen)
            *c->lpcbLen = 0;
        c->Result = NERR_Success;
        return 0;
    }
    /* With lpData, lpcbData and lpcbLen were there too (the unmarshaller
     * checked them against lpData's counts). */
    if (*c->lpcbData < size) {
        /* Too small: the size needed, and no data. */
        uint8_t *none = ndr_arena_alloc(dcerpc_call_arena(call), size);
        if (!none)
            return DCERPC_NCA_S_FAULT_REMOTE_NO_MEMORY;
        c->lpData = none;
        *c->lpcbData = size;
        *c->lpcbLen = 0;
        c->Result = ERROR_MORE_DATA;
        return 0;
    }
    memcpy(c->lpData, value, size);
    *c->lpcbData = size;
    *c->lpcbLen = size;
    c->Result = NERR_Success;
    return 0;
}

uint32_t winreg_BaseRegGetVersion(struct dcerpc_call *call, void *r)
{
    struct BaseRegGetVersion *c = r;
    uint32_t key;
    if (!key_of(&c->hKey, &key))
        return DCERPC_NCA_S_FAULT_CONTEXT_MISMATCH;
    (void)call;
    c->lpdwVersion = RRP_VERSION;
    c->Result = NERR_Success;
    return 0;
}
