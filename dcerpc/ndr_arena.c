/* The arena behind every unmarshalled value: one list of allocations freed
 * together, with a byte cap so that no request can make the server allocate
 * more than its configured share. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dcerpc/ndr.h"

struct arena_block {
    struct arena_block *next;
    max_align_t data[];
};

struct ndr_arena {
    struct arena_block *blocks;
    size_t used;
    size_t limit;
};

struct ndr_arena *ndr_arena_new(size_t limit)
{
    struct ndr_arena *arena = calloc(1, sizeof *arena);
    if (arena)
        arena->limit = limit;
    return arena;
}

void *ndr_arena_alloc(struct ndr_arena *arena, size_t size)
{
    if (!arena)
        return NULL;
    if (size == 0)
        size = 1; /* a distinct non-NULL pointer, like malloc(1) */
    /* Count the block header too, so a flood of tiny allocations is capped. */
    size_t cost = size + sizeof(struct arena_block);
    if (cost < size || cost > arena->limit - arena->used || arena->used > arena->limit)
        return NULL;
    struct arena_block *block = calloc(1, sizeof *block + size);
    if (!block)
        return NULL;
    block->next = arena->blocks;
    arena->blocks = block;
    arena->used += cost;
    return block->data;
}

void *ndr_arena_array(struct ndr_arena *arena, size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size)
        return NULL;
    return ndr_arena_alloc(arena, count * size);
}

char *ndr_arena_strdup(struct ndr_arena *arena, const char *s)
{
    if (!s)
        return NULL;
    size_t len = strlen(s);
    char *copy = ndr_arena_alloc(arena, len + 1);
    if (copy)
        memcpy(copy, s, len + 1);
    return copy;
}

size_t ndr_arena_used(const struct ndr_arena *arena) { return arena ? arena->used : 0; }

void ndr_arena_free(struct ndr_arena *arena)
{
    if (!arena)
        return;
    struct arena_block *block = arena->blocks;
    while (block) {
        struct arena_block *next = block->next;
        free(block);
        block = next;
    }
    free(arena);
}
