/* ASCII case-insensitive comparisons (see ascii.h).  Uses nothing but the
 * C library's strlen: no locale. */
#include <string.h>
#include "text/ascii.h"

int smz__ascii_prefix_ci(const char *s, size_t n, const char *prefix)
{
    for (size_t i = 0; prefix[i]; i++) /* most calls fail on the first byte */
        if (i >= n || smz_ascii_lower((unsigned char)s[i]) != smz_ascii_lower((unsigned char)prefix[i]))
            return 0;
    return 1;
}

int smz__ascii_suffix_ci(const char *s, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);
    return k <= n && smz__ascii_prefix_ci(s + n - k, k, suffix);
}

int smz__ascii_equal_ci(const char *s, size_t n, const char *word)
{
    size_t i = 0;
    for (; word[i]; i++)
        if (i >= n || smz_ascii_lower((unsigned char)s[i]) != smz_ascii_lower((unsigned char)word[i]))
            return 0;
    return i == n;
}

int smz__ascii_contains_ci(const char *s, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= n; i++)
        if (smz__ascii_prefix_ci(s + i, n - i, needle))
            return 1;
    return 0;
}

int smz__ascii_cmp_ci(const char *a, const char *b)
{
    for (;; a++, b++) {
        int x = smz_ascii_lower((unsigned char)*a), y = smz_ascii_lower((unsigned char)*b);
        if (x != y || !x)
            return x - y;
    }
}
