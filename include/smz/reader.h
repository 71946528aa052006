/* Samizdat reader: open an .smz archive read-only and get entries out of it.
 *
 * An smz_reader is one open archive.  A reader handle is NOT safe to use from
 * two threads at once: give each thread its own handle (opening is cheap: no
 * scan of the archive).  Handles may share one smz_cache, which is internally
 * locked and bounded, so that a cluster decompressed for one thread serves
 * the others.  Every byte of the archive is treated as untrusted: damage gives
 * SMZ_E_CORRUPT (or SMZ_E_NOTARCHIVE / SMZ_E_VERSION) with a message from
 * smz_reader_errmsg(), never a crash.  The reader never writes to the archive
 * file nor creates files beside it. */
#ifndef SMZ_READER_H
#define SMZ_READER_H

#include <stddef.h>
#include <stdint.h>
#include "smz/error.h"
#include "smz/format.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct smz_reader smz_reader;
typedef struct smz_cache smz_cache;

/* A cache of decompressed clusters, bounded to max_bytes (0 picks 64 MiB).
 * Thread-safe.  Returns NULL when out of memory.  Free it after every reader
 * that uses it is closed; smz_cache_free(NULL) does nothing. */
smz_cache *smz_cache_new(size_t max_bytes);
void smz_cache_free(smz_cache *cache);

/* Opens PATH.  *out is set to a handle even on failure (unless memory ran
 * out, then it is NULL) so that smz_reader_errmsg() can say why; the caller
 * always closes it.  CACHE may be NULL: the reader then decompresses only as
 * much of a cluster as a read needs and keeps nothing (right for one-shot
 * reads such as `smz cat`).  The cache is borrowed, not owned.  A handle
 * opened with a cache is taken to be one of many (a server's pool): its own
 * SQLite page cache is kept to 128 KiB, without lookaside memory. */
smz_err smz_reader_open(const char *path, smz_cache *cache, smz_reader **out);
/* The same, with the handle's messages (smz_reader_errmsg, and the problems
 * smz_reader_check reports) in interface language LANG (smz/i18n.h: an
 * index of smz_ui_lang_at; SMZ_UI_EN, the default, or any index out of
 * range, for English), from the open's own messages on.  Each message's
 * format is looked up with smz_tr(LANG, ...); what it quotes (paths,
 * SQLite's and zstd's own texts) is not translated.  Codes never change:
 * a program that matches anything matches the smz_err, not the text. */
smz_err smz_reader_open_lang(const char *path, smz_cache *cache, int lang, smz_reader **out);

/* A file that is being written, read while it arrives (smz pull checks an
 * archive as it downloads it: docs/CATALOG.md, "Throughput").  The file
 * will hold SIZE bytes.  Its bytes from TAIL_FROM to SIZE (TAIL, borrowed:
 * it must stay until smz_arrival_free; none when TAIL_FROM is SIZE) are
 * known beforehand; the others are
 * written from the start, and the writer says how far with
 * smz_arrival_written.  SMZ_E_INVALID when TAIL_FROM > SIZE. */
typedef struct smz_arrival smz_arrival;
smz_err smz_arrival_new(uint64_t size, uint64_t tail_from, const unsigned char *tail, smz_arrival **out);
/* The file's first BYTES are in it (thread-safe; readers waiting for them
 * go on). */
void smz_arrival_written(smz_arrival *a, uint64_t bytes);
/* The transfer stopped: every read still waiting, and every later one of
 * bytes not in, fails (SMZ_E_IO); a reader should be closed.  Thread-safe. */
void smz_arrival_failed(smz_arrival *a);
/* After every reader opened on A is closed. */
void smz_arrival_free(smz_arrival *a);
/* Opens PATH, the file A describes, as smz_reader_open_lang does, without
 * a cache: a read of bytes not written yet waits for them (the tail is read
 * from A), and the file's size is A's.  The open itself waits for the
 * header.  Everything a reader does works on it, smz_reader_check too, which
 * then also orders its steps so that they read the file as it comes. */
smz_err smz_reader_open_arriving(const char *path, smz_arrival *a, int lang, smz_reader **out);
/* Sets the language of R's later messages (as smz_reader_open_lang's
 * LANG): for a handle that serves one request after another, each in its
 * own language (smz serve's pool).  NULL does nothing. */
void smz_reader_set_lang(smz_reader *r, int lang);
void smz_reader_close(smz_reader *r);

/* The message of the last failure on this handle ("" if none).  Owned by the
 * handle, valid until the next call on it. */
const char *smz_reader_errmsg(const smz_reader *r);

/* The one way to stop a reader: sets R's interrupt flag (a lock-free C11
 * atomic_int) and calls sqlite3_interrupt on R's connection (itself one
 * atomic store), so any thread, or a signal handler, may call it while
 * another thread is inside a call on R; it is thread-safe and
 * async-signal-safe.  The running call (a search, smz_reader_check, the
 * digest, smz_archive_verify, an iteration) stops at its next statement
 * step or entry and returns SMZ_E_INTERRUPTED, as does every later call
 * that runs a query: the flag is never cleared, so an interrupted handle
 * is only good for smz_reader_errmsg and smz_reader_close.  R must stay
 * open until the interrupted call returns; NULL does nothing. */
