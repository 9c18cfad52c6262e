/* Fuzz target: the provisioning YAML loader must refuse or load any input
 * without crashing, leaking or exceeding its limits. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "provision/yaml_doc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ydoc_limits limits = ydoc_default_limits;
    limits.max_expanded_nodes = 10000; /* keep each run fast */
    char *error = NULL;
    struct ydoc *doc = ydoc_load_string("fuzz", (const char *)data, size, &limits, &error);
    ydoc_free(doc);
    free(error);
    return 0;
}
