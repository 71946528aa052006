/* YYYY-MM-DD dates (see date.h).  The article code reads datelines in many
 * forms ("27 January 2022", "2022/01/27"); whatever form it read, the date
 * it keeps is checked and written here, the same way the metadata's is. */
#include "text/date.h"
#include "smz/util.h"

int smz__date_real(int y, int m, int d)
{
    static const int days[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 || d > days[m - 1])
        return 0;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return !(m == 2 && d == 29 && !leap);
}

int smz__date_ok(const char *s)
{
    int v[3] = {0, 0, 0};
    for (int i = 0, f = 0; i < 10; i++) {
        if (i == 4 || i == 7) {
            if (s[i] != '-')
                return 0;
            f++;
        } else if (s[i] >= '0' && s[i] <= '9') {
            v[f] = v[f] * 10 + (s[i] - '0');
        } else {
            return 0;
        }
    }
    return !s[10] && smz__date_real(v[0], v[1], v[2]);
}

int smz__date_write(char out[11], int y, int m, int d)
{
    out[0] = 0;
    if (!smz__date_real(y, m, d))
        return 0;
    int v[3] = {y, m, d}, w[3] = {4, 2, 2};
    int o = 0;
    for (int f = 0; f < 3; f++) {
        if (f)
            out[o++] = '-';
        for (int k = w[f] - 1; k >= 0; k--, v[f] /= 10)
            out[o + k] = (char)('0' + v[f] % 10);
        o += w[f];
    }
    out[o] = 0;
    return 1;
}

int smz__date_days(const char *s, int64_t *days)
{
    if (!smz__date_ok(s))
        return 0;
    int64_t y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int m = (s[5] - '0') * 10 + (s[6] - '0'), d = (s[8] - '0') * 10 + (s[9] - '0');
    /* The proleptic Gregorian calendar in 400-year eras that start on
     * 1 March, so that the leap day ends a year (Howard Hinnant's
     * days_from_civil); y >= 1 here, so no era is negative. */
    if (m <= 2)
        y--;
    int64_t era = y / 400, yoe = y - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    *days = era * 146097 + doe - 719468;
    return 1;
}

int smz_date_valid(const char *s)
{
    return s && smz__date_ok(s);
}
