/* Ranked full-text search and title suggestions (smz/search.h).
 *
 * The index (search_fts, FTS5 with detail=none) finds the pages that hold
 * every token of the query, in the title or the body, and ranks them with
 * smz_rank (search/rank.c: BM25 with the term frequencies the index keeps,
 * read first by read_tf), the title's score and the text's each divided by
 * the query's ideal so that scores compare across archives; hubs (contents
 * and index pages) after the pages they point to.  Pages whose title is
 * exactly the query come first; a query of several words has its first
 * candidates reranked by how close together its words stand (rerank).  The
 * page's text, derived again from the stored
 * entry, gives the snippet and, where the index cannot tell (phrases, CJK
 * words of three or more characters, excluded phrases), the final say on
 * whether the page matches (search/match.h).
 *
 * Only bound parameters reach SQL; the FTS5 expression is made of string
 * literals, one per token of the query, each written from the query's own
 * characters so that the table's tokenizer reads it back as that one token
 * (with, for the last word of a prefix, its unstemmed forms as synonyms:
 * search/tokenizer.h). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sqlite3.h>
#include "smz/format.h"
#include "smz/search.h"
#include "format.h"
#include "reader_priv.h"
#include "search/hanfold.h"
#include "search/match.h"
#include "search/query.h"
#include "search/rank.h"
#include "search/titlematch.h"
#include "search/tokenizer.h"
#include "text/entry_text.h"
#include "text/html.h"
#include "text/utf8.h"

#define MAX_LIMIT 100
#define MAX_OFFSET 10000
#define EXACT_MAX 20           /* exact-title candidates looked at */
#define CHECK_MAX 1000         /* pages checked for phrases per call */
#define SUGGEST_SCAN 2000      /* index rows ranked per suggestion step */
#define SUGGEST_CANDIDATES 200 /* the best of them kept */
#define SUGGEST_MAX_BYTES 256
#define BUDGET_FACTOR 50 /* the search's step budget, in reader budgets */
/* What one call may cost, whatever the archive claims (issue 16): bytes of
 * a page read for a phrase check, and for a snippet alone; bytes of pages
 * read (and parsed) in all, of clusters decoded, and time.  Past any of
 * them the call stops and says its answer is partial.  A page of
 * postgresql-doc-15 is 20-60 KB and its search decodes a few 6 MiB
 * clusters: legitimate searches stay far below. */
#define CHECK_PAGE_MAX (8u << 20)
#define SNIPPET_PAGE_MAX (1u << 20)
#define SNIPPET_BATCH (8u << 20) /* page bytes held at once for the snippet threads */
#define WORK_READ_MAX ((uint64_t)64 << 20)
#define WORK_DECODE_MAX ((uint64_t)1 << 30)
#define WORK_TIME_MS 3000
/* A page's score is its text's BM25 plus TITLE_WEIGHT times its title's,
 * each divided by the query's ideal (rank.c), so each is under 1 and the
 * sum compares across archives. */
#define TITLE_WEIGHT 3.0
#define UNTITLED_WEIGHT 0.1
/* Added to the score of a page whose title is the query: above any other,
 * in any archive. */
#define EXACT_SCORE 1000.0
/* A query of several words: the hits of the page are reranked by how close
 * together the words stand (proximity_rerank). */
#define PROX_WEIGHT 0.5
/* Bytes of a page read for its proximity when no snippet was cut: its
 * beginning, where a page says what it is about. */
#define PROX_PAGE_MAX (128u << 10)

typedef struct tokenizer {
    fts5_tokenizer api;
    Fts5Tokenizer *tok;
} tokenizer;

/* ---- the archive's tokenizer ---- */

static smz_err tokenizer_open(smz_reader *r, tokenizer *t)
{
    fts5_api *fts;
    void *ud = NULL;
    memset(t, 0, sizeof *t);
    smz_err rc = smz__fts5_api(smz__reader_db(r), &fts);
    if (rc == SMZ_E_NOMEM)
        return smz__reader_fail(r, rc, "out of memory");
    if (rc != SMZ_OK)
        return smz__reader_fail(r, rc, "this SQLite has no FTS5");
    /* Stemming or not, as the index was made (the schema pinned at open). */
    const char *args[] = {"porter"};
    if (fts->xFindTokenizer(fts, "smz", &ud, &t->api) != SQLITE_OK)
        return smz__reader_fail(r, SMZ_E_INTERNAL, "cannot start the search tokenizer");
    int src = t->api.xCreate(ud, args, smz__reader_stemmed(r), &t->tok);
    if (src != SQLITE_OK)
        return smz__reader_fail(r, src == SQLITE_NOMEM ? SMZ_E_NOMEM : SMZ_E_INTERNAL,
                                "cannot start the search tokenizer");
    return SMZ_OK;
}

static void tokenizer_close(tokenizer *t)
{
    if (t->tok)
        t->api.xDelete(t->tok);
    t->tok = NULL;
}

/* ---- FTS5 expressions ---- */

/* The literals of a query's included tokens, in the order of the match
 * expression's phrases: each one's bytes in the query, and whether it is
 * a prefix (the ranking asks for their term frequencies, rank.h). */
typedef struct literal {
    const char *s;
    int n;
    int prefix;
} literal;

typedef struct literals {
    literal l[SMZ_TF_PHRASES];
    int n;
} literals;

typedef struct expr_ctx {
    sqlite3_str *out;
    const char *text;
    const char *sep;
    int count;
    literals *lits; /* NULL: not collected */
} expr_ctx;

static void put_literal(sqlite3_str *out, const char *s, int n)
{
    sqlite3_str_appendchar(out, 1, '"');
    for (int i = 0; i < n; i++) {
        if (s[i] == '"')
            sqlite3_str_appendchar(out, 1, '"');
        sqlite3_str_appendchar(out, 1, s[i]);
    }
    sqlite3_str_appendchar(out, 1, '"');
}

static int expr_cb(void *p, int tflags, const char *tok, int n, int s, int e)
{
    expr_ctx *c = p;
    (void)tok;
    (void)n;
    if (tflags & FTS5_TOKEN_COLOCATED)
        return SQLITE_OK;
    if (c->count++)
        sqlite3_str_appendall(c->out, c->sep);
    put_literal(c->out, c->text + s, e - s);
    if (c->lits && c->lits->n < SMZ_TF_PHRASES)
        c->lits->l[c->lits->n++] = (literal){c->text + s, e - s, 0};
    return SQLITE_OK;
}

/* Appends to OUT the literals of TEXT's query tokens, separated by SEP,
 * with '*' after the last when PREFIX; returns how many (-1 on error). */
static int put_tokens(tokenizer *t, sqlite3_str *out, const char *text, size_t len, int prefix,
                      const char *sep, literals *lits)
{
    int had = lits ? lits->n : 0;
    expr_ctx c = {.out = out, .text = text, .sep = sep, .lits = lits};
    if (t->api.xTokenize(t->tok, &c, FTS5_TOKENIZE_QUERY, text, (int)len, expr_cb) != SQLITE_OK)
        return -1;
    if (c.count && prefix)
        sqlite3_str_appendchar(out, 1, '*');
    if (lits && prefix && lits->n > had && had + c.count == lits->n)
        lits->l[lits->n - 1].prefix = 1;
    return c.count;
}

