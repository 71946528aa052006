/* Updates between two versions of an archive: smz_delta_diff writes the
 * update, smz_delta_patch applies it (include/smz/delta.h; the file format
 * and the reasons for it: docs/UPDATES.md).
 *
 * NEW is seen as two things: its clusters' stored bytes (the `data` column,
 * nearly all of an archive) and the rest of the file, the *skeleton*: NEW's
 * bytes with every cluster's data bytes zeroed where they lie in the file.
 * The skeleton is carried as one zstd frame compressed with the whole OLD
 * file as its prefix (zstd's patch-from): the SQLite pages that did not
 * change cost next to nothing.  Each cluster is either one OLD holds
 * verbatim, or NEW's decoded bytes compressed with an OLD cluster's decoded
 * bytes as the prefix (patch then compresses them again with the writer's
 * parameters: that must give NEW's bytes, which diff checks before it
 * relies on it), or carried whole.  Where a cluster's bytes lie in the file
 * is read from SQLite's b-tree by diff (walk_clusters), checked against what
 * SQLite itself returns, and carried as a list of extents, so that patch
 * need not trust the skeleton's structure: it only writes bytes into
 * bounded, non-overlapping ranges and then checks NEW's SHA-256. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sodium.h>
#include <sqlite3.h>
#include <zstd.h>
#include "smz/delta.h"
#include "util/file.h"
#include "smz/i18n.h"
#include "smz/reader.h"
#include "smz/sign.h"
#include "smz/util.h"
#include "error.h"
#include "entries.h"
#include "format.h"
#include "search/packed.h"
#include "reader_priv.h"

#include "delta_priv.h"
#include "delta_pages.h"
#include "article/article.h"
#include "text/html.h"
#include "util/varint.h"
#include "util/sqlite_page.h"
#include "pack/reindex.h"

#define MAX_TABLE ((uint64_t)256 << 20)        /* the decoded instruction table */
#define MAX_CLUSTER_USIZE ((uint64_t)64 << 20) /* docs/FORMAT.md, clusters */
#define DELTA_LEVEL 19
#define REC_MIN 9                   /* the fewest bytes a row of the table takes */
#define UPD_HINTS 128               /* room for hints() */
#define AUX_MAX ((uint64_t)1 << 20) /* the largest cluster an entry block's delta refers to */

/* OP_PAGES: a zstd delta of a cluster whose article pages are rendered
 * again (delta_pages.h). */
enum op {
    OP_COPY = 0,
    OP_RAW = 1,
    OP_DELTA_ZSTD = 2,
    OP_DELTA_STORED = 3,
    OP_REBUILD = 4,
    OP_PAGES = 5
};

typedef struct extent {
    uint64_t off, len;
} extent;

typedef struct cl {
    int64_t id, kind, usize;
    const void *data; /* into the owner's copy */
    uint64_t len;
    /* diff: */
    unsigned char hash[16];
    size_t first_ext, n_ext; /* NEW's: its extents */
    char *first;             /* an entry block's first path */
} cl;

/* Kinds 0 and 1 are clusters (docs/FORMAT.md); KIND_INDEX is version 3's
 * packed index, the one row of search_packed, carried like a zstd cluster. */
#define KIND_INDEX 2
/* Version 3's entry blocks, carried like zstd clusters without the
 * checksum (lib/entries.c), against the old block before them and the one
 * after as one prefix. */
#define KIND_ENTRIES 3

typedef struct clset {
    cl *v;
    size_t n;
    /* v[0..nclusters): the clusters by id; v[nclusters..blocks): the packed
     * index if any; v[blocks..n): the entry blocks by id. */
    size_t nclusters, blocks;
    void **bufs; /* the data, one malloc each */
} clset;

typedef struct rec {
    int64_t id, old_id;
    uint8_t kind, op, level;
    uint64_t data_len, usize, payload_len;
    int64_t aux; /* an entry block's delta: NEW's cluster whose decoded bytes
                  * open its prefix (0: none) */
} rec;

typedef struct ctx {
    char *err;
    size_t errlen;
    extent *ext;
    size_t n_ext, cap_ext;
    int lang; /* of the messages (smz/i18n.h) */
} ctx;

static smz_err fail(ctx *c, smz_err e, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static smz_err fail(ctx *c, smz_err e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (c->errlen)
        smz__vformat_lang(c->err, c->errlen, c->lang, fmt, ap);
    va_end(ap);
    return e;
}

static void put64(unsigned char *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--, v >>= 8)
        p[i] = (unsigned char)v;
}

static void hex(const unsigned char *b, size_t n, char *out)
{
    static const char d[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = d[b[i] >> 4];
        out[2 * i + 1] = d[b[i] & 15];
    }
    out[2 * n] = 0;
}

static int unhex(const char *s, size_t n, unsigned char *out)
{
    if (strlen(s) != 2 * n)
        return -1;
    for (size_t i = 0; i < 2 * n; i++) {
        int v = s[i] >= '0' && s[i] <= '9'   ? s[i] - '0'
                : s[i] >= 'a' && s[i] <= 'f' ? s[i] - 'a' + 10
                                             : -1;
        if (v < 0)
            return -1;
        out[i / 2] = (unsigned char)(i % 2 ? out[i / 2] | v : v << 4);
    }
    return 0;
}

/* The whole of PATH into *BUF (at most MAX_FILE bytes), with room for
 * UPD_HINTS more after them (hints()). */
static smz_err slurp(ctx *c, const char *path, unsigned char **buf, uint64_t *len)
{
    smz_err rc = SMZ_OK;
    struct stat st;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    *buf = NULL;
    if (fd < 0)
        return fail(c, errno == ENOENT ? SMZ_E_NOTFOUND : SMZ_E_IO, "%s: %s", path, strerror(errno));
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        rc = fail(c, SMZ_E_IO, "%s: not a regular file", path);
        goto out;
    }
    if ((uint64_t)st.st_size > MAX_FILE) {
        rc = fail(c, SMZ_E_TOOBIG, "%s: over 1 GiB, more than updates handle", path);
        goto out;
    }
    *len = (uint64_t)st.st_size;
    if (!(*buf = malloc(*len + UPD_HINTS))) {
        rc = fail(c, SMZ_E_NOMEM, "out of memory reading %s", path);
        goto out;
    }
    for (uint64_t got = 0; got < *len;) {
        ssize_t r = read(fd, *buf + got, *len - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            rc = fail(c, SMZ_E_IO, "%s: %s", path, r < 0 ? strerror(errno) : "shorter than it was");
            goto out;
        }
        got += (uint64_t)r;
    }
out:
    if (rc != SMZ_OK) {
        free(*buf);
        *buf = NULL;
    }
    close(fd);
    return rc;
}

/* The archive's stored content digest (64 hex digits) as 32 bytes. */
static smz_err archive_digest(ctx *c, smz_reader *r, const char *path, unsigned char out[32])
{
    char *v = NULL;
    smz_err rc = smz_reader_meta(r, "Digest", &v, NULL);
    if (rc != SMZ_OK || unhex(v, 32, out) != 0)
        rc = fail(c, rc == SMZ_OK ? SMZ_E_CORRUPT : rc, "%s: no valid Digest metadata", path);
    free(v);
    return rc;
}

static void clset_free(clset *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->bufs[i]);
        free(s->v[i].first);
    }
    free(s->bufs);
    free(s->v);
    memset(s, 0, sizeof *s);
}

/* Appends one item (its data copied) to S. */
static smz_err push(ctx *c, clset *s, size_t *cap, int64_t id, int64_t kind, int64_t usize,
                    const void *d, uint64_t len, const char *first)
{
    if (s->n == *cap) {
        size_t nc = *cap ? 2 * *cap : 64;
        cl *nv = realloc(s->v, nc * sizeof *nv);
        if (nv)
            s->v = nv;
        void **nb = nv ? realloc(s->bufs, nc * sizeof *nb) : NULL;
        if (nb)
            s->bufs = nb;
        if (!nv || !nb)
            return fail(c, SMZ_E_NOMEM, "out of memory");
        *cap = nc;
    }
    cl *x = &s->v[s->n];
    memset(x, 0, sizeof *x);
    x->id = id;
    x->kind = kind;
    x->usize = usize;
    x->len = len;
    if (!(s->bufs[s->n] = malloc(len ? len : 1)) || (first && !(x->first = strdup(first)))) {
        free(s->bufs[s->n]);
        return fail(c, SMZ_E_NOMEM, "out of memory");
    }
    if (len)
        memcpy(s->bufs[s->n], d, len);
    x->data = s->bufs[s->n];
    crypto_generichash(x->hash, sizeof x->hash, x->data, x->len, NULL, 0);
    s->n++;
    return SMZ_OK;
}

/* Every cluster of R, in id order, then its packed index (if any), then
 * its entry blocks (version 3) in id order, their data copied. */
static smz_err load_clusters(ctx *c, smz_reader *r, const char *path, clset *s)
{
    static const char *const sql[3] = {
        "SELECT id, kind, usize, data, NULL FROM clusters ORDER BY id",
        "SELECT id, 2, usize, data, NULL FROM search_packed ORDER BY id LIMIT 2",
        "SELECT id, 3, -1, data, first FROM entry_blocks ORDER BY id",
    };
    static const char *const table[3] = {"clusters", "search_packed", "entry_blocks"};
    smz_err rc = SMZ_OK;
    sqlite3_stmt *st = NULL;
    sqlite3 *db = smz__reader_db(r);
    size_t cap = 0;
    smz__reader_begin_long(r, 1000000);
    for (int t = 0; t < 3 && rc == SMZ_OK; t++) {
        if (t == 1)
            s->nclusters = s->n;
        if (t == 2)
            s->blocks = s->n;
        if (t > 0) {
            int there = sqlite3_table_column_metadata(db, "main", table[t], "data", NULL, NULL, NULL,
                                                      NULL, NULL) == SQLITE_OK;
            if (!there)
                continue;
        }
        if (sqlite3_prepare_v2(db, sql[t], -1, &st, NULL) != SQLITE_OK) {
            rc = fail(c, SMZ_E_CORRUPT, "%s: %s", path, sqlite3_errmsg(db));
            break;
        }
        int step;
        while (rc == SMZ_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
            int64_t id = sqlite3_column_int64(st, 0), kind = sqlite3_column_int64(st, 1),
                    usize = sqlite3_column_int64(st, 2);
            const void *d = sqlite3_column_blob(st, 3);
            uint64_t len = (uint64_t)sqlite3_column_bytes(st, 3);
            const char *first = (const char *)sqlite3_column_text(st, 4);
            if (kind == KIND_ENTRIES) {
                unsigned long long u = ZSTD_getFrameContentSize(d, len);
                usize = u > SMZ_ENTRY_BLOCK_MAX ? -1 : (int64_t)u;
            }
            if (kind == KIND_ENTRIES ? usize < 0 || !first
                : kind == KIND_INDEX
                    ? s->n > s->nclusters || usize < 0 || (uint64_t)usize > SMZ_PACKED_INDEX_MAX
                    : (kind != 0 && kind != 1) || usize < 0 ||
                          (uint64_t)usize > (kind ? MAX_CLUSTER_USIZE : len)) {
                rc = fail(c, SMZ_E_CORRUPT, "%s: %s %lld is damaged", path, table[t], (long long)id);
                break;
            }
            rc = push(c, s, &cap, id, kind, usize, d, len, first);
        }
        if (rc == SMZ_OK && step != SQLITE_DONE)
            rc = fail(c, SMZ_E_CORRUPT, "%s: %s", path, sqlite3_errmsg(db));
        sqlite3_finalize(st);
        st = NULL;
    }
    return rc;
}

/* S's packed index, or NULL. */
static const cl *find_index(const clset *s)
{
    return s->blocks > s->nclusters ? &s->v[s->nclusters] : NULL;
}

