/* The shared cluster cache (lib/cache.c): a cluster missing from it is
 * decoded by one thread however many want it at once (the first claims it,
 * the others wait and get its buffer); a claim given up passes to a waiter;
 * a buffer evicted while held stays readable; buffers let go of are kept as
 * spares and handed out again without new pages; a buffer too large to
 * cache still reaches the threads waiting for it; every buffer and
 * reservation counts against one budget, and a decode that does not fit
 * waits its turn; streams hold at most half of it. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "check.h"
#include "cache.h"

#define MiB ((size_t)1 << 20)
#define WAITERS 8

typedef struct waiter {
    smz_cache *c;
    int64_t cluster;
    smz_cbuf *got;
    int claimed;
    atomic_int done;
} waiter;

static void *acquire_run(void *p)
{
    waiter *w = p;
    w->got = smz__cache_acquire(w->c, 1, 2, w->cluster, &w->claimed);
    atomic_store(&w->done, 1);
    return NULL;
}

static void nap(void)
{
    struct timespec ts = {0, 100 * 1000 * 1000};
    nanosleep(&ts, NULL);
}

static int done_count(waiter *w, size_t n)
{
    int k = 0;
    for (size_t i = 0; i < n; i++)
        k += atomic_load(&w[i].done);
    return k;
}

static void test_one_decode(void)
{
    smz_cache *c = smz_cache_new(64 * MiB);
    int claimed = 0;
    CHECK(smz__cache_acquire(c, 1, 2, 7, &claimed) == NULL && claimed == 1,
          "the first thread to want a missing cluster claims it");

    waiter w[WAITERS];
    pthread_t th[WAITERS];
    for (int i = 0; i < WAITERS; i++) {
        memset(&w[i], 0, sizeof w[i]);
        w[i].c = c;
        w[i].cluster = 7;
        atomic_init(&w[i].done, 0);
        pthread_create(&th[i], NULL, acquire_run, &w[i]);
    }
    nap();
    CHECK(done_count(w, WAITERS) == 0, "%d more threads wanting it wait (none has returned)", WAITERS);

    waiter other = {.c = c, .cluster = 8};
    atomic_init(&other.done, 0);
    acquire_run(&other);
    CHECK(other.got == NULL && other.claimed == 1,
          "another cluster is not held up: it is claimed at once");
    smz__cache_abandon(c, 1, 2, 8);

    int fresh = 0;
    smz_cbuf *b = smz__cache_buf(c, 2 * MiB, &fresh);
    CHECK(b && fresh == 1 && b->len == 2 * MiB, "a new buffer when there is no spare");
    memset(b->data, 'x', b->len);
    smz__cache_put(c, 1, 2, 7, b);
    smz__cbuf_release(c, b);
    int same = 1, none_claimed = 1;
    for (int i = 0; i < WAITERS; i++) {
        pthread_join(th[i], NULL);
        same &= w[i].got == b;
        none_claimed &= w[i].claimed == 0;
    }
    CHECK(same && none_claimed, "every waiter gets the one decoded buffer, none decodes it again");
    CHECK(b->refs == 1 + WAITERS, "a reference for each waiter and one for the cache (%u)", b->refs);
    CHECK(b->data[0] == 'x' && b->data[b->len - 1] == 'x', "the waiters see its bytes");
    for (int i = 0; i < WAITERS; i++)
        smz__cbuf_release(c, w[i].got);
    smz_cbuf *again = smz__cache_get(c, 1, 2, 7);
    CHECK(again == b && b->refs == 2, "it stays cached once the waiters let go");
    smz__cbuf_release(c, again);
    claimed = 1;
    again = smz__cache_acquire(c, 1, 2, 7, &claimed);
    CHECK(again == b && claimed == 0, "acquire of a cached cluster is a hit, not a claim");
    smz__cbuf_release(c, again);
    smz_cache_free(c);
}

static void test_abandon(void)
{
    smz_cache *c = smz_cache_new(64 * MiB);
    int claimed = 0;
    smz__cache_acquire(c, 1, 2, 9, &claimed);
    waiter w = {.c = c, .cluster = 9};
    atomic_init(&w.done, 0);
    pthread_t th;
    pthread_create(&th, NULL, acquire_run, &w);
    nap();
    CHECK(!atomic_load(&w.done), "a second thread waits for the claimed cluster");
    smz__cache_abandon(c, 1, 2, 9);
    pthread_join(th, NULL);
    CHECK(w.got == NULL && w.claimed == 1,
          "when the decoder gives up (a damaged cluster), the waiter claims it and tries itself");
    smz__cache_abandon(c, 1, 2, 9);
    claimed = 0;
    CHECK(smz__cache_acquire(c, 1, 2, 9, &claimed) == NULL && claimed == 1,
          "once given up by all, the next one claims it again");
    smz__cache_abandon(c, 1, 2, 9);
    smz_cache_free(c);
}

static void test_spares(void)
{
    smz_cache *c = smz_cache_new(4 * MiB);
    int fresh = 0, claimed = 0;
    smz_cbuf *b1 = smz__cache_buf(c, 3 * MiB, &fresh);
    smz__cache_put(c, 1, 2, 1, b1);
    smz_cbuf *held = smz__cache_get(c, 1, 2, 1);
    smz__cbuf_release(c, b1);
    memset(held->data, 'a', held->len);
    smz_cbuf *b2 = smz__cache_buf(c, 3 * MiB, &fresh);
    CHECK(b2 && fresh == 1, "no spare while every buffer is in use");
    smz__cache_put(c, 1, 2, 2, b2);
    smz__cbuf_release(c, b2);
    CHECK(smz__cache_get(c, 1, 2, 1) == NULL, "the older cluster was evicted");
    CHECK(held->refs == 1 && held->data[0] == 'a' && held->data[held->len - 1] == 'a',
          "a buffer evicted while a thread holds it stays readable");
    CHECK(smz__cache_counted(c) == 6 * MiB, "both buffers count against the budget");
    smz__cbuf_release(c, held);
    CHECK(smz__cache_counted(c) == 3 * MiB,
          "over the budget, a buffer let go of is freed, not kept spare");
    smz_cache_free(c);

    c = smz_cache_new(16 * MiB);
    b1 = smz__cache_buf(c, 3 * MiB, &fresh);
    smz__cbuf_release(c, b1);
    smz_cbuf *b3 = smz__cache_buf(c, 2 * MiB, &fresh);
    CHECK(b3 == b1 && fresh == 0 && b3->len == 2 * MiB && b3->cap >= 3 * MiB && b3->refs == 1,
          "the buffer let go of is handed out again, its pages already there");
    smz_cbuf *big = smz__cache_buf(c, 17 * MiB, &fresh);
    CHECK(big && fresh == 1, "a buffer larger than any spare is a new one");
    CHECK(smz__cache_acquire(c, 1, 2, 3, &claimed) == NULL && claimed == 1, "claim a cluster");
    waiter w = {.c = c, .cluster = 3};
    atomic_init(&w.done, 0);
    pthread_t th;
    pthread_create(&th, NULL, acquire_run, &w);
    nap();
    smz__cache_put(c, 1, 2, 3, big);
    pthread_join(th, NULL);
    CHECK(w.got == big && smz__cache_get(c, 1, 2, 3) == NULL,
          "a cluster over the cache's bound is not cached but still reaches its waiter");
    smz__cbuf_release(c, w.got);
    smz__cbuf_release(c, big);
    smz__cbuf_release(c, b3);
    smz_cbuf *small = smz__cache_buf(c, 1000, &fresh);
    CHECK(small && small != b3 && fresh == 1 && small->cap == 1000,
          "a small need does not take a large spare (the cache counts capacities)");
    smz__cbuf_release(c, small);
    smz_cbuf *again = smz__cache_buf(c, 2 * MiB, &fresh);
    CHECK(again == b3 && fresh == 0, "a need of at least half a spare takes it");
    smz__cbuf_release(c, again);
    smz_cache_free(c); /* frees the spares: LeakSanitizer checks */
    CHECK(1, "freeing the cache frees its spares");
    smz_cbuf *plain = smz__cache_buf(NULL, 100, &fresh);
    CHECK(plain && fresh == 1 && plain->len == 100, "without a cache, a new buffer");
    smz__cbuf_release(NULL, plain);
}

