/* An HTML page's title, text, headings and share of links (analyze.h):
 * apart from analyze.c so that what reads stored pages again (reindex.c)
 * does not link the article renderer. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "analyze.h"
#include "text/charset.h"
#include "text/entry_text.h"
#include "text/html.h"

/* A page's title and text, read as the reader reads them
 * (text/entry_text.c): with a charset in its type MIME, its bytes decoded
 * from it, else the bytes as they are. */
smz_err smz__analyze_html(const char *mime, const unsigned char *data, size_t len, int want_text,
                          smz_analysis *out)
{
    smz_html_text t = {0};
    smz_err rc;
    if (strstr(mime, "charset=")) {
        char *u = NULL;
        size_t ul = 0;
        rc = smz__charset_decode(smz__mime_charset(mime), (const char *)data, len,
                                 len > INT_MAX ? INT_MAX : len * 3 + 16, &u, &ul);
        if (rc != SMZ_OK)
            return rc;
        rc = smz__html_extract_utf8(u, ul, &t);
        free(u);
    } else {
        rc = smz__html_extract((const char *)data, len, &t);
    }
    if (rc == SMZ_E_TOOBIG)
        return SMZ_OK; /* stored as it is, without a title */
    if (rc != SMZ_OK)
        return rc;
    if (t.title && t.title[0]) {
        out->title = t.title;
        t.title = NULL;
    }
    out->hub = t.link_share >= SMZ_HUB_LINK_SHARE;
    if (want_text && t.text && t.text_len) {
        out->text = t.text;
        out->text_len = t.text_len;
        t.text = NULL;
        if (t.headings_len) {
            out->headings = t.headings;
            out->headings_len = t.headings_len;
            t.headings = NULL;
        }
    }
    smz__html_text_free(&t);
    return SMZ_OK;
}

smz_err smz__analyze_stored(int mode, const char *mime, const unsigned char *data, size_t len,
                            smz_analysis *out)
{
    *out = (smz_analysis){0};
    switch (mode) {
    case SMZ_INDEXED_HTML: return smz__analyze_html(mime, data, len, 1, out);
    case SMZ_INDEXED_ARTICLE: /* what smz__analyze gives an article's page */
        return smz__entry_text("text/html; charset=utf-8", (const char *)data, len, &out->text,
                               &out->text_len);
    case SMZ_INDEXED_TEXT:
        return smz__entry_text(mime, (const char *)data, len, &out->text, &out->text_len);
    default: return SMZ_OK; /* the title alone */
    }
}

void smz__analysis_free(smz_analysis *a)
{
    free(a->title);
    free(a->text);
    free(a->headings);
    free(a->page);
    free(a->date);
    free(a->summary);
    *a = (smz_analysis){0};
}