typedef struct exprs {
    char *match;     /* every included token ANDed, NOT each one-token exclusion */
    char *title_and; /* every included token ANDed */
    char *title_or;  /* any included token */
    int included;    /* phrases of match before the exclusions */
    literals lits;   /* the first of them (their texts point into the query) */
} exprs;

static void exprs_free(exprs *x)
{
    sqlite3_free(x->match);
    sqlite3_free(x->title_and);
    sqlite3_free(x->title_or);
    memset(x, 0, sizeof *x);
}

/* The FTS5 expressions of Q; X->match is NULL when no included term has a
 * token.  Excluded terms of more than one token are left to the matcher. */
static smz_err build_exprs(tokenizer *t, const smz_query *q, exprs *x)
{
    sqlite3_str *m = sqlite3_str_new(NULL), *ta = sqlite3_str_new(NULL), *to = sqlite3_str_new(NULL);
    int included = 0, bad = 0, err = SQLITE_OK;
    memset(x, 0, sizeof *x);
    for (size_t i = 0; i < smz__query_count(q); i++) {
        const smz_query_term *term = smz__query_term_at(q, i);
        if (term->exclude)
            continue;
        sqlite3_str *one = sqlite3_str_new(NULL), *two = sqlite3_str_new(NULL);
        int n = put_tokens(t, one, term->text, term->len, term->prefix, " ", &x->lits);
        put_tokens(t, two, term->text, term->len, term->prefix, " OR ", NULL);
        int nomem = sqlite3_str_errcode(one) | sqlite3_str_errcode(two);
        char *all_of = sqlite3_str_finish(one), *any_of = sqlite3_str_finish(two);
        if (nomem)
            err = SQLITE_NOMEM;
        if (n < 0)
            bad = 1;
        else if (n > 0 && (!all_of || !any_of))
            err = SQLITE_NOMEM;
        else if (n > 0) {
            if (included) {
                sqlite3_str_appendchar(m, 1, ' ');
                sqlite3_str_appendchar(ta, 1, ' ');
                sqlite3_str_appendall(to, " OR ");
            }
            sqlite3_str_appendall(m, all_of);
            sqlite3_str_appendall(ta, all_of);
            sqlite3_str_appendall(to, any_of);
            included += n;
        }
        sqlite3_free(all_of);
        sqlite3_free(any_of);
    }
    for (size_t i = 0; included && i < smz__query_count(q); i++) {
        const smz_query_term *term = smz__query_term_at(q, i);
        if (!term->exclude)
            continue;
        sqlite3_str *one = sqlite3_str_new(NULL);
        int n = put_tokens(t, one, term->text, term->len, term->prefix, " ", NULL);
        char *lit = sqlite3_str_finish(one);
        if (n < 0)
            bad = 1;
        if (n == 1 && lit) {
            sqlite3_str_appendall(m, " NOT ");
            sqlite3_str_appendall(m, lit);
        }
        sqlite3_free(lit);
    }
    err |= sqlite3_str_errcode(m) | sqlite3_str_errcode(ta) | sqlite3_str_errcode(to);
    x->match = sqlite3_str_finish(m);
    x->title_and = sqlite3_str_finish(ta);
    x->title_or = sqlite3_str_finish(to);
    if (bad || err != SQLITE_OK || (included && (!x->match || !x->title_and || !x->title_or))) {
        exprs_free(x);
        return bad ? SMZ_E_INTERNAL : SMZ_E_NOMEM;
    }
    if (!included)
        exprs_free(x);
    x->included = included;
    return SMZ_OK;
}

/* ---- comparing titles with the query ---- */

/* A text's words as the index has them, each as two NUL-terminated strings:
 * its token (the stem, with porter) and its unstemmed form (the token again
 * when the index holds no other); Chinese characters folded to their
 * canonical form (search/hanfold.h), so that a title in either script is
 * the query in the other. */
typedef struct toklist {
    char *buf;
    size_t len, cap;
    size_t raw; /* where the last word's unstemmed form starts */
    int n;
    int fail;
} toklist;

static int list_put(toklist *l, const char *tok, int n)
{
    if (l->len + (size_t)n + 1 > l->cap) {
        size_t cap = (l->cap + (size_t)n + 1) * 2;
        char *b = realloc(l->buf, cap);
        if (!b) {
            l->fail = 1;
            return SQLITE_NOMEM;
        }
        l->buf = b;
        l->cap = cap;
    }
    memcpy(l->buf + l->len, tok, (size_t)n);
    l->buf[l->len + (size_t)n] = 0;
    l->len += (size_t)n + 1;
    return SQLITE_OK;
}

static int list_cb(void *p, int tflags, const char *tok, int n, int s, int e)
{
    toklist *l = p;
    char folded[SMZ_HAN_TOKEN_MAX];
    int fn = smz__han_fold_token(tok, n, folded);
    (void)s;
    (void)e;
    if (fn) {
        tok = folded;
        n = fn;
    }
    if (n > 0 && tok[0] == SMZ_TOKEN_RAW && l->n) { /* the last word's, in place of its token */
        l->len = l->raw;
        return list_put(l, tok + 1, n - 1);
    }
    if (tflags & FTS5_TOKEN_COLOCATED)
        return SQLITE_OK;
    int rc = list_put(l, tok, n);
    l->raw = l->len;
    if (rc == SQLITE_OK)
        rc = list_put(l, tok, n);
    l->n += rc == SQLITE_OK;
    return rc;
}

static smz_err tokens_of(tokenizer *t, const char *text, size_t len, toklist *l)
{
    memset(l, 0, sizeof *l);
    if (!len)
        return SMZ_OK;
    int rc = t->api.xTokenize(t->tok, l, FTS5_TOKENIZE_DOCUMENT, text, (int)len, list_cb);
    if (l->fail)
        return SMZ_E_NOMEM;
    return rc == SQLITE_OK ? SMZ_OK : SMZ_E_INTERNAL;
}

static int starts(const char *s, size_t n, const char *with, size_t wn)
{
    return n >= wn && !memcmp(s, with, wn);
}

/* How TITLE's tokens relate to WANT's: 2 equal, 1 WANT is a prefix of them
 * (the last one by prefix when LAST_PREFIX: the stem of the stem, or the
 * unstemmed form of either, as the tokenizer's prefix queries match), 0
 * otherwise. */
static int compare_title(tokenizer *t, const toklist *want, const char *title, int last_prefix)
{
    toklist got;
    int res = 0;
    if (tokens_of(t, title, strlen(title), &got) != SMZ_OK || got.n < want->n || !want->n)
        goto out;
    size_t a = 0, b = 0;
    for (int i = 0; i < want->n; i++) {
        const char *x = want->buf + a, *y = got.buf + b;
        size_t xl = strlen(x), yl = strlen(y);
        const char *xr = x + xl + 1, *yr = y + yl + 1;
        size_t xrl = strlen(xr), yrl = strlen(yr);
        int ok = i == want->n - 1 && last_prefix
                     ? starts(y, yl, x, xl) || starts(yr, yrl, xr, xrl) || starts(y, yl, xr, xrl)
                     : !strcmp(x, y);
        if (!ok)
            goto out;
        a += xl + 1 + xrl + 1;
        b += yl + 1 + yrl + 1;
    }
    res = got.n == want->n && !last_prefix ? 2 : 1;
out:
    free(got.buf);
    return res;
}

