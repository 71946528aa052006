/* What the packer learns from one file's bytes: its title and searchable
 * text, and for articles (.txt, .md) the HTML page made of them. */
#ifndef SMZ_PACK_ANALYZE_H
#define SMZ_PACK_ANALYZE_H

#include <stddef.h>
#include <stdint.h>
#include "smz/error.h"

/* A page whose text is this share or more inside links is a table of
 * contents or an index (a "hub"), which the ranking puts after the pages it
 * points to: measured on the Python and PostgreSQL manuals, their contents
 * and index pages are at 0.42 to 0.93, every other page under 0.18. */
#define SMZ_HUB_LINK_SHARE 0.4

typedef struct smz_analysis {
    char *title; /* malloc'd, or NULL */
    char *text;  /* malloc'd searchable text, or NULL */
    size_t text_len;
    char *headings; /* malloc'd: HTML pages' headings, one a line (text/html.h), or NULL */
    size_t headings_len;
    int hub;    /* 1: a page mostly of links (SMZ_HUB_LINK_SHARE of its text or more) */
    char *page; /* articles: the HTML page made of the file */
    size_t page_len;
    char *date;    /* articles: YYYY-MM-DD or NULL */
    char *summary; /* articles: the start of the text, for index pages */
} smz_analysis;

struct smz_article_opts;

/* Fills OUT for the file at archive path PATH of type MIME.  WANT_TEXT: also
 * the searchable text.  ARTICLE: render .txt/.md as an HTML page, with AO
 * (article.h; may be NULL).  Frees nothing the caller passed; free OUT with
 * smz__analysis_free. */
smz_err smz__analyze(const char *path, const char *mime, const unsigned char *data, size_t len,
                     int want_text, int article, const struct smz_article_opts *ao, int64_t mtime,
                     smz_analysis *out);
void smz__analysis_free(smz_analysis *a);

/* How smz__analyze found the text an indexed entry was indexed with: its
 * title alone; an HTML page's text, headings and links (what it gives any
 * HTML file); an article's page (text alone, from the page); another text
 * entry's bytes.  The values are those of an update's list of indexed
 * entries (docs/UPDATES.md). */
enum { SMZ_INDEXED_TITLE = 1, SMZ_INDEXED_HTML = 2, SMZ_INDEXED_ARTICLE = 3, SMZ_INDEXED_TEXT = 4 };

/* Fills OUT for an HTML page of type MIME (its charset decoded): its
 * title, and with WANT_TEXT its text, headings and hub (analyze_html.c). */
smz_err smz__analyze_html(const char *mime, const unsigned char *data, size_t len, int want_text,
                          smz_analysis *out);

/* Fills OUT's text, headings and hub for a stored entry (MIME, DATA, LEN)
 * as smz__analyze did when it was packed the way MODE says (the title is
 * the entry's).  Free OUT with smz__analysis_free. */
smz_err smz__analyze_stored(int mode, const char *mime, const unsigned char *data, size_t len,
                            smz_analysis *out);

#endif
