/* The frame of a generated page, article or index: doctype, <html lang
 * dir>, <head> with the metadata and style.c's style sheet, the link home,
 * the header with title, date and author, and the closing tags.  All text
 * is HTML-escaped and every link percent-encoded, so no value can become
 * markup or point outside the archive.
 *
 * Uses lib/text (lang.h, url.h), smz_strbuf and style.c. */
#include <stdlib.h>
#include <string.h>
#include "article/article_priv.h"
#include "text/lang.h"
#include "text/url.h"
#include "text/escape.h"

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
 * unlabelled) pages, whose other words are English too; else as it is. */
void smz__art_add_time(smz_strbuf *b, const char *ymd, const char *lang)
{
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
        const char *label = pi->home_label && *pi->home_label ? pi->home_label : "Index";
        smz__html_add(b, label, strlen(label));
        smz_strbuf_adds(b, "</a></nav>\n");
    }
    smz_strbuf_adds(b, is_index ? "<header>\n<h1>" : "<article>\n<header>\n<h1>");
    smz__html_add(b, pi->title, strlen(pi->title));
    smz_strbuf_adds(b, "</h1>\n");
    if (is_index && pi->description && *pi->description) {
        smz_strbuf_adds(b, "<p class=\"lede\">");
        smz__html_add(b, pi->description, strlen(pi->description));
        smz_strbuf_adds(b, "</p>\n");
    }
    int has_date = pi->date && *pi->date, has_author = pi->author && *pi->author;
    int has_original = pi->original_href && *pi->original_href;
    if (!is_index && (has_date || has_author || has_original)) {
        smz_strbuf_adds(b, "<p class=\"meta\">");
        if (has_date)
            smz__art_add_time(b, pi->date, pi->lang);
        if (has_author) {
            smz_strbuf_adds(b, "<span class=\"author\">");
            smz__html_add(b, pi->author, strlen(pi->author));
            smz_strbuf_adds(b, "</span>");
        }
        if (has_original) {
            smz_strbuf_adds(b, "<a class=\"original\" href=\"");
            smz__art_add_href(b, pi->original_href);
            smz_strbuf_adds(b, "\">original text</a>");
        }
        smz_strbuf_adds(b, "</p>\n");
    }
}

smz_err smz__art_page_end(smz_strbuf *b, int is_index)
{
    smz_strbuf_adds(b, is_index ? "</main>\n</body>\n</html>\n"
                                : "</article>\n</main>\n</body>\n</html>\n");
    return smz_strbuf_err(b);
}
