/* Streams of entries in a zstd cluster (smz_stream, lib/reader.c): the
 * bytes streamed are the bytes smz_reader_read gives, for the first, a
 * middle and the last entry of a cluster and for ranges inside them, in
 * pieces of any size; a stream decodes its cluster once however small its
 * pieces (reads by ranges without a cache decode it once a piece), takes a
 * cached cluster from the cache, and counts its memory against the cache's
 * budget until it ends; a damaged frame ends a stream with an error, never
 * a crash, and every read after it fails too. */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "cache.h"
#include "reader_priv.h"
#include "smz/reader.h"
#include "smz/writer.h"

#define MiB ((size_t)1 << 20)

/* Text-like bytes: compressible, but not trivially. */
static unsigned char *make(size_t n, unsigned seed)
{
    static const char *words[] = {"table ", "select ", "index ", "zebra ",
                                  "alpha ", "quagga ", "data ",  "\n"};
    unsigned char *b = malloc(n);
    uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
    for (size_t i = 0; b && i < n;) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        const char *w = words[x % 8];
        for (; *w && i < n; w++)
            b[i++] = (unsigned char)*w;
        if (i < n && x % 5 == 0)
            b[i++] = (unsigned char)('0' + x % 10);
    }
    return b;
}

static const char *paths[3] = {"a.bin", "b.bin", "c.bin"};
static const size_t sizes[3] = {(size_t)3 * MiB / 2, 2 * MiB + 12345, (size_t)3 * MiB / 2 + 7};

/* Streams LEN bytes of PATH from OFF in pieces of PIECE and compares them
 * with the same bytes of smz_reader_read (read afterwards).  Adds the
 * decodes the stream took to *DECODES. */
static int stream_same(smz_reader *r, const char *path, uint64_t off, uint64_t len, size_t piece,
                       uint64_t *decodes)
{
    smz_entry *e = NULL;
    smz_stream *st = NULL;
    unsigned char *whole = NULL, *got = malloc(len + 1);
    size_t n = 0;
    uint64_t d0 = 0, d1 = 0;
    smz_reader_decoded(r, &d0, NULL);
    int ok = got && smz_reader_find(r, path, &e) == SMZ_OK &&
             smz_stream_open(r, e, off, len, &st) == SMZ_OK;
    for (uint64_t at = 0; ok && at < len; at += piece) {
        size_t k = len - at < piece ? (size_t)(len - at) : piece;
        ok = smz_stream_read(st, got + at, k) == SMZ_OK;
    }
    /* Past the end is refused. */
    ok = ok && smz_stream_read(st, got + len, 1) == SMZ_E_INVALID;
    smz_reader_decoded(r, &d1, NULL);
    if (decodes)
        *decodes += d1 - d0;
    smz_stream_close(st);
    ok = ok && smz_reader_read(r, e, 64 * MiB, &whole, &n) == SMZ_OK && !memcmp(got, whole + off, len);
    smz_entry_free(e);
    free(whole);
    free(got);
    return ok;
}

