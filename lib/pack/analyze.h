/* What the packer learns from one file's bytes: its title and searchable
 * text, and for articles (.txt, .md) the HTML page made of them. */
#ifndef SMZ_PACK_ANALYZE_H
#define SMZ_PACK_ANALYZE_H

#include <stddef.h>
#include <stdint.h>
#include "smz/error.h"

typedef struct smz_analysis {
    char *title; /* malloc'd, or NULL */
    char *text;  /* malloc'd searchable text, or NULL */
    size_t text_len;
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

#endif
