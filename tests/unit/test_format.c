/* The schema a reader pins archives to (smz__schema_expected, built from the
 * schema's text) must be exactly what the writer's statements leave in a
 * fresh database, FTS5's own shadow tables included: if SQLite ever writes
 * them differently, this fails before any archive is refused. */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "format.h"

static int same(const char *a, const char *b)
{
    return (!a && !b) || (a && b && !strcmp(a, b));
}

static void compare(int with_index, int stem)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *s = NULL;
    smz_schema_row *want = NULL;
    size_t nwant = 0, i = 0;
    char err[256] = "";
    int ok = sqlite3_open(":memory:", &db) == SQLITE_OK &&
             smz__db_register(db, err, sizeof err) == SMZ_OK &&
             smz__schema_create(db, with_index, stem, err, sizeof err) == SMZ_OK &&
             smz__schema_expected(with_index, stem, &want, &nwant) == SMZ_OK &&
             sqlite3_prepare_v2(db, "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY name",
                                -1, &s, NULL) == SQLITE_OK;
    CHECK(ok, "schema index=%d stem=%d: set up (%s)", with_index, stem, err);
    while (ok && sqlite3_step(s) == SQLITE_ROW) {
        const char *v[4];
        for (int c = 0; c < 4; c++)
            v[c] = (const char *)sqlite3_column_text(s, c);
        int match = i < nwant && same(v[0], want[i].type) && same(v[1], want[i].name) &&
                    same(v[2], want[i].tbl) && same(v[3], want[i].sql);
        CHECK(match, "schema index=%d stem=%d: row %zu %s %s", with_index, stem, i, v[0], v[1]);
        i++;
    }
    CHECK(ok && i == nwant, "schema index=%d stem=%d: %zu rows, %zu expected", with_index, stem, i,
          nwant);
    sqlite3_finalize(s);
    sqlite3_close(db);
    smz__schema_rows_free(want, nwant);
}

int main(void)
{
    compare(0, 0);
    compare(1, 0);
    compare(1, 1);
    return CHECK_DONE();
}
