/* The archive reader.
 *
 * Opens an archive read-only and immutable (no locks, no journal, nothing
 * written beside it), checks the file header and pins the schema before any
 * content query, and treats every value it reads as hostile: types, ranges
 * and sizes are checked before use, clusters are checksummed before they are
 * decompressed, and decompression is capped.  Reads cost one index lookup
 * plus one cluster; decompressed clusters are shared through smz_cache. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sodium.h>
#include <sqlite3.h>
/* The buffer-less decoding API (ZSTD_decompressContinue), for prefixes. */
#define ZSTD_STATIC_LINKING_ONLY
#include <zstd.h>
#include "smz/reader.h"
#include "smz/format.h"
#include "smz/i18n.h"
#include "text/utf8.h"
#include "text/date.h"
#include "text/lang.h"
#include "cache.h"
#include "error.h"
#include "entries.h"
#include "format.h"
#include "reader_priv.h"
#include "search/packed.h"
#include "split.h"
#include "arrival.h"
#include "util/sqlite_page.h"
#include "util/file.h"

/* VM steps (in units of 1000) one statement step may take before it is cut
 * off: a hostile archive cannot make a lookup run for ever. */
#define SMZ_STEP_BUDGET 20000

/* SQLite page cache of a handle that shares a cluster cache (KiB). */
#define SMZ_SHARED_PAGE_CACHE_KIB 128

struct smz_reader {
    sqlite3 *db;
    sqlite3_stmt *find, *cluster_info, *meta;
    smz_cache *cache;
    uint64_t dev, ino, file_size;
    int64_t file_mtime;   /* the file's (a split set's part 1's) modification time */
    int split;            /* a split set, read through the smz-split VFS */
    smz_arrival *arrival; /* a file read as it arrives (smz-arriving), or NULL; borrowed */
    int version;          /* the archive's format version */
    /* Version 3: the checks of cluster CHECKS_CID (load_checks). */
    unsigned char *checks;
    size_t checks_len;
    int64_t checks_cid;
    int has_index;
    /* Version 3's packed index (lib/search/packed.h): attached on first use
     * (smz__reader_index), 1 once it is, -1 if that failed. */
    int index_packed, index_state;
    int stemmed;        /* the index was made with tokenize='smz porter' */
    int64_t budget;     /* 64 bits: smz__reader_begin_long may multiply it by a million */
    int64_t n_articles; /* for random(): -1 until counted */
    /* Clusters decoded (or read whole), and the bytes that gave: what
     * reads cost beyond lookups (smz_reader_decoded). */
    uint64_t decodes, decoded_bytes;
    ZSTD_DCtx *dctx;
    /* The last cluster read by ranges, kept open: SQLite's blob handle
     * remembers the overflow pages it has walked, so the next range of the
     * same cluster starts where it lies instead of walking the chain from
     * the start (a 1 GB cluster is 250,000 pages).  NULL: none open. */
    sqlite3_blob *blob;
    int64_t blob_cid;
    /* While smz_reader_check computes the content digest (SOUND_ON): the
     * clusters this handle read whole and found sound on the way (every
     * check step 2 makes of a cluster's data), so that step 2 does not
     * decode them a second time.  Kept sorted on the way in. */
    int64_t *sound;
    size_t n_sound, cap_sound;
    int sound_on;
    char errmsg[1024];
    int lang; /* the language of errmsg and of check's problems (smz_reader_set_lang) */
    /* Set by smz_reader_interrupt from any thread or a signal handler (a
     * lock-free atomic: the store is async-signal-safe); never cleared. */
    atomic_int interrupted;
};

struct smz_iter {
    smz_reader *r;
    sqlite3_stmt *st;
    smz_entry *cur;
    uint64_t rows;
    uint64_t skipped;    /* malformed rows passed over */
    smz_problem_fn skip; /* told of each; may be NULL */
    void *skip_ctx;
};

/* Row loops are capped too: no table of a valid archive has more rows than
 * the file has 8-byte pieces, so a damaged B-tree that cycles ends here. */
static int too_many_rows(const smz_reader *r, uint64_t rows)
{
    return rows > r->file_size / 8 + 16;
}

/* SQLite gives NULL and 0 bytes for a value it ran out of memory
 * fetching, saying so only through the connection's error code: without
 * this test, an empty value would silently stand in for the real one. */
static int column_oom(sqlite3 *db)
{
    return sqlite3_errcode(db) == SQLITE_NOMEM;
}

static smz_err fail(smz_reader *r, smz_err e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static smz_err fail(smz_reader *r, smz_err e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    smz__vformat_lang(r->errmsg, sizeof r->errmsg, r->lang, fmt, ap);
    va_end(ap);
    return e;
}

/* 1 once smz_reader_interrupt was called on R. */
static int stopped(smz_reader *r)
{
    return atomic_load(&r->interrupted);
}

static smz_err sqlfail(smz_reader *r, int rc, const char *what)
{
    if ((rc & 0xff) == SQLITE_INTERRUPT && stopped(r))
        return fail(r, SMZ_E_INTERRUPTED, "%s: interrupted", what);
    if ((rc & 0xff) == SQLITE_INTERRUPT)
        return fail(r, SMZ_E_CORRUPT, "%s: the archive made a query run too long", what);
    return smz__sqlite_err(r->db, rc, smz_tr(r->lang, what), r->errmsg, sizeof r->errmsg);
}

/* Also how an interrupt reaches a statement started after
 * sqlite3_interrupt's moment had passed (SQLite forgets it between
 * statements): the flag stays set. */
static int progress(void *ctx)
{
    smz_reader *r = ctx;
    return --r->budget <= 0 || stopped(r);
}

static void begin(smz_reader *r)
{
    r->budget = SMZ_STEP_BUDGET;
    r->errmsg[0] = 0;
}

const char *smz_reader_errmsg(const smz_reader *r)
{
    return r ? r->errmsg : "out of memory";
}

void smz_reader_set_lang(smz_reader *r, int lang)
{
    if (r)
        r->lang = smz_ui_lang_at(lang) ? lang : SMZ_UI_EN;
}

int smz__reader_lang(const smz_reader *r)
{
    return r->lang;
}

sqlite3 *smz__reader_db(smz_reader *r)
{
    return r->db;
}

void smz_reader_interrupt(smz_reader *r)
{
    if (!r)
        return;
    atomic_store(&r->interrupted, 1);
    sqlite3_interrupt(r->db); /* stops the statement running now */
}

int smz__reader_interrupted(smz_reader *r)
{
    return stopped(r);
}

void smz__reader_begin_long(smz_reader *r, int factor)
{
    begin(r);
    r->budget = (int64_t)SMZ_STEP_BUDGET * factor;
}

int smz__reader_has_index(const smz_reader *r)
{
    return r->has_index;
}

int smz__reader_stemmed(const smz_reader *r)
{
    return r->stemmed;
}

static smz_err pin_schema(smz_reader *r, const char *schema);

smz_err smz__reader_index(smz_reader *r)
{
    smz_err rc;
    if (!r->has_index)
        return fail(r, SMZ_E_UNSUPPORTED, "this archive has no search index (packed with --no-index)");
    if (!r->index_packed || r->index_state > 0)
        return SMZ_OK;
    if (r->index_state < 0)
        return fail(r, SMZ_E_CORRUPT, "the packed index is damaged (smz check says how)");
    rc = smz__index_unpack(r->db, "main", SMZ_PACKED_SCHEMA, r->errmsg, sizeof r->errmsg);
    if (rc == SMZ_OK)
        rc = pin_schema(r, SMZ_PACKED_SCHEMA);
    if (rc != SMZ_OK) {
        /* no query may reach what failed its checks */
        sqlite3_exec(r->db, "DETACH " SMZ_PACKED_SCHEMA, NULL, NULL, NULL);
        if (rc != SMZ_E_NOMEM)
            r->index_state = -1;
        return rc;
    }
    r->index_state = 1;
    return SMZ_OK;
}

/* The schema the search tables are in: "main", or the packed index's. */
static const char *index_schema(const smz_reader *r)
{
    return r->index_packed ? SMZ_PACKED_SCHEMA : "main";
}

int smz__reader_vocab(smz_reader *r)
{
    /* TEMP: the archive is opened read-only, its connection's temp schema
     * (in memory) is not; query_only, which the connection is hardened
     * with, is lifted for these two statements alone and always put back.
     * The connection keeps the tables for its next calls. */
    if (sqlite3_table_column_metadata(r->db, "temp", "smz_vocab_title", "term", NULL, NULL, NULL, NULL,
                                      NULL) == SQLITE_OK)
        return SQLITE_OK;
    const char *sch = index_schema(r);
    char *sql = sqlite3_mprintf("PRAGMA query_only=OFF;"
                                "CREATE VIRTUAL TABLE IF NOT EXISTS temp.smz_vocab_fts"
                                " USING fts5vocab(%s, 'search_fts', 'row');"
                                "CREATE VIRTUAL TABLE IF NOT EXISTS temp.smz_vocab_title"
                                " USING fts5vocab(%s, 'search_title', 'row');",
                                sch, sch);
    int src = sql ? sqlite3_exec(r->db, sql, NULL, NULL, NULL) : SQLITE_NOMEM;
    sqlite3_free(sql);
    int back = sqlite3_exec(r->db, "PRAGMA query_only=ON", NULL, NULL, NULL);
    return src == SQLITE_OK ? back : src;
}

smz_err smz__reader_fail(smz_reader *r, smz_err e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    smz__vformat_lang(r->errmsg, sizeof r->errmsg, r->lang, fmt, ap);
    va_end(ap);
    return e;
}

smz_err smz__reader_sqlfail(smz_reader *r, int rc, const char *what)
{
    return sqlfail(r, rc, what);
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static smz_err check_bytes(smz_reader *r, const char *path, const unsigned char *h, ssize_t n);

/* Opens and checks the split set PATH belongs to (smz/split.h) and reads
 * its first N bytes into H; on failure the message names the part. */
static smz_err check_set(smz_reader *r, const char *path, unsigned char *h, size_t n)
{
    smz_split *s = NULL;
    smz_err rc = smz_split_open_lang(path, r->lang, &s);
    if (rc == SMZ_OK && smz_split_read(s, h, n, 0) != (long long)n)
        rc = SMZ_E_IO;
    if (rc == SMZ_OK) {
        r->file_size = smz_split_size(s);
        smz__split_id(s, &r->dev, &r->ino);
        r->file_mtime = smz__split_mtime(s);
        r->split = 1;
    } else {
        fail(r, rc, "%s",
             s && smz_split_errmsg(s)[0] ? smz_split_errmsg(s) : smz_tr(r->lang, smz_strerror(rc)));
    }
    smz_split_close(s);
    return rc;
}

/* Checks the 100-byte SQLite header ourselves so that a stray file gets
 * "not an .smz archive" and a newer one "format version N". */
static smz_err check_header(smz_reader *r, const char *path)
{
    unsigned char h[100];
    struct stat sb;
    const char *why;
    ssize_t n;
    smz_err rc;
    if (!r->arrival && smz_split_is_set(path))
        return (rc = check_set(r, path, h, sizeof h)) ? rc : check_bytes(r, path, h, (ssize_t)sizeof h);
    int fd = smz_file_open(path, 0, &sb, &why);
    if (fd < 0)
        return fail(r,
                    errno == ENOENT                      ? SMZ_E_NOTFOUND
                    : errno == EISDIR || errno == EINVAL ? SMZ_E_NOTARCHIVE
                                                         : SMZ_E_IO,
                    "%s: %s", path, smz_tr(r->lang, why));
    /* A file that arrives: its size is the one it will have, its header
     * read once it is in, and its time is not its identity (it changes
     * with every write). */
    if (r->arrival && smz__arrival_wait(r->arrival, 0, sizeof h) != 0) {
        close(fd);
        return fail(r, SMZ_E_IO, "%s: the transfer stopped", path);
    }
    n = pread(fd, h, sizeof h, 0);
    int e = errno;
    close(fd);
    if (n < 0)
        return fail(r, SMZ_E_IO, "%s: %s", path, strerror(e));
    r->dev = (uint64_t)sb.st_dev;
    r->ino = (uint64_t)sb.st_ino;
    r->file_size = r->arrival ? smz__arrival_size(r->arrival) : (uint64_t)sb.st_size;
    r->file_mtime = r->arrival ? 0 : (int64_t)sb.st_mtime;
    return check_bytes(r, path, h, n);
}

/* The checks of check_header on the first N bytes H of PATH. */
static smz_err check_bytes(smz_reader *r, const char *path, const unsigned char *h, ssize_t n)
{
    if (n < 100 || memcmp(h, "SQLite format 3", 16) != 0 || be32(h + 68) != SMZ_APPLICATION_ID)
        return fail(r, SMZ_E_NOTARCHIVE, "%s: not an .smz archive", path);
    uint32_t version = be32(h + 60);
    if (version < SMZ_FORMAT_VERSION_MIN || version > SMZ_FORMAT_VERSION)
        return fail(r, SMZ_E_VERSION, "%s: format version %u; this reader reads versions %d to %d", path,
                    version, SMZ_FORMAT_VERSION_MIN, SMZ_FORMAT_VERSION);
    r->version = (int)version;
    unsigned page = (unsigned)h[16] << 8 | h[17];
    if (page == 1)
        page = 65536;
    if (page < 512 || (page & (page - 1)) != 0)
        return fail(r, SMZ_E_CORRUPT, "%s: damaged SQLite header (page size %u)", path, page);
    if ((uint64_t)page * be32(h + 28) > r->file_size)
        return fail(r, SMZ_E_CORRUPT, "%s: truncated (%llu bytes, the header says %llu)", path,
                    (unsigned long long)r->file_size, (unsigned long long)page * be32(h + 28));
    return SMZ_OK;
}

/* "file:" URI with every byte outside the unreserved set percent-encoded. */
static char *file_uri(const char *path, const smz_arrival *arrival)
{
    size_t n = strlen(path);
    char *u = malloc(n * 3 + 32 + 64);
    if (!u)
        return NULL;
    static const char hex[] = "0123456789ABCDEF";
    memcpy(u, "file:", 5);
    char *o = u + 5;
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("/-_.~", *p)) {
            *o++ = (char)*p;
        } else {
            *o++ = '%';
            *o++ = hex[*p >> 4];
            *o++ = hex[*p & 15];
        }
    }
    memcpy(o, "?immutable=1", sizeof "?immutable=1");
    if (arrival) /* read by lib/arrival.c's xOpen */
        snprintf(o + strlen(o), 64, "&" SMZ__ARRIVAL_PARAM "=%p", (const void *)arrival);
    return u;
}

typedef smz_schema_row schema_row;

/* The rows of schema SCHEMA's sqlite_schema ("main", or the packed index). */
static smz_err schema_read(smz_reader *r, sqlite3 *db, const char *schema, schema_row **out, size_t *n)
{
    sqlite3_stmt *s = NULL;
    size_t cap = 0;
    smz_err rc = SMZ_OK;
    char sql[128];
    *out = NULL;
    *n = 0;
    snprintf(sql, sizeof sql, "SELECT type, name, tbl_name, sql FROM \"%s\".sqlite_schema ORDER BY name",
             schema);
    int src = sqlite3_prepare_v2(db, sql, -1, &s, NULL);
    if (src != SQLITE_OK)
        return sqlfail(r, src, "reading the schema");
    while ((src = sqlite3_step(s)) == SQLITE_ROW) {
        if (*n == 64) {
            rc = fail(r, SMZ_E_CORRUPT, "the archive's schema has unexpected objects");
            goto out;
        }
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            schema_row *nr = realloc(*out, cap * sizeof *nr);
            if (!nr) {
                rc = fail(r, SMZ_E_NOMEM, "out of memory");
                goto out;
            }
            *out = nr;
        }
        schema_row *row = &(*out)[(*n)++];
        memset(row, 0, sizeof *row);
        const char *v[4];
        for (int i = 0; i < 4; i++)
            v[i] = (const char *)sqlite3_column_text(s, i);
        if (column_oom(db)) {
            rc = fail(r, SMZ_E_NOMEM, "out of memory");
            goto out;
        }
        row->type = strdup(v[0] ? v[0] : "");
        row->name = strdup(v[1] ? v[1] : "");
        row->tbl = strdup(v[2] ? v[2] : "");
        row->sql = v[3] ? strdup(v[3]) : NULL;
        if (!row->type || !row->name || !row->tbl || (v[3] && !row->sql)) {
            rc = fail(r, SMZ_E_NOMEM, "out of memory");
            goto out;
        }
    }
    if (src != SQLITE_DONE)
        rc = sqlfail(r, src, "reading the schema");
out:
    sqlite3_finalize(s);
    return rc;
}

static int str_eq(const char *a, const char *b)
{
    return (!a && !b) || (a && b && !strcmp(a, b));
}

/* The archive's schema must be exactly the format's: no extra trigger, view,
 * table or index may ride along into our queries.  The expected rows are
 * built from the schema's text (not by creating a reference database, which
 * took 0.2 ms, 0.8 ms with the full-text tables, on every open). */
