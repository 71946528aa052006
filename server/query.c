/* /search and /suggest: thin layers over smz_search() and smz_suggest().
 * /search with several archives (or none named: all of them) asks each for
 * its best hits and merges them by score.  An archive without an index
 * (SMZ_E_UNSUPPORTED) is reported on the page, not treated as an error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "smz/search.h"
#include "text/ascii.h"
#include "text/charset.h"
#include "text/date.h"
#include "text/escape.h"
#include "text/entry_text.h"
#include "text/html.h"
#include "text/url.h"
#include "text/utf8.h"
#include "content.h"
#include "json.h"
#include "pages.h"
#include "query.h"

typedef struct hitref {
    const smz_hit *h;
    archive *a;
    size_t order; /* for a stable merge */
} hitref;

static int by_score(const void *x, const void *y)
{
    const hitref *a = x, *b = y;
    if (a->h->score != b->h->score)
        return a->h->score < b->h->score ? 1 : -1;
    return a->order < b->order ? -1 : a->order > b->order;
}

typedef struct search_run {
    archive **sel;
    size_t ns;
    smz_results **res;
    size_t nres, capres;
    hitref *hits;
    size_t nhits;
    uint64_t total;
    size_t unsupported; /* archives without an index */
    size_t failed;      /* archives that could not be searched (several named) */
    size_t partial;     /* searches that stopped early (smz_results.partial), or
                           archives left out when the request ran out of time */
    int fuzzy;          /* words match their variants and corrections (smz_search_fuzzy) */
    int fuzzy_auto;     /* ... because the exact search found nothing */
    char *dym;          /* "did you mean", or NULL */
} search_run;

/* A request searching many archives stops asking more of them after this
 * long: each search is bounded (smz/search.h), their sum must be too. */
#define SEARCH_REQUEST_MS 5000

