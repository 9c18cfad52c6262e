/* What srvctl reads and writes: its reload control's request and answer
 * (drivers/srv/devctl.h) both ways, and srv's listings (srvsvc/srv_live.h's
 * format, written here field by field as drivers/srv/live.c writes them)
 * turned into srvctl's structures; malformed answers (truncated, counts the
 * bytes cannot hold, NULs in strings, another version) refused without
 * reading outside the buffer. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/srv/devctl.h"
#include "srvctl/srvctl.h"
#include "t/tap/tap.h"

static void wr_str(struct buf *b, const char *s)
{
    wr_u16(b, (uint16_t)strlen(s));
    wr_bytes(b, s, strlen(s));
}

/* Two sessions as srv lists them: alice at 3.1.1, encrypted; an anonymous
 * guest-less null session at 2.0.2. */
static void sessions_answer(struct buf *b)
{
    buf_init(b);
    wr_u32(b, 2);
    wr_u32(b, 17);          /* id */
    wr_u32(b, 3);           /* opens */
    wr_u32(b, 120);         /* seconds connected */
    wr_u32(b, 5);           /* seconds idle */
    wr_u32(b, 0);           /* flags: encrypted (no SESS_NOENCRYPTION) */
    wr_str(b, "127.0.0.1");
    wr_str(b, "SAMEWISE\\alice");
    wr_str(b, "SMB 3.1.1");
    wr_str(b, "TCP");
    wr_u32(b, 18);
    wr_u32(b, 0);
    wr_u32(b, 1);
    wr_u32(b, 1);
    wr_u32(b, 2);           /* SESS_NOENCRYPTION */
    wr_str(b, "::1");
    wr_str(b, "");
    wr_str(b, "SMB 2.0.2");
    wr_str(b, "TCP");
}

static NTSTATUS parse_sessions(const void *data, size_t size, size_t *count)
{
    struct srvctl_session *s = NULL;
    NTSTATUS status = srvctl_parse_sessions(data, size, &s, count);
    if (status != STATUS_SUCCESS && (s || *count))
        status = STATUS_UNSUCCESSFUL; /* a failure must leave nothing behind */
    srvctl_sessions_free(s, *count);
    return status;
}

static void sessions(void)
{
    struct buf b;
    sessions_answer(&b);
    struct srvctl_session *s = NULL;
    size_t count = 0;
    is_int(srvctl_parse_sessions(b.data, b.len, &s, &count), STATUS_SUCCESS, "sessions read");
    is_int(count, 2, "two sessions");
    if (count == 2) {
        ok(s[0].id == 17 && strcmp(s[0].user, "alice") == 0 &&
               strcmp(s[0].domain, "SAMEWISE") == 0 && strcmp(s[0].client, "127.0.0.1") == 0,
           "id, user and domain apart, client");
        is_int(s[0].dialect, 0x0311, "'SMB 3.1.1' is dialect 0x0311");
        is_int(s[0].flags, SRVCTL_SESSION_ENCRYPTED, "encrypted, neither guest nor anonymous");
        ok(s[0].open_count == 3 && s[0].connected_seconds == 120 && s[0].idle_seconds == 5,
           "opens, connected and idle times");
        ok(strcmp(s[1].user, "") == 0 && strcmp(s[1].domain, "") == 0, "a null session's user");
        is_int(s[1].flags, SRVCTL_SESSION_ANONYMOUS, "is anonymous, not encrypted");
        is_int(s[1].dialect, 0x0202, "at 2.0.2");
        is_str(srvctl_dialect_name(s[1].dialect), "2.0.2", "named 2.0.2");
    }
    srvctl_sessions_free(s, count);

    bool all_refused = true;
    for (size_t len = 0; len < b.len; len++)
        if (parse_sessions(b.data, len, &count) != STATUS_INVALID_NETWORK_RESPONSE)
            all_refused = false;
    ok(all_refused, "every truncation of a sessions answer is refused (%zu tried)", b.len);

    uint8_t *copy = malloc(b.len);
    memcpy(copy, b.data, b.len);
    le32_store(copy, 0xFFFFFFFFu);
    is_int(parse_sessions(copy, b.len, &count), STATUS_INVALID_NETWORK_RESPONSE,
           "a huge count refused");
    le32_store(copy, 3);
    is_int(parse_sessions(copy, b.len, &count), STATUS_INVALID_NETWORK_RESPONSE,
           "a count one larger than the entries refused");
    memcpy(copy, b.data, b.len);
    copy[4 + 20 + 2 + 3] = 0; /* "127\0..." */
    is_int(parse_sessions(copy, b.len, &count), STATUS_INVALID_NETWORK_RESPONSE,
           "a NUL inside a string refused");
    memcpy(copy, b.data, b.len);
    le16_store(copy + 4 + 20, 0xFFFF);
    is_int(parse_sessions(copy, b.len, &count), STATUS_INVALID_NETWORK_RESPONSE,
           "a string length past the end refused");
    free(copy);

    /* Every single-byte change: refused or read, never a crash or a read
     * outside (ASan builds check that). */
    uint8_t *mutated = malloc(b.len);
    size_t survived = 0;
    for (size_t i = 0; i < b.len; i++) {
        memcpy(mutated, b.data, b.len);
        mutated[i] ^= 0xFF;
        if (parse_sessions(mutated, b.len, &count) == STATUS_SUCCESS)
            survived++;
    }
    ok(survived < b.len, "byte flips: %zu of %zu read, the rest refused", survived, b.len);
    free(mutated);
    buf_free(&b);

    uint8_t empty[4] = { 0 };
    is_int(srvctl_parse_sessions(empty, 4, &s, &count), STATUS_SUCCESS, "an empty list reads");
    ok(count == 0 && s != NULL, "as no sessions");
    srvctl_sessions_free(s, count);
}

