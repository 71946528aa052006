/* "Did you mean": corrections and spelling variants of a query's words,
 * taken from the archive's own vocabulary (smz/search.h, smz_correct and
 * smz_search_fuzzy).
 *
 * The vocabulary is the index itself: an fts5vocab table, created on the
 * reader's connection as a TEMP table (the archive stays read-only and
 * immutable), gives each token's page count with one b-tree seek.  Nothing
 * scans the vocabulary: for a query word, the candidates are generated
 * from the word and each is looked up, so a call's cost depends on the
 * word's length, not on the archive's size (issue 20 asks for bounds
 * whatever the archive):
 *
 *  - every string one edit away (a letter dropped, added, changed, two
 *    neighbours swapped, a doubled letter undoubled): about 55 per letter;
 *  - every string two deletions away (a word typed with two extra letters);
 *  - spelling rules, applied once or twice: British and American spellings
 *    (colour/color, organise/organize, centre/center, travelled/traveled)
 *    and transliterations (Uyghur/Uighur/Uygur, ph/f, ...).
 *
 * In an English archive the index holds Porter stems ("olymp"), which no
 * person wants to read: a candidate is a surface word (the typed word's
 * edit) looked up by its stem, so what is offered is a word, and two words
 * of one stem are one candidate.  Among such words, one that occurs as
 * itself in a title (the title index keeps unstemmed forms, FORMAT.md) or
 * that is its own stem is preferred.
 *
 * Candidates rank by their cost (a swap or an undoubled letter costs less
 * than other edits: they are the commonest slips; a spelling rule less than
 * an edit), then by how many pages hold them. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include "smz/search.h"
#include "reader_priv.h"
#include "search/tokenizer.h"
#include "text/utf8.h"

#define WORD_MAX_CPS 40  /* longer words are not corrected */
#define WORD_MIN_CPS 3   /* nor shorter ones */
#define FIX_WORDS_MAX 16 /* words of a query looked at */
#define ALTS_MAX 5       /* alternatives kept per word */
#define RULE_VARIANTS_MAX 64
#define LOOKUPS_MAX 4000 /* distinct stems looked up per call */
#define FUZZY_QUERIES_MAX 8
#define FUZZY_FETCH 100      /* hits fetched per variant query for merging */
#define FIX_BUDGET_FACTOR 10 /* smz_correct's step budget, in reader budgets */

/* Costs, in tenths of an edit. */
#define COST_RULE 9
#define COST_SWAP 8
#define COST_UNDOUBLE 7
#define COST_EDIT 10

/* ---- tokenizers and the vocabulary ---- */

typedef struct lookup {
    char *stem;
    int64_t docs;
} lookup;

typedef struct fz {
    smz_reader *r;
    sqlite3 *db;
    fts5_tokenizer api;
    Fts5Tokenizer *fold; /* folded words, never stemmed */
    Fts5Tokenizer *stem; /* tokens as the index has them */
    sqlite3_stmt *docs, *title;
    lookup *memo; /* open addressing, MEMO_SLOTS */
    size_t lookups;
} fz;

#define MEMO_SLOTS 8192 /* > 2 * LOOKUPS_MAX */

static smz_err fz_open(smz_reader *r, fz *f)
{
    fts5_api *fts;
    void *ud = NULL;
    smz_err rc;
    memset(f, 0, sizeof *f);
    f->r = r;
    f->db = smz__reader_db(r);
    if ((rc = smz__reader_index(r)) != SMZ_OK)
        return rc;
    if ((rc = smz__fts5_api(f->db, &fts)) == SMZ_E_NOMEM)
        return smz__reader_fail(r, rc, "out of memory");
    if (rc != SMZ_OK)
        return smz__reader_fail(r, rc, "this SQLite has no FTS5");
    const char *porter[] = {"porter"};
    if (fts->xFindTokenizer(fts, "smz", &ud, &f->api) != SQLITE_OK ||
        f->api.xCreate(ud, NULL, 0, &f->fold) != SQLITE_OK ||
        f->api.xCreate(ud, porter, smz__reader_stemmed(r), &f->stem) != SQLITE_OK)
        return smz__reader_fail(r, SMZ_E_INTERNAL, "cannot start the search tokenizer");
    int src = smz__reader_vocab(r);
    if (src == SQLITE_OK)
        src = sqlite3_prepare_v2(f->db, "SELECT doc FROM temp.smz_vocab_fts WHERE term = ?1", -1,
                                 &f->docs, NULL);
    if (src == SQLITE_OK)
        src = sqlite3_prepare_v2(f->db, "SELECT doc FROM temp.smz_vocab_title WHERE term = ?1", -1,
                                 &f->title, NULL);
    if (src != SQLITE_OK)
        return smz__reader_sqlfail(r, src, "reading the index's vocabulary");
    if (!(f->memo = calloc(MEMO_SLOTS, sizeof *f->memo)))
        return smz__reader_fail(r, SMZ_E_NOMEM, "out of memory");
    rc = SMZ_OK;
    return rc;
}

