/* Articles: plain-text (.txt) and Markdown (.md) files turned into clean,
 * self-contained HTML pages for the archive, with the title a person would
 * give them, a date, and the plain text for the search index; plus the
 * index page of a collection that has no main page of its own.
 *
 * Everything here takes untrusted bytes: invalid UTF-8 becomes U+FFFD,
 * every output string is valid UTF-8, all text is HTML-escaped, Markdown is
 * rendered without raw HTML or unsafe links, and the pages load nothing from
 * outside (no scripts, no external style sheets, fonts or images).
 *
 * This is the whole interface of lib/article, a text-to-HTML engine that
 * knows nothing of archives: lib/pack calls it for each .txt and .md file
 * and for the generated index page.  Its files and their layers are drawn
 * in lib/article/article_priv.h; it uses lib/text, lib/util and cmark. */
#ifndef SMZ_ARTICLE_ARTICLE_H
#define SMZ_ARTICLE_ARTICLE_H

#include <stddef.h>
#include <stdint.h>
#include "smz/error.h"

#define SMZ_ARTICLE_MAX_INPUT (16u << 20)   /* bytes of one article */
#define SMZ_ARTICLE_MAX_TEXT (4u << 20)     /* bytes of search text kept */
#define SMZ_ARTICLE_MAX_FIELD 1024          /* bytes of one front matter value */
#define SMZ_ARTICLE_MAX_MARKDOWN (2u << 20) /* bytes of Markdown rendered as such */
#define SMZ_ARTICLE_MAX_NESTING 64          /* Markdown containers opened on one line */
#define SMZ_ARTICLE_SUMMARY 200             /* characters of a summary */

typedef enum smz_article_kind {
    SMZ_ARTICLE_TEXT,    /* paragraphs separated by blank lines, no markup */
    SMZ_ARTICLE_MARKDOWN /* CommonMark */
} smz_article_kind;

/* Where smz_article.date came from, most trusted first. */
typedef enum smz_article_date_source {
    SMZ_DATE_NONE,         /* no date: smz_article.date is "" */
    SMZ_DATE_GIVEN,        /* smz_article_opts.date (the packer's metadata) */
    SMZ_DATE_FRONT_MATTER, /* "date:" in the front matter */
    SMZ_DATE_TEXT,         /* a dateline such as "Published: 27 January 2022"
                            * alone on a line near the start (text only) */
    SMZ_DATE_MTIME         /* the file's modification time, in UTC */
} smz_article_date_source;

typedef struct smz_article_opts {
    const char *lang;          /* BCP 47 tag for <html lang>, or NULL for none;
                             * a front matter "lang:" wins.  Ill-formed tags
                             * are ignored.  ISO 639-3 and 639-2/B codes
                             * become their BCP 47 tags ("eng" is "en", "tib"
                             * is "bo"), and a right-to-left language (Arabic,
                             * Hebrew, Persian, Urdu, ..., or an Arab/Hebr
                             * script subtag) also gives dir="rtl": the one
                             * table in lib/text/lang.c decides. */
    const char *home_href;     /* link back to the collection's main page,
                             * relative to the article (e.g. "../index.html"),
                             * or NULL for no link; percent-encoded here */
    const char *home_label;    /* its text, e.g. the collection title; NULL
                             * gives "Index" */
    const char *title;         /* a title that wins over every other, or NULL */
    const char *date;          /* "YYYY-MM-DD" that wins over every other date,
                             * or NULL (anything else is ignored) */
    const char *original_href; /* link to the original file the page was
                                * made from, relative to the page (e.g.
                                * "000_x.txt"), or NULL for none;
                                * percent-encoded here */
} smz_article_opts;

/* A rendered article.  Every string is malloc'd, NUL-terminated, valid
 * UTF-8 and never NULL ("" when absent); the structure owns them all. */