static long long ms_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)(t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

static void run_free(search_run *sr)
{
    for (size_t i = 0; i < sr->nres; i++)
        smz_results_free(sr->res[i]);
    free(sr->res);
    free(sr->hits);
    free(sr->sel);
    free(sr->dym);
}

static int keep(search_run *sr, smz_results *res)
{
    if (sr->nres == sr->capres) {
        size_t cap = sr->capres ? sr->capres * 2 : 16;
        smz_results **n = realloc(sr->res, cap * sizeof *n);
        if (!n)
            return -1;
        sr->res = n;
        sr->capres = cap;
    }
    sr->res[sr->nres++] = res;
    return 0;
}

/* Error page or JSON for a failed search, with the library's message. */
static int fail(req *q, int json, int status, const archive *a, const char *msg)
{
    if (!json)
        return h_error(q, status, a, status == 400 ? SMZ_N_("Bad search") : SMZ_N_("Search failed"),
                       msg);
    smz_strbuf b;
    smz_strbuf_init(&b, 1u << 20);
    smz_strbuf_adds(&b, "{\"error\": ");
    json_str(&b, msg);
    smz_strbuf_adds(&b, "}\n");
    resp r;
    resp_init(&r, smz_strbuf_err(&b) ? 500 : status, "application/json");
    http_send(q, &r, smz_strbuf_str(&b), smz_strbuf_len(&b));
    smz_strbuf_free(&b);
    return r.status;
}

/* Collects the archives named by content= and books.name=; all readable
 * ones when none is named.  Returns 0, or the status of the answer sent. */
static int select_archives(req *q, int json, search_run *sr)
{
    static const char *keys[] = {"content", "books.name"};
    registry *g = &q->s->reg;
    reg_load(g);
    if (!(sr->sel = calloc(g->n ? g->n : 1, sizeof *sr->sel)))
        return fail(q, json, 500, NULL, "out of memory");
    int named = 0;
    for (size_t k = 0; k < 2; k++)
        for (size_t nth = 0; nth < SRV_MAX_NAMES; nth++) {
            char name[SRV_NAME_MAX + 1];
            int pr = http_param(q, keys[k], nth, name, sizeof name);
            if (pr == 0)
                break;
            named = 1;
            archive *a = pr > 0 ? reg_find(g, name, strlen(name)) : NULL;
            if (!a)
                return fail(q, json, 404, NULL, SMZ_N_("The library has no archive by that name."));
            int dup = 0;
            for (size_t i = 0; i < sr->ns; i++)
                dup |= sr->sel[i] == a;
            if (!dup)
                sr->sel[sr->ns++] = a;
        }
    if (!named)
        for (size_t i = 0; i < g->n; i++)
            if (g->a[i].state == 1)
                sr->sel[sr->ns++] = &g->a[i];
    return 0;
}

/* Runs the search; 0 or the status of an error answer already sent. */
static int run(req *q, int json, const char *pattern, size_t start, size_t plen, search_run *sr)
{
    size_t need = start + plen;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (size_t i = 0; i < sr->ns; i++) {
        archive *a = sr->sel[i];
        if (ms_since(&t0) > SEARCH_REQUEST_MS) {
            sr->partial += sr->ns - i;
            break;
        }
        smz_reader *r = page_reader(q, a);
        if (!r)
            return q->status ? q->status : 500;
        if (json)
            smz_reader_set_lang(r, SMZ_UI_EN); /* JSON's messages are English */
        /* One archive: just the page asked for.  Several: each one's best
         * START+PLEN, merged below. */
        size_t off = sr->ns == 1 ? start : 0, want = sr->ns == 1 ? plen : need, got = 0;
        while (got < want) {
            size_t lim = want - got < SRV_MAX_PAGELEN ? want - got : SRV_MAX_PAGELEN;
            smz_results *res = NULL;
            smz_err rc = sr->fuzzy ? smz_search_fuzzy(r, pattern, lim, off + got, 0, &res)
                                   : smz_search(r, pattern, lim, off + got, &res);
            if (rc == SMZ_E_UNSUPPORTED) {
                sr->unsupported++;
                break;
            }
            if (rc == SMZ_E_TOOBIG || rc == SMZ_E_INVALID)
                return fail(q, json, 400, a, smz_reader_errmsg(r));
            if (rc != SMZ_OK && sr->ns > 1) {
                /* One damaged archive must not stop a search of all. */
                sr->failed++;
                break;
            }
            if (rc != SMZ_OK)
                return fail(q, json, 500, a, smz_strerror(rc));
            if (keep(sr, res) != 0) {
                smz_results_free(res);
                return fail(q, json, 500, a, "out of memory");
            }
            if (got == 0)
                sr->total += res->total;
            sr->partial += res->partial != 0;
            hitref *nh = realloc(sr->hits, (sr->nhits + res->n + 1) * sizeof *nh);
            if (!nh)
                return fail(q, json, 500, a, "out of memory");
            sr->hits = nh;
            for (size_t k = 0; k < res->n; k++, sr->nhits++)
                sr->hits[sr->nhits] = (hitref){&res->hits[k], a, sr->nhits};
            got += res->n;
            if (res->n < lim || res->partial)
                break;
            if (ms_since(&t0) > SEARCH_REQUEST_MS) {
                sr->partial++;
                break;
            }
        }
    }
    if (sr->ns > 1 && sr->nhits) {
        qsort(sr->hits, sr->nhits, sizeof *sr->hits, by_score);
        /* Keep the page asked for. */
        size_t from = start < sr->nhits ? start : sr->nhits;
        size_t n = sr->nhits - from < plen ? sr->nhits - from : plen;
        memmove(sr->hits, sr->hits + from, n * sizeof *sr->hits);
        sr->nhits = n;
    }
    return 0;
}

/* ---- what a result shows besides its snippet ----
 * The index gives a hit's path and title.  A page without a title (a text
 * original, a page with an empty <title> and no <h1>) would show its file
 * name, often a hash: it gets a title from its text instead.  The date is
 * the page's own (an article page carries it in <time datetime>, a
 * crawled page often in a <meta>); the format has no per-entry date.  Both
 * come from the page's first HIT_HEAD bytes, read through the cluster
 * cache that the snippets have just filled. */
#define HIT_HEAD (16u << 10)
#define HIT_TITLE_CHARS 110

/* The value of attribute NAME in the tag at T[0..N) (T at "<"), into OUT
 * (cut to LEN-1 bytes); 1 when found. */
static int tag_attr(const char *t, size_t n, const char *name, char *out, size_t len)
{
    size_t nl = strlen(name), i = 1;
    while (i < n && t[i] != ' ' && t[i] != '\t' && t[i] != '\n' && t[i] != '\r' && t[i] != '/')
        i++;
    while (i < n) {
        while (i < n && (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r' || t[i] == '/'))
            i++;
        size_t a = i;
        while (i < n && t[i] != '=' && t[i] != ' ' && t[i] != '\t' && t[i] != '\n' && t[i] != '\r' &&
               t[i] != '>')
            i++;
        size_t an = i - a, v = i, vn = 0;
        if (i < n && t[i] == '=') {
            i++;
            if (i < n && (t[i] == '"' || t[i] == '\'')) {
                char quote = t[i++];
                v = i;
                while (i < n && t[i] != quote)
                    i++;
                vn = i - v;
                i += i < n;
            } else {
                v = i;
                while (i < n && t[i] != ' ' && t[i] != '\t' && t[i] != '\n' && t[i] != '\r' &&
                       t[i] != '>')
                    i++;
                vn = i - v;
            }
        }
        if (an == nl && !strncasecmp(t + a, name, nl)) {
            size_t k = vn < len - 1 ? vn : len - 1;
            memcpy(out, t + v, k);
            out[k] = 0;
            return 1;
        }
        if (an == 0)
            i++;
    }
    return 0;
}

/* A YYYY-MM-DD at the start of V (a date, or a date and time) into DATE. */
static int take_date(const char *v, char date[11])
{
    char d[11];
    if (strlen(v) < 10 || (v[10] && v[10] != 'T' && v[10] != ' '))
        return 0;
    memcpy(d, v, 10);
    d[10] = 0;
    if (!smz__date_ok(d))
        return 0;
    memcpy(date, d, 11);
    return 1;
}

/* The page's date from its first N bytes at H: a publication <meta>, else
 * the first <time datetime>. */
static void page_date(const char *h, size_t n, char date[11])
{
    static const char *names[] = {"article:published_time", "date",          "dc.date",
                                  "dcterms.date",           "datepublished", "dc.date.issued"};
    char from_time[11] = "";
    date[0] = 0;
    for (size_t i = 0; i + 5 < n; i++) {
        if (h[i] != '<')
            continue;
        int meta = smz__ascii_prefix_ci(h + i + 1, n - i - 1, "meta");
        int time = smz__ascii_prefix_ci(h + i + 1, n - i - 1, "time");
        if (!meta && !time)
            continue;
        const char *gt = memchr(h + i, '>', n - i);
        if (!gt)
            break;
        size_t tn = (size_t)(gt - (h + i)) + 1;
        char v[64], key[40];
        if (time && !from_time[0] && tag_attr(h + i, tn, "datetime", v, sizeof v))
            take_date(v, from_time);
        if (meta && tag_attr(h + i, tn, "content", v, sizeof v) &&
            (tag_attr(h + i, tn, "name", key, sizeof key) ||
             tag_attr(h + i, tn, "property", key, sizeof key) ||
             tag_attr(h + i, tn, "itemprop", key, sizeof key)))
            for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
                if (!smz__ascii_cmp_ci(key, names[k]) && take_date(v, date))
                    return;
        i += tn - 1;
    }
    memcpy(date, from_time, 11);
}

/* The first line of TEXT that has letters or digits, without Markdown's
 * heading marks, cut to HIT_TITLE_CHARS characters after a whole word with
 * "…", onto OUT (valid UTF-8 from TEXT of any bytes). */
static void first_line(smz_strbuf *out, const char *text, size_t len)
{
    size_t i = 0;
    while (i < len) {
        size_t e = i;
        while (e < len && text[e] != '\n' && text[e] != '\r')
            e++;
        size_t a = i;
        while (a < e && (text[a] == ' ' || text[a] == '\t' || text[a] == '#' || text[a] == '>'))
            a++;
        size_t z = e;
        while (z > a && (text[z - 1] == ' ' || text[z - 1] == '\t'))
            z--;
        int word = 0;
        for (size_t k = a; k < z && !word; k++)
            word = (unsigned char)text[k] >= 0x80 || smz_ascii_alpha((unsigned char)text[k]) ||
                   smz_ascii_digit((unsigned char)text[k]);
        if (word) {
            smz_strbuf line;
            smz_strbuf_init(&line, 1u << 16);
            smz_strbuf_add(&line, text + a, z - a);
            smz_strbuf clean;
            smz_strbuf_init(&clean, 1u << 16);
            smz__utf8_add_clean(&clean, smz_strbuf_str(&line));
            const char *c = smz_strbuf_str(&clean);
            size_t cn = smz_strbuf_len(&clean);
            size_t cut = smz__utf8_offset(c, cn, HIT_TITLE_CHARS);
            if (cut < cn) {
                size_t sp = cut;
                while (sp > cut / 2 && c[sp] != ' ')
                    sp--;
                if (c[sp] == ' ')
                    cut = sp;
                while (cut && (c[cut - 1] == ' ' || c[cut - 1] == ',' || c[cut - 1] == ';' ||
                               c[cut - 1] == ':'))
                    cut--;
                smz_strbuf_add(out, c, cut);
                smz_strbuf_adds(out, "\xE2\x80\xA6");
            } else {
                smz_strbuf_add(out, c, cn);
            }
            smz_strbuf_free(&clean);
            smz_strbuf_free(&line);
            return;
        }
        i = e + 1;
    }
}

static int mime_is(const char *mime, const char *want)
{
    size_t n = strlen(want);
    return mime && !strncasecmp(mime, want, n) && (!mime[n] || mime[n] == ';' || mime[n] == ' ');
}

/* Reads the first bytes of PATH in R: its entry (a redirect followed once)
 * and up to HIT_HEAD bytes into *HEAD (malloc'd).  0 when read. */
static int read_head(smz_reader *r, const char *path, smz_entry **e, char **head, size_t *n)
{
    *e = NULL;
    *head = NULL;
    if (smz_reader_resolve(r, path, e) != SMZ_OK || (*e)->redirect)
        return -1;
    *n = (*e)->size < HIT_HEAD ? (size_t)(*e)->size : HIT_HEAD;
    if (!(*head = malloc(*n + 1)) || smz_reader_read_range(r, *e, 0, *head, *n) != SMZ_OK)
        return -1;
    (*head)[*n] = 0;
    return 0;
}

/* The title of the page at the H[0..N) of type MIME when its index entry
 * has none: its <title> or <h1>, else its first line of text. */
static void derive_title(smz_strbuf *title, const char *mime, const char *h, size_t n)
{
    if (mime_is(mime, "text/html") || mime_is(mime, "application/xhtml+xml")) {
        smz_html_text t;
        /* A page whose type names its charset is read decoded from it, as
         * the packer and the index read it (text/entry_text.h). */
        const char *cs = smz__mime_charset(mime);
        char *u = NULL;
        size_t ul = 0;
        smz_err rc = cs && smz__charset_decode(cs, h, n, n * 3 + 16, &u, &ul) == SMZ_OK
                         ? smz__html_extract_utf8(u, ul, &t)
                         : smz__html_extract(h, n, &t);
        free(u);
        if (rc == SMZ_OK) {
            if (t.title[0])
                first_line(title, t.title, t.title_len);
            else
                first_line(title, t.text, t.text_len);
            smz__html_text_free(&t);
        }
    } else if (mime_is(mime, "text/plain") || mime_is(mime, "text/markdown")) {
        /* Decoded from the charset its type names (GBK, windows-1251...). */
        char *t = NULL;
        size_t tl = 0;
        if (smz__entry_text(mime, h, n, &t, &tl) == SMZ_OK)
            first_line(title, t, tl);
        free(t);
    }
}

/* Fills TITLE (when hit H has none) and DATE for the hit's page.  A text
 * original (NAME.txt, NAME.md) takes both from its rendered page NAME.html
 * when the archive has one. */
static void hit_view(req *q, archive *a, const smz_hit *h, smz_strbuf *title, char date[11])
{
    smz_reader *r = NULL;
    smz_entry *e = NULL;
    char *head = NULL;
    size_t n = 0;
    date[0] = 0;
    if (pool_borrow(&q->s->pool, &q->w->lease, a, &r) != SMZ_OK || read_head(r, h->path, &e, &head, &n))
        goto out;
    int untitled = !h->title || !h->title[0];
    if (mime_is(e->mime, "text/html") || mime_is(e->mime, "application/xhtml+xml")) {
        page_date(head, n, date);
        if (untitled)
            derive_title(title, e->mime, head, n);
        goto out;
    }
    if (!untitled)
        goto out;
    const char *dot = strrchr(h->path, '.');
    if (dot && !strchr(dot, '/') &&
        (mime_is(e->mime, "text/plain") || mime_is(e->mime, "text/markdown"))) {
        smz_strbuf page;
        smz_strbuf_init(&page, 3 * 4096);
        smz_strbuf_add(&page, h->path, (size_t)(dot - h->path));
        smz_strbuf_adds(&page, ".html");
        smz_entry *pe = NULL;
        char *ph = NULL;
        size_t pn = 0;
        if (!smz_strbuf_err(&page) && !read_head(r, smz_strbuf_str(&page), &pe, &ph, &pn) &&
            mime_is(pe->mime, "text/html")) {
            page_date(ph, pn, date);
            if (pe->title && pe->title[0])
                first_line(title, pe->title, strlen(pe->title));
            else
                derive_title(title, pe->mime, ph, pn);
        }
        free(ph);
        smz_entry_free(pe);
        smz_strbuf_free(&page);
    }
    if (!smz_strbuf_len(title))
        derive_title(title, e->mime, head, n);
out:
    free(head);
    smz_entry_free(e);
}

/* "Did you mean" (issue 20): the first correction of the query that one
 * of the archives searched (at most FIX_ARCHIVES of them) offers, when the
 * search found at most FIX_MAX_HITS pages.  When the
 * exact search found nothing and the request did not say fuzzy=0, the
 * search runs again with the variants and corrections (smz_search_fuzzy).
 * 0 or the status of an error answer already sent. */
#define FIX_ARCHIVES 8
#define FIX_MAX_HITS 3

static int fix_search(req *q, int json, const char *pattern, size_t start, size_t plen, search_run *sr,
                      int mode)
{
    /* The query's words are ANDed: one that matches little makes few hits
     * in all, and a search with more pays nothing for corrections. */
    if (sr->total > FIX_MAX_HITS && mode != 1)
        return 0;
    for (size_t i = 0; i < sr->ns && i < FIX_ARCHIVES && !sr->dym; i++) {
        smz_reader *r = page_reader(q, sr->sel[i]);
        smz_correction *c = NULL;
        if (!r)
            return q->status ? q->status : 500;
        if (smz_correct(r, pattern, &c) == SMZ_OK && c->did_you_mean &&
            strcmp(c->did_you_mean, pattern) && !(sr->dym = strdup(c->did_you_mean))) {
            smz_correction_free(c);
            return fail(q, json, 500, sr->sel[i], "out of memory");
        }
        smz_correction_free(c);
    }
    if (mode != -1 || sr->nhits || sr->total || !sr->dym || sr->fuzzy)
        return 0;
    for (size_t i = 0; i < sr->nres; i++)
        smz_results_free(sr->res[i]);
    free(sr->hits);
    sr->hits = NULL;
    sr->nres = sr->nhits = 0;
    sr->total = 0;
    sr->unsupported = sr->failed = sr->partial = 0;
    sr->fuzzy = sr->fuzzy_auto = 1;
    return run(q, json, pattern, start, plen, sr);
}

static void search_url(smz_strbuf *b, req *q, const search_run *sr, int named, const char *pattern,
                       size_t start, size_t plen)
{
    smz_strbuf u;
    smz_strbuf_init(&u, 1u << 16);
    smz_strbuf_addf(&u, "%s/search?", q->s->http.root);
    if (named)
        for (size_t i = 0; i < sr->ns; i++)
            smz_strbuf_addf(&u, "content=%s&", sr->sel[i]->name);
    smz_strbuf_adds(&u, "pattern=");
    smz__url_add_escaped(&u, pattern, strlen(pattern), 0);
    smz_strbuf_addf(&u, "&start=%zu&pageLength=%zu", start, plen);
    if (q->lang_keep[0])
        smz_strbuf_addf(&u, "&lang=%s", q->lang_keep);
    smz__html_add_clean(b, smz_strbuf_str(&u));
    smz_strbuf_free(&u);
}

/* N for ngettext, whose unsigned long may be 32 bits: the last nine digits
 * decide every language's form, kept above a billion. */
static unsigned long plural_n(uint64_t n)
{
    return (unsigned long)(n >= 1000000000u ? n % 1000000000u + 1000000000u : n);
}

static void html_results(smz_strbuf *b, req *q, const search_run *sr, int named, const char *pattern,
                         size_t start, size_t plen)
{
    archive *one = sr->ns == 1 ? sr->sel[0] : NULL;
    /* Pieces of HTML the translations' placeholders take. */
    smz_strbuf x, y, z;
    smz_strbuf_init(&x, 1u << 17);
    smz_strbuf_init(&y, 1u << 17);
    smz_strbuf_init(&z, 1u << 17);
    if (sr->unsupported) {
        smz_strbuf_adds(b, "<p class=\"smz-note\">");
        if (sr->unsupported == sr->ns && one) {
            smz_strbuf_adds(&x, "<bdi>");
            smz__html_add_clean(&x, one->title && one->title[0] ? one->title : one->name);
            smz_strbuf_adds(&x, "</bdi>");
            smz__tr_fill(b,
                         TR(q, "%1$s has no full-text index (it was packed with %2$s), so it cannot be "
                               "searched."),
                         2, smz_strbuf_str(&x), "<code>--no-index</code>");
        } else {
            fmt_count(&x, q, sr->unsupported);
            smz__tr_fill(b,
                         NTR(q, "%s archive has no full-text index and could not be searched.",
                             "%s archives have no full-text index and could not be searched.",
                             plural_n(sr->unsupported)),
                         1, smz_strbuf_str(&x));
        }
        smz_strbuf_adds(b, "</p>");
        if (sr->unsupported == sr->ns)
            goto out;
    }
    if (sr->failed) {
        smz_strbuf_reset(&x);
        smz_strbuf_adds(b, "<p class=\"smz-note\">");
        fmt_count(&x, q, sr->failed);
        smz__tr_fill(b,
                     NTR(q, "%s archive could not be searched (damaged or unreadable).",
                         "%s archives could not be searched (damaged or unreadable).",
                         plural_n(sr->failed)),
                     1, smz_strbuf_str(&x));
        smz_strbuf_adds(b, "</p>");
    }
    if (sr->partial) {
        smz_strbuf_adds(b, "<p class=\"smz-note\">");
        tr_html(b, q,
                "The search stopped early: reading the pages cost more than one search may, so these "
                "results are partial.");
        smz_strbuf_adds(b, "</p>");
    }
    if (sr->dym) {
        smz_strbuf_reset(&x);
        smz_strbuf_reset(&y);
        smz_strbuf_adds(&x, "<a href=\"");
        search_url(&x, q, sr, named, sr->dym, 0, plen);
        smz_strbuf_adds(&x, "\">");
        smz__html_add_clean(&x, sr->dym);
        smz_strbuf_adds(&x, "</a>");
        smz_strbuf_adds(&y, "<a href=\"");
        search_url(&y, q, sr, named, pattern, 0, plen);
        smz_strbuf_adds(&y, "&amp;fuzzy=0\">");
        smz__html_add_clean(&y, pattern);
        smz_strbuf_adds(&y, "</a>");
        smz_strbuf_adds(b, "<p class=\"smz-fix\">");
        if (sr->fuzzy_auto)
            /* TRANSLATORS: %1$s is the corrected query, %2$s the query as typed (links). */
            smz__tr_fill(b, TR(q, "Showing results for %1$s. Search instead for %2$s."), 2,
                         smz_strbuf_str(&x), smz_strbuf_str(&y));
        else
            smz__tr_fill(b, TR(q, "Did you mean: %s?"), 1, smz_strbuf_str(&x));
        smz_strbuf_adds(b, "</p>");
    }
    if (!sr->nhits) {
        smz_strbuf_reset(&x);
        smz_strbuf_adds(&x, "<q dir=\"auto\">");
        smz__html_add_clean(&x, pattern);
        smz_strbuf_adds(&x, "</q>");
        smz_strbuf_adds(b, "<p class=\"smz-count\">");
        smz__tr_fill(b, TR(q, "No results for %s."), 1, smz_strbuf_str(&x));
        smz_strbuf_adds(b, "</p>");
        goto out;
    }
    {
        uint64_t shown = sr->total > start + sr->nhits ? sr->total : start + sr->nhits;
        smz_strbuf_reset(&x);
        smz_strbuf_reset(&y);
        smz_strbuf_reset(&z);
        smz_strbuf w;
        smz_strbuf_init(&w, 1u << 17);
        fmt_count(&x, q, start + 1);
        fmt_count(&y, q, start + sr->nhits);
        fmt_count(&z, q, shown);
        smz_strbuf_adds(&w, "<q dir=\"auto\">");
        smz__html_add_clean(&w, sr->fuzzy_auto && sr->dym ? sr->dym : pattern);
        smz_strbuf_adds(&w, "</q>");
        smz_strbuf_adds(b, "<p class=\"smz-count\">");
        /* TRANSLATORS: "Results 1–25 of 300 for <query>": %1$s–%2$s the results shown, %3$s how many
         * in all, %4$s the query. */
        smz__tr_fill(b,
                     sr->total > start + sr->nhits
                         ? NTR(q, "Results %1$s–%2$s of about %3$s for %4$s",
                               "Results %1$s–%2$s of about %3$s for %4$s", plural_n(shown))
                         : NTR(q, "Results %1$s–%2$s of %3$s for %4$s",
                               "Results %1$s–%2$s of %3$s for %4$s", plural_n(shown)),
                     4, smz_strbuf_str(&x), smz_strbuf_str(&y), smz_strbuf_str(&z), smz_strbuf_str(&w));
        smz_strbuf_adds(b, "</p>");
        smz_strbuf_free(&w);
    }
    smz_strbuf_addf(b, "<ol class=\"smz-results\" start=\"%zu\">", start + 1);
    for (size_t i = 0; i < sr->nhits; i++) {
        const smz_hit *h = sr->hits[i].h;
        archive *a = sr->hits[i].a;
        smz_strbuf_adds(b, "<li");
        if (a->lang[0])
            smz_strbuf_addf(b, " lang=\"%s\"", a->lang);
        smz_strbuf_adds(b, a->rtl ? " dir=\"rtl\"" : " dir=\"auto\"");
        smz_strbuf_adds(b, "><a class=\"smz-hit\" href=\"");
        smz_strbuf u;
        smz_strbuf_init(&u, 1u << 16);
        url_entry(&u, q->s, a, h->path, 0);
        smz__html_add_clean(b, smz_strbuf_str(&u));
        smz_strbuf_free(&u);
        smz_strbuf_adds(b, "\">");
        smz_strbuf title;
        smz_strbuf_init(&title, 1u << 16);
        char date[11];
        hit_view(q, a, h, &title, date);
        if (h->title && h->title[0])
            smz__html_add_clean(b, h->title);
        else
            smz__html_add_clean(b, smz_strbuf_len(&title) ? smz_strbuf_str(&title) : h->path);
        smz_strbuf_free(&title);
        smz_strbuf_adds(b, "</a><cite>");
        if (!one) {
            smz_strbuf_adds(b, "<bdi>");
            smz__html_add_clean(b, a->title && a->title[0] ? a->title : a->name);
            smz_strbuf_adds(b, "</bdi> &middot; ");
        }
        if (date[0]) {
            /* In the interface's language and direction, isolated from
             * the archive's text around it. */
            smz_strbuf_addf(b, "<time datetime=\"%s\"%s>", date,
                            smz_ui_lang_at(q->lang)->rtl ? " dir=\"rtl\"" : "");
            smz__ui_date(b, q->lang, date);
            smz_strbuf_adds(b, "</time> &middot; ");
        }
        smz_strbuf_adds(b, "<bdi dir=\"ltr\">");
        smz__html_add_clean(b, h->path);
        smz_strbuf_adds(b, "</bdi>");
        smz_strbuf_adds(b, "</cite>");
        if (h->snippet && h->snippet[0]) {
            smz_strbuf_adds(b, "<p class=\"smz-snip\">");
            smz__html_add_snippet(b, h->snippet);
            smz_strbuf_adds(b, "</p>");
        }
        smz_strbuf_adds(b, "</li>");
    }
    smz_strbuf_adds(b, "</ol>");
    /* Pages: previous, a window of numbers, next. */
    uint64_t last = sr->total > 0 ? (sr->total - 1) / plen : 0;
    if (last > SRV_MAX_START / plen)
        last = SRV_MAX_START / plen;
    uint64_t cur = start / plen;
    if (last == 0 && start == 0)
        goto out;
    smz_strbuf_adds(b, "<nav class=\"smz-pager\" aria-label=\"");
    tr_html(b, q, "Result pages");
    smz_strbuf_adds(b, "\">");
    if (start > 0) {
        smz_strbuf_adds(b, "<a rel=\"prev\" href=\"");
        search_url(b, q, sr, named, pattern, start > plen ? start - plen : 0, plen);
        smz_strbuf_adds(b, "\"><span class=\"smz-arrow\">&lsaquo;</span> ");
        tr_html(b, q, "Previous");
        smz_strbuf_adds(b, "</a>");
    }
    uint64_t from = cur > 4 ? cur - 4 : 0, to = from + 9 < last ? from + 9 : last;
    for (uint64_t p = from; p <= to; p++) {
        if (p == cur) {
            smz_strbuf_adds(b, "<span aria-current=\"page\">");
            fmt_count(b, q, p + 1);
            smz_strbuf_adds(b, "</span>");
            continue;
        }
        smz_strbuf_adds(b, "<a href=\"");
        search_url(b, q, sr, named, pattern, (size_t)p * plen, plen);
        smz_strbuf_adds(b, "\">");
        fmt_count(b, q, p + 1);
        smz_strbuf_adds(b, "</a>");
    }
    if (cur < last && start + sr->nhits < sr->total) {
        smz_strbuf_adds(b, "<a rel=\"next\" href=\"");
        search_url(b, q, sr, named, pattern, start + plen, plen);
        smz_strbuf_adds(b, "\">");
        tr_html(b, q, "Next");
        smz_strbuf_adds(b, " <span class=\"smz-arrow\">&rsaquo;</span></a>");
    }
    smz_strbuf_adds(b, "</nav>");
out:
    smz_strbuf_free(&x);
    smz_strbuf_free(&y);
    smz_strbuf_free(&z);
}

int h_search(req *q)
{
    char pattern[SRV_MAX_PATTERN + 1], fmt[16];
    http_param(q, "format", 0, fmt, sizeof fmt);
    int json = !strcmp(fmt, "json");
    if (http_param(q, "pattern", 0, pattern, sizeof pattern) < 0)
        return fail(q, json, 400, NULL, SMZ_N_("The search is too long."));
    size_t start = http_param_num(q, "start", 0, SRV_MAX_START);
    size_t plen = http_param_num(q, "pageLength", 25, SRV_MAX_PAGELEN);
    if (!plen)
        plen = 25;
    search_run sr;
    memset(&sr, 0, sizeof sr);
    int status = select_archives(q, json, &sr);
    if (status)
        goto out;
    char fz[4]; /* fuzzy=1: always; 0: never; else when the exact search finds nothing */
    int fmode = http_param(q, "fuzzy", 0, fz, sizeof fz) == 1 ? fz[0] == '1' : -1;
    sr.fuzzy = fmode == 1;
    char probe[4];
    int named = http_param(q, "content", 0, probe, sizeof probe) != 0 ||
                http_param(q, "books.name", 0, probe, sizeof probe) != 0;
    if (pattern[0]) {
        /* One of the search places (gate.c): when none is free, this
         * request's place in the main gate goes to the next request while
         * it waits for one, and it queues for the main gate again after. */
        if (!gate_try_enter(&q->s->search_gate)) {
            http_ungate(q);
            gate_enter(&q->s->search_gate);
            gate_enter(&q->s->gate);
            q->gated = 1;
        }
        status = run(q, json, pattern, start, plen, &sr);
        if (!status)
            status = fix_search(q, json, pattern, start, plen, &sr, fmode);
        gate_leave(&q->s->search_gate);
        if (status)
            goto out;
    }
    smz_strbuf b;
    smz_strbuf_init(&b, SRV_MAX_PAGE);
    if (json) {
        smz_strbuf_addf(&b, "{\"total\": %llu, \"results\": [", (unsigned long long)sr.total);
        for (size_t i = 0; i < sr.nhits; i++) {
            const smz_hit *h = sr.hits[i].h;
            if (i)
                smz_strbuf_adds(&b, ", ");
            json_hit(&b, h->path, h->title, h->snippet, h->score, sr.ns > 1 ? sr.hits[i].a->name : NULL);
        }
        smz_strbuf_adds(&b, sr.partial ? "], \"partial\": true" : "]");
        if (sr.dym) {
            smz_strbuf_adds(&b, ", \"did_you_mean\": ");
            json_str(&b, sr.dym);
        }
        if (sr.fuzzy)
            smz_strbuf_adds(&b, ", \"fuzzy\": true");
        smz_strbuf_adds(&b, "}\n");
        resp r;
        resp_init(&r, smz_strbuf_err(&b) ? 500 : 200, "application/json");
        http_send(q, &r, smz_strbuf_str(&b), smz_strbuf_len(&b));
        status = r.status;
    } else {
        archive *one = sr.ns == 1 ? sr.sel[0] : NULL;
        smz_strbuf title;
        smz_strbuf_init(&title, 4096);
        if (pattern[0]) {
            smz_strbuf_adds(&title, pattern);
            smz_strbuf_adds(&title, " \xE2\x80\x93 ");
        }
        smz_strbuf_adds(&title, TR(q, "Search"));
        if (one) {
            smz_strbuf_adds(&title, " \xE2\x80\x93 ");
            smz_strbuf_adds(&title, one->title && one->title[0] ? one->title : one->name);
        }
        page_begin(&b, q, smz_strbuf_str(&title), one, pattern);
        smz_strbuf_free(&title);
        smz_strbuf_adds(&b, "<div class=\"smz-search\">");
        if (!pattern[0]) {
            smz_strbuf_adds(&b, "<h1>");
            if (one) {
                smz_strbuf t;
                smz_strbuf_init(&t, 1u << 16);
                smz_strbuf_adds(&t, "<bdi>");
                smz__html_add_clean(&t, one->title && one->title[0] ? one->title : one->name);
                smz_strbuf_adds(&t, "</bdi>");
                smz__tr_fill(&b, TR(q, "Search %s"), 1, smz_strbuf_str(&t));
                smz_strbuf_free(&t);
            } else {
                tr_html(&b, q, "Search all archives");
            }
            smz_strbuf_addf(&b,
                            "</h1><form class=\"smz-form smz-big\" action=\"%s/search\" method=\"get\" "
                            "role=\"search\">",
                            q->s->http.root);
            lang_keep_input(&b, q);
            if (named)
                for (size_t i = 0; i < sr.ns; i++)
                    smz_strbuf_addf(&b, "<input type=\"hidden\" name=\"content\" value=\"%s\">",
                                    sr.sel[i]->name);
            smz_strbuf_adds(
                &b, "<input class=\"smz-q\" type=\"search\" name=\"pattern\" autocomplete=\"off\" "
                    "dir=\"auto\" aria-label=\"");
            tr_html(&b, q, "Search");
            smz_strbuf_adds(&b, "\" autofocus");
            if (one)
                smz_strbuf_addf(&b, " data-suggest=\"%s/suggest?content=%s\"", q->s->http.root,
                                one->name);
            smz_strbuf_adds(&b, "><button class=\"smz-btn smz-primary\" type=\"submit\">");
            tr_html(&b, q, "Search");
            smz_strbuf_adds(&b, "</button></form>");
        } else {
            html_results(&b, q, &sr, named, pattern, start, plen);
        }
        smz_strbuf_adds(&b, "</div>");
        page_end(&b);
        status = page_send(q, 200, &b);
    }
    smz_strbuf_free(&b);
out:
    run_free(&sr);
    return status;
}

/* The "did_you_mean" member of /suggest's JSON when TERM offers no title:
 * TERM's words corrected from A's vocabulary (smz_correct), or nothing. */
static void suggest_fix(smz_strbuf *b, req *q, archive *a, const char *term)
{
    smz_reader *r = page_reader(q, a);
    smz_correction *c = NULL;
    if (r && smz_correct(r, term, &c) == SMZ_OK && c->did_you_mean) {
        smz_strbuf_adds(b, ", \"did_you_mean\": ");
        json_str(b, c->did_you_mean);
    }
    smz_correction_free(c);
}

int h_suggest(req *q)
{
    char term[SRV_MAX_TERM + 1], name[SRV_NAME_MAX + 1];
    int pr = http_param(q, "term", 0, term, sizeof term);
    if (pr < 0)
        return fail(q, 1, 400, NULL, SMZ_N_("The term is too long."));
    size_t count = http_param_num(q, "count", 10, 50);
    if (!count)
        count = 10;
    registry *g = &q->s->reg;
    archive *a = NULL;
    if (http_param(q, "content", 0, name, sizeof name) == 1 ||
        http_param(q, "books.name", 0, name, sizeof name) == 1) {
        if (!(a = reg_find(g, name, strlen(name))))
            return fail(q, 1, 404, NULL, SMZ_N_("The library has no archive by that name."));
    } else {
        reg_load(g);
        for (size_t i = 0; i < g->n; i++)
            if (g->a[i].state == 1) {
                if (a)
                    return fail(q, 1, 400, NULL, SMZ_N_("Name an archive with content=NAME."));
                a = &g->a[i];
            }
        if (!a)
            return fail(q, 1, 404, NULL, SMZ_N_("The library is empty."));
    }
    smz_results *res = NULL;
    smz_err rc = SMZ_OK;
    if (term[0]) {
        smz_reader *r = page_reader(q, a);
        if (!r)
            return q->status;
        smz_reader_set_lang(r, SMZ_UI_EN); /* JSON's messages are English */
        rc = smz_suggest(r, term, count, &res);
        if (rc == SMZ_E_TOOBIG || rc == SMZ_E_INVALID)
            return fail(q, 1, 400, a, smz_reader_errmsg(r));
        if (rc != SMZ_OK && rc != SMZ_E_UNSUPPORTED)
            return fail(q, 1, 500, a, smz_strerror(rc));
    }
    smz_strbuf b;
    smz_strbuf_init(&b, SRV_MAX_PAGE);
    size_t n = res ? res->n : 0;
    smz_strbuf_addf(&b, "{\"total\": %zu, \"results\": [", n);
    for (size_t i = 0; i < n; i++) {
        smz_strbuf u;
        smz_strbuf_init(&u, 1u << 16);
        url_entry(&u, q->s, a, res->hits[i].path, 0);
        if (i)
            smz_strbuf_adds(&b, ", ");
        json_sugg(&b, res->hits[i].path, res->hits[i].title, smz_strbuf_str(&u), res->hits[i].match,
                  res->hits[i].nmatch);
        smz_strbuf_free(&u);
    }
    smz_strbuf_adds(&b, "]");
    if (term[0] && !n && rc == SMZ_OK)
        suggest_fix(&b, q, a, term);
    smz_strbuf_adds(&b, "}\n");
    smz_results_free(res);
    resp r;
    resp_init(&r, smz_strbuf_err(&b) ? 500 : 200, "application/json");
    /* The bar in one of A's pages asks from an opaque origin: its token,
     * which only A's pages carry, lets it read A's suggestions, nothing
     * more (neither other archives' nor anything else on this server). */
    char token[40];
    r.cors_null = http_param(q, "bar", 0, token, sizeof token) == 1 && bar_token_ok(q->s, a, token);
    http_send(q, &r, smz_strbuf_str(&b), smz_strbuf_len(&b));
    smz_strbuf_free(&b);
    return r.status;
}
