/* libFuzzer target: version 3's entry blocks (lib/entries.c).  The input's
 * first byte chooses the shape, the rest is a block's decoded bytes: one
 * block, or the same bytes cut in two blocks, filed under their decoded
 * first path or under a path of the input's own.  Each block is compressed
 * (level 1) into an in-memory entry_blocks table, and every way the reader
 * reaches the virtual table runs on it: a full scan, lookups of each path
 * seen and of paths around them, ranges, ORDER BY, smz check's walk; and
 * the offsets' form of update deltas (smz__entries_offsets), there and back.  Any
 * crash, leak or sanitizer report is a bug; SQLITE_CORRUPT is the answer to
 * a damaged block. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include <zstd.h>
#include "entries.h"
#include "format.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void ignore(void *ctx, const char *msg)
{
    (void)ctx;
    (void)msg;
}

static void put_block(sqlite3_stmt *ins, int64_t id, const char *first, int first_len,
                      const uint8_t *raw, size_t len)
{
    size_t cap = ZSTD_compressBound(len);
    void *z = malloc(cap ? cap : 1);
    if (!z)
        return;
    size_t n = ZSTD_compress(z, cap, raw, len, 1);
    if (!ZSTD_isError(n)) {
        sqlite3_bind_int64(ins, 1, id);
        sqlite3_bind_text(ins, 2, first, first_len, SQLITE_STATIC);
        sqlite3_bind_blob(ins, 3, z, (int)n, SQLITE_STATIC);
        sqlite3_step(ins);
        sqlite3_reset(ins);
    }
    free(z);
}

static void run(sqlite3 *db, const char *sql, const char *arg, int arg_len)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
        return;
    if (arg)
        sqlite3_bind_text(s, 1, arg, arg_len, SQLITE_TRANSIENT);
    for (int n = 0; n < 100000 && sqlite3_step(s) == SQLITE_ROW; n++)
        for (int c = 0; c < sqlite3_column_count(s); c++)
            (void)sqlite3_column_text(s, c);
    sqlite3_finalize(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > (1 << 20))
        return 0;
    uint8_t shape = data[0];
    data++, size--;
    /* The offsets' form update deltas take, both ways: refused or bounded,
     * and a block that goes there comes back as it was. */
    unsigned char *t = NULL, *back = NULL;
    size_t tl = 0, bl = 0;
    if (smz__entries_offsets(data, size, 1, 0, &t, &tl) == SMZ_OK &&
        (smz__entries_offsets(t, tl, 0, size, &back, &bl) != SMZ_OK || bl != size ||
         memcmp(back, data, size)))
        abort();
    free(t);
    free(back);
    back = NULL;
    if (smz__entries_offsets(data, size, 0, 1 << 16, &back, &bl) == SMZ_OK && bl > (1 << 16))
        abort();
    free(back);
    sqlite3 *db = NULL;
    sqlite3_stmt *ins = NULL, *paths = NULL;
    char err[256];
    if (sqlite3_open(":memory:", &db) != SQLITE_OK ||
        sqlite3_exec(db, smz__schema_entry_blocks, NULL, NULL, NULL) != SQLITE_OK ||
        smz__entries_register(db, NULL, err, sizeof err) != SMZ_OK ||
        sqlite3_prepare_v2(db, "INSERT INTO entry_blocks(id, first, data) VALUES(?, ?, ?)", -1, &ins,
                           NULL) != SQLITE_OK)
        goto out;
    /* The first path as the writer would file it: the bytes after the
     * count and the two varints, when they are short ones. */
    const char *first = size >= 3 ? (const char *)data + 3 : "";
    int first_len = size >= 3 && data[2] < 128 && (size_t)data[2] <= size - 3 ? data[2] : 0;
    if (shape & 2) { /* filed under a path of its own */
        first = "m";
        first_len = 1;
    }
    if (shape & 1 && size > 2) {
        put_block(ins, 1, first, first_len, data, size / 2);
        put_block(ins, 2, "n", 1, data + size / 2, size - size / 2);
    } else {
        put_block(ins, shape & 4 ? 3 : 1, first, first_len, data, size);
    }
    run(db, "SELECT count(*), total(size), max(length(path)) FROM entries", NULL, 0);
    run(db, "SELECT path FROM entries ORDER BY path", NULL, 0);
    run(db, "SELECT * FROM entries WHERE path >= 'a' AND path < 'n'", NULL, 0);
    run(db, "SELECT * FROM entries WHERE path = ''", NULL, 0);
    run(db, "SELECT * FROM entries WHERE path = 5", NULL, 0);
    if (sqlite3_prepare_v2(db, "SELECT path FROM entries LIMIT 50", -1, &paths, NULL) == SQLITE_OK) {
        while (sqlite3_step(paths) == SQLITE_ROW) {
            const char *p = (const char *)sqlite3_column_text(paths, 0);
            int n = sqlite3_column_bytes(paths, 0);
            if (!p)
                continue;
            run(db, "SELECT * FROM entries WHERE path = ?1", p, n);
            run(db, "SELECT path FROM entries WHERE path > ?1 LIMIT 3", p, n);
            run(db, "SELECT path FROM entries WHERE path <= ?1", p, n);
            if (n > 1)
                run(db, "SELECT * FROM entries WHERE path = ?1", p, n - 1);
        }
    }
    smz__entries_check(db, ignore, NULL, 0, err, sizeof err);
out:
    sqlite3_finalize(paths);
    sqlite3_finalize(ins);
    sqlite3_close(db);
    return 0;
}
