/* The server's compute gate (server/gate.c): never more requests inside
 * than its bound, the others let in strictly in the order they came, each
 * place given back handed straight to the first waiter, and an empty gate
 * entered at once; gate_try_enter takes only a free place. */
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>
#include "check.h"
#include "../../server/gate.h"

#define WAITERS 5

typedef struct entrant {
    gate *g;
    atomic_int *seq;
    atomic_int order; /* 0 until let in, then 1 + how many were let in before */
} entrant;

static void *enter_run(void *p)
{
    entrant *e = p;
    gate_enter(e->g);
    atomic_store(&e->order, 1 + atomic_fetch_add(e->seq, 1));
    return NULL; /* the test leaves for it: places are not tied to threads */
}

static unsigned peek(gate *g, unsigned *inside)
{
    pthread_mutex_lock(&g->mu);
    unsigned n = g->waiting;
    *inside = g->inside;
    pthread_mutex_unlock(&g->mu);
    return n;
}

static void nap(void)
{
    struct timespec ts = {0, 20 * 1000 * 1000};
    nanosleep(&ts, NULL);
}

/* Waits (up to 5 s) until COND holds. */
#define WAIT_FOR(cond)                                                                                  \
    do {                                                                                                \
        for (int t_ = 0; t_ < 250 && !(cond); t_++)                                                     \
            nap();                                                                                      \
    } while (0)

int main(void)
{
    gate g;
    unsigned inside = 0;
    atomic_int seq;
    atomic_init(&seq, 0);
    CHECK(gate_init(&g, 2) == 0, "a gate of two places");
    gate_enter(&g);
    gate_enter(&g);
    CHECK(peek(&g, &inside) == 0 && inside == 2, "two enter at once");

    entrant e[WAITERS];
    pthread_t th[WAITERS];
    int queued_in_order = 1;
    for (int i = 0; i < WAITERS; i++) {
        e[i].g = &g;
        e[i].seq = &seq;
        atomic_init(&e[i].order, 0);
        pthread_create(&th[i], NULL, enter_run, &e[i]);
        /* The next one starts once this one waits: their arrival order. */
        WAIT_FOR(peek(&g, &inside) == (unsigned)i + 1);
        queued_in_order &= peek(&g, &inside) == (unsigned)i + 1;
    }
    CHECK(queued_in_order && atomic_load(&seq) == 0, "%d more wait while both places are taken",
          WAITERS);

    int in_order = 1, one_at_a_time = 1;
    for (int i = 0; i < WAITERS; i++) {
        gate_leave(&g);
        WAIT_FOR(atomic_load(&e[i].order) != 0);
        nap(); /* time for a wrong one to get in too */
        in_order &= atomic_load(&e[i].order) == i + 1;
        one_at_a_time &= atomic_load(&seq) == i + 1 &&
                         peek(&g, &inside) == (unsigned)(WAITERS - 1 - i) && inside == 2;
    }
    CHECK(in_order, "each place given back lets in the longest waiting, in arrival order");
    CHECK(one_at_a_time, "one waiter for each place, never more than two inside");
    for (int i = 0; i < WAITERS; i++)
        pthread_join(th[i], NULL);
    gate_leave(&g);
    gate_leave(&g);
    CHECK(peek(&g, &inside) == 0 && inside == 0, "all left: the gate is empty");
    gate_enter(&g);
    CHECK(peek(&g, &inside) == 0 && inside == 1, "an empty gate is entered at once");
    gate_leave(&g);
    gate_destroy(&g);

    /* gate_try_enter (the searches' own gate, query.c): a free place is
     * taken; none free, or someone waiting, and nothing is taken. */
    gate t;
    CHECK(gate_init(&t, 1) == 0, "a gate of one place");
    CHECK(gate_try_enter(&t) == 1 && peek(&t, &inside) == 0 && inside == 1,
          "a free place is taken at once");
    CHECK(gate_try_enter(&t) == 0 && inside == 1, "a full gate is not entered, nor waited for");
    entrant late = {.g = &t, .seq = &seq};
    atomic_init(&late.order, 0);
    pthread_t lt;
    pthread_create(&lt, NULL, enter_run, &late);
    WAIT_FOR(peek(&t, &inside) == 1);
    gate_leave(&t);
    pthread_join(lt, NULL);
    CHECK(gate_try_enter(&t) == 0, "the place went to the waiter, not to a try");
    gate_leave(&t);
    CHECK(peek(&t, &inside) == 0 && inside == 0 && gate_try_enter(&t) == 1,
          "an empty gate is tried into");
    gate_leave(&t);
    gate_destroy(&t);

    gate one;
    CHECK(gate_init(&one, 0) == 0 && one.max == 1, "a bound of 0 is taken as 1");
    gate_destroy(&one);
    return CHECK_DONE();
}
