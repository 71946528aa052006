/* The clusters table's b-tree pages before its overflow pages (layout.h).
 *
 * With B the table's b-tree pages other than its root (few: a leaf holds
 * the cells of about seven clusters) in key order, and R the pages from
 * the first of the table's other pages to the file's last: B goes to the
 * start of R in that order and each other page of R (an overflow page)
 * moves up by the number of B's pages after it, keeping its order.  Every
 * page of R but B's is checked to be on an overflow chain of one of the
 * table's rows first; the overflow pages are then rewritten from the last
 * to the first (each moves up, never onto one not yet read), run by run,
 * with their next-page numbers mapped, and B's pages, held in memory,
 * written last with their children's and overflow pages' numbers mapped,
 * the root in its place too. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "layout.h"
#include "error.h"
#include "util/file.h"
#include "util/sqlite_page.h"

#define MAX_DEPTH 40
#define RUN_BYTES ((size_t)1 << 20)

typedef struct tree {
    int fd;
    uint32_t psz, usable, npages;
    uint32_t *bt;          /* B's page numbers in key order, then sorted in BS */
    uint32_t *bs;          /* B sorted */
    unsigned char *bpages; /* B's pages, in BT's order */
    size_t nb, cap;
    uint32_t *first; /* each row's first overflow page, in key order */
    size_t nfirst, capf;
    uint32_t lo; /* R's first page */
    const char *path;
    char *err;
    size_t errlen;
} tree;

static int read_at(tree *t, void *buf, size_t n, uint64_t off)
{
    int e = smz__pread_all(t->fd, buf, n, off);
    if (e)
        smz__errf(t->err, t->errlen, SMZ_E_IO, "cannot read %s: %s", t->path, strerror(e));
    return e ? -1 : 0;
}

static int write_at(tree *t, const void *buf, size_t n, uint64_t off)
{
    int e = smz__pwrite_all(t->fd, buf, n, off);
    if (e)
        smz__errf(t->err, t->errlen, e == ENOSPC || e == EDQUOT ? SMZ_E_NOSPACE : SMZ_E_IO,
                  "cannot write %s: %s", t->path, strerror(e));
    return e ? -1 : 0;
}

static int grow(void **p, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return 0;
    size_t c = *cap ? *cap * 2 : 64;
    void *q = realloc(*p, c * size);
    if (!q)
        return -1;
    *p = q;
    *cap = c;
    return 0;
}

/* Cell pointer I of the b-tree page PG (header at 0, 8 or 12 bytes). */
static unsigned cell_at(const tree *t, const unsigned char *pg, unsigned hdr, unsigned i)
{
    unsigned co = smz_sqlite_be16(pg + hdr + 2 * i);
    return co >= hdr && co < t->usable ? co : 0;
}

/* The offset in the leaf PG of cell CO's overflow page number, or 0 when
 * the row has none; -1 when the cell is not sound. */
static long leaf_overflow(const tree *t, const unsigned char *pg, unsigned co)
{
    smz_sqlite_cell c;
    if (smz_sqlite_leaf_cell(pg + co, pg + t->usable, t->usable, &c) != 0)
        return -1;
    return c.overflow ? (long)(co + c.overflow) : 0;
}