/* Whether TITLE is the query: all of it, or its part before a site-wide
 * suffix such as " — Python 3.11.2 documentation" or " | Site". */
static int is_exact_title(tokenizer *t, const toklist *want, const char *title)
{
    static const char *const seps[] = {" \xE2\x80\x94 ", " \xE2\x80\x93 ", " - ", " | ", ": "};
    if (compare_title(t, want, title, 0) == 2)
        return 1;
    size_t cut = strlen(title);
    for (size_t i = 0; i < sizeof seps / sizeof seps[0]; i++) {
        const char *p = strstr(title, seps[i]);
        if (p && (size_t)(p - title) < cut)
            cut = (size_t)(p - title);
    }
    if (cut == 0 || cut == strlen(title))
        return 0;
    char *head = strndup(title, cut);
    int res = head && compare_title(t, want, head, 0) == 2;
    free(head);
    return res;
}

/* ---- results ---- */

static smz_err add_hit(smz_results *res, size_t cap, const char *path, const char *title, char *snippet,
                       double score)
{
    smz_hit *h = &res->hits[res->n];
    (void)cap;
    h->path = strdup(path);
    h->title = strdup(title ? title : "");
    h->snippet = snippet ? snippet : strdup("");
    h->score = score;
    res->n++;
    if (!h->path || !h->title || !h->snippet)
        return SMZ_E_NOMEM;
    return SMZ_OK;
}

void smz_results_free(smz_results *res)
{
    if (!res)
        return;
    for (size_t i = 0; i < res->n; i++) {
        free((char *)res->hits[i].path);
        free((char *)res->hits[i].title);
        free((char *)res->hits[i].snippet);
        free((smz_span *)res->hits[i].match);
    }
    free(res->hits);
    free(res);
}

/* The first bytes of page E, at most MAX of them, and its MIME type (*DATA
 * NULL when it has no text or is a redirect).  A page's length is what the
 * archive claims: a small archive can point every page at a 64 MiB cluster,
 * and a search must not read 64 MiB for each hit.  A snippet needs the
 * beginning of a page and a phrase check the text the index was made from
 * (at most SMZ_ENTRY_TEXT_MAX bytes of text), so a page cut at MAX is
 * checked on its beginning only (see docs/FORMAT.md, Search). */
static smz_err entry_data(smz_reader *r, const smz_entry *e, size_t max, unsigned char **data, size_t *n,
                          char **mime)
{
    smz_err rc = SMZ_OK;
    *data = NULL;
    *n = 0;
    *mime = NULL;
    if (e->redirect || !smz__entry_has_text(e->mime))
        return SMZ_OK;
    size_t len = e->size > max ? max : (size_t)e->size;
    if (!(*data = malloc(len ? len : 1)) || !(*mime = strdup(e->mime))) {
        rc = smz__reader_fail(r, SMZ_E_NOMEM, "out of memory");
    } else if ((rc = smz_reader_read_range(r, e, 0, *data, len)) == SMZ_OK) {
        /* Cut short: not in the middle of a character. */
        *n = len < e->size ? smz__utf8_cut((const char *)*data, len, len) : len;
        return SMZ_OK;
    }
    free(*data);
    free(*mime);
    *data = NULL;
    *mime = NULL;
    return rc;
}

/* The same for the page at PATH (nothing when it is gone). */
static smz_err page_data(smz_reader *r, const char *path, size_t max, unsigned char **data, size_t *n,
                         char **mime)
{
    smz_entry *e = NULL;
    *data = NULL;
    *n = 0;
    *mime = NULL;
    smz_err rc = smz_reader_find(r, path, &e);
    if (rc == SMZ_E_NOTFOUND || rc == SMZ_E_CORRUPT)
        return SMZ_OK;
    if (rc != SMZ_OK)
        return rc;
    rc = entry_data(r, e, max, data, n, mime);
    smz_entry_free(e);
    return rc;
}

/* Bytes of text looked at first: the words of most queries, and a window
 * to show them in, are found early in a page, and the rest of it is then
 * not parsed at all. */
#define TEXT_FIRST (1u << 10)

typedef struct page_check {
    smz_matcher *m;
    const char *title;
    int ok;
    char **snippet;
    smz_err rc;
} page_check;

static int check_piece(void *ctx, const char *text, size_t len, size_t body, int complete)
{
    page_check *pc = ctx;
    int decided = 0;
    pc->rc = smz__matcher_check(pc->m, pc->title, strlen(pc->title), text, len, body, complete, &pc->ok,
                                &decided, pc->snippet);
    return pc->rc != SMZ_OK || decided;
}

/* Checks a page's stored bytes (DATA, N bytes of type MIME; DATA NULL when
 * it has no text) against the query (*OK), and cuts its snippet when
 * SNIPPET is not NULL, on as much of its text as that takes. */
static smz_err check_text(smz_matcher *m, const char *title, const unsigned char *data, size_t n,
                          const char *mime, int *ok, char **snippet)
{
    page_check pc = {.m = m, .title = title, .snippet = snippet};
    smz_err rc = SMZ_OK;
    if (data)
        rc = smz__entry_text_scan(mime, data, n, TEXT_FIRST, check_piece, &pc);
    else
        check_piece(&pc, "", 0, 0, 1);
    *ok = pc.ok;
    return rc == SMZ_OK ? pc.rc : rc;
}

/* check_text on the first MAX bytes of the page at PATH, read through R;
 * *READ gets how many were read. */
static smz_err check_page(smz_reader *r, smz_matcher *m, const char *path, const char *title, size_t max,
                          int *ok, char **snippet, size_t *read)
{
    unsigned char *data = NULL;
    char *mime = NULL;
    size_t n = 0;
    *ok = 0;
    smz_err rc = page_data(r, path, max, &data, &n, &mime);
    *read = n;
    if (rc == SMZ_OK)
        rc = check_text(m, title, data, n, mime, ok, snippet);
    free(data);
    free(mime);
    return rc;
}

/* ---- snippets, on more than one core ---- */

/* When the index alone answers the query, the hits of the page are known
 * before any page is read, and their snippets (most of a search's time:
 * parsing pages) are cut on SNIPPET_THREADS threads at once, each with its
 * own tokenizer and matcher; the pages are read beforehand by the caller's
 * thread, through its reader, in batches of at most SNIPPET_BATCH bytes. */
#define SNIPPET_THREADS 2

typedef struct snip_job {
    unsigned char *data; /* the page's bytes, NULL when it has no text */
    size_t n;
    char *mime;
    const char *title;
    char *snippet;
    double prox; /* smz__matcher_proximity_of after its snippet */
    smz_err rc;
} snip_job;

typedef struct snip_pool {
    snip_job *jobs;
    const size_t *todo; /* the jobs of this batch: indexes into jobs */
    size_t ntodo;
    atomic_size_t next;
} snip_pool;

