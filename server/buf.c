/* The server's output buffer and its escapers.  Every string that reaches a
 * page comes from a request or an archive, so none is trusted: HTML/XML
 * escaping also repairs invalid UTF-8 and drops characters XML forbids, so
 * that a hostile title can neither break out of its context nor make the
 * OPDS feed ill-formed. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "srv.h"

void hb_init(hb *b, size_t max)
{
    memset(b, 0, sizeof *b);
    b->max = max;
}

void hb_free(hb *b)
{
    free(b->p);
    memset(b, 0, sizeof *b);
}

static int grow(hb *b, size_t add)
{
    if (b->err)
        return 0;
    if (add > b->max || b->n > b->max - add) {
        b->err = 1;
        return 0;
    }
    size_t need = b->n + add + 1;
    if (need <= b->cap)
        return 1;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap = cap > ((size_t)-1) / 2 ? need : cap * 2;
    char *p = realloc(b->p, cap);
    if (!p) {
        b->err = 1;
        return 0;
    }
    b->p = p;
    b->cap = cap;
    return 1;
}

void hb_reserve(hb *b, size_t n)
{
    (void)grow(b, n);
}

char *hb_room(hb *b, size_t n)
{
    if (!grow(b, n))
        return NULL;
    char *at = b->p + b->n;
    b->n += n;
    b->p[b->n] = 0;
    return at;
}

void hb_put(hb *b, const void *s, size_t n)
{
    if (!n || !grow(b, n))
        return;
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = 0;
}

void hb_puts(hb *b, const char *s)
{
    hb_put(b, s, strlen(s));
}

void hb_printf(hb *b, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->err = 1;
        return;
    }
    if ((size_t)n < sizeof small) {
        hb_put(b, small, (size_t)n);
        return;
    }
    if (!grow(b, (size_t)n))
        return;
    va_start(ap, fmt);
    int m = vsnprintf(b->p + b->n, (size_t)n + 1, fmt, ap);
    va_end(ap);
    if (m != n) {
        b->err = 1;
        return;
    }
    b->n += (size_t)n;
}

const char *hb_str(hb *b)
{
    return b->p && !b->err ? b->p : "";
}

/* Decodes one UTF-8 character of S (N bytes left, N >= 1).  Invalid or
 * overlong sequences, surrogates and values over U+10FFFF give U+FFFD and
 * consume one byte. */
static size_t utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned c = s[0];
    size_t len;
    uint32_t v, min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if (c >= 0xC2 && c <= 0xDF) {
        len = 2, v = c & 0x1F, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3, v = c & 0x0F, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4, v = c & 0x07, min = 0x10000;
    } else {
        *cp = 0xFFFD;
        return 1;
    }
    if (n < len) {
        *cp = 0xFFFD;
        return 1;
    }
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *cp = 0xFFFD;
            return 1;
        }
        v = (v << 6) | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
        *cp = 0xFFFD;
        return 1;
    }
    *cp = v;
    return len;
}

/* Characters that must not appear in text we emit: C0 controls but tab,
 * newline and carriage return; DEL and C1 controls; XML non-characters. */
