/* Unit tests for lib/search/snippet.c: smz_snippet over contentless FTS5
 * tables (as in archives) in English and Chinese: the window, the
 * highlights, HTML escaping, cut marks, hostile text and arguments, and on
 * real Chinese man pages that every highlight is exactly the query. */
#include <glob.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "search/query.h"
#include "search/snippet.h"
#include "search/tokenizer.h"
#include "text/utf8.h"

static sqlite3 *db;

static uint64_t rng = 0x9E3779B97F4A7C15u;
static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 11);
}

static int exec(const char *sql)
{
    int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        printf("# %s: %s\n", sql, sqlite3_errmsg(db));
    return rc;
}

static int add(const char *table, int id, const char *title, const char *body, int blen)
{
    sqlite3_stmt *st = NULL;
    char sql[256];
    snprintf(sql, sizeof sql,
             "INSERT INTO %s(rowid, title, body) VALUES(?1, ?2, ?3);"
             "INSERT INTO docs(tbl, id, title, body) VALUES('%s', ?1, ?2, ?3)",
             table, table);
    const char *tail = sql;
    int rc = SQLITE_OK;
    while (rc == SQLITE_OK && tail && *tail) {
        rc = sqlite3_prepare_v2(db, tail, -1, &st, &tail);
        if (rc != SQLITE_OK || !st)
            break;
        sqlite3_bind_int(st, 1, id);
        sqlite3_bind_text(st, 2, title, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, body, blen, SQLITE_STATIC);
        rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
        sqlite3_finalize(st);
    }
    return rc;
}

/* smz_snippet for the first row of TABLE matching EXPR (an FTS5 expression),
 * with the body text fetched from the docs table as a caller would from the
 * archive.  Returns a malloc'd string, "(null)", "(no row)" or "error: ...". */
static char *snip_expr(const char *table, const char *expr, int col, int max)
{
    char sql[512];
    sqlite3_stmt *st = NULL;
    char *res = NULL;
    snprintf(sql, sizeof sql,
             "SELECT smz_snippet(%s, (SELECT CASE ?3 WHEN 0 THEN title ELSE body END FROM docs "
             "WHERE tbl = '%s' AND id = %s.rowid), ?3, '[', ']', '…', ?2) FROM %s WHERE %s MATCH ?1 "
             "ORDER BY rowid",
             table, table, table, table, table);
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(st, 1, expr, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 2, max);
        sqlite3_bind_int(st, 3, col);
        rc = sqlite3_step(st);
    }
    if (rc == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(st, 0);
        res = strdup(t ? t : "(null)");
    } else if (rc == SQLITE_DONE) {
        res = strdup("(no row)");
    } else {
        char buf[300];
        snprintf(buf, sizeof buf, "error: %s", sqlite3_errmsg(db));
        res = strdup(buf);
    }
    sqlite3_finalize(st);
    return res;
}

/* The same, for a query as typed in the search box. */
static char *snip(const char *table, const char *typed, int max)
{
    smz_query *q = NULL;
    if (smz_query_build(typed, strlen(typed), &q, NULL, 0) != SMZ_OK)
        return strdup("(bad query)");
    char *r = snip_expr(table, smz_query_fts(q), 1, max);
    smz_query_free(q);
    return r;
}

static void expect(const char *table, const char *typed, int max, const char *want)
{
    char *got = snip(table, typed, max);
    CHECK(!strcmp(got, want), "%s [%s] %d: [%s] is [%s]", table, typed, max, got, want);
    free(got);
}