void smz_reader_interrupt(smz_reader *r);

/* One entry.  Everything is owned by the struct; free with smz_entry_free.
 * mime is "" for a redirect; redirect is NULL for content.  Only the reader
 * makes entries (find, resolve, the iterator, random, smz_entry_dup): it
 * keeps where their bytes lie beside the struct, so an smz_entry copied or
 * built by the caller cannot be read; duplicate one with smz_entry_dup. */
typedef struct smz_entry {
    const char *path;  /* valid by smz_path_valid (smz/format.h) */
    const char *title; /* "" when the entry has none */
    const char *mime;
    const char *redirect; /* target path of a redirect entry, else NULL */
    uint64_t size;        /* content bytes; 0 for a redirect */
} smz_entry;
void smz_entry_free(smz_entry *e);
/* A copy of E in *out (one allocation, owned by the caller: smz_entry_free),
 * for keeping an entry the iterator lends.  SMZ_E_NOMEM (*out NULL) when
 * memory ran out. */
smz_err smz_entry_dup(const smz_entry *e, smz_entry **out);

/* Orders entries by where their bytes lie (cluster, then offset), for qsort
 * of an array of smz_entry pointers.  Reading several entries in this order
 * decodes each of their clusters once, however few clusters the cache holds
 * (smz extract, search snippets). */
int smz_entry_cmp_place(const void *a, const void *b);

/* Looks PATH up exactly.  SMZ_E_NOTFOUND when there is no such entry. */
smz_err smz_reader_find(smz_reader *r, const char *path, smz_entry **out);
/* Like find, but follows redirects (at most 16; a loop is SMZ_E_REDIRECT).
 * An empty PATH or "/" resolves to the main page. */
smz_err smz_reader_resolve(smz_reader *r, const char *path, smz_entry **out);

/* The whole content of E (not a redirect).  *data is malloc'd, owned by the
 * caller; *len is e->size.  Entries over max_len give SMZ_E_TOOBIG. */
smz_err smz_reader_read(smz_reader *r, const smz_entry *e, size_t max_len, unsigned char **data,
                        size_t *len);
/* LEN bytes of E from byte OFF into BUF (for HTTP ranges and streaming large
 * media).  OFF+LEN must lie inside the entry (else SMZ_E_INVALID). */
smz_err smz_reader_read_range(smz_reader *r, const smz_entry *e, uint64_t off, void *buf, size_t len);

/* A sequential read of LEN bytes of E from byte OFF, in pieces: for
 * downloads and `smz cat` of large entries.  A range over 1 MiB in a zstd
 * cluster that is not in the reader's cache is decoded once, from its
 * frame's start (skipping up to OFF) to the range's end, by a zstd stream of
 * the handle's own: memory is zstd's estimate for the frame's window (at
 * most 64 MiB, plus its block buffer) and 256 KiB of buffers, counted
 * against the cache's budget when the reader has a cache (waiting its
 * turn, like a decode, on the first read; streams together take at most
 * half of it),
 * however small the pieces.  (A cluster whose
 * window is about its size and that takes at most half the budget is
 * decoded into the cache instead, for the requests after this one; the
 * stream decodes it itself only if it is evicted before the end.)  Other
 * ranges are read piece by piece as smz_reader_read_range reads them; a
 * cached cluster is served from the cache.  Integrity (docs/FORMAT.md): a decoded stream
 * cannot check the cluster's BLAKE2b before its bytes go out; zstd checks
 * every block, and the frame's content checksum when the range ends at
 * the cluster's end, before the last piece is handed out.  A range that
 * ends earlier is not checksummed (smz check verifies every cluster).
 *
 * The stream borrows R: use it from R's thread only, close it before R,
 * and do not read other entries through R's cache while it decodes (its
 * memory is reserved: a second reservation by the same thread may wait for
 * it).  smz_stream_read reads the next N bytes (N at most what is left,
 * else SMZ_E_INVALID); after a failure every read fails again.  Errors are
 * on R (smz_reader_errmsg).  smz_stream_close(NULL) does nothing. */
typedef struct smz_stream smz_stream;
smz_err smz_stream_open(smz_reader *r, const smz_entry *e, uint64_t off, uint64_t len, smz_stream **out);
smz_err smz_stream_read(smz_stream *s, void *buf, size_t n);
void smz_stream_close(smz_stream *s);

/* Metadata value of KEY (Title, Language, ...), malloc'd and NUL-terminated
 * (the illustration is binary: use *len; LEN may be NULL).  SMZ_E_NOTFOUND
 * if absent; a value over 1 MiB is SMZ_E_CORRUPT. */
smz_err smz_reader_meta(smz_reader *r, const char *key, char **value, size_t *len);

