/* The "smz" FTS5 tokenizer (see tokenizer.h for what it produces and why).
 *
 * The text is cut into maximal CJK runs and the stretches between them.
 * Stretches go to SQLite's own unicode61 (or porter over unicode61), whose
 * offsets are shifted back to the whole text (with porter, each word's
 * unstemmed form is read from the same bytes: ASCII lower-cased here, other
 * words folded by a unicode61 of their own); CJK runs are read one
 * character at a time, keeping only the previous character, so a run of any
 * length needs no allocation.  Nothing here trusts the text: bytes that are
 * not UTF-8 are never part of a CJK run and unicode61 copes with them. */
#include <assert.h>
#include <limits.h>
#include <string.h>
#include "search/hanfold.h"
#include "search/tokenizer.h"
#include "text/utf8.h"

typedef int (*token_fn)(void *, int, const char *, int, int, int);

/* What a connection's "smz" tokenizers share: its user data. */
typedef struct tok_shared {
    fts5_api *api;
    int raw_upto; /* documents: words starting before this byte get unstemmed forms */
} tok_shared;

typedef struct smz_tok {
    const tok_shared *g;
    fts5_tokenizer inner; /* unicode61, or porter wrapping unicode61 */
    Fts5Tokenizer *inner_tok;
    fts5_tokenizer fold; /* with porter: unicode61, to fold words that are not ASCII */
    Fts5Tokenizer *fold_tok;
} smz_tok;

/* One character of a CJK run.  Kana voicing marks written as combining
 * characters stay with their base; variation selectors belong to the
 * character's bytes but not to its token, so 葛 and 葛+VS17 match.  A
 * character's token text is capped: marks past the cap are dropped. */
typedef struct cjk_char {
    int start, end;
    int len;
    char txt[16];
} cjk_char;

int smz__is_cjk(uint32_t c)
{
    if (c < 0x1100)
        return 0;
    return (c <= 0x11FF) ||                  /* Hangul Jamo */
           (c >= 0x3005 && c <= 0x3007) ||   /* 々 〆 〇 */
           (c >= 0x3021 && c <= 0x3029) ||   /* Hangzhou numerals */
           (c >= 0x3031 && c <= 0x3035) ||   /* kana repeat marks */
           (c >= 0x303B && c <= 0x303C) ||   /* 〻 〼 */
           (c >= 0x3041 && c <= 0x3096) ||   /* Hiragana */
           (c >= 0x3099 && c <= 0x309F) ||   /* voicing marks, ゝ ゞ ゟ */
           (c >= 0x30A1 && c <= 0x30FA) ||   /* Katakana (not ゠, not ・) */
           (c >= 0x30FC && c <= 0x30FF) ||   /* ー ヽ ヾ ヿ */
           (c >= 0x3105 && c <= 0x312F) ||   /* Bopomofo */
           (c >= 0x3131 && c <= 0x318E) ||   /* Hangul compatibility Jamo */
           (c >= 0x31A0 && c <= 0x31BF) ||   /* Bopomofo extended */
           (c >= 0x31F0 && c <= 0x31FF) ||   /* Katakana phonetic extensions */
           (c >= 0x3400 && c <= 0x4DBF) ||   /* Han extension A */
           (c >= 0x4E00 && c <= 0x9FFF) ||   /* Han */
           (c >= 0xA960 && c <= 0xA97F) ||   /* Hangul Jamo extended A */
           (c >= 0xAC00 && c <= 0xD7A3) ||   /* Hangul syllables */
           (c >= 0xD7B0 && c <= 0xD7FF) ||   /* Hangul Jamo extended B */
           (c >= 0xF900 && c <= 0xFAFF) ||   /* Han compatibility */
           (c >= 0xFF66 && c <= 0xFF9F) ||   /* half-width Katakana */
           (c >= 0xFFA0 && c <= 0xFFDC) ||   /* half-width Hangul */
           (c >= 0x1B000 && c <= 0x1B16F) || /* kana supplement (hentaigana) */
           (c >= 0x20000 && c <= 0x2FA1F) || /* Han extensions B-F, compatibility */
           (c >= 0x30000 && c <= 0x323AF);   /* Han extensions G, H */
}

static int is_variation_selector(uint32_t c)
{
    return (c >= 0xFE00 && c <= 0xFE0F) || (c >= 0xE0100 && c <= 0xE01EF);
}

