/* The smz_snippet FTS5 auxiliary function (see snippet.h).
 *
 * Work is bounded by the hits, not by the text: the window is chosen from
 * the hit positions alone, and the text is tokenized only up to the end of
 * the window (the callback stops the tokenizer there), keeping byte offsets
 * for at most two windows' worth of positions. */
#include <stdlib.h>
#include <string.h>
#include "search/snippet.h"
#include "search/tokenizer.h"
#include "text/utf8.h"

#define GAP_MAX 100    /* bytes of non-token text kept between two tokens */
#define TOKEN_MAX 200  /* bytes of one token */
#define MARKER_MAX 64  /* bytes of a marker or ellipsis argument */
#define MAX_POS (1 << 30)  /* token positions past this are ignored */
#define MAX_PHRASE 4096    /* tokens of one phrase */

typedef struct hit {
    int start, end; /* token positions, inclusive */
    int phrase;
} hit;

typedef struct span {
    int start, end; /* byte offsets of a token */
} span;

typedef struct pos_ctx {
    int pos;      /* position of the next non-colocated token */
    int lo, hi;   /* positions to remember: [lo, hi) */
    span *at;     /* at[p - lo] for lo <= p < hi */
    int more;     /* a token exists at position hi */
} pos_ctx;

static int pos_cb(void *p, int tflags, const char *tok, int n, int s, int e)
{
    pos_ctx *c = p;
    (void)tok;
    (void)n;
    if (tflags & FTS5_TOKEN_COLOCATED)
        return SQLITE_OK; /* a synonym (CJK bigram) at the previous position */
    if (c->pos >= c->hi) {
        c->more = 1;
        return SQLITE_DONE;
    }
    if (c->pos >= c->lo)
        c->at[c->pos - c->lo] = (span){s, e};
    c->pos++;
    return SQLITE_OK;
}

static int by_start(const void *a, const void *b)
{
    const hit *x = a, *y = b;
    return x->start != y->start ? (x->start > y->start) - (x->start < y->start)
                                : (x->end > y->end) - (x->end < y->end);
}

/* Appends S[0..N) as HTML text: escaped, invalid UTF-8 as U+FFFD, control
 * characters other than tab and newline as spaces. */
static void put_html(sqlite3_str *out, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0, plain = 0; /* S[plain..i) needs no escaping */
    while (i < n) {
        uint32_t c;
        size_t k = smz_utf8_next(u + i, n - i, &c);
        const char *rep = NULL;
        switch (c) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        case SMZ_UTF8_INVALID: rep = "\xEF\xBF\xBD"; break;
        default:
            if ((c < 0x20 && c != '\t' && c != '\n') || (c >= 0x7F && c <= 0x9F))
                rep = " ";
        }
        if (rep) {
            sqlite3_str_append(out, s + plain, (int)(i - plain));
            sqlite3_str_appendall(out, rep);
            plain = i + k;
        }
        i += k;
    }
    sqlite3_str_append(out, s + plain, (int)(i - plain));
}

/* Where a cut of S[0..N) that keeps at most MAX bytes from its end starts,
 * at a character boundary. */
static size_t tail_start(const char *s, size_t n, size_t max)
{
    size_t i = n > max ? n - max : 0;
    for (int k = 0; k < 3 && i < n && ((unsigned char)s[i] & 0xC0) == 0x80; k++)
        i++;
    return i;
}

/* Text between tokens: short runs as they are; long ones keep both ends. */
static void put_gap(sqlite3_str *out, const char *s, size_t n, const char *ell)
{
    if (n <= GAP_MAX) {
        put_html(out, s, n);
        return;
    }
    put_html(out, s, smz_utf8_cut(s, n, GAP_MAX / 2));
    sqlite3_str_appendall(out, ell);
    size_t t = tail_start(s, n, GAP_MAX / 2);
    put_html(out, s + t, n - t);
}

static void put_token(sqlite3_str *out, const char *s, size_t n, const char *ell)
{
    size_t keep = smz_utf8_cut(s, n, TOKEN_MAX);
    put_html(out, s, keep);
    if (keep < n)
        sqlite3_str_appendall(out, ell);
}

/* The first token position of the best window of MAX tokens: the one
 * starting at a hit that covers the most distinct phrases, then the most
 * hits, then the earliest; with its hits centred.  HITS are sorted. */