static void test_english(void)
{
    int ok = exec("CREATE VIRTUAL TABLE en USING fts5(title, body, content='', tokenize='smz', "
                  "prefix='2 3');"
                  "CREATE VIRTUAL TABLE enp USING fts5(title, body, content='', "
                  "tokenize='smz porter')") == SQLITE_OK;
    static const char *const bodies[] = {
        /* 1 */ "The quick brown fox jumps over the lazy dog. The dog sleeps.",
        /* 2 */ "cats and dogs",
        /* 3 */ "I love New York in June; new shoes from York are great",
        /* 4 */ "a <script> & \"b\" 'q' c",
        /* 5 */ "nothing to see here, the word is only in the title",
        /* 6 */ "Running dogs run faster than walking cats",
        /* 7 */ "  ...leading punctuation, then words; and trailing punctuation!!!  ",
    };
    static const char *const titles[] = {"Fox", "Pets", "Cities", "Markup", "Needle", "Runs", "P"};
    for (int i = 0; i < 7; i++)
        ok &= add("en", i + 1, titles[i], bodies[i], -1) == SQLITE_OK &&
              add("enp", i + 1, titles[i], bodies[i], -1) == SQLITE_OK;
    /* A long document: words w0..w999 with needles at 500 and 503. */
    char *big = malloc(20000);
    size_t n = 0;
    for (int i = 0; big && i < 1000; i++)
        n += (size_t)snprintf(big + n, 20000 - n, "%s%s", i ? " " : "",
                              i == 500 ? "needle" : i == 503 ? "haystack" : "w");
    ok &= big && add("en", 8, "Big", big, (int)n) == SQLITE_OK;
    CHECK(ok, "contentless English tables");

    expect("en", "dog", 8, "…jumps over the lazy [dog]. The [dog] sleeps.");
    expect("en", "dog", 3, "…[dog]. The [dog]…");
    expect("en", "cats", 10, "[cats] and dogs");
    expect("en", "\"new york\"", 6, "I love [New York] in June…");
    expect("en", "\"new york\"", 1, "…[New York]…");
    expect("en", "york new", 20,
           "I love [New] [York] in June; [new] shoes from [York] are great");
    expect("en", "c", 10, "a &lt;script&gt; &amp; &quot;b&quot; &#39;q&#39; [c]");
    expect("en", "needle", 5, "nothing to see here, the…");
    expect("en", "lead*", 3, "  ...[leading] punctuation, then…");
    expect("en", "trailing", 2, "…[trailing] punctuation!!!  ");
    expect("en", "needle haystack", 6, "…w [needle] w w [haystack] w…");
    expect("en", "needle haystack", 2, "…[needle] w…");
    expect("en", "haystack", 1, "…[haystack]…");
    expect("enp", "run", 5, "[Running] dogs [run] faster than…");
    expect("enp", "walk", 2, "…[walking] cats");

    char *got = snip_expr("en", "needle", 0, 4);
    CHECK(!strcmp(got, "[Needle]"), "title column: [%s]", got);
    free(got);
    got = snip_expr("en", "pets", 1, 2);
    CHECK(!strcmp(got, "cats and…"), "hit only in the other column: first tokens [%s]", got);
    free(got);
    free(big);
}

static void test_chinese(void)
{
    int ok = exec("CREATE VIRTUAL TABLE zh USING fts5(title, body, content='', tokenize='smz', "
                  "prefix='2 3')") == SQLITE_OK;
    static const char *const bodies[] = {
        /* 1 */ "中华人民共和国宪法保障人权。公民的基本权利和义务",
        /* 2 */ "使用Linux内核开发驱动程序",
        /* 3 */ "東京タワーは東京都港区にある電波塔です。",
        /* 4 */ "대한민국은 민주공화국이다",
    };
    for (int i = 0; i < 4; i++)
        ok &= add("zh", i + 1, "", bodies[i], -1) == SQLITE_OK;
    CHECK(ok, "contentless CJK table");
    expect("zh", "人权", 6, "…保障[人权]。公民…");
    expect("zh", "人权", 64, "中华人民共和国宪法保障[人权]。公民的基本权利和义务");
    expect("zh", "人", 6, "中华[人]民共和…");
    expect("zh", "宪法 人权", 6, "…[宪法]保障[人权]…");
    expect("zh", "人 人权", 4, "…障[人权]。公…");
    expect("zh", "\"民共和\"", 5, "…人[民共和]国…");
    expect("zh", "linux 内核", 8, "使用[Linux][内核]开发驱…");
    expect("zh", "\"Linux 内核\"", 8, "使用[Linux内核]开发驱…");
    expect("zh", "タワー 港区", 20, "東京[タワー]は東京都[港区]にある電波塔です。");
    expect("zh", "민주", 4, "…은 [민주]공…");
}

