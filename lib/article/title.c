/* The title a person would give an article that has none: the first
 * sentence of its first paragraph, cut at a clause or a word (with an
 * ellipsis) when long, or else its file name made readable.
 *
 * Uses lib/text (ascii.h, utf8.h) and words.c. */
#include <stdint.h>
#include <string.h>
#include "article/article_priv.h"
#include "text/ascii.h"
#include "text/utf8.h"

#define TITLE_SOFT 140      /* width: a whole sentence or clause up to this */
#define TITLE_HARD 100      /* width: otherwise cut at a phrase or word before this */
#define TITLE_MIN_CLAUSE 75 /* a clause break before this loses too much */

static const char *const ABBREV[] = {"mr",   "mrs", "ms",   "dr",  "prof",   "sr",  "jr",  "st",  "mt",
                                     "no",   "nos", "vol",  "gen", "gov",    "sen", "rep", "rev", "col",
                                     "capt", "lt",  "sgt",  "jan", "feb",    "mar", "apr", "jun", "jul",
                                     "aug",  "sep", "sept", "oct", "nov",    "dec", "inc", "ltd", "co",
                                     "corp", "vs",  "etc",  "al",  "approx", "est", "fig", "ca",  NULL};

static const char *const STOPWORDS[] = {
    "a",      "an",     "the",     "and",     "or",      "but",    "nor",    "of",      "to",
    "in",     "on",     "at",      "for",     "with",    "by",     "from",   "as",      "that",
    "which",  "who",    "whom",    "whose",   "where",   "when",   "its",    "their",   "his",
    "her",    "our",    "your",    "is",      "are",     "was",    "were",   "be",      "been",
    "has",    "have",   "had",     "will",    "would",   "into",   "than",   "this",    "these",
    "those",  "not",    "no",      "if",      "outside", "inside", "about",  "over",    "under",
    "after",  "before", "between", "against", "during",  "near",   "across", "through", "towards",
    "toward", "among",  "amid",    "upon",    NULL};

/* Clause breaks a title may end before, at the start of " as ..." etc. */
static const char *const BREAKS[] = {", ",       "; ",    ": ",      " \xE2\x80\x94 ", " \xE2\x80\x93 ",
                                     " - ",      " (",    " as ",    " while ",        " where ",
                                     " which ",  " who ", " after ", " because ",      " although ",
                                     " though ", " but ", " when ",  " according to ", " saying ",
                                     NULL};

/* The length of the first sentence of S (folded white space), without a
 * final '.' but with '?' or '!' and closing quotes kept. */
size_t smz__art_first_sentence(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (smz__ascii_prefix_ci(s + i, n - i, "\xE3\x80\x82")) /* ideographic full stop */
            return i;
        if (smz__ascii_prefix_ci(s + i, n - i, "\xEF\xBC\x81") ||
            smz__ascii_prefix_ci(s + i, n - i, "\xEF\xBC\x9F"))
            return i + 3;
        char c = s[i];
        if (c != '.' && c != '!' && c != '?')
            continue;
        size_t j = i + 1, k;
        while (j < n && (k = smz__art_closing_at(s + j, n - j)) != 0)
            j += k;
        if (j < n && s[j] != ' ')
            continue;
        if (j + 1 < n) {
            unsigned char next = (unsigned char)s[j + 1];
            if ((next >= 'a' && next <= 'z') || strchr(",;:", next))
                continue;
        }
        if (c == '.') {
            size_t w = i;
            while (w > 0 && smz_ascii_alpha((unsigned char)s[w - 1]))
                w--;
            if (i - w == 1 || (w > 0 && s[w - 1] == '.') || smz__art_any_equal_ci(s + w, i - w, ABBREV))
                continue; /* an initial, "U.S.", "Sept." */
            if (i > 0 && s[i - 1] == '.')
                continue; /* an ellipsis "..." goes on */
            return j > i + 1 ? j : i;
        }
        return j;
    }
    return n;
}

/* Removes trailing stopwords and clause punctuation from B (at least two
 * words stay). */
