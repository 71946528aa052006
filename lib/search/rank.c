/* smz_rank(TABLE), smz_rank(TABLE, 'all'[, TF[, N]]) and smz_rank(TABLE,
 * 'ideal'[, N]): the relevance of a row, higher is better, as an FTS5 auxiliary
 * function.
 *
 * It is BM25 as the index can afford it (k1 = 1.2, b = 0.75).  The index
 * keeps no positions; it keeps how often a token occurs in a page only as
 * the level of its count, for the page's most frequent tokens (term-
 * frequency tokens, search/tokenizer.h), which the caller reads into TF
 * before the query: a phrase at level L counts as the geometric middle of
 * its level's range (2-3 times: 2.45), any other once, normalized by the
 * column's length.  'ideal' gives what a row would score if every phrase
 * occurred in it without end: the sum of the phrases' idf times (k1 + 1),
 * which a query's scores are divided by so that they compare across
 * archives (a word common in one archive and rare in another weighs as
 * much in both: what counts is how well a page matches).  N: only the first
 * N phrases count (those a page must hold; excluded ones follow).  With
 * 'all' every
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
#include "smz/error.h"

#define K1 1.2
#define B 0.75
#define MAX_COLS 8
#define HUB_WEIGHT 0.1

typedef struct rank_data {
    int nphrase;
    double avg[MAX_COLS];
    double idf[]; /* nphrase */
} rank_data;

/* ---- the term-frequency map: rowid -> each phrase's level ---- */

typedef struct tf_row {
    sqlite3_int64 rowid;
    unsigned char used;
    unsigned char hub;
    unsigned char level[SMZ_TF_PHRASES];
} tf_row;

struct smz_tf_map {
    int nphrase;
    size_t n, cap; /* cap: a power of two */
    tf_row *rows;
};

smz_tf_map *smz__tf_map_new(int nphrase)
{
    smz_tf_map *m = sqlite3_malloc(sizeof *m);
    if (!m)
        return NULL;
    memset(m, 0, sizeof *m);
    m->nphrase = nphrase < SMZ_TF_PHRASES ? nphrase : SMZ_TF_PHRASES;
    return m;
}

void smz__tf_map_free(void *p)
{
    smz_tf_map *m = p;
    if (!m)
        return;
    sqlite3_free(m->rows);
    sqlite3_free(m);
}

static size_t tf_slot_of(const smz_tf_map *m, sqlite3_int64 rowid)
{
    size_t j = (size_t)(((sqlite3_uint64)rowid * 0x9E3779B97F4A7C15ull) >> 20) & (m->cap - 1);
    while (m->rows[j].used && m->rows[j].rowid != rowid)
        j = (j + 1) & (m->cap - 1);
    return j;
}

/* The row of ROWID in M, added if new (NULL: out of memory). */
static tf_row *tf_row_of(smz_tf_map *m, sqlite3_int64 rowid)
{
    if ((m->n + 1) * 2 > m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 256;
        tf_row *rows = sqlite3_malloc64(cap * sizeof *rows);
        if (!rows)
            return NULL;
        memset(rows, 0, cap * sizeof *rows);
        tf_row *old = m->rows;
        size_t ocap = m->cap;
        m->rows = rows;
        m->cap = cap;
        for (size_t k = 0; k < ocap; k++)
            if (old[k].used)
                m->rows[tf_slot_of(m, old[k].rowid)] = old[k];
        sqlite3_free(old);
    }
    size_t j = tf_slot_of(m, rowid);
    if (!m->rows[j].used) {
        m->rows[j].used = 1;
        m->rows[j].rowid = rowid;
        m->n++;
    }
    return &m->rows[j];
}

