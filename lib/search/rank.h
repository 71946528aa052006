/* The smz_rank FTS5 auxiliary function: relevance for an index that keeps
 * columns but not positions (see rank.c). */
#ifndef SMZ_SEARCH_RANK_H
#define SMZ_SEARCH_RANK_H

#include <sqlite3.h>
#include "smz/error.h"

/* Registers smz_rank on DB.  Returns SMZ_OK, SMZ_E_UNSUPPORTED without FTS5,
 * or SMZ_E_NOMEM. */
smz_err smz__rank_register(sqlite3 *db);

#endif
