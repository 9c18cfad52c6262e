/* getsd / setsd: security descriptors in SDDL (lib/sddl.h). */
#include <stdio.h>
#include <stdlib.h>

#include "lib/sddl.h"
#include "lib/secdesc.h"
#include "lwiod/tool/tool.h"

int cmd_getsd(struct lwio_context *lwio, int argc, char **argv)
{
    struct lwio_file *file;
    NTSTATUS status = tool_open(lwio, argv[1], READ_CONTROL, FILE_OPEN, 0, &file);
    if (status)
        return tool_fail(argv[1], status);
    uint32_t info = OWNER_SECURITY_INFORMATION | GROUP_SECURITY_INFORMATION |
                    DACL_SECURITY_INFORMATION;
    uint32_t length = 4096;
    uint8_t *buffer = NULL;
    struct io_status_block sb;
    /* Grow once to the size the driver asks for. */
    for (int attempt = 0; attempt < 3; attempt++) {
        free(buffer);
        buffer = malloc(length);
        status = buffer ? LwNtQuerySecurityFile(file, NULL, &sb, info, buffer, length)
                        : STATUS_INSUFFICIENT_RESOURCES;
        if (status != STATUS_BUFFER_TOO_SMALL || sb.information <= length ||
            sb.information > (1u << 24))
            break;
        length = (uint32_t)sb.information;
    }
    tool_close(file);
    int rc = TOOL_OK;
    struct security_descriptor sd;
    char *text = NULL;
    if (status)
        rc = tool_fail(argv[1], status);
    else if ((status = secdesc_parse(buffer, (size_t)sb.information, &sd)) != STATUS_SUCCESS)
        rc = tool_fail("security descriptor", status);
    else {
        status = sddl_format(&sd, &text);
        secdesc_free(&sd);
        if (status)
            rc = tool_fail("SDDL", status);
        else
            printf("%s\n", text);
    }
    free(text);
    free(buffer);
    return rc;
}

int cmd_setsd(struct lwio_context *lwio, int argc, char **argv)
{
    struct security_descriptor sd;
    NTSTATUS status = sddl_parse(argv[2], &sd);
    if (status) {
        fprintf(stderr, "lwio-tool: not valid SDDL: %s\n", argv[2]);
        return TOOL_USAGE;
    }
    uint32_t info = 0, access = 0;
    if (sd.has_owner) {
        info |= OWNER_SECURITY_INFORMATION;
        access |= WRITE_OWNER;
    }
    if (sd.has_group) {
        info |= GROUP_SECURITY_INFORMATION;
        access |= WRITE_OWNER;
    }
    if (sd.control & SE_DACL_PRESENT) {
        info |= DACL_SECURITY_INFORMATION;
        access |= WRITE_DAC;
    }
    uint8_t *bytes = NULL;
    size_t size = 0;
    status = secdesc_to_bytes(&sd, &bytes, &size);
    secdesc_free(&sd);
    if (status)
        return tool_fail("security descriptor", status);
    if (!info) {
        free(bytes);
        fprintf(stderr, "lwio-tool: the SDDL sets no owner, group or DACL\n");
        return TOOL_USAGE;
    }
    struct lwio_file *file;
    status = tool_open(lwio, argv[1], access, FILE_OPEN, 0, &file);
    if (status) {
        free(bytes);
        return tool_fail(argv[1], status);
    }
    struct io_status_block sb;
    status = LwNtSetSecurityFile(file, NULL, &sb, info, bytes, (uint32_t)size);
    tool_close(file);
    free(bytes);
    return status ? tool_fail(argv[1], status) : TOOL_OK;
}
