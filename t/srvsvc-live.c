/* The parsers of srv's live-state answers (srvsvc/srv_live.h): well-formed
 * answers read back field by field; truncated ones, counts beyond the data
 * and strings with NULs are refused. */
#include <string.h>

#include "srvsvc/srv_live.h"
#include "t/tap/tap.h"

static void put_string(struct buf *b, const char *s)
{
    wr_u16(b, (uint16_t)strlen(s));
    wr_bytes(b, s, strlen(s));
}

int main(void)
{
    struct ndr_arena *arena = ndr_arena_new(1 << 20);
    struct buf b;
    buf_init(&b);
    wr_u32(&b, 2);
    for (uint32_t i = 1; i <= 2; i++) {
        wr_u32(&b, i);
        wr_u32(&b, 3 * i);
        wr_u32(&b, 100);
        wr_u32(&b, 7);
        wr_u32(&b, i == 2 ? SESS_GUEST : 0);
        put_string(&b, i == 1 ? "10.0.0.1" : "10.0.0.2");
        put_string(&b, i == 1 ? "DOM\\alice" : "guest");
        put_string(&b, "SMB 3.1.1");
        put_string(&b, "tcp");
    }
    struct srvsvc_session *s = NULL;
    size_t n = 0;
    NTSTATUS st = srv_live_parse_sessions(b.data, b.len, arena, &s, &n);
    ok(st == STATUS_SUCCESS && n == 2 && s[0].id == 1 && s[1].num_opens == 6 && s[1].user_flags == SESS_GUEST &&
       strcmp(s[0].user, "DOM\\alice") == 0 && strcmp(s[1].client, "10.0.0.2") == 0 &&
       strcmp(s[1].transport, "tcp") == 0, "sessions");
    int all_refused = 1;
    for (size_t cut = 0; cut < b.len; cut++)
        all_refused &= srv_live_parse_sessions(b.data, cut, arena, &s, &n) == STATUS_DATA_ERROR;
    ok(all_refused, "every truncation of the sessions answer is refused");
    wr_put_u32_at(&b, 0, 0x10000000);
    is_int(srv_live_parse_sessions(b.data, b.len, arena, &s, &n), STATUS_DATA_ERROR, "a count beyond the data");
    buf_reset(&b);

    wr_u32(&b, 1);
    wr_u32(&b, 11);
    wr_u32(&b, STYPE_DISKTREE);
    wr_u32(&b, 2);
    wr_u32(&b, 60);
    put_string(&b, "data");
    put_string(&b, "10.0.0.1");
    put_string(&b, "alice");
    struct srvsvc_connection *c = NULL;
    st = srv_live_parse_trees(b.data, b.len, arena, &c, &n);
    ok(st == STATUS_SUCCESS && n == 1 && c[0].id == 11 && c[0].num_opens == 2 && strcmp(c[0].share, "data") == 0,
       "tree connects");
    buf_reset(&b);

    wr_u32(&b, 1);
    wr_u32(&b, 7);
    wr_u32(&b, PERM_FILE_READ | PERM_FILE_WRITE);
    wr_u32(&b, 1);
    put_string(&b, "/srv/data/a.txt");
    put_string(&b, "data");
    wr_u16(&b, 3);
    wr_bytes(&b, "a\0b", 3); /* a NUL inside a string */
    struct srvsvc_file *f = NULL;
    is_int(srv_live_parse_files(b.data, b.len, arena, &f, &n), STATUS_DATA_ERROR, "a string with a NUL is refused");
    b.len -= 5;
    put_string(&b, "alice");
    st = srv_live_parse_files(b.data, b.len, arena, &f, &n);
    ok(st == STATUS_SUCCESS && n == 1 && f[0].id == 7 && f[0].num_locks == 1 &&
       strcmp(f[0].path, "/srv/data/a.txt") == 0 && strcmp(f[0].user, "alice") == 0, "open files");
    uint8_t empty[4] = { 0 };
    ok(srv_live_parse_files(empty, 4, arena, &f, &n) == STATUS_SUCCESS && n == 0, "an empty list");
    uint8_t *data;
    size_t len;
    ok(srv_live_query(NULL, SRV_IOCTL_ENUM_FILES, arena, &data, &len) == STATUS_SUCCESS && len == 4 &&
       srv_live_parse_files(data, len, arena, &f, &n) == STATUS_SUCCESS && n == 0,
       "no lwiod connection: an empty answer");
    buf_free(&b);
    ndr_arena_free(arena);
    return done_testing();
}
