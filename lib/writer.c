/* The archive writer.
 *
 * Entries are appended to one of three open clusters (compressible content,
 * already-compressed media stored as is, and search text).  A full cluster is
 * sealed and queued to worker threads that compress and checksum it.  All
 * writes to the SQLite file happen on the caller's thread at points fixed by
 * the input alone (an entry row when it is added; sealed cluster number s-K
 * when cluster s is sealed), so the file's bytes never depend on thread
 * timing: that is what makes packs reproducible.  At most K sealed clusters
 * wait, and they wait on disk (struct spool): memory is the workers' zstd
 * contexts and fixed buffers whatever the collection's size. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <sodium.h>
#include <sqlite3.h>
#define ZSTD_STATIC_LINKING_ONLY /* ZSTD_c_stableInBuffer */
#include <zstd.h>
#include "smz/writer.h"
#include "smz/reader.h"
#include "entries.h"
#include "error.h"
#include "format.h"
#include "search/build.h"
#include "search/packed.h"
#include "search/tokenizer.h"
#include "text/utf8.h"
#include "sign/archive_priv.h"
#include "writer_priv.h"
#include "layout.h"
#include "util/file.h"
#include "smz/i18n.h"

enum { CLASS_DATA, CLASS_RAW, N_CLASSES };

/* Sealed clusters that may wait for compression, and their bytes: together
 * they bound the spools' disk.  Clusters of the default size never reach
 * the byte bound.  Three keep two workers busy (reading and parsing outpace
 * level 19 several times); more would change where clusters are written,
 * so the archive's bytes. */
#define SMZ_CLUSTERS_IN_FLIGHT 3
#define SMZ_BYTES_IN_FLIGHT ((size_t)64 << 20)

/* The new archive's page cache, in KiB.  The file is written with no
 * journal, so a page pushed out of the cache costs one write the system
 * makes anyway; a larger cache (it was 64 MiB) only made peak memory grow
 * with the collection: 27 MB more on gen-100k, for no gain in time and a
 * byte-identical archive (issue 22); 8 MiB still did, beside a small
 * collection's archive, which never fills it (1 MiB: the same bytes). */
#define SMZ_WRITER_CACHE_KIB 1024
/* Documents wait to be indexed at the end up to this many bytes (an index
 * from more text is too large to be packed: lib/search/packed.h), then are
 * indexed as they come. */
#define SMZ_WRITER_DEFER_MAX ((uint64_t)16 << 20)

/* Pieces in which a worker writes a compressed cluster out (a whole number
 * of SMZ_CHUNK, so that each but the last is checked whole). */
#define SMZ_OUT_PIECE ((size_t)256 << 10)

/* Pieces in which a large entry is copied into the file. */
#define SMZ_STREAM_PIECE ((size_t)1 << 20)

/* What a class's spool gathers before it writes them to its file. */
#define SMZ_SPOOL_BUFFER ((size_t)256 << 10)

/* A class's clusters, before compression: bytes in an unlinked file beside
 * the target, not in memory, so that the clusters filling and waiting for a
 * worker cost the packer no memory (docs/FORMAT-NOTES.md, "Where a pack's
 * time and memory go").  A cluster is one run of the file, from its first
 * entry to its last; a worker reads it back, and the file's blocks are given
 * back once it has. */
typedef struct spool {
    int fd;             /* -1 until the first byte */
    uint64_t end;       /* bytes written to the file or gathered in buf */
    unsigned char *buf; /* SMZ_SPOOL_BUFFER bytes: the file's [end - n, end) */
    size_t n;
} spool;

/* An entry's bytes in an open cluster: its path (owned), where they are. */
typedef struct placed {
    char *path;
    uint64_t off, size;
} placed;

typedef struct job {
    int64_t cid;
    int klass;
    int fd;        /* its class's spool */
    uint64_t soff; /* where its bytes start in the spool */
    size_t len;    /* how many */
    int sys_errno; /* reading them back or writing what is stored failed: why */
    uint64_t ooff; /* what is stored: out_len bytes at ooff in the writer's out_fd */
    size_t out_len;
    int kind;
    int version;                                /* the format's: how to check it */
    unsigned char checksum[SMZ_CHECKSUM_BYTES]; /* version 2 */
    unsigned char *checks;                      /* version 3: smz__checks_size(out_len) bytes */
    /* Version 3: the entries placed in the cluster so far, in order, so
     * that sealing can put the smaller half first (order_job), which leaves
     * them in the order the worker reads them (off: from soff). */
    struct placed *placed;
    size_t nplaced, placed_cap;
    int done;
    int last; /* the archive's final cluster (smz_writer_finish) */
    smz_err err;
    struct job *qnext; /* work queue */
    struct job *snext; /* sealed list, in seal order */
} job;

/* A content entry that is a 48x48 PNG: the one the illustration may name
 * instead of holding its bytes again (illustration_once). */
typedef struct icon {
    char *path;
    unsigned char hash[32];
} icon;
/* Candidates kept at most: a collection's icons, not a gallery's images. */
#define SMZ_ICONS_MAX 64

struct smz_writer {
    char *path, *tmp_path;
    icon icons[SMZ_ICONS_MAX];
    size_t nicons;
    sqlite3 *db;
    sqlite3_stmt *ins_entry, *upd_entry, *find_entry, *ins_cluster, *ins_mime, *find_mime, *ins_text,
        *ins_fts, *ins_title, *del_text, *ins_large, *page_count, *upd_offset, *base_id, *base_del,
        *base_doc;
    smz_tok_settings *tok; /* the index's tokenizer settings: index_entry finds them once */
    smz_writer_opts o;
    char errmsg[1024];
    /* Set by smz_writer_interrupt from any thread or a signal handler: a
     * lock-free atomic, so the store is async-signal-safe. */
    atomic_int interrupted;
    int finished, failed;
    const smz_seckey *signer; /* borrowed; NULL: unsigned */
    int64_t next_cid, next_id;
    uint64_t deferred; /* bytes of documents in temp.smz_base_docs (index_deferred) */
    int deferring;     /* ... which exists */
    job *open[N_CLASSES];
    spool spools[N_CLASSES];
    /* What the workers made of the clusters, until the caller's thread
     * writes them into the archive: an unlinked file too, whose end (under
     * mu) says where the next cluster goes. */
    int out_fd;
    uint64_t out_end;
    unsigned char *piece; /* SMZ_OUT_PIECE bytes: copying them in */
    /* workers */
    pthread_t *threads;
    int nthreads;
    pthread_mutex_t mu;
    pthread_cond_t work_cv, done_cv;
    job *qhead, *qtail;
    int stopping;
    job *shead, *stail; /* sealed, not yet written */
    int nsealed;
    size_t sealed_bytes;
    int large_clusters; /* written by smz_writer_add_stream */
    int auto_cluster;   /* the cluster size is ours to plan (smz__writer_plan) */
    int halves;         /* planned in two halves: the first fills past the half */
    char *index_from;   /* smz__writer_copy_index's archive, or NULL */
    int index_unpacked; /* ... whose packed index copy_index attached */
    smz_writer_stats st;
    /* Progress (opts.progress): the phase, the input bytes whose cluster is
     * compressed (workers add to it, under mu), and when the caller was
     * last told, for a heartbeat while a long step runs. */
    smz_phase phase;
    uint64_t compressed;
    struct timespec told;
};

static smz_err fail(smz_writer *w, smz_err e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static smz_err fail(smz_writer *w, smz_err e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    smz__vformat_lang(w->errmsg, sizeof w->errmsg, w->o.lang, fmt, ap);
    va_end(ap);
    w->failed = 1;
    return e;
}

static smz_err sqlfail(smz_writer *w, int rc, const char *what)
{
    w->failed = 1;
    what = smz_tr(w->o.lang, what);
    smz_err e = smz__sqlite_err(w->db, rc, what, w->errmsg, sizeof w->errmsg);
    if (e == SMZ_E_NOSPACE)
        smz__format_lang(w->errmsg, sizeof w->errmsg, w->o.lang, "%s: disk full writing %s", what,
                         w->tmp_path);
    return e;
}

static void warnf(smz_writer *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warnf(smz_writer *w, const char *fmt, ...)
{
    char msg[SMZ_MAX_PATH + 256];
    va_list ap;
    if (!w->o.warn)
        return;
    va_start(ap, fmt);
    smz__vformat_lang(msg, sizeof msg, w->o.lang, fmt, ap);
    va_end(ap);
    w->o.warn(w->o.warn_ctx, msg);
}

/* Tells the caller where the pack is (opts.progress), on the caller's
 * thread only; W->mu must not be held. */
static void report(smz_writer *w)
{
    if (!w->o.progress)
        return;
    smz_progress p = {.phase = w->phase, .entries = w->st.entries, .input_bytes = w->st.input_bytes};
    pthread_mutex_lock(&w->mu);
    p.compressed_bytes = w->compressed;
    pthread_mutex_unlock(&w->mu);
    clock_gettime(CLOCK_MONOTONIC, &w->told);
    w->o.progress(w->o.progress_ctx, &p);
}

static void enter_phase(smz_writer *w, smz_phase phase)
{
    w->phase = phase;
    report(w);
}

/* Seconds since the caller was last told. */
static double since_told(const smz_writer *w)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - w->told.tv_sec) + (double)(now.tv_nsec - w->told.tv_nsec) / 1e9;
}

/* SQLite's progress handler while the index is merged and the file
 * compacted: a heartbeat, so that a long step still tells the caller it
 * runs.  Never stops the statement. */
static int heartbeat(void *ctx)
{
    smz_writer *w = ctx;
    if (since_told(w) >= SMZ_PROGRESS_HEARTBEAT)
        report(w);
    return 0;
}

/* ---- worker threads ---- */

/* The stored bytes' checks, as the job's format version has them. */
static void cluster_checks(job *j, const unsigned char *stored)
{
    if (j->version < 3) {
        smz__cluster_checksum(stored, j->out_len, j->checksum);
        return;
    }
    if (!(j->checks = malloc(smz__checks_size(j->out_len) + 1))) {
        j->err = SMZ_E_NOMEM;
        return;
    }
    smz__checks_put(stored, j->out_len, 0, j->checks);
}

/* A worker's buffers, kept from cluster to cluster: the largest cluster's
 * bytes and its compression bound, whatever the number of clusters. */
typedef struct wbufs {
    unsigned char *in, *out;
    size_t in_cap, out_cap;
} wbufs;

/* At least NEED bytes at *P, and at least AT_LEAST the first time: a
 * worker's buffer is the cluster size from the start, so that clusters a
 * few bytes longer than the last do not each leave a freed 8 MiB block in
 * the thread's heap. */
static int grow(unsigned char **p, size_t *cap, size_t need, size_t at_least)
{
    if (need <= *cap)
        return 1;
    if (!*cap && need < at_least)
        need = at_least;
    unsigned char *np = malloc(need ? need : 1);
    if (!np)
        return 0;
    free(*p);
    *p = np;
    *cap = need;
    return 1;
}

/* Reads job J's bytes back from its spool into DST, in the order sealing
 * chose, and gives the file's blocks back. */
