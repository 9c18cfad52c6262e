/* [MS-RRP] types and the winreg operations served, as NDR descriptor tables. */
#include "srvsvc/srvsvc_private.h"

#define M NDR_MEMBER
#define IN NDR_IN
#define OUT NDR_OUT

static NDR_POINTER_TYPE(u16_unique, NDR_POINTER_UNIQUE, ndr_u16);
/* lpData: [range(0, 0x4000000)] on its size in the IDL; the arena's cap and
 * the remaining-bytes check bound it anyway. */
static const struct ndr_type u8_varying = { .kind = NDR_KIND_ARRAY, .name = "u8_varying", .size = sizeof(void *),
                                            .target = &ndr_u8, .varying = true };
static NDR_POINTER_TYPE(u8_varying_unique, NDR_POINTER_UNIQUE, u8_varying);

#define PARAMS(T, ...)                                                   \
    static const struct ndr_member T##_members[] = { __VA_ARGS__ };      \
    static NDR_PARAMS_TYPE(struct T, T##_params, T##_members)
#define RESULT(T) M(struct T, Result, ndr_u32, .direction = OUT)

PARAMS(OpenLocalMachine,
       M(struct OpenLocalMachine, ServerName, u16_unique, .direction = IN),
       M(struct OpenLocalMachine, samDesired, ndr_u32, .direction = IN),
       M(struct OpenLocalMachine, phKey, ndr_policy_handle, .direction = OUT),
       RESULT(OpenLocalMachine));
PARAMS(BaseRegCloseKey,
       M(struct BaseRegCloseKey, hKey, ndr_policy_handle, .direction = IN | OUT),
       RESULT(BaseRegCloseKey));
PARAMS(BaseRegOpenKey,
       M(struct BaseRegOpenKey, hKey, ndr_policy_handle, .direction = IN),
       M(struct BaseRegOpenKey, lpSubKey, ndr_rpc_unicode_string, .direction = IN),
       M(struct BaseRegOpenKey, dwOptions, ndr_u32, .direction = IN),
       M(struct BaseRegOpenKey, samDesired, ndr_u32, .direction = IN),
       M(struct BaseRegOpenKey, phkResult, ndr_policy_handle, .direction = OUT),
       RESULT(BaseRegOpenKey));
PARAMS(BaseRegQueryValue,
       M(struct BaseRegQueryValue, hKey, ndr_policy_handle, .direction = IN),
       M(struct BaseRegQueryValue, lpValueName, ndr_rpc_unicode_string, .direction = IN),
       M(struct BaseRegQueryValue, lpType, ndr_u32_unique, .direction = IN | OUT),
       M(struct BaseRegQueryValue, lpData, u8_varying_unique, .direction = IN | OUT,
         .size_is = NDR_DEREF(struct BaseRegQueryValue, lpcbData),
         .length_is = NDR_DEREF(struct BaseRegQueryValue, lpcbLen)),
       M(struct BaseRegQueryValue, lpcbData, ndr_u32_unique, .direction = IN | OUT),
       M(struct BaseRegQueryValue, lpcbLen, ndr_u32_unique, .direction = IN | OUT),
       RESULT(BaseRegQueryValue));
PARAMS(BaseRegGetVersion,
       M(struct BaseRegGetVersion, hKey, ndr_policy_handle, .direction = IN),
       M(struct BaseRegGetVersion, lpdwVersion, ndr_u32, .direction = OUT),
       RESULT(BaseRegGetVersion));

#define OP(name) [WINREG_##name] = { #name, &name##_params, winreg_##name }
static const struct dcerpc_operation winreg_ops[WINREG_OPNUM_COUNT] = {
    OP(OpenLocalMachine),
    OP(BaseRegCloseKey),
    OP(BaseRegOpenKey),
    OP(BaseRegQueryValue),
    OP(BaseRegGetVersion),
};

const struct dcerpc_interface winreg_interface = {
    "winreg",
    { { 0x338CD001, 0x2244, 0x31F1, { 0xAA, 0xAA }, { 0x90, 0x00, 0x38, 0x00, 0x10, 0x03 } }, 1, 0 },
    winreg_ops,
    WINREG_OPNUM_COUNT,
};
