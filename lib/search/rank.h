/* The smz_rank FTS5 auxiliary function: relevance for an index that keeps
 * columns but not positions (see rank.c). */
#ifndef SMZ_SEARCH_RANK_H
#define SMZ_SEARCH_RANK_H

#include <sqlite3.h>
#include "smz/error.h"

/* How often each phrase of a query occurs in the pages that hold it, as
 * far as the index's term-frequency tokens tell (search/tokenizer.h): built
 * by the caller before the ranking query, then handed to smz_rank as its
 * last argument (sqlite3_bind_pointer, type SMZ_TF_MAP_TYPE). */
typedef struct smz_tf_map smz_tf_map;
#define SMZ_TF_MAP_TYPE "smz_tf_map"
/* Phrases of one query given a frequency; later ones count once. */
#define SMZ_TF_PHRASES 32

/* An empty map for NPHRASE phrases (at most SMZ_TF_PHRASES are kept). */
smz_tf_map *smz__tf_map_new(int nphrase);
/* Records that phrase I occurs at LEVEL (1..SMZ_TF_LEVELS) in row ROWID;
 * the highest level recorded wins.  SMZ_OK or SMZ_E_NOMEM. */
smz_err smz__tf_map_put(smz_tf_map *m, sqlite3_int64 rowid, int i, int level);
/* Records that row ROWID is a hub (tokenizer.h: mostly links).  SMZ_OK or
 * SMZ_E_NOMEM. */
smz_err smz__tf_map_hub(smz_tf_map *m, sqlite3_int64 rowid);
/* Frees M; M may be NULL (for the pointer's destructor: sqlite3_free-like). */
void smz__tf_map_free(void *m);

/* Registers smz_rank on DB.  Returns SMZ_OK, SMZ_E_UNSUPPORTED without FTS5,
 * or SMZ_E_NOMEM. */
smz_err smz__rank_register(sqlite3 *db);

#endif
