/* A user's stored security descriptor (migration 004) and the one right the
 * SAM takes from it, USER_CHANGE_PASSWORD for the user's own change; and his
 * logon hours (migration 004 too), which every logon checks. */
#include "lsass/sam/sam_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/secdesc.h"

#define USER_CHANGE_PASSWORD 0x00000040u
/* [MS-SAMR] 2.2.1.7: the user object's generic rights. */
#define GENERIC_ALL_RIGHT 0x10000000u
#define GENERIC_EXECUTE_RIGHT 0x20000000u
#define GENERIC_WRITE_RIGHT 0x40000000u
#define USER_GENERIC_WRITE 0x00020044u
#define USER_GENERIC_EXECUTE 0x00020041u
#define USER_ALL_ACCESS 0x000F07FFu

NTSTATUS sam_user_get_descriptor(struct registry *reg, uint32_t rid, uint8_t **bytes, size_t *len)
{
    *bytes = NULL;
    *len = 0;
    sqlite3_stmt *stmt = sam_prepare(reg, "SELECT security_descriptor FROM sam_users WHERE rid = ?1");
    if (!stmt)
        return STATUS_INTERNAL_ERROR;
    sqlite3_bind_int64(stmt, 1, rid);
    NTSTATUS status = STATUS_SUCCESS;
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        const void *blob = sqlite3_column_blob(stmt, 0);
        int n = sqlite3_column_bytes(stmt, 0);
        if (blob && n > 0) {
            *bytes = malloc((size_t)n);
            if (*bytes) {
                memcpy(*bytes, blob, (size_t)n);
                *len = (size_t)n;
            } else {
                status = STATUS_NO_MEMORY;
            }
        }
    } else {
        status = rc == SQLITE_DONE ? STATUS_NO_SUCH_USER : sam_sqlite_status(reg, rc);
    }
    sqlite3_finalize(stmt);
    return status;
}

NTSTATUS sam_user_set_descriptor(struct registry *reg, const struct audit_actor *actor, uint32_t rid,
                                 const uint8_t *bytes, size_t len)
{
    if (len > SAM_DESCRIPTOR_MAX)
        return STATUS_INVALID_PARAMETER;
    struct security_descriptor check;
    if (bytes) {
        /* Stored only if it parses: every later reader trusts it. */
        NTSTATUS status = secdesc_parse(bytes, len, &check);
        if (!NT_SUCCESS(status))
            return STATUS_INVALID_PARAMETER;
        secdesc_free(&check);
    }
    struct sam_user user;
    NTSTATUS status = sam_begin(reg);
    if (!NT_SUCCESS(status))
        return status;
    status = sam_user_by_rid(reg, rid, &user);
    if (NT_SUCCESS(status)) {
        sqlite3_stmt *stmt = sam_prepare(reg, "UPDATE sam_users SET security_descriptor = ?2 WHERE rid = ?1");
        if (stmt) {
            sqlite3_bind_int64(stmt, 1, rid);
            if (bytes)
                sqlite3_bind_blob(stmt, 2, bytes, (int)len, SQLITE_TRANSIENT);
            else
                sqlite3_bind_null(stmt, 2);
        }
        status = sam_exec_stmt(reg, stmt);
        bool denied = false;
        if (NT_SUCCESS(status))
            status = sam_user_may_change_password(reg, rid, &user.sid, &denied);
        if (NT_SUCCESS(status))
            status = registry_audit(reg, actor, "user.set", user.name,
                                    denied ? "security descriptor (cannot change password)"
                                           : "security descriptor");
        sam_user_free(&user);
    }
    return sam_end(reg, status);
}

/* The SIDs a user's own change acts as: himself, SELF (the principal the
 * object is), Everyone, Authenticated Users. */
static bool applies_to_self(const struct sid *ace_sid, const struct sid *user)
{
    static const struct sid principal_self = { 1, 1, { 0, 0, 0, 0, 0, 5 }, { 10 } };
    return sid_equal(ace_sid, user) || sid_equal(ace_sid, &principal_self) ||
           sid_equal(ace_sid, &SID_EVERYONE) || sid_equal(ace_sid, &SID_AUTHENTICATED_USERS);
}

static uint32_t user_rights(uint32_t mask)
{
    if (mask & GENERIC_ALL_RIGHT)
        mask |= USER_ALL_ACCESS;
    if (mask & GENERIC_WRITE_RIGHT)
        mask |= USER_GENERIC_WRITE;
    if (mask & GENERIC_EXECUTE_RIGHT)
        mask |= USER_GENERIC_EXECUTE;
    return mask;
}

