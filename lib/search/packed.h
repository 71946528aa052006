/* Version 3's packed index (docs/FORMAT.md, "The packed index"): the search
 * group of a small archive (search_text, search_fts, search_title and
 * FTS5's shadow tables) as one SQLite database, serialized, compressed with
 * zstd, in the one row of table search_packed.  It saves the pages each of
 * those eleven tables takes at least, and compresses the index itself: the
 * samples' search group and its schema rows took 37 pages of 512 bytes, and
 * take 18.  A reader decompresses it into memory and attaches it, so the
 * search queries run unchanged. */
#ifndef SMZ_SEARCH_PACKED_H
#define SMZ_SEARCH_PACKED_H

#include <sqlite3.h>
#include "smz/error.h"

/* The largest packed index, decompressed (a reader holds it in memory per
 * handle): an index larger than this stays in tables. */
#define SMZ_PACKED_INDEX_MAX ((size_t)1 << 20)

/* The schema name a packed index is attached under. */
#define SMZ_PACKED_SCHEMA "smz_index"

/* Writer: when the search group of DB's main schema (committed, with no
 * statement open on it) holds at most SMZ_PACKED_INDEX_MAX bytes, moves it
 * into the empty table search_packed (made by smz__schema_create,
 * SMZ_SCHEMA_INDEX_OR_PACKED; compressed at zstd LEVEL) in a transaction of
 * its own and sets *PACKED; else leaves both and *PACKED 0. */
smz_err smz__index_pack(sqlite3 *db, int level, int *packed, char *err, size_t errlen);

/* The packed index's decoded bytes for the search group of DB's main
 * schema: *OUT (malloc'd) and *OUT_LEN, or *OUT NULL when the group is too
 * large to be packed.  smz__index_pack compresses these. */
smz_err smz__index_serialize(sqlite3 *db, unsigned char **out, size_t *out_len, char *err,
                             size_t errlen);

/* Decompresses search_packed of schema FROM (main, or an attached archive)
 * and attaches it to DB, read-only, as schema AS: every check on the way
 * (one row, sizes, the zstd frame, the SQLite header) is SMZ_E_CORRUPT with
 * a message.  DB may be hardened: the attach limit and query_only are lifted
 * for the ATTACH alone and put back.  The caller pins AS's schema. */
smz_err smz__index_unpack(sqlite3 *db, const char *from, const char *as, char *err, size_t errlen);

#endif
