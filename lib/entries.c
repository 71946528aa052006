/* Version 3's entry blocks (entries.h says what they are for).  A block's
 * decoded bytes (docs/FORMAT.md, "Entry blocks"):
 *
 *   n                       varint, 1..SMZ_ENTRY_BLOCK_ENTRIES
 *   n paths                 varint shared, varint len, len bytes: the path is
 *                           the previous one's first `shared` bytes and these
 *   n titles                varint len, len bytes
 *   n flags                 one byte each: which of the columns below the
 *                           entry has (F_MIME ... F_REDIRECT), others NULL
 *   mimes, clusters, offsets, sizes
 *                           a varint for each entry whose flag is set, column
 *                           after column (64-bit two's complement values)
 *   redirects               varint len, len bytes, for each entry with one
 *
 * Column after column because like values side by side compress better
 * (FORMAT-NOTES.md).  The writer stores paths in increasing byte order
 * across all blocks; the virtual table relies on it to find a path by
 * binary search, and smz check verifies it (a block out of order gives
 * wrong answers, never an unsafe read). */
#include <stdlib.h>
#include <string.h>
#include <zstd.h>
#include "entries.h"
#include "util/varint.h"
#include "smz/i18n.h"
#include "error.h"
#include "format.h"
#include "util/strbuf.h"

enum { F_MIME = 1, F_CLUSTER = 2, F_OFFSET = 4, F_SIZE = 8, F_REDIRECT = 16, F_ALL = 31 };
enum { N_INTS = 4 }; /* mime, cluster, offset, size: the columns 2..5 */
/* The parts of a block, in their order in its bytes (after the count). */
enum { S_PATHS, S_TITLES, S_FLAGS, S_INTS, S_REDIRECTS = S_INTS + N_INTS, N_SECTIONS };
#define MAX_WRITE_ENTRIES 4096
#define MAX_WRITE_PATHS ((size_t)1 << 20)

/* ---- varints (LEB128, at most 10 bytes, none longer than needed) ---- */

static void put_varint(smz_strbuf *b, uint64_t v)
{
    unsigned char tmp[10];
    smz_strbuf_add(b, tmp, smz_varint_put(tmp, v));
}

typedef struct reader {
    const unsigned char *p, *end;
    int bad;
} reader;

static uint64_t get_varint(reader *rd)
{
    uint64_t v = 0;
    if (!smz_varint_get(&rd->p, rd->end, &v))
        rd->bad = 1;
    return rd->bad ? 0 : v;
}

/* LEN bytes at the reader's place, or NULL when fewer are left. */
static const unsigned char *get_bytes(reader *rd, uint64_t len)
{
    if (rd->bad || len > (uint64_t)(rd->end - rd->p)) {
        rd->bad = 1;
        return NULL;
    }
    const unsigned char *s = rd->p;
    rd->p += len;
    return s;
}

/* ---- offsets as differences (update deltas) ---- */

#define PRED_SLOTS 256

smz_err smz__entries_offsets(const unsigned char *in, size_t len, int forward, size_t max,
                             unsigned char **out, size_t *out_len)
{
    reader rd = {in, in + len, 0};
    uint64_t n = get_varint(&rd), *col[N_INTS] = {NULL};
    const unsigned char *flags = NULL, *off_start = NULL, *off_end = NULL;
    struct {
        uint64_t cluster, mime, end;
    } pred[PRED_SLOTS];
    size_t npred = 0, replace = 0;
    unsigned char *o = NULL;
    smz_err rc = SMZ_E_CORRUPT;
    *out = NULL;
    *out_len = 0;
    if (rd.bad || n > SMZ_ENTRY_BLOCK_ENTRIES)
        return SMZ_E_CORRUPT;
    for (uint64_t i = 0; i < n && !rd.bad; i++) { /* paths */
        get_varint(&rd);
        get_bytes(&rd, get_varint(&rd));
    }
    for (uint64_t i = 0; i < n && !rd.bad; i++) /* titles */
        get_bytes(&rd, get_varint(&rd));
    flags = get_bytes(&rd, n);
    for (int k = 0; k < N_INTS && !rd.bad; k++) {
        if (!(col[k] = calloc(n ? n : 1, sizeof *col[k]))) {
            rc = SMZ_E_NOMEM;
            goto out;
        }
        if (k == 2)
            off_start = rd.p;
        for (uint64_t i = 0; i < n && !rd.bad; i++)
            if (flags[i] & (1u << k))
                col[k][i] = get_varint(&rd);
        if (k == 2)
            off_end = rd.p;
    }
    if (rd.bad)
        goto out;
    /* At most 10 bytes for each offset, whichever way. */
    size_t head = (size_t)(off_start - in), tail = len - (size_t)(off_end - in),
           cap = head + tail + n * 10;
    if (!(o = malloc(cap ? cap : 1))) {
        rc = SMZ_E_NOMEM;
        goto out;
    }
    memcpy(o, in, head);
    size_t at = head;
    for (uint64_t i = 0; i < n; i++) {
        if (!(flags[i] & 4))
            continue;
        size_t s = 0;
        while (s < npred && (pred[s].cluster != col[1][i] || pred[s].mime != col[0][i]))
            s++;
        uint64_t base = s < npred ? pred[s].end : 0, v = col[2][i];
        uint64_t offset = forward ? v : base + (uint64_t)smz_unzigzag(v);
        uint64_t put = forward ? smz_zigzag((int64_t)(v - base)) : offset;
        at += smz_varint_put(o + at, put);
        if (s == npred) {
            s = npred < PRED_SLOTS ? npred++ : replace++ % PRED_SLOTS;
            pred[s].cluster = col[1][i];
            pred[s].mime = col[0][i];
        }
        pred[s].end = offset + (flags[i] & 8 ? col[3][i] : 0);
    }
    if (!forward && at + tail > max)
        goto out;
    memcpy(o + at, off_end, tail);
    *out = o;
    *out_len = at + tail;
    o = NULL;
    rc = SMZ_OK;
out:
    for (int k = 0; k < N_INTS; k++)
        free(col[k]);
    free(o);
    return rc;
}

