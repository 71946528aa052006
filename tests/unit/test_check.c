/* smz_reader_check on two cores: steps 1 to 1d run on a second handle in a
 * thread (which then decodes clusters ahead for the digest) while the
 * calling one computes the digest, checks every entry on the way, and
 * checks the clusters; when no second handle can be had (here: the archive
 * was unlinked after it was opened, so it cannot be opened again), all of
 * it runs on the caller's handle.  Both ways must find the same problems,
 * told in the same order, on a sound archive (none) and on a damaged one:
 * one whose entries lie in clusters in path order, and one whose path
 * order jumps from cluster to cluster (SCATTERED: the pages were added in
 * another order), which the digest reads as planned, with the second
 * thread decoding for it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sqlite3.h>
#include "check.h"
#include "smz/reader.h"
#include "smz/writer.h"
#include "testutil.h"

static int make(const char *path, int scattered)
{
    smz_writer *w = NULL;
    smz_writer_opts wo = {.threads = 1, .level = 1, .cluster_size = 64 << 10};
    smz_err rc = smz_writer_new(path, &wo, &w);
    char buf[8000];
    for (int i = 0; rc == SMZ_OK && i < 300; i++) {
        char p[64], title[64];
        size_t n = 0;
        snprintf(p, sizeof p, "p/%04d.html", scattered ? i * 37 % 300 : i);
        snprintf(title, sizeof title, "Page %d", i);
        n += (size_t)snprintf(buf + n, sizeof buf - n, "<html><body><p>");
        for (int k = 0; k < 400 && n < sizeof buf - 100; k++)
            n += (size_t)snprintf(buf + n, sizeof buf - n, "word%d w%d ", (i * 37 + k) % 911,
                                  k * i % 1009);
        rc = testutil_add_page(w, p, title, buf, n, buf, n);
    }
    rc = testutil_finish(w, rc, "p/0000.html", "Check");
    smz_writer_free(w);
    return rc == SMZ_OK ? 0 : -1;
}

/* Flips a byte in the middle of cluster CID's data. */
static int damage(const char *path, int64_t cid)
{
    sqlite3 *db = NULL;
    sqlite3_blob *b = NULL;
    int ok = sqlite3_open(path, &db) == SQLITE_OK &&
             sqlite3_blob_open(db, "main", "clusters", "data", cid, 1, &b) == SQLITE_OK;
    if (ok) {
        unsigned char c;
        int at = sqlite3_blob_bytes(b) / 2;
        ok = sqlite3_blob_read(b, &c, 1, at) == SQLITE_OK;
        c ^= 0x5a;
        ok = ok && sqlite3_blob_write(b, &c, 1, at) == SQLITE_OK;
    }
    sqlite3_blob_close(b);
    sqlite3_close(db);
    return ok ? 0 : -1;
}

typedef struct told {
    char text[20000];
    size_t len;
} told;

static void on_problem(void *ctx, const char *path, const char *msg)
{
    told *t = ctx;
    int n = snprintf(t->text + t->len, sizeof t->text - t->len, "%s: %s\n", path, msg);
    if (n > 0 && (size_t)n < sizeof t->text - t->len)
        t->len += (size_t)n;
}

/* Checks PATH (UNLINKED: the file is copied to a scratch name, opened, and
 * that name unlinked first); the problems told go to T. */
static smz_err check(const char *path, int unlinked, told *t, uint64_t *n)
{
    smz_reader *r = NULL;
    const char *open_as = path;
    char cmd[300];
    memset(t, 0, sizeof *t);
    *n = 0;
    if (unlinked) {
        snprintf(cmd, sizeof cmd, "cp %s gone.smz", path);
        if (system(cmd) != 0)
            return SMZ_E_IO;
        open_as = "gone.smz";
    }
    smz_err rc = smz_reader_open(open_as, NULL, &r);
    if (rc == SMZ_OK && unlinked)
        unlink(open_as);
    if (rc == SMZ_OK)
        rc = smz_reader_check(r, on_problem, t, n);
    smz_reader_close(r);
    return rc;
}

/* Both ways on a sound archive made by MAKE(..., SCATTERED), then with a
 * byte of cluster 2 flipped. */
static void both_ways(int scattered)
{
    told *a = malloc(sizeof *a), *b = malloc(sizeof *b);
    uint64_t na = 0, nb = 0;
    const char *how = scattered ? "scattered" : "in order";
    CHECK(a && b && make("sound.smz", scattered) == 0, "an archive of several clusters (%s)", how);
    CHECK(check("sound.smz", 0, a, &na) == SMZ_OK && na == 0, "%s: checked on two handles: sound (%s)",
          how, a->text);
    CHECK(check("sound.smz", 1, b, &nb) == SMZ_OK && nb == 0,
          "%s: checked on one (it cannot be opened again): sound (%s)", how, b->text);

    CHECK(system("cp sound.smz damaged.smz") == 0 && damage("damaged.smz", 2) == 0,
          "%s: a byte of cluster 2 flipped", how);
    CHECK(check("damaged.smz", 0, a, &na) == SMZ_OK && na > 0 &&
              strstr(a->text, "cluster 2: checksum mismatch") &&
              strstr(a->text, "content digest not computable"),
          "%s: checked on two handles: cluster 2 named, the digest not computable (%llu problems)", how,
          (unsigned long long)na);
    CHECK(check("damaged.smz", 1, b, &nb) == SMZ_OK && nb == na && !strcmp(a->text, b->text),
          "%s: checked on one: the same %llu problems in the same order", how, (unsigned long long)nb);
    printf("# %s, first lines: %.300s\n", how, a->text);
    unlink("sound.smz");
    unlink("damaged.smz");
    free(a);
    free(b);
}

int main(void)
{
    both_ways(0);
    both_ways(1);
    return CHECK_DONE();
}
