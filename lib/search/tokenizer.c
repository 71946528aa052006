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
#include <stdlib.h>
#include <string.h>
#include "search/hanfold.h"
#include "search/tokenizer.h"
#include "text/utf8.h"

typedef int (*token_fn)(void *, int, const char *, int, int, int);

/* What a connection's "smz" tokenizers share: its user data. */
typedef struct tok_shared {
    fts5_api *api;
    int raw_upto;   /* documents: words starting before this byte get unstemmed forms */
    int tf;         /* documents get term-frequency tokens (an archive's writer) */
    int hub;        /* with TF: the document gets the hub token */
    int weigh_from; /* with TF: words from this byte on are counted, not indexed */
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

/* Longest token given a term-frequency token. */
#define TF_TOKEN_MAX 64

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

/* ---- term frequencies (the writer's documents) ----
 *
 * A document's tokens are counted as they go out; at its end, each token
 * counted at least twice gets its term-frequency token (SMZ_TOKEN_TF, the
 * level of its count, the token: see tokenizer.h), colocated with the last
 * token.  Unstemmed forms are not counted: queries never ask for their
 * frequency. */

typedef struct tf_slot {
    unsigned off; /* the token's bytes in the arena; 0: empty */
    int len;
    unsigned count;
    int indexed; /* 1: the token went into the index at least once */
} tf_slot;

typedef struct tf_ctx {
    void *ctx;
    token_fn cb;
    int weigh_from;
    tf_slot *slots;
    unsigned nslots, used; /* a power of two; slots in use */
    char *arena;
    unsigned alen, acap; /* byte 0 unused: offset 0 means empty */
    int last_s, last_e;
    int emitted;   /* a token went into the index */
    unsigned npos; /* positions indexed (tokens that are not colocated) */
    int hub;
} tf_ctx;

static uint32_t tf_hash(const char *s, int n)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (int i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

static int tf_grow(tf_ctx *t)
{
    unsigned n = t->nslots ? t->nslots * 2 : 1024;
    tf_slot *s = sqlite3_malloc64((sqlite3_uint64)n * sizeof *s);
    if (!s)
        return SQLITE_NOMEM;
    memset(s, 0, (size_t)n * sizeof *s);
    for (unsigned i = 0; i < t->nslots; i++) {
        if (!t->slots[i].off)
            continue;
        unsigned j = tf_hash(t->arena + t->slots[i].off, t->slots[i].len) & (n - 1);
        while (s[j].off)
            j = (j + 1) & (n - 1);
        s[j] = t->slots[i];
    }
    sqlite3_free(t->slots);
    t->slots = s;
    t->nslots = n;
    return SQLITE_OK;
}

static int tf_wanted(const char *tok, int n)
{
    /* English function words, as folded and as porter stems them: in most
     * pages often, and worth nothing to the ranking (sorted). */
    static const char *const stop[] = {"all",   "also",  "and",    "ani",  "any",   "are",   "been",
                                       "but",   "can",   "could",  "doe",  "does",  "each",  "for",
                                       "from",  "had",   "has",    "have", "into",  "its",   "may",
                                       "more",  "most",  "must",   "not",  "one",   "onli",  "only",
                                       "other", "see",   "should", "some", "such",  "than",  "that",
                                       "the",   "their", "them",   "then", "there", "these", "they",
                                       "thi",   "this",  "use",    "was",  "were",  "what",  "when",
                                       "where", "which", "will",   "with", "would", "you",   "your"};
    int digits = 1;
    if (n < 3)
        return 0;
    for (int i = 0; i < n && digits; i++)
        digits = tok[i] >= '0' && tok[i] <= '9';
    if (digits)
        return 0;
    /* A compound (pg_dump, f-string) counts as its words do: its second
     * word has its frequency, and the compound itself is in few pages. */
    for (int i = 0; i < n; i++)
        if (joins(tok[i]))
            return 0;
    for (size_t i = 0; i < sizeof stop / sizeof stop[0]; i++)
        if ((int)strlen(stop[i]) == n && !memcmp(stop[i], tok, (size_t)n))
            return 0;
    return 1;
}

static int tf_count(tf_ctx *t, const char *tok, int n, unsigned weight, int indexed)
{
    if (n <= 0 || n > TF_TOKEN_MAX || (tok[0] == SMZ_TOKEN_RAW) || !tf_wanted(tok, n))
        return SQLITE_OK;
    if ((t->used + 1) * 4 > t->nslots * 3 && tf_grow(t) != SQLITE_OK)
        return SQLITE_NOMEM;
    unsigned j = tf_hash(tok, n) & (t->nslots - 1);
    while (t->slots[j].off) {
        tf_slot *s = &t->slots[j];
        if (s->len == n && !memcmp(t->arena + s->off, tok, (size_t)n)) {
            s->count = s->count > UINT_MAX - weight ? UINT_MAX : s->count + weight;
            s->indexed |= indexed;
            return SQLITE_OK;
        }
        j = (j + 1) & (t->nslots - 1);
    }
    if (t->alen + (unsigned)n > t->acap) {
        if (t->acap > UINT_MAX / 4)
            return SQLITE_TOOBIG;
        unsigned cap = (t->acap + (unsigned)n) * 2 + 4096;
        char *a = sqlite3_realloc64(t->arena, cap);
        if (!a)
            return SQLITE_NOMEM;
        t->arena = a;
        t->acap = cap;
        if (!t->alen)
            t->alen = 1;
    }
    memcpy(t->arena + t->alen, tok, (size_t)n);
    t->slots[j] = (tf_slot){.off = t->alen, .len = n, .count = weight, .indexed = indexed};
    t->alen += (unsigned)n;
    t->used++;
    return SQLITE_OK;
}

static int tf_cb(void *p, int tflags, const char *tok, int n, int s, int e)
{
    tf_ctx *t = p;
    int weigh = s >= t->weigh_from;
    int rc = tf_count(t, tok, n, weigh ? SMZ_TF_WEIGHT : 1, !weigh);
    if (rc != SQLITE_OK)
        return rc;
    if (weigh)
        return SQLITE_OK;
    t->last_s = s;
    t->last_e = e;
    t->emitted = 1;
    if (!(tflags & FTS5_TOKEN_COLOCATED))
        t->npos++;
    return t->cb(t->ctx, tflags, tok, n, s, e);
}

/* A repeat says more in a short page than in a long one: news articles
 * (up to about 1,000 words) keep a word named twice (docs/FORMAT-NOTES.md). */
unsigned smz__tf_floor(unsigned npos)
{
    return npos < 1000 ? 2 : npos < 2000 ? 3 : 4;
}

int smz__tf_level(unsigned count)
{
    int level = 0;
    if (count < 1u << SMZ_TF_FIRST)
        return 0;
    while (count >= 2 && level < SMZ_TF_LEVELS) {
        count >>= 1;
        level++;
    }
    return level;
}

/* A document's frequent token, for sorting: its bytes and count. */
typedef struct tf_pick {
    const char *s;
    int len;
    unsigned count;
} tf_pick;

/* The order in which a document's frequent tokens get term-frequency
 * tokens, when it has more than SMZ_TF_TOP: the most frequent first, then
 * the longer (a longer word says more about a page), then by their bytes,
 * so that the choice is the same wherever the document is indexed. */
static int tf_cmp(const void *x, const void *y)
{
    const tf_pick *a = x, *b = y;
    if (a->count != b->count)
        return a->count > b->count ? -1 : 1;
    if (a->len != b->len)
        return a->len > b->len ? -1 : 1;
    return memcmp(a->s, b->s, (size_t)a->len);
}

static int tf_emit(tf_ctx *t)
{
    char buf[2 + TF_TOKEN_MAX];
    unsigned n = 0;
    int rc = SQLITE_OK;
    tf_pick *pick = sqlite3_malloc64((sqlite3_uint64)(t->used ? t->used : 1) * sizeof *pick);
    if (!pick)
        return SQLITE_NOMEM;
    for (unsigned i = 0; i < t->nslots; i++) {
        const tf_slot *s = &t->slots[i];
        if (s->off && s->indexed && s->count >= smz__tf_floor(t->npos))
            pick[n++] = (tf_pick){t->arena + s->off, s->len, s->count};
    }
    if (n > SMZ_TF_TOP) {
        qsort(pick, n, sizeof *pick, tf_cmp);
        n = SMZ_TF_TOP;
    }
    buf[0] = SMZ_TOKEN_TF;
    for (unsigned i = 0; i < n && rc == SQLITE_OK; i++) {
        buf[1] = (char)('0' + smz__tf_level(pick[i].count));
        memcpy(buf + 2, pick[i].s, (size_t)pick[i].len);
        rc = t->cb(t->ctx, FTS5_TOKEN_COLOCATED, buf, 2 + pick[i].len, t->last_s, t->last_e);
    }
    sqlite3_free(pick);
    if (rc == SQLITE_OK && t->hub && t->emitted)
        rc = t->cb(t->ctx, FTS5_TOKEN_COLOCATED, SMZ_HUB_TOKEN, 2, t->last_s, t->last_e);
    return rc;
}

static int tokenize(smz_tok *t, void *ctx, int flags, const char *text, int len, token_fn cb)
{
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

/* Prefixes each token of a term-frequency query (see tf_query) with its mark
 * and level. */
typedef struct tfq_ctx {
    void *ctx;
    token_fn cb;
    char level;
} tfq_ctx;

static int tfq_cb(void *p, int tflags, const char *tok, int n, int s, int e)
{
    tfq_ctx *q = p;
    char buf[2 + TF_TOKEN_MAX];
    if (n > TF_TOKEN_MAX)
        return SQLITE_OK; /* never counted */
    buf[0] = SMZ_TOKEN_TF;
    buf[1] = q->level;
    memcpy(buf + 2, tok, (size_t)n);
    return q->cb(q->ctx, tflags, buf, 2 + n, s, e);
}

static int tok_tokenize(Fts5Tokenizer *p, void *ctx, int flags, const char *text, int len, token_fn cb)
{
    smz_tok *t = (smz_tok *)p;
    int rc;
    if (!text || len <= 0)
        return SQLITE_OK;
    /* A query for a level of term frequency: SMZ_TOKEN_TF, the level, the
     * query's text (a user's query never starts so: control characters
     * separate tokens, and a query's literals are its tokens' bytes). */
    if ((flags & FTS5_TOKENIZE_QUERY) && len > 2 && text[0] == SMZ_TOKEN_TF &&
        text[1] >= '0' + SMZ_TF_FIRST && text[1] <= '0' + SMZ_TF_LEVELS) {
        tfq_ctx q = {ctx, cb, text[1]};
        return tokenize(t, &q, flags, text + 2, len - 2, tfq_cb);
    }
    if ((flags & FTS5_TOKENIZE_QUERY) && len == 2 && !memcmp(text, SMZ_HUB_TOKEN, 2))
        return cb(ctx, 0, text, 2, 0, 2);
    if (!t->g->tf || (flags & FTS5_TOKENIZE_QUERY))
        return tokenize(t, ctx, flags, text, len, cb);
    tf_ctx c = {.ctx = ctx, .cb = cb, .weigh_from = t->g->weigh_from, .hub = t->g->hub};
    rc = tf_grow(&c);
    if (rc == SQLITE_OK)
        rc = tokenize(t, &c, flags, text, len, tf_cb);
    if (rc == SQLITE_OK)
        rc = tf_emit(&c);
    sqlite3_free(c.slots);
    sqlite3_free(c.arena);
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
    int src = sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL);
    if (src == SQLITE_OK) {
        sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
        src = sqlite3_step(st);
    }
    sqlite3_finalize(st);
    if ((src & 0xff) == SQLITE_NOMEM)
        return SMZ_E_NOMEM; /* not a sign that FTS5 is missing */
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
    g->tf = 0;
    g->hub = 0;
    g->weigh_from = INT_MAX;
    fts5_tokenizer tok = {tok_create, tok_delete, tok_tokenize};
    int src = api->xCreateTokenizer(api, "smz", g, &tok, sqlite3_free);
    if (src != SQLITE_OK)
        sqlite3_free(g); /* FTS5 calls the destructor only once it holds G */
    return src == SQLITE_OK ? SMZ_OK : src == SQLITE_NOMEM ? SMZ_E_NOMEM : SMZ_E_INTERNAL;
}

smz_tok_settings *smz__tokenizer_settings(sqlite3 *db)
{
    fts5_api *api;
    fts5_tokenizer tok;
    void *ud = NULL;
    if (smz__fts5_api(db, &api) != SMZ_OK)
        return NULL;
    if (api->xFindTokenizer(api, "smz", &ud, &tok) != SQLITE_OK || !ud || tok.xCreate != tok_create)
        return NULL; /* not registered on DB */
    return ud;
}

static void set_raw_upto(tok_shared *g, int upto)
{
    g->raw_upto = upto < 0 ? 0 : upto;
}

static void set_index_tf(tok_shared *g, int on, int weigh_from, int hub)
{
    g->tf = on;
    g->hub = on && hub;
    g->weigh_from = weigh_from < 0 ? INT_MAX : weigh_from;
}

void smz__tokenizer_set(smz_tok_settings *s, int raw_upto, int tf, int weigh_from, int hub)
{
    set_raw_upto(s, raw_upto);
    set_index_tf(s, tf, weigh_from, hub);
}

smz_err smz__tokenizer_index_tf(sqlite3 *db, int on, int weigh_from, int hub)
{
    tok_shared *g = smz__tokenizer_settings(db);
    if (!g)
        return SMZ_E_INTERNAL;
    set_index_tf(g, on, weigh_from, hub);
    return SMZ_OK;
}

smz_err smz__tokenizer_raw_upto(sqlite3 *db, int upto)
{
    tok_shared *g = smz__tokenizer_settings(db);
    if (!g)
        return SMZ_E_INTERNAL;
    set_raw_upto(g, upto);
    return SMZ_OK;
}
