/* rdr's SMB2 wire code (drivers/rdr/wire.c) and credentials file
 * (drivers/rdr/creds.c): requests laid out as [MS-SMB2] 2.2 says, responses
 * parsed with every offset checked, the credentials file's format and its
 * 0600 rule. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "drivers/rdr/rdr.h"
#include "lib/crypto.h"
#include "t/tap/tap.h"

/* Not linked here: the driver's state and settings (creds.c needs neither). */
struct rdr rdr;

static size_t load(const char *name, uint8_t *out, size_t size)
{
    char path[512];
    const char *src = getenv("SW_SRC");
    snprintf(path, sizeof path, "%s/fuzz/corpus/rdr_response/%s", src ? src : ".", name);
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    size_t n = fread(out, 1, size, f);
    fclose(f);
    return n;
}

static void test_negotiate(void)
{
    static const uint16_t dialects[] = { SMB2_DIALECT_202, SMB2_DIALECT_311 };
    static const uint16_t ciphers[] = { SMB2_ENCRYPTION_AES128_GCM };
    struct rdr_negotiate_request req = { .security_mode = 1, .dialects = dialects,
                                         .dialect_count = 2, .ciphers = ciphers,
                                         .cipher_count = 1 };
    struct buf b;
    buf_init(&b);
    rdr_header_write(&b, SMB2_NEGOTIATE, 0);
    rdr_negotiate_write(&b, &req);
    ok(wr_ok(&b), "NEGOTIATE built");
    is_int(le16_load(b.data + 64), 36, "StructureSize 36");
    is_int(le16_load(b.data + 66), 2, "two dialects");
    uint32_t context_offset = le32_load(b.data + 64 + 28);
    is_int(context_offset % 8, 0, "contexts 8-aligned");
    is_int(le16_load(b.data + 64 + 32), 2, "two contexts (preauth, encryption)");
    is_int(le16_load(b.data + context_offset), SMB2_PREAUTH_INTEGRITY_CAPABILITIES,
           "the first is preauth integrity");
    buf_free(&b);

    uint8_t msg[4096];
    size_t len = load("negotiate-311", msg, sizeof msg);
    struct rdr_negotiate_response rsp;
    ok(len > 0 && rdr_negotiate_parse(msg, len, &rsp) == STATUS_SUCCESS, "3.1.1 answer parses");
    is_int(rsp.dialect, SMB2_DIALECT_311, "dialect 3.1.1");
    is_int(rsp.cipher, SMB2_ENCRYPTION_AES128_GCM, "cipher from its context");
    ok(rsp.has_preauth && rsp.preauth_hash == SMB2_PREAUTH_INTEGRITY_SHA512, "SHA-512 preauth");
    for (size_t cut = 0; cut < len; cut++)
        if (rdr_negotiate_parse(msg, cut, &rsp) == STATUS_SUCCESS) {
            ok(0, "a negotiate answer cut at %zu parses", cut);
            return;
        }
    ok(1, "every truncation of it is refused");
}

static void test_query_info_input(void)
{
    static const uint8_t file_id[16] = { 1, 2, 3 };
    struct buf b;
    buf_init(&b);
    rdr_header_write(&b, SMB2_QUERY_INFO, 5);
    rdr_query_info_input_write(&b, file_id, SMB2_0_INFO_FILE, FileFullEaInformation, 4096, 3,
                               SL_INDEX_SPECIFIED, "\0\0\0\0\3ABC", 9);
    ok(wr_ok(&b) && b.len == 64 + 40 + 9, "QUERY_INFO with an input buffer: 40 bytes + the list");
    is_int(le16_load(b.data + 64 + 8), 104, "InputBufferOffset right after the fixed part");
    is_int(le32_load(b.data + 64 + 12), 9, "InputBufferLength");
    is_int(le32_load(b.data + 64 + 16), 3, "AdditionalInformation: the EA index");
    is_int(le32_load(b.data + 64 + 20), SL_INDEX_SPECIFIED, "Flags");
    is_mem(b.data + 104, 9, "\0\0\0\0\3ABC", 9, "the EA name list");
    buf_free(&b);
}

static void test_read(void)
{
    uint8_t msg[4096];
    size_t len = load("read", msg, sizeof msg);
    struct rdr_bytes data;
    ok(len > 0 && rdr_read_parse(msg, len, &data) == STATUS_SUCCESS, "READ answer parses");
    is_mem(data.data, data.len, "hello world", 11, "its data");
    le32_store(msg + 64 + 4, 12); /* one byte more than the frame holds */
    ok(rdr_read_parse(msg, len, &data) != STATUS_SUCCESS, "DataLength past the frame: refused");
    le32_store(msg + 64 + 4, 11);
    msg[64 + 2] = 20; /* DataOffset inside the header */
    ok(rdr_read_parse(msg, len, &data) != STATUS_SUCCESS, "DataOffset inside the header: refused");
}