static void connections_and_files(void)
{
    struct buf b;
    buf_init(&b);
    wr_u32(&b, 2);
    wr_u32(&b, 40);
    wr_u32(&b, 3);          /* STYPE_IPC */
    wr_u32(&b, 1);
    wr_u32(&b, 9);
    wr_str(&b, "IPC$");
    wr_str(&b, "10.0.0.1");
    wr_str(&b, "D\xc3\xa9v\\bob");
    wr_u32(&b, 41);
    wr_u32(&b, 0);          /* STYPE_DISKTREE */
    wr_u32(&b, 0);
    wr_u32(&b, 8);
    wr_str(&b, "data");
    wr_str(&b, "10.0.0.1");
    wr_str(&b, "bob");
    struct srvctl_connection *c = NULL;
    size_t count = 0;
    is_int(srvctl_parse_connections(b.data, b.len, &c, &count), STATUS_SUCCESS,
           "connections read");
    ok(count == 2 && c[0].id == 40 && c[0].share_type == SRVCTL_SHARE_PIPE &&
           strcmp(c[0].share, "IPC$") == 0 && strcmp(c[0].domain, "D\xc3\xa9v") == 0 &&
           strcmp(c[0].user, "bob") == 0 && strcmp(c[0].client, "10.0.0.1") == 0 &&
           c[0].open_count == 1 && c[0].connected_seconds == 9,
       "IPC$ is a pipe share; UTF-8 domain kept");
    ok(count == 2 && c[1].share_type == SRVCTL_SHARE_DISK && strcmp(c[1].domain, "") == 0 &&
           strcmp(c[1].user, "bob") == 0,
       "data is a disk share; a user without domain");
    srvctl_connections_free(c, count);
    is_int(srvctl_parse_connections(b.data, b.len - 1, &c, &count),
           STATUS_INVALID_NETWORK_RESPONSE, "a truncated connections answer refused");
    ok(c == NULL && count == 0, "and returns nothing");
    buf_free(&b);

    buf_init(&b);
    wr_u32(&b, 2);
    wr_u32(&b, 50);
    wr_u32(&b, 1 | 2 | 4);  /* PERM_FILE_READ | WRITE | CREATE */
    wr_u32(&b, 2);
    wr_str(&b, "/srv/data/dir/r\xc3\xa9port.txt");
    wr_str(&b, "data");
    wr_str(&b, "SAMEWISE\\bob");
    wr_u32(&b, 51);
    wr_u32(&b, 1);
    wr_u32(&b, 0);
    wr_str(&b, "\\PIPE\\srvsvc");
    wr_str(&b, "IPC$");
    wr_str(&b, "SAMEWISE\\bob");
    struct srvctl_file *f = NULL;
    is_int(srvctl_parse_files(b.data, b.len, &f, &count), STATUS_SUCCESS, "files read");
    ok(count == 2 && f[0].id == 50 &&
           f[0].flags == (SRVCTL_FILE_READ | SRVCTL_FILE_WRITE | SRVCTL_FILE_CREATE) &&
           f[0].lock_count == 2 && strcmp(f[0].path, "/srv/data/dir/r\xc3\xa9port.txt") == 0 &&
           strcmp(f[0].share, "data") == 0 && strcmp(f[0].user, "bob") == 0 &&
           strcmp(f[0].domain, "SAMEWISE") == 0,
       "a file: permissions, locks, path on the server, share, user");
    ok(count == 2 && f[1].flags == (SRVCTL_FILE_READ | SRVCTL_FILE_PIPE),
       "\\PIPE\\srvsvc is flagged as a pipe");
    srvctl_files_free(f, count);
    le32_store(b.data + 4 + 4, 0xFFFFFFFFu);
    is_int(srvctl_parse_files(b.data, b.len, &f, &count), STATUS_SUCCESS,
           "permission bits srvctl does not know...");
    ok(count == 2 && f[0].flags == (SRVCTL_FILE_READ | SRVCTL_FILE_WRITE | SRVCTL_FILE_CREATE),
       "...are dropped, and cannot claim a pipe");
    srvctl_files_free(f, count);
    buf_free(&b);
}

