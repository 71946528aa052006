/* Version 3's entry table: the rows of `entries` (path, title, MIME type,
 * place, redirect) kept in zstd-compressed blocks of consecutive paths in
 * the table entry_blocks (docs/FORMAT.md, "Entry blocks"), and read back
 * through a virtual table of the same name and columns, so that every query
 * of the reader and the search module reads both versions alike.
 *
 * The writer fills an ordinary `entries` table while it packs, then
 * smz__entries_pack turns it into blocks; a reader registers the virtual
 * table with smz__entries_register.  Every byte of a block is validated as
 * it is decoded: a damaged block is SQLITE_CORRUPT with a message, never a
 * read outside the block. */
#ifndef SMZ_LIB_ENTRIES_H
#define SMZ_LIB_ENTRIES_H

#include <stddef.h>
#include <stdint.h>
#include <sqlite3.h>
#include "smz/error.h"

/* Caps a reader enforces on a block before allocating. */
#define SMZ_ENTRY_BLOCK_MAX ((size_t)1 << 20)   /* its decoded bytes */
#define SMZ_ENTRY_BLOCK_ENTRIES 65536           /* entries in one block */
#define SMZ_ENTRY_BLOCK_PATHS ((size_t)4 << 20) /* its paths, written out */
/* What the writer puts in a block: about this many decoded bytes
 * (docs/FORMAT-NOTES.md, entry blocks, says why), at most 4096 entries and
 * 1 MiB of paths. */
#define SMZ_ENTRY_BLOCK_TARGET ((size_t)32 << 10)

/* Turns the `entries` table of the writer's database DB into entry_blocks
 * (compressed at zstd LEVEL; the table made, empty, by smz__schema_create)
 * and drops it; inside the writer's transaction.
 * SMZ_OK, or an error with a message in ERR. */
smz_err smz__entries_pack(sqlite3 *db, int level, int lang, char *err, size_t errlen);

/* Makes `entries` on the reader's connection DB the virtual table over its
 * entry_blocks (an eponymous one: it needs no row in the schema).  The
 * connection owns what it allocates. */
smz_err smz__entries_register(sqlite3 *db, const int *lang, char *err, size_t errlen);

/* smz check's look at the blocks themselves: consecutive ids from 1, each
 * block decodes, its first path is the column's, paths strictly increase
 * through all blocks.  Calls FN(CTX, message) for each problem (at most a
 * few per kind) and returns how many there were; -1 when it could not
 * read the table at all (message in ERR). */
typedef void (*smz_entries_problem_fn)(void *ctx, const char *msg);
int64_t smz__entries_check(sqlite3 *db, smz_entries_problem_fn fn, void *ctx, int lang, char *err,
                           size_t errlen);

/* Where the entries lie, straight from the blocks, for the digest's plan
 * (lib/reader.c, dplan): FN(CTX, CLUSTER, SIZE) for each entry in path
 * order, CLUSTER and SIZE -1 when the entry has none (a redirect); FN
 * returns nonzero to stop (SQLITE_INTERRUPT then).  SQLITE_OK, or the
 * SQLite code of what stopped it (no message: the caller reads the table
 * through the virtual table to tell why). */
typedef int (*smz_entries_place_fn)(void *ctx, int64_t cluster, int64_t size);
int smz__entries_places(sqlite3 *db, smz_entries_place_fn fn, void *ctx);

/* A block's decoded bytes IN (LEN) with each offset written instead as its
 * difference (zigzag) from the end of the entry before it in the block
 * with the same cluster and MIME type (FORWARD 1), or back (FORWARD 0).
 * Entries added to a cluster move every later offset, and the packer
 * places the entries of one type in path order, so in this form a block
 * that gained entries differs from the old one only where they are: the
 * form update deltas take (docs/UPDATES.md).  *OUT is malloc'd; with
 * FORWARD 0 it is at most MAX bytes.  SMZ_E_CORRUPT when IN is not laid out
 * as a block, SMZ_E_NOMEM.  Nothing else is checked. */
smz_err smz__entries_offsets(const unsigned char *in, size_t len, int forward, size_t max,
                             unsigned char **out, size_t *out_len);

#endif
