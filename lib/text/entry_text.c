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

int smz_entry_has_text(const char *mime)
{
    return mime && (is_html(mime) || !strcmp(mime, "text/plain") || !strcmp(mime, "text/markdown"));
}

smz_err smz_entry_text(const char *mime, const void *data, size_t size, char **text, size_t *len)
{
    *text = NULL;
    *len = 0;
    if (!smz_entry_has_text(mime))
        return SMZ_OK;
    if (is_html(mime)) {
        smz_html_text t = {0};
        smz_err rc = smz_html_extract(data ? data : "", size, &t);
        if (rc == SMZ_E_TOOBIG)
            return SMZ_OK;
        if (rc != SMZ_OK)
            return rc;
        *text = t.text;
        *len = t.text_len;
        t.text = NULL;
        smz_html_text_free(&t);
        return SMZ_OK;
    }
    size_t n = size > SMZ_ENTRY_TEXT_MAX ? smz_utf8_cut(data, size, SMZ_ENTRY_TEXT_MAX) : size;
    if (!(*text = malloc(n + 1)))
        return SMZ_E_NOMEM;
    if (n)
        memcpy(*text, data, n);
    (*text)[n] = 0;
    *len = n;
    return SMZ_OK;
}
