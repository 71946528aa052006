/* Articles (see article.h): .txt and .md files become self-contained HTML
 * pages with a human title, a date and clean search text, and a collection
 * without a main page gets a generated index.
 *
 * Plain text is read as a list of lines grouped in blank-line-separated
 * blocks.  Each line is classified once (paragraph text, photo caption,
 * byline, known boilerplate), then whole-document passes decide what only
 * context can tell: a repeated line is a caption, the footer after the last
 * real paragraph is boilerplate, the first line may be a headline, a short
 * line alone between paragraphs is a subheading.  The rules are general and
 * conservative: a line is only dropped when it matches a known pattern.
 *
 * Markdown is parsed and rendered by cmark in its default safe mode (raw
 * HTML becomes a comment, javascript:/vbscript:/file:/data: links are
 * emptied); images on other hosts become plain links so an archive page
 * never fetches anything from outside. */
#include <cmark.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "pack/article.h"
#include "text/date.h"
#include "text/lang.h"
#include "text/utf8.h"
#include "util/strbuf.h"

#define MAX_PAGE (256u << 20)          /* bytes of one generated page */
#define MAX_INDEX_ITEMS 1000000u
#define FM_MAX_LINES 200               /* front matter lines before we give up */
#define FM_MAX_BYTES (64u << 10)
#define TITLE_SOFT 125  /* characters: a whole sentence or clause up to this */
#define TITLE_HARD 100  /* characters: otherwise cut at a word before this */
#define TITLE_MIN_CLAUSE 75 /* a clause break before this loses too much */
#define HEADLINE_MAX 150
#define SUBHEAD_MAX 100
#define SUMMARY_MAX SMZ_ARTICLE_SUMMARY
#define SUMMARY_BYTES (8 * SUMMARY_MAX) /* text gathered for a summary */
#define DATE_SCAN_LINES 6 /* a dateline must be among the first lines */
#define DUP_TITLE_SCAN 8  /* a repeated headline among the first lines */

static const char ELLIPSIS[] = "\xE2\x80\xA6";
static const char REPLACEMENT[] = "\xEF\xBF\xBD";

/* Readable on a phone and a desktop, light and dark, with system fonts
 * only: nothing is fetched from outside the archive. */
static const char PAGE_CSS[] =
    ":root{color-scheme:light dark;--bg:#fbfaf7;--fg:#1d1f23;--muted:#5f6670;"
    "--rule:#dedad0;--link:#0b57d0;--accent:#9b2335}"
    "@media (prefers-color-scheme:dark){:root{--bg:#15171a;--fg:#e4e4e1;"
    "--muted:#9ca3ab;--rule:#33373d;--link:#8ab4f8;--accent:#e0707f}}"
    "*{box-sizing:border-box}"
    "html{-webkit-text-size-adjust:100%;text-size-adjust:100%}"
    "body{margin:0;background:var(--bg);color:var(--fg);"
    "font:1.125rem/1.7 Charter,\"Bitstream Charter\",\"Iowan Old Style\",Georgia,"
    "\"Noto Serif\",\"DejaVu Serif\",serif}"
    "main{max-width:42rem;margin:0 auto;padding:2.5rem 1.25rem 4rem}"
    "nav.home{font:.9rem/1.4 system-ui,-apple-system,\"Segoe UI\",Roboto,sans-serif;"
    "margin:0 0 1.5rem}"
    "h1,h2,h3,h4{font-family:system-ui,-apple-system,\"Segoe UI\",Roboto,"
    "\"Noto Sans\",sans-serif;line-height:1.25;overflow-wrap:break-word}"
    "h1{font-size:2rem;font-weight:750;letter-spacing:-.01em;margin:0 0 .6rem}"
    "h2{font-size:1.35rem;font-weight:700;margin:2.4rem 0 .7rem}"
    "h3{font-size:1.15rem;margin:2rem 0 .6rem}"
    "header~h1{font-size:1.6rem;margin:2.4rem 0 .7rem}" /* a Markdown body's own h1 */
    "header{border-bottom:1px solid var(--rule);margin:0 0 2rem;padding:0 0 1rem}"
    "header::before{content:\"\";display:block;width:3rem;height:.25rem;"
    "background:var(--accent);margin:0 0 1.25rem;border-radius:2px}"
    ".meta{font:.9rem/1.5 system-ui,-apple-system,\"Segoe UI\",Roboto,sans-serif;"
    "color:var(--muted);margin:0}"
    ".meta>*+*::before{content:\"\\00b7\";margin:0 .5em}"
    ".lede{font-size:1.15rem;color:var(--muted);margin:0 0 .75rem}"
    "p{margin:0 0 1.15em;overflow-wrap:break-word}"
    ".caption{font:italic .9rem/1.5 system-ui,-apple-system,\"Segoe UI\",Roboto,"
    "sans-serif;color:var(--muted);border-inline-start:3px solid var(--rule);"
    "padding:.1rem 0;padding-inline-start:.8rem}"
    ".byline{font:.9rem/1.5 system-ui,-apple-system,\"Segoe UI\",Roboto,sans-serif;"
    "color:var(--muted)}"
    "a{color:var(--link);text-underline-offset:.15em}"
    "blockquote{margin:1.5em 0;padding:0;padding-inline-start:1.1rem;"
    "border-inline-start:3px solid var(--rule);"
    "color:var(--muted)}"
    "code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,\"DejaVu Sans Mono\","
    "monospace;font-size:.88em}"
    "pre{overflow-x:auto;padding:.8rem 1rem;border-radius:6px;"
    "background:rgba(127,127,127,.12);line-height:1.5}"
    "img{max-width:100%;height:auto}"
    "table{border-collapse:collapse;display:block;overflow-x:auto;margin:0 0 1.2em}"
    "th,td{border:1px solid var(--rule);padding:.35rem .7rem;text-align:start}"
    "hr{border:0;border-top:1px solid var(--rule);margin:2.5rem 0}"
    "ul.index{list-style:none;margin:0;padding:0}"
    "ul.index li{padding:1.1rem 0;border-bottom:1px solid var(--rule)}"
    "ul.index li:first-child{padding-top:0}"
    "ul.index a{font:700 1.15rem/1.35 system-ui,-apple-system,\"Segoe UI\",Roboto,"
    "sans-serif;text-decoration:none}"
    "ul.index a:hover{text-decoration:underline}"
    "ul.index .meta{margin:.2rem 0 0}"
    "ul.index p{margin:.35rem 0 0;font-size:1rem;line-height:1.55}"
    "@media (max-width:32rem){body{font-size:1.0625rem}main{padding:1.5rem 1rem 3rem}"
    "h1{font-size:1.6rem}}"
    "@media print{body{background:#fff;color:#000}nav.home{display:none}}";

/* ---------------------------------------------------------------------
 * UTF-8 and white space helpers.  After sanitize() every byte string we
 * look at is valid UTF-8 without NUL or control characters other than
 * '\n' and '\t'. */

/* Copies IN to OUT as valid UTF-8: a leading BOM is dropped, CR LF and CR
 * become LF, form feed and vertical tab LF, other control characters,
 * noncharacters U+FFFE/U+FFFF and invalid sequences U+FFFD. */
static smz_err sanitize(const char *in, size_t len, smz_strbuf *out)
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
            size_t k = smz_utf8_next(p + i, len - i, &cp);
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
static size_t ws_at(const char *s, size_t n)
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
        if (ws_at(s + n - k, k) == k)
            return k;
    return 0;
}

static void trim(const char **s, size_t *n)
{
    size_t k;
    while (*n && (k = ws_at(*s, *n)) != 0) {
        *s += k;
        *n -= k;
    }
    while (*n && (k = ws_before(*s, *n)) != 0)
        *n -= k;
}

static size_t cp_count(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += ((unsigned char)s[i] & 0xC0) != 0x80;
    return c;
}

/* Byte offset of the character after the first MAX characters of S. */
static size_t cp_offset(const char *s, size_t n, size_t max)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80 && c++ == max)
            return i;
    return n;
}

static size_t word_count(const char *s, size_t n)
{
    size_t words = 0;
    int in = 0;
    for (size_t i = 0; i < n;) {
        size_t k = ws_at(s + i, n - i);
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
static smz_err add_collapsed(smz_strbuf *b, const char *s, size_t n)
{
    trim(&s, &n);
    size_t run = 0;
    for (size_t i = 0; i < n;) {
        size_t k = ws_at(s + i, n - i);
        if (!k) {
            i++;
            continue;
        }
        smz_strbuf_add(b, s + run, i - run);
        smz_strbuf_add(b, " ", 1);
        while (i < n && (k = ws_at(s + i, n - i)) != 0)
            i += k;
        run = i;
    }
    return smz_strbuf_add(b, s + run, n - run);
}

/* 1 when A and B are the same text once white space runs are folded (and,
 * with FOLD, ASCII case ignored). */
static int same_text(const char *a, size_t an, const char *b, size_t bn, int fold)
{
    trim(&a, &an);
    trim(&b, &bn);
    size_t i = 0, j = 0;
    while (i < an && j < bn) {
        size_t ka = ws_at(a + i, an - i), kb = ws_at(b + j, bn - j);
        if (ka || kb) {
            if (!ka || !kb)
                return 0;
            while (i < an && (ka = ws_at(a + i, an - i)) != 0)
                i += ka;
            while (j < bn && (kb = ws_at(b + j, bn - j)) != 0)
                j += kb;
            continue;
        }
        unsigned char ca = (unsigned char)a[i], cb = (unsigned char)b[j];
        if (fold && ca >= 'A' && ca <= 'Z')
            ca = (unsigned char)(ca - 'A' + 'a');
        if (fold && cb >= 'A' && cb <= 'Z')
            cb = (unsigned char)(cb - 'A' + 'a');
        if (ca != cb)
            return 0;
        i++;
        j++;
    }
    return i == an && j == bn;
}

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static int starts_ci(const char *s, size_t n, const char *prefix)
{
    for (size_t i = 0; prefix[i]; i++) /* most calls fail on the first byte */
        if (i >= n || lower((unsigned char)s[i]) != lower((unsigned char)prefix[i]))
            return 0;
    return 1;
}

static int ends_ci(const char *s, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);
    return k <= n && starts_ci(s + n - k, k, suffix);
}

static int equals_ci(const char *s, size_t n, const char *word)
{
    size_t i = 0;
    for (; word[i]; i++)
        if (i >= n || lower((unsigned char)s[i]) != lower((unsigned char)word[i]))
            return 0;
    return i == n;
}

static int contains_ci(const char *s, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= n; i++)
        if (starts_ci(s + i, n - i, needle))
            return 1;
    return 0;
}

static int contains(const char *s, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= n; i++)
        if (!memcmp(s + i, needle, k))
            return 1;
    return 0;
}

static int any_prefix_ci(const char *s, size_t n, const char *const *list)
{
    for (size_t i = 0; list[i]; i++)
        if (starts_ci(s, n, list[i]))
            return 1;
    return 0;
}

