/* Fuzz target: self-relative security descriptors. Whatever parses must
 * serialize, parse back equal, and survive an access check and inheritance. */
#include <stdint.h>
#include <stdlib.h>

#include "lib/access.h"
#include "lib/secdesc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct security_descriptor sd, back;
    if (secdesc_parse(data, size, &sd) != STATUS_SUCCESS)
        return 0;
    uint8_t *bytes = NULL;
    size_t len = 0;
    if (secdesc_to_bytes(&sd, &bytes, &len) != STATUS_SUCCESS)
        abort();
    if (secdesc_parse(bytes, len, &back) != STATUS_SUCCESS || !secdesc_equal(&sd, &back))
        abort();
    free(bytes);
    secdesc_free(&back);

    struct access_token *token = token_new(&SID_BUILTIN_USERS, &SID_BUILTIN_USERS);
    if (token) {
        token_add_group(token, &SID_EVERYONE);
        if (sd.has_owner)
            token_add_group(token, &sd.owner);
        uint32_t granted;
        access_check(&sd, token, MAXIMUM_ALLOWED, NULL, 0, &granted);
        access_check(&sd, token, GENERIC_READ | ACCESS_SYSTEM_SECURITY, NULL,
                     ACCESS_CHECK_BACKUP_INTENT, &granted);
        token_free(token);
    }
    secdesc_free(&sd);
    return 0;
}