static void trim_title_tail(smz_strbuf *b)
{
    for (;;) {
        const char *s = smz_strbuf_str(b);
        size_t n = smz_strbuf_len(b);
        while (n && strchr(" ,;:-(", s[n - 1]))
            n--;
        while (n >= 3 &&
               (!memcmp(s + n - 3, "\xEF\xBC\x8C", 3) || !memcmp(s + n - 3, "\xEF\xBC\x9B", 3) ||
                !memcmp(s + n - 3, "\xEF\xBC\x9A", 3) || !memcmp(s + n - 3, "\xE3\x80\x81", 3) ||
                !memcmp(s + n - 3, "\xEF\xBC\x88", 3) || !memcmp(s + n - 3, "\xE3\x80\x8A", 3)))
            n -= 3;
        while (n >= 3 && (smz__ascii_prefix_ci(s + n - 3, 3, "\xE2\x80\x94") ||
                          smz__ascii_prefix_ci(s + n - 3, 3, "\xE2\x80\x93"))) {
            n -= 3;
            while (n && s[n - 1] == ' ')
                n--;
        }
        smz_strbuf_truncate(b, n);
        const char *sp = NULL;
        for (size_t i = n; i > 0; i--)
            if (s[i - 1] == ' ') {
                sp = s + i - 1;
                break;
            }
        if (!sp || smz__art_word_count(s, (size_t)(sp - s)) < 2 ||
            !smz__art_any_equal_ci(sp + 1, n - (size_t)(sp + 1 - s), STOPWORDS))
            return;
        smz_strbuf_truncate(b, (size_t)(sp - s));
    }
}

/* Display width: a CJK or full-width character counts twice, so that the
 * limits below give Chinese titles about as much room on a line. */
static size_t width_at(const char *s, size_t n)
{
    uint32_t cp;
    smz__utf8_next((const unsigned char *)s, n, &cp);
    return cp >= 0x2E80 && cp <= 0xFFEF ? 2 : 1;
}

/* Openers and closers of the brackets and quotes a title must not be cut
 * inside: ASCII, curly, guillemets and the full-width and CJK forms. */
static const char *const OPENERS[] = {"(",
                                      "[",
                                      "\xE2\x80\x9C",
                                      "\xC2\xAB",
                                      "\xEF\xBC\x88",
                                      "\xE3\x80\x8C",
                                      "\xE3\x80\x8E",
                                      "\xE3\x80\x8A",
                                      "\xE3\x80\x90",
                                      "\xE3\x80\x88",
                                      NULL};
static const char *const CLOSERS[] = {")",
                                      "]",
                                      "\xE2\x80\x9D",
                                      "\xC2\xBB",
                                      "\xEF\xBC\x89",
                                      "\xE3\x80\x8D",
                                      "\xE3\x80\x8F",
                                      "\xE3\x80\x8B",
                                      "\xE3\x80\x91",
                                      "\xE3\x80\x89",
                                      NULL};

/* Appends the closers of the quotes and brackets B leaves open, innermost
 * first, so that a title cut inside a quotation still reads as one:
 * "\"We were told ...\u2026\"", "\u201c...\u2026\u201d". */
static void close_open(smz_strbuf *b)
{
    int stack[16], depth = 0, dq = 0;
    const char *s = smz_strbuf_str(b);
    size_t n = smz_strbuf_len(b);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"') {
            dq = !dq;
            continue;
        }
        for (int k = 0; OPENERS[k]; k++)
            if (smz__ascii_prefix_ci(s + i, n - i, OPENERS[k]) && depth < 16)
                stack[depth++] = k;
        for (int k = 0; CLOSERS[k]; k++)
            if (smz__ascii_prefix_ci(s + i, n - i, CLOSERS[k]) && depth > 0 && stack[depth - 1] == k)
                depth--;
    }
    if (dq)
        smz_strbuf_add(b, "\"", 1);
    while (depth > 0)
        smz_strbuf_adds(b, CLOSERS[stack[--depth]]);
}

/* Clause breaks of Chinese text: full-width comma, semicolon, colon, and
 * the em dash pair. */
static const char *const CJK_BREAKS[] = {"\xEF\xBC\x8C", "\xEF\xBC\x9B", "\xEF\xBC\x9A",
                                         "\xE2\x80\x94\xE2\x80\x94", NULL};

/* Weaker breaks, between two phrases of one clause: used when no clause
 * break keeps enough, rather than a cut between any two words.  Not
 * prepositions: "... held in detention centres" would lose the verb. */
static const char *const PHRASE_BREAKS[] = {" and ", " or ", " amid ", " despite ", NULL};

/* Appends a title made from the paragraph S (see smz__article_render in
 * article.h for the rule): its whole first sentence when it is at most
 * TITLE_SOFT wide; else the longest part of it that ends at a clause break
 * (TITLE_MIN_CLAUSE to TITLE_SOFT wide), or at a phrase break, or at a
 * word (or, in CJK text, a character) up to TITLE_HARD, never inside
 * quotes or brackets when that keeps half of it, with trailing stopwords
 * and punctuation taken off and an ellipsis added. */
