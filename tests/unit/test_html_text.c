/* Unit tests for lib/text/html.c: titles and visible text from real
 * generated documentation (PostgreSQL's DocBook, Python's Sphinx), from
 * hand-made tricky markup, from other charsets, and from hostile bytes,
 * where the only promise is valid UTF-8 and no crash. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "testutil.h"
#include "text/html.h"
#include "text/utf8.h"

#define PG_DIR "/usr/share/doc/postgresql-doc-15/html"
#define PY_OS "/usr/share/doc/python3.11/html/library/os.html"

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *p = malloc(cap);
    size_t got;
    while (p && (got = fread(p + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *np = realloc(p, cap *= 2);
            if (!np) {
                free(p);
                p = NULL;
            }
            p = np;
        }
    }
    fclose(f);
    *len = n;
    return p;
}

/* The output promise: valid UTF-8, NUL only at the end, no control
 * characters but '\n', no leading or trailing or doubled white space. */
static int clean(const char *s, size_t len)
{
    if (!s || strlen(s) != len || !smz_utf8_valid(s, len))
        return 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c < 0x20 && c != '\n') || c == 0x7F)
            return 0;
        if ((c == ' ' || c == '\n') && (i == 0 || i + 1 == len || s[i + 1] == ' ' || s[i + 1] == '\n'))
            return 0;
    }
    return 1;
}

static int all_clean(const smz_html_text *t)
{
    return clean(t->title, t->title_len) && clean(t->text, t->text_len) && t->lang &&
           !strchr(t->title, '\n');
}

/* Extracts a NUL-terminated snippet of HTML. */
static smz_err ex(const char *html, smz_html_text *t)
{
    return smz__html_extract(html, strlen(html), t);
}

static void expect(const char *html, const char *title, const char *text, const char *what)
{
    smz_html_text t;
    smz_err rc = ex(html, &t);
    CHECK(rc == SMZ_OK && all_clean(&t), "%s: extracts clean text", what);
    if (rc == SMZ_OK && title)
        CHECK(!strcmp(t.title, title), "%s: title [%s] is [%s]", what, t.title, title);
    if (rc == SMZ_OK && text)
        CHECK(!strcmp(t.text, text), "%s: text [%s] is [%s]", what, t.text, text);
    smz__html_text_free(&t);
}

/* The body (snippets) and the text set aside (searched, not shown). */
static void expect_body(const char *html, const char *body, const char *aside, const char *what)
{
    smz_html_text t;
    smz_err rc = ex(html, &t);
    CHECK(rc == SMZ_OK && all_clean(&t), "%s: extracts clean text", what);
    if (rc != SMZ_OK)
        return;
    size_t bl = strlen(body);
    CHECK(t.body_len == bl && !memcmp(t.text, body, bl), "%s: body [%.*s] is [%s]", what,
          (int)t.body_len, t.text, body);
    const char *rest = t.text + t.body_len + (t.body_len && t.body_len < t.text_len);
    CHECK(!strcmp(rest, aside), "%s: set aside [%s] is [%s]", what, rest, aside);
    smz__html_text_free(&t);
}