static int forbidden(uint32_t c)
{
    return (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || (c >= 0x7F && c <= 0x9F) ||
           c == 0xFFFE || c == 0xFFFF;
}

static void put_cp(hb *b, uint32_t c)
{
    char u[4];
    size_t n;
    if (c < 0x80)
        u[0] = (char)c, n = 1;
    else if (c < 0x800)
        u[0] = (char)(0xC0 | (c >> 6)), u[1] = (char)(0x80 | (c & 0x3F)), n = 2;
    else if (c < 0x10000)
        u[0] = (char)(0xE0 | (c >> 12)), u[1] = (char)(0x80 | ((c >> 6) & 0x3F)),
        u[2] = (char)(0x80 | (c & 0x3F)), n = 3;
    else
        u[0] = (char)(0xF0 | (c >> 18)), u[1] = (char)(0x80 | ((c >> 12) & 0x3F)),
        u[2] = (char)(0x80 | ((c >> 6) & 0x3F)), u[3] = (char)(0x80 | (c & 0x3F)), n = 4;
    hb_put(b, u, n);
}

static void html(hb *b, const char *str, int ascii)
{
    const unsigned char *s = (const unsigned char *)(str ? str : "");
    size_t n = strlen((const char *)s);
    while (n) {
        /* Copy the longest run that needs nothing. */
        size_t run = 0;
        while (run < n && s[run] >= 0x20 && s[run] < 0x7F && s[run] != '&' && s[run] != '<' &&
               s[run] != '>' && s[run] != '"' && s[run] != '\'')
            run++;
        hb_put(b, s, run);
        s += run, n -= run;
        if (!n)
            break;
        uint32_t c;
        size_t k = utf8_next(s, n, &c);
        s += k, n -= k;
        if (forbidden(c))
            c = 0xFFFD;
        switch (c) {
        case '&': hb_puts(b, "&amp;"); break;
        case '<': hb_puts(b, "&lt;"); break;
        case '>': hb_puts(b, "&gt;"); break;
        case '"': hb_puts(b, "&quot;"); break;
        case '\'': hb_puts(b, "&#39;"); break;
        default:
            if (c >= 0x80 && ascii)
                hb_printf(b, "&#x%X;", (unsigned)c);
            else
                put_cp(b, c);
        }
    }
}

void hb_html(hb *b, const char *s)
{
    html(b, s, 0);
}

void hb_html_ascii(hb *b, const char *s)
{
    html(b, s, 1);
}

void hb_utf8(hb *b, const char *str)
{
    const unsigned char *s = (const unsigned char *)(str ? str : "");
    size_t n = strlen((const char *)s);
    while (n) {
        uint32_t c;
        size_t k = utf8_next(s, n, &c);
        if (forbidden(c) || c == '\r')
            c = 0xFFFD;
        if (c == 0xFFFD || k > 1)
            put_cp(b, c);
        else
            hb_put(b, s, 1);
        s += k, n -= k;
    }
}

void hb_url(hb *b, const char *str, int slash)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *s = (const unsigned char *)str; *s; s++) {
        unsigned c = *s;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
            c == '.' || c == '_' || c == '~' || (slash && c == '/')) {
            char ch = (char)c;
            hb_put(b, &ch, 1);
        } else {
            char e[3] = {'%', hex[c >> 4], hex[c & 15]};
            hb_put(b, e, 3);
        }
    }
}

/* The search library promises HTML-safe snippets with <b> marks; this keeps
 * exactly that and escapes anything else, so a bug there cannot become an
 * injection here. */
void hb_snippet(hb *b, const char *s)
{
    hb clean;
    hb_init(&clean, b->max);
    hb_utf8(&clean, s);
    const char *p = hb_str(&clean);
    while (*p) {
        if (!strncmp(p, "<b>", 3) || !strncmp(p, "</b>", 4)) {
            size_t k = p[1] == '/' ? 4 : 3;
            hb_put(b, p, k);
            p += k;
        } else if (*p == '&') {
            size_t k = 1;
            while (k < 12 && ((p[k] >= 'a' && p[k] <= 'z') || (p[k] >= 'A' && p[k] <= 'Z') ||
                              (p[k] >= '0' && p[k] <= '9') || (k == 1 && p[k] == '#')))
                k++;
            if (k > 1 && p[k] == ';') {
                hb_put(b, p, k + 1);
                p += k + 1;
            } else {
                hb_puts(b, "&amp;");
                p++;
            }
        } else if (*p == '<' || *p == '>' || *p == '"' || *p == '\'') {
            hb_puts(b, *p == '<' ? "&lt;" : *p == '>' ? "&gt;" : *p == '"' ? "&quot;" : "&#39;");
            p++;
        } else {
            size_t k = strcspn(p, "<>&\"'");
            hb_put(b, p, k);
            p += k;
        }
    }
    if (clean.err)
        b->err = 1;
    hb_free(&clean);
}