typedef struct snip_worker {
    snip_pool *pool;
    smz_matcher *m;
} snip_worker;

static void *snip_run(void *p)
{
    snip_worker *w = p;
    size_t i;
    int ok; /* the index has answered it */
    while ((i = atomic_fetch_add(&w->pool->next, 1)) < w->pool->ntodo) {
        snip_job *j = &w->pool->jobs[w->pool->todo[i]];
        j->rc = check_text(w->m, j->title, j->data, j->n, j->mime, &ok, &j->snippet);
        j->prox = smz__matcher_proximity_of(w->m);
    }
    return NULL;
}

typedef struct seen {
    char **paths;
    size_t n;
} seen;

static int was_seen(const seen *s, const char *path)
{
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->paths[i], path))
            return 1;
    return 0;
}

typedef struct search_state {
    smz_reader *r;
    tokenizer tok;
    smz_matcher *m;
    const smz_query *q;
    smz_results *res;
    size_t limit, offset;
    uint64_t verified; /* candidates that matched, in rank order */
    uint64_t checked;  /* candidates looked at */
    int full;          /* the page is complete */
    int later;         /* snippets are cut after the hits are known (fill_snippets) */
    int no_snippets;   /* SMZ_SEARCH_NO_SNIPPETS */
    /* The call's cost so far, against WORK_*_MAX. */
    uint64_t work0; /* smz_reader_decoded's bytes when it started */
    uint64_t read;  /* page bytes read */
    struct timespec t0;
    int partial;            /* over budget: stopped early */
    double prox[MAX_LIMIT]; /* each hit's proximity (smz__matcher_proximity_of) */
} search_state;

static uint64_t ms_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)(t.tv_sec - t0->tv_sec) * 1000u + (uint64_t)((t.tv_nsec - t0->tv_nsec) / 1000000);
}

/* Cluster bytes R has decoded or read whole (cached clusters cost nothing). */
static uint64_t decoded(const smz_reader *r)
{
    uint64_t bytes = 0;
    smz_reader_decoded(r, NULL, &bytes);
    return bytes;
}

/* 1 (and the answer marked partial) when the call has used its budget:
 * no more pages are read. */
static int over_budget(search_state *st)
{
    if (!st->partial && (st->read > WORK_READ_MAX || decoded(st->r) - st->work0 > WORK_DECODE_MAX ||
                         ms_since(&st->t0) > WORK_TIME_MS))
        st->partial = 1;
    return st->partial;
}

/* Takes one candidate: checks it when the query needs that, and keeps it
 * with its snippet when it falls on the requested page. */
static smz_err take(search_state *st, const char *path, const char *title, double score)
{
    int need = smz__matcher_needs_check(st->m);
    int on_page = st->verified >= st->offset && st->verified < st->offset + st->limit;
    char *snippet = NULL;
    int ok = 1;
    smz_err rc = SMZ_OK;
    /* A path the format forbids is no result: the reader hands out no
     * such entry (docs/FORMAT.md, entries). */
    if (!smz_path_valid(path))
        return SMZ_OK;
    int snip = on_page && !st->later && !st->no_snippets;
    if ((need || snip) && over_budget(st)) {
        /* Unchecked candidates are not hits: stop here (a snippet alone
         * would not stop, as the hits of the page are found without
         * reading: the later mode). */
        st->full = 1;
        return SMZ_OK;
    }
    st->checked++;
    if (need || snip) {
        size_t read = 0;
        rc = check_page(st->r, st->m, path, title, need ? CHECK_PAGE_MAX : SNIPPET_PAGE_MAX, &ok,
                        snip ? &snippet : NULL, &read);
        st->read += read;
        if (rc != SMZ_OK)
            goto out;
        if (need && !ok)
            goto out;
    }
    if (on_page) {
        st->prox[st->res->n] = snip ? smz__matcher_proximity_of(st->m) : 0;
        rc = add_hit(st->res, st->limit, path, title, snippet, score);
        snippet = NULL;
        if (rc != SMZ_OK)
            goto out;
    }
    st->verified++;
    if (st->verified >= st->offset + st->limit)
        st->full = 1;
out:
    free(snippet);
    return rc;
}

/* A hit's entry and its index among the hits, to be read in place order. */
typedef struct placed {
    smz_entry *e; /* first: by_place hands it to smz_entry_cmp_place */
    size_t i;
} placed;

static int by_place(const void *a, const void *b)
{
    return smz_entry_cmp_place(&((const placed *)a)->e, &((const placed *)b)->e);
}

/* Runs the snippet workers W (W[1].m NULL: this thread alone) over
 * POOL's batch. */
static void snip_batch(snip_worker *w)
{
    pthread_t th;
    atomic_store(&w[0].pool->next, 0);
    int started = w[1].m && w[0].pool->ntodo > 1 && pthread_create(&th, NULL, snip_run, &w[1]) == 0;
    snip_run(&w[0]);
    if (started)
        pthread_join(th, NULL);
}

/* Cuts the snippets of the hits of ST's page (see SNIPPET_THREADS). */
static smz_err fill_snippets(search_state *st)
{
    smz_results *res = st->res;
    snip_pool pool = {0};
    smz_entry **ents = NULL;
    placed *order = NULL;
    size_t *todo = NULL;
    tokenizer tok2 = {0};
    smz_matcher *m2 = NULL;
    snip_worker w[2] = {{&pool, st->m}, {&pool, NULL}};
    smz_err rc = SMZ_E_NOMEM;
    if (!res->n)
        return SMZ_OK;
    if (!(pool.jobs = calloc(res->n, sizeof *pool.jobs)) || !(ents = calloc(res->n, sizeof *ents)) ||
        !(order = calloc(res->n, sizeof *order)) || !(todo = calloc(res->n, sizeof *todo)))
        goto out;
    pool.todo = todo;
    atomic_init(&pool.next, 0);
    /* The pages are read in the order their bytes lie, so that each of
     * their clusters is decoded once: the hits of a large archive lie in
     * more clusters than the shared cache may hold, and in rank order a
     * cluster could be evicted before its next page is read. */
    size_t ne = 0;
    for (size_t i = 0; i < res->n; i++) {
        pool.jobs[i].title = res->hits[i].title;
        rc = smz_reader_find(st->r, res->hits[i].path, &ents[i]);
        /* A hit whose entry row is malformed gets no snippet, like one
         * whose entry is gone: one bad row does not fail the search. */
        if (rc == SMZ_E_NOTFOUND || rc == SMZ_E_CORRUPT)
            continue;
        if (rc != SMZ_OK)
            goto out;
        order[ne].e = ents[i];
        order[ne++].i = i;
    }
    qsort(order, ne, sizeof *order, by_place);
    /* A second thread when there is more than one page, and what it needs
     * can be had; else this thread does them all. */
    if (ne > 1 && SNIPPET_THREADS > 1 && tokenizer_open(st->r, &tok2) == SMZ_OK &&
        smz__matcher_new(&tok2.api, tok2.tok, st->q, &m2) == SMZ_OK) {
        smz__html_init();
        w[1].m = m2;
    }
    /* Over its budget, the call leaves the remaining hits without a
     * snippet. */
    for (size_t k = 0; k < ne && !over_budget(st);) {
        size_t held = 0;
        pool.ntodo = 0;
        for (; k < ne && held < SNIPPET_BATCH && !over_budget(st); k++) {
            snip_job *j = &pool.jobs[order[k].i];
            if ((rc = entry_data(st->r, order[k].e, SNIPPET_PAGE_MAX, &j->data, &j->n, &j->mime)) !=
                SMZ_OK)
                goto out;
            held += j->n;
            st->read += j->n;
            todo[pool.ntodo++] = order[k].i;
        }
        snip_batch(w);
        for (size_t t = 0; t < pool.ntodo; t++) {
            snip_job *j = &pool.jobs[todo[t]];
            free(j->data);
            j->data = NULL;
        }
    }
    rc = SMZ_OK;
    for (size_t i = 0; i < res->n; i++) {
        snip_job *j = &pool.jobs[i];
        if (j->rc != SMZ_OK && rc == SMZ_OK)
            rc = smz__reader_fail(st->r, j->rc, "cutting a snippet of %.200s: %s", res->hits[i].path,
                                  smz_strerror(j->rc));
        st->prox[i] = j->prox;
        if (j->snippet) {
            free((char *)res->hits[i].snippet);
            res->hits[i].snippet = j->snippet;
            j->snippet = NULL;
        }
    }
out:
    for (size_t i = 0; pool.jobs && i < res->n; i++) {
        free(pool.jobs[i].data);
        free(pool.jobs[i].mime);
        free(pool.jobs[i].snippet);
    }
    free(pool.jobs);
    for (size_t i = 0; ents && i < res->n; i++)
        smz_entry_free(ents[i]);
    free(ents);
    free(order);
    free(todo);
    smz__matcher_free(m2);
    tokenizer_close(&tok2);
    return rc;
}