static void test_body(void)
{
    expect_body("<html><head><title>Made up</title></head><body><header>Site Menu</header>"
                "<nav>Home About</nav><main><article><header><p class=kicker>News</p><h1>Made up</h1>"
                "<p class='meta source'>Daily Example · 28 January 2022</p></header>"
                "<p>First paragraph.</p><figure><img src=a.jpg alt=''><figcaption>A photo "
                "\xC2\xA9Getty Images</figcaption></figure><p>Second paragraph.</p>"
                "<footer>Filed under: tests</footer></article></main><footer>(c) site</footer>",
                "First paragraph.\nSecond paragraph.",
                "News\nMade up\nDaily Example · 28 January 2022\nA photo \xC2\xA9Getty Images\nFiled "
                "under: tests",
                "header, figcaption and footer in an article are set aside, the site's left out");
    expect_body("<title>Table Basics</title><div class=sect1><h1>Table Basics</h1><p>A table is</p>"
                "<h1>Other</h1><p>more</p></div>",
                "A table is\nOther\nmore", "Table Basics", "the first h1, equal to the title");
    expect_body("<title>os \xE2\x80\x94 Files \xE2\x80\x94 Python 3.11 documentation</title>"
                "<div class=body><h1>os \xE2\x80\x94 Files<a class=headerlink>\xC2\xB6</a></h1>"
                "<p>Source code</p></div>",
                "Source code", "os \xE2\x80\x94 Files",
                "an h1 that begins the title before a separator");
    expect_body("<title>5.1. Table Basics</title><div class=sect1><div class=titlepage><h2 class=title>"
                "5.1. Table Basics</h2></div><p>A table</p><h2>Next</h2></div>",
                "A table\nNext", "5.1. Table Basics",
                "a DocBook page's first heading, an h2, is its title");
    expect_body("<h2>Section</h2><p>text</p>", "Section\ntext", "",
                "without a title, a first heading other than h1 stays in the body");
    expect_body("<title>Kinds of tables</title><h1>Kinds</h1><p>body</p>", "Kinds\nbody", "",
                "an h1 that is not the title stays in the body");
    expect_body("<title>T</title><p>one</p><p class=caption>Photo: Jane \xC2\xA9Getty</p><p>two</p>"
                "<details class=from-original><summary class=smz-label>From the original</summary>"
                "<ul><li>boilerplate line</li></ul></details>",
                "one\ntwo", "Photo: Jane \xC2\xA9Getty\nboilerplate line",
                "an article page's caption and From the original");
    expect_body("<article><header><h1>Only a header</h1></header></article>", "", "Only a header",
                "nothing but set-aside text");
    expect_body("<p>word<span class=caption>joined</span>word</p>", "wordjoinedword", "",
                "an inline caption class is not set aside: it would split a word");
}

static void test_real_pages(void)
{
    size_t len;
    char *html = slurp(PG_DIR "/sql-createindex.html", &len);
    CHECK(html != NULL, "read PostgreSQL's sql-createindex.html (postgresql-doc-15)");
    if (html) {
        smz_html_text t;
        CHECK(smz__html_extract(html, len, &t) == SMZ_OK, "PostgreSQL page parses");
        CHECK(!strcmp(t.title, "CREATE INDEX"), "PostgreSQL title is [%s]", t.title);
        CHECK(all_clean(&t), "PostgreSQL page text is clean");
        CHECK(!strcmp(t.lang, ""), "PostgreSQL page has no lang [%s]", t.lang);
        CHECK(!strncmp(t.text, "CREATE INDEX — define a new index\nSynopsis\nCREATE", 48),
              "text starts at the content, not the navigation header nor the title's h2: [%.60s]",
              t.text);
        CHECK(!strcmp(t.text + t.body_len, "\nCREATE INDEX"),
              "the h2 that is the title is set aside: [%.60s]", t.text + t.body_len);
        CHECK(strstr(t.text, "constructs an index on the specified column(s) of the specified "
                             "relation") != NULL,
              "body text is there, white space collapsed");
        CHECK(!strstr(t.text, "Prev") && !strstr(t.text, "Home") && !strstr(t.text, "CREATE GROUP"),
              "navheader and navfooter are left out");
        CHECK(strstr(t.text, "NULLS [ NOT ] DISTINCT") != NULL, "<pre> synopsis text is kept");
        size_t tl = t.text_len;
        CHECK(t.text[tl - 1] != '\n' && strstr(t.text, "Section 28.4.2") != NULL,
              "the last section ('See Also') is kept");
        smz__html_text_free(&t);
        smz__html_text_free(&t);
        free(html);
    }

    html = slurp(PY_OS, &len);
    if (!html) {
        printf("# skipped: %s is missing (python3.11-doc)\n", PY_OS);
    } else {
        smz_html_text t;
        CHECK(smz__html_extract(html, len, &t) == SMZ_OK, "Python os.html parses");
        CHECK(!strcmp(t.title, "os — Miscellaneous operating system interfaces — Python 3.11.2 "
                               "documentation"),
              "Python title [%s]", t.title);
        CHECK(!strcmp(t.lang, "en"), "Python lang [%s]", t.lang);
        CHECK(all_clean(&t), "Python page text is clean");
        CHECK(strstr(t.text, "This module provides a portable way of using operating system "
                             "dependent functionality") != NULL,
              "Python body text is there");
        CHECK(!strstr(t.text, "Table of Contents") && !strstr(t.text, "Please donate") &&
                  !strstr(t.text, "Quick search") && !strstr(t.text, "previous |"),
              "Sphinx sidebar, related bars and footer are left out");
        CHECK(!strstr(t.text, "¶"), "Sphinx headerlink pilcrows are left out");
        CHECK(!strstr(t.text, "jQuery") && !strstr(t.text, "@media"), "scripts and styles left out");
        CHECK(!strncmp(t.text, "Source code: Lib/os.py", 22),
              "Python body starts after the heading: [%.50s]", t.text);
        CHECK(t.body_len < t.text_len &&
                  !strcmp(t.text + t.body_len, "\nos — Miscellaneous operating system interfaces"),
              "the heading, the title's start, is set aside: [%.60s]", t.text + t.body_len);
        smz__html_text_free(&t);
        free(html);
    }

    /* Every PostgreSQL page: a title, clean text, no navigation words. */
    DIR *d = opendir(PG_DIR);
    size_t pages = 0, good = 0, titled = 0;
    struct dirent *de;
    while (d && (de = readdir(d))) {
        size_t n = strlen(de->d_name);
        char path[512];
        if (n < 5 || strcmp(de->d_name + n - 5, ".html"))
            continue;
        if ((size_t)snprintf(path, sizeof path, "%s/%s", PG_DIR, de->d_name) >= sizeof path)
            continue;
        if (!(html = slurp(path, &len)))
            continue;
        smz_html_text t;
        pages++;
        if (smz__html_extract(html, len, &t) == SMZ_OK) {
            good += all_clean(&t) && t.text_len > 0 && !strstr(t.text, "Prev ");
            titled += t.title_len > 0;
            smz__html_text_free(&t);
        }
        free(html);
    }
    if (d)
        closedir(d);
    CHECK(pages > 1000 && good == pages && titled == pages,
          "%zu PostgreSQL pages: %zu clean without navigation, %zu with a title", pages, good, titled);
}

