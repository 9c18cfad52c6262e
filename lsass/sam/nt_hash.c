/* Setting an account's NT hash directly: for provisioning files and migration,
 * which carry hashes, never passwords. No password policy can be checked
 * against a hash, so this is for administrators' tools only. */
#include <string.h>

#include "lib/crypto.h"
#include "lsass/sam/sam_internal.h"

NTSTATUS sam_user_set_nt_hash(struct registry *reg, const struct audit_actor *actor,
                              uint32_t rid, const uint8_t nt_hash[SAM_NT_HASH_LENGTH])
{
    struct sam_user user;
    NTSTATUS status = sam_begin(reg);
    if (!NT_SUCCESS(status))
        return status;
    status = sam_user_by_rid(reg, rid, &user);
    if (NT_SUCCESS(status)) {
        sqlite3_stmt *stmt = sam_prepare(
            reg, "UPDATE sam_users SET nt_hash = ?2, password_last_set = ?3, "
                 "flags = flags & ~?4 WHERE rid = ?1");
        if (stmt) {
            sqlite3_bind_int64(stmt, 1, rid);
            sqlite3_bind_blob(stmt, 2, nt_hash, SAM_NT_HASH_LENGTH, SQLITE_TRANSIENT);
            sqlite3_bind_int64(stmt, 3, sam_now());
            sqlite3_bind_int64(stmt, 4, SAM_USER_PASSWORD_EXPIRED);
        }
        status = sam_exec_stmt(reg, stmt);
        if (NT_SUCCESS(status))
            status = sam_password_history_add(reg, rid, nt_hash);
        if (NT_SUCCESS(status))
            status = registry_audit(reg, actor, "user.passwd", user.name, "NT hash set");
        sam_user_free(&user);
    }
    return sam_end(reg, status);
}