/* ---- proximity: the hits of a query of several words ---- */

/* How close together the query's words are on the page at PATH (see
 * smz__matcher_proximity), for a search without snippets, which has not
 * read it; 0 when it cannot be read within the budget. */
static smz_err page_proximity(search_state *st, const char *path, double *prox)
{
    unsigned char *data = NULL;
    char *mime = NULL, *text = NULL;
    size_t n = 0, len = 0;
    *prox = 0;
    if (over_budget(st))
        return SMZ_OK;
    smz_err rc = page_data(st->r, path, PROX_PAGE_MAX, &data, &n, &mime);
    st->read += n;
    if (rc == SMZ_OK && data && (rc = smz__entry_text(mime, data, n, &text, &len)) == SMZ_OK)
        rc = smz__matcher_proximity(st->m, text, len, prox);
    free(data);
    free(mime);
    free(text);
    return rc;
}

/* Reranks the hits of the page by proximity, for a query of several words:
 * each score grows by PROX_WEIGHT times itself times how close together the
 * words stand (in the text the snippet was cut from), so that among pages
 * that match about as well those where the words stand together come
 * first.  Within the page of hits only, so that pages of results neither
 * repeat nor skip a hit; the order stays where scores tie. */
static smz_err proximity_rerank(search_state *st)
{
    smz_results *res = st->res;
    if (smz__matcher_terms(st->m) < 2)
        return SMZ_OK;
    for (size_t i = 0; i < res->n; i++) {
        double prox = st->prox[i];
        smz_err rc;
        if (st->no_snippets && (rc = page_proximity(st, res->hits[i].path, &prox)) != SMZ_OK)
            return rc;
        if (res->hits[i].score < EXACT_SCORE) /* a title that is the query stays first */
            res->hits[i].score *= 1.0 + PROX_WEIGHT * prox;
    }
    for (size_t i = 1; i < res->n; i++) {
        smz_hit x = res->hits[i];
        size_t j = i;
        for (; j > 0 && res->hits[j - 1].score < x.score; j--)
            res->hits[j] = res->hits[j - 1];
        res->hits[j] = x;
    }
    return SMZ_OK;
}

/* The path and title of result row S (its columns 0 and 1).  Either may
 * be NULL in a row without it; SMZ_E_NOMEM when SQLite could not give it. */
static smz_err row_path_title(smz_reader *r, sqlite3_stmt *s, const char **path, const char **title)
{
    *path = (const char *)sqlite3_column_text(s, 0);
    *title = (const char *)sqlite3_column_text(s, 1);
    if ((!*path || !*title) && sqlite3_errcode(sqlite3_db_handle(s)) == SQLITE_NOMEM)
        return smz__reader_fail(r, SMZ_E_NOMEM, "out of memory");
    return SMZ_OK;
}

/* The FTS5 expression asking for the one token HEAD (HN bytes) then WORD
 * (WN bytes) make, with '*' when PREFIX: sqlite3_malloc'd, NULL when out
 * of memory. */
static char *marked_expr(const char *head, int hn, const char *word, int wn, int prefix)
{
    sqlite3_str *e = sqlite3_str_new(NULL);
    char *both = sqlite3_malloc(hn + wn + 1);
    if (both) {
        memcpy(both, head, (size_t)hn);
        memcpy(both + hn, word, (size_t)wn);
        put_literal(e, both, hn + wn);
        if (prefix)
            sqlite3_str_appendchar(e, 1, '*');
        sqlite3_free(both);
    }
    int err = !both || sqlite3_str_errcode(e);
    char *expr = sqlite3_str_finish(e);
    if (err) {
        sqlite3_free(expr);
        return NULL;
    }
    return expr;
}

/* Records in M the rows S matches for EXPR (taken): phrase I at LEVEL, or
 * hubs when I is negative.  An SQLite code; SQLITE_NOMEM for M too. */
static int record_rows(sqlite3_stmt *s, char *expr, smz_tf_map *m, int i, int level)
{
    int src;
    if (!expr)
        return SQLITE_NOMEM;
    sqlite3_reset(s);
    sqlite3_bind_text(s, 1, expr, -1, sqlite3_free);
    while ((src = sqlite3_step(s)) == SQLITE_ROW) {
        sqlite3_int64 id = sqlite3_column_int64(s, 0);
        if ((i < 0 ? smz__tf_map_hub(m, id) : smz__tf_map_put(m, id, i, level)) != SMZ_OK)
            return SQLITE_NOMEM;
    }
    return src == SQLITE_DONE ? SQLITE_OK : src;
}

/* The term frequencies of X's literals in the pages that hold them often
 * (rank.h), read from the index's term-frequency tokens: one query per
 * literal and level, and one for the hubs.  An archive made before them
 * has none, and every page then counts each word once, as its ranking
 * did. */
