/* ASCII letters and digits, and comparisons that ignore the case of ASCII
 * letters only.  Text from anywhere (an article, a header, a tag) is
 * compared against fixed English words and codes, and the answer must not
 * depend on the locale the packer or server runs in, as <ctype.h> and
 * strcasecmp do: bytes past 0x7F are compared as they are, so UTF-8 stays
 * whole.  No allocation, no state: safe from any thread. */
#ifndef SMZ_TEXT_ASCII_H
#define SMZ_TEXT_ASCII_H

#include <stddef.h>

static inline int smz_ascii_lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static inline int smz_ascii_alpha(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static inline int smz_ascii_digit(int c)
{
    return c >= '0' && c <= '9';
}

/* 1 when S[0..N) begins with NUL-terminated PREFIX, ASCII case ignored. */
int smz__ascii_prefix_ci(const char *s, size_t n, const char *prefix);

/* 1 when S[0..N) ends with NUL-terminated SUFFIX, ASCII case ignored. */
int smz__ascii_suffix_ci(const char *s, size_t n, const char *suffix);

/* 1 when S[0..N) is NUL-terminated WORD, ASCII case ignored. */
int smz__ascii_equal_ci(const char *s, size_t n, const char *word);

/* 1 when NUL-terminated NEEDLE occurs in S[0..N), ASCII case ignored. */
int smz__ascii_contains_ci(const char *s, size_t n, const char *needle);

/* strcmp of NUL-terminated A and B with ASCII letters folded to lower
 * case: negative, 0 or positive. */
int smz__ascii_cmp_ci(const char *a, const char *b);

#endif