/* The time R's entries are given when written out of it (smz extract's
 * files, tar and zip members), in seconds since 1970-01-01 UTC, in *T.  The
 * format keeps no time for an entry, so it is the archive's: its Date
 * metadata at 12:00 UTC (a day is all Date says; at noon UTC it is that day
 * in every time zone from UTC-12 to UTC+11), or, when Date is absent or not
 * a real YYYY-MM-DD date, the modification time of the archive file (of
 * part 1 of a split set) as it was opened.  *FROM_DATE (FROM_DATE may be
 * NULL) is 1 when it is the Date.  SMZ_OK, SMZ_E_NOMEM or SMZ_E_INTERRUPTED. */
smz_err smz_reader_time(smz_reader *r, int64_t *t, int *from_date);

/* Walks entries whose path starts with PREFIX (NULL or "" for all) in path
 * order.  smz_iter_next sets *e to an entry owned by the iterator (valid until
 * the next call) or to NULL at the end.  A malformed row (an invalid path
 * or redirect target, a field of the wrong type: docs/FORMAT.md) is passed
 * over: the walk goes on with the next row, smz_iter_skipped counts it, and
 * the function set with smz_iter_on_skip (none by default) is told its path
 * (raw bytes from the archive: escape before printing) and why.  An error
 * return is about the table as a whole and ends the walk. */
typedef struct smz_iter smz_iter;
smz_err smz_reader_iter(smz_reader *r, const char *prefix, smz_iter **out);
smz_err smz_iter_next(smz_iter *it, const smz_entry **e);
void smz_iter_free(smz_iter *it);

/* Figures for `smz info`.  mimes is an array of n_mimes (the 1,000 MIME
 * types with the most entries, most first), owned by the struct; free with
 * smz_stats_free. */
typedef struct smz_mime_stat {
    char *mime;
    uint64_t entries;
    uint64_t bytes;
} smz_mime_stat;
typedef struct smz_stats {
    uint64_t entries; /* all entries, redirects included */
    uint64_t redirects;
    uint64_t clusters;
    uint64_t content_bytes; /* sum of entry sizes */
    uint64_t stored_bytes;  /* sum of stored cluster sizes */
    uint64_t file_bytes;    /* size of the archive file */
    uint64_t index_bytes;   /* bytes of the full-text index tables (0: none) */
    uint64_t articles;      /* HTML pages, less those the packer generated (metadata Generated) */
    int format_version;
    int has_index;
    size_t n_mimes;
    smz_mime_stat *mimes;
} smz_stats;
smz_err smz_reader_stats(smz_reader *r, smz_stats *st);
/* Where R's tail starts: the offset of the first page of its entry table
 * (format 3: table entry_blocks, its root page left out) in *TAIL, a
 * multiple of the page size, when the clusters lie before it; the file's
 * size when they do not (the packer puts the clusters last since
 * 2026-12: docs/FORMAT.md, "Layout") or it has no such page (format 2).
 * smz pull fetches the bytes from there to the end first and checks the
 * archive while the rest arrives (docs/CATALOG.md, "smz:tail").  Reads a
 * few pages, the left edges of the entry and cluster tables' b-trees (the
 * packer writes each from its left).  SMZ_E_CORRUPT when such an edge is
 * damaged. */
smz_err smz_reader_tail(smz_reader *r, uint64_t *tail);
void smz_stats_free(smz_stats *st);

/* The content digest: BLAKE2b-256 over all metadata and every entry in a
 * canonical order (docs/FORMAT.md), independent of the file's layout.  Reads
 * every cluster. */
#define SMZ_DIGEST_BYTES 32
smz_err smz_reader_digest(smz_reader *r, unsigned char digest[SMZ_DIGEST_BYTES]);

/* How many clusters this handle has decoded (or read whole, for a stored
 * one) since it was opened, and the cluster bytes it loaded or decompressed
 * for them (a zstd cluster decoded whole counts both); either pointer may
 * be NULL.  For tests and benchmarks: a walk over entries should decode each
 * cluster about once. */
void smz_reader_decoded(const smz_reader *r, uint64_t *clusters, uint64_t *bytes);

/* Checks everything: cluster checksums, frames and decompression, every
 * entry row by the format's rules (path, redirect target, fields) and
 * inside its cluster, redirects resolve, every metadata value by its rule
 * (docs/FORMAT.md), the main page exists, the UUID is the Digest's and the
 * stored digest matches.  Each problem is passed to PROBLEM (may be NULL)
 * with the entry path it concerns ("" for the archive as a whole; raw bytes
 * from the archive: escape before printing); *n_problems counts them.  Returns SMZ_OK when the check ran, whatever it
 * found; another code when it could not run. */
typedef void (*smz_problem_fn)(void *ctx, const char *path, const char *message);
smz_err smz_reader_check(smz_reader *r, smz_problem_fn problem, void *ctx, uint64_t *n_problems);

/* See smz_reader_iter: FN (may be NULL) is called with CTX for each
 * malformed row the iterator passes over. */
void smz_iter_on_skip(smz_iter *it, smz_problem_fn fn, void *ctx);
uint64_t smz_iter_skipped(const smz_iter *it);

/* A random HTML entry (for /random): seeded by the caller's SEED. */
smz_err smz_reader_random(smz_reader *r, uint64_t seed, smz_entry **out);

#ifdef __cplusplus
}
#endif
#endif
