/* The event log (eventlog/): the EVENTLOGRECORD bytes, the mapping from
 * audit records, and every [MS-EVEN] call through the C client runtime on
 * a memory back end: who may open which log, counts, the oldest record,
 * sequential and seek reads both ways, the buffer-too-small answer with the
 * size needed, the end of the log, bad flags, the refusals (clear, backup,
 * report, register), log information, close and stale handles. Then the
 * registry's side: numbering per log, pruning past audit.max-records and
 * reads by record. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dcerpc/dcerpc.h"
#include "eventlog/even_idl.h"
#include "lib/buf.h"
#include "lib/sid.h"
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
    dcerpc_client_bind(c->client, &eventlog_interface, &c->context, &reject);
}

static void conn_close(struct conn *c)
{
    dcerpc_client_free(c->client);
    dcerpc_loopback_free(c->loop);
}

static uint32_t call(struct conn *c, uint16_t opnum, void *r)
{
    uint32_t fault = 0;
    NTSTATUS st = dcerpc_client_call(c->client, c->context, &eventlog_interface, opnum, r, arena, &fault);
    if (st != STATUS_SUCCESS && !fault)
        fault = 0xFFFFFFFFu;
    return fault;
}

static struct RPC_UNICODE_STRING ustr(const char *text, uint16_t *units, size_t cap)
{
    size_t n = strlen(text);
    for (size_t i = 0; i <= n && i < cap; i++)
        units[i] = (uint8_t)text[i];
    return (struct RPC_UNICODE_STRING){ (uint16_t)((n + 1) * 2), (uint16_t)((n + 1) * 2), units };
}

static uint32_t open_log(struct conn *c, const char *name, struct policy_handle *h)
{
    uint16_t units[64], empty[1] = { 0 };
    uint16_t server_char = '\\';
    struct ElfrOpenELW r = { .UNCServerName = &server_char, .ModuleName = ustr(name, units, 64),
                             .RegModuleName = { 0, 2, empty }, .MajorVersion = 1, .MinorVersion = 1 };
    uint32_t fault = call(c, EVEN_ElfrOpenELW, &r);
    *h = r.LogHandle;
    return fault ? fault : r.Result;
}

static uint32_t number(struct conn *c, uint16_t opnum, const struct policy_handle *h, uint32_t *n)
{
    struct ElfrNumberOfRecords r = { .LogHandle = *h };
    uint32_t fault = call(c, opnum, &r);
    *n = r.Number;
    return fault ? fault : r.Result;
}

struct read_result {
    uint32_t status, bytes, needed;
    uint32_t records[64];
    size_t count;
    uint8_t *buffer;
};

/* ElfrReadELW, then the records walked by their Length fields (both
 * ends must agree). */
static void read_log(struct conn *c, const struct policy_handle *h, uint32_t flags, uint32_t offset, uint32_t size,
                     struct read_result *out)
{
    memset(out, 0, sizeof *out);
    struct ElfrReadELW r = { .LogHandle = *h, .ReadFlags = flags, .RecordOffset = offset, .NumberOfBytesToRead = size };
    uint32_t fault = call(c, EVEN_ElfrReadELW, &r);
    out->status = fault ? fault : r.Result;
    out->bytes = r.NumberOfBytesRead;
    out->needed = r.MinNumberOfBytesNeeded;
    out->buffer = r.Buffer;
    for (uint32_t pos = 0; !fault && pos + EVENTLOGRECORD_HEADER_SIZE <= r.NumberOfBytesRead && out->count < 64;) {
        uint32_t len = le32_load(r.Buffer + pos);
        if (len < EVENTLOGRECORD_HEADER_SIZE || pos + len > r.NumberOfBytesRead ||
            le32_load(r.Buffer + pos + len - 4) != len) {
            out->status = 0xBADu;
            return;
        }
        out->records[out->count++] = le32_load(r.Buffer + pos + 8);
        pos += len;
    }
}

