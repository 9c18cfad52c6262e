/* EVENTLOGRECORD ([MS-EVEN] 2.2.3) and the mapping from audit records to
 * events. Everything is written with lib/buf.h's little-endian writers and
 * measured as written, so the offsets inside a record always match its
 * bytes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eventlog/eventlog.h"
#include "lib/utf16.h"

struct event_id {
    const char *action;
    uint32_t id;
};

/* Windows' Security event ids where the meaning matches (so a reader who
 * knows them recognises the event), the Service Control Manager's "entered
 * the running/stopped state" for the daemons, and Samewise's own small
 * numbers for the rest. */
static const struct event_id event_ids[] = {
    { "logon.failure", 4625 },       { "user.lockout", 4740 },
    { "user.add", 4720 },            { "user.del", 4726 },
    { "user.set", 4738 },            { "user.passwd", 4724 },
    { "user.unlock", 4767 },         { "group.add", 4731 },
    { "group.del", 4734 },           { "group.set", 4735 },
    { "group.add-member", 4732 },    { "group.remove-member", 4733 },
    { "share.add", 5142 },           { "share.set", 5143 },
    { "share.fix-permissions", 5143 }, { "share.delete", 5144 },
    { "daemon.start", 7036 },        { "daemon.stop", 7036 },
    { "account.add", 4704 },         { "account.del", 4705 },
    { "setting.set", 1001 },         { "setting.unset", 1002 },
    { "session.close", 1003 },       { "file.close", 1004 },
};

/* Any other action. */
#define EVENT_ID_OTHER 1000u

uint32_t eventlog_event_id(const char *action)
{
    for (size_t i = 0; action && i < sizeof event_ids / sizeof event_ids[0]; i++)
        if (strcmp(action, event_ids[i].action) == 0)
            return event_ids[i].id;
    return EVENT_ID_OTHER;
}

/* The front end a record came through, as the event's source. */
static const char *source_of(const struct audit_entry *e)
{
    static const struct {
        const char *via, *source;
    } sources[] = { { "cli", "lwadmin" }, { "yaml", "lwadmin" }, { "console", "lwconsole" },
                    { "rpc", "srvsvc" }, { "lsarpc", "lsarpc" }, { "samr", "samr" } };
    if (e->via && strcmp(e->via, "daemon") == 0 && e->user && *e->user)
        return e->user;
    for (size_t i = 0; e->via && i < sizeof sources / sizeof sources[0]; i++)
        if (strcmp(e->via, sources[i].via) == 0)
            return sources[i].source;
    return "Samewise";
}

static const char *text_or_empty(const char *s)
{
    return s ? s : "";
}

void eventlog_event_from_audit(const struct audit_entry *e, const char *computer_name, char *buffer,
                               size_t buffer_size, struct eventlog_event *event)
{
    memset(event, 0, sizeof *event);
    bool refused = e->outcome && strcmp(e->outcome, "ok") != 0;
    event->record_number = (uint32_t)e->record;
    event->time_generated = event->time_written = e->at_ms > 0 ? (uint32_t)(e->at_ms / 1000) : 0;
    event->event_id = eventlog_event_id(e->action);
    if (e->log == AUDIT_LOG_SECURITY)
        event->event_type = refused ? EVENTLOG_AUDIT_FAILURE : EVENTLOG_AUDIT_SUCCESS;
    else
        event->event_type = refused ? EVENTLOG_WARNING_TYPE : EVENTLOG_INFORMATION_TYPE;
    event->source_name = source_of(e);
    event->computer_name = computer_name ? computer_name : "";
    /* Event Viewer on another machine has no message file for these
     * sources, so it shows the strings as they are: the first one says it
     * all in a line, the others are the fields, for tools. */
    snprintf(buffer, buffer_size, "%s %s%s%s (by %s via %s)%s", text_or_empty(e->action), text_or_empty(e->object),
             e->detail && *e->detail ? ": " : "", text_or_empty(e->detail), text_or_empty(e->user),
             text_or_empty(e->via), refused ? " [refused]" : "");
    const char *strings[] = { buffer,          text_or_empty(e->action), text_or_empty(e->object),
                              text_or_empty(e->user), text_or_empty(e->via), text_or_empty(e->detail),
                              e->outcome ? e->outcome : "ok" };
    for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++)
        event->strings[event->num_strings++] = strings[i];
}