/* ---- writing ---- */

typedef struct builder {
    smz_strbuf sec[N_SECTIONS]; /* S_PATHS ... S_REDIRECTS */
    smz_strbuf raw, prev, first;
    size_t n, path_bytes;
    int level; /* zstd's */
    int lang;  /* of the messages (smz/i18n.h) */
} builder;

static void builder_reset(builder *bd)
{
    for (int i = 0; i < N_SECTIONS; i++)
        smz_strbuf_reset(&bd->sec[i]);
    smz_strbuf_reset(&bd->prev);
    bd->n = bd->path_bytes = 0;
}

static size_t builder_bytes(const builder *bd)
{
    size_t t = 0;
    for (int i = 0; i < N_SECTIONS; i++)
        t += smz_strbuf_len(&bd->sec[i]);
    return t;
}

static void builder_add(builder *bd, sqlite3_stmt *s)
{
    const char *path = (const char *)sqlite3_column_text(s, 0);
    size_t plen = (size_t)sqlite3_column_bytes(s, 0), shared = 0;
    const char *prev = smz_strbuf_str(&bd->prev);
    size_t prev_len = smz_strbuf_len(&bd->prev);
    if (!bd->n) {
        smz_strbuf_reset(&bd->first);
        smz_strbuf_add(&bd->first, path, plen);
    }
    while (bd->n && shared < plen && shared < prev_len && path[shared] == prev[shared])
        shared++;
    put_varint(&bd->sec[S_PATHS], shared);
    put_varint(&bd->sec[S_PATHS], plen - shared);
    smz_strbuf_add(&bd->sec[S_PATHS], path + shared, plen - shared);
    smz_strbuf_reset(&bd->prev);
    smz_strbuf_add(&bd->prev, path, plen);
    const void *title = sqlite3_column_text(s, 1);
    size_t tlen = (size_t)sqlite3_column_bytes(s, 1);
    put_varint(&bd->sec[S_TITLES], tlen);
    smz_strbuf_add(&bd->sec[S_TITLES], title, tlen);
    unsigned char flags = 0;
    for (int i = 0; i < N_INTS; i++) {
        if (sqlite3_column_type(s, 2 + i) == SQLITE_NULL)
            continue;
        flags |= (unsigned char)(1 << i);
        put_varint(&bd->sec[S_INTS + i], (uint64_t)sqlite3_column_int64(s, 2 + i));
    }
    if (sqlite3_column_type(s, 6) != SQLITE_NULL) {
        flags |= F_REDIRECT;
        size_t rlen = (size_t)sqlite3_column_bytes(s, 6);
        put_varint(&bd->sec[S_REDIRECTS], rlen);
        smz_strbuf_add(&bd->sec[S_REDIRECTS], sqlite3_column_text(s, 6), rlen);
    }
    smz_strbuf_add(&bd->sec[S_FLAGS], &flags, 1);
    bd->n++;
    bd->path_bytes += plen;
}

/* Compresses the block in BD and inserts it as row ID. */
static smz_err builder_flush(builder *bd, sqlite3 *db, sqlite3_stmt *ins, ZSTD_CCtx *cctx, int64_t id,
                             char *err, size_t errlen)
{
    smz_strbuf *raw = &bd->raw;
    smz_strbuf_reset(raw);
    put_varint(raw, bd->n);
    smz_err rc = SMZ_OK;
    for (int i = 0; i < N_SECTIONS; i++) {
        if (rc == SMZ_OK)
            rc = smz_strbuf_err(&bd->sec[i]);
        smz_strbuf_add(raw, smz_strbuf_str(&bd->sec[i]), smz_strbuf_len(&bd->sec[i]));
    }
    if (rc == SMZ_OK)
        rc = smz_strbuf_err(raw);
    if (rc == SMZ_OK)
        rc = smz_strbuf_err(&bd->first);
    if (rc != SMZ_OK)
        return smz__errf_lang(err, errlen, bd->lang, rc, "packing the entry table: %s",
                              smz_strerror(rc));
    size_t len = smz_strbuf_len(raw), cap = ZSTD_compressBound(len);
    void *out = malloc(cap);
    if (!out)
        return smz__errf_lang(err, errlen, bd->lang, SMZ_E_NOMEM, "out of memory");
    size_t z = smz__zstd_frame(cctx, bd->level, 0, out, cap, smz_strbuf_str(raw), len);
    if (ZSTD_isError(z)) {
        free(out);
        return smz__errf_lang(err, errlen, bd->lang, SMZ_E_INTERNAL, "packing the entry table: %s",
                              ZSTD_getErrorName(z));
    }
    sqlite3_bind_int64(ins, 1, id);
    sqlite3_bind_text(ins, 2, smz_strbuf_str(&bd->first), (int)smz_strbuf_len(&bd->first),
                      SQLITE_STATIC);
    sqlite3_bind_blob(ins, 3, out, (int)z, SQLITE_STATIC);
    int src = sqlite3_step(ins);
    sqlite3_reset(ins);
    sqlite3_clear_bindings(ins);
    free(out);
    if (src != SQLITE_DONE)
        return smz__sqlite_err(db, src, "packing the entry table", err, errlen);
    builder_reset(bd);
    return SMZ_OK;
}

