/* lwio-tool: commands on lwiod through the lwio client library. */
#ifndef SW_LWIOD_TOOL_H
#define SW_LWIOD_TOOL_H

#include "lwiod/client/lwio.h"

/* Exit statuses (docs/INTERFACE.md): 0 done, 1 failed, 2 bad usage. */
#define TOOL_OK 0
#define TOOL_FAILED 1
#define TOOL_USAGE 2

/* Prints "lwio-tool: WHAT: STATUS_NAME" and returns TOOL_FAILED. */
int tool_fail(const char *what, NTSTATUS status);
/* Opens path with the given access, disposition and options. */
NTSTATUS tool_open(struct lwio_context *lwio, const char *path, uint32_t access,
                   uint32_t disposition, uint32_t options, struct lwio_file **file);
void tool_close(struct lwio_file *file);

int cmd_cat(struct lwio_context *lwio, int argc, char **argv);
int cmd_ls(struct lwio_context *lwio, int argc, char **argv);
int cmd_stat(struct lwio_context *lwio, int argc, char **argv);
int cmd_write(struct lwio_context *lwio, int argc, char **argv);
int cmd_cp(struct lwio_context *lwio, int argc, char **argv);
int cmd_mkdir(struct lwio_context *lwio, int argc, char **argv);
int cmd_rm(struct lwio_context *lwio, int argc, char **argv);
int cmd_mv(struct lwio_context *lwio, int argc, char **argv);
int cmd_getsd(struct lwio_context *lwio, int argc, char **argv);
int cmd_setsd(struct lwio_context *lwio, int argc, char **argv);
int cmd_pipe_transceive(struct lwio_context *lwio, int argc, char **argv);
int cmd_pipe_echo_server(struct lwio_context *lwio, int argc, char **argv);

#endif