static void fz_close(fz *f)
{
    if (f->fold)
        f->api.xDelete(f->fold);
    if (f->stem)
        f->api.xDelete(f->stem);
    sqlite3_finalize(f->docs);
    sqlite3_finalize(f->title);
    if (f->memo)
        for (size_t i = 0; i < MEMO_SLOTS; i++)
            free(f->memo[i].stem);
    free(f->memo);
}

/* The tokens of TEXT (non-colocated ones), through TOK in query mode. */
typedef struct toks {
    char buf[256];
    size_t len;
    int n;
    int over;
    int offs[2 * FIX_WORDS_MAX * 4];
} toks;

static int toks_cb(void *p, int tflags, const char *tok, int n, int s, int e)
{
    toks *t = p;
    if (tflags & FTS5_TOKEN_COLOCATED)
        return SQLITE_OK;
    if (t->len + (size_t)n + 1 > sizeof t->buf ||
        (size_t)(2 * t->n + 1) >= sizeof t->offs / sizeof t->offs[0]) {
        t->over = 1;
        return SQLITE_OK;
    }
    memcpy(t->buf + t->len, tok, (size_t)n);
    t->buf[t->len + (size_t)n] = 0;
    t->len += (size_t)n + 1;
    t->offs[2 * t->n] = s;
    t->offs[2 * t->n + 1] = e;
    t->n++;
    return SQLITE_OK;
}

static int tokenize(fz *f, Fts5Tokenizer *tok, const char *text, size_t len, toks *out)
{
    memset(out, 0, sizeof *out);
    if (!len)
        return 0;
    if (f->api.xTokenize(tok, out, FTS5_TOKENIZE_QUERY, text, (int)len, toks_cb) != SQLITE_OK)
        return -1;
    return out->over ? -1 : out->n;
}

static uint32_t hash(const char *s)
{
    uint32_t h = 2166136261u;
    while (*s)
        h = (h ^ (unsigned char)*s++) * 16777619u;
    return h;
}

/* Pages whose index holds token STEM (0 when none), -1 past the call's
 * budget of lookups or on an error. */
static int64_t docs_of(fz *f, const char *stem)
{
    uint32_t i = hash(stem) & (MEMO_SLOTS - 1);
    while (f->memo[i].stem) {
        if (!strcmp(f->memo[i].stem, stem))
            return f->memo[i].docs;
        i = (i + 1) & (MEMO_SLOTS - 1);
    }
    if (f->lookups >= LOOKUPS_MAX)
        return -1;
    int64_t docs = 0;
    sqlite3_reset(f->docs);
    if (sqlite3_bind_text(f->docs, 1, stem, -1, SQLITE_STATIC) != SQLITE_OK)
        return -1;
    int src = sqlite3_step(f->docs);
    if (src == SQLITE_ROW)
        docs = sqlite3_column_int64(f->docs, 0);
    else if (src != SQLITE_DONE)
        docs = -1;
    sqlite3_reset(f->docs);
    if (docs < 0 || !(f->memo[i].stem = strdup(stem)))
        return -1;
    f->memo[i].docs = docs;
    f->lookups++;
    return docs;
}