smz_err smz__entries_pack(sqlite3 *db, int level, int lang, char *err, size_t errlen)
{
    builder bd;
    sqlite3_stmt *sel = NULL, *ins = NULL;
    ZSTD_CCtx *cctx = ZSTD_createCCtx();
    smz_err rc = SMZ_OK;
    int64_t id = 0;
    int src;
    for (int i = 0; i < N_SECTIONS; i++)
        smz_strbuf_init(&bd.sec[i], SMZ_ENTRY_BLOCK_MAX);
    smz_strbuf_init(&bd.raw, SMZ_ENTRY_BLOCK_MAX);
    smz_strbuf_init(&bd.prev, SMZ_ENTRY_BLOCK_MAX);
    smz_strbuf_init(&bd.first, SMZ_ENTRY_BLOCK_MAX);
    bd.n = bd.path_bytes = 0;
    if (!cctx) {
        rc = smz__errf_lang(err, errlen, lang, SMZ_E_NOMEM, "out of memory");
        goto out;
    }
    bd.lang = lang;
    bd.level = level; /* no checksum (smz__zstd_frame): the page's own check would be redundant */
    if ((src =
             sqlite3_prepare_v2(db,
                                "SELECT path, title, mime, cluster, offset, size, redirect FROM entries "
                                "ORDER BY path",
                                -1, &sel, NULL)) != SQLITE_OK ||
        (src = sqlite3_prepare_v2(db, "INSERT INTO entry_blocks(id, first, data) VALUES(?, ?, ?)", -1,
                                  &ins, NULL)) != SQLITE_OK) {
        rc = smz__sqlite_err(db, src, "packing the entry table", err, errlen);
        goto out;
    }
    while ((src = sqlite3_step(sel)) == SQLITE_ROW) {
        size_t plen = (size_t)sqlite3_column_bytes(sel, 0);
        /* A block closes before it would pass the target or the writer's
         * caps (well inside the reader's). */
        if (bd.n &&
            (builder_bytes(&bd) >= SMZ_ENTRY_BLOCK_TARGET || bd.n >= MAX_WRITE_ENTRIES ||
             bd.path_bytes + plen > MAX_WRITE_PATHS) &&
            (rc = builder_flush(&bd, db, ins, cctx, ++id, err, errlen)) != SMZ_OK)
            goto out;
        builder_add(&bd, sel);
    }
    if (src != SQLITE_DONE) {
        rc = smz__sqlite_err(db, src, "packing the entry table", err, errlen);
        goto out;
    }
    if (bd.n && (rc = builder_flush(&bd, db, ins, cctx, ++id, err, errlen)) != SMZ_OK)
        goto out;
    sqlite3_finalize(sel);
    sel = NULL;
    if ((src = sqlite3_exec(db, "DROP TABLE entries", NULL, NULL, NULL)) != SQLITE_OK)
        rc = smz__sqlite_err(db, src, "packing the entry table", err, errlen);
out:
    sqlite3_finalize(sel);
    sqlite3_finalize(ins);
    ZSTD_freeCCtx(cctx);
    for (int i = 0; i < N_SECTIONS; i++)
        smz_strbuf_free(&bd.sec[i]);
    smz_strbuf_free(&bd.raw);
    smz_strbuf_free(&bd.prev);
    smz_strbuf_free(&bd.first);
    return rc;
}

/* ---- reading: a decoded block ---- */

typedef struct ent {
    uint32_t path, plen;         /* into the block's path bytes */
    const unsigned char *suffix; /* while decoding: the bytes after the shared part */
    const unsigned char *title, *redirect;
    uint32_t tlen, rlen;
    unsigned char flags;
    int64_t v[N_INTS];
} ent;

typedef struct block {
    int refs;
    int64_t id;
    size_t n;
    unsigned char *raw; /* the decoded bytes: titles and redirects point in */
    char *paths;        /* every path written out, one after another */
    ent *e;
} block;

static void block_unref(block *b)
{
    if (!b || --b->refs > 0)
        return;
    free(b->raw);
    free(b->paths);
    free(b->e);
    free(b);
}

/* Decodes the RAW_LEN bytes at RAW (taking them over) as block ID.  NULL
 * with a message in MSG when they break a rule. */
