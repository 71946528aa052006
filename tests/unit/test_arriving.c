/* Reading an archive while it is written (smz_reader_open_arriving): a
 * thread writes a copy of an archive chunk by chunk, in order or with its
 * tail (the entry table's pages to the end) known first, as smz pull
 * fetches it, while the reader checks and reads the copy.  The check must
 * come out as on the whole file (sound, and for a damaged copy the same
 * problems in the same order), a read must give the entry's bytes, the
 * tail must be read from memory (not from the file, which lacks it until
 * the end), and a transfer that stops must end the check with an error,
 * not a hang. */
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sqlite3.h>
#include "check.h"
#include "smz/reader.h"
#include "smz/writer.h"
#include "testutil.h"

#define N_PAGES 600
#define COPY "arriving.part"

static int build(const char *path)
{
    smz_writer_opts o = {.threads = 1, .level = 3, .cluster_size = 64 << 10};
    smz_writer *w = NULL;
    smz_err rc = smz_writer_new(path, &o, &w);
    uint64_t seed = 25;
    static const char *const words[] = {"river",  "village", "rights",  "water",  "court",
                                        "letter", "school",  "harvest", "report", "witness"};
    char html[4096], title[64], name[64];
    for (int i = 0; rc == SMZ_OK && i < N_PAGES; i++) {
        snprintf(name, sizeof name, "p/%04d.html", i);
        snprintf(title, sizeof title, "Report %d", i);
        int n = snprintf(html, sizeof html, "<html><head><title>%s</title></head><body><p>", title);
        for (int k = 0; k < 300; k++)
            n += snprintf(html + n, sizeof html - (size_t)n, "%s%u ", words[testutil_rnd(&seed) % 10],
                          testutil_rnd(&seed) % 97);
        n += snprintf(html + n, sizeof html - (size_t)n, "</p></body></html>");
        rc = testutil_add_html(w, name, title, html, (size_t)n);
    }
    rc = testutil_finish(w, rc, "p/0000.html", "Reports");
    smz_writer_free(w);
    return rc == SMZ_OK;
}

static unsigned char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    unsigned char *d = NULL;
    if (f && !fseek(f, 0, SEEK_END)) {
        long l = ftell(f);
        rewind(f);
        if (l > 0 && (d = malloc((size_t)l)) && fread(d, 1, (size_t)l, f) != (size_t)l) {
            free(d);
            d = NULL;
        }
        *n = (size_t)l;
    }
    if (f)
        fclose(f);
    return d;
}

/* Where the entry table's pages start: the first of its pages after its
 * root (SQLite's dbstat). */
static uint64_t tail_of(const char *path, uint64_t size)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *s = NULL;
    uint64_t t = size;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db,
                           "SELECT min(pageno), (SELECT page_size FROM pragma_page_size) FROM dbstat "
                           "WHERE name = 'entry_blocks' AND pageno <> "
                           "(SELECT rootpage FROM sqlite_schema WHERE name = 'entry_blocks')",
                           -1, &s, NULL) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW && sqlite3_column_type(s, 0) == SQLITE_INTEGER)
        t = (uint64_t)(sqlite3_column_int64(s, 0) - 1) * (uint64_t)sqlite3_column_int64(s, 1);
    sqlite3_finalize(s);
    sqlite3_close(db);
    return t;
}

/* A copy of SRC at DST in the layout the packer gave before it put the
 * clusters last (docs/FORMAT.md, "Layout"): the same tables, rows and
 * content digest, the clusters first and the entry table last, as VACUUM
 * copies the tables in the order of their rows in sqlite_schema.  What
 * smz pull's tail first is for. */
