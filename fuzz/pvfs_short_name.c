/* Fuzz target: 8.3 short names. The input is split at its first NUL into a
 * long name and a candidate short name (both as a client could send them).
 * Whatever the long name, a generated short name must be an 8.3 name of the
 * shape lookups search for, at most 12 characters, recognised as its own;
 * and an 8.3 name must get none. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/pvfs/pvfs_private.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    char *text = malloc(size + 2);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    text[size + 1] = '\0';
    const char *long_name = text;
    const char *candidate = text + strlen(text) + 1;
    char s[PVFS_SHORT_NAME_SIZE];
    bool made = pvfs_short_name(long_name, s);
    if (made) {
        if (strlen(s) > 12 || !pvfs_name_is_8dot3(s) || !pvfs_short_name_shaped(s) ||
            !pvfs_short_name_is(long_name, s))
            abort();
    } else if (s[0] != '\0' || (*long_name && strcmp(long_name, ".") != 0 &&
                                strcmp(long_name, "..") != 0 &&
                                !pvfs_name_is_8dot3(long_name))) {
        abort();
    }
    (void)pvfs_short_name_shaped(candidate);
    (void)pvfs_short_name_is(long_name, candidate);
    free(text);
    return 0;
}