/* The item ID among S's v[from..to), which are in id order, or NULL. */
static const cl *find_between(const clset *s, size_t from, size_t to, int64_t id)
{
    size_t lo = from, hi = to;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->v[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < to && s->v[lo].id == id ? &s->v[lo] : NULL;
}

/* S's entry block ID, or NULL. */
static const cl *find_block(const clset *s, int64_t id)
{
    return find_between(s, s->blocks, s->n, id);
}

/* --- where the clusters' data lie in the file: SQLite's table b-tree --- */

typedef struct img {
    const unsigned char *f;
    uint64_t size;
    uint32_t psz, usable;
} img;

static const unsigned char *page(const img *m, uint64_t pgno)
{
    if (pgno < 1 || pgno > m->size / m->psz)
        return NULL;
    return m->f + (pgno - 1) * m->psz;
}

static smz_err add_ext(ctx *c, uint64_t off, uint64_t len)
{
    if (!len)
        return SMZ_OK;
    if (c->n_ext && c->ext[c->n_ext - 1].off + c->ext[c->n_ext - 1].len == off) {
        c->ext[c->n_ext - 1].len += len;
        return SMZ_OK;
    }
    if (c->n_ext == c->cap_ext) {
        size_t cap = c->cap_ext ? 2 * c->cap_ext : 1024;
        extent *n = realloc(c->ext, cap * sizeof *n);
        if (!n)
            return fail(c, SMZ_E_NOMEM, "out of memory");
        c->ext = n;
        c->cap_ext = cap;
    }
    c->ext[c->n_ext].off = off;
    c->ext[c->n_ext].len = len;
    c->n_ext++;
    return SMZ_OK;
}

static uint64_t serial_len(uint64_t t)
{
    static const unsigned char fixed[12] = {0, 1, 2, 3, 4, 6, 8, 8, 0, 0, 0, 0};
    return t < 12 ? fixed[t] : (t - 12 - (t & 1)) / 2;
}

/* One leaf cell of the clusters table (or search_packed): the extents of
 * its last column, the NCOLS-th. */
static smz_err leaf_cell(ctx *c, const img *m, uint64_t pgno, const unsigned char *cell, int ncols,
                         clset *s, size_t *next)
{
    const unsigned char *pg = page(m, pgno), *end = pg + m->usable;
    smz_sqlite_cell sc;
    int lc = smz_sqlite_leaf_cell(cell, end, m->usable, &sc);
    if (lc == -1)
        return fail(c, SMZ_E_INTERNAL, "cluster b-tree: bad cell on page %llu",
                    (unsigned long long)pgno);
    if (lc != 0)
        return fail(c, SMZ_E_INTERNAL, "cluster b-tree: cell outside page %llu",
                    (unsigned long long)pgno);
    const unsigned char *local = cell + sc.head;
    uint64_t P = sc.payload, rowid = sc.rowid, U = m->usable, nlocal = sc.local;
    /* The record header is within the local part (a few bytes, and the local
     * part is at least M, about 230 bytes). */
    uint64_t hs, t, off;
    int h = smz_sqlite_varint(local, local + nlocal, &hs);
    if (h < 0 || hs > nlocal)
        return fail(c, SMZ_E_INTERNAL, "cluster b-tree: record header not local");
    off = hs;
    const unsigned char *q = local + h;
    for (int col = 0; col < ncols; col++) {
        int k = smz_sqlite_varint(q, local + hs, &t);
        if (k < 0)
            return fail(c, SMZ_E_INTERNAL, "cluster b-tree: bad record header");
        q += k;
        if (col < ncols - 1)
            off += serial_len(t);
    }
    uint64_t dlen = serial_len(t);
    if (*next >= s->n || s->v[*next].id != (int64_t)rowid || s->v[*next].len != dlen || off + dlen != P)
        return fail(c, SMZ_E_INTERNAL, "cluster b-tree: row %llu is not the one SQLite gave",
                    (unsigned long long)rowid);
    cl *x = &s->v[(*next)++];
    x->first_ext = c->n_ext;
    /* Walk the payload: the local part, then each overflow page's U-4 bytes. */
    uint64_t pos = 0, seg_len = nlocal, seg_off = (uint64_t)(local - m->f),
             ov = P > nlocal ? smz_sqlite_be32(local + nlocal) : 0;
    smz_err rc;
    for (unsigned guard = 0;; guard++) {
        uint64_t lo = pos > off ? pos : off, hi = pos + seg_len < P ? pos + seg_len : P;
        if (hi > lo && (rc = add_ext(c, seg_off + (lo - pos), hi - lo)) != SMZ_OK)
            return rc;
        pos += seg_len;
        if (pos >= P)
            break;
        const unsigned char *op = page(m, ov);
        if (!op || guard > m->size / m->psz)
            return fail(c, SMZ_E_INTERNAL, "cluster b-tree: bad overflow page %llu",
                        (unsigned long long)ov);
        seg_off = (uint64_t)(op - m->f) + 4;
        seg_len = U - 4;
        ov = smz_sqlite_be32(op);
    }
    x->n_ext = c->n_ext - x->first_ext;
    return SMZ_OK;
}

static smz_err walk(ctx *c, const img *m, uint64_t pgno, int ncols, clset *s, size_t *next, int depth)
{
    const unsigned char *pg = page(m, pgno);
    if (!pg || depth > 40)
        return fail(c, SMZ_E_INTERNAL, "cluster b-tree: bad page %llu", (unsigned long long)pgno);
    const unsigned char *h = pg + (pgno == 1 ? 100 : 0);
    unsigned type = h[0], n = (unsigned)h[3] << 8 | h[4];
    int interior = type == 0x05;
    if (type != 0x05 && type != 0x0d)
        return fail(c, SMZ_E_INTERNAL, "cluster b-tree: page %llu is not a table page",
                    (unsigned long long)pgno);
    const unsigned char *ptrs = h + (interior ? 12 : 8);
    if (ptrs + 2 * n > pg + m->usable)
        return fail(c, SMZ_E_INTERNAL, "cluster b-tree: page %llu overfull", (unsigned long long)pgno);
    smz_err rc;
    for (unsigned i = 0; i < n; i++) {
        unsigned co = (unsigned)ptrs[2 * i] << 8 | ptrs[2 * i + 1];
        if (co + 4 > m->usable)
            return fail(c, SMZ_E_INTERNAL, "cluster b-tree: bad cell pointer");
        rc = interior ? walk(c, m, smz_sqlite_be32(pg + co), ncols, s, next, depth + 1)
                      : leaf_cell(c, m, pgno, pg + co, ncols, s, next);
        if (rc != SMZ_OK)
            return rc;
    }
    return interior ? walk(c, m, smz_sqlite_be32(h + 8), ncols, s, next, depth + 1) : SMZ_OK;
}

/* Sets each of S's clusters' extents in NEW's file image F (C->ext), and
 * checks that they hold exactly the bytes SQLite gave. */
static smz_err locate(ctx *c, smz_reader *r, const unsigned char *f, uint64_t size, clset *s)
{
    sqlite3_stmt *st = NULL;
    sqlite3 *db = smz__reader_db(r);
    int64_t root = 0, index_root = 0, blocks_root = 0;
    if (sqlite3_prepare_v2(
            db,
            "SELECT (SELECT rootpage FROM sqlite_schema WHERE type='table' AND name='clusters'), "
            "(SELECT rootpage FROM sqlite_schema WHERE type='table' AND name='search_packed'), "
            "(SELECT rootpage FROM sqlite_schema WHERE type='table' AND name='entry_blocks')",
            -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
        root = sqlite3_column_int64(st, 0);
        index_root = sqlite3_column_int64(st, 1);
        blocks_root = sqlite3_column_int64(st, 2);
    }
    sqlite3_finalize(st);
    img m = {f, size, (uint32_t)f[16] << 8 | f[17], 0};
    if (m.psz == 1)
        m.psz = 65536;
    m.usable = m.psz - f[20];
    if (root < 1 || m.psz < 512 || m.usable < 480)
        return fail(c, SMZ_E_INTERNAL, "cluster b-tree: no root");
    size_t next = 0;
    smz_err rc = walk(c, &m, (uint64_t)root, 5, s, &next, 0);
    if (rc == SMZ_OK && next != s->nclusters)
        rc = fail(c, SMZ_E_INTERNAL, "cluster b-tree: %zu clusters found of %zu", next, s->nclusters);
    if (rc == SMZ_OK && find_index(s))
        rc = index_root > 0 ? walk(c, &m, (uint64_t)index_root, 3, s, &next, 0)
                            : fail(c, SMZ_E_INTERNAL, "search_packed b-tree: no root");
    if (rc == SMZ_OK && s->n > s->blocks)
        rc = blocks_root > 0 ? walk(c, &m, (uint64_t)blocks_root, 3, s, &next, 0)
                             : fail(c, SMZ_E_INTERNAL, "entry_blocks b-tree: no root");
    if (rc == SMZ_OK && next != s->n)
        rc = fail(c, SMZ_E_INTERNAL, "cluster b-tree: %zu clusters found of %zu", next, s->n);
    for (size_t i = 0; rc == SMZ_OK && i < s->n; i++) {
        const unsigned char *d = s->v[i].data;
        for (size_t k = 0; k < s->v[i].n_ext; k++) {
            const extent *e = &c->ext[s->v[i].first_ext + k];
            if (memcmp(f + e->off, d, e->len) != 0)
                return fail(c, SMZ_E_INTERNAL, "cluster b-tree: cluster %lld misplaced",
                            (long long)s->v[i].id);
            d += e->len;
        }
        if (d != (const unsigned char *)s->v[i].data + s->v[i].len)
            return fail(c, SMZ_E_INTERNAL, "cluster b-tree: cluster %lld short", (long long)s->v[i].id);
    }
    return rc;
}

/* --- zstd --- */

static unsigned window_for(uint64_t prefix, uint64_t src)
{
    unsigned w = 10;
    while (w < 31 && ((uint64_t)1 << w) < prefix + src)
        w++;
    return w;
}

/* SRC compressed with PREFIX as zstd's prefix into *OUT (malloc'd); with
 * CHECK, the frame carries its content checksum (the payloads': damage is
 * then told as such; the table and the skeleton need none, NEW's SHA-256
 * covers what they give). */
static smz_err zdelta(ctx *c, ZSTD_CCtx *cc, const void *prefix, size_t plen, const void *src,
                      size_t slen, int check, unsigned char **out, size_t *olen)
{
    size_t bound = ZSTD_compressBound(slen);
    unsigned wlog = window_for(plen, slen);
    if (!(*out = malloc(bound)))
        return fail(c, SMZ_E_NOMEM, "out of memory");
    ZSTD_CCtx_reset(cc, ZSTD_reset_session_and_parameters);
    ZSTD_CCtx_setParameter(cc, ZSTD_c_compressionLevel, DELTA_LEVEL);
    ZSTD_CCtx_setParameter(cc, ZSTD_c_windowLog, (int)wlog);
    ZSTD_CCtx_setParameter(cc, ZSTD_c_enableLongDistanceMatching, 1);
    ZSTD_CCtx_setParameter(cc, ZSTD_c_contentSizeFlag, 1);
    ZSTD_CCtx_setParameter(cc, ZSTD_c_checksumFlag, check);
    size_t r = plen ? ZSTD_CCtx_refPrefix(cc, prefix, plen) : 0;
    if (!ZSTD_isError(r))
        r = ZSTD_compress2(cc, *out, bound, src, slen);
    if (ZSTD_isError(r)) {
        free(*out);
        *out = NULL;
        return fail(c, SMZ_E_INTERNAL, "zstd: %s", ZSTD_getErrorName(r));
    }
    *olen = r;
    return SMZ_OK;
}

/* Decodes the frame IN (INLEN bytes, untrusted) with PREFIX into exactly
 * WANT bytes at OUT. */
static smz_err zundelta(ctx *c, ZSTD_DCtx *dc, const void *prefix, size_t plen, const void *in,
                        size_t inlen, void *out, size_t want, const char *what)
{
    unsigned long long cs = ZSTD_getFrameContentSize(in, inlen);
    if (cs != want || ZSTD_findFrameCompressedSize(in, inlen) != inlen)
        return fail(c, SMZ_E_CORRUPT, "the update is damaged (%s: not one frame of the size it names)",
                    what);
    ZSTD_DCtx_reset(dc, ZSTD_reset_session_and_parameters);
    ZSTD_DCtx_setParameter(dc, ZSTD_d_windowLogMax, (int)window_for(plen, want));
    size_t r = plen ? ZSTD_DCtx_refPrefix(dc, prefix, plen) : 0;
    if (!ZSTD_isError(r))
        r = ZSTD_decompressDCtx(dc, out, want, in, inlen);
    if (ZSTD_isError(r) || r != want)
        return fail(c, SMZ_E_CORRUPT, "the update is damaged (%s: %s)", what,
                    ZSTD_isError(r) ? ZSTD_getErrorName(r) : "short");
    return SMZ_OK;
}

/* DEC compressed as the writer compresses a cluster (lib/writer.c,
 * compress_job), at LEVEL, into *OUT (malloc'd). */
static smz_err recompress(ctx *c, ZSTD_CCtx *cc, int level, int checksum, const void *dec, size_t dlen,
                          unsigned char **out, size_t *olen)
{
    size_t bound = ZSTD_compressBound(dlen);
    if (!(*out = malloc(bound)))
        return fail(c, SMZ_E_NOMEM, "out of memory");
    size_t r = smz__zstd_frame(cc, level, checksum, *out, bound, dec, dlen);
    if (ZSTD_isError(r)) {
        free(*out);
        *out = NULL;
        return fail(c, SMZ_E_INTERNAL, "zstd: %s", ZSTD_getErrorName(r));
    }
    *olen = r;
    return SMZ_OK;
}

/* What patch knows of NEW before it has its pages, put after OLD's bytes
 * in the skeleton's prefix: NEW's content digest as its metadata `Digest`
 * holds it (64 hex digits) and the UUID made from it (format.c), which
 * NEW's metadata page then costs a few bytes each to name instead of 50
 * or so.  Returns how many bytes (at most UPD_HINTS). */
static size_t hints(const upd_header *h, unsigned char *out)
{
    char hx[65], uuid[37];
    hex(h->new_digest, 32, hx);
    smz__uuid_from_digest(h->new_digest, uuid);
    memcpy(out, hx, 64);
    memcpy(out + 64, uuid, 36);
    return 100;
}

/* A kind 1 cluster's decoded bytes (malloc'd, USIZE of them). */
static smz_err decode(ctx *c, ZSTD_DCtx *dc, const cl *x, unsigned char **out)
{
    if (!(*out = malloc(x->usize ? (size_t)x->usize : 1)))
        return fail(c, SMZ_E_NOMEM, "out of memory");
    size_t r = ZSTD_decompressDCtx(dc, *out, (size_t)x->usize, x->data, x->len);
    if (ZSTD_isError(r) || r != (size_t)x->usize) {
        free(*out);
        *out = NULL;
        return fail(c, SMZ_E_CORRUPT, "cluster %lld does not decode", (long long)x->id);
    }
    return SMZ_OK;
}

/* The prefix a delta of OLD's item X is made against: X's decoded bytes, and
 * for an entry block the next block's after them (an entry added near a
 * block's end moves the boundary: what the new block holds is then in two
 * old ones).  *out is malloc'd, *len its length. */
/* An entry block in the form deltas take (smz__entries_offsets): *A
 * (LEN bytes, malloc'd) is replaced by it, or kept when it is not laid out
 * as a block (OLD's bytes: patch does the same with the same bytes). */
static smz_err offsets_form(ctx *c, unsigned char **a, size_t *len)
{
    unsigned char *t = NULL;
    size_t tl = 0;
    smz_err rc = smz__entries_offsets(*a, *len, 1, 0, &t, &tl);
    if (rc == SMZ_E_NOMEM)
        return fail(c, rc, "out of memory");
    if (rc == SMZ_OK) {
        free(*a);
        *a = t;
        *len = tl;
    }
    return SMZ_OK;
}

/* The prefix for a delta against OLD's X: its decoded bytes; an entry
 * block's in the offsets' form, followed by the next block's so (an added
 * entry moves block boundaries). */
static smz_err decode_prefix(ctx *c, ZSTD_DCtx *dc, const clset *s, const cl *x, unsigned char **out,
                             size_t *len)
{
    unsigned char *a = NULL, *b = NULL;
    size_t al = (size_t)x->usize, bl = 0;
    smz_err rc = decode(c, dc, x, &a);
    *out = NULL;
    *len = 0;
    if (rc != SMZ_OK)
        return rc;
    if (x->kind != KIND_ENTRIES) {
        *out = a;
        *len = al;
        return SMZ_OK;
    }
    const cl *next = x + 1 < s->v + s->n && x[1].kind == KIND_ENTRIES ? x + 1 : NULL;
    if ((rc = offsets_form(c, &a, &al)) != SMZ_OK)
        goto out;
    if (next && ((rc = decode(c, dc, next, &b)) != SMZ_OK || (bl = (size_t)next->usize, 0) ||
                 (rc = offsets_form(c, &b, &bl)) != SMZ_OK))
        goto out;
    unsigned char *both = realloc(a, al + bl + 1);
    if (!both) {
        rc = fail(c, SMZ_E_NOMEM, "out of memory");
        goto out;
    }
    a = both;
    if (bl)
        memcpy(a + al, b, bl);
    *out = a;
    *len = al + bl;
    a = NULL;
out:
    free(a);
    free(b);
    return rc;
}

/* --- the table's extents and the overflow chains' page numbers --- */

/* A place in the extents (in the table's order): the rows' data goes
 * into them one after the other, a row's next bytes where the one before
 * stopped. */
typedef struct ecur {
    const extent *e;
    size_t n, i;   /* the extents, and the one the next bytes go to */
    uint64_t used; /* ... its bytes already taken */
} ecur;

/* The next piece of at most LEFT bytes: where it lies (*OFF) and how long
 * it is (*TAKE).  0 when the extents have run out. */
static int ecur_next(ecur *k, uint64_t left, uint64_t *off, uint64_t *take)
{
    if (k->i >= k->n)
        return 0;
    uint64_t len = k->e[k->i].len - k->used;
    *off = k->e[k->i].off + k->used;
    *take = len < left ? len : left;
    if ((k->used += *take) == k->e[k->i].len) {
        k->i++;
        k->used = 0;
    }
    return 1;
}

enum chain_op { CHAIN_CHECK, CHAIN_ZERO, CHAIN_FILL };

/* One page number of a chain at AT (4 bytes, big-endian) as OP says. */
static int chain_at(unsigned char *nf, uint64_t nlen, uint64_t at, uint64_t pg, enum chain_op op)
{
    unsigned char want[4];
    if (at > nlen - 4 || pg > 0xffffffffu)
        return 0;
    smz_sqlite_put_be32(want, (uint32_t)pg);
    switch (op) {
    case CHAIN_CHECK: return !memcmp(nf + at, want, 4);
    case CHAIN_ZERO: memset(nf + at, 0, 4); return 1;
    case CHAIN_FILL: memcpy(nf + at, want, 4); return 1;
    }
    return 0;
}

/* The page numbers that link each row's pages (SQLite's file format,
 * 1.6).  Row i's data is the next DL[i] bytes of the extents EXT (NE of
 * them, in the table's order): a piece in its leaf cell, followed by the
 * number of its first overflow page, then a piece in each overflow page,
 * 4 bytes after the page's start, where the next one's number is (0 on
 * the last).  Those numbers follow from the extents, so an update need not
 * carry them: CHECK says whether NF (NLEN bytes; its header gives the page
 * size) holds exactly them (1) or not (0), ZERO sets them to zero (in the
 * skeleton), FILL writes them.  0 also when they cannot be placed. */
static int chains(unsigned char *nf, uint64_t nlen, const uint64_t *dl, size_t n, const extent *ext,
                  size_t ne, enum chain_op op)
{
    if (nlen < 100)
        return 0;
    uint64_t psz = ((uint64_t)nf[16] << 8) | nf[17];
    if (psz == 1)
        psz = 65536;
    if (psz < 512 || psz > 65536 || (psz & (psz - 1)))
        return 0;
    ecur k = {ext, ne, 0, 0};
    for (size_t i = 0; i < n; i++) {
        uint64_t slot = 0; /* where the number of the next piece's page goes */
        size_t pieces = 0;
        for (uint64_t left = dl[i], off, take; left; left -= take, pieces++) {
            if (!ecur_next(&k, left, &off, &take))
                return 0;
            if (pieces) {
                if (off < 4 || (off - 4) % psz || !chain_at(nf, nlen, slot, (off - 4) / psz + 1, op))
                    return 0;
                slot = off - 4;
            } else
                slot = off + take;
        }
        if (pieces > 1 && !chain_at(nf, nlen, slot, 0, op))
            return 0;
    }
    return 1;
}

/* --- writing a file atomically --- */

typedef struct outf {
    int fd;
    char *tmp; /* a named temporary file, or NULL for an unnamed one */
    const char *path;
} outf;

static smz_err out_open(ctx *c, outf *o, const char *path)
{
    o->path = path;
    o->tmp = NULL;
    const char *slash = strrchr(path, '/');
    size_t n = strlen(path) + 32;
    char *dir = strndup(path, slash ? (size_t)(slash - path) + 1 : 0);
    if (!dir)
        return fail(c, SMZ_E_NOMEM, "out of memory");
    /* An unnamed file first: a kill -9 then leaves nothing at all. */
    o->fd = open(*dir ? dir : ".", O_TMPFILE | O_RDWR | O_CLOEXEC, 0644);
    free(dir);
    if (o->fd >= 0)
        return SMZ_OK;
    if (!(o->tmp = malloc(n)))
        return fail(c, SMZ_E_NOMEM, "out of memory");
    snprintf(o->tmp, n, "%.*s.%s.partial-XXXXXX", slash ? (int)(slash - path + 1) : 0, path,
             slash ? slash + 1 : path);
    if ((o->fd = mkstemp(o->tmp)) >= 0)
        smz_file_chmod(o->tmp, o->fd, 0644); /* mkstemp's 0600, as smz_file_write does */
    if (o->fd < 0) {
        int e = errno;
        free(o->tmp);
        o->tmp = NULL;
        return fail(c, e == ENOSPC ? SMZ_E_NOSPACE : SMZ_E_IO, "cannot create a file beside %s: %s",
                    path, strerror(e));
    }
    return SMZ_OK;
}

static smz_err out_write(ctx *c, outf *o, const void *buf, uint64_t len)
{
    const unsigned char *p = buf;
    while (len) {
        ssize_t w = write(o->fd, p, len > ((size_t)1 << 30) ? ((size_t)1 << 30) : len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0) {
            if (errno == ENOSPC || errno == EDQUOT)
                return fail(c, SMZ_E_NOSPACE, "disk full writing %s", o->path);
            return fail(c, SMZ_E_IO, "cannot write %s: %s", o->path, strerror(errno));
        }
        p += w;
        len -= (uint64_t)w;
    }
    return SMZ_OK;
}

/* A path by which the file being written can be opened again (to check it). */
static void out_name(const outf *o, char *buf, size_t n)
{
    if (o->tmp)
        snprintf(buf, n, "%s", o->tmp);
    else
        snprintf(buf, n, "/proc/self/fd/%d", o->fd);
}

/* Syncs the file and gives it a name beside its target (an unnamed file a
 * hidden one), so that it can be opened to check it, then renamed. */
static smz_err out_link(ctx *c, outf *o)
{
    if (fsync(o->fd) != 0)
        return fail(c, errno == ENOSPC ? SMZ_E_NOSPACE : SMZ_E_IO, "cannot write %s: %s", o->path,
                    strerror(errno));
    if (!o->tmp) {
        /* Give the unnamed file a hidden name beside OUT, then rename it:
         * linkat cannot replace an existing OUT. */
        char proc[64];
        size_t n = strlen(o->path) + 32;
        const char *slash = strrchr(o->path, '/');
        out_name(o, proc, sizeof proc);
        if (!(o->tmp = malloc(n)))
            return fail(c, SMZ_E_NOMEM, "out of memory");
        for (int tries = 0;; tries++) {
            unsigned char rnd[6];
            char h[13];
            randombytes_buf(rnd, sizeof rnd);
            hex(rnd, sizeof rnd, h);
            snprintf(o->tmp, n, "%.*s.%s.partial-%s", slash ? (int)(slash - o->path + 1) : 0, o->path,
                     slash ? slash + 1 : o->path, h);
            if (linkat(AT_FDCWD, proc, AT_FDCWD, o->tmp, AT_SYMLINK_FOLLOW) == 0)
                break;
            if (errno != EEXIST || tries > 8) {
                int e = errno;
                free(o->tmp);
                o->tmp = NULL;
                return fail(c, SMZ_E_IO, "cannot name %s: %s", o->path, strerror(e));
            }
        }
    }
    return SMZ_OK;
}

static smz_err out_commit(ctx *c, outf *o)
{
    smz_err rc;
    if (!o->tmp && (rc = out_link(c, o)) != SMZ_OK)
        return rc;
    if (rename(o->tmp, o->path) != 0)
        return fail(c, SMZ_E_IO, "cannot rename %s to %s: %s", o->tmp, o->path, strerror(errno));
    free(o->tmp);
    o->tmp = NULL;
    return SMZ_OK;
}

static void out_abort(outf *o)
{
    if (o->fd >= 0)
        close(o->fd);
    o->fd = -1;
    if (o->tmp)
        unlink(o->tmp);
    free(o->tmp);
    o->tmp = NULL;
}

/* --- diff --- */

typedef struct pair {
    int64_t n, o;
} pair;

static int pair_cmp(const void *a, const void *b)
{
    const pair *x = a, *y = b;
    return x->n != y->n ? (x->n < y->n ? -1 : 1) : x->o != y->o ? (x->o < y->o ? -1 : 1) : 0;
}

typedef struct pc {
    char *path;
    int64_t cluster;
} pc;

static smz_err entry_clusters(ctx *c, smz_reader *r, pc **out, size_t *n)
{
    sqlite3_stmt *st = NULL;
    size_t cap = 0;
    smz_err rc = SMZ_OK;
    *out = NULL;
    *n = 0;
    if (sqlite3_prepare_v2(smz__reader_db(r),
                           "SELECT path, cluster FROM entries WHERE cluster IS NOT NULL", -1, &st,
                           NULL) != SQLITE_OK)
        return fail(c, SMZ_E_CORRUPT, "cannot list entries: %s", sqlite3_errmsg(smz__reader_db(r)));
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? 2 * cap : 256;
            pc *nv = realloc(*out, cap * sizeof *nv);
            if (!nv) {
                rc = fail(c, SMZ_E_NOMEM, "out of memory");
                goto done;
            }
            *out = nv;
        }
        const char *p = (const char *)sqlite3_column_text(st, 0);
        if (!p || !((*out)[*n].path = strdup(p)))
            continue;
        (*out)[*n].cluster = sqlite3_column_int64(st, 1);
        (*n)++;
    }
done:
    sqlite3_finalize(st);
    return rc;
}