static struct audit_entry entry(enum audit_log log, int64_t record, const char *action, const char *object,
                                const char *outcome)
{
    return (struct audit_entry){ .id = record, .at_ms = 1700000000000LL + record * 1000, .uid = 0, .user = "root",
                                 .via = "cli", .action = (char *)action, .object = (char *)object,
                                 .detail = "why", .outcome = (char *)outcome, .log = log, .record = record };
}

/* The bytes of one record, by hand: header, names, strings, pad, Length. */
static void test_record_bytes(void)
{
    struct eventlog_event e = { .record_number = 7, .time_generated = 100, .time_written = 101, .event_id = 5142,
                                .event_type = EVENTLOG_AUDIT_SUCCESS, .source_name = "ab", .computer_name = "C",
                                .strings = { "x", "yz" }, .num_strings = 2 };
    struct buf b;
    buf_init(&b);
    ok(eventlog_record_write(&b, &e) == STATUS_SUCCESS, "a record is written");
    /* 56 + "ab\0" 6 + "C\0" 4 + "x\0" 4 + "yz\0" 6 = 76; pad 4 (never 0); Length 4. */
    is_int(b.len, 84, "its size: header, UTF-16 names and strings, 1-4 pad bytes, Length");
    is_int(le32_load(b.data), 84, "Length");
    is_int(le32_load(b.data + 4), ELF_LOG_SIGNATURE, "Reserved is LfLe");
    is_int(le32_load(b.data + 8), 7, "RecordNumber");
    is_int(le32_load(b.data + 12), 100, "TimeGenerated");
    is_int(le32_load(b.data + 20), 5142, "EventID");
    is_int(le16_load(b.data + 24), EVENTLOG_AUDIT_SUCCESS, "EventType");
    is_int(le16_load(b.data + 26), 2, "NumStrings");
    is_int(le32_load(b.data + 36), 66, "StringOffset: right after Computername");
    is_int(le32_load(b.data + 40), 0, "no user SID");
    is_int(le32_load(b.data + 52), 76, "DataOffset: after the strings (no data)");
    static const uint8_t names[] = { 'a', 0, 'b', 0, 0, 0, 'C', 0, 0, 0, 'x', 0, 0, 0, 'y', 0, 'z', 0, 0, 0 };
    is_mem(b.data + 56, sizeof names, names, sizeof names, "the names and strings in UTF-16LE, NUL-terminated");
    is_int(le32_load(b.data + 80), 84, "Length again at the end");
    ok(b.data[76] == 0 && b.data[79] == 0, "the pad is zeros");

    /* Not UTF-8: shown as "?", the record still goes out. */
    buf_reset(&b);
    e.strings[0] = "\xff\xfe";
    ok(eventlog_record_write(&b, &e) == STATUS_SUCCESS && b.len == 84 && b.data[66] == '?',
       "a string that is not UTF-8 shows as ?");
    /* Long strings are cut. */
    char *long_text = malloc(EVENTLOG_MAX_STRING * 3);
    memset(long_text, 'a', EVENTLOG_MAX_STRING * 3 - 1);
    long_text[EVENTLOG_MAX_STRING * 3 - 1] = 0;
    e.strings[0] = long_text;
    buf_reset(&b);
    ok(eventlog_record_write(&b, &e) == STATUS_SUCCESS && b.len < EVENTLOG_MAX_STRING * 2 + 200,
       "a long string is cut to EVENTLOG_MAX_STRING characters");
    free(long_text);
    buf_free(&b);

    /* The mapping from an audit record. */
    struct audit_entry a = entry(AUDIT_LOG_SECURITY, 3, "logon.failure", "bob", "refused");
    char sentence[EVENTLOG_MAX_STRING + 1];
    struct eventlog_event ev;
    eventlog_event_from_audit(&a, "SRV", sentence, sizeof sentence, &ev);
    is_int(ev.event_id, 4625, "logon.failure is event 4625");
    is_int(ev.event_type, EVENTLOG_AUDIT_FAILURE, "... an audit failure");
    is_str(ev.strings[0], "logon.failure bob: why (by root via cli) [refused]", "... its first string says it all");
    is_str(ev.source_name, "lwadmin", "... source: the front end");
    struct audit_entry d = entry(AUDIT_LOG_SYSTEM, 1, "daemon.start", "lsassd", "ok");
    d.via = "daemon";
    d.user = "lsassd";
    eventlog_event_from_audit(&d, "SRV", sentence, sizeof sentence, &ev);
    ok(ev.event_id == 7036 && ev.event_type == EVENTLOG_INFORMATION_TYPE && strcmp(ev.source_name, "lsassd") == 0,
       "a daemon's start: 7036, information, the daemon as source");
    is_int(eventlog_event_id("share.add"), 5142, "share.add is 5142");
    is_int(registry_audit_log_of("share.add"), AUDIT_LOG_SECURITY, "share changes go to Security");
    is_int(registry_audit_log_of("user.lockout"), AUDIT_LOG_SECURITY, "lockouts go to Security");
    is_int(registry_audit_log_of("daemon.stop"), AUDIT_LOG_SYSTEM, "daemons go to System");
    is_int(registry_audit_log_of("setting.set"), AUDIT_LOG_APPLICATION, "settings go to Application");
}

