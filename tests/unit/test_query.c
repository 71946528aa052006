/* Unit tests for lib/search/query.c: a table of typed queries and the terms
 * they must be cut into, the errors and caps, and thousands of random byte
 * strings that must each give terms of valid UTF-8 or a documented error.
 * What the terms find in an archive's index is tested through smz_search
 * (test_search.c, tests/fuzz/fuzz_query.c). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "check.h"
#include "testutil.h"
#include "search/query.h"
#include "text/utf8.h"

/* IN with control characters shown as '?', so each CHECK stays one line. */
static const char *shown(const char *in, char *buf, size_t len)
{
    size_t i = 0;
    for (; in[i] && i + 1 < len; i++)
        buf[i] = (unsigned char)in[i] < 0x20 ? '?' : in[i];
    buf[i] = 0;
    return buf;
}

/* Q's terms in the order typed, '|' between them, each as [-]["]text["][*]:
 * '-' when excluded, quotes around a phrase, '*' for a prefix. */
static const char *terms(const smz_query *q, char *buf, size_t len)
{
    size_t n = 0;
    buf[0] = 0;
    for (size_t i = 0; q && i < smz__query_count(q) && n < len; i++) {
        const smz_query_term *t = smz__query_term_at(q, i);
        int w = snprintf(buf + n, len - n, "%s%s%s%s%s%s", i ? "|" : "", t->exclude ? "-" : "",
                         t->phrase ? "\"" : "", t->text, t->phrase ? "\"" : "", t->prefix ? "*" : "");
        if (w < 0)
            break;
        n += (size_t)w;
    }
    return buf;
}

static void expect(const char *in, const char *want_terms, const char *plain)
{
    smz_query *q = NULL;
    char err[256], sb[256], tb[4096];
    smz_err rc = smz__query_build(in, strlen(in), &q, err, sizeof err);
    CHECK(rc == SMZ_OK && !strcmp(terms(q, tb, sizeof tb), want_terms) &&
              !strcmp(smz__query_plain(q), plain),
          "[%s] -> [%s] [%s] (want [%s] [%s]) %s", shown(in, sb, sizeof sb), rc == SMZ_OK ? tb : "-",
          rc == SMZ_OK ? smz__query_plain(q) : "-", want_terms, plain, rc == SMZ_OK ? "" : err);
    smz__query_free(q);
}

/* 1 when every term of Q and its plain text are valid UTF-8. */
static int all_utf8(const smz_query *q)
{
    int ok = smz_utf8_valid(smz__query_plain(q), strlen(smz__query_plain(q)));
    for (size_t i = 0; i < smz__query_count(q); i++) {
        const smz_query_term *t = smz__query_term_at(q, i);
        ok &= strlen(t->text) == t->len && smz_utf8_valid(t->text, t->len);
    }
    return ok;
}

static void expect_error(const char *in, size_t len, smz_err want, const char *msg_part)
{
    smz_query *q = (smz_query *)&q; /* must be set to NULL */
    char err[256] = "unset";
    smz_err rc = smz__query_build(in, len, &q, err, sizeof err);
    CHECK(rc == want && q == NULL && strstr(err, msg_part), "[%.40s] fails: %s: %s", in ? in : "(null)",
          smz_strerror(rc), err);
}