static void test_markup(void)
{
    expect("", "", "", "empty input");
    expect("<title>  A \n\t B  </title><p>x", "A B", "x", "title white space collapsed");
    expect("<p>unclosed <b>bold <i>italic", "", "unclosed bold italic", "unclosed tags");
    expect("<p>one</p><p>two</p><div>three<div>four</div></div>", NULL, "one\ntwo\nthree\nfour",
           "blocks are lines");
    expect("<table><tr><td>a</td><td>b</td></tr><tr><th>c</th><td>d</td></tr></table>", NULL, "a b\nc d",
           "cells are spaced, rows are lines");
    expect("a<br>b<br/>c<hr>d", NULL, "a\nb\nc\nd", "br and hr break lines");
    expect("<p><b>wo</b>rd <a href=x>link</a>ed</p>", NULL, "word linked",
           "inline elements do not split words");
    expect("<ul><li>x</li><li>y</li></ul>", NULL, "x\ny", "list items are lines");
    expect("<script>var secret = 1;</script><style>p{}</style><noscript>ns</noscript>"
           "<template>tp</template><svg><text>svgtext</text></svg><!-- comment -->"
           "<p>shown</p><iframe>if</iframe><button>Go</button><select><option>opt</select>",
           "", "shown", "scripts, styles, comments, svg, controls left out");
    expect("<html><head><title>T</title><meta name=x content=y></head><body>body</body></html>", "T",
           "body", "head content is not text");
    expect("<header>Site name Menu</header><article><header><h1>Post</h1>by me</header><p>Words"
           "</p><footer>Tags: x</footer></article><footer>(c) site</footer>",
           "Post", "Words\nPost\nby me\nTags: x", "site header/footer out, article's set aside");
    expect("<div role=navigation>a</div><div role='search'>b</div><div class='x navheader'>c</div>"
           "<div class=sphinxsidebar>d</div><div class=related>e</div><div class=FOOTER>f</div>"
           "<p>kept</p>",
           NULL, "kept", "navigation roles and classes left out");
    expect("<p hidden>h</p><p aria-hidden=true>a</p><p style='Display : None'>s</p>"
           "<p style='color:red'>red</p>",
           NULL, "red", "hidden elements left out");
    expect("<h1>Head <em>line</em></h1><p>x</p>", "Head line", "x\nHead line",
           "title from h1 (set aside: it is the title)");
    expect("<title> </title><header><h1>Site</h1></header><h1>Real</h1>", "Real", "Real",
           "empty title: first visible h1");
    expect("<header><h1>Only</h1></header><p>t", "Only", "t", "no visible h1: any h1");
    expect("<body><svg><title>tooltip</title></svg><h1>Page</h1>", "Page", "Page",
           "an svg title is not the page's");
    expect("<p>&lt;tag&gt; &amp; &quot; x&nbsp;y &#0; &#xD800; &#x110000; &#128512; &bogus;", NULL, NULL,
           "entities");
    {
        smz_html_text t;
        ex("<p>&lt;b&gt; x&nbsp;&nbsp;y&#x1F600;</p>", &t);
        CHECK(!strcmp(t.text, "<b> x y\xF0\x9F\x98\x80"), "entities decoded [%s]", t.text);
        smz__html_text_free(&t);
    }
    expect("<html lang=zh-CN><title>x</title></html>", "x", "", "lang");
    {
        smz_html_text t;
        ex("<html lang=zh-Hant-TW><p>x", &t);
        CHECK(!strcmp(t.lang, "zh-Hant-TW"), "lang is [%s]", t.lang);
        smz__html_text_free(&t);
        ex("<html lang='\"><script>'><p>x", &t);
        CHECK(!strcmp(t.lang, ""), "a lang that is not a tag is dropped [%s]", t.lang);
        smz__html_text_free(&t);
        /* The tag rule is lib/text/lang.c's, as on article pages: this
         * extractor used to keep "en--US" and "en-". */
        for (const char *const *h =
                 (const char *const[]){"<html lang=en--US><p>x", "<html lang=en-><p>x", NULL};
             *h; h++) {
            ex(*h, &t);
            CHECK(!strcmp(t.lang, ""), "%s: an empty subtag is not a tag [%s]", *h, t.lang);
            smz__html_text_free(&t);
        }
        ex("<html xml:lang=fr><p>x", &t);
        CHECK(!strcmp(t.lang, "fr"), "xml:lang [%s]", t.lang);
        smz__html_text_free(&t);
        CHECK(smz__html_extract(NULL, 0, &t) == SMZ_OK && !strcmp(t.text, ""), "NULL, 0 is empty");
        smz__html_text_free(&t);
    }
    {
        /* Embedded NUL and control bytes. */
        static const char raw[] = "<p>a\0b\x01"
                                  "c\x7f"
                                  "d</p><p>e\x1b[31m</p>";
        smz_html_text t;
        CHECK(smz__html_extract(raw, sizeof raw - 1, &t) == SMZ_OK && all_clean(&t),
              "NUL and control bytes: clean [%s]", t.text ? t.text : "(null)");
        smz__html_text_free(&t);
    }
}