static block *block_parse(int64_t id, unsigned char *raw, size_t raw_len, int lang, char *msg,
                          size_t msglen)
{
    block *b = calloc(1, sizeof *b);
    reader rd = {raw, raw + raw_len, 0};
    const char *why = SMZ_N_("truncated");
    if (!b) {
        free(raw);
        snprintf(msg, msglen, "out of memory");
        return NULL;
    }
    b->refs = 1;
    b->id = id;
    b->raw = raw;
    uint64_t n = get_varint(&rd);
    if (rd.bad || n == 0 || n > SMZ_ENTRY_BLOCK_ENTRIES) {
        why = SMZ_N_("a bad entry count");
        goto bad;
    }
    b->n = (size_t)n;
    if (!(b->e = calloc(b->n, sizeof *b->e))) {
        snprintf(msg, msglen, "out of memory");
        block_unref(b);
        return NULL;
    }
    /* First the sizes (each path is the shared part of the one before and
     * its own bytes), then the paths written out, in one allocation. */
    size_t total = 0, prev_len = 0;
    for (size_t i = 0; i < b->n; i++) {
        uint64_t shared = get_varint(&rd), len = get_varint(&rd);
        b->e[i].suffix = get_bytes(&rd, len);
        if (rd.bad)
            goto bad;
        if (shared > prev_len || (i == 0 && shared) || shared + len > SMZ_ENTRY_BLOCK_PATHS - total) {
            why = SMZ_N_("a path that does not fit");
            goto bad;
        }
        b->e[i].path = (uint32_t)shared; /* for now */
        b->e[i].plen = (uint32_t)(shared + len);
        prev_len = (size_t)(shared + len);
        total += prev_len;
    }
    if (!(b->paths = malloc(total ? total : 1))) {
        snprintf(msg, msglen, "out of memory");
        block_unref(b);
        return NULL;
    }
    for (size_t i = 0, used = 0; i < b->n; i++) {
        size_t shared = b->e[i].path;
        if (shared)
            memcpy(b->paths + used, b->paths + b->e[i - 1].path, shared);
        memcpy(b->paths + used + shared, b->e[i].suffix, b->e[i].plen - shared);
        b->e[i].path = (uint32_t)used;
        used += b->e[i].plen;
    }
    for (size_t i = 0; i < b->n; i++) {
        uint64_t len = get_varint(&rd);
        b->e[i].title = get_bytes(&rd, len);
        if (rd.bad)
            goto bad;
        b->e[i].tlen = (uint32_t)len;
    }
    const unsigned char *flags = get_bytes(&rd, b->n);
    if (rd.bad)
        goto bad;
    for (size_t i = 0; i < b->n; i++) {
        if (flags[i] & ~F_ALL) {
            why = SMZ_N_("unknown flags");
            goto bad;
        }
        b->e[i].flags = flags[i];
    }
    for (int k = 0; k < N_INTS; k++)
        for (size_t i = 0; i < b->n; i++)
            if (b->e[i].flags & (1 << k))
                b->e[i].v[k] = (int64_t)get_varint(&rd);
    for (size_t i = 0; i < b->n && !rd.bad; i++) {
        if (!(b->e[i].flags & F_REDIRECT))
            continue;
        uint64_t len = get_varint(&rd);
        b->e[i].redirect = get_bytes(&rd, len);
        b->e[i].rlen = (uint32_t)len;
    }
    if (rd.bad)
        goto bad;
    if (rd.p != rd.end) {
        why = SMZ_N_("bytes after its last entry");
        goto bad;
    }
    return b;
bad:
    smz__format_lang(msg, msglen, lang, "entry block %lld is damaged (%s)", (long long)id,
                     smz_tr(lang, why));
    block_unref(b);
    return NULL;
}

/* The connection's state, shared by its cursors: the statements that read
 * entry_blocks, a decoder and the blocks decoded last (a search joins its
 * hits to their entries in the order it added them, mostly a few blocks
 * at a time; FORMAT-NOTES.md, entry blocks). */
#define KEPT_BLOCKS 4
typedef struct ectx {
    sqlite3 *db;
    sqlite3_stmt *first, *data;
    ZSTD_DCtx *dctx;
    int64_t nblocks;          /* -1 until read */
    block *kept[KEPT_BLOCKS]; /* most recently used first */
    const int *lang;          /* of the messages (smz/i18n.h): the reader's; NULL: English */
} ectx;

/* FMT in C's language, formatted by sqlite3_vmprintf (NULL when out of memory). */
static char *emsg(const ectx *c, const char *fmt, ...) SMZ_PRINTF(2, 3);
static char *emsg(const ectx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *m = sqlite3_vmprintf(smz_tr(c->lang ? *c->lang : SMZ_UI_EN, fmt), ap);
    va_end(ap);
    return m;
}

/* Block ID among the kept ones (moved to the front), or NULL. */
static block *kept_find(ectx *c, int64_t id)
{
    for (int i = 0; i < KEPT_BLOCKS && c->kept[i]; i++) {
        block *b = c->kept[i];
        if (b->id != id)
            continue;
        memmove(c->kept + 1, c->kept, (size_t)i * sizeof *c->kept);
        c->kept[0] = b;
        return b;
    }
    return NULL;
}

/* Keeps B (the caller's reference stays the caller's). */
static void kept_add(ectx *c, block *b)
{
    block_unref(c->kept[KEPT_BLOCKS - 1]);
    memmove(c->kept + 1, c->kept, (KEPT_BLOCKS - 1) * sizeof *c->kept);
    c->kept[0] = b;
    b->refs++;
}

static void kept_free(ectx *c)
{
    for (int i = 0; i < KEPT_BLOCKS; i++) {
        block_unref(c->kept[i]);
        c->kept[i] = NULL;
    }
}

static void ectx_free(void *p)
{
    ectx *c = p;
    if (!c)
        return;
    sqlite3_finalize(c->first);
    sqlite3_finalize(c->data);
    ZSTD_freeDCtx(c->dctx);
    kept_free(c);
    free(c);
}

/* SQLITE_OK, or an SQLite code with a message in *ERRMSG (sqlite3_malloc'd). */
static int ectx_prepare(ectx *c, char **errmsg)
{
    if (c->nblocks >= 0)
        return SQLITE_OK;
    sqlite3_stmt *s = NULL;
    int src = SQLITE_OK;
    if ((!c->first &&
         (src = sqlite3_prepare_v3(c->db, "SELECT first FROM main.entry_blocks WHERE id = ?", -1,
                                   SQLITE_PREPARE_PERSISTENT, &c->first, NULL)) != SQLITE_OK) ||
        (!c->data &&
         (src = sqlite3_prepare_v3(c->db, "SELECT data FROM main.entry_blocks WHERE id = ?", -1,
                                   SQLITE_PREPARE_PERSISTENT, &c->data, NULL)) != SQLITE_OK) ||
        (src = sqlite3_prepare_v2(c->db, "SELECT max(id), count(*), min(id) FROM main.entry_blocks", -1,
                                  &s, NULL)) != SQLITE_OK) {
        *errmsg = emsg(c, "reading the entry table: %s", sqlite3_errmsg(c->db));
        return src;
    }
    if ((src = sqlite3_step(s)) != SQLITE_ROW) {
        *errmsg = emsg(c, "reading the entry table: %s", sqlite3_errmsg(c->db));
        sqlite3_finalize(s);
        return src == SQLITE_DONE ? SQLITE_CORRUPT : src;
    }
    int64_t max = sqlite3_column_int64(s, 0), count = sqlite3_column_int64(s, 1),
            min = sqlite3_column_int64(s, 2);
    sqlite3_finalize(s);
    if (count && (min != 1 || max != count)) {
        *errmsg = emsg(c, "the entry table is damaged (its blocks are not numbered 1 to %lld)",
                       (long long)count);
        return SQLITE_CORRUPT;
    }
    c->nblocks = count;
    return SQLITE_OK;
}