/* Letters that unicode61 would keep apart from their plain forms: full-width
 * ASCII variants (ＡＢＣ１２３, read as ASCII) and Greek with tonos,
 * dialytika or polytonic marks, plus final sigma (read as the lowercase base
 * letter; unicode61 strips Latin diacritics but not Greek ones).  Returns
 * the code point to read instead, or 0 to keep C.  The tables give the base
 * letter of U+0370..U+03FF and U+1F00..U+1FFF as a Latin stand-in, '.' for
 * none; they were made from Unicode's canonical decompositions. */
static uint32_t fold_of(uint32_t c)
{
    static const char greek[] =
        "......................a.ehi.o.uwi.........................iuaehiu......"
        "...................iuouw.................................................";
    static const char extended[] = "aaaaaaaaaaaaaaaaeeeeee..eeeeee..hhhhhhhhhhhhhhhhiiiiiiiiiiiiiiii"
                                   "oooooo..oooooo..uuuuuuuu.u.u.u.uwwwwwwwwwwwwwwwwaaeehhiioouuww.."
                                   "aaaaaaaaaaaaaaaahhhhhhhhhhhhhhhhwwwwwwwwwwwwwwwwaaaaa.aaaaaaa..."
                                   "..hhh.hheehhh...iiii..iiiiii....uuuurruuuuuur.....www.wwoowww...";
    _Static_assert(sizeof greek == 0x400 - 0x370 + 1, "one entry per code point");
    _Static_assert(sizeof extended == 0x2000 - 0x1F00 + 1, "one entry per code point");
    char base = '.';
    if (c < 0x370)
        return 0;
    if (c >= 0xFF01 && c <= 0xFF5E)
        return c - 0xFEE0;
    if (c == 0x3C2)
        return 0x3C3;
    if (c < 0x400)
        base = greek[c - 0x370];
    else if (c >= 0x1F00 && c <= 0x1FFF)
        base = extended[c - 0x1F00];
    switch (base) {
    case 'a': return 0x3B1;
    case 'e': return 0x3B5;
    case 'h': return 0x3B7;
    case 'i': return 0x3B9;
    case 'o': return 0x3BF;
    case 'u': return 0x3C5;
    case 'w': return 0x3C9;
    case 'r': return 0x3C1;
    default: return 0;
    }
}

/* Longest compound token (pg_restore, os.path, f-string) indexed. */
#define COMPOUND_MAX 64
/* Longest word given an unstemmed form: porter leaves longer ones alone. */
#define RAW_MAX 64

typedef struct shift_ctx {
    smz_tok *t;
    void *ctx;
    token_fn cb;
    const char *text; /* the whole text */
    int base;         /* where the stretch starts in the whole text */
    const int *map;   /* or: whole-text offset of each byte of a folded copy */
    const char *buf;  /* the bytes the inner tokenizer reads (stretch or copy) */
    int len;          /* bytes in the stretch (or the copy) */
    int query;        /* tokenizing a query */
    int raw;          /* 1: documents get unstemmed forms; 2: a prefix query's last word */
    int last;         /* the stretch ends the text */
    int rc;           /* what the callback last returned */
    /* The previous word, for compounds. */
    char prev[COMPOUND_MAX];
    int prev_n, prev_s, prev_e;
    int have_prev;   /* 0: none (or too long to join); 1: one */
    int prev_joined; /* queries: it went into a compound, not out alone */
    /* A prefix query's held-back word, unstemmed (SMZ_TOKEN_RAW first). */
    char prev_raw[1 + RAW_MAX];
    int prev_rawn;
} shift_ctx;

/* Characters that join two words into a compound when nothing else stands
 * between them: identifiers (shared_buffers) and hyphenated words
 * (f-string).  '.' (os.path) and '\'' were measured too: on python3.11-doc
 * '.' alone costs more index than '_' and '-' together (version numbers,
 * dotted names), which would take the index's share of the archive past
 * Kiwix's; such words are still found, as phrases checked on the text. */
static int joins(char c)
{
    return c == '_' || c == '-';
}

