/* TEMPORARY, until the search library lands: stubs of include/smz/search.h
 * so that bin/smz links.  Every call answers SMZ_E_UNSUPPORTED, which the
 * server already handles (an archive packed with --no-index has no index).
 * Delete this file when lib/ provides smz_search and smz_suggest. */
#include <stdlib.h>
#include "smz/search.h"

smz_err smz_search(smz_reader *r, const char *query, size_t limit, size_t offset, smz_results **out)
{
    (void)r, (void)query, (void)limit, (void)offset;
    *out = NULL;
    return SMZ_E_UNSUPPORTED;
}

smz_err smz_suggest(smz_reader *r, const char *prefix, size_t limit, smz_results **out)
{
    (void)r, (void)prefix, (void)limit;
    *out = NULL;
    return SMZ_E_UNSUPPORTED;
}

void smz_results_free(smz_results *res)
{
    free(res);
}
