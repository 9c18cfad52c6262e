/* Server-side copy: FSCTL_SRV_REQUEST_RESUME_KEY ([MS-SMB2] 2.2.32.3,
 * 3.3.5.15.5) names an open with a 24-byte key; FSCTL_SRV_COPYCHUNK and
 * FSCTL_SRV_COPYCHUNK_WRITE (2.2.31.1, 2.2.32.1, 3.3.5.15.6) on a
 * destination open copy ranges of the key's open into it. This is how
 * Windows Explorer copies a file within a server: the data never crosses the
 * network.
 *
 * The key is the source's persistent FileId, its volatile FileId, and 8
 * bytes of a SHA-256 over both and a secret drawn once per process: unique
 * per open (3.3.5.15.5), and not something a client can make up for an open
 * it was never given. The source may be any live open of the same user, on
 * any share (smbtorture's copy_chunk_across_shares).
 *
 * The copy is plain I/O through the I/O manager on the two opens, one chunk
 * at a time: IoReadFile of the whole chunk into one buffer (so a chunk whose
 * source and target overlap in one file copies what was there before, as
 * Windows 2012 does), then IoWriteFile. Byte-range locks, rights and sparse
 * files are the file system's business as for READ and WRITE. Memory is one
 * buffer of the longest chunk (at most 1 MiB) per request. */
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/srv/smb2/io.h"
#include "lib/access.h"
#include "lib/log.h"

#define RESUME_KEY_SIZE 24u
#define RESUME_KEY_RESPONSE_SIZE 32u /* key, ContextLength, 4 bytes of Context */
#define COPYCHUNK_COPY_FIXED 32u     /* SourceKey, ChunkCount, Reserved */
#define COPYCHUNK_SIZE 24u           /* SourceOffset, TargetOffset, Length, Reserved */
#define COPYCHUNK_RESPONSE_SIZE 12u

/* Windows' ServerSideCopyMaxNumberofChunks, ServerSideCopyMaxChunkSize and
 * ServerSideCopyMaxDataSize (3.3.5.15.6 notes), the same as smbd's. */
#define MAX_CHUNKS 256u
#define MAX_CHUNK_SIZE (1024u * 1024u)
#define MAX_DATA_SIZE (16u * 1024u * 1024u)
/* Copies larger than this answer STATUS_PENDING first (3.3.4.2). */
#define ASYNC_THRESHOLD (1024u * 1024u)

static uint8_t key_secret[32];
static pthread_once_t key_secret_once = PTHREAD_ONCE_INIT;

static void key_secret_init(void)
{
    if (RAND_bytes(key_secret, sizeof key_secret) != 1)
        log_ratelimited(LOG_LEVEL_WARNING,
                        "srv: no random bytes for resume keys; keys are less secret");
}

static void make_key(uint64_t persistent, uint64_t volatile_id, uint8_t key[RESUME_KEY_SIZE])
{
    pthread_once(&key_secret_once, key_secret_init);
    uint8_t in[sizeof key_secret + 16];
    memcpy(in, key_secret, sizeof key_secret);
    le64_store(in + sizeof key_secret, persistent);
    le64_store(in + sizeof key_secret + 8, volatile_id);
    uint8_t md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    if (EVP_Digest(in, sizeof in, md, &md_len, EVP_sha256(), NULL) != 1 || md_len < 8)
        memset(md, 0, 8);
    le64_store(key, persistent);
    le64_store(key + 8, volatile_id);
    memcpy(key + 16, md, 8);
}

