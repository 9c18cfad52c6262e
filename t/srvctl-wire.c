/* The \srv device controls' wire format (drivers/srv/devctl.h): requests and
 * answers written and read back both ways, and malformed answers (truncated,
 * counts the bytes cannot hold, bad record lengths, NULs in strings, another
 * version) refused without reading outside the buffer or allocating for a
 * count that is not there. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/srv/devctl.h"
#include "t/tap/tap.h"

static struct srvctl_session sample_sessions[2] = {
    { .id = 0x0000123400000001ull, .user = "alice", .domain = "SAMEWISE", .client = "127.0.0.1",
      .client_port = 50123, .dialect = 0x0311, .cipher = 0x0002, .signing_algorithm = 0x0002,
      .flags = SRVCTL_SESSION_SIGNING_REQUIRED | SRVCTL_SESSION_ENCRYPT_DATA,
      .logon_time = 1700000000, .last_active_time = 1700000100, .open_count = 3,
      .tree_count = 2 },
    { .id = 7, .user = "", .domain = "", .client = "::1", .client_port = 1, .dialect = 0x0202,
      .flags = SRVCTL_SESSION_ANONYMOUS },
};

static struct srvctl_connection sample_connection = {
    .session_id = 99, .tree_id = 5, .share_type = SRVCTL_SHARE_PIPE, .share = "IPC$",
    .user = "bob", .domain = "D\xc3\xa9v", .client = "10.0.0.1", .open_count = 1,
    .flags = SRVCTL_CONNECTION_ENCRYPTED, .connect_time = 1234567890,
};

static struct srvctl_file sample_file = {
    .id = 42, .session_id = 99, .tree_id = 5, .flags = 0, .granted_access = 0x0012019F,
    .lock_count = 2, .share = "data", .path = "dir\\r\xc3\xa9port.txt",
    .local_path = "/srv/data/dir/r\xc3\xa9port.txt", .user = "bob", .domain = "SAMEWISE",
    .client = "10.0.0.1",
};

static bool same_session(const struct srvctl_session *a, const struct srvctl_session *b)
{
    return a->id == b->id && strcmp(a->user, b->user) == 0 &&
           strcmp(a->domain, b->domain) == 0 && strcmp(a->client, b->client) == 0 &&
           a->client_port == b->client_port && a->dialect == b->dialect &&
           a->cipher == b->cipher && a->signing_algorithm == b->signing_algorithm &&
           a->flags == b->flags && a->logon_time == b->logon_time &&
           a->last_active_time == b->last_active_time && a->open_count == b->open_count &&
           a->tree_count == b->tree_count;
}

static void sessions_answer(struct buf *b)
{
    buf_init(b);
    size_t begin = srv_devctl_list_begin(b);
    srv_devctl_write_session(b, &sample_sessions[0]);
    srv_devctl_write_session(b, &sample_sessions[1]);
    srv_devctl_list_end(b, begin, 2);
}

static NTSTATUS read_sessions(const void *data, size_t size, size_t *count)
{
    struct srvctl_session *s = NULL;
    NTSTATUS status = srv_devctl_read_sessions(data, size, &s, count);
    if (status != STATUS_SUCCESS && (s || *count))
        status = STATUS_UNSUCCESSFUL; /* a failure must leave nothing behind */
    srv_devctl_free_sessions(s, *count);
    return status;
}

