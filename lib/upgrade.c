/* smz_upgrade: an archive rewritten in another format version.  The entries
 * go through the writer as smz-pack's would (so the clusters are the new
 * version's: size, order, checks), in the order of the old clusters (the
 * packer's order), read through a cluster cache so that each old cluster is
 * decoded once.  The index is not rebuilt: it is a function of the entries,
 * which do not change, and the writer copies the old tables row for row
 * (smz__writer_copy_index).  The digest covers entries and metadata only, so
 * the new archive's must be the old one's: that is checked before OUT is
 * left in place. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sqlite3.h>
#include "smz/upgrade.h"
#include "smz/reader.h"
#include "error.h"
#include "format.h"
#include "reader_priv.h"
#include "writer_priv.h"

/* Cluster cache for the walk: the old clusters are decoded whole, once. */
#define SMZ_UPGRADE_CACHE ((size_t)256 << 20)

typedef struct big_src {
    smz_reader *r;
    const smz_entry *e;
} big_src;

static smz_err read_big(smz_writer *w, void *ctx, uint64_t off, void *buf, size_t n)
{
    big_src *b = ctx;
    smz_err rc = smz_reader_read_range(b->r, b->e, off, buf, n);
    return rc == SMZ_OK ? rc
                        : smz_writer_set_error(w, rc, "%s: %s", b->e->path, smz_reader_errmsg(b->r));
}

/* Every metadata row of R but those the writer makes (Digest, UUID). */
static smz_err copy_meta(smz_reader *r, smz_writer *w, int *reader_failed)
{
    sqlite3_stmt *s = NULL;
    smz__reader_begin_long(r, 1);
    int src = sqlite3_prepare_v2(smz__reader_db(r), "SELECT key, value FROM metadata ORDER BY key", -1,
                                 &s, NULL);
    smz_err rc = SMZ_OK;
    while (s && rc == SMZ_OK && (src = sqlite3_step(s)) == SQLITE_ROW) {
        const char *key = (const char *)sqlite3_column_text(s, 0);
        const void *v = sqlite3_column_blob(s, 1);
        int n = sqlite3_column_bytes(s, 1);
        if (!key || !strcmp(key, SMZ_META_DIGEST) || !strcmp(key, SMZ_META_UUID))
            continue;
        /* the illustration as its PNG: the writer stores it once again
         * if an entry holds the same bytes */
        const void *val;
        size_t vn;
        unsigned char *own = NULL;
        if ((rc = smz__reader_meta_value(r, key, strlen(key), v ? v : "", (size_t)n, &val, &vn, &own)) !=
            SMZ_OK) {
            *reader_failed = 1;
            break;
        }
        rc = smz_writer_set_meta(w, key, val, vn);
        free(own);
    }
    sqlite3_finalize(s);
    if (rc == SMZ_OK && src != SQLITE_DONE) {
        *reader_failed = 1;
        rc = smz__reader_sqlfail(r, src, "reading metadata");
    }
    return rc;
}

/* Every content entry of R in (cluster, offset) order, then every
 * redirect, into W. */
static smz_err copy_entries(smz_reader *r, smz_writer *w, uint64_t n_entries, int *reader_failed)
{
    sqlite3_stmt *s = NULL;
    smz_err rc = SMZ_OK;
    /* The first step sorts every entry: a budget that grows with them (each
     * later step runs after the reader's own calls have renewed it). */
    int budget = 4 + (int)(n_entries / 100000 < 100000 ? n_entries / 100000 : 100000);
    smz__reader_begin_long(r, budget);
    int src = sqlite3_prepare_v2(
        smz__reader_db(r), "SELECT path FROM entries WHERE redirect IS NULL ORDER BY cluster, offset",
        -1, &s, NULL);
    *reader_failed = 0;
    while (s && rc == SMZ_OK && (src = sqlite3_step(s)) == SQLITE_ROW) {
        const char *path = (const char *)sqlite3_column_text(s, 0);
        smz_entry *e = NULL;
        unsigned char *data = NULL;
        size_t len = 0;
        if (!path || (rc = smz_reader_find(r, path, &e)) != SMZ_OK) {
            *reader_failed = 1;
            rc = rc != SMZ_OK ? rc : SMZ_E_CORRUPT;
            break;
        }
        smz_writer_entry we = {.path = e->path, .title = e->title, .mime = e->mime, .size = e->size};
        if (e->size > SMZ_WRITER_LARGE_ENTRY) {
            big_src b = {r, e};
            rc = smz_writer_add_stream(w, &we, read_big, &b);
        } else if ((rc = smz_reader_read(r, e, SMZ_WRITER_LARGE_ENTRY, &data, &len)) != SMZ_OK) {
            *reader_failed = 1;
        } else {
            we.data = data;
            rc = smz_writer_add(w, &we);
        }
        free(data);
        smz_entry_free(e);
    }
    sqlite3_finalize(s);
    if (rc == SMZ_OK && src != SQLITE_DONE) {
        *reader_failed = 1;
        return smz__reader_sqlfail(r, src, "listing entries");
    }
    if (rc != SMZ_OK)
        return rc;
    smz__reader_begin_long(r, budget);
    src = sqlite3_prepare_v2(
        smz__reader_db(r),
        "SELECT path, title, redirect FROM entries WHERE redirect IS NOT NULL ORDER BY path", -1, &s,
        NULL);
    while (s && rc == SMZ_OK && (src = sqlite3_step(s)) == SQLITE_ROW)
        rc = smz_writer_add_redirect(w, (const char *)sqlite3_column_text(s, 0),
                                     (const char *)sqlite3_column_text(s, 1),
                                     (const char *)sqlite3_column_text(s, 2));
    sqlite3_finalize(s);
    if (rc == SMZ_OK && src != SQLITE_DONE) {
        *reader_failed = 1;
        return smz__reader_sqlfail(r, src, "listing redirects");
    }
    return rc;
}