/* Copies FROM to TO with cluster CID's data damaged by HOW. */
enum { FLIP_MIDDLE, CUT_HALF, FLIP_CHECKSUM };
static int tamper(const char *from, const char *to, int64_t cid, int how)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *s = NULL;
    unsigned char *d = NULL;
    int n = 0, ok = 0;
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    char buf[65536];
    size_t k;
    while (in && out && (k = fread(buf, 1, sizeof buf, in)) > 0)
        fwrite(buf, 1, k, out);
    if (in)
        fclose(in);
    if (out)
        fclose(out);
    if (sqlite3_open(to, &db) == SQLITE_OK &&
        sqlite3_prepare_v2(db, "SELECT data FROM clusters WHERE id = ?", -1, &s, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(s, 1, cid);
        if (sqlite3_step(s) == SQLITE_ROW && (n = sqlite3_column_bytes(s, 0)) > 100 &&
            (d = malloc((size_t)n)))
            memcpy(d, sqlite3_column_blob(s, 0), (size_t)n);
    }
    sqlite3_finalize(s);
    s = NULL;
    if (d && how == CUT_HALF)
        n /= 2;
    else if (d)
        d[how == FLIP_MIDDLE ? n / 2 : n - 1] ^= 0x20; /* the frame's last byte: its checksum */
    if (d &&
        sqlite3_prepare_v2(db, "UPDATE clusters SET data = ? WHERE id = ?", -1, &s, NULL) == SQLITE_OK) {
        sqlite3_bind_blob(s, 1, d, n, SQLITE_STATIC);
        sqlite3_bind_int64(s, 2, cid);
        ok = sqlite3_step(s) == SQLITE_DONE && sqlite3_changes(db) == 1;
    }
    sqlite3_finalize(s);
    sqlite3_close(db);
    free(d);
    return ok;
}

/* Streams PATH of archive FILE whole in 64 KiB pieces: the error of the
 * read that failed (SMZ_OK if none), and whether a read after it failed too. */
static smz_err stream_err(const char *file, const char *path, int *again_fails, uint64_t *failed_at)
{
    smz_reader *r = NULL;
    smz_entry *e = NULL;
    smz_stream *st = NULL;
    unsigned char *buf = malloc(65536);
    smz_err rc = smz_reader_open(file, NULL, &r);
    if (rc == SMZ_OK)
        rc = smz_reader_find(r, path, &e);
    if (rc == SMZ_OK)
        rc = smz_stream_open(r, e, 0, e->size, &st);
    uint64_t at = 0;
    for (; rc == SMZ_OK && at < e->size;) {
        size_t k = e->size - at < 65536 ? (size_t)(e->size - at) : 65536;
        if ((rc = smz_stream_read(st, buf, k)) == SMZ_OK)
            at += k;
    }
    *failed_at = at;
    if (rc != SMZ_OK)
        printf("# %s: %s\n", path, smz_reader_errmsg(r));
    *again_fails = rc != SMZ_OK && (!st || smz_stream_read(st, buf, 1) != SMZ_OK);
    smz_stream_close(st);
    smz_entry_free(e);
    smz_reader_close(r);
    free(buf);
    return rc;
}

/* The whole test on an archive of format VERSION (3 checks each chunk of
 * compressed bytes as it is read; 2, the cluster's BLAKE2b up front or the
 * frame's checksum at its end). */
