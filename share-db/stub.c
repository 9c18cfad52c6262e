/* Temporary skeleton of share_db.h (see registry/stub.c). */
#include <stdlib.h>

#include "share-db/share_db.h"

NTSTATUS share_db_add(struct registry *reg, const struct share *share,
                      const struct audit_actor *actor, char **error_message) { return STATUS_NOT_IMPLEMENTED; }
NTSTATUS share_db_set(struct registry *reg, const struct share *share,
                      const struct audit_actor *actor, char **error_message) { return STATUS_NOT_IMPLEMENTED; }
NTSTATUS share_db_delete(struct registry *reg, const char *name,
                         const struct audit_actor *actor, char **error_message) { return STATUS_NOT_IMPLEMENTED; }
NTSTATUS share_db_get(struct registry *reg, const char *name, struct share **out) { return STATUS_NOT_IMPLEMENTED; }
NTSTATUS share_db_list(struct registry *reg, struct share ***out, size_t *count) { return STATUS_NOT_IMPLEMENTED; }
void share_free(struct share *share) {}
void share_list_free(struct share **shares, size_t count) {}
bool share_is_hidden(const struct share *share) { return false; }
NTSTATUS share_validate_name(const char *name, char **error_message) { return STATUS_NOT_IMPLEMENTED; }
NTSTATUS share_validate_path(const char *path, char **canonical, char **error_message) { return STATUS_NOT_IMPLEMENTED; }
NTSTATUS share_sd_from_grants(const char *const *grants, size_t count,
                              share_principal_resolver resolve, void *resolve_context,
                              uint8_t **sd, size_t *sd_len, char **error_message) { return STATUS_NOT_IMPLEMENTED; }
NTSTATUS share_sd_default(uint8_t **sd, size_t *sd_len) { return STATUS_NOT_IMPLEMENTED; }
NTSTATUS share_sd_to_grants(const uint8_t *sd, size_t sd_len, share_sid_namer namer,
                            void *namer_context, char ***grants, size_t *count) { return STATUS_NOT_IMPLEMENTED; }
