/* The compute gate: at most a few requests compute at once (read clusters,
 * search, build pages); the others wait their turn in arrival order.
 *
 * Why: CivetWeb gives every connection its own thread, and the kernel shares
 * the CPUs among all of them.  Under a load of many connections that makes
 * a heavy request (a search that reads and parses 25 pages) take its own
 * cost times the number of requests in progress: with 64 connections on two
 * cores, 3 to 5 s for a search that takes 50 ms alone (make soak), and each
 * of those requests holds its own decompressed clusters at once.  In arrival
 * order, every request waits for about the same time, which is the time the
 * ones ahead of it take (the mean is the same, the tail is not), and only
 * the requests inside hold memory.
 *
 * A request enters before it is routed and leaves as soon as it starts to
 * answer (http_head): nothing inside the gate waits for a client, so a
 * client that reads slowly, or not at all, never holds a place; headers are
 * read before a request reaches the gate, so neither does a slowloris.
 * Places are handed over directly to the first waiter (no barging), each
 * waiter sleeping on its own condition variable.
 *
 * Searches also pass a second, smaller gate (srv_search_enter in query.c):
 * a search on an archive with huge pages may take its whole budget
 * (seconds), and four of them held every place while a page of another
 * archive waited.  With at most half the places to searches, a page always
 * finds one. */
#include <assert.h>
#include "gate.h"

struct gate_waiter {
    pthread_cond_t cv;
    int admitted;
    struct gate_waiter *next;
};

int gate_init(gate *g, unsigned max)
{
    g->inside = g->waiting = 0;
    g->max = max ? max : 1;
    g->head = g->tail = NULL;
    return pthread_mutex_init(&g->mu, NULL) == 0 ? 0 : -1;
}

void gate_destroy(gate *g)
{
    pthread_mutex_destroy(&g->mu);
}

void gate_enter(gate *g)
{
    pthread_mutex_lock(&g->mu);
    if (!g->head && g->inside < g->max) {
        g->inside++;
        pthread_mutex_unlock(&g->mu);
        return;
    }
    struct gate_waiter w = {.admitted = 0, .next = NULL};
    if (pthread_cond_init(&w.cv, NULL) != 0) {
        /* Cannot wait: go in over the bound rather than refuse. */
        g->inside++;
        pthread_mutex_unlock(&g->mu);
        return;
    }
    if (g->tail)
        g->tail->next = &w;
    else
        g->head = &w;
    g->tail = &w;
    g->waiting++;
    while (!w.admitted)
        pthread_cond_wait(&w.cv, &g->mu);
    pthread_mutex_unlock(&g->mu);
    pthread_cond_destroy(&w.cv);
}

int gate_try_enter(gate *g)
{
    pthread_mutex_lock(&g->mu);
    int in = !g->head && g->inside < g->max;
    g->inside += (unsigned)in;
    pthread_mutex_unlock(&g->mu);
    return in;
}

void gate_leave(gate *g)
{
    pthread_mutex_lock(&g->mu);
    struct gate_waiter *w = g->head;
    if (w) {
        /* The place goes to the first waiter: INSIDE does not change. */
        g->head = w->next;
        if (!g->head)
            g->tail = NULL;
        g->waiting--;
        w->admitted = 1;
        pthread_cond_signal(&w->cv);
    } else {
        assert(g->inside > 0);
        g->inside--;
    }
    pthread_mutex_unlock(&g->mu);
}
