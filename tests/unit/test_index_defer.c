/* The writer's index, built at the end from the pages' text in id order
 * (lib/writer.c, index_deferred), and past smz_writer_opts.index_defer_max
 * bytes of text as the pages come: both ways the archive is sound and finds
 * the same pages, so a pack larger than the threshold loses nothing. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "check.h"
#include "smz/reader.h"
#include "smz/search.h"
#include "smz/writer.h"
#include "testutil.h"

static int make(const char *path, uint64_t defer_max)
{
    smz_writer *w = NULL;
    smz_writer_opts wo = {.threads = 1, .level = 1, .index_defer_max = defer_max};
    smz_err rc = smz_writer_new(path, &wo, &w);
    char buf[3000], p[64], title[64];
    for (int i = 0; rc == SMZ_OK && i < 120; i++) {
        size_t n = 0;
        snprintf(p, sizeof p, "p/%04d.html", i);
        snprintf(title, sizeof title, "Page %d", i);
        for (int k = 0; k < 200 && n < sizeof buf - 40; k++)
            n += (size_t)snprintf(buf + n, sizeof buf - n, "word%d ", (i * 7 + k * 13) % 401);
        rc = testutil_add_page(w, p, title, buf, n, buf, n);
    }
    rc = testutil_finish(w, rc, "p/0000.html", "Defer");
    smz_writer_free(w);
    return rc == SMZ_OK ? 0 : -1;
}

/* The paths of the first 200 hits of QUERY, one a line, into OUT. */
static int hits(const char *path, const char *query, char *out, size_t cap)
{
    smz_reader *r = NULL;
    smz_results *res = NULL;
    size_t n = 0;
    out[0] = 0;
    if (smz_reader_open(path, NULL, &r) != SMZ_OK || smz_search(r, query, 200, 0, &res) != SMZ_OK) {
        smz_reader_close(r);
        return -1;
    }
    for (size_t i = 0; i < res->n && n + 64 < cap; i++)
        n += (size_t)snprintf(out + n, cap - n, "%s\n", res->hits[i].path);
    smz_results_free(res);
    uint64_t problems = 1;
    int rc = smz_reader_check(r, NULL, NULL, &problems) == SMZ_OK && problems == 0 ? (int)n : -1;
    smz_reader_close(r);
    return rc;
}

int main(void)
{
    char dir[] = "/tmp/smz-defer-XXXXXX", a[64], b[64];
    static char ha[20000], hb[20000];
    CHECK(mkdtemp(dir) != NULL, "a scratch folder");
    snprintf(a, sizeof a, "%s/a.smz", dir);
    snprintf(b, sizeof b, "%s/b.smz", dir);
    CHECK(make(a, 0) == 0, "packed with the text indexed at the end");
    CHECK(make(b, 4096) == 0, "packed with the text indexed as it comes past 4 KB");
    const char *q[] = {"word7", "word100 word200", "page"};
    for (size_t i = 0; i < sizeof q / sizeof *q; i++) {
        int na = hits(a, q[i], ha, sizeof ha), nb = hits(b, q[i], hb, sizeof hb);
        CHECK(na > 0 && na == nb && !strcmp(ha, hb),
              "'%s': the same hits both ways, and both archives check", q[i]);
    }
    unlink(a);
    unlink(b);
    rmdir(dir);
    return CHECK_DONE();
}
