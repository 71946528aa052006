/* The reader pool.  A reader handle costs a SQLite connection (schema,
 * statements, a small page cache).  Handles are not tied to threads: a
 * request borrows one per archive it reads from the archive's pool of idle
 * handles (opening one when the pool is empty) and gives them all back when
 * it reads no more.  At most SRV_POOL_IDLE idle handles are kept per
 * archive, so memory follows the requests served at once, not the
 * --threads that wait for connections.
 *
 * Errors are returned: the caller decides what the client sees.
 *
 * Layer 3 of server/ (see server.c): uses the library (layer 2) and lib/. */
#ifndef SMZ_SERVER_POOL_H
#define SMZ_SERVER_POOL_H

#include <pthread.h>
#include <stddef.h>
#include "library.h"
#include "smz/reader.h"

typedef struct pool {
    pthread_mutex_t mu; /* guards every archive's idle handles */
    registry *reg;
    smz_cache *cache; /* the decoded clusters every handle shares */
} pool;

/* What one worker's current request borrowed: a slot per archive of the
 * registry, and the indexes of the slots in use. */
typedef struct lease {
    smz_reader **readers;
    size_t *borrowed;
    size_t n_borrowed;
} lease;

/* Sets P up over REG's archives and CACHE (which P does not own). */
void pool_init(pool *p, registry *reg, smz_cache *cache);
/* Closes the idle handles; nothing may be borrowed any more. */
void pool_destroy(pool *p);
/* Room for a lease over P's archives: 0, or -1 out of memory. */
int lease_init(lease *l, const pool *p);
void lease_free(lease *l);
/* A reader for archive A (of P's registry) into *OUT, borrowed by L until
 * pool_return: SMZ_OK, or the error of smz_reader_open (already reported
 * through the registry's warning callback) with *OUT NULL. */
smz_err pool_borrow(pool *p, lease *l, archive *a, smz_reader **out);
/* Gives back every handle L borrowed; L may be NULL. */
void pool_return(pool *p, lease *l);

#endif
