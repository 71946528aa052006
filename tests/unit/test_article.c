/* Articles: the five sample news texts get the titles a person would give
 * them, lose their site furniture and keep every real paragraph; front
 * matter, Markdown headings, hostile Markdown, invalid UTF-8, empty input,
 * datelines, caps; the generated index page; the default illustration.
 * Every page must parse cleanly (xmllint, and a tag-balance check here). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "article/article.h"
#include "smz/pack.h"
#include "text/utf8.h"

static char *read_sample(const char *name, size_t *len)
{
    const char *top = getenv("TOP");
    char path[4096];
    snprintf(path, sizeof path, "%s/samples/%s", top ? top : ".", name);
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = malloc(1 << 20);
    size_t n = buf ? fread(buf, 1, (1 << 20) - 1, f) : 0;
    fclose(f);
    if (buf)
        buf[n] = 0;
    *len = n;
    return buf;
}

static size_t count(const char *hay, const char *needle)
{
    size_t c = 0, k = strlen(needle);
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += k)
        c++;
    return c;
}

/* The reading view: the page up to the "From the original" section (a
 * static buffer, enough for the samples; the tests here run one by one). */
static const char *reading(const char *html)
{
    static char buf[1 << 20];
    const char *d = strstr(html, "<details class=\"from-original\">");
    size_t n = d ? (size_t)(d - html) : strlen(html);
    if (n >= sizeof buf)
        n = sizeof buf - 1;
    memcpy(buf, html, n);
    buf[n] = 0;
    return buf;
}

/* The "From the original" section, or "" when there is none. */
static const char *from_original(const char *html)
{
    const char *d = strstr(html, "<details class=\"from-original\">");
    return d ? d : "";
}

static size_t cps(const char *s)
{
    size_t c = 0;
    for (; *s; s++)
        c += ((unsigned char)*s & 0xC0) != 0x80;
    return c;
}

/* Tags open and close in order (void elements aside), nothing is left
 * open, and no '<' starts anything but a tag, comment or doctype. */
static int balanced(const char *html)
{
    static const char *const voids[] = {"meta", "br", "hr", "img", "link", "input", "wbr", NULL};
    char stack[64][16];
    int depth = 0;
    for (const char *p = html; (p = strchr(p, '<')) != NULL;) {
        if (!strncmp(p, "<!--", 4)) {
            const char *e = strstr(p, "-->");
            if (!e)
                return 0;
            p = e + 3;
            continue;
        }
        if (!strncmp(p, "<!DOCTYPE html>", 15)) {
            p += 15;
            continue;
        }
        int closing = p[1] == '/';
        const char *n = p + 1 + closing;
        size_t k = 0;
        while ((n[k] >= 'a' && n[k] <= 'z') || (n[k] >= '0' && n[k] <= '9'))
            k++;
        if (k == 0 || k >= 16)
            return 0;
        const char *e = strchr(n, '>');
        if (!e)
            return 0;
        char name[16];
        memcpy(name, n, k);
        name[k] = 0;
        int is_void = 0;
        for (int i = 0; voids[i]; i++)
            is_void |= !strcmp(voids[i], name);
        if (closing) {
            if (depth == 0 || strcmp(stack[depth - 1], name))
                return 0;
            depth--;
        } else if (!is_void) {
            if (depth == 64)
                return 0;
            memcpy(stack[depth++], name, k + 1);
        }
        p = e + 1;
    }
    return depth == 0;
}

/* xmllint's HTML parser (libxml2 2.9) reports HTML5 elements it does not
 * know as "Tag main invalid"; anything else it says is a real error. */
static int xmllint_clean(const char *html, const char *name)
{
    char file[256], cmd[1024];
    snprintf(file, sizeof file, "%s.html", name);
    FILE *f = fopen(file, "wb");
    if (!f)
        return 0;
    fputs(html, f);
    fclose(f);
    snprintf(cmd, sizeof cmd,
             "xmllint --html --noout '%s' 2>&1 | grep 'error' | "
             "grep -v -E 'Tag (main|nav|article|header|footer|time|section|details|summary) invalid' > "
             "'%s.err'; "
             "test ! -s '%s.err'",
             file, name, name);
    return system(cmd) == 0;
}

static int page_ok(const smz_article *a, const char *name)
{
    return a && strstr(a->html, "<!DOCTYPE html>\n<html") == a->html &&
           strstr(a->html, "<meta charset=\"utf-8\">") &&
           strstr(a->html, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">") &&
           strstr(a->html, "prefers-color-scheme:dark") && !strstr(a->html, "<script") &&
           !strstr(a->html, "url(") && !strstr(a->html, "<link") && !strstr(a->html, "src=") &&
           smz_utf8_valid(a->html, a->html_len) && smz_utf8_valid(a->text, a->text_len) &&
           smz_utf8_valid(a->title, strlen(a->title)) && strlen(a->html) == a->html_len &&
           strlen(a->text) == a->text_len && balanced(a->html) && xmllint_clean(a->html, name);
}

static smz_article *render(const char *text, size_t len, smz_article_kind kind, const char *name,
                           int64_t mtime, const smz_article_opts *o)
{
    smz_article *a = NULL;
    smz_err rc = smz__article_render(text, len, kind, name, mtime, o, &a);
    if (rc != SMZ_OK)
        printf("# render %s: %s\n", name ? name : "(null)", smz_strerror(rc));
    return a;
}

static smz_article *render_s(const char *text, smz_article_kind kind)
{
    return render(text, strlen(text), kind, "x.txt", 0, NULL);
}

static const struct {
    const char *file, *title;
} SAMPLES[] = {
    /* Starts with a translator's byline; the first paragraph's first
     * sentence is 240 characters with no clause break between 75 and 140,
     * so it is cut before the phrase " and other ...", with an ellipsis. */
    {"000_ba2cec2ef95cd541.txt",
     "The 2022 Beijing Winter Olympics will be in the background where atrocity crimes\xE2\x80\xA6"},
    /* Starts with a photo caption ("(c)Getty Images"); the lead sentence is
     * cut at the clause " as more than 200 ...", with an ellipsis. */
    {"001_55bbdad625445dff.txt",
     "Human rights activists believe a diplomatic boycott of the Winter Olympics here will send a \"very clear "
     "message\" to China\xE2\x80\xA6"},
    /* The one-line lead ends with a period (not a headline); "Sept." is not
     * a sentence end; 139 characters: the whole sentence. */
    {"002_b0f293d7ffd8b2e0.txt",
     "More than 300 NGOs on Wednesday, Sept. 9, urged the United Nations to establish a mechanism to "
     "investigate human rights violations in China"},
    /* Lead sentence of 132 characters: the whole sentence, "(CCP)" and the
     * Uighurs kept. */
    {"003_77d9c791ad8ee855.txt",
     "The British Parliament debated this week to impose sanctions on the Chinese Communist Party (CCP) for the "
     "situation with the Uighurs"},
    /* A real headline: short, no closing period, followed by the text. */
    {"004_7d913e758a3f6ed5.txt",
     "UN And China Fabricated Mutually Convenient Stalemate Over Xinjiang Human Rights Report"},
};