/* 1 when WORD (folded) is a word of some title as itself. */
static int in_titles(fz *f, const char *word, const char *stem)
{
    char raw[80];
    if (!strcmp(word, stem))
        return 1;
    if (!smz__reader_stemmed(f->r) || strlen(word) + 2 > sizeof raw)
        return 0;
    raw[0] = SMZ_TOKEN_RAW;
    memcpy(raw + 1, word, strlen(word) + 1);
    sqlite3_reset(f->title);
    int ok = sqlite3_bind_text(f->title, 1, raw, -1, SQLITE_STATIC) == SQLITE_OK &&
             sqlite3_step(f->title) == SQLITE_ROW && sqlite3_column_int64(f->title, 0) > 0;
    sqlite3_reset(f->title);
    return ok;
}

/* ---- candidates ---- */

typedef struct cand {
    char *word; /* surface, folded */
    char *stem;
    int cost;
    int64_t docs;
    int shown; /* the word is known to be a word of the archive */
} cand;

typedef struct cands {
    cand *v;
    size_t n, cap;
    int fail;
    const char *self_stem; /* the typed word's own stem: not a candidate */
} cands;

static void cands_free(cands *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->v[i].word);
        free(c->v[i].stem);
    }
    free(c->v);
    memset(c, 0, sizeof *c);
}

/* Looks WORD up and keeps it as a candidate when the archive has it. */
static void consider(fz *f, cands *c, const char *word, int cost)
{
    toks t;
    if (c->fail || tokenize(f, f->stem, word, strlen(word), &t) != 1)
        return;
    const char *stem = t.buf;
    if (c->self_stem && !strcmp(stem, c->self_stem))
        return;
    int64_t docs = docs_of(f, stem);
    if (docs <= 0)
        return;
    for (size_t i = 0; i < c->n; i++) {
        cand *k = &c->v[i];
        if (strcmp(k->stem, stem))
            continue;
        if (cost < k->cost)
            k->cost = cost;
        if (!k->shown && in_titles(f, word, stem)) {
            char *w = strdup(word);
            if (!w) {
                c->fail = 1;
                return;
            }
            free(k->word);
            k->word = w;
            k->shown = 1;
        }
        return;
    }
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 16;
        cand *v = realloc(c->v, cap * sizeof *v);
        if (!v) {
            c->fail = 1;
            return;
        }
        c->v = v;
        c->cap = cap;
    }
    cand *k = &c->v[c->n];
    k->word = strdup(word);
    k->stem = strdup(stem);
    k->cost = cost;
    k->docs = docs;
    k->shown = in_titles(f, word, stem);
    c->n++;
    if (!k->word || !k->stem)
        c->fail = 1;
}

/* Writes the N code points CP to OUT (room for 4 * N + 1 bytes). */
static void encode(const uint32_t *cp, size_t n, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++)
        o += smz__utf8_put(cp[i], out + o);
    out[o] = 0;
}

/* Every string one edit away from W (N code points), and with DEL2 every
 * string two deletions away. */
static void edits(fz *f, cands *c, const uint32_t *w, size_t n, int del2)
{
    uint32_t alpha[26 + WORD_MAX_CPS], v[WORD_MAX_CPS + 1];
    char out[4 * (WORD_MAX_CPS + 1) + 1];
    size_t na = 0;
    for (uint32_t a = 'a'; a <= 'z'; a++)
        alpha[na++] = a;
    for (size_t i = 0; i < n; i++) { /* the word's own letters, for other scripts */
        size_t j = 0;
        while (j < na && alpha[j] != w[i])
            j++;
        if (j == na)
            alpha[na++] = w[i];
    }
    for (size_t i = 0; i + 1 < n; i++) { /* swaps */
        if (w[i] == w[i + 1])
            continue;
        memcpy(v, w, n * sizeof *w);
        v[i] = w[i + 1];
        v[i + 1] = w[i];
        encode(v, n, out);
        consider(f, c, out, COST_SWAP);
    }
    for (size_t i = 0; i < n; i++) { /* deletions */
        memcpy(v, w, i * sizeof *w);
        memcpy(v + i, w + i + 1, (n - i - 1) * sizeof *w);
        encode(v, n - 1, out);
        consider(f, c, out, i + 1 < n && w[i] == w[i + 1] ? COST_UNDOUBLE : COST_EDIT);
    }
    for (size_t i = 0; i <= n; i++) /* insertions */
        for (size_t a = 0; a < na; a++) {
            memcpy(v, w, i * sizeof *w);
            v[i] = alpha[a];
            memcpy(v + i + 1, w + i, (n - i) * sizeof *w);
            encode(v, n + 1, out);
            consider(f, c, out, COST_EDIT);
        }
    for (size_t i = 0; i < n; i++) /* substitutions */
        for (size_t a = 0; a < na; a++) {
            if (alpha[a] == w[i])
                continue;
            memcpy(v, w, n * sizeof *w);
            v[i] = alpha[a];
            encode(v, n, out);
            consider(f, c, out, COST_EDIT);
        }
    for (size_t i = 0; del2 && n > WORD_MIN_CPS + 1 && i < n; i++)
        for (size_t j = i + 1; j < n; j++) {
            size_t k = 0;
            for (size_t x = 0; x < n; x++)
                if (x != i && x != j)
                    v[k++] = w[x];
            encode(v, k, out);
            consider(f, c, out, 2 * COST_EDIT);
        }
}

