/* lwio-tool [--db PATH] COMMAND ARGS...: file and pipe operations on lwiod
 * through the lwio client library. Paths are lwiod paths: /pvfs/etc/hosts or
 * \pvfs\etc\hosts, /npfs/NAME, /rdr/HOST[:PORT]/SHARE/path (an SMB server
 * through the rdr driver). */
#include <stdio.h>
#include <string.h>

#include "lwiod/tool/tool.h"

static const struct {
    const char *name;
    int (*run)(struct lwio_context *lwio, int argc, char **argv);
    int min_args, max_args; /* after the command name */
    const char *usage;
} commands[] = {
    { "cat", cmd_cat, 1, 1, "cat PATH                      print a file" },
    { "ls", cmd_ls, 1, 1, "ls PATH                       list a directory (or DIR/PATTERN)" },
    { "stat", cmd_stat, 1, 1, "stat PATH                     show attributes, size and times" },
    { "write", cmd_write, 1, 1, "write PATH                    replace a file with standard input" },
    { "cp", cmd_cp, 2, 2, "cp PATH NEWPATH               copy a file (between any devices)" },
    { "mkdir", cmd_mkdir, 1, 1, "mkdir PATH                    create a directory" },
    { "rm", cmd_rm, 1, 1, "rm PATH                       delete a file or an empty directory" },
    { "mv", cmd_mv, 2, 2, "mv PATH NEWPATH               rename (within one device)" },
    { "getsd", cmd_getsd, 1, 1, "getsd PATH                    print the security descriptor as SDDL" },
    { "setsd", cmd_setsd, 2, 2, "setsd PATH SDDL               set the owner/group/DACL given in SDDL" },
    { "pipe-transceive", cmd_pipe_transceive, 1, 2,
      "pipe-transceive PATH [DATA]   send DATA (or stdin) as one message, print the reply" },
    { "pipe-echo-server", cmd_pipe_echo_server, 1, 5,
      "pipe-echo-server NAME [--instances N] [--connections N]\n"
      "                              serve \\npfs\\NAME, answering each message with itself" },
};

static void usage(FILE *out)
{
    fprintf(out, "Usage: lwio-tool [--db PATH] [--credentials FILE] COMMAND ARGS...\n\n"
                 "  --credentials FILE  log on to /rdr servers as the \"[DOMAIN\\]USER PASSWORD\"\n"
                 "                      line of FILE (0600)\n\nCommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %s\n", commands[i].usage);
}

/* --credentials FILE: the IO_ECP_TYPE_RDR_CREDENTIALS ECP every create
 * carries (rdr logs on with it; other drivers ignore it). */
static struct lwio_ecp credentials_ecp;
static char credentials_data[1024];

static int load_credentials(const char *path)
{
    NTSTATUS status = LwIoRdrCredentialsFromFile(path, credentials_data,
                                                 sizeof credentials_data, &credentials_ecp);
    if (status) {
        fprintf(stderr,
                "lwio-tool: %s: %s (want one line \"[DOMAIN\\]USER PASSWORD\", mode 0600)\n",
                path, nt_status_name(status));
        return -1;
    }
    return 0;
}

int tool_fail(const char *what, NTSTATUS status)
{
    fprintf(stderr, "lwio-tool: %s: %s\n", what, nt_status_name(status));
    return TOOL_FAILED;
}

NTSTATUS tool_open(struct lwio_context *lwio, const char *path, uint32_t access,
                   uint32_t disposition, uint32_t options, struct lwio_file **file)
{
    struct io_status_block status;
    struct lwio_create_params params = {
        .path = path,
        .desired_access = access,
        .share_access = FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
        .create_disposition = disposition,
        .create_options = options,
        .file_attributes = FILE_ATTRIBUTE_NORMAL,
        .ecps = credentials_ecp.type ? &credentials_ecp : NULL,
        .ecp_count = credentials_ecp.type ? 1 : 0,
    };
    return LwNtCreateFile(lwio, file, NULL, &status, &params);
}

void tool_close(struct lwio_file *file)
{
    struct io_status_block status;
    if (file)
        LwNtClose(file, NULL, &status);
}

int main(int argc, char **argv)
{
    const char *db = NULL;
    int i = 1;
    while (i < argc && argv[i][0] == '-') {
        if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
            db = argv[i + 1];
            i += 2;
        } else if (strncmp(argv[i], "--db=", 5) == 0) {
            db = argv[i] + 5;
            i++;
        } else if (strcmp(argv[i], "--credentials") == 0 && i + 1 < argc) {
            if (load_credentials(argv[i + 1]) != 0)
                return TOOL_USAGE;
            i += 2;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return TOOL_OK;
        } else {
            usage(stderr);
            return TOOL_USAGE;
        }
    }
    if (i >= argc) {
        usage(stderr);
        return TOOL_USAGE;
    }
    for (size_t c = 0; c < sizeof commands / sizeof commands[0]; c++) {
        if (strcmp(argv[i], commands[c].name) != 0)
            continue;
        int args = argc - i - 1;
        if (args < commands[c].min_args || args > commands[c].max_args) {
            fprintf(stderr, "Usage: lwio-tool %s\n", commands[c].usage);
            return TOOL_USAGE;
        }
        struct lwio_context *lwio;
        NTSTATUS status = LwIoConnect(db, &lwio);
        if (status)
            return tool_fail("cannot reach lwiod", status);
        int rc = commands[c].run(lwio, argc - i, argv + i);
        LwIoDisconnect(lwio);
        return rc;
    }
    fprintf(stderr, "lwio-tool: unknown command '%s'\n", argv[i]);
    usage(stderr);
    return TOOL_USAGE;
}
