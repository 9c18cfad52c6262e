/* File commands: cat, ls, stat, write, mkdir, rm, mv. They use only the
 * generic calls, so they work on any device whose driver implements them
 * (pvfs). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/utf16.h"
#include "lwiod/tool/tool.h"

#define CHUNK (64u * 1024u)

int cmd_cat(struct lwio_context *lwio, int argc, char **argv)
{
    struct lwio_file *file;
    NTSTATUS status = tool_open(lwio, argv[1], FILE_GENERIC_READ, FILE_OPEN,
                                FILE_NON_DIRECTORY_FILE, &file);
    if (status)
        return tool_fail(argv[1], status);
    uint8_t *buffer = malloc(CHUNK);
    uint64_t offset = 0;
    int rc = TOOL_OK;
    for (;;) {
        struct io_status_block sb;
        status = LwNtReadFile(file, NULL, &sb, buffer, CHUNK, &offset, NULL);
        if (status == STATUS_END_OF_FILE || (status == STATUS_SUCCESS && sb.information == 0))
            break;
        if (status) {
            rc = tool_fail(argv[1], status);
            break;
        }
        if (fwrite(buffer, 1, (size_t)sb.information, stdout) != sb.information) {
            rc = TOOL_FAILED;
            break;
        }
        offset += sb.information;
    }
    free(buffer);
    tool_close(file);
    return rc;
}

/* FILETIME (100 ns since 1601) as local "YYYY-MM-DD HH:MM:SS". */
static void format_filetime(uint64_t filetime, char *out, size_t size)
{
    if (filetime == 0) {
        snprintf(out, size, "-");
        return;
    }
    time_t t = (time_t)((int64_t)(filetime / 10000000u) - 11644473600LL);
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(out, size, "%Y-%m-%d %H:%M:%S", &tm);
}

/* One FILE_ID_BOTH_DIR_INFORMATION entry ([MS-FSCC] 2.4.17); false if bad. */
static bool print_entry(struct buf_reader *r)
{
    rd_skip(r, 4 + 4 + 8 + 8); /* next offset, index, creation, last access */
    uint64_t last_write = rd_u64(r);
    rd_skip(r, 8);             /* change time */
    uint64_t end_of_file = rd_u64(r);
    rd_skip(r, 8);             /* allocation size */
    uint32_t attributes = rd_u32(r);
    uint32_t name_length = rd_u32(r);
    rd_skip(r, 4 + 1 + 1 + 24 + 2 + 8); /* EA size, short name, reserved, file id */
    const uint8_t *name16 = rd_bytes(r, name_length);
    char *name = NULL;
    if (!rd_ok(r) || (name_length & 1) || utf16le_to_utf8(name16, name_length, &name))
        return false;
    char when[32];
    format_filetime(last_write, when, sizeof when);
    printf("%c %12" PRIu64 " %s %s\n", (attributes & FILE_ATTRIBUTE_DIRECTORY) ? 'd' : '-',
           end_of_file, when, name);
    free(name);
    return true;
}

