/* Large buffers for the data path (READ responses, WRITE frames), kept in a
 * small bounded cache so a stream of 1 MiB requests does not map and unmap
 * (and page-fault) a megabyte per request, and given back to the system once
 * the stream stops.
 *
 * Every buffer is an ordinary malloc'd block (free() and realloc() work on
 * it): the cache only delays the free. srv_bufpool_init fixes glibc's mmap
 * threshold so that blocks this large are always their own mappings: a free
 * returns them to the system at once instead of leaving holes in a heap that
 * can never shrink (what kept lwiod at 100 MiB after a transfer). */
#ifndef SW_SRV_BUFPOOL_H
#define SW_SRV_BUFPOOL_H

#include <stddef.h>
#include <stdint.h>

/* Blocks at least this large are cached; smaller ones are plain malloc. */
#define SRV_BUFPOOL_MIN (128u * 1024u)

/* Process-wide: the mmap threshold (idempotent, any thread). */
void srv_bufpool_init(void);
/* A block of at least size bytes (malloc'd); *usable is what it holds.
 * NULL when memory is short. */
uint8_t *srv_bufpool_get(size_t size, size_t *usable);
/* Gives a block back (NULL is fine); any malloc'd block may come here. */
void srv_bufpool_put(void *block);
/* Called about once a second: frees the cached blocks when none was asked
 * for since the last call, and then trims the malloc arenas once. */
void srv_bufpool_sweep(void);
/* Frees every cached block at once: when the server stops (the cache lives in
 * srv.so's statics, which are gone once lwiod unloads the driver). */
void srv_bufpool_drain(void);
/* Bytes held in the cache now (for tests and the docs' measurements). */
size_t srv_bufpool_cached_bytes(void);

#endif
