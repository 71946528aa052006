/* Reading SQLite's own file format (https://www.sqlite.org/fileformat.html),
 * where the library reads b-tree pages itself: the update's extents of
 * cluster data (lib/delta.c), where an archive's entry table starts
 * (smz_reader_tail, lib/reader.c) and the packer's move of the clusters'
 * b-tree pages (lib/layout.c).  Every read is bounded by END. */
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

/* A table b-tree leaf cell (SQLite's file format, 1.6 and 2.3). */
typedef struct smz_sqlite_cell {
    uint64_t payload, rowid;
    uint64_t head;     /* the bytes of its two varints: its local payload starts there */
    uint64_t local;    /* the payload's bytes on the page */
    uint64_t overflow; /* where its first overflow page's number lies (from the cell's
                          start), when PAYLOAD > LOCAL; else 0 */
} smz_sqlite_cell;

/* The cell at CELL of a leaf whose usable bytes end at END (USABLE bytes a
 * page) into *C: 0; -1 when its varints run past END; -2 when its local
 * payload, or its overflow page's number, does. */
static inline int smz_sqlite_leaf_cell(const unsigned char *cell, const unsigned char *end,
                                       uint64_t usable, smz_sqlite_cell *c)
{
    int a = smz_sqlite_varint(cell, end, &c->payload),
        b = a > 0 ? smz_sqlite_varint(cell + a, end, &c->rowid) : -1;
    if (b < 0)
        return -1;
    c->head = (uint64_t)a + (uint64_t)b;
    c->local = smz_sqlite_leaf_local(c->payload, usable);
    c->overflow = c->payload > c->local ? c->head + c->local : 0;
    return (uint64_t)(end - cell) < c->head + c->local + (c->overflow ? 4 : 0) ? -2 : 0;
}

static inline uint32_t smz_sqlite_be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void smz_sqlite_put_be32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

static inline unsigned smz_sqlite_be16(const unsigned char *p)
{
    return (unsigned)p[0] << 8 | p[1];
}

#endif