static int any_equal_ci(const char *s, size_t n, const char *const *list)
{
    for (size_t i = 0; list[i]; i++)
        if (equals_ci(s, n, list[i]))
            return 1;
    return 0;
}

static int is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static int is_alpha(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* The last character of S (N > 0) as its first byte's offset. */
static size_t last_char(const char *s, size_t n)
{
    size_t i = n - 1;
    while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80)
        i--;
    return i;
}

/* 1 when the text ends like a sentence or a clause that continues. */
static int ends_with_stop(const char *s, size_t n, const char *stops)
{
    if (!n)
        return 0;
    size_t i = last_char(s, n);
    if (n - i == 1)
        return strchr(stops, s[i]) != NULL;
    /* Full-width and ideographic full stop, comma, colon, semicolon. */
    return (n - i == 3 && (!memcmp(s + i, "\xE3\x80\x82", 3) || !memcmp(s + i, "\xEF\xBC\x8C", 3) ||
                           !memcmp(s + i, "\xEF\xBC\x9A", 3) || !memcmp(s + i, "\xEF\xBC\x9B", 3) ||
                           !memcmp(s + i, "\xE3\x80\x81", 3)));
}

static size_t closing_at(const char *s, size_t n);

/* 1 when S ends a sentence, perhaps inside closing quotes or brackets. */
static int ends_sentence(const char *s, size_t n)
{
    for (;;) {
        size_t k = 0;
        for (size_t w = 1; w <= 3 && w <= n; w++)
            if (closing_at(s + n - w, w) == w)
                k = w;
        if (!k)
            break;
        n -= k;
    }
    return ends_with_stop(s, n, ".!?") || (n >= 3 && !memcmp(s + n - 3, ELLIPSIS, 3));
}

/* A well-formed language tag (lib/text/lang.c has the rule and the table
 * that gives <html lang dir>). */
static int lang_ok(const char *s)
{
    return smz_lang_tag_ok(s, strlen(s));
}

/* Sanitizes S (any bytes, may be NULL) into B as one trimmed line with
 * white space folded, at most MAX bytes (cut at a character). */
static smz_err clean_line(smz_strbuf *b, const char *s, size_t max)
{
    smz_strbuf raw;
    smz_strbuf_init(&raw, max * 6 + 16);
    smz_strbuf_reset(b);
    if (!s)
        return smz_strbuf_add(b, "", 0);
    /* Twice MAX is plenty for MAX bytes once white space is folded. */
    size_t n = smz_utf8_cut(s, strlen(s), max * 2);
    smz_err rc = sanitize(s, n, &raw);
    if (!rc)
        rc = add_collapsed(b, smz_strbuf_str(&raw), smz_strbuf_len(&raw));
    if (!rc)
        smz_strbuf_truncate(b, smz_utf8_cut(smz_strbuf_str(b), smz_strbuf_len(b), max));
    smz_strbuf_free(&raw);
    return rc;
}

/* Appends PATH percent-encoded for an href: unreserved characters and '/'
 * stay, every other byte becomes %XX, and a leading '/' gets "./" before it
 * so the link can never name another host. */
static smz_err add_href(smz_strbuf *b, const char *path)
{
    static const char hex[] = "0123456789ABCDEF";
    if (path[0] == '/')
        smz_strbuf_add(b, "./", 2);
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if (is_alpha(*p) || is_digit(*p) || strchr("-._~/", *p)) {
            smz_strbuf_add(b, p, 1);
        } else {
            char e[3] = {'%', hex[*p >> 4], hex[*p & 15]};
            smz_strbuf_add(b, e, 3);
        }
    }
    return smz_strbuf_err(b);
}

/* ---------------------------------------------------------------------
 * Dates */

static const char *const MONTHS[12] = {"january", "february", "march",     "april",   "may",      "june",
                                       "july",    "august",   "september", "october", "november", "december"};
static const char *const WEEKDAYS[] = {"monday", "tuesday", "wednesday", "thursday", "friday",
                                       "saturday", "sunday", "mon", "tue", "tues", "wed", "thu",
                                       "thur", "thurs", "fri", "sat", "sun", NULL};

/* A date read from text: a real one (lib/text/date.c), and a four-digit
 * year, so that "12" or "0012" in a dateline is not taken for a year. */
static int valid_ymd(int y, int m, int d)
{
    return y >= 1000 && smz_date_real(y, m, d);
}

/* Reads 1..MAXD digits at S[*I]; -1 when there are none or too many. */
static int read_num(const char *s, size_t n, size_t *i, int maxd)
{
    int v = 0, d = 0;
    while (*i < n && is_digit((unsigned char)s[*i])) {
        if (++d > maxd)
            return -1;
        v = v * 10 + (s[*i] - '0');
        (*i)++;
    }
    return d ? v : -1;
}

/* A month name or its abbreviation (3 letters, "Sept"), optional '.'. */
static int read_month(const char *s, size_t n, size_t *i)
{
    size_t j = *i;
    while (j < n && is_alpha((unsigned char)s[j]))
        j++;
    size_t len = j - *i;
    if (len < 3)
        return 0;
    for (int m = 0; m < 12; m++) {
        size_t full = strlen(MONTHS[m]);
        if (len != full && len != 3 && !(m == 8 && len == 4))
            continue;
        size_t k = 0;
        while (k < len && lower((unsigned char)s[*i + k]) == MONTHS[m][k])
            k++;
        if (k == len) {
            if (j < n && s[j] == '.' && len < full)
                j++;
            *i = j;
            return m + 1;
        }
    }
    return 0;
}

static void skip_day_suffix(const char *s, size_t n, size_t *i)
{
    if (*i + 2 <= n && (starts_ci(s + *i, 2, "st") || starts_ci(s + *i, 2, "nd") ||
                        starts_ci(s + *i, 2, "rd") || starts_ci(s + *i, 2, "th")) &&
        (*i + 2 == n || !is_alpha((unsigned char)s[*i + 2])))
        *i += 2;
}

static void skip_spaces(const char *s, size_t n, size_t *i)
{
    while (*i < n && (s[*i] == ' ' || s[*i] == '\t'))
        (*i)++;
}

/* Parses a date at the start of S: 2022-01-27 (or with '/' or '.'),
 * "January 27, 2022", "Jan. 27 2022", "27 January 2022", "27th Jan, 2022".
 * Writes "YYYY-MM-DD" to OUT and returns the bytes used, or 0. */
static size_t parse_date(const char *s, size_t n, char out[11])
{
    size_t i = 0;
    int y, m, d;
    if (n >= 8 && is_digit((unsigned char)s[0])) {
        size_t j = 0;
        y = read_num(s, n, &j, 4);
        if (j == 4 && j < n && strchr("-/.", s[j])) {
            char sep = s[j++];
            m = read_num(s, n, &j, 2);
            if (m > 0 && j < n && s[j] == sep) {
                j++;
                d = read_num(s, n, &j, 2);
                if (d > 0 && (j == n || !is_digit((unsigned char)s[j])) && valid_ymd(y, m, d)) {
                    if (j < n && (s[j] == 'T' || s[j] == 't')) /* a time follows */
                        j = n;
                    i = j;
                    goto ok;
                }
            }
            return 0;
        }
        /* Day first: 27 January 2022. */
        j = 0;
        d = read_num(s, n, &j, 2);
        if (d < 1)
            return 0;
        skip_day_suffix(s, n, &j);
        skip_spaces(s, n, &j);
        if (!(m = read_month(s, n, &j)))
            return 0;
        if (j < n && s[j] == ',')
            j++;
        skip_spaces(s, n, &j);
        size_t k = j;
        y = read_num(s, n, &j, 4);
        if (j - k != 4 || !valid_ymd(y, m, d))
            return 0;
        i = j;
        goto ok;
    }
    /* Month first: January 27, 2022. */
    if (!(m = read_month(s, n, &i)))
        return 0;
    skip_spaces(s, n, &i);
    d = read_num(s, n, &i, 2);
    if (d < 1)
        return 0;
    skip_day_suffix(s, n, &i);
    if (i < n && s[i] == ',')
        i++;
    skip_spaces(s, n, &i);
    size_t k = i;
    y = read_num(s, n, &i, 4);
    if (i - k != 4 || !valid_ymd(y, m, d))
        return 0;
ok:
    if (i < n && (is_alpha((unsigned char)s[i]) || is_digit((unsigned char)s[i])))
        return 0;
    smz_date_write(out, y, m, d);
    return i;
}

/* A line that is only a date, perhaps after "Published", "Posted on",
 * "Updated:" or a weekday, perhaps followed by a short time. */
static int dateline(const char *s, size_t n, char out[11])
{
    static const char *const lead[] = {"first published", "last updated", "published", "posted",
                                       "updated", "dated", "date", NULL};
    if (cp_count(s, n) > 60)
        return 0;
    size_t i = 0;
    for (size_t k = 0; lead[k]; k++) {
        size_t kl = strlen(lead[k]);
        if (starts_ci(s, n, lead[k]) && (kl == n || !is_alpha((unsigned char)s[kl]))) {
            i = kl;
            skip_spaces(s, n, &i);
            if (starts_ci(s + i, n - i, "on "))
                i += 3;
            if (i < n && s[i] == ':')
                i++;
            skip_spaces(s, n, &i);
            break;
        }
    }
    size_t w = i;
    while (w < n && is_alpha((unsigned char)s[w]))
        w++;
    if (w > i && any_equal_ci(s + i, w - i, WEEKDAYS)) {
        i = w;
        if (i < n && (s[i] == ',' || s[i] == '.'))
            i++;
        skip_spaces(s, n, &i);
    }
    size_t used = parse_date(s + i, n - i, out);
    if (!used)
        return 0;
    i += used;
    /* What may follow: nothing, or a short time ("at 10:32 GMT", "| 14:00"). */
    const char *rest = s + i;
    size_t rn = n - i;
    trim(&rest, &rn);
    if (!rn)
        return 1;
    return cp_count(rest, rn) <= 25 && contains(rest, rn, ":") &&
           (rest[0] == ',' || rest[0] == '|' || rest[0] == '-' || rest[0] == '(' || starts_ci(rest, rn, "at ") ||
            is_digit((unsigned char)rest[0]));
}

