/* A bounded, locked LRU cache of decompressed clusters shared by readers.
 * Keyed by the archive file's identity (device, inode) and cluster id, so two
 * different archives can never see each other's clusters, whatever their
 * metadata claims.
 *
 * A cluster missing from the cache is decoded once however many threads want
 * it at the same time: the first one claims it (a "flight") and decodes it,
 * the others wait for its buffer.  Without this, a server under load whose
 * clusters do not all fit decoded the same 6 MiB cluster in many threads at
 * once: most of its CPU time, and a 6 MiB buffer per thread on top of the
 * cache (make soak: 64 connections over three archives).
 *
 * A server whose clusters do not all fit decodes clusters all the time, and
 * a new 6 MiB buffer costs more than decoding into it (the kernel zeroes
 * and maps its pages, then unmaps them when glibc gives it back): the last
 * SPARES buffers let go of are kept for the next decodes instead.
 *
 * The bound is on memory, not only on what is cached (issue 16): every
 * buffer made through the cache counts (cached, being decoded, being copied
 * from, or kept spare), and so do the compressed bytes a decode reads, and a
 * reader reserves what a decode will take before it starts (smz__cache_reserve),
 * waiting its turn when that does not fit.  Sixteen downloads of sixteen
 * 64 MiB clusters held 1 GB with a 128 MiB cache before; they now decode one
 * or two at a time.  No thread waits while it holds counted memory (a
 * reservation is made before anything is loaded, and buffers are only held
 * while they are copied from), so every wait ends.  A decode larger than the
 * whole budget is let in alone, when nothing else is counted.
 *
 * A stream (smz_stream: a download decoding its cluster piece by piece)
 * holds its reservation for as long as its client takes, so streams
 * together may hold at most half the budget (smz__cache_reserve_stream):
 * slow downloads cannot keep every page's decode waiting. */
#include <assert.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "cache.h"

typedef struct node {
    uint64_t dev, ino;
    int64_t cluster;
    smz_cbuf *buf;
    struct node *hnext;       /* hash chain */
    struct node *prev, *next; /* LRU list, most recent first */
} node;

/* A cluster being decoded by the thread that claimed it.  Unlinked from the
 * cache's list when that thread puts or abandons it; freed by the last of
 * the threads that waited for it (or at once when none did). */
typedef struct flight {
    uint64_t dev, ino;
    int64_t cluster;
    smz_cbuf *buf; /* the result, with a reference for each waiter; NULL if abandoned */
    int done;
    unsigned waiters;
    struct flight *next;
} flight;

/* Buffers let go of and kept for reuse: at most SPARES, of SPARE_MIN bytes
 * or more (clusters, not small stored entries). */
#define SPARES 2
#define SPARE_MIN ((size_t)1 << 20)

struct smz_cache {
    pthread_mutex_t lock;
    smz_cbuf *spare[SPARES];
    size_t nspare;
    pthread_cond_t landed; /* broadcast when a flight is done */
    pthread_cond_t room;   /* broadcast when counted memory is given back */
    size_t live;           /* capacities of every buffer made through the cache and not freed */
    size_t reserved;       /* reservations being used (smz__cache_reserve) */
    size_t streams;        /* the part of them held by streams (smz__cache_reserve_stream) */
    /* Reservations that have to wait are let in in turn: a large one is not
     * passed over for ever by smaller ones that fit. */
    unsigned long ticket_next, ticket_serving;
    flight *flights;
    size_t max_bytes, bytes; /* bytes: the cached buffers' capacities */
    size_t nbuckets;
    node **buckets;
    node *head, *tail;
};

smz_cache *smz_cache_new(size_t max_bytes)
{
    smz_cache *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->max_bytes = max_bytes ? max_bytes : (64u << 20);
    c->nbuckets = 1024;
    c->buckets = calloc(c->nbuckets, sizeof *c->buckets);
    if (!c->buckets || pthread_mutex_init(&c->lock, NULL) != 0) {
        free(c->buckets);
        free(c);
        return NULL;
    }
    if (pthread_cond_init(&c->landed, NULL) != 0) {
        pthread_mutex_destroy(&c->lock);
        free(c->buckets);
        free(c);
        return NULL;
    }
    if (pthread_cond_init(&c->room, NULL) != 0) {
        pthread_cond_destroy(&c->landed);
        pthread_mutex_destroy(&c->lock);
        free(c->buckets);
        free(c);
        return NULL;
    }
    return c;
}