static void read_job(job *j, unsigned char *dst)
{
    size_t pos = 0;
    int e = 0;
    if (!j->nplaced) {
        e = smz__pread_all(j->fd, dst, j->len, j->soff);
        pos = j->len;
    }
    for (size_t i = 0; i < j->nplaced && !e;) {
        /* Entries that follow each other in the file: one read. */
        uint64_t off = j->placed[i].off, size = j->placed[i].size;
        for (i++; i < j->nplaced && j->placed[i].off == off + size; i++)
            size += j->placed[i].size;
        if (pos + size > j->len)
            break;
        e = smz__pread_all(j->fd, dst + pos, (size_t)size, j->soff + off);
        pos += (size_t)size;
    }
    if (!e && pos != j->len)
        e = EIO;
    for (size_t i = 0; i < j->nplaced; i++)
        free(j->placed[i].path);
    free(j->placed); /* what sealing kept for the read */
    j->placed = NULL;
    j->nplaced = j->placed_cap = 0;
    if (e) {
        j->err = SMZ_E_IO;
        j->sys_errno = e;
        return;
    }
#ifdef FALLOC_FL_PUNCH_HOLE
    /* Never needed again: the spool takes what the clusters in flight do on
     * disk, not the whole collection.  A filesystem without holes keeps them. */
    if (j->len)
        (void)fallocate(j->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)j->soff,
                        (off_t)j->len);
#endif
}

/* Writes N bytes at DATA to FD at OFF: 1, or 0 with J's error set. */
static int out_write(job *j, int fd, uint64_t off, const unsigned char *data, size_t n)
{
    int e = smz__pwrite_all(fd, data, n, off);
    if (e) {
        j->err = e == ENOSPC || e == EDQUOT ? SMZ_E_NOSPACE : SMZ_E_IO;
        j->sys_errno = e;
        return 0;
    }
    return 1;
}

/* Writes the N stored bytes of job J at DATA to the writer's out_fd, where
 * the caller's thread copies them from (write_oldest). */
static void store_job(smz_writer *w, job *j, const unsigned char *data, size_t n)
{
    pthread_mutex_lock(&w->mu);
    j->ooff = w->out_end;
    w->out_end += n;
    pthread_mutex_unlock(&w->mu);
    j->out_len = n;
    if (out_write(j, w->out_fd, j->ooff, data, n))
        cluster_checks(j, data);
}

static void compress_job(smz_writer *w, job *j, ZSTD_CCtx *cc, int level, wbufs *b)
{
    j->err = SMZ_OK;
    if (j->klass == CLASS_RAW || j->len > SMZ_MAX_CLUSTER_USIZE) {
        j->kind = SMZ_CLUSTER_STORED;
        if (!grow(&b->in, &b->in_cap, j->len, w->o.cluster_size)) {
            j->err = SMZ_E_NOMEM;
            return;
        }
        read_job(j, b->in);
        if (j->err == SMZ_OK)
            store_job(w, j, b->in, j->len);
        return;
    }
    size_t bound = ZSTD_compressBound(j->len);
    if (!grow(&b->in, &b->in_cap, j->len, w->o.cluster_size) ||
        !grow(&b->out, &b->out_cap, SMZ_OUT_PIECE, 0) ||
        (j->version >= 3 && !(j->checks = malloc(smz__checks_size(bound) + 1)))) {
        j->err = SMZ_E_NOMEM;
        return;
    }
    read_job(j, b->in);
    if (j->err != SMZ_OK)
        return;
    /* One thread a cluster, the last one too: zstd's multithreaded mode,
     * tried on the last cluster (which is often compressed alone), did not
     * shorten a pack at level 19 (each job indexes the bytes before it
     * again: twice the CPU time, gen-10k 4.8 s -> 9.7 s) and made the bytes
     * depend on whether libzstd has threads (DESIGN.md, packing). */
    /* The frame goes out in pieces as it is made (the bytes smz__zstd_frame
     * makes: the input is there whole, zstd reads it in place), so a worker
     * holds SMZ_OUT_PIECE of it, not the whole.  Its place in out_fd is
     * taken at the bound; the end it does not use is never written. */
    smz__zstd_setup(cc, level, 1, j->len);
    ZSTD_CCtx_setParameter(cc, ZSTD_c_stableInBuffer, 1);
    ZSTD_CCtx_setPledgedSrcSize(cc, j->len);
    pthread_mutex_lock(&w->mu);
    j->ooff = w->out_end;
    w->out_end += bound;
    pthread_mutex_unlock(&w->mu);
    crypto_generichash_state h;
    if (j->version < 3)
        crypto_generichash_init(&h, NULL, 0, SMZ_CHECKSUM_BYTES);
    ZSTD_inBuffer in = {b->in, j->len, 0};
    ZSTD_outBuffer out = {b->out, SMZ_OUT_PIECE, 0};
    size_t left, done = 0;
    do {
        left = ZSTD_compressStream2(cc, &out, &in, ZSTD_e_end);
        if (ZSTD_isError(left) || done + out.pos > bound) {
            j->err = SMZ_E_INTERNAL;
            return;
        }
        if (out.pos < out.size && left)
            continue;
        if (j->version < 3)
            crypto_generichash_update(&h, b->out, out.pos);
        else
            smz__checks_put(b->out, out.pos, done / SMZ_CHUNK,
                            j->checks + done / SMZ_CHUNK * SMZ_CHUNK_CHECK);
        if (!out_write(j, w->out_fd, j->ooff + done, b->out, out.pos))
            return;
        done += out.pos;
        out.pos = 0;
    } while (left);
    if (j->version < 3)
        crypto_generichash_final(&h, j->checksum, SMZ_CHECKSUM_BYTES);
    j->kind = SMZ_CLUSTER_ZSTD;
    j->out_len = done;
}

static void *worker_main(void *arg)
{
    smz_writer *w = arg;
    ZSTD_CCtx *cc = ZSTD_createCCtx();
    wbufs b = {0};
    pthread_mutex_lock(&w->mu);
    for (;;) {
        while (!w->qhead && !w->stopping)
            pthread_cond_wait(&w->work_cv, &w->mu);
        if (!w->qhead)
            break;
        job *j = w->qhead;
        w->qhead = j->qnext;
        if (!w->qhead)
            w->qtail = NULL;
        pthread_mutex_unlock(&w->mu);
        if (cc)
            compress_job(w, j, cc, w->o.level, &b);
        else
            j->err = SMZ_E_NOMEM;
        pthread_mutex_lock(&w->mu);
        j->done = 1;
        w->compressed += j->len;
        pthread_cond_broadcast(&w->done_cv);
    }
    pthread_mutex_unlock(&w->mu);
    ZSTD_freeCCtx(cc);
    free(b.in);
    free(b.out);
    return NULL;
}

static void job_free(job *j)
{
    if (!j)
        return;
    free(j->checks);
    for (size_t i = 0; i < j->nplaced; i++)
        free(j->placed[i].path);
    free(j->placed);
    free(j);
}

/* The page size an archive of the writer's format version starts with. */
static int page_size(const smz_writer *w)
{
    return w->o.format_version < 3 ? SMZ_PAGE_SIZE : SMZ_PAGE_SIZE_V3;
}

/* Bytes the archive file has now (its pages, written or not). */
static uint64_t file_bytes(smz_writer *w)
{
    uint64_t pages = 0;
    if (sqlite3_step(w->page_count) == SQLITE_ROW)
        pages = (uint64_t)sqlite3_column_int64(w->page_count, 0);
    sqlite3_reset(w->page_count);
    return pages * (uint64_t)page_size(w);
}

/* SMZ_E_TOOBIG once the archive, grown by MORE bytes, would pass max_bytes. */
static smz_err check_room(smz_writer *w, uint64_t more)
{
    if (!w->o.max_bytes)
        return SMZ_OK;
    uint64_t now = file_bytes(w);
    if (now + more > w->o.max_bytes && more)
        return fail(w, SMZ_E_TOOBIG,
                    "the archive would be over its size limit of %llu bytes "
                    "(%llu bytes so far, and the next entry would not fit)",
                    (unsigned long long)w->o.max_bytes, (unsigned long long)now);
    if (now + more > w->o.max_bytes)
        return fail(w, SMZ_E_TOOBIG,
                    "the archive would be over its size limit of %llu bytes (%llu bytes so far)",
                    (unsigned long long)w->o.max_bytes, (unsigned long long)now);
    return SMZ_OK;
}

/* Runs S (a prepared INSERT or lookup) once and resets it for the next
 * binding: sqlite3_step's code. */
static int step_once(sqlite3_stmt *s)
{
    int src = sqlite3_step(s);
    sqlite3_reset(s);
    return src;
}

/* Copies job J's stored bytes from out_fd over the zeros of its row's data,
 * and gives the file's blocks back. */
static smz_err copy_stored(smz_writer *w, job *j)
{
    sqlite3_blob *b = NULL;
    smz_err rc = SMZ_OK;
    int src;
    if (!w->piece && !(w->piece = malloc(SMZ_OUT_PIECE)))
        return fail(w, SMZ_E_NOMEM, "out of memory");
    if ((src = sqlite3_blob_open(w->db, "main", "clusters", "data", j->cid, 1, &b)) != SQLITE_OK)
        return sqlfail(w, src, "writing a cluster");
    for (size_t off = 0; off < j->out_len; off += SMZ_OUT_PIECE) {
        size_t n = j->out_len - off < SMZ_OUT_PIECE ? j->out_len - off : SMZ_OUT_PIECE;
        int e = smz__pread_all(w->out_fd, w->piece, n, j->ooff + off);
        if (e) {
            rc = fail(w, SMZ_E_IO, "cluster %lld: the clusters' spool beside %s: %s", (long long)j->cid,
                      w->path, strerror(e));
            goto out;
        }
        if ((src = sqlite3_blob_write(b, w->piece, (int)n, (int)off)) != SQLITE_OK) {
            rc = sqlfail(w, src, "writing a cluster");
            goto out;
        }
    }
#ifdef FALLOC_FL_PUNCH_HOLE
    (void)fallocate(w->out_fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)j->ooff,
                    (off_t)j->out_len);
#endif
out:
    src = sqlite3_blob_close(b);
    if (rc == SMZ_OK && src != SQLITE_OK)
        rc = sqlfail(w, src, "writing a cluster");
    return rc;
}

/* Writes the oldest sealed cluster, waiting for its compression. */
static smz_err write_oldest(smz_writer *w)
{
    job *j;
    pthread_mutex_lock(&w->mu);
    j = w->shead;
    while (j && !j->done) {
        if (!w->o.progress) {
            pthread_cond_wait(&w->done_cv, &w->mu);
            continue;
        }
        /* A cluster may take minutes (the last one, at level 19): wake up
         * to tell the caller the pack still runs. */
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += (long)(SMZ_PROGRESS_HEARTBEAT * 1e9);
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        if (pthread_cond_timedwait(&w->done_cv, &w->mu, &until) != 0 && !j->done) {
            pthread_mutex_unlock(&w->mu);
            report(w);
            pthread_mutex_lock(&w->mu);
        }
    }
    if (j) {
        w->shead = j->snext;
        if (!w->shead)
            w->stail = NULL;
        w->nsealed--;
        w->sealed_bytes -= j->len;
    }
    pthread_mutex_unlock(&w->mu);
    if (!j)
        return SMZ_OK;
    smz_err rc = SMZ_OK;
    if (j->err != SMZ_OK && j->sys_errno) {
        rc = fail(w, j->err, "cluster %lld: the clusters' spool beside %s: %s", (long long)j->cid,
                  w->path, strerror(j->sys_errno));
        goto out;
    }
    if (j->err != SMZ_OK) {
        rc = fail(w, j->err, "compressing cluster %lld failed: %s", (long long)j->cid,
                  smz_strerror(j->err));
        goto out;
    }
    sqlite3_stmt *s = w->ins_cluster;
    sqlite3_bind_int64(s, 1, j->cid);
    sqlite3_bind_int(s, 2, j->kind);
    sqlite3_bind_int64(s, 3, (sqlite3_int64)j->len);
    if (j->version < 3)
        sqlite3_bind_blob(s, 4, j->checksum, SMZ_CHECKSUM_BYTES, SQLITE_STATIC);
    else
        sqlite3_bind_blob64(s, 4, j->checks, smz__checks_size(j->out_len), SQLITE_STATIC);
    /* The bytes are written over zeros in pieces, as smz_writer_add_stream
     * does: a cluster never is in memory whole on this thread. */
    sqlite3_bind_zeroblob64(s, 5, j->out_len);
    int src = step_once(s);
    sqlite3_clear_bindings(s);
    if (src != SQLITE_DONE) {
        rc = sqlfail(w, src, "writing a cluster");
        goto out;
    }
    if (j->out_len && (rc = copy_stored(w, j)) != SMZ_OK)
        goto out;
    w->st.clusters++;
    w->st.cluster_bytes += j->out_len;
    rc = check_room(w, 0);
out:
    job_free(j);
    return rc;
}

