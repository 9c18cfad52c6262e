/* srvctl, the client library, in two roles.
 *
 * Run by prove (no arguments): what srvctl says without a server (a registry
 * with no lwiod is "not running", STATUS_PORT_DISCONNECTED), its messages and
 * names, and calls without a connection refused.
 *
 * Run by t/srvctl-live.t with arguments: a small command tool over the
 * library, so the live test drives every srvctl call against a real
 * appliance:
 *
 *   srvctl-client.t sessions|connections|files DB
 *   srvctl-client.t close-session DB SESSION
 *   srvctl-client.t close-file DB SESSION FILE
 *   srvctl-client.t reload DB
 *
 * prints one line per record (key=value), or "affected=N", and exits 0; on
 * failure prints the status name on stderr and exits 1. And, so that a test
 * client has a pipe to open on IPC$:
 *
 *   srvctl-client.t pipe-server DB NAME SECONDS
 *
 * creates a listening instance of \npfs\NAME, prints "listening", and keeps
 * it for at most SECONDS. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lwiod/client/lwio.h"
#include "srvctl/srvctl.h"
#include "t/tap/tap.h"

static int fail(NTSTATUS status)
{
    fprintf(stderr, "%s\n", nt_status_name(status));
    return 1;
}

static void listen_done(void *context)
{
    (void)context;
}

/* A pipe instance waiting for a client, until the time is up. */
static int pipe_server(const char *db, const char *name, unsigned seconds)
{
    struct lwio_context *lwio;
    NTSTATUS status = LwIoConnect(db, &lwio);
    if (status != STATUS_SUCCESS)
        return fail(status);
    char path[256];
    snprintf(path, sizeof path, "\\npfs\\%s", name);
    struct lwio_file *pipe;
    struct io_status_block sb;
    status = LwNtCreateNamedPipeFile(lwio, &pipe, NULL, &sb, path,
                                     FILE_GENERIC_READ | FILE_GENERIC_WRITE,
                                     FILE_SHARE_READ | FILE_SHARE_WRITE, FILE_OPEN_IF, 0,
                                     FILE_PIPE_MESSAGE_TYPE, FILE_PIPE_MESSAGE_MODE,
                                     FILE_PIPE_QUEUE_OPERATION, 1, 4096, 4096, NULL);
    struct io_status_block listen_sb;
    struct lwio_async async = { .callback = listen_done };
    if (status == STATUS_SUCCESS) {
        status = LwNtFsControlFile(pipe, &async, &listen_sb, FSCTL_PIPE_LISTEN, NULL, 0, NULL, 0);
        if (status == STATUS_PENDING)
            status = STATUS_SUCCESS;
    }
    if (status == STATUS_SUCCESS) {
        printf("listening\n");
        fflush(stdout);
        sleep(seconds);
    }
    LwIoDisconnect(lwio);
    return status == STATUS_SUCCESS ? 0 : fail(status);
}