static void date_from_mtime(int64_t mtime, char out[11])
{
    out[0] = 0;
    if (mtime <= 0 || mtime >= INT64_C(253402300800)) /* 9999-12-31 */
        return;
    time_t t = (time_t)mtime;
    struct tm tm;
    if (!gmtime_r(&t, &tm))
        return;
    smz_date_write(out, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

static int date_ok(const char *s)
{
    return s && smz_date_ok(s);
}

/* ---------------------------------------------------------------------
 * Front matter: a small YAML subset, enough for what static site
 * generators write (key: value, quoted values, tag lists). */

typedef struct front_matter {
    smz_strbuf title, date, author, description, tags, lang;
    size_t body; /* offset of the body after the block, 0 when none */
} front_matter;

static void fm_init(front_matter *f)
{
    smz_strbuf_init(&f->title, SMZ_ARTICLE_MAX_FIELD);
    smz_strbuf_init(&f->date, SMZ_ARTICLE_MAX_FIELD);
    smz_strbuf_init(&f->author, SMZ_ARTICLE_MAX_FIELD);
    smz_strbuf_init(&f->description, SMZ_ARTICLE_MAX_FIELD);
    smz_strbuf_init(&f->tags, SMZ_ARTICLE_MAX_FIELD);
    smz_strbuf_init(&f->lang, SMZ_ARTICLE_MAX_FIELD);
    f->body = 0;
}

static void fm_free(front_matter *f)
{
    smz_strbuf_free(&f->title);
    smz_strbuf_free(&f->date);
    smz_strbuf_free(&f->author);
    smz_strbuf_free(&f->description);
    smz_strbuf_free(&f->tags);
    smz_strbuf_free(&f->lang);
}

/* Appends as much of S as fits in B's cap, cut at a character, folded. */
static smz_err put_capped(smz_strbuf *b, const char *s, size_t n)
{
    smz_strbuf tmp;
    smz_strbuf_init(&tmp, n + 1);
    smz_err rc = add_collapsed(&tmp, s, n);
    if (!rc) {
        size_t room = b->max - smz_strbuf_len(b);
        size_t k = smz_utf8_cut(smz_strbuf_str(&tmp), smz_strbuf_len(&tmp), room);
        rc = smz_strbuf_add(b, smz_strbuf_str(&tmp), k);
    }
    smz_strbuf_free(&tmp);
    return rc;
}

/* The value of a scalar: quoted ("..." with backslash escapes, '...' with
 * '' for a quote) or plain (up to a " #" comment), appended to OUT. */
static smz_err fm_scalar(const char *v, size_t n, smz_strbuf *out)
{
    trim(&v, &n);
    if (n && (v[0] == '"' || v[0] == '\'')) {
        char q = v[0];
        smz_strbuf tmp;
        smz_strbuf_init(&tmp, n);
        for (size_t i = 1; i < n; i++) {
            if (v[i] == q) {
                if (q == '\'' && i + 1 < n && v[i + 1] == '\'') {
                    smz_strbuf_add(&tmp, "'", 1);
                    i++;
                    continue;
                }
                break;
            }
            if (q == '"' && v[i] == '\\' && i + 1 < n) {
                char e = v[++i];
                smz_strbuf_add(&tmp, e == 'n' || e == 't' ? " " : &v[i], 1);
                continue;
            }
            smz_strbuf_add(&tmp, v + i, 1);
        }
        smz_err rc = smz_strbuf_err(&tmp);
        if (!rc)
            rc = put_capped(out, smz_strbuf_str(&tmp), smz_strbuf_len(&tmp));
        smz_strbuf_free(&tmp);
        return rc;
    }
    for (size_t i = 1; i < n; i++)
        if (v[i] == '#' && (v[i - 1] == ' ' || v[i - 1] == '\t')) {
            n = i;
            break;
        }
    if (n && v[0] == '#')
        n = 0;
    return put_capped(out, v, n);
}

/* One tag, joined to the others with ", ". */
static smz_err fm_tag(front_matter *f, const char *v, size_t n)
{
    smz_strbuf tag;
    smz_strbuf_init(&tag, SMZ_ARTICLE_MAX_FIELD);
    smz_err rc = fm_scalar(v, n, &tag);
    size_t have = smz_strbuf_len(&f->tags), len = smz_strbuf_len(&tag);
    if (!rc && len && have + 2 + len <= f->tags.max) { /* whole tags only */
        if (have)
            smz_strbuf_add(&f->tags, ", ", 2);
        rc = smz_strbuf_add(&f->tags, smz_strbuf_str(&tag), len);
    }
    smz_strbuf_free(&tag);
    return rc;
}

/* A flow list "[a, "b", c]" or a plain comma-separated list. */
static smz_err fm_tag_list(front_matter *f, const char *v, size_t n)
{
    trim(&v, &n);
    if (n && v[0] == '[') {
        v++;
        n--;
        if (n && v[n - 1] == ']')
            n--;
    }
    size_t start = 0;
    char q = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && q) {
            if (v[i] == q)
                q = 0;
            continue;
        }
        if (i < n && (v[i] == '"' || v[i] == '\'')) {
            q = v[i];
            continue;
        }
        if (i == n || v[i] == ',') {
            smz_err rc = fm_tag(f, v + start, i - start);
            if (rc)
                return rc;
            start = i + 1;
        }
    }
    return SMZ_OK;
}

static int fence(const char *s, size_t n, const char *mark)
{
    trim(&s, &n);
    return n == 3 && !memcmp(s, mark, 3);
}

/* Finds and parses a front matter block at the start of S.  A block whose
 * closing line does not come within FM_MAX_LINES lines is not one. */
static smz_err fm_parse(const char *s, size_t n, front_matter *f)
{
    const char *nl = memchr(s, '\n', n);
    if (!nl || !fence(s, (size_t)(nl - s), "---") || s[0] != '-')
        return SMZ_OK;
    size_t pos = (size_t)(nl - s) + 1, end = 0, lines = 0;
    size_t limit = n < FM_MAX_BYTES ? n : FM_MAX_BYTES;
    for (size_t p = pos; p < limit && lines < FM_MAX_LINES; lines++) {
        const char *e = memchr(s + p, '\n', n - p);
        size_t len = e ? (size_t)(e - (s + p)) : n - p;
        if (fence(s + p, len, "---") || fence(s + p, len, "...")) {
            end = p;
            f->body = e ? p + len + 1 : n;
            break;
        }
        p += len + 1;
    }
    if (!f->body)
        return SMZ_OK;
    /* A "---" rule in a text that merely has another one further down is
     * not front matter: every line between must look like YAML. */
    for (size_t p = pos; p < end;) {
        const char *e = memchr(s + p, '\n', end - p);
        size_t len = e ? (size_t)(e - (s + p)) : end - p;
        const char *l = s + p;
        p += len + 1;
        size_t k = 0;
        while (k < len && (is_alpha((unsigned char)l[k]) || is_digit((unsigned char)l[k]) || l[k] == '_' ||
                           l[k] == '-'))
            k++;
        int keyed = k > 0 && k < len && l[k] == ':' && (k + 1 == len || l[k + 1] == ' ' || l[k + 1] == '\t');
        if (!keyed && len && !strchr(" \t-#", l[0])) {
            f->body = 0;
            return SMZ_OK;
        }
    }
    int in_tags = 0;
    smz_err rc = SMZ_OK;
    for (size_t p = pos; p < end && !rc;) {
        const char *e = memchr(s + p, '\n', end - p);
        size_t len = e ? (size_t)(e - (s + p)) : end - p;
        const char *l = s + p;
        p += len + 1;
        if (len && (l[0] == ' ' || l[0] == '\t' || l[0] == '-')) {
            const char *t = l;
            size_t tn = len;
            trim(&t, &tn);
            if (in_tags && tn >= 1 && t[0] == '-' && (tn == 1 || t[1] == ' ' || t[1] == '\t'))
                rc = fm_tag(f, t + 1, tn - 1);
            continue;
        }
        in_tags = 0;
        size_t k = 0;
        while (k < len && (is_alpha((unsigned char)l[k]) || is_digit((unsigned char)l[k]) || l[k] == '_' ||
                           l[k] == '-'))
            k++;
        if (k == 0 || k >= len || l[k] != ':' || (k + 1 < len && l[k + 1] != ' ' && l[k + 1] != '\t'))
            continue;
        const char *v = l + k + 1;
        size_t vn = len - k - 1;
        trim(&v, &vn);
        smz_strbuf *dst = NULL;
        if (equals_ci(l, k, "title"))
            dst = &f->title;
        else if (equals_ci(l, k, "date"))
            dst = &f->date;
        else if (equals_ci(l, k, "author"))
            dst = &f->author;
        else if (equals_ci(l, k, "description") || equals_ci(l, k, "summary"))
            dst = &f->description;
        else if (equals_ci(l, k, "lang") || equals_ci(l, k, "language"))
            dst = &f->lang;
        else if (equals_ci(l, k, "tags") || equals_ci(l, k, "keywords")) {
            if (smz_strbuf_len(&f->tags) == 0) {
                in_tags = vn == 0;
                rc = fm_tag_list(f, v, vn);
            }
            continue;
        }
        if (!dst || smz_strbuf_len(dst) || (vn == 1 && (v[0] == '|' || v[0] == '>')))
            continue; /* unknown key, repeated key, or a block scalar */
        rc = fm_scalar(v, vn, dst);
    }
    return rc;
}

/* ---------------------------------------------------------------------
 * Plain text: lines, and what each one is. */

typedef enum line_kind {
    L_PARA,    /* paragraph text */
    L_CAPTION, /* photo caption or credit, shown set apart */
    L_BYLINE,  /* who wrote, translated, edited it */
    L_HEADING, /* a subheading between paragraphs */
    L_BOILER,  /* site furniture: dropped */
    L_DUP,     /* the second copy of a repeated line: dropped */
    L_TITLE,   /* the headline, shown as the title: dropped from the body */
    L_DATE     /* the dateline, shown in the header: dropped from the body */
} line_kind;

/* 32-bit fields keep the worst case (a file of "a\n") at 16 bytes a line:
 * the input cap is far below 4 GiB. */
typedef struct tline {
    uint32_t off, len; /* trimmed line in the body */
    uint32_t block;    /* blank-line-separated block it belongs to */
    line_kind kind;
} tline;
_Static_assert(SMZ_ARTICLE_MAX_INPUT < UINT32_MAX / 4, "line offsets fit in 32 bits");

static int shown(line_kind k)
{
    switch (k) {
    case L_PARA:
    case L_CAPTION:
    case L_BYLINE:
    case L_HEADING:
        return 1;
    case L_BOILER:
    case L_DUP:
    case L_TITLE:
    case L_DATE:
        return 0;
    }
    return 0;
}

static const char *const SOCIAL[] = {
    "facebook", "twitter", "youtube", "instagram", "telegram", "discord", "gettr", "gtv", "tiktok",
    "whatsapp", "linkedin", "weibo", "wechat", "reddit", "pinterest", "mastodon", "rumble", "parler",
    "vk", "vkontakte", "truth social", "threads", "bluesky", "gab", "odysee", "bitchute", "flipboard",
    "rss", "rss feed", "signal", "line", "snapchat", "tumblr", "medium", "substack", "x (twitter)", NULL};

/* Words that may stand between network names on a "share" line. */
static const char *const SOCIAL_GLUE[] = {"share", "on", "follow", "us", "at", "via", "and", "or",
                                          "email", "print", "tweet", "|", "/", "-", "\xC2\xB7",
                                          "\xE2\x80\xA2", NULL};

