/* Article pages an update does not carry: see delta_pages.h and
 * docs/UPDATES.md, "Article pages rendered again".  The list a cluster's
 * record carries: a varint of flags (DP_*: which of the archive's metadata
 * the pages were rendered with), a varint count, then for each page in the
 * order of the cluster's bytes a varint, where it goes in the cut bytes
 * less where the one before went, and a varint, 0 for no date from the
 * file, else the day its date names (days from 1970-01-01) plus one. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "delta_pages.h"
#include "article/article.h"
#include "pack/reindex.h"
#include "reader_priv.h"
#include "text/charset.h"
#include "text/date.h"
#include "util/varint.h"

#define DP_TITLE 1 /* the link home's label: metadata Title */
#define DP_LANG 2  /* <html lang>: metadata Language */
#define DP_HOME 4  /* a link home: metadata MainPage */
#define DP_FLAGS 7

static int place_cmp(const void *a, const void *b)
{
    const dp_page *x = a, *y = b;
    if (x->cluster != y->cluster)
        return x->cluster < y->cluster ? -1 : 1;
    return x->off < y->off ? -1 : x->off > y->off;
}

static int id_cmp(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

static int path_cmp(const void *a, const void *b)
{
    return strcmp((*(dp_page *const *)a)->path, (*(dp_page *const *)b)->path);
}

const dp_page *smz__dp_find(const dp_set *s, const char *path)
{
    dp_page key = {.path = (char *)path}, *k = &key;
    dp_page **at = s->n ? bsearch(&k, s->by_path, s->n, sizeof *s->by_path, path_cmp) : NULL;
    return at ? *at : NULL;
}

void smz__dp_free(dp_set *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->v[i].path);
        free(s->v[i].src_path);
    }
    free(s->v);
    free(s->by_path);
    free(s->title);
    free(s->lang);
    free(s->main);
    memset(s, 0, sizeof *s);
}

smz_err smz__dp_scan(smz_reader *r, const int64_t *only, size_t n_only, dp_set *s)
{
    smz_iter *it = NULL;
    smz_entry *o = NULL;
    smz_err rc;
    s->flags = -1;
    if (smz_reader_meta(r, "Title", &s->title, NULL) != SMZ_OK)
        s->title = NULL;
    if (smz_reader_meta(r, "Language", &s->lang, NULL) != SMZ_OK)
        s->lang = NULL;
    if (smz_reader_meta(r, "MainPage", &s->main, NULL) != SMZ_OK)
        s->main = NULL;
    if ((rc = smz_reader_iter(r, NULL, &it)) != SMZ_OK)
        return rc;
    for (;;) {
        const smz_entry *e;
        if ((rc = smz_iter_next(it, &e)) != SMZ_OK || !e)
            break;
        size_t n = strlen(e->path);
        if (e->redirect || n < 6 || strcmp(e->path + n - 5, ".html") ||
            strcmp(e->mime, "text/html; charset=utf-8"))
            continue;
        const smz_entry_at *at = smz_entry_place(e);
        if (n_only && !bsearch(&at->cluster, only, n_only, sizeof *only, id_cmp))
            continue;
        /* The original smz-pack rendered it from: the first of NAME.md and
         * NAME.txt in path order (lib/pack/entry.c keeps a page made
         * first). */
        if ((rc = smz__article_original(r, e->path, &o)) == SMZ_E_NOTFOUND) {
            rc = SMZ_OK;
            continue;
        }
        if (rc != SMZ_OK)
            break;
        const smz_entry_at *oat = smz_entry_place(o);
        const char *cs = smz__mime_charset(o->mime);
        if (oat->cluster != at->cluster || (cs && !smz__charset_is_utf8(cs))) {
            smz_entry_free(o);
            o = NULL;
            continue;
        }
        if (s->n == s->cap) {
            size_t nc = s->cap ? s->cap * 2 : 64;
            dp_page *v = realloc(s->v, nc * sizeof *v);
            if (!v) {
                rc = SMZ_E_NOMEM;
                break;
            }
            s->v = v;
            s->cap = nc;
        }
        dp_page *p = &s->v[s->n];
        *p = (dp_page){at->cluster, at->offset,      e->size,        oat->offset,
                       o->size,     strdup(e->path), strdup(o->path)};
        smz_entry_free(o);
        o = NULL;
        if (!p->path || !p->src_path) {
            free(p->path);
            free(p->src_path);
            rc = SMZ_E_NOMEM;
            break;
        }
        s->n++;
    }
    smz_entry_free(o);
    smz_iter_free(it);
    if (rc == SMZ_OK && s->n) {
        qsort(s->v, s->n, sizeof *s->v, place_cmp);
        if (!(s->by_path = malloc(s->n * sizeof *s->by_path)))
            return SMZ_E_NOMEM;
        for (size_t i = 0; i < s->n; i++)
            s->by_path[i] = &s->v[i];
        qsort(s->by_path, s->n, sizeof *s->by_path, path_cmp);
    }
    return rc;
}