static smz_err read_tf(smz_reader *r, const exprs *x, smz_tf_map **out)
{
    sqlite3_stmt *s = NULL;
    smz_tf_map *m = smz__tf_map_new(x->lits.n);
    *out = NULL;
    if (!m)
        return smz__reader_fail(r, SMZ_E_NOMEM, "out of memory");
    int src = sqlite3_prepare_v2(smz__reader_db(r),
                                 "SELECT rowid FROM search_fts WHERE search_fts MATCH ?1", -1, &s, NULL);
    for (int i = 0; src == SQLITE_OK && i < x->lits.n; i++) {
        const literal *l = &x->lits.l[i];
        /* A compound (pg_dump) has no frequency of its own: its last word's
         * stands for it (docs/FORMAT.md, Term frequencies). */
        int from = l->n - 1;
        while (from > 0 && l->s[from - 1] != '_' && l->s[from - 1] != '-')
            from--;
        for (int level = SMZ_TF_FIRST; src == SQLITE_OK && level <= SMZ_TF_LEVELS; level++) {
            char head[2] = {SMZ_TOKEN_TF, (char)('0' + level)};
            src = record_rows(s, marked_expr(head, 2, l->s + from, l->n - from, l->prefix), m, i, level);
        }
    }
    if (src == SQLITE_OK)
        src = record_rows(s, marked_expr(SMZ_HUB_TOKEN, 2, "", 0, 0), m, -1, 0);
    sqlite3_finalize(s);
    if (src != SQLITE_OK) {
        smz__tf_map_free(m);
        return src == SQLITE_NOMEM ? smz__reader_fail(r, SMZ_E_NOMEM, "out of memory")
                                   : smz__reader_sqlfail(r, src, "searching");
    }
    *out = m;
    return SMZ_OK;
}

/* The opening of smz_search_ex and smz_suggest: a query's budget, and
 * SMZ_E_UNSUPPORTED for an archive packed without an index. */
static smz_err search_begin(smz_reader *r)
{
    smz__reader_begin_long(r, BUDGET_FACTOR);
    return smz__reader_index(r);
}

smz_err smz_search(smz_reader *r, const char *query, size_t limit, size_t offset, smz_results **out)
{
    return smz_search_ex(r, query, limit, offset, 0, out);
}

smz_err smz_search_ex(smz_reader *r, const char *query, size_t limit, size_t offset, unsigned flags,
                      smz_results **out)
{
    smz_err rc;
    search_state st = {.r = r};
    smz_query *q = NULL;
    char qerr[256] = "";
    exprs x = {0};
    sqlite3_stmt *s = NULL;
    seen exact = {0};
    toklist want = {0};
    sqlite3 *db = smz__reader_db(r);
    uint64_t candidates = 0;
    smz_tf_map *tf = NULL;
    *out = NULL;
    if ((rc = search_begin(r)) != SMZ_OK)
        goto out;
    if (!query)
        query = "";
    if ((rc = smz__query_build_lang(query, strlen(query), smz__reader_lang(r), &q, qerr, sizeof qerr)) !=
        SMZ_OK) {
        smz__reader_fail(r, rc, "%s", qerr[0] ? qerr : smz_strerror(rc));
        goto out;
    }
    if ((rc = tokenizer_open(r, &st.tok)) != SMZ_OK)
        goto out;
    if ((rc = build_exprs(&st.tok, q, &x)) != SMZ_OK) {
        smz__reader_fail(r, rc, "cannot prepare the query: %s", smz_strerror(rc));
        goto out;
    }
    if (!x.match) {
        rc = smz__reader_fail(r, SMZ_E_INVALID, "the query has no words to search for");
        goto out;
    }
    if ((rc = smz__matcher_new(&st.tok.api, st.tok.tok, q, &st.m)) != SMZ_OK) {
        smz__reader_fail(r, rc, "cannot prepare the query: %s", smz_strerror(rc));
        goto out;
    }
    st.q = q;
    st.work0 = decoded(r);
    clock_gettime(CLOCK_MONOTONIC, &st.t0);
    st.no_snippets = (flags & SMZ_SEARCH_NO_SNIPPETS) != 0;
    st.later = !smz__matcher_needs_check(st.m) && !st.no_snippets;
    st.limit = limit > MAX_LIMIT ? MAX_LIMIT : limit;
    st.offset = offset > MAX_OFFSET ? MAX_OFFSET : offset;
    rc = SMZ_E_NOMEM;
    if (!(st.res = calloc(1, sizeof *st.res)) ||
        !(st.res->hits = calloc(st.limit ? st.limit : 1, sizeof *st.res->hits)))
        goto out;

    /* How many pages the index matches. */
    int src =
        sqlite3_prepare_v2(db,
                           "SELECT count(*) FROM search_fts f JOIN search_text t ON t.id = f.rowid "
                           "WHERE search_fts MATCH ?1",
                           -1, &s, NULL);
    if (src == SQLITE_OK) {
        sqlite3_bind_text(s, 1, x.match, -1, SQLITE_STATIC);
        src = sqlite3_step(s);
        if (src == SQLITE_ROW) {
            candidates = (uint64_t)sqlite3_column_int64(s, 0);
            src = SQLITE_DONE;
        }
    }
    sqlite3_finalize(s);
    s = NULL;
    if (src != SQLITE_DONE) {
        rc = smz__reader_sqlfail(r, src, "searching");
        goto out;
    }

    /* Pages whose title is the query come first. */
    const char *plain = smz__query_plain(q);
    if ((rc = tokens_of(&st.tok, plain, strlen(plain), &want)) != SMZ_OK)
        goto out;
    rc = SMZ_E_NOMEM;
    if (!(exact.paths = calloc(EXACT_MAX, sizeof *exact.paths)))
        goto out;
    /* "+st.rowid": the IN list must not reach search_title as a rowid
     * constraint, or FTS5 runs its MATCH once per listed row, each time
     * merging a prefix's every term (a1* on 3,000 pages: 52 s, not 0.03). */
    src = sqlite3_prepare_v2(
        db,
        "SELECT t.path, e.title, smz_rank(search_title) / "
        "smz_rank(search_title, 'ideal') FROM search_title st JOIN search_text t ON t.id = st.rowid "
        "JOIN entries e ON e.path = t.path "
        "WHERE search_title MATCH ?1 AND e.redirect IS NULL "
        "AND +st.rowid IN (SELECT rowid FROM search_fts WHERE search_fts MATCH ?2) "
        "ORDER BY 3 DESC LIMIT 20",
        -1, &s, NULL);
    if (src == SQLITE_OK) {
        sqlite3_bind_text(s, 1, x.title_and, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 2, x.match, -1, SQLITE_STATIC);
        while (!st.full && (src = sqlite3_step(s)) == SQLITE_ROW) {
            const char *path, *title;
            if ((rc = row_path_title(r, s, &path, &title)) != SMZ_OK)
                goto out;
            if (!path || !title || !is_exact_title(&st.tok, &want, title) || exact.n == EXACT_MAX)
                continue;
            if (!(exact.paths[exact.n] = strdup(path))) {
                rc = SMZ_E_NOMEM;
                goto out;
            }
            exact.n++;
            if ((rc = take(&st, path, title,
                           EXACT_SCORE + TITLE_WEIGHT * sqlite3_column_double(s, 2))) != SMZ_OK)
                goto out;
        }
    }
    sqlite3_finalize(s);
    s = NULL;
    if (src != SQLITE_OK && src != SQLITE_DONE && src != SQLITE_ROW) {
        rc = smz__reader_sqlfail(r, src, "searching titles");
        goto out;
    }

    if ((rc = read_tf(r, &x, &tf)) != SMZ_OK)
        goto out;
    /* Then every page by rank: the text's score plus TITLE_WEIGHT times the
     * title's, a page without a title (a stylesheet, a plain-text source
     * beside its HTML page) and a hub weighing less. */
    src = sqlite3_prepare_v2(
        db,
        "WITH tm(id, score) AS MATERIALIZED (SELECT rowid, smz_rank(search_title) / "
        "smz_rank(search_title, 'ideal') FROM search_title WHERE search_title MATCH ?2) "
        "SELECT t.path, e.title, (smz_rank(search_fts, 'all', ?4, ?5) / "
        "smz_rank(search_fts, 'ideal', ?5) + coalesce(tm.score, 0) * ?3) "
        "* (CASE WHEN e.title = '' THEN ?6 ELSE 1 END) * smz_rank(search_fts, 'prior', ?4) "
        "FROM search_fts f JOIN search_text t ON t.id = f.rowid "
        "JOIN entries e ON e.path = t.path LEFT JOIN tm ON tm.id = f.rowid "
        "WHERE search_fts MATCH ?1 AND e.redirect IS NULL ORDER BY 3 DESC",
        -1, &s, NULL);
    if (src == SQLITE_OK) {
        sqlite3_bind_text(s, 1, x.match, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 2, x.title_or, -1, SQLITE_STATIC);
        sqlite3_bind_double(s, 3, TITLE_WEIGHT);
        sqlite3_bind_pointer(s, 4, tf, SMZ_TF_MAP_TYPE, NULL);
        sqlite3_bind_int(s, 5, x.included);
        sqlite3_bind_double(s, 6, UNTITLED_WEIGHT);
        /* (After SQLITE_DONE a statement must not be stepped again: it
         * would start over.) */
        while (!st.full && st.checked < CHECK_MAX + st.offset &&
               (src == SQLITE_OK || src == SQLITE_ROW) && (src = sqlite3_step(s)) == SQLITE_ROW) {
            const char *path, *title;
            if ((rc = row_path_title(r, s, &path, &title)) != SMZ_OK)
                goto out;
            if (!path || !title || was_seen(&exact, path))
                continue;
            if ((rc = take(&st, path, title, sqlite3_column_double(s, 2))) != SMZ_OK)
                goto out;
        }
    }
    int finished = src == SQLITE_DONE;
    sqlite3_finalize(s);
    s = NULL;
    if (src != SQLITE_OK && src != SQLITE_DONE && src != SQLITE_ROW) {
        rc = smz__reader_sqlfail(r, src, "searching");
        goto out;
    }
    if (st.later && (rc = fill_snippets(&st)) != SMZ_OK)
        goto out;
    if ((rc = proximity_rerank(&st)) != SMZ_OK)
        goto out;
    if (!smz__matcher_needs_check(st.m) || finished || !st.checked)
        st.res->total = smz__matcher_needs_check(st.m) && finished ? st.verified : candidates;
    else /* estimated from the share of the pages checked that matched */
        st.res->total = (uint64_t)((double)candidates * (double)st.verified / (double)st.checked + 0.5);
    if (st.res->total < st.verified)
        st.res->total = st.verified;
    st.res->partial = st.partial;
    *out = st.res;
    st.res = NULL;
    rc = SMZ_OK;
out:
    sqlite3_finalize(s);
    smz__tf_map_free(tf);
    for (size_t i = 0; i < exact.n; i++)
        free(exact.paths[i]);
    free(exact.paths);
    free(want.buf);
    exprs_free(&x);
    smz__matcher_free(st.m);
    tokenizer_close(&st.tok);
    smz_results_free(st.res);
    smz__query_free(q);
    return rc;
}

