/* Dates as articles write them: "2022-01-27", "January 27, 2022",
 * "27th Jan. 2022", "2022年1月27日", "二〇二二年一月二十七日", a dateline
 * ("Published: ...", "Posted on Monday, ...", "HONG KONG, Feb. 1, 2022",
 * "发布时间：2022年2月1日 10:30（北京时间）") alone on a line, and a file's
 * modification time.  Whatever form was
 * read, the date kept is checked and written by lib/text/date.c, the same
 * way as the metadata's.
 *
 * Uses lib/text (date.h, ascii.h, utf8.h) and words.c. */
#include <stdint.h>
#include <string.h>
#include <time.h>
#include "article/article_priv.h"
#include "text/ascii.h"
#include "text/date.h"
#include "text/utf8.h"

static const char *const MONTHS[12] = {"january",   "february", "march",    "april",
                                       "may",       "june",     "july",     "august",
                                       "september", "october",  "november", "december"};
static const char *const WEEKDAYS[] = {"monday",   "tuesday", "wednesday", "thursday", "friday",
                                       "saturday", "sunday",  "mon",       "tue",      "tues",
                                       "wed",      "thu",     "thur",      "thurs",    "fri",
                                       "sat",      "sun",     NULL};

/* A date read from text: a real one (lib/text/date.c), and a four-digit
 * year, so that "12" or "0012" in a dateline is not taken for a year. */
static int valid_ymd(int y, int m, int d)
{
    return y >= 1000 && smz__date_real(y, m, d);
}