static void reload(void)
{
    struct buf b;
    buf_init(&b);
    srv_devctl_request_write(&b, SRV_DEVCTL_RELOAD_SHARES);
    is_int(b.len, 8, "the reload request is 8 bytes");
    is_int(srv_devctl_request_read(SRV_DEVCTL_RELOAD_SHARES, b.data, b.len), STATUS_SUCCESS,
           "and reads back");
    is_int(srv_devctl_request_read(SRV_DEVCTL_RELOAD_SHARES, b.data, 7),
           STATUS_INVALID_PARAMETER, "a truncated request refused");
    wr_u32(&b, 0xdeadbeef); /* a newer client's extra field */
    is_int(srv_devctl_request_read(SRV_DEVCTL_RELOAD_SHARES, b.data, b.len), STATUS_SUCCESS,
           "extra bytes after the known fields are ignored");
    le32_store(b.data, 2);
    is_int(srv_devctl_request_read(SRV_DEVCTL_RELOAD_SHARES, b.data, b.len),
           STATUS_REVISION_MISMATCH, "another version refused as such");
    le32_store(b.data, 1);
    is_int(srv_devctl_request_read(0x00090060u, b.data, b.len), STATUS_INVALID_PARAMETER,
           "an unknown control refused");
    is_int(srv_devctl_request_read(SRV_DEVCTL_RELOAD_SHARES, NULL, 0), STATUS_INVALID_PARAMETER,
           "no input refused");
    buf_free(&b);

    uint32_t affected = 7;
    buf_init(&b);
    srv_devctl_write_result(&b, 3);
    is_int(srv_devctl_read_result(b.data, b.len, &affected), STATUS_SUCCESS, "result read");
    is_int(affected, 3, "its count");
    is_int(srv_devctl_read_result(b.data, b.len - 1, &affected),
           STATUS_INVALID_NETWORK_RESPONSE, "a truncated result refused");
    is_int(affected, 0, "and counts nothing");
    le32_store(b.data, 9);
    is_int(srv_devctl_read_result(b.data, b.len, &affected), STATUS_REVISION_MISMATCH,
           "a result of another version refused as such");
    buf_free(&b);
    ok(SRV_DEVCTL_RELOAD_SHARES >> 16 == SRV_DEVCTL_DEVICE_TYPE &&
           (SRV_DEVCTL_RELOAD_SHARES >> 14 & 3) == FILE_WRITE_ACCESS,
       "the control code carries the device type and write access");
}

int main(void)
{
    sessions();
    connections_and_files();
    reload();
    return done_testing();
}