static void test_charsets(void)
{
    smz_html_text t;
    ex("<meta charset=iso-8859-1><title>caf\xe9</title><p>na\xefve", &t);
    CHECK(!strcmp(t.title, "café") && !strcmp(t.text, "naïve"), "meta charset Latin-1 [%s] [%s]",
          t.title, t.text);
    smz__html_text_free(&t);
    ex("<meta http-equiv=Content-Type content='text/html; charset=windows-1252'>"
       "<p>\x93quoted\x94 \x80",
       &t);
    CHECK(!strcmp(t.text, "“quoted” €"), "http-equiv windows-1252 [%s]", t.text);
    smz__html_text_free(&t);
    ex("<meta charset=shift_jis><title>\x93\xfa\x96\x7b\x8c\xea</title>", &t);
    CHECK(!strcmp(t.title, "日本語"), "Shift_JIS [%s]", t.title);
    smz__html_text_free(&t);
    ex("<meta charset=gbk><p>\xd6\xd0\xce\xc4", &t);
    CHECK(!strcmp(t.text, "中文"), "GBK [%s]", t.text);
    smz__html_text_free(&t);
    ex("<p>中文 ελληνικά русский", &t);
    CHECK(!strcmp(t.text, "中文 ελληνικά русский"), "UTF-8 without a declaration [%s]", t.text);
    smz__html_text_free(&t);
    static const char bom16[] = "\xff\xfe<\0p\0>\0h\0i\0";
    CHECK(smz__html_extract(bom16, sizeof bom16 - 1, &t) == SMZ_OK && !strcmp(t.text, "hi"),
          "UTF-16 with a BOM [%s]", t.text);
    smz__html_text_free(&t);
    static const char *const liars[] = {
        "<meta charset=utf-16><p>not really utf-16 \xff\xfe\x00",
        "<meta charset=x-no-such-charset><p>text \xe9",
        "<meta charset=utf-8><p>bad \xc3\x28 \xed\xa0\x80 \xf4\x90\x80\x80 \xe2\x82",
        "<meta charset=ucs-4><p>x",
        "<meta charset=iso-2022-jp><p>\x1b$B$3$s\x1b(B \x1b$B",
    };
    for (size_t i = 0; i < sizeof liars / sizeof liars[0]; i++) {
        CHECK(ex(liars[i], &t) == SMZ_OK && all_clean(&t), "lying charset %zu: clean [%s]", i,
              t.text ? t.text : "(null)");
        smz__html_text_free(&t);
    }
}

