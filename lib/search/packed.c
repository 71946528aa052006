/* Version 3's packed index: see packed.h and docs/FORMAT.md. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>
#include "format.h"
#include "search/packed.h"

/* The search group's tables that hold rows (the two FTS5 tables are
 * virtual: their rows are in their shadow tables). */
static const char *const group[] = {
    "search_text",        "search_fts_data",      "search_fts_idx",
    "search_fts_docsize", "search_fts_config",    "search_title_data",
    "search_title_idx",   "search_title_docsize", "search_title_config",
};
#define N_GROUP (sizeof group / sizeof group[0])

static smz_err errf(char *err, size_t errlen, smz_err e, const char *what, const char *detail)
{
    snprintf(err, errlen, "%s%s%s", what, detail ? ": " : "", detail ? detail : "");
    return e;
}

/* Copies table T's rows from DB's schema main into the scratch DST. */
static smz_err copy_rows(sqlite3 *db, sqlite3 *dst, const char *t, char *err, size_t errlen)
{
    sqlite3_stmt *in = NULL, *out = NULL;
    char sql[256], *p;
    smz_err rc = SMZ_OK;
    int src, ncol;
    snprintf(sql, sizeof sql, "DELETE FROM %s", t);
    if ((src = sqlite3_exec(dst, sql, NULL, NULL, NULL)) != SQLITE_OK)
        return smz__sqlite_err(dst, src, "packing the index", err, errlen);
    snprintf(sql, sizeof sql, "SELECT * FROM main.%s", t);
    if ((src = sqlite3_prepare_v2(db, sql, -1, &in, NULL)) != SQLITE_OK)
        return smz__sqlite_err(db, src, "packing the index", err, errlen);
    ncol = sqlite3_column_count(in);
    p = sql + snprintf(sql, sizeof sql, "INSERT INTO %s VALUES(", t);
    for (int i = 0; i < ncol && i < 8; i++)
        p += snprintf(p, 4, i ? ",?" : "?");
    snprintf(p, 2, ")");
    if ((src = sqlite3_prepare_v2(dst, sql, -1, &out, NULL)) != SQLITE_OK) {
        rc = smz__sqlite_err(dst, src, "packing the index", err, errlen);
        goto out;
    }
    while ((src = sqlite3_step(in)) == SQLITE_ROW) {
        /* A value SQLite ran out of memory fetching or copying must not go
         * in as NULL: the index would differ, silently. */
        for (int i = 0; i < ncol && src == SQLITE_ROW; i++) {
            sqlite3_value *v = sqlite3_column_value(in, i);
            if (sqlite3_errcode(db) == SQLITE_NOMEM)
                src = SQLITE_NOMEM;
            else if ((src = sqlite3_bind_value(out, i + 1, v)) == SQLITE_OK)
                src = SQLITE_ROW;
        }
        if (src != SQLITE_ROW || (src = sqlite3_step(out)) != SQLITE_DONE) {
            rc = smz__sqlite_err(dst, src, "packing the index", err, errlen);
            goto out;
        }
        sqlite3_reset(out);
    }
    if (src != SQLITE_DONE)
        rc = smz__sqlite_err(db, src, "packing the index", err, errlen);
out:
    sqlite3_finalize(in);
    sqlite3_finalize(out);
    return rc;
}

smz_err smz__index_serialize(sqlite3 *db, unsigned char **out, size_t *out_len, char *err, size_t errlen)
{
    sqlite3 *dst = NULL;
    sqlite3_stmt *s = NULL;
    unsigned char *ser = NULL;
    sqlite3_int64 ser_len = 0;
    smz_err rc = SMZ_OK;
    int src, stem = 0;
    double bytes = 0;
    *out = NULL;
    *out_len = 0;
    /* Small enough?  The FTS5 data is nearly all of an index. */
    src = sqlite3_prepare_v2(db,
                             "SELECT (SELECT total(length(block)) FROM main.search_fts_data) + "
                             "(SELECT total(length(block)) FROM main.search_title_data) + "
                             "(SELECT total(length(path)) FROM main.search_text), "
                             "(SELECT sql LIKE '%tokenize=''smz porter''%' FROM main.sqlite_schema "
                             "WHERE name = 'search_fts')",
                             -1, &s, NULL);
    if (src == SQLITE_OK && (src = sqlite3_step(s)) == SQLITE_ROW) {
        bytes = sqlite3_column_double(s, 0);
        stem = sqlite3_column_int(s, 1);
        src = SQLITE_OK;
    }
    sqlite3_finalize(s);
    if (src != SQLITE_OK)
        return smz__sqlite_err(db, src, "packing the index", err, errlen);
    if (bytes > (double)SMZ_PACKED_INDEX_MAX * 3 / 4)
        return SMZ_OK;
    /* The group, rebuilt in a database of its own in memory. */
    if ((src = sqlite3_open_v2(":memory:", &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL)) !=
        SQLITE_OK) {
        rc = errf(err, errlen, SMZ_E_NOMEM, "packing the index", "out of memory");
        goto out;
    }
    if ((rc = smz__db_register(dst, err, errlen)) != SMZ_OK)
        goto out;
    if ((src = sqlite3_exec(dst, "PRAGMA page_size=4096; PRAGMA journal_mode=OFF", NULL, NULL, NULL)) !=
        SQLITE_OK) {
        rc = smz__sqlite_err(dst, src, "packing the index", err, errlen);
        goto out;
    }
    if ((rc = smz__schema_create(dst, 3, SMZ_SCHEMA_SEARCH_ONLY, stem, err, errlen)) != SMZ_OK)
        goto out;
    for (size_t i = 0; i < N_GROUP && rc == SMZ_OK; i++)
        rc = copy_rows(db, dst, group[i], err, errlen);
    if (rc != SMZ_OK)
        goto out;
    /* No VACUUM: the few pages the rows FTS5 made at creation freed are
     * reused by the copies, and a VACUUM under memory pressure lays pages
     * out otherwise (SQLite tolerates some allocation failures inside it),
     * which would make the archive depend on them. */
    if (!(ser = sqlite3_serialize(dst, "main", &ser_len, 0))) {
        rc = errf(err, errlen, SMZ_E_NOMEM, "packing the index", "out of memory");
        goto out;
    }
    if (ser_len <= 0 || (size_t)ser_len > SMZ_PACKED_INDEX_MAX)
        goto out; /* stays in tables */
    if (!(*out = malloc((size_t)ser_len))) {
        rc = errf(err, errlen, SMZ_E_NOMEM, "packing the index", "out of memory");
        goto out;
    }
    memcpy(*out, ser, (size_t)ser_len);
    *out_len = (size_t)ser_len;
out:
    sqlite3_free(ser);
    sqlite3_close(dst);
    return rc;
}

