/* Fuzz target: the lsassd socket protocol as lsassd reads it. The input,
 * after one selector byte (which peer asks: root, lsassd's own uid, or
 * another local user; and on which socket: the private one or the public
 * one of the NSS lookups), is the byte stream a peer writes there: it
 * goes through a pipe to lsass_read_message (lsass/client/wire.c: the length
 * framing) and every message read is answered by lsassd_handle
 * (lsass/daemon/requests.c: opcode dispatch, the per-uid checks, and each
 * request's body: u64/u32 fields, lsass_get_bytes, lsass_get_string) and
 * lsass_msg_end. Every response must be one well-formed message echoing
 * opcode and request id.
 *
 * The daemon is the real request code with the real local provider (NTLM
 * against a scratch registry made at the first input) and a context table
 * made new for every input, so inputs do not depend on each other. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/log.h"
#include "lsass/client/protocol.h"
#include "lsass/daemon/lsassd.h"
#include "lsass/local/local_provider.h"
#include "lsass/sam/sam.h"
#include "registry/registry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define TRUSTED_UID 4242u
/* A pipe holds 64 KiB: the stream must fit without a reader. */
#define MAX_STREAM 60000u
#define MAX_MESSAGES 16

/* lsassd's own lives in main.c, beside main(): the fuzzer has no registry
 * settings to follow, so the shipped defaults, without the failed-logon
 * delay (a wrong PAM password would sleep 2 s per input). */
void lsassd_settings(struct lsassd *d, struct lsa_settings *out)
{
    (void)d;
    lsa_settings_default(out);
    out->failed_logon_delay_ms = 0;
}

static struct lsa_provider *provider;
static struct registry *lookup_reg; /* the NSS lookups' connection, on a SAM with one user and one group */
static char scratch[512], db_path[600];

/* At exit: the provider, and the scratch registry with its directory. */
static void teardown(void)
{
    if (provider)
        provider->ops->free(provider);
    registry_close(lookup_reg);
    static const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        char path[700];
        snprintf(path, sizeof path, "%s%s", db_path, suffixes[i]);
        unlink(path);
    }
    rmdir(scratch);
}

static void setup(void)
{
    static int done;
    if (done)
        return;
    done = 1;
    log_set_level(LOG_LEVEL_ERROR);
    const char *tmp = getenv("TMPDIR");
    snprintf(scratch, sizeof scratch, "%s/sw-fuzz-lsass.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(scratch))
        abort();
    snprintf(db_path, sizeof db_path, "%s/registry.db", scratch);
    atexit(teardown);
    NTSTATUS status = lsa_local_provider_new(db_path, &provider);
    if (status != STATUS_SUCCESS) {
        fprintf(stderr, "lsass_request: local provider on %s: %s\n", db_path, nt_status_name(status));
        abort();
    }
    /* Something for the lookups and PAM requests to find: alice (password
     * "Fuzz-Passw0rd") in the local group Sales. */
    static const struct audit_actor actor = { "cli", 0, "fuzz", NULL };
    uint32_t rid = 0, group_rid = 0;
    struct sid domain, user_sid, group_sid;
    status = registry_open(db_path, &lookup_reg);
    if (NT_SUCCESS(status))
        status = sam_init(lookup_reg, &actor, NULL);
    if (NT_SUCCESS(status))
        status = sam_user_add(lookup_reg, &actor, "alice", "Alice A", NULL, 0, "Fuzz-Passw0rd", &rid);
    if (NT_SUCCESS(status))
        status = sam_group_add(lookup_reg, &actor, "Sales", NULL, &group_rid);
    if (NT_SUCCESS(status))
        status = sam_domain_sid(lookup_reg, &domain);
    if (NT_SUCCESS(status))
        status = sid_append(&user_sid, &domain, rid);
    if (NT_SUCCESS(status))
        status = sid_append(&group_sid, &domain, group_rid);
    if (NT_SUCCESS(status))
        status = sam_group_add_member(lookup_reg, &actor, &group_sid, &user_sid);
    if (!NT_SUCCESS(status)) {
        fprintf(stderr, "lsass_request: scratch SAM: %s\n", nt_status_name(status));
        abort();
    }
}

static void check_response(const struct buf *resp, uint32_t opcode, uint32_t id)
{
    struct buf_reader r;
    rd_init(&r, resp->data, resp->len);
    uint32_t len = rd_u32(&r), got_opcode = rd_u32(&r), got_id = rd_u32(&r);
    (void)rd_u32(&r); /* status */
    if (!rd_ok(&r) || len != resp->len - 4 || len > LSASS_MAX_MESSAGE || got_opcode != opcode ||
        got_id != id)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size - 1 > MAX_STREAM)
        return 0;
    setup();
    static const uid_t uids[] = { 0, TRUSTED_UID, 1000 };
    uid_t uid = uids[data[0] % 3];
    bool public = (data[0] / 3) % 2 == 1;

    int fds[2];
    if (pipe(fds) != 0)
        abort();
    if (size > 1 && write(fds[1], data + 1, size - 1) != (ssize_t)(size - 1))
        abort();
    close(fds[1]);

    struct lsassd d;
    memset(&d, 0, sizeof d);
    pthread_mutex_init(&d.settings_lock, NULL);
    d.providers[0] = provider;
    d.provider_count = 1;
    d.trusted_uid = TRUSTED_UID;
    pthread_mutex_init(&d.lookup_lock, NULL);
    d.lookup_reg = lookup_reg;
    d.contexts = lsa_context_table_new(8, 60);
    if (!d.contexts)
        abort();

    struct buf message, response;
    buf_init(&message);
    buf_init(&response);
    for (int i = 0; i < MAX_MESSAGES && lsass_read_message(fds[0], &message) == 0; i++) {
        /* A private copy of exactly the message, so reads past it are caught. */
        uint8_t *copy = malloc(message.len);
        if (!copy)
            abort();
        memcpy(copy, message.data, message.len);
        if (public)
            lsassd_handle_public(&d, uid, copy, message.len, &response);
        else
            lsassd_handle(&d, uid, copy, message.len, &response);
        /* As lsassd's connection loop (server.c) does before sending. */
        if (!lsass_msg_end(&response))
            abort();
        check_response(&response, le32_load(copy), le32_load(copy + 4));
        free(copy);
    }
    close(fds[0]);
    buf_free(&message);
    buf_free(&response);
    lsa_context_table_free(d.contexts);
    pthread_mutex_destroy(&d.settings_lock);
    pthread_mutex_destroy(&d.lookup_lock);
    return 0;
}