static void test_table(void)
{
    expect("hello", "hello", "hello");
    expect("  hello   world  ", "hello|world", "hello world");
    expect("\"hello world\"", "\"hello world\"", "hello world");
    expect("\"  spaced  phrase \"", "\"spaced  phrase\"", "spaced  phrase");
    expect("\"unclosed phrase", "\"unclosed phrase\"", "unclosed phrase");
    expect("run*", "run*", "run");
    expect("run***", "run*", "run");
    expect("\"new yo\"*", "\"new yo\"*", "new yo");
    expect("cats -dogs", "cats|-dogs", "cats");
    expect("-dogs cats -\"hot dogs\" birds", "-dogs|cats|-\"hot dogs\"|birds", "cats birds");
    expect("a - b", "a|b", "a b");
    expect("--x y", "--x|y", "y");
    expect("e-mail", "e-mail", "e-mail");
    expect("foo*bar", "foo*bar", "foo*bar");
    expect("a AND b OR c NOT d", "a|AND|b|OR|c|NOT|d", "a AND b OR c NOT d");
    expect("NEAR(a b)", "NEAR(a|b)", "NEAR(a b)");
    expect("title:secret", "title:secret", "title:secret");
    expect("{title body}:x", "{title|body}:x", "{title body}:x");
    expect("^start +plus", "^start|+plus", "^start +plus");
    expect("say\"hi\"", "say\"hi\"", "say\"hi\"");
    expect("\"a\"\"b\"", "\"a\"|\"b\"", "a b");
    expect("\"quoted\"rest", "\"quoted\"|rest", "quoted rest");
    expect("x \" y", "x|\"y\"", "x y");
    expect("C++ *** ()", "C++", "C++");
    expect("tab\there\nnew\rline\x01"
           "ctl",
           "tab|here|new|line|ctl", "tab here new line ctl");
    expect("caf\xe9 ok", "caf\xef\xbf\xbd|ok", "caf\xef\xbf\xbd ok");
    expect("\xff\xfe", "\xef\xbf\xbd\xef\xbf\xbd", "\xef\xbf\xbd\xef\xbf\xbd");
    expect("Café crème", "Café|crème", "Café crème");
    expect("人权", "人权", "人权");
    expect("人权*", "人权", "人权");
    expect("東京　タワー", "東京|タワー", "東京 タワー");
    expect("Linux内核*", "Linux内核", "Linux内核");
    expect("内核Linux*", "内核Linux*", "内核Linux");
    expect("no\xc2\xa0"
           "break",
           "no|break", "no break");
    /* Embedded NUL is a space. */
    {
        smz_query *q = NULL;
        char tb[64];
        CHECK(smz__query_build("a\0b", 3, &q, NULL, 0) == SMZ_OK &&
                  !strcmp(terms(q, tb, sizeof tb), "a|b"),
              "NUL separates terms [%s]", q ? tb : "-");
        CHECK(smz__query_count(q) == 2 && smz__query_term_at(q, 2) == NULL, "count and range");
        smz__query_free(q);
    }
    {
        smz_query *q = NULL;
        smz__query_build("-\"a b\" c* \"d\"", 13, &q, NULL, 0);
        const smz_query_term *t0 = q ? smz__query_term_at(q, 0) : NULL;
        const smz_query_term *t1 = q ? smz__query_term_at(q, 1) : NULL;
        const smz_query_term *t2 = q ? smz__query_term_at(q, 2) : NULL;
        CHECK(t0 && t0->exclude && t0->phrase && !t0->prefix && !strcmp(t0->text, "a b") &&
                  t0->len == 3 && t1 && !t1->exclude && !t1->phrase && t1->prefix &&
                  !strcmp(t1->text, "c") && t2 && t2->phrase && !strcmp(t2->text, "d"),
              "terms carry their kind");
        smz__query_free(q);
    }
    smz__query_free(NULL);

    expect_error("", 0, SMZ_E_INVALID, "no words");
    expect_error(NULL, 0, SMZ_E_INVALID, "no words");
    expect_error("   \t ", 5, SMZ_E_INVALID, "no words");
    expect_error("*** () \"\" - --", 15, SMZ_E_INVALID, "no words");
    expect_error("-dogs", 5, SMZ_E_INVALID, "only excludes");
    expect_error("-dogs -\"hot dogs\" ?", 19, SMZ_E_INVALID, "only excludes");
    char many[400] = "";
    for (int i = 0; i < 33; i++)
        snprintf(many + strlen(many), sizeof many - strlen(many), "w%d ", i);
    expect_error(many, strlen(many), SMZ_E_TOOBIG, "at most 32");
    /* Prefixes cost a merge of every term they start each: four at most. */
    expect_error("a* b* c* d* e*", 14, SMZ_E_TOOBIG, "ending in '*': at most 4");
    expect_error("\"x y\"* a* a* a* a*", 18, SMZ_E_TOOBIG, "ending in '*': at most 4");
    {
        smz_query *q = NULL;
        CHECK(smz__query_build("a* b* c* d* e", 13, &q, NULL, 0) == SMZ_OK && smz__query_count(q) == 5,
              "four prefixes and a word are a query");
        smz__query_free(q);
    }
    many[strlen(many) - 4] = 0; /* 32 words */
    {
        smz_query *q = NULL;
        CHECK(smz__query_build(many, strlen(many), &q, NULL, 0) == SMZ_OK && smz__query_count(q) == 32,
              "32 words are allowed");
        smz__query_free(q);
    }
    char longq[SMZ_QUERY_MAX_BYTES + 2];
    memset(longq, 'x', sizeof longq);
    {
        smz_query *q = NULL;
        CHECK(smz__query_build(longq, SMZ_QUERY_MAX_BYTES, &q, NULL, 0) == SMZ_OK,
              "1024 bytes are allowed");
        smz__query_free(q);
    }
    expect_error(longq, SMZ_QUERY_MAX_BYTES + 1, SMZ_E_TOOBIG, "at most 1024 bytes");
    size_t mb = 1 << 20;
    char *huge = malloc(mb);
    if (huge) {
        memset(huge, '"', mb);
        clock_t t0 = clock();
        expect_error(huge, mb, SMZ_E_TOOBIG, "too long");
        double ms = (double)(clock() - t0) * 1000.0 / CLOCKS_PER_SEC;
        CHECK(ms < 50, "a megabyte query is refused in %.3f ms", ms);
        free(huge);
    }
    {
        /* 1024 invalid bytes become 3072 bytes of U+FFFD: buffers must hold it. */
        char bad[SMZ_QUERY_MAX_BYTES];
        memset(bad, 0xff, sizeof bad);
        bad[100] = '"';
        bad[500] = '"';
        smz_query *q = NULL;
        CHECK(smz__query_build(bad, sizeof bad, &q, NULL, 0) == SMZ_OK && all_utf8(q),
              "1024 invalid bytes: valid UTF-8 out");
        smz__query_free(q);
        memset(bad, '"', sizeof bad);
        bad[0] = 'a';
        CHECK(smz__query_build(bad, sizeof bad, &q, NULL, 0) == SMZ_OK, "a word and 1023 quotes: %s",
              q ? smz__query_plain(q) : "-");
        smz__query_free(q);
    }
}

