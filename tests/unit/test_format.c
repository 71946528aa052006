/* The schema a reader pins archives to (smz__schema_expected, built from the
 * schema's text) must be exactly what the writer's statements leave in a
 * fresh database, FTS5's own shadow tables included: if SQLite ever writes
 * them differently, this fails before any archive is refused. */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "entries.h"
#include "format.h"

static int same(const char *a, const char *b)
{
    return (!a && !b) || (a && b && !strcmp(a, b));
}

static void compare(int version, int with_index, int stem)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *s = NULL;
    smz_schema_row *want = NULL;
    size_t nwant = 0, i = 0;
    char err[256] = "";
    int ok = sqlite3_open(":memory:", &db) == SQLITE_OK &&
             smz__db_register(db, err, sizeof err) == SMZ_OK &&
             smz__schema_create(db, version, with_index, stem, err, sizeof err) == SMZ_OK &&
             (version < 3 || smz__entries_pack(db, 3, 0, err, sizeof err) == SMZ_OK) &&
             smz__schema_expected(version, with_index, stem, &want, &nwant) == SMZ_OK &&
             sqlite3_prepare_v2(db, "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY name",
                                -1, &s, NULL) == SQLITE_OK;
    CHECK(ok, "schema v%d index=%d stem=%d: set up (%s)", version, with_index, stem, err);
    while (ok && sqlite3_step(s) == SQLITE_ROW) {
        const char *v[4];
        for (int c = 0; c < 4; c++)
            v[c] = (const char *)sqlite3_column_text(s, c);
        int match = i < nwant && same(v[0], want[i].type) && same(v[1], want[i].name) &&
                    same(v[2], want[i].tbl) && same(v[3], want[i].sql);
        CHECK(match, "schema v%d index=%d stem=%d: row %zu %s %s", version, with_index, stem, i, v[0],
              v[1]);
        i++;
    }
    CHECK(ok && i == nwant, "schema v%d index=%d stem=%d: %zu rows, %zu expected", version, with_index,
          stem, i, nwant);
    sqlite3_finalize(s);
    sqlite3_close(db);
    smz__schema_rows_free(want, nwant);
}

/* Version 3's cluster checks (docs/FORMAT.md, clusters): 8 bytes per 32 KiB
 * chunk, chunk K's XXH3-64 seeded with K, big-endian. */
static void checks(void)
{
    CHECK(smz__checks_size(0) == 0 && smz__checks_size(1) == 8 && smz__checks_size(SMZ_CHUNK) == 8 &&
              smz__checks_size(SMZ_CHUNK + 1) == 16 && smz__checks_size(1000000000) == 30518 * 8,
          "8 bytes of checks per started chunk of 32,768 bytes");
    const unsigned char *empty = (const unsigned char *)"";
    CHECK(smz__checks_bad(empty, empty, 0, 0) == -1, "no chunk, no check to fail");
    size_t n = 3 * SMZ_CHUNK + 100;
    unsigned char *d = malloc(n), *ck = malloc(smz__checks_size(n)), *ck2 = malloc(8);
    if (!d || !ck || !ck2)
        return;
    for (size_t i = 0; i < n; i++)
        d[i] = (unsigned char)(i * 2654435761u >> 13);
    smz__checks_put(d, n, 0, ck);
    CHECK(smz__checks_bad(ck, d, n, 0) == -1, "the checks of a cluster's data hold");
    /* The same chunks' XXH3-64 as Python's xxhash module gives them
     * (xxhash.xxh3_64(chunk, seed=k)): the vector a second implementation
     * of the format can test against. */
    static const unsigned char want[32] = {0xdc, 0xc5, 0xe2, 0x57, 0x3e, 0x71, 0x3a, 0xf8,
                                           0xad, 0x07, 0x4c, 0x58, 0x6d, 0x5f, 0x4a, 0x27,
                                           0x51, 0xc6, 0x11, 0xe7, 0xe9, 0x02, 0x7e, 0x52,
                                           0xa4, 0x25, 0xda, 0x97, 0xf8, 0x55, 0xc3, 0x3d};
    CHECK(!memcmp(ck, want, sizeof want), "chunk k's check is XXH3-64 seeded with k, big-endian");
    CHECK(smz__checks_bad(ck + 16, d + 2 * SMZ_CHUNK, n - 2 * SMZ_CHUNK, 2) == -1,
          "... and from a later chunk on, read alone");
    smz__checks_put(d + SMZ_CHUNK, SMZ_CHUNK, 1, ck2);
    CHECK(!memcmp(ck2, ck + 8, 8), "a chunk's check is the same made alone");
    CHECK(smz__checks_bad(ck + 8, d + SMZ_CHUNK, SMZ_CHUNK, 0) == 0,
          "the seed is the chunk's number: moved, it fails");
    d[2 * SMZ_CHUNK + 5] ^= 1;
    CHECK(smz__checks_bad(ck, d, n, 0) == 2, "one flipped bit is found, in its chunk");
    free(d);
    free(ck);
    free(ck2);
}

int main(void)
{
    for (int v = 2; v <= 3; v++) {
        compare(v, 0, 0);
        compare(v, 1, 0);
        compare(v, 1, 1);
    }
    checks();
    return CHECK_DONE();
}