static void test_hostile(void)
{
    int ok = exec("CREATE VIRTUAL TABLE h USING fts5(title, body, content='', tokenize='smz')") ==
             SQLITE_OK;
    static const char bad[] = "ok \xff\xfe bad \xe4\xb8 中\x01文 \xed\xa0\x80 end";
    ok &= add("h", 1, "", bad, (int)sizeof bad - 1) == SQLITE_OK;
    char *longword = malloc(5001);
    if (longword) {
        memset(longword, 'a', 5000);
        memcpy(longword + 4000, " zz ", 4);
        longword[5000] = 0;
        ok &= add("h", 2, "", longword, 5000) == SQLITE_OK;
    }
    size_t many = 200000;
    char *xs = malloc(many * 2);
    if (xs) {
        for (size_t i = 0; i < many; i++)
            memcpy(xs + 2 * i, "x ", 2);
        ok &= add("h", 3, "", xs, (int)(many * 2 - 1)) == SQLITE_OK;
    }
    CHECK(ok, "hostile rows");
    char *hits = snip("h", "x", 10);
    CHECK(!strcmp(hits, "[x] [x] [x] [x] [x] [x] [x] [x] [x] [x]…"), "200000 hits: [%s]", hits);
    free(hits);
    free(xs);
    char *got = snip("h", "ok", 20);
    CHECK(smz_utf8_valid(got, strlen(got)) && !strncmp(got, "[ok] \xef\xbf\xbd", 8) &&
              strstr(got, "中 文"),
          "invalid UTF-8 in the text comes out as U+FFFD: [%s]", got);
    free(got);
    got = snip("h", "zz", 3);
    CHECK(strlen(got) < 600 && strstr(got, "[zz]") && strstr(got, "…"),
          "a 4000-byte token is shortened (%zu bytes)", strlen(got));
    free(got);

    /* The wrong text for the row: no crash, no error, valid UTF-8. */
    sqlite3_stmt *st = NULL;
    static const char *const wrong[] = {"", "x", "completely different text with ok in it",
                                        "\xff\xff\xff", "中文中文中文中文中文中文中文"};
    int fine = 0;
    if (sqlite3_prepare_v2(db, "SELECT smz_snippet(h, ?1, 1, '<b>', '</b>', '...', 8) FROM h "
                               "WHERE h MATCH 'zz OR ok OR 中'",
                           -1, &st, NULL) == SQLITE_OK) {
        for (size_t i = 0; i < sizeof wrong / sizeof wrong[0]; i++) {
            sqlite3_bind_text(st, 1, wrong[i], -1, SQLITE_STATIC);
            int rows = 0, good = 0, rc;
            while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
                const char *t = (const char *)sqlite3_column_text(st, 0);
                rows++;
                good += t && smz_utf8_valid(t, strlen(t));
            }
            fine += rc == SQLITE_DONE && rows == 2 && good == 2;
            sqlite3_reset(st);
        }
    }
    sqlite3_finalize(st);
    CHECK(fine == (int)(sizeof wrong / sizeof wrong[0]), "text that is not the row's: %d of %zu fine",
          fine, sizeof wrong / sizeof wrong[0]);

    /* Arguments. */
    static const struct {
        const char *sql, *want;
    } args[] = {
        {"SELECT smz_snippet(h, NULL, 1, '[', ']', '…', 8) FROM h WHERE h MATCH 'ok'", "(null)"},
        {"SELECT smz_snippet(h, 'ok', 1, NULL, NULL, NULL, 8) FROM h WHERE h MATCH 'ok'", "ok"},
        {"SELECT smz_snippet(h, 'ok go', 1, '[', ']', '…', 0) FROM h WHERE h MATCH 'ok'", "[ok]…"},
        {"SELECT smz_snippet(h, 'ok go', 1, '[', ']', '…', 100000) FROM h WHERE h MATCH 'ok'",
         "[ok] go"},
        {"SELECT smz_snippet(h, 'ok', 2, '[', ']', '…', 8) FROM h WHERE h MATCH 'ok'",
         "error: smz_snippet: no such column"},
        {"SELECT smz_snippet(h, 'ok', -1, '[', ']', '…', 8) FROM h WHERE h MATCH 'ok'",
         "error: smz_snippet: no such column"},
        {"SELECT smz_snippet(h, 'ok', 1) FROM h WHERE h MATCH 'ok'",
         "error: wrong number of arguments to smz_snippet(table, text, column, open, close, "
         "ellipsis, tokens)"},
        {"SELECT smz_snippet(h, 'ok', 1, printf('%.100c', 'x'), ']', '…', 8) FROM h WHERE h MATCH "
         "'ok'",
         "error: smz_snippet: a marker is longer than 64 bytes"},
        {"SELECT smz_snippet(h, x'6f6b20ff', 1, '[', ']', '…', 8) FROM h WHERE h MATCH 'ok'",
         "[ok] \xef\xbf\xbd"},
        /* Not the row's text: the hit position lands on whatever is there. */
        {"SELECT smz_snippet(h, 42, 1, '[', ']', '…', 8) FROM h WHERE h MATCH 'ok'", "[42]"},
    };
    for (size_t i = 0; i < sizeof args / sizeof args[0]; i++) {
        char res[300] = "(no row)";
        int rc = sqlite3_prepare_v2(db, args[i].sql, -1, &st, NULL);
        if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
            const char *t = (const char *)sqlite3_column_text(st, 0);
            snprintf(res, sizeof res, "%s", t ? t : "(null)");
        } else if (rc != SQLITE_DONE) {
            snprintf(res, sizeof res, "error: %s", sqlite3_errmsg(db));
        }
        sqlite3_finalize(st);
        CHECK(!strcmp(res, args[i].want), "%s: [%s] is [%s]", args[i].sql, res, args[i].want);
    }
    free(longword);
}

