/* Sessions: creation, keys, the tree table, logoff. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "drivers/srv/server.h"
#include "drivers/srv/smb2/smb2.h"

struct srv_session *srv_session_new(struct srv_engine *engine, struct srv_conn *conn)
{
    struct srv_session *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    if (RAND_bytes(s->nonce_salt, sizeof s->nonce_salt) != 1) {
        free(s);
        return NULL;
    }
    atomic_init(&s->refs, 1);
    s->engine = engine;
    pthread_mutex_init(&s->lock, NULL);
    uint64_t id;
    do {
        id = atomic_fetch_add(&engine->next_session_id, 1);
    } while (id == 0 || id == UINT64_MAX);
    s->id = id;
    s->state = SRV_SESSION_IN_PROGRESS;
    s->next_tree_id = 1;
    s->created = srv_monotonic_seconds();
    atomic_init(&s->last_used, s->created);
    /* "127.0.0.1:50001" -> "127.0.0.1" ("[::1]:50001" keeps its brackets off) */
    snprintf(s->client, sizeof s->client, "%s", conn->peer);
    char *colon = strrchr(s->client, ':');
    if (colon && strchr(s->client, ':') == colon)
        *colon = 0;
    pthread_mutex_lock(&conn->lock);
    s->dialect = conn->dialect;
    s->cipher = conn->cipher;
    s->signing_algorithm = conn->signing_algorithm;
    memcpy(s->preauth_hash, conn->preauth_hash, sizeof s->preauth_hash);
    pthread_mutex_unlock(&conn->lock);
    return s;
}

void srv_session_ref(struct srv_session *session)
{
    atomic_fetch_add(&session->refs, 1);
}

void srv_session_unref(struct srv_session *s)
{
    if (atomic_fetch_sub(&s->refs, 1) != 1)
        return;
    const struct srv_auth *auth = &s->engine->config.auth;
    if (s->auth_exchange && auth->end)
        auth->end(auth->context, s->auth_exchange);
    while (s->channel_count > 0)
        srv_session_drop_channel(s, &s->channels[s->channel_count - 1]);
    for (size_t i = 0; i < s->tree_count; i++)
        srv_tree_unref(s->trees[i]);
    free(s->trees);
    for (size_t i = 0; i < s->open_count; i++) {
        srv_open_close(s->opens[i], NULL, NULL);
        srv_open_unref(s->opens[i]);
    }
    free(s->opens);
    srv_session_release_open_quota(s);
    if (s->token)
        token_free(s->token);
    pthread_mutex_destroy(&s->lock);
    OPENSSL_cleanse(s, sizeof *s);
    free(s);
}

void srv_session_kill(struct srv_session *s)
{
    pthread_mutex_lock(&s->lock);
    if (s->dead) {
        pthread_mutex_unlock(&s->lock);
        return;
    }
    s->dead = true;
    bool was_valid = s->state == SRV_SESSION_VALID;
    struct srv_tree **trees = s->trees;
    size_t count = s->tree_count;
    s->trees = NULL;
    s->tree_count = s->tree_capacity = 0;
    pthread_mutex_unlock(&s->lock);
    srv_session_close_tree_opens(s, NULL);
    for (size_t i = 0; i < count; i++) {
        srv_tree_kill(trees[i]);
        srv_tree_unref(trees[i]);
    }
    free(trees);
    if (was_valid)
        atomic_fetch_sub(&s->engine->sessions_valid, 1);
}

/* Takes the session's cipher, key and next nonce; false if it cannot
 * encrypt (no keys, nonces spent). */