smz_err smz__index_pack(sqlite3 *db, int level, int *packed, char *err, size_t errlen)
{
    sqlite3_stmt *s = NULL;
    unsigned char *ser = NULL, *z = NULL;
    size_t ser_len = 0;
    smz_err rc;
    int src;
    *packed = 0;
    if ((rc = smz__index_serialize(db, &ser, &ser_len, err, errlen)) != SMZ_OK || !ser)
        return rc;
    size_t cap = ZSTD_compressBound(ser_len), zn;
    ZSTD_CCtx *cc = ZSTD_createCCtx();
    if (!cc || !(z = malloc(cap))) {
        ZSTD_freeCCtx(cc);
        rc = errf(err, errlen, SMZ_E_NOMEM, "packing the index", "out of memory");
        goto out;
    }
    zn = smz__zstd_frame(cc, level, 1, z, cap, ser, ser_len);
    ZSTD_freeCCtx(cc);
    if (ZSTD_isError(zn)) {
        rc = errf(err, errlen, SMZ_E_INTERNAL, "packing the index", ZSTD_getErrorName(zn));
        goto out;
    }
    /* Into the archive, in place of the tables. */
    if ((src = sqlite3_exec(db, "BEGIN", NULL, NULL, NULL)) != SQLITE_OK ||
        (src = sqlite3_prepare_v2(db, "INSERT INTO search_packed(id, usize, data) VALUES(1, ?, ?)", -1,
                                  &s, NULL)) != SQLITE_OK) {
        rc = smz__sqlite_err(db, src, "packing the index", err, errlen);
        goto undo;
    }
    sqlite3_bind_int64(s, 1, (sqlite3_int64)ser_len);
    sqlite3_bind_blob(s, 2, z, (int)zn, SQLITE_STATIC);
    if ((src = sqlite3_step(s)) != SQLITE_DONE ||
        (src = sqlite3_exec(db, "DROP TABLE search_fts; DROP TABLE search_title; DROP TABLE search_text",
                            NULL, NULL, NULL)) != SQLITE_OK ||
        (src = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL)) != SQLITE_OK) {
        rc = smz__sqlite_err(db, src, "packing the index", err, errlen);
        goto undo;
    }
    *packed = 1;
    goto out;
undo:
    sqlite3_finalize(s);
    s = NULL;
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
out:
    sqlite3_finalize(s);
    free(ser);
    free(z);
    return rc;
}

/* sqlite3_deserialize attaches the bytes by closing the schema AS and
 * opening it again; when that open fails (out of memory), SQLite 3.40's
 * attachFunc leaves the slot with neither a b-tree nor a schema, which
 * DETACH skips (it looks only at slots with a b-tree) and the next
 * statement's schema load dereferences.  A slot in that state has no file
 * name (sqlite3_db_filename is NULL where a memory database's is "").  The
 * open is tried again, empty, and the slot detached: SQLITE_OK when the
 * connection is sound again (or was never broken).  When memory stays out
 * through every try, the slot stays broken: SQLite 3.41 and later open the
 * new b-tree before they close the old one, and need none of this. */