/* Block ID's first path, into *P and *N (valid until the statement's next
 * use).  SQLITE_OK or a code with *ERRMSG. */
static int block_first(ectx *c, int64_t id, const unsigned char **p, int *n, char **errmsg)
{
    sqlite3_reset(c->first);
    sqlite3_bind_int64(c->first, 1, id);
    int src = sqlite3_step(c->first);
    if (src == SQLITE_ROW && sqlite3_column_type(c->first, 0) == SQLITE_TEXT) {
        *p = sqlite3_column_text(c->first, 0);
        *n = sqlite3_column_bytes(c->first, 0);
        if (*p)
            return SQLITE_OK;
        src = SQLITE_NOMEM;
    }
    *errmsg = src == SQLITE_ROW || src == SQLITE_DONE
                  ? emsg(c, "the entry table is damaged (block %lld is missing or malformed)",
                         (long long)id)
                  : emsg(c, "reading the entry table: %s", sqlite3_errmsg(c->db));
    return src == SQLITE_ROW || src == SQLITE_DONE ? SQLITE_CORRUPT : src;
}

/* Block ID decoded, with a reference for the caller. */
static int block_get(ectx *c, int64_t id, block **out, char **errmsg)
{
    char msg[300];
    int lang = c->lang ? *c->lang : SMZ_UI_EN;
    *out = kept_find(c, id);
    if (*out) {
        (*out)->refs++;
        return SQLITE_OK;
    }
    sqlite3_reset(c->data);
    sqlite3_bind_int64(c->data, 1, id);
    int src = sqlite3_step(c->data);
    if (src != SQLITE_ROW || sqlite3_column_type(c->data, 0) != SQLITE_BLOB) {
        sqlite3_reset(c->data);
        *errmsg = src == SQLITE_ROW || src == SQLITE_DONE
                      ? emsg(c, "the entry table is damaged (block %lld is missing or malformed)",
                             (long long)id)
                      : emsg(c, "reading the entry table: %s", sqlite3_errmsg(c->db));
        return src == SQLITE_ROW || src == SQLITE_DONE ? SQLITE_CORRUPT : src;
    }
    const void *z = sqlite3_column_blob(c->data, 0);
    size_t zlen = (size_t)sqlite3_column_bytes(c->data, 0);
    unsigned long long usize = z ? ZSTD_getFrameContentSize(z, zlen) : ZSTD_CONTENTSIZE_ERROR;
    unsigned char *raw = NULL;
    size_t got = 0;
    if (usize == ZSTD_CONTENTSIZE_ERROR || usize == ZSTD_CONTENTSIZE_UNKNOWN || usize == 0 ||
        usize > SMZ_ENTRY_BLOCK_MAX) {
        smz__format_lang(msg, sizeof msg, lang,
                         "entry block %lld is damaged (not a zstd frame of a size allowed)",
                         (long long)id);
        goto bad;
    }
    if (!(raw = malloc((size_t)usize))) {
        sqlite3_reset(c->data);
        return SQLITE_NOMEM;
    }
    got = ZSTD_decompressDCtx(c->dctx, raw, (size_t)usize, z, zlen);
    if (ZSTD_isError(got) || got != usize) {
        smz__format_lang(msg, sizeof msg, lang, "entry block %lld is damaged (%s)", (long long)id,
                         ZSTD_isError(got) ? ZSTD_getErrorName(got) : smz_tr(lang, SMZ_N_("short")));
        free(raw);
        goto bad;
    }
    sqlite3_reset(c->data);
    block *b = block_parse(id, raw, got, lang, msg, sizeof msg);
    if (!b) {
        *errmsg = sqlite3_mprintf("%s", msg);
        return SQLITE_CORRUPT;
    }
    kept_add(c, b);
    *out = b;
    return SQLITE_OK;
bad:
    sqlite3_reset(c->data);
    *errmsg = sqlite3_mprintf("%s", msg);
    return SQLITE_CORRUPT;
}

/* memcmp order of byte strings, the order of SQLite's BINARY collation. */
static int bytes_cmp(const void *a, size_t an, const void *b, size_t bn)
{
    int c = memcmp(a, b, an < bn ? an : bn);
    return c ? c : (an > bn) - (an < bn);
}

/* ---- the virtual table ---- */

enum { COL_PATH, COL_TITLE, COL_MIME, COL_CLUSTER, COL_OFFSET, COL_SIZE, COL_REDIRECT };
/* idxNum bits: which bounds on path xFilter gets, in this order in argv. */
enum { I_EQ = 1, I_GT = 2, I_GE = 4, I_LT = 8, I_LE = 16 };

typedef struct evtab {
    sqlite3_vtab base;
    ectx *c;
} evtab;

typedef struct ecursor {
    sqlite3_vtab_cursor base;
    block *b;
    size_t i;
    int eof;
    char *hi; /* the upper bound, or NULL */
    size_t hi_len;
    int hi_incl;
} ecursor;

