/* I/O failure injection: a shim SQLite VFS, registered as the default, sits
 * between the reader and the real one and makes the k-th read of the
 * archive fail, for every k a full reading (open, info, every entry, search,
 * suggest, check) makes:
 *   - an I/O error once (SQLITE_IOERR_READ), then reads work again;
 *   - an I/O error from the k-th read on (a stick pulled out);
 *   - a short read once: half the bytes, the rest zeros (what SQLite is
 *     told happens at the end of a file).
 * Every call must end in SMZ_OK or a documented error with a message (not
 * SMZ_E_INTERNAL), nothing may crash or leak (run under `make asan`), and an
 * entry that reads without error after an I/O error reads right.  (A short
 * read is damage, like a flipped page: only cluster bytes are checksummed,
 * so there only a clean ending is required; the figures say how often a
 * read still succeeded.) */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include "check.h"
#include "smz/reader.h"
#include "smz/search.h"
#include "smz/writer.h"
#include "testutil.h"

/* ---- the shim VFS ---- */

enum { NONE, ERR_ONCE, ERR_ALWAYS, SHORT_ONCE };
static int mode;
static long reads, fail_at;

typedef struct sfile {
    sqlite3_file base;
    sqlite3_file *real; /* follows this struct, szOsFile of the real VFS */
} sfile;

static sqlite3_vfs *real_vfs;
static sqlite3_vfs shim_vfs;
static sqlite3_io_methods shim_io;

#define REAL(f) (((sfile *)(f))->real)

static int x_read(sqlite3_file *f, void *buf, int amt, sqlite3_int64 off)
{
    long k = ++reads;
    sqlite3_file *r = REAL(f);
    if (mode != NONE && (k == fail_at || (mode == ERR_ALWAYS && k > fail_at))) {
        if (mode != SHORT_ONCE)
            return SQLITE_IOERR_READ;
        int half = amt / 2;
        int rc = half ? r->pMethods->xRead(r, buf, half, off) : SQLITE_OK;
        if (rc != SQLITE_OK && rc != SQLITE_IOERR_SHORT_READ)
            return rc;
        memset((char *)buf + half, 0, (size_t)(amt - half));
        return SQLITE_IOERR_SHORT_READ;
    }
    return r->pMethods->xRead(r, buf, amt, off);
}

static int x_close(sqlite3_file *f)
{
    return REAL(f)->pMethods->xClose(REAL(f));
}
static int x_write(sqlite3_file *f, const void *b, int n, sqlite3_int64 o)
{
    return REAL(f)->pMethods->xWrite(REAL(f), b, n, o);
}
static int x_truncate(sqlite3_file *f, sqlite3_int64 n)
{
    return REAL(f)->pMethods->xTruncate(REAL(f), n);
}
static int x_sync(sqlite3_file *f, int flags)
{
    return REAL(f)->pMethods->xSync(REAL(f), flags);
}
static int x_size(sqlite3_file *f, sqlite3_int64 *n)
{
    return REAL(f)->pMethods->xFileSize(REAL(f), n);
}
static int x_lock(sqlite3_file *f, int l)
{
    return REAL(f)->pMethods->xLock(REAL(f), l);
}
static int x_unlock(sqlite3_file *f, int l)
{
    return REAL(f)->pMethods->xUnlock(REAL(f), l);
}
static int x_reserved(sqlite3_file *f, int *out)
{
    return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}
static int x_fcntl(sqlite3_file *f, int op, void *arg)
{
    return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}
static int x_sector(sqlite3_file *f)
{
    return REAL(f)->pMethods->xSectorSize(REAL(f));
}
static int x_devchar(sqlite3_file *f)
{
    return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}

static int x_open(sqlite3_vfs *v, const char *name, sqlite3_file *f, int flags, int *out)
{
    (void)v;
    sfile *s = (sfile *)f;
    s->real = (sqlite3_file *)(s + 1);
    int rc = real_vfs->xOpen(real_vfs, name, s->real, flags, out);
    /* The version-1 methods are all an immutable, unmapped reader uses. */
    f->pMethods = s->real->pMethods ? &shim_io : NULL;
    return rc;
}