/* ---- suggestions ---- */

/* A title found for the text typed, with what sorts it (smz_suggest's
 * order, see smz/search.h). */
typedef struct cand {
    char *path, *title;
    int kind;     /* 2: the title is the text typed, 1: begins with it, 0: holds it */
    int first;    /* 1: its first word matches the first word typed */
    int run;      /* words typed found one after another, as typed */
    int whole;    /* 1: the last word typed is a whole word of it */
    size_t chars; /* its length in characters */
    int typed;    /* 1: its matched Chinese characters are in the script typed */
    double rank;  /* smz_rank on the title, higher is better */
    smz_title_match m;
} cand;

typedef struct cands {
    cand *c;
    size_t n;
} cands;

static int cand_cmp(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    if (x->kind != y->kind)
        return y->kind - x->kind;
    if (x->first != y->first)
        return y->first - x->first;
    if (x->m.run != y->m.run)
        return y->m.run - x->m.run;
    if (x->m.whole != y->m.whole)
        return y->m.whole - x->m.whole;
    if (x->typed != y->typed)
        return y->typed - x->typed;
    if (x->chars != y->chars)
        return x->chars < y->chars ? -1 : 1;
    if (x->rank != y->rank)
        return x->rank > y->rank ? -1 : 1;
    int c = strcmp(x->title, y->title);
    return c ? c : strcmp(x->path, y->path);
}

/* Appends to OUT the FTS5 literals of T's tokens FROM..TO-1 of TEXT,
 * ANDed, with '*' after the last when it is T's prefix. */
static void put_typed(sqlite3_str *out, const smz_typed *t, const char *text, int from, int to,
                      int prefix)
{
    for (int i = from; i < to; i++) {
        size_t start, len;
        smz__typed_token(t, i, &start, &len);
        if (i > from)
            sqlite3_str_appendchar(out, 1, ' ');
        put_literal(out, text + start, (int)len);
    }
    if (prefix && to == smz__typed_count(t))
        sqlite3_str_appendchar(out, 1, '*');
}

/* The titles EXPR matches: the index's first SUGGEST_SCAN, ranked, the
 * best SUGGEST_CANDIDATES of them appended to C with how they match.
 * FIRST: they are the step of titles whose first word matches. */
static smz_err suggest_step(smz_reader *r, tokenizer *tok, const smz_typed *typed, const toklist *want,
                            int last_prefix, const char *expr, int first, cands *c)
{
    smz_err rc = SMZ_OK;
    sqlite3_stmt *s = NULL;
    int src =
        sqlite3_prepare_v2(smz__reader_db(r),
                           "WITH m(id, score) AS MATERIALIZED (SELECT rowid, smz_rank(search_title) "
                           "FROM search_title WHERE search_title MATCH ?1 LIMIT ?2) "
                           "SELECT t.path, e.title, m.score FROM m JOIN search_text t ON t.id = m.id "
                           "JOIN entries e ON e.path = t.path "
                           "WHERE e.redirect IS NULL AND e.title <> '' ORDER BY 3 DESC LIMIT ?3",
                           -1, &s, NULL);
    if (src == SQLITE_OK) {
        sqlite3_bind_text(s, 1, expr, -1, SQLITE_STATIC);
        sqlite3_bind_int(s, 2, SUGGEST_SCAN);
        sqlite3_bind_int(s, 3, SUGGEST_CANDIDATES);
        while (c->n < 2 * SUGGEST_CANDIDATES && (src = sqlite3_step(s)) == SQLITE_ROW) {
            const char *path, *title;
            if ((rc = row_path_title(r, s, &path, &title)) != SMZ_OK)
                goto out;
            /* A title longer than a writer may write is a damaged archive's. */
            if (!path || !title || !smz_path_valid(path) || strlen(title) > SMZ_MAX_TITLE)
                continue;
            cand *k = &c->c[c->n];
            memset(k, 0, sizeof *k);
            if (!(k->path = strdup(path)) || !(k->title = strdup(title))) {
                free(k->path);
                rc = smz__reader_fail(r, SMZ_E_NOMEM, "out of memory");
                goto out;
            }
            c->n++;
            if ((rc = smz__typed_match(typed, title, &k->m)) != SMZ_OK) {
                smz__reader_fail(r, rc, "matching a title: %s", smz_strerror(rc));
                goto out;
            }
            double rank = sqlite3_column_double(s, 2);
            k->rank = rank == rank ? rank : 0.0; /* never NaN: qsort needs an order */
            k->kind = compare_title(tok, want, title, last_prefix);
            k->first = first;
            k->chars = smz__utf8_count(title, strlen(title));
        }
    }
    if (src != SQLITE_DONE && src != SQLITE_ROW)
        rc = smz__reader_sqlfail(r, src, "looking up titles");
out:
    sqlite3_finalize(s);
    return rc;
}

