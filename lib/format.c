/* The .smz schema and the SQLite settings shared by the writer and reader.
 * The reader compares an archive's schema with the rows these same statements
 * leave (smz__schema_expected), so the text here is part of the format:
 * changing it changes what readers accept (bump SMZ_FORMAT_VERSION). */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
/* xxHash as a header alone (Debian's libxxhash-dev): nothing to link, and the
 * WebAssembly build compiles the same code. */
#define XXH_INLINE_ALL
#include <xxhash.h>
#include "format.h"
#include "smz/i18n.h"
#include "text/utf8.h"

const char *const smz__schema_core[] = {
    "CREATE TABLE metadata(key TEXT PRIMARY KEY NOT NULL, value BLOB NOT NULL) WITHOUT ROWID",
    "CREATE TABLE mimetypes(id INTEGER PRIMARY KEY, name TEXT NOT NULL)",
    "CREATE TABLE clusters(id INTEGER PRIMARY KEY, kind INTEGER NOT NULL, "
    "usize INTEGER NOT NULL, checksum BLOB NOT NULL, data BLOB NOT NULL)",
    "CREATE TABLE entries(path TEXT PRIMARY KEY NOT NULL, "
    "title TEXT NOT NULL, mime INTEGER, cluster INTEGER, offset INTEGER, size INTEGER, "
    "redirect TEXT) WITHOUT ROWID",
    NULL,
};

/* Version 3 keeps the entries in compressed blocks (lib/entries.c) in
 * place of the table entries, which the writer fills while it packs. */
const char *const smz__schema_entry_blocks =
    "CREATE TABLE entry_blocks(id INTEGER PRIMARY KEY, first TEXT NOT NULL, data BLOB NOT NULL)";

const char *const smz__schema_search[] = {
    "CREATE TABLE search_text(id INTEGER PRIMARY KEY, path TEXT NOT NULL)",
    "CREATE VIRTUAL TABLE search_fts USING fts5(text, content='', detail=none, "
    "tokenize='%s')",
    "CREATE VIRTUAL TABLE search_title USING fts5(title, content='', tokenize='%s')",
    NULL,
};

const char *const smz__schema_packed =
    "CREATE TABLE search_packed(id INTEGER PRIMARY KEY, usize INTEGER NOT NULL, data BLOB NOT NULL)";

/* What FTS5 creates beside each full-text table (%s: its name), as this
 * SQLite writes it; tests/unit/test_format.c checks these and the whole
 * expected schema against a database smz__schema_create made. */
static const char *const fts5_shadow[] = {
    "CREATE TABLE '%s_config'(k PRIMARY KEY, v) WITHOUT ROWID",
    "CREATE TABLE '%s_data'(id INTEGER PRIMARY KEY, block BLOB)",
    "CREATE TABLE '%s_docsize'(id INTEGER PRIMARY KEY, sz BLOB)",
    "CREATE TABLE '%s_idx'(segid, term, pgno, PRIMARY KEY(segid, term)) WITHOUT ROWID",
    NULL,
};
static const char *const fts5_shadow_suffix[] = {"_config", "_data", "_docsize", "_idx"};

void smz__schema_rows_free(smz_schema_row *rows, size_t n)
{
    for (size_t i = 0; rows && i < n; i++) {
        free(rows[i].type);
        free(rows[i].name);
        free(rows[i].tbl);
        free(rows[i].sql);
    }
    free(rows);
}

static int row_set(smz_schema_row *r, const char *type, const char *name, size_t name_len,
                   const char *sql)
{
    r->type = strdup(type);
    r->name = strndup(name, name_len);
    r->tbl = strndup(name, name_len);
    r->sql = sql ? strdup(sql) : NULL;
    return r->type && r->name && r->tbl && (!sql || r->sql);
}

static int row_cmp(const void *a, const void *b)
{
    return strcmp(((const smz_schema_row *)a)->name, ((const smz_schema_row *)b)->name);
}

