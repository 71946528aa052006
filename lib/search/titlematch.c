/* Which words of a title match the text typed (see titlematch.h).
 *
 * The title's tokens are compared with the typed tokens' forms as the
 * tokenizer hands them over, so nothing of the title is stored: a matrix of
 * SMZ_TM_TOKENS x SMZ_TM_POSITIONS bytes says which typed token was found
 * at which position (for the longest run in order), and each matched title
 * token leaves one stretch, its bytes (a compound's stretch starts at its
 * first word, whose position is the one before it). */
#include <stdlib.h>
#include <string.h>
#include "search/titlematch.h"
#include "text/utf8.h"

#define TM_TITLE_BYTES 4096 /* bytes of a title looked at (SMZ_MAX_TITLE: what a writer may write) */

/* One query token: where it is in the text typed, and its forms (the
 * token and the colocated ones FTS5 also matches), one after another in
 * FORMS with their lengths in FLEN. */
typedef struct qtok {
    size_t start, len;
    char *forms;
    int *flen;
    int nforms, capforms;
    size_t used, cap;
    int prefix;
} qtok;

struct smz_typed {
    const fts5_tokenizer *api;
    Fts5Tokenizer *tok;
    qtok *t;
    int n, cap;
    unsigned char *seen; /* SMZ_TM_TOKENS x SMZ_TM_POSITIONS: token i found at position p */
};

static int range_cb(void *p, int tflags, const char *tok, int n, int s, int e)
{
    smz_typed *t = p;
    (void)tok;
    (void)n;
    if (tflags & FTS5_TOKEN_COLOCATED)
        return SQLITE_OK;
    if (t->n == t->cap) {
        int cap = t->cap ? t->cap * 2 : 8;
        qtok *q = realloc(t->t, (size_t)cap * sizeof *q);
        if (!q)
            return SQLITE_NOMEM;
        t->t = q;
        t->cap = cap;
    }
    memset(&t->t[t->n], 0, sizeof t->t[t->n]);
    t->t[t->n].start = (size_t)s;
    t->t[t->n].len = (size_t)(e - s);
    t->n++;
    return SQLITE_OK;
}

/* The forms of one token: the first token the literal gives and those
 * colocated with it (a literal is one token's own characters, so it gives
 * one position; anything after it is ignored). */
static int form_cb(void *p, int tflags, const char *tok, int n, int s, int e)
{
    qtok *q = p;
    (void)s;
    (void)e;
    if (n <= 0 || (q->nforms && !(tflags & FTS5_TOKEN_COLOCATED)))
        return SQLITE_OK;
    if (q->used + (size_t)n > q->cap) {
        size_t cap = (q->cap + (size_t)n) * 2;
        char *f = realloc(q->forms, cap);
        if (!f)
            return SQLITE_NOMEM;
        q->forms = f;
        q->cap = cap;
    }
    if (q->nforms == q->capforms) {
        int cap = q->capforms ? q->capforms * 2 : 4;
        int *l = realloc(q->flen, (size_t)cap * sizeof *l);
        if (!l)
            return SQLITE_NOMEM;
        q->flen = l;
        q->capforms = cap;
    }
    memcpy(q->forms + q->used, tok, (size_t)n);
    q->used += (size_t)n;
    q->flen[q->nforms++] = n;
    return SQLITE_OK;
}

static smz_err tok_err(int src)
{
    return src == SQLITE_NOMEM ? SMZ_E_NOMEM : SMZ_E_INTERNAL;
}

smz_err smz__typed_new(const fts5_tokenizer *api, Fts5Tokenizer *tok, const char *text, size_t len,
                       int last_prefix, smz_typed **out)
{
    smz_err rc = SMZ_E_NOMEM;
    smz_typed *t = calloc(1, sizeof *t);
    *out = NULL;
    if (!t)
        goto out;
    t->api = api;
    t->tok = tok;
    int src = len ? api->xTokenize(tok, t, FTS5_TOKENIZE_QUERY, text, (int)len, range_cb) : SQLITE_OK;
    if (src != SQLITE_OK) {
        rc = tok_err(src);
        goto out;
    }
    for (int i = 0; i < t->n && i < SMZ_TM_TOKENS; i++) {
        qtok *q = &t->t[i];
        q->prefix = last_prefix && i == t->n - 1;
        int flags = FTS5_TOKENIZE_QUERY | (q->prefix ? FTS5_TOKENIZE_PREFIX : 0);
        src = api->xTokenize(tok, q, flags, text + q->start, (int)q->len, form_cb);
        if (src != SQLITE_OK) {
            rc = tok_err(src);
            goto out;
        }
    }
    if (!(t->seen = calloc((size_t)SMZ_TM_TOKENS * SMZ_TM_POSITIONS, 1)))
        goto out;
    *out = t;
    t = NULL;
    rc = SMZ_OK;
out:
    smz__typed_free(t);
    return rc;
}

void smz__typed_free(smz_typed *t)
{
    if (!t)
        return;
    for (int i = 0; i < t->n; i++) {
        free(t->t[i].forms);
        free(t->t[i].flen);
    }
    free(t->t);
    free(t->seen);
    free(t);
}

int smz__typed_count(const smz_typed *t)
{
    return t->n;
}

void smz__typed_token(const smz_typed *t, int i, size_t *start, size_t *len)
{
    *start = t->t[i].start;
    *len = t->t[i].len;
}

/* ---- one title ---- */

typedef struct scan {
    const smz_typed *t;
    int ntok;     /* tokens compared: min(n, SMZ_TM_TOKENS) */
    int pos;      /* the current position, -1 before the first */
    int start[2]; /* byte where the previous and current positions start */
    int maxpos;   /* the last position marked in seen */
    int whole;
    smz_span *spans;
    size_t n, cap;
} scan;