static smz_err order_job(smz_writer *w, job *j);
static int step_once(sqlite3_stmt *s);
static smz_err beside(smz_writer *w, const char *tag, int *fd, char **name_out);

/* Writes what class KLASS's spool gathered to its file. */
static smz_err spool_flush(smz_writer *w, int klass)
{
    spool *sp = &w->spools[klass];
    uint64_t at = sp->end - sp->n;
    for (size_t done = 0; done < sp->n;) {
        ssize_t k = pwrite(sp->fd, sp->buf + done, sp->n - done, (off_t)(at + done));
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            int e = k < 0 ? errno : ENOSPC;
            return fail(w, e == ENOSPC || e == EDQUOT ? SMZ_E_NOSPACE : SMZ_E_IO,
                        "writing the clusters' spool beside %s: %s", w->path, strerror(e));
        }
        done += (size_t)k;
    }
    sp->n = 0;
    return SMZ_OK;
}

/* Adds LEN bytes at the end of class KLASS's spool. */
static smz_err spool_put(smz_writer *w, int klass, const void *data, size_t len)
{
    spool *sp = &w->spools[klass];
    smz_err rc;
    if (sp->fd < 0 && (rc = beside(w, "clusters", &sp->fd, NULL)) != SMZ_OK)
        return rc;
    if (!sp->buf && !(sp->buf = malloc(SMZ_SPOOL_BUFFER)))
        return fail(w, SMZ_E_NOMEM, "out of memory");
    const unsigned char *d = data;
    while (len) {
        if (sp->n == SMZ_SPOOL_BUFFER && (rc = spool_flush(w, klass)) != SMZ_OK)
            return rc;
        size_t k = SMZ_SPOOL_BUFFER - sp->n < len ? SMZ_SPOOL_BUFFER - sp->n : len;
        memcpy(sp->buf + sp->n, d, k);
        sp->n += k;
        sp->end += k;
        d += k;
        len -= k;
    }
    return SMZ_OK;
}

static smz_err seal(smz_writer *w, int klass)
{
    job *j = w->open[klass];
    smz_err rc;
    if (!j)
        return SMZ_OK;
    if (j->nplaced && (rc = order_job(w, j)) != SMZ_OK)
        return rc;
    /* The worker reads the cluster from the file. */
    if (w->spools[klass].n && (rc = spool_flush(w, klass)) != SMZ_OK)
        return rc;
    w->open[klass] = NULL;
    j->qnext = j->snext = NULL;
    pthread_mutex_lock(&w->mu);
    if (w->qtail)
        w->qtail->qnext = j;
    else
        w->qhead = j;
    w->qtail = j;
    if (w->stail)
        w->stail->snext = j;
    else
        w->shead = j;
    w->stail = j;
    w->nsealed++;
    w->sealed_bytes += j->len;
    /* A fixed window, not one per thread: write points must not depend on
     * the thread count, or neither would the file's bytes. */
    int over = w->nsealed > SMZ_CLUSTERS_IN_FLIGHT || w->sealed_bytes > SMZ_BYTES_IN_FLIGHT;
    pthread_cond_signal(&w->work_cv);
    pthread_mutex_unlock(&w->mu);
    /* nsealed only changes on this thread, so "over" depends on input alone */
    return over ? write_oldest(w) : SMZ_OK;
}

/* Room for LEN more bytes in the open cluster of KLASS: seals a full one,
 * opens a new one.  *cid and *off say where the bytes will go. */
static smz_err reserve(smz_writer *w, int klass, size_t len, int64_t *cid, uint64_t *off)
{
    job *j = w->open[klass];
    smz_err rc;
    /* Planned halves: the first takes the entry that passes the half (sealed
     * after it, in add), so the rest fits in the second, with no third. */
    if (j && j->len > 0 && j->len + len > w->o.cluster_size && !(w->halves && klass == CLASS_DATA)) {
        if ((rc = seal(w, klass)) != SMZ_OK)
            return rc;
        j = NULL;
    }
    if (!j) {
        j = calloc(1, sizeof *j);
        if (!j)
            return fail(w, SMZ_E_NOMEM, "out of memory");
        j->cid = w->next_cid++;
        j->klass = klass;
        j->version = w->o.format_version;
        j->soff = w->spools[klass].end;
        w->open[klass] = j;
    }
    *cid = j->cid;
    *off = j->len;
    return SMZ_OK;
}

static smz_err append(smz_writer *w, int klass, const void *data, size_t len, int64_t *cid,
                      uint64_t *off)
{
    smz_err rc = reserve(w, klass, len, cid, off);
    if (rc != SMZ_OK)
        return rc;
    job *j = w->open[klass];
    if (len && (rc = spool_put(w, klass, data, len)) != SMZ_OK)
        return rc;
    j->fd = w->spools[klass].fd;
    j->len += len;
    return SMZ_OK;
}

/* Remembers that PATH's SIZE bytes lie at OFF in the open cluster of KLASS
 * (version 3's compressible clusters, which order_job re-orders). */
static smz_err remember(smz_writer *w, int klass, const char *path, uint64_t off, uint64_t size)
{
    job *j = w->open[klass];
    if (!j || j->version < 3 || klass != CLASS_DATA)
        return SMZ_OK;
    if (j->nplaced == j->placed_cap) {
        size_t cap = j->placed_cap ? 2 * j->placed_cap : 64;
        placed *np = realloc(j->placed, cap * sizeof *np);
        if (!np)
            return fail(w, SMZ_E_NOMEM, "out of memory");
        j->placed = np;
        j->placed_cap = cap;
    }
    char *p = strdup(path);
    if (!p)
        return fail(w, SMZ_E_NOMEM, "out of memory");
    j->placed[j->nplaced++] = (placed){p, off, size};
    return SMZ_OK;
}

/* PATH was added again: its earlier bytes in the open cluster, if there,
 * belong to no row any more (order_job moves them, updates nothing). */
static void forget(smz_writer *w, const char *path)
{
    job *j = w->open[CLASS_DATA];
    for (size_t i = 0; j && i < j->nplaced; i++)
        if (j->placed[i].path && !strcmp(j->placed[i].path, path)) {
            free(j->placed[i].path);
            j->placed[i].path = NULL;
        }
}

static int by_size(const void *a, const void *b)
{
    const placed *x = *(const placed *const *)a, *y = *(const placed *const *)b;
    if (x->size != y->size)
        return x->size < y->size ? -1 : 1;
    return x < y ? -1 : x > y; /* the earlier first: a total order */
}

/* Version 3 puts the smaller half of a cluster's entries first, each half
 * in the order the entries came: a read decodes a cluster from its start up
 * to the entry's end, so most reads stop early (docs/FORMAT-NOTES.md, order
 * inside a cluster).  The bytes are moved and the rows' offsets updated, on
 * the caller's thread, at the seal: a point fixed by the input alone. */
