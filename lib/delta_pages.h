/* Article pages an update does not carry (docs/UPDATES.md, "Article pages
 * rendered again"): smz-pack renders NAME.html from its original NAME.txt
 * or NAME.md (lib/article), and that original lies in the same cluster.
 * smz diff cuts such pages out of a cluster when rendering the original
 * again gives them byte for byte, and lists where they were; smz patch
 * renders them again from the originals and puts them back. */
#ifndef SMZ_DELTA_PAGES_H
#define SMZ_DELTA_PAGES_H

#include <stddef.h>
#include <stdint.h>
#include "smz/error.h"
#include "smz/reader.h"

/* A page made from an original lying in its cluster: where each lies in
 * the cluster's decoded bytes. */
typedef struct dp_page {
    int64_t cluster;
    uint64_t off, size, src_off, src_size;
    char *path, *src_path; /* malloc'd */
} dp_page;

typedef struct dp_set {
    dp_page *v; /* by cluster, then offset */
    size_t n, cap;
    /* The archive's metadata the pages were rendered with: its Title (the
     * link home's label), Language and MainPage; NULL when it has none. */
    char *title, *lang, *main;
    int flags;         /* diff: which of them its pages use (DP_*), -1 until found */
    dp_page **by_path; /* the pages again, by path */
} dp_set;

/* The pages of R that could have been rendered from an original in their
 * cluster, in the clusters ONLY names (N_ONLY ids, in ascending order),
 * into S (zeroed before; smz__dp_free).  SMZ_OK or an error (R's errmsg). */
smz_err smz__dp_scan(smz_reader *r, const int64_t *only, size_t n_only, dp_set *s);
void smz__dp_free(dp_set *s);

/* S's page at PATH, or NULL. */
const dp_page *smz__dp_find(const dp_set *s, const char *path);

/* diff: the pages of cluster CID (its decoded bytes DEC, USIZE of them)
 * that render again as they are, but for those OLD has as they are in
 * its cluster OLD_CID (decoded: REF, REF_LEN bytes), which a delta
 * against it carries for next to nothing.  *N gets how many; when there
 * are some, *LIST (the list: docs/UPDATES.md) and *CUT (DEC without them)
 * are malloc'd.  SMZ_OK or SMZ_E_NOMEM. */
smz_err smz__dp_cut(dp_set *s, int64_t cid, const unsigned char *dec, size_t usize, const dp_set *old,
                    int64_t old_cid, const unsigned char *ref, size_t ref_len, unsigned char **list,
                    size_t *list_len, unsigned char **cut, size_t *cut_len, size_t *n);

/* patch: cluster CID's USIZE decoded bytes again from LIST and CUT into
 * *OUT (malloc'd).  SMZ_E_CORRUPT when they do not fit S's pages or a
 * page does not render to its size, SMZ_E_NOMEM. */
smz_err smz__dp_paste(const dp_set *s, int64_t cid, const unsigned char *list, size_t list_len,
                      const unsigned char *cut, size_t cut_len, uint64_t usize, unsigned char **out);

#endif
