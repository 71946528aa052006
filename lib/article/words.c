/* Words, lines and sentences of article text.  smz__art_sanitize makes any
 * bytes valid UTF-8 without NUL or control characters other than '\n' and
 * '\t'; every other function here reads text that went through it, so it
 * may step through characters without decoding them.  White space here is
 * the article's own set (ASCII blanks, no-break, the U+2000 spaces,
 * ideographic space and a stray BOM), which the page layout was built on.
 *
 * The bottom layer of lib/article: it uses lib/text (utf8.h, ascii.h) and
 * smz_strbuf, and nothing else of lib/article. */
#include <string.h>
#include "article/article_priv.h"
#include "text/ascii.h"
#include "text/utf8.h"

static const char REPLACEMENT[] = "\xEF\xBF\xBD";

/* Copies IN to OUT as valid UTF-8: a leading BOM is dropped, CR LF and CR
 * become LF, form feed and vertical tab LF, other control characters,
 * noncharacters U+FFFE/U+FFFF and invalid sequences U+FFFD. */
smz_err smz__art_sanitize(const char *in, size_t len, smz_strbuf *out)
{
    const unsigned char *p = (const unsigned char *)in;
    size_t i = 0;
    if (len >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
        i = 3;
    size_t run = i;
    while (i < len) {
        unsigned c = p[i];
        if (c >= 0x20 && c < 0x7F) {
            i++;
            continue;
        }
        smz_strbuf_add(out, in + run, i - run);
        if (c == '\n' || c == '\t') {
            smz_strbuf_add(out, in + i, 1);
            i++;
        } else if (c == '\r') {
            smz_strbuf_add(out, "\n", 1);
            i += (i + 1 < len && p[i + 1] == '\n') ? 2 : 1;
        } else if (c == '\f' || c == '\v') {
            smz_strbuf_add(out, "\n", 1);
            i++;
        } else if (c < 0x80) {
            smz_strbuf_adds(out, REPLACEMENT);
            i++;
        } else {
            uint32_t cp;
            size_t k = smz__utf8_next(p + i, len - i, &cp);
            if (cp == SMZ_UTF8_INVALID || cp < 0xA0 || cp == 0xFFFE || cp == 0xFFFF)
                smz_strbuf_adds(out, REPLACEMENT);
            else
                smz_strbuf_add(out, in + i, k);
            i += k;
        }
        run = i;
    }
    return smz_strbuf_add(out, in + run, len - run);
}

/* Bytes of the white space character at S (N > 0 bytes left), else 0. */
size_t smz__art_space_at(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    if (u[0] == ' ' || u[0] == '\t' || u[0] == '\n')
        return 1;
    if (u[0] == 0xC2 && n >= 2 && u[1] == 0xA0)
        return 2; /* no-break space */
    if (n >= 3 && u[0] == 0xE2 && u[1] == 0x80 && ((u[2] >= 0x80 && u[2] <= 0x8A) || u[2] == 0xAF))
        return 3; /* U+2000..U+200A, U+202F */
    if (n >= 3 && u[0] == 0xE2 && u[1] == 0x81 && u[2] == 0x9F)
        return 3; /* U+205F */
    if (n >= 3 && u[0] == 0xE3 && u[1] == 0x80 && u[2] == 0x80)
        return 3; /* ideographic space */
    if (n >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF)
        return 3; /* zero width no-break space */
    return 0;
}

/* Bytes of the white space character that ends the N bytes at S, else 0. */
static size_t ws_before(const char *s, size_t n)
{
    for (size_t k = 1; k <= 3 && k <= n; k++)
        if (smz__art_space_at(s + n - k, k) == k)
            return k;
    return 0;
}

void smz__art_trim(const char **s, size_t *n)
{
    size_t k;
    while (*n && (k = smz__art_space_at(*s, *n)) != 0) {
        *s += k;
        *n -= k;
    }
    while (*n && (k = ws_before(*s, *n)) != 0)
        *n -= k;
}

size_t smz__art_word_count(const char *s, size_t n)
{
    size_t words = 0;
    int in = 0;
    for (size_t i = 0; i < n;) {
        size_t k = smz__art_space_at(s + i, n - i);
        if (k) {
            in = 0;
            i += k;
        } else {
            words += !in;
            in = 1;
            i++;
        }
    }
    return words;
}

/* Appends S with runs of white space folded into one space, trimmed. */
smz_err smz__art_add_collapsed(smz_strbuf *b, const char *s, size_t n)
{
    smz__art_trim(&s, &n);
    size_t run = 0;
    for (size_t i = 0; i < n;) {
        size_t k = smz__art_space_at(s + i, n - i);
        if (!k) {
            i++;
            continue;
        }
        smz_strbuf_add(b, s + run, i - run);
        smz_strbuf_add(b, " ", 1);
        while (i < n && (k = smz__art_space_at(s + i, n - i)) != 0)
            i += k;
        run = i;
    }
    return smz_strbuf_add(b, s + run, n - run);
}

/* 1 when A and B are the same text once white space runs are folded (and,
 * with FOLD, ASCII case ignored). */
int smz__art_same_text(const char *a, size_t an, const char *b, size_t bn, int fold)
{
    smz__art_trim(&a, &an);
    smz__art_trim(&b, &bn);
    size_t i = 0, j = 0;
    while (i < an && j < bn) {
        size_t ka = smz__art_space_at(a + i, an - i), kb = smz__art_space_at(b + j, bn - j);
        if (ka || kb) {
            if (!ka || !kb)
                return 0;
            while (i < an && (ka = smz__art_space_at(a + i, an - i)) != 0)
                i += ka;
            while (j < bn && (kb = smz__art_space_at(b + j, bn - j)) != 0)
                j += kb;
            continue;
        }
        unsigned char ca = (unsigned char)a[i], cb = (unsigned char)b[j];
        if (fold) {
            ca = (unsigned char)smz_ascii_lower(ca);
            cb = (unsigned char)smz_ascii_lower(cb);
        }
        if (ca != cb)
            return 0;
        i++;
        j++;
    }
    return i == an && j == bn;
}

int smz__art_contains(const char *s, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= n; i++)
        if (!memcmp(s + i, needle, k))
            return 1;
    return 0;
}