static smz_err order_job(smz_writer *w, job *j)
{
    size_t n = j->nplaced, half = n / 2;
    smz_err rc = SMZ_OK;
    if (n < 2)
        return SMZ_OK;
    placed **by = malloc(n * sizeof *by), *order = malloc(n * sizeof *order);
    unsigned char *small = malloc(n);
    if (!by || !small || !order) {
        rc = fail(w, SMZ_E_NOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        by[i] = &j->placed[i];
    qsort(by, n, sizeof *by, by_size);
    memset(small, 0, n);
    for (size_t i = 0; i < half; i++)
        small[by[i] - j->placed] = 1;
    uint64_t pos = 0;
    size_t k = 0;
    for (int pass = 1; pass >= 0; pass--)
        for (size_t i = 0; i < n; i++) {
            placed *p = &j->placed[i];
            if (small[i] != pass)
                continue;
            /* The worker reads the entries in this order (read_job). */
            order[k++] = (placed){NULL, p->off, p->size};
            if (p->path && pos != p->off) {
                sqlite3_stmt *s = w->upd_offset;
                sqlite3_bind_int64(s, 1, (sqlite3_int64)pos);
                sqlite3_bind_text(s, 2, p->path, -1, SQLITE_STATIC);
                int src = step_once(s);
                sqlite3_clear_bindings(s);
                if (src != SQLITE_DONE) {
                    rc = sqlfail(w, src, "placing an entry");
                    goto out;
                }
            }
            pos += p->size;
        }
    /* Every byte of the cluster belongs to a placed entry. */
    if (pos != j->len) {
        rc = fail(w, SMZ_E_INTERNAL, "cluster %lld: entries do not fill it", (long long)j->cid);
        goto out;
    }
    /* The paths served forget() while the cluster was open. */
    for (size_t i = 0; i < n; i++)
        free(j->placed[i].path);
    free(j->placed);
    j->placed = order;
    j->placed_cap = n;
    order = NULL;
out:
    free(by);
    free(small);
    free(order);
    return rc;
}

/* ---- public API ---- */

void smz__writer_plan(smz_writer *w, uint64_t total)
{
    if (!w || !w->auto_cluster)
        return;
    w->halves = total >= SMZ_PLAN_SPLIT_MIN && total <= SMZ_DEFAULT_CLUSTER;
    w->o.cluster_size = w->halves ? (size_t)((total + 1) / 2) : SMZ_DEFAULT_CLUSTER;
}

int smz__writer_precompressed(const char *mime)
{
    static const char *const raw[] = {
        "image/jpeg",
        "image/png",
        "image/gif",
        "image/webp",
        "image/avif",
        "font/woff2",
        "font/woff",
        "application/zip",
        "application/gzip",
        "application/x-xz",
        "application/zstd",
        "application/x-7z-compressed",
        "application/x-bzip2",
        "application/epub+zip",
        NULL,
    };
    if (!strncmp(mime, "audio/", 6) || !strncmp(mime, "video/", 6))
        return 1;
    for (size_t i = 0; raw[i]; i++)
        if (!strcmp(mime, raw[i]))
            return 1;
    return 0;
}

static int prep(smz_writer *w, sqlite3_stmt **s, const char *sql)
{
    return sqlite3_prepare_v3(w->db, sql, -1, SQLITE_PREPARE_PERSISTENT, s, NULL);
}

/* Ids past this in a base are refused: far beyond any archive's count of
 * pages, and next_id cannot overflow. */
#define SMZ_BASE_MAX_ID ((int64_t)1 << 40)

/* The documents wait in a temporary table to be indexed at the end, in the
 * order of their ids (index_deferred).  Returns SQLite's code. */
static int defer_setup(smz_writer *w)
{
    int src = sqlite3_exec(w->db,
                           "CREATE TEMP TABLE smz_base_docs(id INTEGER PRIMARY KEY, doc BLOB NOT NULL, "
                           "nl INTEGER NOT NULL, em INTEGER NOT NULL, hub INTEGER NOT NULL)",
                           NULL, NULL, NULL);
    /* Written once and read once, in order: a small cache will do. */
    if (src == SQLITE_OK)
        src = sqlite3_exec(w->db, "PRAGMA temp.cache_size=-256", NULL, NULL, NULL);
    if (src == SQLITE_OK) {
        w->deferring = 1;
        src = prep(w, &w->base_doc, "INSERT INTO temp.smz_base_docs VALUES(?, ?, ?, ?, ?)");
    }
    return src;
}

/* The document ids of BASE's index (opts.base, docs/UPDATES.md): each path
 * BASE indexed keeps its id; the others get ids after BASE's largest.  They
 * go into a temporary table of W's database (not part of the archive). */
static smz_err load_base(smz_writer *w, const char *base)
{
    sqlite3 *bdb = NULL;
    sqlite3_stmt *s = NULL, *ins = NULL;
    const char *from = "main";
    smz_err rc = SMZ_OK;
    int src, appid = 0, packed = 0, has = 0;
    if ((src = sqlite3_open_v2(base, &bdb, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL)) !=
        SQLITE_OK) {
        rc = fail(w, SMZ_E_IO, "cannot open %s: %s", base, bdb ? sqlite3_errmsg(bdb) : "out of memory");
        goto out;
    }
    if ((src = sqlite3_prepare_v2(bdb,
                                  "SELECT (SELECT application_id FROM pragma_application_id), "
                                  "(SELECT count(*) FROM sqlite_schema WHERE name = 'search_packed'), "
                                  "(SELECT count(*) FROM sqlite_schema WHERE name = 'search_text')",
                                  -1, &s, NULL)) == SQLITE_OK &&
        (src = sqlite3_step(s)) == SQLITE_ROW) {
        appid = sqlite3_column_int(s, 0);
        packed = sqlite3_column_int(s, 1);
        has = sqlite3_column_int(s, 2);
    }
    sqlite3_finalize(s);
    s = NULL;
    if (src != SQLITE_ROW || appid != SMZ_APPLICATION_ID) {
        rc = fail(w, SMZ_E_NOTARCHIVE, "%s: not an .smz archive", base);
        goto out;
    }
    if (packed) {
        if ((rc = smz__index_unpack(bdb, "main", SMZ_PACKED_SCHEMA, w->errmsg, sizeof w->errmsg)) !=
            SMZ_OK) {
            w->failed = 1;
            goto out;
        }
        from = SMZ_PACKED_SCHEMA;
    } else if (!has) {
        rc = fail(w, SMZ_E_INVALID, "%s: it has no search index whose ids to keep", base);
        goto out;
    }
    if ((src = sqlite3_exec(w->db,
                            "CREATE TEMP TABLE smz_base_ids(path TEXT PRIMARY KEY, id INTEGER NOT NULL) "
                            "WITHOUT ROWID",
                            NULL, NULL, NULL)) != SQLITE_OK ||
        (src = prep(w, &ins, "INSERT OR IGNORE INTO temp.smz_base_ids(path, id) VALUES(?, ?)")) ||
        (src = prep(w, &w->base_id, "SELECT id FROM temp.smz_base_ids WHERE path = ?")) ||
        (src = prep(w, &w->base_del, "DELETE FROM temp.smz_base_ids WHERE path = ?")) ||
        (!w->base_doc && (src = defer_setup(w)))) {
        rc = sqlfail(w, src, "reading the base's index");
        goto out;
    }
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT id, path FROM \"%s\".search_text ORDER BY id", from);
    if ((src = sqlite3_prepare_v2(bdb, sql, -1, &s, NULL)) != SQLITE_OK) {
        rc = smz__sqlite_err(bdb, src, "reading the base's index", w->errmsg, sizeof w->errmsg);
        w->failed = 1;
        goto out;
    }
    /* A path once (the lowest id wins), an id once (a damaged base's second
     * path with an id gets a new one); ids from 1 to SMZ_BASE_MAX_ID. */
    sqlite3_int64 prev = 0;
    while ((src = sqlite3_step(s)) == SQLITE_ROW) {
        sqlite3_int64 id = sqlite3_column_int64(s, 0);
        if (sqlite3_column_type(s, 0) != SQLITE_INTEGER || sqlite3_column_type(s, 1) != SQLITE_TEXT ||
            id < 1 || id > SMZ_BASE_MAX_ID) {
            rc = fail(w, SMZ_E_CORRUPT, "%s: its index has a document id out of bounds", base);
            goto out;
        }
        if (id == prev)
            continue;
        prev = id;
        sqlite3_bind_value(ins, 1, sqlite3_column_value(s, 1));
        sqlite3_bind_int64(ins, 2, id);
        if ((src = step_once(ins)) != SQLITE_DONE) {
            rc = sqlfail(w, src, "reading the base's index");
            goto out;
        }
        if (id >= w->next_id)
            w->next_id = id + 1;
    }
    if (src != SQLITE_DONE) {
        rc = smz__sqlite_err(bdb, src, "reading the base's index", w->errmsg, sizeof w->errmsg);
        w->failed = 1;
    }
out:
    sqlite3_finalize(s);
    sqlite3_finalize(ins);
    sqlite3_close(bdb);
    return rc;
}

/* Creates a hidden file ".NAME.TAG-XXXXXX" beside the target (NAME: the
 * target's file name) and sets *FD; *NAME_OUT gets its malloc'd path, or,
 * when NAME_OUT is NULL, the file is unlinked at once. */
static smz_err beside(smz_writer *w, const char *tag, int *fd, char **name_out)
{
    const char *slash = strrchr(w->path, '/');
    size_t dirlen = slash ? (size_t)(slash - w->path + 1) : 0, n = strlen(w->path) + strlen(tag) + 16;
    char *name = malloc(n);
    *fd = -1;
    if (!name)
        return fail(w, SMZ_E_NOMEM, "out of memory");
    snprintf(name, n, "%.*s.%s.%s-XXXXXX", (int)dirlen, w->path, slash ? slash + 1 : w->path, tag);
    *fd = mkstemp(name);
    int e = errno;
    if (*fd < 0 || !name_out) {
        if (*fd >= 0)
            unlink(name);
        free(name);
    } else {
        *name_out = name;
    }
    if (*fd < 0)
        return fail(w, e == ENOSPC ? SMZ_E_NOSPACE : SMZ_E_IO, "cannot create a file beside %s: %s",
                    w->path, strerror(e));
    return SMZ_OK;
}

smz_err smz_writer_scratch(smz_writer *w, int *fd)
{
    return beside(w, "spool", fd, NULL);
}

smz_err smz_writer_new(const char *path, const smz_writer_opts *opts, smz_writer **out)
{
    smz_err rc = SMZ_OK;
    int src;
    smz_writer *w = calloc(1, sizeof *w);
    *out = w;
    if (!w)
        return SMZ_E_NOMEM;
    atomic_init(&w->interrupted, 0);
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->work_cv, NULL);
    pthread_cond_init(&w->done_cv, NULL);
    if (opts)
        w->o = *opts;
    w->phase = SMZ_PHASE_READING;
    for (int k = 0; k < N_CLASSES; k++)
        w->spools[k].fd = -1;
    w->out_fd = -1;
    if (w->o.format_version == 0)
        w->o.format_version = SMZ_FORMAT_VERSION;
    if (w->o.format_version < SMZ_FORMAT_VERSION_MIN || w->o.format_version > SMZ_FORMAT_VERSION)
        return fail(w, SMZ_E_INVALID, "format version %d: this writer writes versions %d to %d",
                    w->o.format_version, SMZ_FORMAT_VERSION_MIN, SMZ_FORMAT_VERSION);
    w->auto_cluster = w->o.cluster_size == 0 && w->o.format_version >= 3;
    if (w->o.cluster_size == 0)
        w->o.cluster_size = w->o.format_version < 3 ? SMZ_DEFAULT_CLUSTER_V2 : SMZ_DEFAULT_CLUSTER;
    if (w->o.cluster_size > SMZ_MAX_CLUSTER_USIZE)
        w->o.cluster_size = SMZ_MAX_CLUSTER_USIZE;
    if (w->o.level == 0)
        w->o.level = 19;
    if (w->o.threads <= 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        w->o.threads = n > 0 ? (int)(n > 64 ? 64 : n) : 1;
    }
    w->next_cid = 1;
    w->next_id = 1;
    if (sodium_init() < 0)
        return fail(w, SMZ_E_INTERNAL, "libsodium failed to initialise");

    if (!(w->path = strdup(path)))
        return fail(w, SMZ_E_NOMEM, "out of memory");
    /* Beside the target: same filesystem, so the final rename is atomic. */
    int fd;
    if ((rc = beside(w, "partial", &fd, &w->tmp_path)) != SMZ_OK)
        return rc;
    fchmod(fd, 0644);
    close(fd);
    if ((rc = beside(w, "clusters", &w->out_fd, NULL)) != SMZ_OK)
        return rc;

    src = sqlite3_open_v2(w->tmp_path, &w->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
    if (src != SQLITE_OK)
        return sqlfail(w, src, "opening the new archive");
    sqlite3_extended_result_codes(w->db, 1);
    if ((rc = smz__db_register(w->db, w->errmsg, sizeof w->errmsg)) != SMZ_OK)
        return rc;
    char pragmas[256];
    snprintf(pragmas, sizeof pragmas,
             "PRAGMA page_size=%d; PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; "
             "PRAGMA locking_mode=EXCLUSIVE; PRAGMA cache_size=-%d; "
             "PRAGMA application_id=%d; PRAGMA user_version=%d;",
             page_size(w), SMZ_WRITER_CACHE_KIB, SMZ_APPLICATION_ID, w->o.format_version);
    if ((src = sqlite3_exec(w->db, pragmas, NULL, NULL, NULL)) != SQLITE_OK)
        return sqlfail(w, src, "setting up the new archive");
    if ((src = sqlite3_exec(w->db, "BEGIN", NULL, NULL, NULL)) != SQLITE_OK)
        return sqlfail(w, src, "starting the archive");
    int schema = w->o.no_index              ? SMZ_SCHEMA_NO_INDEX
                 : w->o.format_version >= 3 ? SMZ_SCHEMA_INDEX_OR_PACKED
                                            : SMZ_SCHEMA_INDEX;
    if ((rc = smz__schema_create(w->db, w->o.format_version, schema, w->o.stem_english, w->errmsg,
                                 sizeof w->errmsg)) != SMZ_OK)
        return w->failed = 1, rc;
    if ((src = prep(w, &w->ins_entry,
                    "INSERT INTO entries(path,title,mime,cluster,offset,size,redirect) "
                    "VALUES(?2,?3,?4,?5,?6,?7,?8)")) ||
        (src = prep(w, &w->upd_entry,
                    "UPDATE entries SET title=?3,mime=?4,cluster=?5,offset=?6,size=?7,"
                    "redirect=?8 WHERE path=?2")) ||
        (src = prep(w, &w->find_entry, "SELECT 1 FROM entries WHERE path=?")) ||
        (src = prep(w, &w->upd_offset, "UPDATE entries SET offset=?1 WHERE path=?2")) ||
        (src = prep(w, &w->ins_cluster,
                    "INSERT INTO clusters(id,kind,usize,checksum,data) VALUES(?,?,?,?,?)")) ||
        (src = prep(w, &w->find_mime, "SELECT id FROM mimetypes WHERE name=?")) ||
        (src = prep(w, &w->ins_mime, "INSERT INTO mimetypes(name) VALUES(?)")) ||
        (src = prep(w, &w->ins_large,
                    "INSERT INTO clusters(id,kind,usize,checksum,data) "
                    "VALUES(?1,0,?2,zeroblob(?3),zeroblob(?2))")) ||
        (src = prep(w, &w->page_count, "PRAGMA page_count")))
        return sqlfail(w, src, "preparing statements");
    if (!w->o.no_index &&
        ((src = prep(w, &w->ins_text, "INSERT INTO search_text(id,path) VALUES(?,?)")) ||
         (src = prep(w, &w->del_text, "DELETE FROM search_text WHERE path=?")) ||
         (src = prep(w, &w->ins_fts, "INSERT INTO search_fts(rowid,text) VALUES(?,?)")) ||
         (src = prep(w, &w->ins_title, "INSERT INTO search_title(rowid,title) VALUES(?,?)"))))
        return sqlfail(w, src, "preparing statements");
    if (!w->o.no_index && (src = smz__index_configure(w->db)) != SQLITE_OK)
        return sqlfail(w, src, "preparing statements");
    if (!w->o.no_index && w->o.base && (rc = load_base(w, w->o.base)) != SMZ_OK)
        return rc;
    /* Format 3: an index small enough to be packed is built from its
     * documents in id order at the end, which smz patch can do again
     * from the archive's pages (search/build.h); past SMZ_WRITER_DEFER_MAX
     * bytes of documents they are indexed as they come. */
    if (!w->o.no_index && w->o.format_version >= 3 && !w->base_doc && (src = defer_setup(w)))
        return sqlfail(w, src, "preparing statements");

    w->threads = calloc((size_t)w->o.threads, sizeof *w->threads);
    if (!w->threads)
        return fail(w, SMZ_E_NOMEM, "out of memory");
    for (int i = 0; i < w->o.threads; i++) {
        if (pthread_create(&w->threads[i], NULL, worker_main, w) != 0)
            break;
        w->nthreads++;
    }
    if (w->nthreads == 0)
        return fail(w, SMZ_E_INTERNAL, "cannot start a compression thread");
    return SMZ_OK;
}

const char *smz_writer_errmsg(const smz_writer *w)
{
    return w ? w->errmsg : "out of memory";
}

const char *smz_writer_partial_path(const smz_writer *w)
{
    return w ? w->tmp_path : NULL;
}

void smz_writer_interrupt(smz_writer *w)
{
    if (w)
        atomic_store(&w->interrupted, 1);
}

int smz__writer_interrupted(const smz_writer *w)
{
    return w && atomic_load(&((smz_writer *)w)->interrupted);
}

int smz__writer_lang(const smz_writer *w)
{
    return w->o.lang;
}

smz_err smz_writer_set_error(smz_writer *w, smz_err e, const char *fmt, ...)
{
    if (!w)
        return e;
    char msg[sizeof w->errmsg];
    va_list ap;
    va_start(ap, fmt);
    smz__vformat_lang(msg, sizeof msg, w->o.lang, fmt, ap);
    va_end(ap);
    memcpy(w->errmsg, msg, sizeof msg);
    return e;
}

static smz_err check_state(smz_writer *w)
{
    if (atomic_load(&w->interrupted))
        return fail(w, SMZ_E_INTERRUPTED, "interrupted");
    if (w->failed || w->finished)
        return SMZ_E_INVALID;
    return SMZ_OK;
}

smz_err smz_writer_set_signer(smz_writer *w, const smz_seckey *sk)
{
    smz_err rc = check_state(w);
    if (rc == SMZ_OK)
        w->signer = sk;
    return rc;
}

smz_err smz_writer_set_meta(smz_writer *w, const char *key, const void *value, size_t len)
{
    smz_err rc = check_state(w);
    if (rc != SMZ_OK)
        return rc;
    if (!key[0] || strlen(key) > 64 || len > SMZ_MAX_META_VALUE)
        return fail(w, SMZ_E_INVALID, "metadata %.64s: key or value too long", key);
    sqlite3_stmt *s;
    int src = sqlite3_prepare_v2(w->db, "INSERT OR REPLACE INTO metadata(key,value) VALUES(?,?)", -1, &s,
                                 NULL);
    if (src == SQLITE_OK) {
        sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
        sqlite3_bind_blob(s, 2, len ? value : "", (int)len, SQLITE_STATIC);
        src = sqlite3_step(s);
        sqlite3_finalize(s);
    }
    return src == SQLITE_DONE || src == SQLITE_OK ? SMZ_OK : sqlfail(w, src, "writing metadata");
}

static smz_err mime_id(smz_writer *w, const char *mime, int64_t *id)
{
    sqlite3_stmt *s = w->find_mime;
    sqlite3_bind_text(s, 1, mime, -1, SQLITE_STATIC);
    int src = sqlite3_step(s);
    if (src == SQLITE_ROW)
        *id = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    if (src == SQLITE_ROW)
        return SMZ_OK;
    s = w->ins_mime;
    sqlite3_bind_text(s, 1, mime, -1, SQLITE_STATIC);
    src = step_once(s);
    if (src != SQLITE_DONE)
        return sqlfail(w, src, "writing a MIME type");
    *id = sqlite3_last_insert_rowid(w->db);
    return SMZ_OK;
}

int smz_writer_has(smz_writer *w, const char *path)
{
    sqlite3_bind_text(w->find_entry, 1, path, -1, SQLITE_STATIC);
    return step_once(w->find_entry) == SQLITE_ROW;
}

/* Inserts or (on a path clash: the later one wins) replaces an entry row. */
static void forget_icon(smz_writer *w, const char *path)
{
    for (size_t i = 0; i < w->nicons; i++)
        if (!strcmp(w->icons[i].path, path)) {
            free(w->icons[i].path);
            w->icons[i] = w->icons[--w->nicons];
            return;
        }
}

/* Entry E was added: a 48x48 PNG becomes a candidate to hold the
 * illustration (version 3).  Out of memory is an error, not a lost saving:
 * the archive must not depend on it. */
static smz_err note_icon(smz_writer *w, const smz_writer_entry *e)
{
    if (w->o.format_version < 3 || w->nicons == SMZ_ICONS_MAX || !smz__png_48(e->data, e->size))
        return SMZ_OK;
    icon *c = &w->icons[w->nicons];
    if (!(c->path = strdup(e->path)))
        return fail(w, SMZ_E_NOMEM, "out of memory");
    crypto_generichash(c->hash, sizeof c->hash, e->data, e->size, NULL, 0);
    w->nicons++;
    return SMZ_OK;
}

/* Version 3: when a content entry holds the illustration's very bytes, the
 * metadata names that entry instead of holding them again (docs/FORMAT.md,
 * metadata): 4 KB of a small archive.  Among several such entries the first
 * path bytewise, so the archive does not depend on the order of adds. */
static smz_err illustration_once(smz_writer *w)
{
    sqlite3_stmt *s = NULL;
    unsigned char hash[32];
    const char *best = NULL;
    int src;
    if (!w->nicons)
        return SMZ_OK;
    if ((src = sqlite3_prepare_v2(w->db, "SELECT value FROM metadata WHERE key = ?", -1, &s, NULL)) !=
        SQLITE_OK)
        return sqlfail(w, src, "reading metadata");
    sqlite3_bind_text(s, 1, SMZ_META_ILLUSTRATION, -1, SQLITE_STATIC);
    if ((src = sqlite3_step(s)) == SQLITE_ROW) {
        const void *v = sqlite3_column_blob(s, 0);
        size_t n = (size_t)sqlite3_column_bytes(s, 0);
        if (!v && sqlite3_errcode(w->db) == SQLITE_NOMEM) {
            sqlite3_finalize(s);
            return fail(w, SMZ_E_NOMEM, "out of memory");
        }
        if (smz__png_48(v, n)) {
            crypto_generichash(hash, sizeof hash, v, n, NULL, 0);
            for (size_t i = 0; i < w->nicons; i++)
                if (!memcmp(w->icons[i].hash, hash, sizeof hash) &&
                    (!best || strcmp(w->icons[i].path, best) < 0))
                    best = w->icons[i].path;
        }
    }
    sqlite3_finalize(s);
    if (src != SQLITE_ROW && src != SQLITE_DONE)
        return sqlfail(w, src, "reading metadata");
    if (!best)
        return SMZ_OK;
    size_t pn = strlen(best);
    char *ref = malloc(SMZ_ILLUSTRATION_REF_LEN + pn);
    if (!ref)
        return fail(w, SMZ_E_NOMEM, "out of memory");
    memcpy(ref, SMZ_ILLUSTRATION_REF, SMZ_ILLUSTRATION_REF_LEN);
    memcpy(ref + SMZ_ILLUSTRATION_REF_LEN, best, pn);
    smz_err rc = smz_writer_set_meta(w, SMZ_META_ILLUSTRATION, ref, SMZ_ILLUSTRATION_REF_LEN + pn);
    free(ref);
    return rc;
}

static smz_err put_row(smz_writer *w, const char *path, const char *title, int64_t mime, int64_t cid,
                       uint64_t off, uint64_t size, const char *redirect)
{
    int old = smz_writer_has(w, path);
    sqlite3_stmt *s = old ? w->upd_entry : w->ins_entry;
    if (old) {
        warnf(w, "%s: added twice; the later one wins", path);
        forget(w, path);
        forget_icon(w, path);
        if (w->del_text) { /* its index rows stay, but no longer join to a path */
            sqlite3_bind_text(w->del_text, 1, path, -1, SQLITE_STATIC);
            sqlite3_step(w->del_text);
            sqlite3_reset(w->del_text);
        }
    }
    sqlite3_bind_text(s, 2, path, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, title ? title : "", -1, SQLITE_STATIC);
    if (redirect) {
        sqlite3_bind_null(s, 4);
        sqlite3_bind_null(s, 5);
        sqlite3_bind_null(s, 6);
        sqlite3_bind_null(s, 7);
        sqlite3_bind_text(s, 8, redirect, -1, SQLITE_STATIC);
    } else {
        sqlite3_bind_int64(s, 4, mime);
        sqlite3_bind_int64(s, 5, cid);
        sqlite3_bind_int64(s, 6, (sqlite3_int64)off);
        sqlite3_bind_int64(s, 7, (sqlite3_int64)size);
        sqlite3_bind_null(s, 8);
    }
    int src = step_once(s);
    sqlite3_clear_bindings(s);
    if (src != SQLITE_DONE)
        return sqlfail(w, src, "writing an entry");
    return SMZ_OK;
}

static int text_ok(const char *t)
{
    return !t || (strlen(t) <= SMZ_MAX_TITLE);
}

static smz_err read_memory(smz_writer *w, void *ctx, uint64_t off, void *buf, size_t n)
{
    (void)w;
    memcpy(buf, (const unsigned char *)ctx + off, n);
    return SMZ_OK;
}

static smz_err index_entry(smz_writer *w, const smz_writer_entry *e);

/* The writer's state, then what every entry must be (path, MIME type, title). */
static smz_err check_entry(smz_writer *w, const smz_writer_entry *e)
{
    smz_err rc = check_state(w);
    if (rc != SMZ_OK)
        return rc;
    if (!e->path || !smz_path_valid(e->path))
        return fail(w, SMZ_E_INVALID, "invalid entry path: %.200s", e->path ? e->path : "(null)");
    if (!e->mime || !e->mime[0] || strlen(e->mime) > SMZ_MAX_MIME || !text_ok(e->title))
        return fail(w, SMZ_E_INVALID, "%s: bad MIME type or title", e->path);
    return SMZ_OK;
}

/* A large entry goes into a cluster row of its own made of zeros
 * (zeroblob: SQLite writes its pages without holding it in memory), then
 * the bytes are written over them through one blob handle, which keeps its
 * place in the overflow chain from piece to piece; the checksum, computed on
 * the way, is written over its 16 zeros last.  The row is written when the
 * entry is added, a point fixed by the input alone, like every other write. */
smz_err smz_writer_add_stream(smz_writer *w, const smz_writer_entry *e, smz_writer_read_fn read,
                              void *ctx)
{
    smz_err rc = check_entry(w, e);
    int64_t mime = 0, cid;
    sqlite3_blob *b = NULL;
    unsigned char *buf = NULL, ck[SMZ_CHECKSUM_BYTES], *checks = NULL;
    crypto_generichash_state h;
    int src, v3 = w->o.format_version >= 3;
    uint64_t checks_len = smz__checks_size(e->size);
    if (rc != SMZ_OK)
        return rc;
    if (e->size > SMZ_WRITER_MAX_ENTRY)
        return fail(w, SMZ_E_TOOBIG, "%s: %zu bytes is over the %u-byte entry limit", e->path, e->size,
                    SMZ_WRITER_MAX_ENTRY);
    if ((rc = check_room(w, e->size)) != SMZ_OK || (rc = mime_id(w, e->mime, &mime)) != SMZ_OK)
        return rc;
    if (!(buf = malloc(SMZ_STREAM_PIECE)) || (v3 && !(checks = malloc(checks_len + 1)))) {
        free(buf);
        return fail(w, SMZ_E_NOMEM, "out of memory");
    }
    cid = w->next_cid++;
    sqlite3_bind_int64(w->ins_large, 1, cid);
    sqlite3_bind_int64(w->ins_large, 2, (sqlite3_int64)e->size);
    sqlite3_bind_int64(w->ins_large, 3, v3 ? (sqlite3_int64)checks_len : SMZ_CHECKSUM_BYTES);
    src = step_once(w->ins_large);
    if (src != SQLITE_DONE) {
        rc = sqlfail(w, src, "writing a cluster");
        goto out;
    }
    if ((src = sqlite3_blob_open(w->db, "main", "clusters", "data", cid, 1, &b)) != SQLITE_OK) {
        rc = sqlfail(w, src, "writing a cluster");
        goto out;
    }
    crypto_generichash_init(&h, NULL, 0, SMZ_CHECKSUM_BYTES);
    for (size_t off = 0; off < e->size; off += SMZ_STREAM_PIECE) {
        size_t n = e->size - off < SMZ_STREAM_PIECE ? e->size - off : SMZ_STREAM_PIECE;
        if (atomic_load(&w->interrupted)) {
            rc = fail(w, SMZ_E_INTERRUPTED, "interrupted");
            goto out;
        }
        if ((rc = read(w, ctx, off, buf, n)) != SMZ_OK) {
            w->failed = 1;
            goto out;
        }
        /* Pieces are whole chunks (SMZ_STREAM_PIECE is a multiple of
         * SMZ_CHUNK) but for the last. */
        if (v3)
            smz__checks_put(buf, n, off / SMZ_CHUNK, checks + off / SMZ_CHUNK * SMZ_CHUNK_CHECK);
        else
            crypto_generichash_update(&h, buf, n);
        if ((src = sqlite3_blob_write(b, buf, (int)n, (int)off)) != SQLITE_OK) {
            rc = sqlfail(w, src, "writing a cluster");
            goto out;
        }
    }
    if (!v3)
        crypto_generichash_final(&h, ck, sizeof ck);
    src = sqlite3_blob_close(b);
    b = NULL;
    if (src != SQLITE_OK ||
        (src = sqlite3_blob_open(w->db, "main", "clusters", "checksum", cid, 1, &b)) != SQLITE_OK ||
        (src = v3 ? sqlite3_blob_write(b, checks, (int)checks_len, 0)
                  : sqlite3_blob_write(b, ck, sizeof ck, 0)) != SQLITE_OK) {
        rc = sqlfail(w, src, "writing a cluster");
        goto out;
    }
    w->large_clusters++;
    w->st.clusters++;
    w->st.cluster_bytes += e->size;
    if ((rc = put_row(w, e->path, e->title, mime, cid, 0, e->size, NULL)) != SMZ_OK)
        goto out;
    smz_writer_entry titled = *e;
    titled.text = NULL;
    titled.text_len = 0;
    if ((rc = index_entry(w, &titled)) != SMZ_OK || (rc = check_room(w, 0)) != SMZ_OK)
        goto out;
    w->st.entries++;
    w->st.input_bytes += e->size;
    pthread_mutex_lock(&w->mu);
    w->compressed += e->size; /* stored as it is */
    pthread_mutex_unlock(&w->mu);
    report(w);
out:
    sqlite3_blob_close(b);
    free(buf);
    free(checks);
    return rc;
}

/* Indexes document ID (search/build.h). */
static smz_err fts_insert(smz_writer *w, int64_t id, const char *all, size_t total, size_t nl, int em,
                          int hub)
{
    if (!w->tok && !(w->tok = smz__tokenizer_settings(w->db)))
        return fail(w, SMZ_E_INTERNAL, "cannot set up the search tokenizer");
    int src = smz__index_insert(w->tok, w->ins_fts, w->ins_title, id, all, total, nl, em, hub);
    if (src != SQLITE_DONE)
        return sqlfail(w, src, "indexing text");
    return SMZ_OK;
}

/* With a base (opts.base), the documents are indexed at the end in the
 * order of their ids, not as they come: FTS5 starts a new segment whenever
 * an id is not above the last, and the merged index would take another
 * segment id than the base's, which changes every key of its data
 * (docs/UPDATES.md).  Nothing else may write in between (a statement that
 * writes, even to a temporary table, makes FTS5 write out what it holds):
 * then the segments are those of the pages coming in id order as added. */
static smz_err index_deferred(smz_writer *w)
{
    sqlite3_stmt *s = NULL;
    smz_err rc = SMZ_OK;
    sqlite3_finalize(w->base_doc);
    w->base_doc = NULL;
    int src = sqlite3_prepare_v2(w->db,
                                 "SELECT id, doc, nl, em, hub FROM temp.smz_base_docs ORDER BY id", -1,
                                 &s, NULL);
    while (src == SQLITE_OK && (src = sqlite3_step(s)) == SQLITE_ROW && rc == SMZ_OK) {
        rc = fts_insert(w, sqlite3_column_int64(s, 0), sqlite3_column_blob(s, 1),
                        (size_t)sqlite3_column_bytes(s, 1), (size_t)sqlite3_column_int64(s, 2),
                        sqlite3_column_int(s, 3), sqlite3_column_int(s, 4));
        src = SQLITE_OK;
    }
    sqlite3_finalize(s);
    if (rc == SMZ_OK && src != SQLITE_DONE)
        rc = sqlfail(w, src, "indexing text");
    return rc;
}

/* Drops the documents' table once they are indexed: after the index is
 * optimised at the end, since a write makes FTS5 write out what it holds
 * (with the leaf size it had: search/build.h). */
static smz_err drop_deferred(smz_writer *w)
{
    int src;
    if (!w->deferring)
        return SMZ_OK;
    w->deferring = 0;
    if ((src = sqlite3_exec(w->db, "DROP TABLE temp.smz_base_docs", NULL, NULL, NULL)) != SQLITE_OK)
        return sqlfail(w, src, "indexing text");
    return SMZ_OK;
}

/* Gives entry E (already in the entry table) its search rows: its title and
 * text, when it has either. */
static smz_err index_entry(smz_writer *w, const smz_writer_entry *e)
{
    int64_t id;
    if (w->index_from)
        return SMZ_OK; /* copied whole at the end */
    if (w->ins_fts && !e->unindexed && (e->text || (e->title && e->title[0]))) {
        size_t tl = e->text ? e->text_len : 0;
        int src;
        id = 0;
        if (w->base_id) { /* BASE's id for this path, once (a path added twice gets a new one) */
            sqlite3_bind_text(w->base_id, 1, e->path, -1, SQLITE_STATIC);
            src = sqlite3_step(w->base_id);
            if (src == SQLITE_ROW)
                id = sqlite3_column_int64(w->base_id, 0);
            sqlite3_reset(w->base_id);
            if (src != SQLITE_ROW && src != SQLITE_DONE)
                return sqlfail(w, src, "writing the search row");
            sqlite3_bind_text(w->base_del, 1, e->path, -1, SQLITE_STATIC);
            if ((src = step_once(w->base_del)) != SQLITE_DONE)
                return sqlfail(w, src, "writing the search row");
        }
        if (!id)
            id = w->next_id++;
        sqlite3_stmt *s = w->ins_text;
        sqlite3_bind_int64(s, 1, id);
        sqlite3_bind_text(s, 2, e->path, -1, SQLITE_STATIC);
        src = step_once(s);
        if (src != SQLITE_DONE)
            return sqlfail(w, src, "writing the search row");
        char *all;
        size_t total, nl;
        int em;
        if (smz__index_compose(e->title, e->text, tl, e->emphasis, e->emphasis_len, &all, &total, &nl,
                               &em) != SMZ_OK)
            return fail(w, SMZ_E_NOMEM, "out of memory");
        smz_err rc = SMZ_OK;
        if (w->base_doc) { /* indexed at the end, in id order (index_deferred) */
            s = w->base_doc;
            sqlite3_bind_int64(s, 1, id);
            sqlite3_bind_blob(s, 2, all, (int)total, SQLITE_STATIC);
            sqlite3_bind_int64(s, 3, (sqlite3_int64)nl);
            sqlite3_bind_int(s, 4, em);
            sqlite3_bind_int(s, 5, e->hub);
            if ((src = step_once(s)) != SQLITE_DONE)
                rc = sqlfail(w, src, "indexing text");
            else if (!w->base_id &&
                     (w->deferred += total) >
                         (w->o.index_defer_max ? w->o.index_defer_max : SMZ_WRITER_DEFER_MAX) &&
                     (rc = index_deferred(w)) == SMZ_OK)
                rc = drop_deferred(w);
        } else
            rc = fts_insert(w, id, all, total, nl, em, e->hub);
        free(all);
        return rc;
    }
    return SMZ_OK;
}

smz_err smz_writer_add(smz_writer *w, const smz_writer_entry *e)
{
    smz_err rc = check_entry(w, e);
    int64_t mime = 0, cid = 0;
    uint64_t off = 0;
    if (rc != SMZ_OK)
        return rc;
    if (e->size > SMZ_WRITER_LARGE_ENTRY && e->size <= SMZ_WRITER_MAX_ENTRY)
        return smz_writer_add_stream(w, e, read_memory, (void *)e->data);
    if (e->size > SMZ_WRITER_MAX_ENTRY)
        return fail(w, SMZ_E_TOOBIG, "%s: %zu bytes is over the %u-byte entry limit", e->path, e->size,
                    SMZ_WRITER_MAX_ENTRY);
    if ((rc = mime_id(w, e->mime, &mime)) != SMZ_OK)
        return rc;
    int klass = smz__writer_precompressed(e->mime) ? CLASS_RAW : CLASS_DATA;
    if (e->size > SMZ_MAX_CLUSTER_USIZE)
        klass = CLASS_RAW;
    if (e->size >= w->o.cluster_size && w->open[klass] && w->open[klass]->len > 0 &&
        (rc = seal(w, klass)) != SMZ_OK) /* a big entry gets a cluster of its own */
        return rc;
    if ((rc = append(w, klass, e->data, e->size, &cid, &off)) != SMZ_OK)
        return rc;
    if ((rc = put_row(w, e->path, e->title, mime, cid, off, e->size, NULL)) != SMZ_OK ||
        (rc = remember(w, klass, e->path, off, e->size)) != SMZ_OK || (rc = note_icon(w, e)) != SMZ_OK)
        return rc;
    /* An entry that fills a cluster by itself need not wait for the next
     * (sealed once its row is there: order_job updates rows). */
    if (w->open[klass]->len >= w->o.cluster_size && (rc = seal(w, klass)) != SMZ_OK)
        return rc;
    if ((rc = index_entry(w, e)) != SMZ_OK)
        return rc;
    w->st.entries++;
    w->st.input_bytes += e->size;
    report(w);
    return SMZ_OK;
}

smz_err smz_writer_add_redirect(smz_writer *w, const char *path, const char *title, const char *target)
{
    smz_err rc = check_state(w);
    if (rc != SMZ_OK)
        return rc;
    if (!smz_path_valid(path) || !smz_path_valid(target) || !text_ok(title))
        return fail(w, SMZ_E_INVALID, "invalid redirect %.200s -> %.200s", path, target);
    if (!strcmp(path, target))
        return fail(w, SMZ_E_INVALID, "redirect %.200s points to itself", path);
    if ((rc = put_row(w, path, title, 0, 0, 0, 0, target)) != SMZ_OK)
        return rc;
    w->st.redirects++;
    return SMZ_OK;
}

static smz_err meta_default(smz_writer *w, const char *key, const char *value)
{
    sqlite3_stmt *s;
    int src = sqlite3_prepare_v2(w->db, "INSERT OR IGNORE INTO metadata(key,value) VALUES(?,?)", -1, &s,
                                 NULL);
    if (src == SQLITE_OK) {
        sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
        sqlite3_bind_blob(s, 2, value, (int)strlen(value), SQLITE_STATIC);
        src = sqlite3_step(s);
        sqlite3_finalize(s);
    }
    return src == SQLITE_DONE ? SMZ_OK : sqlfail(w, src, "writing metadata");
}

/* Drops redirects whose target does not exist, with a warning each. */
static smz_err prune_redirects(smz_writer *w)
{
    sqlite3_stmt *s;
    int src;
    for (int round = 0; round < SMZ_MAX_REDIRECTS; round++) {
        int dropped = 0;
        src = sqlite3_prepare_v2(w->db,
                                 "SELECT path, path, redirect FROM entries e WHERE redirect IS NOT NULL "
                                 "AND NOT EXISTS (SELECT 1 FROM entries t WHERE t.path = e.redirect)",
                                 -1, &s, NULL);
        if (src != SQLITE_OK)
            return sqlfail(w, src, "checking redirects");
        while ((src = sqlite3_step(s)) == SQLITE_ROW) {
            warnf(w, "redirect %s -> %s: no such target; left out", sqlite3_column_text(s, 1),
                  sqlite3_column_text(s, 2));
            dropped++;
        }
        sqlite3_finalize(s);
        if (src != SQLITE_DONE)
            return sqlfail(w, src, "checking redirects");
        if (!dropped)
            break;
        src = sqlite3_exec(w->db,
                           "DELETE FROM entries WHERE redirect IS NOT NULL AND NOT EXISTS "
                           "(SELECT 1 FROM entries t WHERE t.path = entries.redirect)",
                           NULL, NULL, NULL);
        if (src != SQLITE_OK)
            return sqlfail(w, src, "dropping redirects");
        w->st.redirects -= (uint64_t)dropped;
    }
    return SMZ_OK;
}

static void stop_workers(smz_writer *w)
{
    if (!w->threads)
        return;
    pthread_mutex_lock(&w->mu);
    w->stopping = 1;
    pthread_cond_broadcast(&w->work_cv);
    pthread_mutex_unlock(&w->mu);
    for (int i = 0; i < w->nthreads; i++)
        pthread_join(w->threads[i], NULL);
    free(w->threads);
    w->threads = NULL;
    w->nthreads = 0;
}

static void close_db(smz_writer *w)
{
    sqlite3_stmt **all[] = {&w->ins_entry,  &w->upd_entry, &w->find_entry, &w->ins_cluster,
                            &w->ins_mime,   &w->find_mime, &w->ins_text,   &w->ins_fts,
                            &w->ins_title,  &w->del_text,  &w->ins_large,  &w->page_count,
                            &w->upd_offset, &w->base_id,   &w->base_del,   &w->base_doc};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        sqlite3_finalize(*all[i]);
        *all[i] = NULL;
    }
    if (w->db)
        sqlite3_close(w->db);
    w->db = NULL;
}

