/* srvsvc's view of srv's live state (srvsvc/live.h): the id map (stable
 * small ids, forgotten when srv stops listing an object, never reused while
 * others live, each kind apart) and the conversion of srvctl's records
 * (ages, share types, pipe paths, permissions from the granted access). */
#include <string.h>

#include "lib/access.h"
#include "srvsvc/live.h"
#include "t/tap/tap.h"

static void test_idmap(void)
{
    struct srvsvc_idmap map;
    srvsvc_idmap_init(&map);
    uint64_t s, o;

    srvsvc_idmap_begin(&map);
    uint32_t a = srvsvc_idmap_id(&map, SRVSVC_LIVE_FILE, 0x1234567800000001ull, 7);
    uint32_t b = srvsvc_idmap_id(&map, SRVSVC_LIVE_FILE, 0x1234567800000002ull, 7);
    uint32_t c = srvsvc_idmap_id(&map, SRVSVC_LIVE_CONNECTION, 0x1234567800000001ull, 7);
    srvsvc_idmap_end(&map, SRVSVC_LIVE_FILE);
    ok(a != 0 && b != 0 && c != 0 && a != b && a != c && b != c,
       "distinct non-zero ids for two sessions' file 7 and a tree connect");
    ok(srvsvc_idmap_find(&map, SRVSVC_LIVE_FILE, b, &s, &o) && s == 0x1234567800000002ull && o == 7,
       "an id names its session and object");
    ok(!srvsvc_idmap_find(&map, SRVSVC_LIVE_CONNECTION, a, &s, &o), "a file id is no connection id");
    ok(!srvsvc_idmap_find(&map, SRVSVC_LIVE_FILE, 0, &s, &o), "0 names nothing");

    /* The next listing shows only the second open: the first is gone. */
    srvsvc_idmap_begin(&map);
    is_int(srvsvc_idmap_id(&map, SRVSVC_LIVE_FILE, 0x1234567800000002ull, 7), b, "a listed open keeps its id");
    srvsvc_idmap_end(&map, SRVSVC_LIVE_FILE);
    ok(!srvsvc_idmap_find(&map, SRVSVC_LIVE_FILE, a, &s, &o), "an open srv no longer lists is forgotten");
    ok(srvsvc_idmap_find(&map, SRVSVC_LIVE_CONNECTION, c, &s, &o), "... but a file listing keeps connections");

    srvsvc_idmap_begin(&map);
    uint32_t again = srvsvc_idmap_id(&map, SRVSVC_LIVE_FILE, 0x1234567800000001ull, 7);
    srvsvc_idmap_end(&map, SRVSVC_LIVE_FILE);
    ok(again != a && again != b && again != c, "a new open never gets a forgotten open's id");

    /* Near the end of the id space: 0 and the ids in use are skipped. */
    map.next_id = 0xFFFFFFFFu;
    srvsvc_idmap_begin(&map);
    is_int(srvsvc_idmap_id(&map, SRVSVC_LIVE_FILE, 0x1234567800000001ull, 7), again, "a listed open keeps its id");
    uint32_t last = srvsvc_idmap_id(&map, SRVSVC_LIVE_SESSION, 9, 0);
    uint32_t wrapped = srvsvc_idmap_id(&map, SRVSVC_LIVE_SESSION, 10, 0);
    srvsvc_idmap_end(&map, SRVSVC_LIVE_SESSION);
    is_int(last, 0xFFFFFFFFu, "ids count up to 2^32-1");
    is_int(wrapped, 1, "then wrap past 0");
    map.next_id = c;
    srvsvc_idmap_begin(&map);
    uint32_t skipped = srvsvc_idmap_id(&map, SRVSVC_LIVE_SESSION, 11, 0);
    ok(skipped != c && skipped != again && skipped != last && skipped != wrapped && skipped != 0,
       "an id still in use is skipped");
    srvsvc_idmap_free(&map);
}