static smz_err pin_schema(smz_reader *r, const char *schema)
{
    schema_row *got = NULL, *want = NULL;
    size_t ngot = 0, nwant = 0;
    int packed_index = strcmp(schema, "main") != 0;
    smz_err rc = schema_read(r, r->db, schema, &got, &ngot);
    if (rc != SMZ_OK)
        goto out;
    int has_index = packed_index ? SMZ_SCHEMA_SEARCH_ONLY : SMZ_SCHEMA_NO_INDEX, stem = 0;
    for (size_t i = 0; i < ngot; i++) {
        if (!strcmp(got[i].name, "search_fts") && got[i].sql) {
            has_index = packed_index ? SMZ_SCHEMA_SEARCH_ONLY : SMZ_SCHEMA_INDEX;
            stem = strstr(got[i].sql, "tokenize='smz porter'") != NULL;
        }
        if (!packed_index && r->version >= 3 && !strcmp(got[i].name, "search_packed"))
            has_index = SMZ_SCHEMA_PACKED;
    }
    if ((rc = smz__schema_expected(r->version, has_index, stem, &want, &nwant)) != SMZ_OK) {
        rc = fail(r, rc, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < ngot || i < nwant; i++) {
        if (i >= ngot || i >= nwant || strcmp(got[i].type, want[i].type) ||
            strcmp(got[i].name, want[i].name) || strcmp(got[i].tbl, want[i].tbl) ||
            !str_eq(got[i].sql, want[i].sql)) {
            const schema_row *bad = i < ngot ? &got[i] : &want[i];
            rc = packed_index ? fail(r, SMZ_E_CORRUPT,
                                     "the packed index's schema differs from the format at %s %.100s",
                                     bad->type, bad->name)
                              : fail(r, SMZ_E_CORRUPT,
                                     "the archive's schema differs from the format at %s %.100s",
                                     bad->type, bad->name);
            goto out;
        }
    }
    if (packed_index) {
        r->stemmed = stem;
    } else {
        r->has_index = has_index != SMZ_SCHEMA_NO_INDEX;
        r->index_packed = has_index == SMZ_SCHEMA_PACKED;
        r->stemmed = stem;
    }
out:
    smz__schema_rows_free(got, ngot);
    smz__schema_rows_free(want, nwant);
    return rc;
}

smz_err smz_reader_open(const char *path, smz_cache *cache, smz_reader **out)
{
    return smz_reader_open_lang(path, cache, SMZ_UI_EN, out);
}

static smz_err open_reader(const char *path, smz_cache *cache, int lang, smz_arrival *arrival,
                           smz_reader **out);

smz_err smz_reader_open_lang(const char *path, smz_cache *cache, int lang, smz_reader **out)
{
    return open_reader(path, cache, lang, NULL, out);
}

smz_err smz_reader_open_arriving(const char *path, smz_arrival *a, int lang, smz_reader **out)
{
    if (!a) {
        *out = NULL;
        return SMZ_E_INVALID;
    }
    return open_reader(path, NULL, lang, a, out);
}

static smz_err open_reader(const char *path, smz_cache *cache, int lang, smz_arrival *arrival,
                           smz_reader **out)
{
    smz_err rc;
    int src;
    char *uri = NULL;
    smz_reader *r = calloc(1, sizeof *r);
    *out = r;
    if (!r)
        return SMZ_E_NOMEM;
    r->arrival = arrival;
    smz_reader_set_lang(r, lang);
    atomic_init(&r->interrupted, 0);
    r->cache = cache;
    r->n_articles = -1;
    begin(r);
    if (sodium_init() < 0)
        return fail(r, SMZ_E_INTERNAL, "libsodium failed to initialise");
    smz__file_guard_sqlite(); /* SQLite opens PATH again after check_header */
    if ((rc = check_header(r, path)) != SMZ_OK)
        return rc;
    if (!(uri = file_uri(path, arrival)))
        return fail(r, SMZ_E_NOMEM, "out of memory");
    const char *vfs = r->split ? smz__split_vfs() : arrival ? smz__arrival_vfs() : NULL;
    if (r->split && !vfs) {
        free(uri);
        return fail(r, SMZ_E_INTERNAL, "%s: cannot register SQLite's VFS for split archives", path);
    }
    if (arrival && !vfs) {
        free(uri);
        return fail(r, SMZ_E_INTERNAL, "%s: cannot register SQLite's VFS for arriving files", path);
    }
    src = sqlite3_open_v2(uri, &r->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX,
                          vfs);
    free(uri);
    if (src != SQLITE_OK)
        return sqlfail(r, src, path);
    sqlite3_extended_result_codes(r->db, 1);
    /* A handle that shares a cluster cache is one of many (a server has
     * one per worker thread): what SQLite keeps per connection is
     * multiplied by their number, so keep it small.  No lookaside (about
     * 120 KiB a connection) and, once the connection is hardened, a page
     * cache of SMZ_SHARED_PAGE_CACHE_KIB, enough for the B-tree interiors. */
    if (cache)
        sqlite3_db_config(r->db, SQLITE_DBCONFIG_LOOKASIDE, NULL, 0, 0);
    if ((rc = smz__db_harden(r->db, r->errmsg, sizeof r->errmsg)) != SMZ_OK ||
        (rc = smz__db_register(r->db, r->errmsg, sizeof r->errmsg)) != SMZ_OK ||
        (r->version >= 3 &&
         (rc = smz__entries_register(r->db, &r->lang, r->errmsg, sizeof r->errmsg)) != SMZ_OK))
        return rc;
    sqlite3_progress_handler(r->db, 1000, progress, r);
    if ((rc = pin_schema(r, "main")) != SMZ_OK)
        return rc;
    if (cache) {
        char pragma[64];
        snprintf(pragma, sizeof pragma, "PRAGMA cache_size = -%d", SMZ_SHARED_PAGE_CACHE_KIB);
        if ((src = sqlite3_exec(r->db, pragma, NULL, NULL, NULL)) != SQLITE_OK)
            return sqlfail(r, src, path);
    }
    if ((src = sqlite3_prepare_v3(r->db,
                                  "SELECT 0, e.path, e.title, m.name, e.redirect, e.size, e.cluster, "
                                  "e.offset FROM entries e LEFT JOIN mimetypes m ON m.id = e.mime "
                                  "WHERE e.path = ?",
                                  -1, SQLITE_PREPARE_PERSISTENT, &r->find, NULL)) ||
        (src = sqlite3_prepare_v3(
             r->db,
             r->version < 3 ? "SELECT kind, usize, checksum, length(data) FROM clusters WHERE id = ?"
                            : "SELECT kind, usize, CASE WHEN typeof(checksum) = 'blob' THEN "
                              "length(checksum) END, length(data) FROM clusters WHERE id = ?",
             -1, SQLITE_PREPARE_PERSISTENT, &r->cluster_info, NULL)) ||
        (src = sqlite3_prepare_v3(r->db, "SELECT value FROM metadata WHERE key = ?", -1,
                                  SQLITE_PREPARE_PERSISTENT, &r->meta, NULL)))
        return sqlfail(r, src, "reading the archive");
    return SMZ_OK;
}

void smz_reader_close(smz_reader *r)
{
    if (!r)
        return;
    sqlite3_finalize(r->find);
    sqlite3_finalize(r->cluster_info);
    sqlite3_finalize(r->meta);
    sqlite3_blob_close(r->blob);
    sqlite3_close(r->db);
    ZSTD_freeDCtx(r->dctx);
    free(r->checks);
    free(r->sound);
    free(r);
}

void smz_entry_free(smz_entry *e)
{
    free(e);
}

smz_err smz_entry_dup(const smz_entry *e, smz_entry **out)
{
    size_t lp = strlen(e->path) + 1, lt = strlen(e->title) + 1, lm = strlen(e->mime) + 1,
           lr = e->redirect ? strlen(e->redirect) + 1 : 0;
    smz_entry_at *d = malloc(sizeof *d + lp + lt + lm + lr);
    *out = NULL;
    if (!d)
        return SMZ_E_NOMEM;
    *d = *smz_entry_place(e);
    char *p = (char *)(d + 1);
    d->pub.path = memcpy(p, e->path, lp);
    d->pub.title = memcpy(p += lp, e->title, lt);
    d->pub.mime = memcpy(p += lt, e->mime, lm);
    d->pub.redirect = e->redirect ? memcpy(p + lm, e->redirect, lr) : NULL;
    *out = &d->pub;
    return SMZ_OK;
}

/* Builds an entry from a row (id, path, title, mime, redirect, size,
 * cluster, offset), checking every column. */
static smz_err entry_from_row(smz_reader *r, sqlite3_stmt *s, smz_entry **out)
{
    const char *txt[4];
    size_t len[4], total = sizeof(smz_entry_at);
    static const int col[4] = {1, 2, 3, 4};
    *out = NULL;
    for (int i = 0; i < 4; i++) {
        int t = sqlite3_column_type(s, col[i]);
        txt[i] = (const char *)sqlite3_column_text(s, col[i]);
        len[i] = (size_t)sqlite3_column_bytes(s, col[i]);
        if (t == SQLITE_NULL) {
            txt[i] = NULL;
            continue;
        }
        if (!txt[i] && column_oom(r->db))
            return fail(r, SMZ_E_NOMEM, "out of memory");
        if (i == 0 && t == SQLITE_TEXT && txt[i] && len[i] > SMZ_MAX_PATH)
            return fail(r, SMZ_E_CORRUPT, "entry %.300s: invalid path: %s", txt[i],
                        smz_tr(r->lang, smz_path_problem(txt[i], len[i])));
        if (t != SQLITE_TEXT || !txt[i] || strlen(txt[i]) != len[i] || len[i] > SMZ_MAX_PATH)
            return fail(r, SMZ_E_CORRUPT, "entry %lld has a malformed field",
                        (long long)sqlite3_column_int64(s, 0));
        total += len[i] + 1;
    }
    int redirect = txt[3] != NULL;
    int64_t size = sqlite3_column_int64(s, 5), cluster = sqlite3_column_int64(s, 6),
            offset = sqlite3_column_int64(s, 7);
    /* The format's path rules, on every row read: no path or redirect
     * target that could leave a folder or confuse a terminal leaves the
     * reader, whatever the caller does with it. */
    const char *why = txt[0] ? smz_path_problem(txt[0], len[0]) : NULL;
    if (why)
        return fail(r, SMZ_E_CORRUPT, "entry %.300s: invalid path: %s", txt[0], smz_tr(r->lang, why));
    if (redirect && (why = smz_path_problem(txt[3], len[3])))
        return fail(r, SMZ_E_CORRUPT, "entry %.300s: redirect to an invalid path (%.300s): %s", txt[0],
                    txt[3], smz_tr(r->lang, why));
    if (redirect &&
        (sqlite3_column_type(s, 5) != SQLITE_NULL || sqlite3_column_type(s, 6) != SQLITE_NULL ||
         sqlite3_column_type(s, 7) != SQLITE_NULL || txt[2]))
        return fail(r, SMZ_E_CORRUPT,
                    "entry %.300s: a redirect with a MIME type, cluster, offset or size", txt[0]);
    if (!txt[0] || !txt[1] ||
        (!redirect &&
         (!txt[2] || sqlite3_column_type(s, 5) != SQLITE_INTEGER ||
          sqlite3_column_type(s, 6) != SQLITE_INTEGER || sqlite3_column_type(s, 7) != SQLITE_INTEGER ||
          size < 0 || offset < 0 || cluster <= 0 || (uint64_t)size > SMZ_MAX_ENTRY_SIZE)))
        return fail(r, SMZ_E_CORRUPT, "entry %.200s has a malformed field",
                    txt[0] ? txt[0] : "(no path)");
    smz_entry_at *ea = malloc(total);
    if (!ea)
        return fail(r, SMZ_E_NOMEM, "out of memory");
    smz_entry *e = &ea->pub;
    char *p = (char *)(ea + 1);
    const char **dst[4] = {&e->path, &e->title, &e->mime, &e->redirect};
    for (int i = 0; i < 4; i++) {
        if (!txt[i]) {
            *dst[i] = i == 3 ? NULL : "";
            continue;
        }
        memcpy(p, txt[i], len[i] + 1);
        *dst[i] = p;
        p += len[i] + 1;
    }
    e->size = redirect ? 0 : (uint64_t)size;
    ea->cluster = redirect ? 0 : cluster;
    ea->offset = redirect ? 0 : (uint64_t)offset;
    if (redirect)
        e->mime = "";
    *out = e;
    return SMZ_OK;
}

static smz_err find(smz_reader *r, const char *path, smz_entry **out)
{
    *out = NULL;
    sqlite3_bind_text(r->find, 1, path, -1, SQLITE_STATIC);
    int src = sqlite3_step(r->find);
    smz_err rc;
    if (src == SQLITE_ROW)
        rc = entry_from_row(r, r->find, out);
    else if (src == SQLITE_DONE)
        rc = fail(r, SMZ_E_NOTFOUND, "%.300s: no such entry", path);
    else
        rc = sqlfail(r, src, "looking up an entry");
    sqlite3_reset(r->find);
    return rc;
}

smz_err smz_reader_find(smz_reader *r, const char *path, smz_entry **out)
{
    begin(r);
    return find(r, path, out);
}

static smz_err read_with(smz_reader *r, smz_cache *cache, const smz_entry *e, size_t max_len,
                         unsigned char **data, size_t *len);

smz_err smz__reader_meta_value(smz_reader *r, const char *key, size_t key_len, const void *v, size_t n,
                               const void **out, size_t *out_len, unsigned char **own)
{
    *own = NULL;
    *out = v;
    *out_len = n;
    if (r->version < 3 || key_len != strlen(SMZ_META_ILLUSTRATION) ||
        memcmp(key, SMZ_META_ILLUSTRATION, key_len) || n < SMZ_ILLUSTRATION_REF_LEN ||
        memcmp(v, SMZ_ILLUSTRATION_REF, SMZ_ILLUSTRATION_REF_LEN))
        return SMZ_OK;
    const char *p = (const char *)v + SMZ_ILLUSTRATION_REF_LEN;
    size_t pn = n - SMZ_ILLUSTRATION_REF_LEN;
    char *path = NULL;
    smz_entry *e = NULL;
    size_t len = 0;
    smz_err rc;
    if (pn > SMZ_MAX_PATH || memchr(p, 0, pn) || !(path = strndup(p, pn)) || !smz_path_valid(path)) {
        if (path || pn > SMZ_MAX_PATH || memchr(p, 0, pn))
            rc = fail(r, SMZ_E_CORRUPT, "metadata %s names no valid entry path", SMZ_META_ILLUSTRATION);
        else
            rc = fail(r, SMZ_E_NOMEM, "out of memory");
        goto out;
    }
    if ((rc = find(r, path, &e)) != SMZ_OK) {
        if (rc == SMZ_E_NOTFOUND)
            rc = fail(r, SMZ_E_CORRUPT, "metadata %s names %.300s, which the archive lacks",
                      SMZ_META_ILLUSTRATION, path);
        goto out;
    }
    if (e->redirect) {
        rc = fail(r, SMZ_E_CORRUPT, "metadata %s names %.300s, a redirect", SMZ_META_ILLUSTRATION, path);
        goto out;
    }
    if (e->size > SMZ_MAX_META_VALUE) {
        rc = fail(r, SMZ_E_CORRUPT, "metadata %s names %.300s, an entry over 1 MiB",
                  SMZ_META_ILLUSTRATION, path);
        goto out;
    }
    if ((rc = read_with(r, r->cache, e, SMZ_MAX_META_VALUE, own, &len)) != SMZ_OK)
        goto out;
    *out = *own;
    *out_len = len;
out:
    smz_entry_free(e);
    free(path);
    return rc;
}

smz_err smz_reader_meta(smz_reader *r, const char *key, char **value, size_t *len)
{
    smz_err rc;
    begin(r);
    *value = NULL;
    if (len)
        *len = 0;
    sqlite3_bind_text(r->meta, 1, key, -1, SQLITE_STATIC);
    int src = sqlite3_step(r->meta);
    if (src == SQLITE_ROW) {
        const void *v = sqlite3_column_blob(r->meta, 0);
        size_t n = (size_t)sqlite3_column_bytes(r->meta, 0);
        if (!v && column_oom(r->db)) {
            rc = fail(r, SMZ_E_NOMEM, "out of memory");
        } else if (n > SMZ_MAX_META_VALUE) {
            rc = fail(r, SMZ_E_CORRUPT, "metadata %.64s is too long", key);
        } else if (!(*value = malloc(n + 1))) {
            rc = fail(r, SMZ_E_NOMEM, "out of memory");
        } else {
            if (n)
                memcpy(*value, v, n);
            (*value)[n] = 0;
            if (len)
                *len = n;
            rc = SMZ_OK;
        }
    } else if (src == SQLITE_DONE) {
        rc = fail(r, SMZ_E_NOTFOUND, "no metadata %.64s", key);
    } else {
        rc = sqlfail(r, src, "reading metadata");
    }
    sqlite3_reset(r->meta);
    if (rc == SMZ_OK) { /* the illustration stored once: the entry's bytes */
        const void *v;
        size_t n;
        unsigned char *own = NULL;
        rc = smz__reader_meta_value(r, key, strlen(key), *value, len ? *len : strlen(*value), &v, &n,
                                    &own);
        if (rc == SMZ_OK && own) {
            unsigned char *copy = realloc(own, n + 1);
            if (!copy) {
                free(own);
                rc = fail(r, SMZ_E_NOMEM, "out of memory");
            } else {
                copy[n] = 0;
                free(*value);
                *value = (char *)copy;
                if (len)
                    *len = n;
            }
        }
        if (rc != SMZ_OK) {
            free(*value);
            *value = NULL;
            if (len)
                *len = 0;
        }
    }
    return rc;
}

smz_err smz_reader_time(smz_reader *r, int64_t *t, int *from_date)
{
    char *v = NULL;
    int64_t days;
    *t = r->file_mtime;
    if (from_date)
        *from_date = 0;
    smz_err rc = smz_reader_meta(r, "Date", &v, NULL);
    if (rc == SMZ_E_NOMEM || rc == SMZ_E_INTERRUPTED) {
        free(v);
        return rc;
    }
    /* Any other failure (none, too long, unreadable) is a Date we do not
     * have: the file's time stands, as it does for one that is not a date. */
    if (rc == SMZ_OK && smz__date_days(v, &days)) {
        *t = days * 86400 + 12 * 3600;
        if (from_date)
            *from_date = 1;
    }
    free(v);
    return SMZ_OK;
}

smz_err smz_reader_resolve(smz_reader *r, const char *path, smz_entry **out)
{
    smz_err rc;
    char *main_page = NULL;
    begin(r);
    *out = NULL;
    if (!path[0] || !strcmp(path, "/")) {
        if ((rc = smz_reader_meta(r, "MainPage", &main_page, NULL)) != SMZ_OK)
            return fail(r, SMZ_E_NOTFOUND, "the archive has no main page");
        path = main_page;
    }
    smz_entry *e = NULL;
    rc = find(r, path, &e);
    for (int hops = 0; rc == SMZ_OK && e->redirect; hops++) {
        if (hops == SMZ_MAX_REDIRECTS) {
            rc = fail(r, SMZ_E_REDIRECT, "%.300s: redirect loop or chain of over %d redirects", path,
                      SMZ_MAX_REDIRECTS);
            break;
        }
        smz_entry *next = NULL;
        rc = find(r, e->redirect, &next);
        if (rc == SMZ_E_NOTFOUND)
            rc = fail(r, SMZ_E_CORRUPT, "%.300s redirects to %.300s, which does not exist", e->path,
                      e->redirect);
        smz_entry_free(e);
        e = next;
    }
    free(main_page);
    if (rc != SMZ_OK) {
        smz_entry_free(e);
        return rc;
    }
    *out = e;
    return SMZ_OK;
}

/* ---- clusters ---- */

typedef smz_cinfo cinfo;

int smz__cluster_header_ok(int version, int64_t kind, int64_t usize, int64_t stored,
                           int64_t checksum_len)
{
    return usize >= 0 && stored >= 0 &&
           (version < 3 ? checksum_len == SMZ_CHECKSUM_BYTES
                        : (uint64_t)stored <= SMZ_MAX_STORED_CLUSTER &&
                              (uint64_t)checksum_len == smz__checks_size((uint64_t)stored)) &&
           (kind == SMZ_CLUSTER_STORED || kind == SMZ_CLUSTER_ZSTD) &&
           !(kind == SMZ_CLUSTER_STORED && usize != stored) &&
           !(kind == SMZ_CLUSTER_ZSTD &&
             ((uint64_t)usize > SMZ_MAX_CLUSTER_USIZE ||
              (uint64_t)stored > ZSTD_compressBound(SMZ_MAX_CLUSTER_USIZE))) &&
           (uint64_t)stored <= SMZ_MAX_STORED_CLUSTER;
}

static smz_err cluster_info(smz_reader *r, int64_t cid, cinfo *ci)
{
    sqlite3_stmt *s = r->cluster_info;
    smz_err rc = SMZ_OK;
    sqlite3_bind_int64(s, 1, cid);
    int src = sqlite3_step(s);
    if (src == SQLITE_DONE) {
        rc = fail(r, SMZ_E_CORRUPT, "cluster %lld is missing", (long long)cid);
    } else if (src != SQLITE_ROW) {
        rc = sqlfail(r, src, "reading a cluster");
    } else {
        int64_t kind = sqlite3_column_int64(s, 0), usize = sqlite3_column_int64(s, 1),
                stored = sqlite3_column_int64(s, 3);
        /* Version 3 asks for the checks' length, NULL when they are not a
         * blob (length() of a number or text would be its text's). */
        int v3 = r->version >= 3;
        const void *ck = v3 ? NULL : sqlite3_column_blob(s, 2);
        int64_t cklen = v3 ? sqlite3_column_int64(s, 2) : sqlite3_column_bytes(s, 2);
        if (!v3 && !ck && column_oom(r->db)) {
            rc = fail(r, SMZ_E_NOMEM, "out of memory");
        } else if ((!v3 && !ck) || (v3 && sqlite3_column_type(s, 2) != SQLITE_INTEGER) ||
                   sqlite3_column_type(s, 1) != SQLITE_INTEGER ||
                   !smz__cluster_header_ok(r->version, kind, usize, stored, cklen)) {
            rc = fail(r, SMZ_E_CORRUPT, "cluster %lld has a malformed header", (long long)cid);
        } else {
            ci->kind = (int)kind;
            ci->version = r->version;
            ci->usize = (uint64_t)usize;
            ci->stored = (uint64_t)stored;
            if (!v3)
                memcpy(ci->checksum, ck, SMZ_CHECKSUM_BYTES);
        }
    }
    sqlite3_reset(s);
    return rc;
}

/* The kept blob handle, on cluster CID's data, or an error. */
static smz_err blob_of(smz_reader *r, int64_t cid, sqlite3_blob **out)
{
    int src = SQLITE_OK;
    *out = NULL;
    if (r->blob && r->blob_cid == cid) {
        *out = r->blob;
        return SMZ_OK;
    }
    if (r->blob)
        src = sqlite3_blob_reopen(r->blob, cid);
    else
        src = sqlite3_blob_open(r->db, "main", "clusters", "data", cid, 0, &r->blob);
    if (src != SQLITE_OK) {
        sqlite3_blob_close(r->blob);
        r->blob = NULL;
        return sqlfail(r, src, "reading cluster data");
    }
    r->blob_cid = cid;
    *out = r->blob;
    return SMZ_OK;
}

/* LEN bytes at OFF of cluster CID's data.  KEEP: through the kept handle
 * (a cluster over SMZ_MAX_CLUSTER_USIZE read by ranges); else through a
 * handle of its own, so that whole reads of small clusters in between do
 * not make the next range of a large one walk its chain again. */
static smz_err blob_read(smz_reader *r, int64_t cid, uint64_t off, void *buf, size_t len, int keep)
{
    sqlite3_blob *b = NULL;
    int src = SQLITE_OK;
    if (keep) {
        smz_err rc = blob_of(r, cid, &b);
        if (rc != SMZ_OK)
            return rc;
    } else {
        src = sqlite3_blob_open(r->db, "main", "clusters", "data", cid, 0, &b);
    }
    if (src == SQLITE_OK && (uint64_t)sqlite3_blob_bytes(b) < off + len)
        src = SQLITE_CORRUPT;
    if (src == SQLITE_OK && len)
        src = sqlite3_blob_read(b, buf, (int)len, (int)off);
    if (!keep || src != SQLITE_OK) {
        sqlite3_blob_close(b);
        if (keep)
            r->blob = NULL;
    }
    if (src != SQLITE_OK)
        return sqlfail(r, src, "reading cluster data");
    return SMZ_OK;
}

/* Maps in the pages of a fresh buffer of LEN bytes at P with one system call
 * rather than one page fault each (half of smz cat's faults on pgdoc, 0.4 ms).
 * Only a hint: kernels before 5.14 refuse it, and the pages then fault in as
 * they are written. */
static void prefault(void *p, size_t len)
{
#ifdef MADV_POPULATE_WRITE
    uintptr_t page = 4096, a = ((uintptr_t)p + page - 1) & ~(page - 1),
              e = ((uintptr_t)p + len) & ~(page - 1);
    if (len >= 16 * page && e > a)
        (void)madvise((void *)a, e - a, MADV_POPULATE_WRITE);
#else
    (void)p;
    (void)len;
#endif
}

/* Version 3: a chunk's check failed (chunk BAD of cluster CID). */
static smz_err chunk_mismatch(int lang, char *err, size_t errlen, int64_t cid, int64_t bad)
{
    return smz__errf_lang(
        err, errlen, lang, SMZ_E_CORRUPT,
        "cluster %lld: checksum mismatch at bytes %llu-%llu of its data (the archive is damaged)",
        (long long)cid, (unsigned long long)bad * SMZ_CHUNK,
        (unsigned long long)bad * SMZ_CHUNK + SMZ_CHUNK - 1);
}

/* Version 3: *OUT gets the checks of chunks FIRST to FIRST + COUNT - 1 of
 * cluster CID, from its checksum column (cluster_info has checked its length
 * against the data's).  The handle keeps the last cluster's checks (at most
 * 16.5 KB for a zstd cluster, 244 KB for a 1 GB stored one), so that reads
 * of ranges of one cluster read them once; *OUT points into them. */
static smz_err load_checks(smz_reader *r, int64_t cid, uint64_t first, uint64_t count,
                           const unsigned char **out)
{
    if (!r->checks || r->checks_cid != cid) {
        sqlite3_blob *b = NULL;
        int src = sqlite3_blob_open(r->db, "main", "clusters", "checksum", cid, 0, &b);
        int n = src == SQLITE_OK ? sqlite3_blob_bytes(b) : 0;
        unsigned char *all = NULL;
        if (src == SQLITE_OK && (uint64_t)n > smz__checks_size(SMZ_MAX_STORED_CLUSTER))
            src = SQLITE_CORRUPT;
        if (src == SQLITE_OK && !(all = malloc(n ? (size_t)n : 1)))
            src = SQLITE_NOMEM;
        if (src == SQLITE_OK && n)
            src = sqlite3_blob_read(b, all, n, 0);
        sqlite3_blob_close(b);
        if (src != SQLITE_OK) {
            free(all);
            return sqlfail(r, src, "reading cluster checks");
        }
        free(r->checks);
        r->checks = all;
        r->checks_len = (size_t)n;
        r->checks_cid = cid;
    }
    uint64_t off = first * SMZ_CHUNK_CHECK, len = count * SMZ_CHUNK_CHECK;
    if (off > r->checks_len || len > r->checks_len - off)
        return fail(r, SMZ_E_CORRUPT, "cluster %lld has a malformed header", (long long)cid);
    *out = r->checks + off;
    return SMZ_OK;
}

/* Version 3: checks the LEN stored bytes at BUF of cluster CID, which
 * start at chunk FIRST (LEN whole chunks, or up to the cluster's end). */
static smz_err check_chunks(smz_reader *r, int64_t cid, uint64_t first, const unsigned char *buf,
                            size_t len)
{
    const unsigned char *ck = NULL;
    smz_err rc = load_checks(r, cid, first, (len + SMZ_CHUNK - 1) / SMZ_CHUNK, &ck);
    if (rc != SMZ_OK)
        return rc;
    int64_t bad = smz__checks_bad(ck, buf, len, first);
    return bad < 0 ? SMZ_OK : chunk_mismatch(r->lang, r->errmsg, sizeof r->errmsg, cid, bad);
}

/* Checks all CI->stored bytes at BUF of cluster CID, as its version has it. */
static smz_err check_stored(smz_reader *r, int64_t cid, const cinfo *ci, const unsigned char *buf)
{
    if (ci->version >= 3)
        return check_chunks(r, cid, 0, buf, ci->stored);
    return smz__cluster_verify(cid, ci, NULL, buf, r->lang, r->errmsg, sizeof r->errmsg);
}

/* Notes cluster CID as read whole and sound (struct smz_reader's SOUND):
 * only a hint, so a note that finds no memory is dropped (step 2 then
 * decodes the cluster again). */
static void note_sound(smz_reader *r, int64_t cid)
{
    if (!r->sound_on)
        return;
    if (r->n_sound && r->sound[r->n_sound - 1] >= cid) {
        for (size_t i = 0; i < r->n_sound; i++)
            if (r->sound[i] == cid)
                return;
    }
    if (r->n_sound == r->cap_sound) {
        size_t nc = r->cap_sound ? r->cap_sound * 2 : 64;
        int64_t *n = realloc(r->sound, nc * sizeof *n);
        if (!n)
            return;
        r->sound = n;
        r->cap_sound = nc;
    }
    size_t i = r->n_sound++;
    for (; i > 0 && r->sound[i - 1] > cid; i--)
        r->sound[i] = r->sound[i - 1];
    r->sound[i] = cid;
}

/* 1 when note_sound noted CID. */
static int is_sound(const smz_reader *r, int64_t cid)
{
    size_t lo = 0, hi = r->n_sound;
    while (lo < hi) {
        size_t m = lo + (hi - lo) / 2;
        if (r->sound[m] < cid)
            lo = m + 1;
        else
            hi = m;
    }
    return lo < r->n_sound && r->sound[lo] == cid;
}

/* A buffer for the compressed bytes of clusters decoded one after another
 * (the digest's, dplan): one allocation for all of them, its pages mapped
 * once, rather than one each. */
typedef struct zscratch {
    unsigned char *buf;
    size_t cap;
} zscratch;

/* The stored bytes of cluster CID, checksum verified, into *OUT: in ZS's
 * buffer (grown to fit), or a new one the caller frees (ZS NULL). */
static smz_err load_stored_in(smz_reader *r, int64_t cid, const cinfo *ci, zscratch *zs,
                              unsigned char **out)
{
    size_t need = ci->stored ? (size_t)ci->stored : 1;
    unsigned char *buf = zs && zs->cap >= need ? zs->buf : NULL;
    smz_err rc;
    *out = NULL;
    if (!buf) {
        if (zs) { /* the old bytes are not needed: no copy */
            free(zs->buf);
            zs->buf = NULL;
            zs->cap = 0;
        }
        if (!(buf = malloc(need)))
            return fail(r, SMZ_E_NOMEM, "out of memory for cluster %lld", (long long)cid);
        prefault(buf, ci->stored);
        if (zs) {
            zs->buf = buf;
            zs->cap = need;
        }
    }
    r->decoded_bytes += ci->stored;
    if ((rc = blob_read(r, cid, 0, buf, ci->stored, 0)) != SMZ_OK ||
        (rc = check_stored(r, cid, ci, buf)) != SMZ_OK) {
        if (!zs)
            free(buf);
        return rc;
    }
    *out = buf;
    return SMZ_OK;
}

/* The stored bytes of cluster CID, checksum verified.  Caller frees. */
static smz_err load_stored(smz_reader *r, int64_t cid, const cinfo *ci, unsigned char **out)
{
    return load_stored_in(r, cid, ci, NULL, out);
}

/* Verifies a stored cluster over SMZ_MAX_CLUSTER_USIZE (up to 1 GB) in one
 * streaming pass through the reader's blob handle: memory stays at one
 * piece whatever the cluster's size. */
static smz_err verify_stored_stream(smz_reader *r, int64_t cid, const cinfo *ci)
{
    enum { PIECE = 1 << 20 }; /* whole chunks */
    unsigned char ck[SMZ_CHECKSUM_BYTES];
    crypto_generichash_state h;
    unsigned char *buf = malloc(PIECE);
    smz_err rc = SMZ_OK;
    if (!buf)
        return fail(r, SMZ_E_NOMEM, "out of memory for cluster %lld", (long long)cid);
    int v3 = ci->version >= 3; /* each piece's chunks; else one BLAKE2b of all */
    if (!v3)
        crypto_generichash_init(&h, NULL, 0, SMZ_CHECKSUM_BYTES);
    for (uint64_t off = 0; off < ci->stored; off += PIECE) {
        size_t n = ci->stored - off < PIECE ? (size_t)(ci->stored - off) : PIECE;
        if ((rc = blob_read(r, cid, off, buf, n, 1)) != SMZ_OK ||
            (v3 && (rc = check_chunks(r, cid, off / SMZ_CHUNK, buf, n)) != SMZ_OK))
            goto out;
        if (!v3)
            crypto_generichash_update(&h, buf, n);
    }
    if (!v3) {
        crypto_generichash_final(&h, ck, sizeof ck);
        if (sodium_memcmp(ck, ci->checksum, sizeof ck) != 0)
            rc = fail(r, SMZ_E_CORRUPT, "cluster %lld: checksum mismatch (the archive is damaged)",
                      (long long)cid);
    }
out:
    free(buf);
    return rc;
}

/* Version 3: LEN bytes at OFF of a stored cluster read by ranges (over
 * SMZ_MAX_CLUSTER_USIZE), the chunks they lie in read and checked. */
static smz_err read_checked_range(smz_reader *r, int64_t cid, const cinfo *ci, uint64_t off, void *dst,
                                  size_t len)
{
    enum { PIECE = 1 << 20 }; /* whole chunks */
    unsigned char *buf = NULL;
    smz_err rc = SMZ_OK;
    uint64_t end = off + len;
    if (!len)
        return SMZ_OK;
    if (!(buf = malloc(PIECE)))
        return fail(r, SMZ_E_NOMEM, "out of memory for cluster %lld", (long long)cid);
    uint64_t last = (end + SMZ_CHUNK - 1) / SMZ_CHUNK * SMZ_CHUNK;
    if (last > ci->stored)
        last = ci->stored;
    for (uint64_t at = off / SMZ_CHUNK * SMZ_CHUNK; at < end && rc == SMZ_OK; at += PIECE) {
        uint64_t stop = at + PIECE < last ? at + PIECE : last;
        size_t n = (size_t)(stop - at);
        if ((rc = blob_read(r, cid, at, buf, n, 1)) != SMZ_OK ||
            (rc = check_chunks(r, cid, at / SMZ_CHUNK, buf, n)) != SMZ_OK)
            break;
        uint64_t from = off > at ? off : at, to = end < stop ? end : stop;
        memcpy((unsigned char *)dst + (from - off), buf + (from - at), (size_t)(to - from));
    }
    free(buf);
    return rc;
}

smz_err smz__cluster_verify(int64_t cid, const smz_cinfo *ci, const unsigned char *checks,
                            const unsigned char *src, int lang, char *err, size_t errlen)
{
    unsigned char ck[SMZ_CHECKSUM_BYTES];
    if (ci->version >= 3) {
        int64_t bad = checks ? smz__checks_bad(checks, src, ci->stored, 0) : 0;
        return bad < 0 ? SMZ_OK : chunk_mismatch(lang, err, errlen, cid, bad);
    }
    smz__cluster_checksum(src, ci->stored, ck);
    if (sodium_memcmp(ck, ci->checksum, sizeof ck) != 0)
        return smz__errf_lang(err, errlen, lang, SMZ_E_CORRUPT,
                              "cluster %lld: checksum mismatch (the archive is damaged)",
                              (long long)cid);
    return SMZ_OK;
}

smz_err smz__cluster_decode(ZSTD_DCtx *dctx, smz_cache *pool, int64_t cid, const smz_cinfo *ci,
                            const unsigned char *src, smz_cluster_more_fn more, void *more_ctx,
                            uint64_t need, int full, smz_cbuf **out, int lang, char *err, size_t errlen)
{
    smz_cbuf *b = NULL;
    smz_err rc;
    int fresh = 1;
    *out = NULL;
    if (more && full) {
        rc = smz__errf_lang(err, errlen, lang, SMZ_E_INTERNAL,
                            "cluster %lld: a whole decode needs all its bytes", (long long)cid);
        goto out;
    }
    /* With MORE, only the frame's header is there: the frame's size is
     * known once it is decoded to its end, which a prefix never is (each
     * chunk it reads is checked, and zstd checks each block's size). */
    size_t have = more ? (ci->stored < ZSTD_FRAMEHEADERSIZE_MAX ? ci->stored : ZSTD_FRAMEHEADERSIZE_MAX)
                       : ci->stored;
    unsigned long long fcs = ZSTD_getFrameContentSize(src, have);
    size_t fsize = more ? ci->stored : ZSTD_findFrameCompressedSize(src, ci->stored);
    if (fcs != ci->usize || ZSTD_isError(fsize) || fsize != ci->stored) {
        rc = smz__errf_lang(err, errlen, lang, SMZ_E_CORRUPT,
                            "cluster %lld: not one zstd frame of the declared size", (long long)cid);
        goto out;
    }
    size_t want = full ? ci->usize : need;
    /* A prefix is decoded block by block straight into B, so B holds NEED
     * plus at most one block; the whole frame goes in one call. */
    size_t cap = full || ci->usize - need <= ZSTD_BLOCKSIZE_MAX ? ci->usize : need + ZSTD_BLOCKSIZE_MAX;
    if (!(b = smz__cache_buf(pool, cap, &fresh))) {
        rc = smz__errf_lang(err, errlen, lang, SMZ_E_NOMEM, "out of memory for cluster %lld",
                            (long long)cid);
        goto out;
    }
    if (fresh)
        prefault(b->data, cap);
    if (want == ci->usize && !more) {
        size_t got = ZSTD_decompressDCtx(dctx, b->data, want, src, ci->stored);
        if (ZSTD_isError(got) || got != want) {
            rc = smz__errf_lang(err, errlen, lang, SMZ_E_CORRUPT, "cluster %lld: %s", (long long)cid,
                                ZSTD_isError(got) ? ZSTD_getErrorName(got) : "short");
            goto out;
        }
    } else {
        /* Only the prefix a one-shot read needs, with zstd's buffer-less
         * API: blocks go straight into B (no window buffer of zstd's own to
         * fault in and copy out of), and decoding stops once NEED bytes are
         * out.  zstd checks every offset against what B already holds; the
         * frame's own checksum is never reached, so it is not computed
         * either (the cluster's checksum, or each chunk's, was checked). */
        size_t pos = 0, in = 0,
               z = ZSTD_DCtx_setParameter(dctx, ZSTD_d_forceIgnoreChecksum, ZSTD_d_ignoreChecksum);
        if (!ZSTD_isError(z))
            z = ZSTD_decompressBegin(dctx);
        rc = SMZ_OK;
        while (!ZSTD_isError(z) && pos < want) {
            size_t n = ZSTD_nextSrcSizeToDecompress(dctx);
            if (n == 0 || n > ci->stored - in)
                break;
            if (more && in + n > have) {
                if ((rc = more(more_ctx, in + n)) != SMZ_OK)
                    break;
                have = in + n;
            }
            z = ZSTD_decompressContinue(dctx, b->data + pos, cap - pos, src + in, n);
            if (!ZSTD_isError(z)) {
                pos += z;
                in += n;
            }
        }
        /* Whole-frame decodes must check the frame checksum again. */
        size_t z2 = ZSTD_DCtx_setParameter(dctx, ZSTD_d_forceIgnoreChecksum, ZSTD_d_validateChecksum);
        if (rc != SMZ_OK)
            goto out;
        if (ZSTD_isError(z) || ZSTD_isError(z2) || pos < want) {
            rc = smz__errf_lang(err, errlen, lang, SMZ_E_CORRUPT, "cluster %lld: %s", (long long)cid,
                                ZSTD_isError(z)    ? ZSTD_getErrorName(z)
                                : ZSTD_isError(z2) ? ZSTD_getErrorName(z2)
                                                   : "ends early");
            goto out;
        }
        b->len = pos;
    }
    *out = b;
    b = NULL;
    rc = SMZ_OK;
out:
    smz__cbuf_release(pool, b);
    return rc;
}

/* A version 3 prefix read's compressed bytes, loaded as the decoder needs
 * them: whole chunks (at least SMZ_PREFIX_READ bytes at a time), each
 * checked before zstd sees it, through one blob handle. */
#define SMZ_PREFIX_READ ((size_t)64 << 10)
typedef struct lazy_src {
    smz_reader *r;
    int64_t cid;
    const cinfo *ci;
    unsigned char *buf;
    uint64_t loaded; /* bytes read and checked */
    sqlite3_blob *blob;
} lazy_src;

static smz_err lazy_more(void *ctx, uint64_t upto)
{
    lazy_src *l = ctx;
    if (upto <= l->loaded)
        return SMZ_OK;
    uint64_t want = upto - l->loaded < SMZ_PREFIX_READ ? l->loaded + SMZ_PREFIX_READ : upto;
    want = (want + SMZ_CHUNK - 1) / SMZ_CHUNK * SMZ_CHUNK;
    if (want > l->ci->stored)
        want = l->ci->stored;
    size_t n = (size_t)(want - l->loaded);
    int src = SQLITE_OK;
    if (!l->blob)
        src = sqlite3_blob_open(l->r->db, "main", "clusters", "data", l->cid, 0, &l->blob);
    if (src == SQLITE_OK && (uint64_t)sqlite3_blob_bytes(l->blob) != l->ci->stored)
        src = SQLITE_CORRUPT;
    if (src == SQLITE_OK)
        src = sqlite3_blob_read(l->blob, l->buf + l->loaded, (int)n, (int)l->loaded);
    if (src != SQLITE_OK)
        return sqlfail(l->r, src, "reading cluster data");
    smz_err rc = check_chunks(l->r, l->cid, l->loaded / SMZ_CHUNK, l->buf + l->loaded, n);
    if (rc != SMZ_OK)
        return rc;
    l->r->decoded_bytes += n;
    l->loaded = want;
    return SMZ_OK;
}

/* Decompresses at least the first NEED bytes of a zstd cluster (all of it
 * when FULL).  Returns a buffer with one reference, from POOL's spares when
 * it has one (POOL may be NULL).  A version 3 prefix reads and checks only
 * the chunks it decodes.  The compressed bytes of a whole read go to ZS's
 * buffer when given. */
static smz_err decompress(smz_reader *r, smz_cache *pool, zscratch *zs, int64_t cid, const cinfo *ci,
                          uint64_t need, int full, smz_cbuf **out)
{
    unsigned char *src = NULL;
    lazy_src lazy = {r, cid, ci, NULL, 0, NULL};
    int prefix = ci->version >= 3 && !full && need < ci->usize;
    smz_err rc;
    *out = NULL;
    if (prefix) {
        if (!(src = lazy.buf = malloc(ci->stored ? ci->stored : 1)))
            return fail(r, SMZ_E_NOMEM, "out of memory for cluster %lld", (long long)cid);
        rc = lazy_more(&lazy,
                       ci->stored < ZSTD_FRAMEHEADERSIZE_MAX ? ci->stored : ZSTD_FRAMEHEADERSIZE_MAX);
    } else {
        rc = load_stored_in(r, cid, ci, zs, &src);
    }
    if (rc != SMZ_OK)
        goto out;
    /* Made on the first cluster this handle decodes: with a shared cache,
     * most handles never decode one. */
    if (!r->dctx) {
        if (!(r->dctx = ZSTD_createDCtx())) {
            rc = fail(r, SMZ_E_NOMEM, "out of memory");
            goto out;
        }
        ZSTD_DCtx_setParameter(r->dctx, ZSTD_d_windowLogMax, 26);
    }
    rc = smz__cluster_decode(r->dctx, pool, cid, ci, src, prefix ? lazy_more : NULL, &lazy, need, full,
                             out, r->lang, r->errmsg, sizeof r->errmsg);
    if (rc == SMZ_OK) {
        r->decodes++;
        r->decoded_bytes += (*out)->len;
        if (full)
            note_sound(r, cid);
    }
out:
    sqlite3_blob_close(lazy.blob);
    if (!zs || prefix)
        free(src);
    return rc;
}

/* Copies LEN bytes at OFF of cluster CID into DST, through CACHE when given.
 * A cluster missing from the cache is decoded by one thread at a time: the
 * others that want it meanwhile wait for it (smz__cache_acquire).  What the
 * decode takes (the compressed bytes and the buffer) is reserved against
 * the cache's budget before anything is loaded (smz__cache_reserve). */
static smz_err cluster_copy(smz_reader *r, smz_cache *cache, int64_t cid, uint64_t off, void *dst,
                            size_t len)
{
    cinfo ci;
    smz_err rc;
    smz_cbuf *b = NULL;
    unsigned char *raw = NULL;
    int claimed = 0;
    size_t reserved = 0;
    if (cache && (b = smz__cache_acquire(cache, r->dev, r->ino, cid, &claimed))) {
        if (off > b->len || len > b->len - off) {
            rc = fail(r, SMZ_E_CORRUPT, "an entry lies outside cluster %lld", (long long)cid);
            goto out;
        }
        memcpy(dst, b->data + off, len);
        rc = SMZ_OK;
        goto out;
    }
    if ((rc = cluster_info(r, cid, &ci)) != SMZ_OK)
        goto out;
    if (off > ci.usize || len > ci.usize - off) {
        rc = fail(r, SMZ_E_CORRUPT, "an entry lies outside cluster %lld", (long long)cid);
        goto out;
    }
    if (ci.kind == SMZ_CLUSTER_STORED) {
        /* A stored cluster over 64 MiB (one large media file) is read by
         * ranges and not verified on each read; smz check verifies it.
         * Never cached, so nobody needs to wait for this thread's read. */
        if (ci.stored > SMZ_MAX_CLUSTER_USIZE) {
            if (claimed)
                smz__cache_abandon(cache, r->dev, r->ino, cid);
            claimed = 0;
            rc = ci.version >= 3 ? read_checked_range(r, cid, &ci, off, dst, len)
                                 : blob_read(r, cid, off, dst, len, 1);
            goto out;
        }
        if (!cache) {
            if ((rc = load_stored(r, cid, &ci, &raw)) != SMZ_OK)
                goto out;
            r->decodes++;
            memcpy(dst, raw + off, len);
            rc = SMZ_OK;
            goto out;
        }
        /* Read straight into the cache's buffer: one copy in memory. */
        int fresh;
        smz__cache_reserve(cache, reserved = (size_t)ci.stored);
        if (!(b = smz__cache_buf(cache, ci.stored, &fresh))) {
            rc = fail(r, SMZ_E_NOMEM, "out of memory");
            goto out;
        }
        if (fresh)
            prefault(b->data, ci.stored);
        r->decoded_bytes += ci.stored;
        if ((rc = blob_read(r, cid, 0, b->data, ci.stored, 0)) != SMZ_OK ||
            (rc = check_stored(r, cid, &ci, b->data)) != SMZ_OK)
            goto out;
        r->decodes++;
        note_sound(r, cid);
    } else {
        if (cache)
            smz__cache_reserve(cache, reserved = (size_t)(ci.stored + ci.usize));
        if ((rc = decompress(r, cache, NULL, cid, &ci, off + len, cache != NULL, &b)) != SMZ_OK)
            goto out;
    }
    if (reserved) {
        smz__cache_unreserve(cache, reserved);
        reserved = 0;
    }
    memcpy(dst, b->data + off, len);
    if (claimed) {
        smz__cache_put(cache, r->dev, r->ino, cid, b);
        claimed = 0;
    }
    rc = SMZ_OK;
out:
    if (claimed)
        smz__cache_abandon(cache, r->dev, r->ino, cid);
    smz__cbuf_release(cache, b);
    if (reserved)
        smz__cache_unreserve(cache, reserved);
    free(raw);
    return rc;
}

int smz_entry_cmp_place(const void *a, const void *b)
{
    const smz_entry_at *x = smz_entry_place(*(const smz_entry *const *)a),
                       *y = smz_entry_place(*(const smz_entry *const *)b);
    if (x->cluster != y->cluster)
        return x->cluster < y->cluster ? -1 : 1;
    return x->offset < y->offset ? -1 : x->offset > y->offset;
}

smz_err smz_reader_read_range(smz_reader *r, const smz_entry *e, uint64_t off, void *buf, size_t len)
{
    begin(r);
    if (e->redirect || off > e->size || len > e->size - off)
        return fail(r, SMZ_E_INVALID, "range outside the entry");
    const smz_entry_at *at = smz_entry_place(e);
    return cluster_copy(r, r->cache, at->cluster, at->offset + off, buf, len);
}

static smz_err read_with(smz_reader *r, smz_cache *cache, const smz_entry *e, size_t max_len,
                         unsigned char **data, size_t *len)
{
    *data = NULL;
    *len = 0;
    if (e->redirect)
        return fail(r, SMZ_E_INVALID, "%.300s is a redirect", e->path);
    if (e->size > max_len)
        return fail(r, SMZ_E_TOOBIG, "%.300s: %llu bytes is over the %zu-byte limit", e->path,
                    (unsigned long long)e->size, max_len);
    unsigned char *buf = malloc(e->size ? e->size : 1);
    if (!buf)
        return fail(r, SMZ_E_NOMEM, "out of memory");
    const smz_entry_at *at = smz_entry_place(e);
    smz_err rc = cluster_copy(r, cache, at->cluster, at->offset, buf, e->size);
    if (rc != SMZ_OK) {
        free(buf);
        return rc;
    }
    *data = buf;
    *len = e->size;
    return SMZ_OK;
}

smz_err smz_reader_read(smz_reader *r, const smz_entry *e, size_t max_len, unsigned char **data,
                        size_t *len)
{
    begin(r);
    return read_with(r, r->cache, e, max_len, data, len);
}

/* ---- streams ---- */

/* A stream decodes its cluster itself past this many bytes of range. */
#define SMZ_STREAM_MIN ((uint64_t)1 << 20)
/* Compressed bytes read at a time, and bytes decoded at a time to skip up
 * to the range's start. */
#define SMZ_STREAM_IN ((size_t)128 << 10)
#define SMZ_STREAM_SKIP ((size_t)128 << 10)

/* RANGES: each piece through cluster_copy (a stored cluster, a short
 * range, or a frame that cannot be streamed).  CACHED: the cluster is
 * taken from the cache while it is there; once it is not, the stream
 * starts DECODING it from the frame's start, unless the cache is the
 * better place for it and this stream has not put it there yet: a cluster
 * whose window is about its size (smz-pack's 6 MiB frames are one
 * segment: the window is the cluster) and that takes at most half the
 * budget is decoded into the cache once, where later requests (a video
 * player's seeks) find it too; only if it is evicted before the stream
 * ends does the stream decode it itself.  FAILED: every read fails. */
typedef enum { STREAM_RANGES, STREAM_CACHED, STREAM_DECODING, STREAM_FAILED } stream_state;

struct smz_stream {
    smz_reader *r;
    stream_state state;
    smz_err failed; /* the error of the read that failed */
    int64_t cid;
    cinfo ci;
    uint64_t pos, end; /* next byte and end of the range, in the cluster */
    uint64_t upos;     /* DECODING: bytes of the frame decoded so far */
    uint64_t in_off;   /* DECODING: compressed bytes read so far */
    int frame_done;    /* DECODING: zstd has seen the frame's end (and checksum) */
    int cached_once;   /* CACHED: this stream has had the cluster decoded into the cache */
    ZSTD_DStream *ds;
    ZSTD_inBuffer in;
    unsigned char *inbuf;
    size_t reserved; /* counted against r->cache while decoding */
};

smz_err smz_stream_open(smz_reader *r, const smz_entry *e, uint64_t off, uint64_t len, smz_stream **out)
{
    smz_err rc;
    begin(r);
    *out = NULL;
    if (e->redirect || off > e->size || len > e->size - off)
        return fail(r, SMZ_E_INVALID, "range outside the entry");
    const smz_entry_at *at = smz_entry_place(e);
    smz_stream *s = calloc(1, sizeof *s);
    if (!s)
        return fail(r, SMZ_E_NOMEM, "out of memory");
    s->r = r;
    s->cid = at->cluster;
    if ((rc = cluster_info(r, at->cluster, &s->ci)) != SMZ_OK) {
        free(s);
        return rc;
    }
    if (at->offset > s->ci.usize || e->size > s->ci.usize - at->offset) {
        free(s);
        return fail(r, SMZ_E_CORRUPT, "an entry lies outside cluster %lld", (long long)at->cluster);
    }
    s->pos = at->offset + off;
    s->end = s->pos + len;
    s->state = s->ci.kind == SMZ_CLUSTER_ZSTD && len > SMZ_STREAM_MIN ? STREAM_CACHED : STREAM_RANGES;
    *out = s;
    return SMZ_OK;
}

static void stream_release(smz_stream *s)
{
    ZSTD_freeDStream(s->ds);
    s->ds = NULL;
    free(s->inbuf);
    s->inbuf = NULL;
    if (s->reserved)
        smz__cache_unreserve_stream(s->r->cache, s->reserved);
    s->reserved = 0;
}

void smz_stream_close(smz_stream *s)
{
    if (!s)
        return;
    stream_release(s);
    free(s);
}

/* The next compressed piece into s->in once it is used up. */
static smz_err stream_refill(smz_stream *s)
{
    if (s->in.pos < s->in.size || s->in_off == s->ci.stored)
        return SMZ_OK;
    size_t k = s->ci.stored - s->in_off < SMZ_STREAM_IN ? (size_t)(s->ci.stored - s->in_off)
                                                        : SMZ_STREAM_IN;
    smz_err rc = blob_read(s->r, s->cid, s->in_off, s->inbuf, k, 1);
    /* Version 3: every piece is checked before zstd sees it (in_off is a
     * multiple of SMZ_STREAM_IN, itself of SMZ_CHUNK). */
    if (rc == SMZ_OK && s->ci.version >= 3)
        rc = check_chunks(s->r, s->cid, s->in_off / SMZ_CHUNK, s->inbuf, k);
    if (rc != SMZ_OK)
        return rc;
    s->in_off += k;
    s->in = (ZSTD_inBuffer){s->inbuf, k, 0};
    return SMZ_OK;
}

/* Starts decoding the frame, or sets *OTHER to 1 when it is not one the
 * stream takes (no content checksum, another size: the whole-cluster path
 * then decides, with the cluster's BLAKE2b checked first), or to 2 when
 * the cluster is better decoded into the cache (see stream_state).  Memory is
 * reserved before anything is allocated: zstd's estimate for the frame's
 * window (at most 64 MiB: the decoder refuses more), the input piece and
 * the skip buffer. */
static smz_err stream_start(smz_stream *s, int *other)
{
    smz_reader *r = s->r;
    unsigned char fh[ZSTD_FRAMEHEADERSIZE_MAX];
    ZSTD_frameHeader zfh;
    size_t fhn = s->ci.stored < sizeof fh ? (size_t)s->ci.stored : sizeof fh;
    smz_err rc = blob_read(r, s->cid, 0, fh, fhn, 1);
    if (rc != SMZ_OK)
        return rc;
    if (ZSTD_getFrameHeader(&zfh, fh, fhn) != 0 || zfh.frameType != ZSTD_frame || !zfh.checksumFlag ||
        zfh.frameContentSize != s->ci.usize) {
        *other = 1;
        return SMZ_OK;
    }
    if (zfh.windowSize > ((uint64_t)1 << 26))
        return fail(r, SMZ_E_CORRUPT, "cluster %lld: the zstd frame's window is over 64 MiB",
                    (long long)s->cid);
    size_t est = ZSTD_estimateDStreamSize((size_t)zfh.windowSize);
    if (ZSTD_isError(est)) {
        *other = 1;
        return SMZ_OK;
    }
    if (r->cache && !s->cached_once && 2 * (uint64_t)est >= s->ci.usize &&
        s->ci.usize + s->ci.stored <= smz__cache_budget(r->cache) / 2) {
        s->cached_once = 1;
        *other = 2;
        return SMZ_OK;
    }
    if (r->cache)
        smz__cache_reserve_stream(r->cache, s->reserved = est + SMZ_STREAM_IN + SMZ_STREAM_SKIP);
    if (!(s->ds = ZSTD_createDStream()) || !(s->inbuf = malloc(SMZ_STREAM_IN)))
        return fail(r, SMZ_E_NOMEM, "out of memory");
    size_t z = ZSTD_DCtx_setParameter(s->ds, ZSTD_d_windowLogMax, 26);
    if (ZSTD_isError(z))
        return fail(r, SMZ_E_INTERNAL, "zstd: %s", ZSTD_getErrorName(z));
    s->in = (ZSTD_inBuffer){s->inbuf, 0, 0};
    s->in_off = 0;
    s->upos = 0;
    s->frame_done = 0;
    r->decodes++;
    return SMZ_OK;
}

/* Decodes the next N bytes of the frame into DST (NULL: N = 0, to reach
 * the frame's end and its checksum). */
static smz_err stream_decode(smz_stream *s, unsigned char *dst, size_t n)
{
    smz_reader *r = s->r;
    unsigned char none;
    ZSTD_outBuffer out = {dst ? (void *)dst : (void *)&none, n, 0};
    while (dst ? out.pos < out.size : !s->frame_done) {
        smz_err rc = stream_refill(s);
        if (rc != SMZ_OK)
            return rc;
        size_t in0 = s->in.pos, out0 = out.pos;
        if (s->frame_done)
            return fail(r, SMZ_E_CORRUPT, "cluster %lld: the zstd frame ends early", (long long)s->cid);
        size_t z = ZSTD_decompressStream(s->ds, &out, &s->in);
        if (ZSTD_isError(z))
            return fail(r, SMZ_E_CORRUPT, "cluster %lld: %s (the archive is damaged)", (long long)s->cid,
                        ZSTD_getErrorName(z));
        r->decoded_bytes += out.pos - out0;
        s->frame_done = z == 0;
        if (!s->frame_done && s->in.pos == in0 && out.pos == out0)
            return fail(r, SMZ_E_CORRUPT, "cluster %lld: the zstd frame ends early", (long long)s->cid);
    }
    if (!dst && (s->in.pos < s->in.size || s->in_off < s->ci.stored))
        return fail(r, SMZ_E_CORRUPT, "cluster %lld: not one zstd frame", (long long)s->cid);
    s->upos += n;
    return SMZ_OK;
}

smz_err smz_stream_read(smz_stream *s, void *buf, size_t n)
{
    smz_reader *r = s->r;
    smz_err rc;
    begin(r);
    if (s->state == STREAM_FAILED)
        return fail(r, s->failed, "an earlier read of this stream failed");
    if (n > s->end - s->pos)
        return fail(r, SMZ_E_INVALID, "read past the end of the stream");
    if (n == 0)
        return SMZ_OK;
    if (s->state == STREAM_CACHED) {
        smz_cbuf *b = r->cache ? smz__cache_get(r->cache, r->dev, r->ino, s->cid) : NULL;
        if (b) {
            rc = s->pos <= b->len && n <= b->len - s->pos
                     ? SMZ_OK
                     : fail(r, SMZ_E_CORRUPT, "an entry lies outside cluster %lld", (long long)s->cid);
            if (rc == SMZ_OK)
                memcpy(buf, b->data + s->pos, n);
            smz__cbuf_release(r->cache, b);
            goto out;
        }
        int other = 0;
        rc = stream_start(s, &other);
        if (rc == SMZ_OK && other == 2) {
            rc = cluster_copy(r, r->cache, s->cid, s->pos, buf, n);
            goto out;
        } else if (rc == SMZ_OK && other) {
            stream_release(s);
            s->state = STREAM_RANGES;
        } else if (rc != SMZ_OK) {
            goto out;
        } else {
            s->state = STREAM_DECODING;
        }
    }
    if (s->state == STREAM_RANGES) {
        rc = cluster_copy(r, r->cache, s->cid, s->pos, buf, n);
        goto out;
    }
    /* Skip up to the range (the frame has no index: the format decodes
     * a cluster from its start), then decode the piece itself. */
    rc = SMZ_OK;
    if (s->upos < s->pos) {
        unsigned char *skip = malloc(SMZ_STREAM_SKIP);
        if (!skip)
            rc = fail(r, SMZ_E_NOMEM, "out of memory");
        while (rc == SMZ_OK && s->upos < s->pos) {
            size_t k = s->pos - s->upos < SMZ_STREAM_SKIP ? (size_t)(s->pos - s->upos) : SMZ_STREAM_SKIP;
            rc = stream_decode(s, skip, k);
        }
        free(skip);
    }
    if (rc == SMZ_OK && n)
        rc = stream_decode(s, buf, n);
    /* The range ends at the frame's end: its content checksum is checked
     * before the last piece is handed out. */
    if (rc == SMZ_OK && s->pos + n == s->end && s->end == s->ci.usize)
        rc = stream_decode(s, NULL, 0);
out:
    if (rc != SMZ_OK) {
        stream_release(s);
        s->state = STREAM_FAILED;
        s->failed = rc;
        return rc;
    }
    s->pos += n;
    if (s->pos == s->end)
        stream_release(s); /* its memory goes back at once */
    return SMZ_OK;
}

/* ---- iteration ---- */

smz_err smz_reader_iter(smz_reader *r, const char *prefix, smz_iter **out)
{
    begin(r);
    *out = NULL;
    smz_iter *it = calloc(1, sizeof *it);
    if (!it)
        return fail(r, SMZ_E_NOMEM, "out of memory");
    it->r = r;
    /* A range on the path index: prefix <= path < prefix+U+10FFFF-ish. */
    int src =
        sqlite3_prepare_v2(r->db,
                           "SELECT 0, e.path, e.title, m.name, e.redirect, e.size, e.cluster, "
                           "e.offset FROM entries e LEFT JOIN mimetypes m ON m.id = e.mime "
                           "WHERE e.path >= ?1 AND (?1 = '' OR substr(e.path, 1, length(?1)) = ?1) "
                           "ORDER BY e.path",
                           -1, &it->st, NULL);
    if (src != SQLITE_OK) {
        free(it);
        return sqlfail(r, src, "listing entries");
    }
    /* A copy: it may fail, and a prefix left unbound would list nothing. */
    if ((src = sqlite3_bind_text(it->st, 1, prefix ? prefix : "", -1, SQLITE_TRANSIENT)) != SQLITE_OK) {
        sqlite3_finalize(it->st);
        free(it);
        return sqlfail(r, src, "listing entries");
    }
    *out = it;
    return SMZ_OK;
}

void smz_iter_on_skip(smz_iter *it, smz_problem_fn fn, void *ctx)
{
    it->skip = fn;
    it->skip_ctx = ctx;
}

uint64_t smz_iter_skipped(const smz_iter *it)
{
    return it->skipped;
}

smz_err smz_iter_next(smz_iter *it, const smz_entry **e)
{
    smz_reader *r = it->r;
    smz_entry_free(it->cur);
    it->cur = NULL;
    *e = NULL;
    for (;;) {
        r->budget = SMZ_STEP_BUDGET;
        if (stopped(r))
            return fail(r, SMZ_E_INTERRUPTED, "interrupted");
        if (too_many_rows(r, ++it->rows))
            return fail(r, SMZ_E_CORRUPT, "the entry table is damaged (it does not end)");
        int src = sqlite3_step(it->st);
        if (src == SQLITE_DONE)
            return SMZ_OK;
        if (src != SQLITE_ROW)
            return sqlfail(r, src, "listing entries");
        smz_err rc = entry_from_row(r, it->st, &it->cur);
        /* entry_from_row's SMZ_E_CORRUPT is about this row alone: one bad
         * row costs that entry, not the listing of all the others. */
        if (rc == SMZ_E_CORRUPT) {
            const char *p = (const char *)sqlite3_column_text(it->st, 1);
            it->skipped++;
            if (it->skip)
                it->skip(it->skip_ctx, p ? p : "", r->errmsg);
            continue;
        }
        *e = it->cur;
        return rc;
    }
}

void smz_iter_free(smz_iter *it)
{
    if (!it)
        return;
    smz_entry_free(it->cur);
    sqlite3_finalize(it->st);
    free(it);
}

/* ---- figures ---- */

static int64_t scalar(smz_reader *r, const char *sql, int *ok)
{
    sqlite3_stmt *s = NULL;
    int64_t v = 0;
    r->budget = SMZ_STEP_BUDGET;
    if (sqlite3_prepare_v2(r->db, sql, -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
        v = sqlite3_column_int64(s, 0);
    else
        *ok = 0;
    sqlite3_finalize(s);
    return v;
}

/* An HTML page, whatever its parameters: text/html, text/html; charset=... */
#define HTML_MIME_SQL "(m.name = 'text/html' OR m.name GLOB 'text/html[; ]*')"

/* Generated pages (metadata Generated: one path a line) are looked at up
 * to this many lines: the packer names one; a longer list is not ours. */
#define MAX_GENERATED 1000

/* Whether line I of the N lines at L was given before it. */
static int line_repeated(const char *v, const size_t *off, const size_t *len, size_t i)
{
    for (size_t k = 0; k < i; k++)
        if (len[k] == len[i] && !memcmp(v + off[k], v + off[i], len[i]))
            return 1;
    return 0;
}

/* *N: how many HTML content entries the metadata key Generated names (each
 * path once); *HAS_PATH (when PATH is not NULL): whether PATH is one of its
 * lines.  An archive without the key has none. */
static smz_err generated_pages(smz_reader *r, const char *path, uint64_t *n, int *has_path)
{
    char *v = NULL;
    size_t vl = 0, off[MAX_GENERATED], len[MAX_GENERATED], nl = 0;
    sqlite3_stmt *s = NULL;
    *n = 0;
    if (has_path)
        *has_path = 0;
    smz_err rc = smz_reader_meta(r, "Generated", &v, &vl);
    if (rc != SMZ_OK && rc != SMZ_E_NOMEM && rc != SMZ_E_INTERRUPTED)
        return SMZ_OK; /* absent, or a value smz check reports: no page is taken for generated */
    if (rc != SMZ_OK)
        return rc;
    for (size_t i = 0; i < vl && nl < MAX_GENERATED;) {
        const char *e = memchr(v + i, '\n', vl - i);
        size_t l = e ? (size_t)(e - (v + i)) : vl - i;
        if (l) {
            off[nl] = i;
            len[nl++] = l;
        }
        i += l + 1;
    }
    int src = sqlite3_prepare_v2(r->db,
                                 "SELECT 1 FROM entries e JOIN mimetypes m ON m.id = e.mime WHERE "
                                 "e.path = ? AND e.redirect IS NULL AND " HTML_MIME_SQL,
                                 -1, &s, NULL);
    if (src != SQLITE_OK) {
        rc = sqlfail(r, src, "counting the generated pages");
        goto out;
    }
    for (size_t i = 0; i < nl; i++) {
        if (has_path && strlen(path) == len[i] && !memcmp(path, v + off[i], len[i]))
            *has_path = 1;
        if (line_repeated(v, off, len, i))
            continue;
        sqlite3_reset(s);
        sqlite3_bind_text(s, 1, v + off[i], (int)len[i], SQLITE_STATIC);
        src = sqlite3_step(s);
        if (src == SQLITE_ROW)
            ++*n;
        else if (src != SQLITE_DONE) {
            rc = sqlfail(r, src, "counting the generated pages");
            goto out;
        }
    }
    rc = SMZ_OK;
out:
    sqlite3_finalize(s);
    free(v);
    return rc;
}

static int html_mime(const char *m)
{
    return !strncmp(m, "text/html", 9) && (!m[9] || m[9] == ';' || m[9] == ' ');
}

smz_err smz_reader_stats(smz_reader *r, smz_stats *st)
{
    return smz__reader_stats(r, st, 1);
}

/* Page PGNO (PSZ bytes) of R's file into BUF, through SQLite's VFS (a split
 * set's or an arriving file's too): 0, or -1. */
static int read_page(smz_reader *r, uint64_t pgno, unsigned char *buf, uint32_t psz)
{
    sqlite3_file *f = NULL;
    if (sqlite3_file_control(r->db, "main", SQLITE_FCNTL_FILE_POINTER, &f) != SQLITE_OK || !f ||
        !f->pMethods || pgno < 1 || (pgno - 1) * psz + psz > r->file_size)
        return -1;
    return f->pMethods->xRead(f, buf, (int)psz, (sqlite3_int64)((pgno - 1) * psz)) == SQLITE_OK ? 0 : -1;
}

/* The least page of the table whose root page is ROOT among the pages of
 * its b-tree's left edge (the root left out) and its first row's first
 * overflow page: where a table written from its left starts in the file
 * (its first page after its root is the one allocated first, the first
 * overflow page of its first row or, when that row has none, the leaf its
 * root first split into; and the packer moves the clusters' b-tree pages
 * before their bytes).  A few pages are read, not the table (which a large
 * archive's is: hundreds of MB).  *LEAST is UINT64_MAX when there is no
 * such page (a root that is a leaf and holds its rows whole).  0, or -1
 * when a page of that edge is not one of a table b-tree's. */
static int left_edge(smz_reader *r, uint64_t root, unsigned char *pg, uint32_t psz, uint32_t usable,
                     uint64_t *least)
{
    uint64_t at = root;
    *least = UINT64_MAX;
    for (int depth = 0;; depth++) {
        if (depth > 40 || at < 2 || read_page(r, at, pg, psz) != 0)
            return -1;
        if (at != root && at < *least)
            *least = at;
        unsigned cells = smz_sqlite_be16(pg + 3);
        if (pg[0] == 0x05) { /* interior: on to its leftmost child */
            unsigned co = cells ? smz_sqlite_be16(pg + 12) : 0;
            if (cells && (co < 12 || co + 4 > usable))
                return -1;
            at = smz_sqlite_be32(cells ? pg + co : pg + 8);
            continue;
        }
        if (pg[0] != 0x0d)
            return -1;
        /* A leaf: its first row's first overflow page, if it has one. */
        unsigned co = cells ? smz_sqlite_be16(pg + 8) : 0;
        smz_sqlite_cell cell;
        if (cells && co >= 8 && co < usable &&
            smz_sqlite_leaf_cell(pg + co, pg + usable, usable, &cell) == 0 && cell.overflow) {
            uint64_t ov = smz_sqlite_be32(pg + co + cell.overflow);
            if (ov >= 2 && ov < *least)
                *least = ov;
        }
        return 0;
    }
}

smz_err smz_reader_tail(smz_reader *r, uint64_t *tail)
{
    sqlite3_stmt *s = NULL;
    unsigned char hdr[100], *pg = NULL;
    uint64_t roots[2] = {0, 0}, least = UINT64_MAX, clusters = UINT64_MAX;
    *tail = r->file_size;
    if (r->version < 3)
        return SMZ_OK;
    begin(r);
    int src = sqlite3_prepare_v2(r->db,
                                 "SELECT (SELECT rootpage FROM sqlite_schema WHERE type = 'table' AND "
                                 "name = 'entry_blocks'), (SELECT rootpage FROM sqlite_schema WHERE "
                                 "type = 'table' AND name = 'clusters')",
                                 -1, &s, NULL);
    if (src == SQLITE_OK && (src = sqlite3_step(s)) == SQLITE_ROW) {
        roots[0] = (uint64_t)sqlite3_column_int64(s, 0);
        roots[1] = (uint64_t)sqlite3_column_int64(s, 1);
    }
    sqlite3_finalize(s);
    if (src != SQLITE_ROW)
        return sqlfail(r, src, "reading the entry table");
    sqlite3_file *f = NULL;
    if (sqlite3_file_control(r->db, "main", SQLITE_FCNTL_FILE_POINTER, &f) != SQLITE_OK || !f ||
        !f->pMethods || f->pMethods->xRead(f, hdr, sizeof hdr, 0) != SQLITE_OK)
        return fail(r, SMZ_E_IO, "reading the entry table");
    uint32_t psz = smz_sqlite_be16(hdr + 16) == 1 ? 65536 : smz_sqlite_be16(hdr + 16),
             usable = psz - hdr[20];
    if (psz < 512 || psz > 65536 || (psz & (psz - 1)) || usable < 480 || !(pg = malloc(psz)))
        return fail(r, psz < 512 ? SMZ_E_CORRUPT : SMZ_E_NOMEM, "reading the entry table");
    smz_err rc = SMZ_OK;
    if (left_edge(r, roots[0], pg, psz, usable, &least) != 0 ||
        left_edge(r, roots[1], pg, psz, usable, &clusters) != 0)
        rc = fail(r, SMZ_E_CORRUPT, "reading the entry table");
    free(pg);
    /* The entry table is a tail only where the clusters lie before it
     * (the layout before the clusters went last, and an archive with
     * entries too large to be copied again: docs/FORMAT.md, "Layout"). */
    if (rc == SMZ_OK && least != UINT64_MAX && (least - 1) * psz < r->file_size &&
        (clusters == UINT64_MAX || clusters < least))
        *tail = (least - 1) * psz;
    return rc;
}

smz_err smz__reader_stats(smz_reader *r, smz_stats *st, int index_size)
{
    int ok = 1;
    begin(r);
    memset(st, 0, sizeof *st);
    st->entries = (uint64_t)scalar(r, "SELECT count(*) FROM entries", &ok);
    st->redirects = (uint64_t)scalar(r, "SELECT count(*) FROM entries WHERE redirect IS NOT NULL", &ok);
    st->clusters = (uint64_t)scalar(r, "SELECT count(*) FROM clusters", &ok);
    st->content_bytes = (uint64_t)scalar(r, "SELECT total(size) FROM entries WHERE redirect IS NULL",
                                         &ok);
    st->stored_bytes = (uint64_t)scalar(r, "SELECT total(length(data)) FROM clusters", &ok);
    st->file_bytes = r->file_size;
    st->format_version = r->version;
    st->has_index = r->has_index;
    if (r->has_index && index_size) {
        /* dbstat walks only the tables it is given by name (=, IN): a
         * LIKE on its name column would make it read every page of the
         * file, a gigabyte for a large archive, to count a few hundred KB. */
        st->index_bytes = (uint64_t)scalar(r,
                                           "SELECT total(pgsize) FROM dbstat WHERE name IN "
                                           "(SELECT name FROM sqlite_schema WHERE name LIKE "
                                           "'search\\_%' ESCAPE '\\')",
                                           &ok);
    }
    if (!ok)
        return fail(r, SMZ_E_CORRUPT, "cannot count the archive's contents: %s", sqlite3_errmsg(r->db));
    sqlite3_stmt *s = NULL;
    int src =
        sqlite3_prepare_v2(r->db,
                           "SELECT m.name, count(*), total(e.size) FROM entries e JOIN mimetypes m "
                           "ON m.id = e.mime WHERE e.redirect IS NULL GROUP BY m.name "
                           "ORDER BY count(*) DESC, m.name LIMIT 1000",
                           -1, &s, NULL);
    if (src != SQLITE_OK)
        return sqlfail(r, src, "counting MIME types");
    smz_err rc = SMZ_OK;
    st->mimes = calloc(1000, sizeof *st->mimes);
    if (!st->mimes)
        rc = fail(r, SMZ_E_NOMEM, "out of memory");
    while (rc == SMZ_OK && (src = sqlite3_step(s)) == SQLITE_ROW) {
        const char *m = (const char *)sqlite3_column_text(s, 0);
        smz_mime_stat *ms = &st->mimes[st->n_mimes];
        if ((!m && column_oom(r->db)) || !(ms->mime = strndup(m ? m : "", SMZ_MAX_MIME))) {
            rc = fail(r, SMZ_E_NOMEM, "out of memory");
            break;
        }
        ms->entries = (uint64_t)sqlite3_column_int64(s, 1);
        ms->bytes = (uint64_t)sqlite3_column_double(s, 2);
        st->n_mimes++;
    }
    if (rc == SMZ_OK && src != SQLITE_DONE)
        rc = sqlfail(r, src, "counting MIME types");
    sqlite3_finalize(s);
    for (size_t i = 0; rc == SMZ_OK && i < st->n_mimes; i++)
        if (html_mime(st->mimes[i].mime))
            st->articles += st->mimes[i].entries;
    uint64_t gen = 0;
    if (rc == SMZ_OK && (rc = generated_pages(r, NULL, &gen, NULL)) == SMZ_OK)
        st->articles -= gen <= st->articles ? gen : st->articles;
    if (rc != SMZ_OK)
        smz_stats_free(st);
    return rc;
}

void smz_stats_free(smz_stats *st)
{
    if (!st || !st->mimes)
        return;
    for (size_t i = 0; i < st->n_mimes; i++)
        free(st->mimes[i].mime);
    free(st->mimes);
    st->mimes = NULL;
}

/* ---- digest ---- */

static void put_u64(crypto_generichash_state *h, uint64_t v)
{
    unsigned char b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (unsigned char)(v >> (56 - 8 * i));
    crypto_generichash_update(h, b, 8);
}

static void put_str(crypto_generichash_state *h, const void *s, size_t n)
{
    put_u64(h, n);
    crypto_generichash_update(h, s, n);
}

/* put_u64 and put_str into a buffer B at N (the caller checked the room):
 * the new N. */
static size_t head_u64(unsigned char *b, size_t n, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        b[n++] = (unsigned char)(v >> (56 - 8 * i));
    return n;
}

static size_t head_str(unsigned char *b, size_t n, const char *s, size_t len)
{
    n = head_u64(b, n, len);
    memcpy(b + n, s, len);
    return n + len;
}

/* Where one content entry's bytes lie, and where they go in the digest's
 * path-order stream of content (for the spilled pass). */
typedef struct dplace {
    int64_t cluster;
    uint64_t offset, size, pos;
} dplace;

static int dplace_cmp(const void *a, const void *b)
{
    const dplace *x = a, *y = b;
    if (x->cluster != y->cluster)
        return x->cluster < y->cluster ? -1 : 1;
    return x->offset < y->offset ? -1 : x->offset > y->offset;
}

/* ---- the digest's clusters, read as planned ----
 *
 * Entries in path order jump between clusters (a folder's pages lie in
 * several, its styles and images in others: pydoc's 10 clusters are met in
 * 168 runs), and an LRU cache a little smaller than what they hold decodes
 * them over and over (pydoc: 23 decodes of 10 clusters in 64 MiB).  So when
 * the reader has no cache of its own, the digest first reads which cluster
 * each content entry lies in, in path order (the plan: one cluster per run
 * of entries in the same one), and then holds, within the same 64 MiB, the
 * clusters needed soonest (Belady's rule), lets each go after its last use,
 * reuses the buffers it lets go of, and hashes the entries straight from
 * them.  The plan is only a hint: a row it did not foresee (one the
 * iterator skips as malformed) ends it, and the clusters are then held
 * least recently used first. */
#define PLAN_RUNS_MAX ((size_t)1 << 18) /* 4 MiB of plan at most */
#define PLAN_SLOTS 64
#define PLAN_BUDGET ((size_t)64 << 20)

/* smz_reader_check's second thread decodes ahead for the digest
 * (decode_ahead), between its own steps what the digest is about to need
 * and once they are done whatever it needs next: the next cluster the plan
 * needs that no slot has, on its own handle, into a slot the digest then
 * takes (one decoded by the helper is counted, and noted sound, when the
 * digest takes it).  A decode that fails there is left to the digest, which decodes the
 * cluster again itself: its errors, and so the problems told, are the ones
 * it would have met alone.  AHEAD is where the two meet. */
typedef struct ahead {
    pthread_mutex_t mu;
    pthread_cond_t cv;  /* a slot changed state, the digest moved on, or it ended */
    struct dplan *plan; /* the digest's, while its planned pass runs */
    int closed;         /* no digest to help (any more): the helper ends */
    int busy;           /* the helper is decoding into a slot of PLAN */
} ahead;

enum { PS_FREE, PS_LOADING, PS_READY, PS_FAILED };

typedef struct pslot {
    int state;  /* PS_*; FAILED: the helper could not decode it */
    int helper; /* LOADING by the helper, or READY from it and not taken yet */
    int64_t cid;
    smz_cbuf *b;   /* READY */
    size_t need;   /* LOADING: the bytes counted for it in HELD (and what its decode counts) */
    size_t next;   /* while the plan holds: the run it is next needed in (SIZE_MAX: none) */
    uint64_t used; /* when it was last used */
} pslot;

typedef struct dplan {
    int64_t *run;  /* the cluster of each run */
    uint64_t *pos; /* the content bytes before each run, in path order */
    size_t *next;  /* the next run in the same cluster (SIZE_MAX: none) */
    size_t n, at;  /* runs planned; the one being read (SIZE_MAX: none yet) */
    int on, whole; /* the digest follows the plan; the plan has every run */
    pslot slot[PLAN_SLOTS];
    size_t nslot, held; /* slots not free; the bytes they hold or will */
    uint64_t bytes;     /* while reading the plan: the content bytes so far */
    size_t cur;         /* the slot of the entry read last (SIZE_MAX: none) */
    uint64_t tick;
    smz_cache *pool; /* keeps buffers let go of for the next decodes (locked) */
    zscratch zs;
    ahead *ah; /* NULL: no helper, and no locking */
} dplan;

static void plan_lock(dplan *p)
{
    if (p->ah)
        pthread_mutex_lock(&p->ah->mu);
}

static void plan_unlock(dplan *p)
{
    if (p->ah)
        pthread_mutex_unlock(&p->ah->mu);
}

static int i64_cmp(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Each run's next run in the same cluster, from the end backwards (the
 * clusters met, sorted, index the last run seen of each).  0 when out of
 * memory: then there is no plan. */
static int plan_link(dplan *p)
{
    int64_t *ids = p->n ? malloc(p->n * sizeof *ids) : NULL;
    size_t *last = p->n ? malloc(p->n * sizeof *last) : NULL;
    size_t k = 0;
    if (!(p->next = p->n ? malloc(p->n * sizeof *p->next) : NULL) || !ids || !last) {
        free(ids);
        free(last);
        return 0;
    }
    memcpy(ids, p->run, p->n * sizeof *ids);
    qsort(ids, p->n, sizeof *ids, i64_cmp);
    for (size_t i = 0; i < p->n; i++)
        if (!k || ids[k - 1] != ids[i])
            ids[k++] = ids[i];
    for (size_t i = 0; i < k; i++)
        last[i] = SIZE_MAX;
    for (size_t i = p->n; i-- > 0;) {
        const int64_t *at = bsearch(&p->run[i], ids, k, sizeof *ids, i64_cmp);
        size_t j = (size_t)(at - ids);
        p->next[i] = last[j];
        last[j] = i;
    }
    free(ids);
    free(last);
    return 1;
}

/* Adds an entry in CLUSTER of SIZE bytes to P's plan (CLUSTER or SIZE -1:
 * none), and what the digest's budget counts of it to *TOTAL. */
static void plan_add(dplan *p, size_t *cap, double *total, int64_t cluster, int64_t size)
{
    if (size >= 0)
        *total += (double)(size < 1000000000 ? size : 1000000000);
    if (size <= 0 || cluster <= 0 || !p->whole)
        return;
    p->bytes += (uint64_t)size;
    if (p->n && p->run[p->n - 1] == cluster)
        return;
    if (p->n == *cap) {
        size_t nc = *cap ? *cap * 2 : 64;
        int64_t *nr = nc <= PLAN_RUNS_MAX ? realloc(p->run, nc * sizeof *nr) : NULL;
        if (nr)
            p->run = nr;
        uint64_t *np = nr ? realloc(p->pos, nc * sizeof *np) : NULL;
        if (!np) {
            p->whole = 0;
            return;
        }
        p->pos = np;
        *cap = nc;
    }
    p->pos[p->n] = p->bytes - (uint64_t)size;
    p->run[p->n++] = cluster;
}

typedef struct plan_scan {
    smz_reader *r;
    dplan *p;
    size_t cap;
    double total;
} plan_scan;

static int plan_place(void *ctx, int64_t cluster, int64_t size)
{
    plan_scan *ps = ctx;
    ps->r->budget = SMZ_STEP_BUDGET;
    plan_add(ps->p, &ps->cap, &ps->total, cluster, size);
    return stopped(ps->r);
}

/* Reads P's plan, and into *CONTENT the entries' sizes as the digest's
 * budget counts them (version 3: the entry blocks, which cannot cycle):
 * straight from the blocks, or when that fails, through the virtual table,
 * whose query fails as the one it replaces, "SELECT total(min(max(size,
 * 0), 1000000000)) FROM entries", did (0, sqlite3_errcode saying why), with
 * the step budget of one row at a time rather than of all of them.  Too
 * many runs, or no memory for them, leaves a plan of the first runs or
 * none. */
static int plan_read(smz_reader *r, dplan *p, uint64_t *content)
{
    sqlite3_stmt *s = NULL;
    plan_scan ps = {r, p, 0, 0};
    p->whole = 1;
    if (smz__entries_places(r->db, plan_place, &ps) != SQLITE_OK) {
        free(p->run);
        free(p->pos);
        p->run = NULL;
        p->pos = NULL;
        p->n = ps.cap = 0;
        p->bytes = 0;
        ps.total = 0;
        p->whole = 1;
        int src = sqlite3_prepare_v2(
            r->db, "SELECT cluster, size, min(max(size, 0), 1000000000) FROM entries ORDER BY path", -1,
            &s, NULL);
        while (s && (src = sqlite3_step(s)) == SQLITE_ROW) {
            r->budget = SMZ_STEP_BUDGET;
            int has_c = sqlite3_column_type(s, 0) == SQLITE_INTEGER,
                has_s = sqlite3_column_type(s, 1) == SQLITE_INTEGER;
            plan_add(p, &ps.cap, &ps.total, has_c ? sqlite3_column_int64(s, 0) : -1,
                     has_s ? sqlite3_column_int64(s, 1) : -1);
        }
        sqlite3_finalize(s);
        if (src != SQLITE_DONE)
            return 0;
    }
    *content = (uint64_t)ps.total;
    p->on = plan_link(p);
    p->at = SIZE_MAX;
    return 1;
}

/* Lets slot I of P go (the lock held): its buffer waits in P's pool for
 * the next decode. */
static void plan_drop(dplan *p, size_t i)
{
    pslot *sl = &p->slot[i];
    if (sl->state == PS_READY) {
        p->held -= sl->b->cap;
        smz__cbuf_release(p->pool, sl->b);
    }
    memset(sl, 0, sizeof *sl);
    p->nslot--;
    if (p->cur == i)
        p->cur = SIZE_MAX;
}

/* The slot of cluster CID (any state but free), or SIZE_MAX. */
static size_t plan_find(const dplan *p, int64_t cid)
{
    for (size_t i = 0; i < PLAN_SLOTS; i++)
        if (p->slot[i].state != PS_FREE && p->slot[i].cid == cid)
            return i;
    return SIZE_MAX;
}

static size_t plan_free_slot(const dplan *p)
{
    for (size_t i = 0; i < PLAN_SLOTS; i++)
        if (p->slot[i].state == PS_FREE)
            return i;
    return SIZE_MAX;
}

/* Makes room for NEED more bytes (the lock held): drops the ready slots
 * needed last, or never (those used least recently once the plan no longer
 * holds), but none needed before run BEFORE, nor slot KEEP (SIZE_MAX:
 * none).  0 when there is not room enough and nothing more may go. */
static int plan_room(dplan *p, size_t need, size_t before, size_t keep)
{
    while (p->nslot && (p->held + need > PLAN_BUDGET || p->nslot == PLAN_SLOTS)) {
        size_t v = SIZE_MAX;
        for (size_t k = 0; k < PLAN_SLOTS; k++) {
            const pslot *sl = &p->slot[k];
            if (k == keep || sl->state == PS_LOADING ||
                (sl->state == PS_READY && p->on && sl->next < before))
                continue;
            if (sl->state == PS_FAILED) {
                v = k;
                break;
            }
            if (v == SIZE_MAX || (p->on ? sl->next > p->slot[v].next : sl->used < p->slot[v].used))
                v = k;
        }
        if (v == SIZE_MAX)
            return 0;
        plan_drop(p, v);
    }
    return 1;
}

static void plan_free(dplan *p)
{
    for (size_t i = 0; i < PLAN_SLOTS; i++)
        if (p->slot[i].state != PS_FREE)
            plan_drop(p, i);
    free(p->run);
    free(p->pos);
    free(p->next);
    free(p->zs.buf);
    memset(p, 0, sizeof *p);
    p->cur = SIZE_MAX;
}

/* Decodes cluster CID (header CI) whole on reader R into *OUT, from POOL,
 * with every check a read makes: zstd's through decompress, a stored
 * cluster's as cluster_copy reads it into a cache. */
static smz_err plan_decode(smz_reader *r, smz_cache *pool, zscratch *zs, int64_t cid, const cinfo *ci,
                           smz_cbuf **out)
{
    smz_err rc;
    int fresh;
    smz_cbuf *b;
    *out = NULL;
    if (ci->kind != SMZ_CLUSTER_STORED)
        return decompress(r, pool, zs, cid, ci, ci->usize, 1, out);
    if (!(b = smz__cache_buf(pool, ci->stored, &fresh)))
        return fail(r, SMZ_E_NOMEM, "out of memory");
    if (fresh)
        prefault(b->data, ci->stored);
    r->decoded_bytes += ci->stored;
    if ((rc = blob_read(r, cid, 0, b->data, ci->stored, 0)) != SMZ_OK ||
        (rc = check_stored(r, cid, ci, b->data)) != SMZ_OK) {
        smz__cbuf_release(pool, b);
        return rc;
    }
    r->decodes++;
    note_sound(r, cid);
    *out = b;
    return SMZ_OK;
}

/* How far ahead of the digest the second thread decodes between its own
 * steps: the clusters needed within this many bytes of content. */
#define AHEAD_SOON ((uint64_t)4 << 20)

/* The helper's side (smz_reader_check's second thread, on its reader HR):
 * decodes the next cluster the published plan needs that no slot has, when
 * it fits (dropping only clusters needed after it).  SOON: between its own
 * steps, only clusters needed within AHEAD_SOON, and back to them when
 * there are none; else until AH is closed. */
static void decode_ahead(smz_reader *hr, ahead *ah, int soon)
{
    zscratch zs = {NULL, 0};
    /* What the steps it comes between see of HR stays as it was. */
    int64_t budget = hr->budget;
    char errmsg[sizeof hr->errmsg];
    memcpy(errmsg, hr->errmsg, sizeof errmsg);
    pthread_mutex_lock(&ah->mu);
    while (!ah->closed && !stopped(hr)) {
        dplan *p = ah->plan;
        size_t j = SIZE_MAX, i;
        if (p && p->on && p->whole) {
            size_t from = p->at == SIZE_MAX ? 0 : p->at + 1;
            uint64_t here = p->at == SIZE_MAX ? 0 : p->pos[p->at];
            /* The first cluster not held yet; on a file that arrives, the
             * one of least id of those (its bytes come first: the rows lie
             * in id order), so that the clusters are decoded as they come
             * and not only once the first one needed has come. */
            for (size_t k = from; k < p->n && k < from + 256; k++) {
                if (soon && p->pos[k] - here > AHEAD_SOON)
                    break;
                if (plan_find(p, p->run[k]) == SIZE_MAX) {
                    if (j == SIZE_MAX || p->run[k] < p->run[j])
                        j = k;
                    if (!hr->arrival)
                        break;
                }
            }
        }
        if (j == SIZE_MAX) {
            if (soon)
                break;
            pthread_cond_wait(&ah->cv, &ah->mu);
            continue;
        }
        int64_t cid = p->run[j];
        cinfo ci;
        hr->budget = SMZ_STEP_BUDGET;
        smz_err rc = cluster_info(hr, cid, &ci);
        size_t need = rc == SMZ_OK
                          ? (size_t)ci.usize + (ci.kind == SMZ_CLUSTER_ZSTD ? (size_t)ci.stored : 0)
                          : 0;
        i = plan_free_slot(p);
        if (i != SIZE_MAX &&
            (rc != SMZ_OK || (ci.kind == SMZ_CLUSTER_STORED && ci.stored > SMZ_MAX_CLUSTER_USIZE))) {
            /* Not for the helper: a FAILED slot tells the digest so. */
            p->slot[i] = (pslot){PS_FAILED, 0, cid, NULL, 0, j, 0};
            p->nslot++;
            continue;
        }
        if (i == SIZE_MAX || !plan_room(p, need, j + 1, p->cur) || (i = plan_free_slot(p)) == SIZE_MAX) {
            if (soon)
                break;
            pthread_cond_wait(&ah->cv, &ah->mu);
            continue;
        }
        p->slot[i] = (pslot){PS_LOADING, 1, cid, NULL, need, j, 0};
        p->nslot++;
        p->held += need;
        ah->busy = 1;
        smz_cache *pool = p->pool;
        pthread_mutex_unlock(&ah->mu);
        smz_cbuf *b = NULL;
        hr->budget = SMZ_STEP_BUDGET;
        rc = plan_decode(hr, pool, &zs, cid, &ci, &b);
        pthread_mutex_lock(&ah->mu);
        p->held -= need;
        if (rc == SMZ_OK) {
            p->slot[i].state = PS_READY;
            p->slot[i].b = b;
            p->held += b->cap;
        } else {
            p->slot[i].state = PS_FAILED;
        }
        ah->busy = 0;
        pthread_cond_broadcast(&ah->cv);
    }
    pthread_mutex_unlock(&ah->mu);
    free(zs.buf);
    hr->budget = budget;
    memcpy(hr->errmsg, errmsg, sizeof errmsg);
}

/* The bytes of an entry at OFF in cluster CID, LEN of them (LEN > 0): *OUT
 * points at them in a slot of P, or is NULL for a stored cluster over
 * SMZ_MAX_CLUSTER_USIZE (cluster_copy reads it by ranges).  The checks, and
 * their messages, are cluster_copy's with a cache, in the same order: those
 * on the entry's first MiB before the cluster is decoded. */
static smz_err plan_get(smz_reader *r, dplan *p, int64_t cid, uint64_t off, uint64_t len,
                        const unsigned char **out)
{
    size_t i = p->cur;
    cinfo ci;
    smz_cbuf *b = NULL;
    smz_err rc = SMZ_OK;
    *out = NULL;
    /* The entry before was in the same cluster: mostly so, no lock (the
     * helper never touches the slot in use). */
    if (i != SIZE_MAX && p->slot[i].cid == cid) {
        b = p->slot[i].b;
        goto have;
    }
    plan_lock(p);
    if (p->on) {
        size_t nx = p->at == SIZE_MAX ? 0 : p->at + 1;
        if (p->at != SIZE_MAX && p->run[p->at] == cid) {
            ; /* the same run */
        } else if (nx < p->n && p->run[nx] == cid) {
            /* The run before is over: its cluster is next needed in
             * next[at], or never again. */
            size_t k = p->at == SIZE_MAX ? SIZE_MAX : plan_find(p, p->run[p->at]);
            if (k != SIZE_MAX && p->slot[k].state == PS_READY) {
                p->slot[k].next = p->next[p->at];
                if (p->slot[k].next == SIZE_MAX && p->whole)
                    plan_drop(p, k);
            }
            p->at = nx;
        } else {
            p->on = 0;
        }
        if (p->ah)
            pthread_cond_broadcast(&p->ah->cv);
    }
    for (;;) {
        i = plan_find(p, cid);
        if (i == SIZE_MAX || p->slot[i].state != PS_LOADING)
            break;
        pthread_cond_wait(&p->ah->cv, &p->ah->mu); /* LOADING: only by the helper */
    }
    if (i != SIZE_MAX && p->slot[i].state == PS_FAILED) {
        plan_drop(p, i);
        i = SIZE_MAX;
    }
    if (i != SIZE_MAX) {
        pslot *sl = &p->slot[i];
        b = sl->b;
        if (sl->helper) { /* counted, and noted sound, as if decoded here */
            sl->helper = 0;
            r->decodes++;
            r->decoded_bytes += sl->need; /* what its decode counted */
            note_sound(r, cid);
        }
    } else {
        if ((rc = cluster_info(r, cid, &ci)) != SMZ_OK)
            goto out;
        uint64_t first = len < (1 << 20) ? len : (1 << 20);
        if (off > ci.usize || first > ci.usize - off) {
            rc = fail(r, SMZ_E_CORRUPT, "an entry lies outside cluster %lld", (long long)cid);
            goto out;
        }
        if (ci.kind == SMZ_CLUSTER_STORED && ci.stored > SMZ_MAX_CLUSTER_USIZE) {
            p->cur = SIZE_MAX;
            goto out;
        }
        /* Room: the clusters needed last (or never) go first, those used
         * least recently once the plan no longer holds; while the helper
         * decodes the last one, the digest waits for it. */
        size_t need = (size_t)ci.usize + (ci.kind == SMZ_CLUSTER_ZSTD ? (size_t)ci.stored : 0);
        while (!plan_room(p, need, 0, SIZE_MAX) && p->ah && p->ah->busy)
            pthread_cond_wait(&p->ah->cv, &p->ah->mu);
        if ((i = plan_free_slot(p)) == SIZE_MAX) {
            rc = fail(r, SMZ_E_NOMEM, "out of memory"); /* not met: all but the helper's may go */
            goto out;
        }
        /* LOADING by the digest itself: the helper leaves it alone. */
        p->slot[i] = (pslot){PS_LOADING, 0, cid, NULL, need, 0, 0};
        p->nslot++;
        p->held += need;
        plan_unlock(p);
        rc = plan_decode(r, p->pool, &p->zs, cid, &ci, &b);
        plan_lock(p);
        p->held -= need;
        if (rc != SMZ_OK) {
            p->slot[i].state = PS_FAILED;
            plan_drop(p, i);
            goto out;
        }
        p->slot[i].state = PS_READY;
        p->slot[i].b = b;
        p->held += b->cap;
    }
    p->cur = i;
    if (p->on)
        p->slot[i].next = p->at;
out:
    plan_unlock(p);
    if (rc != SMZ_OK || !b)
        return rc;
have:
    p->slot[i].used = ++p->tick;
    if (off > b->len || len > b->len - off)
        return fail(r, SMZ_E_CORRUPT, "an entry lies outside cluster %lld", (long long)cid);
    *out = b->data + off;
    return SMZ_OK;
}

/* smz_reader_check's step 3 rides on the digest's pass over the entries
 * (entry_watch, with the check). */
typedef struct entry_watch entry_watch;
static void watch_start(entry_watch *w);
static void watch_entry(entry_watch *w, const smz_entry *e);
static void watch_end(entry_watch *w);
static void skipped_row(void *ctx, const char *path, const char *msg);
static void *watch_checker(entry_watch *w);

/* The entry part of the digest (step 4 of docs/FORMAT.md) into H.  The
 * bytes of each content entry come from its cluster through PLAN when
 * given, else through CACHE (SPILL NULL), giving up with SMZ_E_TOOBIG once
 * this handle has decoded more than BUDGET bytes; or from SPILL, a file
 * holding all content in path order.  A malformed row fails the digest: it
 * is over every entry.  W (may be NULL) is shown every row, and told when
 * the pass read them all. */
static smz_err digest_entries(smz_reader *r, smz_cache *cache, dplan *plan, crypto_generichash_state *h,
                              unsigned char *chunk, FILE *spill, uint64_t budget, entry_watch *w)
{
    smz_iter *it = NULL;
    uint64_t start = r->decoded_bytes, pos = 0;
    unsigned char head[4096];
    smz_err rc = smz_reader_iter(r, NULL, &it);
    if (rc == SMZ_OK && w) {
        watch_start(w);
        smz_iter_on_skip(it, skipped_row, watch_checker(w));
    }
    while (rc == SMZ_OK) {
        const smz_entry *e;
        if ((rc = smz_iter_next(it, &e)) != SMZ_OK)
            break;
        if (!e) {
            if (w)
                watch_end(w);
            break;
        }
        if (w)
            watch_entry(w, e);
        /* The entry's fields, in one update when they fit in HEAD (the same
         * bytes as one update each: a hash of a stream). */
        size_t lp = strlen(e->path), lt = strlen(e->title), lm = strlen(e->mime),
               lr = e->redirect ? strlen(e->redirect) : 0;
        if (lp + lt + lm + lr + 33 <= sizeof head) {
            size_t n = 0;
            head[n++] = e->redirect ? 'R' : 'E';
            n = head_str(head, n, e->path, lp);
            n = head_str(head, n, e->title, lt);
            if (e->redirect) {
                n = head_str(head, n, e->redirect, lr);
                crypto_generichash_update(h, head, n);
                continue;
            }
            n = head_str(head, n, e->mime, lm);
            n = head_u64(head, n, e->size);
            crypto_generichash_update(h, head, n);
        } else {
            crypto_generichash_update(h, (const unsigned char *)(e->redirect ? "R" : "E"), 1);
            put_str(h, e->path, lp);
            put_str(h, e->title, lt);
            if (e->redirect) {
                put_str(h, e->redirect, lr);
                continue;
            }
            put_str(h, e->mime, lm);
            put_u64(h, e->size);
        }
        if (plan && !spill && e->size) {
            /* Straight from the cluster's buffer; NULL: one read by ranges. */
            const unsigned char *d = NULL;
            if (r->decoded_bytes - start > budget) {
                rc = SMZ_E_TOOBIG;
            } else if ((rc = plan_get(r, plan, smz_entry_place(e)->cluster, smz_entry_place(e)->offset,
                                      e->size, &d)) != SMZ_OK) {
                char what[sizeof r->errmsg];
                memcpy(what, r->errmsg, sizeof what);
                fail(r, rc, "%.300s: %.700s", e->path, what);
            } else if (d) {
                crypto_generichash_update(h, d, e->size);
                pos += e->size;
                continue;
            }
        }
        for (uint64_t off = 0; rc == SMZ_OK && off < e->size;) {
            size_t n = e->size - off > (1 << 20) ? (1 << 20) : (size_t)(e->size - off);
            if (spill) {
                if (fseeko(spill, (off_t)(pos + off), SEEK_SET) != 0 || fread(chunk, 1, n, spill) != n)
                    rc = fail(r, SMZ_E_IO, "reading back the spilled content: %s", strerror(errno));
            } else if (r->decoded_bytes - start > budget) {
                rc = SMZ_E_TOOBIG;
            } else if ((rc = cluster_copy(r, cache, smz_entry_place(e)->cluster,
                                          smz_entry_place(e)->offset + off, chunk, n)) != SMZ_OK) {
                char what[sizeof r->errmsg];
                memcpy(what, r->errmsg, sizeof what);
                fail(r, rc, "%.300s: %.700s", e->path, what);
            }
            if (rc == SMZ_OK)
                crypto_generichash_update(h, chunk, n);
            off += n;
        }
        pos += e->size;
    }
    if (rc == SMZ_OK && smz_iter_skipped(it))
        rc = fail(r, SMZ_E_CORRUPT, "%llu malformed entries (smz check lists them)",
                  (unsigned long long)smz_iter_skipped(it));
    smz_iter_free(it);
    return rc;
}

/* Writes every content entry's bytes to SPILL at its place in the path
 * order, reading them in the order they lie (each cluster decoded once). */
static smz_err digest_spill(smz_reader *r, smz_cache *cache, unsigned char *chunk, FILE *spill)
{
    smz_iter *it = NULL;
    dplace *pl = NULL;
    size_t n = 0, cap = 0;
    uint64_t pos = 0;
    smz_err rc = smz_reader_iter(r, NULL, &it);
    while (rc == SMZ_OK) {
        const smz_entry *e;
        if ((rc = smz_iter_next(it, &e)) != SMZ_OK || !e)
            break;
        if (e->redirect || !e->size)
            continue;
        if (n == cap) {
            size_t nc = cap ? cap * 2 : 1024;
            dplace *np = realloc(pl, nc * sizeof *np);
            if (!np) {
                rc = fail(r, SMZ_E_NOMEM, "out of memory");
                break;
            }
            pl = np;
            cap = nc;
        }
        pl[n++] = (dplace){smz_entry_place(e)->cluster, smz_entry_place(e)->offset, e->size, pos};
        pos += e->size;
    }
    smz_iter_free(it);
    if (rc == SMZ_OK)
        qsort(pl, n, sizeof *pl, dplace_cmp);
    for (size_t i = 0; rc == SMZ_OK && i < n; i++) {
        for (uint64_t off = 0; rc == SMZ_OK && off < pl[i].size;) {
            size_t k = pl[i].size - off > (1 << 20) ? (1 << 20) : (size_t)(pl[i].size - off);
            if ((rc = cluster_copy(r, cache, pl[i].cluster, pl[i].offset + off, chunk, k)) != SMZ_OK)
                break;
            if (fseeko(spill, (off_t)(pl[i].pos + off), SEEK_SET) != 0 ||
                fwrite(chunk, 1, k, spill) != k)
                rc = fail(r, errno == ENOSPC ? SMZ_E_NOSPACE : SMZ_E_IO,
                          "spilling content to a temporary file: %s", strerror(errno));
            off += k;
        }
    }
    if (rc == SMZ_OK && fflush(spill) != 0)
        rc = fail(r, SMZ_E_IO, "spilling content to a temporary file: %s", strerror(errno));
    free(pl);
    return rc;
}

/* smz_reader_digest, showing W (may be NULL) every row of its pass; AH's
 * helper (may be NULL) decodes ahead for its planned pass. */
static smz_err digest_with(smz_reader *r, unsigned char digest[SMZ_DIGEST_BYTES], entry_watch *w,
                           ahead *ah)
{
    crypto_generichash_state h, meta;
    sqlite3_stmt *s = NULL;
    smz_cache *tmp = NULL;
    dplan plan, *pl = NULL;
    unsigned char *chunk = NULL;
    FILE *spill = NULL;
    smz_err rc;
    int src;
    begin(r);
    crypto_generichash_init(&h, NULL, 0, SMZ_DIGEST_BYTES);
    crypto_generichash_update(&h, (const unsigned char *)"smz-digest-1", 12);
    src = sqlite3_prepare_v2(r->db,
                             "SELECT key, value FROM metadata WHERE key NOT IN ('Digest', 'UUID') "
                             "AND key NOT GLOB 'Signature*' ORDER BY key",
                             -1, &s, NULL);
    if (src != SQLITE_OK)
        return sqlfail(r, src, "reading metadata");
    uint64_t rows = 0;
    while ((src = sqlite3_step(s)) == SQLITE_ROW) {
        if (too_many_rows(r, ++rows)) {
            sqlite3_finalize(s);
            return fail(r, SMZ_E_CORRUPT, "the metadata table is damaged (it does not end)");
        }
        const void *k = sqlite3_column_blob(s, 0), *v;
        size_t kn = (size_t)sqlite3_column_bytes(s, 0), vn;
        unsigned char *own = NULL;
        rc = smz__reader_meta_value(r, k ? k : "", kn, sqlite3_column_blob(s, 1),
                                    (size_t)sqlite3_column_bytes(s, 1), &v, &vn, &own);
        if (rc == SMZ_OK && column_oom(r->db))
            rc = fail(r, SMZ_E_NOMEM, "out of memory");
        if (rc != SMZ_OK) {
            sqlite3_finalize(s);
            return rc;
        }
        put_str(&h, k, kn);
        put_str(&h, v, vn);
        free(own);
        r->budget = SMZ_STEP_BUDGET;
    }
    sqlite3_finalize(s);
    if (src != SQLITE_DONE)
        return sqlfail(r, src, "reading metadata");
    crypto_generichash_update(&h, (const unsigned char *)"\xff", 1);
    meta = h;
    /* Entries in path order jump between clusters: a private cache keeps
     * each cluster from being decompressed over and over, as planned
     * (dplan) in version 3. */
    smz_cache *cache = r->cache;
    if (!cache && !(cache = tmp = smz_cache_new(0)))
        return fail(r, SMZ_E_NOMEM, "out of memory");
    memset(&plan, 0, sizeof plan);
    plan.cur = SIZE_MAX;
    plan.pool = tmp;
    if (!(chunk = malloc(1 << 20))) {
        rc = fail(r, SMZ_E_NOMEM, "out of memory");
        goto out;
    }
    /* Path order through the cache is right for every archive the packer
     * makes, but entries that alternate between clusters the cache cannot
     * hold together would decode a cluster per entry (4,000 one-byte
     * entries over two 64 MiB clusters: 66 s).  So path order may decode
     * twice what the clusters hold, plus the content itself; past that, the
     * content is copied out in the order it lies, each cluster decoded
     * once, to a temporary file read back in path order. */
    int ok = 1;
    uint64_t all = (uint64_t)scalar(r, "SELECT total(min(max(usize, 0), 1000000000)) FROM clusters",
                                    &ok);
    uint64_t content = 0;
    if (tmp && r->version >= 3) {
        pl = &plan;
        if (!plan_read(r, pl, &content))
            ok = 0;
    } else {
        content = (uint64_t)scalar(r, "SELECT total(min(max(size, 0), 1000000000)) FROM entries", &ok);
    }
    if (!ok) {
        rc = sqlfail(r, sqlite3_errcode(r->db), "counting the archive's contents");
        goto out;
    }
    if (pl && ah) { /* the helper may decode ahead while the pass runs */
        pthread_mutex_lock(&ah->mu);
        plan.ah = ah;
        ah->plan = pl;
        pthread_cond_broadcast(&ah->cv);
        pthread_mutex_unlock(&ah->mu);
    }
    rc = digest_entries(r, cache, pl, &h, chunk, NULL, 2 * all + content + (64u << 20), w);
    if (plan.ah) {
        pthread_mutex_lock(&ah->mu);
        ah->plan = NULL;
        while (ah->busy)
            pthread_cond_wait(&ah->cv, &ah->mu);
        pthread_mutex_unlock(&ah->mu);
        plan.ah = NULL;
    }
    plan_free(&plan); /* its buffers go back to TMP */
    if (rc == SMZ_E_TOOBIG) {
        h = meta;
        begin(r);
        if (!(spill = tmpfile())) {
            rc = fail(r, SMZ_E_IO, "cannot make a temporary file: %s", strerror(errno));
            goto out;
        }
        if ((rc = digest_spill(r, cache, chunk, spill)) == SMZ_OK)
            rc = digest_entries(r, cache, NULL, &h, chunk, spill, 0, w);
    }
    if (rc == SMZ_OK)
        crypto_generichash_final(&h, digest, SMZ_DIGEST_BYTES);
out:
    if (spill)
        fclose(spill);
    free(chunk);
    plan_free(&plan);
    smz_cache_free(tmp);
    return rc;
}

smz_err smz_reader_digest(smz_reader *r, unsigned char digest[SMZ_DIGEST_BYTES])
{
    return digest_with(r, digest, NULL, NULL);
}

void smz_reader_decoded(const smz_reader *r, uint64_t *clusters, uint64_t *bytes)
{
    if (clusters)
        *clusters = r->decodes;
    if (bytes)
        *bytes = r->decoded_bytes;
}

/* ---- check ---- */

typedef struct checker {
    smz_reader *r;
    smz_problem_fn fn;
    void *ctx;
    uint64_t n;
} checker;

static void problem(checker *c, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void problem(checker *c, const char *path, const char *fmt, ...)
{
    char msg[1200];
    va_list ap;
    va_start(ap, fmt);
    smz__vformat_lang(msg, sizeof msg, c->r->lang, fmt, ap);
    va_end(ap);
    c->n++;
    if (c->fn)
        c->fn(c->ctx, path, msg);
}

/* The parts of a split set that cluster CID's pages lie in, into OUT
 * ("004, 015"); returns how many (0: unknown).  It is read again on a
 * connection of its own: R's page cache holds what the check read before,
 * and its cursor pins the page that holds the row, so R would read only
 * some of them.  Every page read for it counts, from the table's root to
 * its last overflow page: the damaged one is among them. */
static size_t cluster_parts(smz_reader *r, int64_t cid, const cinfo *ci, char *out, size_t cap)
{
    smz_reader *r2 = NULL;
    unsigned char *buf = NULL;
    size_t n = 0;
    const char *name = sqlite3_db_filename(r->db, "main");
    smz_split *set;
    if (!name || smz_reader_open(name, NULL, &r2) != SMZ_OK || !(set = smz__split_of(r2->db)) ||
        !(buf = malloc(65536)))
        goto out;
    smz__split_touch_reset(set);
    uint64_t total = ci->stored ? ci->stored : 1;
    for (uint64_t off = 0; off < total;) {
        size_t k = total - off < 65536 ? (size_t)(total - off) : 65536;
        r2->budget = SMZ_STEP_BUDGET;
        if (blob_read(r2, cid, off, buf, k, 1) != SMZ_OK)
            break; /* the pages read so far still tell */
        off += k;
    }
    n = smz__split_touched(set, out, cap);
out:
    free(buf);
    smz_reader_close(r2);
    return n;
}

/* A damaged cluster is reported for each entry stored in it (the first 20;
 * entries has no index on cluster, so only the first 16 damaged clusters
 * are looked up). */
static void cluster_problem(checker *c, int64_t cid, const char *msg, int *lookups)
{
    sqlite3_stmt *q = NULL;
    uint64_t named = 0, more = 0;
    if ((*lookups)++ < 16 &&
        sqlite3_prepare_v2(c->r->db, "SELECT path FROM entries WHERE cluster = ? ORDER BY path", -1, &q,
                           NULL) == SQLITE_OK) {
        sqlite3_bind_int64(q, 1, cid);
        c->r->budget = SMZ_STEP_BUDGET * 10;
        while (sqlite3_step(q) == SQLITE_ROW) {
            const char *p = (const char *)sqlite3_column_text(q, 0);
            if (p && named < 20) {
                problem(c, p, "%s", msg);
                named++;
            } else if (p) {
                more++;
            }
        }
    }
    sqlite3_finalize(q);
    if (more)
        problem(c, "", "%s (and %llu more entries in it)", msg, (unsigned long long)more);
    else if (!named)
        problem(c, "", "%s", msg);
}

static void skipped_row(void *ctx, const char *path, const char *msg)
{
    problem(ctx, path, "%s", msg);
}

/* The metadata rules of docs/FORMAT.md, one problem per broken rule. */
static void check_metadata(checker *c)
{
    smz_reader *r = c->r;
    sqlite3_stmt *s = NULL;
    uint64_t rows = 0;
    char *digest = NULL, *uuid = NULL;
    int src = sqlite3_prepare_v2(r->db, "SELECT key, value FROM metadata ORDER BY key", -1, &s, NULL);
    while (s && (src = sqlite3_step(s)) == SQLITE_ROW) {
        r->budget = SMZ_STEP_BUDGET;
        if (too_many_rows(r, ++rows)) {
            problem(c, "", "the metadata table is damaged (it does not end)");
            break;
        }
        const char *k = (const char *)sqlite3_column_blob(s, 0);
        size_t kn = (size_t)sqlite3_column_bytes(s, 0);
        const unsigned char *v = sqlite3_column_blob(s, 1);
        size_t n = (size_t)sqlite3_column_bytes(s, 1);
        char key[80];
        snprintf(key, sizeof key, "%.*s", (int)(kn < 64 ? kn : 64), k ? k : "");
        if (sqlite3_column_type(s, 0) != SQLITE_TEXT || !k || memchr(k, 0, kn) ||
            !smz_utf8_valid(k, kn)) {
            problem(c, "", "metadata key %s is not UTF-8 text", key);
            continue;
        }
        if (n > SMZ_MAX_META_VALUE) {
            problem(c, "", "metadata %s: value over 1 MiB", key);
            continue;
        }
        if (!strcmp(key, SMZ_META_ILLUSTRATION)) {
            const void *png;
            size_t pn;
            unsigned char *own = NULL;
            smz_err rc = smz__reader_meta_value(r, key, strlen(key), v, n, &png, &pn, &own);
            if (rc == SMZ_E_NOMEM) {
                problem(c, "", "metadata %s: out of memory", key);
                break;
            }
            if (rc != SMZ_OK)
                problem(c, "", "%s", smz_reader_errmsg(r));
            else if (!smz__png_48(png, pn))
                problem(c, "", "metadata %s is not a 48x48 PNG", key);
            free(own);
            continue;
        }
        if (!smz_utf8_valid((const char *)v, n) || (n && memchr(v, 0, n))) {
            problem(c, "", "metadata %s is not UTF-8 text", key);
            continue;
        }
        char *t = strndup(v ? (const char *)v : "", n);
        if (!t) {
            problem(c, "", "metadata %s: out of memory", key);
            break;
        }
        if (!strcmp(key, "Date") && !smz__date_ok(t))
            problem(c, "", "metadata Date is not a date written YYYY-MM-DD: %.64s", t);
        else if (!strcmp(key, "Language") && !smz__lang_list_ok(t))
            problem(c, "", "metadata Language is not ISO 639-3 codes (\"eng\", \"eng,fra\"): %.64s", t);
        else if (!strcmp(key, "Name") && !smz__name_ok(t))
            problem(
                c, "",
                "metadata Name is not a plain word of up to 64 letters, digits, '.', '_' or '-': %.80s",
                t);
        else if (!strcmp(key, "MainPage") && smz_path_problem(t, n))
            problem(c, "", "metadata MainPage is not a valid path: %s",
                    smz_tr(r->lang, smz_path_problem(t, n)));
        if (!strcmp(key, SMZ_META_DIGEST)) {
            free(digest);
            digest = t;
        } else if (!strcmp(key, SMZ_META_UUID)) {
            free(uuid);
            uuid = t;
        } else {
            free(t);
        }
    }
    if (src != SQLITE_DONE && src != SQLITE_ROW)
        problem(c, "", "reading metadata: %s", sqlite3_errmsg(r->db));
    sqlite3_finalize(s);
    char want[37];
    if (digest && !smz__uuid_from_digest_hex(digest, strlen(digest), want))
        problem(c, "", "metadata Digest is not 64 lowercase hex digits");
    else if (digest && !uuid)
        problem(c, "", "no UUID (metadata UUID)");
    else if (digest && strcmp(uuid, want))
        problem(c, "", "metadata UUID %.40s is not the one the Digest gives (%s)", uuid, want);
    free(digest);
    free(uuid);
}

static void entries_problem(void *ctx, const char *msg)
{
    problem(ctx, "", "%s", msg);
}

/* Steps 1 to 1d of smz_reader_check (the file's structure, the entry
 * blocks, the packed and full-text indexes), on C's reader (step 1 only
 * when QUICK): SMZ_OK, or the
 * error that stops the check (R's errmsg says why).  Between steps, C's
 * reader decodes for the digest what it is about to need (AH, may be
 * NULL): a digest whose first entries lie in many clusters waits less. */
/* Step 1, SQLite's own structure (quick_check), on C's reader. */
static smz_err check_quick(checker *c)
{
    smz_reader *r = c->r;
    sqlite3_stmt *s = NULL;
    int src = sqlite3_prepare_v2(r->db, "PRAGMA quick_check(20)", -1, &s, NULL);
    while (s && (src = sqlite3_step(s)) == SQLITE_ROW) {
        const char *m = (const char *)sqlite3_column_text(s, 0);
        if (m && strcmp(m, "ok"))
            problem(c, "", "database structure: %.500s", m);
    }
    sqlite3_finalize(s);
    if (stopped(r))
        return fail(r, SMZ_E_INTERRUPTED, "interrupted");
    if (src != SQLITE_DONE)
        problem(c, "", "database structure: %s", sqlite3_errmsg(r->db));
    return SMZ_OK;
}

static smz_err check_structure(checker *c, ahead *ah, int quick)
{
    smz_reader *r = c->r;
    sqlite3_stmt *s = NULL;
    smz_err rc = SMZ_OK;
    int src;
    begin(r);
    /* 1. SQLite's own structure. */
    if (quick && (rc = check_quick(c)) != SMZ_OK)
        goto out;
    if (ah)
        decode_ahead(r, ah, 1);
    /* 1b. Version 3's entry blocks: each decodes, paths in order across
     * them (a lookup's binary search relies on it). */
    if (r->version >= 3 &&
        smz__entries_check(r->db, entries_problem, c, r->lang, r->errmsg, sizeof r->errmsg) < 0) {
        rc = SMZ_E_CORRUPT;
        goto out;
    }
    if (ah)
        decode_ahead(r, ah, 1);
    /* 1c. Version 3's packed index: it unpacks, holds the search group and
     * nothing else, and SQLite finds its structure sound. */
    if (r->index_packed) {
        smz_err e = smz__reader_index(r);
        if (e == SMZ_E_NOMEM) {
            rc = e;
            goto out;
        }
        if (e != SMZ_OK)
            problem(c, "", "%s", r->errmsg);
        src = e != SMZ_OK ? SQLITE_DONE
                          : sqlite3_prepare_v2(r->db, "PRAGMA " SMZ_PACKED_SCHEMA ".quick_check(20)", -1,
                                               &s, NULL);
        while (s && (src = sqlite3_step(s)) == SQLITE_ROW) {
            const char *m = (const char *)sqlite3_column_text(s, 0);
            if (m && strcmp(m, "ok"))
                problem(c, "", "the packed index's structure: %.500s", m);
        }
        if (src != SQLITE_DONE)
            problem(c, "", "the packed index's structure: %s", sqlite3_errmsg(r->db));
        sqlite3_finalize(s);
        s = NULL;
    }
    /* 1d. The full-text index reads through: every term of both tables
     * and its documents (FTS5 reports a damaged structure or leaf). */
    if (r->has_index && r->index_state >= 0 && smz__reader_index(r) == SMZ_OK) {
        src = smz__reader_vocab(r);
        if (src == SQLITE_OK)
            src = sqlite3_prepare_v2(r->db,
                                     "SELECT (SELECT total(doc) FROM temp.smz_vocab_fts), "
                                     "(SELECT total(doc) FROM temp.smz_vocab_title)",
                                     -1, &s, NULL);
        if (src == SQLITE_OK) {
            smz__reader_begin_long(r, 100);
            src = sqlite3_step(s);
            src = src == SQLITE_ROW ? SQLITE_OK : src;
        }
        if (stopped(r)) {
            rc = fail(r, SMZ_E_INTERRUPTED, "interrupted");
            goto out;
        }
        if (src != SQLITE_OK)
            problem(c, "", "the search index cannot be read: %s", sqlite3_errmsg(r->db));
        sqlite3_finalize(s);
        s = NULL;
        begin(r);
    }
out:
    sqlite3_finalize(s);
    return rc;
}

/* Step 3 of smz_reader_check for entry E: a redirect resolves, content
 * lies inside its cluster.  *KNOWN and *KCI: the cluster last looked up
 * (entries in path order mostly follow each other in a cluster: its row
 * is read once for a run of them); start with *KNOWN 0 (ids start at 1). */
static void check_entry(checker *c, const smz_entry *e, int64_t *known, cinfo *kci)
{
    smz_reader *r = c->r;
    if (e->redirect) {
        smz_entry *t = NULL;
        if (smz_reader_resolve(r, e->path, &t) != SMZ_OK)
            problem(c, e->path, "%s", r->errmsg);
        smz_entry_free(t);
        return;
    }
    const smz_entry_at *at = smz_entry_place(e);
    r->budget = SMZ_STEP_BUDGET;
    if (!*known || at->cluster != *known) {
        *known = 0;
        if (cluster_info(r, at->cluster, kci) != SMZ_OK) {
            problem(c, e->path, "%s", r->errmsg);
            return;
        }
        *known = at->cluster;
    }
    if (at->offset > kci->usize || e->size > kci->usize - at->offset)
        problem(c, e->path, "lies outside cluster %lld", (long long)at->cluster);
}

/* Step 3 of smz_reader_check: every entry's row well-formed (the path
 * rules, a redirect's target: entry_from_row, whose verdict on each
 * malformed row comes here through skipped_row), and check_entry's checks.
 * SMZ_OK, or the error that stops the check. */
static smz_err check_entries(checker *c)
{
    smz_reader *r = c->r;
    smz_iter *it = NULL;
    smz_err rc;
    int64_t known = 0;
    cinfo kci;
    begin(r);
    if ((rc = smz_reader_iter(r, NULL, &it)) != SMZ_OK)
        return rc;
    smz_iter_on_skip(it, skipped_row, c);
    for (;;) {
        const smz_entry *e;
        smz_err er = smz_iter_next(it, &e);
        if (stopped(r)) {
            rc = fail(r, SMZ_E_INTERRUPTED, "interrupted");
            break;
        }
        if (er != SMZ_OK) {
            problem(c, "", "%s", r->errmsg);
            if (er == SMZ_E_NOMEM || er == SMZ_E_CORRUPT)
                break;
            continue;
        }
        if (!e)
            break;
        check_entry(c, e, &known, &kci);
    }
    smz_iter_free(it);
    return rc;
}

/* Problems kept to be told later, in their order: PATH, NUL, MESSAGE, NUL
 * each.  A problem that finds no memory is counted all the same. */
typedef struct kept_problems {
    char *data;
    size_t len, cap;
    uint64_t n;
} kept_problems;

static void keep_problem(void *ctx, const char *path, const char *msg)
{
    kept_problems *k = ctx;
    size_t pn = strlen(path) + 1, mn = strlen(msg) + 1;
    k->n++;
    if (k->len + pn + mn > k->cap) {
        size_t nc = (k->cap ? k->cap * 2 : 4096) + pn + mn;
        char *d = realloc(k->data, nc);
        if (!d)
            return;
        k->data = d;
        k->cap = nc;
    }
    memcpy(k->data + k->len, path, pn);
    memcpy(k->data + k->len + pn, msg, mn);
    k->len += pn + mn;
}

/* Tells C's caller the problems K kept (one "out of memory" standing for
 * those it could not keep, which are counted all the same). */
static void tell_kept(checker *c, const kept_problems *k)
{
    uint64_t told = 0;
    for (size_t at = 0; at < k->len; told++) {
        const char *path = k->data + at, *msg = path + strlen(path) + 1;
        at = (size_t)(msg + strlen(msg) + 1 - k->data);
        c->n++;
        if (c->fn)
            c->fn(c->ctx, path, msg);
    }
    if (told < k->n) { /* counted as the problems they are, told as one */
        c->n += k->n - told - 1;
        problem(c, "", "out of memory");
    }
}

/* Step 3 on the digest's pass over the entries (digest_entries), rather
 * than on a pass of its own: the same rows, in the same order, through the
 * same iterator, so the same problems, kept to be told in step 3's place.
 * They stand for step 3 only when the pass read every row (DONE); a digest
 * stopped early (a damaged cluster) leaves step 3 to run on its own. */
struct entry_watch {
    checker c; /* on the digest's reader, its problems kept in KEPT */
    kept_problems kept;
    int64_t known; /* check_entry's */
    cinfo kci;
    int done;
};

static void watch_start(entry_watch *w)
{
    w->kept.len = 0;
    w->kept.n = 0;
    w->known = 0;
    w->done = 0;
}

static void watch_entry(entry_watch *w, const smz_entry *e)
{
    check_entry(&w->c, e, &w->known, &w->kci);
}

static void watch_end(entry_watch *w)
{
    w->done = 1;
}

static void *watch_checker(entry_watch *w)
{
    return &w->c;
}

/* Steps 1 to 1d, and 3 when there is no digest for it to ride on, on a
 * handle of their own, in a thread, while the calling thread reads the
 * clusters for the digest: a check on two cores. */
typedef struct structure_job {
    checker c; /* on the job's own reader, steps 1 to 1d's problems kept in KEPT */
    kept_problems kept, kept_entries; /* step 3's */
    kept_problems kept_quick;         /* step 1's, when it does not run first */
    int entries;                      /* step 3 runs here */
    int help;                         /* the thread decodes ahead for the digest (AH) */
    int quick;                        /* where step 1 runs (QUICK_*) */
    int only_quick;                   /* the job is step 1 alone, on a handle of its own */
    ahead ah;
    smz_err rc;
    pthread_t th;
    int running;    /* the thread was started and not joined yet */
    atomic_int end; /* set by the thread as it ends */
} structure_job;

/* Where step 1 (quick_check) runs: first on the thread (a whole file); on
 * a third handle in a thread of its own (a file that arrives in order: it
 * reads the pages as they come, while the thread reads the entries and the
 * index, which lie before the clusters, then decodes for the digest), last
 * on the thread when that third one cannot be had; or after the digest, on
 * the caller's thread (a file whose tail came first: the index lies before
 * the tail, after the clusters, and the thread reads it until the last
 * bytes). */
enum { QUICK_FIRST, QUICK_LAST, QUICK_AFTER_DIGEST, QUICK_OWN };

static void *structure_thread(void *arg)
{
    structure_job *j = arg;
    if (j->only_quick) {
        j->rc = check_quick(&j->c);
        atomic_store(&j->end, 1);
        return NULL;
    }
    j->rc = check_structure(&j->c, j->help ? &j->ah : NULL, j->quick == QUICK_FIRST);
    if (j->rc == SMZ_OK && j->entries) {
        checker c3 = {j->c.r, keep_problem, &j->kept_entries, 0};
        j->rc = check_entries(&c3);
    }
    if (j->rc == SMZ_OK && j->quick == QUICK_LAST) {
        checker cq = {j->c.r, keep_problem, &j->kept_quick, 0};
        j->rc = check_quick(&cq);
    }
    if (j->help && j->rc == SMZ_OK) /* not on a handle a step gave up on */
        decode_ahead(j->c.r, &j->ah, 0);
    atomic_store(&j->end, 1);
    return NULL;
}

/* Waits for J's thread, passing it an interrupt of R's (smz_reader_interrupt
 * on R from another thread or a signal handler) while it runs. */
static void structure_join(smz_reader *r, structure_job *j)
{
    if (!j->running)
        return;
    struct timespec pause = {0, 2000000};
    int passed = 0;
    while (!atomic_load(&j->end)) {
        if (!passed && stopped(r)) {
            smz_reader_interrupt(j->c.r);
            passed = 1;
        }
        nanosleep(&pause, NULL);
    }
    pthread_join(j->th, NULL);
    j->running = 0;
}

/* Tells J's thread that no digest needs its help any more (before it is
 * joined: it may be waiting for one). */
static void ahead_close(structure_job *j)
{
    if (!j->help)
        return;
    pthread_mutex_lock(&j->ah.mu);
    j->ah.closed = 1;
    pthread_cond_broadcast(&j->ah.cv);
    pthread_mutex_unlock(&j->ah.mu);
}

smz_err smz_reader_check(smz_reader *r, smz_problem_fn fn, void *ctx, uint64_t *n_problems)
{
    checker c = {r, fn, ctx, 0};
    sqlite3_stmt *s = NULL;
    smz_err rc = SMZ_OK;
    char *main_page = NULL, *stored = NULL, *derr = NULL;
    smz_err drc = SMZ_OK;
    unsigned char dsum[SMZ_DIGEST_BYTES];
    int src;
    begin(r);
    /* 5 rides step 3 (entry_watch) when the archive has a digest. */
    int have_stored = smz_reader_meta(r, SMZ_META_DIGEST, &stored, NULL) == SMZ_OK;
    entry_watch watch;
    memset(&watch, 0, sizeof watch);
    watch.c = (checker){r, keep_problem, &watch.kept, 0};
    begin(r);
    /* Steps 1 to 1d (and 3 without a digest) go to a second handle in a
     * thread when one can be had; else they are run here, each in its turn. */
    structure_job job, qjob; /* QJOB: step 1 alone (QUICK_OWN) */
    memset(&job, 0, sizeof job);
    memset(&qjob, 0, sizeof qjob);
    atomic_init(&job.end, 0);
    atomic_init(&qjob.end, 0);
    job.entries = !have_stored;
    const char *name = sqlite3_db_filename(r->db, "main");
    /* Only the same file: one put in its place since R opened it is not
     * the archive R reads (r->dev and r->ino are of the file R holds open). */
    if (name && name[0] && open_reader(name, NULL, r->lang, r->arrival, &job.c.r) == SMZ_OK &&
        job.c.r->dev == r->dev && job.c.r->ino == r->ino && job.c.r->file_size == r->file_size &&
        job.c.r->file_mtime == r->file_mtime) {
        job.c.fn = keep_problem;
        job.c.ctx = &job.kept;
        if (have_stored && pthread_mutex_init(&job.ah.mu, NULL) == 0) {
            if (pthread_cond_init(&job.ah.cv, NULL) == 0)
                job.help = 1;
            else
                pthread_mutex_destroy(&job.ah.mu);
        }
        /* A file that arrives: step 1 reads pages of the whole file in
         * SQLite's order of tables, not the file's, and would hold the
         * other steps back until the last byte (docs/CATALOG.md,
         * "Throughput"). */
        job.quick = !r->arrival                                     ? QUICK_FIRST
                    : smz__arrival_has_tail(r->arrival) && job.help ? QUICK_AFTER_DIGEST
                                                                    : QUICK_LAST;
        if (job.quick == QUICK_LAST &&
            open_reader(name, NULL, r->lang, r->arrival, &qjob.c.r) == SMZ_OK) {
            qjob.c.fn = keep_problem;
            qjob.c.ctx = &qjob.kept;
            qjob.only_quick = 1;
            qjob.running = pthread_create(&qjob.th, NULL, structure_thread, &qjob) == 0;
            if (qjob.running)
                job.quick = QUICK_OWN;
        }
        job.running = pthread_create(&job.th, NULL, structure_thread, &job) == 0;
    }
    if (!job.running && job.help) {
        pthread_cond_destroy(&job.ah.cv);
        pthread_mutex_destroy(&job.ah.mu);
        job.help = 0;
    }
    if (!job.running) {
        if (qjob.running) /* all of it here, step 1 too */
            smz_reader_interrupt(qjob.c.r);
        structure_join(r, &qjob);
        smz_reader_close(qjob.c.r);
        qjob.c.r = NULL;
        smz_reader_close(job.c.r);
        job.c.r = NULL;
        if ((rc = check_structure(&c, NULL, 1)) != SMZ_OK)
            goto out;
    }
    /* 5, computed here and reported in its place: the content digest
     * reads every entry's bytes, decoding the clusters they lie in whole
     * with every check step 2 makes of them, so step 2 then decodes only
     * the clusters it did not (one pass over the data instead of two);
     * and its pass over the entries makes step 3's checks on the way. */
    if (have_stored) {
        r->sound_on = 1;
        r->n_sound = 0;
        drc = digest_with(r, dsum, &watch, job.help ? &job.ah : NULL);
        ahead_close(&job);
        r->sound_on = 0;
        if (drc != SMZ_OK && !(derr = strdup(r->errmsg))) {
            rc = fail(r, SMZ_E_NOMEM, "out of memory");
            goto out;
        }
        if (stopped(r)) {
            rc = fail(r, SMZ_E_INTERRUPTED, "interrupted");
            goto out;
        }
        begin(r);
    }
    if (job.running && job.quick == QUICK_AFTER_DIGEST) {
        checker cq = {r, keep_problem, &job.kept_quick, 0};
        if ((rc = check_quick(&cq)) != SMZ_OK)
            goto out;
        begin(r);
    }
    /* Steps 1 to 1d's problems come first. */
    if (qjob.c.r) {
        structure_join(r, &qjob);
        tell_kept(&c, &qjob.kept);
        if (qjob.rc != SMZ_OK) {
            rc = fail(r, qjob.rc, "%s", qjob.c.r->errmsg);
            goto out;
        }
    }
    if (job.c.r) {
        structure_join(r, &job);
        tell_kept(&c, &job.kept_quick);
        tell_kept(&c, &job.kept);
        if (job.rc != SMZ_OK) {
            rc = fail(r, job.rc, "%s", job.c.r->errmsg);
            goto out;
        }
        if (stopped(r)) {
            rc = fail(r, SMZ_E_INTERRUPTED, "interrupted");
            goto out;
        }
    }
    /* 2. Every cluster: checksum, one frame, declared size. */
    src = sqlite3_prepare_v2(r->db, "SELECT id FROM clusters ORDER BY id", -1, &s, NULL);
    uint64_t rows = 0;
    int lookups = 0;
    /* A split set: the parts a damaged cluster lies in are named
     * (cluster_parts). */
    smz_split *set = r->split ? smz__split_of(r->db) : NULL;
    while (s && (src = sqlite3_step(s)) == SQLITE_ROW) {
        if (too_many_rows(r, ++rows)) {
            problem(&c, "", "the cluster table is damaged (it does not end)");
            break;
        }
        int64_t cid = sqlite3_column_int64(s, 0);
        cinfo ci;
        smz_cbuf *b = NULL;
        unsigned char *raw = NULL;
        if (stopped(r)) {
            rc = fail(r, SMZ_E_INTERRUPTED, "interrupted");
            goto out;
        }
        r->budget = SMZ_STEP_BUDGET;
        smz_err e = cluster_info(r, cid, &ci);
        if (e == SMZ_OK && is_sound(r, cid))
            ; /* read whole and found sound by the digest */
        else if (e == SMZ_OK)
            e = ci.kind == SMZ_CLUSTER_ZSTD ? decompress(r, NULL, NULL, cid, &ci, ci.usize, 1, &b)
                : ci.stored > SMZ_MAX_CLUSTER_USIZE ? verify_stored_stream(r, cid, &ci)
                                                    : load_stored(r, cid, &ci, &raw);
        /* The frame must carry its content checksum (docs/FORMAT.md). */
        unsigned char fh[ZSTD_FRAMEHEADERSIZE_MAX];
        ZSTD_frameHeader zfh;
        size_t fhn = e == SMZ_OK && ci.stored < sizeof fh ? (size_t)ci.stored : sizeof fh;
        if (e == SMZ_OK && ci.kind == SMZ_CLUSTER_ZSTD &&
            (blob_read(r, cid, 0, fh, fhn, 0) != SMZ_OK || ZSTD_getFrameHeader(&zfh, fh, fhn) != 0 ||
             !zfh.checksumFlag))
            e = fail(r, SMZ_E_CORRUPT, "cluster %lld: the zstd frame has no content checksum",
                     (long long)cid);
        if (e != SMZ_OK) {
            char msg[sizeof r->errmsg + 120], parts[80];
            size_t np = set ? cluster_parts(r, cid, &ci, parts, sizeof parts) : 0;
            if (np)
                snprintf(msg, sizeof msg,
                         smz_ntr(r->lang, "%s; it lies in part %s of %u",
                                 "%s; it lies in parts %s of %u", (unsigned long)np),
                         r->errmsg, parts, smz_split_parts(set));
            else
                snprintf(msg, sizeof msg, "%s", r->errmsg);
            cluster_problem(&c, cid, msg, &lookups);
        }
        smz__cbuf_release(NULL, b);
        free(raw);
        if (e == SMZ_E_NOMEM) {
            rc = e;
            goto out;
        }
    }
    if (src != SQLITE_DONE && src != SQLITE_ROW)
        problem(&c, "", "listing clusters: %s", sqlite3_errmsg(r->db));
    sqlite3_finalize(s);
    s = NULL;
    /* 3. Every entry (step 3's problems, kept by the digest's pass or by
     * the thread when one of them ran it, come after step 2's). */
    if (watch.done) {
        tell_kept(&c, &watch.kept);
    } else if (job.c.r && job.entries) {
        tell_kept(&c, &job.kept_entries);
    } else if ((rc = check_entries(&c)) != SMZ_OK) {
        goto out;
    }
    /* 4. The metadata, and the main page. */
    check_metadata(&c);
    if (smz_reader_meta(r, "MainPage", &main_page, NULL) == SMZ_OK) {
        smz_entry *t = NULL;
        if (smz_reader_resolve(r, main_page, &t) != SMZ_OK)
            problem(&c, main_page, "main page: %s", r->errmsg);
        smz_entry_free(t);
    } else {
        problem(&c, "", "no main page (metadata MainPage)");
    }
    /* 5. The content digest (computed before step 2). */
    if (!have_stored) {
        problem(&c, "", "no content digest (metadata Digest)");
    } else {
        char hex[SMZ_DIGEST_BYTES * 2 + 1];
        if (drc != SMZ_OK) {
            problem(&c, "", "content digest not computable: %s", derr);
        } else {
            sodium_bin2hex(hex, sizeof hex, dsum, sizeof dsum);
            if (strcmp(hex, stored))
                problem(&c, "", "content digest mismatch: stored %.64s, computed %s", stored, hex);
        }
    }
    rc = SMZ_OK;
    /* Problems found after an interrupt may be its echoes (a query cut
     * short): the check did not run to its end, and says so. */
    if (stopped(r))
        rc = fail(r, SMZ_E_INTERRUPTED, "interrupted");
    /* So are those found after the transfer of an arriving file stopped:
     * the reads that failed, not the archive's. */
    else if (r->arrival && smz__arrival_stopped(r->arrival))
        rc = fail(r, SMZ_E_IO, "%s: the transfer stopped", sqlite3_db_filename(r->db, "main"));
out:
    ahead_close(&job);
    if (job.running)
        smz_reader_interrupt(job.c.r); /* the check stopped before it */
    if (qjob.running)
        smz_reader_interrupt(qjob.c.r);
    structure_join(r, &job);
    structure_join(r, &qjob);
    smz_reader_close(qjob.c.r);
    free(qjob.kept.data);
    if (job.help) {
        pthread_cond_destroy(&job.ah.cv);
        pthread_mutex_destroy(&job.ah.mu);
    }
    smz_reader_close(job.c.r);
    free(job.kept_quick.data);
    free(job.kept.data);
    free(job.kept_entries.data);
    free(watch.kept.data);
    sqlite3_finalize(s);
    free(main_page);
    free(stored);
    free(derr);
    r->n_sound = 0;
    *n_problems = c.n;
    return rc;
}

smz_err smz_reader_random(smz_reader *r, uint64_t seed, smz_entry **out)
{
    begin(r);
    *out = NULL;
    int ok = 1;
    if (r->n_articles < 0) {
        r->n_articles =
            scalar(r,
                   "SELECT count(*) FROM entries e JOIN mimetypes m ON m.id = e.mime "
                   "WHERE (m.name = 'text/html' OR m.name LIKE 'text/html;%') AND e.redirect IS NULL",
                   &ok);
        if (!ok)
            return sqlfail(r, sqlite3_errcode(r->db), "counting articles");
    }
    if (r->n_articles <= 0)
        return fail(r, SMZ_E_NOTFOUND, "the archive has no HTML articles");
    sqlite3_stmt *s = NULL;
    int src = sqlite3_prepare_v2(
        r->db,
        "SELECT 0, e.path, e.title, m.name, e.redirect, e.size, e.cluster, "
        "e.offset FROM entries e JOIN mimetypes m ON m.id = e.mime "
        "WHERE (m.name = 'text/html' OR m.name LIKE 'text/html;%') AND e.redirect IS NULL LIMIT 1 OFFSET ?",
        -1, &s, NULL);
    if (src != SQLITE_OK)
        return sqlfail(r, src, "picking an article");
    /* A generated page (the index) is no article: the next one is taken
     * instead, a few times at most (the packer generates one). */
    smz_err rc = SMZ_E_NOTFOUND;
    for (int64_t k = 0; k < r->n_articles && k < 16; k++) {
        sqlite3_reset(s);
        sqlite3_bind_int64(s, 1, (int64_t)((seed + (uint64_t)k) % (uint64_t)r->n_articles));
        src = sqlite3_step(s);
        if (src != SQLITE_ROW) {
            rc = src == SQLITE_DONE ? fail(r, SMZ_E_NOTFOUND, "the archive has no HTML articles")
                                    : sqlfail(r, src, "picking an article");
            break;
        }
        uint64_t unused;
        int gen = 0;
        if ((rc = entry_from_row(r, s, out)) != SMZ_OK ||
            (rc = generated_pages(r, (*out)->path, &unused, &gen)) != SMZ_OK || !gen)
            break;
        smz_entry_free(*out);
        *out = NULL;
        rc = fail(r, SMZ_E_NOTFOUND, "the archive has no HTML articles");
    }
    if (rc != SMZ_OK) {
        smz_entry_free(*out);
        *out = NULL;
    }
    sqlite3_finalize(s);
    return rc;
}
