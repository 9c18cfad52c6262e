/* Unix ids of SAM accounts: the range, the ids given at creation, and the
 * mapping of a user to an existing Unix account (see sam.h and
 * lsass/idmap/idmap.h for the rules). */
#include "lsass/sam/sam_internal.h"

#include <grp.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "lsass/idmap/idmap.h"

/* The machine domain RIDs without a row whose ids come from the id base. */
static const uint32_t rowless_rids[] = { IDMAP_ANONYMOUS_OFFSET, IDMAP_RID_GUEST, IDMAP_RID_NONE,
                                         IDMAP_RID_DOMAIN_GUESTS };
/* How many more accounts a new range must leave room for. */
#define RANGE_HEADROOM 1000u

static char *format_why(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *format_why(const char *fmt, ...)
{
    char *text = NULL;
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&text, fmt, ap) < 0)
        text = NULL;
    va_end(ap);
    return text;
}

static void set_why(char **why, char *text)
{
    if (why)
        *why = text;
    else
        free(text);
}

NTSTATUS sam_id_range_parse(const char *text, uint32_t *first, uint32_t *last, const char **why)
{
    unsigned long long a, b;
    char tail;
    if (!text || strchr(text, '+') || sscanf(text, " %llu - %llu %c", &a, &b, &tail) != 2) {
        if (why)
            *why = "not FIRST-LAST";
        return STATUS_INVALID_PARAMETER;
    }
    if (a < IDMAP_MIN_ID || a > b || b > IDMAP_MAX_ID) {
        if (why)
            *why = "want 1000 <= FIRST <= LAST <= 2147483646 (system accounts live below 1000)";
        return STATUS_INVALID_PARAMETER;
    }
    *first = (uint32_t)a;
    *last = (uint32_t)b;
    return STATUS_SUCCESS;
}

NTSTATUS sam_id_range(struct registry *reg, uint32_t *first, uint32_t *last)
{
    char *text = NULL;
    NTSTATUS status = registry_setting_get_string(reg, IDMAP_RANGE_SETTING, &text);
    if (NT_SUCCESS(status))
        status = sam_id_range_parse(text, first, last, NULL);
    free(text);
    if (!NT_SUCCESS(status)) {
        /* The schema validated it when it was set; a bad value here is a
         * damaged registry, and the default is the safe reading. */
        log_warning("sam: %s unreadable (%s); using " IDMAP_DEFAULT_RANGE, IDMAP_RANGE_SETTING,
                    nt_status_name(status));
        *first = IDMAP_DEFAULT_FIRST;
        *last = IDMAP_DEFAULT_LAST;
    }
    return STATUS_SUCCESS;
}

NTSTATUS sam_id_base(struct registry *reg, uint32_t *base)
{
    sqlite3_stmt *stmt = sam_prepare(reg, "SELECT id_base FROM sam_domain WHERE id = 1");
    if (!stmt)
        return STATUS_INTERNAL_ERROR;
    NTSTATUS status = STATUS_SUCCESS;
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW && sqlite3_column_type(stmt, 0) != SQLITE_NULL) {
        int64_t value = sqlite3_column_int64(stmt, 0);
        if (value < IDMAP_MIN_ID || value > IDMAP_MAX_ID)
            status = STATUS_INTERNAL_ERROR;
        else
            *base = (uint32_t)value;
    } else if (rc == SQLITE_ROW || rc == SQLITE_DONE) {
        /* Not fixed yet (before sam_init): the current range's. */
        uint32_t last;
        status = sam_id_range(reg, base, &last);
    } else {
        status = sam_sqlite_status(reg, rc);
    }
    sqlite3_finalize(stmt);
    return status;
}

NTSTATUS sam_id_base_init(struct registry *reg)
{
    uint32_t first, last;
    NTSTATUS status = sam_id_range(reg, &first, &last);
    if (!NT_SUCCESS(status))
        return status;
    sqlite3_stmt *stmt =
        sam_prepare(reg, "UPDATE sam_domain SET id_base = ?1 WHERE id = 1 AND id_base IS NULL");
    if (stmt)
        sqlite3_bind_int64(stmt, 1, first);
    return sam_exec_stmt(reg, stmt);
}

