/* Escaping for HTML and XML, the one home of it (see escape.h): exact
 * escaping of text known to be valid (the article renderer), and the
 * cleaning escapers for text from an archive or a request (the server).
 * The UTF-8 decoding and encoding are utf8.c's, so that bytes are judged
 * as the rest of the program judges them. */
#include <string.h>
#include "text/escape.h"
#include "text/utf8.h"

smz_err smz__html_add(smz_strbuf *b, const char *s, size_t n)
{
    size_t run = 0; /* start of the bytes not yet copied */
    for (size_t i = 0; i < n; i++) {
        const char *ent;
        switch (s[i]) {
        case '&': ent = "&amp;"; break;
        case '<': ent = "&lt;"; break;
        case '>': ent = "&gt;"; break;
        case '"': ent = "&quot;"; break;
        case '\'': ent = "&#39;"; break;
        default: continue;
        }
        smz_err rc = smz_strbuf_add(b, s + run, i - run);
        if (!rc)
            rc = smz_strbuf_adds(b, ent);
        if (rc)
            return rc;
        run = i + 1;
    }
    return smz_strbuf_add(b, s + run, n - run);
}

/* The code point at S (N >= 1 bytes left) into *CP, and its length: an
 * invalid byte is U+FFFD, one byte long (lib/text/utf8 judges). */
static size_t next_cp(const unsigned char *s, size_t n, uint32_t *cp)
{
    size_t k = smz__utf8_next(s, n, cp);
    if (*cp == SMZ_UTF8_INVALID)
        *cp = 0xFFFD;
    return k;
}

/* Characters that must not appear in text we emit: C0 controls but tab,
 * newline and carriage return; DEL and C1 controls; XML non-characters. */
static int forbidden(uint32_t c)
{
    return (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || (c >= 0x7F && c <= 0x9F) ||
           c == 0xFFFE || c == 0xFFFF;
}

static void put_cp(smz_strbuf *b, uint32_t c)
{
    char u[4];
    smz_strbuf_add(b, u, smz__utf8_put(c, u));
}

static void html(smz_strbuf *b, const char *str, int ascii)
{
    const unsigned char *s = (const unsigned char *)(str ? str : "");
    size_t n = strlen((const char *)s);
    while (n) {
        /* Copy the longest run that needs nothing. */
        size_t run = 0;
        while (run < n && s[run] >= 0x20 && s[run] < 0x7F && s[run] != '&' && s[run] != '<' &&
               s[run] != '>' && s[run] != '"' && s[run] != '\'')
            run++;
        smz_strbuf_add(b, s, run);
        s += run, n -= run;
        if (!n)
            break;
        uint32_t c;
        size_t k = next_cp(s, n, &c);
        s += k, n -= k;
        if (forbidden(c))
            c = 0xFFFD;
        switch (c) {
        case '&': smz_strbuf_adds(b, "&amp;"); break;
        case '<': smz_strbuf_adds(b, "&lt;"); break;
        case '>': smz_strbuf_adds(b, "&gt;"); break;
        case '"': smz_strbuf_adds(b, "&quot;"); break;
        case '\'': smz_strbuf_adds(b, "&#39;"); break;
        default:
            if (c >= 0x80 && ascii)
                smz_strbuf_addf(b, "&#x%X;", (unsigned)c);
            else
                put_cp(b, c);
        }
    }
}

void smz__html_add_clean(smz_strbuf *b, const char *s)
{
    html(b, s, 0);
}

smz_err smz_xml_str(smz_strbuf *b, const char *s)
{
    html(b, s, 0);
    return smz_strbuf_err(b);
}

void smz__html_add_ascii(smz_strbuf *b, const char *s)
{
    html(b, s, 1);
}

void smz__utf8_add_clean(smz_strbuf *b, const char *str)
{
    const unsigned char *s = (const unsigned char *)(str ? str : "");
    size_t n = strlen((const char *)s);
    while (n) {
        uint32_t c;
        size_t k = next_cp(s, n, &c);
        if (forbidden(c) || c == '\r')
            c = 0xFFFD;
        if (c == 0xFFFD || k > 1)
            put_cp(b, c);
        else
            smz_strbuf_add(b, s, 1);
        s += k, n -= k;
    }
}

/* The search library promises HTML-safe snippets with <b> marks; this keeps
 * exactly that and escapes anything else, so a bug there cannot become an
 * injection here. */
void smz__html_add_snippet(smz_strbuf *b, const char *s)
{
    smz_strbuf clean;
    smz_strbuf_init(&clean, b->max);
    smz__utf8_add_clean(&clean, s);
    const char *p = smz_strbuf_str(&clean);
    while (*p) {
        if (!strncmp(p, "<b>", 3) || !strncmp(p, "</b>", 4)) {
            size_t k = p[1] == '/' ? 4 : 3;
            smz_strbuf_add(b, p, k);
            p += k;
        } else if (*p == '&') {
            size_t k = 1;
            while (k < 12 && ((p[k] >= 'a' && p[k] <= 'z') || (p[k] >= 'A' && p[k] <= 'Z') ||
                              (p[k] >= '0' && p[k] <= '9') || (k == 1 && p[k] == '#')))
                k++;
            if (k > 1 && p[k] == ';') {
                smz_strbuf_add(b, p, k + 1);
                p += k + 1;
            } else {
                smz_strbuf_adds(b, "&amp;");
                p++;
            }
        } else if (*p == '<' || *p == '>' || *p == '"' || *p == '\'') {
            smz_strbuf_adds(b, *p == '<' ? "&lt;" : *p == '>' ? "&gt;" : *p == '"' ? "&quot;" : "&#39;");
            p++;
        } else {
            size_t k = strcspn(p, "<>&\"'");
            smz_strbuf_add(b, p, k);
            p += k;
        }
    }
    if (smz_strbuf_err(&clean))
        smz_strbuf_fail(b, smz_strbuf_err(&clean));
    smz_strbuf_free(&clean);
}
