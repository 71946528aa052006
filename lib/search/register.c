/* Registers on a connection what an archive's SQL needs: the "smz" FTS5
 * tokenizer and the smz_rank auxiliary function.  Writer and reader call
 * this before touching the search tables. */
#include <stdio.h>
#include "format.h"
#include "search/rank.h"
#include "search/tokenizer.h"

smz_err smz__db_register(sqlite3 *db, char *err, size_t errlen)
{
    smz_err rc = smz__tokenizer_register(db);
    if (rc == SMZ_OK)
        rc = smz__rank_register(db);
    if (rc != SMZ_OK && err && errlen)
        snprintf(err, errlen, "cannot register the search tokenizer: %s", smz_strerror(rc));
    return rc;
}