static void round_trips(void)
{
    struct buf b;
    sessions_answer(&b);
    ok(wr_ok(&b), "sessions written");
    struct srvctl_session *s = NULL;
    size_t count = 0;
    is_int(srv_devctl_read_sessions(b.data, b.len, &s, &count), STATUS_SUCCESS, "sessions read");
    is_int(count, 2, "two sessions");
    ok(count == 2 && same_session(&s[0], &sample_sessions[0]), "first session intact");
    ok(count == 2 && same_session(&s[1], &sample_sessions[1]), "anonymous session intact");
    srv_devctl_free_sessions(s, count);
    buf_free(&b);

    buf_init(&b);
    size_t begin = srv_devctl_list_begin(&b);
    srv_devctl_list_end(&b, begin, 0);
    is_int(srv_devctl_read_sessions(b.data, b.len, &s, &count), STATUS_SUCCESS,
           "an empty list reads");
    is_int(count, 0, "empty");
    srv_devctl_free_sessions(s, count);
    buf_free(&b);

    buf_init(&b);
    begin = srv_devctl_list_begin(&b);
    srv_devctl_write_connection(&b, &sample_connection);
    srv_devctl_list_end(&b, begin, 1);
    struct srvctl_connection *c = NULL;
    is_int(srv_devctl_read_connections(b.data, b.len, &c, &count), STATUS_SUCCESS,
           "connections read");
    ok(count == 1 && c[0].session_id == 99 && c[0].tree_id == 5 &&
           c[0].share_type == SRVCTL_SHARE_PIPE && strcmp(c[0].share, "IPC$") == 0 &&
           strcmp(c[0].user, "bob") == 0 && strcmp(c[0].domain, "D\xc3\xa9v") == 0 &&
           strcmp(c[0].client, "10.0.0.1") == 0 && c[0].open_count == 1 &&
           c[0].flags == SRVCTL_CONNECTION_ENCRYPTED && c[0].connect_time == 1234567890,
       "connection intact (UTF-8 kept)");
    srv_devctl_free_connections(c, count);
    /* A connection answer is not a session answer: its records are too short. */
    ok(read_sessions(b.data, b.len, &count) != STATUS_SUCCESS,
       "a connection list does not read as sessions");
    buf_free(&b);

    buf_init(&b);
    begin = srv_devctl_list_begin(&b);
    srv_devctl_write_file(&b, &sample_file);
    srv_devctl_list_end(&b, begin, 1);
    struct srvctl_file *f = NULL;
    is_int(srv_devctl_read_files(b.data, b.len, &f, &count), STATUS_SUCCESS, "files read");
    ok(count == 1 && f[0].id == 42 && f[0].session_id == 99 && f[0].tree_id == 5 &&
           f[0].granted_access == 0x0012019F && f[0].lock_count == 2 &&
           strcmp(f[0].share, "data") == 0 && strcmp(f[0].path, sample_file.path) == 0 &&
           strcmp(f[0].local_path, sample_file.local_path) == 0 &&
           strcmp(f[0].user, "bob") == 0 && strcmp(f[0].client, "10.0.0.1") == 0,
       "file intact");
    srv_devctl_free_files(f, count);
    buf_free(&b);

    uint32_t affected = 0;
    buf_init(&b);
    srv_devctl_write_result(&b, 3);
    is_int(srv_devctl_read_result(b.data, b.len, &affected), STATUS_SUCCESS, "result read");
    is_int(affected, 3, "result count");
    is_int(srv_devctl_read_result(b.data, b.len - 1, &affected),
           STATUS_INVALID_NETWORK_RESPONSE, "truncated result refused");
    buf_free(&b);
}

static void long_strings(void)
{
    /* 70000 bytes of two-byte characters: cut below 64 KiB at a character
     * boundary, never in the middle of one. */
    size_t n = 70000;
    char *text = malloc(n + 1);
    for (size_t i = 0; i < n; i += 2) {
        text[i] = (char)0xc3;
        text[i + 1] = (char)0xa9;
    }
    text[n] = 0;
    struct srvctl_connection c = sample_connection;
    c.share = text;
    struct buf b;
    buf_init(&b);
    size_t begin = srv_devctl_list_begin(&b);
    srv_devctl_write_connection(&b, &c);
    srv_devctl_list_end(&b, begin, 1);
    struct srvctl_connection *got = NULL;
    size_t count = 0;
    is_int(srv_devctl_read_connections(b.data, b.len, &got, &count), STATUS_SUCCESS,
           "a record with an over-long string reads");
    ok(count == 1 && strlen(got[0].share) == 65534 &&
           memcmp(got[0].share, text, 65534) == 0,
       "the string is cut at a character boundary below 64 KiB");
    srv_devctl_free_connections(got, count);
    buf_free(&b);
    free(text);
}

