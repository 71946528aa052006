/* TEMPORARY until lib/search lands. */
#include "format.h"
smz_err smz_db_register(sqlite3 *db, char *err, size_t errlen)
{
    (void)db; (void)err; (void)errlen;
    return SMZ_OK;
}