smz_err smz__schema_expected(int version, int with_index, int stem, smz_schema_row **rows, size_t *n)
{
    enum { MAX_ROWS = 32 };
    smz_schema_row *r = calloc(MAX_ROWS, sizeof *r);
    char sql[512], name[64];
    size_t k = 0;
    *rows = NULL;
    *n = 0;
    if (!r)
        return SMZ_E_NOMEM;
    /* "CREATE TABLE name(...": the table's name is the word before '('. */
    for (size_t i = 0; with_index != SMZ_SCHEMA_SEARCH_ONLY && smz__schema_core[i]; i++, k++) {
        const char *spec = smz__schema_core[i];
        if (version >= 3 && !strncmp(spec, "CREATE TABLE entries(", 21))
            spec = smz__schema_entry_blocks;
        const char *s = spec + strlen("CREATE TABLE "), *e = strchr(s, '(');
        assert(e && k < MAX_ROWS);
        if (!row_set(&r[k], "table", s, (size_t)(e - s), spec))
            goto nomem;
    }
    if (with_index == SMZ_SCHEMA_PACKED) {
        const char *s = smz__schema_packed + strlen("CREATE TABLE "), *e = strchr(s, '(');
        if (!row_set(&r[k++], "table", s, (size_t)(e - s), smz__schema_packed))
            goto nomem;
    }
    int search = with_index == SMZ_SCHEMA_INDEX || with_index == SMZ_SCHEMA_SEARCH_ONLY;
    for (size_t i = 0; search && smz__schema_search[i]; i++, k++) {
        const char *spec = smz__schema_search[i];
        int virt = !strncmp(spec, "CREATE VIRTUAL TABLE ", 21);
        const char *s = spec + (virt ? 21 : 13), *e = strpbrk(s, " (");
        assert(e && (size_t)(e - s) < sizeof name && k < MAX_ROWS);
        int len = snprintf(sql, sizeof sql, spec, stem ? "smz porter" : "smz");
        assert(len > 0 && (size_t)len < sizeof sql);
        if (!row_set(&r[k], "table", s, (size_t)(e - s), sql))
            goto nomem;
        for (size_t j = 0; virt && fts5_shadow[j]; j++) {
            memcpy(name, s, (size_t)(e - s));
            name[e - s] = 0;
            snprintf(sql, sizeof sql, fts5_shadow[j], name);
            k++;
            assert(k < MAX_ROWS);
            size_t nl = strlen(name);
            snprintf(name + nl, sizeof name - nl, "%s", fts5_shadow_suffix[j]);
            if (!row_set(&r[k], "table", name, strlen(name), sql))
                goto nomem;
        }
    }
    qsort(r, k, sizeof *r, row_cmp);
    *rows = r;
    *n = k;
    return SMZ_OK;
nomem:
    smz__schema_rows_free(r, MAX_ROWS);
    return SMZ_E_NOMEM;
}