/* P rendered again from its original's bytes SRC with the metadata FLAGS
 * names and the file date DAY (the list's form) into *A. */
static smz_err render(const dp_set *s, const dp_page *p, int flags, uint64_t day,
                      const unsigned char *src, smz_article **a)
{
    const char *slash = strrchr(p->src_path, '/'), *name = slash ? slash + 1 : p->src_path;
    char *home = NULL;
    /* The link home, as lib/pack/entry.c (home_href) makes it. */
    if ((flags & DP_HOME) && s->main && strcmp(s->main, p->path)) {
        size_t depth = 0, len = strlen(s->main);
        for (const char *c = p->path; *c; c++)
            depth += *c == '/';
        if (!(home = malloc(3 * depth + len + 1)))
            return SMZ_E_NOMEM;
        for (size_t i = 0; i < depth; i++)
            memcpy(home + 3 * i, "../", 3);
        memcpy(home + 3 * depth, s->main, len + 1);
    }
    smz_article_opts ao = {.lang = flags & DP_LANG ? s->lang : NULL,
                           .home_href = home,
                           .home_label = flags & DP_TITLE ? s->title : NULL,
                           .original_href = name};
    size_t n = strlen(p->src_path);
    smz_err rc = smz__article_render((const char *)src, (size_t)p->src_size,
                                     n > 3 && !strcasecmp(p->src_path + n - 3, ".md")
                                         ? SMZ_ARTICLE_MARKDOWN
                                         : SMZ_ARTICLE_TEXT,
                                     name, day ? (int64_t)(day - 1) * 86400 + 43200 : 0, &ao, a);
    free(home);
    return rc;
}

/* Whether P renders from SRC into exactly the bytes PAGE with FLAGS and
 * DAY: 1, 0, or -1 out of memory. */
static int renders_as(const dp_set *s, const dp_page *p, int flags, uint64_t day,
                      const unsigned char *src, const unsigned char *page)
{
    smz_article *a = NULL;
    smz_err rc = render(s, p, flags, day, src, &a);
    int same = rc == SMZ_OK && a->html_len == p->size && !memcmp(a->html, page, (size_t)p->size);
    smz__article_free(a);
    return rc == SMZ_E_NOMEM ? -1 : same;
}

/* The day a page's date from its file names (the list's form), 0 when it
 * shows none. */
static uint64_t page_day(const unsigned char *page, size_t n)
{
    static const char mark[] = "<span class=\"date\"><time datetime=\"";
    const unsigned char *at = memmem(page, n, mark, sizeof mark - 1);
    char d[11];
    int64_t days;
    if (!at || (size_t)(page + n - at) < sizeof mark - 1 + 10)
        return 0;
    memcpy(d, at + sizeof mark - 1, 10);
    d[10] = 0;
    return smz__date_days(d, &days) && days >= 0 ? (uint64_t)days + 1 : 0;
}

/* Whether P renders again as it is stored (DEC: its cluster's decoded
 * bytes), with no date from its file or with the day it shows, and with
 * the metadata S's flags say; until they are known, with each combination
 * in turn, the first that works setting them.  1 (*DAY: the day for the
 * list), 0, or -1 out of memory. */
static int renders_again(dp_set *s, const dp_page *p, const unsigned char *dec, uint64_t *day)
{
    static const int order[] = {7, 3, 5, 1, 6, 2, 4, 0};
    uint64_t shown = page_day(dec + p->off, (size_t)p->size);
    for (size_t f = 0; f < 8; f++) {
        int flags = s->flags >= 0 ? s->flags : order[f];
        for (int t = 0; t < (shown ? 2 : 1); t++) {
            int r = renders_as(s, p, flags, t ? shown : 0, dec + p->src_off, dec + p->off);
            if (r > 0) {
                s->flags = flags;
                *day = t ? shown : 0;
            }
            if (r)
                return r;
        }
        if (s->flags >= 0)
            return 0;
    }
    return 0;
}

