/* SQLite running out of memory while the packed index is attached
 * (lib/search/packed.c): SQLite's allocator is replaced by one that fails
 * its k-th allocation from a chosen moment, for every k a search of a
 * packed archive makes.  The search must end in SMZ_OK or SMZ_E_NOMEM
 * with a message, and the same handle must then search, check and read as
 * if nothing had happened.  SQLite 3.40's sqlite3_deserialize leaves the
 * attached slot without a b-tree when its reopen fails, and the next
 * statement dereferenced it: that is the k this test must meet (it counts
 * them) and survive. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include "check.h"
#include "smz/reader.h"
#include "smz/search.h"
#include "smz/writer.h"
#include "testutil.h"

static sqlite3_mem_methods real_mem;
static long allocs, fail_at; /* fail_at 0: nothing fails */

/* noinline: a debugger's place to stop at the failing allocation */
__attribute__((noinline)) static int failing(void)
{
    return 1;
}
static int fails(void)
{
    return fail_at && ++allocs == fail_at && failing();
}
static void *x_malloc(int n)
{
    return fails() ? NULL : real_mem.xMalloc(n);
}
static void *x_realloc(void *p, int n)
{
    return fails() ? NULL : real_mem.xRealloc(p, n);
}

static int build(const char *path)
{
    smz_writer *w = NULL;
    smz_writer_opts o = {.threads = 1, .stem_english = 1};
    smz_err rc = smz_writer_new(path, &o, &w);
    char html[512], title[64], name[64];
    for (int i = 0; rc == SMZ_OK && i < 6; i++) {
        snprintf(name, sizeof name, "page%d.html", i);
        snprintf(title, sizeof title, "River report %d", i);
        int n = snprintf(html, sizeof html,
                         "<html><head><title>%s</title></head><body><p>Villagers by the river "
                         "spoke of rights, land and water in report %d.</p></body></html>",
                         title, i);
        rc = testutil_add_html(w, name, title, html, (size_t)n);
    }
    rc = testutil_finish(w, rc, "page0.html", "Rivers");
    smz_writer_free(w);
    return rc == SMZ_OK;
}

static int hits(smz_reader *r, smz_err *rc)
{
    smz_results *res = NULL;
    *rc = smz_search(r, "river rights", 10, 0, &res);
    int n = *rc == SMZ_OK ? (int)res->n : -1;
    smz_results_free(res);
    return n;
}

int main(void)
{
    sqlite3_mem_methods mine;
    sqlite3_config(SQLITE_CONFIG_GETMALLOC, &real_mem);
    mine = real_mem;
    mine.xMalloc = x_malloc;
    mine.xRealloc = x_realloc;
    CHECK(sqlite3_config(SQLITE_CONFIG_MALLOC, &mine) == SQLITE_OK,
          "SQLite takes the failing allocator (before it starts)");
    CHECK(build("nomem.smz"), "a small archive is packed");

    sqlite3 *db = NULL;
    sqlite3_stmt *s = NULL;
    int packed = sqlite3_open_v2("nomem.smz", &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
                 sqlite3_prepare_v2(db, "SELECT count(*) FROM search_packed", -1, &s, NULL) ==
                     SQLITE_OK &&
                 sqlite3_step(s) == SQLITE_ROW && sqlite3_column_int(s, 0) == 1;
    sqlite3_finalize(s);
    sqlite3_close(db);
    smz_reader *r = NULL;
    smz_err rc = smz_reader_open("nomem.smz", NULL, &r);
    CHECK(rc == SMZ_OK && packed, "it opens, and its index is packed");
    allocs = 0;
    fail_at = 1L << 40;
    int want = hits(r, &rc);
    long total = allocs;
    fail_at = 0;
    smz_reader_close(r);
    CHECK(want > 0, "a search finds %d pages with %ld allocations of SQLite's", want, total);

    long unclean = 0, after_bad = 0, attach_oom = 0, nomem = 0;
    for (long k = 1; k <= total + 2; k++) {
        r = NULL;
        if (smz_reader_open("nomem.smz", NULL, &r) != SMZ_OK) {
            unclean++;
            continue;
        }
        allocs = 0;
        fail_at = k;
        int got = hits(r, &rc);
        fail_at = 0;
        if (rc == SMZ_E_NOMEM && smz_reader_errmsg(r)[0]) {
            nomem++;
            attach_oom += strstr(smz_reader_errmsg(r), "attaching the packed index") != NULL;
        } else if (rc != SMZ_OK || got != want) {
            if (unclean++ < 8)
                printf("# k=%ld: %s '%s' (%d hits)\n", k, smz_strerror(rc), smz_reader_errmsg(r), got);
        }
        /* the same handle, with memory back */
        uint64_t problems = 1;
        smz_err c1 = SMZ_OK, c2 = smz_reader_check(r, NULL, NULL, &problems);
        int again = hits(r, &c1);
        if (c1 != SMZ_OK || again != want || c2 != SMZ_OK || problems) {
            if (after_bad++ < 8)
                printf("# k=%ld, after: search %s (%d hits), check %s, %llu problems\n", k,
                       smz_strerror(c1), again, smz_strerror(c2), (unsigned long long)problems);
        }
        smz_reader_close(r);
    }
    CHECK(unclean == 0,
          "a failure at each of the %ld allocations ends in success or 'out of memory' "
          "(%ld did)",
          total, nomem);
    CHECK(attach_oom > 0, "... %ld of them while SQLite attaches the packed index", attach_oom);
    CHECK(after_bad == 0, "... and the handle then searches, finds the same pages, and checks clean");
    remove("nomem.smz");
    return CHECK_DONE();
}