static void pc_free(pc *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i].path);
    free(v);
}

/* S's cluster ID, or NULL. */
static const cl *find_id(const clset *s, int64_t id)
{
    return find_between(s, 0, s->nclusters, id);
}

/* For each NEW cluster, the OLD cluster that shares the most entry paths
 * with it (the same id when none does), in CP[i] (0: none). */
static smz_err counterparts(ctx *c, smz_reader *ro, smz_reader *rn, const clset *os, const clset *ns,
                            int64_t *cp)
{
    pc *a = NULL, *b = NULL;
    size_t na = 0, nb = 0, np = 0;
    pair *pairs = NULL;
    smz_err rc;
    if ((rc = entry_clusters(c, ro, &a, &na)) != SMZ_OK ||
        (rc = entry_clusters(c, rn, &b, &nb)) != SMZ_OK)
        goto out;
    if (!(pairs = malloc((nb ? nb : 1) * sizeof *pairs))) {
        rc = fail(c, SMZ_E_NOMEM, "out of memory");
        goto out;
    }
    /* Both lists are in path order (the entries table's key). */
    for (size_t i = 0, j = 0; i < na && j < nb;) {
        int d = strcmp(a[i].path, b[j].path);
        if (d == 0)
            pairs[np++] = (pair){b[j++].cluster, a[i++].cluster};
        else if (d < 0)
            i++;
        else
            j++;
    }
    qsort(pairs, np, sizeof *pairs, pair_cmp);
    for (size_t i = 0; i < ns->nclusters; i++)
        cp[i] = find_id(os, ns->v[i].id) ? ns->v[i].id : 0;
    if (find_index(ns) && find_index(os)) /* the packed index: the old one */
        cp[ns->nclusters] = find_index(os)->id;
    /* An entry block: the old block its first path falls in (the last whose
     * first path is not after it), or the first. */
    for (size_t i = ns->blocks, j = os->blocks; i < ns->n && os->n > os->blocks; i++) {
        while (j + 1 < os->n && strcmp(os->v[j + 1].first, ns->v[i].first) <= 0)
            j++;
        cp[i] = os->v[j].id;
    }
    for (size_t i = 0, k = 0; i < ns->nclusters; i++) {
        size_t best = 0;
        while (k < np && pairs[k].n < ns->v[i].id)
            k++;
        while (k < np && pairs[k].n == ns->v[i].id) {
            size_t run = 1;
            while (k + run < np && pairs[k + run].n == pairs[k].n && pairs[k + run].o == pairs[k].o)
                run++;
            const cl *o = find_id(os, pairs[k].o);
            if (run > best && o && o->kind == ns->v[i].kind) {
                best = run;
                cp[i] = pairs[k].o;
            }
            k += run;
        }
    }
out:
    free(pairs);
    pc_free(a, na);
    pc_free(b, nb);
    return rc;
}