int smz__art_any_prefix_ci(const char *s, size_t n, const char *const *list)
{
    for (size_t i = 0; list[i]; i++)
        if (smz__ascii_prefix_ci(s, n, list[i]))
            return 1;
    return 0;
}

int smz__art_any_equal_ci(const char *s, size_t n, const char *const *list)
{
    for (size_t i = 0; list[i]; i++)
        if (smz__ascii_equal_ci(s, n, list[i]))
            return 1;
    return 0;
}

/* 1 when the text ends like a sentence or a clause that continues. */
int smz__art_ends_with_stop(const char *s, size_t n, const char *stops)
{
    if (!n)
        return 0;
    size_t i = smz__utf8_last(s, n);
    if (n - i == 1)
        return strchr(stops, s[i]) != NULL;
    /* Full-width and ideographic full stop, comma, colon, semicolon. */
    return (n - i == 3 && (!memcmp(s + i, "\xE3\x80\x82", 3) || !memcmp(s + i, "\xEF\xBC\x8C", 3) ||
                           !memcmp(s + i, "\xEF\xBC\x9A", 3) || !memcmp(s + i, "\xEF\xBC\x9B", 3) ||
                           !memcmp(s + i, "\xE3\x80\x81", 3)));
}

/* 1 when S ends a sentence, perhaps inside closing quotes or brackets. */
int smz__art_ends_sentence(const char *s, size_t n)
{
    for (;;) {
        size_t k = 0;
        for (size_t w = 1; w <= 3 && w <= n; w++)
            if (smz__art_closing_at(s + n - w, w) == w)
                k = w;
        if (!k)
            break;
        n -= k;
    }
    return smz__art_ends_with_stop(s, n, ".!?") || (n >= 3 && !memcmp(s + n - 3, SMZ__ART_ELLIPSIS, 3));
}

/* Sanitizes S (any bytes, may be NULL) into B as one trimmed line with
 * white space folded, at most MAX bytes (cut at a character). */
