/* The main page of a collection that brings none (see smz_pack_finish in
 * smz/pack.h).
 *
 * Entries stream into the writer, so each page's path, title, date and
 * summary are kept here as it passes, and the index page is written at the
 * end, just before the archive is finished.  A collection that turns out to
 * have its own index.html needs none of it, so the list is dropped as soon
 * as one is packed.  The page itself is written by lib/article
 * (smz__article_index_html), sorted there in a fixed order, so the archive
 * stays reproducible.  The page is the collection's door, not one of its
 * articles: it is left out of the search index and named in the metadata
 * key Generated, so that counts of articles leave it out too. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "entry.h"
#include "format.h"
#include "article/article.h"
#include "text/date.h"
#include "text/utf8.h"

#define MAX_PAGES 100000u /* listed on one index page; more is no use to a reader */

typedef struct page {
    char *path, *title, *summary;
    char date[11];
    size_t seq; /* order added: of two with one path, the later won */
} page;

struct smz_pack_index {
    page *pages;
    size_t n, cap, seq;
    int own_main;       /* index.html or index.htm was packed: nothing to generate */
    int linked;         /* articles link to "index.html" */
    int full;           /* MAX_PAGES reached (warned once) */
    char *main_article; /* the page of the article named as main page, or NULL */
};

smz_err smz_pack_index_new(smz_pack_index **out)
{
    *out = calloc(1, sizeof **out);
    return *out ? SMZ_OK : SMZ_E_NOMEM;
}

static void drop_pages(smz_pack_index *x)
{
    for (size_t i = 0; i < x->n; i++) {
        free(x->pages[i].path);
        free(x->pages[i].title);
        free(x->pages[i].summary);
    }
    free(x->pages);
    x->pages = NULL;
    x->n = x->cap = 0;
}

void smz_pack_index_free(smz_pack_index *x)
{
    if (!x)
        return;
    drop_pages(x);
    free(x->main_article);
    free(x);
}

smz_err smz__pack_index_main_article(smz_pack_index *x, const char *page_path)
{
    char *s;
    if (!x)
        return SMZ_OK;
    if (!(s = strdup(page_path)))
        return SMZ_E_NOMEM;
    free(x->main_article);
    x->main_article = s;
    return SMZ_OK;
}

void smz__pack_index_linked(smz_pack_index *x)
{
    if (x)
        x->linked = 1;
}

static int own_main_page(const char *path)
{
    return !strcmp(path, "index.html") || !strcmp(path, "index.htm");
}

smz_err smz__pack_index_add(smz_pack_index *x, const smz_pack_opts *o, const char *path,
                            const char *title, const char *date, const char *summary)
{
    /* A main page was named: no index page will be made (and a million
     * pages would hold a hundred thousand of them in memory for nothing). */
    if (!x || x->own_main || (o && o->main_page && o->main_page[0]))
        return SMZ_OK;
    if (own_main_page(path)) {
        x->own_main = 1;
        drop_pages(x);
        return SMZ_OK;
    }
    if (x->n == MAX_PAGES) {
        if (!x->full && o && o->warn)
            o->warn(o->ctx, "over 100000 pages: the generated index page lists only the first 100000");
        x->full = 1;
        return SMZ_OK;
    }
    if (x->n == x->cap) {
        size_t cap = x->cap ? x->cap * 2 : 64;
        page *np = realloc(x->pages, cap * sizeof *np);
        if (!np)
            return SMZ_E_NOMEM;
        x->pages = np;
        x->cap = cap;
    }
    page *pg = &x->pages[x->n];
    *pg = (page){.seq = x->seq++};
    pg->path = strdup(path);
    pg->title = title && title[0] ? strdup(title) : NULL;
    pg->summary = summary && summary[0] ? strdup(summary) : NULL;
    if (date && smz__date_ok(date))
        memcpy(pg->date, date, 11);
    if (!pg->path || (title && title[0] && !pg->title) || (summary && summary[0] && !pg->summary)) {
        free(pg->path);
        free(pg->title);
        free(pg->summary);
        return SMZ_E_NOMEM;
    }
    x->n++;
    return SMZ_OK;
}