static void shim_install(void)
{
    real_vfs = sqlite3_vfs_find(NULL);
    shim_vfs = *real_vfs;
    shim_vfs.iVersion = 1; /* no xSetSystemCall and friends to forward */
    shim_vfs.zName = "smz-iofail";
    shim_vfs.szOsFile = (int)sizeof(sfile) + real_vfs->szOsFile;
    shim_vfs.xOpen = x_open;
    memset(&shim_io, 0, sizeof shim_io);
    shim_io.iVersion = 1;
    shim_io.xClose = x_close;
    shim_io.xRead = x_read;
    shim_io.xWrite = x_write;
    shim_io.xTruncate = x_truncate;
    shim_io.xSync = x_sync;
    shim_io.xFileSize = x_size;
    shim_io.xLock = x_lock;
    shim_io.xUnlock = x_unlock;
    shim_io.xCheckReservedLock = x_reserved;
    shim_io.xFileControl = x_fcntl;
    shim_io.xSectorSize = x_sector;
    shim_io.xDeviceCharacteristics = x_devchar;
    sqlite3_vfs_register(&shim_vfs, 1);
}

/* ---- the archive and what a reading must find ---- */

#define N_PAGES 120
#define N_MEDIA 8

static int build(const char *path)
{
    smz_writer_opts o = {.threads = 1, .cluster_size = 24 << 10, .stem_english = 1};
    smz_writer *w = NULL;
    smz_err rc = smz_writer_new(path, &o, &w);
    for (int i = 0; rc == SMZ_OK && i < N_PAGES; i++) {
        char p[64], title[64];
        size_t cap = 8192;
        char *html = malloc(cap);
        if (!html) {
            rc = SMZ_E_NOMEM;
            break;
        }
        snprintf(p, sizeof p, "dir%d/page%03d.html", i % 7, i);
        snprintf(title, sizeof title, "Page %d about rivers", i);
        size_t n = (size_t)snprintf(html, cap, "<html><head><title>%s</title></head><body><p>", title);
        /* Some pages are long, so that rows overflow and clusters fill. */
        for (int k = 0; k < (i % 10 == 0 ? 60 : 3) && n + 200 < cap; k++)
            n += (size_t)snprintf(html + n, cap - n,
                                  "Human rights report %d from the valley of river %d; ", k, i * 31 + k);
        n += (size_t)snprintf(html + n, cap - n, "</p></body></html>");
        rc = testutil_add_html(w, p, title, html, n);
        free(html);
    }
    /* Incompressible media: clusters that span many pages. */
    uint64_t seed = 42;
    for (int i = 0; rc == SMZ_OK && i < N_MEDIA; i++) {
        unsigned char *bin = malloc(20000);
        char p[64];
        if (!bin) {
            rc = SMZ_E_NOMEM;
            break;
        }
        for (size_t k = 0; k < 20000; k++) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            bin[k] = (unsigned char)(seed >> 56);
        }
        snprintf(p, sizeof p, "media/%d.bin", i);
        smz_writer_entry e = {.path = p, .mime = "application/octet-stream", .data = bin, .size = 20000};
        rc = smz_writer_add(w, &e);
        free(bin);
    }
    if (rc == SMZ_OK)
        rc = smz_writer_add_redirect(w, "index.html", "Home", "dir0/page000.html");
    rc = testutil_finish(w, rc, "index.html", "I/O failures");
    if (rc != SMZ_OK)
        printf("# writer: %s\n", smz_writer_errmsg(w));
    smz_writer_free(w);
    return rc == SMZ_OK;
}

typedef struct expected {
    size_t n;
    char *path[N_PAGES + N_MEDIA];
    unsigned char *data[N_PAGES + N_MEDIA];
    size_t size[N_PAGES + N_MEDIA];
} expected;

typedef struct tally {
    long unclean, wrong, good_reads, failed_calls;
    char first[512];
} tally;

/* A call's result: OK, or a documented error with a message. */
static void seen(tally *t, smz_err rc, smz_reader *r, const char *what)
{
    if (rc == SMZ_OK)
        return;
    t->failed_calls++;
    if ((int)rc < 0 || rc >= SMZ_E_INTERNAL || !r || !smz_reader_errmsg(r)[0]) {
        if (!t->unclean++)
            snprintf(t->first, sizeof t->first, "%s: %s (%d) '%s'", what, smz_strerror(rc), (int)rc,
                     r ? smz_reader_errmsg(r) : "");
    }
}

