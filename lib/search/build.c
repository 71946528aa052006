/* Building the full-text index: see build.h. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "format.h"
#include "search/build.h"

smz_err smz__index_compose(const char *title, const char *text, size_t tl, const char *emphasis,
                           size_t el, char **all, size_t *total, size_t *nl, int *em)
{
    size_t n = title ? strlen(title) : 0;
    if (!text)
        tl = 0;
    /* After the text, its emphasis (headings), which the tokenizer counts
     * for the term frequencies but does not index (docs/FORMAT.md, Term
     * frequencies). */
    if (!text || !emphasis || tl + el >= INT_MAX / 2)
        el = 0;
    size_t t = n + 1 + tl + (el ? 1 + el : 0);
    char *a = malloc(t + 1);
    if (!a)
        return SMZ_E_NOMEM;
    if (n)
        memcpy(a, title, n);
    a[n] = '\n';
    if (tl)
        memcpy(a + n + 1, text, tl);
    if (el) {
        a[n + 1 + tl] = '\n';
        memcpy(a + n + 1 + tl + 1, emphasis, el);
    }
    a[t] = 0;
    *all = a;
    *total = t;
    *nl = n;
    *em = el ? (int)(n + 1 + tl + 1) : -1;
    return SMZ_OK;
}

int smz__index_configure(sqlite3 *db)
{
    return sqlite3_exec(
        db,
        "INSERT INTO main.search_fts(search_fts, rank) VALUES('hashsize', " SMZ_INDEX_HASHSIZE_STR
        "); INSERT INTO main.search_title(search_title, rank) VALUES('hashsize', " SMZ_INDEX_HASHSIZE_STR
        ")",
        NULL, NULL, NULL);
}

static int step_once(sqlite3_stmt *s)
{
    int src = sqlite3_step(s);
    sqlite3_reset(s);
    return src;
}

int smz__index_insert(smz_tok_settings *tok, sqlite3_stmt *fts, sqlite3_stmt *title, int64_t id,
                      const char *all, size_t total, size_t nl, int em, int hub)
{
    /* search_fts gets the title and the text as one column (a query's
     * words may be spread over both); search_title, the title alone (for
     * ranking and suggestions).  The title's words, in both, get their
     * unstemmed forms too (docs/FORMAT.md). */
    smz__tokenizer_set(tok, (int)nl, 1, em, hub);
    sqlite3_bind_int64(fts, 1, id);
    sqlite3_bind_text(fts, 2, all, (int)total, SQLITE_STATIC);
    int src = step_once(fts);
    sqlite3_clear_bindings(fts);
    smz__tokenizer_set(tok, (int)nl, 0, -1, 0);
    if (src == SQLITE_DONE && nl) {
        sqlite3_bind_int64(title, 1, id);
        sqlite3_bind_text(title, 2, all, (int)nl, SQLITE_STATIC);
        src = step_once(title);
        sqlite3_clear_bindings(title);
    }
    return src;
}

/* An index of up to SMZ_ONE_LEAF bytes becomes one leaf: FTS5 cuts its
 * segments into leaves of 4 KB (its pgsz), and each leaf's last page is
 * part empty, which on a small archive's 512-byte pages is a tenth of the
 * index (the samples: 2 of 23 pages).  A reader reads any leaf size; a
 * large index keeps FTS5's, which bounds what a term's lookup reads. */
int smz__index_optimize(sqlite3 *db)
{
    static const char *const tables[] = {"search_fts", "search_title"};
    char sql[256];
    for (size_t i = 0; i < sizeof tables / sizeof *tables; i++) {
        sqlite3_stmt *q = NULL;
        snprintf(sql, sizeof sql, "SELECT total(length(block)) FROM main.%s_data", tables[i]);
        int src = sqlite3_prepare_v2(db, sql, -1, &q, NULL);
        double bytes = src == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_double(q, 0)
                                                                         : -1;
        sqlite3_finalize(q);
        if (bytes < 0)
            return src == SQLITE_OK ? SQLITE_ERROR : src;
        int n = bytes <= SMZ_ONE_LEAF
                    ? snprintf(sql, sizeof sql,
                               "INSERT INTO main.%s(%s, rank) VALUES('pgsz', %u); "
                               "INSERT INTO main.%s(%s) VALUES('optimize')",
                               tables[i], tables[i], SMZ_ONE_LEAF, tables[i], tables[i])
                    : snprintf(sql, sizeof sql, "INSERT INTO main.%s(%s) VALUES('optimize')", tables[i],
                               tables[i]);
        if (n < 0 || (size_t)n >= sizeof sql)
            return SQLITE_ERROR;
        if ((src = sqlite3_exec(db, sql, NULL, NULL, NULL)) != SQLITE_OK)
            return src;
    }
    return SQLITE_OK;
}