/* Spelling rules: each pair is tried both ways, once per occurrence; an
 * END rule only at the word's end. */
static const struct {
    const char *a, *b;
    int end;
} rules[] = {
    {"ou", "o", 0},      {"our", "or", 1}, {"ise", "ize", 0}, {"isation", "ization", 0},
    {"yse", "yze", 0},   {"re", "er", 1},  {"gh", "g", 0},    {"i", "y", 0},
    {"ll", "l", 0},      {"ae", "e", 0},   {"oe", "e", 0},    {"ph", "f", 0},
    {"ck", "k", 0},      {"dj", "j", 0},   {"kh", "h", 0},    {"ogue", "og", 1},
    {"ence", "ense", 1}, {"ee", "i", 0},   {"oo", "u", 0},    {"sh", "sch", 0},
};

typedef struct strset {
    char *v[RULE_VARIANTS_MAX];
    int cost[RULE_VARIANTS_MAX];
    size_t n;
} strset;

static void strset_add(strset *s, const char *w, size_t len, int cost)
{
    for (size_t i = 0; i < s->n; i++)
        if (strlen(s->v[i]) == len && !memcmp(s->v[i], w, len))
            return;
    if (s->n < RULE_VARIANTS_MAX && (s->v[s->n] = strndup(w, len)))
        s->cost[s->n++] = cost;
}

static void rule_variants(const char *w, int cost, strset *s)
{
    size_t len = strlen(w);
    char buf[256];
    for (size_t r = 0; r < sizeof rules / sizeof rules[0]; r++)
        for (int way = 0; way < 2; way++) {
            const char *from = way ? rules[r].b : rules[r].a, *to = way ? rules[r].a : rules[r].b;
            size_t fl = strlen(from), tl = strlen(to);
            for (const char *p = strstr(w, from); p; p = strstr(p + 1, from)) {
                size_t at = (size_t)(p - w);
                if (rules[r].end && at + fl != len)
                    continue;
                if (len - fl + tl + 1 > sizeof buf)
                    continue;
                memcpy(buf, w, at);
                memcpy(buf + at, to, tl);
                memcpy(buf + at + tl, p + fl, len - at - fl);
                strset_add(s, buf, len - fl + tl, cost);
            }
        }
}

static int cand_cmp(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    if (x->cost != y->cost)
        return x->cost < y->cost ? -1 : 1;
    if (x->docs != y->docs)
        return x->docs > y->docs ? -1 : 1;
    if (x->shown != y->shown)
        return x->shown ? -1 : 1;
    return strcmp(x->word, y->word);
}

/* ---- one word ---- */

/* Fills FIX's alternatives for the folded word W: its spelling variants the
 * archive has, and when it matches little, its corrections. */