smz_err smz__sqlite_err(sqlite3 *db, int rc, const char *what, char *err, size_t errlen)
{
    int prim = rc & 0xff;
    smz_err e;
    switch (prim) {
    case SQLITE_NOMEM: e = SMZ_E_NOMEM; break;
    case SQLITE_FULL: e = SMZ_E_NOSPACE; break;
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_BUSY:
    case SQLITE_LOCKED: e = SMZ_E_IO; break;
    case SQLITE_NOTADB: e = SMZ_E_NOTARCHIVE; break;
    case SQLITE_TOOBIG: e = SMZ_E_TOOBIG; break;
    case SQLITE_INTERRUPT: e = SMZ_E_INTERRUPTED; break;
    case SQLITE_CORRUPT:
    case SQLITE_SCHEMA:
    case SQLITE_MISMATCH:
    case SQLITE_RANGE:
    case SQLITE_FORMAT: e = SMZ_E_CORRUPT; break;
    default: e = SMZ_E_CORRUPT; break;
    }
    if (prim == SQLITE_IOERR && (rc == SQLITE_IOERR_WRITE || rc == SQLITE_IOERR_FSYNC))
        e = SMZ_E_IO;
    if (err && errlen)
        snprintf(err, errlen, "%s: %s", what, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    return e;
}

static smz_err exec_schema(sqlite3 *db, const char *sql, char *err, size_t errlen)
{
    int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? SMZ_OK : smz__sqlite_err(db, rc, "creating the schema", err, errlen);
}

smz_err smz__schema_create(sqlite3 *db, int version, int with_index, int stem, char *err, size_t errlen)
{
    char sql[512];
    smz_err rc;
    const char *clusters = NULL;
    /* The tables in the order their rows are to lie in the file (VACUUM
     * copies them in the order they were made): the clusters, nearly all
     * of an archive's bytes, last, so that one who reads the file from its
     * start (a copy, a download) has the entries and the index first
     * (docs/FORMAT.md, "Layout"). */
    for (size_t i = 0; with_index != SMZ_SCHEMA_SEARCH_ONLY && smz__schema_core[i]; i++) {
        if (!strncmp(smz__schema_core[i], "CREATE TABLE clusters(", 22)) {
            clusters = smz__schema_core[i];
            continue;
        }
        if ((rc = exec_schema(db, smz__schema_core[i], err, errlen)) != SMZ_OK)
            return rc;
    }
    if (version >= 3 && with_index != SMZ_SCHEMA_SEARCH_ONLY &&
        (rc = exec_schema(db, smz__schema_entry_blocks, err, errlen)) != SMZ_OK)
        return rc;
    if ((with_index == SMZ_SCHEMA_PACKED || with_index == SMZ_SCHEMA_INDEX_OR_PACKED) &&
        (rc = exec_schema(db, smz__schema_packed, err, errlen)) != SMZ_OK)
        return rc;
    for (size_t i = 0;
         with_index != SMZ_SCHEMA_NO_INDEX && with_index != SMZ_SCHEMA_PACKED && smz__schema_search[i];
         i++) {
        int n = snprintf(sql, sizeof sql, smz__schema_search[i], stem ? "smz porter" : "smz");
        if (n < 0 || (size_t)n >= sizeof sql)
            return SMZ_E_INTERNAL;
        int src = sqlite3_exec(db, sql, NULL, NULL, NULL);
        if (src != SQLITE_OK)
            return smz__sqlite_err(db, src, "creating the search schema", err, errlen);
    }
    return clusters ? exec_schema(db, clusters, err, errlen) : SMZ_OK;
}

smz_err smz__db_harden(sqlite3 *db, char *err, size_t errlen)
{
    /* sqlite.org/security.html, "Untrusted SQLite Database Files". */
    int ok = 1;
    ok &= sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL) == SQLITE_OK;
    ok &= sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL) == SQLITE_OK;
    ok &= sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, NULL) == SQLITE_OK;
    ok &= sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_VIEW, 0, NULL) == SQLITE_OK;
    ok &= sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, NULL) == SQLITE_OK;
    ok &= sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_FKEY, 0, NULL) == SQLITE_OK;
    if (!ok) {
        snprintf(err, errlen, "cannot configure SQLite defensively");
        return SMZ_E_INTERNAL;
    }
    sqlite3_limit(db, SQLITE_LIMIT_LENGTH, (int)SMZ_MAX_STORED_CLUSTER);
    sqlite3_limit(db, SQLITE_LIMIT_SQL_LENGTH, 100000);
    sqlite3_limit(db, SQLITE_LIMIT_COLUMN, 100);
    sqlite3_limit(db, SQLITE_LIMIT_EXPR_DEPTH, 100);
    sqlite3_limit(db, SQLITE_LIMIT_COMPOUND_SELECT, 3);
    sqlite3_limit(db, SQLITE_LIMIT_VDBE_OP, 25000);
    sqlite3_limit(db, SQLITE_LIMIT_FUNCTION_ARG, 8);
    sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, 0);
    sqlite3_limit(db, SQLITE_LIMIT_LIKE_PATTERN_LENGTH, 100);
    sqlite3_limit(db, SQLITE_LIMIT_VARIABLE_NUMBER, 20);
    sqlite3_limit(db, SQLITE_LIMIT_TRIGGER_DEPTH, 1);
    const char *pragmas = "PRAGMA cell_size_check=ON; PRAGMA mmap_size=0; PRAGMA query_only=ON; "
                          "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-8192;";
    int rc = sqlite3_exec(db, pragmas, NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        return smz__sqlite_err(db, rc, "configuring the connection", err, errlen);
    return SMZ_OK;
}

void smz__zstd_setup(ZSTD_CCtx *cc, int level, int checksum, size_t n)
{
    ZSTD_CCtx_reset(cc, ZSTD_reset_session_and_parameters);
    ZSTD_CCtx_setParameter(cc, ZSTD_c_compressionLevel, level);
    ZSTD_CCtx_setParameter(cc, ZSTD_c_checksumFlag, checksum);
    ZSTD_CCtx_setParameter(cc, ZSTD_c_contentSizeFlag, 1);
    /* Level 19 and up sizes its match finder's chain table for a source over
     * 4 MiB at 2^24 entries (64 MB; docs/FORMAT-NOTES.md, "Where a pack's
     * time and memory go"): 2^23, what a 4 MiB source gets, costs
     * postgresql-doc 2 KB in 2 MB and takes a level-19 context from 81 to
     * 49 MB, two of them a pack's largest memory. */
    if (level >= 19 && n > ((size_t)4 << 20))
        ZSTD_CCtx_setParameter(cc, ZSTD_c_chainLog, 23);
}

size_t smz__zstd_frame(ZSTD_CCtx *cc, int level, int checksum, void *dst, size_t cap, const void *src,
                       size_t n)
{
    smz__zstd_setup(cc, level, checksum, n);
    return ZSTD_compress2(cc, dst, cap, src, n);
}

void smz__cluster_checksum(const void *data, size_t len, unsigned char out[SMZ_CHECKSUM_BYTES])
{
    crypto_generichash(out, SMZ_CHECKSUM_BYTES, data, len, NULL, 0);
}