smz_err smz__tf_map_put(smz_tf_map *m, sqlite3_int64 rowid, int i, int level)
{
    if (i < 0 || i >= m->nphrase || level < 1 || level > SMZ_TF_LEVELS)
        return SMZ_OK;
    tf_row *row = tf_row_of(m, rowid);
    if (!row)
        return SMZ_E_NOMEM;
    if (row->level[i] < level)
        row->level[i] = (unsigned char)level;
    return SMZ_OK;
}

smz_err smz__tf_map_hub(smz_tf_map *m, sqlite3_int64 rowid)
{
    tf_row *row = tf_row_of(m, rowid);
    if (!row)
        return SMZ_E_NOMEM;
    row->hub = 1;
    return SMZ_OK;
}

/* How often phrase I occurs in ROWID, as far as M tells (1 when it does
 * not). */
static double tf_of(const smz_tf_map *m, sqlite3_int64 rowid, int i)
{
    /* The geometric middle of each level's range: 2-3, 4-7, 8-15, 16-31,
     * 32 and more (taken as 32-63). */
    static const double mid[SMZ_TF_LEVELS + 1] = {1.0, 2.449, 5.292, 10.954, 22.271, 44.900};
    if (!m || !m->n || i >= m->nphrase)
        return 1.0;
    size_t j = tf_slot_of(m, rowid);
    return m->rows[j].used ? mid[m->rows[j].level[i]] : 1.0;
}

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
        /* Rounded to 1e-9: the one transcendental function here, whose
         * last bit may differ between C libraries, and the browser reader
         * (WebAssembly) must rank and print as smz serve does. */
        d->idf[i] = round(log(1.0 + ((double)(rows - n) + 0.5) / ((double)n + 0.5)) * 1e9) / 1e9;
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
    const smz_tf_map *tf = all && argc > 1 ? sqlite3_value_pointer(argv[1], SMZ_TF_MAP_TYPE) : NULL;
    sqlite3_int64 rowid = tf ? api->xRowid(fts) : 0;
    int rc = prepare(api, fts, &d);
    if (rc != SQLITE_OK) {
        sqlite3_result_error_code(ctx, rc);
        return;
    }
    /* The phrases a row must hold come first; excluded ones, after them,
     * are in no row ranked. */
    int counted = d->nphrase, ideal = mode && !strcmp((const char *)mode, "ideal");
    int narg = ideal ? 1 : all ? 2 : argc;
    if (argc > narg && sqlite3_value_type(argv[narg]) == SQLITE_INTEGER) {
        sqlite3_int64 k = sqlite3_value_int64(argv[narg]);
        if (k >= 0 && k < counted)
            counted = (int)k;
    }
    if (mode && !strcmp((const char *)mode, "prior")) {
        /* A hub (a page mostly of links) after the pages it points to. */
        const smz_tf_map *m = argc > 1 ? sqlite3_value_pointer(argv[1], SMZ_TF_MAP_TYPE) : NULL;
        size_t j = m && m->n ? tf_slot_of(m, api->xRowid(fts)) : 0;
        sqlite3_result_double(ctx, m && m->n && m->rows[j].used && m->rows[j].hub ? HUB_WEIGHT : 1.0);
        return;
    }
    if (ideal) {
        for (int i = 0; i < counted; i++)
            score += d->idf[i] * (K1 + 1.0);
        sqlite3_result_double(ctx, score > 0 ? score : 1.0);
        return;
    }
    for (int i = 0; i < counted; i++) {
        Fts5PhraseIter it;
        int col = 0;
        if (!all && (rc = api->xPhraseFirstColumn(fts, i, &it, &col)) != SQLITE_OK)
            break;
        while (col >= 0) {
            int len = 0;
            if (col >= MAX_COLS || (rc = api->xColumnSize(fts, col, &len)) != SQLITE_OK)
                break;
            double norm = 1.0 - B + B * (double)(len > 0 ? len : 0) / d->avg[col];
            double f = tf_of(tf, rowid, i);
            score += d->idf[i] * f * (K1 + 1.0) / (f + K1 * norm);
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
