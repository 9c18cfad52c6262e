/* Placeholder bodies so the header links; the real ones follow. */
#include "lsass/idmap/idmap.h"

#include <stdlib.h>

NTSTATUS idmap_range_parse(const char *text, struct idmap_range *range, const char **why) { return STATUS_NOT_IMPLEMENTED; }
NTSTATUS idmap_range_get(struct registry *reg, struct idmap_range *range) { return STATUS_NOT_IMPLEMENTED; }
NTSTATUS idmap_range_check(struct registry *reg, const struct idmap_range *range, char **why) { return STATUS_NOT_IMPLEMENTED; }
NTSTATUS idmap_sid_to_uid(struct registry *reg, const struct sid *sid, uid_t *uid) { return STATUS_NOT_IMPLEMENTED; }
NTSTATUS idmap_sid_to_gid(struct registry *reg, const struct sid *sid, gid_t *gid) { return STATUS_NOT_IMPLEMENTED; }
NTSTATUS idmap_uid_to_sid(struct registry *reg, uid_t uid, struct sid *sid) { return STATUS_NOT_IMPLEMENTED; }
NTSTATUS idmap_gid_to_sid(struct registry *reg, gid_t gid, struct sid *sid) { return STATUS_NOT_IMPLEMENTED; }
NTSTATUS idmap_token_ids(struct registry *reg, const struct access_token *token, uid_t *uid, gid_t *gid) { return STATUS_NOT_IMPLEMENTED; }
NTSTATUS idmap_user_set_unix_account(struct registry *reg, const struct audit_actor *actor, const char *user, const char *account) { return STATUS_NOT_IMPLEMENTED; }
NTSTATUS idmap_user_unix_account(struct registry *reg, const char *user, char **account) { return STATUS_NOT_IMPLEMENTED; }
NTSTATUS idmap_passwd_by_name(struct registry *reg, const char *name, struct idmap_passwd *pw) { return STATUS_NOT_IMPLEMENTED; }
NTSTATUS idmap_passwd_by_uid(struct registry *reg, uid_t uid, struct idmap_passwd *pw) { return STATUS_NOT_IMPLEMENTED; }
NTSTATUS idmap_passwd_list(struct registry *reg, struct idmap_passwd **list, size_t *count) { return STATUS_NOT_IMPLEMENTED; }
void idmap_passwd_free(struct idmap_passwd *pw) {}
void idmap_passwd_list_free(struct idmap_passwd *list, size_t count) {}
NTSTATUS idmap_group_by_name(struct registry *reg, const char *name, struct idmap_group *group) { return STATUS_NOT_IMPLEMENTED; }
NTSTATUS idmap_group_by_gid(struct registry *reg, gid_t gid, struct idmap_group *group) { return STATUS_NOT_IMPLEMENTED; }
NTSTATUS idmap_group_list(struct registry *reg, struct idmap_group **list, size_t *count) { return STATUS_NOT_IMPLEMENTED; }
void idmap_group_free(struct idmap_group *group) {}
void idmap_group_list_free(struct idmap_group *list, size_t count) {}
NTSTATUS idmap_user_gids(struct registry *reg, const char *name, gid_t **gids, size_t *count) { return STATUS_NOT_IMPLEMENTED; }
