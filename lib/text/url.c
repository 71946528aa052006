/* Percent-encoding (see url.h).  Uses lib/text/ascii.h and smz_strbuf. */
#include "text/url.h"
#include "text/ascii.h"

smz_err smz__url_add_escaped(smz_strbuf *b, const char *s, size_t n, int keep_slash)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t run = 0; /* start of the bytes not yet copied */
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (smz_ascii_alpha(c) || smz_ascii_digit(c) || c == '-' || c == '.' || c == '_' || c == '~' ||
            (keep_slash && c == '/'))
            continue;
        char e[3] = {'%', hex[c >> 4], hex[c & 15]};
        smz_strbuf_add(b, s + run, i - run);
        smz_strbuf_add(b, e, 3);
        run = i + 1;
    }
    return smz_strbuf_add(b, s + run, n - run);
}

smz_err smz_url_segment(smz_strbuf *b, const char *s, size_t n)
{
    return smz__url_add_escaped(b, s, n, 0);
}
