/* smz_rank(TABLE) and smz_rank(TABLE, 'all'): the relevance of a row,
 * higher is better, as an FTS5 auxiliary function.
 *
 * It is BM25 as the index can afford it.  The index does not keep how often
 * a token occurs in a row, so each column a phrase occurs in counts once,
 * normalized by the column's length (k1 = 1.2, b = 0.75).  With 'all' every
 * phrase counts as present in the first column: right for a row matched by
 * an AND of the phrases in a detail=none table, which cannot tell.  FTS5's own bm25() clamps the
 * inverse document frequency of a token found in more than half of the rows
 * to almost nothing, which makes every page of a manual about databases
 * equal for "create index"; here it is Lucene's log(1 + (N - n + 0.5) /
 * (n + 0.5)), positive for every token, so rarer words still weigh more. */
#include <math.h>
#include <string.h>
#include "search/rank.h"
#include "search/tokenizer.h"

#define K1 1.2
#define B 0.75
#define MAX_COLS 8

typedef struct rank_data {
    int nphrase;
    double avg[MAX_COLS];
    double idf[]; /* nphrase */
} rank_data;

static int count_cb(const Fts5ExtensionApi *api, Fts5Context *fts, void *ctx)
{
    (void)api;
    (void)fts;
    ++*(sqlite3_int64 *)ctx;
    return SQLITE_OK;
}

/* The per-query part: each phrase's idf and each column's mean length. */
static int prepare(const Fts5ExtensionApi *api, Fts5Context *fts, rank_data **out)
{
    rank_data *d = api->xGetAuxdata(fts, 0);
    if (d) {
        *out = d;
        return SQLITE_OK;
    }
    int nphrase = api->xPhraseCount(fts), ncol = api->xColumnCount(fts), rc;
    sqlite3_int64 rows = 0;
    if (nphrase < 0 || ncol < 1 || ncol > MAX_COLS)
        return SQLITE_ERROR;
    if (!(d = sqlite3_malloc64(sizeof *d + (sqlite3_uint64)nphrase * sizeof(double))))
        return SQLITE_NOMEM;
    memset(d, 0, sizeof *d);
    d->nphrase = nphrase;
    if ((rc = api->xRowCount(fts, &rows)) != SQLITE_OK)
        goto fail;
    if (rows < 1)
        rows = 1;
    for (int c = 0; c < ncol; c++) {
        sqlite3_int64 total = 0;
        if ((rc = api->xColumnTotalSize(fts, c, &total)) != SQLITE_OK)
            goto fail;
        d->avg[c] = total > 0 ? (double)total / (double)rows : 1.0;
    }
    for (int i = 0; i < nphrase; i++) {
        sqlite3_int64 n = 0;
        if ((rc = api->xQueryPhrase(fts, i, &n, count_cb)) != SQLITE_OK)
            goto fail;
        if (n > rows)
            n = rows; /* a hostile index may say anything */
        d->idf[i] = log(1.0 + ((double)(rows - n) + 0.5) / ((double)n + 0.5));
    }
    if ((rc = api->xSetAuxdata(fts, d, sqlite3_free)) != SQLITE_OK)
        return rc; /* xSetAuxdata freed D */
    *out = d;
    return SQLITE_OK;
fail:
    sqlite3_free(d);
    return rc;
}

static void rank_fn(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx, int argc,
                    sqlite3_value **argv)
{
    rank_data *d = NULL;
    double score = 0;
    const unsigned char *mode = argc > 0 ? sqlite3_value_text(argv[0]) : NULL;
    int all = mode && !strcmp((const char *)mode, "all");
    int rc = prepare(api, fts, &d);
    if (rc != SQLITE_OK) {
        sqlite3_result_error_code(ctx, rc);
        return;
    }
    for (int i = 0; i < d->nphrase; i++) {
        Fts5PhraseIter it;
        int col = 0;
        if (!all && (rc = api->xPhraseFirstColumn(fts, i, &it, &col)) != SQLITE_OK)
            break;
        while (col >= 0) {
            int len = 0;
            if (col >= MAX_COLS || (rc = api->xColumnSize(fts, col, &len)) != SQLITE_OK)
                break;
            double norm = 1.0 - B + B * (double)(len > 0 ? len : 0) / d->avg[col];
            score += d->idf[i] * (K1 + 1.0) / (1.0 + K1 * norm);
            if (all)
                break;
            api->xPhraseNextColumn(fts, &it, &col);
        }
        if (rc != SQLITE_OK)
            break;
    }
    if (rc != SQLITE_OK)
        sqlite3_result_error_code(ctx, rc);
    else
        sqlite3_result_double(ctx, score);
}

smz_err smz__rank_register(sqlite3 *db)
{
    fts5_api *api;
    smz_err rc = smz__fts5_api(db, &api);
    if (rc != SMZ_OK)
        return rc;
    int src = api->xCreateFunction(api, "smz_rank", NULL, rank_fn, NULL);
    return src == SQLITE_OK ? SMZ_OK : src == SQLITE_NOMEM ? SMZ_E_NOMEM : SMZ_E_INTERNAL;
}
