/* Unit tests for "did you mean" (lib/search/fuzzy.c: smz_correct and
 * smz_search_fuzzy) on a small English (stemmed) archive built here:
 * corrections one edit away ranked by cost then pages, words as written
 * rather than stems, spelling variants (British and American,
 * transliterations), the fuzzy search finding every spelling, a connection
 * left read-only, and hostile queries that stay bounded. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "check.h"
#include "reader_priv.h"
#include "smz/reader.h"
#include "smz/search.h"
#include "smz/writer.h"
#include "testutil.h"

static int build(const char *path, int no_index)
{
    static const char *const pages[][3] = {
        {"colour.html", "Colour theory", "The colour of the sky."},
        {"color.html", "Color models", "Color spaces."},
        {"organise.html", "Filing", "How to organise the files."},
        {"organize.html", "Sorting", "How to organize them."},
        {"kitten1.html", "Cats", "A kitten sleeps."},
        {"kitten2.html", "More cats", "Another kitten."},
        {"mitten.html", "Gloves", "A mitten."},
        {"receive1.html", "Mail", "We receive letters."},
        {"run.html", "Sport", "She was running fast."},
        {"u1.html", "Uyghur region", "The Uyghur people."},
        {"u2.html", "Report", "Uighur groups."},
        {"u3.html", "News", "Uygur and Uyghur."},
    };
    smz_writer_opts o = {.threads = 1, .no_index = no_index, .stem_english = 1};
    smz_writer *w = NULL;
    smz_err rc = smz_writer_new(path, &o, &w);
    for (size_t i = 0; rc == SMZ_OK && i < sizeof pages / sizeof pages[0]; i++) {
        char html[512];
        int n = snprintf(html, sizeof html,
                         "<html><head><title>t</title></head><body><p>%s</p></body></html>",
                         pages[i][2]);
        rc = testutil_add_html(w, pages[i][0], pages[i][1], html, (size_t)n);
    }
    rc = testutil_finish(w, rc, NULL, NULL);
    smz_writer_free(w);
    return rc == SMZ_OK;
}

/* The first alternative of QUERY's first word, "-" for none; "error N". */
static const char *first_alt(smz_reader *r, const char *query, char *buf, size_t len)
{
    smz_correction *c = NULL;
    smz_err rc = smz_correct(r, query, &c);
    if (rc != SMZ_OK)
        snprintf(buf, len, "error %d", (int)rc);
    else
        snprintf(buf, len, "%s", c->n && c->words[0].n ? c->words[0].alts[0] : "-");
    smz_correction_free(c);
    return buf;
}

static int has_alt(smz_reader *r, const char *query, const char *alt)
{
    smz_correction *c = NULL;
    int found = 0;
    if (smz_correct(r, query, &c) == SMZ_OK)
        for (size_t i = 0; i < c->n; i++)
            for (size_t k = 0; k < c->words[i].n; k++)
                found |= !strcmp(c->words[i].alts[k], alt);
    smz_correction_free(c);
    return found;
}

static size_t hits(smz_reader *r, const char *query, int fuzzy)
{
    smz_results *res = NULL;
    smz_err rc = fuzzy ? smz_search_fuzzy(r, query, 50, 0, SMZ_SEARCH_NO_SNIPPETS, &res)
                       : smz_search_ex(r, query, 50, 0, SMZ_SEARCH_NO_SNIPPETS, &res);
    size_t n = rc == SMZ_OK ? res->n : (size_t)-1;
    smz_results_free(res);
    return n;
}