/* Emits a word (TOK, its stem with porter), its unstemmed form RAW (RAWN
 * bytes, SMZ_TOKEN_RAW first; 0 when unknown), and the compound it makes
 * with the word before it.  In a document the unstemmed form, when it is not
 * the stem, and the compound are colocated synonyms of the word; in a query
 * the compound replaces both words, so "pg_restore" asks for the one token
 * and needs no check of word order on the page's text. */
static int word(shift_ctx *c, const char *tok, int n, int s, int e, const char *raw, int rawn)
{
    int rc = SQLITE_OK;
    int fits = n <= COMPOUND_MAX;
    int joined = fits && c->have_prev && c->prev_e + 1 == s && joins(c->text[c->prev_e]) &&
                 c->prev_n + 1 + n <= COMPOUND_MAX;
    char both[COMPOUND_MAX];
    int nboth = 0;
    if (joined) {
        memcpy(both, c->prev, (size_t)c->prev_n);
        both[c->prev_n] = c->text[c->prev_e];
        memcpy(both + c->prev_n + 1, tok, (size_t)n);
        nboth = c->prev_n + 1 + n;
    }
    if (!c->query) {
        rc = c->cb(c->ctx, 0, tok, n, s, e);
        if (rc == SQLITE_OK && rawn && (rawn - 1 != n || memcmp(raw + 1, tok, (size_t)n)))
            rc = c->cb(c->ctx, FTS5_TOKEN_COLOCATED, raw, rawn, s, e);
        if (rc == SQLITE_OK && joined)
            rc = c->cb(c->ctx, FTS5_TOKEN_COLOCATED, both, nboth, s, e); /* offsets: the word's */
    } else if (joined) {
        rc = c->cb(c->ctx, 0, both, nboth, c->prev_s, e);
    } else {
        if (c->have_prev && !c->prev_joined)
            rc = c->cb(c->ctx, 0, c->prev, c->prev_n, c->prev_s, c->prev_e);
        if (rc == SQLITE_OK && !fits) /* too long to hold back, or to join */
            rc = c->cb(c->ctx, 0, tok, n, s, e);
    }
    c->have_prev = fits;
    c->prev_joined = joined;
    if (fits) {
        memcpy(c->prev, tok, (size_t)n);
        c->prev_n = n;
        c->prev_s = s;
        c->prev_e = e;
        c->prev_rawn = rawn;
        if (rawn)
            memcpy(c->prev_raw, raw, (size_t)rawn);
    }
    return rc;
}

/* The end of a stretch: a query's last word goes out unless a compound took
 * it.  The last word of a prefix query also asks for the words that start
 * with it unstemmed: "diplomati*" must find "diplomatic", whose stem
 * "diplomat" is shorter than what was typed.  Its synonyms are the marked
 * unstemmed form (documents hold it beside a stem that differs) and, when
 * the stem differs, the plain unstemmed form (for words that are their own
 * stem: "happy*" finds "happyland", whose stem does not start with
 * "happi"). */
static int flush(shift_ctx *c)
{
    int rc = SQLITE_OK;
    if (c->query && c->have_prev && !c->prev_joined) {
        rc = c->cb(c->ctx, 0, c->prev, c->prev_n, c->prev_s, c->prev_e);
        if (rc == SQLITE_OK && c->raw == 2 && c->last && c->prev_rawn) {
            const char *raw = c->prev_raw;
            int n = c->prev_rawn;
            rc = c->cb(c->ctx, FTS5_TOKEN_COLOCATED, raw, n, c->prev_s, c->prev_e);
            if (rc == SQLITE_OK && (n - 1 != c->prev_n || memcmp(raw + 1, c->prev, (size_t)c->prev_n)))
                rc = c->cb(c->ctx, FTS5_TOKEN_COLOCATED, raw + 1, n - 1, c->prev_s, c->prev_e);
        }
    }
    c->have_prev = 0;
    return rc;
}

typedef struct fold_ctx {
    char *out;
    int n, count;
} fold_ctx;

static int fold_cb(void *p, int tflags, const char *tok, int n, int s, int e)
{
    fold_ctx *f = p;
    (void)tflags;
    (void)s;
    (void)e;
    if (f->count++ == 0 && n > 0 && n <= RAW_MAX) {
        memcpy(f->out, tok, (size_t)n);
        f->n = n;
    }
    return SQLITE_OK;
}

