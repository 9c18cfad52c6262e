/* [MS-EVEN] operations served, as the C structs the NDR tables in
 * even_ndr.c describe (one struct of all parameters per operation; [ref]
 * top-level pointers as their pointees): for eventlog/, its tests and its
 * fuzz target. */
#ifndef SW_EVENTLOG_EVEN_IDL_H
#define SW_EVENTLOG_EVEN_IDL_H

#include "eventlog/eventlog.h"

/* Opnums ([MS-EVEN] 3.1.4). */
enum {
    EVEN_ElfrClearELFW = 0,
    EVEN_ElfrBackupELFW = 1,
    EVEN_ElfrCloseEL = 2,
    EVEN_ElfrDeregisterEventSource = 3,
    EVEN_ElfrNumberOfRecords = 4,
    EVEN_ElfrOldestRecord = 5,
    EVEN_ElfrOpenELW = 7,
    EVEN_ElfrRegisterEventSourceW = 8,
    EVEN_ElfrOpenBELW = 9,
    EVEN_ElfrReadELW = 10,
    EVEN_ElfrReportEventW = 11,
    EVEN_ElfrGetLogInformation = 22,
    EVEN_OPNUM_COUNT = 23,
};

/* ReadFlags ([MS-EVEN] 3.1.4.7). */
#define EVENTLOG_SEQUENTIAL_READ 0x1u
#define EVENTLOG_SEEK_READ 0x2u
#define EVENTLOG_FORWARDS_READ 0x4u
#define EVENTLOG_BACKWARDS_READ 0x8u
/* NumberOfBytesToRead: [range(0, MAX_BATCH_BUFF)]. */
#define EVEN_MAX_BATCH_BUFF 0x7FFFFu
/* ElfrGetLogInformation's cbBufSize: [range(0, 1024)]. */
#define EVEN_MAX_LOG_INFORMATION 1024u

/* EVENTLOG_HANDLE_W is `[handle, unique] wchar_t *`: one character (not a
 * string) that names the server and is ignored; NULL from impacket, "\"
 * from rpcclient. */

struct ElfrOpenELW {
    uint16_t *UNCServerName;
    struct RPC_UNICODE_STRING ModuleName;
    struct RPC_UNICODE_STRING RegModuleName;
    uint32_t MajorVersion;
    uint32_t MinorVersion;
    struct policy_handle LogHandle; /* out */
    uint32_t Result;
};

/* ElfrRegisterEventSourceW has ElfrOpenELW's parameters. */

struct ElfrOpenBELW {
    uint16_t *UNCServerName;
    struct RPC_UNICODE_STRING BackupFileName;
    uint32_t MajorVersion;
    uint32_t MinorVersion;
    struct policy_handle LogHandle; /* out */
    uint32_t Result;
};

struct ElfrClearELFW {
    struct policy_handle LogHandle;
    struct RPC_UNICODE_STRING *BackupFileName; /* [unique] */
    uint32_t Result;
};

struct ElfrBackupELFW {
    struct policy_handle LogHandle;
    struct RPC_UNICODE_STRING BackupFileName;
    uint32_t Result;
};

/* ElfrCloseEL and ElfrDeregisterEventSource: [in, out] handle. */
struct ElfrCloseEL {
    struct policy_handle LogHandle;
    uint32_t Result;
};

/* ElfrNumberOfRecords and ElfrOldestRecord: a handle in, a number out. */
struct ElfrNumberOfRecords {
    struct policy_handle LogHandle;
    uint32_t Number;
    uint32_t Result;
};

struct ElfrReadELW {
    struct policy_handle LogHandle;
    uint32_t ReadFlags;
    uint32_t RecordOffset;
    uint32_t NumberOfBytesToRead;
    uint8_t *Buffer; /* [out, size_is(NumberOfBytesToRead)] */
    uint32_t NumberOfBytesRead;
    uint32_t MinNumberOfBytesNeeded;
    uint32_t Result;
};

/* ElfrReportEventW is refused whatever it carries: only its handle is read
 * (the rest of the request is left unread, as trailing stub bytes are), and
 * the reply has its two [in, out, unique] numbers as NULL. */
struct ElfrReportEventW {
    struct policy_handle LogHandle;
    uint32_t *RecordNumber; /* out */
    uint32_t *TimeWritten;  /* out */
    uint32_t Result;
};

struct ElfrGetLogInformation {
    struct policy_handle LogHandle;
    uint32_t InfoLevel;
    uint8_t *lpBuffer; /* [out, size_is(cbBufSize)] */
    uint32_t cbBufSize;
    uint32_t pcbBytesNeeded;
    uint32_t Result;
};

uint32_t eventlog_ElfrClearELFW(struct dcerpc_call *call, void *r);
uint32_t eventlog_ElfrBackupELFW(struct dcerpc_call *call, void *r);
uint32_t eventlog_ElfrCloseEL(struct dcerpc_call *call, void *r);
uint32_t eventlog_ElfrDeregisterEventSource(struct dcerpc_call *call, void *r);
uint32_t eventlog_ElfrNumberOfRecords(struct dcerpc_call *call, void *r);
uint32_t eventlog_ElfrOldestRecord(struct dcerpc_call *call, void *r);
uint32_t eventlog_ElfrOpenELW(struct dcerpc_call *call, void *r);
uint32_t eventlog_ElfrRegisterEventSourceW(struct dcerpc_call *call, void *r);
uint32_t eventlog_ElfrOpenBELW(struct dcerpc_call *call, void *r);
uint32_t eventlog_ElfrReadELW(struct dcerpc_call *call, void *r);
uint32_t eventlog_ElfrReportEventW(struct dcerpc_call *call, void *r);
uint32_t eventlog_ElfrGetLogInformation(struct dcerpc_call *call, void *r);

#endif