NTSTATUS smb2_request_resume_key(struct smb2_request *req, uint64_t persistent,
                                 uint64_t volatile_id, uint32_t max_output)
{
    struct srv_open *open;
    NTSTATUS status = smb2_lookup_open(req, persistent, volatile_id, &open);
    if (status != STATUS_SUCCESS)
        return status;
    if (open->is_pipe) {
        status = STATUS_INVALID_DEVICE_REQUEST;
    } else if (max_output < RESUME_KEY_RESPONSE_SIZE) {
        status = STATUS_INVALID_PARAMETER;
    } else {
        uint8_t out[RESUME_KEY_RESPONSE_SIZE] = { 0 }; /* ContextLength 0, Context unused */
        make_key(open->persistent_id, open->id, out);
        smb2_ioctl_response(req, FSCTL_SRV_REQUEST_RESUME_KEY, open->persistent_id, open->id,
                            out, sizeof out);
    }
    srv_open_unref(open);
    return status;
}

/* The live open a key names, if the requester may use it: its own session,
 * or another session of the same user. */
static struct srv_open *find_source(struct smb2_request *req, const uint8_t key[RESUME_KEY_SIZE])
{
    uint64_t persistent = le64_load(key), volatile_id = le64_load(key + 8);
    uint8_t expected[RESUME_KEY_SIZE];
    make_key(persistent, volatile_id, expected);
    if (CRYPTO_memcmp(expected, key, RESUME_KEY_SIZE) != 0)
        return NULL;
    uint64_t session_id = 0;
    struct srv_open *o = srv_durable_find_open(req->conn->engine, persistent, &session_id);
    if (!o)
        return NULL;
    bool ok = o->id == volatile_id && !o->is_pipe;
    if (ok && session_id != req->session->id) {
        struct srv_conn *conn;
        struct srv_session *owner;
        ok = srv_engine_find_session(req->conn->engine, session_id, &conn, &owner) ==
             STATUS_SUCCESS;
        if (ok) {
            struct sid theirs = { 0 }, ours = { 0 };
            pthread_mutex_lock(&owner->lock);
            ok = owner->token && !owner->is_guest && !owner->is_anonymous;
            if (ok)
                theirs = owner->token->user;
            pthread_mutex_unlock(&owner->lock);
            struct srv_session *s = req->session;
            pthread_mutex_lock(&s->lock);
            ok = ok && s->token && !s->is_guest && !s->is_anonymous;
            if (ok)
                ours = s->token->user;
            pthread_mutex_unlock(&s->lock);
            ok = ok && sid_equal(&theirs, &ours);
            srv_session_unref(owner);
            srv_conn_unref(conn);
        }
    }
    if (!ok) {
        srv_open_unref(o);
        return NULL;
    }
    return o;
}

struct chunk {
    uint64_t source, target;
    uint32_t length;
};

struct copy_state {
    uint32_t ctl_code;
    uint64_t persistent, volatile_id; /* the destination's, for the response */
    struct srv_open *source;          /* reference with a counted I/O, until finish */
    struct chunk chunks[MAX_CHUNKS];
    uint32_t count, next;
    uint64_t offset;                  /* of the call in flight (lives with the request) */
    uint32_t chunks_written;
    uint32_t total_written;
};

static void copy_state_cleanup(void *data)
{
    struct copy_state *st = data;
    if (st->source) {
        srv_open_end_io(st->source);
        srv_open_unref(st->source);
        st->source = NULL;
    }
}

/* SRV_COPYCHUNK_RESPONSE (2.2.32.1). */
static void copy_response(struct smb2_request *req, const struct copy_state *st, uint32_t a,
                          uint32_t b, uint32_t c)
{
    uint8_t out[COPYCHUNK_RESPONSE_SIZE];
    le32_store(out, a);
    le32_store(out + 4, b);
    le32_store(out + 8, c);
    smb2_ioctl_response(req, st->ctl_code, st->persistent, st->volatile_id, out, sizeof out);
}

static void copy_finish(struct smb2_io *io, NTSTATUS status)
{
    struct copy_state *st = io->state;
    copy_state_cleanup(st);
    /* 3.3.5.15.6.1: what was copied, also when a chunk failed (how far the
     * client got, as Windows tells it: smbtorture copy_chunk_src_exceed_multi). */
    if (status != STATUS_CANCELLED) {
        copy_response(io->req, st, st->chunks_written, 0, st->total_written);
        io->req->keep_body = true;
    }
    smb2_io_finish(io, status);
}