static size_t bucket_of(const smz_cache *c, uint64_t dev, uint64_t ino, int64_t cluster)
{
    uint64_t h = (dev * 0x9E3779B97F4A7C15u) ^ (ino * 0xC2B2AE3D27D4EB4Fu) ^ (uint64_t)cluster;
    h ^= h >> 29;
    return (size_t)(h % c->nbuckets);
}

static void lru_unlink(smz_cache *c, node *n)
{
    if (n->prev)
        n->prev->next = n->next;
    else
        c->head = n->next;
    if (n->next)
        n->next->prev = n->prev;
    else
        c->tail = n->prev;
    n->prev = n->next = NULL;
}

static void lru_push_front(smz_cache *c, node *n)
{
    n->next = c->head;
    n->prev = NULL;
    if (c->head)
        c->head->prev = n;
    c->head = n;
    if (!c->tail)
        c->tail = n;
}

static void cbuf_free_locked(smz_cache *c, smz_cbuf *b)
{
    if (b->counted)
        c->live -= b->cap;
    free(b);
    pthread_cond_broadcast(&c->room);
}

static void cbuf_unref_locked(smz_cache *c, smz_cbuf *b)
{
    if (--b->refs != 0) {
        if (b->refs == 1)
            pthread_cond_broadcast(&c->room); /* maybe the cache's alone: evictable */
        return;
    }
    if (b->cap >= SPARE_MIN && c->nspare < SPARES && c->live + c->reserved <= c->max_bytes) {
        c->spare[c->nspare++] = b;
        pthread_cond_broadcast(&c->room); /* a spare can be freed for room */
    } else {
        cbuf_free_locked(c, b);
    }
}

static void evict_locked(smz_cache *c, node *n)
{
    node **pp = &c->buckets[bucket_of(c, n->dev, n->ino, n->cluster)];
    while (*pp && *pp != n)
        pp = &(*pp)->hnext;
    if (*pp)
        *pp = n->hnext;
    lru_unlink(c, n);
    c->bytes -= n->buf->cap;
    cbuf_unref_locked(c, n->buf);
    free(n);
}

void smz_cache_free(smz_cache *c)
{
    if (!c)
        return;
    assert(!c->flights); /* no reader decodes once the cache is freed */
    while (c->head)
        evict_locked(c, c->head);
    while (c->nspare)
        cbuf_free_locked(c, c->spare[--c->nspare]);
    assert(c->live == 0 && c->reserved == 0 && c->streams == 0); /* every buffer was released */
    pthread_cond_destroy(&c->room);
    pthread_cond_destroy(&c->landed);
    pthread_mutex_destroy(&c->lock);
    free(c->buckets);
    free(c);
}

smz_cbuf *smz__cbuf_new(size_t len)
{
    smz_cbuf *b = malloc(sizeof *b + (len ? len : 1));
    if (!b)
        return NULL;
    b->len = len;
    b->cap = len ? len : 1;
    b->refs = 1;
    b->counted = 0;
    return b;
}

smz_cbuf *smz__cache_buf(smz_cache *c, size_t len, int *fresh)
{
    smz_cbuf *b = NULL;
    if (c) {
        pthread_mutex_lock(&c->lock);
        /* Not a large spare for a small need: the cache counts what a
         * buffer holds in memory, and the spare is better kept for a
         * cluster. */
        for (size_t i = 0; i < c->nspare; i++) {
            if (c->spare[i]->cap >= len && c->spare[i]->cap / 2 <= len) {
                b = c->spare[i];
                c->spare[i] = c->spare[--c->nspare];
                break;
            }
        }
        pthread_mutex_unlock(&c->lock);
    }
    if (b) {
        b->len = len;
        b->refs = 1;
        *fresh = 0;
        return b;
    }
    *fresh = 1;
    b = smz__cbuf_new(len);
    if (b && c) {
        b->counted = 1;
        pthread_mutex_lock(&c->lock);
        c->live += b->cap;
        pthread_mutex_unlock(&c->lock);
    }
    return b;
}