uint64_t smz__checks_size(uint64_t stored)
{
    return (stored + SMZ_CHUNK - 1) / SMZ_CHUNK * SMZ_CHUNK_CHECK;
}

/* Piece K's check: XXH3-64 seeded with K, so that pieces swapped within a
 * cluster fail, big-endian. */
static void check_of(const unsigned char *p, size_t n, uint64_t k, unsigned char out[SMZ_CHUNK_CHECK])
{
    uint64_t h = XXH3_64bits_withSeed(p, n, k);
    for (int i = 0; i < SMZ_CHUNK_CHECK; i++)
        out[i] = (unsigned char)(h >> (56 - 8 * i));
}

void smz__checks_put(const unsigned char *data, size_t len, uint64_t first, unsigned char *out)
{
    for (size_t off = 0, k = 0; off < len; off += SMZ_CHUNK, k++) {
        size_t n = len - off < SMZ_CHUNK ? len - off : SMZ_CHUNK;
        check_of(data + off, n, first + k, out + k * SMZ_CHUNK_CHECK);
    }
}

int64_t smz__checks_bad(const unsigned char *checks, const unsigned char *data, size_t len,
                        uint64_t first)
{
    unsigned char c[SMZ_CHUNK_CHECK];
    for (size_t off = 0, k = 0; off < len; off += SMZ_CHUNK, k++) {
        size_t n = len - off < SMZ_CHUNK ? len - off : SMZ_CHUNK;
        check_of(data + off, n, first + k, c);
        if (memcmp(c, checks + k * SMZ_CHUNK_CHECK, SMZ_CHUNK_CHECK) != 0)
            return (int64_t)(first + k);
    }
    return -1;
}

void smz__uuid_from_digest(const unsigned char digest[32], char out[37])
{
    unsigned char d[16];
    memcpy(d, digest, 16);
    d[6] = (unsigned char)((d[6] & 0x0f) | 0x80);
    d[8] = (unsigned char)((d[8] & 0x3f) | 0x80);
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", d[0], d[1],
             d[2], d[3], d[4], d[5], d[6], d[7], d[8], d[9], d[10], d[11], d[12], d[13], d[14], d[15]);
}

int smz__uuid_from_digest_hex(const char *hex, size_t n, char out[37])
{
    unsigned char d[32];
    if (n != 64)
        return 0;
    for (size_t i = 0; i < 64; i++) {
        char c = hex[i];
        int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (v < 0)
            return 0;
        if (i % 2 == 0)
            d[i / 2] = (unsigned char)(v << 4);
        else
            d[i / 2] |= (unsigned char)v;
    }
    smz__uuid_from_digest(d, out);
    return 1;
}

/* ---- metadata values (docs/FORMAT.md, metadata) ---- */

static int is_alnum(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

int smz__name_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 64 || s[0] == '.')
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!is_alnum((unsigned char)s[i]) && !strchr("._-", s[i]))
            return 0;
    return 1;
}

int smz__png_48(const void *v, size_t n)
{
    static const unsigned char head[24] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13,
                                           'I',  'H', 'D', 'R', 0,    0,    0,    48,   0, 0, 0, 48};
    return v && n >= 33 && !memcmp(v, head, sizeof head);
}

const char *smz_path_problem(const char *p, size_t n)
{
    if (n == 0)
        return SMZ_N_("empty path");
    if (n > SMZ_MAX_PATH)
        return SMZ_N_("path over 4096 bytes");
    if (memchr(p, 0, n))
        return SMZ_N_("NUL byte in the path");
    if (p[0] == '/')
        return SMZ_N_("absolute path (leading '/')");
    if (p[n - 1] == '/')
        return SMZ_N_("path ends with '/'");
    for (size_t i = 0; i < n;) {
        const char *seg = p + i, *end = memchr(seg, '/', n - i);
        size_t len = end ? (size_t)(end - seg) : n - i;
        if (len == 0)
            return SMZ_N_("empty segment ('//')");
        if (len == 1 && seg[0] == '.')
            return SMZ_N_("'.' segment");
        if (len == 2 && seg[0] == '.' && seg[1] == '.')
            return SMZ_N_("'..' segment");
        i += len + 1;
    }
    const unsigned char *s = (const unsigned char *)p;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        i += smz__utf8_next(s + i, n - i, &cp);
        if (cp == SMZ_UTF8_INVALID)
            return SMZ_N_("not UTF-8");
        /* C0, DEL and C1: Unicode's control characters (category Cc). */
        if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
            return SMZ_N_("control character in the path");
    }
    return NULL;
}

int smz_path_valid(const char *p)
{
    return smz_path_problem(p, strlen(p)) == NULL;
}