int main(void)
{
    char dir[] = "/tmp/smz-fuzzy-XXXXXX", path[256], plain[256], buf[128];
    CHECK(mkdtemp(dir) != NULL, "a scratch folder");
    snprintf(path, sizeof path, "%s/f.smz", dir);
    snprintf(plain, sizeof plain, "%s/ni.smz", dir);
    CHECK(build(path, 0) && build(plain, 1), "the archives are written");
    smz_reader *r = NULL;
    CHECK(smz_reader_open(path, NULL, &r) == SMZ_OK, "the archive opens");

    smz_correction *c = NULL;
    CHECK(smz_correct(r, "Kittn sleeps", &c) == SMZ_OK, "smz_correct runs");
    CHECK(c && c->did_you_mean && !strcmp(c->did_you_mean, "Kitten sleeps"),
          "a dropped letter: did_you_mean in the case typed, the other word kept");
    CHECK(c && c->n == 2 && c->words[0].corrected && c->words[0].docs == 0 &&
              c->words[0].alt_docs[0] == 2 && c->words[0].start == 0 && c->words[0].end == 5,
          "... the word's place, pages and its alternative's pages");
    smz_correction_free(c);
    CHECK(!strcmp(first_alt(r, "kittten", buf, sizeof buf), "kitten"), "a doubled letter");
    CHECK(!strcmp(first_alt(r, "recieve", buf, sizeof buf), "receive"), "two letters swapped");
    CHECK(!strcmp(first_alt(r, "mittn", buf, sizeof buf), "mitten"),
          "the nearest word, not the most frequent");
    CHECK(!strcmp(first_alt(r, "kiotteqn", buf, sizeof buf), "kitten"), "two extra letters");
    CHECK(!strcmp(first_alt(r, "xitten", buf, sizeof buf), "kitten"),
          "two words one edit away: the one in more pages (kitten 2, mitten 1)");
    CHECK(!strcmp(first_alt(r, "runnning", buf, sizeof buf), "running"),
          "a word as written, not its stem (run)");
    CHECK(has_alt(r, "colour", "color") && has_alt(r, "color", "colour"),
          "British and American: colour, color");
    CHECK(has_alt(r, "organise", "organize"), "organise, organize");
    CHECK(has_alt(r, "uyghur", "uighur") && has_alt(r, "uyghur", "uygur") &&
              has_alt(r, "uighur", "uygur"),
          "transliterations: Uyghur, Uighur, Uygur");
    CHECK(smz_correct(r, "colour", &c) == SMZ_OK && c->did_you_mean == NULL && !c->words[0].corrected,
          "a word the archive has is not corrected");
    smz_correction_free(c);

    CHECK(hits(r, "colour", 0) == 1 && hits(r, "colour", 1) == 2, "fuzzy: colour finds color");
    CHECK(hits(r, "Uighur", 0) == 1 && hits(r, "Uighur", 1) == 3,
          "fuzzy: Uighur finds all three spellings");
    CHECK(hits(r, "kittn", 0) == 0 && hits(r, "kittn", 1) == 2, "fuzzy: a misspelt word is corrected");
    CHECK(hits(r, "zzzzqqqq", 1) == 0, "fuzzy: nothing to correct, nothing found");

    /* The vocabulary tables are made with query_only lifted for a moment:
     * it must be back on, and the archive never writable. */
    sqlite3 *db = smz__reader_db(r);
    CHECK(sqlite3_exec(db, "CREATE TEMP TABLE t(x)", NULL, NULL, NULL) != SQLITE_OK,
          "the connection is query-only again after smz_correct");
    CHECK(sqlite3_exec(db, "DELETE FROM metadata", NULL, NULL, NULL) != SQLITE_OK,
          "... and the archive read-only");

    CHECK(smz_correct(r, "", &c) == SMZ_OK && c->n == 0 && !c->did_you_mean, "an empty query: nothing");
    smz_correction_free(c);
    CHECK(smz_correct(r, "\xff\xfe kittn \"", &c) == SMZ_OK && c->did_you_mean,
          "invalid UTF-8 and a stray quote");
    smz_correction_free(c);
    /* Sixteen words of forty letters: every lookup budget reached. */
    char big[1024];
    size_t n = 0;
    uint64_t seed = 7;
    for (int w = 0; w < 16; w++) {
        for (int k = 0; k < 40; k++)
            big[n++] = (char)('a' + testutil_rnd(&seed) % 26);
        big[n++] = ' ';
    }
    big[n - 1] = 0;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK(smz_correct(r, big, &c) == SMZ_OK && !c->did_you_mean,
          "sixteen long nonsense words: no correction");
    clock_gettime(CLOCK_MONOTONIC, &t1);
    smz_correction_free(c);
    double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
    CHECK(ms < 2000, "... in bounded time");
    char huge[2048];
    memset(huge, 'a', sizeof huge - 1);
    huge[sizeof huge - 1] = 0;
    CHECK(smz_correct(r, huge, &c) == SMZ_E_TOOBIG && !c, "an over-long query is refused");
    smz_reader_close(r);

    CHECK(smz_reader_open(plain, NULL, &r) == SMZ_OK, "the archive without an index opens");
    CHECK(smz_correct(r, "kittn", &c) == SMZ_E_UNSUPPORTED && !c, "no index: SMZ_E_UNSUPPORTED");
    smz_results *res = NULL;
    CHECK(smz_search_fuzzy(r, "kittn", 10, 0, 0, &res) == SMZ_E_UNSUPPORTED && !res,
          "... for the fuzzy search too");
    smz_reader_close(r);
    remove(path);
    remove(plain);
    rmdir(dir);
    return CHECK_DONE();
}
