/* The article corpus: tests/articles/ holds news-style texts written for
 * these tests (English and Chinese, plain text and Markdown: headlines,
 * kickers, datelines in both languages, bylines, translators, sources,
 * URLs, boilerplate at the top and the bottom, no headline, long first
 * sentences) and tests/articles/expected.tsv says, for each of them and
 * the five samples, what the rendered page must say: title, date and where
 * it came from, byline, publisher, translator, source URL, the lines
 * "From the original" lists in order (and that the reading view does not
 * show, unless marked "= " as the copy of a line it shows), texts the page holds exactly once (a title made from the first
 * sentence is not printed twice; a kicker is shown once), and HTML it
 * must hold. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "article/article.h"
#include "text/utf8.h"

#define MAX_FILE (1 << 20)
#define FILE_TIME 1643241600 /* 2022-01-27 */

static char *slurp(const char *rel, size_t *len)
{
    const char *top = getenv("TOP");
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", top ? top : ".", rel);
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = malloc(MAX_FILE);
    size_t n = buf ? fread(buf, 1, MAX_FILE - 1, f) : 0;
    fclose(f);
    if (buf)
        buf[n] = 0;
    *len = n;
    return buf;
}

/* S as the page writes text: & < > " ' escaped. */
static char *escape(const char *s)
{
    char *out = malloc(strlen(s) * 6 + 1), *o = out;
    for (; *s; s++) {
        const char *e = *s == '&'    ? "&amp;"
                        : *s == '<'  ? "&lt;"
                        : *s == '>'  ? "&gt;"
                        : *s == '"'  ? "&quot;"
                        : *s == '\'' ? "&#39;"
                                     : NULL;
        if (e) {
            memcpy(o, e, strlen(e));
            o += strlen(e);
        } else {
            *o++ = *s;
        }
    }
    *o = 0;
    return out;
}

/* "\n" in the expectations file is a newline. */
static void unescape_newlines(char *s)
{
    char *o = s;
    for (; *s; s++) {
        if (s[0] == '\\' && s[1] == 'n') {
            *o++ = '\n';
            s++;
        } else {
            *o++ = *s;
        }
    }
    *o = 0;
}

static size_t count(const char *hay, const char *needle)
{
    size_t c = 0, k = strlen(needle);
    for (const char *p = hay; k && (p = strstr(p, needle)) != NULL; p += k)
        c++;
    return c;
}

static const char *none(const char *s)
{
    return strcmp(s, "-") ? s : "";
}

static const char *source_word(smz_article_date_source s)
{
    switch (s) {
    case SMZ_DATE_NONE: return "none";
    case SMZ_DATE_GIVEN: return "metadata";
    case SMZ_DATE_FRONT_MATTER: return "front matter";
    case SMZ_DATE_TEXT: return "dateline";
    case SMZ_DATE_MTIME: return "file date";
    }
    return "?";
}

/* The next " || "-separated item of *LIST (modified in place), or NULL. */
static char *next_item(char **list)
{
    if (!*list)
        return NULL;
    char *s = *list, *sep = strstr(s, " || ");
    if (sep) {
        *sep = 0;
        *list = sep + 4;
    } else {
        *list = NULL;
    }
    return s;
}