static void test_calls(void)
{
    static struct audit_entry entries[8];
    entries[0] = entry(AUDIT_LOG_SECURITY, 4, "share.add", "data", "ok");
    entries[1] = entry(AUDIT_LOG_APPLICATION, 1, "setting.set", "srv.port", "ok");
    entries[2] = entry(AUDIT_LOG_SECURITY, 5, "logon.failure", "alice", "refused");
    entries[3] = entry(AUDIT_LOG_SECURITY, 6, "user.lockout", "alice", "ok");
    entries[4] = entry(AUDIT_LOG_SYSTEM, 1, "daemon.start", "lwiod", "ok");
    static struct eventlog_memory memory = { entries, 5, "UNIT" };
    static struct eventlog_backend backend;
    eventlog_memory_backend(&memory, &backend);
    server = dcerpc_server_new(NULL);
    eventlog_register(server, &backend);

    struct sid admin_sid, user_sid, readers;
    sid_parse("S-1-5-21-9-9-9-500", &admin_sid);
    sid_parse("S-1-5-21-9-9-9-1000", &user_sid);
    sid_parse("S-1-5-32-573", &readers);
    struct access_token *admin_token = token_new(&admin_sid, &admin_sid);
    token_add_group(admin_token, &SID_BUILTIN_ADMINISTRATORS);
    struct access_token *user_token = token_new(&user_sid, &user_sid);
    token_add_group(user_token, &SID_BUILTIN_USERS);
    struct access_token *reader_token = token_new(&user_sid, &user_sid);
    token_add_group(reader_token, &readers);

    struct conn admin, user, reader, anonymous;
    conn_open(&admin, admin_token);
    conn_open(&user, user_token);
    conn_open(&reader, reader_token);
    conn_open(&anonymous, NULL);

    struct policy_handle sec, sys, app, h;
    is_int(open_log(&admin, "Security", &sec), 0, "an administrator opens Security");
    is_int(open_log(&admin, "system", &sys), 0, "... and System (any case)");
    is_int(open_log(&admin, "NoSuchLog", &app), 0, "... and an unknown name (Application)");
    is_int(open_log(&user, "Security", &h), STATUS_ACCESS_DENIED, "a plain user is refused Security");
    is_int(open_log(&user, "Application", &h), STATUS_ACCESS_DENIED,
           "... and Application (Windows gives remote readers nothing unless in Event Log Readers)");
    is_int(open_log(&reader, "System", &h), 0, "Event Log Readers open System");
    is_int(open_log(&reader, "Security", &h), STATUS_ACCESS_DENIED, "... but not Security");
    is_int(open_log(&anonymous, "Application", &h), STATUS_ACCESS_DENIED, "anonymous is refused");

    uint32_t n = 0;
    ok(number(&admin, EVEN_ElfrNumberOfRecords, &sec, &n) == 0 && n == 3, "Security holds 3 records (%u)", n);
    ok(number(&admin, EVEN_ElfrOldestRecord, &sec, &n) == 0 && n == 4, "its oldest is record 4 (%u)", n);
    ok(number(&admin, EVEN_ElfrNumberOfRecords, &app, &n) == 0 && n == 1, "the unknown name counted Application");

    struct read_result r;
    read_log(&admin, &sec, EVENTLOG_SEQUENTIAL_READ | EVENTLOG_FORWARDS_READ, 0, 0x7FFFF, &r);
    ok(r.status == 0 && r.count == 3 && r.records[0] == 4 && r.records[2] == 6,
       "a sequential forwards read returns 4, 5, 6 (status %x, %zu records)", r.status, r.count);
    read_log(&admin, &sec, EVENTLOG_SEQUENTIAL_READ | EVENTLOG_FORWARDS_READ, 0, 0x7FFFF, &r);
    is_int(r.status, STATUS_END_OF_FILE, "... then the end of the log");
    read_log(&admin, &sec, EVENTLOG_SEEK_READ | EVENTLOG_BACKWARDS_READ, 5, 0x7FFFF, &r);
    ok(r.status == 0 && r.count == 2 && r.records[0] == 5 && r.records[1] == 4, "a seek backwards from 5: 5, 4");
    read_log(&admin, &sec, EVENTLOG_SEEK_READ | EVENTLOG_FORWARDS_READ, 5, 0x7FFFF, &r);
    ok(r.status == 0 && r.count == 2 && r.records[0] == 5 && r.records[1] == 6, "a seek forwards from 5: 5, 6");
    read_log(&admin, &sec, EVENTLOG_SEEK_READ | EVENTLOG_FORWARDS_READ, 7, 0x7FFFF, &r);
    is_int(r.status, STATUS_END_OF_FILE, "a seek just past the newest: the end");
    read_log(&admin, &sec, EVENTLOG_SEEK_READ | EVENTLOG_FORWARDS_READ, 2, 0x7FFFF, &r);
    is_int(r.status, STATUS_INVALID_PARAMETER, "a seek to a record the log does not hold: invalid parameter");

    struct policy_handle sec2;
    open_log(&admin, "Security", &sec2);
    read_log(&admin, &sec2, EVENTLOG_SEQUENTIAL_READ | EVENTLOG_BACKWARDS_READ, 0, 0, &r);
    ok(r.status == STATUS_BUFFER_TOO_SMALL && r.needed > EVENTLOGRECORD_HEADER_SIZE && r.bytes == 0,
       "a buffer of 0 bytes: buffer too small, with the size needed (%u)", r.needed);
    uint32_t needed = r.needed;
    read_log(&admin, &sec2, EVENTLOG_SEQUENTIAL_READ | EVENTLOG_BACKWARDS_READ, 0, needed, &r);
    ok(r.status == 0 && r.count == 1 && r.records[0] == 6 && r.bytes == needed,
       "that size reads exactly the newest record (a backwards read starts there)");
    read_log(&admin, &sec2, EVENTLOG_SEQUENTIAL_READ | EVENTLOG_BACKWARDS_READ, 0, 0x7FFFF, &r);
    ok(r.status == 0 && r.count == 2 && r.records[0] == 5 && r.records[1] == 4, "... and the next read goes on: 5, 4");
    read_log(&admin, &sec2, EVENTLOG_SEQUENTIAL_READ | EVENTLOG_SEEK_READ | EVENTLOG_FORWARDS_READ, 4, 100, &r);
    is_int(r.status, STATUS_INVALID_PARAMETER, "sequential and seek together: invalid parameter");
    read_log(&admin, &sec2, EVENTLOG_SEQUENTIAL_READ, 0, 100, &r);
    is_int(r.status, STATUS_INVALID_PARAMETER, "no direction: invalid parameter");
    read_log(&admin, &sec2, EVENTLOG_SEQUENTIAL_READ | EVENTLOG_FORWARDS_READ, 0, 0x80000, &r);
    is_int(r.status, DCERPC_FAULT_NDR, "more than MAX_BATCH_BUFF bytes asked: a fault ([range])");

    /* What the record says. */
    read_log(&admin, &sec, EVENTLOG_SEEK_READ | EVENTLOG_FORWARDS_READ, 5, 0x7FFFF, &r);
    if (r.status == 0 && r.count > 0) {
        uint32_t so = le32_load(r.buffer + 36);
        ok(le16_load(r.buffer + 24) == EVENTLOG_AUDIT_FAILURE && le32_load(r.buffer + 20) == 4625,
           "record 5 is a failed logon (4625, audit failure)");
        char text[32];
        for (size_t i = 0; i < sizeof text; i++)
            text[i] = (char)r.buffer[so + 2 * i];
        text[sizeof text - 1] = 0;
        ok(strncmp(text, "logon.failure alice", 19) == 0, "its first string names the account (%.20s)", text);
    } else {
        ok(0, "record 5 is a failed logon");
        ok(0, "its first string names the account");
    }

    /* Refusals. */
    struct ElfrClearELFW clear = { .LogHandle = sec };
    ok(call(&admin, EVEN_ElfrClearELFW, &clear) == 0 && clear.Result == STATUS_ACCESS_DENIED,
       "clearing is refused (access denied)");
    uint16_t file[16];
    struct ElfrBackupELFW backup = { .LogHandle = sec, .BackupFileName = ustr("x.evt", file, 16) };
    ok(call(&admin, EVEN_ElfrBackupELFW, &backup) == 0 && backup.Result == STATUS_NOT_SUPPORTED,
       "backing up is not supported");
    struct ElfrOpenBELW openb = { .BackupFileName = ustr("x.evt", file, 16), .MajorVersion = 1, .MinorVersion = 1 };
    ok(call(&admin, EVEN_ElfrOpenBELW, &openb) == 0 && openb.Result == STATUS_NOT_SUPPORTED,
       "opening a backup is not supported");
    struct ElfrReportEventW report = { .LogHandle = app };
    ok(call(&admin, EVEN_ElfrReportEventW, &report) == 0 && report.Result == STATUS_ACCESS_DENIED,
       "writing an event is refused");
    uint16_t units[16], empty[1] = { 0 };
    struct ElfrOpenELW reg = { .ModuleName = ustr("Application", units, 16), .RegModuleName = { 0, 2, empty } };
    ok(call(&admin, EVEN_ElfrRegisterEventSourceW, &reg) == 0 && reg.Result == STATUS_ACCESS_DENIED,
       "registering an event source is refused");
    ok(number(&admin, EVEN_ElfrNumberOfRecords, &sec, &n) == 0 && n == 3, "nothing changed");

    struct ElfrGetLogInformation info = { .LogHandle = sec, .InfoLevel = 0, .cbBufSize = 0 };
    ok(call(&admin, EVEN_ElfrGetLogInformation, &info) == 0 && info.Result == STATUS_BUFFER_TOO_SMALL &&
           info.pcbBytesNeeded == 4,
       "log information in 0 bytes: buffer too small, 4 needed");
    struct ElfrGetLogInformation info2 = { .LogHandle = sec, .InfoLevel = 0, .cbBufSize = 4 };
    ok(call(&admin, EVEN_ElfrGetLogInformation, &info2) == 0 && info2.Result == 0 && le32_load(info2.lpBuffer) == 0,
       "in 4: not full");
    struct ElfrGetLogInformation info3 = { .LogHandle = sec, .InfoLevel = 1, .cbBufSize = 4 };
    ok(call(&admin, EVEN_ElfrGetLogInformation, &info3) == 0 && info3.Result == STATUS_INVALID_LEVEL,
       "another level: invalid level");

    /* Handles: another association's and closed ones are not found. */
    ok(number(&reader, EVEN_ElfrNumberOfRecords, &sec, &n) == DCERPC_NCA_S_FAULT_CONTEXT_MISMATCH,
       "another association's handle: a context mismatch fault");
    struct ElfrCloseEL close = { .LogHandle = sec };
    static const uint8_t zero[20];
    ok(call(&admin, EVEN_ElfrCloseEL, &close) == 0 && close.Result == 0 &&
           memcmp(&close.LogHandle, zero, sizeof zero) == 0,
       "close: success and a zeroed handle");
    ok(number(&admin, EVEN_ElfrNumberOfRecords, &sec, &n) == DCERPC_NCA_S_FAULT_CONTEXT_MISMATCH,
       "a closed handle: a context mismatch fault");
    struct ElfrCloseEL close_again = { .LogHandle = sec };
    ok(call(&admin, EVEN_ElfrCloseEL, &close_again) == DCERPC_NCA_S_FAULT_CONTEXT_MISMATCH, "... also for close");

    conn_close(&admin);
    conn_close(&user);
    conn_close(&reader);
    conn_close(&anonymous);
    token_free(admin_token);
    token_free(user_token);
    token_free(reader_token);
    dcerpc_server_free(server);
}

