/* Samizdat writer: build an .smz archive from entries.
 *
 * The writer writes a temporary file beside the target and renames it over
 * the target only in smz_writer_finish(), so an interrupted or failed pack
 * leaves nothing at the target path.  Entries stream through: content is
 * grouped into clusters and compressed by worker threads while the caller
 * goes on adding, with a bounded number of clusters in flight.  The same
 * entries added in the same order with the same options give a byte-identical
 * archive, whatever the number of threads.  Not thread-safe: one thread adds. */
#ifndef SMZ_WRITER_H
#define SMZ_WRITER_H

#include <stddef.h>
#include <stdint.h>
#include "smz/error.h"
#include "smz/format.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct smz_writer smz_writer;

/* What a pack is doing, in the order the phases come (INDEXING only with
 * a full-text index, SIGNING only with a signer).  While entries are added
 * (READING), sealed clusters are already compressed by worker threads;
 * smz_writer_finish then waits for the last ones (COMPRESSING), merges the
 * search index (INDEXING), commits and compacts the file and computes its
 * digest (WRITING), signs it (SIGNING), and renames it into place (DONE). */
typedef enum smz_phase {
    SMZ_PHASE_READING = 1,
    SMZ_PHASE_COMPRESSING,
    SMZ_PHASE_INDEXING,
    SMZ_PHASE_WRITING,
    SMZ_PHASE_SIGNING,
    SMZ_PHASE_DONE
} smz_phase;

/* Where a pack is, handed to smz_writer_opts.progress.  The counters only
 * grow.  compressed_bytes counts the content bytes (of input_bytes) whose
 * cluster is compressed, or stored as it is: it reaches input_bytes when
 * COMPRESSING ends, and the two together measure the compression's
 * throughput for an estimate of the time left. */
typedef struct smz_progress {
    smz_phase phase;
    uint64_t entries;          /* entries added so far (not redirects) */
    uint64_t input_bytes;      /* their content bytes */
    uint64_t compressed_bytes; /* of input_bytes, those compressed (or stored) */
} smz_progress;

/* While a step runs without news (a cluster compressing, the index being
 * merged), the progress callback is still called about this often, in
 * seconds, with the same counters: a caller's clock can move on. */
#define SMZ_PROGRESS_HEARTBEAT 0.5

typedef struct smz_writer_opts {
    int threads;         /* compression threads; 0 = one per core */
    size_t cluster_size; /* target uncompressed cluster bytes; 0 = default */
    /* The format version to write: SMZ_FORMAT_VERSION_MIN to
     * SMZ_FORMAT_VERSION; 0 = SMZ_FORMAT_VERSION. */
    int format_version;
    int level;        /* zstd level; 0 = default (19) */
    int no_index;     /* 1: no full-text index */
    int stem_english; /* 1: index with English stemming */
    /* An earlier archive of the same collection, or NULL: the pages its
     * search index holds keep their document ids, the others get ids after
     * its largest, so that an update between the two (smz diff) carries
     * little of the index (docs/UPDATES.md).  Read in smz_writer_new. */
    const char *base;
    /* The archive may not grow past this many bytes (0: no limit): a pack
     * that would is stopped with SMZ_E_TOOBIG as soon as it would, checked
     * whenever a cluster is written and before a large entry is. */
    uint64_t max_bytes;
    /* Format 3: the pages' text waits to be indexed at the end, in the
     * order of the pages' ids, up to this many bytes (0: 16 MiB), then is
     * indexed as it comes.  Indexed at the end, a packed index can be built
     * again from the archive's pages (an update need not carry it:
     * docs/UPDATES.md); an index from more text is too large to be packed. */
    uint64_t index_defer_max;
    /* Called with a warning (a path clash, ...); may be NULL. */
    void (*warn)(void *ctx, const char *message);
    void *warn_ctx;
    /* Called on the caller's thread (inside smz_writer_add, _add_stream,
     * _finish and the pack.h functions that call them) after each entry,
     * at each change of phase, and as a heartbeat (SMZ_PROGRESS_HEARTBEAT)
     * while a step runs; P is valid during the call only.  It must not
     * call back into W.  May be NULL. */
    void (*progress)(void *ctx, const smz_progress *p);
    void *progress_ctx;
    /* The language of smz_writer_errmsg's messages (smz/i18n.h: an interface
     * language's index; 0, SMZ_UI_EN, English). */
    int lang;
} smz_writer_opts;

/* Starts an archive that will be PATH.  OPTS may be NULL for defaults.  *out
 * is set even on failure (unless memory ran out) so smz_writer_errmsg() can
 * say why; always free it with smz_writer_free. */
smz_err smz_writer_new(const char *path, const smz_writer_opts *opts, smz_writer **out);

/* Frees the writer; if it was not finished, removes the temporary file.
 * smz_writer_free(NULL) does nothing. */
void smz_writer_free(smz_writer *w);
const char *smz_writer_errmsg(const smz_writer *w);
/* The hidden file the archive is being written to, beside the target
 * (owned by W), or NULL once it was renamed or removed: a front-end that
 * must end at once from a signal handler unlinks it (unlink(2) is
 * async-signal-safe) before _exit. */