smz_err smz_upgrade(const char *in, const char *out, const smz_upgrade_opts *opts, char *err,
                    size_t errlen)
{
    smz_upgrade_opts o = {0};
    smz_cache *cache = smz_cache_new(SMZ_UPGRADE_CACHE);
    smz_reader *r = NULL, *nr = NULL;
    smz_writer *w = NULL;
    smz_stats st = {0};
    char *old_digest = NULL, *new_digest = NULL;
    size_t old_len = 0, new_len = 0;
    int reader_failed = 0;
    smz_err rc;
    if (opts)
        o = *opts;
    err[0] = 0;
    if (!cache)
        return smz__errf_lang(err, errlen, o.lang, SMZ_E_NOMEM, "out of memory");
    if ((rc = smz_reader_open_lang(in, cache, o.lang, &r)) != SMZ_OK) {
        smz__errf_lang(err, errlen, o.lang, rc, "%s", r ? smz_reader_errmsg(r) : smz_strerror(rc));
        goto out;
    }
    if ((rc = smz_reader_stats(r, &st)) != SMZ_OK ||
        (rc = smz_reader_meta(r, SMZ_META_DIGEST, &old_digest, &old_len)) != SMZ_OK ||
        (st.has_index && (rc = smz__reader_index(r)) != SMZ_OK)) { /* its tokenizer */
        smz__errf_lang(err, errlen, o.lang, rc, "%s: %s", in, smz_reader_errmsg(r));
        goto out;
    }
    smz_writer_opts wo = {.threads = o.threads,
                          .level = o.level,
                          .format_version = o.format_version,
                          .no_index = !st.has_index,
                          .stem_english = smz__reader_stemmed(r),
                          .progress = o.progress,
                          .progress_ctx = o.progress_ctx,
                          .lang = o.lang};
    if ((rc = smz_writer_new(out, &wo, &w)) != SMZ_OK ||
        (st.has_index && (rc = smz__writer_copy_index(w, in)) != SMZ_OK) ||
        (rc = copy_meta(r, w, &reader_failed)) != SMZ_OK) {
        smz__errf_lang(err, errlen, o.lang, rc, "%s",
                       w && !reader_failed ? smz_writer_errmsg(w) : smz_reader_errmsg(r));
        goto out;
    }
    if ((rc = copy_entries(r, w, st.entries, &reader_failed)) != SMZ_OK) {
        smz__errf_lang(err, errlen, o.lang, rc, "%s",
                       reader_failed ? smz_reader_errmsg(r) : smz_writer_errmsg(w));
        goto out;
    }
    if ((rc = smz_writer_finish(w)) != SMZ_OK) {
        smz__errf_lang(err, errlen, o.lang, rc, "%s", smz_writer_errmsg(w));
        goto out;
    }
    /* The content is the same, so is its digest: else something was lost. */
    if ((rc = smz_reader_open_lang(out, NULL, o.lang, &nr)) != SMZ_OK ||
        (rc = smz_reader_meta(nr, SMZ_META_DIGEST, &new_digest, &new_len)) != SMZ_OK) {
        smz__errf_lang(err, errlen, o.lang, rc, "%s: %s", out,
                       nr ? smz_reader_errmsg(nr) : smz_strerror(rc));
        unlink(out);
        goto out;
    }
    if (new_len != old_len || memcmp(new_digest, old_digest, old_len) != 0) {
        rc = smz__errf_lang(
            err, errlen, o.lang, SMZ_E_CORRUPT,
            "%s: the content digest of the new archive is not the one %s states (is %s damaged? "
            "`smz check` it); nothing was written",
            out, in, in);
        unlink(out);
    }
out:
    smz_reader_close(nr);
    smz_writer_free(w);
    smz_reader_close(r);
    smz_stats_free(&st);
    smz_cache_free(cache);
    free(old_digest);
    free(new_digest);
    return rc;
}