/* Random texts and random queries: every snippet is valid UTF-8 with
 * balanced markers, and no call fails. */
static void test_random(void)
{
    static const char *const pieces[] = {"中", "文", "人权", "タ", "ー", "한", "ＡＢ", "é", "x",
                                        "y", "xy", " ", " ", ". ", "\xff", "\xe4\xb8", "<", "&",
                                        "\"", "\xef\xb8\x80", "\xe3\x82\x99", "run", "running"};
    int ok = exec("CREATE VIRTUAL TABLE r USING fts5(title, body, content='', tokenize='smz porter', "
                  "prefix='2 3')") == SQLITE_OK;
    char text[600];
    for (int id = 1; id <= 300 && ok; id++) {
        size_t n = 0, lim = rnd() % sizeof text;
        while (n < lim) {
            const char *p = pieces[rnd() % (sizeof pieces / sizeof pieces[0])];
            size_t pl = strlen(p);
            if (n + pl > lim)
                break;
            memcpy(text + n, p, pl);
            n += pl;
        }
        ok &= add("r", id, "", text, (int)n) == SQLITE_OK;
    }
    CHECK(ok, "300 random rows");
    int runs = 0, good = 0;
    char bad[300] = "";
    for (int r = 0; r < 300; r++) {
        char q[40];
        size_t n = 0;
        for (int k = 1 + rnd() % 3; k > 0; k--) {
            const char *p = pieces[rnd() % (sizeof pieces / sizeof pieces[0])];
            if (n + strlen(p) + 2 >= sizeof q)
                break;
            memcpy(q + n, p, strlen(p));
            n += strlen(p);
            q[n++] = rnd() % 2 ? ' ' : '*';
        }
        smz_query *qq = NULL;
        if (smz_query_build(q, n, &qq, NULL, 0) != SMZ_OK)
            continue;
        sqlite3_stmt *st = NULL;
        int rc = sqlite3_prepare_v2(db, "SELECT smz_snippet(r, (SELECT body FROM docs WHERE "
                                        "tbl='r' AND id=r.rowid), 1, '<', '>', '…', ?2) FROM r "
                                        "WHERE r MATCH ?1",
                                    -1, &st, NULL);
        int rows = 0, fine = 0;
        if (rc == SQLITE_OK) {
            sqlite3_bind_text(st, 1, smz_query_fts(qq), -1, SQLITE_STATIC);
            sqlite3_bind_int(st, 2, 1 + (int)(rnd() % 20));
            rc = sqlite3_step(st);
        }
        for (; rc == SQLITE_ROW; rc = sqlite3_step(st)) {
            const char *t = (const char *)sqlite3_column_text(st, 0);
            int depth = 0, balanced = 1;
            for (const char *c = t; c && *c; c++) {
                depth += *c == '<' ? 1 : *c == '>' ? -1 : 0;
                balanced &= depth == 0 || depth == 1;
            }
            rows++;
            fine += t && smz_utf8_valid(t, strlen(t)) && balanced && depth == 0;
            if (!(t && balanced && depth == 0) && !bad[0])
                snprintf(bad, sizeof bad, "[%s] gives [%s]", smz_query_fts(qq), t ? t : "(null)");
        }
        runs++;
        good += rc == SQLITE_DONE && fine == rows;
        if (rc != SQLITE_DONE && !bad[0])
            snprintf(bad, sizeof bad, "[%s]: %s", smz_query_fts(qq), sqlite3_errmsg(db));
        sqlite3_finalize(st);
        smz_query_free(qq);
    }
    CHECK(runs > 200 && good == runs, "%d of %d random searches give clean snippets %s", good, runs,
          bad);
}