static void run(int version)
{
    printf("# format version %d\n", version);
    smz_writer *w = NULL;
    smz_writer_opts o = {
        .threads = 1, .no_index = 1, .level = 3, .cluster_size = 8 * MiB, .format_version = version};
    smz_err rc = smz_writer_new("stream.smz", &o, &w);
    CHECK(rc == SMZ_OK, "a writer (%s)", smz_writer_errmsg(w));
    smz_writer_entry page = {.path = "index.html", .mime = "text/html", .data = "<p>hi</p>", .size = 9};
    CHECK(smz_writer_add(w, &page) == SMZ_OK, "a page");
    for (int i = 0; i < 3; i++) {
        unsigned char *d = make(sizes[i], (unsigned)i + 1);
        smz_writer_entry ent = {.path = paths[i], .mime = "text/plain", .data = d, .size = sizes[i]};
        CHECK(d && smz_writer_add(w, &ent) == SMZ_OK, "entry %s of %zu bytes", paths[i], sizes[i]);
        free(d);
    }
    smz_writer_set_meta(w, "MainPage", "index.html", 10);
    rc = smz_writer_finish(w);
    CHECK(rc == SMZ_OK, "the archive is finished (%s)", smz_writer_errmsg(w));
    smz_writer_free(w);

    smz_reader *r = NULL;
    rc = smz_reader_open("stream.smz", NULL, &r);
    CHECK(rc == SMZ_OK, "it opens (%s)", smz_reader_errmsg(r));
    if (rc != SMZ_OK)
        return;
    /* Which entry lies first, in the middle and last in their cluster. */
    smz_entry *ent[3] = {NULL, NULL, NULL};
    int found = 1;
    for (int i = 0; i < 3; i++)
        found &= smz_reader_find(r, paths[i], &ent[i]) == SMZ_OK;
    const smz_entry_at *place[3] = {NULL, NULL, NULL};
    for (int i = 0; found && i < 3; i++)
        place[i] = smz_entry_place(ent[i]);
    CHECK(found && place[0]->cluster == place[1]->cluster && place[1]->cluster == place[2]->cluster,
          "the three entries share one zstd cluster");
    if (!found)
        return;
    int64_t cid = place[0]->cluster;
    const char *first = NULL, *mid = NULL, *last = NULL;
    for (int i = 0; i < 3; i++) {
        int before = 0;
        for (int j = 0; j < 3; j++)
            before += place[j]->offset < place[i]->offset;
        if (before == 0)
            first = paths[i];
        else if (before == 1)
            mid = paths[i];
        else
            last = paths[i];
    }
    for (int i = 0; i < 3; i++)
        smz_entry_free(ent[i]);
    CHECK(first && mid && last, "they lie one after the other");
    if (!first || !mid || !last)
        return;

    /* Without a cache (smz cat): the bytes, and one decode per stream. */
    uint64_t dec = 0;
    smz_entry *e = NULL;
    smz_reader_find(r, mid, &e);
    CHECK(stream_same(r, first, 0, 3 * MiB / 2, 65536, &dec) && dec == 1,
          "the first entry streams whole in 64 KiB pieces (%llu decodes)", (unsigned long long)dec);
    dec = 0;
    CHECK(stream_same(r, mid, 0, e->size, 65536, &dec) && dec == 1,
          "a middle entry streams whole, its cluster decoded once (%llu decodes)",
          (unsigned long long)dec);
    dec = 0;
    CHECK(stream_same(r, mid, 0, e->size, 1000, &dec) && dec == 1,
          "in 1000-byte pieces too: still one decode (%llu)", (unsigned long long)dec);
    dec = 0;
    CHECK(stream_same(r, last, 0, 3 * MiB / 2 + 7, 65536, &dec) && dec == 1,
          "the last entry streams to the frame's end, checksum checked (%llu decodes)",
          (unsigned long long)dec);
    dec = 0;
    CHECK(stream_same(r, mid, 777777, MiB + 4321, 65536, &dec) && dec == 1,
          "a range in the middle of an entry (%llu decodes)", (unsigned long long)dec);
    CHECK(stream_same(r, last, 3 * MiB / 2 + 7 - (MiB + 1), MiB + 1, 4096, NULL),
          "a range at the end of the last entry");
    dec = 0;
    CHECK(stream_same(r, mid, 1000, 300000, 65536, &dec) && dec <= 5,
          "a short range goes by ranges, as read_range reads (%llu decodes)", (unsigned long long)dec);
    CHECK(stream_same(r, "index.html", 2, 5, 2, NULL), "a small page, in 2-byte pieces");
    /* What the stream saves: the same bytes by ranges decode once a range. */
    {
        uint64_t d0 = 0, d1 = 0;
        unsigned char *buf = malloc(65536);
        int ok = buf != NULL;
        smz_reader_decoded(r, &d0, NULL);
        for (uint64_t at = 0; ok && at < e->size; at += 65536) {
            size_t k = e->size - at < 65536 ? (size_t)(e->size - at) : 65536;
            ok = smz_reader_read_range(r, e, at, buf, k) == SMZ_OK;
        }
        smz_reader_decoded(r, &d1, NULL);
        CHECK(ok && d1 - d0 > 30,
              "reads by 64 KiB ranges without a cache decode once a range (%llu decodes)",
              (unsigned long long)(d1 - d0));
        free(buf);
    }
    smz_entry_free(e);
    smz_reader_close(r);

    /* With a cache: a cached cluster is served from it; a stream counts its
     * memory against the budget while it decodes, and gives it back. */
    smz_cache *c = smz_cache_new(64 * MiB);
    r = NULL;
    CHECK(c && smz_reader_open("stream.smz", c, &r) == SMZ_OK, "a reader with a cache");
    e = NULL;
    smz_reader_find(r, mid, &e);
    smz_stream *st = NULL;
    unsigned char piece[4096];
    rc = smz_stream_open(r, e, 0, e->size, &st);
    size_t before = smz__cache_counted(c);
    rc = rc == SMZ_OK ? smz_stream_read(st, piece, sizeof piece) : rc;
    size_t during = smz__cache_counted(c);
    CHECK(rc == SMZ_OK && before == 0 && during > 256 * 1024 && during < 16 * MiB,
          "a decoding stream counts its window against the cache's budget (%zu bytes)", during);
    smz_stream_close(st);
    CHECK(smz__cache_counted(c) == 0, "and gives it back when it is closed");
    dec = 0;
    CHECK(stream_same(r, mid, 0, e->size, 65536, &dec) && dec == 1,
          "with a cache, a stream of an uncached cluster decodes it once (%llu decodes)",
          (unsigned long long)dec);
    CHECK(smz__cache_counted(c) > 0, "the whole read left the cluster in the cache");
    dec = 0;
    CHECK(stream_same(r, last, 0, 3 * MiB / 2 + 7, 65536, &dec) && dec == 0,
          "a stream of a cached cluster takes it from the cache (%llu decodes)",
          (unsigned long long)dec);
    smz_entry_free(e);
    smz_reader_close(r);
    smz_cache_free(c);

    /* A cluster whose window is the whole cluster (one segment, as
     * smz-pack's are) and that fits the budget goes through the cache, so
     * that later requests find it; evicted in the middle of a stream, the
     * stream decodes it itself, once. */
    w = NULL;
    smz_writer_opts o1 = {.threads = 1, .no_index = 1, .level = 3};
    unsigned char *d = make(3 * MiB / 2, 9);
    smz_writer_entry one = {.path = "one.bin", .mime = "text/plain", .data = d, .size = 3 * MiB / 2};
    CHECK(d && smz_writer_new("one.smz", &o1, &w) == SMZ_OK && smz_writer_add(w, &page) == SMZ_OK &&
              smz_writer_add(w, &one) == SMZ_OK &&
              smz_writer_set_meta(w, "MainPage", "index.html", 10) == SMZ_OK &&
              smz_writer_finish(w) == SMZ_OK,
          "an archive with a 1.5 MiB entry in a cluster of one segment (%s)", smz_writer_errmsg(w));
    smz_writer_free(w);
    c = smz_cache_new(4 * MiB);
    smz_reader *other = NULL;
    r = NULL;
    CHECK(c && smz_reader_open("one.smz", c, &r) == SMZ_OK &&
              smz_reader_open("stream.smz", c, &other) == SMZ_OK,
          "two readers sharing a 4 MiB cache");
    dec = 0;
    CHECK(stream_same(r, "one.bin", 0, 3 * MiB / 2, 65536, &dec) && dec == 1,
          "a stream of it decodes it once (%llu decodes)", (unsigned long long)dec);
    CHECK(smz__cache_counted(c) >= 3 * MiB / 2, "into the cache (%zu bytes counted)",
          smz__cache_counted(c));
    dec = 0;
    CHECK(stream_same(r, "one.bin", 1, 3 * MiB / 2 - 1, 65536, &dec) && dec == 0,
          "where the next stream finds it (%llu decodes)", (unsigned long long)dec);
    /* Evicted half-way: another archive's 5 MiB cluster takes the budget. */
    e = NULL;
    st = NULL;
    uint64_t d0 = 0, d1 = 0;
    unsigned char *half = malloc(3 * MiB / 2), *want = NULL, *big = NULL;
    size_t wn = 0, bn = 0;
    smz_entry *be = NULL;
    int ok = half && smz_reader_find(r, "one.bin", &e) == SMZ_OK &&
             smz_stream_open(r, e, 0, e->size, &st) == SMZ_OK &&
             smz_stream_read(st, half, 65536) == SMZ_OK && smz_reader_find(other, mid, &be) == SMZ_OK &&
             smz_reader_read(other, be, 64 * MiB, &big, &bn) == SMZ_OK;
    smz_reader_decoded(r, &d0, NULL);
    for (uint64_t at = 65536; ok && at < e->size; at += 65536)
        ok = smz_stream_read(st, half + at, 65536) == SMZ_OK;
    smz_reader_decoded(r, &d1, NULL);
    smz_stream_close(st);
    ok = ok && smz_reader_read(r, e, 64 * MiB, &want, &wn) == SMZ_OK && !memcmp(want, half, wn);
    CHECK(ok && d1 - d0 == 1,
          "evicted during a stream, the stream decodes it once itself (%llu decodes)",
          (unsigned long long)(d1 - d0));
    free(half);
    free(want);
    free(big);
    free(d);
    smz_entry_free(e);
    smz_entry_free(be);
    smz_reader_close(other);
    smz_reader_close(r);
    smz_cache_free(c);

    /* Damage: a flipped byte in the middle of the frame, a frame cut in
     * half.  A stream of the last entry reaches the frame's end, so it must
     * fail (a block error or the content checksum) before its last piece. */
    int again = 0;
    uint64_t at = 0;
    CHECK(tamper("stream.smz", "flip.smz", cid, FLIP_MIDDLE),
          "a copy with one byte of the frame changed");
    rc = stream_err("flip.smz", last, &again, &at);
    CHECK(rc == SMZ_E_CORRUPT && again,
          "streaming its last entry fails with an error, and again after (%s)", smz_strerror(rc));
    rc = stream_err("flip.smz", mid, &again, &at);
    CHECK(rc == SMZ_OK || (rc == SMZ_E_CORRUPT && again),
          "a middle entry: bytes or an error, no crash (%s)", smz_strerror(rc));
    CHECK(tamper("stream.smz", "cut.smz", cid, CUT_HALF), "a copy with the frame cut");
    rc = stream_err("cut.smz", last, &again, &at);
    CHECK(rc == SMZ_E_CORRUPT && again, "streaming past the cut fails (%s)", smz_strerror(rc));
    /* Only the frame's checksum is wrong: the bytes decode, and only a
     * stream that reaches the frame's end can tell; its last piece is not
     * handed out. */
    CHECK(tamper("stream.smz", "sum.smz", cid, FLIP_CHECKSUM),
          "a copy with the frame's checksum changed");
    rc = stream_err("sum.smz", last, &again, &at);
    if (version < 3)
        CHECK(rc == SMZ_E_CORRUPT && again && at >= 3 * MiB / 2 + 7 - 65536,
              "streaming its last entry fails at the last piece, which is not handed out (%s at %llu)",
              smz_strerror(rc), (unsigned long long)at);
    else /* the last chunk is checked when it is read, before anything decoded from it goes out */
        CHECK(rc == SMZ_E_CORRUPT && again && at < 3 * MiB / 2 + 7,
              "streaming its last entry fails once the damaged chunk is read (%s at %llu)",
              smz_strerror(rc), (unsigned long long)at);
    rc = stream_err("sum.smz", first, &again, &at);
    CHECK(rc == SMZ_OK,
          "a stream that ends before the damaged bytes does not need them (docs/FORMAT.md)");
}

int main(void)
{
    run(SMZ_FORMAT_VERSION);
    run(SMZ_FORMAT_VERSION_MIN);
    return CHECK_DONE();
}
