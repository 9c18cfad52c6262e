/* Fuzz target: the PAC reader (lsass/pac). The input is tried as a whole PAC
 * and as a KERB_VALIDATION_INFO buffer; every SID it yields is read back. */
#include <stdint.h>
#include <stdlib.h>

#include "lsass/pac/pac.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile uint8_t sink;

static void touch(const struct pac_logon_info *info)
{
    sink ^= info->user.sub_authority_count ^ info->primary_group.sub_authority_count;
    for (size_t i = 0; i < info->group_count; i++)
        if (info->groups[i].sub_authority_count > SID_MAX_SUB_AUTHORITIES)
            abort();
        else if (info->groups[i].sub_authority_count)
            sink ^= (uint8_t)info->groups[i].sub_authority[info->groups[i].sub_authority_count - 1];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct pac_logon_info info;
    if (pac_parse(data, size, &info) == STATUS_SUCCESS) {
        touch(&info);
        pac_logon_info_clear(&info);
    }
    if (pac_parse_logon_info(data, size, &info) == STATUS_SUCCESS) {
        touch(&info);
        if (info.group_count > PAC_MAX_SIDS)
            abort();
        pac_logon_info_clear(&info);
    }
    return 0;
}