/* "Home | Facebook", "Our channel |YouTube", "Share: Facebook Twitter". */
static int social_line(const char *s, size_t n)
{
    if (cp_count(s, n) > 100 || ends_with_stop(s, n, "."))
        return 0;
    if (memchr(s, '|', n)) {
        size_t start = 0;
        for (size_t i = 0; i <= n; i++)
            if (i == n || s[i] == '|') {
                const char *seg = s + start;
                size_t sn = i - start;
                trim(&seg, &sn);
                if (any_equal_ci(seg, sn, SOCIAL))
                    return 1;
                start = i + 1;
            }
        return 0;
    }
    int networks = 0;
    for (size_t i = 0; i < n;) {
        size_t k;
        while (i < n && ((k = ws_at(s + i, n - i)) != 0 || s[i] == ',' || s[i] == ':'))
            i += k ? k : 1;
        size_t j = i;
        while (j < n && !ws_at(s + j, n - j) && s[j] != ',' && s[j] != ':')
            j++;
        if (j == i)
            break;
        if (any_equal_ci(s + i, j - i, SOCIAL))
            networks++;
        else if (!any_equal_ci(s + i, j - i, SOCIAL_GLUE))
            return 0;
        i = j;
    }
    return networks > 0;
}

/* Known site furniture, matched on the whole line. */
static int boilerplate(const char *s, size_t n)
{
    static const char *const prefix[] = {
        "sign up to receive", "sign up for our", "sign up for the newsletter", "subscribe to ",
        "subscribe now", "subscribe for ", "enter your email", "enter your e-mail",
        "by submitting this form", "share this", "share on ", "share:", "follow us",
        "please follow us", "for more information, please follow us", "read more", "read also",
        "also read", "continue reading", "related:", "related articles", "related posts",
        "related stories", "leave a reply", "leave a comment", "click here to", "we use cookies",
        "this website uses cookies", "this site uses cookies", "accept cookies", "accept all cookies",
        "cookie policy", "cookie settings", "sponsored content", "copyright \xC2\xA9", "copyright (c)",
        "support us", "donate now", "print this", "email this", "posted in ", "filed under",
        "skip to content", "back to top", "you may also like", "recommended for you",
        "get our newsletter", "join our newsletter", "join our mailing list", "tags:", NULL};
    static const char *const whole[] = {"share", "tweet", "print", "email", "comments", "reply",
                                        "image source", "image", "photo", "photo credit", "image credit",
                                        "advertisement", "donate", "menu", "loading...", NULL};
    if (any_equal_ci(s, n, whole))
        return 1;
    size_t cps = cp_count(s, n);
    if (cps <= 200 && any_prefix_ci(s, n, prefix))
        return 1;
    if (cps <= 200 && contains_ci(s, n, "all rights reserved"))
        return 1;
    if (n >= 3 && !memcmp(s, "\xC2\xA9", 2)) { /* "(c) 2022 Example Corp." */
        size_t i = 2;
        skip_spaces(s, n, &i);
        if (i < n && is_digit((unsigned char)s[i]))
            return 1;
    }
    /* "Support Example" or "Subscribe" alone: two words at most, no stop. */
    if (cps <= 40 && word_count(s, n) <= 2 && !ends_with_stop(s, n, ".!?") &&
        (starts_ci(s, n, "support ") || starts_ci(s, n, "donate ")))
        return 1;
    /* "12 Comments", "3 responses" */
    size_t i = 0;
    if (cps <= 30 && read_num(s, n, &i, 6) >= 0 && i < n && s[i] == ' ' &&
        (equals_ci(s + i + 1, n - i - 1, "comments") || equals_ci(s + i + 1, n - i - 1, "comment") ||
         equals_ci(s + i + 1, n - i - 1, "responses") || equals_ci(s + i + 1, n - i - 1, "replies")))
        return 1;
    if (social_line(s, n))
        return 1;
    /* A donation appeal: a payment channel and a plea in one paragraph. */
    if (cps <= 800 &&
        (contains_ci(s, n, "paypal") || contains_ci(s, n, "patreon") || contains_ci(s, n, "bitcoin") ||
         contains_ci(s, n, "ko-fi") || contains_ci(s, n, "buy me a coffee")) &&
        (contains_ci(s, n, "your contribution") || contains_ci(s, n, "support us") ||
         contains_ci(s, n, "help us") || contains_ci(s, n, "voluntary payment") || contains_ci(s, n, "donat")))
        return 1;
    return 0;
}

/* Photo captions and credits. */
static int caption(const char *s, size_t n)
{
    static const char *const lead[] = {"photo:", "photo by ", "photo credit", "photograph:",
                                       "photograph by ", "image:", "image credit", "image by ",
                                       "picture:", "credit:", "caption:", "pictured:", "above:",
                                       "top image:", "main image:", "featured image", "file photo",
                                       "screenshot:", NULL};
    static const char *const credit_tail[] = {"getty images", "shutterstock", "alamy", "istockphoto",
                                              "istock", "/afp", "/ afp", "/reuters", "/ reuters", "/ap",
                                              "/ ap", "/epa", "via reuters", "via getty", "via ap", NULL};
    static const char *const paren[] = {"photo", "image", "picture", "pic:", "credit", "courtesy",
                                        "file photo", "ap photo", "source:", "screenshot",
                                        "screengrab", NULL};
    size_t cps = cp_count(s, n);
    if (cps > 400)
        return 0;
    if (contains(s, n, "\xC2\xA9"))
        return 1; /* a (c) credit; copyright notices were taken as boilerplate */
    if (any_prefix_ci(s, n, lead))
        return 1;
    size_t m = n;
    while (m && (s[m - 1] == ')' || s[m - 1] == ']' || s[m - 1] == '.' || s[m - 1] == ' '))
        m--;
    for (size_t i = 0; credit_tail[i]; i++)
        if (ends_ci(s, m, credit_tail[i]))
            return 1;
    /* A last parenthesis that credits a photo: "... (Photo: Jane Doe)". */
    size_t e = n;
    while (e && (s[e - 1] == '.' || s[e - 1] == ' '))
        e--;
    if (e && s[e - 1] == ')') {
        size_t o = e - 1;
        while (o > 0 && s[o - 1] != '(')
            o--;
        if (o > 0 && any_prefix_ci(s + o, e - 1 - o, paren))
            return 1;
    }
    return 0;
}

/* "Translated by: X", "Written by X", "By Jane Doe". */
static int byline(const char *s, size_t n)
{
    static const char *const lead[] = {"translated by", "written by", "edited by", "proofread by",
                                       "proofreading by", "posted by", "reported by", "reporting by",
                                       "compiled by", "produced by", "text by", "story by", "words by",
                                       "written and ", "translation:", "translator:", "author:",
                                       "editor:", "by:", NULL};
    static const char *const not_names[] = {"the", "this", "that", "these", "those", "a", "an", "then",
                                            "now", "far", "contrast", "comparison", "default", "law",
                                            "chance", "way", "all", "and", "mid", "late", "early",
                                            "itself", "design", "submitting", "clicking", "using",
                                            "continuing", "signing", "registering", NULL};
    size_t cps = cp_count(s, n);
    if (cps > 120)
        return 0;
    if (any_prefix_ci(s, n, lead))
        return 1;
    if (!starts_ci(s, n, "by ") || cps > 60 || ends_with_stop(s, n, ".!?,;:"))
        return 0;
    size_t words = word_count(s, n);
    if (words < 2 || words > 8)
        return 0;
    const char *w = s + 3;
    size_t wn = 0;
    while (3 + wn < n && !ws_at(w + wn, n - 3 - wn))
        wn++;
    unsigned char c = (unsigned char)w[0];
    if (!((c >= 'A' && c <= 'Z') || c >= 0x80))
        return 0;
    while (wn && (w[wn - 1] == ',' || w[wn - 1] == ':'))
        wn--;
    return !any_equal_ci(w, wn, not_names);
}

/* A numbered reader comment: "1. Great article ..." */
static int comment_like(const char *s, size_t n)
{
    size_t i = 0;
    return read_num(s, n, &i, 4) >= 0 && i + 1 < n && (s[i] == '.' || s[i] == ')') && s[i + 1] == ' ';
}

typedef struct text_doc {
    const char *s; /* the body */
    tline *lines;
    size_t n;
} text_doc;

static smz_err split_lines(const char *s, size_t n, text_doc *d)
{
    size_t cap = 0, block = 0;
    int blank_before = 1;
    d->s = s;
    for (size_t p = 0; p < n;) {
        const char *e = memchr(s + p, '\n', n - p);
        size_t len = e ? (size_t)(e - (s + p)) : n - p;
        const char *l = s + p;
        size_t ln = len;
        trim(&l, &ln);
        p += len + 1;
        if (!ln) {
            blank_before = 1;
            continue;
        }
        if (blank_before && d->n)
            block++;
        blank_before = 0;
        if (d->n == cap) {
            size_t nc = cap ? cap * 2 : 64;
            tline *nl = realloc(d->lines, nc * sizeof *nl);
            if (!nl)
                return SMZ_E_NOMEM;
            d->lines = nl;
            cap = nc;
        }
        d->lines[d->n++] = (tline){.off = (uint32_t)(l - s), .len = (uint32_t)ln, .block = (uint32_t)block, .kind = L_PARA};
    }
    return SMZ_OK;
}

#define LS(d, i) ((d)->s + (d)->lines[i].off)
#define LN(d, i) ((d)->lines[i].len)

/* The run of paragraph lines that starts at I within its block. */
static size_t para_end(const text_doc *d, size_t i)
{
    size_t j = i + 1;
    while (j < d->n && d->lines[j].block == d->lines[i].block && d->lines[j].kind == L_PARA)
        j++;
    return j;
}

static int alone_in_block(const text_doc *d, size_t i)
{
    return (i == 0 || d->lines[i - 1].block != d->lines[i].block) &&
           (i + 1 == d->n || d->lines[i + 1].block != d->lines[i].block);
}

static void classify(text_doc *d)
{
    for (size_t i = 0; i < d->n; i++) {
        const char *s = LS(d, i);
        size_t n = LN(d, i);
        d->lines[i].kind = boilerplate(s, n) ? L_BOILER : caption(s, n) ? L_CAPTION : byline(s, n) ? L_BYLINE : L_PARA;
    }
    /* A line given twice in a row is a photo caption (the second copy is
     * what a page's alt text or lightbox left behind). */
    for (size_t i = 0; i + 1 < d->n; i++) {
        tline *a = &d->lines[i], *b = &d->lines[i + 1];
        if (!same_text(LS(d, i), a->len, LS(d, i + 1), b->len, 0))
            continue;
        if (a->kind == L_DUP) { /* a third copy */
            b->kind = L_DUP;
            continue;
        }
        if (a->kind == L_PARA && word_count(LS(d, i), a->len) >= 3)
            a->kind = L_CAPTION;
        if (a->kind == L_CAPTION || a->kind == L_BOILER || a->kind == L_BYLINE)
            b->kind = L_DUP;
    }
}

/* The footer: walking back from the end over boilerplate and the short or
 * numbered lines among it, everything from the first boilerplate line on
 * is dropped (so the reader comments between "Support us" and "Leave a
 * reply" go too, but no paragraph before the footer does). */