static void requests(void)
{
    struct srv_devctl_request in = { .session_id = 0x1122334455667788ull, .file_id = 9 }, out;
    struct buf b;
    buf_init(&b);
    srv_devctl_request_write(&b, SRV_DEVCTL_CLOSE_FILE, &in);
    is_int(srv_devctl_request_read(SRV_DEVCTL_CLOSE_FILE, b.data, b.len, &out), STATUS_SUCCESS,
           "close-file request read");
    ok(out.session_id == in.session_id && out.file_id == 9, "close-file arguments intact");
    is_int(srv_devctl_request_read(SRV_DEVCTL_CLOSE_FILE, b.data, b.len - 1, &out),
           STATUS_INVALID_PARAMETER, "truncated close-file request refused");
    ok(out.session_id == 0 && out.file_id == 0, "a refused request leaves no arguments");
    buf_free(&b);

    buf_init(&b);
    srv_devctl_request_write(&b, SRV_DEVCTL_CLOSE_SESSION, &in);
    is_int(b.len, 16, "close-session request is 16 bytes");
    is_int(srv_devctl_request_read(SRV_DEVCTL_CLOSE_SESSION, b.data, b.len, &out),
           STATUS_SUCCESS, "close-session request read");
    ok(out.session_id == in.session_id && out.file_id == 0, "only the session id is carried");
    buf_free(&b);

    const uint32_t listings[] = { SRV_DEVCTL_ENUM_SESSIONS, SRV_DEVCTL_ENUM_CONNECTIONS,
                                  SRV_DEVCTL_ENUM_FILES, SRV_DEVCTL_RELOAD_SHARES,
                                  SRV_DEVCTL_STATS };
    for (size_t i = 0; i < sizeof listings / sizeof *listings; i++) {
        buf_init(&b);
        srv_devctl_request_write(&b, listings[i], &in);
        wr_u32(&b, 0xdeadbeef); /* a newer client's extra field */
        is_int(srv_devctl_request_read(listings[i], b.data, b.len, &out), STATUS_SUCCESS,
               "request of control 0x%08x read (extra bytes ignored)", listings[i]);
        is_int(srv_devctl_request_read(listings[i], b.data, 7, &out), STATUS_INVALID_PARAMETER,
               "request of control 0x%08x truncated refused", listings[i]);
        buf_free(&b);
    }
    const uint8_t v2[8] = { 2, 0, 0, 0, 0, 0, 0, 0 };
    is_int(srv_devctl_request_read(SRV_DEVCTL_ENUM_SESSIONS, v2, sizeof v2, &out),
           STATUS_REVISION_MISMATCH, "another version refused as such");
    const uint8_t v1[8] = { 1, 0, 0, 0, 0, 0, 0, 0 };
    is_int(srv_devctl_request_read(0x00090060u, v1, sizeof v1, &out), STATUS_INVALID_PARAMETER,
           "an unknown control refused");
    is_int(srv_devctl_request_read(SRV_DEVCTL_ENUM_SESSIONS, NULL, 0, &out),
           STATUS_INVALID_PARAMETER, "no input refused");
    ok(SRV_DEVCTL_ENUM_SESSIONS >> 16 == SRV_DEVCTL_DEVICE_TYPE &&
           (SRV_DEVCTL_CLOSE_SESSION >> 14 & 3) == FILE_WRITE_ACCESS,
       "control codes carry the device type and access");
}