NTSTATUS sam_id_for_rid(struct registry *reg, uint32_t rid, uint32_t *id)
{
    uint32_t first, last;
    NTSTATUS status = sam_id_range(reg, &first, &last);
    if (!NT_SUCCESS(status))
        return status;
    if ((uint64_t)first + rid > last) {
        log_error("sam: RID %" PRIu32 " does not fit in %s %" PRIu32 "-%" PRIu32
                  ": widen the range", rid, IDMAP_RANGE_SETTING, first, last);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    *id = first + rid;
    return STATUS_SUCCESS;
}

/* The first stored id in [low, high] of column (uid of users, gid of groups),
 * or 0 if none. */
static NTSTATUS stored_id_in(struct registry *reg, const char *sql, uint64_t low, uint64_t high,
                             uint32_t *found)
{
    *found = 0;
    sqlite3_stmt *stmt = sam_prepare(reg, sql);
    if (!stmt)
        return STATUS_INTERNAL_ERROR;
    sqlite3_bind_int64(stmt, 1, (int64_t)low);
    sqlite3_bind_int64(stmt, 2, (int64_t)high);
    int rc = sqlite3_step(stmt);
    NTSTATUS status = STATUS_SUCCESS;
    if (rc == SQLITE_ROW)
        *found = (uint32_t)sqlite3_column_int64(stmt, 0);
    else if (rc != SQLITE_DONE)
        status = sam_sqlite_status(reg, rc);
    sqlite3_finalize(stmt);
    return status;
}

/* The next RID the SAM hands out (SAM_FIRST_RID before sam_init). */
static NTSTATUS peek_next_rid(struct registry *reg, uint32_t *rid)
{
    *rid = SAM_FIRST_RID;
    sqlite3_stmt *stmt = sam_prepare(reg, "SELECT next_rid FROM sam_domain WHERE id = 1");
    if (!stmt)
        return STATUS_INTERNAL_ERROR;
    int rc = sqlite3_step(stmt);
    NTSTATUS status = STATUS_SUCCESS;
    if (rc == SQLITE_ROW) {
        int64_t next = sqlite3_column_int64(stmt, 0);
        if (next >= SAM_FIRST_RID && next < (int64_t)UINT32_MAX)
            *rid = (uint32_t)next;
    } else if (rc != SQLITE_DONE) {
        status = sam_sqlite_status(reg, rc);
    }
    sqlite3_finalize(stmt);
    return status;
}

/* An /etc/passwd uid or /etc/group gid in [low, high]: the local files only,
 * which is where system and regular accounts live (asking NSS would ask
 * lsassd about its own ids). */
static bool local_files_use(uint64_t low, uint64_t high, char *what, size_t what_size)
{
    bool found = false;
    FILE *f = fopen("/etc/passwd", "re");
    if (f) {
        struct passwd *pw;
        while (!found && (pw = fgetpwent(f)))
            if (pw->pw_uid >= low && pw->pw_uid <= high) {
                snprintf(what, what_size, "Unix account %s (uid %lu)", pw->pw_name,
                         (unsigned long)pw->pw_uid);
                found = true;
            }
        fclose(f);
    }
    f = fopen("/etc/group", "re");
    if (f) {
        struct group *gr;
        while (!found && (gr = fgetgrent(f)))
            if (gr->gr_gid >= low && gr->gr_gid <= high) {
                snprintf(what, what_size, "Unix group %s (gid %lu)", gr->gr_name,
                         (unsigned long)gr->gr_gid);
                found = true;
            }
        fclose(f);
    }
    return found;
}

NTSTATUS sam_id_range_check(struct registry *reg, uint32_t first, uint32_t last, char **why)
{
    if (why)
        *why = NULL;
    uint32_t next_rid, base, found;
    NTSTATUS status = peek_next_rid(reg, &next_rid);
    if (!NT_SUCCESS(status))
        return status;
    if ((uint64_t)first + next_rid + RANGE_HEADROOM - 1 > last) {
        set_why(why, format_why("%s %" PRIu32 "-%" PRIu32 " is too small: the next RID is %" PRIu32
                                ", so LAST must be at least %" PRIu64 " (FIRST + next RID + %u more "
                                "accounts)", IDMAP_RANGE_SETTING, first, last, next_rid,
                                (uint64_t)first + next_rid + RANGE_HEADROOM - 1, RANGE_HEADROOM));
        return STATUS_INVALID_PARAMETER;
    }
    /* The ids the range would hand out from now on. */
    uint64_t low = (uint64_t)first + next_rid, high = last;
    status = stored_id_in(reg, "SELECT uid FROM sam_users WHERE uid BETWEEN ?1 AND ?2 LIMIT 1", low,
                          high, &found);
    if (NT_SUCCESS(status) && !found)
        status = stored_id_in(reg, "SELECT gid FROM sam_groups WHERE gid BETWEEN ?1 AND ?2 LIMIT 1",
                              low, high, &found);
    if (!NT_SUCCESS(status))
        return status;
    if (found) {
        set_why(why, format_why("%s %" PRIu32 "-%" PRIu32 " would give new accounts id %" PRIu32
                                ", which an existing SAM account already has", IDMAP_RANGE_SETTING,
                                first, last, found));
        return STATUS_INVALID_PARAMETER;
    }
    status = sam_id_base(reg, &base);
    if (status == STATUS_INVALID_DEVICE_STATE)
        base = first;
    else if (!NT_SUCCESS(status))
        return status;
    for (size_t i = 0; i < sizeof rowless_rids / sizeof *rowless_rids; i++) {
        uint64_t id = (uint64_t)base + rowless_rids[i];
        if (id >= low && id <= high) {
            set_why(why, format_why("%s %" PRIu32 "-%" PRIu32 " would give new accounts id %" PRIu64
                                    ", which Guest, anonymous or a well-known group already has",
                                    IDMAP_RANGE_SETTING, first, last, id));
            return STATUS_INVALID_PARAMETER;
        }
    }
    char what[160];
    if (local_files_use(first, last, what, sizeof what)) {
        set_why(why, format_why("%s %" PRIu32 "-%" PRIu32 " overlaps %s", IDMAP_RANGE_SETTING, first,
                                last, what));
        return STATUS_INVALID_PARAMETER;
    }
    return STATUS_SUCCESS;
}

/* The registry runs this on every set and unset of lsass.id-range. */
static NTSTATUS check_range_setting(struct registry *reg, const char *name, const char *value,
                                    char **error_message)
{
    uint32_t first, last;
    const char *why = NULL;
    NTSTATUS status = sam_id_range_parse(value, &first, &last, &why);
    if (!NT_SUCCESS(status)) {
        set_why(error_message, format_why("%s: '%s': %s", name, value, why));
        return status;
    }
    return sam_id_range_check(reg, first, last, error_message);
}

__attribute__((constructor)) static void register_range_check(void)
{
    registry_setting_add_checker(IDMAP_RANGE_SETTING, check_range_setting);
}

/* Whether id is one the SAM hands out itself: inside the current range, a
 * stored uid, or one of the id base's well-known ids. */
static NTSTATUS id_is_samewise(struct registry *reg, uint32_t id, bool *ours)
{
    uint32_t first, last, base, found;
    *ours = false;
    NTSTATUS status = sam_id_range(reg, &first, &last);
    if (!NT_SUCCESS(status))
        return status;
    if (id >= first && id <= last) {
        *ours = true;
        return STATUS_SUCCESS;
    }
    status = stored_id_in(reg, "SELECT uid FROM sam_users WHERE uid BETWEEN ?1 AND ?2 LIMIT 1", id,
                          id, &found);
    if (!NT_SUCCESS(status))
        return status;
    if (found) {
        *ours = true;
        return STATUS_SUCCESS;
    }
    status = sam_id_base(reg, &base);
    if (!NT_SUCCESS(status))
        return status == STATUS_INVALID_DEVICE_STATE ? STATUS_SUCCESS : status;
    for (size_t i = 0; i < sizeof rowless_rids / sizeof *rowless_rids; i++)
        if ((uint64_t)base + rowless_rids[i] == id)
            *ours = true;
    return STATUS_SUCCESS;
}

NTSTATUS sam_unix_account_check(struct registry *reg, const char *account, uint32_t except_rid,
                                uid_t *uid, gid_t *gid, char **why)
{
    if (why)
        *why = NULL;
    struct passwd pw, *found = NULL;
    char buffer[4096];
    if (!account || !*account || strlen(account) > 32) {
        set_why(why, format_why("'%s' is not a Unix account name", account ? account : ""));
        return STATUS_INVALID_PARAMETER;
    }
    if (getpwnam_r(account, &pw, buffer, sizeof buffer, &found) != 0 || !found) {
        set_why(why, format_why("there is no Unix account %s", account));
        return STATUS_INVALID_PARAMETER;
    }
    /* Nobody acts as root over the network. */
    if (found->pw_uid == 0 || found->pw_gid == 0) {
        set_why(why, format_why("Unix account %s is uid %lu, group %lu: a privileged account "
                                "(uid 0 or group 0) is never a network user's",
                                account, (unsigned long)found->pw_uid,
                                (unsigned long)found->pw_gid));
        return STATUS_INVALID_PARAMETER;
    }
    bool ours;
    NTSTATUS status = id_is_samewise(reg, (uint32_t)found->pw_uid, &ours);
    if (!NT_SUCCESS(status))
        return status;
    if (ours) {
        set_why(why, format_why("%s (uid %lu) has an id Samewise gives SAM accounts itself, not a "
                                "Unix account of its own", account, (unsigned long)found->pw_uid));
        return STATUS_INVALID_PARAMETER;
    }
    /* Another SAM user mapped to this account, by name or by uid (two Unix
     * names may share a uid). */
    sqlite3_stmt *stmt = sam_prepare(reg, "SELECT rid, name, unix_account FROM sam_users "
                                          "WHERE unix_account IS NOT NULL AND unix_account <> '' "
                                          "AND rid <> ?1");
    if (!stmt)
        return STATUS_INTERNAL_ERROR;
    sqlite3_bind_int64(stmt, 1, except_rid);
    uid_t wanted = found->pw_uid;
    gid_t wanted_gid = found->pw_gid;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        const char *other = (const char *)sqlite3_column_text(stmt, 1);
        const char *mapped = (const char *)sqlite3_column_text(stmt, 2);
        struct passwd opw, *ofound = NULL;
        char obuffer[4096];
        bool same = mapped && strcmp(mapped, account) == 0;
        if (!same && mapped && getpwnam_r(mapped, &opw, obuffer, sizeof obuffer, &ofound) == 0 &&
            ofound && ofound->pw_uid == wanted)
            same = true;
        if (same) {
            set_why(why, format_why("SAM user %s already acts as Unix account %s (uid %lu)",
                                    other ? other : "?", mapped, (unsigned long)wanted));
            sqlite3_finalize(stmt);
            return STATUS_USER_EXISTS;
        }
    }
    status = rc == SQLITE_DONE ? STATUS_SUCCESS : sam_sqlite_status(reg, rc);
    sqlite3_finalize(stmt);
    if (NT_SUCCESS(status)) {
        if (uid)
            *uid = wanted;
        if (gid)
            *gid = wanted_gid;
    }
    return status;
}