static void read_done(struct smb2_io *io);
static void write_done(struct smb2_io *io);

static bool stopped(struct smb2_io *io, NTSTATUS *status)
{
    struct copy_state *st = io->state;
    struct smb2_request *req = io->req;
    pthread_mutex_lock(&req->conn->lock);
    bool cancelled = req->cancelled;
    pthread_mutex_unlock(&req->conn->lock);
    pthread_mutex_lock(&st->source->lock);
    bool closed = st->source->closed;
    pthread_mutex_unlock(&st->source->lock);
    *status = cancelled ? STATUS_CANCELLED : closed ? STATUS_FILE_CLOSED : STATUS_SUCCESS;
    return cancelled || closed;
}

/* Reads the next chunk, or finishes. */
static void next_chunk(struct smb2_io *io)
{
    struct copy_state *st = io->state;
    NTSTATUS status;
    if (st->next == st->count) {
        copy_finish(io, STATUS_SUCCESS);
        return;
    }
    if (stopped(io, &status)) {
        copy_finish(io, status);
        return;
    }
    const struct chunk *c = &st->chunks[st->next];
    st->offset = c->source;
    smb2_io_again(io, read_done);
    smb2_io_issued(io, IoReadFile(st->source->file, &io->async, &io->iosb, io->token, io->buffer,
                                  c->length, &st->offset, 0));
}

static void read_done(struct smb2_io *io)
{
    struct copy_state *st = io->state;
    const struct chunk *c = &st->chunks[st->next];
    NTSTATUS status = io->iosb.status;
    /* Fewer bytes than the chunk asks: the source ends inside it. */
    if (status == STATUS_END_OF_FILE ||
        (status == STATUS_SUCCESS && io->iosb.information < c->length))
        status = STATUS_INVALID_VIEW_SIZE;
    if (status != STATUS_SUCCESS) {
        copy_finish(io, status);
        return;
    }
    st->offset = c->target;
    smb2_io_again(io, write_done);
    smb2_io_issued(io, IoWriteFile(io->open->file, &io->async, &io->iosb, io->token, io->buffer,
                                   c->length, &st->offset, 0));
}

static void write_done(struct smb2_io *io)
{
    struct copy_state *st = io->state;
    const struct chunk *c = &st->chunks[st->next];
    NTSTATUS status = io->iosb.status;
    if (status == STATUS_SUCCESS && io->iosb.information != c->length)
        status = STATUS_DISK_FULL;
    if (status != STATUS_SUCCESS) {
        copy_finish(io, status);
        return;
    }
    st->chunks_written++;
    st->total_written += c->length;
    st->next++;
    next_chunk(io);
}

/* 3.3.5.15.6.2: an invalid chunk list is answered with the limits. */
static NTSTATUS limits_response(struct smb2_request *req, struct copy_state *st)
{
    copy_response(req, st, MAX_CHUNKS, MAX_CHUNK_SIZE, MAX_DATA_SIZE);
    req->keep_body = true;
    return STATUS_INVALID_PARAMETER;
}

/* Reads and checks the chunk list; *longest is the longest chunk. */
static bool parse_chunks(struct buf_reader *input, uint32_t count, struct copy_state *st,
                         uint32_t *longest)
{
    if (count == 0 || count > MAX_CHUNKS ||
        rd_remaining(input) < (size_t)count * COPYCHUNK_SIZE)
        return false;
    uint64_t total = 0;
    *longest = 0;
    for (uint32_t i = 0; i < count; i++) {
        struct chunk *c = &st->chunks[i];
        c->source = rd_u64(input);
        c->target = rd_u64(input);
        c->length = rd_u32(input);
        rd_skip(input, 4); /* Reserved */
        if (!rd_ok(input) || c->length == 0 || c->length > MAX_CHUNK_SIZE)
            return false;
        /* File offsets are signed 64-bit quantities. */
        if (c->source > (uint64_t)INT64_MAX - c->length ||
            c->target > (uint64_t)INT64_MAX - c->length)
            return false;
        total += c->length;
        if (c->length > *longest)
            *longest = c->length;
    }
    st->count = count;
    return total <= MAX_DATA_SIZE;
}