static uint64_t rng = 0x9E3779B97F4A7C15u;
static uint32_t rnd(void)
{
    return testutil_rnd(&rng);
}

static void test_hostile(void)
{
    /* Random bytes, random tag soup, and both behind charset declarations. */
    static const char *const pieces[] = {"<p>",
                                         "</p>",
                                         "<div class=navheader>",
                                         "</div>",
                                         "<b>",
                                         "<script>",
                                         "</script>",
                                         "<!--",
                                         "-->",
                                         "&amp;",
                                         "&#",
                                         "<title>",
                                         "</title>",
                                         "<h1>",
                                         "<svg>",
                                         "<![CDATA[",
                                         "]]>",
                                         "\xe4\xb8\xad",
                                         "\xff",
                                         "\xc3",
                                         " ",
                                         "\n",
                                         "<",
                                         ">",
                                         "\"",
                                         "<meta charset=gbk>",
                                         "<meta charset=utf-16le>",
                                         "<header>",
                                         "<article>",
                                         "<td>",
                                         "<br>",
                                         "\0"};
    size_t ok = 0, runs = 2000;
    char *buf = malloc(8192);
    for (size_t r = 0; buf && r < runs; r++) {
        size_t n = rnd() % 8000, i = 0;
        int soup = r % 2;
        while (i < n) {
            if (soup) {
                const char *p = pieces[rnd() % (sizeof pieces / sizeof pieces[0])];
                size_t pl = *p ? strlen(p) : 1;
                if (i + pl > n)
                    break;
                memcpy(buf + i, p, pl);
                i += pl;
            } else {
                buf[i++] = (char)rnd();
            }
        }
        smz_html_text t;
        if (smz__html_extract(buf, i, &t) == SMZ_OK && all_clean(&t))
            ok++;
        else
            printf("# bad output for run %zu\n", r);
        smz__html_text_free(&t);
    }
    free(buf);
    CHECK(ok == runs, "%zu of %zu random byte strings and tag soups give clean text", ok, runs);

    /* Deep nesting must not recurse. */
    size_t depth = 200000;
    char *deep = malloc(depth * 5 + 16);
    if (deep) {
        for (size_t i = 0; i < depth; i++)
            memcpy(deep + i * 5, "<div>", 5);
        memcpy(deep + depth * 5, "deep", 5);
        smz_html_text t;
        CHECK(smz__html_extract(deep, depth * 5 + 4, &t) == SMZ_OK && all_clean(&t),
              "200000 nested divs [%.20s]", t.text ? t.text : "(null)");
        smz__html_text_free(&t);
        for (size_t i = 0; i < depth; i++)
            memcpy(deep + i * 5, i % 2 ? "<b>xx" : "<i>yy", 5);
        CHECK(smz__html_extract(deep, depth * 5, &t) == SMZ_OK && all_clean(&t),
              "200000 nested inline elements");
        smz__html_text_free(&t);
        free(deep);
    }

    /* Text over the cap is cut at a character boundary. */
    size_t big = SMZ_HTML_MAX_TEXT + 100000;
    char *huge = malloc(big + 1);
    if (huge) {
        memcpy(huge, "<title>", 7);
        size_t i = 7;
        while (i + 3 <= big) {
            memcpy(huge + i, i % 30 == 7 ? " x " : "\xe4\xb8\xad", 3);
            i += 3;
        }
        smz_html_text t;
        smz_err rc = smz__html_extract(huge, i, &t);
        CHECK(rc == SMZ_OK && t.truncated && t.title_len <= SMZ_HTML_MAX_TITLE && all_clean(&t),
              "huge title is cut at %zu bytes", t.title_len);
        smz__html_text_free(&t);
        memcpy(huge, "<p>    ", 7);
        rc = smz__html_extract(huge, i, &t);
        CHECK(rc == SMZ_OK && t.truncated && t.text_len <= SMZ_HTML_MAX_TEXT &&
                  t.text_len > SMZ_HTML_MAX_TEXT - 8 && all_clean(&t),
              "huge text is cut at %zu bytes", t.text_len);
        smz__html_text_free(&t);
        free(huge);
    }
}

