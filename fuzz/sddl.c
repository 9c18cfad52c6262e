/* Fuzz target: SDDL text. Whatever parses must format, parse back equal, and
 * serialize to a descriptor that parses back equal. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/sddl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    struct security_descriptor sd, back;
    if (sddl_parse(text, &sd) == STATUS_SUCCESS) {
        char *formatted = NULL;
        if (sddl_format(&sd, &formatted) != STATUS_SUCCESS)
            abort();
        if (sddl_parse(formatted, &back) != STATUS_SUCCESS || !secdesc_equal(&sd, &back))
            abort();
        secdesc_free(&back);
        free(formatted);
        uint8_t *bytes = NULL;
        size_t len = 0;
        if (secdesc_to_bytes(&sd, &bytes, &len) == STATUS_SUCCESS) {
            if (secdesc_parse(bytes, len, &back) != STATUS_SUCCESS || !secdesc_equal(&sd, &back))
                abort();
            secdesc_free(&back);
            free(bytes);
        }
        secdesc_free(&sd);
    }
    free(text);
    return 0;
}
