/* Unsigned LEB128 varints, as the entry blocks (docs/FORMAT.md), the update
 * files' tables and their lists of indexed entries (docs/UPDATES.md) write
 * them: at most 10 bytes, 64 bits, none longer than needed; and the zigzag
 * form that carries a signed number in one. */
#ifndef SMZ_UTIL_VARINT_H
#define SMZ_UTIL_VARINT_H

#include <stddef.h>
#include <stdint.h>

/* Writes V at OUT (room for 10 bytes); returns how many bytes. */
static inline size_t smz_varint_put(unsigned char *out, uint64_t v)
{
    size_t n = 0;
    do {
        out[n] = (unsigned char)(v & 0x7f);
        v >>= 7;
        if (v)
            out[n] |= 0x80;
        n++;
    } while (v);
    return n;
}

/* Reads one at *P (before END) into *V and moves *P past it: 1, or 0 when
 * it runs past END, past 64 bits, or is longer than needed. */
static inline int smz_varint_get(const unsigned char **p, const unsigned char *end, uint64_t *v)
{
    uint64_t x = 0;
    for (int shift = 0; shift < 70; shift += 7) {
        if (*p >= end)
            return 0;
        unsigned char c = *(*p)++;
        if (shift == 63 && (c & 0x7e)) /* past 64 bits */
            return 0;
        x |= (uint64_t)(c & 0x7f) << shift;
        if (!(c & 0x80)) {
            if (!c && shift) /* a trailing zero byte */
                return 0;
            *v = x;
            return 1;
        }
    }
    return 0;
}

static inline uint64_t smz_zigzag(int64_t v)
{
    return v < 0 ? (((uint64_t)(-(v + 1))) << 1) | 1 : (uint64_t)v << 1;
}

static inline int64_t smz_unzigzag(uint64_t v)
{
    return v & 1 ? -(int64_t)(v >> 1) - 1 : (int64_t)(v >> 1);
}

#endif