/* How many different titles C has, counting up to MAX. */
static size_t distinct_titles(const cands *c, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < c->n && n < max; i++) {
        size_t j = 0;
        while (j < i && strcmp(c->c[j].title, c->c[i].title))
            j++;
        n += j == i;
    }
    return n;
}

smz_err smz_suggest(smz_reader *r, const char *prefix, size_t limit, smz_results **out)
{
    smz_err rc;
    tokenizer tok = {0};
    smz_typed *typed = NULL;
    sqlite3_str *e = NULL;
    char *expr = NULL;
    cands c = {0};
    toklist want = {0};
    smz_results *res = NULL;
    *out = NULL;
    if ((rc = search_begin(r)) != SMZ_OK)
        goto out;
    if (!prefix)
        prefix = "";
    size_t len = strlen(prefix);
    if (len > SUGGEST_MAX_BYTES) {
        rc = smz__reader_fail(r, SMZ_E_TOOBIG, "the text typed is over %d bytes", SUGGEST_MAX_BYTES);
        goto out;
    }
    if (!smz_utf8_valid(prefix, len)) {
        rc = smz__reader_fail(r, SMZ_E_INVALID, "the text typed is not valid UTF-8");
        goto out;
    }
    if (limit > MAX_LIMIT)
        limit = MAX_LIMIT;
    if ((rc = tokenizer_open(r, &tok)) != SMZ_OK)
        goto out;
    /* The last word is a prefix unless a space or a CJK character ends it. */
    int last_prefix = 0;
    if (len) {
        size_t i = len - 1;
        uint32_t cp = 0;
        while (i > 0 && ((unsigned char)prefix[i] & 0xC0) == 0x80)
            i--;
        smz__utf8_next((const unsigned char *)prefix + i, len - i, &cp);
        last_prefix = cp > ' ' && cp != 0xA0 && cp != 0x3000 && !smz__is_cjk(cp);
    }
    if ((rc = smz__typed_new(&tok.api, tok.tok, prefix, len, last_prefix, &typed)) != SMZ_OK) {
        smz__reader_fail(r, rc, "cannot tokenize the text typed: %s", smz_strerror(rc));
        goto out;
    }
    rc = SMZ_E_NOMEM;
    if (!(res = calloc(1, sizeof *res)) || !(res->hits = calloc(limit ? limit : 1, sizeof *res->hits)))
        goto out;
    int n = smz__typed_count(typed);
    if (n == 0) {
        *out = res;
        res = NULL;
        rc = SMZ_OK;
        goto out;
    }
    if ((rc = tokens_of(&tok, prefix, len, &want)) != SMZ_OK)
        goto out;
    if (!(c.c = calloc(2 * SUGGEST_CANDIDATES, sizeof *c.c))) {
        rc = SMZ_E_NOMEM;
        goto out;
    }
    /* First the titles whose first word matches the first word typed
     * (FTS5's ^: the column's first token), then the others. */
    for (int step = 0; step < 2; step++) {
        rc = SMZ_E_NOMEM;
        if (!(e = sqlite3_str_new(NULL)))
            goto out;
        if (step == 0) {
            sqlite3_str_appendall(e, "^ ");
            put_typed(e, typed, prefix, 0, n, last_prefix);
        } else {
            sqlite3_str_appendchar(e, 1, '(');
            put_typed(e, typed, prefix, 0, n, last_prefix);
            sqlite3_str_appendall(e, ") NOT (^ ");
            put_typed(e, typed, prefix, 0, 1, last_prefix);
            sqlite3_str_appendchar(e, 1, ')');
        }
        int err = sqlite3_str_errcode(e);
        expr = sqlite3_str_finish(e);
        e = NULL;
        if (err != SQLITE_OK || !expr)
            goto out;
        if ((rc = suggest_step(r, &tok, typed, &want, last_prefix, expr, !step, &c)) != SMZ_OK)
            goto out;
        sqlite3_free(expr);
        expr = NULL;
        /* Titles of the second step never sort before those of the first
         * (their first word does not match, so neither are they, nor
         * begin with, the text typed): with enough titles, no need. */
        if (distinct_titles(&c, limit) >= limit)
            break;
    }
    /* Of titles that match alike in either Chinese script (hanfold.h),
     * those in the script typed first. */
    if (smz__han_has_class(prefix, (int)len))
        for (size_t i = 0; i < c.n; i++) {
            cand *k = &c.c[i];
            k->typed = 1;
            for (size_t j = 0; j < k->m.nspans && k->typed; j++)
                k->typed = smz__han_as_typed(prefix, len, k->title + k->m.spans[j].start,
                                             k->m.spans[j].len);
        }
    if (c.n)
        qsort(c.c, c.n, sizeof *c.c, cand_cmp);
    for (size_t i = 0; i < c.n && res->n < limit; i++) {
        /* One suggestion per title: the first (best) page that has it. */
        int dup = 0;
        for (size_t j = 0; j < res->n && !dup; j++)
            dup = !strcmp(res->hits[j].title, c.c[i].title);
        if (dup)
            continue;
        if ((rc = add_hit(res, limit, c.c[i].path, c.c[i].title, NULL,
                          (double)c.c[i].kind + c.c[i].rank / 1000.0)) != SMZ_OK)
            goto out;
        res->hits[res->n - 1].match = c.c[i].m.spans;
        res->hits[res->n - 1].nmatch = c.c[i].m.nspans;
        c.c[i].m.spans = NULL;
    }
    res->total = res->n;
    *out = res;
    res = NULL;
    rc = SMZ_OK;
out:
    sqlite3_free(sqlite3_str_finish(e));
    sqlite3_free(expr);
    for (size_t i = 0; i < c.n; i++) {
        free(c.c[i].path);
        free(c.c[i].title);
        free(c.c[i].m.spans);
    }
    free(c.c);
    free(want.buf);
    smz__typed_free(typed);
    tokenizer_close(&tok);
    smz_results_free(res);
    return rc;
}
