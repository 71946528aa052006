/* Shared helpers of the smz front-end (see cli.h). */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

smz_reader *cli_open(const char *path, smz_cache *cache)
{
    smz_reader *r = NULL;
    smz_err rc = smz_reader_open(path, cache, &r);
    if (rc == SMZ_OK)
        return r;
    fprintf(stderr, "smz: %s\n", r ? smz_reader_errmsg(r) : smz_strerror(rc));
    smz_reader_close(r);
    return NULL;
}

void cli_fail(const char *cmd, smz_reader *r, smz_err rc)
{
    const char *m = r ? smz_reader_errmsg(r) : "";
    fprintf(stderr, "smz %s: %s\n", cmd, m && *m ? m : smz_strerror(rc));
}

int cli_is_help(const char *arg)
{
    return !strcmp(arg, "-h") || !strcmp(arg, "--help");
}

struct cli_json {
    sqlite3 *db;
    sqlite3_stmt *q;
};

cli_json *cli_json_new(void)
{
    cli_json *j = calloc(1, sizeof *j);
    if (!j)
        return NULL;
    if (sqlite3_open_v2(":memory:", &j->db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(j->db, "SELECT json_quote(CAST(? AS TEXT))", -1, &j->q, NULL) != SQLITE_OK) {
        cli_json_free(j);
        return NULL;
    }
    return j;
}

void cli_json_free(cli_json *j)
{
    if (!j)
        return;
    sqlite3_finalize(j->q);
    sqlite3_close(j->db);
    free(j);
}

void cli_json_str(cli_json *j, FILE *out, const char *s, long len)
{
    sqlite3_bind_text(j->q, 1, s ? s : "", len < 0 ? -1 : (int)len, SQLITE_STATIC);
    if (sqlite3_step(j->q) == SQLITE_ROW)
        fputs((const char *)sqlite3_column_text(j->q, 0), out);
    else
        fputs("\"\"", out);
    sqlite3_reset(j->q);
}