static void drop_footer(text_doc *d)
{
    size_t i = d->n;
    while (i > 0) {
        const tline *l = &d->lines[i - 1];
        const char *s = LS(d, i - 1);
        int weak = l->kind == L_BOILER || l->kind == L_DUP ||
                   (l->kind == L_PARA && (comment_like(s, l->len) ||
                                          (cp_count(s, l->len) <= 100 && !ends_sentence(s, l->len))));
        if (!weak)
            break;
        i--;
    }
    while (i < d->n && d->lines[i].kind != L_BOILER)
        i++;
    for (; i < d->n; i++)
        d->lines[i].kind = L_BOILER;
}

static int opens_quote(const char *s, size_t n)
{
    return n && (s[0] == '"' || s[0] == '\'' || starts_ci(s, n, "\xE2\x80\x9C") ||
                 starts_ci(s, n, "\xE2\x80\x98") || starts_ci(s, n, "\xC2\xAB"));
}

/* A first line that reads as a headline. */
static int headline(const char *s, size_t n)
{
    unsigned char c = (unsigned char)s[0];
    return cp_count(s, n) <= HEADLINE_MAX && !ends_with_stop(s, n, ".,;:") && !(c >= 'a' && c <= 'z') &&
           !strchr("-*+#>=|", c) && !starts_ci(s, n, "\xE2\x80\xA2") && !comment_like(s, n);
}

/* A short line alone between two paragraphs: a subheading. */
static void find_headings(text_doc *d)
{
    for (size_t i = 0; i < d->n; i++) {
        tline *l = &d->lines[i];
        const char *s = LS(d, i);
        unsigned char c = (unsigned char)s[0];
        if (l->kind != L_PARA || !alone_in_block(d, i) || cp_count(s, l->len) > SUBHEAD_MAX ||
            word_count(s, l->len) > 15 || ends_with_stop(s, l->len, ".,;:!") || (c >= 'a' && c <= 'z') ||
            opens_quote(s, l->len) || strchr("-*+#>=|", c) || comment_like(s, l->len))
            continue;
        size_t p = i, q = i + 1;
        while (p > 0 && !shown(d->lines[p - 1].kind))
            p--;
        while (q < d->n && !shown(d->lines[q].kind))
            q++;
        if (p == 0 || q == d->n || d->lines[p - 1].kind != L_PARA || d->lines[q].kind != L_PARA)
            continue;
        /* The next paragraph must be real prose, not another short line. */
        size_t e = para_end(d, q), bytes = 0;
        for (size_t k = q; k < e; k++)
            bytes += d->lines[k].len;
        if (bytes >= 100 && ends_sentence(LS(d, e - 1), LN(d, e - 1)))
            l->kind = L_HEADING;
    }
}

/* ---------------------------------------------------------------------
 * Titles */

static const char *const ABBREV[] = {"mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "no",
                                     "nos", "vol", "gen", "gov", "sen", "rep", "rev", "col", "capt",
                                     "lt", "sgt", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
                                     "sep", "sept", "oct", "nov", "dec", "inc", "ltd", "co", "corp",
                                     "vs", "etc", "al", "approx", "est", "fig", "ca", NULL};

static const char *const STOPWORDS[] = {"a", "an", "the", "and", "or", "but", "nor", "of", "to", "in",
                                        "on", "at", "for", "with", "by", "from", "as", "that", "which",
                                        "who", "whom", "whose", "where", "when", "its", "their", "his",
                                        "her", "our", "your", "is", "are", "was", "were", "be", "been",
                                        "has", "have", "had", "will", "would", "into", "than", "this",
                                        "these", "those", "not", "no", "if", NULL};

/* Clause breaks a title may end before, at the start of " as ..." etc. */
static const char *const BREAKS[] = {", ", "; ", ": ", " \xE2\x80\x94 ", " \xE2\x80\x93 ", " - ", " (",
                                     " as ", " while ", " where ", " which ", " who ", " after ",
                                     " because ", " although ", " though ", " but ", " when ",
                                     " according to ", " saying ", NULL};

static size_t closing_at(const char *s, size_t n)
{
    if (n && strchr("\"')]", s[0]))
        return 1;
    if (starts_ci(s, n, "\xE2\x80\x99") || starts_ci(s, n, "\xE2\x80\x9D") || starts_ci(s, n, "\xC2\xBB"))
        return starts_ci(s, n, "\xC2\xBB") ? 2 : 3;
    return 0;
}

/* The length of the first sentence of S (folded white space), without a
 * final '.' but with '?' or '!' and closing quotes kept. */
static size_t first_sentence(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (starts_ci(s + i, n - i, "\xE3\x80\x82")) /* ideographic full stop */
            return i;
        if (starts_ci(s + i, n - i, "\xEF\xBC\x81") || starts_ci(s + i, n - i, "\xEF\xBC\x9F"))
            return i + 3;
        char c = s[i];
        if (c != '.' && c != '!' && c != '?')
            continue;
        size_t j = i + 1, k;
        while (j < n && (k = closing_at(s + j, n - j)) != 0)
            j += k;
        if (j < n && s[j] != ' ')
            continue;
        if (j + 1 < n) {
            unsigned char next = (unsigned char)s[j + 1];
            if ((next >= 'a' && next <= 'z') || strchr(",;:", next))
                continue;
        }
        if (c == '.') {
            size_t w = i;
            while (w > 0 && is_alpha((unsigned char)s[w - 1]))
                w--;
            if (i - w == 1 || (w > 0 && s[w - 1] == '.') || any_equal_ci(s + w, i - w, ABBREV))
                continue; /* an initial, "U.S.", "Sept." */
            if (i > 0 && s[i - 1] == '.')
                continue; /* an ellipsis "..." goes on */
            return j > i + 1 ? j : i;
        }
        return j;
    }
    return n;
}

/* Removes trailing stopwords and clause punctuation from B (at least two
 * words stay). */
static void trim_title_tail(smz_strbuf *b)
{
    for (;;) {
        const char *s = smz_strbuf_str(b);
        size_t n = smz_strbuf_len(b);
        while (n && strchr(" ,;:-(", s[n - 1]))
            n--;
        while (n >= 3 && (starts_ci(s + n - 3, 3, "\xE2\x80\x94") || starts_ci(s + n - 3, 3, "\xE2\x80\x93"))) {
            n -= 3;
            while (n && s[n - 1] == ' ')
                n--;
        }
        smz_strbuf_truncate(b, n);
        const char *sp = NULL;
        for (size_t i = n; i > 0; i--)
            if (s[i - 1] == ' ') {
                sp = s + i - 1;
                break;
            }
        if (!sp || word_count(s, (size_t)(sp - s)) < 2 || !any_equal_ci(sp + 1, n - (size_t)(sp + 1 - s), STOPWORDS))
            return;
        smz_strbuf_truncate(b, (size_t)(sp - s));
    }
}

/* Appends a title made from the paragraph S: its first sentence when short,
 * else the longest clause up to TITLE_SOFT characters that keeps at least
 * TITLE_MIN_CLAUSE, else the words that fit TITLE_HARD and an ellipsis.
 * Breaks inside quotes or parentheses are not used. */
static smz_err title_from_paragraph(smz_strbuf *out, const char *para, size_t pn)
{
    smz_strbuf tmp;
    smz_strbuf_init(&tmp, pn + 1);
    smz_err rc = add_collapsed(&tmp, para, pn);
    if (rc)
        goto out;
    const char *s = smz_strbuf_str(&tmp);
    size_t n = first_sentence(s, smz_strbuf_len(&tmp));
    if (cp_count(s, n) <= TITLE_SOFT) {
        rc = smz_strbuf_add(out, s, n);
        goto out;
    }
    size_t clause = 0, word = 0, any_word = 0, word_cps = 0, cps = 0;
    int dq = 0, curly = 0, paren = 0;
    for (size_t i = 0; i < n && cps <= TITLE_SOFT; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c & 0xC0) == 0x80)
            continue;
        int free_here = !dq && curly <= 0 && paren <= 0;
        if (free_here && cps >= TITLE_MIN_CLAUSE)
            for (size_t k = 0; BREAKS[k]; k++)
                if (starts_ci(s + i, n - i, BREAKS[k])) {
                    clause = i;
                    break;
                }
        if (c == ' ' && cps <= TITLE_HARD) {
            any_word = i;
            if (free_here) {
                word = i;
                word_cps = cps;
            }
        }
        if (c == '"')
            dq = !dq;
        else if (c == '(')
            paren++;
        else if (c == ')')
            paren--;
        else if (starts_ci(s + i, n - i, "\xE2\x80\x9C"))
            curly++;
        else if (starts_ci(s + i, n - i, "\xE2\x80\x9D"))
            curly--;
        cps++;
    }
    if (clause) {
        while (clause && strchr(" ,;:-", s[clause - 1]))
            clause--;
        rc = smz_strbuf_add(out, s, clause);
        goto out;
    }
    /* Outside quotes when that keeps enough, else at the last space. */
    if (word_cps < TITLE_HARD / 2)
        word = any_word;
    smz_strbuf cut;
    smz_strbuf_init(&cut, n + 1);
    smz_strbuf_add(&cut, s, word ? word : cp_offset(s, n, TITLE_HARD));
    if (word)
        trim_title_tail(&cut);
    smz_strbuf_adds(&cut, ELLIPSIS);
    rc = smz_strbuf_err(&cut);
    if (!rc)
        rc = smz_strbuf_add(out, smz_strbuf_str(&cut), smz_strbuf_len(&cut));
    smz_strbuf_free(&cut);
out:
    smz_strbuf_free(&tmp);
    return rc;
}

/* "dir/some_file-name.txt" -> "some file name". */
static smz_err title_from_name(smz_strbuf *out, const char *name)
{
    smz_strbuf tmp;
    smz_strbuf_init(&tmp, 1024);
    smz_err rc = clean_line(&tmp, name, 255);
    if (rc)
        goto out;
    const char *s = smz_strbuf_str(&tmp);
    const char *slash = strrchr(s, '/');
    if (slash)
        s = slash + 1;
    const char *dot = strrchr(s, '.');
    size_t n = dot && dot > s ? (size_t)(dot - s) : strlen(s);
    char buf[1024];
    memcpy(buf, s, n);
    for (size_t i = 0; i < n; i++)
        if (buf[i] == '_' || buf[i] == '-')
            buf[i] = ' ';
    rc = add_collapsed(out, buf, n);
out:
    smz_strbuf_free(&tmp);
    return rc;
}

/* ---------------------------------------------------------------------
 * Page template */

/* Appends <time> for the valid date YMD: "27 January 2022" on English (or
 * unlabelled) pages, whose other words are English too; else as it is. */
static void add_time(smz_strbuf *b, const char *ymd, const char *lang)
{
    static const char *const NAMES[12] = {"January", "February", "March",     "April",   "May",      "June",
                                          "July",    "August",   "September", "October", "November", "December"};
    int m = atoi(ymd + 5);
    int english = !lang || !*lang || smz_lang_english(lang);
    if (english && m >= 1 && m <= 12)
        smz_strbuf_addf(b, "<time datetime=\"%s\">%d %s %.4s</time>", ymd, atoi(ymd + 8), NAMES[m - 1], ymd);
    else
        smz_strbuf_addf(b, "<time datetime=\"%s\">%s</time>", ymd, ymd);
}

