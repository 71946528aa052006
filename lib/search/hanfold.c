/* Simplified and traditional Chinese folded together (see hanfold.h).
 *
 * The table is generated at build time (scripts/hanfold_gen.c, from
 * OpenCC) into hanfold_table.inc: han_fold lists each character that folds
 * to another with that canonical one, by code point (about 4,200 rows),
 * and han_by_canon the same rows by canonical character, each class in its
 * order of preference.  So a character's canonical member is one binary
 * search, its class a second one and a walk.  A page's characters are
 * folded one by one when a query has Chinese characters: han_bits, a bit
 * for each character of U+3400..U+9FFF that folds (3.4 KB), spares the
 * search for the others, which are most. */
#include <string.h>
#include "search/hanfold.h"
#include "text/utf8.h"

#include "hanfold_table.inc"

_Static_assert(HAN_FOLDS > 0, "the generated table is empty");

#define CHARS_MAX 8 /* characters of a token expanded (a CJK token has one or two) */
#define CLASS_MAX 8 /* members of a class used (the largest has 6) */

/* The row of han_fold for CP, or -1. */
static int fold_row(uint32_t cp)
{
    size_t lo = 0, hi = HAN_FOLDS;
    if (cp < han_fold[0][0] || cp > han_fold[HAN_FOLDS - 1][0])
        return -1;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (han_fold[mid][0] < cp)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < HAN_FOLDS && han_fold[lo][0] == cp ? (int)lo : -1;
}

/* The first index of han_by_canon whose row folds to CANON (HAN_FOLDS
 * when none does). */
static size_t canon_first(uint32_t canon)
{
    size_t lo = 0, hi = HAN_FOLDS;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (han_fold[han_by_canon[mid]][1] < canon)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

uint32_t smz__han_fold(uint32_t cp)
{
    if (cp < HAN_BITS_FROM)
        return cp;
    if (cp < HAN_BITS_TO && !(han_bits[(cp - HAN_BITS_FROM) >> 3] & (1u << ((cp - HAN_BITS_FROM) & 7))))
        return cp;
    int row = fold_row(cp);
    return row < 0 ? cp : han_fold[row][1];
}

/* CP's class in the order a query asks for it (CP first, then the
 * canonical member, then the others in the table's order), at most MAX
 * members in OUT; returns how many (1 when CP has no class). */
static int class_of(uint32_t cp, uint32_t *out, int max)
{
    uint32_t canon = smz__han_fold(cp);
    int n = 0;
    out[n++] = cp;
    if (canon != cp && n < max)
        out[n++] = canon;
    for (size_t i = canon_first(canon);
         i < HAN_FOLDS && han_fold[han_by_canon[i]][1] == canon && n < max; i++)
        if (han_fold[han_by_canon[i]][0] != cp)
            out[n++] = han_fold[han_by_canon[i]][0];
    return n;
}

static int has_class(uint32_t cp)
{
    if (fold_row(cp) >= 0)
        return 1;
    size_t i = canon_first(cp);
    return i < HAN_FOLDS && han_fold[han_by_canon[i]][1] == cp;
}

/* No Han character is below U+3400, whose UTF-8 starts with 0xE3: a token
 * of lower bytes alone (any alphabetic word) is passed over at once. */
static int may_hold_han(const char *tok, int n)
{
    for (int i = 0; i < n; i++)
        if ((unsigned char)tok[i] >= 0xE3)
            return 1;
    return 0;
}

/* The character at U (N > 0 bytes) and its length: a page's CJK tokens
 * are read here one character at a time, nearly all of them three bytes
 * long, which need no general decoder.  A three-byte sequence that is not
 * a character (a surrogate, an overlong form) gives a code point that
 * folds to nothing, so it is copied as it is, as smz__utf8_next's U+FFFD
 * would be. */
static int next_char(const unsigned char *u, int n, uint32_t *cp)
{
    if (n >= 3 && (u[0] & 0xF0) == 0xE0 && (u[1] & 0xC0) == 0x80 && (u[2] & 0xC0) == 0x80) {
        *cp = (uint32_t)(u[0] & 0x0F) << 12 | (uint32_t)(u[1] & 0x3F) << 6 | (u[2] & 0x3F);
        return 3;
    }
    return (int)smz__utf8_next(u, (size_t)n, cp);
}

int smz__han_fold_token(const char *tok, int n, char *out)
{
    const unsigned char *u = (const unsigned char *)tok;
    int len = 0, changed = 0, first = -1;
    if (n <= 0 || n > SMZ_HAN_TOKEN_MAX || !may_hold_han(tok, n))
        return 0;
    /* Most tokens fold to themselves: find the first character that
     * does not before copying anything. */
    for (int i = 0; i < n && first < 0;) {
        uint32_t cp;
        int k = next_char(u + i, n - i, &cp);
        if (cp != SMZ_UTF8_INVALID && smz__han_fold(cp) != cp)
            first = i;
        i += k;
    }
    if (first < 0)
        return 0;
    memcpy(out, tok, (size_t)first);
    len = first;
    for (int i = first; i < n;) {
        uint32_t cp;
        int k = next_char(u + i, n - i, &cp);
        uint32_t f = cp == SMZ_UTF8_INVALID ? cp : smz__han_fold(cp);
        char enc[4];
        int m = k;
        const char *from = tok + i;
        if (f != cp) {
            m = (int)smz__utf8_put(f, enc);
            from = enc;
            changed = 1;
        }
        if (len + m > SMZ_HAN_TOKEN_MAX)
            return 0;
        memcpy(out + len, from, (size_t)m);
        len += m;
        i += k;
    }
    return changed ? len : 0;
}

int smz__han_has_class(const char *tok, int n)
{
    const unsigned char *u = (const unsigned char *)tok;
    if (n <= 0 || !may_hold_han(tok, n))
        return 0;
    for (int i = 0; i < n;) {
        uint32_t cp;
        i += (int)smz__utf8_next(u + i, (size_t)(n - i), &cp);
        if (cp != SMZ_UTF8_INVALID && has_class(cp))
            return 1;
    }
    return 0;
}

int smz__han_as_typed(const char *typed, size_t tlen, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t k = smz__utf8_next(u + i, n - i, &cp);
        if (cp != SMZ_UTF8_INVALID && cp >= HAN_BITS_FROM && has_class(cp) &&
            !memmem(typed, tlen, s + i, k))
            return 0;
        i += k;
    }
    return 1;
}