static int tool(int argc, char **argv)
{
    const char *command = argv[1], *db = argv[2];
    if (strcmp(command, "pipe-server") == 0 && argc == 5)
        return pipe_server(db, argv[3], (unsigned)strtoul(argv[4], NULL, 10) % 300);
    struct srvctl *ctl;
    NTSTATUS status = srvctl_open(db, &ctl);
    if (status != STATUS_SUCCESS)
        return fail(status);
    size_t count = 0;
    uint32_t affected = 0;
    if (strcmp(command, "sessions") == 0) {
        struct srvctl_session *s;
        status = srvctl_sessions(ctl, &s, &count);
        for (size_t i = 0; status == STATUS_SUCCESS && i < count; i++)
            printf("id=%" PRIu64 " user=%s domain=%s client=%s port=%u dialect=%s flags=%u "
                   "opens=%u trees=%u\n",
                   s[i].id, s[i].user, s[i].domain, s[i].client, s[i].client_port,
                   srvctl_dialect_name(s[i].dialect), s[i].flags, s[i].open_count,
                   s[i].tree_count);
        if (status == STATUS_SUCCESS)
            srvctl_sessions_free(s, count);
    } else if (strcmp(command, "connections") == 0) {
        struct srvctl_connection *c;
        status = srvctl_connections(ctl, &c, &count);
        for (size_t i = 0; status == STATUS_SUCCESS && i < count; i++)
            printf("session=%" PRIu64 " tree=%u share=%s type=%u user=%s client=%s opens=%u\n",
                   c[i].session_id, c[i].tree_id, c[i].share, c[i].share_type, c[i].user,
                   c[i].client, c[i].open_count);
        if (status == STATUS_SUCCESS)
            srvctl_connections_free(c, count);
    } else if (strcmp(command, "files") == 0) {
        struct srvctl_file *f;
        status = srvctl_files(ctl, &f, &count);
        for (size_t i = 0; status == STATUS_SUCCESS && i < count; i++)
            printf("id=%" PRIu64 " session=%" PRIu64 " share=%s path=%s local=%s user=%s "
                   "flags=%u access=0x%08x locks=%u\n",
                   f[i].id, f[i].session_id, f[i].share, f[i].path, f[i].local_path, f[i].user,
                   f[i].flags, f[i].granted_access, f[i].lock_count);
        if (status == STATUS_SUCCESS)
            srvctl_files_free(f, count);
    } else if (strcmp(command, "close-session") == 0 && argc == 4) {
        status = srvctl_close_session(ctl, strtoull(argv[3], NULL, 10));
        affected = status == STATUS_SUCCESS;
        if (status == STATUS_SUCCESS)
            printf("affected=%u\n", affected);
    } else if (strcmp(command, "close-file") == 0 && argc == 5) {
        status = srvctl_close_file(ctl, strtoull(argv[3], NULL, 10), strtoull(argv[4], NULL, 10));
        if (status == STATUS_SUCCESS)
            printf("affected=1\n");
    } else if (strcmp(command, "reload") == 0) {
        status = srvctl_reload_shares(ctl, &affected);
        if (status == STATUS_SUCCESS)
            printf("affected=%u\n", affected);
    } else {
        status = STATUS_INVALID_PARAMETER;
    }
    srvctl_close(ctl);
    return status == STATUS_SUCCESS ? 0 : fail(status);
}

int main(int argc, char **argv)
{
    if (argc >= 3)
        return tool(argc, argv);

    /* A registry in a fresh directory: no lwiod has ever run for it. */
    char dir[] = "/tmp/srvctl-client.XXXXXX";
    if (!mkdtemp(dir)) {
        plan(0);
        return 1;
    }
    char db[sizeof dir + 16];
    snprintf(db, sizeof db, "%s/registry.db", dir);
    struct srvctl *ctl = (struct srvctl *)1;
    NTSTATUS status = srvctl_open(db, &ctl);
    is_int(status, STATUS_PORT_DISCONNECTED, "no lwiod for the registry: STATUS_PORT_DISCONNECTED");
    ok(ctl == NULL, "and no context");
    ok(srvctl_server_not_running(status), "which means the server is not running");
    ok(srvctl_server_not_running(STATUS_NO_SUCH_DEVICE), "so does lwiod without \\srv");
    ok(!srvctl_server_not_running(STATUS_ACCESS_DENIED), "a refusal is not 'not running'");
    ok(srvctl_status_message(STATUS_PORT_DISCONNECTED) &&
           strstr(srvctl_status_message(STATUS_PORT_DISCONNECTED), "not running"),
       "the message says so");
    ok(srvctl_status_message(STATUS_SUCCESS) == NULL, "nothing to say about success");
    rmdir(dir);

    struct srvctl_session *sessions = (struct srvctl_session *)1;
    size_t count = 7;
    is_int(srvctl_sessions(NULL, &sessions, &count), STATUS_INVALID_PARAMETER,
           "a call without a context is refused");
    ok(sessions == NULL && count == 0, "and returns an empty list");
    is_int(srvctl_close_session(NULL, 1), STATUS_INVALID_PARAMETER, "close without a context");
    srvctl_close(NULL);
    srvctl_sessions_free(NULL, 0);

    is_str(srvctl_dialect_name(0x0311), "3.1.1", "dialect 3.1.1");
    is_str(srvctl_dialect_name(0x0202), "2.0.2", "dialect 2.0.2");
    is_str(srvctl_dialect_name(0x02FF), "?", "the wildcard is no dialect");
    is_str(srvctl_cipher_name(0x0004), "AES-256-GCM", "cipher name");
    is_str(srvctl_cipher_name(0), "", "no cipher");
    is_str(srvctl_signing_name(0x0002), "AES-GMAC", "signing name");
    return done_testing();
}
