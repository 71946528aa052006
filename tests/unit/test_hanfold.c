/* Unit tests for simplified and traditional Chinese folded together
 * (lib/search/hanfold.c, its use in tokenizer.c, match.c and search.c), on
 * a small archive built here with one page in simplified script (维吾尔,
 * 台湾, 新疆) and one in traditional (維吾爾, 臺灣, 新疆): a query in either
 * script, or in both mixed, finds both pages, whether the index answers it
 * alone (two-character words) or the page's text is checked (three
 * characters, quoted phrases, excluded words); snippets mark the page's own
 * characters; an exact title counts across scripts; suggestions and their
 * marked stretches work across scripts; did-you-mean leaves such a query
 * alone; the cap on a token's forms.  The folding is the reader's: the
 * index holds each page's characters as written, so an archive packed
 * before it folds as well (checked on the vocabulary of the index). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "check.h"
#include "reader_priv.h"
#include "search/hanfold.h"
#include "search/match.h"
#include "search/query.h"
#include "search/tokenizer.h"
#include "smz/reader.h"
#include "smz/search.h"
#include "smz/writer.h"
#include "testutil.h"

static int build(const char *path)
{
    static const char *const pages[][3] = {
        {"simp.html", "新疆维吾尔自治区",
         "新疆维吾尔自治区位于中国西北部。台湾是一个岛屿。她的头发很长。"},
        {"trad.html", "新疆維吾爾自治區",
         "新疆維吾爾自治區位於中國西北部。臺灣是一個島嶼。她的頭髮很長。"},
        /* 颱 and 麺 are the rarest forms of 台 and 面 (5 each): past the cap */
        {"rare.html", "Rare forms", "颱麺。"},
        {"other.html", "Other", "東西 and nothing else."},
    };
    smz_writer_opts o = {.threads = 1};
    smz_writer *w = NULL;
    smz_err rc = smz_writer_new(path, &o, &w);
    for (size_t i = 0; rc == SMZ_OK && i < sizeof pages / sizeof pages[0]; i++) {
        char html[512];
        int n = snprintf(html, sizeof html,
                         "<html><head><meta charset=\"utf-8\"><title>%s</title></head>"
                         "<body><p>%s</p></body></html>",
                         pages[i][1], pages[i][2]);
        rc = testutil_add_html(w, pages[i][0], pages[i][1], html, (size_t)n);
    }
    rc = testutil_finish(w, rc, NULL, NULL);
    smz_writer_free(w);
    return rc == SMZ_OK;
}

/* The paths QUERY finds, sorted and joined by ' ' ("error N" on failure),
 * in a static buffer. */
static const char *found(smz_reader *r, const char *query)
{
    static char buf[512];
    smz_results *res = NULL;
    smz_err rc = smz_search(r, query, 20, 0, &res);
    if (rc != SMZ_OK) {
        snprintf(buf, sizeof buf, "error %d", (int)rc);
        return buf;
    }
    const char *paths[20];
    size_t n = 0;
    for (size_t i = 0; i < res->n && n < 20; i++)
        paths[n++] = res->hits[i].path;
    for (size_t i = 1; i < n; i++) /* sorted: the order is the ranking's business */
        for (size_t j = i; j > 0 && strcmp(paths[j - 1], paths[j]) > 0; j--) {
            const char *t = paths[j];
            paths[j] = paths[j - 1];
            paths[j - 1] = t;
        }
    size_t len = 0;
    buf[0] = 0;
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s", i ? " " : "", paths[i]);
    smz_results_free(res);
    return buf;
}

static const char *snippet_of(smz_reader *r, const char *query, const char *path)
{
    static char buf[1024];
    smz_results *res = NULL;
    buf[0] = 0;
    if (smz_search(r, query, 20, 0, &res) == SMZ_OK)
        for (size_t i = 0; i < res->n; i++)
            if (!strcmp(res->hits[i].path, path))
                snprintf(buf, sizeof buf, "%s", res->hits[i].snippet);
    smz_results_free(res);
    return buf;
}

/* PREFIX's suggestions as "title[cstart+clen]|...", in a static buffer. */
static const char *suggested(smz_reader *r, const char *prefix)
{
    static char buf[1024];
    smz_results *res = NULL;
    size_t len = 0;
    buf[0] = 0;
    if (smz_suggest(r, prefix, 10, &res) != SMZ_OK)
        return "error";
    for (size_t i = 0; i < res->n; i++) {
        len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s", i ? "|" : "", res->hits[i].title);
        for (size_t k = 0; k < res->hits[i].nmatch; k++)
            len += (size_t)snprintf(buf + len, sizeof buf - len, "[%zu+%zu]",
                                    res->hits[i].match[k].cstart, res->hits[i].match[k].clen);
    }
    smz_results_free(res);
    return buf;
}

