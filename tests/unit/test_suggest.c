/* Unit tests for smz_suggest (lib/search/search.c, titlematch.c): words
 * matched anywhere in a title, the order (the title typed, titles that
 * begin with it, titles whose first word matches, words in a row, whole
 * words, shorter titles), what matched as stretches in bytes and in
 * characters (Latin with accents, CJK, compounds, stems, a character
 * outside the BMP), one suggestion per title, and bounded work: a one-letter
 * prefix on 6,000 titles that all hold words starting with it. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "check.h"
#include "smz/reader.h"
#include "smz/search.h"
#include "smz/writer.h"
#include "testutil.h"
#include "text/utf8.h"

#define MANY 6000

static int build(const char *path, int many)
{
    static const char *const titles[][2] = {
        {"x1.html", "Xinjiang"},
        {"x2.html", "Xinjiang cotton trade"},
        {"x2b.html", "Xinjiang cotton trade"}, /* the same title again: suggested once */
        {"x3.html", "UN report over Xinjiang"},
        {"x4.html", "Cotton from Xinjiang and beyond"},
        {"x5.html", "Xinjiang: Xinjiang again"},
        {"x6.html", "\xF0\x9F\x98\x80 Xinjiang"}, /* U+1F600, 4 bytes, one character */
        {"o1.html", "Winter Olympics 2022"},
        {"o2.html", "Beijing Winter Olympics"},
        {"o3.html", "Olympics held in winter"},
        {"o4.html", "Olympic"},
        {"d1.html", "Diplomatic boycott of the Games"},
        {"z1.html", "维吾尔族的历史"},
        {"z2.html", "新疆维吾尔自治区"},
        {"z3.html", "维吾"},
        {"c1.html", "Café crème à Paris"},
        {"p1.html", "pg_restore and pg_dump"},
    };
    smz_writer_opts o = {.threads = 1, .stem_english = 1};
    smz_writer *w = NULL;
    smz_err rc = smz_writer_new(path, &o, &w);
    char html[512];
    for (size_t i = 0; rc == SMZ_OK && i < sizeof titles / sizeof titles[0]; i++) {
        int n = snprintf(html, sizeof html, "<html><body><p>Some text %zu.</p></body></html>", i);
        rc = testutil_add_html(w, titles[i][0], titles[i][1], html, (size_t)n);
    }
    /* Titles whose every word starts with "a": a short prefix matches all. */
    uint64_t seed = 7;
    for (int i = 0; rc == SMZ_OK && i < many; i++) {
        char title[128], p[32];
        int k = 0;
        for (int j = 0; j < 4; j++)
            k += snprintf(title + k, sizeof title - (size_t)k, "%sa%u", j ? " " : "",
                          (unsigned)(testutil_rnd(&seed) % 5000));
        snprintf(p, sizeof p, "many/%05d.html", i);
        int n = snprintf(html, sizeof html, "<html><body><p>Page %d.</p></body></html>", i);
        rc = testutil_add_html(w, p, title, html, (size_t)n);
    }
    rc = testutil_finish(w, rc, "x1.html", "Suggestions");
    smz_writer_free(w);
    return rc == SMZ_OK;
}

/* The titles of PREFIX's suggestions joined by '|', each matched stretch
 * in [ ] (by its bytes), in a static buffer; "error N" on failure.  Checks
 * on the way that the stretches are in order, apart, inside the title, and
 * that their characters are their bytes counted. */
static const char *marks(smz_reader *r, const char *prefix, int *consistent)
{
    static char buf[8192];
    smz_results *res = NULL;
    smz_err rc = smz_suggest(r, prefix, 10, &res);
    if (rc != SMZ_OK) {
        snprintf(buf, sizeof buf, "error %d", (int)rc);
        return buf;
    }
    size_t len = 0;
    buf[0] = 0;
    for (size_t i = 0; i < res->n; i++) {
        const smz_hit *h = &res->hits[i];
        size_t at = 0, tl = strlen(h->title);
        len += (size_t)snprintf(buf + len, sizeof buf - len, "%s", i ? "|" : "");
        for (size_t k = 0; k < h->nmatch; k++) {
            const smz_span *m = &h->match[k];
            if (m->start < at || m->start + m->len > tl || !m->len || (k && m->start == at) ||
                smz__utf8_count(h->title, m->start) != m->cstart ||
                smz__utf8_count(h->title + m->start, m->len) != m->clen) {
                *consistent = 0;
                break;
            }
            len += (size_t)snprintf(buf + len, sizeof buf - len, "%.*s[%.*s]", (int)(m->start - at),
                                    h->title + at, (int)m->len, h->title + m->start);
            at = m->start + m->len;
        }
        len += (size_t)snprintf(buf + len, sizeof buf - len, "%s", h->title + at);
        if (len >= sizeof buf)
            len = sizeof buf - 1;
    }
    smz_results_free(res);
    return buf;
}