/* A thread that reserves LEN of C and then sets DONE: whether it waits is
 * what the tests look at. */
typedef struct reserver {
    smz_cache *c;
    size_t len;
    int stream; /* smz__cache_reserve_stream rather than smz__cache_reserve */
    atomic_int done;
    pthread_t t;
} reserver;

static void *reserve_run(void *p)
{
    reserver *rv = p;
    if (rv->stream)
        smz__cache_reserve_stream(rv->c, rv->len);
    else
        smz__cache_reserve(rv->c, rv->len);
    atomic_store(&rv->done, 1);
    return NULL;
}

static void reserve_start(reserver *rv, smz_cache *c, size_t len, int stream)
{
    rv->c = c;
    rv->len = len;
    rv->stream = stream;
    atomic_init(&rv->done, 0);
    pthread_create(&rv->t, NULL, reserve_run, rv);
}

/* Every decode counts against one budget (issue 16, point 5): a
 * reservation that does not fit waits until memory is given back, in turn;
 * cached clusters nobody holds are evicted to make room; one larger than the
 * budget goes in alone. */
static void test_budget(void)
{
    smz_cache *c = smz_cache_new(8 * MiB);
    int fresh;
    smz__cache_reserve(c, 3 * MiB);
    smz_cbuf *b = smz__cache_buf(c, 3 * MiB, &fresh);
    smz__cache_unreserve(c, 3 * MiB);
    smz__cache_put(c, 1, 2, 1, b);
    CHECK(smz__cache_counted(c) == 3 * MiB, "a cached cluster counts");
    /* B is held (a reader copies from it): it cannot be freed now. */
    smz__cache_reserve(c, 4 * MiB);
    CHECK(smz__cache_counted(c) == 7 * MiB, "a reservation that fits is let in at once");
    reserver big, small;
    reserve_start(&big, c, 6 * MiB, 0);
    nap();
    reserve_start(&small, c, 1 * MiB, 0);
    nap();
    CHECK(!atomic_load(&big.done), "one that does not fit waits");
    CHECK(!atomic_load(&small.done), "one that would fit waits its turn behind it");
    CHECK(smz__cache_get(c, 1, 2, 1) == NULL, "the cached cluster was evicted to make room");
    smz__cache_unreserve(c, 4 * MiB);
    nap();
    CHECK(!atomic_load(&big.done), "the evicted cluster still held keeps it waiting");
    smz__cbuf_release(c, b); /* frees it: 6 MiB now fit */
    pthread_join(big.t, NULL);
    pthread_join(small.t, NULL);
    CHECK(atomic_load(&big.done) && atomic_load(&small.done) && smz__cache_counted(c) == 7 * MiB,
          "memory given back lets them in, in turn");
    smz__cache_unreserve(c, 6 * MiB);
    smz__cache_unreserve(c, 1 * MiB);
    CHECK(smz__cache_counted(c) == 0, "all given back");
    smz__cache_reserve(c, 20 * MiB);
    CHECK(smz__cache_counted(c) == 20 * MiB, "a decode larger than the budget goes in when it is alone");
    reserver other;
    reserve_start(&other, c, 1 * MiB, 0);
    nap();
    CHECK(!atomic_load(&other.done), "and nothing else meanwhile");
    smz__cache_unreserve(c, 20 * MiB);
    pthread_join(other.t, NULL);
    CHECK(atomic_load(&other.done), "until it is done");
    smz__cache_unreserve(c, 1 * MiB);
    /* A cluster nobody holds, evicted to make room, may become a spare:
     * it must go too (this hung the server's downloads). */
    b = smz__cache_buf(c, 5 * MiB, &fresh);
    smz__cache_put(c, 1, 2, 9, b);
    smz__cbuf_release(c, b);
    smz__cache_reserve(c, 6 * MiB);
    CHECK(smz__cache_counted(c) == 6 * MiB, "a cluster evicted for room is freed, not kept spare");
    smz__cache_unreserve(c, 6 * MiB);
    smz_cache_free(c);
}