static smz_article *sample(int i)
{
    size_t len = 0;
    char *buf = read_sample(SAMPLES[i].file, &len);
    if (!buf)
        return NULL;
    smz_article_opts o = {.lang = "en"};
    smz_article *a = render(buf, len, SMZ_ARTICLE_TEXT, SAMPLES[i].file, 1643241600, &o);
    free(buf);
    return a;
}

static void test_samples(void)
{
    for (int i = 0; i < 5; i++) {
        smz_article *a = sample(i);
        CHECK(a != NULL, "%s renders", SAMPLES[i].file);
        if (!a)
            continue;
        CHECK(!strcmp(a->title, SAMPLES[i].title), "%s title: '%s'", SAMPLES[i].file, a->title);
        CHECK(page_ok(a, SAMPLES[i].file), "%s: a complete, well-formed, self-contained page",
              SAMPLES[i].file);
        CHECK(strstr(a->html, "<html lang=\"en\">") != NULL, "%s: lang from the options",
              SAMPLES[i].file);
        CHECK(!strcmp(a->date, "2022-01-27") && a->date_source == SMZ_DATE_MTIME &&
                  strstr(a->html, "<time datetime=\"2022-01-27\">"),
              "%s: no dateline in the text, so the date is the file's (UTC)", SAMPLES[i].file);
        CHECK(count(a->html, "<h1") == 1, "%s: one <h1>", SAMPLES[i].file);
        CHECK(!strncmp(a->text, a->title, strlen(a->title)) && a->text[strlen(a->title)] == '\n',
              "%s: search text starts with the title", SAMPLES[i].file);
        CHECK(cps(a->summary) <= SMZ_ARTICLE_SUMMARY + 1 && cps(a->summary) > 100,
              "%s: summary of %zu characters", SAMPLES[i].file, cps(a->summary));
        const char *r = reading(a->html);
        CHECK(!strstr(r, "Sign up to receive") && !strstr(r, "By submitting this form") &&
                  !strstr(r, "Leave a Reply") && !strstr(r, "follow us") && !strstr(r, "GETTR"),
              "%s: no known boilerplate in the reading view", SAMPLES[i].file);
        smz__article_free(a);
    }
}

static void test_sample_cleaning(void)
{
    smz_article *a = sample(0);
    if (a) {
        CHECK(
            strstr(
                a->html,
                "<span class=\"smz-label\">translated by </span><span class=\"translator\">MOS Gospel Team \xE2\x80\x93 "
                "linli</span>") != NULL &&
                !strstr(reading(a->html), "<p class=\"byline\">Translated by") &&
                strstr(from_original(a->html),
                       "<li>Translated by: MOS Gospel Team \xE2\x80\x93 linli</li>"),
            "000: the translator's byline moves to the source line, its words to From the original");
        CHECK(!strcmp(a->translator, "MOS Gospel Team \xE2\x80\x93 linli") &&
                  !strcmp(a->publisher, "New York MOS Himalaya") &&
                  strstr(a->html, "<span class=\"publisher\">New York MOS Himalaya</span>"),
              "000: translator '%s', publisher '%s' from the social links", a->translator, a->publisher);
        CHECK(
            strstr(a->html,
                   "<p class=\"byline\">Proofread by: James797<br>\nEdited by: James797<br>\nPosted by: "
                   "James797</p>") != NULL,
            "000: the credits block stays one block, line by line");
        const char *r = reading(a->html), *o = from_original(a->html);
        CHECK(!strstr(r, "Image Source") && !strstr(r, "MOS TALK") && !strstr(r, "Discord"),
              "000: the bare 'Image Source' and the social links are out of the reading view");
        const char *want[] = {"<li>Image Source</li>",
                              "<li>For more information, please follow us at:</li>",
                              /* the sample's own no-break spaces, kept as they are */
                              "<li>New York MOS Himalaya\xC2\xA0|GTV</li>",
                              "<li>New York MOS Himalaya\xC2\xA0|MOS TALK</li>",
                              "<li>Free to Join New York MOS Himalaya | Discord</li>"};
        const char *at = o;
        int in_order = 1;
        for (size_t k = 0; k < sizeof want / sizeof want[0]; k++) {
            const char *f = strstr(at, want[k]);
            in_order &= f != NULL;
            at = f ? f : at;
        }
        CHECK(in_order && strstr(o, "<summary class=\"smz-label\">From the original</summary>") &&
                  strstr(o, "</details>") && strstr(a->text, "New York MOS Himalaya | GETTR"),
              "000: ... and listed under From the original in their order, and in the search text");
        CHECK(strstr(a->html, "243 NGOs around the world called on governments") != NULL &&
                  strstr(a->html, "Procter &amp; Gamble") != NULL,
              "000: the last real paragraph stays, '&' escaped");
        smz__article_free(a);
    }
    a = sample(1);
    if (a) {
        CHECK(count(reading(a->html), "Concerns over China&#39;s human rights record has dominated") ==
                      1 &&
                  strstr(a->html, "<p class=\"caption\">Concerns over China&#39;s") != NULL,
              "001: a caption given twice is shown once, as a caption");
        CHECK(count(reading(a->html), "French President Emmanuel Macron claimed a diplomatic boycott") ==
                  1,
              "001: the copies that differ only in spacing are one caption too");
        CHECK(count(a->html, "<p class=\"caption\">") == 4, "001: four captions");
        CHECK(count(from_original(a->html),
                    "Concerns over China&#39;s human rights record has dominated") == 1,
              "001: its second copy is under From the original");
        CHECK(strstr(a->html, "genocide Games.&quot;</p>\n<details") != NULL,
              "001: the last quote is the end of the text");
        smz__article_free(a);
    }
    a = sample(3);
    if (a) {
        CHECK(
            strstr(a->html, "<h2>Communism is not welcome</h2>") &&
                strstr(a->html, "<h2>For the defense of religious freedom</h2>") &&
                strstr(a->html, "<h2>Alliances against the Chinese Communist Party</h2>") &&
                strstr(
                    a->html,
                    "<h2>The world does not see Chinese communism in a \xE2\x80\x9Cgood light\xE2\x80\x9D</h2>"),
            "003: the four short lines between paragraphs are subheadings");
        CHECK(count(a->html, "<h2>") == 4, "003: and nothing else is");
        CHECK(strstr(a->html, "communist China will surely change us.\xE2\x80\x9D</p>\n<details") !=
                      NULL &&
                  strstr(from_original(a->html), "<li>Sign up to receive our latest news!</li>\n<li>By "
                                                 "submitting this form, I agree to the terms.</li>"),
              "003: the last paragraph stays, the sign-up form after it goes under From the original");
        smz__article_free(a);
    }
    a = sample(4);
    if (a) {
        CHECK(count(reading(a->html), "UN And China Fabricated Mutually Convenient Stalemate") == 2 &&
                  count(from_original(a->html),
                        "UN And China Fabricated Mutually Convenient Stalemate") == 1,
              "004: the headline is in <title> and <h1> only, its repeat is under From the original");
        const char *r = reading(a->html);
        CHECK(!strstr(r, "Subscribe to GreatGameIndia") && !strstr(r, "Enter your email address") &&
                  !strstr(r, "PayPal") && !strstr(r, "Support GreatGameIndia") && !strstr(r, "shalom"),
              "004: newsletter box, donation appeal and the reader comment are out of the reading view");
        CHECK(strstr(from_original(a->html), "shalom, al jenkins</li>\n<li>Leave a Reply</li>") &&
                  !strcmp(a->publisher, "GreatGameIndia"),
              "004: ... listed under From the original; the publisher from 'Subscribe to': %s",
              a->publisher);
        CHECK(strstr(a->html, "<p>\xE2\x80\x9CI am afraid we don\xE2\x80\x99t have") != NULL &&
                  strstr(a->html,
                         "accept any material they provide,\xE2\x80\x9D according to documents.</p>") !=
                      NULL,
              "004: the paragraphs around the newsletter box and before the footer stay");
        CHECK(!strncmp(a->summary, "The UN and China stands accused", 31),
              "004: the summary is the lead: %s", a->summary);
        smz__article_free(a);
    }
    a = sample(0);
    if (a) {
        CHECK(!strncmp(a->summary, "With this in mind, the NGOs", 27),
              "000: the title is the first sentence, so the summary starts after it: %s", a->summary);
        smz__article_free(a);
    }
}

