/* What the packer learns from a file's bytes (see analyze.h): the title and
 * visible text of HTML pages (lib/text/html.c: libxml2's HTML parser,
 * scripts, styles and repeated navigation left out). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "analyze.h"
#include "text/html.h"
#include "article.h"

#define MAX_TEXT (4u << 20)

static smz_err analyze_html(const unsigned char *data, size_t len, int want_text, smz_analysis *out)
{
    smz_html_text t = {0};
    smz_err rc = smz_html_extract((const char *)data, len, &t);
    if (rc == SMZ_E_TOOBIG)
        return SMZ_OK; /* stored as it is, without a title */
    if (rc != SMZ_OK)
        return rc;
    if (t.title && t.title[0]) {
        out->title = t.title;
        t.title = NULL;
    }
    if (want_text && t.text && t.text_len) {
        out->text = t.text;
        out->text_len = t.text_len;
        t.text = NULL;
    }
    smz_html_text_free(&t);
    return SMZ_OK;
}

smz_err smz_analyze(const char *path, const char *mime, const unsigned char *data, size_t len,
                    int want_text, int article, const char *lang, int64_t mtime, smz_analysis *out)
{
    *out = (smz_analysis){0};
    if (article) {
        const char *slash = strrchr(path, '/');
        size_t pl = strlen(path);
        smz_article *a = NULL;
        smz_article_opts ao = {.lang = lang};
        smz_err rc = smz_article_render((const char *)data, len,
                                        pl > 3 && !strcasecmp(path + pl - 3, ".md") ? SMZ_ARTICLE_MARKDOWN
                                                                                   : SMZ_ARTICLE_TEXT,
                                        slash ? slash + 1 : path, mtime, &ao, &a);
        if (rc != SMZ_OK)
            return rc;
        out->title = a->title;
        a->title = NULL;
        out->page = a->html;
        out->page_len = a->html_len;
        a->html = NULL;
        if (want_text) {
            out->text = a->text;
            out->text_len = a->text_len;
            a->text = NULL;
        }
        out->date = a->date;
        a->date = NULL;
        smz_article_free(a);
        return SMZ_OK;
    }
    if (!strcmp(mime, "text/html") || !strcmp(mime, "application/xhtml+xml"))
        return analyze_html(data, len, want_text, out);
    if (want_text && (!strcmp(mime, "text/plain") || !strcmp(mime, "text/markdown"))) {
        size_t n = len > MAX_TEXT ? MAX_TEXT : len;
        if (!(out->text = malloc(n + 1)))
            return SMZ_E_NOMEM;
        memcpy(out->text, data, n);
        out->text[n] = 0;
        out->text_len = n;
    }
    return SMZ_OK;
}

void smz_analysis_free(smz_analysis *a)
{
    free(a->title);
    free(a->text);
    free(a->page);
    free(a->date);
    *a = (smz_analysis){0};
}
