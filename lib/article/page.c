/* The frame of a generated page, article or index: doctype, <html lang
 * dir>, <head> with the metadata and style.c's style sheet, the link home,
 * the header (an article's kicker, title and source line: publisher,
 * author, translator, original URL, date and its source, original file),
 * and the closing tags.  All text
 * is HTML-escaped and every link percent-encoded, so no value can become
 * markup or point outside the archive.
 *
 * Uses lib/text (ascii.h, escape.h, lang.h, url.h), smz_strbuf, words.c
 * and style.c. */
#include <stdlib.h>
#include <string.h>
#include "article/article_priv.h"
#include "text/lang.h"
#include "text/url.h"
#include "text/ascii.h"
#include "text/escape.h"
#include "i18n/i18n.h"

int smz__art_ui(const char *lang)
{
    int l = lang && *lang ? smz_ui_lang_find(lang, strlen(lang)) : -1;
    return l > 0 ? l : SMZ_UI_EN;
}

/* Appends PATH percent-encoded for an href: unreserved characters and '/'
 * stay, every other byte becomes %XX, and a leading '/' gets "./" before it
 * so the link can never name another host. */
smz_err smz__art_add_href(smz_strbuf *b, const char *path)
{
    if (path[0] == '/')
        smz_strbuf_add(b, "./", 2);
    return smz__url_add_escaped(b, path, strlen(path), 1);
}

/* Appends <time> for the valid date YMD: "27 January 2022" on English (or
 * unlabelled) pages, whose other words are English too; in the page's
 * language's own way when the interface speaks it ("2022年1月27日",
 * ICU's, lib/i18n); else as it is. */
void smz__art_add_time(smz_strbuf *b, const char *ymd, const char *lang)
{
    int ui = smz__art_ui(lang);
    if (ui != SMZ_UI_EN) {
        smz_strbuf_addf(b, "<time datetime=\"%s\">", ymd);
        smz__ui_date(b, ui, ymd);
        smz_strbuf_adds(b, "</time>");
        return;
    }
    static const char *const NAMES[12] = {"January",   "February", "March",    "April",
                                          "May",       "June",     "July",     "August",
                                          "September", "October",  "November", "December"};
    int m = atoi(ymd + 5);
    int english = !lang || !*lang || smz_lang_english(lang);
    if (english && m >= 1 && m <= 12)
        smz_strbuf_addf(b, "<time datetime=\"%s\">%d %s %.4s</time>", ymd, atoi(ymd + 8), NAMES[m - 1],
                        ymd);
    else
        smz_strbuf_addf(b, "<time datetime=\"%s\">%s</time>", ymd, ymd);
}

static int has(const char *s)
{
    return s && *s;
}

/* Where the date came from, in a word and in a sentence (its tooltip), so
 * a reader knows how far to trust it: a file's time is only when someone
 * saved it. */
static void add_date_source(smz_strbuf *b, smz_article_date_source src, int ui)
{
    const char *word = NULL, *why = NULL;
    switch (src) {
    case SMZ_DATE_NONE: return;
    case SMZ_DATE_GIVEN:
        word = smz_tr(ui, "metadata");
        why = smz_tr(ui, "Date given in the collection's metadata");
        break;
    case SMZ_DATE_FRONT_MATTER:
        word = smz_tr(ui, "front matter");
        why = smz_tr(ui, "Date from the front matter of the file");
        break;
    case SMZ_DATE_TEXT:
        word = smz_tr(ui, "dateline");
        why = smz_tr(ui, "Date read from a dateline in the text");
        break;
    case SMZ_DATE_MTIME:
        word = smz_tr(ui, "file date");
        why = smz_tr(ui,
                     "The time the file was last saved, which may not be when the text was published");
        break;
    }
    /* Translations are text: escaped like any other. */
    smz_strbuf_adds(b, " <span class=\"date-source smz-label\" title=\"");
    smz__html_add(b, why, strlen(why));
    smz_strbuf_adds(b, "\">(");
    smz__html_add(b, word, strlen(word));
    smz_strbuf_adds(b, ")</span>");
}

