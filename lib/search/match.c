/* Phrase checks and result snippets on a page's text (see match.h).
 *
 * One pass of the tokenizer over the text records every token that equals
 * (or, for a prefix term, starts with) a query token, as an event (position,
 * query token, bytes).  Phrases are then checked against the events, the
 * snippet's window is chosen from the phrase hits, and a second pass, which
 * stops at the window's end, finds the bytes of the window's tokens.
 *
 * Chinese characters are compared folded (search/hanfold.h): a query
 * token is kept in its canonical (simplified) form, and when the query has
 * any character of a class, each token of the text is folded before it is
 * compared, so that 維吾爾 on a page matches the phrase 维吾尔 and the
 * snippet marks the page's own characters. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "search/hanfold.h"
#include "search/match.h"
#include "search/tokenizer.h"
#include "text/utf8.h"

#define MAX_QTOKENS 4096 /* distinct tokens of one query */
#define GAP_MAX 100      /* bytes of non-token text kept between two tokens */
#define TOKEN_MAX 200    /* bytes of one token shown */
#define ELLIPSIS "\xE2\x80\xA6"
#define OPEN "<b>"
#define CLOSE "</b>"

typedef struct qtok {
    char *s;
    int n;
    int prefix;
    char *alt; /* a prefix word: its unstemmed form (the text's word or its own may start with it) */
    int altn;
} qtok;

typedef struct phrase {
    int npos;
    int *first; /* first[k]..first[k+1]-1: indexes into ids of position k's tokens */
    int *ids;   /* query token ids */
    int exclude;
} phrase;

struct smz_matcher {
    const fts5_tokenizer *api;
    Fts5Tokenizer *tok;
    qtok *q;
    int nq;
    phrase *ph;
    int nph;
    int needs_check;
    int nincluded;        /* phrases a page must have */
    double prox;          /* the last text's proximity (smz__matcher_proximity_of) */
    int checked_excludes; /* excluded phrases the index cannot rule out */
    int han;              /* a query token has Chinese characters that fold: fold the text's */
};

typedef struct event {
    int pos, id;
} event;

typedef struct hit {
    int start, end; /* positions, inclusive */
    int phrase;
} hit;

/* ---- compiling the query ---- */

typedef struct term_tok {
    char *s;
    int n, pos;
} term_tok;

typedef struct term_ctx {
    term_tok *t;
    int n, cap, pos, fail;
    char raw[256]; /* the unstemmed form of the word at position raw_pos */
    int rawn, raw_pos;
} term_ctx;

static int term_cb(void *p, int tflags, const char *tok, int n, int s, int e)
{
    term_ctx *c = p;
    (void)s;
    (void)e;
    if (n > 0 && tok[0] == SMZ_TOKEN_RAW) {
        /* Not a token the text must hold: what a prefix may match instead. */
        if (n - 1 <= (int)sizeof c->raw) {
            memcpy(c->raw, tok + 1, (size_t)n - 1);
            c->rawn = n - 1;
            c->raw_pos = c->pos - 1;
        }
        return SQLITE_OK;
    }
    if (!(tflags & FTS5_TOKEN_COLOCATED) || c->n == 0)
        c->pos++;
    if (n <= 0)
        return SQLITE_OK;
    if (c->n == c->cap) {
        int cap = c->cap ? 2 * c->cap : 16;
        term_tok *t = realloc(c->t, (size_t)cap * sizeof *t);
        if (!t)
            return c->fail = SQLITE_NOMEM;
        c->t = t;
        c->cap = cap;
    }
    char folded[SMZ_HAN_TOKEN_MAX];
    int fn = smz__han_fold_token(tok, n, folded);
    if (fn) {
        tok = folded;
        n = fn;
    }
    char *copy = malloc((size_t)n);
    if (!copy)
        return c->fail = SQLITE_NOMEM;
    memcpy(copy, tok, (size_t)n);
    c->t[c->n++] = (term_tok){copy, n, c->pos - 1};
    return SQLITE_OK;
}

/* Counts a query's tokens, but not the script variants of a CJK token
 * (hanfold.h): they are synonyms of one token, which the index alone
 * answers for. */