static bool encryption_params(struct srv_session *s, uint16_t *cipher,
                              uint8_t key[SMB2_CIPHER_KEY_MAX],
                              uint8_t nonce[SMB2_TRANSFORM_NONCE_FIELD_SIZE])
{
    memset(nonce, 0, SMB2_TRANSFORM_NONCE_FIELD_SIZE);
    pthread_mutex_lock(&s->lock);
    bool ok = s->has_keys && s->keys.cipher_key_len > 0 && s->nonce_counter < UINT64_MAX;
    *cipher = s->cipher;
    uint64_t counter = s->nonce_counter++;
    memcpy(key, s->keys.encryption, SMB2_CIPHER_KEY_MAX);
    pthread_mutex_unlock(&s->lock);
    if (ok) {
        /* A nonce is never reused under one key: a per-session counter, with
         * random salt in the remaining bytes the cipher uses. */
        size_t nonce_len = smb2_cipher_nonce_size(*cipher);
        le64_store(nonce, counter);
        memcpy(nonce + 8, s->nonce_salt, nonce_len - 8);
    }
    return ok;
}

NTSTATUS srv_session_encrypt(struct srv_session *s, const uint8_t *msg, size_t len,
                             struct buf *out)
{
    uint8_t key[SMB2_CIPHER_KEY_MAX];
    uint8_t nonce[SMB2_TRANSFORM_NONCE_FIELD_SIZE];
    uint16_t cipher;
    NTSTATUS status = STATUS_ENCRYPTION_FAILED;
    if (encryption_params(s, &cipher, key, nonce))
        status = smb2_encrypt(cipher, key, nonce, s->id, msg, len, out);
    OPENSSL_cleanse(key, sizeof key);
    return status;
}

NTSTATUS srv_session_encrypt_in_place(struct srv_session *s, uint8_t *frame, size_t len)
{
    uint8_t key[SMB2_CIPHER_KEY_MAX];
    uint8_t nonce[SMB2_TRANSFORM_NONCE_FIELD_SIZE];
    uint16_t cipher;
    NTSTATUS status = STATUS_ENCRYPTION_FAILED;
    if (encryption_params(s, &cipher, key, nonce))
        status = smb2_encrypt_in_place(cipher, key, nonce, s->id, frame, len);
    OPENSSL_cleanse(key, sizeof key);
    return status;
}

NTSTATUS srv_session_add_tree(struct srv_session *s, struct srv_tree *tree)
{
    NTSTATUS status = STATUS_SUCCESS;
    pthread_mutex_lock(&s->lock);
    if (s->dead) {
        status = STATUS_USER_SESSION_DELETED;
    } else if (s->tree_count == s->tree_capacity) {
        size_t cap = s->tree_capacity ? s->tree_capacity * 2 : 4;
        struct srv_tree **grown = cap > 16384 ? NULL : realloc(s->trees, cap * sizeof *grown);
        if (!grown) {
            status = STATUS_INSUFFICIENT_RESOURCES;
        } else {
            s->trees = grown;
            s->tree_capacity = cap;
        }
    }
    if (status == STATUS_SUCCESS) {
        /* TreeId 0xFFFFFFFF means "the previous one" in related compounds. */
        if (s->next_tree_id == 0 || s->next_tree_id == UINT32_MAX)
            s->next_tree_id = 1;
        tree->id = s->next_tree_id++;
        srv_tree_ref(tree);
        s->trees[s->tree_count++] = tree;
    }
    pthread_mutex_unlock(&s->lock);
    return status;
}

struct srv_tree *srv_session_find_tree(struct srv_session *s, uint32_t id)
{
    struct srv_tree *found = NULL;
    pthread_mutex_lock(&s->lock);
    for (size_t i = 0; i < s->tree_count && !found; i++)
        if (s->trees[i]->id == id)
            found = s->trees[i];
    if (found)
        srv_tree_ref(found);
    pthread_mutex_unlock(&s->lock);
    return found;
}

void srv_session_remove_tree(struct srv_session *s, struct srv_tree *tree)
{
    bool found = false;
    pthread_mutex_lock(&s->lock);
    for (size_t i = 0; i < s->tree_count; i++) {
        if (s->trees[i] == tree) {
            s->trees[i] = s->trees[--s->tree_count];
            found = true;
            break;
        }
    }
    pthread_mutex_unlock(&s->lock);
    if (found) {
        srv_session_close_tree_opens(s, tree);
        srv_tree_kill(tree);
        srv_tree_unref(tree);
    }
}
