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
#include "article/article.h"

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
        return smz__analyze_html(mime, data, len, want_text, out);
    if (want_text)
        return smz__entry_text(mime, data, len, &out->text, &out->text_len);
    return SMZ_OK;
}