static int e_connect(sqlite3 *db, void *aux, int argc, const char *const *argv, sqlite3_vtab **out,
                     char **errmsg)
{
    (void)argc;
    (void)argv;
    (void)errmsg;
    int src = sqlite3_declare_vtab(db, "CREATE TABLE x(path TEXT, title TEXT, mime INTEGER, cluster "
                                       "INTEGER, offset INTEGER, size INTEGER, redirect TEXT)");
    if (src != SQLITE_OK)
        return src;
    sqlite3_vtab_config(db, SQLITE_VTAB_INNOCUOUS);
    evtab *t = sqlite3_malloc(sizeof *t);
    if (!t)
        return SQLITE_NOMEM;
    memset(t, 0, sizeof *t);
    t->c = aux;
    *out = &t->base;
    return SQLITE_OK;
}

/* SQLite disconnects an eponymous table when its connection closes, before
 * it checks that no statement is left: the shared statements go here, or
 * sqlite3_close would find them and refuse. */
static int e_disconnect(sqlite3_vtab *vt)
{
    ectx *c = ((evtab *)vt)->c;
    sqlite3_finalize(c->first);
    sqlite3_finalize(c->data);
    c->first = c->data = NULL;
    c->nblocks = -1;
    sqlite3_free(vt);
    return SQLITE_OK;
}

static int e_best_index(sqlite3_vtab *vt, sqlite3_index_info *info)
{
    (void)vt;
    static const struct {
        int op, bit;
    } ops[] = {{SQLITE_INDEX_CONSTRAINT_EQ, I_EQ},
               {SQLITE_INDEX_CONSTRAINT_GT, I_GT},
               {SQLITE_INDEX_CONSTRAINT_GE, I_GE},
               {SQLITE_INDEX_CONSTRAINT_LT, I_LT},
               {SQLITE_INDEX_CONSTRAINT_LE, I_LE}};
    int which[5] = {-1, -1, -1, -1, -1}, bits = 0, argn = 0;
    for (int i = 0; i < info->nConstraint; i++) {
        const struct sqlite3_index_constraint *k = &info->aConstraint[i];
        if (!k->usable || k->iColumn != COL_PATH)
            continue;
        const char *coll = sqlite3_vtab_collation(info, i);
        if (coll && sqlite3_stricmp(coll, "BINARY"))
            continue;
        for (int j = 0; j < 5; j++)
            if (k->op == ops[j].op && which[j] < 0)
                which[j] = i;
    }
    if (which[0] >= 0) /* = makes the others needless */
        which[1] = which[2] = which[3] = which[4] = -1;
    for (int j = 0; j < 5; j++) {
        if (which[j] < 0)
            continue;
        bits |= ops[j].bit;
        info->aConstraintUsage[which[j]].argvIndex = ++argn;
        /* SQLite checks the bound again: the cursor only narrows. */
        info->aConstraintUsage[which[j]].omit = 0;
    }
    info->idxNum = bits;
    if (bits & I_EQ) {
        info->estimatedCost = 10;
        info->estimatedRows = 1;
        info->idxFlags = SQLITE_INDEX_SCAN_UNIQUE;
    } else if (bits) {
        info->estimatedCost = 1000;
        info->estimatedRows = 1000;
    } else {
        info->estimatedCost = 1000000;
        info->estimatedRows = 100000;
    }
    if (info->nOrderBy == 1 && info->aOrderBy[0].iColumn == COL_PATH && !info->aOrderBy[0].desc)
        info->orderByConsumed = 1;
    return SQLITE_OK;
}

static int e_open(sqlite3_vtab *vt, sqlite3_vtab_cursor **out)
{
    (void)vt;
    ecursor *cur = sqlite3_malloc(sizeof *cur);
    if (!cur)
        return SQLITE_NOMEM;
    memset(cur, 0, sizeof *cur);
    cur->eof = 1;
    *out = &cur->base;
    return SQLITE_OK;
}

static void cursor_reset(ecursor *cur)
{
    block_unref(cur->b);
    cur->b = NULL;
    sqlite3_free(cur->hi);
    cur->hi = NULL;
    cur->eof = 1;
}

static int e_close(sqlite3_vtab_cursor *vc)
{
    ecursor *cur = (ecursor *)vc;
    cursor_reset(cur);
    sqlite3_free(cur);
    return SQLITE_OK;
}

static int set_error(sqlite3_vtab_cursor *vc, int src, char *msg)
{
    sqlite3_free(vc->pVtab->zErrMsg);
    vc->pVtab->zErrMsg = msg;
    return src;
}

/* Past the upper bound? */
static int beyond(const ecursor *cur)
{
    if (!cur->hi)
        return 0;
    const ent *e = &cur->b->e[cur->i];
    int c = bytes_cmp(cur->b->paths + e->path, e->plen, cur->hi, cur->hi_len);
    return cur->hi_incl ? c > 0 : c >= 0;
}

/* Moves to the next block while the current one is used up. */
static int settle(ecursor *cur, ectx *c, char **errmsg)
{
    while (cur->b && cur->i >= cur->b->n) {
        int64_t next = cur->b->id + 1;
        block_unref(cur->b);
        cur->b = NULL;
        cur->i = 0;
        if (next > c->nblocks)
            break;
        int src = block_get(c, next, &cur->b, errmsg);
        if (src != SQLITE_OK)
            return src;
    }
    cur->eof = !cur->b || beyond(cur);
    return SQLITE_OK;
}

