/* A packed index built again from an archive's pages: see reindex.h. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include "error.h"
#include "format.h"
#include "reader_priv.h"
#include "smz/i18n.h"
#include "smz/reader.h"
#include "pack/analyze.h"
#include "pack/reindex.h"
#include "search/build.h"
#include "search/packed.h"
#include "text/charset.h"
#include "text/entry_text.h"
#include "util/varint.h"

#define MAX_ID ((int64_t)1 << 40)

typedef struct doc {
    smz_entry *e; /* the entry, until its text is read */
    int64_t id;
    int mode;
    char *all;
    size_t total, nl;
    int em, hub;
} doc;

typedef struct idpath {
    char *path;
    int64_t id;
} idpath;

static smz_err open_cached(const char *path, int lang, smz_cache **cache, smz_reader **r, char *err,
                           size_t errlen)
{
    smz_err rc;
    *r = NULL;
    if (!(*cache = smz_cache_new(0)))
        return smz__errf_lang(err, errlen, lang, SMZ_E_NOMEM, "out of memory");
    if ((rc = smz_reader_open_lang(path, *cache, lang, r)) != SMZ_OK)
        snprintf(err, errlen, "%s: %s", path, *r ? smz_reader_errmsg(*r) : smz_strerror(rc));
    return rc;
}

static int path_cmp(const void *a, const void *b)
{
    return strcmp(((const idpath *)a)->path, ((const idpath *)b)->path);
}

smz_err smz__article_original(smz_reader *r, const char *page, smz_entry **out)
{
    size_t n = strlen(page);
    *out = NULL;
    if (n < 6 || strcmp(page + n - 5, ".html"))
        return SMZ_E_NOTFOUND;
    static const char *const ext[] = {".md", ".txt"}; /* path order */
    for (size_t i = 0; i < 2; i++) {
        size_t el = strlen(ext[i]);
        char *p = malloc(n - 5 + el + 1);
        if (!p)
            return SMZ_E_NOMEM;
        memcpy(p, page, n - 5);
        memcpy(p + n - 5, ext[i], el + 1);
        smz_err rc = smz_reader_find(r, p, out);
        free(p);
        if (rc == SMZ_E_NOTFOUND)
            continue;
        if (rc != SMZ_OK)
            return rc;
        if ((*out)->redirect ||
            !(smz__mime_is((*out)->mime, "text/plain") || smz__mime_is((*out)->mime, "text/markdown"))) {
            smz_entry_free(*out);
            *out = NULL;
            return SMZ_E_NOTFOUND;
        }
        return SMZ_OK;
    }
    return SMZ_E_NOTFOUND;
}

/* An article's page: NAME.html of type text/html; charset=utf-8 with its
 * original untitled beside it (docs/FORMAT.md). */
static int article_page(smz_reader *r, const smz_entry *e)
{
    smz_entry *o = NULL;
    if (strcmp(e->mime, "text/html; charset=utf-8") || smz__article_original(r, e->path, &o) != SMZ_OK)
        return 0;
    int untitled = !o->title[0];
    smz_entry_free(o);
    return untitled;
}

