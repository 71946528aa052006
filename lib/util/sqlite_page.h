/* Reading SQLite's own file format (https://www.sqlite.org/fileformat.html),
 * where the library reads b-tree pages itself: the update's extents of
 * cluster data (lib/delta.c) and where an archive's entry table starts
 * (smz_reader_tail, lib/reader.c).  Every read is bounded by END. */
#ifndef SMZ_UTIL_SQLITE_PAGE_H
#define SMZ_UTIL_SQLITE_PAGE_H

#include <stdint.h>

/* SQLite's varint at P (before END) into *V: its length (1 to 9), or -1
 * when it runs past END. */
static inline int smz_sqlite_varint(const unsigned char *p, const unsigned char *end, uint64_t *v)
{
    *v = 0;
    for (int i = 0; i < 9; i++) {
        if (p + i >= end)
            return -1;
        if (i == 8) {
            *v = *v << 8 | p[i];
            return 9;
        }
        *v = *v << 7 | (p[i] & 0x7f);
        if (!(p[i] & 0x80))
            return i + 1;
    }
    return -1;
}

/* How many of a table leaf cell's P payload bytes lie on its page, with
 * USABLE bytes a page (the rest is on overflow pages, whose first one's
 * number follows them). */
static inline uint64_t smz_sqlite_leaf_local(uint64_t P, uint64_t usable)
{
    uint64_t X = usable - 35, M = ((usable - 12) * 32 / 255) - 23, K = M + ((P - M) % (usable - 4));
    return P <= X ? P : K <= X ? K : M;
}

static inline uint32_t smz_sqlite_be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline unsigned smz_sqlite_be16(const unsigned char *p)
{
    return (unsigned)p[0] << 8 | p[1];
}

#endif