/* Streams (a download decoding its cluster for as long as its client
 * takes) hold at most half the budget together: slow downloads cannot make
 * every page's decode wait for them. */
static void test_stream_share(void)
{
    smz_cache *c = smz_cache_new(16 * MiB);
    smz__cache_reserve_stream(c, 3 * MiB);
    smz__cache_reserve_stream(c, 3 * MiB);
    CHECK(smz__cache_counted(c) == 6 * MiB, "two streams within half the budget are let in");
    reserver third, page;
    reserve_start(&third, c, 3 * MiB, 1);
    nap();
    CHECK(!atomic_load(&third.done), "a third, past half the budget, waits");
    reserve_start(&page, c, 7 * MiB, 0);
    pthread_join(page.t, NULL);
    CHECK(atomic_load(&page.done), "while a decode that fits beside the streams goes in");
    smz__cache_unreserve(c, 7 * MiB);
    smz__cache_unreserve_stream(c, 3 * MiB);
    pthread_join(third.t, NULL);
    CHECK(atomic_load(&third.done) && smz__cache_counted(c) == 6 * MiB,
          "a stream that ends lets the next in");
    smz__cache_unreserve_stream(c, 3 * MiB);
    smz__cache_unreserve_stream(c, 3 * MiB);
    smz__cache_reserve_stream(c, 12 * MiB);
    CHECK(smz__cache_counted(c) == 12 * MiB, "one stream larger than half goes in alone");
    smz__cache_unreserve_stream(c, 12 * MiB);
    smz_cache_free(c);
}

int main(void)
{
    test_one_decode();
    test_budget();
    test_stream_share();
    test_abandon();
    test_spares();
    return CHECK_DONE();
}