static smz_err fix_word(fz *f, smz_fix *fix, const char *w)
{
    uint32_t cps[WORD_MAX_CPS];
    size_t n = 0, len = strlen(w);
    cands c = {0};
    strset s1 = {0}, s2 = {0};
    smz_err rc = SMZ_OK;
    toks t;
    for (size_t i = 0; i < len && n <= WORD_MAX_CPS;) {
        uint32_t cp;
        i += smz__utf8_next((const unsigned char *)w + i, len - i, &cp);
        if (n < WORD_MAX_CPS)
            cps[n] = cp;
        n++;
        if (smz__is_cjk(cp) || (cp >= '0' && cp <= '9') || cp == '_' || cp == '-')
            return SMZ_OK; /* numbers, CJK and compounds are not corrected */
    }
    if (n < WORD_MIN_CPS || n > WORD_MAX_CPS)
        return SMZ_OK;
    if (tokenize(f, f->stem, w, len, &t) != 1)
        return SMZ_OK;
    int64_t docs = docs_of(f, t.buf);
    if (docs < 0)
        return SMZ_OK;
    fix->docs = (uint64_t)docs;
    c.self_stem = t.buf;
    rule_variants(w, COST_RULE, &s1);
    for (size_t i = 0; i < s1.n; i++) {
        consider(f, &c, s1.v[i], s1.cost[i]);
        rule_variants(s1.v[i], 2 * COST_RULE, &s2);
    }
    for (size_t i = 0; i < s2.n; i++)
        if (strcmp(s2.v[i], w))
            consider(f, &c, s2.v[i], s2.cost[i]);
    size_t rules_found = c.n;
    /* A word that matches little: look for what was meant.  "Little": no
     * page, or so few that a correction found in ten times as many pages
     * is likelier what the person meant. */
    if (docs <= 2) {
        edits(f, &c, cps, n, 1);
        fix->corrected = 0;
    }
    if (c.fail) {
        rc = smz__reader_fail(f->r, SMZ_E_NOMEM, "out of memory");
        goto out;
    }
    if (c.n)
        qsort(c.v, c.n, sizeof *c.v, cand_cmp);
    if (c.n && (docs == 0 || c.v[0].docs >= 10 * docs))
        fix->corrected = docs == 0 || c.v[0].cost < 2 * COST_EDIT;
    if (!fix->corrected && docs > 0 && rules_found == 0)
        goto out; /* the word stands, and has no variants */
    uint64_t *alt_docs = calloc(ALTS_MAX, sizeof *alt_docs);
    fix->alts = calloc(ALTS_MAX, sizeof *fix->alts);
    fix->alt_docs = alt_docs;
    if (!fix->alts || !alt_docs) {
        rc = smz__reader_fail(f->r, SMZ_E_NOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < c.n && fix->n < ALTS_MAX; i++) {
        /* For a word that stands, only its spelling variants. */
        if (!fix->corrected && docs > 0 && c.v[i].cost > 2 * COST_RULE)
            continue;
        if (!fix->corrected && docs > 0 && c.v[i].cost != COST_RULE && c.v[i].cost != 2 * COST_RULE)
            continue;
        fix->alts[fix->n] = c.v[i].word;
        alt_docs[fix->n] = (uint64_t)c.v[i].docs;
        c.v[i].word = NULL;
        fix->n++;
    }
out:
    cands_free(&c);
    for (size_t i = 0; i < s1.n; i++)
        free(s1.v[i]);
    for (size_t i = 0; i < s2.n; i++)
        free(s2.v[i]);
    return rc;
}

/* ---- the query ---- */

void smz_correction_free(smz_correction *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++) {
        smz_fix *x = &c->words[i];
        free((char *)x->word);
        for (size_t j = 0; j < x->n; j++)
            free((char *)x->alts[j]);
        free((void *)x->alts);
        free((void *)x->alt_docs);
    }
    free(c->words);
    free((char *)c->did_you_mean);
    free(c);
}

/* 1 when the token at S..E of QUERY is a word to look at: not excluded,
 * not a prefix being typed. */
static int correctable(const char *query, size_t len, int s, int e)
{
    if ((size_t)e < len && query[e] == '*')
        return 0;
    if (s > 0 && query[s - 1] == '-' && (s == 1 || query[s - 2] == ' '))
        return 0;
    return 1;
}

/* ALT in the case the person typed WORD in: "Olympcs" gives "Olympics". */
static void put_cased(sqlite3_str *out, const char *word, const char *alt)
{
    if (word[0] >= 'A' && word[0] <= 'Z' && alt[0] >= 'a' && alt[0] <= 'z') {
        sqlite3_str_appendchar(out, 1, (char)(alt[0] - 'a' + 'A'));
        sqlite3_str_appendall(out, alt + 1);
    } else {
        sqlite3_str_appendall(out, alt);
    }
}