static int legacy_copy(const char *src, const char *dst)
{
    size_t n = 0;
    unsigned char *d = slurp(src, &n);
    FILE *f = d ? fopen(dst, "wb") : NULL;
    int ok = f && fwrite(d, 1, n, f) == n;
    if (f && fclose(f) != 0)
        ok = 0;
    free(d);
    sqlite3 *db = NULL;
    ok =
        ok && sqlite3_open(dst, &db) == SQLITE_OK &&
        sqlite3_exec(db,
                     "PRAGMA writable_schema=ON; BEGIN;"
                     "CREATE TEMP TABLE moved AS SELECT rowid AS r FROM sqlite_master WHERE name NOT IN "
                     "('metadata', 'mimetypes', 'clusters') ORDER BY name = 'entry_blocks', rowid;"
                     "UPDATE sqlite_master SET rowid = 1000 + (SELECT m.rowid FROM temp.moved m WHERE "
                     "m.r = sqlite_master.rowid) WHERE rowid IN (SELECT r FROM temp.moved);"
                     "COMMIT; PRAGMA writable_schema=OFF;",
                     NULL, NULL, NULL) == SQLITE_OK;
    sqlite3_close(db);
    db = NULL;
    ok = ok && sqlite3_open(dst, &db) == SQLITE_OK &&
         sqlite3_exec(db, "VACUUM", NULL, NULL, NULL) == SQLITE_OK;
    sqlite3_close(db);
    return ok;
}

/* One number SQL gives of PATH's pages (dbstat), or -1. */
static int64_t pages_sql(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *s = NULL;
    int64_t v = -1;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW &&
        sqlite3_column_type(s, 0) == SQLITE_INTEGER)
        v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(db);
    return v;
}

typedef struct job {
    const unsigned char *data;
    uint64_t size, tail_from, stop_at; /* stop_at < tail_from: the transfer stops there */
    smz_arrival *a;
    int fd;
} job;

static void *writer(void *arg)
{
    job *j = arg;
    uint64_t end = j->stop_at < j->tail_from ? j->stop_at : j->tail_from;
    for (uint64_t o = 0; o < end;) {
        uint64_t n = end - o < 8192 ? end - o : 8192;
        if (pwrite(j->fd, j->data + o, (size_t)n, (off_t)o) != (ssize_t)n)
            break;
        o += n;
        smz_arrival_written(j->a, o);
        nanosleep(&(struct timespec){0, 20000}, NULL);
    }
    if (end < j->tail_from) {
        smz_arrival_failed(j->a);
        return NULL;
    }
    if (j->tail_from < j->size)
        (void)!pwrite(j->fd, j->data + j->tail_from, (size_t)(j->size - j->tail_from),
                      (off_t)j->tail_from);
    return NULL;
}

typedef struct told {
    char text[8192];
    size_t len;
} told;

static void tell(void *ctx, const char *path, const char *msg)
{
    told *t = ctx;
    int n = snprintf(t->text + t->len, sizeof t->text - t->len, "%s: %s\n", path, msg);
    if (n > 0 && (size_t)n < sizeof t->text - t->len)
        t->len += (size_t)n;
}

/* Checks the copy of DATA as it is written; *PROBLEMS and T get what the
 * check found; READ (may be NULL) gets the bytes of p/0123.html. */
static smz_err arriving_check(const unsigned char *data, uint64_t size, uint64_t tail_from,
                              const unsigned char *tail, uint64_t stop_at, uint64_t *problems, told *t,
                              unsigned char **read, size_t *read_len)
{
    job j = {data, size, tail_from, stop_at, NULL, -1};
    unlink(COPY);
    if ((j.fd = open(COPY, O_RDWR | O_CREAT | O_TRUNC, 0644)) < 0 ||
        smz_arrival_new(size, tail_from, tail, &j.a) != SMZ_OK)
        return SMZ_E_IO;
    pthread_t th;
    pthread_create(&th, NULL, writer, &j);
    smz_reader *r = NULL;
    smz_err rc = smz_reader_open_arriving(COPY, j.a, 0, &r);
    *problems = 0;
    if (rc == SMZ_OK)
        rc = smz_reader_check(r, tell, t, problems);
    if (rc == SMZ_OK && read) {
        smz_entry *e = NULL;
        if ((rc = smz_reader_resolve(r, "p/0123.html", &e)) == SMZ_OK)
            rc = smz_reader_read(r, e, 1 << 20, read, read_len);
        smz_entry_free(e);
    }
    smz_reader_close(r);
    pthread_join(th, NULL);
    smz_arrival_free(j.a);
    close(j.fd);
    return rc;
}

/* BAD (SIZE bytes, its bytes from TAIL_FROM known first: SIZE for in
 * order) checked whole and as it arrives: the same problems in the same
 * order (WHAT names the case). */