/* Numbering per log and pruning, in a scratch registry. */
static void test_registry(void)
{
    char dir[] = "/tmp/sw-eventlog-XXXXXX";
    if (!mkdtemp(dir)) {
        ok(0, "a scratch directory");
        return;
    }
    char path[128];
    snprintf(path, sizeof path, "%s/registry.db", dir);
    struct registry *reg = NULL;
    ok(registry_open(path, &reg) == STATUS_SUCCESS, "a scratch registry");
    const struct audit_actor actor = { "cli", 0, "root", NULL };
    char *message = NULL;
    ok(registry_setting_set(reg, "audit.max-records", "100", &actor, &message) == STATUS_SUCCESS,
       "audit.max-records = 100");
    free(message);
    bool written = true;
    for (int i = 0; i < 250 && written; i++) {
        char object[16];
        snprintf(object, sizeof object, "s%d", i);
        written = registry_audit(reg, &actor, "share.add", object, NULL) == STATUS_SUCCESS;
    }
    ok(written, "250 share records written");
    registry_audit_refused(reg, &actor, "setting.set", "srv.port", "no");
    int64_t oldest, newest, count;
    registry_audit_log_bounds(reg, AUDIT_LOG_SECURITY, &oldest, &newest, &count);
    ok(oldest == 151 && newest == 250 && count == 100, "Security keeps the newest 100: 151..250 (%lld..%lld, %lld)",
       (long long)oldest, (long long)newest, (long long)count);
    registry_audit_log_bounds(reg, AUDIT_LOG_APPLICATION, &oldest, &newest, &count);
    ok(oldest == 1 && newest == 2 && count == 2, "Application numbers its own records: 1..2");
    struct audit_entry *e = NULL;
    size_t n = 0;
    ok(registry_audit_log_read(reg, AUDIT_LOG_SECURITY, 100, true, 3, &e, &n) == STATUS_SUCCESS && n == 3 &&
           e[0].record == 151 && strcmp(e[0].object, "s150") == 0,
       "a read from a pruned number starts at the oldest left");
    registry_audit_list_free(e, n);
    ok(registry_audit_log_read(reg, AUDIT_LOG_SECURITY, 200, false, 2, &e, &n) == STATUS_SUCCESS && n == 2 &&
           e[0].record == 200 && e[1].record == 199,
       "a backwards read");
    registry_audit_list_free(e, n);
    ok(registry_audit_list_after(reg, 250, 0, &e, &n) == STATUS_SUCCESS && n > 0 &&
           strcmp(e[n - 1].action, "setting.set") == 0,
       "the records after an id, for lwadmin log --follow");
    registry_audit_list_free(e, n);
    registry_close(reg);
    unlink(path);
    char side[160];
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
    rmdir(dir);
}

int main(void)
{
    arena = ndr_arena_new(1 << 24);
    test_record_bytes();
    test_calls();
    test_registry();
    ndr_arena_free(arena);
    return tap_done();
}
