/* The guard against slow clients (guard.c): a thread that watches what each
 * worker's request is doing and shuts down connections that hold a worker
 * without progress when workers run short.
 *
 * Layer 1 of server/ (see server.c): uses nothing of server/. */
#ifndef SMZ_SERVER_GUARD_H
#define SMZ_SERVER_GUARD_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <civetweb.h>

#define GUARD_PER_CLIENT 32 /* connections from one address (loopback excepted) */
#define GUARD_MIN_RESERVE 8 /* threads kept free for new requests, at least */
enum { GUARD_NONE, GUARD_WORKING, GUARD_SENDING, GUARD_EVICTED };
/* What a worker's request handler is doing, for the guard's thread. */
typedef struct guard_slot {
    int used;
    int state;     /* GUARD_NONE between requests */
    char addr[48]; /* the client's address and port */
    int port;
    int64_t since; /* ms (monotonic) of the last change or progress */
} guard_slot;
typedef struct guard {
    pthread_mutex_t mu; /* guards slots and stop */
    pthread_cond_t cv;
    pthread_t thread;
    int ready, started, stop;
    unsigned threads, reserve, per_client;
    int port;          /* our listening port */
    guard_slot *slots; /* one per worker thread */
    size_t n_slots;
    struct gsock *socks; /* the guard thread's own list of sockets */
    size_t n_socks;
    unsigned long evicted; /* connections shut down (guard thread only) */
} guard;
/* Sets G up for THREADS workers (before they start: they claim slots).
 * 0, or -1 out of memory. */
int guard_init(guard *g, unsigned threads);
/* Starts its thread, watching the connections to our PORT.  0 or -1. */
int guard_run(guard *g, int port);
/* Stops its thread (after the workers) and frees G; nothing if not set up. */
void guard_free(guard *g);
/* A worker's slot (init_thread), NULL if none; given back at exit_thread. */
guard_slot *guard_claim(guard *g);
void guard_release(guard *g, guard_slot *t);
/* A request handler's state change (GUARD_*), or progress: RI, when not
 * NULL, names the client. */
void guard_mark(guard *g, guard_slot *t, int state, const struct mg_request_info *ri);

#endif