typedef struct page_info {
    const char *lang, *title, *date, *author, *description, *tags;
    const char *home_href, *home_label;
} page_info;

static void page_begin(smz_strbuf *b, const page_info *pi, int is_index)
{
    smz_strbuf_adds(b, "<!DOCTYPE html>\n<html");
    if (pi->lang && *pi->lang) {
        char tag[SMZ_LANG_TAG_MAX + 1];
        int rtl = smz_lang_html(pi->lang, strlen(pi->lang), tag, sizeof tag) == 1;
        smz_strbuf_adds(b, " lang=\"");
        smz_strbuf_add_html(b, tag, strlen(tag));
        smz_strbuf_adds(b, rtl ? "\" dir=\"rtl\"" : "\"");
    }
    smz_strbuf_adds(b, ">\n<head>\n<meta charset=\"utf-8\">\n"
                       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                       "<meta name=\"color-scheme\" content=\"light dark\">\n");
    const char *metas[][2] = {{"description", pi->description}, {"author", pi->author}, {"keywords", pi->tags}};
    for (size_t i = 0; i < sizeof metas / sizeof metas[0]; i++)
        if (metas[i][1] && *metas[i][1]) {
            smz_strbuf_addf(b, "<meta name=\"%s\" content=\"", metas[i][0]);
            smz_strbuf_add_html(b, metas[i][1], strlen(metas[i][1]));
            smz_strbuf_adds(b, "\">\n");
        }
    smz_strbuf_adds(b, "<title>");
    smz_strbuf_add_html(b, pi->title, strlen(pi->title));
    smz_strbuf_addf(b, "</title>\n<style>%s</style>\n</head>\n<body>\n<main>\n", PAGE_CSS);
    if (pi->home_href && *pi->home_href) {
        smz_strbuf_adds(b, "<nav class=\"home\"><a href=\"");
        add_href(b, pi->home_href);
        smz_strbuf_adds(b, "\">\xE2\x86\x90 ");
        const char *label = pi->home_label && *pi->home_label ? pi->home_label : "Index";
        smz_strbuf_add_html(b, label, strlen(label));
        smz_strbuf_adds(b, "</a></nav>\n");
    }
    smz_strbuf_adds(b, is_index ? "<header>\n<h1>" : "<article>\n<header>\n<h1>");
    smz_strbuf_add_html(b, pi->title, strlen(pi->title));
    smz_strbuf_adds(b, "</h1>\n");
    if (is_index && pi->description && *pi->description) {
        smz_strbuf_adds(b, "<p class=\"lede\">");
        smz_strbuf_add_html(b, pi->description, strlen(pi->description));
        smz_strbuf_adds(b, "</p>\n");
    }
    int has_date = pi->date && *pi->date, has_author = pi->author && *pi->author;
    if (!is_index && (has_date || has_author)) {
        smz_strbuf_adds(b, "<p class=\"meta\">");
        if (has_date)
            add_time(b, pi->date, pi->lang);
        if (has_author) {
            smz_strbuf_adds(b, "<span class=\"author\">");
            smz_strbuf_add_html(b, pi->author, strlen(pi->author));
            smz_strbuf_adds(b, "</span>");
        }
        smz_strbuf_adds(b, "</p>\n");
    }
}

static smz_err page_end(smz_strbuf *b, int is_index)
{
    smz_strbuf_adds(b, is_index ? "</main>\n</body>\n</html>\n" : "</article>\n</main>\n</body>\n</html>\n");
    return smz_strbuf_err(b);
}

/* Appends the words of S that fit in MAX characters, and an ellipsis when
 * something was cut. */
static smz_err add_cut_words(smz_strbuf *b, const char *s, size_t n, size_t max)
{
    smz_strbuf tmp;
    smz_strbuf_init(&tmp, n + 1);
    smz_err rc = add_collapsed(&tmp, s, n);
    if (rc)
        goto out;
    const char *t = smz_strbuf_str(&tmp);
    size_t tn = smz_strbuf_len(&tmp);
    if (cp_count(t, tn) <= max) {
        rc = smz_strbuf_add(b, t, tn);
        goto out;
    }
    size_t lim = cp_offset(t, tn, max), cut = 0;
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
    rc = smz_strbuf_adds(b, ELLIPSIS);
out:
    smz_strbuf_free(&tmp);
    return rc;
}

/* ---------------------------------------------------------------------
 * Rendering text articles */

typedef struct render_ctx {
    smz_strbuf body;    /* HTML of the body */
    smz_strbuf text;    /* search text of the body */
    smz_strbuf summary; /* paragraph text for the summary */
    smz_strbuf title;
    char date[11];
    smz_article_date_source date_source;
} render_ctx;

/* Lines I..J-1 of one kind and block: hard-wrapped prose (every line but the
 * last is long) is joined with spaces, anything else keeps its breaks. */
static void emit_group(render_ctx *c, const text_doc *d, size_t i, size_t j)
{
    static const struct {
        line_kind kind;
        const char *open, *close;
    } tags[] = {{L_PARA, "<p>", "</p>\n"},
                {L_CAPTION, "<p class=\"caption\">", "</p>\n"},
                {L_BYLINE, "<p class=\"byline\">", "</p>\n"},
                {L_HEADING, "<h2>", "</h2>\n"}};
    line_kind kind = d->lines[i].kind;
    size_t t = 0;
    while (t < sizeof tags / sizeof tags[0] - 1 && tags[t].kind != kind)
        t++;
    int wrapped = 1;
    for (size_t k = i; k + 1 < j; k++)
        if (cp_count(LS(d, k), LN(d, k)) < 50)
            wrapped = 0;
    smz_strbuf_adds(&c->body, tags[t].open);
    for (size_t k = i; k < j; k++) {
        if (k > i) {
            smz_strbuf_adds(&c->body, wrapped ? " " : "<br>\n");
            smz_strbuf_add(&c->text, wrapped ? " " : "\n", 1);
            if (kind == L_PARA)
                smz_strbuf_add(&c->summary, " ", 1);
        }
        smz_strbuf_add_html(&c->body, LS(d, k), LN(d, k));
        smz_strbuf_add(&c->text, LS(d, k), LN(d, k));
        if (kind == L_PARA && smz_strbuf_len(&c->summary) < SUMMARY_BYTES)
            smz_strbuf_add(&c->summary, LS(d, k), smz_utf8_cut(LS(d, k), LN(d, k), SUMMARY_BYTES));
    }
    smz_strbuf_adds(&c->body, tags[t].close);
    smz_strbuf_add(&c->text, "\n", 1);
    if (kind == L_PARA && smz_strbuf_len(&c->summary))
        smz_strbuf_add(&c->summary, " ", 1);
}

static smz_err render_text(render_ctx *c, const char *s, size_t n, int have_title, int have_date)
{
    text_doc d = {0};
    smz_err rc = split_lines(s, n, &d);
    if (rc)
        goto out;
    classify(&d);
    if (!have_date)
        for (size_t i = 0; i < d.n && i < DATE_SCAN_LINES; i++)
            if (d.lines[i].kind == L_PARA && dateline(LS(&d, i), LN(&d, i), c->date)) {
                d.lines[i].kind = L_DATE;
                c->date_source = SMZ_DATE_TEXT;
                break;
            }
    drop_footer(&d);
    /* The title: the headline, or the first sentence of the first paragraph. */
    size_t first = 0;
    while (first < d.n && d.lines[first].kind != L_PARA)
        first++;
    if (!have_title && first < d.n) {
        size_t e = para_end(&d, first), more = e;
        while (more < d.n && !shown(d.lines[more].kind))
            more++;
        if (e == first + 1 && more < d.n && headline(LS(&d, first), LN(&d, first))) {
            rc = add_collapsed(&c->title, LS(&d, first), LN(&d, first));
            d.lines[first].kind = L_TITLE;
        } else {
            /* 4 KiB hold more than TITLE_SOFT characters of any script. */
            smz_strbuf para;
            smz_strbuf_init(&para, 8192);
            for (size_t k = first; k < e && smz_strbuf_len(&para) < 2048; k++) {
                smz_strbuf_add(&para, LS(&d, k), smz_utf8_cut(LS(&d, k), LN(&d, k), 2048));
                smz_strbuf_add(&para, " ", 1);
            }
            rc = smz_strbuf_err(&para);
            if (!rc)
                rc = title_from_paragraph(&c->title, smz_strbuf_str(&para), smz_strbuf_len(&para));
            smz_strbuf_free(&para);
        }
        if (rc)
            goto out;
    }
    /* A repeat of the title near the top (sites print the headline twice). */
    for (size_t i = 0; i < d.n && i < DUP_TITLE_SCAN; i++)
        if (d.lines[i].kind == L_PARA && alone_in_block(&d, i) &&
            same_text(LS(&d, i), LN(&d, i), smz_strbuf_str(&c->title), smz_strbuf_len(&c->title), 1))
            d.lines[i].kind = L_DUP;
    find_headings(&d);
    for (size_t i = 0; i < d.n;) {
        if (!shown(d.lines[i].kind)) {
            i++;
            continue;
        }
        size_t j = i + 1;
        if (d.lines[i].kind == L_PARA || d.lines[i].kind == L_BYLINE)
            while (j < d.n && d.lines[j].block == d.lines[i].block && d.lines[j].kind == d.lines[i].kind)
                j++;
        emit_group(c, &d, i, j);
        i = j;
    }
    rc = smz_strbuf_err(&c->body);
    if (!rc)
        rc = smz_strbuf_err(&c->text);
    if (!rc)
        rc = smz_strbuf_err(&c->summary);
out:
    free(d.lines);
    return rc;
}

/* ---------------------------------------------------------------------
 * Rendering Markdown */

/* Container markers opened at the start of each line ("> > - 1. "); cmark
 * builds a node for each, so a hostile file of '>' would cost gigabytes. */
static int md_too_deep(const char *s, size_t n)
{
    for (size_t p = 0; p < n;) {
        int depth = 0;
        for (;;) {
            while (p < n && (s[p] == ' ' || s[p] == '\t'))
                p++;
            if (p < n && s[p] == '>') {
                p++;
            } else if (p + 1 < n && strchr("-+*", s[p]) && (s[p + 1] == ' ' || s[p + 1] == '\t')) {
                p += 2;
            } else {
                size_t q = p;
                while (q < n && q - p < 10 && is_digit((unsigned char)s[q]))
                    q++;
                if (q == p || q + 1 >= n || (s[q] != '.' && s[q] != ')') || (s[q + 1] != ' ' && s[q + 1] != '\t'))
                    break;
                p = q + 2;
            }
            if (++depth > SMZ_ARTICLE_MAX_NESTING)
                return 1;
        }
        const char *e = memchr(s + p, '\n', n - p);
        p = e ? (size_t)(e - s) + 1 : n;
    }
    return 0;
}