/* The unstemmed form of the word W[0..N) that unicode61 read: SMZ_TOKEN_RAW
 * then the word folded as unicode61 folds it, in OUT (1 + RAW_MAX bytes).
 * Returns its length, or 0 when the word is too long for porter to stem (it
 * is then its own stem) or cannot be folded alone. */
static int raw_form(smz_tok *t, const char *w, int n, char *out)
{
    int ascii = 1;
    for (int i = 0; i < n && ascii; i++)
        ascii = !((unsigned char)w[i] & 0x80);
    out[0] = SMZ_TOKEN_RAW;
    if (ascii) { /* unicode61 only lower-cases letters and digits */
        if (n > RAW_MAX)
            return 0;
        for (int i = 0; i < n; i++)
            out[1 + i] = w[i] >= 'A' && w[i] <= 'Z' ? (char)(w[i] - 'A' + 'a') : w[i];
        return n + 1;
    }
    if (n > 4 * RAW_MAX) /* folds to more than RAW_MAX bytes */
        return 0;
    fold_ctx f = {.out = out + 1};
    if (t->fold.xTokenize(t->fold_tok, &f, FTS5_TOKENIZE_DOCUMENT, w, n, fold_cb) != SQLITE_OK ||
        f.count != 1 || !f.n)
        return 0;
    return f.n + 1;
}

static int shift_cb(void *p, int tflags, const char *tok, int n, int s, int e)
{
    shift_ctx *c = p;
    char raw[1 + RAW_MAX];
    int rawn = 0;
    (void)tflags; /* unicode61 and porter emit no synonyms */
    if (s < 0 || e < s || e > c->len || n < 0)
        return c->rc = SQLITE_ERROR; /* not from SQLite's own tokenizers */
    int ws = c->map ? c->map[s] : s + c->base, we = c->map ? c->map[e] : e + c->base;
    if (c->raw == 2 || (c->raw == 1 && ws < c->t->g->raw_upto))
        rawn = raw_form(c->t, c->buf + s, e - s, raw);
    return c->rc = word(c, tok, n, ws, we, raw, rawn);
}

/* unicode61 turns a callback's SQLITE_DONE ("stop here") into SQLITE_OK;
 * the callback's own code must reach our caller so that nothing more is
 * tokenized after it asked to stop. */
static int inner(smz_tok *t, shift_ctx *sc, int flags, const char *text, int len)
{
    sc->buf = text;
    sc->len = len;
    int rc = t->inner.xTokenize(t->inner_tok, sc, flags, text, len, shift_cb);
    if (rc == SQLITE_OK)
        rc = sc->rc;
    if (rc == SQLITE_OK)
        rc = flush(sc);
    return rc;
}

/* Tokenizes TEXT[A..B), which holds no CJK run, with the inner tokenizer;
 * LAST: nothing follows it.  FOLD: it holds characters fold_of replaces,
 * which is done in a copy whose byte offsets are mapped back (a replacement
 * is never longer). */
static int stretch(smz_tok *t, void *ctx, int flags, const char *text, int a, int b, int last, int fold,
                   token_fn cb)
{
    int query = (flags & FTS5_TOKENIZE_QUERY) != 0;
    shift_ctx sc = {.t = t,
                    .ctx = ctx,
                    .cb = cb,
                    .text = text,
                    .base = a,
                    .query = query,
                    .raw = !t->fold_tok                     ? 0
                           : !query                         ? 1
                           : (flags & FTS5_TOKENIZE_PREFIX) ? 2
                                                            : 0,
                    .last = last,
                    .rc = SQLITE_OK};
    if (!fold)
        return inner(t, &sc, flags, text + a, b - a);
    char *copy = sqlite3_malloc64((sqlite3_uint64)(b - a) + 1);
    int *map = sqlite3_malloc64(((sqlite3_uint64)(b - a) + 1) * sizeof *map);
    int rc = SQLITE_NOMEM, n = 0;
    if (!copy || !map)
        goto out;
    for (int i = a; i < b;) {
        uint32_t c;
        int k = (int)smz__utf8_next((const unsigned char *)text + i, (size_t)(b - i), &c);
        uint32_t f = fold_of(c);
        if (f) {
            char enc[4];
            size_t m = smz__utf8_put(f, enc);
            assert((int)m <= k);
            for (size_t j = 0; j < m; j++) {
                map[n] = i;
                copy[n++] = enc[j];
            }
        } else {
            for (int j = 0; j < k; j++) {
                map[n] = i + j;
                copy[n++] = text[i + j];
            }
        }
        i += k;
    }
    map[n] = b;
    sc.map = map;
    rc = inner(t, &sc, flags, copy, n);
out:
    sqlite3_free(copy);
    sqlite3_free(map);
    return rc;
}

