/* [MS-EVEN] operations served, as NDR descriptor tables (dcerpc/ndr.h). */
#include <stddef.h>

#include "eventlog/even_idl.h"

#define M NDR_MEMBER
#define IN NDR_IN
#define OUT NDR_OUT

static NDR_POINTER_TYPE(u16_unique, NDR_POINTER_UNIQUE, ndr_u16);
/* [out, size_is(n)] unsigned char *: a conformant byte array. */
static NDR_ARRAY_TYPE(u8_conformant, ndr_u8);

#define PARAMS(T, ...)                                              \
    static const struct ndr_member T##_members[] = { __VA_ARGS__ }; \
    static NDR_PARAMS_TYPE(struct T, T##_params, T##_members)
#define RESULT(T) M(struct T, Result, ndr_u32, .direction = OUT)

PARAMS(ElfrOpenELW,
       M(struct ElfrOpenELW, UNCServerName, u16_unique, .direction = IN),
       M(struct ElfrOpenELW, ModuleName, ndr_rpc_unicode_string, .direction = IN),
       M(struct ElfrOpenELW, RegModuleName, ndr_rpc_unicode_string, .direction = IN),
       M(struct ElfrOpenELW, MajorVersion, ndr_u32, .direction = IN),
       M(struct ElfrOpenELW, MinorVersion, ndr_u32, .direction = IN),
       M(struct ElfrOpenELW, LogHandle, ndr_policy_handle, .direction = OUT),
       RESULT(ElfrOpenELW));
PARAMS(ElfrOpenBELW,
       M(struct ElfrOpenBELW, UNCServerName, u16_unique, .direction = IN),
       M(struct ElfrOpenBELW, BackupFileName, ndr_rpc_unicode_string, .direction = IN),
       M(struct ElfrOpenBELW, MajorVersion, ndr_u32, .direction = IN),
       M(struct ElfrOpenBELW, MinorVersion, ndr_u32, .direction = IN),
       M(struct ElfrOpenBELW, LogHandle, ndr_policy_handle, .direction = OUT),
       RESULT(ElfrOpenBELW));
PARAMS(ElfrClearELFW,
       M(struct ElfrClearELFW, LogHandle, ndr_policy_handle, .direction = IN),
       M(struct ElfrClearELFW, BackupFileName, ndr_rpc_unicode_string_unique, .direction = IN),
       RESULT(ElfrClearELFW));
PARAMS(ElfrBackupELFW,
       M(struct ElfrBackupELFW, LogHandle, ndr_policy_handle, .direction = IN),
       M(struct ElfrBackupELFW, BackupFileName, ndr_rpc_unicode_string, .direction = IN),
       RESULT(ElfrBackupELFW));
PARAMS(ElfrCloseEL,
       M(struct ElfrCloseEL, LogHandle, ndr_policy_handle, .direction = IN | OUT),
       RESULT(ElfrCloseEL));
PARAMS(ElfrNumberOfRecords,
       M(struct ElfrNumberOfRecords, LogHandle, ndr_policy_handle, .direction = IN),
       M(struct ElfrNumberOfRecords, Number, ndr_u32, .direction = OUT),
       RESULT(ElfrNumberOfRecords));
PARAMS(ElfrReadELW,
       M(struct ElfrReadELW, LogHandle, ndr_policy_handle, .direction = IN),
       M(struct ElfrReadELW, ReadFlags, ndr_u32, .direction = IN),
       M(struct ElfrReadELW, RecordOffset, ndr_u32, .direction = IN),
       M(struct ElfrReadELW, NumberOfBytesToRead, ndr_u32, .direction = IN, .range_max = EVEN_MAX_BATCH_BUFF),
       M(struct ElfrReadELW, Buffer, u8_conformant, .direction = OUT,
         .size_is = NDR_FIELD(struct ElfrReadELW, NumberOfBytesToRead)),
       M(struct ElfrReadELW, NumberOfBytesRead, ndr_u32, .direction = OUT),
       M(struct ElfrReadELW, MinNumberOfBytesNeeded, ndr_u32, .direction = OUT),
       RESULT(ElfrReadELW));
PARAMS(ElfrReportEventW,
       M(struct ElfrReportEventW, LogHandle, ndr_policy_handle, .direction = IN),
       M(struct ElfrReportEventW, RecordNumber, ndr_u32_unique, .direction = OUT),
       M(struct ElfrReportEventW, TimeWritten, ndr_u32_unique, .direction = OUT),
       RESULT(ElfrReportEventW));
PARAMS(ElfrGetLogInformation,
       M(struct ElfrGetLogInformation, LogHandle, ndr_policy_handle, .direction = IN),
       M(struct ElfrGetLogInformation, InfoLevel, ndr_u32, .direction = IN),
       M(struct ElfrGetLogInformation, lpBuffer, u8_conformant, .direction = OUT,
         .size_is = NDR_FIELD(struct ElfrGetLogInformation, cbBufSize)),
       M(struct ElfrGetLogInformation, cbBufSize, ndr_u32, .direction = IN, .range_max = EVEN_MAX_LOG_INFORMATION),
       M(struct ElfrGetLogInformation, pcbBytesNeeded, ndr_u32, .direction = OUT),
       RESULT(ElfrGetLogInformation));

#define OP(name, params) [EVEN_##name] = { #name, &params##_params, eventlog_##name }
static const struct dcerpc_operation eventlog_ops[EVEN_OPNUM_COUNT] = {
    OP(ElfrClearELFW, ElfrClearELFW),
    OP(ElfrBackupELFW, ElfrBackupELFW),
    OP(ElfrCloseEL, ElfrCloseEL),
    OP(ElfrDeregisterEventSource, ElfrCloseEL),
    OP(ElfrNumberOfRecords, ElfrNumberOfRecords),
    OP(ElfrOldestRecord, ElfrNumberOfRecords),
    OP(ElfrOpenELW, ElfrOpenELW),
    OP(ElfrRegisterEventSourceW, ElfrOpenELW),
    OP(ElfrOpenBELW, ElfrOpenBELW),
    OP(ElfrReadELW, ElfrReadELW),
    OP(ElfrReportEventW, ElfrReportEventW),
    OP(ElfrGetLogInformation, ElfrGetLogInformation),
};

/* 82273FDC-E32A-18C3-3F78-827929DC23EA version 0.0 */
const struct dcerpc_interface eventlog_interface = {
    "eventlog",
    { { 0x82273FDC, 0xE32A, 0x18C3, { 0x3F, 0x78 }, { 0x82, 0x79, 0x29, 0xDC, 0x23, 0xEA } }, 0, 0 },
    eventlog_ops,
    EVEN_OPNUM_COUNT,
};