typedef struct smz_article {
    char *title;       /* trimmed, one line, never "" */
    char *date;        /* "YYYY-MM-DD" or "" (see date_source) */
    char *author;      /* front matter "author:", else the byline's name, or "" */
    char *description; /* front matter "description:", or "" */
    char *tags;        /* front matter "tags:", joined with ", ", or "" */
    char *lang;        /* the language the page was given, or "" */
    char *html;        /* the complete HTML5 page */
    size_t html_len;
    char *text; /* title, '\n', then the body's text, blocks separated
                        * by '\n', boilerplate left out; cut at
                        * SMZ_ARTICLE_MAX_TEXT on a character boundary */
    size_t text_len;
    char *summary; /* the first ~SMZ_ARTICLE_SUMMARY characters of the
                        * body's paragraphs, cut at a word, for index pages */
    smz_article_date_source date_source;
    /* What is known of the source, each one line or "": shown in the
     * page's source line under the title. */
    char *publisher;  /* front matter "publisher:"/"source:"/"site:"; else a
                       * "Source: X", "来源：X", "Originally published by X"
                       * line; else the site a boilerplate line names
                       * ("X | Facebook", "Subscribe to X", "(c) 2022 X") */
    char *byline;     /* the name in the text's byline ("By X", "Written by
                       * X", "Author: X", "作者：X"), whatever "author:" says */
    char *translator; /* front matter "translator:", else "Translated by X",
                       * "Translation: X", "翻译：X", "译者：X" */
    char *source_url; /* front matter "url:"/"source_url:"/"original_url:",
                       * else a URL alone on a line or after "Original URL:",
                       * "Source:", "原文链接："; http:// or https:// only */
} smz_article;

/* Renders the LEN bytes at TEXT (NULL is allowed when LEN is 0) as an
 * article of KIND and stores a new smz_article in *OUT, which the caller
 * frees with smz__article_free.
 *
 * A leading front matter block ("---" line, "key: value" lines, "---" or
 * "..." line) gives title, date, author, description, tags and lang; values
 * may be quoted; unknown keys are ignored; the block is not shown.
 *
 * The title is the first of: OPTS->title; front matter "title:"; the leading heading
 * (Markdown) or a first line that reads as a headline (text: short, no
 * closing period, not a caption, byline or boilerplate; a short label
 * above it - "ANALYSIS", "Hong Kong", "【独家】" - is its kicker, shown
 * above the title); the first sentence of the first paragraph (see below);
 * FALLBACK_NAME (a file name: directory and extension dropped, '_' and
 * '-' read as spaces; may be NULL); "Untitled".
 *
 * A title made from the first sentence: the whole sentence (without its
 * final '.'; '?', '!' and Chinese '。！？' end one too) when it is at most
 * 140 characters wide (a CJK character counts as two); the body then
 * starts after that sentence, so the page does not print it twice and
 * loses none of it.  A longer sentence is shortened: cut before the last
 * clause break (", ", "; ", ": ", a dash, " (", " as ", " while ", " who ",
 * "，", "；", "：", ...) between 75 and 140 wide, else before a phrase
 * break (" and ", " or ", " amid ", " despite ") between 75 and 100, else after
 * the last word (or CJK character) within 100; never inside quotes or
 * brackets (ASCII, curly, full-width or CJK) when that keeps half of it;
 * trailing stopwords and punctuation go and an ellipsis "…" ends it.  The
 * first paragraph then stays whole, and the heading is marked as made from
 * the text (<h1 class="derived">).
 *
 * The date is the first of: OPTS->date; front matter "date:"; for text, a dateline
 * alone on a line among the first lines ("Published: 27 January 2022",
 * "HONG KONG, Feb. 1, 2022", "2022年2月1日", "二〇二二年二月一日",
 * "2022-02-01 10:30（北京时间）"), or a news agency's dateline in brackets
 * opening one of the first paragraphs ("【新世纪2022年02月01日讯】...",
 * "（中央社台北2022年2月1日电）...", which stays in the text); FILE_MTIME (seconds since the
 * epoch, UTC, so the output stays deterministic) when it is > 0 — pass 0 or
 * a negative value to leave the date out.
 *
 * The header's source line shows publisher, author, translator, a link to
 * the source URL (its host name), the date and where it came from
 * ("metadata", "front matter", "dateline", "file date") and the link to
 * OPTS->original_href.
 *
 * Text bodies are cleaned conservatively: a line repeated twice in a row is
 * kept once as a photo caption; lines with photo credits ("(c)Getty Images",
 * "(Photo: ...)") are shown as captions; bylines ("Proofread by: ...") are
 * kept but set apart; only known boilerplate (newsletter sign-ups, social
 * links, share/follow prompts, cookie notices, donation appeals, reader
 * comments after them; in Chinese too: 订阅..., 图片来源, 责任编辑,
 * 转载请注明出处, 版权所有, 分享到, 相关阅读, ...) is left out; a repeat of
 * the headline is left out; the lines the source line gives (byline,
 * translator, "Source:", a URL) and the dateline move to the header.
 * Every line left out is listed, HTML-escaped and in the original's order,
 * at the end of the article in a closed
 * <details class="from-original"><summary>From the original</summary>
 * (no section when nothing was left out), and is in the search text.
 * Short lines standing alone between paragraphs become <h2> headings.
 *
 * Markdown longer than SMZ_ARTICLE_MAX_MARKDOWN (after front matter) is
 * rendered as plain text instead: cmark can need ~200 bytes of memory per
 * input byte on hostile input.
 *
 * OPTS may be NULL.  Returns SMZ_OK; SMZ_E_INVALID for a NULL OUT or NULL
 * TEXT with LEN > 0; SMZ_E_TOOBIG when LEN is over SMZ_ARTICLE_MAX_INPUT or
 * Markdown nests deeper than SMZ_ARTICLE_MAX_NESTING on one line; or
 * SMZ_E_NOMEM.  On error *OUT is NULL.  (cmark itself aborts when out of
 * memory; that is its documented behaviour.) */
