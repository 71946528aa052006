/* Unit tests for smz_search and smz_suggest (lib/search/search.c, match.c,
 * rank.c) on a small archive built here with the writer: ranking with the
 * exact title first, phrases and CJK words checked on the text, exclusions,
 * prefixes (also those longer than a title word's stem), diacritics and
 * stemming, snippets that are escaped and cut on
 * character boundaries, paging, and hostile queries. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "check.h"
#include "smz/reader.h"
#include "smz/search.h"
#include "smz/writer.h"
#include "testutil.h"
#include "text/utf8.h"

typedef struct page {
    const char *path, *title, *body;
} page;

static char *long_body(size_t n, const char *tail)
{
    static const char word[] = "filler ";
    char *b = malloc(n * (sizeof word - 1) + strlen(tail) + 1);
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        memcpy(b + len, word, sizeof word - 1);
        len += sizeof word - 1;
    }
    memcpy(b + len, tail, strlen(tail) + 1);
    return b;
}

static int build(const char *path, int no_index)
{
    char *lb = long_body(5000, "the needle at the end");
    char *hb = long_body(20000, "a deep pearl at the end"); /* 140 KB of text */
    page pages[] = {
        {"index.html", "Welcome", "An introduction to the café and its menu."},
        {"create-index.html", "CREATE INDEX",
         "CREATE INDEX constructs an index on the specified column."},
        {"indexes.html", "Indexes",
         "Indexes are a common way to enhance database performance. To create an index, use create index."},
        {"running.html", "Running the server",
         "The server runs in the background; it was running yesterday."},
        {"zh1.html", "人权观察", "中国人权问题。人权宣言。"},
        {"zh2.html", "宣言", "人。权 separate characters"},
        {"hostile.html", "<script>alert(1)</script>",
         "x < y & \"quotes\" 'single' <b>not markup</b> café"},
        {"greek.html", "Αθήνα", "Η Αθήνα είναι πόλη."},
        {"long.html", "Long page", lb},
        {"mail.html", "Mail", "Send an e-mail address to the list. Linux 内核开发 notes."},
        {"dev.html", "Developing with asyncio \xE2\x80\x94 Docs", "Tips on asyncio."},
        {"asyncio.html", "asyncio \xE2\x80\x94 Asynchronous I/O \xE2\x80\x94 Docs",
         "The asyncio module, asyncio everywhere, a long page about asyncio and more."},
        {"notitle.txt", "", "asyncio asyncio"},
        {"huge.html", "Huge page", hb},
        {"tools.html", "Tools", "Use pg_restore to load a dump; the f-string docs."},
        {"prose.html", "Prose", "A pg restore, spelt apart, and f string."},
        {"diplomacy.html", "Diplomatic relations",
         "Envoys met the activists; diplomats talk of diplomatic ties."},
        {"envoys.html", "Envoys and diplomats", "Who they are."},
        {"happy.html", "Happyland", "A park."},
    };
    smz_writer_opts o = {.threads = 1, .no_index = no_index, .stem_english = 1};
    smz_writer *w = NULL;
    smz_err rc = smz_writer_new(path, &o, &w);
    for (size_t i = 0; rc == SMZ_OK && i < sizeof pages / sizeof pages[0]; i++) {
        /* Room for every byte as "&amp;" and the markup around it. */
        size_t cap = strlen(pages[i].body) * 5 + 256;
        char *html = malloc(cap);
        /* The body as a page: < > & escaped, so the visible text is the body. */
        size_t n = (size_t)snprintf(html, cap, "<html><head><title>t</title></head><body><p>");
        for (const char *s = pages[i].body; *s; s++)
            n += (size_t)snprintf(html + n, cap - n, "%s",
                                  *s == '<'   ? "&lt;"
                                  : *s == '>' ? "&gt;"
                                  : *s == '&' ? "&amp;"
                                              : (char[]){*s, 0});
        n += (size_t)snprintf(html + n, cap - n, "</p></body></html>");
        rc = testutil_add_html(w, pages[i].path, pages[i].title, html, n);
        free(html);
    }
    if (rc == SMZ_OK)
        rc = smz_writer_finish(w);
    if (rc != SMZ_OK)
        fprintf(stderr, "writer: %s\n", smz_writer_errmsg(w));
    smz_writer_free(w);
    free(lb);
    free(hb);
    return rc == SMZ_OK;
}

