/* The .smz schema and the SQLite settings shared by the writer and reader.
 * The reader compares an archive's schema with a reference copy made from
 * these same statements, so the text here is part of the format: changing it
 * changes what readers accept (bump SMZ_FORMAT_VERSION). */
#include <stdio.h>
#include <string.h>
#include <sodium.h>
#include "format.h"

const char *const smz_schema_core[] = {
    "CREATE TABLE metadata(key TEXT PRIMARY KEY NOT NULL, value BLOB NOT NULL) WITHOUT ROWID",
    "CREATE TABLE mimetypes(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)",
    "CREATE TABLE clusters(id INTEGER PRIMARY KEY, kind INTEGER NOT NULL, "
    "usize INTEGER NOT NULL, checksum BLOB NOT NULL, data BLOB NOT NULL)",
    "CREATE TABLE entries(path TEXT PRIMARY KEY NOT NULL, "
    "title TEXT NOT NULL, mime INTEGER, cluster INTEGER, offset INTEGER, size INTEGER, "
    "redirect TEXT) WITHOUT ROWID",
    NULL,
};

const char *const smz_schema_search[] = {
    "CREATE TABLE search_text(id INTEGER PRIMARY KEY, path TEXT NOT NULL)",
    "CREATE VIRTUAL TABLE search_fts USING fts5(text, content='', detail=none, "
    "tokenize='%s')",
    "CREATE VIRTUAL TABLE search_title USING fts5(title, content='', tokenize='%s')",
    NULL,
};

smz_err smz_sqlite_err(sqlite3 *db, int rc, const char *what, char *err, size_t errlen)
{
    int prim = rc & 0xff;
    smz_err e;
    switch (prim) {
    case SQLITE_NOMEM: e = SMZ_E_NOMEM; break;
    case SQLITE_FULL: e = SMZ_E_NOSPACE; break;
    case SQLITE_IOERR: case SQLITE_CANTOPEN: case SQLITE_READONLY: case SQLITE_PERM:
    case SQLITE_BUSY: case SQLITE_LOCKED:
        e = SMZ_E_IO; break;
    case SQLITE_NOTADB: e = SMZ_E_NOTARCHIVE; break;
    case SQLITE_TOOBIG: e = SMZ_E_TOOBIG; break;
    case SQLITE_INTERRUPT: e = SMZ_E_INTERRUPTED; break;
    case SQLITE_CORRUPT: case SQLITE_SCHEMA: case SQLITE_MISMATCH: case SQLITE_RANGE:
    case SQLITE_FORMAT:
        e = SMZ_E_CORRUPT; break;
    default: e = SMZ_E_CORRUPT; break;
    }
    if (prim == SQLITE_IOERR && (rc == SQLITE_IOERR_WRITE || rc == SQLITE_IOERR_FSYNC))
        e = SMZ_E_IO;
    if (err && errlen)
        snprintf(err, errlen, "%s: %s", what, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    return e;
}

smz_err smz_schema_create(sqlite3 *db, int with_index, int stem, char *err, size_t errlen)
{
    char sql[512];
    int rc;
    for (size_t i = 0; smz_schema_core[i]; i++) {
        rc = sqlite3_exec(db, smz_schema_core[i], NULL, NULL, NULL);
        if (rc != SQLITE_OK)
            return smz_sqlite_err(db, rc, "creating the schema", err, errlen);
    }
    if (!with_index)
        return SMZ_OK;
    for (size_t i = 0; smz_schema_search[i]; i++) {
        int n = snprintf(sql, sizeof sql, smz_schema_search[i], stem ? "smz porter" : "smz");
        if (n < 0 || (size_t)n >= sizeof sql)
            return SMZ_E_INTERNAL;
        rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
        if (rc != SQLITE_OK)
            return smz_sqlite_err(db, rc, "creating the search schema", err, errlen);
    }
    return SMZ_OK;
}

smz_err smz_db_harden(sqlite3 *db, char *err, size_t errlen)
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
    const char *pragmas =
        "PRAGMA cell_size_check=ON; PRAGMA mmap_size=0; PRAGMA query_only=ON; "
        "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-8192;";
    int rc = sqlite3_exec(db, pragmas, NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        return smz_sqlite_err(db, rc, "configuring the connection", err, errlen);
    return SMZ_OK;
}

void smz_cluster_checksum(const void *data, size_t len, unsigned char out[SMZ_CHECKSUM_BYTES])
{
    crypto_generichash(out, SMZ_CHECKSUM_BYTES, data, len, NULL, 0);
}
