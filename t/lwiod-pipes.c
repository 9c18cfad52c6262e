/* npfs through the lwio client library against a running lwiod: instances,
 * listen, connect, message and byte reads, peek, transceive, disconnect,
 * close, the client's token and session key, cancellation, and a named-pipe
 * echo with 100 concurrent clients. */
#include <pthread.h>

#include "lib/buf.h"
#include "lib/sid.h"
#include "t/lwiod-harness.h"
#include "t/tap/tap.h"

#define STATUS_INSTANCE_NOT_AVAILABLE 0xC00000ABu

static struct lwiod_instance d;

static NTSTATUS make_server(struct lwio_context *c, const char *path, uint32_t type,
                            uint32_t max_instances, struct lwio_file **pipe,
                            struct io_status_block *sb)
{
    uint32_t mode = type == FILE_PIPE_MESSAGE_TYPE ? FILE_PIPE_MESSAGE_MODE
                                                   : FILE_PIPE_BYTE_STREAM_MODE;
    return LwNtCreateNamedPipeFile(c, pipe, NULL, sb, path, FILE_GENERIC_READ | FILE_GENERIC_WRITE,
                                   FILE_SHARE_READ | FILE_SHARE_WRITE, FILE_OPEN_IF, 0, type, mode,
                                   FILE_PIPE_QUEUE_OPERATION, max_instances, 4096, 4096, NULL);
}

static NTSTATUS open_client(struct lwio_context *c, const char *path, const struct lwio_ecp *ecps,
                            size_t ecp_count, struct lwio_file **file)
{
    struct io_status_block sb;
    struct lwio_create_params p = { .path = path,
                                    .desired_access = FILE_GENERIC_READ | FILE_GENERIC_WRITE,
                                    .create_disposition = FILE_OPEN,
                                    .ecps = ecps,
                                    .ecp_count = ecp_count };
    return LwNtCreateFile(c, file, NULL, &sb, &p);
}

static NTSTATUS put(struct lwio_file *f, const char *text)
{
    struct io_status_block sb;
    return LwNtWriteFile(f, NULL, &sb, text, (uint32_t)strlen(text), NULL, NULL);
}

static NTSTATUS fsctl(struct lwio_file *f, uint32_t code)
{
    struct io_status_block sb;
    return LwNtFsControlFile(f, NULL, &sb, code, NULL, 0, NULL, 0);
}