smz_err smz__reindex_list(const char *path, int lang, unsigned char **list, size_t *len, int *stem,
                          char *err, size_t errlen)
{
    smz_cache *cache = NULL;
    smz_reader *r = NULL;
    smz_iter *it = NULL;
    sqlite3_stmt *s = NULL;
    idpath *ids = NULL;
    size_t nids = 0, cap = 0, used = 0, lcap = 0;
    unsigned char *l = NULL;
    smz_err rc;
    int src;
    int64_t prev = 0;
    *list = NULL;
    *len = 0;
    if ((rc = open_cached(path, lang, &cache, &r, err, errlen)) != SMZ_OK)
        goto out;
    if ((rc = smz__reader_index(r)) != SMZ_OK) {
        snprintf(err, errlen, "%s: %s", path, smz_reader_errmsg(r));
        goto out;
    }
    *stem = smz__reader_stemmed(r);
    src = sqlite3_prepare_v2(smz__reader_db(r), "SELECT id, path FROM " SMZ_PACKED_SCHEMA ".search_text",
                             -1, &s, NULL);
    while (src == SQLITE_OK && (src = sqlite3_step(s)) == SQLITE_ROW) {
        const char *p = (const char *)sqlite3_column_text(s, 1);
        if (nids == cap) {
            idpath *g = realloc(ids, (cap = cap ? cap * 2 : 256) * sizeof *ids);
            if (!g) {
                rc = smz__errf_lang(err, errlen, lang, SMZ_E_NOMEM, "out of memory");
                goto out;
            }
            ids = g;
        }
        if (!p || !(ids[nids].path = strdup(p))) {
            rc = p ? smz__errf_lang(err, errlen, lang, SMZ_E_NOMEM, "out of memory")
                   : smz__errf_lang(err, errlen, lang, SMZ_E_CORRUPT,
                                    "the packed index has a row without a path");
            goto out;
        }
        ids[nids++].id = sqlite3_column_int64(s, 0);
        src = SQLITE_OK;
    }
    if (src != SQLITE_DONE) {
        rc = smz__sqlite_err(smz__reader_db(r), src, "reading the packed index", err, errlen);
        goto out;
    }
    qsort(ids, nids, sizeof *ids, path_cmp);
    if ((rc = smz_reader_iter(r, NULL, &it)) != SMZ_OK) {
        snprintf(err, errlen, "%s: %s", path, smz_reader_errmsg(r));
        goto out;
    }
    for (;;) {
        const smz_entry *e;
        if ((rc = smz_iter_next(it, &e)) != SMZ_OK) {
            snprintf(err, errlen, "%s: %s", path, smz_reader_errmsg(r));
            goto out;
        }
        if (!e)
            break;
        if (lcap - used < 24) {
            unsigned char *g = realloc(l, lcap = lcap ? lcap * 2 : 4096);
            if (!g) {
                rc = smz__errf_lang(err, errlen, lang, SMZ_E_NOMEM, "out of memory");
                goto out;
            }
            l = g;
        }
        idpath key = {(char *)e->path, 0}, *hit = bsearch(&key, ids, nids, sizeof *ids, path_cmp);
        if (!hit || e->redirect) {
            l[used++] = 0;
            continue;
        }
        int mode = smz__mime_is(e->mime, "text/html") || smz__mime_is(e->mime, "application/xhtml+xml")
                       ? (article_page(r, e) ? SMZ_INDEXED_ARTICLE : SMZ_INDEXED_HTML)
                   : smz__entry_has_text(e->mime) ? SMZ_INDEXED_TEXT
                                                  : SMZ_INDEXED_TITLE;
        used += smz_varint_put(l + used, (uint64_t)mode);
        used += smz_varint_put(l + used, smz_zigzag(hit->id - (prev + 1)));
        prev = hit->id;
    }
    if (smz_iter_skipped(it)) {
        rc = smz__errf_lang(err, errlen, lang, SMZ_E_CORRUPT, "%s has malformed entries", path);
        goto out;
    }
    *list = l;
    *len = used;
    l = NULL;
out:
    sqlite3_finalize(s);
    smz_iter_free(it);
    smz_reader_close(r);
    smz_cache_free(cache);
    for (size_t i = 0; i < nids; i++)
        free(ids[i].path);
    free(ids);
    free(l);
    return rc;
}

static int doc_place_cmp(const void *a, const void *b)
{
    const doc *x = a, *y = b;
    return smz_entry_cmp_place(&x->e, &y->e);
}

static int doc_id_cmp(const void *a, const void *b)
{
    const doc *x = a, *y = b;
    return x->id < y->id ? -1 : x->id > y->id;
}

/* The documents into a fresh search group in memory, as the writer puts
 * them (lib/writer.c, index_deferred, then optimize_index). */