static smz_err title_from_text(smz_strbuf *out, const char *para, size_t pn, int *whole)
{
    smz_strbuf tmp;
    smz_strbuf_init(&tmp, pn + 1);
    *whole = 0;
    smz_err rc = smz__art_add_collapsed(&tmp, para, pn);
    if (rc)
        goto out;
    const char *s = smz_strbuf_str(&tmp);
    size_t n = smz__art_first_sentence(s, smz_strbuf_len(&tmp));
    size_t width = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            width += width_at(s + i, n - i);
    if (width <= TITLE_SOFT) {
        *whole = 1;
        rc = smz_strbuf_add(out, s, n);
        goto out;
    }
    size_t clause = 0, phrase = 0, word = 0, any_word = 0, word_w = 0, w = 0;
    int dq = 0, depth = 0;
    for (size_t i = 0; i < n && w <= TITLE_SOFT; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c & 0xC0) == 0x80)
            continue;
        int free_here = !dq && depth <= 0;
        if (free_here && w >= TITLE_MIN_CLAUSE) {
            for (size_t k = 0; BREAKS[k]; k++)
                if (smz__ascii_prefix_ci(s + i, n - i, BREAKS[k]))
                    clause = i;
            if (smz__art_any_prefix_ci(s + i, n - i, CJK_BREAKS))
                clause = i;
        }
        if (free_here && w >= TITLE_MIN_CLAUSE && w <= TITLE_HARD &&
            smz__art_any_prefix_ci(s + i, n - i, PHRASE_BREAKS))
            phrase = i;
        size_t cw = width_at(s + i, n - i);
        /* A cut may fall before a space, or before any CJK character. */
        if ((c == ' ' || cw == 2) && w + cw <= TITLE_HARD && i > 0) {
            any_word = i;
            if (free_here) {
                word = i;
                word_w = w;
            }
        }
        if (c == '"')
            dq = !dq;
        else if (smz__art_any_prefix_ci(s + i, n - i, OPENERS))
            depth++;
        else if (smz__art_any_prefix_ci(s + i, n - i, CLOSERS))
            depth--;
        w += cw;
    }
    /* Outside quotes when that keeps enough, else at the last space. */
    if (word_w < TITLE_HARD / 2)
        word = any_word;
    size_t cut = clause ? clause : phrase ? phrase : word;
    smz_strbuf t;
    smz_strbuf_init(&t, n + 8);
    smz_strbuf_add(&t, s, cut ? cut : smz__utf8_offset(s, n, TITLE_HARD));
    if (cut)
        trim_title_tail(&t);
    smz_strbuf_adds(&t, SMZ__ART_ELLIPSIS);
    close_open(&t);
    rc = smz_strbuf_err(&t);
    if (!rc)
        rc = smz_strbuf_add(out, smz_strbuf_str(&t), smz_strbuf_len(&t));
    smz_strbuf_free(&t);
out:
    smz_strbuf_free(&tmp);
    return rc;
}

smz_err smz__art_title_from_paragraph(smz_strbuf *out, smz_strbuf *para, int *whole)
{
    smz_err rc = smz_strbuf_err(para);
    *whole = 0;
    if (!rc)
        rc = title_from_text(out, smz_strbuf_str(para), smz_strbuf_len(para), whole);
    smz_strbuf_free(para);
    return rc;
}

/* "dir/some_file-name.txt" -> "some file name". */
smz_err smz__art_title_from_name(smz_strbuf *out, const char *name)
{
    smz_strbuf tmp;
    smz_strbuf_init(&tmp, 1024);
    smz_err rc = smz__art_clean_line(&tmp, name, 255);
    if (rc)
        goto out;
    const char *s = smz_strbuf_str(&tmp);
    const char *slash = strrchr(s, '/');
    if (slash)
        s = slash + 1;
    const char *dot = strrchr(s, '.');
    size_t n = dot && dot > s ? (size_t)(dot - s) : strlen(s);
    char buf[1024];
    memcpy(buf, s, n);
    for (size_t i = 0; i < n; i++)
        if (buf[i] == '_' || buf[i] == '-')
            buf[i] = ' ';
    rc = smz__art_add_collapsed(out, buf, n);
out:
    smz_strbuf_free(&tmp);
    return rc;
}
