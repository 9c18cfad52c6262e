/* srvsvc and wkssvc over stdin/stdout with a fixed in-memory back end: the
 * server half of t/srvsvc-impacket.t (run as `srvsvc-stdio.t --serve ROLE`,
 * ROLE admin, user or anonymous). Run without arguments (by prove) it checks
 * its own fixtures through the in-memory client. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dcerpc/dcerpc.h"
#include "lib/sid.h"
#include "srvsvc/srvsvc.h"
#include "t/tap/tap.h"

/* A minimal self-relative security descriptor: owner S-1-5-32-544, no DACL. */
static const uint8_t fixture_sd[] = {
    0x01, 0x00, 0x00, 0x80, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x20, 0x00, 0x00, 0x00, 0x20, 0x02, 0x00, 0x00,
};

static struct srvsvc_memory *fixtures(void)
{
    struct srvsvc_memory *m = srvsvc_memory_new("SAMEWISE");
    struct srvsvc_share data = { .name = "data", .path = "/srv/data", .comment = "Team data",
                                 .type = STYPE_DISKTREE, .max_uses = 0xFFFFFFFFu, .current_uses = 2,
                                 .flags = SHI1005_FLAGS_ACCESS_BASED_DIRECTORY_ENUM,
                                 .security_descriptor = (uint8_t *)fixture_sd,
                                 .security_descriptor_len = sizeof fixture_sd };
    srvsvc_memory_add_share(m, &data);
    struct srvsvc_share admin = { .name = "C$", .path = "/", .comment = "Default share",
                                  .type = STYPE_DISKTREE | STYPE_SPECIAL, .max_uses = 0xFFFFFFFFu };
    srvsvc_memory_add_share(m, &admin);
    /* Enough shares that a level 502 list needs several response fragments. */
    for (int i = 0; i < 40; i++) {
        char name[32], path[64], comment[128];
        snprintf(name, sizeof name, "share%02d", i);
        snprintf(path, sizeof path, "/srv/shares/%02d", i);
        snprintf(comment, sizeof comment, "Share number %d with a comment long enough to take space", i);
        struct srvsvc_share s = { .name = name, .path = path, .comment = comment, .type = STYPE_DISKTREE,
                                  .max_uses = 10, .security_descriptor = (uint8_t *)fixture_sd,
                                  .security_descriptor_len = sizeof fixture_sd };
        srvsvc_memory_add_share(m, &s);
    }
    struct srvsvc_session alice = { .id = 1, .client = "10.0.0.5", .user = "SAMEWISE\\alice", .num_opens = 2,
                                    .time = 300, .idle_time = 5, .client_type = "SMB 3.1.1",
                                    .transport = "\\Device\\NetbiosSmb" };
    struct srvsvc_session bob = { .id = 2, .client = "10.0.0.6", .user = "bob", .num_opens = 0, .time = 60,
                                  .idle_time = 60, .user_flags = SESS_GUEST, .client_type = "SMB 2.1",
                                  .transport = "\\Device\\NetbiosSmb" };
    srvsvc_memory_add_session(m, &alice);
    srvsvc_memory_add_session(m, &bob);
    struct srvsvc_connection c1 = { .id = 11, .share = "data", .share_type = STYPE_DISKTREE,
                                    .client = "10.0.0.5", .user = "SAMEWISE\\alice", .num_opens = 2, .time = 290 };
    struct srvsvc_connection c2 = { .id = 12, .share = "IPC$", .share_type = STYPE_IPC | STYPE_SPECIAL,
                                    .client = "10.0.0.6", .user = "bob", .time = 50 };
    srvsvc_memory_add_connection(m, &c1);
    srvsvc_memory_add_connection(m, &c2);
    struct srvsvc_file f1 = { .id = 7, .path = "/srv/data/report.txt", .share = "data",
                              .user = "SAMEWISE\\alice", .permissions = PERM_FILE_READ | PERM_FILE_WRITE,
                              .num_locks = 1 };
    struct srvsvc_file f2 = { .id = 9, .path = "/srv/data/notes.txt", .share = "data",
                              .user = "SAMEWISE\\alice", .permissions = PERM_FILE_READ };
    srvsvc_memory_add_file(m, &f1);
    srvsvc_memory_add_file(m, &f2);
    return m;
}

static struct access_token *token_for(const char *role)
{
    struct sid user;
    if (strcmp(role, "admin") == 0) {
        sid_parse("S-1-5-21-1-2-3-500", &user);
        struct access_token *t = token_new(&user, &user);
        token_add_group(t, &SID_BUILTIN_ADMINISTRATORS);
        return t;
    }
    if (strcmp(role, "user") == 0) {
        sid_parse("S-1-5-21-1-2-3-1000", &user);
        struct access_token *t = token_new(&user, &user);
        token_add_group(t, &SID_BUILTIN_USERS);
        return t;
    }
    return NULL;
}

static int serve(const char *role)
{
    struct srvsvc_memory *m = fixtures();
    struct srvsvc_backend backend;
    srvsvc_memory_backend(m, &backend);
    struct dcerpc_server *server = dcerpc_server_new(NULL);
    srvsvc_register(server, &backend);
    struct access_token *token = token_for(role);
    uint8_t key[16] = { 0 };
    struct dcerpc_caller caller = { token, key, sizeof key, "127.0.0.1", "\\PIPE\\srvsvc" };
    NTSTATUS status = dcerpc_serve_fd(server, &caller, 0, 1);
    token_free(token);
    dcerpc_server_free(server);
    srvsvc_memory_free(m);
    return status == STATUS_SUCCESS ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--serve") == 0)
        return serve(argv[2]);

    struct srvsvc_memory *m = fixtures();
    struct srvsvc_backend backend;
    srvsvc_memory_backend(m, &backend);
    struct dcerpc_server *server = dcerpc_server_new(NULL);
    srvsvc_register(server, &backend);
    struct access_token *token = token_for("admin");
    struct dcerpc_caller caller = { .token = token };
    struct dcerpc_client_transport t;
    struct dcerpc_loopback *loop = dcerpc_loopback_new(server, &caller, &t);
    struct dcerpc_client *client = dcerpc_client_new(&t, NULL);
    uint16_t ctx;
    uint32_t reject, fault;
    ok(dcerpc_client_bind(client, &srvsvc_interface, &ctx, &reject) == STATUS_SUCCESS, "bind srvsvc");
    struct ndr_arena *arena = ndr_arena_new(1 << 22);
    struct SHARE_INFO_1_CONTAINER empty = { 0, NULL };
    struct NetrShareEnum r = { .InfoStruct = { .Level = 1, .ShareInfo.Level1 = &empty },
                               .PreferedMaximumLength = MAX_PREFERRED_LENGTH };
    NTSTATUS st = dcerpc_client_call(client, ctx, &srvsvc_interface, SRVSVC_NetrShareEnum, &r, arena, &fault);
    ok(st == STATUS_SUCCESS && r.Result == 0 && r.InfoStruct.ShareInfo.Level1 &&
       r.InfoStruct.ShareInfo.Level1->EntriesRead == 43 && r.TotalEntries == 43,
       "the fixtures enumerate: 43 shares");
    ndr_arena_free(arena);
    dcerpc_client_free(client);
    dcerpc_loopback_free(loop);
    token_free(token);
    dcerpc_server_free(server);
    srvsvc_memory_free(m);
    return done_testing();
}