smz_err smz__writer_copy_index(smz_writer *w, const char *archive)
{
    smz_err rc = check_state(w);
    if (rc != SMZ_OK)
        return rc;
    if (!w->ins_fts)
        return fail(w, SMZ_E_INVALID, "an archive without index cannot take one");
    free(w->index_from);
    if (!(w->index_from = strdup(archive)))
        return fail(w, SMZ_E_NOMEM, "out of memory");
    return SMZ_OK;
}

/* The search tables of w->index_from, row for row, in place of the empty
 * ones of this archive (which must have the same tokenizer: the index's
 * tokens are its).  Their SQL is pinned by the format, so the same names
 * and columns hold in both. */
static smz_err copy_index(smz_writer *w)
{
    static const char *const tables[] = {
        "search_text",        "search_fts_data",      "search_fts_idx",
        "search_fts_docsize", "search_fts_config",    "search_title_data",
        "search_title_idx",   "search_title_docsize", "search_title_config",
    };
    char *sql = NULL;
    sqlite3_stmt *s = NULL;
    int src, same = 0;
    smz_err rc = SMZ_OK;
    src = sqlite3_prepare_v2(w->db, "ATTACH ?1 AS src", -1, &s, NULL);
    if (src == SQLITE_OK) {
        sqlite3_bind_text(s, 1, w->index_from, -1, SQLITE_STATIC);
        src = sqlite3_step(s) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(w->db);
    }
    sqlite3_finalize(s);
    s = NULL;
    if (src != SQLITE_OK) {
        return sqlfail(w, src, "opening the index to copy");
    }
    /* A packed index (lib/search/packed.h) is copied from its tables. */
    const char *from = "src";
    src = sqlite3_prepare_v2(w->db, "SELECT 1 FROM src.sqlite_schema WHERE name = 'search_packed'", -1,
                             &s, NULL);
    if (src == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW) {
        sqlite3_finalize(s);
        s = NULL;
        if ((rc = smz__index_unpack(w->db, "src", SMZ_PACKED_SCHEMA, w->errmsg, sizeof w->errmsg)) !=
            SMZ_OK)
            return w->failed = 1, rc;
        w->index_unpacked = 1;
        from = SMZ_PACKED_SCHEMA;
    }
    sqlite3_finalize(s);
    s = NULL;
    sql = sqlite3_mprintf("SELECT count(*) FROM main.sqlite_schema m JOIN %s.sqlite_schema s "
                          "ON s.name = m.name AND s.sql = m.sql WHERE m.name IN ('search_fts', "
                          "'search_title', 'search_text')",
                          from);
    if (!sql)
        return fail(w, SMZ_E_NOMEM, "out of memory");
    src = sqlite3_prepare_v2(w->db, sql, -1, &s, NULL);
    sqlite3_free(sql);
    sql = NULL;
    if (src == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
        same = sqlite3_column_int(s, 0) == 3;
    sqlite3_finalize(s);
    if (!same) {
        rc = fail(w, SMZ_E_INVALID, "%s: its index is not one this archive can take (another tokenizer)",
                  w->index_from);
        return rc;
    }
    for (size_t i = 0; i < sizeof tables / sizeof tables[0] && rc == SMZ_OK; i++) {
        sql = sqlite3_mprintf("DELETE FROM main.%s; INSERT INTO main.%s SELECT * FROM %s.%s", tables[i],
                              tables[i], from, tables[i]);
        if (!sql)
            rc = fail(w, SMZ_E_NOMEM, "out of memory");
        else if ((src = sqlite3_exec(w->db, sql, NULL, NULL, NULL)) != SQLITE_OK)
            rc = sqlfail(w, src, "copying the index");
        sqlite3_free(sql);
    }
    /* Detached after the COMMIT (SQLite does not detach inside a
     * transaction); on failure the connection is closed anyway. */
    return rc;
}

/* VACUUM with pages of SIZE bytes (0: the current size, PAGE_BYTES), and
 * *BYTES the database's size after it.  A failed step is an error, never a
 * size of 0: a big archive must not be taken for a small one when memory
 * runs short. */
static smz_err vacuum_at(smz_writer *w, int size, int page_bytes, uint64_t *bytes)
{
    char sql[64];
    int src;
    snprintf(sql, sizeof sql, size ? "PRAGMA page_size=%d; VACUUM" : "VACUUM", size);
    if ((src = sqlite3_exec(w->db, sql, NULL, NULL, NULL)) != SQLITE_OK)
        return sqlfail(w, src, "compacting the archive");
    if ((src = sqlite3_step(w->page_count)) != SQLITE_ROW) {
        sqlite3_reset(w->page_count);
        return sqlfail(w, src, "compacting the archive");
    }
    *bytes = (uint64_t)sqlite3_column_int64(w->page_count, 0) * (uint64_t)(size ? size : page_bytes);
    sqlite3_reset(w->page_count);
    return SMZ_OK;
}

/* Copies the database without its free space (VACUUM).  A small archive
 * (version 3) gets the page size that makes it smallest: every table and
 * index takes at least one page, so a collection of a few articles is
 * mostly empty pages at 4096 bytes (docs/FORMAT-NOTES.md, small archives).
 * Each other size is tried in turn (a VACUUM of under SMZ_SMALL_ARCHIVE
 * bytes takes a millisecond or so), the smallest kept, the first one on a
 * tie. */
#define SMZ_SMALL_ARCHIVE ((uint64_t)1 << 20)
static smz_err compact(smz_writer *w)
{
    static const int sizes[] = {4096, 2048, 1024, 512};
    int best = page_size(w), last = best;
    uint64_t best_bytes, bytes;
    smz_err rc = vacuum_at(w, 0, best, &best_bytes);
    if (rc != SMZ_OK || w->o.format_version < 3 || best_bytes > SMZ_SMALL_ARCHIVE)
        return rc;
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        if (sizes[i] == page_size(w))
            continue;
        if ((rc = vacuum_at(w, sizes[i], 0, &bytes)) != SMZ_OK)
            return rc;
        last = sizes[i];
        if (bytes < best_bytes) {
            best_bytes = bytes;
            best = sizes[i];
        }
    }
    return best == last ? SMZ_OK : vacuum_at(w, best, 0, &bytes);
}