static int hash_cmp(const void *a, const void *b)
{
    return memcmp(((const cl *)a)->hash, ((const cl *)b)->hash, 16);
}

/* OLD's item with exactly X's kind and stored bytes (BYHASH: OLD's items
 * by hash_cmp), or NULL. */
static const cl *held_as_is(const clset *byhash, const cl *x)
{
    const cl *same = bsearch(x, byhash->v, byhash->n, sizeof *byhash->v, hash_cmp);
    return same && same->kind == x->kind && same->len == x->len && !memcmp(same->data, x->data, x->len)
               ? same
               : NULL;
}

static smz_err open_archive(ctx *c, const char *path, smz_reader **r)
{
    smz_err rc = smz_reader_open_lang(path, NULL, c->lang, r);
    if (rc != SMZ_OK)
        return fail(c, rc, "%s: %s", path, *r ? smz_reader_errmsg(*r) : smz_strerror(rc));
    return SMZ_OK;
}

/* The zstd level that compresses DEC (LEN bytes; with a checksum when
 * CHECKSUM) into exactly X's bytes, as patch will: *LEVEL first (the
 * archive's, once found: *KNOWN), then, while it is not known, every other
 * from 1 to 22 (the archive does not say its level); none when *LEVEL is 0
 * (no level reproduced an earlier cluster).  *FOUND: 1 when one does. */
static smz_err find_level(ctx *c, ZSTD_CCtx *cc, const void *dec, size_t len, int checksum, const cl *x,
                          int *level, int *known, int *found)
{
    unsigned char *re = NULL;
    size_t relen = 0;
    smz_err rc = SMZ_OK;
    *found = 0;
    for (int k = 0; *level > 0 && !*found && k <= 22; k++) {
        int lv = k == 0 ? *level : k;
        if (k > 0 && *known)
            break; /* the archive's level no longer reproduces: carry this one */
        if (k > 0 && k == *level)
            continue;
        free(re);
        re = NULL;
        if ((rc = recompress(c, cc, lv, checksum, dec, len, &re, &relen)) != SMZ_OK)
            break;
        if (relen == x->len && !memcmp(re, x->data, relen)) {
            *found = *known = 1;
            *level = lv;
        }
    }
    free(re);
    return rc;
}

/* A packed index NEW's pages give again (pack/reindex.h) is carried as
 * the list that says how: R becomes OP_REBUILD with the list, compressed,
 * as *PAYLOAD.  Anything else (the rebuilt index differs, no level
 * compresses it into NEW's bytes, the rebuild fails) leaves R as it was,
 * for a delta; only running out of memory is an error. */
static smz_err try_rebuild(ctx *c, ZSTD_CCtx *cc, ZSTD_DCtx *dc, const char *new_path, const cl *x,
                           int *level, int *level_known, rec *R, unsigned char **payload)
{
    unsigned char *list = NULL, *ser = NULL, *ndec = NULL, *z = NULL;
    size_t llen = 0, slen = 0, zlen = 0;
    int stem = 0, found = 0;
    char e2[256];
    smz_err rc = smz__reindex_list(new_path, c->lang, &list, &llen, &stem, e2, sizeof e2);
    if (rc == SMZ_OK)
        rc = smz__reindex_build(new_path, c->lang, list, llen, stem, &ser, &slen, e2, sizeof e2);
    if (rc == SMZ_OK)
        rc = decode(c, dc, x, &ndec);
    if (rc != SMZ_OK || slen != (size_t)x->usize || memcmp(ser, ndec, slen))
        goto out;
    if ((rc = find_level(c, cc, ser, slen, 1, x, level, level_known, &found)) != SMZ_OK)
        goto out;
    if (found && (rc = zdelta(c, cc, NULL, 0, list, llen, 1, &z, &zlen)) == SMZ_OK) {
        R->op = OP_REBUILD;
        R->old_id = stem;
        R->level = (uint8_t)*level;
        R->payload_len = zlen;
        *payload = z;
        z = NULL;
    }
out:
    free(list);
    free(ser);
    free(ndec);
    free(z);
    if (rc == SMZ_E_NOMEM)
        return fail(c, rc, "out of memory");
    if (c->errlen)
        c->err[0] = 0;
    return SMZ_OK;
}

