/* [MS-RRP] types and the winreg operations served, as NDR descriptor tables. */
#include "srvsvc/srvsvc_private.h"

#define M NDR_MEMBER
#define IN NDR_IN
#define OUT NDR_OUT

/* RPC_HKEY: a context handle, 20 bytes (attributes, then a UUID as bytes). */
static const struct ndr_type uuid_bytes = { .kind = NDR_KIND_FIXED_ARRAY, .name = "uuid", .size = 16,
                                            .target = &ndr_u8, .fixed_count = 16 };
static const struct ndr_member rpc_hkey_members[] = {
    M(struct RPC_HKEY, context_handle_attributes, ndr_u32),
    M(struct RPC_HKEY, context_handle_uuid, uuid_bytes),
};
static NDR_STRUCT_TYPE(struct RPC_HKEY, rpc_hkey, rpc_hkey_members);

/* RRP_UNICODE_STRING: [size_is(MaximumLength/2), length_is(Length/2)]
 * unsigned short *Buffer. */
static const struct ndr_type u16_varying = { .kind = NDR_KIND_ARRAY, .name = "u16_varying",
                                             .size = sizeof(void *), .target = &ndr_u16, .varying = true };
static NDR_POINTER_TYPE(u16_varying_ptr, NDR_POINTER_UNIQUE, u16_varying);
static const struct ndr_member rrp_unicode_string_members[] = {
    M(struct RRP_UNICODE_STRING, Length, ndr_u16),
    M(struct RRP_UNICODE_STRING, MaximumLength, ndr_u16),
    M(struct RRP_UNICODE_STRING, Buffer, u16_varying_ptr,
      .size_is = NDR_FIELD_DIV(struct RRP_UNICODE_STRING, MaximumLength, 2),
      .length_is = NDR_FIELD_DIV(struct RRP_UNICODE_STRING, Length, 2)),
};
static NDR_STRUCT_TYPE(struct RRP_UNICODE_STRING, rrp_unicode_string, rrp_unicode_string_members);

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
       M(struct OpenLocalMachine, phKey, rpc_hkey, .direction = OUT),
       RESULT(OpenLocalMachine));
PARAMS(BaseRegCloseKey,
       M(struct BaseRegCloseKey, hKey, rpc_hkey, .direction = IN | OUT),
       RESULT(BaseRegCloseKey));
PARAMS(BaseRegOpenKey,
       M(struct BaseRegOpenKey, hKey, rpc_hkey, .direction = IN),
       M(struct BaseRegOpenKey, lpSubKey, rrp_unicode_string, .direction = IN),
       M(struct BaseRegOpenKey, dwOptions, ndr_u32, .direction = IN),
       M(struct BaseRegOpenKey, samDesired, ndr_u32, .direction = IN),
       M(struct BaseRegOpenKey, phkResult, rpc_hkey, .direction = OUT),
       RESULT(BaseRegOpenKey));
PARAMS(BaseRegQueryValue,
       M(struct BaseRegQueryValue, hKey, rpc_hkey, .direction = IN),
       M(struct BaseRegQueryValue, lpValueName, rrp_unicode_string, .direction = IN),
       M(struct BaseRegQueryValue, lpType, ndr_u32_unique, .direction = IN | OUT),
       M(struct BaseRegQueryValue, lpData, u8_varying_unique, .direction = IN | OUT,
         .size_is = NDR_DEREF(struct BaseRegQueryValue, lpcbData),
         .length_is = NDR_DEREF(struct BaseRegQueryValue, lpcbLen)),
       M(struct BaseRegQueryValue, lpcbData, ndr_u32_unique, .direction = IN | OUT),
       M(struct BaseRegQueryValue, lpcbLen, ndr_u32_unique, .direction = IN | OUT),
       RESULT(BaseRegQueryValue));
PARAMS(BaseRegGetVersion,
       M(struct BaseRegGetVersion, hKey, rpc_hkey, .direction = IN),
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