/* Whether the matcher must check pages for QUERY (-1 on failure). */
static int needs_check(const fts5_tokenizer *api, Fts5Tokenizer *tok, const char *query)
{
    smz_query *q = NULL;
    smz_matcher *m = NULL;
    int res = -1;
    if (smz__query_build(query, strlen(query), &q, NULL, 0) == SMZ_OK &&
        smz__matcher_new(api, tok, q, &m) == SMZ_OK)
        res = smz__matcher_needs_check(m);
    smz__matcher_free(m);
    smz__query_free(q);
    return res;
}

static void test_table(void)
{
    CHECK(smz__han_fold(0x7DAD) == 0x7EF4 && smz__han_fold(0x7EF4) == 0x7EF4,
          "維 folds to 维, 维 stays");
    CHECK(smz__han_fold(0x81FA) == 0x53F0 && smz__han_fold(0x6AAF) == 0x53F0 &&
              smz__han_fold(0x98B1) == 0x53F0,
          "臺 檯 颱 fold to 台");
    CHECK(smz__han_fold(0x767C) == 0x53D1 && smz__han_fold(0x9AEE) == 0x53D1, "發 and 髮 fold to 发");
    CHECK(smz__han_fold('a') == 'a' && smz__han_fold(0x4E2D) == 0x4E2D &&
              smz__han_fold(0x30AB) == 0x30AB,
          "a, 中 and カ fold to themselves");
    /* Not empty, not tiny: the generator refuses fewer than 3,000 t2s
     * pairs; OpenCC 1.1.6 gives about 4,100 folds. */
    int folds = 0, outside = 0;
    for (uint32_t c = 0x3400; c < 0x323B0; c++) {
        uint32_t f = smz__han_fold(c);
        folds += f != c;
        outside += f != c && !smz__is_cjk(f);
    }
    CHECK(folds > 3500 && outside == 0, "the table folds %d characters, each to a CJK one (%d not)",
          folds, outside);
    char out[SMZ_HAN_TOKEN_MAX];
    int n = smz__han_fold_token("\xE7\xB6\xAD\xE5\x90\xBE", 6, out); /* 維吾 */
    CHECK(n == 6 && !memcmp(out, "\xE7\xBB\xB4\xE5\x90\xBE", 6), "維吾 folds to 维吾");
    CHECK(smz__han_fold_token("\xE7\xBB\xB4\xE5\x90\xBE", 6, out) == 0, "维吾 is folded already");
    CHECK(smz__han_fold_token("cafe", 4, out) == 0 && smz__han_fold_token("\xFF\xE7\xB6", 3, out) == 0,
          "a word and broken UTF-8 are left alone");
    CHECK(smz__han_has_class("\xE5\x8F\xB0", 3) && !smz__han_has_class("\xE4\xB8\xAD", 3) &&
              !smz__han_has_class("abc", 3),
          "台 has a class, 中 and abc none");
}

