/* Strict UTF-8 (see utf8.h): the decoder follows the well-formed byte
 * sequences table of the Unicode standard (chapter 3, table 3-7), so the
 * same bytes are judged the same way wherever the project reads text. */
#include "text/utf8.h"

size_t smz__utf8_next(const unsigned char *s, size_t len, uint32_t *cp)
{
    if (len == 0) {
        *cp = SMZ_UTF8_INVALID;
        return 0;
    }
    unsigned c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t n;
    uint32_t v;
    unsigned lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        v = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        v = c & 0x0F;
        if (c == 0xE0)
            lo = 0xA0; /* overlong */
        else if (c == 0xED)
            hi = 0x9F; /* surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        v = c & 0x07;
        if (c == 0xF0)
            lo = 0x90; /* overlong */
        else if (c == 0xF4)
            hi = 0x8F; /* past U+10FFFF */
    } else {
        *cp = SMZ_UTF8_INVALID;
        return 1;
    }
    if (len < n || s[1] < lo || s[1] > hi) {
        *cp = SMZ_UTF8_INVALID;
        return 1;
    }
    v = (v << 6) | (s[1] & 0x3Fu);
    for (size_t i = 2; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *cp = SMZ_UTF8_INVALID;
            return 1;
        }
        v = (v << 6) | (s[i] & 0x3Fu);
    }
    *cp = v;
    return n;
}

size_t smz__utf8_put(uint32_t cp, char out[4])
{
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        cp = 0xFFFD;
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

int smz_utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        i += smz__utf8_next(p + i, len - i, &cp);
        if (cp == SMZ_UTF8_INVALID)
            return 0;
    }
    return 1;
}

size_t smz__utf8_cut(const char *s, size_t len, size_t max)
{
    if (len <= max)
        return len;
    size_t n = max;
    /* Back up over at most three continuation bytes to a character start. */
    for (int k = 0; k < 3 && n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80; k++)
        n--;
    return n;
}

smz_err smz_utf8_add_repaired(smz_strbuf *b, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, start = 0;
    while (i < n) {
        uint32_t cp;
        size_t k = smz__utf8_next(p + i, n - i, &cp);
        if (cp == SMZ_UTF8_INVALID) {
            smz_strbuf_add(b, p + start, i - start);
            smz_strbuf_add(b, "\xEF\xBF\xBD", 3);
            start = i + k;
        }
        i += k;
    }
    return smz_strbuf_add(b, p + start, n - start);
}

size_t smz__utf8_count(const char *s, size_t len)
{
    size_t c = 0;
    for (size_t i = 0; i < len; i++)
        c += ((unsigned char)s[i] & 0xC0) != 0x80;
    return c;
}

size_t smz__utf8_offset(const char *s, size_t len, size_t max)
{
    size_t c = 0;
    for (size_t i = 0; i < len; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80 && c++ == max)
            return i;
    return len;
}

size_t smz__utf8_last(const char *s, size_t len)
{
    size_t i = len - 1;
    while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80)
        i--;
    return i;
}
