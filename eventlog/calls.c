/* The [MS-EVEN] handlers: open a log, count, find the oldest, read
 * (sequential or seek, forwards or backwards), log information, close; and
 * the refusals of everything that would write, clear or back up.
 *
 * A log handle is a dcerpc context handle (dcerpc.h) whose data is the log
 * and the reader's position; the association group keeps it and frees it
 * with the group. Calls of one group run one at a time, so the position
 * needs no lock of its own. */
#include <stdlib.h>
#include <string.h>

#include "eventlog/even_idl.h"
#include "lib/sid.h"
#include "lib/token.h"

/* The handle kind of an open log (this interface's only kind). */
#define HANDLE_LOG 1u

struct log_handle {
    enum audit_log log;
    bool positioned; /* a read has happened: next is where the next sequential read starts */
    int64_t next;
};

/* Records one ElfrReadELW looks at, at most: far more than fit in
 * MAX_BATCH_BUFF (each record is over 64 bytes). */
#define READ_LIMIT 8192u

static const struct eventlog_backend *backend_of(struct dcerpc_call *call)
{
    return dcerpc_call_iface_ctx(call);
}

/* Who may read which log. Windows' defaults (the channel access of each
 * log) give remote readers nothing unless they are administrators or in
 * Event Log Readers (S-1-5-32-573); the Security log needs an
 * administrator (SeSecurityPrivilege). SYSTEM may read all. */
static bool may_read(const struct access_token *token, enum audit_log log)
{
    if (token_is_administrator(token))
        return true;
    if (!token || log == AUDIT_LOG_SECURITY)
        return false;
    struct sid readers;
    return sid_parse("S-1-5-32-573", &readers) == STATUS_SUCCESS && token_has_sid(token, &readers);
}

static void free_log_handle(void *data)
{
    free(data);
}

uint32_t eventlog_ElfrOpenELW(struct dcerpc_call *call, void *p)
{
    struct ElfrOpenELW *r = p;
    memset(&r->LogHandle, 0, sizeof r->LogHandle);
    const char *name = ndr_unicode_string_to_utf8(dcerpc_call_arena(call), &r->ModuleName);
    if (!name) {
        r->Result = STATUS_INVALID_PARAMETER;
        return 0;
    }
    /* A name that is none of the three opens Application, as Windows opens
     * its Application log for an unknown one ([MS-EVEN] 3.1.4.3). */
    enum audit_log log = AUDIT_LOG_APPLICATION;
    registry_audit_log_parse(name, &log);
    if (!may_read(dcerpc_call_token(call), log)) {
        r->Result = STATUS_ACCESS_DENIED;
        return 0;
    }
    struct log_handle *h = calloc(1, sizeof *h);
    if (!h) {
        r->Result = STATUS_NO_MEMORY;
        return 0;
    }
    h->log = log;
    NTSTATUS status = dcerpc_handle_create(call, HANDLE_LOG, h, free_log_handle, &r->LogHandle);
    if (!NT_SUCCESS(status)) {
        free(h);
        memset(&r->LogHandle, 0, sizeof r->LogHandle);
    }
    r->Result = status;
    return 0;
}

/* An open that gives no handle. */
static uint32_t refuse_open(struct policy_handle *handle, uint32_t *result, NTSTATUS status)
{
    memset(handle, 0, sizeof *handle);
    *result = status;
    return 0;
}

static struct log_handle *find(struct dcerpc_call *call, const struct policy_handle *handle)
{
    return dcerpc_handle_find_kind(call, handle, HANDLE_LOG);
}

/* A call on a live handle that is refused (a handle that is not is a
 * fault first, as for every call). */
static uint32_t refuse_on(struct dcerpc_call *call, const struct policy_handle *handle, uint32_t *result,
                          NTSTATUS status)
{
    if (!find(call, handle))
        return DCERPC_NCA_S_FAULT_CONTEXT_MISMATCH;
    *result = status;
    return 0;
}

/* Nobody writes to these logs over RPC, nor clears them: the records are
 * the appliance's own audit trail. */
uint32_t eventlog_ElfrRegisterEventSourceW(struct dcerpc_call *call, void *p)
{
    (void)call;
    struct ElfrOpenELW *r = p;
    return refuse_open(&r->LogHandle, &r->Result, STATUS_ACCESS_DENIED);
}

uint32_t eventlog_ElfrClearELFW(struct dcerpc_call *call, void *p)
{
    struct ElfrClearELFW *r = p;
    return refuse_on(call, &r->LogHandle, &r->Result, STATUS_ACCESS_DENIED);
}

uint32_t eventlog_ElfrReportEventW(struct dcerpc_call *call, void *p)
{
    struct ElfrReportEventW *r = p;
    r->RecordNumber = NULL;
    r->TimeWritten = NULL;
    return refuse_on(call, &r->LogHandle, &r->Result, STATUS_ACCESS_DENIED);
}

