/* Recomputes the checksum column of clusters, as the archive's format
 * version has it (2: BLAKE2b-128 of the data; 3: an XXH3-64 per 32 KiB
 * chunk), after a test has rewritten their data on purpose: the damage a
 * test plants (a forged entry, a frame cut short) must then be found by what
 * it is about (the digest, zstd), not by the checksum.  In C, on the
 * library's own functions (lib/format.c), so that the tests need no xxHash
 * for Python.
 *
 * usage: rechecks ARCHIVE [CLUSTER_ID...]   (none: every cluster) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include "format.h"

/* Rewrites the checks of cluster CID in DB (format VERSION). */
static int recheck(sqlite3 *db, int version, sqlite3_int64 cid)
{
    sqlite3_stmt *s = NULL;
    unsigned char *checks = NULL;
    int ok = 0;
    if (sqlite3_prepare_v2(db, "SELECT data FROM clusters WHERE id = ?", -1, &s, NULL) != SQLITE_OK)
        goto out;
    sqlite3_bind_int64(s, 1, cid);
    if (sqlite3_step(s) != SQLITE_ROW)
        goto out;
    const unsigned char *data = sqlite3_column_blob(s, 0);
    size_t n = (size_t)sqlite3_column_bytes(s, 0);
    size_t len = version >= 3 ? (size_t)smz__checks_size(n) : SMZ_CHECKSUM_BYTES;
    if (!(checks = malloc(len + 1)))
        goto out;
    if (version >= 3)
        smz__checks_put(data, n, 0, checks);
    else
        smz__cluster_checksum(data, n, checks);
    sqlite3_finalize(s);
    s = NULL;
    if (sqlite3_prepare_v2(db, "UPDATE clusters SET checksum = ? WHERE id = ?", -1, &s, NULL) !=
        SQLITE_OK)
        goto out;
    sqlite3_bind_blob(s, 1, checks, (int)len, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, cid);
    ok = sqlite3_step(s) == SQLITE_DONE;
out:
    sqlite3_finalize(s);
    free(checks);
    return ok;
}

int main(int argc, char **argv)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *s = NULL;
    int version = 0, bad = 0;
    if (argc < 2) {
        fprintf(stderr, "usage: rechecks ARCHIVE [CLUSTER_ID...]\n");
        return 2;
    }
    if (sqlite3_open(argv[1], &db) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, NULL) != SQLITE_OK ||
        sqlite3_step(s) != SQLITE_ROW) {
        fprintf(stderr, "rechecks: %s: %s\n", argv[1], sqlite3_errmsg(db));
        return 1;
    }
    version = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    if (argc > 2) {
        for (int i = 2; i < argc; i++)
            bad += !recheck(db, version, strtoll(argv[i], NULL, 10));
    } else if (sqlite3_prepare_v2(db, "SELECT id FROM clusters", -1, &s, NULL) == SQLITE_OK) {
        sqlite3_int64 ids[4096];
        int n = 0;
        while (n < 4096 && sqlite3_step(s) == SQLITE_ROW)
            ids[n++] = sqlite3_column_int64(s, 0);
        sqlite3_finalize(s);
        for (int i = 0; i < n; i++)
            bad += !recheck(db, version, ids[i]);
    }
    sqlite3_close(db);
    if (bad)
        fprintf(stderr, "rechecks: %s: %d clusters could not be rewritten\n", argv[1], bad);
    return bad ? 1 : 0;
}