/* Appends the separator before every item of the source line but the
 * first.  It is text, not CSS, so that the words on either side stay apart
 * in the page's search text and in a text-only browser. */
static void add_sep(smz_strbuf *b, int *items)
{
    if ((*items)++)
        smz_strbuf_adds(b, "<span class=\"sep\" aria-hidden=\"true\"> \xC2\xB7 </span>");
}

/* The source line under the title: publisher, author, translator, a link
 * to the original URL, the date and where it came from, the link to the
 * original file.  The URL is http(s) only (smz__art_http_url) and only
 * HTML-escaped: it names another site, so it is not percent-encoded as an
 * archive path is; its text is the host name. */
static void add_source_line(smz_strbuf *b, const page_info *pi)
{
    int url = has(pi->source_url) &&
              smz__art_http_url(pi->source_url, strlen(pi->source_url)) == strlen(pi->source_url);
    if (!has(pi->publisher) && !has(pi->author) && !has(pi->translator) && !url && !has(pi->date) &&
        !has(pi->original_href))
        return;
    smz_strbuf_adds(b, "<p class=\"meta source\">");
    int items = 0, ui = smz__art_ui(pi->lang);
    if (has(pi->publisher)) {
        add_sep(b, &items);
        smz_strbuf_adds(b, "<span class=\"publisher\">");
        smz__html_add(b, pi->publisher, strlen(pi->publisher));
        smz_strbuf_adds(b, "</span>");
    }
    if (has(pi->author)) {
        add_sep(b, &items);
        smz_strbuf_adds(b, "<span class=\"by\"><span class=\"smz-label\">");
        /* TRANSLATORS: before an article's author ("by Jane Doe"), with its space. */
        const char *by = smz_tr(ui, "by ");
        smz__html_add(b, by, strlen(by));
        smz_strbuf_adds(b, "</span><span class=\"author\">");
        smz__html_add(b, pi->author, strlen(pi->author));
        smz_strbuf_adds(b, "</span></span>");
    }
    if (has(pi->translator)) {
        add_sep(b, &items);
        smz_strbuf_adds(b, "<span class=\"by\"><span class=\"smz-label\">");
        /* TRANSLATORS: before an article's translator, with its space. */
        const char *tby = smz_tr(ui, "translated by ");
        smz__html_add(b, tby, strlen(tby));
        smz_strbuf_adds(b, "</span><span class=\"translator\">");
        smz__html_add(b, pi->translator, strlen(pi->translator));
        smz_strbuf_adds(b, "</span></span>");
    }
    if (url) {
        const char *u = pi->source_url, *host = strstr(u, "://") + 3;
        size_t hn = strcspn(host, "/?#");
        if (hn > 4 && smz__ascii_prefix_ci(host, hn, "www."))
            host += 4, hn -= 4;
        add_sep(b, &items);
        smz_strbuf_adds(b, "<a class=\"source-url\" rel=\"noopener noreferrer\" href=\"");
        smz__html_add(b, u, strlen(u));
        smz_strbuf_adds(b, "\" title=\"");
        smz__html_add(b, u, strlen(u));
        smz_strbuf_adds(b, "\">");
        smz__html_add(b, host, hn);
        smz_strbuf_adds(b, "</a>");
    }
    if (has(pi->date)) {
        add_sep(b, &items);
        smz_strbuf_adds(b, "<span class=\"date\">");
        smz__art_add_time(b, pi->date, pi->lang);
        add_date_source(b, pi->date_source, ui);
        smz_strbuf_adds(b, "</span>");
    }
    if (has(pi->original_href)) {
        add_sep(b, &items);
        smz_strbuf_adds(b, "<a class=\"original\" href=\"");
        smz__art_add_href(b, pi->original_href);
        smz_strbuf_adds(b, "\"><span class=\"smz-label\">");
        const char *orig = smz_tr(ui, "original text");
        smz__html_add(b, orig, strlen(orig));
        smz_strbuf_adds(b, "</span></a>");
    }
    smz_strbuf_adds(b, "</p>\n");
}