static int e_filter(sqlite3_vtab_cursor *vc, int idx, const char *idxstr, int argc, sqlite3_value **argv)
{
    (void)idxstr;
    ecursor *cur = (ecursor *)vc;
    ectx *c = ((evtab *)vc->pVtab)->c;
    char *errmsg = NULL;
    cursor_reset(cur);
    int src = ectx_prepare(c, &errmsg);
    if (src != SQLITE_OK)
        return set_error(vc, src, errmsg);
    /* The bounds, as text; one of another type narrows nothing (SQLite
     * still applies it to every row). */
    const unsigned char *lo = NULL, *hi = NULL;
    int lo_len = 0, hi_len = 0, lo_incl = 1, hi_incl = 1, argn = 0;
    static const int bits[] = {I_EQ, I_GT, I_GE, I_LT, I_LE};
    for (int j = 0; j < 5; j++) {
        if (!(idx & bits[j]) || argn >= argc)
            continue;
        sqlite3_value *v = argv[argn++];
        if (sqlite3_value_type(v) != SQLITE_TEXT)
            continue;
        const unsigned char *t = sqlite3_value_text(v);
        int n = sqlite3_value_bytes(v);
        if (!t)
            return SQLITE_NOMEM;
        if (bits[j] & (I_EQ | I_GT | I_GE)) {
            lo = t, lo_len = n, lo_incl = bits[j] != I_GT;
        }
        if (bits[j] & (I_EQ | I_LT | I_LE)) {
            hi = t, hi_len = n, hi_incl = bits[j] != I_LT;
        }
    }
    if (hi) {
        if (!(cur->hi = sqlite3_malloc(hi_len ? hi_len : 1)))
            return SQLITE_NOMEM;
        memcpy(cur->hi, hi, (size_t)hi_len);
        cur->hi_len = (size_t)hi_len;
        cur->hi_incl = hi_incl;
    }
    if (!c->nblocks)
        return SQLITE_OK;
    /* The last block whose first path is at most LO (block 1 when none):
     * a kept block whose paths span LO is it, without a search. */
    int64_t blk = 0;
    for (int k = 0; lo && k < KEPT_BLOCKS && c->kept[k] && !blk; k++) {
        const block *b = c->kept[k];
        const ent *f = &b->e[0], *l = &b->e[b->n - 1];
        if (bytes_cmp(b->paths + f->path, f->plen, lo, (size_t)lo_len) <= 0 &&
            bytes_cmp(b->paths + l->path, l->plen, lo, (size_t)lo_len) >= 0)
            blk = b->id;
    }
    if (!lo)
        blk = 1;
    if (!blk) {
        int64_t a = 1, b = c->nblocks; /* invariant: the answer is in [a, b] */
        while (a < b) {
            int64_t m = a + (b - a + 1) / 2;
            const unsigned char *f;
            int fn;
            if ((src = block_first(c, m, &f, &fn, &errmsg)) != SQLITE_OK)
                return set_error(vc, src, errmsg);
            if (bytes_cmp(f, (size_t)fn, lo, (size_t)lo_len) <= 0)
                a = m;
            else
                b = m - 1;
        }
        blk = a;
        sqlite3_reset(c->first);
    }
    if ((src = block_get(c, blk, &cur->b, &errmsg)) != SQLITE_OK)
        return set_error(vc, src, errmsg);
    size_t i = 0;
    if (lo) { /* the first entry at or past LO */
        size_t a = 0, b = cur->b->n;
        while (a < b) {
            size_t m = a + (b - a) / 2;
            const ent *e = &cur->b->e[m];
            int cmp = bytes_cmp(cur->b->paths + e->path, e->plen, lo, (size_t)lo_len);
            if (cmp < 0 || (cmp == 0 && !lo_incl))
                a = m + 1;
            else
                b = m;
        }
        i = a;
    }
    cur->i = i;
    if ((src = settle(cur, c, &errmsg)) != SQLITE_OK)
        return set_error(vc, src, errmsg);
    return SQLITE_OK;
}

static int e_next(sqlite3_vtab_cursor *vc)
{
    ecursor *cur = (ecursor *)vc;
    char *errmsg = NULL;
    cur->i++;
    int src = settle(cur, ((evtab *)vc->pVtab)->c, &errmsg);
    return src == SQLITE_OK ? SQLITE_OK : set_error(vc, src, errmsg);
}

static int e_eof(sqlite3_vtab_cursor *vc)
{
    return ((ecursor *)vc)->eof;
}

static int e_column(sqlite3_vtab_cursor *vc, sqlite3_context *ctx, int col)
{
    ecursor *cur = (ecursor *)vc;
    const ent *e = &cur->b->e[cur->i];
    switch (col) {
    case COL_PATH:
        sqlite3_result_text(ctx, cur->b->paths + e->path, (int)e->plen, SQLITE_TRANSIENT);
        break;
    case COL_TITLE:
        sqlite3_result_text(ctx, (const char *)e->title, (int)e->tlen, SQLITE_TRANSIENT);
        break;
    case COL_REDIRECT:
        if (e->flags & F_REDIRECT)
            sqlite3_result_text(ctx, (const char *)e->redirect, (int)e->rlen, SQLITE_TRANSIENT);
        break;
    default:
        if (col >= COL_MIME && col <= COL_SIZE && (e->flags & (1 << (col - COL_MIME))))
            sqlite3_result_int64(ctx, e->v[col - COL_MIME]);
        break;
    }
    return SQLITE_OK;
}

static int e_rowid(sqlite3_vtab_cursor *vc, sqlite3_int64 *rowid)
{
    ecursor *cur = (ecursor *)vc;
    *rowid = (cur->b->id - 1) * SMZ_ENTRY_BLOCK_ENTRIES + (int64_t)cur->i;
    return SQLITE_OK;
}