static int repair_slot(sqlite3 *db, const char *as)
{
    char sql[64];
    int src = SQLITE_OK;
    if (sqlite3_db_filename(db, as))
        return SQLITE_OK;
    for (int i = 0; i < 8 && !sqlite3_db_filename(db, as); i++)
        src = sqlite3_deserialize(db, as, NULL, 0, 0, 0);
    if (!sqlite3_db_filename(db, as))
        return src == SQLITE_OK ? SQLITE_NOMEM : src;
    snprintf(sql, sizeof sql, "DETACH \"%s\"", as);
    return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

smz_err smz__index_unpack(sqlite3 *db, const char *from, const char *as, char *err, size_t errlen)
{
    sqlite3_stmt *s = NULL;
    unsigned char *buf = NULL;
    smz_err rc = SMZ_OK;
    char sql[128];
    int src, rows = 0;
    sqlite3_int64 usize = 0;
    snprintf(sql, sizeof sql, "SELECT usize, data FROM \"%s\".search_packed LIMIT 2", from);
    if ((src = sqlite3_prepare_v2(db, sql, -1, &s, NULL)) != SQLITE_OK)
        return smz__sqlite_err(db, src, "reading the packed index", err, errlen);
    while ((src = sqlite3_step(s)) == SQLITE_ROW && rc == SMZ_OK) {
        if (++rows > 1) {
            rc = errf(err, errlen, SMZ_E_CORRUPT, "the packed index has more than one row", NULL);
            break;
        }
        const void *data = sqlite3_column_blob(s, 1);
        size_t n = (size_t)sqlite3_column_bytes(s, 1);
        usize = sqlite3_column_int64(s, 0);
        if (sqlite3_column_type(s, 0) != SQLITE_INTEGER || sqlite3_column_type(s, 1) != SQLITE_BLOB ||
            usize < 512 || (uint64_t)usize > SMZ_PACKED_INDEX_MAX) {
            rc = errf(err, errlen, SMZ_E_CORRUPT, "the packed index's sizes are out of bounds", NULL);
            break;
        }
        if (ZSTD_getFrameContentSize(data, n) != (unsigned long long)usize ||
            ZSTD_findFrameCompressedSize(data, n) != n) {
            rc = errf(err, errlen, SMZ_E_CORRUPT, "the packed index is not one zstd frame of its size",
                      NULL);
            break;
        }
        if (!(buf = sqlite3_malloc64((sqlite3_uint64)usize))) {
            rc = errf(err, errlen, SMZ_E_NOMEM, "out of memory", NULL);
            break;
        }
        size_t got = ZSTD_decompress(buf, (size_t)usize, data, n);
        if (ZSTD_isError(got) || got != (size_t)usize) {
            rc = errf(err, errlen, SMZ_E_CORRUPT, "the packed index does not decompress",
                      ZSTD_isError(got) ? ZSTD_getErrorName(got) : "short");
            break;
        }
    }
    if (rc == SMZ_OK && src != SQLITE_DONE && src != SQLITE_ROW)
        rc = smz__sqlite_err(db, src, "reading the packed index", err, errlen);
    else if (rc == SMZ_OK && rows == 0)
        rc = errf(err, errlen, SMZ_E_CORRUPT, "the packed index is empty", NULL);
    sqlite3_finalize(s);
    s = NULL;
    if (rc != SMZ_OK)
        goto out;
    /* An SQLite database whose header agrees with its size. */
    unsigned page = (unsigned)buf[16] << 8 | buf[17];
    page = page == 1 ? 65536 : page;
    uint32_t pages = (uint32_t)buf[28] << 24 | (uint32_t)buf[29] << 16 | (uint32_t)buf[30] << 8 |
                     buf[31];
    if (memcmp(buf, "SQLite format 3", 16) || page < 512 || (page & (page - 1)) ||
        (uint64_t)pages * page != (uint64_t)usize) {
        rc = errf(err, errlen, SMZ_E_CORRUPT, "the packed index is not an SQLite database of its size",
                  NULL);
        goto out;
    }
    int limit = sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, -1), query_only = 0;
    if ((src = sqlite3_prepare_v2(db, "PRAGMA query_only", -1, &s, NULL)) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW)
        query_only = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    s = NULL;
    sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, limit + 1);
    snprintf(sql, sizeof sql, "PRAGMA query_only=OFF; ATTACH ':memory:' AS \"%s\"", as);
    src = sqlite3_exec(db, sql, NULL, NULL, NULL);
    sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, limit);
    int back = sqlite3_exec(db, query_only ? "PRAGMA query_only=ON" : "PRAGMA query_only=OFF", NULL,
                            NULL, NULL);
    if (src == SQLITE_OK)
        src = back;
    if (src != SQLITE_OK) {
        rc = smz__sqlite_err(db, src, "attaching the packed index", err, errlen);
        goto out;
    }
    src = sqlite3_deserialize(db, as, buf, usize, usize,
                              SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_READONLY);
    buf = NULL; /* SQLite's now, even on failure */
    if (src != SQLITE_OK) {
        /* The bytes passed every check above: what fails is memory (the
         * code itself is SQLITE_ERROR, the step's own is lost). */
        rc = errf(err, errlen, SMZ_E_NOMEM, "attaching the packed index", "out of memory");
        repair_slot(db, as);
    }
out:
    sqlite3_free(buf);
    return rc;
}
