/* eventlog: the audit log as Windows' event log, read remotely over
 * [MS-EVEN] (UUID 82273fdc-e32a-18c3-3f78-827929dc23ea v0.0, \pipe\eventlog)
 * by Event Viewer, rpcclient and impacket.
 *
 * The records are the registry's audit table, seen as three logs
 * (Application, System, Security; registry_audit_log_of() says which holds
 * what) with their per-log record numbers. The interface only reads:
 * clearing, backing up and writing are refused. docs/eventlog.md has the
 * decisions (access, event ids, strings, read semantics).
 *
 * Data reach the handlers only through struct eventlog_backend: the store
 * (srvsvcd: the registry) or a memory list (tests, fuzzing). */
#ifndef SW_EVENTLOG_EVENTLOG_H
#define SW_EVENTLOG_EVENTLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dcerpc/dcerpc.h"
#include "lib/buf.h"
#include "lib/ntstatus.h"
#include "registry/registry.h"

/* ---- The records ---- */

/* EventType values ([MS-EVEN] 2.2.3). */
#define EVENTLOG_ERROR_TYPE 0x0001u
#define EVENTLOG_WARNING_TYPE 0x0002u
#define EVENTLOG_INFORMATION_TYPE 0x0004u
#define EVENTLOG_AUDIT_SUCCESS 0x0008u
#define EVENTLOG_AUDIT_FAILURE 0x0010u

/* The fixed part of an EVENTLOGRECORD, before SourceName. */
#define EVENTLOGRECORD_HEADER_SIZE 56u
/* Reserved: "LfLe" little-endian. */
#define ELF_LOG_SIGNATURE 0x654C664Cu
/* Each string of a record is cut to this many UTF-8 bytes, so that every
 * record stays far below MAX_SINGLE_EVENT (0x3FFFF). */
#define EVENTLOG_MAX_STRING 2048u
#define EVENTLOG_MAX_STRINGS 8u

/* One event as [MS-EVEN] shows it. */
struct eventlog_event {
    uint32_t record_number;
    uint32_t time_generated; /* Unix seconds */
    uint32_t time_written;
    uint32_t event_id;
    uint16_t event_type;
    uint16_t event_category;
    const char *source_name;   /* UTF-8 */
    const char *computer_name; /* UTF-8 */
    const char *strings[EVENTLOG_MAX_STRINGS];
    uint16_t num_strings;
};

/* The event Windows would show for an audit record: its log's record
 * number, an event id by action (Windows' own Security ids where one
 * matches: 4625 a failed logon, 4740 a lockout, 5142 a share added...), the
 * type (audit success/failure in Security, information/warning elsewhere),
 * the front end as source (lwadmin, lwconsole, srvsvcd, or the daemon) and
 * the strings (a sentence, then action, object, user, via, detail, outcome).
 * The strings point into entry (and into buffer for the sentence, of size
 * at least EVENTLOG_MAX_STRING). */
void eventlog_event_from_audit(const struct audit_entry *entry, const char *computer_name,
                               char *buffer, size_t buffer_size, struct eventlog_event *event);
/* The event id of an action (0 for none known). */
uint32_t eventlog_event_id(const char *action);

/* Appends the EVENTLOGRECORD ([MS-EVEN] 2.2.3: little-endian, UTF-16
 * strings NUL-terminated, no user SID, no data, padded to 4 bytes, Length
 * at both ends) to out; a string that is not UTF-8 is written as "?".
 * STATUS_NO_MEMORY. */
NTSTATUS eventlog_record_write(struct buf *out, const struct eventlog_event *event);

/* ---- The server ---- */

struct eventlog_backend {
    void *ctx;
    /* The oldest and newest record numbers of a log and its record count
     * (0, 0, 0 when empty). */
    NTSTATUS (*bounds)(void *ctx, enum audit_log log, int64_t *oldest, int64_t *newest, int64_t *count);
    /* As registry_audit_log_read(); the entries are freed with
     * registry_audit_list_free(). */
    NTSTATUS (*read)(void *ctx, enum audit_log log, int64_t from, bool forwards, size_t limit,
                     struct audit_entry **entries, size_t *count);
    /* The server's name for the records' Computername (UTF-8, cut to
     * size); computer_name_ctx is its own context, so that srvsvcd can
     * answer it from the srvsvc back end (srv.server-name). */
    void (*computer_name)(void *computer_name_ctx, char *name, size_t size);
    void *computer_name_ctx;
};

extern const struct dcerpc_interface eventlog_interface;

/* Serves eventlog on server with backend (borrowed: it must outlive server). */
NTSTATUS eventlog_register(struct dcerpc_server *server, const struct eventlog_backend *backend);

/* The registry back end: its own registry connection (under a lock); the
 * computer name is the host name's first label, upper-cased, unless the
 * caller sets computer_name. */
struct eventlog_store;
NTSTATUS eventlog_store_open(const char *db_path, struct eventlog_store **out);
void eventlog_store_backend(struct eventlog_store *store, struct eventlog_backend *backend);
void eventlog_store_close(struct eventlog_store *store);

/* The memory back end: a list of entries (tests, fuzzing). The entries are
 * borrowed; keep them alive and ordered by record within each log. */
struct eventlog_memory {
    const struct audit_entry *entries;
    size_t count;
    const char *computer_name;
};
void eventlog_memory_backend(struct eventlog_memory *memory, struct eventlog_backend *backend);

#endif