static int best_window(const hit *hits, int nhits, int *count, int nphrase, int max)
{
    int best = 0, best_score = -1, distinct = 0;
    memset(count, 0, (size_t)nphrase * sizeof *count);
    for (int i = 0, j = 0; i < nhits; i++) {
        for (; j < nhits && hits[j].start < hits[i].start + max; j++)
            distinct += count[hits[j].phrase]++ == 0;
        int score = distinct * 1000 + (j - i < 999 ? j - i : 999);
        if (score > best_score) {
            best_score = score;
            best = i;
        }
        distinct -= --count[hits[i].phrase] == 0;
    }
    int w = hits[best].start, last = w;
    for (int j = best; j < nhits && hits[j].start < w + max; j++)
        if (hits[j].end > last)
            last = hits[j].end < w + max ? hits[j].end : w + max - 1;
    w -= (max - (last - w + 1)) / 2;
    return w < 0 ? 0 : w;
}

static void snippet_fn(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx,
                       int argc, sqlite3_value **argv)
{
    hit *hits = NULL;
    int *count = NULL;
    span *at = NULL;
    sqlite3_str *out = NULL;
    const char *err = NULL;
    int rc = SQLITE_OK, nhits = 0, ninst = 0;

    if (argc != 6) {
        err = "wrong number of arguments to smz_snippet(table, text, column, open, close, "
              "ellipsis, tokens)";
        goto out;
    }
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        goto out;
    }
    const char *text = (const char *)sqlite3_value_text(argv[0]);
    int len = sqlite3_value_bytes(argv[0]);
    int col = sqlite3_value_int(argv[1]);
    const char *open = (const char *)sqlite3_value_text(argv[2]);
    const char *close = (const char *)sqlite3_value_text(argv[3]);
    const char *ell = (const char *)sqlite3_value_text(argv[4]);
    int max = sqlite3_value_int(argv[5]);
    if (!text && len > 0) {
        rc = SQLITE_NOMEM;
        goto out;
    }
    if (!text)
        text = "";
    if (!open)
        open = "";
    if (!close)
        close = "";
    if (!ell)
        ell = "";
    if (col < 0 || col >= api->xColumnCount(fts)) {
        err = "smz_snippet: no such column";
        goto out;
    }
    if (strlen(open) > MARKER_MAX || strlen(close) > MARKER_MAX || strlen(ell) > MARKER_MAX) {
        err = "smz_snippet: a marker is longer than 64 bytes";
        goto out;
    }
    if (max < 1)
        max = 1;
    if (max > SMZ_SNIPPET_MAX_TOKENS)
        max = SMZ_SNIPPET_MAX_TOKENS;

    /* The hits in this column, sorted by position. */
    int nphrase = api->xPhraseCount(fts);
    if ((rc = api->xInstCount(fts, &ninst)) != SQLITE_OK)
        goto out;
    if (ninst > 0 && !(hits = sqlite3_malloc64((sqlite3_uint64)ninst * sizeof *hits))) {
        rc = SQLITE_NOMEM;
        goto out;
    }
    for (int i = 0; i < ninst; i++) {
        int ph, c, off;
        if ((rc = api->xInst(fts, i, &ph, &c, &off)) != SQLITE_OK)
            goto out;
        /* The index may be hostile: keep position arithmetic far from INT_MAX. */
        if (c != col || off < 0 || off > MAX_POS || ph < 0 || ph >= nphrase)
            continue;
        int size = api->xPhraseSize(fts, ph);
        size = size < 1 ? 1 : size > MAX_PHRASE ? MAX_PHRASE : size;
        hits[nhits++] = (hit){off, off + size - 1, ph};
    }
    if (nhits > 1)
        qsort(hits, (size_t)nhits, sizeof *hits, by_start);

    int w = 0, extra = 0; /* extra: the longest hit, in positions past its first */
    for (int i = 0; i < nhits; i++)
        if (hits[i].end - hits[i].start > extra)
            extra = hits[i].end - hits[i].start;
    if (nhits) {
        if (!(count = sqlite3_malloc64((sqlite3_uint64)nphrase * sizeof *count))) {
            rc = SQLITE_NOMEM;
            goto out;
        }
        w = best_window(hits, nhits, count, nphrase, max);
    }

    /* Byte offsets of the window's tokens, of the window before it in case
     * the text ends early and the window has to move back, and of enough
     * tokens on both sides to finish a hit the window's edge would cut. */
    pos_ctx pc = {.lo = w > max + extra ? w - max - extra : 0, .hi = w + max + extra};
    if (!(at = sqlite3_malloc64((sqlite3_uint64)(pc.hi - pc.lo) * sizeof *at))) {
        rc = SQLITE_NOMEM;
        goto out;
    }
    pc.at = at;
    if ((rc = api->xTokenize(fts, text, len, &pc, pos_cb)) != SQLITE_OK && rc != SQLITE_DONE)
        goto out;
    rc = SQLITE_OK;
    int npos = pc.more ? pc.hi + 1 : pc.pos;
    if (npos < w + max)
        w = npos > max ? npos - max : 0;
    if (w < pc.lo)
        w = pc.lo; /* only when the text has fewer tokens than the index says */
    int e = (npos < w + max ? npos : w + max) - 1; /* last token shown */
    /* Widen the window rather than show part of a hit (chains of
     * overlapping hits are followed, hence the two directions). */
    for (int i = nhits - 1; i >= 0; i--)
        if (hits[i].start < w && hits[i].end >= w && hits[i].start >= pc.lo)
            w = hits[i].start;
    for (int i = 0; i < nhits; i++)
        if (hits[i].start <= e && hits[i].end > e && hits[i].end < npos && hits[i].end < pc.hi)
            e = hits[i].end;

    if (!(out = sqlite3_str_new(sqlite3_context_db_handle(ctx)))) {
        rc = SQLITE_NOMEM;
        goto out;
    }
    if (e < w) { /* no token at all: the start of the text */
        put_gap(out, text, (size_t)len, ell);
    } else {
        size_t cur = w == 0 || at[w - pc.lo].start < 0 ? 0 : (size_t)at[w - pc.lo].start;
        if (cur > (size_t)len)
            cur = (size_t)len;
        if (w > 0)
            sqlite3_str_appendall(out, ell);
        /* Overlapping hits (人 and 人权 in 人权) become one highlight. */
        int nm = 0;
        for (int i = 0; i < nhits; i++) {
            if (nm && hits[i].start <= hits[nm - 1].end) {
                if (hits[i].end > hits[nm - 1].end)
                    hits[nm - 1].end = hits[i].end;
            } else {
                hits[nm++] = hits[i];
            }
        }
        int m = 0, is_open = 0;
        for (int p = w; p <= e; p++) {
            span sp = at[p - pc.lo];
            size_t s = sp.start < 0 ? 0 : (size_t)sp.start, t = sp.end < 0 ? 0 : (size_t)sp.end;
            if (s > (size_t)len)
                s = (size_t)len;
            if (s < cur)
                s = cur;
            if (t > (size_t)len)
                t = (size_t)len;
            if (t < s)
                t = s;
            put_gap(out, text + cur, s - cur, ell);
            while (m < nm && hits[m].end < p)
                m++;
            if (!is_open && m < nm && hits[m].start <= p) {
                sqlite3_str_appendall(out, open);
                is_open = 1;
            }
            put_token(out, text + s, t - s, ell);
            cur = t;
            if (is_open && (p == hits[m].end || p == e)) {
                sqlite3_str_appendall(out, close);
                is_open = 0;
            }
        }
        if (e == npos - 1)
            put_gap(out, text + cur, (size_t)len - cur, ell);
        else
            sqlite3_str_appendall(out, ell);
    }
    if ((rc = sqlite3_str_errcode(out)) != SQLITE_OK)
        goto out;
    int n = sqlite3_str_length(out);
    char *z = sqlite3_str_finish(out);
    out = NULL;
    if (!z && n > 0) {
        rc = SQLITE_NOMEM;
        goto out;
    }
    sqlite3_result_text(ctx, z ? z : "", n, z ? sqlite3_free : SQLITE_STATIC);
out:
    if (err)
        sqlite3_result_error(ctx, err, -1);
    else if (rc != SQLITE_OK)
        sqlite3_result_error_code(ctx, rc);
    sqlite3_free(sqlite3_str_finish(out));
    sqlite3_free(hits);
    sqlite3_free(count);
    sqlite3_free(at);
}

smz_err smz_snippet_register(sqlite3 *db)
{
    fts5_api *api;
    smz_err rc = smz_fts5_api(db, &api);
    if (rc != SMZ_OK)
        return rc;
    int src = api->xCreateFunction(api, "smz_snippet", NULL, snippet_fn, NULL);
    return src == SQLITE_OK ? SMZ_OK : src == SQLITE_NOMEM ? SMZ_E_NOMEM : SMZ_E_INTERNAL;
}
