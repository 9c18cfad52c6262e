/* The file of durable opens kept across a restart (durable_state.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "drivers/srv/durable_state.h"
#include "lib/log.h"
#include "lib/utf16.h"

static const uint8_t magic[8] = { 'S', 'W', 'D', 'U', 'R', 'A', 'B', 'L' };
/* The largest file load reads: every record at its largest. */
#define RECORD_MAX (4u + 8 + 4 + 32 + 4 * 5 + 8 + 4 * 15 + 2 + 80 + 2 + 511)
#define FILE_MAX (24u + (size_t)SRV_DURABLE_STATE_MAX_RECORDS * RECORD_MAX)

static void write_string(struct buf *b, const char *s)
{
    size_t n = strlen(s);
    wr_u16(b, (uint16_t)n);
    wr_bytes(b, s, n);
}

void srv_durable_state_encode(struct buf *b, uint64_t saved_at_ms,
                              const struct srv_durable_record *records, size_t count)
{
    wr_bytes(b, magic, sizeof magic);
    wr_u32(b, SRV_DURABLE_STATE_VERSION);
    wr_u32(b, (uint32_t)count);
    wr_u64(b, saved_at_ms);
    for (size_t i = 0; i < count; i++) {
        const struct srv_durable_record *r = &records[i];
        size_t length_at = wr_reserve(b, 4);
        size_t start = b->len;
        wr_u64(b, r->persistent_id);
        wr_u8(b, r->flags);
        wr_u8(b, r->oplock_level);
        wr_u16(b, 0);
        wr_bytes(b, r->create_guid, 16);
        wr_bytes(b, r->client_guid, 16);
        wr_u32(b, r->timeout_ms);
        wr_u32(b, r->disconnected_ms);
        wr_u32(b, r->desired_access);
        wr_u32(b, r->share_access);
        wr_u32(b, r->create_options);
        sid_write(b, &r->owner);
        write_string(b, r->share);
        write_string(b, r->path);
        wr_put_u32_at(b, length_at, (uint32_t)(b->len - start));
    }
}

/* A counted string into out (size bytes with the NUL): valid UTF-8, no NUL
 * inside, not empty unless allowed. */
static bool read_string(struct buf_reader *r, char *out, size_t size, bool may_be_empty)
{
    uint16_t n = rd_u16(r);
    const uint8_t *bytes = rd_bytes(r, n);
    if (!bytes || n >= size || (n == 0 && !may_be_empty) || memchr(bytes, 0, n))
        return false;
    memcpy(out, bytes, n);
    out[n] = '\0';
    return utf8_valid(out) != 0;
}

static bool read_record(struct buf_reader *r, struct srv_durable_record *rec)
{
    memset(rec, 0, sizeof *rec);
    rec->persistent_id = rd_u64(r);
    rec->flags = rd_u8(r);
    rec->oplock_level = rd_u8(r);
    uint16_t reserved = rd_u16(r);
    rd_copy(r, rec->create_guid, 16);
    rd_copy(r, rec->client_guid, 16);
    rec->timeout_ms = rd_u32(r);
    rec->disconnected_ms = rd_u32(r);
    rec->desired_access = rd_u32(r);
    rec->share_access = rd_u32(r);
    rec->create_options = rd_u32(r);
    if (!rd_ok(r) || sid_read(r, &rec->owner) != STATUS_SUCCESS)
        return false;
    if (!read_string(r, rec->share, sizeof rec->share, false) ||
        !read_string(r, rec->path, sizeof rec->path, true))
        return false;
    bool durable = rec->flags & SRV_DURABLE_RECORD_DURABLE;
    bool resilient = rec->flags & SRV_DURABLE_RECORD_RESILIENT;
    bool v2 = rec->flags & SRV_DURABLE_RECORD_V2;
    bool has_guid = rec->flags & SRV_DURABLE_RECORD_CREATE_GUID;
    /* What srv itself never writes: refused rather than guessed at. */
    return rd_ok(r) && rd_remaining(r) == 0 && reserved == 0 &&
           !(rec->flags & ~SRV_DURABLE_RECORD_FLAGS) && (durable || resilient) &&
           v2 == has_guid && (!v2 || durable) &&
           (durable ? rec->oplock_level == 0x09 /* batch */ : rec->oplock_level == 0) &&
           rec->persistent_id != 0 && rec->persistent_id != UINT64_MAX &&
           rec->timeout_ms > 0 && rec->timeout_ms <= SRV_DURABLE_STATE_MAX_TIMEOUT_MS &&
           rec->disconnected_ms <= rec->timeout_ms && rec->path[0] != '\\' &&
           rec->path[0] != '/';
}