static const sqlite3_module entries_module = {
    .iVersion = 0,
    .xCreate = NULL, /* eponymous only */
    .xConnect = e_connect,
    .xBestIndex = e_best_index,
    .xDisconnect = e_disconnect,
    .xDestroy = e_disconnect,
    .xOpen = e_open,
    .xClose = e_close,
    .xFilter = e_filter,
    .xNext = e_next,
    .xEof = e_eof,
    .xColumn = e_column,
    .xRowid = e_rowid,
};

smz_err smz__entries_register(sqlite3 *db, const int *lang, char *err, size_t errlen)
{
    ectx *c = calloc(1, sizeof *c);
    if (!c || !(c->dctx = ZSTD_createDCtx())) {
        free(c);
        return smz__errf(err, errlen, SMZ_E_NOMEM, "out of memory");
    }
    c->db = db;
    c->nblocks = -1;
    c->lang = lang;
    int src = sqlite3_create_module_v2(db, "entries", &entries_module, c, ectx_free);
    if (src != SQLITE_OK) /* sqlite3_create_module_v2 called ectx_free */
        return smz__sqlite_err(db, src, "registering the entry table", err, errlen);
    return SMZ_OK;
}

/* ---- the digest's plan ---- */

int smz__entries_places(sqlite3 *db, smz_entries_place_fn fn, void *ctx)
{
    ectx c = {.db = db, .nblocks = -1};
    char *msg = NULL;
    int src = (c.dctx = ZSTD_createDCtx()) ? ectx_prepare(&c, &msg) : SQLITE_NOMEM;
    for (int64_t id = 1; src == SQLITE_OK && id <= c.nblocks; id++) {
        block *b = NULL;
        if ((src = block_get(&c, id, &b, &msg)) != SQLITE_OK)
            break;
        for (size_t i = 0; i < b->n && src == SQLITE_OK; i++) {
            const ent *e = &b->e[i];
            if (fn(ctx, e->flags & F_CLUSTER ? e->v[COL_CLUSTER - COL_MIME] : -1,
                   e->flags & F_SIZE ? e->v[COL_SIZE - COL_MIME] : -1))
                src = SQLITE_INTERRUPT;
        }
        block_unref(b);
    }
    sqlite3_free(msg);
    sqlite3_finalize(c.first);
    sqlite3_finalize(c.data);
    ZSTD_freeDCtx(c.dctx);
    kept_free(&c);
    return src;
}

/* ---- smz check ---- */

int64_t smz__entries_check(sqlite3 *db, smz_entries_problem_fn fn, void *ctx, int lang, char *err,
                           size_t errlen)
{
    ectx c = {.db = db, .nblocks = -1, .lang = &lang};
    char *msg = NULL, buf[300];
    int64_t problems = 0;
    smz_strbuf prev;
    smz_strbuf_init(&prev, SMZ_ENTRY_BLOCK_PATHS);
    if (!(c.dctx = ZSTD_createDCtx())) {
        smz__errf_lang(err, errlen, lang, SMZ_E_NOMEM, "out of memory");
        return -1;
    }
    int src = ectx_prepare(&c, &msg);
    if (src != SQLITE_OK) {
        if (src != SQLITE_CORRUPT) {
            smz__errf_lang(err, errlen, lang, SMZ_E_CORRUPT, "%s",
                           msg ? msg : smz_tr(lang, "reading the entry table"));
            sqlite3_free(msg);
            problems = -1;
            goto out;
        }
        fn(ctx, msg ? msg : smz_tr(lang, "the entry table is damaged"));
        sqlite3_free(msg);
        problems = 1;
        goto out;
    }
    for (int64_t id = 1; id <= c.nblocks; id++) {
        block *b = NULL;
        const unsigned char *f;
        int fn_len;
        if ((src = block_get(&c, id, &b, &msg)) != SQLITE_OK ||
            (src = block_first(&c, id, &f, &fn_len, &msg)) != SQLITE_OK) {
            block_unref(b);
            if (src == SQLITE_NOMEM) {
                sqlite3_free(msg); /* a statement's own "out of memory" */
                smz__errf_lang(err, errlen, lang, SMZ_E_NOMEM, "out of memory");
                problems = -1;
                goto out;
            }
            fn(ctx, msg ? msg : smz_tr(lang, "the entry table is damaged"));
            sqlite3_free(msg);
            msg = NULL;
            problems++;
            smz_strbuf_reset(&prev);
            continue;
        }
        if (bytes_cmp(f, (size_t)fn_len, b->paths + b->e[0].path, b->e[0].plen)) {
            smz__format_lang(buf, sizeof buf, lang,
                             "entry block %lld: its first path differs from the one it is filed under",
                             (long long)id);
            fn(ctx, buf);
            problems++;
        }
        for (size_t i = 0; i < b->n; i++) {
            const ent *e = &b->e[i];
            if (smz_strbuf_len(&prev) && bytes_cmp(smz_strbuf_str(&prev), smz_strbuf_len(&prev),
                                                   b->paths + e->path, e->plen) >= 0) {
                smz__format_lang(buf, sizeof buf, lang,
                                 "entry block %lld: its paths are not in increasing order (entry %zu)",
                                 (long long)id, i);
                fn(ctx, buf);
                problems++;
                break;
            }
            smz_strbuf_reset(&prev);
            smz_strbuf_add(&prev, b->paths + e->path, e->plen);
        }
        block_unref(b);
    }
out:
    smz_strbuf_free(&prev);
    sqlite3_finalize(c.first);
    sqlite3_finalize(c.data);
    ZSTD_freeDCtx(c.dctx);
    kept_free(&c);
    return problems;
}