static smz_err index_docs(const doc *d, size_t n, int stem, int lang, unsigned char **ser,
                          size_t *ser_len, char *err, size_t errlen)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *text = NULL, *fts = NULL, *title = NULL;
    smz_err rc = SMZ_OK;
    int src;
    if (sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
        SQLITE_OK) {
        rc = smz__errf_lang(err, errlen, lang, SMZ_E_NOMEM, "out of memory");
        goto out;
    }
    if ((rc = smz__db_register(db, err, errlen)) != SMZ_OK)
        goto out;
    if ((src = sqlite3_exec(db, "PRAGMA journal_mode=OFF", NULL, NULL, NULL)) != SQLITE_OK)
        goto sqlerr;
    if ((rc = smz__schema_create(db, 3, SMZ_SCHEMA_SEARCH_ONLY, stem, err, errlen)) != SMZ_OK)
        goto out;
    if ((src = smz__index_configure(db)) != SQLITE_OK ||
        (src = sqlite3_exec(db, "BEGIN", NULL, NULL, NULL)) != SQLITE_OK ||
        (src = sqlite3_prepare_v2(db, "INSERT INTO search_text(id,path) VALUES(?,?)", -1, &text,
                                  NULL)) != SQLITE_OK ||
        (src = sqlite3_prepare_v2(db, "INSERT INTO search_fts(rowid,text) VALUES(?,?)", -1, &fts,
                                  NULL)) != SQLITE_OK ||
        (src = sqlite3_prepare_v2(db, "INSERT INTO search_title(rowid,title) VALUES(?,?)", -1, &title,
                                  NULL)) != SQLITE_OK)
        goto sqlerr;
    for (size_t i = 0; i < n; i++) {
        sqlite3_bind_int64(text, 1, d[i].id);
        sqlite3_bind_text(text, 2, d[i].e->path, -1, SQLITE_STATIC);
        src = sqlite3_step(text);
        sqlite3_reset(text);
        if (src != SQLITE_DONE)
            goto sqlerr;
    }
    smz_tok_settings *tok = smz__tokenizer_settings(db);
    if (!tok) {
        rc = smz__errf_lang(err, errlen, lang, SMZ_E_INTERNAL, "cannot set up the search tokenizer");
        goto out;
    }
    /* Nothing else writes between the documents: FTS5 writes out what it
     * holds at any other write, and the segments would differ. */
    for (size_t i = 0; i < n; i++)
        if ((src = smz__index_insert(tok, fts, title, d[i].id, d[i].all, d[i].total, d[i].nl, d[i].em,
                                     d[i].hub)) != SQLITE_DONE)
            goto sqlerr;
    if ((src = smz__index_optimize(db)) != SQLITE_OK ||
        (src = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL)))
        goto sqlerr;
    sqlite3_finalize(text);
    sqlite3_finalize(fts);
    sqlite3_finalize(title);
    text = fts = title = NULL;
    if ((rc = smz__index_serialize(db, ser, ser_len, err, errlen)) == SMZ_OK && !*ser)
        rc = smz__errf_lang(err, errlen, lang, SMZ_E_TOOBIG,
                            "the rebuilt index is too large to be packed");
    goto out;
sqlerr:
    rc = smz__sqlite_err(db, src, "rebuilding the index", err, errlen);
out:
    sqlite3_finalize(text);
    sqlite3_finalize(fts);
    sqlite3_finalize(title);
    sqlite3_close(db);
    return rc;
}