/* ---- real Chinese text: every highlight is the query ---- */

static char *man_text(const char *path, size_t *len)
{
    char cmd[600], line[8192];
    if (strchr(path, '\'') || (size_t)snprintf(cmd, sizeof cmd, "gzip -dc -- '%s'", path) >= sizeof cmd)
        return NULL;
    FILE *f = popen(cmd, "r");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *p = malloc(cap);
    while (p && fgets(line, sizeof line, f)) {
        size_t l = strlen(line);
        if (line[0] == '.' || line[0] == '\'')
            continue;
        if (n + l + 1 > cap) {
            char *np = realloc(p, cap = 2 * (n + l + 1));
            if (!np) {
                free(p);
                p = NULL;
                break;
            }
            p = np;
        }
        memcpy(p + n, line, l + 1);
        n += l;
    }
    pclose(f);
    *len = n;
    return p;
}


/* Every highlight "<...>" in S (the text's own < > are escaped) is made
 * of occurrences of Q: exactly Q, or overlapping ones merged (人人 in
 * 人人人).  Returns how many highlights there are, or -1. */
static int highlights_are(const char *s, const char *q)
{
    int n = 0;
    size_t ql = strlen(q);
    for (const char *o = strchr(s, '<'); o; o = strchr(o + 1, '<')) {
        const char *c = strchr(o, '>');
        size_t hl = c ? (size_t)(c - o - 1) : 0;
        char covered[256] = {0};
        if (!c || hl < ql || hl > sizeof covered)
            return -1;
        for (size_t i = 0; i + ql <= hl; i++)
            if (!memcmp(o + 1 + i, q, ql))
                memset(covered + i, 1, ql);
        for (size_t i = 0; i < hl; i++)
            if (!covered[i])
                return -1;
        n++;
    }
    return n;
}