/* The paths (or titles) of RES's hits joined by SEP, in a static buffer;
 * "error N" when RC is not SMZ_OK.  Frees RES unless KEEP takes it. */
static const char *joined(smz_err rc, smz_results *res, int titles, const char *sep, smz_results **keep)
{
    static char buf[4096];
    if (rc != SMZ_OK) {
        snprintf(buf, sizeof buf, "error %d", (int)rc);
        return buf;
    }
    buf[0] = 0;
    size_t len = 0;
    for (size_t i = 0; i < res->n && len < sizeof buf - 1; i++) {
        int k = snprintf(buf + len, sizeof buf - len, "%s%s", i ? sep : "",
                         titles ? res->hits[i].title : res->hits[i].path);
        len = k < 0 || (size_t)k >= sizeof buf - len ? sizeof buf - 1 : len + (size_t)k;
    }
    if (keep)
        *keep = res;
    else
        smz_results_free(res);
    return buf;
}

/* Runs QUERY; returns the paths of the hits joined by spaces ("" for
 * none, "error N" on failure), with *TOTAL set. */
static const char *run(smz_reader *r, const char *query, size_t limit, size_t offset,
                       unsigned long long *total, smz_results **keep)
{
    smz_results *res = NULL;
    smz_err rc = smz_search(r, query, limit, offset, &res);
    if (rc == SMZ_OK && total)
        *total = res->total;
    return joined(rc, res, 0, " ", keep);
}

static const char *suggest(smz_reader *r, const char *prefix)
{
    smz_results *res = NULL;
    smz_err rc = smz_suggest(r, prefix, 10, &res);
    return joined(rc, res, 1, "|", NULL);
}

static int has_word(const char *list, const char *w)
{
    size_t n = strlen(w);
    for (const char *p = list; (p = strstr(p, w)); p += n)
        if ((p == list || p[-1] == ' ') && (p[n] == 0 || p[n] == ' '))
            return 1;
    return 0;
}