static int count_cb(void *p, int tflags, const char *tok, int n, int s, int e)
{
    uint32_t cp = 0;
    (void)s;
    (void)e;
    if ((tflags & FTS5_TOKEN_COLOCATED) && n > 0 &&
        smz__utf8_next((const unsigned char *)tok, (size_t)n, &cp) && smz__is_cjk(cp))
        return SQLITE_OK;
    ++*(int *)p;
    return SQLITE_OK;
}

/* The id of query token S[0..N), with ALT[0..ALTN) (NULL: none) its
 * unstemmed form when PREFIX; -1 out of memory, -2 too many. */
static int qtok_id(smz_matcher *m, const char *s, int n, int prefix, const char *alt, int altn)
{
    for (int i = 0; i < m->nq; i++)
        if (m->q[i].n == n && m->q[i].prefix == prefix && !memcmp(m->q[i].s, s, (size_t)n) &&
            !m->q[i].alt == !alt &&
            (!alt || (m->q[i].altn == altn && !memcmp(m->q[i].alt, alt, (size_t)altn))))
            return i;
    if (m->nq == MAX_QTOKENS)
        return -2;
    char *copy = malloc((size_t)n), *acopy = alt ? malloc((size_t)altn + 1) : NULL;
    if (!copy || (alt && !acopy)) {
        free(copy);
        free(acopy);
        return -1;
    }
    memcpy(copy, s, (size_t)n);
    if (alt)
        memcpy(acopy, alt, (size_t)altn);
    m->q[m->nq] = (qtok){copy, n, prefix, acopy, alt ? altn : 0};
    return m->nq++;
}

smz_err smz__matcher_new(const fts5_tokenizer *api, Fts5Tokenizer *tok, const smz_query *q,
                         smz_matcher **out)
{
    smz_err rc = SMZ_E_NOMEM;
    term_ctx tc = {0};
    smz_matcher *m = calloc(1, sizeof *m);
    *out = NULL;
    size_t nterms = smz__query_count(q);
    if (!m || !(m->q = calloc(MAX_QTOKENS, sizeof *m->q)) ||
        !(m->ph = calloc(nterms ? nterms : 1, sizeof *m->ph)))
        goto out;
    m->api = api;
    m->tok = tok;
    for (size_t i = 0; i < nterms; i++) {
        const smz_query_term *t = smz__query_term_at(q, i);
        for (int k = 0; k < tc.n; k++)
            free(tc.t[k].s);
        tc.n = tc.pos = tc.rawn = 0;
        int src = api->xTokenize(tok, &tc, FTS5_TOKENIZE_DOCUMENT, t->text, (int)t->len, term_cb);
        if (tc.fail) {
            rc = SMZ_E_NOMEM;
            goto out;
        }
        if (src != SQLITE_OK) {
            rc = SMZ_E_INTERNAL;
            goto out;
        }
        if (tc.n == 0)
            continue; /* nothing the index could hold: FTS5 drops it too */
        if (!m->han && smz__han_has_class(t->text, (int)t->len))
            m->han = 1;
        int nquery = 0;
        if (api->xTokenize(tok, &nquery, FTS5_TOKENIZE_QUERY, t->text, (int)t->len, count_cb) !=
            SQLITE_OK) {
            rc = SMZ_E_INTERNAL;
            goto out;
        }
        phrase *ph = &m->ph[m->nph++]; /* counted now: freed with m if what follows fails */
        ph->npos = tc.t[tc.n - 1].pos + 1;
        ph->exclude = t->exclude;
        if (!(ph->first = calloc((size_t)ph->npos + 1, sizeof *ph->first)) ||
            !(ph->ids = calloc((size_t)tc.n, sizeof *ph->ids)))
            goto out;
        for (int k = 0; k < tc.n; k++) {
            /* The prefix applies to the last position's word, as in FTS5;
             * the word itself (not a compound or bigram with it) may also
             * match unstemmed, as the tokenizer's prefix queries do. */
            int prefix = t->prefix && tc.t[k].pos == ph->npos - 1;
            int word = prefix && (k == 0 || tc.t[k - 1].pos != tc.t[k].pos);
            const char *alt = NULL;
            int altn = 0;
            if (word && tc.rawn && tc.raw_pos == tc.t[k].pos) {
                alt = tc.raw;
                altn = tc.rawn;
            } else if (word) {
                alt = tc.t[k].s;
                altn = tc.t[k].n;
            }
            int id = qtok_id(m, tc.t[k].s, tc.t[k].n, prefix, alt, altn);
            if (id == -1)
                goto out;
            if (id == -2) {
                rc = SMZ_E_TOOBIG;
                goto out;
            }
            ph->ids[k] = id;
            ph->first[tc.t[k].pos + 1] = k + 1;
        }
        for (int k = 1; k <= ph->npos; k++) /* positions without a token (none, in practice) */
            if (ph->first[k] < ph->first[k - 1])
                ph->first[k] = ph->first[k - 1];
        /* The index holds the query's tokens, not their order: with more
         * than one, the phrase is checked on the text. */
        if (nquery > 1)
            m->needs_check = 1;
        if (ph->exclude && nquery > 1)
            m->checked_excludes = 1;
        if (!ph->exclude)
            m->nincluded++;
    }
    *out = m;
    m = NULL;
    rc = SMZ_OK;
out:
    for (int k = 0; k < tc.n; k++)
        free(tc.t[k].s);
    free(tc.t);
    smz__matcher_free(m);
    return rc;
}