/* Frees spares, then evicts the least recently used clusters, until LEN
 * more bytes fit or nothing more can go.  An evicted cluster that a reader
 * still copies from is freed when it lets go of it (a broadcast on room). */
static void make_room_locked(smz_cache *c, size_t len)
{
    /* Spares first, again after each eviction: a cluster evicted with
     * nobody holding it may just have become one. */
    while (c->live + c->reserved + len > c->max_bytes && (c->nspare || c->tail)) {
        if (c->nspare)
            cbuf_free_locked(c, c->spare[--c->nspare]);
        else
            evict_locked(c, c->tail);
    }
}

static int fits_locked(const smz_cache *c, size_t len)
{
    return c->live + c->reserved + len <= c->max_bytes || c->live + c->reserved == 0;
}

void smz__cache_reserve(smz_cache *c, size_t len)
{
    pthread_mutex_lock(&c->lock);
    if (c->ticket_next == c->ticket_serving) {
        make_room_locked(c, len);
        if (fits_locked(c, len)) {
            c->reserved += len;
            pthread_mutex_unlock(&c->lock);
            return;
        }
    }
    unsigned long my = c->ticket_next++;
    for (;;) {
        if (my == c->ticket_serving) {
            make_room_locked(c, len);
            if (fits_locked(c, len))
                break;
        }
        pthread_cond_wait(&c->room, &c->lock);
    }
    c->reserved += len;
    c->ticket_serving++;
    pthread_cond_broadcast(&c->room); /* the next in turn may fit too */
    pthread_mutex_unlock(&c->lock);
}

void smz__cache_unreserve(smz_cache *c, size_t len)
{
    pthread_mutex_lock(&c->lock);
    assert(c->reserved >= len);
    c->reserved -= len;
    pthread_cond_broadcast(&c->room);
    pthread_mutex_unlock(&c->lock);
}

void smz__cache_reserve_stream(smz_cache *c, size_t len)
{
    pthread_mutex_lock(&c->lock);
    while (c->streams && c->streams + len > c->max_bytes / 2)
        pthread_cond_wait(&c->room, &c->lock);
    c->streams += len;
    pthread_mutex_unlock(&c->lock);
    smz__cache_reserve(c, len);
}

void smz__cache_unreserve_stream(smz_cache *c, size_t len)
{
    pthread_mutex_lock(&c->lock);
    assert(c->streams >= len);
    c->streams -= len;
    pthread_mutex_unlock(&c->lock);
    smz__cache_unreserve(c, len); /* broadcasts room: for streams waiting here too */
}

size_t smz__cache_counted(smz_cache *c)
{
    pthread_mutex_lock(&c->lock);
    size_t n = c->live + c->reserved;
    pthread_mutex_unlock(&c->lock);
    return n;
}

size_t smz__cache_budget(const smz_cache *c)
{
    return c->max_bytes; /* set once, by smz_cache_new */
}

static node *find_locked(smz_cache *c, uint64_t dev, uint64_t ino, int64_t cluster)
{
    for (node *n = c->buckets[bucket_of(c, dev, ino, cluster)]; n; n = n->hnext)
        if (n->dev == dev && n->ino == ino && n->cluster == cluster)
            return n;
    return NULL;
}

static flight *flight_locked(smz_cache *c, uint64_t dev, uint64_t ino, int64_t cluster)
{
    for (flight *f = c->flights; f; f = f->next)
        if (f->dev == dev && f->ino == ino && f->cluster == cluster)
            return f;
    return NULL;
}

/* N's buffer, with a reference taken, N now the most recently used. */
static smz_cbuf *take_locked(smz_cache *c, node *n)
{
    lru_unlink(c, n);
    lru_push_front(c, n);
    n->buf->refs++;
    return n->buf;
}

