/* The searchable text of an entry (see entry_text.h).  A type with a
 * charset parameter ("text/html; charset=gbk") is decoded from it to UTF-8
 * first (text/charset.h); a type without one is read as its bytes, as
 * archives made before charsets were recorded are. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "text/charset.h"
#include "text/entry_text.h"
#include "text/html.h"
#include "text/utf8.h"

static int is_html(const char *mime)
{
    return smz__mime_is(mime, "text/html") || smz__mime_is(mime, "application/xhtml+xml");
}

int smz__entry_has_text(const char *mime)
{
    return mime &&
           (is_html(mime) || smz__mime_is(mime, "text/plain") || smz__mime_is(mime, "text/markdown"));
}

/* 1 when MIME has a charset parameter at all, known or not: its text is
 * decoded (an unknown name as UTF-8, with U+FFFD for what is not). */
static int has_charset(const char *mime)
{
    for (const char *p = strchr(mime, ';'); p; p = strchr(p + 1, ';')) {
        p++;
        while (*p == ' ' || *p == '\t')
            p++;
        if (!strncasecmp(p, "charset=", 8))
            return 1;
    }
    return 0;
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
    char *decoded = NULL;
    int utf8 = has_charset(mime);
    const char *cs = smz__mime_charset(mime);
    /* Valid UTF-8 (most pages) is read where it is: a search reads only
     * as much of a page as it needs, and a copy would cost the whole. */
    if (utf8 && ((cs && !smz__charset_is_utf8(cs)) || (size >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3)) ||
                 !smz_utf8_valid(data, size))) {
        size_t n = 0;
        /* A page is decoded whole (its text is at most 4 MiB, its markup
         * may be more); a text only as far as its text is kept. */
        smz_err rc = smz__charset_decode(cs, data, size,
                                         is_html(mime) ? (size > INT_MAX ? INT_MAX : size * 3 + 16)
                                                       : SMZ_ENTRY_TEXT_MAX,
                                         &decoded, &n);
        if (rc != SMZ_OK)
            return rc;
        data = decoded;
        size = n;
    }
    if (is_html(mime)) {
        smz_err rc = utf8 ? smz__html_text_scan_utf8(data ? data : "", size, first, sink, ctx)
                          : smz__html_text_scan(data ? data : "", size, first, sink, ctx);
        if (rc == SMZ_E_TOOBIG) { /* over libxml2's limit: no text */
            sink(ctx, "", 0, 0, 1);
            rc = SMZ_OK;
        }
        free(decoded);
        return rc;
    }
    const char *s = data ? data : "";
    size_t n = size > SMZ_ENTRY_TEXT_MAX ? smz__utf8_cut(s, size, SMZ_ENTRY_TEXT_MAX) : size;
    for (size_t next = first; next && next < n; next *= SMZ_TEXT_GROWTH) {
        size_t piece = smz_text_whole_words(s, next, 0);
        if (sink(ctx, s, piece, piece, 0))
            goto out;
    }
    sink(ctx, s, n, n, 1);
out:
    free(decoded);
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
