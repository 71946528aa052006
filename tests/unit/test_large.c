/* Large entries (over SMZ_WRITER_LARGE_ENTRY, stored as they are): written
 * in pieces by smz_writer_add_stream, read back by ranges in one pass.  The
 * reads are counted in SQLite's page fetches, not timed: reading an entry
 * by ranges must fetch each of its pages about once, however small the
 * ranges (a fresh blob handle per range walked the overflow chain from the
 * start every time: some 9 million fetches for this 66 MiB entry read in
 * 64 KiB ranges), and a range at its end, read again, must cost next to
 * nothing. */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "check.h"
#include "reader_priv.h"
#include "smz/reader.h"
#include "smz/writer.h"

#define BIG ((size_t)66 << 20)
#define PAGE SMZ_PAGE_SIZE_V3 /* the archive's page size (version 3's writer) */

static unsigned char byte_at(uint64_t off)
{
    uint64_t x = off * 0x9E3779B97F4A7C15ull;
    return (unsigned char)(x >> 56 ^ x >> 29);
}

static smz_err fill(smz_writer *w, void *ctx, uint64_t off, void *buf, size_t n)
{
    uint64_t *fail_at = ctx;
    if (fail_at && off >= *fail_at)
        return smz_writer_set_error(w, SMZ_E_IO, "the source broke at %llu", (unsigned long long)off);
    unsigned char *b = buf;
    for (size_t i = 0; i < n; i++)
        b[i] = byte_at(off + i);
    return SMZ_OK;
}

/* Page fetches on R's connection since the last call. */
static long fetches(smz_reader *r)
{
    int hit = 0, miss = 0, hi;
    sqlite3_db_status(smz__reader_db(r), SQLITE_DBSTATUS_CACHE_HIT, &hit, &hi, 1);
    sqlite3_db_status(smz__reader_db(r), SQLITE_DBSTATUS_CACHE_MISS, &miss, &hi, 1);
    return (long)hit + miss;
}

static int same_range(const unsigned char *b, uint64_t off, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (b[i] != byte_at(off + i))
            return 0;
    return 1;
}

static void problem(void *ctx, const char *path, const char *msg)
{
    (void)ctx;
    printf("# problem: %s: %s\n", path, msg);
}

