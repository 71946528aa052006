/* The compute gate (gate.c): at most so many requests compute at once, the
 * others wait in arrival order.
 *
 * Layer 1 of server/ (see server.c): uses nothing of server/. */
#ifndef SMZ_SERVER_GATE_H
#define SMZ_SERVER_GATE_H

#include <pthread.h>

typedef struct gate {
    pthread_mutex_t mu;
    unsigned inside, max;            /* requests inside, and the bound */
    unsigned waiting;                /* the others, */
    struct gate_waiter *head, *tail; /* in arrival order */
} gate;
/* At most MAX (0: 1) requests inside at once.  0, or -1 on failure. */
int gate_init(gate *g, unsigned max);
void gate_destroy(gate *g);
/* Waits for a place (in arrival order) and takes it. */
void gate_enter(gate *g);
/* Takes a place if one is free and nobody waits: 1, else 0 (not taken). */
int gate_try_enter(gate *g);
/* Gives the place back, to the first waiter if any. */
void gate_leave(gate *g);

#endif