static void test_front_matter(void)
{
    const char md[] = "---\n"
                      "title: \"Quoted: a \\\"title\\\"\"\n"
                      "date: 2021-03-04T10:00:00Z\n"
                      "author: 'Ann O''Neil'\n"
                      "description: A note # with a comment\n"
                      "tags: [one, \"two, three\", four]\n"
                      "lang: fr\n"
                      "unknown: ignored\n"
                      "---\n"
                      "# Another heading\n\nBody text.\n";
    smz_article_opts o = {.lang = "en"};
    smz_article *a = render(md, strlen(md), SMZ_ARTICLE_MARKDOWN, "n.md", 5, &o);
    CHECK(a != NULL, "markdown with front matter renders");
    if (!a)
        return;
    CHECK(!strcmp(a->title, "Quoted: a \"title\""), "front matter title wins, quotes unescaped: %s",
          a->title);
    CHECK(!strcmp(a->date, "2021-03-04") && a->date_source == SMZ_DATE_FRONT_MATTER,
          "date from front matter: %s", a->date);
    CHECK(!strcmp(a->author, "Ann O'Neil"), "single-quoted value: %s", a->author);
    CHECK(!strcmp(a->description, "A note"), "plain value stops at a comment: %s", a->description);
    CHECK(!strcmp(a->tags, "one, two, three, four"), "flow list of tags: %s", a->tags);
    CHECK(!strcmp(a->lang, "fr") && strstr(a->html, "<html lang=\"fr\">"),
          "front matter lang wins over options");
    CHECK(strstr(a->html, "<h1>Quoted: a &quot;title&quot;</h1>") &&
              strstr(a->html, "<h1>Another heading</h1>"),
          "a different leading heading stays in the body");
    CHECK(!strstr(a->html, "unknown") && !strstr(a->html, "tags:") && !strstr(a->text, "date:"),
          "the front matter is not shown");
    CHECK(strstr(a->html, "<meta name=\"author\" content=\"Ann O&#39;Neil\">") &&
              strstr(a->html, "<span class=\"author\">Ann O&#39;Neil</span>") &&
              strstr(a->html, "<meta name=\"description\" content=\"A note\">"),
          "author and description in the head and header");
    CHECK(page_ok(a, "front_matter"), "page well-formed");
    smz__article_free(a);

    const char txt[] =
        "---\ntitle: Same Title\ntags:\n  - a\n  - b\ndate: not a date\n---\n\nSame Title\n\nThe "
        "text of the note goes here and it is long enough to be a paragraph.\n";
    a = render(txt, strlen(txt), SMZ_ARTICLE_TEXT, "t.txt", 86400 * 365, NULL);
    if (a) {
        CHECK(!strcmp(a->title, "Same Title") && count(reading(a->html), "Same Title") == 2,
              "text front matter: the title's repeat in the body is dropped");
        CHECK(!strcmp(a->tags, "a, b"), "block list of tags: %s", a->tags);
        CHECK(!strcmp(a->date, "1971-01-01") && a->date_source == SMZ_DATE_MTIME,
              "a bad front matter date falls back to the file time: %s", a->date);
        CHECK(!strstr(a->html, "<html lang"), "no language given: no lang attribute");
        smz__article_free(a);
    }

    const char rule[] = "---\nJust a line of text, not YAML.\n---\nMore text.\n";
    a = render_s(rule, SMZ_ARTICLE_TEXT);
    if (a) {
        CHECK(strstr(a->html, "Just a line of text, not YAML") != NULL && strstr(a->html, "More text."),
              "'---' lines around prose are not front matter");
        smz__article_free(a);
    }
    const char open[] = "---\ntitle: never closed\n\nBody.\n";
    a = render_s(open, SMZ_ARTICLE_MARKDOWN);
    if (a) {
        CHECK(strcmp(a->title, "never closed") != 0, "unterminated front matter is not front matter: %s",
              a->title);
        smz__article_free(a);
    }
}