int cmd_ls(struct lwio_context *lwio, int argc, char **argv)
{
    /* A last component with wildcards ("ls /pvfs/logs/a?.txt") is the
     * pattern, matched by the driver (by the server, through rdr). */
    char *path = strdup(argv[1]);
    const char *pattern = NULL;
    char *slash = path ? strrchr(path, '/') : NULL;
    char *backslash = path ? strrchr(path, '\\') : NULL;
    if (backslash > slash)
        slash = backslash;
    if (slash && strpbrk(slash + 1, "*?<>\"")) {
        *slash = 0;
        pattern = slash + 1;
    }
    struct lwio_file *dir;
    NTSTATUS status = path ? tool_open(lwio, path, FILE_LIST_DIRECTORY | FILE_READ_ATTRIBUTES,
                                       FILE_OPEN, FILE_DIRECTORY_FILE, &dir)
                           : STATUS_INSUFFICIENT_RESOURCES;
    if (status) {
        free(path);
        return tool_fail(argv[1], status);
    }
    uint8_t *buffer = malloc(CHUNK);
    int rc = TOOL_OK;
    for (bool first = true;; first = false) {
        struct io_status_block sb;
        status = LwNtQueryDirectoryFile(dir, NULL, &sb, buffer, CHUNK,
                                        FileIdBothDirectoryInformation, false, pattern, first);
        if (status == STATUS_NO_MORE_FILES || (first && pattern && status == STATUS_NO_SUCH_FILE))
            break;
        if (status) {
            rc = tool_fail(argv[1], status);
            break;
        }
        /* Walk the chain by NextEntryOffset, each entry checked in bounds. */
        size_t size = (size_t)sb.information < CHUNK ? (size_t)sb.information : CHUNK;
        size_t offset = 0;
        for (;;) {
            struct buf_reader all, entry;
            rd_init(&all, buffer, size);
            rd_seek(&all, offset);
            uint32_t next = rd_u32(&all);
            if (!rd_ok(&all) || !range_ok(offset, next ? next : size - offset, size)) {
                rc = tool_fail("malformed directory listing", STATUS_INVALID_NETWORK_RESPONSE);
                break;
            }
            entry = rd_sub(&all, offset, next ? next : size - offset);
            if (!print_entry(&entry)) {
                rc = tool_fail("malformed directory entry", STATUS_INVALID_NETWORK_RESPONSE);
                break;
            }
            if (next == 0)
                break;
            offset += next;
        }
        if (rc)
            break;
    }
    free(buffer);
    free(path);
    tool_close(dir);
    return rc;
}

int cmd_stat(struct lwio_context *lwio, int argc, char **argv)
{
    struct lwio_file *file;
    NTSTATUS status = tool_open(lwio, argv[1], FILE_READ_ATTRIBUTES, FILE_OPEN, 0, &file);
    if (status)
        return tool_fail(argv[1], status);
    uint8_t basic[40], standard[24];
    struct io_status_block sb;
    status = LwNtQueryInformationFile(file, NULL, &sb, basic, sizeof basic, FileBasicInformation);
    if (status == STATUS_SUCCESS)
        status = LwNtQueryInformationFile(file, NULL, &sb, standard, sizeof standard,
                                          FileStandardInformation);
    tool_close(file);
    if (status)
        return tool_fail(argv[1], status);
    struct buf_reader b, s;
    rd_init(&b, basic, sizeof basic);
    rd_init(&s, standard, sizeof standard);
    uint64_t times[4];
    for (int i = 0; i < 4; i++)
        times[i] = rd_u64(&b);
    uint32_t attributes = rd_u32(&b);
    uint64_t allocation = rd_u64(&s);
    uint64_t end_of_file = rd_u64(&s);
    uint32_t links = rd_u32(&s);
    rd_u8(&s);
    bool directory = rd_u8(&s) != 0;
    static const char *const names[4] = { "created", "accessed", "modified", "changed" };
    printf("path: %s\n", argv[1]);
    printf("type: %s\n", directory ? "directory" : "file");
    printf("size: %" PRIu64 "\n", end_of_file);
    printf("allocation: %" PRIu64 "\n", allocation);
    printf("links: %u\n", links);
    printf("attributes: 0x%08x\n", attributes);
    for (int i = 0; i < 4; i++) {
        char when[32];
        format_filetime(times[i], when, sizeof when);
        printf("%s: %s\n", names[i], when);
    }
    return TOOL_OK;
}

int cmd_write(struct lwio_context *lwio, int argc, char **argv)
{
    struct lwio_file *file;
    NTSTATUS status = tool_open(lwio, argv[1], FILE_GENERIC_WRITE, FILE_OVERWRITE_IF,
                                FILE_NON_DIRECTORY_FILE, &file);
    if (status)
        return tool_fail(argv[1], status);
    uint8_t *buffer = malloc(CHUNK);
    uint64_t offset = 0;
    int rc = TOOL_OK;
    for (;;) {
        ssize_t n = read(STDIN_FILENO, buffer, CHUNK);
        if (n == 0)
            break;
        if (n < 0) {
            perror("lwio-tool: standard input");
            rc = TOOL_FAILED;
            break;
        }
        struct io_status_block sb;
        status = LwNtWriteFile(file, NULL, &sb, buffer, (uint32_t)n, &offset, NULL);
        if (status || sb.information != (uint64_t)n) {
            rc = tool_fail(argv[1], status ? status : STATUS_DISK_FULL);
            break;
        }
        offset += (uint64_t)n;
    }
    free(buffer);
    tool_close(file);
    return rc;
}