smz_err smz__article_render(const char *text, size_t len, smz_article_kind kind,
                            const char *fallback_name, int64_t file_mtime, const smz_article_opts *opts,
                            smz_article **out);

/* Makes sure Markdown can be rendered: smz loads cmark on first use and
 * ends with a message if it cannot (reader/lazy.c), which must come before
 * a caller makes any file. */
void smz__article_init(void);

/* Frees A and everything it owns; NULL is a no-op. */
void smz__article_free(smz_article *a);

/* One entry of an index page.  Only PATH is required. */
typedef struct smz_article_ref {
    const char *path;    /* link target relative to the index page, UTF-8;
                          * percent-encoded in the href as needed */
    const char *title;   /* NULL or "" shows the path */
    const char *date;    /* "YYYY-MM-DD", or NULL/"" (anything else counts
                          * as no date) */
    const char *summary; /* NULL or text of any length; cut to about
                          * SMZ_ARTICLE_SUMMARY characters at a word */
} smz_article_ref;

/* Writes the index page of a collection to *HTML_OUT (malloc'd, NUL-
 * terminated; the caller frees it): COLLECTION_TITLE as the heading (NULL
 * gives "Index"), DESCRIPTION under it (NULL or "" for none), LANG as
 * <html lang> (NULL or ill-formed for none), then ITEMS (N of them; ITEMS
 * may be NULL when N is 0), newest first, undated ones after the dated,
 * ties by title as shown (ASCII letters folded, then bytewise), then path.  ITEMS is not modified.  All strings may hold
 * any bytes; invalid UTF-8 is replaced.  Returns SMZ_OK, SMZ_E_INVALID (a
 * NULL HTML_OUT, NULL ITEMS with N > 0, or an item without a path),
 * SMZ_E_TOOBIG (N over 1,000,000 or a page over 256 MiB) or SMZ_E_NOMEM;
 * on error *HTML_OUT is NULL. */
smz_err smz__article_index_html(const smz_article_ref *items, size_t n, const char *collection_title,
                                const char *description, const char *lang, char **html_out);

#endif