void smz__art_page_begin(smz_strbuf *b, const page_info *pi, int is_index)
{
    smz_strbuf_adds(b, "<!DOCTYPE html>\n<html");
    if (pi->lang && *pi->lang) {
        char tag[SMZ_LANG_TAG_MAX + 1];
        int rtl = smz__lang_html(pi->lang, strlen(pi->lang), tag, sizeof tag) == 1;
        smz_strbuf_adds(b, " lang=\"");
        smz__html_add(b, tag, strlen(tag));
        smz_strbuf_adds(b, rtl ? "\" dir=\"rtl\"" : "\"");
    }
    smz_strbuf_adds(b, ">\n<head>\n<meta charset=\"utf-8\">\n"
                       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                       "<meta name=\"color-scheme\" content=\"light dark\">\n");
    const char *metas[][2] = {{"description", pi->description},
                              {"author", pi->author},
                              {"keywords", pi->tags}};
    for (size_t i = 0; i < sizeof metas / sizeof metas[0]; i++)
        if (metas[i][1] && *metas[i][1]) {
            smz_strbuf_addf(b, "<meta name=\"%s\" content=\"", metas[i][0]);
            smz__html_add(b, metas[i][1], strlen(metas[i][1]));
            smz_strbuf_adds(b, "\">\n");
        }
    smz_strbuf_adds(b, "<title>");
    smz__html_add(b, pi->title, strlen(pi->title));
    smz_strbuf_adds(b, "</title>\n<style>");
    smz_strbuf_adds(b, smz__art_css);
    smz_strbuf_adds(b, "</style>\n</head>\n<body>\n<main>\n");
    if (pi->home_href && *pi->home_href) {
        smz_strbuf_adds(b, "<nav class=\"home\"><a href=\"");
        smz__art_add_href(b, pi->home_href);
        smz_strbuf_adds(b, "\">\xE2\x86\x90 ");
        const char *label = pi->home_label && *pi->home_label ? pi->home_label
                                                              : smz_tr(smz__art_ui(pi->lang), "Index");
        smz__html_add(b, label, strlen(label));
        smz_strbuf_adds(b, "</a></nav>\n");
    }
    smz_strbuf_adds(b, is_index ? "<header>\n" : "<article>\n<header>\n");
    if (!is_index && pi->kicker && *pi->kicker) {
        smz_strbuf_adds(b, "<p class=\"kicker\">");
        smz__html_add(b, pi->kicker, strlen(pi->kicker));
        smz_strbuf_adds(b, "</p>\n");
    }
    /* A title shortened from the first sentence says so: the sentence is
     * whole in the first paragraph, and a reader should not take the
     * heading for the author's. */
    if (!is_index && pi->title_from == T_DERIVED) {
        const char *t = smz_tr(smz__art_ui(pi->lang), "Made from the first sentence of the text");
        smz_strbuf_adds(b, "<h1 class=\"derived\" title=\"");
        smz__html_add(b, t, strlen(t));
        smz_strbuf_adds(b, "\">");
    } else {
        smz_strbuf_adds(b, "<h1>");
    }
    smz__html_add(b, pi->title, strlen(pi->title));
    smz_strbuf_adds(b, "</h1>\n");
    if (is_index && pi->description && *pi->description) {
        smz_strbuf_adds(b, "<p class=\"lede\">");
        smz__html_add(b, pi->description, strlen(pi->description));
        smz_strbuf_adds(b, "</p>\n");
    }
    if (!is_index)
        add_source_line(b, pi);
}

smz_err smz__art_page_end(smz_strbuf *b, int is_index)
{
    smz_strbuf_adds(b, is_index ? "</main>\n</body>\n</html>\n"
                                : "</article>\n</main>\n</body>\n</html>\n");
    return smz_strbuf_err(b);
}