int main(void)
{
    smz_writer *w = NULL;
    smz_writer_opts o = {.threads = 1, .no_index = 1};
    smz_err rc = smz_writer_new("large.smz", &o, &w);
    CHECK(rc == SMZ_OK, "a writer (%s)", smz_writer_errmsg(w));
    smz_writer_entry page = {.path = "index.html", .mime = "text/html", .data = "<p>hi</p>", .size = 9};
    smz_writer_entry big = {.path = "film.webm", .title = "A film", .mime = "video/webm", .size = BIG};
    smz_writer_entry image = {.path = "logo.png",
                              .mime = "image/png",
                              .data = "\x89PNG not really",
                              .size = 16};
    CHECK(smz_writer_add(w, &page) == SMZ_OK && smz_writer_add(w, &image) == SMZ_OK, "small entries");
    rc = smz_writer_add_stream(w, &big, fill, NULL);
    CHECK(rc == SMZ_OK, "a 66 MiB entry streams in (%s)", smz_writer_errmsg(w));
    /* The same bytes in memory go the same way. */
    unsigned char *mem = malloc(BIG + 1);
    for (size_t i = 0; mem && i <= BIG; i++)
        mem[i] = byte_at(i);
    smz_writer_entry inmem = {.path = "copy.webm", .mime = "video/webm", .data = mem, .size = BIG + 1};
    CHECK(mem && smz_writer_add(w, &inmem) == SMZ_OK, "a 66 MiB entry from memory (%s)",
          smz_writer_errmsg(w));
    free(mem);
    smz_writer_set_meta(w, "MainPage", "index.html", 10);
    rc = smz_writer_finish(w);
    CHECK(rc == SMZ_OK, "the archive is finished (%s)", smz_writer_errmsg(w));
    smz_writer_free(w);

    smz_reader *r = NULL;
    smz_entry *e = NULL;
    rc = smz_reader_open("large.smz", NULL, &r);
    CHECK(rc == SMZ_OK, "it opens (%s)", smz_reader_errmsg(r));
    if (rc != SMZ_OK)
        return CHECK_DONE();
    CHECK(smz_reader_find(r, "film.webm", &e) == SMZ_OK && e->size == BIG && !strcmp(e->title, "A film"),
          "the entry is there with its size and title");
    unsigned char *buf = malloc(1 << 16);
    int ok = e && buf;
    fetches(r);
    /* The end first, as a video player asks for it. */
    ok = ok && smz_reader_read_range(r, e, BIG - 4096, buf, 4096) == SMZ_OK &&
         same_range(buf, BIG - 4096, 4096);
    CHECK(ok, "a range at the end");
    long first = fetches(r);
    ok = ok && smz_reader_read_range(r, e, BIG - 8192, buf, 4096) == SMZ_OK &&
         same_range(buf, BIG - 8192, 4096) && smz_reader_read_range(r, e, 12345, buf, 4096) == SMZ_OK &&
         same_range(buf, 12345, 4096) && smz_reader_read_range(r, e, BIG - 4096, buf, 4096) == SMZ_OK &&
         same_range(buf, BIG - 4096, 4096);
    long again = fetches(r);
    CHECK(ok && again < 64,
          "ranges after the first cost next to nothing (%ld page fetches; the first %ld)", again, first);
    /* A server's reader handle reads other entries between two ranges. */
    smz_entry *logo = NULL;
    unsigned char *data = NULL;
    size_t dlen = 0;
    ok = ok && smz_reader_find(r, "logo.png", &logo) == SMZ_OK &&
         smz_reader_read(r, logo, 100, &data, &dlen) == SMZ_OK && dlen == 16 &&
         !memcmp(data, "\x89PNG", 4);
    free(data);
    smz_entry_free(logo);
    fetches(r);
    ok = ok && smz_reader_read_range(r, e, BIG - 4096, buf, 4096) == SMZ_OK &&
         same_range(buf, BIG - 4096, 4096);
    again = fetches(r);
    CHECK(ok && again < 64, "and so do they after reading another cluster in between (%ld page fetches)",
          again);
    for (uint64_t off = 0; ok && off < BIG; off += 1 << 16)
        ok = smz_reader_read_range(r, e, off, buf, 1 << 16) == SMZ_OK && same_range(buf, off, 1 << 16);
    long all = fetches(r);
    CHECK(ok, "the whole entry in 64 KiB ranges is the bytes written");
    CHECK(all < 2 * (long)(BIG / PAGE),
          "reading it fetches each page about once (%ld fetches, %zu pages)", all, BIG / PAGE);
    smz_entry_free(e);
    e = NULL;
    CHECK(smz_reader_find(r, "copy.webm", &e) == SMZ_OK && e->size == BIG + 1 &&
              smz_reader_read_range(r, e, BIG - 65535, buf, 65536) == SMZ_OK &&
              same_range(buf, BIG - 65535, 65536),
          "the entry from memory reads back too, to its last byte");
    smz_entry_free(e);
    uint64_t problems = 99;
    rc = smz_reader_check(r, problem, NULL, &problems);
    CHECK(rc == SMZ_OK && problems == 0, "smz check finds it sound (%llu problems)",
          (unsigned long long)problems);
    free(buf);
    smz_reader_close(r);

    /* A source that breaks midway fails the pack and leaves nothing. */
    uint64_t at = 5 << 20;
    w = NULL;
    smz_writer_new("broken.smz", &o, &w);
    rc = smz_writer_add_stream(w, &big, fill, &at);
    CHECK(rc == SMZ_E_IO && strstr(smz_writer_errmsg(w), "broke at"), "a broken source is an error (%s)",
          smz_writer_errmsg(w));
    CHECK(smz_writer_finish(w) != SMZ_OK, "that cannot be finished");
    smz_writer_free(w);
    CHECK(access("broken.smz", F_OK) != 0, "and leaves no archive");

    /* max_bytes: a large entry that would not fit is refused before it is written. */
    smz_writer_opts small = o;
    small.max_bytes = 10 << 20;
    w = NULL;
    smz_writer_new("small.smz", &small, &w);
    rc = smz_writer_add_stream(w, &big, fill, NULL);
    CHECK(rc == SMZ_E_TOOBIG && strstr(smz_writer_errmsg(w), "size limit of 10485760"),
          "over max_bytes is refused (%s)", smz_writer_errmsg(w));
    smz_writer_free(w);
    CHECK(access("small.smz", F_OK) != 0, "and leaves no archive either");
    return CHECK_DONE();
}