/* The range of S's pages in cluster CID: [*LO, *HI). */
static void cluster_range(const dp_set *s, int64_t cid, size_t *lo, size_t *hi)
{
    size_t a = 0, b = s->n;
    while (a < b) {
        size_t m = a + (b - a) / 2;
        if (s->v[m].cluster < cid)
            a = m + 1;
        else
            b = m;
    }
    *lo = a;
    while (a < s->n && s->v[a].cluster == cid)
        a++;
    *hi = a;
}

/* Whether [OFF, OFF + LEN) meets one of the pages PAGES (N of them, by
 * offset, not overlapping) names by index in S. */
static int meets(const dp_set *s, const size_t *pages, size_t n, uint64_t off, uint64_t len)
{
    size_t a = 0, b = n; /* the first page that ends after OFF */
    while (a < b) {
        size_t m = a + (b - a) / 2;
        const dp_page *p = &s->v[pages[m]];
        if (p->off + p->size <= off)
            a = m + 1;
        else
            b = m;
    }
    return a < n && s->v[pages[a]].off < off + len;
}

smz_err smz__dp_cut(dp_set *s, int64_t cid, const unsigned char *dec, size_t usize, const dp_set *old,
                    int64_t old_cid, const unsigned char *ref, size_t ref_len, unsigned char **list,
                    size_t *list_len, unsigned char **cut, size_t *cut_len, size_t *n)
{
    size_t lo, hi, k = 0, m = 0;
    size_t *pick = NULL;
    unsigned char *keep = NULL;
    uint64_t *days = NULL, end = 0;
    smz_err rc = SMZ_OK;
    *list = *cut = NULL;
    *list_len = *cut_len = *n = 0;
    cluster_range(s, cid, &lo, &hi);
    if (lo == hi)
        return SMZ_OK;
    if (!(pick = malloc((hi - lo) * sizeof *pick)) || !(days = malloc((hi - lo) * sizeof *days))) {
        rc = SMZ_E_NOMEM;
        goto out;
    }
    for (size_t i = lo; i < hi; i++) {
        const dp_page *p = &s->v[i];
        if (p->off < end || p->off > usize || p->size > usize - p->off || p->src_off > usize ||
            p->src_size > usize - p->src_off)
            continue;
        /* A page OLD has as it is: left in (a match of the delta). */
        const dp_page *was = old ? smz__dp_find(old, p->path) : NULL;
        if (was && was->cluster == old_cid && was->size == p->size && was->off <= ref_len &&
            was->size <= ref_len - was->off && !memcmp(ref + was->off, dec + p->off, (size_t)p->size))
            continue;
        int ok = renders_again(s, p, dec, &days[k]);
        if (ok < 0) {
            rc = SMZ_E_NOMEM;
            goto out;
        }
        if (ok) {
            pick[k++] = i;
            end = p->off + p->size;
        }
    }
    /* An original must stay in the cut bytes: a page whose original meets
     * one of the pages found is left in (decided against all of them
     * before any is dropped, so that what is left is consistent). */
    if (!(keep = malloc(k ? k : 1))) {
        rc = SMZ_E_NOMEM;
        goto out;
    }
    for (size_t j = 0; j < k; j++) {
        const dp_page *p = &s->v[pick[j]];
        keep[j] = !meets(s, pick, k, p->src_off, p->src_size ? p->src_size : 1);
    }
    for (size_t j = 0; j < k; j++)
        if (keep[j]) {
            pick[m] = pick[j];
            days[m++] = days[j];
        }
    if (!m)
        goto out;
    uint64_t cut_total = usize;
    for (size_t j = 0; j < m; j++)
        cut_total -= s->v[pick[j]].size;
    if (!(*list = malloc(20 + 20 * m)) || !(*cut = malloc(cut_total ? cut_total : 1))) {
        rc = SMZ_E_NOMEM;
        goto out;
    }
    unsigned char *l = *list, *c = *cut;
    l += smz_varint_put(l, (uint64_t)s->flags);
    l += smz_varint_put(l, m);
    uint64_t from = 0, prev = 0; /* in DEC; in the cut bytes */
    for (size_t j = 0; j < m; j++) {
        const dp_page *p = &s->v[pick[j]];
        memcpy(c, dec + from, (size_t)(p->off - from));
        c += p->off - from;
        uint64_t at = (uint64_t)(c - *cut);
        l += smz_varint_put(l, at - prev);
        l += smz_varint_put(l, days[j]);
        prev = at;
        from = p->off + p->size;
    }
    memcpy(c, dec + from, usize - (size_t)from);
    *list_len = (size_t)(l - *list);
    *cut_len = (size_t)cut_total;
    *n = m;
out:
    if (rc != SMZ_OK) {
        free(*list);
        free(*cut);
        *list = *cut = NULL;
    }
    free(pick);
    free(keep);
    free(days);
    return rc;
}

