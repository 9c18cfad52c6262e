/* Temporary skeleton: every function of registry.h, so other modules link
 * against the final names while the implementation is written. */
#include <stdlib.h>

#include "registry/registry.h"

NTSTATUS registry_open(const char *db_path, struct registry **out) { *out = NULL; return STATUS_NOT_IMPLEMENTED; }
void registry_close(struct registry *reg) {}
sqlite3 *registry_sqlite(struct registry *reg) { return NULL; }
const char *registry_path(struct registry *reg) { return NULL; }
int registry_schema_latest(const char *module) { return -1; }
int registry_schema_version(struct registry *reg, const char *module) { return -1; }
NTSTATUS registry_begin(struct registry *reg) { return STATUS_NOT_IMPLEMENTED; }
NTSTATUS registry_commit(struct registry *reg) { return STATUS_NOT_IMPLEMENTED; }
NTSTATUS registry_rollback(struct registry *reg) { return STATUS_NOT_IMPLEMENTED; }
unsigned registry_transaction_depth(struct registry *reg) { return 0; }
uint64_t registry_change_counter(struct registry *reg) { return 0; }
struct audit_actor *audit_actor_self(struct audit_actor *actor, const char *via, const char *source)
{ actor->via = via; actor->uid = 0; actor->user = "?"; actor->source = source; return actor; }
NTSTATUS registry_audit(struct registry *reg, const struct audit_actor *actor, const char *action,
                        const char *object, const char *detail) { return STATUS_NOT_IMPLEMENTED; }
NTSTATUS registry_audit_list(struct registry *reg, int64_t since_ms, size_t limit,
                             struct audit_entry **entries, size_t *count) { return STATUS_NOT_IMPLEMENTED; }
void registry_audit_list_free(struct audit_entry *entries, size_t count) {}
const struct setting_def *registry_setting_find(const char *name) { return NULL; }
size_t registry_setting_count(void) { return 0; }
const struct setting_def *registry_setting_at(size_t index) { return NULL; }
const char *reg_type_name(enum reg_type type) { return "REG_NONE"; }
const char *reg_type_short_name(enum reg_type type) { return "none"; }
NTSTATUS registry_setting_validate(const struct setting_def *def, const char *text,
                                   char **normalized, char **error_message) { return STATUS_NOT_IMPLEMENTED; }
NTSTATUS registry_setting_get_text(struct registry *reg, const char *name, char **value,
                                   bool *is_default) { return STATUS_NOT_IMPLEMENTED; }
NTSTATUS registry_setting_get_dword(struct registry *reg, const char *name, uint32_t *value) { return STATUS_NOT_IMPLEMENTED; }
NTSTATUS registry_setting_get_qword(struct registry *reg, const char *name, uint64_t *value) { return STATUS_NOT_IMPLEMENTED; }
NTSTATUS registry_setting_get_string(struct registry *reg, const char *name, char **value) { return STATUS_NOT_IMPLEMENTED; }
NTSTATUS registry_setting_get_multi(struct registry *reg, const char *name, char ***items,
                                    size_t *count) { return STATUS_NOT_IMPLEMENTED; }
void registry_strv_free(char **items) {}
NTSTATUS registry_setting_get_binary(struct registry *reg, const char *name, uint8_t **data,
                                     size_t *len) { return STATUS_NOT_IMPLEMENTED; }
NTSTATUS registry_setting_get_bool(struct registry *reg, const char *name, bool *value) { return STATUS_NOT_IMPLEMENTED; }
NTSTATUS registry_setting_set(struct registry *reg, const char *name, const char *text,
                              const struct audit_actor *actor, char **error_message) { return STATUS_NOT_IMPLEMENTED; }
NTSTATUS registry_setting_unset(struct registry *reg, const char *name,
                                const struct audit_actor *actor, char **error_message) { return STATUS_NOT_IMPLEMENTED; }