static void same_problems(const unsigned char *bad, size_t size, uint64_t tail_from, const char *what)
{
    FILE *f = fopen("bad.smz", "wb");
    if (f) {
        fwrite(bad, 1, size, f);
        fclose(f);
    }
    told whole = {.len = 0}, arr = {.len = 0};
    uint64_t n_whole = 0, n_arr = 0;
    smz_reader *r = NULL;
    smz_err rw = smz_reader_open("bad.smz", NULL, &r);
    if (rw == SMZ_OK)
        rw = smz_reader_check(r, tell, &whole, &n_whole);
    smz_reader_close(r);
    smz_err ra = arriving_check(bad, size, tail_from, tail_from < size ? bad + tail_from : NULL,
                                UINT64_MAX, &n_arr, &arr, NULL, NULL);
    CHECK(n_whole > 0 && rw == ra && n_whole == n_arr && !strcmp(whole.text, arr.text),
          "%s: the whole file's %llu problems, in its order (%llu as it arrives)", what,
          (unsigned long long)n_whole, (unsigned long long)n_arr);
    if (strcmp(whole.text, arr.text))
        printf("# whole:\n%s# arriving:\n%s", whole.text, arr.text);
}

int main(void)
{
    CHECK(build("arr.smz"), "an archive of %d pages in 64 KiB clusters, with its index, is packed",
          N_PAGES);
    /* The packer's layout: the entry table and the index, then the
     * clusters' b-tree pages, then the clusters' bytes. */
    size_t nsize = 0;
    unsigned char *ndata = slurp("arr.smz", &nsize);
    int64_t before = pages_sql("arr.smz",
                               "SELECT max(pageno) FROM dbstat WHERE name = 'entry_blocks' OR "
                               "name LIKE 'search%'"),
            cl_tree = pages_sql("arr.smz", "SELECT max(pageno) FROM dbstat WHERE name = 'clusters' AND "
                                           "pagetype <> 'overflow'"),
            cl_min = pages_sql("arr.smz",
                               "SELECT min(pageno) FROM dbstat WHERE name = 'clusters' AND pageno <> "
                               "(SELECT rootpage FROM sqlite_schema WHERE name = 'clusters')"),
            cl_bytes = pages_sql("arr.smz", "SELECT min(pageno) FROM dbstat WHERE name = 'clusters' AND "
                                            "pagetype = 'overflow'"),
            cl_pages = pages_sql("arr.smz", "SELECT count(*) FROM dbstat WHERE name = 'clusters' AND "
                                            "pagetype <> 'overflow' AND pageno <> (SELECT rootpage FROM "
                                            "sqlite_schema WHERE name = 'clusters')");
    CHECK(before > 0 && cl_min > before,
          "its entry table and index lie before its clusters (pages to %lld, %lld on)",
          (long long)before, (long long)cl_min);
    CHECK(cl_pages > 1 && cl_tree == cl_min + cl_pages - 1 && cl_bytes == cl_tree + 1,
          "the clusters' %lld b-tree pages lie before their bytes (pages %lld to %lld; bytes from %lld)",
          (long long)cl_pages, (long long)cl_min, (long long)cl_tree, (long long)cl_bytes);
    smz_reader *nr = NULL;
    uint64_t nt = 0, nnp = 1;
    smz_err nrc = smz_reader_open("arr.smz", NULL, &nr);
    if (nrc == SMZ_OK)
        nrc = smz_reader_tail(nr, &nt);
    smz_reader_close(nr);
    CHECK(nrc == SMZ_OK && nt == nsize, "smz_reader_tail says it has no tail (%llu of %zu bytes)",
          (unsigned long long)nt, nsize);
    told ngot = {.len = 0};
    nrc = ndata ? arriving_check(ndata, nsize, nsize, NULL, UINT64_MAX, &nnp, &ngot, NULL, NULL)
                : SMZ_E_IO;
    CHECK(nrc == SMZ_OK && nnp == 0,
          "written in order, it checks sound as it arrives (%s, %llu problems: %.300s)",
          smz_strerror(nrc), (unsigned long long)nnp, ngot.text);
    /* Damaged, in order: the whole file's problems in its order (step 1
     * runs last on its thread there, and is told first all the same). */
    if (ndata) {
        ndata[nsize / 3] ^= 0x01;
        ndata[nsize / 5] ^= 0x40;
        same_problems(ndata, nsize, nsize, "damaged, in order");
    }
    free(ndata);

    /* The layout before: the clusters first, the entry table last (its
     * tail), in which the rest of the steps run. */
    CHECK(legacy_copy("arr.smz", "arr-old.smz"), "a copy in the layout before is made");
    size_t size = 0;
    unsigned char *data = slurp("arr-old.smz", &size);
    uint64_t t = data ? tail_of("arr-old.smz", size) : 0;
    CHECK(data && t > 0 && t < size, "its entry table's pages are its last %llu of %zu bytes",
          (unsigned long long)(size - t), size);
    if (!data)
        return CHECK_DONE();
    smz_reader *r = NULL;
    smz_entry *e = NULL;
    unsigned char *want = NULL;
    size_t want_len = 0;
    uint64_t np = 1;
    told whole = {.len = 0};
    smz_err rc = smz_reader_open("arr-old.smz", NULL, &r);
    if (rc == SMZ_OK && (rc = smz_reader_resolve(r, "p/0123.html", &e)) == SMZ_OK)
        rc = smz_reader_read(r, e, 1 << 20, &want, &want_len);
    smz_entry_free(e);
    uint64_t lt = 0;
    smz_err trc = r ? smz_reader_tail(r, &lt) : SMZ_E_NOMEM;
    CHECK(trc == SMZ_OK && lt == t, "smz_reader_tail gives the same offset (%llu, dbstat %llu)",
          (unsigned long long)lt, (unsigned long long)t);
    if (rc == SMZ_OK)
        rc = smz_reader_check(r, tell, &whole, &np);
    smz_reader_close(r);
    CHECK(rc == SMZ_OK && np == 0, "the whole file checks sound (%s, %llu problems)", smz_strerror(rc),
          (unsigned long long)np);

    static const char *const order[] = {"in order", "its tail first"};
    for (int m = 0; m < 2; m++) {
        uint64_t from = m ? t : size;
        told got = {.len = 0};
        unsigned char *read = NULL;
        size_t read_len = 0;
        rc = arriving_check(data, size, from, data + from, UINT64_MAX, &np, &got, &read, &read_len);
        CHECK(rc == SMZ_OK && np == 0,
              "written %s, it checks sound as it arrives (%s, %llu problems: %.300s)", order[m],
              smz_strerror(rc), (unsigned long long)np, got.text);
        CHECK(read && read_len == want_len && !memcmp(read, want, want_len),
              "... and an entry reads as from the whole file (%zu bytes)", read_len);
        free(read);
    }

    /* The tail is read from memory: a byte changed there is seen, though
     * the file gets the right one. */
    unsigned char *bad_tail = malloc(size - t);
    memcpy(bad_tail, data + t, size - t);
    bad_tail[(size - t) / 2] ^= 0x20;
    told got = {.len = 0};
    rc = arriving_check(data, size, t, bad_tail, UINT64_MAX, &np, &got, NULL, NULL);
    CHECK(rc != SMZ_OK || np > 0,
          "a tail held in memory that differs is what the check reads (%s, %llu problems)",
          smz_strerror(rc), (unsigned long long)np);
    free(bad_tail);

    /* A damaged copy: the same problems, in the same order, as the whole
     * damaged file gives. */
    unsigned char *bad = malloc(size);
    memcpy(bad, data, size);
    bad[t / 3] ^= 0x01;
    bad[t / 3 + 7777] ^= 0x40;
    same_problems(bad, size, t, "a damaged copy, its tail first");
    free(bad);

    /* The transfer stops: halfway, and before the header is in. */
    static const uint64_t stop_fraction[] = {2, 0};
    for (int k = 0; k < 2; k++) {
        uint64_t at = stop_fraction[k] ? size / stop_fraction[k] : 50;
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        got.len = 0;
        got.text[0] = 0;
        rc = arriving_check(data, size, t, data + t, at, &np, &got, NULL, NULL);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
        CHECK(rc == SMZ_E_IO,
              "a transfer that stops at byte %llu ends the check with an I/O error, not a hang (%s, "
              "%llu problems, %.1f s)",
              (unsigned long long)at, smz_strerror(rc), (unsigned long long)np, s);
    }
    free(want);
    free(data);
    remove("arr.smz");
    remove("arr-old.smz");
    remove("bad.smz");
    remove(COPY);
    return CHECK_DONE();
}