/* Walks the subtree of page P (not the root: kept in B), key order. */
static int walk(tree *t, uint32_t p, int depth, int is_root)
{
    unsigned char *pg;
    if (depth > MAX_DEPTH || p < 2 || p > t->npages)
        return 1;
    if (!is_root) {
        if (grow((void **)&t->bt, &t->cap, t->nb, sizeof *t->bt) != 0)
            return -1;
        unsigned char *bp = realloc(t->bpages, t->cap * (size_t)t->psz);
        if (!bp)
            return -1;
        t->bpages = bp;
        t->bt[t->nb] = p;
        pg = t->bpages + t->nb++ * (size_t)t->psz;
    } else if (!(pg = malloc(t->psz))) {
        return -1;
    }
    int rc = read_at(t, pg, t->psz, (uint64_t)(p - 1) * t->psz) != 0 ? -2 : 0;
    unsigned cells = rc ? 0 : smz_sqlite_be16(pg + 3);
    if (!rc && pg[0] == 0x05) {
        /* Copied before the recursion: B's buffer moves as it grows. */
        uint32_t *kids = malloc(((size_t)cells + 1) * sizeof *kids);
        if (!kids)
            rc = -1;
        for (unsigned i = 0; !rc && i < cells; i++) {
            unsigned co = cell_at(t, pg, 12, i);
            if (!co || co + 4 > t->usable)
                rc = 1;
            else
                kids[i] = smz_sqlite_be32(pg + co);
        }
        if (!rc)
            kids[cells] = smz_sqlite_be32(pg + 8);
        if (is_root)
            free(pg);
        for (unsigned i = 0; !rc && i <= cells; i++)
            rc = walk(t, kids[i], depth + 1, 0);
        free(kids);
        return rc;
    }
    if (!rc && pg[0] == 0x0d) {
        for (unsigned i = 0; !rc && i < cells; i++) {
            unsigned co = cell_at(t, pg, 8, i);
            long at = co ? leaf_overflow(t, pg, co) : -1;
            if (at < 0)
                rc = 1;
            else if (at > 0 && grow((void **)&t->first, &t->capf, t->nfirst, sizeof *t->first) != 0)
                rc = -1;
            else if (at > 0)
                t->first[t->nfirst++] = smz_sqlite_be32(pg + at);
        }
    } else if (!rc) {
        rc = 1; /* not a table b-tree page */
    }
    if (is_root)
        free(pg);
    return rc;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* How many of B's pages are above P. */
static size_t above(const tree *t, uint32_t p)
{
    size_t lo = 0, hi = t->nb; /* the first of BS above P */
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (t->bs[mid] <= p)
            lo = mid + 1;
        else
            hi = mid;
    }
    return t->nb - lo;
}

/* Where page P goes (P itself outside R). */
static uint32_t moved(const tree *t, uint32_t p)
{
    if (p < t->lo || p > t->npages)
        return p;
    size_t a = above(t, p);
    if (a < t->nb && t->bs[t->nb - a - 1] == p) { /* one of B's: its place in key order */
        for (size_t i = 0; i < t->nb; i++)
            if (t->bt[i] == p)
                return t->lo + (uint32_t)i;
    }
    return p + (uint32_t)a;
}

/* Maps the page numbers in the b-tree page PG. */
static void map_tree_page(const tree *t, unsigned char *pg)
{
    unsigned cells = smz_sqlite_be16(pg + 3);
    if (pg[0] == 0x05) {
        for (unsigned i = 0; i < cells; i++) {
            unsigned co = cell_at(t, pg, 12, i);
            smz_sqlite_put_be32(pg + co, moved(t, smz_sqlite_be32(pg + co)));
        }
        smz_sqlite_put_be32(pg + 8, moved(t, smz_sqlite_be32(pg + 8)));
        return;
    }
    for (unsigned i = 0; i < cells; i++) {
        long at = leaf_overflow(t, pg, cell_at(t, pg, 8, i));
        if (at > 0)
            smz_sqlite_put_be32(pg + at, moved(t, smz_sqlite_be32(pg + at)));
    }
}