static smz_err sync_path(smz_writer *w, const char *p, int dir)
{
    int fd = open(p, (dir ? O_RDONLY | O_DIRECTORY : O_RDWR) | O_CLOEXEC);
    if (fd < 0)
        return fail(w, SMZ_E_IO, "cannot open %s: %s", p, strerror(errno));
    int r = fsync(fd);
    int e = errno;
    close(fd);
    if (r != 0 && !(dir && (e == EINVAL || e == EBADF)))
        return fail(w, e == ENOSPC ? SMZ_E_NOSPACE : SMZ_E_IO, "cannot sync %s: %s", p, strerror(e));
    return SMZ_OK;
}

/* Opens the closed archive again (compact() and store_digest() write it). */
static smz_err reopen_db(smz_writer *w)
{
    char pragmas[128];
    snprintf(pragmas, sizeof pragmas,
             "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-%d;",
             SMZ_WRITER_CACHE_KIB);
    int src = sqlite3_open_v2(w->tmp_path, &w->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
    if (src == SQLITE_OK)
        src = sqlite3_exec(w->db, pragmas, NULL, NULL, NULL);
    if (src == SQLITE_OK)
        src = sqlite3_prepare_v2(w->db, "PRAGMA page_count", -1, &w->page_count, NULL);
    if (src != SQLITE_OK)
        return sqlfail(w, src, "reopening the new archive");
    sqlite3_extended_result_codes(w->db, 1);
    return smz__db_register(w->db, w->errmsg, sizeof w->errmsg);
}

/* Reads the written file back with the reader to compute the content
 * digest: a self-check of the archive as well. */
static smz_err store_digest(smz_writer *w)
{
    unsigned char d[SMZ_DIGEST_BYTES];
    char hex[SMZ_DIGEST_BYTES * 2 + 1], uuid[37];
    smz_reader *r = NULL;
    smz_err rc = smz_reader_open(w->tmp_path, NULL, &r);
    if (rc == SMZ_OK)
        rc = smz_reader_digest(r, d);
    if (rc != SMZ_OK) {
        fail(w, rc, "reading the new archive back failed: %s",
             r ? smz_reader_errmsg(r) : smz_strerror(rc));
        smz_reader_close(r);
        return rc;
    }
    smz_reader_close(r);
    sodium_bin2hex(hex, sizeof hex, d, sizeof d);
    /* UUID: the digest's first 16 bytes as a version-8 (custom) UUID. */
    smz__uuid_from_digest(d, uuid);
    if ((rc = reopen_db(w)) != SMZ_OK)
        return rc;
    if ((rc = smz_writer_set_meta(w, SMZ_META_DIGEST, hex, strlen(hex))) != SMZ_OK ||
        (rc = smz_writer_set_meta(w, SMZ_META_UUID, uuid, strlen(uuid))) != SMZ_OK)
        return rc;
    close_db(w);
    return SMZ_OK;
}

/* Merges each full-text table into one segment (search/build.h). */
static smz_err optimize_index(smz_writer *w)
{
    int src = smz__index_optimize(w->db);
    if (src != SQLITE_OK)
        return sqlfail(w, src, "optimising the index");
    return SMZ_OK;
}

smz_err smz_writer_finish(smz_writer *w)
{
    smz_err rc = check_state(w);
    int src;
    if (rc != SMZ_OK)
        return rc;
    enter_phase(w, SMZ_PHASE_COMPRESSING);
    if (w->open[CLASS_DATA])
        w->open[CLASS_DATA]->last = 1;
    for (int k = 0; k < N_CLASSES; k++)
        if ((rc = seal(w, k)) != SMZ_OK)
            return rc;
    while (w->shead) {
        if (atomic_load(&w->interrupted))
            return fail(w, SMZ_E_INTERRUPTED, "interrupted");
        if ((rc = write_oldest(w)) != SMZ_OK)
            return rc;
    }
    stop_workers(w);
    if ((rc = prune_redirects(w)) != SMZ_OK)
        return rc;
    /* Name defaults to the file name without .smz, made to follow the
     * Name rule (docs/FORMAT.md): up to 64 of [A-Za-z0-9._-], other bytes
     * as '_', not starting with '.'. */
    const char *base = strrchr(w->path, '/');
    base = base ? base + 1 : w->path;
    char name[256];
    snprintf(name, sizeof name, "%s", base);
    size_t nl = strlen(name);
    if (nl > 4 && !strcmp(name + nl - 4, ".smz"))
        name[nl -= 4] = 0;
    if (nl > 64)
        name[nl = 64] = 0;
    for (size_t i = 0; i < nl; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
              c == '_' || (c == '.' && i > 0)))
            name[i] = '_';
    }
    if (!nl)
        snprintf(name, sizeof name, "archive");
    if ((rc = meta_default(w, "Name", name)) != SMZ_OK || (rc = illustration_once(w)) != SMZ_OK)
        return rc;
    if (w->o.progress)
        sqlite3_progress_handler(w->db, 10000, heartbeat, w);
    if (w->ins_fts)
        enter_phase(w, SMZ_PHASE_INDEXING);
    if (w->index_from && (rc = copy_index(w)) != SMZ_OK)
        return rc;
    if (w->base_doc && (rc = index_deferred(w)) != SMZ_OK)
        return rc;
    if (w->ins_fts && !w->index_from && (rc = optimize_index(w)) != SMZ_OK)
        return rc;
    if ((rc = drop_deferred(w)) != SMZ_OK)
        return rc;
    enter_phase(w, SMZ_PHASE_WRITING);
    if (w->o.format_version >= 3 &&
        (rc = smz__entries_pack(w->db, w->o.level, w->o.lang, w->errmsg, sizeof w->errmsg)) != SMZ_OK)
        return w->failed = 1, rc;
    if ((src = sqlite3_exec(w->db, "COMMIT", NULL, NULL, NULL)) != SQLITE_OK)
        return sqlfail(w, src, "committing the archive");
    if (w->index_from && (src = sqlite3_exec(w->db, "DETACH src", NULL, NULL, NULL)) != SQLITE_OK)
        return sqlfail(w, src, "copying the index");
    if (w->index_unpacked &&
        (src = sqlite3_exec(w->db, "DETACH " SMZ_PACKED_SCHEMA, NULL, NULL, NULL)) != SQLITE_OK)
        return sqlfail(w, src, "copying the index");
    /* A small index goes into one compressed row (lib/search/packed.h). */
    if (w->o.format_version >= 3 && w->ins_fts && !w->large_clusters) {
        sqlite3_stmt **on_index[] = {&w->ins_text, &w->ins_fts,  &w->ins_title, &w->del_text,
                                     &w->base_id,  &w->base_del, &w->base_doc};
        int packed;
        for (size_t i = 0; i < sizeof on_index / sizeof on_index[0]; i++) {
            sqlite3_finalize(*on_index[i]);
            *on_index[i] = NULL;
        }
        if ((rc = smz__index_pack(w->db, w->o.level, &packed, w->errmsg, sizeof w->errmsg)) != SMZ_OK)
            return w->failed = 1, rc;
        if (!packed &&
            (src = sqlite3_exec(w->db, "DROP TABLE search_packed", NULL, NULL, NULL)) != SQLITE_OK)
            return sqlfail(w, src, "copying the index");
    } else if (w->o.format_version >= 3 && !w->o.no_index &&
               (src = sqlite3_exec(w->db, "DROP TABLE search_packed", NULL, NULL, NULL)) != SQLITE_OK) {
        return sqlfail(w, src, "copying the index");
    }
    /* The content digest and the signature first: their rows then lie
     * with the other metadata at the start of the copy below, not in pages
     * added at the file's end, which one who reads the file as it arrives
     * would wait for (docs/FORMAT.md, "Layout").  Neither depends on where
     * a row lies. */
    close_db(w);
    if (atomic_load(&w->interrupted))
        return fail(w, SMZ_E_INTERRUPTED, "interrupted");
    if ((rc = store_digest(w)) != SMZ_OK)
        return rc;
    if (w->signer)
        enter_phase(w, SMZ_PHASE_SIGNING);
    if (w->signer && (rc = smz__archive_embed_signature(w->tmp_path, w->signer, w->o.lang, w->errmsg,
                                                        sizeof w->errmsg)) != SMZ_OK) {
        w->failed = 1;
        return rc;
    }
    /* Merging the index's segments left free pages (a third of the index
     * on postgresql-doc), and the entries' pages are not full; a copy of the
     * database without free space is smaller (4 KB on postgresql-doc
     * without index, a fifth of the index with it).  Not with large
     * entries: the copy would write them twice more (through a temporary
     * file the size of the archive), for a gain under a thousandth.  Then
     * the clusters' b-tree pages go before their bytes (lib/layout.h). */
    if (!w->large_clusters) {
        sqlite3_stmt *rs = NULL;
        int64_t croot = 0;
        if ((rc = reopen_db(w)) != SMZ_OK || (rc = compact(w)) != SMZ_OK)
            return rc;
        if ((src = sqlite3_prepare_v2(w->db,
                                      "SELECT rootpage FROM sqlite_schema WHERE name = 'clusters'", -1,
                                      &rs, NULL)) == SQLITE_OK &&
            (src = sqlite3_step(rs)) == SQLITE_ROW)
            croot = sqlite3_column_int64(rs, 0);
        sqlite3_finalize(rs);
        if (src != SQLITE_ROW)
            return sqlfail(w, src, "compacting the archive");
        close_db(w);
        if (croot > 0 && croot <= UINT32_MAX &&
            (rc = smz__layout_tree_first(w->tmp_path, (uint32_t)croot, w->errmsg, sizeof w->errmsg)) !=
                SMZ_OK)
            return w->failed = 1, rc;
    }
    if (atomic_load(&w->interrupted))
        return fail(w, SMZ_E_INTERRUPTED, "interrupted");
    struct stat fsb;
    if (w->o.max_bytes && stat(w->tmp_path, &fsb) == 0 && (uint64_t)fsb.st_size > w->o.max_bytes)
        return fail(w, SMZ_E_TOOBIG,
                    "the archive would be over its size limit of %llu bytes (%llu bytes)",
                    (unsigned long long)w->o.max_bytes, (unsigned long long)fsb.st_size);
    if ((rc = sync_path(w, w->tmp_path, 0)) != SMZ_OK)
        return rc;
    if (atomic_load(&w->interrupted))
        return fail(w, SMZ_E_INTERRUPTED, "interrupted");
    if (rename(w->tmp_path, w->path) != 0)
        return fail(w, SMZ_E_IO, "cannot rename %s to %s: %s", w->tmp_path, w->path, strerror(errno));
    free(w->tmp_path);
    w->tmp_path = NULL;
    char *dir = strdup(w->path);
    if (dir) {
        char *sl = strrchr(dir, '/');
        if (sl)
            sl[sl == dir ? 1 : 0] = 0;
        sync_path(w, sl ? dir : ".", 1);
        free(dir);
    }
    struct stat sb;
    if (stat(w->path, &sb) == 0)
        w->st.archive_bytes = (uint64_t)sb.st_size;
    w->finished = 1;
    enter_phase(w, SMZ_PHASE_DONE);
    return SMZ_OK;
}

void smz_writer_get_stats(const smz_writer *w, smz_writer_stats *st)
{
    *st = w->st;
}

void smz_writer_free(smz_writer *w)
{
    if (!w)
        return;
    stop_workers(w);
    for (int k = 0; k < N_CLASSES; k++) {
        job_free(w->open[k]);
        if (w->spools[k].fd >= 0)
            close(w->spools[k].fd);
        free(w->spools[k].buf);
    }
    if (w->out_fd >= 0)
        close(w->out_fd);
    free(w->piece);
    while (w->shead) {
        job *j = w->shead;
        w->shead = j->snext;
        job_free(j);
    }
    close_db(w);
    if (w->tmp_path) {
        unlink(w->tmp_path);
        free(w->tmp_path);
    }
    free(w->path);
    free(w->index_from);
    for (size_t i = 0; i < w->nicons; i++)
        free(w->icons[i].path);
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->work_cv);
    pthread_cond_destroy(&w->done_cv);
    free(w);
}