static NTSTATUS store_unix_account(struct registry *reg, uint32_t rid, const char *account)
{
    sqlite3_stmt *stmt = sam_prepare(reg, "UPDATE sam_users SET unix_account = ?2 WHERE rid = ?1");
    if (!stmt)
        return STATUS_INTERNAL_ERROR;
    sqlite3_bind_int64(stmt, 1, rid);
    if (account)
        sqlite3_bind_text(stmt, 2, account, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(stmt, 2);
    return sam_exec_stmt(reg, stmt);
}

NTSTATUS sam_user_set_unix_account(struct registry *reg, const struct audit_actor *actor,
                                   uint32_t rid, const char *account, char **why)
{
    if (why)
        *why = NULL;
    struct sam_user user;
    NTSTATUS status = sam_begin(reg);
    if (!NT_SUCCESS(status))
        return status;
    status = sam_user_by_rid(reg, rid, &user);
    if (NT_SUCCESS(status) && account)
        status = sam_unix_account_check(reg, account, rid, NULL, NULL, why);
    if (NT_SUCCESS(status))
        status = store_unix_account(reg, rid, account);
    if (NT_SUCCESS(status)) {
        char detail[96];
        snprintf(detail, sizeof detail, "unix-account=\"%s\"", account ? account : "");
        status = registry_audit(reg, actor, "user.set", user.name, detail);
    }
    status = sam_end(reg, status);
    if (user.name)
        sam_user_free(&user);
    return status;
}

NTSTATUS sam_ids_settle(struct registry *reg)
{
    /* Cheap when there is nothing to do: no transaction, one indexed look. */
    sqlite3_stmt *stmt = sam_prepare(reg, "SELECT 1 FROM sam_users WHERE unix_account = '' LIMIT 1");
    if (!stmt)
        return STATUS_INTERNAL_ERROR;
    int rc = sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    if (rc == SQLITE_DONE)
        return STATUS_SUCCESS;
    if (rc != SQLITE_ROW)
        return sam_sqlite_status(reg, rc);

    NTSTATUS status = sam_begin(reg);
    if (!NT_SUCCESS(status))
        return status;
    /* Read them all first: SQLite leaves undefined a SELECT that sees its
     * own table change under it. */
    struct sam_user_list list;
    status = sam_user_list(reg, &list);
    for (size_t i = 0; NT_SUCCESS(status) && i < list.count; i++) {
        stmt = sam_prepare(reg, "SELECT 1 FROM sam_users WHERE rid = ?1 AND unix_account = ''");
        if (!stmt) {
            status = STATUS_INTERNAL_ERROR;
            break;
        }
        sqlite3_bind_int64(stmt, 1, list.users[i].rid);
        rc = sqlite3_step(stmt);
        sqlite3_finalize(stmt);
        if (rc != SQLITE_ROW) {
            if (rc != SQLITE_DONE)
                status = sam_sqlite_status(reg, rc);
            continue;
        }
        const char *name = list.users[i].name;
        /* What the account acted as before: the Unix account of its name,
         * when that is one it may still act as. */
        bool same = NT_SUCCESS(sam_unix_account_check(reg, name, list.users[i].rid, NULL, NULL, NULL));
        status = store_unix_account(reg, list.users[i].rid, same ? name : NULL);
        if (NT_SUCCESS(status))
            log_info("sam: user %s now acts as %s on disk", name,
                     same ? "the Unix account of its name" : "its own uid");
    }
    if (NT_SUCCESS(status) || list.users)
        sam_user_list_free(&list);
    return sam_end(reg, status);
}