NTSTATUS srv_durable_state_decode(const uint8_t *data, size_t size,
                                  struct srv_durable_state *out)
{
    memset(out, 0, sizeof *out);
    struct buf_reader r;
    rd_init(&r, data, size);
    const uint8_t *m = rd_bytes(&r, sizeof magic);
    uint32_t version = rd_u32(&r);
    uint32_t count = rd_u32(&r);
    uint64_t saved_at = rd_u64(&r);
    if (!rd_ok(&r) || memcmp(m, magic, sizeof magic) != 0)
        return STATUS_INVALID_PARAMETER;
    if (version != SRV_DURABLE_STATE_VERSION)
        return STATUS_REVISION_MISMATCH;
    /* Each record takes at least its length field: a count the bytes cannot
     * hold is refused before anything is allocated for it. */
    if (count > SRV_DURABLE_STATE_MAX_RECORDS || count > rd_remaining(&r) / 4)
        return STATUS_INVALID_PARAMETER;
    struct srv_durable_record *records = count ? calloc(count, sizeof *records) : NULL;
    if (count && !records)
        return STATUS_NO_MEMORY;
    NTSTATUS status = STATUS_SUCCESS;
    for (uint32_t i = 0; i < count && status == STATUS_SUCCESS; i++) {
        uint32_t length = rd_u32(&r);
        struct buf_reader rec = rd_sub(&r, r.pos, length);
        rd_skip(&r, length);
        if (!rd_ok(&r) || !rd_ok(&rec) || !read_record(&rec, &records[i])) {
            status = STATUS_INVALID_PARAMETER;
            break;
        }
        /* One FileId names one open. */
        for (uint32_t j = 0; j < i; j++)
            if (records[j].persistent_id == records[i].persistent_id)
                status = STATUS_INVALID_PARAMETER;
    }
    if (status == STATUS_SUCCESS && rd_remaining(&r) != 0)
        status = STATUS_INVALID_PARAMETER; /* trailing bytes: not what srv wrote */
    if (status != STATUS_SUCCESS) {
        free(records);
        return status;
    }
    out->saved_at_ms = saved_at;
    out->count = count;
    out->records = records;
    return STATUS_SUCCESS;
}

void srv_durable_state_free(struct srv_durable_state *state)
{
    if (!state)
        return;
    free(state->records);
    state->records = NULL;
    state->count = 0;
}

static bool write_all(int fd, const uint8_t *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        p += w;
        n -= (size_t)w;
    }
    return true;
}

NTSTATUS srv_durable_state_save(const char *path, uint64_t saved_at_ms,
                                const struct srv_durable_record *records, size_t count)
{
    if (count == 0) {
        if (unlink(path) != 0 && errno != ENOENT)
            log_error("srv: cannot remove %s: %s", path, strerror(errno));
        return STATUS_SUCCESS;
    }
    struct buf b;
    buf_init(&b);
    srv_durable_state_encode(&b, saved_at_ms, records, count);
    size_t n = strlen(path) + 5;
    char *tmp = malloc(n);
    if (!wr_ok(&b) || !tmp) {
        buf_free(&b);
        free(tmp);
        return STATUS_NO_MEMORY;
    }
    snprintf(tmp, n, "%s.tmp", path);
    NTSTATUS status = STATUS_UNSUCCESSFUL;
    unlink(tmp); /* a leftover of a crashed save (or someone's link) */
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd >= 0) {
        bool written = write_all(fd, b.data, b.len) && fsync(fd) == 0;
        if (close(fd) == 0 && written && rename(tmp, path) == 0)
            status = STATUS_SUCCESS;
        else
            unlink(tmp);
    }
    if (status != STATUS_SUCCESS)
        log_error("srv: cannot write %s: %s", path, strerror(errno));
    buf_free(&b);
    free(tmp);
    return status;
}

NTSTATUS srv_durable_state_load(const char *path, struct srv_durable_state *out)
{
    memset(out, 0, sizeof *out);
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return STATUS_SUCCESS;
        unlink(path); /* a link (ELOOP) or worse: not met again at the next start */
        return STATUS_ACCESS_DENIED;
    }
    /* Read once: removed whatever it holds, so a bad file is not met again
     * (and a reclaim window never opens twice). */
    unlink(path);
    struct stat sb;
    NTSTATUS status = STATUS_INVALID_PARAMETER;
    uint8_t *data = NULL;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_uid != geteuid() ||
        (sb.st_mode & 022) || sb.st_size <= 0 || (uint64_t)sb.st_size > FILE_MAX)
        goto done;
    size_t size = (size_t)sb.st_size;
    data = malloc(size);
    if (!data) {
        status = STATUS_NO_MEMORY;
        goto done;
    }
    size_t got = 0;
    while (got < size) {
        ssize_t n = read(fd, data + got, size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            goto done;
        got += (size_t)n;
    }
    status = srv_durable_state_decode(data, size, out);
done:
    free(data);
    close(fd);
    return status;
}