static uint64_t rng = 0x853C49E6748FEA9Bu;
static uint32_t rnd(void)
{
    return testutil_rnd(&rng);
}

static void test_random(void)
{
    static const char *const pieces[] = {
        "\"",       "\"",
        "-",        "*",
        "(",        ")",
        ":",        "^",
        "+",        " ",
        " ",        "  ",
        "AND",      "OR",
        "NOT",      "NEAR",
        "NEAR(",    "title",
        "body",     "{",
        "}",        ",",
        "cats",     "dogs",
        "new",      "中",
        "人权",     "タ",
        "é",        "\xff",
        "\xc3",     "\xe4\xb8",
        "\t",       "\n",
        "\x01",     "\x7f",
        "'",        ";",
        "\\",       "%",
        "_",        "?",
        "ＡＢ",     "\xef\xb8\x80",
        "\xc2\xa0", "x",
        "-\"",      "\"*",
        "*\"",      "\xe3\x80\x80",
    };
    size_t runs = 6000, ok = 0, built = 0, valid = 0;
    char buf[200];
    for (size_t r = 0; r < runs; r++) {
        size_t n = 0, lim = rnd() % sizeof buf;
        while (n < lim) {
            if (r % 4 == 0) {
                char c = (char)rnd();
                buf[n++] = c ? c : ' ';
            } else {
                const char *p = pieces[rnd() % (sizeof pieces / sizeof pieces[0])];
                size_t pl = strlen(p);
                if (n + pl > lim)
                    break;
                memcpy(buf + n, p, pl);
                n += pl;
            }
        }
        smz_query *q = NULL;
        char err[128];
        smz_err rc = smz__query_build(buf, n, &q, err, sizeof err);
        if (rc != SMZ_OK) {
            /* Errors are allowed only for the documented reasons. */
            ok += (rc == SMZ_E_INVALID || rc == SMZ_E_TOOBIG) && err[0];
            continue;
        }
        built++;
        ok++;
        valid += all_utf8(q) && smz__query_count(q) <= SMZ_QUERY_MAX_TERMS && smz__query_plain(q)[0];
        smz__query_free(q);
    }
    CHECK(
        ok == runs && valid == built && built > runs / 2,
        "%zu random queries (%zu built, %zu of valid UTF-8): %zu built or refused for a documented reason",
        runs, built, valid, ok);
}

int main(void)
{
    test_table();
    test_random();
    return CHECK_DONE();
}
