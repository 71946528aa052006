/* Terminal-safe text (see smz/util.h), on the project's one UTF-8 decoder. */
#include <stdio.h>
#include "text/term.h"
#include "text/utf8.h"

/* 1 for a code point that a terminal would obey rather than show. */
static int term_control(uint32_t cp)
{
    return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) || (cp >= 0x202a && cp <= 0x202e) ||
           (cp >= 0x2066 && cp <= 0x2069);
}

smz_err smz_term_escape(smz_strbuf *b, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        size_t run = i;
        uint32_t cp = 0;
        size_t k = 0;
        /* The longest run that prints as it is goes in one append. */
        while (run < n && (k = smz__utf8_next(p + run, n - run, &cp)) > 0 && cp != SMZ_UTF8_INVALID &&
               !term_control(cp))
            run += k;
        if (run > i)
            smz_strbuf_add(b, p + i, run - i);
        i = run;
        if (i >= n)
            break;
        if (cp == SMZ_UTF8_INVALID || cp < 0x80)
            smz_strbuf_addf(b, "\\x%02X", p[i]);
        else
            smz_strbuf_addf(b, "\\u{%04X}", (unsigned)cp);
        i += k;
    }
    return smz_strbuf_err(b);
}

int smz_term_safe(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        i += smz__utf8_next(p + i, n - i, &cp);
        if (cp == SMZ_UTF8_INVALID || term_control(cp))
            return 0;
    }
    return 1;
}
