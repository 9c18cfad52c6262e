/* Internals shared by the files of share-db/ (not a public header). */
#ifndef SW_SHARE_DB_INTERNAL_H
#define SW_SHARE_DB_INTERNAL_H

#include "share-db/share_db.h"

/* Sets *error_message (if error_message is not NULL) to a formatted line. */
void share_error(char **error_message, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* share_validate_name, optionally letting the reserved names through (for
 * IPC$ itself). */
NTSTATUS share_check_name(const char *name, bool allow_reserved, char **error_message);

/* True if name is IPC$ (any case). */
bool share_name_is_ipc(const char *name);

/* Checks that bytes are a well-formed self-relative security descriptor. */
NTSTATUS share_sd_check(const uint8_t *sd, size_t sd_len);

#endif