int smz__matcher_needs_check(const smz_matcher *m)
{
    return m->needs_check;
}

void smz__matcher_free(smz_matcher *m)
{
    if (!m)
        return;
    for (int i = 0; m->q && i < m->nq; i++) {
        free(m->q[i].s);
        free(m->q[i].alt);
    }
    for (int i = 0; m->ph && i < m->nph; i++) {
        free(m->ph[i].first);
        free(m->ph[i].ids);
    }
    free(m->q);
    free(m->ph);
    free(m);
}

/* ---- scanning a text ---- */

typedef struct scan_ctx {
    const smz_matcher *m;
    event *ev;
    size_t n, cap;
    int pos; /* positions seen */
    int overflow;
    int fail;
    size_t body_end; /* bytes of the text's body (the snippet's) */
    int body_pos;    /* positions starting in it */
} scan_ctx;

static int scan_cb(void *p, int tflags, const char *tok, int n, int s, int e)
{
    scan_ctx *c = p;
    (void)e;
    if (!(tflags & FTS5_TOKEN_COLOCATED) || c->pos == 0) {
        c->pos++;
        if ((size_t)s < c->body_end)
            c->body_pos = c->pos;
    }
    if (c->pos > (1 << 28))
        return SQLITE_DONE;
    const smz_matcher *m = c->m;
    char folded[SMZ_HAN_TOKEN_MAX];
    int fn = m->han ? smz__han_fold_token(tok, n, folded) : 0;
    if (fn) { /* a Chinese token, compared in its canonical form */
        tok = folded;
        n = fn;
    }
    /* A word's unstemmed form matches only the unstemmed form of a prefix. */
    int raw = n > 0 && tok[0] == SMZ_TOKEN_RAW;
    const char *w = tok + raw;
    int wn = n - raw;
    for (int i = 0; i < m->nq; i++) {
        const qtok *q = &m->q[i];
        int ok = !raw && (q->prefix ? n >= q->n : n == q->n) && !memcmp(tok, q->s, (size_t)q->n);
        ok = ok || (q->alt && wn >= q->altn && !memcmp(w, q->alt, (size_t)q->altn));
        if (!ok)
            continue;
        int dup = 0; /* the word's stem matched already */
        for (size_t k = c->n; k-- > 0 && c->ev[k].pos == c->pos - 1 && !dup;)
            dup = c->ev[k].id == i;
        if (dup)
            continue;
        if (c->n == SMZ_MATCH_MAX_EVENTS) {
            c->overflow = 1;
            return SQLITE_DONE;
        }
        if (c->n == c->cap) {
            size_t cap = c->cap ? 2 * c->cap : 64;
            event *ev = realloc(c->ev, cap * sizeof *ev);
            if (!ev) {
                c->fail = 1;
                return SQLITE_NOMEM;
            }
            c->ev = ev;
            c->cap = cap;
        }
        c->ev[c->n++] = (event){c->pos - 1, i};
    }
    return SQLITE_OK;
}

/* Whether the events (sorted by position) hold token ID at position POS. */
static int has(const event *ev, size_t n, int pos, int id)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ev[mid].pos < pos)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (; lo < n && ev[lo].pos == pos; lo++)
        if (ev[lo].id == id)
            return 1;
    return 0;
}