static void malformed(void)
{
    struct buf b;
    sessions_answer(&b);
    size_t count;
    bool all_refused = true;
    for (size_t len = 0; len < b.len; len++)
        if (read_sessions(b.data, len, &count) != STATUS_INVALID_NETWORK_RESPONSE)
            all_refused = false;
    ok(all_refused, "every truncation of a sessions answer is refused (%zu tried)", b.len);

    uint8_t *copy = malloc(b.len + 1);
    memcpy(copy, b.data, b.len);
    copy[b.len] = 0;
    is_int(read_sessions(copy, b.len + 1, &count), STATUS_INVALID_NETWORK_RESPONSE,
           "trailing bytes after the last record refused");

    memcpy(copy, b.data, b.len);
    le32_store(copy + 4, 0xFFFFFFFFu);
    is_int(read_sessions(copy, b.len, &count), STATUS_INVALID_NETWORK_RESPONSE,
           "a huge count refused");
    le32_store(copy + 4, 3);
    is_int(read_sessions(copy, b.len, &count), STATUS_INVALID_NETWORK_RESPONSE,
           "a count one larger than the records refused");
    le32_store(copy + 4, 1);
    is_int(read_sessions(copy, b.len, &count), STATUS_INVALID_NETWORK_RESPONSE,
           "a count one smaller than the records refused (trailing record)");

    memcpy(copy, b.data, b.len);
    le32_store(copy, 2);
    is_int(read_sessions(copy, b.len, &count), STATUS_REVISION_MISMATCH,
           "an answer of another version refused as such");

    /* The first record's length field is at 8. */
    uint32_t first_len = le32_load(b.data + 8);
    memcpy(copy, b.data, b.len);
    le32_store(copy + 8, 0xFFFFFFF0u);
    is_int(read_sessions(copy, b.len, &count), STATUS_INVALID_NETWORK_RESPONSE,
           "a record length past the end refused");
    le32_store(copy + 8, 10);
    is_int(read_sessions(copy, b.len, &count), STATUS_INVALID_NETWORK_RESPONSE,
           "a record length below the fixed part refused");
    le32_store(copy + 8, first_len - 1);
    is_int(read_sessions(copy, b.len, &count), STATUS_INVALID_NETWORK_RESPONSE,
           "a record length cutting its last string refused");

    /* The user string of the first record: its length at 8 + 4 + 48. */
    memcpy(copy, b.data, b.len);
    copy[8 + 4 + 48 + 2 + 2] = 0; /* "al\0ce" */
    is_int(read_sessions(copy, b.len, &count), STATUS_INVALID_NETWORK_RESPONSE,
           "a NUL inside a string refused");
    memcpy(copy, b.data, b.len);
    le16_store(copy + 8 + 4 + 48, 0xFFFF);
    is_int(read_sessions(copy, b.len, &count), STATUS_INVALID_NETWORK_RESPONSE,
           "a string length past its record refused");
    free(copy);
    buf_free(&b);

    /* A newer server may add fields to a record: the reader skips them. */
    buf_init(&b);
    size_t begin = srv_devctl_list_begin(&b);
    size_t at = b.len;
    srv_devctl_write_session(&b, &sample_sessions[0]);
    wr_u64(&b, 0x0102030405060708ull);
    wr_put_u32_at(&b, at, le32_load(b.data + at) + 8);
    srv_devctl_list_end(&b, begin, 1);
    struct srvctl_session *s = NULL;
    is_int(srv_devctl_read_sessions(b.data, b.len, &s, &count), STATUS_SUCCESS,
           "a record with fields appended reads");
    ok(count == 1 && same_session(&s[0], &sample_sessions[0]), "its known fields intact");
    srv_devctl_free_sessions(s, count);
    buf_free(&b);

    /* Every single-byte change of a files answer: refused or read, never a
     * crash or a read outside (ASan builds check that). */
    buf_init(&b);
    begin = srv_devctl_list_begin(&b);
    srv_devctl_write_file(&b, &sample_file);
    srv_devctl_write_file(&b, &sample_file);
    srv_devctl_list_end(&b, begin, 2);
    uint8_t *mutated = malloc(b.len);
    size_t survived = 0;
    for (size_t i = 0; i < b.len; i++) {
        memcpy(mutated, b.data, b.len);
        mutated[i] ^= 0xFF;
        struct srvctl_file *f = NULL;
        if (srv_devctl_read_files(mutated, b.len, &f, &count) == STATUS_SUCCESS)
            survived++;
        srv_devctl_free_files(f, count);
    }
    ok(survived < b.len, "byte flips: %zu of %zu read, the rest refused", survived, b.len);
    free(mutated);
    buf_free(&b);
}

int main(void)
{
    round_trips();
    long_strings();
    requests();
    malformed();
    return done_testing();
}
