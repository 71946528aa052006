/* Strict UTF-8 decoding and encoding shared by the text and search modules.
 * Everything they read (HTML text, search-box queries, stored page text)
 * may be hostile, so decoding never trusts a lead byte: overlong forms,
 * surrogates, code points past U+10FFFF and truncated sequences are all
 * reported as invalid, one byte at a time, so a caller can replace or skip
 * them and always make progress. */
#ifndef SMZ_TEXT_UTF8_H
#define SMZ_TEXT_UTF8_H

#include <stddef.h>
#include <stdint.h>
#include "smz/util.h" /* smz_utf8_valid, smz_utf8_add_repaired */

/* What smz__utf8_next stores for a byte that does not start a valid sequence. */
#define SMZ_UTF8_INVALID UINT32_MAX

/* Decodes the code point at S (LEN > 0 bytes available) into *CP and returns
 * how many bytes it used (1 to 4).  An invalid or truncated sequence gives
 * *CP = SMZ_UTF8_INVALID and returns 1.  Returns 0 only when LEN is 0. */
size_t smz__utf8_next(const unsigned char *s, size_t len, uint32_t *cp);

/* Writes CP (a Unicode scalar value, not a surrogate) as UTF-8 into OUT and
 * returns the byte count (1 to 4); anything else is written as U+FFFD. */
size_t smz__utf8_put(uint32_t cp, char out[4]);

/* The length of the longest prefix of S (at most MAX bytes of its LEN) that
 * does not end inside a multi-byte character, for cutting text safely. */
size_t smz__utf8_cut(const char *s, size_t len, size_t max);

/* Steps over text already known to be valid UTF-8 (after smz_utf8_valid
 * or a repair): they count lead bytes and never decode, so they are cheap
 * enough for every line of a long text.  On invalid UTF-8 they stay within
 * the LEN bytes but their answers mean nothing. */

/* The number of characters (code points) in the LEN bytes at S. */
size_t smz__utf8_count(const char *s, size_t len);

/* The byte offset of character number MAX (from 0) in the LEN bytes at S:
 * the length of its first MAX characters; LEN when it has no more. */
size_t smz__utf8_offset(const char *s, size_t len, size_t max);

/* The byte offset at which the last character of the LEN (> 0) bytes at S
 * starts. */
size_t smz__utf8_last(const char *s, size_t len);

#endif