smz_err smz__layout_tree_first(const char *path, uint32_t root, char *err, size_t errlen)
{
    tree t;
    unsigned char hdr[100], *run = NULL, *rootpg = NULL, *seen = NULL;
    smz_err rc = SMZ_OK;
    memset(&t, 0, sizeof t);
    t.path = path;
    t.err = err;
    t.errlen = errlen;
    t.fd = open(path, O_RDWR | O_CLOEXEC);
    if (t.fd < 0)
        return smz__errf(err, errlen, SMZ_E_IO, "cannot open %s: %s", path, strerror(errno));
    if (read_at(&t, hdr, sizeof hdr, 0) != 0) {
        rc = SMZ_E_IO;
        goto out;
    }
    t.psz = smz_sqlite_be16(hdr + 16) == 1 ? 65536 : smz_sqlite_be16(hdr + 16);
    t.usable = t.psz - hdr[20];
    t.npages = smz_sqlite_be32(hdr + 28);
    /* Only a file as VACUUM leaves it: no free page, the count valid. */
    struct stat st;
    if (t.psz < 512 || (t.psz & (t.psz - 1)) || t.usable < 480 || smz_sqlite_be32(hdr + 36) ||
        smz_sqlite_be32(hdr + 24) != smz_sqlite_be32(hdr + 92) || root < 2 || root > t.npages ||
        fstat(t.fd, &st) != 0 || (uint64_t)st.st_size != (uint64_t)t.npages * t.psz)
        goto out;
    int w = walk(&t, root, 0, 1);
    if (w == -2) {
        rc = SMZ_E_IO;
        goto out;
    }
    if (w < 0) {
        rc = smz__errf(err, errlen, SMZ_E_NOMEM, "out of memory");
        goto out;
    }
    if (w > 0 || !t.nb)
        goto out; /* not a sound tree (left alone), or nothing to move */
    if (!(t.bs = malloc(t.nb * sizeof *t.bs))) {
        rc = smz__errf(err, errlen, SMZ_E_NOMEM, "out of memory");
        goto out;
    }
    memcpy(t.bs, t.bt, t.nb * sizeof *t.bs);
    qsort(t.bs, t.nb, sizeof *t.bs, cmp_u32);
    t.lo = t.bs[0];
    for (size_t i = 0; i < t.nfirst; i++)
        if (t.first[i] < t.lo)
            t.lo = t.first[i];
    if (t.lo <= root)
        goto out;
    /* R holds B and the rows' overflow pages, each once, and nothing else. */
    uint32_t n = t.npages - t.lo + 1;
    if (!(seen = calloc(n, 1))) {
        rc = smz__errf(err, errlen, SMZ_E_NOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < t.nb; i++)
        seen[t.bt[i] - t.lo] = 1;
    uint64_t count = t.nb;
    for (size_t i = 0; i < t.nfirst; i++) {
        for (uint32_t p = t.first[i]; p;) {
            unsigned char next[4];
            if (p < t.lo || p > t.npages || seen[p - t.lo])
                goto out; /* outside R, or twice: left alone */
            seen[p - t.lo] = 1;
            count++;
            if (read_at(&t, next, 4, (uint64_t)(p - 1) * t.psz) != 0) {
                rc = SMZ_E_IO;
                goto out;
            }
            p = smz_sqlite_be32(next);
        }
    }
    if (count != n)
        goto out;
    /* The overflow pages, last first, run by run (pages between two of
     * B's move up alike), a chunk at a time from the run's end. */
    size_t per = RUN_BYTES / t.psz ? RUN_BYTES / t.psz : 1;
    if (!(run = malloc(per * t.psz)) || !(rootpg = malloc(t.psz))) {
        rc = smz__errf(err, errlen, SMZ_E_NOMEM, "out of memory");
        goto out;
    }
    uint32_t hi = t.npages;
    for (size_t k = t.nb + 1; k-- > 0;) {
        /* The run above bs[k-1] (k > 0), or from R's start (k == 0). */
        uint32_t from = k ? t.bs[k - 1] + 1 : t.lo;
        uint32_t shift = (uint32_t)(t.nb - k);
        while (hi >= from && hi > 0) {
            uint32_t m = hi - from + 1 < per ? hi - from + 1 : (uint32_t)per, first = hi - m + 1;
            if (read_at(&t, run, (size_t)m * t.psz, (uint64_t)(first - 1) * t.psz) != 0) {
                rc = SMZ_E_IO;
                goto out;
            }
            int changed = shift != 0;
            for (uint32_t i = 0; i < m; i++) {
                unsigned char *pg = run + (size_t)i * t.psz;
                uint32_t next = smz_sqlite_be32(pg), to = moved(&t, next);
                changed |= to != next;
                smz_sqlite_put_be32(pg, to);
            }
            /* The run above B's last page stays, its next-page numbers too
             * (they point on, past B): nothing to write there. */
            if (changed &&
                write_at(&t, run, (size_t)m * t.psz, (uint64_t)(first + shift - 1) * t.psz) != 0) {
                rc = SMZ_E_IO;
                goto out;
            }
            hi = first - 1;
        }
        hi = k ? t.bs[k - 1] - 1 : 0;
    }
    /* B at R's start, then the root in its place. */
    for (size_t i = 0; i < t.nb; i++) {
        unsigned char *pg = t.bpages + i * (size_t)t.psz;
        map_tree_page(&t, pg);
        if (write_at(&t, pg, t.psz, (uint64_t)(t.lo + i - 1) * t.psz) != 0) {
            rc = SMZ_E_IO;
            goto out;
        }
    }
    if (read_at(&t, rootpg, t.psz, (uint64_t)(root - 1) * t.psz) != 0) {
        rc = SMZ_E_IO;
        goto out;
    }
    map_tree_page(&t, rootpg);
    if (write_at(&t, rootpg, t.psz, (uint64_t)(root - 1) * t.psz) != 0)
        rc = SMZ_E_IO;
out:
    if (t.fd >= 0 && close(t.fd) != 0 && rc == SMZ_OK)
        rc = smz__errf(err, errlen, SMZ_E_IO, "cannot write %s: %s", path, strerror(errno));
    free(t.bt);
    free(t.bs);
    free(t.bpages);
    free(t.first);
    free(seen);
    free(run);
    free(rootpg);
    return rc;
}
