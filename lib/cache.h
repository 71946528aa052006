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
    size_t cap;    /* bytes allocated for data (>= len) */
    unsigned refs; /* guarded by the owning cache's lock, or 1 when uncached */
    int counted;   /* made by smz__cache_buf with a cache: counted in its budget */
    unsigned char data[];
} smz_cbuf;

/* The cached cluster for (file identity, cluster id), with a reference taken,
 * or NULL. */
smz_cbuf *smz__cache_get(smz_cache *c, uint64_t dev, uint64_t ino, int64_t cluster);
/* Like smz__cache_get, but when the cluster is not cached, either sets
 * *CLAIMED and returns NULL: the caller must decode it and then call
 * smz__cache_put (or smz__cache_abandon if it cannot), or, while another
 * thread has claimed it, waits for that thread and returns its buffer
 * (reference taken).  A thread holding a claim must not acquire the same
 * cluster again before putting or abandoning it. */
smz_cbuf *smz__cache_acquire(smz_cache *c, uint64_t dev, uint64_t ino, int64_t cluster, int *claimed);
/* Inserts B (the cache takes its own reference; the caller keeps theirs) and
 * hands it to the threads waiting for this cluster, if any. */
void smz__cache_put(smz_cache *c, uint64_t dev, uint64_t ino, int64_t cluster, smz_cbuf *b);
/* Gives up a claim: the threads waiting for the cluster try again. */
void smz__cache_abandon(smz_cache *c, uint64_t dev, uint64_t ino, int64_t cluster);
/* Drops a reference taken by get, put or smz__cbuf_new.  C may be NULL for a
 * buffer that was never cached. */
void smz__cbuf_release(smz_cache *c, smz_cbuf *b);
smz_cbuf *smz__cbuf_new(size_t len);
/* A buffer for LEN bytes with one reference, for a cluster that will go
 * through cache C (release it with smz__cbuf_release(C, b)): one of the
 * buffers C kept when their last reference went (*FRESH = 0: its pages are
 * in memory already), else a new one (*FRESH = 1), counted against C's
 * budget until it is freed.  C may be NULL.  Never waits: the room for it
 * is reserved beforehand (smz__cache_reserve). */
smz_cbuf *smz__cache_buf(smz_cache *c, size_t len, int *fresh);

/* Counts LEN bytes against C's budget (its max_bytes) for a decode about to
 * start: what it will allocate, buffers and compressed input alike.  Frees
 * spares and evicts clusters to make room; when that is not enough, waits
 * (in turn with other such waits) until other threads give memory back.  A
 * reservation larger than the budget is let in when nothing else is
 * counted.  The caller must not hold a buffer of C or another reservation
 * meanwhile.  Undone by smz__cache_unreserve(C, LEN), once the decode's
 * buffer is made (it then counts itself). */
void smz__cache_reserve(smz_cache *c, size_t len);
void smz__cache_unreserve(smz_cache *c, size_t len);
/* smz__cache_reserve for a stream, held while a client takes its time:
 * first waits until the streams' reservations together, LEN included,
 * are at most half of C's budget (or there are none), so that the other
 * half stays for decodes.  Undone by smz__cache_unreserve_stream. */
void smz__cache_reserve_stream(smz_cache *c, size_t len);
void smz__cache_unreserve_stream(smz_cache *c, size_t len);
/* Bytes counted against C's budget now (for tests). */
size_t smz__cache_counted(smz_cache *c);
/* C's budget (its max_bytes). */
size_t smz__cache_budget(const smz_cache *c);

#endif