static int emit_one(const cjk_char *c, void *ctx, token_fn cb, int tflags)
{
    return cb(ctx, tflags, c->txt, c->len, c->start, c->end);
}

static int emit_two(const cjk_char *c, const cjk_char *d, void *ctx, token_fn cb, int tflags)
{
    char txt[sizeof c->txt * 2];
    memcpy(txt, c->txt, (size_t)c->len);
    memcpy(txt + c->len, d->txt, (size_t)d->len);
    return cb(ctx, tflags, txt, c->len + d->len, c->start, d->end);
}

/* Reads the CJK run starting at *POS (which holds a CJK character) and emits
 * its tokens; leaves *POS after the run. */
static int run(int query, void *ctx, const char *text, int len, int *pos, token_fn cb)
{
    const unsigned char *u = (const unsigned char *)text;
    cjk_char prev = {0}, cur = {0};
    int have_prev = 0, have_cur = 0, rc = SQLITE_OK, i = *pos;
    while (i < len && rc == SQLITE_OK) {
        uint32_t c;
        int k = (int)smz__utf8_next(u + i, (size_t)(len - i), &c);
        int mark = c == 0x3099 || c == 0x309A;
        if (have_cur && (is_variation_selector(c) || mark)) {
            if (mark && cur.len + k <= (int)sizeof cur.txt) {
                memcpy(cur.txt + cur.len, text + i, (size_t)k);
                cur.len += k;
            }
            cur.end = i + k;
            i += k;
            continue;
        }
        if (!smz__is_cjk(c))
            break;
        if (have_cur) {
            /* CUR is complete: now PREV's bigram is known. */
            if (have_prev) {
                if (!query && (rc = emit_one(&prev, ctx, cb, 0)) != SQLITE_OK)
                    break;
                rc = emit_two(&prev, &cur, ctx, cb, query ? 0 : FTS5_TOKEN_COLOCATED);
            }
            prev = cur;
            have_prev = 1;
        }
        cur.start = i;
        cur.end = i + k;
        cur.len = k;
        memcpy(cur.txt, text + i, (size_t)k);
        have_cur = 1;
        i += k;
    }
    if (rc == SQLITE_OK && have_prev) {
        if (!query)
            rc = emit_one(&prev, ctx, cb, 0);
        if (rc == SQLITE_OK)
            rc = emit_two(&prev, &cur, ctx, cb, query ? 0 : FTS5_TOKEN_COLOCATED);
    }
    /* A query's run of two or more characters is its bigrams alone. */
    if (rc == SQLITE_OK && have_cur && !(query && have_prev))
        rc = emit_one(&cur, ctx, cb, 0);
    *pos = i;
    return rc;
}