static void test_markdown(void)
{
    smz_article *a = render_s("# Hello *world* & `code`\n\nSome body text.\n\n## Part two\n\nMore.\n",
                              SMZ_ARTICLE_MARKDOWN);
    if (a) {
        CHECK(!strcmp(a->title, "Hello world & code"), "leading heading is the title: %s", a->title);
        CHECK(count(a->html, "<h1>") == 1 && strstr(a->html, "<h1>Hello world &amp; code</h1>"),
              "and is not repeated in the body");
        CHECK(strstr(a->html, "<h2>Part two</h2>") && strstr(a->text, "Part two\nMore.\n"),
              "later headings stay, in the search text too");
        CHECK(page_ok(a, "md_heading"), "page well-formed");
        smz__article_free(a);
    }
    a = render_s("No heading here. Second sentence.\n", SMZ_ARTICLE_MARKDOWN);
    if (a) {
        CHECK(!strcmp(a->title, "No heading here"), "no heading: first sentence: %s", a->title);
        smz__article_free(a);
    }

    const char evil[] =
        "# T\n\n<script>alert(1)</script>\n\nText <img src=x onerror=alert(2)> and "
        "[click](javascript:alert(3)) and [ok](page.html).\n\n"
        "<iframe src=\"http://evil.example/\"></iframe>\n\n"
        "![cat](http://example.com/cat.png) ![local](img/dog.png) ![proto](//evil.example/x.png)\n";
    a = render_s(evil, SMZ_ARTICLE_MARKDOWN);
    if (a) {
        CHECK(!strstr(a->html, "<script") && !strstr(a->html, "onerror") &&
                  !strstr(a->html, "<iframe") && !strstr(a->html, "javascript:"),
              "raw HTML and javascript: links do not pass through");
        CHECK(strstr(a->html, "href=\"page.html\"") != NULL, "ordinary links stay");
        CHECK(strstr(a->html, "<img src=\"img/dog.png\"") != NULL, "images inside the archive stay");
        CHECK(!strstr(a->html, "<img src=\"http") && !strstr(a->html, "<img src=\"//") &&
                  strstr(a->html, "<a href=\"http://example.com/cat.png\">[image] cat</a>"),
              "images on other hosts become links, never fetched");
        CHECK(!strstr(a->text, "alert"), "raw HTML is not in the search text");
        CHECK(balanced(a->html), "hostile markdown page is balanced");
        smz__article_free(a);
    }
    a = render_s("<script>alert(1)</script>\n\nA & B's \"quote\"\n", SMZ_ARTICLE_TEXT);
    if (a) {
        CHECK(!strstr(a->html, "<script") && strstr(a->html, "&lt;script&gt;alert(1)&lt;/script&gt;"),
              "text articles escape markup");
        CHECK(strstr(a->html, "A &amp; B&#39;s &quot;quote&quot;") != NULL,
              "all five characters escaped");
        smz__article_free(a);
    }

    char *deep = malloc(2000);
    if (deep) {
        memset(deep, '>', 1000);
        memcpy(deep + 1000, " x\n", 4);
        smz_article *d = NULL;
        CHECK(smz__article_render(deep, strlen(deep), SMZ_ARTICLE_MARKDOWN, "d.md", 0, NULL, &d) ==
                      SMZ_E_TOOBIG &&
                  d == NULL,
              "1000 nested block quotes on a line: SMZ_E_TOOBIG");
        memset(deep, '>', 50);
        memcpy(deep + 50, " x\n", 4);
        d = render(deep, strlen(deep), SMZ_ARTICLE_MARKDOWN, "d.md", 0, NULL);
        CHECK(d && balanced(d->html), "50 nested block quotes render");
        smz__article_free(d);
        free(deep);
    }
}

