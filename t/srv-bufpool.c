/* drivers/srv/bufpool.c: the large-buffer cache is bounded, reuses its
 * blocks, hands small ones straight to free, and empties when idle. */
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/srv/bufpool.h"
#include "lib/token.h"
#include "t/tap/tap.h"

int main(void)
{
    srv_bufpool_init();
    size_t usable = 0;
    uint8_t *a = srv_bufpool_get(1024 * 1024 + 136, &usable);
    ok(a && usable >= 1024 * 1024 + 136, "a large block holds what was asked");
    memset(a, 0x5a, usable); /* all of it is ours */
    srv_bufpool_put(a);
    is_int((long long)srv_bufpool_cached_bytes(), (long long)usable, "given back: cached");
    size_t again_usable = 0;
    uint8_t *b = srv_bufpool_get(1024 * 1024, &again_usable);
    ok(b == a, "the next request of that size reuses the block");
    is_int((long long)srv_bufpool_cached_bytes(), 0, "taken: no longer cached");
    /* An ordinary malloc block: realloc works on it (a READ's response
     * buffer may still grow in a compound). */
    uint8_t *grown = realloc(b, 3 * 1024 * 1024);
    ok(grown != NULL, "a cached block is an ordinary malloc block (realloc)");
    srv_bufpool_put(grown);

    /* Small blocks are not kept. */
    size_t small_usable;
    uint8_t *s = srv_bufpool_get(100, &small_usable);
    ok(s && small_usable >= 100, "a small block");
    size_t before = srv_bufpool_cached_bytes();
    srv_bufpool_put(s);
    is_int((long long)srv_bufpool_cached_bytes(), (long long)before, "a small block is freed");
    srv_bufpool_put(NULL);

    /* Bounded: forty 1 MiB blocks given back, at most 32 MiB kept. */
    uint8_t *many[40];
    for (int i = 0; i < 40; i++)
        many[i] = srv_bufpool_get(1024 * 1024, &usable);
    for (int i = 0; i < 40; i++)
        srv_bufpool_put(many[i]);
    ok(srv_bufpool_cached_bytes() <= 32u * 1024 * 1024, "the cache keeps at most 32 MiB (%zu)",
       srv_bufpool_cached_bytes());
    ok(srv_bufpool_cached_bytes() > 0, "and keeps some");

    /* Idle: the first sweep after a get keeps them, the next frees all. */
    srv_bufpool_sweep();
    ok(srv_bufpool_cached_bytes() > 0, "a sweep right after use keeps the blocks");
    srv_bufpool_sweep();
    is_int((long long)srv_bufpool_cached_bytes(), 0, "a sweep with no use since frees them");

    /* Tokens on the I/O path are shared by reference (lib/token.h). */
    struct access_token *t = token_new_system();
    struct access_token *r1 = token_ref(t), *r2 = token_ref(t);
    ok(r1 == t && r2 == t, "token_ref shares the token");
    token_free(t);
    token_free(r1);
    ok(r2->group_count > 0 && token_is_administrator(r2), "alive while a reference remains");
    struct access_token *copy = token_copy(r2);
    token_free(r2);
    ok(copy && token_is_administrator(copy) && atomic_load(&copy->extra_refs) == 0,
       "a copy of a shared token has one owner");
    token_free(copy);
    ok(token_ref(NULL) == NULL, "token_ref(NULL)");
    return done_testing();
}