static int tok_tokenize(Fts5Tokenizer *p, void *ctx, int flags, const char *text, int len, token_fn cb)
{
    smz_tok *t = (smz_tok *)p;
    const unsigned char *u = (const unsigned char *)text;
    int query = (flags & FTS5_TOKENIZE_QUERY) != 0;
    int i = 0, rc = SQLITE_OK;
    /* A query's CJK tokens also ask for their script variants (hanfold.h). */
    smz_han_expander han = {.ctx = ctx, .cb = cb};
    if (!text || len <= 0)
        return SQLITE_OK;
    while (i < len && rc == SQLITE_OK) {
        int a = i, fold = 0;
        while (i < len) {
            uint32_t c;
            int k = (int)smz__utf8_next(u + i, (size_t)(len - i), &c);
            if (smz__is_cjk(c))
                break;
            fold |= fold_of(c) != 0;
            i += k;
        }
        if (i > a)
            rc = stretch(t, ctx, flags, text, a, i, i == len, fold, cb);
        if (rc == SQLITE_OK && i < len)
            rc = query ? run(1, &han, text, len, &i, smz__han_expand) : run(0, ctx, text, len, &i, cb);
    }
    /* Like unicode61: SQLITE_DONE from the callback means "stop", not failure. */
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static void tok_delete(Fts5Tokenizer *p)
{
    smz_tok *t = (smz_tok *)p;
    if (!t)
        return;
    if (t->inner_tok)
        t->inner.xDelete(t->inner_tok);
    if (t->fold_tok)
        t->fold.xDelete(t->fold_tok);
    sqlite3_free(t);
}

/* Arguments: none, or "porter".  Anything else is refused, so a table
 * declared with options this version does not know fails loudly. */
static int tok_create(void *shared, const char **argv, int argc, Fts5Tokenizer **out)
{
    static const char *const plain_args[] = {"remove_diacritics", "2"};
    static const char *const porter_args[] = {"unicode61", "remove_diacritics", "2"};
    const tok_shared *g = shared;
    fts5_api *api = g->api;
    int porter = 0, rc = SQLITE_ERROR;
    void *ud = NULL;
    smz_tok *t = NULL;
    *out = NULL;
    for (int i = 0; i < argc; i++) {
        if (porter || sqlite3_stricmp(argv[i], "porter"))
            goto out;
        porter = 1;
    }
    rc = SQLITE_NOMEM;
    if (!(t = sqlite3_malloc(sizeof *t)))
        goto out;
    memset(t, 0, sizeof *t);
    t->g = g;
    rc = api->xFindTokenizer(api, porter ? "porter" : "unicode61", &ud, &t->inner);
    if (rc == SQLITE_OK)
        rc = t->inner.xCreate(ud, (const char **)(porter ? porter_args : plain_args), porter ? 3 : 2,
                              &t->inner_tok);
    if (rc != SQLITE_OK) {
        t->inner_tok = NULL; /* undefined after a failed xCreate */
        goto out;
    }
    if (porter) {
        rc = api->xFindTokenizer(api, "unicode61", &ud, &t->fold);
        if (rc == SQLITE_OK)
            rc = t->fold.xCreate(ud, (const char **)plain_args, 2, &t->fold_tok);
        if (rc != SQLITE_OK) {
            t->fold_tok = NULL;
            goto out;
        }
    }
    *out = (Fts5Tokenizer *)t;
    t = NULL;
out:
    tok_delete((Fts5Tokenizer *)t);
    return rc;
}

smz_err smz__fts5_api(sqlite3 *db, fts5_api **out)
{
    sqlite3_stmt *st = NULL;
    fts5_api *api = NULL;
    *out = NULL;
    if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) != SQLITE_OK)
        return SMZ_E_UNSUPPORTED;
    sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
    sqlite3_step(st);
    sqlite3_finalize(st);
    if (!api || api->iVersion < 2)
        return SMZ_E_UNSUPPORTED;
    *out = api;
    return SMZ_OK;
}

smz_err smz__tokenizer_register(sqlite3 *db)
{
    fts5_api *api;
    smz_err rc = smz__fts5_api(db, &api);
    if (rc != SMZ_OK)
        return rc;
    tok_shared *g = sqlite3_malloc(sizeof *g);
    if (!g)
        return SMZ_E_NOMEM;
    g->api = api;
    g->raw_upto = INT_MAX;
    fts5_tokenizer tok = {tok_create, tok_delete, tok_tokenize};
    int src = api->xCreateTokenizer(api, "smz", g, &tok, sqlite3_free);
    if (src != SQLITE_OK)
        sqlite3_free(g); /* FTS5 calls the destructor only once it holds G */
    return src == SQLITE_OK ? SMZ_OK : src == SQLITE_NOMEM ? SMZ_E_NOMEM : SMZ_E_INTERNAL;
}

smz_err smz__tokenizer_raw_upto(sqlite3 *db, int upto)
{
    fts5_api *api;
    fts5_tokenizer tok;
    void *ud = NULL;
    smz_err rc = smz__fts5_api(db, &api);
    if (rc != SMZ_OK)
        return rc;
    if (api->xFindTokenizer(api, "smz", &ud, &tok) != SQLITE_OK || !ud || tok.xCreate != tok_create)
        return SMZ_E_INTERNAL; /* not registered on DB */
    ((tok_shared *)ud)->raw_upto = upto < 0 ? 0 : upto;
    return SMZ_OK;
}