/* There are no log files to open or to copy to: the appliance keeps its
 * log in the registry only. */
uint32_t eventlog_ElfrOpenBELW(struct dcerpc_call *call, void *p)
{
    (void)call;
    struct ElfrOpenBELW *r = p;
    return refuse_open(&r->LogHandle, &r->Result, STATUS_NOT_SUPPORTED);
}

uint32_t eventlog_ElfrBackupELFW(struct dcerpc_call *call, void *p)
{
    struct ElfrBackupELFW *r = p;
    return refuse_on(call, &r->LogHandle, &r->Result, STATUS_NOT_SUPPORTED);
}

uint32_t eventlog_ElfrCloseEL(struct dcerpc_call *call, void *p)
{
    struct ElfrCloseEL *r = p;
    if (!dcerpc_handle_close(call, &r->LogHandle))
        return DCERPC_NCA_S_FAULT_CONTEXT_MISMATCH;
    memset(&r->LogHandle, 0, sizeof r->LogHandle);
    r->Result = STATUS_SUCCESS;
    return 0;
}

uint32_t eventlog_ElfrDeregisterEventSource(struct dcerpc_call *call, void *p)
{
    return eventlog_ElfrCloseEL(call, p);
}

static NTSTATUS bounds(struct dcerpc_call *call, const struct log_handle *h, int64_t *oldest, int64_t *newest,
                       int64_t *count)
{
    const struct eventlog_backend *b = backend_of(call);
    return b->bounds(b->ctx, h->log, oldest, newest, count);
}

uint32_t eventlog_ElfrNumberOfRecords(struct dcerpc_call *call, void *p)
{
    struct ElfrNumberOfRecords *r = p;
    struct log_handle *h = find(call, &r->LogHandle);
    if (!h)
        return DCERPC_NCA_S_FAULT_CONTEXT_MISMATCH;
    int64_t oldest, newest, count;
    r->Result = bounds(call, h, &oldest, &newest, &count);
    r->Number = NT_SUCCESS(r->Result) ? (uint32_t)count : 0;
    return 0;
}

uint32_t eventlog_ElfrOldestRecord(struct dcerpc_call *call, void *p)
{
    struct ElfrNumberOfRecords *r = p;
    struct log_handle *h = find(call, &r->LogHandle);
    if (!h)
        return DCERPC_NCA_S_FAULT_CONTEXT_MISMATCH;
    int64_t oldest, newest, count;
    r->Result = bounds(call, h, &oldest, &newest, &count);
    r->Number = NT_SUCCESS(r->Result) ? (uint32_t)oldest : 0;
    return 0;
}

/* Exactly one of sequential/seek and one of forwards/backwards, nothing
 * else ([MS-EVEN] 3.1.4.7). */
static bool read_flags_valid(uint32_t flags)
{
    uint32_t how = flags & (EVENTLOG_SEQUENTIAL_READ | EVENTLOG_SEEK_READ);
    uint32_t way = flags & (EVENTLOG_FORWARDS_READ | EVENTLOG_BACKWARDS_READ);
    return (flags & ~0xFu) == 0 && (how == EVENTLOG_SEQUENTIAL_READ || how == EVENTLOG_SEEK_READ) &&
           (way == EVENTLOG_FORWARDS_READ || way == EVENTLOG_BACKWARDS_READ);
}

/* Where the read starts, or a status that ends it. */
static NTSTATUS read_start(const struct ElfrReadELW *r, const struct log_handle *h, int64_t oldest, int64_t newest,
                           int64_t count, bool forwards, int64_t *start)
{
    if (count == 0)
        return STATUS_END_OF_FILE;
    if (r->ReadFlags & EVENTLOG_SEQUENTIAL_READ) {
        *start = h->positioned ? h->next : forwards ? oldest : newest;
        return STATUS_SUCCESS;
    }
    int64_t wanted = r->RecordOffset;
    /* Just past the end in the read's direction: nothing (yet). A number
     * the log does not hold otherwise is the caller's mistake. */
    if ((forwards && wanted == newest + 1) || (!forwards && wanted + 1 == oldest))
        return STATUS_END_OF_FILE;
    if (wanted < oldest || wanted > newest)
        return STATUS_INVALID_PARAMETER;
    *start = wanted;
    return STATUS_SUCCESS;
}

/* Writes as many whole records as fit in r->Buffer; *last gets the number
 * of the last one written. */