/* Appends the plain text of NODE's inline content. */
static void md_inline_text(smz_strbuf *b, cmark_node *node)
{
    cmark_iter *it = cmark_iter_new(node);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *cur = cmark_iter_get_node(it);
        if (ev != CMARK_EVENT_ENTER)
            continue;
        /* if, not switch: cmark's node enum has many values to ignore */
        cmark_node_type t = cmark_node_get_type(cur);
        if (t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE) {
            const char *lit = cmark_node_get_literal(cur);
            if (lit)
                smz_strbuf_adds(b, lit);
        } else if (t == CMARK_NODE_SOFTBREAK || t == CMARK_NODE_LINEBREAK) {
            smz_strbuf_add(b, " ", 1);
        }
    }
    cmark_iter_free(it);
}

/* 1 when URL leaves the archive: it has a scheme, or starts with two
 * slashes (browsers read '\' as '/'), so a page would fetch it. */
static int remote_url(const char *url)
{
    if (!url)
        return 0;
    while (*url == ' ' || *url == '\t')
        url++;
    if ((url[0] == '/' || url[0] == '\\') && (url[1] == '/' || url[1] == '\\'))
        return 1;
    if (!is_alpha((unsigned char)url[0]))
        return 0;
    size_t i = 1;
    while (is_alpha((unsigned char)url[i]) || is_digit((unsigned char)url[i]) || strchr("+.-", url[i]))
        i++;
    return url[i] == ':' && strncmp(url, "data:", 5) != 0;
}

/* Images on other hosts become links to them: an offline page must not
 * fetch anything (and tell a stranger's server who is reading). */
static smz_err md_unlink_remote_images(cmark_node *doc)
{
    cmark_node **imgs = NULL;
    size_t n = 0, cap = 0;
    smz_err rc = SMZ_OK;
    cmark_iter *it = cmark_iter_new(doc);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *cur = cmark_iter_get_node(it);
        if (ev != CMARK_EVENT_ENTER || cmark_node_get_type(cur) != CMARK_NODE_IMAGE ||
            !remote_url(cmark_node_get_url(cur)))
            continue;
        if (n == cap) {
            size_t nc = cap ? cap * 2 : 16;
            cmark_node **ni = realloc(imgs, nc * sizeof *ni);
            if (!ni) {
                rc = SMZ_E_NOMEM;
                break;
            }
            imgs = ni;
            cap = nc;
        }
        imgs[n++] = cur;
    }
    cmark_iter_free(it);
    for (size_t i = 0; i < n && !rc; i++) {
        cmark_node *img = imgs[i], *link = cmark_node_new(CMARK_NODE_LINK);
        cmark_node_set_url(link, cmark_node_get_url(img));
        cmark_node_set_title(link, cmark_node_get_title(img));
        cmark_node *label = cmark_node_new(CMARK_NODE_TEXT);
        cmark_node_set_literal(label, "[image] ");
        cmark_node_append_child(link, label);
        cmark_node *child;
        while ((child = cmark_node_first_child(img)) != NULL) {
            cmark_node_unlink(child);
            cmark_node_append_child(link, child);
        }
        cmark_node_insert_before(img, link);
        cmark_node_free(img); /* unlinks it */
    }
    free(imgs);
    return rc;
}

/* The search text: block contents separated by '\n', raw HTML left out. */
static void md_text(smz_strbuf *b, cmark_node *doc)
{
    cmark_iter *it = cmark_iter_new(doc);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *cur = cmark_iter_get_node(it);
        cmark_node_type t = cmark_node_get_type(cur);
        if (ev == CMARK_EVENT_EXIT) {
            if (t == CMARK_NODE_PARAGRAPH || t == CMARK_NODE_HEADING)
                smz_strbuf_add(b, "\n", 1);
            continue;
        }
        if (t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE || t == CMARK_NODE_CODE_BLOCK) {
            const char *lit = cmark_node_get_literal(cur);
            if (lit)
                smz_strbuf_adds(b, lit);
            if (t == CMARK_NODE_CODE_BLOCK && lit && *lit && lit[strlen(lit) - 1] != '\n')
                smz_strbuf_add(b, "\n", 1);
        } else if (t == CMARK_NODE_SOFTBREAK || t == CMARK_NODE_LINEBREAK) {
            smz_strbuf_add(b, " ", 1);
        }
    }
    cmark_iter_free(it);
}

static smz_err render_markdown(render_ctx *c, const char *s, size_t n, int have_title)
{
    /* Safe is cmark's default: no raw HTML, no javascript: links.  Never
     * pass CMARK_OPT_UNSAFE here. */
    const int opts = CMARK_OPT_DEFAULT | CMARK_OPT_VALIDATE_UTF8;
    smz_err rc = SMZ_OK;
    char *html = NULL;
    cmark_node *doc = NULL;
    smz_strbuf tmp;
    smz_strbuf_init(&tmp, n + 1);
    if (md_too_deep(s, n)) {
        rc = SMZ_E_TOOBIG;
        goto out;
    }
    if (!(doc = cmark_parse_document(s, n, opts))) {
        rc = SMZ_E_NOMEM;
        goto out;
    }
    cmark_node *first = cmark_node_first_child(doc);
    if (first && cmark_node_get_type(first) == CMARK_NODE_HEADING) {
        md_inline_text(&tmp, first);
        if ((rc = smz_strbuf_err(&tmp)) != SMZ_OK)
            goto out;
        if (!have_title) {
            rc = add_collapsed(&c->title, smz_strbuf_str(&tmp), smz_strbuf_len(&tmp));
            cmark_node_free(first);
        } else if (same_text(smz_strbuf_str(&tmp), smz_strbuf_len(&tmp), smz_strbuf_str(&c->title),
                             smz_strbuf_len(&c->title), 1)) {
            cmark_node_free(first);
        }
        if (rc)
            goto out;
    }
    /* The first paragraph gives the summary, and the title when needed. */
    smz_strbuf_reset(&tmp);
    for (cmark_node *p = cmark_node_first_child(doc); p; p = cmark_node_next(p))
        if (cmark_node_get_type(p) == CMARK_NODE_PARAGRAPH) {
            md_inline_text(&tmp, p);
            smz_strbuf_add(&tmp, " ", 1);
            if (smz_strbuf_len(&tmp) > SUMMARY_BYTES)
                break;
        }
    if ((rc = smz_strbuf_err(&tmp)) != SMZ_OK)
        goto out;
    if (!have_title && smz_strbuf_len(&c->title) == 0) {
        cmark_node *p = cmark_node_first_child(doc);
        while (p && cmark_node_get_type(p) != CMARK_NODE_PARAGRAPH)
            p = cmark_node_next(p);
        if (p) {
            smz_strbuf para;
            smz_strbuf_init(&para, n + 1);
            md_inline_text(&para, p);
            rc = smz_strbuf_err(&para);
            if (!rc)
                rc = title_from_paragraph(&c->title, smz_strbuf_str(&para), smz_strbuf_len(&para));
            smz_strbuf_free(&para);
            if (rc)
                goto out;
        }
    }
    if ((rc = smz_strbuf_add(&c->summary, smz_strbuf_str(&tmp), smz_strbuf_len(&tmp))) != SMZ_OK)
        goto out;
    if ((rc = md_unlink_remote_images(doc)) != SMZ_OK)
        goto out;
    md_text(&c->text, doc);
    if ((rc = smz_strbuf_err(&c->text)) != SMZ_OK)
        goto out;
    if (!(html = cmark_render_html(doc, opts))) {
        rc = SMZ_E_NOMEM;
        goto out;
    }
    rc = smz_strbuf_adds(&c->body, html);
out:
    if (html)
        cmark_get_default_mem_allocator()->free(html);
    if (doc)
        cmark_node_free(doc);
    smz_strbuf_free(&tmp);
    return rc;
}

/* ---------------------------------------------------------------------
 * The public functions */

void smz_article_free(smz_article *a)
{
    if (!a)
        return;
    free(a->title);
    free(a->date);
    free(a->author);
    free(a->description);
    free(a->tags);
    free(a->lang);
    free(a->html);
    free(a->text);
    free(a->summary);
    free(a);
}