NTSTATUS smb2_copychunk(struct smb2_request *req, uint32_t ctl_code, uint64_t persistent,
                        uint64_t volatile_id, struct buf_reader *input, uint32_t max_output)
{
    struct srv_open *dest;
    NTSTATUS status = smb2_lookup_open(req, persistent, volatile_id, &dest);
    if (status != STATUS_SUCCESS)
        return status;
    struct srv_open *source = NULL;
    struct copy_state *st = smb2_request_alloc(req, sizeof *st, copy_state_cleanup);
    uint32_t longest = 0;
    if (!st) {
        status = STATUS_INSUFFICIENT_RESOURCES;
        goto out;
    }
    st->ctl_code = ctl_code;
    st->persistent = dest->persistent_id;
    st->volatile_id = dest->id;
    if (dest->is_pipe) {
        status = STATUS_INVALID_DEVICE_REQUEST;
        goto out;
    }
    /* The order of 3.3.5.15.6: the source, the output size, the list. */
    uint8_t key[RESUME_KEY_SIZE];
    rd_copy(input, key, sizeof key);
    uint32_t count = rd_u32(input);
    rd_skip(input, 4); /* Reserved */
    if (!rd_ok(input)) {
        status = max_output < COPYCHUNK_RESPONSE_SIZE ? STATUS_INVALID_PARAMETER
                                                      : limits_response(req, st);
        goto out;
    }
    source = find_source(req, key);
    if (!source) {
        status = STATUS_OBJECT_NAME_NOT_FOUND;
        goto out;
    }
    if (max_output < COPYCHUNK_RESPONSE_SIZE) {
        status = STATUS_INVALID_PARAMETER;
        goto out;
    }
    if (!parse_chunks(input, count, st, &longest)) {
        status = limits_response(req, st);
        goto out;
    }
    /* Rights of the opens as granted at CREATE (MAXIMUM_ALLOWED: the file
     * system decides at each call). FSCTL_SRV_COPYCHUNK also wants the
     * destination readable; FSCTL_SRV_COPYCHUNK_WRITE does not. The source
     * may be execute-only (SMB clients read what they may only run). */
    uint32_t want = FILE_WRITE_DATA | (ctl_code == FSCTL_SRV_COPYCHUNK ? FILE_READ_DATA : 0);
    bool dest_ok = (dest->access & MAXIMUM_ALLOWED) || (dest->access & want) == want;
    bool source_ok = (source->access & MAXIMUM_ALLOWED) ||
                     (source->access & (FILE_READ_DATA | FILE_EXECUTE));
    if (!dest_ok || !source_ok || srv_tree_read_only(req->tree)) {
        status = STATUS_ACCESS_DENIED;
        goto out;
    }
    if (!srv_open_begin_io(source)) {
        status = STATUS_OBJECT_NAME_NOT_FOUND; /* closing: no longer there */
        goto out;
    }
    st->source = source; /* the reference and the counted I/O go to st */
    source = NULL;
    struct smb2_io *io;
    status = smb2_io_begin(req, dest, read_done, longest, &io);
    if (status != STATUS_SUCCESS)
        goto out;
    io->state = st;
    uint64_t total = 0;
    for (uint32_t i = 0; i < st->count; i++)
        total += st->chunks[i].length;
    if (total > ASYNC_THRESHOLD)
        smb2_request_go_async(req);
    /* The first read goes through next_chunk like the others. */
    smb2_io_detach(io);
    next_chunk(io);
    srv_open_unref(dest);
    return STATUS_PENDING;
out:
    if (source)
        srv_open_unref(source);
    srv_open_unref(dest);
    return status;
}