/* ---- text shown as it grows ---- */

typedef struct pieces {
    const char *full; /* the whole text, from smz__html_extract */
    size_t full_len;
    size_t calls, last, stop_after;
    int prefixes_ok, complete_ok, completes;
} pieces;

static int piece(void *ctx, const char *text, size_t len, size_t body, int complete)
{
    pieces *p = ctx;
    p->calls++;
    if (complete) {
        p->completes++;
        p->complete_ok = len == p->full_len && !memcmp(text, p->full, len) && body <= len;
        return 1;
    }
    if (body != len) /* a piece before the last is all body */
        p->prefixes_ok = 0;
    /* A beginning of the whole text, longer than the last, ending a word. */
    if (len > p->full_len || memcmp(text, p->full, len) || len < p->last ||
        (len < p->full_len && p->full[len] != ' ' && p->full[len] != '\n' && len > 0 &&
         text[len - 1] != ' ' && text[len - 1] != '\n'))
        p->prefixes_ok = 0;
    p->last = len;
    return p->stop_after && p->calls >= p->stop_after;
}

static void test_scan(void)
{
    size_t len;
    char *html = slurp(PG_DIR "/sql-select.html", &len);
    CHECK(html != NULL, "read PostgreSQL's sql-select.html");
    if (!html)
        return;
    smz_html_text t;
    CHECK(smz__html_extract(html, len, &t) == SMZ_OK && t.text_len > 20000,
          "sql-select.html has long text");
    pieces p = {.full = t.text, .full_len = t.text_len, .prefixes_ok = 1};
    CHECK(smz__html_text_scan(html, len, 1024, piece, &p) == SMZ_OK, "the page is scanned");
    CHECK(p.prefixes_ok && p.complete_ok && p.completes == 1 && p.calls >= 4,
          "pieces of 1 KB, 4 KB, ... are beginnings of the text, cut after words, then all of it "
          "(%zu calls)",
          p.calls);
    pieces q = {.full = t.text, .full_len = t.text_len, .prefixes_ok = 1, .stop_after = 2};
    CHECK(smz__html_text_scan(html, len, 1024, piece, &q) == SMZ_OK && q.calls == 2 &&
              q.completes == 0 && q.prefixes_ok && q.last < 8192,
          "a sink that has enough stops the parse (%zu calls, %zu bytes)", q.calls, q.last);
    pieces w = {.full = t.text, .full_len = t.text_len, .prefixes_ok = 1};
    CHECK(smz__html_text_scan(html, len, 0, piece, &w) == SMZ_OK && w.calls == 1 && w.complete_ok,
          "FIRST 0: the whole text at once");
    pieces e = {.full = "", .full_len = 0, .prefixes_ok = 1};
    CHECK(smz__html_text_scan(NULL, 0, 1024, piece, &e) == SMZ_OK && e.calls == 1 && e.complete_ok,
          "no bytes: one empty, complete text");
    smz__html_text_free(&t);
    free(html);
}

int main(void)
{
    test_real_pages();
    test_body();
    test_scan();
    test_markup();
    test_charsets();
    test_hostile();
    return CHECK_DONE();
}
