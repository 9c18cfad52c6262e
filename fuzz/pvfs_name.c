/* Fuzz target: NT path parsing and the wildcard matcher. The input is split
 * at its first NUL into a path (or pattern) and a name; whatever parses must
 * hold only valid components. */
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
    const char *pattern = text;
    const char *name = text + strlen(text) + 1;
    struct pvfs_path path;
    if (pvfs_path_parse(pattern, &path) == STATUS_SUCCESS) {
        for (size_t i = 0; i < path.count; i++)
            if (pvfs_name_valid(path.components[i], strlen(path.components[i])) != STATUS_SUCCESS)
                abort();
        if (path.stream &&
            pvfs_stream_name_valid(path.stream, strlen(path.stream)) != STATUS_SUCCESS)
            abort();
        pvfs_path_free(&path);
    }
    (void)pvfs_name_matches(pattern, name);
    if (!pvfs_name_matches("*", name))
        abort();
    free(text);
    return 0;
}
