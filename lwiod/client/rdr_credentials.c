/* The credentials file lwio-tool --credentials and lwio-fuse -o credentials
 * read, turned into rdr's credentials ECP (lwiod/ntfile.h,
 * IO_ECP_TYPE_RDR_CREDENTIALS). One line: "[DOMAIN\]USER PASSWORD", the
 * password being the rest of the line; the file must not be readable by
 * group or others (as ssh insists for its keys). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "lwiod/client/lwio.h"

NTSTATUS LwIoRdrCredentialsFromFile(const char *path, char *buffer, size_t size,
                                    struct lwio_ecp *ecp)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return errno == ENOENT ? STATUS_OBJECT_NAME_NOT_FOUND : STATUS_ACCESS_DENIED;
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode) || (st.st_mode & 077)) {
        fclose(f);
        return STATUS_ACCESS_DENIED;
    }
    char line[512] = "";
    bool got = fgets(line, sizeof line, f) != NULL;
    fclose(f);
    line[strcspn(line, "\r\n")] = 0;
    char *space = strchr(line, ' ');
    NTSTATUS status = STATUS_SUCCESS;
    if (!got || !space || space == line) {
        status = STATUS_INVALID_PARAMETER;
    } else {
        *space = 0;
        char *user = line, *domain = "", *slash = strchr(line, '\\');
        if (slash) {
            *slash = 0;
            domain = line;
            user = slash + 1;
        }
        /* domain NUL user NUL password NUL */
        int n = snprintf(buffer, size, "%s%c%s%c%s%c", domain, 0, user, 0, space + 1, 0);
        if (n < 0 || (size_t)n >= size || !*user) {
            status = STATUS_INVALID_PARAMETER;
        } else {
            ecp->type = IO_ECP_TYPE_RDR_CREDENTIALS;
            ecp->data = buffer;
            ecp->size = (size_t)n;
        }
    }
    explicit_bzero(line, sizeof line);
    return status;
}
