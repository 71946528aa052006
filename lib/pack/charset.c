/* Finding a text entry's charset (see charset.h).  The order is the HTML
 * standard's ("determining the character encoding"): byte order mark,
 * transport layer, the document's prescan, then a guess; so the charset
 * recorded, which `smz serve` sends in Content-Type, makes a browser read
 * the page as it read it on the site.  The guess is uchardet's (Debian
 * libuchardet), used by the packer only: readers take the recorded name. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uchardet/uchardet.h>
#include "charset.h"
#include "smz/util.h"
#include "text/ascii.h"
#include "text/charset.h"

#define PRESCAN_MAX 8192    /* bytes of a page searched for its declaration */
#define GUESS_MAX (1 << 20) /* bytes uchardet reads */

int smz__pack_is_text(const char *mime)
{
    return mime && (smz__ascii_prefix_ci(mime, strlen(mime), "text/") ||
                    smz__mime_is(mime, "application/xhtml+xml"));
}

static const char *bom(const unsigned char *d, size_t n)
{
    if (n >= 3 && d[0] == 0xEF && d[1] == 0xBB && d[2] == 0xBF)
        return "utf-8";
    if (n >= 2 && d[0] == 0xFF && d[1] == 0xFE)
        return "utf-16le";
    if (n >= 2 && d[0] == 0xFE && d[1] == 0xFF)
        return "utf-16be";
    return NULL;
}