smz_err smz__reindex_build(const char *path, int lang, const unsigned char *list, size_t len, int stem,
                           unsigned char **ser, size_t *ser_len, char *err, size_t errlen)
{
    smz_cache *cache = NULL;
    smz_reader *r = NULL;
    smz_iter *it = NULL;
    doc *d = NULL;
    size_t n = 0, cap = 0, bytes = 0;
    const unsigned char *p = list, *end = list + len;
    int64_t prev = 0;
    smz_err rc;
    *ser = NULL;
    *ser_len = 0;
    if ((rc = open_cached(path, lang, &cache, &r, err, errlen)) != SMZ_OK)
        goto out;
    if ((rc = smz_reader_iter(r, NULL, &it)) != SMZ_OK) {
        snprintf(err, errlen, "%s: %s", path, smz_reader_errmsg(r));
        goto out;
    }
    /* The list against the entries: which are indexed, with what id. */
    for (;;) {
        const smz_entry *e;
        uint64_t mode, dz;
        if ((rc = smz_iter_next(it, &e)) != SMZ_OK) {
            snprintf(err, errlen, "%s: %s", path, smz_reader_errmsg(r));
            goto out;
        }
        if (!e)
            break;
        if (!smz_varint_get(&p, end, &mode) || mode > SMZ_INDEXED_TEXT || (mode && e->redirect))
            goto bad;
        if (!mode)
            continue;
        if (!smz_varint_get(&p, end, &dz))
            goto bad;
        int64_t delta = smz_unzigzag(dz);
        if (delta < -MAX_ID || delta > MAX_ID || prev + 1 + delta < 1 || prev + 1 + delta > MAX_ID)
            goto bad;
        if (n == cap) {
            doc *g = realloc(d, (cap = cap ? cap * 2 : 256) * sizeof *d);
            if (!g) {
                rc = smz__errf_lang(err, errlen, lang, SMZ_E_NOMEM, "out of memory");
                goto out;
            }
            d = g;
        }
        d[n] = (doc){.id = prev = prev + 1 + delta, .mode = (int)mode};
        if ((rc = smz_entry_dup(e, &d[n].e)) != SMZ_OK) {
            rc = smz__errf_lang(err, errlen, lang, SMZ_E_NOMEM, "out of memory");
            goto out;
        }
        n++;
    }
    if (p != end || smz_iter_skipped(it))
        goto bad;
    /* Ids once each. */
    qsort(d, n, sizeof *d, doc_id_cmp);
    for (size_t i = 1; i < n; i++)
        if (d[i].id == d[i - 1].id)
            goto bad;
    /* The texts, each cluster decoded once. */
    qsort(d, n, sizeof *d, doc_place_cmp);
    for (size_t i = 0; i < n; i++) {
        unsigned char *data = NULL;
        size_t dl = 0;
        smz_analysis an = {0};
        if (d[i].mode != SMZ_INDEXED_TITLE &&
            (rc = smz_reader_read(r, d[i].e, SMZ_REINDEX_MAX, &data, &dl)) != SMZ_OK) {
            snprintf(err, errlen, "%s: %s", path, smz_reader_errmsg(r));
            goto out;
        }
        rc = smz__analyze_stored(d[i].mode, d[i].e->mime, data, dl, &an);
        free(data);
        if (rc == SMZ_OK)
            rc = smz__index_compose(d[i].e->title[0] ? d[i].e->title : NULL, an.text, an.text_len,
                                    an.headings, an.headings_len, &d[i].all, &d[i].total, &d[i].nl,
                                    &d[i].em);
        d[i].hub = an.hub;
        smz__analysis_free(&an);
        if (rc != SMZ_OK) {
            snprintf(err, errlen, "%s: %s", path, smz_tr(lang, smz_strerror(rc)));
            goto out;
        }
        if ((bytes += d[i].total) > SMZ_REINDEX_MAX) {
            rc = smz__errf_lang(err, errlen, lang, SMZ_E_TOOBIG, "too much text to index again");
            goto out;
        }
    }
    qsort(d, n, sizeof *d, doc_id_cmp);
    rc = index_docs(d, n, stem, lang, ser, ser_len, err, errlen);
    goto out;
bad:
    rc = smz__errf_lang(err, errlen, lang, SMZ_E_CORRUPT,
                        "the list of indexed entries does not fit the archive");
out:
    for (size_t i = 0; i < n; i++) {
        smz_entry_free(d[i].e);
        free(d[i].all);
    }
    free(d);
    smz_iter_free(it);
    smz_reader_close(r);
    smz_cache_free(cache);
    return rc;
}