static NTSTATUS read_records(struct dcerpc_call *call, struct ElfrReadELW *r, const struct log_handle *h,
                             int64_t start, bool forwards, int64_t *last)
{
    const struct eventlog_backend *b = backend_of(call);
    struct audit_entry *entries = NULL;
    size_t n = 0;
    size_t limit = r->NumberOfBytesToRead / 64u + 1u;
    if (limit > READ_LIMIT)
        limit = READ_LIMIT;
    NTSTATUS status = b->read(b->ctx, h->log, start, forwards, limit, &entries, &n);
    if (!NT_SUCCESS(status))
        return status;
    if (n == 0) {
        registry_audit_list_free(entries, n);
        return STATUS_END_OF_FILE;
    }
    char computer[64] = "";
    if (b->computer_name)
        b->computer_name(b->computer_name_ctx, computer, sizeof computer);
    char *sentence = malloc(EVENTLOG_MAX_STRING + 1);
    struct buf record;
    buf_init(&record);
    status = sentence ? STATUS_SUCCESS : STATUS_NO_MEMORY;
    for (size_t i = 0; i < n && NT_SUCCESS(status); i++) {
        struct eventlog_event event;
        eventlog_event_from_audit(&entries[i], computer, sentence, EVENTLOG_MAX_STRING + 1, &event);
        buf_reset(&record);
        status = eventlog_record_write(&record, &event);
        if (!NT_SUCCESS(status))
            break;
        if (record.len > r->NumberOfBytesToRead - r->NumberOfBytesRead) {
            /* The first record that does not fit ends the read; if it is
             * the first of all, the caller learns the size it needs. */
            if (r->NumberOfBytesRead == 0) {
                r->MinNumberOfBytesNeeded = (uint32_t)record.len;
                status = STATUS_BUFFER_TOO_SMALL;
            }
            break;
        }
        memcpy(r->Buffer + r->NumberOfBytesRead, record.data, record.len);
        r->NumberOfBytesRead += (uint32_t)record.len;
        *last = entries[i].record;
    }
    buf_free(&record);
    free(sentence);
    registry_audit_list_free(entries, n);
    return status;
}

uint32_t eventlog_ElfrReadELW(struct dcerpc_call *call, void *p)
{
    struct ElfrReadELW *r = p;
    struct log_handle *h = find(call, &r->LogHandle);
    if (!h)
        return DCERPC_NCA_S_FAULT_CONTEXT_MISMATCH;
    r->NumberOfBytesRead = 0;
    r->MinNumberOfBytesNeeded = 0;
    /* The reply carries all NumberOfBytesToRead bytes (the array is sized
     * by it); what was not filled is zeros. */
    r->Buffer = ndr_arena_alloc(dcerpc_call_arena(call), r->NumberOfBytesToRead ? r->NumberOfBytesToRead : 1);
    if (!r->Buffer)
        return DCERPC_NCA_S_FAULT_REMOTE_NO_MEMORY;
    if (!read_flags_valid(r->ReadFlags)) {
        r->Result = STATUS_INVALID_PARAMETER;
        return 0;
    }
    bool forwards = (r->ReadFlags & EVENTLOG_FORWARDS_READ) != 0;
    int64_t oldest, newest, count, start = 0, last = 0;
    NTSTATUS status = bounds(call, h, &oldest, &newest, &count);
    if (NT_SUCCESS(status))
        status = read_start(r, h, oldest, newest, count, forwards, &start);
    if (NT_SUCCESS(status))
        status = read_records(call, r, h, start, forwards, &last);
    if (NT_SUCCESS(status)) {
        h->positioned = true;
        h->next = forwards ? last + 1 : last - 1;
    }
    r->Result = status;
    return 0;
}

/* EVENTLOG_FULL_INFORMATION ([MS-EVEN] 2.2.4): dwFull, never set, since
 * the log prunes its oldest records rather than filling up. */
#define EVENTLOG_FULL_INFORMATION_SIZE 4u

uint32_t eventlog_ElfrGetLogInformation(struct dcerpc_call *call, void *p)
{
    struct ElfrGetLogInformation *r = p;
    if (!find(call, &r->LogHandle))
        return DCERPC_NCA_S_FAULT_CONTEXT_MISMATCH;
    r->lpBuffer = ndr_arena_alloc(dcerpc_call_arena(call), r->cbBufSize ? r->cbBufSize : 1);
    if (!r->lpBuffer)
        return DCERPC_NCA_S_FAULT_REMOTE_NO_MEMORY;
    r->pcbBytesNeeded = EVENTLOG_FULL_INFORMATION_SIZE;
    if (r->InfoLevel != 0)
        r->Result = STATUS_INVALID_LEVEL;
    else if (r->cbBufSize < EVENTLOG_FULL_INFORMATION_SIZE)
        r->Result = STATUS_BUFFER_TOO_SMALL;
    else
        r->Result = STATUS_SUCCESS; /* dwFull = 0: the buffer is zeros */
    return 0;
}

NTSTATUS eventlog_register(struct dcerpc_server *server, const struct eventlog_backend *backend)
{
    /* The handlers only read the back end; the cast drops const for the
     * runtime's generic context pointer. */
    return dcerpc_server_register(server, &eventlog_interface, (void *)backend);
}
