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
 * failure prints the status name on stderr and exits 1. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "srvctl/srvctl.h"
#include "t/tap/tap.h"

static int fail(NTSTATUS status)
{
    fprintf(stderr, "%s\n", nt_status_name(status));
    return 1;
}

static int tool(int argc, char **argv)
{
    const char *command = argv[1], *db = argv[2];
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
                   "access=0x%08x locks=%u\n",
                   f[i].id, f[i].session_id, f[i].share, f[i].path, f[i].local_path, f[i].user,
                   f[i].granted_access, f[i].lock_count);
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