static int space(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* The charset named after "charset" in the LEN bytes at S (a Content-Type
 * value, as in http-equiv's content), or NULL. */
static const char *from_content(const char *s, size_t len)
{
    for (size_t i = 0; i + 7 <= len; i++) {
        if (!smz__ascii_prefix_ci(s + i, len - i, "charset"))
            continue;
        size_t j = i + 7;
        while (j < len && space((unsigned char)s[j]))
            j++;
        if (j >= len || s[j] != '=')
            continue;
        j++;
        while (j < len && space((unsigned char)s[j]))
            j++;
        char q = j < len && (s[j] == '"' || s[j] == '\'') ? s[j++] : 0;
        size_t k = j;
        while (k < len && (q ? s[k] != q : !space((unsigned char)s[k]) && s[k] != ';'))
            k++;
        return smz__charset_canon(s + j, k - j);
    }
    return NULL;
}

/* One attribute of a tag at D[*I..N): its name and value ranges; 0 at the
 * tag's end.  As the HTML standard's "get an attribute", simplified. */
static int attribute(const char *d, size_t n, size_t *i, size_t nv[4])
{
    size_t p = *i;
    while (p < n && (space((unsigned char)d[p]) || d[p] == '/'))
        p++;
    if (p >= n || d[p] == '>')
        return 0;
    nv[0] = p;
    while (p < n && !space((unsigned char)d[p]) && d[p] != '=' && d[p] != '>' && d[p] != '/')
        p++;
    nv[1] = p;
    nv[2] = nv[3] = p;
    while (p < n && space((unsigned char)d[p]))
        p++;
    if (p < n && d[p] == '=') {
        p++;
        while (p < n && space((unsigned char)d[p]))
            p++;
        if (p < n && (d[p] == '"' || d[p] == '\'')) {
            char q = d[p++];
            nv[2] = p;
            while (p < n && d[p] != q)
                p++;
            nv[3] = p;
            if (p < n)
                p++;
        } else {
            nv[2] = p;
            while (p < n && !space((unsigned char)d[p]) && d[p] != '>')
                p++;
            nv[3] = p;
        }
    }
    *i = p;
    return 1;
}

/* The charset a page's <meta> declares in its first PRESCAN_MAX bytes, or
 * NULL: the standard's prescan, without its handling of other tags beyond
 * skipping comments. */
static const char *prescan(const char *d, size_t n)
{
    if (n > PRESCAN_MAX)
        n = PRESCAN_MAX;
    for (size_t i = 0; i < n; i++) {
        if (d[i] != '<')
            continue;
        if (smz__ascii_prefix_ci(d + i, n - i, "<!--")) {
            const char *end = memmem(d + i + 4, n - i - 4, "-->", 3);
            if (!end)
                return NULL;
            i = (size_t)(end - d) + 2;
            continue;
        }
        if (!smz__ascii_prefix_ci(d + i, n - i, "<meta") || i + 5 >= n ||
            !(space((unsigned char)d[i + 5]) || d[i + 5] == '/'))
            continue;
        size_t p = i + 5, nv[4];
        const char *cs = NULL, *content_cs = NULL;
        int pragma = 0;
        while (attribute(d, n, &p, nv)) {
            const char *name = d + nv[0], *val = d + nv[2];
            size_t nl = nv[1] - nv[0], vl = nv[3] - nv[2];
            if (smz__ascii_equal_ci(name, nl, "charset") && !cs)
                cs = smz__charset_canon(val, vl);
            else if (smz__ascii_equal_ci(name, nl, "http-equiv"))
                pragma |= smz__ascii_equal_ci(val, vl, "content-type");
            else if (smz__ascii_equal_ci(name, nl, "content") && !content_cs)
                content_cs = from_content(val, vl);
        }
        if (!cs && pragma)
            cs = content_cs;
        /* A page that says UTF-16 without a byte order mark is not
         * UTF-16 (its ASCII declaration was read): UTF-8, as browsers do. */
        if (cs && !strncmp(cs, "utf-16", 6))
            cs = "utf-8";
        if (cs)
            return cs;
        i = p;
    }
    return NULL;
}

/* The encoding of an XML declaration at the start of D, or NULL. */
static const char *xml_decl(const char *d, size_t n)
{
    if (n < 6 || memcmp(d, "<?xml", 5) || !space((unsigned char)d[5]))
        return NULL;
    const char *end = memmem(d, n < 1024 ? n : 1024, "?>", 2);
    if (!end)
        return NULL;
    size_t p = 5, nv[4], stop = (size_t)(end - d);
    while (p < stop && attribute(d, stop, &p, nv))
        if (smz__ascii_equal_ci(d + nv[0], nv[1] - nv[0], "encoding"))
            return smz__charset_canon(d + nv[2], nv[3] - nv[2]);
    return NULL;
}

/* CSS's @charset "NAME"; at the very start, or NULL. */
static const char *css_charset(const char *d, size_t n)
{
    if (n < 12 || memcmp(d, "@charset \"", 10))
        return NULL;
    const char *q = memchr(d + 10, '"', n - 10 < 64 ? n - 10 : 64);
    return q ? smz__charset_canon(d + 10, (size_t)(q - d - 10)) : NULL;
}

static const char *guess(const unsigned char *data, size_t len)
{
    const char *cs = NULL;
    uchardet_t u = uchardet_new();
    if (!u)
        return "windows-1252";
    if (!uchardet_handle_data(u, (const char *)data, len < GUESS_MAX ? len : GUESS_MAX)) {
        uchardet_data_end(u);
        const char *name = uchardet_get_charset(u);
        cs = name ? smz__charset_canon(name, strlen(name)) : NULL;
    }
    uchardet_delete(u);
    return cs ? cs : "windows-1252";
}

const char *smz__pack_charset(const char *mime, const char *given, const unsigned char *data, size_t len)
{
    const char *d = (const char *)data, *cs;
    if (!data)
        len = 0;
    if ((cs = bom(data, len)) || (given && (cs = smz__charset_canon(given, strlen(given)))))
        return cs;
    if ((smz__mime_is(mime, "text/html") || smz__mime_is(mime, "application/xhtml+xml")) &&
        (cs = prescan(d, len)))
        return cs;
    if ((cs = xml_decl(d, len)) || (smz__mime_is(mime, "text/css") && (cs = css_charset(d, len))))
        return cs;
    if (smz_utf8_valid(d, len))
        return "utf-8";
    return guess(data, len);
}

smz_err smz__pack_mime_with_charset(const char *mime, const char *cs, char **out)
{
    int n = (int)strcspn(mime, "; \t");
    *out = NULL;
    if ((cs ? asprintf(out, "%.*s; charset=%s", n, mime, cs) : asprintf(out, "%.*s", n, mime)) < 0) {
        *out = NULL;
        return SMZ_E_NOMEM;
    }
    return SMZ_OK;
}