static void check_row(char **col, size_t *own, size_t *zh, size_t *md)
{
    const char *file = col[0];
    size_t len = 0;
    char *buf = slurp(file, &len);
    CHECK(buf != NULL, "%s: readable", file);
    if (!buf)
        return;
    if (!strncmp(file, "tests/articles/", 15)) {
        (*own)++;
        *zh += strstr(file, "/zh_") != NULL;
        *md += strstr(file, ".md") != NULL;
    }
    size_t fl = strlen(file);
    smz_article_opts o = {.lang = col[1], .original_href = "orig.txt"};
    smz_article *a = NULL;
    smz_err rc = smz__article_render(buf, len,
                                     fl > 3 && !strcmp(file + fl - 3, ".md") ? SMZ_ARTICLE_MARKDOWN
                                                                             : SMZ_ARTICLE_TEXT,
                                     file, FILE_TIME, &o, &a);
    free(buf);
    CHECK(rc == SMZ_OK && a, "%s renders", file);
    if (!a)
        return;
    CHECK(!strcmp(a->title, col[2]), "%s: title '%s', not '%s'", file, a->title, col[2]);
    CHECK(!strcmp(a->date, none(col[3])), "%s: date '%s'", file, a->date);
    CHECK(!strcmp(source_word(a->date_source), col[4]), "%s: date source %s", file,
          source_word(a->date_source));
    CHECK(!strcmp(a->byline, none(col[5])), "%s: byline '%s'", file, a->byline);
    CHECK(!strcmp(a->publisher, none(col[6])), "%s: publisher '%s'", file, a->publisher);
    CHECK(!strcmp(a->translator, none(col[7])), "%s: translator '%s'", file, a->translator);
    CHECK(!strcmp(a->source_url, none(col[8])), "%s: source URL '%s'", file, a->source_url);

    /* The parts of the page: the header, the reading view, the section. */
    const char *body = strstr(a->html, "<body>");
    const char *hdr_end = strstr(a->html, "</header>");
    const char *det = strstr(a->html, "<details class=\"from-original\">");
    CHECK(body && hdr_end && smz_utf8_valid(a->html, a->html_len) && !strstr(a->html, "javascript:"),
          "%s: a whole page", file);
    if (!body || !hdr_end)
        goto out;
    const char *src = strstr(a->html, "<p class=\"meta source\">");
    CHECK(
        src && src < hdr_end &&
            strstr(
                src,
                "<a class=\"original\" href=\"orig.txt\"><span class=\"smz-label\">original text</span></a></p>") ==
                strstr(src, "</p>") -
                    strlen(
                        "<a class=\"original\" href=\"orig.txt\"><span class=\"smz-label\">original text</span></a>"),
        "%s: the source line under the title ends with the link to the original", file);
    size_t rlen = (size_t)((det ? det : a->html + a->html_len) - hdr_end);
    char *reading = strndup(hdr_end, rlen);

    if (!strcmp(col[9], "-")) {
        CHECK(!det, "%s: nothing left out, no From the original", file);
    } else {
        CHECK(det && strstr(det, "<summary class=\"smz-label\">From the original</summary>") &&
                  strstr(det, "</details>"),
              "%s: a From the original section", file);
        const char *at = det ? det : "";
        char *list = col[9], *item;
        while ((item = next_item(&list)) != NULL) {
            /* "= ..." is the second copy of a line the page shows. */
            int copy = !strncmp(item, "= ", 2);
            item += copy ? 2 : 0;
            char *li = malloc(strlen(item) * 6 + 16), *e = escape(item);
            snprintf(li, strlen(item) * 6 + 16, "<li>%s</li>", e);
            const char *f = strstr(at, li);
            CHECK(f != NULL, "%s: From the original lists '%s' (in order)", file, item);
            at = f ? f : at;
            CHECK(copy || !strstr(reading, e), "%s: '%s' is not in the reading view", file, item);
            CHECK(strstr(a->text, item) != NULL, "%s: '%s' is in the search text", file, item);
            free(e);
            free(li);
        }
    }
    char *list = col[10], *item;
    while (strcmp(col[10], "-") && (item = next_item(&list)) != NULL) {
        char *e = escape(item);
        size_t c = count(body, e);
        CHECK(c == 1, "%s: '%s' is in the page %zu times, not once", file, item, c);
        free(e);
    }
    list = col[11];
    while (strcmp(col[11], "-") && (item = next_item(&list)) != NULL) {
        char *want = strdup(item);
        unescape_newlines(want);
        CHECK(strstr(a->html, want) != NULL, "%s: the page holds '%s'", file, item);
        free(want);
    }
    free(reading);
out:
    smz__article_free(a);
}

int main(void)
{
    size_t len = 0, rows = 0, own = 0, zh = 0, md = 0;
    char *tsv = slurp("tests/articles/expected.tsv", &len);
    CHECK(tsv != NULL, "tests/articles/expected.tsv is readable");
    if (!tsv)
        return CHECK_DONE();
    for (char *line = tsv, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = 0;
        if (line[0] == '#' || !line[0])
            continue;
        char *col[12];
        size_t n = 0;
        for (char *c = line; c && n < 12; n++) {
            col[n] = c;
            c = strchr(c, '\t');
            if (c)
                *c++ = 0;
        }
        CHECK(n == 12, "row %zu has 12 columns", rows + 1);
        if (n == 12)
            check_row(col, &own, &zh, &md);
        rows++;
    }
    CHECK(own >= 30 && zh >= 10 && md >= 3 && rows >= own + 5,
          "the corpus: %zu articles of our own (%zu Chinese, %zu Markdown) and the samples", own, zh,
          md);
    free(tsv);
    return CHECK_DONE();
}
