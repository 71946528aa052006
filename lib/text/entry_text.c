/* The searchable text of an entry (see entry_text.h). */
#include <stdlib.h>
#include <string.h>
#include "text/entry_text.h"
#include "text/html.h"
#include "text/utf8.h"

static int is_html(const char *mime)
{
    return !strcmp(mime, "text/html") || !strcmp(mime, "application/xhtml+xml");
}

int smz__entry_has_text(const char *mime)
{
    return mime && (is_html(mime) || !strcmp(mime, "text/plain") || !strcmp(mime, "text/markdown"));
}

typedef struct collect {
    char *text;
    size_t len;
    int nomem;
} collect;

static int collect_all(void *ctx, const char *text, size_t len, size_t body, int complete)
{
    (void)body;
    collect *c = ctx;
    if (complete && !(c->text = malloc(len + 1))) {
        c->nomem = 1;
        return 1;
    }
    if (complete) {
        memcpy(c->text, text, len);
        c->text[len] = 0;
        c->len = len;
    }
    return 0;
}

smz_err smz__entry_text_scan(const char *mime, const void *data, size_t size, size_t first,
                             smz_text_sink sink, void *ctx)
{
    if (!smz__entry_has_text(mime)) {
        sink(ctx, "", 0, 0, 1);
        return SMZ_OK;
    }
    if (is_html(mime)) {
        smz_err rc = smz__html_text_scan(data ? data : "", size, first, sink, ctx);
        if (rc == SMZ_E_TOOBIG) { /* over libxml2's limit: no text */
            sink(ctx, "", 0, 0, 1);
            rc = SMZ_OK;
        }
        return rc;
    }
    const char *s = data ? data : "";
    size_t n = size > SMZ_ENTRY_TEXT_MAX ? smz__utf8_cut(s, size, SMZ_ENTRY_TEXT_MAX) : size;
    for (size_t next = first; next && next < n; next *= SMZ_TEXT_GROWTH) {
        size_t piece = smz_text_whole_words(s, next, 0);
        if (sink(ctx, s, piece, piece, 0))
            return SMZ_OK;
    }
    sink(ctx, s, n, n, 1);
    return SMZ_OK;
}

smz_err smz__entry_text(const char *mime, const void *data, size_t size, char **text, size_t *len)
{
    collect c = {0};
    *text = NULL;
    *len = 0;
    smz_err rc = smz__entry_text_scan(mime, data, size, 0, collect_all, &c);
    if (rc == SMZ_OK && c.nomem)
        rc = SMZ_E_NOMEM;
    if (rc != SMZ_OK || !smz__entry_has_text(mime)) {
        free(c.text);
        return rc;
    }
    *text = c.text;
    *len = c.len;
    return SMZ_OK;
}