smz_err smz_correct(smz_reader *r, const char *query, smz_correction **out)
{
    fz f;
    toks words;
    smz_correction *c = NULL;
    smz_err rc;
    size_t qlen = query ? strlen(query) : 0;
    *out = NULL;
    /* Its own step budget: a look-up past it counts as a word not found. */
    smz__reader_begin_long(r, FIX_BUDGET_FACTOR);
    if ((rc = fz_open(r, &f)) != SMZ_OK)
        goto out;
    if (qlen > 1024) {
        rc = smz__reader_fail(r, SMZ_E_TOOBIG, "the query is too long");
        goto out;
    }
    if (!(c = calloc(1, sizeof *c)) || !(c->words = calloc(FIX_WORDS_MAX, sizeof *c->words))) {
        rc = smz__reader_fail(r, SMZ_E_NOMEM, "out of memory");
        goto out;
    }
    int nw = tokenize(&f, f.fold, query, qlen, &words);
    if (nw < 0)
        nw = words.n; /* as many words as fitted */
    int any = 0;
    const char *tok = words.buf;
    for (int i = 0; i < nw && c->n < FIX_WORDS_MAX; i++, tok += strlen(tok) + 1) {
        int s = words.offs[2 * i], e = words.offs[2 * i + 1];
        if (!correctable(query, qlen, s, e))
            continue;
        smz_fix *x = &c->words[c->n];
        if (!(x->word = strndup(query + s, (size_t)(e - s)))) {
            rc = smz__reader_fail(r, SMZ_E_NOMEM, "out of memory");
            goto out;
        }
        x->start = (size_t)s;
        x->end = (size_t)e;
        c->n++;
        if ((rc = fix_word(&f, x, tok)) != SMZ_OK)
            goto out;
        if (smz__reader_interrupted(r)) {
            rc = smz__reader_fail(r, SMZ_E_INTERRUPTED, "interrupted");
            goto out;
        }
        any |= x->corrected && x->n > 0;
    }
    if (any) {
        sqlite3_str *s = sqlite3_str_new(NULL);
        size_t at = 0;
        for (size_t i = 0; i < c->n; i++) {
            smz_fix *x = &c->words[i];
            if (!x->corrected || !x->n)
                continue;
            sqlite3_str_append(s, query + at, (int)(x->start - at));
            put_cased(s, x->word, x->alts[0]);
            at = x->end;
        }
        sqlite3_str_appendall(s, query + at);
        int err = sqlite3_str_errcode(s);
        char *dym = sqlite3_str_finish(s);
        if (err || !dym || !(c->did_you_mean = strdup(dym))) {
            sqlite3_free(dym);
            rc = smz__reader_fail(r, SMZ_E_NOMEM, "out of memory");
            goto out;
        }
        sqlite3_free(dym);
    }
    *out = c;
    c = NULL;
    rc = SMZ_OK;
out:
    smz_correction_free(c);
    fz_close(&f);
    return rc;
}

/* ---- searching with the variants ---- */

static int hit_cmp(const void *a, const void *b)
{
    const smz_hit *x = a, *y = b;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    return strcmp(x->path, y->path);
}

/* Adds RES's hits that MERGED lacks (by path) to it; takes their strings. */
static smz_err merge(smz_results *merged, smz_results *res)
{
    for (size_t i = 0; i < res->n; i++) {
        smz_hit *h = &res->hits[i];
        size_t j = 0;
        while (j < merged->n && strcmp(merged->hits[j].path, h->path))
            j++;
        if (j < merged->n) {
            if (h->score > merged->hits[j].score)
                merged->hits[j].score = h->score;
            continue;
        }
        smz_hit *v = realloc(merged->hits, (merged->n + 1) * sizeof *v);
        if (!v)
            return SMZ_E_NOMEM;
        merged->hits = v;
        merged->hits[merged->n++] = *h;
        memset(h, 0, sizeof *h);
    }
    if (res->total > merged->total)
        merged->total = res->total;
    merged->partial |= res->partial;
    return SMZ_OK;
}