/* The UTF-8 length of s cut to at most EVENTLOG_MAX_STRING bytes, on a
 * character boundary. */
static size_t cut_length(const char *s)
{
    size_t len = strlen(s);
    if (len <= EVENTLOG_MAX_STRING)
        return len;
    len = EVENTLOG_MAX_STRING;
    while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80)
        len--;
    return len;
}

/* s as UTF-16LE with its NUL terminator. Text that is not UTF-8 (a name a
 * client sent, cut short by the audit log) shows as "?": one bad record
 * must not make the whole log unreadable. */
static NTSTATUS write_string(struct buf *out, const char *s)
{
    uint8_t *utf16 = NULL;
    size_t utf16_len = 0;
    NTSTATUS status = utf8_to_utf16le(s, cut_length(s), &utf16, &utf16_len);
    if (!NT_SUCCESS(status) && status != STATUS_NO_MEMORY)
        status = utf8_to_utf16le("?", 1, &utf16, &utf16_len);
    if (!NT_SUCCESS(status))
        return status;
    wr_bytes(out, utf16, utf16_len);
    wr_u16(out, 0);
    free(utf16);
    return wr_ok(out) ? STATUS_SUCCESS : STATUS_NO_MEMORY;
}

NTSTATUS eventlog_record_write(struct buf *out, const struct eventlog_event *event)
{
    size_t start = out->len;
    size_t header = wr_reserve(out, EVENTLOGRECORD_HEADER_SIZE);
    if (!wr_ok(out))
        return STATUS_NO_MEMORY;
    NTSTATUS status = write_string(out, event->source_name ? event->source_name : "");
    if (NT_SUCCESS(status))
        status = write_string(out, event->computer_name ? event->computer_name : "");
    if (!NT_SUCCESS(status))
        return status;
    /* No user SID (the audit log names accounts, it does not keep their
     * SIDs), so no UserSidPadding either: the strings follow Computername
     * at once. Readers that walk the record in order (Samba's
     * EVENTLOGRECORD) read padding here as an empty first string; Windows'
     * readers go by StringOffset. */
    uint32_t sid_offset = (uint32_t)(out->len - start);
    uint32_t string_offset = sid_offset;
    uint16_t strings = event->num_strings > EVENTLOG_MAX_STRINGS ? EVENTLOG_MAX_STRINGS : event->num_strings;
    for (uint16_t i = 0; i < strings && NT_SUCCESS(status); i++)
        status = write_string(out, event->strings[i] ? event->strings[i] : "");
    if (!NT_SUCCESS(status))
        return status;
    uint32_t data_offset = (uint32_t)(out->len - start);
    /* Pad: the record is padded to a DWORD multiple with 1 to 4 zero
     * bytes, never 0: readers that take Pad for a NUL-terminated string
     * (winnt.h's CHAR Pad[], Samba's astring) then find its end inside the
     * padding, and Length2 where the record says. */
    wr_zeros(out, 4 - (out->len - start) % 4);
    uint32_t length = (uint32_t)(out->len - start + 4);
    wr_u32(out, length);
    if (!wr_ok(out))
        return STATUS_NO_MEMORY;

    wr_put_u32_at(out, header + 0, length);
    wr_put_u32_at(out, header + 4, ELF_LOG_SIGNATURE);
    wr_put_u32_at(out, header + 8, event->record_number);
    wr_put_u32_at(out, header + 12, event->time_generated);
    wr_put_u32_at(out, header + 16, event->time_written);
    wr_put_u32_at(out, header + 20, event->event_id);
    wr_put_u16_at(out, header + 24, event->event_type);
    wr_put_u16_at(out, header + 26, strings);
    wr_put_u16_at(out, header + 28, event->event_category);
    wr_put_u16_at(out, header + 30, 0);             /* ReservedFlags */
    wr_put_u32_at(out, header + 32, 0);             /* ClosingRecordNumber */
    wr_put_u32_at(out, header + 36, string_offset);
    wr_put_u32_at(out, header + 40, 0);             /* UserSidLength */
    wr_put_u32_at(out, header + 44, sid_offset);
    wr_put_u32_at(out, header + 48, 0);             /* DataLength */
    wr_put_u32_at(out, header + 52, data_offset);
    return wr_ok(out) ? STATUS_SUCCESS : STATUS_NO_MEMORY;
}