static void test_records(void)
{
    struct ndr_arena *arena = ndr_arena_new(1 << 20);
    struct srvsvc_idmap map;
    srvsvc_idmap_init(&map);
    srvsvc_idmap_begin(&map);

    struct srvctl_session sess[2] = {
        { .id = 0x100000001ull, .user = "bob", .domain = "SAMEWISE", .client = "127.0.0.1", .client_port = 4000,
          .dialect = 0x0311, .logon_time = 1000, .last_active_time = 1090, .open_count = 2, .tree_count = 3 },
        { .id = 0x100000002ull, .user = "", .domain = "", .client = "::1", .dialect = 0x0202,
          .flags = SRVCTL_SESSION_GUEST },
    };
    struct srvsvc_session *s = NULL;
    ok(srvsvc_live_sessions_from(&map, arena, 1100, sess, 2, &s) == STATUS_SUCCESS, "sessions convert");
    is_str(s[0].user, "bob", "the account name, without its domain");
    is_str(s[0].client, "127.0.0.1", "the client's address");
    is_int(s[0].time, 100, "seconds since the logon");
    is_int(s[0].idle_time, 10, "seconds since its last request");
    is_int(s[0].num_opens, 2, "its opens");
    is_str(s[0].client_type, "SMB 3.1.1", "the dialect as client type");
    is_int(s[1].time, 0, "an unknown logon time reads 0");
    is_int(s[1].user_flags, SESS_GUEST, "a guest session is flagged");
    ok(s[0].id && s[1].id && s[0].id != s[1].id, "each session has its own id");

    struct srvctl_connection conn[2] = {
        { .session_id = 0x100000001ull, .tree_id = 1, .share_type = SRVCTL_SHARE_PIPE, .share = "IPC$",
          .user = "bob", .client = "127.0.0.1", .connect_time = 1050 },
        { .session_id = 0x100000001ull, .tree_id = 5, .share_type = SRVCTL_SHARE_DISK, .share = "data",
          .user = "bob", .client = "127.0.0.1", .open_count = 1 },
    };
    struct srvsvc_connection *c = NULL;
    ok(srvsvc_live_connections_from(&map, arena, 1100, conn, 2, &c) == STATUS_SUCCESS, "connections convert");
    is_int(c[0].share_type, STYPE_IPC, "IPC$ is STYPE_IPC");
    is_int(c[1].share_type, STYPE_DISKTREE, "a disk share is STYPE_DISKTREE");
    is_int(c[0].time, 50, "seconds connected");
    is_str(c[1].share, "data", "the share name");
    is_int(c[1].num_opens, 1, "its opens");

    struct srvctl_file file[2] = {
        { .id = 77, .session_id = 0x100000001ull, .tree_id = 5, .granted_access = FILE_READ_DATA | FILE_WRITE_DATA,
          .lock_count = 2, .share = "data", .path = "dir\\a.txt", .local_path = "/srv/data/dir/a.txt",
          .user = "bob", .client = "127.0.0.1" },
        { .id = 78, .session_id = 0x100000001ull, .tree_id = 1, .flags = SRVCTL_FILE_PIPE,
          .granted_access = FILE_READ_DATA, .share = "IPC$", .path = "srvsvc", .local_path = "", .user = "bob",
          .client = "127.0.0.1" },
    };
    struct srvsvc_file *f = NULL;
    ok(srvsvc_live_files_from(&map, arena, file, 2, &f) == STATUS_SUCCESS, "files convert");
    is_str(f[0].path, "/srv/data/dir/a.txt", "a file's path is its path on the server");
    is_str(srvsvc_path_to_windows(arena, f[0].path), "C:\\srv\\data\\dir\\a.txt", "... shown as C:\\...");
    is_str(f[1].path, "\\PIPE\\srvsvc", "a pipe is \\PIPE\\name");
    is_str(srvsvc_path_to_windows(arena, f[1].path), "\\PIPE\\srvsvc", "... shown as it is");
    is_int(f[0].permissions, PERM_FILE_READ | PERM_FILE_WRITE, "read and write from the granted access");
    is_int(f[1].permissions, PERM_FILE_READ, "read only");
    is_int(f[0].num_locks, 2, "its locks");
    uint64_t sid, oid;
    ok(srvsvc_idmap_find(&map, SRVSVC_LIVE_FILE, f[1].id, &sid, &oid) && sid == 0x100000001ull && oid == 78,
       "a file's id leads back to srv's session and file ids");

    srvsvc_idmap_free(&map);
    ndr_arena_free(arena);
}

static void test_not_running(void)
{
    /* No lwiod for this registry: empty lists, nothing to close. */
    struct srvsvc_live live;
    struct ndr_arena *arena = ndr_arena_new(1 << 20);
    srvsvc_live_init(&live, "/nonexistent/samewise-test/registry.db");
    struct srvsvc_session *s = NULL;
    size_t n = 99;
    is_int(srvsvc_live_sessions(&live, arena, &s, &n), STATUS_SUCCESS, "no server: listing succeeds");
    is_int(n, 0, "... with nothing in it");
    uint64_t sid;
    is_int(srvsvc_live_close_session(&live, 1, &sid), STATUS_OBJECT_NAME_NOT_FOUND, "... and nothing to close");
    is_int(srvsvc_live_reload_shares(&live), STATUS_SUCCESS, "a reload is no error");
    srvsvc_live_destroy(&live);
    ndr_arena_free(arena);
}

int main(void)
{
    test_idmap();
    test_records();
    test_not_running();
    return done_testing();
}