int main(void)
{
    char dir[] = "/tmp/smz-hanfold-XXXXXX", path[256];
    test_table();
    CHECK(mkdtemp(dir) != NULL, "a scratch folder");
    snprintf(path, sizeof path, "%s/h.smz", dir);
    CHECK(build(path), "the archive is written");
    smz_reader *r = NULL;
    CHECK(smz_reader_open(path, NULL, &r) == SMZ_OK, "the archive opens");

    /* Two characters: one bigram, which the index answers alone. */
    static const char *const two[] = {"新疆", "台湾", "臺灣", "台灣", "臺湾",
                                      "维吾", "維吾", "岛屿", "島嶼"};
    for (size_t i = 0; i < sizeof two / sizeof two[0]; i++)
        CHECK(!strcmp(found(r, two[i]), "simp.html trad.html"), "%s finds both scripts (%s)", two[i],
              found(r, two[i]));
    /* Three characters and phrases: the index finds candidates, the page's
     * text (folded) decides. */
    static const char *const checked[] = {"维吾尔",           "維吾爾",         "维吾爾",
                                          "新疆維吾爾自治區", "\"自治区位于\"", "\"臺灣是一個\"",
                                          "\"頭髮 很長\"",    "维吾尔 臺灣"};
    for (size_t i = 0; i < sizeof checked / sizeof checked[0]; i++)
        CHECK(!strcmp(found(r, checked[i]), "simp.html trad.html"), "%s finds both scripts (%s)",
              checked[i], found(r, checked[i]));
    CHECK(!strcmp(found(r, "\"台湾新疆\""), "") && !strcmp(found(r, "\"島嶼是\""), ""),
          "words out of order still do not match");
    CHECK(!strcmp(found(r, "新疆 -臺灣"), "") && !strcmp(found(r, "新疆 -维吾尔"), ""),
          "an excluded word excludes it in both scripts");
    CHECK(!strcmp(found(r, "新疆 -东西"), "simp.html trad.html"), "... and nothing else");
    CHECK(!strcmp(found(r, "东西"), "other.html"), "东西 finds 東西");

    /* Snippets mark the page's own characters. */
    CHECK(strstr(snippet_of(r, "维吾尔", "trad.html"), "新疆<b>維吾爾</b>自治區") != NULL,
          "the traditional page's snippet marks 維吾爾 for 维吾尔: %s",
          snippet_of(r, "维吾尔", "trad.html"));
    CHECK(strstr(snippet_of(r, "台湾", "trad.html"), "<b>臺灣</b>是") != NULL, "... 臺灣 for 台湾");
    CHECK(strstr(snippet_of(r, "臺灣", "simp.html"), "<b>台湾</b>是") != NULL, "... and 台湾 for 臺灣");
    CHECK(strstr(snippet_of(r, "\"臺灣是一個\"", "simp.html"), "<b>台湾是一个</b>") != NULL,
          "... a phrase's whole stretch");

    /* An exact title in the other script counts as exact. */
    smz_results *res = NULL;
    CHECK(smz_search(r, "新疆維吾爾自治區", 10, 0, &res) == SMZ_OK && res->n == 2 &&
              res->hits[0].score >= 1000 && res->hits[1].score >= 1000,
          "a title in either script is the query: both pages come first as exact titles");
    smz_results_free(res);

    /* Suggestions across scripts, the stretches marked in the title's own
     * characters, the title in the script typed first. */
    static const char *const sug[][2] = {
        {"新疆維", "新疆維吾爾自治區[0+3]|新疆维吾尔自治区[0+3]"},
        {"新疆维", "新疆维吾尔自治区[0+3]|新疆維吾爾自治區[0+3]"},
        {"维吾尔自治", "新疆维吾尔自治区[2+5]|新疆維吾爾自治區[2+5]"},
        {"維吾爾自治", "新疆維吾爾自治區[2+5]|新疆维吾尔自治区[2+5]"},
        {"自治區", "新疆維吾爾自治區[5+3]|新疆维吾尔自治区[5+3]"},
        {"自治区", "新疆维吾尔自治区[5+3]|新疆維吾爾自治區[5+3]"},
        {"新疆", "新疆維吾爾自治區[0+2]|新疆维吾尔自治区[0+2]"}, /* no variant: as before */
    };
    for (size_t i = 0; i < sizeof sug / sizeof sug[0]; i++)
        CHECK(!strcmp(suggested(r, sug[i][0]), sug[i][1]), "suggest %s: %s", sug[i][0],
              suggested(r, sug[i][0]));

    /* Did you mean: a word found in the other script is no misspelling. */
    smz_correction *c = NULL;
    CHECK(smz_correct(r, "維吾爾 臺灣", &c) == SMZ_OK && c->did_you_mean == NULL, "no did-you-mean");
    smz_correction_free(c);

    /* The cap: 台面 asks for 16 of its 25 forms, not for 颱麺 (rare, rare). */
    CHECK(!strcmp(found(r, "台面"), ""), "台面 does not find 颱麺 (past the cap)");
    CHECK(!strcmp(found(r, "颱麺"), "rare.html") && !strcmp(found(r, "颱面"), "rare.html"),
          "颱麺 itself, and 颱面, do");

    /* Two characters stay one token the index answers for, three need the
     * text, as without folding. */
    fts5_api *fts = NULL;
    fts5_tokenizer api;
    Fts5Tokenizer *tok = NULL;
    void *ud = NULL;
    sqlite3 *db = smz__reader_db(r);
    CHECK(smz__fts5_api(db, &fts) == SMZ_OK && fts->xFindTokenizer(fts, "smz", &ud, &api) == SQLITE_OK &&
              api.xCreate(ud, NULL, 0, &tok) == SQLITE_OK,
          "a tokenizer");
    if (tok) {
        CHECK(needs_check(&api, tok, "臺灣") == 0 && needs_check(&api, tok, "台湾") == 0,
              "a two-character query needs no check of the text");
        CHECK(needs_check(&api, tok, "維吾爾") == 1, "a three-character one does");
        api.xDelete(tok);
    }

    /* The index holds each page's characters as written (島嶼 on one page,
     * 岛屿 on the other): nothing of the folding is in the archive. */
    sqlite3_stmt *st = NULL;
    int docs[2] = {-1, -1};
    if (sqlite3_prepare_v2(db, "SELECT doc FROM temp.smz_vocab_fts WHERE term = ?1", -1, &st, NULL) ==
        SQLITE_OK) {
        static const char *const terms[2] = {"岛屿", "島嶼"};
        for (int i = 0; i < 2; i++) {
            sqlite3_bind_text(st, 1, terms[i], -1, SQLITE_STATIC);
            if (sqlite3_step(st) == SQLITE_ROW)
                docs[i] = sqlite3_column_int(st, 0);
            sqlite3_reset(st);
        }
    }
    sqlite3_finalize(st);
    CHECK(docs[0] == 1 && docs[1] == 1, "the index has 岛屿 and 島嶼 in one page each (%d, %d)", docs[0],
          docs[1]);

    smz_reader_close(r);
    unlink(path);
    rmdir(dir);
    return CHECK_DONE();
}