smz_err smz__dp_paste(const dp_set *s, int64_t cid, const unsigned char *list, size_t list_len,
                      const unsigned char *cut, size_t cut_len, uint64_t usize, unsigned char **out)
{
    const unsigned char *l = list, *lend = list + list_len;
    uint64_t flags, count;
    size_t lo, hi, *pick = NULL;
    uint64_t *days = NULL, *cutat = NULL, *cutsum = NULL;
    smz_article *art = NULL;
    smz_err rc = SMZ_E_CORRUPT;
    *out = NULL;
    cluster_range(s, cid, &lo, &hi);
    if (!smz_varint_get(&l, lend, &flags) || flags > DP_FLAGS || !smz_varint_get(&l, lend, &count) ||
        !count || count > hi - lo || count > (uint64_t)(lend - l) / 2)
        return SMZ_E_CORRUPT;
    if (!(pick = malloc(count * sizeof *pick)) || !(days = malloc(count * sizeof *days)) ||
        !(cutat = malloc(count * sizeof *cutat)) || !(cutsum = malloc(count * sizeof *cutsum)) ||
        !(*out = malloc(usize ? usize : 1))) {
        rc = SMZ_E_NOMEM;
        goto out;
    }
    /* The pages, found by where they lie: each place the list gives, in
     * the cut bytes, is that many bytes into the cluster past the pages
     * before it. */
    uint64_t prev = 0, before = 0;
    size_t from = lo;
    for (uint64_t j = 0; j < count; j++) {
        uint64_t gap, day;
        if (!smz_varint_get(&l, lend, &gap) || !smz_varint_get(&l, lend, &day) || gap > cut_len - prev)
            goto out;
        prev += gap;
        uint64_t full = prev + before;
        while (from < hi && s->v[from].off < full)
            from++;
        if (full > usize || from == hi || s->v[from].off != full || s->v[from].size > usize - full)
            goto out;
        pick[j] = from;
        days[j] = day;
        cutat[j] = prev;
        before += s->v[from].size;
        cutsum[j] = before; /* the listed pages' bytes up to this one's end */
        from++;
    }
    if (l != lend || before > usize || cut_len != usize - before)
        goto out;
    /* Each page rendered again from its original, which lies in the cut
     * bytes (no page listed meets it), put in its place. */
    uint64_t done = 0, w = 0; /* cut bytes copied; bytes written */
    for (uint64_t j = 0; j < count; j++) {
        const dp_page *p = &s->v[pick[j]];
        if (p->src_off > usize || p->src_size > usize - p->src_off ||
            meets(s, pick, count, p->src_off, p->src_size ? p->src_size : 1))
            goto out;
        /* The listed pages' bytes before the original: those of the pages
         * that start before it (none meets it). */
        uint64_t a = 0, b = count;
        while (a < b) {
            uint64_t m = a + (b - a) / 2;
            if (s->v[pick[m]].off < p->src_off)
                a = m + 1;
            else
                b = m;
        }
        uint64_t src_before = a ? cutsum[a - 1] : 0;
        if (p->src_off - src_before > cut_len || p->src_size > cut_len - (p->src_off - src_before))
            goto out;
        memcpy(*out + w, cut + done, (size_t)(cutat[j] - done));
        w += cutat[j] - done;
        done = cutat[j];
        rc = render(s, p, (int)flags, days[j], cut + (p->src_off - src_before), &art);
        if (rc != SMZ_OK || art->html_len != p->size) {
            rc = rc == SMZ_E_NOMEM ? rc : SMZ_E_CORRUPT;
            goto out;
        }
        memcpy(*out + w, art->html, art->html_len);
        w += art->html_len;
        smz__article_free(art);
        art = NULL;
    }
    memcpy(*out + w, cut + done, (size_t)(cut_len - done));
    rc = SMZ_OK;
out:
    smz__article_free(art);
    if (rc != SMZ_OK) {
        free(*out);
        *out = NULL;
    }
    free(pick);
    free(days);
    free(cutat);
    free(cutsum);
    return rc;
}
