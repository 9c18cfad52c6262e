/* The command table: for each SMB2 command, its request StructureSize, its
 * handler, and what the dispatcher must resolve before calling it. A command
 * without a handler is answered STATUS_NOT_SUPPORTED. */
#include "drivers/srv/smb2/request.h"

static const struct smb2_command_info commands[SMB2_COMMAND_COUNT] = {
    [SMB2_NEGOTIATE] = { .name = "NEGOTIATE", .structure_size = SMB2_NEGOTIATE_REQUEST_SIZE,
                         .handler = smb2_negotiate, .allowed_unsigned = true },
    /* SESSION_SETUP resolves (or creates) its session itself. */
    [SMB2_SESSION_SETUP] = { .name = "SESSION_SETUP",
                             .structure_size = SMB2_SESSION_SETUP_REQUEST_SIZE,
                             .handler = smb2_session_setup, .allowed_unsigned = true },
    [SMB2_LOGOFF] = { .name = "LOGOFF", .structure_size = SMB2_LOGOFF_SIZE,
                      .handler = smb2_logoff, .needs_session = true },
    [SMB2_TREE_CONNECT] = { .name = "TREE_CONNECT",
                            .structure_size = SMB2_TREE_CONNECT_REQUEST_SIZE,
                            .handler = smb2_tree_connect, .needs_session = true },
    [SMB2_TREE_DISCONNECT] = { .name = "TREE_DISCONNECT",
                               .structure_size = SMB2_TREE_DISCONNECT_SIZE,
                               .handler = smb2_tree_disconnect, .needs_session = true,
                               .needs_tree = true },
    [SMB2_CREATE] = { .name = "CREATE", .structure_size = SMB2_CREATE_REQUEST_SIZE,
                      .handler = smb2_create,
                      .needs_session = true, .needs_tree = true },
    [SMB2_CLOSE] = { .name = "CLOSE", .structure_size = SMB2_CLOSE_REQUEST_SIZE,
                     .handler = smb2_close,
                      .needs_session = true, .needs_tree = true , .file_id_offset = 8 },
    [SMB2_FLUSH] = { .name = "FLUSH", .structure_size = SMB2_FLUSH_REQUEST_SIZE,
                     .handler = smb2_flush,
                      .needs_session = true, .needs_tree = true , .file_id_offset = 8 },
    [SMB2_READ] = { .name = "READ", .structure_size = SMB2_READ_REQUEST_SIZE,
                    .handler = smb2_read,
                      .needs_session = true, .needs_tree = true , .file_id_offset = 16 },
    [SMB2_WRITE] = { .name = "WRITE", .structure_size = SMB2_WRITE_REQUEST_SIZE,
                     .handler = smb2_write,
                      .needs_session = true, .needs_tree = true , .file_id_offset = 16 },
    [SMB2_LOCK] = { .name = "LOCK", .structure_size = SMB2_LOCK_REQUEST_SIZE,
                    .handler = smb2_lock,
                      .needs_session = true, .needs_tree = true , .file_id_offset = 8 },
    [SMB2_IOCTL] = { .name = "IOCTL", .structure_size = SMB2_IOCTL_REQUEST_SIZE,
                     .handler = smb2_ioctl, .needs_session = true, .needs_tree = true , .file_id_offset = 8 },
    /* CANCEL is handled by the dispatcher before sequence checks; listed for
     * its StructureSize. */
    [SMB2_CANCEL] = { .name = "CANCEL", .structure_size = SMB2_CANCEL_SIZE,
                      .handler = smb2_cancel, .allowed_unsigned = true },
    [SMB2_ECHO] = { .name = "ECHO", .structure_size = SMB2_ECHO_SIZE, .handler = smb2_echo },
    [SMB2_QUERY_DIRECTORY] = { .name = "QUERY_DIRECTORY",
                               .structure_size = SMB2_QUERY_DIRECTORY_REQUEST_SIZE,
                               .handler = smb2_query_directory,
                      .needs_session = true, .needs_tree = true , .file_id_offset = 8 },
    [SMB2_CHANGE_NOTIFY] = { .name = "CHANGE_NOTIFY",
                             .structure_size = SMB2_CHANGE_NOTIFY_REQUEST_SIZE,
                             .handler = smb2_change_notify,
                             .needs_session = true, .needs_tree = true , .file_id_offset = 8 },
    [SMB2_QUERY_INFO] = { .name = "QUERY_INFO", .structure_size = SMB2_QUERY_INFO_REQUEST_SIZE,
                          .handler = smb2_query_info,
                      .needs_session = true, .needs_tree = true , .file_id_offset = 24 },
    [SMB2_SET_INFO] = { .name = "SET_INFO", .structure_size = SMB2_SET_INFO_REQUEST_SIZE,
                        .handler = smb2_set_info,
                      .needs_session = true, .needs_tree = true , .file_id_offset = 16 },
    [SMB2_OPLOCK_BREAK] = { .name = "OPLOCK_BREAK",
                            .structure_size = SMB2_OPLOCK_BREAK_ACK_SIZE,
                            .handler = smb2_oplock_break,
                            .needs_session = true, .needs_tree = true , .file_id_offset = 8 },
};

const struct smb2_command_info *smb2_command_lookup(uint16_t command)
{
    return command < SMB2_COMMAND_COUNT ? &commands[command] : NULL;
}