smz_err smz__art_clean_line(smz_strbuf *b, const char *s, size_t max)
{
    smz_strbuf raw;
    smz_strbuf_init(&raw, max * 6 + 16);
    smz_strbuf_reset(b);
    if (!s)
        return smz_strbuf_add(b, "", 0);
    /* Twice MAX is plenty for MAX bytes once white space is folded. */
    size_t n = smz__utf8_cut(s, strlen(s), max * 2);
    smz_err rc = smz__art_sanitize(s, n, &raw);
    if (!rc)
        rc = smz__art_add_collapsed(b, smz_strbuf_str(&raw), smz_strbuf_len(&raw));
    if (!rc)
        smz_strbuf_truncate(b, smz__utf8_cut(smz_strbuf_str(b), smz_strbuf_len(b), max));
    smz_strbuf_free(&raw);
    return rc;
}

size_t smz__art_closing_at(const char *s, size_t n)
{
    if (n && strchr("\"')]", s[0]))
        return 1;
    if (smz__ascii_prefix_ci(s, n, "\xE2\x80\x99") || smz__ascii_prefix_ci(s, n, "\xE2\x80\x9D") ||
        smz__ascii_prefix_ci(s, n, "\xC2\xBB"))
        return smz__ascii_prefix_ci(s, n, "\xC2\xBB") ? 2 : 3;
    return 0;
}

/* Reads 1..MAXD digits at S[*I]; -1 when there are none or too many. */
int smz__art_read_num(const char *s, size_t n, size_t *i, int maxd)
{
    int v = 0, d = 0;
    while (*i < n && smz_ascii_digit((unsigned char)s[*i])) {
        if (++d > maxd)
            return -1;
        v = v * 10 + (s[*i] - '0');
        (*i)++;
    }
    return d ? v : -1;
}

void smz__art_skip_spaces(const char *s, size_t n, size_t *i)
{
    while (*i < n && (s[*i] == ' ' || s[*i] == '\t'))
        (*i)++;
}

/* Appends the words of S that fit in MAX characters, and an ellipsis when
 * something was cut. */
smz_err smz__art_add_cut_words(smz_strbuf *b, const char *s, size_t n, size_t max)
{
    smz_strbuf tmp;
    smz_strbuf_init(&tmp, n + 1);
    smz_err rc = smz__art_add_collapsed(&tmp, s, n);
    if (rc)
        goto out;
    const char *t = smz_strbuf_str(&tmp);
    size_t tn = smz_strbuf_len(&tmp);
    if (smz__utf8_count(t, tn) <= max) {
        rc = smz_strbuf_add(b, t, tn);
        goto out;
    }
    size_t lim = smz__utf8_offset(t, tn, max), cut = 0;
    for (size_t i = lim; i > 0; i--)
        if (t[i] == ' ') {
            cut = i;
            break;
        }
    if (cut < lim / 2)
        cut = lim; /* no spaces: a script without them, or one long word */
    while (cut && strchr(" ,;:-", t[cut - 1]))
        cut--;
    smz_strbuf_add(b, t, cut);
    rc = smz_strbuf_adds(b, SMZ__ART_ELLIPSIS);
out:
    smz_strbuf_free(&tmp);
    return rc;
}

/* The length of the http(s) URL at the start of S, without trailing
 * sentence punctuation, or 0.  Only http and https: a link out of the
 * archive must never be javascript:, data: or file:.  A URL holds no
 * white space, quote, angle bracket, backslash or backtick (the page
 * HTML-escapes it anyway); it needs a host. */
size_t smz__art_http_url(const char *s, size_t n)
{
    size_t i;
    if (smz__ascii_prefix_ci(s, n, "https://"))
        i = 8;
    else if (smz__ascii_prefix_ci(s, n, "http://"))
        i = 7;
    else
        return 0;
    size_t host = i;
    while (i < n && !smz__art_space_at(s + i, n - i) && !strchr("\"'<>\\`", s[i]) && i < 2048)
        i++;
    if (i < n && !smz__art_space_at(s + i, n - i) && i == 2048)
        return 0;
    while (i > host && strchr(".,;:!?)", s[i - 1]))
        i--;
    if (i == host || s[host] == '/' || s[host] == '.')
        return 0;
    return i;
}