static void reading(const char *path, expected *x, tally *t, int use_cache, int collect)
{
    smz_cache *cache = use_cache ? smz_cache_new(0) : NULL;
    smz_reader *r = NULL;
    smz_err rc = smz_reader_open(path, cache, &r);
    seen(t, rc, r, "open");
    if (rc != SMZ_OK)
        goto out;
    smz_stats st;
    if ((rc = smz_reader_stats(r, &st)) == SMZ_OK)
        smz_stats_free(&st);
    seen(t, rc, r, "stats");
    smz_iter *it = NULL;
    rc = smz_reader_iter(r, NULL, &it);
    seen(t, rc, r, "iter");
    for (const smz_entry *e; rc == SMZ_OK;) {
        rc = smz_iter_next(it, &e);
        seen(t, rc, r, "next");
        if (rc != SMZ_OK || !e)
            break;
        smz_entry *f = NULL;
        smz_err er = smz_reader_resolve(r, e->path, &f);
        seen(t, er, r, "resolve");
        if (er == SMZ_OK && !f->redirect) {
            unsigned char *buf = NULL;
            size_t len = 0;
            er = smz_reader_read(r, f, 1 << 20, &buf, &len);
            seen(t, er, r, "read");
            if (er == SMZ_OK && collect && !e->redirect && x->n < N_PAGES + N_MEDIA) {
                x->path[x->n] = strdup(f->path);
                x->data[x->n] = buf;
                x->size[x->n++] = len;
                buf = NULL;
            } else if (er == SMZ_OK && !collect) {
                t->good_reads++;
                for (size_t i = 0; i < x->n; i++)
                    if (!strcmp(x->path[i], f->path)) {
                        t->wrong += len != x->size[i] || memcmp(buf, x->data[i], len) != 0;
                        break;
                    }
            }
            free(buf);
        }
        smz_entry_free(f);
    }
    smz_iter_free(it);
    smz_results *res = NULL;
    rc = smz_search(r, "river rights", 10, 0, &res);
    smz_results_free(res);
    seen(t, rc, r, "search");
    res = NULL;
    rc = smz_suggest(r, "pag", 10, &res);
    smz_results_free(res);
    seen(t, rc, r, "suggest");
    uint64_t problems = 0;
    rc = smz_reader_check(r, NULL, NULL, &problems);
    seen(t, rc, r, "check");
out:
    smz_reader_close(r);
    smz_cache_free(cache);
}

int main(void)
{
    static expected x;
    tally t0 = {0};
    CHECK(build("io.smz"), "an archive of %d pages and %d media files in small clusters is built",
          N_PAGES, N_MEDIA);
    shim_install();
    mode = NONE;
    reads = 0;
    reading("io.smz", &x, &t0, 0, 1);
    long total = reads;
    CHECK(t0.failed_calls == 0 && x.n == N_PAGES + N_MEDIA,
          "a reading without failures works (%zu entries, %ld reads)", x.n, total);

    static const char *const names[] = {"", "an I/O error once", "I/O errors from then on",
                                        "a short read once"};
    for (int m = ERR_ONCE; m <= SHORT_ONCE; m++) {
        tally t = {0};
        for (long k = 1; k <= total + 2; k++) {
            mode = m;
            fail_at = k;
            reads = 0;
            reading("io.smz", &x, &t, (int)(k & 1), 0);
        }
        mode = NONE;
        CHECK(t.unclean == 0,
              "%s at each of the %ld reads: every call ends in success or a documented "
              "error (%ld failed calls) %s",
              names[m], total, t.failed_calls, t.first);
        if (m != SHORT_ONCE)
            CHECK(t.wrong == 0, "... and %ld entries read without an error all read right (%ld wrong)",
                  t.good_reads, t.wrong);
        else
            printf("# short reads: %ld entries read without an error, %ld of them wrong\n", t.good_reads,
                   t.wrong);
    }
    for (size_t i = 0; i < x.n; i++) {
        free(x.path[i]);
        free(x.data[i]);
    }
    sqlite3_vfs_unregister(&shim_vfs);
    return CHECK_DONE();
}