static void basics(struct lwio_context *c)
{
    struct lwio_file *s1, *s2, *s3, *c1, *c2, *c3;
    struct io_status_block sb;
    struct harness_async h, h2;
    char buf[64];

    ok(make_server(c, "\\npfs\\basic", FILE_PIPE_MESSAGE_TYPE, 2, &s1, &sb) == STATUS_SUCCESS &&
           sb.information == FILE_CREATED,
       "first server instance creates the pipe");
    ok(make_server(c, "/npfs/BASIC", FILE_PIPE_MESSAGE_TYPE, 2, &s2, &sb) == STATUS_SUCCESS &&
           sb.information == FILE_OPENED,
       "second instance (name matched without case, slashes accepted)");
    is_int(make_server(c, "\\npfs\\basic", FILE_PIPE_MESSAGE_TYPE, 2, &s3, &sb),
           STATUS_INSTANCE_NOT_AVAILABLE, "a third instance is over the maximum");
    ok(make_server(c, "\\npfs\\basic", FILE_PIPE_BYTE_STREAM_TYPE, 2, &s3, &sb) != STATUS_SUCCESS,
       "an instance of another pipe type is refused");

    /* Listen pends until a client connects. */
    ok(LwNtFsControlFile(s1, harness_async(&h), &h.status, FSCTL_PIPE_LISTEN, NULL, 0, NULL, 0) ==
           STATUS_PENDING, "FSCTL_PIPE_LISTEN pends");
    harness_sleep_ms(20);
    ok(!h.done, "and stays pending with no client");
    static const uint8_t key[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
    struct lwio_ecp ecps[] = { { IO_ECP_TYPE_SESSION_KEY, key, sizeof key },
                               { IO_ECP_TYPE_PEER_ADDRESS, "127.0.0.1:4455", 14 } };
    NTSTATUS st1 = open_client(c, "\\npfs\\basic", ecps, 2, &c1);
    NTSTATUS st2 = open_client(c, "\\npfs\\basic", NULL, 0, &c2);
    ok(st1 == STATUS_SUCCESS && st2 == STATUS_SUCCESS, "two clients connect");
    is_int(open_client(c, "\\npfs\\basic", NULL, 0, &c3), STATUS_PIPE_NOT_AVAILABLE,
           "a third client finds no listening instance");
    is_int(open_client(c, "\\npfs\\nosuch", NULL, 0, &c3), STATUS_OBJECT_NAME_NOT_FOUND,
           "an unknown pipe is not found");
    ok(harness_async_wait(&h, 2000) && h.status.status == STATUS_SUCCESS,
       "the pending listen completes when a client connects");

    /* Which server instance got c1? The one whose client sent the key. */
    struct lwio_file *s_c1 = s1, *s_c2 = s2;
    uint8_t *got_key = NULL;
    size_t got_key_size = 0;
    if (LwIoGetPeerSessionKey(s1, &got_key, &got_key_size) != STATUS_SUCCESS) {
        s_c1 = s2;
        s_c2 = s1;
        LwIoGetPeerSessionKey(s2, &got_key, &got_key_size);
    }
    ok(got_key && got_key_size == sizeof key && memcmp(got_key, key, sizeof key) == 0,
       "the server reads the client's session key (ECP at create)");
    free(got_key);
    struct access_token *token = NULL;
    ok(LwIoGetPeerAccessToken(s_c1, &token) == STATUS_SUCCESS && token &&
           sid_equal(&token->user, &SID_LOCAL_SYSTEM),
       "the server reads the client's access token (SYSTEM for root)");
    token_free(token);
    is_int(LwIoGetPeerSessionKey(s_c2, &got_key, &got_key_size), STATUS_NOT_FOUND,
           "no session key when the client sent none");
    char addr[64] = { 0 };
    LwNtFsControlFile(s_c1, NULL, &sb, FSCTL_NPFS_GET_PEER_ADDRESS, NULL, 0, addr,
                      sizeof addr - 1);
    is_str(addr, "127.0.0.1:4455", "and its peer address");
    is_int(fsctl(c1, FSCTL_NPFS_GET_CLIENT_TOKEN), STATUS_ILLEGAL_FUNCTION,
           "the client end cannot ask for peer information");
    is_int(fsctl(s_c2, FSCTL_PIPE_LISTEN), STATUS_PIPE_CONNECTED,
           "listen on a connected instance: STATUS_PIPE_CONNECTED");

    /* Data both ways. */
    ok(put(c1, "ping") == STATUS_SUCCESS, "client writes");
    memset(buf, 0, sizeof buf);
    ok(LwNtReadFile(s_c1, NULL, &sb, buf, sizeof buf, NULL, NULL) == STATUS_SUCCESS &&
           sb.information == 4 && memcmp(buf, "ping", 4) == 0,
       "server reads the message");
    put(s_c1, "0123456789");
    ok(LwNtReadFile(c1, NULL, &sb, buf, 4, NULL, NULL) == STATUS_BUFFER_OVERFLOW &&
           sb.information == 4 && memcmp(buf, "0123", 4) == 0,
       "a message longer than the buffer: STATUS_BUFFER_OVERFLOW with the first part");
    ok(LwNtReadFile(c1, NULL, &sb, buf, sizeof buf, NULL, NULL) == STATUS_SUCCESS &&
           sb.information == 6 && memcmp(buf, "456789", 6) == 0,
       "the next read gets the rest of that message");

    /* Peek. */
    put(s_c1, "abc");
    put(s_c1, "de");
    uint8_t peekbuf[32];
    ok(LwNtFsControlFile(c1, NULL, &sb, FSCTL_PIPE_PEEK, NULL, 0, peekbuf, sizeof peekbuf) ==
           STATUS_SUCCESS && sb.information == 19,
       "FSCTL_PIPE_PEEK returns the header and the next message");
    ok(le32_load(peekbuf) == FILE_PIPE_CONNECTED_STATE && le32_load(peekbuf + 4) == 5 &&
           le32_load(peekbuf + 8) == 2 && le32_load(peekbuf + 12) == 3 &&
           memcmp(peekbuf + 16, "abc", 3) == 0,
       "state, bytes available, messages, message length, data");
    ok(LwNtFsControlFile(c1, NULL, &sb, FSCTL_PIPE_PEEK, NULL, 0, peekbuf, 17) ==
           STATUS_BUFFER_OVERFLOW, "a short peek buffer: STATUS_BUFFER_OVERFLOW");
    is_int(LwNtFsControlFile(c1, NULL, &sb, FSCTL_PIPE_PEEK, NULL, 0, peekbuf, 8),
           STATUS_BUFFER_TOO_SMALL, "no room for the header: STATUS_BUFFER_TOO_SMALL");
    is_int(LwNtFsControlFile(c1, NULL, &sb, FSCTL_PIPE_TRANSCEIVE, "x", 1, buf, sizeof buf),
           STATUS_PIPE_BUSY, "transceive with unread data: STATUS_PIPE_BUSY");
    LwNtReadFile(c1, NULL, &sb, buf, sizeof buf, NULL, NULL);
    ok(LwNtReadFile(c1, NULL, &sb, buf, sizeof buf, NULL, NULL) == STATUS_SUCCESS &&
           sb.information == 2, "peek consumed nothing: both messages are read");

    /* Transceive: the request reaches a pending server read; the reply
     * completes the transceive. */
    char sbuf[64] = { 0 }, reply[64] = { 0 };
    ok(LwNtReadFile(s_c1, harness_async(&h), &h.status, sbuf, sizeof sbuf, NULL, NULL) ==
           STATUS_PENDING, "server read pends");
    ok(LwNtFsControlFile(c1, harness_async(&h2), &h2.status, FSCTL_PIPE_TRANSCEIVE, "q?", 2,
                         reply, sizeof reply) == STATUS_PENDING, "client transceive pends");
    ok(harness_async_wait(&h, 2000) && h.status.information == 2 && memcmp(sbuf, "q?", 2) == 0,
       "the server's read gets the request");
    put(s_c1, "a!");
    ok(harness_async_wait(&h2, 2000) && h2.status.status == STATUS_SUCCESS &&
           h2.status.information == 2 && memcmp(reply, "a!", 2) == 0,
       "the transceive returns the reply");

    /* Cancel a pending read. */
    ok(LwNtReadFile(s_c2, harness_async(&h), &h.status, sbuf, sizeof sbuf, NULL, NULL) ==
           STATUS_PENDING, "another server read pends");
    ok(LwNtCancelAsync(&h.async) == STATUS_SUCCESS, "cancel it");
    ok(harness_async_wait(&h, 2000) && h.status.status == STATUS_CANCELLED,
       "it completes with STATUS_CANCELLED");

    /* Information. */
    uint8_t info[40];
    ok(LwNtQueryInformationFile(s_c1, NULL, &sb, info, sizeof info, FilePipeLocalInformation) ==
           STATUS_SUCCESS && sb.information == 40,
       "FilePipeLocalInformation");
    ok(le32_load(info) == FILE_PIPE_MESSAGE_TYPE && le32_load(info + 8) == 2 &&
           le32_load(info + 12) == 2 && le32_load(info + 32) == FILE_PIPE_CONNECTED_STATE &&
           le32_load(info + 36) == FILE_PIPE_SERVER_END,
       "type, maximum and current instances, state, end");
    is_int(LwNtQueryInformationFile(s_c1, NULL, &sb, info, 8, FilePipeLocalInformation),
           STATUS_INFO_LENGTH_MISMATCH, "too small a buffer: STATUS_INFO_LENGTH_MISMATCH");

    /* The client closes: the server reads what is left, then PIPE_BROKEN. */
    put(c1, "last words");
    LwNtClose(c1, NULL, &sb);
    ok(LwNtReadFile(s_c1, NULL, &sb, buf, sizeof buf, NULL, NULL) == STATUS_SUCCESS &&
           sb.information == 10, "after the client closed, its last message is still read");
    is_int(LwNtReadFile(s_c1, NULL, &sb, buf, sizeof buf, NULL, NULL), STATUS_PIPE_BROKEN,
           "then STATUS_PIPE_BROKEN");
    is_int(put(s_c1, "hello?"), STATUS_PIPE_CLOSING, "writing to it: STATUS_PIPE_CLOSING");
    is_int(fsctl(s_c1, FSCTL_PIPE_LISTEN), STATUS_PIPE_CLOSING,
           "listen before disconnect: STATUS_PIPE_CLOSING");
    ok(fsctl(s_c1, FSCTL_PIPE_DISCONNECT) == STATUS_SUCCESS, "disconnect");
    ok(LwNtFsControlFile(s_c1, harness_async(&h), &h.status, FSCTL_PIPE_LISTEN, NULL, 0, NULL,
                         0) == STATUS_PENDING, "listen again");
    ok(open_client(c, "\\npfs\\basic", NULL, 0, &c3) == STATUS_SUCCESS &&
           harness_async_wait(&h, 2000) && h.status.status == STATUS_SUCCESS,
       "a new client reuses the instance");

    /* The server disconnects a connected client. */
    ok(fsctl(s_c1, FSCTL_PIPE_DISCONNECT) == STATUS_SUCCESS, "server disconnects c3");
    is_int(LwNtReadFile(c3, NULL, &sb, buf, sizeof buf, NULL, NULL), STATUS_PIPE_DISCONNECTED,
           "the client's read: STATUS_PIPE_DISCONNECTED");
    is_int(put(c3, "x"), STATUS_PIPE_DISCONNECTED, "its write too");
    LwNtClose(c3, NULL, &sb);

    /* The server closes under a pending client read. */
    ok(LwNtReadFile(c2, harness_async(&h), &h.status, buf, sizeof buf, NULL, NULL) ==
           STATUS_PENDING, "client read pends");
    LwNtClose(s_c2, NULL, &sb);
    ok(harness_async_wait(&h, 2000) && h.status.status == STATUS_PIPE_BROKEN,
       "the server closing completes it with STATUS_PIPE_BROKEN");
    LwNtClose(c2, NULL, &sb);
    LwNtClose(s_c1, NULL, &sb);
    is_int(open_client(c, "\\npfs\\basic", NULL, 0, &c3), STATUS_OBJECT_NAME_NOT_FOUND,
           "the pipe is gone with its last instance");
}

static void byte_mode(struct lwio_context *c)
{
    struct lwio_file *s, *cl, *root;
    struct io_status_block sb;
    char buf[16] = { 0 };
    make_server(c, "\\npfs\\bytes", FILE_PIPE_BYTE_STREAM_TYPE, 1, &s, &sb);
    ok(open_client(c, "\\npfs\\bytes", NULL, 0, &cl) == STATUS_SUCCESS, "byte pipe connects");
    put(cl, "ab");
    put(cl, "cd");
    ok(LwNtReadFile(s, NULL, &sb, buf, sizeof buf, NULL, NULL) == STATUS_SUCCESS &&
           sb.information == 4 && memcmp(buf, "abcd", 4) == 0,
       "a byte-mode read spans writes");
    put(cl, "efgh");
    ok(LwNtReadFile(s, NULL, &sb, buf, 3, NULL, NULL) == STATUS_SUCCESS && sb.information == 3,
       "and takes part of one without overflow");
    is_int(LwNtFsControlFile(cl, NULL, &sb, FSCTL_PIPE_TRANSCEIVE, "x", 1, buf, sizeof buf),
           STATUS_INVALID_PIPE_STATE, "transceive needs a message pipe");
    LwNtClose(cl, NULL, &sb);
    LwNtClose(s, NULL, &sb);
    ok(open_client(c, "\\npfs", NULL, 0, &root) == STATUS_SUCCESS, "\\npfs itself opens");
    is_int(LwNtReadFile(root, NULL, &sb, buf, sizeof buf, NULL, NULL),
           STATUS_INVALID_DEVICE_REQUEST, "but is not a pipe");
    uint8_t dev[8];
    ok(LwNtQueryVolumeInformationFile(root, NULL, &sb, dev, sizeof dev, FileFsDeviceInformation) ==
           STATUS_SUCCESS && le32_load(dev) == FILE_DEVICE_NAMED_PIPE,
       "FileFsDeviceInformation says FILE_DEVICE_NAMED_PIPE");
    /* FSCTL_PIPE_WAIT: FILE_PIPE_WAIT_FOR_BUFFER naming "bytes". */
    uint8_t wait[14 + 10] = { 0 };
    le32_store(wait + 8, 10);
    memcpy(wait + 14, "b\0y\0t\0e\0s\0", 10);
    is_int(LwNtFsControlFile(root, NULL, &sb, FSCTL_PIPE_WAIT, wait, sizeof wait, NULL, 0),
           STATUS_OBJECT_NAME_NOT_FOUND, "FSCTL_PIPE_WAIT for a pipe that is gone");
    make_server(c, "\\npfs\\bytes", FILE_PIPE_BYTE_STREAM_TYPE, 1, &s, &sb);
    is_int(LwNtFsControlFile(root, NULL, &sb, FSCTL_PIPE_WAIT, wait, sizeof wait, NULL, 0),
           STATUS_SUCCESS, "FSCTL_PIPE_WAIT with an instance listening");
    open_client(c, "\\npfs\\bytes", NULL, 0, &cl);
    is_int(LwNtFsControlFile(root, NULL, &sb, FSCTL_PIPE_WAIT, wait, sizeof wait, NULL, 0),
           STATUS_IO_TIMEOUT, "FSCTL_PIPE_WAIT with every instance busy");
    is_int(LwNtFsControlFile(root, NULL, &sb, FSCTL_PIPE_WAIT, wait, 13, NULL, 0),
           STATUS_INVALID_PARAMETER, "a short FILE_PIPE_WAIT_FOR_BUFFER");
    LwNtClose(cl, NULL, &sb);
    LwNtClose(s, NULL, &sb);
    LwNtClose(root, NULL, &sb);
}

/* ---- 100 concurrent clients ---- */

#define CLIENTS 100
#define MESSAGES 5

static int client_ok[CLIENTS];

static void *echo_client(void *arg)
{
    int id = (int)(intptr_t)arg;
    struct lwio_context *c;
    struct lwio_file *f = NULL;
    struct io_status_block sb;
    if (LwIoConnectSocket(d.sock, &c) != STATUS_SUCCESS)
        return NULL;
    NTSTATUS status = STATUS_PIPE_NOT_AVAILABLE;
    /* An instance may be between disconnect and listen: retry, bounded. */
    for (int i = 0; i < 500 && status == STATUS_PIPE_NOT_AVAILABLE; i++) {
        status = open_client(c, "\\npfs\\echo", NULL, 0, &f);
        if (status == STATUS_PIPE_NOT_AVAILABLE)
            harness_sleep_ms(10);
    }
    int good = status == STATUS_SUCCESS;
    for (int m = 0; good && m < MESSAGES; m++) {
        char msg[64], reply[64];
        int len = snprintf(msg, sizeof msg, "client %d message %d", id, m);
        status = LwNtFsControlFile(f, NULL, &sb, FSCTL_PIPE_TRANSCEIVE, msg, (uint32_t)len, reply,
                                   sizeof reply);
        good = status == STATUS_SUCCESS && sb.information == (uint64_t)len &&
               memcmp(reply, msg, (size_t)len) == 0;
    }
    if (f)
        LwNtClose(f, NULL, &sb);
    LwIoDisconnect(c);
    client_ok[id] = good;
    return NULL;
}

static void hundred_clients(void)
{
    char tool[512];
    snprintf(tool, sizeof tool, "%s/bin/lwio-tool", harness_build());
    char *argv[] = { tool, "--db", d.db, "pipe-echo-server", "echo", "--instances", "100", NULL };
    int out[2];
    if (pipe(out) != 0)
        return;
    pid_t server = harness_spawn(argv, out[1], NULL);
    close(out[1]);
    char ready[16] = { 0 };
    ssize_t n = read(out[0], ready, sizeof ready - 1);
    close(out[0]);
    if (!ok(n > 0 && strncmp(ready, "ready", 5) == 0, "lwio-tool echo server with 100 instances")) {
        harness_kill(server);
        return;
    }
    pthread_t threads[CLIENTS];
    for (int i = 0; i < CLIENTS; i++)
        pthread_create(&threads[i], NULL, echo_client, (void *)(intptr_t)i);
    for (int i = 0; i < CLIENTS; i++)
        pthread_join(threads[i], NULL);
    int good = 0;
    for (int i = 0; i < CLIENTS; i++)
        good += client_ok[i];
    is_int(good, CLIENTS, "100 concurrent clients each had %d messages echoed", MESSAGES);
    kill(server, SIGTERM);
    harness_wait(server, 5000);
    harness_kill(server);
}

int main(void)
{
    struct lwio_context *c = NULL;
    if (!ok(lwiod_start(&d, NULL) == 0, "lwiod starts")) {
        lwiod_show_log(&d);
        lwiod_cleanup(&d);
        return done_testing();
    }
    if (ok(LwIoConnectSocket(d.sock, &c) == STATUS_SUCCESS, "client connects")) {
        basics(c);
        byte_mode(c);
        LwIoDisconnect(c);
    }
    hundred_clients();
    int status = lwiod_stop(&d);
    if (!ok(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0,
            "lwiod stops cleanly on SIGTERM"))
        lwiod_show_log(&d);
    lwiod_cleanup(&d);
    return done_testing();
}
