/* A bounded, locked LRU cache of decompressed clusters shared by readers.
 * Keyed by the archive file's identity (device, inode) and cluster id, so two
 * different archives can never see each other's clusters, whatever their
 * metadata claims. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "cache.h"

typedef struct node {
    uint64_t dev, ino;
    int64_t cluster;
    smz_cbuf *buf;
    struct node *hnext;        /* hash chain */
    struct node *prev, *next;  /* LRU list, most recent first */
} node;

struct smz_cache {
    pthread_mutex_t lock;
    size_t max_bytes, bytes;
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
    if (n->prev) n->prev->next = n->next; else c->head = n->next;
    if (n->next) n->next->prev = n->prev; else c->tail = n->prev;
    n->prev = n->next = NULL;
}

static void lru_push_front(smz_cache *c, node *n)
{
    n->next = c->head;
    n->prev = NULL;
    if (c->head) c->head->prev = n;
    c->head = n;
    if (!c->tail) c->tail = n;
}

static void cbuf_unref_locked(smz_cbuf *b)
{
    if (--b->refs == 0)
        free(b);
}

static void evict_locked(smz_cache *c, node *n)
{
    node **pp = &c->buckets[bucket_of(c, n->dev, n->ino, n->cluster)];
    while (*pp && *pp != n)
        pp = &(*pp)->hnext;
    if (*pp)
        *pp = n->hnext;
    lru_unlink(c, n);
    c->bytes -= n->buf->len;
    cbuf_unref_locked(n->buf);
    free(n);
}

void smz_cache_free(smz_cache *c)
{
    if (!c)
        return;
    while (c->head)
        evict_locked(c, c->head);
    pthread_mutex_destroy(&c->lock);
    free(c->buckets);
    free(c);
}

smz_cbuf *smz_cbuf_new(size_t len)
{
    smz_cbuf *b = malloc(sizeof *b + (len ? len : 1));
    if (!b)
        return NULL;
    b->len = len;
    b->refs = 1;
    return b;
}

smz_cbuf *smz_cache_get(smz_cache *c, uint64_t dev, uint64_t ino, int64_t cluster)
{
    smz_cbuf *found = NULL;
    pthread_mutex_lock(&c->lock);
    for (node *n = c->buckets[bucket_of(c, dev, ino, cluster)]; n; n = n->hnext) {
        if (n->dev == dev && n->ino == ino && n->cluster == cluster) {
            lru_unlink(c, n);
            lru_push_front(c, n);
            n->buf->refs++;
            found = n->buf;
            break;
        }
    }
    pthread_mutex_unlock(&c->lock);
    return found;
}

void smz_cache_put(smz_cache *c, uint64_t dev, uint64_t ino, int64_t cluster, smz_cbuf *b)
{
    if (b->len > c->max_bytes)
        return; /* would evict everything and still not fit */
    node *n = calloc(1, sizeof *n);
    if (!n)
        return; /* caching is best effort */
    n->dev = dev;
    n->ino = ino;
    n->cluster = cluster;
    n->buf = b;
    pthread_mutex_lock(&c->lock);
    size_t bk = bucket_of(c, dev, ino, cluster);
    for (node *o = c->buckets[bk]; o; o = o->hnext) {
        if (o->dev == dev && o->ino == ino && o->cluster == cluster) {
            pthread_mutex_unlock(&c->lock); /* another thread won the race */
            free(n);
            return;
        }
    }
    b->refs++;
    n->hnext = c->buckets[bk];
    c->buckets[bk] = n;
    lru_push_front(c, n);
    c->bytes += b->len;
    while (c->bytes > c->max_bytes && c->tail && c->tail != n)
        evict_locked(c, c->tail);
    pthread_mutex_unlock(&c->lock);
}

void smz_cbuf_release(smz_cache *c, smz_cbuf *b)
{
    if (!b)
        return;
    if (!c) {
        free(b);
        return;
    }
    pthread_mutex_lock(&c->lock);
    cbuf_unref_locked(b);
    pthread_mutex_unlock(&c->lock);
}