static void test_titles(void)
{
    static const struct {
        const char *in, *title;
    } cases[] = {
        {"Dr. Smith met Mr. Jones in the U.S. on Monday. Then they left.",
         "Dr. Smith met Mr. Jones in the U.S. on Monday"},
        {"Is this a question? Yes it is.", "Is this a question?"},
        {"By Jane Doe\n\nA Headline Of Sorts\n\nThe body follows here, and it is a sentence.",
         "A Headline Of Sorts"},
        {"Read more\n\nShare this\n\nThe real first paragraph starts here. And goes on.",
         "The real first paragraph starts here"},
        {"A caption shown twice in a row here\nA caption shown twice in a row here\n\nThe story begins. Yes.",
         "The story begins"},
        {"Police said (Photo: John Doe/Reuters)\n\nReal text here. More.", "Real text here"},
        {"a lowercase first line\n\nNext paragraph.", "a lowercase first line"},
        {"Ends with a period.\n\nNext paragraph.", "Ends with a period"},
        {"\xE5\x8C\x97\xE4\xBA\xAC\xE3\x80\x82\xE7\xAC\xAC\xE4\xBA\x8C\xE5\x8F\xA5",
         "\xE5\x8C\x97\xE4\xBA\xAC"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        smz_article *a = render_s(cases[i].in, SMZ_ARTICLE_TEXT);
        CHECK(a && !strcmp(a->title, cases[i].title), "title of case %zu: '%s'", i,
              a ? a->title : "(none)");
        smz__article_free(a);
    }
    /* One 300-character sentence without clause breaks: words up to 100
     * characters and an ellipsis, no dangling stopword. */
    char longs[400];
    size_t ln = 0;
    for (int i = 0; i < 30; i++)
        ln += (size_t)snprintf(longs + ln, sizeof longs - ln, "%s", i % 3 == 2 ? "the " : "wordy ");
    snprintf(longs + ln, sizeof longs - ln, "end.");
    smz_article *a = render_s(longs, SMZ_ARTICLE_TEXT);
    if (a) {
        size_t n = strlen(a->title);
        CHECK(cps(a->title) <= 101 && n > 3 && !strcmp(a->title + n - 3, "\xE2\x80\xA6") &&
                  !strstr(a->title, " the\xE2\x80\xA6"),
              "long sentence cut at a word with an ellipsis: %s", a->title);
        smz__article_free(a);
    }
    /* A 200-character word: cut at 100 characters, on a character boundary. */
    char word[1024];
    for (int i = 0; i < 200; i++)
        memcpy(word + 2 * i, "\xC3\xA9", 2);
    word[400] = '\0';
    a = render_s(word, SMZ_ARTICLE_TEXT);
    if (a) {
        CHECK(cps(a->title) == 101 && smz_utf8_valid(a->title, strlen(a->title)),
              "one long word: %zu characters", cps(a->title));
        smz__article_free(a);
    }
}

static void test_boilerplate_is_conservative(void)
{
    const char txt[] =
        "Headline Here\n\n"
        "She said the campaign would share this message with everyone who cares. It did.\n\n"
        "By the end of the year, prices rose. Nobody was surprised.\n\n"
        "Support for the measure grew in every region over the summer months of the year.\n\n"
        "1. The first point of a numbered list inside the article.\n\n"
        "Follow us on Twitter\n\n"
        "Final real paragraph after the widget, which must stay in the page.\n";
    smz_article *a = render_s(txt, SMZ_ARTICLE_TEXT);
    if (!a)
        return;
    CHECK(strstr(a->html, "would share this message") != NULL, "'share this' inside a sentence stays");
    CHECK(strstr(a->html, "<p>By the end of the year") != NULL, "'By the end...' is not a byline");
    CHECK(strstr(a->html, "Support for the measure grew") != NULL, "'Support for...' prose stays");
    CHECK(strstr(a->html, "1. The first point") != NULL, "a numbered line before the footer stays");
    CHECK(!strstr(reading(a->html), "Follow us") &&
              strstr(a->html, "Final real paragraph after the widget") &&
              strstr(from_original(a->html), "<li>Follow us on Twitter</li>"),
          "a follow prompt mid-article goes, the paragraph after it stays");
    CHECK(count(a->html, "<h2>") == 0, "no subheadings invented");
    smz__article_free(a);

    const char thrice[] = "Intro paragraph that is long enough to be prose. Yes.\n\n"
                          "Crowds gather in the square at dawn\nCrowds gather in the square at dawn\n"
                          "Crowds  gather in the square at dawn\n\nClosing paragraph.\n";
    a = render_s(thrice, SMZ_ARTICLE_TEXT);
    if (a) {
        CHECK(count(reading(a->html), "Crowds") == 1 &&
                  strstr(a->html, "<p class=\"caption\">Crowds gather"),
              "a line given three times is one caption");
        smz__article_free(a);
    }

    const char wrapped[] = "This paragraph was hard-wrapped at about seventy columns, like\n"
                           "a Project Gutenberg text, so its lines belong together and should be\n"
                           "joined with spaces.\n\nRoses are red\nViolets are blue\n";
    a = render_s(wrapped, SMZ_ARTICLE_TEXT);
    if (a) {
        CHECK(strstr(a->html,
                     "columns, like a Project Gutenberg text, so its lines belong together and should "
                     "be joined with spaces.</p>") != NULL,
              "hard-wrapped prose is joined with spaces");
        CHECK(strstr(a->html, "<p>Roses are red<br>\nViolets are blue</p>") != NULL,
              "short lines keep their breaks");
        smz__article_free(a);
    }
}

static void test_dates(void)
{
    const char txt[] =
        "Big News Today\n\nPublished: Thursday, January 27th, 2022\n\nThe story itself. More.\n";
    smz_article *a = render(txt, strlen(txt), SMZ_ARTICLE_TEXT, "n.txt", 1, NULL);
    if (a) {
        CHECK(!strcmp(a->date, "2022-01-27") && a->date_source == SMZ_DATE_TEXT, "dateline: %s",
              a->date);
        CHECK(
            !strstr(reading(a->html), "Published:") &&
                strstr(a->html,
                       "<time datetime=\"2022-01-27\">27 January 2022</time> <span "
                       "class=\"date-source smz-label\" title=\"Date read from a dateline in the "
                       "text\">(dateline)</span>") &&
                strstr(from_original(a->html), "<li>Published: Thursday, January 27th, 2022</li>"),
            "the dateline moves to the header, written out on an unlabelled page, said to be a dateline");
        smz__article_free(a);
    }
    smz_article_opts de = {.lang = "deu"};
    a = render(txt, strlen(txt), SMZ_ARTICLE_TEXT, "n.txt", 1, &de);
    if (a) {
        CHECK(strstr(a->html, "<time datetime=\"2022-01-27\">2022-01-27</time>") &&
                  strstr(a->html, "<html lang=\"de\">"),
              "other languages get the date as YYYY-MM-DD, and a two-letter lang");
        smz__article_free(a);
    }
    /* The packer's title and date (a metadata file) win over everything. */
    const char fm[] =
        "---\ntitle: Front\ndate: 2001-02-03\n---\nBig News Today\n\nPublished: 5 May 2020\n\nText.\n";
    smz_article_opts given = {.title = "Given <title>", .date = "1999-12-31"};
    a = render(fm, strlen(fm), SMZ_ARTICLE_TEXT, "n.txt", 86400, &given);
    if (a) {
        CHECK(!strcmp(a->title, "Given <title>") && strstr(a->html, "<h1>Given &lt;title&gt;</h1>"),
              "given title: %s", a->title);
        CHECK(!strcmp(a->date, "1999-12-31") && a->date_source == SMZ_DATE_GIVEN, "given date: %s",
              a->date);
        smz__article_free(a);
    }
    /* One date check (lib/text/date.c): a given date before the year 1000
     * is a date, as the metadata says; these pages used to drop it. */
    smz_article_opts early = {.date = "0999-05-01"};
    a = render(fm, strlen(fm), SMZ_ARTICLE_TEXT, "n.txt", 86400, &early);
    if (a) {
        CHECK(!strcmp(a->date, "0999-05-01") && a->date_source == SMZ_DATE_GIVEN &&
                  strstr(a->html, "datetime=\"0999-05-01\""),
              "a given date in the year 999: %s", a->date);
        smz__article_free(a);
    }
    smz_article_opts bad = {.title = "", .date = "1999-02-30"};
    a = render(fm, strlen(fm), SMZ_ARTICLE_TEXT, "n.txt", 86400, &bad);
    if (a) {
        CHECK(!strcmp(a->title, "Front") && !strcmp(a->date, "2001-02-03") &&
                  a->date_source == SMZ_DATE_FRONT_MATTER,
              "an empty given title and an impossible given date are ignored");
        smz__article_free(a);
    }
    static const struct {
        const char *in, *date;
    } cases[] = {{"2020-09-09\n\nText.", "2020-09-09"},
                 {"Sept. 9, 2020\n\nText.", "2020-09-09"},
                 {"9 September 2020\n\nText.", "2020-09-09"},
                 {"Posted on 2020/09/09 at 10:00\n\nText.", "2020-09-09"},
                 {"2021-02-29\n\nText.", ""},
                 {"Feb 30, 2020\n\nText.", ""},
                 {"In 2020-09-09 we met.\n\nText.", ""},
                 /* Chinese datelines: 2022年2月1日（北京时间）, 二〇二二年十二月三十一日,
                  * 2022年2月30日 (no such day), 发布日期：2022年02月01日 上午10时,
                  * 二〇二二年二月一日，北京, 香港 2022-02-01, and a clause of prose
                  * after a date, which is no dateline. */
                 {"2022\xE5\xB9\xB4"
                  "2\xE6\x9C\x88"
                  "1\xE6\x97\xA5\xEF\xBC\x88\xE5\x8C\x97\xE4\xBA\xAC"
                  "\xE6\x97\xB6\xE9\x97\xB4\xEF\xBC\x89\n\nText.",
                  "2022-02-01"},
                 {"\xE4\xBA\x8C\xE3\x80\x87\xE4\xBA\x8C\xE4\xBA\x8C\xE5\xB9\xB4\xE5\x8D\x81\xE4\xBA\x8C"
                  "\xE6\x9C\x88\xE4\xB8\x89\xE5\x8D\x81\xE4\xB8\x80\xE6\x97\xA5\n\nText.",
                  "2022-12-31"},
                 {"2022\xE5\xB9\xB4"
                  "2\xE6\x9C\x88"
                  "30\xE6\x97\xA5\n\nText.",
                  ""},
                 {"\xE5\x8F\x91\xE5\xB8\x83\xE6\x97\xA5\xE6\x9C\x9F\xEF\xBC\x9A"
                  "2022\xE5\xB9\xB4"
                  "02\xE6\x9C\x88"
                  "01\xE6\x97\xA5 \xE4\xB8\x8A\xE5\x8D\x88"
                  "10\xE6\x97\xB6\n\nText.",
                  "2022-02-01"},
                 {"\xE4\xBA\x8C\xE3\x80\x87\xE4\xBA\x8C\xE4\xBA\x8C\xE5\xB9\xB4\xE4\xBA\x8C\xE6\x9C\x88"
                  "\xE4\xB8\x80\xE6\x97\xA5\xEF\xBC\x8C\xE5\x8C\x97\xE4\xBA\xAC\n\nText.",
                  "2022-02-01"},
                 {"\xE9\xA6\x99\xE6\xB8\xAF 2022-02-01\n\nText.", "2022-02-01"},
                 {"2022\xE5\xB9\xB4"
                  "2\xE6\x9C\x88"
                  "1\xE6\x97\xA5\xEF\xBC\x8C\xE6\x88\x91\xE4\xBB\xAC"
                  "\xE5\x9C\xA8\xE5\x8C\x97\xE4\xBA\xAC\xE5\x8F\xAC\xE5\xBC\x80\xE4\xBA\x86\xE4\xB8\x80"
                  "\xE6\xAC\xA1\xE5\xBE\x88\xE9\x95\xBF\xE7\x9A\x84\xE4\xBC\x9A\xE8\xAE\xAE\xE8\xAE\xA8"
                  "\xE8\xAE\xBA\xE9\x97\xAE\xE9\xA2\x98\n\nText.",
                  ""}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        a = render(cases[i].in, strlen(cases[i].in), SMZ_ARTICLE_TEXT, "d.txt", -5, NULL);
        CHECK(a && !strcmp(a->date, cases[i].date), "date case %zu: '%s'", i, a ? a->date : "(none)");
        smz__article_free(a);
    }
}

/* The source line: only http(s) links out, whatever the text or the front
 * matter says; where the date came from; the link to the original last. */
static void test_source_line(void)
{
    const char txt[] = "Headline Here\n\nOriginal URL: javascript:alert(1)\n\n"
                       "The body of the article is here. It goes on.\n\nhttps://ok.example/a?b=1&c=2.\n";
    smz_article_opts o = {.original_href = "a b.txt"};
    smz_article *a = render(txt, strlen(txt), SMZ_ARTICLE_TEXT, "s.txt", 86400 * 400, &o);
    if (a) {
        CHECK(!strstr(a->html, "href=\"javascript") && strstr(a->html, "javascript:alert(1)</p>"),
              "a javascript: 'URL' is no link, and stays in the text");
        CHECK(!strcmp(a->source_url, "https://ok.example/a?b=1&c=2") &&
                  strstr(a->html, "href=\"https://ok.example/a?b=1&amp;c=2\"") &&
                  strstr(a->html, ">ok.example</a>") && !strcmp(a->title, "Headline Here"),
              "an http(s) URL alone on a line is the source URL, escaped, its final '.' left out: %s",
              a->source_url);
        CHECK(strstr(a->html,
                     "(file date)</span></span><span class=\"sep\" aria-hidden=\"true\"> \xC2\xB7 "
                     "</span><a class=\"original\" href=\"a%20b.txt\"><span "
                     "class=\"smz-label\">original text</span></a></p>") != NULL,
              "the file date says so, and the link to the original ends the source line");
        CHECK(page_ok(a, "source_line"), "page well-formed");
        smz__article_free(a);
    }
    const char fm[] =
        "---\nurl: javascript:alert(2)\nsource: <b>Site</b>\ndate: 2020-01-02\n---\nText here. More.\n";
    a = render(fm, strlen(fm), SMZ_ARTICLE_MARKDOWN, "f.md", 0, NULL);
    if (a) {
        CHECK(
            !strcmp(a->source_url, "") && !strstr(a->html, "javascript") &&
                strstr(a->html, "<span class=\"publisher\">&lt;b&gt;Site&lt;/b&gt;</span>") &&
                strstr(a->html, "(front matter)"),
            "front matter: a javascript: url is dropped, the publisher escaped, the date's source told");
        smz__article_free(a);
    }
    smz_article_opts given = {.date = "2021-05-06"};
    a = render(fm, strlen(fm), SMZ_ARTICLE_MARKDOWN, "f.md", 0, &given);
    if (a) {
        CHECK(strstr(a->html,
                     "6 May 2021</time> <span class=\"date-source smz-label\" title=\"Date given in the "
                     "collection&#39;s metadata\">(metadata)</span>") != NULL ||
                  strstr(a->html, "(metadata)</span>") != NULL,
              "a given date is said to come from the metadata");
        smz__article_free(a);
    }
    /* Nothing left out: no section at all. */
    a = render_s("Just One Headline\n\nAnd a paragraph of text. With two sentences.\n",
                 SMZ_ARTICLE_TEXT);
    if (a) {
        CHECK(!strstr(a->html, "<details") && !strstr(a->html, "From the original"),
              "no From the original when nothing was left out");
        smz__article_free(a);
    }
}

static void test_bad_input(void)
{
    const char bad[] =
        "Caf\xC3 ok \xFF\xFE end\x01 \xED\xA0\x80 \xC0\xAF\r\n\r\nSecond \xF4\x90\x80\x80 para.\r";
    smz_article *a = render(bad, sizeof bad - 1, SMZ_ARTICLE_TEXT, "bad.txt", 0, NULL);
    CHECK(a != NULL, "invalid UTF-8 renders");
    if (a) {
        CHECK(page_ok(a, "bad_utf8"), "output is valid UTF-8 and well-formed");
        CHECK(strstr(a->html, "Caf\xEF\xBF\xBD ok \xEF\xBF\xBD\xEF\xBF\xBD end\xEF\xBF\xBD") != NULL,
              "bad bytes and control characters become U+FFFD");
        CHECK(!strchr(a->html, '\r') && !strchr(a->text, '\r'), "no CR survives");
        CHECK(a->date_source == SMZ_DATE_NONE && !strcmp(a->date, "") && !strstr(a->html, "<time"),
              "mtime 0: no date");
        smz__article_free(a);
    }
    a = render(bad, sizeof bad - 1, SMZ_ARTICLE_MARKDOWN, "bad.md", 0, NULL);
    CHECK(a && smz_utf8_valid(a->html, a->html_len) && smz_utf8_valid(a->text, a->text_len),
          "invalid UTF-8 as markdown: valid output");
    smz__article_free(a);

    smz_article *e = render(NULL, 0, SMZ_ARTICLE_TEXT, "dir/my_first-note.txt", 0, NULL);
    CHECK(e && !strcmp(e->title, "my first note") && page_ok(e, "empty"),
          "empty input: title from the name: %s", e ? e->title : "");
    smz__article_free(e);
    e = render("\n\n  \n", 4, SMZ_ARTICLE_MARKDOWN, NULL, 0, NULL);
    CHECK(e && !strcmp(e->title, "Untitled") && !strcmp(e->summary, ""),
          "blank input, no name: Untitled");
    smz__article_free(e);
    e = render("Share this\n", 11, SMZ_ARTICLE_TEXT, "000_ab12.txt", 0, NULL);
    CHECK(e && !strcmp(e->title, "000 ab12"), "only boilerplate: the name, not the boilerplate: %s",
          e ? e->title : "");
    smz__article_free(e);
    e = render("x", 1, SMZ_ARTICLE_TEXT, "\xFF\xFE.txt", 0, NULL);
    CHECK(e && !strcmp(e->title, "x"), "a name with bad bytes is not needed when the text has a title");
    smz__article_free(e);

    smz_article *out = (smz_article *)1;
    CHECK(smz__article_render(NULL, 5, SMZ_ARTICLE_TEXT, "x", 0, NULL, &out) == SMZ_E_INVALID &&
              out == NULL,
          "NULL text with a length: SMZ_E_INVALID");
    CHECK(smz__article_render("x", 1, SMZ_ARTICLE_TEXT, "x", 0, NULL, NULL) == SMZ_E_INVALID,
          "NULL out: SMZ_E_INVALID");
    CHECK(smz__article_render("x", 1, (smz_article_kind)7, "x", 0, NULL, &out) == SMZ_E_INVALID,
          "bad kind");
    char *big = malloc((size_t)SMZ_ARTICLE_MAX_INPUT + 1);
    if (big) {
        memset(big, 'a', (size_t)SMZ_ARTICLE_MAX_INPUT + 1);
        CHECK(smz__article_render(big, (size_t)SMZ_ARTICLE_MAX_INPUT + 1, SMZ_ARTICLE_TEXT, "x", 0, NULL,
                                  &out) == SMZ_E_TOOBIG &&
                  out == NULL,
              "input over 16 MiB: SMZ_E_TOOBIG");
        /* A large input within the cap still renders (one huge line). */
        big[1 << 20] = 0;
        smz_article *l = render(big, 1 << 20, SMZ_ARTICLE_TEXT, "x", 0, NULL);
        CHECK(l && cps(l->title) <= 101 && l->text_len > (1 << 20), "a 1 MiB line renders, title cut");
        smz__article_free(l);
        free(big);
    }
    smz__article_free(NULL);

    smz_article_opts o = {.lang = "en\"><script>",
                          .home_href = "../a b/\"x\".html",
                          .home_label = "<Home>"};
    a = render("Hi there.", 9, SMZ_ARTICLE_TEXT, "x", 0, &o);
    if (a) {
        CHECK(!strstr(a->html, "<script") && !strstr(a->html, "lang="), "an ill-formed lang is ignored");
        CHECK(strstr(a->html, "<a href=\"../a%20b/%22x%22.html\">\xE2\x86\x90 &lt;Home&gt;</a>") != NULL,
              "home link encoded and escaped");
        CHECK(page_ok(a, "opts"), "page well-formed");
        smz__article_free(a);
    }
}

static void test_index(void)
{
    char longsum[600];
    for (int i = 0; i < 60; i++)
        memcpy(longsum + 8 * i, "summary ", 8);
    longsum[480] = '\0';
    smz_article_ref items[] = {
        {.path = "b.html", .title = "Bee", .date = NULL, .summary = "undated b"},
        {.path = "old.html", .title = "Old", .date = "2020-01-01", .summary = NULL},
        {.path = "a b/\xC3\xBC?.html", .title = "<b>Bold</b>", .date = "", .summary = longsum},
        {.path = "new.html", .title = "New", .date = "2022-01-27", .summary = "Newest & best"},
        {.path = "/abs//evil.html", .title = "", .date = "2022-13-01", .summary = ""},
        {.path = "mid2.html", .title = "Mid two", .date = "2021-06-01"},
        {.path = "mid1.html", .title = "Mid one", .date = "2021-06-01"},
    };
    char *html = NULL;
    CHECK(smz__article_index_html(items, 7, "My <Collection>", "About these & those", "de", &html) ==
                  SMZ_OK &&
              html,
          "index renders");
    if (!html)
        return;
    const char *order[] = {">New<", ">Mid one<",         ">Mid two<",
                           ">Old<", ">/abs//evil.html<", ">&lt;b&gt;Bold&lt;/b&gt;<",
                           ">Bee<"};
    const char *prev = html;
    int ok = 1;
    for (int i = 0; i < 7; i++) {
        const char *p = strstr(html, order[i]);
        if (!p || p < prev) {
            ok = 0;
            printf("# out of order: %s\n", order[i]);
        }
        prev = p ? p : prev;
    }
    CHECK(ok, "newest first, ties and undated (and bad dates) by title");
    CHECK(strstr(html, "href=\"a%20b/%C3%BC%3F.html\"") != NULL, "paths percent-encoded in href");
    CHECK(strstr(html, "href=\".//abs//evil.html\"") != NULL,
          "a leading '/' cannot become another host");
    CHECK(strstr(html, "<h1>My &lt;Collection&gt;</h1>") &&
              strstr(html, "<title>My &lt;Collection&gt;</title>") &&
              strstr(html, "About these &amp; those"),
          "collection title and description escaped");
    CHECK(strstr(html, "<html lang=\"de\">") != NULL, "lang");
    CHECK(strstr(html, "<time datetime=\"2022-01-27\">") && !strstr(html, "2022-13-01"),
          "dates shown, bad ones not");
    const char *s = strstr(html, "summary summary");
    const char *e = s ? strstr(s, "</p>") : NULL;
    CHECK(s && e && (size_t)(e - s) <= SMZ_ARTICLE_SUMMARY + 3 && !strncmp(e - 3, "\xE2\x80\xA6", 3),
          "long summaries cut at a word with an ellipsis");
    CHECK(strstr(html, "Newest &amp; best") != NULL, "summary escaped");
    CHECK(strstr(html, "7 articles") != NULL, "count shown");
    smz_article a = {.html = html, .html_len = strlen(html), .text = "", .title = ""};
    CHECK(page_ok(&a, "index"), "index page well-formed and self-contained");
    CHECK(!strcmp(items[0].path, "b.html") && !strcmp(items[6].path, "mid1.html"),
          "items not reordered in place");
    free(html);

    /* Undated pages go by title, letters folded, whatever their paths. */
    smz_article_ref undated[] = {{.path = "a.html", .title = "zebra"},
                                 {.path = "b.html", .title = "Apple"},
                                 {.path = "c.html", .title = "mango"},
                                 {.path = "d.html", .title = "apple"}};
    CHECK(smz__article_index_html(undated, 4, "x", NULL, "ar", &html) == SMZ_OK && html,
          "undated index renders");
    if (html) {
        const char *p1 = strstr(html, ">Apple<"), *p2 = strstr(html, ">apple<"),
                   *p3 = strstr(html, ">mango<"), *p4 = strstr(html, ">zebra<");
        CHECK(p1 && p2 && p3 && p4 && p1 < p2 && p2 < p3 && p3 < p4,
              "by title: Apple, apple, mango, zebra");
        CHECK(strstr(html, "<html lang=\"ar\" dir=\"rtl\">") != NULL,
              "an Arabic index runs right to left");
        free(html);
    }
    static const struct {
        const char *lang, *want;
    } dirs[] = {{"ara", "<html lang=\"ar\" dir=\"rtl\">"},
                {"heb", "<html lang=\"he\" dir=\"rtl\">"},
                {"fa-IR", "<html lang=\"fa-IR\" dir=\"rtl\">"},
                {"ur", "<html lang=\"ur\" dir=\"rtl\">"},
                {"pa-Arab", "<html lang=\"pa-Arab\" dir=\"rtl\">"},
                {"sd-Deva", "<html lang=\"sd-Deva\">"},
                {"eng", "<html lang=\"en\">"},
                {"zho-Hant", "<html lang=\"zh-Hant\">"},
                /* the one table (lib/text/lang.c): these pages kept "iw" */
                {"iw", "<html lang=\"he\" dir=\"rtl\">"},
                {"bod", "<html lang=\"bo\">"},
                {"uig-Latn", "<html lang=\"ug-Latn\">"}};
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        CHECK(smz__article_index_html(NULL, 0, NULL, NULL, dirs[i].lang, &html) == SMZ_OK && html &&
                  strstr(html, dirs[i].want),
              "lang %s gives %s", dirs[i].lang, dirs[i].want);
        free(html);
    }
    CHECK(smz__article_index_html(NULL, 0, NULL, NULL, NULL, &html) == SMZ_OK && html &&
              strstr(html, "<h1>Index</h1>") && strstr(html, "0 articles"),
          "empty index");
    free(html);
    smz_article_ref bad[] = {{.path = NULL}};
    html = (char *)1;
    CHECK(smz__article_index_html(bad, 1, "x", NULL, NULL, &html) == SMZ_E_INVALID && html == NULL,
          "an item without a path: SMZ_E_INVALID");
    CHECK(smz__article_index_html(NULL, 3, "x", NULL, NULL, &html) == SMZ_E_INVALID,
          "NULL items with n > 0");
    CHECK(smz__article_index_html(items, 1, "x", NULL, NULL, NULL) == SMZ_E_INVALID, "NULL out");
}

