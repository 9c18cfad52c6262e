/* The file of durable opens kept across a restart (drivers/srv/durable_state.h):
 * records written and read back unchanged; every truncation, a flipped
 * byte in each field that is checked, trailing bytes, another version, a
 * duplicate FileId, an impossible count refused; the file written 0600
 * and atomically, removed once loaded, and refused when others may write it
 * or it is a symbolic link. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "drivers/srv/durable_state.h"
#include "t/tap/tap.h"

static void sample(struct srv_durable_record r[2])
{
    memset(r, 0, 2 * sizeof *r);
    r[0].persistent_id = 0x1122334455667788ull;
    r[0].flags = SRV_DURABLE_RECORD_DURABLE | SRV_DURABLE_RECORD_V2 |
                 SRV_DURABLE_RECORD_CREATE_GUID;
    r[0].oplock_level = 0x09;
    memset(r[0].create_guid, 0xC5, 16);
    memset(r[0].client_guid, 0xA7, 16);
    r[0].timeout_ms = 5000;
    r[0].disconnected_ms = 1200;
    r[0].desired_access = 0x0012019f;
    r[0].share_access = 7;
    r[0].create_options = 0x40;
    sid_parse("S-1-5-21-1-2-3-1000", &r[0].owner);
    snprintf(r[0].share, sizeof r[0].share, "data");
    snprintf(r[0].path, sizeof r[0].path, "dir\\f\xc3\xa9.txt");
    r[1] = r[0];
    r[1].persistent_id = 42;
    r[1].flags = SRV_DURABLE_RECORD_DURABLE | SRV_DURABLE_RECORD_RESILIENT;
    memset(r[1].create_guid, 0, 16);
    r[1].timeout_ms = 16u * 60u * 1000u;
    r[1].disconnected_ms = 0;
    snprintf(r[1].path, sizeof r[1].path, "v1.txt");
}

static bool same(const struct srv_durable_record *a, const struct srv_durable_record *b)
{
    return a->persistent_id == b->persistent_id && a->flags == b->flags &&
           a->oplock_level == b->oplock_level && !memcmp(a->create_guid, b->create_guid, 16) &&
           !memcmp(a->client_guid, b->client_guid, 16) && a->timeout_ms == b->timeout_ms &&
           a->disconnected_ms == b->disconnected_ms && a->desired_access == b->desired_access &&
           a->share_access == b->share_access && a->create_options == b->create_options &&
           sid_equal(&a->owner, &b->owner) && !strcmp(a->share, b->share) &&
           !strcmp(a->path, b->path);
}

static bool decodes(const uint8_t *data, size_t size)
{
    struct srv_durable_state s;
    NTSTATUS status = srv_durable_state_decode(data, size, &s);
    bool ok = status == STATUS_SUCCESS;
    if (!ok && (s.count || s.records))
        tap_diag("a refused file left records behind");
    srv_durable_state_free(&s);
    return ok;
}

int main(void)
{
    tap_plan(23);
    struct srv_durable_record in[2];
    sample(in);
    struct buf b;
    buf_init(&b);
    srv_durable_state_encode(&b, 1234567890123ull, in, 2);
    tap_ok(wr_ok(&b), "two records encode");

    struct srv_durable_state s;
    tap_is_int(srv_durable_state_decode(b.data, b.len, &s), STATUS_SUCCESS, "and decode");
    tap_is_int((long long)s.count, 2, "both records");
    tap_ok(s.saved_at_ms == 1234567890123ull, "the shutdown time is kept");
    tap_ok(s.count == 2 && same(&s.records[0], &in[0]) && same(&s.records[1], &in[1]),
           "every field comes back unchanged (v2 with CreateGuid, v1 resilient)");
    srv_durable_state_free(&s);

    /* Every proper prefix is refused. */
    bool any_prefix = false;
    for (size_t n = 0; n < b.len; n++)
        any_prefix |= decodes(b.data, n);
    tap_ok(!any_prefix, "every truncation of the file is refused");

    uint8_t *copy = malloc(b.len + 1);
    memcpy(copy, b.data, b.len);
    copy[b.len] = 0;
    tap_ok(!decodes(copy, b.len + 1), "a trailing byte is refused");