static void test_output_buffer(void)
{
    uint8_t msg[4096];
    size_t len = load("query-info", msg, sizeof msg);
    struct rdr_bytes data;
    ok(rdr_output_buffer_parse(msg, len, 40, &data) == STATUS_SUCCESS && data.len == 40,
       "QUERY_INFO output of 40 bytes within a 40-byte limit");
    ok(rdr_output_buffer_parse(msg, len, 39, &data) != STATUS_SUCCESS,
       "more than the caller's buffer: refused");
    len = load("error-too-small", msg, sizeof msg);
    ok(rdr_error_parse(msg, len, &data) == STATUS_SUCCESS && data.len == 4 &&
           le32_load(data.data) == 200, "BUFFER_TOO_SMALL carries the size needed");
}

static void test_header(void)
{
    uint8_t msg[4096];
    size_t len = load("create", msg, sizeof msg);
    struct rdr_header h;
    ok(rdr_header_parse(msg, len, &h) == STATUS_SUCCESS && h.command == SMB2_CREATE &&
           h.tree_id == 5 && h.session_id == 0x77, "header fields");
    msg[16] &= (uint8_t)~SMB2_FLAGS_SERVER_TO_REDIR;
    ok(rdr_header_parse(msg, len, &h) != STATUS_SUCCESS,
       "a request (no SERVER_TO_REDIR) is refused");
    struct rdr_create_response c;
    ok(rdr_create_parse(msg, len, &c) == STATUS_SUCCESS && c.end_of_file == 100,
       "CREATE answer: end of file");
    ok(rdr_create_parse(msg, 100, &c) != STATUS_SUCCESS, "a short CREATE answer is refused");
}

static void test_credentials(const char *dir)
{
    char path[512];
    snprintf(path, sizeof path, "%s/creds", dir);
    FILE *f = fopen(path, "w");
    fprintf(f, "# comment\n\nother.example  bob  nope\n"
               "server:4450  DOM\\alice  two words  \n*  carol  pw\n");
    fclose(f);
    chmod(path, 0600);
    struct rdr_credentials c;
    ok(rdr_credentials_find(path, "SERVER", 4450, &c) == STATUS_SUCCESS && !c.anonymous &&
           strcmp(c.user, "alice") == 0 && strcmp(c.domain, "DOM") == 0,
       "host:port line matches (case-insensitively): DOM\\alice");
    uint8_t hash[16];
    crypto_nt_hash("two words  ", hash);
    ok(memcmp(c.nt_hash, hash, 16) == 0, "the password is the rest of the line, spaces kept");
    rdr_credentials_clear(&c);
    ok(rdr_credentials_find(path, "server", 445, &c) == STATUS_SUCCESS &&
           strcmp(c.user, "carol") == 0 && strcmp(c.domain, "") == 0,
       "another port falls through to *");
    rdr_credentials_clear(&c);
    chmod(path, 0644);
    ok(rdr_credentials_find(path, "server", 445, &c) == STATUS_ACCESS_DENIED,
       "a file others can read is refused");
    rdr_credentials_clear(&c);
    ok(rdr_credentials_find("", "server", 445, &c) == STATUS_SUCCESS && c.anonymous,
       "no file: anonymous");
    unlink(path);

    static const char good[] = "DOM\0bob\0pw\0";
    ok(rdr_credentials_from_ecp(good, sizeof good - 1, &c) == STATUS_SUCCESS &&
           strcmp(c.domain, "DOM") == 0 && strcmp(c.user, "bob") == 0 && !c.anonymous,
       "credentials ECP: domain, user, password");
    crypto_nt_hash("pw", hash);
    ok(memcmp(c.nt_hash, hash, 16) == 0, "credentials ECP: the password's NT hash");
    rdr_credentials_clear(&c);
    ok(rdr_credentials_from_ecp(good, sizeof good - 2, &c) == STATUS_INVALID_PARAMETER,
       "credentials ECP without its last NUL: refused");
    ok(rdr_credentials_from_ecp(good, sizeof good, &c) == STATUS_INVALID_PARAMETER,
       "credentials ECP with bytes after the password: refused");
    ok(rdr_credentials_from_ecp("\0\0pw\0", 5, &c) == STATUS_INVALID_PARAMETER,
       "credentials ECP with no user: refused");
}

int main(void)
{
    char dir[] = "/tmp/rdr-wire.XXXXXX";
    if (!mkdtemp(dir))
        return 1;
    test_negotiate();
    test_query_info_input();
    test_read();
    test_output_buffer();
    test_header();
    test_credentials(dir);
    rmdir(dir);
    return tap_done();
}