smz_err smz_article_render(const char *text, size_t len, smz_article_kind kind, const char *fallback_name,
                           int64_t file_mtime, const smz_article_opts *opts, smz_article **out)
{
    smz_err rc;
    smz_article *a = NULL;
    smz_strbuf src, page, lang, label, tmp;
    front_matter fm;
    render_ctx c = {.date_source = SMZ_DATE_NONE};
    smz_strbuf_init(&src, (size_t)SMZ_ARTICLE_MAX_INPUT * 3 + 16);
    smz_strbuf_init(&page, MAX_PAGE);
    smz_strbuf_init(&lang, 64);
    smz_strbuf_init(&label, SMZ_ARTICLE_MAX_FIELD);
    smz_strbuf_init(&tmp, SMZ_ARTICLE_MAX_TEXT + 16);
    smz_strbuf_init(&c.body, MAX_PAGE);
    smz_strbuf_init(&c.text, (size_t)SMZ_ARTICLE_MAX_INPUT * 3 + 16);
    smz_strbuf_init(&c.summary, (size_t)SMZ_ARTICLE_MAX_INPUT * 3 + 16);
    smz_strbuf_init(&c.title, SMZ_ARTICLE_MAX_FIELD * 2);
    fm_init(&fm);
    if (out)
        *out = NULL;
    if (!out || (!text && len) || (kind != SMZ_ARTICLE_TEXT && kind != SMZ_ARTICLE_MARKDOWN)) {
        rc = SMZ_E_INVALID;
        goto out;
    }
    if (len > SMZ_ARTICLE_MAX_INPUT) {
        rc = SMZ_E_TOOBIG;
        goto out;
    }
    if ((rc = sanitize(text ? text : "", len, &src)) != SMZ_OK)
        goto out;
    const char *s = smz_strbuf_str(&src);
    size_t n = smz_strbuf_len(&src);
    if ((rc = fm_parse(s, n, &fm)) != SMZ_OK)
        goto out;
    s += fm.body;
    n -= fm.body;

    /* What the packer was told, then front matter, then what the body says. */
    if (opts && opts->title)
        rc = clean_line(&c.title, opts->title, SMZ_ARTICLE_MAX_FIELD);
    if (!rc && !smz_strbuf_len(&c.title) && smz_strbuf_len(&fm.title))
        rc = smz_strbuf_add(&c.title, smz_strbuf_str(&fm.title), smz_strbuf_len(&fm.title));
    if (opts && date_ok(opts->date)) {
        memcpy(c.date, opts->date, 11);
        c.date_source = SMZ_DATE_GIVEN;
    } else if (!rc && parse_date(smz_strbuf_str(&fm.date), smz_strbuf_len(&fm.date), c.date)) {
        c.date_source = SMZ_DATE_FRONT_MATTER;
    } else {
        c.date[0] = 0;
    }
    if (rc)
        goto out;
    int have_title = smz_strbuf_len(&c.title) > 0;
    /* cmark needs up to ~200 bytes of memory per input byte on hostile
     * input ("[[[[", "*a*a"), so very large Markdown is shown as text. */
    if (kind == SMZ_ARTICLE_MARKDOWN && n <= SMZ_ARTICLE_MAX_MARKDOWN)
        rc = render_markdown(&c, s, n, have_title);
    else
        rc = render_text(&c, s, n, have_title, c.date_source != SMZ_DATE_NONE);
    if (rc)
        goto out;
    if (smz_strbuf_len(&c.title) == 0 && (rc = title_from_name(&c.title, fallback_name)) != SMZ_OK)
        goto out;
    if (smz_strbuf_len(&c.title) == 0 && (rc = smz_strbuf_adds(&c.title, "Untitled")) != SMZ_OK)
        goto out;
    if (c.date_source == SMZ_DATE_NONE) {
        date_from_mtime(file_mtime, c.date);
        if (c.date[0])
            c.date_source = SMZ_DATE_MTIME;
    }

    /* The language: front matter, else the caller's; only well-formed tags. */
    if (lang_ok(smz_strbuf_str(&fm.lang)))
        rc = smz_strbuf_adds(&lang, smz_strbuf_str(&fm.lang));
    else if (opts && opts->lang && lang_ok(opts->lang))
        rc = smz_strbuf_adds(&lang, opts->lang);
    if (!rc && opts && opts->home_label)
        rc = clean_line(&label, opts->home_label, 200);
    if (rc)
        goto out;

    page_info pi = {.lang = smz_strbuf_str(&lang),
                    .title = smz_strbuf_str(&c.title),
                    .date = c.date,
                    .author = smz_strbuf_str(&fm.author),
                    .description = smz_strbuf_str(&fm.description),
                    .tags = smz_strbuf_str(&fm.tags),
                    .home_href = opts ? opts->home_href : NULL,
                    .home_label = smz_strbuf_str(&label)};
    page_begin(&page, &pi, 0);
    smz_strbuf_adds(&page, "</header>\n");
    smz_strbuf_add(&page, smz_strbuf_str(&c.body), smz_strbuf_len(&c.body));
    if ((rc = page_end(&page, 0)) != SMZ_OK)
        goto out;

    /* Search text: the title, then the body, cut at the cap. */
    smz_strbuf_add(&tmp, smz_strbuf_str(&c.title), smz_strbuf_len(&c.title));
    smz_strbuf_add(&tmp, "\n", 1);
    size_t room = SMZ_ARTICLE_MAX_TEXT - smz_strbuf_len(&tmp);
    size_t keep = smz_utf8_cut(smz_strbuf_str(&c.text), smz_strbuf_len(&c.text), room);
    if ((rc = smz_strbuf_add(&tmp, smz_strbuf_str(&c.text), keep)) != SMZ_OK)
        goto out;
    smz_strbuf_free(&c.body); /* the page holds it now; keep peak memory down */

    if (!(a = calloc(1, sizeof *a))) {
        rc = SMZ_E_NOMEM;
        goto out;
    }
    a->date_source = c.date_source;
    smz_strbuf summary, lead;
    smz_strbuf_init(&summary, SUMMARY_MAX * 8);
    smz_strbuf_init(&lead, smz_strbuf_len(&c.summary) + 16);
    add_collapsed(&lead, smz_strbuf_str(&c.summary), smz_strbuf_len(&c.summary));
    {
        /* An index shows the title above the summary, so when the title is
         * the first sentence the summary starts after it (if enough is left). */
        const char *ls = smz_strbuf_str(&lead), *ts = smz_strbuf_str(&c.title);
        size_t ln = smz_strbuf_len(&lead), tn = smz_strbuf_len(&c.title);
        if (tn >= 3 && !memcmp(ts + tn - 3, ELLIPSIS, 3))
            tn -= 3;
        if (tn && ln > tn && !memcmp(ls, ts, tn)) {
            size_t k = first_sentence(ls, ln);
            while (k < ln && (ls[k] == '.' || ls[k] == ' '))
                k++;
            if (cp_count(ls + k, ln - k) >= SUMMARY_MAX / 2) {
                ls += k;
                ln -= k;
            }
        }
        add_cut_words(&summary, ls, ln, SUMMARY_MAX);
    }
    smz_strbuf_free(&lead);
    smz_strbuf date;
    smz_strbuf_init(&date, 16);
    smz_strbuf_adds(&date, c.date);
    struct {
        smz_strbuf *b;
        char **dst;
        size_t *len;
    } fields[] = {{&c.title, &a->title, NULL},        {&date, &a->date, NULL},
                  {&fm.author, &a->author, NULL},     {&fm.description, &a->description, NULL},
                  {&fm.tags, &a->tags, NULL},         {&lang, &a->lang, NULL},
                  {&page, &a->html, &a->html_len},    {&tmp, &a->text, &a->text_len},
                  {&summary, &a->summary, NULL}};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        smz_err frc = smz_strbuf_detach(fields[i].b, fields[i].dst, fields[i].len);
        if (frc && !rc)
            rc = frc;
    }
    smz_strbuf_free(&summary);
    smz_strbuf_free(&date);
    if (rc)
        goto out;
    *out = a;
    a = NULL;
out:
    smz_article_free(a);
    smz_strbuf_free(&src);
    smz_strbuf_free(&page);
    smz_strbuf_free(&lang);
    smz_strbuf_free(&label);
    smz_strbuf_free(&tmp);
    smz_strbuf_free(&c.body);
    smz_strbuf_free(&c.text);
    smz_strbuf_free(&c.summary);
    smz_strbuf_free(&c.title);
    fm_free(&fm);
    return rc;
}

/* ---------------------------------------------------------------------
 * Index page */

typedef struct index_row {
    const smz_article_ref *ref;
    size_t pos;   /* place in the caller's array: the last tie-breaker */
    int has_date;
} index_row;

/* The text an index row shows: its title, else its path. */
static const char *row_label(const index_row *r)
{
    return r->ref->title && r->ref->title[0] ? r->ref->title : r->ref->path;
}

/* Bytewise with ASCII letters folded: a fixed order that does not depend
 * on the locale, so the page is the same wherever it is packed. */
static int fold_cmp(const char *a, const char *b)
{
    for (;; a++, b++) {
        int x = lower((unsigned char)*a), y = lower((unsigned char)*b);
        if (x != y || !x)
            return x - y;
    }
}

static int index_cmp(const void *pa, const void *pb)
{
    const index_row *a = pa, *b = pb;
    if (a->has_date != b->has_date)
        return b->has_date - a->has_date;
    int c;
    if (a->has_date && (c = strcmp(b->ref->date, a->ref->date)) != 0)
        return c; /* newest first */
    if ((c = fold_cmp(row_label(a), row_label(b))) != 0 || (c = strcmp(row_label(a), row_label(b))) != 0)
        return c;
    if ((c = strcmp(a->ref->path, b->ref->path)) != 0)
        return c;
    return a->pos < b->pos ? -1 : a->pos > b->pos;
}

smz_err smz_article_index_html(const smz_article_ref *items, size_t n, const char *collection_title,
                               const char *description, const char *lang, char **html_out)
{
    smz_err rc;
    index_row *rows = NULL;
    smz_strbuf page, title, desc, field, summary;
    smz_strbuf_init(&page, MAX_PAGE);
    smz_strbuf_init(&title, SMZ_ARTICLE_MAX_FIELD);
    smz_strbuf_init(&desc, 4 * SMZ_ARTICLE_MAX_FIELD);
    smz_strbuf_init(&field, 4 * SMZ_ARTICLE_MAX_FIELD);
    smz_strbuf_init(&summary, 16 * SMZ_ARTICLE_MAX_FIELD);
    if (html_out)
        *html_out = NULL;
    if (!html_out || (!items && n)) {
        rc = SMZ_E_INVALID;
        goto out;
    }
    if (n > MAX_INDEX_ITEMS) {
        rc = SMZ_E_TOOBIG;
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        if (!items[i].path || !items[i].path[0]) {
            rc = SMZ_E_INVALID;
            goto out;
        }
    if (n && !(rows = malloc(n * sizeof *rows))) {
        rc = SMZ_E_NOMEM;
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        rows[i] = (index_row){.ref = &items[i], .pos = i, .has_date = date_ok(items[i].date)};
    if (n)
        qsort(rows, n, sizeof *rows, index_cmp);

    if ((rc = clean_line(&title, collection_title ? collection_title : "Index", SMZ_ARTICLE_MAX_FIELD)) ||
        (rc = clean_line(&desc, description, 3 * SMZ_ARTICLE_MAX_FIELD)))
        goto out;
    if (!smz_strbuf_len(&title) && (rc = smz_strbuf_adds(&title, "Index")) != SMZ_OK)
        goto out;
    page_info pi = {.lang = lang && lang_ok(lang) ? lang : NULL,
                    .title = smz_strbuf_str(&title),
                    .description = smz_strbuf_str(&desc)};
    page_begin(&page, &pi, 1);
    smz_strbuf_addf(&page, "<p class=\"meta\">%zu article%s</p>\n</header>\n", n, n == 1 ? "" : "s");
    smz_strbuf_adds(&page, "<ul class=\"index\">\n");
    for (size_t i = 0; i < n && !rc; i++) {
        const smz_article_ref *r = rows[i].ref;
        smz_strbuf_adds(&page, "<li><a href=\"");
        add_href(&page, r->path);
        smz_strbuf_adds(&page, "\">");
        rc = clean_line(&field, r->title && r->title[0] ? r->title : r->path, SMZ_ARTICLE_MAX_FIELD);
        if (!rc && !smz_strbuf_len(&field))
            rc = clean_line(&field, r->path, SMZ_ARTICLE_MAX_FIELD);
        if (rc)
            break;
        smz_strbuf_add_html(&page, smz_strbuf_str(&field), smz_strbuf_len(&field));
        smz_strbuf_adds(&page, "</a>");
        if (rows[i].has_date) {
            smz_strbuf_adds(&page, "\n<p class=\"meta\">");
            add_time(&page, r->date, pi.lang);
            smz_strbuf_adds(&page, "</p>");
        }
        if (r->summary && r->summary[0]) {
            rc = clean_line(&field, r->summary, 4 * SMZ_ARTICLE_MAX_FIELD);
            smz_strbuf_reset(&summary);
            if (!rc)
                rc = add_cut_words(&summary, smz_strbuf_str(&field), smz_strbuf_len(&field), SUMMARY_MAX);
            if (rc)
                break;
            if (smz_strbuf_len(&summary)) {
                smz_strbuf_adds(&page, "\n<p>");
                smz_strbuf_add_html(&page, smz_strbuf_str(&summary), smz_strbuf_len(&summary));
                smz_strbuf_adds(&page, "</p>");
            }
        }
        rc = smz_strbuf_adds(&page, "</li>\n");
    }
    if (rc)
        goto out;
    smz_strbuf_adds(&page, "</ul>\n");
    if ((rc = page_end(&page, 1)) != SMZ_OK)
        goto out;
    rc = smz_strbuf_detach(&page, html_out, NULL);
out:
    free(rows);
    smz_strbuf_free(&page);
    smz_strbuf_free(&title);
    smz_strbuf_free(&desc);
    smz_strbuf_free(&field);
    smz_strbuf_free(&summary);
    return rc;
}
