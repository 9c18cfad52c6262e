/* Logon bookkeeping for lsassd: last logon, bad-password count, lockout.
 *
 * These are not administrative changes and are not audited (a busy server would
 * flood the audit log), except the moment an account becomes locked out. */
#include "lsass/sam/sam_internal.h"

#include <stdio.h>
#include <string.h>

NTSTATUS sam_user_logon_success(struct registry *reg, uint32_t rid, int64_t now)
{
    NTSTATUS status = sam_begin(reg);
    if (!NT_SUCCESS(status))
        return status;
    /* A lockout that lsassd let through has expired: clear it here, so that
     * listings stop showing the account as locked. */
    sqlite3_stmt *stmt = sam_prepare(
        reg, "UPDATE sam_users SET last_logon = ?2, bad_password_count = 0, lockout_time = 0, "
             "flags = flags & ~?3 WHERE rid = ?1");
    if (stmt) {
        sqlite3_bind_int64(stmt, 1, rid);
        sqlite3_bind_int64(stmt, 2, now);
        sqlite3_bind_int64(stmt, 3, SAM_USER_LOCKED_OUT);
    }
    status = sam_exec_stmt(reg, stmt);
    if (NT_SUCCESS(status) && sqlite3_changes(registry_sqlite(reg)) == 0)
        status = STATUS_NO_SUCH_USER;
    return sam_end(reg, status);
}

NTSTATUS sam_user_logon_failure(struct registry *reg, uint32_t rid, int64_t now,
                                const struct sam_lockout_policy *policy, bool *locked_out)
{
    struct sam_user user;
    bool locked = false;
    NTSTATUS status = sam_begin(reg);
    if (!NT_SUCCESS(status))
        return status;
    status = sam_user_by_rid(reg, rid, &user);
    if (!NT_SUCCESS(status))
        goto out;
    locked = sam_user_is_locked_out(&user, policy, now);
    uint32_t count = user.bad_password_count;
    /* Windows restarts the count once the observation window has passed
     * since the last bad password, and after a lockout has expired. */
    if ((policy->observation_window > 0 && user.last_bad_password > 0 &&
         now - user.last_bad_password >= policy->observation_window) ||
        ((user.flags & SAM_USER_LOCKED_OUT) && !locked))
        count = 0;
    if (count < UINT32_MAX)
        count++;
    bool lock_now = !locked && policy->threshold > 0 && count >= policy->threshold;
    uint32_t flags = user.flags;
    if (lock_now)
        flags |= SAM_USER_LOCKED_OUT;
    else if (!locked)
        flags &= ~SAM_USER_LOCKED_OUT;
    sqlite3_stmt *stmt = sam_prepare(
        reg, "UPDATE sam_users SET bad_password_count = ?2, last_bad_password = ?3, flags = ?4, "
             "lockout_time = CASE WHEN ?5 THEN ?3 ELSE lockout_time END WHERE rid = ?1");
    if (stmt) {
        sqlite3_bind_int64(stmt, 1, rid);
        sqlite3_bind_int64(stmt, 2, count);
        sqlite3_bind_int64(stmt, 3, now);
        sqlite3_bind_int64(stmt, 4, flags);
        sqlite3_bind_int(stmt, 5, lock_now);
    }
    status = sam_exec_stmt(reg, stmt);
    if (NT_SUCCESS(status) && lock_now) {
        static const struct audit_actor lsass_actor = { "daemon", 0, "lsassd", NULL };
        char detail[64];
        snprintf(detail, sizeof detail, "locked out after %u bad passwords", count);
        status = registry_audit(reg, &lsass_actor, "user.lockout", user.name, detail);
    }
    if (NT_SUCCESS(status))
        locked = locked || lock_now;
out:
    status = sam_end(reg, status);
    sam_user_free(&user);
    if (locked_out)
        *locked_out = NT_SUCCESS(status) && locked;
    return status;
}
