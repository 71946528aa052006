/* Dates as articles write them: "2022-01-27", "January 27, 2022",
 * "27th Jan. 2022", a dateline ("Published: ...", "Posted on Monday, ...")
 * alone on a line, and a file's modification time.  Whatever form was
 * read, the date kept is checked and written by lib/text/date.c, the same
 * way as the metadata's.
 *
 * Uses lib/text (date.h, ascii.h, utf8.h) and words.c. */
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

/* Parses a date at the start of S: 2022-01-27 (or with '/' or '.'),
 * "January 27, 2022", "Jan. 27 2022", "27 January 2022", "27th Jan, 2022".
 * Writes "YYYY-MM-DD" to OUT and returns the bytes used, or 0. */
size_t smz__art_parse_date(const char *s, size_t n, char out[11])
{
    size_t i = 0;
    int y, m, d;
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

/* A line that is only a date, perhaps after "Published", "Posted on",
 * "Updated:" or a weekday, perhaps followed by a short time. */
int smz__art_dateline(const char *s, size_t n, char out[11])
{
    static const char *const lead[] = {"first published", "last updated", "published", "posted",
                                       "updated",         "dated",        "date",      NULL};
    if (smz__utf8_count(s, n) > 60)
        return 0;
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
    /* What may follow: nothing, or a short time ("at 10:32 GMT", "| 14:00"). */
    const char *rest = s + i;
    size_t rn = n - i;
    smz__art_trim(&rest, &rn);
    if (!rn)
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