static int phrase_at(const phrase *ph, const event *ev, size_t n, int pos)
{
    for (int k = 0; k < ph->npos; k++)
        for (int j = ph->first[k]; j < ph->first[k + 1]; j++)
            if (!has(ev, n, pos + k, ph->ids[j]))
                return 0;
    return 1;
}

/* Tokenizes TEXT, recording matched tokens in *SC; its first BODY bytes
 * are the body. */
static smz_err scan(const smz_matcher *m, const char *text, size_t len, size_t body, scan_ctx *sc)
{
    memset(sc, 0, sizeof *sc);
    sc->m = m;
    sc->body_end = body;
    if (!len || len > (size_t)0x7fffffff)
        return SMZ_OK;
    int src = m->api->xTokenize(m->tok, sc, FTS5_TOKENIZE_DOCUMENT, text, (int)len, scan_cb);
    if (sc->fail)
        return SMZ_E_NOMEM;
    if (src != SQLITE_OK && src != SQLITE_DONE)
        return SMZ_E_INTERNAL;
    return SMZ_OK;
}

/* For each phrase, whether it occurs (FOUND), and its hits in the body
 * (HITS may be NULL). */
static smz_err find_phrases(const smz_matcher *m, const scan_ctx *sc, int *found, hit **hits,
                            size_t *nhits)
{
    size_t cap = 0;
    for (int p = 0; p < m->nph; p++) {
        const phrase *ph = &m->ph[p];
        if (ph->npos == 0 || ph->first[1] == 0)
            continue;
        int id0 = ph->ids[0];
        for (size_t i = 0; i < sc->n; i++) {
            if (sc->ev[i].id != id0 || !phrase_at(ph, sc->ev, sc->n, sc->ev[i].pos))
                continue;
            found[p] = 1;
            if (!hits || ph->exclude)
                break;
            if (sc->ev[i].pos + ph->npos > sc->body_pos)
                continue; /* set aside: no snippet shows it */
            if (*nhits == cap) {
                cap = cap ? 2 * cap : 16;
                hit *h = realloc(*hits, cap * sizeof *h);
                if (!h)
                    return SMZ_E_NOMEM;
                *hits = h;
            }
            (*hits)[(*nhits)++] = (hit){sc->ev[i].pos, sc->ev[i].pos + ph->npos - 1, p};
        }
    }
    return SMZ_OK;
}

/* ---- the snippet ---- */

typedef struct span {
    int start, end;
} span;

typedef struct pos_ctx {
    int pos;    /* position of the next non-colocated token */
    int lo, hi; /* positions to remember: [lo, hi) */
    span *at;
    int more; /* a token exists at position hi */
} pos_ctx;

