/* What the packer learns from a file's bytes (see analyze.h): the title and
 * visible text of HTML pages (lib/text/html.c: libxml2's HTML parser,
 * scripts, styles and repeated navigation left out). */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "analyze.h"
#include "text/charset.h"
#include "text/entry_text.h"
#include "text/html.h"
#include "article/article.h"

/* A page's title and text, read as the reader reads them
 * (text/entry_text.c): with a charset in its type MIME, its bytes decoded
 * from it, else the bytes as they are. */
static smz_err analyze_html(const char *mime, const unsigned char *data, size_t len, int want_text,
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

smz_err smz__analyze(const char *path, const char *mime, const unsigned char *data, size_t len,
                     int want_text, int article, const smz_article_opts *ao, int64_t mtime,
                     smz_analysis *out)
{
    *out = (smz_analysis){0};
    if (article) {
        const char *slash = strrchr(path, '/');
        size_t pl = strlen(path);
        smz_article *a = NULL;
        const char *cs = smz__mime_charset(mime);
        char *u = NULL;
        size_t ul = 0;
        /* Not UTF-8: the renderer reads UTF-8, and the original stays as
         * it came (its own entry). */
        if (cs && !smz__charset_is_utf8(cs)) {
            smz_err rc = smz__charset_decode(cs, (const char *)data, len, len * 3 + 16, &u, &ul);
            if (rc != SMZ_OK)
                return rc;
            data = (const unsigned char *)u;
            len = ul;
        }
        smz_err rc = smz__article_render((const char *)data, len,
                                         pl > 3 && !strcasecmp(path + pl - 3, ".md")
                                             ? SMZ_ARTICLE_MARKDOWN
                                             : SMZ_ARTICLE_TEXT,
                                         slash ? slash + 1 : path, mtime, ao, &a);
        free(u);
        if (rc != SMZ_OK)
            return rc;
        out->title = a->title;
        a->title = NULL;
        out->page = a->html;
        out->page_len = a->html_len;
        a->html = NULL;
        out->date = a->date;
        a->date = NULL;
        out->summary = a->summary;
        a->summary = NULL;
        smz__article_free(a);
        /* The index gets the text of the page that is stored, which is what
         * the reader derives again for snippets (text/entry_text.h). */
        if (want_text)
            return smz__entry_text("text/html; charset=utf-8", out->page, out->page_len, &out->text,
                                   &out->text_len);
        return SMZ_OK;
    }
    if (smz__mime_is(mime, "text/html") || smz__mime_is(mime, "application/xhtml+xml"))
        return analyze_html(mime, data, len, want_text, out);
    if (want_text)
        return smz__entry_text(mime, data, len, &out->text, &out->text_len);
    return SMZ_OK;
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