const char *smz_writer_partial_path(const smz_writer *w);
/* A scratch file beside the target (on the disk the archive goes to, not in
 * a small /tmp), already unlinked, so that nothing outlives the writer: *fd
 * is the caller's to close.  On failure, smz_writer_errmsg() says why. */
smz_err smz_writer_scratch(smz_writer *w, int *fd);

/* Sets metadata KEY (see docs/FORMAT.md; a later call replaces). */
smz_err smz_writer_set_meta(smz_writer *w, const char *key, const void *value, size_t len);

/* One entry.  Strings are UTF-8, copied by the writer.  text is the plain text
 * the search index gets (NULL: none); data may be NULL when size is 0.
 * unindexed 1 keeps the entry out of the search index even with a title or
 * text (a page the packer generated: docs/FORMAT.md, metadata Generated). */
typedef struct smz_writer_entry {
    const char *path;
    const char *title; /* NULL or "" for none */
    const char *mime;
    const void *data;
    size_t size;
    const char *text;
    size_t text_len;
    int unindexed;
    /* Text whose words weigh more in the ranking (a page's headings, which
     * are in text too): counted, not indexed on its own (NULL: none). */
    const char *emphasis;
    size_t emphasis_len;
    int hub; /* 1: a page mostly of links (contents, index), ranked after others */
} smz_writer_entry;

/* Adds an entry.  A path added twice: the later one wins, with a warning. */
smz_err smz_writer_add(smz_writer *w, const smz_writer_entry *e);
/* Reads the N bytes at OFF of a large entry's content into BUF (see
 * smz_writer_add_stream): SMZ_OK, or an error code, with the reason set on
 * W by smz_writer_set_error (libarchive's archive_set_error pattern). */
typedef smz_err (*smz_writer_read_fn)(smz_writer *w, void *ctx, uint64_t off, void *buf, size_t n);

/* Sets W's message (smz_writer_errmsg) to the printf-formatted text and
 * returns E, for a caller's callback (smz_writer_read_fn) or a caller
 * packing through W that must say why its own step failed.  The writer's
 * state is unchanged. */
smz_err smz_writer_set_error(smz_writer *w, smz_err e, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Entries over this size go to the archive as they are read, never held
 * whole in memory: stored as they are, in a cluster of their own. */
#define SMZ_WRITER_LARGE_ENTRY (64u << 20)
/* The largest entry the writer takes: the format's 1,000,000,000 bytes less
 * room for the rest of its cluster's row, which SQLite counts in its own
 * limit of 1,000,000,000 bytes a row. */
#define SMZ_WRITER_MAX_ENTRY 999000000u

/* Adds an entry of E->size bytes (E->data is ignored) that READ hands over
 * in pieces, in order, at most SMZ_WRITER_MAX_ENTRY bytes:
 * it is written into the file as it is read and checksummed on the way, so
 * memory stays at one piece (1 MiB) whatever its size.  E->text is not
 * indexed (the title is).  smz_writer_add hands entries over
 * SMZ_WRITER_LARGE_ENTRY here itself. */
smz_err smz_writer_add_stream(smz_writer *w, const smz_writer_entry *e, smz_writer_read_fn read,
                              void *ctx);
/* Adds a redirect from PATH to TARGET (checked to exist at finish). */
smz_err smz_writer_add_redirect(smz_writer *w, const char *path, const char *title, const char *target);

/* True if PATH was added already (entry or redirect). */
int smz_writer_has(smz_writer *w, const char *path);

/* Signs the archive with SK at smz_writer_finish: the embedded signature
 * (metadata Signature over the content digest, see smz/verify.h and
 * docs/FORMAT.md), made before the file is renamed into place.  SK is
 * borrowed and must stay valid until smz_writer_finish returns; NULL signs
 * nothing.  The detached .minisig is the caller's (smz_archive_sign_file). */
struct smz_seckey;
smz_err smz_writer_set_signer(smz_writer *w, const struct smz_seckey *sk);

/* Compresses what is left, writes the index and metadata, computes the
 * content digest, syncs, and renames the file into place. */
smz_err smz_writer_finish(smz_writer *w);

/* The one way to stop a pack: sets W's interrupt flag (a lock-free C11
 * atomic_int), so any thread, or a signal handler, may call it while
 * another thread is inside a call on W; it is thread-safe and
 * async-signal-safe.  The call running on W (smz_writer_add, _finish, the
 * pack.h functions walking a source) stops at its next check, between
 * entries, and returns SMZ_E_INTERRUPTED; so does every later call.  The
 * target path is never created: smz_writer_free removes the temporary
 * file.  W must stay valid until the call returns (the caller frees it
 * only after); NULL does nothing. */
void smz_writer_interrupt(smz_writer *w);

typedef struct smz_writer_stats {
    uint64_t entries, redirects, input_bytes, clusters, archive_bytes;
    uint64_t cluster_bytes; /* the clusters' bytes as stored (compressed) */
} smz_writer_stats;
void smz_writer_get_stats(const smz_writer *w, smz_writer_stats *st);

#ifdef __cplusplus
}
#endif
#endif