static uint32_t crc32_of(const unsigned char *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1)));
    }
    return ~c;
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void test_illustration(void)
{
    const unsigned char *png = NULL;
    size_t len = 0;
    smz_default_illustration(&png, &len);
    CHECK(png && len > 33 && len < 4096, "illustration of %zu bytes", len);
    if (!png || len < 33)
        return;
    CHECK(!memcmp(png, "\x89PNG\r\n\x1a\n", 8), "PNG signature");
    CHECK(be32(png + 8) == 13 && !memcmp(png + 12, "IHDR", 4), "IHDR first");
    CHECK(be32(png + 16) == 48 && be32(png + 20) == 48, "48x48");
    /* Every chunk's CRC checks out and IEND ends the file. */
    size_t p = 8;
    int crcs = 1, iend = 0;
    while (p + 12 <= len) {
        uint32_t n = be32(png + p);
        if (n > len - p - 12) {
            crcs = 0;
            break;
        }
        crcs &= crc32_of(png + p + 4, n + 4) == be32(png + p + 8 + n);
        iend = !memcmp(png + p + 4, "IEND", 4);
        p += 12 + n;
    }
    CHECK(crcs && iend && p == len, "chunk CRCs valid, IEND last");
}

int main(void)
{
    test_samples();
    test_sample_cleaning();
    test_front_matter();
    test_markdown();
    test_titles();
    test_boilerplate_is_conservative();
    test_dates();
    test_source_line();
    test_bad_input();
    test_index();
    test_illustration();
    return CHECK_DONE();
}
