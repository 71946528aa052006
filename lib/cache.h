/* The shared cache of decompressed clusters (private side of smz_cache).
 * Buffers are reference counted: a reader holds a buffer while it copies out
 * of it, and eviction only drops the cache's own reference. */
#ifndef SMZ_CACHE_H
#define SMZ_CACHE_H

#include <stddef.h>
#include <stdint.h>
#include "smz/reader.h"

typedef struct smz_cbuf {
    size_t len;
    unsigned refs; /* guarded by the owning cache's lock, or 1 when uncached */
    unsigned char data[];
} smz_cbuf;

/* The cached cluster for (file identity, cluster id), with a reference taken,
 * or NULL. */
smz_cbuf *smz_cache_get(smz_cache *c, uint64_t dev, uint64_t ino, int64_t cluster);
/* Inserts B (the cache takes its own reference; the caller keeps theirs). */
void smz_cache_put(smz_cache *c, uint64_t dev, uint64_t ino, int64_t cluster, smz_cbuf *b);
/* Drops a reference taken by get, put or smz_cbuf_new.  C may be NULL for a
 * buffer that was never cached. */
void smz_cbuf_release(smz_cache *c, smz_cbuf *b);
smz_cbuf *smz_cbuf_new(size_t len);

#endif
