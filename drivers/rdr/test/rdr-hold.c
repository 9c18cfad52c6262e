/* rdr-hold DB PATH: a test helper (built as build/t/rdr-hold, driven by
 * t/rdr-smbd.t) that keeps one file open through lwiod while the test
 * restarts the server under it. It opens PATH for reading and writing, then
 * runs one command per line of standard input and answers each with one
 * line:
 *   read OFFSET LENGTH   -> "ok TEXT" (the bytes read) or "error STATUS"
 *   write OFFSET TEXT    -> "ok N" or "error STATUS"
 *   lock OFFSET LENGTH   -> an exclusive lock, failing at once: "ok" or "error STATUS"
 *   lockwait OFFSET LENGTH -> an exclusive lock that waits until granted
 *   unlock OFFSET LENGTH -> "ok" or "error STATUS"
 *   easet NAME VALUE     -> sets one extended attribute: "ok" or "error STATUS"
 *   quit                 -> closes the file and exits 0
 * Standard input at end also quits, so the helper never outlives its test. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lwiod/client/lwio.h"

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: rdr-hold DB PATH\n");
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    struct lwio_context *lwio;
    NTSTATUS status = LwIoConnect(argv[1], &lwio);
    if (status) {
        printf("error %s\n", nt_status_name(status));
        return 1;
    }
    struct lwio_file *file;
    struct io_status_block sb;
    struct lwio_create_params params = {
        .path = argv[2],
        .desired_access = FILE_GENERIC_READ | FILE_GENERIC_WRITE,
        .share_access = FILE_SHARE_READ | FILE_SHARE_WRITE,
        .create_disposition = FILE_OPEN,
        .create_options = FILE_NON_DIRECTORY_FILE,
    };
    status = LwNtCreateFile(lwio, &file, NULL, &sb, &params);
    printf(status ? "error %s\n" : "opened%s\n", status ? nt_status_name(status) : "");
    if (status)
        return 1;
    char line[512];
    while (fgets(line, sizeof line, stdin)) {
        line[strcspn(line, "\n")] = 0;
        unsigned long long offset;
        unsigned length;
        int used = 0;
        if (sscanf(line, "read %llu %u", &offset, &length) == 2 && length < 4096) {
            char data[4096];
            uint64_t at = offset;
            status = LwNtReadFile(file, NULL, &sb, data, length, &at, NULL);
            if (status)
                printf("error %s\n", nt_status_name(status));
            else
                printf("ok %.*s\n", (int)sb.information, data);
        } else if (sscanf(line, "write %llu %n", &offset, &used) == 1 && used > 0) {
            uint64_t at = offset;
            const char *text = line + used;
            status = LwNtWriteFile(file, NULL, &sb, text, (uint32_t)strlen(text), &at, NULL);
            if (status)
                printf("error %s\n", nt_status_name(status));
            else
                printf("ok %llu\n", (unsigned long long)sb.information);
        } else if (sscanf(line, "lock %llu %u", &offset, &length) == 2) {
            status = LwNtLockFile(file, NULL, &sb, offset, length, 0, true, true);
            printf(status ? "error %s\n" : "ok%s\n", status ? nt_status_name(status) : "");
        } else if (sscanf(line, "lockwait %llu %u", &offset, &length) == 2) {
            status = LwNtLockFile(file, NULL, &sb, offset, length, 0, false, true);
            printf(status ? "error %s\n" : "ok%s\n", status ? nt_status_name(status) : "");
        } else if (sscanf(line, "unlock %llu %u", &offset, &length) == 2) {
            status = LwNtUnlockFile(file, NULL, &sb, offset, length, 0);
            printf(status ? "error %s\n" : "ok%s\n", status ? nt_status_name(status) : "");
        } else if (strncmp(line, "easet ", 6) == 0 && strchr(line + 6, ' ')) {
            /* One FILE_FULL_EA_INFORMATION entry ([MS-FSCC] 2.4.15). */
            char *name = line + 6, *value = strchr(name, ' ');
            *value++ = 0;
            size_t name_len = strlen(name), value_len = strlen(value);
            uint8_t ea[600] = { 0 };
            if (name_len > 255 || value_len > 255) {
                printf("error too long\n");
                continue;
            }
            ea[5] = (uint8_t)name_len;
            ea[6] = (uint8_t)value_len;
            memcpy(ea + 8, name, name_len + 1);
            memcpy(ea + 8 + name_len + 1, value, value_len);
            status = LwNtSetInformationFile(file, NULL, &sb, ea,
                                            (uint32_t)(8 + name_len + 1 + value_len),
                                            FileFullEaInformation);
            printf(status ? "error %s\n" : "ok%s\n", status ? nt_status_name(status) : "");
        } else if (strcmp(line, "quit") == 0) {
            break;
        } else {
            printf("error bad command\n");
        }
    }
    LwNtClose(file, NULL, &sb);
    LwIoDisconnect(lwio);
    return 0;
}