/* 0 no, 1 the title token equals a form, 2 it only starts with one (a
 * prefix). */
static int token_matches(const qtok *q, const char *tok, int n)
{
    int res = 0;
    const char *f = q->forms;
    for (int k = 0; k < q->nforms && res != 1; f += q->flen[k++]) {
        int fl = q->flen[k];
        if (n == fl && !memcmp(tok, f, (size_t)fl))
            res = 1;
        else if (q->prefix && n > fl && !memcmp(tok, f, (size_t)fl))
            res = 2;
    }
    return res;
}

static int title_cb(void *p, int tflags, const char *tok, int n, int s, int e)
{
    scan *c = p;
    if (!(tflags & FTS5_TOKEN_COLOCATED)) {
        c->pos++;
        c->start[0] = c->start[1];
        c->start[1] = s;
    }
    if (c->pos < 0 || c->pos >= SMZ_TM_POSITIONS || n <= 0)
        return SQLITE_OK;
    int hit = 0;
    for (int i = 0; i < c->ntok; i++) {
        int m = token_matches(&c->t->t[i], tok, n);
        if (!m)
            continue;
        hit = 1;
        c->t->seen[(size_t)i * SMZ_TM_POSITIONS + (size_t)c->pos] = 1;
        if (c->pos > c->maxpos)
            c->maxpos = c->pos;
        if (m == 1 && i == c->t->n - 1)
            c->whole = 1;
    }
    if (!hit)
        return SQLITE_OK;
    /* A compound (pg_restore) is colocated with its second word and has
     * that word's offsets: its stretch starts at the first word. */
    if ((tflags & FTS5_TOKEN_COLOCATED) && c->pos > 0 &&
        (memchr(tok, '_', (size_t)n) || memchr(tok, '-', (size_t)n)))
        s = c->start[0];
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 8;
        smz_span *sp = realloc(c->spans, cap * sizeof *sp);
        if (!sp)
            return SQLITE_NOMEM;
        c->spans = sp;
        c->cap = cap;
    }
    c->spans[c->n++] = (smz_span){.start = (size_t)s, .len = (size_t)(e - s)};
    return SQLITE_OK;
}

static int span_cmp(const void *a, const void *b)
{
    const smz_span *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return x->len < y->len ? -1 : x->len > y->len;
}

/* Characters from byte *AT (at *COUNT characters) up to byte TO. */
static size_t chars_to(const char *s, size_t len, size_t *at, size_t *count, size_t to)
{
    uint32_t cp;
    while (*at < to && *at < len) {
        *at += smz__utf8_next((const unsigned char *)s + *at, len - *at, &cp);
        ++*count;
    }
    return *count;
}

smz_err smz__typed_match(const smz_typed *t, const char *title, smz_title_match *m)
{
    scan c = {.t = t, .ntok = t->n < SMZ_TM_TOKENS ? t->n : SMZ_TM_TOKENS, .pos = -1, .maxpos = -1};
    memset(m, 0, sizeof *m);
    size_t len = strlen(title);
    if (len > TM_TITLE_BYTES)
        len = smz__utf8_cut(title, len, TM_TITLE_BYTES);
    int src = len && c.ntok
                  ? t->api->xTokenize(t->tok, &c, FTS5_TOKENIZE_DOCUMENT, title, (int)len, title_cb)
                  : SQLITE_OK;
    if (src != SQLITE_OK) {
        free(c.spans);
        memset(t->seen, 0, (size_t)SMZ_TM_TOKENS * SMZ_TM_POSITIONS);
        return tok_err(src);
    }
    /* The longest run: token i at position p after token i-1 at p-1. */
    int prev[SMZ_TM_POSITIONS], cur[SMZ_TM_POSITIONS];
    for (int i = 0; i < c.ntok && c.maxpos >= 0; i++) {
        const unsigned char *row = t->seen + (size_t)i * SMZ_TM_POSITIONS;
        for (int p = 0; p <= c.maxpos; p++) {
            cur[p] = row[p] ? (i > 0 && p > 0 ? prev[p - 1] : 0) + 1 : 0;
            if (cur[p] > m->run)
                m->run = cur[p];
        }
        memcpy(prev, cur, (size_t)(c.maxpos + 1) * sizeof *prev);
        memset(t->seen + (size_t)i * SMZ_TM_POSITIONS, 0, (size_t)c.maxpos + 1);
    }
    m->whole = c.whole || !t->n || !t->t[t->n - 1].prefix;
    /* Stretches in order, merged when they overlap or touch (the bigrams
     * of a CJK word overlap), then counted in characters too. */
    if (c.n)
        qsort(c.spans, c.n, sizeof *c.spans, span_cmp);
    size_t k = 0;
    for (size_t i = 0; i < c.n; i++) {
        smz_span sp = c.spans[i];
        if (sp.start >= len)
            continue;
        if (sp.start + sp.len > len)
            sp.len = len - sp.start;
        if (k && sp.start <= c.spans[k - 1].start + c.spans[k - 1].len) {
            smz_span *last = &c.spans[k - 1];
            size_t end = sp.start + sp.len;
            if (end > last->start + last->len)
                last->len = end - last->start;
        } else {
            c.spans[k++] = sp;
        }
    }
    size_t at = 0, count = 0;
    for (size_t i = 0; i < k; i++) {
        c.spans[i].cstart = chars_to(title, len, &at, &count, c.spans[i].start);
        c.spans[i].clen = chars_to(title, len, &at, &count, c.spans[i].start + c.spans[i].len) -
                          c.spans[i].cstart;
    }
    if (!k) {
        free(c.spans);
        c.spans = NULL;
    }
    m->spans = c.spans;
    m->nspans = k;
    return SMZ_OK;
}
