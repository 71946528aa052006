/* The JSON string quoter, smz_json_str (declared and described in
 * smz/util.h).  Runs of bytes that need nothing are copied in one append;
 * only quotes, backslashes, controls and invalid UTF-8 stop a run. */
#include "smz/util.h"
#include "text/utf8.h"

smz_err smz_json_str(smz_strbuf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    size_t run = 0; /* start of the bytes not yet copied */
    smz_strbuf_add(b, "\"", 1);
    for (size_t i = 0; i < n;) {
        unsigned c = p[i];
        if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
            i++;
            continue;
        }
        uint32_t cp = c;
        size_t k = 1;
        if (c >= 0x80) {
            k = smz__utf8_next(p + i, n - i, &cp);
            if (cp != SMZ_UTF8_INVALID) {
                i += k;
                continue;
            }
        }
        smz_strbuf_add(b, p + run, i - run);
        switch (c) {
        case '"': smz_strbuf_add(b, "\\\"", 2); break;
        case '\\': smz_strbuf_add(b, "\\\\", 2); break;
        case '\b': smz_strbuf_add(b, "\\b", 2); break;
        case '\t': smz_strbuf_add(b, "\\t", 2); break;
        case '\n': smz_strbuf_add(b, "\\n", 2); break;
        case '\f': smz_strbuf_add(b, "\\f", 2); break;
        case '\r': smz_strbuf_add(b, "\\r", 2); break;
        default:
            if (c < 0x20) {
                char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
                smz_strbuf_add(b, u, sizeof u);
            } else {
                smz_strbuf_add(b, "\xEF\xBF\xBD", 3); /* an invalid byte */
            }
        }
        i += k;
        run = i;
    }
    smz_strbuf_add(b, p + run, n - run);
    return smz_strbuf_add(b, "\"", 1);
}
