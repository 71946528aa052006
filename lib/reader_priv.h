/* What the library's own modules (search, signatures) use of a reader
 * beyond the public API: its SQLite connection and that connection's query
 * budget, its error message, its index; and the cluster decoder on its own,
 * for the fuzz target tests/fuzz/fuzz_cluster.c. */
#ifndef SMZ_READER_PRIV_H
#define SMZ_READER_PRIV_H

#include <stdint.h>
#include <zstd.h>
#include "smz/reader.h"
#include "cache.h"
#include "format.h"

/* An entry as the reader allocates it (smz_reader_find, the iterator, ...):
 * the public part first, so that the smz_entry * a caller holds is the
 * address of this struct, then where the entry's bytes lie, which callers
 * have no use for.  Its strings follow it in the same allocation. */
typedef struct smz_entry_at {
    smz_entry pub;
    int64_t cluster; /* clusters.id; 0 for a redirect */
    uint64_t offset; /* of its first byte in the cluster's decoded bytes */
} smz_entry_at;

/* The entry E (made by the reader, as every smz_entry is) as a whole. */
static inline const smz_entry_at *smz_entry_place(const smz_entry *e)
{
    return (const smz_entry_at *)(const void *)e;
}

/* The handle's read-only SQLite connection (the search module's queries,
 * the signature check's digest). */
sqlite3 *smz__reader_db(smz_reader *r);

/* Starts a call: clears the error message and gives the next queries
 * FACTOR times the usual step budget (the progress handler's). */
void smz__reader_begin_long(smz_reader *r, int factor);

/* 1 once smz_reader_interrupt(R) was called (for loops of the library's
 * own that run no query: hashing a detached signature's file). */
int smz__reader_interrupted(smz_reader *r);

/* 1 when the archive has the full-text tables. */
int smz__reader_has_index(const smz_reader *r);

/* 1 when the index stems English words (tokenize='smz porter'), as read
 * from the pinned schema when the archive was opened. */
int smz__reader_stemmed(const smz_reader *r);
/* Makes the search index ready: a packed one (lib/search/packed.h) is
 * decompressed, attached and its schema pinned on the first call.  Every
 * search query and smz__reader_stemmed wait for it.  SMZ_E_UNSUPPORTED
 * without an index, SMZ_E_CORRUPT for a damaged packed one. */
smz_err smz__reader_index(smz_reader *r);
/* The index's vocabulary as TEMP tables smz_vocab_fts and smz_vocab_title
 * (fts5vocab 'row': term, doc, cnt), made once per connection; call after
 * smz__reader_index.  SQLite's result code. */
int smz__reader_vocab(smz_reader *r);

/* Sets the handle's message and returns E. */
smz_err smz__reader_fail(smz_reader *r, smz_err e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The SQLite error RC of doing WHAT as an smz_err, with the message set. */
smz_err smz__reader_sqlfail(smz_reader *r, int rc, const char *what);
/* The language of R's messages (smz_reader_set_lang). */
int smz__reader_lang(const smz_reader *r);

/* The value of metadata KEY[0..KEY_LEN) whose stored bytes are V[0..N) as
 * readers see it: in *OUT, *OUT_LEN.  That is V itself, but for a version-3
 * illustration stored as a reference to an entry (SMZ_ILLUSTRATION_REF in
 * format.h), the entry's bytes, in *OWN (malloc'd, the caller frees; NULL
 * otherwise).  A reference to no entry, a redirect or an entry over 1 MiB is
 * SMZ_E_CORRUPT.  Runs a lookup: V must not point into R's own statements. */
smz_err smz__reader_meta_value(smz_reader *r, const char *key, size_t key_len, const void *v, size_t n,
                               const void **out, size_t *out_len, unsigned char **own);

/* A cluster row's header, checked by smz__cluster_header_ok. */
typedef struct smz_cinfo {
    int kind;               /* SMZ_CLUSTER_* */
    int version;            /* the archive's format version: how the cluster is checked */
    uint64_t usize, stored; /* decompressed and stored bytes */
    /* Version 2: BLAKE2b-128 of the stored bytes.  Version 3 keeps its
     * checks (8 bytes a chunk) in the row, read as they are needed. */
    unsigned char checksum[SMZ_CHECKSUM_BYTES];
} smz_cinfo;

/* 1 when a cluster row's kind, sizes and checksum length are within the
 * rules and caps of format VERSION (docs/FORMAT.md), so that sizes may be
 * allocated. */
int smz__cluster_header_ok(int version, int64_t kind, int64_t usize, int64_t stored,
                           int64_t checksum_len);

/* SMZ_OK when the CI->stored bytes at SRC have the checksum CI names
 * (version 2) or the checks CHECKS holds (version 3: all of them); else
 * SMZ_E_CORRUPT with a message for cluster CID in ERR. */
smz_err smz__cluster_verify(int64_t cid, const smz_cinfo *ci, const unsigned char *checks,
                            const unsigned char *src, int lang, char *err, size_t errlen);

/* Makes the first UPTO stored bytes of a cluster available (read and
 * checked) at the SRC its caller gave smz__cluster_decode: how a version 3
 * read loads only what it decodes. */
typedef smz_err (*smz_cluster_more_fn)(void *ctx, uint64_t upto);

/* Decodes the CI->stored bytes at SRC of zstd cluster CID (header already
 * checked): one frame whose content size is CI->usize, of which at least
 * the first NEED bytes (NEED <= CI->usize), or all when FULL, are
 * decompressed with DCTX.  MORE NULL: all of SRC is there, checked.  Else
 * (a prefix only, not FULL) the first ZSTD_FRAMEHEADERSIZE_MAX bytes (or all,
 * if fewer) are, and MORE(MORE_CTX, N) is called before the decoder reads
 * up to byte N.  *out gets a buffer with one reference, taken from POOL's
 * spares when it has one (release with smz__cbuf_release(POOL, b)); POOL may
 * be NULL.  On failure NULL, with ERR set. */
smz_err smz__cluster_decode(ZSTD_DCtx *dctx, smz_cache *pool, int64_t cid, const smz_cinfo *ci,
                            const unsigned char *src, smz_cluster_more_fn more, void *more_ctx,
                            uint64_t need, int full, smz_cbuf **out, int lang, char *err, size_t errlen);

/* smz_reader_stats, with the size of the full-text index (which costs a
 * read of every page of the index) only when INDEX_SIZE is 1; else
 * index_bytes is 0.  The server's library cards need no index size. */
smz_err smz__reader_stats(smz_reader *r, smz_stats *st, int index_size);

#endif