int cmd_mkdir(struct lwio_context *lwio, int argc, char **argv)
{
    struct lwio_file *dir;
    NTSTATUS status = tool_open(lwio, argv[1], FILE_LIST_DIRECTORY | FILE_ADD_SUBDIRECTORY,
                                FILE_CREATE, FILE_DIRECTORY_FILE, &dir);
    if (status)
        return tool_fail(argv[1], status);
    tool_close(dir);
    return TOOL_OK;
}

int cmd_rm(struct lwio_context *lwio, int argc, char **argv)
{
    struct lwio_file *file;
    NTSTATUS status = tool_open(lwio, argv[1], DELETE, FILE_OPEN, 0, &file);
    if (status)
        return tool_fail(argv[1], status);
    uint8_t delete_pending = 1;
    struct io_status_block sb;
    status = LwNtSetInformationFile(file, NULL, &sb, &delete_pending, 1,
                                    FileDispositionInformation);
    tool_close(file);
    return status ? tool_fail(argv[1], status) : TOOL_OK;
}

/* "/pvfs/a/b" -> device "pvfs" (length) and rest "a/b" with backslashes. */
static bool split_device(const char *path, const char **device, size_t *device_len,
                         char **rest)
{
    if (path[0] != '/' && path[0] != '\\')
        return false;
    *device = path + 1;
    *device_len = strcspn(*device, "/\\");
    const char *r = *device + *device_len;
    if (*r)
        r++;
    if (!(*rest = strdup(r)))
        return false;
    for (char *p = *rest; *p; p++)
        if (*p == '/')
            *p = '\\';
    return *device_len > 0;
}

int cmd_mv(struct lwio_context *lwio, int argc, char **argv)
{
    const char *from_device, *to_device;
    size_t from_len, to_len;
    char *from_rest = NULL, *to_rest = NULL;
    uint8_t *name16 = NULL;
    size_t name16_len = 0;
    int rc = TOOL_OK;
    if (!split_device(argv[1], &from_device, &from_len, &from_rest) ||
        !split_device(argv[2], &to_device, &to_len, &to_rest) || !*to_rest) {
        fprintf(stderr, "lwio-tool: mv wants two paths like /pvfs/dir/name\n");
        rc = TOOL_USAGE;
        goto out;
    }
    if (from_len != to_len || strncasecmp(from_device, to_device, from_len) != 0) {
        rc = tool_fail("mv", STATUS_NOT_SAME_DEVICE);
        goto out;
    }
    NTSTATUS status = utf8_to_utf16le(to_rest, strlen(to_rest), &name16, &name16_len);
    if (status) {
        rc = tool_fail(argv[2], status);
        goto out;
    }
    struct lwio_file *file;
    status = tool_open(lwio, argv[1], DELETE | SYNCHRONIZE, FILE_OPEN, 0, &file);
    if (status) {
        rc = tool_fail(argv[1], status);
        goto out;
    }
    /* FILE_RENAME_INFORMATION, the SMB2 layout (see lwiod/ntfile.h). */
    struct buf info;
    buf_init(&info);
    wr_u8(&info, 0);          /* ReplaceIfExists */
    wr_zeros(&info, 7);
    wr_u64(&info, 0);         /* RootDirectory */
    wr_u32(&info, (uint32_t)name16_len);
    wr_bytes(&info, name16, name16_len);
    struct io_status_block sb;
    status = wr_ok(&info) ? LwNtSetInformationFile(file, NULL, &sb, info.data,
                                                   (uint32_t)info.len, FileRenameInformation)
                          : STATUS_INSUFFICIENT_RESOURCES;
    buf_free(&info);
    tool_close(file);
    if (status)
        rc = tool_fail("mv", status);
out:
    free(from_rest);
    free(to_rest);
    free(name16);
    return rc;
}