int main(void)
{
    smz_reader *r = NULL;
    int ok = 1;
    const char *got;

    CHECK(build("s.smz", MANY), "an archive is built");
    CHECK(smz_reader_open("s.smz", NULL, &r) == SMZ_OK, "it opens: %s", smz_reader_errmsg(r));

    got = marks(r, "xinj", &ok);
    CHECK(!strcmp(got, "[Xinjiang]|\xF0\x9F\x98\x80 [Xinjiang]|[Xinjiang] cotton trade|"
                       "[Xinjiang]: [Xinjiang] again|UN report over [Xinjiang]|"
                       "Cotton from [Xinjiang] and beyond"),
          "xinj: titles beginning with the word first, shorter first, then the word inside, each "
          "title once, every Xinjiang marked: %s",
          got);
    got = marks(r, "cotton xinj", &ok);
    CHECK(!strcmp(got, "[Cotton] from [Xinjiang] and beyond|[Xinjiang] [cotton] trade"),
          "two words in any order; the title whose first word is the first typed first: %s", got);
    got = marks(r, "winter olymp", &ok);
    CHECK(!strcmp(got,
                  "[Winter] [Olympics] 2022|Beijing [Winter] [Olympics]|[Olympics] held in [winter]"),
          "the title beginning with the words, then the words in a row, then apart: %s", got);
    got = marks(r, "olymp", &ok);
    CHECK(
        !strcmp(got,
                "[Olympic]|[Olympics] held in winter|Winter [Olympics] 2022|Beijing Winter [Olympics]"),
        "olymp: first words first, shorter first: %s", got);
    got = marks(r, "olympics ", &ok);
    CHECK(
        !strcmp(got,
                "[Olympic]|[Olympics] held in winter|Winter [Olympics] 2022|Beijing Winter [Olympics]"),
        "a whole word matches by stem: %s", got);
    got = marks(r, "held winter", &ok);
    CHECK(!strcmp(got, "Olympics [held] in [winter]"), "earlier words are whole words: %s", got);
    got = marks(r, "hel winter", &ok);
    CHECK(!strcmp(got, ""), "... not prefixes (only the last word is one): %s", got);
    got = marks(r, "diplomati", &ok);
    CHECK(!strcmp(got, "[Diplomatic] boycott of the Games"),
          "a prefix longer than the word's stem marks the word: %s", got);
    got = marks(r, "cafe", &ok);
    CHECK(!strcmp(got, "[Café] crème à Paris"), "accents: the word as written is marked: %s", got);
    got = marks(r, "CRÈME", &ok);
    CHECK(!strcmp(got, "Café [crème] à Paris"), "case and accents typed: %s", got);
    got = marks(r, "维吾", &ok);
    CHECK(!strcmp(got, "[维吾]|[维吾]尔族的历史|新疆[维吾]尔自治区"),
          "CJK: the title that is the characters typed, then those beginning with them, then those "
          "holding them; the characters marked: %s",
          got);
    got = marks(r, "维吾尔", &ok);
    CHECK(!strcmp(got, "[维吾尔]族的历史|新疆[维吾尔]自治区"), "three characters marked as one: %s",
          got);
    got = marks(r, "历史", &ok);
    CHECK(!strcmp(got, "维吾尔族的[历史]"), "characters at a title's end: %s", got);
    got = marks(r, "pg_rest", &ok);
    CHECK(!strcmp(got, "[pg_restore] and pg_dump"), "a compound's prefix marks the compound: %s", got);
    got = marks(r, "dump", &ok);
    CHECK(!strcmp(got, "pg_restore and pg_[dump]"), "a compound's second word alone: %s", got);
    got = marks(r, "zzz", &ok);
    CHECK(!strcmp(got, ""), "nothing for a prefix no title has: %s", got);
    CHECK(ok, "every stretch is in order, apart, inside its title, its characters its bytes counted");

    { /* The stretches in characters, outside the BMP: U+1F600 is one. */
        smz_results *res = NULL;
        smz_err rc = smz_suggest(r, "xinjiang", 10, &res);
        const smz_hit *h = NULL;
        for (size_t i = 0; rc == SMZ_OK && i < res->n; i++)
            if (!strcmp(res->hits[i].path, "x6.html"))
                h = &res->hits[i];
        CHECK(h && h->nmatch == 1 && h->match[0].start == 5 && h->match[0].len == 8 &&
                  h->match[0].cstart == 2 && h->match[0].clen == 8,
              "an emoji before the word: bytes 5+8, characters 2+8");
        CHECK(rc == SMZ_OK && res->n && !strcmp(res->hits[0].title, "Xinjiang") &&
                  res->hits[0].nmatch == 1,
              "the whole title typed comes first");
        smz_results_free(res);
    }

    { /* Bounded: "a" matches every one of MANY titles. */
        smz_results *res = NULL;
        clock_t t0 = clock();
        smz_err rc = smz_suggest(r, "a", 10, &res);
        double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
        printf("# suggest 'a' over %d titles: %.3f s\n", MANY, secs);
        CHECK(rc == SMZ_OK && res->n == 10, "a one-letter prefix gives a full page");
        int all = 1;
        for (size_t i = 0; rc == SMZ_OK && i < res->n; i++)
            all &= res->hits[i].nmatch >= 1 && res->hits[i].title[0] == 'a';
        CHECK(all, "... of titles beginning with it, each with its words marked");
        CHECK(secs < 2.0, "... in bounded time (%.3f s)", secs);
        smz_results_free(res);
        res = NULL;
        rc = smz_suggest(r, "a1 a", 10, &res);
        CHECK(rc == SMZ_OK, "a word and a one-letter prefix: %s", smz_strerror(rc));
        smz_results_free(res);
    }

    { /* Many words typed: more than are marked; still an answer. */
        char typed[257];
        size_t k = 0;
        while (k + 2 < sizeof typed - 1) {
            typed[k++] = 'a';
            typed[k++] = ' ';
        }
        typed[k] = 0;
        smz_results *res = NULL;
        smz_err rc = smz_suggest(r, typed, 10, &res);
        CHECK(rc == SMZ_OK, "128 words typed are no error: %s (%s)", smz_strerror(rc),
              smz_reader_errmsg(r));
        smz_results_free(res);
    }
    smz_reader_close(r);
    return CHECK_DONE();
}