/* A month name or its abbreviation (3 letters, "Sept"), optional '.'. */
static int read_month(const char *s, size_t n, size_t *i)
{
    size_t j = *i;
    while (j < n && smz_ascii_alpha((unsigned char)s[j]))
        j++;
    size_t len = j - *i;
    if (len < 3)
        return 0;
    for (int m = 0; m < 12; m++) {
        size_t full = strlen(MONTHS[m]);
        if (len != full && len != 3 && !(m == 8 && len == 4))
            continue;
        size_t k = 0;
        while (k < len && smz_ascii_lower((unsigned char)s[*i + k]) == MONTHS[m][k])
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
    if (*i + 2 <= n &&
        (smz__ascii_prefix_ci(s + *i, 2, "st") || smz__ascii_prefix_ci(s + *i, 2, "nd") ||
         smz__ascii_prefix_ci(s + *i, 2, "rd") || smz__ascii_prefix_ci(s + *i, 2, "th")) &&
        (*i + 2 == n || !smz_ascii_alpha((unsigned char)s[*i + 2])))
        *i += 2;
}

/* The end of a date in words, after its day D and month M: an optional
 * comma, spaces and a four-digit year at *I that makes a real date with
 * them.  Returns the year (*I past it), or 0. */
static int read_year(const char *s, size_t n, size_t *i, int m, int d)
{
    if (*i < n && s[*i] == ',')
        (*i)++;
    smz__art_skip_spaces(s, n, i);
    size_t k = *i;
    int y = smz__art_read_num(s, n, i, 4);
    if (*i - k != 4 || !valid_ymd(y, m, d))
        return 0;
    return y;
}

/* The value of the digit at S[*I]: ASCII, full-width, or a Chinese
 * numeral (〇 and 零 are 0); -1 when there is none.  *I moves past it. */
static int cn_digit(const char *s, size_t n, size_t *i)
{
    static const char *const CN[10] = {"\xE3\x80\x87", "\xE4\xB8\x80", "\xE4\xBA\x8C", "\xE4\xB8\x89",
                                       "\xE5\x9B\x9B", "\xE4\xBA\x94", "\xE5\x85\xAD", "\xE4\xB8\x83",
                                       "\xE5\x85\xAB", "\xE4\xB9\x9D"};
    if (*i < n && smz_ascii_digit((unsigned char)s[*i]))
        return s[(*i)++] - '0';
    if (*i + 3 > n)
        return -1;
    const unsigned char *u = (const unsigned char *)s + *i;
    if (u[0] == 0xEF && u[1] == 0xBC && u[2] >= 0x90 && u[2] <= 0x99) { /* ０-９ */
        *i += 3;
        return u[2] - 0x90;
    }
    if (!memcmp(u, "\xE9\x9B\xB6", 3)) { /* 零 */
        *i += 3;
        return 0;
    }
    for (int d = 0; d < 10; d++)
        if (!memcmp(u, CN[d], 3)) {
            *i += 3;
            return d;
        }
    return -1;
}

/* A number written in Chinese at S[*I]: digits one by one ("二〇二二",
 * "2022", "02") or with 十 for the tens ("十二", "二十七", "三十一").
 * Returns it (*I past it), or -1. */
static int cn_number(const char *s, size_t n, size_t *i)
{
    static const char TEN[] = "\xE5\x8D\x81"; /* 十 */
    size_t j = *i;
    int v = 0, digits = 0, d;
    while (digits < 4 && (d = cn_digit(s, n, &j)) >= 0) {
        v = v * 10 + d;
        digits++;
    }
    if (j + 3 <= n && !memcmp(s + j, TEN, 3) && digits <= 1) {
        j += 3;
        v = (digits ? v : 1) * 10;
        size_t k = j;
        if ((d = cn_digit(s, n, &k)) > 0) {
            v += d;
            j = k;
        }
    } else if (!digits) {
        return -1;
    }
    *i = j;
    return v;
}

/* "2022年2月1日", "2022 年 02 月 01 日", "二〇二二年二月一日", "2022年2月1号". */
static size_t parse_cn_date(const char *s, size_t n, char out[11])
{
    static const char YEAR[] = "\xE5\xB9\xB4", MONTH[] = "\xE6\x9C\x88", DAY[] = "\xE6\x97\xA5",
                      HAO[] = "\xE5\x8F\xB7";
    size_t i = 0;
    int y = cn_number(s, n, &i); /* valid_ymd wants four digits */
    if (y < 1000)
        return 0;
    smz__art_skip_spaces(s, n, &i);
    if (i + 3 > n || memcmp(s + i, YEAR, 3))
        return 0;
    i += 3;
    smz__art_skip_spaces(s, n, &i);
    int m = cn_number(s, n, &i);
    smz__art_skip_spaces(s, n, &i);
    if (m < 1 || i + 3 > n || memcmp(s + i, MONTH, 3))
        return 0;
    i += 3;
    smz__art_skip_spaces(s, n, &i);
    int d = cn_number(s, n, &i);
    smz__art_skip_spaces(s, n, &i);
    if (d < 1 || i + 3 > n || (memcmp(s + i, DAY, 3) && memcmp(s + i, HAO, 3)) || !valid_ymd(y, m, d))
        return 0;
    smz__date_write(out, y, m, d);
    return i + 3;
}

/* Parses a date at the start of S: 2022-01-27 (or with '/' or '.'),
 * "January 27, 2022", "Jan. 27 2022", "27 January 2022", "27th Jan, 2022".
 * Writes "YYYY-MM-DD" to OUT and returns the bytes used, or 0. */
size_t smz__art_parse_date(const char *s, size_t n, char out[11])
{
    size_t i = 0;
    int y, m, d;
    if ((i = parse_cn_date(s, n, out)) != 0)
        return i;
    if (n >= 8 && smz_ascii_digit((unsigned char)s[0])) {
        size_t j = 0;
        y = smz__art_read_num(s, n, &j, 4);
        if (j == 4 && j < n && strchr("-/.", s[j])) {
            char sep = s[j++];
            m = smz__art_read_num(s, n, &j, 2);
            if (m > 0 && j < n && s[j] == sep) {
                j++;
                d = smz__art_read_num(s, n, &j, 2);
                if (d > 0 && (j == n || !smz_ascii_digit((unsigned char)s[j])) && valid_ymd(y, m, d)) {
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
        d = smz__art_read_num(s, n, &j, 2);
        if (d < 1)
            return 0;
        skip_day_suffix(s, n, &j);
        smz__art_skip_spaces(s, n, &j);
        if (!(m = read_month(s, n, &j)))
            return 0;
        if (!(y = read_year(s, n, &j, m, d)))
            return 0;
        i = j;
        goto ok;
    }
    /* Month first: January 27, 2022. */
    if (!(m = read_month(s, n, &i)))
        return 0;
    smz__art_skip_spaces(s, n, &i);
    d = smz__art_read_num(s, n, &i, 2);
    if (d < 1)
        return 0;
    skip_day_suffix(s, n, &i);
    if (!(y = read_year(s, n, &i, m, d)))
        return 0;
ok:
    if (i < n && (smz_ascii_alpha((unsigned char)s[i]) || smz_ascii_digit((unsigned char)s[i])))
        return 0;
    smz__date_write(out, y, m, d);
    return i;
}

/* 1 when the code point at S is a CJK ideograph or full-width form. */
static int cjk_at(const char *s, size_t n)
{
    uint32_t cp;
    size_t k = smz__utf8_next((const unsigned char *)s, n, &cp);
    return k >= 3 && cp >= 0x2E80 && cp <= 0xFFEF;
}

/* What may stand around a date on a Chinese dateline: a time, "北京时间",
 * brackets, "电"/"讯" (a news agency's "...日电"), a short place name.
 * Nothing that ends a sentence, no ASCII letters, at most 25 characters. */
static int cn_dateline_rest(const char *s, size_t n)
{
    if (smz__utf8_count(s, n) > 25 || smz__art_contains(s, n, "\xE3\x80\x82") ||
        smz__art_contains(s, n, "\xEF\xBC\x81") || smz__art_contains(s, n, "\xEF\xBC\x9F"))
        return 0;
    size_t cjk = 0;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        if (smz_ascii_alpha(c) && !smz__ascii_prefix_ci(s + i, n - i, "am") &&
            !smz__ascii_prefix_ci(s + i, n - i, "pm"))
            return 0;
        if (c < 0x80) {
            i++;
            continue;
        }
        if (cjk_at(s + i, n - i))
            cjk++;
        uint32_t cp;
        i += smz__utf8_next((const unsigned char *)s + i, n - i, &cp);
    }
    /* A place or an agency's mark is short; a clause of prose is not. */
    return cjk <= 12 && (cjk <= 6 || smz__art_contains(s, n, "\xE6\x97\xB6") /* 时 */);
}

/* A line that is only a date, perhaps after "Published", "Posted on",
 * "Updated:", a weekday or a place in capitals ("HONG KONG, Feb. 1,
 * 2022"), perhaps followed by a short time; or a Chinese dateline, the
 * date among a few words of time and place ("北京时间2022年2月1日",
 * "2022年2月1日 10:30（北京时间）", "（中央社台北2022年2月1日电）"). */
int smz__art_dateline(const char *s, size_t n, char out[11])
{
    static const char *const lead[] = {"first published", "last updated", "published", "posted",
                                       "updated",         "dated",        "date",      NULL};
    if (smz__utf8_count(s, n) > 60)
        return 0;
    /* Chinese: the date may start within the first few characters. */
    int cjk = 0;
    for (size_t i = 0; i < n && !cjk; i++)
        cjk = (unsigned char)s[i] >= 0xE2 && cjk_at(s + i, n - i);
    if (cjk) {
        for (size_t i = 0, cps = 0; i < n && cps <= 14; cps++) {
            size_t used = smz__art_parse_date(s + i, n - i, out);
            if (used) {
                const char *rest = s + i + used;
                size_t rn = n - i - used;
                smz__art_trim(&rest, &rn);
                static const char *const cn_lead[] = {"\xE5\x8F\x91\xE5\xB8\x83", /* 发布 */
                                                      "\xE5\x8F\x91\xE8\xA1\xA8", /* 发表 */
                                                      "\xE6\x9B\xB4\xE6\x96\xB0", /* 更新 */
                                                      "\xE6\x97\xA5\xE6\x9C\x9F", /* 日期 */
                                                      "\xE6\x97\xB6\xE9\x97\xB4", /* 时间 */
                                                      NULL};
                const char *head = s;
                size_t hn = i;
                smz__art_trim(&head, &hn);
                int lead_ok = !hn || smz__art_any_prefix_ci(head, hn, cn_lead) ||
                              smz__art_any_prefix_ci(head, hn, lead) || cn_dateline_rest(head, hn);
                if (lead_ok && (!rn || cn_dateline_rest(rest, rn)))
                    return 1;
                out[0] = 0;
                break;
            }
            uint32_t cp;
            i += smz__utf8_next((const unsigned char *)s + i, n - i, &cp);
        }
    }
    size_t i = 0;
    for (size_t k = 0; lead[k]; k++) {
        size_t kl = strlen(lead[k]);
        if (smz__ascii_prefix_ci(s, n, lead[k]) && (kl == n || !smz_ascii_alpha((unsigned char)s[kl]))) {
            i = kl;
            smz__art_skip_spaces(s, n, &i);
            if (smz__ascii_prefix_ci(s + i, n - i, "on "))
                i += 3;
            if (i < n && s[i] == ':')
                i++;
            smz__art_skip_spaces(s, n, &i);
            break;
        }
    }
    if (i == 0) {
        /* A place in capitals and a comma or dash: "HONG KONG, " */
        size_t p = 0;
        while (p < n && p < 30 && ((s[p] >= 'A' && s[p] <= 'Z') || s[p] == ' ' || s[p] == '.'))
            p++;
        if (p >= 2 && p < n && (s[p] == ',' || s[p] == '-') && s[0] != ' ') {
            size_t q = p + 1;
            smz__art_skip_spaces(s, n, &q);
            if (smz__art_parse_date(s + q, n - q, out))
                i = q;
        }
    }
    size_t w = i;
    while (w < n && smz_ascii_alpha((unsigned char)s[w]))
        w++;
    if (w > i && smz__art_any_equal_ci(s + i, w - i, WEEKDAYS)) {
        i = w;
        if (i < n && (s[i] == ',' || s[i] == '.'))
            i++;
        smz__art_skip_spaces(s, n, &i);
    }
    size_t used = smz__art_parse_date(s + i, n - i, out);
    if (!used)
        return 0;
    i += used;
    /* What may follow: nothing, or a short time ("at 10:32 GMT", "| 14:00",
     * "10:30 (Beijing time)", "（北京时间）"). */
    const char *rest = s + i;
    size_t rn = n - i;
    smz__art_trim(&rest, &rn);
    if (!rn)
        return 1;
    if (cn_dateline_rest(rest, rn) && !smz_ascii_alpha((unsigned char)rest[0]) &&
        (rest[0] & 0x80 || !smz__art_contains(rest, rn, " ")))
        return 1;
    return smz__utf8_count(rest, rn) <= 25 && smz__art_contains(rest, rn, ":") &&
           (rest[0] == ',' || rest[0] == '|' || rest[0] == '-' || rest[0] == '(' ||
            smz__ascii_prefix_ci(rest, rn, "at ") || smz_ascii_digit((unsigned char)rest[0]));
}

void smz__art_date_from_mtime(int64_t mtime, char out[11])
{
    out[0] = 0;
    if (mtime <= 0 || mtime >= INT64_C(253402300800)) /* 9999-12-31 */
        return;
    time_t t = (time_t)mtime;
    struct tm tm;
    if (!gmtime_r(&t, &tm))
        return;
    smz__date_write(out, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}
