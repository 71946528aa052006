/* libFuzzer target: whatever someone types into the search box.  The bytes
 * go through smz__query_build (lib/search/query.c), then through smz_search
 * and smz_suggest against a small archive built once with the writer (pages
 * in English, Chinese, Greek, Arabic, with phrases, markup and a long page).
 * The promises checked besides "no crash, no leak": a query is refused only
 * as SMZ_E_INVALID or SMZ_E_TOOBIG, never as an FTS5 or SQL error (which
 * would surface as SMZ_E_CORRUPT or SMZ_E_INTERNAL); a built query has a
 * plain text and valid UTF-8 terms within the caps; hits
 * have paths and valid UTF-8 snippets and titles.
 * Byte 0 picks the limit and offset; the rest is the query. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "smz/reader.h"
#include "smz/search.h"
#include "smz/writer.h"
#include "search/query.h"
#include "../unit/testutil.h"
#include "text/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char archive_path[256];
static smz_reader *reader;

static void cleanup(void)
{
    smz_reader_close(reader);
    reader = NULL;
    if (archive_path[0])
        unlink(archive_path);
}

static const char *const pages[][3] = {
    {"index.html", "Welcome", "An introduction to the caf&eacute; and its menu. Run, running, ran."},
    {"create-index.html", "CREATE INDEX", "CREATE INDEX constructs an index on the specified column."},
    {"indexes.html", "Indexes", "Indexes are a common way to enhance database performance."},
    {"zh.html", "人权观察", "中国人权问题。人权宣言。Linux 内核开发"},
    {"greek.html", "Αθήνα", "Η Αθήνα είναι πόλη."},
    {"arabic.html", "مرحبا بالعالم", "هذه صفحة باللغة العربية عن حقوق الإنسان."},
    {"hostile.html", "<script>alert(1)</script> & \"x\"",
     "x &lt; y &amp; \"quotes\" 'single' NEAR(a b) col:foo AND OR NOT"},
    {"mail.html", "E-mail", "Send an e-mail address to the list: a-b-c x_y_z 3.14 O'Brien."},
    {"ja.html", "日本語のページ", "これは日本語の文章です。カタカナとひらがな。"},
    {"ko.html", "한국어", "한국어 문장입니다. 인권 선언."},
};

static int build(void)
{
    const char *dir = getenv("TMPDIR");
    snprintf(archive_path, sizeof archive_path, "%s/smz-fuzz-query-%d.smz", dir ? dir : "/tmp",
             (int)getpid());
    atexit(cleanup);
    smz_writer_opts o = {.threads = 1, .stem_english = 1, .level = 1};
    smz_writer *w = NULL;
    smz_err rc = smz_writer_new(archive_path, &o, &w);
    char *filler = malloc(60000);
    if (!filler) {
        smz_writer_free(w);
        return -1;
    }
    size_t fl = 0;
    while (fl + 8 < 59000)
        fl += (size_t)snprintf(filler + fl, 60000 - fl, "filler%zu ", fl % 97);
    for (size_t i = 0; rc == SMZ_OK && i <= sizeof pages / sizeof pages[0]; i++) {
        const char *path = i < sizeof pages / sizeof pages[0] ? pages[i][0] : "long.html";
        const char *title = i < sizeof pages / sizeof pages[0] ? pages[i][1] : "Long page";
        const char *body = i < sizeof pages / sizeof pages[0] ? pages[i][2] : filler;
        size_t cap = strlen(body) + 256, n;
        char *html = malloc(cap);
        if (!html) {
            rc = SMZ_E_NOMEM;
            break;
        }
        n = (size_t)snprintf(html, cap,
                             "<html><head><title>t</title></head><body><p>%s needle</p></body></html>",
                             body);
        rc = testutil_add_html(w, path, title, html, n);
        free(html);
    }
    free(filler);
    rc = testutil_finish(w, rc, "index.html", NULL);
    if (rc != SMZ_OK)
        fprintf(stderr, "fuzz_query: cannot build the archive: %s\n", smz_writer_errmsg(w));
    smz_writer_free(w);
    if (rc != SMZ_OK)
        return -1;
    if (smz_reader_open(archive_path, NULL, &reader) != SMZ_OK) {
        fprintf(stderr, "fuzz_query: cannot open the archive: %s\n", smz_reader_errmsg(reader));
        return -1;
    }
    return 0;
}

static int utf8_ok(const char *s)
{
    return s && smz_utf8_valid(s, strlen(s));
}

static void check_results(const smz_results *res, size_t limit)
{
    if (!res || res->n > limit || (res->n && !res->hits))
        abort();
    for (size_t i = 0; i < res->n; i++)
        if (!res->hits[i].path || !res->hits[i].path[0] || !utf8_ok(res->hits[i].title) ||
            !utf8_ok(res->hits[i].snippet))
            abort();
}

/* What smz_search or smz_suggest (WHAT) answered: RC and results within
 * LIMIT, or one of the errors a query may earn and no results.  Frees RES. */
static void check_answer(const char *what, smz_err rc, smz_results *res, size_t limit)
{
    if (rc == SMZ_OK)
        check_results(res, limit);
    else if (res || (rc != SMZ_E_INVALID && rc != SMZ_E_TOOBIG && rc != SMZ_E_NOMEM)) {
        fprintf(stderr, "%s: %s: %s\n", what, smz_strerror(rc), smz_reader_errmsg(reader));
        abort();
    }
    smz_results_free(res);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int state; /* 0: not built, 1: ready, -1: failed */
    if (!state)
        state = build() == 0 ? 1 : -1;
    if (state < 0)
        abort(); /* the fixture itself is broken: say so loudly */
    if (size < 1)
        return 0;
    size_t limit = data[0] & 0x0f, offset = (size_t)(data[0] >> 4) * 3;
    const char *q = (const char *)data + 1;
    size_t qlen = size - 1;

    /* The parser on the raw bytes (NULs included). */
    smz_query *pq = NULL;
    char err[256];
    smz_err rc = smz__query_build(q, qlen, &pq, err, sizeof err);
    if (rc == SMZ_OK) {
        const char *plain = smz__query_plain(pq);
        size_t n = smz__query_count(pq);
        if (!plain || !plain[0] || !utf8_ok(plain) || n == 0 || n > SMZ_QUERY_MAX_TERMS ||
            smz__query_term_at(pq, n))
            abort();
        for (size_t i = 0; i < n; i++) {
            const smz_query_term *t = smz__query_term_at(pq, i);
            if (!t || !t->text || strlen(t->text) != t->len || !smz_utf8_valid(t->text, t->len))
                abort();
        }
    } else if (pq || (rc != SMZ_E_INVALID && rc != SMZ_E_TOOBIG && rc != SMZ_E_NOMEM)) {
        abort();
    }
    smz__query_free(pq);

    /* Search and suggest take a C string: the bytes up to the first NUL. */
    char *s = malloc(qlen + 1);
    if (!s)
        return 0;
    memcpy(s, q, qlen);
    s[qlen] = 0;
    smz_results *res = NULL;
    rc = smz_search(reader, s, limit, offset, &res);
    check_answer("smz_search", rc, res, limit);
    res = NULL;
    rc = smz_suggest(reader, s, limit, &res);
    check_answer("smz_suggest", rc, res, limit);
    free(s);
    return 0;
}
