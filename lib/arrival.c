/* Reading an archive while it arrives (smz/reader.h, smz_arrival): the
 * SQLite VFS "smz-arriving" over "unix", which serves the last bytes of
 * the file from the caller's memory and holds a read of the others back
 * until the writer says they are written.  Why: docs/CATALOG.md,
 * "Throughput". */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include "smz/reader.h"
#include "arrival.h"
#include "util/vfs.h"

struct smz_arrival {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    uint64_t size, tail_from;
    const unsigned char *tail; /* the bytes from TAIL_FROM to SIZE, the caller's */
    uint64_t written;          /* the file's first bytes that are in it */
    int failed;
};

smz_err smz_arrival_new(uint64_t size, uint64_t tail_from, const unsigned char *tail, smz_arrival **out)
{
    *out = NULL;
    if (tail_from > size || (tail_from < size && !tail) || size - tail_from > SIZE_MAX)
        return SMZ_E_INVALID;
    smz_arrival *a = calloc(1, sizeof *a);
    if (!a)
        return SMZ_E_NOMEM;
    a->size = size;
    a->tail_from = tail_from;
    a->tail = tail;
    if (pthread_mutex_init(&a->mu, NULL) != 0) {
        free(a);
        return SMZ_E_NOMEM;
    }
    if (pthread_cond_init(&a->cv, NULL) != 0) {
        pthread_mutex_destroy(&a->mu);
        free(a);
        return SMZ_E_NOMEM;
    }
    *out = a;
    return SMZ_OK;
}

void smz_arrival_written(smz_arrival *a, uint64_t bytes)
{
    pthread_mutex_lock(&a->mu);
    if (bytes > a->written)
        a->written = bytes > a->tail_from ? a->tail_from : bytes;
    pthread_cond_broadcast(&a->cv);
    pthread_mutex_unlock(&a->mu);
}

void smz_arrival_failed(smz_arrival *a)
{
    pthread_mutex_lock(&a->mu);
    a->failed = 1;
    pthread_cond_broadcast(&a->cv);
    pthread_mutex_unlock(&a->mu);
}

void smz_arrival_free(smz_arrival *a)
{
    if (!a)
        return;
    pthread_cond_destroy(&a->cv);
    pthread_mutex_destroy(&a->mu);
    free(a);
}

int smz__arrival_stopped(smz_arrival *a)
{
    pthread_mutex_lock(&a->mu);
    int f = a->failed;
    pthread_mutex_unlock(&a->mu);
    return f;
}

uint64_t smz__arrival_size(const smz_arrival *a)
{
    return a->size;
}

int smz__arrival_has_tail(const smz_arrival *a)
{
    return a->tail_from < a->size;
}

int smz__arrival_wait(smz_arrival *a, uint64_t off, uint64_t n)
{
    uint64_t end = off + n < a->tail_from ? off + n : a->tail_from;
    int ok;
    pthread_mutex_lock(&a->mu);
    while (off < end && a->written < end && !a->failed)
        pthread_cond_wait(&a->cv, &a->mu);
    ok = off >= end || a->written >= end;
    pthread_mutex_unlock(&a->mu);
    return ok ? 0 : -1;
}

/* ---- the VFS ---- */

typedef struct arr_file {
    sqlite3_file base;
    smz_arrival *a;
    sqlite3_file *real; /* follows this struct: the root VFS's szOsFile */
} arr_file;

#define REAL(f) (((arr_file *)(f))->real)
#define ARR(f) (((arr_file *)(f))->a)

static sqlite3_vfs *root_of(sqlite3_vfs *v)
{
    return v->pAppData;
}

static int x_close(sqlite3_file *f)
{
    return REAL(f)->pMethods->xClose(REAL(f));
}

static int x_read(sqlite3_file *f, void *buf, int amt, sqlite3_int64 off)
{
    smz_arrival *a = ARR(f);
    if (amt < 0 || off < 0)
        return SQLITE_IOERR_READ;
    uint64_t o = (uint64_t)off, n = (uint64_t)amt, end = o + n;
    if (o >= a->size) {
        memset(buf, 0, (size_t)n);
        return SQLITE_IOERR_SHORT_READ;
    }
    if (end > a->size)
        end = a->size;
    unsigned char *out = buf;
    if (o < a->tail_from) {
        uint64_t head_end = end < a->tail_from ? end : a->tail_from;
        if (smz__arrival_wait(a, o, head_end - o) != 0)
            return SQLITE_IOERR_READ;
        int rc = REAL(f)->pMethods->xRead(REAL(f), out, (int)(head_end - o), off);
        if (rc != SQLITE_OK)
            return rc == SQLITE_IOERR_SHORT_READ ? SQLITE_IOERR_READ : rc; /* it said written */
        out += head_end - o;
        o = head_end;
    }
    if (o < end) {
        memcpy(out, a->tail + (o - a->tail_from), (size_t)(end - o));
        out += end - o;
    }
    if (end < (uint64_t)off + n) {
        memset(out, 0, (size_t)((uint64_t)off + n - end));
        return SQLITE_IOERR_SHORT_READ;
    }
    return SQLITE_OK;
}

static int x_size(sqlite3_file *f, sqlite3_int64 *n)
{
    *n = (sqlite3_int64)ARR(f)->size;
    return SQLITE_OK;
}

static const sqlite3_io_methods arr_io = SMZ__VFS_RO_IO(x_close, x_read, x_size);

/* The main database, read-only, with the arrival its URI names; any other
 * file (a temporary one for a large sort) is the root VFS's own. */
static int x_open(sqlite3_vfs *v, const char *name, sqlite3_file *f, int flags, int *out)
{
    arr_file *af = (arr_file *)f;
    sqlite3_vfs *root = root_of(v);
    f->pMethods = NULL;
    if (!(flags & SQLITE_OPEN_MAIN_DB))
        return root->xOpen(root, name, f, flags, out); /* szOsFile leaves it room */
    const char *p = name ? sqlite3_uri_parameter(name, SMZ__ARRIVAL_PARAM) : NULL;
    void *ptr = NULL;
    if (!(flags & SQLITE_OPEN_READONLY) || !p || sscanf(p, "%p", &ptr) != 1 || !ptr)
        return SQLITE_CANTOPEN;
    af->a = ptr;
    af->real = (sqlite3_file *)(af + 1);
    int rc = root->xOpen(root, name, af->real, flags, out);
    if (rc != SQLITE_OK)
        return rc;
    f->pMethods = &arr_io;
    return SQLITE_OK;
}

static int x_full_pathname(sqlite3_vfs *v, const char *name, int n, char *out)
{
    return root_of(v)->xFullPathname(root_of(v), name, n, out);
}

/* The one VFS object, as lib/split.c's: written by register_vfs once,
 * under pthread_once, then by SQLite's registration alone; not the
 * default VFS (only smz_reader_open_arriving names it). */
static sqlite3_vfs arrival_vfs = SMZ__VFS_OVER_ROOT(SMZ__ARRIVAL_VFS, x_open, x_full_pathname);
static pthread_once_t arrival_once = PTHREAD_ONCE_INIT;
static int arrival_registered; /* written once, under arrival_once */

static void register_vfs(void)
{
    arrival_registered = smz__vfs_register_over_root(&arrival_vfs, (int)sizeof(arr_file), 1);
}

const char *smz__arrival_vfs(void)
{
    pthread_once(&arrival_once, register_vfs);
    return arrival_registered ? SMZ__ARRIVAL_VFS : NULL;
}