/* The alternatives of X a fuzzy search uses: its variants, or only the
 * best of its corrections (the others are further from what was typed). */
static size_t fuzzy_alts(const smz_fix *x)
{
    return x->corrected && x->n ? 1 : x->n;
}

smz_err smz_search_fuzzy(smz_reader *r, const char *query, size_t limit, size_t offset, unsigned flags,
                         smz_results **out)
{
    smz_correction *c = NULL;
    smz_results *merged = NULL, *one = NULL;
    sqlite3_str *qs = NULL;
    smz_err rc;
    *out = NULL;
    if ((rc = smz_correct(r, query, &c)) != SMZ_OK)
        return rc;
    /* The choices of each word: itself when the archive has it, its
     * variants, its correction. */
    size_t choices[FIX_WORDS_MAX], pick[FIX_WORDS_MAX], nq = 1;
    for (size_t i = 0; i < c->n; i++) {
        smz_fix *x = &c->words[i];
        choices[i] = (x->docs > 0 ? 1 : 0) + fuzzy_alts(x);
        if (!choices[i])
            choices[i] = 1; /* the word as typed */
        pick[i] = 0;
        nq = nq * choices[i] > FUZZY_QUERIES_MAX ? FUZZY_QUERIES_MAX : nq * choices[i];
    }
    if (nq <= 1 && !(c->did_you_mean)) {
        smz_correction_free(c);
        return smz_search_ex(r, query, limit, offset, flags, out);
    }
    if (!(merged = calloc(1, sizeof *merged))) {
        rc = smz__reader_fail(r, SMZ_E_NOMEM, "out of memory");
        goto out;
    }
    size_t qlen = strlen(query);
    for (size_t q = 0; q < nq; q++) {
        qs = sqlite3_str_new(NULL);
        size_t at = 0;
        for (size_t i = 0; i < c->n; i++) {
            smz_fix *x = &c->words[i];
            int self = x->docs > 0;
            if (!self && !fuzzy_alts(x))
                continue;
            if (self && pick[i] == 0)
                continue; /* the word itself */
            sqlite3_str_append(qs, query + at, (int)(x->start - at));
            sqlite3_str_appendall(qs, x->alts[pick[i] - (size_t)self]);
            at = x->end;
        }
        sqlite3_str_append(qs, query + at, (int)(qlen - at));
        int err = sqlite3_str_errcode(qs);
        char *text = sqlite3_str_finish(qs);
        qs = NULL;
        if (err || !text) {
            sqlite3_free(text);
            rc = smz__reader_fail(r, SMZ_E_NOMEM, "out of memory");
            goto out;
        }
        rc = smz_search_ex(r, text, FUZZY_FETCH, 0, flags, &one);
        sqlite3_free(text);
        if (rc != SMZ_OK)
            goto out;
        if ((rc = merge(merged, one)) != SMZ_OK) {
            rc = smz__reader_fail(r, rc, "out of memory");
            goto out;
        }
        smz_results_free(one);
        one = NULL;
        /* The next combination, the first word varying fastest. */
        for (size_t i = 0; i < c->n; i++) {
            if (++pick[i] < choices[i])
                break;
            pick[i] = 0;
        }
    }
    if (merged->n)
        qsort(merged->hits, merged->n, sizeof *merged->hits, hit_cmp);
    if (merged->total < merged->n)
        merged->total = merged->n;
    /* The page asked for, out of the merged list. */
    if (limit > 100)
        limit = 100;
    size_t from = offset < merged->n ? offset : merged->n;
    size_t to = merged->n - from > limit ? from + limit : merged->n;
    for (size_t i = 0; i < merged->n; i++)
        if (i < from || i >= to) {
            free((char *)merged->hits[i].path);
            free((char *)merged->hits[i].title);
            free((char *)merged->hits[i].snippet);
        }
    if (to > from)
        memmove(merged->hits, merged->hits + from, (to - from) * sizeof *merged->hits);
    merged->n = to - from;
    *out = merged;
    merged = NULL;
    rc = SMZ_OK;
out:
    smz_results_free(one);
    smz_results_free(merged);
    smz_correction_free(c);
    return rc;
}
