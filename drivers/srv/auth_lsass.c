/* srv_auth over lsassd: each SESSION_SETUP leg is one
 * lsass_accept_security_context() round trip (on a worker thread: it blocks,
 * and a failed logon is deliberately slow). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "drivers/srv/srv.h"
#include "lib/log.h"
#include "lsass/client/lsass_client.h"

struct lsass_auth {
    char *db_path;
    pthread_mutex_t lock;        /* client, token */
    struct lsass_client *client; /* opened on first use */
    uint8_t *negotiate_token;    /* cached NegTokenInit2 */
    size_t negotiate_token_len;
};

struct exchange {
    uint64_t context;            /* lsassd's handle, 0 before the first leg */
    char client_address[64];     /* "192.0.2.7" or "2001:db8::7" */
    char connection[64];         /* the peer with its port: names the connection */
};

/* The client, opened if need be (worker threads only: it may block). */
static struct lsass_client *client_of(struct lsass_auth *a)
{
    pthread_mutex_lock(&a->lock);
    if (!a->client) {
        NTSTATUS status = lsass_client_open(a->db_path, &a->client);
        if (status != STATUS_SUCCESS) {
            log_ratelimited(LOG_LEVEL_WARNING, "srv: lsassd not reachable: %s",
                            nt_status_name(status));
            a->client = NULL;
        }
    }
    if (a->client && !a->negotiate_token) {
        uint8_t *token = NULL;
        size_t len = 0;
        if (lsass_negotiate_token(a->client, &token, &len) == STATUS_SUCCESS) {
            a->negotiate_token = token;
            a->negotiate_token_len = len;
        }
    }
    struct lsass_client *c = a->client;
    pthread_mutex_unlock(&a->lock);
    return c;
}

static NTSTATUS negotiate_token(void *context, struct buf *out)
{
    /* Runs on a network thread: only the cached token, never a round trip.
     * Until lsassd was reached the buffer stays empty, which clients accept
     * (they start SPNEGO with their own preference). */
    struct lsass_auth *a = context;
    pthread_mutex_lock(&a->lock);
    wr_bytes(out, a->negotiate_token, a->negotiate_token_len);
    pthread_mutex_unlock(&a->lock);
    return STATUS_SUCCESS;
}

static NTSTATUS begin(void *context, const char *client_address, void **exchange)
{
    struct exchange *x = calloc(1, sizeof *x);
    if (!x)
        return STATUS_NO_MEMORY;
    snprintf(x->connection, sizeof x->connection, "%s", client_address ? client_address : "");
    snprintf(x->client_address, sizeof x->client_address, "%s", x->connection);
    /* srv names a peer "host:port" (IPv6 hosts unbracketed): lsassd counts
     * half-finished logons per address, so the port goes; the whole peer
     * names the connection. */
    char *colon = strrchr(x->client_address, ':');
    if (colon && colon != x->client_address && colon[1] && strspn(colon + 1, "0123456789") == strlen(colon + 1))
        *colon = 0;
    *exchange = x;
    return STATUS_SUCCESS;
}

static NTSTATUS step(void *context, void *exchange, const uint8_t *token, size_t token_len,
                     struct buf *out, struct srv_auth_result *result)
{
    struct lsass_auth *a = context;
    struct exchange *x = exchange;
    struct lsass_client *client = client_of(a);
    if (!client)
        return STATUS_NO_LOGON_SERVERS;
    uint8_t *reply = NULL;
    size_t reply_len = 0;
    struct lsass_logon logon;
    memset(&logon, 0, sizeof logon);
    NTSTATUS status = lsass_accept_from_connection(client, &x->context, token, token_len, x->client_address,
                                                   x->connection, &reply, &reply_len, &logon);
    if (status == STATUS_SUCCESS || status == STATUS_MORE_PROCESSING_REQUIRED)
        wr_bytes(out, reply, reply_len);
    if (status == STATUS_SUCCESS) {
        result->token = logon.token;
        logon.token = NULL;
        size_t n = logon.session_key_len;
        if (n > sizeof result->session_key)
            n = sizeof result->session_key;
        memcpy(result->session_key, logon.session_key, n);
        result->session_key_len = n;
        result->is_guest = logon.is_guest;
        result->is_anonymous = logon.is_anonymous;
        snprintf(result->user_name, sizeof result->user_name, "%s\\%s",
                 logon.domain ? logon.domain : "", logon.user ? logon.user : "");
        x->context = 0; /* finished: lsassd dropped it */
    } else if (status != STATUS_MORE_PROCESSING_REQUIRED) {
        x->context = 0; /* failed: lsassd dropped it too */
    }
    lsass_logon_clear(&logon);
    free(reply);
    return status;
}

static void end(void *context, void *exchange)
{
    struct lsass_auth *a = context;
    struct exchange *x = exchange;
    if (x->context) {
        /* An exchange abandoned half way (logoff, disconnect). */
        struct lsass_client *client = client_of(a);
        if (client)
            lsass_delete_security_context(client, x->context);
    }
    free(x);
}

NTSTATUS srv_auth_lsass_open(const char *db_path, struct srv_auth *auth)
{
    struct lsass_auth *a = calloc(1, sizeof *a);
    if (!a || !(a->db_path = strdup(db_path))) {
        free(a);
        return STATUS_NO_MEMORY;
    }
    pthread_mutex_init(&a->lock, NULL);
    /* Try now, so the first NEGOTIATE already carries the token; lsassd not
     * running yet is not an error (the first logon tries again). */
    client_of(a);
    *auth = (struct srv_auth){ .context = a, .negotiate_token = negotiate_token,
                               .begin = begin, .step = step, .end = end };
    return STATUS_SUCCESS;
}

void srv_auth_lsass_close(struct srv_auth *auth)
{
    struct lsass_auth *a = auth->context;
    if (!a)
        return;
    if (a->client)
        lsass_client_close(a->client);
    free(a->negotiate_token);
    free(a->db_path);
    pthread_mutex_destroy(&a->lock);
    free(a);
    auth->context = NULL;
}
