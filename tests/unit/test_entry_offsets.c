/* The offsets' form of an entry block (lib/entries.h, smz__entries_offsets),
 * which update deltas take: real blocks of an archive of two types of
 * entries in one cluster go there and back byte for byte, and most of their
 * offsets become 0; a block that gained entries in the middle differs from
 * the old one in that form only around them; damaged and random input is
 * refused or turned into something no longer than asked, never read past. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sqlite3.h>
#include <zstd.h>
#include "check.h"
#include "entries.h"
#include "smz/writer.h"
#include "testutil.h"

/* An archive of N pages, each with a stylesheet-like sibling of another
 * type, SKIP (when >= 0) left out. */
static int make(const char *path, int n, int skip)
{
    smz_writer *w = NULL;
    smz_writer_opts wo = {.threads = 1, .level = 3, .no_index = 1};
    smz_err rc = smz_writer_new(path, &wo, &w);
    char buf[600], p[64];
    for (int i = 0; rc == SMZ_OK && i < n; i++) {
        if (i == skip)
            continue;
        int len = snprintf(buf, sizeof buf, "<html><body><p>page %d of %d %s</p></body></html>", i, n,
                           i % 3 ? "with more words in it" : "");
        snprintf(p, sizeof p, "a/%04d.html", i);
        rc = testutil_add_html(w, p, "", buf, (size_t)len);
        snprintf(p, sizeof p, "a/%04d.txt", i);
        smz_writer_entry e = {.path = p, .mime = "text/plain", .data = buf, .size = (size_t)len / 2};
        if (rc == SMZ_OK)
            rc = smz_writer_add(w, &e);
    }
    rc = testutil_finish(w, rc, "a/0000.html", "Offsets");
    smz_writer_free(w);
    return rc == SMZ_OK ? 0 : -1;
}

/* The first entry block of PATH, decoded. */
static unsigned char *first_block(const char *path, size_t *len)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *s = NULL;
    unsigned char *out = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, "SELECT data FROM entry_blocks ORDER BY id LIMIT 1", -1, &s, NULL) ==
            SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW) {
        const void *z = sqlite3_column_blob(s, 0);
        size_t zn = (size_t)sqlite3_column_bytes(s, 0);
        unsigned long long n = ZSTD_getFrameContentSize(z, zn);
        if (n != ZSTD_CONTENTSIZE_ERROR && n != ZSTD_CONTENTSIZE_UNKNOWN && (out = malloc(n + 1)) &&
            ZSTD_decompress(out, n, z, zn) == n)
            *len = n;
        else {
            free(out);
            out = NULL;
        }
    }
    sqlite3_finalize(s);
    sqlite3_close(db);
    return out;
}

/* What a delta of B (BN) against A (AN) takes: zstd, A as its prefix. */
static size_t delta_size(const unsigned char *a, size_t an, const unsigned char *b, size_t bn)
{
    ZSTD_CCtx *cc = ZSTD_createCCtx();
    size_t cap = ZSTD_compressBound(bn), r = 0;
    void *out = malloc(cap);
    if (cc && out) {
        ZSTD_CCtx_setParameter(cc, ZSTD_c_compressionLevel, 19);
        ZSTD_CCtx_refPrefix(cc, a, an);
        r = ZSTD_compress2(cc, out, cap, b, bn);
        if (ZSTD_isError(r))
            r = 0;
    }
    free(out);
    ZSTD_freeCCtx(cc);
    return r;
}

int main(void)
{
    char dir[] = "/tmp/smz-offsets-XXXXXX", a[64], b[64];
    CHECK(mkdtemp(dir) != NULL, "a scratch folder");
    snprintf(a, sizeof a, "%s/a.smz", dir);
    snprintf(b, sizeof b, "%s/b.smz", dir);
    CHECK(make(a, 200, 100) == 0 && make(b, 200, -1) == 0,
          "two archives, the second with one page more");
    size_t al = 0, bl = 0, tal = 0, tbl = 0, rl = 0;
    unsigned char *ab = first_block(a, &al), *bb = first_block(b, &bl), *ta = NULL, *tb = NULL,
                  *r = NULL;
    CHECK(ab && bb, "their first entry blocks");
    if (!ab || !bb)
        return CHECK_DONE();
    CHECK(smz__entries_offsets(ab, al, 1, 0, &ta, &tal) == SMZ_OK,
          "a block goes into the offsets' form");
    CHECK(smz__entries_offsets(bb, bl, 1, 0, &tb, &tbl) == SMZ_OK, "... the other too");
    CHECK(smz__entries_offsets(ta, tal, 0, al, &r, &rl) == SMZ_OK && rl == al && !memcmp(r, ab, al),
          "and back, byte for byte");
    free(r);
    r = NULL;
    CHECK(smz__entries_offsets(ta, tal, 0, al - 1, &r, &rl) == SMZ_E_CORRUPT && !r,
          "back into fewer bytes than it takes: refused");
    size_t raw = delta_size(ab, al, bb, bl), form = delta_size(ta, tal, tb, tbl);
    printf(
        "# one entry pair added in the middle: a delta of %zu bytes as stored, %zu in the offsets' form\n",
        raw, form);
    CHECK(form && form * 3 < raw,
          "an added entry moves every later offset, but not in the offsets' form");
    /* Damaged: every cut, and random bytes; neither way reads past IN. */
    int refused = 0, within = 1;
    for (size_t cut = 0; cut < al; cut += 7) {
        unsigned char *c = malloc(cut ? cut : 1), *o = NULL;
        size_t ol = 0;
        memcpy(c, ab, cut);
        refused += smz__entries_offsets(c, cut, 1, 0, &o, &ol) == SMZ_E_CORRUPT;
        free(o);
        o = NULL;
        smz__entries_offsets(c, cut, 0, 4096, &o, &ol);
        within &= !o || ol <= 4096;
        free(o);
        free(c);
    }
    CHECK(refused > 0, "cut blocks are refused (%d)", refused);
    CHECK(within, "cut blocks, back: within the bound asked");
    uint64_t st = 7;
    int bounded = 1;
    for (int k = 0; k < 2000; k++) {
        size_t n = testutil_rnd(&st) % 300;
        unsigned char *c = malloc(n ? n : 1), *o = NULL;
        size_t ol = 0;
        for (size_t i = 0; i < n; i++)
            c[i] = (unsigned char)(k % 3 ? testutil_rnd(&st) % 4 : testutil_rnd(&st));
        if (smz__entries_offsets(c, n, k & 1, 200, &o, &ol) == SMZ_OK && !(k & 1) && ol > 200)
            bounded = 0;
        free(o);
        free(c);
    }
    CHECK(bounded, "random bytes: refused, or within the bound asked");
    free(ab);
    free(bb);
    free(ta);
    free(tb);
    unlink(a);
    unlink(b);
    rmdir(dir);
    return CHECK_DONE();
}