#define AT_RECORD0 (8 + 4 + 4 + 8 + 4) /* header, then the first record's length */
    struct {
        size_t offset;
        uint8_t value;
        const char *what;
    } flips[] = {
        { 0, 'X', "another magic" },
        { AT_RECORD0, 0, "FileId 0" },
        { AT_RECORD0 + 8, 0x30, "unknown flags" },
        { AT_RECORD0 + 9, 0x01, "a durable record without a batch oplock" },
        { AT_RECORD0 + 10, 1, "reserved bytes set" },
        { AT_RECORD0 + 12 + 32 + 2, 0xFF, "a timeout over 16 minutes" },
        { AT_RECORD0 + 12 + 32 + 20 + 1, 0x0F, "an owner SID with more than 15 sub-authorities" },
        { AT_RECORD0 + 12 + 32 + 20, 2, "an owner SID of another revision" },
    };
    for (size_t i = 0; i < sizeof flips / sizeof flips[0]; i++) {
        memcpy(copy, b.data, b.len);
        if (i == 1)
            memset(copy + AT_RECORD0, 0, 8); /* the whole FileId zero */
        else
            copy[flips[i].offset] = flips[i].value;
        tap_ok(!decodes(copy, b.len), "refused: %s", flips[i].what);
    }

    memcpy(copy, b.data, b.len);
    copy[8] = 2;
    tap_is_int(srv_durable_state_decode(copy, b.len, &s), STATUS_REVISION_MISMATCH,
               "another version: STATUS_REVISION_MISMATCH");
    memcpy(copy, b.data, b.len);
    le32_store(copy + 12, 0x7fffffffu);
    tap_ok(!decodes(copy, b.len), "a count the bytes cannot hold is refused before allocating");
    free(copy);

    struct srv_durable_record dup[2];
    sample(dup);
    dup[1].persistent_id = dup[0].persistent_id;
    struct buf d;
    buf_init(&d);
    srv_durable_state_encode(&d, 1, dup, 2);
    tap_ok(!decodes(d.data, d.len), "two records with one FileId are refused");
    buf_free(&d);

    /* The file itself. */
    char dir[] = "/tmp/srv-durable-state-XXXXXX";
    if (!mkdtemp(dir))
        return 1;
    char path[256], tmp[300];
    snprintf(path, sizeof path, "%s/srv-durable.state", dir);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    tap_is_int(srv_durable_state_save(path, 77, in, 2), STATUS_SUCCESS, "saved");
    struct stat sb;
    tap_ok(stat(path, &sb) == 0 && (sb.st_mode & 0777) == 0600 && access(tmp, F_OK) != 0,
           "mode 0600, renamed into place (no temporary left)");
    tap_ok(srv_durable_state_load(path, &s) == STATUS_SUCCESS && s.count == 2 &&
               s.saved_at_ms == 77 && access(path, F_OK) != 0,
           "loaded back, and the file is gone");
    srv_durable_state_free(&s);
    srv_durable_state_save(path, 77, in, 2);
    chmod(path, 0622);
    tap_ok(srv_durable_state_load(path, &s) != STATUS_SUCCESS && s.count == 0 &&
               access(path, F_OK) != 0,
           "a file others may write is refused (and removed)");
    char target[300];
    snprintf(target, sizeof target, "%s/elsewhere", dir);
    srv_durable_state_save(target, 77, in, 2);
    tap_ok(symlink(target, path) == 0 && srv_durable_state_load(path, &s) != STATUS_SUCCESS &&
               s.count == 0 && access(path, F_OK) != 0 && access(target, F_OK) == 0,
           "a symbolic link is refused and removed (its target is left alone)");
    unlink(target);
    rmdir(dir);
    buf_free(&b);
    return tap_done();
}