static void test_corpus(void)
{
    glob_t g;
    int ok = exec("CREATE VIRTUAL TABLE man USING fts5(title, body, content='', tokenize='smz', "
                  "prefix='2 3')") == SQLITE_OK;
    char *texts[40] = {0};
    size_t lens[40] = {0}, ndocs = 0;
    if (glob("/usr/share/man/zh_CN/man1/*.gz", 0, NULL, &g) == 0) {
        for (size_t i = 0; i < g.gl_pathc && ndocs < 40; i += 7) {
            char *t = man_text(g.gl_pathv[i], &lens[ndocs]);
            if (t && smz_utf8_valid(t, lens[ndocs])) {
                texts[ndocs] = t;
                ok &= add("man", (int)ndocs + 1, "", t, (int)lens[ndocs]) == SQLITE_OK;
                ndocs++;
            } else {
                free(t);
            }
        }
        globfree(&g);
    }
    CHECK(ok && ndocs >= 30, "%zu Chinese man pages in a contentless table", ndocs);
    int tried = 0, good = 0;
    char bad[400] = "";
    for (int r = 0; r < 20000 && tried < 250 && ndocs; r++) {
        /* A run of 1 to 4 adjacent CJK characters from a random page. */
        size_t d = rnd() % ndocs, len = lens[d], at = rnd() % (len ? len : 1);
        const unsigned char *u = (const unsigned char *)texts[d];
        while (at < len && (u[at] & 0xC0) == 0x80)
            at++;
        size_t want = 1 + rnd() % 4, got = 0, end = at;
        while (end < len && got < want) {
            uint32_t c;
            size_t k = smz_utf8_next(u + end, len - end, &c);
            if (!smz_is_cjk(c))
                break;
            end += k;
            got++;
        }
        if (got < want)
            continue;
        char q[32], expr[40];
        memcpy(q, texts[d] + at, end - at);
        q[end - at] = 0;
        snprintf(expr, sizeof expr, "\"%s\"", q);
        tried++;
        sqlite3_stmt *st = NULL;
        int rows = 0, fine = 0;
        if (sqlite3_prepare_v2(db, "SELECT smz_snippet(man, (SELECT body FROM docs WHERE tbl='man' "
                                   "AND id=man.rowid), 1, '<', '>', '…', 16) FROM man WHERE man "
                                   "MATCH ?1",
                               -1, &st, NULL) == SQLITE_OK) {
            sqlite3_bind_text(st, 1, expr, -1, SQLITE_STATIC);
            while (sqlite3_step(st) == SQLITE_ROW) {
                const char *s = (const char *)sqlite3_column_text(st, 0);
                rows++;
                int h = s ? highlights_are(s, q) : -1;
                fine += h > 0;
                if (h <= 0)
                    printf("# [%s] in [%s]\n", q, s ? s : "(null)");
                if (h < 0 && !bad[0])
                    snprintf(bad, sizeof bad, "[%s] in [%s]", q, s ? s : "(null)");
            }
        }
        sqlite3_finalize(st);
        good += rows > 0 && fine == rows;
    }
    CHECK(tried >= 200 && good == tried, "%d of %d CJK queries highlight exactly the query %s",
          good, tried, bad);
    for (size_t i = 0; i < ndocs; i++)
        free(texts[i]);
}

int main(void)
{
    CHECK(sqlite3_open(":memory:", &db) == SQLITE_OK, "open a database");
    CHECK(smz_tokenizer_register(db) == SMZ_OK && smz_snippet_register(db) == SMZ_OK,
          "register the tokenizer and smz_snippet");
    CHECK(exec("CREATE TABLE docs(tbl TEXT, id INTEGER, title TEXT, body TEXT, "
               "PRIMARY KEY(tbl, id))") == SQLITE_OK,
          "a table standing in for the archive's compressed text");
    test_english();
    test_chinese();
    test_hostile();
    test_random();
    test_corpus();
    sqlite3_close(db);
    return CHECK_DONE();
}