static int pos_cb(void *p, int tflags, const char *tok, int n, int s, int e)
{
    pos_ctx *c = p;
    (void)tok;
    (void)n;
    if ((tflags & FTS5_TOKEN_COLOCATED) && c->pos > 0)
        return SQLITE_OK;
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
    size_t i = 0, plain = 0;
    while (i < n) {
        uint32_t c;
        size_t k = smz__utf8_next(u + i, n - i, &c);
        const char *rep = NULL;
        switch (c) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        case SMZ_UTF8_INVALID: rep = "\xEF\xBF\xBD"; break;
        default:
            if ((c < 0x20 && c != '\t') || (c >= 0x7F && c <= 0x9F))
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

static size_t tail_start(const char *s, size_t n, size_t max)
{
    size_t i = n > max ? n - max : 0;
    for (int k = 0; k < 3 && i < n && ((unsigned char)s[i] & 0xC0) == 0x80; k++)
        i++;
    return i;
}

/* Text between tokens: short runs as they are; long ones keep both ends. */
static void put_gap(sqlite3_str *out, const char *s, size_t n)
{
    if (n <= GAP_MAX) {
        put_html(out, s, n);
        return;
    }
    put_html(out, s, smz__utf8_cut(s, n, GAP_MAX / 2));
    sqlite3_str_appendall(out, " " ELLIPSIS " ");
    size_t t = tail_start(s, n, GAP_MAX / 2);
    put_html(out, s + t, n - t);
}

static void put_token(sqlite3_str *out, const char *s, size_t n)
{
    size_t keep = smz__utf8_cut(s, n, TOKEN_MAX);
    put_html(out, s, keep);
    if (keep < n)
        sqlite3_str_appendall(out, ELLIPSIS);
}

/* The first position of the best window of MAX positions: the earliest of
 * those starting at a hit that cover the most distinct phrases (*DISTINCT),
 * with its hits centred.  HITS are sorted.  Earliest, not densest, so that
 * the window found in the beginning of a text is the window of the whole
 * text once it covers every phrase (see smz__matcher_check). */
static int best_window(const hit *hits, size_t nhits, int *count, int nphrase, int max,
                       int *best_distinct)
{
    int best_score = -1, distinct = 0;
    size_t best = 0;
    memset(count, 0, (size_t)nphrase * sizeof *count);
    for (size_t i = 0, j = 0; i < nhits; i++) {
        for (; j < nhits && hits[j].start < hits[i].start + max; j++)
            distinct += count[hits[j].phrase]++ == 0;
        if (distinct > best_score) {
            best_score = distinct;
            best = i;
        }
        distinct -= --count[hits[i].phrase] == 0;
    }
    *best_distinct = best_score;
    int w = hits[best].start, last = w;
    for (size_t j = best; j < nhits && hits[j].start < w + max; j++)
        if (hits[j].end > last)
            last = hits[j].end < w + max ? hits[j].end : w + max - 1;
    w -= (max - (last - w + 1)) / 2;
    return w < 0 ? 0 : w;
}

/* The hits sorted, the window's first position (*W) and how many phrases it
 * shows (*DISTINCT, 0 without hits), and the longest hit (*EXTRA). */
static smz_err choose_window(const smz_matcher *m, hit *hits, size_t nhits, int *w, int *distinct,
                             int *extra)
{
    *w = *distinct = *extra = 0;
    if (nhits > 1)
        qsort(hits, nhits, sizeof *hits, by_start);
    for (size_t i = 0; i < nhits; i++)
        if (hits[i].end - hits[i].start > *extra)
            *extra = hits[i].end - hits[i].start;
    if (*extra > 4 * SMZ_SNIPPET_TOKENS)
        *extra = 4 * SMZ_SNIPPET_TOKENS;
    if (!nhits)
        return SMZ_OK;
    int *count = calloc((size_t)m->nph, sizeof *count);
    if (!count)
        return SMZ_E_NOMEM;
    *w = best_window(hits, nhits, count, m->nph, SMZ_SNIPPET_TOKENS, distinct);
    free(count);
    return SMZ_OK;
}

static smz_err render(const smz_matcher *m, const char *text, size_t len, int complete, hit *hits,
                      size_t nhits, int w, int extra, char **snippet)
{
    smz_err rc = SMZ_E_NOMEM;
    int max = SMZ_SNIPPET_TOKENS;
    span *at = NULL;
    sqlite3_str *out = NULL;
    /* Bytes of the window's tokens, of the window before it (the text may
     * end early), and of enough tokens to finish a hit the edge would cut. */
    pos_ctx pc = {.lo = w > max + extra ? w - max - extra : 0, .hi = w + max + extra};
    if (!(at = calloc((size_t)(pc.hi - pc.lo), sizeof *at)))
        goto out;
    pc.at = at;
    int src = m->api->xTokenize(m->tok, &pc, FTS5_TOKENIZE_DOCUMENT, text, (int)len, pos_cb);
    if (src != SQLITE_OK && src != SQLITE_DONE) {
        rc = SMZ_E_INTERNAL;
        goto out;
    }
    int npos = pc.more ? pc.hi + 1 : pc.pos;
    if (npos < w + max)
        w = npos > max ? npos - max : 0;
    if (w < pc.lo)
        w = pc.lo;
    int e = (npos < w + max ? npos : w + max) - 1;
    for (size_t i = nhits; i-- > 0;)
        if (hits[i].start < w && hits[i].end >= w && hits[i].start >= pc.lo)
            w = hits[i].start;
    for (size_t i = 0; i < nhits; i++)
        if (hits[i].start <= e && hits[i].end > e && hits[i].end < npos && hits[i].end < pc.hi)
            e = hits[i].end;
    if (!(out = sqlite3_str_new(NULL)))
        goto out;
    if (e < w) {
        put_gap(out, text, len);
    } else {
        size_t cur = w == 0 ? 0 : (size_t)at[w - pc.lo].start;
        if (w > 0)
            sqlite3_str_appendall(out, ELLIPSIS " ");
        /* Overlapping hits (人 and 人权 in 人权) become one highlight. */
        size_t nm = 0;
        for (size_t i = 0; i < nhits; i++) {
            if (nm && hits[i].start <= hits[nm - 1].end + 1) {
                if (hits[i].end > hits[nm - 1].end)
                    hits[nm - 1].end = hits[i].end;
            } else {
                hits[nm++] = hits[i];
            }
        }
        size_t k = 0;
        int is_open = 0;
        for (int p = w; p <= e; p++) {
            span sp = at[p - pc.lo];
            size_t s = (size_t)sp.start, t = (size_t)sp.end;
            if (s > len)
                s = len;
            if (s < cur)
                s = cur;
            if (t > len)
                t = len;
            if (t < s)
                t = s;
            while (k < nm && hits[k].end < p)
                k++;
            int in_hit = k < nm && hits[k].start <= p;
            if (is_open && !in_hit) {
                sqlite3_str_appendall(out, CLOSE);
                is_open = 0;
            }
            put_gap(out, text + cur, s - cur);
            if (!is_open && in_hit) {
                sqlite3_str_appendall(out, OPEN);
                is_open = 1;
            }
            put_token(out, text + s, t - s);
            cur = t;
        }
        if (is_open)
            sqlite3_str_appendall(out, CLOSE);
        if (e == npos - 1 && complete)
            put_gap(out, text + cur, len - cur);
        else
            sqlite3_str_appendall(out, " " ELLIPSIS);
    }
    if (sqlite3_str_errcode(out) != SQLITE_OK)
        goto out;
    char *z = sqlite3_str_finish(out); /* NULL when empty */
    out = NULL;
    *snippet = strdup(z ? z : "");
    sqlite3_free(z);
    if (!*snippet)
        goto out;
    rc = SMZ_OK;
out:
    sqlite3_free(sqlite3_str_finish(out));
    free(at);
    return rc;
}

static double window_proximity(const smz_matcher *m, const hit *hits, size_t n, int *count);

smz_err smz__matcher_check(smz_matcher *m, const char *title, size_t title_len, const char *text,
                           size_t text_len, size_t body_len, int complete, int *ok, int *decided,
                           char **snippet)
{
    smz_err rc = SMZ_E_NOMEM;
    scan_ctx st = {0}, sb = {0};
    hit *hits = NULL;
    size_t nhits = 0;
    int w = 0, distinct = 0, extra = 0;
    int *found = calloc((size_t)m->nph + 1, sizeof *found);
    *ok = 0;
    *decided = 0;
    if (snippet)
        *snippet = NULL;
    if (!found)
        goto out;
    if (!text)
        text_len = 0;
    if (!title)
        title_len = 0;
    if (!body_len || body_len > text_len)
        body_len = text_len; /* all set aside, or no body given: the snippet shows what there is */
    if ((rc = scan(m, title, title_len, title_len, &st)) != SMZ_OK ||
        (rc = find_phrases(m, &st, found, NULL, NULL)) != SMZ_OK ||
        (rc = scan(m, text, text_len, body_len, &sb)) != SMZ_OK ||
        (rc = find_phrases(m, &sb, found, snippet ? &hits : NULL, &nhits)) != SMZ_OK)
        goto out;
    int all = !st.overflow && !sb.overflow, excluded = 0;
    for (int p = 0; p < m->nph; p++) {
        if (m->ph[p].exclude && found[p])
            excluded = 1;
        if (found[p] == m->ph[p].exclude)
            all = 0;
    }
    if (snippet && (rc = choose_window(m, hits, nhits, &w, &distinct, &extra)) != SMZ_OK)
        goto out;
    /* The beginning of the text settles it when it has every phrase and,
     * for a snippet, a window showing them all that the rest of the text
     * cannot change (one that ends, with the context render() reads around
     * it, before the text given does), or SMZ_SNIPPET_SCOPE bytes to choose
     * the window in; and when it has an excluded phrase. */
    int scoped = text_len >= SMZ_SNIPPET_SCOPE;
    int window = distinct == m->nincluded && (int64_t)w + 2 * SMZ_SNIPPET_TOKENS + extra + 1 < sb.pos;
    if (complete || excluded)
        *decided = 1;
    else if (all && !m->checked_excludes)
        *decided = !snippet || window || scoped;
    else if (!m->needs_check && snippet)
        *decided = scoped; /* the index alone answers: only the snippet is wanted */
    if (!*decided)
        goto done;
    *ok = all;
    m->prox = 0;
    if (snippet && nhits && m->nincluded >= 2) {
        int *count = calloc((size_t)m->nph, sizeof *count);
        if (!count) {
            rc = SMZ_E_NOMEM;
            goto out;
        }
        m->prox = window_proximity(m, hits, nhits, count); /* HITS are sorted (choose_window) */
        free(count);
    }
    if (snippet && body_len > 0 &&
        (rc = render(m, text, body_len, complete, hits, nhits, w, extra, snippet)) != SMZ_OK)
        goto out;
done:
    rc = SMZ_OK;
out:
    free(st.ev);
    free(sb.ev);
    free(hits);
    free(found);
    return rc;
}

/* ---- proximity ---- */

int smz__matcher_terms(const smz_matcher *m)
{
    return m ? m->nincluded : 0;
}

/* The proximity of sorted HITS (see smz__matcher_proximity): their
 * phrases' positions over the shortest run of positions holding a hit of
 * every included phrase, 0 when some phrase has none.  COUNT has room for
 * each phrase.  A longer phrase that starts before the run's last hit and
 * ends after it is not allowed for: this is a ranking signal. */
static double window_proximity(const smz_matcher *m, const hit *hits, size_t n, int *count)
{
    int best = 0, distinct = 0, total = 0;
    for (int p = 0; p < m->nph; p++)
        if (!m->ph[p].exclude)
            total += m->ph[p].npos;
    memset(count, 0, (size_t)m->nph * sizeof *count);
    for (size_t lo = 0, hi = 0; hi < n; hi++) {
        if (count[hits[hi].phrase]++ == 0)
            distinct++;
        while (distinct == m->nincluded) {
            int w = hits[hi].end - hits[lo].start + 1;
            if (!best || w < best)
                best = w;
            if (--count[hits[lo].phrase] == 0)
                distinct--;
            lo++;
        }
    }
    return !best ? 0.0 : best <= total ? 1.0 : (double)total / (double)best;
}

/* The hits of every included phrase in SC's text, sorted, in *HITS (*N). */
static smz_err all_hits(const smz_matcher *m, const scan_ctx *sc, hit **hits, size_t *n)
{
    size_t cap = 0;
    *hits = NULL;
    *n = 0;
    for (int p = 0; p < m->nph; p++) {
        const phrase *ph = &m->ph[p];
        if (ph->exclude || ph->npos == 0 || ph->first[1] == 0)
            continue;
        int id0 = ph->ids[0];
        for (size_t i = 0; i < sc->n; i++) {
            if (sc->ev[i].id != id0 || !phrase_at(ph, sc->ev, sc->n, sc->ev[i].pos))
                continue;
            if (*n == cap) {
                cap = cap ? 2 * cap : 64;
                hit *h = realloc(*hits, cap * sizeof *h);
                if (!h)
                    return SMZ_E_NOMEM;
                *hits = h;
            }
            (*hits)[(*n)++] = (hit){sc->ev[i].pos, sc->ev[i].pos + ph->npos - 1, p};
        }
    }
    if (*n)
        qsort(*hits, *n, sizeof **hits, by_start);
    return SMZ_OK;
}

smz_err smz__matcher_proximity(smz_matcher *m, const char *text, size_t len, double *prox)
{
    scan_ctx sc;
    hit *hits = NULL;
    size_t n = 0;
    int *count = NULL;
    *prox = 0;
    smz_err rc = scan(m, text, len, len, &sc);
    if (rc == SMZ_OK && !sc.overflow && (rc = all_hits(m, &sc, &hits, &n)) == SMZ_OK && n) {
        if (!(count = calloc((size_t)m->nph, sizeof *count)))
            rc = SMZ_E_NOMEM;
        else
            *prox = window_proximity(m, hits, n, count);
    }
    free(count);
    free(hits);
    free(sc.ev);
    return rc;
}

double smz__matcher_proximity_of(const smz_matcher *m)
{
    return m->prox;
}