int smz__han_expand(void *expander, int tflags, const char *tok, int n, int start, int end)
{
    const smz_han_expander *x = expander;
    const unsigned char *u = (const unsigned char *)tok;
    uint32_t alt[CHARS_MAX][CLASS_MAX];
    int nalt[CHARS_MAX], pick[CHARS_MAX];
    int nch = 0, maxsum = 0, rc = x->cb(x->ctx, tflags, tok, n, start, end);
    if (rc != SQLITE_OK || (tflags & FTS5_TOKEN_COLOCATED) || n <= 0 || n > SMZ_HAN_TOKEN_MAX ||
        !may_hold_han(tok, n))
        return rc;
    for (int i = 0; i < n; nch++) {
        uint32_t cp;
        if (nch == CHARS_MAX)
            return rc; /* longer than any CJK token: not one */
        i += (int)smz__utf8_next(u + i, (size_t)(n - i), &cp);
        if (cp == SMZ_UTF8_INVALID)
            return rc;
        nalt[nch] = class_of(cp, alt[nch], CLASS_MAX);
        maxsum += nalt[nch] - 1;
    }
    /* Every combination but the token itself (all picks 0), by the sum of
     * the picks, then in odometer order. */
    int emitted = 0;
    for (int sum = 1; sum <= maxsum && emitted < SMZ_HAN_VARIANTS_MAX - 1 && rc == SQLITE_OK; sum++) {
        memset(pick, 0, sizeof pick);
        for (;;) {
            int s = 0;
            for (int c = 0; c < nch; c++)
                s += pick[c];
            if (s == sum) {
                char buf[CHARS_MAX * 4];
                int len = 0;
                for (int c = 0; c < nch; c++)
                    len += (int)smz__utf8_put(alt[c][pick[c]], buf + len);
                rc = x->cb(x->ctx, FTS5_TOKEN_COLOCATED, buf, len, start, end);
                if (rc != SQLITE_OK || ++emitted == SMZ_HAN_VARIANTS_MAX - 1)
                    break;
            }
            int c = nch - 1; /* the next combination: the last character turns fastest */
            while (c >= 0 && ++pick[c] == nalt[c])
                pick[c--] = 0;
            if (c < 0)
                break;
        }
    }
    return rc;
}