int main(void)
{
    smz_reader *r = NULL;
    smz_results *res = NULL;
    unsigned long long total = 0;
    const char *got;

    CHECK(build("s.smz", 0), "an archive with an index is built");
    CHECK(build("n.smz", 1), "an archive without an index is built");
    CHECK(smz_reader_open("s.smz", NULL, &r) == SMZ_OK, "it opens: %s", smz_reader_errmsg(r));

    got = run(r, "create index", 10, 0, &total, &res);
    CHECK(!strncmp(got, "create-index.html ", 18), "the exact title comes first: %s", got);
    CHECK(has_word(got, "indexes.html"), "a page with the words in its text follows: %s", got);
    CHECK(res && res->n >= 2 && res->hits[0].score > res->hits[1].score, "scores fall");
    CHECK(res && strstr(res->hits[0].snippet, "<b>"), "the snippet marks words: %s",
          res ? res->hits[0].snippet : "");
    smz_results_free(res);
    res = NULL;
    got = run(r, "asyncio", 10, 0, NULL, NULL);
    CHECK(!strncmp(got, "asyncio.html ", 13),
          "a title that is the query before a site suffix comes first: %s", got);
    CHECK(!strcmp(got + strlen(got) - strlen("notitle.txt"), "notitle.txt"),
          "a page without a title comes after those with one: %s", got);
    got = run(r, "CREATE INDEX", 10, 0, NULL, NULL);
    CHECK(!strncmp(got, "create-index.html", 17), "case does not matter: %s", got);

    got = run(r, "\"create index\"", 10, 0, &total, NULL);
    CHECK(has_word(got, "create-index.html") && has_word(got, "indexes.html") && total == 2,
          "a phrase finds the pages holding it: %s (%llu)", got, total);
    got = run(r, "\"index create\"", 10, 0, &total, NULL);
    CHECK(!strcmp(got, "") && total == 0, "words out of order are not the phrase: '%s' (%llu)", got,
          total);
    got = run(r, "\"common way to enhance\"", 10, 0, NULL, NULL);
    CHECK(!strcmp(got, "indexes.html"), "a longer phrase: %s", got);
    got = run(r, "e-mail", 10, 0, NULL, NULL);
    CHECK(!strcmp(got, "mail.html"), "a hyphenated word (one compound token): %s", got);
    got = run(r, "\"Linux 内核\"", 10, 0, NULL, NULL);
    CHECK(!strcmp(got, "mail.html"), "a phrase of Latin and CJK: %s", got);
    got = run(r, "\"内核 Linux\"", 10, 0, NULL, NULL);
    CHECK(!strcmp(got, ""), "the same words the other way round: %s", got);

    got = run(r, "cafe", 10, 0, NULL, &res);
    CHECK(has_word(got, "index.html") && has_word(got, "hostile.html"), "é is found by e: %s", got);
    CHECK(res && res->n && strstr(res->hits[0].snippet, "<b>café</b>"), "the snippet marks café: %s",
          res && res->n ? res->hits[0].snippet : "");
    smz_results_free(res);
    res = NULL;
    got = run(r, "αθηνα", 10, 0, NULL, NULL);
    CHECK(!strcmp(got, "greek.html"), "Greek without accents: %s", got);
    got = run(r, "run", 10, 0, NULL, NULL);
    CHECK(!strcmp(got, "running.html"), "run finds running (English stemming): %s", got);
    got = run(r, "yester*", 10, 0, NULL, NULL);
    CHECK(!strcmp(got, "running.html"), "a prefix: %s", got);
    /* A prefix longer than the stem of the title's word ("diplomat") finds
     * it by its unstemmed form, and marks it (not "diplomats") in the
     * snippet; exact words still match by stem. */
    got = run(r, "diplomati*", 10, 0, NULL, &res);
    CHECK(!strcmp(got, "diplomacy.html"), "a prefix longer than the stem: %s", got);
    CHECK(res && res->n == 1 && strstr(res->hits[0].snippet, "<b>diplomatic</b>") &&
              !strstr(res->hits[0].snippet, "<b>diplomats"),
          "its snippet marks the word it starts: %s", res && res->n ? res->hits[0].snippet : "");
    smz_results_free(res);
    res = NULL;
    got = run(r, "\"met the\" DIPLOMATI*", 10, 0, NULL, NULL);
    CHECK(!strcmp(got, "diplomacy.html"), "... also beside a phrase checked on the text: %s", got);
    got = run(r, "runni*", 10, 0, NULL, NULL);
    CHECK(!strcmp(got, "running.html"), "... 'runni*' finds 'Running': %s", got);
    got = run(r, "diplomatic", 10, 0, NULL, NULL);
    CHECK(has_word(got, "diplomacy.html") && has_word(got, "envoys.html"),
          "an exact word matches by stem (diplomatic finds diplomats): %s", got);
    got = run(r, "activists", 10, 0, NULL, NULL);
    CHECK(!strcmp(got, "diplomacy.html"), "activists: %s", got);
    got = run(r, "activist", 10, 0, NULL, NULL);
    CHECK(!strcmp(got, "diplomacy.html"), "activist finds activists: %s", got);
    got = run(r, "server -yesterday", 10, 0, NULL, NULL);
    CHECK(!strcmp(got, ""), "an excluded word: '%s'", got);
    got = run(r, "index -\"common way\"", 10, 0, NULL, NULL);
    CHECK(has_word(got, "create-index.html") && !has_word(got, "indexes.html"), "an excluded phrase: %s",
          got);

    got = run(r, "人权", 10, 0, &total, NULL);
    CHECK(!strcmp(got, "zh1.html") && total == 1, "a two-character word: %s", got);
    got = run(r, "人", 10, 0, NULL, NULL);
    CHECK(has_word(got, "zh1.html") && has_word(got, "zh2.html"), "one character: %s", got);
    got = run(r, "中国人权", 10, 0, NULL, NULL);
    CHECK(!strcmp(got, "zh1.html"), "four characters: %s", got);
    got = run(r, "国人权宣", 10, 0, &total, NULL);
    CHECK(!strcmp(got, "") && total == 0,
          "four characters whose bigrams all occur, but not together, are not found: '%s'", got);
    got = run(r, "宣言", 10, 0, NULL, NULL);
    CHECK(!strncmp(got, "zh2.html ", 9) && has_word(got, "zh1.html"), "exact CJK title first: %s", got);

    got = run(r, "quotes", 10, 0, NULL, &res);
    CHECK(res && res->n == 1, "the hostile page is found");
    if (res && res->n == 1) {
        const char *sn = res->hits[0].snippet;
        CHECK(strstr(sn, "&lt;b&gt;not markup&lt;/b&gt;") && strstr(sn, "&amp;") &&
                  strstr(sn, "&quot;") && strstr(sn, "&#39;"),
              "the snippet is escaped: %s", sn);
        CHECK(!strcmp(res->hits[0].title, "<script>alert(1)</script>"), "the title is the raw text");
    }
    smz_results_free(res);
    res = NULL;

    got = run(r, "pearl", 10, 0, NULL, &res);
    CHECK(res && res->n == 1 && !strstr(res->hits[0].snippet, "<b>") &&
              !strncmp(res->hits[0].snippet, "filler filler", 13),
          "a word past the snippet's scope finds the page; the snippet is its beginning: %s",
          res && res->n ? res->hits[0].snippet : "");
    smz_results_free(res);
    res = NULL;
    got = run(r, "\"deep pearl\"", 10, 0, NULL, NULL);
    CHECK(!strcmp(got, "huge.html"), "a phrase is checked on all of a long page's text: %s", got);
    got = run(r, "\"pearl deep\"", 10, 0, NULL, NULL);
    CHECK(!strcmp(got, ""), "and the wrong order is not found there: %s", got);
    got = run(r, "pg_restore", 10, 0, NULL, &res);
    CHECK(!strcmp(got, "tools.html"), "a compound word is one token: %s", got);
    CHECK(res && res->n == 1 && strstr(res->hits[0].snippet, "<b>pg_restore</b>"),
          "its snippet marks it whole: %s", res && res->n ? res->hits[0].snippet : "");
    smz_results_free(res);
    res = NULL;
    got = run(r, "PG_Rest*", 10, 0, NULL, NULL);
    CHECK(!strcmp(got, "tools.html"), "a compound's prefix: %s", got);
    got = run(r, "f-string", 10, 0, NULL, NULL);
    CHECK(!strcmp(got, "tools.html"), "a hyphenated word: %s", got);
    got = run(r, "\"pg restore\"", 10, 0, NULL, NULL);
    CHECK(has_word(got, "tools.html") && has_word(got, "prose.html"),
          "the phrase of its parts finds both: %s", got);
    got = run(r, "restore", 10, 0, NULL, NULL);
    CHECK(has_word(got, "tools.html") && has_word(got, "prose.html"), "a part alone finds both: %s",
          got);
    { /* Without snippets: the same hits in the same order, no snippet. */
        static const char *const qs[] = {"index", "\"create index\"", "asyncio", "人权"};
        for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++) {
            char with[4096];
            snprintf(with, sizeof with, "%s", run(r, qs[i], 10, 0, NULL, NULL));
            smz_results *bare = NULL;
            smz_err rc = smz_search_ex(r, qs[i], 10, 0, SMZ_SEARCH_NO_SNIPPETS, &bare);
            int empty = 1;
            for (size_t k = 0; rc == SMZ_OK && k < bare->n; k++)
                empty &= bare->hits[k].snippet && !bare->hits[k].snippet[0];
            const char *without = joined(rc, bare, 0, " ", NULL);
            CHECK(*with && !strcmp(with, without) && empty,
                  "--no-snippets, %s: the same hits without snippets: [%s] [%s]", qs[i], with, without);
        }
    }
    got = run(r, "needle", 10, 0, NULL, &res);
    CHECK(res && res->n == 1 && strstr(res->hits[0].snippet, "<b>needle</b>") &&
              !strncmp(res->hits[0].snippet, "\xE2\x80\xA6", 3) && strlen(res->hits[0].snippet) < 600,
          "a hit deep in a long page gets a short snippet around it: %s",
          res && res->n ? res->hits[0].snippet : "");
    smz_results_free(res);
    res = NULL;

    /* Paging. */
    char all[4096], paged[4096] = "";
    size_t plen = 0;
    snprintf(all, sizeof all, "%s", run(r, "the", 100, 0, &total, NULL));
    for (size_t off = 0; off < 20 && plen < sizeof paged - 1; off += 2) {
        got = run(r, "the", 2, off, NULL, NULL);
        if (!*got)
            break;
        int k = snprintf(paged + plen, sizeof paged - plen, "%s%s", plen ? " " : "", got);
        plen = k < 0 || (size_t)k >= sizeof paged - plen ? sizeof paged - 1 : plen + (size_t)k;
    }
    CHECK(*all && !strcmp(all, paged), "pages of two give the same order: [%s] [%s]", all, paged);
    got = run(r, "the", 0, 0, &total, NULL);
    CHECK(!strcmp(got, "") && total >= 4, "limit 0 gives just the total (%llu)", total);

    /* Every snippet is valid UTF-8, for every word in the archive. */
    const char *words[] = {"人", "权", "宣言", "filler", "café", "Αθήνα", "内核", "linux", "x", "y"};
    int valid = 1;
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        if (smz_search(r, words[i], 100, 0, &res) != SMZ_OK)
            continue;
        for (size_t k = 0; k < res->n; k++)
            valid &= smz_utf8_valid(res->hits[k].snippet, strlen(res->hits[k].snippet));
        smz_results_free(res);
        res = NULL;
    }
    CHECK(valid, "snippets are valid UTF-8");

    /* Hostile queries: never an SQL or FTS5 error, always bounded. */
    const char *hostile[] = {"AND",
                             "OR",
                             "NOT",
                             "(",
                             ")",
                             "\"",
                             "\"unclosed phrase",
                             "col:foo",
                             "title:create",
                             "{title}: create",
                             "NEAR(create index)",
                             "^create",
                             "*",
                             "create*index",
                             "-",
                             "--",
                             "- -create",
                             "'; DROP TABLE entries; --",
                             "\xff\xfe\xfd",
                             "create\x01index",
                             "％",
                             "create OR index",
                             "x AND y",
                             "a:b:c",
                             "\"\"\"\"",
                             "\xe4\xba",
                             "**",
                             "+create"};
    int clean = 1;
    for (size_t i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
        smz_err rc = smz_search(r, hostile[i], 10, 0, &res);
        if (rc != SMZ_OK && rc != SMZ_E_INVALID) {
            printf("# %s: %s (%s)\n", hostile[i], smz_strerror(rc), smz_reader_errmsg(r));
            clean = 0;
        }
        smz_results_free(res);
        res = NULL;
        rc = smz_suggest(r, hostile[i], 10, &res);
        if (rc != SMZ_OK && rc != SMZ_E_INVALID && rc != SMZ_E_TOOBIG) {
            printf("# suggest %s: %s (%s)\n", hostile[i], smz_strerror(rc), smz_reader_errmsg(r));
            clean = 0;
        }
        smz_results_free(res);
        res = NULL;
    }
    CHECK(clean, "operators, columns and stray quotes are only text");
    got = run(r, "'; DROP TABLE entries; --", 10, 0, NULL, NULL);
    CHECK(strncmp(got, "error", 5) != 0, "SQL in a query is only words: '%s'", got);
    got = run(r, "create", 10, 0, NULL, NULL);
    CHECK(has_word(got, "create-index.html"), "the archive still answers after them: %s", got);

    size_t big = 1u << 20;
    char *q = malloc(big + 1);
    for (size_t i = 0; i < big; i++)
        q[i] = (i % 4 == 3) ? ' ' : 'a' + (char)(i % 3);
    q[big] = 0;
    clock_t t0 = clock();
    smz_err rc = smz_search(r, q, 10, 0, &res);
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    CHECK(rc == SMZ_E_TOOBIG && strstr(smz_reader_errmsg(r), "long"),
          "a megabyte query is refused: %s (%s)", smz_strerror(rc), smz_reader_errmsg(r));
    printf("# refusing a 1 MiB query took %.4f s\n", secs);
    q[4000] = 0; /* 1000 terms in 4000 bytes */
    rc = smz_search(r, q, 10, 0, &res);
    CHECK(rc == SMZ_E_TOOBIG, "a query of a thousand terms is refused: %s", smz_reader_errmsg(r));
    rc = smz_suggest(r, q, 10, &res);
    CHECK(rc == SMZ_E_TOOBIG, "so is a long prefix: %s", smz_reader_errmsg(r));
    free(q);
    rc = smz_search(r, "", 10, 0, &res);
    CHECK(rc == SMZ_E_INVALID, "an empty query is a usage error: %s", smz_reader_errmsg(r));
    rc = smz_search(r, "-create", 10, 0, &res);
    CHECK(rc == SMZ_E_INVALID, "only exclusions is a usage error: %s", smz_reader_errmsg(r));

    /* Suggestions. */
    got = suggest(r, "cre");
    CHECK(!strncmp(got, "CREATE INDEX", 12), "a prefix suggests titles: %s", got);
    got = suggest(r, "RUNNING the");
    CHECK(!strcmp(got, "Running the server"), "several words, any case: %s", got);
    got = suggest(r, "αθ");
    CHECK(!strcmp(got, "Αθήνα"), "Greek prefix without accents: %s", got);
    got = suggest(r, "宣");
    CHECK(!strncmp(got, "宣言", strlen("宣言")), "a CJK character suggests the titles holding it: %s",
          got);
    got = suggest(r, "权");
    CHECK(!strcmp(got, "人权观察"), "also inside the title: %s", got);
    got = suggest(r, "diplomati");
    CHECK(!strcmp(got, "Diplomatic relations"), "a prefix longer than the title word's stem: %s", got);
    got = suggest(r, "Diplomatic");
    CHECK(!strcmp(got, "Diplomatic relations|Envoys and diplomats"),
          "a whole word, its own title first, then others by stem: %s", got);
    got = suggest(r, "diplomatic re");
    CHECK(!strcmp(got, "Diplomatic relations"), "then the next word: %s", got);
    got = suggest(r, "runni");
    CHECK(!strcmp(got, "Running the server"), "runni suggests Running: %s", got);
    got = suggest(r, "happy");
    CHECK(!strcmp(got, "Happyland"), "happy (stem happi) suggests Happyland: %s", got);
    got = suggest(r, "zzz");
    CHECK(!strcmp(got, ""), "nothing for a prefix no title has: %s", got);
    got = suggest(r, "");
    CHECK(!strcmp(got, ""), "nothing for an empty prefix: %s", got);
    smz_reader_close(r);

    r = NULL;
    CHECK(smz_reader_open("n.smz", NULL, &r) == SMZ_OK, "the archive without index opens");
    rc = smz_search(r, "create", 10, 0, &res);
    CHECK(rc == SMZ_E_UNSUPPORTED && strstr(smz_reader_errmsg(r), "no search index"),
          "searching it says there is no index: %s", smz_reader_errmsg(r));
    rc = smz_suggest(r, "cre", 10, &res);
    CHECK(rc == SMZ_E_UNSUPPORTED, "so does suggest");
    smz_reader_close(r);
    return CHECK_DONE();
}