static int cmp_path_seq(const void *pa, const void *pb)
{
    const page *a = pa, *b = pb;
    int c = strcmp(a->path, b->path);
    return c ? c : a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* The pages of X, one for each path (the last added), as refs into X. */
static smz_err unique_refs(smz_pack_index *x, smz_article_ref **out, size_t *n)
{
    qsort(x->pages, x->n, sizeof *x->pages, cmp_path_seq);
    smz_article_ref *r = malloc((x->n ? x->n : 1) * sizeof *r);
    size_t k = 0;
    if (!r)
        return SMZ_E_NOMEM;
    for (size_t i = 0; i < x->n; i++) {
        if (i + 1 < x->n && !strcmp(x->pages[i].path, x->pages[i + 1].path))
            continue; /* a later source replaced it */
        const page *pg = &x->pages[i];
        r[k++] = (smz_article_ref){.path = pg->path,
                                   .title = pg->title,
                                   .date = pg->date,
                                   .summary = pg->summary};
    }
    *out = r;
    *n = k;
    return SMZ_OK;
}

static smz_err pack_finish(smz_writer *w, const smz_pack_opts *o, const char *title,
                           const char *description, const char **main_page, char *err, size_t errlen)
{
    smz_article_ref *refs = NULL;
    size_t n = 0;
    char *html = NULL;
    smz_err rc = SMZ_OK;
    smz_pack_index *x = o ? o->index : NULL;
    if (o && o->meta)
        smz__pack_meta_warn_unused(o->meta, o);
    if (!*main_page && o && o->main_page && o->main_page[0])
        *main_page = o->main_page; /* its pages were not kept (smz__pack_index_add) */
    if (*main_page && x && x->main_article && smz__is_article_path(*main_page)) {
        *main_page = x->main_article; /* the article's page, not its original */
        return SMZ_OK;
    }
    if (*main_page)
        return SMZ_OK;
    if (smz_writer_has(w, "index.html")) {
        *main_page = "index.html";
        return SMZ_OK;
    }
    if (smz_writer_has(w, "index.htm")) {
        *main_page = "index.htm";
        /* Articles were rendered with a link to index.html. */
        if (x && x->linked &&
            (rc = smz_writer_add_redirect(w, "index.html", NULL, "index.htm")) != SMZ_OK)
            snprintf(err, errlen, "%s", smz_writer_errmsg(w));
        return rc;
    }
    if (!x || !x->n)
        return SMZ_OK; /* no page to list */
    if ((rc = unique_refs(x, &refs, &n)) != SMZ_OK) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    if ((rc = smz__article_index_html(refs, n, title, description, o->language, &html)) != SMZ_OK) {
        snprintf(err, errlen, "cannot write the index page: %s", smz_strerror(rc));
        goto out;
    }
    /* The page shows a cleaned title; the entry takes it only when it is
     * clean already (a --title may hold any bytes). */
    int clean = title && title[0] && strlen(title) <= 1024 && smz_utf8_valid(title, strlen(title));
    for (const char *c = title; clean && *c; c++)
        clean = (unsigned char)*c >= 0x20 && *c != 0x7F;
    smz_writer_entry e = {.path = "index.html",
                          .title = clean ? title : "Index",
                          .mime = "text/html; charset=utf-8",
                          .data = html,
                          .size = strlen(html),
                          .unindexed = 1};
    if ((rc = smz_writer_add(w, &e)) != SMZ_OK ||
        (rc = smz_writer_set_meta(w, SMZ_META_GENERATED, e.path, strlen(e.path))) != SMZ_OK) {
        snprintf(err, errlen, "%s", smz_writer_errmsg(w));
        goto out;
    }
    *main_page = "index.html";
out:
    free(refs);
    free(html);
    return rc;
}

smz_err smz_pack_finish(smz_writer *w, const smz_pack_opts *o, const char *title,
                        const char *description, const char **main_page)
{
    char err[1024] = "";
    return smz__pack_report(w, pack_finish(w, o, title, description, main_page, err, sizeof err), err);
}