smz_cbuf *smz__cache_get(smz_cache *c, uint64_t dev, uint64_t ino, int64_t cluster)
{
    pthread_mutex_lock(&c->lock);
    node *n = find_locked(c, dev, ino, cluster);
    smz_cbuf *found = n ? take_locked(c, n) : NULL;
    pthread_mutex_unlock(&c->lock);
    return found;
}

smz_cbuf *smz__cache_acquire(smz_cache *c, uint64_t dev, uint64_t ino, int64_t cluster, int *claimed)
{
    smz_cbuf *found = NULL;
    *claimed = 0;
    pthread_mutex_lock(&c->lock);
    for (;;) {
        node *n = find_locked(c, dev, ino, cluster);
        if (n) {
            found = take_locked(c, n);
            break;
        }
        flight *f = flight_locked(c, dev, ino, cluster);
        if (!f) {
            /* Ours to decode.  Without memory for a flight, others that
             * want it decode it too, as they would without this. */
            if ((f = calloc(1, sizeof *f))) {
                f->dev = dev;
                f->ino = ino;
                f->cluster = cluster;
                f->next = c->flights;
                c->flights = f;
            }
            *claimed = 1;
            break;
        }
        f->waiters++;
        while (!f->done)
            pthread_cond_wait(&c->landed, &c->lock);
        found = f->buf; /* its reference for us was taken when it landed */
        if (--f->waiters == 0)
            free(f);
        if (found)
            break;
        /* Abandoned (its decoder failed): try again, maybe as the decoder,
         * so that the error is reported on our own handle too. */
    }
    pthread_mutex_unlock(&c->lock);
    return found;
}

/* Ends the flight of (dev, ino, cluster), if any, handing B (or NULL) to
 * its waiters. */
static void land_locked(smz_cache *c, uint64_t dev, uint64_t ino, int64_t cluster, smz_cbuf *b)
{
    flight **pp = &c->flights;
    while (*pp && !((*pp)->dev == dev && (*pp)->ino == ino && (*pp)->cluster == cluster))
        pp = &(*pp)->next;
    flight *f = *pp;
    if (!f)
        return;
    *pp = f->next;
    f->done = 1;
    f->buf = b;
    if (b)
        b->refs += f->waiters;
    if (f->waiters == 0)
        free(f);
    else
        pthread_cond_broadcast(&c->landed);
}

void smz__cache_abandon(smz_cache *c, uint64_t dev, uint64_t ino, int64_t cluster)
{
    pthread_mutex_lock(&c->lock);
    land_locked(c, dev, ino, cluster, NULL);
    pthread_mutex_unlock(&c->lock);
}

void smz__cache_put(smz_cache *c, uint64_t dev, uint64_t ino, int64_t cluster, smz_cbuf *b)
{
    /* Too large for the cache (it would evict everything and still not
     * fit), or no memory for a node: not cached, but still handed to the
     * threads waiting for it.  Caching is best effort. */
    node *n = b->cap > c->max_bytes ? NULL : calloc(1, sizeof *n);
    pthread_mutex_lock(&c->lock);
    land_locked(c, dev, ino, cluster, b);
    if (!n || find_locked(c, dev, ino, cluster)) {
        pthread_mutex_unlock(&c->lock); /* not cacheable, or another thread won the race */
        free(n);
        return;
    }
    n->dev = dev;
    n->ino = ino;
    n->cluster = cluster;
    n->buf = b;
    b->refs++;
    size_t bk = bucket_of(c, dev, ino, cluster);
    n->hnext = c->buckets[bk];
    c->buckets[bk] = n;
    lru_push_front(c, n);
    c->bytes += b->cap;
    while (c->bytes > c->max_bytes && c->tail && c->tail != n)
        evict_locked(c, c->tail);
    pthread_mutex_unlock(&c->lock);
}

void smz__cbuf_release(smz_cache *c, smz_cbuf *b)
{
    if (!b)
        return;
    if (!c) {
        free(b);
        return;
    }
    pthread_mutex_lock(&c->lock);
    cbuf_unref_locked(c, b);
    pthread_mutex_unlock(&c->lock);
}
