/* The server's shared state as the pages and handlers see it: the settings
 * and parts smz_server_new() and smz_server_open() put together
 * (dispatch.c), and each worker's own state.
 *
 * Threading: CivetWeb runs each request on one of a fixed set of worker
 * threads.  Each worker owns a `worker` (the reader handles its current
 * request borrowed from the pool, a streaming buffer); the shared mutable
 * state is the registry (behind its mutex), the reader pool (behind its
 * mutex) and the cluster cache (locked inside the library).
 *
 * Layer 5 of server/ (see server.c): a header of state, with no code of
 * its own; it sits on layers 1 to 4. */
#ifndef SMZ_SERVER_SITE_H
#define SMZ_SERVER_SITE_H

#include <pthread.h>
#include <stdatomic.h>
#include "gate.h"
#include "guard.h"
#include "http.h"
#include "library.h"
#include "pool.h"

struct smz_server {
    struct mg_context *ctx;
    http_site http; /* what the HTTP layer needs (root, hosts, log...) */
    registry reg;
    smz_cache *cache;
    pool pool;        /* idle reader handles of every archive */
    gate gate;        /* requests computing at once (gate.c) */
    gate search_gate; /* searches among them: at most half the places */
    int gate_ready;
    int toolbar;
    unsigned langs;   /* the interface's languages (smz_i18n_bind), English always */
    int lang_default; /* when the browser asks for none of them */
    /* Keys the tokens that let the bar in an archived page (an opaque
     * origin) read its own archive's suggestions: random per start. */
    unsigned char bar_key[32];
    char skin_v[17]; /* version of our CSS/JS, for cache busting */
    char url[256];
    int v6;         /* the address is an IPv6 one */
    int threads;    /* CivetWeb's worker threads, as many guard slots */
    char **options; /* CivetWeb options we built */
    /* Stops CivetWeb (server.c), set once it listens: smz_server_free
     * calls it (NULL: not listening). */
    void (*stop_listening)(struct smz_server *s);
    int started;       /* smz_server_open was called (once only) */
    char errmsg[1024]; /* why smz_server_open/start failed (smz_server_errmsg) */
    /* The background signature check (sigcheck.c). */
    pthread_t sig_thread;
    int sig_started;
    atomic_int sig_stop;
    pthread_mutex_t sig_mu; /* guards sig_cur and sig_done */
    smz_reader *sig_cur;    /* the reader it is reading, for smz_reader_interrupt */
    int sig_done;
    guard guard; /* slow clients (guard.c) */
};
typedef struct smz_server srv;

typedef struct worker {
    srv *s;
    lease lease;          /* the handles the current request borrowed */
    unsigned char *chunk; /* SRV_CHUNK bytes, allocated on first use */
    guard_slot *slot;     /* what its request is doing, for the guard */
} worker;

#endif