static int id_cmp(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* NEW's cluster X (decoded: DEC) without the article pages that render
 * again as they are and that OLD's cluster OLD_ID (decoded: PRE, PLEN
 * bytes; its pages in OLDS) does not hold as they are (delta_pages.h),
 * compressed against PRE: when there are such pages, *D (*DLEN) becomes
 * the payload (the list's length, the list, the frame), *PAGED 1, and
 * *CUT (*CUT_LEN) the bytes without the pages. */
static smz_err try_pages(ctx *c, ZSTD_CCtx *cc, dp_set *dps, const dp_set *olds, int64_t old_id,
                         const cl *x, const unsigned char *dec, const unsigned char *pre, size_t plen,
                         unsigned char **d, size_t *dlen, unsigned char **cut, size_t *cut_len,
                         int *paged)
{
    unsigned char *list = NULL, *cb = NULL, *z = NULL, *pay = NULL;
    size_t ll = 0, cl_ = 0, zl = 0, np = 0;
    smz_err rc = smz__dp_cut(dps, x->id, dec, (size_t)x->usize, olds, old_id, pre, plen, &list, &ll, &cb,
                             &cl_, &np);
    *paged = 0;
    if (rc != SMZ_OK) {
        rc = fail(c, rc, "out of memory");
        goto out;
    }
    if (!np)
        goto out;
    if ((rc = zdelta(c, cc, pre, plen, cb, cl_, 1, &z, &zl)) != SMZ_OK)
        goto out;
    if (!(pay = malloc(10 + ll + zl))) {
        rc = fail(c, SMZ_E_NOMEM, "out of memory");
        goto out;
    }
    size_t at = smz_varint_put(pay, ll);
    memcpy(pay + at, list, ll);
    memcpy(pay + at + ll, z, zl);
    free(*d);
    *d = pay;
    *dlen = at + ll + zl;
    pay = NULL;
    *cut = cb;
    *cut_len = cl_;
    cb = NULL;
    *paged = 1;
out:
    free(list);
    free(cb);
    free(z);
    free(pay);
    return rc;
}

/* The candidates for an entry block's delta's first prefix (rec.aux):
 * NEW's zstd clusters that OLD does not hold as they are, of at most
 * AUX_MAX decoded bytes, the first AUX_TRIES of them. */
#define AUX_TRIES 2

/* Tries the entry block SRC (SLEN bytes; *D, *DLEN its delta against the
 * prefix *ODEC, *OLEN) against each candidate cluster's decoded bytes
 * (kept in NDECS, by NS's index; CUTS', CUT_LENS' when its pages are
 * rendered again) followed by *ODEC, and keeps the smallest
 * delta in *D, *DLEN, its cluster in *AUX (0: none), and the prefix it
 * was made against in *ODEC. */
static smz_err entries_aux(ctx *c, ZSTD_CCtx *cc, ZSTD_DCtx *dc, const clset *ns, const rec *recs,
                           unsigned char **ndecs, unsigned char *const *cuts, const size_t *cut_lens,
                           unsigned char **odec, size_t *olen, const unsigned char *src, size_t slen,
                           unsigned char **d, size_t *dlen, int64_t *aux)
{
    smz_err rc = SMZ_OK;
    unsigned char *best = NULL; /* the winning prefix, when a cluster's */
    size_t best_len = 0;
    int tries = 0;
    *aux = 0;
    for (size_t j = 0; j < ns->nclusters && tries < AUX_TRIES; j++) {
        const cl *y = &ns->v[j];
        if (y->kind != 1 || recs[j].op == OP_COPY || (uint64_t)y->usize > AUX_MAX)
            continue;
        tries++;
        /* A cluster whose pages are rendered again: its bytes as patch
         * has them when it reads the entry blocks, without the pages. */
        if (!cuts[j] && !ndecs[j] && (rc = decode(c, dc, y, &ndecs[j])) != SMZ_OK)
            break;
        const unsigned char *yb = cuts[j] ? cuts[j] : ndecs[j];
        size_t yl = cuts[j] ? cut_lens[j] : (size_t)y->usize;
        size_t pl = yl + *olen, tl = 0;
        unsigned char *pre = malloc(pl + 1), *t = NULL;
        if (!pre) {
            rc = fail(c, SMZ_E_NOMEM, "out of memory");
            break;
        }
        memcpy(pre, yb, yl);
        memcpy(pre + yl, *odec, *olen);
        if ((rc = zdelta(c, cc, pre, pl, src, slen, 1, &t, &tl)) != SMZ_OK) {
            free(pre);
            break;
        }
        if (tl < *dlen) {
            free(*d);
            *d = t;
            *dlen = tl;
            free(best);
            best = pre;
            best_len = pl;
            *aux = y->id;
        } else {
            free(t);
            free(pre);
        }
    }
    if (best) {
        free(*odec);
        *odec = best;
        *olen = best_len;
    }
    return rc;
}

smz_err smz_delta_diff(const char *old_path, const char *new_path, const char *upd_path,
                       smz_delta_stats *stp, int lang, char *err, size_t errlen)
{
    ctx c = {.err = err, .errlen = errlen, .lang = lang};
    smz_err rc;
    smz_reader *ro = NULL, *rn = NULL;
    unsigned char *of = NULL, *nf = NULL, *skel = NULL, *skz = NULL, *table = NULL, *tz = NULL;
    uint64_t olen = 0, nlen = 0;
    size_t skzlen = 0, tzlen = 0;
    clset os = {0}, ns = {0}, byhash = {0};
    int64_t *cp = NULL;
    rec *recs = NULL;
    unsigned char **payload = NULL;
    ZSTD_CCtx *cc = ZSTD_createCCtx();
    ZSTD_DCtx *dc = ZSTD_createDCtx();
    outf o = {-1, NULL, NULL};
    upd_header hd;
    unsigned char hdr[UPD_HEADER_MAX], sha[32];
    smz_delta_stats st = {0};
    int level = 19, level_known = 0, chained = 0;
    uint64_t *dls = NULL;
    unsigned char **ndecs = NULL; /* NEW's clusters decoded, for the entry blocks' deltas */
    unsigned char **cuts = NULL;  /* ... and without their pages rendered again (OP_PAGES) */
    size_t *cut_lens = NULL;
    dp_set dps = {0}, odps = {0}; /* NEW's and OLD's article pages */
    int64_t *changed = NULL, *ochanged = NULL;
    if (errlen)
        err[0] = 0;
    memset(&hd, 0, sizeof hd);
    if (!cc || !dc || sodium_init() < 0) {
        rc = fail(&c, SMZ_E_NOMEM, "out of memory");
        goto out;
    }
    if ((rc = open_archive(&c, old_path, &ro)) != SMZ_OK ||
        (rc = open_archive(&c, new_path, &rn)) != SMZ_OK ||
        (rc = slurp(&c, old_path, &of, &olen)) != SMZ_OK ||
        (rc = slurp(&c, new_path, &nf, &nlen)) != SMZ_OK ||
        (rc = archive_digest(&c, ro, old_path, hd.old_digest)) != SMZ_OK ||
        (rc = archive_digest(&c, rn, new_path, hd.new_digest)) != SMZ_OK)
        goto out;
    hd.old_size = olen;
    crypto_hash_sha256(sha, of, olen);
    memcpy(hd.old_sha, sha, UPD_OLD_SHA);
    hd.new_size = nlen;
    crypto_hash_sha256(hd.new_sha, nf, nlen);
    if ((rc = load_clusters(&c, ro, old_path, &os)) != SMZ_OK ||
        (rc = load_clusters(&c, rn, new_path, &ns)) != SMZ_OK ||
        (rc = locate(&c, rn, nf, nlen, &ns)) != SMZ_OK)
        goto out;
    if (!(cp = calloc(ns.n + 1, sizeof *cp)) || !(recs = calloc(ns.n + 1, sizeof *recs)) ||
        !(payload = calloc(ns.n + 1, sizeof *payload)) ||
        !(ndecs = calloc(ns.nclusters + 1, sizeof *ndecs)) ||
        !(cuts = calloc(ns.nclusters + 1, sizeof *cuts)) ||
        !(cut_lens = calloc(ns.nclusters + 1, sizeof *cut_lens)) ||
        !(changed = malloc((ns.nclusters + 1) * sizeof *changed)) ||
        !(ochanged = malloc((ns.nclusters + 1) * sizeof *ochanged)) ||
        !(byhash.v = malloc((os.n + 1) * sizeof *byhash.v))) {
        rc = fail(&c, SMZ_E_NOMEM, "out of memory");
        goto out;
    }
    if ((rc = counterparts(&c, ro, rn, &os, &ns, cp)) != SMZ_OK)
        goto out;
    memcpy(byhash.v, os.v, os.n * sizeof *os.v);
    byhash.n = os.n;
    qsort(byhash.v, byhash.n, sizeof *byhash.v, hash_cmp);
    /* The article pages of NEW's zstd clusters that OLD does not hold as
     * they are: candidates to be rendered again (delta_pages.h). */
    size_t n_changed = 0;
    for (size_t i = 0; i < ns.nclusters; i++) {
        const cl *x = &ns.v[i];
        if (x->kind == 1 && !held_as_is(&byhash, x)) {
            ochanged[n_changed] = cp[i]; /* its counterpart, whose pages it may have as they are */
            changed[n_changed++] = x->id;
        }
    }
    qsort(ochanged, n_changed, sizeof *ochanged, id_cmp);
    for (int side = 0; n_changed && side < 2; side++) {
        smz_reader *r = side ? ro : rn;
        if ((rc = smz__dp_scan(r, side ? ochanged : changed, n_changed, side ? &odps : &dps)) !=
            SMZ_OK) {
            rc = rc == SMZ_E_NOMEM
                     ? fail(&c, rc, "out of memory")
                     : fail(&c, rc, "%s: %s", side ? old_path : new_path, smz_reader_errmsg(r));
            goto out;
        }
    }

    for (size_t i = 0; i < ns.n; i++) {
        const cl *x = &ns.v[i];
        rec *R = &recs[i];
        *R = (rec){x->id, 0, (uint8_t)x->kind, OP_RAW, 0, x->len, (uint64_t)x->usize, x->len, 0};
        const cl *same = held_as_is(&byhash, x);
        if (same) {
            R->op = OP_COPY;
            R->old_id = same->id;
            R->payload_len = 0;
            st.same++;
            continue;
        }
        if (x->kind == KIND_INDEX) {
            if ((rc = try_rebuild(&c, cc, dc, new_path, x, &level, &level_known, R, &payload[i])) !=
                SMZ_OK)
                goto out;
            if (R->op == OP_REBUILD) {
                st.rebuilt++;
                continue;
            }
        }
        const cl *old = !cp[i]                    ? NULL
                        : x->kind == KIND_INDEX   ? find_index(&os)
                        : x->kind == KIND_ENTRIES ? find_block(&os, cp[i])
                                                  : find_id(&os, cp[i]);
        unsigned char *odec = NULL, *ndec = NULL, *d = NULL;
        size_t dlen = 0;
        if (old && old->kind == 0 && x->kind == 0) {
            if ((rc = zdelta(&c, cc, old->data, old->len, x->data, x->len, 1, &d, &dlen)) != SMZ_OK)
                goto out;
            if (dlen < x->len) {
                R->op = OP_DELTA_STORED;
                R->old_id = old->id;
                R->payload_len = dlen;
                payload[i] = d;
                d = NULL;
            }
        } else if (old && old->kind == x->kind && x->kind != 0) {
            size_t olen_dec = 0;
            unsigned char *tn = NULL;
            size_t tnl = 0;
            if ((rc = decode_prefix(&c, dc, &os, old, &odec, &olen_dec)) != SMZ_OK ||
                (rc = decode(&c, dc, x, &ndec)) != SMZ_OK) {
                free(odec);
                free(ndec);
                goto out;
            }
            /* An entry block goes in the offsets' form (decode_prefix). */
            if (x->kind == KIND_ENTRIES &&
                (rc = smz__entries_offsets(ndec, (size_t)x->usize, 1, 0, &tn, &tnl)) == SMZ_E_NOMEM) {
                free(odec);
                free(ndec);
                rc = fail(&c, rc, "out of memory");
                goto out;
            }
            if (x->kind == KIND_ENTRIES && rc != SMZ_OK) {
                free(odec);
                free(ndec);
                rc = fail(&c, SMZ_E_CORRUPT, "%s: entry block %lld is damaged", new_path,
                          (long long)x->id);
                goto out;
            }
            /* A cluster with new or changed article pages that render again
             * as they are: carried without them (each page is a few bytes
             * of the list instead of a hundred or more of the delta). */
            int paged = 0;
            dlen = SIZE_MAX;
            rc = x->kind == 1 ? try_pages(&c, cc, &dps, &odps, old->id, x, ndec, odec, olen_dec, &d,
                                          &dlen, &cuts[i], &cut_lens[i], &paged)
                              : SMZ_OK;
            if (rc == SMZ_OK && !paged)
                rc = tn ? zdelta(&c, cc, odec, olen_dec, tn, tnl, 1, &d, &dlen)
                        : zdelta(&c, cc, odec, olen_dec, ndec, (size_t)x->usize, 1, &d, &dlen);
            /* An entry block names the titles and paths of pages NEW's
             * changed clusters hold: one of those clusters' decoded bytes
             * before the old blocks in the prefix spares the delta saying
             * them again (the samples' added article: 146 bytes, then 88). */
            if (rc == SMZ_OK && x->kind == KIND_ENTRIES)
                rc = entries_aux(&c, cc, dc, &ns, recs, ndecs, cuts, cut_lens, &odec, &olen_dec,
                                 tn ? tn : ndec, tn ? tnl : (size_t)x->usize, &d, &dlen, &R->aux);
            free(tn);
            if (rc != SMZ_OK) {
                free(odec);
                free(ndec);
                goto out;
            }
            /* Patch must compress the decoded bytes into exactly NEW's
             * bytes: find the level (the archive does not say it) and
             * check, once here, that this libzstd does so. */
            int found = 0;
            if (dlen < x->len &&
                (rc = find_level(&c, cc, ndec, (size_t)x->usize, x->kind != KIND_ENTRIES, x, &level,
                                 &level_known, &found)) != SMZ_OK) {
                free(odec);
                free(ndec);
                free(d);
                goto out;
            }
            if (!found && !level_known && dlen < x->len)
                level = 0; /* no level reproduces NEW's bytes: carry the clusters whole */
            if (found) {
                R->op = paged ? OP_PAGES : OP_DELTA_ZSTD;
                R->old_id = old->id;
                R->level = (uint8_t)level;
                R->payload_len = dlen;
                payload[i] = d;
                d = NULL;
            }
        }
        free(odec);
        free(ndec);
        free(d);
        if (R->op == OP_RAW)
            st.carried++;
        else
            st.delta++;
    }

    /* The skeleton: NEW with its clusters' bytes zeroed. */
    if (!(skel = malloc(nlen ? nlen : 1))) {
        rc = fail(&c, SMZ_E_NOMEM, "out of memory");
        goto out;
    }
    memcpy(skel, nf, nlen);
    for (size_t k = 0; k < c.n_ext; k++)
        memset(skel + c.ext[k].off, 0, c.ext[k].len);
    /* The overflow chains' page numbers, when they are what the extents
     * say, are left to patch too. */
    if (!(dls = malloc((ns.n + 1) * sizeof *dls))) {
        rc = fail(&c, SMZ_E_NOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < ns.n; i++)
        dls[i] = recs[i].data_len;
    if ((chained = chains(nf, nlen, dls, ns.n, c.ext, c.n_ext, CHAIN_CHECK)))
        chains(skel, nlen, dls, ns.n, c.ext, c.n_ext, CHAIN_ZERO);
    size_t hl = hints(&hd, of + olen);
    if ((rc = zdelta(&c, cc, of, olen + hl, skel, nlen, 0, &skz, &skzlen)) != SMZ_OK)
        goto out;

    /* The table. */
    uint64_t tlen = 10 + (uint64_t)ns.n * 63 + 10 + (uint64_t)c.n_ext * 20 + 1, plen = 0;
    if (!(table = malloc(tlen))) {
        rc = fail(&c, SMZ_E_NOMEM, "out of memory");
        goto out;
    }
    unsigned char *p = table;
    p += smz_varint_put(p, ns.n);
    for (size_t i = 0; i < ns.n; i++) {
        const rec *R = &recs[i];
        p += smz_varint_put(p, (uint64_t)R->id);
        *p++ = R->kind;
        *p++ = R->op;
        p += smz_varint_put(p, (uint64_t)R->old_id);
        *p++ = R->level;
        p += smz_varint_put(p, R->data_len);
        p += smz_varint_put(p, R->usize);
        p += smz_varint_put(p, R->payload_len);
        p += smz_varint_put(p, (uint64_t)R->aux);
        plen += R->payload_len;
    }
    p += smz_varint_put(p, c.n_ext);
    /* Each extent as varints: where it starts against where the one before
     * ended (zigzag), and its length; most are a page's data 4 bytes after
     * the page before. */
    for (size_t k = 0, at = 0; k < c.n_ext; at = c.ext[k].off + c.ext[k].len, k++) {
        uint64_t off = c.ext[k].off;
        p += smz_varint_put(p, smz_zigzag(off >= at ? (int64_t)(off - at) : -(int64_t)(at - off)));
        p += smz_varint_put(p, c.ext[k].len);
    }
    *p++ = (unsigned char)chained;
    tlen = (uint64_t)(p - table);
    if ((rc = zdelta(&c, cc, NULL, 0, table, tlen, 0, &tz, &tzlen)) != SMZ_OK)
        goto out;
    hd.t = tzlen;
    hd.s = skzlen;
    hd.p = plen;
    hd.len = smz__upd_header_put(&hd, hdr);

    if ((rc = out_open(&c, &o, upd_path)) != SMZ_OK || (rc = out_write(&c, &o, hdr, hd.len)) != SMZ_OK ||
        (rc = out_write(&c, &o, tz, tzlen)) != SMZ_OK || (rc = out_write(&c, &o, skz, skzlen)) != SMZ_OK)
        goto out;
    for (size_t i = 0; i < ns.n; i++) {
        const void *src = recs[i].op == OP_RAW ? ns.v[i].data : payload[i];
        if (recs[i].payload_len && (rc = out_write(&c, &o, src, recs[i].payload_len)) != SMZ_OK)
            goto out;
    }
    /* An old UPD.minisig signs other bytes: it goes first (smz diff --sign
     * makes a new one). */
    size_t sn = strlen(upd_path) + 9;
    char *sig_path = malloc(sn);
    if (!sig_path) {
        rc = fail(&c, SMZ_E_NOMEM, "out of memory");
        goto out;
    }
    snprintf(sig_path, sn, "%s.minisig", upd_path);
    int gone = unlink(sig_path) == 0 || errno == ENOENT;
    free(sig_path);
    if (!gone) {
        rc = fail(&c, SMZ_E_IO, "cannot remove the old %s.minisig: %s", upd_path, strerror(errno));
        goto out;
    }
    if ((rc = out_commit(&c, &o)) != SMZ_OK)
        goto out;
    st.new_size = nlen;
    st.update_size = hd.len + tzlen + skzlen + plen;
    st.skeleton = skzlen;
    st.clusters = (unsigned)ns.n;
    if (stp)
        *stp = st;
    rc = SMZ_OK;
out:
    out_abort(&o);
    for (size_t i = 0; payload && i < ns.n; i++)
        free(payload[i]);
    free(payload);
    for (size_t i = 0; ndecs && i < ns.nclusters; i++)
        free(ndecs[i]);
    free(ndecs);
    for (size_t i = 0; cuts && i < ns.nclusters; i++)
        free(cuts[i]);
    free(cuts);
    free(cut_lens);
    free(changed);
    free(ochanged);
    smz__dp_free(&dps);
    smz__dp_free(&odps);
    free(recs);
    free(dls);
    free(cp);
    free(byhash.v);
    clset_free(&os);
    clset_free(&ns);
    free(c.ext);
    free(of);
    free(nf);
    free(skel);
    free(skz);
    free(table);
    free(tz);
    ZSTD_freeCCtx(cc);
    ZSTD_freeDCtx(dc);
    smz_reader_close(ro);
    smz_reader_close(rn);
    return rc;
}

/* --- patch --- */

static int ext_cmp(const void *a, const void *b)
{
    const extent *x = a, *y = b;
    return x->off < y->off ? -1 : x->off > y->off;
}

/* The packed index an update says to rebuild (OP_REBUILD). */
typedef struct rebuild {
    unsigned char *list; /* the decoded list (pack/reindex.h), NULL: none */
    size_t list_len;
    int stem, level;
    uint64_t dl, usize; /* its compressed and decoded lengths */
    ecur at;            /* where its bytes start in the extents */
} rebuild;

/* The LEN bytes at SRC into their extents from AT on: in NF and in O's file. */
static smz_err put_extents(ctx *c, const char *upd_path, outf *o, unsigned char *nf, ecur at,
                           const unsigned char *src, uint64_t len)
{
    for (uint64_t left = len, off, take; left; left -= take) {
        if (!ecur_next(&at, left, &off, &take))
            return fail(c, SMZ_E_CORRUPT, "%s: the update is damaged (extents)", upd_path);
        memcpy(nf + off, src, take);
        int e = smz__pwrite_all(o->fd, src, (size_t)take, off);
        if (e)
            return fail(c, e == ENOSPC ? SMZ_E_NOSPACE : SMZ_E_IO, "cannot write %s: %s", o->path,
                        strerror(e));
        src += take;
    }
    return SMZ_OK;
}

/* Rebuilds RB's index from the pages of NEW (NF, already written to O and
 * named) and puts its bytes where RB says they go, in NF and in the
 * file. */
static smz_err rebuild_index(ctx *c, const char *upd_path, outf *o, const rebuild *rb, unsigned char *nf,
                             ZSTD_CCtx *cc)
{
    char name[4200], e2[512];
    unsigned char *ser = NULL, *z = NULL;
    size_t slen = 0, zlen = 0;
    out_name(o, name, sizeof name);
    smz_err rc = smz__reindex_build(name, c->lang, rb->list, rb->list_len, rb->stem, &ser, &slen, e2,
                                    sizeof e2);
    if (rc == SMZ_E_NOMEM) {
        rc = fail(c, rc, "out of memory");
        goto out;
    }
    if (rc != SMZ_OK) {
        rc = fail(c, SMZ_E_CORRUPT, "%s: the update is damaged (its search index cannot be rebuilt: %s)",
                  upd_path, e2);
        goto out;
    }
    if (slen != rb->usize) {
        rc = fail(c, SMZ_E_CORRUPT,
                  "%s: the update is damaged (its search index, rebuilt, is not the size it names)",
                  upd_path);
        goto out;
    }
    if ((rc = recompress(c, cc, rb->level, 1, ser, slen, &z, &zlen)) != SMZ_OK)
        goto out;
    if (zlen != rb->dl) {
        rc =
            fail(c, SMZ_E_CORRUPT,
                 "%s: the search index does not come out as it was made: the update is damaged, or this "
                 "zstd (%s) compresses otherwise than the one that made it; fetch the whole archive",
                 upd_path, ZSTD_versionString());
        goto out;
    }
    if ((rc = put_extents(c, upd_path, o, nf, rb->at, z, zlen)) == SMZ_OK && fsync(o->fd) != 0)
        rc = fail(c, errno == ENOSPC ? SMZ_E_NOSPACE : SMZ_E_IO, "cannot write %s: %s", o->path,
                  strerror(errno));
out:
    free(ser);
    free(z);
    return rc;
}

/* The clusters whose article pages are rendered again (OP_PAGES; record
 * I's bytes without them in CUTS[I], its list in LISTS[I]): NEW, written
 * to O and named, is read for the pages and their originals, and each
 * cluster is put together, compressed at its level and written into its
 * extents (from STARTS[I]), in NF and in the file. */
static smz_err render_pages(ctx *c, const char *upd_path, outf *o, const rec *rv, uint64_t n,
                            const ecur *starts, unsigned char *const *cuts, const size_t *cut_lens,
                            const unsigned char *const *lists, const size_t *list_lens,
                            unsigned char *nf, ZSTD_CCtx *cc)
{
    char name[4200];
    smz_reader *r = NULL;
    dp_set dps = {0};
    int64_t *ids = malloc((n ? n : 1) * sizeof *ids);
    unsigned char *full = NULL, *z = NULL;
    size_t nid = 0, zl = 0;
    smz_err rc = SMZ_OK;
    if (!ids)
        return fail(c, SMZ_E_NOMEM, "out of memory");
    for (uint64_t i = 0; i < n; i++)
        if (cuts[i])
            ids[nid++] = rv[i].id;
    qsort(ids, nid, sizeof *ids, id_cmp);
    out_name(o, name, sizeof name);
    if ((rc = open_archive(c, name, &r)) != SMZ_OK)
        goto out;
    if ((rc = smz__dp_scan(r, ids, nid, &dps)) != SMZ_OK) {
        rc = rc == SMZ_E_NOMEM ? fail(c, rc, "out of memory")
                               : fail(c, SMZ_E_CORRUPT, "the update is damaged (%s: %s)", upd_path,
                                      smz_reader_errmsg(r));
        goto out;
    }
    smz_reader_close(r);
    r = NULL;
    for (uint64_t i = 0; i < n; i++) {
        if (!cuts[i])
            continue;
        if ((rc = smz__dp_paste(&dps, rv[i].id, lists[i], list_lens[i], cuts[i], cut_lens[i],
                                rv[i].usize, &full)) != SMZ_OK) {
            rc = rc == SMZ_E_NOMEM ? fail(c, rc, "out of memory")
                                   : fail(c, SMZ_E_CORRUPT, "%s: the update is damaged (cluster %lld)",
                                          upd_path, (long long)rv[i].id);
            goto out;
        }
        if ((rc = recompress(c, cc, rv[i].level, 1, full, (size_t)rv[i].usize, &z, &zl)) != SMZ_OK)
            goto out;
        /* Its pages rendered from the list: a list altered gives other
         * bytes as surely as another zstd does. */
        if (zl != rv[i].data_len) {
            rc = fail(
                c, SMZ_E_CORRUPT,
                "cluster %lld does not come out as it was made: the update is damaged, or this zstd "
                "(%s) compresses otherwise than the one that made it; fetch the whole archive",
                (long long)rv[i].id, ZSTD_versionString());
            goto out;
        }
        if ((rc = put_extents(c, upd_path, o, nf, starts[i], z, zl)) != SMZ_OK)
            goto out;
        free(full);
        free(z);
        full = z = NULL;
    }
    if (fsync(o->fd) != 0)
        rc = fail(c, errno == ENOSPC ? SMZ_E_NOSPACE : SMZ_E_IO, "cannot write %s: %s", o->path,
                  strerror(errno));
out:
    smz_reader_close(r);
    smz__dp_free(&dps);
    free(ids);
    free(full);
    free(z);
    return rc;
}

/* An entry block's delta made against a NEW cluster's decoded bytes
 * before OLD's blocks (rec.aux): record I's AUX must be a zstd cluster of
 * at most AUX_MAX bytes decoded among the records before I, whose stored
 * bytes are in NF at STARTS[J] by now.  *PRE (*PLEN bytes) gets them in
 * front. */
static smz_err aux_prefix(ctx *c, const char *upd_path, ZSTD_DCtx *dc, const rec *rv, const ecur *starts,
                          unsigned char *const *cuts, const size_t *cut_lens, uint64_t i,
                          const unsigned char *nf, unsigned char **pre, size_t *plen)
{
    uint64_t j = 0;
    while (j < i && !(rv[j].id == rv[i].aux && rv[j].kind == 1))
        j++;
    if (j == i || rv[j].usize > AUX_MAX || rv[j].op == OP_REBUILD)
        return fail(c, SMZ_E_CORRUPT, "%s: the update is damaged (cluster %lld)", upd_path,
                    (long long)rv[i].id);
    size_t ul = (size_t)rv[j].usize, dl = (size_t)rv[j].data_len;
    unsigned char *stored = NULL, *both = NULL;
    smz_err rc = SMZ_OK;
    if (cuts[j]) { /* its pages not rendered yet: its bytes without them */
        if (!(both = malloc(cut_lens[j] + *plen + 1))) {
            rc = fail(c, SMZ_E_NOMEM, "out of memory");
            goto out;
        }
        memcpy(both, cuts[j], cut_lens[j]);
        ul = cut_lens[j];
        goto joined;
    }
    stored = malloc(dl ? dl : 1);
    both = malloc(ul + *plen + 1);
    if (!stored || !both) {
        rc = fail(c, SMZ_E_NOMEM, "out of memory");
        goto out;
    }
    ecur k = starts[j];
    unsigned char *at = stored;
    for (uint64_t left = dl, off, take; left; left -= take, at += take) {
        if (!ecur_next(&k, left, &off, &take)) {
            rc = fail(c, SMZ_E_CORRUPT, "%s: the update is damaged (extents)", upd_path);
            goto out;
        }
        memcpy(at, nf + off, take);
    }
    size_t r = ZSTD_decompressDCtx(dc, both, ul, stored, dl);
    if (ZSTD_isError(r) || r != ul) {
        rc = fail(c, SMZ_E_CORRUPT, "%s: the update is damaged (cluster %lld)", upd_path,
                  (long long)rv[i].id);
        goto out;
    }
joined:
    memcpy(both + ul, *pre, *plen);
    free(*pre);
    *pre = both;
    *plen += ul;
    both = NULL;
out:
    free(stored);
    free(both);
    return rc;
}

smz_err smz_delta_patch(const char *old_path, const char *upd_path, const char *out_path, int lang,
                        char *err, size_t errlen)
{
    ctx c = {.err = err, .errlen = errlen, .lang = lang};
    smz_err rc;
    smz_reader *ro = NULL, *rn = NULL;
    unsigned char *of = NULL, *uf = NULL, *table = NULL, *nf = NULL, *blob = NULL, *odec = NULL,
                  *ndec = NULL;
    uint64_t olen = 0, ulen = 0;
    extent *sorted = NULL, *exts = NULL;
    uint64_t *dls = NULL;
    clset os = {0};
    ZSTD_CCtx *cc = ZSTD_createCCtx();
    ZSTD_DCtx *dc = ZSTD_createDCtx();
    outf o = {-1, NULL, NULL};
    rebuild rb = {0};
    upd_header H;
    rec *rv = NULL;
    ecur *starts = NULL; /* where each record's bytes start in the extents */
    /* OP_PAGES: each such cluster's bytes without its pages, and its list */
    unsigned char **cuts = NULL;
    size_t *cut_lens = NULL, *list_lens = NULL, n_paged = 0;
    const unsigned char **lists = NULL;
    uint64_t n_recs = 0;
    unsigned char sha[32], dig[32];
    char h1[65], h2[65];
    if (errlen)
        err[0] = 0;
    if (!cc || !dc || sodium_init() < 0) {
        rc = fail(&c, SMZ_E_NOMEM, "out of memory");
        goto out;
    }
    if ((rc = slurp(&c, upd_path, &uf, &ulen)) != SMZ_OK)
        goto out;
    int hr = smz__upd_header_get(uf, ulen < UPD_HEADER_MAX ? (size_t)ulen : UPD_HEADER_MAX, &H);
    if (hr == -1 || hr == -2) {
        rc = fail(&c, SMZ_E_CORRUPT, "%s: not an smz update (%s)", upd_path,
                  hr == -2 ? "another version" : "no smzupd3 header");
        goto out;
    }
    uint64_t want_olen = H.old_size, nlen = H.new_size, tzlen = H.t, skzlen = H.s, plen = H.p;
    uint64_t body_len, sig_len;
    if (hr != 0 || smz__upd_layout(&H, ulen, ulen >= H.len + 16 ? uf + ulen - 16 : NULL, &body_len,
                                   &sig_len) != 0) {
        rc = fail(&c, SMZ_E_CORRUPT, "%s: the update is damaged (its sizes do not add up to its length)",
                  upd_path);
        goto out;
    }
    if ((rc = open_archive(&c, old_path, &ro)) != SMZ_OK ||
        (rc = slurp(&c, old_path, &of, &olen)) != SMZ_OK ||
        (rc = archive_digest(&c, ro, old_path, dig)) != SMZ_OK)
        goto out;
    crypto_hash_sha256(sha, of, olen);
    if (olen != want_olen || memcmp(sha, H.old_sha, UPD_OLD_SHA) != 0) {
        hex(H.old_digest, 32, h1);
        hex(dig, 32, h2);
        rc = fail(&c, SMZ_E_INVALID,
                  memcmp(dig, H.old_digest, 32)
                      ? "%s was made for another archive: the base it needs has digest %s, %s has %s"
                      : "%s was made for other bytes of the same content (digest %s): %s has %s but "
                        "another file layout",
                  upd_path, h1, old_path, h2);
        goto out;
    }
    if (memcmp(dig, H.old_digest, 32) != 0) {
        rc = fail(&c, SMZ_E_CORRUPT, "%s: the update is damaged (the base's digest is not its own)",
                  upd_path);
        goto out;
    }
    /* The table. */
    const unsigned char *tz = uf + H.len, *skz = tz + tzlen, *pay = skz + skzlen;
    unsigned long long tlen = ZSTD_getFrameContentSize(tz, tzlen);
    if (tlen == ZSTD_CONTENTSIZE_UNKNOWN || tlen == ZSTD_CONTENTSIZE_ERROR || tlen > MAX_TABLE ||
        tlen < 3) {
        rc = fail(&c, SMZ_E_CORRUPT, "%s: the update is damaged (its table)", upd_path);
        goto out;
    }
    if (!(table = malloc(tlen)) || !(nf = malloc(nlen ? nlen : 1))) {
        rc = fail(&c, SMZ_E_NOMEM, "out of memory");
        goto out;
    }
    size_t hl = hints(&H, of + olen);
    if ((rc = zundelta(&c, dc, NULL, 0, tz, tzlen, table, tlen, "table")) != SMZ_OK ||
        (rc = zundelta(&c, dc, of, olen + hl, skz, skzlen, nf, nlen, "pages")) != SMZ_OK)
        goto out;
    const unsigned char *ep = table, *tend = table + tlen;
    uint64_t n;
    if (!smz_varint_get(&ep, tend, &n) || n > tlen / REC_MIN) {
        rc = fail(&c, SMZ_E_CORRUPT, "%s: the update is damaged (cluster count)", upd_path);
        goto out;
    }
    n_recs = n;
    if (!(rv = malloc((n ? n : 1) * sizeof *rv)) || !(starts = malloc((n ? n : 1) * sizeof *starts)) ||
        !(cuts = calloc(n ? n : 1, sizeof *cuts)) || !(cut_lens = calloc(n ? n : 1, sizeof *cut_lens)) ||
        !(lists = calloc(n ? n : 1, sizeof *lists)) ||
        !(list_lens = calloc(n ? n : 1, sizeof *list_lens))) {
        rc = fail(&c, SMZ_E_NOMEM, "out of memory");
        goto out;
    }
    for (uint64_t i = 0; i < n; i++) {
        rec *R = &rv[i];
        uint64_t id, old_id, aux;
        if (!smz_varint_get(&ep, tend, &id) || tend - ep < 2 || (R->kind = *ep++, R->op = *ep++, 0) ||
            !smz_varint_get(&ep, tend, &old_id) || ep >= tend || (R->level = *ep++, 0) ||
            !smz_varint_get(&ep, tend, &R->data_len) || !smz_varint_get(&ep, tend, &R->usize) ||
            !smz_varint_get(&ep, tend, &R->payload_len) || !smz_varint_get(&ep, tend, &aux) ||
            id > INT64_MAX || old_id > INT64_MAX || aux > INT64_MAX) {
            rc = fail(&c, SMZ_E_CORRUPT, "%s: the update is damaged (cluster %llu)", upd_path,
                      (unsigned long long)i + 1);
            goto out;
        }
        R->id = (int64_t)id;
        R->old_id = (int64_t)old_id;
        R->aux = (int64_t)aux;
    }
    uint64_t ne;
    if (!smz_varint_get(&ep, tend, &ne) || ne > (uint64_t)(tend - ep) / 2) {
        rc = fail(&c, SMZ_E_CORRUPT, "%s: the update is damaged (extent count)", upd_path);
        goto out;
    }
    /* The extents: inside NEW, not overlapping, as many bytes as the clusters. */
    if (!(sorted = malloc((ne ? ne : 1) * sizeof *sorted)) ||
        !(exts = malloc((ne ? ne : 1) * sizeof *exts)) || !(dls = malloc((n ? n : 1) * sizeof *dls))) {
        rc = fail(&c, SMZ_E_NOMEM, "out of memory");
        goto out;
    }
    uint64_t ext_total = 0, data_total = 0, pay_total = 0, at = 0;
    for (uint64_t k = 0; k < ne; k++) {
        uint64_t zz, len;
        if (!smz_varint_get(&ep, tend, &zz) || !smz_varint_get(&ep, tend, &len) ||
            ((zz & 1) ? (zz >> 1) >= at : (zz >> 1) > nlen - at)) {
            rc = fail(&c, SMZ_E_CORRUPT, "%s: the update is damaged (extent count)", upd_path);
            goto out;
        }
        exts[k].off = zz & 1 ? at - (zz >> 1) - 1 : at + (zz >> 1);
        exts[k].len = len;
        if (exts[k].off > nlen || len > nlen - exts[k].off || !len) {
            rc = fail(&c, SMZ_E_CORRUPT, "%s: the update is damaged (an extent outside the archive)",
                      upd_path);
            goto out;
        }
        at = exts[k].off + len;
        ext_total += len;
    }
    if (ep + 1 != tend || *ep > 1) {
        rc = fail(&c, SMZ_E_CORRUPT, "%s: the update is damaged (extent count)", upd_path);
        goto out;
    }
    int chained = *ep;
    memcpy(sorted, exts, ne * sizeof *exts);
    qsort(sorted, ne, sizeof *sorted, ext_cmp);
    for (uint64_t k = 1; k < ne; k++)
        if (sorted[k - 1].off + sorted[k - 1].len > sorted[k].off) {
            rc = fail(&c, SMZ_E_CORRUPT, "%s: the update is damaged (extents overlap)", upd_path);
            goto out;
        }
    for (uint64_t i = 0; i < n; i++) {
        const rec *R = &rv[i];
        uint64_t dl = R->data_len, pl = R->payload_len;
        if (dl > nlen || pl > plen || R->op > OP_PAGES || R->kind > KIND_ENTRIES ||
            (R->aux && (R->kind != KIND_ENTRIES || R->op != OP_DELTA_ZSTD))) {
            rc = fail(&c, SMZ_E_CORRUPT, "%s: the update is damaged (cluster %llu)", upd_path,
                      (unsigned long long)i + 1);
            goto out;
        }
        data_total += dl;
        pay_total += pl;
        dls[i] = dl;
    }
    if (data_total != ext_total || pay_total != plen) {
        rc = fail(&c, SMZ_E_CORRUPT, "%s: the update is damaged (sizes do not agree)", upd_path);
        goto out;
    }
    if ((rc = load_clusters(&c, ro, old_path, &os)) != SMZ_OK)
        goto out;
    /* Each cluster's bytes, written into its extents in order. */
    ecur place = {exts, ne, 0, 0};
    for (uint64_t i = 0; i < n; i++) {
        const rec *R = &rv[i];
        int64_t id = R->id, old_id = R->old_id;
        unsigned op = R->op, level = R->level, kind = R->kind;
        uint64_t dl = R->data_len, usize = R->usize, pl = R->payload_len;
        const unsigned char *src = NULL;
        starts[i] = place;
        const cl *old = op == OP_RAW || op == OP_REBUILD ? NULL
                        : kind == KIND_INDEX             ? find_index(&os)
                        : kind == KIND_ENTRIES           ? find_block(&os, old_id)
                                                         : find_id(&os, old_id);
        if (op != OP_RAW && op != OP_REBUILD &&
            (!old || (kind >= KIND_INDEX && old->kind != (int64_t)kind))) {
            rc = fail(&c, SMZ_E_CORRUPT,
                      "%s: the update is damaged (cluster %lld names no cluster of %s)", upd_path,
                      (long long)id, old_path);
            goto out;
        }
        switch ((enum op)op) {
        case OP_PAGES: { /* decoded here, its pages rendered once NEW can be read (below) */
            const unsigned char *q = pay, *qend = pay + pl;
            uint64_t ll;
            if (kind != 1 || old->kind != 1 || usize > MAX_CLUSTER_USIZE || level < 1 || level > 22 ||
                !smz_varint_get(&q, qend, &ll) || ll > (uint64_t)(qend - q)) {
                rc = fail(&c, SMZ_E_CORRUPT, "%s: the update is damaged (cluster %lld)", upd_path,
                          (long long)id);
                goto out;
            }
            unsigned long long cl_ = ZSTD_getFrameContentSize(q + ll, (size_t)(qend - q - ll));
            size_t olen_dec = 0;
            if (cl_ == ZSTD_CONTENTSIZE_UNKNOWN || cl_ == ZSTD_CONTENTSIZE_ERROR || cl_ > usize) {
                rc = fail(&c, SMZ_E_CORRUPT, "%s: the update is damaged (cluster %lld)", upd_path,
                          (long long)id);
                goto out;
            }
            if ((rc = decode_prefix(&c, dc, &os, old, &odec, &olen_dec)) != SMZ_OK)
                goto out;
            if (!(cuts[i] = malloc(cl_ ? cl_ : 1))) {
                rc = fail(&c, SMZ_E_NOMEM, "out of memory");
                goto out;
            }
            if ((rc = zundelta(&c, dc, odec, olen_dec, q + ll, (size_t)(qend - q - ll), cuts[i], cl_,
                               "a cluster")) != SMZ_OK)
                goto out;
            cut_lens[i] = cl_;
            lists[i] = q;
            list_lens[i] = (size_t)ll;
            n_paged++;
            /* Markdown's parser, loaded before any file is made (see
             * smz__html_init below). */
            smz__article_init();
            free(odec);
            odec = NULL;
            break;
        }
        case OP_REBUILD: /* after the rest is in place (below) */
            if (kind != KIND_INDEX || rb.list || old_id > 1 || level < 1 || level > 22 || !dl ||
                usize > SMZ_PACKED_INDEX_MAX) {
                rc = fail(&c, SMZ_E_CORRUPT, "%s: the update is damaged (cluster %lld)", upd_path,
                          (long long)id);
                goto out;
            }
            unsigned long long ll = ZSTD_getFrameContentSize(pay, pl);
            if (ll == ZSTD_CONTENTSIZE_UNKNOWN || ll == ZSTD_CONTENTSIZE_ERROR || ll > MAX_TABLE ||
                !(rb.list = malloc(ll ? ll : 1))) {
                rc = ll > MAX_TABLE || ll == ZSTD_CONTENTSIZE_UNKNOWN || ll == ZSTD_CONTENTSIZE_ERROR
                         ? fail(&c, SMZ_E_CORRUPT, "%s: the update is damaged (cluster %lld)", upd_path,
                                (long long)id)
                         : fail(&c, SMZ_E_NOMEM, "out of memory");
                goto out;
            }
            if ((rc = zundelta(&c, dc, NULL, 0, pay, pl, rb.list, ll, "a cluster")) != SMZ_OK)
                goto out;
            rb.list_len = ll;
            /* The HTML parser the rebuild reads pages with, now: smz loads
             * it on first use and ends with a message if it cannot, which
             * must come before any file is made. */
            smz__html_init();
            rb.stem = (int)old_id;
            rb.level = (int)level;
            rb.dl = dl;
            rb.usize = usize;
            rb.at = place;
            break;
        case OP_COPY:
            if (old->len != dl || pl) {
                rc = fail(&c, SMZ_E_CORRUPT, "%s: the update is damaged (cluster %lld)", upd_path,
                          (long long)id);
                goto out;
            }
            src = old->data;
            break;
        case OP_RAW:
            if (pl != dl) {
                rc = fail(&c, SMZ_E_CORRUPT, "%s: the update is damaged (cluster %lld)", upd_path,
                          (long long)id);
                goto out;
            }
            src = pay;
            break;
        case OP_DELTA_STORED:
            if (old->kind != 0 || !(blob = malloc(dl ? dl : 1))) {
                rc = old->kind ? fail(&c, SMZ_E_CORRUPT, "%s: the update is damaged (cluster %lld)",
                                      upd_path, (long long)id)
                               : fail(&c, SMZ_E_NOMEM, "out of memory");
                goto out;
            }
            if ((rc = zundelta(&c, dc, old->data, old->len, pay, pl, blob, dl, "a cluster")) != SMZ_OK)
                goto out;
            src = blob;
            break;
        case OP_DELTA_ZSTD: {
            size_t relen = 0;
            if (old->kind != (int64_t)kind || kind == 0 ||
                usize > (kind == KIND_INDEX     ? SMZ_PACKED_INDEX_MAX
                         : kind == KIND_ENTRIES ? SMZ_ENTRY_BLOCK_MAX
                                                : MAX_CLUSTER_USIZE) ||
                level < 1 || level > 22) {
                rc = fail(&c, SMZ_E_CORRUPT, "%s: the update is damaged (cluster %lld)", upd_path,
                          (long long)id);
                goto out;
            }
            size_t olen_dec = 0;
            if ((rc = decode_prefix(&c, dc, &os, old, &odec, &olen_dec)) != SMZ_OK ||
                (R->aux && (rc = aux_prefix(&c, upd_path, dc, rv, starts, cuts, cut_lens, i, nf, &odec,
                                            &olen_dec)) != SMZ_OK))
                goto out;
            if (!(ndec = malloc(usize ? usize : 1))) {
                rc = fail(&c, SMZ_E_NOMEM, "out of memory");
                goto out;
            }
            if (kind == KIND_ENTRIES) {
                /* In the offsets' form (decode_prefix): at most 10 bytes an offset more. */
                unsigned long long tl = ZSTD_getFrameContentSize(pay, pl);
                unsigned char *t = NULL, *back = NULL;
                size_t bl = 0;
                if (tl == ZSTD_CONTENTSIZE_UNKNOWN || tl == ZSTD_CONTENTSIZE_ERROR ||
                    tl > SMZ_ENTRY_BLOCK_MAX + (size_t)SMZ_ENTRY_BLOCK_ENTRIES * 10) {
                    rc = fail(&c, SMZ_E_CORRUPT, "%s: the update is damaged (cluster %lld)", upd_path,
                              (long long)id);
                    goto out;
                }
                if (!(t = malloc(tl ? tl : 1))) {
                    rc = fail(&c, SMZ_E_NOMEM, "out of memory");
                    goto out;
                }
                if ((rc = zundelta(&c, dc, odec, olen_dec, pay, pl, t, tl, "a cluster")) != SMZ_OK) {
                    free(t);
                    goto out;
                }
                rc = smz__entries_offsets(t, tl, 0, usize, &back, &bl);
                free(t);
                if (rc != SMZ_OK || bl != usize) {
                    free(back);
                    rc = rc == SMZ_E_NOMEM
                             ? fail(&c, rc, "out of memory")
                             : fail(&c, SMZ_E_CORRUPT, "%s: the update is damaged (cluster %lld)",
                                    upd_path, (long long)id);
                    goto out;
                }
                memcpy(ndec, back, bl);
                free(back);
            } else if ((rc = zundelta(&c, dc, odec, olen_dec, pay, pl, ndec, usize, "a cluster")) !=
                       SMZ_OK)
                goto out;
            if ((rc = recompress(&c, cc, (int)level, kind != KIND_ENTRIES, ndec, usize, &blob,
                                 &relen)) != SMZ_OK)
                goto out;
            if (relen != dl) {
                rc = fail(
                    &c, SMZ_E_UNSUPPORTED,
                    "cluster %lld does not come out as it was made: this zstd (%s) compresses otherwise than "
                    "the one that made the update; fetch the whole archive",
                    (long long)id, ZSTD_versionString());
                goto out;
            }
            free(odec);
            free(ndec);
            odec = ndec = NULL;
            src = blob;
            break;
        }
        }
        pay += pl;
        /* The extents of this cluster are the next ones in the update's
         * order, which patch follows (the sorted copy was for checking). */
        for (uint64_t left = dl, off, take; left; left -= take) {
            if (!ecur_next(&place, left, &off, &take)) {
                rc = fail(&c, SMZ_E_CORRUPT, "%s: the update is damaged (extents)", upd_path);
                goto out;
            }
            if (src) {
                memcpy(nf + off, src, take);
                src += take;
            }
        }
        free(blob);
        blob = NULL;
    }
    if (chained && !chains(nf, nlen, dls, n, exts, ne, CHAIN_FILL)) {
        rc = fail(&c, SMZ_E_CORRUPT, "%s: the update is damaged (extents)", upd_path);
        goto out;
    }
    char name[4200];
    /* A packed index to rebuild is made from the pages of NEW, which is
     * written first (without it) to be read; the SHA-256 is then checked
     * before anything is renamed. */
    int staged = rb.list || n_paged;
    if (staged) {
        if ((rc = out_open(&c, &o, out_path)) != SMZ_OK ||
            (rc = out_write(&c, &o, nf, nlen)) != SMZ_OK || (rc = out_link(&c, &o)) != SMZ_OK ||
            (n_paged && (rc = render_pages(&c, upd_path, &o, rv, n, starts, cuts, cut_lens, lists,
                                           list_lens, nf, cc)) != SMZ_OK) ||
            (rb.list && (rc = rebuild_index(&c, upd_path, &o, &rb, nf, cc)) != SMZ_OK))
            goto out;
    }
    crypto_hash_sha256(sha, nf, nlen);
    if (memcmp(sha, H.new_sha, 32) != 0) {
        rc = fail(&c, SMZ_E_CORRUPT,
                  "%s: the rebuilt archive's SHA-256 is not the one the update names: nothing written",
                  upd_path);
        goto out;
    }
    if (!staged &&
        ((rc = out_open(&c, &o, out_path)) != SMZ_OK || (rc = out_write(&c, &o, nf, nlen)) != SMZ_OK))
        goto out;
    /* SQLite opens the file by a name (it follows /proc's links to a deleted
     * file's), so the check comes after the hidden name is given. */
    if (!staged && (rc = out_link(&c, &o)) != SMZ_OK)
        goto out;
    out_name(&o, name, sizeof name);
    if ((rc = open_archive(&c, name, &rn)) != SMZ_OK ||
        (rc = archive_digest(&c, rn, out_path, dig)) != SMZ_OK)
        goto out;
    if (memcmp(dig, H.new_digest, 32) != 0) {
        rc = fail(&c, SMZ_E_CORRUPT, "%s: the rebuilt archive's digest is not the one the update names",
                  upd_path);
        goto out;
    }
    smz_reader_close(rn);
    rn = NULL;
    rc = out_commit(&c, &o);
out:
    out_abort(&o);
    free(rb.list);
    for (uint64_t i = 0; cuts && i < n_recs; i++)
        free(cuts[i]);
    free(cuts);
    free(cut_lens);
    free(lists);
    free(list_lens);
    free(rv);
    free(starts);
    free(exts);
    free(dls);
    smz_reader_close(ro);
    smz_reader_close(rn);
    clset_free(&os);
    free(c.ext);
    free(sorted);
    free(of);
    free(uf);
    free(table);
    free(nf);
    free(blob);
    free(odec);
    free(ndec);
    ZSTD_freeCCtx(cc);
    ZSTD_freeDCtx(dc);
    return rc;
}

/* --- signatures --- */

/* The trusted comment for the update whose header is H. */
static void sig_comment(const upd_header *h, char *out, size_t n)
{
    char o[65], w[65];
    hex(h->old_digest, 32, o);
    hex(h->new_digest, 32, w);
    snprintf(out, n, "smz-update-1 old:%s new:%s", o, w);
}

/* UPD's header into H, its magic checked. */
static smz_err read_header(ctx *c, const char *path, upd_header *h)
{
    unsigned char b[UPD_HEADER_MAX];
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    struct stat st;
    if (fd < 0)
        return fail(c, errno == ENOENT ? SMZ_E_NOTFOUND : SMZ_E_IO, "%s: %s", path, strerror(errno));
    ssize_t r = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? read(fd, b, sizeof b) : -1;
    close(fd);
    int hr = r > 0 ? smz__upd_header_get(b, (size_t)r, h) : -1;
    if (hr == -3)
        return fail(c, SMZ_E_CORRUPT,
                    "%s: the update is damaged (its sizes do not add up to its length)", path);
    if (hr != 0)
        return fail(c, SMZ_E_CORRUPT, "%s: not an smz update", path);
    return SMZ_OK;
}

int smz_delta_is_update(const char *path)
{
    upd_header h;
    ctx c = {0};
    return read_header(&c, path, &h) == SMZ_OK;
}

/* UPD's layout (smz__upd_layout) from its header H and its file FD of SIZE
 * bytes. */
static smz_err upd_layout_fd(ctx *c, const char *path, int fd, uint64_t size, const upd_header *h,
                             uint64_t *body, uint64_t *sig)
{
    if (smz__upd_layout_fd(fd, size, h, body, sig) != 0)
        return fail(c, SMZ_E_CORRUPT,
                    "%s: the update is damaged (its sizes do not add up to its length)", path);
    return SMZ_OK;
}

/* The BLAKE2b-512 of the first LEN bytes of FD. */
static smz_err hash_prefix(ctx *c, const char *path, int fd, uint64_t len,
                           unsigned char hash[SMZ_SIGN_HASH_BYTES])
{
    smz_hasher *hs = NULL;
    unsigned char *buf = malloc(1 << 16);
    smz_err rc = SMZ_OK;
    if (!buf || smz_hasher_new(&hs) != SMZ_OK) {
        free(buf);
        return fail(c, SMZ_E_NOMEM, "out of memory");
    }
    for (uint64_t at = 0; at < len;) {
        size_t want = len - at < (1 << 16) ? (size_t)(len - at) : (1 << 16);
        ssize_t r = pread(fd, buf, want, (off_t)at);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            rc = fail(c, SMZ_E_IO, "cannot read %s: %s", path,
                      r < 0 ? strerror(errno) : "it is shorter");
            break;
        }
        smz_hasher_update(hs, buf, (size_t)r);
        at += (uint64_t)r;
    }
    smz_hasher_final(hs, hash);
    smz_hasher_free(hs);
    free(buf);
    return rc;
}

smz_err smz_delta_sign(const char *upd_path, const smz_seckey *sk, int lang, char *err, size_t errlen)
{
    ctx c = {.err = err, .errlen = errlen, .lang = lang};
    unsigned char hash[SMZ_SIGN_HASH_BYTES];
    upd_header h;
    char comment[200], *sig = NULL, *sig_path = NULL, *whole = NULL;
    size_t len = 0, wlen = 0, n = strlen(upd_path) + 9;
    uint64_t body, old_sig;
    smz_sign_ctx *cx = NULL;
    struct stat st;
    smz_err rc;
    int fd = -1;
    outf o = {-1, NULL, NULL};
    if ((rc = read_header(&c, upd_path, &h)) != SMZ_OK)
        return rc;
    if ((rc = smz_sign_ctx_new(&cx)) != SMZ_OK || !(sig_path = malloc(n))) {
        rc = fail(&c, SMZ_E_NOMEM, "out of memory");
        goto out;
    }
    smz_sign_ctx_set_lang(cx, lang);
    snprintf(sig_path, n, "%s.minisig", upd_path);
    sig_comment(&h, comment, sizeof comment);
    if ((fd = open(upd_path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0 || fstat(fd, &st) != 0) {
        rc = fail(&c, SMZ_E_IO, "%s: %s", upd_path, strerror(errno));
        goto out;
    }
    /* Embedded: over the update's body (an earlier signature left out),
     * written after it. */
    if ((rc = upd_layout_fd(&c, upd_path, fd, (uint64_t)st.st_size, &h, &body, &old_sig)) != SMZ_OK ||
        (rc = hash_prefix(&c, upd_path, fd, body, hash)) != SMZ_OK)
        goto out;
    if ((rc = smz_sign_hash(cx, sk, hash, comment, "smz update signature", &sig, &len)) != SMZ_OK) {
        rc = fail(&c, rc, "%s", smz_sign_ctx_errmsg(cx));
        goto out;
    }
    unsigned char trailer[16];
    put64(trailer, len);
    memcpy(trailer + 8, UPD_SIG_MAGIC, 8);
    if (len > UPD_SIG_MAX) {
        rc = fail(&c, SMZ_E_INTERNAL, "internal error"); /* a .minisig is some 300 bytes */
        goto out;
    }
    /* The body and the signature into a new file beside UPD, renamed over
     * it: an interrupted signing leaves UPD as it was. */
    if ((rc = out_open(&c, &o, upd_path)) != SMZ_OK)
        goto out;
    unsigned char buf[1 << 16];
    for (uint64_t at = 0; at < body;) {
        size_t want = body - at < sizeof buf ? (size_t)(body - at) : sizeof buf;
        ssize_t r = pread(fd, buf, want, (off_t)at);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            rc = fail(&c, SMZ_E_IO, "cannot read %s: %s", upd_path,
                      r < 0 ? strerror(errno) : "it is shorter");
            goto out;
        }
        if ((rc = out_write(&c, &o, buf, (uint64_t)r)) != SMZ_OK)
            goto out;
        at += (uint64_t)r;
    }
    if ((rc = out_write(&c, &o, sig, len)) != SMZ_OK ||
        (rc = out_write(&c, &o, trailer, 16)) != SMZ_OK || (rc = out_link(&c, &o)) != SMZ_OK ||
        (rc = out_commit(&c, &o)) != SMZ_OK)
        goto out;
    free(sig);
    sig = NULL;
    /* Detached: over the whole file as it is now, so that stock minisign
     * checks it (minisign -Vm UPD). */
    if ((rc = smz_sign_file(cx, sk, upd_path, comment, "smz update signature", &whole, &wlen)) !=
        SMZ_OK) {
        rc = fail(&c, rc, "%s", smz_sign_ctx_errmsg(cx));
        goto out;
    }
    rc = smz_file_write(sig_path, whole, wlen, 0, err, errlen);
out:
    out_abort(&o);
    if (fd >= 0)
        close(fd);
    free(sig);
    free(whole);
    free(sig_path);
    smz_sign_ctx_free(cx);
    return rc;
}

smz_err smz_delta_verify(const char *upd_path, const char *sig_path, const smz_keyring *kr, char *keyid,
                         int lang, char *err, size_t errlen)
{
    ctx c = {.err = err, .errlen = errlen, .lang = lang};
    unsigned char hash[SMZ_SIGN_HASH_BYTES];
    upd_header h;
    char comment[200], *own = NULL, *text = NULL;
    smz_sign_ctx *cx = NULL;
    smz_sig *sig = NULL;
    const smz_pubkey *pk = NULL;
    uint64_t body = 0, sig_len = 0;
    const char *what = sig_path;
    smz_err rc;
    int fd = -1, embedded = 0;
    if (errlen)
        err[0] = 0;
    if ((rc = read_header(&c, upd_path, &h)) != SMZ_OK)
        return rc;
    if ((rc = smz_sign_ctx_new(&cx)) != SMZ_OK) {
        rc = fail(&c, SMZ_E_NOMEM, "out of memory");
        goto out;
    }
    smz_sign_ctx_set_lang(cx, lang);
    if (!sig_path) {
        size_t n = strlen(upd_path) + 9;
        if (!(own = malloc(n))) {
            rc = fail(&c, SMZ_E_NOMEM, "out of memory");
            goto out;
        }
        snprintf(own, n, "%s.minisig", upd_path);
        sig_path = what = own;
    }
    struct stat st;
    if (!sig_path[0] || (stat(sig_path, &st) != 0 && errno == ENOENT)) {
        /* No detached signature (or asked for the inside one): the one
         * inside, if any. */
        if ((fd = open(upd_path, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &st) != 0) {
            rc = fail(&c, SMZ_E_IO, "%s: %s", upd_path, strerror(errno));
            goto out;
        }
        if ((rc = upd_layout_fd(&c, upd_path, fd, (uint64_t)st.st_size, &h, &body, &sig_len)) != SMZ_OK)
            goto out;
        if (!sig_len) {
            rc = fail(&c, SMZ_E_NOTFOUND, "%s: %s", upd_path,
                      smz_tr(c.lang,
                             SMZ_N_("not signed (no embedded signature, no .minisig beside it)")));
            goto out;
        }
        if (!(text = malloc(sig_len)) || pread(fd, text, sig_len, (off_t)body) != (ssize_t)sig_len) {
            rc = text ? fail(&c, SMZ_E_IO, "cannot read %s: %s", upd_path, strerror(errno))
                      : fail(&c, SMZ_E_NOMEM, "out of memory");
            goto out;
        }
        if ((rc = smz_sig_parse(cx, text, sig_len, &sig)) != SMZ_OK) {
            rc = fail(&c, SMZ_E_SIGNATURE, "%s", smz_sign_ctx_errmsg(cx));
            goto out;
        }
        embedded = 1;
        what = upd_path;
    } else if ((rc = smz_sig_load(cx, sig_path, &sig)) != SMZ_OK) {
        rc = fail(&c, SMZ_E_SIGNATURE, "%s", smz_sign_ctx_errmsg(cx));
        goto out;
    }
    if (keyid)
        smz_sig_keyid(sig, keyid);
    if (!kr || (rc = smz_keyring_find(cx, kr, sig, &pk)) != SMZ_OK ||
        (embedded ? (rc = hash_prefix(&c, upd_path, fd, body, hash)) != SMZ_OK ||
                        (rc = smz_sig_verify_hash(cx, sig, pk, hash, 0)) != SMZ_OK
                  : (rc = smz_sig_verify_file(cx, sig, pk, upd_path, 0)) != SMZ_OK)) {
        rc = fail(&c, SMZ_E_SIGNATURE, "%s", kr ? smz_sign_ctx_errmsg(cx) : "no trusted keys");
        goto out;
    }
    sig_comment(&h, comment, sizeof comment);
    if (strcmp(smz_sig_trusted_comment(sig), comment) != 0) {
        rc = fail(&c, SMZ_E_SIGNATURE,
                  "%s: the signature's trusted comment is not this update's (\"%.200s\")", what,
                  smz_sig_trusted_comment(sig));
        goto out;
    }
    rc = SMZ_OK;
out:
    if (fd >= 0)
        close(fd);
    free(own);
    free(text);
    smz_sig_free(sig);
    smz_sign_ctx_free(cx);
    return rc;
}