NTSTATUS sam_user_may_change_password(struct registry *reg, uint32_t rid, const struct sid *user_sid,
                                      bool *denied)
{
    *denied = false;
    uint8_t *bytes = NULL;
    size_t len = 0;
    NTSTATUS status = sam_user_get_descriptor(reg, rid, &bytes, &len);
    if (!NT_SUCCESS(status) || !bytes)
        return status; /* the default grants Everyone the change */
    struct security_descriptor sd;
    status = secdesc_parse(bytes, len, &sd);
    free(bytes);
    if (!NT_SUCCESS(status))
        return STATUS_INTERNAL_ERROR;
    /* [MS-DTYP] 2.5.3.2, for one right: the first ACE that names it for one
     * of the user's SIDs decides; none: not granted. No DACL: everything. */
    if (sd.dacl) {
        bool decided = false;
        for (uint16_t i = 0; i < sd.dacl->count && !decided; i++) {
            const struct ace *a = &sd.dacl->aces[i];
            if ((a->flags & INHERIT_ONLY_ACE) || ace_is_object(a->type) || ace_is_callback(a->type))
                continue;
            if (!(user_rights(a->mask) & USER_CHANGE_PASSWORD) || !applies_to_self(&a->sid, user_sid))
                continue;
            if (ace_is_deny(a->type))
                *denied = decided = true;
            else if (ace_is_allow(a->type))
                decided = true;
        }
        if (!decided)
            *denied = true;
    }
    secdesc_free(&sd);
    return STATUS_SUCCESS;
}

NTSTATUS sam_user_get_logon_hours(struct registry *reg, uint32_t rid, uint8_t hours[SAM_LOGON_HOURS_BYTES],
                                  bool *restricted)
{
    memset(hours, 0xFF, SAM_LOGON_HOURS_BYTES);
    *restricted = false;
    sqlite3_stmt *stmt = sam_prepare(reg, "SELECT logon_hours FROM sam_users WHERE rid = ?1");
    if (!stmt)
        return STATUS_INTERNAL_ERROR;
    sqlite3_bind_int64(stmt, 1, rid);
    NTSTATUS status = STATUS_SUCCESS;
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        const void *blob = sqlite3_column_blob(stmt, 0);
        if (blob && sqlite3_column_bytes(stmt, 0) == SAM_LOGON_HOURS_BYTES) {
            memcpy(hours, blob, SAM_LOGON_HOURS_BYTES);
            *restricted = true;
        }
    } else {
        status = rc == SQLITE_DONE ? STATUS_NO_SUCH_USER : sam_sqlite_status(reg, rc);
    }
    sqlite3_finalize(stmt);
    return status;
}

NTSTATUS sam_user_set_logon_hours(struct registry *reg, const struct audit_actor *actor, uint32_t rid,
                                  const uint8_t *hours)
{
    bool every = true;
    for (unsigned i = 0; hours && i < SAM_LOGON_HOURS_BYTES; i++)
        every = every && hours[i] == 0xFF;
    struct sam_user user;
    NTSTATUS status = sam_begin(reg);
    if (!NT_SUCCESS(status))
        return status;
    status = sam_user_by_rid(reg, rid, &user);
    if (NT_SUCCESS(status)) {
        sqlite3_stmt *stmt = sam_prepare(reg, "UPDATE sam_users SET logon_hours = ?2 WHERE rid = ?1");
        if (stmt) {
            sqlite3_bind_int64(stmt, 1, rid);
            if (every)
                sqlite3_bind_null(stmt, 2); /* every hour: no restriction to keep */
            else
                sqlite3_bind_blob(stmt, 2, hours, SAM_LOGON_HOURS_BYTES, SQLITE_TRANSIENT);
        }
        status = sam_exec_stmt(reg, stmt);
        unsigned allowed = 0;
        for (unsigned i = 0; i < SAM_LOGON_HOURS_BYTES * 8; i++)
            allowed += every || (hours[i / 8] >> (i % 8) & 1);
        char detail[64];
        snprintf(detail, sizeof detail, "logon-hours=%u of 168", allowed);
        if (NT_SUCCESS(status))
            status = registry_audit(reg, actor, "user.set", user.name, detail);
        sam_user_free(&user);
    }
    return sam_end(reg, status);
}

bool sam_logon_hours_allow(const uint8_t hours[SAM_LOGON_HOURS_BYTES], int64_t now)
{
    /* 1970-01-01 was a Thursday: day 4 of a week that starts on Sunday. */
    int64_t hour_of_week = ((now / 3600) + 4 * 24) % 168;
    if (hour_of_week < 0)
        hour_of_week += 168;
    return hours[hour_of_week / 8] >> (hour_of_week % 8) & 1;
}
