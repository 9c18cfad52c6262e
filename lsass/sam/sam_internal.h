/* Shared by the SAM's own files; not part of its interface (that is sam.h). */
#ifndef SW_SAM_INTERNAL_H
#define SW_SAM_INTERNAL_H

#include <sqlite3.h>

#include "lsass/sam/sam.h"
#include "registry/registry.h"

/* Opens a (possibly nested) transaction. */
NTSTATUS sam_begin(struct registry *reg);
/* Commits if status is a success, else rolls back; returns status, or the
 * commit's failure. */
NTSTATUS sam_end(struct registry *reg, NTSTATUS status);

/* Prepares sql on the registry's connection; NULL on failure (logged). */
sqlite3_stmt *sam_prepare(struct registry *reg, const char *sql);
/* Maps a failed SQLite result code to an NTSTATUS (and logs it). */
NTSTATUS sam_sqlite_status(struct registry *reg, int rc);
/* Runs a prepared statement that returns no rows, then finalises it. */
NTSTATUS sam_exec_stmt(struct registry *reg, sqlite3_stmt *stmt);
/* A text column as a malloc'd string ("" for NULL); NULL only if out of memory. */
char *sam_column_strdup(sqlite3_stmt *stmt, int column);

/* The upper-cased key a name is stored and looked up under. malloc'd. */
char *sam_name_key(const char *name);
/* Unix seconds. */
int64_t sam_now(void);

/* Takes the next RID from the domain's counter (inside a transaction). */
NTSTATUS sam_next_rid(struct registry *reg, uint32_t *rid);
/* STATUS_USER_EXISTS / STATUS_ALIAS_EXISTS if a user or a group already has
 * this name key (ignoring the user except_user_rid, 0 for none). */
NTSTATUS sam_name_taken(struct registry *reg, const char *name_key, uint32_t except_user_rid);

/* The id a new account with RID rid gets: FIRST + rid of lsass.id-range.
 * STATUS_INSUFFICIENT_RESOURCES when it falls beyond LAST (the range is
 * used up: an administrator widens it). */
NTSTATUS sam_id_for_rid(struct registry *reg, uint32_t rid, uint32_t *id);
/* Sets sam_domain.id_base to the current range's FIRST if it has none. */
NTSTATUS sam_id_base_init(struct registry *reg);

/* A free text field: valid UTF-8, at most max characters, no control
 * characters; STATUS_INVALID_PARAMETER otherwise (NULL is fine). */
NTSTATUS sam_check_text(const char *text, size_t max);

/* Records a password just set in the account's history (user_details.c). */
NTSTATUS sam_password_history_add(struct registry *reg, uint32_t rid, const uint8_t nt_hash[16]);

/* Removes a SID from every group (a deleted account). */
NTSTATUS sam_members_forget(struct registry *reg, const struct sid *member);

/* The local group RID of a SID (domain SID + rid of a non-built-in group, or
 * S-1-5-32-rid of a built-in alias); STATUS_NO_SUCH_ALIAS otherwise. */
NTSTATUS sam_group_rid_of(struct registry *reg, const struct sid *sid, uint32_t *rid);

#endif
